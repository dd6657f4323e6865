/* The console-server protocol (<atom/console.h>), served by
 * userland/console (the terminals and their line discipline) and used by
 * the C library's terminal calls and by the console drivers.
 *
 * Terminals: CONSOLE_TERM_SCREEN is the keyboard and the framebuffer
 * (/dev/tty0), CONSOLE_TERM_SERIAL the serial line (/dev/ttyS0).
 *
 * Who may call what is decided by the badge of the caller's capability,
 * which init set: a program's is its pid; a driver's is
 * CONSOLE_BADGE_DRIVER | its role.  Replies: label 0, w0 the result (>= 0) or a
 * negated errno value, and the words each label names. */
#ifndef ATOM_CONSOLE_H
#define ATOM_CONSOLE_H

#include <stdint.h>

#define CONSOLE_TERM_SCREEN 0u
#define CONSOLE_TERM_SERIAL 1u
#define CONSOLE_TERMS       2u

/* Driver badges. */
#define CONSOLE_BADGE_DRIVER   (1ull << 62)
#define CONSOLE_ROLE_KEYBOARD  1u  /* input to the screen terminal */
#define CONSOLE_ROLE_DISPLAY   2u  /* draws the screen terminal */
#define CONSOLE_ROLE_SERIAL    3u  /* input and output of the serial terminal */

/* Bytes carried in one message: words 1..63 (w0 is a count or result). */
#define CONSOLE_INLINE_MAX (63 * 8)

enum console_label {
    /* Programs (badge: pid). */
    CONSOLE_WRITE = 1,   /* w0 term, w1 count (<= CONSOLE_WRITE_MAX), bytes
                            from w2 -> the count written */
    CONSOLE_READ,        /* w0 term, w1 max (<= CONSOLE_INLINE_MAX), w2 flags
                            (CONSOLE_NONBLOCK) -> the count (0: end of file),
                            bytes from w1.  Waits, as the mode says, until
                            there is input; -EINTR after a signal character,
                            and each second, so that the C library can run
                            signal handlers (and restart the read) */
    CONSOLE_GETATTR,     /* w0 term -> w1 iflag, w2 oflag, w3 cflag, w4 lflag,
                            w5..w8 the control characters (c_cc, 32 bytes) */
    CONSOLE_SETATTR,     /* w0 term, w1..w8 as GETATTR's reply, w9 flags
                            (CONSOLE_FLUSH_INPUT) -> 0 */
    CONSOLE_GETWINSZ,    /* w0 term -> w1 rows, w2 columns */
    CONSOLE_SETWINSZ,    /* w0 term, w1 rows, w2 columns -> 0 (not the screen,
                            whose size is its display's) */
    CONSOLE_GETPGRP,     /* w0 term -> the foreground process group */
    CONSOLE_SETPGRP,     /* w0 term, w1 process group -> 0: Ctrl-C and the
                            other signal characters go to it */
    /* Drivers. */
    CONSOLE_INPUT,       /* keyboard, serial: w0 count, bytes from w1 -> 0 */
    CONSOLE_ATTACH,      /* display, serial: cap 0 a notification the server
                            signals with bits w0 when there is something to
                            show; display: w1 columns, w2 rows -> cap 0 the
                            screen (struct console_screen), mapped writable */
    CONSOLE_OUTPUT,      /* serial: -> the count (0: nothing waiting), bytes
                            from w1 */
};

#define CONSOLE_WRITE_MAX   (62 * 8)
#define CONSOLE_NONBLOCK    1u
#define CONSOLE_FLUSH_INPUT 1u

/* The screen terminal's contents, shared with the display driver: the
 * server writes cells and sets dirty[row]; the driver swaps each dirty
 * byte to 0 and draws that row, and draws the cursor.  Colours index the
 * 16-colour ANSI palette (0 black .. 7 white, 8..15 bright). */
#define CONSOLE_SCREEN_MAGIC 0x5343524eu  /* "SCRN" */
#define CONSOLE_MAX_COLS 320
#define CONSOLE_MAX_ROWS 128

#define CONSOLE_ATTR_BOLD      1u
#define CONSOLE_ATTR_UNDERLINE 2u
#define CONSOLE_ATTR_REVERSE   4u

struct console_cell {
    uint32_t ch;        /* a Unicode code point; ' ' when blank */
    uint8_t fg, bg, attr, reserved;
};

struct console_screen {
    uint32_t magic;
    uint32_t cols, rows;
    uint32_t cursor_col, cursor_row;
    uint32_t cursor_visible;
    uint8_t dirty[CONSOLE_MAX_ROWS];
    struct console_cell cells[];   /* rows * cols, row by row */
};

_Static_assert(sizeof(struct console_cell) == 8, "console_cell layout");
_Static_assert(__builtin_offsetof(struct console_screen, dirty) == 24, "dirty");
_Static_assert(__builtin_offsetof(struct console_screen, cells) == 152, "cells");

#endif
