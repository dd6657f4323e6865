/*
 * manifest.c: the parser of the boot manifest (format in
 * <kernel/manifest.h>).  Pure code, tested on the host: it reads the text
 * line by line without copying it, checks every field and range, and
 * accepts the whole manifest or none of it, so a damaged file can never
 * hand out half a set of devices.  Applying it (making the capabilities)
 * is main.c's part.
 */
#include <kernel/error.h>
#include <kernel/manifest.h>
#include <kernel/string.h>
#include <stdbool.h>

#define ISA_IRQS   16
#define PORT_SPACE 0x10000u

struct cursor {
    const char *p, *end;
};

static void skip_blanks(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

/* The next word of the line, or length 0 at its end (or a comment). */
static size_t word(struct cursor *c, const char **start)
{
    skip_blanks(c);
    *start = c->p;
    if (c->p < c->end && *c->p == '#')
        return 0;
    while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
        c->p++;
    return (size_t)(c->p - *start);
}

static bool word_is(const char *w, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(w, s, n) == 0;
}

bool manifest_number(const char *w, size_t n, uint32_t max, uint32_t *out)
{
    unsigned base = 10;
    if (n > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        w += 2;
        n -= 2;
    }
    if (n == 0 || n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d;
        char ch = w[i];
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if (base == 16 && ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else if (base == 16 && ch >= 'A' && ch <= 'F')
            d = (unsigned)(ch - 'A' + 10);
        else
            return false;
        v = v * base + d;
    }
    if (v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* One line into *e; NULL if it holds an entry, "" if it is blank, or
 * the reason it is wrong. */
static const char *parse_line(struct cursor *c, struct manifest_entry *e)
{
    const char *w;
    size_t n = word(c, &w);
    if (n == 0)
        return "";
    const char *a, *b, *extra;
    size_t na, nb;
    if (word_is(w, n, "irq")) {
        na = word(c, &a);
        e->kind = MANIFEST_IRQ;
        if (!na || !manifest_number(a, na, ISA_IRQS - 1, &e->a))
            return "irq needs a line number from 0 to 15";
    } else if (word_is(w, n, "ioport")) {
        na = word(c, &a);
        nb = word(c, &b);
        e->kind = MANIFEST_IOPORT;
        if (!na || !nb || !manifest_number(a, na, PORT_SPACE - 1, &e->a) ||
            !manifest_number(b, nb, PORT_SPACE, &e->b))
            return "ioport needs a base and a count";
        if (e->b == 0 || e->a + e->b > PORT_SPACE)
            return "ioport range is empty or runs past port 0xffff";
    } else if (word_is(w, n, "framebuffer")) {
        e->kind = MANIFEST_FRAMEBUFFER;
    } else if (word_is(w, n, "initrd")) {
        e->kind = MANIFEST_INITRD;
    } else if (word_is(w, n, "power")) {
        e->kind = MANIFEST_POWER;
    } else {
        return "unknown entry (irq, ioport, framebuffer, initrd, power)";
    }
    if (word(c, &extra))
        return "unexpected text after the entry";
    return NULL;
}

int manifest_parse(const char *text, size_t len, struct manifest_entry *out, size_t max,
                   size_t *count, manifest_report_t report, void *ctx)
{
    *count = 0;
    const char *end = text + len;
    unsigned line = 0;
    size_t n = 0;
    for (const char *p = text; p < end;) {
        const char *eol = p;
        while (eol < end && *eol != '\n')
            eol++;
        line++;
        struct cursor c = { p, eol };
        struct manifest_entry e = { 0, 0, 0, line };
        for (const char *q = p; q < eol; q++) {
            if ((unsigned char)*q < 0x20 && *q != '\t' && *q != '\r') {
                report(ctx, "line %u: control character", line);
                return E_INVAL;
            }
        }
        if (c.end > c.p && c.end[-1] == '\r')
            c.end--;
        const char *why = parse_line(&c, &e);
        if (why && *why) {
            report(ctx, "line %u: %s", line, why);
            return E_INVAL;
        }
        if (!why) {
            if (n == max) {
                report(ctx, "line %u: more than %zu entries", line, max);
                return E_INVAL;
            }
            out[n++] = e;
        }
        p = eol + 1;
    }
    *count = n;
    return E_OK;
}
