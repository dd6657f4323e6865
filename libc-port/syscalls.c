/*
 * System-call layer under newlib: placeholders until the kernel ABI lands.
 *
 * Atom has no user system calls yet.  The kernel ABI (a later issue)
 * replaces every function in this file; until then each call fails with
 * errno = ENOSYS, with two exceptions:
 *
 *  - sbrk hands out a fixed heap reserved in .bss, so malloc works;
 *  - _exit cannot tell anybody, so it executes ud2: the invalid-opcode
 *    fault ends the program wherever user faults are handled, and the
 *    exit status is left in %edi for a fault report to show.
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
		__asm__ volatile("ud2" : : "D"(status));
}

ATOM_WEAK _READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t count)
{
	(void)fd;
	(void)buf;
	(void)count;
	return fail(ENOSYS);
}

ATOM_WEAK _READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t count)
{
	(void)fd;
	(void)buf;
	(void)count;
	return fail(ENOSYS);
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
ATOM_WEAK int isatty(int fd)
{
	(void)fd;
	fail(ENOSYS);
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
	return fail(ENOSYS);
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
