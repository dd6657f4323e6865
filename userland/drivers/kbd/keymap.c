/*
 * keymap.c: scancodes in, terminal input out (keymap.h).
 *
 * The i8042 delivers scancode set 1 (it translates the keyboard's set 2):
 * one byte per key press, the same with bit 7 set for the release, a 0xE0
 * prefix before the keys a PC/XT keyboard lacked (arrows, right Ctrl and
 * Alt, keypad Enter and /), and 0xE1 1D 45 E1 9D C5 for Pause, which has
 * no release and is ignored here.  Print Screen and the navigation keys
 * come wrapped in "fake shifts" (E0 2A, E0 AA, ...), which are dropped so
 * they do not look like the real Shift.
 *
 * The state is the modifiers held and the locks.  A key that prints looks
 * itself up in the layout's table (plain, shifted, AltGr; Caps Lock swaps
 * plain and shifted for letters only); then Ctrl turns '@'..'_' and
 * letters into control codes, Alt puts an ESC before the character, and
 * the result goes out as UTF-8.  The other keys produce what an xterm
 * sends, so programs reading the terminal need nothing new.  A layout
 * without AltGr treats right Alt as Alt.  There are no dead keys: the
 * accent keys type their accent.
 */
#include <string.h>

#include "keymap.h"

#define ESC 0x1b

/* Modifiers held. */
#define MOD_LSHIFT 0x01u
#define MOD_RSHIFT 0x02u
#define MOD_LCTRL  0x04u
#define MOD_RCTRL  0x08u
#define MOD_LALT   0x10u
#define MOD_RALT   0x20u
#define MOD_SHIFT  (MOD_LSHIFT | MOD_RSHIFT)
#define MOD_CTRL   (MOD_LCTRL | MOD_RCTRL)

/* Set-1 codes the code below names (without the release bit). */
#define SC_ESC       0x01
#define SC_BACKSPACE 0x0e
#define SC_TAB       0x0f
#define SC_ENTER     0x1c  /* E0: keypad Enter */
#define SC_LCTRL     0x1d  /* E0: right Ctrl */
#define SC_LSHIFT    0x2a  /* E0: a fake shift */
#define SC_SLASH     0x35  /* E0: keypad / */
#define SC_RSHIFT    0x36  /* E0: a fake shift */
#define SC_KP_STAR   0x37  /* E0: Print Screen */
#define SC_LALT      0x38  /* E0: right Alt, AltGr */
#define SC_CAPS      0x3a
#define SC_F1        0x3b  /* .. F10 at 0x44 */
#define SC_NUM       0x45
#define SC_SCROLL    0x46  /* E0: Ctrl+Break */
#define SC_KP_7      0x47  /* the keypad, 0x47 .. 0x53; E0: the navigation keys */
#define SC_KP_MINUS  0x4a
#define SC_KP_PLUS   0x4e
#define SC_KP_DOT    0x53
#define SC_F11       0x57
#define SC_F12       0x58

/* A key that prints: its character plain, with Shift and with AltGr (0:
 * none), as Unicode code points.  Caps Lock applies to letters. */
struct keymap_key {
    uint32_t plain, shift, altgr;
    bool letter;
};

struct keymap_layout {
    const char *name;
    bool altgr;              /* right Alt is AltGr, not Alt */
    uint32_t kp_decimal;     /* the keypad's decimal key with Num Lock */
    struct keymap_key keys[0x80];
};

/* Latin letters: upper case is 0x20 below, in ASCII and Latin-1 alike. */
#define L(c)         { (c), (c) - 0x20, 0, true }
#define LA(c, ag)    { (c), (c) - 0x20, (ag), true }
#define K(p, s)      { (p), (s), 0, false }
#define KA(p, s, ag) { (p), (s), (ag), false }

