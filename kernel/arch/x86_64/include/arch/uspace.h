/* x86_64 user-mode plumbing shared by cpu.c and uspace.c. */
#ifndef ARCH_USPACE_H
#define ARCH_USPACE_H

#include <arch/cpu_frame.h>
#include <stdbool.h>
#include <stdint.h>

/* If the kernel faulted inside a user-copy routine, points the frame at
 * its fixup and returns true. */
bool usercopy_fixup(struct cpu_frame *f);

/* Stops the current process after a fault in user mode. */
__attribute__((noreturn)) void user_fault(struct cpu_frame *f, const char *what,
                                          uint64_t address);

#endif
