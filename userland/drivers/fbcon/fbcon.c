/*
 * fbcon: the display driver.  It draws the console server's screen
 * terminal (struct console_screen, <atom/console.h>) on the boot
 * framebuffer.
 *
 * Capabilities (init.conf: `framebuffer console:display`): handle 2 the
 * framebuffer's memory object, handle 3 the console server's endpoint
 * badged for the display role.  It reads the geometry
 * (ATOM_SYS_FRAMEBUFFER_INFO), maps the framebuffer (which takes the
 * screen from the kernel's own console), attaches with a notification
 * and the text grid that fits, maps the screen it gets back, and then
 * draws each row whose dirty byte it swaps from 1 to 0 whenever the
 * server signals.  Swapping before drawing means a change made while a
 * row is drawn marks it again, so nothing is lost.  The drawing itself
 * is draw.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include <atom/cap.h>
#include <atom/console.h>
#include <atom/errors.h>
#include <atom/framebuffer.h>
#include <atom/ipc.h>
#include <atom/memory.h>
#include <atom/raw_syscall.h>

#include "draw.h"

#define FB_HANDLE      2
#define CONSOLE_HANDLE 3
#define FB_VA          0x100000000000ull
#define SCREEN_VA      0x110000000000ull
#define WAKE_BIT       1u
#define ATTACH_TIMEOUT_NS 1000000000ull  /* for a server to take the call */
#define RETRY_NS          200000000ull

static const char *error_text(long err)
{
    switch (-err) {
    case ATOM_EBADF: return "no such capability";
    case ATOM_EINVAL: return "invalid";
    case ATOM_EPERM: return "not permitted";
    case ATOM_ENOMEM: return "out of memory";
    default: return "failed";
    }
}

static __attribute__((noreturn)) void fail(const char *what, long err)
{
    fprintf(stderr, "fbcon: %s: %s (%ld)\n", what, error_text(err), -err);
    exit(1);
}

/* Size in pages of the memory object at handle h, or a negative error. */
static long memory_pages(long h)
{
    struct atom_cap_info ci;
    long r = atom_syscall3(ATOM_SYS_CAP_INSPECT, h, (long)&ci, 0);
    if (r < 0)
        return r;
    return ci.type == ATOM_OBJ_MEMORY ? (long)ci.size : -ATOM_EINVAL;
}

/* Maps the whole memory object h, read-write, at va; its size in pages.
 * Exits with a message naming `what` when that fails. */
static long map_whole(long h, uint64_t va, const char *what)
{
    long pages = memory_pages(h);
    if (pages < 0)
        fail(what, pages);
    long r = atom_syscall6(ATOM_SYS_MEM_MAP, 1, h, (long)va, 0, pages,
                           ATOM_PROT_READ | ATOM_PROT_WRITE);
    if (r < 0)
        fail(what, r);
    return pages;
}

/* CONSOLE_ATTACH until a console server answers: the screen's handle. */
static long attach(long notification, uint32_t cols, uint32_t rows)
{
    bool told = false;
    for (;;) {
        struct atom_ipc_buffer *ipc = atom_ipc_buffer();
        ipc->send_caps[0] = (int32_t)notification;
        ipc->send_move = 0;
        struct atom_msg m = { .info = ATOM_MSG_INFO(CONSOLE_ATTACH, 3, 1),
                              .w = { WAKE_BIT, cols, rows, 0 } };
        long r = atom_ipc(ATOM_SYS_IPC_CALL, CONSOLE_HANDLE, &m, ATTACH_TIMEOUT_NS);
        if (r >= 0 && (int64_t)m.w[0] >= 0 && ATOM_MSG_NCAPS(m.info) >= 1)
            return ipc->recv_caps[0];
        if (r == -ATOM_EBADF || r == -ATOM_EINVAL || r == -ATOM_EPERM)
            fail("the console capability (handle 3)", r);
        if (r >= 0 && (int64_t)m.w[0] < 0)
            fprintf(stderr, "fbcon: the console server refused to attach (%lld)\n",
                    (long long)-(int64_t)m.w[0]);
        else if (!told)
            fprintf(stderr, "fbcon: waiting for the console server\n");
        told = true;
        atom_syscall1(ATOM_SYS_SLEEP_NS, RETRY_NS);
    }
}

int main(void)
{
    struct atom_framebuffer_info info;
    long r = atom_syscall3(ATOM_SYS_FRAMEBUFFER_INFO, FB_HANDLE, (long)&info, 0);
    if (r < 0) {
        /* 69 (EX_UNAVAILABLE): the machine has none; init does not restart us. */
        fprintf(stderr, "fbcon: no framebuffer (handle 2 must be the boot framebuffer): %s\n",
                error_text(r));
        return 69;
    }
    long fb_pages = map_whole(FB_HANDLE, FB_VA, "mapping the framebuffer");
    struct fb fb;
    const char *why = fb_setup(&fb, &info, (void *)(uintptr_t)FB_VA,
                               (uint64_t)fb_pages * ATOM_PAGE_SIZE, &psf_font);
    if (why) {
        fprintf(stderr, "fbcon: framebuffer %ux%u, %u bpp: %s\n", info.width, info.height,
                info.bpp, why);
        return 1;
    }
    fb_clear(&fb);

    long notification = atom_syscall0(ATOM_SYS_NOTIFICATION_CREATE);
    if (notification < 0)
        fail("creating a notification", notification);
    long screen_pages = map_whole(attach(notification, fb.cols, fb.rows), SCREEN_VA,
                                  "mapping the screen from the console server");
    const struct console_screen *s = (const void *)(uintptr_t)SCREEN_VA;
    /* The geometry is read once and checked against the object's size, so
     * nothing the server writes later can take a row outside it. */
    uint32_t cols = s->cols, rows = s->rows;
    uint64_t need = sizeof(*s) + (uint64_t)cols * rows * sizeof(struct console_cell);
    if (s->magic != CONSOLE_SCREEN_MAGIC || cols == 0 || rows == 0 || cols > fb.cols ||
        rows > fb.rows || need > (uint64_t)screen_pages * ATOM_PAGE_SIZE) {
        fprintf(stderr, "fbcon: the console server's screen is invalid (%ux%u)\n", cols, rows);
        return 1;
    }
    printf("fbcon: %ux%u, %u bpp: %ux%u text with %s\n", info.width, info.height, info.bpp,
           cols, rows, psf_font.source);
    uint8_t *dirty = (uint8_t *)s->dirty;
    for (;;) {
        for (uint32_t row = 0; row < rows; row++)
            if (__atomic_exchange_n(&dirty[row], 0, __ATOMIC_ACQUIRE))
                fb_draw_row(&fb, s, cols, row);
        r = atom_syscall3(ATOM_SYS_NOTIFY_WAIT, notification, (long)ATOM_TIMEOUT_FOREVER, 0);
        if (r < 0)
            fail("waiting for the console server", r);
    }
}
