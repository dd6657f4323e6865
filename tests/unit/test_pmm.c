/* Unit tests of the physical memory allocator (kernel/mm/pmm.c): maps with
 * holes and memory above 4 GiB, unsorted, overlapping and unaligned
 * entries (against a brute-force model of which frames are usable),
 * reserved ranges, exhaustion, runs, coalescing, refused frees, a random
 * stress checked against a shadow of every frame, and concurrent use.
 *
 * Fake physical memory is a table of windows, each a host mapping that
 * costs nothing until touched; phys_to_virt translates through it, so RAM
 * "above 4 GiB" is ordinary host memory. */
#include "unit.h"
#include <kernel/error.h>
#include <kernel/pmm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KIB  1024ull
#define MIB  (1024 * KIB)
#define GIB  (1024 * MIB)
#define PAGE 4096ull
#define U    MEM_USABLE
#define R    MEM_RESERVED

/* ---- fake physical memory ------------------------------------------------ */

struct window {
    uint64_t base, size;
    uint8_t *host;
};
static struct window windows[8];
static size_t window_count;
static int p2v_calls;

static void ram_back(uint64_t base, uint64_t size)
{
    ck_assert_uint_lt(window_count, 8);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ck_assert_ptr_ne(p, MAP_FAILED);
    windows[window_count++] = (struct window){ base, size, p };
}

static void ram_unback(void)
{
    for (size_t i = 0; i < window_count; i++)
        munmap(windows[i].host, windows[i].size);
    window_count = 0;
}

static void *fake_p2v(uint64_t phys)
{
    p2v_calls++;
    for (size_t i = 0; i < window_count; i++)
        if (phys >= windows[i].base && phys - windows[i].base < windows[i].size)
            return windows[i].host + (phys - windows[i].base);
    ck_abort_msg("phys_to_virt(%#llx): no RAM there", (unsigned long long)phys);
    return NULL;
}

static void *null_p2v(uint64_t phys)
{
    (void)phys;
    return NULL;
}

/* Backs every usable region of a map (page-rounded outward). */
static void ram_back_map(const struct mem_region *m, size_t n)
{
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].type == U && m[i].base + m[i].length > top)
            top = m[i].base + m[i].length;
    ram_back(0, (top + PAGE - 1) & ~(PAGE - 1));
}

/* ---- machines ------------------------------------------------------------ */

/* QEMU q35 with 8 GiB: RAM at 0-2 GiB and 4-10 GiB, firmware bits between. */
static const struct mem_region q35_8g[] = {
    { 0x0,         0x9fc00,                  U },
    { 0x9fc00,     0x400,                    R },
    { 0xf0000,     0x10000,                  R },
    { 0x100000,    0x7ffe0000 - 0x100000,    U },
    { 0x7ffe0000,  0x20000,                  R },
    { 0xb0000000,  0x10000000,               R },
    { 0xfeffc000,  0x4000,                   R },
    { 0x100000000, 0x180000000,              U },
    { 0xfd00000000, 0x300000000,             R },
};

static const struct pmm_range q35_reserved[] = {
    { 0x0,         0x100000 },    /* low memory */
    { 0x100000,    0x30a123 },    /* kernel image, unaligned end */
    { 0x30b000,    0x3c0800 },    /* initrd */
    { 0x3c1010,    0x3c2100 },    /* boot information, unaligned both ends */
    { 0xfd000000,  0xfd800000 },  /* framebuffer, not RAM: harmless */
    { 0x180000123, 0x180400000 }, /* something above 4 GiB */
    { 0x200000,    0x200000 },    /* empty */
};

