/*
 * utty: terminal checks the interactive boot tests drive from the shell
 * (tests/boot/interactive.py).  One mode per run:
 *
 *   utty winsize        prints "ROWS COLS" of standard input's terminal
 *   utty raw N          reads N bytes in raw mode (no echo, no line
 *                       editing, no signals) and prints them in hex; the
 *                       mode is put back afterwards
 *   utty foreground     prints "foreground" when our process group is
 *                       (within a second) the terminal's foreground group
 *   utty sigint         catches SIGINT and reads a line: prints
 *                       "interrupted" when the read failed with EINTR
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void on_sigint(int sig)
{
    (void)sig;
}

static int usage(void)
{
    fprintf(stderr, "usage: utty winsize | raw N | foreground | sigint\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "winsize") == 0) {
        struct winsize ws;
        if (ioctl(0, TIOCGWINSZ, &ws) != 0) {
            perror("utty: TIOCGWINSZ");
            return 1;
        }
        printf("%u %u\n", ws.ws_row, ws.ws_col);
    } else if (strcmp(argv[1], "raw") == 0 && argc == 3) {
        int n = atoi(argv[2]);
        struct termios saved, raw;
        if (n <= 0 || n > 64 || tcgetattr(0, &saved) != 0)
            return usage();
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
        printf("ready\r\n");
        fflush(stdout);
        unsigned char buf[64];
        int got = 0;
        while (got < n) {
            ssize_t r = read(0, buf + got, (size_t)(n - got));
            if (r <= 0)
                break;
            got += (int)r;
        }
        tcsetattr(0, TCSANOW, &saved);
        for (int i = 0; i < got; i++)
            printf("%02x%s", buf[i], i + 1 < got ? " " : "\n");
    } else if (strcmp(argv[1], "foreground") == 0) {
        /* The shell hands the terminal over just after starting us. */
        bool fg = false;
        for (int i = 0; i < 100 && !(fg = tcgetpgrp(0) == getpgrp()); i++)
            usleep(10000);
        printf("%s\n", fg ? "foreground" : "background");
    } else if (strcmp(argv[1], "sigint") == 0) {
        struct sigaction sa = { .sa_handler = on_sigint };
        sigaction(SIGINT, &sa, NULL);
        printf("waiting\n");
        fflush(stdout);
        char line[64];
        ssize_t r = read(0, line, sizeof(line));
        printf("%s\n", r < 0 && errno == EINTR ? "interrupted" : "not interrupted");
    } else {
        return usage();
    }
    return 0;
}
