/*
 * sh: the Atom shell.
 *
 *   sh                    commands from standard input: with the line
 *                         editor and a prompt when it is a terminal
 *   sh -c TEXT [NAME [ARG...]]   runs TEXT, with $0 NAME and $1... ARGs
 *   sh FILE [ARG...]      runs the script FILE
 *
 * The pieces: lex.c and parse.c turn text into a tree, expand.c and
 * pattern.c turn its words into arguments, exec.c runs it (no fork: every
 * command is a posix_spawn), builtins.c has the commands the shell runs
 * itself, input.c reads lines from wherever they come, and line.c is the
 * editor at the prompt.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "input.h"
#include "shell.h"

static bool signal_ignored(int sig)
{
    struct sigaction sa;
    return sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

static void set_params(struct shell *sh, char *name, int argc, char **argv)
{
    sh->name = name;
    for (int i = 0; i < argc; i++)
        strvec_push_copy(&sh->params, argv[i]);
    strvec_array(&sh->params);
}

int main(int argc, char **argv)
{
    struct shell sh = { .pid = getpid(), .capture = exec_capture };
    sh.sigint_ignored = signal_ignored(SIGINT);
    sh.sigquit_ignored = signal_ignored(SIGQUIT);
    exec_subshell_import(&sh);
    char cwd[1024];
    if (getcwd(cwd, sizeof(cwd)))
        vars_export(&sh.vars, "PWD", cwd);

    int status;
    if (argc > 1 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            fprintf(stderr, "sh: -c: a command is needed\n");
            return 2;
        }
        set_params(&sh, argc > 3 ? argv[3] : argv[0], argc > 4 ? argc - 4 : 0, argv + 4);
        status = input_run_string(&sh, argv[2]);
    } else if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
        fprintf(stderr, "sh: %s: unknown option\nusage: sh [-c TEXT [NAME [ARG...]] | FILE [ARG...]]\n",
                argv[1]);
        return 2;
    } else if (argc > 1) {
        set_params(&sh, argv[1], argc - 2, argv + 2);
        status = input_run_file(&sh, argv[1]);
        if (status < 0)
            status = 127;
    } else {
        set_params(&sh, argv[0], 0, NULL);
        sh.interactive = isatty(0);
        if (sh.interactive) {
            /* ^C and ^\ are for the commands we run (line.h). */
            signal(SIGINT, SIG_IGN);
            signal(SIGQUIT, SIG_IGN);
            sh.pgid = getpid();
            sh.job_control = setpgid(0, 0) == 0 && tcsetpgrp(0, sh.pgid) == 0;
            status = input_run_interactive(&sh);
        } else {
            status = input_run_stdin(&sh);
        }
    }
    fflush(stdout);
    jobs_free(&sh.jobs);
    history_free(&sh.history);
    vars_free(&sh.vars);
    strvec_free(&sh.params);
    return status;
}
