/*
 * syscall.S: the SYSCALL entry and the way back to user mode.
 *
 * SYSCALL leaves the user's rip in rcx and rflags in r11, masks
 * interrupts (IA32_FMASK) and does not switch stacks, so the entry swaps
 * GS to find this CPU's data, parks the user stack pointer there and moves
 * to the thread's kernel stack.  It saves only what a system call needs:
 * the argument registers and r12, laid out as struct syscall_regs (which
 * handlers read and the IPC calls overwrite with the message they
 * receive), and rip, rflags and rsp.  The callee-saved registers
 * survive the C code untouched, and rax carries the result.  (FMASK has
 * cleared the direction flag; a backtrace from here may walk into the
 * user's rbp chain, which the walker stops at.)
 *
 * The number is bounds-checked and the handler called straight from
 * syscall_table (kernel/proc/syscall.c): every system call passes here,
 * so no C frame sits between.  On the way out, with interrupts off so
 * that nothing can slip in after the look, a thread that was killed or a
 * CPU with something more urgent to run goes through
 * thread_user_return() first.
 *
 * The return uses SYSRET, except when the saved rip is not a canonical
 * user address: SYSRET would then fault in ring 0 with the user's stack,
 * so that case goes to syscall_bad_return(), which stops the process.
 *
 * arch_enter_user(entry, stack, arg) starts a thread in user mode with
 * IRETQ, rdi = arg and every other register cleared.
 */
#include <atom/errors.h>
#include <kernel/cpu.h>
#include <kernel/thread.h>

#define USER_DS 0x1B
#define USER_CS 0x23
#define RFLAGS_IF 0x200
#define SAVED_RIP 56 /* just above struct syscall_regs; 10 slots keep the
                        stack 16-byte aligned for the call */

    .text
    .global syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:CPU_OFFSET_USER_RSP
    movq %gs:CPU_OFFSET_KERNEL_STACK, %rsp
    pushq %gs:CPU_OFFSET_USER_RSP          /* the user's rsp */
    pushq %r11                             /* rflags */
    pushq %rcx                             /* rip */
    pushq %r12                             /* struct syscall_regs, from the top */
    pushq %r9
    pushq %r8
    pushq %r10
    pushq %rdx
    pushq %rsi
    pushq %rdi
    sti
    cmpq syscall_count(%rip), %rax
    jae .Lno_such_call
    movq %rsp, %rdi                        /* struct syscall_regs * */
    call *syscall_table(, %rax, 8)
.Lexit:
    cli
    movq %gs:CPU_OFFSET_CURRENT, %rcx
    cmpb $0, THREAD_OFFSET_KILL_PENDING(%rcx)
    jne .Lexit_work
    cmpb $0, %gs:CPU_OFFSET_NEED_RESCHED
    jne .Lexit_work
    movq SAVED_RIP(%rsp), %rcx
    shrq $47, %rcx                         /* 0 for a canonical user address */
    jnz .Lbad_return
    popq %rdi
    popq %rsi
    popq %rdx
    popq %r10
    popq %r8
    popq %r9
    popq %r12
    popq %rcx                              /* rip */
    popq %r11                              /* rflags */
    popq %rsp                              /* the user's stack */
    swapgs
    sysretq

.Lno_such_call:
    movq $-ATOM_ENOSYS, %rax
    jmp .Lexit

.Lexit_work:
    sti
    pushq %rax                             /* the result, twice to keep */
    pushq %rax                             /* the stack aligned */
    call thread_user_return                /* returns unless killed */
    popq %rax
    popq %rax
    jmp .Lexit

.Lbad_return:
    movq SAVED_RIP(%rsp), %rdi
    sti
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
    movq %rdx, %rdi                        /* arg */
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
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
