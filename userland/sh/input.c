/*
 * input.c: line sources and the read-parse-run loop (input.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "complete.h"
#include "exec.h"
#include "input.h"
#include "line.h"
#include "parse.h"

struct source {
    /* The next line with its '\n', or NULL at the end; more: the line
     * continues a command. */
    char *(*next)(struct source *src, struct shell *sh, bool more);
    const char *text;          /* string sources */
    size_t pos;
    int fd;                    /* standard input */
    bool cancelled;            /* ^C: drop what was typed so far */
};

static char *next_from_string(struct source *src, struct shell *sh, bool more)
{
    (void)sh;
    (void)more;
    const char *s = src->text + src->pos;
    if (!*s)
        return NULL;
    size_t n = strcspn(s, "\n");
    src->pos += n + (s[n] == '\n');
    char *line = xmalloc(n + 2);
    memcpy(line, s, n);
    line[n] = '\n';
    line[n + 1] = '\0';
    return line;
}

static char *next_from_fd(struct source *src, struct shell *sh, bool more)
{
    (void)sh;
    (void)more;
    struct strbuf line = { 0 };
    for (;;) {
        char c;
        ssize_t n = read(src->fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        strbuf_putc(&line, c);
        if (c == '\n')
            return strbuf_take(&line);
    }
    if (!line.len) {
        strbuf_free(&line);
        return NULL;
    }
    strbuf_putc(&line, '\n');
    return strbuf_take(&line);
}

static char *next_from_terminal(struct source *src, struct shell *sh, bool more)
{
    struct strbuf prompt = { 0 };
    if (more) {
        strbuf_puts(&prompt, "> ");
    } else {
        jobs_poll(&sh->jobs);
        jobs_print(&sh->jobs, stderr, true);
        char cwd[1024];
        strbuf_puts(&prompt, getcwd(cwd, sizeof(cwd)) ? cwd : "?");
        strbuf_puts(&prompt, " $ ");
    }
    bool cancelled;
    char *line = line_tty_read(src->fd, 2, strbuf_str(&prompt), &sh->history, complete_word,
                               (void *)builtin_names, &cancelled);
    strbuf_free(&prompt);
    src->cancelled = cancelled;
    if (!line)
        return NULL;
    size_t n = strlen(line);
    line = xrealloc(line, n + 2);
    line[n] = '\n';
    line[n + 1] = '\0';
    return line;
}

static int run_source(struct shell *sh, struct source *src)
{
    struct strbuf pending = { 0 };
    char *line;
    while ((line = src->next(src, sh, pending.len > 0))) {
        if (src->cancelled) {
            free(line);
            strbuf_clear(&pending);
            sh->status = 130;
            continue;
        }
        strbuf_puts(&pending, line);
        free(line);
        struct parse_result r;
        enum parse_status st = parse_program(strbuf_str(&pending), &r);
        if (st == PARSE_INCOMPLETE)
            continue;
        if (sh->interactive) {
            char *entry = xstrndup(pending.data, pending.len - 1);
            history_add(&sh->history, entry);
            free(entry);
        }
        strbuf_clear(&pending);
        if (st == PARSE_ERROR) {
            fprintf(stderr, "sh: %s\n", r.error);
            sh->status = 2;
            if (!sh->interactive)
                break;
            continue;
        }
        exec_program(sh, r.program);
        parse_free(r.program);
        if (!sh->interactive)
            jobs_forget_done(&sh->jobs);
    }
    if (pending.len) {
        fprintf(stderr, "sh: syntax error: unexpected end of file\n");
        sh->status = 2;
    }
    strbuf_free(&pending);
    return sh->status;
}

int input_run_string(struct shell *sh, const char *text)
{
    struct source src = { .next = next_from_string, .text = text };
    return run_source(sh, &src);
}

int input_run_file(struct shell *sh, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct strbuf text = { 0 };
    char buf[1024];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            strbuf_putn(&text, buf, (size_t)n);
    int err = errno;
    close(fd);
    if (n < 0) {
        fprintf(stderr, "sh: %s: %s\n", path, strerror(err));
        strbuf_free(&text);
        return -1;
    }
    struct source src = { .next = next_from_string, .text = strbuf_str(&text) };
    int status = run_source(sh, &src);
    strbuf_free(&text);
    return status;
}

int input_run_stdin(struct shell *sh)
{
    struct source src = { .next = next_from_fd, .fd = 0 };
    return run_source(sh, &src);
}

int input_run_interactive(struct shell *sh)
{
    struct source src = { .next = next_from_terminal, .fd = 0 };
    return run_source(sh, &src);
}
