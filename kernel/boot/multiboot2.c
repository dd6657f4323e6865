/*
 * multiboot2.c: validation of the Multiboot2 boot information.
 *
 * The boot information comes from outside the kernel (GRUB, or whatever
 * claims to be a Multiboot2 loader), so every length, offset and string in
 * it is checked before use.  The parse is a single pass: the header first
 * (alignment, total size within what the caller can read), then each tag
 * (size, bounds, alignment, and the rules of its own type).  A tag that
 * breaks its rules is reported and skipped; a tag whose size breaks the
 * chain ends the walk, keeping what was already validated.  Values are read
 * with memcpy so that nothing depends on the buffer's alignment.
 */
#include <kernel/multiboot2.h>
#include <kernel/string.h>

#define MB2_HEADER_SIZE 8
#define TAG_HEADER_SIZE 8
#define RSDP_V1_SIZE    20
#define RSDP_V2_SIZE    36
#define EFI_PAGE_SHIFT  12

static uint8_t rd8(const uint8_t *p) { return *p; }
static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

const char *mb2_tag_name(uint32_t type)
{
    static const char *const names[] = {
        [MB2_TAG_END] = "end",
        [MB2_TAG_CMDLINE] = "command line",
        [MB2_TAG_BOOTLOADER_NAME] = "boot loader name",
        [MB2_TAG_MODULE] = "module",
        [MB2_TAG_BASIC_MEMINFO] = "basic memory info",
        [MB2_TAG_BOOTDEV] = "boot device",
        [MB2_TAG_MMAP] = "memory map",
        [MB2_TAG_VBE] = "VBE info",
        [MB2_TAG_FRAMEBUFFER] = "framebuffer",
        [MB2_TAG_ELF_SECTIONS] = "ELF sections",
        [MB2_TAG_APM] = "APM table",
        [MB2_TAG_EFI32] = "EFI32 system table",
        [MB2_TAG_EFI64] = "EFI64 system table",
        [MB2_TAG_SMBIOS] = "SMBIOS tables",
        [MB2_TAG_ACPI_OLD] = "ACPI RSDP v1",
        [MB2_TAG_ACPI_NEW] = "ACPI RSDP v2",
        [MB2_TAG_NETWORK] = "network info",
        [MB2_TAG_EFI_MMAP] = "EFI memory map",
        [MB2_TAG_EFI_BS] = "EFI boot services",
        [MB2_TAG_EFI32_IH] = "EFI32 image handle",
        [MB2_TAG_EFI64_IH] = "EFI64 image handle",
        [MB2_TAG_LOAD_BASE_ADDR] = "load base address",
    };
    if (type < sizeof(names) / sizeof(names[0]) && names[type])
        return names[type];
    return "unknown";
}

const char *mem_type_name(enum mem_type type)
{
    switch (type) {
    case MEM_USABLE:           return "usable";
    case MEM_RESERVED:         return "reserved";
    case MEM_ACPI_RECLAIMABLE: return "ACPI reclaimable";
    case MEM_ACPI_NVS:         return "ACPI NVS";
    case MEM_BAD:              return "bad";
    }
    return "?";
}

/* One tag under inspection; `reject` reports it with its position. */
struct tag {
    const uint8_t *p;
    uint32_t type;
    uint32_t size;
    uint32_t offset;
};

struct parser {
    struct mb2_info *info;
    mb2_report_t report;
    void *ctx;
};

