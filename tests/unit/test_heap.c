/* Unit tests of the kernel heap (kernel/mm/heap.c): every kmalloc size
 * class, alignment, whole-page allocations, kzalloc, the frees that must
 * be refused (double, foreign, interior, wrong cache), cache destruction,
 * a failing or misbehaving page provider, slabs going back when empty,
 * writes after free, and random and concurrent stress with content
 * patterns.
 *
 * The page provider is aligned_alloc, with a ledger of what the heap holds
 * so every page given back is checked against what was handed out, and a
 * switch that makes it fail. */
#include "unit.h"
#include <kernel/error.h>
#include <kernel/heap.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

/* For hot loops: ck_assert records every passing check, which is slow. */
#define CHECK(cond, ...)                  \
    do {                                  \
        if (!(cond))                      \
            ck_abort_msg(__VA_ARGS__);    \
    } while (0)

/* ---- the page provider ----------------------------------------------------- */

struct chunk {
    void *va;
    size_t count;
    bool placed;
};
static struct chunk *ledger;
static size_t ledger_len, ledger_cap;
static size_t pages_out;
static long fail_after = -1;  /* calls that still succeed; -1: all do */
static bool misalign;         /* hand out pages 8 bytes off */
static int provider_errors;   /* frees the ledger does not match */
static uint8_t *place_next;   /* where the next allocation goes, if set */

static void *test_alloc_pages(size_t count)
{
    if (fail_after == 0 || count > (1u << 20)) /* nothing above 4 GiB */
        return NULL;
    if (fail_after > 0)
        fail_after--;
    bool placed = place_next != NULL;
    uint8_t *p = placed ? place_next : aligned_alloc(PAGE, (count + misalign) * PAGE);
    place_next = NULL;
    if (!p)
        return NULL;
    p += misalign ? 8 : 0;
    if (ledger_len == ledger_cap) {
        ledger_cap = ledger_cap ? ledger_cap * 2 : 256;
        ledger = realloc(ledger, ledger_cap * sizeof(*ledger));
    }
    ledger[ledger_len++] = (struct chunk){ p, count, placed };
    pages_out += count;
    return p;
}

static void test_free_pages(void *va, size_t count)
{
    for (size_t i = 0; i < ledger_len; i++) {
        if (ledger[i].va == va) {
            if (ledger[i].count != count)
                provider_errors++;
            bool placed = ledger[i].placed;
            pages_out -= ledger[i].count;
            ledger[i] = ledger[--ledger_len];
            uint8_t *base = (uint8_t *)va - ((uintptr_t)va % PAGE);
            memset(va, 0xdd, count * PAGE - (size_t)((uint8_t *)va - base));
            if (!placed)
                free(base);
            return;
        }
    }
    provider_errors++;
}

static const struct heap_page_ops test_ops = { test_alloc_pages, test_free_pages };

/* A fresh heap; whatever an earlier heap held is forgotten and freed. */
static void setup(void)
{
    for (size_t i = 0; i < ledger_len; i++)
        if (!ledger[i].placed)
            free((uint8_t *)ledger[i].va - ((uintptr_t)ledger[i].va % PAGE));
    ledger_len = 0;
    pages_out = 0;
    place_next = NULL;
    fail_after = -1;
    misalign = false;
    provider_errors = 0;
    ck_assert_int_eq(heap_init(&test_ops), E_OK);
    host_log_clear();
}

static struct kmem_cache_stats cache_stats(const struct kmem_cache *c)
{
    struct kmem_cache_stats st;
    ck_assert_int_eq(kmem_cache_stats(c, &st), E_OK);
    return st;
}

static struct heap_stats stats(void)
{
    struct heap_stats st;
    heap_stats(&st);
    return st;
}

static bool log_has(const char *s)
{
    return strstr(host_log_text(), s) != NULL;
}

/* ---- tests ----------------------------------------------------------------- */

