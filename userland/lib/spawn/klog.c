/* log_write() for the kernel sources compiled into this library
 * (elf.c, user_stack.c, ustar.c, manifest.c report through it): their
 * messages go to standard error, as do those of spawn_report(). */
#include <stdarg.h>
#include <stdio.h>

#include <kernel/log.h>

#include "spawn.h"

void log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
    (void)level;
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void log_write(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(level, fmt, ap);
    va_end(ap);
}

void spawn_report(void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs((const char *)ctx, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
