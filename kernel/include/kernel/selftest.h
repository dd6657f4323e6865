/* In-kernel self-tests (kernel/selftest.c), run by the "self-test" boot
 * entry (kernel option `selftest`).  A test is a function returning NULL on
 * success or a static string saying what went wrong; SELFTEST() places it
 * in the .selftest section, so each subsystem keeps its tests beside it. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <kernel/acpi.h>
#include <kernel/multiboot2.h>
#include <stdbool.h>

struct process;

struct selftest_env {
    const struct mb2_info *boot;
    const void *boot_raw;    /* the Multiboot2 structure as GRUB gave it */
    const void *initrd;      /* NULL if absent or rejected */
    size_t initrd_size;
    const char *cmdline;
    const struct acpi_info *acpi;
    /* Starts bin/init with its boot-manifest devices, running the
     * configuration at path conf; a referenced process, or NULL. */
    struct process *(*start_init)(const struct selftest_env *env, const char *conf);
};

struct selftest {
    const char *name;
    const char *(*run)(const struct selftest_env *env);
};

#define SELFTEST(fn_name)                                                    \
    static const char *fn_name(const struct selftest_env *env);               \
    static const struct selftest selftest_##fn_name                          \
        __attribute__((used, section(".selftest"), aligned(8))) = {          \
            #fn_name, fn_name };                                             \
    static const char *fn_name(__attribute__((unused)) const struct selftest_env *env)

/* Runs every test, prints a summary and ends the machine with its status. */
__attribute__((noreturn)) void selftest_run_all(const struct selftest_env *env);

#endif
