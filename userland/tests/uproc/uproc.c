/*
 * uproc: processes and threads built from user space, run by the
 * self-test boot.  For each child it creates a process with this program
 * as supervisor, maps a few bytes of machine code and a stack into it,
 * starts a thread there and reads what happens on the supervisor
 * endpoint:
 *   - "exit 42" arrives as ATOM_MSG_LABEL_EXIT with status 42 and the
 *     badge given at creation;
 *   - "ud2" and "read address 0" arrive as ATOM_MSG_LABEL_FAULT with the
 *     vector, address and instruction pointer;
 *   - an endless loop is killed with ATOM_SYS_PROCESS_KILL, after which
 *     its process refuses new threads (EPIPE);
 *   - a child stuck reporting its exit to a supervisor that never
 *     listens still ends when killed.
 * It also gives a child a capability with ATOM_SYS_PROCESS_GRANT and
 * threads of its own process with ATOM_SYS_THREAD_CREATE.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <atom/cap.h>
#include <atom/ipc.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>

#define CODE_VA  0x400000ull
#define STACK_VA 0x7f0000000000ull

static int failures;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            printf("uproc: FAIL line %d: ", __LINE__);                    \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
            failures++;                                                   \
        }                                                                 \
    } while (0)

/* mov $ATOM_SYS_EXIT, %eax; mov $42, %edi; syscall */
static const uint8_t code_exit42[] = { 0xb8, 0, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05 };
/* ud2 */
static const uint8_t code_ud2[] = { 0x0f, 0x0b };
/* mov 0, %rax  (absolute address 0) */
static const uint8_t code_null[] = { 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0 };
/* jmp . */
static const uint8_t code_loop[] = { 0xeb, 0xfe };

struct child {
    long process, aspace;
};

/* A new process running `code`; its events go to `sup` with `badge`. */
static int spawn(const char *name, const uint8_t *code, size_t len, long sup, uint64_t badge,
                 struct child *c)
{
    struct atom_process_handles h;
    /* The child's messages carry the badge of the capability given. */
    long badged = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, sup, ATOM_RIGHT_WRITE, (long)badge,
                                ATOM_DUP_SET_BADGE, 0, 0);
    long r = atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)name, (long)strlen(name), badged, 0,
                           (long)&h, 0);
    atom_syscall1(ATOM_SYS_CAP_DELETE, badged);
    if (r != 0)
        return (int)r;
    c->process = h.process;
    c->aspace = h.address_space;
    /* IDs are given out in order and never reused. */
    long self = atom_syscall0(ATOM_SYS_GETPID);
    if (h.pid <= self || h.reserved != 0) {
        printf("uproc: PROCESS_CREATE gave pid %d (we are %ld), reserved %d\n", h.pid, self,
               h.reserved);
        return -ATOM_ERANGE;
    }
    /* The code: fill a page here, then map it executable there. */
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, 1, 0, 0);
    const uint64_t scratch = 0x510000000000ull;
    r = atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem, scratch, 0, 1, ATOM_PROT_READ | ATOM_PROT_WRITE);
    if (r != 0)
        return (int)r;
    memcpy((void *)scratch, code, len);
    atom_syscall6(ATOM_SYS_MEM_UNMAP, 1, scratch, 1, 0, 0, 0);
    r = atom_syscall6(ATOM_SYS_MEM_MAP, c->aspace, mem, CODE_VA, 0, 1,
                      ATOM_PROT_READ | ATOM_PROT_EXEC);
    atom_syscall1(ATOM_SYS_CAP_DELETE, mem); /* the mapping keeps it */
    if (r != 0)
        return (int)r;
    long stack = atom_syscall3(ATOM_SYS_MEM_CREATE, 4, 0, 0);
    r = atom_syscall6(ATOM_SYS_MEM_MAP, c->aspace, stack, STACK_VA, 0, 4,
                      ATOM_PROT_READ | ATOM_PROT_WRITE);
    atom_syscall1(ATOM_SYS_CAP_DELETE, stack);
    if (r != 0)
        return (int)r;
    long t = atom_syscall6(ATOM_SYS_THREAD_CREATE, c->process, CODE_VA, STACK_VA + 4 * 4096, 0,
                           ATOM_PRIORITY_DEFAULT, 0);
    if (t < 0)
        return (int)t;
    atom_syscall1(ATOM_SYS_CAP_DELETE, t);
    return 0;
}

