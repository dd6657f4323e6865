/*
 * exec.c: running the tree (exec.h).
 *
 * Descriptors the shell opens for a command (redirection targets, pipe
 * ends) are moved to 10 and above with close-on-exec set, so that a child
 * gets only what its file actions give it, and the user's 0 to 9 stay
 * theirs.  A command's pieces are expanded and its files opened in the
 * shell first (prepare); only then is it spawned or, for a builtin, run
 * here with descriptors 0 to 9 saved and restored around it.
 *
 * While a child runs, a non-interactive shell ignores SIGINT and SIGQUIT
 * (an interactive one always does), so that ^C ends the command and not
 * the shell; foreground children get the default actions back through
 * POSIX_SPAWN_SETSIGDEF, background ones keep ignoring them as in any
 * shell without job control.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
#include "expand.h"

extern char **environ;

#define SUBSHELL_VAR "SH_SUBSHELL"
#define FIRST_PRIVATE_FD 10

/* ---- descriptors -------------------------------------------------------- */

/* A copy of fd at FIRST_PRIVATE_FD or above, close-on-exec.  (Two calls:
 * Atom's file server has no F_DUPFD_CLOEXEC.) */
static int fd_dup_high(int fd)
{
    int high = fcntl(fd, F_DUPFD, FIRST_PRIVATE_FD);
    if (high >= 0)
        fcntl(high, F_SETFD, FD_CLOEXEC);
    return high;
}

static int fd_move_high(int fd)
{
    int high = fd_dup_high(fd);
    int err = errno;
    close(fd);
    errno = err;
    return high;
}

static int pipe_high(int p[2])
{
    if (pipe(p) < 0)
        return -1;
    p[0] = fd_move_high(p[0]);
    p[1] = fd_move_high(p[1]);
    if (p[0] < 0 || p[1] < 0) {
        if (p[0] >= 0)
            close(p[0]);
        if (p[1] >= 0)
            close(p[1]);
        return -1;
    }
    return 0;
}

static void close_if_open(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* ---- redirections ------------------------------------------------------- */

struct redir_op {
    int fd;
    int src;                   /* dup2(src, fd); -1 closes fd */
};

struct redir_plan {
    struct redir_op *ops;
    size_t count;
    int *opened;               /* our descriptors for the files */
    size_t opened_count;
};

static void plan_add(struct redir_plan *plan, int fd, int src)
{
    plan->ops = xrealloc(plan->ops, (plan->count + 1) * sizeof(*plan->ops));
    plan->ops[plan->count++] = (struct redir_op){ fd, src };
}

static void plan_free(struct redir_plan *plan)
{
    for (size_t i = 0; i < plan->opened_count; i++)
        close(plan->opened[i]);
    free(plan->ops);
    free(plan->opened);
    *plan = (struct redir_plan){ 0 };
}

static int open_flags(enum redir_kind kind)
{
    switch (kind) {
    case REDIR_IN:
        return O_RDONLY;
    case REDIR_OUT:
        return O_WRONLY | O_CREAT | O_TRUNC;
    case REDIR_APPEND:
        return O_WRONLY | O_CREAT | O_APPEND;
    default:
        return O_RDWR | O_CREAT;
    }
}

/* Expands the targets and opens the files; -1 after reporting an error. */
static int plan_build(struct shell *sh, const struct command *cmd, struct redir_plan *plan)
{
    for (size_t i = 0; i < cmd->redir_count; i++) {
        const struct redirect *r = &cmd->redirs[i];
        if (r->fd >= FIRST_PRIVATE_FD) {
            fprintf(stderr, "sh: %d: bad file descriptor\n", r->fd);
            return -1;
        }
        char *target = expand_redirect(sh, r->word);
        if (!target)
            return -1;
        if (r->kind == REDIR_DUP_IN || r->kind == REDIR_DUP_OUT) {
            if (strcmp(target, "-") == 0) {
                plan_add(plan, r->fd, -1);
            } else if (target[0] >= '0' && target[0] <= '9' && !target[1]) {
                plan_add(plan, r->fd, target[0] - '0');
            } else {
                fprintf(stderr, "sh: %s: bad file descriptor\n", target);
                free(target);
                return -1;
            }
            free(target);
            continue;
        }
        int fd = open(target, open_flags(r->kind) | O_CLOEXEC, 0666);
        if (fd >= 0)
            fd = fd_move_high(fd);
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", target, strerror(errno));
            free(target);
            return -1;
        }
        free(target);
        plan->opened = xrealloc(plan->opened, (plan->opened_count + 1) * sizeof(int));
        plan->opened[plan->opened_count++] = fd;
        plan_add(plan, r->fd, fd);
    }
    return 0;
}

