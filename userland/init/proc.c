/*
 * proc.c: the process server, inside init.
 *
 * init starts every process after itself, so it alone holds their
 * process capabilities and hears, on its endpoint, how each one ends
 * (the kernel's exit and fault messages, badged CHILD_BADGE | slot).
 * That makes it the natural keeper of the process table: parents and
 * children, exit statuses until they are waited for, and kill.
 *
 * Requests arrive on the same endpoint from capabilities badged with the
 * caller's pid (<atom/proc.h>), so nobody can ask in another's name.
 * A wait that has nothing to report yet is answered later: its reply is
 * saved (ATOM_SYS_REPLY_SAVE) and sent when a child ends.
 *
 * Spawning a program by path asks the VFS (VFS_SPAWN) to find the file in
 * the parent's directory and to give the child its session, a copy of
 * the parent's descriptors changed by the request's file actions.  When
 * a process ends, the VFS is told (VFS_EXIT) so its descriptors close:
 * that is how a pipe's reader sees end-of-file when its writer dies.
 * Calls to the VFS have a send timeout: init must never wait forever for
 * a server it is responsible for restarting.
 *
 * Signals (<atom/proc.h>) are decided here, where the dispositions each
 * process registers are kept: init ends a process, drops the signal, or
 * sets its bit in the process's notification for the C library to run
 * the handler, and then interrupts whatever the process waits in.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <atom/cap.h>
#include <atom/memory.h>
#include <atom/proc.h>
#include <atom/spawn_msg.h>
#include <atom/startup.h>
#include <atom/vfs.h>

#include "power.h"
#include "proc.h"
#include "spawn.h"

#define MAX_PROCS 256
#define INIT_PID 1
#define CHILD_BADGE (1ull << 62)
#define PAGE 4096ull
/* Where init maps a client's spawn request and a program file, briefly. */
#define REQUEST_VA 0x0000510000000000ull
#define FILE_VA    0x0000520000000000ull
#define VFS_TIMEOUT_NS 2000000000ull
#define SELF_SPACE 1

enum proc_state { FREE, RUNNING, ZOMBIE };

struct proc {
    enum proc_state state;
    uint32_t gen;                  /* bumped each time the slot is reused */
    int pid, ppid;
    int pgid;                      /* its process group */
    char name[32];
    long process, address_space;
    int status;                    /* wait status, once ended */
    void *owner;                   /* the service, if init.conf started it */
    long wait_reply;               /* a saved PROC_WAIT reply, or -1 */
    int wait_pid;                  /* what that wait asked for */
    long signal;                   /* its signal notification (we signal) */
    uint64_t deliver, ignored;     /* PROC_SIGNALS' sets */
};

/* What a new process starts with, signal-wise. */
struct start_signals {
    uint64_t ignored, blocked;
};

#define SIGNAL_BIT(sig) (1ull << (sig))
/* SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
#define UNCATCHABLE (SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP))

static struct proc procs[MAX_PROCS];
static long endpoint = -1, vfs_endpoint = -1, console_endpoint = -1;
static int vfs_pid;                 /* the running file server's, or 0 */

void proc_init(long ep, long vfs, long console)
{
    endpoint = ep;
    vfs_endpoint = vfs;
    console_endpoint = console;
    for (size_t i = 0; i < MAX_PROCS; i++) {
        procs[i].wait_reply = -1;
        procs[i].signal = -1;
    }
}

