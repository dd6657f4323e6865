/*
 * tty.c: the line discipline, as a Unix terminal has it.
 *
 * In canonical mode typed bytes collect in a line the user can edit
 * (erase, kill) and become readable as a whole when Enter or Ctrl-D ends
 * it; a read takes at most one line, and an empty line ended by Ctrl-D
 * reads as end of file.  Each finished line is a record, so a Ctrl-D
 * between two lines reads between them.  In raw mode bytes are readable
 * as they come.  With ISIG the interrupt, quit and suspend characters
 * signal the foreground process group instead of being input, and drop
 * the input not yet read.  Echo, CR/NL mapping and output NL -> CR NL
 * follow the mode's flags.  Erasing works on whole UTF-8 characters, as
 * the terminal shows them.
 */
#include <signal.h>
#include <string.h>

#include "tty.h"

void tty_init(struct tty *t)
{
    memset(t, 0, sizeof(*t));
    t->mode.c_iflag = ICRNL | IXON;
    t->mode.c_oflag = OPOST | ONLCR;
    t->mode.c_cflag = CS8 | CREAD;
    t->mode.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN;
    t->mode.c_cc[VINTR] = 3;
    t->mode.c_cc[VQUIT] = 28;
    t->mode.c_cc[VERASE] = 127;
    t->mode.c_cc[VKILL] = 21;
    t->mode.c_cc[VEOF] = 4;
    t->mode.c_cc[VMIN] = 1;
    t->mode.c_cc[VSTART] = 17;
    t->mode.c_cc[VSTOP] = 19;
    t->mode.c_cc[VSUSP] = 26;
}

static bool canonical(const struct tty *t)
{
    return t->mode.c_lflag & ICANON;
}

static void echo(const struct tty *t, const struct tty_sink *sink, const char *s, size_t n)
{
    if ((t->mode.c_lflag & ECHO) && sink->echo)
        sink->echo(sink->ctx, s, n);
}

/* A character as echo shows it: control characters as ^X. */
static void echo_char(const struct tty *t, const struct tty_sink *sink, char c)
{
    unsigned char u = (unsigned char)c;
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
        char caret[2] = { '^', (char)(u == 0x7f ? '?' : u + '@') };
        echo(t, sink, caret, 2);
    } else {
        echo(t, sink, &c, 1);
    }
}

/* Appends a finished canonical line (the record) to ready[]. */
static void finish_line(struct tty *t)
{
    if (t->record_count == TTY_RECORDS || t->ready_len + t->line_len > TTY_INPUT_MAX) {
        t->line_len = 0;             /* no room: the line is lost, as on a full tty */
        return;
    }
    memcpy(t->ready + t->ready_len, t->line, t->line_len);
    t->ready_len += t->line_len;
    t->records[t->record_count++] = t->line_len;
    t->line_len = 0;
}

/* Removes the last character of the line, a whole UTF-8 sequence, and
 * rubs it out on the screen. */
static void erase_char(struct tty *t, const struct tty_sink *sink)
{
    if (t->line_len == 0)
        return;
    while (t->line_len > 1 && ((unsigned char)t->line[t->line_len - 1] & 0xc0) == 0x80)
        t->line_len--;
    unsigned char last = (unsigned char)t->line[--t->line_len];
    if (t->mode.c_lflag & ECHOE) {
        bool caret = last < 0x20 || last == 0x7f;  /* shown as two cells */
        echo(t, sink, caret ? "\b\b  \b\b" : "\b \b", caret ? 6 : 3);
    }
}

static void flush_input(struct tty *t)
{
    t->line_len = 0;
    t->ready_len = 0;
    t->record_count = 0;
}

/* ISIG: the signal c stands for, or 0. */
static int signal_of(const struct tty *t, unsigned char c)
{
    const cc_t *cc = t->mode.c_cc;
    if (!(t->mode.c_lflag & ISIG) || c == 0)
        return 0;
    if (c == cc[VINTR])
        return SIGINT;
    if (c == cc[VQUIT])
        return SIGQUIT;
    if (c == cc[VSUSP])
        return SIGTSTP;
    return 0;
}

