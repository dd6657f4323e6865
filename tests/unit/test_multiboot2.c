/* Unit tests of the Multiboot2 parser (kernel/boot/multiboot2.c): a valid
 * structure of every tag type the kernel uses, then each way a tag or the
 * structure can be malformed, then random damage under the sanitizers. */
#include "unit.h"
#include <kernel/multiboot2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct mbi {
    _Alignas(8) uint8_t buf[8192];
    uint32_t len;
};

static void mbi_begin(struct mbi *m)
{
    memset(m->buf, 0, sizeof(m->buf));
    m->len = 8;
}

/* Appends a tag with `payload` bytes after its 8-byte header and returns
 * the payload for the caller to fill. */
static uint8_t *mbi_tag(struct mbi *m, uint32_t type, uint32_t payload)
{
    uint8_t *t = m->buf + m->len;
    uint32_t size = 8 + payload;
    memcpy(t, &type, 4);
    memcpy(t + 4, &size, 4);
    m->len = (m->len + size + 7) & ~7u;
    return t + 8;
}

static void mbi_end(struct mbi *m)
{
    mbi_tag(m, MB2_TAG_END, 0);
    memcpy(m->buf, &m->len, 4);
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void add_string(struct mbi *m, uint32_t type, const char *s)
{
    strcpy((char *)mbi_tag(m, type, (uint32_t)strlen(s) + 1), s);
}

static void add_module(struct mbi *m, uint32_t start, uint32_t end, const char *name)
{
    uint8_t *p = mbi_tag(m, MB2_TAG_MODULE, 8 + (uint32_t)strlen(name) + 1);
    put32(p, start);
    put32(p + 4, end);
    strcpy((char *)p + 8, name);
}

static void add_bios_mmap(struct mbi *m, const uint64_t (*e)[3], int n)
{
    uint8_t *p = mbi_tag(m, MB2_TAG_MMAP, 8 + 24 * (uint32_t)n);
    put32(p, 24);
    put32(p + 4, 0);
    for (int i = 0; i < n; i++) {
        put64(p + 8 + 24 * i, e[i][0]);
        put64(p + 16 + 24 * i, e[i][1]);
        put32(p + 24 + 24 * i, (uint32_t)e[i][2]);
    }
}

static uint8_t *add_fb(struct mbi *m, uint64_t addr, uint32_t pitch,
                       uint32_t w, uint32_t h, uint8_t bpp)
{
    uint8_t *p = mbi_tag(m, MB2_TAG_FRAMEBUFFER, 30);
    put64(p, addr);
    put32(p + 8, pitch);
    put32(p + 12, w);
    put32(p + 16, h);
    p[20] = bpp;
    p[21] = MB2_FB_RGB;
    p[24] = 16; p[25] = 8; /* red */
    p[26] = 8;  p[27] = 8; /* green */
    p[28] = 0;  p[29] = 8; /* blue */
    return p;
}

static void fill_rsdp(uint8_t *r, int v2)
{
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "BOCHS ", 6);
    r[15] = v2 ? 2 : 0;
    put32(r + 16, 0x7fe0000);
    uint8_t sum = 0;
    for (int i = 0; i < 20; i++)
        sum += r[i];
    r[8] = (uint8_t)-sum;
    if (v2) {
        put32(r + 20, 36);
        put64(r + 24, 0x7fe1000);
        sum = 0;
        for (int i = 0; i < 36; i++)
            sum += r[i];
        r[32] = (uint8_t)-sum;
    }
}

static struct mb2_info info;
static struct messages msgs;

static int parse(struct mbi *m)
{
    memset(&msgs, 0, sizeof(msgs));
    return mb2_parse(m->buf, sizeof(m->buf), &info, messages_report, &msgs);
}

