/*
 * termios.c: the terminal interface.
 *
 * Only the console is a terminal (isatty() asks the VFS).  Its modes are
 * kept here, per process, starting canonical with echo and signals as a
 * Unix terminal does, and tcgetattr() reports what tcsetattr() set.  The
 * console has no input yet: the console server that will read the
 * keyboard and honour the modes (line editing in canonical mode, bytes as
 * they come in raw mode) comes with the drivers.
 */
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

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

ATOM_WEAK int tcgetattr(int fd, struct termios *t)
{
    if (!isatty(fd))
        return -1;               /* errno: ENOTTY or EBADF */
    if (!t)
        return atom_fail(EFAULT);
    *t = console_mode;
    return 0;
}

ATOM_WEAK int tcsetattr(int fd, int action, const struct termios *t)
{
    if (!isatty(fd))
        return -1;
    if (!t)
        return atom_fail(EFAULT);
    if (action != TCSANOW && action != TCSADRAIN && action != TCSAFLUSH)
        return atom_fail(EINVAL);
    console_mode = *t;
    return 0;
}

ATOM_WEAK int tcflush(int fd, int queue)
{
    if (!isatty(fd))
        return -1;
    return queue == TCIFLUSH || queue == TCOFLUSH || queue == TCIOFLUSH ? 0 : atom_fail(EINVAL);
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
