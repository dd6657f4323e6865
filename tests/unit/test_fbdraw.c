/* Unit tests of the display driver's drawing (userland/drivers/fbcon/
 * draw.c) on pixels in host memory, with a two-glyph 8x4 font made here:
 * the layout checks, colours packed for 32, 24 and 16 bpp, bold, reverse,
 * underline, the cursor cell, and '?' for code points the font lacks. */
#include <string.h>

#include "../../userland/drivers/fbcon/draw.h"
#include "unit.h"

/* Glyph 0 is '?' (top row set), glyph 1 is 'A' (left column set). */
static const uint8_t glyph_bits[2 * 4] = { 0xff, 0, 0, 0, 0x80, 0x80, 0x80, 0x80 };
static const struct psf_font_map glyph_map[] = { { '?', 0 }, { 'A', 1 } };
static const struct psf_font tiny = {
    .width = 8, .height = 4, .stride = 1, .glyph_count = 2, .glyphs = glyph_bits,
    .map_count = 2, .map = glyph_map, .question = 0, .source = "test",
};

static const struct atom_framebuffer_info rgb32 = {
    .width = 16, .height = 8, .pitch = 64, .bpp = 32,
    .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8, .blue_pos = 0, .blue_size = 8,
};

static struct console_screen *screen_2x2(void)
{
    static _Alignas(8) uint8_t mem[sizeof(struct console_screen) + 4 * sizeof(struct console_cell)];
    struct console_screen *s = (void *)mem;
    memset(mem, 0, sizeof(mem));
    s->magic = CONSOLE_SCREEN_MAGIC;
    s->cols = s->rows = 2;
    for (int i = 0; i < 4; i++)
        s->cells[i] = (struct console_cell){ .ch = ' ', .fg = 7, .bg = 0 };
    s->cursor_row = 1;
    return s;
}

static uint32_t px32(const uint8_t *mem, uint32_t x, uint32_t y)
{
    uint32_t v;
    memcpy(&v, mem + y * 64 + x * 4, 4);
    return v;
}

START_TEST(test_setup_checks)
{
    static uint8_t mem[64 * 8];
    struct fb fb;
    ck_assert_ptr_null(fb_setup(&fb, &rgb32, mem, sizeof(mem), &tiny));
    ck_assert_uint_eq(fb.cols, 2);
    ck_assert_uint_eq(fb.rows, 2);
    ck_assert_ptr_nonnull(fb_setup(&fb, &rgb32, mem, sizeof(mem) - 1, &tiny));
    struct atom_framebuffer_info bad = rgb32;
    bad.bpp = 8;
    ck_assert_ptr_nonnull(fb_setup(&fb, &bad, mem, sizeof(mem), &tiny));
    bad = rgb32;
    bad.red_size = 0; /* VGA text reports no colours */
    ck_assert_ptr_nonnull(fb_setup(&fb, &bad, mem, sizeof(mem), &tiny));
    bad = rgb32;
    bad.pitch = 32;
    ck_assert_ptr_nonnull(fb_setup(&fb, &bad, mem, sizeof(mem), &tiny));
}
END_TEST

START_TEST(test_draw_32)
{
    static uint8_t mem[64 * 8];
    struct fb fb;
    ck_assert_ptr_null(fb_setup(&fb, &rgb32, mem, sizeof(mem), &tiny));
    struct console_screen *s = screen_2x2();
    s->cells[0] = (struct console_cell){ .ch = 'A', .fg = 1, .bg = 4, .attr = CONSOLE_ATTR_BOLD };
    s->cells[1] = (struct console_cell){ .ch = 0x2603, .fg = 2, .bg = 0,
                                         .attr = CONSOLE_ATTR_REVERSE };
    fb_draw_row(&fb, s, 2, 0);
    ck_assert_uint_eq(px32(mem, 0, 0), 0xff5555);   /* bold red is bright red */
    ck_assert_uint_eq(px32(mem, 1, 0), 0x0000aa);   /* blue background */
    ck_assert_uint_eq(px32(mem, 8, 0), 0x000000);   /* '?' reversed: ink black */
    ck_assert_uint_eq(px32(mem, 8, 1), 0x00aa00);   /* paper green */
    /* Row 1 holds the visible cursor at column 0, underline at column 1. */
    s->cursor_visible = 1;
    s->cells[3].attr = CONSOLE_ATTR_UNDERLINE;
    fb_draw_row(&fb, s, 2, 1);
    ck_assert_uint_eq(px32(mem, 0, 5), 0xaaaaaa);   /* the cursor: paper in the ink colour */
    ck_assert_uint_eq(px32(mem, 9, 6), 0xaaaaaa);   /* underline two rows from the bottom */
    ck_assert_uint_eq(px32(mem, 9, 7), 0x000000);
}
END_TEST

START_TEST(test_draw_24_and_16)
{
    static uint8_t mem[64 * 8];
    struct fb fb;
    struct atom_framebuffer_info i24 = rgb32;
    i24.bpp = 24;
    i24.pitch = 48;
    ck_assert_ptr_null(fb_setup(&fb, &i24, mem, sizeof(mem), &tiny));
    struct console_screen *s = screen_2x2();
    s->cells[1] = (struct console_cell){ .ch = 'A', .fg = 15, .bg = 0 };
    fb_draw_row(&fb, s, 2, 0);
    ck_assert_uint_eq(mem[8 * 3], 0xff);
    ck_assert_uint_eq(mem[8 * 3 + 2], 0xff);
    ck_assert_uint_eq(mem[9 * 3], 0);
    struct atom_framebuffer_info i16 = {
        .width = 16, .height = 8, .pitch = 32, .bpp = 16,
        .red_pos = 11, .red_size = 5, .green_pos = 5, .green_size = 6, .blue_pos = 0, .blue_size = 5,
    };
    memset(mem, 0, sizeof(mem));
    ck_assert_ptr_null(fb_setup(&fb, &i16, mem, sizeof(mem), &tiny));
    s->cells[1].fg = 12; /* bright blue 0x5555ff */
    fb_draw_row(&fb, s, 2, 0);
    uint16_t v;
    memcpy(&v, mem + 8 * 2, 2);
    ck_assert_uint_eq(v, (0x55 >> 3) << 11 | (0x55 >> 2) << 5 | 0x1f);
}
END_TEST

Suite *suite_fbdraw(void)
{
    Suite *s = suite_create("fbdraw");
    TCase *tc = tcase_create("fbdraw");
    tcase_add_test(tc, test_setup_checks);
    tcase_add_test(tc, test_draw_32);
    tcase_add_test(tc, test_draw_24_and_16);
    suite_add_tcase(s, tc);
    return s;
}
