/* Unit tests of the ELF64 program validator (kernel/proc/elf.c): valid
 * images (hand-built like toolchain/atom.ld lays them out, and the real
 * hello program when it has been built), each kind of malformation with
 * the message it must produce, the variants scripts/mkbadelf.py makes,
 * and random damage under the sanitizers. */
#include "unit.h"
#include <kernel/elf.h>
#include <kernel/error.h>
#include <kernel/vm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TEST_PHDRS 40

/* An image under construction: headers as structs, emitted into a file. */
struct spec {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[MAX_TEST_PHDRS];
    size_t nph;  /* headers written, whatever e_phnum says */
    size_t size; /* file size */
};

enum { TEXT, RODATA, DATA, TLS, STACK };

/* The layout atom.ld produces: headers and text R+X at 0x400000, rodata R,
 * data+bss RW with the TLS template in it, and a PT_GNU_STACK. */
static void valid_spec(struct spec *s)
{
    memset(s, 0, sizeof(*s));
    struct elf64_ehdr *eh = &s->eh;
    memcpy(eh->e_ident, "\x7f" "ELF", 4);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x400180;
    eh->e_phoff = 64;
    eh->e_ehsize = 64;
    eh->e_phentsize = 56;
    eh->e_phnum = 5;
    eh->e_shentsize = 64;
    s->nph = 5;
    s->ph[TEXT] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x400000,
                                       0x1800, 0x1800, 0x1000 };
    s->ph[RODATA] = (struct elf64_phdr){ PT_LOAD, PF_R, 0x2000, 0x402000, 0x402000,
                                         0x800, 0x800, 0x1000 };
    s->ph[DATA] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W, 0x3000, 0x403000,
                                       0x403000, 0x100, 0x2000, 0x1000 };
    s->ph[TLS] = (struct elf64_phdr){ PT_TLS, PF_R, 0x3000, 0x403000, 0x403000,
                                      0x10, 0x20, 8 };
    s->ph[STACK] = (struct elf64_phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 };
    s->size = 0x3100;
}

/* Writes the image into a heap block of exactly s->size bytes, so reads
 * past the end are caught by AddressSanitizer. */
static uint8_t *emit(const struct spec *s)
{
    uint8_t *f = malloc(s->size ? s->size : 1);
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < s->size; i++)
        f[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < s->nph; i++) {
        uint64_t off = s->eh.e_phoff + i * sizeof(struct elf64_phdr);
        if (s->eh.e_phoff < s->size && off < s->size && s->size - off >= 56)
            memcpy(f + off, &s->ph[i], 56);
    }
    /* Last, so a table placed over the header cannot hide it. */
    memcpy(f, &s->eh, s->size < sizeof(s->eh) ? s->size : sizeof(s->eh));
    return f;
}

static struct messages msgs;
static struct elf_image img;

static int decode(const struct spec *s)
{
    uint8_t *f = emit(s);
    memset(&msgs, 0, sizeof(msgs));
    memset(&img, 0xa5, sizeof(img));
    int rc = elf_decode(f, s->size, &img, messages_report, &msgs);
    free(f);
    return rc;
}

/* The image is rejected with exactly one message containing `needle`, and
 * the output is left alone. */
#define expect_reject(s, needle)                                             \
    do {                                                                     \
        ck_assert_int_eq(decode(s), E_INVAL);                                \
        ck_assert_int_eq(msgs.count, 1);                                     \
        ck_assert_msg(messages_contain(&msgs, needle),                       \
                      "expected \"%s\" in: %s", needle, msgs.text);          \
        ck_assert_msg(strncmp(msgs.text, "elf: ", 5) == 0, "%s", msgs.text); \
        ck_assert_int_eq(img.entry, 0xa5a5a5a5a5a5a5a5ull);                  \
    } while (0)

