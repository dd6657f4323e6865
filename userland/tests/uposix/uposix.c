/*
 * uposix: the POSIX layer of the C library against the real servers (the
 * VFS and init's process server), run as a test of the self-test boot's
 * user-space suite (/etc/init-selftest.conf).  Every call of the port is
 * exercised, with its error paths: files and directories in /tmp, the
 * read-only root, /dev, descriptors, pipes, spawning and waiting, kill,
 * clocks, the environment and signals.  Exits with the number of failed
 * checks.
 *
 * It is also its own child: "uposix child MODE ..." does one small thing
 * (exit with a status, crash, sleep, copy standard input to output, ...)
 * for the process tests.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <atom/cap.h>
#include <atom/raw_syscall.h>

extern char **environ;

static int failed;
static const char *self_path = "/tests/uposix";

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failed++;                                                        \
            printf("uposix: FAIL line %d (errno %d): ", __LINE__, errno);    \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

/* A call that must fail with errno e. */
#define FAILS(call, e, what)                                                 \
    do {                                                                     \
        errno = 0;                                                           \
        long r_ = (long)(call);                                              \
        CHECK(r_ == -1 && errno == (e), "%s: got %ld, errno %d, want %d", what, r_, errno, e); \
    } while (0)

/* --- the child modes ------------------------------------------------------- */

static int child(int argc, char **argv)
{
    const char *mode = argv[2];
    if (strcmp(mode, "exit") == 0)
        return atoi(argv[3]);
    if (strcmp(mode, "crash") == 0)
        return *(volatile int *)0;
    if (strcmp(mode, "sleep") == 0) {
        sleep((unsigned)atoi(argv[3]));
        return 0;
    }
    if (strcmp(mode, "cat") == 0) {        /* stdin to stdout, uppercased */
        char buf[512];
        ssize_t n;
        while ((n = read(0, buf, sizeof(buf))) > 0) {
            for (ssize_t i = 0; i < n; i++)
                if (buf[i] >= 'a' && buf[i] <= 'z')
                    buf[i] -= 32;
            if (write(1, buf, (size_t)n) != n)
                return 3;
        }
        return n == 0 ? 0 : 4;
    }
    if (strcmp(mode, "env") == 0) {        /* exit 0 if NAME=VALUE is set */
        const char *v = getenv(argv[3]);
        return v && strcmp(v, argv[4]) == 0 ? 0 : 5;
    }
    if (strcmp(mode, "cwd") == 0) {        /* exit 0 if the cwd is argv[3] */
        char cwd[256];
        return getcwd(cwd, sizeof(cwd)) && strcmp(cwd, argv[3]) == 0 ? 0 : 6;
    }
    if (strcmp(mode, "fd") == 0) {         /* exit 0 if fd argv[3] is open */
        struct stat st;
        return fstat(atoi(argv[3]), &st) == 0 ? 0 : 7;
    }
    if (strcmp(mode, "ppid") == 0)         /* exit 0 if our parent is argv[3] */
        return getppid() == atoi(argv[3]) ? 0 : 8;
    (void)argc;
    return 100;
}

static pid_t spawn_child(const posix_spawn_file_actions_t *fa, const char *const *args)
{
    char *argv[8] = { (char *)self_path, "child" };
    size_t n = 2;
    for (; args[n - 2] && n < 7; n++)
        argv[n] = (char *)args[n - 2];
    argv[n] = NULL;
    pid_t pid = -1;
    int err = posix_spawn(&pid, self_path, fa, NULL, argv, environ);
    if (err) {
        errno = err;
        return -1;
    }
    return pid;
}

