/* This CPU's struct cpu and current thread, each one GS-relative load
 * (see percpu.c); inline because every system call needs them.  Volatile:
 * the current thread changes across a switch, and a thread may one day
 * resume on another CPU, so neither may be cached by the compiler. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kernel/cpu.h>

static inline struct cpu *arch_cpu_this(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(c) : "i"(CPU_OFFSET_SELF));
    return c;
}

static inline struct thread *arch_current_thread(void)
{
    struct thread *t;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(t) : "i"(CPU_OFFSET_CURRENT));
    return t;
}

#endif
