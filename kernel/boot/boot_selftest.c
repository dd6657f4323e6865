/*
 * boot_selftest.c: self-tests of what the boot stage produced, run on the
 * real machine state (the host unit tests cover the parsers on synthetic
 * input).
 */
#include <kernel/cmdline.h>
#include <kernel/fbcon.h>
#include <kernel/heap.h>
#include <kernel/font.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/ustar.h>

SELFTEST(boot_memory_map_has_usable_memory)
{
    uint64_t usable = 0;
    struct mem_region r;
    for (size_t i = 0; i < mb2_mmap_count(env->boot); i++)
        if (mb2_mmap_entry(env->boot, i, &r) && r.type == MEM_USABLE)
            usable += r.length;
    return usable >= 16ull * 1024 * 1024 ? NULL : "less than 16 MiB usable";
}

SELFTEST(boot_info_has_loader_and_cmdline)
{
    if (!env->boot->bootloader || strncmp(env->boot->bootloader, "GRUB", 4) != 0)
        return "boot loader name missing or not GRUB";
    if (!env->boot->cmdline || !cmdline_has(env->boot->cmdline, "selftest"))
        return "command line missing or without 'selftest'";
    return NULL;
}

SELFTEST(initrd_holds_release_file)
{
    struct ustar_entry e;
    if (!env->initrd)
        return "no valid initrd";
    if (!ustar_find(env->initrd, env->initrd_size, "etc/atom-release", &e))
        return "etc/atom-release not found";
    if (e.size < 5 || memcmp(e.data, "Atom ", 5) != 0)
        return "etc/atom-release does not start with 'Atom '";
    return NULL;
}

static void quiet(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

SELFTEST(initrd_rejects_damaged_copy)
{
    /* A copy of the first header with one byte changed must be refused. */
    static uint8_t copy[3 * USTAR_BLOCK];
    if (!env->initrd || env->initrd_size < USTAR_BLOCK)
        return "no valid initrd";
    memcpy(copy, env->initrd, USTAR_BLOCK);
    memset(copy + USTAR_BLOCK, 0, 2 * USTAR_BLOCK);
    copy[0] ^= 0x01;
    return ustar_validate(copy, sizeof(copy), "copy", NULL, quiet, NULL) == 0
               ? "damaged header accepted" : NULL;
}

SELFTEST(fbcon_draws_glyphs)
{
    uint32_t cols, rows;
    fbcon_size(&cols, &rows);
    if (!env->boot->has_framebuffer || env->boot->fb.type != MB2_FB_RGB || !cols)
        return NULL; /* nothing to check without a pixel framebuffer */
    /* The top text row shows a log line: some pixel of it must be drawn in
     * the foreground colour. */
    for (uint32_t y = 0; y < kernel_font.height; y++)
        for (uint32_t x = 0; x < cols * kernel_font.width; x++) {
            uint32_t px;
            if (fbcon_read_pixel(x, y, &px) && px == fbcon_foreground())
                return NULL;
        }
    return "no foreground pixel in the top text row";
}

/* The real boot information, damaged in a copy: the parser must refuse a
 * total size beyond what is readable, and survive a tag whose size points
 * outside the structure, keeping the tags before it. */
SELFTEST(boot_info_damaged_copy_is_contained)
{
    static struct mb2_info parsed;
    uint32_t total = env->boot->total_size;
    uint8_t *copy = kmalloc(total); /* 8-byte aligned, as the parser needs */
    if (!copy)
        return "no memory for a copy";
    const char *err = NULL;
    memcpy(copy, env->boot_raw, total);
    if (mb2_parse(copy, total - 8, &parsed, quiet, NULL) != -1)
        err = "total size beyond the readable bytes accepted";

    memcpy(copy, env->boot_raw, total);
    uint32_t first_size, huge = 0x7ffffff0;
    memcpy(&first_size, copy + 12, 4);
    uint32_t second = 8 + ((first_size + 7) & ~7u);
    if (!err && second + 8 > total)
        err = "boot information has a single tag";
    if (!err) {
        memcpy(copy + second + 4, &huge, 4);
        if (mb2_parse(copy, total, &parsed, quiet, NULL) != 0 || parsed.errors == 0)
            err = "oversized tag not reported";
        else if (parsed.tag_count != 1)
            err = "tags after the oversized one were read";
    }
    kfree(copy);
    return err;
}
