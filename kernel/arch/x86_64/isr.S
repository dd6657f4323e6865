/*
 * isr.S: entry stubs for all 256 interrupt vectors.  Each stub makes the
 * stack look the same (an error code, zero where the CPU pushes none, and
 * the vector number), saves the general registers as a struct cpu_frame
 * and calls exception_dispatch() for vectors 0-31 or irq_dispatch() for
 * the rest (device interrupts, the APIC timer, spurious interrupts).
 * Coming from user mode (CPL 3 in the saved CS), GS is swapped to the
 * kernel's per-CPU base on the way in and back on the way out.
 */
#include <arch/frame_asm.h>

#define EXC_NOERR(n) \
    .global isr_##n; isr_##n: pushq $0; pushq $n; jmp isr_common
#define EXC_ERR(n) \
    .global isr_##n; isr_##n: pushq $n; jmp isr_common

    .text
EXC_NOERR(0);  EXC_NOERR(1);  EXC_NOERR(2);  EXC_NOERR(3)
EXC_NOERR(4);  EXC_NOERR(5);  EXC_NOERR(6);  EXC_NOERR(7)
EXC_ERR(8);    EXC_NOERR(9);  EXC_ERR(10);   EXC_ERR(11)
EXC_ERR(12);   EXC_ERR(13);   EXC_ERR(14);   EXC_NOERR(15)
EXC_NOERR(16); EXC_ERR(17);   EXC_NOERR(18); EXC_NOERR(19)
EXC_NOERR(20); EXC_ERR(21);   EXC_NOERR(22); EXC_NOERR(23)
EXC_NOERR(24); EXC_NOERR(25); EXC_NOERR(26); EXC_NOERR(27)
EXC_NOERR(28); EXC_ERR(29);   EXC_ERR(30);   EXC_NOERR(31)

/* Vectors 32-255: no error code. */
    .altmacro
    .macro IRQ_STUB n
    .global isr_\n
isr_\n:
    pushq $0
    pushq $\n
    jmp irq_common
    .endm
    .set vec, 32
    .rept 224
    IRQ_STUB %vec
    .set vec, vec + 1
    .endr

    /* On entry: vector at 0(%rsp), error code at 8, CS at 24. */
    .macro SAVE_REGS
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:  PUSH_GPRS
    cld
    .endm

    .macro RESTORE_REGS_AND_RETURN
    POP_GPRS
    addq $16, %rsp
    testb $3, 8(%rsp)
    jz 2f
    swapgs
2:  iretq
    .endm

irq_common:
    SAVE_REGS
    movq %rsp, %rdi
    call irq_dispatch
    RESTORE_REGS_AND_RETURN

isr_common:
    SAVE_REGS
    movq %rsp, %rdi
    call exception_dispatch
    RESTORE_REGS_AND_RETURN

    .section .rodata
    .balign 8
    .global isr_table
isr_table:
    .quad isr_0,  isr_1,  isr_2,  isr_3,  isr_4,  isr_5,  isr_6,  isr_7
    .quad isr_8,  isr_9,  isr_10, isr_11, isr_12, isr_13, isr_14, isr_15
    .quad isr_16, isr_17, isr_18, isr_19, isr_20, isr_21, isr_22, isr_23
    .quad isr_24, isr_25, isr_26, isr_27, isr_28, isr_29, isr_30, isr_31
    .macro ISR_ENTRY n
    .quad isr_\n
    .endm
    .set vec, 32
    .rept 224
    ISR_ENTRY %vec
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
