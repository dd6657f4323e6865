/*
 * ush: the shell (/bin/sh) against the real servers, run as a test of the
 * self-test boot's user-space suite (/etc/init-selftest.conf).  Each
 * check runs `sh -c TEXT`, a script file written into /tmp, or commands
 * on a pipe as standard input, with standard output and error on pipes of
 * their own, and compares both texts and the exit status exactly: lists,
 * $?, $$, variables and the environment of children, every redirection,
 * pipelines, globbing, quoting, unknown commands, cd, subshells, $(...),
 * background jobs with wait, and scripts with arguments.
 *
 * The programs run are the shell's builtins and /tests/uposix in its
 * child modes ("child cat" copies standard input uppercased, "child env
 * NAME VALUE" exits 0 iff NAME is VALUE, ...); /bin/cat and /bin/wc are
 * used too when the initrd has them.  Prints "ush: N failed" and exits
 * with N.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SH "/bin/sh"
#define UPOSIX "/tests/uposix child"

static int failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failed++;                                                        \
            printf("ush: FAIL line %d: ", __LINE__);                         \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

struct result {
    int status;                /* the exit status, 128 + signal, or -1 */
    pid_t pid;
    char out[4096];
    char err[2048];
};

static void read_all(int fd, char *buf, size_t size)
{
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len == size - 1) {
            char drain[256];   /* keep the writer from blocking */
            while (read(fd, drain, sizeof(drain)) > 0) {
            }
            break;
        }
    }
    buf[len] = '\0';
}

/* Runs sh with args, stdin_text (or /dev/null) as its standard input and
 * its output and errors captured. */
static void run(const char *const *args, const char *stdin_text, struct result *r)
{
    int out[2], err[2], in[2] = { -1, -1 };
    memset(r, 0, sizeof(*r));
    r->status = -1;
    if (pipe(out) < 0 || pipe(err) < 0 || (stdin_text && pipe(in) < 0)) {
        CHECK(0, "pipe: %s", strerror(errno));
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdin_text)
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    for (int fd = 3; fd < 16; fd++)
        if (fd != out[1] && fd != err[1] && fd != in[0])
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    char *argv[16] = { "sh" };
    size_t n = 1;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    int e = posix_spawn(&r->pid, SH, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    if (stdin_text) {
        close(in[0]);
        size_t len = strlen(stdin_text);
        CHECK(write(in[1], stdin_text, len) == (ssize_t)len, "write the commands");
        close(in[1]);
    }
    if (e == 0) {
        read_all(out[0], r->out, sizeof(r->out));
        read_all(err[0], r->err, sizeof(r->err));
        int ws;
        if (waitpid(r->pid, &ws, 0) == r->pid)
            r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    } else {
        CHECK(0, "spawn %s: %s", SH, strerror(e));
    }
    close(out[0]);
    close(err[0]);
}

static void sh_c(const char *text, struct result *r)
{
    const char *args[] = { "-c", text, NULL };
    run(args, NULL, r);
}

/* sh -c TEXT must print exactly OUT and ERR and exit with STATUS. */
#define EXPECT(text, want_out, want_err, want_status)                          \
    do {                                                                       \
        struct result r_;                                                      \
        sh_c(text, &r_);                                                       \
        CHECK(strcmp(r_.out, want_out) == 0 && strcmp(r_.err, want_err) == 0 && \
                  r_.status == (want_status),                                  \
              "sh -c '%s':\n  out '%s' (want '%s')\n  err '%s' (want '%s')\n"  \
              "  status %d (want %d)", text, r_.out, want_out, r_.err, want_err, \
              r_.status, want_status);                                         \
    } while (0)

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t len = strlen(text);
    CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len, "write %s", path);
    if (fd >= 0)
        close(fd);
}

static void file_is(const char *path, const char *want)
{
    char buf[512] = "";
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        read_all(fd, buf, sizeof(buf));
        close(fd);
    }
    CHECK(fd >= 0 && strcmp(buf, want) == 0, "%s holds '%s', want '%s'", path, buf, want);
}

/* ---- the checks ------------------------------------------------------------ */

