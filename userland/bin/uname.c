/* uname [-amnrs]: prints what system this is.  The C library has no
 * uname(), and there is nothing to ask at run time: the values are fixed,
 * the release being the Makefile's VERSION (passed as ATOM_VERSION).
 * Without options it prints the system name (-s); -a prints all, in the
 * order -s -n -r -m. */
#include <stdio.h>

#include "common.h"

#ifndef ATOM_VERSION
#error "build with -DATOM_VERSION=\"x.y.z\""
#endif

const char *progname = "uname";
static const char usage_text[] = "uname [-amnrs]";

int main(int argc, char **argv)
{
    enum { SYS = 1, NODE = 2, REL = 4, MACH = 8 };
    int want = 0, opt;
    while ((opt = next_option(argc, argv, "amnrs", usage_text)) != -1) {
        switch (opt) {
        case 'a': want |= SYS | NODE | REL | MACH; break;
        case 's': want |= SYS; break;
        case 'n': want |= NODE; break;
        case 'r': want |= REL; break;
        case 'm': want |= MACH; break;
        }
    }
    if (option_index != argc)
        usage(usage_text);
    if (!want)
        want = SYS;
    const char *fields[] = { "Atom", "atom", ATOM_VERSION, "x86_64" };
    const char *sep = "";
    for (int i = 0; i < 4; i++) {
        if (want & (1 << i)) {
            printf("%s%s", sep, fields[i]);
            sep = " ";
        }
    }
    putchar('\n');
    return 0;
}