static int run_child(const char *const *args)
{
    pid_t pid = spawn_child(NULL, args);
    int status = -1;
    if (pid <= 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

/* --- files ------------------------------------------------------------------ */

static void test_files(void)
{
    int fd = open("/tmp/a.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 3, "create /tmp/a.txt: %d", fd);
    CHECK(write(fd, "hello, world\n", 13) == 13, "write");
    CHECK(lseek(fd, 0, SEEK_CUR) == 13, "offset after write");
    CHECK(lseek(fd, 7, SEEK_SET) == 7, "seek");
    char buf[64] = { 0 };
    CHECK(read(fd, buf, sizeof(buf)) == 6 && memcmp(buf, "world\n", 6) == 0, "read back");
    CHECK(read(fd, buf, sizeof(buf)) == 0, "read at the end is 0");
    CHECK(lseek(fd, 0, SEEK_END) == 13, "SEEK_END");
    FAILS(lseek(fd, -20, SEEK_CUR), EINVAL, "seek before the start");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 13, "fstat");
    CHECK(st.st_mtime > 1577836800, "mtime is a plausible date (%lld)", (long long)st.st_mtime);
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
    CHECK(close(fd) == 0, "close");
    FAILS(close(fd), EBADF, "close twice");
    FAILS(read(fd, buf, 1), EBADF, "read closed fd");
    FAILS(write(99, buf, 1), EBADF, "write fd 99");
    FAILS(open("/tmp/a.txt", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "O_EXCL on existing");
    FAILS(open("/tmp/none", O_RDONLY), ENOENT, "open missing");
    FAILS(open("/tmp/a.txt/x", O_RDONLY), ENOTDIR, "file as directory");
    FAILS(open("/tmp", O_WRONLY), EISDIR, "write-open a directory");
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_size == 5, "stat");
    CHECK(lstat("/tmp/a.txt", &st) == 0 && st.st_size == 5, "lstat");
    FAILS(stat("/tmp/none", &st), ENOENT, "stat missing");
    FAILS(stat("", &st), ENOENT, "stat empty path");
    char longname[300];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    char longpath[320];
    snprintf(longpath, sizeof(longpath), "/tmp/%s", longname);
    FAILS(open(longpath, O_RDONLY), ENAMETOOLONG, "component too long");

    /* append, O_TRUNC */
    fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "12", 2) == 2, "append");
    close(fd);
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_size == 7, "appended size");
    fd = open("/tmp/a.txt", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC");
    close(fd);

    /* rename, link, unlink */
    CHECK(rename("/tmp/a.txt", "/tmp/b.txt") == 0, "rename");
    FAILS(stat("/tmp/a.txt", &st), ENOENT, "old name gone");
    CHECK(link("/tmp/b.txt", "/tmp/c.txt") == 0, "link");
    CHECK(stat("/tmp/c.txt", &st) == 0 && st.st_nlink == 2, "two links");
    CHECK(unlink("/tmp/b.txt") == 0 && unlink("/tmp/c.txt") == 0, "unlink both");
    FAILS(unlink("/tmp/c.txt"), ENOENT, "unlink missing");
    FAILS(rename("/tmp/none", "/tmp/x"), ENOENT, "rename missing");
    FAILS(rename("/etc/motd", "/tmp/motd"), EXDEV, "rename across mounts");

    /* the read-only root */
    FAILS(open("/etc/new", O_WRONLY | O_CREAT, 0644), EROFS, "create in /");
    FAILS(open("/etc/motd", O_WRONLY), EROFS, "write-open an initrd file");
    FAILS(unlink("/etc/motd"), EROFS, "unlink in /");
    FAILS(mkdir("/newdir", 0755), EROFS, "mkdir in /");
    fd = open("/etc/motd", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 4) == 4, "read an initrd file");
    close(fd);

    /* /dev */
    fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, "/dev/null");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, sizeof(buf));
    CHECK(fd >= 0 && read(fd, buf, 16) == 16 && buf[0] == 0 && buf[15] == 0, "/dev/zero");
    close(fd);
    unsigned char r1[16], r2[16];
    fd = open("/dev/random", O_RDONLY);
    CHECK(fd >= 0 && read(fd, r1, 16) == 16 && read(fd, r2, 16) == 16 && memcmp(r1, r2, 16) != 0,
          "/dev/random differs between reads");
    close(fd);
    CHECK(getentropy(r1, sizeof(r1)) == 0, "getentropy");
    CHECK(isatty(1) == 1, "stdout is the console");
    fd = open("/dev/console", O_WRONLY);
    CHECK(fd >= 0 && isatty(fd) && write(fd, "uposix: console write\n", 22) == 22, "/dev/console");
    close(fd);
    errno = 0;
    CHECK(isatty(open("/dev/null", O_RDONLY)) == 0 && errno == ENOTTY, "/dev/null is no tty");
    FAILS(unlink("/dev/null"), EROFS, "unlink in /dev");
}

