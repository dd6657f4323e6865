/*
 * lex.c: splits shell input into tokens (lex.h).
 *
 * Words are copied raw, with their quotes, except that a backslash before
 * a newline (a line continuation) is dropped.  Inside a word the lexer
 * follows single and double quotes, backslashes, ${...} and $(...), only
 * to know where the word ends; unquoted blanks and the operator characters
 * ; & | < > ( ) end it.  A '#' starting a word starts a comment.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lex.h"

void lex_init(struct lexer *lx, const char *src)
{
    lx->src = src;
    lx->pos = 0;
}

void lex_token_free(struct token *t)
{
    free(t->text);
    t->text = NULL;
}

static bool is_operator_char(char c)
{
    return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A backslash and what it quotes, at src[pos] == '\\'.  Returns false
 * when the input ends after it or after the newline it escapes (the line
 * continues). */
static bool scan_backslash(struct lexer *lx, struct strbuf *w)
{
    const char *s = lx->src;
    if (!s[lx->pos + 1] || (s[lx->pos + 1] == '\n' && !s[lx->pos + 2]))
        return false;
    if (s[lx->pos + 1] != '\n')
        strbuf_putn(w, s + lx->pos, 2);
    lx->pos += 2;
    return true;
}

static bool scan_single(struct lexer *lx, struct strbuf *w)
{
    const char *end = strchr(lx->src + lx->pos + 1, '\'');
    if (!end)
        return false;
    size_t n = (size_t)(end - (lx->src + lx->pos)) + 1;
    strbuf_putn(w, lx->src + lx->pos, n);
    lx->pos += n;
    return true;
}

static bool scan_dollar(struct lexer *lx, struct strbuf *w);

static bool scan_double(struct lexer *lx, struct strbuf *w)
{
    const char *s = lx->src;
    strbuf_putc(w, s[lx->pos++]);
    for (;;) {
        char c = s[lx->pos];
        if (!c)
            return false;
        if (c == '"') {
            strbuf_putc(w, c);
            lx->pos++;
            return true;
        }
        if (c == '\\') {
            if (!scan_backslash(lx, w))
                return false;
        } else if (c == '$') {
            if (!scan_dollar(lx, w))
                return false;
        } else {
            strbuf_putc(w, c);
            lx->pos++;
        }
    }
}

/* $(...) up to its matching parenthesis, through nested quotes and
 * parentheses. */
static bool scan_command_subst(struct lexer *lx, struct strbuf *w)
{
    const char *s = lx->src;
    int depth = 0;
    for (;;) {
        char c = s[lx->pos];
        bool ok = true;
        if (!c)
            return false;
        if (c == '\'') {
            ok = scan_single(lx, w);
        } else if (c == '"') {
            ok = scan_double(lx, w);
        } else if (c == '\\') {
            ok = scan_backslash(lx, w);
        } else {
            strbuf_putc(w, c);
            lx->pos++;
            if (c == '(')
                depth++;
            else if (c == ')' && --depth == 0)
                return true;
        }
        if (!ok)
            return false;
    }
}

/* At a '$': ${...} and $(...) are taken whole, anything else is one
 * character (the name after it is ordinary word text). */
static bool scan_dollar(struct lexer *lx, struct strbuf *w)
{
    const char *s = lx->src;
    if (s[lx->pos + 1] == '{') {
        const char *end = strchr(s + lx->pos, '}');
        if (!end)
            return false;
        size_t n = (size_t)(end - (s + lx->pos)) + 1;
        strbuf_putn(w, s + lx->pos, n);
        lx->pos += n;
        return true;
    }
    if (s[lx->pos + 1] == '(') {
        strbuf_putc(w, '$');
        lx->pos++;
        return scan_command_subst(lx, w);
    }
    strbuf_putc(w, '$');
    lx->pos++;
    return true;
}

