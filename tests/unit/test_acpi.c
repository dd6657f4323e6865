/* Unit tests of the ACPI table parser (kernel/acpi/acpi.c).  Tables are
 * built with correct checksums in a fake physical address space; the map
 * callback hands out a fresh heap copy of exactly the bytes asked for, so
 * AddressSanitizer stops any read past a mapping.  First a QEMU-like
 * machine, then the choice of root table, then each way a table or an
 * MADT entry can be wrong, then random damage. */
#include "unit.h"
#include <kernel/acpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEM_BASE 0x7fe0000ull
#define MEM_SIZE 0x40000u

/* Where the synthetic machine keeps its tables; some deliberately odd. */
#define RSDT_AT  (MEM_BASE + 0x100)
#define XSDT_AT  (MEM_BASE + 0x200)
#define FADT_AT  (MEM_BASE + 0x400)
#define MADT_AT  (MEM_BASE + 0x10a2)
#define HPET_AT  (MEM_BASE + 0x8001)
#define WAET_AT  (MEM_BASE + 0x8100)
#define SPARE_AT (MEM_BASE + 0x9000) /* for extra tables in single tests */
#define ZERO_AT  (MEM_BASE + 0xf000) /* stays zero */
#define MANY_AT  (MEM_BASE + 0x10000)

struct fake_mem {
    uint8_t *bytes;
    int map_calls;
    int fail_from;      /* map() fails from this call on; -1: never */
    void **blocks;      /* copies handed out, freed after each parse */
    size_t nblocks, cap;
};

static struct fake_mem mem;
static struct acpi_info info;
static uint8_t rsdp[36];
static size_t rsdp_len;
static uint8_t rsdp_rev;

static const void *fake_map(void *ctx, uint64_t phys, uint64_t len)
{
    struct fake_mem *m = ctx;
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_le(len, ACPI_MAX_TABLE_SIZE);
    if (m->fail_from >= 0 && m->map_calls++ >= m->fail_from)
        return NULL;
    if (phys < MEM_BASE || phys - MEM_BASE > MEM_SIZE ||
        len > MEM_SIZE - (phys - MEM_BASE))
        return NULL;
    uint8_t *copy = malloc(len);
    memcpy(copy, mem.bytes + (phys - MEM_BASE), len);
    if (m->nblocks == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->blocks = realloc(m->blocks, m->cap * sizeof(void *));
    }
    m->blocks[m->nblocks++] = copy;
    return copy;
}

static void release_mappings(void)
{
    for (size_t i = 0; i < mem.nblocks; i++)
        free(mem.blocks[i]);
    mem.nblocks = 0;
}

static uint8_t *at(uint64_t phys)
{
    return mem.bytes + (phys - MEM_BASE);
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return s;
}

static void header(uint64_t phys, const char *sig, uint32_t len, uint8_t rev)
{
    uint8_t *t = at(phys);
    memset(t, 0, len);
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "BOCHS ", 6);
    memcpy(t + 16, "BXPC    ", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "BXPC", 4);
    put32(t + 32, 1);
}

/* Sets the checksum from the table's own length field, if it fits. */
static void seal(uint64_t phys)
{
    uint8_t *t = at(phys);
    uint32_t len = get32(t + 4);
    if (len < 10 || len > MEM_SIZE - (phys - MEM_BASE))
        return;
    t[9] = 0;
    t[9] = (uint8_t)-sum(t, len);
}

static void root_table(uint64_t phys, const char *sig, const uint64_t *e, int n)
{
    uint32_t size = sig[0] == 'X' ? 8 : 4;
    header(phys, sig, 36 + size * (uint32_t)n, 1);
    for (int i = 0; i < n; i++) {
        if (size == 8)
            put64(at(phys) + 36 + 8 * i, e[i]);
        else
            put32(at(phys) + 36 + 4 * i, (uint32_t)e[i]);
    }
    seal(phys);
}

struct madt {
    uint64_t phys;
    uint32_t len;
};

static struct madt madt_begin(uint64_t phys, uint32_t lapic, uint32_t flags)
{
    header(phys, "APIC", 44, 1);
    put32(at(phys) + 36, lapic);
    put32(at(phys) + 40, flags);
    return (struct madt){ phys, 44 };
}

static uint8_t *madt_add(struct madt *m, uint8_t type, uint8_t len)
{
    uint8_t *e = at(m->phys) + m->len;
    memset(e, 0, len < 2 ? 2 : len);
    e[0] = type;
    e[1] = len;
    m->len += len < 2 ? 2 : len;
    return e;
}

static void madt_end(struct madt *m)
{
    put32(at(m->phys) + 4, m->len);
    seal(m->phys);
}

static void madt_lapic(struct madt *m, uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t *e = madt_add(m, 0, 8);
    e[2] = uid;
    e[3] = id;
    put32(e + 4, flags);
}

static void madt_ioapic(struct madt *m, uint8_t id, uint32_t addr, uint32_t gsi)
{
    uint8_t *e = madt_add(m, 1, 12);
    e[2] = id;
    put32(e + 4, addr);
    put32(e + 8, gsi);
}

static void madt_iso(struct madt *m, uint8_t bus, uint8_t irq, uint32_t gsi,
                     uint16_t flags)
{
    uint8_t *e = madt_add(m, 2, 10);
    e[2] = bus;
    e[3] = irq;
    put32(e + 4, gsi);
    put16(e + 8, flags);
}

static void madt_lapic_nmi(struct madt *m, uint8_t uid, uint16_t flags, uint8_t lint)
{
    uint8_t *e = madt_add(m, 4, 6);
    e[2] = uid;
    put16(e + 3, flags);
    e[5] = lint;
}

static void madt_x2apic(struct madt *m, uint32_t id, uint32_t flags, uint32_t uid)
{
    uint8_t *e = madt_add(m, 9, 16);
    put32(e + 4, id);
    put32(e + 8, flags);
    put32(e + 12, uid);
}

static void hpet_table(uint64_t phys, uint64_t base, uint8_t space, uint8_t number)
{
    header(phys, "HPET", 56, 1);
    uint8_t *t = at(phys);
    put32(t + 36, 0x8086a201);
    t[40] = space;
    t[41] = 64;
    put64(t + 44, base);
    t[52] = number;
    put16(t + 53, 128);
    seal(phys);
}

static void gas(uint8_t *p, uint8_t space, uint8_t width, uint64_t addr)
{
    p[0] = space;
    p[1] = width;
    p[2] = 0;
    p[3] = 1;
    put64(p + 4, addr);
}

/* A QEMU-like FADT: SCI 9, PM timer at port 0x608, century 0x32; with the
 * ACPI 2.0 layout also boot flags (8042), reset via port 0xcf9 and
 * X_PM_TMR_BLK. */
static void fadt_table(uint64_t phys, uint8_t rev, uint32_t len)
{
    header(phys, "FACP", len, rev);
    uint8_t *t = at(phys);
    put16(t + 46, 9);
    put32(t + 76, 0x608);
    t[91] = 4;
    t[108] = 0x32;
    if (len >= 244) {
        put16(t + 109, ACPI_BOOT_LEGACY_DEVICES | ACPI_BOOT_8042);
        put32(t + 112, ACPI_FADT_RESET_REG_SUP);
        gas(t + 116, ACPI_SPACE_IO, 8, 0xcf9);
        t[128] = 0x06;
        gas(t + 208, ACPI_SPACE_IO, 32, 0x608);
    }
    seal(phys);
}

