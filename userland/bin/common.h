/* common.h: what the programs of userland/bin/ share: messages in the
 * "prog: what: reason" form (prog is each program's `progname`), usage
 * errors (exit status 2), and the file-tree walks that cp, mv and rm all
 * need.  The helpers live in a small archive, so a program links only the
 * ones it calls. */
#ifndef BIN_COMMON_H
#define BIN_COMMON_H

#include <stdbool.h>
#include <stddef.h>

/* Each program defines it, e.g. const char *progname = "ls"; */
extern const char *progname;

/* "prog: <message>\n" on stderr. */
void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: what: strerror(errno)\n" on stderr. */
void error_errno(const char *what);
/* "usage: <usage>\n" on stderr, then exit(2). */
__attribute__((noreturn)) void usage(const char *text);

/* The next option of argv, as getopt(argc, argv, opts) would give it
 * under POSIX rules, or -1 when the options end; option_index is then the
 * first operand.  An unknown option or a missing argument is reported,
 * then usage(usage_text).  An option's argument is in option_arg. */
int next_option(int argc, char **argv, const char *opts, const char *usage_text);
extern int option_index;
extern char *option_arg;

/* Runs fn on each file named in argv[first..argc) ("-" is standard
 * input), or on standard input ("stdin") when there are none.  With
 * `headers` and several files, each is introduced by "==> NAME <==" as
 * head and tail do.  Returns the exit status: 1 if a file could not be
 * opened or fn returned false, else 0. */
typedef bool (*input_fn)(int fd, const char *name, void *ctx);
int each_input(int argc, char **argv, int first, bool headers, input_fn fn, void *ctx);

/* cp and mv: "source target" (op on the pair) or "source... directory"
 * (op on each source and directory/its base name).  Reports a
 * non-directory target of several sources; returns the exit status. */
typedef bool (*pair_fn)(const char *src, const char *dst, void *ctx);
int each_into_target(int count, char **operands, pair_fn op, void *ctx);

/* dir + "/" + name, malloc'd (exits on running out of memory). */
char *path_join(const char *dir, const char *name);
/* The last component of path, without trailing slashes, malloc'd. */
char *path_base(const char *path);
/* Sorted names of the entries of dir, "." and ".." left out; NULL with
 * errno set on failure.  *count gets their number; free with free_names. */
char **read_dir_names(const char *dir, size_t *count);
void free_names(char **names, size_t count);

/* Copies src to dst, directories too when recursive: a new file gets the
 * source's permission bits.  Reports each failure and goes on; returns
 * false if any happened. */
bool copy_path(const char *src, const char *dst, bool recursive);
/* Removes path, and all below it when recursive; quiet about a missing
 * path when force.  Reports failures; returns false if any happened. */
bool remove_path(const char *path, bool recursive, bool force);

#endif
