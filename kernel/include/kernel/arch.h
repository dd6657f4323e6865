/* Hooks every architecture provides (ToaruOS style): generic code calls
 * these and never reaches into kernel/arch/ directly. */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CPU tables (GDT, IDT) and the switch to kernel-only mappings. */
void arch_early_init(void);

/* Per-CPU tables that need allocated memory (the TSS and its separate
 * stacks for double faults, NMIs and machine checks); after vm_init. */
int arch_cpu_init(void);

/* Continues in fn(arg) on the stack whose top is given; never returns. */
__attribute__((noreturn)) void arch_switch_stack(uint64_t top,
                                                 void (*fn)(void *), void *arg);

/* FPU/vector state of threads: turned on once per CPU, then saved and
 * restored at every switch in a buffer of arch_fpu_state_size() bytes
 * (64-byte aligned). */
void arch_fpu_init(void);
size_t arch_fpu_state_size(void);
void arch_fpu_state_init(void *area);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* Prepares a new thread's kernel stack so that switching to it calls
 * entry(arg) with interrupts on; returns the stack pointer to switch to. */
uint64_t arch_thread_stack_init(uint64_t top, int (*entry)(void *), void *arg);
/* Saves callee-saved state on the current stack into *save_sp and resumes
 * the thread whose stack pointer is load_sp. */
void arch_context_switch(uint64_t *save_sp, uint64_t load_sp);
/* At a thread switch (inline, in <arch/switch.h>):
 *   arch_set_kernel_stack(top)   the stack the CPU enters the kernel on
 *                                from user mode;
 *   arch_space_switch(root)      loads a space's page tables, named by
 *                                vm_space_root();
 *   arch_fpu_switch(save, load)  saves one FPU state and loads another. */
#include <arch/switch.h>

/* System-call entry for this CPU (needs per-CPU data set up). */
void arch_syscall_init(void);

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

struct acpi_info;

/* Switches the machine off (ACPI S5, else a hypervisor's fixed ports);
 * returns only if nothing worked.  `acpi` may lack a FADT. */
void arch_power_off(const struct acpi_info *acpi);
/* Restarts the machine (ACPI reset register, the chipset's reset port,
 * the keyboard controller, a triple fault); never returns. */
__attribute__((noreturn)) void arch_reboot(const struct acpi_info *acpi);

/* Ends the machine with a status for the test harness (QEMU's
 * isa-debug-exit device); halts if there is no such device. */
__attribute__((noreturn)) void arch_machine_exit(bool success);

#endif
