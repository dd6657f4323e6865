/* Unit tests of the kernel's string routines (kernel/lib/string.c), built
 * under other names (kstring_rename.h) and compared with the C library. */
#include "unit.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kstring.h"

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

START_TEST(memmove_overlaps_both_ways)
{
    char a[32], b[32];
    for (int shift = -5; shift <= 5; shift++) {
        for (int i = 0; i < 32; i++)
            a[i] = b[i] = (char)i;
        kstr_memmove(a + 10 + shift, a + 10, 12);
        memmove(b + 10 + shift, b + 10, 12);
        ck_assert(memcmp(a, b, 32) == 0);
    }
}
END_TEST

START_TEST(copy_set_compare)
{
    char a[16] = "abcdefgh", b[16];
    ck_assert_ptr_eq(kstr_memcpy(b, a, 9), b);
    ck_assert_str_eq(b, "abcdefgh");
    kstr_memset(b, 'z', 3);
    ck_assert(memcmp(b, "zzzdefgh", 8) == 0);
    ck_assert_int_eq(sign(kstr_memcmp("abc", "abd", 3)), -1);
    ck_assert_int_eq(sign(kstr_memcmp("\xff", "\x01", 1)), 1);
    ck_assert_int_eq(kstr_memcmp("abc", "abd", 2), 0);
    ck_assert_int_eq(kstr_memcmp("", "", 0), 0);
}
END_TEST

/* The word-sized loops: every alignment of both ends, every tail. */
START_TEST(copy_and_set_any_alignment)
{
    unsigned char src[64], a[64], b[64];
    for (int i = 0; i < 64; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (int so = 0; so < 8; so++)
        for (int dof = 0; dof < 8; dof++)
            for (int n = 0; n <= 40; n++) {
                memset(a, 0xee, 64);
                memset(b, 0xee, 64);
                ck_assert_ptr_eq(kstr_memcpy(a + dof, src + so, (size_t)n), a + dof);
                memcpy(b + dof, src + so, (size_t)n);
                ck_assert(memcmp(a, b, 64) == 0);
                ck_assert_ptr_eq(kstr_memset(a + so, 0xa5, (size_t)n), a + so);
                memset(b + so, 0xa5, (size_t)n);
                ck_assert(memcmp(a, b, 64) == 0);
            }
}
END_TEST

START_TEST(strings_match_libc)
{
    static const char *const s[] = { "", "a", "abc", "abd", "ab", "\xff" };
    for (size_t i = 0; i < 6; i++) {
        ck_assert_uint_eq(kstr_strlen(s[i]), strlen(s[i]));
        ck_assert_uint_eq(kstr_strnlen(s[i], 2), strnlen(s[i], 2));
        for (size_t j = 0; j < 6; j++) {
            ck_assert_int_eq(sign(kstr_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
            ck_assert_int_eq(sign(kstr_strncmp(s[i], s[j], 2)),
                             sign(strncmp(s[i], s[j], 2)));
        }
    }
    const char *p = "key=value";
    ck_assert_ptr_eq(kstr_strchr(p, '='), p + 3);
    ck_assert_ptr_eq(kstr_strchr(p, '\0'), p + 9);
    ck_assert_ptr_null(kstr_strchr(p, '#'));
}
END_TEST

START_TEST(strlcpy_truncates_and_terminates)
{
    char b[4];
    ck_assert_uint_eq(kstr_strlcpy(b, "abcdef", sizeof(b)), 6);
    ck_assert_str_eq(b, "abc");
    ck_assert_uint_eq(kstr_strlcpy(b, "ab", sizeof(b)), 2);
    ck_assert_str_eq(b, "ab");
    b[0] = 'q';
    ck_assert_uint_eq(kstr_strlcpy(b, "xyz", 0), 3);
    ck_assert_int_eq(b[0], 'q');
}
END_TEST

Suite *suite_string(void)
{
    Suite *s = suite_create("string");
    TCase *tc = tcase_create("string");
    tcase_add_test(tc, memmove_overlaps_both_ways);
    tcase_add_test(tc, copy_set_compare);
    tcase_add_test(tc, copy_and_set_any_alignment);
    tcase_add_test(tc, strings_match_libc);
    tcase_add_test(tc, strlcpy_truncates_and_terminates);
    suite_add_tcase(s, tc);
    return s;
}
