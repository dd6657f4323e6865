/* The boot manifest (kernel/proc/manifest.c): which device capabilities
 * the kernel gives init, from etc/boot.manifest in the initrd.  init
 * passes each on to the one server that needs it; the kernel hands device
 * access to nobody else.
 *
 * One entry per line, '#' starts a comment:
 *   irq N            ISA interrupt line N (0-15)
 *   ioport BASE N    I/O ports BASE .. BASE+N-1
 *   framebuffer      the boot framebuffer's memory (write-combining)
 *   initrd           a read-only copy of the initrd archive itself, zero
 *                    after its end (for the servers that read files)
 *   power            the power object: restarting and switching off
 * Numbers are decimal or 0x-hex.  The capabilities land in init's table
 * from handle 2 on, in manifest order. */
#ifndef KERNEL_MANIFEST_H
#define KERNEL_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_MAX_ENTRIES 64

enum manifest_kind {
    MANIFEST_IRQ,
    MANIFEST_IOPORT,
    MANIFEST_FRAMEBUFFER,
    MANIFEST_INITRD,
    MANIFEST_POWER,
};

struct manifest_entry {
    enum manifest_kind kind;
    uint32_t a, b;      /* irq: a = line; ioport: a = base, b = count */
    unsigned line;      /* where it was, for messages */
};

typedef void (*manifest_report_t)(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses the whole text; every line must be valid.  Returns E_OK with
 * *count entries, or E_INVAL after reporting the first bad line (and
 * then *count is 0). */
/* A decimal or 0x-hex number of `n` characters, at most `max` (also used
 * by init's configuration parser). */
bool manifest_number(const char *w, size_t n, uint32_t max, uint32_t *out);

int manifest_parse(const char *text, size_t len, struct manifest_entry *out, size_t max,
                   size_t *count, manifest_report_t report, void *ctx);

#endif
