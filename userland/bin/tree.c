/* tree.c: copying and removing files and whole directory trees, for cp,
 * mv (which copies when a rename would cross mounts) and rm.  Directories
 * are read completely before anything in them changes, so removing or
 * adding entries never disturbs the walk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool copy_file(const char *src, const char *dst, const struct stat *st)
{
    struct stat dst_st;
    if (stat(dst, &dst_st) == 0 && same_file(st, &dst_st)) {
        error_msg("%s and %s are the same file", src, dst);
        return false;
    }
    int in = open(src, O_RDONLY);
    if (in < 0) {
        error_errno(src);
        return false;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 07777);
    if (out < 0) {
        error_errno(dst);
        close(in);
        return false;
    }
    static char buf[65536];
    bool ok = true;
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0) {
                error_errno(dst);
                ok = false;
                goto out;
            }
            done += w;
        }
    }
    if (n < 0) {
        error_errno(src);
        ok = false;
    }
out:
    if (close(out) != 0 && ok) {
        error_errno(dst);
        ok = false;
    }
    close(in);
    return ok;
}

/* top: the directory the copy started by creating, which must not be
 * copied into itself (cp -r a a/b would otherwise never end). */
static bool copy_tree(const char *src, const char *dst, const struct stat *top)
{
    struct stat st;
    if (stat(src, &st) != 0) {
        error_errno(src);
        return false;
    }
    if (!S_ISDIR(st.st_mode))
        return copy_file(src, dst, &st);
    if (top && same_file(&st, top)) {
        error_msg("cannot copy a directory into itself: %s", src);
        return false;
    }
    struct stat dst_st;
    if (mkdir(dst, (st.st_mode & 07777) | 0700) != 0 &&
        !(errno == EEXIST && stat(dst, &dst_st) == 0 && S_ISDIR(dst_st.st_mode))) {
        error_errno(dst);
        return false;
    }
    struct stat made;
    if (!top) {
        if (stat(dst, &made) != 0) {
            error_errno(dst);
            return false;
        }
        top = &made;
    }
    size_t count;
    char **names = read_dir_names(src, &count);
    if (!names) {
        error_errno(src);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        char *s = path_join(src, names[i]), *d = path_join(dst, names[i]);
        ok &= copy_tree(s, d, top);
        free(s);
        free(d);
    }
    free_names(names, count);
    return ok;
}

bool copy_path(const char *src, const char *dst, bool recursive)
{
    struct stat st;
    if (stat(src, &st) != 0) {
        error_errno(src);
        return false;
    }
    if (S_ISDIR(st.st_mode) && !recursive) {
        error_msg("%s: is a directory (not copied without -r)", src);
        return false;
    }
    return copy_tree(src, dst, NULL);
}

bool remove_path(const char *path, bool recursive, bool force)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (force && errno == ENOENT)
            return true;
        error_errno(path);
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0) {
            error_errno(path);
            return false;
        }
        return true;
    }
    if (!recursive) {
        errno = EISDIR;
        error_errno(path);
        return false;
    }
    size_t count;
    char **names = read_dir_names(path, &count);
    if (!names) {
        error_errno(path);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        char *p = path_join(path, names[i]);
        ok &= remove_path(p, true, force);
        free(p);
    }
    free_names(names, count);
    /* A failure below already said why; the directory is then not empty. */
    if (ok && rmdir(path) != 0) {
        error_errno(path);
        ok = false;
    }
    return ok;
}