static const struct keymap_layout layout_us = {
    .name = "us",
    .altgr = false,
    .kp_decimal = '.',
    .keys = {
        [0x02] = K('1', '!'), [0x03] = K('2', '@'), [0x04] = K('3', '#'),
        [0x05] = K('4', '$'), [0x06] = K('5', '%'), [0x07] = K('6', '^'),
        [0x08] = K('7', '&'), [0x09] = K('8', '*'), [0x0a] = K('9', '('),
        [0x0b] = K('0', ')'), [0x0c] = K('-', '_'), [0x0d] = K('=', '+'),
        [0x10] = L('q'), [0x11] = L('w'), [0x12] = L('e'), [0x13] = L('r'),
        [0x14] = L('t'), [0x15] = L('y'), [0x16] = L('u'), [0x17] = L('i'),
        [0x18] = L('o'), [0x19] = L('p'), [0x1a] = K('[', '{'), [0x1b] = K(']', '}'),
        [0x1e] = L('a'), [0x1f] = L('s'), [0x20] = L('d'), [0x21] = L('f'),
        [0x22] = L('g'), [0x23] = L('h'), [0x24] = L('j'), [0x25] = L('k'),
        [0x26] = L('l'), [0x27] = K(';', ':'), [0x28] = K('\'', '"'), [0x29] = K('`', '~'),
        [0x2b] = K('\\', '|'),
        [0x2c] = L('z'), [0x2d] = L('x'), [0x2e] = L('c'), [0x2f] = L('v'),
        [0x30] = L('b'), [0x31] = L('n'), [0x32] = L('m'), [0x33] = K(',', '<'),
        [0x34] = K('.', '>'), [0x35] = K('/', '?'),
        [0x39] = K(' ', ' '),
        [0x56] = K('\\', '|'),   /* the 102nd key of ISO keyboards */
    },
};

/* German QWERTZ (T1, as on a German PC keyboard). */
static const struct keymap_layout layout_de = {
    .name = "de",
    .altgr = true,
    .kp_decimal = ',',
    .keys = {
        [0x29] = K('^', 0xb0 /* ° */),
        [0x02] = K('1', '!'),
        [0x03] = KA('2', '"', 0xb2 /* ² */),
        [0x04] = KA('3', 0xa7 /* § */, 0xb3 /* ³ */),
        [0x05] = K('4', '$'), [0x06] = K('5', '%'), [0x07] = K('6', '&'),
        [0x08] = KA('7', '/', '{'), [0x09] = KA('8', '(', '['),
        [0x0a] = KA('9', ')', ']'), [0x0b] = KA('0', '=', '}'),
        [0x0c] = KA(0xdf /* ß */, '?', '\\'),
        [0x0d] = K(0xb4 /* ´ */, '`'),
        [0x10] = LA('q', '@'), [0x11] = L('w'), [0x12] = LA('e', 0x20ac /* € */),
        [0x13] = L('r'), [0x14] = L('t'), [0x15] = L('z'), [0x16] = L('u'),
        [0x17] = L('i'), [0x18] = L('o'), [0x19] = L('p'),
        [0x1a] = L(0xfc /* ü */), [0x1b] = KA('+', '*', '~'),
        [0x1e] = L('a'), [0x1f] = L('s'), [0x20] = L('d'), [0x21] = L('f'),
        [0x22] = L('g'), [0x23] = L('h'), [0x24] = L('j'), [0x25] = L('k'),
        [0x26] = L('l'), [0x27] = L(0xf6 /* ö */), [0x28] = L(0xe4 /* ä */),
        [0x2b] = K('#', '\''),
        [0x2c] = L('y'), [0x2d] = L('x'), [0x2e] = L('c'), [0x2f] = L('v'),
        [0x30] = L('b'), [0x31] = L('n'), [0x32] = LA('m', 0xb5 /* µ */),
        [0x33] = K(',', ';'), [0x34] = K('.', ':'), [0x35] = K('-', '_'),
        [0x39] = K(' ', ' '),
        [0x56] = KA('<', '>', '|'),
    },
};

