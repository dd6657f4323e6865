/* Unit tests of the keyboard driver's translation
 * (userland/drivers/kbd/keymap.c): scancode-set-1 bytes in, the bytes a
 * terminal program reads out, in the us and de layouts. */
#include <stdio.h>
#include <string.h>

#include "../../userland/drivers/kbd/keymap.h"
#include "unit.h"

/* Set-1 make codes used below; a release is the code | 0x80. */
enum {
    ESC_ = 0x01, K1 = 0x02, K2 = 0x03, K7 = 0x08, K8 = 0x09, K0 = 0x0b, MINUS = 0x0c,
    BS = 0x0e, TAB = 0x0f, Q = 0x10, E = 0x12, Y_US = 0x15, U = 0x16, LBRACKET = 0x1a,
    RBRACKET = 0x1b, ENTER = 0x1c, LCTRL = 0x1d, A = 0x1e, D = 0x20, SEMI = 0x27,
    APOS = 0x28, LSHIFT = 0x2a, BACKSLASH = 0x2b, Z_US = 0x2c, C = 0x2e, M = 0x32,
    RSHIFT = 0x36, LALT = 0x38, SPACE = 0x39, CAPS = 0x3a, F1 = 0x3b, F4 = 0x3e, F5 = 0x3f,
    NUM = 0x45, SCROLL = 0x46, KP7 = 0x47, KP8 = 0x48, KP5 = 0x4c, KP0 = 0x52, KPDOT = 0x53,
    LESS = 0x56, F12 = 0x58,
};
#define REL(c) ((c) | 0x80)

/* Feeds the n codes and returns everything produced, NUL-terminated. */
static const char *feed_n(struct keymap *k, const uint8_t *codes, size_t n)
{
    static char text[256];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t out[KEYMAP_OUT_MAX];
        size_t got = keymap_feed(k, codes[i], out, NULL);
        ck_assert_uint_le(got, KEYMAP_OUT_MAX);
        ck_assert_uint_lt(len + got, sizeof(text));
        memcpy(text + len, out, got);
        len += got;
    }
    text[len] = '\0';
    return text;
}
#define FEED(k, ...)                                              \
    feed_n((k), (const uint8_t[]){ __VA_ARGS__ },                  \
           sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* A key pressed and released. */
#define TAP(c) (c), REL(c)

static struct keymap layout(const char *name)
{
    struct keymap k;
    ck_assert_int_eq(keymap_init(&k, name), 0);
    ck_assert_str_eq(keymap_layout_name(&k), name);
    return k;
}

START_TEST(letters_and_digits)
{
    struct keymap k = layout("us");
    ck_assert_str_eq(FEED(&k, TAP(A), TAP(D), TAP(Q), TAP(K1), TAP(K0), TAP(SPACE)), "adq10 ");
    ck_assert_str_eq(FEED(&k, TAP(SEMI), TAP(APOS), TAP(BACKSLASH), TAP(MINUS)), ";'\\-");
    /* Auto-repeat: makes without releases. */
    ck_assert_str_eq(FEED(&k, A, A, A, REL(A)), "aaa");
}
END_TEST

START_TEST(shift)
{
    struct keymap k = layout("us");
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(A), TAP(K1), REL(LSHIFT), TAP(A)), "A!a");
    ck_assert_str_eq(FEED(&k, RSHIFT, TAP(K2), TAP(SEMI), REL(RSHIFT), TAP(K2)), "@:2");
    /* Both held, one released: still shifted. */
    ck_assert_str_eq(FEED(&k, LSHIFT, RSHIFT, REL(LSHIFT), TAP(A), REL(RSHIFT), TAP(A)), "Aa");
}
END_TEST

START_TEST(caps_lock)
{
    struct keymap k = layout("us");
    bool changed = false;
    uint8_t out[KEYMAP_OUT_MAX];
    ck_assert_uint_eq(keymap_feed(&k, CAPS, out, &changed), 0);
    ck_assert(changed);
    ck_assert_uint_eq(keymap_locks(&k), KEYMAP_LOCK_CAPS);
    /* Held down, the key repeats: no more toggles. */
    ck_assert_uint_eq(keymap_feed(&k, CAPS, out, &changed), 0);
    ck_assert(!changed);
    ck_assert_uint_eq(keymap_feed(&k, REL(CAPS), out, &changed), 0);
    ck_assert(!changed);
    ck_assert_uint_eq(keymap_locks(&k), KEYMAP_LOCK_CAPS);
    /* Letters only; Shift inverts it again. */
    ck_assert_str_eq(FEED(&k, TAP(A), TAP(K1), TAP(SEMI)), "A1;");
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(A), TAP(K1), REL(LSHIFT)), "a!");
    ck_assert_uint_eq(keymap_feed(&k, CAPS, out, &changed), 0);
    ck_assert(changed);
    ck_assert_uint_eq(keymap_locks(&k), 0);
    ck_assert_str_eq(FEED(&k, REL(CAPS), TAP(A)), "a");
}
END_TEST

