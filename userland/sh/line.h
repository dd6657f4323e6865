/*
 * line.h: the interactive line editor.
 *
 * The core (line.c) is a state machine fed one byte at a time: it keeps
 * the line and the cursor, decodes escape sequences, walks the history,
 * asks a callback for completions, and appends what the terminal should
 * show to an output buffer.  It makes no system call, so the host unit
 * tests drive it with byte strings.  line_tty.c connects it to a terminal
 * in raw mode.
 *
 * Keys: printable bytes insert; Enter accepts; left/right (also ^B ^F),
 * Home/End (ESC [ H, ESC [ F, ESC O H, ESC O F, ESC [ 1 ~, ESC [ 4 ~,
 * ESC [ 7 ~, ESC [ 8 ~, ^A ^E); Backspace (DEL or ^H); Delete (ESC [ 3 ~)
 * and ^D on a non-empty line; ^U and ^K kill to the start or end, ^W the
 * word before the cursor, ^Y yanks the last kill; ^L clears the screen;
 * up/down (ESC [ A, ESC [ B, ESC O A, ESC O B, ^P ^N) walk the history;
 * Tab completes; ^C cancels the line; ^D on an empty line is end of
 * input.  Other escape sequences are read whole and ignored.
 */
#ifndef SH_LINE_H
#define SH_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "history.h"

#define LINE_CAPACITY 4096

/* Adds to out every completion of word: whole words (a directory ends
 * with '/').  command: the word is in command position. */
typedef void (*line_complete_fn)(void *ctx, const char *word, bool command,
                                 struct strvec *out);

enum line_status {
    LINE_PENDING,              /* more keys */
    LINE_ACCEPT,               /* Enter: line_text() is the line */
    LINE_CANCEL,               /* ^C */
    LINE_EOF,                  /* ^D on an empty line */
};

struct line_editor {
    char buf[LINE_CAPACITY];
    size_t len, pos;
    const char *prompt;
    const struct history *history;
    size_t history_pos;        /* history->count while on the new line */
    char *saved;               /* the new line, while in the history */
    char *kill;                /* the last text killed, for ^Y */
    line_complete_fn complete;
    void *complete_ctx;
    bool escaping;             /* after an ESC */
    char esc[16];              /* the sequence after it so far */
    size_t esc_len;
    struct strbuf out;         /* for the terminal; the caller empties it */
};

/* Starts a line: shows the prompt.  history and complete may be NULL. */
void line_start(struct line_editor *e, const char *prompt, const struct history *history,
                line_complete_fn complete, void *complete_ctx);
enum line_status line_key(struct line_editor *e, unsigned char c);
const char *line_text(const struct line_editor *e);
/* Frees what the editor holds (not the history). */
void line_end(struct line_editor *e);

/* Reads a line from the terminal on fd in (echoed to out) in raw mode;
 * the modes are restored before it returns.  Returns the malloc'ed line
 * without its newline, "" after ^C with *cancelled set, NULL at end of
 * input.  Not a terminal: NULL with errno ENOTTY. */
char *line_tty_read(int in, int out, const char *prompt, const struct history *history,
                    line_complete_fn complete, void *complete_ctx, bool *cancelled);

#endif
