/*
 * uspin MS: a CPU-bound program that never gives up the CPU on its own.
 * It spins for MS milliseconds of the monotonic clock and watches for
 * gaps between consecutive clock readings: a gap of a millisecond or more
 * means the kernel preempted it to run something else.  Exits 0 if it was
 * preempted at least once (run two of them together), 1 if not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <atom/raw_syscall.h>

static uint64_t now_ns(void)
{
    uint64_t t = 0;
    atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t);
    return t;
}

int main(int argc, char **argv)
{
    uint64_t ms = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
    uint64_t start = now_ns(), last = start, end = start + ms * 1000000ull;
    unsigned gaps = 0;
    uint64_t spins = 0;
    while (last < end) {
        uint64_t t = now_ns();
        if (t - last >= 1000000ull)
            gaps++;
        last = t;
        spins++;
    }
    printf("uspin: %llu spins, preempted %u times in %llu ms\n",
           (unsigned long long)spins, gaps, (unsigned long long)ms);
    return gaps > 0 ? 0 : 1;
}
