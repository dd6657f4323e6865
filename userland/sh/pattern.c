/*
 * pattern.c: pattern matching and globbing (pattern.h).
 *
 * Matching backtracks only to the last '*', which is enough for shell
 * patterns (a later '*' can absorb whatever an earlier one would) and
 * keeps it linear in practice.  Globbing walks the pattern one path
 * component at a time: literal components are appended as they are,
 * magic ones are matched against the directory's entries.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pattern.h"

/* A bracket expression at p (just after '['): whether c is in it, with
 * *end set after the ']'.  False with *end NULL when there is no ']'
 * (the '[' is then an ordinary character). */
static bool bracket_match(const char *p, char c, const char **end)
{
    bool negate = *p == '!' || *p == '^';
    if (negate)
        p++;
    bool found = false;
    bool first = true;
    while (*p && (first || *p != ']')) {
        first = false;
        char lo = *p;
        if (lo == '\\' && p[1])
            lo = *++p;
        p++;
        char hi = lo;
        if (*p == '-' && p[1] && p[1] != ']') {
            hi = *++p;
            if (hi == '\\' && p[1])
                hi = *++p;
            p++;
        }
        if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
            found = true;
    }
    if (*p != ']') {
        *end = NULL;
        return false;
    }
    *end = p + 1;
    return found != negate;
}

bool pattern_match(const char *p, const char *s)
{
    const char *star_p = NULL, *star_s = NULL;
    for (;;) {
        if (*p == '*') {
            while (*p == '*')
                p++;
            star_p = p;
            star_s = s;
            continue;
        }
        if (!*s) {
            if (!*p)
                return true;
        } else if (*p == '?') {
            p++;
            s++;
            continue;
        } else if (*p == '[') {
            const char *end;
            bool in = bracket_match(p + 1, *s, &end);
            if (!end && *s == '[') {
                p++;
                s++;
                continue;
            }
            if (end && in) {
                p = end;
                s++;
                continue;
            }
        } else if (*p == '\\' && p[1]) {
            if (p[1] == *s) {
                p += 2;
                s++;
                continue;
            }
        } else if (*p && *p == *s) {
            p++;
            s++;
            continue;
        }
        /* Mismatch: let the last '*' take one more character. */
        if (!star_p || !*star_s)
            return false;
        p = star_p;
        s = ++star_s;
    }
}

bool pattern_has_magic(const char *p)
{
    for (; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (*p == '*' || *p == '?')
            return true;
        else if (*p == '[') {
            const char *end;
            bracket_match(p + 1, '\0', &end);
            if (end)
                return true;
        }
    }
    return false;
}

static char *unescape(const char *p, size_t n)
{
    char *s = xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n)
            i++;
        s[j++] = p[i];
    }
    s[j] = '\0';
    return s;
}

/* Matches the components of rest under the directory path prefix ("" for
 * the current directory), adding complete matches to out. */
static void glob_from(const char *prefix, const char *rest, struct strvec *out)
{
    size_t n = strcspn(rest, "/");
    char *component = xstrndup(rest, n);
    const char *next = rest[n] ? rest + n + 1 : NULL;
    struct strbuf path = { 0 };
    if (!pattern_has_magic(component)) {
        char *lit = unescape(component, n);
        strbuf_puts(&path, prefix);
        strbuf_puts(&path, lit);
        free(lit);
        if (next) {
            strbuf_putc(&path, '/');
            glob_from(strbuf_str(&path), next, out);
        } else {
            struct stat st;
            if (stat(strbuf_str(&path), &st) == 0)
                strvec_push(out, strbuf_take(&path));
        }
        strbuf_free(&path);
        free(component);
        return;
    }
    DIR *d = opendir(*prefix ? prefix : ".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && component[0] != '.')
            continue;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!pattern_match(component, e->d_name))
            continue;
        path.len = 0;
        strbuf_puts(&path, prefix);
        strbuf_puts(&path, e->d_name);
        if (next) {
            strbuf_putc(&path, '/');
            if (*next)
                glob_from(strbuf_str(&path), next, out);
            else {
                struct stat st;   /* a trailing slash: directories only */
                if (stat(strbuf_str(&path), &st) == 0 && S_ISDIR(st.st_mode))
                    strvec_push_copy(out, strbuf_str(&path));
            }
        } else {
            strvec_push_copy(out, strbuf_str(&path));
        }
    }
    if (d)
        closedir(d);
    strbuf_free(&path);
    free(component);
}

size_t pattern_glob(const char *pattern, struct strvec *out)
{
    struct strvec found = { 0 };
    if (pattern[0] == '/')
        glob_from("/", pattern + 1, &found);
    else
        glob_from("", pattern, &found);
    strvec_sort(&found);
    size_t n = found.count;
    for (size_t i = 0; i < n; i++)
        strvec_push(out, found.items[i]);
    free(found.items);
    return n;
}
