/* The register frame isr.S builds on the stack for an exception. */
#ifndef ARCH_CPU_FRAME_H
#define ARCH_CPU_FRAME_H

#include <stdint.h>

struct cpu_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

_Static_assert(sizeof(struct cpu_frame) == 22 * 8, "frame layout matches isr.S");

#endif
