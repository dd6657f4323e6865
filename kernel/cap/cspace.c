/*
 * cspace.c: capability spaces and the derivation tree.
 *
 * A process names kernel objects through its capability space: a table of
 * slots addressed by small integer handles, lowest free handle first.  A
 * slot holds a pointer to a struct cap, allocated from the kernel heap, so
 * a capability moved to another table keeps its node and with it its place
 * in the derivation tree; the table itself (slot pointers plus a bitmap of
 * used handles) grows by doubling up to the table's maximum.  A handle
 * indexes only its owner's table and an empty slot answers E_BADHANDLE, so
 * a capability cannot be forged or used after it was deleted or revoked.
 *
 * The derivation tree records where each capability came from: a root is
 * the original capability of an object (cap_insert_root); duplicating or
 * copying one makes a child of it, with equal or fewer rights and the same
 * badge (an unbadged capability may be badged once, when duplicated).
 * Each node has parent, first_child and doubly linked sibling links and
 * knows its table and handle, so:
 *   - revoke walks the subtree below a node iteratively (descend to a
 *     leaf, remove it, go back up to its parent), every node entered once
 *     and removed once: time proportional to what is removed, constant
 *     stack however deep the tree;
 *   - delete unlinks one node and hands its children to its parent, so
 *     whoever could revoke them still can (cost: its child count);
 *   - move re-points one slot: constant time.
 * A child never has more rights than its parent and never another object
 * or badge; cspace_check verifies these invariants and every link.
 *
 * Locking.  One global lock, cdt_lock, protects the tree links and which
 * node sits in which slot of which table (removals and moves); each
 * table's own lock protects its slots and bitmap.  Changing a slot takes
 * both (cdt_lock first, then table locks in address order); reading a
 * slot, as cap_lookup and cap_inspect do, takes only the table lock, so
 * lookups on different tables never contend.  cap_insert_root fills an
 * empty slot with a fresh root and needs only the table lock.  A node's
 * object, rights and badge never change after it is made.
 *
 * Objects are reference counted (struct kobject): each capability holds a
 * reference and cap_lookup hands the caller one more.  The exception is a
 * capability to a table's owner held in that same table (a process's
 * capability to itself): it is weak, holds no reference, so the process
 * can still die of having no other; a move out of the table makes it
 * strong again, a move in makes it weak.  A reference dropped
 * while locks are held that turns out to be the last is put on a local
 * list threaded through the dead object itself (kobject.reap_next: no
 * allocation) and the destroy functions run after every lock is released,
 * so a destroy may itself delete capabilities.
 *
 * Decode, then perform: each operation checks handles, types, rights,
 * badge rules and the destination slot (allocating the node and growing
 * the destination table, the only allocations) before it changes any
 * capability, link or count.  A failed operation has no visible effect; a
 * table may have grown, which is invisible to its users.
 *
 * Known limit: a revoke runs to completion under cdt_lock with interrupts
 * off; very large revokes will want a preemption point once there is a
 * scheduler-aware way to restart them.
 */
#include <kernel/cap.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/panic.h>

static spinlock_t cdt_lock = SPINLOCK_INIT;
static uint64_t revoke_steps;

#define MIN_CAPACITY 64
#define WORD_BITS    64

/* ---- objects ------------------------------------------------------------- */

void kobject_init(struct kobject *obj, uint32_t type, void (*destroy)(struct kobject *))
{
    obj->type = type;
    obj->refcount = 1;
    obj->destroy = destroy;
    obj->reap_next = NULL;
}

void kobject_get(struct kobject *obj)
{
    __atomic_add_fetch(&obj->refcount, 1, __ATOMIC_RELAXED);
}

/* A count that was already 0, or reads as heap poison, means the object
 * was freed: stop there, naming the caller, rather than corrupt the heap. */
