/* A spawn request (<atom/spawn_msg.h>): what posix_spawn() hands the
 * process server in a memory object, and the process server hands on to
 * the VFS for the program file and the file actions.
 *
 * Layout, in one block of `size` bytes (every offset is from its start):
 *
 *   struct spawn_msg_header
 *   struct spawn_msg_action[action_count]  at actions
 *   strings (each NUL-terminated)          path, argv, envp, action paths
 *
 * argv and envp are argc and envc strings packed one after another from
 * their offsets.  The process server and the VFS receive it from an
 * untrusted client: spawn_msg_decode() checks every offset, count and
 * terminator before anything is used, and both sides call it. */
#ifndef ATOM_SPAWN_MSG_H
#define ATOM_SPAWN_MSG_H

#include <stddef.h>
#include <stdint.h>

#define SPAWN_MSG_MAGIC       0x4e575053u /* "SPWN" */
#define SPAWN_MSG_MAX_SIZE    (256u * 1024u)
#define SPAWN_MSG_MAX_STRINGS 1024u       /* argv and envp together */
#define SPAWN_MSG_MAX_ACTIONS 64u
#define SPAWN_MSG_SIGNALS     0xfffffffeull /* signals 1-31, as bits 1 << sig */
#define SPAWN_MSG_SETPGROUP   1u            /* header flag: pgroup is set */

enum spawn_action_kind {
    SPAWN_ACTION_CLOSE = 1,   /* close(fd) */
    SPAWN_ACTION_DUP2,        /* dup2(fd, newfd) */
    SPAWN_ACTION_OPEN,        /* newfd = open(path, flags, mode) */
};

struct spawn_msg_action {
    uint32_t kind;
    int32_t fd;
    int32_t newfd;
    int32_t flags;
    uint32_t mode;
    uint32_t path;            /* offset of the path (OPEN only) */
};

struct spawn_msg_header {
    uint32_t magic;
    uint32_t size;            /* bytes used, header included */
    uint32_t path;            /* offset of the program's path */
    uint32_t argc, argv;      /* count and offset of the packed strings */
    uint32_t envc, envp;
    uint32_t action_count, actions;
    uint32_t flags;           /* SPAWN_MSG_SETPGROUP, or 0 */
    uint64_t sigmask;         /* the child's blocked signals (bit 1 << sig) */
    uint64_t sigdefault;      /* signals the parent ignores that the child
                                 takes back to their default action */
    int32_t pgroup;           /* SETPGROUP: the group to join, 0 a new one */
    uint32_t reserved;        /* 0 */
};

_Static_assert(sizeof(struct spawn_msg_action) == 24, "spawn_msg_action layout");
_Static_assert(sizeof(struct spawn_msg_header) == 64, "spawn_msg_header layout");

/* A checked request, pointing into the block it came from. */
struct spawn_msg {
    const char *path;
    const char *argv[SPAWN_MSG_MAX_STRINGS + 1]; /* NULL-terminated */
    const char *envp[SPAWN_MSG_MAX_STRINGS + 1];
    size_t argc, envc;
    const struct spawn_msg_action *actions;
    size_t action_count;
    const char *action_path[SPAWN_MSG_MAX_ACTIONS]; /* OPEN actions' paths */
    struct spawn_msg_attrs {
        uint64_t mask, defaults;                /* as sigmask, sigdefault */
        int pgroup;                             /* -1: the parent's group */
    } attrs;
};

/* Checks the `size` bytes at buf and fills *out.  Returns 0, or -EINVAL
 * for anything malformed (bad magic, an offset or count out of bounds, a
 * string without its NUL, an unknown action, a negative fd), -E2BIG for
 * too many strings or actions. */
int spawn_msg_decode(const void *buf, size_t size, struct spawn_msg *out);

/* Bytes spawn_msg_encode() needs for this request. */
size_t spawn_msg_size(const char *path, const char *const *argv, const char *const *envp,
                      const struct spawn_msg_action *actions, const char *const *action_paths,
                      size_t action_count);

/* Writes the request into buf (spawn_msg_size() bytes); returns its size,
 * or 0 if it does not fit in buf_size or breaks a limit above.  attrs
 * may be NULL: nothing blocked, nothing reset, the parent's group. */
size_t spawn_msg_encode(void *buf, size_t buf_size, const char *path, const char *const *argv,
                        const char *const *envp, const struct spawn_msg_action *actions,
                        const char *const *action_paths, size_t action_count,
                        const struct spawn_msg_attrs *attrs);

#endif