START_TEST(lock_keys)
{
    struct keymap k = layout("us");
    bool changed;
    uint8_t out[KEYMAP_OUT_MAX];
    keymap_feed(&k, NUM, out, &changed);
    ck_assert(changed);
    keymap_feed(&k, REL(NUM), out, &changed);
    keymap_feed(&k, SCROLL, out, &changed);
    ck_assert(changed);
    ck_assert_uint_eq(keymap_locks(&k), KEYMAP_LOCK_NUM | KEYMAP_LOCK_SCROLL);
    /* Ctrl+Break (E0 46) is no Scroll Lock. */
    keymap_feed(&k, REL(SCROLL), out, &changed);
    keymap_feed(&k, 0xe0, out, &changed);
    keymap_feed(&k, SCROLL, out, &changed);
    ck_assert(!changed);
    ck_assert_uint_eq(keymap_locks(&k), KEYMAP_LOCK_NUM | KEYMAP_LOCK_SCROLL);
    /* An ordinary key changes no lock. */
    keymap_feed(&k, A, out, &changed);
    ck_assert(!changed);
}
END_TEST

START_TEST(control_codes)
{
    struct keymap k = layout("us");
    ck_assert_str_eq(FEED(&k, LCTRL, TAP(C), TAP(A), REL(LCTRL)), "\x03\x01");
    ck_assert_str_eq(FEED(&k, LCTRL, TAP(D), TAP(U), TAP(Z_US), REL(LCTRL)), "\x04\x15\x1a");
    ck_assert_str_eq(FEED(&k, LCTRL, TAP(LBRACKET), TAP(BACKSLASH), TAP(RBRACKET), REL(LCTRL)),
                     "\x1b\x1c\x1d");
    /* Right Ctrl (E0 1D), and with Shift. */
    ck_assert_str_eq(FEED(&k, 0xe0, LCTRL, LSHIFT, TAP(C), REL(LSHIFT), 0xe0, REL(LCTRL), TAP(C)),
                     "\x03" "c");
    ck_assert_str_eq(FEED(&k, TAP(ENTER), TAP(BS), TAP(TAB), TAP(ESC_)), "\r\x7f\t\x1b");
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(TAB), REL(LSHIFT)), "\x1b[Z");
}
END_TEST

START_TEST(alt_prefix)
{
    struct keymap k = layout("us");
    ck_assert_str_eq(FEED(&k, LALT, TAP(A), REL(LALT), TAP(A)), "\x1b" "aa");
    ck_assert_str_eq(FEED(&k, LALT, LCTRL, TAP(C), REL(LCTRL), REL(LALT)), "\x1b\x03");
    /* In us, right Alt is Alt too. */
    ck_assert_str_eq(FEED(&k, 0xe0, LALT, TAP(A), 0xe0, REL(LALT)), "\x1b" "a");
}
END_TEST

START_TEST(extended_keys)
{
    struct keymap k = layout("us");
    ck_assert_str_eq(FEED(&k, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0xd0), "\x1b[A\x1b[B");
    ck_assert_str_eq(FEED(&k, 0xe0, 0x4d, 0xe0, 0xcd, 0xe0, 0x4b, 0xe0, 0xcb), "\x1b[C\x1b[D");
    ck_assert_str_eq(FEED(&k, 0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x52, 0xe0, 0x53),
                     "\x1b[H\x1b[F\x1b[2~\x1b[3~");
    ck_assert_str_eq(FEED(&k, 0xe0, 0x49, 0xe0, 0x51), "\x1b[5~\x1b[6~");
    /* Keypad Enter and /. */
    ck_assert_str_eq(FEED(&k, 0xe0, ENTER, 0xe0, REL(ENTER), 0xe0, 0x35, 0xe0, 0xb5), "\r/");
    /* Fake shifts around a navigation key do not shift what follows. */
    ck_assert_str_eq(FEED(&k, 0xe0, LSHIFT, 0xe0, 0x53, 0xe0, 0xd3, 0xe0, REL(LSHIFT), TAP(A)),
                     "\x1b[3~a");
    ck_assert_str_eq(FEED(&k, 0xe0, LSHIFT, TAP(A), 0xe0, REL(LSHIFT)), "a");
    /* Print Screen and the Windows key: nothing. */
    ck_assert_str_eq(FEED(&k, 0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa, 0xe0, 0x5b,
                          0xe0, 0xdb), "");
    ck_assert_str_eq(FEED(&k, TAP(F1), TAP(F4), TAP(F5), TAP(F12)),
                     "\x1bOP\x1bOS\x1b[15~\x1b[24~");
}
END_TEST

