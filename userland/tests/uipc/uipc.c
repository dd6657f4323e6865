/*
 * uipc: IPC between two processes, run by the self-test boot.
 *
 *   uipc server          serves calls on handle 2 (an endpoint, all rights)
 *   uipc client BADGE    calls through handle 2 (WRITE|GRANT, badged BADGE)
 *
 * The client checks register ping-pong, long messages through the IPC
 * buffer, badges, capability transfer (and its refusal without GRANT),
 * timeouts, a saved reply, and that a call fails with EPIPE when the
 * server dies holding it.  Each process exits 0 when everything held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atom/cap.h>
#include <atom/raw_syscall.h>

#define EP 2
#define ROUNDS 1000

#include <atom/memory.h>

enum { OP_PING = 1, OP_SUM, OP_TAKE_CAP, OP_SAVED_REPLY, OP_DIE, OP_SHARE };

#define SHARED_VA_CLIENT 0x600000000000ull
#define SHARED_VA_SERVER 0x610000000000ull

static int failures;

#define CHECK(cond, ...)                                 \
    do {                                                 \
        if (!(cond)) {                                   \
            printf("uipc: FAIL %s:%d: ", __func__, __LINE__); \
            printf(__VA_ARGS__);                         \
            printf("\n");                                \
            failures++;                                  \
        }                                                \
    } while (0)

static int server(void)
{
    struct atom_ipc_buffer *buf = atom_ipc_buffer();
    struct atom_msg m = { 0 };
    long r = atom_ipc(ATOM_SYS_IPC_RECV, EP, &m, ATOM_TIMEOUT_FOREVER);
    for (;;) {
        if (r < 0) {
            printf("uipc server: receive failed: %ld\n", r);
            return 1;
        }
        uint64_t label = ATOM_MSG_LABEL(m.info);
        struct atom_msg reply = { ATOM_MSG_INFO(label, 2, 0), 0, { 0 } };
        switch (label) {
        case OP_PING:
            reply.w[0] = m.w[0] + 1;
            reply.w[1] = m.badge;
            break;
        case OP_SUM: {
            uint64_t sum = m.w[0] + m.w[1] + m.w[2] + m.w[3];
            for (unsigned i = 4; i < ATOM_MSG_NWORDS(m.info); i++)
                sum += buf->words[i];
            reply.w[0] = sum;
            reply.w[1] = ATOM_MSG_NWORDS(m.info);
            break;
        }
        case OP_TAKE_CAP: {
            int h = buf->recv_caps[0];
            struct atom_cap_info ci = { 0 };
            long ir = ATOM_MSG_NCAPS(m.info) == 1
                          ? atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0) : -1;
            reply.w[0] = ir == 0 ? ci.type : 0;
            reply.w[1] = ir == 0 ? (uint64_t)atom_syscall3(ATOM_SYS_NOTIFY_SIGNAL, h, 0x5, 0) : 99;
            atom_syscall1(ATOM_SYS_CAP_DELETE, h);
            break;
        }
        case OP_SAVED_REPLY: {
            long rh = atom_syscall0(ATOM_SYS_REPLY_SAVE);
            struct atom_msg later = { ATOM_MSG_INFO(OP_SAVED_REPLY, 1, 0), 0, { 42 } };
            long sr = rh >= 0 ? atom_ipc(ATOM_SYS_IPC_SEND, rh, &later, 0) : rh;
            struct atom_cap_info ci;
            long gone = atom_syscall3(ATOM_SYS_CAP_INSPECT, rh, (long)&ci, 0);
            if (rh < 0 || sr != 0 || gone != -ATOM_EBADF)
                printf("uipc server: saved reply %ld, send %ld, after %ld\n", rh, sr, gone);
            /* Nothing left to reply to: the next receive must work. */
            r = atom_ipc(ATOM_SYS_IPC_RECV, EP, &m, ATOM_TIMEOUT_FOREVER);
            continue;
        }
        case OP_SHARE: {
            /* A read-only view of the client's page: map it, read it, and
             * fail to make it writable. */
            int h = buf->recv_caps[0];
            long mr = atom_syscall6(ATOM_SYS_MEM_MAP, 1, h, SHARED_VA_SERVER, 0, 1, ATOM_PROT_READ);
            long wr = atom_syscall6(ATOM_SYS_MEM_MAP, 1, h, SHARED_VA_SERVER + 0x1000, 0, 1,
                                    ATOM_PROT_READ | ATOM_PROT_WRITE);
            long pr = atom_syscall6(ATOM_SYS_MEM_PROTECT, 1, SHARED_VA_SERVER, 1,
                                    ATOM_PROT_READ | ATOM_PROT_WRITE, 0, 0);
            uint64_t sum = 0;
            if (mr == 0)
                for (int i = 0; i < 512; i++)
                    sum += ((volatile uint64_t *)SHARED_VA_SERVER)[i];
            reply.w[0] = sum;
            reply.w[1] = (uint64_t)(mr == 0 && wr == -ATOM_EPERM && pr == -ATOM_EPERM);
            atom_syscall6(ATOM_SYS_MEM_UNMAP, 1, SHARED_VA_SERVER, 1, 0, 0, 0);
            atom_syscall1(ATOM_SYS_CAP_DELETE, h);
            break;
        }
        case OP_DIE:
            printf("uipc server: exiting with a call unanswered\n");
            return 0;
        default:
            reply.info = ATOM_MSG_INFO(0xbad, 0, 0);
        }
        m = reply;
        r = atom_ipc(ATOM_SYS_IPC_REPLY_RECV, EP, &m, ATOM_TIMEOUT_FOREVER);
    }
}

