/*
 * buf.h: growable strings and string vectors, the shell's only containers.
 *
 * A shell is all small strings of unknown length; these two types keep the
 * length arithmetic in one place.  Allocation failure ends the shell with
 * "sh: out of memory" (xmalloc and friends): there is nothing sensible a
 * half-built command could do instead.
 */
#ifndef SH_BUF_H
#define SH_BUF_H

#include <stddef.h>

struct strbuf {
    char *data;             /* always NUL-terminated once anything was added */
    size_t len, cap;
};

struct strvec {
    char **items;           /* NULL-terminated once anything was added */
    size_t count, cap;
};

void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

void strbuf_putc(struct strbuf *b, char c);
void strbuf_putn(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
/* The text so far ("" when empty); the buffer stays usable. */
const char *strbuf_str(struct strbuf *b);
/* Empties the buffer, keeping its memory. */
void strbuf_clear(struct strbuf *b);
/* Hands the text to the caller (never NULL) and empties the buffer. */
char *strbuf_take(struct strbuf *b);
void strbuf_free(struct strbuf *b);

/* Takes ownership of s. */
void strvec_push(struct strvec *v, char *s);
void strvec_push_copy(struct strvec *v, const char *s);
/* Sorted by strcmp: the "C" locale's order, which globbing promises. */
void strvec_sort(struct strvec *v);
/* The items as a NULL-terminated array, valid even for an empty vector. */
char **strvec_array(struct strvec *v);
void strvec_free(struct strvec *v);

#endif
