/*
 * fs_tmpfs.c: /tmp, a read-write file system in memory.
 *
 * A regular file is a two-level table of VFS_BLOCK-byte blocks: a
 * growing array of leaves, each a block's worth of pointers (2 MiB of
 * data), allocated as bytes are written; a missing leaf or block is a
 * hole and reads as zeros.  Growing a file never copies its data, and a
 * sparse file far out costs only the array of leaves.  A write stops at
 * the first block that cannot be allocated and returns what it wrote, as
 * a full disk would (-ENOSPC if nothing).  Name-space changes allocate
 * everything they need before they touch the tree, so running out of
 * memory leaves the tree as it was.
 *
 * The generic layer (vfs_ops.c) has checked types, emptiness and names
 * before any operation here is called.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfs_node.h"

static void drop_flat(struct vfs_node *n)
{
    free(n->file.flat);
    n->file.flat = NULL;
}

static void update_blocks(struct vfs_node *n)
{
    n->blocks = (uint64_t)n->file.used * (VFS_BLOCK / 512);
}

#define LEAF_BLOCKS (VFS_BLOCK / sizeof(uint8_t *))

static uint8_t *block_get(const struct vfs_node *n, size_t index)
{
    size_t leaf = index / LEAF_BLOCKS;
    if (leaf >= n->file.leaf_count || !n->file.leaves[leaf])
        return NULL;
    return n->file.leaves[leaf][index % LEAF_BLOCKS];
}

/* Where block index's pointer goes, making the leaf (and room for it) if
 * need be; NULL when out of memory. */
static uint8_t **block_slot(struct vfs_node *n, size_t index)
{
    size_t leaf = index / LEAF_BLOCKS;
    if (leaf >= n->file.leaf_count) {
        size_t count = n->file.leaf_count ? n->file.leaf_count : 1;
        while (count <= leaf)
            count *= 2;
        uint8_t ***leaves = realloc(n->file.leaves, count * sizeof(*leaves));
        if (!leaves)
            return NULL;
        memset(leaves + n->file.leaf_count, 0, (count - n->file.leaf_count) * sizeof(*leaves));
        n->file.leaves = leaves;
        n->file.leaf_count = count;
    }
    if (!n->file.leaves[leaf]) {
        n->file.leaves[leaf] = calloc(LEAF_BLOCKS, sizeof(uint8_t *));
        if (!n->file.leaves[leaf])
            return NULL;
    }
    return &n->file.leaves[leaf][index % LEAF_BLOCKS];
}

/* Frees every block from index first on, and the leaves left empty. */
static void blocks_free_from(struct vfs_node *n, size_t first)
{
    for (size_t leaf = first / LEAF_BLOCKS; leaf < n->file.leaf_count; leaf++) {
        uint8_t **blocks = n->file.leaves[leaf];
        if (!blocks)
            continue;
        size_t base = leaf * LEAF_BLOCKS;
        size_t from = first > base ? first - base : 0;
        for (size_t i = from; i < LEAF_BLOCKS; i++) {
            if (blocks[i]) {
                free(blocks[i]);
                blocks[i] = NULL;
                n->file.used--;
            }
        }
        if (from == 0) {
            free(blocks);
            n->file.leaves[leaf] = NULL;
        }
    }
    if (first == 0) {
        free(n->file.leaves);
        n->file.leaves = NULL;
        n->file.leaf_count = 0;
    }
}

static ssize_t tmpfs_read(struct vfs_node *n, void *buf, size_t count, uint64_t offset,
                          bool nonblock)
{
    (void)nonblock;
    if (offset >= n->size)
        return 0;
    if (count > n->size - offset)
        count = (size_t)(n->size - offset);
    uint8_t *out = buf;
    for (size_t done = 0; done < count;) {
        uint64_t pos = offset + done;
        size_t in = (size_t)(pos % VFS_BLOCK);
        size_t chunk = VFS_BLOCK - in;
        if (chunk > count - done)
            chunk = count - done;
        const uint8_t *block = block_get(n, (size_t)(pos / VFS_BLOCK));
        if (block)
            memcpy(out + done, block + in, chunk);
        else
            memset(out + done, 0, chunk);
        done += chunk;
    }
    return (ssize_t)count;
}

static ssize_t tmpfs_write(struct vfs_node *n, const void *buf, size_t count, uint64_t offset,
                           bool nonblock)
{
    (void)nonblock;
    if (count == 0)
        return 0;
    drop_flat(n);
    const uint8_t *in_buf = buf;
    size_t done = 0;
    while (done < count) {
        uint64_t pos = offset + done;
        size_t in = (size_t)(pos % VFS_BLOCK);
        size_t chunk = VFS_BLOCK - in;
        if (chunk > count - done)
            chunk = count - done;
        uint8_t **slot = block_slot(n, (size_t)(pos / VFS_BLOCK));
        if (!slot)
            break;
        if (!*slot) {
            *slot = chunk == VFS_BLOCK ? malloc(VFS_BLOCK) : calloc(1, VFS_BLOCK);
            if (!*slot)
                break;
            n->file.used++;
        }
        memcpy(*slot + in, in_buf + done, chunk);
        done += chunk;
    }
    if (done == 0)
        return -ENOSPC;
    if (offset + done > n->size)
        n->size = offset + done;
    update_blocks(n);
    vfs_node_touch(n, true);
    return (ssize_t)done;
}