static uint32_t refcount_drop(struct kobject *obj)
{
    uint32_t was = __atomic_fetch_sub(&obj->refcount, 1, __ATOMIC_ACQ_REL);
    if (was == 0 || was == HEAP_POISON * 0x01010101u)
        panic("reference dropped on a freed object %p (type %u)", (void *)obj, obj->type);
    return was - 1;
}

void kobject_put(struct kobject *obj)
{
    if (refcount_drop(obj) == 0 && obj->destroy)
        obj->destroy(obj);
}

/* Drops a capability's reference with locks held: a last reference puts
 * the object on *reap for reap_run. */
static void put_deferred(struct kobject *obj, struct kobject **reap)
{
    if (!obj)
        return;
    if (refcount_drop(obj) == 0) {
        obj->reap_next = *reap;
        *reap = obj;
    }
}

static void reap_run(struct kobject *reap)
{
    while (reap) {
        struct kobject *next = reap->reap_next;
        if (reap->destroy)
            reap->destroy(reap);
        reap = next;
    }
}

/* ---- tables -------------------------------------------------------------- */

static size_t words_for(size_t capacity)
{
    return (capacity + WORD_BITS - 1) / WORD_BITS;
}

int cspace_create(struct cspace **out, size_t max_slots)
{
    if (!out)
        return E_INVAL;
    if (max_slots == 0)
        max_slots = CSPACE_DEFAULT_MAX;
    if (max_slots > CSPACE_LIMIT)
        return E_INVAL;
    struct cspace *cs = kzalloc(sizeof(*cs));
    if (!cs)
        return E_NOMEM;
    cs->lock = (spinlock_t)SPINLOCK_INIT;
    cs->max_slots = max_slots;
    *out = cs;
    return E_OK;
}

/* The capability at `handle`, or NULL.  Table lock held. */
static struct cap *slot_get(const struct cspace *cs, int handle)
{
    if (handle < 0 || (size_t)handle >= cs->capacity)
        return NULL;
    return cs->slots[handle];
}

/* Doubles the table (at least MIN_CAPACITY, at most max_slots). */
static int table_grow(struct cspace *cs)
{
    size_t cap = cs->capacity ? cs->capacity * 2 : MIN_CAPACITY;
    if (cap > cs->max_slots)
        cap = cs->max_slots;
    struct cap **slots = kzalloc(cap * sizeof(*slots));
    uint64_t *used = kzalloc(words_for(cap) * sizeof(*used));
    if (!slots || !used) {
        kfree(slots);
        kfree(used);
        return E_NOMEM;
    }
    for (size_t i = 0; i < cs->capacity; i++)
        slots[i] = cs->slots[i];
    for (size_t i = 0; i < words_for(cs->capacity); i++)
        used[i] = cs->used[i];
    kfree(cs->slots);
    kfree(cs->used);
    cs->slots = slots;
    cs->used = used;
    cs->capacity = cap;
    return E_OK;
}

/* Finds the lowest free handle, growing the table if it is full but below
 * its maximum.  Nothing is marked used: table_set does that.  Table lock
 * held. */
static int table_reserve(struct cspace *cs, int *handle)
{
    if (cs->count >= cs->max_slots)
        return E_NOSPACE;
    for (size_t w = cs->free_hint / WORD_BITS; w < words_for(cs->capacity); w++) {
        uint64_t free = ~cs->used[w];
        if (free) {
            size_t i = w * WORD_BITS + (size_t)__builtin_ctzll(free);
            if (i < cs->capacity) {
                *handle = (int)i;
                return E_OK;
            }
            break;
        }
    }
    /* Every slot below capacity is used, and count < max_slots. */
    size_t first_new = cs->capacity;
    int err = table_grow(cs);
    if (err != E_OK)
        return err;
    *handle = (int)first_new;
    return E_OK;
}

/* Puts c in the free slot `handle` found by table_reserve. */
static void table_set(struct cspace *cs, int handle, struct cap *c)
{
    size_t h = (size_t)handle;
    cs->slots[h] = c;
    cs->used[h / WORD_BITS] |= 1ull << (h % WORD_BITS);
    cs->count++;
    if (h == cs->free_hint)
        cs->free_hint = h + 1;
    c->cspace = cs;
    c->handle = handle;
}

