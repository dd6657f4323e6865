# Kernel build: every .c and .S under kernel/ (generic dirs plus the current
# arch) is compiled with freestanding flags and linked by the arch's linker
# script into build/kernel/atom.elf.  The console font is converted from a
# Debian PSF font at build time (scripts/psf2c.c).

KERNEL_ELF  := $(BUILD)/kernel/atom.elf
KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c kernel/boot/*.c kernel/mm/*.c kernel/proc/*.c \
	kernel/acpi/*.c kernel/cap/*.c kernel/object/*.c kernel/console/*.c $(ARCH_DIR)/*.c $(ARCH_DIR)/*.S)
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SRCS)) \
	$(BUILD)/kernel/console/font_data.c.o

GCC_INCLUDE := $(shell $(HOST_CC) -print-file-name=include)

KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-ffreestanding -fno-builtin -fno-stack-protector -fno-common \
	-fno-omit-frame-pointer -fno-strict-aliasing \
	-nostdinc -isystem $(GCC_INCLUDE) \
	-Ikernel/include -Ikernel/include/abi -I$(ARCH_DIR)/include \
	-DATOM_VERSION='"$(VERSION)"' -DATOM_ARCH='"$(ARCH)"' \
	$(ARCH_CFLAGS) -MMD -MP

$(BUILD)/kernel/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(HOST_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.S.o: kernel/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(HOST_CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/kernel/console/font_data.c.o: $(BUILD)/kernel/console/font_data.c
	@echo "  CC      $<"
	$(Q)$(HOST_CC) $(KERNEL_CFLAGS) -c $< -o $@

# The console font: Terminus 8x16 from Debian's console-setup-linux.
KERNEL_FONT ?= /usr/share/consolefonts/Uni2-Terminus16.psf.gz
PSF2C := $(BUILD)/host/psf2c

$(PSF2C): scripts/psf2c.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror $< -o $@

$(BUILD)/kernel/console/font_data.c: $(PSF2C) $(KERNEL_FONT)
	@mkdir -p $(dir $@)
	@echo "  FONT    $(KERNEL_FONT)"
	$(Q)gzip -dc $(KERNEL_FONT) > $(dir $@)$(notdir $(basename $(KERNEL_FONT)))
	$(Q)$(PSF2C) $(dir $@)$(notdir $(basename $(KERNEL_FONT))) $@.tmp && mv $@.tmp $@

# Two links: the first with an empty symbol table, the second with the
# table made from the first.  The table sits after all code, so functions
# do not move between the two; the final check proves it.
KERNEL_PASS1 := $(BUILD)/kernel/atom.pass1.elf
KSYMS_EMPTY  := $(BUILD)/kernel/ksyms_empty.c
KSYMS_TABLE  := $(BUILD)/kernel/ksyms_table.c
text_symbols = nm -n --defined-only $(1) | awk '$$2 ~ /^[tTwW]$$/'

$(KSYMS_EMPTY): scripts/ksyms.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/ksyms.sh - $@

$(KSYMS_TABLE): $(KERNEL_PASS1) scripts/ksyms.sh
	$(Q)scripts/ksyms.sh $< $@

$(BUILD)/kernel/%.gen.o: $(BUILD)/kernel/%.c
	$(Q)$(HOST_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_PASS1): $(KERNEL_OBJS) $(BUILD)/kernel/ksyms_empty.gen.o $(ARCH_LDSCRIPT)
	@echo "  LD      $@"
	$(Q)ld $(ARCH_LDFLAGS) -T $(ARCH_LDSCRIPT) -o $@ $(KERNEL_OBJS) \
		$(BUILD)/kernel/ksyms_empty.gen.o

$(KERNEL_ELF): $(KERNEL_PASS1) $(BUILD)/kernel/ksyms_table.gen.o
	@echo "  LD      $@"
	$(Q)ld $(ARCH_LDFLAGS) -T $(ARCH_LDSCRIPT) -o $@.tmp $(KERNEL_OBJS) \
		$(BUILD)/kernel/ksyms_table.gen.o
	$(Q)$(call text_symbols,$(KERNEL_PASS1)) > $@.syms1
	$(Q)$(call text_symbols,$@.tmp) > $@.syms2
	$(Q)cmp -s $@.syms1 $@.syms2 || \
		{ echo "ksyms: functions moved between the two links" >&2; exit 1; }
	$(Q)mv $@.tmp $@

.PHONY: kernel
kernel: $(KERNEL_ELF)

-include $(KERNEL_OBJS:.o=.d)