static void test_ping_pong(uint64_t badge)
{
    for (uint64_t i = 0; i < ROUNDS; i++) {
        struct atom_msg m = { ATOM_MSG_INFO(OP_PING, 2, 0), 0, { i, ~i } };
        long r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m, ATOM_TIMEOUT_FOREVER);
        if (r < 0 || m.w[0] != i + 1 || m.w[1] != badge || ATOM_MSG_LABEL(m.info) != OP_PING) {
            CHECK(0, "round %llu: result %ld, w0 %llu, badge %#llx", (unsigned long long)i, r,
                  (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
            return;
        }
    }
    printf("uipc: %d call/reply round trips, badge %#llx seen by the server\n", ROUNDS,
           (unsigned long long)badge);
}

static void test_long_message(void)
{
    struct atom_ipc_buffer *buf = atom_ipc_buffer();
    struct atom_msg m = { ATOM_MSG_INFO(OP_SUM, ATOM_IPC_MAX_WORDS, 0), 0, { 1, 2, 3, 4 } };
    uint64_t expect = 10;
    for (unsigned i = 4; i < ATOM_IPC_MAX_WORDS; i++) {
        buf->words[i] = i * 1000;
        expect += i * 1000;
    }
    long r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m, ATOM_TIMEOUT_FOREVER);
    CHECK(r >= 0 && m.w[0] == expect && m.w[1] == ATOM_IPC_MAX_WORDS,
          "long message: %ld, sum %llu (want %llu), words %llu", r, (unsigned long long)m.w[0],
          (unsigned long long)expect, (unsigned long long)m.w[1]);
    struct atom_msg big = { ATOM_MSG_INFO(OP_SUM, ATOM_IPC_MAX_WORDS + 1, 0), 0, { 0 } };
    CHECK(atom_ipc(ATOM_SYS_IPC_CALL, EP, &big, 0) == -ATOM_EINVAL, "65 words accepted");
    struct atom_msg reserved = { ATOM_MSG_INFO(OP_SUM, 1, 0) | 0x80, 0, { 0 } };
    CHECK(atom_ipc(ATOM_SYS_IPC_CALL, EP, &reserved, 0) == -ATOM_EINVAL, "reserved bits accepted");
}

static void test_cap_transfer(void)
{
    struct atom_ipc_buffer *buf = atom_ipc_buffer();
    long n = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    CHECK(n >= 0, "notification_create: %ld", n);
    buf->send_caps[0] = (int32_t)n;
    buf->send_move = 0;
    struct atom_msg m = { ATOM_MSG_INFO(OP_TAKE_CAP, 0, 1), 0, { 0 } };
    long r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m, ATOM_TIMEOUT_FOREVER);
    CHECK(r >= 0 && m.w[0] == ATOM_OBJ_NOTIFICATION && m.w[1] == 0,
          "transfer: %ld, type %llu, signal %lld", r, (unsigned long long)m.w[0], (long long)m.w[1]);
    long bits = atom_syscall3(ATOM_SYS_NOTIFY_WAIT, n, 1000000000, 0);
    CHECK(bits == 0x5, "the server's signal through the copy: %ld", bits);

    /* Without GRANT the capability cannot travel. */
    long weak = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, n, ATOM_RIGHT_READ | ATOM_RIGHT_WRITE, 0, 0, 0, 0);
    CHECK(weak >= 0, "duplicate: %ld", weak);
    buf->send_caps[0] = (int32_t)weak;
    struct atom_msg m2 = { ATOM_MSG_INFO(OP_TAKE_CAP, 0, 1), 0, { 0 } };
    r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m2, ATOM_TIMEOUT_FOREVER);
    CHECK(r == -ATOM_EPERM, "sent a capability without GRANT: %ld", r);
    buf->send_caps[0] = 12345;
    r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m2, ATOM_TIMEOUT_FOREVER);
    CHECK(r == -ATOM_EBADF, "sent an empty handle: %ld", r);
    atom_syscall1(ATOM_SYS_CAP_DELETE, weak);
    atom_syscall1(ATOM_SYS_CAP_DELETE, n);
    printf("uipc: capability transfer checked\n");
}