static enum lex_status scan_word(struct lexer *lx, struct token *t)
{
    const char *s = lx->src;
    struct strbuf w = { 0 };
    for (;;) {
        char c = s[lx->pos];
        bool ok = true;
        if (!c || c == '\n' || is_blank(c) || is_operator_char(c))
            break;
        if (c == '\\')
            ok = scan_backslash(lx, &w);
        else if (c == '\'')
            ok = scan_single(lx, &w);
        else if (c == '"')
            ok = scan_double(lx, &w);
        else if (c == '$')
            ok = scan_dollar(lx, &w);
        else {
            strbuf_putc(&w, c);
            lx->pos++;
        }
        if (!ok) {
            strbuf_free(&w);
            return LEX_INCOMPLETE;
        }
    }
    t->type = TOK_WORD;
    t->text = strbuf_take(&w);
    return LEX_OK;
}

struct operator {
    const char *text;
    enum token_type type;
    enum redir_kind redir;
};

/* Longest first, so ">>" wins over ">". */
static const struct operator operators[] = {
    { "&&", TOK_AND_IF, 0 },         { "||", TOK_OR_IF, 0 },
    { ";;", TOK_DSEMI, 0 },          { ">>", TOK_REDIR, REDIR_APPEND },
    { "<<", TOK_REDIR, REDIR_HEREDOC }, { "<&", TOK_REDIR, REDIR_DUP_IN },
    { ">&", TOK_REDIR, REDIR_DUP_OUT }, { "<>", TOK_REDIR, REDIR_RDWR },
    { ">|", TOK_REDIR, REDIR_OUT },  { ";", TOK_SEMI, 0 },
    { "&", TOK_AMP, 0 },             { "|", TOK_PIPE, 0 },
    { "(", TOK_LPAREN, 0 },          { ")", TOK_RPAREN, 0 },
    { "<", TOK_REDIR, REDIR_IN },    { ">", TOK_REDIR, REDIR_OUT },
};

enum lex_status lex_next(struct lexer *lx, struct token *t)
{
    const char *s = lx->src;
    *t = (struct token){ .io_number = -1 };
    for (;;) {
        while (is_blank(s[lx->pos]))
            lx->pos++;
        if (s[lx->pos] == '\\' && s[lx->pos + 1] == '\n' && s[lx->pos + 2])
            lx->pos += 2;
        else if (s[lx->pos] == '\\' && (!s[lx->pos + 1] || s[lx->pos + 1] == '\n'))
            return LEX_INCOMPLETE;
        else
            break;
    }
    if (s[lx->pos] == '#')
        while (s[lx->pos] && s[lx->pos] != '\n')
            lx->pos++;
    t->start = lx->pos;
    if (!s[lx->pos]) {
        t->type = TOK_END;
        t->text = xstrdup("end of input");
        t->end = lx->pos;
        return LEX_OK;
    }
    if (s[lx->pos] == '\n') {
        t->type = TOK_NEWLINE;
        t->text = xstrdup("newline");
        t->end = ++lx->pos;
        return LEX_OK;
    }
    /* Digits right before < or > are the descriptor it redirects. */
    size_t digits = 0;
    while (isdigit((unsigned char)s[lx->pos + digits]))
        digits++;
    if (digits && digits < 4 && (s[lx->pos + digits] == '<' || s[lx->pos + digits] == '>')) {
        int n = 0;
        for (size_t i = 0; i < digits; i++)
            n = n * 10 + (s[lx->pos + i] - '0');
        t->io_number = n;
        lx->pos += digits;
    }
    for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
        size_t n = strlen(operators[i].text);
        if (strncmp(s + lx->pos, operators[i].text, n) == 0) {
            t->type = operators[i].type;
            t->redir = operators[i].redir;
            t->text = xstrdup(operators[i].text);
            lx->pos += n;
            t->end = lx->pos;
            return LEX_OK;
        }
    }
    enum lex_status st = scan_word(lx, t);
    t->end = lx->pos;
    return st;
}
