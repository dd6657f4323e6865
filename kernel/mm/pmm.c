/*
 * pmm.c: the physical memory allocator, a binary buddy system over 4 KiB
 * frames.
 *
 * Usable memory is described by spans: the usable regions of the memory
 * map, sorted, merged and shrunk to whole frames.  Every frame of every
 * span has an entry in two arrays, indexed by the frame's position when
 * the spans are laid end to end (so holes in the map cost nothing):
 *
 *   frame_state  one byte: what the frame is (reserved, inside a block,
 *                first frame of a free block, of an allocated block or of
 *                a piece of a run from pmm_alloc_pages) and, for first
 *                frames, the block's order;
 *   frame_link   the free-list links of a free block's first frame, as
 *                indices.
 *
 * Both arrays (9 bytes per frame: 2.25 MiB per GiB, 0.22%) are carved
 * from the largest free stretch of usable memory, so the allocator never
 * reads or writes the memory it manages and needs only its bookkeeping
 * mapped.
 *
 * Blocks are aligned to their size in physical frame numbers and never
 * cross a span's end, so a block's buddy is found by flipping one bit of
 * its frame number.  Allocation takes the smallest free block that is big
 * enough and splits it; freeing merges with free buddies as far as
 * possible.  Both are O(PMM_MAX_ORDER + log spans).  Because a head frame
 * records whether its block is allocated and its order, a free of anything
 * but an allocated block's head with its own order is detected and refused
 * before anything changes.
 */
#include <kernel/error.h>
#include <kernel/log.h>
#include <kernel/pmm.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <stdbool.h>

#define PAGE_MASK  ((uint64_t)PMM_PAGE_SIZE - 1)
#define PHYS_LIMIT (1ull << 52)   /* the x86_64 architectural maximum */
#define FRAME_NONE UINT32_MAX     /* end of a free list */
#define MAX_FRAMES 0xFFFFFFFFull  /* indices must stay below FRAME_NONE */

/* A frame's state byte: kind in the top three bits, order below. */
enum frame_kind {
    KIND_RESERVED = 0, /* never handed out: reserved range, bookkeeping */
    KIND_TAIL     = 1, /* inside a block, not its first frame */
    KIND_FREE     = 2, /* first frame of a free block */
    KIND_ALLOC    = 3, /* first frame of an allocated block */
    KIND_RUN      = 4, /* first frame of the first block of a run */
    KIND_RUN_MORE = 5, /* first frame of a later block of a run */
};
#define STATE(kind, order) ((uint8_t)((kind) << 5 | (order)))
#define STATE_KIND(s)      ((s) >> 5)
#define STATE_ORDER(s)     ((unsigned)(s) & 31)

struct span {
    uint64_t first; /* frame number of the first frame */
    uint64_t count; /* frames */
    uint64_t index; /* bookkeeping index of the first frame */
};

struct link {
    uint32_t next, prev;
};

static spinlock_t pmm_lock = SPINLOCK_INIT;
static bool ready;

static struct span spans[PMM_MAX_SPANS];
static size_t span_count;

static uint8_t *frame_state;
static struct link *frame_link;

static uint32_t free_head[PMM_MAX_ORDER + 1];
static uint64_t free_blocks[PMM_MAX_ORDER + 1];
static uint64_t free_frames;
static uint64_t managed_frames;
static uint64_t usable_frames;
static uint64_t meta_first, meta_frames; /* in frames */
static uint64_t failed_allocs, refused_frees;

/* ---- spans --------------------------------------------------------------- */

/* A usable region as [*start, *end) in bytes, clipped to PHYS_LIMIT. */
static bool region_bytes(const struct mem_region *r, uint64_t *start,
                         uint64_t *end)
{
    if (r->type != MEM_USABLE || r->length == 0 || r->base >= PHYS_LIMIT)
        return false;
    *start = r->base;
    *end = r->length > PHYS_LIMIT - r->base ? PHYS_LIMIT : r->base + r->length;
    return true;
}

