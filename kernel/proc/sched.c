/*
 * sched.c: the scheduler.
 *
 * Each CPU has a run queue: one FIFO per priority and a bitmap of the
 * non-empty ones, so picking the next thread is a find-highest-bit and a
 * pop.  The running thread is not on the queue.  A thread that uses up its
 * time slice (counted by the timer tick) goes to the back of its
 * priority's queue; a thread woken at a higher priority than the running
 * one preempts it at the end of the interrupt that woke it.  When nothing
 * is ready the CPU runs its idle thread, which halts until an interrupt.
 *
 * Locking: the run queue's lock, with interrupts off, covers the queue,
 * the sleep list and every thread state change on that CPU.  It is taken
 * by the outgoing thread and released by the incoming one after the stack
 * switch (sched_finish_switch).  Wait queues have their own locks, always
 * taken before a run queue's.
 */
#include <kernel/arch.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/vm.h>


static struct cpu boot_cpu;
static uint64_t threads_created, threads_freed;

/* Dead threads wait here until the reaper, a kernel thread, drops their
 * own reference: their stacks are free to go only once they are off the
 * CPU, and the last reference may tear down a whole process, which is no
 * work for the switch path. */
static spinlock_t dead_lock = SPINLOCK_INIT;
static struct thread *dead_list;
static struct wait_queue reaper_wq = WAIT_QUEUE_INIT;
void thread_reap(struct thread *t);

/* The first thing a thread does after a switch lands on it (also called
 * from arch_thread_start for new threads). */
void sched_finish_switch(void);

static unsigned long sched_lock(struct cpu *c)
{
    unsigned long flags = irq_save();
    spin_acquire(&c->rq.lock);
    return flags;
}

static void rq_push(struct cpu *c, struct thread *t)
{
    struct run_queue *rq = &c->rq;
    t->rq_next = NULL;
    if (rq->tail[t->priority])
        rq->tail[t->priority]->rq_next = t;
    else
        rq->head[t->priority] = t;
    rq->tail[t->priority] = t;
    rq->bitmap |= 1u << t->priority;
    rq->count++;
}

static struct thread *rq_pop(struct cpu *c)
{
    struct run_queue *rq = &c->rq;
    if (!rq->bitmap)
        return NULL;
    unsigned p = 31 - (unsigned)__builtin_clz(rq->bitmap);
    struct thread *t = rq->head[p];
    rq->head[p] = t->rq_next;
    if (!rq->head[p]) {
        rq->tail[p] = NULL;
        rq->bitmap &= ~(1u << p);
    }
    rq->count--;
    t->rq_next = NULL;
    return t;
}

static void rq_remove(struct cpu *c, struct thread *t)
{
    struct run_queue *rq = &c->rq;
    struct thread **pp = &rq->head[t->priority], *prev = NULL;
    while (*pp && *pp != t) {
        prev = *pp;
        pp = &(*pp)->rq_next;
    }
    if (!*pp)
        return;
    *pp = t->rq_next;
    if (rq->tail[t->priority] == t)
        rq->tail[t->priority] = prev;
    if (!rq->head[t->priority])
        rq->bitmap &= ~(1u << t->priority);
    rq->count--;
    t->rq_next = NULL;
}

/* Makes a blocked or sleeping thread ready; rq lock held. */
static void make_ready(struct cpu *c, struct thread *t)
{
    t->state = THREAD_READY;
    rq_push(c, t);
    if (c->current == c->idle || t->priority > c->current->priority)
        c->need_resched = true;
}

