/* Unit tests of the VFS server's logic (userland/vfs/): the initrd tree
 * from an archive built here by hand, tmpfs, /dev, pipes, sessions and
 * their descriptors, path resolution, and spawn's file actions.
 *
 * Every test starts from a fresh name space and session 1 and ends with
 * vfs_shutdown(), so LeakSanitizer (each test runs in its own process)
 * catches anything the VFS fails to free.  The platform functions are
 * stand-ins: the console is captured, "random" bytes are a known pattern
 * and the clock ticks once per call. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atom/console.h>
#include <atom/vfs.h>
#include <kernel/ustar.h>

#include "../../userland/vfs/vfs_ops.h"
#include "unit.h"

/* ---- platform stand-ins ------------------------------------------------------ */

static char console_text[4096];
static size_t console_len;
static int64_t clock_ticks;

void vfs_platform_console_write(const char *data, size_t len)
{
    if (len > sizeof(console_text) - 1 - console_len)
        len = sizeof(console_text) - 1 - console_len;
    memcpy(console_text + console_len, data, len);
    console_len += len;
    console_text[console_len] = '\0';
}

void vfs_platform_random(void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(0xa5 ^ i);
}

int64_t vfs_platform_time_ns(void)
{
    return ++clock_ticks * 1000;
}

/* ---- the archive ------------------------------------------------------------- */

static uint8_t archive[32 * 1024];
static size_t archive_len;
static char big_data[1500];

static void tar_add(const char *path, char type, unsigned mode, const void *data, size_t size)
{
    uint8_t *h = archive + archive_len;
    memset(h, 0, 512);
    memcpy(h, path, strlen(path));
    snprintf((char *)h + 100, 8, "%07o", mode);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    snprintf((char *)h + 124, 12, "%011zo", size);
    snprintf((char *)h + 136, 12, "%011o", 0);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
    archive_len += 512;
    if (size)
        memcpy(archive + archive_len, data, size);
    archive_len += (size + 511) & ~(size_t)511;
}

#define HELLO "\177ELF hello program"
#define MOTD  "welcome to atom\n"

static void build_archive(void)
{
    memset(archive, 0, sizeof(archive));
    archive_len = 0;
    for (size_t i = 0; i < sizeof(big_data); i++)
        big_data[i] = (char)('a' + i % 26);
    tar_add("bin/", '5', 0755, NULL, 0);
    tar_add("bin/hello", '0', 0755, HELLO, strlen(HELLO));
    tar_add("etc/motd", '0', 0644, MOTD, strlen(MOTD)); /* no "etc/" entry */
    tar_add("empty/", '5', 0700, NULL, 0);
    tar_add("big", '0', 0600, big_data, sizeof(big_data));
    tar_add("tmp/", '5', 01777, NULL, 0);
    tar_add("tmp/hidden", '0', 0644, "x", 1); /* under the mount: unseen */
    archive_len += 1024;
}

/* ---- fixture and helpers ------------------------------------------------------ */

static struct vfs_session *s;

static void setup(void)
{
    build_archive();
    struct messages m = { 0 };
    ck_assert_int_eq(ustar_validate(archive, archive_len, "test", NULL, messages_report, &m), 0);
    console_len = 0;
    console_text[0] = '\0';
    clock_ticks = 0;
    ck_assert_int_eq(vfs_init(archive, archive_len), 0);
    s = vfs_session_create(1, NULL);
    ck_assert_ptr_nonnull(s);
}

static void teardown(void)
{
    vfs_shutdown();
}

static int open_ok(const char *path, int flags)
{
    int fd = vfs_open(s, path, flags, 0644);
    ck_assert_msg(fd >= 0, "open %s: %d", path, fd);
    return fd;
}

static void write_file(const char *path, const char *text)
{
    int fd = open_ok(path, O_WRONLY | O_CREAT | O_TRUNC);
    ck_assert_int_eq(vfs_write(s, fd, text, strlen(text)), (ssize_t)strlen(text));
    ck_assert_int_eq(vfs_close(s, fd), 0);
}

/* The file's contents as a string (up to 255 bytes). */
static const char *read_file(const char *path)
{
    static char buf[256];
    int fd = open_ok(path, O_RDONLY);
    ssize_t n = vfs_read(s, fd, buf, sizeof(buf) - 1);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    ck_assert_int_eq(vfs_close(s, fd), 0);
    return buf;
}

static struct vfs_stat stat_ok(const char *path)
{
    struct vfs_stat st;
    ck_assert_msg(vfs_stat(s, path, &st) == 0, "stat %s", path);
    return st;
}

/* The directory's entries, as "name:type name:type ...", read max at a time. */
static const char *list_dir(const char *path, size_t max)
{
    static char text[1024];
    struct vfs_dirent d[8];
    text[0] = '\0';
    int fd = open_ok(path, O_RDONLY | O_DIRECTORY);
    int n;
    while ((n = vfs_readdir(s, fd, d, max)) > 0) {
        for (int i = 0; i < n; i++) {
            ck_assert_uint_eq(d[i].name_len, strlen(d[i].name));
            snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s:%u",
                     text[0] ? " " : "", d[i].name, d[i].type);
        }
    }
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    return text;
}

static int open_count(const struct vfs_session *sess)
{
    int count = 0;
    for (int fd = 0; fd < VFS_MAX_FDS; fd++)
        if (vfs_fcntl((struct vfs_session *)sess, fd, F_GETFD, 0) >= 0)
            count++;
    return count;
}

/* ---- sessions ------------------------------------------------------------------ */

START_TEST(sessions_and_console)
{
    ck_assert_ptr_eq(vfs_session_find(1), s);
    ck_assert_ptr_null(vfs_session_find(2));
    ck_assert_uint_eq(vfs_session_pid(s), 1);
    ck_assert_ptr_null(vfs_session_create(1, NULL)); /* has one */
    ck_assert_ptr_null(vfs_session_create(0, NULL)); /* not a pid */
    ck_assert_int_eq(vfs_init(archive, archive_len), -EBUSY);

    /* 0, 1 and 2 share one read-write description of the console. */
    ck_assert_int_eq(open_count(s), 3);
    for (int fd = 0; fd < 3; fd++) {
        ck_assert_int_eq(vfs_isatty(s, fd), 1);
        ck_assert_int_eq(vfs_fcntl(s, fd, F_GETFL, 0) & O_ACCMODE, O_RDWR);
    }
    ck_assert_int_eq(vfs_write(s, 1, "hi ", 3), 3);
    ck_assert_int_eq(vfs_write(s, 2, "there", 5), 5);
    ck_assert_str_eq(console_text, "hi there");
    char c;
    ck_assert_int_eq(vfs_read(s, 0, &c, 1), 0);
    struct vfs_stat st;
    ck_assert_int_eq(vfs_fstat(s, 0, &st), 0);
    ck_assert_uint_eq(st.mode & S_IFMT, S_IFCHR);
    ck_assert_uint_eq(st.rdev, (5u << 8) | 1);

    char cwd[16];
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 1);
    ck_assert_str_eq(cwd, "/");

    struct vfs_session *t = vfs_session_create(2, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_eq(vfs_session_find(2), t);
    vfs_session_destroy(t);
    ck_assert_ptr_null(vfs_session_find(2));
    ck_assert_ptr_eq(vfs_session_find(1), s);
}
END_TEST

START_TEST(child_session_inherits)
{
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/w", 0755), 0);
    ck_assert_int_eq(vfs_chdir(s, "/tmp/w"), 0);
    write_file("f", "0123456789");
    int fd = open_ok("f", O_RDONLY);
    int cloexec = open_ok("f", O_RDONLY | O_CLOEXEC);
    ck_assert_int_eq(vfs_fcntl(s, cloexec, F_GETFD, 0), FD_CLOEXEC);

    struct vfs_session *c = vfs_session_create(2, s);
    ck_assert_ptr_nonnull(c);
    char cwd[64];
    ck_assert_int_eq(vfs_getcwd(c, cwd, sizeof(cwd)), 6);
    ck_assert_str_eq(cwd, "/tmp/w");
    ck_assert_int_eq(open_count(c), 4); /* 0-2 and fd, not the FD_CLOEXEC one */
    ck_assert_int_eq(vfs_fcntl(c, cloexec, F_GETFD, 0), -EBADF);

    /* The description, and so the offset, is shared. */
    char buf[4];
    ck_assert_int_eq(vfs_read(c, fd, buf, 4), 4);
    ck_assert_int_eq(vfs_read(s, fd, buf, 4), 4);
    ck_assert_int_eq(memcmp(buf, "4567", 4), 0);

    /* Each has its own cwd from now on. */
    ck_assert_int_eq(vfs_chdir(c, ".."), 0);
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 6);
    vfs_session_destroy(c);
    ck_assert_int_eq(vfs_read(s, fd, buf, 4), 2);
    ck_assert_int_eq(vfs_close(s, fd), 0);
}
END_TEST