/* Appends a span; when the table is full the smallest span goes, so what
 * is lost is as little as possible. */
static void span_add(uint64_t first, uint64_t end, uint64_t *dropped)
{
    if (span_count == PMM_MAX_SPANS) {
        size_t small = 0;
        for (size_t i = 1; i < span_count; i++)
            if (spans[i].count < spans[small].count)
                small = i;
        if (spans[small].count <= end - first) {
            *dropped += spans[small].count;
            memmove(&spans[small], &spans[small + 1],
                    (span_count - small - 1) * sizeof(spans[0]));
            span_count--;
        } else {
            *dropped += end - first;
            return;
        }
    }
    spans[span_count++] = (struct span){ first, end - first, 0 };
}

/* Builds the sorted, merged span table from the map.  The map is not
 * copied (it may be long); each round finds the lowest usable byte not yet
 * covered and grows a stretch from it while regions overlap or touch it.
 * Only then is the stretch shrunk to whole frames, so two unaligned
 * entries that together cover a frame do give it.  Quadratic in the map's
 * length, which is fine for a once-only job. */
static void spans_build(const struct mem_region *regions, size_t n)
{
    uint64_t cursor = 0, dropped = 0, s, e;
    span_count = 0;
    for (;;) {
        uint64_t start = UINT64_MAX, end = 0;
        for (size_t i = 0; i < n; i++) {
            if (!region_bytes(&regions[i], &s, &e) || e <= cursor)
                continue;
            if (s < cursor)
                s = cursor;
            if (s < start || (s == start && e > end)) {
                start = s;
                end = e;
            }
        }
        if (start == UINT64_MAX)
            break;
        for (bool grew = true; grew;) {
            grew = false;
            for (size_t i = 0; i < n; i++) {
                if (region_bytes(&regions[i], &s, &e) && s <= end && e > end) {
                    end = e;
                    grew = true;
                }
            }
        }
        cursor = end;
        uint64_t first = (start + PAGE_MASK) >> PMM_PAGE_SHIFT;
        if (first < end >> PMM_PAGE_SHIFT)
            span_add(first, end >> PMM_PAGE_SHIFT, &dropped);
    }

    /* Indices must fit the 32-bit links: at most 16 TiB is managed. */
    uint64_t index = 0;
    for (size_t i = 0; i < span_count; i++) {
        if (spans[i].count > MAX_FRAMES - index) {
            for (size_t j = i; j < span_count; j++)
                dropped += spans[j].count;
            spans[i].count = MAX_FRAMES - index;
            dropped -= spans[i].count;
            span_count = spans[i].count ? i + 1 : i;
        }
        spans[i].index = index;
        index += spans[i].count;
    }
    if (dropped)
        log_warn("pmm: memory map too fragmented or too large: %llu MiB of "
                 "usable memory left unmanaged",
                 (unsigned long long)(dropped >> (20 - PMM_PAGE_SHIFT)));
}

/* The span holding frame `pfn`, or NULL. */
static const struct span *span_of_frame(uint64_t pfn)
{
    size_t lo = 0, hi = span_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pfn < spans[mid].first)
            hi = mid;
        else if (pfn - spans[mid].first >= spans[mid].count)
            lo = mid + 1;
        else
            return &spans[mid];
    }
    return NULL;
}

/* The span holding bookkeeping index `idx` (which must be valid). */
static const struct span *span_of_index(uint64_t idx)
{
    size_t lo = 0, hi = span_count - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (spans[mid].index <= idx)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &spans[lo];
}

static uint32_t index_of(const struct span *sp, uint64_t pfn)
{
    return (uint32_t)(sp->index + (pfn - sp->first));
}

/* ---- what init keeps out --------------------------------------------------- */

/* The ranges no block may cover: the caller's reserved ranges (grown to
 * whole frames), frame 0, and the bookkeeping once it is placed. */