static void make_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "BOCHS ", 6);
    rsdp[15] = rev;
    put32(rsdp + 16, rsdt);
    rsdp[8] = (uint8_t)-sum(rsdp, 20);
    rsdp_len = 20;
    rsdp_rev = rev;
    if (rev >= 2) {
        put32(rsdp + 20, 36);
        put64(rsdp + 24, xsdt);
        rsdp[32] = (uint8_t)-sum(rsdp, 36);
        rsdp_len = 36;
    }
}

static void mem_reset(void)
{
    if (!mem.bytes)
        mem.bytes = malloc(MEM_SIZE);
    memset(mem.bytes, 0, MEM_SIZE);
    mem.map_calls = 0;
    mem.fail_from = -1;
}

/* The MADT of the standard machine, open for more entries. */
static struct madt qemu_madt(int cpus)
{
    struct madt m = madt_begin(MADT_AT, 0xfee00000, 1);
    for (int i = 0; i < cpus; i++)
        madt_lapic(&m, (uint8_t)i, (uint8_t)i, 1);
    madt_ioapic(&m, 0, 0xfec00000, 0);
    madt_iso(&m, 0, 0, 2, 0);
    static const uint8_t level[] = { 5, 9, 10, 11 };
    for (int i = 0; i < 4; i++)
        madt_iso(&m, 0, level[i], level[i], 0x000d);
    madt_lapic_nmi(&m, 0xff, 0, 1);
    return m;
}

/* A machine as QEMU builds it.  The RSDT lists one table fewer (no HPET)
 * than the XSDT, so tests can tell which root was read. */
static void build_machine(int cpus)
{
    mem_reset();
    struct madt m = qemu_madt(cpus);
    madt_end(&m);
    hpet_table(HPET_AT, 0xfed00000, ACPI_SPACE_MEMORY, 0);
    fadt_table(FADT_AT, 3, 244);
    header(WAET_AT, "WAET", 40, 1);
    seal(WAET_AT);
    static const uint64_t x[] = { FADT_AT, MADT_AT, HPET_AT, WAET_AT };
    static const uint64_t r[] = { FADT_AT, MADT_AT, WAET_AT };
    root_table(XSDT_AT, "XSDT", x, 4);
    root_table(RSDT_AT, "RSDT", r, 3);
    make_rsdp(2, (uint32_t)RSDT_AT, XSDT_AT);
}

/* Replaces the XSDT's entries. */
static void set_xsdt(const uint64_t *e, int n)
{
    root_table(XSDT_AT, "XSDT", e, n);
}

static int parse_with(const uint8_t *r, size_t len, uint8_t rev)
{
    host_log_clear();
    uint8_t *copy = NULL;
    if (r) {
        copy = malloc(len);
        memcpy(copy, r, len);
    }
    int rc = acpi_parse(copy, len, rev, fake_map, &mem, &info);
    free(copy);
    release_mappings();
    return rc;
}

static int parse(void)
{
    return parse_with(rsdp, rsdp_len, rsdp_rev);
}

static int log_has(const char *needle)
{
    return strstr(host_log_text(), needle) != NULL;
}

#define ck_log(needle) ck_assert_msg(log_has(needle), "log lacks '%s':\n%s", \
                                     needle, host_log_text())
#define ck_no_warnings() ck_assert_msg(!log_has("warning"), \
                                       "unexpected warnings:\n%s", host_log_text())

START_TEST(qemu_like_machine)
{
    for (int cpus = 1; cpus <= 4; cpus++) {
        build_machine(cpus);
        ck_assert_int_eq(parse(), 0);
        ck_no_warnings();
        ck_assert_int_eq(info.errors, 0);
        ck_assert(info.has_root);
        ck_assert(info.uses_xsdt);
        ck_assert_uint_eq(info.root_phys, XSDT_AT);
        ck_assert_str_eq(info.oem_id, "BOCHS ");
        ck_assert_int_eq(info.rsdp_revision, 2);
        ck_assert_uint_eq(info.table_count, 4);
        ck_assert_str_eq(info.tables[1].signature, "APIC");
        ck_assert_uint_eq(info.tables[1].phys, MADT_AT);

        ck_assert(info.has_madt);
        ck_assert_uint_eq(info.lapic_addr, 0xfee00000);
        ck_assert(info.pic_8259);
        ck_assert_uint_eq(info.cpu_count, (size_t)cpus);
        for (int i = 0; i < cpus; i++) {
            ck_assert_uint_eq(info.cpus[i].apic_id, (uint32_t)i);
            ck_assert_uint_eq(info.cpus[i].uid, (uint32_t)i);
            ck_assert(info.cpus[i].enabled);
            ck_assert(!info.cpus[i].x2apic);
        }
        ck_assert_uint_eq(info.ioapic_count, 1);
        ck_assert_uint_eq(info.ioapics[0].addr, 0xfec00000);
        ck_assert_uint_eq(info.ioapics[0].gsi_base, 0);
        ck_assert_uint_eq(info.override_count, 5);
        ck_assert_uint_eq(info.overrides[0].isa_irq, 0);
        ck_assert_uint_eq(info.overrides[0].gsi, 2);
        ck_assert_uint_eq(info.overrides[0].flags, 0);
        ck_assert_uint_eq(info.overrides[2].isa_irq, 9);
        ck_assert_uint_eq(info.overrides[2].flags, ACPI_IRQ_LEVEL);
        ck_assert_uint_eq(info.lapic_nmi_count, 1);
        ck_assert_uint_eq(info.lapic_nmis[0].uid, ACPI_ALL_CPUS);
        ck_assert_uint_eq(info.lapic_nmis[0].lint, 1);

        ck_assert(info.has_hpet);
        ck_assert_uint_eq(info.hpet.base, 0xfed00000);
        ck_assert_uint_eq(info.hpet.comparators, 3);
        ck_assert(info.hpet.counter_64bit);
        ck_assert(info.hpet.legacy_capable);
        ck_assert_uint_eq(info.hpet.pci_vendor, 0x8086);
        ck_assert_uint_eq(info.hpet.min_tick, 128);

        ck_assert(info.has_fadt);
        ck_assert_int_eq(info.fadt.revision, 3);
        ck_assert_uint_eq(info.fadt.sci_irq, 9);
        ck_assert(info.fadt.has_pm_timer);
        ck_assert_int_eq(info.fadt.pm_timer.space, ACPI_SPACE_IO);
        ck_assert_uint_eq(info.fadt.pm_timer.address, 0x608);
        ck_assert(!info.fadt.pm_timer_32bit);
        ck_assert_uint_eq(info.fadt.century, 0x32);
        ck_assert(info.fadt.has_boot_arch);
        ck_assert(info.fadt.has_reset);
        ck_assert_uint_eq(info.fadt.reset_reg.address, 0xcf9);
        ck_assert_uint_eq(info.fadt.reset_value, 6);
        ck_assert(info.i8042 && info.cmos_rtc && info.vga && info.msi);
    }

    host_log_clear();
    acpi_log_summary(&info);
    ck_log("acpi: XSDT at 0x7fe0200 (RSDP revision 2, OEM 'BOCHS '), 4 tables: "
           "FACP APIC HPET WAET");
    ck_log("acpi: 4 CPUs, 1 I/O APIC at 0xfec00000 (GSI base 0), 5 overrides, "
           "local APIC at 0xfee00000, dual 8259 PIC");
    ck_log("acpi:   IRQ 0 -> GSI 2, edge, active high");
    ck_log("acpi:   IRQ 9 -> GSI 9, level, active high");
    ck_log("acpi:   NMI on LINT1 of every CPU");
    ck_log("acpi: HPET 0 at 0xfed00000, 3 comparators, 64-bit counter, minimum tick 128");
    ck_log("acpi: FADT revision 3: SCI IRQ 9, RTC century 0x32, 8042 present, "
           "CMOS RTC present");
    ck_log("acpi: PM timer at I/O 0x608, 24-bit");
    ck_log("acpi: reset by writing 0x6 to I/O 0xcf9");
}
END_TEST

