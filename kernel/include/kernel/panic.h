/* panic(): stop the kernel with a reason.  The output starts with
 * "PANIC: <function>: " so the harness and people can tell where. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

#define panic(...) panic_at(__func__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 2, 3)))
void panic_at(const char *func, const char *fmt, ...);

/* In self-test mode a panic ends QEMU with a failure status. */
void panic_set_exit_on_panic(bool on);

#endif
