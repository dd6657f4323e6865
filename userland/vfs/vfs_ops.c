/*
 * vfs_ops.c: the VFS server's generic layer (interface in vfs_ops.h).
 *
 * Sessions hold a cwd and a table of descriptors; a descriptor points at
 * an open file description (struct vfs_file), which dup(), dup2() and
 * spawn share by reference count.  Descriptions hold a reference on their
 * node, and so does each session's cwd, so a file unlinked while open and
 * a directory removed while someone stands in it live on until the last
 * user goes.
 *
 * Path resolution walks the tree one component at a time from "/" or the
 * cwd, never recursing: a directory entry naming a mount point leads to
 * the mounted root, and ".." of a mount root goes to the directory the
 * mount covers and on up from there.  Every name-space call first walks
 * to the directory holding the last component, does all of POSIX's
 * checks here, and only then lets the file system make the change.
 *
 * File-scope state: the mount table (the name space) and the session
 * list.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_node.h"
#include "vfs_ops.h"

#define FILE_STATUS_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK)

/* An open file description. */
struct vfs_file {
    struct vfs_node *node;
    uint64_t offset;         /* directories: the next readdir cookie */
    int flags;               /* FILE_STATUS_FLAGS */
    uint32_t refs;           /* descriptors naming it, in any session */
};

struct vfs_fd {
    struct vfs_file *file;   /* NULL: free */
    bool cloexec;
};

struct vfs_session {
    struct vfs_session *next;
    uint64_t pid;
    struct vfs_node *cwd;
    struct vfs_fd fd[VFS_MAX_FDS];
};

static struct vfs_mount mounts[VFS_MOUNT_COUNT];
static bool ready;
static struct vfs_session *sessions;

/* ---- nodes and directories ------------------------------------------------ */

struct vfs_node *vfs_node_new(struct vfs_mount *m, enum vfs_node_type type, uint32_t mode)
{
    struct vfs_node *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->type = type;
    n->mode = mode & 07777;
    n->mount = m;
    n->ino = m->next_ino++;
    n->atime_ns = n->mtime_ns = n->ctime_ns = vfs_platform_time_ns();
    if (type == VFS_NODE_DIR)
        n->dir.next_cookie = 2; /* 0 and 1 are "." and ".." */
    return n;
}

void vfs_node_get(struct vfs_node *n)
{
    n->refs++;
}

void vfs_node_put(struct vfs_node *n)
{
    n->refs--;
    vfs_node_check(n);
}

void vfs_node_check(struct vfs_node *n)
{
    if (n->refs == 0 && n->nlink == 0)
        n->mount->ops->release(n);
}

void vfs_node_touch(struct vfs_node *n, bool data)
{
    int64_t now = vfs_platform_time_ns();
    n->ctime_ns = now;
    if (data)
        n->mtime_ns = now;
}

struct vfs_dir_entry *vfs_dir_find(const struct vfs_node *dir, const char *name, size_t len)
{
    for (struct vfs_dir_entry *e = dir->dir.first; e; e = e->next)
        if (e->name_len == len && memcmp(e->name, name, len) == 0)
            return e;
    return NULL;
}

struct vfs_dir_entry *vfs_dir_entry_new(const char *name, size_t len, struct vfs_node *n)
{
    struct vfs_dir_entry *e = malloc(sizeof(*e) + len + 1);
    if (!e)
        return NULL;
    e->prev = e->next = NULL;
    e->node = n;
    e->cookie = 0;
    e->name_len = len;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    return e;
}

void vfs_dir_insert(struct vfs_node *dir, struct vfs_dir_entry *e)
{
    e->cookie = dir->dir.next_cookie++;
    e->next = NULL;
    e->prev = dir->dir.last;
    if (e->prev)
        e->prev->next = e;
    else
        dir->dir.first = e;
    dir->dir.last = e;
    dir->dir.count++;
}

void vfs_dir_detach(struct vfs_node *dir, struct vfs_dir_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        dir->dir.first = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        dir->dir.last = e->prev;
    dir->dir.count--;
}

struct vfs_node *vfs_dir_add_new(struct vfs_node *dir, const char *name, size_t len, uint32_t mode)
{
    struct vfs_node *n = vfs_node_new(dir->mount, VFS_NODE_DIR, mode);
    struct vfs_dir_entry *e = n ? vfs_dir_entry_new(name, len, n) : NULL;
    if (!e) {
        free(n);
        return NULL;
    }
    n->nlink = 2;
    n->dir.parent = dir;
    dir->nlink++;
    vfs_dir_insert(dir, e);
    return n;
}

