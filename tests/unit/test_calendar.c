/* Unit tests of the calendar arithmetic (kernel/lib/calendar.c), checked
 * against the C library's timegm over four centuries of days. */
#define _GNU_SOURCE
#include "unit.h"
#include <kernel/time.h>
#include <time.h>

START_TEST(unix_time_matches_timegm)
{
    for (int64_t day = 0; day < 146097 * 1 + 365 * 130; day += 1) {
        time_t when = (time_t)(day * 86400 + (day % 86400));
        struct tm tm;
        gmtime_r(&when, &tm);
        struct rtc_time t = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                              tm.tm_hour, tm.tm_min, tm.tm_sec };
        ck_assert(rtc_time_valid(&t));
        ck_assert_int_eq(rtc_to_unix(&t), (int64_t)when);
    }
}
END_TEST

START_TEST(validity)
{
    struct rtc_time leap = { 2024, 2, 29, 0, 0, 0 };
    struct rtc_time not_leap = { 2100, 2, 29, 0, 0, 0 };
    struct rtc_time leap400 = { 2000, 2, 29, 23, 59, 59 };
    struct rtc_time bad_month = { 2026, 13, 1, 0, 0, 0 };
    struct rtc_time bad_day = { 2026, 4, 31, 0, 0, 0 };
    struct rtc_time bad_hour = { 2026, 4, 30, 24, 0, 0 };
    struct rtc_time bad_second = { 2026, 4, 30, 0, 0, 60 };
    struct rtc_time before_epoch = { 1969, 12, 31, 0, 0, 0 };
    ck_assert(rtc_time_valid(&leap));
    ck_assert(!rtc_time_valid(&not_leap));
    ck_assert(rtc_time_valid(&leap400));
    ck_assert(!rtc_time_valid(&bad_month));
    ck_assert(!rtc_time_valid(&bad_day));
    ck_assert(!rtc_time_valid(&bad_hour));
    ck_assert(!rtc_time_valid(&bad_second));
    ck_assert(!rtc_time_valid(&before_epoch));
    struct rtc_time epoch = { 1970, 1, 1, 0, 0, 0 };
    ck_assert_int_eq(rtc_to_unix(&epoch), 0);
}
END_TEST

Suite *suite_calendar(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("calendar");
    tcase_add_test(tc, unix_time_matches_timegm);
    tcase_add_test(tc, validity);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
