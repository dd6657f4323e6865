/*
 * vfs_ipc.c: the VFS server's message loop.
 *
 * init starts the server with the initrd (read-only memory) and the
 * endpoint to receive on (vfs-server in init.conf).  Each message is
 * decoded here (which session, which descriptor, where the path or data
 * lies in the session's shared buffer) and handed to one function of
 * vfs_ops.h; the result goes back in the reply's first word.
 *
 * The badge names the caller: a pid for a client session, 0 for init,
 * whose calls (VFS_SPAWN, VFS_EXIT, VFS_INTERRUPT) manage sessions.  A client's buffer
 * is mapped here while its session lasts, at a slot of CLIENT_VA.
 * Paths are copied out of it before use, since the client can change
 * them at any moment; data is copied once, straight into or out of the
 * file.
 *
 * The server never waits for anyone.  A read or write that must wait
 * for a pipe has its reply saved (ATOM_SYS_REPLY_SAVE) and is tried
 * again after every later request, until it completes or its client
 * goes, or a signal interrupts it; so one blocked client never holds up
 * another.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atom/cap.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>
#include <atom/vfs.h>
#include <kernel/ustar.h>

#include "spawn.h"
#include "vfs_ops.h"

#define FIRST_HANDLE 2
#define SELF_SPACE 1
#define PAGE 4096ull
#define MAX_CLIENTS 256
#define MAX_PENDING 64
#define INITRD_VA  0x0000500000000000ull
#define CLIENT_VA  0x0000510000000000ull  /* + slot * VFS_BUFFER_SIZE */
#define SCRATCH_VA 0x0000520000000000ull  /* requests and program files */

struct client {
    uint64_t pid;                  /* 0: slot free */
    long mem;                      /* the buffer's memory object */
    char *buf;                     /* mapped here */
};

/* A read or write waiting for a pipe. */
struct pending {
    uint64_t pid;                  /* 0: slot free */
    unsigned label;
    uint64_t w[3];
    long reply;                    /* the saved reply capability */
};

/* What a request is answered with. */
struct answer {
    long w[3];
    long cap;                      /* moved to the caller, or -1 */
    bool later;                    /* saved: answered by retry_pending() */
};

static struct client clients[MAX_CLIENTS];
static struct pending pending[MAX_PENDING];

static struct client *client_find(uint64_t pid)
{
    for (size_t i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].pid == pid)
            return &clients[i];
    return NULL;
}

static void client_drop(struct client *c)
{
    atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)(uintptr_t)c->buf, VFS_BUFFER_PAGES);
    atom_syscall1(ATOM_SYS_CAP_DELETE, c->mem);
    c->pid = 0;
}

/* Everything of pid's goes: buffer, blocked requests, session. */
static void forget(uint64_t pid)
{
    struct client *c = client_find(pid);
    if (c)
        client_drop(c);
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (pending[i].pid == pid) {
            atom_syscall1(ATOM_SYS_CAP_DELETE, pending[i].reply);
            pending[i].pid = 0;
        }
    struct vfs_session *s = vfs_session_find(pid);
    if (s)
        vfs_session_destroy(s);
}

/* VFS_INTERRUPT: pid's waiting reads and writes fail with EINTR.  They
 * moved nothing (a blocked request changes nothing), so the C library
 * may simply ask again when the handler wants the call restarted. */
static void interrupt(uint64_t pid)
{
    for (size_t i = 0; i < MAX_PENDING; i++)
        if (pending[i].pid == pid) {
            struct atom_msg m = { .info = ATOM_MSG_INFO(0, 1, 0), .w = { (uint64_t)-EINTR } };
            atom_ipc(ATOM_SYS_IPC_SEND, pending[i].reply, &m, 0);  /* deletes the reply */
            pending[i].pid = 0;
        }
}

/* VFS_ATTACH: map the client's buffer, making a session if needed. */
static long do_attach(uint64_t pid, long mem)
{
    struct atom_cap_info ci;
    if (mem < 0 || atom_syscall3(ATOM_SYS_CAP_INSPECT, mem, (long)&ci, 0) != 0 ||
        ci.type != ATOM_OBJ_MEMORY || ci.size < VFS_BUFFER_PAGES ||
        (ci.rights & (ATOM_RIGHT_READ | ATOM_RIGHT_WRITE | ATOM_RIGHT_MAP)) !=
            (ATOM_RIGHT_READ | ATOM_RIGHT_WRITE | ATOM_RIGHT_MAP))
        return -EINVAL;
    struct client *c = client_find(pid);
    if (c)
        client_drop(c);
    else if (!(c = client_find(0)))
        return -ENFILE;
    char *buf = (char *)(uintptr_t)(CLIENT_VA + (uint64_t)(c - clients) * VFS_BUFFER_SIZE);
    if (atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, mem, (long)(uintptr_t)buf, 0,
                      VFS_BUFFER_PAGES, ATOM_PROT_READ | ATOM_PROT_WRITE) != 0)
        return -EINVAL;
    if (!vfs_session_find(pid) && !vfs_session_create(pid, NULL)) {
        atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)(uintptr_t)buf, VFS_BUFFER_PAGES);
        return -ENOMEM;
    }
    c->pid = pid;
    c->mem = mem;
    c->buf = buf;
    return 0;
}

