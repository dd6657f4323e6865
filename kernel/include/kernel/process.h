/* Processes (kernel/proc/process.c): an address space, its threads and an
 * exit status. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <kernel/thread.h>
#include <kernel/vm.h>
#include <stdint.h>

#define PROCESS_NAME_MAX 32

struct process {
    int pid;
    char name[PROCESS_NAME_MAX];
    struct vm_space *space;
    struct thread *main_thread;
    int exit_status;
    bool exited;
};

/* Switches to next's address space if it is a user thread's (kernel
 * threads run in whatever space is loaded: they use the kernel half). */
void process_switch_space(struct thread *next);

#endif