START_TEST(valid_image_is_described)
{
    struct spec s;
    valid_spec(&s);
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_int_eq(msgs.count, 0);
    ck_assert_uint_eq(img.entry, 0x400180);
    ck_assert_uint_eq(img.phdr_vaddr, 0x400040);
    ck_assert_uint_eq(img.phnum, 5);
    ck_assert_uint_eq(img.phentsize, 56);
    ck_assert_uint_eq(img.segment_count, 3);
    ck_assert_uint_eq(img.segments[0].vaddr, 0x400000);
    ck_assert_uint_eq(img.segments[0].prot, VM_READ | VM_EXEC);
    ck_assert_uint_eq(img.segments[0].filesz, 0x1800);
    ck_assert_uint_eq(img.segments[1].vaddr, 0x402000);
    ck_assert_uint_eq(img.segments[1].prot, VM_READ);
    ck_assert_uint_eq(img.segments[1].offset, 0x2000);
    ck_assert_uint_eq(img.segments[2].vaddr, 0x403000);
    ck_assert_uint_eq(img.segments[2].prot, VM_READ | VM_WRITE);
    ck_assert_uint_eq(img.segments[2].filesz, 0x100);
    ck_assert_uint_eq(img.segments[2].memsz, 0x2000);
    ck_assert_uint_eq(img.tls.vaddr, 0x403000);
    ck_assert_uint_eq(img.tls.filesz, 0x10);
    ck_assert_uint_eq(img.tls.memsz, 0x20);
    ck_assert_uint_eq(img.tls.align, 8);
    ck_assert_uint_eq(img.image_start, 0x400000);
    ck_assert_uint_eq(img.image_end, 0x405000);
    for (size_t i = img.segment_count; i < ELF_MAX_SEGMENTS; i++)
        ck_assert_uint_eq(img.segments[i].memsz, 0);
}
END_TEST

START_TEST(accepted_variations)
{
    struct spec s;

    /* Headers out of address order come out sorted. */
    valid_spec(&s);
    struct elf64_phdr text = s.ph[TEXT];
    s.ph[TEXT] = s.ph[DATA];
    s.ph[DATA] = text;
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_uint_eq(img.segments[0].vaddr, 0x400000);
    ck_assert_uint_eq(img.segments[2].vaddr, 0x403000);
    ck_assert_uint_eq(img.phdr_vaddr, 0x400040);

    /* An empty PT_LOAD (a -nostdlib program's data), ignorable types, GNU
     * OS ABI, no TLS, no PT_GNU_STACK, unaligned e_phoff. */
    valid_spec(&s);
    s.eh.e_ident[EI_OSABI] = ELFOSABI_GNU;
    s.ph[TLS] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W, 0x3100, 0x404100, 0x404100,
                                     0, 0, 0x1000 };
    s.ph[STACK] = (struct elf64_phdr){ PT_NOTE, PF_R, 0x2000, 0x402000, 0x402000,
                                       0x20, 0x20, 4 };
    s.ph[5] = (struct elf64_phdr){ PT_PHDR, PF_R, 64, 0x400040, 0x400040,
                                   7 * 56, 7 * 56, 8 };
    s.ph[6] = (struct elf64_phdr){ 0x6fffffff, 0, 0, 0, 0, 0, 0, 0 };
    s.ph[7] = (struct elf64_phdr){ PT_GNU_RELRO, PF_R, 0x3000, 0x403000, 0x403000,
                                   0x10, 0x10, 1 };
    s.ph[8] = (struct elf64_phdr){ PT_GNU_PROPERTY, PF_R, 0x2000, 0x402000, 0x402000,
                                   0x20, 0x20, 8 };
    s.ph[9] = (struct elf64_phdr){ PT_GNU_EH_FRAME, PF_R, 0x2000, 0x402000, 0x402000,
                                   0x20, 0x20, 4 };
    s.eh.e_phoff = 65;
    s.nph = s.eh.e_phnum = 10;
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_uint_eq(img.segment_count, 3);
    ck_assert_uint_eq(img.tls.memsz, 0);
    ck_assert_uint_eq(img.tls.align, 1);
    ck_assert_uint_eq(img.phdr_vaddr, 0x400041);
    ck_assert_uint_eq(img.phnum, 10);

    /* Program headers that no segment maps: no AT_PHDR. */
    valid_spec(&s);
    s.ph[TEXT].p_offset = 0x1000;
    s.ph[TEXT].p_vaddr = 0x401000;
    s.ph[TEXT].p_filesz = s.ph[TEXT].p_memsz = 0x1000;
    s.eh.e_entry = 0x401000;
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_uint_eq(img.phdr_vaddr, 0);
    ck_assert_uint_eq(img.image_start, 0x401000);

    /* Segments whose pages touch, a TLS template with only zero-fill, the
     * lowest and highest addresses allowed. */
    valid_spec(&s);
    s.ph[TEXT].p_memsz = 0x2000;
    s.ph[TLS].p_filesz = 0;
    s.ph[TLS].p_vaddr = 0x405000;
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_uint_eq(img.tls.filesz, 0);

    valid_spec(&s);
    s.ph[TEXT].p_vaddr = ELF_MIN_VADDR;
    s.eh.e_entry = ELF_MIN_VADDR;
    s.ph[DATA].p_vaddr = ELF_USER_LIMIT - 0x2000;
    s.ph[TLS].p_vaddr = ELF_USER_LIMIT - 0x2000;
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_uint_eq(img.image_start, ELF_MIN_VADDR);
    ck_assert_uint_eq(img.image_end, ELF_USER_LIMIT);
    ck_assert_uint_eq(img.phdr_vaddr, ELF_MIN_VADDR + 64);

    /* A segment of exactly the image limit. */
    valid_spec(&s);
    s.ph[DATA].p_memsz = ELF_MAX_IMAGE - 0x3000;
    ck_assert_int_eq(decode(&s), E_OK);
    ck_assert_uint_eq(img.image_end - img.image_start, ELF_MAX_IMAGE);
}
END_TEST

