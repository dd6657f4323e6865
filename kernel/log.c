/*
 * log.c: the kernel log.  Each message is formatted once into a line
 * buffer, prefixed by its level when it is not plain information, appended
 * to a ring buffer (so that consoles started later, and later `dmesg`, see
 * the boot from its start; kernel/lib/log_ring.c) and written to every
 * console.  A line too long
 * for the buffer is cut and marked with "...".  One lock covers the ring
 * and the consoles, so lines from different threads never interleave and
 * console drivers need no locks of their own.
 */
#include <atom/sysinfo.h>
#include <kernel/console.h>
#include <kernel/fmt.h>
#include <kernel/log.h>
#include <kernel/log_ring.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define LOG_LINE_MAX  512
#define LOG_RING_SIZE ATOM_LOG_SIZE

static enum log_level current_level = LOG_INFO;
static spinlock_t log_lock = SPINLOCK_INIT;
static char ring_buf[LOG_RING_SIZE];
static struct log_ring ring = { ring_buf, LOG_RING_SIZE, 0, 0 };

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

void log_replay(void (*fn)(void *ctx, const char *s, size_t n), void *ctx)
{
    char chunk[256];
    uint64_t pos = 0;
    size_t n;
    while ((n = log_ring_read(&ring, &pos, chunk, sizeof(chunk))) > 0) {
        fn(ctx, chunk, n);
        pos += n;
    }
}

size_t log_read(uint64_t *pos, char *out, size_t len)
{
    spin_lock(&log_lock);
    size_t n = log_ring_read(&ring, pos, out, len);
    spin_unlock(&log_lock);
    return n;
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
    log_ring_append(&ring, line, n);
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
