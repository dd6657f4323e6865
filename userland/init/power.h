/* init's power service (power.c): PROC_POWER requests, served with the
 * boot manifest's power capability. */
#ifndef INIT_POWER_H
#define INIT_POWER_H

#include <stdint.h>

/* The handle of the power capability init was given. */
void power_set_capability(long handle);

/* PROC_POWER from process `pid`: w0 the operation (ATOM_POWER_*).
 * Returns only on failure, or after a request that did nothing: 0 or a
 * negated errno value, the reply's w0. */
long power_request(int pid, uint64_t op);

#endif
