/*
 * uflaky: a service that dies twice, for the boot test of init's
 * supervision (etc/init-test.conf).  init tells it how often it has been
 * restarted (INIT_RESTARTS): the first run crashes on a NULL read, the
 * second exits with status 3, the third stays up.  Each run first reports
 * its arguments and exactly which capabilities it holds, so the test
 * sees that init gave it the one its line names and, after it, only its
 * two server capabilities (process server and VFS session: endpoints it
 * may call but not receive on) and its signal notification (which it may
 * wait on but not signal).
 */
#include <stdbool.h>
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
    struct atom_cap_info ci[5];
    long h[5];
    for (int i = 0; i < 5; i++)
        h[i] = atom_syscall3(ATOM_SYS_CAP_INSPECT, 2 + i, (long)&ci[i], 0);
    int servers = 0;
    for (int i = 1; i < 3; i++)
        servers += h[i] == 0 && ci[i].type == ATOM_OBJ_ENDPOINT &&
                   ci[i].rights == (ATOM_RIGHT_WRITE | ATOM_RIGHT_GRANT) && ci[i].badge != 0;
    printf("uflaky: run %d as %s, %d argument%s:", run, name ? name : "?", argc - 1,
           argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    bool signal = h[3] == 0 && ci[3].type == ATOM_OBJ_NOTIFICATION &&
                  ci[3].rights == (ATOM_RIGHT_READ | ATOM_RIGHT_GRANT);
    printf("; handle 2 %s, handles 3-4 %s, handle 5 %s, handle 6 %s\n",
           h[0] == 0 && ci[0].type == ATOM_OBJ_IOPORT ? "an ioport" : "wrong",
           servers == 2 ? "its servers" : "wrong", signal ? "its signals" : "wrong",
           h[4] == -ATOM_EBADF ? "empty" : "wrong");
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
