/*
 * notification.c: notifications, the asynchronous half of IPC.
 *
 * A notification is a word of pending bits.  Signalling ors bits into it
 * (plus the badge of the capability used, so that several signallers can
 * share one notification and still be told apart) and never blocks;
 * waiting takes and clears the whole word, blocking while it is zero;
 * polling takes it without blocking.  Each signal wakes at most one
 * waiter, which gets every pending bit.  Interrupt handlers signal too
 * (irq.c binds lines to notifications), so everything here runs with
 * interrupts off under ipc_lock.
 *
 * Rights: signal needs WRITE, wait and poll need READ.
 */
#include <atom/errors.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/ipc_queue.h>
#include <kernel/thread.h>

static void notification_destroy(struct kobject *obj)
{
    kfree(notification_of(obj));
}

struct notification *notification_create(void)
{
    struct notification *n = kzalloc(sizeof(*n));
    if (n)
        kobject_init(&n->obj, ATOM_OBJ_NOTIFICATION, notification_destroy);
    return n;
}

void notification_signal(struct notification *n, uint64_t bits)
{
    spin_lock(&ipc_lock);
    struct thread *w = ipc_queue_take(&n->waiters);
    if (w) {
        w->ipc.notify_bits = n->word | bits;
        w->ipc.state = IPC_IDLE;
        n->word = 0;
        sched_wake(w, E_OK);
    } else {
        n->word |= bits;
    }
    spin_unlock(&ipc_lock);
}

int notification_wait(struct notification *n, uint64_t timeout, uint64_t *bits_out)
{
    struct thread *t = thread_current();
    spin_lock(&ipc_lock);
    if (n->word || timeout == ATOM_TIMEOUT_POLL) {
        *bits_out = n->word;
        n->word = 0;
        spin_unlock(&ipc_lock);
        return E_OK;
    }
    t->ipc.state = IPC_NOTIFY_WAIT;
    ipc_queue_push(&n->waiters, t);
    int err = ipc_wait(timeout, NULL);
    *bits_out = err == E_OK ? t->ipc.notify_bits : 0;
    return err;
}

/* ---- system calls ---------------------------------------------------------- */

int64_t sys_notification_create(struct syscall_regs *r)
{
    (void)r;
    struct notification *n = notification_create();
    if (!n)
        return -ATOM_ENOMEM;
    int handle;
    int err = cap_insert_root(process_current()->cspace, &n->obj, ATOM_RIGHTS_ALL, 0, &handle);
    kobject_put(&n->obj);
    return err == E_OK ? handle : syscall_error(err);
}

/* (notification, bits) -> 0.  bits | badge must be nonzero and fit in
 * 63 bits (results are non-negative). */
int64_t sys_notify_signal(struct syscall_regs *r)
{
    struct kobject *obj;
    uint64_t badge;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_NOTIFICATION, ATOM_RIGHT_WRITE, &obj, &badge);
    if (err != E_OK)
        return syscall_error(err);
    uint64_t bits = r->arg[1] | badge;
    if (bits == 0 || (bits >> 63))
        err = E_INVAL;
    else
        notification_signal(notification_of(obj), bits);
    kobject_put(obj);
    return syscall_error(err);
}

/* (notification, timeout) -> the bits (nonzero). */
int64_t sys_notify_wait(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_NOTIFICATION, ATOM_RIGHT_READ, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    uint64_t bits = 0;
    err = notification_wait(notification_of(obj), r->arg[1], &bits);
    kobject_put(obj);
    if (err == E_OK && bits == 0)
        err = E_AGAIN; /* only a poll finds nothing */
    return err == E_OK ? (int64_t)bits : syscall_error(err);
}

/* (notification) -> the pending bits, possibly 0; never blocks. */
int64_t sys_notify_poll(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_NOTIFICATION, ATOM_RIGHT_READ, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    uint64_t bits = 0;
    notification_wait(notification_of(obj), ATOM_TIMEOUT_POLL, &bits);
    kobject_put(obj);
    return (int64_t)bits;
}
