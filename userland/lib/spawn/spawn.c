/*
 * spawn.c: building a process from an ELF file in user space.
 *
 * The steps mirror the kernel's own loader (kernel/proc/process.c), with
 * system calls instead of kernel functions:
 *
 *   1. elf_decode() checks the whole file first;
 *   2. ATOM_SYS_PROCESS_CREATE makes an empty process and address space;
 *   3. each loadable segment becomes a fresh memory object, mapped for a
 *      moment into our own space at SCRATCH_VA to copy the file's bytes
 *      in, then mapped into the child with the segment's permissions only
 *      (the child never sees it writable unless the segment is);
 *   4. the stack is built the same way, by ustack_build();
 *   5. the grants are copied in, so the program finds them from handle 2;
 *   6. ATOM_SYS_THREAD_CREATE starts the main thread.
 *
 * Any failure kills the half-built process and deletes every handle made
 * on the way.  The child's memory objects live on in its mappings only.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <atom/cap.h>
#include <atom/errors.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>
#include <atom/syscall.h>
#include <kernel/elf.h>
#include <kernel/error.h>
#include <kernel/user_stack.h>
#include <kernel/vm.h>

#include "spawn.h"

#define PAGE 4096ull
/* Where this process maps a child's pages while filling them: far from
 * the program, the heap, the stacks and the IPC buffers. */
#define SCRATCH_VA 0x0000600000000000ull
/* The child's stack, as the kernel lays out the programs it loads. */
#define STACK_TOP   0x00007FFFFFFF0000ull
#define STACK_PAGES 16ull

#define SELF_SPACE 1 /* handle 1: our own address space */

static void report_elf(void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "spawn: %s: ", (const char *)ctx);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static unsigned prot_of(unsigned vm_prot)
{
    return ATOM_PROT_READ | (vm_prot & VM_WRITE ? ATOM_PROT_WRITE : 0) |
           (vm_prot & VM_EXEC ? ATOM_PROT_EXEC : 0);
}

/* A fresh memory object of `pages`, filled by fill(buf, ctx) while mapped
 * here, then mapped at `va` in `space` with `prot`. */
static long place(long space, uint64_t va, uint64_t pages, unsigned prot,
                  long (*fill)(uint8_t *buf, void *ctx), void *ctx)
{
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, (long)pages, 0, 0);
    if (mem < 0)
        return mem;
    long r = atom_syscall6(ATOM_SYS_MEM_MAP, SELF_SPACE, mem, (long)SCRATCH_VA, 0, (long)pages,
                           ATOM_PROT_READ | ATOM_PROT_WRITE);
    if (r == 0) {
        r = fill((uint8_t *)(uintptr_t)SCRATCH_VA, ctx);
        atom_syscall3(ATOM_SYS_MEM_UNMAP, SELF_SPACE, (long)SCRATCH_VA, (long)pages);
    }
    if (r == 0)
        r = atom_syscall6(ATOM_SYS_MEM_MAP, space, mem, (long)va, 0, (long)pages, prot);
    atom_syscall1(ATOM_SYS_CAP_DELETE, mem); /* the mapping keeps it */
    return r;
}

struct segment_fill {
    const uint8_t *file;
    const struct elf_segment *s;
};

static long fill_segment(uint8_t *buf, void *ctx)
{
    const struct segment_fill *f = ctx;
    memcpy(buf + (f->s->vaddr & (PAGE - 1)), f->file + f->s->offset, f->s->filesz);
    return 0;
}

struct stack_fill {
    const struct elf_image *img;
    const struct spawn_request *req;
    uint64_t sp;
};

/* Not for cryptography (there is no entropy source yet), only so that
 * AT_RANDOM differs between processes, as the kernel's loader does. */
static void random_bytes(uint8_t out[16])
{
    uint64_t x = 0;
    atom_syscall1(ATOM_SYS_CLOCK_NS, (long)&x);
    x ^= 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (uint8_t)x;
    }
}

