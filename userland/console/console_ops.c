/*
 * console_ops.c: the terminals behind the console server.
 *
 * Two terminals (<atom/console.h>): the screen, fed by the keyboard
 * driver and drawn by the display driver, and the serial line, whose
 * driver both feeds it and takes its output.  Each has a line discipline
 * (tty.c), a window size and a foreground process group, which Ctrl-C
 * and the other signal characters reach.
 *
 * The screen's output goes through the terminal emulator (vt.c) into a
 * memory object shared with the display driver, which draws the rows the
 * emulator marked dirty.  The last output is also kept raw, so that a
 * display with another geometry starts from the same text; a display
 * restarted with the same one simply redraws the shared screen.  The
 * serial line's output waits in a ring until its driver takes it; a
 * writer that finds the ring full is parked until there is room, so no
 * output is ever dropped.
 *
 * A read with no input is parked (its reply saved) and answered when
 * input makes it ready.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <atom/console.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>

#include "console_ops.h"
#include "tty.h"
#include "vt.h"

#define SELF_SPACE 1
#define PAGE 4096ull
#define SCREEN_VA 0x0000560000000000ull
#define SERIAL_RING (64 * 1024)
#define HISTORY (16 * 1024)         /* raw screen output kept for a new geometry */
#define MAX_READERS 32
#define MAX_WRITERS 32
#define SERIAL_ROWS 24
#define SERIAL_COLS 80

struct terminal {
    struct tty tty;
    int pgrp;
    uint32_t rows, cols;
};

struct reader {
    bool used;
    unsigned term;
    int pid;
    size_t max;
    long reply;
    uint64_t since;
};

struct writer {
    bool used;
    uint64_t seq;                   /* parking order */
    unsigned term;
    size_t n;
    char data[CONSOLE_WRITE_MAX];
    long reply;
};

static struct terminal terms[CONSOLE_TERMS];
static struct reader readers[MAX_READERS];
static struct writer writers[MAX_WRITERS];
static uint64_t writer_seq;

/* The screen. */
static struct vt vt;
static long screen_mem = -1;
static uint64_t screen_pages;
static bool screen_ready, screen_changed;
static long display_note = -1;
static uint64_t display_bits;
static char history[HISTORY];
static size_t history_start, history_len;

/* The serial line. */
static char ring[SERIAL_RING];
static size_t ring_start, ring_len;
static long serial_note = -1;
static uint64_t serial_bits;
static bool serial_changed;

void console_ops_init(void)
{
    for (unsigned i = 0; i < CONSOLE_TERMS; i++)
        tty_init(&terms[i].tty);
    terms[CONSOLE_TERM_SCREEN].rows = 25;
    terms[CONSOLE_TERM_SCREEN].cols = 80;
    terms[CONSOLE_TERM_SERIAL].rows = SERIAL_ROWS;
    terms[CONSOLE_TERM_SERIAL].cols = SERIAL_COLS;
}

/* ---- device output ------------------------------------------------------ */

static void history_add(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        history[(history_start + history_len) % HISTORY] = s[i];
        if (history_len < HISTORY)
            history_len++;
        else
            history_start = (history_start + 1) % HISTORY;
    }
}

static void screen_put(const char *s, size_t n)
{
    history_add(s, n);
    if (screen_ready) {
        vt_write(&vt, s, n);
        screen_changed = true;
    }
}

static size_t ring_room(void)
{
    return SERIAL_RING - ring_len;
}

static void ring_put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ring[(ring_start + ring_len + i) % SERIAL_RING] = s[i];
    ring_len += n;
    serial_changed = true;
}

/* Bytes that are already processed for the device (echo, output). */
static void device_put(unsigned term, const char *s, size_t n)
{
    if (term == CONSOLE_TERM_SCREEN) {
        screen_put(s, n);
    } else {
        size_t room = ring_room();
        ring_put(s, n < room ? n : room);  /* echo on a full line is dropped */
    }
}

/* Output processing, then the device.  The serial line takes only what
 * fits; returns the count of input bytes taken. */
static size_t output(unsigned term, const char *data, size_t n)
{
    const struct tty *t = &terms[term].tty;
    char buf[256];
    size_t done = 0;
    while (done < n) {
        size_t limit = sizeof(buf);
        if (term == CONSOLE_TERM_SERIAL && ring_room() < limit)
            limit = ring_room();
        size_t used;
        size_t made = tty_output(t, data + done, n - done, buf, limit, &used);
        if (used == 0)
            break;
        device_put(term, buf, made);
        done += used;
    }
    return done;
}