START_TEST(truncated_files)
{
    struct spec s;
    valid_spec(&s);
    s.size = 0;
    expect_reject(&s, "elf: truncated: file is 0 bytes, shorter than the 64-byte ELF header");
    s.size = 63;
    expect_reject(&s, "elf: truncated: file is 63 bytes");

    valid_spec(&s);
    s.size = 64 + 56 * 2 + 10;
    expect_reject(&s, "elf: truncated: program headers end at 0x158, file is 0xba bytes");

    valid_spec(&s);
    s.size = 0x3080; /* inside the data segment's file contents */
    expect_reject(&s, "elf: program header 2 (PT_LOAD): file contents at 0x3000 + 0x100 "
                      "run past the end of the file (0x3080 bytes)");

    valid_spec(&s);
    s.ph[RODATA].p_offset = ~0ull - 0x10;
    expect_reject(&s, "program header 1 (PT_LOAD): file contents at 0xffffffffffffffef");

    valid_spec(&s);
    s.eh.e_phoff = 0x3100;
    expect_reject(&s, "truncated: program headers end at 0x3218, file is 0x3100 bytes");
    s.eh.e_phoff = ~0ull - 100;
    expect_reject(&s, "program header table offset 0xffffffffffffff9b is out of range");
    s.eh.e_phoff = 8;
    expect_reject(&s, "program header table at 0x8 overlaps the ELF header");
}
END_TEST

