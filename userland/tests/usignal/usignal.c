/*
 * usignal: POSIX signals between processes, against the real process
 * server (init) and VFS, run by the self-test boot's user-space suite.
 *
 * Covered: handlers run for signals other processes send; a read on a
 * pipe, waitpid(), sleep() and pause() are interrupted (EINTR) or, with
 * SA_RESTART, carry on; SIGCHLD reaches a parent that catches it;
 * ignored signals pass to children and POSIX_SPAWN_SETSIGDEF takes them
 * back; a blocked signal stays pending and its default action happens
 * when it is unblocked; SIGKILL cannot be caught; signal() keeps its
 * handler; SA_RESETHAND and SA_NODEFER; raise() and abort().
 *
 * It is its own child: "usignal child MODE" does one thing and tells the
 * parent it is ready by writing one byte to its standard output (a pipe).
 * Exits with the number of failed checks.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int failed;
static const char *self_path = "/tests/usignal";

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failed++;                                                        \
            printf("usignal: FAIL line %d (errno %d): ", __LINE__, errno);   \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

static volatile sig_atomic_t caught, count;

static void on_signal(int sig)
{
    caught = sig;
    count++;
}

static sigset_t mask_in_handler;

static void on_check_mask(int sig)
{
    (void)sig;
    sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
}

static void catch(int sig, int flags)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

/* --- the child modes --------------------------------------------------- */

static void ready(void)
{
    if (write(1, "r", 1) != 1)
        _exit(90);
}

static int child(const char *mode)
{
    char c;
    if (strcmp(mode, "read-intr") == 0 || strcmp(mode, "read-restart") == 0) {
        /* Waits in a read of an empty pipe (standard input) when SIGUSR1
         * comes. */
        bool restart = strcmp(mode, "read-restart") == 0;
        catch(SIGUSR1, restart ? SA_RESTART : 0);
        ready();
        ssize_t n = read(0, &c, 1);
        if (caught != SIGUSR1)
            return 20;
        if (restart)
            return n == 1 && c == 'x' ? 0 : 21;
        return n == -1 && errno == EINTR ? 0 : 22;
    }
    if (strcmp(mode, "pause") == 0) {
        catch(SIGUSR2, 0);
        ready();
        int r = pause();
        return r == -1 && errno == EINTR && caught == SIGUSR2 ? 0 : 23;
    }
    if (strcmp(mode, "sleep") == 0) {
        catch(SIGINT, 0);
        ready();
        unsigned left = sleep(30);
        return caught == SIGINT && left > 0 && left <= 30 ? 0 : 24;
    }
    if (strcmp(mode, "inherits-ignored") == 0) {
        /* Started with SIGINT ignored by the parent: says so, survives
         * SIGINT while it sleeps. */
        struct sigaction old;
        sigaction(SIGINT, NULL, &old);
        if (old.sa_handler != SIG_IGN)
            return 25;
        ready();
        sleep(1);
        return 0;
    }
    if (strcmp(mode, "sleeper") == 0) {
        ready();
        sleep(30);
        return 26;
    }
    if (strcmp(mode, "block-term") == 0) {
        /* SIGTERM blocked: it must wait, pending, until unblocked; then
         * its default action ends us. */
        sigset_t set, pend;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigprocmask(SIG_BLOCK, &set, NULL);
        ready();
        for (int i = 0; i < 500; i++) {
            sigpending(&pend);
            if (sigismember(&pend, SIGTERM))
                break;
            usleep(10000);
        }
        if (!sigismember(&pend, SIGTERM))
            return 27;
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        return 28;  /* not reached: SIGTERM ends us */
    }
    if (strcmp(mode, "catch-kill") == 0) {
        catch(SIGTERM, 0);
        ready();
        sleep(30);
        return 29;
    }
    if (strcmp(mode, "signal-parent") == 0) {
        usleep(300000);  /* the parent is waiting by now */
        kill(getppid(), SIGUSR1);
        usleep(300000);
        return 5;
    }
    if (strcmp(mode, "exit") == 0)
        return 7;
    if (strcmp(mode, "abort") == 0)
        abort();
    return 100;
}

/* --- helpers --------------------------------------------------------------- */

/* Spawns "usignal child mode" with its standard input and output on
 * pipes: *to writes its input, *from reads its output.  attr may be
 * NULL.  Returns the pid, or -1. */
