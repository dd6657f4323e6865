/*
 * ksyms.c: address-to-name lookup for panics.
 *
 * The build links the kernel twice (kernel/kernel.mk): the first image has
 * an empty table; scripts/ksyms.sh then lists its text symbols, sorted, as
 * C source, and the second link includes that table.  The table lives at
 * the end of .rodata, after all code, so adding it moves no function and
 * the addresses it records stay true (the build checks this).  Lookup is a
 * binary search for the last symbol at or below the address.
 */
#include <kernel/fmt.h>
#include <kernel/ksyms.h>

extern const struct ksym ksyms_table[];
extern const size_t ksyms_count;
extern char kernel_text_end[];

bool ksyms_lookup_in(const struct ksym *table, size_t count, uint64_t end,
                     uint64_t addr, const char **name, uint64_t *offset)
{
    if (count == 0 || addr < table[0].addr || addr >= end)
        return false;
    size_t lo = 0, hi = count; /* invariant: table[lo].addr <= addr */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *name = table[lo].name;
    *offset = addr - table[lo].addr;
    return true;
}

bool ksyms_lookup(uint64_t addr, const char **name, uint64_t *offset)
{
    return ksyms_lookup_in(ksyms_table, ksyms_count,
                           (uint64_t)(uintptr_t)kernel_text_end, addr, name,
                           offset);
}

void ksyms_format(uint64_t addr, char *buf, size_t size)
{
    const char *name;
    uint64_t off;
    if (ksyms_lookup(addr, &name, &off))
        fmt_snprintf(buf, size, "%s+%#llx", name, (unsigned long long)off);
    else
        fmt_snprintf(buf, size, "%#llx", (unsigned long long)addr);
}
