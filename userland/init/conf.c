/*
 * conf.c: the parser of init.conf (format in conf.h).
 *
 * Each line is split into words and decoded into a struct conf_entry on
 * the side; the entry is kept only when the whole line is valid, so a
 * mistake never starts a program with half of what it was meant to get.
 */
#include <stdbool.h>
#include <string.h>

#include <kernel/manifest.h>

#include <atom/console.h>

#include "conf.h"

#define LINE_MAX_WORDS 48

struct words {
    const char *w[LINE_MAX_WORDS];
    size_t len[LINE_MAX_WORDS];
    size_t count;
};

/* Splits one line at blanks, stopping at '#'.  False if it has too many
 * words. */
static bool split(const char *p, const char *end, struct words *out)
{
    out->count = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        if (p == end || *p == '#')
            break;
        if (out->count == LINE_MAX_WORDS)
            return false;
        const char *start = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#')
            p++;
        out->w[out->count] = start;
        out->len[out->count++] = (size_t)(p - start);
    }
    return true;
}

static bool is(const char *w, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(w, s, n) == 0;
}

static bool valid_name(const char *w, size_t n)
{
    if (n == 0 || n >= CONF_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '_' ||
              w[i] == '-'))
            return false;
    return true;
}

static const char *decode_cap(const char *w, size_t n, struct conf_cap *c)
{
    if (is(w, n, "framebuffer")) {
        c->kind = CONF_CAP_FRAMEBUFFER;
        c->value = 0;
    } else if (is(w, n, "initrd")) {
        c->kind = CONF_CAP_INITRD;
        c->value = 0;
    } else if (is(w, n, "vfs-server")) {
        c->kind = CONF_CAP_VFS_SERVER;
        c->value = 0;
    } else if (is(w, n, "console-server")) {
        c->kind = CONF_CAP_CONSOLE_SERVER;
        c->value = 0;
    } else if (n > 8 && memcmp(w, "console:", 8) == 0) {
        static const char *const roles[] = {
            [CONSOLE_ROLE_KEYBOARD] = "keyboard",
            [CONSOLE_ROLE_DISPLAY] = "display",
            [CONSOLE_ROLE_SERIAL] = "serial",
        };
        c->kind = CONF_CAP_CONSOLE;
        c->value = 0;
        for (uint32_t r = 1; r < sizeof(roles) / sizeof(roles[0]); r++)
            if (is(w + 8, n - 8, roles[r]))
                c->value = r;
        if (!c->value)
            return "console:ROLE needs keyboard, display or serial";
    } else if (n > 4 && memcmp(w, "irq:", 4) == 0) {
        c->kind = CONF_CAP_IRQ;
        if (!manifest_number(w + 4, n - 4, 15, &c->value))
            return "irq:N needs a line from 0 to 15";
    } else if (n > 7 && memcmp(w, "ioport:", 7) == 0) {
        c->kind = CONF_CAP_IOPORT;
        if (!manifest_number(w + 7, n - 7, 0xffff, &c->value))
            return "ioport:BASE needs a port from 0 to 0xffff";
    } else {
        return "unknown capability (irq:N, ioport:BASE, framebuffer, initrd, vfs-server, "
               "console-server, console:ROLE)";
    }
    return NULL;
}

static const char *decode(const struct words *ws, struct conf_entry *e, const struct conf_entry *seen,
                          size_t seen_count)
{
    if (is(ws->w[0], ws->len[0], "service"))
        e->kind = CONF_SERVICE;
    else if (is(ws->w[0], ws->len[0], "once"))
        e->kind = CONF_ONCE;
    else if (is(ws->w[0], ws->len[0], "test"))
        e->kind = CONF_TEST;
    else
        return "unknown entry (service, once, test)";
    if (ws->count < 3)
        return "needs a name and a program";
    if (!valid_name(ws->w[1], ws->len[1]))
        return "the name must be 1-31 of a-z, 0-9, '_' and '-'";
    memcpy(e->name, ws->w[1], ws->len[1]);
    e->name[ws->len[1]] = '\0';
    for (size_t i = 0; i < seen_count; i++)
        if (strcmp(seen[i].name, e->name) == 0)
            return "the name is already taken";
    if (ws->w[2][0] != '/' || ws->len[2] >= CONF_PATH_MAX)
        return "the program must be an absolute path shorter than 128 bytes";
    memcpy(e->program, ws->w[2], ws->len[2]);
    e->program[ws->len[2]] = '\0';

    size_t i = 3;
    for (; i < ws->count && !is(ws->w[i], ws->len[i], "--"); i++) {
        if (e->cap_count == CONF_MAX_CAPS)
            return "too many capabilities (at most 8)";
        const char *why = decode_cap(ws->w[i], ws->len[i], &e->caps[e->cap_count++]);
        if (why)
            return why;
    }
    size_t used = 0;
    for (i++; i < ws->count; i++) {
        if (e->arg_count == CONF_MAX_ARGS || ws->len[i] + 1 > CONF_ARGS_BYTES - used)
            return "too many arguments (at most 16, 255 bytes)";
        memcpy(e->arg_text + used, ws->w[i], ws->len[i]);
        e->arg_text[used + ws->len[i]] = '\0';
        e->args[e->arg_count++] = e->arg_text + used;
        used += ws->len[i] + 1;
    }
    return NULL;
}

size_t conf_parse(const char *text, size_t len, struct conf_entry *out, size_t max,
                  conf_report_t report, void *ctx)
{
    size_t count = 0;
    unsigned line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        struct words ws;
        const char *why = NULL;
        struct conf_entry e;
        memset(&e, 0, sizeof(e));
        e.line = line;
        if (memchr(p, '\0', (size_t)(eol - p)))
            why = "a NUL byte in the line";
        else if (!split(p, eol, &ws))
            why = "too many words";
        else if (ws.count == 0)
            why = NULL;
        else if ((why = decode(&ws, &e, out, count)) == NULL && count == max)
            why = "too many entries";
        if (why) {
            if (report)
                report(ctx, line, why);
        } else if (ws.count > 0) {
            out[count] = e;
            /* args point into the entry's own text */
            for (size_t i = 0; i < e.arg_count; i++)
                out[count].args[i] = out[count].arg_text + (e.args[i] - e.arg_text);
            count++;
        }
        p = eol + 1;
    }
    return count;
}
