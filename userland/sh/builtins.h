/*
 * builtins.h: commands the shell runs itself: those that change the
 * shell (cd, exit, export, unset, shift, wait, read, .), those that
 * report on it (pwd, jobs, history, help), and echo, true and false.
 */
#ifndef SH_BUILTINS_H
#define SH_BUILTINS_H

#include "shell.h"

typedef int (*builtin_fn)(struct shell *sh, int argc, char **argv);

/* NULL if name is no builtin. */
builtin_fn builtin_find(const char *name);
/* Every builtin's name, NULL-terminated (for completion). */
extern const char *const builtin_names[];

#endif
