# Kernel build: every .c and .S under kernel/ (generic dirs plus the current
# arch) is compiled with freestanding flags and linked by the arch's linker
# script into build/kernel/atom.elf.  The console font is converted from a
# Debian PSF font at build time (scripts/psf2c.c).

KERNEL_ELF  := $(BUILD)/kernel/atom.elf
KERNEL_SRCS := $(wildcard kernel/*.c kernel/lib/*.c kernel/boot/*.c \
	kernel/console/*.c $(ARCH_DIR)/*.c $(ARCH_DIR)/*.S)
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SRCS)) \
	$(BUILD)/kernel/console/font_data.c.o

GCC_INCLUDE := $(shell $(HOST_CC) -print-file-name=include)

KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-ffreestanding -fno-builtin -fno-stack-protector -fno-common \
	-fno-omit-frame-pointer -fno-strict-aliasing \
	-nostdinc -isystem $(GCC_INCLUDE) \
	-Ikernel/include -I$(ARCH_DIR)/include \
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

$(KERNEL_ELF): $(KERNEL_OBJS) $(ARCH_LDSCRIPT)
	@echo "  LD      $@"
	$(Q)ld $(ARCH_LDFLAGS) -T $(ARCH_LDSCRIPT) -o $@ $(KERNEL_OBJS)

.PHONY: kernel
kernel: $(KERNEL_ELF)

-include $(KERNEL_OBJS:.o=.d)