/* Copies the path at buf[off], which must end within VFS_PATH_MAX bytes;
 * returns the offset just past its NUL, or a negated errno. */
static long take_path(const char *buf, size_t off, char out[VFS_PATH_MAX])
{
    if (off >= VFS_BUFFER_SIZE)
        return -EINVAL;
    size_t room = VFS_BUFFER_SIZE - off < VFS_PATH_MAX ? VFS_BUFFER_SIZE - off : VFS_PATH_MAX;
    memcpy(out, buf + off, room);
    const char *nul = memchr(out, '\0', room);
    if (!nul)
        return -ENAMETOOLONG;
    return (long)(off + (size_t)(nul - out) + 1);
}

/* READ and WRITE, now or again later.  VFS_BLOCKED leaves it to wait. */
static long do_io(struct vfs_session *s, struct client *c, unsigned label, const uint64_t w[3])
{
    int fd = (int)w[0];
    size_t count = w[1];
    if (count > VFS_BUFFER_SIZE || (w[2] & ~(uint64_t)VFS_IO_NOWAIT))
        return -EINVAL;
    long r = label == VFS_READ ? (long)vfs_read(s, fd, c->buf, count)
                               : (long)vfs_write(s, fd, c->buf, count);
    if (r == VFS_BLOCKED && (w[2] & VFS_IO_NOWAIT))
        return -EAGAIN;
    return r;
}

static void wait_later(uint64_t pid, unsigned label, const uint64_t w[3], struct answer *a)
{
    for (size_t i = 0; i < MAX_PENDING; i++) {
        if (pending[i].pid)
            continue;
        long reply = atom_syscall0(ATOM_SYS_REPLY_SAVE);
        if (reply < 0)
            break;
        pending[i] = (struct pending){ .pid = pid, .label = label, .w = { w[0], w[1], w[2] },
                                       .reply = reply };
        a->later = true;
        return;
    }
    a->w[0] = -EAGAIN;  /* too many waiting */
}

/* Tries every waiting request again; repeats while any completes, since
 * one completion (a read making room) can unblock another. */
static void retry_pending(void)
{
    bool progress = true;
    while (progress) {
        progress = false;
        for (size_t i = 0; i < MAX_PENDING; i++) {
            struct pending *p = &pending[i];
            if (!p->pid)
                continue;
            struct vfs_session *s = vfs_session_find(p->pid);
            struct client *c = client_find(p->pid);
            long r = s && c ? do_io(s, c, p->label, p->w) : -EBADF;
            if (r == VFS_BLOCKED)
                continue;
            struct atom_msg m = { .info = ATOM_MSG_INFO(0, 1, 0), .w = { (uint64_t)r } };
            atom_ipc(ATOM_SYS_IPC_SEND, p->reply, &m, 0);  /* deletes the reply */
            p->pid = 0;
            progress = true;
        }
    }
}

/* VFS_SPAWN from init: the child's session and its program, in a fresh
 * memory object moved to init. */
