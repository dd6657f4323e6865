/* Unit tests of region sets (kernel/mm/region.c): insert and its refusals
 * (overlap, bad ranges and protections), lookups at region edges, removal
 * that splits at the start, middle and end and across holes, protect that
 * splits, enforces max_prot and merges back, gap finding, the prepare
 * steps (after one, the change succeeds even with no memory left), the
 * REGION_MAX limit, and a random stress checked page by page against a
 * plain array model, with the reference hooks balanced throughout.
 *
 * The real kernel heap serves the arrays, over host pages that can be made
 * to run out (host_heap.c); every test ends with the heap holding
 * nothing for the set (so leaks show up even without ASan's report). */
#include "unit.h"
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/region.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull
#define RD   1u
#define WR   2u
#define EX   4u
#define RWX  (RD | WR | EX)

/* ---- heap, owners and hooks ------------------------------------------------ */

#define OWNERS 4
struct owner {
    int refs;
};
static struct owner owners[OWNERS];
static int splits, removes, merges;
static uint64_t removed_pages;

static void on_split(const struct region *r, void *ctx)
{
    (void)ctx;
    ((struct owner *)r->owner)->refs++;
    splits++;
}

static void on_removed(const struct region *r, void *ctx)
{
    (void)ctx;
    struct owner *o = r->owner;
    CHECK(o->refs > 0, "removed: reference count already 0");
    o->refs--;
    removes++;
    removed_pages += r->pages;
}

static void on_merged(const struct region *r, void *ctx)
{
    (void)ctx;
    struct owner *o = r->owner;
    CHECK(o->refs > 1, "merged: the last reference dropped");
    o->refs--;
    merges++;
}

static const struct region_hooks hooks = { on_split, on_removed, on_merged, NULL };

static void setup(void)
{
    host_heap_init();
    host_log_clear();
    memset(owners, 0, sizeof(owners));
    splits = removes = merges = 0;
    removed_pages = 0;
}

/* What the heap holds: live objects of every kmalloc class plus whole-page
 * allocations. */
static size_t heap_in_use(void)
{
    size_t n = 0;
    for (size_t size = 16; size <= KMALLOC_MAX_SMALL; size *= 2) {
        struct kmem_cache_stats st;
        ck_assert_int_eq(kmem_cache_stats(kmalloc_cache(size), &st), E_OK);
        n += st.in_use;
    }
    struct heap_stats hs;
    heap_stats(&hs);
    return n + hs.large_allocs;
}

static struct region reg(uint64_t start, uint64_t pages, int owner, uint64_t offset,
                         unsigned prot, unsigned max_prot)
{
    return (struct region){ start, pages, &owners[owner], offset, prot, max_prot };
}

/* Inserts a region holding one reference, as an address space would. */
static void add(struct region_set *s, uint64_t start, uint64_t pages, int owner,
                uint64_t offset, unsigned prot)
{
    struct region r = reg(start, pages, owner, offset, prot, RWX);
    ck_assert_int_eq(region_insert(s, &r), E_OK);
    owners[owner].refs++;
}

static int refs_total(void)
{
    int n = 0;
    for (int i = 0; i < OWNERS; i++)
        n += owners[i].refs;
    return n;
}

/* The set is valid and every region holds exactly one reference. */
static void check_set(const struct region_set *s)
{
    ck_assert_msg(region_check(s) == E_OK, "%s", host_log_text());
    int per[OWNERS] = { 0 };
    for (size_t i = 0; i < region_count(s); i++)
        per[(struct owner *)region_at(s, i)->owner - owners]++;
    for (int i = 0; i < OWNERS; i++)
        ck_assert_int_eq(per[i], owners[i].refs);
}

static void expect(const struct region_set *s, size_t i, uint64_t start, uint64_t pages,
                   int owner, uint64_t offset, unsigned prot)
{
    const struct region *r = region_at(s, i);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->start, start);
    ck_assert_uint_eq(r->pages, pages);
    ck_assert_ptr_eq(r->owner, &owners[owner]);
    ck_assert_uint_eq(r->offset, offset);
    ck_assert_uint_eq(r->prot, prot);
}