static void test_lists(void)
{
    EXPECT("echo a; echo b", "a\nb\n", "", 0);
    EXPECT("echo a\necho b\n\n", "a\nb\n", "", 0);
    EXPECT("true && echo and; false && echo no; false || echo or; true || echo never",
           "and\nor\n", "", 0);
    EXPECT("false && echo no || echo fallback", "fallback\n", "", 0);
    EXPECT("false; echo $?; true; echo $?", "1\n0\n", "", 0);
    EXPECT(UPOSIX " exit 7; echo $?", "7\n", "", 0);
    EXPECT(UPOSIX " exit 7 || echo failed $?", "failed 7\n", "", 0);
    EXPECT("! false && echo negated; ! true; echo $?", "negated\n1\n", "", 0);
    EXPECT("exit 3", "", "", 3);
    EXPECT(UPOSIX " exit 5", "", "", 5);
    EXPECT("false", "", "", 1);
    EXPECT("echo one; exit; echo two", "one\n", "", 0);
    EXPECT("false; exit", "", "", 1);

    /* $$ is the shell's pid. */
    struct result r;
    sh_c("echo $$", &r);
    char want[32];
    snprintf(want, sizeof(want), "%ld\n", (long)r.pid);
    CHECK(r.status == 0 && strcmp(r.out, want) == 0, "$$ is '%s', the pid %ld", r.out,
          (long)r.pid);
}

static void test_variables(void)
{
    EXPECT("X=hello; echo $X ${X}world \"$X\" '$X' \\$X", "hello helloworld hello $X $X\n",
           "", 0);
    EXPECT("A=1 B=2; echo $A$B; A=3; echo $A", "12\n3\n", "", 0);
    EXPECT("echo [$UNSET_VARIABLE] \"[$UNSET_VARIABLE]\" ${UNSET_VARIABLE:-default}",
           "[] [] default\n", "", 0);
    EXPECT("X='a   b'; echo $X; echo \"$X\"", "a b\na   b\n", "", 0);
    EXPECT("export NAME=VALUE; " UPOSIX " env NAME VALUE && echo exported",
           "exported\n", "", 0);
    EXPECT("LOCAL=1; " UPOSIX " env LOCAL 1 || echo not-exported", "not-exported\n", "", 0);
    EXPECT("LATER=2; export LATER; " UPOSIX " env LATER 2 && echo exported-later",
           "exported-later\n", "", 0);
    EXPECT("PRE=3 " UPOSIX " env PRE 3 && echo prefix; echo [$PRE]", "prefix\n[]\n", "", 0);
    EXPECT("export U=1; unset U; " UPOSIX " env U 1 || echo unset; echo [$U]",
           "unset\n[]\n", "", 0);
    EXPECT("echo ${#HOME_LIKE} ${HOME_LIKE:=/home} $HOME_LIKE", "0 /home /home\n", "", 0);
}

static void test_redirections(void)
{
    EXPECT("echo one > /tmp/ush.out; echo two >> /tmp/ush.out; " UPOSIX " cat < /tmp/ush.out",
           "ONE\nTWO\n", "", 0);
    file_is("/tmp/ush.out", "one\ntwo\n");
    EXPECT("echo replaced >/tmp/ush.out; " UPOSIX " cat </tmp/ush.out", "REPLACED\n", "", 0);
    EXPECT("cd /nonexistent 2> /tmp/ush.err; echo $?", "1\n", "", 0);
    file_is("/tmp/ush.err", "sh: cd: /nonexistent: No such file or directory\n");
    EXPECT("nosuch 2>/tmp/ush.err", "", "", 127);
    file_is("/tmp/ush.err", "sh: nosuch: command not found\n");
    EXPECT("cd /nonexistent 2>&1", "sh: cd: /nonexistent: No such file or directory\n", "", 1);
    EXPECT("echo to-err 1>&2", "", "to-err\n", 0);
    EXPECT("echo to-err >&2; echo to-out", "to-out\n", "to-err\n", 0);
    EXPECT("(echo out; cd /nonexistent) > /tmp/ush.both 2>&1; echo $?", "1\n", "", 0);
    file_is("/tmp/ush.both", "out\nsh: cd: /nonexistent: No such file or directory\n");
    /* Order matters: 2>&1 >file sends errors to the old standard output. */
    EXPECT("(echo out; cd /nonexistent) 2>&1 >/tmp/ush.both",
           "sh: cd: /nonexistent: No such file or directory\n", "", 1);
    file_is("/tmp/ush.both", "out\n");
    EXPECT("echo a 3>/tmp/ush.fd3 1>&3; " UPOSIX " cat </tmp/ush.fd3", "A\n", "", 0);
    EXPECT(UPOSIX " cat < /nonexistent; echo $?", "1\n",
           "sh: /nonexistent: No such file or directory\n", 0);
    EXPECT("echo x > /tmp/nodir/f", "", "sh: /tmp/nodir/f: No such file or directory\n", 1);
    EXPECT(">/tmp/ush.empty; " UPOSIX " cat </tmp/ush.empty; echo [$?]", "[0]\n", "", 0);
    file_is("/tmp/ush.empty", "");
    EXPECT("echo x >&-; echo $?", "1\n", "sh: echo: Bad file number\n", 0);
    EXPECT("echo a > /tmp/*.none", "", "", 0);
    file_is("/tmp/*.none", "a\n");
    unlink("/tmp/*.none");
    unlink("/tmp/ush.out");
    unlink("/tmp/ush.err");
    unlink("/tmp/ush.both");
    unlink("/tmp/ush.fd3");
    unlink("/tmp/ush.empty");
}

