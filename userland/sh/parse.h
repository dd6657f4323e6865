/*
 * parse.h: the shell's syntax tree.
 *
 *   program   = and_or, each ended by ';', '&' or a newline
 *   and_or    = pipeline { ('&&' | '||') pipeline }
 *   pipeline  = ['!'] command { '|' command }
 *   command   = '(' program ')' {redirection}
 *             | {assignment | redirection} [word {word | redirection}]
 *
 * Words stay raw (lex.h); expansion happens when a command runs, since
 * "a=1; echo $a" must see the assignment.  An and_or keeps its source text
 * for `jobs` and for running it in a child shell when it goes to the
 * background; a subshell keeps the text between its parentheses, which a
 * child shell runs (there is no fork to copy this one).
 */
#ifndef SH_PARSE_H
#define SH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lex.h"

struct redirect {
    enum redir_kind kind;
    int fd;                  /* the descriptor redirected */
    char *word;              /* raw target: a file, or a descriptor for <& >& */
};

struct command {
    char **assigns;          /* raw NAME=value words */
    size_t assign_count;
    char **words;
    size_t word_count;
    struct redirect *redirs;
    size_t redir_count;
    char *subshell;          /* ( ... ): the text inside, else NULL */
};

struct pipeline {
    struct command *cmds;
    size_t count;
    bool negate;             /* ! */
};

enum and_or_op { AND_IF, OR_IF };

struct and_or {
    struct pipeline *pipes;
    enum and_or_op *ops;     /* ops[i] joins pipes[i] and pipes[i + 1] */
    size_t count;
    bool background;
    char *text;
};

struct program {
    struct and_or *items;
    size_t count;
};

enum parse_status {
    PARSE_OK,
    PARSE_INCOMPLETE,        /* the input stops where more must follow */
    PARSE_ERROR,
};

struct parse_result {
    struct program *program; /* PARSE_OK: the caller frees with parse_free */
    char error[160];         /* PARSE_ERROR: "syntax error near 'X'" */
};

enum parse_status parse_program(const char *src, struct parse_result *out);
void parse_free(struct program *p);

/* NAME=... with a valid NAME: an assignment when it precedes the command. */
bool parse_is_assignment(const char *word);
bool parse_is_name(const char *s, size_t len);

#endif
