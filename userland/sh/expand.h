/*
 * expand.h: from raw words (lex.h) to the strings a command gets.
 *
 * In order: tilde (~ and ~/...), parameters ($NAME ${NAME} $? $$ $! $#
 * $0..$9 ${10} $@ $* and ${NAME:-word} ${NAME-word} ${NAME:+word}
 * ${NAME+word} ${NAME:=word} ${NAME=word} ${#NAME}), command substitution
 * $(...), then field splitting of unquoted results at IFS characters,
 * pathname expansion of unquoted * ? [...] (sorted; a pattern that
 * matches nothing stays as it is), and quote removal.
 */
#ifndef SH_EXPAND_H
#define SH_EXPAND_H

#include <stddef.h>

#include "buf.h"
#include "shell.h"

/* All of it: each word gives zero or more fields, added to out.  -1 after
 * an error (reported on stderr). */
int expand_words(struct shell *sh, char *const *words, size_t count, struct strvec *out);
/* Without field splitting or globbing, as for the value in NAME=value:
 * always one string, or NULL after an error. */
char *expand_string(struct shell *sh, const char *word);
/* "NAME=raw" to "NAME=value". */
char *expand_assignment(struct shell *sh, const char *assignment);
/* A redirection's target: expanded fully, and it must give one field
 * ("sh: WORD: ambiguous redirect" otherwise).  NULL after an error. */
char *expand_redirect(struct shell *sh, const char *word);

#endif
