/* The VFS server's internal types: nodes (inodes), directory entries,
 * mounts, and the operations each file system provides.
 *
 * A node belongs to one mount and carries the data of its type in a
 * union.  Directories are doubly linked lists of named entries, shared
 * code for every file system (vfs_ops.c); a directory keeps a pointer to
 * its parent (directories have exactly one name) and, for a mount point,
 * the mount that covers it.
 *
 * A node lives while it has a name (nlink) or a user (refs: open file
 * descriptions and session cwds).  When both reach zero its file
 * system's release() frees it.
 *
 * Every file system fills a struct vfs_fs_ops; a NULL name-space
 * operation means the file system is read-only there (EROFS).  The
 * generic layer does every check that POSIX states independently of the
 * file system (types, emptiness, mount points, access modes, offsets);
 * the operations only carry the change out, either fully or not at all. */
#ifndef VFS_NODE_H
#define VFS_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vfs_ops.h"

/* The largest file size and offset: 1 TiB.  lseek() past it fails with
 * EINVAL, write() and ftruncate() with EFBIG. */
#define VFS_FILE_MAX  (1ull << 40)
#define VFS_BLOCK     4096u      /* tmpfs data block, and st_blksize */
#define VFS_IO_MAX    (1u << 30) /* most bytes one read or write moves */

enum vfs_node_type {
    VFS_NODE_DIR,
    VFS_NODE_REG,
    VFS_NODE_CHR,
    VFS_NODE_FIFO,
};

struct vfs_node;
struct vfs_mount;

struct vfs_dir_entry {
    struct vfs_dir_entry *prev, *next;
    struct vfs_node *node;
    uint64_t cookie;         /* readdir position; grows along the list */
    size_t name_len;
    char name[];             /* NUL-terminated */
};

struct vfs_dir {
    struct vfs_dir_entry *first, *last;
    struct vfs_node *parent;     /* NULL for a mount's root and once removed */
    struct vfs_mount *mounted;   /* the mount covering this directory */
    uint64_t next_cookie;
    size_t count;
};

/* A tmpfs regular file: a two-level table of VFS_BLOCK-byte blocks, each
 * leaf a block's worth of pointers; a NULL leaf or block is a hole.  flat
 * is the whole file in one piece, made for vfs_spawn and dropped on any
 * change. */
struct vfs_tmpfs_file {
    uint8_t ***leaves;
    size_t leaf_count;       /* length of leaves[] */
    size_t used;             /* data blocks allocated */
    void *flat;
};

struct vfs_pipe {
    uint8_t *buf;            /* VFS_PIPE_SIZE bytes, a ring */
    size_t head, used;
    unsigned readers, writers;
};

struct vfs_node {
    enum vfs_node_type type;
    uint32_t mode;           /* permission bits (07777) */
    uint32_t nlink;          /* names; directories: 2 + subdirectories */
    uint32_t refs;           /* open file descriptions and cwds */
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;         /* 512-byte blocks in use */
    int64_t atime_ns, mtime_ns, ctime_ns;
    struct vfs_mount *mount;
    union {
        struct vfs_dir dir;
        const uint8_t *initrd_data;   /* initrd file: into the archive */
        struct vfs_tmpfs_file file;
        struct {
            unsigned kind;            /* fs_dev.c's device */
            uint32_t rdev;
        } chr;
        struct vfs_pipe pipe;
    };
};

struct vfs_fs_ops {
    /* Data of a file, device or pipe.  The caller has checked the access
     * mode and that offset + count stays within VFS_FILE_MAX. */
    ssize_t (*read)(struct vfs_node *n, void *buf, size_t count, uint64_t offset,
                    bool nonblock);
    ssize_t (*write)(struct vfs_node *n, const void *buf, size_t count, uint64_t offset,
                     bool nonblock);
    /* A regular file's new size (<= VFS_FILE_MAX). */
    int (*truncate)(struct vfs_node *n, uint64_t length);
    /* A regular file's bytes in one piece, valid until the file changes. */
    int (*contents)(struct vfs_node *n, const void **data, size_t *size);

