/*
 * syscall.S: the SYSCALL entry and the way back to user mode.
 *
 * SYSCALL leaves the user's rip in rcx and rflags in r11, masks
 * interrupts (IA32_FMASK) and does not switch stacks, so the entry swaps
 * GS to find this CPU's data, parks the user stack pointer there, moves to
 * the thread's kernel stack and builds the same struct cpu_frame an
 * interrupt would, so that every path out of the kernel (and every fault
 * report) sees one layout.  The return uses SYSRET, except when the saved
 * rip is not a canonical user address: SYSRET would then fault in ring 0
 * with the user's stack, so such a frame is handed to
 * syscall_bad_return(), which ends the process.
 *
 * arch_enter_user(entry, stack) starts a thread in user mode with IRETQ
 * and all registers cleared.
 */
#include <arch/frame_asm.h>
#include <kernel/cpu.h>

#define USER_DS 0x1B
#define USER_CS 0x23
#define RFLAGS_IF 0x200
#define FRAME_RIP 136 /* offsetof(struct cpu_frame, rip) */

    .text
    .global syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:CPU_OFFSET_USER_RSP
    movq %gs:CPU_OFFSET_KERNEL_STACK, %rsp
    pushq $USER_DS                         /* ss */
    pushq %gs:CPU_OFFSET_USER_RSP          /* rsp */
    pushq %r11                             /* rflags */
    pushq $USER_CS                         /* cs */
    pushq %rcx                             /* rip */
    pushq $0                               /* error code */
    pushq $-1                              /* "vector": a system call */
    PUSH_GPRS
    xorl %ebp, %ebp                        /* backtraces end here */
    cld
    sti
    movq %rsp, %rdi
    call syscall_dispatch
    cli
    movq FRAME_RIP(%rsp), %rcx
    shrq $47, %rcx                         /* 0 for a canonical user address */
    jnz .Lbad_return
    POP_GPRS
    addq $16, %rsp                         /* vector, error code */
    popq %rcx                              /* rip */
    addq $8, %rsp                          /* cs */
    popq %r11                              /* rflags */
    popq %rsp                              /* the user's stack */
    swapgs
    sysretq

.Lbad_return:
    movq %rsp, %rdi
    call syscall_bad_return                /* does not return */
    ud2

    .global arch_enter_user
arch_enter_user:
    cli
    pushq $USER_DS
    pushq %rsi                             /* user stack */
    pushq $RFLAGS_IF
    pushq $USER_CS
    pushq %rdi                             /* entry point */
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    swapgs
    iretq

    .section .note.GNU-stack, "", @progbits
