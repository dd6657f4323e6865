/* Time (kernel/arch/<arch>/timer.c, kernel/arch/<arch>/rtc.c).
 *
 * A monotonic clock in nanoseconds since boot, a periodic tick for the
 * scheduler, busy-wait delays, and the wall-clock time read from the
 * battery-backed clock at boot. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/acpi.h>
#include <stdbool.h>
#include <stdint.h>

#define TIME_TICK_HZ 100
#define NS_PER_SEC   1000000000ull

struct time_calibration {
    const char *reference;  /* "HPET" or "PIT" */
    uint64_t tsc_hz;
    uint64_t lapic_timer_hz; /* after the divider */
    bool tsc_invariant;
};

/* Calibrates the TSC and the local APIC timer against the HPET (or the PIT
 * where there is none) and starts the periodic tick.  Needs irq_init(). */
int time_init(const struct acpi_info *acpi);

uint64_t time_monotonic_ns(void);
/* Wall-clock time in ns since 1970: set once at boot from the RTC (0, the
 * epoch, at boot if there is none), then advanced by the monotonic clock. */
void time_set_realtime(int64_t unix_seconds);
int64_t time_realtime_ns(void);
uint64_t time_ticks(void);
void time_delay_ns(uint64_t ns);
const struct time_calibration *time_calibration(void);

/* Called on every tick, with interrupts off (the scheduler's hook). */
void time_set_tick_hook(void (*fn)(void));

/* Measures `ns` of the calibration reference in TSC cycles: lets tests
 * cross-check the clocks. */
uint64_t time_reference_tsc_cycles(uint64_t ns);

struct rtc_time {
    int year, month, day, hour, minute, second;
};

/* Reads the CMOS real-time clock (UTC assumed).  Returns 0, or a negative
 * error if there is no RTC or it holds nonsense. */
int rtc_read(const struct acpi_info *acpi, struct rtc_time *out);

/* Calendar arithmetic (kernel/lib/calendar.c): whether every field is in
 * range (leap years included), and seconds since 1970-01-01 00:00:00. */
bool rtc_time_valid(const struct rtc_time *t);
int64_t rtc_to_unix(const struct rtc_time *t);

#endif