static struct proc *find(int pid)
{
    for (size_t i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != FREE && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

static struct proc *alloc_slot(void)
{
    for (size_t i = 0; i < MAX_PROCS; i++)
        if (procs[i].state == FREE) {
            procs[i].gen++;
            return &procs[i];
        }
    return NULL;
}

static uint64_t badge_of(const struct proc *p)
{
    return CHILD_BADGE | ((uint64_t)p->gen << 16) | (uint64_t)(p - procs);
}

/* Kernel errors share POSIX numbers except these two. */
static int errno_of(long atom_error)
{
    switch (atom_error) {
    case ATOM_ENOSYS: return ENOSYS;
    case ATOM_ETIMEDOUT: return ETIMEDOUT;
    default: return (int)atom_error;
    }
}

/* A call to the VFS with at most one capability each way. */
static long vfs_call(unsigned label, uint64_t w0, uint64_t w1, long cap, long *cap_out)
{
    if (vfs_endpoint < 0 || !vfs_pid)
        return -EIO;
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    if (cap >= 0) {
        ipc->send_caps[0] = (int32_t)cap;
        ipc->send_move = 0;
    }
    struct atom_msg m = { .info = ATOM_MSG_INFO(label, 2, cap >= 0 ? 1 : 0), .w = { w0, w1 } };
    long r = atom_ipc(ATOM_SYS_IPC_CALL, vfs_endpoint, &m, VFS_TIMEOUT_NS);
    if (r < 0) {
        fprintf(stderr, "init: the file server did not answer (error %ld)\n", -r);
        return -EIO;
    }
    if (cap_out)
        *cap_out = ATOM_MSG_NCAPS(m.info) ? ipc->recv_caps[0] : -1;
    return (long)m.w[0];
}

/* A badged copy to send on: WRITE, and GRANT so that it can be granted
 * to the child (which may then pass it on: a program can lend its
 * session to a helper, which then acts in its name). */
static long dup_badged(long h, uint64_t badge)
{
    return atom_syscall6(ATOM_SYS_CAP_DUPLICATE, h, ATOM_RIGHT_WRITE | ATOM_RIGHT_GRANT,
                         (long)badge, ATOM_DUP_SET_BADGE, 0, 0);
}

/* The empty process for slot p; its exit and fault reports will carry
 * the slot's badge. */
static int create(struct proc *p, const char *name, struct spawn_result *res)
{
    long supervisor = dup_badged(endpoint, badge_of(p));
    if (supervisor < 0)
        return -errno_of(-supervisor);
    struct spawn_request req = { .name = name, .supervisor = supervisor };
    int r = spawn_create(&req, res);
    atom_syscall1(ATOM_SYS_CAP_DELETE, supervisor); /* the process keeps its own */
    return r < 0 ? -errno_of(-r) : 0;
}

/* Loads and starts the program in the process create() made, with the
 * grants from handle 2 on, then (unless serves_vfs) its process-server
 * capability, VFS session and console capability, badged with its pid,
 * then its signal notification, each named in its auxiliary vector.  It
 * joins process group `pgid` (0: a group of its own).  On failure the
 * process is discarded. */
static int load(struct proc *p, const struct spawn_result *res, const char *name,
                const void *elf, size_t elf_size, const char *const *argv,
                const char *const *envp, const long *grants, size_t grant_count,
                bool serves_vfs, int parent, int pgid, struct start_signals sigs)
{
    long all[SPAWN_MAX_GRANTS], mine[4] = { -1, -1, -1, -1 };
    struct ustack_aux aux[6];
    size_t n = 0, naux = 0;
    if (grant_count + 4 > SPAWN_MAX_GRANTS) {
        spawn_discard(res);
        return -E2BIG;
    }
    for (; n < grant_count; n++)
        all[n] = grants[n];
    if (!serves_vfs) {
        if ((mine[0] = dup_badged(endpoint, (uint64_t)res->pid)) >= 0) {
            aux[naux++] = (struct ustack_aux){ AT_ATOM_PROC, 2 + n };
            all[n++] = mine[0];
        }
        if (vfs_endpoint >= 0 && (mine[1] = dup_badged(vfs_endpoint, (uint64_t)res->pid)) >= 0) {
            aux[naux++] = (struct ustack_aux){ AT_ATOM_VFS, 2 + n };
            all[n++] = mine[1];
        }
        if (console_endpoint >= 0 &&
            (mine[3] = dup_badged(console_endpoint, (uint64_t)res->pid)) >= 0) {
            aux[naux++] = (struct ustack_aux){ AT_ATOM_CONSOLE, 2 + n };
            all[n++] = mine[3];
        }
    }
    /* The signal notification: we keep the right to signal it, the
     * process gets the right to take its bits (GRANT: to be granted). */
    long signal = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    if (signal < 0) {
        for (int i = 0; i < 4; i++)
            if (mine[i] >= 0)
                atom_syscall1(ATOM_SYS_CAP_DELETE, mine[i]);
        spawn_discard(res);
        return -errno_of(-signal);
    }
    if ((mine[2] = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, signal,
                                 ATOM_RIGHT_READ | ATOM_RIGHT_GRANT, 0, 0, 0, 0)) >= 0) {
        aux[naux++] = (struct ustack_aux){ AT_ATOM_SIGNAL, 2 + n };
        all[n++] = mine[2];
    }
    sigs.ignored &= SPAWN_MSG_SIGNALS & ~UNCATCHABLE;
    sigs.blocked &= SPAWN_MSG_SIGNALS & ~UNCATCHABLE;
    if (sigs.ignored)
        aux[naux++] = (struct ustack_aux){ AT_ATOM_SIGIGN, sigs.ignored };
    if (sigs.blocked)
        aux[naux++] = (struct ustack_aux){ AT_ATOM_SIGMASK, sigs.blocked };
    struct spawn_request req = {
        .name = name, .elf = elf, .elf_size = elf_size, .argv = argv, .envp = envp,
        .grants = all, .grant_count = n, .aux = aux, .aux_count = naux,
        .priority = ATOM_PRIORITY_DEFAULT,
    };
    int r = spawn_load(&req, res);
    for (int i = 0; i < 4; i++)
        if (mine[i] >= 0)
            atom_syscall1(ATOM_SYS_CAP_DELETE, mine[i]);
    if (r < 0) {
        atom_syscall1(ATOM_SYS_CAP_DELETE, signal);
        spawn_discard(res);
        return -errno_of(-r);
    }
    p->state = RUNNING;
    p->pid = res->pid;
    p->ppid = parent;
    p->pgid = pgid ? pgid : res->pid;
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->process = res->process;
    p->address_space = res->address_space;
    p->status = 0;
    p->owner = NULL;
    p->wait_reply = -1;
    p->signal = signal;
    p->ignored = sigs.ignored;
    p->deliver = sigs.blocked & ~sigs.ignored;
    return res->pid;
}

int proc_start_service(const char *name, const void *elf, size_t elf_size,
                       const char *const *argv, const char *const *envp,
                       const long *grants, size_t grant_count, bool serves_vfs, void *owner)
{
    struct proc *p = alloc_slot();
    struct spawn_result res;
    if (!p)
        return -EAGAIN;
    int r = create(p, name, &res);
    if (r == 0)
        r = load(p, &res, name, elf, elf_size, argv, envp, grants, grant_count, serves_vfs,
                 INIT_PID, 0, (struct start_signals){ 0, 0 });
    if (r > 0) {
        p->owner = owner;
        if (serves_vfs)
            vfs_pid = r;
    }
    return r;
}

static void reply(long w0, long w1)
{
    struct atom_msg m = { .info = ATOM_MSG_INFO(0, 2, 0), .w = { (uint64_t)w0, (uint64_t)w1 } };
    atom_ipc(ATOM_SYS_IPC_REPLY, 0, &m, 0);
}

static void reply_saved(long cap, long w0, long w1)
{
    struct atom_msg m = { .info = ATOM_MSG_INFO(0, 2, 0), .w = { (uint64_t)w0, (uint64_t)w1 } };
    atom_ipc(ATOM_SYS_IPC_SEND, cap, &m, 0);  /* deletes the capability */
}

static void free_slot(struct proc *p)
{
    if (p->wait_reply >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, p->wait_reply);
    p->wait_reply = -1;
    p->state = FREE;
}

static void deliver(struct proc *p, int sig);
static bool group_exists(int pgid);

static bool wait_matches(const struct proc *parent, const struct proc *child)
{
    return child->ppid == parent->pid && (parent->wait_pid == -1 || parent->wait_pid == child->pid);
}

/* Process p has ended with wait status `status`. */
static void ended(struct proc *p, int status, const char *how)
{
    p->state = ZOMBIE;
    p->status = status;
    atom_syscall1(ATOM_SYS_CAP_DELETE, p->process);
    atom_syscall1(ATOM_SYS_CAP_DELETE, p->address_space);
    if (p->signal >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, p->signal);
    p->signal = -1;
    if (p->wait_reply >= 0) {
        atom_syscall1(ATOM_SYS_CAP_DELETE, p->wait_reply);
        p->wait_reply = -1;
    }
    if (p->pid == vfs_pid)
        vfs_pid = 0;
    else if (vfs_pid)
        vfs_call(VFS_EXIT, (uint64_t)p->pid, 0, -1, NULL);
    /* Its children now belong to init, which reaps them. */
    for (size_t i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state != FREE && c->ppid == p->pid) {
            c->ppid = INIT_PID;
            if (c->state == ZOMBIE)
                free_slot(c);
        }
    }
    if (p->owner) {
        void *owner = p->owner;
        free_slot(p);
        init_service_ended(owner, how, status);
        return;
    }
    struct proc *parent = find(p->ppid);
    if (!parent) {
        free_slot(p);                /* init's: nobody waits for it */
        return;
    }
    if (parent->wait_reply >= 0 && wait_matches(parent, p)) {
        reply_saved(parent->wait_reply, p->pid, p->status);
        parent->wait_reply = -1;
        free_slot(p);
    }
    if (parent->state == RUNNING)
        deliver(parent, SIGCHLD);
}

