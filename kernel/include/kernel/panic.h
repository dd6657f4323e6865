/* panic(): stop the kernel with a reason.  The first line always starts
 * with "PANIC: " and names where: the calling function for panic(), the
 * faulting function and offset for CPU exceptions.  A backtrace with
 * function names follows. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>
#include <stdint.h>

#define panic(...) panic_at(__func__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 2, 3)))
void panic_at(const char *func, const char *fmt, ...);

/* Where a CPU exception struck: the faulting instruction, the frame
 * pointer for the backtrace, and a register dump to print. */
struct panic_context {
    uint64_t pc;
    uint64_t frame;
    const char *registers;
};

__attribute__((noreturn, format(printf, 2, 3)))
void panic_in_context(const struct panic_context *ctx, const char *fmt, ...);

/* In self-test mode a panic ends QEMU with a failure status. */
void panic_set_exit_on_panic(bool on);

#endif
