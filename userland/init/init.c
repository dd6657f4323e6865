/*
 * init: the first user program.  For now it announces that user space is
 * up, through the C library's stdout (the kernel's debug-write system call
 * until a console server exists), and then waits: init never exits.  The
 * boot manifest and the servers it starts come with the process and VFS
 * servers.
 */
#include <stdio.h>
#include <unistd.h>

#include <atom/raw_syscall.h>

int main(int argc, char **argv)
{
    printf("init: Atom user space is up (pid %d, %d argument%s)\n", (int)getpid(),
           argc, argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++)
        printf("init: argv[%d] = %s\n", i, argv[i]);
    for (;;)
        atom_syscall1(ATOM_SYS_SLEEP_NS, 1000000000L);
}
