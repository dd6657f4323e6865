/*
 * aspace.c: address-space objects and ATOM_SYS_MEM_MAP, _UNMAP, _PROTECT.
 *
 * An address space pairs page tables (vm_space) with a region set that
 * records, for every mapped page, the memory object and page behind it,
 * its protection and the most it may be raised to.  The region set is
 * the truth; the page tables follow it.  One spinlock covers both, so
 * they are never seen out of step.
 *
 * Every operation is decode, then perform.  Decode checks the arguments,
 * then under the lock the region set (free or mapped as required,
 * max_prot) and makes every allocation the change needs: region entries
 * for splits (region_prepare_*) and page tables for a new mapping
 * (vm_prepare).  Perform then changes the page tables and the regions,
 * and neither step can fail any more, so no half-done change is ever
 * visible and nothing needs undoing.
 *
 * References: each region holds one on its memory object (split pieces
 * take their own, merged or removed ones drop theirs), so frames stay
 * allocated while any page table points at them.  Page tables are changed
 * (and the TLB flushed, by vm_*) before the references go, so a frame is
 * never freed while still mapped.  A last reference dropped by unmap runs
 * the object's destroy under the space's lock; that only frees frames and
 * memory and takes no other object's lock.
 *
 * The space's own last reference unloads and frees its page tables
 * (vm_space_destroy, which leaves the frames alone: they belong to the
 * memory objects), then drops the regions' references.
 *
 * System calls name the space by a capability with WRITE.  A memory
 * capability must carry MAP and READ (x86 cannot map a page it cannot
 * read), and WRITE for a writable mapping; the region's max_prot is what
 * the capability allows (READ: read, WRITE: write, MAP: execute), so a
 * later protect can never exceed the capability that made the mapping.
 */
#include <arch/layout.h>
#include <atom/memory.h>
#include <kernel/aspace.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#define PROT_ALL (VM_READ | VM_WRITE | VM_EXEC)

/* ---- references held by regions ---------------------------------------- */

static void region_get(const struct region *r, void *ctx)
{
    (void)ctx;
    kobject_get(&((struct memobj *)r->owner)->obj);
}

static void region_put(const struct region *r, void *ctx)
{
    (void)ctx;
    kobject_put(&((struct memobj *)r->owner)->obj);
}

static const struct region_hooks ref_hooks = {
    .split = region_get,
    .removed = region_put,
    .merged = region_put,
};

/* ---- the object ---------------------------------------------------------- */

static void aspace_destroy(struct kobject *obj)
{
    struct aspace *as = aspace_of(obj);
    vm_space_destroy(as->vm);
    region_set_clear(&as->regions, &ref_hooks);
    kfree(as);
}

int aspace_create(struct aspace **out)
{
    struct aspace *as = kzalloc(sizeof(*as));
    if (!as)
        return E_NOMEM;
    int err = vm_space_create(&as->vm);
    if (err) {
        kfree(as);
        return err;
    }
    kobject_init(&as->obj, ATOM_OBJ_ADDRESS_SPACE, aspace_destroy);
    as->lock = (spinlock_t)SPINLOCK_INIT;
    region_set_init(&as->regions);
    *out = as;
    return E_OK;
}

/* ---- decoding ------------------------------------------------------------ */

/* Page aligned, 1..ATOM_MEM_MAX_PAGES pages, inside [ATOM_USER_MIN,
 * ATOM_USER_MAX) with no overflow. */
static bool user_range_ok(uint64_t va, uint64_t pages)
{
    return !(va & (PAGE_SIZE - 1)) && pages >= 1 && pages <= ATOM_MEM_MAX_PAGES &&
           va >= ATOM_USER_MIN && va < ATOM_USER_MAX &&
           pages <= (ATOM_USER_MAX - va) / PAGE_SIZE;
}

/* Readable, nothing but read/write/execute, never write and execute. */
static bool prot_ok(unsigned prot)
{
    return (prot & VM_READ) && !(prot & ~PROT_ALL) &&
           !((prot & VM_WRITE) && (prot & VM_EXEC));
}

static unsigned cache_prot(enum vm_cache cache)
{
    switch (cache) {
    case VM_CACHE_WC:
        return VM_WC;
    case VM_CACHE_UC:
        return VM_UC;
    default:
        return 0;
    }
}

/* ---- operations ---------------------------------------------------------- */

/* Maps the pages of m from `first` at va, in runs of consecutive frames.
 * The tables exist (vm_prepare) and the range is free, so vm_map cannot
 * fail; if it did anyway, what was mapped is taken down again. */
static int map_pages(struct vm_space *vm, const struct memobj *m, uint64_t va,
                     uint64_t first, uint64_t pages, unsigned prot)
{
    uint64_t done = 0;
    while (done < pages) {
        uint64_t pa = memobj_frame(m, first + done), run = 1;
        while (done + run < pages && memobj_frame(m, first + done + run) == pa + run * PAGE_SIZE)
            run++;
        int err = vm_map(vm, va + done * PAGE_SIZE, pa, run, prot);
        if (err) {
            if (done)
                vm_unmap(vm, va, done);
            return err;
        }
        done += run;
    }
    return E_OK;
}

