/*
 * console: the console server, which makes terminals of the keyboard,
 * the screen and the serial line (<atom/console.h>).
 *
 * This file is the IPC side: it receives on the endpoint init made for
 * it (handle 2), decodes each message completely (the caller's role from
 * its badge, the terminal, counts against the words actually sent,
 * capabilities by type) and only then calls console_ops.c.  A request
 * that cannot be answered yet has its reply saved and parked there.
 * Readers parked for a second are answered -EINTR so that their C
 * library can run signal handlers that arrived meanwhile; with none it
 * simply reads again.
 *
 * The server calls no other server but init (to signal a process group),
 * and init never calls it, so no call cycle can form.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include <atom/cap.h>
#include <atom/console.h>
#include <atom/raw_syscall.h>

#include "console_ops.h"

#define ENDPOINT 2
#define READ_PERIOD_NS 1000000000ull

static uint64_t now_ns(void)
{
    uint64_t t = 0;
    atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t);
    return t;
}

/* A reply, or an answer on a saved reply capability: w0 the result,
 * data from w1, and at most one capability (moved). */
static long send_reply(long cap, long result, const char *data, size_t n, long give)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    struct atom_msg m = { 0 };
    m.w[0] = (uint64_t)result;
    atom_msg_put_bytes(&m, ipc, 1, data, n);
    if (give >= 0) {
        ipc->send_caps[0] = (int32_t)give;
        ipc->send_move = 1;
    }
    m.info = ATOM_MSG_INFO(0, 1 + (n + 7) / 8, give >= 0 ? 1 : 0);
    long r = atom_ipc(cap >= 0 ? ATOM_SYS_IPC_SEND : ATOM_SYS_IPC_REPLY, cap >= 0 ? cap : 0, &m,
                      ATOM_TIMEOUT_POLL);
    if (r < 0 && give >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, give);
    return r;
}

void console_answer(long reply_cap, long result, const char *data, size_t n)
{
    if (send_reply(reply_cap, result, data, n, -1) < 0)  /* a send consumes it */
        atom_syscall1(ATOM_SYS_CAP_DELETE, reply_cap);
}

void console_kill_group(int pgrp, int sig)
{
    if (kill(-pgrp, sig) != 0 && errno != ESRCH)
        fprintf(stderr, "console: cannot signal process group %d: %s\n", pgrp, strerror(errno));
}

void console_notify(long notification, uint64_t bits)
{
    atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, notification, (long)bits, 0);
}

/* Saves the reply of the message being handled, or answers it with an
 * error when that is impossible; -1 then. */
static long save_reply(void)
{
    long cap = atom_syscall0(ATOM_SYS_REPLY_SAVE);
    if (cap < 0)
        send_reply(-1, -ENOMEM, NULL, 0, -1);
    return cap;
}

static void termios_from_words(struct termios *t, const struct atom_msg *m,
                               const struct atom_ipc_buffer *ipc)
{
    memset(t, 0, sizeof(*t));
    t->c_iflag = (tcflag_t)m->w[1];
    t->c_oflag = (tcflag_t)m->w[2];
    t->c_cflag = (tcflag_t)m->w[3];
    t->c_lflag = (tcflag_t)ipc->words[4];
    atom_msg_get_bytes(m, ipc, 5, t->c_cc, sizeof(t->c_cc));
}

static void reply_termios(const struct termios *t)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    struct atom_msg m = { .info = ATOM_MSG_INFO(0, 9, 0),
                          .w = { 0, t->c_iflag, t->c_oflag, t->c_cflag } };
    ipc->words[4] = t->c_lflag;
    atom_msg_put_bytes(&m, ipc, 5, t->c_cc, sizeof(t->c_cc));
    atom_ipc(ATOM_SYS_IPC_REPLY, 0, &m, 0);
}