/* Frees a file system's tree from its root down, without recursion (a
 * tmpfs tree can be deeper than any stack): descend while the first entry
 * is a non-empty directory, else drop that entry. */
static void tree_free(struct vfs_node *root)
{
    if (!root)
        return;
    struct vfs_node *dir = root;
    for (;;) {
        struct vfs_dir_entry *e = dir->dir.first;
        if (!e) {
            if (dir == root)
                break;
            dir = dir->dir.parent;
            continue;
        }
        struct vfs_node *n = e->node;
        if (n->type == VFS_NODE_DIR && n->dir.first) {
            dir = n;
            continue;
        }
        vfs_dir_detach(dir, e);
        free(e);
        n->nlink = n->type == VFS_NODE_DIR ? 0 : n->nlink - 1;
        vfs_node_check(n);
    }
    root->nlink = 0;
    vfs_node_check(root);
}

/* ---- path resolution -------------------------------------------------------- */

static struct vfs_node *ns_root(void)
{
    return mounts[VFS_MOUNT_ROOT].root;
}

static bool is_dot(const char *name, size_t len)
{
    return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
    return len == 2 && name[0] == '.' && name[1] == '.';
}

/* "", "." and "..": a last component that names no entry of its own. */
static bool is_special(const char *name, size_t len)
{
    return len == 0 || is_dot(name, len) || is_dotdot(name, len);
}

/* What a directory entry's node stands for: a mount point is seen as the
 * root of what is mounted on it. */
static struct vfs_node *cross_mounts(struct vfs_node *n)
{
    while (n->type == VFS_NODE_DIR && n->dir.mounted)
        n = n->dir.mounted->root;
    return n;
}

/* ".." of dir: at a mount root, that of the directory it covers; NULL
 * for a removed directory. */
static struct vfs_node *dotdot(struct vfs_node *dir)
{
    while (dir == dir->mount->root && dir->mount->covered)
        dir = dir->mount->covered;
    if (dir == ns_root())
        return dir;
    return dir->dir.parent;
}

/* The node that name (one component, or "" for the directory itself)
 * names in dir. */
static int lookup_in(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **out)
{
    if (len == 0 || is_dot(name, len)) {
        *out = dir;
        return 0;
    }
    if (is_dotdot(name, len)) {
        *out = dotdot(dir);
        return *out ? 0 : -ENOENT;
    }
    struct vfs_dir_entry *e = vfs_dir_find(dir, name, len);
    if (!e)
        return -ENOENT;
    *out = cross_mounts(e->node);
    return 0;
}

/* A path split at its last component: dir holds it. */
struct lookup {
    struct vfs_node *dir;
    const char *name;        /* into the path; "" for "/" */
    size_t len;
    bool must_dir;           /* a slash followed it */
};

/* Walks every component of path but the last. */
static int walk_parent(struct vfs_node *cwd, const char *path, struct lookup *lk)
{
    size_t total = strnlen(path, VFS_PATH_MAX);
    if (total == VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (total == 0)
        return -ENOENT;
    struct vfs_node *dir = path[0] == '/' ? ns_root() : cwd;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        if (len > VFS_NAME_MAX)
            return -ENAMETOOLONG;
        const char *rest = p;
        while (*rest == '/')
            rest++;
        if (!*rest) {
            lk->dir = dir;
            lk->name = name;
            lk->len = len;
            lk->must_dir = *p == '/';
            return 0;
        }
        struct vfs_node *next;
        int err = lookup_in(dir, name, len, &next);
        if (err)
            return err;
        if (next->type != VFS_NODE_DIR)
            return -ENOTDIR;
        dir = next;
        p = rest;
    }
}

static int resolve(struct vfs_node *cwd, const char *path, struct vfs_node **out)
{
    struct lookup lk;
    int err = walk_parent(cwd, path, &lk);
    if (!err)
        err = lookup_in(lk.dir, lk.name, lk.len, out);
    if (!err && lk.must_dir && (*out)->type != VFS_NODE_DIR)
        err = -ENOTDIR;
    return err;
}

/* Whether a new name may go into dir. */
static int dir_check_create(const struct vfs_node *dir)
{
    if (dir->nlink == 0)
        return -ENOENT;
    if (!dir->mount->ops->create)
        return -EROFS;
    return 0;
}

