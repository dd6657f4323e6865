/* reboot: restarts the machine, through init (atom_power, <atom/proc.h>),
 * which holds the power capability.  It does not return when it works. */
#include <stdio.h>

#include <atom/proc.h>
#include <atom/sysinfo.h>

#include "common.h"

const char *progname = "reboot";
static const char usage_text[] = "reboot";

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "", usage_text) != -1)
        ;
    if (option_index != argc)
        usage(usage_text);
    fflush(stdout);
    atom_power(ATOM_POWER_REBOOT);
    error_errno("cannot restart");
    return 1;
}