static void input_canonical(struct tty *t, char c, const struct tty_sink *sink)
{
    const cc_t *cc = t->mode.c_cc;
    unsigned char u = (unsigned char)c;
    if (u == cc[VERASE] || c == '\b') {
        erase_char(t, sink);
    } else if (u == cc[VKILL]) {
        if (t->mode.c_lflag & ECHOK)
            while (t->line_len)
                erase_char(t, sink);
        t->line_len = 0;
    } else if (u == cc[VEOF]) {
        finish_line(t);             /* an empty record: end of file */
    } else if (c == '\n' || (cc[VEOL] && u == cc[VEOL])) {
        if (t->line_len < TTY_LINE_MAX)
            t->line[t->line_len++] = c;
        if ((t->mode.c_lflag & ECHONL) && !(t->mode.c_lflag & ECHO) && sink->echo)
            sink->echo(sink->ctx, "\n", 1);
        echo(t, sink, "\n", 1);
        finish_line(t);
    } else if (t->line_len < TTY_LINE_MAX - 1) {  /* room for the newline */
        t->line[t->line_len++] = c;
        echo_char(t, sink, c);
    }
}

void tty_input(struct tty *t, const char *bytes, size_t n, const struct tty_sink *sink)
{
    for (size_t i = 0; i < n; i++) {
        char c = bytes[i];
        if (c == '\r' && (t->mode.c_iflag & IGNCR))
            continue;
        if (c == '\r' && (t->mode.c_iflag & ICRNL))
            c = '\n';
        else if (c == '\n' && (t->mode.c_iflag & INLCR))
            c = '\r';
        int sig = signal_of(t, (unsigned char)c);
        if (sig) {
            if (!(t->mode.c_lflag & NOFLSH))
                flush_input(t);
            echo_char(t, sink, c);
            echo(t, sink, "\n", 1);
            if (sink->signal)
                sink->signal(sink->ctx, sig);
        } else if (canonical(t)) {
            input_canonical(t, c, sink);
        } else if (t->ready_len < TTY_INPUT_MAX) {
            t->ready[t->ready_len++] = c;
            echo(t, sink, &c, 1);
        }
    }
}

bool tty_readable(const struct tty *t)
{
    if (canonical(t))
        return t->record_count > 0;
    return t->ready_len > 0 || t->mode.c_cc[VMIN] == 0;
}

static void consume(struct tty *t, size_t n)
{
    memmove(t->ready, t->ready + n, t->ready_len - n);
    t->ready_len -= n;
}

size_t tty_read(struct tty *t, char *out, size_t max, bool *eof)
{
    *eof = false;
    size_t n;
    if (canonical(t)) {
        if (t->record_count == 0)
            return 0;
        if (t->records[0] == 0) {    /* Ctrl-D on an empty line */
            memmove(t->records, t->records + 1, --t->record_count * sizeof(t->records[0]));
            *eof = true;
            return 0;
        }
        n = t->records[0] < max ? t->records[0] : max;
        if ((t->records[0] -= n) == 0)
            memmove(t->records, t->records + 1, --t->record_count * sizeof(t->records[0]));
    } else {
        n = t->ready_len < max ? t->ready_len : max;
        *eof = n == 0 && t->mode.c_cc[VMIN] == 0;  /* VMIN 0: return at once */
    }
    memcpy(out, t->ready, n);
    consume(t, n);
    return n;
}

size_t tty_output(const struct tty *t, const char *in, size_t n, char *out, size_t out_size,
                  size_t *used)
{
    bool crlf = (t->mode.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
    size_t i = 0, o = 0;
    for (; i < n; i++) {
        if (in[i] == '\n' && crlf) {
            if (o + 2 > out_size)
                break;
            out[o++] = '\r';
        } else if (o + 1 > out_size) {
            break;
        }
        out[o++] = in[i];
    }
    *used = i;
    return o;
}

void tty_set_mode(struct tty *t, const struct termios *mode, bool flush)
{
    bool was_canonical = canonical(t);
    t->mode = *mode;
    if (flush) {
        flush_input(t);
    } else if (was_canonical && !canonical(t)) {
        /* The half-typed line is input now; records no longer matter. */
        size_t room = TTY_INPUT_MAX - t->ready_len;
        size_t n = t->line_len < room ? t->line_len : room;
        memcpy(t->ready + t->ready_len, t->line, n);
        t->ready_len += n;
        t->line_len = 0;
        t->record_count = 0;
    } else if (!was_canonical && canonical(t) && t->ready_len) {
        t->records[0] = t->ready_len;  /* what was typed raw reads as one line */
        t->record_count = 1;
    }
}
