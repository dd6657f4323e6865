/* Boot-time memory (kernel/mm/bootmem.c): the ranges nothing may allocate
 * (kernel, boot information, modules, firmware areas) and a page allocator
 * for the time before the buddy allocator runs. */
#ifndef KERNEL_BOOTMEM_H
#define KERNEL_BOOTMEM_H

#include <kernel/multiboot2.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTMEM_MAX_RESERVED 48

struct phys_range {
    uint64_t start; /* inclusive */
    uint64_t end;   /* exclusive */
    const char *what;
};

/* Collects the reserved ranges from the boot information and the kernel
 * image; `info_phys` is where the boot information itself lies. */
void bootmem_init(const struct mb2_info *boot, uint64_t info_phys);

/* Adds a range nothing may allocate (e.g. the framebuffer). */
void bootmem_reserve(uint64_t start, uint64_t end, const char *what);

/* A zeroed page from usable memory below `limit`, outside every reserved
 * range; 0 when none is left.  Pages handed out are reserved from then on. */
uint64_t bootmem_alloc_page(uint64_t limit);

/* The reserved ranges, boot-time allocations included. */
size_t bootmem_reserved(const struct phys_range **out);

#endif
