/* head [-n count] [file...]: copies the first count lines (10 unless
 * told) of each file, or of standard input for "-" or when there are
 * none.  With several files, each is preceded by "==> name <==" and
 * separated from the one before by an empty line. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "head";
static const char usage_text[] = "head [-n count] [file...]";

/* Writes lines of fd until count newlines have passed. */
static bool head(int fd, const char *name, void *ctx)
{
    long long count = *(const long long *)ctx;
    static char buf[65536];
    ssize_t n = 0;
    while (count > 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
        ssize_t len = 0;
        while (len < n && count > 0)
            if (buf[len++] == '\n')
                count--;
        if (fwrite(buf, 1, (size_t)len, stdout) != (size_t)len) {
            error_errno("write");
            return false;
        }
    }
    if (count > 0 && n < 0) {
        error_errno(name);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    long long count = 10;
    while (next_option(argc, argv, "n:", usage_text) != -1) {
        char *end;
        count = strtoll(option_arg, &end, 10);
        if (*option_arg == '\0' || *end != '\0' || count < 0) {
            error_msg("invalid line count %s", option_arg);
            usage(usage_text);
        }
    }
    return each_input(argc, argv, option_index, true, head, &count);
}
