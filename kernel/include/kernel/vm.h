/* Virtual memory: address spaces and kernel mappings (arch code in
 * kernel/arch/<arch>/paging.c).
 *
 * An address space maps 4 KiB pages of its user half; every space shares
 * the kernel half.  Calls validate everything before changing anything:
 * alignment, that the range lies in the right half, that the pages are
 * (un)mapped as the call requires, and that no mapping is both writable
 * and executable. */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <kernel/multiboot2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vm_prot {
    VM_READ   = 1 << 0,
    VM_WRITE  = 1 << 1,
    VM_EXEC   = 1 << 2,
    VM_USER   = 1 << 3, /* reachable from user mode; only in the user half */
    /* The memory type of a vm_map mapping (at most one; neither is
     * write-back), for device memory mapped into user space.  vm_protect
     * keeps each page's type; vm_translate reports it. */
    VM_WC     = 1 << 4, /* write-combining */
    VM_UC     = 1 << 5, /* uncached */
};

/* Memory types for kernel mappings of physical ranges. */
enum vm_cache {
    VM_CACHE_WB, /* ordinary memory */
    VM_CACHE_WC, /* framebuffers: write-combining */
    VM_CACHE_UC, /* device registers */
};

struct vm_space;

/* Builds the kernel's own tables from the memory map and switches to them:
 * W^X kernel image, the direct map of RAM, no identity map.  Returns 0 or
 * a negative error; on error the boot tables stay in use. */
int vm_init(const struct mb2_info *boot);

/* From now on page tables come from the page allocator, not bootmem. */
void vm_pmm_ready(void);

/* The kernel's address space (kernel half only). */
struct vm_space *vm_kernel_space(void);

int vm_space_create(struct vm_space **out);
/* Frees the space's page tables; the frames it maps belong to whoever
 * mapped them... */
void vm_space_destroy(struct vm_space *space);
/* ...or, for a space that owns them (a process's), frees those too. */
void vm_space_destroy_with_frames(struct vm_space *space);
void vm_space_switch(struct vm_space *space);
/* What arch_space_switch() loads for the space: fixed for its life, so
 * threads keep it for their switches. */
uint64_t vm_space_root(const struct vm_space *space);

/* Maps `pages` pages at va to the physical frames starting at pa. */
int vm_map(struct vm_space *space, uint64_t va, uint64_t pa, size_t pages,
           unsigned prot);
int vm_unmap(struct vm_space *space, uint64_t va, size_t pages);
/* Changes permissions (not VM_WC/VM_UC: each page keeps its type). */
int vm_protect(struct vm_space *space, uint64_t va, size_t pages,
               unsigned prot);
/* Creates every page table the range needs, so that a vm_map of it
 * cannot then fail for lack of memory.  E_INVAL for a bad range, E_NOMEM;
 * tables made before a failure stay (empty, freed with the space). */
int vm_prepare(struct vm_space *space, uint64_t va, size_t pages);
/* The physical address and protection behind va, if mapped. */
bool vm_translate(struct vm_space *space, uint64_t va, uint64_t *pa,
                  unsigned *prot);

/* A kernel mapping of a physical range with the given memory type, for
 * devices and firmware tables; NULL if it cannot be made. */
void *vm_map_physical(uint64_t pa, uint64_t size, enum vm_cache cache);

/* Whether [pa, pa + size) is page aligned, within the CPU's physical
 * address width, and device memory: none of it RAM or the firmware areas
 * of the first MiB, which the direct map covers write-back.  Only such a
 * range may be mapped with another memory type. */
bool vm_is_device_range(uint64_t pa, uint64_t size);

/* Kernel stacks: `pages` pages with an unmapped guard page below, so an
 * overflow faults instead of corrupting memory.  Returns the stack top. */
uint64_t vm_stack_alloc(size_t pages);
void vm_stack_free(uint64_t top, size_t pages);

/* Which protections the CPU enforces (for the boot summary and tests). */
struct vm_features {
    bool nx, smep, smap, umip, wp, pat, gbpages;
};
void vm_features(struct vm_features *out);

#endif
