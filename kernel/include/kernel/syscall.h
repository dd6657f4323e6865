/* System calls (kernel/proc/syscall.c): the table behind <atom/syscall.h>.
 *
 * Every handler receives the caller's argument registers by their ABI
 * role.  The IPC calls also read the timeout and overwrite the argument
 * registers with the message they receive; whatever a handler leaves in
 * arg[] goes back to user space. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

struct syscall_regs {
    uint64_t arg[6];  /* rdi, rsi, rdx, r10, r8, r9 */
    uint64_t r12;     /* the IPC timeout */
};

_Static_assert(sizeof(struct syscall_regs) == 56, "syscall_regs: built by syscall.S");

typedef int64_t (*syscall_fn_t)(struct syscall_regs *r);

/* One declaration per system call: sys_exit, sys_debug_write, ... (each
 * defined in the file of the object it acts on). */
#define SYSCALL_DECLARE(nr, NAME, name) int64_t sys_##name(struct syscall_regs *r);
#include <atom/syscall.h>
ATOM_SYSCALLS(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE

/* The handlers by number, for the arch entry, which checks the number
 * against syscall_count, calls the handler (its result, >= 0 or a negated
 * ATOM_E* error, goes to the caller's rax) and then, if the thread was
 * killed or something more urgent is ready, thread_user_return(). */
extern const syscall_fn_t syscall_table[];
extern const uint64_t syscall_count;

/* Whether a handle argument fits the ABI's 32-bit handles (else the
 * call answers ATOM_EBADF). */
static inline bool syscall_handle_ok(uint64_t v)
{
    return (int64_t)v >= 0 && v <= INT32_MAX;
}

struct kobject;

/* The one capability lookup of the system calls: `handle`, a register
 * value, must name in the calling process's table a capability to an
 * object of `type` holding `rights` (cap_lookup; a value outside
 * 0..INT32_MAX is E_BADHANDLE).  On success *obj holds a reference. */
int syscall_cap(uint64_t handle, uint32_t type, uint32_t rights, struct kobject **obj,
                uint64_t *badge);

/* Kernel error code (E_*) to the ABI's negated ATOM_E* value. */
int64_t syscall_error(int kernel_error);

#endif
