/* ps: lists every process, from init's process table (atom_process_next,
 * <atom/proc.h>), as PID PPID STATE NAME.  There are no users, terminals
 * or process groups to select by, so it always lists all; -e and -A (all
 * processes) are accepted for habit's sake. */
#include <stdio.h>

#include <atom/proc.h>

#include "common.h"

const char *progname = "ps";
static const char usage_text[] = "ps [-A | -e]";

static const char *state_name(int state)
{
    switch (state) {
    case PROC_STATE_RUNNING: return "running";
    case PROC_STATE_ZOMBIE: return "zombie";
    default: return "?";
    }
}

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "Ae", usage_text) != -1)
        ;
    if (option_index != argc)
        usage(usage_text);
    printf("%5s %5s %-7s %s\n", "PID", "PPID", "STATE", "NAME");
    struct atom_process_info p;
    int pid = 0, r;
    while ((r = atom_process_next(pid, &p)) > 0) {
        printf("%5d %5d %-7s %s\n", p.pid, p.ppid, state_name(p.state), p.name);
        pid = r;
    }
    if (r < 0) {
        error_errno("process list");
        return 1;
    }
    return 0;
}