static int tmpfs_truncate(struct vfs_node *n, uint64_t length)
{
    drop_flat(n);
    if (length < n->size) {
        size_t keep = (size_t)((length + VFS_BLOCK - 1) / VFS_BLOCK);
        blocks_free_from(n, keep);
        /* Bytes past the end must read as zeros if the file grows again. */
        size_t tail = (size_t)(length % VFS_BLOCK);
        uint8_t *last = tail ? block_get(n, keep - 1) : NULL;
        if (last)
            memset(last + tail, 0, VFS_BLOCK - tail);
    }
    n->size = length;
    update_blocks(n);
    vfs_node_touch(n, true);
    return 0;
}

static int tmpfs_contents(struct vfs_node *n, const void **data, size_t *size)
{
    if (!n->file.flat) {
        n->file.flat = malloc(n->size ? (size_t)n->size : 1);
        if (!n->file.flat)
            return -ENOMEM;
        tmpfs_read(n, n->file.flat, (size_t)n->size, 0, false);
    }
    *data = n->file.flat;
    *size = (size_t)n->size;
    return 0;
}

static int tmpfs_create(struct vfs_node *dir, const char *name, size_t len,
                        enum vfs_node_type type, uint32_t mode, struct vfs_node **out)
{
    struct vfs_node *n = vfs_node_new(dir->mount, type, mode);
    struct vfs_dir_entry *e = n ? vfs_dir_entry_new(name, len, n) : NULL;
    if (!e) {
        free(n);
        return -ENOSPC;
    }
    if (type == VFS_NODE_DIR) {
        n->nlink = 2;
        n->dir.parent = dir;
        dir->nlink++;
    } else {
        n->nlink = 1;
    }
    vfs_dir_insert(dir, e);
    vfs_node_touch(dir, true);
    *out = n;
    return 0;
}

static int tmpfs_link(struct vfs_node *dir, const char *name, size_t len, struct vfs_node *n)
{
    struct vfs_dir_entry *e = vfs_dir_entry_new(name, len, n);
    if (!e)
        return -ENOSPC;
    n->nlink++;
    vfs_dir_insert(dir, e);
    vfs_node_touch(n, false);
    vfs_node_touch(dir, true);
    return 0;
}

static int tmpfs_remove(struct vfs_node *dir, struct vfs_dir_entry *e)
{
    struct vfs_node *n = e->node;
    vfs_dir_detach(dir, e);
    free(e);
    if (n->type == VFS_NODE_DIR) {
        n->nlink = 0;
        n->dir.parent = NULL;
        dir->nlink--;
    } else {
        n->nlink--;
    }
    vfs_node_touch(dir, true);
    vfs_node_touch(n, false);
    vfs_node_check(n); /* freed now unless still open */
    return 0;
}

static int tmpfs_rename(struct vfs_node *old_dir, struct vfs_dir_entry *old,
                        struct vfs_node *new_dir, const char *name, size_t len,
                        struct vfs_dir_entry *replaced)
{
    struct vfs_node *n = old->node;
    struct vfs_dir_entry *e = vfs_dir_entry_new(name, len, n);
    if (!e)
        return -ENOSPC;
    if (replaced)
        tmpfs_remove(new_dir, replaced);
    vfs_dir_detach(old_dir, old);
    free(old);
    vfs_dir_insert(new_dir, e);
    if (n->type == VFS_NODE_DIR && old_dir != new_dir) {
        old_dir->nlink--;
        new_dir->nlink++;
        n->dir.parent = new_dir;
    }
    vfs_node_touch(n, false);
    vfs_node_touch(old_dir, true);
    vfs_node_touch(new_dir, true);
    return 0;
}

static void tmpfs_release(struct vfs_node *n)
{
    if (n->type == VFS_NODE_REG) {
        blocks_free_from(n, 0);
        free(n->file.flat);
    }
    free(n);
}

const struct vfs_fs_ops tmpfs_ops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
    .truncate = tmpfs_truncate,
    .contents = tmpfs_contents,
    .create = tmpfs_create,
    .link = tmpfs_link,
    .remove = tmpfs_remove,
    .rename = tmpfs_rename,
    .release = tmpfs_release,
};

int tmpfs_build(struct vfs_mount *m)
{
    struct vfs_node *root = vfs_node_new(m, VFS_NODE_DIR, 01777);
    if (!root)
        return -ENOMEM;
    root->nlink = 2;
    m->root = root;
    return 0;
}
