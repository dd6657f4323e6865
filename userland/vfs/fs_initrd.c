/*
 * fs_initrd.c: the root file system, a read-only tree built once from the
 * initrd's ustar archive.
 *
 * Each archive entry becomes a node; a file's data points into the
 * archive, which stays mapped, so nothing is copied.  Parents that the
 * archive does not list are made on the way ("etc/motd" alone makes
 * "etc"), a later entry for the same file replaces an earlier one, and an
 * entry that would need a file to be a directory (or the reverse) is
 * skipped.  The mount points are made first, so the archive cannot put a
 * file where a mount goes.  No name-space operation is provided: every
 * change is EROFS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/ustar.h>

#include "vfs_node.h"

static ssize_t initrd_read(struct vfs_node *n, void *buf, size_t count, uint64_t offset,
                           bool nonblock)
{
    (void)nonblock;
    if (offset >= n->size)
        return 0;
    if (count > n->size - offset)
        count = (size_t)(n->size - offset);
    memcpy(buf, n->initrd_data + offset, count);
    return (ssize_t)count;
}

static int initrd_contents(struct vfs_node *n, const void **data, size_t *size)
{
    *data = n->initrd_data;
    *size = (size_t)n->size;
    return 0;
}

static void initrd_release(struct vfs_node *n)
{
    free(n);
}

const struct vfs_fs_ops initrd_ops = {
    .read = initrd_read,
    .contents = initrd_contents,
    .release = initrd_release,
};

/* A regular file named name in dir, holding e's contents. */
static int add_file(struct vfs_node *dir, const char *name, size_t len,
                    const struct ustar_entry *e)
{
    struct vfs_dir_entry *de = vfs_dir_find(dir, name, len);
    struct vfs_node *n;
    if (de) {
        if (de->node->type != VFS_NODE_REG)
            return 0;
        n = de->node;
    } else {
        n = vfs_node_new(dir->mount, VFS_NODE_REG, e->mode);
        de = n ? vfs_dir_entry_new(name, len, n) : NULL;
        if (!de) {
            free(n);
            return -ENOMEM;
        }
        n->nlink = 1;
        vfs_dir_insert(dir, de);
    }
    n->mode = e->mode;
    n->initrd_data = e->data;
    n->size = e->size;
    n->blocks = (e->size + 511) / 512;
    return 0;
}

/* Adds one archive entry, with any parents it lacks. */
static int add_entry(struct vfs_node *root, const struct ustar_entry *e)
{
    size_t end = strlen(e->path);
    while (end && e->path[end - 1] == '/')
        end--;
    struct vfs_node *dir = root;
    size_t start = 0;
    while (start < end) {
        size_t stop = start;
        while (stop < end && e->path[stop] != '/')
            stop++;
        const char *name = e->path + start;
        size_t len = stop - start;
        bool last = stop == end;
        if (last && e->type == USTAR_FILE)
            return add_file(dir, name, len, e);
        struct vfs_dir_entry *de = vfs_dir_find(dir, name, len);
        struct vfs_node *next;
        if (!de) {
            next = vfs_dir_add_new(dir, name, len, 0755);
            if (!next)
                return -ENOMEM;
        } else if (de->node->type == VFS_NODE_DIR) {
            next = de->node;
        } else {
            return 0; /* a file is in the way: skip the entry */
        }
        if (last)
            next->mode = e->mode;
        dir = next;
        start = stop + 1;
    }
    return 0;
}

int initrd_build(struct vfs_mount *m, const void *archive, size_t size,
                 const char *const *mount_points)
{
    struct vfs_node *root = vfs_node_new(m, VFS_NODE_DIR, 0755);
    if (!root)
        return -ENOMEM;
    root->nlink = 2;
    m->root = root;
    for (size_t i = 0; mount_points[i]; i++)
        if (!vfs_dir_add_new(root, mount_points[i], strlen(mount_points[i]), 0755))
            return -ENOMEM;
    size_t offset = 0;
    struct ustar_entry e;
    while (ustar_next(archive, size, &offset, &e)) {
        int err = add_entry(root, &e);
        if (err)
            return err;
    }
    return 0;
}