static void table_clear(struct cspace *cs, int handle)
{
    size_t h = (size_t)handle;
    cs->slots[h] = NULL;
    cs->used[h / WORD_BITS] &= ~(1ull << (h % WORD_BITS));
    cs->count--;
    if (h < cs->free_hint)
        cs->free_hint = h;
}

static void lock_pair(struct cspace *a, struct cspace *b)
{
    if (a == b) {
        spin_lock(&a->lock);
        return;
    }
    if ((uintptr_t)a > (uintptr_t)b) {
        struct cspace *t = a;
        a = b;
        b = t;
    }
    spin_lock(&a->lock);
    spin_lock(&b->lock);
}

static void unlock_pair(struct cspace *a, struct cspace *b)
{
    if (a == b) {
        spin_unlock(&a->lock);
        return;
    }
    if ((uintptr_t)a > (uintptr_t)b) {
        struct cspace *t = a;
        a = b;
        b = t;
    }
    spin_unlock(&b->lock);
    spin_unlock(&a->lock);
}

/* ---- the derivation tree (cdt_lock held) ---------------------------------- */

/* Makes c, which has no links, the first child of parent. */
static void tree_add_child(struct cap *parent, struct cap *c)
{
    c->parent = parent;
    c->prev_sibling = NULL;
    c->next_sibling = parent->first_child;
    if (parent->first_child)
        parent->first_child->prev_sibling = c;
    parent->first_child = c;
}

/* Takes c out of its parent's child list; its own children stay. */
static void tree_unlink(struct cap *c)
{
    if (c->prev_sibling)
        c->prev_sibling->next_sibling = c->next_sibling;
    else if (c->parent)
        c->parent->first_child = c->next_sibling;
    if (c->next_sibling)
        c->next_sibling->prev_sibling = c->prev_sibling;
    c->parent = c->prev_sibling = c->next_sibling = NULL;
}

/* Unlinks c and gives its children to its parent (or makes them roots). */
static void tree_remove_reparent(struct cap *c)
{
    struct cap *parent = c->parent;
    struct cap *child = c->first_child;
    tree_unlink(c);
    c->first_child = NULL;
    if (!child)
        return;
    if (!parent) {
        while (child) {
            struct cap *next = child->next_sibling;
            child->parent = child->prev_sibling = child->next_sibling = NULL;
            child = next;
        }
        return;
    }
    struct cap *last = child;
    for (;;) {
        last->parent = parent;
        if (!last->next_sibling)
            break;
        last = last->next_sibling;
    }
    last->next_sibling = parent->first_child;
    if (parent->first_child)
        parent->first_child->prev_sibling = last;
    parent->first_child = child;
}

/* Removes a capability that has no children: out of the tree, out of its
 * table, its reference dropped (deferred), its node freed. */
static void remove_leaf(struct cap *c, struct kobject **reap)
{
    struct cspace *cs = c->cspace;
    tree_unlink(c);
    spin_lock(&cs->lock);
    table_clear(cs, c->handle);
    spin_unlock(&cs->lock);
    put_deferred(c->weak ? NULL : c->obj, reap);
    kfree(c);
}

/* ---- operations ------------------------------------------------------------ */

static struct cap *cap_new(struct kobject *obj, uint32_t rights, uint64_t badge)
{
    struct cap *c = kzalloc(sizeof(*c));
    if (!c)
        return NULL;
    c->obj = obj;
    c->type = obj->type;
    c->rights = rights;
    c->badge = badge;
    return c;
}