/* 64 MiB with a hole, and 64 MiB above 4 GiB. */
static const struct mem_region small_high[] = {
    { 0x0,         0x9fc00,              U },
    { 0x100000,    0x4000000 - 0x100000, U },
    { 0x100000000, 0x4000000,            U },
};
static const struct pmm_range small_reserved[] = {
    { 0x0,      0x100000 },
    { 0x100000, 0x280000 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* For loops over millions of frames: ck_assert records every passing
 * check (a write to the runner's pipe), which is far too slow there. */
#define CHECK(cond, ...)                  \
    do {                                  \
        if (!(cond))                      \
            ck_abort_msg(__VA_ARGS__);    \
    } while (0)

/* ---- the model ----------------------------------------------------------- */

/* Brute force: a frame is usable if the union of usable regions covers
 * every byte of it, frame 0 is not, and nothing reserved touches it. */
static bool frame_usable(uint64_t pfn, const struct mem_region *m, size_t n,
                         const struct pmm_range *res, size_t nres)
{
    uint64_t a = pfn * PAGE, pos = a;
    if (pfn == 0)
        return false;
    while (pos < a + PAGE) {
        uint64_t best = pos;
        for (size_t i = 0; i < n; i++)
            if (m[i].type == U && m[i].base <= pos && m[i].base + m[i].length > best)
                best = m[i].base + m[i].length;
        if (best == pos)
            return false;
        pos = best;
    }
    for (size_t i = 0; i < nres; i++)
        if (res[i].start < res[i].end && res[i].start < a + PAGE && res[i].end > a)
            return false;
    return true;
}

/* A bit per frame of the fake machine. */
struct shadow {
    uint8_t *bits;
    uint64_t frames;
};

static void shadow_init(struct shadow *s, uint64_t top)
{
    s->frames = top / PAGE;
    s->bits = calloc(s->frames / 8 + 1, 1);
    ck_assert_ptr_nonnull(s->bits);
}

static bool shadow_get(const struct shadow *s, uint64_t pfn)
{
    return s->bits[pfn / 8] & (1u << (pfn % 8));
}

static void shadow_set(struct shadow *s, uint64_t pfn, bool v)
{
    if (v)
        s->bits[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
    else
        s->bits[pfn / 8] &= (uint8_t)~(1u << (pfn % 8));
}

/* Marks a block allocated in the shadow, checking it was free there. */
static void shadow_take(struct shadow *s, uint64_t phys, uint64_t frames)
{
    CHECK(phys / PAGE + frames - 1 < s->frames, "block %#llx outside RAM",
          (unsigned long long)phys);
    for (uint64_t f = phys / PAGE; f < phys / PAGE + frames; f++) {
        CHECK(!shadow_get(s, f), "frame %#llx handed out twice",
              (unsigned long long)(f * PAGE));
        shadow_set(s, f, true);
    }
}

static void shadow_give(struct shadow *s, uint64_t phys, uint64_t frames)
{
    for (uint64_t f = phys / PAGE; f < phys / PAGE + frames; f++)
        shadow_set(s, f, false);
}

static uint64_t map_top(const struct mem_region *m, size_t n)
{
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].type == U && m[i].base + m[i].length > top)
            top = m[i].base + m[i].length;
    return (top + PAGE - 1) & ~(PAGE - 1);
}

/* Initialises from the map, takes every frame one by one and checks the
 * result is exactly the model's usable frames less the bookkeeping; then
 * frees them all and checks the allocator is as it started. */
static void check_exhaustively(const struct mem_region *m, size_t n,
                               const struct pmm_range *res, size_t nres,
                               bool shuffle_frees)
{
    uint64_t top = map_top(m, n);
    ram_back_map(m, n);
    ck_assert_int_eq(pmm_init(m, n, res, nres, fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);
    ck_assert_int_eq(pmm_check(), E_OK);

    struct shadow sh;
    shadow_init(&sh, top);
    uint64_t *pages = malloc(before.total_pages * sizeof(uint64_t));
    ck_assert_ptr_nonnull(pages);
    uint64_t count = 0, phys;
    while ((phys = pmm_alloc(0)) != PMM_NONE) {
        CHECK(count < before.total_pages && phys % PAGE == 0, "bad page %#llx",
              (unsigned long long)phys);
        shadow_take(&sh, phys, 1);
        pages[count++] = phys;
    }
    ck_assert_uint_eq(count, before.total_pages);
    ck_assert_uint_eq(count * PAGE, before.free_bytes);
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_bytes, 0);
    ck_assert_uint_eq(st.failed_allocs, 1);

    uint64_t meta_first = before.metadata_phys / PAGE;
    uint64_t meta_end = meta_first + before.metadata_bytes / PAGE;
    uint64_t usable = 0;
    for (uint64_t f = 0; f < top / PAGE; f++) {
        bool want = frame_usable(f, m, n, res, nres);
        usable += want;
        bool meta = f >= meta_first && f < meta_end;
        if (meta)
            CHECK(want, "bookkeeping on unusable frame %#llx",
                  (unsigned long long)(f * PAGE));
        CHECK(shadow_get(&sh, f) == (want && !meta),
              "frame %#llx: allocated %d, usable %d, bookkeeping %d",
              (unsigned long long)(f * PAGE), shadow_get(&sh, f), want, meta);
    }
    ck_assert_uint_eq(usable * PAGE, before.total_bytes + before.metadata_bytes);

    if (shuffle_frees) {
        for (uint64_t i = count; i > 1; i--) {
            uint64_t j = (uint64_t)rand() % i, t = pages[i - 1];
            pages[i - 1] = pages[j];
            pages[j] = t;
        }
    }
    for (uint64_t i = 0; i < count; i++)
        CHECK(pmm_free(pages[i], 0) == E_OK, "free of %#llx failed",
              (unsigned long long)pages[i]);
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_bytes, before.free_bytes);
    ck_assert(memcmp(st.free_blocks, before.free_blocks, sizeof(st.free_blocks)) == 0);
    ck_assert_int_eq(pmm_check(), E_OK);
    free(pages);
    free(sh.bits);
    ram_unback();
}

/* ---- tests --------------------------------------------------------------- */

START_TEST(q35_8g_with_holes_and_high_memory)
{
    ram_back_map(q35_8g, N(q35_8g));
    p2v_calls = 0;
    ck_assert_int_eq(pmm_init(q35_8g, N(q35_8g), q35_reserved, N(q35_reserved),
                              fake_p2v), E_OK);
    ck_assert_int_eq(p2v_calls, 1);
    struct pmm_stats st;
    pmm_stats(&st);
    uint64_t usable = 0x9f000 + (0x7ffe0000 - 0x100000) + 0x180000000;
    ck_assert_uint_eq(st.usable_bytes, usable);
    ck_assert_uint_eq(st.span_count, 3);
    /* 9 bytes per frame of the spans, in whole pages, in the largest
     * stretch (above 4 GiB), at its top. */
    ck_assert_uint_eq(st.metadata_bytes, (usable / PAGE * 9 + PAGE - 1) & ~(PAGE - 1));
    ck_assert_uint_eq(st.metadata_phys + st.metadata_bytes, 0x280000000);
    ck_assert_uint_eq(st.usable_bytes,
                      st.total_bytes + st.reserved_bytes + st.metadata_bytes);
    /* Low 640 KiB and the kernel..boot info (rounded out), plus 1 MiB
     * minus its first 4 KiB above 4 GiB. */
    ck_assert_uint_eq(st.reserved_bytes, 0x9f000 + (0x3c3000 - 0x100000) + 0x400000);
    ck_assert_uint_eq(st.free_bytes, st.total_bytes);
    ck_assert_uint_eq(st.total_pages * PAGE, st.total_bytes);
    ck_assert_int_eq(pmm_check(), E_OK);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "pmm: "));

    /* 1 GiB blocks exist above 4 GiB; one goes to the bookkeeping. */
    ck_assert_uint_ge(st.free_blocks[PMM_MAX_ORDER], 4);
    uint64_t big = pmm_alloc(PMM_MAX_ORDER);
    ck_assert_uint_ge(big, 0x100000000);
    ck_assert_uint_eq(big % GIB, 0);
    ck_assert_int_eq(pmm_free(big, PMM_MAX_ORDER), E_OK);
    ram_unback();
}
END_TEST

