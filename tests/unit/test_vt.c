/* Unit tests of the screen terminal's emulator (userland/console/vt.c):
 * text and the deferred wrap, scrolling, every CSI it knows, SGR colours
 * in the cells, huge and excess parameters, UTF-8 and its errors, dirty
 * rows and the cursor, unknown sequences leaving no trace, and random
 * bytes that must stay inside the screen (AddressSanitizer watches the
 * screen's end, which is allocated to the byte). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userland/console/vt.h"
#include "unit.h"

struct term {
    struct vt vt;
    struct console_screen *s;
};

static struct term *term_new(uint32_t cols, uint32_t rows)
{
    struct term *t = calloc(1, sizeof(*t));
    t->s = malloc(vt_screen_bytes(cols, rows));
    memset(t->s, 0xa5, vt_screen_bytes(cols, rows)); /* no reliance on zeroes */
    vt_init(&t->vt, t->s, cols, rows);
    return t;
}

static void term_free(struct term *t)
{
    free(t->s);
    free(t);
}

static void put(struct term *t, const char *text)
{
    vt_write(&t->vt, text, strlen(text));
}

static const char *row(struct term *t, uint32_t r)
{
    static char buf[4 * CONSOLE_MAX_COLS + 1];
    vt_row_text(&t->vt, r, buf, sizeof(buf));
    return buf;
}

static const struct console_cell *at(struct term *t, uint32_t r, uint32_t c)
{
    return &t->s->cells[r * t->s->cols + c];
}

static void clean(struct term *t)
{
    memset(t->s->dirty, 0, sizeof(t->s->dirty));
}

static int dirty_count(struct term *t)
{
    int n = 0;
    for (uint32_t r = 0; r < t->s->rows; r++)
        n += t->s->dirty[r] != 0;
    return n;
}

#define CURSOR(t, c, r)                                                      \
    ck_assert_msg((t)->s->cursor_col == (c) && (t)->s->cursor_row == (r),    \
                  "cursor at %u,%u, expected %u,%u", (t)->s->cursor_col,     \
                  (t)->s->cursor_row, (unsigned)(c), (unsigned)(r))

START_TEST(test_init)
{
    struct term *t = term_new(10, 4);
    ck_assert_uint_eq(t->s->magic, CONSOLE_SCREEN_MAGIC);
    ck_assert_uint_eq(t->s->cols, 10);
    ck_assert_uint_eq(t->s->rows, 4);
    ck_assert_uint_eq(t->s->cursor_visible, 1);
    CURSOR(t, 0, 0);
    ck_assert_int_eq(dirty_count(t), 4);
    ck_assert_uint_eq(at(t, 3, 9)->ch, ' ');
    ck_assert_uint_eq(at(t, 3, 9)->fg, 7);
    ck_assert_uint_eq(at(t, 3, 9)->bg, 0);
    ck_assert_uint_eq(vt_screen_bytes(10, 4), 152 + 40 * 8);
    term_free(t);
    /* Geometry is clamped to what the screen structure can hold. */
    t = term_new(1000, 1000);
    ck_assert_uint_eq(t->s->cols, CONSOLE_MAX_COLS);
    ck_assert_uint_eq(t->s->rows, CONSOLE_MAX_ROWS);
    term_free(t);
}
END_TEST

START_TEST(test_text_and_controls)
{
    struct term *t = term_new(20, 4);
    put(t, "hello\r\nworld");
    ck_assert_str_eq(row(t, 0), "hello");
    ck_assert_str_eq(row(t, 1), "world");
    CURSOR(t, 5, 1);
    put(t, "\b\bXY\a");
    ck_assert_str_eq(row(t, 1), "worXY");
    put(t, "\ra\tb\tc");
    ck_assert_str_eq(row(t, 1), "aorXY   b       c"); /* tabs move, never erase */
    put(t, "\t\t\t");  /* tabs stop at the last column */
    CURSOR(t, 19, 1);
    put(t, "\r\b\b");  /* backspace stops at the first */
    CURSOR(t, 0, 1);
    put(t, "\n");      /* LF keeps the column */
    put(t, "\x7f");    /* DEL shows nothing */
    ck_assert_str_eq(row(t, 2), "");
    term_free(t);
}
END_TEST