/* Descriptors 0..9 as they were before a builtin's redirections. */
struct saved_fds {
    bool saved[FIRST_PRIVATE_FD];
    int copy[FIRST_PRIVATE_FD];    /* -1: it was closed */
};

static int plan_apply(const struct redir_plan *plan, struct saved_fds *s)
{
    fflush(stdout);
    fflush(stderr);
    for (size_t i = 0; i < plan->count; i++) {
        const struct redir_op *op = &plan->ops[i];
        if (!s->saved[op->fd]) {
            s->copy[op->fd] = fd_dup_high(op->fd);
            s->saved[op->fd] = true;
        }
        if (op->src < 0) {
            close(op->fd);
        } else if (op->src != op->fd && dup2(op->src, op->fd) < 0) {
            fprintf(stderr, "sh: %d: bad file descriptor\n", op->src);
            return -1;
        }
    }
    return 0;
}

static void plan_restore(struct saved_fds *s)
{
    fflush(stdout);
    fflush(stderr);
    for (int fd = 0; fd < FIRST_PRIVATE_FD; fd++) {
        if (!s->saved[fd])
            continue;
        if (s->copy[fd] >= 0) {
            dup2(s->copy[fd], fd);
            close(s->copy[fd]);
        } else {
            close(fd);
        }
    }
}

/* ---- signals and spawning ------------------------------------------------ */

struct saved_signals {
    bool active;
    void (*intr)(int);
    void (*quit)(int);
};

static void signals_ignore(const struct shell *sh, struct saved_signals *s)
{
    *s = (struct saved_signals){ .active = !sh->interactive };
    if (s->active) {
        s->intr = signal(SIGINT, SIG_IGN);
        s->quit = signal(SIGQUIT, SIG_IGN);
    }
}

static void signals_restore(const struct saved_signals *s)
{
    if (s->active) {
        signal(SIGINT, s->intr);
        signal(SIGQUIT, s->quit);
    }
}

/* Job control, for an interactive shell on a terminal: every job (a
 * pipeline, a background list, a $(...)) gets a process group of its own,
 * made by its first process; a foreground job's group is the terminal's
 * foreground until it ends, so ^C reaches all of it and not us. */
static void job_joined(struct shell *sh, pid_t pid, bool background)
{
    if (!sh->job_control || sh->job_pgid)
        return;
    sh->job_pgid = pid;
    if (!background)
        tcsetpgrp(0, pid);
}

static void job_end(struct shell *sh)
{
    if (sh->job_control && sh->job_pgid)
        tcsetpgrp(0, sh->pgid);
    sh->job_pgid = 0;
}

