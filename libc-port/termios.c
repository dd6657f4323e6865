/*
 * termios.c: the terminal interface.
 *
 * The console server's terminals (/dev/tty0, /dev/ttyS0) keep their modes,
 * window size and foreground process group in the server, where the line
 * discipline uses them (console.c carries the calls).  /dev/console, the
 * kernel log, is a terminal too but has no input; its mode is kept here,
 * per process, so that tcgetattr() reports what tcsetattr() set.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atom/console.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))

static struct termios console_mode = {
    .c_iflag = ICRNL | IXON,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = CS8 | CREAD,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN,
    .c_cc = { [VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21, [VEOF] = 4,
              [VMIN] = 1, [VSTART] = 17, [VSTOP] = 19, [VSUSP] = 26 },
    .c_ispeed = B38400,
    .c_ospeed = B38400,
};

/* The console-server terminal fd is, or -1 (errno set when it is not a
 * terminal at all). */
static int terminal_of(int fd)
{
    if (!isatty(fd))
        return -1;               /* errno: ENOTTY or EBADF */
    int kind = atom_fd_kind(fd);
    return kind >= ATOM_FD_TERMINAL ? kind - ATOM_FD_TERMINAL : -1;
}

static int terminal_result(long r)
{
    return r < 0 ? atom_fail((int)-r) : 0;
}

ATOM_WEAK int tcgetattr(int fd, struct termios *t)
{
    int term = terminal_of(fd);
    if (term < 0 && !isatty(fd))
        return -1;
    if (!t)
        return atom_fail(EFAULT);
    if (term < 0) {
        *t = console_mode;
        return 0;
    }
    struct atom_msg m;
    long r = atom_terminal_call(CONSOLE_GETATTR, (unsigned)term, NULL, 0, &m);
    if (r < 0)
        return atom_fail((int)-r);
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    memset(t, 0, sizeof(*t));
    t->c_iflag = (tcflag_t)m.w[1];
    t->c_oflag = (tcflag_t)m.w[2];
    t->c_cflag = (tcflag_t)m.w[3];
    t->c_lflag = (tcflag_t)ipc->words[4];
    atom_msg_get_bytes(&m, ipc, 5, t->c_cc, sizeof(t->c_cc));
    t->c_ispeed = t->c_ospeed = B38400;
    return 0;
}

ATOM_WEAK int tcsetattr(int fd, int action, const struct termios *t)
{
    int term = terminal_of(fd);
    if (term < 0 && !isatty(fd))
        return -1;
    if (!t)
        return atom_fail(EFAULT);
    if (action != TCSANOW && action != TCSADRAIN && action != TCSAFLUSH)
        return atom_fail(EINVAL);
    if (term < 0) {
        console_mode = *t;
        return 0;
    }
    uint64_t w[9] = { t->c_iflag, t->c_oflag, t->c_cflag, t->c_lflag };
    memcpy(&w[4], t->c_cc, sizeof(t->c_cc));
    w[8] = action == TCSAFLUSH ? CONSOLE_FLUSH_INPUT : 0;
    return terminal_result(atom_terminal_call(CONSOLE_SETATTR, (unsigned)term, w, 9, NULL));
}

ATOM_WEAK pid_t tcgetpgrp(int fd)
{
    int term = terminal_of(fd);
    if (term < 0)
        return isatty(fd) ? atom_fail(ENOTTY) : -1;
    long r = atom_terminal_call(CONSOLE_GETPGRP, (unsigned)term, NULL, 0, NULL);
    return r < 0 ? atom_fail((int)-r) : (pid_t)r;
}

ATOM_WEAK int tcsetpgrp(int fd, pid_t pgrp)
{
    int term = terminal_of(fd);
    if (term < 0)
        return isatty(fd) ? atom_fail(ENOTTY) : -1;
    uint64_t w[1] = { (uint64_t)pgrp };
    return terminal_result(atom_terminal_call(CONSOLE_SETPGRP, (unsigned)term, w, 1, NULL));
}

static int winsize_get(int fd, struct winsize *ws)
{
    int term = terminal_of(fd);
    if (term < 0)
        return isatty(fd) ? atom_fail(ENOTTY) : -1;
    if (!ws)
        return atom_fail(EFAULT);
    struct atom_msg m;
    long r = atom_terminal_call(CONSOLE_GETWINSZ, (unsigned)term, NULL, 0, &m);
    if (r < 0)
        return atom_fail((int)-r);
    *ws = (struct winsize){ .ws_row = (unsigned short)m.w[1], .ws_col = (unsigned short)m.w[2] };
    return 0;
}

static int winsize_set(int fd, const struct winsize *ws)
{
    int term = terminal_of(fd);
    if (term < 0)
        return isatty(fd) ? atom_fail(ENOTTY) : -1;
    if (!ws)
        return atom_fail(EFAULT);
    uint64_t w[2] = { ws->ws_row, ws->ws_col };
    return terminal_result(atom_terminal_call(CONSOLE_SETWINSZ, (unsigned)term, w, 2, NULL));
}

/* The terminal requests programs use; anything else is ENOTTY, as
 * Linux answers requests a device does not know. */
ATOM_WEAK int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    switch (request) {
    case TIOCGWINSZ:
        return winsize_get(fd, arg);
    case TIOCSWINSZ:
        return winsize_set(fd, arg);
    case TIOCGPGRP: {
        pid_t pgrp = tcgetpgrp(fd);
        if (pgrp < 0)
            return -1;
        if (!arg)
            return atom_fail(EFAULT);
        *(pid_t *)arg = pgrp;
        return 0;
    }
    case TIOCSPGRP:
        return arg ? tcsetpgrp(fd, *(const pid_t *)arg) : atom_fail(EFAULT);
    default:
        return isatty(fd) || errno != EBADF ? atom_fail(ENOTTY) : -1;
    }
}

ATOM_WEAK int tcflush(int fd, int queue)
{
    if (!isatty(fd))
        return -1;
    if (queue != TCIFLUSH && queue != TCOFLUSH && queue != TCIOFLUSH)
        return atom_fail(EINVAL);
    struct termios t;
    if (queue == TCOFLUSH || tcgetattr(fd, &t) != 0)
        return 0;                /* output is never held back */
    return tcsetattr(fd, TCSAFLUSH, &t);
}

ATOM_WEAK int tcdrain(int fd)
{
    return isatty(fd) ? 0 : -1;  /* console output is written at once */
}

ATOM_WEAK void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~(tcflag_t)OPOST;
    t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

ATOM_WEAK speed_t cfgetispeed(const struct termios *t)
{
    return t->c_ispeed;
}

ATOM_WEAK speed_t cfgetospeed(const struct termios *t)
{
    return t->c_ospeed;
}

ATOM_WEAK int cfsetispeed(struct termios *t, speed_t speed)
{
    t->c_ispeed = speed;
    return 0;
}

ATOM_WEAK int cfsetospeed(struct termios *t, speed_t speed)
{
    t->c_ospeed = speed;
    return 0;
}
