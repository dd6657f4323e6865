/*
 * vt.c: the screen terminal's emulator, bytes to cells.
 *
 * A byte-at-a-time state machine after the DEC/xterm parser (ground,
 * escape, CSI, strings): C0 controls act in every state but strings, a
 * CSI collects up to VT_MAX_PARAMS numbers (each clipped, extra ones
 * dropped) and runs on its final byte, and every sequence it does not
 * know is read to its end and dropped, so nothing of it reaches the
 * screen.  UTF-8 is decoded in the ground state only; a malformed
 * sequence becomes one U+FFFD.  The cursor is always inside the screen,
 * whatever the input, so every cell index is in bounds by construction.
 *
 * Changes mark their rows in screen->dirty for the display driver, which
 * swaps each flag back to 0 before drawing the row; the cursor's old and
 * new rows are marked once per vt_write, after the cells, since the
 * driver draws the cursor with its row.
 */
#include "vt.h"

#include <string.h>

#define VT_PARAM_MAX 9999u       /* larger numbers are clipped to this */
#define DEFAULT_FG 7
#define DEFAULT_BG 0
#define REPLACEMENT 0xfffdu

static struct console_cell *cell(struct vt *vt, uint32_t row, uint32_t col)
{
    return &vt->screen->cells[(size_t)row * vt->cols + col];
}

/* The flag is read and cleared by the driver in another process. */
static void mark(struct vt *vt, uint32_t row)
{
    __atomic_store_n(&vt->screen->dirty[row], 1, __ATOMIC_RELEASE);
}

static void mark_rows(struct vt *vt, uint32_t first, uint32_t last)
{
    for (uint32_t r = first; r <= last; r++)
        mark(vt, r);
}

/* Erased cells take the current background, as in xterm. */
static struct console_cell blank(const struct vt *vt)
{
    return (struct console_cell){ .ch = ' ', .fg = vt->cur.fg, .bg = vt->cur.bg };
}

