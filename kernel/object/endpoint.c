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
 * The fast paths: a call that finds its server waiting, and a reply-and-
 * receive that answers a caller and finds no sender queued, are the two
 * halves of every client/server round trip.  When the message is in
 * registers only, both threads are on this CPU, nothing more urgent is
 * ready and no timeout or priority loan is involved, fast_call and
 * fast_reply_recv do the whole operation with interrupts off in one
 * place: the capability read under its table's lock (no reference taken:
 * ipc_lock, taken before that lock is dropped, keeps the endpoint alive,
 * since endpoint_destroy takes it too), the words copied from the
 * caller's system-call frame straight into the partner's (a thread
 * waiting in an IPC system call leaves its frame in ipc.regs for this),
 * the call linked or answered, and a direct switch (sched_switch_direct).  They check the same things as the general path,
 * and any case they do not handle goes to it unchanged.  The general path
 * still hands off directly (sched_block with a handoff) when it can.
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
#include <kernel/ipc_queue.h>
#include <kernel/thread.h>

static void endpoint_destroy(struct kobject *obj)
{
    /* Waiters of the general path hold a reference through their system
     * call; a receiver queued by the fast path does not, and learns that
     * its endpoint is gone. */
    struct endpoint *ep = endpoint_of(obj);
    spin_lock(&ipc_lock);
    struct thread *t;
    while ((t = ipc_queue_take(&ep->receivers)) || (t = ipc_queue_take(&ep->senders))) {
        t->ipc.state = IPC_IDLE;
        sched_wake(t, E_PIPE);
    }
    spin_unlock(&ipc_lock);
    kfree(ep);
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
 * Returns the caller, claimed but not yet woken, or NULL.  A caller that
 * cannot be claimed is being killed: the debt is void all the same, so
 * the server may receive again at once rather than when the caller's
 * thread gets round to unlinking itself. */
static struct thread *reply_to_caller(struct thread *t)
{
    struct thread *c = t->ipc.caller;
    if (!c)
        return NULL;
    if (!sched_claim(c)) {
        ipc_detach_server(c);
        return NULL;
    }
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

/* ---- the fast paths ---------------------------------------------------------- */

/* Looks up an endpoint capability for the fast path with interrupts off:
 * returns with ipc_lock held, or NULL with nothing held. */
static inline struct endpoint *fast_lookup(struct cspace *cs, uint64_t handle, uint32_t right,
                                    uint64_t *badge)
{
    if (!syscall_handle_ok(handle))
        return NULL;
    spin_acquire(&cs->lock);
    struct cap *c = cap_slot_locked(cs, (int)handle);
    struct endpoint *ep = NULL;
    if (c && c->type == ATOM_OBJ_ENDPOINT && (c->rights & right) && spin_try_acquire(&ipc_lock)) {
        ep = endpoint_of(c->obj);
        *badge = c->badge;
    }
    spin_release(&cs->lock);
    return ep;
}

/* A message info the fast path carries: registers only, no capabilities. */
static bool fast_info(uint64_t info)
{
    return !(info & ATOM_MSG_RESERVED_MASK) &&
           ATOM_MSG_NCAPS(info) == 0 && ATOM_MSG_NWORDS(info) <= ATOM_IPC_REG_WORDS;
}

/* Whether `next` may run straight away on this CPU. */
static bool fast_can_switch(struct cpu *cpu, struct thread *next, unsigned priority)
{
    return next->cpu == cpu && next->state == THREAD_BLOCKED && !next->on_sleepers &&
           cpu->rq.bitmap >> priority <= 1;
}

/* Puts a register message straight into the frame of `to`, waiting in
 * an IPC system call, where its return to user mode picks it up. */
static void fast_words(struct thread *to, uint64_t info, uint64_t badge,
                       const struct syscall_regs *r)
{
    struct syscall_regs *d = to->ipc.regs;
    to->ipc.regs = NULL;
    d->arg[0] = badge;
    d->arg[1] = ATOM_MSG_INFO(ATOM_MSG_LABEL(info), ATOM_MSG_NWORDS(info), 0);
    d->arg[2] = r->arg[2];
    d->arg[3] = r->arg[3];
    d->arg[4] = r->arg[4];
    d->arg[5] = r->arg[5];
}

static int64_t ipc_result(struct thread *t, struct syscall_regs *r, int err);

/* ATOM_SYS_IPC_CALL to a waiting server.  False: not handled, nothing
 * changed. */
static bool fast_call(struct thread *t, struct syscall_regs *r, int64_t *ret)
{
    uint64_t info = r->arg[1], badge;
    if (!fast_info(info) || !t->process)
        return false;
    spin_irq_disable(); /* on, in a system call */
    struct endpoint *ep = fast_lookup(t->process->cspace, r->arg[0], ATOM_RIGHT_WRITE, &badge);
    if (!ep) {
        spin_irq_enable();
        return false;
    }
    struct thread *s = ep->receivers.head;
    struct cpu *cpu = cpu_this();
    unsigned prio = s && s->priority > t->priority ? s->priority : t->priority;
    if (!s || !s->ipc.regs || !fast_can_switch(cpu, s, prio)) {
        spin_release(&ipc_lock);
        spin_irq_enable();
        return false;
    }
    ipc_queue_pop(&ep->receivers);
    s->ipc.state = IPC_IDLE;
    fast_words(s, info, badge, r);
    if (t->priority > s->priority) {
        ipc_link_call(t, s); /* with the priority loan */
    } else {
        t->ipc.state = IPC_AWAIT_REPLY;
        t->ipc.server = s;
        s->ipc.caller = t;
    }
    t->ipc.regs = r;
    int err = sched_switch_direct(&ipc_lock, s);
    spin_irq_enable();
    if (err != E_OK)
        err = ipc_wait_failed(err);
    *ret = ipc_result(t, r, err);
    return true;
}

/* ATOM_SYS_IPC_REPLY_RECV answering a caller, with no sender queued. */
static bool fast_reply_recv(struct thread *t, struct syscall_regs *r, int64_t *ret)
{
    uint64_t info = r->arg[1], badge;
    struct thread *c = t->ipc.caller;
    if (!c || !fast_info(info) || r->r12 != ATOM_TIMEOUT_FOREVER || !t->process)
        return false;
    spin_irq_disable(); /* on, in a system call */
    struct endpoint *ep = fast_lookup(t->process->cspace, r->arg[0], ATOM_RIGHT_READ, &badge);
    if (!ep) {
        spin_irq_enable();
        return false;
    }
    if (t->ipc.caller != c || c->ipc.state != IPC_AWAIT_REPLY || !c->ipc.regs || c->ipc.lent ||
        c->ipc.reply || ep->senders.head || !fast_can_switch(cpu_this(), c, c->priority)) {
        spin_release(&ipc_lock);
        spin_irq_enable();
        return false;
    }
    fast_words(c, info, 0, r);
    c->ipc.server = NULL;
    c->ipc.state = IPC_IDLE;
    t->ipc.caller = NULL;
    t->ipc.state = IPC_RECEIVING;
    ipc_queue_push(&ep->receivers, t);
    t->ipc.regs = r;
    int err = sched_switch_direct(&ipc_lock, c);
    spin_irq_enable();
    if (err != E_OK)
        err = ipc_wait_failed(err);
    *ret = ipc_result(t, r, err);
    return true;
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

/* The result of an IPC system call that may have waited with its frame
 * in t->ipc.regs: a fast path has put the message there (and cleared
 * the pointer), or it is in t->ipc.msg. */
static int64_t ipc_result(struct thread *t, struct syscall_regs *r, int err)
{
    if (err != E_OK) {
        t->ipc.regs = NULL;
        return syscall_error(err);
    }
    if (t->ipc.regs) {
        t->ipc.regs = NULL;
        r->arg[0] = t->ipc.msg.badge;
        r->arg[1] = t->ipc.msg.info;
        r->arg[2] = t->ipc.msg.words[0];
        r->arg[3] = t->ipc.msg.words[1];
        r->arg[4] = t->ipc.msg.words[2];
        r->arg[5] = t->ipc.msg.words[3];
    }
    return (int64_t)r->arg[1];
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
    if (!syscall_handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    err = cap_inspect(cs, (int)r->arg[0], &ci);
    if (err == E_OK && ci.type == ATOM_OBJ_REPLY) {
        struct kobject *obj;
        err = syscall_cap(r->arg[0], ATOM_OBJ_REPLY, ATOM_RIGHT_WRITE, &obj, NULL);
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
    err = syscall_cap(r->arg[0], ATOM_OBJ_ENDPOINT, ATOM_RIGHT_WRITE, &obj, &badge);
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
    int err = syscall_cap(r->arg[0], ATOM_OBJ_ENDPOINT, ATOM_RIGHT_READ, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    struct thread *t = thread_current();
    t->ipc.regs = r;
    err = ipc_recv(endpoint_of(obj), r->r12);
    kobject_put(obj);
    return ipc_result(t, r, err);
}

/* The general path of ATOM_SYS_IPC_CALL (call) and _REPLY_RECV, out of
 * line so that the fast paths' functions stay small. */
static __attribute__((noinline)) int64_t ipc_general(struct syscall_regs *r, bool call)
{
    int err = ipc_decode_msg(r->arg[1]);
    if (err != E_OK)
        return syscall_error(err);
    struct kobject *obj;
    uint64_t badge;
    err = syscall_cap(r->arg[0], ATOM_OBJ_ENDPOINT, call ? ATOM_RIGHT_WRITE : ATOM_RIGHT_READ,
                      &obj, &badge);
    if (err != E_OK)
        return syscall_error(err);
    struct thread *t = thread_current();
    msg_in(t, r);
    t->ipc.regs = r;
    if (call)
        err = ipc_send(endpoint_of(obj), badge, true, r->r12);
    else
        err = ipc_reply_recv(endpoint_of(obj), r->r12);
    kobject_put(obj);
    return ipc_result(t, r, err);
}

/* (endpoint, info, w0..w3; r12 timeout for the send) -> reply info;
 * reply words in registers. */
int64_t sys_ipc_call(struct syscall_regs *r)
{
    int64_t ret;
    if (fast_call(thread_current(), r, &ret))
        return ret;
    return ipc_general(r, true);
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
    int64_t ret;
    if (fast_reply_recv(thread_current(), r, &ret))
        return ret;
    return ipc_general(r, false);
}
