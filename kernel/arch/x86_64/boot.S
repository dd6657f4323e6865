/*
 * boot.S: from the Multiboot2 hand-over to kernel_main().
 *
 * GRUB enters boot_entry32 in 32-bit protected mode with paging off,
 * EAX = Multiboot2 magic and EBX = physical address of the boot information
 * (on BIOS and on UEFI alike, since we give no EFI entry tag). We check the
 * magic and that the CPU can run 64-bit code, build page tables that map
 * [0, 4 GiB) three times (identity, for the switch itself; the direct map;
 * and the kernel image in the top 2 GiB), enter long mode and jump to the
 * higher half.  Failures this early are printed on COM1 and the VGA text
 * screen by boot_fail32, since nothing else exists yet.
 */
#include <arch/layout.h>

#define MB2_HEADER_MAGIC     0xE85250D6
#define MB2_BOOTLOADER_MAGIC 0x36D76289
#define MB2_TAG_OPTIONAL     1

#define PTE_PRESENT  0x001
#define PTE_WRITE    0x002
#define PTE_LARGE    0x080
#define BOOT_PD_COUNT 4          /* 4 page directories x 1 GiB = 4 GiB */

#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)
#define MSR_EFER    0xC0000080
#define EFER_LME    (1 << 8)
#define EFER_NXE    (1 << 11)

#define COM1 0x3F8

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long 0                                  /* architecture: i386 */
    .long mb2_header_end - mb2_header
    .long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))

    /* Ask for a linear framebuffer; optional, so text-only machines boot. */
    .balign 8
    .short 5
    .short MB2_TAG_OPTIONAL
    .long 20
    .long 1024                               /* width */
    .long 768                                /* height */
    .long 32                                 /* depth */

    /* Page-align modules so the initrd can later be mapped as it lies. */
    .balign 8
    .short 6
    .short MB2_TAG_OPTIONAL
    .long 8

    .balign 8
    .short 0
    .short 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .global boot_entry32
boot_entry32:
    cli
    cld
    movl $boot_stack32_top, %esp
    movl %eax, boot_mb2_magic
    movl %ebx, boot_mb2_info

    cmpl $MB2_BOOTLOADER_MAGIC, %eax
    jne .Lno_multiboot

    /* CPUID exists if EFLAGS.ID can be toggled. */
    pushfl
    popl %eax
    movl %eax, %ecx
    xorl $(1 << 21), %eax
    pushl %eax
    popfl
    pushfl
    popl %eax
    pushl %ecx
    popfl
    xorl %ecx, %eax
    jz .Lno_long_mode

    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb .Lno_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx                   /* LM */
    jz .Lno_long_mode
    movl %edx, boot_cpuid_ext_edx            /* NX is bit 20 */

    /* Zero the page tables: GRUB need not have cleared .boot.bss. */
    movl $boot_tables_start, %edi
    movl $boot_tables_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* Page directories: 2048 large pages covering [0, 4 GiB). */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_PRESENT | PTE_WRITE | PTE_LARGE), %eax
    movl %eax, (%edi, %ecx, 8)
    incl %ecx
    cmpl $(512 * BOOT_PD_COUNT), %ecx
    jne 1b

    /* Low PDPT: four 1 GiB slots for [0, 4 GiB). */
    movl $boot_pdpt_low, %edi
    movl $boot_pd, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    xorl %ecx, %ecx
2:  movl %eax, (%edi, %ecx, 8)
    addl $4096, %eax
    incl %ecx
    cmpl $BOOT_PD_COUNT, %ecx
    jne 2b

    /* High PDPT: slots 510 and 511 map [0, 2 GiB) at KERNEL_VMA. */
    movl $boot_pdpt_high, %edi
    movl $boot_pd, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl %eax, 510*8(%edi)
    addl $4096, %eax
    movl %eax, 511*8(%edi)

    /* PML4: identity (slot 0), direct map (256), kernel image (511). */
    movl $boot_pml4, %edi
    movl $boot_pdpt_low, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl %eax, 0*8(%edi)
    movl %eax, 256*8(%edi)
    movl $boot_pdpt_high, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl %eax, 511*8(%edi)

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $(1 << 20), boot_cpuid_ext_edx
    jz 3f
    orl $EFER_NXE, %eax
3:  wrmsr

    movl %cr0, %eax
    orl $CR0_PG, %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $boot_entry64

.Lno_multiboot:
    movl $msg_no_multiboot, %esi
    jmp boot_fail32
.Lno_long_mode:
    movl $msg_no_long_mode, %esi
    jmp boot_fail32

/* Print the NUL-terminated string at ESI on COM1 and the VGA text screen,
 * then stop.  The UART wait is bounded: a PC without COM1 must not hang. */
boot_fail32:
    movw $(COM1 + 1), %dx
    xorb %al, %al
    outb %al, %dx                            /* no UART interrupts */
    movw $(COM1 + 3), %dx
    movb $0x80, %al
    outb %al, %dx                            /* DLAB on */
    movw $COM1, %dx
    movb $1, %al
    outb %al, %dx                            /* divisor 1: 115200 baud */
    movw $(COM1 + 1), %dx
    xorb %al, %al
    outb %al, %dx
    movw $(COM1 + 3), %dx
    movb $0x03, %al
    outb %al, %dx                            /* 8N1, DLAB off */
    movl $0xB8000, %edi
.Lfail_next:
    movb (%esi), %bl
    testb %bl, %bl
    jz .Lfail_halt
    movl $100000, %ecx
    movw $(COM1 + 5), %dx
.Lfail_wait:
    inb %dx, %al
    testb $0x20, %al
    jnz .Lfail_send
    loop .Lfail_wait
.Lfail_send:
    movw $COM1, %dx
    movb %bl, %al
    outb %al, %dx
    cmpb $'\n', %bl
    je .Lfail_skip_vga
    movb %bl, (%edi)
    movb $0x4F, 1(%edi)                      /* white on red */
    addl $2, %edi
.Lfail_skip_vga:
    incl %esi
    jmp .Lfail_next
.Lfail_halt:
    cli
    hlt
    jmp .Lfail_halt

    .code64
boot_entry64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_entry_high, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF                 /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF                 /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
    .global boot_mb2_magic, boot_mb2_info, boot_cpuid_ext_edx
boot_mb2_magic:     .long 0
boot_mb2_info:      .long 0
boot_cpuid_ext_edx: .long 0
msg_no_multiboot:
    .asciz "PANIC: boot_entry32: not started by a Multiboot2 boot loader (use GRUB 2)\r\n"
msg_no_long_mode:
    .asciz "PANIC: boot_entry32: this CPU cannot run 64-bit (long mode) code\r\n"

    .section .boot.bss, "aw", @nobits
    .balign 4096
    .global boot_pml4
boot_tables_start:
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * BOOT_PD_COUNT
boot_tables_end:
boot_stack32:   .skip 1024
boot_stack32_top:

    .text
boot_entry_high:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movabsq $kernel_bss_start, %rdi
    movabsq $kernel_bss_end, %rcx
    subq %rdi, %rcx
    shrq $3, %rcx
    xorl %eax, %eax
    rep stosq
    movl boot_mb2_magic, %edi
    movl boot_mb2_info, %esi
    call kernel_main
1:  cli
    hlt
    jmp 1b

    .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:
