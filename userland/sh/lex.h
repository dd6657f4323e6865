/*
 * lex.h: the shell's tokens.
 *
 * A word keeps its raw text, quotes and all: what a quote means depends on
 * where the word ends up (a command name, a redirection target, an
 * assignment), so quotes are removed only by expansion (expand.h).  The
 * lexer just knows how far each quote reaches, which is enough to find
 * the operators between words and to say when the input stops in the
 * middle of a quote (more lines are needed).
 */
#ifndef SH_LEX_H
#define SH_LEX_H

#include <stddef.h>

enum token_type {
    TOK_WORD,
    TOK_NEWLINE,
    TOK_SEMI,       /* ; */
    TOK_DSEMI,      /* ;; (only to be refused) */
    TOK_AMP,        /* & */
    TOK_AND_IF,     /* && */
    TOK_OR_IF,      /* || */
    TOK_PIPE,       /* | */
    TOK_LPAREN,     /* ( */
    TOK_RPAREN,     /* ) */
    TOK_REDIR,      /* [N]< > >> <& >& <> >| << */
    TOK_END,        /* end of input */
};

enum redir_kind {
    REDIR_IN,       /* <  */
    REDIR_OUT,      /* >  and >| */
    REDIR_APPEND,   /* >> */
    REDIR_RDWR,     /* <> */
    REDIR_DUP_IN,   /* <& */
    REDIR_DUP_OUT,  /* >& */
    REDIR_HEREDOC,  /* << (recognised so it can be refused by name) */
};

struct token {
    enum token_type type;
    char *text;              /* the raw word, or the operator as written */
    enum redir_kind redir;   /* TOK_REDIR */
    int io_number;           /* TOK_REDIR: the N in N>, or -1 */
    size_t start, end;       /* where it was in the source */
};

struct lexer {
    const char *src;
    size_t pos;
};

enum lex_status {
    LEX_OK,
    LEX_INCOMPLETE,          /* an open quote or a trailing backslash */
};

void lex_init(struct lexer *lx, const char *src);
/* The next token into *t (t->text is the caller's to free). */
enum lex_status lex_next(struct lexer *lx, struct token *t);
void lex_token_free(struct token *t);

#endif
