/*
 * line.c: the line editor's core (line.h).
 *
 * After every change the whole line is redrawn: carriage return, prompt,
 * text, erase to the end of the screen line, then the cursor moved back
 * over what follows it.  That is a few dozen bytes per key and never gets
 * out of step with what the terminal shows (lines longer than the
 * terminal is wide are not handled).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"

#define CTRL(c) ((c) & 0x1f)
#define ESC 0x1b

void line_start(struct line_editor *e, const char *prompt, const struct history *history,
                line_complete_fn complete, void *complete_ctx)
{
    e->len = e->pos = 0;
    e->buf[0] = '\0';
    e->prompt = prompt;
    e->history = history;
    e->history_pos = history ? history->count : 0;
    e->saved = NULL;
    e->kill = NULL;
    e->complete = complete;
    e->complete_ctx = complete_ctx;
    e->esc_len = 0;
    e->escaping = false;
    e->out = (struct strbuf){ 0 };
    strbuf_puts(&e->out, prompt);
}

void line_end(struct line_editor *e)
{
    free(e->saved);
    free(e->kill);
    strbuf_free(&e->out);
    e->saved = e->kill = NULL;
}

const char *line_text(const struct line_editor *e)
{
    return e->buf;
}

static void refresh(struct line_editor *e)
{
    strbuf_putc(&e->out, '\r');
    strbuf_puts(&e->out, e->prompt);
    strbuf_putn(&e->out, e->buf, e->len);
    strbuf_puts(&e->out, "\x1b[K");
    if (e->pos < e->len) {
        char move[32];
        snprintf(move, sizeof(move), "\x1b[%zuD", e->len - e->pos);
        strbuf_puts(&e->out, move);
    }
}

static void bell(struct line_editor *e)
{
    strbuf_putc(&e->out, '\a');
}

static void set_text(struct line_editor *e, const char *s)
{
    size_t n = strlen(s);
    if (n >= LINE_CAPACITY)
        n = LINE_CAPACITY - 1;
    memcpy(e->buf, s, n);
    e->buf[n] = '\0';
    e->len = e->pos = n;
}

/* Replaces buf[from, to) with n bytes of s; false if it would not fit. */
static bool splice(struct line_editor *e, size_t from, size_t to, const char *s, size_t n)
{
    if (e->len - (to - from) + n >= LINE_CAPACITY)
        return false;
    memmove(e->buf + from + n, e->buf + to, e->len - to + 1);
    memcpy(e->buf + from, s, n);
    e->len = e->len - (to - from) + n;
    e->pos = from + n;
    return true;
}

static void kill_range(struct line_editor *e, size_t from, size_t to)
{
    if (from == to)
        return;
    free(e->kill);
    e->kill = xstrndup(e->buf + from, to - from);
    splice(e, from, to, "", 0);
}

static void history_move(struct line_editor *e, int dir)
{
    const struct history *h = e->history;
    if (!h || (dir < 0 && e->history_pos == 0) || (dir > 0 && e->history_pos >= h->count)) {
        bell(e);
        return;
    }
    if (e->history_pos == h->count) {
        free(e->saved);
        e->saved = xstrdup(e->buf);
    }
    e->history_pos = dir < 0 ? e->history_pos - 1 : e->history_pos + 1;
    set_text(e, e->history_pos == h->count ? e->saved : h->lines[e->history_pos]);
}

/* ---- completion ---------------------------------------------------------- */

static bool is_word_break(char c)
{
    return c == ' ' || c == '\t' || strchr(";|&<>()", c);
}

static bool needs_escape(char c)
{
    return strchr(" \t\\'\"$&|;<>()*?[]#`!", c) != NULL;
}

/* What a completion list shows: the last path component. */
static void put_display_name(struct strbuf *b, const char *c)
{
    size_t n = strlen(c);
    size_t end = n && c[n - 1] == '/' ? n - 1 : n;
    size_t start = end;
    while (start > 0 && c[start - 1] != '/')
        start--;
    strbuf_puts(b, c + start);
}

static void complete(struct line_editor *e)
{
    if (!e->complete) {
        bell(e);
        return;
    }
    size_t start = e->pos;
    while (start > 0 && (!is_word_break(e->buf[start - 1]) ||
                         (start >= 2 && e->buf[start - 2] == '\\')))
        start--;
    size_t k = start;
    while (k > 0 && (e->buf[k - 1] == ' ' || e->buf[k - 1] == '\t'))
        k--;
    bool command = k == 0 || strchr(";|&(", e->buf[k - 1]);
    /* The word as the shell will see it: backslashes removed. */
    struct strbuf word = { 0 };
    for (size_t i = start; i < e->pos; i++) {
        if (e->buf[i] == '\\' && i + 1 < e->pos)
            i++;
        strbuf_putc(&word, e->buf[i]);
    }
    struct strvec found = { 0 };
    e->complete(e->complete_ctx, strbuf_str(&word), command, &found);
    if (found.count == 0) {
        bell(e);
        goto done;
    }
    size_t common = strlen(found.items[0]);
    for (size_t i = 1; i < found.count; i++) {
        size_t j = 0;
        while (j < common && found.items[i][j] == found.items[0][j])
            j++;
        common = j;
    }
    if (found.count == 1 || common > word.len) {
        struct strbuf ins = { 0 };
        for (size_t i = 0; i < common; i++) {
            if (needs_escape(found.items[0][i]))
                strbuf_putc(&ins, '\\');
            strbuf_putc(&ins, found.items[0][i]);
        }
        if (found.count == 1 && (common == 0 || found.items[0][common - 1] != '/'))
            strbuf_putc(&ins, ' ');
        if (!splice(e, start, e->pos, strbuf_str(&ins), ins.len))
            bell(e);
        strbuf_free(&ins);
        goto done;
    }
    /* Nothing more in common: show the choices under the line. */
    strbuf_puts(&e->out, "\r\n");
    for (size_t i = 0; i < found.count; i++) {
        if (i)
            strbuf_puts(&e->out, "  ");
        put_display_name(&e->out, found.items[i]);
    }
    strbuf_puts(&e->out, "\r\n");
done:
    strvec_free(&found);
    strbuf_free(&word);
}

