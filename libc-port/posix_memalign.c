/*
 * posix_memalign for newlib on Atom.
 *
 * newlib 3.3's aligned_alloc is written in terms of posix_memalign, which
 * newlib itself only defines in some operating-system directories (Linux,
 * RTEMS), none of which x86_64-elf uses.  This fills the gap with newlib's
 * own memalign.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

int posix_memalign(void **out, size_t alignment, size_t size)
{
	void *block;

	/* POSIX: a power of two and a multiple of sizeof(void *). */
	if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
		return EINVAL;
	block = memalign(alignment, size);
	if (block == NULL)
		return ENOMEM;
	*out = block;
	return 0;
}
