/* The kernel's own symbol table (kernel/ksyms.c), for panics and
 * backtraces.  The table is generated from the linked kernel by
 * scripts/ksyms.sh and linked into a second pass of the same image. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
    uint64_t addr;
    const char *name;
};

/* Finds the function containing addr: its name and addr's offset in it.
 * False if addr lies outside the kernel's text. */
bool ksyms_lookup(uint64_t addr, const char **name, uint64_t *offset);

/* Formats "name+0xoff" (or the bare address) into buf. */
void ksyms_format(uint64_t addr, char *buf, size_t size);

/* Exposed for the unit tests: lookup in any sorted table. */
bool ksyms_lookup_in(const struct ksym *table, size_t count, uint64_t end,
                     uint64_t addr, const char **name, uint64_t *offset);

#endif
