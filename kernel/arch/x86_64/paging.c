/*
 * paging.c: x86_64 four-level page tables behind <kernel/vm.h>.
 *
 * vm_init() replaces the boot tables with the kernel's own: the image with
 * 4 KiB pages and W^X permissions per section (text RX, rodata R, data and
 * bss RW, the last two no-execute), a direct map of RAM (never of device
 * memory, so no range is mapped with two memory types) using the largest
 * pages that fit, and nothing at low addresses.  It turns on NX, SMEP,
 * SMAP, UMIP and CR0.WP where the CPU has them, and PAT so that
 * framebuffers can be write-combining.  The tables it needs come from
 * bootmem below 4 GiB, the part the boot tables can reach; later tables
 * come from the page allocator.
 *
 * Every address space shares the kernel half by copying the kernel's
 * top-level entries, which all exist from vm_init() on, so kernel mappings
 * made later appear everywhere.  User mappings are 4 KiB pages, write-back
 * unless VM_WC or VM_UC asks for device memory's type through PAT.  Each
 * call checks its whole range before it changes a single entry, and
 * vm_prepare lets a caller create the tables of a range first, so that the
 * mapping itself cannot fail half done.
 */
#include <arch/io.h>
#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/bootmem.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/pmm.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#define PTE_P     (1ull << 0)
#define PTE_W     (1ull << 1)
#define PTE_U     (1ull << 2)
#define PTE_PWT   (1ull << 3)
#define PTE_PCD   (1ull << 4)
#define PTE_PS    (1ull << 7)   /* large page, in PDPT and PD entries */
#define PTE_PAT   (1ull << 7)   /* PAT bit, in 4 KiB entries */
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000FFFFFFFFFF000ull
#define GIB       (1ull << 30)
#define MIB2      (1ull << 21)
#define KERNEL_HALF DIRECT_MAP_BASE

#define CR0_WP    (1ull << 16)
#define CR4_PGE   (1ull << 7)
#define CR4_UMIP  (1ull << 11)
#define CR4_SMEP  (1ull << 20)
#define CR4_SMAP  (1ull << 21)
#define MSR_PAT   0x277
/* PAT entries: 0 WB, 1 WC, 2 UC-, 3 UC, 4 WB, 5 WP, 6 UC-, 7 WT; so
 * PWT alone selects WC and PCD|PWT selects UC. */
#define PAT_VALUE 0x0407050600070106ull

struct vm_space {
    uint64_t root;       /* physical address of the PML4 */
    spinlock_t lock;
    bool kernel;
};

static struct vm_space kernel_space;
static struct vm_features features;
static uint64_t nx_bit;          /* PTE_NX, or 0 where the CPU has no NX */
static uint64_t phys_limit;      /* 1 << MAXPHYADDR */
static bool pmm_ready;
static uint64_t device_next = DEVICE_WINDOW;
static uint64_t stack_next = STACK_AREA;
static spinlock_t window_lock = SPINLOCK_INIT;

extern char kernel_text_start[], kernel_text_end[], kernel_rodata_start[];
extern char kernel_data_start[], kernel_bss_end[];
extern uint8_t usercopy_smap; /* usercopy.S: whether STAC/CLAC are needed */

static void detect_features(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    cpuid(1, 0, r);
    features.pat = r[3] & (1u << 16);
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        features.smep = r[1] & (1u << 7);
        features.smap = r[1] & (1u << 20);
        features.umip = r[2] & (1u << 2);
    }
    cpuid(0x80000000, 0, r);
    uint32_t max_ext = r[0];
    phys_limit = 1ull << 36;
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, r);
        features.nx = r[3] & (1u << 20);
        features.gbpages = r[3] & (1u << 26);
    }
    if (max_ext >= 0x80000008) {
        cpuid(0x80000008, 0, r);
        phys_limit = 1ull << (r[0] & 0xff);
    }
    features.wp = true;
    nx_bit = features.nx ? PTE_NX : 0;
}

void vm_features(struct vm_features *out)
{
    *out = features;
}

static uint64_t table_alloc(void)
{
    if (!pmm_ready)
        return bootmem_alloc_page(BOOT_MAPPED_LIMIT);
    uint64_t pa = pmm_alloc(0);
    if (pa == PMM_NONE)
        return 0;
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

static uint64_t *table(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDR);
}

