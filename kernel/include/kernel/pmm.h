/* Physical memory (kernel/mm/pmm.c): a buddy allocator of 4 KiB frames.
 *
 * A block of order k is 2^k frames, physically contiguous and aligned to
 * its own size.  The allocator is built once from the usable regions of
 * the memory map, less the reserved ranges; it keeps its bookkeeping in a
 * stretch of that memory and reaches it through the phys_to_virt function
 * given to pmm_init, so it never touches the memory it hands out.  Frame 0
 * is never handed out.  Every call takes the allocator's spinlock. */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <kernel/multiboot2.h>
#include <stddef.h>
#include <stdint.h>

#define PMM_PAGE_SIZE  4096
#define PMM_PAGE_SHIFT 12
#define PMM_MAX_ORDER  18         /* largest block: 2^18 frames = 1 GiB */
#define PMM_MAX_SPANS  128        /* separate stretches of usable memory */
#define PMM_NONE       UINT64_MAX /* "no frame": allocation failed */

/* A physical range [start, end) that must never be handed out. */
struct pmm_range {
    uint64_t start;
    uint64_t end;
};

struct pmm_stats {
    uint64_t usable_bytes;   /* usable RAM in the memory map (whole frames) */
    uint64_t total_bytes;    /* of which the allocator manages */
    uint64_t free_bytes;     /* of which is free now */
    uint64_t reserved_bytes; /* usable RAM held back: reserved ranges, frame 0 */
    uint64_t metadata_bytes; /* the allocator's own bookkeeping */
    uint64_t metadata_phys;  /* where the bookkeeping lies */
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t free_blocks[PMM_MAX_ORDER + 1]; /* free blocks of each order */
    uint64_t failed_allocs;  /* requests that found no block */
    uint64_t refused_frees;  /* frees refused as invalid */
    size_t span_count;
};

/* Builds the allocator.  `regions`: the memory map (only MEM_USABLE
 * entries count; any order, overlaps allowed, shrunk to whole frames).
 * `reserved`: ranges never to hand out (grown to whole frames).
 * `phys_to_virt`: how to reach physical memory; it is called once, for the
 * start of the bookkeeping, which is then used as one contiguous range of
 * pmm_stats().metadata_bytes.  Returns E_OK, E_INVAL for bad arguments or
 * E_NOMEM when there is no usable memory or no room for the bookkeeping.
 * Calling it again starts over and forgets every allocation. */
int pmm_init(const struct mem_region *regions, size_t n,
             const struct pmm_range *reserved, size_t nreserved,
             void *(*phys_to_virt)(uint64_t phys));

/* A block of 2^order frames aligned to its size; PMM_NONE if none is free
 * (or the order is above PMM_MAX_ORDER). */
uint64_t pmm_alloc(unsigned order);

/* Frees a block from pmm_alloc with the same order.  A block that was not
 * allocated, a double free, a wrong order or an address outside managed
 * memory is refused and logged, and nothing changes: E_INVAL or E_RANGE. */
int pmm_free(uint64_t phys, unsigned order);

/* `count` contiguous frames, aligned to count rounded up to a power of
 * two; the frames beyond `count` in that block are given back at once.
 * Free with pmm_free_pages and the same count (all of it at once). */
uint64_t pmm_alloc_pages(size_t count);
int pmm_free_pages(uint64_t phys, size_t count);

void pmm_stats(struct pmm_stats *out);

/* Walks all the bookkeeping and checks its invariants (free lists, counts,
 * no uncoalesced buddies); logs the first problem.  O(frames): for tests
 * and debugging.  Returns E_OK or E_INVAL. */
int pmm_check(void);

#endif
