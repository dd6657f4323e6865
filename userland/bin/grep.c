/* grep [-cinqv] [-e] pattern [file...]: prints the lines of each file (or
 * standard input, for "-" or when there are none) that match a basic
 * regular expression; -v those that do not, -c only their count, -n with
 * line numbers, -q nothing (the status says), -i ignoring case.  With
 * several files each line or count is preceded by "name:".  Exit status:
 * 0 if a line was selected, 1 if none, 2 on an error.
 *
 * newlib's regcomp does not link in this port, so the matcher is here: a
 * subset of basic regular expressions with ".", "*" (after any one-
 * character item; at the very start it is a literal), "^" and "$" as
 * anchors at the ends of the pattern, bracket expressions ("[a-z]",
 * "[^0-9]", "[[:alpha:]]" and the other character classes) and "\" to
 * quote the next character.  Intervals, groups and back references are not
 * supported.  Each item is a set of bytes, so -i just adds the other case
 * to every set; matching backtracks, which is fine for lines and short
 * patterns. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char *progname = "grep";
static const char usage_text[] = "grep [-cinqv] [-e pattern | pattern] [file...]";

struct item {
    unsigned char set[32]; /* bit b: byte b matches */
    bool star;
};

static struct item *items;
static size_t item_count;
static bool anchor_start, anchor_end;
static bool ignore_case, invert, count_only, quiet, numbers;

static void set_add(struct item *it, unsigned c)
{
    it->set[c / 8] |= (unsigned char)(1u << (c % 8));
}

static bool set_has(const struct item *it, unsigned c)
{
    return it->set[c / 8] & (1u << (c % 8));
}

/* With -i, each letter in the set brings its other case. */
static void fold_case(struct item *it)
{
    if (!ignore_case)
        return;
    for (unsigned c = 0; c < 256; c++)
        if (set_has(it, c)) {
            set_add(it, (unsigned char)tolower((int)c));
            set_add(it, (unsigned char)toupper((int)c));
        }
}

