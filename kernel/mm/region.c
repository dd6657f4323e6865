/*
 * region.c: the region set of an address space, a sorted array.
 *
 * Regions are kept in one array sorted by start address.  Because they
 * never overlap, their ends are sorted too, so every query starts with one
 * binary search (the first region ending after an address) and then walks
 * only the regions the range touches: lookups are O(log n), changes
 * O(log n + k) plus one memmove of the tail, n at most REGION_MAX.  An
 * array beats a tree here: a set is small, the memmoves are cheap, and
 * making room ahead of time is one allocation instead of a pool of nodes.
 *
 * Every change is decode (all checks, plus the number of new entries its
 * splits need: 1 for insert, at most 1 for remove, at most 2 for protect),
 * then grow (the only allocation, invisible to users of the set), then
 * perform, which cannot fail.  A prepare call is decode plus grow, so the
 * caller can make every fallible step happen before it touches page
 * tables or reference counts.
 *
 * Reference hooks follow one rule: a piece that comes into being by a
 * split gets `split`, a piece that leaves the set gets `removed`, a region
 * absorbed by its neighbour gets `merged`.  Hooks run in the middle of a
 * change; they must not touch the set.
 *
 * Protect merges what it touched with compatible neighbours, so toggling
 * a range's permissions back and forth does not fragment the set.
 */
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/region.h>
#include <kernel/string.h>

#define PS REGION_PAGE_SIZE
#define INITIAL_CAPACITY 8

static uint64_t end_of(const struct region *r)
{
    return r->start + r->pages * PS;
}

/* Page aligned, not empty, and the end representable. */
static bool range_ok(uint64_t va, uint64_t pages)
{
    return !(va & (PS - 1)) && pages > 0 && pages <= (UINT64_MAX - va) / PS;
}

/* The first region ending after va (count if none): the only one that can
 * contain va, and the first that can overlap a range starting there. */
static size_t first_ending_after(const struct region_set *s, uint64_t va)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (end_of(&s->v[mid]) > va)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void hook(void (*fn)(const struct region *, void *),
                 const struct region_hooks *h, const struct region *r)
{
    if (fn)
        fn(r, h->ctx);
}

#define HOOK(h, name, r) ((h) ? hook((h)->name, (h), (r)) : (void)0)

/* Makes room for `need` more entries: the one fallible step of a change. */
static int grow(struct region_set *s, size_t need)
{
    if (s->count + need <= s->capacity)
        return E_OK;
    if (need > REGION_MAX - s->count)
        return E_NOMEM;
    size_t cap = s->capacity ? s->capacity : INITIAL_CAPACITY;
    while (cap < s->count + need)
        cap *= 2;
    if (cap > REGION_MAX)
        cap = REGION_MAX;
    struct region *v = kmalloc(cap * sizeof(*v));
    if (!v)
        return E_NOMEM;
    if (s->count)
        memcpy(v, s->v, s->count * sizeof(*v));
    kfree(s->v);
    s->v = v;
    s->capacity = cap;
    return E_OK;
}

/* The part of r from byte `from` (inside r) for `pages` pages. */
static struct region piece_of(const struct region *r, uint64_t from, uint64_t pages)
{
    struct region p = *r;
    p.start = from;
    p.offset = r->offset + (from - r->start) / PS;
    p.pages = pages;
    return p;
}

/* Splits entry i at byte `at`, strictly inside it; the right part becomes
 * entry i + 1 and is the new piece.  Room is already there. */
static void split_at(struct region_set *s, size_t i, uint64_t at,
                     const struct region_hooks *hooks)
{
    struct region *r = &s->v[i];
    struct region right = piece_of(r, at, (end_of(r) - at) / PS);
    r->pages = (at - r->start) / PS;
    memmove(&s->v[i + 2], &s->v[i + 1], (s->count - i - 1) * sizeof(*r));
    s->v[i + 1] = right;
    s->count++;
    HOOK(hooks, split, &s->v[i + 1]);
}

static bool mergeable(const struct region *a, const struct region *b)
{
    return end_of(a) == b->start && a->owner == b->owner &&
           a->offset + a->pages == b->offset && a->prot == b->prot &&
           a->max_prot == b->max_prot;
}

