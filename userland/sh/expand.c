/*
 * expand.c: word expansion (expand.h).
 *
 * One pass over the raw word builds the current field twice: as plain
 * text, and as a pattern in which every quoted character is escaped with
 * a backslash.  Unquoted parameter results are split at IFS characters as
 * they are added, which ends the current field and starts the next;
 * when the word is done, a field with an unquoted * ? or [ is globbed
 * through its pattern, and otherwise its text is the result.  A field
 * exists if anything was added to it or it had quotes ("" is one empty
 * field, an unquoted empty $x is none).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "parse.h"
#include "pattern.h"

struct expander {
    struct shell *sh;
    bool split;              /* field splitting and globbing */
    struct strvec *out;
    struct strbuf text, pat;
    bool present;            /* the current field exists */
    bool magic;              /* it has an unquoted * ? or [ */
    bool at_empty;           /* just expanded "$@" with no parameters */
    bool failed;
};

static void put_char(struct expander *e, char c, bool quoted)
{
    strbuf_putc(&e->text, c);
    if (c == '\\' || (quoted && (c == '*' || c == '?' || c == '[')))
        strbuf_putc(&e->pat, '\\');
    strbuf_putc(&e->pat, c);
    if (!quoted && (c == '*' || c == '?' || c == '['))
        e->magic = true;
    e->present = true;
}

static void end_field(struct expander *e)
{
    if (e->present) {
        if (!(e->split && e->magic && pattern_has_magic(strbuf_str(&e->pat)) &&
              pattern_glob(strbuf_str(&e->pat), e->out) > 0))
            strvec_push_copy(e->out, strbuf_str(&e->text));
    }
    strbuf_clear(&e->text);
    strbuf_clear(&e->pat);
    e->present = e->magic = false;
}

static const char *ifs(struct expander *e)
{
    const char *s = vars_get(&e->sh->vars, "IFS");
    return s ? s : " \t\n";
}

/* A parameter's value into the field; unquoted (and splitting), each run
 * of IFS characters ends a field. */
static void put_value(struct expander *e, const char *value, bool quoted)
{
    if (quoted || !e->split) {
        for (; *value; value++)
            put_char(e, *value, true);
        return;
    }
    const char *sep = ifs(e);
    for (; *value; value++) {
        if (strchr(sep, *value))
            end_field(e);
        else
            put_char(e, *value, false);
    }
}

static void fail(struct expander *e, const char *what, size_t len, const char *why)
{
    if (!e->failed)
        fprintf(stderr, "sh: %.*s: %s\n", (int)len, what, why);
    e->failed = true;
}

/* The value of a parameter other than @ and *, or NULL when unset; tmp
 * holds numbers. */
static const char *param_value(struct expander *e, const char *name, size_t len,
                               struct strbuf *tmp)
{
    struct shell *sh = e->sh;
    char num[24];
    if (len == 1 && strchr("?$!#", name[0])) {
        long v = name[0] == '?' ? sh->status : name[0] == '$' ? sh->pid
               : name[0] == '!' ? sh->last_background : (long)sh->params.count;
        if (name[0] == '!' && v == 0)
            return NULL;
        snprintf(num, sizeof(num), "%ld", v);
        strbuf_clear(tmp);
        strbuf_puts(tmp, num);
        return strbuf_str(tmp);
    }
    if (isdigit((unsigned char)name[0])) {
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
            n = n * 10 + (size_t)(name[i] - '0');
        if (n == 0)
            return sh->name ? sh->name : "sh";
        return n <= sh->params.count ? sh->params.items[n - 1] : NULL;
    }
    char *key = xstrndup(name, len);
    const char *v = vars_get(&sh->vars, key);
    free(key);
    return v;
}

/* $@ and $*. */
static void put_params(struct expander *e, char which, bool quoted)
{
    struct strvec *p = &e->sh->params;
    if (quoted && which == '@' && e->split) {
        if (p->count == 0)
            e->at_empty = true;
        for (size_t k = 0; k < p->count; k++) {
            if (k > 0)
                end_field(e);
            e->present = true;
            put_value(e, p->items[k], true);
        }
        return;
    }
    if (quoted || !e->split) {
        const char *sep = ifs(e);
        for (size_t k = 0; k < p->count; k++) {
            if (k > 0 && *sep)
                put_char(e, *sep, true);
            put_value(e, p->items[k], true);
        }
        return;
    }
    for (size_t k = 0; k < p->count; k++) {
        if (k > 0)
            end_field(e);
        put_value(e, p->items[k], false);
    }
}

