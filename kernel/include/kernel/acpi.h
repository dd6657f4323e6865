/* ACPI tables: validated view (kernel/acpi/acpi.c).
 *
 * acpi_parse() starts from the RSDP the boot loader handed over, walks the
 * XSDT (or the RSDT), checks every table listed there and decodes the ones
 * the kernel needs to bring up interrupts and time: the MADT (processors,
 * I/O APICs, interrupt source overrides, NMI wiring), the HPET table and
 * the FADT.  The result holds copies only, never pointers into firmware
 * memory.  Each defect is logged and the table or entry concerned skipped;
 * without a usable MADT the result describes the safe fallback (one CPU,
 * the 8259 PIC, the local APIC at its default address). */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_TABLES       64   /* tables listed in acpi_info */
#define ACPI_MAX_ROOT_ENTRIES 256  /* XSDT/RSDT entries examined */
#define ACPI_MAX_TABLE_SIZE   (1u << 20)
#define ACPI_MAX_CPUS         256
#define ACPI_MAX_IOAPICS      16
#define ACPI_MAX_OVERRIDES    16   /* one per ISA IRQ at most */
#define ACPI_MAX_NMI_SOURCES  16
#define ACPI_MAX_LAPIC_NMIS   256

#define ACPI_DEFAULT_LAPIC_ADDR  0xFEE00000u
#define ACPI_DEFAULT_IOAPIC_ADDR 0xFEC00000u

/* acpi_lapic_nmi.uid meaning "every processor". */
#define ACPI_ALL_CPUS 0xFFFFFFFFu

/* Interrupt polarity and trigger, decoded from the MPS INTI flags.  Zero
 * is what an ISA interrupt is by default: active high, edge triggered. */
#define ACPI_IRQ_ACTIVE_LOW 0x1u
#define ACPI_IRQ_LEVEL      0x2u

/* Generic Address Structure address spaces the kernel may meet. */
#define ACPI_SPACE_MEMORY  0
#define ACPI_SPACE_IO      1
#define ACPI_SPACE_PCI_CFG 2

/* FADT fixed feature flags (acpi_fadt.flags) the kernel looks at. */
#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)

/* FADT IA-PC boot architecture flags (acpi_fadt.boot_arch). */
#define ACPI_BOOT_LEGACY_DEVICES 0x01u
#define ACPI_BOOT_8042           0x02u
#define ACPI_BOOT_NO_VGA         0x04u
#define ACPI_BOOT_NO_MSI         0x08u
#define ACPI_BOOT_NO_ASPM        0x10u
#define ACPI_BOOT_NO_CMOS_RTC    0x20u

/* Returns a readable pointer to [phys, phys + len), or NULL if that range
 * cannot be read.  Mappings must stay valid until acpi_parse() returns. */
typedef const void *(*acpi_map_fn)(void *ctx, uint64_t phys, uint64_t len);

struct acpi_table {
    char signature[5];    /* NUL-terminated */
    uint8_t revision;
    uint32_t length;
    uint64_t phys;
};

struct acpi_gas {
    uint8_t space;        /* ACPI_SPACE_* */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t uid;         /* ACPI processor UID */
    bool enabled;         /* usable now */
    bool online_capable;  /* disabled, but may be brought online later */
    bool x2apic;          /* listed by a local x2APIC entry */
};

struct acpi_ioapic {
    uint8_t id;
    uint32_t addr;        /* physical */
    uint32_t gsi_base;
};

struct acpi_override {
    uint8_t isa_irq;
    uint32_t gsi;
    unsigned flags;       /* ACPI_IRQ_* */
};

struct acpi_nmi_source {
    uint32_t gsi;
    unsigned flags;       /* ACPI_IRQ_* */
};

struct acpi_lapic_nmi {
    uint32_t uid;         /* processor UID, or ACPI_ALL_CPUS */
    uint8_t lint;         /* LINT0 or LINT1 */
    unsigned flags;       /* ACPI_IRQ_* */
};

struct acpi_hpet {
    uint64_t base;        /* physical, in system memory */
    uint32_t block_id;    /* event timer block ID, as listed */
    uint8_t comparators;
    bool counter_64bit;
    bool legacy_capable;  /* can take over IRQ 0 and 8 */
    uint16_t pci_vendor;
    uint8_t number;
    uint16_t min_tick;    /* in main counter ticks, periodic mode */
};

