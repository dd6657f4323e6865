/*
 * user_selftest.c: self-tests that run user programs from the initrd:
 * every system call's success and error paths (tests/usyscalls), programs
 * that divide by zero, execute privileged instructions, jump into or read
 * kernel memory, overflow their stack or dereference NULL are stopped
 * while another keeps running (tests/ucrash, tests/uspin), CPU-bound
 * programs are preempted (two tests/uspin at once), malformed executables
 * are refused with the expected message (tests/elf/, made by
 * scripts/mkbadelf.py), and running programs leaks no memory.
 */
#include <kernel/elf.h>
#include <kernel/error.h>
#include <kernel/fmt.h>
#include <kernel/pmm.h>
#include <kernel/process.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/ustar.h>

#define NOT_STARTED (-1000)

static const char *const no_env[] = { "PATH=/bin", NULL };

static struct process *start(const struct selftest_env *env, const char *path,
                             const char *const argv[])
{
    struct ustar_entry e;
    int err;
    if (!env->initrd || !ustar_find(env->initrd, env->initrd_size, path, &e))
        return NULL;
    return process_spawn(argv[0], e.data, e.size, argv, no_env, &err);
}

static int run(const struct selftest_env *env, const char *path, const char *const argv[])
{
    struct process *p = start(env, path, argv);
    return p ? process_wait(p) : NOT_STARTED;
}

SELFTEST(user_system_calls)
{
    static const char *const argv[] = { "usyscalls", NULL };
    int status = run(env, "tests/usyscalls", argv);
    if (status == NOT_STARTED)
        return "tests/usyscalls could not be started";
    return status == 0 ? NULL : "tests/usyscalls reported failures (see its output)";
}

SELFTEST(user_faults_stop_only_the_faulting_process)
{
    static const char *const modes[] = { "divide", "privileged", "kernel-jump",
                                         "kernel-read", "stack-overflow", "null",
                                         "invalid-opcode" };
    static const char *const spin_argv[] = { "uspin", "400", NULL };
    struct process *bystander = start(env, "tests/uspin", spin_argv);
    if (!bystander)
        return "tests/uspin could not be started";
    const char *err = NULL;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]) && !err; i++) {
        const char *argv[] = { "ucrash", modes[i], NULL };
        int status = run(env, "tests/ucrash", argv);
        if (status == NOT_STARTED)
            err = "tests/ucrash could not be started";
        else if (status != PROCESS_EXIT_FAULT)
            err = "a misbehaving program was not stopped by a fault";
    }
    int bystander_status = process_wait(bystander);
    if (!err && bystander_status == PROCESS_EXIT_FAULT)
        err = "a well-behaved program was stopped too";
    return err;
}

SELFTEST(user_cpu_bound_programs_are_preempted)
{
    static const char *const argv[] = { "uspin", "300", NULL };
    struct process *a = start(env, "tests/uspin", argv);
    struct process *b = start(env, "tests/uspin", argv);
    if (!a || !b)
        return "tests/uspin could not be started";
    int sa = process_wait(a), sb = process_wait(b);
    return sa == 0 && sb == 0 ? NULL : "a CPU-bound program was never preempted";
}

struct capture {
    char text[192];
};

static void capture_report(void *ctx, const char *fmt, ...)
{
    struct capture *c = ctx;
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(c->text, sizeof(c->text), fmt, ap);
    va_end(ap);
}

static bool contains(const char *haystack, const char *needle, size_t needle_len)
{
    for (; *haystack; haystack++)
        if (strncmp(haystack, needle, needle_len) == 0)
            return true;
    return false;
}

SELFTEST(user_malformed_executables_are_refused)
{
    static char path[96];
    struct ustar_entry list, e;
    if (!env->initrd || !ustar_find(env->initrd, env->initrd_size, "tests/elf/expected.txt", &list))
        return "tests/elf/expected.txt is missing";
    const char *line = (const char *)list.data, *end = line + list.size;
    unsigned checked = 0;
    while (line < end) {
        const char *nl = line;
        while (nl < end && *nl != '\n')
            nl++;
        const char *space = line;
        while (space < nl && *space != ' ')
            space++;
        if (space < nl) {
            fmt_snprintf(path, sizeof(path), "tests/elf/%.*s", (int)(space - line), line);
            if (!ustar_find(env->initrd, env->initrd_size, path, &e))
                return "a listed malformed executable is missing";
            struct capture c = { "" };
            struct elf_image img;
            if (elf_decode(e.data, e.size, &img, capture_report, &c) != E_INVAL)
                return "a malformed executable was accepted";
            if (!contains(c.text, space + 1, (size_t)(nl - space - 1)))
                return "a malformed executable was refused for the wrong reason";
            int err;
            if (process_spawn("bad", e.data, e.size, NULL, NULL, &err) || err != E_INVAL)
                return "process_spawn started a malformed executable";
            checked++;
        }
        line = nl + 1;
    }
    return checked >= 10 ? NULL : "fewer than 10 malformed executables were checked";
}

SELFTEST(user_processes_leak_no_memory)
{
    static const char *const argv[] = { "hello", NULL };
    if (run(env, "bin/hello", argv) != 0) /* warm the caches */
        return "bin/hello failed";
    struct pmm_stats before, after;
    pmm_stats(&before);
    for (int i = 0; i < 30; i++)
        if (run(env, "bin/hello", argv) != 0)
            return "bin/hello failed";
    pmm_stats(&after);
    return after.free_pages == before.free_pages ? NULL : "memory leaked across 30 runs";
}
