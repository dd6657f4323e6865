/* sleep time...: waits for the sum of its operands, each a number of
 * seconds that may have a fraction ("0.5") and a unit suffix (s, m, h,
 * d).  The clock's resolution is 10 ms. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

const char *progname = "sleep";
static const char usage_text[] = "sleep seconds...";

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "", usage_text) != -1)
        ;
    if (option_index == argc)
        usage(usage_text);
    double total = 0;
    for (int i = option_index; i < argc; i++) {
        char *end;
        double v = strtod(argv[i], &end);
        double unit = 1;
        if (end != argv[i] && *end && !end[1] && strchr("smhd", *end)) {
            unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 1;
            end++;
        }
        if (end == argv[i] || *end != '\0' || !(v >= 0) || v > 1e9) {
            error_msg("invalid time interval %s", argv[i]);
            usage(usage_text);
        }
        total += v * unit;
    }
    struct timespec ts = { (time_t)total, (long)((total - (double)(time_t)total) * 1e9) };
    while (nanosleep(&ts, &ts) != 0) {
        if (errno != EINTR) {
            error_errno("nanosleep");
            return 1;
        }
    }
    return 0;
}