#define reject(ps, t, fmt, ...)                                              \
    do {                                                                     \
        (ps)->info->errors++;                                                \
        (ps)->report((ps)->ctx,                                              \
                     "multiboot2: tag %u (%s) at offset %#x: " fmt           \
                     "; tag ignored",                                        \
                     (t)->type, mb2_tag_name((t)->type), (t)->offset,        \
                     ##__VA_ARGS__);                                         \
    } while (0)

/* A string field running from `start` to the end of the tag must be
 * NUL-terminated inside the tag. */
static const char *tag_string(const struct tag *t, uint32_t start)
{
    if (start >= t->size)
        return NULL;
    const char *s = (const char *)t->p + start;
    if (strnlen(s, t->size - start) == t->size - start)
        return NULL;
    return s;
}

static bool first_of_kind(struct parser *ps, const struct tag *t, bool seen)
{
    if (seen)
        reject(ps, t, "duplicate, the first one is kept");
    return !seen;
}

static void parse_string_tag(struct parser *ps, const struct tag *t,
                             const char **slot)
{
    if (!first_of_kind(ps, t, *slot != NULL))
        return;
    const char *s = tag_string(t, TAG_HEADER_SIZE);
    if (!s) {
        reject(ps, t, "string is not NUL-terminated within %u bytes", t->size);
        return;
    }
    *slot = s;
}

static void parse_module(struct parser *ps, const struct tag *t)
{
    struct mb2_info *info = ps->info;
    if (t->size < 17) {
        reject(ps, t, "size %u is too small for a module", t->size);
        return;
    }
    uint32_t start = rd32(t->p + 8), end = rd32(t->p + 12);
    const char *name = tag_string(t, 16);
    if (!name) {
        reject(ps, t, "module name is not NUL-terminated");
        return;
    }
    if (end < start) {
        reject(ps, t, "module end %#x lies before its start %#x", end, start);
        return;
    }
    if (info->module_count == MB2_MAX_MODULES) {
        reject(ps, t, "more than %d modules", MB2_MAX_MODULES);
        return;
    }
    info->modules[info->module_count++] =
        (struct mb2_module){ .start = start, .end = end, .name = name };
}

static void parse_basic_meminfo(struct parser *ps, const struct tag *t)
{
    if (!first_of_kind(ps, t, ps->info->has_basic_meminfo))
        return;
    if (t->size < 16) {
        reject(ps, t, "size %u is too small", t->size);
        return;
    }
    ps->info->has_basic_meminfo = true;
    ps->info->mem_lower_kib = rd32(t->p + 8);
    ps->info->mem_upper_kib = rd32(t->p + 12);
}

/* BIOS (E820-style) and EFI maps share a layout: a 16-byte head with the
 * entry size, then whole entries. */
static void parse_mmap(struct parser *ps, const struct tag *t,
                       struct mb2_mmap *map, uint32_t min_entry)
{
    if (!first_of_kind(ps, t, map->entries != NULL))
        return;
    if (t->size < 16) {
        reject(ps, t, "size %u is too small for a memory map", t->size);
        return;
    }
    uint32_t stride = rd32(t->p + 8);
    if (stride < min_entry || stride % 8 != 0) {
        reject(ps, t, "entry size %u is invalid (at least %u, a multiple of 8)",
               stride, min_entry);
        return;
    }
    if ((t->size - 16) % stride != 0) {
        reject(ps, t, "%u bytes of entries is not a whole number of %u-byte entries",
               t->size - 16, stride);
        return;
    }
    if (map == &ps->info->bios_mmap && rd32(t->p + 12) != 0)
        ps->report(ps->ctx, "multiboot2: memory map entry version %u, "
                   "reading it as version 0", rd32(t->p + 12));
    map->entries = t->p + 16;
    map->count = (t->size - 16) / stride;
    map->stride = stride;
}

static bool fb_field_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
    return size >= 1 && size <= 8 && pos + size <= bpp;
}

static void parse_framebuffer(struct parser *ps, const struct tag *t)
{
    if (!first_of_kind(ps, t, ps->info->has_framebuffer))
        return;
    if (t->size < 32) {
        reject(ps, t, "size %u is too small for a framebuffer", t->size);
        return;
    }
    struct mb2_framebuffer fb = {
        .addr = rd64(t->p + 8),
        .pitch = rd32(t->p + 16),
        .width = rd32(t->p + 20),
        .height = rd32(t->p + 24),
        .bpp = rd8(t->p + 28),
        .type = rd8(t->p + 29),
    };
    if (fb.addr == 0 || fb.width == 0 || fb.height == 0) {
        reject(ps, t, "address %#llx or size %ux%u is empty",
               (unsigned long long)fb.addr, fb.width, fb.height);
        return;
    }
    uint32_t bytes_pp;
    switch (fb.type) {
    case MB2_FB_RGB:
        if (fb.bpp != 15 && fb.bpp != 16 && fb.bpp != 24 && fb.bpp != 32) {
            reject(ps, t, "%u bits per pixel is not supported", fb.bpp);
            return;
        }
        if (t->size < 38) {
            reject(ps, t, "size %u leaves no room for the colour layout", t->size);
            return;
        }
        fb.red_pos = rd8(t->p + 32);
        fb.red_size = rd8(t->p + 33);
        fb.green_pos = rd8(t->p + 34);
        fb.green_size = rd8(t->p + 35);
        fb.blue_pos = rd8(t->p + 36);
        fb.blue_size = rd8(t->p + 37);
        if (!fb_field_ok(fb.red_pos, fb.red_size, fb.bpp) ||
            !fb_field_ok(fb.green_pos, fb.green_size, fb.bpp) ||
            !fb_field_ok(fb.blue_pos, fb.blue_size, fb.bpp)) {
            reject(ps, t, "colour fields do not fit in %u bits per pixel", fb.bpp);
            return;
        }
        bytes_pp = (fb.bpp + 7u) / 8u;
        break;
    case MB2_FB_EGA_TEXT:
        if (fb.bpp != 16) {
            reject(ps, t, "EGA text mode with %u bits per character", fb.bpp);
            return;
        }
        bytes_pp = 2;
        break;
    case MB2_FB_INDEXED:
        if (t->size < 34 || fb.bpp != 8) {
            reject(ps, t, "indexed mode needs 8 bits per pixel and a palette");
            return;
        }
        {
            uint32_t colors = rd16(t->p + 32);
            if (34 + (uint64_t)colors * 3 > t->size) {
                reject(ps, t, "palette of %u colours overruns the tag", colors);
                return;
            }
        }
        bytes_pp = 1;
        break;
    default:
        reject(ps, t, "unknown framebuffer type %u", fb.type);
        return;
    }
    if ((uint64_t)fb.width * bytes_pp > fb.pitch) {
        reject(ps, t, "pitch %u is smaller than a row of %u pixels", fb.pitch,
               fb.width);
        return;
    }
    uint64_t bytes = (uint64_t)fb.pitch * fb.height;
    if (fb.addr + bytes < fb.addr) {
        reject(ps, t, "%llu bytes at %#llx wrap around the address space",
               (unsigned long long)bytes, (unsigned long long)fb.addr);
        return;
    }
    ps->info->fb = fb;
    ps->info->has_framebuffer = true;
}

