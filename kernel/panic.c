/*
 * panic.c: the end of the line.
 *
 * A panic prints, on every console, one "PANIC: <where>: <reason>" line, the
 * registers when a CPU exception caused it, and a backtrace of return
 * addresses with function names from the built-in symbol table (a console
 * handed to user space, the framebuffer, is taken back first); then it
 * halts, or in self-test mode ends the machine with a failure status so no
 * test waits for a timeout.  A panic while panicking halts at once, since
 * whatever failed may be the output path itself.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/fmt.h>
#include <kernel/ksyms.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#define BACKTRACE_DEPTH 16

static bool exit_on_panic;
static volatile int panicking;

void panic_set_exit_on_panic(bool on)
{
    exit_on_panic = on;
}

static void out(const char *s)
{
    console_write(s, strlen(s));
}

static void print_line(const char *prefix, const char *where, const char *fmt,
                       va_list ap)
{
    char line[768];
    int n = fmt_snprintf(line, sizeof(line), "%s%s: ", prefix, where);
    if (n > 0 && (size_t)n < sizeof(line))
        fmt_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    out(line);
    out("\n");
}

/* Return addresses are named by the byte before them: a call to a
 * noreturn function (panic itself) may be the last instruction of its
 * function, and the address after it already belongs to the next one. */
static void print_frame(void *ctx, unsigned depth, uint64_t pc)
{
    (void)ctx;
    char sym[128], line[192];
    const char *name;
    uint64_t off;
    if (depth > 0 && ksyms_lookup(pc - 1, &name, &off))
        fmt_snprintf(sym, sizeof(sym), "%s+%#llx", name, (unsigned long long)off + 1);
    else
        ksyms_format(pc, sym, sizeof(sym));
    fmt_snprintf(line, sizeof(line), "  #%u %#018llx %s\n", depth,
                 (unsigned long long)pc, sym);
    out(line);
}

static void enter(void)
{
    arch_interrupts_disable();
    if (panicking++)
        arch_halt_forever();
    console_resume_all(); /* the framebuffer back from its user-space driver */
}

__attribute__((noreturn)) static void finish(uint64_t frame)
{
    arch_stack_walk(frame, BACKTRACE_DEPTH, print_frame, NULL);
    if (exit_on_panic)
        arch_machine_exit(false);
    arch_halt_forever();
}

void panic_at(const char *func, const char *fmt, ...)
{
    enter();
    va_list ap;
    va_start(ap, fmt);
    print_line("\nPANIC: ", func, fmt, ap);
    va_end(ap);
    out("backtrace:\n");
    finish((uint64_t)(uintptr_t)__builtin_frame_address(0));
}

void panic_in_context(const struct panic_context *ctx, const char *fmt, ...)
{
    enter();
    char where[128];
    ksyms_format(ctx->pc, where, sizeof(where));
    va_list ap;
    va_start(ap, fmt);
    print_line("\nPANIC: ", where, fmt, ap);
    va_end(ap);
    if (ctx->registers)
        out(ctx->registers);
    out("backtrace:\n");
    print_frame(NULL, 0, ctx->pc);
    finish(ctx->frame);
}
