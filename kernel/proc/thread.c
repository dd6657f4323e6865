/*
 * thread.c: thread objects.
 *
 * A thread owns a kernel stack (with a guard page), an FPU/vector save
 * area and its struct.  It is created ready to run; it ends by returning
 * from its entry function or calling thread_exit().  A dead thread's
 * stack may still be in use until the switch away from it completes
 * (on_cpu), so the joiner frees everything only once both are over.
 */
#include <kernel/arch.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/vm.h>

#define THREAD_STACK_PAGES 4
#define JOIN_POLL_NS 10000000ull

struct thread *thread_alloc(const char *name, unsigned priority, size_t stack_pages);
void thread_free(struct thread *t);
void sched_make_ready(struct thread *t);
__attribute__((noreturn)) void sched_exit_current(void);
void sched_note_freed(void);

static struct kmem_cache *fpu_cache;
static uint64_t next_id = 1;

struct thread *thread_alloc(const char *name, unsigned priority, size_t stack_pages)
{
    if (!fpu_cache) {
        fpu_cache = kmem_cache_create("fpu_state", arch_fpu_state_size(), 64);
        if (!fpu_cache)
            return NULL;
    }
    struct thread *t = kzalloc(sizeof(*t));
    struct wait_queue *joiners = kzalloc(sizeof(*joiners));
    void *fpu = kmem_cache_alloc(fpu_cache);
    uint64_t top = stack_pages ? vm_stack_alloc(stack_pages) : 0;
    if (!t || !joiners || !fpu || (stack_pages && !top)) {
        kfree(t);
        kfree(joiners);
        if (fpu)
            kmem_cache_free(fpu_cache, fpu);
        if (top)
            vm_stack_free(top, stack_pages);
        return NULL;
    }
    arch_fpu_state_init(fpu);
    t->fpu_state = fpu;
    t->joiners = joiners;
    t->stack_top = top;
    t->stack_pages = stack_pages;
    t->priority = priority < SCHED_PRIORITIES ? priority : SCHED_PRIORITIES - 1;
    t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
    strlcpy(t->name, name, sizeof(t->name));
    return t;
}

void thread_free(struct thread *t)
{
    if (t->stack_pages)
        vm_stack_free(t->stack_top, t->stack_pages);
    kmem_cache_free(fpu_cache, t->fpu_state);
    kfree(t->joiners);
    kfree(t);
    sched_note_freed();
}

struct thread *thread_create(const char *name, int (*entry)(void *), void *arg,
                             unsigned priority)
{
    struct thread *t = thread_alloc(name, priority, THREAD_STACK_PAGES);
    if (!t)
        return NULL;
    t->saved_sp = arch_thread_stack_init(t->stack_top, entry, arg);
    sched_make_ready(t);
    sched_preempt_if_needed();
    return t;
}

struct thread *thread_create_user(const char *name, int (*entry)(void *), void *arg,
                                  struct process *process)
{
    struct thread *t = thread_alloc(name, THREAD_PRIORITY_DEFAULT, THREAD_STACK_PAGES);
    if (!t)
        return NULL;
    t->process = process;
    t->saved_sp = arch_thread_stack_init(t->stack_top, entry, arg);
    sched_make_ready(t);
    sched_preempt_if_needed();
    return t;
}

void thread_exit(int code)
{
    struct thread *t = thread_current();
    t->exit_code = code;
    wait_queue_wake_all(t->joiners);
    sched_exit_current();
}

int thread_join(struct thread *t)
{
    /* The poll interval only matters if the wake-up raced the thread's
     * last steps; normally the first wake finds it finished. */
    while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD ||
           __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        wait_queue_wait(t->joiners, JOIN_POLL_NS);
    int code = t->exit_code;
    thread_free(t);
    return code;
}