START_TEST(every_size_class)
{
    setup();
    for (size_t size = 1; size <= KMALLOC_MAX_SMALL; size++) {
        size_t cls = KMALLOC_MIN_SIZE;
        while (cls < size)
            cls *= 2;
        struct kmem_cache *c = kmalloc_cache(size);
        ck_assert_ptr_nonnull(c);
        struct kmem_cache_stats before = cache_stats(c);
        ck_assert_uint_eq(before.object_size, cls);
        uint8_t *p = kmalloc(size);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % cls, 0); /* aligned to its class */
        memset(p, 0xa5, size);
        ck_assert_uint_eq(cache_stats(c).in_use, before.in_use + 1);
        kfree(p);
        ck_assert_uint_eq(cache_stats(c).in_use, before.in_use);
    }
    ck_assert_ptr_null(kmalloc_cache(KMALLOC_MAX_SMALL + 1));
    ck_assert_ptr_eq(kmalloc_cache(0), kmalloc_cache(16));
    void *z = kmalloc(0);
    ck_assert_ptr_nonnull(z);
    kfree(z);
    ck_assert_str_eq(cache_stats(kmalloc_cache(2048)).name, "kmalloc-2048");
    ck_assert_uint_eq(stats().bad_frees, 0);
    ck_assert_uint_eq(stats().caches, 9); /* eight classes and the cache of caches */
    ck_assert_int_eq(provider_errors, 0);
    ck_assert_str_eq(host_log_text(), "");
}
END_TEST

START_TEST(slabs_are_sized_for_their_objects)
{
    setup();
    for (size_t cls = KMALLOC_MIN_SIZE; cls <= KMALLOC_MAX_SMALL; cls *= 2) {
        struct kmem_cache_stats st = cache_stats(kmalloc_cache(cls));
        ck_assert_uint_ge(st.objects_per_slab, 8);
        /* at most an eighth of a slab lost to the header and the rest */
        size_t bytes = st.slab_pages * PAGE;
        ck_assert_uint_le(bytes - st.objects_per_slab * st.stride, bytes / 8);
    }
    /* the largest objects still fit */
    struct kmem_cache *c = kmem_cache_create("big", KMEM_MAX_SIZE, HEAP_PAGE_SIZE);
    ck_assert_ptr_nonnull(c);
    void *p = kmem_cache_alloc(c);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % HEAP_PAGE_SIZE, 0);
    memset(p, 1, KMEM_MAX_SIZE);
    kmem_cache_free(c, p);
    ck_assert_int_eq(kmem_cache_destroy(c), E_OK);
}
END_TEST

START_TEST(cache_alignment_is_honoured)
{
    setup();
    static const size_t aligns[] = { 0, 1, 8, 16, 64, 128, 512, 4096 };
    size_t base = 0;
    for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
        struct kmem_cache *c = kmem_cache_create("aligned", 40, aligns[a]);
        ck_assert_ptr_nonnull(c);
        if (a == 0)
            base = stats().slab_pages;
        size_t want = aligns[a] < 8 ? 8 : aligns[a];
        void *objs[100];
        for (int i = 0; i < 100; i++) {
            objs[i] = kmem_cache_alloc(c);
            ck_assert_ptr_nonnull(objs[i]);
            ck_assert_uint_eq((uintptr_t)objs[i] % want, 0);
            memset(objs[i], i, 40);
        }
        for (int i = 0; i < 100; i++) {
            ck_assert_uint_eq(((uint8_t *)objs[i])[39], i);
            kmem_cache_free(c, objs[i]);
        }
        ck_assert_int_eq(kmem_cache_destroy(c), E_OK);
    }
    /* only the cache of caches' slab is left */
    ck_assert_uint_eq(stats().slab_pages, base);
}
END_TEST

