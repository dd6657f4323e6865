/* The console server's terminals (console_ops.c), apart from IPC: what
 * console_ipc.c calls once it has decoded a message.  A request that has
 * to wait (a read with no input, a write with no room) is parked with its
 * saved reply capability and answered later by console_ops.c through
 * console_answer(). */
#ifndef CONSOLE_OPS_H
#define CONSOLE_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

/* Answers a parked request: result, and the bytes for a read. */
void console_answer(long reply_cap, long result, const char *data, size_t n);
/* Sends sig to process group pgrp (console_ipc.c, through init). */
void console_kill_group(int pgrp, int sig);
/* Signals a driver's notification. */
void console_notify(long notification, uint64_t bits);

void console_ops_init(void);

/* Programs.  Each returns the reply's w0 or a negated errno; -EAGAIN
 * from read and write means "parked": the caller saves its reply and
 * passes it to console_park_*. */
long console_write(unsigned term, const char *data, size_t n);
long console_read(unsigned term, char *out, size_t max, bool nonblock);
void console_park_read(unsigned term, int pid, size_t max, long reply_cap, uint64_t now);
void console_park_write(unsigned term, const char *data, size_t n, long reply_cap);
long console_getattr(unsigned term, struct termios *mode);
long console_setattr(unsigned term, const struct termios *mode, bool flush);
long console_getwinsz(unsigned term, uint32_t *rows, uint32_t *cols);
long console_setwinsz(unsigned term, uint32_t rows, uint32_t cols);
long console_getpgrp(unsigned term);
long console_setpgrp(unsigned term, int pgrp);

/* Readers parked for `period` are answered -EINTR, so that their C
 * library can run signal handlers; returns when the next is due (0: none
 * is parked). */
uint64_t console_interrupt_old_readers(uint64_t now, uint64_t period);

/* Drivers. */
long console_input(unsigned term, const char *data, size_t n);
/* The display: keeps the notification; returns the screen's memory
 * capability for the reply (the caller sends a copy) or an error. */
long console_attach_display(long notification, uint64_t bits, uint32_t cols, uint32_t rows);
long console_attach_serial(long notification, uint64_t bits);
size_t console_serial_output(char *out, size_t max);

/* After each message: tells the drivers what changed. */
void console_flush(void);

#endif