START_TEST(revision_0_uses_the_rsdt)
{
    build_machine(2);
    make_rsdp(0, (uint32_t)RSDT_AT, 0);
    ck_assert_int_eq(parse(), 0);
    ck_no_warnings();
    ck_assert(!info.uses_xsdt);
    ck_assert_uint_eq(info.root_phys, RSDT_AT);
    ck_assert_uint_eq(info.table_count, 3);
    ck_assert(info.has_madt);
    ck_assert(!info.has_hpet);
    ck_assert_uint_eq(info.cpu_count, 2);
}
END_TEST

START_TEST(bad_xsdt_falls_back_to_the_rsdt)
{
    build_machine(2);
    at(XSDT_AT)[40] ^= 0x10; /* an entry changes: checksum now wrong */
    ck_assert_int_eq(parse(), 0);
    ck_log("warning: acpi: table XSDT at 0x7fe0200: checksum is wrong; ignored");
    ck_log("warning: acpi: falling back to the RSDT at 0x7fe0100");
    ck_assert(!info.uses_xsdt);
    ck_assert_uint_eq(info.table_count, 3);
    ck_assert(info.has_madt);

    build_machine(2);
    memcpy(at(XSDT_AT), "XSDX", 4);
    seal(XSDT_AT);
    ck_assert_int_eq(parse(), 0);
    ck_log("table XSDT at 0x7fe0200: signature is 'XSDX'; ignored");
    ck_assert(!info.uses_xsdt);

    build_machine(2);
    make_rsdp(2, (uint32_t)RSDT_AT, 0);
    ck_assert_int_eq(parse(), 0);
    ck_log("RSDP revision 2 gives no XSDT address");
    ck_assert(!info.uses_xsdt);
    ck_assert(info.has_madt);

    /* An ACPI 2.0 RSDP cut to 20 bytes still has a usable RSDT. */
    build_machine(2);
    ck_assert_int_eq(parse_with(rsdp, 20, 2), 0);
    ck_log("the ACPI 2.0 part (20 bytes given, length 0) is invalid");
    ck_assert(!info.uses_xsdt);
    ck_assert(info.has_madt);
}
END_TEST

static void check_fallback(void)
{
    ck_assert(!info.has_madt);
    ck_assert_uint_eq(info.lapic_addr, ACPI_DEFAULT_LAPIC_ADDR);
    ck_assert(info.pic_8259);
    ck_assert_uint_eq(info.cpu_count, 0);
    ck_assert_uint_eq(info.ioapic_count, 0);
    ck_assert_uint_eq(info.override_count, 0);
    ck_assert(info.i8042 && info.cmos_rtc);
    ck_log("acpi: no usable MADT; falling back to the boot CPU alone, the 8259 "
           "PIC and the local APIC at 0xfee00000");
}

START_TEST(no_usable_root_means_fallback)
{
    build_machine(2);
    at(XSDT_AT)[40] ^= 1;
    at(RSDT_AT)[40] ^= 1;
    ck_assert_int_eq(parse(), -1);
    ck_assert(!info.has_root);
    ck_log("table RSDT at 0x7fe0100: checksum is wrong; ignored");
    ck_log("no usable RSDT or XSDT");
    check_fallback();

    build_machine(2);
    make_rsdp(0, 0, 0);
    ck_assert_int_eq(parse(), -1);
    ck_log("RSDP gives no RSDT address");
    check_fallback();

    host_log_clear();
    acpi_log_summary(&info);
    ck_log("acpi: no MADT: the boot CPU alone, the 8259 PIC, local APIC at 0xfee00000");
    ck_log("acpi: no HPET");
    ck_log("acpi: no FADT");
}
END_TEST

START_TEST(missing_or_bad_rsdp)
{
    build_machine(2);
    ck_assert_int_eq(parse_with(NULL, 0, 0), -1);
    ck_log("warning: acpi: no RSDP, so no ACPI tables");
    check_fallback();

    rsdp[3] ^= 1;
    ck_assert_int_eq(parse(), -1);
    ck_log("RSDP (36 bytes) has a wrong size, signature or checksum");
    check_fallback();

    build_machine(2);
    ck_assert_int_eq(parse_with(rsdp, 12, 0), -1);
    ck_log("RSDP (12 bytes) has a wrong size");

    /* Extended checksum broken: the RSDT still serves. */
    build_machine(2);
    rsdp[30] ^= 1;
    ck_assert_int_eq(parse(), 0);
    ck_log("the ACPI 2.0 part (36 bytes given, length 36) is invalid");
    ck_assert(!info.uses_xsdt);
}
END_TEST

START_TEST(bad_checksum_of_each_table)
{
    static const struct { uint64_t at; const char *msg; } cases[] = {
        { MADT_AT, "warning: acpi: table APIC at 0x7fe10a2: checksum is wrong; ignored" },
        { HPET_AT, "warning: acpi: table HPET at 0x7fe8001: checksum is wrong; ignored" },
        { FADT_AT, "warning: acpi: table FACP at 0x7fe0400: checksum is wrong; ignored" },
    };
    for (int i = 0; i < 3; i++) {
        build_machine(2);
        at(cases[i].at)[20] ^= 0x40;
        ck_assert_int_eq(parse(), 0);
        ck_log(cases[i].msg);
        ck_assert_int_eq(info.errors, 1);
        ck_assert_uint_eq(info.table_count, 3);
        ck_assert(info.has_madt == (cases[i].at != MADT_AT));
        ck_assert(info.has_hpet == (cases[i].at != HPET_AT));
        ck_assert(info.has_fadt == (cases[i].at != FADT_AT));
    }
    build_machine(2);
    at(MADT_AT)[50] ^= 1;
    parse();
    check_fallback();
}
END_TEST

START_TEST(lengths_out_of_range)
{
    /* Shorter than the header. */
    build_machine(2);
    put32(at(MADT_AT) + 4, 20);
    ck_assert_int_eq(parse(), 0);
    ck_log("table APIC at 0x7fe10a2: length 20 is shorter than the header; ignored");
    ck_assert(!info.has_madt);

    /* Too short for what each table must hold. */
    build_machine(2);
    put32(at(MADT_AT) + 4, 40);
    seal(MADT_AT);
    put32(at(HPET_AT) + 4, 50);
    seal(HPET_AT);
    put32(at(FADT_AT) + 4, 100);
    seal(FADT_AT);
    ck_assert_int_eq(parse(), 0);
    ck_log("table APIC at 0x7fe10a2: length 40 is too short for a MADT; ignored");
    ck_log("table HPET at 0x7fe8001: length 50 is too short for an HPET table; ignored");
    ck_log("table FACP at 0x7fe0400: length 100 is too short for a FADT; ignored");
    ck_assert(!info.has_madt && !info.has_hpet && !info.has_fadt);
    check_fallback();

    /* Huge. */
    build_machine(2);
    put32(at(MADT_AT) + 4, 0xfffffff0);
    ck_assert_int_eq(parse(), 0);
    ck_log("table APIC at 0x7fe10a2: length 4294967280 is over the limit of 1048576 bytes");
    ck_assert(!info.has_madt);

    /* Past the end of readable memory. */
    build_machine(2);
    uint64_t edge = MEM_BASE + MEM_SIZE - 100;
    header(edge, "SSDT", 100, 1);
    put32(at(edge) + 4, 200);
    uint64_t e[] = { FADT_AT, edge, MADT_AT };
    set_xsdt(e, 3);
    ck_assert_int_eq(parse(), 0);
    ck_log("table SSDT at 0x801ff9c: its 200 bytes cannot be mapped; ignored");
    ck_assert(info.has_madt);
    ck_assert_uint_eq(info.table_count, 2);

    /* A header that would wrap around the address space. */
    build_machine(2);
    uint64_t w[] = { 0xfffffffffffffff0ull, MADT_AT };
    set_xsdt(w, 2);
    ck_assert_int_eq(parse(), 0);
    ck_log("header wraps around the address space");
    ck_assert(info.has_madt);
}
END_TEST

