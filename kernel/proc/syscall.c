/*
 * syscall.c: the system-call table.  Numbers and errors come from the ABI
 * headers shared with the C library (<atom/syscall.h>, <atom/errors.h>);
 * the table is indexed by number with designated initializers, and every
 * number is bounds-checked before use.  Each call checks its own
 * arguments; user pointers go through usercopy.c only.
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

typedef int64_t (*syscall_fn_t)(const uint64_t args[6]);

static uint64_t calls;

int64_t syscall_error(int kernel_error)
{
    switch (kernel_error) {
    case E_OK:      return 0;
    case E_NOMEM:   return -ATOM_ENOMEM;
    case E_BUSY:    return -ATOM_EBUSY;
    case E_RANGE:   return -ATOM_ERANGE;
    case E_FAULT:   return -ATOM_EFAULT;
    case E_TIMEOUT: return -ATOM_ETIMEDOUT;
    default:        return -ATOM_EINVAL;
    }
}

static int64_t sys_exit(const uint64_t args[6])
{
    process_exit_current((int)args[0]);
}

static int64_t sys_debug_write(const uint64_t args[6])
{
    uint64_t buf = args[0], len = args[1];
    if (len > ATOM_DEBUG_WRITE_MAX)
        return -ATOM_EINVAL;
    if (len == 0)
        return 0;
    char *copy = kmalloc(len);
    if (!copy)
        return -ATOM_ENOMEM;
    int err = copy_from_user(copy, buf, len);
    if (err == E_OK)
        process_log_output(thread_current()->process, copy, len);
    kfree(copy);
    return err == E_OK ? (int64_t)len : syscall_error(err);
}

static int64_t sys_yield(const uint64_t args[6])
{
    (void)args;
    thread_yield();
    return 0;
}

static int64_t sys_sleep_ns(const uint64_t args[6])
{
    if (args[0] == 0)
        thread_yield(); /* a sleep of nothing only gives up the CPU */
    else
        thread_sleep_ns(args[0]);
    return 0;
}

static int64_t sys_clock_ns(const uint64_t args[6])
{
    uint64_t now = time_monotonic_ns();
    return syscall_error(copy_to_user(args[0], &now, sizeof(now)));
}

static int64_t sys_getpid(const uint64_t args[6])
{
    (void)args;
    struct process *p = thread_current()->process;
    return p ? p->pid : -ATOM_EINVAL;
}

static const syscall_fn_t table[ATOM_SYS_COUNT] = {
    [ATOM_SYS_EXIT] = sys_exit,
    [ATOM_SYS_DEBUG_WRITE] = sys_debug_write,
    [ATOM_SYS_YIELD] = sys_yield,
    [ATOM_SYS_SLEEP_NS] = sys_sleep_ns,
    [ATOM_SYS_CLOCK_NS] = sys_clock_ns,
    [ATOM_SYS_GETPID] = sys_getpid,
};

int64_t syscall_invoke(uint64_t nr, const uint64_t args[6])
{
    __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
    if (nr >= ATOM_SYS_COUNT || !table[nr])
        return -ATOM_ENOSYS;
    return table[nr](args);
}

uint64_t syscall_count(void)
{
    return calls;
}
