/* The process-server protocol (<atom/proc.h>), served by init
 * (userland/init/proc.c) and used by the C library's posix_spawn(),
 * waitpid(), kill() and getppid().
 *
 * Every process init starts holds a capability to init's endpoint badged
 * with its process ID, so init knows who asks.  Replies: label 0, w0 = the
 * result (>= 0) or a negated errno value. */
#ifndef ATOM_PROC_H
#define ATOM_PROC_H

#include <signal.h>
#include <stdint.h>

enum proc_label {
    PROC_SPAWN = 1,  /* cap 0: a memory object holding a spawn request
                        (<atom/spawn_msg.h>), w0 its size -> the child's pid */
    PROC_WAIT,       /* w0 pid (-1: any child), w1 options (WNOHANG) ->
                        the pid, or 0 (WNOHANG, none ended); w1 the wait status */
    PROC_KILL,       /* w0 pid (0: our process group, < -1: group -pid),
                        w1 signal (0: only check) -> 0 */
    PROC_GETPPID,    /* -> the parent's pid (1 when the parent has gone) */
    PROC_NEXT,       /* w0 pid -> the next process after it (0: from the
                        start), or 0 at the end; w1 its parent, w2 its
                        state (PROC_STATE_*); words 4-7: its name, NUL-padded */
    PROC_SIGNALS,    /* w0 the signals to deliver to us, w1 the signals to
                        ignore (bits 1 << sig) -> 0.  See below. */
    PROC_SETPGID,    /* w0 pid (0: us; else one of our children), w1 the
                        group to join (0: its own pid; otherwise one that
                        exists) -> 0 */
    PROC_GETPGID,    /* w0 pid (0: us) -> its process group */
    PROC_POWER,      /* w0 ATOM_POWER_OFF or ATOM_POWER_REBOOT (<atom/sysinfo.h>)
                        -> does not return when it works; else ENOTSUP (this
                        machine cannot be switched off by software), EPERM
                        (init holds no power capability), EINVAL */
};

/* Signals.  Every process has a notification (AT_ATOM_SIGNAL).  When a
 * signal is sent to it (PROC_KILL, or SIGCHLD when a child ends):
 *  - SIGKILL ends it;
 *  - a signal it ignores (PROC_SIGNALS w1) is dropped;
 *  - a signal in its delivery set (w0: those it catches, and those it
 *    blocks, which the C library holds pending) sets bit 1 << sig in the
 *    notification, and a call it is blocked in answers -EINTR: a wait
 *    here, or a read or write the file server keeps waiting (VFS_INTERRUPT);
 *  - otherwise the default action: SIGCHLD, SIGURG, SIGWINCH, SIGCONT and
 *    the stop signals (there is no job control) are dropped, the rest end
 *    the process with that signal.
 * The ignored set passes to children (AT_ATOM_SIGIGN, less the spawn
 * request's sigdefault); the delivery set starts as the blocked set. */

/* The signals whose default action is to do nothing, as bits 1 << sig. */
#define PROC_SIGNALS_IGNORED_BY_DEFAULT                                      \
    ((1ull << SIGCHLD) | (1ull << SIGURG) | (1ull << SIGWINCH) | (1ull << SIGCONT) | \
     (1ull << SIGSTOP) | (1ull << SIGTSTP) | (1ull << SIGTTIN) | (1ull << SIGTTOU))

#define PROC_STATE_RUNNING 1
#define PROC_STATE_ZOMBIE  2   /* ended, not yet waited for */
#define PROC_NAME_WORDS    4   /* 32 bytes */

/* The C library's view of PROC_NEXT, for ps and the like. */
struct atom_process_info {
    int pid, ppid, state;
    char name[PROC_NAME_WORDS * 8];  /* NUL-terminated */
};

/* Asks init to switch the machine off or restart it (op: ATOM_POWER_OFF
 * or ATOM_POWER_REBOOT from <atom/sysinfo.h>).  Returns only on failure:
 * -1 with errno set (ENOTSUP: it cannot be switched off by software). */
int atom_power(int op);

/* Fills *out with the process after pid `after` (0: the first); returns
 * its pid, 0 after the last, or -1 with errno set. */
int atom_process_next(int after, struct atom_process_info *out);

#endif
