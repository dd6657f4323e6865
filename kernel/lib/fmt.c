/*
 * fmt.c: the one printf engine of the kernel.  Output goes character by
 * character to a sink callback, so the same code serves the log, panics and
 * fmt_snprintf into a buffer.  It never allocates and never reads past a
 * string's precision, so "%.*s" is safe on unterminated buffers.
 */
#include <kernel/fmt.h>
#include <stdbool.h>
#include <stdint.h>

enum {
    FLAG_LEFT  = 1 << 0,
    FLAG_ZERO  = 1 << 1,
    FLAG_PLUS  = 1 << 2,
    FLAG_SPACE = 1 << 3,
    FLAG_ALT   = 1 << 4,
};

struct fmt_out {
    fmt_sink_t sink;
    void *ctx;
    int count;
};

static void out_char(struct fmt_out *o, char c)
{
    o->sink(o->ctx, c);
    o->count++;
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

/* One integer conversion: digits, then sign/prefix, precision zeros and
 * width padding in the order C specifies. */
static void out_number(struct fmt_out *o, uintmax_t value, bool negative,
                       unsigned base, bool upper, int flags, int width,
                       int precision)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[32];
    int len = 0;
    bool nonzero = value != 0;

    if (!(value == 0 && precision == 0)) {
        do {
            buf[len++] = digits[value % base];
            value /= base;
        } while (value);
    }

    const char *prefix = "";
    if (negative)
        prefix = "-";
    else if (flags & FLAG_PLUS)
        prefix = "+";
    else if (flags & FLAG_SPACE)
        prefix = " ";
    if ((flags & FLAG_ALT) && base == 16 && nonzero)
        prefix = upper ? "0X" : "0x";
    if ((flags & FLAG_ALT) && base == 8 && (len == 0 || buf[len - 1] != '0'))
        buf[len++] = '0';

    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int zeros = precision > len ? precision - len : 0;
    if ((flags & FLAG_ZERO) && !(flags & FLAG_LEFT) && precision < 0) {
        int fill = width - prefix_len - len;
        zeros = fill > zeros ? fill : zeros;
    }
    int total = prefix_len + zeros + len;

    if (!(flags & FLAG_LEFT))
        out_repeat(o, ' ', width - total);
    for (int i = 0; i < prefix_len; i++)
        out_char(o, prefix[i]);
    out_repeat(o, '0', zeros);
    while (len)
        out_char(o, buf[--len]);
    if (flags & FLAG_LEFT)
        out_repeat(o, ' ', width - total);
}

static void out_string(struct fmt_out *o, const char *s, int flags, int width,
                       int precision)
{
    if (!s)
        s = "(null)";
    int len = 0;
    while ((precision < 0 || len < precision) && s[len])
        len++;
    if (!(flags & FLAG_LEFT))
        out_repeat(o, ' ', width - len);
    for (int i = 0; i < len; i++)
        out_char(o, s[i]);
    if (flags & FLAG_LEFT)
        out_repeat(o, ' ', width - len);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE,
              LEN_PTRDIFF, LEN_MAX };

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR:    return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT:   return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:    return va_arg(*ap, unsigned long);
    case LEN_LLONG:   return va_arg(*ap, unsigned long long);
    case LEN_SIZE:    return va_arg(*ap, size_t);
    case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
    case LEN_MAX:     return va_arg(*ap, uintmax_t);
    default:          return va_arg(*ap, unsigned int);
    }
}

static intmax_t arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR:    return (signed char)va_arg(*ap, int);
    case LEN_SHORT:   return (short)va_arg(*ap, int);
    case LEN_LONG:    return va_arg(*ap, long);
    case LEN_LLONG:   return va_arg(*ap, long long);
    case LEN_SIZE:    return (intmax_t)va_arg(*ap, size_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    case LEN_MAX:     return va_arg(*ap, intmax_t);
    default:          return va_arg(*ap, int);
    }
}

int fmt_vformat(fmt_sink_t sink, void *ctx, const char *fmt, va_list ap_in)
{
    struct fmt_out o = { sink, ctx, 0 };
    va_list ap;
    va_copy(ap, ap_in);

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out_char(&o, *p);
            continue;
        }
        const char *spec_start = p++;

        int flags = 0;
        for (;; p++) {
            if (*p == '-') flags |= FLAG_LEFT;
            else if (*p == '0') flags |= FLAG_ZERO;
            else if (*p == '+') flags |= FLAG_PLUS;
            else if (*p == ' ') flags |= FLAG_SPACE;
            else if (*p == '#') flags |= FLAG_ALT;
            else break;
        }

        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= FLAG_LEFT;
                width = width < -100000 ? 0 : -width; /* no overflow on INT_MIN */
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9' && width < 100000)
                width = width * 10 + (*p++ - '0');
        }

        int precision = -1;
        if (*p == '.') {
            p++;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(ap, int);
                if (precision < 0)
                    precision = -1;
                p++;
            } else {
                while (*p >= '0' && *p <= '9' && precision < 100000)
                    precision = precision * 10 + (*p++ - '0');
            }
        }

        enum length len = LEN_INT;
        if (*p == 'h') {
            len = LEN_SHORT;
            if (*++p == 'h') { len = LEN_CHAR; p++; }
        } else if (*p == 'l') {
            len = LEN_LONG;
            if (*++p == 'l') { len = LEN_LLONG; p++; }
        } else if (*p == 'z') { len = LEN_SIZE; p++; }
        else if (*p == 't') { len = LEN_PTRDIFF; p++; }
        else if (*p == 'j') { len = LEN_MAX; p++; }

        switch (*p) {
        case 'd':
        case 'i': {
            intmax_t v = arg_signed(&ap, len);
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            out_number(&o, mag, v < 0, 10, false, flags, width, precision);
            break;
        }
        case 'u':
            out_number(&o, arg_unsigned(&ap, len), false, 10, false,
                       flags & ~(FLAG_PLUS | FLAG_SPACE), width, precision);
            break;
        case 'x':
        case 'X':
            out_number(&o, arg_unsigned(&ap, len), false, 16, *p == 'X',
                       flags & ~(FLAG_PLUS | FLAG_SPACE), width, precision);
            break;
        case 'o':
            out_number(&o, arg_unsigned(&ap, len), false, 8, false,
                       flags & ~(FLAG_PLUS | FLAG_SPACE), width, precision);
            break;
        case 'p':
            out_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false,
                       FLAG_ALT, width, precision);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(flags & FLAG_LEFT))
                out_repeat(&o, ' ', width - 1);
            out_char(&o, c);
            if (flags & FLAG_LEFT)
                out_repeat(&o, ' ', width - 1);
            break;
        }
        case 's':
            out_string(&o, va_arg(ap, const char *), flags, width, precision);
            break;
        case '%':
            out_char(&o, '%');
            break;
        default:
            /* Unknown conversion: print it as written, consume nothing. */
            for (const char *q = spec_start; q <= p && *q; q++)
                out_char(&o, *q);
            if (!*p)
                p--;
            break;
        }
    }
    va_end(ap);
    return o.count;
}

int fmt_format(fmt_sink_t sink, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(sink, ctx, fmt, ap);
    va_end(ap);
    return n;
}

struct buf_sink {
    char *buf;
    size_t size;
    size_t pos;
};

static void buf_put(void *ctx, char c)
{
    struct buf_sink *b = ctx;
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_sink b = { buf, size, 0 };
    int n = fmt_vformat(buf_put, &b, fmt, ap);
    if (size)
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
