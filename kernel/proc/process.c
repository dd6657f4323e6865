/*
 * process.c: process objects and program loading.
 *
 * A process is a kernel object (ATOM_OBJ_PROCESS) that owns an address
 * space (struct aspace: memory objects mapped as regions) and a capability
 * space, and lists its threads.  It lives while anything references it:
 * its threads, capabilities to it, a kernel waiter.  When its last thread
 * has been reaped it is DEAD: its address space and capability table are
 * torn down at once, and only the small struct with the exit status stays
 * for whoever still holds it.
 *
 * process_load() validates the ELF image completely (elf_decode) before it
 * allocates anything, then maps each PT_LOAD segment as an anonymous
 * memory object with the segment's own permissions (file bytes copied,
 * the rest zeroed) and a stack of USER_STACK_PAGES below USER_STACK_TOP
 * with nothing mapped under it, so an overflow faults.  The initial stack
 * holds argc, argv, envp and the auxiliary vector (ustack_build).
 *
 * A process ends when a thread calls exit or faults: the status is
 * recorded (first one wins), every other thread is killed, and if the
 * process has a supervisor endpoint the ending thread sends it an
 * ATOM_MSG_LABEL_EXIT or ATOM_MSG_LABEL_FAULT message, badged as the
 * supervisor asked, before it dies.
 */
#include <arch/layout.h>
#include <atom/errors.h>
#include <atom/memory.h>
#include <kernel/arch.h>
#include <kernel/aspace.h>
#include <kernel/elf.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/fmt.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/usercopy.h>
#include <kernel/user_stack.h>

#define STACK_BUILD_BYTES (USER_STACK_PAGES * PAGE_SIZE)

__attribute__((noreturn)) void arch_enter_user(uint64_t entry, uint64_t stack);

static int next_pid = 1;

static void report_elf(void *ctx, const char *fmt, ...)
{
    const char *name = ctx;
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_warn("process: %s: %s", name, line);
}

static int load_segments(struct aspace *as, const struct elf_image *img,
                         const uint8_t *file)
{
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t start = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        /* Mapped writable by nobody but the kernel's copy below: the
         * permissions are the segment's own from the start. */
        int err = aspace_map_anon(as, start, (end - start) / PAGE_SIZE, s->prot, NULL);
        if (err == E_OK)
            err = aspace_write(as, s->vaddr, file + s->offset, s->filesz);
        if (err)
            return err;
    }
    return E_OK;
}

static void random_bytes(uint8_t out[16])
{
    /* No entropy source yet: mix the cycle counter.  Enough for AT_RANDOM
     * to differ between processes, not for cryptography. */
    uint64_t x = time_monotonic_ns() ^ 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (uint8_t)x;
    }
}

static int build_stack(struct process *p, const struct elf_image *img,
                       const char *const argv[], const char *const envp[])
{
    int err = aspace_map_anon(p->aspace, USER_STACK_TOP - STACK_BUILD_BYTES, USER_STACK_PAGES,
                              VM_READ | VM_WRITE, NULL);
    if (err)
        return err;
    uint8_t *buf = kmalloc(STACK_BUILD_BYTES);
    if (!buf)
        return E_NOMEM;
    const struct ustack_aux aux[] = {
        { AT_PHDR, img->phdr_vaddr }, { AT_PHENT, img->phentsize },
        { AT_PHNUM, img->phnum },     { AT_PAGESZ, PAGE_SIZE },
        { AT_ENTRY, img->entry },
    };
    uint8_t random[16];
    random_bytes(random);
    static const char *const empty[] = { NULL };
    uint64_t sp;
    err = ustack_build(buf, STACK_BUILD_BYTES, USER_STACK_TOP, argv ? argv : empty,
                       envp ? envp : empty, aux, sizeof(aux) / sizeof(aux[0]), random, &sp);
    if (err == E_OK)
        err = aspace_write(p->aspace, sp, buf + STACK_BUILD_BYTES - (USER_STACK_TOP - sp),
                           USER_STACK_TOP - sp);
    if (err == E_OK)
        p->initial_sp = sp;
    kfree(buf);
    return err;
}

/* ---- the object ------------------------------------------------------------ */

static void process_destroy(struct kobject *obj)
{
    struct process *p = process_of(obj);
    /* A process that never ran (or is DEAD) has no threads left. */
    if (p->cspace)
        cspace_destroy(p->cspace);
    if (p->aspace)
        kobject_put(&p->aspace->obj);
    if (p->supervisor)
        kobject_put(endpoint_kobject(p->supervisor));
    kfree(p);
}

