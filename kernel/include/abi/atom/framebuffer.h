/* The boot framebuffer as user space sees it (installed as
 * <atom/framebuffer.h>): what ATOM_SYS_FRAMEBUFFER_INFO stores for the
 * framebuffer's memory object.  docs/abi.md, "Devices", has the rules. */
#ifndef ATOM_FRAMEBUFFER_H
#define ATOM_FRAMEBUFFER_H

#include <stdint.h>

/* A direct-colour framebuffer: pixel (x, y) is the `bpp`-bit value at
 * byte offset `offset + y * pitch + x * bpp / 8` of the memory object
 * (little-endian), each colour `size` bits wide starting at bit `pos`.
 * `offset` is where the framebuffer starts inside its first page.  A VGA
 * text framebuffer reports bpp 16 and every colour size 0. */
struct atom_framebuffer_info {
    uint32_t width, height;   /* pixels */
    uint32_t pitch;           /* bytes per row */
    uint32_t offset;          /* bytes before pixel (0, 0) in the object */
    uint8_t bpp;              /* bits per pixel: 15 or 16, 24, 32 */
    uint8_t red_pos, red_size;
    uint8_t green_pos, green_size;
    uint8_t blue_pos, blue_size;
    uint8_t reserved;         /* 0 */
};

_Static_assert(sizeof(struct atom_framebuffer_info) == 24, "atom_framebuffer_info layout");
_Static_assert(__builtin_offsetof(struct atom_framebuffer_info, bpp) == 16,
               "atom_framebuffer_info.bpp");
_Static_assert(__builtin_offsetof(struct atom_framebuffer_info, blue_size) == 22,
               "atom_framebuffer_info.blue_size");

#endif
