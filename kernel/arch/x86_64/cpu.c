/*
 * cpu.c: the kernel's own GDT, TSS and IDT, and exception reporting.
 *
 * boot.S left a GDT in low memory and no IDT, so any fault would triple
 * fault and reset the machine without a word.  arch_early_init() loads a
 * GDT and an IDT from the higher half, then removes the identity mapping of
 * low memory so that stray low pointers (NULL above all) fault.  Once
 * kernel stacks with guard pages can be allocated, arch_cpu_init() adds a
 * TSS whose interrupt-stack table gives double faults, NMIs and machine
 * checks stacks of their own: a kernel stack overflow then ends in a
 * readable double-fault report instead of a reset.  Every exception is
 * reported through panic with the registers and, for page faults, the
 * decoded error code and CR2.
 *
 * The GDT is laid out for SYSCALL/SYSRET: kernel code and data, then user
 * data and user code, then the TSS.  Tables are per CPU (one CPU for now).
 */
#include <arch/cpu_frame.h>
#include <arch/io.h>
#include <arch/uspace.h>
#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/error.h>
#include <kernel/vm.h>
#include <kernel/fmt.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS   0x18
#define USER_CS   0x20
#define TSS_SEL   0x28
#define IDT_INTERRUPT_GATE 0x8E /* present, ring 0, 64-bit interrupt gate */
#define EXCEPTION_COUNT 32
#define IST_STACK_PAGES 4

enum ist_slot { IST_NONE, IST_DOUBLE_FAULT, IST_NMI, IST_MACHINE_CHECK };

/* What each CPU owns: its GDT (with its TSS descriptor) and its TSS
 * (arch/switch.h, where thread switches set its rsp0). */
struct cpu_tables {
    uint64_t gdt[7];
};

struct tss arch_boot_tss __attribute__((aligned(16)));

static struct cpu_tables boot_cpu __attribute__((aligned(16))) = {
    .gdt = {
        0,
        0x00AF9A000000FFFF, /* KERNEL_CS: 64-bit code, ring 0 */
        0x00CF92000000FFFF, /* KERNEL_DS: data, ring 0 */
        0x00CFF2000000FFFF, /* USER_DS: data, ring 3 */
        0x00AFFA000000FFFF, /* USER_CS: 64-bit code, ring 3 */
        0, 0,               /* TSS_SEL: filled in by arch_cpu_init */
    },
};

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct table_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_entry) == 16, "IDT entry is 16 bytes");

static struct idt_entry idt[256];
extern const uint64_t isr_table[256];
extern uint64_t boot_pml4[512];
extern char kernel_phys_start[], kernel_phys_end[];

static const char *const exception_names[EXCEPTION_COUNT] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow",
    "bound range exceeded", "invalid opcode", "device not available",
    "double fault", "coprocessor segment overrun", "invalid TSS",
    "segment not present", "stack-segment fault", "general protection fault",
    "page fault", "reserved", "x87 floating-point error", "alignment check",
    "machine check", "SIMD floating-point error", "virtualization exception",
    "control protection exception", "reserved", "reserved", "reserved",
    "reserved", "reserved", "reserved", "hypervisor injection",
    "VMM communication", "security exception", "reserved",
};

static void gdt_load(void)
{
    struct table_ptr p = { sizeof(boot_cpu.gdt) - 1, (uint64_t)(uintptr_t)boot_cpu.gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        :
        : "m"(p), "i"(KERNEL_CS), "i"(KERNEL_DS)
        : "rax", "memory");
}

static void idt_load(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t addr = isr_table[v];
        idt[v] = (struct idt_entry){
            .offset_low = (uint16_t)addr,
            .selector = KERNEL_CS,
            .type_attr = IDT_INTERRUPT_GATE,
            .offset_mid = (uint16_t)(addr >> 16),
            .offset_high = (uint32_t)(addr >> 32),
        };
    }
    struct table_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
}

static void idt_set_ist(unsigned vector, enum ist_slot slot)
{
    idt[vector].ist = (uint8_t)slot;
}

