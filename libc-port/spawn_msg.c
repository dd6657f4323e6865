/*
 * spawn_msg.c: encoding and checking spawn requests (<atom/spawn_msg.h>).
 *
 * posix_spawn() encodes; the process server and the VFS decode what an
 * untrusted client wrote into shared memory, so decoding checks every
 * offset against the block before it reads there, and every string for
 * its terminator inside the block.  Servers decode a private copy, not
 * the shared memory itself, so that the client cannot change the request
 * between the checks and their use.
 */
#include <errno.h>
#include <string.h>

#include <atom/spawn_msg.h>

/* The string at off, if it ends inside the block. */
static const char *string_at(const char *base, size_t size, uint32_t off, size_t *len)
{
    if (off >= size)
        return NULL;
    const char *end = memchr(base + off, '\0', size - off);
    if (!end)
        return NULL;
    if (len)
        *len = (size_t)(end - (base + off));
    return base + off;
}

/* count strings packed from off; fills out[0..count-1] and out[count] = NULL. */
static int strings_at(const char *base, size_t size, uint32_t off, uint32_t count,
                      const char **out)
{
    size_t pos = off;
    for (uint32_t i = 0; i < count; i++) {
        size_t len;
        if (pos > UINT32_MAX || !(out[i] = string_at(base, size, (uint32_t)pos, &len)))
            return -EINVAL;
        pos += len + 1;
    }
    out[count] = NULL;
    return 0;
}

int spawn_msg_decode(const void *buf, size_t size, struct spawn_msg *out)
{
    const char *base = buf;
    struct spawn_msg_header h;
    if (!buf || size < sizeof(h) || size > SPAWN_MSG_MAX_SIZE)
        return -EINVAL;
    memcpy(&h, buf, sizeof(h));
    if (h.magic != SPAWN_MSG_MAGIC || h.size < sizeof(h) || h.size > size ||
        (h.flags & ~SPAWN_MSG_SETPGROUP) || h.reserved != 0 || h.pgroup < 0)
        return -EINVAL;
    size = h.size;
    if ((uint64_t)h.argc + h.envc > SPAWN_MSG_MAX_STRINGS || h.action_count > SPAWN_MSG_MAX_ACTIONS)
        return -E2BIG;
    if (!(out->path = string_at(base, size, h.path, NULL)) || out->path[0] == '\0')
        return -EINVAL;
    if (strings_at(base, size, h.argv, h.argc, out->argv) != 0 ||
        strings_at(base, size, h.envp, h.envc, out->envp) != 0)
        return -EINVAL;
    if ((h.sigmask | h.sigdefault) & ~SPAWN_MSG_SIGNALS)
        return -EINVAL;
    out->attrs.mask = h.sigmask;
    out->attrs.defaults = h.sigdefault;
    out->attrs.pgroup = (h.flags & SPAWN_MSG_SETPGROUP) ? h.pgroup : -1;
    out->argc = h.argc;
    out->envc = h.envc;
    out->action_count = h.action_count;
    out->actions = NULL;
    if (h.action_count) {
        uint64_t end = (uint64_t)h.actions + (uint64_t)h.action_count * sizeof(struct spawn_msg_action);
        if (h.actions % _Alignof(struct spawn_msg_action) || end > size)
            return -EINVAL;
        out->actions = (const struct spawn_msg_action *)(base + h.actions);
    }
    for (size_t i = 0; i < h.action_count; i++) {
        const struct spawn_msg_action *a = &out->actions[i];
        out->action_path[i] = NULL;
        switch (a->kind) {
        case SPAWN_ACTION_CLOSE:
            if (a->fd < 0)
                return -EINVAL;
            break;
        case SPAWN_ACTION_DUP2:
            if (a->fd < 0 || a->newfd < 0)
                return -EINVAL;
            break;
        case SPAWN_ACTION_OPEN:
            if (a->newfd < 0 || !(out->action_path[i] = string_at(base, size, a->path, NULL)))
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
    }
    return 0;
}

static size_t strings_size(const char *const *v, uint32_t *count)
{
    size_t bytes = 0;
    *count = 0;
    for (; v && v[*count]; (*count)++)
        bytes += strlen(v[*count]) + 1;
    return bytes;
}

size_t spawn_msg_size(const char *path, const char *const *argv, const char *const *envp,
                      const struct spawn_msg_action *actions, const char *const *action_paths,
                      size_t action_count)
{
    uint32_t argc, envc;
    (void)actions;
    size_t bytes = sizeof(struct spawn_msg_header) +
                   action_count * sizeof(struct spawn_msg_action) + strlen(path) + 1 +
                   strings_size(argv, &argc) + strings_size(envp, &envc);
    for (size_t i = 0; i < action_count; i++)
        if (action_paths && action_paths[i])
            bytes += strlen(action_paths[i]) + 1;
    return bytes;
}

/* Appends s at *pos; returns its offset. */
static uint32_t put_string(char *base, size_t *pos, const char *s)
{
    size_t len = strlen(s) + 1, at = *pos;
    memcpy(base + at, s, len);
    *pos += len;
    return (uint32_t)at;
}

size_t spawn_msg_encode(void *buf, size_t buf_size, const char *path, const char *const *argv,
                        const char *const *envp, const struct spawn_msg_action *actions,
                        const char *const *action_paths, size_t action_count,
                        const struct spawn_msg_attrs *attrs)
{
    size_t need = spawn_msg_size(path, argv, envp, actions, action_paths, action_count);
    uint32_t argc, envc;
    strings_size(argv, &argc);
    strings_size(envp, &envc);
    if (need > buf_size || need > SPAWN_MSG_MAX_SIZE || action_count > SPAWN_MSG_MAX_ACTIONS ||
        (size_t)argc + envc > SPAWN_MSG_MAX_STRINGS ||
        (attrs && ((attrs->mask | attrs->defaults) & ~SPAWN_MSG_SIGNALS)))
        return 0;
    char *base = buf;
    struct spawn_msg_header h = {
        .magic = SPAWN_MSG_MAGIC, .size = (uint32_t)need, .argc = argc, .envc = envc,
        .action_count = (uint32_t)action_count, .actions = sizeof(h),
        .sigmask = attrs ? attrs->mask : 0, .sigdefault = attrs ? attrs->defaults : 0,
        .flags = attrs && attrs->pgroup >= 0 ? SPAWN_MSG_SETPGROUP : 0,
        .pgroup = attrs && attrs->pgroup >= 0 ? attrs->pgroup : 0,
    };
    size_t pos = sizeof(h) + action_count * sizeof(struct spawn_msg_action);
    h.path = put_string(base, &pos, path);
    h.argv = (uint32_t)pos;
    for (uint32_t i = 0; i < argc; i++)
        put_string(base, &pos, argv[i]);
    h.envp = (uint32_t)pos;
    for (uint32_t i = 0; i < envc; i++)
        put_string(base, &pos, envp[i]);
    for (size_t i = 0; i < action_count; i++) {
        struct spawn_msg_action a = actions[i];
        a.path = action_paths && action_paths[i] ? put_string(base, &pos, action_paths[i]) : 0;
        memcpy(base + sizeof(h) + i * sizeof(a), &a, sizeof(a));
    }
    memcpy(base, &h, sizeof(h));
    return need;
}
