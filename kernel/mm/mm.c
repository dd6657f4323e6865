/*
 * mm.c: memory bring-up.
 *
 * The order matters.  bootmem learns which memory is taken (kernel, boot
 * information, modules, framebuffer, low memory); vm_init() builds the
 * kernel page tables from bootmem pages below 4 GiB and maps all RAM; only
 * then can the buddy allocator reach every frame, and it is told about
 * bootmem's pages so it never hands them out; the heap sits on top of it.
 */
#include <arch/layout.h>
#include <kernel/bootmem.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/pmm.h>
#include <kernel/vm.h>

#define MAX_REGIONS 512

static struct mem_region regions[MAX_REGIONS];
static struct pmm_range reserved[BOOTMEM_MAX_RESERVED];

static void *direct_map(uint64_t phys)
{
    return phys_to_virt(phys);
}

static void *heap_pages_alloc(size_t count)
{
    uint64_t pa = pmm_alloc_pages(count);
    return pa == PMM_NONE ? NULL : phys_to_virt(pa);
}

static void heap_pages_free(void *va, size_t count)
{
    pmm_free_pages((uint64_t)(uintptr_t)va - DIRECT_MAP_BASE, count);
}

static const struct heap_page_ops heap_ops = {
    .alloc_pages = heap_pages_alloc,
    .free_pages = heap_pages_free,
};

int mm_init(const struct mb2_info *boot, uint64_t info_phys)
{
    bootmem_init(boot, info_phys);
    if (boot->has_framebuffer)
        bootmem_reserve(boot->fb.addr,
                        boot->fb.addr + (uint64_t)boot->fb.pitch * boot->fb.height,
                        "framebuffer");

    int err = vm_init(boot);
    if (err)
        return err;

    size_t n = 0;
    struct mem_region r;
    for (size_t i = 0; i < mb2_mmap_count(boot) && n < MAX_REGIONS; i++)
        if (mb2_mmap_entry(boot, i, &r) && r.type == MEM_USABLE)
            regions[n++] = r;
    const struct phys_range *taken;
    size_t ntaken = bootmem_reserved(&taken);
    for (size_t i = 0; i < ntaken; i++)
        reserved[i] = (struct pmm_range){ taken[i].start, taken[i].end };
    err = pmm_init(regions, n, reserved, ntaken, direct_map);
    if (err) {
        log_error("mm: no usable memory for the page allocator (%s)",
                  error_name(err));
        return err;
    }
    vm_pmm_ready();
    heap_init(&heap_ops);
    return E_OK;
}

void mm_log_summary(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    log_info("memory: %llu KiB usable, %llu KiB managed, %llu KiB free "
             "(page allocator bookkeeping %llu KiB)",
             (unsigned long long)(st.usable_bytes >> 10),
             (unsigned long long)(st.total_bytes >> 10),
             (unsigned long long)(st.free_bytes >> 10),
             (unsigned long long)(st.metadata_bytes >> 10));
}