static const struct {
    const char *name;
    int (*test)(int);
} classes[] = {
    { "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank }, { "cntrl", iscntrl },
    { "digit", isdigit }, { "graph", isgraph }, { "lower", islower }, { "print", isprint },
    { "punct", ispunct }, { "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
};

/* Parses the bracket expression after "[" at p into it; returns the
 * character after its "]", or NULL if it is malformed. */
static const char *parse_bracket(const char *p, struct item *it)
{
    bool negate = *p == '^';
    if (negate)
        p++;
    bool first = true;
    while (*p && (*p != ']' || first)) {
        first = false;
        if (p[0] == '[' && p[1] == ':') {
            const char *end = strstr(p + 2, ":]");
            if (!end)
                return NULL;
            size_t len = (size_t)(end - (p + 2));
            size_t k = 0;
            while (k < sizeof(classes) / sizeof(classes[0]) &&
                   !(strlen(classes[k].name) == len && strncmp(classes[k].name, p + 2, len) == 0))
                k++;
            if (k == sizeof(classes) / sizeof(classes[0]))
                return NULL;
            for (unsigned c = 0; c < 256; c++)
                if (classes[k].test((int)c))
                    set_add(it, c);
            p = end + 2;
            continue;
        }
        unsigned lo = (unsigned char)*p++, hi = lo;
        if (p[0] == '-' && p[1] && p[1] != ']') {
            hi = (unsigned char)p[1];
            p += 2;
            if (hi < lo)
                return NULL;
        }
        for (unsigned c = lo; c <= hi; c++)
            set_add(it, c);
    }
    if (*p != ']')
        return NULL;
    fold_case(it); /* before negating: [^a] must not match 'A' under -i */
    if (negate)
        for (int i = 0; i < 32; i++)
            it->set[i] = (unsigned char)~it->set[i];
    return p + 1;
}

static bool compile(const char *p)
{
    items = calloc(strlen(p) + 1, sizeof(*items));
    if (!items)
        return false;
    if (*p == '^') {
        anchor_start = true;
        p++;
    }
    while (*p) {
        if (*p == '$' && p[1] == '\0') {
            anchor_end = true;
            break;
        }
        if (*p == '*' && item_count > 0) {
            items[item_count - 1].star = true;
            p++;
            continue;
        }
        struct item *it = &items[item_count++];
        if (*p == '.') {
            memset(it->set, 0xff, sizeof(it->set));
            p++;
        } else if (*p == '[') {
            if (!(p = parse_bracket(p + 1, it))) {
                error_msg("bad bracket expression in the pattern");
                return false;
            }
        } else {
            if (*p == '\\' && p[1])
                p++;
            set_add(it, (unsigned char)*p++);
            fold_case(it);
        }
    }
    return true;
}

static bool match_here(size_t i, const unsigned char *s, const unsigned char *end)
{
    if (i == item_count)
        return !anchor_end || s == end;
    if (items[i].star) {
        const unsigned char *t = s;
        while (t < end && set_has(&items[i], *t))
            t++;
        for (;; t--) { /* the longest run first */
            if (match_here(i + 1, t, end))
                return true;
            if (t == s)
                return false;
        }
    }
    return s < end && set_has(&items[i], *s) && match_here(i + 1, s + 1, end);
}

static bool matches(const char *line, size_t len)
{
    const unsigned char *s = (const unsigned char *)line, *end = s + len;
    if (anchor_start)
        return match_here(0, s, end);
    for (;; s++) {
        if (match_here(0, s, end))
            return true;
        if (s == end)
            return false;
    }
}

/* Reads a line, its newline included, into *line (grown as needed);
 * returns its length, or -1 at the end.  (newlib 3.3 does not declare
 * getline.) */
static ssize_t read_line(char **line, size_t *cap, FILE *f)
{
    size_t len = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        if (len + 2 > *cap) {
            size_t bigger = *cap ? *cap * 2 : 256;
            char *p = realloc(*line, bigger);
            if (!p) {
                error_msg("out of memory");
                exit(2);
            }
            *line = p;
            *cap = bigger;
        }
        (*line)[len++] = (char)c;
        if (c == '\n')
            break;
    }
    if (len == 0)
        return -1;
    (*line)[len] = '\0';
    return (ssize_t)len;
}

/* Returns the number of lines selected, or -1 after a read error. */
static long long grep(FILE *f, const char *name, const char *prefix)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long long selected = 0, number = 0;
    while ((len = read_line(&line, &cap, f)) >= 0) {
        number++;
        size_t body = (size_t)len;
        if (body > 0 && line[body - 1] == '\n')
            body--;
        if (matches(line, body) == invert)
            continue;
        selected++;
        if (quiet)
            break;
        if (count_only)
            continue;
        if (prefix)
            printf("%s:", prefix);
        if (numbers)
            printf("%lld:", number);
        fwrite(line, 1, body, stdout);
        putchar('\n');
    }
    free(line);
    if (ferror(f)) {
        error_errno(name);
        return -1;
    }
    if (count_only && !quiet) {
        if (prefix)
            printf("%s:", prefix);
        printf("%lld\n", selected);
    }
    return selected;
}

int main(int argc, char **argv)
{
    const char *pattern = NULL;
    int opt;
    while ((opt = next_option(argc, argv, "ce:inqv", usage_text)) != -1) {
        switch (opt) {
        case 'c': count_only = true; break;
        case 'e': pattern = option_arg; break;
        case 'i': ignore_case = true; break;
        case 'n': numbers = true; break;
        case 'q': quiet = true; break;
        case 'v': invert = true; break;
        }
    }
    int i = option_index;
    if (!pattern) {
        if (i == argc)
            usage(usage_text);
        pattern = argv[i++];
    }
    if (!compile(pattern))
        return 2;
    bool error = false, found = false;
    bool several = argc - i > 1;
    if (i == argc) {
        long long r = grep(stdin, "stdin", NULL);
        return r > 0 ? 0 : r == 0 ? 1 : 2;
    }
    for (; i < argc && !(quiet && found); i++) {
        bool is_stdin = strcmp(argv[i], "-") == 0;
        FILE *f = is_stdin ? stdin : fopen(argv[i], "r");
        if (!f) {
            error_errno(argv[i]);
            error = true;
            continue;
        }
        const char *shown = is_stdin ? "(standard input)" : argv[i];
        long long r = grep(f, argv[i], several ? shown : NULL);
        if (r < 0)
            error = true;
        else if (r > 0)
            found = true;
        if (!is_stdin)
            fclose(f);
    }
    if (quiet && found)
        return 0;
    return error ? 2 : found ? 0 : 1;
}