START_TEST(valid_structure_with_every_tag)
{
    struct mbi m;
    static const uint64_t map[][3] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0x100000, 0x7ee0000, 1 },
        { 0x7fe0000, 0x20000, 3 },
    };
    mbi_begin(&m);
    add_string(&m, MB2_TAG_CMDLINE, "selftest loglevel=debug");
    add_string(&m, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
    add_module(&m, 0x200000, 0x210000, "initrd");
    add_bios_mmap(&m, map, 4);
    add_fb(&m, 0xfd000000, 4096, 1024, 768, 32);
    fill_rsdp(mbi_tag(&m, MB2_TAG_ACPI_OLD, 20), 0);
    put64(mbi_tag(&m, MB2_TAG_EFI64, 8), 0x7f9e018);
    mbi_tag(&m, 99, 5); /* unknown tags are skipped */
    mbi_end(&m);

    ck_assert_int_eq(parse(&m), 0);
    ck_assert_int_eq(info.errors, 0);
    ck_assert_int_eq(msgs.count, 0);
    ck_assert_str_eq(info.cmdline, "selftest loglevel=debug");
    ck_assert_str_eq(info.bootloader, "GRUB 2.06");
    ck_assert_int_eq(info.module_count, 1);
    ck_assert_uint_eq(info.modules[0].start, 0x200000);
    ck_assert_uint_eq(info.modules[0].end, 0x210000);
    ck_assert_str_eq(info.modules[0].name, "initrd");
    ck_assert_int_eq(mb2_mmap_count(&info), 4);
    ck_assert(!mb2_mmap_is_efi(&info));
    struct mem_region r;
    ck_assert(mb2_mmap_entry(&info, 2, &r));
    ck_assert_uint_eq(r.base, 0x100000);
    ck_assert_uint_eq(r.length, 0x7ee0000);
    ck_assert_int_eq(r.type, MEM_USABLE);
    ck_assert(mb2_mmap_entry(&info, 3, &r));
    ck_assert_int_eq(r.type, MEM_ACPI_RECLAIMABLE);
    ck_assert(!mb2_mmap_entry(&info, 4, &r));
    ck_assert(info.has_framebuffer);
    ck_assert_uint_eq(info.fb.addr, 0xfd000000);
    ck_assert_uint_eq(info.fb.width, 1024);
    ck_assert_uint_eq(info.fb.red_pos, 16);
    ck_assert_ptr_nonnull(info.rsdp);
    ck_assert_int_eq(info.rsdp_revision, 0);
    ck_assert(info.has_efi64);
    ck_assert_uint_eq(info.efi64_system_table, 0x7f9e018);
    ck_assert(mb2_booted_uefi(&info));
    ck_assert_int_eq(info.tag_count, 9);
}
END_TEST

START_TEST(minimal_structure_is_bios_without_extras)
{
    struct mbi m;
    mbi_begin(&m);
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_int_eq(info.errors, 0);
    ck_assert_ptr_null(info.cmdline);
    ck_assert(!info.has_framebuffer);
    ck_assert_ptr_null(info.rsdp);
    ck_assert(!mb2_booted_uefi(&info));
    ck_assert_int_eq(mb2_mmap_count(&info), 0);
}
END_TEST

START_TEST(header_misaligned_or_out_of_bounds)
{
    struct mbi m;
    mbi_begin(&m);
    mbi_end(&m);
    memset(&msgs, 0, sizeof(msgs));
    ck_assert_int_eq(mb2_parse(m.buf + 4, 1000, &info, messages_report, &msgs), -1);
    ck_assert(messages_contain(&msgs, "not 8-byte aligned"));

    memset(&msgs, 0, sizeof(msgs));
    ck_assert_int_eq(mb2_parse(m.buf, 12, &info, messages_report, &msgs), -1);
    ck_assert(messages_contain(&msgs, "readable"));

    put32(m.buf, 100000);
    memset(&msgs, 0, sizeof(msgs));
    ck_assert_int_eq(mb2_parse(m.buf, 4096, &info, messages_report, &msgs), -1);
    ck_assert(messages_contain(&msgs, "total size 100000 is invalid"));

    put32(m.buf, 8);
    ck_assert_int_eq(parse(&m), -1);

    put32(m.buf, 0x7fffffff);
    ck_assert_int_eq(parse(&m), -1);
}
END_TEST

START_TEST(tag_size_breaks_the_chain)
{
    struct mbi m;
    mbi_begin(&m);
    add_string(&m, MB2_TAG_CMDLINE, "kept");
    uint8_t *bad = mbi_tag(&m, MB2_TAG_BOOTLOADER_NAME, 8);
    put32(bad - 4, 4); /* size 4 < header */
    add_string(&m, MB2_TAG_BOOTLOADER_NAME, "never seen");
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_str_eq(info.cmdline, "kept");
    ck_assert_ptr_null(info.bootloader);
    ck_assert_int_ge(info.errors, 1);
    ck_assert(messages_contain(&msgs, "tag 2 (boot loader name) at offset 0x18 has size 4"));

    mbi_begin(&m);
    uint8_t *huge = mbi_tag(&m, MB2_TAG_CMDLINE, 8);
    put32(huge - 4, 0xfffffff0);
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_ptr_null(info.cmdline);
    ck_assert(messages_contain(&msgs, "outside the"));
}
END_TEST

