/*
 * input.h: where commands come from, and the loop that runs them.
 *
 * Every source hands over one line at a time; lines are gathered until
 * they parse (an open quote or a trailing '|' asks for more), then run.
 * So a script runs command by command, and a syntax error further down
 * does not stop what came before it (it does end a non-interactive
 * shell, with status 2).
 */
#ifndef SH_INPUT_H
#define SH_INPUT_H

#include "shell.h"

/* sh -c TEXT. */
int input_run_string(struct shell *sh, const char *text);
/* A script file (sh FILE, and `.`); -1 if it cannot be read, reported. */
int input_run_file(struct shell *sh, const char *path);
/* Standard input that is not a terminal: read a byte at a time, so that
 * the commands run can read what follows their line. */
int input_run_stdin(struct shell *sh);
/* The prompt and the line editor. */
int input_run_interactive(struct shell *sh);

#endif
