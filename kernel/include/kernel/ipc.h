/* IPC inside the kernel (kernel/object/ipc.c, endpoint.c, reply.c,
 * notification.c): the per-thread IPC state and the operations the system
 * calls and the kernel itself use.
 *
 * All IPC state (endpoint queues, reply links, notification words and the
 * fields below) is protected by one lock, ipc_lock, taken with interrupts
 * off; waits release it atomically with blocking (sched_block).  Lock
 * order: ipc_lock, then the capability locks (cdt, tables), then a run
 * queue. */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <atom/ipc.h>
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stdint.h>

struct thread;
struct endpoint;
struct notification;
struct reply;
struct memobj;
struct syscall_regs;

extern spinlock_t ipc_lock;

enum ipc_state {
    IPC_IDLE,
    IPC_SENDING,      /* queued on an endpoint with a message */
    IPC_CALLING,      /* as IPC_SENDING, then waits for the reply */
    IPC_RECEIVING,    /* queued on an endpoint, waiting for a message */
    IPC_AWAIT_REPLY,  /* a server has the call; waits for its reply */
    IPC_NOTIFY_WAIT,  /* waiting on a notification */
};

/* Threads waiting on an endpoint or a notification, oldest first. */
struct ipc_queue {
    struct thread *head, *tail;
};

/* A message as the kernel carries it: words 0-3 here, the rest in IPC
 * buffers. */
struct ipc_msg {
    uint64_t info;
    uint64_t badge;
    uint64_t words[ATOM_IPC_REG_WORDS];
};

struct thread_ipc {
    enum ipc_state state;
    struct ipc_msg msg;              /* to send, or just received */
    struct syscall_regs *regs;       /* while it waits in an IPC system call:
                                        its frame, where a fast path puts a
                                        register message directly (and then
                                        clears this) */
    struct ipc_queue *queue;         /* the wait list it is on, if any */
    struct thread *qnext, *qprev;    /* its wait list */
    struct thread *caller;           /* whom this thread owes a reply */
    struct thread *server;           /* who owes us one (IPC_AWAIT_REPLY) */
    struct reply *reply;             /* saved reply object naming us */
    unsigned boosts;                 /* callers lending us their priority */
    bool lent;                       /* we lend ours to `server` */
    unsigned base_priority;          /* our own priority while boosted */
    uint64_t notify_bits;            /* what a notification wait received */
    struct atom_ipc_buffer *buf;     /* kernel view of the IPC buffer, or NULL */
    uint64_t buf_va;                 /* its user address */
    struct memobj *buf_obj;
};

/* Kernel-side operations on the current thread; the message is in
 * thread_current()->ipc.msg both ways.  `timeout` is ATOM_TIMEOUT_*
 * or nanoseconds.  Results are E_* codes. */
int ipc_send(struct endpoint *ep, uint64_t badge, bool call, uint64_t timeout);
int ipc_recv(struct endpoint *ep, uint64_t timeout);
int ipc_reply(void);
int ipc_reply_recv(struct endpoint *ep, uint64_t timeout);

struct endpoint *endpoint_create(void);
struct notification *notification_create(void);
/* Ors bits into the word and wakes a waiter; callable from interrupts. */
void notification_signal(struct notification *n, uint64_t bits);
int notification_wait(struct notification *n, uint64_t timeout, uint64_t *bits_out);

/* Reply links: a thread with an outstanding caller or a saved reply. */

/* Sets a thread's own priority; while callers lend it theirs, it takes
 * effect once they are gone. */
void ipc_set_base_priority(struct thread *t, unsigned priority);

/* Called when a thread ends: leaves every queue, fails its callers and
 * the call it was making.  ipc_lock not held. */
void ipc_thread_exit(struct thread *t);
/* Breaks off t's IPC wait (it is being killed): it returns E_INTR.
 * ipc_lock not held. */
void ipc_interrupt(struct thread *t);

/* Internal to kernel/object (ipc_lock held): wait lists (push and remove
 * are inline in <kernel/ipc_queue.h>), message transfer, call links,
 * blocking. */
/* The oldest waiter of q that can still be woken, taken off q; NULL if
 * none. */
struct thread *ipc_queue_take(struct ipc_queue *q);
void ipc_deliver(struct thread *from, struct thread *to, uint64_t badge);
void ipc_link_call(struct thread *client, struct thread *server);
void ipc_unlink_call(struct thread *client);
/* For a saved reply: the server no longer owes it, nor runs at the
 * client's priority; the client keeps waiting. */
void ipc_detach_server(struct thread *client);
/* Blocks the current thread (its wait recorded), releasing ipc_lock;
 * cleans up after a timeout or kill.  Returns with ipc_lock released. */
int ipc_wait(uint64_t timeout, struct thread *handoff);
/* The clean-up after a wait that did not end in E_OK; returns err. */
int ipc_wait_failed(int err);
/* Checks a message info and the capabilities it names (GRANT) for the
 * current thread; E_OK or the error for the system call. */
int ipc_decode_msg(uint64_t info);

#endif
