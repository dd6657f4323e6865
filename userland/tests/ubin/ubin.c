/*
 * ubin: the everyday programs of /bin (userland/bin/) run as a user runs
 * them, by the self-test boot's user-space suite (/etc/init-selftest.conf).
 * Each program is spawned with its standard input, output and error on
 * pipes (input /dev/null unless a test gives some), in /tmp/ubin, with the
 * environment PATH=/bin UBIN=1; its output and exit status must be
 * exactly what they should be, error paths and usage errors included.
 * Expected error messages are built with strerror(), as the programs do.
 * Exits with the number of failed checks.
 *
 * Output is read to its end, then the error output: fine as long as a
 * program's error output fits in a pipe, which it does here.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atom/system.h>

static int failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failed++;                                                        \
            printf("ubin: FAIL line %d: ", __LINE__);                        \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

#define ARGV(...) ((char *const[]){ __VA_ARGS__, NULL })
/* Runs the program and checks its exit status, and its output and error
 * output unless NULL. */
#define EXPECT(input, status, out, err, ...) \
    expect(__LINE__, input, status, out, err, ARGV(__VA_ARGS__))
/* A usage error: status 2, no output, "usage: " on the error output,
 * after `first` if not NULL. */
#define USAGE(first, ...) expect_usage(__LINE__, first, ARGV(__VA_ARGS__))

static char *child_env[] = { "PATH=/bin", "UBIN=1", NULL };

/* The last run. */
static struct {
    int status;          /* as waitpid gives it */
    char out[96 * 1024]; /* dmesg: the whole kernel log */
    size_t out_len;
    char err[4096];
    size_t err_len;
} res;

/* printf into one of a few rotating buffers, for expected strings. */
static char *fmt(const char *f, ...)
{
    static char bufs[4][1024];
    static int next;
    char *b = bufs[next++ % 4];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof(bufs[0]), f, ap);
    va_end(ap);
    return b;
}

static size_t read_all(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    char sink[512];
    for (;;) {
        ssize_t n = len < cap - 1 ? read(fd, buf + len, cap - 1 - len) : read(fd, sink, sizeof(sink));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (len < cap - 1)
            len += (size_t)n;
    }
    buf[len] = '\0';
    return len;
}

