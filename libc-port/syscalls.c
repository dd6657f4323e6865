/*
 * System-call layer under newlib.
 *
 * _exit(), getpid(), isatty() and sbrk() use the kernel's system calls
 * (<atom/syscall.h>) directly: sbrk maps memory objects as the heap grows
 * (up to 4 GiB), so malloc works.  write() to standard output or error
 * goes to the kernel log through debug-write until a console server
 * exists.  The calls that the file and process servers will answer fail
 * with errno = ENOSYS until those servers exist.
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

#include <atom/memory.h>

#include "atom_syscall.h"

/* newlib's _r wrappers read this global, not the errno macro. */
#undef errno
extern int errno;

#define ATOM_WEAK __attribute__((weak))

/* The heap: from HEAP_BASE up, far from the program, the stacks and the
 * IPC buffers.  sbrk maps fresh memory objects (zeroed pages) as the break
 * passes the end of what is mapped, at least HEAP_GROW_PAGES at a time; a
 * shrinking break keeps its pages for the next growth. */
#define HEAP_BASE       0x0000100000000000ull
#define HEAP_LIMIT      (1ull << 32)            /* 4 GiB of address space */
#define HEAP_GROW_PAGES 16ull
#define PAGE_SIZE       4096ull

static uint64_t heap_break, heap_mapped; /* offsets from HEAP_BASE */

static int heap_map(uint64_t end)
{
	while (heap_mapped < end) {
		uint64_t pages = (end - heap_mapped + PAGE_SIZE - 1) / PAGE_SIZE;
		if (pages < HEAP_GROW_PAGES)
			pages = HEAP_GROW_PAGES;
		if (pages > ATOM_MEM_MAX_PAGES)
			pages = ATOM_MEM_MAX_PAGES;
		if (pages > (HEAP_LIMIT - heap_mapped) / PAGE_SIZE)
			pages = (HEAP_LIMIT - heap_mapped) / PAGE_SIZE;
		long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, (long)pages, 0, 0);
		if (mem < 0)
			return ENOMEM;
		long r = atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem, (long)(HEAP_BASE + heap_mapped), 0,
				       (long)pages, ATOM_PROT_READ | ATOM_PROT_WRITE);
		atom_syscall1(ATOM_SYS_CAP_DELETE, mem); /* the mapping keeps it */
		if (r < 0)
			return ENOMEM;
		heap_mapped += pages * PAGE_SIZE;
	}
	return 0;
}

static int fail(int error)
{
	errno = error;
	_REENT->_errno = error;
	return -1;
}

ATOM_WEAK void *sbrk(ptrdiff_t increment)
{
	uint64_t old = heap_break, new_break;

	if (increment >= 0) {
		if ((uint64_t)increment > HEAP_LIMIT - old) {
			fail(ENOMEM);
			return (void *)-1;
		}
		new_break = old + (uint64_t)increment;
		int err = heap_map(new_break);
		if (err) {
			fail(err);
			return (void *)-1;
		}
	} else {
		/* Negate in uint64_t so PTRDIFF_MIN does not overflow. */
		uint64_t shrink = (uint64_t)0 - (uint64_t)increment;

		if (shrink > old) {
			fail(ENOMEM);
			return (void *)-1;
		}
		new_break = old - shrink;
	}
	heap_break = new_break;
	return (void *)(uintptr_t)(HEAP_BASE + old);
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