struct exclusions {
    const struct pmm_range *reserved;
    size_t nreserved;
    uint64_t meta_first, meta_end;
};

static void exclusion_frames(const struct exclusions *x, size_t i,
                             uint64_t *first, uint64_t *end)
{
    if (i < x->nreserved) {
        const struct pmm_range *r = &x->reserved[i];
        *first = r->start >> PMM_PAGE_SHIFT;
        *end = r->end > UINT64_MAX - PAGE_MASK ? (UINT64_MAX >> PMM_PAGE_SHIFT) + 1
                                               : (r->end + PAGE_MASK) >> PMM_PAGE_SHIFT;
        if (r->end <= r->start)
            *first = *end = 0;
    } else if (i == x->nreserved) {
        *first = 0;
        *end = 1;
    } else {
        *first = x->meta_first;
        *end = x->meta_end;
    }
}

/* Finds the next stretch of frames in [*pos, limit) that no exclusion
 * covers, as [*start, *end), and moves *pos past it. */
static bool next_free_stretch(const struct exclusions *x, uint64_t *pos,
                              uint64_t limit, uint64_t *start, uint64_t *end)
{
    size_t nx = x->nreserved + 2;
    uint64_t p = *pos, f, e;
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t i = 0; i < nx; i++) {
            exclusion_frames(x, i, &f, &e);
            if (f <= p && p < e) {
                p = e;
                moved = true;
            }
        }
    }
    if (p >= limit)
        return false;
    uint64_t stop = limit;
    for (size_t i = 0; i < nx; i++) {
        exclusion_frames(x, i, &f, &e);
        if (f > p && f < stop)
            stop = f;
    }
    *start = p;
    *end = stop;
    *pos = stop;
    return true;
}

/* ---- free lists ---------------------------------------------------------- */

static void list_push(unsigned order, uint32_t i)
{
    frame_link[i].prev = FRAME_NONE;
    frame_link[i].next = free_head[order];
    if (free_head[order] != FRAME_NONE)
        frame_link[free_head[order]].prev = i;
    free_head[order] = i;
    free_blocks[order]++;
}

static void list_remove(unsigned order, uint32_t i)
{
    struct link *l = &frame_link[i];
    if (l->prev != FRAME_NONE)
        frame_link[l->prev].next = l->next;
    else
        free_head[order] = l->next;
    if (l->next != FRAME_NONE)
        frame_link[l->next].prev = l->prev;
    free_blocks[order]--;
}

/* Makes the block at `pfn` free, merging it with free buddies. */
static void block_free(const struct span *sp, uint64_t pfn, unsigned order)
{
    free_frames += 1ull << order;
    while (order < PMM_MAX_ORDER) {
        uint64_t size = 1ull << order;
        uint64_t buddy = pfn ^ size;
        if (buddy < sp->first || buddy - sp->first + size > sp->count)
            break;
        uint32_t b = index_of(sp, buddy);
        if (frame_state[b] != STATE(KIND_FREE, order))
            break;
        list_remove(order, b);
        frame_state[b] = STATE(KIND_TAIL, 0);
        frame_state[index_of(sp, pfn)] = STATE(KIND_TAIL, 0);
        pfn &= ~size;
        order++;
    }
    uint32_t i = index_of(sp, pfn);
    frame_state[i] = STATE(KIND_FREE, order);
    list_push(order, i);
}

/* Takes a free block of exactly `order`, splitting a bigger one if
 * needed; returns its frame number or PMM_NONE. */
static uint64_t block_alloc(unsigned order)
{
    unsigned k = order;
    while (k <= PMM_MAX_ORDER && free_head[k] == FRAME_NONE)
        k++;
    if (k > PMM_MAX_ORDER) {
        failed_allocs++;
        return PMM_NONE;
    }
    uint32_t i = free_head[k];
    list_remove(k, i);
    while (k > order) {
        k--;
        uint32_t half = i + (1u << k);
        frame_state[half] = STATE(KIND_FREE, k);
        list_push(k, half);
    }
    frame_state[i] = STATE(KIND_ALLOC, order);
    free_frames -= 1ull << order;
    const struct span *sp = span_of_index(i);
    return sp->first + (i - sp->index);
}

