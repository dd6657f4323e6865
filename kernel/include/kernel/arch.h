/* Hooks every architecture provides (ToaruOS style): generic code calls
 * these and never reaches into kernel/arch/ directly. */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* CPU tables (GDT, IDT) and the switch to kernel-only mappings. */
void arch_early_init(void);

/* Per-CPU tables that need allocated memory (the TSS and its separate
 * stacks for double faults, NMIs and machine checks); after vm_init. */
int arch_cpu_init(void);

/* Continues in fn(arg) on the stack whose top is given; never returns. */
__attribute__((noreturn)) void arch_switch_stack(uint64_t top,
                                                 void (*fn)(void *), void *arg);

/* The early console(s) of the platform, e.g. COM1 on a PC. */
void arch_console_init(void);


/* Physical range occupied by the kernel image, for overlap checks. */
void arch_kernel_image(uint64_t *start, uint64_t *end);

void arch_interrupts_disable(void);
__attribute__((noreturn)) void arch_halt_forever(void);

/* Calls fn for up to `depth` return addresses found by walking the frame
 * chain from `frame` (a frame pointer), numbering them from 1; stops at the
 * first frame that does not look like one of the kernel's. */
void arch_stack_walk(uint64_t frame, unsigned depth,
                     void (*fn)(void *ctx, unsigned depth, uint64_t pc),
                     void *ctx);

/* Ends the machine with a status for the test harness (QEMU's
 * isa-debug-exit device); halts if there is no such device. */
__attribute__((noreturn)) void arch_machine_exit(bool success);

#endif
