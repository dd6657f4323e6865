/*
 * uflaky: a service that dies twice, for the boot test of init's
 * supervision (etc/init-test.conf).  init tells it how often it has been
 * restarted (INIT_RESTARTS): the first run crashes on a NULL read, the
 * second exits with status 3, the third stays up.  Each run first reports
 * its arguments and exactly which capabilities it holds, so the test
 * sees that init gave it the one its line names and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include <atom/cap.h>
#include <atom/errors.h>
#include <atom/raw_syscall.h>

int main(int argc, char **argv)
{
    const char *restarts = getenv("INIT_RESTARTS");
    const char *name = getenv("INIT_SERVICE");
    int run = restarts ? atoi(restarts) : -1;
    struct atom_cap_info ci;
    long h3 = atom_syscall3(ATOM_SYS_CAP_INSPECT, 3, (long)&ci, 0);
    long h2 = atom_syscall3(ATOM_SYS_CAP_INSPECT, 2, (long)&ci, 0);
    printf("uflaky: run %d as %s, %d argument%s:", run, name ? name : "?", argc - 1,
           argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("; handle 2 %s, handle 3 %s\n",
           h2 == 0 && ci.type == ATOM_OBJ_IOPORT ? "an ioport" : "wrong",
           h3 == -ATOM_EBADF ? "empty" : "wrong");
    fflush(stdout);
    if (run == 0)
        return *(volatile int *)0;
    if (run == 1)
        return 3;
    printf("uflaky: run %d: staying up\n", run);
    fflush(stdout);
    for (;;)
        atom_syscall1(ATOM_SYS_SLEEP_NS, 1000000000L);
}