/* Now plus ns, without wrapping: a huge timeout means "never". */
static uint64_t deadline_after(uint64_t ns)
{
    uint64_t now = time_monotonic_ns();
    return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

static void sleepers_remove(struct cpu *c, struct thread *t)
{
    if (!t->on_sleepers)
        return;
    t->on_sleepers = false;
    for (struct thread **pp = &c->sleepers; *pp; pp = &(*pp)->sleep_next) {
        if (*pp == t) {
            *pp = t->sleep_next;
            t->sleep_next = NULL;
            return;
        }
    }
}

static void sleepers_insert(struct cpu *c, struct thread *t)
{
    t->on_sleepers = true;
    struct thread **pp = &c->sleepers;
    while (*pp && (*pp)->wake_at <= t->wake_at)
        pp = &(*pp)->sleep_next;
    t->sleep_next = *pp;
    *pp = t;
}

/* Ends a switch on the new thread's side: the old thread's stack may be
 * freed from now on, and a dead one goes to the reaper. */
static inline __attribute__((always_inline)) void finish_switch(void)
{
    struct cpu *c = cpu_this();
    struct thread *prev = c->switch_prev;
    c->switch_prev = NULL;
    bool dead = prev && prev->state == THREAD_DEAD;
    if (prev)
        __atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
    spin_release(&c->rq.lock);
    if (dead) {
        spin_acquire(&dead_lock);
        prev->dead_next = dead_list;
        dead_list = prev;
        spin_release(&dead_lock);
        wait_queue_wake_one(&reaper_wq);
    }
}

/* Picks the next thread and switches to it; rq lock held, interrupts off.
 * Returns (in the context of the thread that called it) once that thread
 * runs again, with the lock released. */
static inline __attribute__((always_inline)) void switch_to_locked(struct cpu *c, struct thread *prev,
                                                          struct thread *next)
{
    c->need_resched = false;
    next->slice = SCHED_SLICE_TICKS;
    if (next == prev) {
        prev->state = THREAD_RUNNING;
        spin_release(&c->rq.lock);
        return;
    }
    next->state = THREAD_RUNNING;
    next->on_cpu = true;
    next->cpu = c;
    c->current = next;
    c->kernel_stack = next->stack_top;
    c->context_switches++;
    c->switch_prev = prev;
    arch_set_kernel_stack(next->stack_top);
    /* Kernel threads run in whatever space is loaded: they use the
     * kernel half only. */
    if (next->vm_root)
        arch_space_switch(next->vm_root);
    arch_fpu_switch(prev->fpu_state, next->fpu_state);
    arch_context_switch(&prev->saved_sp, next->saved_sp);
    finish_switch();
}

static void switch_locked(struct cpu *c)
{
    struct thread *prev = c->current;
    if (prev->state == THREAD_RUNNING && prev != c->idle) {
        prev->state = THREAD_READY;
        rq_push(c, prev);
    }
    struct thread *next = rq_pop(c);
    switch_to_locked(c, prev, next ? next : c->idle);
}

void sched_finish_switch(void)
{
    finish_switch();
}

static int reaper_loop(void *arg)
{
    (void)arg;
    for (;;) {
        spin_lock(&dead_lock);
        struct thread *list = dead_list;
        dead_list = NULL;
        spin_unlock(&dead_lock);
        if (!list) {
            wait_queue_wait(&reaper_wq, 100000000ull);
            continue;
        }
        while (list) {
            struct thread *next = list->dead_next;
            thread_reap(list);
            list = next;
        }
    }
    return 0;
}

static void schedule(void)
{
    struct cpu *c = cpu_this();
    unsigned long flags = sched_lock(c);
    switch_locked(c);
    irq_restore(flags);
}

void thread_yield(void)
{
    schedule();
}

void sched_preempt_if_needed(void)
{
    struct cpu *c = cpu_this();
    if (c->need_resched && c->current)
        schedule();
}

void sched_tick(void)
{
    struct cpu *c = cpu_this();
    if (!c->current)
        return;
    spin_acquire(&c->rq.lock);
    c->current->ticks++;
    if (c->current != c->idle && c->current->slice && --c->current->slice == 0)
        c->need_resched = true;
    uint64_t now = time_monotonic_ns();
    while (c->sleepers && c->sleepers->wake_at <= now) {
        struct thread *t = c->sleepers;
        c->sleepers = t->sleep_next;
        t->sleep_next = NULL;
        t->on_sleepers = false;
        if (t->waiting_on)
            t->timed_out = true;
        t->wake_result = E_TIMEOUT;
        make_ready(c, t);
    }
    spin_release(&c->rq.lock);
}

void thread_sleep_ns(uint64_t ns)
{
    struct cpu *c = cpu_this();
    unsigned long flags = sched_lock(c);
    struct thread *t = c->current;
    t->wake_at = deadline_after(ns);
    t->state = THREAD_SLEEPING;
    sleepers_insert(c, t);
    switch_locked(c);
    irq_restore(flags);
}

void sched_set_priority(struct thread *t, unsigned priority)
{
    if (priority >= SCHED_PRIORITIES)
        priority = SCHED_PRIORITIES - 1;
    struct cpu *c = t->cpu ? t->cpu : cpu_this();
    unsigned long flags = sched_lock(c);
    if (t->state == THREAD_READY) {
        rq_remove(c, t);
        t->priority = priority;
        rq_push(c, t);
    } else {
        t->priority = priority;
    }
    if (c->current != t && t->state == THREAD_READY && priority > c->current->priority)
        c->need_resched = true;
    if (c->current == t && c->rq.bitmap >> priority > 1)
        c->need_resched = true;
    spin_release(&c->rq.lock);
    irq_restore(flags);
}

void thread_set_priority(struct thread *t, unsigned priority)
{
    sched_set_priority(t, priority);
    sched_preempt_if_needed();
}

int sched_block(spinlock_t *lock, uint64_t timeout_ns, struct thread *handoff)
{
    struct cpu *c = cpu_this();
    struct thread *t = c->current;
    unsigned long flags = lock->saved_flags;
    spin_acquire(&c->rq.lock);
    spin_release(lock);
    t->state = THREAD_BLOCKED;
    t->wake_result = E_OK;
    if (timeout_ns) {
        t->wake_at = deadline_after(timeout_ns);
        sleepers_insert(c, t);
    }
    /* Straight to the claimed thread, unless something more urgent is
     * ready: then it queues like any woken thread. */
    if (handoff) {
        handoff->cpu = c;
        handoff->wake_result = E_OK;
    }
    if (handoff && c->rq.bitmap >> handoff->priority <= 1) {
        switch_to_locked(c, t, handoff);
    } else {
        if (handoff)
            make_ready(c, handoff);
        switch_locked(c);
    }
    irq_restore(flags);
    return t->wake_result;
}

int sched_switch_direct(spinlock_t *lock, struct thread *next)
{
    struct cpu *c = cpu_this();
    struct thread *t = c->current;
    spin_acquire(&c->rq.lock);
    spin_release(lock);
    t->state = THREAD_BLOCKED;
    t->wake_result = E_OK;
    next->wake_result = E_OK;
    switch_to_locked(c, t, next);
    return t->wake_result;
}

bool sched_claim(struct thread *t)
{
    struct cpu *c = t->cpu ? t->cpu : cpu_this();
    unsigned long flags = sched_lock(c);
    bool blocked = t->state == THREAD_BLOCKED;
    if (blocked)
        sleepers_remove(c, t);
    spin_release(&c->rq.lock);
    irq_restore(flags);
    return blocked;
}

void sched_wake(struct thread *t, int result)
{
    struct cpu *c = t->cpu ? t->cpu : cpu_this();
    unsigned long flags = sched_lock(c);
    t->wake_result = result;
    make_ready(c, t);
    spin_release(&c->rq.lock);
    irq_restore(flags);
}

void sched_interrupt(struct thread *t)
{
    struct cpu *c = t->cpu ? t->cpu : cpu_this();
    unsigned long flags = sched_lock(c);
    if ((t->state == THREAD_BLOCKED || t->state == THREAD_SLEEPING) && !t->waiting_on) {
        sleepers_remove(c, t);
        t->wake_result = E_INTR;
        make_ready(c, t);
    }
    spin_release(&c->rq.lock);
    irq_restore(flags);
}

int wait_queue_wait(struct wait_queue *q, uint64_t timeout_ns)
{
    struct cpu *c = cpu_this();
    struct thread *t = c->current;
    unsigned long flags = irq_save();
    spin_acquire(&q->lock);
    t->wait_next = NULL;
    if (q->tail)
        q->tail->wait_next = t;
    else
        q->head = t;
    q->tail = t;
    t->waiting_on = q;
    t->timed_out = false;
    spin_acquire(&c->rq.lock);
    spin_release(&q->lock);
    t->state = THREAD_BLOCKED;
    if (timeout_ns) {
        t->wake_at = deadline_after(timeout_ns);
        sleepers_insert(c, t);
    }
    switch_locked(c);

    /* Woken: by a waker (it dequeued us) or by the timeout (we are still
     * queued and take ourselves out). */
    spin_acquire(&q->lock);
    bool timed_out = t->timed_out;
    if (timed_out) {
        struct thread **pp = &q->head, *prev = NULL;
        while (*pp && *pp != t) {
            prev = *pp;
            pp = &(*pp)->wait_next;
        }
        if (*pp) {
            *pp = t->wait_next;
            if (q->tail == t)
                q->tail = prev;
        }
    }
    t->waiting_on = NULL;
    t->wait_next = NULL;
    spin_release(&q->lock);
    irq_restore(flags);
    return timed_out ? E_TIMEOUT : E_OK;
}

static unsigned wake(struct wait_queue *q, bool all)
{
    unsigned long flags = irq_save();
    spin_acquire(&q->lock);
    unsigned woken = 0;
    struct cpu *c = cpu_this();
    while (q->head && (all || woken == 0)) {
        struct thread *t = q->head;
        q->head = t->wait_next;
        if (!q->head)
            q->tail = NULL;
        t->wait_next = NULL;
        spin_acquire(&c->rq.lock);
        if (t->state == THREAD_BLOCKED && !t->timed_out) {
            sleepers_remove(c, t);
            make_ready(c, t);
            woken++;
        }
        spin_release(&c->rq.lock);
    }
    spin_release(&q->lock);
    irq_restore(flags);
    return woken;
}

unsigned wait_queue_wake_one(struct wait_queue *q)
{
    return wake(q, false);
}

unsigned wait_queue_wake_all(struct wait_queue *q)
{
    return wake(q, true);
}

__attribute__((noreturn)) static int idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        irq_enable();
        __asm__ volatile("hlt");
        sched_preempt_if_needed();
    }
}