static uint8_t byte_sum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum += *p++;
    return sum;
}

static void parse_rsdp(struct parser *ps, const struct tag *t, bool v2)
{
    struct mb2_info *info = ps->info;
    const uint8_t *r = t->p + TAG_HEADER_SIZE;
    uint32_t room = t->size - TAG_HEADER_SIZE;

    /* A valid v2 RSDP supersedes v1; a second one of the same kind is a
     * duplicate. */
    if (info->rsdp && (!v2 || info->rsdp_revision >= 2)) {
        if (v2 == (info->rsdp_revision >= 2))
            reject(ps, t, "duplicate, the first one is kept");
        return;
    }
    if (room < RSDP_V1_SIZE) {
        reject(ps, t, "size %u is too small for an RSDP", t->size);
        return;
    }
    if (memcmp(r, "RSD PTR ", 8) != 0) {
        reject(ps, t, "RSDP signature is wrong");
        return;
    }
    if (byte_sum(r, RSDP_V1_SIZE) != 0) {
        reject(ps, t, "RSDP checksum is wrong");
        return;
    }
    uint32_t length = RSDP_V1_SIZE;
    uint8_t revision = rd8(r + 15);
    if (v2) {
        if (room < RSDP_V2_SIZE) {
            reject(ps, t, "size %u is too small for an ACPI 2.0 RSDP", t->size);
            return;
        }
        length = rd32(r + 20);
        if (revision < 2 || length < RSDP_V2_SIZE || length > room) {
            reject(ps, t, "ACPI 2.0 RSDP revision %u, length %u is invalid",
                   revision, length);
            return;
        }
        if (byte_sum(r, length) != 0) {
            reject(ps, t, "ACPI 2.0 RSDP extended checksum is wrong");
            return;
        }
    } else {
        revision = 0;
    }
    info->rsdp = r;
    info->rsdp_length = length;
    info->rsdp_revision = revision;
}

static void parse_efi64(struct parser *ps, const struct tag *t)
{
    if (!first_of_kind(ps, t, ps->info->has_efi64))
        return;
    if (t->size < 16) {
        reject(ps, t, "size %u is too small", t->size);
        return;
    }
    uint64_t table = rd64(t->p + 8);
    if (table == 0) {
        reject(ps, t, "system table address is zero");
        return;
    }
    ps->info->has_efi64 = true;
    ps->info->efi64_system_table = table;
}

static void parse_tag(struct parser *ps, const struct tag *t)
{
    struct mb2_info *info = ps->info;
    switch (t->type) {
    case MB2_TAG_CMDLINE:
        parse_string_tag(ps, t, &info->cmdline);
        break;
    case MB2_TAG_BOOTLOADER_NAME:
        parse_string_tag(ps, t, &info->bootloader);
        break;
    case MB2_TAG_MODULE:
        parse_module(ps, t);
        break;
    case MB2_TAG_BASIC_MEMINFO:
        parse_basic_meminfo(ps, t);
        break;
    case MB2_TAG_MMAP:
        parse_mmap(ps, t, &info->bios_mmap, 24);
        break;
    case MB2_TAG_EFI_MMAP:
        parse_mmap(ps, t, &info->efi_mmap, 40);
        break;
    case MB2_TAG_FRAMEBUFFER:
        parse_framebuffer(ps, t);
        break;
    case MB2_TAG_ACPI_OLD:
        parse_rsdp(ps, t, false);
        break;
    case MB2_TAG_ACPI_NEW:
        parse_rsdp(ps, t, true);
        break;
    case MB2_TAG_EFI64:
        parse_efi64(ps, t);
        break;
    case MB2_TAG_EFI_BS:
        info->efi_boot_services = true;
        break;
    default:
        /* Tags the kernel does not use are skipped without comment. */
        break;
    }
}