START_TEST(map_failures)
{
    build_machine(2);
    mem.fail_from = 0;
    ck_assert_int_eq(parse(), -1);
    ck_log("table XSDT at 0x7fe0200: header cannot be mapped; ignored");
    ck_log("table RSDT at 0x7fe0100: header cannot be mapped; ignored");
    check_fallback();

    /* Failing at every later point leaves a consistent, partial result. */
    for (int n = 1; n < 20; n++) {
        build_machine(2);
        mem.fail_from = n;
        parse();
        ck_assert(info.has_madt || info.cpu_count == 0);
        ck_assert_uint_le(info.table_count, 4);
        ck_assert(log_has("cannot be mapped") || n >= 10);
    }

    /* A table outside memory. */
    build_machine(2);
    uint64_t e[] = { 0xdead0000, MADT_AT };
    set_xsdt(e, 2);
    ck_assert_int_eq(parse(), 0);
    ck_log("table ???? at 0xdead0000: header cannot be mapped; ignored");
    ck_assert(info.has_madt);
}
END_TEST

START_TEST(root_entries_zero_repeated_or_garbage)
{
    build_machine(2);
    uint64_t e[] = { FADT_AT, 0, MADT_AT, HPET_AT, MADT_AT, ZERO_AT, WAET_AT };
    set_xsdt(e, 7);
    ck_assert_int_eq(parse(), 0);
    ck_log("warning: acpi: XSDT entry 1 is zero; ignored");
    ck_log("warning: acpi: XSDT entry 4 repeats entry 2 (0x7fe10a2); ignored");
    ck_log("table ???? at 0x7fef000: signature is not printable; ignored");
    ck_assert_int_eq(info.errors, 3);
    ck_assert_uint_eq(info.table_count, 4);
    ck_assert(info.has_madt && info.has_hpet && info.has_fadt);

    /* Trailing bytes after the last whole entry. */
    build_machine(2);
    put32(at(XSDT_AT) + 4, 36 + 4 * 8 + 3);
    seal(XSDT_AT);
    ck_assert_int_eq(parse(), 0);
    ck_log("XSDT at 0x7fe0200: 3 bytes after the last entry; ignored");
    ck_assert_uint_eq(info.table_count, 4);
}
END_TEST

START_TEST(duplicate_tables_keep_the_first)
{
    build_machine(2);
    struct madt m = madt_begin(SPARE_AT, 0xfee00000, 0);
    madt_lapic(&m, 0, 7, 1);
    madt_end(&m);
    hpet_table(SPARE_AT + 0x400, 0xfed01000, ACPI_SPACE_MEMORY, 1);
    fadt_table(SPARE_AT + 0x800, 1, 116);
    uint64_t e[] = { FADT_AT, MADT_AT, HPET_AT, SPARE_AT, SPARE_AT + 0x400,
                     SPARE_AT + 0x800 };
    set_xsdt(e, 6);
    ck_assert_int_eq(parse(), 0);
    ck_log("warning: acpi: table APIC at 0x7fe9000: a second MADT; the one at 0x7fe10a2 is used");
    ck_log("acpi: table HPET at 0x7fe9400: another HPET; the one at 0x7fe8001 is used");
    ck_log("warning: acpi: table FACP at 0x7fe9800: a second FADT; the one at 0x7fe0400 is used");
    ck_assert_uint_eq(info.table_count, 6);
    ck_assert_ptr_eq(acpi_find_table(&info, "APIC", 1), &info.tables[3]);
    ck_assert_uint_eq(info.cpu_count, 2);
    ck_assert(info.pic_8259);
    ck_assert_uint_eq(info.hpet.base, 0xfed00000);
    ck_assert_int_eq(info.fadt.revision, 3);
}
END_TEST

START_TEST(too_many_root_entries)
{
    build_machine(2);
    enum { N = 304 };
    static uint64_t e[N];
    e[0] = FADT_AT;
    e[1] = MADT_AT;
    e[2] = HPET_AT;
    e[3] = WAET_AT;
    for (int i = 4; i < N; i++) {
        e[i] = MANY_AT + 36u * (uint64_t)i;
        header(e[i], "SSDT", 36, 1);
        seal(e[i]);
    }
    root_table(SPARE_AT, "XSDT", e, N); /* too big for the usual place */
    make_rsdp(2, (uint32_t)RSDT_AT, SPARE_AT);
    ck_assert_int_eq(parse(), 0);
    ck_log("XSDT at 0x7fe9000 lists 304 tables; only the first 256 are read");
    ck_log("acpi: 192 tables beyond the first 64 are used but not listed");
    ck_assert_uint_eq(info.table_count, ACPI_MAX_TABLES);
    ck_assert(info.has_madt && info.has_hpet && info.has_fadt);
    ck_assert_ptr_eq(acpi_find_table(&info, "SSDT", 59), &info.tables[63]);
    ck_assert_ptr_null(acpi_find_table(&info, "SSDT", 60));
    ck_assert_ptr_eq(acpi_find_table(&info, "HPET", 0), &info.tables[2]);
    ck_assert_ptr_null(acpi_find_table(&info, "MCFG", 0));
}
END_TEST

START_TEST(madt_entry_lengths)
{
    /* Length 0 must end the walk, not loop; what came before stays. */
    build_machine(2);
    struct madt m = qemu_madt(2);
    uint8_t *z = madt_add(&m, 0, 8);
    z[1] = 0;
    madt_lapic(&m, 5, 5, 1);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("entry at offset 0x80 (local APIC): length 0 is outside the 16 bytes "
           "left; the rest of the MADT is ignored");
    ck_assert_uint_eq(info.cpu_count, 2);
    ck_assert_uint_eq(info.override_count, 5);

    /* Length 1 likewise. */
    build_machine(2);
    m = qemu_madt(2);
    madt_add(&m, 2, 10)[1] = 1;
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("length 1 is outside");
    ck_assert_uint_eq(info.cpu_count, 2);

    /* An entry running past the table. */
    build_machine(2);
    m = qemu_madt(2);
    madt_add(&m, 1, 12)[1] = 40;
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("(I/O APIC): length 40 is outside the 12 bytes left");
    ck_assert_uint_eq(info.ioapic_count, 1);

    /* An entry too short for its type is skipped alone. */
    build_machine(2);
    m = qemu_madt(2);
    madt_add(&m, 0, 6);
    madt_add(&m, 2, 8);
    madt_lapic(&m, 2, 2, 1);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("(local APIC): length 6 is shorter than 8; ignored");
    ck_log("(interrupt source override): length 8 is shorter than 10; ignored");
    ck_assert_uint_eq(info.cpu_count, 3);

    /* One byte left over after the last entry. */
    build_machine(2);
    m = qemu_madt(2);
    m.len += 1;
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("a stray byte at offset");
    ck_assert_uint_eq(info.cpu_count, 2);
}
END_TEST

