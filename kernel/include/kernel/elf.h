/* ELF64 executables: validated view (kernel/proc/elf.c).
 *
 * elf_decode() checks a whole program file before anything is mapped:
 * the ELF header, every program header, and how the loadable segments sit
 * in the file and in the user half.  It hands out a struct elf_image that
 * the loader follows without looking at the file's headers again.  Only
 * static, non-PIE x86_64 executables are accepted (what x86_64-atom-gcc
 * links with toolchain/atom.ld).
 *
 * The structures and constants below are written from the System V gABI
 * and the x86_64 psABI; the kernel does not use the host's <elf.h>. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

/* e_ident */
#define EI_NIDENT      16
#define EI_MAG0        0
#define EI_CLASS       4
#define EI_DATA        5
#define EI_VERSION     6
#define EI_OSABI       7
#define ELFMAG0        0x7f
#define ELFMAG1        'E'
#define ELFMAG2        'L'
#define ELFMAG3        'F'
#define ELFCLASS64     2
#define ELFDATA2LSB    1
#define EV_CURRENT     1
#define ELFOSABI_SYSV  0
#define ELFOSABI_GNU   3

/* e_type, e_machine */
#define ET_REL         1
#define ET_EXEC        2
#define ET_DYN         3
#define ET_CORE        4
#define EM_X86_64      62

/* e_phnum escape: the real count would be in section header 0. */
#define PN_XNUM        0xffff

/* p_type */
#define PT_NULL        0
#define PT_LOAD        1
#define PT_DYNAMIC     2
#define PT_INTERP      3
#define PT_NOTE        4
#define PT_SHLIB       5
#define PT_PHDR        6
#define PT_TLS         7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK   0x6474e551
#define PT_GNU_RELRO   0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

/* p_flags */
#define PF_X           0x1
#define PF_W           0x2
#define PF_R           0x4

struct elf64_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/* Limits of what the loader accepts. */
#define ELF_PAGE_SIZE     4096ull
#define ELF_MAX_PHDRS     32
#define ELF_MAX_SEGMENTS  16                    /* non-empty PT_LOADs */
#define ELF_MIN_VADDR     0x10000ull            /* page 0 and low pages stay unmapped */
#define ELF_USER_LIMIT    0x00007fff00000000ull /* the top GiB of the user half is the stack's */
#define ELF_MAX_IMAGE     (1ull << 30)          /* all segments together, page-rounded */

/* One PT_LOAD with a non-zero memory size.  The loader maps the pages
 * [vaddr & ~4095, vaddr + memsz rounded up) with `prot`, fills
 * [vaddr, vaddr + filesz) from file offset `offset` and zeroes the rest of
 * those pages.  vaddr - offset is a multiple of the page size. */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    unsigned prot;    /* VM_READ, plus VM_WRITE or VM_EXEC (never both) */
};

/* The thread-local storage template (PT_TLS); memsz 0 means none.  The
 * initialisation image [vaddr, vaddr + filesz) lies in a segment's file
 * contents; the rest of memsz is zero-filled. */
struct elf_tls {
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;   /* 1 or a power of two */
};

struct elf_image {
    uint64_t entry;        /* inside an executable segment's file contents */
    uint64_t phdr_vaddr;   /* where the program headers are mapped (AT_PHDR), or 0 */
    uint16_t phnum;        /* AT_PHNUM */
    uint16_t phentsize;    /* AT_PHENT */
    size_t segment_count;  /* 1..ELF_MAX_SEGMENTS */
    struct elf_segment segments[ELF_MAX_SEGMENTS]; /* sorted by vaddr, no page shared */
    struct elf_tls tls;
    uint64_t image_start;  /* lowest segment page */
    uint64_t image_end;    /* end of the highest segment, page-rounded up */
};

typedef void (*elf_report_t)(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Returns E_OK with *out filled, or E_INVAL after reporting the first
 * defect once as "elf: <what>: <why>"; *out is untouched then. */
int elf_decode(const void *file, size_t size, struct elf_image *out,
               elf_report_t report, void *ctx);

#endif
