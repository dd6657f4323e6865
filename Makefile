# Atom: the root Makefile.
#
# One Makefile drives everything (ToaruOS style): it finds sources by
# wildcard, pulls in the per-arch rules from kernel/arch/$(ARCH)/arch.mk and
# the per-part rules from each part's .mk file, and puts every output under
# build/.  Targets:
#   make            the hybrid ISO, build/atom.iso
#   make run        build and boot it in QEMU (UEFI=1 for OVMF)
#   make debug      boot paused with QEMU's GDB stub; see scripts/atom.gdb
#   make test       install what is missing, build, run every test
#   make bench      the benchmarks: guest instructions of kernel and POSIX paths
#                   (QEMU -icount), boot time to the prompt, the least RAM
#   make toolchain  the newlib sysroot and x86_64-atom-gcc
#   make deps       install (or print how to install) the Debian packages
#   make clean      remove build/

ARCH    ?= x86_64
BUILD   := build
VERSION := 0.1.0
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

HOST_CC ?= gcc
PYTHON  ?= python3

.PHONY: all
all: iso

include kernel/arch/$(ARCH)/arch.mk
include kernel/kernel.mk
include toolchain/toolchain.mk
include userland/userland.mk
include initrd/initrd.mk
include iso/iso.mk
include tests/tests.mk

.PHONY: deps
deps:
	$(Q)scripts/deps.sh

# Packages come first, then the build, so `make -j` never races the install.
.PHONY: run
run:
	$(Q)scripts/deps.sh --run
	$(Q)$(MAKE) --no-print-directory iso
	$(Q)$(PYTHON) scripts/qemu.py run $(if $(UEFI),--uefi) $(ISO)

.PHONY: debug
debug:
	$(Q)scripts/deps.sh --run
	$(Q)$(MAKE) --no-print-directory iso
	$(Q)$(PYTHON) scripts/qemu.py debug $(if $(UEFI),--uefi) $(ISO)

.PHONY: bench
bench:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory iso
	$(Q)$(PYTHON) scripts/bench.py $(ISO)

.PHONY: clean
clean:
	rm -rf $(BUILD)
