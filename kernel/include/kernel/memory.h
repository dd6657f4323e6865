/* Memory objects (kernel/object/memory.c): physical pages that address
 * spaces map, named by ATOM_OBJ_MEMORY capabilities.
 *
 * Anonymous objects own their frames: zeroed 4 KiB frames, all allocated
 * at creation, freed when the last reference goes.  Physical objects name
 * a device range with a memory type (write-combining or uncached); they
 * own nothing and free nothing.  An object never changes after creation,
 * so reading one needs no lock.  Each region mapping an object holds a
 * reference (kernel/aspace.h), so frames outlive every mapping of them.
 *
 * The boot framebuffer is a physical object that also carries its
 * geometry (ATOM_SYS_FRAMEBUFFER_INFO answers for it alone), and whose
 * first user mapping hands the screen over from the kernel console. */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include <atom/framebuffer.h>
#include <kernel/cap.h>
#include <kernel/multiboot2.h>
#include <kernel/vm.h>
#include <stdint.h>

#define MEMOBJ_NO_FRAME UINT64_MAX

enum memobj_kind {
    MEMOBJ_ANON,  /* owned, zeroed RAM */
    MEMOBJ_PHYS,  /* a device range, not owned */
};

struct memobj {
    struct kobject obj;     /* first: a kobject pointer is a memobj pointer */
    enum memobj_kind kind;
    enum vm_cache cache;    /* VM_CACHE_WB for anonymous objects */
    uint64_t pages;
    uint64_t phys;          /* MEMOBJ_PHYS: the first byte */
    uint64_t *frames;       /* MEMOBJ_ANON: the frame of each page */
    struct atom_framebuffer_info *framebuffer; /* the boot framebuffer's, else NULL */
};

/* The memobj a kobject of type ATOM_OBJ_MEMORY is. */
static inline struct memobj *memobj_of(struct kobject *obj)
{
    return (struct memobj *)obj;
}

/* 1..ATOM_MEM_MAX_PAGES zeroed pages, all or nothing: E_INVAL, E_NOMEM.
 * *out holds the creator's reference. */
int memobj_create_anon(uint64_t pages, struct memobj **out);
/* The device range [pa, pa + pages pages) with memory type cache
 * (VM_CACHE_WC or VM_CACHE_UC).  E_INVAL unless pa is page aligned, pages
 * is 1..ATOM_MEM_MAX_PAGES and the range is device memory (no RAM, nothing
 * the direct map covers: vm_is_device_range); E_NOMEM.  Only the kernel
 * creates these, for drivers it has decided to trust with the range. */
int memobj_create_phys(uint64_t pa, uint64_t pages, enum vm_cache cache,
                       struct memobj **out);

/* The boot framebuffer `fb` (validated by the Multiboot2 parser) as a
 * write-combining physical object covering its pages, with its geometry.
 * E_INVAL (indexed colour, or not device memory), E_NOMEM. */
int memobj_create_framebuffer(const struct mb2_framebuffer *fb, struct memobj **out);
/* Called after every mapping of m into an address space: mapping the
 * boot framebuffer hands it over (fbcon_handover). */
void memobj_mapped(struct memobj *m);

/* Physical address of page `index`, or MEMOBJ_NO_FRAME past the end. */
uint64_t memobj_frame(const struct memobj *m, uint64_t index);
uint64_t memobj_pages(const struct memobj *m);
enum vm_cache memobj_cache(const struct memobj *m);

/* Frames held by all anonymous memory objects now (for ATOM_SYS_MEM_STATS). */
uint64_t memobj_anon_pages(void);

#endif
