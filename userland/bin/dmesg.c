/* dmesg: prints the kernel log, oldest line first: what the kernel and
 * the programs wrote to the console since boot, as far as the kernel
 * still keeps it (the newest 64 KiB; atom_log_read, <atom/system.h>).
 * Clearing the log is not offered: the kernel's copy is the only one. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <atom/system.h>

#include "common.h"

const char *progname = "dmesg";
static const char usage_text[] = "dmesg";

int main(int argc, char **argv)
{
    while (next_option(argc, argv, "", usage_text) != -1)
        ;
    if (option_index != argc)
        usage(usage_text);
    static char buf[4096];
    uint64_t pos = 0;
    for (;;) {
        ssize_t n = atom_log_read(buf, sizeof(buf), &pos);
        if (n < 0) {
            error_errno("kernel log");
            return 1;
        }
        if (n == 0)
            return 0;
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
            error_errno("write");
            return 1;
        }
        pos += (uint64_t)n;
    }
}
