/*
 * ucaps: every capability system call, and every right, from user space.
 * Run by the self-test boot; exits 0 when every check held.
 *
 * For each call: success, a handle naming nothing (EBADF), a capability
 * of the wrong type (EINVAL), and a capability without the right the
 * operation needs (EPERM, checked right by right).  Also: duplicates never
 * widen rights, badges are set once, revoke removes every derived
 * capability (which then answer EBADF), and the process's own
 * capabilities (handles 0 and 1) are what the ABI says.
 */
#include <stdint.h>
#include <stdio.h>

#include <atom/cap.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>

static int failures, checks;

#define EXPECT(call, want)                                                        \
    do {                                                                          \
        long got_ = (call);                                                       \
        checks++;                                                                 \
        if (got_ != (want)) {                                                     \
            printf("ucaps: FAIL line %d: %s = %ld, want %ld\n", __LINE__, #call, got_, \
                   (long)(want));                                                 \
            failures++;                                                           \
        }                                                                         \
    } while (0)

#define ALL ATOM_RIGHTS_ALL

static long dup(long h, long rights)
{
    return atom_syscall6(ATOM_SYS_CAP_DUPLICATE, h, rights, 0, 0, 0, 0);
}

static long dup_badged(long h, long rights, long badge)
{
    return atom_syscall6(ATOM_SYS_CAP_DUPLICATE, h, rights, badge, ATOM_DUP_SET_BADGE, 0, 0);
}

static long del(long h)
{
    return atom_syscall1(ATOM_SYS_CAP_DELETE, h);
}

static struct atom_cap_info inspect(long h, long *result)
{
    struct atom_cap_info ci = { 0, 0, 0, 0 };
    *result = atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0);
    return ci;
}

static void test_own_capabilities(void)
{
    long r;
    struct atom_cap_info ci = inspect(0, &r);
    EXPECT(r, 0);
    EXPECT(ci.type, ATOM_OBJ_PROCESS);
    EXPECT(ci.rights, ALL);
    ci = inspect(1, &r);
    EXPECT(r, 0);
    EXPECT(ci.type, ATOM_OBJ_ADDRESS_SPACE);
}

static void test_duplicate_and_inspect(void)
{
    long ep = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    EXPECT(ep >= 0, 1);
    long r;
    struct atom_cap_info ci = inspect(ep, &r);
    EXPECT(ci.type, ATOM_OBJ_ENDPOINT);
    EXPECT(ci.rights, ALL);
    EXPECT(ci.badge, 0);
    EXPECT(ci.size, 0); /* only memory objects have a size */

    long ro = dup(ep, ATOM_RIGHT_READ | ATOM_RIGHT_DUPLICATE);
    EXPECT(ro >= 0, 1);
    ci = inspect(ro, &r);
    EXPECT(ci.rights, ATOM_RIGHT_READ | ATOM_RIGHT_DUPLICATE);
    /* never wider than the source */
    EXPECT(dup(ro, ATOM_RIGHT_READ | ATOM_RIGHT_WRITE), -ATOM_EPERM);
    EXPECT(dup(ro, ALL), -ATOM_EPERM);
    /* needs DUPLICATE */
    long nodup = dup(ep, ATOM_RIGHT_READ);
    EXPECT(dup(nodup, ATOM_RIGHT_READ), -ATOM_EPERM);
    /* bad arguments */
    EXPECT(dup(ep, 0x40), -ATOM_EINVAL);
    EXPECT(dup(4000, ATOM_RIGHT_READ), -ATOM_EBADF);
    EXPECT(dup(-1, ATOM_RIGHT_READ), -ATOM_EBADF);
    EXPECT(atom_syscall6(ATOM_SYS_CAP_DUPLICATE, ep, 1, 5, 0, 0, 0), -ATOM_EINVAL);
    EXPECT(atom_syscall6(ATOM_SYS_CAP_DUPLICATE, ep, 1, 0, ATOM_DUP_SET_BADGE, 0, 0), -ATOM_EINVAL);
    EXPECT(atom_syscall6(ATOM_SYS_CAP_DUPLICATE, ep, 1, 0, 2, 0, 0), -ATOM_EINVAL);
    /* badges: set once, inherited after */
    long b = dup_badged(ep, ALL, 77);
    ci = inspect(b, &r);
    EXPECT(ci.badge, 77);
    EXPECT(dup_badged(b, ALL, 78), -ATOM_EPERM);
    long b2 = dup(b, ATOM_RIGHT_WRITE);
    ci = inspect(b2, &r);
    EXPECT(ci.badge, 77);
    /* inspect errors */
    inspect(4000, &r);
    EXPECT(r, -ATOM_EBADF);
    EXPECT(atom_syscall3(ATOM_SYS_CAP_INSPECT, ep, 0, 0), -ATOM_EFAULT);
    EXPECT(atom_syscall3(ATOM_SYS_CAP_INSPECT, ep, (long)0xffff800000000000ul, 0), -ATOM_EFAULT);
    /* delete */
    EXPECT(del(b2), 0);
    EXPECT(del(b2), -ATOM_EBADF);
    EXPECT(del(-5), -ATOM_EBADF);
    del(b);
    del(nodup);
    del(ro);
    del(ep);
}

