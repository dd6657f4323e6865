/*
 * calendar.c: Gregorian calendar arithmetic for the real-time clock.
 * rtc_to_unix() counts days with the years starting in March, so that the
 * leap day is the last day of its year and needs no special case.
 */
#include <kernel/time.h>

static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

bool rtc_time_valid(const struct rtc_time *t)
{
    return t->year >= 1970 && t->year <= 9999 && t->month >= 1 && t->month <= 12 &&
           t->day >= 1 && t->day <= days_in_month(t->year, t->month) &&
           t->hour >= 0 && t->hour <= 23 && t->minute >= 0 && t->minute <= 59 &&
           t->second >= 0 && t->second <= 59;
}

int64_t rtc_to_unix(const struct rtc_time *t)
{
    int64_t y = t->year - (t->month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                      /* 0..399 */
    int64_t mp = (t->month + 9) % 12;                 /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + t->day - 1;    /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;       /* 1970-01-01 = 0 */
    return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}
