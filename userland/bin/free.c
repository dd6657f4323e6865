/* free: the machine's memory, from the kernel's page allocator
 * (atom_mem_stats, <atom/system.h>), in the shape of procps' free:
 *
 *                total        used        free
 *   Mem:        253952       21044      232908
 *
 * total is the RAM the allocator manages (usable RAM less the kernel
 * image, boot data and the allocator's own bookkeeping), used is every
 * page handed out (kernel heap, memory objects, page tables, stacks).
 * Sizes are KiB (-k, the default), MiB (-m), or -h: the largest unit of
 * B, Ki, Mi, Gi, Ti that keeps the number under 1024, with one decimal
 * below 10. */
#include <stdint.h>
#include <stdio.h>

#include <atom/system.h>

#include "common.h"

const char *progname = "free";
static const char usage_text[] = "free [-h | -k | -m]";

static void human(char *buf, size_t size, uint64_t bytes)
{
    static const char *const units[] = { "B", "Ki", "Mi", "Gi", "Ti" };
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024;
        u++;
    }
    if (u > 0 && v < 10)
        snprintf(buf, size, "%.1f%s", v, units[u]);
    else
        snprintf(buf, size, "%.0f%s", v, units[u]);
}

static void column(char mode, uint64_t bytes)
{
    char buf[32];
    if (mode == 'h')
        human(buf, sizeof(buf), bytes);
    else
        snprintf(buf, sizeof(buf), "%llu",
                 (unsigned long long)(bytes >> (mode == 'm' ? 20 : 10)));
    printf(" %11s", buf);
}

int main(int argc, char **argv)
{
    char mode = 'k';
    int opt;
    while ((opt = next_option(argc, argv, "hkm", usage_text)) != -1)
        mode = (char)opt;
    if (option_index != argc)
        usage(usage_text);
    struct atom_mem_stats st;
    if (atom_mem_stats(&st) != 0) {
        error_errno("memory statistics");
        return 1;
    }
    printf("%4s %11s %11s %11s\nMem:", "", "total", "used", "free");
    column(mode, st.total_bytes);
    column(mode, st.total_bytes - st.free_bytes);
    column(mode, st.free_bytes);
    printf("\n");
    return 0;
}
