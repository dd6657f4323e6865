/*
 * acpi.c: finding and validating the ACPI tables, and decoding the MADT,
 * the HPET table and the FADT.
 *
 * Firmware tables are outside data: every address, length, count and
 * field is checked before use.  Physical memory is reached only through
 * the caller's map callback, and never past the length asked for: a
 * table's 36-byte header is mapped first, its length checked (at least the
 * header, at most ACPI_MAX_TABLE_SIZE, no wrap-around), then the whole
 * table is mapped and its checksum verified.  Only then is it recorded and,
 * if the kernel uses it, decoded field by field.  A table that fails is
 * reported with its signature, address and reason, and skipped; an MADT
 * entry that fails is reported and skipped alone.  The result is a plain
 * copy (struct acpi_info); when something essential is missing it carries
 * the fallback the kernel can always use: the boot CPU alone, the 8259
 * PIC and the local APIC at its architectural address.  Values are read
 * with memcpy because ACPI tables are not aligned.
 */
#include <kernel/acpi.h>
#include <kernel/log.h>
#include <kernel/string.h>

#define HEADER_SIZE    36
#define RSDP_V1_SIZE   20
#define RSDP_V2_SIZE   36
#define MADT_MIN_SIZE  44
#define HPET_MIN_SIZE  56
#define FADT_V1_SIZE   116 /* ACPI 1.0: everything up to the flags */
#define FADT_V2_SIZE   244 /* ACPI 2.0 */

#define MADT_PCAT_COMPAT 0x1u
#define CPU_ENABLED        0x1u
#define CPU_ONLINE_CAPABLE 0x2u

/* FADT field offsets. */
#define FADT_DSDT         40
#define FADT_SCI_INT      46
#define FADT_SMI_CMD      48
#define FADT_ACPI_ENABLE  52
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_PM1_CNT_LEN  89
#define FADT_PM_TMR_BLK   76
#define FADT_PM_TMR_LEN   91
#define FADT_CENTURY      108
#define FADT_BOOT_ARCH    109
#define FADT_FLAGS        112
#define FADT_RESET_REG    116
#define FADT_RESET_VALUE  128
#define FADT_X_DSDT       140
#define FADT_X_PM1A_CNT   172
#define FADT_X_PM1B_CNT   184
#define FADT_X_PM_TMR_BLK 208
#define GAS_SIZE          12

/* AML opcodes the \_S5 finder reads. */
#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_NAME_OP    0x08
#define AML_BYTE_PFX   0x0A
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR  0x5C

/* The first CMOS bytes are the RTC's own registers; port 0x70 reaches
 * only indices below 0x80. */
#define CMOS_FIRST_FREE 0x0E
#define CMOS_LIMIT      0x80

enum madt_type {
    MADT_LAPIC          = 0,
    MADT_IOAPIC         = 1,
    MADT_OVERRIDE       = 2,
    MADT_NMI_SOURCE     = 3,
    MADT_LAPIC_NMI      = 4,
    MADT_LAPIC_ADDR     = 5,
    MADT_X2APIC         = 9,
    MADT_X2APIC_NMI     = 10,
};

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint8_t byte_sum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum += *p++;
    return sum;
}

static bool is_printable(uint8_t c)
{
    return c >= 0x20 && c < 0x7f;
}

/* Copies a fixed-width name for printing, '?' standing for anything not
 * printable; returns whether all of it was printable. */
static bool copy_name(char *dst, const uint8_t *src, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok = ok && is_printable(src[i]);
        dst[i] = is_printable(src[i]) ? (char)src[i] : '?';
    }
    dst[n] = '\0';
    return ok;
}

/* A table that passed table_load(): `p` holds `len` readable bytes. */
struct table {
    const uint8_t *p;
    uint32_t len;
    uint64_t phys;
    uint8_t revision;
    char sig[5];
};

struct parser {
    struct acpi_info *info;
    acpi_map_fn map;
    void *ctx;
    uint64_t madt_phys, hpet_phys, fadt_phys; /* the ones in use */
    size_t tables_unlisted;
    size_t cpus_dropped, ioapics_dropped, nmi_sources_dropped, lapic_nmis_dropped;
};

