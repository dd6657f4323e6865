/* Capability spaces (kernel/cap/cspace.c): per-process tables of
 * capabilities, the derivation tree that links every capability to the one
 * it was made from, and reference-counted kernel objects.
 *
 * A kernel object embeds struct kobject.  Each capability to it holds one
 * reference, and so does whoever is using it (cap_lookup hands one out);
 * when the count reaches zero the object's destroy function runs, outside
 * every capability lock.
 *
 * Errors: E_BADHANDLE (handle out of range or naming an empty slot),
 * E_INVAL (bad argument, unknown rights bits, wrong object type), E_PERM
 * (a right is missing, or the request would widen rights or rebadge),
 * E_NOSPACE (the destination table is full), E_NOMEM (no kernel memory).
 * Every operation validates everything before changing anything: when it
 * fails, no capability, link or reference count has changed. */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

#include <atom/cap.h>
#include <kernel/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The header every kernel object starts with (or embeds). */
struct kobject {
    uint32_t type;                       /* ATOM_OBJ_* */
    uint32_t refcount;                   /* atomic */
    void (*destroy)(struct kobject *obj); /* runs once, at refcount 0 */
    struct kobject *reap_next;           /* cspace.c: pending destroys */
};

/* Sets the type and destroy function; the count starts at 1, the
 * creator's reference, which it drops with kobject_put once the object is
 * in a capability (or to destroy it if that failed). */
void kobject_init(struct kobject *obj, uint32_t type, void (*destroy)(struct kobject *));
void kobject_get(struct kobject *obj);
/* Drops a reference; the last one runs destroy.  Must not be called with
 * a capability lock held by the caller (destroy may delete capabilities). */
void kobject_put(struct kobject *obj);

/* One capability.  Nodes live on the kernel heap, so moving a capability
 * to another table moves only a pointer and its tree links stay put. */
struct cap {
    struct kobject *obj;
    uint32_t type;                  /* == obj->type */
    uint32_t rights;                /* ATOM_RIGHT_* */
    uint64_t badge;                 /* 0: unbadged */
    bool weak;                      /* holds no reference: obj owns the table */
    struct cspace *cspace;          /* the table holding it */
    int32_t handle;                 /* its slot there */
    struct cap *parent;             /* derivation tree; NULL for a root */
    struct cap *first_child;
    struct cap *next_sibling, *prev_sibling;
};

#define CSPACE_DEFAULT_MAX 4096
#define CSPACE_LIMIT       (1u << 24)  /* largest max_slots accepted */

struct cspace {
    spinlock_t lock;    /* the table and the caps it holds (see cspace.c) */
    struct cap **slots; /* capacity entries, NULL when free */
    uint64_t *used;     /* bitmap over slots, one bit per handle */
    size_t capacity;    /* grows by doubling up to max_slots */
    size_t max_slots;
    size_t count;       /* slots in use */
    size_t free_hint;   /* no free slot below this handle */
    struct kobject *owner; /* whose table it is (capabilities to it are weak) */
};

/* A new, empty table accepting handles 0 .. max_slots-1 (0 means
 * CSPACE_DEFAULT_MAX; more than CSPACE_LIMIT is E_INVAL). */
int cspace_create(struct cspace **out, size_t max_slots);
/* Deletes every capability (as cap_delete: derived capabilities in other
 * tables survive, re-parented) and frees the table.  NULL is ignored.
 * Nobody may use the table concurrently. */
void cspace_destroy(struct cspace *cs);

/* Names the object that owns the table (a process), before any
 * capability is put in. */
void cspace_set_owner(struct cspace *cs, struct kobject *owner);

/* The original capability of an object: a root of the derivation tree in
 * the lowest free slot.  Takes a reference on obj. */
int cap_insert_root(struct cspace *cs, struct kobject *obj, uint32_t rights,
                    uint64_t badge, int *handle_out);

/* The one lookup used by every invocation: the handle must name a
 * capability of `type` (ATOM_OBJ_NONE: any) holding every right in
 * `needed`.  On success *obj_out (if not NULL) gets the object with a new
 * reference, which the caller drops with kobject_put, and *badge_out (if
 * not NULL) the badge. */
int cap_lookup(struct cspace *cs, int handle, uint32_t type, uint32_t needed,
               struct kobject **obj_out, uint64_t *badge_out);

/* A derived copy in dst (may be src), a child of the source.  Needs
 * DUPLICATE; `rights` must be a subset of the source's.  With set_badge,
 * an unbadged source gives a child badged `badge` (nonzero); a badged
 * source keeps its badge and set_badge is E_PERM. */
int cap_duplicate(struct cspace *src, int handle, struct cspace *dst, uint32_t rights,
                  uint64_t badge, bool set_badge, int *new_handle);

/* Passing a capability in a message; needs GRANT.  A copy is a child of
 * the source with the same rights and badge; a move takes the source's
 * place in the tree (children included) and empties the source slot. */
int cap_transfer(struct cspace *src, int handle, struct cspace *dst, bool move,
                 int *new_handle);

/* Removes this capability only; its children move up to its parent (or
 * become roots), so whoever could revoke them still can. */
int cap_delete(struct cspace *cs, int handle);

/* Needs REVOKE.  Removes every capability derived from this one,
 * transitively and in every table, but not the capability itself.  Time
 * proportional to the number removed; no recursion. */
int cap_revoke(struct cspace *cs, int handle);

int cap_inspect(struct cspace *cs, int handle, struct atom_cap_info *out);

/* The capability at `handle`, or NULL, for the IPC fast path, which
 * holds cs->lock itself and checks type and rights on its own. */
static inline struct cap *cap_slot_locked(const struct cspace *cs, int handle)
{
    if (handle < 0 || (size_t)handle >= cs->capacity)
        return NULL;
    return cs->slots[handle];
}

/* Debugging and tests. */
/* Checks the table and the tree links of every capability in it; E_OK or
 * E_INVAL, with the first problem logged. */
int cspace_check(struct cspace *cs);
size_t cspace_count(struct cspace *cs);
/* Loop iterations of all revokes so far (to show revoke is linear). */
uint64_t cap_revoke_steps(void);

#endif
