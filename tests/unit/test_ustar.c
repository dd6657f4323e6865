/* Unit tests of the initrd archive validator (kernel/boot/ustar.c): valid
 * archives (hand-built and made by GNU tar), each kind of damage with the
 * message it must produce, and random damage under the sanitizers. */
#include "unit.h"
#include <kernel/ustar.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct archive {
    uint8_t buf[64 * 1024];
    size_t len;
};

static void seal_header(uint8_t *h)
{
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
}

static uint8_t *add_entry(struct archive *a, const char *path, char type,
                          const char *data)
{
    uint8_t *h = a->buf + a->len;
    size_t size = data ? strlen(data) : 0;
    memset(h, 0, 512);
    size_t plen = strlen(path);
    if (plen > 100) {
        const char *slash = strchr(path + plen - 100, '/');
        memcpy(h + 345, path, (size_t)(slash - path));
        memcpy(h, slash + 1, plen - (size_t)(slash - path) - 1);
    } else {
        memcpy(h, path, plen);
    }
    memcpy(h + 100, "0000644", 7);
    memcpy(h + 108, "0000000", 7);
    memcpy(h + 116, "0000000", 7);
    snprintf((char *)h + 124, 12, "%011o", (unsigned)(size & 07777777777));
    memcpy(h + 136, "00000000000", 11);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    seal_header(h);
    a->len += 512;
    if (size) {
        memcpy(a->buf + a->len, data, size);
        a->len += (size + 511) & ~(size_t)511;
    }
    return h;
}

static void add_end(struct archive *a)
{
    memset(a->buf + a->len, 0, 1024);
    a->len += 1024;
}

static struct messages msgs;
static struct ustar_stats st;

static int validate(const struct archive *a)
{
    memset(&msgs, 0, sizeof(msgs));
    return ustar_validate(a->buf, a->len, "initrd", &st, messages_report, &msgs);
}

static const char long_path[] =
    "usr/share/some/rather/deep/directory/tree/that/needs/the/prefix/field/"
    "because/it/is/long/file.txt";

static void build_valid(struct archive *a)
{
    a->len = 0;
    add_entry(a, "etc/", '5', NULL);
    add_entry(a, "etc/a", '0', "hello");
    add_entry(a, long_path, '0', "x");
    add_end(a);
}

START_TEST(valid_archive_walks_and_finds)
{
    static struct archive a;
    build_valid(&a);
    ck_assert_int_eq(validate(&a), 0);
    ck_assert_int_eq(msgs.count, 0);
    ck_assert_int_eq(st.files, 2);
    ck_assert_int_eq(st.dirs, 1);
    ck_assert_int_eq(st.bytes, 6);
    ck_assert_int_eq(st.end_offset, a.len);

    size_t off = 0;
    struct ustar_entry e;
    ck_assert(ustar_next(a.buf, a.len, &off, &e));
    ck_assert_str_eq(e.path, "etc/");
    ck_assert_int_eq(e.type, USTAR_DIR);
    ck_assert(ustar_next(a.buf, a.len, &off, &e));
    ck_assert_str_eq(e.path, "etc/a");
    ck_assert_int_eq(e.size, 5);
    ck_assert_int_eq(e.mode, 0644);
    ck_assert(memcmp(e.data, "hello", 5) == 0);
    ck_assert(ustar_next(a.buf, a.len, &off, &e));
    ck_assert_str_eq(e.path, long_path);
    ck_assert(!ustar_next(a.buf, a.len, &off, &e));

    ck_assert(ustar_find(a.buf, a.len, long_path, &e));
    ck_assert_int_eq(e.data[0], 'x');
    ck_assert(!ustar_find(a.buf, a.len, "etc/", &e));
    ck_assert(!ustar_find(a.buf, a.len, "etc/missing", &e));
}
END_TEST

START_TEST(empty_and_end_only)
{
    static struct archive a;
    a.len = 0;
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "initrd: corrupt archive at offset 0: empty archive"));
    add_end(&a);
    ck_assert_int_eq(validate(&a), 0);
    ck_assert_int_eq(st.files, 0);
}
END_TEST

START_TEST(bad_checksum_names_entry_and_offset)
{
    static struct archive a;
    build_valid(&a);
    a.buf[512 + 4] = 'b'; /* renames etc/a to etc/b without resealing */
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs,
        "initrd: corrupt archive at offset 0x200 (entry 'etc/b'): header checksum mismatch"));
}
END_TEST

START_TEST(bad_magic_and_fields)
{
    static struct archive a;
    build_valid(&a);
    memcpy(a.buf + 512 + 257, "ustaR", 5);
    seal_header(a.buf + 512);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "bad magic"));

    build_valid(&a);
    memcpy(a.buf + 512 + 124, "0000000009x", 11);
    seal_header(a.buf + 512);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "size field is not octal"));

    build_valid(&a);
    a.buf[512 + 124] = 0x80; /* GNU base-256 size */
    seal_header(a.buf + 512);
    ck_assert_int_eq(validate(&a), -1);

    build_valid(&a);
    memcpy(a.buf + 512 + 100, "0008", 4);
    seal_header(a.buf + 512);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "mode, owner or time field is not octal"));

    build_valid(&a);
    memcpy(a.buf + 512 + 148, "zzzzzz", 6);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "checksum field is not octal"));
}
END_TEST

