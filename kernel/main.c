/*
 * main.c: kernel_main(), the generic half of the boot.
 *
 * boot.S hands over the Multiboot2 magic and the physical address of the
 * boot information.  kernel_main() runs on the boot stack: CPU tables, the
 * serial console, the validated boot information and command line, then
 * memory (page tables, page allocator, heap) and the per-CPU tables that
 * need it.  It then moves to a kernel stack with a guard page and goes on
 * in kernel_main_late(): the framebuffer console, ACPI, interrupt
 * controllers, timers and the clock, a summary of the machine, and the
 * initrd, checked entry by entry before anything trusts it.  The line
 * "atom: boot complete" marks the end of this stage for people and for the
 * test harness alike.
 */
#include <arch/layout.h>
#include <atom/memory.h>
#include <kernel/acpi.h>
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/device.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/fmt.h>
#include <kernel/fbcon.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/manifest.h>
#include <kernel/memory.h>
#include <kernel/mm.h>
#include <kernel/multiboot2.h>
#include <kernel/panic.h>
#include <kernel/power.h>
#include <kernel/process.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/ustar.h>
#include <kernel/vm.h>

#define MIB (1024ull * 1024ull)
#define KERNEL_STACK_PAGES 8

void kernel_main(uint32_t magic, uint32_t info_phys);

static struct mb2_info boot_info;
static uint32_t boot_info_phys;
static const char *kernel_cmdline = "";
static bool selftest;
static struct acpi_info acpi;

static void report_warning(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(LOG_WARN, fmt, ap);
    va_end(ap);
}

static void apply_options(const char *cmdline)
{
    char value[32];
    enum log_level level;
    if (cmdline_get(cmdline, "loglevel", value, sizeof(value)) >= 0) {
        if (log_level_parse(value, &level))
            log_set_level(level);
        else
            log_warn("cmdline: unknown loglevel '%s' (error, warn, info, debug)",
                     value);
    }
}

static void start_framebuffer_console(const struct mb2_info *info,
                                      const char *cmdline)
{
    char value[16];
    if (cmdline_get(cmdline, "console", value, sizeof(value)) >= 0 &&
        strcmp(value, "all") != 0) {
        if (strcmp(value, "serial") == 0)
            return;
        log_warn("cmdline: unknown console '%s' (all, serial)", value);
    }
    if (info->has_framebuffer)
        fbcon_init(&info->fb);
}

static void summarize_memory(const struct mb2_info *info)
{
    size_t count = mb2_mmap_count(info);
    if (count == 0) {
        if (info->has_basic_meminfo)
            log_warn("memory: no memory map; basic info says %u KiB low, "
                     "%u KiB high", info->mem_lower_kib, info->mem_upper_kib);
        else
            log_error("memory: the boot loader gave no memory information");
        return;
    }
    uint64_t usable = 0, top = 0;
    size_t usable_regions = 0, bad = 0;
    for (size_t i = 0; i < count; i++) {
        struct mem_region r;
        if (!mb2_mmap_entry(info, i, &r)) {
            bad++;
            log_warn("memory: map entry %zu is invalid (wraps around); ignored", i);
            continue;
        }
        log_debug("memory:   [%#018llx-%#018llx] %s",
                  (unsigned long long)r.base,
                  (unsigned long long)(r.base + r.length - (r.length != 0)),
                  mem_type_name(r.type));
        if (r.type == MEM_USABLE && r.length) {
            usable += r.length;
            usable_regions++;
            if (r.base + r.length > top)
                top = r.base + r.length;
        }
    }
    log_info("memory: %llu MiB usable in %zu regions, highest address %#llx "
             "(%s map, %zu entries%s)",
             (unsigned long long)(usable / MIB), usable_regions,
             (unsigned long long)top, mb2_mmap_is_efi(info) ? "EFI" : "BIOS",
             count, bad ? ", some invalid" : "");
}

static void summarize_framebuffer(const struct mb2_info *info)
{
    if (!info->has_framebuffer) {
        log_info("framebuffer: none");
        return;
    }
    const struct mb2_framebuffer *fb = &info->fb;
    static const char *const kinds[] = { "indexed", "RGB", "EGA text" };
    uint32_t cols, rows;
    fbcon_size(&cols, &rows);
    log_info("framebuffer: %ux%u, %u bpp, pitch %u at %#llx (%s); "
             "console %ux%u", fb->width, fb->height, fb->bpp, fb->pitch,
             (unsigned long long)fb->addr, kinds[fb->type], cols, rows);
}

