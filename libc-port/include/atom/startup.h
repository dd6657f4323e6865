/* What a program started by init or the process server finds besides
 * argv and envp (<atom/startup.h>): auxiliary-vector entries, after the
 * standard ones (<kernel/user_stack.h> lists those), that name the
 * handles of its server capabilities.  An entry that is absent means the
 * program has no such capability: the VFS server itself has no session,
 * and programs the kernel starts directly have neither.  The C library
 * reads them before main (libc-port/session.c). */
#ifndef ATOM_STARTUP_H
#define ATOM_STARTUP_H

#define AT_ATOM_PROC 0x41540001u  /* handle: the process server, badged with our pid */
#define AT_ATOM_VFS  0x41540002u  /* handle: our VFS session, badged with our pid */
/* Signals (<atom/proc.h>, PROC_SIGNALS): */
#define AT_ATOM_SIGNAL  0x41540003u /* handle: our signal notification (READ) */
#define AT_ATOM_SIGIGN  0x41540004u /* signals ignored from the start (bit 1 << sig),
                                       inherited from the parent */
#define AT_ATOM_SIGMASK 0x41540005u /* signals blocked from the start */
#define AT_ATOM_CONSOLE 0x41540006u /* handle: the console server (<atom/console.h>),
                                       badged with our pid */

#endif
