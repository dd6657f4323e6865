/*
 * thread.c: thread objects.
 *
 * A thread owns a kernel stack (with a guard page), an FPU/vector save
 * area and, in a user process, an IPC buffer page mapped into the
 * process.  It is a kernel object (ATOM_OBJ_THREAD), reference counted:
 *   - the thread holds a reference to itself while it lives; the reaper
 *     (sched.c) drops it once the dead thread is off the CPU;
 *   - a kernel thread's creator holds one until thread_join;
 *   - a user thread's process lists it, and capabilities hold theirs.
 * The last reference frees the stack and the rest, so nothing ever points
 * at a freed thread.
 *
 * A thread is killed by marking it: it notices at its next return to user
 * mode (thread_user_return), and a wait it is blocked in breaks off with
 * E_INTR so that it gets there.
 */
#include <arch/layout.h>
#include <atom/errors.h>
#include <atom/memory.h>
#include <atom/syscall.h>
#include <kernel/arch.h>
#include <kernel/aspace.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/vm.h>

#define THREAD_STACK_PAGES 4
#define JOIN_POLL_NS 10000000ull
/* IPC buffers go at the top of the user half, below the main stack. */
#define IPC_BUFFER_AREA_LO 0x00007F0000000000ull
#define IPC_BUFFER_AREA_HI 0x00007FFF00000000ull

struct thread *thread_alloc(const char *name, unsigned priority, size_t stack_pages);
void thread_reap(struct thread *t);
void sched_make_ready(struct thread *t);
__attribute__((noreturn)) void sched_exit_current(void);
void sched_note_freed(void);
__attribute__((noreturn)) void arch_enter_user(uint64_t entry, uint64_t stack, uint64_t arg);

static struct kmem_cache *fpu_cache;
static uint64_t next_id = 1;

static void thread_destroy(struct kobject *obj)
{
    struct thread *t = thread_of(obj);
    if (t->process && t->ipc.buf_obj)
        process_unmap_quietly(t->process, t->ipc.buf_va, 1);
    if (t->stack_pages)
        vm_stack_free(t->stack_top, t->stack_pages);
    kmem_cache_free(fpu_cache, t->fpu_state);
    if (t->ipc.buf_obj)
        kobject_put(&t->ipc.buf_obj->obj);
    if (t->process)
        kobject_put(&t->process->obj);
    kfree(t->joiners);
    kfree(t);
    sched_note_freed();
}

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
    kobject_init(&t->obj, ATOM_OBJ_THREAD, thread_destroy);
    arch_fpu_state_init(fpu);
    t->fpu_state = fpu;
    t->joiners = joiners;
    t->stack_top = top;
    t->stack_pages = stack_pages;
    t->priority = priority < SCHED_PRIORITIES ? priority : SCHED_PRIORITIES - 1;
    t->max_priority = t->priority;
    t->ipc.base_priority = t->priority;
    t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
    strlcpy(t->name, name, sizeof(t->name));
    return t;
}

struct thread *thread_create(const char *name, int (*entry)(void *), void *arg,
                             unsigned priority)
{
    struct thread *t = thread_alloc(name, priority, THREAD_STACK_PAGES);
    if (!t)
        return NULL;
    kobject_get(&t->obj); /* the creator's, for thread_join */
    t->saved_sp = arch_thread_stack_init(t->stack_top, entry, arg);
    sched_make_ready(t);
    sched_preempt_if_needed();
    return t;
}

struct user_start {
    uint64_t entry, stack, arg;
};

static int user_thread_start(void *arg)
{
    struct user_start s = *(struct user_start *)arg;
    kfree(arg);
    thread_user_return(); /* killed before it ever ran */
    arch_enter_user(s.entry, s.stack, s.arg);
}

/* Maps a fresh IPC buffer page into the thread's process. */
static int ipc_buffer_map(struct thread *t, struct process *p)
{
    uint64_t va;
    int err = aspace_find_free(p->aspace, 1, IPC_BUFFER_AREA_LO, IPC_BUFFER_AREA_HI, &va);
    if (err == E_OK)
        err = aspace_map_anon(p->aspace, va, 1, VM_READ | VM_WRITE, &t->ipc.buf_obj);
    if (err != E_OK)
        return err;
    t->ipc.buf_va = va;
    t->ipc.buf = phys_to_virt(memobj_frame(t->ipc.buf_obj, 0));
    for (int i = 0; i < ATOM_IPC_MAX_CAPS; i++)
        t->ipc.buf->recv_caps[i] = ATOM_HANDLE_INVALID;
    return E_OK;
}