static void summarize_firmware(const struct mb2_info *info)
{
    if (info->rsdp) {
        const char *oem = (const char *)info->rsdp + 9;
        log_info("acpi: RSDP revision %u (%s), OEM '%.6s'", info->rsdp_revision,
                 info->rsdp_revision >= 2 ? "XSDT" : "RSDT", oem);
    } else {
        log_warn("acpi: no valid RSDP from the boot loader");
    }
    if (info->has_efi64)
        log_info("efi: 64-bit system table at %#llx%s",
                 (unsigned long long)info->efi64_system_table,
                 info->efi_boot_services ? ", boot services running" : "");
}

static bool ranges_overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* The initrd is the module named "initrd", or the only module. */
static const struct mb2_module *find_initrd(const struct mb2_info *info)
{
    for (size_t i = 0; i < info->module_count; i++) {
        const char *n = info->modules[i].name;
        if (strncmp(n, "initrd", 6) == 0 && (n[6] == '\0' || n[6] == ' '))
            return &info->modules[i];
    }
    return info->module_count == 1 ? &info->modules[0] : NULL;
}

/* Checks the module's placement and its archive; returns the archive or
 * NULL, in which case nothing may use it. */
static const void *load_initrd(const struct mb2_info *info, uint32_t info_phys,
                               size_t *size_out)
{
    for (size_t i = 0; i < info->module_count; i++) {
        const struct mb2_module *m = &info->modules[i];
        log_info("module %zu: '%s' at [%#x-%#x), %u bytes", i, m->name,
                 m->start, m->end, m->end - m->start);
    }
    const struct mb2_module *m = find_initrd(info);
    if (!m) {
        log_warn("initrd: no module named 'initrd'; nothing to start");
        return NULL;
    }
    uint64_t kstart, kend;
    arch_kernel_image(&kstart, &kend);
    if (ranges_overlap(m->start, m->end, kstart, kend) ||
        ranges_overlap(m->start, m->end, info_phys, info_phys + info->total_size)) {
        log_error("initrd: module [%#x-%#x) overlaps the kernel or the boot "
                  "information; not trusted", m->start, m->end);
        return NULL;
    }
    const void *archive = phys_to_virt(m->start);
    size_t size = m->end - m->start;
    struct ustar_stats st;
    if (ustar_validate(archive, size, "initrd", &st, report_warning, NULL) != 0) {
        log_error("initrd: archive rejected; no program will be loaded from it");
        return NULL;
    }
    log_info("initrd: %zu files, %zu directories, %llu bytes of contents",
             st.files, st.dirs, (unsigned long long)st.bytes);
    size_t off = 0;
    struct ustar_entry e;
    while (ustar_next(archive, size, &off, &e))
        log_info("initrd:   %-40s %8llu %s", e.path, (unsigned long long)e.size,
                 e.type == USTAR_DIR ? "dir" : "file");
    *size_out = size;
    return archive;
}

/* ACPI tables lie in memory the firmware describes: a table is mapped
 * only if it sits inside one memory-map entry (RAM, ACPI or reserved), so
 * a corrupt pointer cannot make the parser read device registers. */
static const void *acpi_map(void *ctx, uint64_t phys, uint64_t len)
{
    const struct mb2_info *boot = ctx;
    struct mem_region r;
    if (len == 0 || phys + len < phys)
        return NULL;
    for (size_t i = 0; i < mb2_mmap_count(boot); i++) {
        if (mb2_mmap_entry(boot, i, &r) && r.type != MEM_BAD &&
            phys >= r.base && phys + len <= r.base + r.length)
            return vm_map_physical(phys, len, VM_CACHE_WB);
    }
    log_warn("acpi: table at %#llx (%llu bytes) is outside the memory map; "
             "not read", (unsigned long long)phys, (unsigned long long)len);
    return NULL;
}

