/*
 * mm_selftest.c: self-tests of memory management on the real machine:
 * the protections the page tables give the kernel image, the address-space
 * API with its error paths, and the page allocator and heap at exhaustion.
 * Each test checks that free memory is the same before and after.
 */
#include <arch/layout.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/pmm.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/vm.h>

extern char kernel_text_start[], kernel_rodata_start[], kernel_data_start[];

static uint64_t free_pages(void)
{
    struct pmm_stats st;
    pmm_stats(&st);
    return st.free_pages;
}

static bool prot_of(const void *p, unsigned *prot)
{
    uint64_t pa;
    return vm_translate(vm_kernel_space(), (uint64_t)(uintptr_t)p, &pa, prot);
}

SELFTEST(vm_kernel_image_is_w_xor_x)
{
    struct vm_features f;
    unsigned text, rodata, data, direct;
    static int data_probe;
    vm_features(&f);
    if (!prot_of(kernel_text_start, &text) || !prot_of(kernel_rodata_start, &rodata) ||
        !prot_of(&data_probe, &data) || !prot_of(phys_to_virt(0x100000), &direct))
        return "a kernel section is not mapped";
    if ((text & VM_WRITE) || !(text & VM_EXEC))
        return "text is not read-execute";
    if ((rodata & VM_WRITE) || (f.nx && (rodata & VM_EXEC)))
        return "rodata is writable or executable";
    if (!(data & VM_WRITE) || (f.nx && (data & VM_EXEC)))
        return "data is not read-write no-execute";
    if (!(direct & VM_WRITE) || (f.nx && (direct & VM_EXEC)))
        return "the direct map is executable";
    if ((text | rodata | data | direct) & VM_USER)
        return "a kernel mapping is reachable from user mode";
    uint64_t pa;
    unsigned prot;
    if (vm_translate(vm_kernel_space(), 0, &pa, &prot) ||
        vm_translate(vm_kernel_space(), 0x100000, &pa, &prot))
        return "low memory is still identity-mapped";
    return NULL;
}

SELFTEST(vm_address_space_api)
{
    uint64_t before = free_pages();
    struct vm_features f;
    vm_features(&f);
    /* Without NX every mapping is executable. */
    unsigned exec_if_no_nx = f.nx ? 0 : VM_EXEC;
    struct vm_space *as;
    if (vm_space_create(&as) != E_OK)
        return "cannot create an address space";
    uint64_t frames = pmm_alloc_pages(2);
    if (frames == PMM_NONE)
        return "no frames";
    const char *err = NULL;
    uint64_t pa;
    unsigned prot;
    const uint64_t va = 0x400000;
    if (vm_map(as, va, frames, 2, VM_READ | VM_WRITE) != E_OK)
        err = "map failed";
    else if (!vm_translate(as, va + 0x1234, &pa, &prot) || pa != frames + 0x1234 ||
             prot != (VM_READ | VM_WRITE | VM_USER | exec_if_no_nx))
        err = "translation does not match the mapping";
    else if (vm_map(as, va + PAGE_SIZE, frames, 1, VM_READ) != E_BUSY)
        err = "mapping over a mapped page was not refused";
    else if (vm_map(as, va + 0x10, frames, 1, VM_READ) != E_INVAL)
        err = "an unaligned address was accepted";
    else if (vm_map(as, 0x2000000, frames, 1, VM_READ | VM_WRITE | VM_EXEC) != E_INVAL)
        err = "a writable and executable mapping was accepted";
    else if (vm_map(as, KERNEL_VMA, frames, 1, VM_READ) != E_INVAL)
        err = "a user mapping in the kernel half was accepted";
    else if (vm_map(as, USER_TOP - PAGE_SIZE, frames, 2, VM_READ) != E_INVAL)
        err = "a mapping across the end of the user half was accepted";
    else if (vm_map(as, 0x3000000, frames, 0, VM_READ) != E_INVAL)
        err = "an empty mapping was accepted";
    else if (vm_protect(as, va, 2, VM_READ | VM_EXEC) != E_OK ||
             !vm_translate(as, va, &pa, &prot) || (prot & VM_WRITE) || !(prot & VM_EXEC))
        err = "protect did not change the permissions";
    else if (vm_unmap(as, va, 3) != E_INVAL)
        err = "unmapping a partly unmapped range was accepted";
    else if (!vm_translate(as, va, &pa, &prot))
        err = "a refused unmap changed the mapping";
    else if (vm_unmap(as, va, 2) != E_OK || vm_translate(as, va, &pa, &prot))
        err = "unmap failed";
    vm_space_destroy(as);
    pmm_free_pages(frames, 2);
    if (!err && free_pages() != before)
        err = "pages leaked";
    return err;
}

