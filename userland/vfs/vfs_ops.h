/* The VFS server's logic (vfs_ops.c and the file systems under it), with
 * no IPC in it: vfs_ipc.c decodes each message and calls one function
 * here, and the host unit tests (tests/unit/test_vfs.c) call the same
 * functions directly.
 *
 * The name space is a mount table over three file systems:
 *
 *   /      the initrd, read-only (fs_initrd.c: a tree built once from the
 *          ustar archive, file data pointing into the archive)
 *   /tmp   tmpfs, read-write, in memory (fs_tmpfs.c)
 *   /dev   null, zero, random, console (fs_dev.c)
 *
 * Pipes (pipe.c) are nodes of no file system.
 *
 * Each client process has a session: its current directory and its
 * descriptor table.  A descriptor names an open file description (node,
 * offset, status flags, reference count), which dup() and spawn share.
 *
 * Every function returns a result >= 0 or a negated errno value from
 * <errno.h>, except where it says otherwise.  A read or write that must
 * wait (a pipe without data or room, the descriptor not O_NONBLOCK)
 * returns VFS_BLOCKED and changes nothing: the caller keeps the request
 * and calls again after it has served any other request. */
#ifndef VFS_OPS_H
#define VFS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <atom/spawn_msg.h>
#include <atom/vfs.h>

#define VFS_BLOCKED   (-100000)
#define VFS_MAX_FDS   64       /* descriptors per session: 0 .. 63 */
#define VFS_PIPE_SIZE 65536    /* bytes a pipe holds */
#define VFS_PIPE_BUF  4096     /* writes up to this size are atomic */

struct vfs_session;

/* What the file systems need from the machine (vfs_platform.c on Atom,
 * stand-ins in the unit tests). */
void vfs_platform_console_write(const char *data, size_t len);
void vfs_platform_random(void *buf, size_t len);
int64_t vfs_platform_time_ns(void);   /* wall-clock time, ns since 1970 */

/* Builds the name space: the initrd tree from the archive (checked by the
 * caller with ustar_validate()), an empty /tmp and /dev.  The archive
 * must stay mapped.  Returns 0 or -ENOMEM (-EBUSY if it is built
 * already: call vfs_shutdown() first). */
int vfs_init(const void *initrd, size_t initrd_size);
/* Frees the whole name space, every session and every pipe; for tests. */
void vfs_shutdown(void);

/* Sessions, by process ID (nonzero). */
struct vfs_session *vfs_session_find(uint64_t pid);
/* A new session for pid (which has none): with parent NULL, cwd "/" and
 * descriptors 0, 1 and 2 open on /dev/console (read-write); otherwise the
 * parent's cwd and a copy of its descriptor table sharing the same open
 * file descriptions, without those marked FD_CLOEXEC.  NULL when out of
 * memory or pid already has one. */
struct vfs_session *vfs_session_create(uint64_t pid, const struct vfs_session *parent);
/* Closes every descriptor and frees the session. */
void vfs_session_destroy(struct vfs_session *s);
uint64_t vfs_session_pid(const struct vfs_session *s);

/* The calls of <atom/vfs.h>, one each.  Paths are NUL-terminated, at most
 * VFS_PATH_MAX bytes with the NUL (-ENAMETOOLONG beyond, and for a
 * component longer than VFS_NAME_MAX), absolute or relative to the
 * session's cwd; "." and ".." are resolved (".." of "/" is "/"), repeated
 * slashes are one, a trailing slash requires a directory.  The usual
 * errors: ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, EROFS (any change
 * under the initrd, or under /dev except writing a device), EBADF, EINVAL,
 * EXDEV (rename or link across mounts), EBUSY (removing or renaming a
 * mount point or "/"), EMFILE (no free descriptor), ENOSPC/ENOMEM. */
int vfs_open(struct vfs_session *s, const char *path, int flags, mode_t mode);
int vfs_close(struct vfs_session *s, int fd);
ssize_t vfs_read(struct vfs_session *s, int fd, void *buf, size_t count);
ssize_t vfs_write(struct vfs_session *s, int fd, const void *buf, size_t count);
off_t vfs_seek(struct vfs_session *s, int fd, off_t offset, int whence);
int vfs_fstat(struct vfs_session *s, int fd, struct vfs_stat *st);
int vfs_stat(struct vfs_session *s, const char *path, struct vfs_stat *st);
int vfs_unlink(struct vfs_session *s, const char *path);
int vfs_mkdir(struct vfs_session *s, const char *path, mode_t mode);
int vfs_rmdir(struct vfs_session *s, const char *path);
int vfs_rename(struct vfs_session *s, const char *old_path, const char *new_path);
int vfs_link(struct vfs_session *s, const char *existing, const char *new_path);
int vfs_chdir(struct vfs_session *s, const char *path);
/* Writes the cwd and its NUL into buf; returns its length without the NUL,
 * or -ERANGE if size is too small. */
int vfs_getcwd(struct vfs_session *s, char *buf, size_t size);
/* Reads up to max entries from the directory's position on, advancing
 * it; returns how many (0 at the end).  ENOTDIR for a non-directory. */
int vfs_readdir(struct vfs_session *s, int fd, struct vfs_dirent *out, size_t max);
int vfs_dup(struct vfs_session *s, int fd, int lowest);
int vfs_dup2(struct vfs_session *s, int fd, int new_fd);
/* F_GETFD, F_SETFD (FD_CLOEXEC), F_GETFL (access mode and O_APPEND,
 * O_NONBLOCK), F_SETFL (O_APPEND and O_NONBLOCK only), F_DUPFD. */
int vfs_fcntl(struct vfs_session *s, int fd, int cmd, long arg);
int vfs_pipe(struct vfs_session *s, int fds[2]);
int vfs_ftruncate(struct vfs_session *s, int fd, off_t length);
/* 1 if fd is the console, -ENOTTY for another file, -EBADF. */
int vfs_isatty(struct vfs_session *s, int fd);

/* For VFS_SPAWN: the child's session, made from the parent's (NULL: a
 * session as vfs_session_create(pid, NULL) makes) with the request's file
 * actions applied in order, and the program file found in the parent's
 * cwd: a regular file (EACCES if not; ENOENT, ENOTDIR...).  As in
 * POSIX, descriptors marked FD_CLOEXEC go after the actions, as exec
 * would close them (so an action may still dup2 one), and a close action
 * on a descriptor that is not open is no error (only one out of range:
 * EBADF).  On success *data and *size give the file's bytes (valid until
 * the file changes) and the child's session exists; on error no session
 * is left behind (a file an OPEN action created stays, as with
 * posix_spawn); EEXIST if child_pid has a session already. */
int vfs_spawn(struct vfs_session *parent, uint64_t child_pid, const struct spawn_msg *msg,
              const void **data, size_t *size);

#endif