static void start_acpi_and_time(void)
{
    acpi_parse(boot_info.rsdp, boot_info.rsdp_length, boot_info.rsdp_revision,
               acpi_map, &boot_info, &acpi);
    acpi_log_summary(&acpi);
    power_init(&acpi);
    if (irq_init(&acpi) != E_OK)
        panic("no usable interrupt controller");
    if (time_init(&acpi) != E_OK)
        panic("no usable timer");
    irq_enable();

    struct rtc_time t;
    int err = rtc_read(&acpi, &t);
    if (err)
        log_warn("time: no valid real-time clock (%s)", error_name(err));
    else {
        time_set_realtime(rtc_to_unix(&t));
        log_info("time: %04d-%02d-%02d %02d:%02d:%02d UTC (unix %lld)", t.year,
                 t.month, t.day, t.hour, t.minute, t.second,
                 (long long)rtc_to_unix(&t));
    }
}

/* `make bench`: runs tests/ubench, whose output is the benchmark, with a
 * second copy serving its IPC round trips from another address space,
 * and ends the machine. */
static void run_benchmarks(const void *initrd, size_t initrd_size)
{
    static const char *const argv[] = { "ubench", NULL };
    static const char *const server_argv[] = { "ubench", "server", NULL };
    struct ustar_entry e;
    int err, h;
    struct process *p = NULL, *server = NULL;
    struct endpoint *ep = endpoint_create();
    if (ep && initrd && ustar_find(initrd, initrd_size, "tests/ubench", &e)) {
        p = process_load("ubench", e.data, e.size, argv, NULL, &err);
        server = process_load("ubench-server", e.data, e.size, server_argv, NULL, &err);
    }
    bool ready = p && server && cap_insert_root(p->cspace, &ep->obj, ATOM_RIGHT_WRITE, 0, &h) == E_OK &&
                 cap_insert_root(server->cspace, &ep->obj, ATOM_RIGHT_READ, 0, &h) == E_OK &&
                 process_start(server) == E_OK && process_start(p) == E_OK;
    int status = ready ? process_wait(p) : -1;
    log_info("bench: done (status %d)", status);
    arch_machine_exit(status == 0);
}

static void manifest_report(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_error("manifest: etc/boot.manifest: %s", line);
}

/* Makes the capability for one manifest entry; E_OK or why not. */
/* A read-only copy of the initrd in a memory object of its own, zero
 * after the archive: the module's last page may hold other boot data. */
static int initrd_memobj(const void *initrd, size_t size, struct kobject **obj)
{
    struct memobj *m;
    uint64_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!initrd || pages == 0)
        return E_INVAL;
    if (pages > ATOM_MEM_MAX_PAGES)
        return E_RANGE;
    int err = memobj_create_anon(pages, &m);
    if (err != E_OK)
        return err;
    for (uint64_t i = 0; i < pages; i++) {
        size_t n = size - i * PAGE_SIZE < PAGE_SIZE ? size - i * PAGE_SIZE : PAGE_SIZE;
        memcpy(phys_to_virt(memobj_frame(m, i)), (const char *)initrd + i * PAGE_SIZE, n);
    }
    *obj = &m->obj;
    return E_OK;
}

static int manifest_capability(const struct manifest_entry *e, const struct acpi_info *acpi_view,
                               const void *initrd, size_t initrd_size,
                               struct kobject **obj, uint32_t *rights, char *what, size_t size)
{
    uint32_t gsi;
    unsigned flags;
    *rights = ATOM_RIGHTS_ALL;
    switch (e->kind) {
    case MANIFEST_IRQ:
        fmt_snprintf(what, size, "irq %u", e->a);
        if (e->a == 0 || e->a == 2 || acpi_irq_to_gsi(acpi_view, (uint8_t)e->a, &gsi, &flags) != 0)
            return E_PERM; /* the timer and the cascade are the kernel's */
        return irq_cap_create(gsi, flags, obj);
    case MANIFEST_IOPORT:
        fmt_snprintf(what, size, "ioport %#x-%#x", e->a, e->a + e->b - 1);
        if (ioport_kernel_owned((uint16_t)e->a, e->b))
            return E_PERM;
        return ioport_create((uint16_t)e->a, e->b, obj);
    case MANIFEST_FRAMEBUFFER: {
        fmt_snprintf(what, size, "framebuffer");
        if (!boot_info.has_framebuffer)
            return E_INVAL;
        struct memobj *m;
        int err = memobj_create_framebuffer(&boot_info.fb, &m);
        if (err == E_OK)
            *obj = &m->obj;
        return err;
    }
    case MANIFEST_POWER:
        fmt_snprintf(what, size, "power");
        return power_create(obj);
    case MANIFEST_INITRD:
        fmt_snprintf(what, size, "initrd (%zu bytes, read-only)", initrd_size);
        *rights = ATOM_RIGHTS_ALL & ~ATOM_RIGHT_WRITE;
        return initrd_memobj(initrd, initrd_size, obj);
    }
    return E_INVAL;
}

