/*
 * getty: starts a shell on a terminal, as init.conf asks for each one:
 *
 *   service tty0 /sbin/getty -- /dev/tty0
 *
 * It makes the terminal the shell's standard input, output and error,
 * greets the user (/etc/atom-release, /etc/motd, the memory and where to
 * find help), then runs /bin/sh and waits for it.  When the shell ends
 * (exit, or Ctrl-D at the prompt) getty ends too, and init starts it
 * again: a fresh greeting and a fresh shell, with no login step.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "banner.h"

extern char **environ;

static int usage(void)
{
    fprintf(stderr, "usage: getty TERMINAL\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] != '/')
        return usage();
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "getty: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (!isatty(fd)) {
        fprintf(stderr, "getty: %s: not a terminal\n", argv[1]);
        return 1;
    }
    for (int i = 0; i < 3; i++)
        if (fd != i && dup2(fd, i) < 0) {
            fprintf(stderr, "getty: dup2: %s\n", strerror(errno));
            return 1;
        }
    if (fd > 2)
        close(fd);
    banner_print(stdout);
    fflush(stdout);

    char *const sh_argv[] = { "sh", NULL };
    setenv("HOME", "/", 0);
    setenv("TERM", "vt100", 0);
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, sh_argv, environ);
    if (err) {
        fprintf(stderr, "getty: /bin/sh: %s\n", strerror(err));
        return 1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    return 0;
}