/* ---- init ---------------------------------------------------------------- */

/* Hands the frames [first, end) of span `sp` to the free lists as the
 * largest aligned blocks that fit. */
static void add_free_stretch(const struct span *sp, uint64_t first, uint64_t end)
{
    memset(&frame_state[index_of(sp, first)], STATE(KIND_TAIL, 0), end - first);
    managed_frames += end - first;
    while (first < end) {
        unsigned order = 0;
        while (order < PMM_MAX_ORDER && !(first & (1ull << order)) &&
               first + (2ull << order) <= end)
            order++;
        frame_state[index_of(sp, first)] = STATE(KIND_FREE, order);
        list_push(order, index_of(sp, first));
        free_frames += 1ull << order;
        first += 1ull << order;
    }
}

int pmm_init(const struct mem_region *regions, size_t n,
             const struct pmm_range *reserved, size_t nreserved,
             void *(*phys_to_virt)(uint64_t phys))
{
    if ((n && !regions) || (nreserved && !reserved) || !phys_to_virt) {
        log_error("pmm: init: missing memory map, reserved list or phys_to_virt");
        return E_INVAL;
    }

    spin_lock(&pmm_lock);
    ready = false;
    spans_build(regions, n);
    uint64_t frames = 0;
    for (size_t i = 0; i < span_count; i++)
        frames += spans[i].count;
    if (frames == 0) {
        spin_unlock(&pmm_lock);
        log_error("pmm: init: the memory map has no usable memory");
        return E_NOMEM;
    }

    /* The bookkeeping goes at the top of the largest free stretch, away
     * from the low memory that devices may need. */
    uint64_t meta_bytes = frames * (sizeof(struct link) + 1);
    uint64_t need = (meta_bytes + PAGE_MASK) >> PMM_PAGE_SHIFT;
    struct exclusions x = { reserved, nreserved, 0, 0 };
    uint64_t best_start = 0, best_end = 0, s, e;
    for (size_t i = 0; i < span_count; i++) {
        uint64_t pos = spans[i].first;
        while (next_free_stretch(&x, &pos, spans[i].first + spans[i].count, &s, &e))
            if (e - s > best_end - best_start) {
                best_start = s;
                best_end = e;
            }
    }
    if (best_end - best_start < need) {
        spin_unlock(&pmm_lock);
        log_error("pmm: init: no free stretch of %llu KiB for the bookkeeping "
                  "of %llu frames", (unsigned long long)(need * 4),
                  (unsigned long long)frames);
        return E_NOMEM;
    }
    x.meta_first = best_end - need;
    x.meta_end = best_end;
    uint8_t *meta = phys_to_virt(x.meta_first << PMM_PAGE_SHIFT);
    if (!meta) {
        spin_unlock(&pmm_lock);
        log_error("pmm: init: bookkeeping at %#llx cannot be reached",
                  (unsigned long long)(x.meta_first << PMM_PAGE_SHIFT));
        return E_NOMEM;
    }

    frame_link = (struct link *)meta;
    frame_state = meta + frames * sizeof(struct link);
    memset(frame_state, STATE(KIND_RESERVED, 0), frames);
    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++) {
        free_head[k] = FRAME_NONE;
        free_blocks[k] = 0;
    }
    free_frames = managed_frames = 0;
    failed_allocs = refused_frees = 0;
    usable_frames = frames;
    meta_first = x.meta_first;
    meta_frames = need;
    for (size_t i = 0; i < span_count; i++) {
        uint64_t pos = spans[i].first;
        while (next_free_stretch(&x, &pos, spans[i].first + spans[i].count, &s, &e))
            add_free_stretch(&spans[i], s, e);
    }
    ready = true;
    spin_unlock(&pmm_lock);

    log_info("pmm: %llu MiB managed in %zu spans (%llu KiB reserved), "
             "bookkeeping %llu KiB at %#llx",
             (unsigned long long)(managed_frames >> 8), span_count,
             (unsigned long long)((frames - managed_frames - need) * 4),
             (unsigned long long)(need * 4),
             (unsigned long long)(meta_first << PMM_PAGE_SHIFT));
    return E_OK;
}

