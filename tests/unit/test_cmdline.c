/* Unit tests of the kernel command-line parser (kernel/lib/cmdline.c). */
#include "unit.h"
#include <kernel/cmdline.h>
#include <string.h>

START_TEST(flags_and_values)
{
    const char *c = "  selftest loglevel=debug console=serial  ";
    char v[32];
    ck_assert(cmdline_has(c, "selftest"));
    ck_assert(cmdline_has(c, "loglevel"));
    ck_assert(!cmdline_has(c, "self"));
    ck_assert(!cmdline_has(c, "serial"));
    ck_assert_int_eq(cmdline_get(c, "loglevel", v, sizeof(v)), 5);
    ck_assert_str_eq(v, "debug");
    ck_assert_int_eq(cmdline_get(c, "console", v, sizeof(v)), 6);
    ck_assert_str_eq(v, "serial");
    ck_assert_int_eq(cmdline_get(c, "selftest", v, sizeof(v)), -1);
    ck_assert_int_eq(cmdline_get(c, "missing", v, sizeof(v)), -1);
}
END_TEST

START_TEST(last_value_wins_and_quotes)
{
    const char *c = "loglevel=info name=\"two words\" loglevel=warn empty=";
    char v[32];
    ck_assert_int_eq(cmdline_get(c, "loglevel", v, sizeof(v)), 4);
    ck_assert_str_eq(v, "warn");
    ck_assert_int_eq(cmdline_get(c, "name", v, sizeof(v)), 9);
    ck_assert_str_eq(v, "two words");
    ck_assert_int_eq(cmdline_get(c, "empty", v, sizeof(v)), 0);
    ck_assert_str_eq(v, "");
}
END_TEST

START_TEST(value_too_long_and_degenerate_input)
{
    char v[4];
    ck_assert_int_eq(cmdline_get("key=abcd", "key", v, sizeof(v)), -1);
    ck_assert_int_eq(cmdline_get("key=abc", "key", v, sizeof(v)), 3);
    ck_assert(!cmdline_has("", "x"));
    ck_assert(!cmdline_has(NULL, "x"));
    ck_assert(cmdline_has("x=\"unterminated", "x"));
    ck_assert_int_eq(cmdline_get("x=\"unterminated", "x", v, sizeof(v)), -1);
    ck_assert(cmdline_has("=v k", "k"));
}
END_TEST

static bool stop_after_first(void *ctx, const char *k, size_t kl, const char *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(int *)ctx)++;
    return false;
}

START_TEST(each_stops_when_asked)
{
    int n = 0;
    ck_assert(!cmdline_each("a b c", stop_after_first, &n));
    ck_assert_int_eq(n, 1);
}
END_TEST

Suite *suite_cmdline(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, flags_and_values);
    tcase_add_test(tc, last_value_wins_and_quotes);
    tcase_add_test(tc, value_too_long_and_degenerate_input);
    tcase_add_test(tc, each_stops_when_asked);
    suite_add_tcase(s, tc);
    return s;
}
