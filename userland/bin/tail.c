/* tail [-n [+]count] [file...]: copies the last count lines (10 unless
 * told) of each file, or of standard input for "-" or when there are
 * none; "-n +count" copies from line count on.  A last line without a
 * newline counts as a line.  Input is read whole into memory (files live
 * in memory here anyway), so pipes work as files do.  With several files,
 * each is preceded by "==> name <==", as head does.  -f is not supported:
 * there is no way to wait for a file to grow. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "tail";
static const char usage_text[] = "tail [-n [+]count] [file...]";

static long long count = 10;
static bool from_start; /* "+count" */

static bool tail(int fd, const char *name, void *ctx)
{
    (void)ctx;
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap);
    ssize_t n = 0;
    while (buf && (n = read(fd, buf + len, cap - len)) > 0) {
        len += (size_t)n;
        if (len == cap) {
            char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
        }
    }
    if (!buf) {
        error_msg("%s: out of memory", name);
        return false;
    }
    if (n < 0) {
        error_errno(name);
        free(buf);
        return false;
    }
    size_t start;
    if (from_start) { /* after count - 1 newlines */
        long long skip = count > 0 ? count - 1 : 0;
        for (start = 0; start < len && skip > 0; start++)
            if (buf[start] == '\n')
                skip--;
    } else { /* back over count line ends, the final newline not one */
        long long left = count;
        start = len;
        size_t i = len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
        while (left > 0 && i > 0) {
            if (buf[--i] == '\n' && --left == 0) {
                start = i + 1;
                break;
            }
            start = i;
        }
    }
    bool ok = fwrite(buf + start, 1, len - start, stdout) == len - start;
    if (!ok)
        error_errno("write");
    free(buf);
    return ok;
}

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "n:", usage_text) != -1) {
        const char *s = option_arg;
        from_start = *s == '+';
        if (*s == '+' || *s == '-')
            s++;
        char *end;
        count = strtoll(s, &end, 10);
        if (*s == '\0' || *end != '\0' || count < 0) {
            error_msg("invalid line count %s", option_arg);
            usage(usage_text);
        }
    }
    return each_input(argc, argv, option_index, true, tail, NULL);
}