/* Sessions with open files, pipes, unlinked files and a removed cwd all
 * go away without leaks (checked by LeakSanitizer at exit). */
START_TEST(destroy_frees_everything)
{
    struct vfs_session *c = vfs_session_create(2, s);
    ck_assert_ptr_nonnull(c);
    int fds[2];
    ck_assert_int_eq(vfs_pipe(c, fds), 0);
    ck_assert_int_eq(vfs_write(c, fds[1], "data", 4), 4);
    int fd = vfs_open(c, "/tmp/gone", O_RDWR | O_CREAT, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(vfs_write(c, fd, "x", 1), 1);
    ck_assert_int_eq(vfs_unlink(c, "/tmp/gone"), 0);
    ck_assert_int_eq(vfs_mkdir(c, "/tmp/d", 0755), 0);
    ck_assert_int_eq(vfs_chdir(c, "/tmp/d"), 0);
    ck_assert_int_eq(vfs_rmdir(c, "/tmp/d"), 0);
    struct vfs_session *g = vfs_session_create(3, c);
    ck_assert_ptr_nonnull(g);
    vfs_session_destroy(c);
    ck_assert_int_eq(vfs_write(g, fds[1], "more", 4), 4); /* still open in g */
    vfs_session_destroy(g);

    /* Shut down with sessions and files still open, too. */
    write_file("/tmp/kept", "kept");
    open_ok("/tmp/kept", O_RDONLY);
    ck_assert_int_eq(vfs_pipe(s, fds), 0);
    vfs_shutdown();
    ck_assert_ptr_null(vfs_session_find(1));
    ck_assert_int_eq(vfs_init(archive, archive_len), 0);
    ck_assert_int_eq(vfs_stat(vfs_session_create(1, NULL), "/tmp/kept", &(struct vfs_stat){ 0 }),
                     -ENOENT);
}
END_TEST

/* ---- the initrd ---------------------------------------------------------------- */

START_TEST(initrd_tree)
{
    ck_assert_str_eq(read_file("/bin/hello"), HELLO);
    ck_assert_str_eq(read_file("/etc/motd"), MOTD);
    struct vfs_stat st = stat_ok("/etc");
    ck_assert_uint_eq(st.mode & S_IFMT, S_IFDIR);
    ck_assert_uint_eq(st.mode & 07777, 0755);
    st = stat_ok("/empty");
    ck_assert_uint_eq(st.mode, S_IFDIR | 0700);
    st = stat_ok("/bin/hello");
    ck_assert_uint_eq(st.mode, S_IFREG | 0755);
    ck_assert_uint_eq(st.size, strlen(HELLO));
    ck_assert_uint_eq(st.nlink, 1);
    ck_assert_uint_eq(st.blksize, 4096);
    st = stat_ok("/");
    ck_assert_uint_eq(st.nlink, 2 + 5); /* dev tmp bin etc empty */
    ck_assert_int_eq(vfs_stat(s, "/tmp/hidden", &st), -ENOENT);

    /* Reads across the archive's 512-byte blocks, seeks, EOF. */
    int fd = open_ok("/big", O_RDONLY);
    char buf[2000];
    ck_assert_int_eq(vfs_read(s, fd, buf, 1000), 1000);
    ck_assert_int_eq(vfs_read(s, fd, buf + 1000, 1000), 500);
    ck_assert_int_eq(memcmp(buf, big_data, sizeof(big_data)), 0);
    ck_assert_int_eq(vfs_read(s, fd, buf, 10), 0);
    ck_assert_int_eq(vfs_seek(s, fd, -18, SEEK_END), 1482);
    ck_assert_int_eq(vfs_read(s, fd, buf, 3), 3);
    ck_assert_int_eq(memcmp(buf, "abc", 3), 0);
    ck_assert_int_eq(vfs_seek(s, fd, 5000, SEEK_SET), 5000);
    ck_assert_int_eq(vfs_read(s, fd, buf, 10), 0);
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.blocks, 3);
    ck_assert_int_eq(vfs_close(s, fd), 0);
}
END_TEST

START_TEST(initrd_is_read_only)
{
    struct vfs_stat st;
    ck_assert_int_eq(vfs_open(s, "/bin/hello", O_WRONLY, 0), -EROFS);
    ck_assert_int_eq(vfs_open(s, "/bin/hello", O_RDWR, 0), -EROFS);
    ck_assert_int_eq(vfs_open(s, "/bin/hello", O_RDONLY | O_TRUNC, 0), -EROFS);
    ck_assert_int_eq(vfs_open(s, "/bin/new", O_RDONLY | O_CREAT, 0644), -EROFS);
    ck_assert_int_eq(vfs_open(s, "/bin/hello", O_RDONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    int fd = open_ok("/bin/hello", O_RDONLY | O_CREAT); /* exists: fine */
    ck_assert_int_eq(vfs_write(s, fd, "x", 1), -EBADF);
    ck_assert_int_eq(vfs_ftruncate(s, fd, 0), -EINVAL);
    ck_assert_int_eq(vfs_close(s, fd), 0);

    ck_assert_int_eq(vfs_mkdir(s, "/new", 0755), -EROFS);
    ck_assert_int_eq(vfs_mkdir(s, "/bin", 0755), -EEXIST);
    ck_assert_int_eq(vfs_unlink(s, "/bin/hello"), -EROFS);
    ck_assert_int_eq(vfs_unlink(s, "/bin/none"), -ENOENT);
    ck_assert_int_eq(vfs_rmdir(s, "/empty"), -EROFS);
    ck_assert_int_eq(vfs_rename(s, "/bin/hello", "/bin/hi"), -EROFS);
    ck_assert_int_eq(vfs_link(s, "/bin/hello", "/bin/hi"), -EROFS);
    ck_assert_int_eq(vfs_stat(s, "/bin/hi", &st), -ENOENT);
    ck_assert_str_eq(read_file("/bin/hello"), HELLO);
}
END_TEST

/* ---- paths ----------------------------------------------------------------------- */

START_TEST(path_resolution)
{
    struct vfs_stat root = stat_ok("/"), st;
    ck_assert_uint_eq(stat_ok("/..").ino, root.ino);
    ck_assert_uint_eq(stat_ok("/../..").ino, root.ino);
    ck_assert_uint_eq(stat_ok("//bin///hello").ino, stat_ok("/bin/hello").ino);
    ck_assert_uint_eq(stat_ok("/bin/./../etc/./motd").ino, stat_ok("/etc/motd").ino);
    ck_assert_uint_eq(stat_ok("/bin/").ino, stat_ok("/bin").ino);
    ck_assert_uint_eq(stat_ok(".").ino, root.ino);

    ck_assert_int_eq(vfs_stat(s, "", &st), -ENOENT);
    ck_assert_int_eq(vfs_stat(s, "/none", &st), -ENOENT);
    ck_assert_int_eq(vfs_stat(s, "/none/x", &st), -ENOENT);
    ck_assert_int_eq(vfs_stat(s, "/etc/motd/", &st), -ENOTDIR);
    ck_assert_int_eq(vfs_stat(s, "/etc/motd/x", &st), -ENOTDIR);
    ck_assert_int_eq(vfs_stat(s, "/etc/motd/..", &st), -ENOTDIR);

    /* Relative paths and "..". */
    ck_assert_int_eq(vfs_chdir(s, "bin"), 0);
    ck_assert_str_eq(read_file("hello"), HELLO);
    ck_assert_str_eq(read_file("../etc/motd"), MOTD);
    ck_assert_str_eq(read_file("./../bin/../bin/hello"), HELLO);
    ck_assert_int_eq(vfs_chdir(s, "hello"), -ENOTDIR);
    ck_assert_int_eq(vfs_chdir(s, "none"), -ENOENT);
    char cwd[64];
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 4);
    ck_assert_str_eq(cwd, "/bin");
    ck_assert_int_eq(vfs_getcwd(s, cwd, 4), -ERANGE);
    ck_assert_int_eq(vfs_getcwd(s, cwd, 5), 4);

    /* ".." at a mount's root is the covered directory's parent. */
    ck_assert_uint_eq(stat_ok("/tmp/..").ino, root.ino);
    ck_assert_uint_eq(stat_ok("/dev/../bin/hello").ino, stat_ok("/bin/hello").ino);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/a", 0755), 0);
    ck_assert_int_eq(vfs_chdir(s, "/tmp/a"), 0);
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 6);
    ck_assert_str_eq(cwd, "/tmp/a");
    ck_assert_uint_eq(stat_ok("../../bin").ino, stat_ok("/bin").ino);
    ck_assert_int_eq(vfs_chdir(s, "../.."), 0);
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 1);
    ck_assert_int_eq(vfs_chdir(s, "/dev"), 0);
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 4);
    ck_assert_str_eq(cwd, "/dev");
}
END_TEST

