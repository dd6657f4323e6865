/*
 * cap_syscall.c: the system calls on capabilities themselves: duplicate,
 * delete, revoke, inspect.  Each only unpacks its registers and calls the
 * capability-space operation (cspace.c), which does every check before
 * any change.
 */
#include <atom/cap.h>
#include <atom/errors.h>
#include <atom/syscall.h>
#include <kernel/cap.h>
#include <kernel/error.h>
#include <kernel/memory.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>

static bool handle_ok(uint64_t h)
{
    return (int64_t)h >= 0 && h <= INT32_MAX;
}

/* (handle, rights, badge, flags) -> the new handle. */
int64_t sys_cap_duplicate(struct syscall_regs *r)
{
    uint64_t rights = r->arg[1], badge = r->arg[2], flags = r->arg[3];
    if (!handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    if ((rights & ~(uint64_t)ATOM_RIGHTS_ALL) || (flags & ~(uint64_t)ATOM_DUP_SET_BADGE) ||
        (!(flags & ATOM_DUP_SET_BADGE) && badge != 0))
        return -ATOM_EINVAL;
    struct cspace *cs = process_current()->cspace;
    int handle;
    int err = cap_duplicate(cs, (int)r->arg[0], cs, (uint32_t)rights, badge,
                            flags & ATOM_DUP_SET_BADGE, &handle);
    return err == E_OK ? handle : syscall_error(err);
}

/* (handle) -> 0. */
int64_t sys_cap_delete(struct syscall_regs *r)
{
    if (!handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    return syscall_error(cap_delete(process_current()->cspace, (int)r->arg[0]));
}

/* (handle) -> 0: removes everything derived from it. */
int64_t sys_cap_revoke(struct syscall_regs *r)
{
    if (!handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    return syscall_error(cap_revoke(process_current()->cspace, (int)r->arg[0]));
}

/* (handle, struct atom_cap_info *out) -> 0. */
int64_t sys_cap_inspect(struct syscall_regs *r)
{
    if (!handle_ok(r->arg[0]))
        return -ATOM_EBADF;
    struct atom_cap_info info;
    int err = cap_inspect(process_current()->cspace, (int)r->arg[0], &info);
    struct kobject *obj;
    if (err == E_OK && info.type == ATOM_OBJ_MEMORY &&
        syscall_cap(r->arg[0], ATOM_OBJ_MEMORY, 0, &obj, NULL) == E_OK) {
        info.size = memobj_pages(memobj_of(obj));
        kobject_put(obj);
    }
    if (err == E_OK)
        err = copy_to_user(r->arg[1], &info, sizeof(info));
    return syscall_error(err);
}
