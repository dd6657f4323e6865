/*
 * history.h: the lines typed at the prompt, oldest first, for the line
 * editor's up and down keys and the `history` builtin.
 */
#ifndef SH_HISTORY_H
#define SH_HISTORY_H

#include <stddef.h>

#define HISTORY_MAX 500

struct history {
    char **lines;
    size_t count;
};

/* Keeps a copy; blank lines and a repeat of the last line are skipped,
 * and beyond HISTORY_MAX the oldest line goes. */
void history_add(struct history *h, const char *line);
void history_free(struct history *h);

#endif