START_TEST(test_wrap)
{
    struct term *t = term_new(5, 3);
    put(t, "abcde");
    /* Deferred wrap: the cursor stays on the last column... */
    CURSOR(t, 4, 0);
    ck_assert_str_eq(row(t, 1), "");
    /* ...and a CR there cancels the wrap. */
    put(t, "\rX");
    ck_assert_str_eq(row(t, 0), "Xbcde");
    ck_assert_str_eq(row(t, 1), "");
    put(t, "\r" "abcdef");
    ck_assert_str_eq(row(t, 0), "abcde");
    ck_assert_str_eq(row(t, 1), "f");
    CURSOR(t, 1, 1);
    /* Wrapping at the bottom scrolls. */
    put(t, "\x1b[3;1H" "12345678");
    ck_assert_str_eq(row(t, 0), "f");
    ck_assert_str_eq(row(t, 1), "12345");
    ck_assert_str_eq(row(t, 2), "678");
    term_free(t);
}
END_TEST

START_TEST(test_scroll)
{
    struct term *t = term_new(6, 3);
    put(t, "1\r\n2\r\n3");
    clean(t);
    put(t, "\r\n4");
    ck_assert_str_eq(row(t, 0), "2");
    ck_assert_str_eq(row(t, 1), "3");
    ck_assert_str_eq(row(t, 2), "4");
    ck_assert_int_eq(dirty_count(t), 3);
    /* SU / SD */
    put(t, "\x1b[S");
    ck_assert_str_eq(row(t, 0), "3");
    ck_assert_str_eq(row(t, 2), "");
    put(t, "\x1b[2T");
    ck_assert_str_eq(row(t, 0), "");
    ck_assert_str_eq(row(t, 1), "");
    ck_assert_str_eq(row(t, 2), "3");
    put(t, "\x1b[99999S");
    for (int r = 0; r < 3; r++)
        ck_assert_str_eq(row(t, r), "");
    term_free(t);
}
END_TEST

START_TEST(test_scroll_region)
{
    struct term *t = term_new(4, 5);
    put(t, "a\r\nb\r\nc\r\nd\r\ne");
    put(t, "\x1b[2;4r");  /* rows 2..4; homes the cursor */
    CURSOR(t, 0, 0);
    put(t, "\x1b[4H\n");  /* LF at the region's bottom scrolls only it */
    ck_assert_str_eq(row(t, 0), "a");
    ck_assert_str_eq(row(t, 1), "c");
    ck_assert_str_eq(row(t, 2), "d");
    ck_assert_str_eq(row(t, 3), "");
    ck_assert_str_eq(row(t, 4), "e");
    put(t, "\x1b[2H\x1bM");  /* RI at its top scrolls it down */
    ck_assert_str_eq(row(t, 1), "");
    ck_assert_str_eq(row(t, 2), "c");
    ck_assert_str_eq(row(t, 3), "d");
    ck_assert_str_eq(row(t, 4), "e");
    put(t, "\x1b[3H\x1b[L");   /* IL inside the region */
    ck_assert_str_eq(row(t, 2), "");
    ck_assert_str_eq(row(t, 3), "c");
    ck_assert_str_eq(row(t, 4), "e");
    put(t, "\x1b[2H\x1b[2M");  /* DL */
    ck_assert_str_eq(row(t, 1), "c");
    ck_assert_str_eq(row(t, 2), "");
    ck_assert_str_eq(row(t, 3), "");
    ck_assert_str_eq(row(t, 4), "e");
    put(t, "\x1b[5H\x1b[L");   /* IL outside the region does nothing */
    ck_assert_str_eq(row(t, 4), "e");
    put(t, "\x1b[3;2r");       /* invalid: ignored */
    put(t, "\x1b[r");          /* reset to the whole screen */
    put(t, "\x1b[5H\n");
    ck_assert_str_eq(row(t, 0), "c");
    term_free(t);
}
END_TEST