int cap_insert_root(struct cspace *cs, struct kobject *obj, uint32_t rights,
                    uint64_t badge, int *handle_out)
{
    if (!cs || !obj || !handle_out || (rights & ~ATOM_RIGHTS_ALL) ||
        obj->type == ATOM_OBJ_NONE || obj->type >= ATOM_OBJ_COUNT ||
        __atomic_load_n(&obj->refcount, __ATOMIC_RELAXED) == 0)
        return E_INVAL;
    spin_lock(&cs->lock);
    int handle;
    int err = table_reserve(cs, &handle);
    struct cap *c = NULL;
    if (err == E_OK) {
        c = cap_new(obj, rights, badge);
        if (!c)
            err = E_NOMEM;
    }
    if (err == E_OK) {
        c->weak = obj == cs->owner;
        if (!c->weak)
            kobject_get(obj);
        table_set(cs, handle, c);
        *handle_out = handle;
    }
    spin_unlock(&cs->lock);
    return err;
}

int cap_lookup(struct cspace *cs, int handle, uint32_t type, uint32_t needed,
               struct kobject **obj_out, uint64_t *badge_out)
{
    if (!cs || type >= ATOM_OBJ_COUNT || (needed & ~ATOM_RIGHTS_ALL))
        return E_INVAL;
    spin_lock(&cs->lock);
    struct cap *c = slot_get(cs, handle);
    int err = E_OK;
    if (!c)
        err = E_BADHANDLE;
    else if (type != ATOM_OBJ_NONE && c->type != type)
        err = E_INVAL;
    else if (needed & ~c->rights)
        err = E_PERM;
    if (err == E_OK) {
        if (obj_out) {
            kobject_get(c->obj);
            *obj_out = c->obj;
        }
        if (badge_out)
            *badge_out = c->badge;
    }
    spin_unlock(&cs->lock);
    return err;
}

int cap_inspect(struct cspace *cs, int handle, struct atom_cap_info *out)
{
    if (!cs || !out)
        return E_INVAL;
    spin_lock(&cs->lock);
    struct cap *c = slot_get(cs, handle);
    if (c)
        *out = (struct atom_cap_info){ c->type, c->rights, c->badge, 0 };
    spin_unlock(&cs->lock);
    return c ? E_OK : E_BADHANDLE;
}

/* Makes a child of `from` in dst with the given rights and badge.  All
 * checks on `from` are done; cdt_lock and both table locks held. */
static int derive(struct cap *from, struct cspace *dst, uint32_t rights, uint64_t badge,
                  int *new_handle)
{
    int handle;
    int err = table_reserve(dst, &handle);
    if (err != E_OK)
        return err;
    struct cap *c = cap_new(from->obj, rights, badge);
    if (!c)
        return E_NOMEM;
    /* perform */
    c->weak = from->obj == dst->owner;
    if (!c->weak)
        kobject_get(from->obj);
    table_set(dst, handle, c);
    tree_add_child(from, c);
    *new_handle = handle;
    return E_OK;
}

int cap_duplicate(struct cspace *src, int handle, struct cspace *dst, uint32_t rights,
                  uint64_t badge, bool set_badge, int *new_handle)
{
    if (!src || !dst || !new_handle || (rights & ~ATOM_RIGHTS_ALL) ||
        (set_badge && badge == 0))
        return E_INVAL;
    spin_lock(&cdt_lock);
    lock_pair(src, dst);
    struct cap *c = slot_get(src, handle);
    int err = E_OK;
    if (!c)
        err = E_BADHANDLE;
    else if (!(c->rights & ATOM_RIGHT_DUPLICATE) || (rights & ~c->rights) ||
             (set_badge && c->badge != 0))
        err = E_PERM;
    if (err == E_OK)
        err = derive(c, dst, rights, set_badge ? badge : c->badge, new_handle);
    unlock_pair(src, dst);
    spin_unlock(&cdt_lock);
    return err;
}

