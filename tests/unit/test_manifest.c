/* Unit tests for the boot manifest parser (kernel/proc/manifest.c). */
#include <kernel/error.h>
#include <kernel/manifest.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static int parse(const char *text, struct manifest_entry *e, size_t max, size_t *n,
                 struct messages *m)
{
    memset(m, 0, sizeof(*m));
    return manifest_parse(text, strlen(text), e, max, n, messages_report, m);
}

START_TEST(power_entry)
{
    struct manifest_entry e[4];
    size_t n;
    struct messages m;
    ck_assert_int_eq(parse("initrd\npower   # the power object\n", e, 4, &n, &m), E_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(e[1].kind, MANIFEST_POWER);
    ck_assert_uint_eq(e[1].line, 2);
    ck_assert_int_eq(m.count, 0);
}
END_TEST

START_TEST(valid_manifest)
{
    static const char text[] =
        "# devices for init\n"
        "\n"
        "irq 1            # keyboard\n"
        "ioport 0x60 1\r\n"
        "\tioport 100 0x10\n"
        "framebuffer\n"
        "irq 15\n"
        "initrd";
    struct manifest_entry e[8];
    size_t n;
    struct messages m;
    ck_assert_int_eq(parse(text, e, 8, &n, &m), E_OK);
    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(e[0].kind, MANIFEST_IRQ);
    ck_assert_uint_eq(e[0].a, 1);
    ck_assert_uint_eq(e[0].line, 3);
    ck_assert_int_eq(e[1].kind, MANIFEST_IOPORT);
    ck_assert_uint_eq(e[1].a, 0x60);
    ck_assert_uint_eq(e[1].b, 1);
    ck_assert_uint_eq(e[2].a, 100);
    ck_assert_uint_eq(e[2].b, 16);
    ck_assert_int_eq(e[3].kind, MANIFEST_FRAMEBUFFER);
    ck_assert_uint_eq(e[4].a, 15);
    ck_assert_int_eq(e[5].kind, MANIFEST_INITRD);
    ck_assert_int_eq(m.count, 0);
}
END_TEST

START_TEST(empty_manifest)
{
    struct manifest_entry e[1];
    size_t n = 99;
    struct messages m;
    ck_assert_int_eq(parse("", e, 1, &n, &m), E_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(parse("# nothing\n\n   \n", e, 1, &n, &m), E_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(bad_lines_are_refused_whole)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        { "irq\n", "line 1: irq needs a line number" },
        { "irq 16\n", "line 1: irq needs a line number" },
        { "irq -1\n", "line 1: irq needs" },
        { "irq 0x\n", "line 1: irq needs" },
        { "irq 1 2\n", "line 1: unexpected text" },
        { "irq 1\nioport 0x60\n", "line 2: ioport needs a base and a count" },
        { "ioport 0x10000 1\n", "line 1: ioport needs" },
        { "ioport 0xffff 2\n", "line 1: ioport range is empty or runs past" },
        { "ioport 0x60 0\n", "line 1: ioport range is empty" },
        { "ioport 1 99999999999\n", "line 1: ioport needs" },
        { "framebuffer now\n", "line 1: unexpected text" },
        { "disk 1\n", "line 1: unknown entry" },
        { "irq 1\0irq 2\n", "line 1: control character" },
        { "irq 1\nirq 2\nirq 3\n", "line 3: more than 2 entries" },
        { "initrd 1\n", "line 1: unexpected text" },
        { "power off\n", "line 1: unexpected text" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct manifest_entry e[2];
        size_t n = 99;
        struct messages m;
        memset(&m, 0, sizeof(m));
        size_t len = strlen(cases[i].text);
        if (i == 12)
            len = 12; /* include the NUL */
        ck_assert_int_eq(manifest_parse(cases[i].text, len, e, 2, &n, messages_report, &m),
                         E_INVAL);
        ck_assert_uint_eq(n, 0);
        ck_assert_msg(messages_contain(&m, cases[i].message), "case %zu: %s", i, m.text);
    }
}
END_TEST

START_TEST(random_text_never_crashes)
{
    srand(7);
    static const char alphabet[] = "irqoptfamebuf x0123456789#\n\t\r-";
    for (int round = 0; round < 20000; round++) {
        char text[64];
        size_t len = (size_t)rand() % sizeof(text);
        for (size_t i = 0; i < len; i++)
            text[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
        struct manifest_entry e[4];
        size_t n;
        struct messages m;
        memset(&m, 0, sizeof(m));
        int err = manifest_parse(text, len, e, 4, &n, messages_report, &m);
        ck_assert(err == E_OK || err == E_INVAL);
        ck_assert(err == E_OK ? n <= 4 : n == 0);
        for (size_t i = 0; err == E_OK && i < n; i++)
            ck_assert(e[i].kind != MANIFEST_IOPORT || (e[i].b > 0 && e[i].a + e[i].b <= 0x10000));
    }
}
END_TEST

Suite *suite_manifest(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, power_entry);
    tcase_add_test(tc, valid_manifest);
    tcase_add_test(tc, empty_manifest);
    tcase_add_test(tc, bad_lines_are_refused_whole);
    tcase_add_test(tc, random_text_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}