/* ---- allocation ---------------------------------------------------------- */

uint64_t pmm_alloc(unsigned order)
{
    if (order > PMM_MAX_ORDER) {
        log_error("pmm: alloc of order %u refused: the maximum is %u", order,
                  PMM_MAX_ORDER);
        return PMM_NONE;
    }
    spin_lock(&pmm_lock);
    uint64_t pfn = ready ? block_alloc(order) : PMM_NONE;
    spin_unlock(&pmm_lock);
    return pfn == PMM_NONE ? PMM_NONE : pfn << PMM_PAGE_SHIFT;
}

/* Checks that `phys` is the first frame of an allocated block of `order`
 * and of the kind `want`; if not, logs why and returns the error.  Called
 * with the lock held. */
static int check_allocated(uint64_t phys, unsigned order, enum frame_kind want,
                           const struct span **out)
{
    const char *why = NULL;
    int err = E_INVAL;
    const struct span *sp = NULL;
    uint8_t st = 0;
    if (!ready) {
        why = "the allocator is not initialised";
    } else if (order > PMM_MAX_ORDER) {
        why = "order above the maximum";
    } else if (phys & PAGE_MASK) {
        why = "not page aligned";
    } else if (phys & (((uint64_t)PMM_PAGE_SIZE << order) - 1)) {
        why = "not aligned to the order";
    } else if (!(sp = span_of_frame(phys >> PMM_PAGE_SHIFT))) {
        why = "not in managed memory";
        err = E_RANGE;
    } else {
        st = frame_state[index_of(sp, phys >> PMM_PAGE_SHIFT)];
        if (STATE_KIND(st) == KIND_RESERVED)
            why = "reserved, never allocated";
        else if (STATE_KIND(st) == KIND_TAIL)
            why = "not the start of an allocated block";
        else if (STATE_KIND(st) == KIND_FREE)
            why = "double free (the block is free)";
        else if (STATE_KIND(st) != want && want == KIND_ALLOC)
            why = "part of a longer run from pmm_alloc_pages";
        else if (STATE_KIND(st) != want)
            why = "not a run of that length";
    }
    if (!why && STATE_ORDER(st) != order) {
        log_error("pmm: free of %#llx order %u refused: allocated with order %u",
                  (unsigned long long)phys, order, STATE_ORDER(st));
        refused_frees++;
        return E_INVAL;
    }
    if (why) {
        log_error("pmm: free of %#llx order %u refused: %s",
                  (unsigned long long)phys, order, why);
        refused_frees++;
        return err;
    }
    *out = sp;
    return E_OK;
}

int pmm_free(uint64_t phys, unsigned order)
{
    const struct span *sp;
    spin_lock(&pmm_lock);
    int err = check_allocated(phys, order, KIND_ALLOC, &sp);
    if (err == E_OK)
        block_free(sp, phys >> PMM_PAGE_SHIFT, order);
    spin_unlock(&pmm_lock);
    return err;
}

/* The order of the smallest block holding `count` frames. */
static unsigned order_for(size_t count)
{
    unsigned order = 0;
    while (((size_t)1 << order) < count)
        order++;
    return order;
}

/* A run whose length is not a power of two is kept as one allocated block
 * per set bit of the length, largest first: each starts at a multiple of
 * its own size, so each is a proper buddy block.  The first is marked
 * KIND_RUN and the others KIND_RUN_MORE, so that neither pmm_free nor
 * pmm_free_pages with another length can free part of the run.  The rest
 * of the rounded-up block is freed from the top of the run, in blocks as
 * large as their alignment allows.  A power-of-two run is a plain block. */
