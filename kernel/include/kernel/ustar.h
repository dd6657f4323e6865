/* ustar archives, the initrd format (kernel/boot/ustar.c).
 *
 * ustar_validate() checks a whole archive before anything uses it: every
 * header (magic, checksum, numeric fields, names, types) and every size
 * against the end of the buffer.  Only a validated archive may be walked
 * with ustar_next() or searched with ustar_find(). */
#ifndef KERNEL_USTAR_H
#define KERNEL_USTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USTAR_BLOCK      512
#define USTAR_PATH_MAX   256  /* prefix (155) + '/' + name (100) + NUL */

enum ustar_type {
    USTAR_FILE = '0',
    USTAR_DIR  = '5',
};

struct ustar_entry {
    char path[USTAR_PATH_MAX];
    enum ustar_type type;
    uint32_t mode;
    uint64_t size;
    const uint8_t *data;
    size_t header_offset;
};

struct ustar_stats {
    size_t files;
    size_t dirs;
    uint64_t bytes;    /* file contents */
    size_t end_offset; /* offset just past the end-of-archive marker */
};

typedef void (*ustar_report_t)(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Returns 0 if the archive is valid (stats filled when non-NULL), or -1
 * after reporting the first defect as "<name>: corrupt archive at offset
 * <off> (entry '<path>'): <reason>". */
int ustar_validate(const void *archive, size_t size, const char *name,
                   struct ustar_stats *stats, ustar_report_t report, void *ctx);

/* Iteration over a validated archive: start with *offset = 0; returns
 * false at the end. */
bool ustar_next(const void *archive, size_t size, size_t *offset,
                struct ustar_entry *out);

/* Finds a regular file by path in a validated archive. */
bool ustar_find(const void *archive, size_t size, const char *path,
                struct ustar_entry *out);

#endif
