/* printf-style formatting into a character sink (kernel/lib/fmt.c).
 *
 * Supported: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ' '#',
 * width and precision (also '*'), length modifiers hh h l ll z t j.
 * No floating point: the kernel has none. */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink_t)(void *ctx, char c);

/* Returns the number of characters produced. */
int fmt_vformat(fmt_sink_t sink, void *ctx, const char *fmt, va_list ap);
int fmt_format(fmt_sink_t sink, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As C's snprintf: always NUL-terminates when size > 0 and returns the
 * length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
