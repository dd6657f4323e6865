/*
 * dir.c: directory streams (<dirent.h>) over VFS_READDIR.
 *
 * A DIR is an open descriptor of the directory and a batch of entries
 * fetched at once through the shared buffer; readdir() hands them out
 * one by one into the stream's own struct dirent, as POSIX allows.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atom/vfs.h>

#include "libc_internal.h"

#define ATOM_WEAK __attribute__((weak))
#define BATCH 16

struct __atom_dir {
    int fd;
    size_t next, count;               /* entries[next..count) not yet returned */
    struct vfs_dirent entries[BATCH];
    struct dirent current;
};

_Static_assert(BATCH * sizeof(struct vfs_dirent) <= VFS_BUFFER_SIZE, "a batch fits the buffer");

ATOM_WEAK DIR *fdopendir(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return NULL;
    if (!S_ISDIR(st.st_mode)) {
        atom_fail(ENOTDIR);
        return NULL;
    }
    DIR *d = calloc(1, sizeof(*d));
    if (!d) {
        atom_fail(ENOMEM);
        return NULL;
    }
    d->fd = fd;
    return d;
}

ATOM_WEAK DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return d;
}

ATOM_WEAK struct dirent *readdir(DIR *d)
{
    if (!d) {
        atom_fail(EBADF);
        return NULL;
    }
    if (d->next == d->count) {
        long r = atom_vfs_call(VFS_READDIR, (uint64_t)d->fd, BATCH, 0, NULL);
        if (r <= 0 || r > BATCH) {
            if (r != 0)
                atom_fail(r < 0 ? (int)-r : EIO);
            return NULL;   /* the end leaves errno alone */
        }
        memcpy(d->entries, atom_vfs_buffer(), (size_t)r * sizeof(struct vfs_dirent));
        d->next = 0;
        d->count = (size_t)r;
    }
    const struct vfs_dirent *e = &d->entries[d->next++];
    d->current.d_ino = (ino_t)e->ino;
    d->current.d_type = (unsigned char)e->type;
    memcpy(d->current.d_name, e->name, sizeof(d->current.d_name));
    d->current.d_name[MAXNAMLEN] = '\0';
    return &d->current;
}

ATOM_WEAK void rewinddir(DIR *d)
{
    if (!d)
        return;
    lseek(d->fd, 0, SEEK_SET);
    d->next = d->count = 0;
}

ATOM_WEAK int dirfd(DIR *d)
{
    return d ? d->fd : atom_fail(EINVAL);
}

ATOM_WEAK int closedir(DIR *d)
{
    if (!d)
        return atom_fail(EBADF);
    int r = close(d->fd);
    free(d);
    return r;
}
