/*
 * ustar.c: the POSIX ustar archive format, as packed by scripts/mkinitrd.sh
 * and loaded by GRUB as the initrd module.
 *
 * An archive is a run of 512-byte headers, each followed by its file's
 * contents padded to 512 bytes, and ends with two zero blocks.  The kernel
 * trusts none of it: validation walks every header and checks the magic,
 * the checksum, that numeric fields are proper octal, that paths are
 * relative and stay inside the archive's tree (no "." or ".." parts), that
 * only regular files and directories appear, and that each file's contents
 * lie inside the buffer.  Decoding (parse_header) is shared by validation
 * and iteration so the two can never disagree on what a header means.
 */
#include <kernel/ustar.h>
#include <kernel/string.h>

/* Field offsets and widths in a header block. */
#define F_NAME      0
#define F_NAME_LEN  100
#define F_MODE      100
#define F_UID       108
#define F_GID       116
#define F_SIZE      124
#define F_MTIME     136
#define F_CHKSUM    148
#define F_TYPE      156
#define F_MAGIC     257
#define F_VERSION   263
#define F_PREFIX    345
#define F_PREFIX_LEN 155

/* Parses an octal field: optional leading spaces, digits, then NUL or
 * space padding to the end.  Returns false for anything else, including
 * GNU's base-256 encoding, which our packer never writes. */
static bool parse_octal(const uint8_t *f, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    bool digits = false;
    while (i < len && f[i] == ' ')
        i++;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 61)
            return false;
        v = v * 8 + (uint64_t)(f[i] - '0');
        digits = true;
    }
    for (; i < len; i++)
        if (f[i] != '\0' && f[i] != ' ')
            return false;
    *out = v;
    return digits;
}

static bool is_zero_block(const uint8_t *b)
{
    for (size_t i = 0; i < USTAR_BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

/* Copies a fixed-width, possibly unterminated field. */
static size_t field_copy(char *dst, const uint8_t *f, size_t len)
{
    size_t n = strnlen((const char *)f, len);
    memcpy(dst, f, n);
    dst[n] = '\0';
    return n;
}

/* Each '/'-separated part must be non-empty (a trailing '/' is allowed),
 * printable, and neither "." nor "..". */
static const char *path_problem(const char *path, bool is_dir)
{
    if (!path[0])
        return "empty path";
    if (path[0] == '/')
        return "absolute path";
    const char *part = path;
    for (const char *p = path;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - part);
            if (n == 0 && !(*p == '\0' && is_dir))
                return "empty path component";
            if ((n == 1 && part[0] == '.') ||
                (n == 2 && part[0] == '.' && part[1] == '.'))
                return "'.' or '..' in path";
            if (!*p)
                return NULL;
            part = p + 1;
        } else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            return "control character in path";
        }
    }
}

struct header {
    struct ustar_entry entry;
    size_t next; /* offset of the following header */
};

/* Decodes the header at `off`; on failure returns the reason.  The
 * caller has checked that the block itself lies inside the archive. */
static const char *parse_header(const uint8_t *a, size_t size, size_t off,
                                struct header *h)
{
    const uint8_t *b = a + off;
    struct ustar_entry *e = &h->entry;

    e->path[0] = '\0';
    size_t n = 0;
    if (b[F_PREFIX]) {
        n = field_copy(e->path, b + F_PREFIX, F_PREFIX_LEN);
        e->path[n++] = '/';
    }
    field_copy(e->path + n, b + F_NAME, F_NAME_LEN);

    bool posix = memcmp(b + F_MAGIC, "ustar\0", 6) == 0 &&
                 memcmp(b + F_VERSION, "00", 2) == 0;
    bool gnu = memcmp(b + F_MAGIC, "ustar  \0", 8) == 0;
    if (!posix && !gnu)
        return "bad magic (not a ustar header)";

