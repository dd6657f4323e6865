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

static bool move(const char *src, const char *dst, void *ctx)
{
    (void)ctx;
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
    if (argc - option_index < 2)
        usage(usage_text);
    return each_into_target(argc - option_index, argv + option_index, move, NULL);
}
