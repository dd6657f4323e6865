/* Starting programs from user space (spawn.c): what init, and later the
 * process server, use to turn an ELF file in memory into a running
 * process built with the kernel's process, memory and thread calls.
 *
 * The file is checked by the kernel's own ELF validator (kernel/proc/elf.c,
 * compiled into this library), so user space accepts exactly what the
 * kernel's loader accepts, and the initial stack is laid out by the
 * kernel's builder (kernel/proc/user_stack.c): a spawned program starts as
 * docs/abi.md's "Process start-up" says, with handles 0 and 1 and then the
 * granted capabilities from handle 2 on, in order. */
#ifndef SPAWN_H
#define SPAWN_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/user_stack.h>

#define SPAWN_MAX_GRANTS 16
#define SPAWN_MAX_AUX    8

struct spawn_request {
    const char *name;             /* the process's name (1..31 bytes) */
    const void *elf;              /* the program file... */
    size_t elf_size;              /* ...and its size */
    const char *const *argv;      /* NULL-terminated; NULL for none */
    const char *const *envp;      /* NULL-terminated; NULL for none */
    long supervisor;              /* endpoint for its exit and fault messages
                                     (they carry this capability's badge), or -1 */
    const long *grants;           /* the caller's handles, copied into the child */
    size_t grant_count;           /* at most SPAWN_MAX_GRANTS */
    const struct ustack_aux *aux; /* extra auxiliary-vector entries... */
    size_t aux_count;             /* ...at most SPAWN_MAX_AUX */
    unsigned priority;            /* of its main thread */
};

struct spawn_result {
    long process;                 /* the caller's handles to the new process... */
    long address_space;           /* ...and its address space */
    int pid;                      /* its process ID */
};

/* Builds and starts the process.  Returns 0, or a negated ATOM_E* error
 * with nothing left behind: ENOEXEC for a file the validator refuses
 * (the reason is written to standard error), E2BIG for arguments that do
 * not fit the initial stack, EINVAL for a bad request, or the error of
 * the system call that failed. */
int spawn(const struct spawn_request *req, struct spawn_result *out);

/* The same in two steps, for a caller that needs the pid before the
 * program is loaded: spawn_create() makes the empty process (name and
 * supervisor from req), spawn_load() fills and starts it.  If
 * spawn_load() fails the caller ends the process with spawn_discard(). */
int spawn_create(const struct spawn_request *req, struct spawn_result *out);
int spawn_load(const struct spawn_request *req, const struct spawn_result *proc);
void spawn_discard(const struct spawn_result *proc);

/* A report callback for the kernel's parsers compiled in here (ustar,
 * manifest): "<ctx><message>\n" on standard error, ctx being a prefix
 * string such as "init: " (klog.c). */
void spawn_report(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
