/*
 * vfs_platform.c: what the VFS logic needs from Atom (vfs_ops.h).
 *
 * The console is the kernel log until a console server exists.  Random
 * bytes come from RDRAND where the CPU has it, else from a xorshift
 * generator seeded with the clocks: unpredictable enough to tell runs
 * apart, not for cryptography.
 */
#include <cpuid.h>
#include <stdbool.h>
#include <string.h>

#include <atom/raw_syscall.h>

#include "vfs_ops.h"

void vfs_platform_console_write(const char *data, size_t len)
{
    while (len) {
        size_t chunk = len < ATOM_DEBUG_WRITE_MAX ? len : ATOM_DEBUG_WRITE_MAX;
        if (atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)data, (long)chunk, 0) < 0)
            return;
        data += chunk;
        len -= chunk;
    }
}

int64_t vfs_platform_time_ns(void)
{
    uint64_t t = 0;
    atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&t, ATOM_CLOCK_REALTIME, 0);
    return (int64_t)t;
}

static bool has_rdrand(void)
{
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_RDRND);
}

static uint64_t next_random(void)
{
    static int rdrand = -1;
    static uint64_t state;
    if (rdrand < 0)
        rdrand = has_rdrand();
    for (int i = 0; rdrand && i < 10; i++) {
        uint64_t v;
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
        if (ok)
            return v;
    }
    if (!state) {
        uint64_t a = 0, b = 0;
        atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&a, ATOM_CLOCK_MONOTONIC, 0);
        atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&b, ATOM_CLOCK_REALTIME, 0);
        state = (a * 0x9E3779B97F4A7C15ull) ^ b ^ 1;
    }
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

void vfs_platform_random(void *buf, size_t len)
{
    unsigned char *out = buf;
    while (len) {
        uint64_t v = next_random();
        size_t n = len < sizeof(v) ? len : sizeof(v);
        memcpy(out, &v, n);
        out += n;
        len -= n;
    }
}
