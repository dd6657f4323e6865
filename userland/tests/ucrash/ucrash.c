/*
 * ucrash MODE: misbehaves in one way, so tests can check that the kernel
 * stops this process and nothing else.  MODE is one of: divide, privileged,
 * kernel-jump, kernel-read, stack-overflow, null, invalid-opcode.
 */
#include <stdio.h>
#include <string.h>

static volatile int limit = 1 << 30; /* never reached: the stack runs out */

__attribute__((noinline)) static int recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth >= limit)
        return 0;
    return recurse(depth + 1) + frame[0];
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    printf("ucrash: %s\n", mode);
    fflush(stdout);
    if (strcmp(mode, "divide") == 0) /* asm: C lets the compiler skip it */
        __asm__ volatile("xorl %%edx, %%edx; divl %0" : : "r"(0), "a"(1) : "rdx");
    if (strcmp(mode, "privileged") == 0)
        __asm__ volatile("cli; hlt");
    if (strcmp(mode, "kernel-jump") == 0)
        ((void (*)(void))0xffffffff80100000ul)();
    if (strcmp(mode, "kernel-read") == 0)
        return *(volatile int *)0xffff800000100000ul;
    if (strcmp(mode, "stack-overflow") == 0)
        return recurse(0);
    if (strcmp(mode, "null") == 0)
        return *(volatile int *)0;
    if (strcmp(mode, "invalid-opcode") == 0)
        __asm__ volatile("ud2");
    printf("ucrash: unknown mode '%s'\n", mode);
    return 2;
}
