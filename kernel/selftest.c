/*
 * selftest.c: the in-kernel test runner.  Tests are collected by the linker
 * from the .selftest section; each prints one line, "selftest: NAME: ok" or
 * "selftest: NAME: FAIL: reason", then a final "selftest: N passed, N
 * failed" line, and the machine exits with the result (QEMU's
 * isa-debug-exit), so the boot-test harness reads a status, not a timeout.
 * `selftest.only=PREFIX` runs only the tests whose names start with PREFIX.
 * Options let the harness prove that failures are seen and protections
 * hold: `selftest.inject_failure` adds a failing test, and
 * `selftest.crash=KIND` stops the kernel before the tests through the same
 * paths real bugs take: `panic`, `null` (a NULL read), `write-rodata`
 * (W^X), `exec-data` (NX) or `stack-overflow` (the guard page, reported
 * as a double fault on its own stack).
 */
#include <kernel/arch.h>
#include <stdint.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>
#include <kernel/panic.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

extern const struct selftest selftest_start[], selftest_end[];

extern char kernel_rodata_start[];
static volatile unsigned recursion_limit = ~0u;
static uint8_t data_code[] = { 0xC3 }; /* "ret", in a no-execute page */

__attribute__((noinline)) static unsigned recurse(unsigned depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth >= recursion_limit)
        return 0;
    return recurse(depth + 1) + (unsigned)frame[0]; /* not a tail call */
}

/* Not inlined, so that the panic names this function. */
__attribute__((noinline)) static void crash_if_asked(const char *cmdline)
{
    char how[16];
    if (cmdline_get(cmdline, "selftest.crash", how, sizeof(how)) < 0)
        return;
    log_info("selftest: crashing on purpose: %s", how);
    if (strcmp(how, "panic") == 0)
        panic("deliberate panic requested by selftest.crash=panic");
    else if (strcmp(how, "null") == 0)
        (void)*(volatile uint64_t *)NULL;
    else if (strcmp(how, "write-rodata") == 0)
        *(volatile char *)kernel_rodata_start = 0;
    else if (strcmp(how, "exec-data") == 0)
        ((void (*)(void))(uintptr_t)data_code)();
    else if (strcmp(how, "stack-overflow") == 0)
        recurse(0);
    log_warn("selftest: selftest.crash=%s did not stop the kernel", how);
}

void selftest_run_all(const struct selftest_env *env)
{
    crash_if_asked(env->cmdline);
    unsigned passed = 0, failed = 0;
    char only[48] = "";
    cmdline_get(env->cmdline, "selftest.only", only, sizeof(only));
    log_info("selftest: running %u tests%s%s",
             (unsigned)(selftest_end - selftest_start), only[0] ? " matching " : "", only);
    for (const struct selftest *t = selftest_start; t < selftest_end; t++) {
        if (only[0] && strncmp(t->name, only, strlen(only)) != 0)
            continue;
        const char *err = t->run(env);
        if (err) {
            failed++;
            log_error("selftest: %s: FAIL: %s", t->name, err);
        } else {
            passed++;
            log_info("selftest: %s: ok", t->name);
        }
    }
    if (cmdline_has(env->cmdline, "selftest.inject_failure")) {
        failed++;
        log_error("selftest: injected_failure: FAIL: requested on the command line");
    }
    log_info("selftest: %u passed, %u failed", passed, failed);
    arch_machine_exit(failed == 0);
}
