/*
 * shell.h: the state of one shell, passed to whatever needs it: the
 * special parameters, variables, history and jobs.  Nothing else about a
 * command outlives the command.
 */
#ifndef SH_SHELL_H
#define SH_SHELL_H

#include <stdbool.h>
#include <sys/types.h>

#include "buf.h"
#include "history.h"
#include "jobs.h"
#include "vars.h"

struct shell {
    int status;                /* $? */
    long pid;                  /* $$ */
    long last_background;      /* $!; 0 before the first */
    char *name;                /* $0 */
    struct strvec params;      /* $1 ... */
    struct vars vars;
    struct history history;
    struct jobs jobs;
    bool interactive;
    /* Whether SIGINT and SIGQUIT were ignored when we started: then the
     * commands we run keep ignoring them (we were started in the
     * background). */
    bool sigint_ignored, sigquit_ignored;
    int captures;              /* $(...) run so far: an assignment's $? */
    /* Job control (exec.c): on when we are interactive on a terminal
     * that has let us lead its foreground. */
    bool job_control;
    pid_t pgid;                /* our process group */
    pid_t job_pgid;            /* the group of the job being started, or 0 */
    /* $(...): runs text in a child shell and returns its output
     * (exec.c); NULL where commands cannot run (the host unit tests). */
    char *(*capture)(struct shell *sh, const char *text);
};

#endif
