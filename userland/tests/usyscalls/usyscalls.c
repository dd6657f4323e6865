/*
 * usyscalls: every system call with valid arguments and with bad
 * pointers, lengths and numbers, checking the error codes of
 * <atom/errors.h>.  Also checks that floating-point state survives being
 * preempted and rescheduled.  Exits with the number of failed checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <atom/framebuffer.h>
#include <atom/raw_syscall.h>

static int passed, failed;

#define CHECK(cond, what)                                                    \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            printf("usyscalls: FAIL: %s (line %d)\n", what, __LINE__);       \
        }                                                                    \
    } while (0)

static uint64_t now_ns(void)
{
    uint64_t t = 0;
    atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t);
    return t;
}

static char stack_probe[64];

int main(void)
{
    static const char msg[] = "usyscalls: hello through debug-write\n";
    long r;

    /* debug-write */
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)msg, (long)strlen(msg), 0);
    CHECK(r == (long)strlen(msg), "debug-write returns the length");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)msg, 0, 0);
    CHECK(r == 0, "debug-write of nothing returns 0");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, 0, 10, 0);
    CHECK(r == -ATOM_EFAULT, "debug-write from NULL is EFAULT");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)0xffffffff80100000ul, 16, 0);
    CHECK(r == -ATOM_EFAULT, "debug-write from kernel memory is EFAULT");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)0x0000700000000000ul, 16, 0);
    CHECK(r == -ATOM_EFAULT, "debug-write from unmapped user memory is EFAULT");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)msg, ATOM_DEBUG_WRITE_MAX + 1, 0);
    CHECK(r == -ATOM_EINVAL, "debug-write longer than the maximum is EINVAL");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)msg, -1L, 0);
    CHECK(r == -ATOM_EINVAL, "debug-write of a huge length is EINVAL");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)0x00007ffffffff000ul, 4096, 0);
    CHECK(r == -ATOM_EFAULT, "debug-write from the top user page is EFAULT");
    r = atom_syscall3(ATOM_SYS_DEBUG_WRITE, (long)0x00007ffffffffff0ul, 0x100, 0);
    CHECK(r == -ATOM_EFAULT, "debug-write across the end of the user half is EFAULT");

    /* clock */
    uint64_t t1 = 0, t2 = 0;
    r = atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t1);
    CHECK(r == 0 && t1 > 0, "clock writes the time");
    r = atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t2);
    CHECK(r == 0 && t2 >= t1, "the clock does not go backwards");
    r = atom_syscall1(ATOM_SYS_CLOCK_NS, 0);
    CHECK(r == -ATOM_EFAULT, "clock into NULL is EFAULT");
    r = atom_syscall1(ATOM_SYS_CLOCK_NS, (long)0xffff800000000000ul);
    CHECK(r == -ATOM_EFAULT, "clock into the kernel's direct map is EFAULT");
    r = atom_syscall1(ATOM_SYS_CLOCK_NS, (long)main);
    CHECK(r == -ATOM_EFAULT, "clock into read-only program text is EFAULT");
    r = atom_syscall1(ATOM_SYS_CLOCK_NS, (long)(stack_probe + 3));
    CHECK(r == 0, "clock into an unaligned writable address works");
    uint64_t wall = 0;
    r = atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&wall, ATOM_CLOCK_REALTIME, 0);
    /* 2020-01-01 .. 2100-01-01: the RTC was read at boot. */
    CHECK(r == 0 && wall > 1577836800ull * 1000000000ull && wall < 4102444800ull * 1000000000ull,
          "the real-time clock gives a plausible date");
    r = atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&wall, 2, 0);
    CHECK(r == -ATOM_EINVAL, "an unknown clock is EINVAL");

    /* sleep, yield, getpid */
    uint64_t before = now_ns();
    r = atom_syscall1(ATOM_SYS_SLEEP_NS, 20000000L);
    CHECK(r == 0 && now_ns() - before >= 20000000ull, "sleep lasts at least as asked");
    CHECK(atom_syscall0(ATOM_SYS_YIELD) == 0, "yield returns 0");
    CHECK(atom_syscall0(ATOM_SYS_GETPID) > 0, "getpid is positive");

    /* framebuffer_info: only the boot framebuffer's object answers */
    struct atom_framebuffer_info fbi;
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, 1, 0, 0);
    CHECK(mem >= 0, "mem_create for framebuffer_info");
    CHECK(atom_syscall3(ATOM_SYS_FRAMEBUFFER_INFO, mem, (long)&fbi, 0) == -ATOM_EINVAL,
          "framebuffer_info of an anonymous object is EINVAL");
    CHECK(atom_syscall3(ATOM_SYS_FRAMEBUFFER_INFO, 1, (long)&fbi, 0) == -ATOM_EINVAL,
          "framebuffer_info of an address space is EINVAL");
    CHECK(atom_syscall3(ATOM_SYS_FRAMEBUFFER_INFO, 4000, (long)&fbi, 0) == -ATOM_EBADF,
          "framebuffer_info of an empty slot is EBADF");
    atom_syscall1(ATOM_SYS_CAP_DELETE, mem);

    /* numbers */
    CHECK(atom_syscall0(ATOM_SYS_COUNT) == -ATOM_ENOSYS, "the first unused number is ENOSYS");
    CHECK(atom_syscall0(9999) == -ATOM_ENOSYS, "a large number is ENOSYS");
    CHECK(atom_syscall0(-1) == -ATOM_ENOSYS, "a negative number is ENOSYS");

    /* FPU/SSE state across preemption: a long floating-point computation
     * with yields and sleeps in between must give the exact same result
     * as computing it straight. */
    volatile double acc = 0, ref = 0;
    for (int i = 1; i <= 2000; i++)
        ref += 1.0 / (double)i;
    for (int i = 1; i <= 2000; i++) {
        acc += 1.0 / (double)i;
        if (i % 100 == 0)
            atom_syscall0(ATOM_SYS_YIELD);
        if (i % 500 == 0)
            atom_syscall1(ATOM_SYS_SLEEP_NS, 5000000L);
    }
    CHECK(acc == ref, "floating-point state survives rescheduling");

    printf("usyscalls: %d passed, %d failed\n", passed, failed);
    return failed;
}