static void cloexec(int fd)
{
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Starts /bin/argv[0] with input (NULL: /dev/null) on its standard input
 * and its output and error output on the pipes *out and *err; returns its
 * pid or -1. */
static pid_t start(const char *input, char *const argv[], int *out, int *err)
{
    int o[2], e[2], in[2] = { -1, -1 };
    if (pipe(o) != 0 || pipe(e) != 0 || (input && pipe(in) != 0))
        return -1;
    cloexec(o[0]);
    cloexec(o[1]);
    cloexec(e[0]);
    cloexec(e[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (input) {
        cloexec(in[0]);
        cloexec(in[1]);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    } else {
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&fa, o[1], 1);
    posix_spawn_file_actions_adddup2(&fa, e[1], 2);
    /* We ignore SIGPIPE (a program may leave its input unread); the
     * programs must not. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    char path[64];
    snprintf(path, sizeof(path), "/bin/%s", argv[0]);
    pid_t pid;
    int r = posix_spawn(&pid, path, &fa, &attr, argv, child_env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(o[1]);
    close(e[1]);
    if (input) {
        close(in[0]);
        if (r == 0) {
            size_t len = strlen(input);
            for (size_t done = 0; done < len;) {
                ssize_t n = write(in[1], input + done, len - done);
                if (n <= 0)
                    break;
                done += (size_t)n;
            }
        }
        close(in[1]);
    }
    if (r != 0) {
        close(o[0]);
        close(e[0]);
        errno = r;
        return -1;
    }
    *out = o[0];
    *err = e[0];
    return pid;
}

/* Runs the program to its end; false if it could not be started. */
static bool run(const char *input, char *const argv[])
{
    int out, err;
    memset(&res, 0, sizeof(res));
    res.status = -1;
    pid_t pid = start(input, argv, &out, &err);
    if (pid < 0)
        return false;
    res.out_len = read_all(out, res.out, sizeof(res.out));
    res.err_len = read_all(err, res.err, sizeof(res.err));
    close(out);
    close(err);
    while (waitpid(pid, &res.status, 0) != pid)
        if (errno != EINTR)
            return false;
    return true;
}

/* The text with control characters escaped, for messages. */
static const char *shown(const char *s, size_t len)
{
    static char bufs[2][600];
    static int next;
    char *b = bufs[next++ % 2], *p = b;
    for (size_t i = 0; i < len && p < b + sizeof(bufs[0]) - 8; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            p += sprintf(p, "\\n");
        else if (c < 32 || c >= 127)
            p += sprintf(p, "\\x%02x", c);
        else
            *p++ = (char)c;
    }
    *p = '\0';
    return b;
}

static const char *command(char *const argv[])
{
    static char buf[256];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; argv[i] && len < sizeof(buf) - 1; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", argv[i]);
    return buf;
}

static bool fail(int line, char *const argv[], const char *what)
{
    failed++;
    printf("ubin: FAIL line %d: %s: %s\n", line, command(argv), what);
    printf("ubin:   status %#x, out '%s'\n", res.status, shown(res.out, res.out_len));
    printf("ubin:   err '%s'\n", shown(res.err, res.err_len));
    return false;
}

static bool expect(int line, const char *input, int status, const char *out, const char *err,
                   char *const argv[])
{
    if (!run(input, argv))
        return fail(line, argv, fmt("not run: %s", strerror(errno)));
    if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != status)
        return fail(line, argv, fmt("want exit status %d", status));
    if (out && (strlen(out) != res.out_len || memcmp(out, res.out, res.out_len) != 0))
        return fail(line, argv, fmt("want out '%s'", shown(out, strlen(out))));
    if (err && strcmp(err, res.err) != 0)
        return fail(line, argv, fmt("want err '%s'", shown(err, strlen(err))));
    return true;
}

static bool expect_usage(int line, const char *first, char *const argv[])
{
    if (!expect(line, NULL, 2, "", NULL, argv))
        return false;
    const char *u = strstr(res.err, "usage: ");
    if (!u || (first && strncmp(res.err, first, strlen(first)) != 0) || (first && u == res.err))
        return fail(line, argv, fmt("want a usage message, after '%s'", first ? first : ""));
    return true;
}

static bool write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    bool ok = write(fd, data, len) == (ssize_t)len;
    return close(fd) == 0 && ok;
}

/* The file's contents (NUL-terminated, in a static buffer), or NULL. */
static const char *file_text(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t len = read_all(fd, buf, sizeof(buf));
    close(fd);
    buf[len] = '\0';
    return buf;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* --- the programs ----------------------------------------------------------- */

static void test_simple(void)
{
    EXPECT(NULL, 0, "", "", "true");
    EXPECT(NULL, 0, "", "", "true", "--bogus");
    EXPECT(NULL, 1, "", "", "false");
    EXPECT(NULL, 0, "hello world\n", "", "echo", "hello", "world");
    EXPECT(NULL, 0, "a b", "", "echo", "-n", "a", "b");
    EXPECT(NULL, 0, "\n", "", "echo");
    EXPECT(NULL, 0, "-x -n\n", "", "echo", "-x", "-n");
    EXPECT(NULL, 0, "\033[H\033[2J", "", "clear");
    USAGE(NULL, "clear", "x");
    EXPECT(NULL, 0, "/tmp/ubin\n", "", "pwd");
    EXPECT(NULL, 0, "/tmp/ubin\n", "", "pwd", "-P");
    USAGE(NULL, "pwd", "x");
}

static void test_mkdir_touch(void)
{
    EXPECT(NULL, 0, "", "", "mkdir", "-p", "t/a/b");
    CHECK(is_dir("t/a/b"), "mkdir -p made t/a/b");
    EXPECT(NULL, 0, "", "", "mkdir", "-p", "t/a/b");
    EXPECT(NULL, 1, "", fmt("mkdir: t: %s\n", strerror(EEXIST)), "mkdir", "t");
    EXPECT(NULL, 1, "", fmt("mkdir: /nope/x: %s\n", strerror(ENOENT)), "mkdir", "/nope/x");
    EXPECT(NULL, 1, "", fmt("mkdir: /etc/x: %s\n", strerror(EROFS)), "mkdir", "/etc/x");
    EXPECT(NULL, 0, "", "", "mkdir", "-m", "700", "t/m", "t/n");
    struct stat st;
    CHECK(stat("t/m", &st) == 0 && (st.st_mode & 07777) == 0700, "mkdir -m 700");
    CHECK(stat("t/n", &st) == 0 && (st.st_mode & 07777) == 0700, "mkdir -m, second operand");
    EXPECT(NULL, 0, "", "", "mkdir", "t/d");
    CHECK(stat("t/d", &st) == 0 && (st.st_mode & 07777) == 0755, "mkdir's default mode 0755");
    USAGE(NULL, "mkdir");
    USAGE("mkdir: invalid mode 9x\n", "mkdir", "-m", "9x", "t/z");
    USAGE("mkdir: option -m needs an argument\n", "mkdir", "-m");

    EXPECT(NULL, 0, "", "", "rmdir", "t/m", "t/n", "t/d");
    CHECK(!exists("t/m") && !exists("t/n") && !exists("t/d"), "rmdir removed three");
    EXPECT(NULL, 1, "", fmt("rmdir: t/a: %s\n", strerror(ENOTEMPTY)), "rmdir", "t/a");
    EXPECT(NULL, 1, "", fmt("rmdir: t/none: %s\n", strerror(ENOENT)), "rmdir", "t/none");
    EXPECT(NULL, 0, "", "", "mkdir", "-p", "r/x/y");
    EXPECT(NULL, 0, "", "", "rmdir", "-p", "r/x/y/");
    CHECK(!exists("r"), "rmdir -p removed the parents");
    USAGE(NULL, "rmdir");

    EXPECT(NULL, 0, "", "", "touch", "t/f1", "t/a/f2", "t/.hidden");
    CHECK(stat("t/f1", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
          (st.st_mode & 07777) == 0644, "touch made an empty 0644 file");
    EXPECT(NULL, 0, "", "", "touch", "-c", "t/none");
    CHECK(!exists("t/none"), "touch -c made nothing");
    EXPECT(NULL, 1, "", fmt("touch: /etc/motd: %s\n", strerror(EROFS)), "touch", "/etc/motd");
    EXPECT(NULL, 1, "", fmt("touch: t/no/f: %s\n", strerror(ENOENT)), "touch", "t/no/f");
    /* An existing file: its data stays, its modification time moves. */
    CHECK(write_file("t/f1", "hello\n", 6), "write t/f1");
    struct stat before, after;
    stat("t/f1", &before);
    usleep(50000);
    EXPECT(NULL, 0, "", "", "touch", "t/f1");
    CHECK(stat("t/f1", &after) == 0 && after.st_size == 6 &&
          (after.st_mtim.tv_sec > before.st_mtim.tv_sec ||
           (after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
            after.st_mtim.tv_nsec > before.st_mtim.tv_nsec)), "touch moved the mtime");
    CHECK(strcmp(file_text("t/f1"), "hello\n") == 0, "touch kept the data");
    USAGE("touch: unknown option -Z\n", "touch", "-Z", "x");
}

/* The line ls -l prints for path shown as name, with the widths given. */
static const char *long_line(const char *path, const char *mode, int link_w, int size_w, const char *name)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return "(stat failed)";
    char when[32];
    struct tm tm;
    gmtime_r(&st.st_mtime, &tm);
    strftime(when, sizeof(when), "%b %e %H:%M", &tm);
    return fmt("%s %*lu %*lld %s %s\n", mode, link_w, (unsigned long)st.st_nlink, size_w,
               (long long)st.st_size, when, name);
}

static void test_ls(void)
{
    /* t: a/ (b/, f2), f1 ("hello\n"), .hidden */
    EXPECT(NULL, 0, "a\nf1\n", "", "ls", "t");
    EXPECT(NULL, 0, ".\n..\n.hidden\na\nf1\n", "", "ls", "-a", "t");
    EXPECT(NULL, 0, "t:\na\nf1\n\nt/a:\nb\nf2\n", "", "ls", "-1", "t/a", "t");
    EXPECT(NULL, 0, "t/f1\n\nt/a:\nb\nf2\n", "", "ls", "t/a", "t/f1");
    EXPECT(NULL, 0, "t\n", "", "ls", "-d", "t");
    EXPECT(NULL, 0, "a   f1\n", "", "ls", "-C", "t");
    EXPECT(NULL, 1, "t/f1\n", fmt("ls: /nope: %s\n", strerror(ENOENT)), "ls", "/nope", "t/f1");
    EXPECT(NULL, 0, NULL, "", "ls", "/");
    CHECK(strstr(res.out, "bin\n") && strstr(res.out, "tmp\n") && strstr(res.out, "etc\n"),
          "ls / lists bin, etc and tmp: %s", shown(res.out, res.out_len));
    USAGE("ls: unknown option -Z\n", "ls", "-Z");

    struct stat a, f1;
    CHECK(stat("t/a", &a) == 0 && a.st_nlink == 3, "t/a has 3 links");
    CHECK(stat("t/f1", &f1) == 0, "stat t/f1");
    int size_w = snprintf(NULL, 0, "%lld", (long long)(a.st_size > f1.st_size ? a.st_size : f1.st_size));
    const char *want = fmt("total %lld\n%s%s", (long long)(a.st_blocks + f1.st_blocks + 1) / 2,
                           long_line("t/a", "drwxr-xr-x", 1, size_w, "a"),
                           long_line("t/f1", "-rw-r--r--", 1, size_w, "f1"));
    EXPECT(NULL, 0, want, "", "ls", "-l", "t");
    EXPECT(NULL, 0, long_line("t/f1", "-rw-r--r--", 1, 1, "t/f1"), "", "ls", "-l", "t/f1");
    EXPECT(NULL, 0, NULL, "", "ls", "-l", "/dev/null");
    CHECK(res.out[0] == 'c' && strstr(res.out, " /dev/null\n"),
          "ls -l /dev/null is a character device: %s", shown(res.out, res.out_len));
}

static void test_copy_move_remove(void)
{
    EXPECT(NULL, 0, "", "", "cp", "t/f1", "t/f3");
    CHECK(strcmp(file_text("t/f3") ? file_text("t/f3") : "", "hello\n") == 0, "cp copied");
    EXPECT(NULL, 0, "", "", "cp", "t/f1", "t/f3", "t/a");
    CHECK(exists("t/a/f1") && exists("t/a/f3"), "cp into a directory");
    EXPECT(NULL, 1, "", "cp: t/a: is a directory (not copied without -r)\n", "cp", "t/a", "t/c");
    EXPECT(NULL, 0, "", "", "cp", "-r", "t/a", "t/c");
    CHECK(is_dir("t/c/b") && exists("t/c/f1") && exists("t/c/f2") && exists("t/c/f3"),
          "cp -r copied the tree");
    EXPECT(NULL, 0, "", "", "cp", "-r", "t/a", "t/c");
    CHECK(is_dir("t/c/a/b"), "cp -r into an existing directory");
    EXPECT(NULL, 1, "", fmt("cp: t/nope: %s\n", strerror(ENOENT)), "cp", "t/nope", "t/x");
    EXPECT(NULL, 1, "", "cp: t/f1 and t/f1 are the same file\n", "cp", "t/f1", "t/f1");
    EXPECT(NULL, 1, "", "cp: t/f1: not a directory\n", "cp", "t/f3", "t/a/f1", "t/f1");
    EXPECT(NULL, 1, "", fmt("cp: /etc/x: %s\n", strerror(EROFS)), "cp", "t/f1", "/etc/x");
    EXPECT(NULL, 1, "", "cp: cannot copy a directory into itself: t/c/a/b/c\n",
           "cp", "-r", "t/c", "t/c/a/b");
    USAGE(NULL, "cp", "t/f1");
    USAGE("cp: unknown option -Z\n", "cp", "-Z", "a", "b");

    EXPECT(NULL, 0, "", "", "mv", "t/f3", "t/f4");
    CHECK(!exists("t/f3") && strcmp(file_text("t/f4") ? file_text("t/f4") : "", "hello\n") == 0,
          "mv renamed");
    CHECK(write_file("t/f5", "five\n", 5), "write t/f5");
    EXPECT(NULL, 0, "", "", "mv", "t/f5", "t/a/f1");
    const char *replaced = file_text("t/a/f1");
    CHECK(!exists("t/f5") && replaced && strcmp(replaced, "five\n") == 0, "mv replaced a file");
    EXPECT(NULL, 0, "", "", "mv", "t/f4", "t/c");
    CHECK(!exists("t/f4") && exists("t/c/f4"), "mv into a directory");
    EXPECT(NULL, 0, "", "", "mv", "t/c", "t/d");
    CHECK(!exists("t/c") && is_dir("t/d/a/b"), "mv of a directory");
    EXPECT(NULL, 1, "", fmt("mv: t/nope: %s\n", strerror(ENOENT)), "mv", "t/nope", "t/x");
    /* Across mounts: copied, but the read-only source stays. */
    EXPECT(NULL, 1, "", fmt("mv: /etc/motd: %s\n", strerror(EROFS)), "mv", "/etc/motd", "motd");
    const char *copy = file_text("motd");
    char motd[4096];
    snprintf(motd, sizeof(motd), "%s", copy ? copy : "(none)");
    const char *orig = file_text("/etc/motd");
    CHECK(copy && orig && strcmp(motd, orig) == 0, "mv across mounts copied /etc/motd");
    EXPECT(NULL, 1, "", "mv: t/f1: not a directory\n", "mv", "motd", "t/.hidden", "t/f1");
    USAGE(NULL, "mv", "x");

    EXPECT(NULL, 0, "", "", "rm", "motd");
    CHECK(!exists("motd"), "rm removed a file");
    EXPECT(NULL, 1, "", fmt("rm: t/d: %s\n", strerror(EISDIR)), "rm", "t/d");
    EXPECT(NULL, 1, "", fmt("rm: t/nope: %s\n", strerror(ENOENT)), "rm", "t/nope");
    EXPECT(NULL, 0, "", "", "rm", "-f", "t/nope");
    EXPECT(NULL, 0, "", "", "rm", "-f");
    EXPECT(NULL, 1, "", "rm: t/.: refusing to remove . or ..\n", "rm", "-r", "t/.");
    EXPECT(NULL, 1, "", fmt("rm: /etc/motd: %s\n", strerror(EROFS)), "rm", "/etc/motd");
    EXPECT(NULL, 0, "", "", "rm", "-r", "t/d");
    CHECK(!exists("t/d"), "rm -r removed a tree");
    USAGE(NULL, "rm");
    USAGE("rm: unknown option -Z\n", "rm", "-Z", "x");
}

static void test_text(void)
{
    static const char words[] = "one two three\nfour five\n\nsix\n";
    static const char numbers[] = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    static const char greet[] = "hello\nworld\nHello again\nfoo.bar\n";
    CHECK(write_file("w", words, sizeof(words) - 1) && write_file("n", numbers, sizeof(numbers) - 1) &&
          write_file("g", greet, sizeof(greet) - 1), "write the text files");

    EXPECT(NULL, 0, "one two three\nfour five\n\nsix\nhello\n", "", "cat", "w", "t/f1");
    EXPECT("in\n", 0, "hello\nin\nhello\n", "", "cat", "t/f1", "-", "t/f1");
    EXPECT("piped\n", 0, "piped\n", "", "cat");
    EXPECT(NULL, 1, "hello\n", fmt("cat: t/nope: %s\n", strerror(ENOENT)), "cat", "t/nope", "t/f1");
    EXPECT(NULL, 1, "", fmt("cat: t: %s\n", strerror(EISDIR)), "cat", "t");
    USAGE("cat: unknown option -Z\n", "cat", "-Z");

    EXPECT(NULL, 0, "      4       6      29 w\n", "", "wc", "w");
    EXPECT(words, 0, "      4\n", "", "wc", "-l");
    EXPECT(NULL, 0, "      6      29 w\n      1       6 t/f1\n      7      35 total\n", "",
           "wc", "-w", "-c", "w", "t/f1");
    EXPECT(NULL, 1, "", fmt("wc: nope: %s\n", strerror(ENOENT)), "wc", "nope");
    USAGE("wc: unknown option -Z\n", "wc", "-Z");

    EXPECT(NULL, 0, "1\n2\n3\n", "", "head", "-n", "3", "n");
    EXPECT(NULL, 0, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "", "head", "n");
    EXPECT(numbers, 0, "1\n2\n", "", "head", "-n2");
    EXPECT(NULL, 0, "==> n <==\n1\n\n==> t/f1 <==\nhello\n", "", "head", "-n", "1", "n", "t/f1");
    EXPECT(NULL, 0, "", "", "head", "-n", "0", "n");
    USAGE("head: invalid line count x\n", "head", "-n", "x", "n");
    USAGE("head: option -n needs an argument\n", "head", "-n");

    EXPECT(NULL, 0, "11\n12\n", "", "tail", "-n", "2", "n");
    EXPECT(numbers, 0, "3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "", "tail");
    EXPECT(NULL, 0, "10\n11\n12\n", "", "tail", "-n", "+10", "n");
    EXPECT("a\nb\nc", 0, "b\nc", "", "tail", "-n", "2");
    EXPECT(NULL, 1, "", fmt("tail: nope: %s\n", strerror(ENOENT)), "tail", "nope");
    USAGE("tail: invalid line count -\n", "tail", "-n", "-");

    EXPECT(NULL, 0, "hello\nHello again\n", "", "grep", "-i", "hello", "g");
    EXPECT(NULL, 0, "foo.bar\n", "", "grep", "-v", "l", "g");
    EXPECT(NULL, 0, "2\n", "", "grep", "-c", "^[hH]", "g");
    EXPECT(NULL, 0, "3:Hello again\n4:foo.bar\n", "", "grep", "-n", "o.*a", "g");
    EXPECT(NULL, 0, "foo.bar\n", "", "grep", "o\\.b", "g");
    EXPECT(NULL, 0, "world\n", "", "grep", "d$", "g");
    EXPECT(NULL, 0, "hello\nHello again\n", "", "grep", "[[:upper:]h]el*o", "g");
    EXPECT(NULL, 0, "g:world\n", "", "grep", "wor[a-z]*", "g", "t/f1");
    EXPECT(NULL, 0, "g:1\nt/f1:0\n", "", "grep", "-c", "^w", "g", "t/f1");
    EXPECT(NULL, 0, "", "", "grep", "-q", "world", "g");
    EXPECT(NULL, 1, "", "", "grep", "-q", "zzz", "g");
    EXPECT(NULL, 1, "", "", "grep", "-i", "[^h]ello", "g");
    EXPECT(greet, 0, "world\n", "", "grep", "^w.*d$");
    EXPECT(NULL, 2, "", "grep: bad bracket expression in the pattern\n", "grep", "[abc", "g");
    EXPECT(NULL, 2, "", fmt("grep: nope: %s\n", strerror(ENOENT)), "grep", "x", "nope");
    USAGE(NULL, "grep");
    USAGE("grep: unknown option -Z\n", "grep", "-Z", "x");

    static const char bytes[65] = "hello, world!\n"; /* then zeros, and 0xff at the end */
    char data[65];
    memcpy(data, bytes, sizeof(data));
    data[64] = (char)0xff;
    CHECK(write_file("bytes", data, sizeof(data)), "write bytes");
    static const char dump[] =
        "00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 00  |hello, world!...|\n"
        "00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
        "*\n"
        "00000040  ff                                                |.|\n"
        "00000041\n";
    EXPECT(NULL, 0, dump, "", "hexdump", "-C", "bytes");
    EXPECT(NULL, 0, dump, "", "hexdump", "bytes");
    EXPECT("hi\n", 0, "00000000  68 69 0a                                          |hi.|\n00000003\n",
           "", "hexdump", "-C");
    EXPECT(NULL, 0, "", "", "hexdump", "-C", "/dev/null");
    EXPECT(NULL, 1, "", fmt("hexdump: nope: %s\n", strerror(ENOENT)), "hexdump", "nope");
    USAGE("hexdump: unknown option -Z\n", "hexdump", "-Z");
}

static void test_env(void)
{
    EXPECT(NULL, 0, "PATH=/bin\nUBIN=1\n", "", "env");
    EXPECT(NULL, 0, "PATH=/bin\nUBIN=1\nNAME=V\n", "", "env", "NAME=V", "env");
    EXPECT(NULL, 0, "PATH=/bin\nUBIN=2\n", "", "env", "UBIN=2", "env");
    EXPECT(NULL, 0, "A=1\n", "", "env", "-i", "A=1", "env");
    EXPECT(NULL, 0, "PATH=/bin\n", "", "env", "-u", "UBIN", "env");
    EXPECT(NULL, 0, "x y\n", "", "env", "X=1", "echo", "x", "y");
    EXPECT(NULL, 1, "", "", "env", "false");
    EXPECT(NULL, 1, "", "", "env", "-i", "false");
    EXPECT(NULL, 127, "", fmt("env: nosuch: %s\n", strerror(ENOENT)), "env", "nosuch");
    USAGE("env: unknown option -Z\n", "env", "-Z");
}

static void test_processes(void)
{
    /* kill: a sleeping child of ours, by each way of naming a signal. */
    static const struct {
        const char *arg1, *arg2;
        int sig;
    } ways[] = {
        { NULL, NULL, SIGTERM }, { "-9", NULL, SIGKILL }, { "-s", "INT", SIGINT },
        { "-HUP", NULL, SIGHUP }, { "-s", "SIGUSR1", SIGUSR1 },
    };
    for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
        int out, err, status = 0;
        pid_t pid = start(NULL, ARGV("sleep", "30"), &out, &err);
        CHECK(pid > 0, "start sleep 30");
        if (pid <= 0)
            continue;
        char num[16];
        snprintf(num, sizeof(num), "%d", (int)pid);
        char *argv[5] = { "kill" };
        int n = 1;
        if (ways[i].arg1)
            argv[n++] = (char *)ways[i].arg1;
        if (ways[i].arg2)
            argv[n++] = (char *)ways[i].arg2;
        argv[n++] = num;
        argv[n] = NULL;
        expect(__LINE__, NULL, 0, "", "", argv);
        CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
              WTERMSIG(status) == ways[i].sig, "%s ended sleep with signal %d: status %#x",
              command(argv), ways[i].sig, status);
        close(out);
        close(err);
    }
    EXPECT(NULL, 0, "TERM\n", "", "kill", "-l", "15");
    EXPECT(NULL, 0, "TERM\n", "", "kill", "-l", fmt("%d", 128 + SIGTERM));
    EXPECT(NULL, 0, fmt("%d\n", SIGKILL), "", "kill", "-l", "KILL");
    EXPECT(NULL, 0, NULL, "", "kill", "-l");
    CHECK(strstr(res.out, "HUP INT") && strstr(res.out, " TERM ") && res.out[res.out_len - 1] == '\n',
          "kill -l lists the names: %s", shown(res.out, res.out_len));
    EXPECT(NULL, 1, "", fmt("kill: 99999: %s\n", strerror(ESRCH)), "kill", "99999");
    EXPECT(NULL, 1, "", "kill: abc: not a process ID\n", "kill", "abc");
    EXPECT(NULL, 0, "", "", "kill", "-0", fmt("%d", (int)getpid()));
    USAGE("kill: FOO: unknown signal\n", "kill", "-FOO", "1");
    USAGE(NULL, "kill");
    USAGE(NULL, "kill", "-s", "TERM");

    /* ps: init (pid 1), us, and ps itself, our child. */
    EXPECT(NULL, 0, NULL, "", "ps");
    CHECK(strncmp(res.out, "  PID  PPID STATE   NAME\n", 25) == 0, "ps header: %s",
          shown(res.out, res.out_len));
    bool saw_init = false, saw_us = false, saw_ps = false;
    for (char *line = strchr(res.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        int pid, ppid;
        char state[16], name[40];
        if (sscanf(line + 1, "%d %d %15s %39s", &pid, &ppid, state, name) != 4)
            continue;
        saw_init |= pid == 1 && strcmp(name, "init") == 0;
        /* init names a test after its line in the configuration ("bin") */
        saw_us |= pid == getpid() && strcmp(state, "running") == 0;
        saw_ps |= ppid == getpid() && strcmp(name, "ps") == 0 && strcmp(state, "running") == 0;
    }
    CHECK(saw_init && saw_us && saw_ps, "ps lists init %d, us %d and ps %d: %s", saw_init,
          saw_us, saw_ps, shown(res.out, res.out_len));
    USAGE("ps: unknown option -Z\n", "ps", "-Z");
}

static void test_system(void)
{
    EXPECT(NULL, 0, "Atom atom " ATOM_VERSION " x86_64\n", "", "uname", "-a");
    EXPECT(NULL, 0, "Atom\n", "", "uname");
    EXPECT(NULL, 0, "Atom " ATOM_VERSION "\n", "", "uname", "-r", "-s");
    EXPECT(NULL, 0, "atom x86_64\n", "", "uname", "-mn");
    USAGE("uname: unknown option -Z\n", "uname", "-Z");
    USAGE(NULL, "uname", "x");

    time_t t0 = time(NULL);
    EXPECT(NULL, 0, NULL, "", "date");
    char wday[4], mon[4], zone[4];
    int mday, h, m, s, year;
    CHECK(sscanf(res.out, "%3s %3s %d %d:%d:%d %3s %d", wday, mon, &mday, &h, &m, &s, zone,
                 &year) == 8 && strcmp(zone, "UTC") == 0 && year >= 2024 &&
          res.out_len == 29, "date: %s", shown(res.out, res.out_len));
    char want[64];
    struct tm tm;
    gmtime_r(&t0, &tm);
    strftime(want, sizeof(want), "%a %b %e %H:%M:%S UTC %Y\n", &tm);
    CHECK(strncmp(res.out, want, 11) == 0, "date says %s, it is %s", shown(res.out, res.out_len), want);
    EXPECT(NULL, 0, NULL, "", "date", "+%Y");
    CHECK(atoi(res.out) >= 2024 && atoi(res.out) == tm.tm_year + 1900, "date +%%Y: %s", res.out);
    EXPECT(NULL, 0, "UTC\n", "", "date", "-u", "+%Z");
    EXPECT(NULL, 0, "x 100%\n", "", "date", "+x 100%%");
    USAGE("date: setting the time is not supported\n", "date", "0101");
    USAGE("date: unknown option -Z\n", "date", "-Z");

    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    EXPECT(NULL, 0, NULL, "", "uptime");
    int uh = -1, um = -1, us = -1;
    CHECK(sscanf(res.out, "up %d:%d:%d", &uh, &um, &us) == 3 && res.out[res.out_len - 1] == '\n',
          "uptime: %s", shown(res.out, res.out_len));
    long long up = uh * 3600LL + um * 60 + us;
    CHECK(up >= now.tv_sec && up <= now.tv_sec + 10, "uptime %lld s, the clock %lld s", up,
          (long long)now.tv_sec);
    USAGE(NULL, "uptime", "x");

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    EXPECT(NULL, 0, "", "", "sleep", "0.3");
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long ms = (b.tv_sec - a.tv_sec) * 1000LL + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK(ms >= 250, "sleep 0.3 took %lld ms", ms);
    EXPECT(NULL, 0, "", "", "sleep", "0");
    USAGE("sleep: invalid time interval x\n", "sleep", "x");
    USAGE("sleep: unknown option -1\n", "sleep", "-1");
    USAGE(NULL, "sleep");
}

/* The Mem: line of free's output into three numbers; the unit suffix
 * of -h goes into units (up to 3 per column) when given. */
static bool free_numbers(double v[3], char units[3][4])
{
    char u[3][4] = { "", "", "" };
    const char *line = strstr(res.out, "\nMem:");
    const char *header = fmt("%4s %11s %11s %11s\n", "", "total", "used", "free");
    if (!line || strncmp(res.out, header, strlen(header)) != 0)
        return false;
    int n = sscanf(line, "\nMem: %lf%3s %lf%3s %lf%3s", &v[0], u[0], &v[1], u[1], &v[2], u[2]);
    if (units)
        memcpy(units, u, sizeof(u));
    return units ? n == 6 : sscanf(line, "\nMem: %lf %lf %lf", &v[0], &v[1], &v[2]) == 3;
}

/* free, dmesg, poweroff and reboot (only their refusals: the others would
 * end the test), and the calls under free and dmesg. */
static void test_memory_and_log(void)
{
    struct atom_mem_stats st;
    CHECK(atom_mem_stats(&st) == 0 && st.page_size == 4096 && st.free_bytes <= st.total_bytes &&
          st.total_bytes <= st.usable_bytes && st.total_bytes > 0 &&
          st.heap_bytes + st.memobj_bytes <= st.total_bytes - st.free_bytes,
          "mem_stats: total %llu free %llu heap %llu memobj %llu",
          (unsigned long long)st.total_bytes, (unsigned long long)st.free_bytes,
          (unsigned long long)st.heap_bytes, (unsigned long long)st.memobj_bytes);
    errno = 0;
    CHECK(atom_mem_stats(NULL) == -1 && errno == EFAULT, "mem_stats(NULL): errno %d", errno);

    double v[3];
    EXPECT(NULL, 0, NULL, "", "free");
    CHECK(free_numbers(v, NULL) && v[0] == (double)(st.total_bytes >> 10) &&
          v[1] + v[2] == v[0] && v[2] <= v[0] && v[2] > 0,
          "free: %s", shown(res.out, res.out_len));
    EXPECT(NULL, 0, NULL, "", "free", "-m");
    CHECK(free_numbers(v, NULL) && v[0] == (double)(st.total_bytes >> 20) && v[2] <= v[0],
          "free -m: %s", shown(res.out, res.out_len));
    EXPECT(NULL, 0, NULL, "", "free", "-h");
    char units[3][4];
    bool gib = st.total_bytes >= (1ull << 30);
    double want = (double)st.total_bytes / (double)(gib ? 1ull << 30 : 1ull << 20);
    CHECK(free_numbers(v, units) && strcmp(units[0], gib ? "Gi" : "Mi") == 0 &&
          v[0] - want < 0.51 && want - v[0] < 0.51,
          "free -h (total %.2f %s): %s", want, gib ? "GiB" : "MiB", shown(res.out, res.out_len));
    USAGE("free: unknown option -x\n", "free", "-x");
    USAGE(NULL, "free", "extra");

    /* What this program writes to the console reaches the kernel log. */
    char marker[64];
    snprintf(marker, sizeof(marker), "ubin: dmesg marker %ld", (long)time(NULL) ^ getpid());
    printf("%s\n", marker);
    fflush(stdout);
    EXPECT(NULL, 0, NULL, "", "dmesg");
    CHECK(res.out_len > 0 && res.out[res.out_len - 1] == '\n' && strstr(res.out, marker),
          "dmesg lacks '%s' (%zu bytes)", marker, res.out_len);
    CHECK(strstr(res.out, "init[1]: init: started bin (/tests/ubin)\n"),
          "dmesg lacks init's line starting ubin");
    /* The boot's own lines, unless the 64 KiB ring has dropped them. */
    CHECK(strstr(res.out, "\natom: boot complete\n") || res.out_len > ATOM_LOG_SIZE - 2048,
          "dmesg lacks the boot (%zu bytes)", res.out_len);
    USAGE("dmesg: unknown option -c\n", "dmesg", "-c");
    USAGE(NULL, "dmesg", "x");

    char buf[64];
    uint64_t pos = 0;
    errno = 0;
    CHECK(atom_log_read((void *)16, sizeof(buf), &pos) == -1 && errno == EFAULT,
          "log_read to a bad buffer: errno %d", errno);
    errno = 0;
    CHECK(atom_log_read(buf, sizeof(buf), NULL) == -1 && errno == EFAULT,
          "log_read with no cursor: errno %d", errno);
    pos = UINT64_MAX / 2;
    CHECK(atom_log_read(buf, sizeof(buf), &pos) == 0 && pos == UINT64_MAX / 2,
          "log_read past the end");

    USAGE("poweroff: unknown option -f\n", "poweroff", "-f");
    USAGE(NULL, "poweroff", "now");
    USAGE("reboot: unknown option -f\n", "reboot", "-f");
    USAGE(NULL, "reboot", "now");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    run(NULL, ARGV("rm", "-rf", "/tmp/ubin"));
    CHECK(mkdir("/tmp/ubin", 0755) == 0 && chdir("/tmp/ubin") == 0, "make /tmp/ubin");
    test_simple();
    test_mkdir_touch();
    test_ls();
    test_copy_move_remove();
    test_text();
    test_env();
    test_processes();
    test_system();
    test_memory_and_log();
    CHECK(chdir("/") == 0, "chdir /");
    EXPECT(NULL, 0, "", "", "rm", "-r", "/tmp/ubin");
    CHECK(!exists("/tmp/ubin"), "rm -r /tmp/ubin");
    printf("ubin: %d failed\n", failed);
    return failed;
}
