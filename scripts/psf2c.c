/*
 * psf2c: converts a PSF1 or PSF2 console font into the kernel's font
 * table (kernel/include/kernel/font.h): 256 glyphs for U+0000..U+00FF,
 * looked up through the font's Unicode table when it has one.  Code points
 * the font lacks get its '?' glyph.  Every offset is checked against the
 * file size: a damaged font stops the build with a message.
 *
 * With --unicode it writes instead every glyph and the whole Unicode
 * table, sorted by code point, as a struct psf_font (psf_font.h, beside
 * the program that includes it): the user-space display driver's font.
 *
 * usage: psf2c [--unicode] FONT.psf OUTPUT.c
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PSF1_MAGIC 0x0436
#define PSF1_MODE512    0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ    0x04
#define PSF2_MAGIC 0x864AB572u
#define PSF2_HAS_UNICODE_TABLE 0x01
#define NCHARS 256

struct font {
    uint32_t glyph_count, height, width, bytes_per_glyph;
    const uint8_t *glyphs;
    long map[NCHARS]; /* glyph index for each code point, -1 if none */
    /* --unicode: every (code point, glyph) pair of the table */
    struct pair { uint32_t cp, glyph; } *pairs;
    size_t npairs, cap;
};

static void die(const char *path, const char *msg)
{
    fprintf(stderr, "psf2c: %s: %s\n", path, msg);
    exit(1);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void map_set(struct font *f, uint32_t cp, uint32_t glyph)
{
    if (cp < NCHARS && f->map[cp] < 0)
        f->map[cp] = glyph;
    if (f->npairs == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 1024;
        f->pairs = realloc(f->pairs, f->cap * sizeof(*f->pairs));
        if (!f->pairs) {
            fprintf(stderr, "psf2c: out of memory\n");
            exit(1);
        }
    }
    f->pairs[f->npairs++] = (struct pair){ cp, glyph };
}

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->cp != y->cp)
        return x->cp < y->cp ? -1 : 1;
    return x->glyph < y->glyph ? -1 : x->glyph > y->glyph;
}

/* PSF1 table: per glyph, 16-bit code points up to 0xFFFF; 0xFFFE starts
 * combining sequences, which a text console cannot use. */
static void psf1_table(struct font *f, const uint8_t *p, const uint8_t *end,
                       const char *path)
{
    for (uint32_t g = 0; g < f->glyph_count; g++) {
        int in_seq = 0;
        for (;;) {
            if (end - p < 2)
                die(path, "Unicode table is truncated");
            uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
            p += 2;
            if (v == 0xFFFF)
                break;
            if (v == 0xFFFE)
                in_seq = 1;
            else if (!in_seq)
                map_set(f, v, g);
        }
    }
}

/* PSF2 table: per glyph, UTF-8 code points up to 0xFF; 0xFE starts
 * sequences. */
static void psf2_table(struct font *f, const uint8_t *p, const uint8_t *end,
                       const char *path)
{
    for (uint32_t g = 0; g < f->glyph_count; g++) {
        int in_seq = 0;
        for (;;) {
            if (p >= end)
                die(path, "Unicode table is truncated");
            uint8_t b = *p++;
            if (b == 0xFF)
                break;
            if (b == 0xFE) {
                in_seq = 1;
                continue;
            }
            uint32_t cp;
            int extra;
            if (b < 0x80) { cp = b; extra = 0; }
            else if ((b & 0xE0) == 0xC0) { cp = b & 0x1F; extra = 1; }
            else if ((b & 0xF0) == 0xE0) { cp = b & 0x0F; extra = 2; }
            else if ((b & 0xF8) == 0xF0) { cp = b & 0x07; extra = 3; }
            else die(path, "bad UTF-8 in Unicode table");
            if (end - p < extra)
                die(path, "Unicode table is truncated");
            for (int i = 0; i < extra; i++) {
                if ((p[i] & 0xC0) != 0x80)
                    die(path, "bad UTF-8 in Unicode table");
                cp = cp << 6 | (p[i] & 0x3F);
            }
            p += extra;
            if (!in_seq)
                map_set(f, cp, g);
        }
    }
}

static void parse(struct font *f, const uint8_t *d, size_t size, const char *path)
{
    const uint8_t *end = d + size;
    const uint8_t *table = NULL;
    int has_table, psf2;

    for (int i = 0; i < NCHARS; i++)
        f->map[i] = -1;
    if (size >= 4 && ((uint32_t)d[0] | (uint32_t)d[1] << 8) == PSF1_MAGIC) {
        psf2 = 0;
        f->glyph_count = (d[2] & PSF1_MODE512) ? 512 : 256;
        f->height = d[3];
        f->width = 8;
        f->bytes_per_glyph = d[3];
        f->glyphs = d + 4;
        has_table = (d[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ)) != 0;
    } else if (size >= 32 && rd32(d) == PSF2_MAGIC) {
        psf2 = 1;
        uint32_t header = rd32(d + 8);
        if (header < 32 || header > size)
            die(path, "PSF2 header size is out of range");
        has_table = (rd32(d + 12) & PSF2_HAS_UNICODE_TABLE) != 0;
        f->glyph_count = rd32(d + 16);
        f->bytes_per_glyph = rd32(d + 20);
        f->height = rd32(d + 24);
        f->width = rd32(d + 28);
        f->glyphs = d + header;
    } else {
        die(path, "not a PSF1 or PSF2 font");
    }
    if (f->width == 0 || f->width > 32 || f->height == 0 || f->height > 64 ||
        f->bytes_per_glyph != f->height * ((f->width + 7) / 8))
        die(path, "glyph size is not supported (width 1..32, height 1..64)");
    if (f->glyph_count == 0 || f->glyph_count > 65536)
        die(path, "glyph count is out of range");
    uint64_t glyph_bytes = (uint64_t)f->glyph_count * f->bytes_per_glyph;
    if (glyph_bytes > (uint64_t)(end - f->glyphs))
        die(path, "glyphs run past the end of the file");
    table = f->glyphs + glyph_bytes;

    if (has_table) {
        if (psf2)
            psf2_table(f, table, end, path);
        else
            psf1_table(f, table, end, path);
    } else {
        for (uint32_t i = 0; i < NCHARS && i < f->glyph_count; i++)
            map_set(f, i, i);
    }
    if (f->map['?'] < 0)
        die(path, "font has no '?' glyph to stand in for missing ones");
}

static void write_glyph(FILE *out, const struct font *f, uint32_t g, const char *note)
{
    const uint8_t *src = f->glyphs + (size_t)g * f->bytes_per_glyph;
    fprintf(out, "    /* %s */", note);
    for (uint32_t i = 0; i < f->bytes_per_glyph; i++)
        fprintf(out, "%s0x%02x,", i % 16 == 0 && i ? "\n                 " : " ", src[i]);
    fputc('\n', out);
}

/* Every glyph, and the table sorted by code point (the first glyph named
 * for a code point wins) for a binary search. */
static void write_unicode(FILE *out, struct font *f, const char *name)
{
    qsort(f->pairs, f->npairs, sizeof(*f->pairs), pair_cmp);
    size_t n = 0;
    for (size_t i = 0; i < f->npairs; i++)
        if (n == 0 || f->pairs[n - 1].cp != f->pairs[i].cp)
            f->pairs[n++] = f->pairs[i];
    fprintf(out, "/* Generated by scripts/psf2c --unicode from %s: do not edit. */\n"
                 "#include \"psf_font.h\"\n\n"
                 "static const uint8_t glyphs[%u * %u] = {\n",
            name, f->glyph_count, f->bytes_per_glyph);
    for (uint32_t g = 0; g < f->glyph_count; g++) {
        char note[24];
        snprintf(note, sizeof(note), "%5u", g);
        write_glyph(out, f, g, note);
    }
    fprintf(out, "};\n\nstatic const struct psf_font_map map[%zu] = {\n", n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "    { 0x%04x, %u },\n", f->pairs[i].cp, f->pairs[i].glyph);
    fprintf(out, "};\n\nconst struct psf_font psf_font = {\n"
                 "    .width = %u,\n    .height = %u,\n    .stride = %u,\n"
                 "    .glyph_count = %u,\n    .glyphs = glyphs,\n"
                 "    .map_count = %zu,\n    .map = map,\n"
                 "    .question = %ld,\n    .source = \"%s\",\n};\n",
            f->width, f->height, (f->width + 7) / 8, f->glyph_count, n, f->map['?'], name);
}

int main(int argc, char **argv)
{
    bool unicode = argc == 4 && strcmp(argv[1], "--unicode") == 0;
    if (argc != 3 && !unicode) {
        fprintf(stderr, "usage: psf2c [--unicode] FONT.psf OUTPUT.c\n");
        return 2;
    }
    argv += unicode;
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    static uint8_t data[4 << 20];
    size_t size = fread(data, 1, sizeof(data), in);
    if (ferror(in) || !feof(in))
        die(argv[1], "unreadable or larger than 4 MiB");
    fclose(in);

    static struct font f;
    parse(&f, data, size, argv[1]);

    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    const char *base = strrchr(argv[1], '/');
    if (unicode) {
        write_unicode(out, &f, base ? base + 1 : argv[1]);
        if (fclose(out) != 0) {
            perror(argv[2]);
            return 1;
        }
        return 0;
    }
    fprintf(out, "/* Generated by scripts/psf2c from %s: do not edit. */\n"
                 "#include <kernel/font.h>\n\n"
                 "static const uint8_t glyphs[%d * %u] = {\n",
            base ? base + 1 : argv[1], NCHARS, f.bytes_per_glyph);
    for (int c = 0; c < NCHARS; c++) {
        long g = f.map[c] >= 0 ? f.map[c] : f.map['?'];
        char note[16];
        snprintf(note, sizeof(note), "U+%04X", c);
        write_glyph(out, &f, (uint32_t)g, note);
    }
    fprintf(out, "};\n\nconst struct font kernel_font = {\n"
                 "    .width = %u,\n    .height = %u,\n    .stride = %u,\n"
                 "    .glyphs = glyphs,\n    .source = \"%s\",\n};\n",
            f.width, f.height, (f.width + 7) / 8, base ? base + 1 : argv[1]);
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