static pid_t spawn_child(const char *mode, const posix_spawnattr_t *attr, int *to, int *from)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = { (char *)self_path, "child", (char *)mode, NULL };
    pid_t pid = -1;
    int err = posix_spawn(&pid, self_path, &fa, attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (err) {
        close(in[1]);
        close(out[0]);
        errno = err;
        return -1;
    }
    *to = in[1];
    *from = out[0];
    return pid;
}

/* Waits for the child's ready byte. */
static bool await_ready(int from)
{
    char c;
    return read(from, &c, 1) == 1 && c == 'r';
}

/* Runs mode, sends sig once it is ready (then, if `then` is not NULL,
 * writes it to the child's input), and returns its wait status.
 *
 * The child says it is ready just before the call the signal should
 * interrupt; we give it time to get there, but a signal that comes
 * before the call is run at its start (and the call then waits), so the
 * signal is sent again every half second until the child ends. */
static int signal_child(const char *mode, const posix_spawnattr_t *attr, int sig,
                        const char *then)
{
    int to, from, status = -1;
    pid_t pid = spawn_child(mode, attr, &to, &from);
    if (pid < 0)
        return -1;
    bool is_ready = await_ready(from);
    if (is_ready) {
        usleep(100000);
        kill(pid, sig);
        if (then && write(to, then, strlen(then)) < 0)
            printf("usignal: cannot write to the child\n");
    }
    pid_t r = 0;
    for (int i = 1; i <= 200 && (r = waitpid(pid, &status, WNOHANG)) == 0; i++) {
        usleep(50000);
        if (is_ready && i % 10 == 0)
            kill(pid, sig);
    }
    close(to);
    close(from);
    if (r == 0) {
        printf("usignal: child %s did not end; killing it\n", mode);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
    return r == pid ? status : -1;
}

static bool exited(int status, int code)
{
    return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static bool killed_by(int status, int sig)
{
    return status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* --- the tests ------------------------------------------------------------- */

static void test_handlers_in_children(void)
{
    int s = signal_child("read-intr", NULL, SIGUSR1, NULL);
    CHECK(exited(s, 0), "a read waiting on a pipe fails with EINTR: %#x", s);
    s = signal_child("read-restart", NULL, SIGUSR1, "x");
    CHECK(exited(s, 0), "with SA_RESTART the read carries on: %#x", s);
    s = signal_child("pause", NULL, SIGUSR2, NULL);
    CHECK(exited(s, 0), "pause returns after the handler: %#x", s);
    s = signal_child("sleep", NULL, SIGINT, NULL);
    CHECK(exited(s, 0), "sleep ends early with the time left: %#x", s);
    s = signal_child("catch-kill", NULL, SIGKILL, NULL);
    CHECK(killed_by(s, SIGKILL), "SIGKILL cannot be caught: %#x", s);
    s = signal_child("block-term", NULL, SIGTERM, NULL);
    CHECK(killed_by(s, SIGTERM), "a blocked SIGTERM acts once unblocked: %#x", s);
    s = signal_child("abort", NULL, 0, NULL);
    CHECK(killed_by(s, SIGABRT), "abort() is SIGABRT: %#x", s);
}

static void test_inheritance(void)
{
    signal(SIGINT, SIG_IGN);
    int s = signal_child("inherits-ignored", NULL, SIGINT, NULL);
    CHECK(exited(s, 0), "an ignored signal stays ignored in the child: %#x", s);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    s = signal_child("sleeper", &attr, SIGINT, NULL);
    CHECK(killed_by(s, SIGINT), "POSIX_SPAWN_SETSIGDEF gives it back its default: %#x", s);
    posix_spawnattr_destroy(&attr);
    signal(SIGINT, SIG_DFL);

    /* A caught signal is at its default in the child. */
    catch(SIGINT, 0);
    s = signal_child("sleeper", NULL, SIGINT, NULL);
    CHECK(killed_by(s, SIGINT), "a caught signal is not inherited: %#x", s);
    signal(SIGINT, SIG_DFL);
}

static void test_sigchld_and_wait(void)
{
    /* SIGCHLD reaches a parent that catches it. */
    caught = 0;
    catch(SIGCHLD, SA_RESTART);
    char *argv[] = { (char *)self_path, "child", "exit", NULL };
    pid_t pid;
    CHECK(posix_spawn(&pid, self_path, NULL, NULL, argv, environ) == 0, "spawn");
    for (int i = 0; i < 300 && caught != SIGCHLD; i++)
        usleep(10000);
    CHECK(caught == SIGCHLD, "SIGCHLD when a child ends");
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && exited(status, 7), "and it is waited for");
    signal(SIGCHLD, SIG_DFL);

    /* waitpid interrupted by a handler without SA_RESTART... */
    caught = 0;
    catch(SIGUSR1, 0);
    argv[2] = "signal-parent";
    CHECK(posix_spawn(&pid, self_path, NULL, NULL, argv, environ) == 0, "spawn 2");
    errno = 0;
    pid_t r = waitpid(pid, &status, 0);
    CHECK(r == -1 && errno == EINTR && caught == SIGUSR1, "waitpid fails with EINTR: %d", (int)r);
    CHECK(waitpid(pid, &status, 0) == pid && exited(status, 5), "then waits: %#x", status);
    /* ...and restarted by one with it. */
    caught = 0;
    catch(SIGUSR1, SA_RESTART);
    CHECK(posix_spawn(&pid, self_path, NULL, NULL, argv, environ) == 0, "spawn 3");
    r = waitpid(pid, &status, 0);
    CHECK(r == pid && exited(status, 5) && caught == SIGUSR1, "SA_RESTART: waitpid carries on: %d",
          (int)r);
    signal(SIGUSR1, SIG_DFL);
}

static void test_own_signals(void)
{
    /* signal() keeps the handler (BSD), SA_RESETHAND does not. */
    count = 0;
    CHECK(signal(SIGUSR2, on_signal) == SIG_DFL, "signal returns the old handler");
    raise(SIGUSR2);
    raise(SIGUSR2);
    CHECK(count == 2, "signal(): the handler stays: ran %d times", (int)count);
    count = 0;
    catch(SIGURG, SA_RESETHAND);
    raise(SIGURG);
    raise(SIGURG);  /* now SIG_DFL, which ignores SIGURG */
    struct sigaction old;
    sigaction(SIGURG, NULL, &old);
    CHECK(count == 1 && old.sa_handler == SIG_DFL, "SA_RESETHAND: ran %d times", (int)count);
    signal(SIGUSR2, SIG_DFL);

    /* A handler's own signal is blocked while it runs, unless SA_NODEFER;
     * sa_mask adds more. */
    struct sigaction sa = { .sa_handler = on_check_mask };
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(sigismember(&mask_in_handler, SIGUSR1) && sigismember(&mask_in_handler, SIGUSR2),
          "blocked in its handler, with sa_mask");
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(!sigismember(&mask_in_handler, SIGUSR1), "SA_NODEFER: not blocked");
    sigset_t mask;
    CHECK(sigprocmask(SIG_BLOCK, NULL, &mask) == 0 && !sigismember(&mask, SIGUSR1) &&
          !sigismember(&mask, SIGUSR2), "the mask is back after the handler");
    signal(SIGUSR1, SIG_DFL);

    /* kill() of ourselves with a blocked signal holds it. */
    caught = 0;
    catch(SIGUSR1, 0);
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    kill(getpid(), SIGUSR1);
    CHECK(caught == 0 && sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1), "held while blocked");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    CHECK(caught == SIGUSR1, "delivered when unblocked");
    signal(SIGUSR1, SIG_DFL);

    /* Ignoring a pending signal discards it. */
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR1), "SIG_IGN discards the pending one");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    signal(SIGUSR1, SIG_DFL);

    errno = 0;
    CHECK(sigaction(SIGKILL, &(struct sigaction){ .sa_handler = on_signal }, NULL) == -1 &&
          errno == EINVAL, "no handler for SIGKILL");
    errno = 0;
    CHECK(signal(NSIG, on_signal) == SIG_ERR && errno == EINVAL, "signal NSIG");
    errno = 0;
    CHECK(sigprocmask(99, &set, NULL) == -1 && errno == EINVAL, "bad sigprocmask how");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "child") == 0)
        return child(argv[2]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_own_signals();
    test_handlers_in_children();
    test_inheritance();
    test_sigchld_and_wait();
    printf("usignal: %d failed\n", failed);
    return failed;
}
