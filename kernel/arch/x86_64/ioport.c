/*
 * ioport.c: I/O-port range objects (x86): a driver's access to its ports.
 *
 * A capability names a range base .. base+count-1.  The driver reads and
 * writes ports with ATOM_SYS_IOPORT_IN / _OUT, which check that every byte
 * of the access lies in the range; the kernel does the access.  (The
 * alternative, the TSS I/O permission bitmap, would let drivers use in and
 * out directly but costs a bitmap switch per context switch; port I/O is
 * slow anyway, so the system call is the simpler equal.)
 *
 * Rights: in needs READ, out needs WRITE.  Widths are 1, 2 or 4 bytes.
 */
#include <arch/io.h>
#include <atom/errors.h>
#include <kernel/device.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <kernel/process.h>
#include <kernel/syscall.h>

struct ioport {
    struct kobject obj;  /* ATOM_OBJ_IOPORT */
    uint16_t base;
    uint32_t count;
};

static void ioport_destroy(struct kobject *obj)
{
    kfree(obj);
}

/* Ports the kernel drives itself: the PICs, the PIT and QEMU's
 * isa-debug-exit.  COM1 is shared: the kernel sets the UART up and writes
 * its log there, and the serial console driver (the boot manifest gives
 * it the ports and IRQ 4) receives and writes too, both waiting for the
 * transmitter before each byte. */
static const struct {
    uint16_t base, count;
} kernel_ports[] = {
    { 0x20, 2 }, { 0x40, 4 }, { 0xa0, 2 }, { 0xf4, 1 },
};

bool ioport_kernel_owned(uint16_t base, uint32_t count)
{
    for (size_t i = 0; i < sizeof(kernel_ports) / sizeof(kernel_ports[0]); i++)
        if (base < kernel_ports[i].base + kernel_ports[i].count &&
            kernel_ports[i].base < (uint32_t)base + count)
            return true;
    return false;
}

int ioport_create(uint16_t base, uint32_t count, struct kobject **out)
{
    if (count == 0 || (uint32_t)base + count > 0x10000)
        return E_INVAL;
    struct ioport *io = kzalloc(sizeof(*io));
    if (!io)
        return E_NOMEM;
    kobject_init(&io->obj, ATOM_OBJ_IOPORT, ioport_destroy);
    io->base = base;
    io->count = count;
    *out = &io->obj;
    return E_OK;
}

/* decode: the capability, the right, the width and the range. */
static int decode(struct syscall_regs *r, uint32_t right, struct kobject **obj)
{
    uint64_t port = r->arg[1], width = r->arg[2];
    if (!syscall_handle_ok(r->arg[0]))
        return E_BADHANDLE;
    if (width != 1 && width != 2 && width != 4)
        return E_INVAL;
    int err = syscall_cap(r->arg[0], ATOM_OBJ_IOPORT, right, obj, NULL);
    if (err != E_OK)
        return err;
    struct ioport *io = (struct ioport *)*obj;
    if (port < io->base || port + width > (uint64_t)io->base + io->count) {
        kobject_put(*obj);
        return E_RANGE;
    }
    return E_OK;
}

/* (ioport, port, width) -> the value read. */
int64_t sys_ioport_in(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = decode(r, ATOM_RIGHT_READ, &obj);
    if (err != E_OK)
        return syscall_error(err);
    uint16_t port = (uint16_t)r->arg[1];
    int64_t v = r->arg[2] == 1 ? inb(port) : r->arg[2] == 2 ? inw(port) : inl(port);
    kobject_put(obj);
    return v;
}

/* (ioport, port, width, value) -> 0. */
int64_t sys_ioport_out(struct syscall_regs *r)
{
    struct kobject *obj;
    int err = decode(r, ATOM_RIGHT_WRITE, &obj);
    if (err != E_OK)
        return syscall_error(err);
    uint16_t port = (uint16_t)r->arg[1];
    uint64_t v = r->arg[3];
    if (v >> (8 * r->arg[2])) {
        kobject_put(obj);
        return -ATOM_EINVAL; /* wider than the access */
    }
    if (r->arg[2] == 1)
        outb(port, (uint8_t)v);
    else if (r->arg[2] == 2)
        outw(port, (uint16_t)v);
    else
        outl(port, (uint32_t)v);
    kobject_put(obj);
    return 0;
}
