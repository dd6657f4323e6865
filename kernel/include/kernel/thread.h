/* Threads and the scheduler (kernel/proc/thread.c, kernel/proc/sched.c).
 *
 * A thread has its own kernel stack with a guard page, saved registers and
 * FPU/vector state, a priority (0 lowest to SCHED_PRIORITIES - 1 highest)
 * and a state.  The scheduler is preemptive: each CPU runs the highest
 * priority ready thread, round-robin within a priority, with time slices
 * counted in timer ticks.  Threads block on wait queues (with optional
 * timeouts) and sleep until a deadline. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <kernel/cpu.h>
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stdint.h>

#define THREAD_PRIORITY_DEFAULT 16
#define THREAD_NAME_MAX         24
#define SCHED_SLICE_TICKS       2

enum thread_state {
    THREAD_READY,
    THREAD_RUNNING,
    THREAD_BLOCKED,
    THREAD_SLEEPING,
    THREAD_DEAD,
};

struct process;
struct wait_queue;

struct thread {
    uint64_t saved_sp;          /* while switched out */
    uint64_t stack_top;
    size_t stack_pages;
    void *fpu_state;
    enum thread_state state;
    unsigned priority;
    unsigned slice;             /* ticks left in this time slice */
    struct thread *rq_next;     /* run queue link */
    struct thread *wait_next;   /* wait queue link: a thread that timed out
                                   can be on both until it leaves the queue */
    struct thread *sleep_next;  /* sleep list link */
    uint64_t wake_at;           /* monotonic ns, while sleeping */
    struct wait_queue *waiting_on;
    bool timed_out;
    volatile bool on_cpu;       /* its stack is in use: not yet freeable */
    struct cpu *cpu;
    uint64_t id;
    char name[THREAD_NAME_MAX];
    int exit_code;
    struct wait_queue *joiners;
    struct process *process;    /* NULL for kernel threads */
    uint64_t ticks;             /* timer ticks spent running */
};

struct wait_queue {
    spinlock_t lock;
    struct thread *head, *tail;
};

#define WAIT_QUEUE_INIT { SPINLOCK_INIT, 0, 0 }

/* Sets up this CPU's scheduler, adopting the running code (on the stack
 * whose top is given) as its first thread, and creates its idle thread.
 * Returns 0 or a negative error. */
int sched_init(uint64_t boot_stack_top);

/* A new kernel thread, ready to run entry(arg); its return value is its
 * exit code.  NULL if out of memory. */
struct thread *thread_create(const char *name, int (*entry)(void *), void *arg,
                             unsigned priority);
/* A thread of a user process: it starts in the kernel at entry(arg), in
 * the process's address space, and is expected to drop to user mode. */
struct thread *thread_create_user(const char *name, int (*entry)(void *), void *arg,
                                  struct process *process);
/* Waits for a thread to end, returns its exit code and frees it. */
int thread_join(struct thread *t);
__attribute__((noreturn)) void thread_exit(int code);

struct thread *thread_current(void);
void thread_yield(void);
void thread_sleep_ns(uint64_t ns);
void thread_set_priority(struct thread *t, unsigned priority);

/* Blocks until woken or until timeout_ns passes (0: no timeout).  Returns
 * 0 when woken, E_TIMEOUT on timeout. */
int wait_queue_wait(struct wait_queue *q, uint64_t timeout_ns);
/* Wakes the longest waiter, or all; returns how many were woken. */
unsigned wait_queue_wake_one(struct wait_queue *q);
unsigned wait_queue_wake_all(struct wait_queue *q);

/* Called by the timer tick and at the end of each interrupt. */
void sched_tick(void);
void sched_preempt_if_needed(void);

struct sched_stats {
    uint64_t context_switches;
    size_t ready;
    uint64_t threads_created;
    uint64_t threads_freed;
};
void sched_stats(struct sched_stats *out);

#endif
