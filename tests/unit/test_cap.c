/* Unit tests of capability spaces (kernel/cap/cspace.c): lookup by type
 * and rights, handle allocation, duplicate (fewer rights, widening refused,
 * badge rules), transfer by copy and move (GRANT required), delete handing
 * children to the parent, revoke of deep (100,000 levels) and wide
 * (100,000 children) trees spread over several tables with the work
 * counted, use after delete and revoke, full tables and heap exhaustion
 * with no side effects, object destruction exactly at the last reference,
 * and a random stress checked against a model of the derivation tree.
 *
 * The real kernel heap serves the nodes, over host pages that can be made
 * to run out (host_heap.c).  cspace_check validates every table
 * and tree link after each step. */
#include "unit.h"
#include <atom/cap.h>
#include <kernel/cap.h>
#include <kernel/error.h>
#include <kernel/heap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ALL  ATOM_RIGHTS_ALL
#define R    ATOM_RIGHT_READ
#define W    ATOM_RIGHT_WRITE
#define DUP  ATOM_RIGHT_DUPLICATE
#define GR   ATOM_RIGHT_GRANT
#define RV   ATOM_RIGHT_REVOKE

/* ---- heap and objects ------------------------------------------------------ */

static void setup(void)
{
    host_heap_init();
    host_log_clear();
}

struct tobj {
    struct kobject ko;
    int destroyed;
};

static int destroys;

static void tobj_destroy(struct kobject *ko)
{
    struct tobj *t = (struct tobj *)ko;
    t->destroyed++;
    destroys++;
}

static void tobj_init(struct tobj *t, uint32_t type)
{
    memset(t, 0, sizeof(*t));
    kobject_init(&t->ko, type, tobj_destroy);
}

static struct cspace *new_cs(size_t max)
{
    struct cspace *cs = NULL;
    ck_assert_int_eq(cspace_create(&cs, max), E_OK);
    ck_assert_ptr_nonnull(cs);
    return cs;
}

static int root(struct cspace *cs, struct tobj *t, uint32_t rights, uint64_t badge)
{
    int h = -1;
    ck_assert_int_eq(cap_insert_root(cs, &t->ko, rights, badge, &h), E_OK);
    return h;
}

static int dupc(struct cspace *src, int h, struct cspace *dst, uint32_t rights)
{
    int nh = -1;
    CHECK(cap_duplicate(src, h, dst, rights, 0, false, &nh) == E_OK, "duplicate %d", h);
    return nh;
}

static bool present(struct cspace *cs, int h)
{
    struct atom_cap_info info;
    return cap_inspect(cs, h, &info) == E_OK;
}

static void check_all(struct cspace **cs, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(cspace_check(cs[i]) == E_OK, "cspace %d: %s", i, host_log_text());
}

/* Everything visible about a few tables: each handle's type, rights and
 * badge, and the objects' reference counts. */
#define SNAP_HANDLES 80
struct snap {
    struct atom_cap_info info[4][SNAP_HANDLES];
    int rc[4][SNAP_HANDLES];
    size_t count[4];
    uint32_t refs[4];
};

static void snap_take(struct snap *s, struct cspace **cs, int n, struct tobj **objs, int nobj)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < n; i++) {
        s->count[i] = cspace_count(cs[i]);
        for (int h = 0; h < SNAP_HANDLES; h++)
            s->rc[i][h] = cap_inspect(cs[i], h, &s->info[i][h]);
    }
    for (int i = 0; i < nobj; i++)
        s->refs[i] = objs[i]->ko.refcount;
}

static void snap_same(struct cspace **cs, int n, struct tobj **objs, int nobj,
                      const struct snap *before)
{
    struct snap *now = malloc(sizeof(*now));
    snap_take(now, cs, n, objs, nobj);
    ck_assert_msg(memcmp(now, before, sizeof(*now)) == 0, "state changed by a failed operation");
    free(now);
    check_all(cs, n);
}

/* ---- lookup, inspect, handles ------------------------------------------------ */

START_TEST(test_lookup_checks)
{
    struct cspace *cs = new_cs(16);
    struct tobj ep, mem;
    tobj_init(&ep, ATOM_OBJ_ENDPOINT);
    tobj_init(&mem, ATOM_OBJ_MEMORY);
    int a = root(cs, &ep, R | W | DUP, 7);
    int b = root(cs, &mem, R | ATOM_RIGHT_MAP, 0);
    ck_assert_int_eq(a, 0);
    ck_assert_int_eq(b, 1);
    ck_assert_uint_eq(ep.ko.refcount, 2); /* creator + capability */

    struct kobject *o = NULL;
    uint64_t badge = 0;
    ck_assert_int_eq(cap_lookup(cs, a, ATOM_OBJ_ENDPOINT, R | W, &o, &badge), E_OK);
    ck_assert_ptr_eq(o, &ep.ko);
    ck_assert_uint_eq(badge, 7);
    ck_assert_uint_eq(ep.ko.refcount, 3); /* the lookup's reference */
    kobject_put(o);
    ck_assert_int_eq(cap_lookup(cs, a, ATOM_OBJ_NONE, 0, NULL, NULL), E_OK);
    ck_assert_int_eq(cap_lookup(cs, a, ATOM_OBJ_MEMORY, R, &o, NULL), E_INVAL);
    ck_assert_int_eq(cap_lookup(cs, a, ATOM_OBJ_ENDPOINT, ATOM_RIGHT_GRANT, &o, NULL), E_PERM);
    ck_assert_int_eq(cap_lookup(cs, b, ATOM_OBJ_MEMORY, ATOM_RIGHT_MAP | W, &o, NULL), E_PERM);
    ck_assert_int_eq(cap_lookup(cs, b, ATOM_OBJ_MEMORY, ATOM_RIGHT_MAP | R, NULL, NULL), E_OK);
    ck_assert_int_eq(cap_lookup(cs, a, ATOM_OBJ_COUNT, 0, &o, NULL), E_INVAL);
    ck_assert_int_eq(cap_lookup(cs, a, ATOM_OBJ_NONE, 1u << 6, &o, NULL), E_INVAL);
    const int bad[] = { -1, -1000, 2, 15, 16, 64, 1 << 30, ATOM_HANDLE_INVALID };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(cap_lookup(cs, bad[i], ATOM_OBJ_NONE, 0, &o, NULL), E_BADHANDLE);
        struct atom_cap_info info;
        ck_assert_int_eq(cap_inspect(cs, bad[i], &info), E_BADHANDLE);
    }
    ck_assert_uint_eq(ep.ko.refcount, 2);
    ck_assert_uint_eq(mem.ko.refcount, 2);

    struct atom_cap_info info;
    ck_assert_int_eq(cap_inspect(cs, a, &info), E_OK);
    ck_assert_uint_eq(info.type, ATOM_OBJ_ENDPOINT);
    ck_assert_uint_eq(info.rights, R | W | DUP);
    ck_assert_uint_eq(info.badge, 7);

    /* insert_root refuses what it cannot accept */
    struct tobj none;
    tobj_init(&none, ATOM_OBJ_NONE);
    int h;
    ck_assert_int_eq(cap_insert_root(cs, &none.ko, R, 0, &h), E_INVAL);
    ck_assert_int_eq(cap_insert_root(cs, &ep.ko, 1u << 7, 0, &h), E_INVAL);
    ck_assert_int_eq(cap_insert_root(cs, NULL, R, 0, &h), E_INVAL);
    ck_assert_int_eq(cspace_create(&cs, CSPACE_LIMIT + 1), E_INVAL);
    check_all(&cs, 1);
    cspace_destroy(cs);
    ck_assert_int_eq(destroys, 0); /* the creators still hold references */
    ck_assert_uint_eq(ep.ko.refcount, 1);
}
END_TEST

