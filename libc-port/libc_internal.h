/* Shared by the files of the C library's Atom layer (libc-port/), not
 * installed. */
#ifndef LIBC_PORT_INTERNAL_H
#define LIBC_PORT_INTERNAL_H

#include <stdbool.h>
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

/* Whether descriptor fd is the console, which until the console server
 * exists is written through the kernel log (file.c). */
bool atom_fd_is_console(int fd);
void atom_fd_forget(int fd);

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