static bool is_mount_point(const struct vfs_node *n)
{
    return n->type == VFS_NODE_DIR && n->dir.mounted;
}

/* ---- open file descriptions and descriptors ------------------------------------ */

static void file_attach(struct vfs_file *f, struct vfs_node *n, int flags)
{
    f->node = n;
    f->offset = 0;
    f->flags = flags & FILE_STATUS_FLAGS;
    f->refs = 1;
    vfs_node_get(n);
    if (n->mount->ops->open)
        n->mount->ops->open(n, f->flags);
}

static void file_put(struct vfs_file *f)
{
    if (--f->refs)
        return;
    struct vfs_node *n = f->node;
    if (n->mount->ops->close)
        n->mount->ops->close(n, f->flags);
    vfs_node_put(n);
    free(f);
}

static struct vfs_file *fd_file(const struct vfs_session *s, int fd)
{
    if (fd < 0 || fd >= VFS_MAX_FDS)
        return NULL;
    return s->fd[fd].file;
}

static int fd_lowest_free(const struct vfs_session *s, int lowest)
{
    for (int fd = lowest; fd < VFS_MAX_FDS; fd++)
        if (!s->fd[fd].file)
            return fd;
    return -EMFILE;
}

static void fd_install(struct vfs_session *s, int fd, struct vfs_file *f, bool cloexec)
{
    s->fd[fd].file = f;
    s->fd[fd].cloexec = cloexec;
}

/* ---- the name space and sessions --------------------------------------------- */

static void mount_at(struct vfs_mount *m, const char *name)
{
    struct vfs_dir_entry *e = vfs_dir_find(ns_root(), name, strlen(name));
    m->covered = e->node;
    e->node->dir.mounted = m;
}

void vfs_shutdown(void)
{
    while (sessions)
        vfs_session_destroy(sessions);
    for (int i = VFS_MOUNT_COUNT - 1; i >= 0; i--) {
        if (mounts[i].covered)
            mounts[i].covered->dir.mounted = NULL;
        tree_free(mounts[i].root);
    }
    memset(mounts, 0, sizeof(mounts));
    ready = false;
}

int vfs_init(const void *initrd, size_t initrd_size)
{
    static const char *const mount_points[] = { "dev", "tmp", NULL };
    static const struct vfs_fs_ops *const ops[VFS_MOUNT_COUNT] = {
        [VFS_MOUNT_ROOT] = &initrd_ops,
        [VFS_MOUNT_TMP] = &tmpfs_ops,
        [VFS_MOUNT_DEV] = &dev_ops,
        [VFS_MOUNT_PIPE] = &pipe_ops,
    };
    if (ready)
        return -EBUSY;
    for (int i = 0; i < VFS_MOUNT_COUNT; i++)
        mounts[i] = (struct vfs_mount){ .ops = ops[i], .dev = (uint32_t)i + 1, .next_ino = 1 };
    int err = initrd_build(&mounts[VFS_MOUNT_ROOT], initrd, initrd_size, mount_points);
    if (!err)
        err = tmpfs_build(&mounts[VFS_MOUNT_TMP]);
    if (!err)
        err = dev_build(&mounts[VFS_MOUNT_DEV]);
    if (err) {
        vfs_shutdown();
        return err;
    }
    mount_at(&mounts[VFS_MOUNT_TMP], "tmp");
    mount_at(&mounts[VFS_MOUNT_DEV], "dev");
    ready = true;
    return 0;
}

struct vfs_session *vfs_session_find(uint64_t pid)
{
    for (struct vfs_session *s = sessions; s; s = s->next)
        if (s->pid == pid)
            return s;
    return NULL;
}

/* keep_cloexec: for spawn, which drops those after the file actions. */
static struct vfs_session *session_new(uint64_t pid, const struct vfs_session *parent,
                                       bool keep_cloexec)
{
    if (!ready || pid == 0 || vfs_session_find(pid))
        return NULL;
    struct vfs_session *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (parent) {
        s->cwd = parent->cwd;
        for (int fd = 0; fd < VFS_MAX_FDS; fd++) {
            const struct vfs_fd *p = &parent->fd[fd];
            if (p->file && (keep_cloexec || !p->cloexec)) {
                s->fd[fd] = *p;
                p->file->refs++;
            }
        }
    } else {
        s->cwd = ns_root();
        struct vfs_node *console;
        if (resolve(ns_root(), "/dev/console", &console) == 0) {
            struct vfs_file *f = calloc(1, sizeof(*f));
            if (!f) {
                free(s);
                return NULL;
            }
            file_attach(f, console, O_RDWR);
            f->refs = 3;
            for (int fd = 0; fd < 3; fd++)
                fd_install(s, fd, f, false);
        }
    }
    vfs_node_get(s->cwd);
    s->pid = pid;
    s->next = sessions;
    sessions = s;
    return s;
}