static void test_shared_memory(void)
{
    long mem = atom_syscall3(ATOM_SYS_MEM_CREATE, 1, 0, 0);
    long mr = atom_syscall6(ATOM_SYS_MEM_MAP, 1, mem, SHARED_VA_CLIENT, 0, 1,
                            ATOM_PROT_READ | ATOM_PROT_WRITE);
    CHECK(mem >= 0 && mr == 0, "create %ld, map %ld", mem, mr);
    if (mem < 0 || mr != 0)
        return;
    uint64_t *page = (uint64_t *)SHARED_VA_CLIENT, expect = 0;
    for (int i = 0; i < 512; i++) {
        page[i] = (uint64_t)i * 7 + 1;
        expect += page[i];
    }
    long ro = atom_syscall6(ATOM_SYS_CAP_DUPLICATE, mem,
                            ATOM_RIGHT_READ | ATOM_RIGHT_MAP | ATOM_RIGHT_GRANT, 0, 0, 0, 0);
    struct atom_ipc_buffer *buf = atom_ipc_buffer();
    buf->send_caps[0] = (int32_t)ro;
    buf->send_move = 1; /* the server gets it, we keep none */
    struct atom_msg m = { ATOM_MSG_INFO(OP_SHARE, 0, 1), 0, { 0 } };
    long r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m, ATOM_TIMEOUT_FOREVER);
    buf->send_move = 0;
    CHECK(r >= 0 && m.w[0] == expect && m.w[1] == 1,
          "shared page: %ld, server read %llu (want %llu), read-only kept %llu", r,
          (unsigned long long)m.w[0], (unsigned long long)expect, (unsigned long long)m.w[1]);
    struct atom_cap_info ci;
    CHECK(atom_syscall3(ATOM_SYS_CAP_INSPECT, ro, (long)&ci, 0) == -ATOM_EBADF,
          "a moved capability stayed");
    CHECK(atom_syscall6(ATOM_SYS_MEM_UNMAP, 1, SHARED_VA_CLIENT, 1, 0, 0, 0) == 0, "unmap");
    atom_syscall1(ATOM_SYS_CAP_DELETE, mem);
    printf("uipc: shared memory checked\n");
}

static void test_timeouts(void)
{
    long e = atom_syscall0(ATOM_SYS_ENDPOINT_CREATE);
    struct atom_msg m = { ATOM_MSG_INFO(1, 0, 0), 0, { 0 } };
    long r = atom_ipc(ATOM_SYS_IPC_RECV, e, &m, 20000000);
    CHECK(r == -ATOM_ETIMEDOUT, "receive with a timeout: %ld", r);
    r = atom_ipc(ATOM_SYS_IPC_SEND, e, &m, ATOM_TIMEOUT_POLL);
    CHECK(r == -ATOM_EAGAIN, "polling send: %ld", r);
    r = atom_ipc(ATOM_SYS_IPC_CALL, e, &m, 20000000);
    CHECK(r == -ATOM_ETIMEDOUT, "call with a timeout: %ld", r);
    r = atom_ipc(ATOM_SYS_IPC_RECV, e, &m, ATOM_TIMEOUT_POLL);
    CHECK(r == -ATOM_EAGAIN, "polling receive: %ld", r);
    long n = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    r = atom_syscall3(ATOM_SYS_NOTIFY_WAIT, n, 20000000, 0);
    CHECK(r == -ATOM_ETIMEDOUT, "notification wait with a timeout: %ld", r);
    CHECK(atom_syscall1(ATOM_SYS_NOTIFY_POLL, n) == 0, "poll of nothing");
    atom_syscall1(ATOM_SYS_CAP_DELETE, n);
    atom_syscall1(ATOM_SYS_CAP_DELETE, e);
    printf("uipc: timeouts checked\n");
}

static void test_saved_reply_and_death(void)
{
    struct atom_msg m = { ATOM_MSG_INFO(OP_SAVED_REPLY, 0, 0), 0, { 0 } };
    long r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &m, ATOM_TIMEOUT_FOREVER);
    CHECK(r >= 0 && m.w[0] == 42, "saved reply: %ld, w0 %llu", r, (unsigned long long)m.w[0]);
    struct atom_msg die = { ATOM_MSG_INFO(OP_DIE, 0, 0), 0, { 0 } };
    r = atom_ipc(ATOM_SYS_IPC_CALL, EP, &die, ATOM_TIMEOUT_FOREVER);
    CHECK(r == -ATOM_EPIPE, "call to a server that died: %ld", r);
    printf("uipc: saved reply and server death checked\n");
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "server") == 0)
        return server();
    if (argc < 3 || strcmp(argv[1], "client") != 0) {
        printf("usage: uipc server | uipc client BADGE\n");
        return 2;
    }
    uint64_t badge = strtoull(argv[2], NULL, 0);
    test_ping_pong(badge);
    test_long_message();
    test_cap_transfer();
    test_shared_memory();
    test_timeouts();
    test_saved_reply_and_death();
    printf("uipc: client done, %d failures\n", failures);
    return failures != 0;
}
