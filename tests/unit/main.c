/*
 * The host unit-test runner: the kernel's pure logic (parsers, formatting,
 * strings) compiled for the host with AddressSanitizer and
 * UndefinedBehaviorSanitizer, each test forked so a crash fails that test
 * only.  Results are printed as TAP for tests/run.py.
 */
#include "unit.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void messages_report(void *ctx, const char *fmt, ...)
{
    struct messages *m = ctx;
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof(m->text) - m->len;
    int n = vsnprintf(m->text + m->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        m->len += (size_t)n < room ? (size_t)n : room - 1;
    if (m->len + 1 < sizeof(m->text))
        m->text[m->len++] = '\n';
    m->text[m->len] = '\0';
    m->count++;
}

int messages_contain(const struct messages *m, const char *needle)
{
    return strstr(m->text, needle) != NULL;
}

int main(void)
{
    SRunner *sr = srunner_create(suite_multiboot2());
    srunner_add_suite(sr, suite_ustar());
    srunner_add_suite(sr, suite_fmt());
    srunner_add_suite(sr, suite_cmdline());
    srunner_add_suite(sr, suite_string());
    srunner_add_suite(sr, suite_ksyms());
    srunner_add_suite(sr, suite_calendar());
    srunner_add_suite(sr, suite_acpi());
    srunner_add_suite(sr, suite_elf());
    srunner_add_suite(sr, suite_user_stack());
    srunner_add_suite(sr, suite_pmm());
    srunner_add_suite(sr, suite_heap());
    srunner_add_suite(sr, suite_cap());
    srunner_add_suite(sr, suite_region());
    srunner_add_suite(sr, suite_manifest());
    srunner_add_suite(sr, suite_init_conf());
    srunner_add_suite(sr, suite_vfs());
    srunner_add_suite(sr, suite_sh());
    srunner_add_suite(sr, suite_vt());
    srunner_add_suite(sr, suite_tty());
    srunner_add_suite(sr, suite_keymap());
    srunner_add_suite(sr, suite_fbdraw());
    srunner_add_suite(sr, suite_log_ring());
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