struct vfs_session *vfs_session_create(uint64_t pid, const struct vfs_session *parent)
{
    return session_new(pid, parent, false);
}

void vfs_session_destroy(struct vfs_session *s)
{
    for (int fd = 0; fd < VFS_MAX_FDS; fd++)
        if (s->fd[fd].file)
            file_put(s->fd[fd].file);
    vfs_node_put(s->cwd);
    for (struct vfs_session **p = &sessions; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            break;
        }
    }
    free(s);
}

uint64_t vfs_session_pid(const struct vfs_session *s)
{
    return s->pid;
}

/* ---- the calls -------------------------------------------------------------- */

/* The checks of opening an existing node. */
static int open_existing(struct vfs_node *n, int flags, bool must_dir)
{
    bool writing = (flags & O_ACCMODE) != O_RDONLY;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (n->type == VFS_NODE_DIR) {
        if (writing || (flags & (O_CREAT | O_TRUNC)))
            return -EISDIR;
        return 0;
    }
    if (must_dir)
        return -ENOTDIR;
    if (n->type == VFS_NODE_REG && (writing || (flags & O_TRUNC))) {
        if (!n->mount->ops->write || !n->mount->ops->truncate)
            return -EROFS;
        if ((flags & O_TRUNC) && n->size)
            return n->mount->ops->truncate(n, 0);
    }
    return 0;
}

int vfs_open(struct vfs_session *s, const char *path, int flags, mode_t mode)
{
    int acc = flags & O_ACCMODE;
    if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
        return -EINVAL;
    struct lookup lk;
    int err = walk_parent(s->cwd, path, &lk);
    if (err)
        return err;
    int fd = fd_lowest_free(s, 0);
    if (fd < 0)
        return fd;
    bool must_dir = lk.must_dir || (flags & O_DIRECTORY);
    struct vfs_node *n;
    err = lookup_in(lk.dir, lk.name, lk.len, &n);
    if (err && (!(flags & O_CREAT) || is_special(lk.name, lk.len)))
        return err;
    struct vfs_file *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    if (!err) {
        err = open_existing(n, flags, must_dir);
    } else if (must_dir) {
        err = -EISDIR; /* a new file cannot be a directory */
    } else {
        err = dir_check_create(lk.dir);
        if (!err)
            err = lk.dir->mount->ops->create(lk.dir, lk.name, lk.len, VFS_NODE_REG,
                                             (uint32_t)mode, &n);
    }
    if (err) {
        free(f);
        return err;
    }
    file_attach(f, n, flags);
    fd_install(s, fd, f, (flags & O_CLOEXEC) != 0);
    return fd;
}

int vfs_close(struct vfs_session *s, int fd)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    s->fd[fd].file = NULL;
    s->fd[fd].cloexec = false;
    file_put(f);
    return 0;
}

ssize_t vfs_read(struct vfs_session *s, int fd, void *buf, size_t count)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    struct vfs_node *n = f->node;
    if (n->type == VFS_NODE_DIR)
        return -EISDIR;
    if (count > VFS_IO_MAX)
        count = VFS_IO_MAX;
    if (n->type == VFS_NODE_REG && count > VFS_FILE_MAX - f->offset)
        count = (size_t)(VFS_FILE_MAX - f->offset);
    ssize_t r = n->mount->ops->read(n, buf, count, f->offset, (f->flags & O_NONBLOCK) != 0);
    if (r < 0)
        return r;
    if (n->type == VFS_NODE_REG)
        f->offset += (uint64_t)r;
    n->atime_ns = vfs_platform_time_ns();
    return r;
}

ssize_t vfs_write(struct vfs_session *s, int fd, const void *buf, size_t count)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    struct vfs_node *n = f->node;
    if (!n->mount->ops->write)
        return -EBADF;
    if (count > VFS_IO_MAX)
        count = VFS_IO_MAX;
    uint64_t offset = f->offset;
    if (n->type == VFS_NODE_REG) {
        if (f->flags & O_APPEND)
            offset = n->size;
        if (count == 0)
            return 0;
        if (offset >= VFS_FILE_MAX)
            return -EFBIG;
        if (count > VFS_FILE_MAX - offset)
            count = (size_t)(VFS_FILE_MAX - offset);
    }
    ssize_t r = n->mount->ops->write(n, buf, count, offset, (f->flags & O_NONBLOCK) != 0);
    if (r > 0 && n->type == VFS_NODE_REG)
        f->offset = offset + (uint64_t)r;
    return r;
}

