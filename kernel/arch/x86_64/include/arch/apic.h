/* Local APIC registers, shared by irq.c and timer.c. */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <stdint.h>

#define LAPIC_ID          0x020
#define LAPIC_VERSION     0x030
#define LAPIC_TPR         0x080
#define LAPIC_EOI         0x0B0
#define LAPIC_SVR         0x0F0
#define LAPIC_ISR_BASE    0x100
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_COUNT 0x390
#define LAPIC_TIMER_DIV   0x3E0

#define LVT_MASKED        (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define LVT_NMI           (4u << 8)
#define LVT_LEVEL         (1u << 15)
#define LVT_ACTIVE_LOW    (1u << 13)

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
void lapic_eoi(void);

#endif