/* ---- reads ------------------------------------------------------------------ */

static void answer_reader(struct reader *r, long result, const char *data, size_t n)
{
    console_answer(r->reply, result, data, n);
    r->used = false;
}

/* Parked readers of `term` that input made ready, oldest first. */
static void serve_readers(unsigned term)
{
    for (;;) {
        struct reader *oldest = NULL;
        for (size_t i = 0; i < MAX_READERS; i++)
            if (readers[i].used && readers[i].term == term &&
                (!oldest || readers[i].since < oldest->since))
                oldest = &readers[i];
        if (!oldest || !tty_readable(&terms[term].tty))
            return;
        char buf[CONSOLE_INLINE_MAX];
        bool eof;
        size_t n = tty_read(&terms[term].tty, buf, oldest->max, &eof);
        answer_reader(oldest, (long)n, buf, n);
    }
}

static void interrupt_readers(unsigned term)
{
    for (size_t i = 0; i < MAX_READERS; i++)
        if (readers[i].used && readers[i].term == term)
            answer_reader(&readers[i], -EINTR, NULL, 0);
}

long console_read(unsigned term, char *out, size_t max, bool nonblock)
{
    struct tty *t = &terms[term].tty;
    if (!tty_readable(t))
        return nonblock ? -EWOULDBLOCK : -EAGAIN;
    bool eof;
    return (long)tty_read(t, out, max, &eof);
}

void console_park_read(unsigned term, int pid, size_t max, long reply_cap, uint64_t now)
{
    for (size_t i = 0; i < MAX_READERS; i++)
        if (!readers[i].used) {
            readers[i] = (struct reader){ true, term, pid, max, reply_cap, now };
            return;
        }
    console_answer(reply_cap, -EAGAIN, NULL, 0);
}

uint64_t console_interrupt_old_readers(uint64_t now, uint64_t period)
{
    uint64_t next = 0;
    for (size_t i = 0; i < MAX_READERS; i++) {
        struct reader *r = &readers[i];
        if (!r->used)
            continue;
        if (r->since + period <= now)
            answer_reader(r, -EINTR, NULL, 0);
        else if (!next || r->since + period < next)
            next = r->since + period;
    }
    return next;
}

/* ---- writes ----------------------------------------------------------------- */

long console_write(unsigned term, const char *data, size_t n)
{
    bool parked = false;
    for (size_t i = 0; i < MAX_WRITERS; i++)
        parked |= writers[i].used && writers[i].term == term;
    if (parked)
        return -EAGAIN;              /* keep the order of writes */
    size_t done = output(term, data, n);
    return done ? (long)done : -EAGAIN;
}

void console_park_write(unsigned term, const char *data, size_t n, long reply_cap)
{
    for (size_t i = 0; i < MAX_WRITERS; i++)
        if (!writers[i].used) {
            struct writer *w = &writers[i];
            w->used = true;
            w->seq = writer_seq++;
            w->term = term;
            w->n = n;
            memcpy(w->data, data, n);
            w->reply = reply_cap;
            return;
        }
    console_answer(reply_cap, -EAGAIN, NULL, 0);
}

/* Room in the serial ring: parked writers go on, oldest first. */
static void serve_writers(void)
{
    for (;;) {
        struct writer *w = NULL;
        for (size_t i = 0; i < MAX_WRITERS; i++)
            if (writers[i].used && (!w || writers[i].seq < w->seq))
                w = &writers[i];
        if (!w)
            return;
        size_t done = output(w->term, w->data, w->n);
        if (done == 0)
            return;
        console_answer(w->reply, (long)done, NULL, 0);
        w->used = false;
    }
}

/* ---- modes ------------------------------------------------------------------ */

long console_getattr(unsigned term, struct termios *mode)
{
    *mode = terms[term].tty.mode;
    return 0;
}

long console_setattr(unsigned term, const struct termios *mode, bool flush)
{
    tty_set_mode(&terms[term].tty, mode, flush);
    serve_readers(term);
    return 0;
}

long console_getwinsz(unsigned term, uint32_t *rows, uint32_t *cols)
{
    *rows = terms[term].rows;
    *cols = terms[term].cols;
    return 0;
}