START_TEST(madt_unknown_and_extended_entries)
{
    build_machine(2);
    struct madt m = qemu_madt(2);
    madt_add(&m, 0x7f, 5);                  /* unknown: skipped quietly */
    madt_add(&m, 0x0b, 82);                 /* GIC CPU interface: not ours */
    madt_x2apic(&m, 300, 1, 40);
    madt_x2apic(&m, 301, 2, 41);            /* online-capable */
    madt_lapic(&m, 9, 0xff, 0);             /* placeholder: quietly skipped */
    uint8_t *e = madt_add(&m, 10, 12);      /* x2APIC NMI, every CPU */
    put32(e + 4, 0xffffffff);
    e[8] = 1;
    e = madt_add(&m, 3, 8);                 /* NMI source */
    put16(e + 2, 0xf);
    put32(e + 4, 23);
    e = madt_add(&m, 5, 12);                /* 64-bit local APIC address */
    put64(e + 4, 0x1fee00000ull);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_no_warnings();
    ck_assert_uint_eq(info.cpu_count, 4);
    ck_assert(info.cpus[2].x2apic);
    ck_assert_uint_eq(info.cpus[2].apic_id, 300);
    ck_assert_uint_eq(info.cpus[2].uid, 40);
    ck_assert(info.cpus[2].enabled);
    ck_assert(!info.cpus[3].enabled);
    ck_assert(info.cpus[3].online_capable);
    ck_assert_uint_eq(info.lapic_nmi_count, 2);
    ck_assert_uint_eq(info.lapic_nmis[1].uid, ACPI_ALL_CPUS);
    ck_assert_uint_eq(info.nmi_source_count, 1);
    ck_assert_uint_eq(info.nmi_sources[0].gsi, 23);
    ck_assert_uint_eq(info.nmi_sources[0].flags, ACPI_IRQ_LEVEL | ACPI_IRQ_ACTIVE_LOW);
    ck_assert_uint_eq(info.lapic_addr, 0x1fee00000ull);

    host_log_clear();
    acpi_log_summary(&info);
    ck_log("acpi: 3 CPUs (more can come online), 1 I/O APIC");
    ck_log("acpi:   CPU uid 40, x2APIC ID 300, enabled");
    ck_log("acpi:   NMI source GSI 23, level, active low");
}
END_TEST

START_TEST(madt_bad_entries)
{
    build_machine(2);
    struct madt m = qemu_madt(2);
    madt_lapic(&m, 7, 0xff, 1);            /* broadcast ID */
    madt_lapic(&m, 8, 1, 1);               /* APIC ID taken */
    madt_iso(&m, 1, 4, 4, 0);              /* not ISA */
    madt_iso(&m, 0, 16, 16, 0);            /* not an ISA IRQ */
    madt_iso(&m, 0, 3, 3, 0x2);            /* reserved polarity */
    madt_iso(&m, 0, 4, 4, 0x8);            /* reserved trigger */
    madt_iso(&m, 0, 9, 20, 0);             /* IRQ 9 already overridden */
    madt_ioapic(&m, 1, 0, 24);             /* address zero */
    madt_ioapic(&m, 1, 0xfec00000, 24);    /* address twice */
    madt_ioapic(&m, 1, 0xfec01000, 0);     /* GSI base twice */
    madt_ioapic(&m, 0, 0xfec02000, 24);    /* ID twice: kept */
    madt_lapic_nmi(&m, 0, 0, 2);           /* LINT2 */
    uint8_t *e = madt_add(&m, 5, 12);      /* address override of zero */
    put64(e + 4, 0);
    e = madt_add(&m, 5, 12);
    put64(e + 4, 0xfee10000);
    e = madt_add(&m, 5, 12);               /* a second override */
    put64(e + 4, 0xfee20000);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("(local APIC): APIC ID 0xff is the broadcast ID; ignored");
    ck_log("(local APIC): APIC ID 1 is listed twice; ignored");
    ck_log("(interrupt source override): bus 1 is not ISA; ignored");
    ck_log("(interrupt source override): source 16 is not an ISA IRQ; ignored");
    ck_log("(interrupt source override): flags 0x2 use a reserved polarity or trigger mode; ignored");
    ck_log("flags 0x8 use a reserved");
    ck_log("(interrupt source override): IRQ 9 already has an override; ignored");
    ck_log("(I/O APIC): address is zero; ignored");
    ck_log("(I/O APIC): address 0xfec00000 is listed twice; ignored");
    ck_log("(I/O APIC): GSI base 0 is already that of the I/O APIC at 0xfec00000; ignored");
    ck_log("(I/O APIC): ID 0 is used twice; kept");
    ck_log("(local APIC NMI): LINT2 does not exist; ignored");
    ck_log("(local APIC address override): address is zero; ignored");
    ck_log("(local APIC address override): a second override; ignored");
    ck_assert_int_eq(info.errors, 14);
    ck_assert_uint_eq(info.cpu_count, 2);
    ck_assert_uint_eq(info.override_count, 5);
    ck_assert_uint_eq(info.ioapic_count, 2);
    ck_assert_uint_eq(info.ioapics[1].addr, 0xfec02000);
    ck_assert_uint_eq(info.lapic_nmi_count, 1);
    ck_assert_uint_eq(info.lapic_addr, 0xfee10000);
}
END_TEST

START_TEST(madt_header_problems)
{
    /* No processor, no I/O APIC, a local APIC address of zero. */
    build_machine(2);
    struct madt m = madt_begin(MADT_AT, 0, 0);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("local APIC address 0 is invalid; using 0xfee00000");
    ck_log("lists no usable processor; the boot CPU runs alone");
    ck_log("lists no I/O APIC; interrupts need the 8259 PIC");
    ck_assert(info.has_madt);
    ck_assert(!info.pic_8259);
    ck_assert_uint_eq(info.lapic_addr, ACPI_DEFAULT_LAPIC_ADDR);

    build_machine(2);
    m = madt_begin(MADT_AT, 0xfee00800, 1);
    madt_lapic(&m, 0, 0, 1);
    madt_ioapic(&m, 0, 0xfec00000, 0);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("local APIC address 0xfee00800 is invalid; using 0xfee00000");
    ck_assert_uint_eq(info.lapic_addr, ACPI_DEFAULT_LAPIC_ADDR);
    ck_assert(info.pic_8259);
}
END_TEST

START_TEST(madt_too_many_entries)
{
    build_machine(2);
    struct madt m = madt_begin(MADT_AT, 0xfee00000, 1);
    for (uint32_t i = 0; i < 300; i++)
        madt_x2apic(&m, i, 1, i);
    for (uint32_t i = 0; i < 20; i++)
        madt_ioapic(&m, (uint8_t)i, 0xfec00000 + 0x1000 * i, 24 * i);
    for (uint32_t i = 0; i < 20; i++) {
        uint8_t *e = madt_add(&m, 3, 8);
        put32(e + 4, i);
    }
    for (uint32_t i = 0; i < 260; i++)
        madt_lapic_nmi(&m, (uint8_t)i, 0, 1);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_log("lists 44 processors beyond the limit of 256; they are ignored");
    ck_log("lists 4 I/O APICs beyond the limit of 16; they are ignored");
    ck_log("lists 4 NMI sources beyond the limit of 16; they are ignored");
    ck_log("lists 4 local APIC NMIs beyond the limit of 256; they are ignored");
    ck_assert_uint_eq(info.cpu_count, ACPI_MAX_CPUS);
    ck_assert_uint_eq(info.cpus[255].apic_id, 255);
    ck_assert_uint_eq(info.ioapic_count, ACPI_MAX_IOAPICS);
    ck_assert_uint_eq(info.nmi_source_count, ACPI_MAX_NMI_SOURCES);
    ck_assert_uint_eq(info.lapic_nmi_count, ACPI_MAX_LAPIC_NMIS);
}
END_TEST

