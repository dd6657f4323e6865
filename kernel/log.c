/*
 * log.c: the kernel log.  Each message is formatted once into a line
 * buffer, prefixed by its level when it is not plain information, appended
 * to a ring buffer (so that consoles started later, and later `dmesg`, see
 * the boot from its start) and written to every console.  A line too long
 * for the buffer is cut and marked with "...".  One lock covers the ring
 * and the consoles, so lines from different threads never interleave and
 * console drivers need no locks of their own.
 */
#include <kernel/console.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define LOG_LINE_MAX  512
#define LOG_RING_SIZE (32 * 1024)

static enum log_level current_level = LOG_INFO;
static spinlock_t log_lock = SPINLOCK_INIT;
static char ring[LOG_RING_SIZE];
static size_t ring_head;   /* next write position */
static size_t ring_filled; /* bytes held, up to LOG_RING_SIZE */

static const char *const level_names[] = {
    [LOG_ERROR] = "error", [LOG_WARN] = "warn",
    [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level log_get_level(void)
{
    return current_level;
}

bool log_level_parse(const char *name, enum log_level *out)
{
    for (int l = LOG_ERROR; l <= LOG_DEBUG; l++) {
        if (strcmp(name, level_names[l]) == 0) {
            *out = (enum log_level)l;
            return true;
        }
    }
    return false;
}

static void ring_append(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ring[ring_head] = s[i];
        ring_head = (ring_head + 1) % LOG_RING_SIZE;
    }
    ring_filled = ring_filled + n > LOG_RING_SIZE ? LOG_RING_SIZE : ring_filled + n;
}

void log_replay(void (*fn)(void *ctx, const char *s, size_t n), void *ctx)
{
    size_t start = (ring_head + LOG_RING_SIZE - ring_filled) % LOG_RING_SIZE;
    size_t first = LOG_RING_SIZE - start < ring_filled ? LOG_RING_SIZE - start
                                                       : ring_filled;
    fn(ctx, ring + start, first);
    fn(ctx, ring, ring_filled - first);
}

void log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
    if (level > current_level)
        return;
    char line[LOG_LINE_MAX];
    size_t n = 0;
    if (level == LOG_ERROR || level == LOG_WARN)
        n = (size_t)fmt_snprintf(line, sizeof(line), "%s: ",
                                 level == LOG_ERROR ? "error" : "warning");
    int body = fmt_vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    n += (size_t)body;
    if (n > sizeof(line) - 2) {
        n = sizeof(line) - 2;
        memcpy(line + n - 3, "...", 3);
    }
    line[n++] = '\n';
    spin_lock(&log_lock);
    ring_append(line, n);
    console_write(line, n);
    spin_unlock(&log_lock);
}

void log_write(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(level, fmt, ap);
    va_end(ap);
}
