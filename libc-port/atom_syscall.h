/* Raw Atom system calls for the C library: the `syscall` instruction with
 * the convention of <atom/syscall.h>.  Results are >= 0 or a negated
 * ATOM_E* error, which the POSIX wrappers turn into errno. */
#ifndef LIBC_PORT_ATOM_SYSCALL_H
#define LIBC_PORT_ATOM_SYSCALL_H

#include <atom/errors.h>
#include <atom/syscall.h>

static inline long atom_syscall3(long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long atom_syscall1(long nr, long a0)
{
	return atom_syscall3(nr, a0, 0, 0);
}

static inline long atom_syscall0(long nr)
{
	return atom_syscall3(nr, 0, 0, 0);
}

#endif
