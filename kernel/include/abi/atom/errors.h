/* Atom error numbers returned by system calls (negated), shared by the
 * kernel and the C library.  The values follow the common POSIX numbering
 * so the C library can pass them through as errno. */
#ifndef ATOM_ERRORS_H
#define ATOM_ERRORS_H

#define ATOM_EPERM   1   /* a capability lacks a right; not permitted */
#define ATOM_ENOENT  2   /* no such object */
#define ATOM_EINTR   4   /* interrupted */
#define ATOM_EIO     5   /* I/O error */
#define ATOM_E2BIG   7   /* argument list or message too long */
#define ATOM_ENOEXEC 8   /* not a valid executable */
#define ATOM_EBADF   9   /* handle names no capability */
#define ATOM_EAGAIN  11  /* would block, and the call may not */
#define ATOM_ENOMEM  12  /* out of memory */
#define ATOM_EFAULT  14  /* bad address */
#define ATOM_EBUSY   16  /* busy, or already in that state */
#define ATOM_EEXIST  17  /* something is already there (a mapping) */
#define ATOM_EINVAL  22  /* invalid argument, or the wrong object type */
#define ATOM_ENOSPC  28  /* a capability table is full */
#define ATOM_EPIPE   32  /* the other side is gone (reply dropped, server died) */
#define ATOM_ERANGE  34  /* out of range */
#define ATOM_ENOSYS  38  /* no such system call */
#define ATOM_ENOTSUP 95  /* not supported by this machine */
#define ATOM_ETIMEDOUT 110 /* timed out */

#endif