/* Merges compatible neighbours among entries lo..hi in one pass. */
static void coalesce(struct region_set *s, size_t lo, size_t hi,
                     const struct region_hooks *hooks)
{
    size_t w = lo;
    for (size_t r = lo + 1; r <= hi; r++) {
        if (mergeable(&s->v[w], &s->v[r])) {
            HOOK(hooks, merged, &s->v[r]);
            s->v[w].pages += s->v[r].pages;
        } else {
            s->v[++w] = s->v[r];
        }
    }
    memmove(&s->v[w + 1], &s->v[hi + 1], (s->count - hi - 1) * sizeof(s->v[0]));
    s->count -= hi - w;
}

/* ---- the set ------------------------------------------------------------- */

void region_set_init(struct region_set *s)
{
    s->v = NULL;
    s->count = 0;
    s->capacity = 0;
}

void region_set_clear(struct region_set *s, const struct region_hooks *hooks)
{
    for (size_t i = 0; i < s->count; i++)
        HOOK(hooks, removed, &s->v[i]);
    kfree(s->v);
    region_set_init(s);
}

size_t region_count(const struct region_set *s)
{
    return s->count;
}

const struct region *region_at(const struct region_set *s, size_t i)
{
    return i < s->count ? &s->v[i] : NULL;
}

/* ---- queries ------------------------------------------------------------- */

const struct region *region_find(const struct region_set *s, uint64_t va)
{
    size_t i = first_ending_after(s, va);
    return i < s->count && s->v[i].start <= va ? &s->v[i] : NULL;
}

bool region_range_free(const struct region_set *s, uint64_t va, uint64_t pages)
{
    if (!range_ok(va, pages))
        return false;
    size_t i = first_ending_after(s, va);
    return i == s->count || s->v[i].start >= va + pages * PS;
}

bool region_range_covered(const struct region_set *s, uint64_t va, uint64_t pages)
{
    if (!range_ok(va, pages))
        return false;
    uint64_t end = va + pages * PS;
    for (size_t i = first_ending_after(s, va); va < end; i++) {
        if (i == s->count || s->v[i].start > va)
            return false;
        va = end_of(&s->v[i]);
    }
    return true;
}

int region_find_gap(const struct region_set *s, uint64_t pages, uint64_t lo,
                    uint64_t hi, uint64_t *va_out)
{
    if (pages == 0 || (lo & (PS - 1)) || (hi & (PS - 1)) || lo >= hi)
        return E_INVAL;
    if (pages > (hi - lo) / PS)
        return E_NOMEM;
    uint64_t len = pages * PS, pos = lo;
    for (size_t i = first_ending_after(s, lo); i < s->count && s->v[i].start < hi; i++) {
        if (s->v[i].start >= pos && s->v[i].start - pos >= len)
            break;
        if (end_of(&s->v[i]) > pos)
            pos = end_of(&s->v[i]);
    }
    if (pos >= hi || hi - pos < len)
        return E_NOMEM;
    *va_out = pos;
    return E_OK;
}

/* ---- insert -------------------------------------------------------------- */

static int decode_insert(const struct region_set *s, const struct region *r)
{
    if (!range_ok(r->start, r->pages) || !r->prot || (r->prot & ~r->max_prot))
        return E_INVAL;
    if (!region_range_free(s, r->start, r->pages))
        return E_EXIST;
    return E_OK;
}

int region_prepare_insert(struct region_set *s, const struct region *r)
{
    int err = decode_insert(s, r);
    return err ? err : grow(s, 1);
}

int region_insert(struct region_set *s, const struct region *r)
{
    int err = region_prepare_insert(s, r);
    if (err)
        return err;
    size_t i = first_ending_after(s, r->start);
    memmove(&s->v[i + 1], &s->v[i], (s->count - i) * sizeof(*r));
    s->v[i] = *r;
    s->count++;
    return E_OK;
}

/* ---- remove -------------------------------------------------------------- */

/* One new entry when a single region sticks out at both ends. */
static int decode_remove(const struct region_set *s, uint64_t va, uint64_t pages,
                         size_t *need)
{
    if (!range_ok(va, pages))
        return E_INVAL;
    size_t i = first_ending_after(s, va);
    *need = i < s->count && s->v[i].start < va && end_of(&s->v[i]) > va + pages * PS;
    return E_OK;
}

int region_prepare_remove(struct region_set *s, uint64_t va, uint64_t pages)
{
    size_t need;
    int err = decode_remove(s, va, pages, &need);
    return err ? err : grow(s, need);
}

