# User programs: each directory under userland/ (or userland/tests/,
# userland/bench/) with
# C sources is one program, built with x86_64-atom-gcc into
# build/userland/<name>/<name> (with symbols, for debugging) and stripped
# into build/userland/bin/<name> for the initrd.
USER_PROGRAM_DIRS := userland/hello userland/init $(wildcard userland/tests/*) \
	$(wildcard userland/bench/*)
USER_PROGRAMS := $(notdir $(USER_PROGRAM_DIRS))
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror

define user_program
$(BUILD)/userland/$(notdir $(1))/$(notdir $(1)): $(wildcard $(1)/*.c $(1)/*.h) $(TOOLCHAIN_STAMP)
	@mkdir -p $$(dir $$@)
	@echo "  ATOMCC  $$@"
	$(Q)$(ATOM_CC) $(USER_CFLAGS) $(wildcard $(1)/*.c) -o $$@

$(BUILD)/userland/bin/$(notdir $(1)): $(BUILD)/userland/$(notdir $(1))/$(notdir $(1))
	@mkdir -p $$(dir $$@)
	$(Q)$(ATOM_STRIP) -o $$@ $$<
endef
$(foreach d,$(USER_PROGRAM_DIRS),$(eval $(call user_program,$(d))))

USER_BINARIES := $(addprefix $(BUILD)/userland/bin/,$(USER_PROGRAMS))

.PHONY: userland
userland: $(USER_BINARIES)
