/* Console sinks (kernel/console/console.c).
 *
 * Every output device the kernel writes to (COM1, the framebuffer) is a
 * struct console on one list; console_write() goes to all of them.  A sink
 * registered late first receives the log written so far, so the framebuffer
 * shows the whole boot. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console {
    const char *name;
    void (*write)(struct console *con, const char *s, size_t n);
    struct console *next;
};

void console_register(struct console *con);
void console_write(const char *s, size_t n);

#endif
