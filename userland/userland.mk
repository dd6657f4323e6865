# User programs, each in userland/<name>/, built with x86_64-atom-gcc into
# build/userland/<name>/<name>.  Until the kernel runs user code they are
# packed into the initrd and checked there.
USER_PROGRAMS := hello

define user_program
$(BUILD)/userland/$(1)/$(1): $(wildcard userland/$(1)/*.c) $(TOOLCHAIN_STAMP)
	@mkdir -p $$(dir $$@)
	@echo "  ATOMCC  $$@"
	$(Q)$(ATOM_CC) -std=gnu11 -O2 -Wall -Wextra -Werror \
		$(wildcard userland/$(1)/*.c) -o $$@
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call user_program,$(p))))

.PHONY: userland
userland: $(foreach p,$(USER_PROGRAMS),$(BUILD)/userland/$(p)/$(p))
