/* Atom system-call numbers and calling convention: the one definition,
 * shared by the kernel and the C library (installed into the sysroot as
 * <atom/syscall.h>).  docs/abi.md describes each call; a test checks that
 * it names every one listed here.
 *
 * Convention (x86_64): the `syscall` instruction with the number in rax
 * and arguments in rdi, rsi, rdx, r10, r8, r9; the result comes back in
 * rax: a value >= 0 on success, or a negated ATOM_E* error (<atom/errors.h>).
 * rcx and r11 are clobbered; every other register is preserved, except
 * that the IPC calls return the received message in rdi, rsi, rdx, r10, r8
 * and r9 and take a timeout in r12 (<atom/ipc.h>). */
#ifndef ATOM_SYSCALL_H
#define ATOM_SYSCALL_H

/* X(number, NAME, name): every system call, in number order.  A number
 * left out (35) has no handler and answers ATOM_ENOSYS. */
#define ATOM_SYSCALLS(X)                                \
    X(0, EXIT, exit)                                    \
    X(1, DEBUG_WRITE, debug_write)                      \
    X(2, YIELD, yield)                                  \
    X(3, SLEEP_NS, sleep_ns)                            \
    X(4, CLOCK_NS, clock_ns)                            \
    X(5, GETPID, getpid)                                \
    X(6, CAP_DUPLICATE, cap_duplicate)                  \
    X(7, CAP_DELETE, cap_delete)                        \
    X(8, CAP_REVOKE, cap_revoke)                        \
    X(9, CAP_INSPECT, cap_inspect)                      \
    X(10, ENDPOINT_CREATE, endpoint_create)             \
    X(11, NOTIFICATION_CREATE, notification_create)     \
    X(12, IPC_SEND, ipc_send)                           \
    X(13, IPC_RECV, ipc_recv)                           \
    X(14, IPC_CALL, ipc_call)                           \
    X(15, IPC_REPLY, ipc_reply)                         \
    X(16, IPC_REPLY_RECV, ipc_reply_recv)               \
    X(17, REPLY_SAVE, reply_save)                       \
    X(18, NOTIFY_SIGNAL, notify_signal)                 \
    X(19, NOTIFY_WAIT, notify_wait)                     \
    X(20, NOTIFY_POLL, notify_poll)                     \
    X(21, MEM_CREATE, mem_create)                       \
    X(22, MEM_MAP, mem_map)                             \
    X(23, MEM_UNMAP, mem_unmap)                         \
    X(24, MEM_PROTECT, mem_protect)                     \
    X(25, IRQ_BIND, irq_bind)                           \
    X(26, IRQ_ACK, irq_ack)                             \
    X(27, IOPORT_IN, ioport_in)                         \
    X(28, IOPORT_OUT, ioport_out)                       \
    X(29, PROCESS_CREATE, process_create)               \
    X(30, PROCESS_GRANT, process_grant)                 \
    X(31, PROCESS_KILL, process_kill)                   \
    X(32, THREAD_CREATE, thread_create)                 \
    X(33, THREAD_SET_PRIORITY, thread_set_priority)     \
    X(34, IPC_BUFFER, ipc_buffer)                       \
    X(35, FRAMEBUFFER_INFO, framebuffer_info)           \
    X(36, LOG_READ, log_read)                           \
    X(37, MEM_STATS, mem_stats)                         \
    X(38, POWER, power)

#define ATOM_SYSCALL_ENUM(nr, NAME, name) ATOM_SYS_##NAME = nr,
enum { ATOM_SYSCALLS(ATOM_SYSCALL_ENUM) ATOM_SYS_COUNT };
#undef ATOM_SYSCALL_ENUM

/* ATOM_SYS_CLOCK_NS clocks. */
#define ATOM_CLOCK_MONOTONIC 0u  /* nanoseconds since boot */
#define ATOM_CLOCK_REALTIME  1u  /* nanoseconds since 1970-01-01 UTC */

/* Largest single ATOM_SYS_DEBUG_WRITE. */
#define ATOM_DEBUG_WRITE_MAX 4096

/* ATOM_SYS_CAP_DUPLICATE flags. */
#define ATOM_DUP_SET_BADGE 1u  /* give the copy `badge` (source must be unbadged) */

/* ATOM_SYS_IRQ_BIND: set in `bits`, replaces the line's binding (the
 * driver restarted by its supervisor takes the line over). */
#define ATOM_IRQ_REPLACE (1ull << 63)

/* ATOM_SYS_PROCESS_GRANT flags. */
#define ATOM_GRANT_MOVE 1u     /* move the capability instead of copying it */

/* Thread priorities: 0 (lowest) .. ATOM_PRIORITY_MAX; programs start at
 * ATOM_PRIORITY_DEFAULT and may not raise any thread above their own. */
#define ATOM_PRIORITY_MAX     31
#define ATOM_PRIORITY_DEFAULT 16

#endif
