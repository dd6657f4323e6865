/*
 * console.c: terminals, through the console server (<atom/console.h>).
 *
 * A descriptor the VFS calls a console-server terminal (/dev/tty0,
 * /dev/ttyS0) is read and written here, straight at the console server,
 * which applies the terminal's line discipline.  Data travels inline in
 * the message words.  A read the server keeps waiting is answered
 * -EINTR after a signal character and once a second, so that handlers of
 * signals that arrived meanwhile run here; if none ran, or all asked for
 * SA_RESTART, the read simply starts again.  When the console server is
 * gone, writes go to the kernel log instead, so no output is lost.
 */
#include <errno.h>

#include <atom/console.h>

#include "libc_internal.h"

long atom_terminal_call(unsigned label, unsigned term, const uint64_t *words, unsigned nwords,
                        struct atom_msg *reply)
{
    long h = atom_console_handle();
    if (h < 0)
        return -ENOTTY;
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    struct atom_msg m = { .info = ATOM_MSG_INFO(label, 1 + nwords, 0), .w = { term } };
    for (unsigned i = 0; i < nwords; i++) {
        if (i + 1 < ATOM_IPC_REG_WORDS)
            m.w[i + 1] = words[i];
        else
            ipc->words[i + 1] = words[i];
    }
    long r = atom_ipc(ATOM_SYS_IPC_CALL, h, &m, ATOM_TIMEOUT_FOREVER);
    if (r < 0)
        return -EIO;
    if (reply)
        *reply = m;
    return (long)m.w[0];
}

long atom_terminal_read(unsigned term, void *buf, size_t count)
{
    long h = atom_console_handle();
    if (h < 0)
        return -ENOTTY;
    if (count == 0)
        return 0;
    size_t max = count < CONSOLE_INLINE_MAX ? count : CONSOLE_INLINE_MAX;
    for (;;) {
        struct atom_msg m = { .info = ATOM_MSG_INFO(CONSOLE_READ, 3, 0), .w = { term, max, 0 } };
        long r = atom_ipc(ATOM_SYS_IPC_CALL, h, &m, ATOM_TIMEOUT_FOREVER);
        if (r < 0)
            return -EIO;
        long n = (long)m.w[0];
        if (n == -EINTR && !atom_signal_interrupted())
            continue;
        if (n < 0)
            return n;
        if ((size_t)n > max)
            return -EIO;
        atom_msg_get_bytes(&m, atom_ipc_buffer(), 1, buf, (size_t)n);
        return n;
    }
}

static long kernel_log(const char *s, size_t n)
{
    long r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)s, (long)n, 0);
    return r < 0 ? -EIO : r;
}

long atom_terminal_write(unsigned term, const void *buf, size_t count)
{
    long h = atom_console_handle();
    const char *s = buf;
    size_t done = 0;
    while (done < count) {
        size_t n = count - done < CONSOLE_WRITE_MAX ? count - done : CONSOLE_WRITE_MAX;
        long r;
        if (h < 0) {
            r = kernel_log(s + done, n);
        } else {
            struct atom_ipc_buffer *ipc = atom_ipc_buffer();
            struct atom_msg m = { .w = { term, n } };
            atom_msg_put_bytes(&m, ipc, 2, s + done, n);
            m.info = ATOM_MSG_INFO(CONSOLE_WRITE, 2 + (n + 7) / 8, 0);
            r = atom_ipc(ATOM_SYS_IPC_CALL, h, &m, ATOM_TIMEOUT_FOREVER);
            r = r < 0 ? kernel_log(s + done, n) : (long)m.w[0];
        }
        if (r < 0)
            return done ? (long)done : r;
        if ((size_t)r > n)
            return -EIO;
        done += (size_t)r;
    }
    return (long)done;
}
