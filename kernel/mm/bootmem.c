/*
 * bootmem.c: memory bookkeeping before the page allocator exists.
 *
 * The kernel needs a few pages (its own page tables) before it can build
 * the buddy allocator, and the buddy allocator needs to know which usable
 * memory is already taken.  This file keeps both: the list of reserved
 * physical ranges and a bump allocator that takes whole pages from usable
 * memory below a limit (the 4 GiB the boot page tables reach), skipping
 * reserved ranges, and records what it took as reserved too.
 */
#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/bootmem.h>
#include <kernel/log.h>
#include <kernel/string.h>

#define LOW_MEMORY_END 0x100000 /* BIOS data, EBDA, option ROMs, SMP trampoline */

static struct phys_range reserved[BOOTMEM_MAX_RESERVED];
static size_t reserved_count;
static const struct mb2_info *boot_info;

/* Pages are taken in runs: [run_next, run_end) is free usable memory, and
 * reserved[run_index] grows to cover what the run has handed out. */
static uint64_t run_next, run_end;
static size_t run_index;
static bool run_open;

void bootmem_reserve(uint64_t start, uint64_t end, const char *what)
{
    start &= ~(uint64_t)(PAGE_SIZE - 1);
    end = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (end <= start)
        return;
    if (reserved_count == BOOTMEM_MAX_RESERVED) {
        log_error("bootmem: no room to reserve [%#llx-%#llx) for %s",
                  (unsigned long long)start, (unsigned long long)end, what);
        return;
    }
    reserved[reserved_count++] = (struct phys_range){ start, end, what };
}

void bootmem_init(const struct mb2_info *boot, uint64_t info_phys)
{
    uint64_t kstart, kend;
    boot_info = boot;
    arch_kernel_image(&kstart, &kend);
    bootmem_reserve(0, LOW_MEMORY_END, "low memory");
    bootmem_reserve(kstart, kend, "kernel image");
    bootmem_reserve(info_phys, info_phys + boot->total_size, "boot information");
    for (size_t i = 0; i < boot->module_count; i++)
        bootmem_reserve(boot->modules[i].start, boot->modules[i].end,
                        boot->modules[i].name);
}

/* The first reserved range overlapping [start, end), or NULL. */
static const struct phys_range *overlap(uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < reserved_count; i++)
        if (reserved[i].start < end && start < reserved[i].end)
            return &reserved[i];
    return NULL;
}

/* The lowest free page of usable memory below limit, and the end of the
 * free stretch it starts; 0 if there is none. */
static uint64_t find_free_page(uint64_t limit, uint64_t *stretch_end)
{
    uint64_t best = 0;
    struct mem_region r;
    for (size_t i = 0; i < mb2_mmap_count(boot_info); i++) {
        if (!mb2_mmap_entry(boot_info, i, &r) || r.type != MEM_USABLE)
            continue;
        uint64_t p = (r.base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (r.base + r.length < limit ? r.base + r.length : limit) &
                       ~(uint64_t)(PAGE_SIZE - 1);
        while (p + PAGE_SIZE <= end) {
            const struct phys_range *o = overlap(p, p + PAGE_SIZE);
            if (!o) {
                if (!best || p < best) {
                    best = p;
                    *stretch_end = end;
                }
                break;
            }
            p = o->end;
        }
    }
    return best;
}

uint64_t bootmem_alloc_page(uint64_t limit)
{
    if (!run_open || run_next + PAGE_SIZE > run_end ||
        run_next + PAGE_SIZE > limit || overlap(run_next, run_next + PAGE_SIZE)) {
        uint64_t end = 0;
        uint64_t page = find_free_page(limit, &end);
        if (!page || reserved_count == BOOTMEM_MAX_RESERVED)
            return 0;
        run_index = reserved_count++;
        reserved[run_index] = (struct phys_range){ page, page, "boot page tables" };
        run_open = true;
        run_next = page;
        run_end = end;
    }
    uint64_t page = run_next;
    run_next += PAGE_SIZE;
    reserved[run_index].end = run_next;
    memset(phys_to_virt(page), 0, PAGE_SIZE);
    return page;
}

size_t bootmem_reserved(const struct phys_range **out)
{
    *out = reserved;
    return reserved_count;
}
