/* Interrupt routing inside the kernel (kernel/arch/<arch>/irq.c).
 *
 * Vectors: 0-31 CPU exceptions, 32-47 the legacy PIC (masked; only its
 * spurious interrupts arrive), 48-239 device interrupts by global system
 * interrupt number (GSI), 240-254 the kernel's own (timer, later IPIs),
 * 255 the APIC's spurious vector.  A handler runs with interrupts off and
 * the interrupt acknowledged after it returns. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/acpi.h>
#include <stdbool.h>
#include <stdint.h>

#define IRQ_VECTOR_GSI_BASE 48
#define IRQ_MAX_GSI         (240 - IRQ_VECTOR_GSI_BASE)
#define IRQ_VECTOR_TIMER    240
#define IRQ_VECTOR_SPURIOUS 255

typedef void (*irq_handler_t)(void *ctx);

/* Brings up the interrupt controllers from the ACPI view (or its
 * fallback): legacy PIC remapped and masked, local APIC enabled, every
 * I/O APIC input masked.  Returns 0 or a negative error. */
int irq_init(const struct acpi_info *acpi);

/* Routes a GSI to the boot CPU and installs its handler (unmasked). */
int irq_attach_gsi(uint32_t gsi, unsigned acpi_flags, irq_handler_t fn, void *ctx);
int irq_detach_gsi(uint32_t gsi);
/* Masks or unmasks an attached GSI (user-space drivers acknowledge by
 * unmasking once they have serviced the device). */
int irq_set_masked(uint32_t gsi, bool masked);

/* Installs a handler for one of the kernel's own vectors (240-254). */
int irq_set_local_handler(unsigned vector, irq_handler_t fn, void *ctx);

void irq_enable(void);
void irq_disable(void);
/* Saves the interrupt flag and disables; restore puts it back. */
unsigned long irq_save(void);
void irq_restore(unsigned long flags);

/* Counters for the log and the tests. */
struct irq_stats {
    uint64_t spurious_apic;
    uint64_t spurious_pic;
    uint64_t by_vector[256];
};
const struct irq_stats *irq_stats(void);

/* The local APIC's ID of this CPU. */
uint32_t irq_cpu_id(void);

#endif
