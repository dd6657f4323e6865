/* Unit tests of the initial user stack builder (kernel/proc/user_stack.c):
 * the layout is walked back the way crt0 and a C library read it, for
 * many argument counts; the size limit is checked at its exact boundary;
 * bad arguments are refused without touching the buffer. */
#include "unit.h"
#include <kernel/error.h>
#include <kernel/user_stack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP 0x00007ffffffff000ull

static const uint8_t random_bytes[16] = { 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                          0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f };

static const struct ustack_aux std_aux[] = {
    { AT_PHDR, 0x400040 }, { AT_PHENT, 56 },       { AT_PHNUM, 5 },
    { AT_PAGESZ, 4096 },   { AT_ENTRY, 0x4001ac },
};
#define NAUX (sizeof(std_aux) / sizeof(std_aux[0]))

/* A built stack as user space would see it. */
struct view {
    const uint8_t *buf;
    size_t size;
    uint64_t top;
};

static const uint8_t *at(const struct view *v, uint64_t uaddr, size_t len)
{
    uint64_t base = v->top - v->size;
    ck_assert_msg(uaddr >= base && uaddr <= v->top && len <= v->top - uaddr,
                  "user address %#llx (+%zu) outside the stack", (unsigned long long)uaddr,
                  len);
    return v->buf + (uaddr - base);
}

static uint64_t word(const struct view *v, uint64_t uaddr)
{
    uint64_t w;
    memcpy(&w, at(v, uaddr, 8), 8);
    return w;
}

static const char *string(const struct view *v, uint64_t uaddr)
{
    const char *s = (const char *)at(v, uaddr, 1);
    size_t room = v->top - uaddr;
    ck_assert_msg(strnlen(s, room) < room, "string at %#llx is not terminated",
                  (unsigned long long)uaddr);
    return s;
}

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

/* Walks the stack from sp as crt0 does and checks it against the inputs:
 * argc, argv, envp, the caller's aux entries in order, then AT_RANDOM,
 * AT_EXECFN when argc > 0, AT_NULL.  Every pointer must point above the
 * pointer block. */
static void check_layout(const struct view *v, uint64_t sp, const char *const *argv,
                         const char *const *envp, const struct ustack_aux *aux,
                         size_t naux)
{
    ck_assert_uint_eq(sp % 16, 0);
    size_t argc = count(argv), envc = count(envp);
    uint64_t p = sp;
    ck_assert_uint_eq(word(v, p), argc);
    p += 8;
    uint64_t block_end = sp + 8 * (1 + argc + 1 + envc + 1 + 2 * (naux + 2 + (argc > 0)));
    uint64_t argv0 = 0;
    for (size_t i = 0; i < argc; i++, p += 8) {
        uint64_t s = word(v, p);
        ck_assert_uint_ge(s, block_end);
        ck_assert_str_eq(string(v, s), argv[i]);
        if (i == 0)
            argv0 = s;
    }
    ck_assert_uint_eq(word(v, p), 0);
    p += 8;
    for (size_t i = 0; i < envc; i++, p += 8) {
        uint64_t s = word(v, p);
        ck_assert_uint_ge(s, block_end);
        ck_assert_str_eq(string(v, s), envp[i]);
    }
    ck_assert_uint_eq(word(v, p), 0);
    p += 8;
    for (size_t i = 0; i < naux; i++, p += 16) {
        ck_assert_uint_eq(word(v, p), aux[i].type);
        ck_assert_uint_eq(word(v, p + 8), aux[i].value);
    }
    ck_assert_uint_eq(word(v, p), AT_RANDOM);
    uint64_t rnd = word(v, p + 8);
    ck_assert_uint_ge(rnd, block_end);
    ck_assert(memcmp(at(v, rnd, 16), random_bytes, 16) == 0);
    p += 16;
    if (argc) {
        ck_assert_uint_eq(word(v, p), AT_EXECFN);
        ck_assert_uint_eq(word(v, p + 8), argv0);
        p += 16;
    }
    ck_assert_uint_eq(word(v, p), AT_NULL);
    ck_assert_uint_eq(word(v, p + 8), 0);
    p += 16;
    ck_assert_uint_eq(p, block_end);
}