START_TEST(test_cursor_moves)
{
    struct term *t = term_new(10, 5);
    put(t, "\x1b[3;4H");
    CURSOR(t, 3, 2);
    put(t, "\x1b[A");
    CURSOR(t, 3, 1);
    put(t, "\x1b[2B");
    CURSOR(t, 3, 3);
    put(t, "\x1b[3C");
    CURSOR(t, 6, 3);
    put(t, "\x1b[4D");
    CURSOR(t, 2, 3);
    put(t, "\x1b[50A\x1b[50D");
    CURSOR(t, 0, 0);
    put(t, "\x1b[50B\x1b[50C");
    CURSOR(t, 9, 4);
    put(t, "\x1b[5G");
    CURSOR(t, 4, 4);
    put(t, "\x1b[2d");
    CURSOR(t, 4, 1);
    put(t, "\x1b[H");
    CURSOR(t, 0, 0);
    put(t, "\x1b[0;0f");
    CURSOR(t, 0, 0);
    put(t, "\x1b[2;3f");
    CURSOR(t, 2, 1);
    put(t, "\x1b[;5H");
    CURSOR(t, 4, 0);
    term_free(t);
}
END_TEST

START_TEST(test_huge_params)
{
    struct term *t = term_new(10, 5);
    put(t, "\x1b[99999999999999999999;99999999999999999999H");
    CURSOR(t, 9, 4);
    put(t, "\x1b[4294967297A");  /* would be 1 if it wrapped around 32 bits */
    CURSOR(t, 9, 0);
    /* More parameters than kept: the extra ones are dropped. */
    put(t, "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;31mX");
    ck_assert_uint_eq(at(t, 0, 9)->ch, 'X');
    ck_assert_uint_eq(at(t, 0, 9)->fg, 7);
    put(t, "\x1b[H\x1b[99999@\x1b[99999P\x1b[99999X\x1b[99999L\x1b[99999M");
    CURSOR(t, 0, 0);
    term_free(t);
}
END_TEST

START_TEST(test_erase)
{
    struct term *t = term_new(6, 3);
    put(t, "abcdef" "ghijkl" "mnopqr");
    put(t, "\x1b[2;3H\x1b[K");
    ck_assert_str_eq(row(t, 1), "gh");
    put(t, "\x1b[1;3H\x1b[1K");
    ck_assert_str_eq(row(t, 0), "   def");
    put(t, "\x1b[3;2H\x1b[2K");
    ck_assert_str_eq(row(t, 2), "");
    put(t, "\x1b[3;1Hmnopqr\x1b[1;5H\x1b[J");
    ck_assert_str_eq(row(t, 0), "   d");
    ck_assert_str_eq(row(t, 1), "");
    ck_assert_str_eq(row(t, 2), "");
    put(t, "\x1b[1;1Habcdef\r\nghijkl\x1b[2;2H\x1b[1J");
    ck_assert_str_eq(row(t, 0), "");
    ck_assert_str_eq(row(t, 1), "  ijkl");
    put(t, "\x1b[2J");
    ck_assert_str_eq(row(t, 1), "");
    CURSOR(t, 1, 1);  /* ED does not move the cursor */
    put(t, "\x1b[1;1Habcdef\x1b[1;2H\x1b[2X");
    ck_assert_str_eq(row(t, 0), "a  def");
    CURSOR(t, 1, 0);
    /* Erasing uses the current background. */
    put(t, "\x1b[44m\x1b[K");
    ck_assert_uint_eq(at(t, 0, 5)->bg, 4);
    term_free(t);
}
END_TEST

START_TEST(test_insert_delete_chars)
{
    struct term *t = term_new(6, 2);
    put(t, "abcdef\x1b[1;2H\x1b[2@");
    ck_assert_str_eq(row(t, 0), "a  bcd");
    put(t, "\x1b[3P");
    ck_assert_str_eq(row(t, 0), "acd");
    CURSOR(t, 1, 0);
    term_free(t);
}
END_TEST

