/*
 * irq_cap.c: IRQ handler objects: an interrupt line delivered to user
 * space as a notification.
 *
 * ATOM_SYS_IRQ_BIND attaches the line to a notification and a set of
 * bits.  When the interrupt arrives the kernel masks the line and signals
 * the notification; the driver services its device and calls
 * ATOM_SYS_IRQ_ACK, which unmasks it.  Masking until the ack keeps a
 * level-triggered device from interrupting again and again before its
 * driver has run.  The line is detached when the last capability goes.
 *
 * Rights: bind and ack need WRITE on the IRQ; bind needs WRITE on the
 * notification.
 */
#include <atom/errors.h>
#include <kernel/device.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/irq.h>
#include <kernel/process.h>
#include <kernel/syscall.h>

struct irq_cap {
    struct kobject obj;          /* ATOM_OBJ_IRQ */
    uint32_t gsi;
    unsigned flags;              /* ACPI_IRQ_* */
    spinlock_t lock;
    struct notification *ntf;    /* bound to, or NULL */
    uint64_t bits;
    uint64_t count;              /* interrupts delivered */
};

static void irq_cap_fire(void *ctx)
{
    struct irq_cap *ic = ctx;
    irq_set_masked(ic->gsi, true);
    ic->count++;
    notification_signal(ic->ntf, ic->bits);
}

static void irq_cap_destroy(struct kobject *obj)
{
    struct irq_cap *ic = (struct irq_cap *)obj;
    if (ic->ntf) {
        irq_detach_gsi(ic->gsi);
        kobject_put(&ic->ntf->obj);
    }
    kfree(ic);
}

int irq_cap_create(uint32_t gsi, unsigned acpi_flags, struct kobject **out)
{
    if (gsi >= IRQ_MAX_GSI)
        return E_INVAL;
    struct irq_cap *ic = kzalloc(sizeof(*ic));
    if (!ic)
        return E_NOMEM;
    kobject_init(&ic->obj, ATOM_OBJ_IRQ, irq_cap_destroy);
    ic->gsi = gsi;
    ic->flags = acpi_flags;
    ic->lock = (spinlock_t)SPINLOCK_INIT;
    *out = &ic->obj;
    return E_OK;
}

/* (irq, notification, bits) -> 0.  bits nonzero below bit 63; a line is
 * bound once (EBUSY after) unless bits has ATOM_IRQ_REPLACE: a driver
 * restarted by its supervisor, holding the same IRQ capability, takes
 * the line over from its dead predecessor's notification. */
int64_t sys_irq_bind(struct syscall_regs *r)
{
    uint64_t bits = r->arg[2] & ~ATOM_IRQ_REPLACE;
    bool replace = r->arg[2] & ATOM_IRQ_REPLACE;
    if (!syscall_handle_ok(r->arg[1]))
        return -ATOM_EBADF;
    if (bits == 0)
        return -ATOM_EINVAL;
    struct kobject *obj, *nobj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_IRQ, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    err = syscall_cap(r->arg[1], ATOM_OBJ_NOTIFICATION, ATOM_RIGHT_WRITE, &nobj, NULL);
    if (err != E_OK) {
        kobject_put(obj);
        return syscall_error(err);
    }
    struct irq_cap *ic = (struct irq_cap *)obj;
    struct notification *old = NULL;
    spin_lock(&ic->lock);
    bool attached = ic->ntf != NULL;
    if (attached && !replace) {
        err = E_BUSY;
    } else {
        if (attached) {
            /* Masked until the new driver acks. */
            irq_set_masked(ic->gsi, true);
            old = ic->ntf;
        }
        ic->ntf = notification_of(nobj);
        ic->bits = bits;
    }
    spin_unlock(&ic->lock);
    if (old)
        kobject_put(&old->obj);
    if (err == E_OK && !attached) {
        err = irq_attach_gsi(ic->gsi, ic->flags, irq_cap_fire, ic);
        if (err != E_OK) {
            spin_lock(&ic->lock);
            ic->ntf = NULL;
            spin_unlock(&ic->lock);
        }
    }
    if (err != E_OK)
        kobject_put(nobj); /* on success the binding keeps it */
    kobject_put(obj);
    return syscall_error(err);
}

/* (irq) -> 0: unmasks the line after the driver serviced it. */
int64_t sys_irq_ack(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_IRQ, ATOM_RIGHT_WRITE, &obj, NULL);
    if (err != E_OK)
        return syscall_error(err);
    struct irq_cap *ic = (struct irq_cap *)obj;
    err = ic->ntf ? irq_set_masked(ic->gsi, false) : E_INVAL;
    kobject_put(obj);
    return syscall_error(err);
}