uint64_t pmm_alloc_pages(size_t count)
{
    if (count == 0 || count > ((size_t)1 << PMM_MAX_ORDER)) {
        log_error("pmm: alloc of %zu pages refused: 1 to %zu allowed", count,
                  (size_t)1 << PMM_MAX_ORDER);
        return PMM_NONE;
    }
    unsigned order = order_for(count);
    spin_lock(&pmm_lock);
    uint64_t pfn = ready ? block_alloc(order) : PMM_NONE;
    if (pfn != PMM_NONE && count != ((size_t)1 << order)) {
        const struct span *sp = span_of_frame(pfn);
        uint64_t pos = 0;
        for (int k = (int)order; k >= 0; k--) {
            if (count & ((size_t)1 << k)) {
                frame_state[index_of(sp, pfn + pos)] =
                    STATE(pos ? KIND_RUN_MORE : KIND_RUN, k);
                pos += 1ull << k;
            }
        }
        while (pos < (1ull << order)) {
            unsigned k = (unsigned)__builtin_ctzll(pos);
            block_free(sp, pfn + pos, k);
            pos += 1ull << k;
        }
    }
    spin_unlock(&pmm_lock);
    return pfn == PMM_NONE ? PMM_NONE : pfn << PMM_PAGE_SHIFT;
}

int pmm_free_pages(uint64_t phys, size_t count)
{
    if (count == 0 || count > ((size_t)1 << PMM_MAX_ORDER)) {
        log_error("pmm: free of %zu pages at %#llx refused: 1 to %zu allowed",
                  count, (unsigned long long)phys, (size_t)1 << PMM_MAX_ORDER);
        spin_lock(&pmm_lock);
        refused_frees++;
        spin_unlock(&pmm_lock);
        return E_INVAL;
    }
    unsigned order = order_for(count);
    bool plain = count == ((size_t)1 << order);
    uint64_t pfn = phys >> PMM_PAGE_SHIFT;
    spin_lock(&pmm_lock);
    const struct span *sp = NULL;
    int err = E_OK;
    if (phys & (((uint64_t)PMM_PAGE_SIZE << order) - 1)) {
        log_error("pmm: free of %#llx order %u refused: not aligned to the order",
                  (unsigned long long)phys, order);
        refused_frees++;
        err = E_INVAL;
    }
    /* Every piece is checked before any is freed. */
    uint64_t pos = 0;
    for (int k = (int)order; k >= 0 && err == E_OK; k--) {
        if (count & ((size_t)1 << k)) {
            enum frame_kind want = plain ? KIND_ALLOC : pos ? KIND_RUN_MORE : KIND_RUN;
            err = check_allocated((pfn + pos) << PMM_PAGE_SHIFT, (unsigned)k, want, &sp);
            pos += 1ull << k;
        }
    }
    /* The pieces match; the run must not go on beyond them.  The frame
     * after them lies in the run's rounded-up block, so in the span. */
    if (err == E_OK && !plain &&
        STATE_KIND(frame_state[index_of(sp, pfn + count)]) == KIND_RUN_MORE) {
        refused_frees++;
        err = E_INVAL;
        log_error("pmm: free of %#llx refused: the run is longer than %zu pages",
                  (unsigned long long)phys, count);
    }
    if (err == E_OK) {
        pos = 0;
        for (int k = (int)order; k >= 0; k--) {
            if (count & ((size_t)1 << k)) {
                block_free(sp, pfn + pos, (unsigned)k);
                pos += 1ull << k;
            }
        }
    }
    spin_unlock(&pmm_lock);
    if (err != E_OK)
        log_error("pmm: free of %zu pages at %#llx refused", count,
                  (unsigned long long)phys);
    return err;
}

/* ---- inspection ---------------------------------------------------------- */

