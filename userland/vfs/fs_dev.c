/*
 * fs_dev.c: /dev, a fixed directory of character devices.
 *
 *   null     reads end at once, writes are swallowed
 *   zero     reads give zeros, writes are swallowed
 *   random,
 *   urandom  reads come from vfs_platform_random, writes are swallowed
 *   console  writes go to vfs_platform_console_write; reads end at once
 *            (there is no keyboard server yet)
 *
 * Device numbers are Linux's, as major << 8 | minor.  Nothing can be
 * created, removed or renamed here (EROFS); the devices themselves can be
 * written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfs_node.h"

enum dev_kind {
    DEV_NULL,
    DEV_ZERO,
    DEV_RANDOM,
    DEV_CONSOLE,
};

#define DEV_NUMBER(major, minor) ((uint32_t)(major) << 8 | (uint32_t)(minor))

static const struct {
    const char *name;
    enum dev_kind kind;
    uint32_t rdev;
    uint32_t mode;
} devices[] = {
    { "null", DEV_NULL, DEV_NUMBER(1, 3), 0666 },
    { "zero", DEV_ZERO, DEV_NUMBER(1, 5), 0666 },
    { "random", DEV_RANDOM, DEV_NUMBER(1, 8), 0666 },
    { "urandom", DEV_RANDOM, DEV_NUMBER(1, 9), 0666 },
    { "console", DEV_CONSOLE, DEV_NUMBER(5, 1), 0620 },
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
    if (n->chr.kind == DEV_CONSOLE) {
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

bool dev_is_console(const struct vfs_node *n)
{
    return n->mount->ops == &dev_ops && n->type == VFS_NODE_CHR &&
           n->chr.kind == DEV_CONSOLE;
}