static void finish(struct region_set *s)
{
    region_set_clear(s, &hooks);
    ck_assert_int_eq(refs_total(), 0);
    ck_assert_uint_eq(region_count(s), 0);
    ck_assert_uint_eq(heap_in_use(), 0);
}

/* ---- insert and queries ---------------------------------------------------- */

START_TEST(test_insert_and_overlap)
{
    struct region_set s;
    region_set_init(&s);
    ck_assert_ptr_null(region_find(&s, 0x10000));
    add(&s, 0x10000, 4, 0, 0, RD);              /* [0x10000, 0x14000) */
    struct region r;
    /* Every kind of overlap is refused with nothing changed. */
    static const uint64_t clash[][2] = {
        { 0x10000, 4 }, { 0xF000, 2 }, { 0x13000, 5 }, { 0x11000, 1 }, { 0x8000, 100 },
    };
    for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
        r = reg(clash[i][0], clash[i][1], 1, 0, RD, RD);
        ck_assert_int_eq(region_prepare_insert(&s, &r), E_EXIST);
        ck_assert_int_eq(region_insert(&s, &r), E_EXIST);
    }
    ck_assert_uint_eq(region_count(&s), 1);
    /* Neighbours on both sides fit exactly, inserted out of order. */
    add(&s, 0x14000, 1, 1, 0, RD | WR);
    add(&s, 0xC000, 4, 2, 7, RD | EX);
    expect(&s, 0, 0xC000, 4, 2, 7, RD | EX);
    expect(&s, 1, 0x10000, 4, 0, 0, RD);
    expect(&s, 2, 0x14000, 1, 1, 0, RD | WR);
    /* Bad arguments. */
    r = reg(0x20010, 1, 0, 0, RD, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_INVAL);   /* misaligned */
    r = reg(0x20000, 0, 0, 0, RD, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_INVAL);   /* empty */
    r = reg(UINT64_MAX - 3 * PAGE + 1, 4, 0, 0, RD, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_INVAL);   /* wraps */
    r = reg(0x20000, 1, 0, 0, RD | WR, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_INVAL);   /* prot above max */
    r = reg(0x20000, 1, 0, 0, 0, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_INVAL);   /* no prot */
    check_set(&s);
    /* Lookups at the edges. */
    ck_assert_ptr_null(region_find(&s, 0xB000));
    ck_assert_ptr_eq(region_find(&s, 0xC000), region_at(&s, 0));
    ck_assert_ptr_eq(region_find(&s, 0xFFFF), region_at(&s, 0));
    ck_assert_ptr_eq(region_find(&s, 0x10000), region_at(&s, 1));
    ck_assert_ptr_eq(region_find(&s, 0x14FFF), region_at(&s, 2));
    ck_assert_ptr_null(region_find(&s, 0x15000));
    ck_assert(region_range_covered(&s, 0xC000, 9));
    ck_assert(!region_range_covered(&s, 0xC000, 10));
    ck_assert(!region_range_covered(&s, 0xB000, 2));
    ck_assert(region_range_covered(&s, 0x13000, 2));
    ck_assert(region_range_free(&s, 0x15000, 10));
    ck_assert(region_range_free(&s, 0x1000, 11));
    ck_assert(!region_range_free(&s, 0x1000, 12));
    ck_assert(!region_range_free(&s, 0x14000, 1));
    ck_assert(!region_range_free(&s, 0x15001, 1));
    finish(&s);
}
END_TEST

/* ---- remove ---------------------------------------------------------------- */

