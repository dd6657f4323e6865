/*
 * memory.c: memory objects and ATOM_SYS_MEM_CREATE.
 *
 * A memory object is a fixed list of physical pages.  An anonymous one
 * allocates every frame when it is made (zeroed through the direct map,
 * so no stale data leaks between processes) and keeps them in an array:
 * no demand paging, so mapping it can never fail for lack of frames and a
 * page fault in user space is always an error.  A physical one is a range
 * of device memory plus the memory type to map it with; the range must
 * lie outside RAM and the direct map (vm_is_device_range), since mapping
 * RAM with a second memory type is undefined on x86 and handing out RAM
 * the page allocator owns would let it be reused under the mapping.
 *
 * The boot framebuffer's object is a physical one with its geometry
 * attached: that is what makes it answer ATOM_SYS_FRAMEBUFFER_INFO (no
 * other object can, whatever range it covers) and what tells the kernel
 * console to stop drawing once user space maps it.
 *
 * Objects are immutable once made, so readers need no lock; their life is
 * the kobject reference count (capabilities and mapped regions each hold
 * one), and the last reference frees an anonymous object's frames.
 */
#include <arch/layout.h>
#include <atom/memory.h>
#include <atom/framebuffer.h>
#include <kernel/error.h>
#include <kernel/fbcon.h>
#include <kernel/heap.h>
#include <kernel/memory.h>
#include <kernel/pmm.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>

/* Frames of all anonymous objects, for the memory statistics. */
static uint64_t anon_pages;

uint64_t memobj_anon_pages(void)
{
    return __atomic_load_n(&anon_pages, __ATOMIC_RELAXED);
}

static void memobj_destroy(struct kobject *obj)
{
    struct memobj *m = memobj_of(obj);
    if (m->kind == MEMOBJ_ANON) {
        __atomic_sub_fetch(&anon_pages, m->pages, __ATOMIC_RELAXED);
        for (uint64_t i = 0; i < m->pages; i++)
            pmm_free(m->frames[i], 0);
        kfree(m->frames);
    }
    kfree(m->framebuffer);
    kfree(m);
}

int memobj_create_anon(uint64_t pages, struct memobj **out)
{
    if (pages == 0 || pages > ATOM_MEM_MAX_PAGES)
        return E_INVAL;
    struct memobj *m = kzalloc(sizeof(*m));
    uint64_t *frames = kmalloc(pages * sizeof(*frames));
    if (!m || !frames) {
        kfree(m);
        kfree(frames);
        return E_NOMEM;
    }
    for (uint64_t i = 0; i < pages; i++) {
        frames[i] = pmm_alloc(0);
        if (frames[i] == PMM_NONE) {
            while (i--)
                pmm_free(frames[i], 0);
            kfree(frames);
            kfree(m);
            return E_NOMEM;
        }
        memset(phys_to_virt(frames[i]), 0, PAGE_SIZE);
    }
    kobject_init(&m->obj, ATOM_OBJ_MEMORY, memobj_destroy);
    __atomic_add_fetch(&anon_pages, pages, __ATOMIC_RELAXED);
    m->kind = MEMOBJ_ANON;
    m->cache = VM_CACHE_WB;
    m->pages = pages;
    m->frames = frames;
    *out = m;
    return E_OK;
}

int memobj_create_phys(uint64_t pa, uint64_t pages, enum vm_cache cache,
                       struct memobj **out)
{
    if (pages == 0 || pages > ATOM_MEM_MAX_PAGES ||
        (cache != VM_CACHE_WC && cache != VM_CACHE_UC) ||
        !vm_is_device_range(pa, pages * PAGE_SIZE))
        return E_INVAL;
    struct memobj *m = kzalloc(sizeof(*m));
    if (!m)
        return E_NOMEM;
    kobject_init(&m->obj, ATOM_OBJ_MEMORY, memobj_destroy);
    m->kind = MEMOBJ_PHYS;
    m->cache = cache;
    m->pages = pages;
    m->phys = pa;
    *out = m;
    return E_OK;
}

int memobj_create_framebuffer(const struct mb2_framebuffer *fb, struct memobj **out)
{
    if (fb->type != MB2_FB_RGB && fb->type != MB2_FB_EGA_TEXT)
        return E_INVAL;
    uint64_t first = fb->addr & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t bytes = (uint64_t)fb->pitch * fb->height;
    uint64_t pages = (fb->addr + bytes - first + PAGE_SIZE - 1) / PAGE_SIZE;
    struct atom_framebuffer_info *info = kzalloc(sizeof(*info));
    if (!info)
        return E_NOMEM;
    bool rgb = fb->type == MB2_FB_RGB;
    *info = (struct atom_framebuffer_info){
        .width = fb->width, .height = fb->height, .pitch = fb->pitch,
        .offset = (uint32_t)(fb->addr - first), .bpp = fb->bpp,
        .red_pos = rgb ? fb->red_pos : 0, .red_size = rgb ? fb->red_size : 0,
        .green_pos = rgb ? fb->green_pos : 0, .green_size = rgb ? fb->green_size : 0,
        .blue_pos = rgb ? fb->blue_pos : 0, .blue_size = rgb ? fb->blue_size : 0,
    };
    struct memobj *m;
    int err = memobj_create_phys(first, pages, VM_CACHE_WC, &m);
    if (err) {
        kfree(info);
        return err;
    }
    m->framebuffer = info;
    *out = m;
    return E_OK;
}

void memobj_mapped(struct memobj *m)
{
    if (m->framebuffer)
        fbcon_handover();
}

uint64_t memobj_frame(const struct memobj *m, uint64_t index)
{
    if (index >= m->pages)
        return MEMOBJ_NO_FRAME;
    return m->kind == MEMOBJ_ANON ? m->frames[index] : m->phys + index * PAGE_SIZE;
}

uint64_t memobj_pages(const struct memobj *m)
{
    return m->pages;
}

enum vm_cache memobj_cache(const struct memobj *m)
{
    return m->cache;
}

/* mem_create(pages, flags) -> handle of a new anonymous object, with every
 * right. */
int64_t sys_mem_create(struct syscall_regs *r)
{
    uint64_t pages = r->arg[0], flags = r->arg[1];
    if (flags != 0 || pages == 0 || pages > ATOM_MEM_MAX_PAGES)
        return syscall_error(E_INVAL);
    struct memobj *m;
    int err = memobj_create_anon(pages, &m);
    if (err)
        return syscall_error(err);
    int handle;
    err = cap_insert_root(process_current()->cspace, &m->obj, ATOM_RIGHTS_ALL, 0, &handle);
    kobject_put(&m->obj); /* the capability holds it now, or it dies here */
    return err ? syscall_error(err) : handle;
}

/* framebuffer_info(memory, out) -> 0: the geometry of the boot
 * framebuffer's object; any other memory object is EINVAL. */
int64_t sys_framebuffer_info(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_MEMORY, ATOM_RIGHT_READ, &obj, NULL);
    if (err)
        return syscall_error(err);
    const struct atom_framebuffer_info *info = memobj_of(obj)->framebuffer;
    /* perform: the object is immutable, so the copy needs no lock */
    err = info ? copy_to_user(r->arg[1], info, sizeof(*info)) : E_INVAL;
    kobject_put(obj);
    return syscall_error(err);
}
