/*
 * log_ring.c: the ring buffer under the kernel log (and `dmesg`).
 *
 * Positions are 64-bit byte counts that never wrap in practice, so a
 * reader can page through with a cursor and see how much it missed.
 * Byte p lives at buf[p % size].  Before new bytes overwrite old ones the
 * tail is moved to the first line start at or after the lowest position
 * that still fits, looking at the old bytes (still intact) and then the
 * new ones; so readers never see half a line at the front.
 */
#include <kernel/log_ring.h>
#include <kernel/string.h>

void log_ring_init(struct log_ring *r, char *buf, size_t size)
{
    r->buf = buf;
    r->size = size;
    r->head = 0;
    r->tail = 0;
}

/* The byte before position p, which lies in the ring or in s. */
static char byte_before(const struct log_ring *r, uint64_t p, const char *s)
{
    return p - 1 < r->head ? r->buf[(p - 1) % r->size] : s[p - 1 - r->head];
}

void log_ring_append(struct log_ring *r, const char *s, size_t n)
{
    if (n == 0 || r->size == 0)
        return;
    uint64_t end = r->head + n;
    if (end - r->tail > r->size) {
        uint64_t lowest = end - r->size, p = lowest;
        while (p < end && p > 0 && byte_before(r, p, s) != '\n')
            p++;
        r->tail = p < end ? p : lowest; /* one line longer than the ring: cut */
    }
    /* Only the last `size` bytes of s can be kept. */
    if (n > r->size) {
        r->head += n - r->size;
        s += n - r->size;
        n = r->size;
    }
    size_t at = (size_t)(r->head % r->size);
    size_t first = r->size - at < n ? r->size - at : n;
    memcpy(r->buf + at, s, first);
    memcpy(r->buf, s + first, n - first);
    r->head += n;
}

size_t log_ring_read(const struct log_ring *r, uint64_t *pos, char *out, size_t len)
{
    if (*pos < r->tail)
        *pos = r->tail;
    if (*pos >= r->head)
        return 0;
    uint64_t avail = r->head - *pos;
    size_t n = avail < len ? (size_t)avail : len;
    size_t at = (size_t)(*pos % r->size);
    size_t first = r->size - at < n ? r->size - at : n;
    memcpy(out, r->buf + at, first);
    memcpy(out + first, r->buf, n - first);
    return n;
}
