/* cat [-u] [file...]: copies each file, or standard input for "-" or when
 * there are none, to standard output.  Output is never buffered here, so
 * -u (unbuffered) changes nothing.  A file that cannot be read is reported
 * and skipped; the exit status is then 1. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "cat";
static const char usage_text[] = "cat [-u] [file...]";

/* Copies fd to standard output; false after reporting an error. */
static bool copy_out(int fd, const char *name)
{
    static char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buf + done, (size_t)(n - done));
            if (w < 0) {
                error_errno("write");
                return false;
            }
            done += w;
        }
    }
    if (n < 0) {
        error_errno(name);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "u", usage_text) != -1)
        ;
    int status = 0;
    if (option_index == argc)
        return copy_out(0, "stdin") ? 0 : 1;
    for (int i = option_index; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (!copy_out(0, "stdin"))
                status = 1;
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            error_errno(argv[i]);
            status = 1;
            continue;
        }
        if (!copy_out(fd, argv[i]))
            status = 1;
        close(fd);
    }
    return status;
}
