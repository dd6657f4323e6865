/* Processes (kernel/proc/process.c): an address space, the thread that
 * runs in it, and its exit status.  The kernel loads programs from ELF
 * images (the initrd, for now) and reaps them with process_wait(). */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <kernel/thread.h>
#include <kernel/vm.h>
#include <stdint.h>

#define PROCESS_NAME_MAX   32
#define PROCESS_EXIT_FAULT (-1) /* exit status of a process stopped by a fault */
#define USER_STACK_TOP     0x00007FFFFFFF0000ull
#define USER_STACK_PAGES   16

struct process {
    int pid;
    char name[PROCESS_NAME_MAX];
    struct vm_space *space;
    struct thread *main_thread;
    uint64_t entry;
    uint64_t initial_sp;
    int exit_status;
    bool faulted;
};

/* Loads an ELF image into a new process and starts it with argv and envp
 * (NULL-terminated).  Returns the process, or NULL with *err set (and the
 * reason logged) if the image is invalid or memory runs out. */
struct process *process_spawn(const char *name, const void *elf, size_t size,
                              const char *const argv[], const char *const envp[],
                              int *err);

/* Waits for the process to end, frees it and returns its exit status
 * (PROCESS_EXIT_FAULT if a fault stopped it). */
int process_wait(struct process *p);

/* Ends the calling thread's process. */
__attribute__((noreturn)) void process_exit_current(int status);

/* Writes a process's debug output to the kernel log, line by line. */
void process_log_output(struct process *p, const char *text, size_t len);

/* Switches to next's address space if it is a user thread's (kernel
 * threads run in whatever space is loaded: they use the kernel half). */
void process_switch_space(struct thread *next);

#endif