START_TEST(test_sgr)
{
    struct term *t = term_new(20, 2);
    put(t, "\x1b[31;42mA\x1b[1;4;7mB\x1b[22;24;27mC\x1b[39;49mD"
           "\x1b[95;104mE\x1b[0mF\x1b[1m\x1b[mG\x1b[38;5;3mH\x1b[38;2;1;2;3mI"
           "\x1b[48;5;200mJ");
    const struct console_cell *c = at(t, 0, 0);
    ck_assert_uint_eq(c[0].ch, 'A');
    ck_assert_uint_eq(c[0].fg, 1);
    ck_assert_uint_eq(c[0].bg, 2);
    ck_assert_uint_eq(c[0].attr, 0);
    ck_assert_uint_eq(c[1].attr,
                      CONSOLE_ATTR_BOLD | CONSOLE_ATTR_UNDERLINE | CONSOLE_ATTR_REVERSE);
    ck_assert_uint_eq(c[1].fg, 1);
    ck_assert_uint_eq(c[2].attr, 0);
    ck_assert_uint_eq(c[3].fg, 7);
    ck_assert_uint_eq(c[3].bg, 0);
    ck_assert_uint_eq(c[4].fg, 13);
    ck_assert_uint_eq(c[4].bg, 12);
    ck_assert_uint_eq(c[5].fg, 7);
    ck_assert_uint_eq(c[5].bg, 0);
    ck_assert_uint_eq(c[6].attr, 0);
    ck_assert_uint_eq(c[7].fg, 3);
    ck_assert_uint_eq(c[8].fg, 3);  /* RGB is skipped whole: 1;2;3 not read */
    ck_assert_uint_eq(c[8].attr, 0);
    ck_assert_uint_eq(c[9].bg, 0);
    ck_assert_str_eq(row(t, 0), "ABCDEFGHIJ");
    term_free(t);
}
END_TEST

START_TEST(test_save_restore_and_visibility)
{
    struct term *t = term_new(10, 4);
    put(t, "\x1b[2;3H\x1b[32m\x1b" "7\x1b[H\x1b[0m\x1b" "8X");
    ck_assert_uint_eq(at(t, 1, 2)->fg, 2);
    put(t, "\x1b[3;4H\x1b[s\x1b[H\x1b[uY");
    ck_assert_uint_eq(at(t, 2, 3)->ch, 'Y');
    clean(t);
    put(t, "\x1b[?25l");
    ck_assert_uint_eq(t->s->cursor_visible, 0);
    ck_assert_uint_eq(t->s->dirty[2], 1);
    put(t, "\x1b[?25h");
    ck_assert_uint_eq(t->s->cursor_visible, 1);
    put(t, "\x1b[?1049h\x1b[?7l");  /* unsupported private modes: nothing */
    ck_assert_uint_eq(t->s->cursor_visible, 1);
    put(t, "\x1b" "c");
    CURSOR(t, 0, 0);
    ck_assert_str_eq(row(t, 2), "");
    term_free(t);
}
END_TEST

START_TEST(test_dirty_rows)
{
    struct term *t = term_new(10, 6);
    clean(t);
    put(t, "\x1b[3;1Hx");
    ck_assert_int_eq(dirty_count(t), 2);  /* the old cursor row and row 3 */
    ck_assert_uint_eq(t->s->dirty[0], 1);
    ck_assert_uint_eq(t->s->dirty[2], 1);
    clean(t);
    put(t, "\x1b[5;2H");
    ck_assert_int_eq(dirty_count(t), 2);
    ck_assert_uint_eq(t->s->dirty[2], 1);
    ck_assert_uint_eq(t->s->dirty[4], 1);
    clean(t);
    put(t, "\x1b[1m");  /* nothing visible changed */
    ck_assert_int_eq(dirty_count(t), 0);
    vt_redraw(&t->vt);
    ck_assert_int_eq(dirty_count(t), 6);
    term_free(t);
}
END_TEST

START_TEST(test_utf8)
{
    struct term *t = term_new(20, 2);
    put(t, "a\xc3\xa9" "b\xe2\x94\x80" "c\xf0\x9f\x98\x80");
    ck_assert_uint_eq(at(t, 0, 1)->ch, 0xe9);
    ck_assert_uint_eq(at(t, 0, 3)->ch, 0x2500);
    ck_assert_uint_eq(at(t, 0, 5)->ch, 0x1f600);
    ck_assert_str_eq(row(t, 0), "a\xc3\xa9" "b\xe2\x94\x80" "c\xf0\x9f\x98\x80");
    put(t, "\r\n");
    /* Invalid: stray continuation, overlong, surrogate, too large, a
     * truncated sequence followed by ASCII, a lead byte that is never
     * valid. */
    put(t, "\x80|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x94x|\xff");
    ck_assert_str_eq(row(t, 1), "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|"
                                "\xef\xbf\xbd|\xef\xbf\xbdx|\xef\xbf\xbd");
    term_free(t);
    /* A sequence split across writes. */
    t = term_new(5, 1);
    put(t, "\xe2");
    put(t, "\x94");
    put(t, "\x80");
    ck_assert_uint_eq(at(t, 0, 0)->ch, 0x2500);
    term_free(t);
}
END_TEST