void pmm_stats(struct pmm_stats *out)
{
    spin_lock(&pmm_lock);
    uint64_t usable = ready ? usable_frames : 0;
    uint64_t managed = ready ? managed_frames : 0;
    uint64_t meta = ready ? meta_frames : 0;
    out->usable_bytes = usable << PMM_PAGE_SHIFT;
    out->total_bytes = managed << PMM_PAGE_SHIFT;
    out->free_bytes = (ready ? free_frames : 0) << PMM_PAGE_SHIFT;
    out->reserved_bytes = (usable - managed - meta) << PMM_PAGE_SHIFT;
    out->metadata_bytes = meta << PMM_PAGE_SHIFT;
    out->metadata_phys = ready ? meta_first << PMM_PAGE_SHIFT : 0;
    out->total_pages = managed;
    out->free_pages = ready ? free_frames : 0;
    for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
        out->free_blocks[k] = ready ? free_blocks[k] : 0;
    out->failed_allocs = failed_allocs;
    out->refused_frees = refused_frees;
    out->span_count = ready ? span_count : 0;
    spin_unlock(&pmm_lock);
}

/* Checks one free list; adds its frames to *frames. */
static int check_list(unsigned order, uint64_t *frames)
{
    uint64_t n = 0;
    uint32_t prev = FRAME_NONE;
    for (uint32_t i = free_head[order]; i != FRAME_NONE; i = frame_link[i].next) {
        if (i >= usable_frames || n >= usable_frames) {
            log_error("pmm: check: free list %u is broken at index %u", order, i);
            return E_INVAL;
        }
        const struct span *sp = span_of_index(i);
        uint64_t pfn = sp->first + (i - sp->index);
        uint64_t size = 1ull << order;
        if (frame_state[i] != STATE(KIND_FREE, order) || frame_link[i].prev != prev ||
            (pfn & (size - 1)) || pfn - sp->first + size > sp->count) {
            log_error("pmm: check: bad block %#llx in free list %u",
                      (unsigned long long)(pfn << PMM_PAGE_SHIFT), order);
            return E_INVAL;
        }
        uint64_t buddy = pfn ^ size;
        if (order < PMM_MAX_ORDER && buddy >= sp->first &&
            buddy - sp->first + size <= sp->count &&
            frame_state[index_of(sp, buddy)] == STATE(KIND_FREE, order)) {
            log_error("pmm: check: free buddies %#llx and %#llx not merged",
                      (unsigned long long)(pfn << PMM_PAGE_SHIFT),
                      (unsigned long long)(buddy << PMM_PAGE_SHIFT));
            return E_INVAL;
        }
        prev = i;
        n++;
    }
    if (n != free_blocks[order]) {
        log_error("pmm: check: free list %u holds %llu blocks, counted %llu",
                  order, (unsigned long long)n, (unsigned long long)free_blocks[order]);
        return E_INVAL;
    }
    *frames += n << order;
    return E_OK;
}

int pmm_check(void)
{
    spin_lock(&pmm_lock);
    int err = E_OK;
    uint64_t frames = 0, heads = 0;
    if (ready) {
        for (unsigned k = 0; k <= PMM_MAX_ORDER && err == E_OK; k++)
            err = check_list(k, &frames);
        for (uint64_t i = 0; i < usable_frames && err == E_OK; i++)
            heads += STATE_KIND(frame_state[i]) == KIND_FREE;
        uint64_t listed = 0;
        for (unsigned k = 0; k <= PMM_MAX_ORDER; k++)
            listed += free_blocks[k];
        if (err == E_OK && (frames != free_frames || heads != listed)) {
            log_error("pmm: check: %llu free frames in lists, %llu counted; "
                      "%llu free heads, %llu listed",
                      (unsigned long long)frames, (unsigned long long)free_frames,
                      (unsigned long long)heads, (unsigned long long)listed);
            err = E_INVAL;
        }
    }
    spin_unlock(&pmm_lock);
    return err;
}