static void fill(struct vt *vt, uint32_t row, uint32_t from, uint32_t to)
{
    struct console_cell b = blank(vt);
    for (uint32_t c = from; c < to && c < vt->cols; c++)
        *cell(vt, row, c) = b;
    mark(vt, row);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Scrolls rows top..bottom up (n > 0) or down by n, blanking the rows
 * that come in. */
static void scroll(struct vt *vt, uint32_t top, uint32_t bottom, uint32_t n, bool up)
{
    uint32_t height = bottom - top + 1;
    n = min_u32(n, height);
    size_t row_bytes = (size_t)vt->cols * sizeof(struct console_cell);
    if (n < height) {
        if (up)
            memmove(cell(vt, top, 0), cell(vt, top + n, 0), row_bytes * (height - n));
        else
            memmove(cell(vt, top + n, 0), cell(vt, top, 0), row_bytes * (height - n));
    }
    uint32_t first_new = up ? bottom - n + 1 : top;
    for (uint32_t r = first_new; r < first_new + n; r++)
        fill(vt, r, 0, vt->cols);
    mark_rows(vt, top, bottom);
}

static void move_to(struct vt *vt, uint32_t col, uint32_t row)
{
    vt->cur.col = min_u32(col, vt->cols - 1);
    vt->cur.row = min_u32(row, vt->rows - 1);
    vt->cur.pending_wrap = false;
}

/* LF, IND: down one line, scrolling at the bottom of the region. */
static void line_feed(struct vt *vt)
{
    if (vt->cur.row == vt->bottom)
        scroll(vt, vt->top, vt->bottom, 1, true);
    else if (vt->cur.row + 1 < vt->rows)
        vt->cur.row++;
    vt->cur.pending_wrap = false;
}

/* RI: up one line, scrolling down at the top of the region. */
static void reverse_index(struct vt *vt)
{
    if (vt->cur.row == vt->top)
        scroll(vt, vt->top, vt->bottom, 1, false);
    else if (vt->cur.row > 0)
        vt->cur.row--;
    vt->cur.pending_wrap = false;
}

static void put_char(struct vt *vt, uint32_t cp)
{
    if (vt->cur.pending_wrap) {
        vt->cur.col = 0;
        line_feed(vt);
    }
    *cell(vt, vt->cur.row, vt->cur.col) = (struct console_cell){
        .ch = cp, .fg = vt->cur.fg, .bg = vt->cur.bg, .attr = vt->cur.attr
    };
    mark(vt, vt->cur.row);
    if (vt->cur.col + 1 == vt->cols)
        vt->cur.pending_wrap = true;
    else
        vt->cur.col++;
}

static void clear_all(struct vt *vt)
{
    for (uint32_t r = 0; r < vt->rows; r++)
        fill(vt, r, 0, vt->cols);
}

static void reset(struct vt *vt)
{
    vt->cur = (struct vt_cursor){ .fg = DEFAULT_FG, .bg = DEFAULT_BG };
    vt->saved = vt->cur;
    vt->top = 0;
    vt->bottom = vt->rows - 1;
    vt->cursor_visible = true;
    vt->state = VT_GROUND;
    vt->utf8_left = 0;
    clear_all(vt);
}

/* ---- CSI ------------------------------------------------------------------ */

/* Parameter i, with 0 and absent meaning `def`. */
static uint32_t param(const struct vt *vt, unsigned i, uint32_t def)
{
    unsigned n = vt->nparams < VT_MAX_PARAMS ? vt->nparams : VT_MAX_PARAMS;
    return i < n && vt->params[i] ? vt->params[i] : def;
}

/* Parameter i as it is, 0 when absent (ED, EL, SGR). */
static uint32_t param0(const struct vt *vt, unsigned i)
{
    return param(vt, i, 0);
}

static void sgr(struct vt *vt)
{
    unsigned n = vt->nparams < VT_MAX_PARAMS ? vt->nparams : VT_MAX_PARAMS;
    if (n == 0)
        n = 1; /* CSI m is CSI 0 m */
    for (unsigned i = 0; i < n; i++) {
        uint32_t p = param0(vt, i);
        if (p == 0) {
            vt->cur.fg = DEFAULT_FG;
            vt->cur.bg = DEFAULT_BG;
            vt->cur.attr = 0;
        } else if (p == 1) {
            vt->cur.attr |= CONSOLE_ATTR_BOLD;
        } else if (p == 4) {
            vt->cur.attr |= CONSOLE_ATTR_UNDERLINE;
        } else if (p == 7) {
            vt->cur.attr |= CONSOLE_ATTR_REVERSE;
        } else if (p == 22) {
            vt->cur.attr &= (uint8_t)~CONSOLE_ATTR_BOLD;
        } else if (p == 24) {
            vt->cur.attr &= (uint8_t)~CONSOLE_ATTR_UNDERLINE;
        } else if (p == 27) {
            vt->cur.attr &= (uint8_t)~CONSOLE_ATTR_REVERSE;
        } else if (p >= 30 && p <= 37) {
            vt->cur.fg = (uint8_t)(p - 30);
        } else if (p == 39) {
            vt->cur.fg = DEFAULT_FG;
        } else if (p >= 40 && p <= 47) {
            vt->cur.bg = (uint8_t)(p - 40);
        } else if (p == 49) {
            vt->cur.bg = DEFAULT_BG;
        } else if (p >= 90 && p <= 97) {
            vt->cur.fg = (uint8_t)(p - 90 + 8);
        } else if (p >= 100 && p <= 107) {
            vt->cur.bg = (uint8_t)(p - 100 + 8);
        } else if (p == 38 || p == 48) {
            /* 256-colour and RGB forms: the first 16 indexed colours are
             * ours; the rest is skipped so its numbers are not misread. */
            uint32_t kind = param0(vt, i + 1);
            if (kind == 5) {
                uint32_t c = param0(vt, i + 2);
                if (c < 16) {
                    if (p == 38)
                        vt->cur.fg = (uint8_t)c;
                    else
                        vt->cur.bg = (uint8_t)c;
                }
                i += 2;
            } else if (kind == 2) {
                i += 4;
            } else {
                i += 1;
            }
        }
    }
}

static void insert_chars(struct vt *vt, uint32_t n)
{
    uint32_t row = vt->cur.row, col = vt->cur.col;
    n = min_u32(n, vt->cols - col);
    memmove(cell(vt, row, col + n), cell(vt, row, col),
            (size_t)(vt->cols - col - n) * sizeof(struct console_cell));
    fill(vt, row, col, col + n);
}

static void delete_chars(struct vt *vt, uint32_t n)
{
    uint32_t row = vt->cur.row, col = vt->cur.col;
    n = min_u32(n, vt->cols - col);
    memmove(cell(vt, row, col), cell(vt, row, col + n),
            (size_t)(vt->cols - col - n) * sizeof(struct console_cell));
    fill(vt, row, vt->cols - n, vt->cols);
}

static void csi_dispatch(struct vt *vt, uint8_t final)
{
    struct vt_cursor *c = &vt->cur;
    if (vt->private_mark == '?' && !vt->has_inter) {
        unsigned n = vt->nparams < VT_MAX_PARAMS ? vt->nparams : VT_MAX_PARAMS;
        for (unsigned i = 0; i < n; i++)
            if ((final == 'h' || final == 'l') && vt->params[i] == 25)
                vt->cursor_visible = final == 'h';
        return; /* other DEC private modes are not supported */
    }
    if (vt->private_mark || vt->has_inter)
        return;
    switch (final) {
    case 'A': { /* CUU: stops at the region's top if it starts below it */
        uint32_t limit = c->row >= vt->top ? vt->top : 0;
        move_to(vt, c->col, c->row - min_u32(param(vt, 0, 1), c->row - limit));
        break;
    }
    case 'B': { /* CUD */
        uint32_t limit = c->row <= vt->bottom ? vt->bottom : vt->rows - 1;
        move_to(vt, c->col, c->row + min_u32(param(vt, 0, 1), limit - c->row));
        break;
    }
    case 'C': move_to(vt, c->col + min_u32(param(vt, 0, 1), vt->cols), c->row); break;
    case 'D': move_to(vt, c->col - min_u32(param(vt, 0, 1), c->col), c->row); break;
    case 'H':
    case 'f': move_to(vt, param(vt, 1, 1) - 1, param(vt, 0, 1) - 1); break;
    case 'G': move_to(vt, param(vt, 0, 1) - 1, c->row); break;
    case 'd': move_to(vt, c->col, param(vt, 0, 1) - 1); break;
    case 'J':
        switch (param0(vt, 0)) {
        case 0:
            fill(vt, c->row, c->col, vt->cols);
            for (uint32_t r = c->row + 1; r < vt->rows; r++)
                fill(vt, r, 0, vt->cols);
            break;
        case 1:
            for (uint32_t r = 0; r < c->row; r++)
                fill(vt, r, 0, vt->cols);
            fill(vt, c->row, 0, c->col + 1);
            break;
        case 2: clear_all(vt); break;
        }
        break;
    case 'K':
        switch (param0(vt, 0)) {
        case 0: fill(vt, c->row, c->col, vt->cols); break;
        case 1: fill(vt, c->row, 0, c->col + 1); break;
        case 2: fill(vt, c->row, 0, vt->cols); break;
        }
        break;
    case '@': insert_chars(vt, param(vt, 0, 1)); break;
    case 'P': delete_chars(vt, param(vt, 0, 1)); break;
    case 'X': fill(vt, c->row, c->col, c->col + min_u32(param(vt, 0, 1), vt->cols)); break;
    case 'L':
    case 'M':
        if (c->row >= vt->top && c->row <= vt->bottom) {
            scroll(vt, c->row, vt->bottom, param(vt, 0, 1), final == 'M');
            move_to(vt, 0, c->row);
        }
        break;
    case 'S': scroll(vt, vt->top, vt->bottom, param(vt, 0, 1), true); break;
    case 'T': scroll(vt, vt->top, vt->bottom, param(vt, 0, 1), false); break;
    case 'm': sgr(vt); break;
    case 'r': {
        uint32_t top = param(vt, 0, 1) - 1, bottom = param(vt, 1, vt->rows) - 1;
        if (bottom >= vt->rows)
            bottom = vt->rows - 1;
        if (top < bottom) {
            vt->top = top;
            vt->bottom = bottom;
            move_to(vt, 0, 0);
        }
        break;
    }
    case 's': vt->saved = vt->cur; break;
    case 'u': vt->cur = vt->saved; break;
    }
    c->pending_wrap = c->pending_wrap && (final == 'm' || final == 's' || final == 'u');
}

/* ---- bytes ------------------------------------------------------------------ */

static void esc_dispatch(struct vt *vt, uint8_t b)
{
    vt->state = VT_GROUND;
    switch (b) {
    case '[':
        vt->state = VT_CSI;
        vt->nparams = 0;
        vt->private_mark = 0;
        vt->has_inter = false;
        memset(vt->params, 0, sizeof(vt->params));
        break;
    case ']': case 'P': case 'X': case '^': case '_':
        vt->state = VT_STRING;
        break;
    case '7': vt->saved = vt->cur; break;
    case '8': vt->cur = vt->saved; break;
    case 'c': reset(vt); break;
    case 'D': line_feed(vt); break;
    case 'E': vt->cur.col = 0; line_feed(vt); break;
    case 'M': reverse_index(vt); break;
    default:
        if (b >= 0x20 && b <= 0x2f)
            vt->state = VT_ESC_INTER; /* ESC ( B and friends: skipped */
        break;
    }
}

/* C0 controls, in every state but strings.  Returns false if b is not
 * one. */
static bool control(struct vt *vt, uint8_t b)
{
    if (b >= 0x20)
        return false;
    switch (b) {
    case '\r': vt->cur.col = 0; vt->cur.pending_wrap = false; break;
    case '\n': case '\v': case '\f': line_feed(vt); break;
    case '\b':
        if (vt->cur.col > 0)
            vt->cur.col--;
        vt->cur.pending_wrap = false;
        break;
    case '\t':
        vt->cur.col = min_u32((vt->cur.col / 8 + 1) * 8, vt->cols - 1);
        vt->cur.pending_wrap = false;
        break;
    case 0x18: case 0x1a: vt->state = VT_GROUND; break; /* CAN, SUB abort */
    case 0x1b: vt->state = VT_ESC; break;
    default: break; /* BEL and the rest: nothing to show */
    }
    return true;
}

static void csi_byte(struct vt *vt, uint8_t b)
{
    if (b >= '0' && b <= '9') {
        if (vt->has_inter) {
            vt->state = VT_CSI_IGNORE;
            return;
        }
        if (vt->nparams == 0)
            vt->nparams = 1;
        if (vt->nparams <= VT_MAX_PARAMS) {
            uint32_t *p = &vt->params[vt->nparams - 1];
            *p = *p * 10 + (b - '0');
            if (*p > VT_PARAM_MAX)
                *p = VT_PARAM_MAX;
        }
    } else if (b == ';' || b == ':') {
        if (vt->has_inter) {
            vt->state = VT_CSI_IGNORE;
            return;
        }
        if (vt->nparams == 0)
            vt->nparams = 1;
        if (vt->nparams <= VT_MAX_PARAMS)
            vt->nparams++; /* one past the array: later digits are dropped */
    } else if (b >= '<' && b <= '?') {
        if (vt->nparams || vt->private_mark || vt->has_inter)
            vt->state = VT_CSI_IGNORE;
        else
            vt->private_mark = (char)b;
    } else if (b >= 0x20 && b <= 0x2f) {
        vt->has_inter = true;
    } else if (b >= 0x40 && b <= 0x7e) {
        vt->state = VT_GROUND;
        csi_dispatch(vt, b);
    }
    /* DEL and bytes above 0x7f inside a sequence are ignored. */
}

static void ground_byte(struct vt *vt, uint8_t b)
{
    if (vt->utf8_left) {
        if ((b & 0xc0) == 0x80) {
            vt->utf8_cp = vt->utf8_cp << 6 | (b & 0x3f);
            if (--vt->utf8_left)
                return;
            uint32_t cp = vt->utf8_cp;
            bool bad = cp < vt->utf8_min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff);
            if (bad)
                put_char(vt, REPLACEMENT);
            else if (cp >= 0xa0) /* C1 controls (U+0080..U+009F) are dropped */
                put_char(vt, cp);
            return;
        }
        vt->utf8_left = 0; /* a truncated sequence, then b on its own */
        put_char(vt, REPLACEMENT);
    }
    if (b < 0x80) {
        if (!control(vt, b) && b != 0x7f)
            put_char(vt, b);
    } else if (b >= 0xc2 && b <= 0xdf) {
        vt->utf8_cp = b & 0x1f;
        vt->utf8_left = 1;
        vt->utf8_min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
        vt->utf8_cp = b & 0x0f;
        vt->utf8_left = 2;
        vt->utf8_min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
        vt->utf8_cp = b & 0x07;
        vt->utf8_left = 3;
        vt->utf8_min = 0x10000;
    } else {
        put_char(vt, REPLACEMENT); /* a stray continuation or an invalid lead */
    }
}

