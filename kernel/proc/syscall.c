/*
 * syscall.c: the system-call table, and the calls that belong to no
 * kernel object (time, yielding, the debug log).
 *
 * Numbers and errors come from the ABI headers shared with the C library
 * (<atom/syscall.h>, <atom/errors.h>); the table is built from the one
 * list there, so every number has its handler, each defined in the file
 * of the object it acts on.  The number is bounds-checked before use.
 * Each handler decodes its own arguments (every check, no side effects)
 * before it acts; user pointers go through usercopy.c only.
 */
#include <atom/errors.h>
#include <atom/syscall.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/usercopy.h>

int64_t syscall_error(int kernel_error)
{
    switch (kernel_error) {
    case E_OK:        return 0;
    case E_NOMEM:     return -ATOM_ENOMEM;
    case E_BUSY:      return -ATOM_EBUSY;
    case E_RANGE:     return -ATOM_ERANGE;
    case E_FAULT:     return -ATOM_EFAULT;
    case E_TIMEOUT:   return -ATOM_ETIMEDOUT;
    case E_PERM:      return -ATOM_EPERM;
    case E_BADHANDLE: return -ATOM_EBADF;
    case E_NOSPACE:   return -ATOM_ENOSPC;
    case E_AGAIN:     return -ATOM_EAGAIN;
    case E_PIPE:      return -ATOM_EPIPE;
    case E_EXIST:     return -ATOM_EEXIST;
    case E_INTR:      return -ATOM_EINTR;
    default:          return -ATOM_EINVAL;
    }
}

int syscall_cap(uint64_t handle, uint32_t type, uint32_t rights, struct kobject **obj,
                uint64_t *badge)
{
    if (!syscall_handle_ok(handle))
        return E_BADHANDLE;
    return cap_lookup(process_current()->cspace, (int)handle, type, rights, obj, badge);
}

int64_t sys_debug_write(struct syscall_regs *r)
{
    uint64_t buf = r->arg[0], len = r->arg[1];
    if (len > ATOM_DEBUG_WRITE_MAX)
        return -ATOM_EINVAL;
    if (len == 0)
        return 0;
    char *copy = kmalloc(len);
    if (!copy)
        return -ATOM_ENOMEM;
    int err = copy_from_user(copy, buf, len);
    if (err == E_OK)
        process_log_output(process_current(), copy, len);
    kfree(copy);
    return err == E_OK ? (int64_t)len : syscall_error(err);
}

int64_t sys_yield(struct syscall_regs *r)
{
    (void)r;
    thread_yield();
    return 0;
}

int64_t sys_sleep_ns(struct syscall_regs *r)
{
    if (r->arg[0] == 0)
        thread_yield(); /* a sleep of nothing only gives up the CPU */
    else
        thread_sleep_ns(r->arg[0]);
    return 0;
}

/* (out, clock) -> 0.  The wall clock is the battery-backed clock read at
 * boot plus the monotonic time since. */
int64_t sys_clock_ns(struct syscall_regs *r)
{
    uint64_t now;
    switch (r->arg[1]) {
    case ATOM_CLOCK_MONOTONIC: now = time_monotonic_ns(); break;
    case ATOM_CLOCK_REALTIME: now = (uint64_t)time_realtime_ns(); break;
    default: return -ATOM_EINVAL;
    }
    return syscall_error(copy_to_user(r->arg[0], &now, sizeof(now)));
}

/* A number the list leaves out (reserved for a call not in this tree). */
static int64_t sys_nosys(struct syscall_regs *r)
{
    (void)r;
    return -ATOM_ENOSYS;
}

/* Every slot starts as sys_nosys and the list overrides the ones it
 * names, so a gap in the numbers can never be a null call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#define SYSCALL_ENTRY(nr, NAME, name) [nr] = sys_##name,
const syscall_fn_t syscall_table[ATOM_SYS_COUNT] = {
    [0 ... ATOM_SYS_COUNT - 1] = sys_nosys,
    ATOM_SYSCALLS(SYSCALL_ENTRY)
};
#undef SYSCALL_ENTRY
#pragma GCC diagnostic pop
const uint64_t syscall_count = ATOM_SYS_COUNT;