int process_create(const char *name, struct process **out)
{
    struct process *p = kzalloc(sizeof(*p));
    if (!p)
        return E_NOMEM;
    kobject_init(&p->obj, ATOM_OBJ_PROCESS, process_destroy);
    strlcpy(p->name, name, sizeof(p->name));
    p->lock = (spinlock_t)SPINLOCK_INIT;
    p->ended = (struct wait_queue)WAIT_QUEUE_INIT;
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    int err = aspace_create(&p->aspace);
    if (err == E_OK)
        err = cspace_create(&p->cspace, 0);
    if (err == E_OK)
        cspace_set_owner(p->cspace, &p->obj);
    int h;
    /* Handles 0 and 1 (PROCESS_HANDLE_SELF, _ASPACE): the table is empty,
     * so they land there.  The capability to itself is weak (cspace.c). */
    if (err == E_OK)
        err = cap_insert_root(p->cspace, &p->obj, ATOM_RIGHTS_ALL, 0, &h);
    if (err == E_OK)
        err = cap_insert_root(p->cspace, &p->aspace->obj, ATOM_RIGHTS_ALL, 0, &h);
    if (err != E_OK) {
        kobject_put(&p->obj);
        return err;
    }
    *out = p;
    return E_OK;
}

struct process *process_load(const char *name, const void *elf, size_t size,
                             const char *const argv[], const char *const envp[],
                             int *err)
{
    struct elf_image img;
    *err = elf_decode(elf, size, &img, report_elf, (void *)name);
    if (*err)
        return NULL;
    struct process *p;
    *err = process_create(name, &p);
    if (*err) {
        log_warn("process: %s: cannot create (%s)", name, error_name(*err));
        return NULL;
    }
    p->entry = img.entry;
    *err = load_segments(p->aspace, &img, elf);
    if (!*err)
        *err = build_stack(p, &img, argv, envp);
    if (*err) {
        log_warn("process: %s: cannot load (%s)", name, error_name(*err));
        kobject_put(&p->obj);
        return NULL;
    }
    return p;
}

int process_start(struct process *p)
{
    struct thread *t = thread_create_user(p, p->entry, p->initial_sp, 0, THREAD_PRIORITY_DEFAULT);
    if (!t)
        return E_NOMEM;
    /* Programs the kernel starts (init, the tests) may hand out any
     * priority; whatever they create is bounded by that. */
    t->max_priority = ATOM_PRIORITY_MAX;
    int err = thread_start(t);
    if (err != E_OK) {
        thread_discard(t);
        return err;
    }
    kobject_put(&t->obj);
    log_debug("process %d (%s) started: entry %#llx, stack %#llx", p->pid, p->name,
              (unsigned long long)p->entry, (unsigned long long)p->initial_sp);
    return E_OK;
}

struct process *process_spawn(const char *name, const void *elf, size_t size,
                              const char *const argv[], const char *const envp[],
                              int *err)
{
    struct process *p = process_load(name, elf, size, argv, envp, err);
    if (!p)
        return NULL;
    *err = process_start(p);
    if (*err) {
        log_warn("process: %s: cannot start (%s)", name, error_name(*err));
        process_kill(p);
        kobject_put(&p->obj);
        return NULL;
    }
    return p;
}

/* Tears down what a process without threads no longer needs.  Called
 * once, when it becomes DEAD. */
static void log_line_flush(struct process *p);

static void process_teardown(struct process *p)
{
    spin_lock(&p->lock);
    struct cspace *cs = p->cspace;
    struct aspace *as = p->aspace;
    p->cspace = NULL;
    p->aspace = NULL;
    spin_unlock(&p->lock);
    kobject_get(&p->obj); /* until the waiters are woken */
    spin_lock(&p->out_lock);
    log_line_flush(p); /* what it wrote last, without a newline */
    spin_unlock(&p->out_lock);
    cspace_destroy(cs);
    if (as)
        kobject_put(&as->obj);
    wait_queue_wake_all(&p->ended);
    kobject_put(&p->obj);
}

int process_add_thread(struct process *p, struct thread *t)
{
    spin_lock(&p->lock);
    bool alive = p->state == PROCESS_RUNNING;
    if (alive) {
        t->process_next = p->threads;
        p->threads = t;
        p->thread_count++;
    }
    spin_unlock(&p->lock);
    return alive ? E_OK : E_PIPE;
}

