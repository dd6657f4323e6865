/* Declares the kernel's string routines under their test names (kstr_*),
 * then restores the standard names for the C library. */
#include "kstring_rename.h"
#include <kernel/string.h>
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy
