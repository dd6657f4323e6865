/*
 * exec.h: running parsed commands.
 *
 * There is no fork.  An external command is started with posix_spawnp(),
 * its pipes and redirections expressed as file actions (the files are
 * opened here first, so that errors are the shell's to report); a builtin
 * runs in the shell with its descriptors switched around it.  Whatever
 * needs a copy of the shell (a builtin inside a pipeline or in the
 * background, ( ... ), a background `a && b`, $(...)) runs in a child
 * shell, /bin/sh -c, that gets the text to run, the positional
 * parameters as its arguments, and the unexported variables and $$ $?
 * $! through the environment variable SH_SUBSHELL.
 */
#ifndef SH_EXEC_H
#define SH_EXEC_H

#include "parse.h"
#include "shell.h"

/* The program child shells run. */
#ifndef SH_PATH
#define SH_PATH "/bin/sh"
#endif

/* Runs every item; $? is the status of the last one. */
void exec_program(struct shell *sh, const struct program *prog);
/* $(text): runs it in a child shell and returns its standard output. */
char *exec_capture(struct shell *sh, const char *text);
/* In a child shell: takes over what its parent passed in SH_SUBSHELL. */
void exec_subshell_import(struct shell *sh);

#endif