START_TEST(bad_identity)
{
    struct spec s;
    valid_spec(&s);
    s.eh.e_ident[0] = 0x7e;
    expect_reject(&s, "elf: bad magic 7e 45 4c 46: not an ELF file");
    s.size = 10; /* bad magic is named even in a short file */
    expect_reject(&s, "bad magic");

    valid_spec(&s);
    s.eh.e_ident[EI_CLASS] = 1;
    expect_reject(&s, "elf: class 1 is not ELFCLASS64");
    valid_spec(&s);
    s.eh.e_ident[EI_DATA] = 2;
    expect_reject(&s, "elf: data encoding 2 is not ELFDATA2LSB");
    valid_spec(&s);
    s.eh.e_ident[EI_VERSION] = 0;
    expect_reject(&s, "elf: ident version 0 is not EV_CURRENT");
    valid_spec(&s);
    s.eh.e_ident[EI_OSABI] = 9;
    expect_reject(&s, "elf: OS ABI 9 is neither System V (0) nor GNU (3)");

    valid_spec(&s);
    s.eh.e_type = ET_DYN;
    expect_reject(&s, "elf: type ET_DYN: position-independent executables and shared "
                      "objects are not supported");
    s.eh.e_type = ET_REL;
    expect_reject(&s, "elf: type ET_REL: a relocatable object file, not an executable");
    s.eh.e_type = ET_CORE;
    expect_reject(&s, "elf: type ET_CORE");
    s.eh.e_type = 0xfe00;
    expect_reject(&s, "elf: type 65024 is not ET_EXEC");

    valid_spec(&s);
    s.eh.e_machine = 3;
    expect_reject(&s, "elf: machine 3 is not EM_X86_64 (62)");
    valid_spec(&s);
    s.eh.e_version = 0;
    expect_reject(&s, "elf: version 0 is not EV_CURRENT");
    valid_spec(&s);
    s.eh.e_ehsize = 52;
    expect_reject(&s, "elf: ELF header size 52 is smaller than 64");
}
END_TEST

START_TEST(bad_program_header_table)
{
    struct spec s;
    valid_spec(&s);
    s.eh.e_phentsize = 32;
    expect_reject(&s, "elf: program header size 32 is not 56");
    s.eh.e_phentsize = 64;
    expect_reject(&s, "elf: program header size 64 is not 56");

    valid_spec(&s);
    s.eh.e_phnum = 0;
    expect_reject(&s, "elf: no program headers");
    s.eh.e_phnum = ELF_MAX_PHDRS + 1;
    expect_reject(&s, "elf: too many program headers: 33 (at most 32)");
    s.eh.e_phnum = PN_XNUM;
    expect_reject(&s, "elf: extended program header numbering (PN_XNUM) is not supported");

    /* Exactly the maximum is fine (the rest are PT_NULL). */
    valid_spec(&s);
    s.nph = s.eh.e_phnum = ELF_MAX_PHDRS;
    ck_assert_int_eq(decode(&s), E_OK);

    /* More non-empty PT_LOADs than the image can hold. */
    valid_spec(&s);
    s.nph = s.eh.e_phnum = ELF_MAX_SEGMENTS + 1;
    for (unsigned i = 0; i < s.nph; i++)
        s.ph[i] = (struct elf64_phdr){ PT_LOAD, PF_R | (i == 0 ? PF_X : 0), 0,
                                       0x400000 + i * 0x1000ull, 0, 0x100, 0x100, 0x1000 };
    expect_reject(&s, "elf: program header 16 (PT_LOAD): too many loadable segments (at most 16)");
}
END_TEST

START_TEST(bad_load_segments)
{
    struct spec s;
    valid_spec(&s);
    s.ph[TEXT].p_flags = PF_R | PF_W | PF_X;
    expect_reject(&s, "elf: program header 0 (PT_LOAD): segment is both writable and executable");
    valid_spec(&s);
    s.ph[DATA].p_flags = PF_W | PF_X;
    expect_reject(&s, "program header 2 (PT_LOAD): segment is both writable and executable");
    valid_spec(&s);
    s.ph[RODATA].p_flags = 0;
    expect_reject(&s, "program header 1 (PT_LOAD): segment is not readable (flags 0); x86 "
                      "pages cannot be made unreadable");
    s.ph[RODATA].p_flags = PF_X;
    expect_reject(&s, "segment is not readable (flags 0x1)");

    valid_spec(&s);
    s.ph[DATA].p_filesz = 0x2001;
    expect_reject(&s, "program header 2 (PT_LOAD): file size 0x2001 is larger than memory "
                      "size 0x2000");
    valid_spec(&s);
    s.ph[DATA].p_memsz = 0;
    expect_reject(&s, "file size 0x100 is larger than memory size 0");

    valid_spec(&s);
    s.ph[DATA].p_align = 0x1800;
    expect_reject(&s, "program header 2 (PT_LOAD): alignment 0x1800 is not a power of two");

    valid_spec(&s);
    s.ph[RODATA].p_vaddr = 0x402010;
    expect_reject(&s, "program header 1 (PT_LOAD): address 0x402010 and file offset 0x2000 "
                      "are not congruent modulo the page size");
    valid_spec(&s);
    s.ph[RODATA].p_align = 0x800000;
    expect_reject(&s, "address 0x402000 and file offset 0x2000 are not congruent modulo "
                      "the alignment 0x800000");
    s.ph[RODATA].p_align = 0;
    ck_assert_int_eq(decode(&s), E_OK);
}
END_TEST