START_TEST(test_remove_splits)
{
    struct region_set s;
    region_set_init(&s);
    add(&s, 0x100000, 10, 0, 100, RD | WR);      /* pages 0x100..0x109 */
    /* The start. */
    ck_assert_int_eq(region_remove(&s, 0x100000, 2, &hooks), E_OK);
    expect(&s, 0, 0x102000, 8, 0, 102, RD | WR);
    /* The end. */
    ck_assert_int_eq(region_remove(&s, 0x108000, 2, &hooks), E_OK);
    expect(&s, 0, 0x102000, 6, 0, 102, RD | WR);
    /* The middle: two regions with the offsets following the pages. */
    ck_assert_int_eq(region_remove(&s, 0x104000, 1, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 2);
    expect(&s, 0, 0x102000, 2, 0, 102, RD | WR);
    expect(&s, 1, 0x105000, 3, 0, 105, RD | WR);
    ck_assert_int_eq(owners[0].refs, 2);
    ck_assert_uint_eq(removed_pages, 5);
    check_set(&s);
    /* Across regions and holes: trims both ends, drops what lies inside. */
    add(&s, 0x109000, 2, 1, 0, RD);
    add(&s, 0x10C000, 2, 2, 0, RD);
    removed_pages = 0;
    ck_assert_int_eq(region_remove(&s, 0x103000, 10, &hooks), E_OK);
    ck_assert_uint_eq(removed_pages, 1 + 3 + 2 + 1);
    ck_assert_uint_eq(region_count(&s), 2);
    expect(&s, 0, 0x102000, 1, 0, 102, RD | WR);
    expect(&s, 1, 0x10D000, 1, 2, 1, RD);
    ck_assert_int_eq(owners[1].refs, 0);
    check_set(&s);
    /* Removing nothing is fine; bad ranges are not. */
    ck_assert_int_eq(region_remove(&s, 0x200000, 5, &hooks), E_OK);
    ck_assert_int_eq(region_remove(&s, 0x200800, 1, &hooks), E_INVAL);
    ck_assert_int_eq(region_remove(&s, 0x200000, 0, &hooks), E_INVAL);
    ck_assert_uint_eq(region_count(&s), 2);
    finish(&s);
}
END_TEST

/* ---- protect --------------------------------------------------------------- */

START_TEST(test_protect_splits_and_merges)
{
    struct region_set s;
    region_set_init(&s);
    add(&s, 0x400000, 8, 0, 0, RD | WR);
    /* The middle: three pieces. */
    ck_assert_int_eq(region_protect(&s, 0x402000, 3, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 3);
    expect(&s, 0, 0x400000, 2, 0, 0, RD | WR);
    expect(&s, 1, 0x402000, 3, 0, 2, RD);
    expect(&s, 2, 0x405000, 3, 0, 5, RD | WR);
    ck_assert_int_eq(splits, 2);
    check_set(&s);
    /* Back again: one region. */
    ck_assert_int_eq(region_protect(&s, 0x402000, 3, RD | WR, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 1);
    expect(&s, 0, 0x400000, 8, 0, 0, RD | WR);
    ck_assert_int_eq(merges, 2);
    check_set(&s);
    /* The start and the end. */
    ck_assert_int_eq(region_protect(&s, 0x400000, 1, RD | EX, &hooks), E_OK);
    ck_assert_int_eq(region_protect(&s, 0x407000, 1, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 3);
    expect(&s, 0, 0x400000, 1, 0, 0, RD | EX);
    expect(&s, 1, 0x401000, 6, 0, 1, RD | WR);
    expect(&s, 2, 0x407000, 1, 0, 7, RD);
    /* Same protection: no split. */
    ck_assert_int_eq(region_protect(&s, 0x402000, 2, RD | WR, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 3);
    /* Across all three, then everything merges into one. */
    ck_assert_int_eq(region_protect(&s, 0x400000, 8, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 1);
    expect(&s, 0, 0x400000, 8, 0, 0, RD);
    check_set(&s);
    /* Neighbours with a gap in offsets or of another owner never merge. */
    add(&s, 0x408000, 2, 0, 9, RD);
    add(&s, 0x40A000, 2, 1, 11, RD);
    ck_assert_int_eq(region_protect(&s, 0x400000, 12, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 3);
    check_set(&s);
    finish(&s);
}
END_TEST

START_TEST(test_protect_refusals)
{
    struct region_set s;
    region_set_init(&s);
    struct region r = reg(0x10000, 4, 0, 0, RD, RD | EX);
    ck_assert_int_eq(region_insert(&s, &r), E_OK);
    owners[0].refs++;
    add(&s, 0x15000, 2, 1, 0, RD | WR);                /* a hole at 0x14000 */
    /* Above max_prot: E_PERM, nothing changes. */
    ck_assert_int_eq(region_prepare_protect(&s, 0x11000, 1, RD | WR), E_PERM);
    ck_assert_int_eq(region_protect(&s, 0x11000, 1, RD | WR, &hooks), E_PERM);
    ck_assert_int_eq(region_protect(&s, 0x11000, 1, RD | EX, &hooks), E_OK);
    /* An unmapped page anywhere in the range: E_INVAL. */
    ck_assert_int_eq(region_protect(&s, 0x13000, 3, RD, &hooks), E_INVAL);
    ck_assert_int_eq(region_protect(&s, 0xF000, 2, RD, &hooks), E_INVAL);
    ck_assert_int_eq(region_protect(&s, 0x16000, 2, RD, &hooks), E_INVAL);
    ck_assert_int_eq(region_protect(&s, 0x10000, 1, 0, &hooks), E_INVAL);
    ck_assert_int_eq(region_protect(&s, 0x10100, 1, RD, &hooks), E_INVAL);
    ck_assert_uint_eq(region_count(&s), 4);
    expect(&s, 0, 0x10000, 1, 0, 0, RD);
    expect(&s, 1, 0x11000, 1, 0, 1, RD | EX);
    expect(&s, 2, 0x12000, 2, 0, 2, RD);
    expect(&s, 3, 0x15000, 2, 1, 0, RD | WR);
    check_set(&s);
    finish(&s);
}
END_TEST

/* ---- gaps ------------------------------------------------------------------ */

START_TEST(test_find_gap)
{
    struct region_set s;
    region_set_init(&s);
    uint64_t va = 0;
    ck_assert_int_eq(region_find_gap(&s, 4, 0x1000, 0x10000, &va), E_OK);
    ck_assert_uint_eq(va, 0x1000);
    add(&s, 0x2000, 2, 0, 0, RD);       /* [0x2000, 0x4000) */
    add(&s, 0x6000, 1, 0, 0, RD);       /* [0x6000, 0x7000) */
    add(&s, 0x8000, 4, 0, 0, RD);       /* [0x8000, 0xC000) */
    ck_assert_int_eq(region_find_gap(&s, 1, 0x1000, 0x10000, &va), E_OK);
    ck_assert_uint_eq(va, 0x1000);
    ck_assert_int_eq(region_find_gap(&s, 2, 0x1000, 0x10000, &va), E_OK);
    ck_assert_uint_eq(va, 0x4000);
    ck_assert_int_eq(region_find_gap(&s, 3, 0x1000, 0x10000, &va), E_OK);
    ck_assert_uint_eq(va, 0xC000);
    ck_assert_int_eq(region_find_gap(&s, 4, 0x1000, 0x10000, &va), E_OK);
    ck_assert_uint_eq(va, 0xC000);
    ck_assert_int_eq(region_find_gap(&s, 5, 0x1000, 0x10000, &va), E_NOMEM);
    /* lo inside a region; hi cutting a gap short. */
    ck_assert_int_eq(region_find_gap(&s, 1, 0x3000, 0x10000, &va), E_OK);
    ck_assert_uint_eq(va, 0x4000);
    ck_assert_int_eq(region_find_gap(&s, 1, 0x9000, 0xC000, &va), E_NOMEM);
    ck_assert_int_eq(region_find_gap(&s, 1, 0x7000, 0x8000, &va), E_OK);
    ck_assert_uint_eq(va, 0x7000);
    ck_assert_int_eq(region_find_gap(&s, 2, 0x7000, 0x9000, &va), E_NOMEM);
    /* Near the top of the address space: no overflow. */
    ck_assert_int_eq(region_find_gap(&s, 2, (uint64_t)0 - 3 * PAGE, (uint64_t)0 - PAGE, &va),
                     E_OK);
    ck_assert_uint_eq(va, (uint64_t)0 - 3 * PAGE);
    ck_assert_int_eq(region_find_gap(&s, 3, (uint64_t)0 - 3 * PAGE, (uint64_t)0 - PAGE, &va),
                     E_NOMEM);
    /* Bad arguments. */
    ck_assert_int_eq(region_find_gap(&s, 0, 0x1000, 0x10000, &va), E_INVAL);
    ck_assert_int_eq(region_find_gap(&s, 1, 0x1001, 0x10000, &va), E_INVAL);
    ck_assert_int_eq(region_find_gap(&s, 1, 0x10000, 0x10000, &va), E_INVAL);
    ck_assert_int_eq(region_find_gap(&s, UINT64_MAX, 0x1000, 0x10000, &va), E_NOMEM);
    finish(&s);
}
END_TEST

/* ---- prepare, memory and the limit ------------------------------------------- */

START_TEST(test_prepare_then_no_memory)
{
    struct region_set s;
    region_set_init(&s);
    /* Without memory the first insert fails and leaves nothing. */
    host_heap_fail = true;
    struct region r = reg(0x10000, 1, 0, 0, RD, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_NOMEM);
    ck_assert_uint_eq(region_count(&s), 0);
    host_heap_fail = false;
    /* Fill the initial array exactly. */
    for (int i = 0; i < 8; i++)
        add(&s, 0x100000 + (uint64_t)i * 0x10000, 4, 0, 0, RD | WR);
    host_heap_fail = true;
    ck_assert_int_eq(region_remove(&s, 0x101000, 1, &hooks), E_NOMEM);
    ck_assert_int_eq(region_protect(&s, 0x111000, 2, RD, &hooks), E_NOMEM);
    ck_assert_int_eq(region_prepare_insert(&s, &r), E_NOMEM);
    ck_assert_uint_eq(region_count(&s), 8);
    check_set(&s);
    /* Changes that need no new entry still work in a full array. */
    ck_assert_int_eq(region_remove(&s, 0x100000, 1, &hooks), E_OK);
    ck_assert_int_eq(region_protect(&s, 0x110000, 4, RD, &hooks), E_OK);
    ck_assert_int_eq(region_protect(&s, 0x131000, 2, RD | WR, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 8);
    /* After a prepare, the change cannot fail for memory. */
    host_heap_fail = false;
    ck_assert_int_eq(region_prepare_protect(&s, 0x121000, 2, RD), E_OK);
    host_heap_fail = true;
    ck_assert_int_eq(region_protect(&s, 0x121000, 2, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 10);
    check_set(&s);
    host_heap_fail = false;
    finish(&s);
    /* One entry short of full: a protect needing two splits makes room
     * for both. */
    for (int i = 0; i < 7; i++)
        add(&s, 0x100000 + (uint64_t)i * 0x10000, 4, 0, 0, RD | WR);
    ck_assert_int_eq(region_protect(&s, 0x131000, 2, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), 9);
    check_set(&s);
    finish(&s);
}
END_TEST

START_TEST(test_region_limit)
{
    struct region_set s;
    region_set_init(&s);
    for (int i = 0; i < REGION_MAX; i++)
        add(&s, (uint64_t)(i + 1) * 4 * PAGE, 2, i % OWNERS, 0, RD | WR);
    struct region r = reg(0x100000000, 1, 0, 0, RD, RD);
    ck_assert_int_eq(region_insert(&s, &r), E_NOMEM);
    /* A split would pass the limit; a change without one is fine. */
    ck_assert_int_eq(region_protect(&s, 4 * PAGE, 1, RD, &hooks), E_NOMEM);
    ck_assert_int_eq(region_protect(&s, 4 * PAGE, 2, RD, &hooks), E_OK);
    ck_assert_int_eq(region_remove(&s, 8 * PAGE, 2, &hooks), E_OK);
    ck_assert_int_eq(region_protect(&s, 12 * PAGE, 1, RD, &hooks), E_OK);
    ck_assert_uint_eq(region_count(&s), REGION_MAX);
    check_set(&s);
    finish(&s);
}
END_TEST

/* ---- random stress against a model ------------------------------------------- */

#define MODEL_PAGES 192
#define MODEL_BASE  0x7ff000000000ull

struct mpage {
    int owner;          /* -1: unmapped */
    uint64_t offset;
    unsigned prot, max_prot;
};

static struct mpage model[MODEL_PAGES];

static uint64_t page_va(int i)
{
    return MODEL_BASE + (uint64_t)i * PAGE;
}

/* The set, flattened, equals the model. */
static void model_compare(const struct region_set *s)
{
    struct mpage seen[MODEL_PAGES];
    for (int i = 0; i < MODEL_PAGES; i++)
        seen[i].owner = -1;
    for (size_t k = 0; k < region_count(s); k++) {
        const struct region *r = region_at(s, k);
        CHECK(r->start >= MODEL_BASE && r->start + r->pages * PAGE <= page_va(MODEL_PAGES),
              "region %zu outside the model", k);
        for (uint64_t p = 0; p < r->pages; p++) {
            int i = (int)((r->start - MODEL_BASE) / PAGE + p);
            seen[i] = (struct mpage){ (int)((struct owner *)r->owner - owners),
                                      r->offset + p, r->prot, r->max_prot };
        }
    }
    for (int i = 0; i < MODEL_PAGES; i++) {
        const struct mpage *a = &seen[i], *b = &model[i];
        CHECK(a->owner == b->owner, "page %d: owner %d, model %d", i, a->owner, b->owner);
        if (b->owner >= 0)
            CHECK(a->offset == b->offset && a->prot == b->prot && a->max_prot == b->max_prot,
                  "page %d: offset %llu prot %u/%u, model %llu %u/%u", i,
                  (unsigned long long)a->offset, a->prot, a->max_prot,
                  (unsigned long long)b->offset, b->prot, b->max_prot);
    }
}

/* xorshift64*: the same sequence on every host. */
static uint64_t rnd_state;

static int rnd(void)
{
    rnd_state ^= rnd_state >> 12;
    rnd_state ^= rnd_state << 25;
    rnd_state ^= rnd_state >> 27;
    return (int)((rnd_state * 0x2545F4914F6CDD1Dull) >> 33);
}

static unsigned random_prot(void)
{
    static const unsigned p[] = { RD, RD | WR, RD | EX, RD | WR | EX };
    return p[rnd() % 4];
}

START_TEST(test_random_against_model)
{
    const unsigned seed = 20240611;
    rnd_state = seed;
    struct region_set s;
    region_set_init(&s);
    for (int i = 0; i < MODEL_PAGES; i++)
        model[i].owner = -1;
    int counts[5] = { 0 };
    for (int step = 0; step < 100000; step++) {
        int first = rnd() % MODEL_PAGES;
        int pages = 1 + rnd() % (rnd() % 4 ? 8 : MODEL_PAGES - first);
        if (first + pages > MODEL_PAGES)
            pages = MODEL_PAGES - first;
        uint64_t va = page_va(first);
        bool prepare = rnd() % 2;
        int op = rnd() % 5, err, want;
        bool any_mapped = false, all_mapped = true;
        for (int i = first; i < first + pages; i++) {
            any_mapped |= model[i].owner >= 0;
            all_mapped &= model[i].owner >= 0;
        }
        if (op <= 1) {
            /* Insert. */
            int o = rnd() % OWNERS;
            uint64_t off = (uint64_t)(rnd() % 64);
            unsigned max = random_prot(), prot = max & (rnd() % 2 ? RD : ~0u);
            struct region r = reg(va, (uint64_t)pages, o, off, prot, max);
            want = any_mapped ? E_EXIST : E_OK;
            if (prepare) {
                err = region_prepare_insert(&s, &r);
                CHECK(err == want, "seed %u step %d: prepare insert %d, want %d", seed, step, err, want);
            }
            err = region_insert(&s, &r);
            CHECK(err == want, "seed %u step %d: insert %d, want %d", seed, step, err, want);
            if (!err) {
                owners[o].refs++;
                for (int i = 0; i < pages; i++)
                    model[first + i] = (struct mpage){ o, off + (uint64_t)i, prot, max };
            }
        } else if (op == 2) {
            /* Remove: the hooks see exactly the mapped pages of the range. */
            uint64_t mapped = 0;
            for (int i = first; i < first + pages; i++)
                mapped += model[i].owner >= 0;
            if (prepare)
                CHECK(region_prepare_remove(&s, va, (uint64_t)pages) == E_OK, "prepare remove");
            removed_pages = 0;
            err = region_remove(&s, va, (uint64_t)pages, &hooks);
            CHECK(err == E_OK, "seed %u step %d: remove %d", seed, step, err);
            CHECK(removed_pages == mapped, "seed %u step %d: removed %llu pages, want %llu",
                  seed, step, (unsigned long long)removed_pages, (unsigned long long)mapped);
            for (int i = first; i < first + pages; i++)
                model[i].owner = -1;
        } else if (op == 3) {
            /* Protect. */
            unsigned prot = random_prot();
            want = E_OK;
            if (!all_mapped)
                want = E_INVAL;
            else
                for (int i = first; i < first + pages; i++)
                    if (prot & ~model[i].max_prot)
                        want = E_PERM;
            if (prepare) {
                err = region_prepare_protect(&s, va, (uint64_t)pages, prot);
                CHECK(err == want, "seed %u step %d: prepare protect %d, want %d", seed, step, err, want);
            }
            err = region_protect(&s, va, (uint64_t)pages, prot, &hooks);
            CHECK(err == want, "seed %u step %d: protect %d, want %d", seed, step, err, want);
            if (!err)
                for (int i = first; i < first + pages; i++)
                    model[i].prot = prot;
        } else {
            /* Gap finding and lookups. */
            int lo = rnd() % MODEL_PAGES, hi = lo + 1 + rnd() % (MODEL_PAGES - lo);
            int expect_at = -1;
            for (int a = lo; a + pages <= hi && expect_at < 0; a++) {
                bool free_run = true;
                for (int i = a; i < a + pages; i++)
                    free_run &= model[i].owner < 0;
                if (free_run)
                    expect_at = a;
            }
            uint64_t got = 0;
            err = region_find_gap(&s, (uint64_t)pages, page_va(lo), page_va(hi), &got);
            if (expect_at < 0)
                CHECK(err == E_NOMEM, "seed %u step %d: gap found at %#llx", seed, step,
                      (unsigned long long)got);
            else
                CHECK(err == E_OK && got == page_va(expect_at), "seed %u step %d: gap %d at %#llx, want page %d",
                      seed, step, err, (unsigned long long)got, expect_at);
            CHECK(region_range_free(&s, va, (uint64_t)pages) == !any_mapped, "range_free");
            CHECK(region_range_covered(&s, va, (uint64_t)pages) == all_mapped, "range_covered");
            const struct region *r = region_find(&s, va);
            CHECK((r != NULL) == (model[first].owner >= 0), "find");
            op = 4;
        }
        counts[op]++;
        CHECK(region_check(&s) == E_OK, "seed %u step %d: %s", seed, step, host_log_text());
        if (step % 16 == 0 || op != 4) {
            model_compare(&s);
            int per[OWNERS] = { 0 };
            for (size_t k = 0; k < region_count(&s); k++)
                per[(struct owner *)region_at(&s, k)->owner - owners]++;
            for (int o = 0; o < OWNERS; o++)
                CHECK(per[o] == owners[o].refs, "seed %u step %d: owner %d has %d regions, %d refs",
                      seed, step, o, per[o], owners[o].refs);
        }
    }
    ck_assert_int_gt(splits, 0);
    ck_assert_int_gt(merges, 0);
    for (int op = 0; op < 5; op++)
        if (op != 1)
            ck_assert_int_gt(counts[op], 0);
    finish(&s);
}
END_TEST

Suite *suite_region(void)
{
    Suite *s = suite_create("region");
    TCase *tc = tcase_create("region");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_insert_and_overlap);
    tcase_add_test(tc, test_remove_splits);
    tcase_add_test(tc, test_protect_splits_and_merges);
    tcase_add_test(tc, test_protect_refusals);
    tcase_add_test(tc, test_find_gap);
    tcase_add_test(tc, test_prepare_then_no_memory);
    tcase_add_test(tc, test_region_limit);
    tcase_add_test(tc, test_random_against_model);
    suite_add_tcase(s, tc);
    return s;
}
