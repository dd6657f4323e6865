/*
 * sysinfo.c: the read-only system-information calls, which belong to no
 * kernel object: the kernel log (ATOM_SYS_LOG_READ) and the memory
 * totals (ATOM_SYS_MEM_STATS).
 *
 * Neither takes a capability (docs/abi.md says why: they describe the
 * machine, change nothing, and show what every console already shows).
 * Each decodes first (lengths, the cursor copied in) and then performs;
 * user memory is reached through usercopy.c only, and never under the
 * log's lock: the log is copied out to a kernel buffer first.
 */
#include <atom/errors.h>
#include <atom/sysinfo.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <kernel/pmm.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>

/* (buf, len, pos) -> bytes copied; *pos moved up past dropped bytes. */
int64_t sys_log_read(struct syscall_regs *r)
{
    uint64_t buf = r->arg[0], len = r->arg[1], cursor = r->arg[2];
    uint64_t pos;
    int err = copy_from_user(&pos, cursor, sizeof(pos));
    if (err != E_OK)
        return syscall_error(err);
    if (len > ATOM_LOG_READ_MAX)
        len = ATOM_LOG_READ_MAX;
    if (len == 0)
        return 0;
    char *copy = kmalloc(len);
    if (!copy)
        return -ATOM_ENOMEM;
    size_t n = log_read(&pos, copy, len);
    err = copy_to_user(buf, copy, n);
    if (err == E_OK)
        err = copy_to_user(cursor, &pos, sizeof(pos));
    kfree(copy);
    return err == E_OK ? (int64_t)n : syscall_error(err);
}

/* (out) -> 0. */
int64_t sys_mem_stats(struct syscall_regs *r)
{
    struct pmm_stats ps;
    struct heap_stats hs;
    pmm_stats(&ps);
    heap_stats(&hs);
    struct atom_mem_stats out = {
        .page_size = PMM_PAGE_SIZE,
        .usable_bytes = ps.usable_bytes,
        .total_bytes = ps.total_bytes,
        .free_bytes = ps.free_bytes,
        .heap_bytes = (uint64_t)hs.pages * PMM_PAGE_SIZE,
        .memobj_bytes = memobj_anon_pages() * PMM_PAGE_SIZE,
    };
    return syscall_error(copy_to_user(r->arg[0], &out, sizeof(out)));
}
