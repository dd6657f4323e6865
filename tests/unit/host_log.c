/*
 * The kernel log for host unit tests: kernel code under test calls
 * log_write() as in the kernel; here the messages are kept in a buffer so
 * tests can check that a problem was reported and how.
 */
#include "unit.h"
#include <kernel/log.h>
#include <kernel/panic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char text[16384];
static size_t len;
static enum log_level level = LOG_DEBUG;

void log_set_level(enum log_level l) { level = l; }
enum log_level log_get_level(void) { return level; }

void log_vwrite(enum log_level l, const char *fmt, va_list ap)
{
    if (l > level)
        return;
    static const char *const prefix[] = { "error: ", "warning: ", "", "" };
    size_t room = sizeof(text) - len;
    int n = snprintf(text + len, room, "%s", prefix[l]);
    if (n > 0 && (size_t)n < room)
        len += (size_t)n;
    room = sizeof(text) - len;
    n = vsnprintf(text + len, room, fmt, ap);
    if (n > 0)
        len += (size_t)n < room ? (size_t)n : room - 1;
    if (len + 1 < sizeof(text))
        text[len++] = '\n';
    text[len] = '\0';
}

void log_write(enum log_level l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(l, fmt, ap);
    va_end(ap);
}

const char *host_log_text(void)
{
    return text;
}

void host_log_clear(void)
{
    len = 0;
    text[0] = '\0';
}

/* A kernel panic in code under test ends the test run, loudly: no test
 * provokes one on purpose. */
void panic_at(const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "PANIC: %s: ", func);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