static void byte(struct vt *vt, uint8_t b)
{
    switch (vt->state) {
    case VT_GROUND:
        ground_byte(vt, b);
        return;
    case VT_STRING:
        if (b == 0x07 || b == 0x18 || b == 0x1a)
            vt->state = VT_GROUND;
        else if (b == 0x1b)
            vt->state = VT_STRING_ESC;
        return;
    case VT_STRING_ESC:
        if (b == '\\') {
            vt->state = VT_GROUND;
            return;
        }
        vt->state = VT_ESC; /* a new sequence ends the string */
        break;
    default:
        break;
    }
    if (control(vt, b))
        return;
    switch (vt->state) {
    case VT_ESC:
        esc_dispatch(vt, b);
        break;
    case VT_ESC_INTER:
        if (b >= 0x30 && b <= 0x7e)
            vt->state = VT_GROUND;
        break;
    case VT_CSI:
        csi_byte(vt, b);
        break;
    case VT_CSI_IGNORE:
        if (b >= 0x40 && b <= 0x7e)
            vt->state = VT_GROUND;
        break;
    default:
        break;
    }
}

/* ---- the interface -------------------------------------------------------- */

size_t vt_screen_bytes(uint32_t cols, uint32_t rows)
{
    return sizeof(struct console_screen) + (size_t)cols * rows * sizeof(struct console_cell);
}

