/*
 * ubench: micro-benchmarks of the kernel's user-visible paths, printed as
 * "bench: NAME VALUE UNIT" lines.  Run by `make bench` under QEMU with
 * -icount shift=0, where one nanosecond of guest time is one guest
 * instruction, so the monotonic clock counts instructions and the figures
 * repeat exactly from run to run.
 *
 *   ubench          the benchmarks; handle 2 is an endpoint served by...
 *   ubench server   ...this, in another process (the IPC round trip)
 */
#include <stdint.h>
#include <stdio.h>

#include <string.h>

#include <atom/cap.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>

#define EP 2
#define BENCH_VA 0x500000000000ull

#define ROUNDS 20000

static uint64_t now_ns(void)
{
    uint64_t t = 0;
    atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t);
    return t;
}

/* Cost per operation of `op`, less the cost of an empty loop round. */
static uint64_t measure(void (*op)(void))
{
    uint64_t t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++)
        op();
    return (now_ns() - t0) / ROUNDS;
}

static void nothing(void)
{
    __asm__ volatile("" ::: "memory");
}

static void null_syscall(void)
{
    atom_syscall0(ATOM_SYS_GETPID);
}

static void yield(void)
{
    atom_syscall0(ATOM_SYS_YIELD);
}

static void ipc_round_trip(void)
{
    struct atom_msg m = { ATOM_MSG_INFO(1, 1, 0), 0, { 7 } };
    atom_ipc(ATOM_SYS_IPC_CALL, EP, &m, ATOM_TIMEOUT_FOREVER);
}

static long notification;

static void notify_signal_wait(void)
{
    atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, notification, 1, 0);
    atom_syscall3(ATOM_SYS_NOTIFY_WAIT, notification, 0, 0);
}

static void cap_dup_delete(void)
{
    long h = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, notification, ATOM_RIGHT_READ, 0, 0, 0, 0);
    atom_syscall1(ATOM_SYS_CAP_DELETE, h);
}

static long memory;

static void map_unmap(void)
{
    atom_syscall6(ATOM_SYS_MEM_MAP, 1, memory, BENCH_VA, 0, 1, ATOM_PROT_READ | ATOM_PROT_WRITE);
    atom_syscall6(ATOM_SYS_MEM_UNMAP, 1, BENCH_VA, 1, 0, 0, 0);
}

static int server(void)
{
    struct atom_msg m = { 0 };
    long r = atom_ipc(ATOM_SYS_IPC_RECV, EP, &m, ATOM_TIMEOUT_FOREVER);
    while (r >= 0) {
        m.info = ATOM_MSG_INFO(1, 1, 0);
        m.w[0]++;
        r = atom_ipc(ATOM_SYS_IPC_REPLY_RECV, EP, &m, ATOM_TIMEOUT_FOREVER);
    }
    return 1;
}

static void report(const char *name, uint64_t value)
{
    printf("bench: %s %llu guest_instructions\n", name, (unsigned long long)value);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server();
    notification = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    memory = atom_syscall3(ATOM_SYS_MEM_CREATE, 1, 0, 0);
    struct atom_msg probe = { ATOM_MSG_INFO(1, 1, 0), 0, { 7 } };
    if (notification < 0 || memory < 0 ||
        atom_ipc(ATOM_SYS_IPC_CALL, EP, &probe, ATOM_TIMEOUT_FOREVER) < 0 || probe.w[0] != 8) {
        printf("ubench: set-up failed\n");
        return 1;
    }
    uint64_t loop = measure(nothing);
    report("null_syscall", measure(null_syscall) - loop);
    report("yield_alone", measure(yield) - loop);
    report("ipc_call_reply_round_trip", measure(ipc_round_trip) - loop);
    report("notify_signal_wait", measure(notify_signal_wait) - loop);
    report("cap_duplicate_delete", measure(cap_dup_delete) - loop);
    report("map_unmap_page", measure(map_unmap) - loop);
    return 0;
}
