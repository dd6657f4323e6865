/*
 * upbench: what user programs pay for the POSIX layer, printed as
 * "bench: NAME VALUE UNIT" lines.  Run by `make bench` as the one test of
 * /etc/init-bench.conf (the VFS server, nothing else) under QEMU with
 * -icount shift=0, where one nanosecond of guest time is one guest
 * instruction: the monotonic clock counts instructions, so every figure
 * repeats exactly.  Each is a mean per operation, less the cost of an
 * empty loop round, as in ubench; every operation runs once untimed first
 * so one-time costs (the VFS's first look-up of a path, say) stay out.
 *
 *   upbench        the benchmarks
 *   upbench echo   copies standard input to standard output a byte at a
 *                  time: the far end of the pipe round trip
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SPAWN_ROUNDS  100
#define PIPE_ROUNDS   2000
#define TOUCH_ROUNDS  8
#define TOUCH_BYTES   (4u << 20)
#define PAGE          4096u
#define FILE_BYTES    (16u << 20)
#define CHUNK         (64u << 10)
#define READ_ROUNDS   4
#define TMP_FILE      "/tmp/upbench.dat"

static const char *self_path = "/tests/upbench";
static int failed;
static char chunk[CHUNK];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what)
{
    printf("upbench: %s failed\n", what);
    failed++;
}

/* Mean cost per call of `op`, less the cost of an empty loop round.  One
 * untimed call first. */
static void nothing(void)
{
    __asm__ volatile("" ::: "memory");
}

static uint64_t measure(void (*op)(void), int rounds)
{
    op();
    uint64_t t0 = now_ns();
    for (int i = 0; i < rounds; i++)
        op();
    return (now_ns() - t0) / (uint64_t)rounds;
}

static uint64_t measure_less_loop(void (*op)(void), int rounds)
{
    uint64_t cost = measure(op, rounds), loop = measure(nothing, rounds);
    return cost > loop ? cost - loop : 0;
}

static void report(const char *name, uint64_t value, const char *unit)
{
    printf("bench: %s %llu %s\n", name, (unsigned long long)value, unit);
    fflush(stdout);
}

/* --- spawn and wait ------------------------------------------------------- */

static void spawn_wait(void)
{
    static char *const argv[] = { "true", NULL };
    pid_t pid;
    int status;
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid || status != 0)
        fail("spawn_wait");
}

/* --- pipe round trip ------------------------------------------------------ */

static int to_child, from_child;

static int echo(void)
{
    char c;
    while (read(0, &c, 1) == 1)
        if (write(1, &c, 1) != 1)
            return 1;
    return 0;
}

static void pipe_round_trip(void)
{
    char c = 'x';
    if (write(to_child, &c, 1) != 1 || read(from_child, &c, 1) != 1 || c != 'x')
        fail("pipe_round_trip");
}

static void bench_pipe(void)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        fail("pipe");
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = { (char *)self_path, "echo", NULL };
    pid_t pid;
    int err = posix_spawn(&pid, self_path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (err) {
        fail("spawn of the echo child");
        return;
    }
    to_child = in[1];
    from_child = out[0];
    report("pipe_round_trip", measure_less_loop(pipe_round_trip, PIPE_ROUNDS),
           "guest_instructions");
    close(to_child);
    int status;
    if (waitpid(pid, &status, 0) != pid || status != 0)
        fail("the echo child");
    close(from_child);
}

/* --- fresh memory --------------------------------------------------------- */

/* Writes one byte in each page of [p, p + bytes). */
static void touch(volatile char *p, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += PAGE)
        p[off] = 1;
}

/* Growing the heap by TOUCH_BYTES and writing a byte per page, less the
 * same writes to pages already there, per page.  With no demand paging
 * the cost is all in sbrk: a memory object's frames are allocated and
 * zeroed, and mapped, when it is made. */
static uint64_t first_touch_page(void)
{
    /* Align the break to a page, then grow once untimed: from then on the
     * break is the end of what is mapped, so each timed sbrk maps exactly
     * TOUCH_BYTES of new memory. */
    uintptr_t brk = (uintptr_t)sbrk(0);
    sbrk((intptr_t)((PAGE - brk % PAGE) % PAGE));
    char *warm = sbrk(TOUCH_BYTES);
    if (warm == (char *)-1)
        return 0;
    touch(warm, TOUCH_BYTES);
    uint64_t fresh = 0, again = 0;
    for (int i = 0; i < TOUCH_ROUNDS; i++) {
        uint64_t t0 = now_ns();
        char *p = sbrk(TOUCH_BYTES);
        if (p == (char *)-1) {
            fail("sbrk");
            return 0;
        }
        touch(p, TOUCH_BYTES);
        uint64_t t1 = now_ns();
        touch(p, TOUCH_BYTES);
        again += now_ns() - t1;
        fresh += t1 - t0;
    }
    uint64_t pages = (uint64_t)TOUCH_ROUNDS * (TOUCH_BYTES / PAGE);
    return fresh > again ? (fresh - again) / pages : 0;
}

/* --- reading a tmpfs file ------------------------------------------------- */

static void bench_tmpfs_read(void)
{
    int fd = open(TMP_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fail("create " TMP_FILE);
        return;
    }
    memset(chunk, 'a', sizeof(chunk));
    for (unsigned off = 0; off < FILE_BYTES; off += CHUNK)
        if (write(fd, chunk, CHUNK) != (ssize_t)CHUNK) {
            fail("write " TMP_FILE);
            close(fd);
            return;
        }
    uint64_t total = 0;
    for (int i = 0; i <= READ_ROUNDS; i++) {
        uint64_t t0 = now_ns(), got = 0;
        ssize_t n;
        if (lseek(fd, 0, SEEK_SET) != 0)
            break;
        while ((n = read(fd, chunk, CHUNK)) > 0)
            got += (uint64_t)n;
        if (got != FILE_BYTES) {
            fail("read " TMP_FILE);
            break;
        }
        if (i > 0) /* the first pass is the untimed one */
            total += now_ns() - t0;
    }
    close(fd);
    unlink(TMP_FILE);
    total /= READ_ROUNDS;
    report("tmpfs_read_16mib", total, "guest_instructions");
    report("tmpfs_read_per_mib", total / (FILE_BYTES >> 20), "guest_instructions");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "echo") == 0)
        return echo();
    report("spawn_wait", measure_less_loop(spawn_wait, SPAWN_ROUNDS), "guest_instructions");
    bench_pipe();
    report("first_touch_page", first_touch_page(), "guest_instructions");
    bench_tmpfs_read();
    return failed ? 1 : 0;
}
