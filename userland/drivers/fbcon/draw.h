/* Drawing the screen terminal's cells on a direct-colour framebuffer
 * (userland/drivers/fbcon/draw.c).  No system calls: the pixels are any
 * memory, so the host can check them too. */
#ifndef FBCON_DRAW_H
#define FBCON_DRAW_H

#include <atom/console.h>
#include <atom/framebuffer.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "psf_font.h"

struct fb {
    uint8_t *pixels;                  /* pixel (0, 0) */
    struct atom_framebuffer_info info;
    uint32_t bytes_pp;
    uint32_t palette[16];             /* packed for this framebuffer */
    const struct psf_font *font;
    uint32_t cols, rows;              /* the text grid */
};

/* Checks info (a supported RGB layout that fits in `bytes` of memory) and
 * sets fb up to draw on `mem` with `font`; NULL, or why not. */
const char *fb_setup(struct fb *fb, const struct atom_framebuffer_info *info, void *mem,
                     uint64_t bytes, const struct psf_font *font);
/* Fills the whole framebuffer with palette colour 0. */
void fb_clear(struct fb *fb);
/* Draws text row `row` of s, which has s_cols columns (at most fb->cols):
 * bold brightens, reverse swaps, underline is a line near the bottom,
 * and the cursor, when visible and on this row, is the cell inverted. */
void fb_draw_row(struct fb *fb, const struct console_screen *s, uint32_t s_cols, uint32_t row);

#endif
