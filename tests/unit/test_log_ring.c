/* Unit tests of the kernel log's ring buffer (kernel/lib/log_ring.c):
 * positions, paging through with a cursor, dropping whole lines from the
 * front when full, and a line longer than the ring. */
#include <kernel/log_ring.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static char buf[32];
static struct log_ring ring;

static void put(const char *s)
{
    log_ring_append(&ring, s, strlen(s));
}

/* Everything from position `from` on, as a string; *pos gets where the
 * read started. */
static const char *all_from(uint64_t from, uint64_t *start)
{
    static char out[256];
    uint64_t pos = from;
    size_t n = log_ring_read(&ring, &pos, out, sizeof(out) - 1);
    out[n] = '\0';
    if (start)
        *start = pos;
    return out;
}

START_TEST(append_and_read)
{
    log_ring_init(&ring, buf, sizeof(buf));
    uint64_t start;
    ck_assert_str_eq(all_from(0, &start), "");
    put("one\n");
    put("two\n");
    ck_assert_str_eq(all_from(0, &start), "one\ntwo\n");
    ck_assert_uint_eq(start, 0);
    ck_assert_str_eq(all_from(4, &start), "two\n");
    ck_assert_uint_eq(ring.head, 8);
    /* At or past the end: nothing, and the cursor stays. */
    ck_assert_str_eq(all_from(8, &start), "");
    ck_assert_uint_eq(start, 8);
    ck_assert_str_eq(all_from(100, &start), "");
    ck_assert_uint_eq(start, 100);
}
END_TEST

START_TEST(paging_with_a_cursor)
{
    log_ring_init(&ring, buf, sizeof(buf));
    put("abcdefghij\n");
    char out[4];
    char joined[32] = "";
    uint64_t pos = 0;
    size_t n;
    while ((n = log_ring_read(&ring, &pos, out, sizeof(out))) > 0) {
        strncat(joined, out, n);
        pos += n;
    }
    ck_assert_str_eq(joined, "abcdefghij\n");
    ck_assert_uint_eq(pos, 11);
}
END_TEST

START_TEST(full_ring_drops_whole_lines)
{
    log_ring_init(&ring, buf, sizeof(buf));
    put("line 1\n");          /* 0-6 */
    put("line 2\n");          /* 7-13 */
    put("line 3\n");          /* 14-20 */
    put("line 4\n");          /* 21-27 */
    put("line 5\n");          /* 28-34: 3 bytes over, so line 1 goes */
    uint64_t start;
    ck_assert_str_eq(all_from(0, &start), "line 2\nline 3\nline 4\nline 5\n");
    ck_assert_uint_eq(start, 7);
    ck_assert_uint_eq(ring.tail, 7);
    /* A reader behind the tail is moved to it; one inside goes on. */
    ck_assert_str_eq(all_from(3, &start), "line 2\nline 3\nline 4\nline 5\n");
    ck_assert_str_eq(all_from(31, &start), "e 5\n");
    /* Wrapping several times keeps the invariant. */
    for (int i = 0; i < 50; i++)
        put(i % 2 ? "x\n" : "longer line\n");
    const char *s = all_from(0, &start);
    ck_assert_uint_le(strlen(s), sizeof(buf));
    ck_assert(strncmp(s, "x\n", 2) == 0 || strncmp(s, "longer line\n", 12) == 0);
    ck_assert_uint_eq(ring.head - ring.tail, strlen(s));
}
END_TEST

START_TEST(new_text_holds_the_next_line_start)
{
    /* The first line start that fits lies inside the text appended. */
    log_ring_init(&ring, buf, sizeof(buf));
    put("0123456789012345678901234567890");  /* 31 bytes, no newline */
    put("ab\ncd\n");
    uint64_t start;
    ck_assert_str_eq(all_from(0, &start), "cd\n");
    ck_assert_uint_eq(start, 34);
}
END_TEST

START_TEST(line_longer_than_the_ring)
{
    log_ring_init(&ring, buf, sizeof(buf));
    put("short\n");
    char big[80];
    for (size_t i = 0; i < sizeof(big) - 1; i++)
        big[i] = (char)('a' + i % 26);
    big[sizeof(big) - 1] = '\0';
    put(big);
    uint64_t start;
    const char *s = all_from(0, &start);
    ck_assert_uint_eq(strlen(s), sizeof(buf));
    ck_assert_str_eq(s, big + strlen(big) - sizeof(buf));
    ck_assert_uint_eq(start, 6 + strlen(big) - sizeof(buf));
    put("\nnext\n");
    ck_assert_str_eq(all_from(0, &start), "next\n");
}
END_TEST

Suite *suite_log_ring(void)
{
    Suite *s = suite_create("log_ring");
    TCase *tc = tcase_create("log_ring");
    tcase_add_test(tc, append_and_read);
    tcase_add_test(tc, paging_with_a_cursor);
    tcase_add_test(tc, full_ring_drops_whole_lines);
    tcase_add_test(tc, new_text_holds_the_next_line_start);
    tcase_add_test(tc, line_longer_than_the_ring);
    suite_add_tcase(s, tc);
    return s;
}
