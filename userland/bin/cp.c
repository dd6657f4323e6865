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

int main(int argc, char **argv)
{
    bool recursive = false;
    while (next_option(argc, argv, "rR", usage_text) != -1)
        recursive = true;
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
        return copy_path(src[0], target, recursive) ? 0 : 1;
    }
    int status = 0;
    for (int i = 0; i < n - 1; i++) {
        char *base = path_base(src[i]);
        char *dst = path_join(target, base);
        if (!copy_path(src[i], dst, recursive))
            status = 1;
        free(dst);
        free(base);
    }
    return status;
}
