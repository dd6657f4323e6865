/* The power object (kernel/object/power.c): the capability to restart or
 * switch off the machine, made only for the boot manifest's `power` line.
 * The work is the architecture's (arch_power_off, arch_reboot) with what
 * the firmware tables say. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <kernel/cap.h>

struct acpi_info;

/* Remembers the parsed ACPI tables (kept for the kernel's lifetime). */
void power_init(const struct acpi_info *acpi);
int power_create(struct kobject **out);

#endif