static void do_spawn(uint64_t parent_pid, uint64_t child_pid, long req_mem, struct answer *a)
{
    struct atom_cap_info ci;
    a->w[0] = -EINVAL;
    if (req_mem < 0 || atom_syscall3(ATOM_SYS_CAP_INSPECT, req_mem, (long)&ci, 0) != 0 ||
        ci.type != ATOM_OBJ_MEMORY || ci.size == 0 || ci.size * PAGE > SPAWN_MSG_MAX_SIZE)
        return;
    size_t size = ci.size * PAGE;
    void *copy = malloc(size);
    if (!copy) {
        a->w[0] = -ENOMEM;
        return;
    }
    if (atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, req_mem, (long)SCRATCH_VA, 0, (long)ci.size,
                      ATOM_PROT_READ) != 0) {
        free(copy);
        return;
    }
    memcpy(copy, (const void *)(uintptr_t)SCRATCH_VA, size);
    atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)SCRATCH_VA, (long)ci.size);

    static struct spawn_msg msg;
    const void *data;
    size_t data_size;
    long r = spawn_msg_decode(copy, size, &msg);
    if (r == 0 && vfs_session_find(child_pid))
        r = -EEXIST;
    if (r == 0)
        r = vfs_spawn(vfs_session_find(parent_pid), child_pid, &msg, &data, &data_size);
    if (r == 0 && (data_size == 0 || data_size > ATOM_MEM_MAX_PAGES * PAGE))
        r = -ENOEXEC;
    long file = -1;
    uint64_t pages = (data_size + PAGE - 1) / PAGE;
    if (r == 0 && (file = atom_syscall3(ATOM_SYS_MEM_CREATE, (long)pages, 0, 0)) < 0)
        r = -ENOMEM;
    if (r == 0 && atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, file, (long)SCRATCH_VA, 0,
                                (long)pages, ATOM_PROT_READ | ATOM_PROT_WRITE) != 0)
        r = -ENOMEM;
    if (r == 0) {
        memcpy((void *)(uintptr_t)SCRATCH_VA, data, data_size);
        atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)SCRATCH_VA, (long)pages);
        a->w[0] = (long)data_size;
        a->cap = file;
    } else {
        if (file >= 0)
            atom_syscall1(ATOM_SYS_CAP_DELETE, file);
        struct vfs_session *child = vfs_session_find(child_pid);
        if (child && r != -EEXIST)
            vfs_session_destroy(child);
        a->w[0] = r;
    }
    free(copy);
}

/* A client's request on its session. */
static void serve_client(uint64_t pid, unsigned label, const uint64_t w[3], struct answer *a)
{
    struct vfs_session *s = vfs_session_find(pid);
    struct client *c = client_find(pid);
    static char path[VFS_PATH_MAX], path2[VFS_PATH_MAX];
    long r = 0, off;
    if (!s || !c) {
        a->w[0] = -ESTALE;      /* attach first (after a restart, say) */
        return;
    }
    int fd = (int)w[0];
    switch (label) {
    case VFS_READ:
    case VFS_WRITE:
        r = do_io(s, c, label, w);
        if (r == VFS_BLOCKED) {
            wait_later(pid, label, w, a);
            return;
        }
        break;
    case VFS_OPEN:
        if ((r = take_path(c->buf, 0, path)) >= 0)
            r = vfs_open(s, path, (int)w[0], (mode_t)w[1]);
        break;
    case VFS_CLOSE: r = vfs_close(s, fd); break;
    case VFS_SEEK: r = (long)vfs_seek(s, fd, (off_t)w[1], (int)w[2]); break;
    case VFS_FSTAT: {
        struct vfs_stat st;
        if ((r = vfs_fstat(s, fd, &st)) == 0)
            memcpy(c->buf, &st, sizeof(st));
        break;
    }
    case VFS_STAT: {
        struct vfs_stat st;
        if ((r = take_path(c->buf, 0, path)) >= 0 && (r = vfs_stat(s, path, &st)) == 0)
            memcpy(c->buf, &st, sizeof(st));
        break;
    }
    case VFS_UNLINK:
        if ((r = take_path(c->buf, 0, path)) >= 0)
            r = vfs_unlink(s, path);
        break;
    case VFS_MKDIR:
        if ((r = take_path(c->buf, 0, path)) >= 0)
            r = vfs_mkdir(s, path, (mode_t)w[0]);
        break;
    case VFS_RMDIR:
        if ((r = take_path(c->buf, 0, path)) >= 0)
            r = vfs_rmdir(s, path);
        break;
    case VFS_CHDIR:
        if ((r = take_path(c->buf, 0, path)) >= 0)
            r = vfs_chdir(s, path);
        break;
    case VFS_RENAME:
    case VFS_LINK:
        if ((off = take_path(c->buf, 0, path)) < 0 || (r = take_path(c->buf, (size_t)off, path2)) < 0) {
            r = off < 0 ? off : r;
            break;
        }
        r = label == VFS_RENAME ? vfs_rename(s, path, path2) : vfs_link(s, path, path2);
        break;
    case VFS_GETCWD:
        if ((r = vfs_getcwd(s, path, sizeof(path))) >= 0)
            memcpy(c->buf, path, (size_t)r + 1);
        break;
    case VFS_READDIR: {
        size_t max = VFS_BUFFER_SIZE / sizeof(struct vfs_dirent);
        r = vfs_readdir(s, fd, (struct vfs_dirent *)c->buf, w[1] < max ? w[1] : max);
        break;
    }
    case VFS_DUP: r = vfs_dup(s, fd, (int)w[1]); break;
    case VFS_DUP2: r = vfs_dup2(s, fd, (int)w[1]); break;
    case VFS_FCNTL: r = vfs_fcntl(s, fd, (int)w[1], (long)w[2]); break;
    case VFS_PIPE: {
        int fds[2];
        if ((r = vfs_pipe(s, fds)) == 0) {
            a->w[1] = fds[0];
            a->w[2] = fds[1];
        }
        break;
    }
    case VFS_FTRUNCATE: r = vfs_ftruncate(s, fd, (off_t)w[1]); break;
    case VFS_ISATTY: r = vfs_isatty(s, fd); break;
    default: r = -ENOSYS; break;
    }
    a->w[0] = r;
}

