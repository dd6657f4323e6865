/*
 * banner.c: the greeting: the release, the message of the day, the memory
 * and how to get help.  Each file that is missing is simply left out.
 */
#include <string.h>

#include <atom/system.h>

#include "banner.h"

static void print_file(FILE *out, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof(line), f))
        fputs(line, out);
    fclose(f);
}

void banner_print(FILE *out)
{
    fputc('\n', out);
    print_file(out, "/etc/atom-release");
    print_file(out, "/etc/motd");
    struct atom_mem_stats m;
    if (atom_mem_stats(&m) == 0)
        fprintf(out, "Memory: %llu MiB, %llu MiB free.\n",
                (unsigned long long)(m.usable_bytes >> 20),
                (unsigned long long)(m.free_bytes >> 20));
    fputs("Type 'help' for the shell's commands; the programs are in /bin "
          "(try 'ls /bin').\n\n", out);
}