static void test_directories(void)
{
    CHECK(mkdir("/tmp/d", 0755) == 0, "mkdir");
    FAILS(mkdir("/tmp/d", 0755), EEXIST, "mkdir existing");
    FAILS(mkdir("/tmp/none/d", 0755), ENOENT, "mkdir under missing");
    int fd = open("/tmp/d/f1", O_WRONLY | O_CREAT, 0644);
    close(fd);
    fd = open("/tmp/d/f2", O_WRONLY | O_CREAT, 0644);
    close(fd);
    CHECK(mkdir("/tmp/d/sub", 0755) == 0, "mkdir sub");
    FAILS(rmdir("/tmp/d"), ENOTEMPTY, "rmdir non-empty");
    FAILS(rmdir("/tmp/d/f1"), ENOTDIR, "rmdir a file");
    FAILS(unlink("/tmp/d/sub"), EISDIR, "unlink a directory");

    DIR *d = opendir("/tmp/d");
    CHECK(d != NULL, "opendir");
    int seen = 0, dots = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            dots++;
        else if (strcmp(e->d_name, "f1") == 0 || strcmp(e->d_name, "f2") == 0)
            seen += e->d_type == DT_REG;
        else if (strcmp(e->d_name, "sub") == 0)
            seen += e->d_type == DT_DIR;
        else
            CHECK(0, "unexpected entry %s", e->d_name);
    }
    CHECK(seen == 3 && dots == 2, "listing: %d entries, %d dots", seen, dots);
    if (d) {
        rewinddir(d);
        CHECK(readdir(d) != NULL, "rewinddir");
        CHECK(closedir(d) == 0, "closedir");
    }
    CHECK(opendir("/tmp/d/f1") == NULL && errno == ENOTDIR, "opendir a file");
    CHECK(opendir("/nonexistent") == NULL && errno == ENOENT, "opendir missing");

    /* The root lists the initrd's top level. */
    d = opendir("/");
    int bin = 0;
    while (d && (e = readdir(d)))
        bin += strcmp(e->d_name, "bin") == 0;
    CHECK(bin == 1, "/ lists bin");
    if (d)
        closedir(d);

    /* cwd and relative paths */
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "cwd starts at /");
    CHECK(chdir("/tmp/d/sub") == 0, "chdir");
    CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp/d/sub") == 0, "getcwd: %s", cwd);
    CHECK(getcwd(cwd, 3) == NULL && errno == ERANGE, "getcwd too small");
    struct stat st;
    CHECK(stat("../f1", &st) == 0 && S_ISREG(st.st_mode), "relative ..");
    CHECK(stat("./../../d/./f2", &st) == 0, "relative . and ..");
    CHECK(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp/d") == 0, "chdir ..");
    CHECK(rename("f1", "sub/f1") == 0 && stat("/tmp/d/sub/f1", &st) == 0, "relative rename");
    FAILS(chdir("f2"), ENOTDIR, "chdir to a file");
    CHECK(chdir("/") == 0, "chdir /");
    CHECK(stat("/..", &st) == 0 && S_ISDIR(st.st_mode), "/.. is /");
    CHECK(unlink("/tmp/d/sub/f1") == 0 && unlink("/tmp/d/f2") == 0 && rmdir("/tmp/d/sub") == 0 &&
          rmdir("/tmp/d") == 0, "clean up");
}

/* 16 MiB written in pieces and read back in other pieces. */
static void test_large_file(size_t mib)
{
    size_t total = mib << 20, piece = 100000;
    unsigned char *buf = malloc(piece);
    CHECK(buf != NULL, "malloc");
    if (!buf)
        return;
    int fd = open("/tmp/large", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create /tmp/large");
    size_t done = 0;
    while (done < total) {
        size_t n = total - done < piece ? total - done : piece;
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)((done + i) * 7 + ((done + i) >> 16));
        ssize_t w = write(fd, buf, n);
        if (w != (ssize_t)n) {
            CHECK(0, "write at %zu: %zd", done, w);
            break;
        }
        done += n;
    }
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && (size_t)st.st_size == total, "size %lld", (long long)st.st_size);
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "rewind");
    size_t bad = 0;
    done = 0;
    while (done < total) {
        ssize_t r = read(fd, buf, 77777);
        if (r <= 0) {
            CHECK(0, "read at %zu: %zd", done, r);
            break;
        }
        for (ssize_t i = 0; i < r; i++)
            bad += buf[i] != (unsigned char)((done + (size_t)i) * 7 + ((done + (size_t)i) >> 16));
        done += (size_t)r;
    }
    CHECK(done == total && bad == 0, "%zu MiB read back: %zu bytes, %zu wrong", mib, done, bad);
    close(fd);
    CHECK(unlink("/tmp/large") == 0, "unlink /tmp/large");
    free(buf);
}

