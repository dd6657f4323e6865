/*
 * timer.c: the TSC, the local APIC timer and their calibration.
 *
 * Neither the TSC nor the APIC timer announces its frequency reliably, so
 * both are measured against a clock that does: the HPET (its period is in
 * its capability register) when ACPI lists one, else the PIT's channel 2,
 * whose input is 1.193182 MHz on every PC.  The monotonic clock is the TSC
 * scaled to nanoseconds with a 32.32 fixed-point factor; the tick is the
 * APIC timer in periodic mode at TIME_TICK_HZ.
 */
#include <arch/apic.h>
#include <arch/io.h>
#include <kernel/error.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#define CALIBRATION_NS   20000000ull /* 20 ms per round */
#define CALIBRATION_ROUNDS 3          /* the median resists emulator jitter */
#define HPET_CAPS        0x000
#define HPET_CONFIG      0x010
#define HPET_COUNTER     0x0F0
#define HPET_ENABLE      1ull
#define PIT_HZ           1193182ull
#define PIT_CONTROL      0x43
#define PIT_CH2          0x42
#define PIT_GATE         0x61
#define LAPIC_DIVIDE_16  0x3

static struct time_calibration cal;
static volatile uint64_t *hpet;
static uint64_t hpet_period_fs;
static uint64_t tsc_base;
static uint64_t ns_mult; /* ns = cycles * ns_mult >> 32 */
static volatile uint64_t ticks;
static void (*tick_hook)(void);

static bool hpet_init(const struct acpi_info *acpi)
{
    if (!acpi->has_hpet)
        return false;
    hpet = vm_map_physical(acpi->hpet.base, 0x400, VM_CACHE_UC);
    if (!hpet)
        return false;
    hpet_period_fs = hpet[HPET_CAPS / 8] >> 32;
    /* The specification bounds the period to at most 100 ns. */
    if (hpet_period_fs == 0 || hpet_period_fs > 100000000ull) {
        log_warn("time: HPET period %llu fs is invalid; using the PIT",
                 (unsigned long long)hpet_period_fs);
        hpet = NULL;
        return false;
    }
    hpet[HPET_CONFIG / 8] |= HPET_ENABLE;
    return true;
}

/* Busy-waits `ns` on the reference clock. */
static void reference_wait(uint64_t ns)
{
    if (hpet) {
        uint64_t start = hpet[HPET_COUNTER / 8];
        uint64_t ticks_needed = ns * 1000000ull / hpet_period_fs;
        while (hpet[HPET_COUNTER / 8] - start < ticks_needed)
            __builtin_ia32_pause();
        return;
    }
    /* PIT channel 2, mode 0: OUT2 rises when the count runs out. At most
     * 65535 counts (about 55 ms) per round. */
    while (ns) {
        uint64_t chunk = ns > 50000000ull ? 50000000ull : ns;
        uint16_t count = (uint16_t)(chunk * PIT_HZ / NS_PER_SEC);
        outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
        outb(PIT_CONTROL, 0xB0);                        /* ch2, lo/hi, mode 0 */
        outb(PIT_CH2, count & 0xFF);
        outb(PIT_CH2, count >> 8);
        while (!(inb(PIT_GATE) & 0x20))
            __builtin_ia32_pause();
        ns -= chunk;
    }
}

uint64_t time_reference_tsc_cycles(uint64_t ns)
{
    uint64_t start = rdtsc();
    reference_wait(ns);
    return rdtsc() - start;
}

static uint64_t median3(const uint64_t v[3])
{
    uint64_t lo = v[0] < v[1] ? v[0] : v[1], hi = v[0] < v[1] ? v[1] : v[0];
    return v[2] < lo ? lo : v[2] > hi ? hi : v[2];
}

static void on_tick(void *ctx)
{
    (void)ctx;
    ticks++;
    if (tick_hook)
        tick_hook();
}

int time_init(const struct acpi_info *acpi)
{
    cal.reference = hpet_init(acpi) ? "HPET" : "PIT";

    uint32_t r[4];
    cpuid(0x80000000u, 0, r);
    if (r[0] >= 0x80000007u) {
        cpuid(0x80000007u, 0, r);
        cal.tsc_invariant = r[3] & (1u << 8);
    }

    uint64_t tsc_rates[CALIBRATION_ROUNDS], lapic_rates[CALIBRATION_ROUNDS];
    lapic_write(LAPIC_TIMER_DIV, LAPIC_DIVIDE_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    for (int i = 0; i < CALIBRATION_ROUNDS; i++) {
        lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
        uint64_t tsc0 = rdtsc();
        reference_wait(CALIBRATION_NS);
        uint64_t tsc1 = rdtsc();
        uint32_t remaining = lapic_read(LAPIC_TIMER_COUNT);
        tsc_rates[i] = (tsc1 - tsc0) * (NS_PER_SEC / CALIBRATION_NS);
        lapic_rates[i] = (uint64_t)(0xFFFFFFFFu - remaining) * (NS_PER_SEC / CALIBRATION_NS);
    }
    lapic_write(LAPIC_TIMER_INIT, 0);
    cal.tsc_hz = median3(tsc_rates);
    cal.lapic_timer_hz = median3(lapic_rates);
    uint64_t tsc0 = rdtsc();
    if (cal.tsc_hz < 1000000 || cal.lapic_timer_hz < 10000) {
        log_error("time: calibration against the %s failed (TSC %llu Hz, "
                  "APIC timer %llu Hz)", cal.reference,
                  (unsigned long long)cal.tsc_hz, (unsigned long long)cal.lapic_timer_hz);
        return E_INVAL;
    }
    ns_mult = (NS_PER_SEC << 32) / cal.tsc_hz;
    tsc_base = tsc0;

    int err = irq_set_local_handler(IRQ_VECTOR_TIMER, on_tick, NULL);
    if (err)
        return err;
    lapic_write(LAPIC_LVT_TIMER, IRQ_VECTOR_TIMER | LVT_TIMER_PERIODIC);
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)(cal.lapic_timer_hz / TIME_TICK_HZ));
    log_info("time: calibrated against the %s: TSC %llu.%03llu MHz%s, APIC "
             "timer %llu.%03llu MHz, tick %u Hz", cal.reference,
             (unsigned long long)(cal.tsc_hz / 1000000),
             (unsigned long long)(cal.tsc_hz / 1000 % 1000),
             cal.tsc_invariant ? " (invariant)" : "",
             (unsigned long long)(cal.lapic_timer_hz / 1000000),
             (unsigned long long)(cal.lapic_timer_hz / 1000 % 1000), TIME_TICK_HZ);
    return E_OK;
}

uint64_t time_monotonic_ns(void)
{
    uint64_t delta = rdtsc() - tsc_base;
    return (uint64_t)(((unsigned __int128)delta * ns_mult) >> 32);
}

uint64_t time_ticks(void)
{
    return ticks;
}

void time_delay_ns(uint64_t ns)
{
    uint64_t end = time_monotonic_ns() + ns;
    while (time_monotonic_ns() < end)
        __builtin_ia32_pause();
}

const struct time_calibration *time_calibration(void)
{
    return &cal;
}

void time_set_tick_hook(void (*fn)(void))
{
    tick_hook = fn;
}
