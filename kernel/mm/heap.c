/*
 * heap.c: the kernel heap, slab caches with kmalloc on top.
 *
 * A slab cache hands out objects of one size.  A slab is a run of pages
 * from the page provider: a header (struct slab) at its start, then a
 * bitmap with one bit per object, then the objects.  Keeping the
 * allocated/free state in the bitmap rather than in the objects means a
 * write to a freed object cannot damage the heap's own data, and a second
 * free is seen exactly.  Free objects are filled with HEAP_POISON, and the
 * poison is checked when an object is handed out again, which catches many
 * writes after free.  Each cache keeps its slabs on three lists (partial,
 * full, empty) and at most one empty slab; further empty slabs go back to
 * the provider.
 *
 * kmalloc uses one cache per power of two from KMALLOC_MIN_SIZE to
 * KMALLOC_MAX_SMALL; bigger requests take whole pages straight from the
 * provider.
 *
 * Finding an object's slab must not read memory the heap does not own (a
 * foreign pointer may point anywhere), so a page index maps every page the
 * heap holds to its slab header or, for a whole-page allocation, to its
 * page count.  The index is a four-level radix tree over virtual page
 * numbers, shaped like a page table, its nodes taken from the provider.
 */
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <stdbool.h>

#define PAGE_MASK   ((uintptr_t)HEAP_PAGE_SIZE - 1)
#define SLAB_MAGIC  0x51ab51abu
#define CACHE_MAGIC 0xcac4e000u
#define MIN_ALIGN   8
#define MAX_SLAB_PAGES 16
#define GOOD_OBJECTS   8   /* objects per slab worth growing the slab for */
#define KMALLOC_CLASSES 8  /* 16, 32, ..., 2048 */

struct slab {
    uint32_t magic;
    uint32_t in_use;
    struct kmem_cache *cache;
    struct slab *next, *prev;
    uint8_t *objects;
    uint64_t used[]; /* one bit per object, set while allocated */
};

enum slab_list { LIST_EMPTY, LIST_PARTIAL, LIST_FULL };

struct kmem_cache {
    uint32_t magic;
    bool builtin;            /* kmalloc's caches, the cache of caches */
    char name[KMEM_NAME_MAX];
    size_t size, stride, align;
    size_t slab_pages, per_slab, first_offset;
    struct slab *lists[3];   /* indexed by enum slab_list */
    size_t slabs, in_use;
    uint64_t allocs, frees, failed;
    struct kmem_cache *next; /* all caches */
};

