/*
 * complete.h: what Tab completes to (a line_complete_fn, line.h): in
 * command position a builtin or a program in a $PATH directory, elsewhere
 * (or when the word has a '/') a path, directories ending in '/'.
 */
#ifndef SH_COMPLETE_H
#define SH_COMPLETE_H

#include <stdbool.h>

#include "buf.h"

/* ctx: the builtin names, a NULL-terminated const char *const *. */
void complete_word(void *ctx, const char *word, bool command, struct strvec *out);

#endif
