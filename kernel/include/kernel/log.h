/* The kernel log (kernel/log.c): leveled messages, kept in a ring buffer
 * and written to every console.  Messages above the current level are
 * neither kept nor shown. */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN  = 1,
    LOG_INFO  = 2,
    LOG_DEBUG = 3,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error", "warn", "info" or "debug"; false if unknown. */
bool log_level_parse(const char *name, enum log_level *out);

void log_write(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vwrite(enum log_level level, const char *fmt, va_list ap);

/* Feeds the retained log, oldest first, to fn. */
void log_replay(void (*fn)(void *ctx, const char *s, size_t n), void *ctx);

/* Copies up to len bytes of the retained log from position *pos (see
 * <atom/sysinfo.h>: moved up if those bytes were dropped); returns the
 * count. */
size_t log_read(uint64_t *pos, char *out, size_t len);

#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)

#endif
