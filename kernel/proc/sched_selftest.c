/*
 * sched_selftest.c: self-tests of threads and the scheduler on the real
 * machine: threads run and are reaped without leaks, CPU-bound threads of
 * equal priority are preempted in turn, a higher priority runs first,
 * sleeps and wait-queue timeouts last as long as asked, and wake-ups
 * reach waiters.
 */
#include <kernel/error.h>
#include <kernel/fmt.h>
#include <kernel/selftest.h>
#include <kernel/thread.h>
#include <kernel/time.h>

#define MS 1000000ull

static int return_arg(void *arg)
{
    return (int)(uintptr_t)arg;
}

SELFTEST(sched_threads_run_and_are_reaped)
{
    static struct thread *threads[100];
    struct sched_stats before, after;
    sched_stats(&before);
    for (int i = 0; i < 100; i++) {
        threads[i] = thread_create("worker", return_arg, (void *)(uintptr_t)(i * 3),
                                   THREAD_PRIORITY_DEFAULT);
        if (!threads[i])
            return "thread_create failed";
    }
    for (int i = 0; i < 100; i++)
        if (thread_join(threads[i]) != i * 3)
            return "a thread's exit code was lost";
    sched_stats(&after);
    if (after.threads_created - before.threads_created != 100 ||
        after.threads_freed - before.threads_freed != 100)
        return "threads were not all freed";
    return NULL;
}

struct spinner {
    volatile uint64_t count;
    uint64_t until;
    uint64_t first_run, last_run;
};

static int spin_until(void *arg)
{
    struct spinner *s = arg;
    s->first_run = time_monotonic_ns();
    while ((s->last_run = time_monotonic_ns()) < s->until)
        s->count++;
    return 0;
}

SELFTEST(sched_preempts_cpu_bound_threads)
{
    /* Neither thread yields: both make progress only if the timer
     * preempts them in turn. */
    struct spinner a = { 0 }, b = { 0 };
    struct thread *self = thread_current();
    unsigned own = self->priority;
    thread_set_priority(self, SCHED_PRIORITIES - 1); /* create both first */
    a.until = b.until = time_monotonic_ns() + 200 * MS;
    struct thread *ta = thread_create("spin-a", spin_until, &a, own + 1);
    struct thread *tb = thread_create("spin-b", spin_until, &b, own + 1);
    thread_set_priority(self, own);
    if (!ta || !tb)
        return "thread_create failed";
    thread_join(ta);
    thread_join(tb);
    if (a.first_run >= b.until - 100 * MS || b.first_run >= a.until - 100 * MS)
        return "one thread did not start until the other had nearly finished";
    if (!a.count || !b.count)
        return "a CPU-bound thread never ran";
    return NULL;
}

SELFTEST(sched_higher_priority_runs_first)
{
    struct spinner high = { 0 }, low = { 0 };
    struct thread *self = thread_current();
    unsigned own = self->priority;
    thread_set_priority(self, SCHED_PRIORITIES - 1); /* create both first */
    uint64_t now = time_monotonic_ns();
    high.until = now + 100 * MS;
    low.until = now; /* records when it first ran, then stops */
    struct thread *tl = thread_create("low", spin_until, &low, own + 2);
    struct thread *th = thread_create("high", spin_until, &high, own + 4);
    thread_set_priority(self, own);
    if (!tl || !th)
        return "thread_create failed";
    thread_join(th);
    thread_join(tl);
    /* Both were ready together: low may run only once high is done. */
    if (!low.first_run || low.first_run < high.last_run)
        return "a lower-priority thread ran while a higher one was ready";
    return NULL;
}

SELFTEST(sched_sleep_lasts_as_asked)
{
    uint64_t t0 = time_monotonic_ns();
    thread_sleep_ns(50 * MS);
    uint64_t slept = time_monotonic_ns() - t0;
    if (slept < 50 * MS)
        return "woke before the deadline";
    if (slept > 500 * MS)
        return "slept far past the deadline";
    return NULL;
}

static struct wait_queue test_queue = WAIT_QUEUE_INIT;

static int waiter(void *arg)
{
    (void)arg;
    return wait_queue_wait(&test_queue, 0);
}

SELFTEST(sched_wait_queue_timeout_and_wake)
{
    uint64_t t0 = time_monotonic_ns();
    if (wait_queue_wait(&test_queue, 30 * MS) != E_TIMEOUT)
        return "a wait with nobody to wake it did not time out";
    if (time_monotonic_ns() - t0 < 30 * MS)
        return "the timeout came early";
    struct thread *w = thread_create("waiter", waiter, NULL, THREAD_PRIORITY_DEFAULT);
    if (!w)
        return "thread_create failed";
    thread_sleep_ns(20 * MS); /* let it block */
    if (wait_queue_wake_one(&test_queue) != 1)
        return "no waiter was woken";
    if (thread_join(w) != E_OK)
        return "the woken waiter saw a timeout";
    return NULL;
}

static int sleep_then_exit(void *arg)
{
    thread_sleep_ns((uint64_t)(uintptr_t)arg * MS);
    return 7;
}

SELFTEST(sched_many_sleeping_threads)
{
    static struct thread *threads[300];
    for (int i = 0; i < 300; i++) {
        threads[i] = thread_create("sleeper", sleep_then_exit,
                                   (void *)(uintptr_t)(1 + i % 20), THREAD_PRIORITY_DEFAULT);
        if (!threads[i])
            return "thread_create failed";
    }
    for (int i = 0; i < 300; i++)
        if (thread_join(threads[i]) != 7)
            return "a sleeper's exit code was lost";
    return NULL;
}

/* Waits that time out race with wake-ups, so threads move between wait
 * queue, sleep list and run queue in every order; all must finish. */
static struct wait_queue race_queue = WAIT_QUEUE_INIT;

static int timeout_waiter(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg, timeouts = 0;
    for (int i = 0; i < 15; i++) {
        /* 5-40 ms: across several ticks, so some waits outlast a wake-up
         * and some do not. */
        seed = seed * 1103515245u + 12345u;
        if (wait_queue_wait(&race_queue, (5 + (seed >> 16) % 36) * MS) == E_TIMEOUT)
            timeouts++;
    }
    return (int)timeouts;
}

SELFTEST(sched_wait_timeouts_race_with_wakeups)
{
    static struct thread *threads[16];
    for (int i = 0; i < 16; i++) {
        threads[i] = thread_create("racer", timeout_waiter, (void *)(uintptr_t)(i + 1),
                                   THREAD_PRIORITY_DEFAULT);
        if (!threads[i])
            return "thread_create failed";
    }
    uint64_t end = time_monotonic_ns() + 200 * MS;
    unsigned woken = 0;
    while (time_monotonic_ns() < end) {
        woken += wait_queue_wake_one(&race_queue);
        if (woken % 3 == 0)
            woken += wait_queue_wake_all(&race_queue);
        thread_sleep_ns(15 * MS);
    }
    int timeouts = 0;
    for (int i = 0; i < 16; i++)
        timeouts += thread_join(threads[i]);
    if (race_queue.head || race_queue.tail)
        return "the wait queue is not empty after every waiter left";
    if (!woken || !timeouts) {
        static char why[80];
        fmt_snprintf(why, sizeof(why), "the race did not mix wake-ups (%u) and "
                     "timeouts (%d)", woken, timeouts);
        return why;
    }
    return NULL;
}