START_TEST(q35_8g_every_frame_accounted)
{
    srand(7);
    check_exhaustively(q35_8g, N(q35_8g), q35_reserved, N(q35_reserved), true);
}
END_TEST

START_TEST(unsorted_overlapping_unaligned_maps)
{
    /* Hand-made: out of order, overlapping, unaligned, touching entries
     * that only cover a frame together, a reserved entry over usable RAM
     * (ignored: only reserved ranges hold memory back), and zero length. */
    static const struct mem_region m[] = {
        { 0x300000, 0x100000, U },
        { 0x1800,   0x2000,   U },   /* [0x1800, 0x3800) */
        { 0x3800,   0x1800,   U },   /* touches: frame 0x3000 is whole */
        { 0x380000, 0x100800, U },   /* overlaps the first */
        { 0x10000,  0x0,      U },
        { 0x500123, 0x20000,  U },   /* unaligned both ends */
        { 0x320000, 0x10000,  R },
        { 0x200000, 0x80000,  U },
        { 0x27f000, 0x2000,   U },   /* touches the one before */
        { 0x600000, 0x1fff,   U },   /* one byte short of two frames */
        { 0x701001, 0x2000,   U },   /* a byte's gap after the next one */
        { 0x700000, 0x1000,   U },
    };
    static const struct pmm_range res[] = {
        { 0x301000, 0x301001 },
        { 0x200fff, 0x201001 },      /* two frames */
    };
    check_exhaustively(m, N(m), res, N(res), false);

    ram_back_map(m, N(m));
    ck_assert_int_eq(pmm_init(m, N(m), res, N(res), fake_p2v), E_OK);
    struct pmm_stats st;
    pmm_stats(&st);
    /* [0x2000,0x5000) [0x200000,0x281000) [0x300000,0x480000)
     * [0x501000,0x520000) [0x600000,0x601000) [0x700000,0x701000)
     * [0x702000,0x703000) */
    ck_assert_uint_eq(st.span_count, 7);
    ck_assert_uint_eq(st.usable_bytes, 0x3000 + 0x81000 + 0x180000 + 0x1f000 + 3 * PAGE);
    ck_assert_uint_eq(st.reserved_bytes, 3 * PAGE);
    ram_unback();
}
END_TEST

START_TEST(random_maps_match_the_model)
{
    srand(12345);
    for (int round = 0; round < 150; round++) {
        struct mem_region m[12];
        struct pmm_range res[6];
        size_t n = 1 + (size_t)rand() % 12, nres = (size_t)rand() % 6;
        for (size_t i = 0; i < n; i++) {
            uint64_t base = (uint64_t)rand() % (4 * MIB);
            if (rand() % 2)
                base &= ~(PAGE - 1);
            m[i] = (struct mem_region){ base, (uint64_t)rand() % (1 * MIB),
                                        rand() % 4 ? U : R };
        }
        m[0] = (struct mem_region){ (uint64_t)rand() % MIB, 512 * KIB, U };
        for (size_t i = 0; i < nres; i++) {
            uint64_t start = (uint64_t)rand() % (5 * MIB);
            res[i] = (struct pmm_range){ start, start + (uint64_t)rand() % (256 * KIB) };
        }
        check_exhaustively(m, n, res, nres, true);
    }
}
END_TEST

START_TEST(reserved_ranges_and_frame_zero_never_returned)
{
    /* RAM from 0 with nothing reserved: frame 0 must still be kept. */
    static const struct mem_region m[] = { { 0, 8 * MIB, U } };
    static const struct pmm_range res[] = { { 0x10000, 0x20000 } };
    ram_back_map(m, 1);
    ck_assert_int_eq(pmm_init(m, 1, NULL, 0, fake_p2v), E_OK);
    struct pmm_stats st;
    pmm_stats(&st);
    ck_assert_uint_eq(st.reserved_bytes, PAGE);
    uint64_t p;
    while ((p = pmm_alloc(0)) != PMM_NONE)
        CHECK(p != 0, "frame 0 handed out");
    ck_assert_int_eq(pmm_free(0, 0), E_INVAL);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "free of 0 order 0 refused: reserved"));

    ck_assert_int_eq(pmm_init(m, 1, res, 1, fake_p2v), E_OK);
    for (unsigned order = 0; order <= 6; order++) {
        while ((p = pmm_alloc(order)) != PMM_NONE) {
            uint64_t end = p + (PAGE << order);
            CHECK(p != 0 && (end <= 0x10000 || p >= 0x20000),
                  "%#llx order %u is reserved", (unsigned long long)p, order);
        }
    }
    ram_unback();
}
END_TEST

