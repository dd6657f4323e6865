/* The display driver's font: every glyph of a PSF font and its Unicode
 * table, generated at build time by `scripts/psf2c --unicode` from the
 * font the kernel console uses.  Glyphs are `height` rows of `stride`
 * bytes, most significant bit leftmost. */
#ifndef FBCON_PSF_FONT_H
#define FBCON_PSF_FONT_H

#include <stdint.h>

struct psf_font_map {
    uint32_t cp;      /* a Unicode code point */
    uint32_t glyph;   /* its glyph */
};

struct psf_font {
    uint32_t width, height, stride;
    uint32_t glyph_count;
    const uint8_t *glyphs;
    uint32_t map_count;
    const struct psf_font_map *map;  /* sorted by code point */
    uint32_t question;               /* the '?' glyph, for what the font lacks */
    const char *source;
};

extern const struct psf_font psf_font;

/* The glyph bitmap for code point cp, '?' if the font has none. */
const uint8_t *psf_font_glyph(const struct psf_font *f, uint32_t cp);

#endif
