/* Address spaces (kernel/object/aspace.c): the ATOM_OBJ_ADDRESS_SPACE
 * object, page tables (struct vm_space) plus the regions that say which
 * memory object backs each mapped page (struct region_set).
 *
 * Every mapping is of a memory object and lies in [ATOM_USER_MIN,
 * ATOM_USER_MAX); prot is VM_READ (always), VM_WRITE, VM_EXEC, never
 * write and execute together.  Each call checks everything and makes
 * every allocation before it changes anything: when it fails, no page,
 * region or reference count has changed.  A region holds one reference on
 * its memory object; destroying the space (last reference) drops them
 * and frees the page tables, never the frames, which belong to the
 * objects.
 *
 * Errors: E_INVAL (bad address, size, offset or protection; a page that
 * must be mapped is not), E_EXIST (a page that must be free is mapped),
 * E_PERM (a protection above the region's max_prot), E_FAULT (aspace_write
 * to unmapped memory), E_NOMEM (no memory, no free gap, or REGION_MAX
 * regions). */
#ifndef KERNEL_ASPACE_H
#define KERNEL_ASPACE_H

#include <kernel/cap.h>
#include <kernel/memory.h>
#include <kernel/region.h>
#include <kernel/spinlock.h>
#include <kernel/vm.h>
#include <stddef.h>
#include <stdint.h>

struct aspace {
    struct kobject obj;         /* first: a kobject pointer is an aspace pointer */
    spinlock_t lock;            /* regions and page tables change together under it */
    struct vm_space *vm;
    struct region_set regions;  /* owners are struct memobj */
};

static inline struct aspace *aspace_of(struct kobject *obj)
{
    return (struct aspace *)obj;
}

/* An empty space; *out holds the creator's reference.  E_NOMEM. */
int aspace_create(struct aspace **out);
/* Loads the space's page tables on this CPU. */


/* Maps pages [offset, offset + pages) of m at va: 1..ATOM_MEM_MAX_PAGES
 * pages, all free (else E_EXIST), prot within max_prot (else E_PERM).
 * Physical objects get their memory type.  Takes a reference on m. */
int aspace_map(struct aspace *as, struct memobj *m, uint64_t va, uint64_t offset_pages,
               uint64_t pages, unsigned prot, unsigned max_prot);
/* Unmaps 1..ATOM_MEM_MAX_PAGES pages, every one mapped (else E_INVAL),
 * dropping the references of regions that go away. */
int aspace_unmap(struct aspace *as, uint64_t va, uint64_t pages);
/* Changes the protection of 1..ATOM_MEM_MAX_PAGES mapped pages (else
 * E_INVAL); E_PERM above any region's max_prot. */
int aspace_protect(struct aspace *as, uint64_t va, uint64_t pages, unsigned prot);
/* The lowest free range of `pages` pages inside [lo, hi), clipped to the
 * user range; lo and hi page aligned.  E_INVAL, E_NOMEM (no gap). */
int aspace_find_free(struct aspace *as, uint64_t pages, uint64_t lo, uint64_t hi,
                     uint64_t *va_out);
/* Kernel convenience (ELF segments, stacks): a new anonymous object of
 * `pages` zeroed pages mapped at va with prot and max_prot read, write and
 * execute (it is the process's own memory).  With out non-NULL the caller
 * also gets a reference to the object. */
int aspace_map_anon(struct aspace *as, uint64_t va, uint64_t pages, unsigned prot,
                    struct memobj **out_or_null);
/* Copies len bytes to va in the space (need not be the current one)
 * through the direct map, whatever the pages' protection.  E_FAULT if any
 * byte is unmapped (nothing is copied then), E_INVAL if any lies in a
 * physical (device) object. */
int aspace_write(struct aspace *as, uint64_t va, const void *src, size_t len);

#endif