    uint64_t stored, sum = 0;
    if (!parse_octal(b + F_CHKSUM, 8, &stored))
        return "checksum field is not octal";
    for (size_t i = 0; i < USTAR_BLOCK; i++)
        sum += (i >= F_CHKSUM && i < F_CHKSUM + 8) ? ' ' : b[i];
    if (stored != sum)
        return "header checksum mismatch";

    uint64_t mode, uid, gid, mtime;
    if (!parse_octal(b + F_MODE, 8, &mode) || !parse_octal(b + F_UID, 8, &uid) ||
        !parse_octal(b + F_GID, 8, &gid) || !parse_octal(b + F_MTIME, 12, &mtime))
        return "mode, owner or time field is not octal";
    if (!parse_octal(b + F_SIZE, 12, &e->size))
        return "size field is not octal";
    e->mode = (uint32_t)(mode & 07777);

    char type = (char)b[F_TYPE];
    if (type == '\0' || type == USTAR_FILE)
        e->type = USTAR_FILE;
    else if (type == USTAR_DIR)
        e->type = USTAR_DIR;
    else
        return "unsupported entry type (only files and directories)";
    if (e->type == USTAR_DIR && e->size != 0)
        return "directory with contents";

    const char *problem = path_problem(e->path, e->type == USTAR_DIR);
    if (problem)
        return problem;

    size_t room = size - off - USTAR_BLOCK;
    if (e->size > room)
        return "contents run past the end of the archive";
    uint64_t padded = (e->size + USTAR_BLOCK - 1) & ~(uint64_t)(USTAR_BLOCK - 1);
    if (padded > room)
        return "contents' padding runs past the end of the archive";

    e->data = b + USTAR_BLOCK;
    e->header_offset = off;
    h->next = off + USTAR_BLOCK + (size_t)padded;
    return NULL;
}

int ustar_validate(const void *archive, size_t size, const char *name,
                   struct ustar_stats *stats, ustar_report_t report, void *ctx)
{
    const uint8_t *a = archive;
    struct ustar_stats st = { 0 };
    size_t off = 0;
    struct header h;
    const char *problem = NULL;

    for (;;) {
        h.entry.path[0] = '\0';
        if (size - off < USTAR_BLOCK) {
            problem = off == 0 && size == 0 ? "empty archive"
                                            : "truncated: no end-of-archive marker";
            break;
        }
        if (is_zero_block(a + off)) {
            if (size - off < 2 * USTAR_BLOCK || !is_zero_block(a + off + USTAR_BLOCK)) {
                problem = "incomplete end-of-archive marker";
                break;
            }
            st.end_offset = off + 2 * USTAR_BLOCK;
            if (stats)
                *stats = st;
            return 0;
        }
        problem = parse_header(a, size, off, &h);
        if (problem)
            break;
        if (h.entry.type == USTAR_DIR)
            st.dirs++;
        else
            st.files++;
        st.bytes += h.entry.size;
        off = h.next;
    }
    if (h.entry.path[0])
        report(ctx, "%s: corrupt archive at offset %#zx (entry '%s'): %s",
               name, off, h.entry.path, problem);
    else
        report(ctx, "%s: corrupt archive at offset %#zx: %s", name, off, problem);
    return -1;
}

bool ustar_next(const void *archive, size_t size, size_t *offset,
                struct ustar_entry *out)
{
    const uint8_t *a = archive;
    size_t off = *offset;
    if (size < USTAR_BLOCK || off > size - USTAR_BLOCK || is_zero_block(a + off))
        return false;
    struct header h;
    if (parse_header(a, size, off, &h))
        return false;
    *out = h.entry;
    *offset = h.next;
    return true;
}

bool ustar_find(const void *archive, size_t size, const char *path,
                struct ustar_entry *out)
{
    size_t off = 0;
    while (ustar_next(archive, size, &off, out))
        if (out->type == USTAR_FILE && strcmp(out->path, path) == 0)
            return true;
    return false;
}
