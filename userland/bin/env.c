/* env [-i] [-u name] [name=value...] [command [arg...]]: with no command,
 * prints the environment (changed as asked); with one, runs it with that
 * environment (posix_spawnp searches PATH; there is no exec, so env waits
 * and passes the command's exit status on: 128 + the signal when one
 * ended it, 127 when it is not found, 126 when it cannot be run).  -i
 * starts from an empty environment, -u removes a variable. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common.h"

extern char **environ;

const char *progname = "env";
static const char usage_text[] = "env [-i] [-u name] [name=value...] [command [arg...]]";

int main(int argc, char **argv)
{
    int opt;
    while ((opt = next_option(argc, argv, "iu:", usage_text)) != -1) {
        if (opt == 'i') {
            static char *empty[] = { NULL };
            environ = empty;
        } else if (unsetenv(option_arg) != 0) {
            error_errno(option_arg);
            return 125;
        }
    }
    int i = option_index;
    for (; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            break;
        if (eq == argv[i]) {
            error_msg("%s: no variable name", argv[i]);
            return 125;
        }
        *eq = '\0';
        int r = setenv(argv[i], eq + 1, 1);
        *eq = '=';
        if (r != 0) {
            error_errno(argv[i]);
            return 125;
        }
    }
    if (i == argc) {
        for (char **e = environ; e && *e; e++)
            puts(*e);
        return 0;
    }
    pid_t pid;
    int err = posix_spawnp(&pid, argv[i], NULL, NULL, argv + i, environ);
    if (err) {
        errno = err;
        error_errno(argv[i]);
        return err == ENOENT ? 127 : 126;
    }
    int status;
    while (waitpid(pid, &status, 0) != pid) {
        if (errno != EINTR) {
            error_errno("waitpid");
            return 125;
        }
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