START_TEST(path_limits)
{
    static char path[VFS_PATH_MAX + 8];
    struct vfs_stat st;

    /* VFS_PATH_MAX - 1 bytes resolve; one more does not. */
    memset(path, '/', VFS_PATH_MAX - 1);
    path[VFS_PATH_MAX - 1] = '\0';
    memcpy(path + VFS_PATH_MAX - 1 - 3, "bin", 3);
    ck_assert_int_eq(vfs_stat(s, path, &st), 0);
    memset(path, '/', VFS_PATH_MAX);
    path[VFS_PATH_MAX] = '\0';
    memcpy(path + VFS_PATH_MAX - 3, "bin", 3);
    ck_assert_int_eq(vfs_stat(s, path, &st), -ENAMETOOLONG);
    ck_assert_int_eq(vfs_open(s, path, O_RDONLY, 0), -ENAMETOOLONG);
    ck_assert_int_eq(vfs_mkdir(s, path, 0755), -ENAMETOOLONG);

    /* A component of VFS_NAME_MAX bytes is fine; one more is not, even
     * in the middle of a path or where nothing exists. */
    path[0] = '/';
    memcpy(path + 1, "tmp/", 4);
    memset(path + 5, 'n', VFS_NAME_MAX);
    path[5 + VFS_NAME_MAX] = '\0';
    ck_assert_int_eq(vfs_mkdir(s, path, 0755), 0);
    ck_assert_int_eq(vfs_stat(s, path, &st), 0);
    ck_assert_uint_eq(strlen(list_dir("/tmp", 8)), strlen(".:4 ..:4 ") + VFS_NAME_MAX + 2);
    path[5 + VFS_NAME_MAX] = 'n';
    path[6 + VFS_NAME_MAX] = '\0';
    ck_assert_int_eq(vfs_stat(s, path, &st), -ENAMETOOLONG);
    ck_assert_int_eq(vfs_open(s, path, O_RDWR | O_CREAT, 0644), -ENAMETOOLONG);
    strcat(path, "/x");
    ck_assert_int_eq(vfs_stat(s, path, &st), -ENAMETOOLONG);
}
END_TEST

/* A tree deeper than any path: getcwd says ENAMETOOLONG, relative paths
 * still work, and shutdown frees it without recursing. */
START_TEST(deep_tree)
{
    ck_assert_int_eq(vfs_chdir(s, "/tmp"), 0);
    for (int i = 0; i < 3000; i++) {
        CHECK(vfs_mkdir(s, "dd", 0755) == 0, "mkdir at depth %d", i);
        CHECK(vfs_chdir(s, "dd") == 0, "chdir at depth %d", i);
    }
    write_file("leaf", "bottom");
    char cwd[VFS_PATH_MAX];
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), -ENAMETOOLONG);
    ck_assert_int_eq(vfs_chdir(s, "../../.."), 0);
    ck_assert_str_eq(read_file("dd/dd/dd/leaf"), "bottom");
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/dd"), -ENOTEMPTY);
}
END_TEST

START_TEST(removed_cwd)
{
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d", 0755), 0);
    ck_assert_int_eq(vfs_chdir(s, "/tmp/d"), 0);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d"), 0);
    char cwd[64];
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), -ENOENT);
    struct vfs_stat st = stat_ok(".");
    ck_assert_uint_eq(st.nlink, 0);
    ck_assert_int_eq(vfs_open(s, "x", O_RDWR | O_CREAT, 0644), -ENOENT);
    ck_assert_int_eq(vfs_mkdir(s, "x", 0755), -ENOENT);
    ck_assert_int_eq(vfs_stat(s, "..", &st), -ENOENT);
    ck_assert_str_eq(list_dir(".", 8), ".:4 ..:4");
    ck_assert_int_eq(vfs_chdir(s, "/"), 0); /* the directory is freed now */
    ck_assert_int_eq(vfs_stat(s, "/tmp/d", &st), -ENOENT);
}
END_TEST

/* ---- tmpfs --------------------------------------------------------------------- */

START_TEST(tmpfs_files)
{
    struct vfs_stat st;
    int fd = open_ok("/tmp/f", O_RDWR | O_CREAT | O_EXCL);
    ck_assert_int_eq(vfs_open(s, "/tmp/f", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.mode, S_IFREG | 0644);
    ck_assert_uint_eq(st.size, 0);
    ck_assert_uint_eq(st.nlink, 1);
    ck_assert_uint_eq(st.dev, stat_ok("/tmp").dev);
    ck_assert_int_eq(vfs_write(s, fd, "hello world", 11), 11);
    ck_assert_int_eq(vfs_write(s, fd, "", 0), 0);
    ck_assert_int_eq(vfs_seek(s, fd, 6, SEEK_SET), 6);
    char buf[32] = { 0 };
    ck_assert_int_eq(vfs_read(s, fd, buf, sizeof(buf)), 5);
    ck_assert_str_eq(buf, "world");
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_CUR), 11);
    ck_assert_int_eq(vfs_seek(s, fd, -5, SEEK_CUR), 6);
    ck_assert_int_eq(vfs_write(s, fd, "W", 1), 1);
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_END), 11);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_str_eq(read_file("/tmp/f"), "hello World");

    /* O_APPEND writes at the end whatever the offset. */
    fd = open_ok("/tmp/f", O_WRONLY | O_APPEND);
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(vfs_write(s, fd, "!", 1), 1);
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_CUR), 12);
    ck_assert_int_eq(vfs_read(s, fd, buf, 1), -EBADF);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_str_eq(read_file("/tmp/f"), "hello World!");

    /* O_TRUNC. */
    fd = open_ok("/tmp/f", O_WRONLY | O_TRUNC);
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.size, 0);
    ck_assert_uint_eq(st.blocks, 0);
    ck_assert_int_eq(vfs_close(s, fd), 0);

    /* A write past the end leaves a hole of zeros. */
    fd = open_ok("/tmp/f", O_RDWR);
    ck_assert_int_eq(vfs_seek(s, fd, 10000, SEEK_SET), 10000);
    ck_assert_int_eq(vfs_write(s, fd, "end", 3), 3);
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.size, 10003);
    ck_assert_uint_eq(st.blocks, 8); /* one 4 KiB block */
    static char big[10003];
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(vfs_read(s, fd, big, sizeof(big)), 10003);
    for (int i = 0; i < 10000; i++)
        CHECK(big[i] == 0, "hole byte %d", i);
    ck_assert_int_eq(memcmp(big + 10000, "end", 3), 0);

    /* ftruncate shrinks, and growing again reads zeros. */
    ck_assert_int_eq(vfs_ftruncate(s, fd, 10001), 0);
    ck_assert_int_eq(vfs_ftruncate(s, fd, 20000), 0);
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.size, 20000);
    ck_assert_int_eq(vfs_seek(s, fd, 10000, SEEK_SET), 10000);
    ck_assert_int_eq(vfs_read(s, fd, buf, 4), 4);
    ck_assert_int_eq(memcmp(buf, "e\0\0\0", 4), 0);
    ck_assert_int_eq(vfs_ftruncate(s, fd, 0), 0);
    ck_assert_int_eq(vfs_read(s, fd, buf, 4), 0);
    ck_assert_int_eq(vfs_ftruncate(s, fd, -1), -EINVAL);
    ck_assert_int_eq(vfs_ftruncate(s, fd, (off_t)1 << 41), -EFBIG);
    ck_assert_int_eq(vfs_ftruncate(s, 40, 0), -EBADF);

    /* Offsets: negative and past 2^40 are refused; writing at 2^40 is EFBIG. */
    ck_assert_int_eq(vfs_seek(s, fd, -1, SEEK_SET), -EINVAL);
    ck_assert_int_eq(vfs_seek(s, fd, (off_t)1 << 40 | 1, SEEK_SET), -EINVAL);
    ck_assert_int_eq(vfs_seek(s, fd, 0, 42), -EINVAL);
    ck_assert_int_eq(vfs_seek(s, fd, (off_t)1 << 40, SEEK_SET), (off_t)1 << 40);
    ck_assert_int_eq(vfs_seek(s, fd, 1, SEEK_CUR), -EINVAL);
    ck_assert_int_eq(vfs_write(s, fd, "x", 1), -EFBIG);
    ck_assert_int_eq(vfs_read(s, fd, buf, 1), 0);
    ck_assert_int_eq(vfs_seek(s, fd, ((off_t)1 << 40) - 2, SEEK_SET), ((off_t)1 << 40) - 2);
    ck_assert_int_eq(vfs_write(s, fd, "xyz", 3), 2); /* up to the limit */
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_uint_eq(stat_ok("/tmp/f").size, 1ull << 40);
    ck_assert_uint_eq(stat_ok("/tmp/f").blocks, 8);
    ck_assert_int_eq(vfs_seek(s, 40, 0, SEEK_SET), -EBADF);
}
END_TEST