int aspace_map(struct aspace *as, struct memobj *m, uint64_t va, uint64_t offset_pages,
               uint64_t pages, unsigned prot, unsigned max_prot)
{
    if (!user_range_ok(va, pages) || !prot_ok(prot) || (max_prot & ~PROT_ALL) ||
        offset_pages > memobj_pages(m) || pages > memobj_pages(m) - offset_pages)
        return E_INVAL;
    if (prot & ~max_prot)
        return E_PERM;
    struct region r = {
        .start = va, .pages = pages, .owner = m, .offset = offset_pages,
        .prot = prot, .max_prot = max_prot,
    };
    spin_lock(&as->lock);
    int err = region_prepare_insert(&as->regions, &r);
    if (!err)
        err = vm_prepare(as->vm, va, pages);
    /* perform */
    if (!err)
        err = map_pages(as->vm, m, va, offset_pages, pages,
                        prot | VM_USER | cache_prot(memobj_cache(m)));
    if (!err) {
        (void)region_insert(&as->regions, &r); /* cannot fail after its prepare */
        kobject_get(&m->obj);
    }
    spin_unlock(&as->lock);
    if (!err)
        memobj_mapped(m); /* outside the lock: it may log */
    return err;
}

int aspace_unmap(struct aspace *as, uint64_t va, uint64_t pages)
{
    if (!user_range_ok(va, pages))
        return E_INVAL;
    spin_lock(&as->lock);
    int err = E_INVAL;
    if (region_range_covered(&as->regions, va, pages))
        err = region_prepare_remove(&as->regions, va, pages);
    if (!err) {
        /* perform: every page is mapped, so neither can fail */
        vm_unmap(as->vm, va, pages);
        (void)region_remove(&as->regions, va, pages, &ref_hooks);
    }
    spin_unlock(&as->lock);
    return err;
}

int aspace_protect(struct aspace *as, uint64_t va, uint64_t pages, unsigned prot)
{
    if (!user_range_ok(va, pages) || !prot_ok(prot))
        return E_INVAL;
    spin_lock(&as->lock);
    int err = region_prepare_protect(&as->regions, va, pages, prot);
    if (!err) {
        /* perform: the range is mapped and prot valid; vm_protect keeps
         * each page's memory type */
        vm_protect(as->vm, va, pages, prot | VM_USER);
        (void)region_protect(&as->regions, va, pages, prot, &ref_hooks);
    }
    spin_unlock(&as->lock);
    return err;
}

int aspace_find_free(struct aspace *as, uint64_t pages, uint64_t lo, uint64_t hi,
                     uint64_t *va_out)
{
    if (pages == 0 || ((lo | hi) & (PAGE_SIZE - 1)) || lo >= hi)
        return E_INVAL;
    if (lo < ATOM_USER_MIN)
        lo = ATOM_USER_MIN;
    if (hi > ATOM_USER_MAX)
        hi = ATOM_USER_MAX;
    if (lo >= hi)
        return E_NOMEM;
    spin_lock(&as->lock);
    int err = region_find_gap(&as->regions, pages, lo, hi, va_out);
    spin_unlock(&as->lock);
    return err;
}

int aspace_map_anon(struct aspace *as, uint64_t va, uint64_t pages, unsigned prot,
                    struct memobj **out_or_null)
{
    if (!user_range_ok(va, pages) || !prot_ok(prot))
        return E_INVAL; /* before allocating the frames */
    struct memobj *m;
    int err = memobj_create_anon(pages, &m);
    if (err)
        return err;
    err = aspace_map(as, m, va, 0, pages, prot, PROT_ALL);
    if (!err && out_or_null)
        *out_or_null = m; /* the creator's reference goes to the caller */
    else
        kobject_put(&m->obj);
    return err;
}