static const struct keymap_layout *const layouts[] = { &layout_us, &layout_de };

int keymap_init(struct keymap *k, const char *name)
{
    *k = (struct keymap){ .layout = &layout_us };
    if (!name || !*name)
        return 0;
    for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
        if (strcmp(layouts[i]->name, name) == 0) {
            k->layout = layouts[i];
            return 0;
        }
    }
    return KEYMAP_ERR_LAYOUT;
}

const char *keymap_layout_name(const struct keymap *k)
{
    return k->layout->name;
}

unsigned keymap_locks(const struct keymap *k)
{
    return k->locks;
}

static unsigned modifier_of(uint8_t key, bool ext)
{
    switch (key) {
    case SC_LSHIFT: return ext ? 0 : MOD_LSHIFT;   /* E0 2A: a fake shift */
    case SC_RSHIFT: return ext ? 0 : MOD_RSHIFT;
    case SC_LCTRL:  return ext ? MOD_RCTRL : MOD_LCTRL;
    case SC_LALT:   return ext ? MOD_RALT : MOD_LALT;
    default:        return 0;
    }
}

static unsigned lock_of(uint8_t key, bool ext)
{
    if (ext)
        return 0;   /* E0 46 is Ctrl+Break, not Scroll Lock */
    switch (key) {
    case SC_CAPS:   return KEYMAP_LOCK_CAPS;
    case SC_NUM:    return KEYMAP_LOCK_NUM;
    case SC_SCROLL: return KEYMAP_LOCK_SCROLL;
    default:        return 0;
    }
}

