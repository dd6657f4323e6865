/*
 * init: the first user program, and the supervisor of every server.
 *
 * The kernel gives init the capabilities the boot manifest
 * (/etc/boot.manifest) lists, from handle 2 on, among them a read-only
 * copy of the initrd.  init
 *
 *   1. lists those capabilities, and matches them to the manifest's
 *      entries (the kernel's own parser, in libspawn) by type, so that
 *      init.conf can name them as "irq:1" or "initrd";
 *   2. maps the initrd and checks it with the kernel's ustar validator;
 *   3. reads its configuration, /etc/init.conf or the path given as its
 *      first argument (format in conf.h), and starts each program in
 *      order, with exactly the capabilities its line names: least
 *      privilege is written down in one file;
 *   4. serves its endpoint: the kernel reports there each child's exit
 *      or fault, and every process calls there as its process server
 *      (proc.c: spawn, wait, kill, the process list);
 *   5. restarts a service that ended: after 100 ms, doubling up to 5 s
 *      while it keeps dying within 10 s of starting, with a log line each
 *      time; except a driver that exits with status 69 (EX_UNAVAILABLE:
 *      the machine has no such device).
 *
 * init also makes the file server's and the console server's endpoints,
 * so that they outlive the servers: clients keep their capabilities
 * across a restart.
 *
 * Children get init's own environment (PATH and the kernel command line's
 * options, such as keymap=de), INIT_SERVICE (their name) and
 * INIT_RESTARTS (how often init has restarted them).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atom/cap.h>
#include <atom/console.h>
#include <atom/errors.h>
#include <atom/ipc.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>
#include <kernel/manifest.h>
#include <kernel/ustar.h>

#include "conf.h"
#include "power.h"
#include "proc.h"
#include "spawn.h"

#define FIRST_HANDLE 2
#define MAX_HANDLES 64
#define MAX_SERVICES 32
#define INIT_ENV_MAX 10                /* of our environment, passed on */
/* A service's exit status for "my device is not there" (sysexits.h's
 * EX_UNAVAILABLE): init does not restart it. */
#define INIT_EXIT_NO_DEVICE 69
#define INITRD_VA 0x0000500000000000ull
#define PAGE 4096ull
#define MS 1000000ull
#define BACKOFF_FIRST (100 * MS)
#define BACKOFF_MAX (5000 * MS)
#define STABLE_AFTER (10000 * MS)

/* The archive, mapped read-only. */
static const uint8_t *initrd;
static size_t initrd_size;

/* Each manifest entry and the handle the kernel gave for it (-1: none). */
static struct manifest_entry manifest[MANIFEST_MAX_ENTRIES];
static long manifest_handle[MANIFEST_MAX_ENTRIES];
static size_t manifest_count;

struct service {
    struct conf_entry conf;
    bool running;
    bool serves_vfs;                 /* its line has vfs-server */
    int pid;                         /* while running */
    unsigned restarts;
    uint64_t started_ns;
    uint64_t restart_at_ns;          /* 0: no restart due */
    uint64_t backoff_ns;
};

static struct service services[MAX_SERVICES];
static size_t service_count;
static long supervisor;              /* our endpoint: reports and requests */
static long vfs_endpoint = -1;       /* the file server's */
static long console_endpoint = -1;   /* the console server's */
static bool stopping;                /* the tests are over: no restarts */
static unsigned tests_passed, tests_failed;

static uint64_t now_ns(void)
{
    uint64_t t = 0;
    atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&t);
    return t;
}

static const char *type_name(uint32_t type)
{
    switch (type) {
    case ATOM_OBJ_IRQ: return "irq";
    case ATOM_OBJ_IOPORT: return "ioport";
    case ATOM_OBJ_MEMORY: return "memory";
    case ATOM_OBJ_POWER: return "power";
    default: return "other";
    }
}

static bool inspect(long h, struct atom_cap_info *ci)
{
    return atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)ci, 0) == 0;
}

static void list_capabilities(void)
{
    struct atom_cap_info ci;
    for (long h = FIRST_HANDLE; h < MAX_HANDLES && inspect(h, &ci); h++)
        printf("init: capability %ld: %s, rights %#x\n", h, type_name(ci.type),
               (unsigned)ci.rights);
}

/* What a manifest entry's capability looks like: the kernel skips an
 * entry it cannot give (no framebuffer, say), so the handles are matched
 * in order by type, and the initrd is the memory without WRITE. */