off_t vfs_seek(struct vfs_session *s, int fd, off_t offset, int whence)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    struct vfs_node *n = f->node;
    if (n->type == VFS_NODE_FIFO)
        return -ESPIPE;
    int64_t base;
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->offset;
        break;
    case SEEK_END:
        base = (int64_t)n->size;
        break;
    default:
        return -EINVAL;
    }
    /* Both terms are within +-VFS_FILE_MAX (a directory's cookie never
     * gets near it), so the sum cannot overflow. */
    if (offset > (off_t)VFS_FILE_MAX || offset < -(off_t)VFS_FILE_MAX ||
        base > (int64_t)VFS_FILE_MAX)
        return -EINVAL;
    int64_t pos = base + (int64_t)offset;
    if (pos < 0 || pos > (int64_t)VFS_FILE_MAX)
        return -EINVAL;
    f->offset = (uint64_t)pos;
    return (off_t)pos;
}

static void fill_stat(const struct vfs_node *n, struct vfs_stat *st)
{
    static const uint32_t type_bits[] = {
        [VFS_NODE_DIR] = S_IFDIR,
        [VFS_NODE_REG] = S_IFREG,
        [VFS_NODE_CHR] = S_IFCHR,
        [VFS_NODE_FIFO] = S_IFIFO,
    };
    memset(st, 0, sizeof(*st));
    st->ino = n->ino;
    st->size = n->size;
    st->blocks = n->blocks;
    st->mode = type_bits[n->type] | n->mode;
    st->nlink = n->type == VFS_NODE_FIFO ? 1 : n->nlink;
    st->dev = n->mount->dev;
    st->rdev = n->type == VFS_NODE_CHR ? n->chr.rdev : 0;
    st->atime_ns = n->atime_ns;
    st->mtime_ns = n->mtime_ns;
    st->ctime_ns = n->ctime_ns;
    st->blksize = VFS_BLOCK;
}

int vfs_fstat(struct vfs_session *s, int fd, struct vfs_stat *st)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    fill_stat(f->node, st);
    return 0;
}

int vfs_stat(struct vfs_session *s, const char *path, struct vfs_stat *st)
{
    struct vfs_node *n;
    int err = resolve(s->cwd, path, &n);
    if (err)
        return err;
    fill_stat(n, st);
    return 0;
}

int vfs_unlink(struct vfs_session *s, const char *path)
{
    struct lookup lk;
    int err = walk_parent(s->cwd, path, &lk);
    if (err)
        return err;
    if (lk.len == 0)
        return -EBUSY; /* "/" */
    if (is_special(lk.name, lk.len))
        return -EISDIR;
    struct vfs_dir_entry *e = vfs_dir_find(lk.dir, lk.name, lk.len);
    if (!e)
        return -ENOENT;
    if (is_mount_point(e->node))
        return -EBUSY;
    if (e->node->type == VFS_NODE_DIR)
        return -EISDIR;
    if (lk.must_dir)
        return -ENOTDIR;
    if (!lk.dir->mount->ops->remove)
        return -EROFS;
    return lk.dir->mount->ops->remove(lk.dir, e);
}

int vfs_mkdir(struct vfs_session *s, const char *path, mode_t mode)
{
    struct lookup lk;
    int err = walk_parent(s->cwd, path, &lk);
    if (err)
        return err;
    if (is_special(lk.name, lk.len) || vfs_dir_find(lk.dir, lk.name, lk.len))
        return -EEXIST;
    err = dir_check_create(lk.dir);
    if (err)
        return err;
    struct vfs_node *n;
    return lk.dir->mount->ops->create(lk.dir, lk.name, lk.len, VFS_NODE_DIR, (uint32_t)mode, &n);
}