START_TEST(test_handles_lowest_free)
{
    struct cspace *cs = new_cs(0);
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_NOTIFICATION);
    for (int i = 0; i < 200; i++)
        ck_assert_int_eq(root(cs, &t, ALL, 0), i);
    ck_assert_int_eq(cap_delete(cs, 5), E_OK);
    ck_assert_int_eq(cap_delete(cs, 130), E_OK);
    ck_assert_int_eq(cap_delete(cs, 64), E_OK);
    ck_assert_int_eq(root(cs, &t, ALL, 0), 5);
    ck_assert_int_eq(root(cs, &t, ALL, 0), 64);
    ck_assert_int_eq(root(cs, &t, ALL, 0), 130);
    ck_assert_int_eq(root(cs, &t, ALL, 0), 200);
    ck_assert_uint_eq(cspace_count(cs), 201);
    ck_assert_uint_eq(t.ko.refcount, 202);
    check_all(&cs, 1);
    cspace_destroy(cs);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* ---- duplicate ---------------------------------------------------------------- */

START_TEST(test_duplicate_rights_and_badges)
{
    struct cspace *cs[2] = { new_cs(64), new_cs(64) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_ENDPOINT);
    struct tobj *objs[] = { &t };
    int a = root(cs[0], &t, R | W | DUP | RV, 0);
    int h;

    struct snap *before = malloc(sizeof(*before));
    snap_take(before, cs, 2, objs, 1);
    /* widening, unknown bits, a badge of 0, no DUPLICATE: refused, no change */
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], R | GR, 0, false, &h), E_PERM);
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], ALL, 0, false, &h), E_PERM);
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], R | (1u << 9), 0, false, &h), E_INVAL);
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], R, 0, true, &h), E_INVAL);
    ck_assert_int_eq(cap_duplicate(cs[0], a + 1, cs[1], R, 0, false, &h), E_BADHANDLE);
    ck_assert_int_eq(cap_duplicate(cs[0], -1, cs[1], R, 0, false, &h), E_BADHANDLE);
    snap_same(cs, 2, objs, 1, before);

    /* fewer rights, badged once */
    int b = -1;
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], R | DUP, 42, true, &b), E_OK);
    ck_assert_int_eq(b, 0);
    struct atom_cap_info info;
    ck_assert_int_eq(cap_inspect(cs[1], b, &info), E_OK);
    ck_assert_uint_eq(info.type, ATOM_OBJ_ENDPOINT);
    ck_assert_uint_eq(info.rights, R | DUP);
    ck_assert_uint_eq(info.badge, 42);
    uint64_t badge;
    ck_assert_int_eq(cap_lookup(cs[1], b, ATOM_OBJ_ENDPOINT, R, NULL, &badge), E_OK);
    ck_assert_uint_eq(badge, 42);
    ck_assert_int_eq(cap_lookup(cs[1], b, ATOM_OBJ_ENDPOINT, W, NULL, NULL), E_PERM);

    /* a badged capability keeps its badge and cannot be rebadged */
    snap_take(before, cs, 2, objs, 1);
    ck_assert_int_eq(cap_duplicate(cs[1], b, cs[0], R, 43, true, &h), E_PERM);
    ck_assert_int_eq(cap_duplicate(cs[1], b, cs[0], R | W, 0, false, &h), E_PERM);
    snap_same(cs, 2, objs, 1, before);
    int c = -1;
    ck_assert_int_eq(cap_duplicate(cs[1], b, cs[0], R, 0, false, &c), E_OK);
    ck_assert_int_eq(cap_inspect(cs[0], c, &info), E_OK);
    ck_assert_uint_eq(info.badge, 42);
    ck_assert_uint_eq(info.rights, R);
    /* no DUPLICATE right left */
    ck_assert_int_eq(cap_duplicate(cs[0], c, cs[0], R, 0, false, &h), E_PERM);
    /* a duplicate into the same table, with all the source's rights */
    int d = -1;
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[0], R | W | DUP | RV, 0, false, &d), E_OK);
    ck_assert_uint_eq(t.ko.refcount, 5);
    check_all(cs, 2);

    /* the duplicates are children: revoking the root removes them all */
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert(present(cs[0], a));
    ck_assert(!present(cs[1], b));
    ck_assert(!present(cs[0], c));
    ck_assert(!present(cs[0], d));
    ck_assert_uint_eq(t.ko.refcount, 2);
    check_all(cs, 2);
    free(before);
    cspace_destroy(cs[0]);
    cspace_destroy(cs[1]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* ---- transfer ----------------------------------------------------------------- */

START_TEST(test_transfer_copy_and_move)
{
    struct cspace *cs[3] = { new_cs(64), new_cs(64), new_cs(64) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_MEMORY);
    struct tobj *objs[] = { &t };
    int a = root(cs[0], &t, ALL, 0);
    int nog = dupc(cs[0], a, cs[0], R | DUP | RV); /* no GRANT */
    int h;

    struct snap *before = malloc(sizeof(*before));
    snap_take(before, cs, 3, objs, 1);
    ck_assert_int_eq(cap_transfer(cs[0], nog, cs[1], false, &h), E_PERM);
    ck_assert_int_eq(cap_transfer(cs[0], nog, cs[1], true, &h), E_PERM);
    ck_assert_int_eq(cap_transfer(cs[0], 9, cs[1], true, &h), E_BADHANDLE);
    ck_assert_int_eq(cap_transfer(cs[0], a, NULL, true, &h), E_INVAL);
    snap_same(cs, 3, objs, 1, before);

    /* copy: a child of the source with the same rights */
    int g = dupc(cs[0], a, cs[0], R | GR | DUP);
    int copy = -1;
    ck_assert_int_eq(cap_transfer(cs[0], g, cs[1], false, &copy), E_OK);
    ck_assert(present(cs[0], g));
    struct atom_cap_info info;
    ck_assert_int_eq(cap_inspect(cs[1], copy, &info), E_OK);
    ck_assert_uint_eq(info.rights, R | GR | DUP);
    int below_copy = dupc(cs[1], copy, cs[2], R);

    /* move: the source slot empties, the node keeps its place and children */
    int moved = -1;
    ck_assert_int_eq(cap_transfer(cs[1], copy, cs[2], true, &moved), E_OK);
    ck_assert(!present(cs[1], copy));
    ck_assert_int_eq(cap_lookup(cs[1], copy, ATOM_OBJ_NONE, 0, NULL, NULL), E_BADHANDLE);
    ck_assert_int_eq(cap_inspect(cs[2], moved, &info), E_OK);
    ck_assert_uint_eq(info.rights, R | GR | DUP);
    ck_assert_uint_eq(t.ko.refcount, 6); /* creator, a, nog, g, moved, below_copy */
    check_all(cs, 3);

    /* revoking g removes the moved capability and what was derived from it */
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert(!present(cs[2], moved));
    ck_assert(!present(cs[2], below_copy));
    ck_assert(!present(cs[0], g));
    ck_assert(!present(cs[0], nog));
    ck_assert(present(cs[0], a));
    ck_assert_uint_eq(t.ko.refcount, 2);

    /* moving a root, within one table */
    int m = -1;
    int child = dupc(cs[0], a, cs[1], R);
    ck_assert_int_eq(cap_transfer(cs[0], a, cs[0], true, &m), E_OK);
    ck_assert_int_ne(m, a);
    ck_assert(!present(cs[0], a));
    check_all(cs, 3);
    ck_assert_int_eq(cap_revoke(cs[0], m), E_OK);
    ck_assert(!present(cs[1], child));
    check_all(cs, 3);
    free(before);
    for (int i = 0; i < 3; i++)
        cspace_destroy(cs[i]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* ---- delete -------------------------------------------------------------------- */

START_TEST(test_delete_reparents)
{
    struct cspace *cs[3] = { new_cs(64), new_cs(64), new_cs(64) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_ENDPOINT);
    int a = root(cs[0], &t, ALL, 0);
    int b = dupc(cs[0], a, cs[1], ALL);
    int c1 = dupc(cs[1], b, cs[2], ALL);
    int c2 = dupc(cs[1], b, cs[2], R | DUP);
    int d = dupc(cs[2], c1, cs[2], R);
    int other = dupc(cs[0], a, cs[0], R);
    ck_assert_int_eq(cap_delete(cs[1], b), E_OK);
    ck_assert_int_eq(cap_delete(cs[1], b), E_BADHANDLE);
    ck_assert_int_eq(cap_revoke(cs[1], b), E_BADHANDLE);
    check_all(cs, 3);
    ck_assert(present(cs[2], c1) && present(cs[2], c2) && present(cs[2], d));
    /* the grandparent still revokes the grandchildren */
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert(!present(cs[2], c1) && !present(cs[2], c2) && !present(cs[2], d));
    ck_assert(!present(cs[0], other));
    ck_assert_uint_eq(t.ko.refcount, 2);

    /* deleting a root makes its children roots, still usable */
    int x = dupc(cs[0], a, cs[1], ALL);
    int y = dupc(cs[0], a, cs[2], R | RV);
    int z = dupc(cs[1], x, cs[2], R);
    ck_assert_int_eq(cap_delete(cs[0], a), E_OK);
    check_all(cs, 3);
    ck_assert_int_eq(cap_lookup(cs[2], y, ATOM_OBJ_ENDPOINT, R, NULL, NULL), E_OK);
    ck_assert_int_eq(cap_revoke(cs[1], x), E_OK);
    ck_assert(!present(cs[2], z));
    ck_assert(present(cs[2], y));
    check_all(cs, 3);
    for (int i = 0; i < 3; i++)
        cspace_destroy(cs[i]);
    ck_assert_uint_eq(t.ko.refcount, 1);
    ck_assert_int_eq(destroys, 0);
}
END_TEST

START_TEST(test_destroy_table_reparents)
{
    struct cspace *cs[3] = { new_cs(64), new_cs(64), new_cs(64) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_ENDPOINT);
    int a = root(cs[0], &t, ALL, 0);
    int b = dupc(cs[0], a, cs[1], ALL);
    int b2 = dupc(cs[1], b, cs[1], ALL);
    int c = dupc(cs[1], b2, cs[2], R);
    (void)c;
    cspace_destroy(cs[1]);
    ck_assert_int_eq(cspace_check(cs[0]), E_OK);
    ck_assert_int_eq(cspace_check(cs[2]), E_OK);
    ck_assert(present(cs[2], c));
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert(!present(cs[2], c));
    ck_assert_uint_eq(t.ko.refcount, 2);
    cspace_destroy(cs[0]);
    cspace_destroy(cs[2]);
    cspace_destroy(NULL);
}
END_TEST

/* ---- references and destruction ------------------------------------------------ */

START_TEST(test_destroy_at_last_reference)
{
    struct cspace *cs[2] = { new_cs(64), new_cs(64) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_IRQ);
    int a = root(cs[0], &t, ALL, 0);
    kobject_put(&t.ko); /* the creator lets go: the capabilities own it */
    int b = dupc(cs[0], a, cs[1], ALL);
    int c = dupc(cs[1], b, cs[1], ALL);
    struct kobject *held = NULL;
    ck_assert_int_eq(cap_lookup(cs[1], c, ATOM_OBJ_IRQ, R, &held, NULL), E_OK);
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert_int_eq(t.destroyed, 0);
    ck_assert_int_eq(cap_delete(cs[0], a), E_OK);
    ck_assert_int_eq(t.destroyed, 0); /* the lookup's reference remains */
    kobject_put(held);
    ck_assert_int_eq(t.destroyed, 1);

    ck_assert_int_eq(destroys, 1);

    /* the last capability goes in a revoke, then in cspace_destroy */
    struct tobj u, v;
    tobj_init(&u, ATOM_OBJ_IOPORT);
    tobj_init(&v, ATOM_OBJ_THREAD);
    int ua = root(cs[0], &u, ALL, 0);
    kobject_put(&u.ko);
    int ub = dupc(cs[0], ua, cs[1], ALL);
    ck_assert_int_eq(cap_delete(cs[0], ua), E_OK); /* ub is now the root */
    int uc = dupc(cs[1], ub, cs[0], R);
    ck_assert_int_eq(u.destroyed, 0);
    ck_assert_int_eq(cap_revoke(cs[1], ub), E_OK);
    ck_assert(!present(cs[0], uc));
    ck_assert_int_eq(u.destroyed, 0);
    ck_assert_int_eq(cap_delete(cs[1], ub), E_OK);
    ck_assert_int_eq(u.destroyed, 1);

    int va = root(cs[0], &v, ALL, 0);
    kobject_put(&v.ko);
    dupc(cs[0], va, cs[1], ALL);
    dupc(cs[0], va, cs[0], ALL);
    cspace_destroy(cs[0]);
    ck_assert_int_eq(v.destroyed, 0);
    /* several objects dying in one operation are all destroyed, once */
    struct tobj w[5];
    for (int i = 0; i < 5; i++) {
        tobj_init(&w[i], ATOM_OBJ_REPLY);
        root(cs[1], &w[i], ALL, 0);
        kobject_put(&w[i].ko);
    }
    cspace_destroy(cs[1]);
    ck_assert_int_eq(v.destroyed, 1);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(w[i].destroyed, 1);
    ck_assert_int_eq(destroys, 8);

    struct cspace *c2 = new_cs(8);
    struct tobj x[3];
    for (int i = 0; i < 3; i++)
        tobj_init(&x[i], ATOM_OBJ_ADDRESS_SPACE);
    int xr = root(c2, &x[0], ALL, 0);
    for (int i = 0; i < 2; i++)
        dupc(c2, xr, c2, R);
    kobject_put(&x[0].ko);
    ck_assert_int_eq(cap_revoke(c2, xr), E_OK);
    ck_assert_int_eq(x[0].destroyed, 0);
    ck_assert_int_eq(cap_delete(c2, xr), E_OK);
    ck_assert_int_eq(x[0].destroyed, 1);
    ck_assert_int_eq(destroys, 9);
    cspace_destroy(c2);
}
END_TEST

/* A destroy function that deletes capabilities itself: it runs after the
 * capability locks are released. */
static struct cspace *reentrant_cs;
static int reentrant_handle;

static void reentrant_destroy(struct kobject *ko)
{
    destroys++;
    ck_assert_int_eq(cap_delete(reentrant_cs, reentrant_handle), E_OK);
    (void)ko;
}

START_TEST(test_destroy_may_delete_caps)
{
    struct cspace *cs = new_cs(64);
    struct tobj t, other;
    kobject_init(&t.ko, ATOM_OBJ_PROCESS, reentrant_destroy);
    tobj_init(&other, ATOM_OBJ_ENDPOINT);
    int a = root(cs, &t, ALL, 0);
    kobject_put(&t.ko);
    reentrant_cs = cs;
    reentrant_handle = root(cs, &other, ALL, 0);
    ck_assert_int_eq(cap_delete(cs, a), E_OK);
    ck_assert_int_eq(destroys, 1);
    ck_assert(!present(cs, reentrant_handle));
    ck_assert_uint_eq(other.ko.refcount, 1);
    cspace_destroy(cs);
}
END_TEST

/* ---- use after delete and revoke -------------------------------------------------- */

START_TEST(test_use_after_revoke)
{
    struct cspace *cs[2] = { new_cs(64), new_cs(64) };
    struct tobj t, t2;
    tobj_init(&t, ATOM_OBJ_ENDPOINT);
    tobj_init(&t2, ATOM_OBJ_MEMORY);
    int a = root(cs[0], &t, ALL, 0);
    int b = dupc(cs[0], a, cs[1], ALL);
    int c = dupc(cs[1], b, cs[1], ALL);
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    for (int i = 0; i < 2; i++) {
        int h = i ? c : b;
        struct kobject *o = NULL;
        struct atom_cap_info info;
        int nh;
        ck_assert_int_eq(cap_lookup(cs[1], h, ATOM_OBJ_NONE, 0, &o, NULL), E_BADHANDLE);
        ck_assert_ptr_null(o);
        ck_assert_int_eq(cap_inspect(cs[1], h, &info), E_BADHANDLE);
        ck_assert_int_eq(cap_duplicate(cs[1], h, cs[0], R, 0, false, &nh), E_BADHANDLE);
        ck_assert_int_eq(cap_transfer(cs[1], h, cs[0], false, &nh), E_BADHANDLE);
        ck_assert_int_eq(cap_transfer(cs[1], h, cs[0], true, &nh), E_BADHANDLE);
        ck_assert_int_eq(cap_revoke(cs[1], h), E_BADHANDLE);
        ck_assert_int_eq(cap_delete(cs[1], h), E_BADHANDLE);
    }
    /* a handle reused later names only what its holder was given */
    int n = root(cs[1], &t2, R, 0);
    ck_assert_int_eq(n, b);
    struct kobject *o = NULL;
    ck_assert_int_eq(cap_lookup(cs[1], b, ATOM_OBJ_ENDPOINT, 0, &o, NULL), E_INVAL);
    ck_assert_int_eq(cap_lookup(cs[1], b, ATOM_OBJ_NONE, 0, &o, NULL), E_OK);
    ck_assert_ptr_eq(o, &t2.ko);
    kobject_put(o);
    /* revoke needs the right, and does not remove the capability itself */
    int weak = dupc(cs[0], a, cs[1], R | DUP);
    int below = dupc(cs[1], weak, cs[1], R);
    ck_assert_int_eq(cap_revoke(cs[1], weak), E_PERM);
    ck_assert(present(cs[1], below));
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK); /* nothing left below */
    ck_assert(present(cs[0], a));
    ck_assert(!present(cs[1], weak) && !present(cs[1], below));
    check_all(cs, 2);
    cspace_destroy(cs[0]);
    cspace_destroy(cs[1]);
    ck_assert_uint_eq(t.ko.refcount, 1);
    ck_assert_uint_eq(t2.ko.refcount, 1);
}
END_TEST

/* ---- full tables and no memory ----------------------------------------------------- */

START_TEST(test_table_full)
{
    struct cspace *cs[2] = { new_cs(10), new_cs(70) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_ENDPOINT);
    struct tobj *objs[] = { &t };
    int a = root(cs[1], &t, ALL, 0);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(dupc(cs[1], a, cs[0], ALL), i);
    struct snap *before = malloc(sizeof(*before));
    snap_take(before, cs, 2, objs, 1);
    int h;
    ck_assert_int_eq(cap_insert_root(cs[0], &t.ko, R, 0, &h), E_NOSPACE);
    ck_assert_int_eq(cap_duplicate(cs[1], a, cs[0], R, 0, false, &h), E_NOSPACE);
    ck_assert_int_eq(cap_transfer(cs[1], a, cs[0], false, &h), E_NOSPACE);
    ck_assert_int_eq(cap_transfer(cs[1], a, cs[0], true, &h), E_NOSPACE);
    ck_assert_int_eq(cap_duplicate(cs[0], 3, cs[0], R, 0, false, &h), E_NOSPACE);
    ck_assert_int_eq(cap_lookup(cs[0], 10, ATOM_OBJ_NONE, 0, NULL, NULL), E_BADHANDLE);
    snap_same(cs, 2, objs, 1, before);
    /* a table that is not a multiple of the bitmap word, past one growth */
    for (int i = 1; i < 70; i++)
        ck_assert_int_eq(dupc(cs[1], a, cs[1], R), i);
    ck_assert_int_eq(cap_insert_root(cs[1], &t.ko, R, 0, &h), E_NOSPACE);
    ck_assert_int_eq(cap_delete(cs[1], 69), E_OK);
    ck_assert_int_eq(cap_insert_root(cs[1], &t.ko, R, 0, &h), E_OK);
    ck_assert_int_eq(h, 69);
    check_all(cs, 2);
    free(before);
    cspace_destroy(cs[0]);
    cspace_destroy(cs[1]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* Takes every object the heap can hand out without new pages. */
struct hoard {
    void **p;
    size_t n, cap;
};

static void exhaust_heap(struct hoard *h)
{
    host_heap_fail = true;
    memset(h, 0, sizeof(*h));
    for (size_t size = KMALLOC_MIN_SIZE; size <= KMALLOC_MAX_SMALL; size *= 2) {
        void *p;
        while ((p = kmalloc(size)) != NULL) {
            if (h->n == h->cap) {
                h->cap = h->cap ? h->cap * 2 : 256;
                h->p = realloc(h->p, h->cap * sizeof(*h->p));
            }
            h->p[h->n++] = p;
        }
    }
}

static void release_heap(struct hoard *h)
{
    for (size_t i = 0; i < h->n; i++)
        kfree(h->p[i]);
    free(h->p);
    host_heap_fail = false;
}

START_TEST(test_out_of_memory)
{
    struct cspace *cs[2] = { new_cs(0), new_cs(0) };
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_MEMORY);
    struct tobj *objs[] = { &t };
    int a = root(cs[0], &t, ALL, 0);
    for (int i = 1; i < 64; i++)
        dupc(cs[0], a, cs[0], R); /* cs[0] is full at its first capacity */
    int b = dupc(cs[0], a, cs[1], ALL);
    struct snap *before = malloc(sizeof(*before));
    snap_take(before, cs, 2, objs, 1);

    struct hoard hoard;
    exhaust_heap(&hoard);
    int h;
    struct cspace *fresh;
    ck_assert_int_eq(cspace_create(&fresh, 0), E_NOMEM);
    ck_assert_int_eq(cap_insert_root(cs[1], &t.ko, R, 0, &h), E_NOMEM);
    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], R, 0, false, &h), E_NOMEM);
    ck_assert_int_eq(cap_transfer(cs[1], b, cs[1], false, &h), E_NOMEM);
    /* moves need no node, but this one needs the table to grow */
    ck_assert_int_eq(cap_transfer(cs[1], b, cs[0], true, &h), E_NOMEM);
    snap_same(cs, 2, objs, 1, before);
    /* moves within capacity and deletes still work */
    ck_assert_int_eq(cap_transfer(cs[1], b, cs[1], true, &h), E_OK);
    ck_assert_int_eq(h, 1);
    ck_assert_int_eq(cap_revoke(cs[0], a), E_OK);
    ck_assert(!present(cs[1], h));
    release_heap(&hoard);

    ck_assert_int_eq(cap_duplicate(cs[0], a, cs[1], R, 0, false, &h), E_OK);
    check_all(cs, 2);
    free(before);
    cspace_destroy(cs[0]);
    cspace_destroy(cs[1]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* ---- big trees ----------------------------------------------------------------------- */

#define BIG   100000
#define NCS   4
#define CSMAX 32768

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t total(struct cspace **cs)
{
    size_t n = 0;
    for (int i = 0; i < NCS; i++)
        n += cspace_count(cs[i]);
    return n;
}

START_TEST(test_revoke_deep_chain)
{
    struct cspace *cs[NCS];
    for (int i = 0; i < NCS; i++)
        cs[i] = new_cs(CSMAX);
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_ENDPOINT);
    int *h = malloc(sizeof(int) * (BIG + 1));
    h[0] = root(cs[0], &t, ALL, 0);
    for (int i = 1; i <= BIG; i++)
        h[i] = dupc(cs[(i - 1) % NCS], h[i - 1], cs[i % NCS], ALL);
    ck_assert_uint_eq(total(cs), BIG + 1);
    check_all(cs, NCS);

    /* revoke from the middle: the lower half goes, the upper stays */
    uint64_t steps = cap_revoke_steps();
    ck_assert_int_eq(cap_revoke(cs[(BIG / 2) % NCS], h[BIG / 2]), E_OK);
    uint64_t removed = BIG - BIG / 2;
    ck_assert_uint_eq(total(cs), BIG / 2 + 1);
    ck_assert_uint_le(cap_revoke_steps() - steps, 2 * removed + 1);
    ck_assert(present(cs[(BIG / 2) % NCS], h[BIG / 2]));
    ck_assert(!present(cs[(BIG / 2 + 1) % NCS], h[BIG / 2 + 1]));
    check_all(cs, NCS);

    /* delete a link in the middle: the root still reaches past it */
    ck_assert_int_eq(cap_delete(cs[1000 % NCS], h[1000]), E_OK);
    check_all(cs, NCS);

    /* regrow and revoke everything from the root, timed loosely */
    for (int i = BIG / 2 + 1; i <= BIG; i++)
        h[i] = dupc(cs[(i - 1) % NCS], h[i - 1], cs[i % NCS], ALL);
    ck_assert_uint_eq(total(cs), BIG);
    steps = cap_revoke_steps();
    double t0 = now_s();
    ck_assert_int_eq(cap_revoke(cs[0], h[0]), E_OK);
    double dt = now_s() - t0;
    ck_assert_uint_eq(total(cs), 1);
    ck_assert_uint_le(cap_revoke_steps() - steps, 2 * (BIG - 1) + 1);
    ck_assert_msg(dt < 10.0, "revoke of %d took %.2f s", BIG, dt);
    ck_assert_uint_eq(t.ko.refcount, 2);
    check_all(cs, NCS);
    free(h);
    for (int i = 0; i < NCS; i++)
        cspace_destroy(cs[i]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

START_TEST(test_revoke_wide_tree)
{
    struct cspace *cs[NCS];
    for (int i = 0; i < NCS; i++)
        cs[i] = new_cs(CSMAX);
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_NOTIFICATION);
    int r = root(cs[0], &t, ALL, 0);
    int *h = malloc(sizeof(int) * BIG);
    for (int i = 0; i < BIG - 1; i++)
        h[i] = dupc(cs[0], r, cs[i % NCS], ALL);
    ck_assert_uint_eq(total(cs), BIG);
    check_all(cs, NCS);

    /* revoking one child removes nothing (it has no children) */
    uint64_t steps = cap_revoke_steps();
    ck_assert_int_eq(cap_revoke(cs[5 % NCS], h[5]), E_OK);
    ck_assert_uint_eq(total(cs), BIG);
    ck_assert_uint_le(cap_revoke_steps() - steps, 1);

    /* a small subtree under one child goes alone */
    for (int i = 0; i < 100; i++)
        dupc(cs[7 % NCS], h[7], cs[i % NCS], R);
    steps = cap_revoke_steps();
    ck_assert_int_eq(cap_revoke(cs[7 % NCS], h[7]), E_OK);
    ck_assert_uint_le(cap_revoke_steps() - steps, 2 * 100 + 1);
    ck_assert_uint_eq(total(cs), BIG);

    /* delete the root: 100,000 new roots; then rebuild and revoke all */
    ck_assert_int_eq(cap_delete(cs[0], r), E_OK);
    check_all(cs, NCS);
    ck_assert_uint_eq(total(cs), BIG - 1);
    for (int i = 0; i < NCS; i++)
        cspace_destroy(cs[i]);
    ck_assert_uint_eq(t.ko.refcount, 1);

    for (int i = 0; i < NCS; i++)
        cs[i] = new_cs(CSMAX);
    r = root(cs[0], &t, ALL, 0);
    for (int i = 0; i < BIG - 1; i++)
        h[i] = dupc(cs[0], r, cs[i % NCS], ALL);
    steps = cap_revoke_steps();
    double t0 = now_s();
    ck_assert_int_eq(cap_revoke(cs[0], r), E_OK);
    double dt = now_s() - t0;
    ck_assert_uint_eq(total(cs), 1);
    ck_assert_uint_le(cap_revoke_steps() - steps, 2 * (BIG - 1) + 1);
    ck_assert_msg(dt < 10.0, "revoke of %d took %.2f s", BIG, dt);
    ck_assert_uint_eq(t.ko.refcount, 2);
    check_all(cs, NCS);
    free(h);
    for (int i = 0; i < NCS; i++)
        cspace_destroy(cs[i]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* A bushy tree: every node has up to 3 children, 100,000 nodes, revoked
 * from the root; counts and steps checked. */
START_TEST(test_revoke_bushy_tree)
{
    struct cspace *cs[NCS];
    for (int i = 0; i < NCS; i++)
        cs[i] = new_cs(CSMAX);
    struct tobj t;
    tobj_init(&t, ATOM_OBJ_MEMORY);
    int *h = malloc(sizeof(int) * BIG);
    int *where = malloc(sizeof(int) * BIG);
    h[0] = root(cs[0], &t, ALL, 0);
    where[0] = 0;
    for (int i = 1; i < BIG; i++) {
        int p = (i - 1) / 3;
        where[i] = i % NCS;
        h[i] = dupc(cs[where[p]], h[p], cs[where[i]], ALL);
    }
    check_all(cs, NCS);
    /* node 1's subtree: count it in the heap-shaped numbering */
    size_t sub = 0;
    for (long lo = 1, hi = 1; lo < BIG; lo = lo * 3 + 1, hi = hi * 3 + 3)
        sub += (size_t)((hi < BIG - 1 ? hi : BIG - 1) - lo + 1);
    uint64_t steps = cap_revoke_steps();
    ck_assert_int_eq(cap_revoke(cs[where[1]], h[1]), E_OK);
    ck_assert_uint_eq(total(cs), BIG - (sub - 1));
    ck_assert_uint_le(cap_revoke_steps() - steps, 2 * (sub - 1) + 1);
    steps = cap_revoke_steps();
    size_t left = total(cs) - 1;
    ck_assert_int_eq(cap_revoke(cs[0], h[0]), E_OK);
    ck_assert_uint_eq(total(cs), 1);
    ck_assert_uint_le(cap_revoke_steps() - steps, 2 * left + 1);
    check_all(cs, NCS);
    free(h);
    free(where);
    for (int i = 0; i < NCS; i++)
        cspace_destroy(cs[i]);
    ck_assert_uint_eq(t.ko.refcount, 1);
}
END_TEST

/* ---- random stress against a model ---------------------------------------------------- */

#define M_CS    3
#define M_MAX   40   /* per table: small, so tables fill */
#define M_OBJS  4
#define M_NODES 200000

/* The model: every capability ever made is a node; a table slot names a
 * live node. */
struct mnode {
    int cs, handle, obj, parent;
    uint32_t rights;
    uint64_t badge;
    bool live;
};
static struct mnode *mn;
static int mn_count;
static int mslot[M_CS][M_MAX];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int m_lowest_free(int cs)
{
    for (int h = 0; h < M_MAX; h++)
        if (mslot[cs][h] < 0)
            return h;
    return -1;
}

static int m_get(int cs, int h)
{
    return h >= 0 && h < M_MAX ? mslot[cs][h] : -1;
}

static int m_new(int cs, int obj, int parent, uint32_t rights, uint64_t badge)
{
    CHECK(mn_count < M_NODES, "model full");
    int h = m_lowest_free(cs);
    mn[mn_count] = (struct mnode){ cs, h, obj, parent, rights, badge, true };
    mslot[cs][h] = mn_count;
    return mn_count++;
}

static void m_kill(int n)
{
    mn[n].live = false;
    mslot[mn[n].cs][mn[n].handle] = -1;
}

static bool m_below(int n, int top)
{
    for (int p = mn[n].parent; p >= 0; p = mn[p].parent)
        if (p == top)
            return true;
    return false;
}

START_TEST(test_random_against_model)
{
    struct cspace *cs[M_CS];
    for (int i = 0; i < M_CS; i++)
        cs[i] = new_cs(M_MAX);
    struct tobj objs[M_OBJS];
    static const uint32_t types[M_OBJS] = { ATOM_OBJ_ENDPOINT, ATOM_OBJ_MEMORY,
                                            ATOM_OBJ_NOTIFICATION, ATOM_OBJ_IRQ };
    for (int i = 0; i < M_OBJS; i++)
        tobj_init(&objs[i], types[i]);
    mn = malloc(sizeof(*mn) * M_NODES);
    mn_count = 0;
    memset(mslot, 0xff, sizeof(mslot));
    int counts[8] = { 0 };

    for (int step = 0; step < 20000; step++) {
        int op = (int)(rnd() % 8);
        int s = (int)(rnd() % M_CS), d = (int)(rnd() % M_CS);
        int h = (int)(rnd() % (M_MAX + 4)) - 2;
        int n = m_get(s, h);
        uint32_t rights = (uint32_t)rnd() & ALL;
        if (n >= 0 && rnd() % 2)
            rights &= mn[n].rights; /* mostly legal requests */
        int got = -7, expect, nh = -1;
        switch (op) {
        case 0: { /* insert a root */
            int o = (int)(rnd() % M_OBJS);
            uint64_t badge = rnd() % 3;
            uint32_t r = rnd() % 4 ? ALL : rights;
            expect = m_lowest_free(d) < 0 ? E_NOSPACE : E_OK;
            got = cap_insert_root(cs[d], &objs[o].ko, r, badge, &nh);
            if (expect == E_OK) {
                int m = m_new(d, o, -1, r, badge);
                CHECK(mn[m].handle == nh, "root handle %d, model %d", nh, mn[m].handle);
            }
            break;
        }
        case 1: { /* duplicate */
            bool set = rnd() % 3 == 0;
            uint64_t badge = set ? 1 + rnd() % 5 : 0;
            if (n < 0)
                expect = E_BADHANDLE;
            else if (!(mn[n].rights & DUP) || (rights & ~mn[n].rights) || (set && mn[n].badge))
                expect = E_PERM;
            else
                expect = m_lowest_free(d) < 0 ? E_NOSPACE : E_OK;
            got = cap_duplicate(cs[s], h, cs[d], rights, badge, set, &nh);
            if (expect == E_OK) {
                int m = m_new(d, mn[n].obj, n, rights, set ? badge : mn[n].badge);
                CHECK(mn[m].handle == nh, "dup handle %d, model %d", nh, mn[m].handle);
            }
            break;
        }
        case 2:
        case 3: { /* transfer: copy or move */
            bool move = op == 3;
            if (n < 0)
                expect = E_BADHANDLE;
            else if (!(mn[n].rights & GR))
                expect = E_PERM;
            else
                expect = m_lowest_free(d) < 0 ? E_NOSPACE : E_OK;
            got = cap_transfer(cs[s], h, cs[d], move, &nh);
            if (expect == E_OK && !move) {
                int m = m_new(d, mn[n].obj, n, mn[n].rights, mn[n].badge);
                CHECK(mn[m].handle == nh, "copy handle");
            } else if (expect == E_OK) {
                int to = m_lowest_free(d);
                mslot[s][h] = -1;
                mn[n].cs = d;
                mn[n].handle = to;
                mslot[d][to] = n;
                CHECK(to == nh, "move handle %d, model %d", nh, to);
            }
            break;
        }
        case 4: /* delete */
            expect = n < 0 ? E_BADHANDLE : E_OK;
            got = cap_delete(cs[s], h);
            if (expect == E_OK) {
                for (int i = 0; i < mn_count; i++)
                    if (mn[i].live && mn[i].parent == n)
                        mn[i].parent = mn[n].parent;
                m_kill(n);
            }
            break;
        case 5: /* revoke */
            if (n < 0)
                expect = E_BADHANDLE;
            else
                expect = mn[n].rights & RV ? E_OK : E_PERM;
            got = cap_revoke(cs[s], h);
            if (expect == E_OK) {
                /* mark first, then kill: m_below follows parent links */
                static bool doomed[M_NODES];
                for (int i = 0; i < mn_count; i++)
                    doomed[i] = mn[i].live && m_below(i, n);
                for (int i = 0; i < mn_count; i++)
                    if (doomed[i])
                        m_kill(i);
            }
            break;
        default: { /* lookup */
            uint32_t type = (uint32_t)(rnd() % 3 ? 0 : types[rnd() % M_OBJS]);
            uint32_t need = rights & (uint32_t)rnd();
            if (n < 0)
                expect = E_BADHANDLE;
            else if (type && types[mn[n].obj] != type)
                expect = E_INVAL;
            else
                expect = need & ~mn[n].rights ? E_PERM : E_OK;
            struct kobject *o = NULL;
            uint64_t badge = 0;
            got = cap_lookup(cs[s], h, type, need, &o, &badge);
            if (expect == E_OK) {
                CHECK(o == &objs[mn[n].obj].ko && badge == mn[n].badge, "lookup result");
                kobject_put(o);
            }
            break;
        }
        }
        CHECK(got == expect, "step %d op %d: got %d, expected %d", step, op, got, expect);
        counts[op] += got == E_OK;

        /* compare everything visible with the model */
        int live_refs[M_OBJS] = { 0 };
        for (int c = 0; c < M_CS; c++) {
            for (int hh = 0; hh < M_MAX; hh++) {
                struct atom_cap_info info;
                int rc = cap_inspect(cs[c], hh, &info);
                int m = mslot[c][hh];
                CHECK((rc == E_OK) == (m >= 0), "step %d: slot %d/%d presence", step, c, hh);
                if (m < 0)
                    continue;
                live_refs[mn[m].obj]++;
                CHECK(info.type == types[mn[m].obj] && info.rights == mn[m].rights &&
                      info.badge == mn[m].badge, "step %d: slot %d/%d contents", step, c, hh);
            }
            CHECK(cspace_check(cs[c]) == E_OK, "step %d: %s", step, host_log_text());
        }
        for (int o = 0; o < M_OBJS; o++)
            CHECK(objs[o].ko.refcount == (uint32_t)live_refs[o] + 1, "step %d: refcount", step);
    }
    for (int i = 0; i < 8; i++)
        ck_assert_int_gt(counts[i], 50); /* every operation succeeded often */
    for (int i = 0; i < M_CS; i++)
        cspace_destroy(cs[i]);
    for (int o = 0; o < M_OBJS; o++)
        ck_assert_uint_eq(objs[o].ko.refcount, 1);
    ck_assert_int_eq(destroys, 0);
    free(mn);
}
END_TEST

Suite *suite_cap(void)
{
    Suite *s = suite_create("cap");
    TCase *tc = tcase_create("cspace");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_lookup_checks);
    tcase_add_test(tc, test_handles_lowest_free);
    tcase_add_test(tc, test_duplicate_rights_and_badges);
    tcase_add_test(tc, test_transfer_copy_and_move);
    tcase_add_test(tc, test_delete_reparents);
    tcase_add_test(tc, test_destroy_table_reparents);
    tcase_add_test(tc, test_destroy_at_last_reference);
    tcase_add_test(tc, test_destroy_may_delete_caps);
    tcase_add_test(tc, test_use_after_revoke);
    tcase_add_test(tc, test_table_full);
    tcase_add_test(tc, test_out_of_memory);
    tcase_add_test(tc, test_revoke_deep_chain);
    tcase_add_test(tc, test_revoke_wide_tree);
    tcase_add_test(tc, test_revoke_bushy_tree);
    tcase_add_test(tc, test_random_against_model);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
