/*
 * power.c: switching a PC off and restarting it, each by the most
 * specific means first, falling back to the next when the machine is
 * still running after a short wait.
 *
 * Off: ACPI S5.  If the chipset is not in ACPI mode (SCI_EN clear) and
 * the FADT names an SMI command, ACPI mode is asked for first.  Then
 * SLP_TYP from the DSDT's \_S5 and SLP_EN go to PM1a (and PM1b) control.
 * Failing that, and only under a hypervisor (CPUID says so), the fixed
 * PM1 control ports of QEMU's q35 (0x604), Bochs/old QEMU (0xB004) and
 * VirtualBox (0x4004) get SLP_EN with type 0: on real hardware those
 * ports could be anything, so they are never touched there.  QEMU's
 * isa-debug-exit port is not used: its exit status means pass or fail to
 * the test harness.  If nothing worked the caller is told.
 *
 * Restart: the FADT's reset register (I/O, memory or PCI configuration
 * space), then the chipset's reset control port 0xCF9, then the 8042
 * keyboard controller's reset line, then a triple fault.
 */
#include <arch/io.h>
#include <kernel/acpi.h>
#include <kernel/arch.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#define PM1_SCI_EN      (1u << 0)
#define PM1_SLP_TYP(t)  ((uint16_t)((t) << 10))
#define PM1_SLP_TYP_MASK (7u << 10)
#define PM1_SLP_EN      (1u << 13)
#define CPUID_HYPERVISOR (1u << 31)  /* leaf 1, ecx */
#define RESET_CONTROL   0xCF9
#define PCI_CONFIG_ADDR 0xCF8
#define PCI_CONFIG_DATA 0xCFC
#define I8042_STATUS    0x64
#define I8042_INPUT_FULL 0x02
#define I8042_PULSE_RESET 0xFE

/* Gives a write time to take effect. */
static void settle(uint64_t ms)
{
    uint64_t until = time_monotonic_ns() + ms * 1000000ull;
    while (time_monotonic_ns() < until)
        __asm__ volatile("pause");
}

static void acpi_mode(const struct acpi_fadt *f)
{
    if ((inw(f->pm1a_cnt) & PM1_SCI_EN) || f->smi_cmd == 0 || f->smi_cmd > 0xFFFF ||
        f->acpi_enable == 0)
        return;
    outb((uint16_t)f->smi_cmd, f->acpi_enable);
    uint64_t until = time_monotonic_ns() + 300000000ull;
    while (!(inw(f->pm1a_cnt) & PM1_SCI_EN) && time_monotonic_ns() < until)
        __asm__ volatile("pause");
}

static void sleep_s5(uint16_t port, uint8_t slp_typ)
{
    uint16_t v = inw(port) & (uint16_t)~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
    outw(port, v | PM1_SLP_TYP(slp_typ) | PM1_SLP_EN);
}

static bool under_hypervisor(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return r[2] & CPUID_HYPERVISOR;
}

void arch_power_off(const struct acpi_info *acpi)
{
    const struct acpi_fadt *f = acpi && acpi->has_fadt ? &acpi->fadt : NULL;
    if (f && f->has_s5) {
        acpi_mode(f);
        /* PM1b, if there is one, first: the write to PM1a is the one that
         * usually takes effect at once. */
        if (f->pm1b_cnt)
            sleep_s5(f->pm1b_cnt, f->slp_typ_b);
        sleep_s5(f->pm1a_cnt, f->slp_typ_a);
        settle(100);
    }
    if (under_hypervisor()) {
        static const uint16_t ports[] = { 0x604, 0xB004, 0x4004 };
        for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
            outw(ports[i], PM1_SLP_EN);
            settle(50);
        }
    }
}

static void reset_register(const struct acpi_fadt *f)
{
    const struct acpi_gas *g = &f->reset_reg;
    switch (g->space) {
    case ACPI_SPACE_IO:
        outb((uint16_t)g->address, f->reset_value);
        break;
    case ACPI_SPACE_MEMORY: {
        volatile uint8_t *reg = vm_map_physical(g->address, 1, VM_CACHE_UC);
        if (reg)
            *reg = f->reset_value;
        break;
    }
    case ACPI_SPACE_PCI_CFG: {
        /* Bus 0; device, function and offset packed in the address. */
        uint32_t dev = (uint32_t)(g->address >> 32) & 0x1F;
        uint32_t fn = (uint32_t)(g->address >> 16) & 0x7;
        uint32_t off = (uint32_t)g->address & 0xFF;
        outl(PCI_CONFIG_ADDR, 0x80000000u | dev << 11 | fn << 8 | (off & 0xFC));
        outb((uint16_t)(PCI_CONFIG_DATA + (off & 3)), f->reset_value);
        break;
    }
    }
}

void arch_reboot(const struct acpi_info *acpi)
{
    arch_interrupts_disable();
    if (acpi && acpi->has_fadt && acpi->fadt.has_reset) {
        reset_register(&acpi->fadt);
        settle(100);
    }
    outb(RESET_CONTROL, 0x02);  /* select a hard reset, then trigger it */
    settle(1);
    outb(RESET_CONTROL, 0x06);
    settle(100);
    for (int i = 0; i < 1000 && (inb(I8042_STATUS) & I8042_INPUT_FULL); i++)
        settle(1);
    outb(I8042_STATUS, I8042_PULSE_RESET);
    settle(100);
    /* No IDT: the breakpoint faults, the fault double-faults, and the
     * double fault resets the CPU. */
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } no_idt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(no_idt));
    arch_halt_forever();
}
