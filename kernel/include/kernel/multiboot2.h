/* Multiboot2 boot information: validated view (kernel/boot/multiboot2.c).
 *
 * mb2_parse() checks the whole structure GRUB hands over and fills a
 * struct mb2_info with pointers into it; nothing else in the kernel reads
 * raw tags.  A malformed tag is reported and ignored; a malformed header
 * makes the whole structure unusable. */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36D76289u
#define MB2_MAX_INFO_SIZE    (1u << 20)
#define MB2_MAX_MODULES      16

enum mb2_tag_type {
    MB2_TAG_END              = 0,
    MB2_TAG_CMDLINE          = 1,
    MB2_TAG_BOOTLOADER_NAME  = 2,
    MB2_TAG_MODULE           = 3,
    MB2_TAG_BASIC_MEMINFO    = 4,
    MB2_TAG_BOOTDEV          = 5,
    MB2_TAG_MMAP             = 6,
    MB2_TAG_VBE              = 7,
    MB2_TAG_FRAMEBUFFER      = 8,
    MB2_TAG_ELF_SECTIONS     = 9,
    MB2_TAG_APM              = 10,
    MB2_TAG_EFI32            = 11,
    MB2_TAG_EFI64            = 12,
    MB2_TAG_SMBIOS           = 13,
    MB2_TAG_ACPI_OLD         = 14,
    MB2_TAG_ACPI_NEW         = 15,
    MB2_TAG_NETWORK          = 16,
    MB2_TAG_EFI_MMAP         = 17,
    MB2_TAG_EFI_BS           = 18,
    MB2_TAG_EFI32_IH         = 19,
    MB2_TAG_EFI64_IH         = 20,
    MB2_TAG_LOAD_BASE_ADDR   = 21,
};

enum mb2_fb_type {
    MB2_FB_INDEXED  = 0,
    MB2_FB_RGB      = 1,
    MB2_FB_EGA_TEXT = 2,
};

/* What a memory region may be used for, for BIOS and EFI maps alike. */
enum mem_type {
    MEM_USABLE = 1,
    MEM_RESERVED,
    MEM_ACPI_RECLAIMABLE,
    MEM_ACPI_NVS,
    MEM_BAD,
};

struct mem_region {
    uint64_t base;
    uint64_t length;
    enum mem_type type;
};

struct mb2_module {
    uint32_t start; /* physical, inclusive */
    uint32_t end;   /* physical, exclusive */
    const char *name;
};

struct mb2_framebuffer {
    uint64_t addr;
    uint32_t pitch;
    uint32_t width;
    uint32_t height;
    uint8_t bpp;
    uint8_t type;
    uint8_t red_pos, red_size;
    uint8_t green_pos, green_size;
    uint8_t blue_pos, blue_size;
};

struct mb2_mmap {
    const uint8_t *entries; /* NULL if the tag is absent */
    uint32_t count;
    uint32_t stride;
};

struct mb2_info {
    uint32_t total_size;
    unsigned tag_count;
    unsigned errors;          /* tags rejected or structure defects */

    const char *cmdline;      /* NULL if absent */
    const char *bootloader;   /* NULL if absent */

    bool has_basic_meminfo;
    uint32_t mem_lower_kib, mem_upper_kib;

    struct mb2_mmap bios_mmap;
    struct mb2_mmap efi_mmap;

    size_t module_count;
    struct mb2_module modules[MB2_MAX_MODULES];

    bool has_framebuffer;
    struct mb2_framebuffer fb;

    const void *rsdp;         /* validated RSDP copy inside the tag */
    uint32_t rsdp_length;
    uint8_t rsdp_revision;    /* 0: ACPI 1.0 (RSDT); >= 2: XSDT too */

    bool has_efi64;
    uint64_t efi64_system_table;
    bool efi_boot_services;   /* GRUB left boot services running */
};

typedef void (*mb2_report_t)(void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses the boot information at `info`, of which at most `readable`
 * bytes may be read.  Returns 0 on success (individual tags may still have
 * been rejected: see out->errors), or -1 if the structure as a whole is
 * unusable; every defect is passed to report(). */
int mb2_parse(const void *info, size_t readable, struct mb2_info *out,
              mb2_report_t report, void *ctx);

/* Memory-map access, preferring the EFI map (more precise) when present.
 * Returns the number of entries; mb2_mmap_entry() converts entry i. */
size_t mb2_mmap_count(const struct mb2_info *info);
bool mb2_mmap_is_efi(const struct mb2_info *info);
bool mb2_mmap_entry(const struct mb2_info *info, size_t i,
                    struct mem_region *out);

/* True when the firmware was UEFI (EFI system table or EFI map handed over). */
bool mb2_booted_uefi(const struct mb2_info *info);

const char *mb2_tag_name(uint32_t type);
const char *mem_type_name(enum mem_type type);

#endif