START_TEST(sizes_past_the_end)
{
    static struct archive a;
    a.len = 0;
    add_entry(&a, "big", '0', "abc");
    snprintf((char *)a.buf + 124, 12, "%011o", 0777777);
    seal_header(a.buf);
    add_end(&a);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "(entry 'big'): contents run past the end of the archive"));

    /* Huge size: no arithmetic overflow may let it through. */
    memcpy(a.buf + 124, "77777777777", 11);
    seal_header(a.buf);
    ck_assert_int_eq(validate(&a), -1);

    /* Contents fit but not their padding. */
    a.len = 0;
    add_entry(&a, "f", '0', "abc");
    a.len = 512 + 3;
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "padding"));
}
END_TEST

START_TEST(truncated_end_marker)
{
    static struct archive a;
    build_valid(&a);
    a.len -= 1024;
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "truncated: no end-of-archive marker"));
    ck_assert(!messages_contain(&msgs, "entry '"));
    build_valid(&a);
    a.len -= 512;
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "incomplete end-of-archive marker"));
    build_valid(&a);
    a.len -= 100; /* header cut in the middle */
    ck_assert_int_eq(validate(&a), -1);
}
END_TEST

START_TEST(unsafe_paths_and_types)
{
    static const char *const bad[] = { "../etc/passwd", "/etc/passwd", "a/../b",
                                       "a//b", "./a", "a/.", "", "a\001b" };
    static struct archive a;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        a.len = 0;
        add_entry(&a, bad[i], '0', "x");
        add_end(&a);
        ck_assert_msg(validate(&a) == -1, "path '%s' accepted", bad[i]);
    }
    a.len = 0;
    add_entry(&a, "link", '2', NULL);
    add_end(&a);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "unsupported entry type"));

    a.len = 0;
    add_entry(&a, "dir/", '5', "data");
    add_end(&a);
    ck_assert_int_eq(validate(&a), -1);
    ck_assert(messages_contain(&msgs, "directory with contents"));

    a.len = 0;
    add_entry(&a, "file/", '0', "x");
    add_end(&a);
    ck_assert_int_eq(validate(&a), -1);
}
END_TEST

START_TEST(gnu_tar_archive_is_accepted)
{
    char dir[] = "/tmp/atom-ustar-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir -p bin && printf 'abc' > bin/prog && "
             "tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 --no-recursion "
             "-cf a.tar bin bin/prog 2>/dev/null", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s/a.tar", dir);
    FILE *f = fopen(cmd, "rb");
    ck_assert_ptr_nonnull(f);
    static struct archive a;
    a.len = fread(a.buf, 1, sizeof(a.buf), f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);

    ck_assert_int_eq(validate(&a), 0);
    struct ustar_entry e;
    ck_assert(ustar_find(a.buf, a.len, "bin/prog", &e));
    ck_assert_int_eq(e.size, 3);
    ck_assert_int_eq(st.dirs, 1);
    ck_assert_int_eq(st.files, 1);
}
END_TEST

START_TEST(random_damage_is_survived)
{
    static struct archive base;
    build_valid(&base);
    srand(4242);
    for (int round = 0; round < 20000; round++) {
        uint8_t *copy = malloc(base.len);
        memcpy(copy, base.buf, base.len);
        int flips = 1 + rand() % 6;
        for (int i = 0; i < flips; i++)
            copy[rand() % base.len] ^= (uint8_t)(1 + rand() % 255);
        size_t len = base.len - (size_t)(rand() % 3 == 0 ? rand() % 1024 : 0);
        struct messages quiet = { 0 };
        struct ustar_stats s;
        if (ustar_validate(copy, len, "fuzz", &s, messages_report, &quiet) == 0) {
            size_t off = 0;
            struct ustar_entry e;
            while (ustar_next(copy, len, &off, &e)) {
                ck_assert(e.data >= copy && e.data + e.size <= copy + len);
                ck_assert(e.path[0] != '/' && !strstr(e.path, ".."));
            }
        } else {
            ck_assert_int_eq(quiet.count, 1);
        }
        free(copy);
    }
}
END_TEST

Suite *suite_ustar(void)
{
    Suite *s = suite_create("ustar");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, valid_archive_walks_and_finds);
    tcase_add_test(tc, empty_and_end_only);
    tcase_add_test(tc, bad_checksum_names_entry_and_offset);
    tcase_add_test(tc, bad_magic_and_fields);
    tcase_add_test(tc, sizes_past_the_end);
    tcase_add_test(tc, truncated_end_marker);
    tcase_add_test(tc, unsafe_paths_and_types);
    tcase_add_test(tc, gnu_tar_archive_is_accepted);
    tcase_add_test(tc, random_damage_is_survived);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