static void test_pipelines(void)
{
    EXPECT("echo hello | " UPOSIX " cat | " UPOSIX " cat", "HELLO\n", "", 0);
    EXPECT("echo a b | " UPOSIX " cat | " UPOSIX " cat | " UPOSIX " cat | " UPOSIX " cat",
           "A B\n", "", 0);
    EXPECT(UPOSIX " exit 3 | " UPOSIX " exit 0; echo $?", "0\n", "", 0);
    EXPECT(UPOSIX " exit 0 | " UPOSIX " exit 4; echo $?", "4\n", "", 0);
    EXPECT("echo x | nosuch; echo $?", "127\n", "sh: nosuch: command not found\n", 0);
    EXPECT("echo piped |\n" UPOSIX " cat", "PIPED\n", "", 0);
    EXPECT("echo 'a b c' | (read x y; echo \"[$y]\")", "[b c]\n", "", 0);
    EXPECT("cd /tmp; cd / | true; pwd", "/tmp\n", "", 0); /* a builtin in a pipeline: a child */
    if (exists("/bin/cat")) {
        EXPECT("echo hello | /bin/cat | /bin/cat", "hello\n", "", 0);
        EXPECT("echo hello | cat | cat", "hello\n", "", 0);
    }
    if (exists("/bin/wc"))
        EXPECT("n=$(echo one two three | /bin/wc -w); echo $n", "3\n", "", 0);
}

static void test_globbing(void)
{
    mkdir("/tmp/g", 0755);
    write_file("/tmp/g/a1.txt", "");
    write_file("/tmp/g/a2.txt", "");
    write_file("/tmp/g/b1.log", "");
    write_file("/tmp/g/.hidden", "");
    mkdir("/tmp/g/sub", 0755);
    write_file("/tmp/g/sub/c.txt", "");
    EXPECT("cd /tmp/g; echo *.txt; echo a?.txt; echo ?1*; echo *", "a1.txt a2.txt\n"
           "a1.txt a2.txt\na1.txt b1.log\na1.txt a2.txt b1.log sub\n", "", 0);
    EXPECT("echo /tmp/g/b*; echo /tmp/g/*/*.txt; echo /tmp/g/[ab]1*",
           "/tmp/g/b1.log\n/tmp/g/sub/c.txt\n/tmp/g/a1.txt /tmp/g/b1.log\n", "", 0);
    EXPECT("cd /tmp/g; echo *.none; echo \"*.txt\" '*' \\*; echo .h*",
           "*.none\n*.txt * *\n.hidden\n", "", 0);
    EXPECT("cd /tmp/g; P='a*'; echo $P \"$P\"", "a1.txt a2.txt a*\n", "", 0);
    unlink("/tmp/g/sub/c.txt");
    rmdir("/tmp/g/sub");
    unlink("/tmp/g/a1.txt");
    unlink("/tmp/g/a2.txt");
    unlink("/tmp/g/b1.log");
    unlink("/tmp/g/.hidden");
    rmdir("/tmp/g");
}

