/*
 * usercopy.c: range checks in front of the architecture's fault-tolerant
 * copy routines.  A user pointer is never dereferenced anywhere else.
 */
#include <arch/layout.h>
#include <kernel/error.h>
#include <kernel/usercopy.h>
#include <stdbool.h>

size_t arch_copy_user(void *dst, const void *src, size_t len);
long arch_copy_user_string(char *dst, const char *src, size_t max);

static bool user_range_ok(uint64_t addr, size_t len)
{
    return addr < USER_TOP && len <= USER_TOP - addr;
}

int copy_from_user(void *dst, uint64_t user_src, size_t len)
{
    if (!user_range_ok(user_src, len))
        return E_FAULT;
    return arch_copy_user(dst, (const void *)(uintptr_t)user_src, len) ? E_FAULT : E_OK;
}

int copy_to_user(uint64_t user_dst, const void *src, size_t len)
{
    if (!user_range_ok(user_dst, len))
        return E_FAULT;
    return arch_copy_user((void *)(uintptr_t)user_dst, src, len) ? E_FAULT : E_OK;
}

long copy_string_from_user(char *dst, uint64_t user_src, size_t max)
{
    if (max == 0)
        return E_RANGE;
    /* Only bytes inside the user half may be read, however long max is. */
    size_t reachable = user_src < USER_TOP ? USER_TOP - user_src : 0;
    if (reachable == 0)
        return E_FAULT;
    long n = arch_copy_user_string(dst, (const char *)(uintptr_t)user_src,
                                   max < reachable ? max : reachable);
    if (n == -1)
        return E_FAULT;
    if (n < 0)
        return max <= reachable ? E_RANGE : E_FAULT;
    if ((size_t)n >= max) {
        dst[max - 1] = '\0';
        return E_RANGE;
    }
    return n;
}