START_TEST(missing_end_tag_is_reported)
{
    struct mbi m;
    mbi_begin(&m);
    add_string(&m, MB2_TAG_CMDLINE, "x");
    memcpy(m.buf, &m.len, 4);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_str_eq(info.cmdline, "x");
    ck_assert(messages_contain(&msgs, "no end tag"));
}
END_TEST

START_TEST(unterminated_strings_are_rejected)
{
    struct mbi m;
    mbi_begin(&m);
    memset(mbi_tag(&m, MB2_TAG_CMDLINE, 5), 'a', 5);
    memset(mbi_tag(&m, MB2_TAG_BOOTLOADER_NAME, 3), 'b', 3);
    uint8_t *mod = mbi_tag(&m, MB2_TAG_MODULE, 12);
    put32(mod, 0x1000);
    put32(mod + 4, 0x2000);
    memset(mod + 8, 'c', 4);
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_ptr_null(info.cmdline);
    ck_assert_ptr_null(info.bootloader);
    ck_assert_int_eq(info.module_count, 0);
    ck_assert_int_eq(info.errors, 3);
    ck_assert(messages_contain(&msgs, "tag 1 (command line) at offset 0x8: string is not NUL-terminated"));
    ck_assert(messages_contain(&msgs, "module name is not NUL-terminated"));
}
END_TEST

START_TEST(duplicates_keep_the_first)
{
    struct mbi m;
    mbi_begin(&m);
    add_string(&m, MB2_TAG_CMDLINE, "first");
    add_string(&m, MB2_TAG_CMDLINE, "second");
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_str_eq(info.cmdline, "first");
    ck_assert(messages_contain(&msgs, "duplicate"));
}
END_TEST

START_TEST(modules_bad_range_and_too_many)
{
    struct mbi m;
    mbi_begin(&m);
    add_module(&m, 0x3000, 0x2000, "backwards");
    for (int i = 0; i < MB2_MAX_MODULES + 1; i++)
        add_module(&m, 0x100000 * (uint32_t)i, 0x100000 * (uint32_t)i + 10, "m");
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_int_eq(info.module_count, MB2_MAX_MODULES);
    ck_assert_int_eq(info.errors, 2);
    ck_assert(messages_contain(&msgs, "module end 0x2000 lies before its start 0x3000"));
    ck_assert(messages_contain(&msgs, "more than 16 modules"));
}
END_TEST

START_TEST(memory_map_layouts_rejected)
{
    struct mbi m;
    mbi_begin(&m);
    uint8_t *p = mbi_tag(&m, MB2_TAG_MMAP, 8 + 24);
    put32(p, 12); /* entry size too small */
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_int_eq(mb2_mmap_count(&info), 0);
    ck_assert(messages_contain(&msgs, "entry size 12 is invalid"));

    mbi_begin(&m);
    p = mbi_tag(&m, MB2_TAG_MMAP, 8 + 30);
    put32(p, 24); /* 30 bytes is not whole entries */
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_int_eq(mb2_mmap_count(&info), 0);
    ck_assert(messages_contain(&msgs, "not a whole number"));

    mbi_begin(&m);
    p = mbi_tag(&m, MB2_TAG_EFI_MMAP, 8 + 40);
    put32(p, 28); /* not a multiple of 8, and below 40 */
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert_int_eq(mb2_mmap_count(&info), 0);
}
END_TEST

START_TEST(memory_map_wrapping_entry_is_invalid)
{
    struct mbi m;
    static const uint64_t map[][3] = { { 0xfffffffffffff000ull, 0x2000, 1 } };
    mbi_begin(&m);
    add_bios_mmap(&m, map, 1);
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    struct mem_region r;
    ck_assert_int_eq(mb2_mmap_count(&info), 1);
    ck_assert(!mb2_mmap_entry(&info, 0, &r));
}
END_TEST

