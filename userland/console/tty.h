/* The line discipline of one terminal (tty.c): what typed bytes become
 * before a program reads them, and what written bytes become before the
 * device shows them.  Pure C over a struct termios, so the host unit
 * tests drive it directly. */
#ifndef CONSOLE_TTY_H
#define CONSOLE_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#define TTY_LINE_MAX  1024   /* a canonical line, as MAX_CANON */
#define TTY_INPUT_MAX 4096   /* input waiting to be read */
#define TTY_RECORDS   64     /* canonical lines waiting to be read */

/* Where the discipline's side effects go. */
struct tty_sink {
    void (*echo)(void *ctx, const char *bytes, size_t n);  /* to the device */
    void (*signal)(void *ctx, int sig);  /* to the foreground process group */
    void *ctx;
};

struct tty {
    struct termios mode;
    char line[TTY_LINE_MAX];       /* the canonical line being edited */
    size_t line_len;
    char ready[TTY_INPUT_MAX];     /* input a read may take, in order */
    size_t ready_len;
    /* Canonical mode: the lengths of the lines in ready[], in order; a
     * line ended by Ctrl-D has no newline, and an empty one is end of
     * file.  Raw mode reads ready[] as a stream and ignores these. */
    size_t records[TTY_RECORDS];
    size_t record_count;
};

/* A terminal in the usual cooked mode: canonical, echo, signals, CR -> NL
 * on input and NL -> CR NL on output. */
void tty_init(struct tty *t);

/* Typed bytes from the keyboard or the serial line. */
void tty_input(struct tty *t, const char *bytes, size_t n, const struct tty_sink *sink);

/* Whether a read would return now (data, or end of file). */
bool tty_readable(const struct tty *t);

/* Takes up to max bytes of input: in canonical mode at most one line.
 * Returns the count; 0 with *eof set is end of file (Ctrl-D), 0 without
 * it means a read has to wait. */
size_t tty_read(struct tty *t, char *out, size_t max, bool *eof);

/* Output processing (OPOST, ONLCR) of bytes a program wrote: converts as
 * many of the n bytes at in as fit in out_size and returns the count
 * produced; *used says how many input bytes it took. */
size_t tty_output(const struct tty *t, const char *in, size_t n, char *out, size_t out_size,
                  size_t *used);

/* A new mode (tcsetattr); flush drops input not yet read.  A canonical
 * line being edited becomes readable when canonical mode is left. */
void tty_set_mode(struct tty *t, const struct termios *mode, bool flush);

#endif