START_TEST(bad_addresses_and_sizes)
{
    struct spec s;
    valid_spec(&s);
    s.ph[TEXT].p_vaddr = 0xffffffff80000000ull;
    expect_reject(&s, "elf: program header 0 (PT_LOAD): address 0xffffffff80000000 is in "
                      "the kernel half");
    s.ph[TEXT].p_vaddr = 0xffff800000000000ull;
    expect_reject(&s, "is in the kernel half");

    valid_spec(&s);
    s.ph[TEXT].p_vaddr = 0;
    expect_reject(&s, "program header 0 (PT_LOAD): address 0 is below the lowest user "
                      "address 0x10000");
    s.ph[TEXT].p_vaddr = ELF_MIN_VADDR - 0x1000;
    expect_reject(&s, "below the lowest user address");

    valid_spec(&s);
    s.ph[DATA].p_memsz = ~0ull - 0x1000;
    expect_reject(&s, "program header 2 (PT_LOAD): segment at 0x403000 of "
                      "0xffffffffffffefff bytes wraps around the address space");
    valid_spec(&s);
    s.ph[DATA].p_vaddr = ~0ull - 0xfff;
    s.ph[DATA].p_offset = 0;
    s.ph[DATA].p_memsz = 0x100;
    expect_reject(&s, "wraps around the address space");

    valid_spec(&s);
    s.ph[DATA].p_vaddr = ELF_USER_LIMIT - 0x1000;
    expect_reject(&s, "program header 2 (PT_LOAD): segment [0x7ffefffff000, 0x7fff00001000) "
                      "is not below the user program limit 0x7fff00000000");
    s.ph[DATA].p_vaddr = 0x7ffffffff000;
    expect_reject(&s, "is not below the user program limit");

    valid_spec(&s);
    s.ph[DATA].p_memsz = ELF_MAX_IMAGE + 1;
    expect_reject(&s, "program header 2 (PT_LOAD): memory size 0x40000001 is larger than "
                      "the 1024 MiB image limit");
    s.ph[DATA].p_memsz = 0x10000000000ull;
    expect_reject(&s, "image limit");

    /* Each segment within the limit, all of them together not. */
    valid_spec(&s);
    s.ph[DATA].p_memsz = ELF_MAX_IMAGE;
    expect_reject(&s, "elf: segments take 0x40003000 bytes of memory, more than the "
                      "1024 MiB image limit");
}
END_TEST

START_TEST(overlapping_segments)
{
    struct spec s;
    valid_spec(&s);
    s.ph[RODATA].p_vaddr = 0x401000;
    s.ph[RODATA].p_offset = 0x1000;
    expect_reject(&s, "elf: program headers 0 and 1 (PT_LOAD) overlap: [0x400000, "
                      "0x401800) and [0x401000, 0x401800) share a page");

    /* Disjoint bytes, but data starts in rodata's last page. */
    valid_spec(&s);
    s.ph[RODATA].p_memsz = s.ph[RODATA].p_filesz = 0x100;
    s.ph[DATA].p_vaddr = 0x402800;
    s.ph[DATA].p_offset = 0x3800;
    s.size = 0x3900;
    s.ph[TLS].p_vaddr = 0x402800;
    expect_reject(&s, "program headers 1 and 2 (PT_LOAD) overlap: [0x402000, 0x402100) "
                      "and [0x402800, 0x404800) share a page");

    /* The same address twice, and out of order in the table. */
    valid_spec(&s);
    s.ph[DATA].p_vaddr = 0x400000;
    s.ph[DATA].p_offset = 0x3000;
    expect_reject(&s, "(PT_LOAD) overlap");
    valid_spec(&s);
    s.ph[TEXT].p_vaddr = 0x403000;
    s.ph[TEXT].p_memsz = s.ph[TEXT].p_filesz = 0x1000;
    s.eh.e_entry = 0x403000;
    expect_reject(&s, "program headers 0 and 2 (PT_LOAD) overlap");

    /* A big segment that covers another one entirely. */
    valid_spec(&s);
    s.ph[TEXT].p_memsz = 0x10000;
    expect_reject(&s, "program headers 0 and 1 (PT_LOAD) overlap");
}
END_TEST

