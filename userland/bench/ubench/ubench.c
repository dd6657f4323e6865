/*
 * ubench: micro-benchmarks of the kernel's user-visible paths, printed as
 * "bench: NAME VALUE UNIT" lines.  Run by `make bench` under QEMU with
 * -icount shift=0, where one nanosecond of guest time is one guest
 * instruction, so the monotonic clock counts instructions and the figures
 * repeat exactly from run to run.
 */
#include <stdint.h>
#include <stdio.h>

#include <atom/raw_syscall.h>

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

int main(void)
{
    uint64_t loop = measure(nothing);
    printf("bench: null_syscall %llu guest_instructions\n",
           (unsigned long long)(measure(null_syscall) - loop));
    printf("bench: yield_alone %llu guest_instructions\n",
           (unsigned long long)(measure(yield) - loop));
    return 0;
}
