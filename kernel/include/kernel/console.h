/* Console sinks (kernel/console/console.c).
 *
 * Every output device the kernel writes to (COM1, the framebuffer) is a
 * struct console on one list; console_write() goes to all of them.  A sink
 * registered late first receives the log written so far, so the framebuffer
 * shows the whole boot.
 *
 * A sink whose device user space has taken over (the framebuffer, once a
 * driver maps it) is suspended: it stays on the list, receives nothing,
 * and a panic resumes it, so the panic is seen where the user looks. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct console {
    const char *name;
    void (*write)(struct console *con, const char *s, size_t n);
    /* Optional: called by console_resume_all() before writing again
     * (the framebuffer clears what user space drew). */
    void (*resume)(struct console *con);
    bool suspended;
    struct console *next;
};

void console_register(struct console *con);
void console_write(const char *s, size_t n);
/* Stops writing to con; true if it was running. */
bool console_suspend(struct console *con);
/* For panics: every suspended sink writes again, after its resume hook. */
void console_resume_all(void);

#endif