int vfs_rmdir(struct vfs_session *s, const char *path)
{
    struct lookup lk;
    int err = walk_parent(s->cwd, path, &lk);
    if (err)
        return err;
    if (lk.len == 0)
        return -EBUSY;
    if (is_dot(lk.name, lk.len))
        return -EINVAL;
    if (is_dotdot(lk.name, lk.len))
        return -ENOTEMPTY;
    struct vfs_dir_entry *e = vfs_dir_find(lk.dir, lk.name, lk.len);
    if (!e)
        return -ENOENT;
    struct vfs_node *n = e->node;
    if (is_mount_point(n))
        return -EBUSY;
    if (n->type != VFS_NODE_DIR)
        return -ENOTDIR;
    if (!lk.dir->mount->ops->remove)
        return -EROFS;
    if (n->dir.count)
        return -ENOTEMPTY;
    return lk.dir->mount->ops->remove(lk.dir, e);
}

/* Whether dir is n or lies below it (both on one mount). */
static bool is_within(const struct vfs_node *dir, const struct vfs_node *n)
{
    for (; dir; dir = dir->dir.parent)
        if (dir == n)
            return true;
    return false;
}

int vfs_rename(struct vfs_session *s, const char *old_path, const char *new_path)
{
    struct lookup from, to;
    int err = walk_parent(s->cwd, old_path, &from);
    if (!err)
        err = walk_parent(s->cwd, new_path, &to);
    if (err)
        return err;
    if (from.len == 0 || to.len == 0)
        return -EBUSY;
    if (is_special(from.name, from.len) || is_special(to.name, to.len))
        return -EINVAL;
    struct vfs_dir_entry *old = vfs_dir_find(from.dir, from.name, from.len);
    if (!old)
        return -ENOENT;
    struct vfs_node *n = old->node;
    if (is_mount_point(n))
        return -EBUSY;
    bool is_dir = n->type == VFS_NODE_DIR;
    if (from.must_dir && !is_dir)
        return -ENOTDIR;
    if (to.dir->nlink == 0)
        return -ENOENT;
    if (from.dir->mount != to.dir->mount)
        return -EXDEV;
    if (!from.dir->mount->ops->rename)
        return -EROFS;
    struct vfs_dir_entry *target = vfs_dir_find(to.dir, to.name, to.len);
    if (target) {
        struct vfs_node *t = target->node;
        if (t == n)
            return 0; /* the same file: POSIX says do nothing */
        if (is_mount_point(t))
            return -EBUSY;
        if (is_dir && t->type != VFS_NODE_DIR)
            return -ENOTDIR;
        if (!is_dir && t->type == VFS_NODE_DIR)
            return -EISDIR;
        if (is_dir && t->dir.count)
            return -ENOTEMPTY;
    }
    if (to.must_dir && !is_dir)
        return -ENOTDIR;
    if (is_dir && is_within(to.dir, n))
        return -EINVAL;
    return from.dir->mount->ops->rename(from.dir, old, to.dir, to.name, to.len, target);
}

int vfs_link(struct vfs_session *s, const char *existing, const char *new_path)
{
    struct vfs_node *n;
    int err = resolve(s->cwd, existing, &n);
    if (err)
        return err;
    if (n->type == VFS_NODE_DIR)
        return -EPERM;
    struct lookup lk;
    err = walk_parent(s->cwd, new_path, &lk);
    if (err)
        return err;
    if (is_special(lk.name, lk.len) || vfs_dir_find(lk.dir, lk.name, lk.len))
        return -EEXIST;
    if (lk.must_dir)
        return -ENOENT;
    if (lk.dir->nlink == 0)
        return -ENOENT;
    if (lk.dir->mount != n->mount)
        return -EXDEV;
    if (!lk.dir->mount->ops->link)
        return -EROFS;
    return lk.dir->mount->ops->link(lk.dir, lk.name, lk.len, n);
}

int vfs_chdir(struct vfs_session *s, const char *path)
{
    struct vfs_node *n;
    int err = resolve(s->cwd, path, &n);
    if (err)
        return err;
    if (n->type != VFS_NODE_DIR)
        return -ENOTDIR;
    vfs_node_get(n);
    vfs_node_put(s->cwd);
    s->cwd = n;
    return 0;
}

/* The entry of dir that names n. */
static const struct vfs_dir_entry *entry_of(const struct vfs_node *dir, const struct vfs_node *n)
{
    for (const struct vfs_dir_entry *e = dir->dir.first; e; e = e->next)
        if (e->node == n)
            return e;
    return NULL;
}

