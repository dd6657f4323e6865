/*
 * line_tty.c: the line editor on a terminal (line.h).  The terminal is put
 * in raw mode (no echo, no line discipline, no signals from ^C) for the
 * time a line is edited, so every key reaches the editor as bytes, and
 * put back before the command runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "line.h"

static void flush_output(struct line_editor *e, int out)
{
    size_t done = 0;
    while (done < e->out.len) {
        ssize_t n = write(out, e->out.data + done, e->out.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    strbuf_clear(&e->out);
}

char *line_tty_read(int in, int out, const char *prompt, const struct history *history,
                    line_complete_fn complete, void *complete_ctx, bool *cancelled)
{
    struct termios saved, raw;
    *cancelled = false;
    if (tcgetattr(in, &saved) < 0)
        return NULL;
    raw = saved;
    cfmakeraw(&raw);
    tcsetattr(in, TCSADRAIN, &raw);

    struct line_editor *e = xmalloc(sizeof(*e));
    line_start(e, prompt, history, complete, complete_ctx);
    flush_output(e, out);
    enum line_status st = LINE_PENDING;
    while (st == LINE_PENDING) {
        unsigned char c;
        ssize_t n = read(in, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* The terminal went away: a partial line still counts. */
            st = e->len ? LINE_ACCEPT : LINE_EOF;
            break;
        }
        st = line_key(e, c);
        flush_output(e, out);
    }
    tcsetattr(in, TCSADRAIN, &saved);
    char *line = NULL;
    if (st == LINE_ACCEPT || st == LINE_CANCEL)
        line = xstrdup(st == LINE_ACCEPT ? line_text(e) : "");
    *cancelled = st == LINE_CANCEL;
    line_end(e);
    free(e);
    return line;
}