START_TEST(dynamic_and_stack_headers)
{
    struct spec s;
    valid_spec(&s);
    s.ph[STACK] = (struct elf64_phdr){ PT_INTERP, PF_R, 0x2000, 0x402000, 0, 0x1c, 0x1c, 1 };
    expect_reject(&s, "elf: program header 4 (PT_INTERP): dynamic linking is not supported");
    s.ph[STACK].p_type = PT_DYNAMIC;
    expect_reject(&s, "elf: program header 4 (PT_DYNAMIC): dynamic linking is not supported");

    valid_spec(&s);
    s.ph[STACK].p_flags = PF_R | PF_W | PF_X;
    expect_reject(&s, "elf: program header 4 (PT_GNU_STACK): executable stack requested");
}
END_TEST

START_TEST(bad_entry_point)
{
    struct spec s;
    valid_spec(&s);
    s.eh.e_entry = 0x402000; /* rodata: not executable */
    expect_reject(&s, "elf: entry point 0x402000 is not inside an executable segment's "
                      "file contents");
    s.eh.e_entry = 0x401800; /* just past text */
    expect_reject(&s, "entry point 0x401800");
    s.eh.e_entry = 0;
    expect_reject(&s, "entry point 0 ");
    s.eh.e_entry = 0xffffffff80100000ull;
    expect_reject(&s, "entry point 0xffffffff80100000");

    /* In the bss part of an executable segment: nothing to run there. */
    valid_spec(&s);
    s.ph[TEXT].p_memsz = 0x1a00;
    s.eh.e_entry = 0x401900;
    expect_reject(&s, "entry point 0x401900");
    s.eh.e_entry = 0x4017ff;
    ck_assert_int_eq(decode(&s), E_OK);

    valid_spec(&s);
    for (unsigned i = 0; i < s.nph; i++)
        if (s.ph[i].p_type == PT_LOAD)
            s.ph[i].p_type = PT_NULL;
    expect_reject(&s, "elf: no loadable segments");
}
END_TEST

START_TEST(bad_tls)
{
    struct spec s;
    valid_spec(&s);
    s.ph[TLS].p_vaddr = 0x402000; /* rodata: not the data segment, but loaded: fine */
    ck_assert_int_eq(decode(&s), E_OK);
    s.ph[TLS].p_vaddr = 0x100;
    expect_reject(&s, "elf: program header 3 (PT_TLS): template [0x100, 0x110) is not "
                      "inside a loaded segment");
    /* The template must be file contents, not bss. */
    s.ph[TLS].p_vaddr = 0x4030f8;
    expect_reject(&s, "template [0x4030f8, 0x403108)");
    s.ph[TLS].p_vaddr = ~0ull - 4;
    expect_reject(&s, "(PT_TLS): template");
    /* Zero-fill only: anywhere inside a segment. */
    s.ph[TLS].p_filesz = 0;
    s.ph[TLS].p_vaddr = 0x404ff0;
    ck_assert_int_eq(decode(&s), E_OK);
    s.ph[TLS].p_vaddr = 0x406000;
    expect_reject(&s, "(PT_TLS): template");

    valid_spec(&s);
    s.ph[TLS].p_filesz = 0x21;
    expect_reject(&s, "program header 3 (PT_TLS): file size 0x21 is larger than memory size 0x20");
    valid_spec(&s);
    s.ph[TLS].p_align = 12;
    expect_reject(&s, "program header 3 (PT_TLS): alignment 0xc is not a power of two");
    valid_spec(&s);
    s.ph[TLS].p_memsz = ~0ull;
    expect_reject(&s, "program header 3 (PT_TLS): memory size 0xffffffffffffffff is larger");
    valid_spec(&s);
    s.ph[STACK] = s.ph[TLS];
    expect_reject(&s, "program header 4 (PT_TLS): more than one PT_TLS");
}
END_TEST

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static const char hello_path[] = "build/userland/hello/hello";

