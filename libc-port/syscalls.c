/*
 * System-call layer under newlib.
 *
 * The kernel offers few system calls so far (<atom/syscall.h>): exit,
 * debug output, yield, sleep, a clock and the process ID.  write() to
 * standard output or error, _exit(), getpid() and isatty() use them; the
 * rest fail with errno = ENOSYS until the servers behind them exist (files,
 * processes), except:
 *
 *  - sbrk hands out a fixed heap reserved in .bss, so malloc works, until
 *    the memory system calls arrive.
 *
 * newlib for x86_64-elf is built with MISSING_SYSCALL_NAMES: its reentrant
 * wrappers (_read_r, ...) call the plain POSIX names defined here, and
 * programs may call them directly as well.  Both paths need to see the
 * error, so fail() stores it in the caller-visible errno of the current
 * reentrancy structure and in the global int errno the wrappers copy from.
 *
 * All definitions are weak so that a program can supply its own, e.g. a
 * write() that talks to a debug device while bringing up a port.
 */
#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atom_syscall.h"

/* newlib's _r wrappers read this global, not the errno macro. */
#undef errno
extern int errno;

#define ATOM_WEAK __attribute__((weak))

/* Size of the static sbrk heap: 1 MiB of .bss, mapped by the loader. */
#define HEAP_SIZE (1024 * 1024)

static unsigned char heap[HEAP_SIZE] __attribute__((aligned(16)));
static size_t heap_used;

static int fail(int error)
{
	errno = error;
	_REENT->_errno = error;
	return -1;
}

ATOM_WEAK void *sbrk(ptrdiff_t increment)
{
	size_t old = heap_used;

	if (increment >= 0) {
		if ((size_t)increment > HEAP_SIZE - old) {
			fail(ENOMEM);
			return (void *)-1;
		}
		heap_used = old + (size_t)increment;
	} else {
		/* Negate in size_t so PTRDIFF_MIN does not overflow. */
		size_t shrink = (size_t)0 - (size_t)increment;

		if (shrink > old) {
			fail(ENOMEM);
			return (void *)-1;
		}
		heap_used = old - shrink;
	}
	return heap + old;
}

ATOM_WEAK void _exit(int status)
{
	for (;;)
		atom_syscall1(ATOM_SYS_EXIT, status);
}

ATOM_WEAK _READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t count)
{
	(void)fd;
	(void)buf;
	(void)count;
	return fail(ENOSYS);
}

/* Until there is a console server, standard output and error go to the
 * kernel log through the debug-write system call. */
ATOM_WEAK _READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t count)
{
	if (fd != 1 && fd != 2)
		return fail(EBADF);
	size_t done = 0;
	while (done < count) {
		size_t chunk = count - done;
		if (chunk > ATOM_DEBUG_WRITE_MAX)
			chunk = ATOM_DEBUG_WRITE_MAX;
		long r = atom_syscall3(ATOM_SYS_DEBUG_WRITE,
				       (long)((const char *)buf + done), (long)chunk, 0);
		if (r < 0)
			return done ? (_READ_WRITE_RETURN_TYPE)done : fail((int)-r);
		done += (size_t)r;
	}
	return (_READ_WRITE_RETURN_TYPE)done;
}

ATOM_WEAK int open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	return fail(ENOSYS);
}

ATOM_WEAK int close(int fd)
{
	(void)fd;
	return fail(ENOSYS);
}

ATOM_WEAK off_t lseek(int fd, off_t offset, int whence)
{
	(void)fd;
	(void)offset;
	(void)whence;
	return fail(ENOSYS);
}

ATOM_WEAK int fcntl(int fd, int cmd, ...)
{
	(void)fd;
	(void)cmd;
	return fail(ENOSYS);
}

ATOM_WEAK int fstat(int fd, struct stat *st)
{
	(void)fd;
	(void)st;
	return fail(ENOSYS);
}

ATOM_WEAK int stat(const char *restrict path, struct stat *restrict st)
{
	(void)path;
	(void)st;
	return fail(ENOSYS);
}

/* isatty reports "no" with errno set; -1 would read as true. */
/* Standard output and error are the console: line-buffered, as on a
 * terminal. */
ATOM_WEAK int isatty(int fd)
{
	if (fd == 1 || fd == 2)
		return 1;
	fail(EBADF);
	return 0;
}

ATOM_WEAK int link(const char *existing, const char *new_path)
{
	(void)existing;
	(void)new_path;
	return fail(ENOSYS);
}

ATOM_WEAK int unlink(const char *path)
{
	(void)path;
	return fail(ENOSYS);
}

ATOM_WEAK int mkdir(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	return fail(ENOSYS);
}

ATOM_WEAK pid_t getpid(void)
{
	return (pid_t)atom_syscall0(ATOM_SYS_GETPID);
}

ATOM_WEAK int kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return fail(ENOSYS);
}

ATOM_WEAK pid_t fork(void)
{
	return fail(ENOSYS);
}

ATOM_WEAK int execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return fail(ENOSYS);
}

ATOM_WEAK pid_t wait(int *status)
{
	(void)status;
	return fail(ENOSYS);
}

ATOM_WEAK int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tv;
	(void)tz;
	return fail(ENOSYS);
}

ATOM_WEAK clock_t times(struct tms *buf)
{
	(void)buf;
	return (clock_t)fail(ENOSYS);
}

ATOM_WEAK int getentropy(void *buf, size_t length)
{
	(void)buf;
	(void)length;
	return fail(ENOSYS);
}
