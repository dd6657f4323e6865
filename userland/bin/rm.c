/* rm [-fr] [-R] file...: removes files; -r (or -R) removes directories and
 * everything in them; -f says nothing about missing files and allows no
 * operands.  "." and ".." are refused, as POSIX requires.  There is no
 * interactive mode: nothing can be asked with no keyboard input yet. */
#include <string.h>
#include <stdlib.h>

#include "common.h"

const char *progname = "rm";
static const char usage_text[] = "rm [-fr] file...";

int main(int argc, char **argv)
{
    bool force = false, recursive = false;
    int opt;
    while ((opt = next_option(argc, argv, "frR", usage_text)) != -1) {
        if (opt == 'f')
            force = true;
        else
            recursive = true;
    }
    if (option_index == argc && !force)
        usage(usage_text);
    int status = 0;
    for (int i = option_index; i < argc; i++) {
        char *base = path_base(argv[i]);
        bool dots = strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
        free(base);
        if (dots) {
            error_msg("%s: refusing to remove . or ..", argv[i]);
            status = 1;
        } else if (!remove_path(argv[i], recursive, force)) {
            status = 1;
        }
    }
    return status;
}