void vt_init(struct vt *vt, struct console_screen *s, uint32_t cols, uint32_t rows)
{
    memset(vt, 0, sizeof(*vt));
    vt->screen = s;
    vt->cols = cols < 1 ? 1 : min_u32(cols, CONSOLE_MAX_COLS);
    vt->rows = rows < 1 ? 1 : min_u32(rows, CONSOLE_MAX_ROWS);
    s->magic = CONSOLE_SCREEN_MAGIC;
    s->cols = vt->cols;
    s->rows = vt->rows;
    reset(vt);
    s->cursor_col = 0;
    s->cursor_row = 0;
    s->cursor_visible = 1;
    vt_redraw(vt);
}

void vt_write(struct vt *vt, const char *bytes, size_t n)
{
    struct console_screen *s = vt->screen;
    uint32_t old_row = s->cursor_row, old_col = s->cursor_col;
    uint32_t old_visible = s->cursor_visible;
    if (old_row >= vt->rows)
        old_row = vt->rows - 1;
    for (size_t i = 0; i < n; i++)
        byte(vt, (uint8_t)bytes[i]);
    if (old_row != vt->cur.row || old_col != vt->cur.col ||
        old_visible != (uint32_t)vt->cursor_visible) {
        s->cursor_col = vt->cur.col;
        s->cursor_row = vt->cur.row;
        s->cursor_visible = vt->cursor_visible;
        mark(vt, old_row);
        mark(vt, vt->cur.row);
    }
}

void vt_redraw(struct vt *vt)
{
    mark_rows(vt, 0, vt->rows - 1);
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t vt_row_text(const struct vt *vt, uint32_t row, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (row >= vt->rows)
        return 0;
    const struct console_cell *cells = &vt->screen->cells[(size_t)row * vt->cols];
    uint32_t end = vt->cols;
    while (end > 0 && cells[end - 1].ch == ' ')
        end--;
    size_t len = 0;
    for (uint32_t c = 0; c < end; c++) {
        char enc[4];
        size_t k = utf8_encode(cells[c].ch > 0x10ffff ? REPLACEMENT : cells[c].ch, enc);
        if (len + k >= size)
            break;
        memcpy(buf + len, enc, k);
        len += k;
    }
    buf[len] = '\0';
    return len;
}