struct acpi_fadt {
    uint8_t revision;
    uint32_t length;
    uint32_t flags;           /* ACPI_FADT_* and the rest, as listed */
    uint16_t sci_irq;         /* an ISA IRQ; see acpi_irq_to_gsi() */
    bool has_pm_timer;
    struct acpi_gas pm_timer; /* I/O port or memory, 4 bytes */
    bool pm_timer_32bit;      /* else 24 bits */
    uint8_t century;          /* CMOS index of the RTC century; 0: none */
    bool has_boot_arch;       /* boot_arch is meaningful (revision >= 3) */
    uint16_t boot_arch;       /* ACPI_BOOT_* */
    bool has_reset;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    /* Switching off (sleep state S5): the PM1 control registers, I/O
     * ports only (0: none; PM1b is optional), the SMI command port and
     * value that put the chipset in ACPI mode (0: always in it), and the
     * SLP_TYP values from the DSDT's \_S5 package. */
    uint16_t pm1a_cnt, pm1b_cnt;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint64_t dsdt;            /* physical; 0: none */
    bool has_s5;              /* the DSDT has a usable \_S5 */
    uint8_t slp_typ_a, slp_typ_b;
};

struct acpi_info {
    bool has_root;            /* an RSDT or XSDT was usable */
    bool uses_xsdt;
    uint8_t rsdp_revision;
    char oem_id[7];           /* from the RSDP, NUL-terminated */
    uint64_t root_phys;
    unsigned errors;          /* defects reported */

    size_t table_count;
    struct acpi_table tables[ACPI_MAX_TABLES];

    /* From the MADT; without one: no entries, lapic_addr at its default,
     * pic_8259 true, and the kernel runs on the boot CPU alone. */
    bool has_madt;
    uint64_t lapic_addr;
    uint32_t madt_flags;
    bool pic_8259;            /* dual 8259 present (PCAT_COMPAT) */
    size_t cpu_count;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    size_t ioapic_count;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    size_t override_count;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
    size_t nmi_source_count;
    struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SOURCES];
    size_t lapic_nmi_count;
    struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];

    bool has_hpet;
    struct acpi_hpet hpet;

    bool has_fadt;
    struct acpi_fadt fadt;

    /* Legacy hardware, from the FADT boot flags; each is assumed present
     * unless the firmware says otherwise. */
    bool i8042;
    bool cmos_rtc;
    bool vga;
    bool msi;
};

/* Parses the ACPI tables reachable from `rsdp` (rsdp_len bytes, as
 * validated by the Multiboot2 parser; revision >= 2 means the XSDT is
 * tried first).  `rsdp` may be NULL.  Always fills *out, with the fallback
 * where tables are missing or bad.  Returns 0 if a root table was found,
 * -1 if not. */
int acpi_parse(const void *rsdp, size_t rsdp_len, uint8_t rsdp_revision,
               acpi_map_fn map, void *ctx, struct acpi_info *out);

/* Finds the \_S5 object in AML bytes (a DSDT's body, after its header):
 * a Name whose package starts with the SLP_TYPa and SLP_TYPb values,
 * each a ZeroOp, OneOp or BytePrefix constant from 0 to 7.  Everything
 * is bounds-checked against len; an occurrence of "_S5_" that is not
 * such a Name is skipped.  Returns 0 and the two values, or -1. */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

/* Logs what acpi_parse() found: one line per subject at info level, the
 * details (each CPU, I/O APIC, override) at debug level. */
void acpi_log_summary(const struct acpi_info *info);

/* The n-th valid table with this 4-character signature, or NULL. */
const struct acpi_table *acpi_find_table(const struct acpi_info *info,
                                         const char *signature, size_t n);

/* Maps ISA IRQ `isa_irq` (0-15) to its global system interrupt and
 * ACPI_IRQ_* flags: through an interrupt source override if there is one,
 * else identity, edge, active high.  Returns -1 for an IRQ above 15 or one
 * whose identity GSI another IRQ's override has taken (IRQ 2 when IRQ 0
 * goes to GSI 2). */
int acpi_irq_to_gsi(const struct acpi_info *info, uint8_t isa_irq,
                    uint32_t *gsi, unsigned *flags);

#endif
