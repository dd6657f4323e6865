/*
 * builtins.c: the builtin commands (builtins.h).  Each is a function of
 * argc and argv like a program's main, writing through stdio (exec.c
 * flushes around them).  Messages follow "sh: NAME: what went wrong".
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "input.h"
#include "parse.h"

extern char **environ;

static int builtin_cd(struct shell *sh, int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : vars_get(&sh->vars, "HOME");
    bool print = false;
    if (!dir || !*dir)
        dir = "/";
    if (argc > 1 && strcmp(dir, "-") == 0) {
        dir = vars_get(&sh->vars, "OLDPWD");
        if (!dir) {
            fprintf(stderr, "sh: cd: OLDPWD not set\n");
            return 1;
        }
        print = true;
    }
    char old[1024];
    if (!getcwd(old, sizeof(old)))
        old[0] = '\0';
    if (chdir(dir) < 0) {
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char now[1024];
    if (getcwd(now, sizeof(now))) {
        vars_set(&sh->vars, "PWD", now);
        if (print)
            printf("%s\n", now);
    }
    if (old[0])
        vars_set(&sh->vars, "OLDPWD", old);
    return 0;
}

static int builtin_pwd(struct shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    char cwd[1024];
    if (!getcwd(cwd, sizeof(cwd))) {
        fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}

static bool is_number(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static int builtin_exit(struct shell *sh, int argc, char **argv)
{
    int status = sh->status;
    if (argc > 1) {
        if (!is_number(argv[1])) {
            fprintf(stderr, "sh: exit: %s: numeric argument required\n", argv[1]);
            status = 2;
        } else {
            status = atoi(argv[1]);
        }
    }
    fflush(stdout);
    exit(status & 0xff);
}

static int builtin_export(struct shell *sh, int argc, char **argv)
{
    int status = 0;
    if (argc == 1) {
        struct strvec all = { 0 };
        for (char **e = environ; e && *e; e++)
            strvec_push_copy(&all, *e);
        strvec_sort(&all);
        for (size_t i = 0; i < all.count; i++)
            printf("export %s\n", all.items[i]);
        strvec_free(&all);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!parse_is_name(argv[i], n)) {
            fprintf(stderr, "sh: export: '%s': not a valid name\n", argv[i]);
            status = 1;
            continue;
        }
        char *name = xstrndup(argv[i], n);
        vars_export(&sh->vars, name, eq ? eq + 1 : NULL);
        free(name);
    }
    return status;
}

static int builtin_unset(struct shell *sh, int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (!parse_is_name(argv[i], strlen(argv[i]))) {
            fprintf(stderr, "sh: unset: '%s': not a valid name\n", argv[i]);
            status = 1;
            continue;
        }
        vars_unset(&sh->vars, argv[i]);
    }
    return status;
}

/* Written in one write(), not through stdio: a failed write is then the
 * status, and leaves nothing buffered to come out later. */
static int builtin_echo(struct shell *sh, int argc, char **argv)
{
    (void)sh;
    int i = 1;
    bool newline = true;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = false;
        i++;
    }
    struct strbuf b = { 0 };
    for (; i < argc; i++) {
        strbuf_puts(&b, argv[i]);
        if (i + 1 < argc)
            strbuf_putc(&b, ' ');
    }
    if (newline)
        strbuf_putc(&b, '\n');
    fflush(stdout);
    size_t done = 0;
    while (done < b.len) {
        ssize_t n = write(1, b.data + done, b.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int status = done == b.len ? 0 : 1;
    if (status)
        fprintf(stderr, "sh: echo: %s\n", strerror(errno));
    strbuf_free(&b);
    return status;
}

static int builtin_true(struct shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    return 0;
}

static int builtin_false(struct shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    return 1;
}

static int builtin_shift(struct shell *sh, int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1;
    if ((argc > 1 && !is_number(argv[1])) || n > sh->params.count) {
        fprintf(stderr, "sh: shift: %s: shift count out of range\n", argc > 1 ? argv[1] : "1");
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        free(sh->params.items[i]);
    memmove(sh->params.items, sh->params.items + n,
            (sh->params.count - n + 1) * sizeof(*sh->params.items));
    sh->params.count -= n;
    return 0;
}

static int builtin_history(struct shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < sh->history.count; i++)
        printf("%5zu  %s\n", i + 1, sh->history.lines[i]);
    return 0;
}

static int builtin_jobs(struct shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    jobs_poll(&sh->jobs);
    jobs_print(&sh->jobs, stdout, false);
    return 0;
}

static int builtin_wait(struct shell *sh, int argc, char **argv)
{
    if (argc == 1) {
        jobs_wait_all(&sh->jobs);
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool job = a[0] == '%';
        if (!is_number(a + job)) {
            fprintf(stderr, "sh: wait: %s: not a pid or job\n", a);
            status = 2;
            continue;
        }
        long n = strtol(a + job, NULL, 10);
        status = job ? jobs_wait(&sh->jobs, (int)n) : jobs_wait_pid(&sh->jobs, (pid_t)n);
        if (status < 0) {
            fprintf(stderr, "sh: wait: %s: no such job\n", a);
            status = 127;
        }
    }
    return status;
}

static int builtin_source(struct shell *sh, int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "sh: %s: a file name is needed\n", argv[0]);
        return 2;
    }
    int status = input_run_file(sh, argv[1]);
    return status < 0 ? 1 : status;
}