START_TEST(efi_map_is_preferred_and_converted)
{
    struct mbi m;
    static const uint64_t bios[][3] = { { 0, 0x1000, 1 } };
    mbi_begin(&m);
    add_bios_mmap(&m, bios, 1);
    uint8_t *p = mbi_tag(&m, MB2_TAG_EFI_MMAP, 8 + 3 * 48);
    put32(p, 48);
    put32(p + 4, 1);
    uint8_t *e = p + 8;
    put32(e, 7); put64(e + 8, 0x100000); put64(e + 24, 256);           /* conventional */
    put32(e + 48, 10); put64(e + 56, 0x7fe0000); put64(e + 72, 16);    /* ACPI NVS */
    put32(e + 96, 7); put64(e + 104, 0x1000); put64(e + 120, 1ull << 60); /* overflow */
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert(mb2_mmap_is_efi(&info));
    ck_assert(mb2_booted_uefi(&info));
    ck_assert_int_eq(mb2_mmap_count(&info), 3);
    struct mem_region r;
    ck_assert(mb2_mmap_entry(&info, 0, &r));
    ck_assert_uint_eq(r.length, 256 * 4096);
    ck_assert_int_eq(r.type, MEM_USABLE);
    ck_assert(mb2_mmap_entry(&info, 1, &r));
    ck_assert_int_eq(r.type, MEM_ACPI_NVS);
    ck_assert(!mb2_mmap_entry(&info, 2, &r));
}
END_TEST

START_TEST(framebuffer_checks)
{
    struct mbi m;
    uint8_t *p;

    mbi_begin(&m);
    add_fb(&m, 0xfd000000, 1000, 1024, 768, 32); /* pitch < width * 4 */
    mbi_end(&m);
    ck_assert_int_eq(parse(&m), 0);
    ck_assert(!info.has_framebuffer);
    ck_assert(messages_contain(&msgs, "pitch 1000 is smaller"));

    mbi_begin(&m);
    add_fb(&m, 0xfd000000, 4096, 1024, 768, 7);
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_framebuffer);
    ck_assert(messages_contain(&msgs, "7 bits per pixel"));

    mbi_begin(&m);
    p = add_fb(&m, 0xfd000000, 2048, 1024, 768, 16);
    p[24] = 12; p[25] = 8; /* red field overruns 16 bits */
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_framebuffer);
    ck_assert(messages_contain(&msgs, "colour fields"));

    mbi_begin(&m);
    add_fb(&m, 0xfffffffffff00000ull, 4096, 1024, 768, 32);
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_framebuffer);
    ck_assert(messages_contain(&msgs, "wrap around"));

    mbi_begin(&m);
    add_fb(&m, 0, 4096, 1024, 768, 32);
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_framebuffer);

    mbi_begin(&m);
    p = mbi_tag(&m, MB2_TAG_FRAMEBUFFER, 20); /* too short for the common part */
    put64(p, 0xb8000);
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_framebuffer);
    ck_assert(messages_contain(&msgs, "too small for a framebuffer"));

    mbi_begin(&m);
    p = add_fb(&m, 0xb8000, 160, 80, 25, 16);
    p[21] = MB2_FB_EGA_TEXT;
    mbi_end(&m);
    parse(&m);
    ck_assert(info.has_framebuffer);
    ck_assert_int_eq(info.fb.type, MB2_FB_EGA_TEXT);

    mbi_begin(&m);
    p = add_fb(&m, 0xa0000, 320, 320, 200, 8);
    p[21] = MB2_FB_INDEXED;
    p[24] = 0xff; p[25] = 0x00; /* 255 colours, no room for them */
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_framebuffer);
    ck_assert(messages_contain(&msgs, "palette"));
}
END_TEST

START_TEST(rsdp_checks)
{
    struct mbi m;
    uint8_t *r;

    mbi_begin(&m);
    r = mbi_tag(&m, MB2_TAG_ACPI_OLD, 20);
    fill_rsdp(r, 0);
    r[10] ^= 1; /* breaks the checksum */
    mbi_end(&m);
    parse(&m);
    ck_assert_ptr_null(info.rsdp);
    ck_assert(messages_contain(&msgs, "RSDP checksum is wrong"));

    mbi_begin(&m);
    r = mbi_tag(&m, MB2_TAG_ACPI_OLD, 20);
    fill_rsdp(r, 0);
    r[0] = 'X';
    mbi_end(&m);
    parse(&m);
    ck_assert_ptr_null(info.rsdp);
    ck_assert(messages_contain(&msgs, "signature"));

    mbi_begin(&m);
    r = mbi_tag(&m, MB2_TAG_ACPI_NEW, 36);
    fill_rsdp(r, 1);
    r[30] ^= 1; /* extended checksum only */
    mbi_end(&m);
    parse(&m);
    ck_assert_ptr_null(info.rsdp);
    ck_assert(messages_contain(&msgs, "extended checksum"));

    mbi_begin(&m);
    r = mbi_tag(&m, MB2_TAG_ACPI_NEW, 36);
    fill_rsdp(r, 1);
    put32(r + 20, 4000); /* length past the tag */
    mbi_end(&m);
    parse(&m);
    ck_assert_ptr_null(info.rsdp);

    mbi_begin(&m);
    fill_rsdp(mbi_tag(&m, MB2_TAG_ACPI_OLD, 20), 0);
    fill_rsdp(mbi_tag(&m, MB2_TAG_ACPI_NEW, 36), 1);
    fill_rsdp(mbi_tag(&m, MB2_TAG_ACPI_OLD, 20), 0);
    mbi_end(&m);
    parse(&m);
    ck_assert_ptr_nonnull(info.rsdp);
    ck_assert_int_eq(info.rsdp_revision, 2);
    ck_assert_int_eq(info.rsdp_length, 36);
    ck_assert_int_eq(info.errors, 0);

    mbi_begin(&m);
    mbi_tag(&m, MB2_TAG_ACPI_OLD, 10);
    mbi_end(&m);
    parse(&m);
    ck_assert_ptr_null(info.rsdp);
    ck_assert(messages_contain(&msgs, "too small for an RSDP"));
}
END_TEST

