/*
 * pattern.h: shell patterns (* ? [...]) and pathname expansion.
 *
 * In a pattern a backslash makes the next character literal; expansion
 * writes quoted characters that way, so "*" in quotes never globs.
 */
#ifndef SH_PATTERN_H
#define SH_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

bool pattern_match(const char *pattern, const char *s);
/* Whether the pattern has an unescaped * ? or [. */
bool pattern_has_magic(const char *pattern);
/* The existing paths the pattern matches, sorted, added to out; the
 * number added.  '/' is matched only by a '/' in the pattern, and a name
 * starting with '.' only by a pattern component starting with '.'. */
size_t pattern_glob(const char *pattern, struct strvec *out);

#endif
