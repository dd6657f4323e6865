/* Freestanding string and memory routines (kernel/lib/string.c).  The
 * compiler may emit calls to memcpy/memset/memmove/memcmp itself, so these
 * keep their standard names. */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (when size > 0);
 * returns strlen(src) so truncation can be detected. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

#endif
