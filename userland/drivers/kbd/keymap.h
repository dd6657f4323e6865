/* The keyboard's translation from scancodes to terminal input (keymap.c):
 * pure C with no system calls, so the host unit tests build it. */
#ifndef KBD_KEYMAP_H
#define KBD_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes one scancode byte produces: an Alt prefix and a 4-byte
 * UTF-8 character, or an escape sequence such as ESC [ 2 4 ~. */
#define KEYMAP_OUT_MAX 8

/* Lock states, as the PS/2 "set LEDs" command (0xED) wants its bits. */
#define KEYMAP_LOCK_SCROLL 1u
#define KEYMAP_LOCK_NUM    2u
#define KEYMAP_LOCK_CAPS   4u

/* keymap_init's result for a layout name it does not know. */
#define KEYMAP_ERR_LAYOUT (-1)

struct keymap_layout;

struct keymap {
    const struct keymap_layout *layout;
    bool e0;              /* the last byte was the 0xE0 prefix */
    unsigned skip;        /* bytes of a 0xE1 (Pause) sequence still to drop */
    unsigned mods;        /* modifiers held (keymap.c's MOD_*) */
    unsigned locks;       /* KEYMAP_LOCK_* */
    unsigned locks_held;  /* lock keys down, so auto-repeat does not toggle */
};

/* Starts k with all keys up and all locks off in the layout called name
 * ("us", "de"; NULL or "" is "us").  Returns 0, or KEYMAP_ERR_LAYOUT with
 * "us" chosen for an unknown name. */
int keymap_init(struct keymap *k, const char *name);

/* The name of k's layout. */
const char *keymap_layout_name(const struct keymap *k);

/* Feeds one scancode-set-1 byte.  Writes what it produces to out and
 * returns the count (0 for prefixes, releases, modifiers and unknown
 * keys).  Sets *locks_changed, if given, to whether a lock state changed,
 * so the caller can set the LEDs to keymap_locks(k). */
size_t keymap_feed(struct keymap *k, uint8_t code, uint8_t out[KEYMAP_OUT_MAX],
                   bool *locks_changed);

/* The lock states (KEYMAP_LOCK_*). */
unsigned keymap_locks(const struct keymap *k);

#endif
