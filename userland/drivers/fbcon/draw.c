/*
 * draw.c: cells to pixels.  Colours are packed once into a 16-entry
 * palette for the framebuffer's layout (any 15/16, 24 or 32-bit RGB
 * order the info describes); a cell is then a glyph's bits selecting
 * between two packed values, written row by row.  Glyphs come from the
 * compiled-in PSF font by binary search of its Unicode table, '?' for
 * code points it lacks.
 */
#include "draw.h"

/* The xterm/VGA 16-colour palette, 0xRRGGBB. */
static const uint32_t vga_rgb[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
    0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

const uint8_t *psf_font_glyph(const struct psf_font *f, uint32_t cp)
{
    uint32_t lo = 0, hi = f->map_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->map[mid].cp == cp)
            return f->glyphs + (size_t)f->map[mid].glyph * f->height * f->stride;
        if (f->map[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return f->glyphs + (size_t)f->question * f->height * f->stride;
}

static bool channel_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
    return size >= 1 && size <= 8 && pos + size <= bpp;
}

static uint32_t pack(const struct atom_framebuffer_info *i, uint32_t rgb)
{
    uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
    return (r >> (8 - i->red_size)) << i->red_pos | (g >> (8 - i->green_size)) << i->green_pos |
           (b >> (8 - i->blue_size)) << i->blue_pos;
}

const char *fb_setup(struct fb *fb, const struct atom_framebuffer_info *info, void *mem,
                     uint64_t bytes, const struct psf_font *font)
{
    if (info->bpp != 15 && info->bpp != 16 && info->bpp != 24 && info->bpp != 32)
        return "unsupported depth (not 15/16, 24 or 32 bits per pixel)";
    if (!channel_ok(info->red_pos, info->red_size, info->bpp) ||
        !channel_ok(info->green_pos, info->green_size, info->bpp) ||
        !channel_ok(info->blue_pos, info->blue_size, info->bpp))
        return "not a direct-colour RGB layout";
    uint32_t bytes_pp = (info->bpp + 7u) / 8u;
    if (info->width == 0 || info->height == 0 || info->pitch < (uint64_t)info->width * bytes_pp)
        return "bad geometry";
    if ((uint64_t)info->offset + (uint64_t)info->pitch * info->height > bytes)
        return "the framebuffer is larger than its memory object";
    *fb = (struct fb){ .pixels = (uint8_t *)mem + info->offset, .info = *info,
                       .bytes_pp = bytes_pp, .font = font };
    fb->cols = info->width / font->width;
    fb->rows = info->height / font->height;
    if (fb->cols > CONSOLE_MAX_COLS)
        fb->cols = CONSOLE_MAX_COLS;
    if (fb->rows > CONSOLE_MAX_ROWS)
        fb->rows = CONSOLE_MAX_ROWS;
    if (fb->cols == 0 || fb->rows == 0)
        return "too small for one character";
    for (int c = 0; c < 16; c++)
        fb->palette[c] = pack(info, vga_rgb[c]);
    return NULL;
}

static inline void put_pixel(uint8_t *p, uint32_t bytes_pp, uint32_t v)
{
    switch (bytes_pp) {
    case 4: *(volatile uint32_t *)p = v; break;
    case 3: p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); break;
    default: *(volatile uint16_t *)p = (uint16_t)v; break;
    }
}

void fb_clear(struct fb *fb)
{
    for (uint32_t y = 0; y < fb->info.height; y++) {
        uint8_t *p = fb->pixels + (size_t)y * fb->info.pitch;
        for (uint32_t x = 0; x < fb->info.width; x++, p += fb->bytes_pp)
            put_pixel(p, fb->bytes_pp, fb->palette[0]);
    }
}

static void draw_cell(struct fb *fb, uint32_t col, uint32_t row, struct console_cell c,
                      bool cursor)
{
    const struct psf_font *f = fb->font;
    uint32_t fg = c.fg & 15, bg = c.bg & 15;
    if ((c.attr & CONSOLE_ATTR_BOLD) && fg < 8)
        fg += 8;
    bool swap = ((c.attr & CONSOLE_ATTR_REVERSE) != 0) != cursor;
    uint32_t on = fb->palette[swap ? bg : fg], off = fb->palette[swap ? fg : bg];
    const uint8_t *glyph = psf_font_glyph(f, c.ch);
    uint32_t underline = (c.attr & CONSOLE_ATTR_UNDERLINE) ? f->height - 2 : UINT32_MAX;
    uint8_t *line = fb->pixels + (size_t)row * f->height * fb->info.pitch +
                    (size_t)col * f->width * fb->bytes_pp;
    for (uint32_t y = 0; y < f->height; y++, line += fb->info.pitch) {
        const uint8_t *bits = glyph + (size_t)y * f->stride;
        uint8_t *p = line;
        for (uint32_t x = 0; x < f->width; x++, p += fb->bytes_pp) {
            bool set = y == underline || (bits[x / 8] & (0x80 >> (x % 8)));
            put_pixel(p, fb->bytes_pp, set ? on : off);
        }
    }
}

void fb_draw_row(struct fb *fb, const struct console_screen *s, uint32_t s_cols, uint32_t row)
{
    if (row >= fb->rows)
        return;
    /* The server may change these at any time: read them once. */
    uint32_t cursor_row = __atomic_load_n(&s->cursor_row, __ATOMIC_RELAXED);
    uint32_t cursor_col = __atomic_load_n(&s->cursor_col, __ATOMIC_RELAXED);
    bool visible = __atomic_load_n(&s->cursor_visible, __ATOMIC_RELAXED) != 0;
    const struct console_cell *cells = &s->cells[(size_t)row * s_cols];
    for (uint32_t col = 0; col < s_cols && col < fb->cols; col++)
        draw_cell(fb, col, row, cells[col], visible && row == cursor_row && col == cursor_col);
}