START_TEST(high_memory_pages_are_real_and_untouched)
{
    /* Allocate everything, write each page's address all over it, check
     * every page afterwards: no two pages share memory, and the allocator
     * wrote nowhere but its bookkeeping. */
    ram_back(0, 64 * MIB);
    ram_back(4 * GIB, 64 * MIB);
    ck_assert_int_eq(pmm_init(small_high, N(small_high), small_reserved,
                              N(small_reserved), fake_p2v), E_OK);
    struct pmm_stats st;
    pmm_stats(&st);
    ck_assert_uint_ge(st.metadata_phys, 4 * GIB);
    size_t cap = st.total_pages, n = 0, high = 0;
    uint64_t *pages = malloc(cap * sizeof(uint64_t));
    uint64_t p;
    while ((p = pmm_alloc(0)) != PMM_NONE) {
        uint64_t *v = fake_p2v(p);
        for (size_t i = 0; i < PAGE / 8; i++)
            v[i] = p ^ i;
        pages[n++] = p;
        high += p >= 4 * GIB;
    }
    ck_assert_uint_eq(n, cap);
    ck_assert_uint_eq(high, (64 * MIB - st.metadata_bytes) / PAGE);
    ck_assert_int_eq(pmm_check(), E_OK);
    for (size_t k = 0; k < n; k++) {
        uint64_t *v = fake_p2v(pages[k]);
        for (size_t i = 0; i < PAGE / 8; i++)
            CHECK(v[i] == (pages[k] ^ i), "page %#llx overwritten",
                  (unsigned long long)pages[k]);
        CHECK(pmm_free(pages[k], 0) == E_OK, "free failed");
    }
    ck_assert_int_eq(pmm_check(), E_OK);
    free(pages);
    ram_unback();
}
END_TEST

START_TEST(exhaustion_then_full_recovery)
{
    ram_back_map(small_high, N(small_high));
    ck_assert_int_eq(pmm_init(small_high, N(small_high), small_reserved,
                              N(small_reserved), fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);

    /* Big blocks first, then smaller ones, until nothing is left. */
    struct { uint64_t phys; unsigned order; } *blocks =
        malloc(before.total_pages * sizeof(*blocks));
    size_t n = 0;
    uint64_t frames = 0;
    for (int order = 12; order >= 0; order--) {
        uint64_t p;
        while ((p = pmm_alloc((unsigned)order)) != PMM_NONE) {
            CHECK(p % (PAGE << order) == 0, "misaligned");
            blocks[n].phys = p;
            blocks[n++].order = (unsigned)order;
            frames += 1ull << order;
        }
    }
    ck_assert_uint_eq(frames, before.free_pages);
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_bytes, 0);
    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
        ck_assert_uint_eq(st.free_blocks[k], 0);
    ck_assert_uint_eq(pmm_alloc(0), PMM_NONE);
    ck_assert_uint_eq(pmm_alloc_pages(1), PMM_NONE);
    pmm_stats(&st);
    ck_assert_uint_eq(st.failed_allocs, 13 + 2);

    for (size_t i = 0; i < n; i++)
        CHECK(pmm_free(blocks[i].phys, blocks[i].order) == E_OK, "free failed");
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_bytes, before.free_bytes);
    ck_assert(memcmp(st.free_blocks, before.free_blocks, sizeof(st.free_blocks)) == 0);
    ck_assert_int_eq(pmm_check(), E_OK);
    free(blocks);
    ram_unback();
}
END_TEST

START_TEST(blocks_and_runs_are_contiguous_and_aligned)
{
    ram_back_map(small_high, N(small_high));
    ck_assert_int_eq(pmm_init(small_high, N(small_high), small_reserved,
                              N(small_reserved), fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);
    struct shadow sh;
    shadow_init(&sh, 4 * GIB + 64 * MIB);

    uint64_t got[11];
    for (unsigned order = 0; order <= 10; order++) {
        got[order] = pmm_alloc(order);
        ck_assert_uint_ne(got[order], PMM_NONE);
        ck_assert_uint_eq(got[order] % (PAGE << order), 0);
        shadow_take(&sh, got[order], 1ull << order);
    }
    /* Runs of any length: aligned to the rounded-up size, exactly `count`
     * frames taken from the free total. */
    uint64_t run[120];
    for (size_t count = 1; count < 120; count++) {
        pmm_stats(&st);
        run[count] = pmm_alloc_pages(count);
        ck_assert_uint_ne(run[count], PMM_NONE);
        size_t rounded = 1;
        while (rounded < count)
            rounded *= 2;
        ck_assert_uint_eq(run[count] % (PAGE * rounded), 0);
        shadow_take(&sh, run[count], count);
        uint64_t free_before = st.free_pages;
        pmm_stats(&st);
        ck_assert_uint_eq(free_before - st.free_pages, count);
    }
    ck_assert_int_eq(pmm_check(), E_OK);
    for (size_t count = 1; count < 120; count++)
        ck_assert_int_eq(pmm_free_pages(run[count], count), E_OK);
    for (unsigned order = 0; order <= 10; order++)
        ck_assert_int_eq(pmm_free(got[order], order), E_OK);
    pmm_stats(&st);
    ck_assert(memcmp(st.free_blocks, before.free_blocks, sizeof(st.free_blocks)) == 0);

    /* A power-of-two run is an ordinary block. */
    uint64_t p = pmm_alloc_pages(16);
    ck_assert_int_eq(pmm_free(p, 4), E_OK);
    p = pmm_alloc(4);
    ck_assert_int_eq(pmm_free_pages(p, 16), E_OK);
    ck_assert_uint_eq(pmm_alloc_pages(0), PMM_NONE);
    ck_assert_uint_eq(pmm_alloc_pages(((size_t)1 << PMM_MAX_ORDER) + 1), PMM_NONE);
    ck_assert_uint_eq(pmm_alloc(PMM_MAX_ORDER + 1), PMM_NONE);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "alloc of order 19 refused"));
    free(sh.bits);
    ram_unback();
}
END_TEST

