/*
 * Virtual address layout of the x86_64 kernel, shared by C and assembly.
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user half (empty for now)
 *   0xffff800000000000 - 0xfffffdffffffffff  direct map of physical memory
 *   0xfffffe0000000000 - 0xfffffe7fffffffff  device window (vm_map_physical)
 *   0xffffff0000000000 - 0xffffff7fffffffff  kernel stacks with guard pages
 *   0xffffffff80000000 - 0xffffffffffffffff  kernel image (top 2 GiB)
 *
 * boot.S direct-maps the first 4 GiB, which covers everything Multiboot2
 * hands over with 32-bit addresses (the boot information and modules);
 * vm_init() then maps all RAM and nothing else there.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_VMA        0xFFFFFFFF80000000
#define DIRECT_MAP_BASE   0xFFFF800000000000
#define DIRECT_MAP_END    0xFFFFFE0000000000
#define DEVICE_WINDOW     0xFFFFFE0000000000
#define DEVICE_WINDOW_END 0xFFFFFE8000000000
#define STACK_AREA        0xFFFFFF0000000000
#define STACK_AREA_END    0xFFFFFF8000000000
#define USER_TOP          0x0000800000000000
#define BOOT_MAPPED_LIMIT 0x100000000 /* boot.S direct-maps [0, 4 GiB) */
#define PAGE_SIZE         4096
#define LARGE_PAGE_SIZE   0x200000

#ifndef __ASSEMBLY__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys_image(const void *kernel_image_addr)
{
    return (uint64_t)(uintptr_t)kernel_image_addr - KERNEL_VMA;
}
#endif

#endif
