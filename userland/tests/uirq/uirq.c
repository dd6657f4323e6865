/*
 * uirq: a user-space driver's view of interrupts, run by the self-test
 * boot with two capabilities: handle 2, the RTC's interrupt line, and
 * handle 3, the CMOS ports 0x70-0x71.  It binds the line to a
 * notification, turns on the RTC's periodic interrupt through the ports,
 * and takes five interrupts: wait on the notification, clear the RTC's
 * flag, acknowledge the line.  Also checks the refusals: a second bind,
 * ports outside the range, bad widths and values, a port capability
 * without WRITE.  With a framebuffer, handle 4 is the first page of its
 * memory (a physical memory object): it maps it, draws a line of pixels
 * and reads them back.
 */
#include <atom/memory.h>
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
    CHECK(atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, n, (long)ATOM_IRQ_REPLACE) == -ATOM_EINVAL,
          "replace with no bits");
    CHECK(atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, n, (long)(0x10 | ATOM_IRQ_REPLACE)) == 0,
          "replacing bind (a restarted driver)");
    /* The line stays masked from the replacement until the new driver's ack. */
    CHECK(atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0) == 0, "ack after the replacing bind");
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
    /* An interrupt the RTC raised before we came (the line was delivered
     * the moment it was bound) is not ours: clear it and start afresh. */
    if (atom_syscall1(ATOM_SYS_NOTIFY_POLL, n) != 0)
        CHECK(atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0) == 0, "ack of an earlier interrupt");
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
    /* Device memory: the framebuffer, if the kernel gave one. */
    struct atom_cap_info ci;
    if (atom_syscall3(ATOM_SYS_CAP_INSPECT, 4, (long)&ci, 0) == 0 && ci.type == ATOM_OBJ_MEMORY) {
        const uint64_t va = 0x520000000000ull;
        CHECK(atom_syscall6(ATOM_SYS_MEM_MAP, 1, 4, va, 1, 1, ATOM_PROT_READ) == -ATOM_EINVAL,
              "a page past the object");
        long r = atom_syscall6(ATOM_SYS_MEM_MAP, 1, 4, va, 0, 1, ATOM_PROT_READ | ATOM_PROT_WRITE);
        CHECK(r == 0, "map the framebuffer: %ld", r);
        if (r == 0) {
            volatile uint32_t *px = (volatile uint32_t *)va;
            for (int i = 0; i < 256; i++)
                px[i] = 0x00ff00u + (uint32_t)i;
            int same = 1;
            for (int i = 0; i < 256; i++)
                same &= px[i] == 0x00ff00u + (uint32_t)i;
            CHECK(same, "pixels read back");
            CHECK(atom_syscall6(ATOM_SYS_MEM_UNMAP, 1, va, 1, 0, 0, 0) == 0, "unmap");
            printf("uirq: framebuffer memory mapped, written and read back\n");
        }
    }
    printf("uirq: %d interrupts through a notification, %d failures\n", taken, failures);
    return failures != 0;
}