static int signal_of_vector(uint64_t vector)
{
    switch (vector) {
    case 0: return SIGFPE;
    case 3: return SIGTRAP;
    case 6: return SIGILL;
    case 17: return SIGBUS;
    default: return SIGSEGV;
    }
}

static const char *vector_name(uint64_t v)
{
    switch (v) {
    case 0: return "divide error";
    case 6: return "invalid opcode";
    case 13: return "general protection";
    case 14: return "page fault";
    default: return "exception";
    }
}

bool proc_is_report(uint64_t badge)
{
    return badge & CHILD_BADGE;
}

void proc_report(const struct atom_msg *m)
{
    size_t slot = m->badge & 0xffff;
    uint32_t gen = (uint32_t)((m->badge >> 16) & 0xffffffffu);
    uint32_t label = ATOM_MSG_LABEL(m->info);
    if (slot >= MAX_PROCS || procs[slot].gen != gen || procs[slot].state != RUNNING ||
        (label != ATOM_MSG_LABEL_EXIT && label != ATOM_MSG_LABEL_FAULT))
        return;  /* a process already ended by kill, or not a report */
    struct proc *p = &procs[slot];
    char how[160];
    int status;
    if (label == ATOM_MSG_LABEL_FAULT) {
        int sig = signal_of_vector(m->w[0]);
        snprintf(how, sizeof(how), "crashed: %s (vector %llu) at address %#llx, rip %#llx",
                 vector_name(m->w[0]), (unsigned long long)m->w[0],
                 (unsigned long long)m->w[2], (unsigned long long)m->w[3]);
        if (!p->owner)
            fprintf(stderr, "init: %s[%d] %s: %s\n", p->name, p->pid, how, strsignal(sig));
        status = sig;
    } else {
        snprintf(how, sizeof(how), "exited with status %lld", (long long)(int64_t)m->w[0]);
        status = (int)((m->w[0] & 0xff) << 8);
    }
    ended(p, status, how);
}