int arch_cpu_init(void)
{
    static const struct { enum ist_slot slot; unsigned vector; } ists[] = {
        { IST_DOUBLE_FAULT, 8 }, { IST_NMI, 2 }, { IST_MACHINE_CHECK, 18 },
    };
    struct tss *tss = &arch_boot_tss;
    for (size_t i = 0; i < sizeof(ists) / sizeof(ists[0]); i++) {
        uint64_t top = vm_stack_alloc(IST_STACK_PAGES);
        if (!top)
            return E_NOMEM;
        tss->ist[ists[i].slot - 1] = top;
    }
    tss->iomap_base = sizeof(struct tss); /* no I/O bitmap yet: ports denied */

    uint64_t base = (uint64_t)(uintptr_t)tss, limit = sizeof(struct tss) - 1;
    boot_cpu.gdt[TSS_SEL / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 |
                                0x89ull << 40 | /* present, 64-bit TSS */
                                ((limit >> 16) & 0xF) << 48 |
                                ((base >> 24) & 0xFF) << 56;
    boot_cpu.gdt[TSS_SEL / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
    for (size_t i = 0; i < sizeof(ists) / sizeof(ists[0]); i++)
        idt_set_ist(ists[i].vector, ists[i].slot);
    return E_OK;
}

void arch_early_init(void)
{
    gdt_load();
    idt_load();
    /* Low memory stays reachable through the direct map only. */
    uint64_t *pml4 = phys_to_virt((uint64_t)(uintptr_t)boot_pml4);
    pml4[0] = 0;
    write_cr3(read_cr3());
}

void arch_kernel_image(uint64_t *start, uint64_t *end)
{
    *start = (uint64_t)(uintptr_t)kernel_phys_start;
    *end = (uint64_t)(uintptr_t)kernel_phys_end;
}

void exception_dispatch(struct cpu_frame *f);

void exception_dispatch(struct cpu_frame *f)
{
    const char *name = f->vector < EXCEPTION_COUNT ? exception_names[f->vector]
                                                   : "unknown";
    if (f->cs & 3) {
        /* User mode: the process is stopped, the kernel goes on. */
        uint64_t address = f->vector == 14 ? read_cr2() : f->rip;
        user_fault(f, name, address);
    }
    if (f->vector == 14 && usercopy_fixup(f))
        return; /* a bad user pointer met in copy_from_user and friends */

    char regs[512];
    fmt_snprintf(regs, sizeof(regs),
        "  rip=%016llx rsp=%016llx rflags=%08llx cs=%04llx ss=%04llx\n"
        "  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
        "  rsi=%016llx rdi=%016llx rbp=%016llx r8 =%016llx\n"
        "  r9 =%016llx r10=%016llx r11=%016llx r12=%016llx\n"
        "  r13=%016llx r14=%016llx r15=%016llx cr2=%016llx\n",
        (unsigned long long)f->rip, (unsigned long long)f->rsp,
        (unsigned long long)f->rflags, (unsigned long long)f->cs,
        (unsigned long long)f->ss, (unsigned long long)f->rax,
        (unsigned long long)f->rbx, (unsigned long long)f->rcx,
        (unsigned long long)f->rdx, (unsigned long long)f->rsi,
        (unsigned long long)f->rdi, (unsigned long long)f->rbp,
        (unsigned long long)f->r8, (unsigned long long)f->r9,
        (unsigned long long)f->r10, (unsigned long long)f->r11,
        (unsigned long long)f->r12, (unsigned long long)f->r13,
        (unsigned long long)f->r14, (unsigned long long)f->r15,
        (unsigned long long)read_cr2());
    struct panic_context ctx = { f->rip, f->rbp, regs };

    if (f->vector == 14) {
        uint64_t e = f->error_code;
        panic_in_context(&ctx, "page fault at %#llx (%s, %s, %s%s%s)",
                         (unsigned long long)read_cr2(),
                         e & 1 ? "protection violation" : "page not present",
                         e & 2 ? "write" : "read", e & 4 ? "user" : "kernel",
                         e & 16 ? ", instruction fetch" : "",
                         e & 8 ? ", reserved bit set" : "");
    }
    panic_in_context(&ctx, "exception %llu (%s), error code %#llx",
                     (unsigned long long)f->vector, name,
                     (unsigned long long)f->error_code);
}
