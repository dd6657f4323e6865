/*
 * init: the first user program.  For now it announces that user space is
 * up, through the C library's stdout (the kernel's debug-write system call
 * until a console server exists), lists the device capabilities the boot
 * manifest gave it, and then waits: init never exits.  Handing those
 * capabilities to servers comes with the process and VFS servers.
 */
#include <stdio.h>
#include <unistd.h>

#include <atom/cap.h>
#include <atom/raw_syscall.h>

static const char *type_name(uint32_t type)
{
    switch (type) {
    case ATOM_OBJ_IRQ: return "irq";
    case ATOM_OBJ_IOPORT: return "ioport";
    case ATOM_OBJ_MEMORY: return "memory";
    default: return "other";
    }
}

static void list_capabilities(void)
{
    for (int h = 2; h < 64; h++) {
        struct atom_cap_info ci;
        if (atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0) != 0)
            break;
        printf("init: capability %d: %s, rights %#x\n", h, type_name(ci.type),
               (unsigned)ci.rights);
    }
}

int main(int argc, char **argv)
{
    printf("init: Atom user space is up (pid %d, %d argument%s)\n", (int)getpid(),
           argc, argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++)
        printf("init: argv[%d] = %s\n", i, argv[i]);
    list_capabilities();
    for (;;)
        atom_syscall1(ATOM_SYS_SLEEP_NS, 1000000000L);
}