START_TEST(layout_walks_back)
{
    static const char *const argv[] = { "/bin/hello", "-v", "hello world", "", NULL };
    static const char *const envp[] = { "HOME=/", "PATH=/bin:/usr/bin", NULL };
    size_t size = 4096;
    uint8_t *buf = malloc(size);
    memset(buf, 0xcc, size);
    uint64_t sp = 0;
    ck_assert_int_eq(ustack_build(buf, size, TOP, argv, envp, std_aux, NAUX,
                                  random_bytes, &sp),
                     E_OK);
    struct view v = { buf, size, TOP };
    check_layout(&v, sp, argv, envp, std_aux, NAUX);
    ck_assert_uint_eq(TOP - sp, ustack_size(argv, envp, NAUX));
    /* The random bytes end the stack; the strings sit right below. */
    ck_assert(memcmp(buf + size - 16, random_bytes, 16) == 0);
    ck_assert_str_eq((const char *)buf + size - 16 - strlen("PATH=/bin:/usr/bin") - 1,
                     "PATH=/bin:/usr/bin");
    /* Nothing is written below sp, and padding is zero. */
    for (size_t i = 0; i < size - (TOP - sp); i++)
        ck_assert_uint_eq(buf[i], 0xcc);
    free(buf);
}
END_TEST

START_TEST(alignment_for_many_argument_counts)
{
    static char storage[20][64];
    const char *argv[21], *envp[6];
    size_t size = 8192;
    uint8_t *buf = malloc(size + 1);
    for (int n = 0; n <= 20; n++) {
        for (int i = 0; i < n; i++) {
            int len = (i * 7 + n) % 23;
            memset(storage[i], 'a' + i % 26, (size_t)len);
            storage[i][len] = '\0';
            argv[i] = storage[i];
        }
        argv[n] = NULL;
        for (int e = 0; e <= 5; e++) {
            for (int i = 0; i < e; i++)
                envp[i] = storage[(i + n) % 20];
            envp[e] = NULL;
            for (size_t naux = 0; naux <= NAUX; naux++) {
                /* An odd buffer address: the builder must not care. */
                uint8_t *b = buf + (n & 1);
                uint64_t sp;
                ck_assert_int_eq(ustack_build(b, size, TOP - 16 * (uint64_t)e, argv, envp,
                                              std_aux, naux, random_bytes, &sp),
                                 E_OK);
                ck_assert_uint_eq(sp % 16, 0);
                ck_assert_uint_eq(TOP - 16 * (uint64_t)e - sp, ustack_size(argv, envp, naux));
                struct view v = { b, size, TOP - 16 * (uint64_t)e };
                check_layout(&v, sp, argv, envp, std_aux, naux);
            }
        }
    }
    free(buf);
}
END_TEST

START_TEST(exact_size_boundary)
{
    static const char *const argv[] = { "prog", "abc", NULL };
    static const char *const envp[] = { "X=1", NULL };
    size_t need = ustack_size(argv, envp, NAUX);
    ck_assert_uint_gt(need, 0);
    ck_assert_uint_eq(need % 16, 0);

    /* The smallest buffer that works is exactly the size reported. */
    size_t smallest = 0;
    for (size_t size = 0; size <= need + 64 && !smallest; size++) {
        uint8_t *buf = malloc(size ? size : 1);
        memset(buf, 0x5a, size);
        uint64_t sp = 0x1234;
        host_log_clear();
        int rc = ustack_build(buf, size, TOP, argv, envp, std_aux, NAUX, random_bytes, &sp);
        if (rc == E_OK) {
            smallest = size;
            struct view v = { buf, size, TOP };
            check_layout(&v, sp, argv, envp, std_aux, NAUX);
            ck_assert_uint_eq(sp, TOP - size);
        } else {
            ck_assert_int_eq(rc, E_RANGE);
            ck_assert_uint_eq(sp, 0x1234);
            for (size_t i = 0; i < size; i++)
                ck_assert_uint_eq(buf[i], 0x5a);
            char expect[128];
            snprintf(expect, sizeof(expect),
                     "ustack: the initial stack needs %zu bytes, only %zu are available",
                     need, size);
            ck_assert_msg(strstr(host_log_text(), expect), "log: %s", host_log_text());
        }
        free(buf);
    }
    ck_assert_uint_eq(smallest, need);
}
END_TEST

