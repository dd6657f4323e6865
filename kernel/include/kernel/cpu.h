/* Per-CPU state.  Each CPU reaches its own struct cpu through a register
 * the architecture reserves for it (GS on x86_64); the first fields are
 * read by assembly at fixed offsets, checked below. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#define CPU_OFFSET_SELF         0
#define CPU_OFFSET_KERNEL_STACK 8
#define CPU_OFFSET_USER_RSP     16
#define CPU_OFFSET_CURRENT      24
#define CPU_OFFSET_NEED_RESCHED 32

#ifndef __ASSEMBLY__
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_PRIORITIES 32

struct thread;

struct run_queue {
    spinlock_t lock;
    uint32_t bitmap;                        /* bit p: queue p non-empty */
    struct thread *head[SCHED_PRIORITIES];
    struct thread *tail[SCHED_PRIORITIES];
    size_t count;
};

struct cpu {
    struct cpu *self;          /* offset 0: lets assembly find the struct */
    uint64_t kernel_stack;     /* offset 8: top of the current thread's stack */
    uint64_t user_rsp;         /* offset 16: scratch for the syscall entry */
    struct thread *current;    /* offset 24 */
    bool need_resched;         /* offset 32: switch before returning to user mode */
    unsigned id;
    struct thread *idle;
    struct run_queue rq;
    struct thread *sleepers;   /* by wake-up time; under rq.lock */
    struct thread *switch_prev; /* the thread a switch left, until it lands */
    uint64_t context_switches;
};

_Static_assert(offsetof(struct cpu, self) == CPU_OFFSET_SELF, "cpu layout");
_Static_assert(offsetof(struct cpu, kernel_stack) == CPU_OFFSET_KERNEL_STACK, "cpu layout");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_OFFSET_USER_RSP, "cpu layout");
_Static_assert(offsetof(struct cpu, current) == CPU_OFFSET_CURRENT, "cpu layout");
_Static_assert(offsetof(struct cpu, need_resched) == CPU_OFFSET_NEED_RESCHED, "cpu layout");

void cpu_init_local(struct cpu *c, unsigned id);

#endif /* __ASSEMBLY__ */

#ifndef __ASSEMBLY__
#include <arch/percpu.h>

/* This CPU's struct (set up by cpu_init_local). */
static inline struct cpu *cpu_this(void)
{
    return arch_cpu_this();
}
#endif
#endif
