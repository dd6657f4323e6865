/* Atom system-call numbers and calling convention: the one definition,
 * shared by the kernel and the C library (installed into the sysroot as
 * <atom/syscall.h>).
 *
 * Convention (x86_64): the `syscall` instruction with the number in rax
 * and arguments in rdi, rsi, rdx, r10, r8, r9; the result comes back in
 * rax: a value >= 0 on success, or a negated ATOM_E* error (<atom/errors.h>).
 * rcx and r11 are clobbered; every other register is preserved. */
#ifndef ATOM_SYSCALL_H
#define ATOM_SYSCALL_H

#define ATOM_SYS_EXIT         0  /* (int status): ends the calling process */
#define ATOM_SYS_DEBUG_WRITE  1  /* (const char *buf, size_t len): to the kernel log */
#define ATOM_SYS_YIELD        2  /* (): gives up the rest of the time slice */
#define ATOM_SYS_SLEEP_NS     3  /* (uint64_t ns): sleeps at least ns */
#define ATOM_SYS_CLOCK_NS     4  /* (uint64_t *out): monotonic nanoseconds */
#define ATOM_SYS_GETPID       5  /* (): the process ID */
#define ATOM_SYS_COUNT        6

/* Largest single ATOM_SYS_DEBUG_WRITE. */
#define ATOM_DEBUG_WRITE_MAX 4096

#endif
