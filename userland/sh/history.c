/*
 * history.c: the command history (history.h), a bounded array of lines.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "history.h"

void history_add(struct history *h, const char *line)
{
    if (line[strspn(line, " \t\n")] == '\0')
        return;
    if (h->count && strcmp(h->lines[h->count - 1], line) == 0)
        return;
    if (!h->lines)
        h->lines = xmalloc(HISTORY_MAX * sizeof(*h->lines));
    if (h->count == HISTORY_MAX) {
        free(h->lines[0]);
        memmove(h->lines, h->lines + 1, (HISTORY_MAX - 1) * sizeof(*h->lines));
        h->count--;
    }
    h->lines[h->count++] = xstrdup(line);
}

void history_free(struct history *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->lines[i]);
    free(h->lines);
    h->lines = NULL;
    h->count = 0;
}