static spinlock_t heap_lock = SPINLOCK_INIT;
static const struct heap_page_ops *ops;
static struct kmem_cache kmalloc_caches[KMALLOC_CLASSES];
static const char *const kmalloc_names[KMALLOC_CLASSES] = {
    "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};
static struct kmem_cache cache_cache; /* where kmem_cache_create's caches live */
static struct kmem_cache *all_caches;
static size_t large_pages, large_allocs, index_pages, slab_pages_held;
static uint64_t failed_allocs, bad_frees;

/* ---- the page index -------------------------------------------------------
 * Leaf entries: 0 for a page the heap does not hold, the slab header's
 * address for a slab page, (pages << 1) | 1 for the first page of a
 * whole-page allocation (headers are page aligned, so bit 0 tells them
 * apart). */

#define INDEX_LEVELS 4
#define INDEX_BITS   9
#define INDEX_SLOTS  (1u << INDEX_BITS)

static uintptr_t index_root[INDEX_SLOTS];

static unsigned index_slot(uintptr_t va, int level)
{
    return (unsigned)(va >> (12 + INDEX_BITS * level)) & (INDEX_SLOTS - 1);
}

/* The leaf slot of `va`, creating the path to it if `create`; NULL if it
 * does not exist or a node cannot be had. */
static uintptr_t *index_leaf(uintptr_t va, bool create)
{
    uintptr_t *node = index_root;
    for (int level = INDEX_LEVELS - 1; level > 0; level--) {
        uintptr_t *slot = &node[index_slot(va, level)];
        if (!*slot) {
            if (!create)
                return NULL;
            void *page = ops->alloc_pages(1);
            if (!page)
                return NULL;
            memset(page, 0, HEAP_PAGE_SIZE);
            index_pages++;
            *slot = (uintptr_t)page;
        }
        node = (uintptr_t *)*slot;
    }
    return &node[index_slot(va, 0)];
}

static uintptr_t index_get(const void *p)
{
    uintptr_t *leaf = index_leaf((uintptr_t)p, false);
    return leaf ? *leaf : 0;
}

/* Records `value` for `pages` pages from `va`; all or nothing. */
static bool index_set(void *va, size_t pages, uintptr_t value)
{
    for (size_t i = 0; i < pages; i++) {
        uintptr_t *leaf = index_leaf((uintptr_t)va + i * HEAP_PAGE_SIZE, true);
        if (!leaf) {
            while (i--)
                *index_leaf((uintptr_t)va + i * HEAP_PAGE_SIZE, false) = 0;
            return false;
        }
        *leaf = value;
    }
    return true;
}

static void index_clear(void *va, size_t pages)
{
    for (size_t i = 0; i < pages; i++)
        *index_leaf((uintptr_t)va + i * HEAP_PAGE_SIZE, false) = 0;
}

/* Pages from the provider, checked to be page aligned. */
static void *pages_get(size_t count)
{
    void *va = ops->alloc_pages(count);
    if (va && ((uintptr_t)va & PAGE_MASK)) {
        log_error("heap: page provider returned unaligned %p; not used", va);
        ops->free_pages(va, count);
        return NULL;
    }
    return va;
}

/* ---- slabs ----------------------------------------------------------------- */

static size_t align_up(size_t v, size_t align)
{
    return (v + align - 1) & ~(align - 1);
}

/* How many objects fit in a slab of `pages`; sets the first's offset. */
static size_t slab_fit(size_t pages, size_t stride, size_t align, size_t *first)
{
    size_t bytes = pages * HEAP_PAGE_SIZE;
    for (size_t n = (bytes - sizeof(struct slab)) / stride; n > 0; n--) {
        size_t off = align_up(sizeof(struct slab) + (n + 63) / 64 * 8, align);
        if (off + n * stride <= bytes) {
            *first = off;
            return n;
        }
    }
    return 0;
}

static void slab_list_add(struct kmem_cache *c, enum slab_list l, struct slab *s)
{
    s->prev = NULL;
    s->next = c->lists[l];
    if (s->next)
        s->next->prev = s;
    c->lists[l] = s;
}

static void slab_list_remove(struct kmem_cache *c, enum slab_list l, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->lists[l] = s->next;
    if (s->next)
        s->next->prev = s->prev;
}

static enum slab_list slab_list_of(const struct kmem_cache *c, size_t in_use)
{
    return in_use == 0 ? LIST_EMPTY : in_use == c->per_slab ? LIST_FULL
                                                            : LIST_PARTIAL;
}

/* Moves a slab whose count of objects in use was `was` to the list its
 * count now calls for. */
static void slab_refile(struct kmem_cache *c, struct slab *s, size_t was)
{
    enum slab_list from = slab_list_of(c, was), to = slab_list_of(c, s->in_use);
    if (from != to) {
        slab_list_remove(c, from, s);
        slab_list_add(c, to, s);
    }
}

static struct slab *slab_create(struct kmem_cache *c)
{
    struct slab *s = pages_get(c->slab_pages);
    if (!s)
        return NULL;
    if (!index_set(s, c->slab_pages, (uintptr_t)s)) {
        ops->free_pages(s, c->slab_pages);
        return NULL;
    }
    memset(s, 0, c->first_offset);
    s->magic = SLAB_MAGIC;
    s->cache = c;
    s->objects = (uint8_t *)s + c->first_offset;
    memset(s->objects, HEAP_POISON, c->per_slab * c->stride);
    slab_list_add(c, LIST_EMPTY, s);
    c->slabs++;
    slab_pages_held += c->slab_pages;
    return s;
}

static void slab_destroy(struct kmem_cache *c, struct slab *s)
{
    slab_list_remove(c, LIST_EMPTY, s);
    s->magic = 0;
    index_clear(s, c->slab_pages);
    c->slabs--;
    slab_pages_held -= c->slab_pages;
    ops->free_pages(s, c->slab_pages);
}

/* ---- objects --------------------------------------------------------------- */

static void *cache_alloc(struct kmem_cache *c)
{
    struct slab *s = c->lists[LIST_PARTIAL] ? c->lists[LIST_PARTIAL]
                                            : c->lists[LIST_EMPTY];
    if (!s)
        s = slab_create(c);
    if (!s) {
        c->failed++;
        failed_allocs++;
        return NULL;
    }
    /* The slab is not full, so the lowest clear bit is an object's. */
    size_t w = 0;
    while (s->used[w] == UINT64_MAX)
        w++;
    size_t i = w * 64 + (size_t)__builtin_ctzll(~s->used[w]);
    s->used[w] |= 1ull << (i % 64);
    s->in_use++;
    slab_refile(c, s, s->in_use - 1);
    c->in_use++;
    c->allocs++;

    uint8_t *obj = s->objects + i * c->stride;
    for (size_t b = 0; b < c->size; b++) {
        if (obj[b] != HEAP_POISON) {
            log_error("heap: %s object %p was written after it was freed "
                      "(byte %zu is %#x)", c->name, (void *)obj, b, obj[b]);
            break;
        }
    }
    return obj;
}

/* Frees `p`, which the index says lies in slab `s`; `who` names the call
 * for messages.  Refuses anything but an allocated object's start. */
static void cache_free(struct kmem_cache *c, struct slab *s, void *p, const char *who)
{
    uint8_t *obj = p;
    size_t off = (size_t)(obj - s->objects);
    if (obj < s->objects || off % c->stride || off / c->stride >= c->per_slab) {
        log_error("heap: %s(%p): not the start of an object of cache '%s'",
                  who, p, c->name);
        bad_frees++;
        return;
    }
    size_t i = off / c->stride;
    if (!(s->used[i / 64] & (1ull << (i % 64)))) {
        log_error("heap: %s(%p): double free (object of cache '%s' is free)",
                  who, p, c->name);
        bad_frees++;
        return;
    }
    s->used[i / 64] &= ~(1ull << (i % 64));
    memset(obj, HEAP_POISON, c->stride);
    s->in_use--;
    slab_refile(c, s, s->in_use + 1);
    c->in_use--;
    c->frees++;
    /* Keep one empty slab against alloc/free ping-pong; return the rest.
     * A slab that just became empty is at the head of the empty list. */
    if (s->in_use == 0 && s->next)
        slab_destroy(c, s);
}

/* The slab holding `p`, or NULL after reporting why there is none. */
static struct slab *slab_of(void *p, const char *who)
{
    uintptr_t entry = index_get(p);
    if (!entry || (entry & 1)) {
        log_error("heap: %s(%p): not allocated by the heap's caches", who, p);
        bad_frees++;
        return NULL;
    }
    struct slab *s = (struct slab *)entry;
    if (s->magic != SLAB_MAGIC) {
        log_error("heap: %s(%p): slab header at %p is damaged", who, p, (void *)s);
        bad_frees++;
        return NULL;
    }
    return s;
}

/* ---- caches ---------------------------------------------------------------- */

/* Fills in a cache and links it in.  The slab grows (in powers of two)
 * until it holds GOOD_OBJECTS, so big objects do not waste most of a
 * page; any size up to KMEM_MAX_SIZE fits in MAX_SLAB_PAGES. */
static void cache_setup(struct kmem_cache *c, const char *name, size_t size,
                        size_t align, bool builtin)
{
    memset(c, 0, sizeof(*c));
    c->magic = CACHE_MAGIC;
    c->builtin = builtin;
    for (size_t i = 0; i < sizeof(c->name) - 1 && name[i]; i++)
        c->name[i] = name[i];
    c->size = size;
    c->align = align;
    c->stride = align_up(size, align);
    size_t first = 0;
    for (size_t pages = 1; pages <= MAX_SLAB_PAGES; pages *= 2) {
        size_t n = slab_fit(pages, c->stride, align, &first);
        if (n) {
            c->slab_pages = pages;
            c->per_slab = n;
            c->first_offset = first;
        }
        if (n >= GOOD_OBJECTS)
            break;
    }
    c->next = all_caches;
    all_caches = c;
}

static bool cache_is_known(const struct kmem_cache *c)
{
    for (const struct kmem_cache *k = all_caches; k; k = k->next)
        if (k == c)
            return true;
    return false;
}

int heap_init(const struct heap_page_ops *page_ops)
{
    if (!page_ops || !page_ops->alloc_pages || !page_ops->free_pages) {
        log_error("heap: init: page provider missing");
        return E_INVAL;
    }
    spin_lock(&heap_lock);
    ops = page_ops;
    all_caches = NULL;
    large_pages = large_allocs = index_pages = slab_pages_held = 0;
    failed_allocs = bad_frees = 0;
    memset(index_root, 0, sizeof(index_root));
    cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache),
                _Alignof(struct kmem_cache), true);
    for (size_t i = 0; i < KMALLOC_CLASSES; i++) {
        size_t size = (size_t)KMALLOC_MIN_SIZE << i;
        cache_setup(&kmalloc_caches[i], kmalloc_names[i], size, size, true);
    }
    spin_unlock(&heap_lock);
    return E_OK;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
    if (align == 0)
        align = MIN_ALIGN;
    if (!name || size == 0 || size > KMEM_MAX_SIZE || align > HEAP_PAGE_SIZE ||
        (align & (align - 1))) {
        log_error("heap: kmem_cache_create('%s', %zu, %zu): invalid arguments",
                  name ? name : "(null)", size, align);
        return NULL;
    }
    if (align < MIN_ALIGN)
        align = MIN_ALIGN;
    spin_lock(&heap_lock);
    struct kmem_cache *c = ops ? cache_alloc(&cache_cache) : NULL;
    if (c)
        cache_setup(c, name, size, align, false);
    spin_unlock(&heap_lock);
    return c;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
    spin_lock(&heap_lock);
    int err = E_OK;
    if (!c || !cache_is_known(c)) {
        log_error("heap: kmem_cache_destroy(%p): not a cache", (void *)c);
        err = E_INVAL;
    } else if (c->builtin) {
        log_error("heap: kmem_cache_destroy('%s'): built-in cache", c->name);
        err = E_INVAL;
    } else if (c->in_use) {
        log_error("heap: kmem_cache_destroy('%s'): %zu objects still allocated",
                  c->name, c->in_use);
        err = E_BUSY;
    } else {
        while (c->lists[LIST_EMPTY])
            slab_destroy(c, c->lists[LIST_EMPTY]);
        struct kmem_cache **link = &all_caches;
        while (*link != c)
            link = &(*link)->next;
        *link = c->next;
        c->magic = 0;
        struct slab *s = slab_of(c, "kmem_cache_destroy");
        if (s)
            cache_free(&cache_cache, s, c, "kmem_cache_destroy");
    }
    spin_unlock(&heap_lock);
    return err;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
    spin_lock(&heap_lock);
    void *p = NULL;
    if (!c || c->magic != CACHE_MAGIC)
        log_error("heap: kmem_cache_alloc(%p): not a cache", (void *)c);
    else
        p = cache_alloc(c);
    spin_unlock(&heap_lock);
    return p;
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
    if (!p)
        return;
    spin_lock(&heap_lock);
    struct slab *s = slab_of(p, "kmem_cache_free");
    if (s && s->cache != c) {
        log_error("heap: kmem_cache_free(%p): object of cache '%s', not of %p",
                  p, s->cache->name, (void *)c);
        bad_frees++;
    } else if (s) {
        cache_free(c, s, p, "kmem_cache_free");
    }
    spin_unlock(&heap_lock);
}