static void reply_words(long w0, uint64_t w1, uint64_t w2)
{
    struct atom_msg m = { .info = ATOM_MSG_INFO(0, 3, 0), .w = { (uint64_t)w0, w1, w2 } };
    atom_ipc(ATOM_SYS_IPC_REPLY, 0, &m, 0);
}

/* A program's request (badge: its pid). */
static void program_request(int pid, const struct atom_msg *m)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    unsigned words = ATOM_MSG_NWORDS(m->info);
    uint32_t label = ATOM_MSG_LABEL(m->info);
    uint64_t term = m->w[0];
    if (words < 1 || term >= CONSOLE_TERMS) {
        reply_words(-EINVAL, 0, 0);
        return;
    }
    switch (label) {
    case CONSOLE_WRITE: {
        size_t n = m->w[1];
        char data[CONSOLE_WRITE_MAX];
        if (n > CONSOLE_WRITE_MAX || words < 2 + (n + 7) / 8) {
            reply_words(-EINVAL, 0, 0);
            return;
        }
        atom_msg_get_bytes(m, ipc, 2, data, n);
        long r = n ? console_write((unsigned)term, data, n) : 0;
        if (r != -EAGAIN) {
            reply_words(r, 0, 0);
            return;
        }
        long cap = save_reply();
        if (cap >= 0)
            console_park_write((unsigned)term, data, n, cap);
        return;
    }
    case CONSOLE_READ: {
        size_t max = m->w[1];
        char data[CONSOLE_INLINE_MAX];
        if (words < 3 || max == 0 || max > CONSOLE_INLINE_MAX) {
            reply_words(-EINVAL, 0, 0);
            return;
        }
        long r = console_read((unsigned)term, data, max, m->w[2] & CONSOLE_NONBLOCK);
        if (r != -EAGAIN) {
            send_reply(-1, r, data, r > 0 ? (size_t)r : 0, -1);
            return;
        }
        long cap = save_reply();
        if (cap >= 0)
            console_park_read((unsigned)term, pid, max, cap, now_ns());
        return;
    }
    case CONSOLE_GETATTR: {
        struct termios t;
        console_getattr((unsigned)term, &t);
        reply_termios(&t);
        return;
    }
    case CONSOLE_SETATTR: {
        struct termios t;
        if (words < 10) {
            reply_words(-EINVAL, 0, 0);
            return;
        }
        termios_from_words(&t, m, ipc);
        reply_words(console_setattr((unsigned)term, &t, ipc->words[9] & CONSOLE_FLUSH_INPUT), 0,
                    0);
        return;
    }
    case CONSOLE_GETWINSZ: {
        uint32_t rows, cols;
        long r = console_getwinsz((unsigned)term, &rows, &cols);
        reply_words(r, rows, cols);
        return;
    }
    case CONSOLE_SETWINSZ:
        reply_words(words < 3 ? -EINVAL : console_setwinsz((unsigned)term, (uint32_t)m->w[1],
                                                            (uint32_t)m->w[2]), 0, 0);
        return;
    case CONSOLE_GETPGRP:
        reply_words(console_getpgrp((unsigned)term), 0, 0);
        return;
    case CONSOLE_SETPGRP:
        reply_words(words < 2 || (int64_t)m->w[1] > 0x7fffffff ? -EINVAL
                    : console_setpgrp((unsigned)term, (int)(int64_t)m->w[1]), 0, 0);
        return;
    default:
        reply_words(-ENOSYS, 0, 0);
    }
}

static bool is_notification(long h)
{
    struct atom_cap_info ci;
    return h >= 0 && atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0) == 0 &&
           ci.type == ATOM_OBJ_NOTIFICATION && (ci.rights & ATOM_RIGHT_WRITE);
}