/* Thread bookkeeping shared with thread.c. */
struct thread *thread_alloc(const char *name, unsigned priority, size_t stack_pages);
void thread_free(struct thread *t);
void sched_make_ready(struct thread *t);
__attribute__((noreturn)) void sched_exit_current(void);

void sched_make_ready(struct thread *t)
{
    struct cpu *c = cpu_this();
    unsigned long flags = sched_lock(c);
    t->cpu = c;
    make_ready(c, t);
    threads_created++;
    spin_release(&c->rq.lock);
    irq_restore(flags);
}

__attribute__((noreturn)) void sched_exit_current(void)
{
    struct cpu *c = cpu_this();
    irq_save();
    spin_acquire(&c->rq.lock);
    c->current->state = THREAD_DEAD;
    switch_locked(c);
    __builtin_unreachable(); /* a dead thread is never switched back to */
}

void sched_note_freed(void);

void sched_note_freed(void)
{
    threads_freed++;
}

int sched_init(uint64_t boot_stack_top)
{
    struct cpu *c = &boot_cpu;
    cpu_init_local(c, 0);
    arch_fpu_init();
    struct thread *boot = thread_alloc("kernel_main", THREAD_PRIORITY_DEFAULT, 0);
    if (!boot)
        return E_NOMEM;
    boot->stack_top = boot_stack_top;
    c->kernel_stack = boot_stack_top;
    arch_set_kernel_stack(boot_stack_top);
    boot->state = THREAD_RUNNING;
    boot->on_cpu = true;
    boot->cpu = c;
    boot->slice = SCHED_SLICE_TICKS;
    c->current = boot;
    struct thread *idle = thread_alloc("idle", 0, 2);
    if (!idle)
        return E_NOMEM;
    idle->saved_sp = arch_thread_stack_init(idle->stack_top, idle_loop, NULL);
    idle->cpu = c;
    idle->state = THREAD_READY;
    c->idle = idle;
    time_set_tick_hook(sched_tick);
    return E_OK;
}

int sched_start_reaper(void)
{
    struct thread *reaper = thread_create("reaper", reaper_loop, NULL, SCHED_PRIORITIES - 1);
    if (!reaper)
        return E_NOMEM;
    kobject_put(&reaper->obj); /* it runs for ever */
    return E_OK;
}

void sched_stats(struct sched_stats *out)
{
    struct cpu *c = cpu_this();
    out->context_switches = c->context_switches;
    out->ready = c->rq.count;
    out->threads_created = threads_created;
    out->threads_freed = threads_freed;
}