START_TEST(large_file)
{
    enum { CHUNK = 64 * 1024, TOTAL = 16 * 1024 * 1024 };
    static uint32_t chunk[CHUNK / 4];
    int fd = open_ok("/tmp/large", O_RDWR | O_CREAT);
    for (uint32_t off = 0; off < TOTAL; off += CHUNK) {
        for (uint32_t i = 0; i < CHUNK / 4; i++)
            chunk[i] = (off / 4 + i) * 2654435761u;
        CHECK(vfs_write(s, fd, chunk, CHUNK) == CHUNK, "write at %u", off);
    }
    struct vfs_stat st;
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.size, TOTAL);
    ck_assert_uint_eq(st.blocks, TOTAL / 512);
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_SET), 0);
    /* Read back in pieces that straddle blocks. */
    uint32_t expect = 0;
    static uint32_t piece[3000];
    for (uint32_t done = 0; done < TOTAL;) {
        ssize_t n = vfs_read(s, fd, piece, sizeof(piece));
        CHECK(n > 0 && n % 4 == 0, "read at %u: %zd", done, n);
        for (ssize_t i = 0; i < n / 4; i++, expect++)
            CHECK(piece[i] == expect * 2654435761u, "word %u", expect);
        done += (uint32_t)n;
    }
    ck_assert_int_eq(vfs_read(s, fd, piece, sizeof(piece)), 0);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/large"), 0);
}
END_TEST

START_TEST(directories)
{
    struct vfs_stat st;
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d", 0750), 0);
    st = stat_ok("/tmp/d");
    ck_assert_uint_eq(st.mode, S_IFDIR | 0750);
    ck_assert_uint_eq(st.nlink, 2);
    ck_assert_uint_eq(stat_ok("/tmp").nlink, 3);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d", 0755), -EEXIST);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d/", 0755), -EEXIST);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d/.", 0755), -EEXIST);
    ck_assert_int_eq(vfs_mkdir(s, "/", 0755), -EEXIST);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/none/x", 0755), -ENOENT);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/e/", 0755), 0);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d/sub", 0755), 0);
    ck_assert_uint_eq(stat_ok("/tmp/d").nlink, 3);
    write_file("/tmp/d/file", "x");
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d/file/x", 0755), -ENOTDIR);

    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d"), -ENOTEMPTY);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d/file"), -ENOTDIR);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d/."), -EINVAL);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d/sub/.."), -ENOTEMPTY);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/none"), -ENOENT);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/d/sub"), -EISDIR);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/d/."), -EISDIR);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/d/file/"), -ENOTDIR);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/d/none"), -ENOENT);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/d/file"), 0);
    ck_assert_int_eq(vfs_stat(s, "/tmp/d/file", &st), -ENOENT);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d/sub/"), 0);
    ck_assert_uint_eq(stat_ok("/tmp/d").nlink, 2);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/d"), 0);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/e"), 0);
    ck_assert_uint_eq(stat_ok("/tmp").nlink, 2);
    ck_assert_str_eq(list_dir("/tmp", 8), ".:4 ..:4");

    /* Directories open read-only, and only for readdir. */
    ck_assert_int_eq(vfs_open(s, "/tmp", O_WRONLY, 0), -EISDIR);
    ck_assert_int_eq(vfs_open(s, "/tmp", O_RDWR, 0), -EISDIR);
    ck_assert_int_eq(vfs_open(s, "/tmp", O_RDONLY | O_CREAT, 0644), -EISDIR);
    ck_assert_int_eq(vfs_open(s, "/tmp/new/", O_RDWR | O_CREAT, 0644), -EISDIR);
    ck_assert_int_eq(vfs_open(s, "/etc/motd", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    ck_assert_int_eq(vfs_open(s, "/tmp/x", O_ACCMODE, 0), -EINVAL);
    ck_assert_int_eq(vfs_open(s, "/tmp/none", O_RDONLY, 0), -ENOENT);
    int fd = open_ok("/tmp", O_RDONLY);
    char c;
    ck_assert_int_eq(vfs_read(s, fd, &c, 1), -EISDIR);
    ck_assert_int_eq(vfs_close(s, fd), 0);
}
END_TEST

START_TEST(rename_semantics)
{
    struct vfs_stat st;
    write_file("/tmp/a", "A");
    write_file("/tmp/b", "B");
    ck_assert_int_eq(vfs_rename(s, "/tmp/a", "/tmp/b"), 0); /* replaces */
    ck_assert_str_eq(read_file("/tmp/b"), "A");
    ck_assert_int_eq(vfs_stat(s, "/tmp/a", &st), -ENOENT);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/tmp/b"), 0);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/tmp//./b"), 0);
    ck_assert_int_eq(vfs_link(s, "/tmp/b", "/tmp/b2"), 0);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/tmp/b2"), 0); /* one file: no-op */
    ck_assert_uint_eq(stat_ok("/tmp/b").nlink, 2);
    ck_assert_int_eq(vfs_rename(s, "/tmp/none", "/tmp/c"), -ENOENT);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/tmp/none/c"), -ENOENT);

    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d", 0755), 0);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d/sub", 0755), 0);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/full", 0755), 0);
    write_file("/tmp/full/x", "x");
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/empty", 0755), 0);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d", "/tmp/full"), -ENOTEMPTY);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d", "/tmp/b"), -ENOTDIR);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/tmp/d"), -EISDIR);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/tmp/c/"), -ENOTDIR);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b/", "/tmp/c"), -ENOTDIR);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d", "/tmp/d/sub/in"), -EINVAL);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d", "/tmp/d/in"), -EINVAL);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d/.", "/tmp/x"), -EINVAL);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d", "/tmp/.."), -EINVAL);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d/sub", "/tmp/d"), -ENOTEMPTY);

    /* A directory onto an empty one, and across directories: ".." and
     * link counts follow, and a cwd inside moves along. */
    ck_assert_int_eq(vfs_chdir(s, "/tmp/d/sub"), 0);
    ck_assert_int_eq(vfs_rename(s, "/tmp/d", "/tmp/empty"), 0);
    ck_assert_int_eq(vfs_stat(s, "/tmp/d", &st), -ENOENT);
    char cwd[64];
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 14);
    ck_assert_str_eq(cwd, "/tmp/empty/sub");
    ck_assert_int_eq(vfs_rename(s, "/tmp/empty/sub", "/tmp/full/sub2"), 0);
    ck_assert_int_eq(vfs_getcwd(s, cwd, sizeof(cwd)), 14);
    ck_assert_str_eq(cwd, "/tmp/full/sub2");
    ck_assert_uint_eq(stat_ok("..").ino, stat_ok("/tmp/full").ino);
    ck_assert_uint_eq(stat_ok("/tmp/full").nlink, 3);
    ck_assert_uint_eq(stat_ok("/tmp/empty").nlink, 2);
    ck_assert_uint_eq(stat_ok("/tmp").nlink, 4); /* full, empty */

    /* A file into another directory, replacing one that is open. */
    int fd = open_ok("/tmp/full/x", O_RDONLY);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b2", "/tmp/full/x"), 0);
    char buf[4] = { 0 };
    ck_assert_int_eq(vfs_read(s, fd, buf, 3), 1);
    ck_assert_str_eq(buf, "x");
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_str_eq(read_file("/tmp/full/x"), "A");
    ck_assert_uint_eq(stat_ok("/tmp/b").nlink, 2);

    /* Across mounts, and of mount points. */
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/b"), -EXDEV);
    ck_assert_int_eq(vfs_rename(s, "/bin/hello", "/tmp/hello"), -EXDEV);
    ck_assert_int_eq(vfs_rename(s, "/dev/null", "/dev/nil"), -EROFS);
    ck_assert_int_eq(vfs_rename(s, "/tmp", "/tmp2"), -EBUSY);
    ck_assert_int_eq(vfs_rename(s, "/", "/tmp/root"), -EBUSY);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/dev"), -EXDEV);
    ck_assert_int_eq(vfs_rename(s, "/tmp/b", "/"), -EBUSY);
}
END_TEST

