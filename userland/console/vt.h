/* The screen terminal's emulator (userland/console/vt.c): output bytes
 * in, cells of a struct console_screen (<atom/console.h>) out.
 *
 * It is an xterm-like subset: UTF-8, the C0 controls a shell uses, the
 * CSI sequences of cursor movement, erasing, inserting and deleting,
 * colours (SGR), scroll regions, saving the cursor and hiding it.
 * Anything else is parsed to its end and dropped.  Pure C with no
 * system calls, so the host unit tests run it (tests/unit/test_vt.c). */
#ifndef CONSOLE_VT_H
#define CONSOLE_VT_H

#include <atom/console.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_MAX_PARAMS 16

enum vt_state {
    VT_GROUND,
    VT_ESC,        /* after ESC */
    VT_ESC_INTER,  /* ESC followed by an intermediate byte (ESC ( B ...) */
    VT_CSI,        /* after ESC [ : parameters, intermediates, final */
    VT_CSI_IGNORE, /* a malformed CSI: skipped up to its final byte */
    VT_STRING,     /* OSC, DCS, SOS, PM, APC: skipped up to BEL or ST */
    VT_STRING_ESC, /* ESC inside a string: ST if a '\\' follows */
};

struct vt_cursor {
    uint32_t col, row;
    uint8_t fg, bg, attr;
    bool pending_wrap;
};

struct vt {
    struct console_screen *screen;
    uint32_t cols, rows;
    /* The cursor, with the colours and attributes of what is written next.
     * pending_wrap: the last column was just written; the next printable
     * character wraps first (xterm's deferred wrap). */
    struct vt_cursor cur, saved;
    uint32_t top, bottom;          /* the scroll region, inclusive rows */
    bool cursor_visible;

    enum vt_state state;
    uint32_t params[VT_MAX_PARAMS];
    unsigned nparams;              /* parameters started so far */
    char private_mark;             /* '?', '>', ... before the parameters, or 0 */
    bool has_inter;                /* an intermediate byte (0x20..0x2f) was seen */

    uint32_t utf8_cp;              /* the code point being decoded */
    unsigned utf8_left;            /* continuation bytes still expected */
    uint32_t utf8_min;             /* the smallest code point of this length */
};

/* Size of a console_screen for this geometry. */
size_t vt_screen_bytes(uint32_t cols, uint32_t rows);
/* Sets up the screen (magic, geometry, blank cells, cursor home and
 * visible, every row dirty).  cols and rows are clamped to
 * 1..CONSOLE_MAX_COLS and 1..CONSOLE_MAX_ROWS. */
void vt_init(struct vt *vt, struct console_screen *s, uint32_t cols, uint32_t rows);
/* Emulates the output bytes, marking what changed dirty. */
void vt_write(struct vt *vt, const char *bytes, size_t n);
/* Marks every row dirty (the display driver starts again). */
void vt_redraw(struct vt *vt);
/* Row `row` as UTF-8 without trailing blanks, NUL-terminated and cut to
 * fit `size`; returns its length.  For tests and debugging. */
size_t vt_row_text(const struct vt *vt, uint32_t row, char *buf, size_t size);

#endif
