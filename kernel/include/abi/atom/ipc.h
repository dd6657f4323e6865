/* Atom IPC as user space sees it: message info words, the per-thread IPC
 * buffer, timeouts and the messages the kernel itself sends (faults and
 * exits of supervised processes).  Shared by the kernel and the C library
 * (installed as <atom/ipc.h>); docs/abi.md, "IPC", has the rules.
 *
 * A message is a label, up to ATOM_IPC_MAX_WORDS 64-bit words and up to
 * ATOM_IPC_MAX_CAPS capabilities.  Words 0-3 travel in registers (rdx,
 * r10, r8, r9); words 4 and up in the IPC buffer's words[] at the same
 * index; capabilities to send are named in send_caps[] and the handles of
 * received ones appear in recv_caps[]. */
#ifndef ATOM_IPC_H
#define ATOM_IPC_H

#include <stdint.h>

#define ATOM_IPC_REG_WORDS 4
#define ATOM_IPC_MAX_WORDS 64
#define ATOM_IPC_MAX_CAPS  4

/* Message info: label (32 bits), capability count and word count. */
#define ATOM_MSG_WORDS_MASK 0x7fu
#define ATOM_MSG_CAPS_SHIFT 8
#define ATOM_MSG_CAPS_MASK  0x7u
#define ATOM_MSG_LABEL_SHIFT 16
#define ATOM_MSG_LABEL_MASK 0xffffffffull
#define ATOM_MSG_INFO(label, words, caps)                                    \
    ((((uint64_t)(label) & ATOM_MSG_LABEL_MASK) << ATOM_MSG_LABEL_SHIFT) |   \
     (((uint64_t)(caps) & ATOM_MSG_CAPS_MASK) << ATOM_MSG_CAPS_SHIFT) |      \
     ((uint64_t)(words) & ATOM_MSG_WORDS_MASK))
#define ATOM_MSG_LABEL(info) (((info) >> ATOM_MSG_LABEL_SHIFT) & ATOM_MSG_LABEL_MASK)
#define ATOM_MSG_NWORDS(info) ((unsigned)((info) & ATOM_MSG_WORDS_MASK))
#define ATOM_MSG_NCAPS(info) ((unsigned)(((info) >> ATOM_MSG_CAPS_SHIFT) & ATOM_MSG_CAPS_MASK))
/* Bits that must be zero in a message info passed to the kernel. */
#define ATOM_MSG_RESERVED_MASK (~((ATOM_MSG_LABEL_MASK << ATOM_MSG_LABEL_SHIFT) |     \
                                  ((uint64_t)ATOM_MSG_CAPS_MASK << ATOM_MSG_CAPS_SHIFT) | \
                                  ATOM_MSG_WORDS_MASK))

/* Timeouts (r12 for the IPC calls, an argument for ATOM_SYS_NOTIFY_WAIT). */
#define ATOM_TIMEOUT_FOREVER 0ull              /* block until it happens */
#define ATOM_TIMEOUT_POLL    0xffffffffffffffffull /* never block: -ATOM_EAGAIN */

/* The IPC buffer: one page per thread, mapped by the kernel into the
 * thread's process (ATOM_SYS_IPC_BUFFER says where). */
struct atom_ipc_buffer {
    uint64_t words[ATOM_IPC_MAX_WORDS];  /* words[4..] of a long message */
    int32_t send_caps[ATOM_IPC_MAX_CAPS]; /* handles to pass, in order */
    uint32_t send_move;                   /* bit i: move send_caps[i], not copy */
    uint32_t reserved;
    int32_t recv_caps[ATOM_IPC_MAX_CAPS]; /* handles of the capabilities received */
};

_Static_assert(sizeof(struct atom_ipc_buffer) == 552, "atom_ipc_buffer layout");
_Static_assert(__builtin_offsetof(struct atom_ipc_buffer, send_caps) == 512, "send_caps");
_Static_assert(__builtin_offsetof(struct atom_ipc_buffer, send_move) == 528, "send_move");
_Static_assert(__builtin_offsetof(struct atom_ipc_buffer, recv_caps) == 536, "recv_caps");

/* Messages the kernel sends to a process's supervisor endpoint, with the
 * badge given at ATOM_SYS_PROCESS_CREATE.  Words: see each label. */
#define ATOM_MSG_LABEL_EXIT  0xffff0001u  /* w0 = exit status */
#define ATOM_MSG_LABEL_FAULT 0xffff0002u  /* w0 = vector, w1 = error code,
                                             w2 = address (CR2 for a page
                                             fault), w3 = instruction pointer */

#endif
