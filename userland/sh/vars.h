/*
 * vars.h: shell variables.
 *
 * Exported variables live in the process environment itself (setenv),
 * so posix_spawnp() searches the PATH the user set and children get
 * `environ` as it is.  Variables that were never exported stay in a table
 * of their own, seen only by the shell (and by its child shells, see
 * exec.c).  A name is in at most one of the two places.
 */
#ifndef SH_VARS_H
#define SH_VARS_H

#include <stdbool.h>

#include "buf.h"

struct vars {
    struct strvec locals;      /* "NAME=value", not exported */
};

/* The value, or NULL when unset. */
const char *vars_get(const struct vars *v, const char *name);
/* Sets NAME, keeping it exported if it was. */
void vars_set(struct vars *v, const char *name, const char *value);
/* "NAME=value" as vars_set. */
void vars_assign(struct vars *v, const char *assignment);
/* Exports NAME, with a new value unless value is NULL; an unset NAME
 * without a value stays unset. */
void vars_export(struct vars *v, const char *name, const char *value);
void vars_unset(struct vars *v, const char *name);
bool vars_is_exported(const char *name);
/* A copy of the environment with "NAME=value" overrides applied, for one
 * child. */
void vars_environ_with(char *const *overrides, size_t count, struct strvec *out);
void vars_free(struct vars *v);

#endif
