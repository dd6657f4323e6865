/* The initial stack of a user program (kernel/proc/user_stack.c).
 *
 * ustack_build() lays out what the System V x86_64 ABI (and our crt0,
 * libc-port/crt0.S) expects at _start, from the stack pointer upwards:
 *
 *   sp ->  argc
 *          argv[0] ... argv[argc - 1], NULL
 *          envp[0] ... NULL
 *          auxv: (type, value) pairs, ..., (AT_NULL, 0)
 *          padding
 *          the argument and environment strings
 *          16 random bytes (AT_RANDOM)    <- ends at stack_top
 *
 * It writes into a kernel buffer that stands for the top of the user
 * stack: buf[buf_size - 1] is the byte at user address stack_top - 1, and
 * every pointer stored is a user address.  sp is 16-byte aligned. */
#ifndef KERNEL_USER_STACK_H
#define KERNEL_USER_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Auxiliary vector entry types (the standard numbers). */
#define AT_NULL    0
#define AT_IGNORE  1
#define AT_EXECFD  2
#define AT_PHDR    3
#define AT_PHENT   4
#define AT_PHNUM   5
#define AT_PAGESZ  6
#define AT_BASE    7
#define AT_FLAGS   8
#define AT_ENTRY   9
#define AT_UID     11
#define AT_EUID    12
#define AT_GID     13
#define AT_EGID    14
#define AT_HWCAP   16
#define AT_CLKTCK  17
#define AT_SECURE  23
#define AT_RANDOM  25
#define AT_HWCAP2  26
#define AT_EXECFN  31

/* Limits on what a program is started with. */
#define USTACK_MAX_STRINGS  1024         /* argv and envp entries together */
#define USTACK_MAX_STRBYTES (64 * 1024)  /* their bytes, NULs included */
#define USTACK_MAX_AUX      32           /* entries the caller passes */

struct ustack_aux {
    uint64_t type;
    uint64_t value;
};

/* Bytes of stack that ustack_build() needs for these arguments (from sp
 * to stack_top, a multiple of 16), or 0 if they break the limits above.  NULL argv or envp
 * stand for empty lists. */
size_t ustack_size(const char *const *argv, const char *const *envp,
                   size_t naux);

/* Builds the initial stack in buf and returns the user stack pointer in
 * *sp_out.  The caller's aux entries come first, in order (AT_PHDR,
 * AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, ...); the builder appends
 * AT_RANDOM (the user address of random16's copy), AT_EXECFN (argv[0]'s
 * copy, when argc > 0) and AT_NULL, so aux must not contain those three.
 * argv and envp are NULL-terminated arrays; NULL stands for an empty list.
 *
 * Returns E_OK; E_INVAL for a NULL buf, sp_out or random16, aux NULL with
 * naux > 0, naux above USTACK_MAX_AUX, a builder-owned aux type, or a
 * stack_top that is 0, not 16-byte aligned or below buf_size; E_RANGE, after logging the size needed, if
 * the arguments break the limits or do not fit in buf_size bytes.  On
 * error neither buf nor *sp_out is changed. */
int ustack_build(uint8_t *buf, size_t buf_size, uint64_t stack_top,
                 const char *const *argv, const char *const *envp,
                 const struct ustack_aux *aux, size_t naux,
                 const uint8_t random16[16], uint64_t *sp_out);

#endif
