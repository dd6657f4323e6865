/* clear: clears the terminal with the ANSI sequences for "cursor home" and
 * "erase the whole screen", which the console understands. */
#include <stdio.h>
#include <unistd.h>

#include "common.h"

const char *progname = "clear";

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        usage("clear");
    static const char seq[] = "\033[H\033[2J";
    if (write(1, seq, sizeof(seq) - 1) != (ssize_t)(sizeof(seq) - 1)) {
        error_errno("write");
        return 1;
    }
    return 0;
}
