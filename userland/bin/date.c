/* date [-u] [+format]: prints the date and time from the real-time clock,
 * by default as "Tue Nov 24 12:34:56 UTC 2026", or as strftime's format
 * says.  Atom keeps no time zone, so times are UTC (TZ, a POSIX zone
 * string such as "CET-1", is honoured when set; -u ignores it).  Setting
 * the clock is not supported. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"

const char *progname = "date";
static const char usage_text[] = "date [-u] [+format]";

int main(int argc, char **argv)
{
    bool utc = false;
    while (next_option(argc, argv, "u", usage_text) != -1)
        utc = true;
    const char *format = "%a %b %e %H:%M:%S %Z %Y";
    if (option_index < argc) {
        if (argv[option_index][0] != '+') {
            error_msg("setting the time is not supported");
            usage(usage_text);
        }
        format = argv[option_index] + 1;
        if (option_index + 1 < argc)
            usage(usage_text);
    }
    if (utc || !getenv("TZ"))
        setenv("TZ", "UTC0", 1);
    tzset();
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) {
        error_errno("clock_gettime");
        return 1;
    }
    struct tm tm;
    localtime_r(&now.tv_sec, &tm);
    char buf[1024];
    size_t n = strftime(buf, sizeof(buf), format, &tm);
    if (n == 0 && format[0] != '\0') {
        error_msg("the date is too long for the format");
        return 1;
    }
    puts(buf);
    return 0;
}
