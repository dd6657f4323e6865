/*
 * vars.c: shell variables (vars.h).  The local table is a plain vector
 * of "NAME=value" strings searched linearly: a shell has few of them.
 */
#include <stdlib.h>
#include <string.h>

#include "vars.h"

extern char **environ;

/* Index of NAME in the local table, or -1. */
static long local_find(const struct vars *v, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < v->locals.count; i++)
        if (strncmp(v->locals.items[i], name, n) == 0 && v->locals.items[i][n] == '=')
            return (long)i;
    return -1;
}

static void local_remove(struct vars *v, long i)
{
    free(v->locals.items[i]);
    v->locals.items[i] = v->locals.items[--v->locals.count];
    v->locals.items[v->locals.count] = NULL;
}

static char *pair(const char *name, const char *value)
{
    size_t n = strlen(name), m = strlen(value);
    char *s = xmalloc(n + m + 2);
    memcpy(s, name, n);
    s[n] = '=';
    memcpy(s + n + 1, value, m + 1);
    return s;
}

const char *vars_get(const struct vars *v, const char *name)
{
    long i = local_find(v, name);
    if (i >= 0)
        return strchr(v->locals.items[i], '=') + 1;
    return getenv(name);
}

bool vars_is_exported(const char *name)
{
    return getenv(name) != NULL;
}

void vars_set(struct vars *v, const char *name, const char *value)
{
    if (vars_is_exported(name)) {
        setenv(name, value, 1);
        return;
    }
    long i = local_find(v, name);
    if (i >= 0) {
        free(v->locals.items[i]);
        v->locals.items[i] = pair(name, value);
    } else {
        strvec_push(&v->locals, pair(name, value));
    }
}

void vars_assign(struct vars *v, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    char *name = xstrndup(assignment, (size_t)(eq - assignment));
    vars_set(v, name, eq + 1);
    free(name);
}

void vars_export(struct vars *v, const char *name, const char *value)
{
    long i = local_find(v, name);
    if (!value && i >= 0)
        value = strchr(v->locals.items[i], '=') + 1;
    if (value)
        setenv(name, value, 1);
    if (i >= 0)
        local_remove(v, i);
}

void vars_unset(struct vars *v, const char *name)
{
    long i = local_find(v, name);
    if (i >= 0)
        local_remove(v, i);
    unsetenv(name);
}

void vars_environ_with(char *const *overrides, size_t count, struct strvec *out)
{
    for (char **e = environ; e && *e; e++) {
        size_t n = strcspn(*e, "=");
        bool replaced = false;
        for (size_t i = 0; i < count && !replaced; i++)
            replaced = strncmp(overrides[i], *e, n) == 0 && overrides[i][n] == '=';
        if (!replaced)
            strvec_push_copy(out, *e);
    }
    /* The last of two assignments to one name wins. */
    for (size_t i = 0; i < count; i++) {
        size_t n = strcspn(overrides[i], "=");
        bool later = false;
        for (size_t j = i + 1; j < count && !later; j++)
            later = strncmp(overrides[j], overrides[i], n + 1) == 0;
        if (!later)
            strvec_push_copy(out, overrides[i]);
    }
    strvec_array(out);
}

void vars_free(struct vars *v)
{
    strvec_free(&v->locals);
}