static void test_descriptors(void)
{
    int fd = open("/tmp/dup", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int fd2 = dup(fd);
    CHECK(fd2 > fd, "dup");
    CHECK(write(fd, "abc", 3) == 3 && lseek(fd2, 0, SEEK_CUR) == 3, "dup shares the offset");
    CHECK(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 3, "dup2");
    CHECK(dup2(fd, fd) == fd, "dup2 onto itself");
    FAILS(dup2(fd, -1), EBADF, "dup2 to -1");
    FAILS(dup(77), EBADF, "dup of a closed fd");
    CHECK(fcntl(fd, F_GETFD) == 0, "F_GETFD");
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_SETFD");
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL");
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND), "F_SETFL");
    int fd3 = fcntl(fd, F_DUPFD, 30);
    CHECK(fd3 >= 30, "F_DUPFD");
    FAILS(fcntl(fd, 9999), EINVAL, "unknown fcntl");
    close(fd);
    close(fd2);
    close(20);
    close(fd3);
    unlink("/tmp/dup");
}

static void test_pipes(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    CHECK(write(p[1], "ping", 4) == 4, "write to pipe");
    char buf[16] = { 0 };
    CHECK(read(p[0], buf, sizeof(buf)) == 4 && memcmp(buf, "ping", 4) == 0, "read from pipe");
    FAILS(lseek(p[0], 0, SEEK_SET), ESPIPE, "seek on a pipe");
    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "a pipe is a FIFO");
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
    FAILS(read(p[0], buf, 1), EAGAIN, "empty non-blocking pipe");
    close(p[1]);
    CHECK(read(p[0], buf, 1) == 0, "EOF once the writer is closed");
    close(p[0]);

    CHECK(pipe(p) == 0, "pipe 2");
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    FAILS(write(p[1], "x", 1), EPIPE, "write with no reader");
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);

    /* A child between two pipes: blocking reads and writes, EOF when we
     * close its input, its exit when it sees EOF. */
    int in[2], out[2];
    CHECK(pipe(in) == 0 && pipe(out) == 0, "two pipes");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    const char *args[] = { "cat", NULL };
    pid_t pid = spawn_child(&fa, args);
    posix_spawn_file_actions_destroy(&fa);
    CHECK(pid > 0, "spawn cat");
    close(in[0]);
    close(out[1]);
    /* More than a pipe holds, so both sides block at times. */
    size_t total = 200000, sent = 0, got = 0, bad = 0;
    char *chunk = malloc(total);
    for (size_t i = 0; i < total; i++)
        chunk[i] = (char)('a' + i % 26);
    while (sent < total) {
        size_t n = total - sent < 30000 ? total - sent : 30000;
        ssize_t w = write(in[1], chunk + sent, n);
        if (w <= 0)
            break;
        sent += (size_t)w;
        /* Drain what has come back so the child never blocks for good. */
        fcntl(out[0], F_SETFL, O_NONBLOCK);
        ssize_t r;
        while ((r = read(out[0], buf, sizeof(buf))) > 0) {
            for (ssize_t i = 0; i < r; i++)
                bad += buf[i] != (char)('A' + (got + (size_t)i) % 26);
            got += (size_t)r;
        }
        fcntl(out[0], F_SETFL, 0);
    }
    close(in[1]);
    ssize_t r;
    char big[4096];
    while ((r = read(out[0], big, sizeof(big))) > 0) {
        for (ssize_t i = 0; i < r; i++)
            bad += big[i] != (char)('A' + (got + (size_t)i) % 26);
        got += (size_t)r;
    }
    close(out[0]);
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "cat ended well: %#x", status);
    CHECK(sent == total && got == total && bad == 0, "through the child: sent %zu, got %zu, %zu wrong",
          sent, got, bad);
    free(chunk);
}