START_TEST(keypad)
{
    struct keymap k = layout("us");
    /* Num Lock off: navigation. */
    ck_assert_str_eq(FEED(&k, TAP(KP7), TAP(KP8), TAP(KP5), TAP(KPDOT)), "\x1b[H\x1b[A\x1b[3~");
    ck_assert_str_eq(FEED(&k, TAP(0x37), TAP(0x4a), TAP(0x4e)), "*-+");
    ck_assert_str_eq(FEED(&k, TAP(NUM), TAP(KP7), TAP(KP8), TAP(KP5), TAP(KP0), TAP(KPDOT)),
                     "7850.");
    /* Shift inverts Num Lock. */
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(KP8), REL(LSHIFT)), "\x1b[A");
    /* The de keypad's decimal key is a comma. */
    struct keymap d = layout("de");
    ck_assert_str_eq(FEED(&d, TAP(NUM), TAP(KPDOT), TAP(KP0)), ",0");
}
END_TEST

START_TEST(releases_produce_nothing)
{
    struct keymap k = layout("us");
    for (unsigned c = 0x80; c < 0x100; c++) {
        if (c == 0xe0 || c == 0xe1)
            continue;
        uint8_t out[KEYMAP_OUT_MAX];
        CHECK(keymap_feed(&k, (uint8_t)c, out, NULL) == 0, "release %#x produced output", c);
        CHECK(keymap_feed(&k, 0xe0, out, NULL) == 0, "prefix");
        CHECK(keymap_feed(&k, (uint8_t)c, out, NULL) == 0, "release E0 %#x produced output", c);
    }
    ck_assert_str_eq(FEED(&k, TAP(A)), "a");
}
END_TEST

START_TEST(prefixes_across_calls)
{
    struct keymap k = layout("us");
    uint8_t out[KEYMAP_OUT_MAX];
    ck_assert_uint_eq(keymap_feed(&k, 0xe0, out, NULL), 0);
    ck_assert_uint_eq(keymap_feed(&k, 0x48, out, NULL), 3);
    ck_assert_int_eq(memcmp(out, "\x1b[A", 3), 0);
    /* The prefix applies to one code only: then 48 is keypad 8. */
    ck_assert_str_eq(FEED(&k, 0xe0, 0xc8, TAP(NUM), 0xe0, 0x48, 0xe0, 0xc8, 0x48, 0xc8),
                     "\x1b[A8");
    ck_assert_str_eq(FEED(&k, 0xe0), "");
    ck_assert_str_eq(FEED(&k, 0x48), "\x1b[A");
    ck_assert_str_eq(FEED(&k, 0xe0, 0xc8, TAP(NUM)), "");
    /* Pause: E1 1D 45 E1 9D C5, one byte per call, is dropped whole and
     * leaves neither Ctrl held nor Num Lock toggled. */
    bool changed = false;
    const uint8_t pause[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
    for (size_t i = 0; i < sizeof(pause); i++) {
        ck_assert_uint_eq(keymap_feed(&k, pause[i], out, &changed), 0);
        ck_assert(!changed);
    }
    ck_assert_uint_eq(keymap_locks(&k), 0);
    ck_assert_str_eq(FEED(&k, TAP(A)), "a");
}
END_TEST

START_TEST(german_layout)
{
    struct keymap k = layout("de");
    /* Z and Y swapped. */
    ck_assert_str_eq(FEED(&k, TAP(Y_US), TAP(Z_US)), "zy");
    /* Umlauts and ß in UTF-8, with Shift and with Caps Lock. */
    ck_assert_str_eq(FEED(&k, TAP(LBRACKET), TAP(SEMI), TAP(APOS), TAP(MINUS)),
                     "\xc3\xbc\xc3\xb6\xc3\xa4\xc3\x9f");
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(LBRACKET), TAP(SEMI), TAP(APOS), REL(LSHIFT)),
                     "\xc3\x9c\xc3\x96\xc3\x84");
    ck_assert_str_eq(FEED(&k, TAP(CAPS), TAP(APOS), TAP(MINUS), TAP(K7), TAP(CAPS)),
                     "\xc3\x84\xc3\x9f" "7");
    /* Shifted digits and the other keys. */
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(K2), TAP(0x04), TAP(K7), TAP(K0), TAP(MINUS),
                          REL(LSHIFT)), "\"\xc2\xa7/=?");
    ck_assert_str_eq(FEED(&k, TAP(RBRACKET), TAP(BACKSLASH), TAP(LESS), TAP(0x35), TAP(0x29)),
                     "+#<-^");
    ck_assert_str_eq(FEED(&k, LSHIFT, TAP(RBRACKET), TAP(BACKSLASH), TAP(LESS), TAP(0x35),
                          TAP(0x29), REL(LSHIFT)), "*'>_\xc2\xb0");
    ck_assert_str_eq(FEED(&k, TAP(0x0d)), "\xc2\xb4");
}
END_TEST