START_TEST(freeing_everything_coalesces_to_max_order)
{
    /* 3 GiB from 1 GiB: three 1 GiB blocks, the top one shared with the
     * bookkeeping.  Only the bookkeeping is ever touched. */
    static const struct mem_region m[] = { { 1 * GIB, 3 * GIB, U } };
    ram_back(1 * GIB, 3 * GIB);
    ck_assert_int_eq(pmm_init(m, 1, NULL, 0, fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);
    ck_assert_uint_eq(before.free_blocks[PMM_MAX_ORDER], 2);

    uint64_t n = before.total_pages;
    uint64_t *pages = malloc(n * sizeof(uint64_t));
    for (uint64_t i = 0; i < n; i++) {
        pages[i] = pmm_alloc(0);
        CHECK(pages[i] != PMM_NONE, "ran out after %llu pages", (unsigned long long)i);
    }
    ck_assert_uint_eq(pmm_alloc(0), PMM_NONE);
    srand(99);
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = (uint64_t)rand() % i, t = pages[i - 1];
        pages[i - 1] = pages[j];
        pages[j] = t;
    }
    for (uint64_t i = 0; i < n; i++)
        CHECK(pmm_free(pages[i], 0) == E_OK, "free failed");
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_blocks[PMM_MAX_ORDER], 2);
    ck_assert(memcmp(st.free_blocks, before.free_blocks, sizeof(st.free_blocks)) == 0);
    uint64_t a = pmm_alloc(PMM_MAX_ORDER), b = pmm_alloc(PMM_MAX_ORDER);
    ck_assert(a == 1 * GIB || a == 2 * GIB);
    ck_assert(b == 1 * GIB || b == 2 * GIB);
    ck_assert_uint_ne(a, b);
    ck_assert_uint_eq(pmm_alloc(PMM_MAX_ORDER), PMM_NONE);
    ck_assert_int_eq(pmm_check(), E_OK);
    free(pages);
    ram_unback();
}
END_TEST

/* Expects `call` to be refused with `err` and the log to say `msg`, with
 * the allocator unchanged. */
#define EXPECT_REFUSED(call, err, msg)                                          \
    do {                                                                        \
        struct pmm_stats b_, a_;                                                \
        pmm_stats(&b_);                                                         \
        host_log_clear();                                                       \
        ck_assert_int_eq((call), (err));                                        \
        ck_assert_msg(strstr(host_log_text(), (msg)) != NULL,                   \
                      "log lacks '%s':\n%s", (msg), host_log_text());           \
        ck_assert_ptr_nonnull(strstr(host_log_text(), "error: "));              \
        pmm_stats(&a_);                                                         \
        ck_assert_uint_eq(a_.free_bytes, b_.free_bytes);                        \
        ck_assert(memcmp(a_.free_blocks, b_.free_blocks,                        \
                         sizeof(a_.free_blocks)) == 0);                         \
        ck_assert_uint_eq(a_.refused_frees, b_.refused_frees + 1);              \
        ck_assert_int_eq(pmm_check(), E_OK);                                    \
    } while (0)

