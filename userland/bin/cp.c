/* cp [-r] source target, cp [-r] source... directory: copies files, and
 * with -r (or -R) directories with all they hold.  When the last operand
 * is a directory, each source goes into it under its own name.  New files
 * get the source's permission bits; times are not kept (the file server
 * cannot set them). */
#include <stdlib.h>
#include <sys/stat.h>

#include "common.h"

const char *progname = "cp";
static const char usage_text[] = "cp [-r] source target | cp [-r] source... directory";

static bool copy(const char *src, const char *dst, void *ctx)
{
    return copy_path(src, dst, *(const bool *)ctx);
}

int main(int argc, char **argv)
{
    bool recursive = false;
    while (next_option(argc, argv, "rR", usage_text) != -1)
        recursive = true;
    if (argc - option_index < 2)
        usage(usage_text);
    return each_into_target(argc - option_index, argv + option_index, copy, &recursive);
}
