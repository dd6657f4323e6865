/*
 * user_stack.c: the initial user stack (argc, argv, envp, auxiliary
 * vector) that a program finds at _start.
 *
 * The builder works in two passes.  The first measures: it counts the
 * strings (bounded, so a missing NULL terminator in a list cannot run
 * away), sums their lengths and derives the whole layout from stack_top
 * down, so every limit and the fit in the buffer are known before a byte
 * is written.  The second writes the random bytes, the strings and the
 * pointer block, each pointer being the user address where its string
 * was copied.  Words are stored with memcpy: the buffer needs no
 * alignment of its own, only the user addresses are aligned.
 */
#include <kernel/user_stack.h>
#include <kernel/error.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <stdbool.h>

#define WORD 8

struct layout {
    size_t argc, envc;
    size_t strbytes; /* all strings with their NULs */
    size_t words;    /* argc, both pointer lists, the aux pairs */
    size_t size;     /* bytes from sp to stack_top */
};

static size_t list_count(const char *const *list, size_t limit)
{
    size_t n = 0;
    while (list && n <= limit && list[n])
        n++;
    return n;
}

/* Adds the lengths of `n` strings to *bytes; false once the total passes
 * the limit (strnlen keeps each look bounded by what is left). */
static bool add_lengths(const char *const *list, size_t n, size_t *bytes)
{
    for (size_t i = 0; i < n; i++) {
        size_t room = USTACK_MAX_STRBYTES - *bytes;
        size_t len = strnlen(list[i], room);
        if (len == room)
            return false;
        *bytes += len + 1;
    }
    return true;
}

/* Fills *l, or returns why the arguments cannot be used. */
static const char *measure(const char *const *argv, const char *const *envp,
                           size_t naux, struct layout *l)
{
    l->argc = list_count(argv, USTACK_MAX_STRINGS);
    if (l->argc > USTACK_MAX_STRINGS)
        return "too many argument and environment strings";
    l->envc = list_count(envp, USTACK_MAX_STRINGS - l->argc);
    if (l->argc + l->envc > USTACK_MAX_STRINGS)
        return "too many argument and environment strings";
    l->strbytes = 0;
    if (!add_lengths(argv, l->argc, &l->strbytes) ||
        !add_lengths(envp, l->envc, &l->strbytes))
        return "argument and environment strings are too long";

    /* The builder's own aux entries: AT_RANDOM, AT_EXECFN if argc > 0,
     * and the AT_NULL terminator. */
    size_t own_aux = 2 + (l->argc > 0);
    l->words = 1 + (l->argc + 1) + (l->envc + 1) + 2 * (naux + own_aux);
    size_t bytes = 16 + l->strbytes + l->words * WORD;
    l->size = (bytes + 15) & ~(size_t)15;
    return NULL;
}

static bool aux_ok(const struct ustack_aux *aux, size_t naux)
{
    if (naux > USTACK_MAX_AUX || (naux && !aux))
        return false;
    for (size_t i = 0; i < naux; i++)
        if (aux[i].type == AT_NULL || aux[i].type == AT_RANDOM ||
            aux[i].type == AT_EXECFN)
            return false;
    return true;
}

size_t ustack_size(const char *const *argv, const char *const *envp,
                   size_t naux)
{
    struct layout l;
    if (naux > USTACK_MAX_AUX || measure(argv, envp, naux, &l))
        return 0;
    return l.size;
}

/* Writes a word at a user address inside the buffer. */
static void put_word(uint8_t *buf, uint64_t base, uint64_t uaddr, uint64_t v)
{
    memcpy(buf + (uaddr - base), &v, WORD);
}

/* Copies a list's strings upwards from *str and its pointers upwards from
 * *ptr, then the list's NULL. */
static void put_list(uint8_t *buf, uint64_t base, const char *const *list,
                     size_t n, uint64_t *str, uint64_t *ptr)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list[i]) + 1;
        memcpy(buf + (*str - base), list[i], len);
        put_word(buf, base, *ptr, *str);
        *str += len;
        *ptr += WORD;
    }
    put_word(buf, base, *ptr, 0);
    *ptr += WORD;
}

int ustack_build(uint8_t *buf, size_t buf_size, uint64_t stack_top,
                 const char *const *argv, const char *const *envp,
                 const struct ustack_aux *aux, size_t naux,
                 const uint8_t random16[16], uint64_t *sp_out)
{
    if (!buf || !sp_out || !random16 || !aux_ok(aux, naux) || stack_top == 0 ||
        (stack_top & 15) || stack_top < buf_size)
        return E_INVAL;

    struct layout l;
    const char *problem = measure(argv, envp, naux, &l);
    if (problem) {
        log_warn("ustack: %s (at most %d strings, %d bytes in all)", problem,
                 USTACK_MAX_STRINGS, USTACK_MAX_STRBYTES);
        return E_RANGE;
    }
    if (l.size > buf_size) {
        log_warn("ustack: the initial stack needs %zu bytes, only %zu are available",
                 l.size, buf_size);
        return E_RANGE;
    }

    uint64_t base = stack_top - buf_size; /* user address of buf[0] */
    uint64_t sp = stack_top - l.size;
    uint64_t random = stack_top - 16;
    uint64_t str = random - l.strbytes;
    uint64_t ptr = sp;

    memset(buf + (sp - base), 0, l.size);
    memcpy(buf + (random - base), random16, 16);

    uint64_t argv0 = str;
    put_word(buf, base, ptr, l.argc);
    ptr += WORD;
    put_list(buf, base, argv, l.argc, &str, &ptr);
    put_list(buf, base, envp, l.envc, &str, &ptr);

    for (size_t i = 0; i < naux; i++) {
        put_word(buf, base, ptr, aux[i].type);
        put_word(buf, base, ptr + WORD, aux[i].value);
        ptr += 2 * WORD;
    }
    put_word(buf, base, ptr, AT_RANDOM);
    put_word(buf, base, ptr + WORD, random);
    ptr += 2 * WORD;
    if (l.argc) {
        put_word(buf, base, ptr, AT_EXECFN);
        put_word(buf, base, ptr + WORD, argv0);
        ptr += 2 * WORD;
    }
    put_word(buf, base, ptr, AT_NULL);
    put_word(buf, base, ptr + WORD, 0);
    *sp_out = sp;
    return E_OK;
}
