/* Device capabilities (kernel/object/irq_cap.c, kernel/arch/<arch>/
 * ioport.c): the kernel objects that let a user-space driver reach its
 * hardware.  Only the kernel creates them, at boot, for the boot manifest
 * to hand out (kernel/proc/manifest.c). */
#ifndef KERNEL_DEVICE_H
#define KERNEL_DEVICE_H

#include <kernel/cap.h>
#include <stdbool.h>
#include <stdint.h>

/* An interrupt line (a GSI with its ACPI trigger flags), not yet bound. */
int irq_cap_create(uint32_t gsi, unsigned acpi_flags, struct kobject **out);
/* I/O ports base .. base+count-1 (x86). */
int ioport_create(uint16_t base, uint32_t count, struct kobject **out);
/* Whether any of those ports is one the kernel drives itself (never
 * handed out). */
bool ioport_kernel_owned(uint16_t base, uint32_t count);

#endif
