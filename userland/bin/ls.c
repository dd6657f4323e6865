/* ls [-1Cadl] [file...]: lists files, and the entries of directories,
 * sorted by name (byte order: the C locale).
 *
 * Operands that are not directories (or all of them with -d) are listed
 * first, as one group; then each directory, under a "name:" header when
 * there were several operands.  Names starting with '.' are shown only
 * with -a, which also shows "." and "..".  Output is one name per line
 * when it is not a terminal or with -1, in columns (80 wide) on a
 * terminal or with -C.  -l gives the mode string, link count, size, the
 * modification time (UTC) and the name, after a "total" line of 1 KiB
 * blocks for a directory.  There is no owner or group column: Atom has
 * one user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *progname = "ls";
static const char usage_text[] = "ls [-1Cadl] [file...]";

enum { ONE_PER_LINE, COLUMNS, LONG };

static int format;
static bool show_all, dirs_as_files;
static int status;
static time_t now;

struct entry {
    char *name;   /* as shown */
    struct stat st;
};

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void mode_string(mode_t m, char out[11])
{
    out[0] = S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' :
             S_ISLNK(m) ? 'l' : S_ISSOCK(m) ? 's' : '-';
    static const char rwx[] = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID)
        out[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID)
        out[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & S_ISVTX)
        out[9] = (m & S_IXOTH) ? 't' : 'T';
    out[10] = '\0';
}

static int digits(unsigned long long v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void print_long(const struct entry *e, size_t n)
{
    int link_w = 1, size_w = 1;
    for (size_t i = 0; i < n; i++) {
        int l = digits((unsigned long long)e[i].st.st_nlink);
        int s = digits((unsigned long long)e[i].st.st_size);
        link_w = l > link_w ? l : link_w;
        size_w = s > size_w ? s : size_w;
    }
    for (size_t i = 0; i < n; i++) {
        char mode[11], when[32];
        mode_string(e[i].st.st_mode, mode);
        time_t t = e[i].st.st_mtime;
        struct tm tm;
        gmtime_r(&t, &tm);
        /* The year instead of the time for files six months old or more,
         * or from the future. */
        bool recent = t <= now && now - t < 183L * 24 * 3600;
        strftime(when, sizeof(when), recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
        printf("%s %*lu %*lld %s %s\n", mode, link_w, (unsigned long)e[i].st.st_nlink, size_w,
               (long long)e[i].st.st_size, when, e[i].name);
    }
}

/* Down the columns then across, as ls -C does. */
static void print_columns(const struct entry *e, size_t n)
{
    size_t width = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(e[i].name) + 2 > width)
            width = strlen(e[i].name) + 2;
    size_t cols = 80 / width ? 80 / width : 1;
    size_t rows = (n + cols - 1) / cols;
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            size_t i = c * rows + r;
            if (i >= n)
                break;
            if (c + 1 == cols || i + rows >= n) { /* the last in this row */
                fputs(e[i].name, stdout);
                break;
            }
            printf("%-*s", (int)width, e[i].name);
        }
        putchar('\n');
    }
}

static void print_entries(struct entry *e, size_t n)
{
    qsort(e, n, sizeof(*e), compare_entries);
    if (format == LONG)
        print_long(e, n);
    else if (format == COLUMNS)
        print_columns(e, n);
    else
        for (size_t i = 0; i < n; i++)
            puts(e[i].name);
}

static void list_dir(const char *dir)
{
    size_t count;
    char **names = read_dir_names(dir, &count);
    if (!names) {
        error_errno(dir);
        status = 1;
        return;
    }
    struct entry *e = calloc(count + 2, sizeof(*e));
    if (!e) {
        error_msg("out of memory");
        exit(1);
    }
    size_t n = 0;
    static char dot[] = ".", dotdot[] = "..";
    if (show_all) {
        e[n++].name = dot;
        e[n++].name = dotdot;
    }
    for (size_t i = 0; i < count; i++)
        if (names[i][0] != '.' || show_all)
            e[n++].name = names[i];
    long long blocks = 0;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = path_join(dir, e[i].name);
        if (stat(path, &e[i].st) != 0) { /* removed meanwhile */
            error_errno(path);
            status = 1;
        } else {
            blocks += e[i].st.st_blocks;
            e[kept++] = e[i];
        }
        free(path);
    }
    if (format == LONG)
        printf("total %lld\n", (blocks + 1) / 2);
    print_entries(e, kept);
    free(e);
    free_names(names, count);
}

int main(int argc, char **argv)
{
    format = isatty(1) ? COLUMNS : ONE_PER_LINE;
    int opt;
    while ((opt = next_option(argc, argv, "1Cadl", usage_text)) != -1) {
        switch (opt) {
        case '1': format = ONE_PER_LINE; break;
        case 'C': format = COLUMNS; break;
        case 'l': format = LONG; break;
        case 'a': show_all = true; break;
        case 'd': dirs_as_files = true; break;
        }
    }
    now = time(NULL);
    static char *dot_operand[] = { ".", NULL };
    char **ops = option_index < argc ? argv + option_index : dot_operand;
    int nops = option_index < argc ? argc - option_index : 1;

    /* Split the operands into files and directories, each sorted. */
    struct entry *files = calloc((size_t)nops, sizeof(*files));
    struct entry *dirs = calloc((size_t)nops, sizeof(*dirs));
    if (!files || !dirs) {
        error_msg("out of memory");
        return 1;
    }
    size_t nfiles = 0, ndirs = 0;
    for (int i = 0; i < nops; i++) {
        struct stat st;
        if (stat(ops[i], &st) != 0) {
            error_errno(ops[i]);
            status = 1;
            continue;
        }
        struct entry *e = S_ISDIR(st.st_mode) && !dirs_as_files ? &dirs[ndirs++] : &files[nfiles++];
        e->name = ops[i];
        e->st = st;
    }
    print_entries(files, nfiles);
    qsort(dirs, ndirs, sizeof(*dirs), compare_entries);
    for (size_t i = 0; i < ndirs; i++) {
        if (nfiles > 0 || i > 0)
            putchar('\n');
        if (nops > 1)
            printf("%s:\n", dirs[i].name);
        list_dir(dirs[i].name);
    }
    if (fflush(stdout) != 0) {
        error_errno("write");
        status = 1;
    }
    return status;
}
