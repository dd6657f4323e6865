/*
 * endpoint.c: endpoints, the rendezvous points of synchronous IPC, and
 * the IPC system calls.
 *
 * An endpoint holds no message, only the threads waiting on it: senders
 * (send or call, each with its message in place) or receivers, never both
 * at once.  A send meets the oldest receiver, or queues; a receive takes
 * the oldest sender, or queues.  A call is a send that then waits for the
 * reply of whoever received it (ipc.c links the two).
 *
 * The fast path: a call that finds its server waiting, or a reply-and-
 * receive that finds no sender queued, switches straight to the other
 * thread (sched_block with a handoff): no run-queue round trip, and the
 * message stays in registers and struct ipc_msg.  Every check of the slow
 * path is made on it too: they are all in the decode step.
 *
 * Rights: send and call need WRITE on the endpoint, receive needs READ.
 * The receiver learns the badge of the capability the sender used.
 */
#include <atom/errors.h>
#include <atom/ipc.h>
#include <atom/syscall.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>

static void endpoint_destroy(struct kobject *obj)
{
    /* Every waiter holds a reference through its system call, so nobody
     * waits here any more. */
    kfree(endpoint_of(obj));
}

struct endpoint *endpoint_create(void)
{
    struct endpoint *ep = kzalloc(sizeof(*ep));
    if (ep)
        kobject_init(&ep->obj, ATOM_OBJ_ENDPOINT, endpoint_destroy);
    return ep;
}

int ipc_send(struct endpoint *ep, uint64_t badge, bool call, uint64_t timeout)
{
    struct thread *t = thread_current();
    spin_lock(&ipc_lock);
    struct thread *r = ipc_queue_take(&ep->receivers);
    if (r) {
        r->ipc.state = IPC_IDLE;
        ipc_deliver(t, r, badge);
        if (call) {
            ipc_link_call(t, r);
            return ipc_wait(ATOM_TIMEOUT_FOREVER, r);
        }
        sched_wake(r, E_OK);
        spin_unlock(&ipc_lock);
        return E_OK;
    }
    if (timeout == ATOM_TIMEOUT_POLL) {
        spin_unlock(&ipc_lock);
        return E_AGAIN;
    }
    t->ipc.state = call ? IPC_CALLING : IPC_SENDING;
    t->ipc.msg.badge = badge;
    ipc_queue_push(&ep->senders, t);
    return ipc_wait(timeout, NULL);
}

/* Takes the oldest sender's message, if there is one; ipc_lock held. */
static bool take_sender(struct endpoint *ep, struct thread *t)
{
    struct thread *s = ipc_queue_take(&ep->senders);
    if (!s)
        return false;
    ipc_deliver(s, t, s->ipc.msg.badge);
    if (s->ipc.state == IPC_CALLING) {
        ipc_link_call(s, t);
    } else {
        s->ipc.state = IPC_IDLE;
        sched_wake(s, E_OK);
    }
    return true;
}

int ipc_recv(struct endpoint *ep, uint64_t timeout)
{
    struct thread *t = thread_current();
    spin_lock(&ipc_lock);
    if (t->ipc.caller) {
        spin_unlock(&ipc_lock);
        return E_BUSY; /* reply first, or save the reply */
    }
    if (take_sender(ep, t)) {
        spin_unlock(&ipc_lock);
        return E_OK;
    }
    if (timeout == ATOM_TIMEOUT_POLL) {
        spin_unlock(&ipc_lock);
        return E_AGAIN;
    }
    t->ipc.state = IPC_RECEIVING;
    ipc_queue_push(&ep->receivers, t);
    return ipc_wait(timeout, NULL);
}

/* Gives the current thread's message to its caller; ipc_lock held.
 * Returns the caller, claimed but not yet woken, or NULL. */
static struct thread *reply_to_caller(struct thread *t)
{
    struct thread *c = t->ipc.caller;
    if (!c || !sched_claim(c))
        return NULL;
    ipc_deliver(t, c, 0);
    ipc_unlink_call(c);
    return c;
}

int ipc_reply(void)
{
    spin_lock(&ipc_lock);
    struct thread *c = reply_to_caller(thread_current());
    if (c)
        sched_wake(c, E_OK);
    spin_unlock(&ipc_lock);
    return c ? E_OK : E_PIPE;
}

int ipc_reply_recv(struct endpoint *ep, uint64_t timeout)
{
    struct thread *t = thread_current();
    spin_lock(&ipc_lock);
    struct thread *c = reply_to_caller(t);
    if (take_sender(ep, t)) {
        if (c)
            sched_wake(c, E_OK);
        spin_unlock(&ipc_lock);
        return E_OK;
    }
    if (timeout == ATOM_TIMEOUT_POLL) {
        if (c)
            sched_wake(c, E_OK);
        spin_unlock(&ipc_lock);
        return E_AGAIN;
    }
    t->ipc.state = IPC_RECEIVING;
    ipc_queue_push(&ep->receivers, t);
    return ipc_wait(timeout, c);
}

/* ---- system calls ---------------------------------------------------------- */

/* Message registers in, received message out (see <atom/ipc.h>). */
static void msg_in(struct thread *t, const struct syscall_regs *r)
{
    t->ipc.msg.info = r->arg[1];
    t->ipc.msg.words[0] = r->arg[2];
    t->ipc.msg.words[1] = r->arg[3];
    t->ipc.msg.words[2] = r->arg[4];
    t->ipc.msg.words[3] = r->arg[5];
}

