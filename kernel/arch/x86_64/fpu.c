/*
 * fpu.c: floating-point and vector state of threads.
 *
 * The kernel itself never touches x87/SSE registers (it is built with
 * -mgeneral-regs-only), so their contents always belong to the current
 * thread; the context switch saves the old thread's and restores the new
 * one's every time (eager switching: simple, and immune to the lazy-FPU
 * leaks).  XSAVE is used where the CPU has it, covering AVX and later
 * state the OS enables; otherwise FXSAVE's legacy 512-byte area.
 */
#include <arch/io.h>
#include <kernel/arch.h>
#include <kernel/string.h>

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE    (1ull << 18)
#define XCR0_X87 1ull
#define XCR0_SSE 2ull
#define XCR0_AVX 4ull
#define FXSAVE_SIZE 512
#define MXCSR_DEFAULT 0x1F80
#define FCW_DEFAULT 0x037F

bool arch_fpu_use_xsave;
uint64_t arch_fpu_xcr0;
static size_t state_size = FXSAVE_SIZE;

void arch_fpu_init(void)
{
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;

    uint32_t r[4];
    cpuid(1, 0, r);
    if (r[2] & (1u << 26)) { /* XSAVE */
        cr4 |= CR4_OSXSAVE;
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
        cpuid(0xD, 0, r);
        uint64_t supported = (uint64_t)r[3] << 32 | r[0];
        arch_fpu_xcr0 = XCR0_X87 | XCR0_SSE | (supported & XCR0_AVX);
        __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)arch_fpu_xcr0),
                         "d"((uint32_t)(arch_fpu_xcr0 >> 32)));
        cpuid(0xD, 0, r);
        state_size = r[1]; /* size for the features now enabled */
        arch_fpu_use_xsave = true;
    } else {
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    }
    __asm__ volatile("fninit");
}

size_t arch_fpu_state_size(void)
{
    return state_size;
}

/* The state a new thread starts with: x87 and SSE at their reset values.
 * An all-zero XSAVE header means "initial state" for every component. */
void arch_fpu_state_init(void *area)
{
    uint8_t *a = area;
    memset(a, 0, state_size);
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memcpy(a + 0, &fcw, 2);
    memcpy(a + 24, &mxcsr, 4);
    if (arch_fpu_use_xsave) {
        uint64_t xstate_bv = XCR0_X87 | XCR0_SSE; /* take the values above */
        memcpy(a + 512, &xstate_bv, 8);
    }
}

void arch_fpu_save(void *area)
{
    if (arch_fpu_use_xsave)
        __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)arch_fpu_xcr0),
                         "d"((uint32_t)(arch_fpu_xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
    if (arch_fpu_use_xsave)
        __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)arch_fpu_xcr0),
                         "d"((uint32_t)(arch_fpu_xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