START_TEST(large_allocations_take_whole_pages)
{
    setup();
    static const size_t sizes[] = { 2049, 4095, 4096, 4097, 65536, 1 << 20, 3 << 20 };
    void *p[7];
    size_t pages = 0;
    for (int i = 0; i < 7; i++) {
        p[i] = kmalloc(sizes[i]);
        ck_assert_ptr_nonnull(p[i]);
        ck_assert_uint_eq((uintptr_t)p[i] % PAGE, 0);
        memset(p[i], i, sizes[i]);
        pages += (sizes[i] + PAGE - 1) / PAGE;
    }
    struct heap_stats st = stats();
    ck_assert_uint_eq(st.large_allocs, 7);
    ck_assert_uint_eq(st.large_pages, pages);
    ck_assert_uint_eq(pages_out, st.pages);
    for (int i = 0; i < 7; i++) {
        ck_assert_uint_eq(((uint8_t *)p[i])[sizes[i] - 1], i);
        kfree(p[i]);
    }
    st = stats();
    ck_assert_uint_eq(st.large_allocs, 0);
    ck_assert_uint_eq(st.large_pages, 0);
    ck_assert_uint_eq(pages_out, st.index_pages);
    ck_assert_int_eq(provider_errors, 0);
    /* sizes no provider can meet */
    ck_assert_ptr_null(kmalloc(SIZE_MAX));
    ck_assert_ptr_null(kmalloc(SIZE_MAX - PAGE));
    ck_assert_uint_eq(stats().failed_allocs, 2);
}
END_TEST

START_TEST(kzalloc_zeroes)
{
    setup();
    static const size_t sizes[] = { 1, 16, 100, 2048, 5000 };
    for (int i = 0; i < 5; i++) {
        uint8_t *p = kmalloc(sizes[i]);
        memset(p, 0xff, sizes[i]);
        kfree(p);
        uint8_t *q = kzalloc(sizes[i]);
        ck_assert_ptr_nonnull(q);
        if (sizes[i] <= KMALLOC_MAX_SMALL)
            ck_assert_ptr_eq(q, p); /* the same object, so it was dirty */
        for (size_t b = 0; b < sizes[i]; b++)
            CHECK(q[b] == 0, "byte %zu of %zu not zero", b, sizes[i]);
        kfree(q);
    }
    ck_assert_str_eq(host_log_text(), "");
}
END_TEST

START_TEST(kfree_null_is_a_no_op)
{
    setup();
    struct kmem_cache *c = kmem_cache_create("c", 32, 0);
    struct heap_stats before = stats();
    kfree(NULL);
    kmem_cache_free(c, NULL);
    struct heap_stats after = stats();
    ck_assert(memcmp(&before, &after, sizeof(before)) == 0);
    ck_assert_str_eq(host_log_text(), "");
}
END_TEST

