/*
 * serial.c: the 16550 UART at COM1 as a kernel console, 115200 baud 8N1.
 *
 * Real PCs often have no COM1, and reading an absent UART returns 0xFF, so
 * the port is probed with the chip's loopback mode before use, and every
 * wait for the transmitter is bounded: a missing or stuck UART can slow the
 * console down but never hang the kernel.
 */
#include <arch/io.h>
#include <kernel/arch.h>
#include <kernel/console.h>
#include <stdbool.h>

#define COM1        0x3F8
#define UART_DATA   0
#define UART_IER    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_THRE    0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define MCR_LOOP    0x10
#define MCR_DTR_RTS_OUT2 0x0B
#define TX_SPIN_MAX 100000

static bool serial_probe_and_init(uint16_t port)
{
    outb(port + UART_IER, 0x00);
    outb(port + UART_LCR, LCR_DLAB);
    outb(port + UART_DATA, 1);          /* divisor 1: 115200 baud */
    outb(port + UART_IER, 0);
    outb(port + UART_LCR, LCR_8N1);
    outb(port + UART_FCR, 0xC7);        /* FIFOs on and cleared */
    outb(port + UART_MCR, MCR_LOOP | MCR_DTR_RTS_OUT2);
    outb(port + UART_DATA, 0xA5);
    bool present = inb(port + UART_DATA) == 0xA5;
    outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
    return present;
}

static void serial_putc(char c)
{
    for (int i = 0; i < TX_SPIN_MAX; i++)
        if (inb(COM1 + UART_LSR) & LSR_THRE)
            break;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

static void serial_write(struct console *con, const char *s, size_t n)
{
    (void)con;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

static struct console serial_console = { .name = "serial", .write = serial_write };

void arch_console_init(void)
{
    if (serial_probe_and_init(COM1))
        console_register(&serial_console);
}
