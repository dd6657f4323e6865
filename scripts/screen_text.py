"""Reads the text on a screen picture, for tests.

QEMU's monitor command `screendump FILE` writes the display as a binary
PPM (P6).  screen_text() cuts it into cells of the console font's size
and, for each cell, splits its pixels into two colours (the commoner one
is taken as the background unless it matches no glyph that way) and
looks the resulting bitmap up among the font's glyphs, so any colours
work, reverse video and the cursor's inverted cell included.  A cell no
glyph matches reads as '?'; trailing blanks are stripped.

    rows = screen_text("screen.ppm", "/usr/share/consolefonts/Uni2-Terminus16.psf.gz", 8, 16)
"""
import gzip
import struct

PSF1_MAGIC = b"\x36\x04"
PSF2_MAGIC = b"\x72\xb5\x4a\x86"


def load_psf(path):
    """The font as (width, height, {bitmap: char}); a bitmap is a tuple of
    rows, each an int with the leftmost pixel as its top bit."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:2] == PSF1_MAGIC:
        mode, height = data[2], data[3]
        width, count, size, offset = 8, 512 if mode & 1 else 256, height, 4
        has_table = bool(mode & 6)
    elif data[:4] == PSF2_MAGIC:
        _, _, offset, flags, count, size, height, width = struct.unpack_from("<4s7I", data)
        has_table = bool(flags & 1)
    else:
        raise ValueError(f"{path}: not a PSF1 or PSF2 font")
    stride = (width + 7) // 8
    table = data[offset + count * size:]
    chars = _unicode_table(table, count, data[:2] == PSF1_MAGIC) if has_table else \
        [[chr(g)] if g < 256 else [] for g in range(count)]
    glyphs = {}
    for g in range(count):
        raw = data[offset + g * size: offset + (g + 1) * size]
        bitmap = tuple(int.from_bytes(raw[y * stride:(y + 1) * stride], "big") >> (stride * 8 - width)
                       for y in range(height))
        for ch in chars[g]:
            # The first glyph for a bitmap wins, preferring plain ASCII.
            if bitmap not in glyphs or (ord(ch) < 128 and ord(glyphs[bitmap]) >= 128):
                glyphs[bitmap] = ch
    return width, height, glyphs


def _unicode_table(table, count, psf1):
    chars, pos = [], 0
    for _ in range(count):
        mine, in_seq = [], False
        if psf1:
            while pos + 2 <= len(table):
                v = int.from_bytes(table[pos:pos + 2], "little")
                pos += 2
                if v == 0xFFFF:
                    break
                if v == 0xFFFE:
                    in_seq = True
                elif not in_seq:
                    mine.append(chr(v))
        else:
            end = table.index(b"\xff", pos)
            for i, part in enumerate(table[pos:end].split(b"\xfe")):
                if i == 0:
                    mine.extend(part.decode("utf-8", "replace"))
            pos = end + 1
        chars.append(mine)
    return chars


def read_ppm(path):
    """(width, height, rgb bytes) of a binary PPM with maxval 255."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path}: not a P6 PPM with maxval 255")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1: pos + 1 + width * height * 3]


def screen_text(ppm_path, font_path, cell_w, cell_h):
    """The screen's text, one string per text row."""
    fw, fh, glyphs = load_psf(font_path)
    if (fw, fh) != (cell_w, cell_h):
        raise ValueError(f"the font is {fw}x{fh}, the cells {cell_w}x{cell_h}")
    width, height, rgb = read_ppm(ppm_path)
    rows = []
    for top in range(0, height - cell_h + 1, cell_h):
        text = "".join(_cell(rgb, width, left, top, cell_w, cell_h, glyphs)
                       for left in range(0, width - cell_w + 1, cell_w))
        rows.append(text.rstrip(" "))
    return rows


def _cell(rgb, width, left, top, cw, ch, glyphs):
    pixels = [[rgb[((top + y) * width + left + x) * 3:((top + y) * width + left + x) * 3 + 3]
               for x in range(cw)] for y in range(ch)]
    counts = {}
    for line in pixels:
        for p in line:
            counts[p] = counts.get(p, 0) + 1
    by_count = sorted(counts, key=counts.get, reverse=True)
    if len(by_count) > 2:
        return "?"
    # Try the commoner colour as background first, then the other (a
    # reversed or cursor cell of a glyph with more ink than paper).
    for bg in by_count:
        bitmap = tuple(sum(1 << (cw - 1 - x) for x in range(cw) if line[x] != bg)
                       for line in pixels)
        if bitmap in glyphs:
            return glyphs[bitmap]
    return "?"