SELFTEST(vm_kernel_stacks_have_guard_pages)
{
    uint64_t before = free_pages();
    uint64_t top = vm_stack_alloc(4);
    if (!top)
        return "cannot allocate a stack";
    uint64_t pa;
    unsigned prot;
    const char *err = NULL;
    if (!vm_translate(vm_kernel_space(), top - PAGE_SIZE, &pa, &prot) ||
        !vm_translate(vm_kernel_space(), top - 4 * PAGE_SIZE, &pa, &prot))
        err = "the stack is not mapped";
    else if (vm_translate(vm_kernel_space(), top - 5 * PAGE_SIZE, &pa, &prot))
        err = "no guard page below the stack";
    vm_stack_free(top, 4);
    if (!err && free_pages() != before)
        err = "pages leaked";
    return err;
}

/* Takes every free page, largest blocks first so that large machines
 * need few calls, checks the allocator says it is empty without
 * panicking, and gives everything back through a chain kept in the
 * blocks themselves. */
SELFTEST(pmm_exhaustion_and_recovery)
{
    uint64_t before = free_pages();
    uint64_t chain = PMM_NONE, count = 0;
    for (int order = PMM_MAX_ORDER; order >= 0; order--) {
        uint64_t pa;
        while ((pa = pmm_alloc((unsigned)order)) != PMM_NONE) {
            uint64_t *link = phys_to_virt(pa);
            link[0] = chain;
            link[1] = (uint64_t)order;
            chain = pa;
            count += 1ull << order;
        }
    }
    const char *err = NULL;
    if (count != before)
        err = "not every free page could be allocated";
    else if (pmm_alloc(0) != PMM_NONE || free_pages() != 0)
        err = "allocator not empty after exhaustion";
    else if (kmalloc(64 * 1024) != NULL)
        err = "the heap returned memory that does not exist";
    while (chain != PMM_NONE) {
        const uint64_t *link = phys_to_virt(chain);
        uint64_t next = link[0];
        if (pmm_free(chain, (unsigned)link[1]) != E_OK && !err)
            err = "a block could not be freed";
        chain = next;
    }
    if (!err && free_pages() != before)
        err = "pages lost after freeing everything";
    if (!err && pmm_check() != E_OK)
        err = "allocator invariants broken";
    return err;
}

SELFTEST(pmm_refuses_double_free)
{
    uint64_t before = free_pages();
    uint64_t pa = pmm_alloc(2);
    if (pa == PMM_NONE)
        return "no memory";
    if (pmm_free(pa, 2) != E_OK)
        return "free failed";
    if (pmm_free(pa, 2) == E_OK)
        return "double free accepted";
    if (pmm_free(pa + 1, 0) == E_OK)
        return "misaligned free accepted";
    return free_pages() == before ? NULL : "refused frees changed the count";
}

SELFTEST(heap_sizes_and_contents)
{
    static void *blocks[64];
    uint64_t before = free_pages();
    for (unsigned i = 0; i < 64; i++) {
        size_t size = (size_t)1 << (i % 16);
        blocks[i] = kmalloc(size);
        if (!blocks[i])
            return "allocation failed";
        memset(blocks[i], (int)i, size);
    }
    for (unsigned i = 0; i < 64; i++) {
        size_t size = (size_t)1 << (i % 16);
        const unsigned char *b = blocks[i];
        for (size_t j = 0; j < size; j++)
            if (b[j] != (unsigned char)i)
                return "blocks overlap";
        kfree(blocks[i]);
    }
    unsigned char *z = kzalloc(3000);
    if (!z)
        return "kzalloc failed";
    for (size_t j = 0; j < 3000; j++)
        if (z[j])
            return "kzalloc memory is not zero";
    kfree(z);
    kfree(NULL);
    (void)before; /* slabs may stay cached: no exact page count here */
    return NULL;
}
