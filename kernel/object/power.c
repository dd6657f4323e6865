/*
 * power.c: the power object, the one capability that may restart or
 * switch off the machine (ATOM_OBJ_POWER; seL4 style, one object type
 * per file).  The kernel makes one only for the boot manifest's `power`
 * line, so init holds it and decides who may use it.
 *
 * The object has no state: holding the capability is the authority.
 * ATOM_SYS_POWER decodes (handle, WRITE right, operation) before it
 * acts, logs a line saying what is about to happen, and hands over to
 * the architecture.  Restarting does not come back (the last resort is a
 * triple fault); switching off comes back only if every way failed, and
 * then the call answers ATOM_ENOTSUP so the caller can say so.
 */
#include <atom/errors.h>
#include <atom/sysinfo.h>
#include <kernel/arch.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/power.h>
#include <kernel/process.h>
#include <kernel/syscall.h>

static const struct acpi_info *firmware;

void power_init(const struct acpi_info *acpi)
{
    firmware = acpi;
}

static void power_destroy(struct kobject *obj)
{
    kfree(obj);
}

int power_create(struct kobject **out)
{
    struct kobject *obj = kzalloc(sizeof(*obj));
    if (!obj)
        return E_NOMEM;
    kobject_init(obj, ATOM_OBJ_POWER, power_destroy);
    *out = obj;
    return E_OK;
}

/* (power cap, op) -> ATOM_ENOTSUP if switching off failed; a restart
 * does not return. */
int64_t sys_power(struct syscall_regs *r)
{
    uint64_t op = r->arg[1];
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_POWER, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    kobject_put(obj);
    if (op != ATOM_POWER_OFF && op != ATOM_POWER_REBOOT)
        return -ATOM_EINVAL;

    const char *who = process_current()->name;
    if (op == ATOM_POWER_REBOOT) {
        log_info("power: restarting (asked by %s)", who);
        arch_reboot(firmware);
    }
    log_info("power: switching off (asked by %s)", who);
    arch_power_off(firmware);
    log_info("power: the machine cannot be switched off by software");
    return -ATOM_ENOTSUP;
}
