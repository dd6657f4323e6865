/*
 * complete.c: completion candidates (complete.h), read from directories
 * each time Tab is pressed, so they are never stale.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "complete.h"

static bool is_dir(const char *dir, const struct dirent *d)
{
    if (d->d_type == DT_DIR)
        return true;
    if (d->d_type != DT_UNKNOWN && d->d_type != DT_LNK)
        return false;
    struct strbuf p = { 0 };
    strbuf_puts(&p, dir);
    strbuf_putc(&p, '/');
    strbuf_puts(&p, d->d_name);
    struct stat st;
    bool r = stat(strbuf_str(&p), &st) == 0 && S_ISDIR(st.st_mode);
    strbuf_free(&p);
    return r;
}

/* Entries of dir starting with prefix, each added as shown + name (+ '/'
 * for directories when mark_dirs; otherwise directories are skipped). */
static void complete_in(const char *dir, const char *shown, const char *prefix, bool mark_dirs,
                        struct strvec *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t n = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, n) != 0)
            continue;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_name[0] == '.' && prefix[0] != '.')
            continue;
        bool dir_entry = is_dir(dir, e);
        if (dir_entry && !mark_dirs)
            continue;
        struct strbuf c = { 0 };
        strbuf_puts(&c, shown);
        strbuf_puts(&c, e->d_name);
        if (dir_entry)
            strbuf_putc(&c, '/');
        strvec_push(out, strbuf_take(&c));
    }
    closedir(d);
}

static void complete_command(const char *word, const char *const *builtins, struct strvec *out)
{
    struct strvec found = { 0 };
    size_t n = strlen(word);
    for (const char *const *b = builtins; b && *b; b++)
        if (strncmp(*b, word, n) == 0)
            strvec_push_copy(&found, *b);
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        char *dir = len ? xstrndup(path, len) : xstrdup(".");
        complete_in(dir, "", word, false, &found);
        free(dir);
        path += len;
        if (*path == ':')
            path++;
    }
    strvec_sort(&found);
    for (size_t i = 0; i < found.count; i++) {
        if (out->count && strcmp(out->items[out->count - 1], found.items[i]) == 0)
            free(found.items[i]);
        else
            strvec_push(out, found.items[i]);
    }
    free(found.items);
}

static void complete_path(const char *word, struct strvec *out)
{
    const char *slash = strrchr(word, '/');
    size_t first = out->count;
    if (!slash) {
        complete_in(".", "", word, true, out);
    } else {
        char *shown = xstrndup(word, (size_t)(slash - word) + 1);
        struct strbuf dir = { 0 };
        const char *home = getenv("HOME");
        if (shown[0] == '~' && shown[1] == '/' && home) {
            strbuf_puts(&dir, home);
            strbuf_puts(&dir, shown + 1);
        } else {
            strbuf_puts(&dir, shown);
        }
        complete_in(strbuf_str(&dir), shown, slash + 1, true, out);
        strbuf_free(&dir);
        free(shown);
    }
    struct strvec tail = { .items = out->items + first, .count = out->count - first };
    strvec_sort(&tail);
}

void complete_word(void *ctx, const char *word, bool command, struct strvec *out)
{
    if (command && !strchr(word, '/'))
        complete_command(word, ctx, out);
    else
        complete_path(word, out);
}