void process_thread_ended(struct process *p, struct thread *t)
{
    spin_lock(&p->lock);
    for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->process_next) {
        if (*pp == t) {
            *pp = t->process_next;
            break;
        }
    }
    bool last = --p->thread_count == 0;
    if (last)
        p->state = PROCESS_DEAD;
    spin_unlock(&p->lock);
    if (last)
        process_teardown(p);
}

bool process_is_alive(struct process *p)
{
    return __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == PROCESS_RUNNING;
}

/* Moves p to EXITING with `status` and kills every thread but `self`.
 * Returns false if it was already ending. */
static bool process_begin_exit(struct process *p, int status, bool faulted, struct thread *self)
{
    spin_lock(&p->lock);
    bool first = p->state == PROCESS_RUNNING;
    bool no_threads = p->thread_count == 0;
    if (first) {
        p->state = no_threads ? PROCESS_DEAD : PROCESS_EXITING;
        p->exit_status = status;
        p->faulted = faulted;
        /* Under the lock: the reaper takes threads off this list. */
        for (struct thread *t = p->threads; t; t = t->process_next)
            if (t != self)
                thread_kill(t);
    }
    spin_unlock(&p->lock);
    if (first && no_threads)
        process_teardown(p);
    return first;
}

int process_kill(struct process *p)
{
    if (process_begin_exit(p, PROCESS_EXIT_KILLED, false, NULL))
        return E_OK;
    /* Already ending: its last threads may be waiting for the supervisor
     * to take their exit message; a kill ends that wait too. */
    spin_lock(&p->lock);
    bool ending = p->state == PROCESS_EXITING;
    for (struct thread *t = p->threads; ending && t; t = t->process_next)
        thread_kill(t);
    spin_unlock(&p->lock);
    return ending ? E_OK : E_PIPE;
}

void process_unmap_quietly(struct process *p, uint64_t va, uint64_t pages)
{
    spin_lock(&p->lock);
    struct aspace *as = p->aspace;
    if (as)
        kobject_get(&as->obj);
    spin_unlock(&p->lock);
    if (as) {
        aspace_unmap(as, va, pages);
        kobject_put(&as->obj);
    }
}

/* Tells the supervisor; the message is sent by the ending thread itself,
 * which waits until it is received (or until it is killed). */
static void report_to_supervisor(struct process *p, uint32_t label, const uint64_t w[4])
{
    if (!p->supervisor)
        return;
    struct thread *t = thread_current();
    t->ipc.msg.info = ATOM_MSG_INFO(label, 4, 0);
    for (int i = 0; i < ATOM_IPC_REG_WORDS; i++)
        t->ipc.msg.words[i] = w[i];
    ipc_send(p->supervisor, p->supervisor_badge, false, ATOM_TIMEOUT_FOREVER);
}

void process_exit_current(int status)
{
    struct thread *t = thread_current();
    struct process *p = t->process;
    if (p && process_begin_exit(p, status, false, t)) {
        const uint64_t w[4] = { (uint64_t)(int64_t)status, 0, 0, 0 };
        report_to_supervisor(p, ATOM_MSG_LABEL_EXIT, w);
    }
    thread_exit(status);
}

void process_fault_current(const char *what, uint64_t vector, uint64_t error,
                           uint64_t address, uint64_t rip)
{
    struct thread *t = thread_current();
    struct process *p = t->process;
    log_warn("process %d (%s): %s at %#llx, rip %#llx; stopped", p ? p->pid : -1,
             p ? p->name : t->name, what, (unsigned long long)address,
             (unsigned long long)rip);
    if (p && process_begin_exit(p, PROCESS_EXIT_FAULT, true, t)) {
        const uint64_t w[4] = { vector, error, address, rip };
        report_to_supervisor(p, ATOM_MSG_LABEL_FAULT, w);
    }
    thread_exit(PROCESS_EXIT_FAULT);
}

int process_wait(struct process *p)
{
    while (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PROCESS_DEAD ||
           __atomic_load_n(&p->cspace, __ATOMIC_ACQUIRE))
        wait_queue_wait(&p->ended, 10000000ull);
    int status = p->exit_status;
    kobject_put(&p->obj);
    return status;
}

struct process *process_current(void)
{
    return thread_current()->process;
}

/* ---- system calls ---------------------------------------------------------- */

int64_t sys_exit(struct syscall_regs *r)
{
    process_exit_current((int)r->arg[0]);
}

int64_t sys_getpid(struct syscall_regs *r)
{
    (void)r;
    return process_current()->pid;
}

