/*
 * file.c: files, directories and descriptors over the VFS server.
 *
 * Each call puts its path or data in the session's shared buffer
 * (session.c) and names the rest in message words (<atom/vfs.h>).  Data
 * larger than the buffer moves in buffer-sized pieces: a read asks for
 * further pieces only without waiting (VFS_IO_NOWAIT), so a read of a
 * pipe returns what is there, and a write keeps going until all is
 * written, as a blocking write must.
 *
 * Terminals are the exception: the console server's (/dev/tty0,
 * /dev/ttyS0) are read and written at that server (console.c), and a
 * write to /dev/console goes straight to the kernel log, which prefixes
 * each line with the program's name.  Programs the kernel starts
 * directly have no VFS; for them descriptors 1 and 2 are the kernel log
 * and every other file call fails with ENOSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atom/console.h>
#include <atom/vfs.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))
#define MAX_FDS 64

/* Per descriptor: enum atom_fd_kind (+ the terminal). */
static unsigned char fd_kinds[MAX_FDS];

void atom_fd_forget(int fd)
{
	if (fd >= 0 && fd < MAX_FDS)
		fd_kinds[fd] = ATOM_FD_UNKNOWN;
}

int atom_fd_kind(int fd)
{
	if (fd < 0 || fd >= MAX_FDS)
		return ATOM_FD_OTHER;
	if (fd_kinds[fd] == ATOM_FD_UNKNOWN) {
		long r = atom_vfs_call(VFS_ISATTY, (uint64_t)fd, 0, 0, NULL);
		if (r == -ENOSYS)
			return fd == 1 || fd == 2 ? ATOM_FD_KERNEL_LOG : ATOM_FD_OTHER;
		if (r == -EIO)
			return ATOM_FD_OTHER;     /* ask again next time */
		if (r == VFS_TTY_CONSOLE)
			fd_kinds[fd] = ATOM_FD_KERNEL_LOG;
		else if (r >= VFS_TTY_TERMINAL && r < VFS_TTY_TERMINAL + CONSOLE_TERMS)
			fd_kinds[fd] = (unsigned char)(ATOM_FD_TERMINAL + (r - VFS_TTY_TERMINAL));
		else
			fd_kinds[fd] = ATOM_FD_OTHER;
	}
	return fd_kinds[fd];
}

static long kernel_log_write(const void *buf, size_t count)
{
	size_t done = 0;
	while (done < count) {
		size_t chunk = count - done;
		if (chunk > ATOM_DEBUG_WRITE_MAX)
			chunk = ATOM_DEBUG_WRITE_MAX;
		long r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)((const char *)buf + done),
				       (long)chunk, 0);
		if (r < 0)
			return done ? (long)done : (r == -ATOM_EFAULT ? -EFAULT : -EIO);
		done += (size_t)r;
	}
	return (long)done;
}

/* A call whose only argument is a path. */
static int path_call(unsigned label, const char *path, uint64_t w0)
{
	int r = atom_vfs_put_path(path, 0);
	if (r < 0)
		return atom_fail(-r);
	return (int)atom_result(atom_vfs_call(label, w0, 0, 0, NULL));
}

/* A call with two paths, one after the other in the buffer. */
static int two_path_call(unsigned label, const char *a, const char *b)
{
	int len = atom_vfs_put_path(a, 0);
	if (len < 0)
		return atom_fail(-len);
	int r = atom_vfs_put_path(b, (unsigned)len + 1);
	if (r < 0)
		return atom_fail(-r);
	return (int)atom_result(atom_vfs_call(label, 0, 0, 0, NULL));
}

ATOM_WEAK int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	int r = atom_vfs_put_path(path, 0);
	if (r < 0)
		return atom_fail(-r);
	long fd = atom_vfs_call(VFS_OPEN, (uint64_t)(unsigned)flags, mode, 0, NULL);
	atom_fd_forget((int)fd);
	return (int)atom_result(fd);
}

ATOM_WEAK int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

ATOM_WEAK int close(int fd)
{
	long r = atom_vfs_call(VFS_CLOSE, (uint64_t)fd, 0, 0, NULL);
	atom_fd_forget(fd);
	return (int)atom_result(r);
}

