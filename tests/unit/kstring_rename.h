/* Host builds of kernel/lib/string.c rename its functions so that the
 * kernel's own versions are tested, not the C library's. */
#define memcpy  kstr_memcpy
#define memmove kstr_memmove
#define memset  kstr_memset
#define memcmp  kstr_memcmp
#define strlen  kstr_strlen
#define strnlen kstr_strnlen
#define strcmp  kstr_strcmp
#define strncmp kstr_strncmp
#define strchr  kstr_strchr
#define strlcpy kstr_strlcpy
