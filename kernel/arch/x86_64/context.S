/*
 * context.S: switching kernel stacks between threads.
 *
 * arch_context_switch(uint64_t *save_sp, uint64_t load_sp) pushes the
 * callee-saved registers on the old thread's stack, stores its stack
 * pointer, loads the new one and pops the new thread's registers: to each
 * thread, the call simply returns.  A new thread's stack is prepared by
 * arch_thread_stack_init() so that this "return" lands in thread_start,
 * which calls the thread's entry function with interrupts enabled.
 */
    .text
    .global arch_context_switch
arch_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* Entered by the first switch to a new thread: r12 = entry, r13 = arg.
 * rbp is zero, so backtraces stop here. */
    .global arch_thread_start
arch_thread_start:
    call sched_finish_switch
    sti
    movq %r13, %rdi
    call *%r12
    movl %eax, %edi
    call thread_exit
    ud2

    .section .note.GNU-stack, "", @progbits
