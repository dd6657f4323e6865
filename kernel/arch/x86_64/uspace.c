/*
 * uspace.c: the x86_64 side of user mode: the SYSCALL MSRs, recovery from
 * faults inside the user-copy routines, and what happens when user code
 * faults: the process is stopped, the kernel goes on.
 */
#include <arch/cpu_frame.h>
#include <arch/io.h>
#include <kernel/arch.h>
#include <kernel/ksyms.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <arch/uspace.h>

#define MSR_EFER  0xC0000080
#define MSR_STAR  0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_FMASK 0xC0000084
#define EFER_SCE  1ull
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_AC (1ull << 18)
#define KERNEL_CS 0x08
#define USER_BASE 0x10 /* SYSRET: SS = base + 8, CS = base + 16 */

extern const uint64_t usercopy_fixups[], usercopy_fixups_end[];
void syscall_entry(void);

void arch_syscall_init(void)
{
    wrmsr(MSR_STAR, (uint64_t)USER_BASE << 48 | (uint64_t)KERNEL_CS << 32);
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    /* Enter with interrupts, single-stepping, string direction and SMAP's
     * access override all cleared. */
    wrmsr(MSR_FMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

bool usercopy_fixup(struct cpu_frame *f)
{
    for (const uint64_t *e = usercopy_fixups; e < usercopy_fixups_end; e += 2) {
        if (f->rip == e[0]) {
            f->rip = e[1];
            return true;
        }
    }
    return false;
}

__attribute__((noreturn)) void user_fault(struct cpu_frame *f, const char *what,
                                          uint64_t address)
{
    process_fault_current(what, f->vector, f->error_code, address, f->rip);
}

void syscall_bad_return(uint64_t rip);

void syscall_bad_return(uint64_t rip)
{
    process_fault_current("system call returning to a non-canonical address", 13, 0, rip, rip);
}
