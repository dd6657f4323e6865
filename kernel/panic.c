/*
 * panic.c: the end of the line.  Prints one "PANIC:" line naming the
 * function and the reason on every console, then halts, or, in self-test
 * mode, ends the machine with a failure status so no test waits for a
 * timeout.  A panic while panicking halts at once, since whatever failed
 * may be the output path itself.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/fmt.h>
#include <kernel/panic.h>
#include <kernel/string.h>

static bool exit_on_panic;
static volatile int panicking;

void panic_set_exit_on_panic(bool on)
{
    exit_on_panic = on;
}

void panic_at(const char *func, const char *fmt, ...)
{
    __asm__ volatile("cli");
    if (panicking++)
        arch_halt_forever();

    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_snprintf(line, sizeof(line), "\nPANIC: %s: ", func);
    if (n > 0 && (size_t)n < sizeof(line))
        fmt_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    console_write(line, strnlen(line, sizeof(line)));
    console_write("\n", 1);

    if (exit_on_panic)
        arch_machine_exit(false);
    arch_halt_forever();
}