/* Signal sig (1 to NSIG - 1) reaches running process p. */
static void deliver(struct proc *p, int sig)
{
    uint64_t bit = SIGNAL_BIT(sig);
    if (sig == SIGKILL) {
        proc_kill_pid(p->pid, sig);
    } else if (p->ignored & bit) {
        return;
    } else if (p->deliver & bit) {
        atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, p->signal, (long)bit, 0);
        if (p->wait_reply >= 0) {
            reply_saved(p->wait_reply, -EINTR, 0);
            p->wait_reply = -1;
        }
        if (vfs_pid && p->pid != vfs_pid)
            vfs_call(VFS_INTERRUPT, (uint64_t)p->pid, 0, -1, NULL);
    } else if (!(PROC_SIGNALS_IGNORED_BY_DEFAULT & bit)) {
        proc_kill_pid(p->pid, sig);
    }
}

void proc_kill_pid(int pid, int sig)
{
    struct proc *p = find(pid);
    if (!p || p->state != RUNNING)
        return;
    atom_syscall1(ATOM_SYS_PROCESS_KILL, p->process);
    char how[64];
    snprintf(how, sizeof(how), "was killed (%s)", strsignal(sig));
    ended(p, sig, how);
}

/* --- requests -------------------------------------------------------------- */

/* The client's spawn request, copied out of its memory object. */
static long request_copy(long mem, uint64_t size, void **out)
{
    struct atom_cap_info ci;
    if (atom_syscall3(ATOM_SYS_CAP_INSPECT, mem, (long)&ci, 0) != 0 || ci.type != ATOM_OBJ_MEMORY ||
        size == 0 || size > SPAWN_MSG_MAX_SIZE || size > ci.size * PAGE)
        return -EINVAL;
    uint64_t pages = (size + PAGE - 1) / PAGE;
    if (atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, mem, (long)REQUEST_VA, 0, (long)pages,
                      ATOM_PROT_READ) != 0)
        return -EINVAL;
    void *copy = malloc(size);
    if (copy)
        memcpy(copy, (const void *)(uintptr_t)REQUEST_VA, size);
    atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)REQUEST_VA, (long)pages);
    if (!copy)
        return -ENOMEM;
    *out = copy;
    return 0;
}