START_TEST(bad_frees_are_refused_and_logged)
{
    ram_back_map(small_high, N(small_high));
    ck_assert_int_eq(pmm_init(small_high, N(small_high), small_reserved,
                              N(small_reserved), fake_p2v), E_OK);
    uint64_t a = pmm_alloc(0), b = pmm_alloc(3), c = pmm_alloc(0);
    ck_assert_int_eq(pmm_free(c, 0), E_OK);
    char msg[128];

    snprintf(msg, sizeof(msg), "free of %#llx order 0 refused: double free",
             (unsigned long long)c);
    EXPECT_REFUSED(pmm_free(c, 0), E_INVAL, msg);

    snprintf(msg, sizeof(msg), "free of %#llx order 2 refused: allocated with order 3",
             (unsigned long long)b);
    EXPECT_REFUSED(pmm_free(b, 2), E_INVAL, msg);
    snprintf(msg, sizeof(msg), "free of %#llx order 0 refused: not the start",
             (unsigned long long)(b + PAGE));
    EXPECT_REFUSED(pmm_free(b + PAGE, 0), E_INVAL, msg);
    snprintf(msg, sizeof(msg), "free of %#llx order 1 refused: not aligned to the order",
             (unsigned long long)(b + PAGE));
    EXPECT_REFUSED(pmm_free(b + PAGE, 1), E_INVAL, msg);
    snprintf(msg, sizeof(msg), "free of %#llx order 0 refused: not page aligned",
             (unsigned long long)(a + 8));
    EXPECT_REFUSED(pmm_free(a + 8, 0), E_INVAL, msg);
    EXPECT_REFUSED(pmm_free(0x7000000000, 0), E_RANGE,
                   "free of 0x7000000000 order 0 refused: not in managed memory");
    EXPECT_REFUSED(pmm_free(0x80000000, 0), E_RANGE, "not in managed memory");
    EXPECT_REFUSED(pmm_free(0x150000, 0), E_INVAL,
                   "free of 0x150000 order 0 refused: reserved");
    EXPECT_REFUSED(pmm_free(a, 25), E_INVAL, "order 25 refused: order above the maximum");
    EXPECT_REFUSED(pmm_free_pages(b, 7), E_INVAL, "order 2 refused: not a run of that length");
    EXPECT_REFUSED(pmm_free_pages(b, 0), E_INVAL, "free of 0 pages");
    EXPECT_REFUSED(pmm_free_pages(b + PAGE, 2), E_INVAL, "not aligned to the order");
    /* A never-allocated frame inside a free block, and a free block's head. */
    struct pmm_stats st;
    pmm_stats(&st);
    uint64_t free_head = pmm_alloc(5);
    ck_assert_int_eq(pmm_free(free_head, 5), E_OK);
    EXPECT_REFUSED(pmm_free(free_head + 3 * PAGE, 0), E_INVAL, "not the start");

    /* The good frees still work afterwards. */
    ck_assert_int_eq(pmm_free(a, 0), E_OK);
    ck_assert_int_eq(pmm_free(b, 3), E_OK);
    ck_assert_int_eq(pmm_check(), E_OK);
    ram_unback();
}
END_TEST

