/* kill [-s name | -num | -name] pid..., kill -l [status | name]: sends a
 * signal (SIGTERM unless told) to processes, or lists the signal names.
 * Names are taken with or without "SIG", in any case; signal 0 only
 * checks that the process exists.  "kill -l 143" names the signal of an
 * exit status above 128, as shells report it. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

const char *progname = "kill";
static const char usage_text[] = "kill [-s signal | -signal] pid... | kill -l [status]";

/* The signals newlib defines for this target; kill -l sorts them by number. */
static const struct { const char *name; int sig; } signals[] = {
    { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
    { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
    { "BUS", SIGBUS }, { "SEGV", SIGSEGV }, { "SYS", SIGSYS }, { "PIPE", SIGPIPE },
    { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "URG", SIGURG }, { "STOP", SIGSTOP },
    { "TSTP", SIGTSTP }, { "CONT", SIGCONT }, { "CHLD", SIGCHLD }, { "TTIN", SIGTTIN },
    { "TTOU", SIGTTOU }, { "IO", SIGIO }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
    { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
    { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
};
#define SIGNAL_COUNT (sizeof(signals) / sizeof(signals[0]))

static const char *signal_name(int sig)
{
    for (size_t i = 0; i < SIGNAL_COUNT; i++)
        if (signals[i].sig == sig)
            return signals[i].name;
    return NULL;
}

/* A name ("TERM", "SIGTERM", "term") or a number; -1 if neither. */
static int parse_signal(const char *s)
{
    if (isdigit((unsigned char)s[0])) {
        char *end;
        long v = strtol(s, &end, 10);
        return *end == '\0' && (v == 0 || signal_name((int)v)) ? (int)v : -1;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < SIGNAL_COUNT; i++)
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].sig;
    return -1;
}

static int compare_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static int list(int argc, char **argv)
{
    if (argc == 0) { /* every name, in signal-number order */
        int nums[SIGNAL_COUNT];
        for (size_t i = 0; i < SIGNAL_COUNT; i++)
            nums[i] = signals[i].sig;
        qsort(nums, SIGNAL_COUNT, sizeof(nums[0]), compare_int);
        for (size_t i = 0; i < SIGNAL_COUNT; i++)
            printf("%s%s", signal_name(nums[i]), i + 1 < SIGNAL_COUNT ? " " : "\n");
        return 0;
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        if (isdigit((unsigned char)argv[i][0])) {
            int v = atoi(argv[i]);
            const char *name = signal_name(v > 128 ? v - 128 : v);
            if (name) {
                puts(name);
                continue;
            }
        } else {
            int sig = parse_signal(argv[i]);
            if (sig > 0) {
                printf("%d\n", sig);
                continue;
            }
        }
        error_msg("%s: unknown signal", argv[i]);
        status = 1;
    }
    return status;
}

static int signal_or_usage(const char *s)
{
    int sig = parse_signal(s);
    if (sig < 0) {
        error_msg("%s: unknown signal", s);
        usage(usage_text);
    }
    return sig;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0)
        return list(argc - 2, argv + 2);
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc)
            usage(usage_text);
        sig = signal_or_usage(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
        sig = signal_or_usage(argv[i] + 1);
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        usage(usage_text);
    int status = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (argv[i][0] == '\0' || *end != '\0') {
            error_msg("%s: not a process ID", argv[i]);
            status = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) != 0) {
            error_errno(argv[i]);
            status = 1;
        }
    }
    return status;
}
