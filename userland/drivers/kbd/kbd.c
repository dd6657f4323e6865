/*
 * kbd: the PS/2 keyboard driver.
 *
 * init starts it as
 *     service kbd /sbin/kbd irq:1 ioport:0x60 ioport:0x64 console:keyboard
 * so it holds, from handle 2: IRQ 1, the i8042's data port 0x60, its
 * status and command port 0x64, and the console server's endpoint badged
 * for the keyboard role.  It turns key presses into terminal input
 * (keymap.c, layout from the environment's keymap=) and hands that to the
 * console server with CONSOLE_INPUT.
 *
 * The controller is set up by polling, with its interrupts off and every
 * wait bounded, so a missing controller ends the driver with a message
 * rather than a hang; the setup starts from scratch (ports off, buffer
 * flushed, configuration rewritten, keyboard reset), so a restarted
 * driver finds the device as a fresh one would.  Then each interrupt:
 * acknowledge the line, read every byte the controller holds, translate,
 * send.  LED commands go out synchronously from the same loop; key bytes
 * that arrive while the driver waits for the keyboard's acknowledgement
 * are kept and translated afterwards.
 *
 * Restarts: init holds the IRQ capability too, so the line is still bound
 * to the notification of the driver that died; the bind asks to replace
 * that binding (ATOM_IRQ_REPLACE).
 *
 * If the console server does not take the input (it is restarting), the
 * bytes are dropped: a keyboard has nothing to resend.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atom/cap.h>
#include <atom/console.h>
#include <atom/raw_syscall.h>

#include "keymap.h"

#define IRQ      2
#define DATA     3   /* port 0x60 */
#define CMD      4   /* port 0x64: status when read, command when written */
#define CONSOLE  5

#define PORT_DATA 0x60
#define PORT_CMD  0x64

/* Status register bits. */
#define ST_OUT_FULL 0x01   /* a byte waits at 0x60 for us */
#define ST_IN_FULL  0x02   /* the controller has not taken our last byte */
#define ST_AUX      0x20   /* the waiting byte is from port 2, the mouse */

/* Controller commands. */
#define C_READ_CONFIG  0x20
#define C_WRITE_CONFIG 0x60
#define C_PORT2_OFF    0xa7
#define C_SELF_TEST    0xaa
#define C_PORT1_TEST   0xab
#define C_PORT1_OFF    0xad
#define C_PORT1_ON     0xae

/* Configuration byte bits. */
#define CFG_PORT1_IRQ   0x01
#define CFG_PORT2_IRQ   0x02
#define CFG_PORT1_CLOCK 0x10   /* set: port 1 disabled */
#define CFG_TRANSLATE   0x40   /* set 2 -> set 1 */

/* Keyboard commands and answers. */
#define K_SET_LEDS 0xed
#define K_ENABLE   0xf4
#define K_RESET    0xff
#define K_ACK      0xfa
#define K_RESEND   0xfe
#define K_BAT_OK   0xaa

#define MS 1000000ull
#define IRQ_BIT 1
#define SERVICE_MAX 32   /* bytes read per interrupt, at most */

static bool trace;
static bool have_console;
static struct keymap keymap;
static unsigned leds_set;
static unsigned leds_tried;   /* a keyboard that refused is not asked again */

/* Key bytes read while waiting for an answer to a command. */
static uint8_t held[64];
static size_t held_count;

static void die(const char *msg)
{
    fprintf(stderr, "kbd: %s\n", msg);
    exit(1);
}

/* No controller at all: status 69 (EX_UNAVAILABLE) tells init not to
 * restart us. */
static void die_absent(const char *msg)
{
    fprintf(stderr, "kbd: %s\n", msg);
    exit(69);
}

static uint64_t now_ns(void)
{
    uint64_t t = 0;
    atom_syscall3(ATOM_SYS_CLOCK_NS, (long)&t, ATOM_CLOCK_MONOTONIC, 0);
    return t;
}

