/* echo [-n] [string...]: writes its operands separated by spaces and ended
 * by a newline (none with -n).  Like the POSIX and BSD echo it takes no
 * other option and interprets no backslash escapes, so any other operand
 * starting with '-' is printed as it is. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

const char *progname = "echo";

int main(int argc, char **argv)
{
    int i = 1;
    bool newline = true;
    if (i < argc && strcmp(argv[i], "-n") == 0) {
        newline = false;
        i++;
    }
    for (; i < argc; i++) {
        fputs(argv[i], stdout);
        if (i + 1 < argc)
            putchar(' ');
    }
    if (newline)
        putchar('\n');
    if (fflush(stdout) != 0) {
        error_errno("write");
        return 1;
    }
    return 0;
}