/* Built backwards from the cwd up to "/" in a path-sized buffer. */
int vfs_getcwd(struct vfs_session *s, char *buf, size_t size)
{
    char path[VFS_PATH_MAX];
    size_t pos = VFS_PATH_MAX - 1;
    path[pos] = '\0';
    const struct vfs_node *n = s->cwd;
    if (n->nlink == 0)
        return -ENOENT;
    while (n != ns_root()) {
        if (n == n->mount->root) {
            n = n->mount->covered;
            continue;
        }
        const struct vfs_dir_entry *e = entry_of(n->dir.parent, n);
        if (!e)
            return -ENOENT;
        if (e->name_len + 1 > pos)
            return -ENAMETOOLONG;
        pos -= e->name_len;
        memcpy(path + pos, e->name, e->name_len);
        path[--pos] = '/';
        n = n->dir.parent;
    }
    if (pos == VFS_PATH_MAX - 1)
        path[--pos] = '/';
    size_t len = VFS_PATH_MAX - 1 - pos;
    if (size < len + 1)
        return -ERANGE;
    memcpy(buf, path + pos, len + 1);
    return (int)len;
}

static uint32_t dirent_type(const struct vfs_node *n)
{
    switch (n->type) {
    case VFS_NODE_DIR:
        return VFS_DT_DIR;
    case VFS_NODE_REG:
        return VFS_DT_REG;
    case VFS_NODE_CHR:
        return VFS_DT_CHR;
    case VFS_NODE_FIFO:
        return VFS_DT_FIFO;
    }
    return VFS_DT_UNKNOWN;
}

static void dirent_fill(struct vfs_dirent *d, const char *name, size_t len,
                        const struct vfs_node *n)
{
    memset(d, 0, sizeof(*d)); /* the client sees every byte */
    d->ino = n->ino;
    d->type = dirent_type(n);
    d->name_len = (uint32_t)len;
    memcpy(d->name, name, len);
}

/* The position is a cookie: 0 is ".", 1 is "..", and after that the
 * entry with the lowest cookie at or above it, so entries added or
 * removed meanwhile never make readdir skip or repeat the others. */
int vfs_readdir(struct vfs_session *s, int fd, struct vfs_dirent *out, size_t max)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    struct vfs_node *dir = f->node;
    if (dir->type != VFS_NODE_DIR)
        return -ENOTDIR;
    if (max > INT_MAX)
        max = INT_MAX;
    size_t i = 0;
    if (i < max && f->offset == 0) {
        dirent_fill(&out[i++], ".", 1, dir);
        f->offset = 1;
    }
    if (i < max && f->offset == 1) {
        struct vfs_node *up = dotdot(dir);
        dirent_fill(&out[i++], "..", 2, up ? up : dir);
        f->offset = 2;
    }
    if (i == max)
        return (int)i;
    struct vfs_dir_entry *e = dir->dir.first;
    while (e && e->cookie < f->offset)
        e = e->next;
    for (; e && i < max; e = e->next) {
        dirent_fill(&out[i++], e->name, e->name_len, cross_mounts(e->node));
        f->offset = e->cookie + 1;
    }
    return (int)i;
}

int vfs_dup(struct vfs_session *s, int fd, int lowest)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    if (lowest < 0 || lowest >= VFS_MAX_FDS)
        return -EINVAL;
    int new_fd = fd_lowest_free(s, lowest);
    if (new_fd < 0)
        return new_fd;
    f->refs++;
    fd_install(s, new_fd, f, false);
    return new_fd;
}

int vfs_dup2(struct vfs_session *s, int fd, int new_fd)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f || new_fd < 0 || new_fd >= VFS_MAX_FDS)
        return -EBADF;
    if (fd == new_fd)
        return new_fd;
    f->refs++;
    if (s->fd[new_fd].file)
        vfs_close(s, new_fd);
    fd_install(s, new_fd, f, false);
    return new_fd;
}

int vfs_fcntl(struct vfs_session *s, int fd, int cmd, long arg)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
        if (arg < 0 || arg >= VFS_MAX_FDS)
            return -EINVAL;
        return vfs_dup(s, fd, (int)arg);
    case F_GETFD:
        return s->fd[fd].cloexec ? FD_CLOEXEC : 0;
    case F_SETFD:
        s->fd[fd].cloexec = (arg & FD_CLOEXEC) != 0;
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL:
        f->flags = (f->flags & O_ACCMODE) | (int)(arg & (O_APPEND | O_NONBLOCK));
        return 0;
    default:
        return -EINVAL;
    }
}

