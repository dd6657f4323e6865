/* pwd [-L | -P]: prints the current directory.  There are no symbolic
 * links, so the logical (-L) and physical (-P) paths are the same. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "common.h"

const char *progname = "pwd";
static const char usage_text[] = "pwd [-L | -P]";

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "LP", usage_text) != -1)
        ; /* -L and -P are the same here */
    if (option_index != argc)
        usage(usage_text);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd))) {
        error_errno("getcwd");
        return 1;
    }
    puts(cwd);
    return 0;
}