static size_t put_utf8(uint8_t *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xc0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

static size_t put_string(uint8_t *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return n;
}

/* Alt is left Alt, and right Alt where the layout has no AltGr. */
static bool alt_held(const struct keymap *k)
{
    return (k->mods & MOD_LALT) || (!k->layout->altgr && (k->mods & MOD_RALT));
}

/* A character with Ctrl and Alt applied, as a terminal sends it. */
static size_t put_char(const struct keymap *k, uint32_t cp, uint8_t *out)
{
    size_t n = 0;
    if (k->mods & MOD_CTRL) {
        if (cp >= 'a' && cp <= 'z')
            cp -= 0x60;
        else if (cp >= '@' && cp <= '_')   /* @ A-Z [ \ ] ^ _ */
            cp -= 0x40;
        else if (cp == ' ')
            cp = 0;
        else if (cp == '?')
            cp = 0x7f;
    }
    if (alt_held(k))
        out[n++] = ESC;
    return n + put_utf8(out + n, cp);
}

/* What the navigation keys send, by their keypad position. */
static const char *const nav_keys[] = {
    [SC_KP_7 - SC_KP_7] = "\x1b[H",  [0x48 - SC_KP_7] = "\x1b[A",  [0x49 - SC_KP_7] = "\x1b[5~",
    [0x4b - SC_KP_7] = "\x1b[D",     [0x4d - SC_KP_7] = "\x1b[C",
    [0x4f - SC_KP_7] = "\x1b[F",     [0x50 - SC_KP_7] = "\x1b[B",  [0x51 - SC_KP_7] = "\x1b[6~",
    [0x52 - SC_KP_7] = "\x1b[2~",    [SC_KP_DOT - SC_KP_7] = "\x1b[3~",
};

/* The keypad's characters with Num Lock, by position (0: the - and +
 * keys, handled apart; the decimal key is the layout's). */
static const char kp_digits[] = "789\0" "456\0" "1230";

static const char *const function_keys[] = {
    "\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[15~", "\x1b[17~",
    "\x1b[18~", "\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~",
};

static size_t nav_key(uint8_t key, uint8_t *out)
{
    const char *s = nav_keys[key - SC_KP_7];
    return s ? put_string(out, s) : 0;
}

static size_t extended_key(const struct keymap *k, uint8_t key, uint8_t *out)
{
    if (key == SC_ENTER)
        return put_char(k, '\r', out);
    if (key == SC_SLASH)
        return put_char(k, '/', out);
    if (key >= SC_KP_7 && key <= SC_KP_DOT)
        return nav_key(key, out);
    return 0;   /* fake shifts, Print Screen, Break, the Windows keys, ... */
}

static size_t keypad_key(const struct keymap *k, uint8_t key, uint8_t *out)
{
    if (key == SC_KP_MINUS || key == SC_KP_PLUS)
        return put_char(k, key == SC_KP_MINUS ? '-' : '+', out);
    /* Shift inverts Num Lock, as on a PC. */
    bool digits = !(k->locks & KEYMAP_LOCK_NUM) != !(k->mods & MOD_SHIFT);
    if (!digits)
        return nav_key(key, out);
    if (key == SC_KP_DOT)
        return put_char(k, k->layout->kp_decimal, out);
    return put_char(k, (uint8_t)kp_digits[key - SC_KP_7], out);
}

static size_t plain_key(const struct keymap *k, uint8_t key, uint8_t *out)
{
    bool shift = k->mods & MOD_SHIFT;
    switch (key) {
    case SC_ESC:       return put_char(k, ESC, out);
    case SC_BACKSPACE: return put_char(k, 0x7f, out);
    case SC_TAB:       return shift ? put_string(out, "\x1b[Z") : put_char(k, '\t', out);
    case SC_ENTER:     return put_char(k, '\r', out);
    case SC_KP_STAR:   return put_char(k, '*', out);
    case SC_F11:       return put_string(out, function_keys[10]);
    case SC_F12:       return put_string(out, function_keys[11]);
    }
    if (key >= SC_F1 && key < SC_F1 + 10)
        return put_string(out, function_keys[key - SC_F1]);
    if (key >= SC_KP_7 && key <= SC_KP_DOT)
        return keypad_key(k, key, out);

    const struct keymap_key *e = &k->layout->keys[key];
    uint32_t cp;
    if (k->layout->altgr && (k->mods & MOD_RALT)) {
        cp = e->altgr;
    } else {
        if (e->letter && (k->locks & KEYMAP_LOCK_CAPS))
            shift = !shift;
        cp = shift ? e->shift : e->plain;
    }
    return cp ? put_char(k, cp, out) : 0;
}

size_t keymap_feed(struct keymap *k, uint8_t code, uint8_t out[KEYMAP_OUT_MAX],
                   bool *locks_changed)
{
    if (locks_changed)
        *locks_changed = false;
    if (k->skip) {
        k->skip--;
        return 0;
    }
    if (code == 0xe1) {           /* Pause: E1 1D 45, then E1 9D C5 */
        k->skip = 2;
        k->e0 = false;
        return 0;
    }
    if (code == 0xe0) {
        k->e0 = true;
        return 0;
    }
    bool ext = k->e0, release = code & 0x80;
    uint8_t key = code & 0x7f;
    k->e0 = false;
    /* The keyboard's answers that share codes with releases (0xFA
     * acknowledge, 0xFE resend, 0xAA self-test passed) end up here as
     * releases of keys that do not exist or are up, and so do nothing;
     * 0x00 and 0xFF (overrun) name no key. */
    unsigned mod = modifier_of(key, ext);
    if (mod) {
        if (release)
            k->mods &= ~mod;
        else
            k->mods |= mod;
        return 0;
    }
    unsigned lock = lock_of(key, ext);
    if (lock) {
        if (release) {
            k->locks_held &= ~lock;
        } else if (!(k->locks_held & lock)) {
            k->locks_held |= lock;
            k->locks ^= lock;
            if (locks_changed)
                *locks_changed = true;
        }
        return 0;
    }
    if (release)
        return 0;
    return ext ? extended_key(k, key, out) : plain_key(k, key, out);
}