START_TEST(hard_links)
{
    write_file("/tmp/one", "shared");
    ck_assert_int_eq(vfs_link(s, "/tmp/one", "/tmp/two"), 0);
    ck_assert_uint_eq(stat_ok("/tmp/one").ino, stat_ok("/tmp/two").ino);
    ck_assert_uint_eq(stat_ok("/tmp/two").nlink, 2);
    int fd = open_ok("/tmp/two", O_WRONLY | O_APPEND);
    ck_assert_int_eq(vfs_write(s, fd, "!", 1), 1);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_str_eq(read_file("/tmp/one"), "shared!");
    ck_assert_int_eq(vfs_link(s, "/tmp/one", "/tmp/two"), -EEXIST);
    ck_assert_int_eq(vfs_link(s, "/tmp/one", "/tmp/."), -EEXIST);
    ck_assert_int_eq(vfs_link(s, "/tmp/none", "/tmp/three"), -ENOENT);
    ck_assert_int_eq(vfs_link(s, "/tmp/one", "/tmp/none/three"), -ENOENT);
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d", 0755), 0);
    ck_assert_int_eq(vfs_link(s, "/tmp/d", "/tmp/d2"), -EPERM);
    ck_assert_int_eq(vfs_link(s, "/dev/null", "/tmp/null"), -EXDEV);
    ck_assert_int_eq(vfs_link(s, "/bin/hello", "/tmp/hello"), -EXDEV);
    ck_assert_int_eq(vfs_link(s, "/tmp/one", "/bin/one"), -EXDEV);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/one"), 0);
    ck_assert_uint_eq(stat_ok("/tmp/two").nlink, 1);
    ck_assert_str_eq(read_file("/tmp/two"), "shared!");
}
END_TEST

START_TEST(unlink_while_open)
{
    write_file("/tmp/f", "still here");
    int fd = open_ok("/tmp/f", O_RDWR);
    ck_assert_int_eq(vfs_unlink(s, "/tmp/f"), 0);
    struct vfs_stat st;
    ck_assert_int_eq(vfs_stat(s, "/tmp/f", &st), -ENOENT);
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.nlink, 0);
    char buf[16] = { 0 };
    ck_assert_int_eq(vfs_read(s, fd, buf, sizeof(buf) - 1), 10);
    ck_assert_str_eq(buf, "still here");
    ck_assert_int_eq(vfs_write(s, fd, "!", 1), 1);
    /* A new file of the same name is another file. */
    write_file("/tmp/f", "new");
    ck_assert_uint_ne(stat_ok("/tmp/f").ino, st.ino);
    ck_assert_int_eq(vfs_close(s, fd), 0); /* the data goes now */
    ck_assert_str_eq(read_file("/tmp/f"), "new");
}
END_TEST

START_TEST(mount_points)
{
    struct vfs_stat root = stat_ok("/"), tmp = stat_ok("/tmp"), dev = stat_ok("/dev");
    ck_assert_uint_ne(root.dev, tmp.dev);
    ck_assert_uint_ne(root.dev, dev.dev);
    ck_assert_uint_ne(tmp.dev, dev.dev);
    ck_assert_uint_eq(tmp.mode, S_IFDIR | 01777);
    ck_assert_uint_eq(stat_ok("/bin").dev, root.dev);
    ck_assert_uint_eq(stat_ok("/dev/null").dev, dev.dev);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp"), -EBUSY);
    ck_assert_int_eq(vfs_rmdir(s, "/dev/"), -EBUSY);
    ck_assert_int_eq(vfs_rmdir(s, "/"), -EBUSY);
    ck_assert_int_eq(vfs_unlink(s, "/tmp"), -EBUSY);
    ck_assert_int_eq(vfs_unlink(s, "/"), -EBUSY);
    ck_assert_int_eq(vfs_rename(s, "/dev", "/x"), -EBUSY);
    ck_assert_int_eq(vfs_rmdir(s, "/tmp/."), -EINVAL);

    /* Inode numbers are unique within each file system. */
    write_file("/tmp/a", "");
    write_file("/tmp/b", "");
    ck_assert_uint_ne(stat_ok("/tmp/a").ino, stat_ok("/tmp/b").ino);
    ck_assert_uint_ne(stat_ok("/tmp/a").ino, tmp.ino);
    ck_assert_uint_ne(stat_ok("/bin").ino, stat_ok("/etc").ino);
    ck_assert_uint_ne(stat_ok("/dev/null").ino, stat_ok("/dev/zero").ino);
}
END_TEST

