/*
 * ipc.c: what the IPC objects share: the IPC lock, wait lists, message
 * transfer, call links with priority inheritance, and blocking.
 *
 * One lock, ipc_lock, covers every endpoint and notification wait list,
 * every thread's IPC state and every call link.  Simple and enough for
 * one CPU; with SMP it splits per object (the lists already are).
 *
 * A message goes straight from the sender to the receiver, never through
 * a kernel buffer: words 0-3 through the threads' struct ipc_msg (the
 * system-call layer moves them to and from registers), longer words
 * between the two IPC buffer pages through the direct map, capabilities
 * from one table to the other (cap_transfer, which needs GRANT).  A
 * sender blocked on an endpoint leaves its message in place: the receiver
 * that arrives later copies it.
 *
 * A call links the client to the server that received it (client.server,
 * server.caller): the server owes exactly one reply.  If the client's
 * priority is higher, the server runs at the client's priority until the
 * link goes (reply, saved reply, either side ending), so a high-priority
 * client never waits behind work of lower priority than its own.
 *
 * Waking: a waker takes a blocked thread off its list with sched_claim,
 * which also cancels its timeout; if the timeout (or a kill) got there
 * first, the thread is skipped and cleans up after itself when it runs.
 */
#include <atom/cap.h>
#include <kernel/cap.h>
#include <kernel/error.h>
#include <kernel/endpoint.h>
#include <kernel/process.h>
#include <kernel/ipc_queue.h>
#include <kernel/thread.h>

spinlock_t ipc_lock = SPINLOCK_INIT;

struct thread *ipc_queue_take(struct ipc_queue *q)
{
    while (q->head) {
        struct thread *t = q->head;
        ipc_queue_remove(t);
        if (sched_claim(t))
            return t;
        /* Timed out or killed meanwhile: it is off the list now and its
         * own ipc_wait sees that. */
    }
    return NULL;
}

/* The capability table of a thread, or NULL for kernel threads. */
static struct cspace *cspace_of(struct thread *t)
{
    return t->process ? t->process->cspace : NULL;
}

void ipc_deliver(struct thread *from, struct thread *to, uint64_t badge)
{
    uint64_t info = from->ipc.msg.info;
    unsigned words = ATOM_MSG_NWORDS(info), caps = ATOM_MSG_NCAPS(info);
    struct atom_ipc_buffer *src = from->ipc.buf, *dst = to->ipc.buf;
    if (words > ATOM_IPC_REG_WORDS && !(src && dst))
        words = ATOM_IPC_REG_WORDS;
    for (unsigned i = ATOM_IPC_REG_WORDS; i < words; i++)
        dst->words[i] = src->words[i];
    unsigned moved = 0;
    struct cspace *from_cs = cspace_of(from), *to_cs = cspace_of(to);
    if (src && dst && from_cs && to_cs) {
        for (; moved < caps; moved++) {
            int handle;
            bool move = src->send_move & (1u << moved);
            if (cap_transfer(from_cs, src->send_caps[moved], to_cs, move, &handle) != E_OK)
                break; /* deleted since the send, or the receiver's table is full */
            dst->recv_caps[moved] = handle;
        }
    }
    if (dst && moved < caps)
        for (unsigned i = moved; i < caps; i++)
            dst->recv_caps[i] = ATOM_HANDLE_INVALID;
    to->ipc.msg.info = ATOM_MSG_INFO(ATOM_MSG_LABEL(info), words, moved);
    to->ipc.msg.badge = badge;
    for (unsigned i = 0; i < ATOM_IPC_REG_WORDS; i++)
        to->ipc.msg.words[i] = from->ipc.msg.words[i];
}

void ipc_link_call(struct thread *client, struct thread *server)
{
    client->ipc.state = IPC_AWAIT_REPLY;
    client->ipc.server = server;
    server->ipc.caller = client;
    if (client->priority > server->priority) {
        client->ipc.lent = true;
        server->ipc.boosts++;
        sched_set_priority(server, client->priority);
    }
}

/* Gives a server back its own priority once nobody lends it theirs. */
static void unboost(struct thread *server)
{
    if (--server->ipc.boosts == 0)
        sched_set_priority(server, server->ipc.base_priority);
}

void ipc_unlink_call(struct thread *client)
{
    struct thread *server = client->ipc.server;
    if (server) {
        if (server->ipc.caller == client)
            server->ipc.caller = NULL;
        if (client->ipc.lent)
            unboost(server);
    }
    if (client->ipc.reply)
        client->ipc.reply->caller = NULL;
    client->ipc.server = NULL;
    client->ipc.reply = NULL;
    client->ipc.lent = false;
    client->ipc.state = IPC_IDLE;
}

/* A saved reply no longer involves the server: it stops lending. */
void ipc_detach_server(struct thread *client)
{
    struct thread *server = client->ipc.server;
    if (server && client->ipc.lent)
        unboost(server);
    if (server && server->ipc.caller == client)
        server->ipc.caller = NULL;
    client->ipc.server = NULL;
    client->ipc.lent = false;
}

int ipc_wait(uint64_t timeout, struct thread *handoff)
{
    int err = sched_block(&ipc_lock, timeout == ATOM_TIMEOUT_FOREVER ? 0 : timeout, handoff);
    return err == E_OK ? E_OK : ipc_wait_failed(err);
}

int ipc_wait_failed(int err)
{
    struct thread *t = thread_current();
    /* Timed out or killed: still on a wait list, or waiting for a reply. */
    spin_lock(&ipc_lock);
    ipc_queue_remove(t);
    if (t->ipc.state == IPC_AWAIT_REPLY)
        ipc_unlink_call(t);
    t->ipc.state = IPC_IDLE;
    spin_unlock(&ipc_lock);
    return err;
}

int ipc_decode_msg(uint64_t info)
{
    struct thread *t = thread_current();
    if ((info & ATOM_MSG_RESERVED_MASK) || ATOM_MSG_NWORDS(info) > ATOM_IPC_MAX_WORDS ||
        ATOM_MSG_NCAPS(info) > ATOM_IPC_MAX_CAPS)
        return E_INVAL;
    unsigned caps = ATOM_MSG_NCAPS(info);
    if (caps == 0)
        return E_OK;
    struct cspace *cs = cspace_of(t);
    if (!cs || !t->ipc.buf)
        return E_INVAL;
    for (unsigned i = 0; i < caps; i++) {
        int err = cap_lookup(cs, t->ipc.buf->send_caps[i], ATOM_OBJ_NONE, ATOM_RIGHT_GRANT, NULL, NULL);
        if (err != E_OK)
            return err;
    }
    return E_OK;
}

void ipc_thread_exit(struct thread *t)
{
    spin_lock(&ipc_lock);
    ipc_queue_remove(t);
    if (t->ipc.state == IPC_AWAIT_REPLY)
        ipc_unlink_call(t);
    struct thread *c = t->ipc.caller;
    if (c) {
        ipc_unlink_call(c);
        if (sched_claim(c))
            sched_wake(c, E_PIPE);
    }
    t->ipc.state = IPC_IDLE;
    spin_unlock(&ipc_lock);
}

void ipc_interrupt(struct thread *t)
{
    spin_lock(&ipc_lock);
    sched_interrupt(t);
    spin_unlock(&ipc_lock);
}

void ipc_set_base_priority(struct thread *t, unsigned priority)
{
    spin_lock(&ipc_lock);
    t->ipc.base_priority = priority;
    if (t->ipc.boosts == 0 || priority > t->priority)
        sched_set_priority(t, priority);
    spin_unlock(&ipc_lock);
}