static void forget(struct child *c)
{
    atom_syscall1(ATOM_SYS_CAP_DELETE, c->aspace);
    atom_syscall1(ATOM_SYS_CAP_DELETE, c->process);
}

static long receive(long sup, struct atom_msg *m)
{
    return atom_ipc(ATOM_SYS_IPC_RECV, sup, m, 2000000000ull);
}

static void test_exit_status(long sup)
{
    struct child c;
    int r = spawn("child-exit", code_exit42, sizeof(code_exit42), sup, 0x51, &c);
    CHECK(r == 0, "spawn: %d", r);
    struct atom_msg m = { 0 };
    long got = receive(sup, &m);
    CHECK(got >= 0 && ATOM_MSG_LABEL(m.info) == ATOM_MSG_LABEL_EXIT && m.w[0] == 42 &&
              m.badge == 0x51,
          "exit: %ld, label %#llx, status %lld, badge %#llx", got,
          (unsigned long long)ATOM_MSG_LABEL(m.info), (long long)m.w[0],
          (unsigned long long)m.badge);
    /* A process that has ended takes no new thread. */
    long t = atom_syscall6(ATOM_SYS_THREAD_CREATE, c.process, CODE_VA, STACK_VA + 4096, 0, 1, 0);
    CHECK(t == -ATOM_EPIPE, "thread in an ended process: %ld", t);
    forget(&c);
}

static void test_faults(long sup)
{
    struct child c;
    CHECK(spawn("child-ud2", code_ud2, sizeof(code_ud2), sup, 0x52, &c) == 0, "spawn ud2");
    struct atom_msg m = { 0 };
    long got = receive(sup, &m);
    CHECK(got >= 0 && ATOM_MSG_LABEL(m.info) == ATOM_MSG_LABEL_FAULT && m.w[0] == 6 &&
              m.w[3] == CODE_VA && m.badge == 0x52,
          "ud2: %ld, label %#llx, vector %llu, rip %#llx", got,
          (unsigned long long)ATOM_MSG_LABEL(m.info), (unsigned long long)m.w[0],
          (unsigned long long)m.w[3]);
    forget(&c);
    CHECK(spawn("child-null", code_null, sizeof(code_null), sup, 0x53, &c) == 0, "spawn null");
    got = receive(sup, &m);
    CHECK(got >= 0 && ATOM_MSG_LABEL(m.info) == ATOM_MSG_LABEL_FAULT && m.w[0] == 14 &&
              m.w[2] == 0 && m.w[3] == CODE_VA && m.badge == 0x53,
          "null read: %ld, vector %llu, address %#llx", got, (unsigned long long)m.w[0],
          (unsigned long long)m.w[2]);
    forget(&c);
}

static void test_kill_and_grant(long sup)
{
    struct child c;
    CHECK(spawn("child-loop", code_loop, sizeof(code_loop), sup, 0x54, &c) == 0, "spawn loop");
    /* Give it a capability: a copy lands in its table, after 0 and 1. */
    long n = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    long g = atom_syscall3(ATOM_SYS_PROCESS_GRANT, c.process, n, 0);
    CHECK(g == 2, "granted handle %ld", g);
    long g2 = atom_syscall3(ATOM_SYS_PROCESS_GRANT, c.process, n, ATOM_GRANT_MOVE);
    struct atom_cap_info ci;
    CHECK(g2 == 3 && atom_syscall3(ATOM_SYS_CAP_INSPECT, n, (long)&ci, 0) == -ATOM_EBADF,
          "moved: %ld", g2);
    atom_syscall0(ATOM_SYS_YIELD);
    CHECK(atom_syscall1(ATOM_SYS_PROCESS_KILL, c.process) == 0, "kill");
    /* Until its thread has gone a kill still succeeds; then EPIPE. */
    long k2 = atom_syscall1(ATOM_SYS_PROCESS_KILL, c.process);
    CHECK(k2 == 0 || k2 == -ATOM_EPIPE, "second kill: %ld", k2);
    struct atom_msg m = { 0 };
    CHECK(atom_ipc(ATOM_SYS_IPC_RECV, sup, &m, 50000000ull) == -ATOM_ETIMEDOUT,
          "a killed process sends nothing");
    CHECK(atom_syscall3(ATOM_SYS_PROCESS_GRANT, c.process, sup, 0) == -ATOM_EPIPE,
          "grant to a dead process");
    forget(&c);
}

