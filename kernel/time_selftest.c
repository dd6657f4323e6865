/*
 * time_selftest.c: self-tests of interrupts and time on the real machine:
 * the tick interrupt arrives at about its rate, the monotonic clock
 * advances as the reference timer does, and the RTC reads a sane date.
 */
#include <kernel/fmt.h>
#include <kernel/irq.h>
#include <kernel/selftest.h>
#include <kernel/time.h>

#define MS 1000000ull

SELFTEST(time_monotonic_clock_advances)
{
    uint64_t t0 = time_monotonic_ns();
    time_delay_ns(10 * MS);
    uint64_t t1 = time_monotonic_ns();
    if (t1 < t0 + 10 * MS)
        return "a 10 ms delay took less than 10 ms";
    if (t1 > t0 + 1000 * MS)
        return "a 10 ms delay took more than a second";
    for (int i = 0; i < 1000; i++) {
        uint64_t a = time_monotonic_ns(), b = time_monotonic_ns();
        if (b < a)
            return "the clock went backwards";
    }
    return NULL;
}

/* Under emulation the TSC drifts against the reference timer by tens of
 * percent from one measurement to the next, so this looks for calibration
 * mistakes (a wrong unit, divider or scale: a factor of two or more), not
 * for precision, which needs real hardware. */
SELFTEST(time_tsc_agrees_with_reference)
{
    const struct time_calibration *cal = time_calibration();
    if (cal->tsc_hz < 100000000ull || cal->tsc_hz > 20000000000ull)
        return "the TSC frequency is outside 100 MHz to 20 GHz";
    if (cal->lapic_timer_hz < 100000ull || cal->lapic_timer_hz > 5000000000ull)
        return "the APIC timer frequency is outside 100 kHz to 5 GHz";
    uint64_t cycles = time_reference_tsc_cycles(20 * MS);
    uint64_t expected = cal->tsc_hz / 50;
    if (cycles < expected / 2 || cycles > expected * 2) {
        static char why[96];
        fmt_snprintf(why, sizeof(why), "20 ms of %s took %llu TSC cycles, "
                     "expected %llu", cal->reference, (unsigned long long)cycles,
                     (unsigned long long)expected);
        return why;
    }
    return NULL;
}

SELFTEST(irq_timer_ticks_arrive)
{
    uint64_t start_ticks = time_ticks();
    uint64_t start = time_monotonic_ns();
    irq_enable();
    while (time_monotonic_ns() - start < 200 * MS)
        __asm__ volatile("hlt"); /* the tick wakes us */
    uint64_t n = time_ticks() - start_ticks;
    /* 200 ms at TIME_TICK_HZ is 20 ticks; emulation is allowed slack. */
    if (n < 10 || n > 40)
        return "the tick rate is far from TIME_TICK_HZ";
    if (irq_stats()->by_vector[IRQ_VECTOR_TIMER] < n)
        return "ticks counted without timer interrupts";
    return NULL;
}

SELFTEST(rtc_reads_a_plausible_date)
{
    struct rtc_time t;
    if (!env->acpi->cmos_rtc)
        return NULL;
    if (rtc_read(env->acpi, &t) != 0)
        return "the RTC could not be read";
    if (t.year < 2020 || t.year > 2200)
        return "the RTC year is implausible";
    return NULL;
}
