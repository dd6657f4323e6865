/*
 * ipc_selftest.c: self-tests of IPC.  Two user processes talk through an
 * endpoint given to them at start, one badged (tests/uipc: ping-pong,
 * long messages, capability transfer, timeouts, saved replies, a server
 * dying mid-call); and, with kernel threads, priority inheritance: a
 * high-priority client calling a low-priority server is not held up by a
 * middle-priority thread that would otherwise starve the server.
 */
#include <kernel/device.h>
#include <kernel/endpoint.h>
#include <kernel/error.h>
#include <kernel/memory.h>
#include <kernel/process.h>
#include <kernel/selftest.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/ustar.h>

#define UIPC_BADGE 0x1234

static const char *const no_env[] = { "PATH=/bin", NULL };

static struct process *load(const struct selftest_env *env, const char *const argv[])
{
    struct ustar_entry e;
    int err;
    if (!env->initrd || !ustar_find(env->initrd, env->initrd_size, "tests/uipc", &e))
        return NULL;
    return process_load(argv[0], e.data, e.size, argv, no_env, &err);
}

SELFTEST(ipc_between_two_processes)
{
    static const char *const server_argv[] = { "uipc", "server", NULL };
    static const char *const client_argv[] = { "uipc", "client", "0x1234", NULL };
    struct process *server = load(env, server_argv);
    struct process *client = load(env, client_argv);
    struct endpoint *ep = endpoint_create();
    const char *fail = NULL;
    int hs = -1, hc = -1;
    if (!server || !client || !ep)
        fail = "could not load tests/uipc";
    /* The boot manifest's job, done by hand: the server gets the endpoint,
     * the client a badged copy that can only send and grant. */
    if (!fail && (cap_insert_root(server->cspace, &ep->obj, ATOM_RIGHTS_ALL, 0, &hs) != E_OK ||
                  cap_duplicate(server->cspace, hs, client->cspace,
                                ATOM_RIGHT_WRITE | ATOM_RIGHT_GRANT, UIPC_BADGE, true,
                                &hc) != E_OK || hs != 2 || hc != 2))
        fail = "could not give the endpoint";
    if (!fail && (process_start(server) != E_OK || process_start(client) != E_OK))
        fail = "could not start tests/uipc";
    if (ep)
        kobject_put(&ep->obj);
    if (fail) {
        if (server)
            process_kill(server);
        if (client)
            process_kill(client);
    }
    int sc = client ? process_wait(client) : -1;
    int ss = server ? process_wait(server) : -1;
    if (fail)
        return fail;
    if (sc != 0)
        return "the uipc client reported failures (see its output)";
    if (ss != 0)
        return "the uipc server failed";
    return NULL;
}

/* A driver in user space: tests/uirq gets the RTC's interrupt line and
 * the CMOS ports, as the boot manifest would give them, and takes
 * interrupts through a notification. */
SELFTEST(ipc_notification_from_irq)
{
    static const char *const argv[] = { "uirq", NULL };
    struct ustar_entry e;
    int err, h;
    uint32_t gsi;
    unsigned flags;
    if (acpi_irq_to_gsi(env->acpi, 8, &gsi, &flags) != 0)
        return "no GSI for the RTC";
    if (!env->initrd || !ustar_find(env->initrd, env->initrd_size, "tests/uirq", &e))
        return "no tests/uirq";
    struct process *p = process_load("uirq", e.data, e.size, argv, no_env, &err);
    struct kobject *irq = NULL, *ports = NULL;
    const char *fail = NULL;
    if (!p || irq_cap_create(gsi, flags, &irq) != E_OK || ioport_create(0x70, 2, &ports) != E_OK)
        fail = "out of memory";
    if (!fail && (cap_insert_root(p->cspace, irq, ATOM_RIGHTS_ALL, 0, &h) != E_OK || h != 2 ||
                  cap_insert_root(p->cspace, ports, ATOM_RIGHTS_ALL, 0, &h) != E_OK || h != 3))
        fail = "could not give the capabilities";
    /* The first page of the framebuffer's memory as handle 4. */
    struct memobj *fb = NULL;
    const struct mb2_info *b = env->boot;
    if (!fail && b->has_framebuffer) {
        uint64_t first = b->fb.addr & ~0xfffull;
        if (memobj_create_phys(first, 1, VM_CACHE_WC, &fb) != E_OK ||
            cap_insert_root(p->cspace, &fb->obj, ATOM_RIGHT_READ | ATOM_RIGHT_WRITE | ATOM_RIGHT_MAP,
                            0, &h) != E_OK ||
            h != 4)
            fail = "could not give the framebuffer";
    }
    if (fb)
        kobject_put(&fb->obj);
    if (irq)
        kobject_put(irq);
    if (ports)
        kobject_put(ports);
    if (!fail && process_start(p) != E_OK)
        fail = "could not start tests/uirq";
    if (fail && p)
        process_kill(p); /* never started: ends at once */
    int status = p ? process_wait(p) : -1;
    if (fail)
        return fail;
    return status == 0 ? NULL : "tests/uirq reported failures (see its output)";
}

/* ---- priority inheritance ------------------------------------------------- */

static struct endpoint *pi_ep;
static volatile bool pi_stop;
static volatile bool pi_spinner_gave_up;

static int pi_server(void *arg)
{
    (void)arg;
    struct thread *t = thread_current();
    if (ipc_recv(pi_ep, ATOM_TIMEOUT_FOREVER) != E_OK)
        return 1;
    /* Running here at all, with the spinner ready above our own priority,
     * is the inheritance at work. */
    t->ipc.msg.info = ATOM_MSG_INFO(7, 1, 0);
    t->ipc.msg.words[0] = t->priority;
    return ipc_reply() == E_OK ? 0 : 2;
}

static int pi_spinner(void *arg)
{
    (void)arg;
    uint64_t deadline = time_monotonic_ns() + 2000000000ull;
    while (!pi_stop) {
        if (time_monotonic_ns() > deadline) {
            pi_spinner_gave_up = true;
            break;
        }
    }
    return 0;
}

SELFTEST(ipc_priority_inheritance)
{
    pi_ep = endpoint_create();
    if (!pi_ep)
        return "out of memory";
    pi_stop = false;
    pi_spinner_gave_up = false;
    struct thread *self = thread_current();
    unsigned old = self->priority;
    thread_set_priority(self, 20);
    struct thread *server = thread_create("pi-server", pi_server, NULL, 5);
    thread_sleep_ns(20000000); /* the server is waiting in receive */
    struct thread *spinner = thread_create("pi-spinner", pi_spinner, NULL, 10);
    self->ipc.msg.info = ATOM_MSG_INFO(1, 0, 0);
    int err = ipc_send(pi_ep, 0, true, ATOM_TIMEOUT_FOREVER);
    uint64_t server_priority = self->ipc.msg.words[0];
    bool gave_up = pi_spinner_gave_up;
    unsigned after = server ? server->priority : 0;
    pi_stop = true;
    thread_set_priority(self, old);
    int s1 = server ? thread_join(server) : -1;
    if (spinner)
        thread_join(spinner);
    kobject_put(&pi_ep->obj);
    if (!server || !spinner)
        return "could not create the threads";
    if (err != E_OK || s1 != 0)
        return "the call failed";
    if (gave_up)
        return "the server waited behind the middle-priority thread";
    if (server_priority != 20)
        return "the server did not run at its client's priority";
    if (after != 5)
        return "the server kept the inherited priority after replying";
    return NULL;
}