/* A status of 0xff is what an absent controller's floating bus reads. */
static int status(void)
{
    long s = atom_syscall3(ATOM_SYS_IOPORT_IN, CMD, PORT_CMD, 1);
    if (s < 0)
        die("cannot read port 0x64 (is handle 4 ioport:0x64?)");
    return (int)s;
}

static uint8_t read_data(void)
{
    long v = atom_syscall3(ATOM_SYS_IOPORT_IN, DATA, PORT_DATA, 1);
    if (v < 0)
        die("cannot read port 0x60 (is handle 3 ioport:0x60?)");
    return (uint8_t)v;
}

/* Between two polls: a few yields first (the controller usually answers
 * in microseconds), then timer ticks. */
static void backoff(unsigned spins)
{
    if (spins < 100)
        atom_syscall0(ATOM_SYS_YIELD);
    else
        atom_syscall1(ATOM_SYS_SLEEP_NS, (long)MS);
}

/* Polls until status & mask == want, for at most ms milliseconds. */
static bool wait_status(int mask, int want, unsigned ms)
{
    uint64_t deadline = now_ns() + ms * MS;
    for (unsigned spins = 0;; spins++) {
        int s = status();
        if (s != 0xff && (s & mask) == want)
            return true;
        if (now_ns() >= deadline)
            return false;
        backoff(spins);
    }
}

static bool write_port(long cap, unsigned port, uint8_t value)
{
    if (!wait_status(ST_IN_FULL, 0, 100))
        return false;
    if (atom_syscall6(ATOM_SYS_IOPORT_OUT, cap, port, 1, value, 0, 0) < 0)
        die("cannot write the i8042's ports");
    return true;
}

static bool controller_command(uint8_t c)
{
    return write_port(CMD, PORT_CMD, c);
}

/* The next byte from the keyboard (not the mouse), or -1 after ms. */
static int read_keyboard(unsigned ms)
{
    uint64_t deadline = now_ns() + ms * MS;
    for (unsigned spins = 0;; spins++) {
        int s = status();
        if (s != 0xff && (s & ST_OUT_FULL)) {
            uint8_t b = read_data();
            if (!(s & ST_AUX))
                return b;
            continue;
        }
        if (now_ns() >= deadline)
            return -1;
        backoff(spins);
    }
}

/* A controller command that answers one byte; -1 if it does not
 * within ms. */
static int controller_query(uint8_t c, unsigned ms)
{
    if (!controller_command(c))
        return -1;
    return read_keyboard(ms);
}

/* An unexpected answer, for a message. */
static void report_answer(const char *what, int r)
{
    if (r < 0)
        fprintf(stderr, "kbd: %s did not answer; going on\n", what);
    else
        fprintf(stderr, "kbd: %s answered %#x; going on\n", what, r);
}

static void flush_output(void)
{
    for (int i = 0; i < 64 && (status() & ST_OUT_FULL); i++)
        read_data();
}

/* Sends a byte to the keyboard and waits for its acknowledgement,
 * resending as it asks; other bytes are keys, kept for later. */
static bool keyboard_send(uint8_t b)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        if (!write_port(DATA, PORT_DATA, b))
            return false;
        for (;;) {
            int r = read_keyboard(100);
            if (r < 0)
                return false;
            if (r == K_ACK)
                return true;
            if (r == K_RESEND)
                break;
            if (held_count < sizeof(held))
                held[held_count++] = (uint8_t)r;
        }
    }
    return false;
}

static void set_leds(unsigned leds)
{
    leds_tried = leds;
    if (keyboard_send(K_SET_LEDS) && keyboard_send((uint8_t)leds))
        leds_set = leds;
    else if (trace)
        fprintf(stderr, "kbd: the keyboard did not take the LED command\n");
}

