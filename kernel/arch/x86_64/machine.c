/*
 * machine.c: stopping the machine.  Under QEMU the test harness adds an
 * isa-debug-exit device at port 0xf4; a write of v makes QEMU exit with
 * status (v << 1) | 1, which is how self-tests report pass or fail without
 * a timeout.  On other machines the write goes nowhere and we halt.
 */
#include <arch/io.h>
#include <arch/layout.h>
#include <kernel/arch.h>

#define DEBUG_EXIT_PORT 0xF4
#define DEBUG_EXIT_PASS 0x10 /* QEMU exits with 33 */
#define DEBUG_EXIT_FAIL 0x11 /* QEMU exits with 35 */

void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_machine_exit(bool success)
{
    outb(DEBUG_EXIT_PORT, success ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    arch_halt_forever();
}

void arch_interrupts_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

/* With frame pointers, [rbp] holds the caller's rbp and [rbp + 8] the
 * return address.  Frames must lie in the kernel half, be aligned and
 * move up the stack by a sane step, so a corrupt chain ends the walk
 * instead of faulting inside a panic. */
void arch_stack_walk(uint64_t frame, unsigned depth,
                     void (*fn)(void *ctx, unsigned depth, uint64_t pc),
                     void *ctx)
{
    for (unsigned i = 1; i <= depth; i++) {
        if (frame < DIRECT_MAP_BASE || (frame & 7) != 0)
            return;
        const uint64_t *f = (const uint64_t *)(uintptr_t)frame;
        uint64_t next = f[0], pc = f[1];
        if (pc < KERNEL_VMA)
            return;
        fn(ctx, i, pc);
        if (next <= frame || next - frame > 0x10000)
            return;
        frame = next;
    }
}

void arch_switch_stack(uint64_t top, void (*fn)(void *), void *arg)
{
    /* A zero frame pointer and return address end backtraces here. */
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "push $0\n\t"
                     "jmp *%1"
                     : : "r"(top), "r"(fn), "D"(arg) : "memory");
    __builtin_unreachable();
}

void arch_thread_start(void);

uint64_t arch_thread_stack_init(uint64_t top, int (*entry)(void *), void *arg)
{
    /* Frame popped by arch_context_switch: r15 r14 r13 r12 rbx rbp, then
     * the return address.  The return into arch_thread_start happens at
     * the alignment a call would leave, so its own calls are aligned. */
    uint64_t *sp = (uint64_t *)(uintptr_t)(top - 16);
    *--sp = (uint64_t)(uintptr_t)arch_thread_start;
    *--sp = 0;                            /* rbp: ends backtraces */
    *--sp = 0;                            /* rbx */
    *--sp = (uint64_t)(uintptr_t)entry;   /* r12 */
    *--sp = (uint64_t)(uintptr_t)arg;     /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    return (uint64_t)(uintptr_t)sp;
}