int region_remove(struct region_set *s, uint64_t va, uint64_t pages,
                  const struct region_hooks *hooks)
{
    size_t need;
    int err = decode_remove(s, va, pages, &need);
    if (!err)
        err = grow(s, need);
    if (err)
        return err;
    /* perform */
    uint64_t end = va + pages * PS;
    size_t i = first_ending_after(s, va);
    if (i == s->count || s->v[i].start >= end)
        return E_OK;
    if (need) {
        /* A hole in the middle of one region. */
        split_at(s, i, end, hooks);
        struct region mid = piece_of(&s->v[i], va, pages);
        HOOK(hooks, split, &mid);
        HOOK(hooks, removed, &mid);
        s->v[i].pages = (va - s->v[i].start) / PS;
        return E_OK;
    }
    size_t first = i;
    if (s->v[i].start < va) {
        struct region tail = piece_of(&s->v[i], va, (end_of(&s->v[i]) - va) / PS);
        HOOK(hooks, split, &tail);
        HOOK(hooks, removed, &tail);
        s->v[i].pages = (va - s->v[i].start) / PS;
        first = i + 1;
    }
    size_t j = first;
    for (; j < s->count && end_of(&s->v[j]) <= end; j++)
        HOOK(hooks, removed, &s->v[j]);
    if (j < s->count && s->v[j].start < end) {
        struct region *r = &s->v[j];
        struct region head = piece_of(r, r->start, (end - r->start) / PS);
        HOOK(hooks, split, &head);
        HOOK(hooks, removed, &head);
        *r = piece_of(r, end, (end_of(r) - end) / PS);
    }
    memmove(&s->v[first], &s->v[j], (s->count - j) * sizeof(s->v[0]));
    s->count -= j - first;
    return E_OK;
}

/* ---- protect ------------------------------------------------------------- */

/* Splits are needed where a region whose protection changes straddles an
 * end of the range. */
static int decode_protect(const struct region_set *s, uint64_t va, uint64_t pages,
                          unsigned prot, size_t *need)
{
    if (!prot || !region_range_covered(s, va, pages))
        return E_INVAL;
    uint64_t end = va + pages * PS;
    size_t i = first_ending_after(s, va);
    for (size_t j = i; j < s->count && s->v[j].start < end; j++)
        if (prot & ~s->v[j].max_prot)
            return E_PERM;
    const struct region *first = &s->v[i];
    const struct region *last = &s->v[first_ending_after(s, end - 1)];
    *need = (first->start < va && first->prot != prot) +
            (end_of(last) > end && last->prot != prot);
    return E_OK;
}

int region_prepare_protect(struct region_set *s, uint64_t va, uint64_t pages,
                           unsigned prot)
{
    size_t need;
    int err = decode_protect(s, va, pages, prot, &need);
    return err ? err : grow(s, need);
}

int region_protect(struct region_set *s, uint64_t va, uint64_t pages, unsigned prot,
                   const struct region_hooks *hooks)
{
    size_t need;
    int err = decode_protect(s, va, pages, prot, &need);
    if (!err)
        err = grow(s, need);
    if (err)
        return err;
    /* perform */
    uint64_t end = va + pages * PS;
    size_t i = first_ending_after(s, va);
    if (s->v[i].start < va && s->v[i].prot != prot)
        split_at(s, i++, va, hooks);
    size_t j = first_ending_after(s, end - 1);
    if (end_of(&s->v[j]) > end && s->v[j].prot != prot)
        split_at(s, j, end, hooks);
    for (size_t k = i; k <= j; k++)
        s->v[k].prot = prot;
    coalesce(s, i ? i - 1 : 0, j + 1 < s->count ? j + 1 : j, hooks);
    return E_OK;
}

/* ---- checking ------------------------------------------------------------ */

int region_check(const struct region_set *s)
{
    if (s->count > s->capacity || s->capacity > REGION_MAX || (s->capacity && !s->v)) {
        log_error("region: count %zu, capacity %zu", s->count, s->capacity);
        return E_INVAL;
    }
    for (size_t i = 0; i < s->count; i++) {
        const struct region *r = &s->v[i];
        if (!range_ok(r->start, r->pages) || !r->prot || (r->prot & ~r->max_prot)) {
            log_error("region %zu: bad range or protection", i);
            return E_INVAL;
        }
        if (i && end_of(&s->v[i - 1]) > r->start) {
            log_error("region %zu: overlaps or is out of order", i);
            return E_INVAL;
        }
    }
    return E_OK;
}
