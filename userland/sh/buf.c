/*
 * buf.c: growable strings and string vectors (buf.h).  Capacities double,
 * so building a string a byte at a time stays linear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

static void out_of_memory(void)
{
    static const char msg[] = "sh: out of memory\n";
    if (write(2, msg, sizeof(msg) - 1) < 0) {
        /* nothing more to say */
    }
    _exit(2);
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void strbuf_reserve(struct strbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 32;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void strbuf_putn(struct strbuf *b, const char *s, size_t n)
{
    strbuf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void strbuf_putc(struct strbuf *b, char c)
{
    strbuf_putn(b, &c, 1);
}

void strbuf_puts(struct strbuf *b, const char *s)
{
    strbuf_putn(b, s, strlen(s));
}

const char *strbuf_str(struct strbuf *b)
{
    return b->data ? b->data : "";
}

void strbuf_clear(struct strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *strbuf_take(struct strbuf *b)
{
    char *s = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void strbuf_free(struct strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void strvec_push(struct strvec *v, char *s)
{
    if (v->count + 2 > v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
    }
    v->items[v->count++] = s;
    v->items[v->count] = NULL;
}

void strvec_push_copy(struct strvec *v, const char *s)
{
    strvec_push(v, xstrdup(s));
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void strvec_sort(struct strvec *v)
{
    if (v->count > 1)
        qsort(v->items, v->count, sizeof(*v->items), compare_strings);
}

char **strvec_array(struct strvec *v)
{
    if (!v->items) {
        v->cap = 8;
        v->items = xmalloc(v->cap * sizeof(*v->items));
        v->items[0] = NULL;
    }
    return v->items;
}

void strvec_free(struct strvec *v)
{
    for (size_t i = 0; i < v->count; i++)
        free(v->items[i]);
    free(v->items);
    v->items = NULL;
    v->count = v->cap = 0;
}
