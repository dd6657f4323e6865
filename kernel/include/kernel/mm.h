/* Memory bring-up (kernel/mm/mm.c): from the boot memory map to working
 * page tables, page allocator and heap, in that order. */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/multiboot2.h>
#include <stdint.h>

/* Returns 0, or a negative error when the machine's memory cannot carry
 * the kernel (reported before returning). */
int mm_init(const struct mb2_info *boot, uint64_t info_phys);

/* One line for the boot summary: usable, managed and free memory. */
void mm_log_summary(void);

#endif
