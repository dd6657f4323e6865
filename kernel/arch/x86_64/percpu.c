/*
 * percpu.c: each CPU finds its struct cpu through GS.  In the kernel,
 * GS_BASE points at it; while a CPU runs user code, swapgs has moved it to
 * KERNEL_GS_BASE and GS_BASE holds the user's value.  Entry paths from
 * user mode swap the two back.
 */
#include <arch/io.h>
#include <kernel/cpu.h>

#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102

void cpu_init_local(struct cpu *c, unsigned id)
{
    c->self = c;
    c->id = id;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}
