/* Unit tests of the kernel symbol lookup (kernel/ksyms.c). The test
 * supplies the table the kernel build would generate. */
#include "unit.h"
#include <kernel/ksyms.h>
#include <stdio.h>
#include <string.h>

const struct ksym ksyms_table[] = {
    { 0x1000, "alpha" }, { 0x1040, "beta" }, { 0x1100, "gamma" }, { 0, "" },
};
const size_t ksyms_count = 3;
char kernel_text_end[1]; /* only its address matters to ksyms.c */

START_TEST(lookup_finds_containing_function)
{
    const char *name;
    uint64_t off;
    ck_assert(ksyms_lookup_in(ksyms_table, 3, 0x1200, 0x1000, &name, &off));
    ck_assert_str_eq(name, "alpha");
    ck_assert_uint_eq(off, 0);
    ck_assert(ksyms_lookup_in(ksyms_table, 3, 0x1200, 0x103f, &name, &off));
    ck_assert_str_eq(name, "alpha");
    ck_assert_uint_eq(off, 0x3f);
    ck_assert(ksyms_lookup_in(ksyms_table, 3, 0x1200, 0x1040, &name, &off));
    ck_assert_str_eq(name, "beta");
    ck_assert(ksyms_lookup_in(ksyms_table, 3, 0x1200, 0x11ff, &name, &off));
    ck_assert_str_eq(name, "gamma");
    ck_assert_uint_eq(off, 0xff);
}
END_TEST

START_TEST(lookup_outside_text_fails)
{
    const char *name;
    uint64_t off;
    ck_assert(!ksyms_lookup_in(ksyms_table, 3, 0x1200, 0xfff, &name, &off));
    ck_assert(!ksyms_lookup_in(ksyms_table, 3, 0x1200, 0x1200, &name, &off));
    ck_assert(!ksyms_lookup_in(ksyms_table, 0, 0x1200, 0x1000, &name, &off));
}
END_TEST

START_TEST(every_address_of_a_large_table)
{
    static struct ksym big[1000];
    static char names[1000][16];
    for (int i = 0; i < 1000; i++) {
        snprintf(names[i], sizeof(names[i]), "f%d", i);
        big[i] = (struct ksym){ 0x10000 + 16u * (unsigned)i, names[i] };
    }
    for (uint64_t a = 0x10000; a < 0x10000 + 16000; a += 3) {
        const char *name;
        uint64_t off;
        ck_assert(ksyms_lookup_in(big, 1000, 0x10000 + 16000, a, &name, &off));
        ck_assert_str_eq(name, names[(a - 0x10000) / 16]);
        ck_assert_uint_eq(off, (a - 0x10000) % 16);
    }
}
END_TEST

Suite *suite_ksyms(void)
{
    Suite *s = suite_create("ksyms");
    TCase *tc = tcase_create("lookup");
    tcase_add_test(tc, lookup_finds_containing_function);
    tcase_add_test(tc, lookup_outside_text_fails);
    tcase_add_test(tc, every_address_of_a_large_table);
    suite_add_tcase(s, tc);
    return s;
}