static bool entry_matches(const struct manifest_entry *e, const struct atom_cap_info *ci)
{
    switch (e->kind) {
    case MANIFEST_IRQ: return ci->type == ATOM_OBJ_IRQ;
    case MANIFEST_IOPORT: return ci->type == ATOM_OBJ_IOPORT;
    case MANIFEST_FRAMEBUFFER:
        return ci->type == ATOM_OBJ_MEMORY && (ci->rights & ATOM_RIGHT_WRITE);
    case MANIFEST_INITRD:
        return ci->type == ATOM_OBJ_MEMORY && !(ci->rights & ATOM_RIGHT_WRITE);
    case MANIFEST_POWER: return ci->type == ATOM_OBJ_POWER;
    }
    return false;
}

/* Finds and maps the initrd (its size comes from CAP_INSPECT). */
static bool map_initrd(void)
{
    struct atom_cap_info ci;
    for (long h = FIRST_HANDLE; h < MAX_HANDLES && inspect(h, &ci); h++) {
        if (ci.type != ATOM_OBJ_MEMORY || (ci.rights & ATOM_RIGHT_WRITE) || ci.size == 0)
            continue;
        long r = atom_syscall6(ATOM_SYS_MEM_MAP, 1, h, (long)INITRD_VA, 0, (long)ci.size,
                               ATOM_PROT_READ);
        if (r < 0) {
            fprintf(stderr, "init: cannot map the initrd (error %ld)\n", -r);
            return false;
        }
        initrd = (const uint8_t *)(uintptr_t)INITRD_VA;
        initrd_size = ci.size * PAGE;
        struct ustar_stats st;
        if (ustar_validate(initrd, initrd_size, "initrd", &st, spawn_report, "init: ") != 0)
            return false;
        printf("init: initrd: %zu files, %zu directories\n", st.files, st.dirs);
        return true;
    }
    fprintf(stderr, "init: no initrd capability (the boot manifest needs an 'initrd' line)\n");
    return false;
}

/* A file of the initrd by absolute path. */
static bool initrd_file(const char *path, struct ustar_entry *e)
{
    return initrd && path[0] == '/' && ustar_find(initrd, initrd_size, path + 1, e);
}

static void read_manifest(void)
{
    struct ustar_entry e;
    if (!initrd_file("/etc/boot.manifest", &e) ||
        manifest_parse((const char *)e.data, e.size, manifest, MANIFEST_MAX_ENTRIES,
                       &manifest_count, spawn_report, "init: boot manifest: ") != 0) {
        manifest_count = 0;
        return;
    }
    long h = FIRST_HANDLE;
    struct atom_cap_info ci;
    for (size_t i = 0; i < manifest_count; i++) {
        manifest_handle[i] = -1;
        if (h < MAX_HANDLES && inspect(h, &ci) && entry_matches(&manifest[i], &ci))
            manifest_handle[i] = h++;
        if (manifest[i].kind == MANIFEST_POWER && manifest_handle[i] >= 0)
            power_set_capability(manifest_handle[i]);
    }
}

/* The handle for what a configuration line asks for, or -1. */
static long handle_for(const struct conf_cap *c)
{
    if (c->kind == CONF_CAP_VFS_SERVER)
        return vfs_endpoint;
    if (c->kind == CONF_CAP_CONSOLE_SERVER || c->kind == CONF_CAP_CONSOLE)
        return console_endpoint;
    for (size_t i = 0; i < manifest_count; i++) {
        const struct manifest_entry *e = &manifest[i];
        bool same = (c->kind == CONF_CAP_IRQ && e->kind == MANIFEST_IRQ && e->a == c->value) ||
                    (c->kind == CONF_CAP_IOPORT && e->kind == MANIFEST_IOPORT &&
                     e->a == c->value) ||
                    (c->kind == CONF_CAP_FRAMEBUFFER && e->kind == MANIFEST_FRAMEBUFFER) ||
                    (c->kind == CONF_CAP_INITRD && e->kind == MANIFEST_INITRD);
        if (same)
            return manifest_handle[i];
    }
    return -1;
}

static void report_conf(void *ctx, unsigned line, const char *problem)
{
    fprintf(stderr, "init: %s: line %u: %s; skipped\n", (const char *)ctx, line, problem);
}

