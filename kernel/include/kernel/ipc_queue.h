/* IPC wait lists (struct ipc_queue): doubly linked through each
 * thread's IPC state, so a thread leaves from anywhere in O(1).  Inline
 * because both IPC fast paths use them; ipc_lock held. */
#ifndef KERNEL_IPC_QUEUE_H
#define KERNEL_IPC_QUEUE_H

#include <kernel/thread.h>

static inline void ipc_queue_push(struct ipc_queue *q, struct thread *t)
{
    t->ipc.queue = q;
    t->ipc.qnext = NULL;
    t->ipc.qprev = q->tail;
    if (q->tail)
        q->tail->ipc.qnext = t;
    else
        q->head = t;
    q->tail = t;
}

static inline void ipc_queue_remove(struct thread *t)
{
    struct ipc_queue *q = t->ipc.queue;
    if (!q)
        return;
    if (t->ipc.qprev)
        t->ipc.qprev->ipc.qnext = t->ipc.qnext;
    else
        q->head = t->ipc.qnext;
    if (t->ipc.qnext)
        t->ipc.qnext->ipc.qprev = t->ipc.qprev;
    else
        q->tail = t->ipc.qprev;
    t->ipc.queue = NULL;
    t->ipc.qnext = t->ipc.qprev = NULL;
}

/* Takes the first thread off a non-empty list. */
static inline struct thread *ipc_queue_pop(struct ipc_queue *q)
{
    struct thread *t = q->head;
    q->head = t->ipc.qnext;
    if (q->head)
        q->head->ipc.qprev = NULL;
    else
        q->tail = NULL;
    t->ipc.queue = NULL;
    t->ipc.qnext = NULL;
    return t;
}

#endif