START_TEST(empty_argv_and_envp)
{
    static const char *const none[] = { NULL };
    size_t size = 512;
    uint8_t *buf = malloc(size);
    uint64_t sp;
    struct view v = { buf, size, TOP };

    ck_assert_int_eq(ustack_build(buf, size, TOP, NULL, NULL, NULL, 0, random_bytes, &sp),
                     E_OK);
    check_layout(&v, sp, NULL, NULL, NULL, 0);
    /* argc, two NULLs, the AT_RANDOM and AT_NULL pairs (56 bytes), 16
     * random bytes, 8 bytes of padding to keep sp aligned. */
    ck_assert_uint_eq(TOP - sp, 80);
    ck_assert_uint_eq(ustack_size(NULL, NULL, 0), 80);

    ck_assert_int_eq(ustack_build(buf, size, TOP, none, none, std_aux, NAUX, random_bytes,
                                  &sp),
                     E_OK);
    check_layout(&v, sp, none, none, std_aux, NAUX);
    ck_assert_uint_eq(word(&v, sp), 0);
    ck_assert_uint_eq(word(&v, sp + 8), 0);
    ck_assert_uint_eq(word(&v, sp + 16), 0);
    free(buf);
}
END_TEST

START_TEST(invalid_arguments)
{
    static const char *const argv[] = { "prog", NULL };
    uint8_t buf[1024];
    memset(buf, 0x77, sizeof(buf));
    uint64_t sp = 42;
    struct ustack_aux own[] = { { AT_PAGESZ, 4096 }, { AT_RANDOM, 0x1000 } };

    ck_assert_int_eq(ustack_build(NULL, 1024, TOP, argv, NULL, NULL, 0, random_bytes, &sp),
                     E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, NULL, 0, random_bytes, NULL),
                     E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, NULL, 0, NULL, &sp), E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, TOP - 8, argv, NULL, NULL, 0, random_bytes, &sp),
                     E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, 0, argv, NULL, NULL, 0, random_bytes, &sp),
                     E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, 512, argv, NULL, NULL, 0, random_bytes, &sp),
                     E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, NULL, 2, random_bytes, &sp),
                     E_INVAL);
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, own, 2, random_bytes, &sp),
                     E_INVAL);
    own[1].type = AT_EXECFN;
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, own, 2, random_bytes, &sp),
                     E_INVAL);
    own[1].type = AT_NULL;
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, own, 2, random_bytes, &sp),
                     E_INVAL);
    struct ustack_aux many[USTACK_MAX_AUX + 1];
    for (size_t i = 0; i <= USTACK_MAX_AUX; i++)
        many[i] = (struct ustack_aux){ AT_IGNORE, i };
    ck_assert_int_eq(ustack_build(buf, 1024, TOP, argv, NULL, many, USTACK_MAX_AUX + 1,
                                  random_bytes, &sp),
                     E_INVAL);
    ck_assert_uint_eq(ustack_size(argv, NULL, USTACK_MAX_AUX + 1), 0);
    ck_assert_uint_eq(sp, 42);
    for (size_t i = 0; i < sizeof(buf); i++)
        ck_assert_uint_eq(buf[i], 0x77);

    /* The whole buffer can reach address 0 exactly. */
    ck_assert_int_eq(ustack_build(buf, 1024, 1024, argv, NULL, many, USTACK_MAX_AUX,
                                  random_bytes, &sp),
                     E_OK);
}
END_TEST

