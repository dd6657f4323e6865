# User programs: each directory under userland/ (or userland/tests/,
# userland/bench/) with
# C sources is one program, built with x86_64-atom-gcc into
# build/userland/<name>/<name> (drivers: userland/drivers/<name>/; with symbols, for debugging) and stripped
# into build/userland/bin/<name> for the initrd.  userland/bin/ is the
# exception: one program per source file (see BIN_PROGRAMS below).
USER_PROGRAM_DIRS := userland/hello userland/init userland/vfs userland/sh userland/getty \
	$(wildcard userland/console) $(wildcard userland/drivers/*) $(wildcard userland/tests/*) \
	$(wildcard userland/bench/*)
USER_PROGRAMS := $(notdir $(USER_PROGRAM_DIRS))
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror

# libspawn (userland/lib/spawn/): starting programs from user space.  It
# also compiles the kernel's ELF validator, initial-stack builder, ustar
# reader and boot-manifest parser, so that user space decides exactly as
# the kernel does; programs that use it build with SPAWN_CFLAGS.
LIBSPAWN := $(BUILD)/userland/lib/libspawn.a
SPAWN_CFLAGS := -Iuserland/lib/spawn -Ikernel/include
SPAWN_SRCS := $(wildcard userland/lib/spawn/*.c) kernel/proc/elf.c kernel/proc/user_stack.c \
	kernel/boot/ustar.c kernel/proc/manifest.c
SPAWN_OBJS := $(SPAWN_SRCS:%.c=$(BUILD)/userland/lib/spawn/%.o)

$(SPAWN_OBJS): $(BUILD)/userland/lib/spawn/%.o: %.c $(TOOLCHAIN_STAMP)
	@mkdir -p $(dir $@)
	@echo "  ATOMCC  $<"
	$(Q)$(ATOM_CC) $(USER_CFLAGS) $(SPAWN_CFLAGS) -MMD -MP -c $< -o $@

$(LIBSPAWN): $(SPAWN_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(ATOM_AR) rcs $@ $^

-include $(SPAWN_OBJS:.o=.d)

# Per program: <name>_CFLAGS, <name>_LIBS and <name>_GEN (generated
# sources compiled in).
init_CFLAGS := $(SPAWN_CFLAGS)
init_LIBS := $(LIBSPAWN)
vfs_CFLAGS := $(SPAWN_CFLAGS)
vfs_LIBS := $(LIBSPAWN)
ubin_CFLAGS := -DATOM_VERSION=\"$(VERSION)\"
# The display driver's font: the kernel console's PSF font, every glyph
# and its Unicode table (scripts/psf2c --unicode), compiled in.
fbcon_GEN := $(BUILD)/userland/fbcon/font_data.c
fbcon_CFLAGS := -Iuserland/drivers/fbcon

$(BUILD)/userland/fbcon/font_data.c: $(PSF2C) $(KERNEL_FONT)
	@mkdir -p $(dir $@)
	@echo "  FONT    $@"
	$(Q)gzip -dc $(KERNEL_FONT) > $@.psf
	$(Q)$(PSF2C) --unicode $@.psf $@.tmp && mv $@.tmp $@ && rm -f $@.psf

define user_program
$(BUILD)/userland/$(notdir $(1))/$(notdir $(1)): $(wildcard $(1)/*.c $(1)/*.h) $(TOOLCHAIN_STAMP) \
		$($(notdir $(1))_LIBS) $($(notdir $(1))_GEN)
	@mkdir -p $$(dir $$@)
	@echo "  ATOMCC  $$@"
	$(Q)$(ATOM_CC) $(USER_CFLAGS) $($(notdir $(1))_CFLAGS) $(wildcard $(1)/*.c) \
		$($(notdir $(1))_GEN) $($(notdir $(1))_LIBS) -o $$@

$(BUILD)/userland/bin/$(notdir $(1)): $(BUILD)/userland/$(notdir $(1))/$(notdir $(1))
	@mkdir -p $$(dir $$@)
	$(Q)$(ATOM_STRIP) -o $$@ $$<
endef
$(foreach d,$(USER_PROGRAM_DIRS),$(eval $(call user_program,$(d))))

# The everyday programs (userland/bin/): one source file each, built into
# $(BUILD)/userland/coreutils/<name> and stripped into
# $(BUILD)/userland/bin/<name> beside the programs above.  common.c and
# tree.c are their shared helpers, kept in an archive so each program links
# only what it uses.  uname reports the Makefile's VERSION.
BIN_LIB_SRCS := userland/bin/common.c userland/bin/tree.c
BIN_PROGRAMS := $(notdir $(basename $(filter-out $(BIN_LIB_SRCS),$(wildcard userland/bin/*.c))))
BIN_DIR := $(BUILD)/userland/coreutils
BIN_LIB := $(BIN_DIR)/libbin.a
BIN_LIB_OBJS := $(patsubst userland/bin/%.c,$(BIN_DIR)/%.o,$(BIN_LIB_SRCS))
BIN_CFLAGS := -DATOM_VERSION=\"$(VERSION)\"
$(if $(filter $(USER_PROGRAMS),$(BIN_PROGRAMS)),\
	$(error userland/bin/ would overwrite $(filter $(USER_PROGRAMS),$(BIN_PROGRAMS))))

$(BIN_LIB_OBJS): $(BIN_DIR)/%.o: userland/bin/%.c userland/bin/common.h $(TOOLCHAIN_STAMP)
	@mkdir -p $(dir $@)
	@echo "  ATOMCC  $<"
	$(Q)$(ATOM_CC) $(USER_CFLAGS) -c $< -o $@

$(BIN_LIB): $(BIN_LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(ATOM_AR) rcs $@ $^

$(addprefix $(BIN_DIR)/,$(BIN_PROGRAMS)): $(BIN_DIR)/%: userland/bin/%.c userland/bin/common.h \
		$(BIN_LIB) $(TOOLCHAIN_STAMP)
	@mkdir -p $(dir $@)
	@echo "  ATOMCC  $@"
	$(Q)$(ATOM_CC) $(USER_CFLAGS) $(BIN_CFLAGS) $< $(BIN_LIB) -o $@

# The release is compiled in.
$(BIN_DIR)/uname: Makefile

$(addprefix $(BUILD)/userland/bin/,$(BIN_PROGRAMS)): $(BUILD)/userland/bin/%: $(BIN_DIR)/%
	@mkdir -p $(dir $@)
	$(Q)$(ATOM_STRIP) -o $@ $<

USER_BINARIES := $(addprefix $(BUILD)/userland/bin/,$(USER_PROGRAMS) $(BIN_PROGRAMS))

.PHONY: userland
userland: $(USER_BINARIES)
