/*
 * ulibc: the C library's behaviour on Atom, run by the self-test boot.
 * It grows with the libc port; so far it covers the heap: sbrk on the
 * memory system calls (growth, shrinking, the limit and its errno) and
 * malloc/realloc/free of blocks far beyond one memory object, with every
 * byte written and read back.  Exits with the number of failed checks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            failed++;                                                        \
            printf("ulibc: FAIL line %d: ", __LINE__);                       \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

static void test_sbrk(void)
{
    char *a = sbrk(0);
    CHECK(a != (void *)-1, "sbrk(0)");
    char *b = sbrk(100000);
    CHECK(b == a, "sbrk returns the old break");
    memset(b, 0x5a, 100000); /* mapped and writable */
    CHECK(sbrk(0) == a + 100000, "break moved");
    CHECK(sbrk(-100000) == a + 100000, "shrink returns the old break");
    CHECK(sbrk(0) == a, "break back");
    char *c = sbrk(4096);
    CHECK(c == a && c[0] == 0x5a, "pages kept across a shrink");
    sbrk(-4096);

    errno = 0;
    CHECK(sbrk(-(intptr_t)((uintptr_t)a - 0x0000100000000000ull) - 4096) == (void *)-1 &&
              errno == ENOMEM,
          "shrink below the heap: ENOMEM (errno %d)", errno);
    errno = 0;
    CHECK(sbrk((intptr_t)1 << 40) == (void *)-1 && errno == ENOMEM,
          "beyond the heap's 4 GiB: ENOMEM (errno %d)", errno);
    CHECK(sbrk(0) == a, "failures leave the break alone");
}

static void test_malloc(void)
{
    /* 17 MiB: more than one memory object (16 MiB), little enough for
     * the 32 MiB machine of the boot tests. */
    size_t n = 17u << 20;
    uint32_t *p = malloc(n);
    CHECK(p != NULL, "malloc 17 MiB");
    if (!p)
        return;
    for (size_t i = 0; i < n / 4; i++)
        p[i] = (uint32_t)i * 2654435761u;
    size_t bad = 0;
    for (size_t i = 0; i < n / 4; i++)
        bad += p[i] != (uint32_t)i * 2654435761u;
    CHECK(bad == 0, "17 MiB read back (%zu words differ)", bad);
    free(p);

    size_t m = 1u << 20;
    uint32_t *r = malloc(m);
    CHECK(r != NULL, "malloc 1 MiB");
    if (r) {
        for (size_t i = 0; i < m / 4; i++)
            r[i] = (uint32_t)i;
        uint32_t *q = realloc(r, 3 * m);
        CHECK(q != NULL && q[0] == 0 && q[m / 4 - 1] == (uint32_t)(m / 4 - 1),
              "realloc to 3 MiB keeps the contents");
        free(q ? q : r);
    }

    void *small[1000];
    for (int i = 0; i < 1000; i++) {
        small[i] = malloc((size_t)(i % 97) + 1);
        CHECK(small[i] != NULL, "small malloc %d", i);
        if (small[i])
            memset(small[i], i, (size_t)(i % 97) + 1);
    }
    for (int i = 0; i < 1000; i++)
        free(small[i]);
    errno = 0;
    CHECK(malloc((size_t)1 << 40) == NULL && errno == ENOMEM, "1 TiB: NULL, ENOMEM (errno %d)",
          errno);
}

int main(void)
{
    test_sbrk();
    test_malloc();
    printf("ulibc: %s\n", failed ? "FAILED" : "all checks passed");
    return failed;
}
