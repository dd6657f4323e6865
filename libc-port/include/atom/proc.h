/* The process-server protocol (<atom/proc.h>), served by init
 * (userland/init/proc.c) and used by the C library's posix_spawn(),
 * waitpid(), kill() and getppid().
 *
 * Every process init starts holds a capability to init's endpoint badged
 * with its process ID, so init knows who asks.  Replies: label 0, w0 = the
 * result (>= 0) or a negated errno value. */
#ifndef ATOM_PROC_H
#define ATOM_PROC_H

#include <stdint.h>

enum proc_label {
    PROC_SPAWN = 1,  /* cap 0: a memory object holding a spawn request
                        (<atom/spawn_msg.h>), w0 its size -> the child's pid */
    PROC_WAIT,       /* w0 pid (-1: any child), w1 options (WNOHANG) ->
                        the pid, or 0 (WNOHANG, none ended); w1 the wait status */
    PROC_KILL,       /* w0 pid, w1 signal (0: only check) -> 0 */
    PROC_GETPPID,    /* -> the parent's pid (1 when the parent has gone) */
    PROC_NEXT,       /* w0 pid -> the next process after it (0: from the
                        start), or 0 at the end; w1 its parent, w2 its
                        state (PROC_STATE_*); words 4-7: its name, NUL-padded */
};

#define PROC_STATE_RUNNING 1
#define PROC_STATE_ZOMBIE  2   /* ended, not yet waited for */
#define PROC_NAME_WORDS    4   /* 32 bytes */

/* The C library's view of PROC_NEXT, for ps and the like. */
struct atom_process_info {
    int pid, ppid, state;
    char name[PROC_NAME_WORDS * 8];  /* NUL-terminated */
};

/* Fills *out with the process after pid `after` (0: the first); returns
 * its pid, 0 after the last, or -1 with errno set. */
int atom_process_next(int after, struct atom_process_info *out);

#endif