/* A memory object holding `size` bytes of data, for the VFS. */
static long memory_with(const void *data, size_t size)
{
    uint64_t pages = (size + PAGE - 1) / PAGE;
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, (long)pages, 0, 0);
    if (mem < 0)
        return mem;
    if (atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, mem, (long)REQUEST_VA, 0, (long)pages,
                      ATOM_PROT_READ | ATOM_PROT_WRITE) != 0) {
        atom_syscall1(ATOM_SYS_CAP_DELETE, mem);
        return -ENOMEM;
    }
    memcpy((void *)(uintptr_t)REQUEST_VA, data, size);
    atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)REQUEST_VA, (long)pages);
    return mem;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* The program file the VFS sent, mapped read-only at FILE_VA. */
static long map_file(long file, uint64_t size, uint64_t *pages)
{
    struct atom_cap_info ci;
    if (atom_syscall3(ATOM_SYS_CAP_INSPECT, file, (long)&ci, 0) != 0 ||
        ci.type != ATOM_OBJ_MEMORY || size == 0 || size > ci.size * PAGE)
        return -EIO;
    *pages = (size + PAGE - 1) / PAGE;
    return atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, file, (long)FILE_VA, 0, (long)*pages,
                         ATOM_PROT_READ) == 0 ? 0 : -EIO;
}

/* PROC_SPAWN: the request is checked, the process made (for its pid),
 * then the VFS makes its session and hands over the program file. */