START_TEST(test_unknown_sequences)
{
    struct term *t = term_new(40, 2);
    put(t, "a\x1b]0;title\x07" "b\x1b]2;x\x1b\\c\x1b(Bd\x1b[>0ce\x1b[1$zf\x1b[?1;2;3$pg"
           "\x1bPdcs\x1b\\h\x1b[12;?3mi\x1b[5\x18j\x1bZk\x1b[=5ul\x1b[1 qm");
    ck_assert_str_eq(row(t, 0), "abcdefghijklm");
    for (int i = 0; i < 13; i++)
        ck_assert_uint_eq(at(t, 0, i)->fg, 7);
    /* Controls inside a CSI still act. */
    put(t, "\r\nxy\x1b[\b1mz");
    ck_assert_str_eq(row(t, 1), "xz");
    term_free(t);
}
END_TEST

/* Random bytes, biased towards the bytes sequences are made of, on small
 * screens: nothing may go out of bounds, the cursor stays inside, and
 * every cell holds a valid code point. */
START_TEST(test_fuzz)
{
    static const char alphabet[] = "\x1b[;?0123456789ABCDGHJKLMPSTXdfghlmrsu@c78M\r\n\b\t"
                                   "\x80\xc3\xe2\xf0\x9f\xbf\x18\x07]\\ a";
    srand(12345);
    for (int round = 0; round < 300; round++) {
        uint32_t cols = 1 + (uint32_t)(rand() % 12), rows = 1 + (uint32_t)(rand() % 6);
        struct term *t = term_new(cols, rows);
        char buf[512];
        for (int w = 0; w < 20; w++) {
            size_t n = (size_t)(rand() % (int)sizeof(buf));
            for (size_t i = 0; i < n; i++)
                buf[i] = rand() % 3 ? alphabet[rand() % (int)(sizeof(alphabet) - 1)]
                                    : (char)(rand() & 0xff);
            vt_write(&t->vt, buf, n);
            CHECK(t->s->cursor_col < cols && t->s->cursor_row < rows,
                  "cursor %u,%u outside %ux%u", t->s->cursor_col, t->s->cursor_row, cols,
                  rows);
            CHECK(t->vt.top <= t->vt.bottom && t->vt.bottom < rows, "bad scroll region");
        }
        for (uint32_t i = 0; i < cols * rows; i++) {
            uint32_t ch = t->s->cells[i].ch;
            CHECK(ch >= 0x20 && ch <= 0x10ffff && (ch < 0x7f || ch >= 0xa0),
                  "cell %u holds %#x", i, ch);
            CHECK(t->s->cells[i].fg < 16 && t->s->cells[i].bg < 16, "colour out of range");
        }
        term_free(t);
    }
}
END_TEST

Suite *suite_vt(void)
{
    Suite *s = suite_create("vt");
    TCase *tc = tcase_create("vt");
    tcase_add_test(tc, test_init);
    tcase_add_test(tc, test_text_and_controls);
    tcase_add_test(tc, test_wrap);
    tcase_add_test(tc, test_scroll);
    tcase_add_test(tc, test_scroll_region);
    tcase_add_test(tc, test_cursor_moves);
    tcase_add_test(tc, test_huge_params);
    tcase_add_test(tc, test_erase);
    tcase_add_test(tc, test_insert_delete_chars);
    tcase_add_test(tc, test_sgr);
    tcase_add_test(tc, test_save_restore_and_visibility);
    tcase_add_test(tc, test_dirty_rows);
    tcase_add_test(tc, test_utf8);
    tcase_add_test(tc, test_unknown_sequences);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    return s;
}
