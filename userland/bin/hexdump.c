/* hexdump [-Cv] [file...]: shows the bytes of the files (one stream, as if
 * concatenated), or of standard input for "-" or when there are none, in
 * the canonical format of hexdump -C: the offset, sixteen bytes in hex in
 * two groups of eight, and the same bytes as ASCII ('.' for the rest).
 * This is also the default (the BSD default, two-byte words, is not
 * offered).  A run of lines equal to the one before is shown as one "*"
 * unless -v; the last line is the total length. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "hexdump";
static const char usage_text[] = "hexdump [-Cv] [file...]";

static bool verbose;
static unsigned char line[16], previous[16];
static size_t used;           /* bytes in line */
static unsigned long long offset;
static bool have_previous, squeezing;

static void print_line(void)
{
    if (!verbose && used == 16 && have_previous && memcmp(line, previous, 16) == 0) {
        if (!squeezing)
            puts("*");
        squeezing = true;
    } else {
        squeezing = false;
        printf("%08llx", offset);
        for (size_t i = 0; i < 16; i++) {
            if (i % 8 == 0)
                putchar(' ');
            if (i < used)
                printf(" %02x", line[i]);
            else
                fputs("   ", stdout);
        }
        fputs("  |", stdout);
        for (size_t i = 0; i < used; i++)
            putchar(isprint(line[i]) ? line[i] : '.');
        puts("|");
    }
    memcpy(previous, line, 16);
    have_previous = true;
    offset += used;
    used = 0;
}

static bool dump(int fd, const char *name, void *ctx)
{
    (void)ctx;
    static unsigned char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            line[used++] = buf[i];
            if (used == 16)
                print_line();
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
    int opt;
    while ((opt = next_option(argc, argv, "Cv", usage_text)) != -1)
        if (opt == 'v')
            verbose = true;
    int status = each_input(argc, argv, option_index, false, dump, NULL);
    if (used > 0)
        print_line();
    if (offset > 0)
        printf("%08llx\n", offset);
    return status;
}