START_TEST(missing_madt_falls_back)
{
    build_machine(2);
    uint64_t e[] = { FADT_AT, HPET_AT, WAET_AT };
    set_xsdt(e, 3);
    ck_assert_int_eq(parse(), 0);
    check_fallback();
    ck_assert(info.has_hpet && info.has_fadt);

    uint32_t gsi;
    unsigned flags;
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 0, &gsi, &flags), 0);
    ck_assert_uint_eq(gsi, 0);
    ck_assert_uint_eq(flags, 0);
}
END_TEST

START_TEST(irq_to_gsi)
{
    build_machine(1);
    ck_assert_int_eq(parse(), 0);
    uint32_t gsi = 99;
    unsigned flags = 99;
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 0, &gsi, &flags), 0);
    ck_assert_uint_eq(gsi, 2);
    ck_assert_uint_eq(flags, 0);
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 1, &gsi, &flags), 0);
    ck_assert_uint_eq(gsi, 1);
    ck_assert_uint_eq(flags, 0);
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 9, &gsi, &flags), 0);
    ck_assert_uint_eq(gsi, 9);
    ck_assert_uint_eq(flags, ACPI_IRQ_LEVEL);
    /* GSI 2 belongs to IRQ 0 now. */
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 2, &gsi, &flags), -1);
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 16, &gsi, &flags), -1);
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 15, &gsi, &flags), 0);
    ck_assert_uint_eq(gsi, 15);

    build_machine(1);
    struct madt m = madt_begin(MADT_AT, 0xfee00000, 1);
    madt_lapic(&m, 0, 0, 1);
    madt_ioapic(&m, 0, 0xfec00000, 0);
    madt_iso(&m, 0, 9, 20, 0xf);
    madt_end(&m);
    ck_assert_int_eq(parse(), 0);
    ck_assert_int_eq(acpi_irq_to_gsi(&info, 9, &gsi, &flags), 0);
    ck_assert_uint_eq(gsi, 20);
    ck_assert_uint_eq(flags, ACPI_IRQ_LEVEL | ACPI_IRQ_ACTIVE_LOW);
}
END_TEST

START_TEST(fadt_versions_and_fields)
{
    /* ACPI 1.0: no boot flags, so legacy devices are assumed; the reset
     * flag cannot be honoured in 116 bytes. */
    build_machine(2);
    fadt_table(FADT_AT, 1, 116);
    put32(at(FADT_AT) + 112, ACPI_FADT_RESET_REG_SUP | ACPI_FADT_TMR_VAL_EXT);
    put16(at(FADT_AT) + 109, 0); /* reserved in 1.0: must not count */
    seal(FADT_AT);
    ck_assert_int_eq(parse(), 0);
    ck_log("FADT at 0x7fe0400: reset register flagged but the table is only 116 bytes; ignored");
    ck_assert(info.has_fadt);
    ck_assert(!info.fadt.has_boot_arch);
    ck_assert(!info.fadt.has_reset);
    ck_assert(info.i8042 && info.cmos_rtc);
    ck_assert(info.fadt.has_pm_timer);
    ck_assert_uint_eq(info.fadt.pm_timer.address, 0x608);
    ck_assert(info.fadt.pm_timer_32bit);
    ck_assert_uint_eq(info.fadt.century, 0x32);

    /* ACPI 2.0 saying: no 8042, no CMOS RTC, no VGA, no MSI. */
    build_machine(2);
    put16(at(FADT_AT) + 109, ACPI_BOOT_NO_CMOS_RTC | ACPI_BOOT_NO_VGA |
                             ACPI_BOOT_NO_MSI);
    seal(FADT_AT);
    ck_assert_int_eq(parse(), 0);
    ck_no_warnings();
    ck_assert(info.fadt.has_boot_arch);
    ck_assert(!info.i8042 && !info.cmos_rtc && !info.vga && !info.msi);
    host_log_clear();
    acpi_log_summary(&info);
    ck_log("8042 absent, CMOS RTC absent");

    /* Revision 3 in an ACPI 1.0-sized table. */
    build_machine(2);
    fadt_table(FADT_AT, 3, 200);
    ck_assert_int_eq(parse(), 0);
    ck_log("FADT at 0x7fe0400: revision 3 in only 200 bytes; boot flags ignored");
    ck_assert(!info.fadt.has_boot_arch);
    ck_assert(info.i8042);

    /* Bad century indices. */
    build_machine(2);
    at(FADT_AT)[108] = 0x05;
    seal(FADT_AT);
    parse();
    ck_log("RTC century index 0x5 is not a usable CMOS location; ignored");
    ck_assert_uint_eq(info.fadt.century, 0);
    build_machine(2);
    at(FADT_AT)[108] = 0x90;
    seal(FADT_AT);
    parse();
    ck_log("RTC century index 0x90");

    /* Reset register of the wrong width, then of no address. */
    build_machine(2);
    at(FADT_AT)[117] = 16;
    seal(FADT_AT);
    parse();
    ck_log("reset register (space 1, width 16, offset 0, address 0xcf9) is invalid; ignored");
    ck_assert(!info.fadt.has_reset);
    build_machine(2);
    put64(at(FADT_AT) + 120, 0);
    seal(FADT_AT);
    parse();
    ck_assert(!info.fadt.has_reset);
}
END_TEST

START_TEST(fadt_pm_timer)
{
    /* X_PM_TMR_BLK wins over PM_TMR_BLK. */
    build_machine(2);
    gas(at(FADT_AT) + 208, ACPI_SPACE_MEMORY, 32, 0xfe000008);
    seal(FADT_AT);
    parse();
    ck_no_warnings();
    ck_assert_int_eq(info.fadt.pm_timer.space, ACPI_SPACE_MEMORY);
    ck_assert_uint_eq(info.fadt.pm_timer.address, 0xfe000008);

    /* An unusable X_PM_TMR_BLK falls back to the port. */
    build_machine(2);
    gas(at(FADT_AT) + 208, 7, 32, 0x1000);
    seal(FADT_AT);
    parse();
    ck_log("X_PM_TMR_BLK 0x1000 is in an unsupported address space; ignored");
    ck_assert(info.fadt.has_pm_timer);
    ck_assert_int_eq(info.fadt.pm_timer.space, ACPI_SPACE_IO);
    ck_assert_uint_eq(info.fadt.pm_timer.address, 0x608);

    /* Wrong block length, or a port out of range: no PM timer. */
    build_machine(2);
    put64(at(FADT_AT) + 212, 0);
    at(FADT_AT)[91] = 2;
    seal(FADT_AT);
    parse();
    ck_log("PM timer block length is 2, not 4; ignored");
    ck_assert(!info.fadt.has_pm_timer);
    build_machine(2);
    put64(at(FADT_AT) + 212, 0);
    put32(at(FADT_AT) + 76, 0x10000);
    seal(FADT_AT);
    parse();
    ck_log("PM timer port 0x10000 is beyond the I/O port range; ignored");
    ck_assert(!info.fadt.has_pm_timer);

    /* None at all is not a defect. */
    build_machine(2);
    put64(at(FADT_AT) + 212, 0);
    put32(at(FADT_AT) + 76, 0);
    seal(FADT_AT);
    parse();
    ck_no_warnings();
    ck_assert(!info.fadt.has_pm_timer);
}
END_TEST