static void controller_init(void)
{
    if (status() == 0xff)
        die_absent("no PS/2 controller (port 0x64 reads 0xff)");
    /* Both ports off, so nothing arrives while we set up. */
    if (!controller_command(C_PORT1_OFF) || !controller_command(C_PORT2_OFF))
        die("the PS/2 controller does not take commands");
    flush_output();

    int cfg = controller_query(C_READ_CONFIG, 100);
    if (cfg < 0)
        die("the PS/2 controller does not report its configuration");
    /* Interrupts off while polling; translation on. */
    cfg = (cfg & ~(CFG_PORT1_IRQ | CFG_PORT2_IRQ | CFG_PORT1_CLOCK)) | CFG_TRANSLATE;
    if (!controller_command(C_WRITE_CONFIG) || !write_port(DATA, PORT_DATA, (uint8_t)cfg))
        die("cannot write the PS/2 controller's configuration");

    /* Some controllers reset themselves in the self-test: write the
     * configuration again after it. */
    int r = controller_query(C_SELF_TEST, 1000);
    if (r != 0x55)
        report_answer("the PS/2 controller's self-test", r);
    controller_command(C_WRITE_CONFIG);
    write_port(DATA, PORT_DATA, (uint8_t)cfg);
    r = controller_query(C_PORT1_TEST, 100);
    if (r != 0)
        report_answer("the keyboard port's test", r);
    if (!controller_command(C_PORT1_ON))
        die("cannot enable the keyboard port");

    /* Reset the keyboard: it acknowledges, then reports its self-test. */
    if (!keyboard_send(K_RESET))
        fprintf(stderr, "kbd: no keyboard answers on the PS/2 port; waiting for one\n");
    else if ((r = read_keyboard(1000)) != K_BAT_OK)
        report_answer("the keyboard's self-test", r);
    held_count = 0;   /* nothing typed before the reset counts */
    keyboard_send(K_ENABLE);
    set_leds(keymap_locks(&keymap));

    cfg |= CFG_PORT1_IRQ;
    if (!controller_command(C_WRITE_CONFIG) || !write_port(DATA, PORT_DATA, (uint8_t)cfg))
        die("cannot turn on the keyboard's interrupt");
}

/* CONSOLE_INPUT: w0 the count, the bytes from w1 on. */
static void console_input(const uint8_t *bytes, size_t n)
{
    static bool warned;
    while (n > 0) {
        size_t chunk = n < CONSOLE_INLINE_MAX ? n : CONSOLE_INLINE_MAX;
        uint64_t w[1 + CONSOLE_INLINE_MAX / 8] = { chunk };
        memcpy(&w[1], bytes, chunk);
        size_t words = 1 + (chunk + 7) / 8;
        struct atom_ipc_buffer *ipc = atom_ipc_buffer();
        for (size_t i = ATOM_IPC_REG_WORDS; i < words; i++)
            ipc->words[i] = w[i];
        struct atom_msg m = { .info = ATOM_MSG_INFO(CONSOLE_INPUT, words, 0),
                              .w = { w[0], w[1], w[2], w[3] } };
        /* Bounded, so a console server that is gone does not stop the
         * keyboard; the input is lost then. */
        long r = atom_ipc(ATOM_SYS_IPC_CALL, CONSOLE, &m, 200 * MS);
        long result = r < 0 ? r : (long)m.w[0];
        if (result < 0 && (trace || !warned)) {
            fprintf(stderr, "kbd: the console server did not take the input (%ld); dropped\n",
                    result);
            warned = true;
        }
        if (result >= 0)
            warned = false;
        bytes += chunk;
        n -= chunk;
    }
}

/* One scancode byte: translate, collect the output. */
static void feed(uint8_t code, uint8_t *out, size_t *len, size_t room)
{
    uint8_t bytes[KEYMAP_OUT_MAX];
    size_t n = keymap_feed(&keymap, code, bytes, NULL);
    if (trace) {
        fprintf(stderr, "kbd: %02x ->", code);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %02x", bytes[i]);
        fprintf(stderr, "\n");
    }
    if (*len + n <= room) {
        memcpy(out + *len, bytes, n);
        *len += n;
    }
}

/* Key bytes kept while waiting for the keyboard's answers. */
static void feed_held(uint8_t *out, size_t *len, size_t room)
{
    for (size_t i = 0; i < held_count; i++)
        feed(held[i], out, len, room);
    held_count = 0;
}