int aspace_write(struct aspace *as, uint64_t va, const void *src, size_t len)
{
    if (len == 0)
        return E_OK;
    if (len - 1 > UINT64_MAX - va)
        return E_FAULT;
    uint64_t last = (va + len - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    spin_lock(&as->lock);
    /* decode: every page lies in an anonymous object's region */
    int err = E_OK;
    for (uint64_t p = va & ~(uint64_t)(PAGE_SIZE - 1);;) {
        const struct region *r = region_find(&as->regions, p);
        if (!r) {
            err = E_FAULT;
            break;
        }
        if (((const struct memobj *)r->owner)->kind != MEMOBJ_ANON) {
            err = E_INVAL;
            break;
        }
        uint64_t end = r->start + r->pages * PAGE_SIZE;
        if (end > last)
            break;
        p = end;
    }
    /* perform: page by page through the direct map */
    const uint8_t *from = src;
    while (!err && len) {
        const struct region *r = region_find(&as->regions, va);
        uint64_t pa = memobj_frame(r->owner, r->offset + (va - r->start) / PAGE_SIZE);
        size_t in_page = (size_t)(va & (PAGE_SIZE - 1));
        size_t n = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        memcpy((uint8_t *)phys_to_virt(pa) + in_page, from, n);
        va += n;
        from += n;
        len -= n;
    }
    spin_unlock(&as->lock);
    return err;
}

/* ---- system calls -------------------------------------------------------- */

/* Handles are int32; anything larger names no slot. */
static int handle_arg(uint64_t arg)
{
    return arg <= INT32_MAX ? (int)arg : -1;
}

/* ATOM_PROT_* to VM_*: unknown bits, 0, no READ, or W+X are E_INVAL. */
static int decode_prot(uint64_t atom_prot, unsigned *prot)
{
    if (atom_prot & ~(uint64_t)(ATOM_PROT_READ | ATOM_PROT_WRITE | ATOM_PROT_EXEC))
        return E_INVAL;
    unsigned p = ((atom_prot & ATOM_PROT_READ) ? VM_READ : 0) |
                 ((atom_prot & ATOM_PROT_WRITE) ? VM_WRITE : 0) |
                 ((atom_prot & ATOM_PROT_EXEC) ? VM_EXEC : 0);
    if (!prot_ok(p))
        return E_INVAL;
    *prot = p;
    return E_OK;
}

static int lookup_space(uint64_t handle, struct aspace **out)
{
    struct kobject *obj;
    int err = syscall_cap(handle, ATOM_OBJ_ADDRESS_SPACE, ATOM_RIGHT_WRITE, &obj, NULL);
    if (!err)
        *out = aspace_of(obj);
    return err;
}

/* The memory capability must hold MAP, READ and, for a writable mapping,
 * WRITE.  The lookup asks for every mapping right the capability showed
 * when inspected, so max_prot is derived from rights the lookup itself
 * confirmed, even if the slot changed in between. */
static int lookup_memory(struct cspace *cs, uint64_t handle, unsigned prot,
                         struct memobj **out, unsigned *max_prot)
{
    struct atom_cap_info info;
    int err = cap_inspect(cs, handle_arg(handle), &info);
    if (err)
        return err;
    uint32_t needed = ATOM_RIGHT_MAP | ATOM_RIGHT_READ |
                      ((prot & VM_WRITE) ? ATOM_RIGHT_WRITE : 0);
    uint32_t held = info.rights & (ATOM_RIGHT_READ | ATOM_RIGHT_WRITE | ATOM_RIGHT_MAP);
    struct kobject *obj;
    err = syscall_cap(handle, ATOM_OBJ_MEMORY, needed | held, &obj, NULL);
    if (err)
        return err;
    *out = memobj_of(obj);
    *max_prot = ((held & ATOM_RIGHT_READ) ? VM_READ : 0) |
                ((held & ATOM_RIGHT_WRITE) ? VM_WRITE : 0) |
                ((held & ATOM_RIGHT_MAP) ? VM_EXEC : 0);
    return E_OK;
}

/* mem_map(space, memory, va, offset_pages, pages, prot) -> 0 */
int64_t sys_mem_map(struct syscall_regs *r)
{
    struct cspace *cs = process_current()->cspace;
    unsigned prot, max_prot;
    int err = decode_prot(r->arg[5], &prot);
    if (err)
        return syscall_error(err);
    struct aspace *as;
    err = lookup_space(r->arg[0], &as);
    if (err)
        return syscall_error(err);
    struct memobj *m;
    err = lookup_memory(cs, r->arg[1], prot, &m, &max_prot);
    if (!err) {
        err = aspace_map(as, m, r->arg[2], r->arg[3], r->arg[4], prot, max_prot);
        kobject_put(&m->obj);
    }
    kobject_put(&as->obj);
    return syscall_error(err);
}

/* mem_unmap(space, va, pages) -> 0 */
int64_t sys_mem_unmap(struct syscall_regs *r)
{
    struct aspace *as;
    int err = lookup_space(r->arg[0], &as);
    if (err)
        return syscall_error(err);
    err = aspace_unmap(as, r->arg[1], r->arg[2]);
    kobject_put(&as->obj);
    return syscall_error(err);
}

/* mem_protect(space, va, pages, prot) -> 0 */
int64_t sys_mem_protect(struct syscall_regs *r)
{
    unsigned prot;
    int err = decode_prot(r->arg[3], &prot);
    if (err)
        return syscall_error(err);
    struct aspace *as;
    err = lookup_space(r->arg[0], &as);
    if (err)
        return syscall_error(err);
    err = aspace_protect(as, r->arg[1], r->arg[2], prot);
    kobject_put(&as->obj);
    return syscall_error(err);
}