static void test_quoting(void)
{
    EXPECT("echo 'a  b' \"c  d\" e\\ \\ f \"it's\" 'say \"hi\"' \\$HOME",
           "a  b c  d e  f it's say \"hi\" $HOME\n", "", 0);
    EXPECT("echo 'semi;colon' \"and&&or||\" pipe\\|x '>' \"#\" a#b", "semi;colon and&&or|| "
           "pipe|x > # a#b\n", "", 0);
    EXPECT("echo \"a \\\"quoted\\\" \\$dollar \\\\ back\"", "a \"quoted\" $dollar \\ back\n",
           "", 0);
    EXPECT("echo 'multi\nline' \"two\nlines\"", "multi\nline two\nlines\n", "", 0);
    EXPECT("echo a\\\nb # a comment", "ab\n", "", 0);
    EXPECT("echo '' \"\" x", "  x\n", "", 0);
    EXPECT("echo \"$(echo inner; echo two)\" $(echo split   words)", "inner\ntwo split words\n",
           "", 0);
    EXPECT("X=$(" UPOSIX " exit 3); echo $?", "3\n", "", 0);
}

static void test_errors(void)
{
    EXPECT("nosuch", "", "sh: nosuch: command not found\n", 127);
    EXPECT("nosuch; echo $?", "127\n", "sh: nosuch: command not found\n", 0);
    EXPECT("/tmp/nosuch", "", "sh: /tmp/nosuch: No such file or directory\n", 127);
    EXPECT("echo ; ;", "", "sh: syntax error near ';'\n", 2);
    EXPECT("echo ok\necho | | x", "ok\n", "sh: syntax error near '|'\n", 2);
    EXPECT("echo 'open", "", "sh: syntax error: unexpected end of file\n", 2);
    EXPECT("(echo a", "", "sh: syntax error: unexpected end of file\n", 2);
    EXPECT(UPOSIX " crash; echo $?", "139\n", "Segmentation fault\n", 0);
    EXPECT("exit 1000", "", "", 1000 & 255);
}

static void test_cd(void)
{
    EXPECT("cd /tmp; pwd", "/tmp\n", "", 0);
    EXPECT("cd /tmp; " UPOSIX " cwd /tmp && echo child-in-tmp", "child-in-tmp\n", "", 0);
    EXPECT("cd /tmp; cd /; cd -; echo $PWD $OLDPWD", "/tmp\n/tmp /\n", "", 0);
    EXPECT("HOME=/etc; cd; pwd", "/etc\n", "", 0);
    EXPECT("unset HOME; cd; pwd", "/\n", "", 0);
    EXPECT("cd /; (cd /tmp; pwd); pwd", "/tmp\n/\n", "", 0);
}

static void test_subshells(void)
{
    struct result r;
    /* A subshell sees unexported variables and the parent's $$. */
    sh_c("X=1; (X=2; echo $X $$); echo $X $$", &r);
    long a = 0, b = 0;
    int x1 = 0, x2 = 0;
    CHECK(sscanf(r.out, "%d %ld\n%d %ld", &x1, &a, &x2, &b) == 4 && x1 == 2 && x2 == 1 &&
              a == b && a == r.pid && r.status == 0,
          "subshell: out '%s', pid %ld", r.out, (long)r.pid);
    EXPECT("(exit 4); echo $?", "4\n", "", 0);
    EXPECT("set_in_sub=no; (set_in_sub=yes); echo $set_in_sub", "no\n", "", 0);
    EXPECT("false; (echo $?)", "1\n", "", 0);
}

static void test_background(void)
{
    EXPECT(UPOSIX " sleep 1 & echo started; wait; echo waited $?", "started\nwaited 0\n", "", 0);
    EXPECT(UPOSIX " exit 4 & wait $!; echo $?", "4\n", "", 0);
    EXPECT(UPOSIX " exit 5 & " UPOSIX " exit 6 & wait %1; echo $?; wait %2; echo $?",
           "5\n6\n", "", 0);
    EXPECT(UPOSIX " sleep 1 & jobs; wait; jobs; echo end",
           "[1]  Running  " UPOSIX " sleep 1\nend\n", "", 0);
    EXPECT("false && echo no & true && echo yes & wait", "yes\n", "", 0);
    EXPECT("echo bg | " UPOSIX " cat & wait $!; echo $?", "BG\n0\n", "", 0);
    EXPECT("wait 12345", "", "sh: wait: 12345: no such job\n", 127);

    /* The background job runs while the shell goes on. */
    struct result r;
    sh_c(UPOSIX " sleep 1 & P=$!; kill_check=1; echo $P; wait", &r);
    CHECK(r.status == 0 && atol(r.out) > 0 && atol(r.out) != r.pid, "$! is '%s'", r.out);
}