    /* The name space.  name is a checked component (not "." or ".."),
     * absent from dir (create, link) or the entry to go (remove).  */
    int (*create)(struct vfs_node *dir, const char *name, size_t len, enum vfs_node_type type,
                  uint32_t mode, struct vfs_node **out);
    int (*link)(struct vfs_node *dir, const char *name, size_t len, struct vfs_node *n);
    /* Removes a non-directory or an empty directory. */
    int (*remove)(struct vfs_node *dir, struct vfs_dir_entry *e);
    /* Moves old (in old_dir) to name in new_dir, first removing replaced
     * (the entry there now, of a compatible type, or NULL). */
    int (*rename)(struct vfs_node *old_dir, struct vfs_dir_entry *old, struct vfs_node *new_dir,
                  const char *name, size_t len, struct vfs_dir_entry *replaced);

    /* An open file description on n is made or goes (pipe ends). */
    void (*open)(struct vfs_node *n, int flags);
    void (*close)(struct vfs_node *n, int flags);
    /* Frees n and its data: it has no name and no user left. */
    void (*release)(struct vfs_node *n);
};

/* The mount table: /, /tmp, /dev, and the pipes' own nameless one. */
enum vfs_mount_index {
    VFS_MOUNT_ROOT,
    VFS_MOUNT_TMP,
    VFS_MOUNT_DEV,
    VFS_MOUNT_PIPE,
    VFS_MOUNT_COUNT,
};

struct vfs_mount {
    const struct vfs_fs_ops *ops;
    struct vfs_node *root;       /* NULL for the pipes */
    struct vfs_node *covered;    /* the directory it hides; NULL for / */
    uint32_t dev;                /* st_dev */
    uint64_t next_ino;
};

/* Nodes and directories (vfs_ops.c), for the file systems. */
struct vfs_node *vfs_node_new(struct vfs_mount *m, enum vfs_node_type type, uint32_t mode);
void vfs_node_get(struct vfs_node *n);
void vfs_node_put(struct vfs_node *n);
/* Frees n if it has neither names nor users. */
void vfs_node_check(struct vfs_node *n);
void vfs_node_touch(struct vfs_node *n, bool modified);
struct vfs_dir_entry *vfs_dir_find(const struct vfs_node *dir, const char *name, size_t len);
struct vfs_dir_entry *vfs_dir_entry_new(const char *name, size_t len, struct vfs_node *n);
void vfs_dir_insert(struct vfs_node *dir, struct vfs_dir_entry *e);
void vfs_dir_detach(struct vfs_node *dir, struct vfs_dir_entry *e);
/* Makes a new directory (nlink 2) named name in dir; NULL when out of
 * memory.  For the file systems' own trees. */
struct vfs_node *vfs_dir_add_new(struct vfs_node *dir, const char *name, size_t len, uint32_t mode);

/* The file systems. */
extern const struct vfs_fs_ops initrd_ops, tmpfs_ops, dev_ops, pipe_ops;

/* Builds m->root from the archive after making the directories named in
 * mount_points (NULL-terminated); archive entries that clash with them
 * are skipped.  0 or -ENOMEM (m->root then holds what was built). */
int initrd_build(struct vfs_mount *m, const void *archive, size_t size,
                 const char *const *mount_points);
int tmpfs_build(struct vfs_mount *m);
int dev_build(struct vfs_mount *m);
bool dev_is_console(const struct vfs_node *n);
/* The console server's terminal (CONSOLE_TERM_*) a device is, or -1. */
int dev_terminal(const struct vfs_node *n);
/* A new pipe with no ends yet; -ENOMEM. */
int pipe_create(struct vfs_mount *m, struct vfs_node **out);

#endif
