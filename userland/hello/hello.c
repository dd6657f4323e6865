/* hello: the smallest Atom program, built with x86_64-atom-gcc to prove the
 * toolchain end to end.  It runs once the kernel can load user programs. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from %s on Atom (%d argument%s)\n",
           argc > 0 ? argv[0] : "hello", argc - 1, argc == 2 ? "" : "s");
    return 0;
}
