/* uptime: how long the system has been up, from the monotonic clock
 * (which starts at boot), as "up 0:01:23", or "up 2 days, 3:04:05". */
#include <stdio.h>
#include <time.h>

#include "common.h"

const char *progname = "uptime";
static const char usage_text[] = "uptime";

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "", usage_text) != -1)
        ;
    if (option_index != argc)
        usage(usage_text);
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        error_errno("clock_gettime");
        return 1;
    }
    long long s = (long long)ts.tv_sec, days = s / 86400;
    s %= 86400;
    printf("up ");
    if (days)
        printf("%lld day%s, ", days, days == 1 ? "" : "s");
    printf("%lld:%02lld:%02lld\n", s / 3600, s / 60 % 60, s % 60);
    return 0;
}
