/*
 * jobs.h: background jobs.  A job is the processes of one pipeline (or
 * the one child shell of a background `a && b`), numbered from 1 as
 * `jobs` shows them.  The shell reaps them by pid, with WNOHANG, before
 * each prompt and command, since a foreground wait only waits for its own
 * pids.
 */
#ifndef SH_JOBS_H
#define SH_JOBS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct job {
    int id;
    pid_t *pids;
    int *status;             /* shell exit status of each, once done */
    bool *done;
    size_t count;
    char *text;
};

struct jobs {
    struct job *list;
    size_t count;
};

/* The job's number. */
int jobs_add(struct jobs *j, const pid_t *pids, size_t count, const char *text);
/* Collects the exit of any job process that ended, without blocking. */
void jobs_poll(struct jobs *j);
/* Prints every job ("[1]  Running  text"); finished ones are printed and
 * forgotten.  With only_done, the running ones are not printed. */
void jobs_print(struct jobs *j, FILE *out, bool only_done);
/* Forgets finished jobs without a word (non-interactive shells). */
void jobs_forget_done(struct jobs *j);
/* Waits for job ID (jobs_wait) or the job holding pid (jobs_wait_pid),
 * forgets it and returns its exit status: that of its last process.
 * -1 if there is no such job. */
int jobs_wait(struct jobs *j, int id);
int jobs_wait_pid(struct jobs *j, pid_t pid);
/* Waits for every job. */
void jobs_wait_all(struct jobs *j);
void jobs_free(struct jobs *j);

/* A waitpid() status as the shell's $?: the exit status, or 128 plus the
 * signal. */
int jobs_exit_status(int wstatus);

#endif
