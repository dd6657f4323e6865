/*
 * selftest.c: the in-kernel test runner.  Tests are collected by the linker
 * from the .selftest section; each prints one line, "selftest: NAME: ok" or
 * "selftest: NAME: FAIL: reason", then a final "selftest: N passed, N
 * failed" line, and the machine exits with the result (QEMU's
 * isa-debug-exit), so the boot-test harness reads a status, not a timeout.
 * Two options let the harness prove that failures are seen:
 * `selftest.inject_failure` adds a failing test, and `selftest.crash=panic`
 * or `selftest.crash=null` (a NULL dereference, so a page fault) stops the
 * kernel before the tests, through the same paths real bugs take.
 */
#include <kernel/arch.h>
#include <stdint.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>
#include <kernel/panic.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

extern const struct selftest selftest_start[], selftest_end[];

/* Not inlined, so that the panic names this function. */
__attribute__((noinline)) static void crash_if_asked(const char *cmdline)
{
    char how[16];
    if (cmdline_get(cmdline, "selftest.crash", how, sizeof(how)) < 0)
        return;
    if (strcmp(how, "panic") == 0)
        panic("deliberate panic requested by selftest.crash=panic");
    if (strcmp(how, "null") == 0) {
        log_info("selftest: reading through a NULL pointer");
        (void)*(volatile uint64_t *)NULL;
    }
    log_warn("selftest: unknown selftest.crash '%s' (panic, null)", how);
}

void selftest_run_all(const struct selftest_env *env)
{
    crash_if_asked(env->cmdline);
    unsigned passed = 0, failed = 0;
    log_info("selftest: running %u tests",
             (unsigned)(selftest_end - selftest_start));
    for (const struct selftest *t = selftest_start; t < selftest_end; t++) {
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