static unsigned index_of(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The entry for va at `level` (4 = PML4 ... 1 = PT), creating the tables
 * above it when `create`; NULL if a table is missing (or cannot be made)
 * or a large page is in the way. */
static uint64_t *entry_at(uint64_t root, uint64_t va, int level, bool create)
{
    uint64_t *t = phys_to_virt(root);
    for (int l = 4; l > level; l--) {
        uint64_t *e = &t[index_of(va, l)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t pa = table_alloc();
            if (!pa)
                return NULL;
            /* Intermediate levels allow everything; leaves decide. */
            *e = pa | PTE_P | PTE_W | (va < KERNEL_HALF ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            return NULL;
        }
        t = table(*e);
    }
    return &t[index_of(va, level)];
}

static uint64_t cache_bits(enum vm_cache cache)
{
    switch (cache) {
    case VM_CACHE_WC:
        return features.pat ? PTE_PWT : PTE_PCD | PTE_PWT;
    case VM_CACHE_UC:
        return PTE_PCD | PTE_PWT;
    default:
        return 0;
    }
}

static uint64_t leaf_bits(unsigned prot, bool user)
{
    uint64_t bits = PTE_P;
    if (prot & VM_WC)
        bits |= cache_bits(VM_CACHE_WC);
    if (prot & VM_UC)
        bits |= cache_bits(VM_CACHE_UC);
    if (prot & VM_WRITE)
        bits |= PTE_W;
    if (!(prot & VM_EXEC))
        bits |= nx_bit;
    if (user)
        bits |= PTE_U;
    return bits;
}

/* Maps [pa, pa + size) at va in the kernel space with the largest pages
 * alignment allows.  Boot-time only: it assumes the range is unmapped. */
static int map_kernel_range(uint64_t va, uint64_t pa, uint64_t size, uint64_t bits)
{
    uint64_t end = pa + size;
    while (pa < end) {
        uint64_t *e;
        if (features.gbpages && !(va & (GIB - 1)) && !(pa & (GIB - 1)) && end - pa >= GIB) {
            if (!(e = entry_at(kernel_space.root, va, 3, true)))
                return E_NOMEM;
            *e = pa | bits | PTE_PS;
            va += GIB;
            pa += GIB;
        } else if (!(va & (MIB2 - 1)) && !(pa & (MIB2 - 1)) && end - pa >= MIB2) {
            if (!(e = entry_at(kernel_space.root, va, 2, true)))
                return E_NOMEM;
            *e = pa | bits | PTE_PS;
            va += MIB2;
            pa += MIB2;
        } else {
            if (!(e = entry_at(kernel_space.root, va, 1, true)))
                return E_NOMEM;
            *e = pa | bits;
            va += PAGE_SIZE;
            pa += PAGE_SIZE;
        }
    }
    return E_OK;
}

static int map_image_section(const char *start, const char *end, unsigned prot)
{
    uint64_t va = (uint64_t)(uintptr_t)start & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t va_end = ((uint64_t)(uintptr_t)end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    for (; va < va_end; va += PAGE_SIZE) {
        uint64_t *e = entry_at(kernel_space.root, va, 1, true);
        if (!e)
            return E_NOMEM;
        *e = (va - KERNEL_VMA) | leaf_bits(prot, false);
    }
    return E_OK;
}

/* RAM goes into the direct map; so does the first MiB except the legacy
 * VGA window, for firmware structures that live there.  Device memory
 * never does: it is mapped with its own memory type by vm_map_physical. */
static bool is_ram(enum mem_type type)
{
    return type == MEM_USABLE || type == MEM_ACPI_RECLAIMABLE || type == MEM_ACPI_NVS;
}

#define MAX_RAM_RANGES 512
static struct { uint64_t start, end; } ram[MAX_RAM_RANGES];
static size_t ram_count;

/* The page-aligned RAM ranges of the memory map, sorted and merged, so
 * that each page is mapped once and as many as possible as large pages. */
static size_t collect_ram(const struct mb2_info *boot)
{
    size_t n = 0;
    uint64_t reach = DIRECT_MAP_END - DIRECT_MAP_BASE;
    if (phys_limit < reach)
        reach = phys_limit;
    struct mem_region r;
    for (size_t i = 0; i < mb2_mmap_count(boot); i++) {
        if (!mb2_mmap_entry(boot, i, &r) || !is_ram(r.type))
            continue;
        uint64_t start = (r.base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (r.base + r.length) & ~(uint64_t)(PAGE_SIZE - 1);
        if (start < 0x100000)
            start = 0x100000;
        if (end > reach)
            end = reach;
        if (start >= end)
            continue;
        if (n == MAX_RAM_RANGES) {
            log_warn("vm: more than %d RAM ranges; the rest is not mapped",
                     MAX_RAM_RANGES);
            break;
        }
        /* Insertion sort by start: the map is short and nearly sorted. */
        size_t j = n++;
        while (j > 0 && ram[j - 1].start > start) {
            ram[j] = ram[j - 1];
            j--;
        }
        ram[j].start = start;
        ram[j].end = end;
    }
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        if (merged && ram[i].start <= ram[merged - 1].end) {
            if (ram[i].end > ram[merged - 1].end)
                ram[merged - 1].end = ram[i].end;
        } else {
            ram[merged++] = ram[i];
        }
    }
    return merged;
}

static int map_direct(const struct mb2_info *boot)
{
    uint64_t bits = PTE_P | PTE_W | nx_bit;
    int err = map_kernel_range(DIRECT_MAP_BASE, 0, 0xA0000, bits);
    if (!err)
        err = map_kernel_range(DIRECT_MAP_BASE + 0xC0000, 0xC0000, 0x40000, bits);
    size_t n = collect_ram(boot);
    ram_count = n;
    for (size_t i = 0; !err && i < n; i++)
        err = map_kernel_range(DIRECT_MAP_BASE + ram[i].start, ram[i].start,
                               ram[i].end - ram[i].start, bits);
    return err;
}

/* Creates every top-level entry of the kernel half the kernel uses, so
 * user spaces, which copy them, see later kernel mappings. */
static int prefill_kernel_half(void)
{
    static const uint64_t regions[][2] = {
        { DEVICE_WINDOW, DEVICE_WINDOW_END },
        { STACK_AREA, STACK_AREA_END },
    };
    uint64_t *pml4 = phys_to_virt(kernel_space.root);
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        for (uint64_t va = regions[i][0]; va < regions[i][1]; va += 512 * GIB) {
            uint64_t *e = &pml4[index_of(va, 4)];
            if (!(*e & PTE_P)) {
                uint64_t pa = table_alloc();
                if (!pa)
                    return E_NOMEM;
                *e = pa | PTE_P | PTE_W;
            }
        }
    }
    return E_OK;
}

int vm_init(const struct mb2_info *boot)
{
    detect_features();
    kernel_space.kernel = true;
    kernel_space.root = table_alloc();
    if (!kernel_space.root)
        return E_NOMEM;

    int err = map_image_section(kernel_text_start, kernel_text_end, VM_READ | VM_EXEC);
    if (!err)
        err = map_image_section(kernel_rodata_start, kernel_data_start, VM_READ);
    if (!err)
        err = map_image_section(kernel_data_start, kernel_bss_end, VM_READ | VM_WRITE);
    if (!err)
        err = map_direct(boot);
    if (!err)
        err = prefill_kernel_half();
    if (err) {
        log_error("vm: out of memory for the kernel page tables");
        return err;
    }

    if (features.pat)
        wrmsr(MSR_PAT, PAT_VALUE);
    usercopy_smap = features.smap;
    write_cr3(kernel_space.root);
    uint64_t cr4 = read_cr4();
    if (features.smep)
        cr4 |= CR4_SMEP;
    if (features.smap)
        cr4 |= CR4_SMAP;
    if (features.umip)
        cr4 |= CR4_UMIP;
    write_cr4(cr4);
    write_cr0(read_cr0() | CR0_WP);
    log_info("vm: kernel W^X, NX %s, SMEP %s, SMAP %s, UMIP %s, WP on, PAT %s",
             features.nx ? "on" : "absent", features.smep ? "on" : "absent",
             features.smap ? "on" : "absent", features.umip ? "on" : "absent",
             features.pat ? "on" : "absent");
    return E_OK;
}

void vm_pmm_ready(void)
{
    pmm_ready = true;
}

struct vm_space *vm_kernel_space(void)
{
    return &kernel_space;
}

/* Checks a range and its protection for a space; no side effects.
 * `types`: the memory-type bits prot may carry (VM_WC, VM_UC). */
static int decode_range(const struct vm_space *space, uint64_t va, size_t pages,
                        unsigned prot, bool check_prot, unsigned types)
{
    if (pages == 0 || (va & (PAGE_SIZE - 1)) || pages > (USER_TOP >> 12))
        return E_INVAL;
    uint64_t len = (uint64_t)pages * PAGE_SIZE;
    if (space->kernel) {
        if (va < KERNEL_HALF || va + len < va)
            return E_INVAL;
    } else if (va >= USER_TOP - PAGE_SIZE || len > USER_TOP - PAGE_SIZE - va) {
        /* The last user page stays unmapped: code there would make SYSCALL
         * return to a non-canonical address. */
        return E_INVAL;
    }
    if (check_prot) {
        if (!(prot & VM_READ) || (prot & ~(VM_READ | VM_WRITE | VM_EXEC | VM_USER | types)))
            return E_INVAL;
        if ((prot & VM_WC) && (prot & VM_UC))
            return E_INVAL;
        if ((prot & VM_WRITE) && (prot & VM_EXEC))
            return E_INVAL; /* W^X everywhere */
        if (space->kernel && (prot & VM_USER))
            return E_INVAL;
    }
    return E_OK;
}

/* True if every page of the range is mapped (want) or unmapped (!want). */
static bool range_is(const struct vm_space *space, uint64_t va, size_t pages, bool want)
{
    for (size_t i = 0; i < pages; i++) {
        uint64_t *e = entry_at(space->root, va + i * PAGE_SIZE, 1, false);
        bool mapped = e && (*e & PTE_P);
        if (mapped != want)
            return false;
    }
    return true;
}

static void flush(const struct vm_space *space, uint64_t va, size_t pages)
{
    if (read_cr3() != space->root && !space->kernel)
        return;
    for (size_t i = 0; i < pages; i++)
        invlpg(va + i * PAGE_SIZE);
}

int vm_map(struct vm_space *space, uint64_t va, uint64_t pa, size_t pages, unsigned prot)
{
    int err = decode_range(space, va, pages, prot, true, VM_WC | VM_UC);
    if (err)
        return err;
    if ((pa & (PAGE_SIZE - 1)) || pa >= phys_limit ||
        (uint64_t)pages * PAGE_SIZE > phys_limit - pa)
        return E_INVAL;
    spin_lock(&space->lock);
    if (!range_is(space, va, pages, false)) {
        spin_unlock(&space->lock);
        return E_BUSY;
    }
    uint64_t bits = leaf_bits(prot, !space->kernel);
    size_t done = 0;
    for (; done < pages; done++) {
        uint64_t *e = entry_at(space->root, va + done * PAGE_SIZE, 1, true);
        if (!e)
            break;
        *e = (pa + done * PAGE_SIZE) | bits;
    }
    if (done < pages) {
        for (size_t i = 0; i < done; i++)
            *entry_at(space->root, va + i * PAGE_SIZE, 1, false) = 0;
        flush(space, va, done);
        err = E_NOMEM;
    }
    spin_unlock(&space->lock);
    return err;
}

int vm_unmap(struct vm_space *space, uint64_t va, size_t pages)
{
    int err = decode_range(space, va, pages, 0, false, 0);
    if (err)
        return err;
    spin_lock(&space->lock);
    if (!range_is(space, va, pages, true)) {
        spin_unlock(&space->lock);
        return E_INVAL;
    }
    for (size_t i = 0; i < pages; i++)
        *entry_at(space->root, va + i * PAGE_SIZE, 1, false) = 0;
    flush(space, va, pages);
    spin_unlock(&space->lock);
    return E_OK;
}

int vm_protect(struct vm_space *space, uint64_t va, size_t pages, unsigned prot)
{
    int err = decode_range(space, va, pages, prot, true, 0);
    if (err)
        return err;
    spin_lock(&space->lock);
    if (!range_is(space, va, pages, true)) {
        spin_unlock(&space->lock);
        return E_INVAL;
    }
    uint64_t bits = leaf_bits(prot, !space->kernel);
    for (size_t i = 0; i < pages; i++) {
        uint64_t *e = entry_at(space->root, va + i * PAGE_SIZE, 1, false);
        *e = (*e & (PTE_ADDR | PTE_PAT | PTE_PCD | PTE_PWT)) | bits; /* keeps the type */
    }
    flush(space, va, pages);
    spin_unlock(&space->lock);
    return E_OK;
}

int vm_prepare(struct vm_space *space, uint64_t va, size_t pages)
{
    int err = decode_range(space, va, pages, 0, false, 0);
    if (err)
        return err;
    uint64_t end = va + (uint64_t)pages * PAGE_SIZE;
    spin_lock(&space->lock);
    /* One page per page table: entry_at makes the tables above it. */
    for (uint64_t a = va;;) {
        if (!entry_at(space->root, a, 1, true)) {
            err = E_NOMEM;
            break;
        }
        uint64_t next = (a | (MIB2 - 1)) + 1;
        if (next <= a || next >= end)
            break;
        a = next;
    }
    spin_unlock(&space->lock);
    return err;
}

bool vm_translate(struct vm_space *space, uint64_t va, uint64_t *pa, unsigned *prot)
{
    uint64_t *t = phys_to_virt(space->root);
    for (int level = 4; level >= 1; level--) {
        uint64_t e = t[index_of(va, level)];
        if (!(e & PTE_P))
            return false;
        if (level == 1 || (level <= 3 && (e & PTE_PS))) {
            uint64_t page = 1ull << (12 + 9 * (level - 1));
            uint64_t base = e & PTE_ADDR & ~(page - 1);
            if (level > 1)
                base &= ~(uint64_t)0x1000; /* the large-page PAT bit */
            *pa = base + (va & (page - 1));
            *prot = VM_READ | ((e & PTE_W) ? VM_WRITE : 0) |
                    ((e & PTE_U) ? VM_USER : 0) |
                    ((!nx_bit || !(e & PTE_NX)) ? VM_EXEC : 0) |
                    ((e & PTE_PCD) ? VM_UC : (e & PTE_PWT) ? VM_WC : 0);
            return true;
        }
        t = table(e);
    }
    return false;
}

int vm_space_create(struct vm_space **out)
{
    struct vm_space *space = kzalloc(sizeof(*space));
    if (!space)
        return E_NOMEM;
    space->root = table_alloc();
    if (!space->root) {
        kfree(space);
        return E_NOMEM;
    }
    memcpy((uint64_t *)phys_to_virt(space->root) + 256,
           (uint64_t *)phys_to_virt(kernel_space.root) + 256, 256 * sizeof(uint64_t));
    *out = space;
    return E_OK;
}

/* Frees the user-half tables below `t` at `level`, and the frames they
 * map when `frames` says the space owns them. */
static void free_tables(uint64_t *t, int level, unsigned count, bool frames)
{
    for (unsigned i = 0; i < count; i++) {
        if (!(t[i] & PTE_P))
            continue;
        if (level > 1)
            free_tables(table(t[i]), level - 1, 512, frames);
        if (level > 1 || frames)
            pmm_free(t[i] & PTE_ADDR, 0);
    }
}

static void space_destroy(struct vm_space *space, bool frames)
{
    if (!space || space->kernel)
        return;
    if (read_cr3() == space->root)
        write_cr3(kernel_space.root);
    free_tables(phys_to_virt(space->root), 4, 256, frames);
    pmm_free(space->root, 0);
    kfree(space);
}

void vm_space_destroy(struct vm_space *space)
{
    space_destroy(space, false);
}

void vm_space_destroy_with_frames(struct vm_space *space)
{
    space_destroy(space, true);
}

void vm_space_switch(struct vm_space *space)
{
    arch_space_switch(space->root);
}

uint64_t vm_space_root(const struct vm_space *space)
{
    return space->root;
}

static bool in_direct_map(uint64_t pa, uint64_t size)
{
    uint64_t p, page;
    unsigned prot;
    for (page = pa & ~(uint64_t)(PAGE_SIZE - 1); page < pa + size; page += PAGE_SIZE)
        if (!vm_translate(&kernel_space, DIRECT_MAP_BASE + page, &p, &prot))
            return false;
    return true;
}

/* The direct map's share of the first MiB: all but the VGA window. */
static const struct { uint64_t start, end; } low_direct[] = {
    { 0, 0xA0000 }, { 0xC0000, 0x100000 },
};

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

bool vm_is_device_range(uint64_t pa, uint64_t size)
{
    if (size == 0 || ((pa | size) & (PAGE_SIZE - 1)) || pa >= phys_limit ||
        size > phys_limit - pa)
        return false;
    uint64_t end = pa + size;
    for (size_t i = 0; i < sizeof(low_direct) / sizeof(low_direct[0]); i++)
        if (overlaps(pa, end, low_direct[i].start, low_direct[i].end))
            return false;
    for (size_t i = 0; i < ram_count; i++)
        if (overlaps(pa, end, ram[i].start, ram[i].end))
            return false;
    return true;
}

void *vm_map_physical(uint64_t pa, uint64_t size, enum vm_cache cache)
{
    if (size == 0 || pa >= phys_limit || size > phys_limit - pa)
        return NULL;
    if (cache == VM_CACHE_WB && in_direct_map(pa, size))
        return phys_to_virt(pa);
    uint64_t first = pa & ~(uint64_t)(PAGE_SIZE - 1);
    size_t pages = (size_t)((pa + size - first + PAGE_SIZE - 1) / PAGE_SIZE);
    spin_lock(&window_lock);
    if (pages > (DEVICE_WINDOW_END - device_next) / PAGE_SIZE) {
        spin_unlock(&window_lock);
        return NULL;
    }
    uint64_t va = device_next;
    device_next += (uint64_t)pages * PAGE_SIZE;
    spin_unlock(&window_lock);
    uint64_t bits = PTE_P | PTE_W | nx_bit | cache_bits(cache);
    for (size_t i = 0; i < pages; i++) {
        uint64_t *e = entry_at(kernel_space.root, va + i * PAGE_SIZE, 1, true);
        if (!e)
            return NULL;
        *e = (first + i * PAGE_SIZE) | bits;
    }
    return (void *)(uintptr_t)(va + (pa - first));
}

/* Freed stack slots, reused for stacks of the same size so that the
 * stack area's page tables stop growing once a workload is steady. */
#define STACK_SLOTS_KEPT 256
static struct { uint64_t top; size_t pages; } free_slots[STACK_SLOTS_KEPT];
static size_t free_slot_count;

uint64_t vm_stack_alloc(size_t pages)
{
    if (pages == 0 || pages > 256)
        return 0;
    uint64_t base = 0;
    spin_lock(&window_lock);
    for (size_t i = 0; i < free_slot_count; i++) {
        if (free_slots[i].pages == pages) {
            base = free_slots[i].top - pages * PAGE_SIZE;
            free_slots[i] = free_slots[--free_slot_count];
            break;
        }
    }
    if (!base) {
        base = stack_next + PAGE_SIZE; /* the guard page stays unmapped */
        stack_next += (pages + 1) * PAGE_SIZE;
    }
    spin_unlock(&window_lock);
    for (size_t i = 0; i < pages; i++) {
        uint64_t pa = pmm_alloc(0);
        if (pa == PMM_NONE || vm_map(&kernel_space, base + i * PAGE_SIZE, pa, 1,
                                     VM_READ | VM_WRITE) != E_OK) {
            if (pa != PMM_NONE)
                pmm_free(pa, 0);
            vm_stack_free(base + pages * PAGE_SIZE, pages);
            return 0;
        }
    }
    return base + pages * PAGE_SIZE;
}

static void stack_unmap(uint64_t base, size_t pages)
{
    for (size_t i = 0; i < pages; i++) {
        uint64_t pa;
        unsigned prot;
        if (vm_translate(&kernel_space, base + i * PAGE_SIZE, &pa, &prot)) {
            vm_unmap(&kernel_space, base + i * PAGE_SIZE, 1);
            pmm_free(pa, 0);
        }
    }
}

void vm_stack_free(uint64_t top, size_t pages)
{
    stack_unmap(top - pages * PAGE_SIZE, pages);
    spin_lock(&window_lock);
    if (free_slot_count < STACK_SLOTS_KEPT)
        free_slots[free_slot_count++] = (typeof(free_slots[0])){ top, pages };
    spin_unlock(&window_lock);
}
