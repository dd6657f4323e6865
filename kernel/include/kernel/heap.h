/* The kernel heap (kernel/mm/heap.c): slab caches of fixed-size objects,
 * and kmalloc on top of them.
 *
 * kmalloc serves sizes up to KMALLOC_MAX_SMALL from power-of-two caches
 * (objects aligned to their size class) and anything larger from whole
 * pages (page aligned).  Memory comes from a page provider given to
 * heap_init.  Failure returns NULL and never panics.  A free of something
 * the heap did not hand out, or a second free, is reported with
 * log_error and ignored.  One spinlock protects the heap. */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE_SIZE    4096
#define KMALLOC_MIN_SIZE  16
#define KMALLOC_MAX_SMALL 2048       /* larger requests take whole pages */
#define KMEM_MAX_SIZE     8192       /* largest object of a slab cache */
#define KMEM_NAME_MAX     32
#define HEAP_POISON       0x6b       /* fills free objects */

/* Where the heap gets memory.  alloc_pages returns `count` contiguous,
 * page-aligned, mapped pages or NULL; free_pages gives back exactly what
 * one alloc_pages call returned. */
struct heap_page_ops {
    void *(*alloc_pages)(size_t count);
    void (*free_pages)(void *va, size_t count);
};

/* Sets up the kmalloc caches.  Returns E_OK or E_INVAL.  Calling it again
 * starts over and forgets everything allocated before. */
int heap_init(const struct heap_page_ops *ops);

/* kmalloc(0) is treated as kmalloc(1), so NULL always means "no memory". */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

struct kmem_cache;

/* A cache of objects of `size` bytes (1 to KMEM_MAX_SIZE) aligned to
 * `align` (a power of two up to HEAP_PAGE_SIZE; 0 means 8).  The name is
 * copied.  NULL if the arguments are invalid or there is no memory. */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void *kmem_cache_alloc(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *p);
/* Gives back the cache's memory.  Refused with E_BUSY (and logged) while
 * objects are allocated; E_INVAL for the kmalloc caches. */
int kmem_cache_destroy(struct kmem_cache *cache);

/* The kmalloc cache serving `size`, or NULL if size takes whole pages. */
struct kmem_cache *kmalloc_cache(size_t size);

struct kmem_cache_stats {
    char name[KMEM_NAME_MAX];
    size_t object_size;      /* as requested */
    size_t stride;           /* bytes per object in a slab */
    size_t slab_pages;
    size_t objects_per_slab;
    size_t in_use;           /* objects allocated now */
    size_t slabs;            /* slabs held, empty ones included */
    size_t empty_slabs;
    uint64_t allocs, frees, failed_allocs;
};
int kmem_cache_stats(const struct kmem_cache *cache, struct kmem_cache_stats *out);

struct heap_stats {
    size_t pages;            /* held from the provider, all uses together */
    size_t slab_pages;
    size_t large_pages;
    size_t large_allocs;     /* live kmalloc allocations of whole pages */
    size_t index_pages;      /* the page-to-slab index */
    size_t caches;           /* kmalloc caches included */
    uint64_t failed_allocs;
    uint64_t bad_frees;      /* frees refused as invalid */
};
void heap_stats(struct heap_stats *out);

/* Logs one line per cache, at info level. */
void heap_dump(void);

#endif
