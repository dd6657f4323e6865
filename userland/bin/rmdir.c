/* rmdir [-p] dir...: removes empty directories; -p then removes each
 * parent named in the operand too ("rmdir -p a/b/c" removes a/b/c, a/b
 * and a), stopping at the first that fails. */
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "rmdir";
static const char usage_text[] = "rmdir [-p] dir...";

int main(int argc, char **argv)
{
    bool parents = false;
    while (next_option(argc, argv, "p", usage_text) != -1)
        parents = true;
    if (option_index == argc)
        usage(usage_text);
    int status = 0;
    for (int i = option_index; i < argc; i++) {
        char *path = argv[i];
        for (;;) {
            if (rmdir(path) != 0) {
                error_errno(path);
                status = 1;
                break;
            }
            if (!parents)
                break;
            /* Cut the last component (and the slashes before it). */
            char *slash = strrchr(path, '/');
            while (slash && slash > path && slash[1] == '\0') {
                *slash = '\0';
                slash = strrchr(path, '/');
            }
            if (!slash || slash == path)
                break;
            while (slash > path && slash[-1] == '/')
                slash--;
            *slash = '\0';
        }
    }
    return status;
}