static int spawn(struct shell *sh, const char *prog, bool search,
                 const posix_spawn_file_actions_t *fa, char **argv, char **envp,
                 bool background, pid_t *pid)
{
    posix_spawnattr_t attr;
    short flags = 0;
    posix_spawnattr_init(&attr);
    if (sh->job_control) {
        posix_spawnattr_setpgroup(&attr, sh->job_pgid);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    if (!background) {
        sigset_t defaults;
        sigemptyset(&defaults);
        if (!sh->sigint_ignored)
            sigaddset(&defaults, SIGINT);
        if (!sh->sigquit_ignored)
            sigaddset(&defaults, SIGQUIT);
        posix_spawnattr_setsigdefault(&attr, &defaults);
        flags |= POSIX_SPAWN_SETSIGDEF;
    }
    posix_spawnattr_setflags(&attr, flags);
    fflush(stdout);
    fflush(stderr);
    int err = search ? posix_spawnp(pid, prog, fa, &attr, argv, envp)
                     : posix_spawn(pid, prog, fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    if (!err)
        job_joined(sh, *pid, background);
    return err;
}

static const char *signal_text(int sig)
{
    switch (sig) {
    case SIGSEGV: return "Segmentation fault";
    case SIGFPE: return "Floating point exception";
    case SIGILL: return "Illegal instruction";
    case SIGBUS: return "Bus error";
    case SIGABRT: return "Aborted";
    case SIGKILL: return "Killed";
    case SIGTERM: return "Terminated";
    case SIGQUIT: return "Quit";
    default: return NULL;
    }
}

static int wait_foreground(const struct shell *sh, pid_t pid)
{
    int ws = 0;
    pid_t r;
    do
        r = waitpid(pid, &ws, 0);
    while (r < 0 && errno == EINTR);
    if (r != pid)
        return 127;
    if (WIFSIGNALED(ws)) {
        int sig = WTERMSIG(ws);
        if (sig == SIGINT) {
            if (sh->interactive && !sh->job_control)  /* else the terminal echoed ^C */
                fputc('\n', stderr);
        } else if (sig != SIGPIPE) {
            const char *text = signal_text(sig);
            if (text)
                fprintf(stderr, "%s\n", text);
            else
                fprintf(stderr, "Killed by signal %d\n", sig);
        }
    }
    return jobs_exit_status(ws);
}

/* ---- child shells -------------------------------------------------------- */

/* sh -c TEXT $0 $1 ...: the child sees our positional parameters. */
static void child_shell_argv(const struct shell *sh, const char *text, struct strvec *argv)
{
    strvec_push_copy(argv, "sh");
    strvec_push_copy(argv, "-c");
    strvec_push_copy(argv, text);
    strvec_push_copy(argv, sh->name ? sh->name : "sh");
    for (size_t i = 0; i < sh->params.count; i++)
        strvec_push_copy(argv, sh->params.items[i]);
}

/* Our environment plus the unexported variables, the assignments given,
 * and SH_SUBSHELL="$$ $? $! NAME...", NAME being those not to export. */
static void child_shell_env(const struct shell *sh, char *const *assigns, size_t count,
                            struct strvec *env)
{
    struct strvec over = { 0 };
    struct strbuf state = { 0 };
    char head[80];
    snprintf(head, sizeof(head), "%s=%ld %d %ld", SUBSHELL_VAR, sh->pid, sh->status,
             sh->last_background);
    strbuf_puts(&state, head);
    for (size_t i = 0; i < sh->vars.locals.count; i++) {
        const char *pair = sh->vars.locals.items[i];
        strvec_push_copy(&over, pair);
        strbuf_putc(&state, ' ');
        strbuf_putn(&state, pair, strcspn(pair, "="));
    }
    for (size_t i = 0; i < count; i++)
        strvec_push_copy(&over, assigns[i]);
    strvec_push(&over, strbuf_take(&state));
    vars_environ_with(over.items, over.count, env);
    strvec_free(&over);
}

void exec_subshell_import(struct shell *sh)
{
    const char *value = getenv(SUBSHELL_VAR);
    if (!value)
        return;
    char *state = xstrdup(value);
    unsetenv(SUBSHELL_VAR);
    char *p = state;
    sh->pid = strtol(p, &p, 10);
    sh->status = (int)strtol(p, &p, 10);
    sh->last_background = strtol(p, &p, 10);
    for (char *name = strtok(p, " "); name; name = strtok(NULL, " ")) {
        const char *v = getenv(name);
        if (!v)
            continue;
        char *copy = xstrdup(v);
        unsetenv(name);        /* now vars_set keeps it unexported */
        vars_set(&sh->vars, name, copy);
        free(copy);
    }
    free(state);
}

/* ---- commands ------------------------------------------------------------ */

struct prepared {
    struct strvec argv;
    struct strvec assigns;     /* expanded NAME=value */
    struct redir_plan plan;
};

static void prepared_free(struct prepared *c)
{
    strvec_free(&c->argv);
    strvec_free(&c->assigns);
    plan_free(&c->plan);
}

/* Expands the words and assignments and opens the redirections' files;
 * -1 after reporting an error. */
static int prepare(struct shell *sh, const struct command *cmd, struct prepared *c)
{
    *c = (struct prepared){ 0 };
    if (expand_words(sh, cmd->words, cmd->word_count, &c->argv) < 0)
        return -1;
    for (size_t i = 0; i < cmd->assign_count; i++) {
        char *a = expand_assignment(sh, cmd->assigns[i]);
        if (!a)
            return -1;
        strvec_push(&c->assigns, a);
    }
    strvec_array(&c->assigns);
    return plan_build(sh, cmd, &c->plan);
}

static void report_spawn_error(const char *name, int err)
{
    if (err == ENOENT && !strchr(name, '/'))
        fprintf(stderr, "sh: %s: command not found\n", name);
    else
        fprintf(stderr, "sh: %s: %s\n", name, strerror(err));
}

/* Spawns a prepared command with in and out (unless -1) as its standard
 * input and output.  Returns its pid, or -1 when nothing was started,
 * with *status set. */
static pid_t spawn_prepared(struct shell *sh, const struct command *cmd, struct prepared *c,
                            int in, int out, bool background, int *status)
{
    posix_spawn_file_actions_t fa;
    struct strvec argv = { 0 }, env = { 0 };
    pid_t pid = -1;
    int err = 0;
    const char *name = SH_PATH;
    *status = 0;
    posix_spawn_file_actions_init(&fa);
    if (in >= 0)
        posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0)
        posix_spawn_file_actions_adddup2(&fa, out, 1);
    for (size_t i = 0; i < c->plan.count; i++) {
        const struct redir_op *op = &c->plan.ops[i];
        if (op->src < 0)
            posix_spawn_file_actions_addclose(&fa, op->fd);
        else
            posix_spawn_file_actions_adddup2(&fa, op->src, op->fd);
    }
    if (cmd->subshell) {
        child_shell_argv(sh, cmd->subshell, &argv);
        child_shell_env(sh, c->assigns.items, c->assigns.count, &env);
        err = spawn(sh, SH_PATH, false, &fa, argv.items, env.items, background, &pid);
    } else if (c->argv.count == 0) {
        /* Only assignments and redirections: nothing to run. */
    } else if (builtin_find(c->argv.items[0])) {
        /* sh -c '"$@"' sh NAME ARGS...: the words need no quoting. */
        strvec_push_copy(&argv, "sh");
        strvec_push_copy(&argv, "-c");
        strvec_push_copy(&argv, "\"$@\"");
        strvec_push_copy(&argv, "sh");
        for (size_t i = 0; i < c->argv.count; i++)
            strvec_push_copy(&argv, c->argv.items[i]);
        child_shell_env(sh, c->assigns.items, c->assigns.count, &env);
        err = spawn(sh, SH_PATH, false, &fa, argv.items, env.items, background, &pid);
    } else {
        name = c->argv.items[0];
        char **envp = environ;
        if (c->assigns.count) {
            vars_environ_with(c->assigns.items, c->assigns.count, &env);
            envp = env.items;
        }
        err = spawn(sh, name, true, &fa, c->argv.items, envp, background, &pid);
        if (err == ENOEXEC && strchr(name, '/')) {
            /* Not a program: a script, for us to run. */
            strvec_push_copy(&argv, "sh");
            for (size_t i = 0; i < c->argv.count; i++)
                strvec_push_copy(&argv, c->argv.items[i]);
            err = spawn(sh, SH_PATH, false, &fa, argv.items, envp, background, &pid);
        }
    }
    if (err) {
        /* Said where the command's own errors would have gone. */
        struct saved_fds saved = { 0 };
        if (plan_apply(&c->plan, &saved) == 0)
            report_spawn_error(name, err);
        plan_restore(&saved);
        *status = err == ENOENT ? 127 : 126;
        pid = -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    strvec_free(&argv);
    strvec_free(&env);
    return pid;
}

/* A lone command in the foreground: builtins and assignments run here. */
static int run_simple(struct shell *sh, const struct command *cmd)
{
    struct prepared c;
    int captures = sh->captures;
    int status = 1;
    if (prepare(sh, cmd, &c) < 0) {
        prepared_free(&c);
        return 1;
    }
    builtin_fn fn = c.argv.count ? builtin_find(c.argv.items[0]) : NULL;
    if (c.argv.count == 0 || fn) {
        /* As for POSIX special builtins, assignments stay. */
        for (size_t i = 0; i < c.assigns.count; i++)
            vars_assign(&sh->vars, c.assigns.items[i]);
        if (!fn) {
            status = sh->captures != captures ? sh->status : 0;
        } else {
            struct saved_fds saved = { 0 };
            if (plan_apply(&c.plan, &saved) == 0)
                status = fn(sh, (int)c.argv.count, c.argv.items);
            plan_restore(&saved);
        }
    } else {
        struct saved_signals sig;
        signals_ignore(sh, &sig);
        pid_t pid = spawn_prepared(sh, cmd, &c, -1, -1, false, &status);
        if (pid > 0)
            status = wait_foreground(sh, pid);
        job_end(sh);
        signals_restore(&sig);
    }
    prepared_free(&c);
    return status;
}

static pid_t start_command(struct shell *sh, const struct command *cmd, int in, int out,
                           bool background, int *status)
{
    struct prepared c;
    pid_t pid = -1;
    *status = 1;
    if (prepare(sh, cmd, &c) == 0)
        pid = spawn_prepared(sh, cmd, &c, in, out, background, status);
    prepared_free(&c);
    return pid;
}

static void add_job(struct shell *sh, const pid_t *pids, size_t count, const char *text)
{
    if (count == 0)
        return;
    int id = jobs_add(&sh->jobs, pids, count, text);
    sh->last_background = pids[count - 1];
    if (sh->interactive)
        fprintf(stderr, "[%d] %ld\n", id, (long)pids[count - 1]);
}

static int run_pipeline(struct shell *sh, const struct pipeline *pl, bool background,
                        const char *text)
{
    int status = 0;
    size_t n = pl->count;
    if (n == 1 && !background && !pl->cmds[0].subshell) {
        status = run_simple(sh, &pl->cmds[0]);
        return pl->negate ? !status : status;
    }
    pid_t *pids = xmalloc(n * sizeof(*pids));
    int *statuses = xmalloc(n * sizeof(*statuses));
    struct saved_signals sig;
    signals_ignore(sh, &sig);
    int prev = -1;
    for (size_t i = 0; i < n; i++) {
        int p[2] = { -1, -1 };
        if (i + 1 < n && pipe_high(p) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            pids[i] = -1;
            statuses[i] = 1;
            for (size_t k = i + 1; k < n; k++) {
                pids[k] = -1;
                statuses[k] = 1;
            }
            break;
        }
        pids[i] = start_command(sh, &pl->cmds[i], prev, p[1], background, &statuses[i]);
        close_if_open(prev);
        close_if_open(p[1]);
        prev = p[0];
    }
    close_if_open(prev);
    if (background) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            if (pids[i] > 0)
                pids[count++] = pids[i];
        add_job(sh, pids, count, text);
    } else {
        for (size_t i = 0; i < n; i++)
            if (pids[i] > 0)
                statuses[i] = wait_foreground(sh, pids[i]);
        status = statuses[n - 1];
    }
    job_end(sh);
    signals_restore(&sig);
    free(pids);
    free(statuses);
    return pl->negate ? !status : status;
}

/* `a && b &`: the whole list runs in a child shell. */
static void run_background_list(struct shell *sh, const struct and_or *ao)
{
    struct strvec argv = { 0 }, env = { 0 };
    child_shell_argv(sh, ao->text, &argv);
    child_shell_env(sh, NULL, 0, &env);
    struct saved_signals sig;
    signals_ignore(sh, &sig);
    pid_t pid;
    int err = spawn(sh, SH_PATH, false, NULL, argv.items, env.items, true, &pid);
    job_end(sh);
    signals_restore(&sig);
    if (err)
        report_spawn_error(SH_PATH, err);
    else
        add_job(sh, &pid, 1, ao->text);
    strvec_free(&argv);
    strvec_free(&env);
}

static void run_and_or(struct shell *sh, const struct and_or *ao)
{
    if (ao->background && ao->count > 1) {
        run_background_list(sh, ao);
        sh->status = 0;
        return;
    }
    sh->status = run_pipeline(sh, &ao->pipes[0], ao->background, ao->text);
    for (size_t i = 1; i < ao->count; i++) {
        if ((ao->ops[i - 1] == AND_IF) != (sh->status == 0))
            continue;
        sh->status = run_pipeline(sh, &ao->pipes[i], false, ao->text);
    }
}

void exec_program(struct shell *sh, const struct program *prog)
{
    for (size_t i = 0; i < prog->count; i++) {
        jobs_poll(&sh->jobs);
        run_and_or(sh, &prog->items[i]);
    }
}

char *exec_capture(struct shell *sh, const char *text)
{
    struct strbuf out = { 0 };
    struct strvec argv = { 0 }, env = { 0 };
    posix_spawn_file_actions_t fa;
    int p[2];
    sh->captures++;
    if (pipe_high(p) < 0) {
        fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
        sh->status = 1;
        return strbuf_take(&out);
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    child_shell_argv(sh, text, &argv);
    child_shell_env(sh, NULL, 0, &env);
    struct saved_signals sig;
    signals_ignore(sh, &sig);
    pid_t pid;
    int err = spawn(sh, SH_PATH, false, &fa, argv.items, env.items, false, &pid);
    close(p[1]);
    if (err) {
        report_spawn_error(SH_PATH, err);
        sh->status = 127;
    } else {
        char buf[512];
        for (;;) {
            ssize_t n = read(p[0], buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            strbuf_putn(&out, buf, (size_t)n);
        }
        sh->status = wait_foreground(sh, pid);
    }
    job_end(sh);
    close(p[0]);
    signals_restore(&sig);
    posix_spawn_file_actions_destroy(&fa);
    strvec_free(&argv);
    strvec_free(&env);
    return strbuf_take(&out);
}