static void read_conf(const char *path)
{
    static struct conf_entry entries[MAX_SERVICES];
    struct ustar_entry e;
    if (!initrd_file(path, &e)) {
        fprintf(stderr, "init: no %s in the initrd; nothing to start\n", path);
        return;
    }
    service_count = conf_parse((const char *)e.data, e.size, entries, MAX_SERVICES, report_conf,
                               (void *)path);
    for (size_t i = 0; i < service_count; i++)
        services[i].conf = entries[i];
}

static void start(struct service *s)
{
    const struct conf_entry *c = &s->conf;
    long grants[CONF_MAX_CAPS], made[CONF_MAX_CAPS];
    size_t made_count = 0;
    s->serves_vfs = false;
    for (size_t i = 0; i < c->cap_count; i++) {
        grants[i] = handle_for(&c->caps[i]);
        if (grants[i] < 0) {
            fprintf(stderr, "init: %s: capability %zu of line %u is not in the boot manifest; "
                    "not started\n", c->name, i + 1, c->line);
            return;
        }
        enum conf_cap_kind kind = c->caps[i].kind;
        if (kind == CONF_CAP_VFS_SERVER || kind == CONF_CAP_CONSOLE_SERVER) {
            /* Receive only: the server cannot pose as init. */
            grants[i] = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, grants[i],
                                      ATOM_RIGHT_READ | ATOM_RIGHT_GRANT, 0, 0, 0, 0);
        } else if (kind == CONF_CAP_CONSOLE) {
            /* The console server knows a driver's role by its badge. */
            grants[i] = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, grants[i],
                                      ATOM_RIGHT_WRITE | ATOM_RIGHT_GRANT,
                                      (long)(CONSOLE_BADGE_DRIVER | c->caps[i].value),
                                      ATOM_DUP_SET_BADGE, 0, 0);
        } else {
            continue;
        }
        if (grants[i] < 0) {
            for (size_t j = 0; j < made_count; j++)
                atom_syscall1(ATOM_SYS_CAP_DELETE, made[j]);
            return;
        }
        made[made_count++] = grants[i];
        s->serves_vfs |= kind == CONF_CAP_VFS_SERVER;
    }
    struct ustar_entry file;
    if (!initrd_file(c->program, &file)) {
        fprintf(stderr, "init: %s: no program %s in the initrd; not started\n", c->name,
                c->program);
        for (size_t i = 0; i < made_count; i++)
            atom_syscall1(ATOM_SYS_CAP_DELETE, made[i]);
        return;
    }
    const char *argv[CONF_MAX_ARGS + 2];
    argv[0] = c->program;
    for (size_t i = 0; i < c->arg_count; i++)
        argv[i + 1] = c->args[i];
    argv[c->arg_count + 1] = NULL;
    char name_env[16 + CONF_NAME_MAX], restarts_env[32];
    snprintf(name_env, sizeof(name_env), "INIT_SERVICE=%s", c->name);
    snprintf(restarts_env, sizeof(restarts_env), "INIT_RESTARTS=%u", s->restarts);
    /* PATH and the kernel command line's options (keymap=de, ...) from
     * our own environment, then the service's own two. */
    const char *envp[INIT_ENV_MAX + 3];
    size_t envc = 0;
    for (char **e = environ; *e && envc < INIT_ENV_MAX; e++)
        envp[envc++] = *e;
    envp[envc++] = name_env;
    envp[envc++] = restarts_env;
    envp[envc] = NULL;

    int pid = proc_start_service(c->name, file.data, file.size, argv, envp, grants,
                                 c->cap_count, s->serves_vfs, s);
    for (size_t i = 0; i < made_count; i++)
        atom_syscall1(ATOM_SYS_CAP_DELETE, made[i]);
    if (pid < 0) {
        fprintf(stderr, "init: %s: cannot start %s (%s)\n", c->name, c->program, strerror(-pid));
        return;
    }
    s->running = true;
    s->pid = pid;
    s->started_ns = now_ns();
    printf("init: started %s (%s)\n", c->name, c->program);
}

/* Starts the first test not yet run; when none is left, stops every
 * service and exits with the number of tests that failed. */