static void test_scripts(void)
{
    write_file("/tmp/ush-script.sh",
               "# a comment line\n"
               "echo \"$0: $# args: $1 and $2\"\n"
               "shift\n"
               "echo \"then $1, all: $@\"\n"
               "for_all=\"$*\"; echo \"[$for_all]\"\n"
               "long_line=a &&\n"
               "  echo continued\n"
               "exit 6\n"
               "echo not reached\n");
    const char *args[] = { "/tmp/ush-script.sh", "first", "second arg", "third", NULL };
    struct result r;
    run(args, NULL, &r);
    CHECK(r.status == 6 && strcmp(r.out, "/tmp/ush-script.sh: 3 args: first and second arg\n"
                                         "then second arg, all: second arg third\n"
                                         "[second arg third]\ncontinued\n") == 0 &&
              r.err[0] == '\0',
          "script: status %d, out '%s', err '%s'", r.status, r.out, r.err);

    /* -c with a name and arguments. */
    const char *args2[] = { "-c", "echo $0 $1 \"$2\" $#", "name", "x", "y  z", NULL };
    run(args2, NULL, &r);
    CHECK(r.status == 0 && strcmp(r.out, "name x y  z 2\n") == 0, "-c args: '%s'", r.out);

    /* A script run by name as a command, and sourced. */
    EXPECT("/tmp/ush-script.sh a b; echo $?", "/tmp/ush-script.sh: 2 args: a and b\n"
           "then b, all: b\n[b]\ncontinued\n6\n", "", 0);
    write_file("/tmp/ush-source.sh", "SOURCED=yes\n");
    EXPECT(". /tmp/ush-source.sh; echo $SOURCED", "yes\n", "", 0);

    const char *args3[] = { "/tmp/ush-none.sh", NULL };
    run(args3, NULL, &r);
    CHECK(r.status == 127 && strcmp(r.err, "sh: /tmp/ush-none.sh: No such file or directory\n")
              == 0, "missing script: %d '%s'", r.status, r.err);
    unlink("/tmp/ush-script.sh");
    unlink("/tmp/ush-source.sh");
}

static void test_stdin(void)
{
    /* Commands on a pipe: not a terminal, so no prompt and no editor. */
    const char *none[] = { NULL };
    struct result r;
    run(none, "echo from-stdin\nX=5\necho $X\n" UPOSIX " exit 2\n", &r);
    CHECK(r.status == 2 && strcmp(r.out, "from-stdin\n5\n") == 0 && r.err[0] == '\0',
          "stdin: status %d, out '%s', err '%s'", r.status, r.out, r.err);
    /* A command reads what follows its line. */
    run(none, "read line\nthe next line\necho \"got: $line\"\n", &r);
    CHECK(r.status == 0 && strcmp(r.out, "got: the next line\n") == 0,
          "read from stdin: '%s' '%s'", r.out, r.err);
    run(none, UPOSIX " cat\nrest for cat\n", &r);
    CHECK(r.status == 0 && strcmp(r.out, "REST FOR CAT\n") == 0, "cat of stdin: '%s'", r.out);
    run(none, "echo 'unterminated\n", &r);
    CHECK(r.status == 2 && strcmp(r.err, "sh: syntax error: unexpected end of file\n") == 0,
          "stdin syntax error: %d '%s'", r.status, r.err);
}

static void test_builtins(void)
{
    EXPECT("echo -n a; echo b", "ab\n", "", 0);
    EXPECT("true; echo $?; false; echo $?", "0\n1\n", "", 0);
    EXPECT("help >/dev/null && echo helped", "helped\n", "", 0);
    EXPECT("history", "", "", 0);
    EXPECT("export BAD-NAME=1", "", "sh: export: 'BAD-NAME=1': not a valid name\n", 1);
    EXPECT("export ONLY_HERE=1; export | " UPOSIX " cat >/dev/null; echo $?", "0\n", "", 0);
}

int main(void)
{
    printf("ush: testing %s\n", SH);
    test_lists();
    test_variables();
    test_redirections();
    test_pipelines();
    test_globbing();
    test_quoting();
    test_errors();
    test_cd();
    test_subshells();
    test_background();
    test_scripts();
    test_stdin();
    test_builtins();
    printf("ush: %d failed\n", failed);
    return failed;
}