START_TEST(runs_give_back_their_excess)
{
    ram_back_map(small_high, N(small_high));
    ck_assert_int_eq(pmm_init(small_high, N(small_high), small_reserved,
                              N(small_reserved), fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);
    uint64_t p = pmm_alloc_pages(5);
    ck_assert_uint_eq(p % (8 * PAGE), 0);
    pmm_stats(&st);
    ck_assert_uint_eq(before.free_pages - st.free_pages, 5);
    /* Part of a run cannot be freed on its own, nor with another count. */
    char msg[128];
    snprintf(msg, sizeof(msg), "free of %#llx order 2 refused: part of a longer run",
             (unsigned long long)p);
    EXPECT_REFUSED(pmm_free(p, 2), E_INVAL, msg);
    EXPECT_REFUSED(pmm_free(p, 3), E_INVAL, "part of a longer run");
    EXPECT_REFUSED(pmm_free(p + 4 * PAGE, 0), E_INVAL, "part of a longer run");
    EXPECT_REFUSED(pmm_free_pages(p, 4), E_INVAL, "part of a longer run");
    EXPECT_REFUSED(pmm_free_pages(p, 6), E_INVAL, "allocated with order 0");
    EXPECT_REFUSED(pmm_free_pages(p, 7), E_INVAL, "allocated with order 0");
    EXPECT_REFUSED(pmm_free_pages(p, 8), E_INVAL, "part of a longer run");
    EXPECT_REFUSED(pmm_free_pages(p + 4 * PAGE, 1), E_INVAL, "part of a longer run");

    /* A run of 7 is not freed as 6 (which would strand its last page), nor
     * is a run faked from separate blocks. */
    uint64_t q = pmm_alloc_pages(7);
    EXPECT_REFUSED(pmm_free_pages(q, 6), E_INVAL, "the run is longer than 6 pages");
    EXPECT_REFUSED(pmm_free_pages(q, 5), E_INVAL, "allocated with order 1");
    ck_assert_int_eq(pmm_free_pages(q, 7), E_OK);
    ck_assert_int_eq(pmm_free_pages(p, 5), E_OK);
    EXPECT_REFUSED(pmm_free_pages(p, 5), E_INVAL, "double free");
    pmm_stats(&st);
    ck_assert(memcmp(st.free_blocks, before.free_blocks, sizeof(st.free_blocks)) == 0);

    /* Separate blocks of 4 and 1 pages where a run of 5 would be: with
     * everything else taken, 8 freed frames at 1 MiB are all there is. */
    static const struct mem_region tiny[] = { { 0x100000, 0x10000, U } };
    ck_assert_int_eq(pmm_init(tiny, 1, NULL, 0, fake_p2v), E_OK);
    while (pmm_alloc(0) != PMM_NONE)
        ;
    for (uint64_t f = 0; f < 8; f++)
        ck_assert_int_eq(pmm_free(0x100000 + f * PAGE, 0), E_OK);
    ck_assert_uint_eq(pmm_alloc(2), 0x100000);
    ck_assert_uint_eq(pmm_alloc(0), 0x104000);
    EXPECT_REFUSED(pmm_free_pages(0x100000, 5), E_INVAL, "not a run of that length");
    ck_assert_int_eq(pmm_free(0x100000, 2), E_OK);
    ck_assert_int_eq(pmm_free(0x104000, 0), E_OK);
    ram_unback();
}
END_TEST

START_TEST(random_stress_against_shadow)
{
    ram_back_map(small_high, N(small_high));
    ck_assert_int_eq(pmm_init(small_high, N(small_high), small_reserved,
                              N(small_reserved), fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);
    struct shadow sh;
    shadow_init(&sh, 4 * GIB + 64 * MIB);

    enum { MAX_LIVE = 4096 };
    struct { uint64_t phys; size_t count; bool run; } live[MAX_LIVE];
    size_t n = 0;
    uint64_t held = 0;
    srand(2024);
    for (int op = 0; op < 100000; op++) {
        if (n < MAX_LIVE && (n == 0 || rand() % 100 < 55)) {
            bool run = rand() % 3 == 0;
            size_t count = run ? 1 + (size_t)rand() % 40 : (size_t)1 << (rand() % 7);
            uint64_t p = run ? pmm_alloc_pages(count) : pmm_alloc((unsigned)__builtin_ctzll(count));
            size_t rounded = 1;
            while (rounded < count)
                rounded *= 2;
            if (p == PMM_NONE) {
                /* only when no block is big enough */
                pmm_stats(&st);
                for (unsigned k = (unsigned)__builtin_ctzll(rounded); k <= PMM_MAX_ORDER; k++)
                    ck_assert_uint_eq(st.free_blocks[k], 0);
                continue;
            }
            CHECK(p % (PAGE * rounded) == 0, "misaligned run");
            shadow_take(&sh, p, count);
            uint64_t *v = fake_p2v(p);
            v[0] = p ^ 0x5a5a;
            live[n].phys = p;
            live[n].count = count;
            live[n++].run = run;
            held += count;
        } else {
            size_t i = (size_t)rand() % n;
            uint64_t *v = fake_p2v(live[i].phys);
            CHECK(v[0] == (live[i].phys ^ 0x5a5a), "block overwritten");
            shadow_give(&sh, live[i].phys, live[i].count);
            int err = live[i].run ? pmm_free_pages(live[i].phys, live[i].count)
                                  : pmm_free(live[i].phys,
                                             (unsigned)__builtin_ctzll(live[i].count));
            CHECK(err == E_OK, "free failed");
            held -= live[i].count;
            live[i] = live[--n];
        }
        if (op % 10000 == 0) {
            ck_assert_int_eq(pmm_check(), E_OK);
            pmm_stats(&st);
            ck_assert_uint_eq(st.free_pages + held, before.free_pages);
        }
    }
    while (n) {
        n--;
        int err = live[n].run ? pmm_free_pages(live[n].phys, live[n].count)
                              : pmm_free(live[n].phys, (unsigned)__builtin_ctzll(live[n].count));
        ck_assert_int_eq(err, E_OK);
    }
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_bytes, before.free_bytes);
    ck_assert(memcmp(st.free_blocks, before.free_blocks, sizeof(st.free_blocks)) == 0);
    ck_assert_uint_eq(st.refused_frees, 0);
    ck_assert_int_eq(pmm_check(), E_OK);
    free(sh.bits);
    ram_unback();
}
END_TEST

START_TEST(init_rejects_bad_input)
{
    static const struct mem_region none[] = { { 0x100000, 0x100000, R } };
    static const struct mem_region tiny[] = { { 0x100000, 0x3000, U } };
    static const struct pmm_range all[] = { { 0, 0x200000 } };
    ram_back(0, 4 * MIB);
    host_log_clear();
    ck_assert_int_eq(pmm_init(small_high, N(small_high), NULL, 0, NULL), E_INVAL);
    ck_assert_int_eq(pmm_init(NULL, 3, NULL, 0, fake_p2v), E_INVAL);
    ck_assert_int_eq(pmm_init(small_high, 1, NULL, 2, fake_p2v), E_INVAL);
    ck_assert_int_eq(pmm_init(NULL, 0, NULL, 0, fake_p2v), E_NOMEM);
    ck_assert_int_eq(pmm_init(none, 1, NULL, 0, fake_p2v), E_NOMEM);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "no usable memory"));
    ck_assert_int_eq(pmm_init(tiny, 1, all, 1, fake_p2v), E_NOMEM);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "no free stretch"));
    ck_assert_int_eq(pmm_init(tiny, 1, NULL, 0, null_p2v), E_NOMEM);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "cannot be reached"));

    /* After a failed init nothing is handed out or taken back. */
    ck_assert_uint_eq(pmm_alloc(0), PMM_NONE);
    ck_assert_int_eq(pmm_free(0x101000, 0), E_INVAL);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "not initialised"));
    struct pmm_stats st;
    pmm_stats(&st);
    ck_assert_uint_eq(st.total_bytes, 0);

    /* Three frames: one for 27 bytes of bookkeeping, two to hand out. */
    ck_assert_int_eq(pmm_init(tiny, 1, NULL, 0, fake_p2v), E_OK);
    pmm_stats(&st);
    ck_assert_uint_eq(st.total_pages, 2);
    ck_assert_uint_eq(st.metadata_bytes, PAGE);
    ram_unback();
}
END_TEST

START_TEST(fragmented_map_keeps_the_biggest_spans)
{
    /* 300 separate 64 KiB regions and one big one: the table keeps 128,
     * dropping the smallest, and says so. */
    static struct mem_region m[301];
    for (size_t i = 0; i < 300; i++)
        m[i] = (struct mem_region){ 0x100000 + i * 0x20000, 0x10000, U };
    m[300] = (struct mem_region){ 0x4000000, 0x1000000, U };
    ram_back(0, 0x5000000);
    host_log_clear();
    ck_assert_int_eq(pmm_init(m, 301, NULL, 0, fake_p2v), E_OK);
    struct pmm_stats st;
    pmm_stats(&st);
    ck_assert_uint_eq(st.span_count, PMM_MAX_SPANS);
    ck_assert_uint_eq(st.usable_bytes, 0x1000000 + 127 * 0x10000);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "too fragmented"));
    ck_assert_int_eq(pmm_check(), E_OK);
    ram_unback();
}
END_TEST

