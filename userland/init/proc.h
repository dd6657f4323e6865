/* init's process server (proc.c): the table of every process init has
 * started, the <atom/proc.h> protocol, and the reports the kernel sends
 * when one of them ends. */
#ifndef INIT_PROC_H
#define INIT_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <atom/raw_syscall.h>

struct proc;

/* endpoint: init's own (reports and requests arrive there, all rights);
 * vfs: the VFS endpoint (unbadged, all rights), or -1. */
void proc_init(long endpoint, long vfs, long console);

/* Starts a service: a child of init named `name`, the program's file at
 * elf, with the grants (from handle 2 on), then its process-server
 * capability and VFS session unless `serves_vfs`: then it is the file
 * server, which init talks to while it runs.  `owner` is passed
 * back to init_service_ended().  Returns its pid, or a negated errno. */
int proc_start_service(const char *name, const void *elf, size_t elf_size,
                       const char *const *argv, const char *const *envp,
                       const long *grants, size_t grant_count, bool serves_vfs, void *owner);

/* Ends a process as if by signal sig (its status says so). */
void proc_kill_pid(int pid, int sig);

/* A message that arrived on init's endpoint. */
bool proc_is_report(uint64_t badge);
void proc_report(const struct atom_msg *m);
void proc_request(struct atom_msg *m);

/* Implemented by init.c: a service `owner` has ended with wait status
 * `status`; `how` describes it ("exited with status 3", "crashed: ..."). */
void init_service_ended(void *owner, const char *how, int status);

#endif