static void test_revoke(void)
{
    long ep = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    long child = dup(ep, ALL);
    long grandchild = dup(child, ATOM_RIGHT_WRITE | ATOM_RIGHT_DUPLICATE);
    long great = dup(grandchild, ATOM_RIGHT_WRITE);
    long sibling = dup(ep, ATOM_RIGHT_READ);
    long norevoke = dup(ep, ATOM_RIGHT_READ | ATOM_RIGHT_DUPLICATE);
    EXPECT(atom_syscall1(ATOM_SYS_CAP_REVOKE, norevoke), -ATOM_EPERM);
    EXPECT(atom_syscall1(ATOM_SYS_CAP_REVOKE, child), 0);
    long r;
    inspect(child, &r);
    EXPECT(r, 0); /* revoke keeps the capability itself */
    inspect(grandchild, &r);
    EXPECT(r, -ATOM_EBADF);
    inspect(great, &r);
    EXPECT(r, -ATOM_EBADF);
    inspect(sibling, &r);
    EXPECT(r, 0);
    /* use after revoke fails */
    struct atom_msg m = { ATOM_MSG_INFO(1, 0, 0), 0, { 0 } };
    EXPECT(atom_ipc(ATOM_SYS_IPC_SEND, great, &m, ATOM_TIMEOUT_POLL), -ATOM_EBADF);
    EXPECT(atom_syscall1(ATOM_SYS_CAP_REVOKE, ep), 0);
    inspect(child, &r);
    EXPECT(r, -ATOM_EBADF);
    inspect(sibling, &r);
    EXPECT(r, -ATOM_EBADF);
    inspect(norevoke, &r);
    EXPECT(r, -ATOM_EBADF);
    EXPECT(atom_syscall1(ATOM_SYS_CAP_REVOKE, 4000), -ATOM_EBADF);
    del(ep);
}

