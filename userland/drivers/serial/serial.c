/*
 * serial: the serial console driver, for the 16550 UART at COM1.
 *
 * Capabilities from handle 2, as init.conf gives them: IRQ 4, the ports
 * 0x3f8-0x3ff, and the console server badged for the serial role.  One
 * notification wakes the driver for both of its jobs: bit IRQ_BIT when
 * the UART has received bytes (they go to the console server as input),
 * bit OUTPUT_BIT when the console server has output waiting (the driver
 * takes it and writes it out).
 *
 * The kernel initialised the UART (115200 8N1, FIFOs, OUT2) and keeps
 * writing its own log to it; the driver only enables the receive
 * interrupt, so the two never disagree about the line's settings.
 * Every wait for the transmitter is bounded: a stuck UART slows output
 * down but never hangs the driver.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <atom/cap.h>
#include <atom/console.h>
#include <atom/raw_syscall.h>

#define IRQ 2
#define PORTS 3
#define CONSOLE 4
#define BASE 0x3f8
#define UART_DATA 0
#define UART_IER 1
#define UART_LSR 5
#define IER_RX 0x01
#define LSR_DATA 0x01
#define LSR_THRE 0x20
#define TX_SPIN_MAX 100000
#define IRQ_BIT 1ull
#define OUTPUT_BIT 2ull

static long inb(unsigned port)
{
    return atom_syscall3(ATOM_SYS_IOPORT_IN, PORTS, BASE + port, 1);
}

static void outb(unsigned port, unsigned value)
{
    atom_syscall6(ATOM_SYS_IOPORT_OUT, PORTS, BASE + port, 1, value, 0, 0);
}

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int spin = 0; spin < TX_SPIN_MAX; spin++)
            if (inb(UART_LSR) & LSR_THRE)
                break;
        outb(UART_DATA, (unsigned char)s[i]);
    }
}

/* A call to the console server: words w0..w2 and at most one capability
 * (copied); the reply's w0, and its data from w1 into out. */
static long console_call(unsigned label, uint64_t w0, const char *data, size_t n, long cap,
                         char *out, size_t out_max)
{
    struct atom_ipc_buffer *ipc = atom_ipc_buffer();
    struct atom_msg m = { .w = { w0 } };
    atom_msg_put_bytes(&m, ipc, 1, data, n);
    if (cap >= 0) {
        ipc->send_caps[0] = (int32_t)cap;
        ipc->send_move = 0;
    }
    m.info = ATOM_MSG_INFO(label, 1 + (n + 7) / 8, cap >= 0 ? 1 : 0);
    long r = atom_ipc(ATOM_SYS_IPC_CALL, CONSOLE, &m, ATOM_TIMEOUT_FOREVER);
    if (r < 0)
        return r;
    long result = (long)m.w[0];
    if (out && result > 0) {
        size_t got = (size_t)result < out_max ? (size_t)result : out_max;
        atom_msg_get_bytes(&m, ipc, 1, out, got);
    }
    return result;
}

/* Everything the UART holds goes to the console server. */
static void receive(void)
{
    char buf[CONSOLE_INLINE_MAX];
    size_t n = 0;
    while (n < sizeof(buf)) {
        long lsr = inb(UART_LSR);
        if (lsr < 0 || !(lsr & LSR_DATA))
            break;
        buf[n++] = (char)inb(UART_DATA);
    }
    if (n)
        console_call(CONSOLE_INPUT, n, buf, n, -1, NULL, 0);  /* lost if it is restarting */
}

static void transmit(void)
{
    char buf[CONSOLE_INLINE_MAX];
    long n;
    while ((n = console_call(CONSOLE_OUTPUT, 0, NULL, 0, -1, buf, sizeof(buf))) > 0)
        uart_write(buf, (size_t)n);
}

int main(void)
{
    struct atom_cap_info ci;
    if (atom_syscall3(ATOM_SYS_CAP_INSPECT, IRQ, (long)&ci, 0) != 0 || ci.type != ATOM_OBJ_IRQ ||
        atom_syscall3(ATOM_SYS_CAP_INSPECT, PORTS, (long)&ci, 0) != 0 ||
        ci.type != ATOM_OBJ_IOPORT ||
        atom_syscall3(ATOM_SYS_CAP_INSPECT, CONSOLE, (long)&ci, 0) != 0 ||
        ci.type != ATOM_OBJ_ENDPOINT) {
        fprintf(stderr, "serial: expected irq:4 ioport:0x3f8 console:serial (init.conf)\n");
        return 1;
    }
    long note = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    /* REPLACE: after a restart the line is still bound to the notification
     * of the driver that died (init keeps the IRQ capability). */
    long r = note < 0 ? note : atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, note,
                                             (long)(IRQ_BIT | ATOM_IRQ_REPLACE));
    if (r < 0) {
        fprintf(stderr, "serial: cannot bind IRQ 4 (error %ld)\n", -r);
        return 1;
    }
    while ((r = console_call(CONSOLE_ATTACH, OUTPUT_BIT, NULL, 0, note, NULL, 0)) < 0) {
        fprintf(stderr, "serial: the console server refused (error %ld); retrying\n", -r);
        atom_syscall1(ATOM_SYS_SLEEP_NS, 100000000L);
    }
    outb(UART_IER, IER_RX);
    receive();                     /* bytes that came before the interrupt was on */
    atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0);
    transmit();
    for (;;) {
        long bits = atom_syscall3(ATOM_SYS_NOTIFY_WAIT, note, (long)ATOM_TIMEOUT_FOREVER, 0);
        if (bits < 0)
            continue;
        if (bits & IRQ_BIT) {
            receive();
            atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0);
        }
        if (bits & OUTPUT_BIT)
            transmit();
    }
}
