/* Shared declarations of the host unit tests (Check framework). */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

Suite *suite_multiboot2(void);
Suite *suite_ustar(void);
Suite *suite_fmt(void);
Suite *suite_cmdline(void);
Suite *suite_string(void);
Suite *suite_ksyms(void);
Suite *suite_calendar(void);
Suite *suite_acpi(void);
Suite *suite_elf(void);
Suite *suite_user_stack(void);
Suite *suite_pmm(void);
Suite *suite_heap(void);
Suite *suite_cap(void);
Suite *suite_region(void);
Suite *suite_manifest(void);
Suite *suite_init_conf(void);
Suite *suite_vfs(void);
Suite *suite_sh(void);
Suite *suite_vt(void);
Suite *suite_tty(void);
Suite *suite_keymap(void);
Suite *suite_fbdraw(void);
Suite *suite_log_ring(void);

/* A report callback that keeps the messages, for checking their wording. */
struct messages {
    char text[8192];
    size_t len;
    int count;
};
void messages_report(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int messages_contain(const struct messages *m, const char *needle);

/* The kernel heap over host pages (host_heap.c); setting host_heap_fail
 * makes its page provider fail. */
extern bool host_heap_fail;
void host_heap_init(void);

/* For hot loops: ck_assert records every passing check, which is slow. */
#define CHECK(cond, ...)               \
    do {                               \
        if (!(cond))                   \
            ck_abort_msg(__VA_ARGS__); \
    } while (0)

/* What kernel code under test wrote with log_write() (host_log.c). */
const char *host_log_text(void);
void host_log_clear(void);

#endif
