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

/* Read by the system-call exit (syscall.S); checked below. */
#define THREAD_OFFSET_KILL_PENDING 128

#ifndef __ASSEMBLY__
#include <kernel/cap.h>
#include <kernel/cpu.h>
#include <kernel/ipc.h>
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
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
    struct kobject obj;         /* ATOM_OBJ_THREAD; see thread.c for who holds references */
    uint64_t stack_top;
    size_t stack_pages;
    void *fpu_state;
    enum thread_state state;
    unsigned priority;          /* effective: may be raised by IPC (ipc.c) */
    unsigned max_priority;      /* highest it may give itself or its threads */
    unsigned slice;             /* ticks left in this time slice */
    struct thread *rq_next;     /* run queue link */
    struct thread *wait_next;   /* wait queue link: a thread that timed out
                                   can be on both until it leaves the queue */
    struct thread *sleep_next;  /* sleep list link */
    bool on_sleepers;           /* on that list */
    uint64_t wake_at;           /* monotonic ns, while sleeping */
    struct wait_queue *waiting_on;
    bool timed_out;
    int wake_result;            /* E_OK, E_TIMEOUT, E_INTR, ... for sched_block */
    volatile bool kill_pending; /* ends at its next return to user mode */
    volatile bool on_cpu;       /* its stack is in use: not yet freeable */
    struct cpu *cpu;
    uint64_t id;
    char name[THREAD_NAME_MAX];
    int exit_code;
    struct wait_queue *joiners;
    struct process *process;    /* NULL for kernel threads */
    uint64_t vm_root;           /* its process's page tables, vm_space_root()
                                   (0: a kernel thread, which runs in any) */
    void *user_start;           /* a user thread's start state, until it runs */
    struct thread *process_next; /* the process's thread list */
    struct thread *dead_next;   /* reaper list */
    uint64_t ticks;             /* timer ticks spent running */
    struct thread_ipc ipc;
};

_Static_assert(offsetof(struct thread, kill_pending) == THREAD_OFFSET_KILL_PENDING,
               "thread layout");

struct wait_queue {
    spinlock_t lock;
    struct thread *head, *tail;
};

#define WAIT_QUEUE_INIT { SPINLOCK_INIT, 0, 0 }

/* Sets up this CPU's scheduler, adopting the running code (on the stack
 * whose top is given) as its first thread, and creates its idle thread.
 * Returns 0 or a negative error. */
int sched_init(uint64_t boot_stack_top);
/* Starts the reaper, the kernel thread that frees dead threads; once
 * interrupts are routed (the first thread to run with them on). */
int sched_start_reaper(void);

/* A new kernel thread, ready to run entry(arg); its return value is its
 * exit code.  NULL if out of memory. */
struct thread *thread_create(const char *name, int (*entry)(void *), void *arg,
                             unsigned priority);
/* A thread of a user process, not yet running: it starts in user mode at
 * entry with rsp = stack and rdi = arg once thread_start joins it to the
 * process and makes it ready (E_PIPE if the process has ended).  The
 * caller holds the only reference: kobject_put after thread_start, or
 * thread_discard if it is never started. */
struct thread *thread_create_user(struct process *process, uint64_t entry, uint64_t stack,
                                  uint64_t arg, unsigned priority);
int thread_start(struct thread *t);
void thread_discard(struct thread *t);
/* Waits for a kernel thread to end, returns its exit code and drops the
 * creator's reference. */
int thread_join(struct thread *t);
/* Marks t to end at its next return to user mode and breaks off any wait. */
void thread_kill(struct thread *t);
/* The return path to user mode: ends the thread if it was killed, and
 * switches if a higher-priority thread is ready. */
void thread_user_return(void);
__attribute__((noreturn)) void thread_exit(int code);

static inline struct thread *thread_of(struct kobject *obj)
{
    return (struct thread *)((char *)obj - __builtin_offsetof(struct thread, obj));
}

static inline struct thread *thread_current(void)
{
    return arch_current_thread();
}
void thread_yield(void);
void thread_sleep_ns(uint64_t ns);
void thread_set_priority(struct thread *t, unsigned priority);
/* The same without switching: for callers holding a lock. */
void sched_set_priority(struct thread *t, unsigned priority);

/* Blocks until woken or until timeout_ns passes (0: no timeout).  Returns
 * 0 when woken, E_TIMEOUT on timeout. */
int wait_queue_wait(struct wait_queue *q, uint64_t timeout_ns);
/* Wakes the longest waiter, or all; returns how many were woken. */
unsigned wait_queue_wake_one(struct wait_queue *q);
unsigned wait_queue_wake_all(struct wait_queue *q);

/* Blocking for kernel objects.  The caller holds `lock` (spin_lock) and
 * has recorded where wakers find it; sched_block releases the lock once
 * the thread is off the CPU and returns the wake result (E_OK or what the
 * waker passed, E_TIMEOUT when timeout_ns, nonzero, passed first, E_INTR
 * when it was killed).  `handoff`, if not NULL, is a thread the caller has
 * claimed: it runs next, directly, unless a thread of higher priority is
 * ready. */
int sched_block(spinlock_t *lock, uint64_t timeout_ns, struct thread *handoff);
/* The IPC fast path's switch: interrupts are off, `lock` is held raw, the
 * current thread has recorded its wait (no timeout) and `next` is a
 * blocked thread on this CPU, on no list, that may run before any ready
 * thread.  Blocks the current thread, releases `lock`, runs `next`, and
 * returns the current thread's wake result once it runs again. */
int sched_switch_direct(spinlock_t *lock, struct thread *next);
/* Takes a blocked thread away from its timeout so that nothing else
 * wakes it; false if it is no longer blocked (its timeout or a kill got
 * there first). */
bool sched_claim(struct thread *t);
/* Makes a claimed thread ready with a wake result. */
void sched_wake(struct thread *t, int result);
/* Breaks off a blocked or sleeping thread's wait with E_INTR. */
void sched_interrupt(struct thread *t);

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

#endif /* __ASSEMBLY__ */
#endif