static int64_t msg_out(struct thread *t, struct syscall_regs *r)
{
    r->arg[0] = t->ipc.msg.badge;
    r->arg[1] = t->ipc.msg.info;
    r->arg[2] = t->ipc.msg.words[0];
    r->arg[3] = t->ipc.msg.words[1];
    r->arg[4] = t->ipc.msg.words[2];
    r->arg[5] = t->ipc.msg.words[3];
    return (int64_t)t->ipc.msg.info;
}

/* Looks up the endpoint named by arg[0] with `right`, and the badge. */
static int endpoint_lookup(struct syscall_regs *r, uint32_t right, struct kobject **obj,
                           uint64_t *badge)
{
    if ((int64_t)r->arg[0] < 0 || r->arg[0] > INT32_MAX)
        return E_BADHANDLE;
    return cap_lookup(process_current()->cspace, (int)r->arg[0], ATOM_OBJ_ENDPOINT, right,
                      obj, badge);
}

int64_t sys_endpoint_create(struct syscall_regs *r)
{
    (void)r;
    struct endpoint *ep = endpoint_create();
    if (!ep)
        return -ATOM_ENOMEM;
    int handle;
    int err = cap_insert_root(process_current()->cspace, &ep->obj, ATOM_RIGHTS_ALL, 0, &handle);
    kobject_put(&ep->obj);
    return err == E_OK ? handle : syscall_error(err);
}

/* (endpoint or reply, info, w0..w3; r12 timeout) -> 0.  On a reply
 * capability (WRITE) it answers that saved call and deletes the
 * capability. */
int64_t sys_ipc_send(struct syscall_regs *r)
{
    struct thread *t = thread_current();
    int err = ipc_decode_msg(r->arg[1]);
    if (err != E_OK)
        return syscall_error(err);
    struct cspace *cs = process_current()->cspace;
    struct atom_cap_info ci;
    if ((int64_t)r->arg[0] < 0 || r->arg[0] > INT32_MAX)
        return -ATOM_EBADF;
    err = cap_inspect(cs, (int)r->arg[0], &ci);
    if (err == E_OK && ci.type == ATOM_OBJ_REPLY) {
        struct kobject *obj;
        err = cap_lookup(cs, (int)r->arg[0], ATOM_OBJ_REPLY, ATOM_RIGHT_WRITE, &obj, NULL);
        if (err != E_OK)
            return syscall_error(err);
        msg_in(t, r);
        err = reply_send((struct reply *)obj);
        kobject_put(obj);
        if (err == E_OK || err == E_PIPE)
            cap_delete(cs, (int)r->arg[0]); /* one-shot */
        return syscall_error(err);
    }
    struct kobject *obj;
    uint64_t badge;
    err = endpoint_lookup(r, ATOM_RIGHT_WRITE, &obj, &badge);
    if (err != E_OK)
        return syscall_error(err);
    msg_in(t, r);
    err = ipc_send(endpoint_of(obj), badge, false, r->r12);
    kobject_put(obj);
    return syscall_error(err);
}

/* (endpoint; r12 timeout) -> info; badge and words in registers. */
int64_t sys_ipc_recv(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = endpoint_lookup(r, ATOM_RIGHT_READ, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    err = ipc_recv(endpoint_of(obj), r->r12);
    kobject_put(obj);
    return err == E_OK ? msg_out(thread_current(), r) : syscall_error(err);
}

/* (endpoint, info, w0..w3; r12 timeout for the send) -> reply info;
 * reply words in registers. */
int64_t sys_ipc_call(struct syscall_regs *r)
{
    int err = ipc_decode_msg(r->arg[1]);
    if (err != E_OK)
        return syscall_error(err);
    struct kobject *obj;
    uint64_t badge;
    err = endpoint_lookup(r, ATOM_RIGHT_WRITE, &obj, &badge);
    if (err != E_OK)
        return syscall_error(err);
    struct thread *t = thread_current();
    msg_in(t, r);
    err = ipc_send(endpoint_of(obj), badge, true, r->r12);
    kobject_put(obj);
    return err == E_OK ? msg_out(t, r) : syscall_error(err);
}

/* (-, info, w0..w3) -> 0: answers the call this thread received last. */
int64_t sys_ipc_reply(struct syscall_regs *r)
{
    int err = ipc_decode_msg(r->arg[1]);
    if (err != E_OK)
        return syscall_error(err);
    msg_in(thread_current(), r);
    return syscall_error(ipc_reply());
}

/* (endpoint, info, w0..w3; r12 timeout) -> info of the next message:
 * answers the pending call, if any, then receives. */
int64_t sys_ipc_reply_recv(struct syscall_regs *r)
{
    int err = ipc_decode_msg(r->arg[1]);
    if (err != E_OK)
        return syscall_error(err);
    struct kobject *obj;
    err = endpoint_lookup(r, ATOM_RIGHT_READ, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    struct thread *t = thread_current();
    msg_in(t, r);
    err = ipc_reply_recv(endpoint_of(obj), r->r12);
    kobject_put(obj);
    return err == E_OK ? msg_out(t, r) : syscall_error(err);
}
