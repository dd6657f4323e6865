/* <sys/dirent.h> for Atom (replaces newlib's, which refuses to compile on
 * systems without directories): the types behind <dirent.h>.  Directory
 * streams read entries from the VFS in batches (libc-port/dir.c). */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define MAXNAMLEN 255

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[MAXNAMLEN + 1];
};

#define _DIRENT_HAVE_D_TYPE 1

typedef struct __atom_dir DIR;

#endif
