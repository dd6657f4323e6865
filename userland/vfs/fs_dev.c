/*
 * fs_dev.c: /dev, a fixed directory of character devices.
 *
 *   null     reads end at once, writes are swallowed
 *   zero     reads give zeros, writes are swallowed
 *   random,
 *   urandom  reads come from vfs_platform_random, writes are swallowed
 *   console  the kernel log: writes go to vfs_platform_console_write,
 *            reads end at once
 *   tty0,
 *   ttyS0    the console server's terminals (<atom/console.h>): the screen
 *            and the serial line.  The C library reads and writes them
 *            at the console server, which it recognises by VFS_ISATTY's
 *            answer; written here, they behave as the console
 *
 * Device numbers are Linux's, as major << 8 | minor.  Nothing can be
 * created, removed or renamed here (EROFS); the devices themselves can be
 * written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <atom/console.h>

#include "vfs_node.h"

enum dev_kind {
    DEV_NULL,
    DEV_ZERO,
    DEV_RANDOM,
    DEV_CONSOLE,
    DEV_TERMINAL,
};

#define DEV_NUMBER(major, minor) ((uint32_t)(major) << 8 | (uint32_t)(minor))

static const struct {
    const char *name;
    enum dev_kind kind;
    uint32_t rdev;
    uint32_t mode;
    int terminal;          /* DEV_TERMINAL: its CONSOLE_TERM_* */
} devices[] = {
    { "null", DEV_NULL, DEV_NUMBER(1, 3), 0666, -1 },
    { "zero", DEV_ZERO, DEV_NUMBER(1, 5), 0666, -1 },
    { "random", DEV_RANDOM, DEV_NUMBER(1, 8), 0666, -1 },
    { "urandom", DEV_RANDOM, DEV_NUMBER(1, 9), 0666, -1 },
    { "console", DEV_CONSOLE, DEV_NUMBER(5, 1), 0620, -1 },
    { "tty0", DEV_TERMINAL, DEV_NUMBER(4, 0), 0620, CONSOLE_TERM_SCREEN },
    { "ttyS0", DEV_TERMINAL, DEV_NUMBER(4, 64), 0620, CONSOLE_TERM_SERIAL },
};

static ssize_t dev_read(struct vfs_node *n, void *buf, size_t count, uint64_t offset,
                        bool nonblock)
{
    (void)offset;
    (void)nonblock;
    switch (n->chr.kind) {
    case DEV_ZERO:
        memset(buf, 0, count);
        return (ssize_t)count;
    case DEV_RANDOM:
        vfs_platform_random(buf, count);
        return (ssize_t)count;
    default:
        return 0;
    }
}

static ssize_t dev_write(struct vfs_node *n, const void *buf, size_t count, uint64_t offset,
                         bool nonblock)
{
    (void)offset;
    (void)nonblock;
    if (n->chr.kind == DEV_CONSOLE || n->chr.kind == DEV_TERMINAL) {
        vfs_platform_console_write(buf, count);
        vfs_node_touch(n, true);
    }
    return (ssize_t)count;
}

static void dev_release(struct vfs_node *n)
{
    free(n);
}

const struct vfs_fs_ops dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .release = dev_release,
};

int dev_build(struct vfs_mount *m)
{
    struct vfs_node *root = vfs_node_new(m, VFS_NODE_DIR, 0755);
    if (!root)
        return -ENOMEM;
    root->nlink = 2;
    m->root = root;
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        size_t len = strlen(devices[i].name);
        struct vfs_node *n = vfs_node_new(m, VFS_NODE_CHR, devices[i].mode);
        struct vfs_dir_entry *e = n ? vfs_dir_entry_new(devices[i].name, len, n) : NULL;
        if (!e) {
            free(n);
            return -ENOMEM;
        }
        n->chr.kind = devices[i].kind;
        n->chr.rdev = devices[i].rdev;
        n->nlink = 1;
        vfs_dir_insert(root, e);
    }
    return 0;
}

static bool is_dev_kind(const struct vfs_node *n, enum dev_kind kind)
{
    return n->mount->ops == &dev_ops && n->type == VFS_NODE_CHR && n->chr.kind == kind;
}

bool dev_is_console(const struct vfs_node *n)
{
    return is_dev_kind(n, DEV_CONSOLE);
}

int dev_terminal(const struct vfs_node *n)
{
    if (!is_dev_kind(n, DEV_TERMINAL))
        return -1;
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
        if (devices[i].kind == DEV_TERMINAL && devices[i].rdev == n->chr.rdev)
            return devices[i].terminal;
    return -1;
}