struct thread *thread_create_user(struct process *process, uint64_t entry, uint64_t stack,
                                  uint64_t arg, unsigned priority)
{
    struct user_start *start = kmalloc(sizeof(*start));
    struct thread *t = start ? thread_alloc(process->name, priority, THREAD_STACK_PAGES) : NULL;
    if (!t) {
        kfree(start);
        return NULL;
    }
    kobject_get(&process->obj);
    t->process = process;
    t->vm_root = vm_space_root(process->aspace->vm);
    if (ipc_buffer_map(t, process) != E_OK) {
        kfree(start);
        kobject_put(&t->obj);
        return NULL;
    }
    *start = (struct user_start){ entry, stack, arg };
    t->saved_sp = arch_thread_stack_init(t->stack_top, user_thread_start, start);
    t->user_start = start;
    return t;
}

int thread_start(struct thread *t)
{
    if (t->process) {
        int err = process_add_thread(t->process, t);
        if (err != E_OK)
            return err;
        t->user_start = NULL; /* the thread frees it */
        kobject_get(&t->obj); /* its own, dropped by the reaper */
    }
    sched_make_ready(t);
    sched_preempt_if_needed();
    return E_OK;
}

void thread_exit(int code)
{
    struct thread *t = thread_current();
    t->exit_code = code;
    if (t->process)
        ipc_thread_exit(t);
    wait_queue_wake_all(t->joiners);
    sched_exit_current();
}

int thread_join(struct thread *t)
{
    /* Until it is dead, off the CPU and reaped (only our reference is
     * left), so that it is freed when this returns.  The poll interval
     * only matters if the wake-up raced the thread's last steps. */
    while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD ||
           __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&t->obj.refcount, __ATOMIC_ACQUIRE) > 1)
        wait_queue_wait(t->joiners, JOIN_POLL_NS / 10);
    int code = t->exit_code;
    kobject_put(&t->obj);
    return code;
}

void thread_discard(struct thread *t)
{
    kfree(t->user_start);
    t->user_start = NULL;
    kobject_put(&t->obj);
}

void thread_reap(struct thread *t)
{
    if (t->process)
        process_thread_ended(t->process, t);
    kobject_put(&t->obj); /* its own */
}

void thread_kill(struct thread *t)
{
    __atomic_store_n(&t->kill_pending, true, __ATOMIC_RELEASE);
    ipc_interrupt(t);
}

void thread_user_return(void)
{
    struct thread *t = thread_current();
    if (__atomic_load_n(&t->kill_pending, __ATOMIC_ACQUIRE))
        process_exit_current(PROCESS_EXIT_KILLED);
    sched_preempt_if_needed();
}

/* ---- system calls ---------------------------------------------------------- */

/* (process, entry, stack, arg, priority) -> thread handle.  The thread
 * starts at once in the process, at `entry` with rsp = stack, rdi = arg;
 * its priority, and the most it may give itself, is `priority`. */
int64_t sys_thread_create(struct syscall_regs *r)
{
    struct process *self = process_current();
    uint64_t entry = r->arg[1], stack = r->arg[2], arg = r->arg[3], prio = r->arg[4];
    /* decode */
    if (!syscall_handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    if (prio > thread_current()->max_priority)
        return -ATOM_EPERM;
    if (entry < ATOM_USER_MIN || entry >= ATOM_USER_MAX || stack > ATOM_USER_MAX || (stack & 15))
        return -ATOM_EINVAL;
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_PROCESS, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    struct process *p = process_of(obj);
    /* perform: the thread exists, unstarted, until its capability does */
    struct thread *t = process_is_alive(p) ? thread_create_user(p, entry, stack, arg, (unsigned)prio) : NULL;
    int handle = -1;
    if (!t)
        err = process_is_alive(p) ? E_NOMEM : E_PIPE;
    if (err == E_OK)
        err = cap_insert_root(self->cspace, &t->obj, ATOM_RIGHTS_ALL, 0, &handle);
    if (err == E_OK) {
        err = thread_start(t);
        if (err != E_OK)
            cap_delete(self->cspace, handle);
    }
    if (t && err != E_OK)
        thread_discard(t);
    else if (t)
        kobject_put(&t->obj);
    kobject_put(obj);
    return err == E_OK ? handle : syscall_error(err);
}

/* (thread, priority): at most the caller's own maximum. */
int64_t sys_thread_set_priority(struct syscall_regs *r)
{
    uint64_t prio = r->arg[1];
    if (!syscall_handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    if (prio > thread_current()->max_priority)
        return -ATOM_EPERM;
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_THREAD, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    ipc_set_base_priority(thread_of(obj), (unsigned)prio);
    kobject_put(obj);
    return 0;
}

/* () -> the user address of the calling thread's IPC buffer. */
int64_t sys_ipc_buffer(struct syscall_regs *r)
{
    (void)r;
    return (int64_t)thread_current()->ipc.buf_va;
}