static long do_spawn(struct proc *caller, uint64_t size, long mem)
{
    if (mem < 0)
        return -EINVAL;
    void *copy = NULL;
    long r = request_copy(mem, size, &copy);
    atom_syscall1(ATOM_SYS_CAP_DELETE, mem);
    if (r < 0)
        return r;
    static struct spawn_msg msg;
    struct proc *p = NULL;
    long request_mem = -1, file = -1;
    struct spawn_result res;
    char name[32];
    if ((r = spawn_msg_decode(copy, size, &msg)) < 0)
        goto out;
    if (msg.attrs.pgroup > 0 && !group_exists(msg.attrs.pgroup)) {
        r = -EPERM;                 /* POSIX: joining a group that is not there */
        goto out;
    }
    if (!(p = alloc_slot())) {
        r = -EAGAIN;
        goto out;
    }
    if ((request_mem = memory_with(copy, size)) < 0) {
        r = -ENOMEM;
        goto out;
    }
    snprintf(name, sizeof(name), "%s", base_name(msg.path));
    if ((r = create(p, name, &res)) < 0)
        goto out;
    r = vfs_call(VFS_SPAWN, (uint64_t)caller->pid, (uint64_t)res.pid, request_mem, &file);
    if (r >= 0 && file < 0)
        r = -EIO;
    uint64_t pages = 0, file_size = r >= 0 ? (uint64_t)r : 0;
    if (r >= 0 && (r = map_file(file, file_size, &pages)) == 0) {
        struct start_signals sigs = { caller->ignored & ~msg.attrs.defaults, msg.attrs.mask };
        int pgid = msg.attrs.pgroup < 0 ? caller->pgid : msg.attrs.pgroup;
        r = load(p, &res, name, (const void *)(uintptr_t)FILE_VA, (size_t)file_size,
                 msg.argv, msg.envp, NULL, 0, false, caller->pid, pgid, sigs);
        atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)FILE_VA, (long)pages);
        if (r < 0)
            vfs_call(VFS_EXIT, (uint64_t)res.pid, 0, -1, NULL);
    } else {
        spawn_discard(&res);
    }
out:
    if (file >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, file);
    if (request_mem >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, request_mem);
    free(copy);
    return r;
}

/* PROC_WAIT: a child that has ended is reported at once; otherwise the
 * reply is saved until one does (or WNOHANG answers 0). */
static void do_wait(struct proc *caller, int pid, uint64_t options)
{
    bool any = false;
    for (size_t i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state == FREE || c->ppid != caller->pid || (pid != -1 && c->pid != pid))
            continue;
        any = true;
        if (c->state == ZOMBIE) {
            int cpid = c->pid, status = c->status;
            free_slot(c);
            reply(cpid, status);
            return;
        }
    }
    if (!any) {
        reply(-ECHILD, 0);
    } else if (options & WNOHANG) {
        reply(0, 0);
    } else {
        long saved = atom_syscall0(ATOM_SYS_REPLY_SAVE);
        if (saved < 0) {
            reply(-ENOMEM, 0);
            return;
        }
        if (caller->wait_reply >= 0)      /* cannot happen: one thread per process */
            atom_syscall1(ATOM_SYS_CAP_DELETE, caller->wait_reply);
        caller->wait_reply = saved;
        caller->wait_pid = pid;
    }
}

/* A group exists while a process in it has not been waited for: so a
 * pipeline's later commands can join the group of a first one that has
 * already ended. */
static bool group_exists(int pgid)
{
    for (size_t i = 0; i < MAX_PROCS; i++)
        if (procs[i].state != FREE && procs[i].pgid == pgid)
            return true;
    return false;
}

/* PROC_KILL: one user, so any process may signal any other but init.
 * pid > 0 names a process; 0 the caller's group; below -1 the group -pid
 * (-1, every process, is refused). */
static long do_kill(struct proc *caller, int pid, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid == INIT_PID || pid == -1)
        return -EPERM;
    if (pid <= 0) {
        int pgid = pid == 0 ? caller->pgid : -pid;
        bool any = false;
        for (size_t i = 0; i < MAX_PROCS; i++) {
            struct proc *p = &procs[i];
            if (p->state != RUNNING || p->pgid != pgid)
                continue;
            any = true;
            if (sig != 0)
                deliver(p, sig);
        }
        return any ? 0 : -ESRCH;
    }
    struct proc *p = find(pid);
    if (!p)
        return -ESRCH;
    if (sig != 0 && p->state == RUNNING)
        deliver(p, sig);
    return 0;
}

/* PROC_SETPGID: the caller or one of its children joins group pgid (0:
 * its own pid), which must exist unless it is that pid. */