/* ---- kmalloc --------------------------------------------------------------- */

static bool is_kmalloc_cache(const struct kmem_cache *c)
{
    return c >= kmalloc_caches && c < kmalloc_caches + KMALLOC_CLASSES;
}

struct kmem_cache *kmalloc_cache(size_t size)
{
    if (size > KMALLOC_MAX_SMALL)
        return NULL;
    size_t i = 0;
    while (((size_t)KMALLOC_MIN_SIZE << i) < size)
        i++;
    return &kmalloc_caches[i];
}

void *kmalloc(size_t size)
{
    spin_lock(&heap_lock);
    void *p = NULL;
    if (!ops) {
        log_error("heap: kmalloc(%zu) before heap_init", size);
    } else if (size <= KMALLOC_MAX_SMALL) {
        p = cache_alloc(kmalloc_cache(size));
    } else if (size > __SIZE_MAX__ - HEAP_PAGE_SIZE) {
        failed_allocs++;
    } else {
        size_t pages = (size + PAGE_MASK) / HEAP_PAGE_SIZE;
        p = pages_get(pages);
        if (p && !index_set(p, 1, (uintptr_t)pages << 1 | 1)) {
            ops->free_pages(p, pages);
            p = NULL;
        }
        if (p) {
            large_allocs++;
            large_pages += pages;
        } else {
            failed_allocs++;
        }
    }
    spin_unlock(&heap_lock);
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size ? size : 1);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    spin_lock(&heap_lock);
    uintptr_t entry = ops ? index_get(p) : 0;
    if (entry & 1) {
        if ((uintptr_t)p & PAGE_MASK) {
            log_error("heap: kfree(%p): not the start of an allocation", p);
            bad_frees++;
        } else {
            size_t pages = entry >> 1;
            index_clear(p, 1);
            large_allocs--;
            large_pages -= pages;
            ops->free_pages(p, pages);
        }
    } else if (!entry) {
        log_error("heap: kfree(%p): not allocated by the heap, or already freed", p);
        bad_frees++;
    } else {
        struct slab *s = slab_of(p, "kfree");
        if (s && !is_kmalloc_cache(s->cache)) {
            log_error("heap: kfree(%p): object of cache '%s'; use kmem_cache_free",
                      p, s->cache->name);
            bad_frees++;
        } else if (s) {
            cache_free(s->cache, s, p, "kfree");
        }
    }
    spin_unlock(&heap_lock);
}

