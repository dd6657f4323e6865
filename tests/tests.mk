# Tests.  `make test` installs what is missing, builds everything and runs
# tests/run.py, which runs each suite (unit, toolchain, boot), counts TAP
# results and prints the final "N passed, N failed" line.

UNIT_BIN  := $(BUILD)/tests/unit/unit_tests
# The kernel's pure logic, built for the host.
UNIT_KERNEL_SRCS := kernel/boot/multiboot2.c kernel/boot/ustar.c \
	kernel/lib/fmt.c kernel/lib/cmdline.c kernel/ksyms.c \
	kernel/lib/calendar.c kernel/acpi/acpi.c kernel/proc/elf.c kernel/proc/user_stack.c \
	kernel/mm/pmm.c kernel/mm/heap.c kernel/cap/cspace.c kernel/proc/manifest.c kernel/mm/region.c \
	kernel/lib/log_ring.c
# And user-space logic that needs no system calls.
UNIT_USER_SRCS := userland/init/conf.c userland/vfs/vfs_ops.c userland/vfs/fs_initrd.c \
	userland/vfs/fs_tmpfs.c userland/vfs/fs_dev.c userland/vfs/pipe.c \
	$(addprefix userland/sh/,buf.c lex.c parse.c vars.c expand.c pattern.c history.c line.c \
	complete.c) userland/console/vt.c userland/console/tty.c userland/drivers/kbd/keymap.c userland/drivers/fbcon/draw.c
UNIT_SRCS := $(wildcard tests/unit/*.c) $(UNIT_KERNEL_SRCS) $(UNIT_USER_SRCS)
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Ikernel/include -Ikernel/include/abi \
	-Ilibc-port/include -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer $(shell pkg-config --cflags check 2>/dev/null)
UNIT_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -pthread)

# The kernel's string.c is built under other names so the host C library
# does not stand in for it (tests/unit/kstring_rename.h).
$(BUILD)/tests/unit/kstring.o: kernel/lib/string.c tests/unit/kstring_rename.h
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -fno-builtin -include tests/unit/kstring_rename.h \
		-c $< -o $@

$(UNIT_BIN): $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(wildcard kernel/include/kernel/*.h kernel/include/abi/atom/*.h) \
		userland/init/conf.h $(wildcard userland/vfs/*.h) $(wildcard userland/sh/*.h) userland/console/vt.h userland/console/tty.h userland/drivers/kbd/keymap.h \
		$(wildcard userland/drivers/fbcon/*.h) $(wildcard libc-port/include/atom/*.h) \
		$(BUILD)/tests/unit/kstring.o
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) $(UNIT_SRCS) $(BUILD)/tests/unit/kstring.o \
		$(UNIT_LIBS) -o $@

.PHONY: unit-tests
unit-tests: $(UNIT_BIN)

# Everything the suites need, built before any of them runs.
.PHONY: test-build
test-build: iso unit-tests toolchain

.PHONY: test
test:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)$(PYTHON) tests/run.py