START_TEST(german_altgr)
{
    struct keymap k = layout("de");
    ck_assert_str_eq(FEED(&k, 0xe0, LALT, TAP(Q), TAP(E), TAP(K7), TAP(K8), 0x0a, 0x8a, TAP(K0),
                          TAP(MINUS), TAP(RBRACKET), TAP(LESS), 0xe0, REL(LALT)),
                     "@\xe2\x82\xac{[]}\\~|");
    ck_assert_str_eq(FEED(&k, 0xe0, LALT, TAP(K2), TAP(0x04), TAP(M), 0xe0, REL(LALT)),
                     "\xc2\xb2\xc2\xb3\xc2\xb5");
    /* A key with nothing on AltGr gives nothing; AltGr is not Alt. */
    ck_assert_str_eq(FEED(&k, 0xe0, LALT, TAP(A), 0xe0, REL(LALT), TAP(Q)), "q");
    /* Caps Lock does not touch AltGr characters. */
    ck_assert_str_eq(FEED(&k, TAP(CAPS), 0xe0, LALT, TAP(Q), 0xe0, REL(LALT), TAP(Q), TAP(CAPS)),
                     "@Q");
    /* Ctrl with the character AltGr made: Ctrl+[ is ESC. */
    ck_assert_str_eq(FEED(&k, LCTRL, 0xe0, LALT, TAP(K8), 0xe0, REL(LALT), REL(LCTRL)), "\x1b");
    /* Ctrl+Z is the key labelled Z. */
    ck_assert_str_eq(FEED(&k, LCTRL, TAP(Y_US), REL(LCTRL)), "\x1a");
}
END_TEST

START_TEST(layout_names)
{
    struct keymap k;
    ck_assert_int_eq(keymap_init(&k, "xx"), KEYMAP_ERR_LAYOUT);
    ck_assert_str_eq(keymap_layout_name(&k), "us");
    ck_assert_str_eq(FEED(&k, TAP(Y_US)), "y");
    ck_assert_int_eq(keymap_init(&k, "DE"), KEYMAP_ERR_LAYOUT);
    ck_assert_int_eq(keymap_init(&k, NULL), 0);
    ck_assert_str_eq(keymap_layout_name(&k), "us");
    ck_assert_int_eq(keymap_init(&k, ""), 0);
    ck_assert_int_eq(keymap_init(&k, "de"), 0);
    ck_assert_str_eq(keymap_layout_name(&k), "de");
    ck_assert_str_eq(FEED(&k, TAP(Y_US)), "z");
}
END_TEST

START_TEST(every_code_is_safe)
{
    /* Any byte sequence stays within KEYMAP_OUT_MAX (checked by feed_n)
     * and within the tables (the sanitizers). */
    const char *names[] = { "us", "de" };
    for (size_t l = 0; l < 2; l++) {
        struct keymap k = layout(names[l]);
        const uint8_t mods[] = { 0, LSHIFT, LCTRL, LALT, CAPS, NUM };
        for (size_t m = 0; m < sizeof(mods); m++) {
            if (mods[m])
                FEED(&k, mods[m]);
            for (unsigned c = 0; c < 0x80; c++) {
                FEED(&k, (uint8_t)c, (uint8_t)(c | 0x80));
                FEED(&k, 0xe0, (uint8_t)c, 0xe0, (uint8_t)(c | 0x80));
            }
            if (mods[m])
                FEED(&k, REL(mods[m]));
        }
    }
}
END_TEST

Suite *suite_keymap(void)
{
    Suite *s = suite_create("keymap");
    TCase *tc = tcase_create("keymap");
    tcase_add_test(tc, letters_and_digits);
    tcase_add_test(tc, shift);
    tcase_add_test(tc, caps_lock);
    tcase_add_test(tc, lock_keys);
    tcase_add_test(tc, control_codes);
    tcase_add_test(tc, alt_prefix);
    tcase_add_test(tc, extended_keys);
    tcase_add_test(tc, keypad);
    tcase_add_test(tc, releases_produce_nothing);
    tcase_add_test(tc, prefixes_across_calls);
    tcase_add_test(tc, german_layout);
    tcase_add_test(tc, german_altgr);
    tcase_add_test(tc, layout_names);
    tcase_add_test(tc, every_code_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