int mb2_parse(const void *base, size_t readable, struct mb2_info *out,
              mb2_report_t report, void *ctx)
{
    memset(out, 0, sizeof(*out));
    const uint8_t *p = base;

    if (!p || ((uintptr_t)p & 7) != 0) {
        report(ctx, "multiboot2: boot information at %p is not 8-byte aligned", base);
        return -1;
    }
    if (readable < MB2_HEADER_SIZE + TAG_HEADER_SIZE) {
        report(ctx, "multiboot2: only %zu bytes of boot information are readable",
               readable);
        return -1;
    }
    uint32_t total = rd32(p);
    if (total < MB2_HEADER_SIZE + TAG_HEADER_SIZE || total > MB2_MAX_INFO_SIZE ||
        total > readable) {
        report(ctx, "multiboot2: total size %u is invalid (16 to %u, within %zu "
               "readable bytes)", total, MB2_MAX_INFO_SIZE, readable);
        return -1;
    }
    out->total_size = total;

    struct parser ps = { out, report, ctx };
    uint32_t offset = MB2_HEADER_SIZE;
    bool ended = false;
    while (offset + TAG_HEADER_SIZE <= total) {
        struct tag t = { p + offset, rd32(p + offset), rd32(p + offset + 4), offset };
        if (t.size < TAG_HEADER_SIZE || t.size > total - offset) {
            out->errors++;
            report(ctx, "multiboot2: tag %u (%s) at offset %#x has size %u, "
                   "outside the %u-byte structure; later tags ignored",
                   t.type, mb2_tag_name(t.type), offset, t.size, total);
            break;
        }
        out->tag_count++;
        if (t.type == MB2_TAG_END) {
            ended = true;
            break;
        }
        parse_tag(&ps, &t);
        uint32_t next = (offset + t.size + 7u) & ~7u;
        if (next <= offset)
            break;
        offset = next;
    }
    if (!ended) {
        out->errors++;
        report(ctx, "multiboot2: no end tag within %u bytes", total);
    }
    return 0;
}

bool mb2_mmap_is_efi(const struct mb2_info *info)
{
    return info->efi_mmap.entries != NULL;
}

size_t mb2_mmap_count(const struct mb2_info *info)
{
    return mb2_mmap_is_efi(info) ? info->efi_mmap.count : info->bios_mmap.count;
}

static enum mem_type bios_type(uint32_t t)
{
    switch (t) {
    case 1: return MEM_USABLE;
    case 3: return MEM_ACPI_RECLAIMABLE;
    case 4: return MEM_ACPI_NVS;
    case 5: return MEM_BAD;
    default: return MEM_RESERVED;
    }
}

/* After ExitBootServices, loader and boot-services memory is free too. */
static enum mem_type efi_type(uint32_t t)
{
    switch (t) {
    case 1: /* EfiLoaderCode */
    case 2: /* EfiLoaderData */
    case 3: /* EfiBootServicesCode */
    case 4: /* EfiBootServicesData */
    case 7: /* EfiConventionalMemory */
        return MEM_USABLE;
    case 8: return MEM_BAD;                 /* EfiUnusableMemory */
    case 9: return MEM_ACPI_RECLAIMABLE;    /* EfiACPIReclaimMemory */
    case 10: return MEM_ACPI_NVS;           /* EfiACPIMemoryNVS */
    default: return MEM_RESERVED;
    }
}

bool mb2_mmap_entry(const struct mb2_info *info, size_t i, struct mem_region *out)
{
    if (i >= mb2_mmap_count(info))
        return false;
    if (mb2_mmap_is_efi(info)) {
        const uint8_t *e = info->efi_mmap.entries + i * info->efi_mmap.stride;
        uint64_t pages = rd64(e + 24);
        out->base = rd64(e + 8);
        out->length = pages << EFI_PAGE_SHIFT;
        out->type = efi_type(rd32(e));
        if (pages >> (64 - EFI_PAGE_SHIFT))
            return false;
    } else {
        const uint8_t *e = info->bios_mmap.entries + i * info->bios_mmap.stride;
        out->base = rd64(e);
        out->length = rd64(e + 8);
        out->type = bios_type(rd32(e + 16));
    }
    /* An entry that wraps around the address space is unusable. */
    return out->base + out->length >= out->base;
}

bool mb2_booted_uefi(const struct mb2_info *info)
{
    return info->has_efi64 || info->efi_mmap.entries != NULL;
}
