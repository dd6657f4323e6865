/* System calls (kernel/proc/syscall.c): the table behind <atom/syscall.h>. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

/* Runs system call `nr` for the current thread; returns the value for
 * the caller's rax: >= 0, or a negated ATOM_E* error. */
int64_t syscall_invoke(uint64_t nr, const uint64_t args[6]);

/* Kernel error code (E_*) to the ABI's negated ATOM_E* value. */
int64_t syscall_error(int kernel_error);

/* Counters for tests and statistics. */
uint64_t syscall_count(void);

#endif
