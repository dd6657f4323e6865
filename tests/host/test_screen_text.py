#!/usr/bin/env python3
"""Host test of scripts/screen_text.py: text rendered here with the
console font into a PPM, in several colour pairs and with a reversed
(cursor) cell, must read back as written; a cell of noise reads as '?'.
Prints TAP for tests/run.py."""
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import screen_text  # noqa: E402

FONT = os.environ.get("KERNEL_FONT", "/usr/share/consolefonts/Uni2-Terminus16.psf.gz")


def render(path, lines, cols, font, colours, cursor=None, noise=None):
    width, height, glyphs = font
    by_char = {}
    for bitmap, ch in glyphs.items():
        by_char.setdefault(ch, bitmap)
    w, h = cols * width, len(lines) * height
    pix = bytearray(w * h * 3)
    for r, line in enumerate(lines):
        for c in range(cols):
            ch = line[c] if c < len(line) else " "
            fg, bg = colours[(r + c) % len(colours)]
            if (c, r) == cursor:
                fg, bg = bg, fg
            bitmap = by_char[ch]
            for y in range(height):
                for x in range(width):
                    on = bitmap[y] >> (width - 1 - x) & 1
                    if noise == (c, r):
                        on = (x * 7 + y * 3) % 5 == 0
                        colour = (x * 30 % 256, y * 15, 99) if on else bg
                    else:
                        colour = fg if on else bg
                    i = ((r * height + y) * w + c * width + x) * 3
                    pix[i:i + 3] = bytes(colour)
    with open(path, "wb") as f:
        f.write(b"P6\n# a comment\n%d %d\n255\n" % (w, h) + bytes(pix))


def main():
    results = []

    def check(name, cond, detail=""):
        results.append(cond)
        print(f"{'ok' if cond else 'not ok'} {len(results)} - screen_text: {name}"
              + ("" if cond else f": {detail}"))

    font = screen_text.load_psf(FONT)
    lines = ["atom$ ls --color", "bin  etc  tmp   \u2500\u2502 \u00e9", "", "[ok] #%&*()?~"]
    colours = [((0xaa, 0xaa, 0xaa), (0, 0, 0)), ((0xff, 0xff, 0x55), (0, 0, 0xaa)),
               ((0, 0, 0), (0xaa, 0xaa, 0xaa))]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "screen.ppm")
        render(path, lines, 24, font, colours, cursor=(5, 0))
        got = screen_text.screen_text(path, FONT, font[0], font[1])
        check("reads back what was drawn", got == lines, f"{got!r}")
        render(path, ["abc"], 4, font, colours[:1], noise=(1, 0))
        got = screen_text.screen_text(path, FONT, font[0], font[1])
        check("a cell no glyph matches is '?'", got == ["a?c"], f"{got!r}")
        try:
            screen_text.screen_text(path, FONT, font[0] + 1, font[1])
            check("a wrong cell size is refused", False, "no error")
        except ValueError:
            check("a wrong cell size is refused", True)
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
