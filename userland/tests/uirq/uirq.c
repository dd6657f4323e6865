/*
 * uirq: a user-space driver's view of interrupts, run by the self-test
 * boot with two capabilities: handle 2, the RTC's interrupt line, and
 * handle 3, the CMOS ports 0x70-0x71.  It binds the line to a
 * notification, turns on the RTC's periodic interrupt through the ports,
 * and takes five interrupts: wait on the notification, clear the RTC's
 * flag, acknowledge the line.  Also checks the refusals: a second bind,
 * ports outside the range, bad widths and values, a port capability
 * without WRITE.
 */
#include <stdint.h>
#include <stdio.h>

#include <atom/cap.h>
#include <atom/raw_syscall.h>

#define IRQ 2
#define PORTS 3
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define NMI_OFF 0x80

static int failures;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            printf("uirq: FAIL line %d: ", __LINE__);                     \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
            failures++;                                                   \
        }                                                                 \
    } while (0)

static long cmos_read(long ports, unsigned reg)
{
    atom_syscall6(ATOM_SYS_IOPORT_OUT, ports, CMOS_INDEX, 1, NMI_OFF | reg, 0, 0);
    return atom_syscall3(ATOM_SYS_IOPORT_IN, ports, CMOS_DATA, 1);
}

static long cmos_write(long ports, unsigned reg, unsigned value)
{
    atom_syscall6(ATOM_SYS_IOPORT_OUT, ports, CMOS_INDEX, 1, NMI_OFF | reg, 0, 0);
    return atom_syscall6(ATOM_SYS_IOPORT_OUT, ports, CMOS_DATA, 1, value, 0, 0);
}

int main(void)
{
    long n = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    CHECK(atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0) == -ATOM_EINVAL, "ack before bind");
    CHECK(atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, n, 0) == -ATOM_EINVAL, "no bits");
    CHECK(atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, n, 0x10) == 0, "bind");
    CHECK(atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, n, 0x10) == -ATOM_EBUSY, "second bind");
    CHECK(atom_syscall3(ATOM_SYS_IOPORT_IN, PORTS, 0x72, 1) == -ATOM_ERANGE, "port past the range");
    CHECK(atom_syscall3(ATOM_SYS_IOPORT_IN, PORTS, 0x71, 2) == -ATOM_ERANGE, "access past the range");
    CHECK(atom_syscall3(ATOM_SYS_IOPORT_IN, PORTS, 0x6f, 1) == -ATOM_ERANGE, "port before the range");
    CHECK(atom_syscall3(ATOM_SYS_IOPORT_IN, PORTS, 0x70, 3) == -ATOM_EINVAL, "width 3");
    CHECK(atom_syscall6(ATOM_SYS_IOPORT_OUT, PORTS, 0x70, 1, 0x100, 0, 0) == -ATOM_EINVAL,
          "value wider than the access");
    long ro = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, PORTS, ATOM_RIGHT_READ, 0, 0, 0, 0);
    CHECK(atom_syscall6(ATOM_SYS_IOPORT_OUT, ro, 0x70, 1, 0x0c, 0, 0) == -ATOM_EPERM,
          "out without WRITE");
    CHECK(atom_syscall3(ATOM_SYS_IOPORT_IN, ro, 0x71, 1) >= 0, "in with READ");
    long irq_ro = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, IRQ, ATOM_RIGHT_READ, 0, 0, 0, 0);
    CHECK(atom_syscall3(ATOM_SYS_IRQ_ACK, irq_ro, 0, 0) == -ATOM_EPERM, "ack without WRITE");

    /* The RTC's periodic interrupt (register B bit 6). */
    long b = cmos_read(PORTS, 0x0B);
    cmos_read(PORTS, 0x0C);
    CHECK(cmos_write(PORTS, 0x0B, (unsigned)b | 0x40) == 0, "enable the periodic interrupt");
    int taken = 0;
    for (int i = 0; i < 5; i++) {
        long bits = atom_syscall3(ATOM_SYS_NOTIFY_WAIT, n, 1000000000, 0);
        if (bits != 0x10) {
            CHECK(0, "interrupt %d: %ld", i, bits);
            break;
        }
        long c = cmos_read(PORTS, 0x0C); /* clears the RTC's flag */
        CHECK(c & 0x40, "register C %#lx has no periodic flag", c);
        CHECK(atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0) == 0, "ack");
        taken++;
    }
    cmos_write(PORTS, 0x0B, (unsigned)b & ~0x40u);
    cmos_read(PORTS, 0x0C);
    printf("uirq: %d interrupts through a notification, %d failures\n", taken, failures);
    return failures != 0;
}
