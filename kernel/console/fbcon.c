/*
 * fbcon.c: a text console drawn on the boot framebuffer.
 *
 * It supports the framebuffers GRUB can hand over: direct-colour RGB at 15,
 * 16, 24 or 32 bits per pixel (the colour layout comes from the boot
 * information, so BGR and RGB orders both work) and VGA text mode.  Glyphs
 * come from the PSF font converted at build time.  Scrolling moves the
 * whole picture up by one text row; simple, and fast enough for a boot log.
 * This console is for the kernel's own messages until a user-space console
 * driver takes the framebuffer over: the first user mapping of the boot
 * framebuffer's memory object (memobj_mapped) suspends it, and a panic
 * resumes it on a cleared screen.
 */
#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/fbcon.h>
#include <kernel/font.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#define FG_RGB 0xC0C0C0
#define BG_RGB 0x000000
#define EGA_ATTR 0x07 /* light grey on black */

static struct {
    uint8_t *base;
    uint32_t pitch, width, height, bytes_pp;
    bool text_mode;
    uint32_t cols, rows, cx, cy;
    uint32_t fg, bg;
    const struct font *font;
} fb;

static uint32_t pack_rgb(const struct mb2_framebuffer *f, uint32_t rgb)
{
    uint32_t r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
    return (r >> (8 - f->red_size)) << f->red_pos |
           (g >> (8 - f->green_size)) << f->green_pos |
           (b >> (8 - f->blue_size)) << f->blue_pos;
}

static void put_pixel(uint8_t *p, uint32_t v)
{
    switch (fb.bytes_pp) {
    case 4: *(volatile uint32_t *)p = v; break;
    case 3: p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); break;
    case 2: *(volatile uint16_t *)p = (uint16_t)v; break;
    }
}

static uint32_t get_pixel(const uint8_t *p)
{
    switch (fb.bytes_pp) {
    case 4: return *(const volatile uint32_t *)p;
    case 3: return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    case 2: return *(const volatile uint16_t *)p;
    }
    return 0;
}

static void draw_char(uint32_t col, uint32_t row, uint8_t c)
{
    if (fb.text_mode) {
        volatile uint16_t *cell =
            (volatile uint16_t *)(fb.base + row * fb.pitch) + col;
        *cell = (uint16_t)(EGA_ATTR << 8 | c);
        return;
    }
    const struct font *f = fb.font;
    const uint8_t *glyph = font_glyph(f, c);
    uint8_t *line = fb.base + (size_t)row * f->height * fb.pitch +
                    (size_t)col * f->width * fb.bytes_pp;
    for (uint32_t y = 0; y < f->height; y++, line += fb.pitch) {
        const uint8_t *bits = glyph + y * f->stride;
        uint8_t *px = line;
        for (uint32_t x = 0; x < f->width; x++, px += fb.bytes_pp)
            put_pixel(px, (bits[x / 8] & (0x80 >> (x % 8))) ? fb.fg : fb.bg);
    }
}

static void clear_rows(uint32_t first, uint32_t count)
{
    uint32_t cell_h = fb.text_mode ? 1 : fb.font->height;
    for (uint32_t row = first; row < first + count; row++) {
        if (fb.text_mode) {
            for (uint32_t col = 0; col < fb.cols; col++)
                draw_char(col, row, ' ');
            continue;
        }
        for (uint32_t y = 0; y < cell_h; y++) {
            uint8_t *px = fb.base + ((size_t)row * cell_h + y) * fb.pitch;
            for (uint32_t x = 0; x < fb.width; x++, px += fb.bytes_pp)
                put_pixel(px, fb.bg);
        }
    }
}

static void scroll(void)
{
    uint32_t cell_h = fb.text_mode ? 1 : fb.font->height;
    size_t row_bytes = (size_t)cell_h * fb.pitch;
    memmove(fb.base, fb.base + row_bytes, row_bytes * (fb.rows - 1));
    clear_rows(fb.rows - 1, 1);
}

static void newline(void)
{
    fb.cx = 0;
    if (++fb.cy == fb.rows) {
        scroll();
        fb.cy = fb.rows - 1;
    }
}

static void fbcon_write(struct console *con, const char *s, size_t n)
{
    (void)con;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '\n') {
            newline();
        } else if (c == '\r') {
            fb.cx = 0;
        } else if (c == '\t') {
            do
                fbcon_write(con, " ", 1);
            while (fb.cx % 8);
        } else {
            draw_char(fb.cx, fb.cy, c < 0x20 ? '?' : c);
            if (++fb.cx == fb.cols)
                newline();
        }
    }
}

static void fbcon_resume(struct console *con)
{
    (void)con;
    fb.cx = fb.cy = 0;
    clear_rows(0, fb.rows);
}

static struct console fb_console = {
    .name = "framebuffer", .write = fbcon_write, .resume = fbcon_resume
};

void fbcon_handover(void)
{
    if (fb.base && console_suspend(&fb_console))
        log_info("fbcon: user space mapped the framebuffer; the kernel console "
                 "stops drawing on it (a panic takes it back)");
}

bool fbcon_init(const struct mb2_framebuffer *info)
{
    fb.font = &kernel_font;
    if (info->type == MB2_FB_INDEXED) {
        log_warn("fbcon: indexed-colour framebuffer is not supported");
        return false;
    }
    fb.text_mode = info->type == MB2_FB_EGA_TEXT;
    fb.bytes_pp = fb.text_mode ? 2 : (info->bpp + 7u) / 8u;
    fb.cols = fb.text_mode ? info->width : info->width / fb.font->width;
    fb.rows = fb.text_mode ? info->height : info->height / fb.font->height;
    if (fb.cols < 20 || fb.rows < 5) {
        log_warn("fbcon: %ux%u framebuffer is too small for a text console",
                 info->width, info->height);
        return false;
    }
    fb.base = vm_map_physical(info->addr, (uint64_t)info->pitch * info->height,
                              VM_CACHE_WC);
    if (!fb.base) {
        log_warn("fbcon: framebuffer at %#llx cannot be mapped",
                 (unsigned long long)info->addr);
        return false;
    }
    fb.pitch = info->pitch;
    fb.width = info->width;
    fb.height = info->height;
    fb.fg = fb.text_mode ? 0 : pack_rgb(info, FG_RGB);
    fb.bg = fb.text_mode ? 0 : pack_rgb(info, BG_RGB);
    fb.cx = fb.cy = 0;
    clear_rows(0, fb.rows);
    console_register(&fb_console);
    return true;
}

void fbcon_size(uint32_t *cols, uint32_t *rows)
{
    *cols = fb.base ? fb.cols : 0;
    *rows = fb.base ? fb.rows : 0;
}

bool fbcon_read_pixel(uint32_t x, uint32_t y, uint32_t *out)
{
    if (!fb.base || fb.text_mode || x >= fb.width || y >= fb.height)
        return false;
    *out = get_pixel(fb.base + (size_t)y * fb.pitch + (size_t)x * fb.bytes_pp);
    return true;
}

uint32_t fbcon_foreground(void)
{
    return fb.fg;
}
