/* What a thread switch changes in the CPU (sched.c): the stack it enters
 * the kernel on from user mode (the TSS's rsp0), the page tables and the
 * FPU/vector state.  Inline because every IPC round trip switches twice;
 * cpu.c sets up the TSS and fpu.c chooses XSAVE or FXSAVE at boot. */
#ifndef ARCH_SWITCH_H
#define ARCH_SWITCH_H

#include <arch/io.h>
#include <stdbool.h>
#include <stdint.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

extern struct tss arch_boot_tss;
extern bool arch_fpu_use_xsave;
extern uint64_t arch_fpu_xcr0;

static inline void arch_set_kernel_stack(uint64_t top)
{
    arch_boot_tss.rsp[0] = top;
}

/* Loads the page tables whose root arch_space_root() gave, unless they
 * are loaded already (a reload would flush the TLB for nothing). */
static inline void arch_space_switch(uint64_t root)
{
    if (read_cr3() != root)
        write_cr3(root);
}

static inline void arch_fpu_switch(void *save, const void *load)
{
    uint32_t lo = (uint32_t)arch_fpu_xcr0, hi = (uint32_t)(arch_fpu_xcr0 >> 32);
    if (arch_fpu_use_xsave) {
        __asm__ volatile("xsave64 (%0)" : : "r"(save), "a"(lo), "d"(hi) : "memory");
        __asm__ volatile("xrstor64 (%0)" : : "r"(load), "a"(lo), "d"(hi) : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)" : : "r"(save) : "memory");
        __asm__ volatile("fxrstor64 (%0)" : : "r"(load) : "memory");
    }
}

#endif