START_TEST(double_free_is_detected)
{
    setup();
    char msg[160];
    uint8_t *p = kmalloc(32), *q = kmalloc(32);
    kfree(p);
    struct kmem_cache_stats before = cache_stats(kmalloc_cache(32));
    kfree(p);
    snprintf(msg, sizeof(msg),
             "error: heap: kfree(%p): double free (object of cache 'kmalloc-32' is free)",
             (void *)p);
    ck_assert_msg(log_has(msg), "log: %s", host_log_text());
    struct kmem_cache_stats after = cache_stats(kmalloc_cache(32));
    ck_assert_uint_eq(after.in_use, before.in_use);
    ck_assert_uint_eq(after.frees, before.frees);
    ck_assert_uint_eq(stats().bad_frees, 1);
    /* the heap still works: two new objects, both distinct from q */
    uint8_t *a = kmalloc(32), *b = kmalloc(32);
    ck_assert(a != b && a != q && b != q);
    kfree(a);
    kfree(b);
    kfree(q);

    /* whole pages, and cache objects */
    void *big = kmalloc(10000);
    kfree(big);
    host_log_clear();
    kfree(big);
    ck_assert(log_has("not allocated by the heap, or already freed"));
    struct kmem_cache *c = kmem_cache_create("thing", 50, 0);
    void *t = kmem_cache_alloc(c);
    kmem_cache_free(c, t);
    host_log_clear();
    kmem_cache_free(c, t);
    ck_assert(log_has("kmem_cache_free("));
    ck_assert(log_has("double free (object of cache 'thing' is free)"));
    ck_assert_uint_eq(cache_stats(c).in_use, 0);
    ck_assert_uint_eq(stats().bad_frees, 3);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(foreign_and_interior_pointers_are_refused)
{
    setup();
    int on_stack;
    static int in_data;
    void *from_libc = malloc(64);
    uint8_t *p = kmalloc(64);
    uint8_t *big = kmalloc(3 * PAGE);
    struct kmem_cache *c = kmem_cache_create("thing", 50, 0);
    struct kmem_cache *other = kmem_cache_create("other", 50, 0);
    void *t = kmem_cache_alloc(c);
    struct kmem_cache_stats before = cache_stats(kmalloc_cache(64));
    struct heap_stats hbefore = stats();
    char msg[160];

    kfree(&on_stack);
    kfree(&in_data);
    kfree(from_libc);
    snprintf(msg, sizeof(msg), "kfree(%p): not allocated by the heap", (void *)&on_stack);
    ck_assert_msg(log_has(msg), "log: %s", host_log_text());
    kfree(p + 1);
    snprintf(msg, sizeof(msg), "kfree(%p): not the start of an object of cache 'kmalloc-64'",
             (void *)(p + 1));
    ck_assert_msg(log_has(msg), "log: %s", host_log_text());
    kfree(big + 8);
    ck_assert(log_has("not the start of an allocation"));
    kfree(big + PAGE);
    kfree(t);
    ck_assert(log_has("object of cache 'thing'; use kmem_cache_free"));
    kmem_cache_free(other, t);
    ck_assert(log_has("object of cache 'thing', not of"));
    kmem_cache_free(c, p);
    ck_assert(log_has("object of cache 'kmalloc-64', not of"));
    kmem_cache_free(c, &on_stack);
    ck_assert(log_has("not allocated by the heap's caches"));
    kmem_cache_free(c, big);
    ck_assert(log_has("not allocated by the heap's caches"));
    ck_assert_uint_eq(stats().bad_frees, hbefore.bad_frees + 11);

    /* nothing changed */
    ck_assert_uint_eq(cache_stats(kmalloc_cache(64)).in_use, before.in_use);
    ck_assert_uint_eq(cache_stats(c).in_use, 1);
    ck_assert_uint_eq(stats().large_allocs, 1);
    kfree(p);
    kfree(big);
    kmem_cache_free(c, t);
    free(from_libc);
    ck_assert_uint_eq(stats().large_allocs, 0);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(cache_destroy_refused_while_in_use)
{
    setup();
    struct kmem_cache *c = kmem_cache_create("session", 200, 0);
    ck_assert_ptr_nonnull(c);
    size_t base = stats().slab_pages;
    void *a = kmem_cache_alloc(c), *b = kmem_cache_alloc(c);
    ck_assert_int_eq(kmem_cache_destroy(c), E_BUSY);
    ck_assert(log_has("kmem_cache_destroy('session'): 2 objects still allocated"));
    kmem_cache_free(c, a);
    ck_assert_int_eq(kmem_cache_destroy(c), E_BUSY);
    kmem_cache_free(c, b);
    ck_assert_uint_eq(cache_stats(c).slabs, 1); /* the one kept empty */
    ck_assert_int_eq(kmem_cache_destroy(c), E_OK);
    ck_assert_uint_eq(stats().caches, 9);

    /* what is left: the cache of caches' slab and the index */
    struct heap_stats st = stats();
    ck_assert_uint_eq(pages_out, st.pages);
    ck_assert_uint_eq(st.slab_pages, base);

    host_log_clear();
    ck_assert_int_eq(kmem_cache_destroy(c), E_INVAL); /* already gone */
    ck_assert(log_has("not a cache"));
    ck_assert_int_eq(kmem_cache_destroy(kmalloc_cache(64)), E_INVAL);
    ck_assert(log_has("kmem_cache_destroy('kmalloc-64'): built-in cache"));
    ck_assert_int_eq(kmem_cache_destroy(NULL), E_INVAL);
    int junk = 0;
    ck_assert_int_eq(kmem_cache_destroy((struct kmem_cache *)&junk), E_INVAL);
    ck_assert_ptr_null(kmem_cache_alloc(c));
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(bad_cache_arguments)
{
    setup();
    ck_assert_ptr_null(kmem_cache_create("zero", 0, 0));
    ck_assert_ptr_null(kmem_cache_create("huge", KMEM_MAX_SIZE + 1, 0));
    ck_assert_ptr_null(kmem_cache_create("odd", 64, 24));
    ck_assert_ptr_null(kmem_cache_create("wide", 64, 2 * HEAP_PAGE_SIZE));
    ck_assert_ptr_null(kmem_cache_create(NULL, 64, 0));
    ck_assert(log_has("kmem_cache_create('odd', 64, 24): invalid arguments"));
    struct kmem_cache *c = kmem_cache_create("a-name-longer-than-the-field-allows-by-far", 8, 0);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(strlen(cache_stats(c).name), KMEM_NAME_MAX - 1);
    ck_assert_int_eq(kmem_cache_destroy(c), E_OK);
}
END_TEST

START_TEST(provider_failure_gives_null)
{
    setup();
    fail_after = 0;
    ck_assert_ptr_null(kmalloc(16));
    ck_assert_ptr_null(kzalloc(100));
    ck_assert_ptr_null(kmalloc(100000));
    ck_assert_ptr_null(kmem_cache_create("c", 64, 0));
    ck_assert_uint_eq(stats().failed_allocs, 4);
    ck_assert_uint_eq(cache_stats(kmalloc_cache(16)).failed_allocs, 1);

    /* the slab's pages come, the index node does not: all given back */
    fail_after = 1;
    ck_assert_ptr_null(kmalloc(16));
    ck_assert_uint_eq(pages_out, 0);
    fail_after = 1;
    ck_assert_ptr_null(kmalloc(3 * PAGE));
    ck_assert_uint_eq(pages_out, 0);

    fail_after = -1;
    void *p = kmalloc(16), *q = kmalloc(3 * PAGE);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(q);
    struct kmem_cache *c = kmem_cache_create("c", 64, 0);
    ck_assert_ptr_nonnull(c);
    void *o = kmem_cache_alloc(c);
    ck_assert_ptr_nonnull(o);

    /* the slab is full: the next object needs a new one, which fails */
    fail_after = 0;
    void *more[1000];
    size_t got = 0;
    while (got < 1000 && (more[got] = kmem_cache_alloc(c)) != NULL)
        got++;
    ck_assert_uint_lt(got, 1000);
    ck_assert_uint_eq(got + 1, cache_stats(c).objects_per_slab);
    ck_assert_uint_eq(cache_stats(c).failed_allocs, 1);
    fail_after = -1;
    while (got)
        kmem_cache_free(c, more[--got]);
    kmem_cache_free(c, o);
    kfree(p);
    kfree(q);
    ck_assert_int_eq(kmem_cache_destroy(c), E_OK);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(index_failure_midway_leaves_no_trace)
{
    setup();
    /* An 8-page slab (kmalloc-2048) put across a 2 MiB boundary needs a
     * second leaf of the index for its last pages; that one fails. */
    uint8_t *arena = aligned_alloc(2u << 20, 4u << 20);
    ck_assert_uint_eq(cache_stats(kmalloc_cache(2048)).slab_pages, 8);
    uint8_t *slab = arena + (2u << 20) - 4 * PAGE;
    place_next = slab;
    fail_after = 4; /* the slab, then the index nodes for its first page */
    ck_assert_ptr_null(kmalloc(2048));
    ck_assert_uint_eq(pages_out, stats().index_pages);
    ck_assert_uint_eq(stats().slab_pages, 0);
    fail_after = -1;
    /* none of its pages is known to the heap any more */
    host_log_clear();
    for (int i = 0; i < 8; i++)
        kfree(slab + i * PAGE + 2048);
    ck_assert_uint_eq(stats().bad_frees, 8);
    char msg[128];
    snprintf(msg, sizeof(msg), "kfree(%p): not allocated by the heap", (void *)(slab + 2048));
    ck_assert_msg(log_has(msg), "log: %s", host_log_text());
    ck_assert(!log_has("damaged"));
    void *p = kmalloc(2048);
    ck_assert_ptr_nonnull(p);
    kfree(p);
    free(arena);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(misaligned_provider_is_not_trusted)
{
    setup();
    misalign = true;
    ck_assert_ptr_null(kmalloc(64));
    ck_assert(log_has("page provider returned unaligned"));
    ck_assert_ptr_null(kmalloc(5 * PAGE));
    ck_assert_uint_eq(pages_out, 0);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(uninitialised_heap_fails_cleanly)
{
    /* each test runs in its own process: here heap_init was never called */
    const char *fork_mode = getenv("CK_FORK");
    if (fork_mode && strcmp(fork_mode, "no") == 0)
        return;
    ck_assert_ptr_null(kmalloc(10));
    ck_assert(log_has("kmalloc(10) before heap_init"));
    ck_assert_ptr_null(kmem_cache_create("c", 8, 0));
    kfree((void *)&fail_after);
    ck_assert(log_has("not allocated by the heap"));
    ck_assert_int_eq(heap_init(NULL), E_INVAL);
    struct heap_page_ops half = { test_alloc_pages, NULL };
    ck_assert_int_eq(heap_init(&half), E_INVAL);
}
END_TEST

START_TEST(empty_slabs_go_back_to_the_provider)
{
    setup();
    struct kmem_cache *c = kmalloc_cache(64);
    size_t per = cache_stats(c).objects_per_slab;
    size_t n = per * 10;
    void **objs = malloc(n * sizeof(void *));
    for (size_t i = 0; i < n; i++)
        objs[i] = kmalloc(64);
    struct kmem_cache_stats st = cache_stats(c);
    ck_assert_uint_eq(st.slabs, 10);
    ck_assert_uint_eq(st.in_use, n);
    size_t with_ten = pages_out;
    /* free in an order that empties slabs one after another */
    for (size_t i = 0; i < n; i++)
        kfree(objs[i]);
    st = cache_stats(c);
    ck_assert_uint_eq(st.in_use, 0);
    ck_assert_uint_eq(st.slabs, 1);
    ck_assert_uint_eq(st.empty_slabs, 1);
    ck_assert_uint_eq(with_ten - pages_out, 9 * st.slab_pages);
    ck_assert_uint_eq(pages_out, stats().pages);
    /* the kept slab serves the next allocation without the provider */
    size_t before = pages_out;
    void *p = kmalloc(64);
    ck_assert_uint_eq(pages_out, before);
    kfree(p);
    free(objs);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

START_TEST(write_after_free_is_reported)
{
    setup();
    uint8_t *p = kmalloc(128);
    kfree(p);
    p[5] = 0x42; /* the bug under test: a write after free */
    uint8_t *q = kmalloc(128);
    ck_assert_ptr_eq(q, p);
    char msg[160];
    snprintf(msg, sizeof(msg), "kmalloc-128 object %p was written after it was freed "
             "(byte 5 is 0x42)", (void *)p);
    ck_assert_msg(log_has(msg), "log: %s", host_log_text());
    kfree(q);
}
END_TEST

START_TEST(stats_and_dump)
{
    setup();
    struct kmem_cache *c = kmem_cache_create("widget", 100, 0);
    void *a = kmem_cache_alloc(c), *b = kmem_cache_alloc(c);
    kmem_cache_free(c, a);
    struct kmem_cache_stats st = cache_stats(c);
    ck_assert_str_eq(st.name, "widget");
    ck_assert_uint_eq(st.object_size, 100);
    ck_assert_uint_eq(st.stride, 104);
    ck_assert_uint_eq(st.in_use, 1);
    ck_assert_uint_eq(st.slabs, 1);
    ck_assert_uint_eq(st.empty_slabs, 0);
    ck_assert_uint_eq(st.allocs, 2);
    ck_assert_uint_eq(st.frees, 1);
    ck_assert_uint_eq(stats().caches, 10);
    heap_dump();
    ck_assert(log_has("heap: widget"));
    ck_assert(log_has("kmalloc-2048"));
    ck_assert_int_eq(kmem_cache_stats(NULL, &st), E_INVAL);
    kmem_cache_free(c, b);
}
END_TEST

/* Fills an object with a pattern made from its id. */
static void fill(uint8_t *p, size_t size, uint32_t id)
{
    for (size_t i = 0; i < size; i++)
        p[i] = (uint8_t)(id * 131 + i);
}

static bool intact(const uint8_t *p, size_t size, uint32_t id)
{
    for (size_t i = 0; i < size; i++)
        if (p[i] != (uint8_t)(id * 131 + i))
            return false;
    return true;
}

START_TEST(random_stress_with_patterns)
{
    setup();
    struct kmem_cache *caches[3] = {
        kmem_cache_create("s24", 24, 0),
        kmem_cache_create("s100a64", 100, 64),
        kmem_cache_create("s3000", 3000, 8),
    };
    static const size_t csize[3] = { 24, 100, 3000 };
    enum { MAX_LIVE = 3000 };
    static struct { uint8_t *p; size_t size; int cache; uint32_t id; } live[MAX_LIVE];
    size_t n = 0;
    uint32_t next_id = 1;
    srand(77);
    for (int op = 0; op < 150000; op++) {
        if (n < MAX_LIVE && (n == 0 || rand() % 100 < 52)) {
            int kind = rand() % 10;
            int cache = -1;
            size_t size;
            uint8_t *p;
            if (kind < 2) {
                cache = rand() % 3;
                size = csize[cache];
                p = kmem_cache_alloc(caches[cache]);
            } else {
                size = kind < 7 ? 1 + (size_t)rand() % 256
                     : kind < 9 ? 1 + (size_t)rand() % 2048
                                : 2049 + (size_t)rand() % 30000;
                p = kmalloc(size);
            }
            CHECK(p != NULL, "allocation of %zu failed", size);
            fill(p, size, next_id);
            live[n].p = p;
            live[n].size = size;
            live[n].cache = cache;
            live[n++].id = next_id++;
        } else {
            size_t i = (size_t)rand() % n;
            CHECK(intact(live[i].p, live[i].size, live[i].id),
                  "object %u of %zu bytes damaged", live[i].id, live[i].size);
            if (live[i].cache >= 0)
                kmem_cache_free(caches[live[i].cache], live[i].p);
            else
                kfree(live[i].p);
            live[i] = live[--n];
        }
    }
    for (size_t i = 0; i < n; i++)
        ck_assert(intact(live[i].p, live[i].size, live[i].id));
    while (n--) {
        if (live[n].cache >= 0)
            kmem_cache_free(caches[live[n].cache], live[n].p);
        else
            kfree(live[n].p);
    }
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(kmem_cache_destroy(caches[i]), E_OK);
    for (size_t cls = KMALLOC_MIN_SIZE; cls <= KMALLOC_MAX_SMALL; cls *= 2) {
        struct kmem_cache_stats st = cache_stats(kmalloc_cache(cls));
        ck_assert_uint_eq(st.in_use, 0);
        ck_assert_uint_le(st.slabs, 1);
    }
    struct heap_stats st = stats();
    ck_assert_uint_eq(st.large_allocs, 0);
    ck_assert_uint_eq(st.bad_frees, 0);
    ck_assert_uint_eq(pages_out, st.pages);
    ck_assert_int_eq(provider_errors, 0);
    ck_assert_str_eq(host_log_text(), "");
}
END_TEST

static int heap_thread_errors;

static void *heap_thread(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    struct { uint8_t *p; size_t size; uint32_t id; } live[200];
    size_t n = 0;
    for (int op = 0; op < 40000; op++) {
        if (n < 200 && (n == 0 || rand_r(&seed) % 2)) {
            /* mostly two classes, so the threads meet in the same slabs */
            size_t size = rand_r(&seed) % 20 ? 1 + (size_t)rand_r(&seed) % 64
                                             : 1 + (size_t)rand_r(&seed) % 12000;
            uint8_t *p = kmalloc(size);
            if (!p) {
                __atomic_add_fetch(&heap_thread_errors, 1, __ATOMIC_SEQ_CST);
                continue;
            }
            uint32_t id = seed;
            fill(p, size, id);
            live[n].p = p;
            live[n].size = size;
            live[n++].id = id;
        } else {
            size_t i = (size_t)rand_r(&seed) % n;
            if (!intact(live[i].p, live[i].size, live[i].id))
                __atomic_add_fetch(&heap_thread_errors, 1, __ATOMIC_SEQ_CST);
            kfree(live[i].p);
            live[i] = live[--n];
        }
    }
    while (n--)
        kfree(live[n].p);
    return NULL;
}

START_TEST(concurrent_kmalloc_and_kfree)
{
    setup();
    pthread_t t[6];
    for (uintptr_t i = 0; i < 6; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, heap_thread, (void *)(i + 1)), 0);
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(heap_thread_errors, 0);
    struct heap_stats st = stats();
    ck_assert_uint_eq(st.large_allocs, 0);
    ck_assert_uint_eq(st.bad_frees, 0);
    for (size_t cls = KMALLOC_MIN_SIZE; cls <= KMALLOC_MAX_SMALL; cls *= 2)
        ck_assert_uint_eq(cache_stats(kmalloc_cache(cls)).in_use, 0);
    ck_assert_int_eq(provider_errors, 0);
}
END_TEST

Suite *suite_heap(void)
{
    Suite *s = suite_create("heap");
    TCase *tc = tcase_create("slab");
    tcase_add_test(tc, every_size_class);
    tcase_add_test(tc, slabs_are_sized_for_their_objects);
    tcase_add_test(tc, cache_alignment_is_honoured);
    tcase_add_test(tc, large_allocations_take_whole_pages);
    tcase_add_test(tc, kzalloc_zeroes);
    tcase_add_test(tc, kfree_null_is_a_no_op);
    tcase_add_test(tc, double_free_is_detected);
    tcase_add_test(tc, foreign_and_interior_pointers_are_refused);
    tcase_add_test(tc, cache_destroy_refused_while_in_use);
    tcase_add_test(tc, bad_cache_arguments);
    tcase_add_test(tc, provider_failure_gives_null);
    tcase_add_test(tc, index_failure_midway_leaves_no_trace);
    tcase_add_test(tc, misaligned_provider_is_not_trusted);
    tcase_add_test(tc, uninitialised_heap_fails_cleanly);
    tcase_add_test(tc, empty_slabs_go_back_to_the_provider);
    tcase_add_test(tc, write_after_free_is_reported);
    tcase_add_test(tc, stats_and_dump);
    tcase_add_test(tc, random_stress_with_patterns);
    tcase_add_test(tc, concurrent_kmalloc_and_kfree);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