ATOM_WEAK _READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t count)
{
	const char *shared = atom_vfs_buffer();
	size_t done = 0;
	if (!shared)
		return atom_fail(ENOSYS);
	atom_signal_point();
	int kind = atom_fd_kind(fd);
	if (kind >= ATOM_FD_TERMINAL) {
		long r = atom_terminal_read((unsigned)(kind - ATOM_FD_TERMINAL), buf, count);
		atom_signal_point();
		return r < 0 ? atom_fail((int)-r) : (_READ_WRITE_RETURN_TYPE)r;
	}
	do {
		size_t chunk = count - done < VFS_BUFFER_SIZE ? count - done : VFS_BUFFER_SIZE;
		long r = atom_vfs_call(VFS_READ, (uint64_t)fd, chunk, done ? VFS_IO_NOWAIT : 0, NULL);
		if (r == -EINTR && !atom_signal_interrupted())
			continue;  /* the handler said SA_RESTART; nothing was read */
		if (r < 0)
			return done ? (_READ_WRITE_RETURN_TYPE)done : atom_fail((int)-r);
		if ((size_t)r > chunk)
			return atom_fail(EIO);
		memcpy((char *)buf + done, shared, (size_t)r);
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	} while (done < count);
	atom_signal_point();
	return (_READ_WRITE_RETURN_TYPE)done;
}

ATOM_WEAK _READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t count)
{
	int kind = atom_fd_kind(fd);
	if (kind == ATOM_FD_KERNEL_LOG || kind >= ATOM_FD_TERMINAL) {
		long r = kind == ATOM_FD_KERNEL_LOG
			? kernel_log_write(buf, count)
			: atom_terminal_write((unsigned)(kind - ATOM_FD_TERMINAL), buf, count);
		if (r == -EINTR)
			atom_signal_point();
		return r < 0 ? atom_fail((int)-r) : (_READ_WRITE_RETURN_TYPE)r;
	}
	char *shared = atom_vfs_buffer();
	size_t done = 0;
	if (!shared)
		return atom_fail(fd == 1 || fd == 2 ? EIO : EBADF);
	atom_signal_point();
	do {
		size_t chunk = count - done < VFS_BUFFER_SIZE ? count - done : VFS_BUFFER_SIZE;
		memcpy(shared, (const char *)buf + done, chunk);
		long r = atom_vfs_call(VFS_WRITE, (uint64_t)fd, chunk, 0, NULL);
		if (r == -EINTR && !atom_signal_interrupted())
			continue;  /* restart: handlers may have used the buffer, so copy again */
		if (r == -EPIPE && !done)
			raise(SIGPIPE);
		if (r < 0)
			return done ? (_READ_WRITE_RETURN_TYPE)done : atom_fail((int)-r);
		if ((size_t)r > chunk)
			return atom_fail(EIO);
		done += (size_t)r;
	} while (done < count);
	atom_signal_point();
	return (_READ_WRITE_RETURN_TYPE)done;
}

ATOM_WEAK off_t lseek(int fd, off_t offset, int whence)
{
	return (off_t)atom_result(atom_vfs_call(VFS_SEEK, (uint64_t)fd, (uint64_t)offset,
						(uint64_t)whence, NULL));
}

static void stat_from_vfs(struct stat *st, const struct vfs_stat *v)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)v->dev;
	st->st_ino = (ino_t)v->ino;
	st->st_mode = (mode_t)v->mode;
	st->st_nlink = (nlink_t)v->nlink;
	st->st_rdev = (dev_t)v->rdev;
	st->st_size = (off_t)v->size;
	st->st_atim.tv_sec = v->atime_ns / 1000000000;
	st->st_atim.tv_nsec = v->atime_ns % 1000000000;
	st->st_mtim.tv_sec = v->mtime_ns / 1000000000;
	st->st_mtim.tv_nsec = v->mtime_ns % 1000000000;
	st->st_ctim.tv_sec = v->ctime_ns / 1000000000;
	st->st_ctim.tv_nsec = v->ctime_ns % 1000000000;
	st->st_blksize = (blksize_t)v->blksize;
	st->st_blocks = (blkcnt_t)v->blocks;
}

static int stat_reply(long r, struct stat *st)
{
	if (r < 0)
		return atom_fail((int)-r);
	if (!st)
		return atom_fail(EFAULT);
	struct vfs_stat v;
	memcpy(&v, atom_vfs_buffer(), sizeof(v));
	stat_from_vfs(st, &v);
	return 0;
}

ATOM_WEAK int fstat(int fd, struct stat *st)
{
	return stat_reply(atom_vfs_call(VFS_FSTAT, (uint64_t)fd, 0, 0, NULL), st);
}

