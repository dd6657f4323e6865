/* Endpoints (kernel/object/endpoint.c), reply objects (reply.c) and
 * notifications (notification.c): the IPC kernel objects. */
#ifndef KERNEL_ENDPOINT_H
#define KERNEL_ENDPOINT_H

#include <kernel/cap.h>
#include <kernel/ipc.h>

struct endpoint {
    struct kobject obj;          /* ATOM_OBJ_ENDPOINT */
    struct ipc_queue senders;    /* blocked in send or call */
    struct ipc_queue receivers;  /* blocked in receive */
};

/* A reply capability's object: one pending call, saved by its server. */
struct reply {
    struct kobject obj;          /* ATOM_OBJ_REPLY */
    struct thread *caller;       /* NULL once replied to or gone */
};

struct notification {
    struct kobject obj;          /* ATOM_OBJ_NOTIFICATION */
    uint64_t word;               /* pending bits */
    struct ipc_queue waiters;
};

static inline struct endpoint *endpoint_of(struct kobject *o)
{
    return (struct endpoint *)o;
}

static inline struct kobject *endpoint_kobject(struct endpoint *ep)
{
    return &ep->obj;
}

static inline struct notification *notification_of(struct kobject *o)
{
    return (struct notification *)o;
}

/* Sends through a saved reply (ATOM_SYS_IPC_SEND on a reply handle). */
int reply_send(struct reply *r);

#endif
