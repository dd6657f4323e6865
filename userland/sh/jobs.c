/*
 * jobs.c: the background job table (jobs.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "jobs.h"

int jobs_exit_status(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return 1;
}

int jobs_add(struct jobs *j, const pid_t *pids, size_t count, const char *text)
{
    int id = 1;
    for (size_t i = 0; i < j->count; i++)
        if (j->list[i].id >= id)
            id = j->list[i].id + 1;
    j->list = xrealloc(j->list, (j->count + 1) * sizeof(*j->list));
    struct job *job = &j->list[j->count++];
    job->id = id;
    job->count = count;
    job->pids = xmalloc(count * sizeof(*job->pids));
    job->status = xmalloc(count * sizeof(*job->status));
    job->done = xmalloc(count * sizeof(*job->done));
    for (size_t i = 0; i < count; i++) {
        job->pids[i] = pids[i];
        job->status[i] = 0;
        job->done[i] = false;
    }
    job->text = xstrdup(text);
    return id;
}

static bool job_done(const struct job *job)
{
    for (size_t i = 0; i < job->count; i++)
        if (!job->done[i])
            return false;
    return true;
}

static void job_remove(struct jobs *j, size_t index)
{
    struct job *job = &j->list[index];
    free(job->pids);
    free(job->status);
    free(job->done);
    free(job->text);
    memmove(job, job + 1, (j->count - index - 1) * sizeof(*job));
    j->count--;
}

/* Collects process i of job; with block, waits for it. */
static void job_collect(struct job *job, size_t i, bool block)
{
    if (job->done[i])
        return;
    int ws = 0;
    pid_t r;
    do
        r = waitpid(job->pids[i], &ws, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == job->pids[i]) {
        job->done[i] = true;
        job->status[i] = jobs_exit_status(ws);
    } else if (r < 0) {
        job->done[i] = true;       /* not our child any more */
        job->status[i] = 127;
    }
}

void jobs_poll(struct jobs *j)
{
    for (size_t k = 0; k < j->count; k++)
        for (size_t i = 0; i < j->list[k].count; i++)
            job_collect(&j->list[k], i, false);
}

void jobs_print(struct jobs *j, FILE *out, bool only_done)
{
    for (size_t k = 0; k < j->count;) {
        struct job *job = &j->list[k];
        bool done = job_done(job);
        if (!done) {
            if (!only_done)
                fprintf(out, "[%d]  Running  %s\n", job->id, job->text);
            k++;
            continue;
        }
        int st = job->status[job->count - 1];
        if (st == 0)
            fprintf(out, "[%d]  Done     %s\n", job->id, job->text);
        else
            fprintf(out, "[%d]  Exit %-3d %s\n", job->id, st, job->text);
        job_remove(j, k);
    }
    fflush(out);
}

void jobs_forget_done(struct jobs *j)
{
    for (size_t k = 0; k < j->count;) {
        if (job_done(&j->list[k]))
            job_remove(j, k);
        else
            k++;
    }
}

int jobs_wait(struct jobs *j, int id)
{
    for (size_t k = 0; k < j->count; k++) {
        struct job *job = &j->list[k];
        if (job->id != id)
            continue;
        for (size_t i = 0; i < job->count; i++)
            job_collect(job, i, true);
        int st = job->status[job->count - 1];
        job_remove(j, k);
        return st;
    }
    return -1;
}

int jobs_wait_pid(struct jobs *j, pid_t pid)
{
    for (size_t k = 0; k < j->count; k++) {
        struct job *job = &j->list[k];
        for (size_t i = 0; i < job->count; i++) {
            if (job->pids[i] != pid)
                continue;
            job_collect(job, i, true);
            int st = job->status[i];
            if (job_done(job))
                job_remove(j, k);
            return st;
        }
    }
    return -1;
}

void jobs_wait_all(struct jobs *j)
{
    while (j->count)
        jobs_wait(j, j->list[0].id);
}

void jobs_free(struct jobs *j)
{
    while (j->count)
        job_remove(j, 0);
    free(j->list);
    j->list = NULL;
}
