/*
 * reply.c: reply objects, for servers that answer calls out of order.
 *
 * A server that received a call owes its caller one reply, normally given
 * at once with ATOM_SYS_IPC_REPLY or _REPLY_RECV.  ATOM_SYS_REPLY_SAVE
 * turns that debt into a capability (ATOM_OBJ_REPLY, WRITE only: it cannot
 * be passed on or copied) so the server can receive other calls first; a
 * send on that capability later answers the caller and deletes it.  While
 * a reply is saved the server no longer runs at the caller's priority.
 * If the capability goes away unanswered, the caller's call fails with
 * ATOM_EPIPE instead of hanging.
 */
#include <atom/errors.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>



static void reply_destroy(struct kobject *obj)
{
    struct reply *r = (struct reply *)obj;
    spin_lock(&ipc_lock);
    struct thread *c = r->caller;
    if (c) {
        ipc_unlink_call(c);
        if (sched_claim(c))
            sched_wake(c, E_PIPE);
    }
    spin_unlock(&ipc_lock);
    kfree(r);
}

int reply_send(struct reply *r)
{
    struct thread *t = thread_current();
    spin_lock(&ipc_lock);
    struct thread *c = r->caller;
    if (c && sched_claim(c)) {
        ipc_deliver(t, c, 0);
        ipc_unlink_call(c);
        sched_wake(c, E_OK);
    } else {
        c = NULL;
    }
    spin_unlock(&ipc_lock);
    return c ? E_OK : E_PIPE;
}

/* () -> a reply handle for the call this thread received last. */
int64_t sys_reply_save(struct syscall_regs *r)
{
    (void)r;
    struct thread *t = thread_current();
    struct cspace *cs = process_current()->cspace;
    /* decode: allocate and take the slot first, so linking cannot fail */
    struct reply *rep = kzalloc(sizeof(*rep));
    if (!rep)
        return -ATOM_ENOMEM;
    kobject_init(&rep->obj, ATOM_OBJ_REPLY, reply_destroy);
    int handle;
    int err = cap_insert_root(cs, &rep->obj, ATOM_RIGHT_WRITE, 0, &handle);
    kobject_put(&rep->obj);
    if (err != E_OK)
        return syscall_error(err);
    /* perform */
    spin_lock(&ipc_lock);
    struct thread *c = t->ipc.caller;
    if (c) {
        ipc_detach_server(c);
        c->ipc.reply = rep;
        rep->caller = c;
    }
    spin_unlock(&ipc_lock);
    if (!c) {
        cap_delete(cs, handle);
        return -ATOM_EPIPE;
    }
    return handle;
}
