/* Kernel command-line parsing (kernel/lib/cmdline.c).
 *
 * The command line is a list of words separated by spaces: either flags
 * ("selftest") or key=value pairs ("loglevel=debug").  Values may be
 * double-quoted to contain spaces.  Lookups are by exact key. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Calls fn for every word in order; value is NULL for a flag.  key and
 * value are not NUL-terminated: their lengths are given.  Stops early and
 * returns false if fn returns false. */
typedef bool (*cmdline_fn_t)(void *ctx, const char *key, size_t key_len,
                             const char *value, size_t value_len);
bool cmdline_each(const char *cmdline, cmdline_fn_t fn, void *ctx);

/* True if the word `key` or `key=...` is present. */
bool cmdline_has(const char *cmdline, const char *key);

/* Copies the value of the last `key=value` into buf (NUL-terminated).
 * Returns the value's length, or -1 if the key is absent or has no value,
 * or if the value does not fit in buf. */
int cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