/* A driver's request; `cap` is the capability it sent, if any (ours now). */
static void driver_request(unsigned role, const struct atom_msg *m, long cap)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    unsigned words = ATOM_MSG_NWORDS(m->info);
    uint32_t label = ATOM_MSG_LABEL(m->info);
    bool input_role = role == CONSOLE_ROLE_KEYBOARD || role == CONSOLE_ROLE_SERIAL;
    bool output_role = role == CONSOLE_ROLE_DISPLAY || role == CONSOLE_ROLE_SERIAL;
    long r = -EPERM;
    if (label == CONSOLE_ATTACH && output_role) {
        uint64_t bits = m->w[0];
        if (!is_notification(cap) || bits == 0 || (bits >> 63) ||
            (role == CONSOLE_ROLE_DISPLAY && words < 3)) {
            r = -EINVAL;
        } else if (role == CONSOLE_ROLE_SERIAL) {
            r = console_attach_serial(cap, bits);
            cap = -1;
        } else {
            long mem = console_attach_display(cap, bits, (uint32_t)m->w[1], (uint32_t)m->w[2]);
            if (mem >= 0) {
                cap = -1;
                long copy = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, mem,
                                          ATOM_RIGHT_READ | ATOM_RIGHT_WRITE | ATOM_RIGHT_MAP |
                                          ATOM_RIGHT_GRANT, 0, 0, 0, 0);
                send_reply(-1, copy >= 0 ? 0 : -ENOMEM, NULL, 0, copy);
                return;
            }
            r = mem;
        }
    } else if (label == CONSOLE_INPUT && input_role) {
        size_t n = m->w[0];
        char data[CONSOLE_INLINE_MAX];
        if (n > CONSOLE_INLINE_MAX || words < 1 + (n + 7) / 8) {
            r = -EINVAL;
        } else {
            atom_msg_get_bytes(m, ipc, 1, data, n);
            r = console_input(role == CONSOLE_ROLE_KEYBOARD ? CONSOLE_TERM_SCREEN
                                                            : CONSOLE_TERM_SERIAL, data, n);
        }
    } else if (label == CONSOLE_OUTPUT && role == CONSOLE_ROLE_SERIAL) {
        char data[CONSOLE_INLINE_MAX];
        size_t n = console_serial_output(data, sizeof(data));
        send_reply(-1, (long)n, data, n, -1);
        return;
    }
    if (cap >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, cap);
    reply_words(r, 0, 0);
}

int main(void)
{
    struct atom_cap_info ci;
    if (atom_syscall3(ATOM_SYS_CAP_INSPECT, ENDPOINT, (long)&ci, 0) != 0 ||
        ci.type != ATOM_OBJ_ENDPOINT) {
        fprintf(stderr, "console: handle %d is not an endpoint (init.conf: console-server)\n",
                ENDPOINT);
        return 1;
    }
    console_ops_init();
    uint64_t due = 0;
    for (;;) {
        struct atom_msg m = { 0 };
        uint64_t now = now_ns();
        long r = atom_ipc(ATOM_SYS_IPC_RECV, ENDPOINT, &m,
                          due ? (due > now ? due - now : 1) : ATOM_TIMEOUT_FOREVER);
        if (r >= 0) {
            struct atom_ipc_buffer *ipc = atom_ipc_buffer();
            long cap = ATOM_MSG_NCAPS(m.info) ? ipc->recv_caps[0] : -1;
            for (unsigned i = 1; i < ATOM_MSG_NCAPS(m.info); i++)
                atom_syscall1(ATOM_SYS_CAP_DELETE, ipc->recv_caps[i]);
            if (m.badge & CONSOLE_BADGE_DRIVER) {
                driver_request((unsigned)(m.badge & 0xff), &m, cap);
            } else {
                if (cap >= 0)
                    atom_syscall1(ATOM_SYS_CAP_DELETE, cap);
                if (m.badge == 0 || m.badge > 0x7fffffff)
                    reply_words(-EPERM, 0, 0);
                else
                    program_request((int)m.badge, &m);
            }
        } else if (r != -ATOM_ETIMEDOUT) {
            fprintf(stderr, "console: receive failed (error %ld)\n", -r);
        }
        due = console_interrupt_old_readers(now_ns(), READ_PERIOD_NS);
        console_flush();
    }
}