#define defect(ps, fmt, ...)                                                 \
    do {                                                                     \
        (ps)->info->errors++;                                                \
        log_warn("acpi: " fmt, ##__VA_ARGS__);                               \
    } while (0)

#define table_reject(ps, t, fmt, ...)                                        \
    defect(ps, "table %s at %#llx: " fmt "; ignored", (t)->sig,              \
           (unsigned long long)(t)->phys, ##__VA_ARGS__)

/* Maps and checks the table at `phys`.  `expect` is the signature it must
 * have, or NULL to accept any printable one. */
static bool table_load(struct parser *ps, uint64_t phys, const char *expect,
                       struct table *t)
{
    memset(t, 0, sizeof(*t));
    t->phys = phys;
    memcpy(t->sig, expect ? expect : "????", 5);

    if (phys == 0) {
        table_reject(ps, t, "address is zero");
        return false;
    }
    if (phys > UINT64_MAX - HEADER_SIZE) {
        table_reject(ps, t, "header wraps around the address space");
        return false;
    }
    const uint8_t *h = ps->map(ps->ctx, phys, HEADER_SIZE);
    if (!h) {
        table_reject(ps, t, "header cannot be mapped");
        return false;
    }
    char sig[5];
    bool printable = copy_name(sig, h, 4);
    if (expect && memcmp(h, expect, 4) != 0) {
        table_reject(ps, t, "signature is '%s'", sig);
        return false;
    }
    memcpy(t->sig, sig, 5);
    if (!printable) {
        table_reject(ps, t, "signature is not printable");
        return false;
    }
    uint32_t len = rd32(h + 4);
    if (len < HEADER_SIZE) {
        table_reject(ps, t, "length %u is shorter than the header", len);
        return false;
    }
    if (len > ACPI_MAX_TABLE_SIZE) {
        table_reject(ps, t, "length %u is over the limit of %u bytes", len,
                     ACPI_MAX_TABLE_SIZE);
        return false;
    }
    if (phys > UINT64_MAX - len) {
        table_reject(ps, t, "length %u wraps around the address space", len);
        return false;
    }
    const uint8_t *p = ps->map(ps->ctx, phys, len);
    if (!p) {
        table_reject(ps, t, "its %u bytes cannot be mapped", len);
        return false;
    }
    if (byte_sum(p, len) != 0) {
        table_reject(ps, t, "checksum is wrong");
        return false;
    }
    t->p = p;
    t->len = len;
    t->revision = p[8];
    return true;
}

/* ---- MADT ---- */

struct madt_entry {
    const uint8_t *p;
    uint8_t type;
    uint8_t len;
    uint32_t offset;
};

static const char *madt_entry_name(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:      return "local APIC";
    case MADT_IOAPIC:     return "I/O APIC";
    case MADT_OVERRIDE:   return "interrupt source override";
    case MADT_NMI_SOURCE: return "NMI source";
    case MADT_LAPIC_NMI:  return "local APIC NMI";
    case MADT_LAPIC_ADDR: return "local APIC address override";
    case MADT_X2APIC:     return "local x2APIC";
    case MADT_X2APIC_NMI: return "local x2APIC NMI";
    }
    return "unknown";
}

/* The smallest length of each entry type the kernel decodes. */
static uint8_t madt_entry_min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:      return 8;
    case MADT_IOAPIC:     return 12;
    case MADT_OVERRIDE:   return 10;
    case MADT_NMI_SOURCE: return 8;
    case MADT_LAPIC_NMI:  return 6;
    case MADT_LAPIC_ADDR: return 12;
    case MADT_X2APIC:     return 16;
    case MADT_X2APIC_NMI: return 12;
    }
    return 2;
}