START_TEST(efi64_zero_rejected)
{
    struct mbi m;
    mbi_begin(&m);
    put64(mbi_tag(&m, MB2_TAG_EFI64, 8), 0);
    mbi_end(&m);
    parse(&m);
    ck_assert(!info.has_efi64);
    ck_assert(messages_contain(&msgs, "system table address is zero"));
}
END_TEST

/* Random damage to a valid structure must never read out of bounds (the
 * sanitizers would stop the test) and must leave only validated data. */
START_TEST(random_damage_is_survived)
{
    struct mbi base, m;
    static const uint64_t map[][3] = { { 0, 0x9fc00, 1 }, { 0x100000, 0x100000, 1 } };
    mbi_begin(&base);
    add_string(&base, MB2_TAG_CMDLINE, "console=serial");
    add_module(&base, 0x200000, 0x210000, "initrd");
    add_bios_mmap(&base, map, 2);
    add_fb(&base, 0xfd000000, 4096, 1024, 768, 32);
    fill_rsdp(mbi_tag(&base, MB2_TAG_ACPI_NEW, 36), 1);
    mbi_end(&base);

    srand(12345);
    for (int round = 0; round < 20000; round++) {
        m = base;
        int flips = 1 + rand() % 8;
        for (int i = 0; i < flips; i++)
            m.buf[rand() % base.len] ^= (uint8_t)(1 + rand() % 255);
        /* The parser may read only `readable` bytes: give it exactly the
         * structure, copied to the end of a heap block so ASan sees any
         * overrun. */
        size_t readable = base.len;
        uint8_t *heap = aligned_alloc(8, readable);
        memcpy(heap, m.buf, readable);
        struct messages quiet = { 0 };
        if (mb2_parse(heap, readable, &info, messages_report, &quiet) == 0) {
            if (info.cmdline)
                ck_assert_uint_lt((size_t)((const uint8_t *)info.cmdline - heap), readable);
            if (info.has_framebuffer)
                ck_assert_uint_ge(info.fb.pitch, info.fb.width);
            struct mem_region r;
            for (size_t i = 0; i < mb2_mmap_count(&info); i++)
                if (mb2_mmap_entry(&info, i, &r))
                    ck_assert_uint_ge(r.base + r.length, r.base);
        }
        free(heap);
    }
}
END_TEST

Suite *suite_multiboot2(void)
{
    Suite *s = suite_create("multiboot2");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, valid_structure_with_every_tag);
    tcase_add_test(tc, minimal_structure_is_bios_without_extras);
    tcase_add_test(tc, header_misaligned_or_out_of_bounds);
    tcase_add_test(tc, tag_size_breaks_the_chain);
    tcase_add_test(tc, missing_end_tag_is_reported);
    tcase_add_test(tc, unterminated_strings_are_rejected);
    tcase_add_test(tc, duplicates_keep_the_first);
    tcase_add_test(tc, modules_bad_range_and_too_many);
    tcase_add_test(tc, memory_map_layouts_rejected);
    tcase_add_test(tc, memory_map_wrapping_entry_is_invalid);
    tcase_add_test(tc, efi_map_is_preferred_and_converted);
    tcase_add_test(tc, framebuffer_checks);
    tcase_add_test(tc, rsdp_checks);
    tcase_add_test(tc, efi64_zero_rejected);
    tcase_add_test(tc, random_damage_is_survived);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
