/*
 * usercopy.c: range checks in front of the architecture's fault-tolerant
 * copy routines.  A user pointer is never dereferenced anywhere else.
 */
#include <arch/layout.h>
#include <kernel/error.h>
#include <kernel/usercopy.h>
#include <stdbool.h>

size_t arch_copy_user(void *dst, const void *src, size_t len);

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
