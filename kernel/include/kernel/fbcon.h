/* The kernel's framebuffer text console (kernel/console/fbcon.c). */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include <kernel/multiboot2.h>
#include <stdbool.h>
#include <stdint.h>

/* Starts the console on a validated framebuffer and registers it; returns
 * false (after logging why) if the framebuffer cannot be used. */
bool fbcon_init(const struct mb2_framebuffer *fb);

/* User space has mapped the framebuffer: the console stops drawing, with
 * one line in the log (which the suspended console no longer shows); a
 * panic resumes it (console_resume_all).  Idempotent. */
void fbcon_handover(void);

/* Text grid size, 0x0 when there is no framebuffer console. */
void fbcon_size(uint32_t *cols, uint32_t *rows);

/* For self-tests: the colour of one pixel, packed as in the framebuffer,
 * and the packed foreground colour text is drawn in. */
bool fbcon_read_pixel(uint32_t x, uint32_t y, uint32_t *out);
uint32_t fbcon_foreground(void);

#endif
