/*
 * ufuzz [CALLS] [SEED]: issues CALLS random system calls (default 100,000)
 * with random numbers and arguments drawn from values that tend to find
 * bugs: NULL, kernel addresses, the edges of the user half, unmapped and
 * read-only memory, huge and negative lengths, and a few valid ones.  Each
 * result must be a value or one of the documented errors; anything else,
 * or the kernel stopping this program, is a failure.  Calls that would end
 * the program (exit) are skipped, and sleeps are zero-length (any other
 * sleep lasts at least one 10 ms timer tick).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <atom/errors.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>
#include <atom/syscall.h>

static uint64_t state;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static char buffer[64];

static long interesting(void)
{
    static const uint64_t values[] = {
        0, 1, 8, 0xfff, 0x1000, 0x400000, 0x7fffffffefff, 0x7ffffffff000,
        0x7ffffffffff8, 0x800000000000, 0xffff800000000000, 0xffffffff80100000,
        0xffffffffffffffff, 0x8000000000000000, 4096, 4097, 65536,
    };
    switch (next() % 4) {
    case 0: return (long)values[next() % (sizeof(values) / sizeof(values[0]))];
    case 1: return (long)next();
    case 2: return (long)(buffer + next() % sizeof(buffer));
    default: return (long)(next() % 8192) - 4096;
    }
}

static int in_buffer(long p)
{
    return (uintptr_t)p >= (uintptr_t)buffer && (uintptr_t)p < (uintptr_t)(buffer + sizeof(buffer));
}

static int known(long r)
{
    if (r >= 0)
        return 1;
    switch (-r) {
    case ATOM_EINVAL: case ATOM_EFAULT: case ATOM_ENOSYS: case ATOM_ENOMEM:
    case ATOM_ERANGE: case ATOM_EPERM: case ATOM_EBUSY: case ATOM_EBADF:
    case ATOM_EAGAIN: case ATOM_ENOSPC: case ATOM_EPIPE: case ATOM_EEXIST:
        return 1;
    }
    return 0;
}

/* A handle: mostly the small ones that name something. */
static long handle(void)
{
    return next() % 4 ? (long)(next() % 24) : interesting();
}

/* The IPC calls with a random message and a timeout that never blocks. */
static long ipc_call(long nr, long a[6])
{
    register long r10 __asm__("r10") = a[3];
    register long r8 __asm__("r8") = a[4];
    register long r9 __asm__("r9") = a[5];
    register long r12 __asm__("r12") = (long)ATOM_TIMEOUT_POLL;
    long ret = nr;
    __asm__ volatile("syscall"
                     : "+a"(ret), "+D"(a[0]), "+S"(a[1]), "+d"(a[2]), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "r"(r12)
                     : "rcx", "r11", "memory");
    return ret;
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    state = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x9E3779B97F4A7C15ull;
    long bad = 0;
    /* Give up the capabilities to itself, so that no random call can
     * unmap this program or kill it; keep a child process to aim the
     * process, thread and memory calls at. */
    struct atom_process_handles child;
    static const char name[] = "ufuzz-child";
    long cr = atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)name, sizeof(name) - 1, -1, 0,
                            (long)&child, 0);
    if (cr != 0 || atom_syscall1(ATOM_SYS_CAP_DELETE, 0) != 0 ||
        atom_syscall1(ATOM_SYS_CAP_DELETE, 1) != 0) {
        printf("ufuzz: cannot set up (%ld)\n", cr);
        return 1;
    }
    for (long i = 0; i < calls; i++) {
        long nr = (long)(next() % (ATOM_SYS_COUNT + 4));
        if (next() % 16 == 0)
            nr = interesting();
        long a[6];
        for (int k = 0; k < 6; k++)
            a[k] = next() % 2 ? handle() : interesting();
        if (nr == ATOM_SYS_EXIT || nr == ATOM_SYS_IPC_BUFFER)
            continue;                      /* would end the run; nothing to test */
        if (nr == ATOM_SYS_SLEEP_NS)
            a[0] = 0;
        if (nr == ATOM_SYS_NOTIFY_WAIT)
            a[1] = (long)ATOM_TIMEOUT_POLL;
        if (nr == ATOM_SYS_DEBUG_WRITE && a[1] > 0 && a[1] <= ATOM_DEBUG_WRITE_MAX) {
            /* Keep the log readable: a write that could succeed gets a
             * pointer that must fail instead. */
            static const long unreadable[] = { 0, (long)0xffffffff80100000ul,
                                               (long)0x0000700000000000ul,
                                               (long)0x00007ffffffff000ul };
            a[0] = unreadable[next() % 4];
        }
        if (nr == ATOM_SYS_MEM_CREATE)
            a[0] &= 63;                    /* memory is finite; keep going */
        /* Calls that fill a buffer may do so, and must not overrun ours
         * into the program's own data. */
        if (in_buffer(a[0]) && nr == ATOM_SYS_MEM_STATS)
            a[0] = (long)buffer;
        if (in_buffer(a[0]) && nr == ATOM_SYS_LOG_READ &&
            (unsigned long)a[1] > (unsigned long)(buffer + sizeof(buffer) - (char *)a[0]))
            a[1] = (long)(buffer + sizeof(buffer) - (char *)a[0]);
        if (in_buffer(a[2]) && nr == ATOM_SYS_LOG_READ)
            a[2] = (long)buffer;
        long r;
        if (nr >= ATOM_SYS_IPC_SEND && nr <= ATOM_SYS_IPC_REPLY_RECV)
            r = ipc_call(nr, a);
        else
            r = atom_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (!known(r)) {
            if (bad++ < 5)
                printf("ufuzz: call %ld (nr %ld) returned %ld\n", i, nr, r);
        }
    }
    printf("ufuzz: %ld calls, %ld unexpected results\n", calls, bad);
    return bad != 0;
}
