/* init's configuration, /etc/init.conf (conf.c): which programs init
 * starts, in order, with which of its device capabilities, and whether it
 * restarts them.  One entry per line, '#' starts a comment:
 *
 *   service NAME PROGRAM [CAP ...] [-- ARG ...]   restarted whenever it ends
 *       (except with exit status 69, EX_UNAVAILABLE: its device is missing)
 *   once    NAME PROGRAM [CAP ...] [-- ARG ...]   run once, not restarted
 *   test    NAME PROGRAM [CAP ...] [-- ARG ...]   a test: see below
 *
 * Tests run one at a time, in order, after everything else has started;
 * each passes if it exits with status 0.  When the last has ended init
 * logs the count, stops every service and exits with the number that
 * failed: the self-test boot runs the user-space suite this way.
 *
 * NAME: 1-31 of [a-z0-9_-], unique.  PROGRAM: an absolute path.  CAP is
 * what the program gets from the boot manifest's capabilities, landing
 * in its table from handle 2 in the order written: irq:N, ioport:BASE (the
 * manifest's range starting there), framebuffer, initrd; or vfs-server,
 * the file-server endpoint to receive on; console-server, the console
 * server's; console:keyboard, console:display or console:serial, the
 * console server badged for that driver's role (<atom/console.h>).  After
 * those every program gets its process-server capability, VFS session
 * and console capability (<atom/startup.h> says where), except the one
 * that serves the VFS: init waits for it, so it must never wait for init.  ARGs follow the
 * program name in its argv.  A bad line is reported and skipped; the
 * others still run.  Pure C, so the host unit tests build it too. */
#ifndef INIT_CONF_H
#define INIT_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_NAME_MAX  32
#define CONF_PATH_MAX  128
#define CONF_MAX_CAPS  8
#define CONF_MAX_ARGS  16
#define CONF_ARGS_BYTES 256

enum conf_kind { CONF_SERVICE, CONF_ONCE, CONF_TEST };

enum conf_cap_kind {
    CONF_CAP_IRQ, CONF_CAP_IOPORT, CONF_CAP_FRAMEBUFFER, CONF_CAP_INITRD, CONF_CAP_VFS_SERVER,
    CONF_CAP_CONSOLE_SERVER, CONF_CAP_CONSOLE
};

struct conf_cap {
    enum conf_cap_kind kind;
    uint32_t value;                 /* irq: the line; ioport: the base;
                                       console: the CONSOLE_ROLE_* */
};

struct conf_entry {
    enum conf_kind kind;
    unsigned line;
    char name[CONF_NAME_MAX];
    char program[CONF_PATH_MAX];
    struct conf_cap caps[CONF_MAX_CAPS];
    size_t cap_count;
    const char *args[CONF_MAX_ARGS]; /* into arg_text */
    size_t arg_count;
    char arg_text[CONF_ARGS_BYTES];
};

typedef void (*conf_report_t)(void *ctx, unsigned line, const char *problem);

/* Parses `len` bytes of text into at most `max` entries and returns how
 * many it filled; each bad line is reported (with its number) and
 * skipped, as are entries beyond `max`. */
size_t conf_parse(const char *text, size_t len, struct conf_entry *out, size_t max,
                  conf_report_t report, void *ctx);

#endif
