/*
 * System-call layer under newlib: the calls the kernel answers itself.
 *
 * _exit(), getpid() and sbrk() use the kernel's system calls
 * (<atom/syscall.h>) directly: sbrk maps memory objects as the heap grows
 * (up to 4 GiB), so malloc works.  The rest of the layer talks to servers:
 * files and descriptors to the VFS (file.c, dir.c), processes to the
 * process server (process.c); clocks are in time.c and signals in
 * signal.c.
 *
 * newlib for x86_64-elf is built with MISSING_SYSCALL_NAMES: its reentrant
 * wrappers (_read_r, ...) call the plain POSIX names defined here, and
 * programs may call them directly as well.  Both paths need to see the
 * error, so atom_fail() stores it in the caller-visible errno of the
 * current reentrancy structure and in the global int errno the wrappers
 * copy from.
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

#include "libc_internal.h"

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

ATOM_WEAK void *sbrk(ptrdiff_t increment)
{
	uint64_t old = heap_break, new_break;

	if (increment >= 0) {
		if ((uint64_t)increment > HEAP_LIMIT - old) {
			atom_fail(ENOMEM);
			return (void *)-1;
		}
		new_break = old + (uint64_t)increment;
		int err = heap_map(new_break);
		if (err) {
			atom_fail(err);
			return (void *)-1;
		}
	} else {
		/* Negate in uint64_t so PTRDIFF_MIN does not overflow. */
		uint64_t shrink = (uint64_t)0 - (uint64_t)increment;

		if (shrink > old) {
			atom_fail(ENOMEM);
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

ATOM_WEAK pid_t getpid(void)
{
	return (pid_t)atom_syscall0(ATOM_SYS_GETPID);
}

/* Random bytes from /dev/random. */
ATOM_WEAK int getentropy(void *buf, size_t length)
{
	if (length > 256)
		return atom_fail(EIO);
	int fd = open("/dev/random", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, length);
	close(fd);
	return r == (ssize_t)length ? 0 : atom_fail(EIO);
}

/* Here rather than in time.c, whose start-time constructor would then run
 * in every program that uses signals. */
uint64_t atom_clock_ns(unsigned clock)
{
	uint64_t t = 0;
	atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&t, (long)clock, 0);
	return t;
}
