/* Shared by the files of the C library's Atom layer (libc-port/), not
 * installed. */
#ifndef LIBC_PORT_INTERNAL_H
#define LIBC_PORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atom_syscall.h"

/* Sets errno (both the global the _r wrappers copy from and the current
 * reentrancy structure's) and returns -1. */
int atom_fail(int error);

/* result >= 0 is returned as is; a negated errno sets errno, gives -1. */
long atom_result(long result);

/* Server calls (session.c).  Each returns the reply's w0 (>= 0 or a
 * negated errno) and leaves the whole reply in *reply if non-NULL.
 * Without the server capability they return -ENOSYS. */
long atom_vfs_call(unsigned label, uint64_t w0, uint64_t w1, uint64_t w2,
                   struct atom_msg *reply);
long atom_proc_call(unsigned label, uint64_t w0, uint64_t w1, long cap,
                    struct atom_msg *reply);

/* The session's shared buffer (<atom/vfs.h>), or NULL without a VFS. */
void *atom_vfs_buffer(void);

/* What descriptor fd is, as far as terminals go (file.c): asked of the
 * VFS once and remembered until the descriptor changes. */
enum atom_fd_kind {
    ATOM_FD_UNKNOWN,      /* not asked yet */
    ATOM_FD_KERNEL_LOG,   /* /dev/console: written through the kernel log */
    ATOM_FD_OTHER,        /* a file, pipe or device of the VFS */
    ATOM_FD_TERMINAL,     /* a console-server terminal, + its number */
};
int atom_fd_kind(int fd);   /* ATOM_FD_*, or ATOM_FD_TERMINAL + term */
void atom_fd_forget(int fd);

/* Terminals of the console server (console.c).  The handle is -1 without
 * one.  The calls return a count or a negated errno. */
long atom_console_handle(void);
long atom_terminal_read(unsigned term, void *buf, size_t count);
long atom_terminal_write(unsigned term, const void *buf, size_t count);
long atom_terminal_call(unsigned label, unsigned term, const uint64_t *words, unsigned nwords,
                        struct atom_msg *reply);

/* Signals (signal.c). */
extern bool atom_signals_live;    /* init may hold signals for us */
/* A delivery point, where a library call ends: runs the signals that
 * are pending and not blocked. */
void atom_signal_point(void);
/* After a call failed with EINTR: runs the pending signals; true if the
 * call should fail with EINTR, false if it should start again (every
 * handler had SA_RESTART, or none ran). */
bool atom_signal_interrupted(void);
/* Waits until a handler has run (-EINTR) or the monotonic clock reaches
 * deadline (0 never), then 0. */
long atom_signal_wait(uint64_t deadline);
/* kill(getpid(), sig): runs or holds it; 1 if init must act (SIGKILL). */
int atom_signal_self(int sig);

/* The time on clock ATOM_CLOCK_* in nanoseconds (syscalls.c). */
uint64_t atom_clock_ns(unsigned clock);

/* Copies a path into the VFS buffer at offset off; -ENAMETOOLONG if it
 * does not fit VFS_PATH_MAX, -EFAULT for NULL, -ENOENT for "". */
int atom_vfs_put_path(const char *path, unsigned off);

#endif