#define entry_reject(ps, e, fmt, ...)                                        \
    defect(ps, "MADT at %#llx, entry at offset %#x (%s): " fmt "; ignored",  \
           (unsigned long long)(ps)->madt_phys, (e)->offset,                 \
           madt_entry_name((e)->type), ##__VA_ARGS__)

/* MPS INTI flags: polarity in bits 0-1 and trigger mode in bits 2-3, each
 * 0 (conforms to the bus: for ISA, high and edge), 1 (high / edge),
 * 2 (reserved) or 3 (low / level). */
static bool decode_inti_flags(uint16_t raw, unsigned *flags)
{
    unsigned polarity = raw & 3u, trigger = (raw >> 2) & 3u;
    if (polarity == 2 || trigger == 2)
        return false;
    *flags = (polarity == 3 ? ACPI_IRQ_ACTIVE_LOW : 0) |
             (trigger == 3 ? ACPI_IRQ_LEVEL : 0);
    return true;
}

static void madt_cpu(struct parser *ps, const struct madt_entry *e,
                     uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic)
{
    struct acpi_info *info = ps->info;
    /* Firmware lists placeholders for absent CPUs this way; not a defect. */
    if (!(flags & (CPU_ENABLED | CPU_ONLINE_CAPABLE))) {
        log_debug("acpi: MADT entry at offset %#x: processor %u is unusable; "
                  "skipped", e->offset, uid);
        return;
    }
    if (apic_id == (x2apic ? 0xFFFFFFFFu : 0xFFu)) {
        entry_reject(ps, e, "APIC ID %#x is the broadcast ID", apic_id);
        return;
    }
    for (size_t i = 0; i < info->cpu_count; i++) {
        if (info->cpus[i].apic_id == apic_id) {
            entry_reject(ps, e, "APIC ID %u is listed twice", apic_id);
            return;
        }
    }
    if (info->cpu_count == ACPI_MAX_CPUS) {
        ps->cpus_dropped++;
        return;
    }
    info->cpus[info->cpu_count++] = (struct acpi_cpu){
        .apic_id = apic_id,
        .uid = uid,
        .enabled = flags & CPU_ENABLED,
        .online_capable = !(flags & CPU_ENABLED) && (flags & CPU_ONLINE_CAPABLE),
        .x2apic = x2apic,
    };
}

static void madt_ioapic(struct parser *ps, const struct madt_entry *e)
{
    struct acpi_info *info = ps->info;
    struct acpi_ioapic io = {
        .id = e->p[2], .addr = rd32(e->p + 4), .gsi_base = rd32(e->p + 8),
    };
    if (io.addr == 0) {
        entry_reject(ps, e, "address is zero");
        return;
    }
    for (size_t i = 0; i < info->ioapic_count; i++) {
        const struct acpi_ioapic *o = &info->ioapics[i];
        if (o->addr == io.addr) {
            entry_reject(ps, e, "address %#x is listed twice", io.addr);
            return;
        }
        if (o->gsi_base == io.gsi_base) {
            entry_reject(ps, e, "GSI base %u is already that of the I/O APIC "
                         "at %#x", io.gsi_base, o->addr);
            return;
        }
    }
    /* The ID only matters on the old APIC bus, so a clash is reported but
     * the I/O APIC, and the interrupts behind it, are kept. */
    for (size_t i = 0; i < info->ioapic_count; i++) {
        if (info->ioapics[i].id == io.id) {
            defect(ps, "MADT at %#llx, entry at offset %#x (I/O APIC): ID %u "
                   "is used twice; kept", (unsigned long long)ps->madt_phys,
                   e->offset, io.id);
            break;
        }
    }
    if (info->ioapic_count == ACPI_MAX_IOAPICS) {
        ps->ioapics_dropped++;
        return;
    }
    info->ioapics[info->ioapic_count++] = io;
}

static void madt_override(struct parser *ps, const struct madt_entry *e)
{
    struct acpi_info *info = ps->info;
    uint8_t bus = e->p[2], irq = e->p[3];
    uint32_t gsi = rd32(e->p + 4);
    uint16_t raw = rd16(e->p + 8);
    unsigned flags;
    if (bus != 0) {
        entry_reject(ps, e, "bus %u is not ISA", bus);
        return;
    }
    if (irq >= 16) {
        entry_reject(ps, e, "source %u is not an ISA IRQ", irq);
        return;
    }
    if (!decode_inti_flags(raw, &flags)) {
        entry_reject(ps, e, "flags %#x use a reserved polarity or trigger mode", raw);
        return;
    }
    for (size_t i = 0; i < info->override_count; i++) {
        if (info->overrides[i].isa_irq == irq) {
            entry_reject(ps, e, "IRQ %u already has an override", irq);
            return;
        }
    }
    /* At most 16 distinct ISA IRQs pass the checks above: no overflow. */
    info->overrides[info->override_count++] =
        (struct acpi_override){ .isa_irq = irq, .gsi = gsi, .flags = flags };
}

static void madt_nmi_source(struct parser *ps, const struct madt_entry *e)
{
    struct acpi_info *info = ps->info;
    uint16_t raw = rd16(e->p + 2);
    unsigned flags;
    if (!decode_inti_flags(raw, &flags)) {
        entry_reject(ps, e, "flags %#x use a reserved polarity or trigger mode", raw);
        return;
    }
    if (info->nmi_source_count == ACPI_MAX_NMI_SOURCES) {
        ps->nmi_sources_dropped++;
        return;
    }
    info->nmi_sources[info->nmi_source_count++] =
        (struct acpi_nmi_source){ .gsi = rd32(e->p + 4), .flags = flags };
}

static void madt_lapic_nmi(struct parser *ps, const struct madt_entry *e,
                           uint32_t uid, uint16_t raw, uint8_t lint)
{
    struct acpi_info *info = ps->info;
    unsigned flags;
    if (lint > 1) {
        entry_reject(ps, e, "LINT%u does not exist", lint);
        return;
    }
    if (!decode_inti_flags(raw, &flags)) {
        entry_reject(ps, e, "flags %#x use a reserved polarity or trigger mode", raw);
        return;
    }
    if (info->lapic_nmi_count == ACPI_MAX_LAPIC_NMIS) {
        ps->lapic_nmis_dropped++;
        return;
    }
    info->lapic_nmis[info->lapic_nmi_count++] =
        (struct acpi_lapic_nmi){ .uid = uid, .lint = lint, .flags = flags };
}

static void report_dropped(struct parser *ps, size_t n, unsigned limit,
                           const char *what)
{
    if (n)
        defect(ps, "MADT at %#llx lists %zu %s beyond the limit of %u; "
               "they are ignored", (unsigned long long)ps->madt_phys, n, what,
               limit);
}

static void parse_madt(struct parser *ps, const struct table *t)
{
    struct acpi_info *info = ps->info;
    if (info->has_madt) {
        defect(ps, "table APIC at %#llx: a second MADT; the one at %#llx is used",
               (unsigned long long)t->phys, (unsigned long long)ps->madt_phys);
        return;
    }
    if (t->len < MADT_MIN_SIZE) {
        table_reject(ps, t, "length %u is too short for a MADT", t->len);
        return;
    }
    info->has_madt = true;
    ps->madt_phys = t->phys;
    info->madt_flags = rd32(t->p + 40);
    info->pic_8259 = info->madt_flags & MADT_PCAT_COMPAT;

    uint64_t lapic = rd32(t->p + 36);
    bool lapic_overridden = false;
    uint32_t off = MADT_MIN_SIZE;
    while (off < t->len) {
        uint32_t room = t->len - off;
        if (room < 2) {
            defect(ps, "MADT at %#llx: a stray byte at offset %#x; ignored",
                   (unsigned long long)t->phys, off);
            break;
        }
        struct madt_entry e = { t->p + off, t->p[off], t->p[off + 1], off };
        /* A length that breaks the chain makes the rest unreadable; what
         * came before stays. */
        if (e.len < 2 || e.len > room) {
            defect(ps, "MADT at %#llx, entry at offset %#x (%s): length %u is "
                   "outside the %u bytes left; the rest of the MADT is ignored",
                   (unsigned long long)t->phys, off, madt_entry_name(e.type),
                   e.len, room);
            break;
        }
        off += e.len;
        if (e.len < madt_entry_min_len(e.type)) {
            entry_reject(ps, &e, "length %u is shorter than %u", e.len,
                         madt_entry_min_len(e.type));
            continue;
        }
        switch (e.type) {
        case MADT_LAPIC:
            madt_cpu(ps, &e, e.p[3], e.p[2], rd32(e.p + 4), false);
            break;
        case MADT_X2APIC:
            madt_cpu(ps, &e, rd32(e.p + 4), rd32(e.p + 12), rd32(e.p + 8), true);
            break;
        case MADT_IOAPIC:
            madt_ioapic(ps, &e);
            break;
        case MADT_OVERRIDE:
            madt_override(ps, &e);
            break;
        case MADT_NMI_SOURCE:
            madt_nmi_source(ps, &e);
            break;
        case MADT_LAPIC_NMI: {
            uint32_t uid = e.p[2] == 0xFF ? ACPI_ALL_CPUS : e.p[2];
            madt_lapic_nmi(ps, &e, uid, rd16(e.p + 3), e.p[5]);
            break;
        }
        case MADT_X2APIC_NMI:
            madt_lapic_nmi(ps, &e, rd32(e.p + 4), rd16(e.p + 2), e.p[8]);
            break;
        case MADT_LAPIC_ADDR: {
            uint64_t addr = rd64(e.p + 4);
            if (lapic_overridden)
                entry_reject(ps, &e, "a second override");
            else if (addr == 0)
                entry_reject(ps, &e, "address is zero");
            else {
                lapic = addr;
                lapic_overridden = true;
            }
            break;
        }
        default:
            log_debug("acpi: MADT entry at offset %#x has type %u; skipped",
                      e.offset, e.type);
            break;
        }
    }

    /* IA32_APIC_BASE can only hold a page-aligned address. */
    if (lapic == 0 || (lapic & 0xFFF) != 0) {
        defect(ps, "MADT at %#llx: local APIC address %#llx is invalid; "
               "using %#x", (unsigned long long)t->phys,
               (unsigned long long)lapic, ACPI_DEFAULT_LAPIC_ADDR);
        lapic = ACPI_DEFAULT_LAPIC_ADDR;
    }
    info->lapic_addr = lapic;

    report_dropped(ps, ps->cpus_dropped, ACPI_MAX_CPUS, "processors");
    report_dropped(ps, ps->ioapics_dropped, ACPI_MAX_IOAPICS, "I/O APICs");
    report_dropped(ps, ps->nmi_sources_dropped, ACPI_MAX_NMI_SOURCES, "NMI sources");
    report_dropped(ps, ps->lapic_nmis_dropped, ACPI_MAX_LAPIC_NMIS, "local APIC NMIs");
    if (info->cpu_count == 0)
        defect(ps, "MADT at %#llx lists no usable processor; the boot CPU "
               "runs alone", (unsigned long long)t->phys);
    if (info->ioapic_count == 0)
        log_warn("acpi: MADT at %#llx lists no I/O APIC; interrupts need the "
                 "8259 PIC", (unsigned long long)t->phys);
}

/* ---- HPET ---- */

static void parse_hpet(struct parser *ps, const struct table *t)
{
    struct acpi_info *info = ps->info;
    if (info->has_hpet) {
        log_info("acpi: table HPET at %#llx: another HPET; the one at %#llx "
                 "is used", (unsigned long long)t->phys,
                 (unsigned long long)ps->hpet_phys);
        return;
    }
    if (t->len < HPET_MIN_SIZE) {
        table_reject(ps, t, "length %u is too short for an HPET table", t->len);
        return;
    }
    uint8_t space = t->p[40];
    uint64_t base = rd64(t->p + 44);
    if (space != ACPI_SPACE_MEMORY) {
        table_reject(ps, t, "base address is in address space %u, not memory",
                     space);
        return;
    }
    if (base == 0) {
        table_reject(ps, t, "base address is zero");
        return;
    }
    uint32_t id = rd32(t->p + 36);
    info->hpet = (struct acpi_hpet){
        .base = base,
        .block_id = id,
        .comparators = (uint8_t)(((id >> 8) & 0x1F) + 1),
        .counter_64bit = id & (1u << 13),
        .legacy_capable = id & (1u << 15),
        .pci_vendor = (uint16_t)(id >> 16),
        .number = t->p[52],
        .min_tick = rd16(t->p + 53),
    };
    info->has_hpet = true;
    ps->hpet_phys = t->phys;
}

/* ---- FADT ---- */

static struct acpi_gas read_gas(const uint8_t *p)
{
    return (struct acpi_gas){
        .space = p[0], .bit_width = p[1], .bit_offset = p[2],
        .access_size = p[3], .address = rd64(p + 4),
    };
}

/* Why a PM timer block cannot be used, or NULL. */
static const char *pm_timer_problem(const struct acpi_gas *g)
{
    if (g->space == ACPI_SPACE_IO)
        return g->address > 0xFFFC ? "is beyond the I/O port range" : NULL;
    if (g->space == ACPI_SPACE_MEMORY)
        return g->address > UINT64_MAX - 4 ? "wraps around" : NULL;
    return "is in an unsupported address space";
}

/* Prefers X_PM_TMR_BLK, as the spec asks, when it is present and sound. */
static void fadt_pm_timer(struct parser *ps, const struct table *t,
                          struct acpi_fadt *f)
{
    if (t->len >= FADT_X_PM_TMR_BLK + GAS_SIZE) {
        struct acpi_gas x = read_gas(t->p + FADT_X_PM_TMR_BLK);
        if (x.address != 0) {
            const char *problem = pm_timer_problem(&x);
            if (!problem) {
                f->pm_timer = x;
                f->has_pm_timer = true;
                return;
            }
            defect(ps, "FADT at %#llx: X_PM_TMR_BLK %#llx %s; ignored",
                   (unsigned long long)t->phys, (unsigned long long)x.address,
                   problem);
        }
    }
    uint32_t port = rd32(t->p + FADT_PM_TMR_BLK);
    uint8_t len = t->p[FADT_PM_TMR_LEN];
    if (port == 0)
        return;
    if (len != 4) {
        defect(ps, "FADT at %#llx: PM timer block length is %u, not 4; ignored",
               (unsigned long long)t->phys, len);
        return;
    }
    struct acpi_gas g = { .space = ACPI_SPACE_IO, .bit_width = 32,
                          .access_size = 3, .address = port };
    const char *problem = pm_timer_problem(&g);
    if (problem) {
        defect(ps, "FADT at %#llx: PM timer port %#x %s; ignored",
               (unsigned long long)t->phys, port, problem);
        return;
    }
    f->pm_timer = g;
    f->has_pm_timer = true;
}

static void fadt_reset(struct parser *ps, const struct table *t,
                       struct acpi_fadt *f)
{
    if (!(f->flags & ACPI_FADT_RESET_REG_SUP))
        return;
    if (t->len < FADT_RESET_VALUE + 1) {
        defect(ps, "FADT at %#llx: reset register flagged but the table is "
               "only %u bytes; ignored", (unsigned long long)t->phys, t->len);
        return;
    }
    struct acpi_gas r = read_gas(t->p + FADT_RESET_REG);
    /* The spec allows only 8-bit registers, in memory, I/O or PCI
     * configuration space. */
    bool ok = r.address != 0 && r.bit_width == 8 && r.bit_offset == 0 &&
              (r.space == ACPI_SPACE_MEMORY || r.space == ACPI_SPACE_PCI_CFG ||
               (r.space == ACPI_SPACE_IO && r.address <= 0xFFFF));
    if (!ok) {
        defect(ps, "FADT at %#llx: reset register (space %u, width %u, "
               "offset %u, address %#llx) is invalid; ignored",
               (unsigned long long)t->phys, r.space, r.bit_width, r.bit_offset,
               (unsigned long long)r.address);
        return;
    }
    f->reset_reg = r;
    f->reset_value = t->p[FADT_RESET_VALUE];
    f->has_reset = true;
}

/* ---- Switching off: PM1 control blocks and the DSDT's \_S5 ---- */

/* A constant of the \_S5 package at p (not past end); its value in *v
 * and what follows in *next. */
static int aml_const(const uint8_t *p, const uint8_t *end, uint8_t *v, const uint8_t **next)
{
    if (p >= end)
        return -1;
    switch (*p) {
    case AML_ZERO_OP: *v = 0; *next = p + 1; return 0;
    case AML_ONE_OP: *v = 1; *next = p + 1; return 0;
    case AML_BYTE_PFX:
        if (end - p < 2)
            return -1;
        *v = p[1];
        *next = p + 2;
        return 0;
    default:
        return -1;
    }
}

/* The package after the name: PackageOp PkgLength NumElements elements.
 * PkgLength (1-4 bytes) counts from its own first byte. */
static int s5_package(const uint8_t *p, const uint8_t *end, uint8_t *a, uint8_t *b)
{
    if (p >= end || *p++ != AML_PACKAGE_OP || p >= end)
        return -1;
    size_t follow = *p >> 6;
    if ((size_t)(end - p) < 1 + follow || (follow && (*p & 0x30)))
        return -1;
    size_t pkg_len = follow ? (*p & 0x0Fu) : (*p & 0x3Fu);
    for (size_t i = 0; i < follow; i++)
        pkg_len |= (size_t)p[1 + i] << (4 + 8 * i);
    if (pkg_len < 1 + follow + 1 || pkg_len > (size_t)(end - p))
        return -1;
    const uint8_t *pkg_end = p + pkg_len;
    p += 1 + follow;
    if (*p++ < 2)  /* NumElements: SLP_TYPa and SLP_TYPb at least */
        return -1;
    if (aml_const(p, pkg_end, a, &p) != 0 || aml_const(p, pkg_end, b, &p) != 0)
        return -1;
    return *a <= 7 && *b <= 7 ? 0 : -1;  /* SLP_TYP is a 3-bit field */
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
    for (size_t i = 1; i + 4 <= len; i++) {
        if (memcmp(aml + i, "_S5_", 4) != 0)
            continue;
        bool named = aml[i - 1] == AML_NAME_OP ||
                     (i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP);
        uint8_t a, b;
        if (named && s5_package(aml + i + 4, aml + len, &a, &b) == 0) {
            *slp_typ_a = a;
            *slp_typ_b = b;
            return 0;
        }
    }
    return -1;
}

/* A PM1 control block: X_PM1x_CNT_BLK when it is a sound I/O port, else
 * the 32-bit field; 0 if neither is usable. */
static uint16_t pm1_port(struct parser *ps, const struct table *t, size_t x_off,
                         size_t legacy_off, const char *name)
{
    if (t->len >= x_off + GAS_SIZE) {
        struct acpi_gas g = read_gas(t->p + x_off);
        if (g.address != 0 && g.space == ACPI_SPACE_IO && g.address <= 0xFFFE)
            return (uint16_t)g.address;
    }
    uint32_t port = rd32(t->p + legacy_off);
    if (port > 0xFFFE) {
        defect(ps, "FADT at %#llx: %s port %#x is beyond the I/O port range; ignored",
               (unsigned long long)t->phys, name, port);
        return 0;
    }
    return (uint16_t)port;
}

static void fadt_sleep(struct parser *ps, const struct table *t, struct acpi_fadt *f)
{
    f->smi_cmd = rd32(t->p + FADT_SMI_CMD);
    f->acpi_enable = t->p[FADT_ACPI_ENABLE];
    f->pm1a_cnt = pm1_port(ps, t, FADT_X_PM1A_CNT, FADT_PM1A_CNT_BLK, "PM1a control");
    f->pm1b_cnt = pm1_port(ps, t, FADT_X_PM1B_CNT, FADT_PM1B_CNT_BLK, "PM1b control");
    if (f->pm1a_cnt && t->p[FADT_PM1_CNT_LEN] < 2) {
        defect(ps, "FADT at %#llx: PM1 control block length is %u, not 2; ignored",
               (unsigned long long)t->phys, t->p[FADT_PM1_CNT_LEN]);
        f->pm1a_cnt = f->pm1b_cnt = 0;
    }
    f->dsdt = rd32(t->p + FADT_DSDT);
    if (t->len >= FADT_X_DSDT + 8 && rd64(t->p + FADT_X_DSDT) != 0)
        f->dsdt = rd64(t->p + FADT_X_DSDT);
}

/* Reads \_S5 from the DSDT, loaded and checked like any table. */
static void dsdt_s5(struct parser *ps, struct acpi_fadt *f)
{
    struct table d;
    if (!f->pm1a_cnt || !f->dsdt || !table_load(ps, f->dsdt, "DSDT", &d))
        return;
    f->has_s5 = acpi_find_s5(d.p + HEADER_SIZE, d.len - HEADER_SIZE, &f->slp_typ_a,
                             &f->slp_typ_b) == 0;
}

static void parse_fadt(struct parser *ps, const struct table *t)
{
    struct acpi_info *info = ps->info;
    if (info->has_fadt) {
        defect(ps, "table FACP at %#llx: a second FADT; the one at %#llx is used",
               (unsigned long long)t->phys, (unsigned long long)ps->fadt_phys);
        return;
    }
    if (t->len < FADT_V1_SIZE) {
        table_reject(ps, t, "length %u is too short for a FADT", t->len);
        return;
    }
    struct acpi_fadt f = {
        .revision = t->revision,
        .length = t->len,
        .flags = rd32(t->p + FADT_FLAGS),
        .sci_irq = rd16(t->p + FADT_SCI_INT),
        .century = t->p[FADT_CENTURY],
    };
    if (f.century != 0 && (f.century < CMOS_FIRST_FREE || f.century >= CMOS_LIMIT)) {
        defect(ps, "FADT at %#llx: RTC century index %#x is not a usable CMOS "
               "location; ignored", (unsigned long long)t->phys, f.century);
        f.century = 0;
    }
    f.pm_timer_32bit = f.flags & ACPI_FADT_TMR_VAL_EXT;
    fadt_pm_timer(ps, t, &f);
    fadt_reset(ps, t, &f);
    fadt_sleep(ps, t, &f);
    /* The boot flags were reserved (and may hold anything) before ACPI 2.0:
     * FADT revision 3, with the 244-byte layout. */
    if (f.revision >= 3 && t->len < FADT_V2_SIZE)
        defect(ps, "FADT at %#llx: revision %u in only %u bytes; boot flags "
               "ignored", (unsigned long long)t->phys, f.revision, t->len);
    else if (f.revision >= 3) {
        f.has_boot_arch = true;
        f.boot_arch = rd16(t->p + FADT_BOOT_ARCH);
        info->i8042 = f.boot_arch & ACPI_BOOT_8042;
        info->vga = !(f.boot_arch & ACPI_BOOT_NO_VGA);
        info->msi = !(f.boot_arch & ACPI_BOOT_NO_MSI);
        info->cmos_rtc = !(f.boot_arch & ACPI_BOOT_NO_CMOS_RTC);
    }
    dsdt_s5(ps, &f);
    info->fadt = f;
    info->has_fadt = true;
    ps->fadt_phys = t->phys;
}

/* ---- The root table and the RSDP ---- */

static void record_table(struct parser *ps, const struct table *t)
{
    struct acpi_info *info = ps->info;
    if (info->table_count == ACPI_MAX_TABLES) {
        ps->tables_unlisted++;
        return;
    }
    struct acpi_table *slot = &info->tables[info->table_count++];
    memcpy(slot->signature, t->sig, 5);
    slot->revision = t->revision;
    slot->length = t->len;
    slot->phys = t->phys;
}

static uint64_t root_entry(const struct table *root, size_t size, uint32_t i)
{
    const uint8_t *e = root->p + HEADER_SIZE + (size_t)i * size;
    return size == 8 ? rd64(e) : rd32(e);
}

static void walk_root(struct parser *ps, const struct table *root)
{
    size_t size = ps->info->uses_xsdt ? 8 : 4;
    uint32_t bytes = root->len - HEADER_SIZE;
    uint32_t count = (uint32_t)(bytes / size);
    if (bytes % size)
        defect(ps, "%s at %#llx: %u bytes after the last entry; ignored",
               root->sig, (unsigned long long)root->phys, (unsigned)(bytes % size));
    if (count > ACPI_MAX_ROOT_ENTRIES) {
        defect(ps, "%s at %#llx lists %u tables; only the first %u are read",
               root->sig, (unsigned long long)root->phys, count,
               ACPI_MAX_ROOT_ENTRIES);
        count = ACPI_MAX_ROOT_ENTRIES;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t phys = root_entry(root, size, i);
        if (phys == 0) {
            defect(ps, "%s entry %u is zero; ignored", root->sig, i);
            continue;
        }
        uint32_t j = 0;
        while (j < i && root_entry(root, size, j) != phys)
            j++;
        if (j < i) {
            defect(ps, "%s entry %u repeats entry %u (%#llx); ignored",
                   root->sig, i, j, (unsigned long long)phys);
            continue;
        }
        struct table t;
        if (!table_load(ps, phys, NULL, &t))
            continue;
        record_table(ps, &t);
        if (memcmp(t.sig, "APIC", 4) == 0)
            parse_madt(ps, &t);
        else if (memcmp(t.sig, "HPET", 4) == 0)
            parse_hpet(ps, &t);
        else if (memcmp(t.sig, "FACP", 4) == 0)
            parse_fadt(ps, &t);
    }
    if (ps->tables_unlisted)
        log_warn("acpi: %zu tables beyond the first %u are used but not listed",
                 ps->tables_unlisted, ACPI_MAX_TABLES);
}

/* The XSDT when the RSDP has a sound ACPI 2.0 part and the XSDT passes its
 * checks, else the RSDT. */
static bool find_root(struct parser *ps, const uint8_t *r, size_t rsdp_len,
                      uint8_t revision, struct table *root)
{
    struct acpi_info *info = ps->info;
    uint32_t rsdt = rd32(r + 16);
    if (revision >= 2) {
        uint32_t len = rsdp_len >= RSDP_V2_SIZE ? rd32(r + 20) : 0;
        uint64_t xsdt = rsdp_len >= RSDP_V2_SIZE ? rd64(r + 24) : 0;
        if (len < RSDP_V2_SIZE || len > rsdp_len || byte_sum(r, len) != 0)
            defect(ps, "RSDP revision %u: the ACPI 2.0 part (%zu bytes given, "
                   "length %u) is invalid", revision, rsdp_len, len);
        else if (xsdt == 0)
            defect(ps, "RSDP revision %u gives no XSDT address", revision);
        else if (table_load(ps, xsdt, "XSDT", root)) {
            info->uses_xsdt = true;
            return true;
        }
        if (rsdt != 0)
            log_warn("acpi: falling back to the RSDT at %#x", rsdt);
    }
    if (rsdt == 0) {
        defect(ps, "RSDP gives no RSDT address");
        return false;
    }
    return table_load(ps, rsdt, "RSDT", root);
}

static void set_defaults(struct acpi_info *info)
{
    memset(info, 0, sizeof(*info));
    info->lapic_addr = ACPI_DEFAULT_LAPIC_ADDR;
    info->pic_8259 = true;
    info->i8042 = true;
    info->cmos_rtc = true;
    info->vga = true;
    info->msi = true;
}

int acpi_parse(const void *rsdp, size_t rsdp_len, uint8_t rsdp_revision,
               acpi_map_fn map, void *ctx, struct acpi_info *out)
{
    struct parser ps = { .info = out, .map = map, .ctx = ctx };
    const uint8_t *r = rsdp;
    struct table root;

    set_defaults(out);
    out->rsdp_revision = rsdp_revision;
    if (!r) {
        log_warn("acpi: no RSDP, so no ACPI tables");
    } else if (rsdp_len < RSDP_V1_SIZE || memcmp(r, "RSD PTR ", 8) != 0 ||
               byte_sum(r, RSDP_V1_SIZE) != 0) {
        defect(&ps, "RSDP (%zu bytes) has a wrong size, signature or checksum; "
               "no ACPI tables", rsdp_len);
    } else {
        copy_name(out->oem_id, r + 9, 6);
        if (find_root(&ps, r, rsdp_len, rsdp_revision, &root)) {
            out->has_root = true;
            out->root_phys = root.phys;
            walk_root(&ps, &root);
        } else {
            log_warn("acpi: no usable RSDT or XSDT, so no ACPI tables");
        }
    }
    if (!out->has_madt)
        log_warn("acpi: no usable MADT; falling back to the boot CPU alone, "
                 "the 8259 PIC and the local APIC at %#x",
                 ACPI_DEFAULT_LAPIC_ADDR);
    return out->has_root ? 0 : -1;
}

/* ---- Queries and the summary ---- */

const struct acpi_table *acpi_find_table(const struct acpi_info *info,
                                         const char *signature, size_t n)
{
    for (size_t i = 0; i < info->table_count; i++)
        if (memcmp(info->tables[i].signature, signature, 4) == 0 && n-- == 0)
            return &info->tables[i];
    return NULL;
}

int acpi_irq_to_gsi(const struct acpi_info *info, uint8_t isa_irq,
                    uint32_t *gsi, unsigned *flags)
{
    if (isa_irq >= 16)
        return -1;
    for (size_t i = 0; i < info->override_count; i++) {
        if (info->overrides[i].isa_irq == isa_irq) {
            *gsi = info->overrides[i].gsi;
            *flags = info->overrides[i].flags;
            return 0;
        }
    }
    for (size_t i = 0; i < info->override_count; i++)
        if (info->overrides[i].gsi == isa_irq)
            return -1;
    *gsi = isa_irq;
    *flags = 0;
    return 0;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static const char *irq_mode(unsigned flags)
{
    static const char *const modes[] = {
        "edge, active high", "edge, active low",
        "level, active high", "level, active low",
    };
    return modes[flags & 3u];
}

static const char *space_name(uint8_t space)
{
    switch (space) {
    case ACPI_SPACE_MEMORY:  return "memory";
    case ACPI_SPACE_IO:      return "I/O";
    case ACPI_SPACE_PCI_CFG: return "PCI config";
    }
    return "?";
}

static void summarize_tables(const struct acpi_info *info)
{
    /* 64 signatures of 5 characters fit the log's line easily. */
    char list[ACPI_MAX_TABLES * 5 + 1];
    size_t n = 0;
    for (size_t i = 0; i < info->table_count; i++) {
        list[n++] = ' ';
        memcpy(list + n, info->tables[i].signature, 4);
        n += 4;
    }
    list[n] = '\0';
    log_info("acpi: %s at %#llx (RSDP revision %u, OEM '%s'), %zu table%s:%s",
             info->uses_xsdt ? "XSDT" : "RSDT",
             (unsigned long long)info->root_phys, info->rsdp_revision,
             info->oem_id, info->table_count, plural(info->table_count), list);
    for (size_t i = 0; i < info->table_count; i++)
        log_debug("acpi:   %s at %#llx, %u bytes, revision %u",
                  info->tables[i].signature,
                  (unsigned long long)info->tables[i].phys,
                  info->tables[i].length, info->tables[i].revision);
}

static void summarize_madt(const struct acpi_info *info)
{
    if (!info->has_madt) {
        log_info("acpi: no MADT: the boot CPU alone, the 8259 PIC, local APIC "
                 "at %#llx", (unsigned long long)info->lapic_addr);
        return;
    }
    size_t enabled = 0;
    for (size_t i = 0; i < info->cpu_count; i++)
        enabled += info->cpus[i].enabled;
    size_t spare = info->cpu_count - enabled;
    const char *more = spare ? " (more can come online)" : "";
    const char *pic = info->pic_8259 ? ", dual 8259 PIC" : "";
    if (info->ioapic_count == 0) {
        log_info("acpi: %zu CPU%s%s, no I/O APIC, local APIC at %#llx%s",
                 enabled, plural(enabled), more,
                 (unsigned long long)info->lapic_addr, pic);
    } else {
        const struct acpi_ioapic *io = &info->ioapics[0];
        log_info("acpi: %zu CPU%s%s, %zu I/O APIC%s%s%#x (GSI base %u), "
                 "%zu override%s, local APIC at %#llx%s",
                 enabled, plural(enabled), more, info->ioapic_count,
                 plural(info->ioapic_count),
                 info->ioapic_count > 1 ? ", the first at " : " at ",
                 io->addr, io->gsi_base, info->override_count,
                 plural(info->override_count),
                 (unsigned long long)info->lapic_addr, pic);
    }
    for (size_t i = 0; i < info->cpu_count; i++) {
        const struct acpi_cpu *c = &info->cpus[i];
        log_debug("acpi:   CPU uid %u, %sAPIC ID %u, %s", c->uid,
                  c->x2apic ? "x2" : "", c->apic_id,
                  c->enabled ? "enabled" : "online-capable");
    }
    for (size_t i = 0; i < info->ioapic_count; i++)
        log_debug("acpi:   I/O APIC %u at %#x, GSI base %u", info->ioapics[i].id,
                  info->ioapics[i].addr, info->ioapics[i].gsi_base);
    for (size_t i = 0; i < info->override_count; i++)
        log_debug("acpi:   IRQ %u -> GSI %u, %s", info->overrides[i].isa_irq,
                  info->overrides[i].gsi, irq_mode(info->overrides[i].flags));
    for (size_t i = 0; i < info->nmi_source_count; i++)
        log_debug("acpi:   NMI source GSI %u, %s", info->nmi_sources[i].gsi,
                  irq_mode(info->nmi_sources[i].flags));
    for (size_t i = 0; i < info->lapic_nmi_count; i++) {
        const struct acpi_lapic_nmi *n = &info->lapic_nmis[i];
        if (n->uid == ACPI_ALL_CPUS)
            log_debug("acpi:   NMI on LINT%u of every CPU, %s", n->lint,
                      irq_mode(n->flags));
        else
            log_debug("acpi:   NMI on LINT%u of CPU uid %u, %s", n->lint, n->uid,
                      irq_mode(n->flags));
    }
}

static void summarize_fadt(const struct acpi_info *info)
{
    const struct acpi_fadt *f = &info->fadt;
    if (!info->has_fadt) {
        log_info("acpi: no FADT: no PM timer or reset register, legacy "
                 "devices assumed");
        return;
    }
    log_info("acpi: FADT revision %u: SCI IRQ %u, RTC century %#x, 8042 %s, "
             "CMOS RTC %s%s", f->revision, f->sci_irq, f->century,
             info->i8042 ? "present" : "absent",
             info->cmos_rtc ? "present" : "absent",
             f->flags & ACPI_FADT_HW_REDUCED ? ", hardware-reduced" : "");
    if (f->has_pm_timer)
        log_info("acpi: PM timer at %s %#llx, %s", space_name(f->pm_timer.space),
                 (unsigned long long)f->pm_timer.address,
                 f->pm_timer_32bit ? "32-bit" : "24-bit");
    if (f->has_s5)
        log_info("acpi: switch off through PM1 control %#x/%#x, SLP_TYP %u/%u", f->pm1a_cnt,
                 f->pm1b_cnt, f->slp_typ_a, f->slp_typ_b);
    else
        log_info("acpi: no usable \\_S5 sleep state: cannot switch off through ACPI");
    if (f->has_reset)
        log_info("acpi: reset by writing %#x to %s %#llx", f->reset_value,
                 space_name(f->reset_reg.space),
                 (unsigned long long)f->reset_reg.address);
}

void acpi_log_summary(const struct acpi_info *info)
{
    if (info->has_root)
        summarize_tables(info);
    summarize_madt(info);
    if (info->has_hpet)
        log_info("acpi: HPET %u at %#llx, %u comparators, %s counter, "
                 "minimum tick %u", info->hpet.number,
                 (unsigned long long)info->hpet.base, info->hpet.comparators,
                 info->hpet.counter_64bit ? "64-bit" : "32-bit",
                 info->hpet.min_tick);
    else
        log_info("acpi: no HPET");
    summarize_fadt(info);
}
