/* The console font, generated at build time by scripts/psf2c from a PSF
 * font: 256 glyphs indexed by Unicode code point U+0000..U+00FF (Latin-1),
 * each `height` rows of `stride` bytes, most significant bit leftmost. */
#ifndef KERNEL_FONT_H
#define KERNEL_FONT_H

#include <stdint.h>

struct font {
    uint32_t width;
    uint32_t height;
    uint32_t stride; /* bytes per glyph row */
    const uint8_t *glyphs;
    const char *source;
};

extern const struct font kernel_font;

static inline const uint8_t *font_glyph(const struct font *f, uint8_t c)
{
    return f->glyphs + (uint32_t)c * f->height * f->stride;
}

#endif