static void test_processes(void)
{
    const char *exit7[] = { "exit", "7", NULL };
    int status = run_child(exit7);
    CHECK(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 7, "exit status 7: %#x", status);
    const char *crash[] = { "crash", NULL };
    status = run_child(crash);
    CHECK(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "crash is SIGSEGV: %#x",
          status);
    char me[16];
    snprintf(me, sizeof(me), "%d", (int)getpid());
    const char *ppid[] = { "ppid", me, NULL };
    CHECK(run_child(ppid) == 0, "the child's getppid is us");
    const char *env[] = { "env", "UPOSIX_VAR", "forty-two", NULL };
    CHECK(setenv("UPOSIX_VAR", "forty-two", 1) == 0, "setenv");
    CHECK(strcmp(getenv("UPOSIX_VAR"), "forty-two") == 0, "getenv");
    CHECK(run_child(env) == 0, "the environment is passed on");
    CHECK(chdir("/tmp") == 0, "chdir /tmp");
    const char *cwd[] = { "cwd", "/tmp", NULL };
    CHECK(run_child(cwd) == 0, "the cwd is inherited");
    chdir("/");
    int fd = open("/dev/null", O_RDONLY);
    char fds[8];
    snprintf(fds, sizeof(fds), "%d", fd);
    const char *fdopen_[] = { "fd", fds, NULL };
    CHECK(run_child(fdopen_) == 0, "descriptors are inherited");
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    CHECK(run_child(fdopen_) == 7 << 8, "FD_CLOEXEC ones are not");
    close(fd);

    /* kill, wait for any, WNOHANG, ECHILD */
    const char *sleeper[] = { "sleep", "30", NULL };
    pid_t pid = spawn_child(NULL, sleeper);
    CHECK(pid > 0, "spawn sleeper");
    CHECK(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG while it runs");
    CHECK(kill(pid, 0) == 0, "kill 0 finds it");
    CHECK(kill(pid, SIGCHLD) == 0 && waitpid(pid, &status, WNOHANG) == 0, "SIGCHLD is ignored");
    CHECK(kill(pid, SIGTERM) == 0, "kill SIGTERM");
    CHECK(wait(&status) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
          "killed by SIGTERM: %#x", status);
    FAILS(kill(pid, SIGTERM), ESRCH, "kill after reaping");
    FAILS(kill(1, SIGKILL), EPERM, "kill init");
    FAILS(kill(pid, 999), EINVAL, "bad signal");
    FAILS(wait(&status), ECHILD, "wait without children");
    FAILS(waitpid(1, &status, 0), ECHILD, "wait for a non-child");

    char *bad_argv[] = { "none", NULL };
    CHECK(posix_spawn(&pid, "/tmp/none", NULL, NULL, bad_argv, environ) == ENOENT,
          "spawn a missing program");
    CHECK(posix_spawn(&pid, "/etc/motd", NULL, NULL, bad_argv, environ) == ENOEXEC,
          "spawn a text file");
    char *hello_argv[] = { "hello", NULL };
    CHECK(posix_spawnp(&pid, "hello", NULL, NULL, hello_argv, environ) == 0 &&
          waitpid(pid, &status, 0) == pid && status == 0, "posix_spawnp searches PATH");
    CHECK(posix_spawnp(&pid, "no-such-program", NULL, NULL, hello_argv, environ) == ENOENT,
          "posix_spawnp of a missing program");
    CHECK(fork() == -1 && errno == ENOSYS, "no fork");
}

/* Many short-lived processes: nothing may pile up (handles here, process
 * table entries in init; the kernel selftest checks the machine's memory
 * once the whole suite has ended). */
static int handles_in_use(void)
{
    struct atom_cap_info ci;
    int n = 0;
    for (long h = 0; h < 4096; h++)
        n += atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0) == 0;
    return n;
}

static void test_many_processes(int count)
{
    const char *exit3[] = { "exit", "3", NULL };
    run_child(exit3); /* warm up */
    int before = handles_in_use(), bad = 0;
    for (int i = 0; i < count; i++)
        if (run_child(exit3) != 3 << 8)
            bad++;
    CHECK(bad == 0, "%d of %d runs went wrong", bad, count);
    CHECK(handles_in_use() == before, "handles: %d before, %d after", before, handles_in_use());
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
}