static void run_next_test(void)
{
    static size_t next;
    while (next < service_count) {
        struct service *s = &services[next++];
        if (s->conf.kind != CONF_TEST)
            continue;
        start(s);
        if (s->running)
            return;
        tests_failed++;
        printf("init: test %s FAILED: not started\n", s->conf.name);
    }
    if (tests_passed + tests_failed == 0)
        return;
    printf("init: tests: %u passed, %u failed\n", tests_passed, tests_failed);
    stopping = true;
    for (size_t i = 0; i < service_count; i++)
        if (services[i].running)
            proc_kill_pid(services[i].pid, SIGKILL);
    exit((int)tests_failed);
}

/* From proc.c: service `owner` has ended with wait status `status`. */
void init_service_ended(void *owner, const char *how, int status)
{
    struct service *s = owner;
    const struct conf_entry *c = &s->conf;
    s->running = false;
    if (c->kind == CONF_TEST) {
        if (status == 0) {
            tests_passed++;
            printf("init: test %s passed\n", c->name);
        } else {
            tests_failed++;
            printf("init: test %s FAILED: %s\n", c->name, how);
        }
        if (!stopping)
            run_next_test();
        return;
    }
    if (c->kind == CONF_ONCE || stopping) {
        printf("init: %s %s\n", c->name, how);
        return;
    }
    if (status == (INIT_EXIT_NO_DEVICE << 8)) {
        /* A driver whose device this machine lacks: trying again cannot help. */
        printf("init: %s %s (its device is missing); not restarted\n", c->name, how);
        return;
    }
    uint64_t now = now_ns();
    if (now - s->started_ns >= STABLE_AFTER || s->backoff_ns == 0)
        s->backoff_ns = BACKOFF_FIRST;
    else if (s->backoff_ns < BACKOFF_MAX)
        s->backoff_ns = s->backoff_ns * 2 < BACKOFF_MAX ? s->backoff_ns * 2 : BACKOFF_MAX;
    s->restart_at_ns = now + s->backoff_ns;
    printf("init: %s %s; restarting in %llu ms\n", c->name, how,
           (unsigned long long)(s->backoff_ns / MS));
}

static void supervise(void)
{
    for (;;) {
        uint64_t now = now_ns(), next = 0;
        for (size_t i = 0; i < service_count; i++) {
            struct service *s = &services[i];
            if (!s->restart_at_ns)
                continue;
            if (s->restart_at_ns <= now) {
                s->restart_at_ns = 0;
                s->restarts++;
                start(s);
            } else if (!next || s->restart_at_ns < next) {
                next = s->restart_at_ns;
            }
        }
        struct atom_msg m = { 0 };
        long r = atom_ipc(ATOM_SYS_IPC_RECV, supervisor, &m,
                          next ? next - now : ATOM_TIMEOUT_FOREVER);
        if (r == -ATOM_ETIMEDOUT)
            continue;
        if (r < 0) {
            fprintf(stderr, "init: receive failed (error %ld)\n", -r);
            continue;
        }
        if (proc_is_report(m.badge))
            proc_report(&m);
        else
            proc_request(&m);
    }
}

int main(int argc, char **argv)
{
    printf("init: Atom user space is up (pid %d, %d argument%s)\n", (int)getpid(), argc,
           argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++)
        printf("init: argv[%d] = %s\n", i, argv[i]);
    list_capabilities();
    const char *conf = argc > 1 ? argv[1] : "/etc/init.conf";
    supervisor = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    vfs_endpoint = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    console_endpoint = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    if (supervisor >= 0 && vfs_endpoint >= 0 && console_endpoint >= 0 && map_initrd()) {
        read_manifest();
        read_conf(conf);
        /* Without a server, its capabilities would be calls nobody
         * answers. */
        bool has_vfs = false, has_console = false;
        for (size_t i = 0; i < service_count; i++)
            for (size_t j = 0; j < services[i].conf.cap_count; j++) {
                has_vfs |= services[i].conf.caps[j].kind == CONF_CAP_VFS_SERVER;
                has_console |= services[i].conf.caps[j].kind == CONF_CAP_CONSOLE_SERVER;
            }
        proc_init(supervisor, has_vfs ? vfs_endpoint : -1, has_console ? console_endpoint : -1);
        for (size_t i = 0; i < service_count; i++)
            if (services[i].conf.kind != CONF_TEST)
                start(&services[i]);
        run_next_test();
        supervise();
    }
    fprintf(stderr, "init: nothing to supervise; idle\n");
    for (;;)
        atom_syscall1(ATOM_SYS_SLEEP_NS, 1000000000L);
}