/* Index just after the ')' matching the '(' at word[i], through quotes. */
static size_t skip_parens(const char *w, size_t i)
{
    int depth = 0;
    while (w[i]) {
        char c = w[i++];
        if (c == '\\' && w[i]) {
            i++;
        } else if (c == '\'') {
            while (w[i] && w[i] != '\'')
                i++;
            if (w[i])
                i++;
        } else if (c == '"') {
            while (w[i] && w[i] != '"')
                i += w[i] == '\\' && w[i + 1] ? 2 : 1;
            if (w[i])
                i++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0) {
            break;
        }
    }
    return i;
}

static void command_subst(struct expander *e, const char *text, size_t len, bool quoted)
{
    if (!e->sh->capture) {
        fail(e, "$(...)", 6, "command substitution is not available");
        return;
    }
    char *cmd = xstrndup(text, len);
    char *output = e->sh->capture(e->sh, cmd);
    free(cmd);
    size_t n = strlen(output);
    while (n && output[n - 1] == '\n')
        output[--n] = '\0';
    put_value(e, output, quoted);
    free(output);
}

/* ${...}: inner is the text between the braces. */
static void braced(struct expander *e, const char *inner, size_t len, bool quoted)
{
    struct strbuf tmp = { 0 };
    if (len > 1 && inner[0] == '#') {          /* ${#NAME} */
        const char *v = param_value(e, inner + 1, len - 1, &tmp);
        if (!parse_is_name(inner + 1, len - 1) && !(len == 2 && strchr("?$!#", inner[1])) &&
            strspn(inner + 1, "0123456789") < len - 1) {
            fail(e, inner - 2, len + 3, "bad substitution");
        } else {
            char num[24];
            snprintf(num, sizeof(num), "%zu", v ? strlen(v) : 0);
            put_value(e, num, true);
        }
        strbuf_free(&tmp);
        return;
    }
    size_t n = 0;
    if (len && strchr("?$!#@*", inner[0]))
        n = 1;
    else if (len && isdigit((unsigned char)inner[0]))
        n = strspn(inner, "0123456789");
    else
        while (n < len && (isalnum((unsigned char)inner[n]) || inner[n] == '_') &&
               !(n == 0 && isdigit((unsigned char)inner[n])))
            n++;
    const char *op = inner + n;
    size_t oplen = len - n;
    bool colon = oplen && *op == ':';
    char kind = oplen > (size_t)colon ? op[colon] : '\0';
    if (n == 0 || (oplen && (!kind || !strchr("-+=", kind)))) {
        fail(e, inner - 2, len + 3, "bad substitution");
        return;
    }
    if (n == 1 && (inner[0] == '@' || inner[0] == '*') && !oplen) {
        put_params(e, inner[0], quoted);
        return;
    }
    const char *v = param_value(e, inner, n, &tmp);
    bool set = v && (!colon || *v);
    if (!oplen || (kind == '+' ? !set : set)) {
        if (kind != '+')
            put_value(e, v ? v : "", quoted);
        strbuf_free(&tmp);
        return;
    }
    /* The alternative word: -, = and + use it. */
    char *word = xstrndup(op + colon + 1, oplen - colon - 1);
    char *alt = expand_string(e->sh, word);
    free(word);
    if (!alt) {
        e->failed = true;
    } else {
        if (kind == '=') {
            char *name = xstrndup(inner, n);
            if (parse_is_name(name, n))
                vars_set(&e->sh->vars, name, alt);
            else
                fail(e, inner, n, "cannot assign in this way");
            free(name);
        }
        put_value(e, alt, quoted);
        free(alt);
    }
    strbuf_free(&tmp);
}

