/*
 * physmap.c: extending the direct map beyond the 4 GiB boot.S maps.
 *
 * Until the virtual-memory subsystem exists, the only physical memory the
 * kernel needs above 4 GiB is device memory such as a framebuffer behind a
 * 64-bit PCI BAR.  arch_map_phys() maps such ranges into the direct map with
 * 2 MiB pages, taking page-table pages from a small static pool; when the
 * pool runs out it returns NULL and the caller goes without.
 */
#include <arch/io.h>
#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/string.h>

#define PTE_PRESENT 0x001ull
#define PTE_WRITE   0x002ull
#define PTE_LARGE   0x080ull
#define PTE_NX      (1ull << 63)
#define PTE_ADDR    0x000FFFFFFFFFF000ull
#define POOL_PAGES  8
#define PHYS_LIMIT  (1ull << 46) /* the direct map's reach: 64 TiB */

extern uint64_t boot_pml4[512];

static uint64_t table_pool[POOL_PAGES][512] __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;

/* Returns the next-level table behind `*entry`, creating it if needed. */
static uint64_t *table_next(uint64_t *entry)
{
    if (*entry & PTE_PRESENT)
        return (*entry & PTE_LARGE) ? NULL : phys_to_virt(*entry & PTE_ADDR);
    if (pool_used == POOL_PAGES)
        return NULL;
    uint64_t *table = table_pool[pool_used++];
    memset(table, 0, PAGE_SIZE);
    *entry = virt_to_phys_image(table) | PTE_PRESENT | PTE_WRITE;
    return table;
}

void *arch_map_phys(uint64_t phys, uint64_t size)
{
    if (size == 0 || phys >= PHYS_LIMIT || size > PHYS_LIMIT - phys)
        return NULL;
    if (phys + size <= BOOT_MAPPED_LIMIT)
        return phys_to_virt(phys);

    uint64_t *pml4 = phys_to_virt((uint64_t)(uintptr_t)boot_pml4);
    uint64_t first = phys & ~(uint64_t)(LARGE_PAGE_SIZE - 1);
    for (uint64_t pa = first; pa < phys + size; pa += LARGE_PAGE_SIZE) {
        uint64_t va = DIRECT_MAP_BASE + pa;
        uint64_t *pdpt = table_next(&pml4[(va >> 39) & 511]);
        if (!pdpt)
            return NULL;
        uint64_t *pd = table_next(&pdpt[(va >> 30) & 511]);
        if (!pd)
            return NULL;
        uint64_t *pde = &pd[(va >> 21) & 511];
        if (!(*pde & PTE_PRESENT))
            *pde = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_NX;
    }
    write_cr3(read_cr3());
    return phys_to_virt(phys);
}