START_TEST(hpet_checks)
{
    build_machine(2);
    hpet_table(HPET_AT, 0xfed00000, ACPI_SPACE_IO, 0);
    parse();
    ck_log("table HPET at 0x7fe8001: base address is in address space 1, not memory; ignored");
    ck_assert(!info.has_hpet);

    build_machine(2);
    hpet_table(HPET_AT, 0, ACPI_SPACE_MEMORY, 0);
    parse();
    ck_log("table HPET at 0x7fe8001: base address is zero; ignored");
    ck_assert(!info.has_hpet);
    ck_assert_uint_eq(info.table_count, 4); /* still a valid table */
}
END_TEST

static void check_invariants(int rc)
{
    ck_assert_int_eq(rc == 0, info.has_root);
    ck_assert_uint_le(info.table_count, ACPI_MAX_TABLES);
    ck_assert_uint_le(info.cpu_count, ACPI_MAX_CPUS);
    ck_assert_uint_le(info.ioapic_count, ACPI_MAX_IOAPICS);
    ck_assert_uint_le(info.override_count, ACPI_MAX_OVERRIDES);
    ck_assert_uint_le(info.nmi_source_count, ACPI_MAX_NMI_SOURCES);
    ck_assert_uint_le(info.lapic_nmi_count, ACPI_MAX_LAPIC_NMIS);
    ck_assert_uint_ne(info.lapic_addr, 0);
    ck_assert_uint_eq(info.lapic_addr & 0xfff, 0);
    ck_assert_uint_eq(strlen(info.oem_id) == 0 || strlen(info.oem_id) == 6, 1);
    for (size_t i = 0; i < info.table_count; i++) {
        ck_assert_uint_ne(info.tables[i].phys, 0);
        ck_assert_uint_ge(info.tables[i].length, 36);
        ck_assert_uint_eq(strlen(info.tables[i].signature), 4);
    }
    for (size_t i = 0; i < info.cpu_count; i++) {
        ck_assert(info.cpus[i].enabled || info.cpus[i].online_capable);
        for (size_t j = 0; j < i; j++)
            ck_assert_uint_ne(info.cpus[i].apic_id, info.cpus[j].apic_id);
    }
    for (size_t i = 0; i < info.ioapic_count; i++)
        ck_assert_uint_ne(info.ioapics[i].addr, 0);
    for (size_t i = 0; i < info.override_count; i++) {
        ck_assert_uint_lt(info.overrides[i].isa_irq, 16);
        for (size_t j = 0; j < i; j++)
            ck_assert_uint_ne(info.overrides[i].isa_irq, info.overrides[j].isa_irq);
    }
    for (size_t i = 0; i < info.lapic_nmi_count; i++)
        ck_assert_uint_le(info.lapic_nmis[i].lint, 1);
    if (info.has_hpet)
        ck_assert_uint_ne(info.hpet.base, 0);
    if (info.has_fadt && info.fadt.has_reset)
        ck_assert_uint_eq(info.fadt.reset_reg.bit_width, 8);
    if (!info.has_madt)
        ck_assert(info.cpu_count == 0 && info.pic_8259);
    uint32_t gsi;
    unsigned flags;
    for (unsigned irq = 0; irq < 16; irq++)
        if (acpi_irq_to_gsi(&info, (uint8_t)irq, &gsi, &flags) == 0)
            ck_assert_uint_le(flags, ACPI_IRQ_ACTIVE_LOW | ACPI_IRQ_LEVEL);
}

/* Random damage must never read outside a mapping (ASan would stop the
 * test) and must leave only validated data.  Half the rounds repair the
 * checksums so that the damage reaches the field checks. */
START_TEST(random_damage_is_survived)
{
    static const uint64_t tables[] = { XSDT_AT, RSDT_AT, FADT_AT, MADT_AT, HPET_AT };
    static const uint32_t spans[] = { 80, 60, 260, 190, 64 };
    build_machine(4);
    struct madt m = qemu_madt(4);
    madt_x2apic(&m, 400, 1, 9);
    uint8_t *e = madt_add(&m, 5, 12);
    put64(e + 4, 0xfee00000);
    e = madt_add(&m, 3, 8);
    put32(e + 4, 5);
    madt_end(&m);
    uint8_t *snapshot = malloc(MEM_SIZE);
    memcpy(snapshot, mem.bytes, MEM_SIZE);
    uint8_t good_rsdp[36];
    memcpy(good_rsdp, rsdp, 36);

    srand(4242);
    for (int round = 0; round < 20000; round++) {
        memcpy(mem.bytes, snapshot, MEM_SIZE);
        memcpy(rsdp, good_rsdp, 36);
        int flips = 1 + rand() % 8;
        for (int i = 0; i < flips; i++) {
            int which = rand() % 6;
            uint8_t bits = (uint8_t)(1 + rand() % 255);
            if (which == 5)
                rsdp[rand() % 36] ^= bits;
            else
                at(tables[which])[rand() % spans[which]] ^= bits;
        }
        if (round & 1) {
            for (int i = 0; i < 5; i++)
                seal(tables[i]);
            rsdp[8] = 0;
            rsdp[8] = (uint8_t)-sum(rsdp, 20);
            rsdp[32] = 0;
            rsdp[32] = (uint8_t)-sum(rsdp, 36);
        }
        size_t len = (round % 7 == 0) ? (size_t)(rand() % 37) : 36;
        uint8_t rev = (round % 5 == 0) ? (uint8_t)(rand() % 4) : 2;
        int rc = parse_with(rsdp, len, rev);
        check_invariants(rc);
        host_log_clear();
        acpi_log_summary(&info);
    }
    free(snapshot);
}
END_TEST

/* ---- \_S5 in AML, and the FADT's sleep fields ---- */

/* acpi_find_s5 on an exact-size heap copy, so ASan catches any read
 * past the end. */
static int find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, aml, len);
    int r = acpi_find_s5(copy, len, a, b);
    free(copy);
    return r;
}

/* Name(\_S5, Package(4) { 5, 0, Zero, Zero }) in a scope, as a compiler
 * writes it, after some other AML. */
static const uint8_t s5_good[] = {
    0x10, 0x03, 0x5c, 0x00,                          /* Scope(\) with nothing */
    0x08, 0x5c, '_', 'S', '5', '_',                  /* Name(\_S5, */
    0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x00, 0x00, 0x00, /* Package(4){5,0,0,0} */
    0x14, 0x03, 'X',                                 /* trailing junk */
};

START_TEST(s5_found)
{
    uint8_t a = 99, b = 99;
    ck_assert_int_eq(find_s5(s5_good, sizeof(s5_good), &a, &b), 0);
    ck_assert_uint_eq(a, 5);
    ck_assert_uint_eq(b, 0);

    /* Without the root prefix, ZeroOp and OneOp, two elements exactly. */
    static const uint8_t plain[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01 };
    ck_assert_int_eq(find_s5(plain, sizeof(plain), &a, &b), 0);
    ck_assert_uint_eq(a, 0);
    ck_assert_uint_eq(b, 1);

    /* A two-byte PkgLength (bits 7-6 = 1): length 0x7 | 0x00 << 4. */
    static const uint8_t long_len[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02,
                                        0x0a, 0x07, 0x0a, 0x03 };
    ck_assert_int_eq(find_s5(long_len, sizeof(long_len), &a, &b), 0);
    ck_assert_uint_eq(a, 7);
    ck_assert_uint_eq(b, 3);

    /* "_S5_" that is not a Name (a string, say) is skipped for the real one. */
    static const uint8_t decoy[] = { 0x0d, '_', 'S', '5', '_', 0x00,
                                     0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x00 };
    ck_assert_int_eq(find_s5(decoy, sizeof(decoy), &a, &b), 0);
    ck_assert_uint_eq(a, 1);
    ck_assert_uint_eq(b, 0);
}
END_TEST