/* n copies of "x", NULL-terminated. */
static const char **x_list(size_t n)
{
    const char **list = calloc(n + 1, sizeof(*list));
    for (size_t i = 0; i < n; i++)
        list[i] = "x";
    return list;
}

START_TEST(count_and_length_limits)
{
    size_t size = 128 * 1024;
    uint8_t *buf = malloc(size);
    uint64_t sp;
    const char **l1000 = x_list(1000), **l24 = x_list(24), **l25 = x_list(25);
    const char **lmax = x_list(USTACK_MAX_STRINGS), **lover = x_list(USTACK_MAX_STRINGS + 1);

    /* Exactly the maximum number of strings, alone or split. */
    ck_assert_int_eq(ustack_build(buf, size, TOP, lmax, NULL, NULL, 0, random_bytes, &sp),
                     E_OK);
    ck_assert_int_eq(ustack_build(buf, size, TOP, l1000, l24, NULL, 0, random_bytes, &sp),
                     E_OK);
    struct view v = { buf, size, TOP };
    check_layout(&v, sp, l1000, l24, NULL, 0);

    /* One more is refused, in either list; the log says why. */
    host_log_clear();
    ck_assert_int_eq(ustack_build(buf, size, TOP, lover, NULL, NULL, 0, random_bytes, &sp),
                     E_RANGE);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "ustack: too many argument and "
                                                  "environment strings (at most 1024"));
    ck_assert_uint_eq(ustack_size(lover, NULL, 0), 0);
    ck_assert_int_eq(ustack_build(buf, size, TOP, l1000, l25, NULL, 0, random_bytes, &sp),
                     E_RANGE);
    ck_assert_int_eq(ustack_build(buf, size, TOP, NULL, lover, NULL, 0, random_bytes, &sp),
                     E_RANGE);
    ck_assert_int_eq(ustack_build(buf, size, TOP, lmax, l24, NULL, 0, random_bytes, &sp),
                     E_RANGE);

    /* 64 KiB of strings with their NULs is the limit. */
    char *big = malloc(USTACK_MAX_STRBYTES + 1);
    memset(big, 'b', USTACK_MAX_STRBYTES);
    big[USTACK_MAX_STRBYTES - 1] = '\0';
    const char *one[] = { big, NULL };
    ck_assert_int_eq(ustack_build(buf, size, TOP, one, NULL, NULL, 0, random_bytes, &sp),
                     E_OK);
    big[USTACK_MAX_STRBYTES - 1] = 'b';
    big[USTACK_MAX_STRBYTES] = '\0';
    host_log_clear();
    ck_assert_int_eq(ustack_build(buf, size, TOP, one, NULL, NULL, 0, random_bytes, &sp),
                     E_RANGE);
    ck_assert_ptr_nonnull(strstr(host_log_text(), "argument and environment strings are too long"));
    big[USTACK_MAX_STRBYTES / 2] = '\0';
    const char *two[] = { big, big, NULL };
    ck_assert_int_eq(ustack_build(buf, size, TOP, one, two, NULL, 0, random_bytes, &sp),
                     E_RANGE);
    ck_assert_uint_eq(ustack_size(two, NULL, 0), 0);
    free(big);
    free(l1000);
    free(l24);
    free(l25);
    free(lmax);
    free(lover);
    free(buf);
}
END_TEST

Suite *suite_user_stack(void)
{
    Suite *s = suite_create("user_stack");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, layout_walks_back);
    tcase_add_test(tc, alignment_for_many_argument_counts);
    tcase_add_test(tc, exact_size_boundary);
    tcase_add_test(tc, empty_argv_and_envp);
    tcase_add_test(tc, invalid_arguments);
    tcase_add_test(tc, count_and_length_limits);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