/* Everything the controller holds now, and what came in meanwhile. */
static void service(void)
{
    uint8_t out[(SERVICE_MAX + 2 * sizeof(held)) * KEYMAP_OUT_MAX];
    size_t len = 0;
    feed_held(out, &len, sizeof(out));   /* typed during the setup */
    for (int i = 0; i < SERVICE_MAX; i++) {
        int s = status();
        if (!(s & ST_OUT_FULL))
            break;
        uint8_t b = read_data();
        if (!(s & ST_AUX))
            feed(b, out, &len, sizeof(out));
    }
    /* Keys held while setting the LEDs may change the locks again. */
    unsigned want;
    while ((want = keymap_locks(&keymap)) != leds_set && want != leds_tried) {
        set_leds(want);
        feed_held(out, &len, sizeof(out));
    }
    if (len > 0 && have_console)
        console_input(out, len);
}

static void check_cap(long handle, uint32_t type, const char *what)
{
    struct atom_cap_info ci;
    if (atom_syscall3(ATOM_SYS_CAP_INSPECT, handle, (long)&ci, 0) != 0 || ci.type != type) {
        fprintf(stderr, "kbd: handle %ld is not %s; start me as "
                "\"service kbd /sbin/kbd irq:1 ioport:0x60 ioport:0x64 console:keyboard\"\n",
                handle, what);
        exit(1);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: kbd [-t|--trace]\n"
            "  -t, --trace  log each scancode and the bytes it produced to stderr\n"
            "The layout is the environment's keymap (us, de; default us).\n");
    exit(2);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--trace") == 0)
            trace = true;
        else
            usage();
    }
    const char *layout = getenv("keymap");
    if (keymap_init(&keymap, layout) != 0)
        fprintf(stderr, "kbd: no keyboard layout \"%s\"; using us\n", layout);

    check_cap(IRQ, ATOM_OBJ_IRQ, "IRQ 1");
    check_cap(DATA, ATOM_OBJ_IOPORT, "the I/O port 0x60");
    check_cap(CMD, ATOM_OBJ_IOPORT, "the I/O port 0x64");
    struct atom_cap_info ci;
    have_console = atom_syscall3(ATOM_SYS_CAP_INSPECT, CONSOLE, (long)&ci, 0) == 0 &&
                   ci.type == ATOM_OBJ_ENDPOINT;
    if (!have_console)
        fprintf(stderr, "kbd: handle 5 is not the console server's endpoint; "
                "keys go nowhere%s\n", trace ? " but the trace" : "");
    else if (ci.badge != (CONSOLE_BADGE_DRIVER | CONSOLE_ROLE_KEYBOARD))
        fprintf(stderr, "kbd: handle 5 is an endpoint without the keyboard's console badge "
                "(console:keyboard in init.conf?); trying it anyway\n");

    controller_init();

    long ntf = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    if (ntf < 0)
        die("cannot create a notification");
    long r = atom_syscall3(ATOM_SYS_IRQ_BIND, IRQ, ntf, (long)(IRQ_BIT | ATOM_IRQ_REPLACE));
    if (r < 0) {
        fprintf(stderr, "kbd: cannot bind IRQ 1 (%ld)\n", r);
        return 1;
    }
    fprintf(stderr, "kbd: keyboard ready, layout %s\n", keymap_layout_name(&keymap));

    for (;;) {
        /* Acknowledge, then read: a byte that arrives after the read
         * interrupts again, where on a line still masked its edge would
         * be lost and the controller, full, would never interrupt again.
         * The first round takes what came before the bind. */
        atom_syscall3(ATOM_SYS_IRQ_ACK, IRQ, 0, 0);
        service();
        long bits = atom_syscall3(ATOM_SYS_NOTIFY_WAIT, ntf, ATOM_TIMEOUT_FOREVER, 0);
        if (bits < 0)
            die("waiting for the interrupt failed");
    }
}
