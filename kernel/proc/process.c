/*
 * process.c: processes.  A process is an address space with the threads
 * that run in it; the scheduler asks it for the space to load on a switch.
 */
#include <kernel/process.h>

void process_switch_space(struct thread *next)
{
    if (next->process)
        vm_space_switch(next->process->space);
}
