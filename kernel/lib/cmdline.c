/*
 * cmdline.c: a tokenizer for the kernel command line.  It walks the string
 * once per query and keeps no state, so it needs no allocation and can run
 * before anything else is set up.  The last occurrence of a key wins, as on
 * Linux, so a boot entry's defaults can be overridden by appending.
 */
#include <kernel/cmdline.h>
#include <kernel/string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cmdline_each(const char *cmdline, cmdline_fn_t fn, void *ctx)
{
    const char *p = cmdline;
    if (!p)
        return true;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            return true;

        const char *key = p;
        while (*p && !is_space(*p) && *p != '=')
            p++;
        size_t key_len = (size_t)(p - key);

        const char *value = NULL;
        size_t value_len = 0;
        if (*p == '=') {
            p++;
            if (*p == '"') {
                value = ++p;
                while (*p && *p != '"')
                    p++;
                value_len = (size_t)(p - value);
                if (*p == '"')
                    p++;
            } else {
                value = p;
                while (*p && !is_space(*p))
                    p++;
                value_len = (size_t)(p - value);
            }
        }
        if (!fn(ctx, key, key_len, value, value_len))
            return false;
    }
}

struct lookup {
    const char *key;
    size_t key_len;
    bool found;
    const char *value;
    size_t value_len;
};

static bool lookup_fn(void *ctx, const char *key, size_t key_len,
                      const char *value, size_t value_len)
{
    struct lookup *l = ctx;
    if (key_len == l->key_len && memcmp(key, l->key, key_len) == 0) {
        l->found = true;
        l->value = value;
        l->value_len = value_len;
    }
    return true;
}

static struct lookup cmdline_lookup(const char *cmdline, const char *key)
{
    struct lookup l = { key, strlen(key), false, NULL, 0 };
    cmdline_each(cmdline, lookup_fn, &l);
    return l;
}

bool cmdline_has(const char *cmdline, const char *key)
{
    return cmdline_lookup(cmdline, key).found;
}

int cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
    struct lookup l = cmdline_lookup(cmdline, key);
    if (!l.found || !l.value || l.value_len >= size || l.value_len > 0x7fffffff)
        return -1;
    memcpy(buf, l.value, l.value_len);
    buf[l.value_len] = '\0';
    return (int)l.value_len;
}