/* At word[i] == '$'; returns the index after the expansion. */
static size_t dollar(struct expander *e, const char *w, size_t i, bool quoted)
{
    const char *s = w + i + 1;
    if (*s == '{') {
        const char *end = strchr(s, '}');
        if (!end) {
            fail(e, w + i, strlen(w + i), "bad substitution");
            return strlen(w);
        }
        braced(e, s + 1, (size_t)(end - s - 1), quoted);
        return (size_t)(end - w) + 1;
    }
    if (*s == '(') {
        size_t end = skip_parens(w, i + 1);
        size_t close = w[end - 1] == ')' ? end - 1 : end;
        command_subst(e, w + i + 2, close - (i + 2), quoted);
        return end;
    }
    if (*s == '@' || *s == '*') {
        put_params(e, *s, quoted);
        return i + 2;
    }
    size_t n = 0;
    if (*s && strchr("?$!#", *s))
        n = 1;
    else if (isdigit((unsigned char)*s))
        n = 1;              /* $10 is ${1}0 */
    else
        while (isalnum((unsigned char)s[n]) || s[n] == '_')
            n++;
    if (n == 0) {
        put_char(e, '$', quoted);
        return i + 1;
    }
    struct strbuf tmp = { 0 };
    const char *v = param_value(e, s, n, &tmp);
    if (v)
        put_value(e, v, quoted);
    strbuf_free(&tmp);
    return i + 1 + n;
}

static size_t double_quoted(struct expander *e, const char *w, size_t i)
{
    bool other = false, empty_at = false;
    while (w[i] && w[i] != '"') {
        if (w[i] == '\\' && w[i + 1] && strchr("$`\"\\", w[i + 1])) {
            put_char(e, w[i + 1], true);
            i += 2;
            other = true;
        } else if (w[i] == '$') {
            e->at_empty = false;
            i = dollar(e, w, i, true);
            if (e->at_empty)
                empty_at = true;
            else
                other = true;
        } else {
            put_char(e, w[i++], true);
            other = true;
        }
    }
    if (other || !empty_at)
        e->present = true;
    return w[i] ? i + 1 : i;
}

static void expand_raw(struct expander *e, const char *w)
{
    size_t i = 0;
    if (w[0] == '~' && (w[1] == '/' || w[1] == '\0')) {
        const char *home = vars_get(&e->sh->vars, "HOME");
        if (home) {
            put_value(e, home, true);
            i = 1;
        }
    }
    while (w[i] && !e->failed) {
        char c = w[i];
        if (c == '\\') {
            put_char(e, w[i + 1] ? w[i + 1] : '\\', true);
            i += w[i + 1] ? 2 : 1;
        } else if (c == '\'') {
            e->present = true;
            for (i++; w[i] && w[i] != '\''; i++)
                put_char(e, w[i], true);
            if (w[i])
                i++;
        } else if (c == '"') {
            i = double_quoted(e, w, i + 1);
        } else if (c == '$') {
            i = dollar(e, w, i, false);
        } else {
            put_char(e, c, false);
            i++;
        }
    }
    end_field(e);
}

static void expander_done(struct expander *e)
{
    strbuf_free(&e->text);
    strbuf_free(&e->pat);
}

int expand_words(struct shell *sh, char *const *words, size_t count, struct strvec *out)
{
    struct expander e = { .sh = sh, .split = true, .out = out };
    for (size_t i = 0; i < count && !e.failed; i++)
        expand_raw(&e, words[i]);
    expander_done(&e);
    strvec_array(out);
    return e.failed ? -1 : 0;
}

char *expand_string(struct shell *sh, const char *word)
{
    struct strvec out = { 0 };
    struct expander e = { .sh = sh, .split = false, .out = &out };
    expand_raw(&e, word);
    expander_done(&e);
    char *s = NULL;
    if (!e.failed)
        s = xstrdup(out.count ? out.items[0] : "");
    strvec_free(&out);
    return s;
}

char *expand_assignment(struct shell *sh, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    char *value = expand_string(sh, eq + 1);
    if (!value)
        return NULL;
    struct strbuf b = { 0 };
    strbuf_putn(&b, assignment, (size_t)(eq - assignment) + 1);
    strbuf_puts(&b, value);
    free(value);
    return strbuf_take(&b);
}

char *expand_redirect(struct shell *sh, const char *word)
{
    struct strvec out = { 0 };
    char *const words[1] = { (char *)word };
    char *s = NULL;
    if (expand_words(sh, words, 1, &out) == 0) {
        if (out.count == 1)
            s = xstrdup(out.items[0]);
        else
            fprintf(stderr, "sh: %s: ambiguous redirect\n", word);
    }
    strvec_free(&out);
    return s;
}