long console_setwinsz(unsigned term, uint32_t rows, uint32_t cols)
{
    if (term == CONSOLE_TERM_SCREEN)
        return -EPERM;               /* the display decides */
    if (rows == 0 || cols == 0 || rows > 0xffff || cols > 0xffff)
        return -EINVAL;
    terms[term].rows = rows;
    terms[term].cols = cols;
    if (terms[term].pgrp > 0)
        console_kill_group(terms[term].pgrp, SIGWINCH);
    return 0;
}

long console_getpgrp(unsigned term)
{
    return terms[term].pgrp;
}

long console_setpgrp(unsigned term, int pgrp)
{
    if (pgrp <= 0)
        return -EINVAL;
    terms[term].pgrp = pgrp;
    return 0;
}

/* ---- drivers ---------------------------------------------------------------- */

struct sink_ctx {
    unsigned term;
};

static void sink_echo(void *ctx, const char *bytes, size_t n)
{
    unsigned term = ((struct sink_ctx *)ctx)->term;
    output(term, bytes, n);
}

static void sink_signal(void *ctx, int sig)
{
    unsigned term = ((struct sink_ctx *)ctx)->term;
    if (terms[term].pgrp > 0)
        console_kill_group(terms[term].pgrp, sig);
    /* Readers that catch it run their handlers; the rest read again. */
    interrupt_readers(term);
}

long console_input(unsigned term, const char *data, size_t n)
{
    struct sink_ctx ctx = { term };
    struct tty_sink sink = { sink_echo, sink_signal, &ctx };
    tty_input(&terms[term].tty, data, n, &sink);
    serve_readers(term);
    return 0;
}

static void screen_unmap(void)
{
    if (screen_mem < 0)
        return;
    atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)SCREEN_VA, (long)screen_pages);
    atom_syscall1(ATOM_SYS_CAP_DELETE, screen_mem);
    screen_mem = -1;
    screen_ready = false;
}

/* A new screen of cols x rows, with the recent output replayed on it. */
static long screen_make(uint32_t cols, uint32_t rows)
{
    uint64_t pages = (vt_screen_bytes(cols, rows) + PAGE - 1) / PAGE;
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, (long)pages, 0, 0);
    if (mem < 0)
        return -ENOMEM;
    screen_unmap();
    if (atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, mem, (long)SCREEN_VA, 0, (long)pages,
                      ATOM_PROT_READ | ATOM_PROT_WRITE) != 0) {
        atom_syscall1(ATOM_SYS_CAP_DELETE, mem);
        return -ENOMEM;
    }
    screen_mem = mem;
    screen_pages = pages;
    vt_init(&vt, (struct console_screen *)(uintptr_t)SCREEN_VA, cols, rows);
    screen_ready = true;
    for (size_t i = 0; i < history_len; i++) {
        char c = history[(history_start + i) % HISTORY];
        vt_write(&vt, &c, 1);
    }
    return 0;
}

long console_attach_display(long notification, uint64_t bits, uint32_t cols, uint32_t rows)
{
    if (cols == 0 || rows == 0 || cols > CONSOLE_MAX_COLS || rows > CONSOLE_MAX_ROWS)
        return -EINVAL;
    if (screen_ready && vt.cols == cols && vt.rows == rows) {
        vt_redraw(&vt);
    } else {
        long r = screen_make(cols, rows);
        if (r < 0)
            return r;
    }
    struct terminal *t = &terms[CONSOLE_TERM_SCREEN];
    bool resized = t->rows != rows || t->cols != cols;
    t->rows = rows;
    t->cols = cols;
    if (resized && t->pgrp > 0)
        console_kill_group(t->pgrp, SIGWINCH);
    if (display_note >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, display_note);
    display_note = notification;
    display_bits = bits;
    screen_changed = true;
    return screen_mem;
}

long console_attach_serial(long notification, uint64_t bits)
{
    if (serial_note >= 0)
        atom_syscall1(ATOM_SYS_CAP_DELETE, serial_note);
    serial_note = notification;
    serial_bits = bits;
    serial_changed = ring_len > 0;
    return 0;
}

size_t console_serial_output(char *out, size_t max)
{
    size_t n = ring_len < max ? ring_len : max;
    for (size_t i = 0; i < n; i++)
        out[i] = ring[(ring_start + i) % SERIAL_RING];
    ring_start = (ring_start + n) % SERIAL_RING;
    ring_len -= n;
    serve_writers();
    return n;
}

void console_flush(void)
{
    if (screen_changed && display_note >= 0)
        console_notify(display_note, display_bits);
    if (serial_changed && serial_note >= 0)
        console_notify(serial_note, serial_bits);
    screen_changed = serial_changed = false;
}
