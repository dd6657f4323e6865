/* common.c: messages, usage errors, paths and directory listings for the
 * programs of userland/bin/ (see common.h).  Kept to what several programs
 * need; the file-tree walks are in tree.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

void error_msg(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void error_errno(const char *what)
{
    error_msg("%s: %s", what, strerror(errno));
}

void usage(const char *text)
{
    fflush(stdout);
    fprintf(stderr, "usage: %s\n", text);
    exit(2);
}

int option_index = 1;
char *option_arg;

/* POSIX getopt rules, written out because newlib's getopt permutes
 * operands and does not say which option was unknown: options end at
 * "--", at "-" or at the first operand; flags may be grouped ("-la"); an
 * option's argument may be attached ("-n5") or the next word. */
int next_option(int argc, char **argv, const char *opts, const char *usage_text)
{
    static int pos = 1; /* within argv[option_index] */
    option_arg = NULL;
    if (pos == 1) {
        const char *a = option_index < argc ? argv[option_index] : NULL;
        if (!a || a[0] != '-' || a[1] == '\0')
            return -1;
        if (strcmp(a, "--") == 0) {
            option_index++;
            return -1;
        }
    }
    char *word = argv[option_index];
    int c = (unsigned char)word[pos++];
    const char *spec = c == ':' ? NULL : strchr(opts, c);
    if (!spec) {
        error_msg("unknown option -%c", c);
        usage(usage_text);
    }
    if (spec[1] == ':') {
        if (word[pos] != '\0') {
            option_arg = word + pos;
        } else if (option_index + 1 < argc) {
            option_arg = argv[++option_index];
        } else {
            error_msg("option -%c needs an argument", c);
            usage(usage_text);
        }
        pos = 1;
        option_index++;
    } else if (word[pos] == '\0') {
        pos = 1;
        option_index++;
    }
    return c;
}

static void *xmalloc(size_t size)
{
    void *p = malloc(size);
    if (!p) {
        error_msg("out of memory");
        exit(1);
    }
    return p;
}

char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    char *p = xmalloc(dl + nl + 2);
    memcpy(p, dir, dl);
    if (!slash)
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

char *path_base(const char *path)
{
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == end && end > 0) /* "/" */
        start = end - 1;
    char *p = xmalloc(end - start + 1);
    memcpy(p, path + start, end - start);
    p[end - start] = '\0';
    return p;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **read_dir_names(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 16;
    char **names = xmalloc(cap * sizeof(*names));
    struct dirent *e;
    for (;;) {
        errno = 0;
        if (!(e = readdir(d)))
            break;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap *= 2;
            char **more = realloc(names, cap * sizeof(*names));
            if (!more) {
                error_msg("out of memory");
                exit(1);
            }
            names = more;
        }
        names[n++] = strdup(e->d_name);
        if (!names[n - 1]) {
            error_msg("out of memory");
            exit(1);
        }
    }
    int err = errno;
    closedir(d);
    if (err) {
        free_names(names, n);
        errno = err;
        return NULL;
    }
    qsort(names, n, sizeof(*names), compare_names);
    *count = n;
    return names;
}

void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

int each_input(int argc, char **argv, int first, bool headers, input_fn fn, void *ctx)
{
    if (first == argc)
        return fn(0, "stdin", ctx) ? 0 : 1;
    int status = 0;
    bool several = argc - first > 1;
    for (int i = first; i < argc; i++) {
        bool is_stdin = strcmp(argv[i], "-") == 0;
        int fd = is_stdin ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0) {
            error_errno(argv[i]);
            status = 1;
            continue;
        }
        if (headers && several)
            printf("%s==> %s <==\n", i > first ? "\n" : "",
                   is_stdin ? "standard input" : argv[i]);
        if (!fn(fd, argv[i], ctx))
            status = 1;
        if (!is_stdin)
            close(fd);
    }
    return status;
}

int each_into_target(int count, char **operands, pair_fn op, void *ctx)
{
    const char *target = operands[count - 1];
    struct stat st;
    if (stat(target, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (count > 2) {
            error_msg("%s: not a directory", target);
            return 1;
        }
        return op(operands[0], target, ctx) ? 0 : 1;
    }
    int status = 0;
    for (int i = 0; i < count - 1; i++) {
        char *base = path_base(operands[i]);
        char *dst = path_join(target, base);
        if (!op(operands[i], dst, ctx))
            status = 1;
        free(dst);
        free(base);
    }
    return status;
}