/* ---- keys ---------------------------------------------------------------- */

/* A complete escape sequence in e->esc (after the ESC). */
static void escape_key(struct line_editor *e)
{
    static const struct {
        const char *seq;
        char key;
    } keys[] = {
        { "[A", 'U' }, { "OA", 'U' }, { "[B", 'N' }, { "OB", 'N' },
        { "[C", 'R' }, { "OC", 'R' }, { "[D", 'L' }, { "OD", 'L' },
        { "[H", 'H' }, { "OH", 'H' }, { "[1~", 'H' }, { "[7~", 'H' },
        { "[F", 'E' }, { "OF", 'E' }, { "[4~", 'E' }, { "[8~", 'E' },
        { "[3~", 'D' },
    };
    e->esc[e->esc_len] = '\0';
    char key = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !key; i++)
        if (strcmp(e->esc, keys[i].seq) == 0)
            key = keys[i].key;
    switch (key) {
    case 'U':
        history_move(e, -1);
        break;
    case 'N':
        history_move(e, 1);
        break;
    case 'R':
        if (e->pos < e->len)
            e->pos++;
        break;
    case 'L':
        if (e->pos > 0)
            e->pos--;
        break;
    case 'H':
        e->pos = 0;
        break;
    case 'E':
        e->pos = e->len;
        break;
    case 'D':
        if (e->pos < e->len)
            splice(e, e->pos, e->pos + 1, "", 0);
        break;
    default:
        break;                  /* unknown sequences are ignored */
    }
}

/* A byte of an escape sequence; false when the sequence is complete. */
static bool escape_byte(struct line_editor *e, unsigned char c)
{
    if (e->esc_len < sizeof(e->esc) - 1)
        e->esc[e->esc_len++] = (char)c;
    if (e->esc_len == 1)
        return c == '[' || c == 'O';
    if (e->esc[0] == 'O')
        return false;
    /* CSI: parameter bytes until a final byte in 0x40..0x7e. */
    return !(c >= 0x40 && c <= 0x7e);
}

enum line_status line_key(struct line_editor *e, unsigned char c)
{
    if (e->escaping) {
        if (escape_byte(e, c))
            return LINE_PENDING;
        e->escaping = false;
        escape_key(e);
        e->esc_len = 0;
        refresh(e);
        return LINE_PENDING;
    }
    if (c == ESC) {
        e->escaping = true;
        e->esc_len = 0;
        return LINE_PENDING;
    }
    switch (c) {
    case '\r':
    case '\n':
        strbuf_puts(&e->out, "\r\n");
        return LINE_ACCEPT;
    case CTRL('C'):
        strbuf_puts(&e->out, "^C\r\n");
        e->len = e->pos = 0;
        e->buf[0] = '\0';
        return LINE_CANCEL;
    case CTRL('D'):
        if (e->len == 0) {
            strbuf_puts(&e->out, "\r\n");
            return LINE_EOF;
        }
        if (e->pos < e->len)
            splice(e, e->pos, e->pos + 1, "", 0);
        break;
    case CTRL('A'):
        e->pos = 0;
        break;
    case CTRL('E'):
        e->pos = e->len;
        break;
    case CTRL('B'):
        if (e->pos > 0)
            e->pos--;
        break;
    case CTRL('F'):
        if (e->pos < e->len)
            e->pos++;
        break;
    case CTRL('H'):
    case 127:
        if (e->pos > 0)
            splice(e, e->pos - 1, e->pos, "", 0);
        break;
    case CTRL('K'):
        kill_range(e, e->pos, e->len);
        break;
    case CTRL('U'):
        kill_range(e, 0, e->pos);
        break;
    case CTRL('W'): {
        size_t from = e->pos;
        while (from > 0 && e->buf[from - 1] == ' ')
            from--;
        while (from > 0 && e->buf[from - 1] != ' ')
            from--;
        kill_range(e, from, e->pos);
        break;
    }
    case CTRL('Y'):
        if (!e->kill || !splice(e, e->pos, e->pos, e->kill, strlen(e->kill)))
            bell(e);
        break;
    case CTRL('L'):
        strbuf_puts(&e->out, "\x1b[H\x1b[2J");
        break;
    case CTRL('P'):
        history_move(e, -1);
        break;
    case CTRL('N'):
        history_move(e, 1);
        break;
    case '\t':
        complete(e);
        break;
    default:
        if (c < 0x20) {
            bell(e);
            return LINE_PENDING;
        }
        if (!splice(e, e->pos, e->pos, (const char *)&c, 1))
            bell(e);
        break;
    }
    refresh(e);
    return LINE_PENDING;
}