int vfs_pipe(struct vfs_session *s, int fds[2])
{
    int rd = fd_lowest_free(s, 0);
    if (rd < 0)
        return rd;
    int wr = fd_lowest_free(s, rd + 1);
    if (wr < 0)
        return wr;
    struct vfs_file *r = calloc(1, sizeof(*r));
    struct vfs_file *w = calloc(1, sizeof(*w));
    struct vfs_node *n = NULL;
    int err = r && w ? pipe_create(&mounts[VFS_MOUNT_PIPE], &n) : -ENOMEM;
    if (err) {
        free(r);
        free(w);
        return err;
    }
    file_attach(r, n, O_RDONLY);
    file_attach(w, n, O_WRONLY);
    fd_install(s, rd, r, false);
    fd_install(s, wr, w, false);
    fds[0] = rd;
    fds[1] = wr;
    return 0;
}

int vfs_ftruncate(struct vfs_session *s, int fd, off_t length)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    struct vfs_node *n = f->node;
    if (length < 0 || n->type != VFS_NODE_REG || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EINVAL;
    if ((uint64_t)length > VFS_FILE_MAX)
        return -EFBIG;
    if (!n->mount->ops->truncate)
        return -EROFS;
    return n->mount->ops->truncate(n, (uint64_t)length);
}

int vfs_isatty(struct vfs_session *s, int fd)
{
    struct vfs_file *f = fd_file(s, fd);
    if (!f)
        return -EBADF;
    if (dev_is_console(f->node))
        return VFS_TTY_CONSOLE;
    int term = dev_terminal(f->node);
    return term >= 0 ? VFS_TTY_TERMINAL + term : -ENOTTY;
}

/* ---- spawn ------------------------------------------------------------------ */

static int spawn_action(struct vfs_session *c, const struct spawn_msg_action *a, const char *path)
{
    int r;
    switch (a->kind) {
    case SPAWN_ACTION_CLOSE:
        if (a->fd < 0 || a->fd >= VFS_MAX_FDS)
            return -EBADF;
        if (c->fd[a->fd].file)
            vfs_close(c, a->fd);
        return 0;
    case SPAWN_ACTION_DUP2:
        if (a->fd == a->newfd) {
            /* POSIX: the descriptor is then inherited whatever its flag. */
            if (!fd_file(c, a->fd))
                return -EBADF;
            c->fd[a->fd].cloexec = false;
            return 0;
        }
        r = vfs_dup2(c, a->fd, a->newfd);
        return r < 0 ? r : 0;
    case SPAWN_ACTION_OPEN:
        if (!path)
            return -EINVAL;
        if (a->newfd < 0 || a->newfd >= VFS_MAX_FDS)
            return -EBADF;
        if (c->fd[a->newfd].file)
            vfs_close(c, a->newfd);
        r = vfs_open(c, path, a->flags, (mode_t)a->mode);
        if (r < 0)
            return r;
        if (r != a->newfd) {
            vfs_dup2(c, r, a->newfd);
            vfs_close(c, r);
        }
        return 0;
    default:
        return -EINVAL;
    }
}

int vfs_spawn(struct vfs_session *parent, uint64_t child_pid, const struct spawn_msg *msg,
              const void **data, size_t *size)
{
    if (!ready || child_pid == 0 || !msg->path || msg->action_count > SPAWN_MSG_MAX_ACTIONS)
        return -EINVAL;
    if (vfs_session_find(child_pid))
        return -EEXIST;
    struct vfs_node *prog;
    int err = resolve(parent ? parent->cwd : ns_root(), msg->path, &prog);
    if (err)
        return err;
    if (prog->type != VFS_NODE_REG || !prog->mount->ops->contents)
        return -EACCES;
    struct vfs_session *child = session_new(child_pid, parent, true);
    if (!child)
        return -ENOMEM;
    vfs_node_get(prog);
    for (size_t i = 0; i < msg->action_count && !err; i++)
        err = spawn_action(child, &msg->actions[i],
                           msg->actions[i].kind == SPAWN_ACTION_OPEN ? msg->action_path[i] : NULL);
    for (int fd = 0; fd < VFS_MAX_FDS && !err; fd++)
        if (child->fd[fd].file && child->fd[fd].cloexec)
            vfs_close(child, fd);
    /* After the actions, which may have truncated or rewritten it. */
    if (!err)
        err = prog->mount->ops->contents(prog, data, size);
    if (err)
        vfs_session_destroy(child);
    vfs_node_put(prog);
    return err;
}
