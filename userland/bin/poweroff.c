/* poweroff: switches the machine off, through init (atom_power,
 * <atom/proc.h>), which holds the power capability.  It does not return
 * when it works; where software cannot switch the machine off it says
 * so, and the machine is then safe to turn off by hand. */
#include <errno.h>
#include <stdio.h>

#include <atom/proc.h>
#include <atom/sysinfo.h>

#include "common.h"

const char *progname = "poweroff";
static const char usage_text[] = "poweroff";

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "", usage_text) != -1)
        ;
    if (option_index != argc)
        usage(usage_text);
    fflush(stdout);
    atom_power(ATOM_POWER_OFF);
    if (errno == ENOTSUP)
        error_msg("this machine cannot be switched off by software; "
                  "it is safe to turn it off now");
    else
        error_errno("cannot switch off");
    return 1;
}
