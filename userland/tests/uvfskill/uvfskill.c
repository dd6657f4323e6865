/*
 * uvfskill: the file server dies in the middle of a client's work, and
 * the client survives it.  A helper (this program again, "kill PID MS")
 * kills the VFS while we write a file in a loop; the write in flight, or
 * the next one, must fail (EIO, or EBADF once the restarted server has
 * forgotten our descriptors) instead of hanging; init restarts the
 * server; and new work then succeeds.  Exits with the number of failed
 * checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atom/proc.h>

extern char **environ;
static int failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failed++;                                                        \
            printf("uvfskill: FAIL line %d (errno %d): ", __LINE__, errno);  \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

static int pid_of(const char *name)
{
    struct atom_process_info info;
    int pid = 0;
    while ((pid = atom_process_next(pid, &info)) > 0)
        if (strcmp(info.name, name) == 0 && info.state == PROC_STATE_RUNNING)
            return pid;
    return 0;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "kill") == 0) {
        usleep((useconds_t)atoi(argv[3]) * 1000);
        return kill(atoi(argv[2]), SIGKILL) == 0 ? 0 : 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int vfs = pid_of("vfs");
    CHECK(vfs > 0, "the process list names the file server");
    int fd = open("/tmp/work", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create /tmp/work");

    char pid_text[16];
    snprintf(pid_text, sizeof(pid_text), "%d", vfs);
    char *killer_argv[] = { argv[0], "kill", pid_text, "300", NULL };
    pid_t killer;
    CHECK(posix_spawn(&killer, "/tests/uvfskill", NULL, NULL, killer_argv, environ) == 0,
          "spawn the killer");

    /* Write until the server goes. */
    static char block[65536];
    memset(block, 'w', sizeof(block));
    double start = seconds();
    long writes = 0;
    int err = 0;
    while (seconds() - start < 30) {
        if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
            err = errno;
            break;
        }
        if (++writes % 64 == 0)
            lseek(fd, 0, SEEK_SET);      /* keep the file small */
    }
    CHECK(err == EIO || err == EBADF, "work fails with EIO or EBADF, not %d, after %ld writes",
          err, writes);
    int status = -1;
    CHECK(waitpid(killer, &status, 0) == killer && status == 0, "the killer did its job: %#x",
          status);

    /* init restarts the server within its backoff; retry until it is back. */
    int again = -1;
    start = seconds();
    while (seconds() - start < 10 && (again = open("/tmp/after", O_RDWR | O_CREAT, 0644)) < 0)
        usleep(50000);
    CHECK(again >= 0, "a new file can be created after the restart");
    CHECK(write(again, "back", 4) == 4 && lseek(again, 0, SEEK_SET) == 0, "write after restart");
    char buf[8] = { 0 };
    CHECK(read(again, buf, sizeof(buf)) == 4 && memcmp(buf, "back", 4) == 0, "read after restart");
    close(again);
    errno = 0;
    CHECK(write(fd, "x", 1) == -1 && errno == EBADF, "the old descriptor is gone");
    int vfs2 = pid_of("vfs");
    CHECK(vfs2 > 0 && vfs2 != vfs, "init restarted the server: pid %d, was %d", vfs2, vfs);
    printf("uvfskill: %d failed (%ld writes before the server died)\n", failed, writes);
    return failed;
}