ATOM_WEAK int stat(const char *restrict path, struct stat *restrict st)
{
	int r = atom_vfs_put_path(path, 0);
	if (r < 0)
		return atom_fail(-r);
	return stat_reply(atom_vfs_call(VFS_STAT, 0, 0, 0, NULL), st);
}

/* There are no symbolic links. */
ATOM_WEAK int lstat(const char *restrict path, struct stat *restrict st)
{
	return stat(path, st);
}

ATOM_WEAK int access(const char *path, int mode)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if ((mode & W_OK) && !(st.st_mode & 0222))
		return atom_fail(EACCES);
	if ((mode & X_OK) && !(st.st_mode & 0111))
		return atom_fail(EACCES);
	return 0;
}

ATOM_WEAK int isatty(int fd)
{
	long r = atom_vfs_call(VFS_ISATTY, (uint64_t)fd, 0, 0, NULL);
	if (r == -ENOSYS) {
		if (fd == 1 || fd == 2)
			return 1;
		r = -EBADF;
	}
	if (r == VFS_TTY_CONSOLE || (r >= VFS_TTY_TERMINAL && r < VFS_TTY_TERMINAL + CONSOLE_TERMS))
		return 1;
	atom_fail(r < 0 ? (int)-r : ENOTTY);
	return 0;
}

ATOM_WEAK int unlink(const char *path)
{
	return path_call(VFS_UNLINK, path, 0);
}

ATOM_WEAK int mkdir(const char *path, mode_t mode)
{
	return path_call(VFS_MKDIR, path, mode);
}

ATOM_WEAK int rmdir(const char *path)
{
	return path_call(VFS_RMDIR, path, 0);
}

ATOM_WEAK int chdir(const char *path)
{
	return path_call(VFS_CHDIR, path, 0);
}

ATOM_WEAK int rename(const char *old_path, const char *new_path)
{
	return two_path_call(VFS_RENAME, old_path, new_path);
}

ATOM_WEAK int link(const char *existing, const char *new_path)
{
	return two_path_call(VFS_LINK, existing, new_path);
}

ATOM_WEAK char *getcwd(char *buf, size_t size)
{
	long r = atom_vfs_call(VFS_GETCWD, 0, 0, 0, NULL);
	if (r < 0) {
		atom_fail((int)-r);
		return NULL;
	}
	if (!buf) {
		/* As glibc and the BSDs do: allocate when given no buffer. */
		size = size ? size : (size_t)r + 1;
		if (!(buf = malloc(size))) {
			atom_fail(ENOMEM);
			return NULL;
		}
	}
	if (size == 0) {
		atom_fail(EINVAL);
		return NULL;
	}
	if ((size_t)r + 1 > size) {
		atom_fail(ERANGE);
		return NULL;
	}
	memcpy(buf, atom_vfs_buffer(), (size_t)r + 1);
	return buf;
}

ATOM_WEAK int pipe(int fds[2])
{
	struct atom_msg m;
	long r = atom_vfs_call(VFS_PIPE, 0, 0, 0, &m);
	if (r < 0)
		return atom_fail((int)-r);
	fds[0] = (int)m.w[1];
	fds[1] = (int)m.w[2];
	atom_fd_forget(fds[0]);
	atom_fd_forget(fds[1]);
	return 0;
}

ATOM_WEAK int dup(int fd)
{
	long r = atom_vfs_call(VFS_DUP, (uint64_t)fd, 0, 0, NULL);
	atom_fd_forget((int)r);
	return (int)atom_result(r);
}

ATOM_WEAK int dup2(int fd, int new_fd)
{
	long r = atom_vfs_call(VFS_DUP2, (uint64_t)fd, (uint64_t)new_fd, 0, NULL);
	atom_fd_forget(new_fd);
	return (int)atom_result(r);
}

ATOM_WEAK int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = cmd == F_GETFD || cmd == F_GETFL ? 0 : va_arg(ap, long);
	va_end(ap);
	long r = atom_vfs_call(VFS_FCNTL, (uint64_t)fd, (uint64_t)cmd, (uint64_t)arg, NULL);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		atom_fd_forget((int)r);
	return (int)atom_result(r);
}

ATOM_WEAK int ftruncate(int fd, off_t length)
{
	return (int)atom_result(atom_vfs_call(VFS_FTRUNCATE, (uint64_t)fd, (uint64_t)length, 0,
					      NULL));
}

ATOM_WEAK int truncate(const char *path, off_t length)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	int r = ftruncate(fd, length);
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

ATOM_WEAK int fsync(int fd)
{
	struct stat st;
	return fstat(fd, &st);   /* nothing is cached on the client side */
}