START_TEST(real_hello_program)
{
    size_t size;
    uint8_t *f = read_file(hello_path, &size);
    if (!f) {
        fprintf(stderr, "# note: %s not built, real-program case skipped\n", hello_path);
        return;
    }
    struct elf64_ehdr eh;
    memcpy(&eh, f, sizeof(eh));
    memset(&msgs, 0, sizeof(msgs));
    ck_assert_int_eq(elf_decode(f, size, &img, messages_report, &msgs), E_OK);
    ck_assert_int_eq(msgs.count, 0);
    ck_assert_uint_eq(img.entry, eh.e_entry);
    ck_assert_uint_eq(img.phnum, eh.e_phnum);
    ck_assert_uint_eq(img.phdr_vaddr, 0x400000 + eh.e_phoff);
    ck_assert_uint_eq(img.image_start, 0x400000);
    /* atom.ld: text R+X, rodata R, data+bss R+W. */
    ck_assert_uint_eq(img.segment_count, 3);
    ck_assert_uint_eq(img.segments[0].prot, VM_READ | VM_EXEC);
    ck_assert_uint_eq(img.segments[1].prot, VM_READ);
    ck_assert_uint_eq(img.segments[2].prot, VM_READ | VM_WRITE);
    ck_assert_uint_ge(img.segments[2].memsz, img.segments[2].filesz);
    free(f);
}
END_TEST

/* Runs scripts/mkbadelf.py on `good` and feeds every variant to
 * elf_decode; returns how many were checked. */
static int check_bad_variants(const char *good)
{
    char dir[] = "/tmp/atom-badelf-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[1024], path[1024];
    snprintf(cmd, sizeof(cmd), "python3 scripts/mkbadelf.py %s %s/out >/dev/null", good, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/out/expected.txt", dir);
    FILE *list = fopen(path, "r");
    ck_assert_ptr_nonnull(list);
    char line[512];
    int checked = 0;
    while (fgets(line, sizeof(line), list)) {
        line[strcspn(line, "\n")] = '\0';
        char *space = strchr(line, ' ');
        ck_assert_ptr_nonnull(space);
        *space = '\0';
        const char *expect = space + 1;
        snprintf(path, sizeof(path), "%s/out/%s", dir, line);
        size_t size;
        uint8_t *f = read_file(path, &size);
        ck_assert_ptr_nonnull(f);
        memset(&msgs, 0, sizeof(msgs));
        int rc = elf_decode(f, size, &img, messages_report, &msgs);
        ck_assert_msg(rc == E_INVAL, "%s was accepted", line);
        ck_assert_int_eq(msgs.count, 1);
        ck_assert_msg(messages_contain(&msgs, expect), "%s: expected \"%s\" in: %s",
                      line, expect, msgs.text);
        free(f);
        checked++;
    }
    fclose(list);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    return checked;
}

START_TEST(mkbadelf_variants_are_rejected)
{
    char dir[] = "/tmp/atom-goodelf-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/good.elf", dir);
    struct spec s;
    valid_spec(&s);
    uint8_t *f = emit(&s);
    FILE *out = fopen(path, "wb");
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(fwrite(f, 1, s.size, out), s.size);
    fclose(out);
    free(f);

    ck_assert_int_ge(check_bad_variants(path), 30);
    unlink(path);
    rmdir(dir);

    if (access(hello_path, R_OK) == 0)
        ck_assert_int_ge(check_bad_variants(hello_path), 30);
    else
        fprintf(stderr, "# note: %s not built, its variants skipped\n", hello_path);
}
END_TEST

