/* wc [-clw] [file...]: counts the lines (newlines), words (runs of
 * non-space characters) and bytes of each file, or of standard input for
 * "-" or when there are none; with several files, also their total.
 * Without options it prints all three, in the order lines, words, bytes,
 * each right-aligned in 7 columns and separated by a space, then the
 * name. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *progname = "wc";
static const char usage_text[] = "wc [-clw] [file...]";

static bool want_lines, want_words, want_bytes;

struct counts {
    long long lines, words, bytes;
};

static bool count_fd(int fd, const char *name, struct counts *c)
{
    static char buf[65536];
    bool in_word = false;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        c->bytes += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)buf[i];
            if (ch == '\n')
                c->lines++;
            if (isspace(ch)) {
                in_word = false;
            } else if (!in_word) {
                in_word = true;
                c->words++;
            }
        }
    }
    if (n < 0) {
        error_errno(name);
        return false;
    }
    return true;
}

static void print(const struct counts *c, const char *name)
{
    const char *sep = "";
    if (want_lines) {
        printf("%s%7lld", sep, c->lines);
        sep = " ";
    }
    if (want_words) {
        printf("%s%7lld", sep, c->words);
        sep = " ";
    }
    if (want_bytes)
        printf("%s%7lld", sep, c->bytes);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = next_option(argc, argv, "clw", usage_text)) != -1) {
        if (opt == 'c')
            want_bytes = true;
        else if (opt == 'l')
            want_lines = true;
        else
            want_words = true;
    }
    if (!want_lines && !want_words && !want_bytes)
        want_lines = want_words = want_bytes = true;
    if (option_index == argc) {
        struct counts c = { 0, 0, 0 };
        if (!count_fd(0, "stdin", &c))
            return 1;
        print(&c, NULL);
        return 0;
    }
    struct counts total = { 0, 0, 0 };
    int status = 0;
    for (int i = option_index; i < argc; i++) {
        struct counts c = { 0, 0, 0 };
        bool is_stdin = strcmp(argv[i], "-") == 0;
        int fd = is_stdin ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0) {
            error_errno(argv[i]);
            status = 1;
            continue;
        }
        if (count_fd(fd, argv[i], &c)) {
            print(&c, argv[i]);
            total.lines += c.lines;
            total.words += c.words;
            total.bytes += c.bytes;
        } else {
            status = 1;
        }
        if (!is_stdin)
            close(fd);
    }
    if (argc - option_index > 1)
        print(&total, "total");
    return status;
}