static long fill_stack(uint8_t *buf, void *ctx)
{
    struct stack_fill *f = ctx;
    struct ustack_aux aux[5 + SPAWN_MAX_AUX] = {
        { AT_PHDR, f->img->phdr_vaddr }, { AT_PHENT, f->img->phentsize },
        { AT_PHNUM, f->img->phnum },     { AT_PAGESZ, PAGE },
        { AT_ENTRY, f->img->entry },
    };
    size_t naux = 5;
    for (size_t i = 0; i < f->req->aux_count; i++)
        aux[naux++] = f->req->aux[i];
    uint8_t random[16];
    random_bytes(random);
    int err = ustack_build(buf, STACK_PAGES * PAGE, STACK_TOP, f->req->argv, f->req->envp, aux,
                           naux, random, &f->sp);
    return err == E_OK ? 0 : -ATOM_E2BIG;
}

static long build(const struct spawn_request *req, const struct elf_image *img, long process,
                  long space)
{
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t start = s->vaddr & ~(PAGE - 1);
        uint64_t end = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
        struct segment_fill f = { req->elf, s };
        long r = place(space, start, (end - start) / PAGE, prot_of(s->prot), fill_segment, &f);
        if (r < 0)
            return r;
    }
    struct stack_fill sf = { img, req, 0 };
    long r = place(space, STACK_TOP - STACK_PAGES * PAGE, STACK_PAGES,
                   ATOM_PROT_READ | ATOM_PROT_WRITE, fill_stack, &sf);
    if (r < 0)
        return r;
    for (size_t i = 0; i < req->grant_count; i++) {
        r = atom_syscall3(ATOM_SYS_PROCESS_GRANT, process, req->grants[i], 0);
        if (r < 0)
            return r;
    }
    long thread = atom_syscall6(ATOM_SYS_THREAD_CREATE, process, (long)img->entry, (long)sf.sp, 0,
                                req->priority, 0);
    if (thread < 0)
        return thread;
    atom_syscall1(ATOM_SYS_CAP_DELETE, thread);
    return 0;
}

static bool request_ok(const struct spawn_request *req)
{
    return req && req->name && req->grant_count <= SPAWN_MAX_GRANTS &&
           (!req->grant_count || req->grants) && req->aux_count <= SPAWN_MAX_AUX &&
           (!req->aux_count || req->aux) && req->priority <= ATOM_PRIORITY_MAX;
}

int spawn_create(const struct spawn_request *req, struct spawn_result *out)
{
    if (!request_ok(req) || !out)
        return -ATOM_EINVAL;
    struct atom_process_handles h;
    long r = atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)req->name, (long)strlen(req->name),
                           req->supervisor, 0, (long)&h, 0);
    if (r < 0)
        return (int)r;
    out->process = h.process;
    out->address_space = h.address_space;
    out->pid = h.pid;
    return 0;
}

int spawn_load(const struct spawn_request *req, const struct spawn_result *proc)
{
    if (!request_ok(req) || !proc || !req->elf)
        return -ATOM_EINVAL;
    static struct elf_image img; /* large; one spawn at a time */
    if (elf_decode(req->elf, req->elf_size, &img, report_elf, (void *)req->name) != E_OK)
        return -ATOM_ENOEXEC;
    return (int)build(req, &img, proc->process, proc->address_space);
}

void spawn_discard(const struct spawn_result *proc)
{
    atom_syscall1(ATOM_SYS_PROCESS_KILL, proc->process);
    atom_syscall1(ATOM_SYS_CAP_DELETE, proc->process);
    atom_syscall1(ATOM_SYS_CAP_DELETE, proc->address_space);
}

int spawn(const struct spawn_request *req, struct spawn_result *out)
{
    if (!request_ok(req) || !out || !req->elf)
        return -ATOM_EINVAL;
    int r = spawn_create(req, out);
    if (r < 0)
        return r;
    r = spawn_load(req, out);
    if (r < 0)
        spawn_discard(out);
    return r;
}