START_TEST(devices)
{
    char buf[64];
    int fd = open_ok("/dev/null", O_RDWR | O_TRUNC);
    ck_assert_int_eq(vfs_read(s, fd, buf, sizeof(buf)), 0);
    ck_assert_int_eq(vfs_write(s, fd, "gone", 4), 4);
    ck_assert_int_eq(vfs_isatty(s, fd), -ENOTTY);
    struct vfs_stat st;
    ck_assert_int_eq(vfs_fstat(s, fd, &st), 0);
    ck_assert_uint_eq(st.mode, S_IFCHR | 0666);
    ck_assert_uint_eq(st.rdev, (1u << 8) | 3);
    ck_assert_int_eq(vfs_close(s, fd), 0);

    fd = open_ok("/dev/zero", O_RDWR);
    memset(buf, 'x', sizeof(buf));
    ck_assert_int_eq(vfs_read(s, fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        ck_assert_int_eq(buf[i], 0);
    ck_assert_int_eq(vfs_write(s, fd, "x", 1), 1);
    ck_assert_int_eq(vfs_close(s, fd), 0);

    const char *randoms[] = { "/dev/random", "/dev/urandom" };
    for (int r = 0; r < 2; r++) {
        fd = open_ok(randoms[r], O_RDONLY);
        ck_assert_int_eq(vfs_read(s, fd, buf, 16), 16);
        for (int i = 0; i < 16; i++)
            ck_assert_uint_eq((uint8_t)buf[i], (uint8_t)(0xa5 ^ i));
        ck_assert_int_eq(vfs_close(s, fd), 0);
    }

    fd = open_ok("/dev/console", O_WRONLY);
    ck_assert_int_eq(vfs_write(s, fd, "to the console", 14), 14);
    ck_assert_str_eq(console_text, "to the console");
    ck_assert_int_eq(vfs_isatty(s, fd), 1);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_int_eq(vfs_isatty(s, fd), -EBADF);
    fd = open_ok("/etc/motd", O_RDONLY);
    ck_assert_int_eq(vfs_isatty(s, fd), -ENOTTY);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    fd = open_ok("/dev/tty0", O_RDWR);
    ck_assert_int_eq(vfs_isatty(s, fd), VFS_TTY_TERMINAL + CONSOLE_TERM_SCREEN);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    fd = open_ok("/dev/ttyS0", O_RDWR);
    ck_assert_int_eq(vfs_isatty(s, fd), VFS_TTY_TERMINAL + CONSOLE_TERM_SERIAL);

    ck_assert_int_eq(vfs_open(s, "/dev/new", O_WRONLY | O_CREAT, 0644), -EROFS);
    ck_assert_int_eq(vfs_mkdir(s, "/dev/dir", 0755), -EROFS);
    ck_assert_int_eq(vfs_unlink(s, "/dev/null"), -EROFS);
    ck_assert_int_eq(vfs_link(s, "/dev/null", "/dev/nil"), -EROFS);
    ck_assert_int_eq(vfs_stat(s, "/dev/null", &st), 0);
}
END_TEST

/* ---- readdir -------------------------------------------------------------------- */

START_TEST(readdir_listings)
{
    ck_assert_str_eq(list_dir("/", 8),
                     ".:4 ..:4 dev:4 tmp:4 bin:4 etc:4 empty:4 big:8");
    ck_assert_str_eq(list_dir("/", 1), list_dir("/", 3));
    ck_assert_str_eq(list_dir("/dev", 8),
                     ".:4 ..:4 null:2 zero:2 random:2 urandom:2 console:2 tty0:2 ttyS0:2");
    ck_assert_str_eq(list_dir("/bin", 8), ".:4 ..:4 hello:8");
    ck_assert_str_eq(list_dir("/tmp", 8), ".:4 ..:4");
    write_file("/tmp/f", "");
    ck_assert_int_eq(vfs_mkdir(s, "/tmp/d", 0755), 0);
    int fds[2];
    ck_assert_int_eq(vfs_pipe(s, fds), 0);
    ck_assert_str_eq(list_dir("/tmp", 8), ".:4 ..:4 f:8 d:4");

    /* Inode numbers: "." itself, ".." of a mount root is the parent's, and
     * a mount point shows the mounted root. */
    struct vfs_dirent d[8];
    int fd = open_ok("/tmp", O_RDONLY);
    ck_assert_int_eq(vfs_readdir(s, fd, d, 8), 4);
    ck_assert_uint_eq(d[0].ino, stat_ok("/tmp").ino);
    ck_assert_uint_eq(d[1].ino, stat_ok("/").ino);
    ck_assert_uint_eq(d[2].ino, stat_ok("/tmp/f").ino);
    ck_assert_int_eq(vfs_readdir(s, fd, d, 8), 0);
    /* Rewinding, and entries removed while reading. */
    ck_assert_int_eq(vfs_seek(s, fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(vfs_readdir(s, fd, d, 3), 3);
    ck_assert_str_eq(d[2].name, "f");
    ck_assert_int_eq(vfs_unlink(s, "/tmp/f"), 0);
    ck_assert_int_eq(vfs_readdir(s, fd, d, 8), 1);
    ck_assert_str_eq(d[0].name, "d");
    ck_assert_int_eq(vfs_readdir(s, fd, d, 0), 0);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    fd = open_ok("/", O_RDONLY);
    ck_assert_int_eq(vfs_readdir(s, fd, d, 8), 8);
    ck_assert_uint_eq(d[1].ino, d[0].ino); /* ".." of "/" */
    ck_assert_uint_eq(d[3].ino, stat_ok("/tmp").ino);
    ck_assert_int_eq(vfs_close(s, fd), 0);

    fd = open_ok("/etc/motd", O_RDONLY);
    ck_assert_int_eq(vfs_readdir(s, fd, d, 8), -ENOTDIR);
    ck_assert_int_eq(vfs_readdir(s, fds[0], d, 8), -ENOTDIR);
    ck_assert_int_eq(vfs_readdir(s, 50, d, 8), -EBADF);
}
END_TEST

/* ---- descriptors ---------------------------------------------------------------- */

START_TEST(dup_and_fcntl)
{
    write_file("/tmp/f", "abcdef");
    int fd = open_ok("/tmp/f", O_RDWR | O_CLOEXEC);
    ck_assert_int_eq(fd, 3);
    int d = vfs_dup(s, fd, 0);
    ck_assert_int_eq(d, 4);
    ck_assert_int_eq(vfs_fcntl(s, fd, F_GETFD, 0), FD_CLOEXEC);
    ck_assert_int_eq(vfs_fcntl(s, d, F_GETFD, 0), 0);
    char c;
    ck_assert_int_eq(vfs_read(s, fd, &c, 1), 1);
    ck_assert_int_eq(vfs_read(s, d, &c, 1), 1);
    ck_assert_int_eq(c, 'b'); /* one shared offset */
    ck_assert_int_eq(vfs_seek(s, d, 0, SEEK_CUR), 2);

    ck_assert_int_eq(vfs_dup(s, fd, 10), 10);
    ck_assert_int_eq(vfs_dup(s, fd, 10), 11);
    ck_assert_int_eq(vfs_dup(s, fd, -1), -EINVAL);
    ck_assert_int_eq(vfs_dup(s, fd, VFS_MAX_FDS), -EINVAL);
    ck_assert_int_eq(vfs_dup(s, 30, 0), -EBADF);
    ck_assert_int_eq(vfs_dup2(s, fd, 20), 20);
    ck_assert_int_eq(vfs_read(s, 20, &c, 1), 1);
    ck_assert_int_eq(c, 'c');
    ck_assert_int_eq(vfs_dup2(s, fd, fd), fd);
    ck_assert_int_eq(vfs_fcntl(s, fd, F_GETFD, 0), FD_CLOEXEC); /* unchanged */
    ck_assert_int_eq(vfs_dup2(s, 0, 20), 20); /* closes what 20 was */
    ck_assert_int_eq(vfs_isatty(s, 20), 1);
    ck_assert_int_eq(vfs_dup2(s, 30, 21), -EBADF);
    ck_assert_int_eq(vfs_dup2(s, fd, -1), -EBADF);
    ck_assert_int_eq(vfs_dup2(s, fd, VFS_MAX_FDS), -EBADF);

    ck_assert_int_eq(vfs_fcntl(s, fd, F_SETFD, 0), 0);
    ck_assert_int_eq(vfs_fcntl(s, fd, F_GETFD, 0), 0);
    ck_assert_int_eq(vfs_fcntl(s, fd, F_SETFD, FD_CLOEXEC), 0);
    ck_assert_int_eq(vfs_fcntl(s, d, F_GETFD, 0), 0); /* per descriptor */
    ck_assert_int_eq(vfs_fcntl(s, fd, F_GETFL, 0), O_RDWR);
    ck_assert_int_eq(vfs_fcntl(s, fd, F_SETFL, O_APPEND | O_NONBLOCK | O_WRONLY), 0);
    ck_assert_int_eq(vfs_fcntl(s, d, F_GETFL, 0), O_RDWR | O_APPEND | O_NONBLOCK);
    ck_assert_int_eq(vfs_write(s, d, "!", 1), 1);
    ck_assert_str_eq(read_file("/tmp/f"), "abcdef!");
    ck_assert_int_eq(vfs_fcntl(s, fd, F_DUPFD, 5), 5);
    ck_assert_int_eq(vfs_fcntl(s, fd, F_DUPFD, VFS_MAX_FDS), -EINVAL);
    ck_assert_int_eq(vfs_fcntl(s, fd, 9999, 0), -EINVAL);
    ck_assert_int_eq(vfs_fcntl(s, 33, F_GETFD, 0), -EBADF);

    ck_assert_int_eq(vfs_close(s, fd), 0);
    ck_assert_int_eq(vfs_close(s, fd), -EBADF);
    ck_assert_int_eq(vfs_close(s, -1), -EBADF);
    ck_assert_int_eq(vfs_close(s, VFS_MAX_FDS), -EBADF);
    ck_assert_int_eq(vfs_read(s, d, &c, 1), 0); /* still open through d */
    ck_assert_int_eq(vfs_read(s, fd, &c, 1), -EBADF);
    ck_assert_int_eq(vfs_write(s, fd, &c, 1), -EBADF);
    struct vfs_stat st;
    ck_assert_int_eq(vfs_fstat(s, fd, &st), -EBADF);
}
END_TEST

START_TEST(descriptor_table_full)
{
    int fds[2];
    for (int i = 3; i < VFS_MAX_FDS - 1; i++)
        CHECK(vfs_open(s, "/etc/motd", O_RDONLY, 0) == i, "open %d", i);
    ck_assert_int_eq(vfs_pipe(s, fds), -EMFILE); /* one free: needs two */
    ck_assert_int_eq(vfs_open(s, "/etc/motd", O_RDONLY, 0), VFS_MAX_FDS - 1);
    ck_assert_int_eq(vfs_open(s, "/etc/motd", O_RDONLY, 0), -EMFILE);
    ck_assert_int_eq(vfs_open(s, "/tmp/new", O_RDWR | O_CREAT, 0644), -EMFILE);
    struct vfs_stat st;
    ck_assert_int_eq(vfs_stat(s, "/tmp/new", &st), -ENOENT); /* not made */
    ck_assert_int_eq(vfs_dup(s, 0, 0), -EMFILE);
    ck_assert_int_eq(vfs_fcntl(s, 0, F_DUPFD, 0), -EMFILE);
    ck_assert_int_eq(vfs_pipe(s, fds), -EMFILE);
    ck_assert_int_eq(vfs_close(s, 7), 0);
    ck_assert_int_eq(vfs_close(s, 9), 0);
    ck_assert_int_eq(vfs_pipe(s, fds), 0);
    ck_assert_int_eq(fds[0], 7);
    ck_assert_int_eq(fds[1], 9);
}
END_TEST

/* ---- pipes ----------------------------------------------------------------------- */

START_TEST(pipes)
{
    int fds[2];
    ck_assert_int_eq(vfs_pipe(s, fds), 0);
    ck_assert_int_eq(fds[0], 3);
    ck_assert_int_eq(fds[1], 4);
    struct vfs_stat st;
    ck_assert_int_eq(vfs_fstat(s, fds[0], &st), 0);
    ck_assert_uint_eq(st.mode & S_IFMT, S_IFIFO);
    ck_assert_uint_ne(st.dev, stat_ok("/").dev);
    ck_assert_uint_ne(st.dev, stat_ok("/tmp").dev);
    ck_assert_uint_ne(st.dev, stat_ok("/dev").dev);
    ck_assert_int_eq(vfs_seek(s, fds[0], 0, SEEK_SET), -ESPIPE);
    ck_assert_int_eq(vfs_seek(s, fds[1], 0, SEEK_CUR), -ESPIPE);
    ck_assert_int_eq(vfs_isatty(s, fds[0]), -ENOTTY);
    ck_assert_int_eq(vfs_fcntl(s, fds[0], F_GETFL, 0), O_RDONLY);
    ck_assert_int_eq(vfs_fcntl(s, fds[1], F_GETFL, 0), O_WRONLY);
    ck_assert_int_eq(vfs_ftruncate(s, fds[1], 0), -EINVAL);

    char buf[256];
    ck_assert_int_eq(vfs_read(s, fds[0], buf, sizeof(buf)), VFS_BLOCKED);
    ck_assert_int_eq(vfs_fcntl(s, fds[0], F_SETFL, O_NONBLOCK), 0);
    ck_assert_int_eq(vfs_read(s, fds[0], buf, sizeof(buf)), -EAGAIN);
    ck_assert_int_eq(vfs_fcntl(s, fds[0], F_SETFL, 0), 0);
    ck_assert_int_eq(vfs_write(s, fds[0], "x", 1), -EBADF);
    ck_assert_int_eq(vfs_read(s, fds[1], buf, 1), -EBADF);
    ck_assert_int_eq(vfs_write(s, fds[1], "hello", 5), 5);
    ck_assert_int_eq(vfs_write(s, fds[1], " pipe", 5), 5);
    ck_assert_int_eq(vfs_read(s, fds[0], buf, 7), 7);
    ck_assert_int_eq(memcmp(buf, "hello p", 7), 0);
    ck_assert_int_eq(vfs_read(s, fds[0], buf, sizeof(buf)), 3);
    ck_assert_int_eq(memcmp(buf, "ipe", 3), 0);

    /* A second write end keeps the pipe from ending; EOF when both go. */
    int w2 = vfs_dup(s, fds[1], 0);
    ck_assert_int_eq(vfs_close(s, fds[1]), 0);
    ck_assert_int_eq(vfs_read(s, fds[0], buf, 1), VFS_BLOCKED);
    ck_assert_int_eq(vfs_write(s, w2, "z", 1), 1);
    ck_assert_int_eq(vfs_close(s, w2), 0);
    ck_assert_int_eq(vfs_read(s, fds[0], buf, sizeof(buf)), 1);
    ck_assert_int_eq(vfs_read(s, fds[0], buf, sizeof(buf)), 0);
    ck_assert_int_eq(vfs_close(s, fds[0]), 0);

    /* No reader left: EPIPE. */
    ck_assert_int_eq(vfs_pipe(s, fds), 0);
    ck_assert_int_eq(vfs_close(s, fds[0]), 0);
    ck_assert_int_eq(vfs_write(s, fds[1], "x", 1), -EPIPE);
    ck_assert_int_eq(vfs_close(s, fds[1]), 0);
}
END_TEST

START_TEST(pipe_full_and_atomic)
{
    static uint8_t data[2 * VFS_PIPE_SIZE], out[2 * VFS_PIPE_SIZE];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + i / 251);
    int fds[2];
    ck_assert_int_eq(vfs_pipe(s, fds), 0);

    /* A large write takes what fits. */
    ck_assert_int_eq(vfs_write(s, fds[1], data, 100), 100);
    ck_assert_int_eq(vfs_write(s, fds[1], data + 100, VFS_PIPE_SIZE), VFS_PIPE_SIZE - 100);
    ck_assert_int_eq(vfs_write(s, fds[1], data, 1), VFS_BLOCKED);
    ck_assert_int_eq(vfs_write(s, fds[1], data, VFS_PIPE_BUF + 1), VFS_BLOCKED);
    ck_assert_int_eq(vfs_fcntl(s, fds[1], F_SETFL, O_NONBLOCK), 0);
    ck_assert_int_eq(vfs_write(s, fds[1], data, 1), -EAGAIN);
    ck_assert_int_eq(vfs_fcntl(s, fds[1], F_SETFL, 0), 0);

    /* Room for 4000: a 4096-byte write waits whole; a larger one splits. */
    ck_assert_int_eq(vfs_read(s, fds[0], out, 4000), 4000);
    ck_assert_int_eq(vfs_write(s, fds[1], data, VFS_PIPE_BUF), VFS_BLOCKED);
    ck_assert_int_eq(vfs_write(s, fds[1], data + VFS_PIPE_SIZE, 3000), 3000);
    ck_assert_int_eq(vfs_write(s, fds[1], data, VFS_PIPE_BUF + 1), 1000);
    ck_assert_int_eq(vfs_read(s, fds[0], out + 4000, sizeof(out) - 4000), VFS_PIPE_SIZE);
    ck_assert_int_eq(memcmp(out, data, VFS_PIPE_SIZE + 3000), 0); /* wrapped */
    ck_assert_int_eq(memcmp(out + VFS_PIPE_SIZE + 3000, data, 1000), 0);

    /* Wrapping many times keeps the order. */
    size_t in = 0, got = 0;
    while (got < 10 * VFS_PIPE_SIZE) {
        ssize_t w = vfs_write(s, fds[1], data + in % 1000, 3333);
        CHECK(w == 3333 || w == VFS_BLOCKED, "write %zd", w);
        if (w > 0)
            in += (size_t)w;
        ssize_t r = vfs_read(s, fds[0], out, 2500);
        CHECK(r > 0, "read %zd", r);
        got += (size_t)r;
        CHECK(got <= in, "read more than written");
    }
    ck_assert_int_eq(vfs_close(s, fds[1]), 0);
    while (vfs_read(s, fds[0], out, sizeof(out)) > 0)
        ;
    ck_assert_int_eq(vfs_close(s, fds[0]), 0);
}
END_TEST

/* ---- spawn ------------------------------------------------------------------------ */

static struct spawn_msg msg;
static struct spawn_msg_action actions[SPAWN_MSG_MAX_ACTIONS];

static void msg_start(const char *path)
{
    memset(&msg, 0, sizeof(msg));
    memset(actions, 0, sizeof(actions));
    msg.path = path;
    msg.argv[0] = path;
    msg.argc = 1;
    msg.actions = actions;
}

static void msg_action(uint32_t kind, int fd, int newfd, const char *path, int flags)
{
    size_t i = msg.action_count++;
    actions[i] = (struct spawn_msg_action){ .kind = kind, .fd = fd, .newfd = newfd,
                                            .flags = flags, .mode = 0644 };
    msg.action_path[i] = path;
}

START_TEST(spawn_program)
{
    const void *data;
    size_t size;
    msg_start("bin/hello"); /* in the parent's cwd, "/" */
    ck_assert_int_eq(vfs_spawn(s, 2, &msg, &data, &size), 0);
    ck_assert_uint_eq(size, strlen(HELLO));
    ck_assert_int_eq(memcmp(data, HELLO, size), 0);
    struct vfs_session *c = vfs_session_find(2);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(open_count(c), 3);
    ck_assert_int_eq(vfs_spawn(s, 2, &msg, &data, &size), -EEXIST);
    ck_assert_int_eq(vfs_spawn(s, 0, &msg, &data, &size), -EINVAL);

    const struct { const char *path; int err; } bad[] = {
        { "/bin", -EACCES },     { "/dev/null", -EACCES },   { "/bin/none", -ENOENT },
        { "/etc/motd/x", -ENOTDIR }, { "/bin/hello/", -ENOTDIR }, { "", -ENOENT },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        msg_start(bad[i].path);
        ck_assert_int_eq(vfs_spawn(s, 3, &msg, &data, &size), bad[i].err);
        ck_assert_ptr_null(vfs_session_find(3));
    }

    /* From tmpfs: the bytes in one piece, holes included. */
    ck_assert_int_eq(vfs_chdir(s, "/tmp"), 0);
    int fd = open_ok("prog", O_RDWR | O_CREAT);
    ck_assert_int_eq(vfs_write(s, fd, "head", 4), 4);
    ck_assert_int_eq(vfs_seek(s, fd, 9000, SEEK_SET), 9000);
    ck_assert_int_eq(vfs_write(s, fd, "tail", 4), 4);
    msg_start("prog");
    ck_assert_int_eq(vfs_spawn(s, 3, &msg, &data, &size), 0);
    ck_assert_uint_eq(size, 9004);
    const char *bytes = data;
    ck_assert_int_eq(memcmp(bytes, "head", 4), 0);
    ck_assert_int_eq(bytes[4], 0);
    ck_assert_int_eq(bytes[8999], 0);
    ck_assert_int_eq(memcmp(bytes + 9000, "tail", 4), 0);
    char cwd[16];
    ck_assert_int_eq(vfs_getcwd(vfs_session_find(3), cwd, sizeof(cwd)), 4);

    /* Without a parent: the console on 0-2, cwd "/". */
    msg_start("/tmp/prog");
    ck_assert_int_eq(vfs_spawn(NULL, 4, &msg, &data, &size), 0);
    ck_assert_uint_eq(size, 9004);
    struct vfs_session *orphan = vfs_session_find(4);
    ck_assert_int_eq(open_count(orphan), 3);
    ck_assert_int_eq(vfs_isatty(orphan, 2), 1);
    ck_assert_int_eq(vfs_getcwd(orphan, cwd, sizeof(cwd)), 1);
    ck_assert_int_eq(vfs_close(s, fd), 0);
}
END_TEST

START_TEST(spawn_file_actions)
{
    const void *data;
    size_t size;
    int keep = open_ok("/etc/motd", O_RDONLY);                  /* 3 */
    int cloexec = open_ok("/bin/hello", O_RDONLY | O_CLOEXEC);  /* 4 */
    int moved = open_ok("/big", O_RDONLY | O_CLOEXEC);          /* 5 */

    msg_start("/bin/hello");
    msg_action(SPAWN_ACTION_OPEN, 0, 1, "tmp/out", O_WRONLY | O_CREAT | O_TRUNC);
    msg_action(SPAWN_ACTION_DUP2, 1, 2, NULL, 0);
    msg_action(SPAWN_ACTION_CLOSE, 0, 0, NULL, 0);
    msg_action(SPAWN_ACTION_CLOSE, 40, 0, NULL, 0);     /* not open: fine */
    msg_action(SPAWN_ACTION_DUP2, moved, 9, NULL, 0);   /* the copy is kept */
    msg_action(SPAWN_ACTION_DUP2, keep, keep, NULL, 0);
    msg_action(SPAWN_ACTION_OPEN, 0, 7, "/etc/motd", O_RDONLY);
    ck_assert_int_eq(vfs_spawn(s, 2, &msg, &data, &size), 0);
    struct vfs_session *c = vfs_session_find(2);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(vfs_fcntl(c, 0, F_GETFD, 0), -EBADF);
    ck_assert_int_eq(vfs_write(c, 1, "one ", 4), 4);
    ck_assert_int_eq(vfs_write(c, 2, "two", 3), 3); /* same description */
    ck_assert_str_eq(read_file("/tmp/out"), "one two");
    ck_assert_int_eq(vfs_fcntl(c, keep, F_GETFD, 0), 0);
    ck_assert_int_eq(vfs_fcntl(c, cloexec, F_GETFD, 0), -EBADF);
    ck_assert_int_eq(vfs_fcntl(c, moved, F_GETFD, 0), -EBADF);
    ck_assert_int_eq(vfs_fcntl(c, 9, F_GETFD, 0), 0);
    char buf[4];
    ck_assert_int_eq(vfs_read(c, 7, buf, 4), 4);
    ck_assert_int_eq(memcmp(buf, "welc", 4), 0);
    ck_assert_int_eq(open_count(c), 5); /* 1 2 3 7 9 */
    ck_assert_int_eq(open_count(s), 6); /* the parent's are untouched */
    ck_assert_int_eq(vfs_isatty(s, 1), 1);

    /* Any failing action: an error and no child session. */
    const struct { uint32_t kind; int fd, newfd; const char *path; int flags; int err; } bad[] = {
        { SPAWN_ACTION_OPEN, 0, 5, "/tmp/none", O_RDONLY, -ENOENT },
        { SPAWN_ACTION_OPEN, 0, 5, "/bin/x", O_WRONLY | O_CREAT, -EROFS },
        { SPAWN_ACTION_OPEN, 0, 64, "/etc/motd", O_RDONLY, -EBADF },
        { SPAWN_ACTION_OPEN, 0, 5, NULL, O_RDONLY, -EINVAL },
        { SPAWN_ACTION_DUP2, 30, 5, NULL, 0, -EBADF },
        { SPAWN_ACTION_DUP2, 30, 30, NULL, 0, -EBADF },
        { SPAWN_ACTION_DUP2, 3, 64, NULL, 0, -EBADF },
        { SPAWN_ACTION_CLOSE, -1, 0, NULL, 0, -EBADF },
        { 99, 0, 0, NULL, 0, -EINVAL },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        msg_start("/bin/hello");
        msg_action(SPAWN_ACTION_OPEN, 0, 8, "/tmp/made", O_WRONLY | O_CREAT);
        msg_action(SPAWN_ACTION_DUP2, 0, 6, NULL, 0);
        msg_action(bad[i].kind, bad[i].fd, bad[i].newfd, bad[i].path, bad[i].flags);
        msg_action(SPAWN_ACTION_CLOSE, 6, 0, NULL, 0);
        ck_assert_msg(vfs_spawn(s, 3, &msg, &data, &size) == bad[i].err, "case %zu", i);
        ck_assert_ptr_null(vfs_session_find(3));
    }

    /* The program's bytes are taken after the actions, which may change it. */
    write_file("/tmp/prog", "program");
    msg_start("/tmp/prog");
    msg_action(SPAWN_ACTION_OPEN, 0, 5, "/tmp/prog", O_WRONLY | O_TRUNC);
    ck_assert_int_eq(vfs_spawn(s, 4, &msg, &data, &size), 0);
    ck_assert_uint_eq(size, 0);
}
END_TEST

/* ---- times ------------------------------------------------------------------------ */

START_TEST(timestamps)
{
    write_file("/tmp/t", "x");
    struct vfs_stat before = stat_ok("/tmp/t");
    ck_assert_int_gt(before.mtime_ns, 0);
    int fd = open_ok("/tmp/t", O_RDWR);
    ck_assert_int_eq(vfs_write(s, fd, "y", 1), 1);
    struct vfs_stat after = stat_ok("/tmp/t");
    ck_assert_int_gt(after.mtime_ns, before.mtime_ns);
    ck_assert_int_gt(after.ctime_ns, before.ctime_ns);
    ck_assert_int_eq(after.atime_ns, before.atime_ns);
    char c;
    ck_assert_int_eq(vfs_read(s, fd, &c, 1), 0);
    struct vfs_stat read = stat_ok("/tmp/t");
    ck_assert_int_gt(read.atime_ns, after.atime_ns);
    ck_assert_int_eq(read.mtime_ns, after.mtime_ns);
    ck_assert_int_eq(vfs_close(s, fd), 0);
    struct vfs_stat dir = stat_ok("/tmp");
    write_file("/tmp/u", "");
    ck_assert_int_gt(stat_ok("/tmp").mtime_ns, dir.mtime_ns);
}
END_TEST

Suite *suite_vfs(void)
{
    Suite *su = suite_create("vfs");
    TCase *tc = tcase_create("vfs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sessions_and_console);
    tcase_add_test(tc, child_session_inherits);
    tcase_add_test(tc, destroy_frees_everything);
    tcase_add_test(tc, initrd_tree);
    tcase_add_test(tc, initrd_is_read_only);
    tcase_add_test(tc, path_resolution);
    tcase_add_test(tc, path_limits);
    tcase_add_test(tc, deep_tree);
    tcase_add_test(tc, removed_cwd);
    tcase_add_test(tc, tmpfs_files);
    tcase_add_test(tc, large_file);
    tcase_add_test(tc, directories);
    tcase_add_test(tc, rename_semantics);
    tcase_add_test(tc, hard_links);
    tcase_add_test(tc, unlink_while_open);
    tcase_add_test(tc, mount_points);
    tcase_add_test(tc, devices);
    tcase_add_test(tc, readdir_listings);
    tcase_add_test(tc, dup_and_fcntl);
    tcase_add_test(tc, descriptor_table_full);
    tcase_add_test(tc, pipes);
    tcase_add_test(tc, pipe_full_and_atomic);
    tcase_add_test(tc, spawn_program);
    tcase_add_test(tc, spawn_file_actions);
    tcase_add_test(tc, timestamps);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(su, tc);
    return su;
}
