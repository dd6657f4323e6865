/* mv [-f] source target, mv [-f] source... directory: renames files and
 * directories; into a directory when the last operand is one.  A rename
 * across mounts (EXDEV) becomes a copy of the whole tree and then its
 * removal, as POSIX describes; if the source cannot be removed (the
 * read-only root, say), the copy stays and mv reports the failure.  -f is
 * accepted: mv never asks anything. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common.h"

const char *progname = "mv";
static const char usage_text[] = "mv [-f] source target | mv [-f] source... directory";

static bool move(const char *src, const char *dst)
{
    if (rename(src, dst) == 0)
        return true;
    if (errno != EXDEV) {
        int err = errno;
        struct stat st;
        /* Name the operand at fault: a missing source, else the target. */
        const char *culprit = stat(src, &st) != 0 ? src : dst;
        errno = err;
        error_errno(culprit);
        return false;
    }
    if (!copy_path(src, dst, true))
        return false;
    return remove_path(src, true, false);
}

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "f", usage_text) != -1)
        ;
    int n = argc - option_index;
    if (n < 2)
        usage(usage_text);
    char **src = argv + option_index;
    const char *target = argv[argc - 1];
    struct stat st;
    bool into_dir = stat(target, &st) == 0 && S_ISDIR(st.st_mode);
    if (!into_dir) {
        if (n > 2) {
            error_msg("%s: not a directory", target);
            return 1;
        }
        return move(src[0], target) ? 0 : 1;
    }
    int status = 0;
    for (int i = 0; i < n - 1; i++) {
        char *base = path_base(src[i]);
        char *dst = path_join(target, base);
        if (!move(src[i], dst))
            status = 1;
        free(dst);
        free(base);
    }
    return status;
}