static void serve(const struct atom_msg *m, struct answer *a)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    unsigned label = (unsigned)ATOM_MSG_LABEL(m->info);
    long cap = ATOM_MSG_NCAPS(m->info) ? ipc->recv_caps[0] : -1;
    const uint64_t w[3] = { m->w[0], m->w[1], m->w[2] };
    bool keep = false;
    if (m->badge == 0) {            /* init */
        if (label == VFS_SPAWN)
            do_spawn(w[0], w[1], cap, a);
        else if (label == VFS_EXIT)
            forget(w[0]);
        else if (label == VFS_INTERRUPT)
            interrupt(w[0]);
        else
            a->w[0] = -ENOSYS;
    } else if (label == VFS_ATTACH) {
        a->w[0] = do_attach(m->badge, cap);
        keep = a->w[0] == 0;
    } else {
        serve_client(m->badge, label, w, a);
    }
    if (cap >= 0 && !keep)
        atom_syscall1(ATOM_SYS_CAP_DELETE, cap);
}

/* Our capabilities, from init.conf: the initrd and the endpoint. */
static bool find_capabilities(long *endpoint, const void **initrd, size_t *initrd_size)
{
    struct atom_cap_info ci;
    *endpoint = -1;
    *initrd = NULL;
    for (long h = FIRST_HANDLE; h < 64 && atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0) == 0;
         h++) {
        if (ci.type == ATOM_OBJ_ENDPOINT && (ci.rights & ATOM_RIGHT_READ)) {
            *endpoint = h;
        } else if (ci.type == ATOM_OBJ_MEMORY && !(ci.rights & ATOM_RIGHT_WRITE) && ci.size) {
            if (atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, h, (long)INITRD_VA, 0, (long)ci.size,
                              ATOM_PROT_READ) != 0)
                return false;
            *initrd = (const void *)(uintptr_t)INITRD_VA;
            *initrd_size = ci.size * PAGE;
        }
    }
    return *endpoint >= 0 && *initrd;
}

int main(void)
{
    long endpoint;
    const void *initrd;
    size_t initrd_size = 0;
    if (!find_capabilities(&endpoint, &initrd, &initrd_size)) {
        fprintf(stderr, "vfs: needs the initrd and vfs-server capabilities (init.conf)\n");
        return 1;
    }
    struct ustar_stats st;
    if (ustar_validate(initrd, initrd_size, "initrd", &st, spawn_report, "vfs: ") != 0)
        return 1;
    if (vfs_init(initrd, initrd_size) != 0) {
        fprintf(stderr, "vfs: out of memory building the name space\n");
        return 1;
    }
    printf("vfs: serving / (initrd, %zu files, read-only), /tmp (tmpfs), /dev\n", st.files);

    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    struct atom_msg m = { 0 };
    long r = atom_ipc(ATOM_SYS_IPC_RECV, endpoint, &m, ATOM_TIMEOUT_FOREVER);
    for (;;) {
        struct answer a = { .w = { 0, 0, 0 }, .cap = -1 };
        if (r >= 0)
            serve(&m, &a);
        retry_pending();
        if (r < 0 || a.later) {
            m = (struct atom_msg){ 0 };
            r = atom_ipc(ATOM_SYS_IPC_RECV, endpoint, &m, ATOM_TIMEOUT_FOREVER);
            continue;
        }
        if (a.cap >= 0) {
            ipc->send_caps[0] = (int32_t)a.cap;
            ipc->send_move = 1;
        }
        m = (struct atom_msg){ .info = ATOM_MSG_INFO(0, 3, a.cap >= 0 ? 1 : 0),
                               .w = { (uint64_t)a.w[0], (uint64_t)a.w[1], (uint64_t)a.w[2] } };
        r = atom_ipc(ATOM_SYS_IPC_REPLY_RECV, endpoint, &m, ATOM_TIMEOUT_FOREVER);
    }
}
