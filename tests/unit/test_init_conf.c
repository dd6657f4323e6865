/* Unit tests for init's configuration parser (userland/init/conf.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userland/init/conf.h"
#include "unit.h"

struct reports {
    unsigned lines[16];
    char last[128];
    size_t count;
};

static void report(void *ctx, unsigned line, const char *problem)
{
    struct reports *r = ctx;
    if (r->count < 16)
        r->lines[r->count] = line;
    r->count++;
    snprintf(r->last, sizeof(r->last), "%s", problem);
}

START_TEST(valid_config)
{
    static const char text[] =
        "# services\n"
        "\n"
        "service vfs /bin/vfs initrd vfs-server\n"
        "service kbd  /bin/kbd irq:1 ioport:0x60 ioport:100   # keyboard\r\n"
        "once hello /bin/hello -- one two\n"
        "service fb /bin/fbcon framebuffer --\n";
    struct conf_entry e[8];
    struct reports r = { 0 };
    ck_assert_uint_eq(conf_parse(text, strlen(text), e, 8, report, &r), 4);
    ck_assert_uint_eq(r.count, 0);
    ck_assert_int_eq(e[0].kind, CONF_SERVICE);
    ck_assert_str_eq(e[0].name, "vfs");
    ck_assert_str_eq(e[0].program, "/bin/vfs");
    ck_assert_uint_eq(e[0].cap_count, 2);
    ck_assert_int_eq(e[0].caps[0].kind, CONF_CAP_INITRD);
    ck_assert_int_eq(e[0].caps[1].kind, CONF_CAP_VFS_SERVER);
    ck_assert_uint_eq(e[0].line, 3);
    ck_assert_uint_eq(e[1].cap_count, 3);
    ck_assert_int_eq(e[1].caps[0].kind, CONF_CAP_IRQ);
    ck_assert_uint_eq(e[1].caps[0].value, 1);
    ck_assert_int_eq(e[1].caps[1].kind, CONF_CAP_IOPORT);
    ck_assert_uint_eq(e[1].caps[1].value, 0x60);
    ck_assert_uint_eq(e[1].caps[2].value, 100);
    ck_assert_uint_eq(e[1].arg_count, 0);
    ck_assert_int_eq(e[2].kind, CONF_ONCE);
    ck_assert_uint_eq(e[2].arg_count, 2);
    ck_assert_str_eq(e[2].args[0], "one");
    ck_assert_str_eq(e[2].args[1], "two");
    ck_assert_ptr_eq(e[2].args[0], e[2].arg_text); /* into the stored entry */
    ck_assert_int_eq(e[3].caps[0].kind, CONF_CAP_FRAMEBUFFER);
    ck_assert_uint_eq(e[3].arg_count, 0);
}
END_TEST

START_TEST(bad_lines_are_skipped)
{
    static const struct { const char *text; const char *problem; } cases[] = {
        { "daemon x /bin/x\n", "unknown entry" },
        { "service x\n", "needs a name and a program" },
        { "service X /bin/x\n", "the name must be" },
        { "service abcdefghijklmnopqrstuvwxyz012345 /bin/x\n", "the name must be" },
        { "service x bin/x\n", "absolute path" },
        { "service x /bin/x irq:16\n", "irq:N" },
        { "service x /bin/x irq:\n", "unknown capability" },
        { "service x /bin/x ioport:0x10000\n", "ioport:BASE" },
        { "service x /bin/x disk\n", "unknown capability" },
        { "service x /bin/x irq:1 irq:1 irq:1 irq:1 irq:1 irq:1 irq:1 irq:1 irq:1\n",
          "too many capabilities" },
        { "service x /bin/x -- 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
          "too many arguments" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "service ok /bin/ok\n%s", cases[i].text);
        struct conf_entry e[4];
        struct reports r = { 0 };
        ck_assert_uint_eq(conf_parse(text, strlen(text), e, 4, report, &r), 1);
        ck_assert_str_eq(e[0].name, "ok");
        ck_assert_uint_eq(r.count, 1);
        ck_assert_uint_eq(r.lines[0], 2);
        ck_assert_msg(strstr(r.last, cases[i].problem), "case %zu: %s", i, r.last);
    }
}
END_TEST

START_TEST(duplicates_nuls_and_limits)
{
    static const char dup[] = "service a /bin/a\nservice a /bin/b\n";
    struct conf_entry e[2];
    struct reports r = { 0 };
    ck_assert_uint_eq(conf_parse(dup, strlen(dup), e, 2, report, &r), 1);
    ck_assert_str_eq(r.last, "the name is already taken");

    static const char nul[] = "service a /bin/a\0x\nservice b /bin/b\n";
    memset(&r, 0, sizeof(r));
    ck_assert_uint_eq(conf_parse(nul, sizeof(nul) - 1, e, 2, report, &r), 1);
    ck_assert_str_eq(e[0].name, "b");
    ck_assert_str_eq(r.last, "a NUL byte in the line");

    static const char three[] = "once a /a\nonce b /b\nonce c /c";
    memset(&r, 0, sizeof(r));
    ck_assert_uint_eq(conf_parse(three, strlen(three), e, 2, report, &r), 2);
    ck_assert_uint_eq(r.lines[0], 3);
    ck_assert_str_eq(r.last, "too many entries");
}
END_TEST

START_TEST(random_text_never_crashes)
{
    srand(11);
    static const char alphabet[] = "serviconq:x0/ab-# \n\t";
    for (int round = 0; round < 20000; round++) {
        char text[96];
        size_t len = (size_t)rand() % sizeof(text);
        for (size_t i = 0; i < len; i++)
            text[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
        struct conf_entry e[3];
        size_t n = conf_parse(text, len, e, 3, NULL, NULL);
        ck_assert_uint_le(n, 3);
        for (size_t i = 0; i < n; i++) {
            ck_assert(e[i].program[0] == '/');
            ck_assert_uint_le(e[i].cap_count, CONF_MAX_CAPS);
        }
    }
}
END_TEST

Suite *suite_init_conf(void)
{
    Suite *s = suite_create("init_conf");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, valid_config);
    tcase_add_test(tc, bad_lines_are_skipped);
    tcase_add_test(tc, duplicates_nuls_and_limits);
    tcase_add_test(tc, random_text_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}