/* The boot manifest: the device capabilities init starts with. */
static void give_devices(struct process *init, const void *initrd, size_t initrd_size,
                         const struct acpi_info *acpi_view)
{
    struct ustar_entry e;
    static struct manifest_entry entries[MANIFEST_MAX_ENTRIES];
    size_t count;
    if (!ustar_find(initrd, initrd_size, "etc/boot.manifest", &e)) {
        log_info("manifest: no etc/boot.manifest; init gets no devices");
        return;
    }
    if (manifest_parse((const char *)e.data, e.size, entries, MANIFEST_MAX_ENTRIES, &count, manifest_report,
                       NULL) != E_OK) {
        log_error("manifest: rejected; init gets no devices");
        return;
    }
    for (size_t i = 0; i < count; i++) {
        char what[48];
        struct kobject *obj = NULL;
        if (entries[i].kind == MANIFEST_FRAMEBUFFER && !boot_info.has_framebuffer) {
            log_info("manifest: no framebuffer to give init");
            continue;
        }
        int handle = -1;
        uint32_t rights;
        int err = manifest_capability(&entries[i], acpi_view, initrd, initrd_size, &obj, &rights,
                                      what, sizeof(what));
        if (err == E_OK) {
            err = cap_insert_root(init->cspace, obj, rights, 0, &handle);
            kobject_put(obj);
        }
        if (err == E_OK)
            log_info("manifest: init gets %s as handle %d", what, handle);
        else
            log_error("manifest: line %u: %s not given (%s)", entries[i].line, what,
                      error_name(err));
    }
}

/* init's environment: PATH, then every key=value option of the command
 * line that is not the kernel's own (keymap=de, say), as Linux passes
 * unknown options to init.  Keys are [a-z0-9_], values have no quotes
 * or spaces; anything else is left out with a warning. */
#define INIT_ENV_MAX 8
#define INIT_ENV_BYTES 64

struct init_env {
    const char *ptrs[INIT_ENV_MAX + 2];
    char text[INIT_ENV_MAX][INIT_ENV_BYTES];
    size_t count;
};