static long do_setpgid(struct proc *caller, int pid, int pgid)
{
    struct proc *p = pid == 0 || pid == caller->pid ? caller : find(pid);
    if (pgid < 0 || pid < 0)
        return -EINVAL;
    if (!p || (p != caller && p->ppid != caller->pid))
        return -ESRCH;
    if (pgid == 0)
        pgid = p->pid;
    if (pgid != p->pid && !group_exists(pgid))
        return -EPERM;
    p->pgid = pgid;
    return 0;
}

static long do_getpgid(struct proc *caller, int pid)
{
    struct proc *p = pid == 0 ? caller : find(pid);
    return p ? p->pgid : -ESRCH;
}

/* PROC_SIGNALS: what the caller's C library wants done with signals. */
static long do_signals(struct proc *caller, uint64_t deliver_set, uint64_t ignore_set)
{
    if ((deliver_set | ignore_set) & ~SPAWN_MSG_SIGNALS)
        return -EINVAL;
    caller->deliver = deliver_set & ~UNCATCHABLE;
    caller->ignored = ignore_set & ~UNCATCHABLE;
    return 0;
}

/* PROC_NEXT: the process with the smallest pid above `after`. */
static void do_next(int after)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    const struct proc *best = NULL;
    int pid = 0, ppid = 0, state = 0;
    const char *name = "";
    if (after < INIT_PID) {
        pid = INIT_PID;
        state = PROC_STATE_RUNNING;
        name = "init";
    } else {
        for (size_t i = 0; i < MAX_PROCS; i++) {
            const struct proc *c = &procs[i];
            if (c->state != FREE && c->pid > after && (!best || c->pid < best->pid))
                best = c;
        }
        if (best) {
            pid = best->pid;
            ppid = best->ppid;
            state = best->state == ZOMBIE ? PROC_STATE_ZOMBIE : PROC_STATE_RUNNING;
            name = best->name;
        }
    }
    char padded[PROC_NAME_WORDS * 8] = { 0 };
    memcpy(padded, name, strnlen(name, sizeof(padded) - 1));
    memcpy(&ipc->words[4], padded, sizeof(padded));
    struct atom_msg m = { .info = ATOM_MSG_INFO(0, 4 + PROC_NAME_WORDS, 0),
                          .w = { (uint64_t)pid, (uint64_t)ppid, (uint64_t)state } };
    atom_ipc(ATOM_SYS_IPC_REPLY, 0, &m, 0);
}

void proc_request(struct atom_msg *m)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    struct proc *caller = m->badge ? find((int)m->badge) : NULL;
    long cap = ATOM_MSG_NCAPS(m->info) ? ipc->recv_caps[0] : -1;
    uint32_t label = ATOM_MSG_LABEL(m->info);
    if (!caller || caller->state != RUNNING) {
        if (cap >= 0)
            atom_syscall1(ATOM_SYS_CAP_DELETE, cap);
        reply(-ESRCH, 0);
        return;
    }
    if (cap >= 0 && label != PROC_SPAWN) {
        atom_syscall1(ATOM_SYS_CAP_DELETE, cap);
        cap = -1;
    }
    switch (label) {
    case PROC_SPAWN: reply(do_spawn(caller, m->w[0], cap), 0); break;
    case PROC_WAIT: do_wait(caller, (int)(int64_t)m->w[0], m->w[1]); break;
    case PROC_KILL: reply(do_kill(caller, (int)(int64_t)m->w[0], (int)(int64_t)m->w[1]), 0); break;
    case PROC_SETPGID:
        reply(do_setpgid(caller, (int)(int64_t)m->w[0], (int)(int64_t)m->w[1]), 0);
        break;
    case PROC_GETPGID: reply(do_getpgid(caller, (int)(int64_t)m->w[0]), 0); break;
    case PROC_GETPPID: reply(caller->ppid, 0); break;
    case PROC_NEXT: do_next((int)(int64_t)m->w[0]); break;
    case PROC_SIGNALS: reply(do_signals(caller, m->w[0], m->w[1]), 0); break;
    case PROC_POWER: reply(power_request(caller->pid, m->w[0]), 0); break;
    default: reply(-ENOSYS, 0); break;
    }
}