/* A child whose supervisor never listens is stuck reporting its exit;
 * a kill still ends it. */
static void test_kill_while_reporting(void)
{
    long deaf = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    struct child c;
    CHECK(spawn("child-unheard", code_exit42, sizeof(code_exit42), deaf, 0x55, &c) == 0, "spawn");
    atom_syscall1(ATOM_SYS_SLEEP_NS, 30000000);
    CHECK(atom_syscall1(ATOM_SYS_PROCESS_KILL, c.process) == 0, "kill while reporting");
    long r = 0;
    for (int i = 0; i < 50 && r != -ATOM_EPIPE; i++) {
        atom_syscall1(ATOM_SYS_SLEEP_NS, 10000000);
        r = atom_syscall1(ATOM_SYS_PROCESS_KILL, c.process);
    }
    CHECK(r == -ATOM_EPIPE, "the child ended: %ld", r);
    forget(&c);
    atom_syscall1(ATOM_SYS_CAP_DELETE, deaf);
}

static volatile int thread_ran;
static uint8_t thread_stack[8192] __attribute__((aligned(16)));

static void thread_main(long arg)
{
    thread_ran = (int)arg;
    atom_syscall1(ATOM_SYS_NOTIFY_SIGNAL, 0); /* invalid: just a system call */
    for (;;)
        atom_syscall1(ATOM_SYS_SLEEP_NS, 1000000000);
}

static void test_threads(void)
{
    long t = atom_syscall6(ATOM_SYS_THREAD_CREATE, 0, (long)thread_main,
                           (long)(thread_stack + sizeof(thread_stack)), 7, ATOM_PRIORITY_DEFAULT, 0);
    CHECK(t >= 0, "own thread: %ld", t);
    for (int i = 0; i < 100 && !thread_ran; i++)
        atom_syscall1(ATOM_SYS_SLEEP_NS, 1000000);
    CHECK(thread_ran == 7, "the thread ran with its argument");
    CHECK(atom_syscall3(ATOM_SYS_THREAD_SET_PRIORITY, t, ATOM_PRIORITY_DEFAULT - 1, 0) == 0,
          "lower a priority");
    CHECK(atom_syscall3(ATOM_SYS_THREAD_SET_PRIORITY, t, ATOM_PRIORITY_MAX + 1, 0) == -ATOM_EPERM,
          "raise above the maximum");
    CHECK(atom_syscall3(ATOM_SYS_THREAD_SET_PRIORITY, (long)0x100000000l, 1, 0) == -ATOM_EBADF,
          "a handle wider than 32 bits");
    CHECK(atom_syscall6(ATOM_SYS_THREAD_CREATE, 0, (long)thread_main, 0x1001, 0, 1, 0) ==
              -ATOM_EINVAL, "misaligned stack");
    CHECK(atom_syscall6(ATOM_SYS_THREAD_CREATE, 0, (long)0xffff800000000000ul, 0x1000, 0, 1, 0) ==
              -ATOM_EINVAL, "kernel entry");
    CHECK(atom_syscall6(ATOM_SYS_THREAD_CREATE, 0, (long)thread_main, 0x1000, 0, 99, 0) ==
              -ATOM_EPERM, "priority above our own");
    atom_syscall1(ATOM_SYS_CAP_DELETE, t);
}

int main(void)
{
    long sup = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    CHECK(sup >= 0, "endpoint");
    static const char bad[] = "x";
    struct atom_process_handles h;
    CHECK(atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)bad, 0, -1, 0, (long)&h, 0) == -ATOM_EINVAL,
          "empty name");
    CHECK(atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)bad, 1, -1, 0, 0, 0) == -ATOM_EFAULT,
          "bad out pointer");
    CHECK(atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)bad, 1, 9999, 0, (long)&h, 0) == -ATOM_EBADF,
          "bad supervisor");
    CHECK(atom_syscall6(ATOM_SYS_PROCESS_CREATE, (long)bad, 1, sup, 5, (long)&h, 0) == -ATOM_EINVAL,
          "a badge argument (badges come from the capability)");
    test_exit_status(sup);
    test_faults(sup);
    test_kill_and_grant(sup);
    test_kill_while_reporting();
    test_threads();
    printf("uproc: %d failures\n", failures);
    /* The extra thread is still sleeping: exit ends it too. */
    return failures != 0;
}