START_TEST(s5_truncated)
{
    /* Every proper prefix that cuts the package is refused. */
    uint8_t a, b;
    for (size_t len = 0; len < 19; len++)
        ck_assert_msg(find_s5(s5_good, len, &a, &b) == -1, "prefix of %zu bytes", len);
    ck_assert_int_eq(find_s5(s5_good, 19, &a, &b), 0);
}
END_TEST

START_TEST(s5_malformed)
{
    uint8_t a, b;
    static const struct {
        const char *why;
        uint8_t aml[16];
        size_t len;
    } bad[] = {
        { "no _S5_ at all", { 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00 }, 10 },
        { "not a Name", { 0x06, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00 }, 10 },
        { "_S5_ at the very start", { '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x00 }, 9 },
        { "not a package", { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 }, 7 },
        { "a method, not a package", { 0x08, '_', 'S', '5', '_', 0x14, 0x04, 0x00, 0xa4, 0x00 }, 10 },
        { "one element", { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x00, 0x00 }, 10 },
        { "no elements", { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 }, 8 },
        { "PkgLength past the end", { 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02, 0x00, 0x00 }, 10 },
        { "PkgLength too short for its elements",
          { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x00, 0x00 }, 10 },
        { "PkgLength of zero", { 0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0x00, 0x00 }, 10 },
        { "PkgLength reserved bits", { 0x08, '_', 'S', '5', '_', 0x12, 0x75, 0x00, 0x02, 0x00, 0x00 }, 11 },
        { "PkgLength bytes cut off", { 0x08, '_', 'S', '5', '_', 0x12, 0xc5 }, 7 },
        { "SLP_TYP above 7", { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00 }, 11 },
        { "BytePrefix cut by the package end",
          { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x0a, 0x03 }, 11 },
        { "element not a constant", { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x70, 0x00 }, 10 },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(find_s5(bad[i].aml, bad[i].len, &a, &b) == -1, "%s", bad[i].why);
}
END_TEST

#define DSDT_AT (MEM_BASE + 0xa000)

/* The standard machine with PM1a control at 0x604 (length 2), an SMI
 * command port and a DSDT holding `aml`. */
static void machine_with_dsdt(const uint8_t *aml, size_t len)
{
    build_machine(2);
    uint8_t *f = at(FADT_AT);
    put32(f + 40, (uint32_t)DSDT_AT);
    put32(f + 48, 0xb2);
    f[52] = 0xf1;
    put32(f + 64, 0x604);
    f[89] = 2;
    seal(FADT_AT);
    header(DSDT_AT, "DSDT", (uint32_t)(36 + len), 1);
    memcpy(at(DSDT_AT) + 36, aml, len);
    seal(DSDT_AT);
}

START_TEST(fadt_sleep_state)
{
    machine_with_dsdt(s5_good, sizeof(s5_good));
    parse();
    ck_no_warnings();
    ck_assert(info.fadt.has_s5);
    ck_assert_uint_eq(info.fadt.pm1a_cnt, 0x604);
    ck_assert_uint_eq(info.fadt.pm1b_cnt, 0);
    ck_assert_uint_eq(info.fadt.smi_cmd, 0xb2);
    ck_assert_uint_eq(info.fadt.acpi_enable, 0xf1);
    ck_assert_uint_eq(info.fadt.slp_typ_a, 5);
    ck_assert_uint_eq(info.fadt.dsdt, DSDT_AT);
    acpi_log_summary(&info);
    ck_log("acpi: switch off through PM1 control 0x604/0, SLP_TYP 5/0");

    /* X_PM1a_CNT_BLK wins when it is an I/O port. */
    machine_with_dsdt(s5_good, sizeof(s5_good));
    gas(at(FADT_AT) + 172, ACPI_SPACE_IO, 16, 0xb004);
    seal(FADT_AT);
    parse();
    ck_assert(info.fadt.has_s5);
    ck_assert_uint_eq(info.fadt.pm1a_cnt, 0xb004);

    /* A DSDT with a bad checksum is reported and not read. */
    machine_with_dsdt(s5_good, sizeof(s5_good));
    at(DSDT_AT)[40] ^= 1;
    parse();
    ck_log("table DSDT at 0x7fea000: checksum is wrong; ignored");
    ck_assert(!info.fadt.has_s5);

    /* No \_S5 is not a defect: the summary says it cannot switch off. */
    static const uint8_t none[] = { 0x10, 0x05, 0x5c, 0x00 };
    machine_with_dsdt(none, sizeof(none));
    parse();
    ck_no_warnings();
    ck_assert(!info.fadt.has_s5);
    acpi_log_summary(&info);
    ck_log("cannot switch off through ACPI");

    /* A PM1 control block length below 2, or a port out of range. */
    machine_with_dsdt(s5_good, sizeof(s5_good));
    at(FADT_AT)[89] = 1;
    seal(FADT_AT);
    parse();
    ck_log("PM1 control block length is 1, not 2; ignored");
    ck_assert(!info.fadt.has_s5);
    machine_with_dsdt(s5_good, sizeof(s5_good));
    put32(at(FADT_AT) + 64, 0x12345);
    seal(FADT_AT);
    parse();
    ck_log("PM1a control port 0x12345 is beyond the I/O port range; ignored");
    ck_assert(!info.fadt.has_s5);
}
END_TEST

Suite *suite_acpi(void)
{
    Suite *s = suite_create("acpi");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, qemu_like_machine);
    tcase_add_test(tc, revision_0_uses_the_rsdt);
    tcase_add_test(tc, bad_xsdt_falls_back_to_the_rsdt);
    tcase_add_test(tc, no_usable_root_means_fallback);
    tcase_add_test(tc, missing_or_bad_rsdp);
    tcase_add_test(tc, bad_checksum_of_each_table);
    tcase_add_test(tc, lengths_out_of_range);
    tcase_add_test(tc, map_failures);
    tcase_add_test(tc, root_entries_zero_repeated_or_garbage);
    tcase_add_test(tc, duplicate_tables_keep_the_first);
    tcase_add_test(tc, too_many_root_entries);
    tcase_add_test(tc, madt_entry_lengths);
    tcase_add_test(tc, madt_unknown_and_extended_entries);
    tcase_add_test(tc, madt_bad_entries);
    tcase_add_test(tc, madt_header_problems);
    tcase_add_test(tc, madt_too_many_entries);
    tcase_add_test(tc, missing_madt_falls_back);
    tcase_add_test(tc, irq_to_gsi);
    tcase_add_test(tc, fadt_versions_and_fields);
    tcase_add_test(tc, fadt_pm_timer);
    tcase_add_test(tc, s5_found);
    tcase_add_test(tc, s5_truncated);
    tcase_add_test(tc, s5_malformed);
    tcase_add_test(tc, fadt_sleep_state);
    tcase_add_test(tc, hpet_checks);
    tcase_add_test(tc, random_damage_is_survived);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
