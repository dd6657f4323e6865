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

/* For kill() of our own pid (signal.c): true if sig is blocked, and
 * now pending until sigprocmask() unblocks it. */
bool atom_signal_hold(int sig);

/* Copies a path into the VFS buffer at offset off; -ENAMETOOLONG if it
 * does not fit VFS_PATH_MAX, -EFAULT for NULL, -ENOENT for "". */
int atom_vfs_put_path(const char *path, unsigned off);

#endif
