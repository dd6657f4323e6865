/* Region sets (kernel/mm/region.c): the bookkeeping of an address space,
 * which ranges of pages are mapped to which memory object with which
 * permissions.  Pure data structure: no page tables, no locks (the owner
 * locks), host-testable.
 *
 * Addresses are bytes, page aligned; sizes are pages of REGION_PAGE_SIZE.
 * Regions never overlap and are never empty.  Each region stands for one
 * reference on its owner, which the caller keeps in step through hooks:
 * a piece cut off by a split takes one (split), a piece that leaves the
 * set drops one (removed), a region absorbed by a neighbour drops one
 * (merged).  A piece cut off and removed in the same call gets split,
 * then removed, so a count never touches zero on the way.
 *
 * Decode, then perform: each change has a prepare step that checks
 * everything and preallocates what the change needs (at most two more
 * entries, for splits at both ends of a range).  After a prepare returned
 * E_OK, the same change on the same unchanged set cannot fail.  The
 * changes run the same checks themselves, so a change without its prepare
 * is safe too; it just may fail (with nothing changed).
 *
 * Errors: E_INVAL (misaligned, empty or wrapping range, bad protection,
 * or pages in the range that are not mapped where the call needs them),
 * E_EXIST (insert over a mapped page), E_PERM (a protection above a
 * region's max_prot), E_NOMEM (no memory, no free gap, or more than
 * REGION_MAX regions, like mmap's ENOMEM at its map-count limit). */
#ifndef KERNEL_REGION_H
#define KERNEL_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGION_PAGE_SIZE 4096ull
#define REGION_MAX       4096  /* regions per set */

struct region {
    uint64_t start;     /* first byte, page aligned */
    uint64_t pages;     /* > 0 */
    void *owner;        /* the memory object behind it; opaque here */
    uint64_t offset;    /* the owner's page mapped at start */
    unsigned prot;      /* VM_READ | VM_WRITE | VM_EXEC, as the caller defines */
    unsigned max_prot;  /* what prot may ever become; prot is a subset */
};

struct region_set {
    struct region *v;   /* sorted by start */
    size_t count;
    size_t capacity;    /* entries allocated; grows by doubling to REGION_MAX */
};

struct region_hooks {
    void (*split)(const struct region *piece, void *ctx);   /* take a reference */
    void (*removed)(const struct region *piece, void *ctx); /* drop it; pages unmapped */
    void (*merged)(const struct region *gone, void *ctx);   /* drop it; pages stay */
    void *ctx;                                              /* any hook may be NULL */
};

void region_set_init(struct region_set *s);
/* Calls removed for every region, in address order, and frees the set's
 * memory; the set is empty (and usable) afterwards.  hooks may be NULL. */
void region_set_clear(struct region_set *s, const struct region_hooks *hooks);

/* The region containing the byte va, or NULL.  Valid until the next change. */
const struct region *region_find(const struct region_set *s, uint64_t va);
/* Whether no page / every page of [va, va + pages pages) is in a region;
 * false for an invalid range. */
bool region_range_free(const struct region_set *s, uint64_t va, uint64_t pages);
bool region_range_covered(const struct region_set *s, uint64_t va, uint64_t pages);

/* Adds *r (copied).  E_INVAL for an invalid range or prot not within
 * max_prot, E_EXIST if any page is mapped, E_NOMEM. */
int region_prepare_insert(struct region_set *s, const struct region *r);
int region_insert(struct region_set *s, const struct region *r);

/* Takes every mapped page of the range out of the set (unmapped pages in
 * it are allowed), splitting regions that straddle its ends.  E_INVAL,
 * E_NOMEM. */
int region_prepare_remove(struct region_set *s, uint64_t va, uint64_t pages);
int region_remove(struct region_set *s, uint64_t va, uint64_t pages,
                  const struct region_hooks *hooks);

/* Sets prot over the range, splitting regions at its ends where their
 * protection changes and merging the result with compatible neighbours
 * (same owner, consecutive offsets, same prot and max_prot).  E_INVAL if
 * any page is unmapped or prot is 0, E_PERM if prot exceeds a region's
 * max_prot, E_NOMEM. */
int region_prepare_protect(struct region_set *s, uint64_t va, uint64_t pages,
                           unsigned prot);
int region_protect(struct region_set *s, uint64_t va, uint64_t pages, unsigned prot,
                   const struct region_hooks *hooks);

/* The lowest va with [va, va + pages pages) free and inside [lo, hi).
 * lo and hi page aligned, lo < hi: else E_INVAL; no such gap: E_NOMEM. */
int region_find_gap(const struct region_set *s, uint64_t pages, uint64_t lo,
                    uint64_t hi, uint64_t *va_out);

/* Regions in address order, for iteration and tests. */
size_t region_count(const struct region_set *s);
const struct region *region_at(const struct region_set *s, size_t i);
/* Checks the invariants (sorted, disjoint, non-empty, prot within
 * max_prot, count within capacity and REGION_MAX); E_OK or E_INVAL with
 * the first problem logged. */
int region_check(const struct region_set *s);

#endif
