/*
 * power.c: init's part in restarting and switching off.  The kernel gives
 * init the power capability (the boot manifest's `power` line); init keeps
 * it and does the operation for any process that asks (PROC_POWER): Atom
 * is single-user, and like the console user of a desktop, any program
 * may shut the machine down.  The capability never leaves init, so the
 * policy can change here alone.
 *
 * A successful request does not return (the machine stops), so the
 * request is logged first, naming who asked.
 */
#include <errno.h>
#include <stdio.h>

#include <atom/errors.h>
#include <atom/raw_syscall.h>
#include <atom/sysinfo.h>

#include "power.h"

static long power_cap = -1;

void power_set_capability(long handle)
{
    power_cap = handle;
}

long power_request(int pid, uint64_t op)
{
    if (op != ATOM_POWER_OFF && op != ATOM_POWER_REBOOT)
        return -EINVAL;
    if (power_cap < 0)
        return -EPERM;  /* the boot manifest gave init no power line */
    printf("init: %s, as pid %d asks\n",
           op == ATOM_POWER_OFF ? "switching off" : "restarting", pid);
    fflush(stdout);
    long r = atom_syscall3(ATOM_SYS_POWER, power_cap, (long)op, 0);
    if (r == -ATOM_ENOTSUP)
        return -ENOTSUP;
    return r < 0 ? -EIO : 0;
}