int cap_transfer(struct cspace *src, int handle, struct cspace *dst, bool move,
                 int *new_handle)
{
    if (!src || !dst || !new_handle)
        return E_INVAL;
    struct kobject *reap = NULL;
    spin_lock(&cdt_lock);
    lock_pair(src, dst);
    struct cap *c = slot_get(src, handle);
    int err = E_OK;
    if (!c)
        err = E_BADHANDLE;
    else if (!(c->rights & ATOM_RIGHT_GRANT))
        err = E_PERM;
    if (err == E_OK && !move)
        err = derive(c, dst, c->rights, c->badge, new_handle);
    if (err == E_OK && move) {
        int to;
        err = table_reserve(dst, &to);
        if (err == E_OK) {
            /* perform: the node changes slots, its links stay */
            table_clear(src, handle);
            table_set(dst, to, c);
            bool weak = c->obj == dst->owner;
            if (c->weak && !weak)
                kobject_get(c->obj);
            else if (!c->weak && weak)
                put_deferred(c->obj, &reap);
            c->weak = weak;
            *new_handle = to;
        }
    }
    unlock_pair(src, dst);
    spin_unlock(&cdt_lock);
    reap_run(reap);
    return err;
}

int cap_delete(struct cspace *cs, int handle)
{
    if (!cs)
        return E_INVAL;
    struct kobject *reap = NULL;
    spin_lock(&cdt_lock);
    spin_lock(&cs->lock);
    struct cap *c = slot_get(cs, handle);
    if (c) {
        tree_remove_reparent(c);
        table_clear(cs, handle);
        put_deferred(c->weak ? NULL : c->obj, &reap);
    }
    spin_unlock(&cs->lock);
    spin_unlock(&cdt_lock);
    if (!c)
        return E_BADHANDLE;
    kfree(c);
    reap_run(reap);
    return E_OK;
}

int cap_revoke(struct cspace *cs, int handle)
{
    if (!cs)
        return E_INVAL;
    struct kobject *reap = NULL;
    spin_lock(&cdt_lock);
    spin_lock(&cs->lock);
    struct cap *top = slot_get(cs, handle);
    int err = E_OK;
    if (!top)
        err = E_BADHANDLE;
    else if (!(top->rights & ATOM_RIGHT_REVOKE))
        err = E_PERM;
    spin_unlock(&cs->lock);
    /* cdt_lock keeps `top` and the whole subtree where they are. */
    if (err == E_OK) {
        struct cap *cur = top;
        uint64_t steps = 0;
        for (;;) {
            steps++;
            if (cur->first_child) {
                cur = cur->first_child;
                continue;
            }
            if (cur == top)
                break;
            struct cap *parent = cur->parent;
            remove_leaf(cur, &reap);
            cur = parent;
        }
        revoke_steps += steps;
    }
    spin_unlock(&cdt_lock);
    reap_run(reap);
    return err;
}

void cspace_set_owner(struct cspace *cs, struct kobject *owner)
{
    cs->owner = owner;
}

void cspace_destroy(struct cspace *cs)
{
    if (!cs)
        return;
    struct kobject *reap = NULL;
    spin_lock(&cdt_lock);
    spin_lock(&cs->lock);
    for (size_t i = 0; i < cs->capacity && cs->count; i++) {
        struct cap *c = cs->slots[i];
        if (!c)
            continue;
        tree_remove_reparent(c);
        table_clear(cs, (int)i);
        put_deferred(c->weak ? NULL : c->obj, &reap);
        kfree(c);
    }
    spin_unlock(&cs->lock);
    spin_unlock(&cdt_lock);
    kfree(cs->slots);
    kfree(cs->used);
    kfree(cs);
    reap_run(reap);
}

/* ---- debugging ------------------------------------------------------------- */

size_t cspace_count(struct cspace *cs)
{
    spin_lock(&cs->lock);
    size_t n = cs->count;
    spin_unlock(&cs->lock);
    return n;
}

uint64_t cap_revoke_steps(void)
{
    spin_lock(&cdt_lock);
    uint64_t n = revoke_steps;
    spin_unlock(&cdt_lock);
    return n;
}