/* read [-r] NAME...: one line of standard input, a byte at a time so
 * nothing after it is consumed; fields by IFS, the last NAME gets the
 * rest of the line. */
static int builtin_read(struct shell *sh, int argc, char **argv)
{
    int i = 1;
    bool raw = argc > 1 && strcmp(argv[1], "-r") == 0;
    i += raw;
    struct strbuf line = { 0 };
    bool got_newline = false;
    for (;;) {
        char c;
        ssize_t n = read(0, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\\' && !raw) {
            if (read(0, &c, 1) == 1 && c != '\n')
                strbuf_putc(&line, c);
            continue;
        }
        if (c == '\n') {
            got_newline = true;
            break;
        }
        strbuf_putc(&line, c);
    }
    const char *sep = vars_get(&sh->vars, "IFS");
    if (!sep)
        sep = " \t\n";
    const char *p = strbuf_str(&line);
    for (; i < argc; i++) {
        p += strspn(p, sep);
        size_t n = i + 1 < argc ? strcspn(p, sep) : strlen(p);
        if (i + 1 == argc)
            while (n && strchr(sep, p[n - 1]))
                n--;
        char *value = xstrndup(p, n);
        if (parse_is_name(argv[i], strlen(argv[i])))
            vars_set(&sh->vars, argv[i], value);
        free(value);
        p += n;
    }
    int status = got_newline || line.len ? 0 : 1;
    strbuf_free(&line);
    return status;
}

static int builtin_help(struct shell *sh, int argc, char **argv);

static const struct {
    const char *name;
    builtin_fn fn;
    const char *usage;
} builtins[] = {
    { ".", builtin_source, ". FILE          run FILE's commands in this shell" },
    { "cd", builtin_cd, "cd [DIR | -]    change directory (no DIR: $HOME, else /)" },
    { "echo", builtin_echo, "echo [-n] ARG.. print the arguments" },
    { "exit", builtin_exit, "exit [N]        leave the shell with status N (or $?)" },
    { "export", builtin_export, "export [NAME[=VALUE]]..  pass variables to commands" },
    { "false", builtin_false, "false           fail" },
    { "help", builtin_help, "help            this list" },
    { "history", builtin_history, "history         the lines typed so far" },
    { "jobs", builtin_jobs, "jobs            background jobs" },
    { "pwd", builtin_pwd, "pwd             print the working directory" },
    { "read", builtin_read, "read [-r] NAME..  read a line into variables" },
    { "shift", builtin_shift, "shift [N]       drop the first N arguments ($1...)" },
    { "source", builtin_source, "source FILE     as ." },
    { "true", builtin_true, "true            succeed" },
    { "unset", builtin_unset, "unset NAME..    remove variables" },
    { "wait", builtin_wait, "wait [%JOB | PID]..  wait for background jobs" },
};

#define BUILTIN_COUNT (sizeof(builtins) / sizeof(builtins[0]))

const char *const builtin_names[] = {
    ".", "cd", "echo", "exit", "export", "false", "help", "history", "jobs", "pwd",
    "read", "shift", "source", "true", "unset", "wait", NULL,
};

_Static_assert(sizeof(builtin_names) / sizeof(builtin_names[0]) == BUILTIN_COUNT + 1,
               "builtin_names lists every builtin");

static int builtin_help(struct shell *sh, int argc, char **argv)
{
    (void)sh;
    (void)argc;
    (void)argv;
    printf("Atom sh: commands separated by ; & && || and newlines, pipelines with |,\n"
           "redirections < > >> <> N>&M N>&-, ( subshells ), quoting with ' \" \\,\n"
           "$VAR ${VAR} ${VAR:-word} $? $$ $! $# $1.. $@ $(command), ~, * ? [..] globs.\n"
           "Builtins:\n");
    for (size_t i = 0; i < BUILTIN_COUNT; i++)
        printf("  %s\n", builtins[i].usage);
    return 0;
}

builtin_fn builtin_find(const char *name)
{
    for (size_t i = 0; i < BUILTIN_COUNT; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