/* What a loader relies on in anything elf_decode accepts. */
static void check_invariants(const struct elf_image *im, size_t size)
{
    ck_assert(im->segment_count >= 1 && im->segment_count <= ELF_MAX_SEGMENTS);
    uint64_t total = 0;
    bool entry_ok = false;
    for (size_t i = 0; i < im->segment_count; i++) {
        const struct elf_segment *sg = &im->segments[i];
        ck_assert(sg->memsz > 0 && sg->filesz <= sg->memsz);
        ck_assert(sg->offset <= size && sg->filesz <= size - sg->offset);
        ck_assert(sg->vaddr >= ELF_MIN_VADDR && sg->vaddr < ELF_USER_LIMIT);
        ck_assert(sg->memsz <= ELF_USER_LIMIT - sg->vaddr);
        ck_assert(((sg->vaddr - sg->offset) & 0xfff) == 0);
        ck_assert(sg->prot & VM_READ);
        ck_assert((sg->prot & (VM_WRITE | VM_EXEC)) != (VM_WRITE | VM_EXEC));
        uint64_t start = sg->vaddr & ~0xfffull;
        uint64_t end = (sg->vaddr + sg->memsz + 0xfff) & ~0xfffull;
        if (i > 0) {
            const struct elf_segment *prev = &im->segments[i - 1];
            ck_assert((prev->vaddr + prev->memsz + 0xfff) / 0x1000 * 0x1000 <= start);
        }
        total += end - start;
        if ((sg->prot & VM_EXEC) && im->entry >= sg->vaddr &&
            im->entry - sg->vaddr < sg->filesz)
            entry_ok = true;
    }
    ck_assert(total <= ELF_MAX_IMAGE);
    ck_assert(entry_ok);
    ck_assert(im->image_start == (im->segments[0].vaddr & ~0xfffull));
}

START_TEST(random_damage_is_survived)
{
    struct spec s;
    valid_spec(&s);
    uint8_t *base = emit(&s);
    srand(4711);
    int accepted = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len = s.size;
        /* Damage mostly the headers, where the decisions are. */
        uint8_t *copy = malloc(len);
        memcpy(copy, base, len);
        int flips = 1 + rand() % 4;
        for (int i = 0; i < flips; i++) {
            size_t at = rand() % 4 ? (size_t)rand() % (64 + 5 * 56) : (size_t)rand() % len;
            copy[at] ^= (uint8_t)(1 + rand() % 255);
        }
        if (rand() % 4 == 0)
            len = (size_t)rand() % (len + 1);
        /* The decoder sees exactly len bytes at the end of a heap block. */
        uint8_t *file = malloc(len ? len : 1);
        memcpy(file, copy, len);
        free(copy);
        struct messages quiet = { 0 };
        struct elf_image im;
        if (elf_decode(file, len, &im, messages_report, &quiet) == E_OK) {
            ck_assert_int_eq(quiet.count, 0);
            check_invariants(&im, len);
            accepted++;
        } else {
            ck_assert_int_eq(quiet.count, 1);
            ck_assert(strncmp(quiet.text, "elf: ", 5) == 0);
        }
        free(file);
    }
    /* Flips in padding bytes leave the image valid: the loop saw both. */
    ck_assert_int_gt(accepted, 100);
    free(base);
}
END_TEST

Suite *suite_elf(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, valid_image_is_described);
    tcase_add_test(tc, accepted_variations);
    tcase_add_test(tc, truncated_files);
    tcase_add_test(tc, bad_identity);
    tcase_add_test(tc, bad_program_header_table);
    tcase_add_test(tc, bad_load_segments);
    tcase_add_test(tc, bad_addresses_and_sizes);
    tcase_add_test(tc, overlapping_segments);
    tcase_add_test(tc, dynamic_and_stack_headers);
    tcase_add_test(tc, bad_entry_point);
    tcase_add_test(tc, bad_tls);
    tcase_add_test(tc, real_hello_program);
    tcase_add_test(tc, mkbadelf_variants_are_rejected);
    tcase_add_test(tc, random_damage_is_survived);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
