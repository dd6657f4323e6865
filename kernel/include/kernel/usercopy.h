/* Safe access to user memory (kernel/proc/usercopy.c): the one way the
 * kernel reads or writes through a pointer that came from user space.
 * Each call checks that the whole range lies in the user half and turns a
 * fault on an unmapped or protected page into E_FAULT. */
#ifndef KERNEL_USERCOPY_H
#define KERNEL_USERCOPY_H

#include <stddef.h>
#include <stdint.h>

int copy_from_user(void *dst, uint64_t user_src, size_t len);
int copy_to_user(uint64_t user_dst, const void *src, size_t len);

#endif
