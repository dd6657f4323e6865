/*
 * rtc.c: the CMOS real-time clock.  Its registers change once a second
 * and may be read mid-update, so the time is read until two readings in a
 * row agree, waiting out the update-in-progress flag each time.  Values
 * may be BCD or binary and hours 12- or 24-hour, as status register B
 * says.  The century register exists only where the FADT names it.
 */
#include <arch/io.h>
#include <kernel/error.h>
#include <kernel/time.h>

/* Wall-clock time minus monotonic time, in ns. */
static int64_t realtime_offset_ns;

void time_set_realtime(int64_t unix_seconds)
{
    realtime_offset_ns = unix_seconds * (int64_t)NS_PER_SEC - (int64_t)time_monotonic_ns();
}

int64_t time_realtime_ns(void)
{
    return realtime_offset_ns + (int64_t)time_monotonic_ns();
}

#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B
#define UPDATE_IN_PROGRESS 0x80
#define MODE_BINARY 0x04
#define MODE_24H    0x02
#define READ_ATTEMPTS 16

struct raw_rtc {
    uint8_t sec, min, hour, day, month, year, century;
};

static void read_raw(struct raw_rtc *r, uint8_t century_reg)
{
    for (int i = 0; i < 100000 && (cmos_read(RTC_STATUS_A) & UPDATE_IN_PROGRESS); i++)
        __builtin_ia32_pause();
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->day = cmos_read(0x07);
    r->month = cmos_read(0x08);
    r->year = cmos_read(0x09);
    r->century = century_reg ? cmos_read(century_reg) : 0;
}

static int from_bcd(uint8_t v, bool binary)
{
    if (binary)
        return v;
    if ((v & 0x0F) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0F);
}

int rtc_read(const struct acpi_info *acpi, struct rtc_time *out)
{
    if (!acpi->cmos_rtc)
        return E_RANGE;
    uint8_t century_reg = acpi->has_fadt ? acpi->fadt.century : 0;
    struct raw_rtc a, b;
    int attempt = 0;
    read_raw(&a, century_reg);
    do {
        b = a;
        read_raw(&a, century_reg);
    } while (++attempt < READ_ATTEMPTS &&
             (a.sec != b.sec || a.min != b.min || a.hour != b.hour ||
              a.day != b.day || a.month != b.month || a.year != b.year));
    if (attempt == READ_ATTEMPTS)
        return E_BUSY;

    uint8_t status_b = cmos_read(RTC_STATUS_B);
    bool binary = status_b & MODE_BINARY;
    bool pm = !(status_b & MODE_24H) && (a.hour & 0x80);
    int hour = from_bcd(a.hour & 0x7F, binary);
    if (!(status_b & MODE_24H) && hour >= 1 && hour <= 12)
        hour = (hour % 12) + (pm ? 12 : 0);
    int year = from_bcd(a.year, binary);
    int century = century_reg ? from_bcd(a.century, binary) : -1;
    if (year < 0)
        return E_INVAL;
    /* Without a century register, two-digit years are taken as 2000-2099. */
    year += century >= 19 && century <= 99 ? century * 100 : 2000;

    *out = (struct rtc_time){
        .year = year,
        .month = from_bcd(a.month, binary),
        .day = from_bcd(a.day, binary),
        .hour = hour,
        .minute = from_bcd(a.min, binary),
        .second = from_bcd(a.sec, binary),
    };
    if (!rtc_time_valid(out))
        return E_INVAL;
    return E_OK;
}
