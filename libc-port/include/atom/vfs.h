/* The file-server protocol (<atom/vfs.h>): what the C library, init and
 * the VFS server (userland/vfs/) say to each other.  docs/abi.md, "The
 * file server", explains it; this header is the one definition.
 *
 * Every process holds one capability to the VFS endpoint, badged with its
 * process ID: its session.  The server keeps, per session, the current
 * directory and the file-descriptor table (an fd names an open file
 * description, shared after dup() and across posix_spawn(), as POSIX
 * says), so a descriptor is the session capability plus a number.
 *
 * Bulk data never travels in message words: each session shares a
 * VFS_BUFFER_SIZE memory object with the server (VFS_ATTACH), and paths,
 * file data, stat results and directory entries are read from and written
 * to it.  A call's words say how much.  Replies: label 0, w0 = the result
 * (>= 0) or a negated errno value (the C library's numbering).
 *
 * Calls on an unbadged capability come from init (it alone holds one):
 * VFS_SPAWN and VFS_EXIT tell the server about births and deaths. */
#ifndef ATOM_VFS_H
#define ATOM_VFS_H

#include <stdint.h>

#define VFS_BUFFER_PAGES 16
#define VFS_BUFFER_SIZE  (VFS_BUFFER_PAGES * 4096u)
#define VFS_PATH_MAX     1024   /* bytes of a path, its NUL included */
#define VFS_NAME_MAX     255    /* bytes of one path component */

/* Message labels.  "buf" is the session's shared buffer. */
enum vfs_label {
    VFS_ATTACH = 1,  /* cap 0: the buffer (memory, READ|WRITE|MAP); makes the
                        session if the server has none (after a restart):
                        cwd "/", fds 0-2 on /dev/console */
    VFS_OPEN,        /* buf: path; w0 flags (O_*), w1 mode -> fd */
    VFS_CLOSE,       /* w0 fd */
    VFS_READ,        /* w0 fd, w1 count (<= VFS_BUFFER_SIZE), w2 VFS_IO_* flags
                        -> bytes, in buf */
    VFS_WRITE,       /* w0 fd, w1 count, w2 VFS_IO_* flags; data in buf ->
                        bytes written */
    VFS_SEEK,        /* w0 fd, w1 offset, w2 whence -> new offset */
    VFS_FSTAT,       /* w0 fd -> 0; buf: struct vfs_stat */
    VFS_STAT,        /* buf: path -> 0; buf: struct vfs_stat */
    VFS_UNLINK,      /* buf: path */
    VFS_MKDIR,       /* buf: path; w0 mode */
    VFS_RMDIR,       /* buf: path */
    VFS_RENAME,      /* buf: old path NUL new path NUL */
    VFS_LINK,        /* buf: existing path NUL new path NUL */
    VFS_CHDIR,       /* buf: path */
    VFS_GETCWD,      /* -> length (without NUL); buf: the path, NUL-terminated */
    VFS_READDIR,     /* w0 fd, w1 most entries -> entries read (0 at the end);
                        buf: struct vfs_dirent[] */
    VFS_DUP,         /* w0 fd, w1 lowest new fd -> new fd (FD_CLOEXEC clear) */
    VFS_DUP2,        /* w0 fd, w1 new fd -> new fd */
    VFS_FCNTL,       /* w0 fd, w1 command (F_GETFD/F_SETFD/F_GETFL/F_SETFL), w2 arg */
    VFS_PIPE,        /* -> 0; w1 read fd, w2 write fd */
    VFS_FTRUNCATE,   /* w0 fd, w1 length */
    VFS_ISATTY,      /* w0 fd -> VFS_TTY_CONSOLE (/dev/console, the kernel
                        log) or VFS_TTY_TERMINAL + a console-server
                        terminal (<atom/console.h>); -ENOTTY, -EBADF */
    VFS_SPAWN = 100, /* init only.  w0 parent pid, w1 child pid; cap 0: the
                        spawn request (<atom/spawn_msg.h>) -> program size;
                        cap 0 of the reply: a memory object holding the
                        program file, resolved in the parent's directory.
                        The child's session starts with the parent's cwd
                        and descriptors, then the request's file actions
                        apply, then FD_CLOEXEC descriptors close. */
    VFS_EXIT,        /* init only.  w0 pid: the process has ended; its
                        session and descriptors go */
    VFS_INTERRUPT,   /* init only.  w0 pid: a signal came; a read or write
                        it is waiting in answers -EINTR (nothing moved) */
};

/* VFS_READ and VFS_WRITE flags. */
#define VFS_IO_NOWAIT 1u  /* fail with EAGAIN rather than wait, as O_NONBLOCK */

/* VFS_ISATTY's answers. */
#define VFS_TTY_CONSOLE  1
#define VFS_TTY_TERMINAL 0x100

/* What VFS_STAT and VFS_FSTAT return.  mode: S_IF* | permission bits. */
struct vfs_stat {
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;     /* 512-byte blocks in use */
    uint32_t mode;
    uint32_t nlink;
    uint32_t dev;        /* which file system (mount) */
    uint32_t rdev;       /* a device node's number */
    int64_t atime_ns, mtime_ns, ctime_ns; /* since 1970, UTC */
    uint32_t blksize;
    uint32_t reserved;
};

_Static_assert(sizeof(struct vfs_stat) == 72, "vfs_stat layout");

/* Entry types (the values of BSD and Linux DT_*). */
#define VFS_DT_UNKNOWN 0
#define VFS_DT_CHR     2
#define VFS_DT_DIR     4
#define VFS_DT_REG     8
#define VFS_DT_FIFO    1

/* One entry of VFS_READDIR; "." and ".." come first. */
struct vfs_dirent {
    uint64_t ino;
    uint32_t type;       /* VFS_DT_* */
    uint32_t name_len;
    char name[VFS_NAME_MAX + 1];  /* NUL-terminated */
};

_Static_assert(sizeof(struct vfs_dirent) == 272, "vfs_dirent layout");

#endif
