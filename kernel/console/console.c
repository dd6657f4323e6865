/*
 * console.c: the list of console sinks.  Registration replays the log kept
 * so far into the new sink, so a console that starts late (the framebuffer,
 * after the boot information has been parsed) still shows the whole boot.
 * A suspended sink (its device handed to user space) is skipped until a
 * panic resumes it.
 */
#include <kernel/console.h>
#include <kernel/log.h>

static struct console *consoles;

static void replay_into(void *ctx, const char *s, size_t n)
{
    struct console *con = ctx;
    if (n)
        con->write(con, s, n);
}

void console_register(struct console *con)
{
    log_replay(replay_into, con);
    con->next = NULL;
    struct console **tail = &consoles;
    while (*tail)
        tail = &(*tail)->next;
    *tail = con;
}

void console_write(const char *s, size_t n)
{
    for (struct console *c = consoles; c; c = c->next)
        if (!__atomic_load_n(&c->suspended, __ATOMIC_ACQUIRE))
            c->write(c, s, n);
}

bool console_suspend(struct console *con)
{
    return !__atomic_exchange_n(&con->suspended, true, __ATOMIC_ACQ_REL);
}

void console_resume_all(void)
{
    for (struct console *c = consoles; c; c = c->next)
        if (__atomic_exchange_n(&c->suspended, false, __ATOMIC_ACQ_REL) && c->resume)
            c->resume(c);
}
