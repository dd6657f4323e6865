/*
 * session.c: the C library's connections to the servers.
 *
 * A program started by init finds, in its auxiliary vector
 * (<atom/startup.h>), the handles of its process-server capability, its
 * VFS session and its console-server capability (console.c uses that).  The first file call maps a VFS_BUFFER_SIZE buffer
 * and attaches it to the session; paths and data travel through it.
 *
 * Robustness: when the VFS dies in the middle of a call the kernel ends
 * the call with EPIPE, which the caller sees as EIO.  The restarted
 * server knows no sessions and answers ESTALE, upon which the buffer is
 * attached again (the server then starts a fresh session) and the call
 * is retried once, so a program recovers by simply trying again; its old
 * descriptors are gone (EBADF).
 */
#include <errno.h>
#include <reent.h>
#include <stddef.h>

#include <atom/memory.h>
#include <atom/startup.h>
#include <atom/vfs.h>

#include "libc_internal.h"

#undef errno
extern int errno;

/* crt0.S */
extern uint64_t *__atom_auxv;

/* Where the buffer lives: away from the heap (HEAP_BASE) and stacks. */
#define VFS_BUFFER_VA 0x0000110000000000ull

static bool auxv_read;
static long proc_handle = -1, vfs_handle = -1, console_handle = -1;
static long buffer_mem = -1;    /* the buffer's memory object */
static bool attached;

int atom_fail(int error)
{
    errno = error;
    _REENT->_errno = error;
    return -1;
}

/* Every server call's wrapper ends here, so it is also where handlers
 * of signals that have arrived run (signal.c). */
long atom_result(long result)
{
    long r = result < 0 ? atom_fail((int)-result) : result;
    atom_signal_point();
    return r;
}

static void read_auxv(void)
{
    if (auxv_read)
        return;
    auxv_read = true;
    for (uint64_t *a = __atom_auxv; a && a[0] != 0; a += 2) {
        if (a[0] == AT_ATOM_PROC)
            proc_handle = (long)a[1];
        else if (a[0] == AT_ATOM_VFS)
            vfs_handle = (long)a[1];
        else if (a[0] == AT_ATOM_CONSOLE)
            console_handle = (long)a[1];
    }
}

long atom_console_handle(void)
{
    read_auxv();
    return console_handle;
}

void *atom_vfs_buffer(void)
{
    read_auxv();
    if (vfs_handle < 0)
        return NULL;
    if (buffer_mem < 0) {
        long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, VFS_BUFFER_PAGES, 0, 0);
        if (mem < 0)
            return NULL;
        if (atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem, (long)VFS_BUFFER_VA, 0, VFS_BUFFER_PAGES,
                          ATOM_PROT_READ | ATOM_PROT_WRITE) < 0) {
            atom_syscall1(ATOM_SYS_CAP_DELETE, mem);
            return NULL;
        }
        buffer_mem = mem;
    }
    return (void *)(uintptr_t)VFS_BUFFER_VA;
}

/* One call; kernel errors become errno values (EPIPE: the server died). */
static long call(long handle, unsigned label, const uint64_t w[3], long cap, struct atom_msg *m)
{
    struct atom_ipc_buffer *ipc = NULL;
    if (cap >= 0) {
        ipc = atom_ipc_buffer();
        ipc->send_caps[0] = (int32_t)cap;
        ipc->send_move = 0;
    }
    *m = (struct atom_msg){ .info = ATOM_MSG_INFO(label, 3, cap >= 0 ? 1 : 0),
                            .w = { w[0], w[1], w[2], 0 } };
    long r = atom_ipc(ATOM_SYS_IPC_CALL, handle, m, ATOM_TIMEOUT_FOREVER);
    if (r == -ATOM_EPIPE)
        return -EIO;
    if (r < 0)
        return -r == ATOM_ENOMEM ? -ENOMEM : -EIO;
    return (long)m->w[0];
}

static long attach(void)
{
    struct atom_msg m;
    const uint64_t w[3] = { 0, 0, 0 };
    if (!atom_vfs_buffer())
        return -ENOMEM;
    long r = call(vfs_handle, VFS_ATTACH, w, buffer_mem, &m);
    attached = r == 0;
    return r;
}

long atom_vfs_call(unsigned label, uint64_t w0, uint64_t w1, uint64_t w2, struct atom_msg *reply)
{
    struct atom_msg m;
    const uint64_t w[3] = { w0, w1, w2 };
    read_auxv();
    if (vfs_handle < 0)
        return -ENOSYS;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!attached) {
            long r = attach();
            if (r < 0)
                return r;
        }
        long r = call(vfs_handle, label, w, -1, &m);
        if (r == -ESTALE || r == -EIO) {
            /* A restarted server: attach again; retry only a call it
               never saw. */
            attached = false;
            if (r == -EIO)
                return r;
            continue;
        }
        if (reply)
            *reply = m;
        return r;
    }
    return -EIO;
}

long atom_proc_call(unsigned label, uint64_t w0, uint64_t w1, long cap, struct atom_msg *reply)
{
    struct atom_msg m;
    const uint64_t w[3] = { w0, w1, 0 };
    read_auxv();
    if (proc_handle < 0)
        return -ENOSYS;
    long r = call(proc_handle, label, w, cap, &m);
    if (reply)
        *reply = m;
    return r;
}

int atom_vfs_put_path(const char *path, unsigned off)
{
    char *buf = atom_vfs_buffer();
    if (!path)
        return -EFAULT;
    if (!buf)
        return -ENOSYS;
    if (path[0] == '\0')
        return -ENOENT;
    for (unsigned i = 0; i < VFS_PATH_MAX; i++) {
        if (off + i >= VFS_BUFFER_SIZE)
            return -ENAMETOOLONG;
        buf[off + i] = path[i];
        if (path[i] == '\0')
            return (int)i;
    }
    return -ENAMETOOLONG;
}
