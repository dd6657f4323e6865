/* Unit tests of the kernel's printf engine (kernel/lib/fmt.c), checked
 * against what the C library prints for the same format. */
#include "unit.h"
#include <kernel/fmt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SAME_AS_LIBC(...)                                                    \
    do {                                                                     \
        char ours[256], libc[256];                                           \
        int n1 = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__);              \
        int n2 = snprintf(libc, sizeof(libc), __VA_ARGS__);                  \
        ck_assert_str_eq(ours, libc);                                        \
        ck_assert_int_eq(n1, n2);                                            \
    } while (0)

START_TEST(integers_match_libc)
{
    SAME_AS_LIBC("%d %i %u", 0, -42, 42u);
    SAME_AS_LIBC("%d", (int)0x80000000);
    SAME_AS_LIBC("%lld", (long long)INT64_MIN);
    SAME_AS_LIBC("%llu %llx", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
    SAME_AS_LIBC("%5d|%-5d|%05d", 42, 42, -42);
    SAME_AS_LIBC("%+d % d %+d", 5, 5, -5);
    SAME_AS_LIBC("%x %X %#x %#X %#o %o", 0xbeef, 0xbeef, 0xbeef, 0, 8, 0);
    SAME_AS_LIBC("%.3d|%8.3d|%-8.3x|%.0d", 7, 7, 0xa, 0);
    SAME_AS_LIBC("%zu %zd %td %jd", (size_t)123, (ssize_t)-1, (ptrdiff_t)-7, (intmax_t)9);
    SAME_AS_LIBC("%hhd %hd %hhu", 300, 70000, 257);
    SAME_AS_LIBC("%016llx", 0x1234ull);
    SAME_AS_LIBC("%#018llx", 0xfd000000ull);
    SAME_AS_LIBC("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
    SAME_AS_LIBC("%*d", -6, 1);
}
END_TEST

START_TEST(strings_and_chars_match_libc)
{
    SAME_AS_LIBC("%s|%10s|%-10s|%.2s|%c|%3c|%%", "abc", "abc", "abc", "abc", 'x', 'y');
    SAME_AS_LIBC("%.*s", 3, "abcdef");
    SAME_AS_LIBC("%-*s|", 8, "ab");
}
END_TEST

START_TEST(precision_stops_reading)
{
    /* "%.4s" must not read past 4 bytes: no terminator here. */
    char unterminated[4] = { 'a', 'b', 'c', 'd' };
    char out[16];
    fmt_snprintf(out, sizeof(out), "%.4s", unterminated);
    ck_assert_str_eq(out, "abcd");
}
END_TEST

START_TEST(null_string_and_pointer)
{
    char out[64];
    const char *volatile null_string = NULL;
    fmt_snprintf(out, sizeof(out), "%s", null_string);
    ck_assert_str_eq(out, "(null)");
    fmt_snprintf(out, sizeof(out), "%p", (void *)0xffff800000001000ull);
    ck_assert_str_eq(out, "0xffff800000001000");
}
END_TEST

START_TEST(truncation_and_return_value)
{
    char out[8];
    memset(out, 'Z', sizeof(out));
    int n = fmt_snprintf(out, sizeof(out), "%s", "0123456789");
    ck_assert_int_eq(n, 10);
    ck_assert_str_eq(out, "0123456");
    n = fmt_snprintf(out, 1, "abc");
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(out, "");
    n = fmt_snprintf(NULL, 0, "abc%d", 12);
    ck_assert_int_eq(n, 5);
}
END_TEST

START_TEST(unknown_conversion_is_printed)
{
    char out[32];
    const char *fmt = "a%qb%"; /* not a literal, so GCC lets it through */
    fmt_snprintf(out, sizeof(out), fmt, 0);
    ck_assert_str_eq(out, "a%qb%");
}
END_TEST

static void count_sink(void *ctx, char c)
{
    (void)c;
    (*(int *)ctx)++;
}

START_TEST(sink_receives_every_char)
{
    int count = 0;
    int n = fmt_format(count_sink, &count, "%s=%d\n", "answer", 42);
    ck_assert_int_eq(n, 10);
    ck_assert_int_eq(count, 10);
}
END_TEST

Suite *suite_fmt(void)
{
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, integers_match_libc);
    tcase_add_test(tc, strings_and_chars_match_libc);
    tcase_add_test(tc, precision_stops_reading);
    tcase_add_test(tc, null_string_and_pointer);
    tcase_add_test(tc, truncation_and_return_value);
    tcase_add_test(tc, unknown_conversion_is_printed);
    tcase_add_test(tc, sink_receives_every_char);
    suite_add_tcase(s, tc);
    return s;
}
