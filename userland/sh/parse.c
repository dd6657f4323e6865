/*
 * parse.c: recursive descent from tokens to the tree in parse.h, with one
 * token of lookahead.
 *
 * The caller feeds whole lines; input that stops where more must follow
 * (after '|', '&&' or '||', inside parentheses or a quote) is
 * PARSE_INCOMPLETE, so the caller can read another line and try again.
 * Anything else unexpected is "syntax error near 'X'", X being the token
 * found.  Every source line ends with a newline, so the end of input is
 * only ever met where a line could continue.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse.h"

struct parser {
    const char *src;
    struct lexer lx;
    struct token tok;          /* the lookahead */
    size_t last_end;           /* where the last consumed token ended */
    enum parse_status status;
    char *error;
};

/* Words that start compound commands in a POSIX shell, which this one
 * does not have: refused rather than run as programs of that name. */
static const char *const reserved_words[] = {
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done",
    "case", "esac", "{", "}", "function", "select", NULL,
};

bool parse_is_name(const char *s, size_t len)
{
    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

bool parse_is_assignment(const char *word)
{
    const char *eq = strchr(word, '=');
    return eq && parse_is_name(word, (size_t)(eq - word));
}

static void fail_near(struct parser *p, const char *what)
{
    if (p->status != PARSE_OK)
        return;
    p->status = PARSE_ERROR;
    snprintf(p->error, sizeof(((struct parse_result *)0)->error), "syntax error near '%s'", what);
}

/* An unexpected token; at the end of input, the line just goes on. */
static void unexpected(struct parser *p)
{
    if (p->tok.type == TOK_END) {
        if (p->status == PARSE_OK)
            p->status = PARSE_INCOMPLETE;
        return;
    }
    fail_near(p, p->tok.text);
}

static void advance(struct parser *p)
{
    p->last_end = p->tok.end;
    lex_token_free(&p->tok);
    if (lex_next(&p->lx, &p->tok) == LEX_INCOMPLETE) {
        if (p->status == PARSE_OK)
            p->status = PARSE_INCOMPLETE;
        p->tok = (struct token){ .type = TOK_END, .text = xstrdup("end of input"),
                                 .io_number = -1, .start = p->lx.pos, .end = p->lx.pos };
    }
}

/* The word under the lookahead, taken over by the caller. */
static char *take_word(struct parser *p)
{
    char *w = p->tok.text;
    p->tok.text = NULL;
    advance(p);
    return w;
}

static void skip_newlines(struct parser *p)
{
    while (p->status == PARSE_OK && p->tok.type == TOK_NEWLINE)
        advance(p);
}

static void program_parse(struct parser *p, struct program *prog, bool in_parens);

static void command_free(struct command *c)
{
    for (size_t i = 0; i < c->assign_count; i++)
        free(c->assigns[i]);
    for (size_t i = 0; i < c->word_count; i++)
        free(c->words[i]);
    for (size_t i = 0; i < c->redir_count; i++)
        free(c->redirs[i].word);
    free(c->assigns);
    free(c->words);
    free(c->redirs);
    free(c->subshell);
}

static void parse_free_items(struct program *prog)
{
    for (size_t i = 0; i < prog->count; i++) {
        struct and_or *ao = &prog->items[i];
        for (size_t j = 0; j < ao->count; j++) {
            for (size_t k = 0; k < ao->pipes[j].count; k++)
                command_free(&ao->pipes[j].cmds[k]);
            free(ao->pipes[j].cmds);
        }
        free(ao->pipes);
        free(ao->ops);
        free(ao->text);
    }
    free(prog->items);
    prog->items = NULL;
    prog->count = 0;
}

void parse_free(struct program *prog)
{
    if (!prog)
        return;
    parse_free_items(prog);
    free(prog);
}

static void push_word(char ***v, size_t *n, char *w)
{
    *v = xrealloc(*v, (*n + 2) * sizeof(**v));
    (*v)[(*n)++] = w;
    (*v)[*n] = NULL;           /* so words can serve as an argv */
}

static void redirect_parse(struct parser *p, struct command *c)
{
    if (p->tok.redir == REDIR_HEREDOC) {
        fail_near(p, p->tok.text);
        return;
    }
    struct redirect r = { .kind = p->tok.redir, .fd = p->tok.io_number };
    if (r.fd < 0)
        r.fd = r.kind == REDIR_IN || r.kind == REDIR_DUP_IN || r.kind == REDIR_RDWR ? 0 : 1;
    advance(p);
    if (p->status != PARSE_OK)
        return;
    if (p->tok.type != TOK_WORD) {
        unexpected(p);
        return;
    }
    r.word = take_word(p);
    c->redirs = xrealloc(c->redirs, (c->redir_count + 1) * sizeof(*c->redirs));
    c->redirs[c->redir_count++] = r;
}

static void command_parse(struct parser *p, struct command *c)
{
    if (p->tok.type == TOK_LPAREN) {
        size_t start = p->tok.end;
        advance(p);
        struct program inner = { 0 };
        program_parse(p, &inner, true);
        size_t items = inner.count;
        parse_free_items(&inner);
        if (p->status != PARSE_OK)
            return;
        if (items == 0) {
            fail_near(p, p->tok.text);
            return;
        }
        c->subshell = xstrndup(p->src + start, p->tok.start - start);
        advance(p);
        while (p->status == PARSE_OK && p->tok.type == TOK_REDIR)
            redirect_parse(p, c);
        if (p->status == PARSE_OK && (p->tok.type == TOK_WORD || p->tok.type == TOK_LPAREN))
            fail_near(p, p->tok.text);
        return;
    }
    while (p->status == PARSE_OK) {
        if (p->tok.type == TOK_REDIR) {
            redirect_parse(p, c);
        } else if (p->tok.type == TOK_WORD) {
            if (c->word_count == 0 && parse_is_assignment(p->tok.text)) {
                push_word(&c->assigns, &c->assign_count, take_word(p));
                continue;
            }
            if (c->word_count == 0) {
                for (const char *const *r = reserved_words; *r; r++) {
                    if (strcmp(p->tok.text, *r) == 0) {
                        fail_near(p, p->tok.text);
                        return;
                    }
                }
            }
            push_word(&c->words, &c->word_count, take_word(p));
        } else {
            break;
        }
    }
    if (p->status == PARSE_OK && !c->word_count && !c->assign_count && !c->redir_count)
        unexpected(p);
}

static void pipeline_parse(struct parser *p, struct pipeline *pl)
{
    if (p->tok.type == TOK_WORD && strcmp(p->tok.text, "!") == 0) {
        pl->negate = true;
        advance(p);
    }
    for (;;) {
        pl->cmds = xrealloc(pl->cmds, (pl->count + 1) * sizeof(*pl->cmds));
        struct command *c = &pl->cmds[pl->count++];
        *c = (struct command){ 0 };
        command_parse(p, c);
        if (p->status != PARSE_OK || p->tok.type != TOK_PIPE)
            return;
        advance(p);
        skip_newlines(p);
    }
}

static void and_or_parse(struct parser *p, struct and_or *ao)
{
    size_t start = p->tok.start;
    for (;;) {
        ao->pipes = xrealloc(ao->pipes, (ao->count + 1) * sizeof(*ao->pipes));
        struct pipeline *pl = &ao->pipes[ao->count++];
        *pl = (struct pipeline){ 0 };
        pipeline_parse(p, pl);
        if (p->status != PARSE_OK)
            return;
        if (p->tok.type != TOK_AND_IF && p->tok.type != TOK_OR_IF)
            break;
        ao->ops = xrealloc(ao->ops, ao->count * sizeof(*ao->ops));
        ao->ops[ao->count - 1] = p->tok.type == TOK_AND_IF ? AND_IF : OR_IF;
        advance(p);
        skip_newlines(p);
    }
    ao->text = xstrndup(p->src + start, p->last_end - start);
}

/* Items up to the end of input, or up to the ')' that closes in_parens
 * (left as the lookahead). */
static void program_parse(struct parser *p, struct program *prog, bool in_parens)
{
    skip_newlines(p);
    while (p->status == PARSE_OK) {
        if (p->tok.type == TOK_END) {
            if (in_parens)
                p->status = PARSE_INCOMPLETE;
            return;
        }
        if (in_parens && p->tok.type == TOK_RPAREN)
            return;
        prog->items = xrealloc(prog->items, (prog->count + 1) * sizeof(*prog->items));
        struct and_or *ao = &prog->items[prog->count++];
        *ao = (struct and_or){ 0 };
        and_or_parse(p, ao);
        if (p->status != PARSE_OK)
            return;
        if (p->tok.type == TOK_SEMI || p->tok.type == TOK_AMP) {
            ao->background = p->tok.type == TOK_AMP;
            advance(p);
        } else if (p->tok.type == TOK_NEWLINE) {
            advance(p);
        } else if (p->tok.type != TOK_END && !(in_parens && p->tok.type == TOK_RPAREN)) {
            fail_near(p, p->tok.text);
            return;
        }
        skip_newlines(p);
    }
}

enum parse_status parse_program(const char *src, struct parse_result *out)
{
    struct parser p = { .src = src, .status = PARSE_OK, .error = out->error };
    out->program = NULL;
    out->error[0] = '\0';
    lex_init(&p.lx, src);
    p.tok = (struct token){ .type = TOK_NEWLINE };
    advance(&p);
    struct program *prog = xmalloc(sizeof(*prog));
    *prog = (struct program){ 0 };
    program_parse(&p, prog, false);
    lex_token_free(&p.tok);
    if (p.status != PARSE_OK) {
        parse_free(prog);
        return p.status;
    }
    out->program = prog;
    return PARSE_OK;
}
