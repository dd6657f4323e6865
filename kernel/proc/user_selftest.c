/*
 * user_selftest.c: self-tests that run user programs from the initrd:
 * every system call's success and error paths (tests/usyscalls), programs
 * that divide by zero, execute privileged instructions, jump into or read
 * kernel memory, overflow their stack or dereference NULL are stopped
 * while another keeps running (tests/ucrash, tests/uspin), CPU-bound
 * programs are preempted (two tests/uspin at once), malformed executables
 * are refused with the expected message (tests/elf/, made by
 * scripts/mkbadelf.py), running programs leaks no memory, and 100,000
 * random system calls (tests/ufuzz) leave the kernel, its free memory and
 * a bystander program as they were.
 */
#include <kernel/elf.h>
#include <kernel/error.h>
#include <kernel/fmt.h>
#include <kernel/heap.h>
#include <kernel/pmm.h>
#include <kernel/process.h>
#include <kernel/selftest.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/thread.h>
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

/* Runs tests/NAME, which exits with its number of failed checks; NULL if
 * it passed, else what went wrong. */
static const char *run_test_program(const struct selftest_env *env, const char *name)
{
    static char path[64], problem[96];
    const char *const argv[] = { name, NULL };
    fmt_snprintf(path, sizeof(path), "tests/%s", name);
    int status = run(env, path, argv);
    if (status == 0)
        return NULL;
    fmt_snprintf(problem, sizeof(problem), status == NOT_STARTED ? "%s could not be started"
                 : "%s reported failures (see its output)", path);
    return problem;
}

SELFTEST(user_system_calls)
{
    return run_test_program(env, "usyscalls");
}

SELFTEST(user_c_library)
{
    return run_test_program(env, "ulibc");
}

SELFTEST(user_capability_calls_and_rights)
{
    return run_test_program(env, "ucaps");
}

SELFTEST(user_processes_built_from_user_space)
{
    return run_test_program(env, "uproc");
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

/* Memory in use, measured so that the heap's caching of empty slabs (which
 * depends on the order of frees) does not count: pages in use outside the
 * heap, and live heap objects. */
struct memory_use {
    int64_t pages_outside_heap;
    int64_t heap_objects;
};

static void memory_use(struct memory_use *m)
{
    struct pmm_stats p;
    struct heap_stats h;
    pmm_stats(&p);
    heap_stats(&h);
    m->pages_outside_heap = (int64_t)p.total_pages - (int64_t)p.free_pages - (int64_t)h.pages;
    m->heap_objects = (int64_t)h.large_allocs;
    for (size_t size = 16; size <= 2048; size *= 2) {
        struct kmem_cache_stats c;
        if (kmem_cache_stats(kmalloc_cache(size), &c) == E_OK)
            m->heap_objects += (int64_t)c.in_use;
    }
}

/* 100,000 random system calls beside a bystander program; returns the
 * fuzzer's status, or NOT_STARTED, and flags a stopped bystander. */
static int fuzz_round(const struct selftest_env *env, bool *bystander_faulted)
{
    static const char *const fuzz_argv[] = { "ufuzz", "100000", "12345", NULL };
    static const char *const spin_argv[] = { "uspin", "200", NULL };
    struct process *bystander = start(env, "tests/uspin", spin_argv);
    if (!bystander)
        return NOT_STARTED;
    int status = run(env, "tests/ufuzz", fuzz_argv);
    *bystander_faulted = process_wait(bystander) == PROCESS_EXIT_FAULT;
    return status;
}

SELFTEST(user_system_call_fuzzer)
{
    /* The same round twice: the first brings the heap's caches to their
     * steady state, so any page the second one loses is a leak. */
    bool faulted = false;
    if (fuzz_round(env, &faulted) != 0 || faulted)
        return "the first fuzzing round failed";
    struct memory_use before, after;
    memory_use(&before);
    int status = fuzz_round(env, &faulted);
    memory_use(&after);
    if (status == NOT_STARTED)
        return "tests/ufuzz or tests/uspin could not be started";
    if (status != 0)
        return "the fuzzer saw undocumented results or was stopped";
    if (faulted)
        return "a bystander program was stopped during the fuzzing";
    if (after.pages_outside_heap != before.pages_outside_heap ||
        after.heap_objects != before.heap_objects) {
        static char why[128];
        fmt_snprintf(why, sizeof(why), "memory leaked across 100,000 random system "
                     "calls: %lld pages, %lld heap objects",
                     (long long)(after.pages_outside_heap - before.pages_outside_heap),
                     (long long)(after.heap_objects - before.heap_objects));
        return why;
    }
    return NULL;
}

/* The user-space suite: init runs /etc/init-selftest.conf (the file
 * server, then tests/uposix, tests/usignal and tests/uvfskill, which
 * spawn over a thousand processes between them) and exits with the number of tests
 * that failed.  Afterwards every page and kernel object they used must be
 * free again.  Machines under 96 MiB run it with a smaller large file. */
SELFTEST(user_space_services_and_posix_programs)
{
    struct pmm_stats p;
    pmm_stats(&p);
    bool small = p.total_pages * PMM_PAGE_SIZE < 96ull * 1024 * 1024;
    const char *conf = small ? "/etc/init-selftest-small.conf" : "/etc/init-selftest.conf";
    struct memory_use before, after;
    memory_use(&before);
    struct process *init = env->start_init(env, conf);
    if (!init)
        return "bin/init could not be started";
    int status = process_wait(init);  /* drops our reference */
    if (status != 0) {
        static char problem[96];
        fmt_snprintf(problem, sizeof(problem), "%d test(s) of %s failed (see init's output)",
                     status, conf);
        return problem;
    }
    /* The other processes end after init: give the reaper a moment. */
    for (int i = 0; i < 200; i++) {
        memory_use(&after);
        if (after.pages_outside_heap <= before.pages_outside_heap &&
            after.heap_objects <= before.heap_objects)
            return NULL;
        thread_sleep_ns(10 * 1000 * 1000);
    }
    log_info("selftest: memory in use: %lld pages, %lld objects before; %lld, %lld after",
             (long long)before.pages_outside_heap, (long long)before.heap_objects,
             (long long)after.pages_outside_heap, (long long)after.heap_objects);
    return "memory leaked by the user-space suite";
}
