/* The kernel heap on the host for unit tests of code that allocates
 * (capability spaces, region sets): pages from aligned_alloc, and a switch
 * that makes the page provider fail, for out-of-memory paths. */
#include <kernel/error.h>
#include <kernel/heap.h>
#include <stdlib.h>

#include "unit.h"

#define HOST_PAGE 4096u

bool host_heap_fail;

static void *host_alloc_pages(size_t count)
{
    return host_heap_fail ? NULL : aligned_alloc(HOST_PAGE, count * HOST_PAGE);
}

static void host_free_pages(void *va, size_t count)
{
    (void)count;
    free(va);
}

static const struct heap_page_ops host_page_ops = { host_alloc_pages, host_free_pages };

void host_heap_init(void)
{
    host_heap_fail = false;
    ck_assert_int_eq(heap_init(&host_page_ops), E_OK);
}
