/* The C library's system-information calls (<atom/system.h>, in
 * libc-port/sysinfo.c): the kernel log and the memory totals, over the
 * system calls of <atom/sysinfo.h>.  Power is asked of init instead
 * (atom_power in <atom/proc.h>). */
#ifndef ATOM_SYSTEM_H
#define ATOM_SYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <atom/sysinfo.h>

/* Up to len bytes of the kernel log from byte position *pos, which moves
 * up to the oldest line kept if the bytes there were dropped.  Returns
 * the count (0 at the end; the next read starts at *pos + count), or -1
 * with errno set. */
ssize_t atom_log_read(void *buf, size_t len, uint64_t *pos);

/* The page allocator's totals; 0, or -1 with errno set. */
int atom_mem_stats(struct atom_mem_stats *out);

#endif
