/*
 * irq_selftest.c: self-tests of interrupt routing on a PC: a device
 * interrupt travels from the RTC through the I/O APIC (with ACPI's
 * override for ISA IRQ 8) to its handler, and spurious interrupts of the
 * local APIC and the 8259 are recognised without being acknowledged as
 * real ones.
 */
#include <arch/io.h>
#include <kernel/error.h>
#include <kernel/irq.h>
#include <kernel/selftest.h>
#include <kernel/time.h>

#define RTC_A      0x0A
#define RTC_B      0x0B
#define RTC_C      0x0C
#define RTC_PIE    0x40
#define RTC_RATE_1024HZ 0x06

static void rtc_tick(void *ctx)
{
    (*(volatile unsigned *)ctx)++;
    (void)cmos_read(RTC_C); /* acknowledge, or the RTC stays silent */
}

SELFTEST(irq_ioapic_routes_rtc_interrupt)
{
    static volatile unsigned count;
    uint32_t gsi;
    unsigned flags;
    if (!env->acpi->cmos_rtc)
        return NULL;
    if (acpi_irq_to_gsi(env->acpi, 8, &gsi, &flags) != 0)
        return "ISA IRQ 8 has no GSI";
    if (irq_attach_gsi(gsi, flags, rtc_tick, (void *)&count) != E_OK)
        return "cannot route the RTC interrupt";
    if (irq_attach_gsi(gsi, flags, rtc_tick, (void *)&count) != E_BUSY)
        return "a second handler for the same GSI was accepted";

    unsigned long saved = irq_save();
    cmos_write(RTC_A, (uint8_t)((cmos_read(RTC_A) & 0xF0) | RTC_RATE_1024HZ));
    cmos_write(RTC_B, cmos_read(RTC_B) | RTC_PIE);
    (void)cmos_read(RTC_C);
    irq_enable();
    uint64_t start = time_monotonic_ns();
    while (count < 8 && time_monotonic_ns() - start < 500000000ull)
        __asm__ volatile("hlt");
    irq_disable();
    cmos_write(RTC_B, cmos_read(RTC_B) & ~RTC_PIE);
    (void)cmos_read(RTC_C);
    irq_detach_gsi(gsi);
    irq_restore(saved);
    return count >= 8 ? NULL : "fewer than 8 RTC interrupts arrived in 500 ms";
}

SELFTEST(irq_spurious_interrupts_are_recognised)
{
    const struct irq_stats *st = irq_stats();
    uint64_t apic = st->spurious_apic, pic = st->spurious_pic;
    __asm__ volatile("int $0xFF"); /* the local APIC's spurious vector */
    __asm__ volatile("int $0x27"); /* the 8259's IRQ 7, not in service */
    __asm__ volatile("int $0x2F"); /* the slave's IRQ 15, not in service */
    if (st->spurious_apic != apic + 1)
        return "an APIC spurious interrupt was not counted";
    if (st->spurious_pic != pic + 2)
        return "8259 spurious interrupts were not counted";
    return NULL;
}
