/* mkdir [-p] [-m mode] dir...: makes directories.  -p also makes missing
 * parents and accepts a directory that already exists; -m gives the mode
 * as an octal number.  Atom has no umask, so the default is what the
 * usual umask 022 would leave: 0755, for parents too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"

const char *progname = "mkdir";
static const char usage_text[] = "mkdir [-p] [-m mode] dir...";

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Makes each prefix of path that ends before a '/', then path itself. */
static bool make_parents(const char *path, mode_t mode)
{
    char *p = strdup(path);
    if (!p || !*p) {
        errno = p ? ENOENT : ENOMEM;
        error_errno(path);
        free(p);
        return false;
    }
    for (size_t n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
        p[n - 1] = '\0';
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        bool last = *s == '\0';
        if (!last && *s != '/')
            continue;
        if (s[-1] == '/') { /* "a//b", or "/" itself */
            if (last)
                break;
            continue;
        }
        *s = '\0';
        if (mkdir(p, last ? mode : 0755) != 0 && !(errno == EEXIST && is_dir(p))) {
            error_errno(p);
            ok = false;
        }
        if (last)
            break;
        *s = '/';
    }
    free(p);
    return ok;
}

int main(int argc, char **argv)
{
    bool parents = false;
    mode_t mode = 0755;
    int opt;
    while ((opt = next_option(argc, argv, "pm:", usage_text)) != -1) {
        if (opt == 'p') {
            parents = true;
        } else {
            char *end;
            unsigned long m = strtoul(option_arg, &end, 8);
            if (*option_arg == '\0' || *end != '\0' || m > 07777) {
                error_msg("invalid mode %s", option_arg);
                usage(usage_text);
            }
            mode = (mode_t)m;
        }
    }
    if (option_index == argc)
        usage(usage_text);
    int status = 0;
    for (int i = option_index; i < argc; i++) {
        if (parents) {
            if (!make_parents(argv[i], mode))
                status = 1;
        } else if (mkdir(argv[i], mode) != 0) {
            error_errno(argv[i]);
            status = 1;
        }
    }
    return status;
}
