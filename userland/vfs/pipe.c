/*
 * pipe.c: pipes, nodes of a nameless mount of their own.
 *
 * A pipe is a ring of VFS_PIPE_SIZE bytes and the counts of open read and
 * write ends (open file descriptions, kept by the open and close hooks).
 * A read of an empty pipe is end-of-file once no writer is left, and
 * otherwise must wait; a write with no reader left fails with EPIPE.  A
 * write of up to VFS_PIPE_BUF bytes goes in whole or waits; a larger one
 * takes what room there is.  Waiting is the caller's business: these
 * return VFS_BLOCKED (or -EAGAIN for O_NONBLOCK) and change nothing.  The
 * pipe is freed when its last end closes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "vfs_node.h"

int pipe_create(struct vfs_mount *m, struct vfs_node **out)
{
    struct vfs_node *n = vfs_node_new(m, VFS_NODE_FIFO, 0600);
    uint8_t *buf = n ? malloc(VFS_PIPE_SIZE) : NULL;
    if (!buf) {
        free(n);
        return -ENOMEM;
    }
    n->pipe.buf = buf;
    *out = n;
    return 0;
}

static ssize_t pipe_read(struct vfs_node *n, void *buf, size_t count, uint64_t offset,
                         bool nonblock)
{
    (void)offset;
    struct vfs_pipe *p = &n->pipe;
    if (count == 0)
        return 0;
    if (p->used == 0) {
        if (p->writers == 0)
            return 0;
        return nonblock ? -EAGAIN : VFS_BLOCKED;
    }
    if (count > p->used)
        count = p->used;
    size_t first = VFS_PIPE_SIZE - p->head;
    if (first > count)
        first = count;
    memcpy(buf, p->buf + p->head, first);
    memcpy((uint8_t *)buf + first, p->buf, count - first);
    p->head = (p->head + count) % VFS_PIPE_SIZE;
    p->used -= count;
    return (ssize_t)count;
}

static ssize_t pipe_write(struct vfs_node *n, const void *buf, size_t count, uint64_t offset,
                          bool nonblock)
{
    (void)offset;
    struct vfs_pipe *p = &n->pipe;
    if (p->readers == 0)
        return -EPIPE;
    if (count == 0)
        return 0;
    size_t room = VFS_PIPE_SIZE - p->used;
    if (room == 0 || (count <= VFS_PIPE_BUF && room < count))
        return nonblock ? -EAGAIN : VFS_BLOCKED;
    if (count > room)
        count = room;
    size_t tail = (p->head + p->used) % VFS_PIPE_SIZE;
    size_t first = VFS_PIPE_SIZE - tail;
    if (first > count)
        first = count;
    memcpy(p->buf + tail, buf, first);
    memcpy(p->buf, (const uint8_t *)buf + first, count - first);
    p->used += count;
    vfs_node_touch(n, true);
    return (ssize_t)count;
}

static void pipe_open(struct vfs_node *n, int flags)
{
    if ((flags & O_ACCMODE) != O_WRONLY)
        n->pipe.readers++;
    if ((flags & O_ACCMODE) != O_RDONLY)
        n->pipe.writers++;
}

static void pipe_close(struct vfs_node *n, int flags)
{
    if ((flags & O_ACCMODE) != O_WRONLY)
        n->pipe.readers--;
    if ((flags & O_ACCMODE) != O_RDONLY)
        n->pipe.writers--;
}

static void pipe_release(struct vfs_node *n)
{
    free(n->pipe.buf);
    free(n);
}

const struct vfs_fs_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .open = pipe_open,
    .close = pipe_close,
    .release = pipe_release,
};
