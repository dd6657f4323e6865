/* Processes (kernel/proc/process.c): an address space, a capability
 * space, the threads running in them and an exit status.  A process is a
 * kernel object (ATOM_OBJ_PROCESS).  The kernel loads programs from ELF
 * images (the initrd); user space builds processes with the
 * ATOM_SYS_PROCESS_* calls.
 *
 * Every process starts with capabilities to itself: handle
 * PROCESS_HANDLE_SELF (all rights) and PROCESS_HANDLE_ASPACE (its address
 * space, all rights); capabilities given at start follow from handle 2. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <kernel/cap.h>
#include <kernel/thread.h>
#include <kernel/vm.h>
#include <stdint.h>

#define PROCESS_NAME_MAX    32
#define PROCESS_EXIT_FAULT  (-1)  /* exit status of a process stopped by a fault */
#define PROCESS_EXIT_KILLED (-2)  /* exit status of a killed process */
#define USER_STACK_TOP      0x00007FFFFFFF0000ull
#define USER_STACK_PAGES    16

#define PROCESS_HANDLE_SELF   0
#define PROCESS_HANDLE_ASPACE 1

enum process_state {
    PROCESS_RUNNING,
    PROCESS_EXITING,  /* exit or fault seen; its threads are ending */
    PROCESS_DEAD,     /* no threads left; address and capability spaces gone */
};

struct aspace;
struct endpoint;

#define PROCESS_LOG_LINE 160

struct process {
    struct kobject obj;
    int pid;
    char name[PROCESS_NAME_MAX];
    struct aspace *aspace;
    struct cspace *cspace;
    spinlock_t lock;            /* state, threads, exit status */
    enum process_state state;
    struct thread *threads;     /* live threads (until reaped) */
    unsigned thread_count;
    int exit_status;
    bool faulted;
    struct endpoint *supervisor; /* gets ATOM_MSG_LABEL_EXIT/FAULT, or NULL */
    uint64_t supervisor_badge;
    struct wait_queue ended;    /* kernel waiters (process_wait) */
    uint64_t entry;
    uint64_t initial_sp;
    char out_line[PROCESS_LOG_LINE]; /* debug output not yet ended by a newline */
    size_t out_len;                  /* under out_lock */
    spinlock_t out_lock;
};

static inline struct process *process_of(struct kobject *obj)
{
    return (struct process *)((char *)obj - __builtin_offsetof(struct process, obj));
}

/* A new empty process (no threads) holding capabilities to itself. */
int process_create(const char *name, struct process **out);

/* Loads an ELF image into a new process with its stack built from argv
 * and envp (NULL-terminated), not yet running: give it capabilities, then
 * process_start.  NULL with *err set (and the reason logged) if the image
 * is invalid or memory runs out. */
struct process *process_load(const char *name, const void *elf, size_t size,
                             const char *const argv[], const char *const envp[],
                             int *err);
/* Starts a loaded process's main thread; E_OK or E_NOMEM. */
int process_start(struct process *p);
/* process_load + process_start. */
struct process *process_spawn(const char *name, const void *elf, size_t size,
                              const char *const argv[], const char *const envp[],
                              int *err);

/* Waits for the process to end, drops the caller's reference and returns
 * the exit status (PROCESS_EXIT_FAULT if a fault stopped it). */
int process_wait(struct process *p);

/* Ends the calling thread's process; the supervisor, if any, is told. */
__attribute__((noreturn)) void process_exit_current(int status);
/* A fault in user mode: logged, reported to the supervisor, then as
 * process_exit_current(PROCESS_EXIT_FAULT). */
__attribute__((noreturn)) void process_fault_current(const char *what, uint64_t vector,
                                                     uint64_t error, uint64_t address,
                                                     uint64_t rip);
/* Unmaps a range of p's address space if it still has one (thread.c:
 * a dead thread's IPC buffer). */
void process_unmap_quietly(struct process *p, uint64_t va, uint64_t pages);
/* Ends every thread of p (also those still reporting their exit); E_OK,
 * or E_PIPE if it had already ended. */
int process_kill(struct process *p);
bool process_is_alive(struct process *p);

/* Thread bookkeeping (thread.c). */
int process_add_thread(struct process *p, struct thread *t);
void process_thread_ended(struct process *p, struct thread *t);

struct process *process_current(void);

/* Writes a process's debug output to the kernel log, a line at a time:
 * the text of several writes joins into one line until a newline, a
 * full line (PROCESS_LOG_LINE bytes) or the process's end. */
void process_log_output(struct process *p, const char *text, size_t len);

#endif