/* ---- inspection ------------------------------------------------------------ */

int kmem_cache_stats(const struct kmem_cache *c, struct kmem_cache_stats *out)
{
    spin_lock(&heap_lock);
    if (!c || c->magic != CACHE_MAGIC) {
        spin_unlock(&heap_lock);
        return E_INVAL;
    }
    memcpy(out->name, c->name, sizeof(out->name));
    out->object_size = c->size;
    out->stride = c->stride;
    out->slab_pages = c->slab_pages;
    out->objects_per_slab = c->per_slab;
    out->in_use = c->in_use;
    out->slabs = c->slabs;
    out->empty_slabs = 0;
    for (const struct slab *s = c->lists[LIST_EMPTY]; s; s = s->next)
        out->empty_slabs++;
    out->allocs = c->allocs;
    out->frees = c->frees;
    out->failed_allocs = c->failed;
    spin_unlock(&heap_lock);
    return E_OK;
}

void heap_stats(struct heap_stats *out)
{
    spin_lock(&heap_lock);
    out->slab_pages = slab_pages_held;
    out->large_pages = large_pages;
    out->large_allocs = large_allocs;
    out->index_pages = index_pages;
    out->pages = slab_pages_held + large_pages + index_pages;
    out->caches = 0;
    for (const struct kmem_cache *c = all_caches; c; c = c->next)
        out->caches++;
    out->failed_allocs = failed_allocs;
    out->bad_frees = bad_frees;
    spin_unlock(&heap_lock);
}

void heap_dump(void)
{
    spin_lock(&heap_lock);
    for (const struct kmem_cache *c = all_caches; c; c = c->next)
        log_info("heap: %-16s %5zu B x %5zu in use, %zu slabs of %zu pages",
                 c->name, c->size, c->in_use, c->slabs, c->slab_pages);
    log_info("heap: %zu whole-page allocations (%zu pages), index %zu pages",
             large_allocs, large_pages, index_pages);
    spin_unlock(&heap_lock);
}