#define CHECK(cond, ...)                      \
    do {                                      \
        if (!(cond)) {                        \
            log_error("cspace_check: " __VA_ARGS__); \
            goto bad;                         \
        }                                     \
    } while (0)

/* Checks one capability's own fields and its links to its neighbours.
 * Other tables are read without their locks: for debugging only. */
static int check_cap(struct cspace *cs, size_t i, const struct cap *c)
{
    CHECK(c->cspace == cs && c->handle == (int32_t)i, "slot %zu: node says %d", i, c->handle);
    CHECK(c->obj != NULL, "slot %zu: no object", i);
    CHECK(c->type == c->obj->type && c->type != ATOM_OBJ_NONE && c->type < ATOM_OBJ_COUNT,
          "slot %zu: type %u", i, c->type);
    CHECK(!(c->rights & ~ATOM_RIGHTS_ALL), "slot %zu: rights %#x", i, c->rights);
    CHECK(__atomic_load_n(&c->obj->refcount, __ATOMIC_RELAXED) > 0, "slot %zu: dead object", i);
    const struct cap *p = c->parent;
    if (c->prev_sibling) {
        CHECK(c->prev_sibling->next_sibling == c && c->prev_sibling->parent == p,
              "slot %zu: previous sibling does not link back", i);
    } else if (p) {
        CHECK(p->first_child == c, "slot %zu: first child not known to its parent", i);
    } else {
        CHECK(c->next_sibling == NULL, "slot %zu: a root with siblings", i);
    }
    if (c->next_sibling)
        CHECK(c->next_sibling->prev_sibling == c && c->next_sibling->parent == p,
              "slot %zu: next sibling does not link back", i);
    if (c->first_child)
        CHECK(c->first_child->parent == c && c->first_child->prev_sibling == NULL,
              "slot %zu: first child does not link back", i);
    if (p) {
        CHECK(p->obj == c->obj, "slot %zu: another object than its parent", i);
        CHECK(!(c->rights & ~p->rights), "slot %zu: rights wider than its parent's", i);
        CHECK(p->badge == 0 || p->badge == c->badge, "slot %zu: badge differs from parent's", i);
        CHECK(p->cspace && p->handle >= 0 && (size_t)p->handle < p->cspace->capacity &&
              p->cspace->slots[p->handle] == p, "slot %zu: parent not in a table", i);
    }
    return E_OK;
bad:
    return E_INVAL;
}

int cspace_check(struct cspace *cs)
{
    int err = E_INVAL;
    spin_lock(&cdt_lock);
    spin_lock(&cs->lock);
    size_t n = 0;
    CHECK(cs->capacity <= cs->max_slots && cs->count <= cs->capacity,
          "capacity %zu, max %zu, count %zu", cs->capacity, cs->max_slots, cs->count);
    CHECK((cs->capacity == 0) == (cs->slots == NULL) && (cs->capacity == 0) == (cs->used == NULL),
          "table arrays do not match capacity %zu", cs->capacity);
    for (size_t i = 0; i < cs->capacity; i++) {
        const struct cap *c = cs->slots[i];
        bool bit = (cs->used[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
        CHECK(bit == (c != NULL), "slot %zu: bitmap says %d", i, bit);
        CHECK(c || i >= cs->free_hint, "slot %zu: free below the hint %zu", i, cs->free_hint);
        if (!c)
            continue;
        n++;
        if (check_cap(cs, i, c) != E_OK)
            goto bad;
    }
    for (size_t i = cs->capacity; i < words_for(cs->capacity) * WORD_BITS; i++)
        CHECK(!((cs->used[i / WORD_BITS] >> (i % WORD_BITS)) & 1), "bit %zu beyond capacity", i);
    CHECK(n == cs->count, "count %zu, slots used %zu", cs->count, n);
    err = E_OK;
bad:
    spin_unlock(&cs->lock);
    spin_unlock(&cdt_lock);
    return err;
}