/* (name, name_len, supervisor endpoint or -1, 0, struct
 * atom_process_handles *out) -> 0.  The new process is empty: map memory
 * into its address space and start a thread in it.  Its exit and fault
 * messages carry the badge of the supervisor capability given, so they
 * cannot be made to look like another child's. */
int64_t sys_process_create(struct syscall_regs *r)
{
    struct process *self = process_current();
    uint64_t name_len = r->arg[1], out = r->arg[4];
    int32_t sup_handle = (int32_t)r->arg[2];
    char name[PROCESS_NAME_MAX];
    /* decode */
    if (name_len == 0 || name_len >= PROCESS_NAME_MAX || r->arg[3] != 0)
        return -ATOM_EINVAL;
    if ((int64_t)r->arg[2] != -1 && !syscall_handle_ok(r->arg[2]))
        return -ATOM_EBADF;
    int err = copy_from_user(name, r->arg[0], name_len);
    if (err != E_OK)
        return syscall_error(err);
    name[name_len] = '\0';
    struct kobject *sup = NULL;
    uint64_t sup_badge = 0;
    if (sup_handle >= 0) {
        err = syscall_cap(r->arg[2], ATOM_OBJ_ENDPOINT, ATOM_RIGHT_WRITE, &sup, &sup_badge);
        if (err != E_OK)
            return syscall_error(err);
    }
    /* perform */
    struct process *p = NULL;
    struct atom_process_handles h = { -1, -1, 0, 0 };
    err = process_create(name, &p);
    if (err == E_OK) {
        h.pid = p->pid;
        err = cap_insert_root(self->cspace, &p->obj, ATOM_RIGHTS_ALL, 0, &h.process);
    }
    /* A root of its own: the child cannot revoke its creator's access. */
    if (err == E_OK)
        err = cap_insert_root(self->cspace, &p->aspace->obj, ATOM_RIGHTS_ALL, 0, &h.address_space);
    if (err == E_OK)
        err = copy_to_user(out, &h, sizeof(h));
    if (err == E_OK && sup) {
        p->supervisor = endpoint_of(sup);
        p->supervisor_badge = sup_badge;
        sup = NULL; /* the process keeps the reference */
    }
    if (err != E_OK) {
        if (h.address_space >= 0)
            cap_delete(self->cspace, h.address_space);
        if (h.process >= 0)
            cap_delete(self->cspace, h.process);
        if (p) {
            process_kill(p);
            kobject_put(&p->obj);
        }
        if (sup)
            kobject_put(sup);
        return syscall_error(err);
    }
    kobject_put(&p->obj);
    return 0;
}

/* (process, handle, flags) -> the handle in the target process: copies
 * (or with ATOM_GRANT_MOVE moves) one of the caller's capabilities, which
 * needs GRANT, into a process whose capability needs WRITE. */
int64_t sys_process_grant(struct syscall_regs *r)
{
    struct process *self = process_current();
    uint64_t flags = r->arg[2];
    if (!syscall_handle_ok(r->arg[0]) || !syscall_handle_ok(r->arg[1]))
        return -ATOM_EBADF;
    if (flags & ~(uint64_t)ATOM_GRANT_MOVE)
        return -ATOM_EINVAL;
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_PROCESS, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    struct process *p = process_of(obj);
    int handle = -1;
    /* The lock keeps the capability space from being torn down under us. */
    spin_lock(&p->lock);
    if (p->state == PROCESS_DEAD || !p->cspace)
        err = E_PIPE;
    else
        err = cap_transfer(self->cspace, (int)r->arg[1], p->cspace, flags & ATOM_GRANT_MOVE, &handle);
    spin_unlock(&p->lock);
    kobject_put(obj);
    return err == E_OK ? handle : syscall_error(err);
}

/* (process): ends every thread of it; needs WRITE. */
int64_t sys_process_kill(struct syscall_regs *r)
{
    if (!syscall_handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_PROCESS, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    err = process_kill(process_of(obj));
    kobject_put(obj);
    return syscall_error(err);
}

/* out_lock held. */
static void log_line_flush(struct process *p)
{
    if (p->out_len)
        log_info("%s[%d]: %.*s", p->name, p->pid, (int)p->out_len, p->out_line);
    p->out_len = 0;
}

void process_log_output(struct process *p, const char *text, size_t len)
{
    if (!p)
        return;
    spin_lock(&p->out_lock);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' || p->out_len == sizeof(p->out_line))
            log_line_flush(p);
        if (text[i] != '\n')
            p->out_line[p->out_len++] = text[i];
    }
    spin_unlock(&p->out_lock);
}
