/*
 * process.c: processes and program loading.
 *
 * process_spawn() validates the ELF image completely (elf_decode) before
 * it allocates anything, then builds the address space: each PT_LOAD
 * segment page by page with its own permissions (file bytes copied, the
 * rest zeroed), and a stack of USER_STACK_PAGES below USER_STACK_TOP with
 * nothing mapped under it, so an overflow faults.  The initial stack holds
 * argc, argv, envp and the auxiliary vector (ustack_build).  The process
 * owns every frame mapped in its space; they are freed with it.
 *
 * The process's thread starts in the kernel and drops to user mode at the
 * ELF entry point.  It ends by the exit system call or by a fault; either
 * way the status is recorded and process_wait() collects it and frees
 * everything once the thread is off the CPU.
 */
#include <arch/layout.h>
#include <kernel/arch.h>
#include <kernel/elf.h>
#include <kernel/error.h>
#include <kernel/fmt.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/pmm.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/user_stack.h>

#define STACK_BUILD_BYTES (USER_STACK_PAGES * PAGE_SIZE)

__attribute__((noreturn)) void arch_enter_user(uint64_t entry, uint64_t stack);

static int next_pid = 1;

static void report_elf(void *ctx, const char *fmt, ...)
{
    const char *name = ctx;
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_warn("process: %s: %s", name, line);
}

/* Maps `pages` fresh zeroed frames at va; on failure everything mapped by
 * this call stays mapped, to be freed with the space. */
static int map_fresh(struct vm_space *space, uint64_t va, size_t pages, unsigned prot)
{
    for (size_t i = 0; i < pages; i++) {
        uint64_t pa = pmm_alloc(0);
        if (pa == PMM_NONE)
            return E_NOMEM;
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        int err = vm_map(space, va + i * PAGE_SIZE, pa, 1, prot | VM_USER);
        if (err) {
            pmm_free(pa, 0);
            return err;
        }
    }
    return E_OK;
}

/* Copies bytes into the user space being built, through the direct map
 * (the space is not the current one). */
static void copy_into(struct vm_space *space, uint64_t va, const uint8_t *src, size_t len)
{
    while (len) {
        uint64_t pa;
        unsigned prot;
        vm_translate(space, va, &pa, &prot); /* mapped by map_fresh */
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(phys_to_virt(pa), src, chunk);
        va += chunk;
        src += chunk;
        len -= chunk;
    }
}

static int load_segments(struct vm_space *space, const struct elf_image *img,
                         const uint8_t *file)
{
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t start = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        /* Mapped writable by nobody but the kernel's copy below: the
         * permissions are the segment's own from the start. */
        int err = map_fresh(space, start, (end - start) / PAGE_SIZE, s->prot);
        if (err)
            return err;
        copy_into(space, s->vaddr, file + s->offset, s->filesz);
    }
    return E_OK;
}

static void random_bytes(uint8_t out[16])
{
    /* No entropy source yet: mix the cycle counter.  Enough for AT_RANDOM
     * to differ between processes, not for cryptography. */
    uint64_t x = time_monotonic_ns() ^ 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (uint8_t)x;
    }
}

static int build_stack(struct process *p, const struct elf_image *img,
                       const char *const argv[], const char *const envp[])
{
    int err = map_fresh(p->space, USER_STACK_TOP - STACK_BUILD_BYTES, USER_STACK_PAGES,
                        VM_READ | VM_WRITE);
    if (err)
        return err;
    uint8_t *buf = kmalloc(STACK_BUILD_BYTES);
    if (!buf)
        return E_NOMEM;
    const struct ustack_aux aux[] = {
        { AT_PHDR, img->phdr_vaddr }, { AT_PHENT, img->phentsize },
        { AT_PHNUM, img->phnum },     { AT_PAGESZ, PAGE_SIZE },
        { AT_ENTRY, img->entry },
    };
    uint8_t random[16];
    random_bytes(random);
    static const char *const empty[] = { NULL };
    uint64_t sp;
    err = ustack_build(buf, STACK_BUILD_BYTES, USER_STACK_TOP, argv ? argv : empty,
                       envp ? envp : empty, aux, sizeof(aux) / sizeof(aux[0]), random, &sp);
    if (err == E_OK) {
        copy_into(p->space, sp, buf + STACK_BUILD_BYTES - (USER_STACK_TOP - sp),
                  USER_STACK_TOP - sp);
        p->initial_sp = sp;
    }
    kfree(buf);
    return err;
}

static int user_thread_start(void *arg)
{
    struct process *p = arg;
    arch_enter_user(p->entry, p->initial_sp);
}

static void process_free(struct process *p)
{
    if (p->space)
        vm_space_destroy_with_frames(p->space);
    kfree(p);
}

struct process *process_spawn(const char *name, const void *elf, size_t size,
                              const char *const argv[], const char *const envp[],
                              int *err)
{
    struct elf_image img;
    *err = elf_decode(elf, size, &img, report_elf, (void *)name);
    if (*err)
        return NULL;

    struct process *p = kzalloc(sizeof(*p));
    if (!p) {
        *err = E_NOMEM;
        return NULL;
    }
    strlcpy(p->name, name, sizeof(p->name));
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    p->entry = img.entry;
    *err = vm_space_create(&p->space);
    if (!*err)
        *err = load_segments(p->space, &img, elf);
    if (!*err)
        *err = build_stack(p, &img, argv, envp);
    if (!*err) {
        p->main_thread = thread_create_user(p->name, user_thread_start, p, p);
        if (!p->main_thread)
            *err = E_NOMEM;
    }
    if (*err) {
        log_warn("process: %s: cannot start (%s)", name, error_name(*err));
        process_free(p);
        return NULL;
    }
    log_debug("process %d (%s) started: entry %#llx, stack %#llx", p->pid, p->name,
              (unsigned long long)p->entry, (unsigned long long)p->initial_sp);
    return p;
}

void process_exit_current(int status)
{
    struct thread *t = thread_current();
    struct process *p = t->process;
    if (p) {
        p->exit_status = status;
        p->faulted = status == PROCESS_EXIT_FAULT;
    }
    thread_exit(status);
}

int process_wait(struct process *p)
{
    thread_join(p->main_thread);
    int status = p->exit_status;
    process_free(p);
    return status;
}

void process_log_output(struct process *p, const char *text, size_t len)
{
    const char *name = p ? p->name : "?";
    int pid = p ? p->pid : 0;
    while (len) {
        size_t n = 0;
        while (n < len && text[n] != '\n')
            n++;
        if (n > 0)
            log_info("%s[%d]: %.*s", name, pid, (int)n, text);
        if (n < len)
            n++; /* the newline */
        text += n;
        len -= n;
    }
}

void process_switch_space(struct thread *next)
{
    if (next->process)
        vm_space_switch(next->process->space);
}
