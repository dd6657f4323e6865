# User programs: each directory under userland/ (or userland/tests/,
# userland/bench/) with
# C sources is one program, built with x86_64-atom-gcc into
# build/userland/<name>/<name> (with symbols, for debugging) and stripped
# into build/userland/bin/<name> for the initrd.
USER_PROGRAM_DIRS := userland/hello userland/init userland/vfs $(wildcard userland/tests/*) \
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

# Per program: <name>_CFLAGS and <name>_LIBS.
init_CFLAGS := $(SPAWN_CFLAGS)
init_LIBS := $(LIBSPAWN)
vfs_CFLAGS := $(SPAWN_CFLAGS)
vfs_LIBS := $(LIBSPAWN)

define user_program
$(BUILD)/userland/$(notdir $(1))/$(notdir $(1)): $(wildcard $(1)/*.c $(1)/*.h) $(TOOLCHAIN_STAMP) \
		$($(notdir $(1))_LIBS)
	@mkdir -p $$(dir $$@)
	@echo "  ATOMCC  $$@"
	$(Q)$(ATOM_CC) $(USER_CFLAGS) $($(notdir $(1))_CFLAGS) $(wildcard $(1)/*.c) \
		$($(notdir $(1))_LIBS) -o $$@

$(BUILD)/userland/bin/$(notdir $(1)): $(BUILD)/userland/$(notdir $(1))/$(notdir $(1))
	@mkdir -p $$(dir $$@)
	$(Q)$(ATOM_STRIP) -o $$@ $$<
endef
$(foreach d,$(USER_PROGRAM_DIRS),$(eval $(call user_program,$(d))))

USER_BINARIES := $(addprefix $(BUILD)/userland/bin/,$(USER_PROGRAMS))

.PHONY: userland
userland: $(USER_BINARIES)
