/*
 * sysinfo.c: <atom/system.h>, the kernel log and the memory totals, each
 * one system call (ATOM_SYS_LOG_READ, ATOM_SYS_MEM_STATS), which needs no
 * capability; and atom_power (<atom/proc.h>), a request to init, which
 * holds the power capability.
 */
#include <errno.h>

#include <atom/proc.h>
#include <atom/system.h>

#include "libc_internal.h"

ssize_t atom_log_read(void *buf, size_t len, uint64_t *pos)
{
	return atom_result(atom_syscall3(ATOM_SYS_LOG_READ, (long)buf, (long)len, (long)pos));
}

int atom_mem_stats(struct atom_mem_stats *out)
{
	return (int)atom_result(atom_syscall1(ATOM_SYS_MEM_STATS, (long)out));
}

int atom_power(int op)
{
	long r = atom_proc_call(PROC_POWER, (uint64_t)op, 0, -1, NULL);
	return r < 0 ? atom_fail((int)-r) : 0;
}