START_TEST(sixty_four_gib_above_4g)
{
    /* 2 GiB low and 64 GiB high: 16.5 M frames, 148 MiB of bookkeeping of
     * which only what init writes is touched. */
    static const struct mem_region m[] = {
        { 0x100000,    0x7ff00000, U },
        { 0x100000000, 64 * GIB,   U },
    };
    ram_back(0, 4 * GIB + 64 * GIB);
    ck_assert_int_eq(pmm_init(m, N(m), small_reserved, N(small_reserved), fake_p2v), E_OK);
    struct pmm_stats st;
    pmm_stats(&st);
    ck_assert_uint_eq(st.usable_bytes, 0x7ff00000 + 64 * GIB);
    ck_assert_uint_ge(st.metadata_phys, 4 * GIB);
    ck_assert_uint_eq(st.free_blocks[PMM_MAX_ORDER], 63 + 1);
    uint64_t p[70];
    for (int i = 0; i < 64; i++) {
        p[i] = pmm_alloc(PMM_MAX_ORDER);
        ck_assert_uint_ne(p[i], PMM_NONE);
    }
    ck_assert_uint_eq(pmm_alloc(PMM_MAX_ORDER), PMM_NONE);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(pmm_free(p[i], PMM_MAX_ORDER), E_OK);
    ck_assert_int_eq(pmm_check(), E_OK);
    ram_unback();
}
END_TEST

/* Threads allocate and free at random; a shared byte per frame, claimed
 * with an atomic exchange, catches a frame handed to two owners. */
static uint8_t *owners;
static int thread_errors;

static void *stress_thread(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    uint64_t live[256];
    unsigned orders[256];
    size_t n = 0;
    for (int op = 0; op < 20000; op++) {
        if (n < 256 && (n == 0 || rand_r(&seed) % 2)) {
            unsigned order = (unsigned)(rand_r(&seed) % 4);
            uint64_t p = pmm_alloc(order);
            if (p == PMM_NONE)
                continue;
            for (uint64_t f = p / PAGE; f < p / PAGE + (1u << order); f++)
                if (__atomic_exchange_n(&owners[f], 1, __ATOMIC_SEQ_CST))
                    __atomic_add_fetch(&thread_errors, 1, __ATOMIC_SEQ_CST);
            live[n] = p;
            orders[n++] = order;
        } else {
            size_t i = (size_t)rand_r(&seed) % n;
            for (uint64_t f = live[i] / PAGE; f < live[i] / PAGE + (1u << orders[i]); f++)
                __atomic_store_n(&owners[f], 0, __ATOMIC_SEQ_CST);
            if (pmm_free(live[i], orders[i]) != E_OK)
                __atomic_add_fetch(&thread_errors, 1, __ATOMIC_SEQ_CST);
            live[i] = live[--n];
            orders[i] = orders[n];
        }
    }
    while (n--) {
        for (uint64_t f = live[n] / PAGE; f < live[n] / PAGE + (1u << orders[n]); f++)
            __atomic_store_n(&owners[f], 0, __ATOMIC_SEQ_CST);
        if (pmm_free(live[n], orders[n]) != E_OK)
            __atomic_add_fetch(&thread_errors, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

START_TEST(concurrent_alloc_and_free)
{
    static const struct mem_region m[] = { { 0x100000, 16 * MIB, U } };
    ram_back(0, 17 * MIB);
    ck_assert_int_eq(pmm_init(m, 1, NULL, 0, fake_p2v), E_OK);
    struct pmm_stats before, st;
    pmm_stats(&before);
    owners = calloc(17 * MIB / PAGE, 1);
    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, stress_thread, (void *)(i + 1)), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(thread_errors, 0);
    pmm_stats(&st);
    ck_assert_uint_eq(st.free_bytes, before.free_bytes);
    ck_assert_int_eq(pmm_check(), E_OK);
    free(owners);
    ram_unback();
}
END_TEST

Suite *suite_pmm(void)
{
    Suite *s = suite_create("pmm");
    TCase *tc = tcase_create("buddy");
    tcase_add_test(tc, q35_8g_with_holes_and_high_memory);
    tcase_add_test(tc, q35_8g_every_frame_accounted);
    tcase_add_test(tc, unsorted_overlapping_unaligned_maps);
    tcase_add_test(tc, random_maps_match_the_model);
    tcase_add_test(tc, reserved_ranges_and_frame_zero_never_returned);
    tcase_add_test(tc, high_memory_pages_are_real_and_untouched);
    tcase_add_test(tc, exhaustion_then_full_recovery);
    tcase_add_test(tc, blocks_and_runs_are_contiguous_and_aligned);
    tcase_add_test(tc, freeing_everything_coalesces_to_max_order);
    tcase_add_test(tc, bad_frees_are_refused_and_logged);
    tcase_add_test(tc, runs_give_back_their_excess);
    tcase_add_test(tc, random_stress_against_shadow);
    tcase_add_test(tc, init_rejects_bad_input);
    tcase_add_test(tc, fragmented_map_keeps_the_biggest_spans);
    tcase_add_test(tc, sixty_four_gib_above_4g);
    tcase_add_test(tc, concurrent_alloc_and_free);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
