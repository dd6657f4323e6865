/* The kernel log's ring buffer (kernel/lib/log_ring.c), pure so the host
 * tests build it.  Bytes are named by their position in the stream of
 * everything ever appended (0 at boot); the ring holds [tail, head).  The
 * tail always sits at the start of a line: when room is needed, whole
 * lines are dropped from the front (only a single line longer than the
 * ring is cut).  No locking: the caller holds its lock. */
#ifndef KERNEL_LOG_RING_H
#define KERNEL_LOG_RING_H

#include <stddef.h>
#include <stdint.h>

struct log_ring {
    char *buf;
    size_t size;
    uint64_t head;  /* position of the next byte appended */
    uint64_t tail;  /* position of the oldest byte held */
};

void log_ring_init(struct log_ring *r, char *buf, size_t size);
void log_ring_append(struct log_ring *r, const char *s, size_t n);
/* Copies up to len bytes from position *pos (moved up to the tail if the
 * bytes there were dropped; past the head nothing is copied) into out;
 * returns the count. */
size_t log_ring_read(const struct log_ring *r, uint64_t *pos, char *out, size_t len);

#endif
