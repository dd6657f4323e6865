/*
 * elf.c: validation of ELF64 program files before they are loaded.
 *
 * A program file is outside data: every field that decides what gets
 * mapped where is checked before the loader acts on it.  The decode runs
 * in order: the ELF header (identity, type, machine, the program header
 * table inside the file), then each program header on its own (bounds in
 * the file, sizes, alignment, the user half, permissions), then the
 * segments together (no two share a page, total size, the entry point,
 * TLS, where the headers are mapped).  The first defect is reported once,
 * naming the header and the reason, and nothing is handed out; a file
 * that passes is described by a struct elf_image with its PT_LOADs sorted
 * by address, which is all the loader reads.
 *
 * All arithmetic on file values is overflow-safe: ranges are checked as
 * `off > size || len > size - off`, never by adding first.  Headers are
 * copied out with memcpy, so the file needs no particular alignment.
 */
#include <kernel/elf.h>
#include <kernel/error.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include <stdbool.h>

#define KERNEL_HALF   0xffff800000000000ull
#define PAGE_MASK     (ELF_PAGE_SIZE - 1)
#define UINT64_LIMIT  (~0ull)

struct decoder {
    const uint8_t *file;
    size_t size;
    elf_report_t report;
    void *ctx;
};

#define fail(d, fmt, ...)                                                    \
    ((d)->report((d)->ctx, "elf: " fmt, ##__VA_ARGS__), E_INVAL)

#define phdr_fail(d, i, ph, fmt, ...)                                        \
    ((d)->report((d)->ctx, "elf: program header %u (%s): " fmt, (i),         \
                 type_name((ph)->p_type), ##__VA_ARGS__),                    \
     E_INVAL)

static const char *type_name(uint32_t type)
{
    switch (type) {
    case PT_NULL:         return "PT_NULL";
    case PT_LOAD:         return "PT_LOAD";
    case PT_DYNAMIC:      return "PT_DYNAMIC";
    case PT_INTERP:       return "PT_INTERP";
    case PT_NOTE:         return "PT_NOTE";
    case PT_SHLIB:        return "PT_SHLIB";
    case PT_PHDR:         return "PT_PHDR";
    case PT_TLS:          return "PT_TLS";
    case PT_GNU_EH_FRAME: return "PT_GNU_EH_FRAME";
    case PT_GNU_STACK:    return "PT_GNU_STACK";
    case PT_GNU_RELRO:    return "PT_GNU_RELRO";
    case PT_GNU_PROPERTY: return "PT_GNU_PROPERTY";
    default:              return "unknown type";
    }
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static uint64_t page_down(uint64_t v)
{
    return v & ~PAGE_MASK;
}

/* Callers have checked that v + PAGE_MASK cannot wrap. */
static uint64_t page_up(uint64_t v)
{
    return (v + PAGE_MASK) & ~PAGE_MASK;
}

static bool in_file(const struct decoder *d, uint64_t off, uint64_t len)
{
    return off <= d->size && len <= d->size - off;
}

static int check_ident(const struct decoder *d, struct elf64_ehdr *eh)
{
    const uint8_t *id = d->file;
    if (d->size >= 4 && (id[EI_MAG0] != ELFMAG0 || id[1] != ELFMAG1 ||
                         id[2] != ELFMAG2 || id[3] != ELFMAG3))
        return fail(d, "bad magic %02x %02x %02x %02x: not an ELF file",
                    id[0], id[1], id[2], id[3]);
    if (d->size < sizeof(*eh))
        return fail(d, "truncated: file is %zu bytes, shorter than the 64-byte ELF header",
                    d->size);
    memcpy(eh, d->file, sizeof(*eh));
    if (id[EI_CLASS] != ELFCLASS64)
        return fail(d, "class %u is not ELFCLASS64 (only 64-bit programs run)",
                    id[EI_CLASS]);
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(d, "data encoding %u is not ELFDATA2LSB (little-endian)",
                    id[EI_DATA]);
    if (id[EI_VERSION] != EV_CURRENT)
        return fail(d, "ident version %u is not EV_CURRENT", id[EI_VERSION]);
    if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU)
        return fail(d, "OS ABI %u is neither System V (0) nor GNU (3)",
                    id[EI_OSABI]);
    return E_OK;
}

static int check_header(const struct decoder *d, const struct elf64_ehdr *eh)
{
    switch (eh->e_type) {
    case ET_EXEC:
        break;
    case ET_DYN:
        return fail(d, "type ET_DYN: position-independent executables and "
                       "shared objects are not supported (link with -static -no-pie)");
    case ET_REL:
        return fail(d, "type ET_REL: a relocatable object file, not an executable");
    case ET_CORE:
        return fail(d, "type ET_CORE: a core dump, not an executable");
    default:
        return fail(d, "type %u is not ET_EXEC", eh->e_type);
    }
    if (eh->e_machine != EM_X86_64)
        return fail(d, "machine %u is not EM_X86_64 (62)", eh->e_machine);
    if (eh->e_version != EV_CURRENT)
        return fail(d, "version %u is not EV_CURRENT", eh->e_version);
    if (eh->e_ehsize < sizeof(struct elf64_ehdr))
        return fail(d, "ELF header size %u is smaller than 64", eh->e_ehsize);
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return fail(d, "program header size %u is not 56", eh->e_phentsize);
    if (eh->e_phnum == PN_XNUM)
        return fail(d, "extended program header numbering (PN_XNUM) is not supported");
    if (eh->e_phnum == 0)
        return fail(d, "no program headers");
    if (eh->e_phnum > ELF_MAX_PHDRS)
        return fail(d, "too many program headers: %u (at most %u)",
                    eh->e_phnum, ELF_MAX_PHDRS);

    uint64_t table = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff < sizeof(struct elf64_ehdr))
        return fail(d, "program header table at %#lx overlaps the ELF header",
                    eh->e_phoff);
    if (eh->e_phoff > UINT64_LIMIT - table)
        return fail(d, "program header table offset %#lx is out of range",
                    eh->e_phoff);
    if (!in_file(d, eh->e_phoff, table))
        return fail(d, "truncated: program headers end at %#lx, file is %#zx bytes",
                    eh->e_phoff + table, d->size);
    return E_OK;
}

static void read_phdr(const struct decoder *d, const struct elf64_ehdr *eh,
                      unsigned i, struct elf64_phdr *ph)
{
    memcpy(ph, d->file + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

/* The checks every PT_LOAD must pass on its own. */
static int check_load(const struct decoder *d, unsigned i,
                      const struct elf64_phdr *ph)
{
    uint64_t va = ph->p_vaddr, memsz = ph->p_memsz;

    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return phdr_fail(d, i, ph, "segment is both writable and executable");
    if (!(ph->p_flags & PF_R))
        return phdr_fail(d, i, ph, "segment is not readable (flags %#x); x86 "
                         "pages cannot be made unreadable", ph->p_flags);
    if (ph->p_filesz > memsz)
        return phdr_fail(d, i, ph, "file size %#lx is larger than memory size %#lx",
                         ph->p_filesz, memsz);
    if (!in_file(d, ph->p_offset, ph->p_filesz))
        return phdr_fail(d, i, ph, "file contents at %#lx + %#lx run past the end "
                         "of the file (%#zx bytes)", ph->p_offset, ph->p_filesz,
                         d->size);
    if (ph->p_align > 1 && !is_pow2(ph->p_align))
        return phdr_fail(d, i, ph, "alignment %#lx is not a power of two",
                         ph->p_align);
    if (memsz == 0)
        return E_OK; /* maps nothing; linkers emit these for empty sections */

    if ((va - ph->p_offset) & PAGE_MASK)
        return phdr_fail(d, i, ph, "address %#lx and file offset %#lx are not "
                         "congruent modulo the page size, so the file pages "
                         "cannot be mapped", va, ph->p_offset);
    if (ph->p_align > 1 && (va - ph->p_offset) % ph->p_align)
        return phdr_fail(d, i, ph, "address %#lx and file offset %#lx are not "
                         "congruent modulo the alignment %#lx", va, ph->p_offset,
                         ph->p_align);
    if (va > UINT64_LIMIT - PAGE_MASK || memsz > UINT64_LIMIT - PAGE_MASK - va)
        return phdr_fail(d, i, ph, "segment at %#lx of %#lx bytes wraps around "
                         "the address space", va, memsz);
    if (va >= KERNEL_HALF)
        return phdr_fail(d, i, ph, "address %#lx is in the kernel half", va);
    if (va < ELF_MIN_VADDR)
        return phdr_fail(d, i, ph, "address %#lx is below the lowest user "
                         "address %#llx", va, ELF_MIN_VADDR);
    if (va >= ELF_USER_LIMIT || memsz > ELF_USER_LIMIT - va)
        return phdr_fail(d, i, ph, "segment [%#lx, %#lx) is not below the "
                         "user program limit %#llx", va, va + memsz, ELF_USER_LIMIT);
    if (memsz > ELF_MAX_IMAGE)
        return phdr_fail(d, i, ph, "memory size %#lx is larger than the %llu MiB "
                         "image limit", memsz, ELF_MAX_IMAGE >> 20);
    return E_OK;
}

static int check_tls(const struct decoder *d, unsigned i,
                     const struct elf64_phdr *ph)
{
    if (ph->p_filesz > ph->p_memsz)
        return phdr_fail(d, i, ph, "file size %#lx is larger than memory size %#lx",
                         ph->p_filesz, ph->p_memsz);
    if (ph->p_align > 1 && !is_pow2(ph->p_align))
        return phdr_fail(d, i, ph, "alignment %#lx is not a power of two",
                         ph->p_align);
    if (ph->p_memsz > ELF_MAX_IMAGE)
        return phdr_fail(d, i, ph, "memory size %#lx is larger than the %llu MiB "
                         "image limit", ph->p_memsz, ELF_MAX_IMAGE >> 20);
    return E_OK;
}

/* A load segment as collected for the checks across segments. */
struct load {
    struct elf_segment seg;
    unsigned index; /* program header number, for messages */
};

/* Sorts by address (insertion sort: at most ELF_MAX_SEGMENTS entries),
 * then requires each segment to end, page-rounded, before the next one's
 * first page: two segments sharing a page could not both get their own
 * permissions. */
static int check_overlap(const struct decoder *d, struct load *loads, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct load key = loads[i];
        size_t j = i;
        for (; j > 0 && loads[j - 1].seg.vaddr > key.seg.vaddr; j--)
            loads[j] = loads[j - 1];
        loads[j] = key;
    }
    for (size_t i = 1; i < n; i++) {
        const struct elf_segment *a = &loads[i - 1].seg, *b = &loads[i].seg;
        if (page_up(a->vaddr + a->memsz) > page_down(b->vaddr))
            return fail(d, "program headers %u and %u (PT_LOAD) overlap: "
                        "[%#lx, %#lx) and [%#lx, %#lx) share a page",
                        loads[i - 1].index, loads[i].index, a->vaddr,
                        a->vaddr + a->memsz, b->vaddr, b->vaddr + b->memsz);
    }
    return E_OK;
}

static bool range_in(uint64_t va, uint64_t len, uint64_t base, uint64_t size)
{
    return va >= base && va - base <= size && len <= size - (va - base);
}

int elf_decode(const void *file, size_t size, struct elf_image *out,
               elf_report_t report, void *ctx)
{
    struct decoder dec = { file, size, report, ctx };
    struct decoder *d = &dec;
    struct elf64_ehdr eh;
    struct elf64_phdr ph;
    struct load loads[ELF_MAX_SEGMENTS];
    size_t nloads = 0;
    struct elf_tls tls = { 0, 0, 0, 1 };
    unsigned tls_index = 0;
    bool have_tls = false;
    int err;

    if ((err = check_ident(d, &eh)) || (err = check_header(d, &eh)))
        return err;

    for (unsigned i = 0; i < eh.e_phnum; i++) {
        read_phdr(d, &eh, i, &ph);
        switch (ph.p_type) {
        case PT_LOAD:
            if ((err = check_load(d, i, &ph)))
                return err;
            if (ph.p_memsz == 0)
                break;
            if (nloads == ELF_MAX_SEGMENTS)
                return phdr_fail(d, i, &ph, "too many loadable segments (at most %u)",
                                 ELF_MAX_SEGMENTS);
            loads[nloads].index = i;
            loads[nloads].seg = (struct elf_segment){
                .vaddr = ph.p_vaddr,
                .memsz = ph.p_memsz,
                .offset = ph.p_offset,
                .filesz = ph.p_filesz,
                .prot = VM_READ | ((ph.p_flags & PF_W) ? VM_WRITE : 0) |
                        ((ph.p_flags & PF_X) ? VM_EXEC : 0),
            };
            nloads++;
            break;
        case PT_INTERP:
        case PT_DYNAMIC:
            return phdr_fail(d, i, &ph, "dynamic linking is not supported "
                             "(link with -static)");
        case PT_TLS:
            if (have_tls)
                return phdr_fail(d, i, &ph, "more than one PT_TLS");
            if ((err = check_tls(d, i, &ph)))
                return err;
            have_tls = true;
            tls_index = i;
            tls = (struct elf_tls){ ph.p_vaddr, ph.p_filesz, ph.p_memsz,
                                    ph.p_align > 1 ? ph.p_align : 1 };
            break;
        case PT_GNU_STACK:
            if (ph.p_flags & PF_X)
                return phdr_fail(d, i, &ph, "executable stack requested; stacks "
                                 "are never executable");
            break;
        default:
            break; /* PT_PHDR, notes, unwind tables, RELRO, unknown: no effect */
        }
    }
    if (nloads == 0)
        return fail(d, "no loadable segments (no PT_LOAD with a memory size)");

    if ((err = check_overlap(d, loads, nloads)))
        return err;

    uint64_t total = 0;
    for (size_t i = 0; i < nloads; i++) {
        const struct elf_segment *s = &loads[i].seg;
        total += page_up(s->vaddr + s->memsz) - page_down(s->vaddr);
    }
    if (total > ELF_MAX_IMAGE)
        return fail(d, "segments take %#lx bytes of memory, more than the %llu MiB "
                    "image limit", total, ELF_MAX_IMAGE >> 20);

    bool entry_ok = false;
    for (size_t i = 0; i < nloads && !entry_ok; i++) {
        const struct elf_segment *s = &loads[i].seg;
        entry_ok = (s->prot & VM_EXEC) && eh.e_entry >= s->vaddr &&
                   eh.e_entry - s->vaddr < s->filesz;
    }
    if (!entry_ok)
        return fail(d, "entry point %#lx is not inside an executable segment's "
                    "file contents", eh.e_entry);

    /* The thread-local template is copied from memory at thread creation,
     * so its initialised part must be file contents of a segment. */
    if (tls.memsz) {
        bool inside = false;
        for (size_t i = 0; i < nloads && !inside; i++) {
            const struct elf_segment *s = &loads[i].seg;
            inside = tls.filesz == 0
                         ? range_in(tls.vaddr, 0, s->vaddr, s->memsz)
                         : range_in(tls.vaddr, tls.filesz, s->vaddr, s->filesz);
        }
        if (!inside) {
            return fail(d, "program header %u (PT_TLS): template [%#lx, %#lx) is "
                        "not inside a loaded segment", tls_index, tls.vaddr,
                        tls.vaddr + tls.filesz);
        }
    }

    /* AT_PHDR: the headers are visible only if a segment maps them. */
    uint64_t table = (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr);
    uint64_t phdr_vaddr = 0;
    for (size_t i = 0; i < nloads && !phdr_vaddr; i++) {
        const struct elf_segment *s = &loads[i].seg;
        if (range_in(eh.e_phoff, table, s->offset, s->filesz))
            phdr_vaddr = s->vaddr + (eh.e_phoff - s->offset);
    }

    out->entry = eh.e_entry;
    out->phdr_vaddr = phdr_vaddr;
    out->phnum = eh.e_phnum;
    out->phentsize = eh.e_phentsize;
    out->segment_count = nloads;
    memset(out->segments, 0, sizeof(out->segments));
    for (size_t i = 0; i < nloads; i++)
        out->segments[i] = loads[i].seg;
    out->tls = tls;
    out->image_start = page_down(loads[0].seg.vaddr);
    out->image_end = page_up(loads[nloads - 1].seg.vaddr + loads[nloads - 1].seg.memsz);
    return E_OK;
}