/* Each operation fails with EPERM without its right and works with it. */
static void test_rights(void)
{
    long ep = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    long n = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    struct atom_msg m = { ATOM_MSG_INFO(1, 0, 0), 0, { 0 } };
    long ep_nowrite = dup(ep, ALL & ~ATOM_RIGHT_WRITE);
    long ep_noread = dup(ep, ALL & ~ATOM_RIGHT_READ);
    EXPECT(atom_ipc(ATOM_SYS_IPC_SEND, ep_nowrite, &m, ATOM_TIMEOUT_POLL), -ATOM_EPERM);
    EXPECT(atom_ipc(ATOM_SYS_IPC_CALL, ep_nowrite, &m, ATOM_TIMEOUT_POLL), -ATOM_EPERM);
    EXPECT(atom_ipc(ATOM_SYS_IPC_SEND, ep_noread, &m, ATOM_TIMEOUT_POLL), -ATOM_EAGAIN);
    EXPECT(atom_ipc(ATOM_SYS_IPC_RECV, ep_noread, &m, ATOM_TIMEOUT_POLL), -ATOM_EPERM);
    EXPECT(atom_ipc(ATOM_SYS_IPC_REPLY_RECV, ep_noread, &m, ATOM_TIMEOUT_POLL), -ATOM_EPERM);
    EXPECT(atom_ipc(ATOM_SYS_IPC_RECV, ep_nowrite, &m, ATOM_TIMEOUT_POLL), -ATOM_EAGAIN);
    /* wrong type */
    EXPECT(atom_ipc(ATOM_SYS_IPC_SEND, n, &m, ATOM_TIMEOUT_POLL), -ATOM_EINVAL);
    EXPECT(atom_ipc(ATOM_SYS_IPC_RECV, n, &m, ATOM_TIMEOUT_POLL), -ATOM_EINVAL);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, ep, 1, 0), -ATOM_EINVAL);
    /* nothing to reply to */
    EXPECT(atom_ipc(ATOM_SYS_IPC_REPLY, 0, &m, 0), -ATOM_EPIPE);
    EXPECT(atom_syscall0(ATOM_SYS_REPLY_SAVE), -ATOM_EPIPE);

    long n_nowrite = dup(n, ALL & ~ATOM_RIGHT_WRITE);
    long n_noread = dup(n, ALL & ~ATOM_RIGHT_READ);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, n_nowrite, 1, 0), -ATOM_EPERM);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, n_noread, 3, 0), 0);
    EXPECT(atom_syscall1(ATOM_SYS_NOTIFY_POLL, n_noread), -ATOM_EPERM);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_WAIT, n_noread, ATOM_TIMEOUT_POLL, 0), -ATOM_EPERM);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_WAIT, n_nowrite, 0, 0), 3);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, n, 0, 0), -ATOM_EINVAL);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, n, (long)(1ull << 63), 0), -ATOM_EINVAL);
    /* a badged notification capability adds its badge to the bits */
    long nb = dup_badged(n, ATOM_RIGHT_WRITE, 0x100);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, nb, 0, 0), 0);
    EXPECT(atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, nb, 1, 0), 0);
    EXPECT(atom_syscall1(ATOM_SYS_NOTIFY_POLL, n), 0x101);
    EXPECT(atom_syscall1(ATOM_SYS_NOTIFY_POLL, n), 0);

    /* memory: MAP to map at all, READ and WRITE for those protections */
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, 2, 0, 0);
    EXPECT(mem >= 0, 1);
    long mem_nomap = dup(mem, ALL & ~ATOM_RIGHT_MAP);
    long mem_ro = dup(mem, ATOM_RIGHT_READ | ATOM_RIGHT_MAP);
    long inspected;
    EXPECT(inspect(mem_ro, &inspected).size, 2); /* the object's pages, whatever the rights */
    long as_ro = dup(1, ALL & ~ATOM_RIGHT_WRITE);
    const long va = 0x500000000000;
    EXPECT(atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem_nomap, va, 0, 1, ATOM_PROT_READ), -ATOM_EPERM);
    EXPECT(atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem_ro, va, 0, 1, ATOM_PROT_READ | ATOM_PROT_WRITE),
           -ATOM_EPERM);
    EXPECT(atom_syscall6(ATOM_SYS_MEM_MAP, as_ro, mem, va, 0, 1, ATOM_PROT_READ), -ATOM_EPERM);
    EXPECT(atom_syscall6(ATOM_SYS_MEM_MAP, ep, mem, va, 0, 1, ATOM_PROT_READ), -ATOM_EINVAL);
    EXPECT(atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem_ro, va, 0, 1, ATOM_PROT_READ), 0);
    /* a read-only mapping cannot be made writable */
    EXPECT(atom_syscall6(ATOM_SYS_MEM_PROTECT, 1, va, 1, ATOM_PROT_READ | ATOM_PROT_WRITE, 0, 0),
           -ATOM_EPERM);
    EXPECT(atom_syscall6(ATOM_SYS_MEM_UNMAP, as_ro, va, 1, 0, 0, 0), -ATOM_EPERM);
    EXPECT(atom_syscall6(ATOM_SYS_MEM_UNMAP, 1, va, 1, 0, 0, 0), 0);

    /* process and thread capabilities need WRITE */
    long self_ro = dup(0, ALL & ~ATOM_RIGHT_WRITE);
    EXPECT(atom_syscall1(ATOM_SYS_PROCESS_KILL, self_ro), -ATOM_EPERM);
    EXPECT(atom_syscall3(ATOM_SYS_PROCESS_GRANT, self_ro, ep, 0), -ATOM_EPERM);
    EXPECT(atom_syscall6(ATOM_SYS_THREAD_CREATE, self_ro, 0x400000, 0, 0, 1, 0), -ATOM_EPERM);
    EXPECT(atom_syscall1(ATOM_SYS_PROCESS_KILL, ep), -ATOM_EINVAL);
    /* granting needs GRANT on the capability granted */
    long ep_nogrant = dup(ep, ALL & ~ATOM_RIGHT_GRANT);
    EXPECT(atom_syscall3(ATOM_SYS_PROCESS_GRANT, 0, ep_nogrant, 0), -ATOM_EPERM);
    long g = atom_syscall3(ATOM_SYS_PROCESS_GRANT, 0, ep, 0);
    EXPECT(g >= 0, 1);
    EXPECT(atom_syscall3(ATOM_SYS_PROCESS_GRANT, 0, ep, 7), -ATOM_EINVAL);
    /* devices: this program has none of them */
    EXPECT(atom_syscall3(ATOM_SYS_IRQ_BIND, ep, n, 1), -ATOM_EINVAL);
    EXPECT(atom_syscall1(ATOM_SYS_IRQ_ACK, 4000), -ATOM_EBADF);
    EXPECT(atom_syscall3(ATOM_SYS_IOPORT_IN, ep, 0x60, 1), -ATOM_EINVAL);
    EXPECT(atom_syscall6(ATOM_SYS_IOPORT_OUT, 4000, 0x60, 1, 0, 0, 0), -ATOM_EBADF);
    del(g);
    del(ep_nogrant);
    del(self_ro);
    del(as_ro);
    del(mem_ro);
    del(mem_nomap);
    del(mem);
    del(nb);
    del(n_noread);
    del(n_nowrite);
    del(ep_noread);
    del(ep_nowrite);
    del(n);
    del(ep);
}

/* Everything created was deleted: the table holds only 0 and 1 again. */
static void test_nothing_left(void)
{
    long r;
    for (long h = 2; h < 64; h++) {
        inspect(h, &r);
        if (r != -ATOM_EBADF) {
            printf("ucaps: FAIL handle %ld still in use\n", h);
            failures++;
        }
    }
}

int main(void)
{
    test_own_capabilities();
    test_duplicate_and_inspect();
    test_revoke();
    test_rights();
    test_nothing_left();
    printf("ucaps: %d checks, %d failures\n", checks, failures);
    return failures != 0;
}