static bool init_env_add(void *ctx, const char *key, size_t key_len, const char *value,
                         size_t value_len)
{
    static const char *const kernel_keys[] = { "loglevel", "console", "init.conf" };
    struct init_env *env = ctx;
    if (!value)
        return true;
    for (size_t i = 0; i < sizeof(kernel_keys) / sizeof(kernel_keys[0]); i++)
        if (strlen(kernel_keys[i]) == key_len && memcmp(kernel_keys[i], key, key_len) == 0)
            return true;
    bool ok = key_len > 0 && key_len + value_len + 2 <= INIT_ENV_BYTES &&
              env->count < INIT_ENV_MAX;
    for (size_t i = 0; ok && i < key_len; i++)
        ok = (key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9') ||
             key[i] == '_';
    for (size_t i = 0; ok && i < value_len; i++)
        ok = value[i] > ' ' && value[i] < 0x7f && value[i] != '"';
    if (!ok) {
        log_warn("cmdline: option '%.*s' not passed to init", (int)key_len, key);
        return true;
    }
    fmt_snprintf(env->text[env->count], INIT_ENV_BYTES, "%.*s=%.*s", (int)key_len, key,
                 (int)value_len, value);
    env->ptrs[1 + env->count] = env->text[env->count];
    env->count++;
    return true;
}

/* bin/init from the initrd, with its devices, running the configuration
 * `conf` (NULL: its default, /etc/init.conf).  Returns it with a
 * reference for the caller, or NULL after logging why not. */
static struct process *spawn_init(const void *initrd, size_t initrd_size,
                                  const struct acpi_info *acpi_view, const char *conf)
{
    const char *argv[] = { "init", conf, NULL };
    static struct init_env env;
    env.count = 0;
    env.ptrs[0] = "PATH=/bin";
    cmdline_each(kernel_cmdline, init_env_add, &env);
    env.ptrs[1 + env.count] = NULL;
    const char *const *envp = env.ptrs;
    struct ustar_entry e;
    int err;
    if (!initrd || !ustar_find(initrd, initrd_size, "bin/init", &e)) {
        log_error("init: no bin/init in the initrd; nothing to run");
        return NULL;
    }
    struct process *p = process_load("init", e.data, e.size, argv, envp, &err);
    if (p) {
        give_devices(p, initrd, initrd_size, acpi_view);
        err = process_start(p);
        if (err != E_OK) {
            process_kill(p);
            kobject_put(&p->obj);
            p = NULL;
        }
    }
    if (err != E_OK)
        log_error("init: bin/init could not be started (%s)", error_name(err));
    return p;
}

/* The first user program.  `init.conf=PATH` on the command line becomes
 * its argument: the configuration to run instead of /etc/init.conf. */
static void start_init(const void *initrd, size_t initrd_size, const struct acpi_info *acpi_view)
{
    static char conf[128];
    bool given = cmdline_get(kernel_cmdline, "init.conf", conf, sizeof(conf)) > 0;
    struct process *p = spawn_init(initrd, initrd_size, acpi_view, given ? conf : NULL);
    if (p)
        kobject_put(&p->obj); /* init runs for ever; its threads keep it */
}

/* For the self-tests: init running another configuration. */
static struct process *selftest_start_init(const struct selftest_env *env, const char *conf)
{
    return spawn_init(env->initrd, env->initrd_size, env->acpi, conf);
}

static void kernel_main_late(void *stack_top)
{
    if (sched_init((uint64_t)(uintptr_t)stack_top) != E_OK)
        panic("out of memory for the scheduler");
    arch_syscall_init();
    start_framebuffer_console(&boot_info, kernel_cmdline);
    summarize_memory(&boot_info);
    mm_log_summary();
    summarize_framebuffer(&boot_info);
    summarize_firmware(&boot_info);
    start_acpi_and_time();
    if (sched_start_reaper() != E_OK)
        panic("out of memory for the reaper thread");

    size_t initrd_size = 0;
    const void *initrd = load_initrd(&boot_info, boot_info_phys, &initrd_size);

    log_info("atom: boot complete");

    if (selftest) {
        struct selftest_env env = { &boot_info, phys_to_virt(boot_info_phys),
                                    initrd, initrd_size, kernel_cmdline, &acpi,
                                    selftest_start_init };
        selftest_run_all(&env);
    }
    if (cmdline_has(kernel_cmdline, "bench"))
        run_benchmarks(initrd, initrd_size);
    start_init(initrd, initrd_size, &acpi);
    thread_exit(0); /* the idle thread and the processes take over */
}

void kernel_main(uint32_t magic, uint32_t info_phys)
{
    arch_early_init();
    arch_console_init();
    log_info("atom %s (%s) starting", ATOM_VERSION, ATOM_ARCH);

    if (magic != MB2_BOOTLOADER_MAGIC)
        panic("boot magic %#x is not Multiboot2's", magic);
    if (mb2_parse(phys_to_virt(info_phys), BOOT_MAPPED_LIMIT - info_phys,
                  &boot_info, report_warning, NULL) != 0)
        panic("the Multiboot2 boot information at %#x is unusable", info_phys);
    boot_info_phys = info_phys;

    kernel_cmdline = boot_info.cmdline ? boot_info.cmdline : "";
    selftest = cmdline_has(kernel_cmdline, "selftest");
    panic_set_exit_on_panic(selftest);
    apply_options(kernel_cmdline);

    log_info("boot: loader '%s', firmware %s",
             boot_info.bootloader ? boot_info.bootloader : "unknown",
             mb2_booted_uefi(&boot_info) ? "UEFI" : "BIOS");
    log_info("boot: command line '%s'", kernel_cmdline);
    log_debug("boot: %u tags in %u bytes at %#x", boot_info.tag_count,
              boot_info.total_size, info_phys);
    if (boot_info.errors)
        log_warn("boot: %u problems in the boot information (see above)",
                 boot_info.errors);

    if (mm_init(&boot_info, info_phys) != E_OK)
        panic("not enough usable memory to run the kernel");
    if (arch_cpu_init() != E_OK)
        panic("out of memory for the CPU's interrupt stacks");
    uint64_t stack = vm_stack_alloc(KERNEL_STACK_PAGES);
    if (!stack)
        panic("out of memory for the kernel stack");
    arch_switch_stack(stack, kernel_main_late, (void *)(uintptr_t)stack);
}