static void test_signals(void)
{
    struct sigaction sa = { 0 }, old;
    sa.sa_handler = on_signal;
    CHECK(sigaction(SIGINT, &sa, &old) == 0 && old.sa_handler == SIG_DFL, "sigaction");
    CHECK(raise(SIGINT) == 0 && caught == SIGINT, "raise runs the handler");
    caught = 0;
    CHECK(kill(getpid(), SIGINT) == 0 && caught == SIGINT, "kill of ourselves too");
    CHECK(sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == on_signal, "sigaction query");
    sigset_t set, prev;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    caught = 0;
    CHECK(sigprocmask(SIG_BLOCK, &set, &prev) == 0, "block SIGINT");
    kill(getpid(), SIGINT);
    CHECK(caught == 0, "blocked: not delivered");
    CHECK(sigprocmask(SIG_SETMASK, &prev, NULL) == 0 && caught == SIGINT, "delivered on unblock");
    signal(SIGTERM, SIG_IGN);
    CHECK(raise(SIGTERM) == 0, "ignored SIGTERM");
    signal(SIGTERM, SIG_DFL);
    FAILS(sigaction(SIGKILL, &sa, NULL), EINVAL, "no handler for SIGKILL");
    FAILS(sigaction(0, &sa, NULL), EINVAL, "signal 0");
}

static void test_time(void)
{
    struct timespec a, b, res;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "CLOCK_MONOTONIC");
    CHECK(clock_gettime(CLOCK_REALTIME, &b) == 0 && b.tv_sec > 1577836800, "CLOCK_REALTIME");
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0, "clock_getres");
    FAILS(clock_gettime((clockid_t)99, &a), EINVAL, "unknown clock");
    time_t t = time(NULL);
    CHECK(t >= b.tv_sec && t < b.tv_sec + 5, "time() matches CLOCK_REALTIME");
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= b.tv_sec, "gettimeofday");
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec ns = { 0, 50 * 1000 * 1000 };
    CHECK(nanosleep(&ns, NULL) == 0, "nanosleep");
    CHECK(usleep(30000) == 0, "usleep");
    FAILS(usleep(2000000), EINVAL, "usleep of 2 s");
    ns.tv_nsec = 2000000000;
    FAILS(nanosleep(&ns, NULL), EINVAL, "nanosleep with tv_nsec out of range");
    clock_gettime(CLOCK_MONOTONIC, &b);
    int64_t ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK(ms >= 80, "slept 80 ms or more: %lld", (long long)ms);
    CHECK(sleep(0) == 0, "sleep(0)");
    struct tms tm;
    CHECK(times(&tm) != (clock_t)-1, "times");
    struct tm *utc = gmtime(&t);
    CHECK(utc && utc->tm_year + 1900 >= 2020, "gmtime of now");
}

static void test_terminal(void)
{
    struct termios tio, raw, back;
    int fd = open("/dev/null", O_RDONLY);
    FAILS(tcgetattr(fd, &tio), ENOTTY, "tcgetattr on /dev/null");
    FAILS(tcsetattr(fd, TCSANOW, &tio), ENOTTY, "tcsetattr on /dev/null");
    close(fd);
    FAILS(tcgetattr(77, &tio), EBADF, "tcgetattr on a closed fd");
    CHECK(tcgetattr(1, &tio) == 0 && (tio.c_lflag & ICANON) && (tio.c_lflag & ECHO),
          "the console starts canonical, with echo");
    raw = tio;
    cfmakeraw(&raw);
    CHECK(tcsetattr(1, TCSANOW, &raw) == 0 && tcgetattr(1, &back) == 0 &&
          !(back.c_lflag & (ICANON | ECHO | ISIG)), "raw mode set");
    FAILS(tcsetattr(1, 99, &raw), EINVAL, "bad tcsetattr action");
    CHECK(tcsetattr(1, TCSAFLUSH, &tio) == 0 && tcgetattr(1, &back) == 0 &&
          (back.c_lflag & ICANON), "canonical mode back");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "child") == 0)
        return child(argc, argv);
    size_t large_mib = argc >= 2 ? (size_t)atoi(argv[1]) : 16;
    int spawns = argc >= 3 ? atoi(argv[2]) : 1000;
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_files();
    test_directories();
    test_descriptors();
    test_pipes();
    test_large_file(large_mib);
    test_time();
    test_signals();
    test_terminal();
    test_processes();
    test_many_processes(spawns);
    printf("uposix: %d failed (large file %zu MiB, %d spawns)\n", failed, large_mib, spawns);
    return failed;
}
