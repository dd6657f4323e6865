/*
 * fbcon_selftest.c: the framebuffer hand-over.  The boot framebuffer's
 * memory object is mapped into an address space, as a display driver
 * would map it; from then on the kernel console must leave the pixels
 * alone however much is logged, and the panic path (console_resume_all)
 * must make it draw again.  The pixels are compared through a checksum
 * of the whole screen, so a stray glyph anywhere fails the test.
 */
#include <kernel/aspace.h>
#include <kernel/console.h>
#include <kernel/error.h>
#include <kernel/fbcon.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <kernel/selftest.h>

static uint64_t screen_checksum(const struct mb2_framebuffer *fb)
{
    uint64_t sum = 0;
    for (uint32_t y = 0; y < fb->height; y++)
        for (uint32_t x = 0; x < fb->width; x++) {
            uint32_t px = 0;
            (void)fbcon_read_pixel(x, y, &px);
            sum = sum * 1099511628211ull + px + 1;
        }
    return sum;
}

SELFTEST(fbcon_hands_over_to_user_space)
{
    uint32_t cols, rows;
    fbcon_size(&cols, &rows);
    const struct mb2_framebuffer *fb = &env->boot->fb;
    if (!env->boot->has_framebuffer || fb->type != MB2_FB_RGB || !cols)
        return NULL; /* nothing to check without a pixel framebuffer */
    struct memobj *m = NULL;
    struct aspace *as = NULL;
    if (memobj_create_framebuffer(fb, &m) != E_OK || aspace_create(&as) != E_OK) {
        if (m)
            kobject_put(&m->obj);
        return "out of memory";
    }
    const uint64_t va = 0x40000000;
    uint64_t before = screen_checksum(fb);
    int err = aspace_map(as, m, va, 0, 1, VM_READ | VM_WRITE, VM_READ | VM_WRITE);
    for (int i = 0; i < 3; i++)
        log_info("selftest: this line must reach the serial log only, not the screen");
    uint64_t after = screen_checksum(fb);
    if (err == E_OK)
        (void)aspace_unmap(as, va, 1);
    kobject_put(&as->obj);
    kobject_put(&m->obj);
    console_resume_all(); /* what a panic does */
    log_info("selftest: the kernel console draws again");
    uint64_t resumed = screen_checksum(fb);
    if (err != E_OK)
        return "could not map the framebuffer";
    if (after != before)
        return "the kernel console kept drawing after user space mapped the framebuffer";
    if (resumed == after)
        return "the kernel console did not draw again after console_resume_all";
    return NULL;
}
