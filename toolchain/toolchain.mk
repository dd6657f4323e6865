# toolchain.mk: the Atom user-space toolchain, included by the root Makefile.
#
# Expects BUILD (output directory, relative to the repository root) and Q
# (empty or @).  Produces, all under $(BUILD):
#
#   sysroot/include, sysroot/lib   newlib headers and libraries, Atom's
#                                  crt0.o/crti.o/crtn.o, libatom.a, atom.ld
#   toolchain/bin/x86_64-atom-*    gcc driver and binutils names
#   toolchain/lib/*.specs          the driver's gcc specs
#
# newlib is slow to build, so it sits behind its own stamp that depends
# only on its recipe (toolchain/build-newlib.sh) and the tarball; the small
# pieces rebuild through ordinary make dependencies.  Other rules depend on
# $(TOOLCHAIN_STAMP), which is touched whenever any piece changed.

# The host compiler behind the driver; the root Makefile's HOST_CC if set.
ATOM_HOST_CC ?= $(or $(HOST_CC),gcc)
NEWLIB_TARBALL ?= /usr/src/newlib/newlib-3.3.0.tar.xz

SYSROOT := $(BUILD)/sysroot
TOOLCHAIN_DIR := $(BUILD)/toolchain
TOOLCHAIN_BIN := $(TOOLCHAIN_DIR)/bin
TOOLCHAIN_STAMP := $(TOOLCHAIN_DIR)/toolchain.stamp

ATOM_CC := $(TOOLCHAIN_BIN)/x86_64-atom-gcc
ATOM_AR := $(TOOLCHAIN_BIN)/x86_64-atom-ar
ATOM_AS := $(TOOLCHAIN_BIN)/x86_64-atom-as
ATOM_LD := $(TOOLCHAIN_BIN)/x86_64-atom-ld
ATOM_NM := $(TOOLCHAIN_BIN)/x86_64-atom-nm
ATOM_OBJCOPY := $(TOOLCHAIN_BIN)/x86_64-atom-objcopy
ATOM_OBJDUMP := $(TOOLCHAIN_BIN)/x86_64-atom-objdump
ATOM_RANLIB := $(TOOLCHAIN_BIN)/x86_64-atom-ranlib
ATOM_READELF := $(TOOLCHAIN_BIN)/x86_64-atom-readelf
ATOM_STRIP := $(TOOLCHAIN_BIN)/x86_64-atom-strip

NEWLIB_DIR := $(BUILD)/newlib
NEWLIB_STAMP := $(NEWLIB_DIR)/installed.stamp
NEWLIB_LOG := $(NEWLIB_DIR)/build.log

ATOM_SPECS := $(TOOLCHAIN_DIR)/lib/x86_64-atom-gcc.specs
TOOLCHAIN_BINUTILS := ar as ld nm objcopy objdump ranlib readelf strip
TOOLCHAIN_BINUTILS_LINKS := $(TOOLCHAIN_BINUTILS:%=$(TOOLCHAIN_BIN)/x86_64-atom-%)
TOOLCHAIN_DRIVER := $(ATOM_CC) $(TOOLCHAIN_BIN)/x86_64-atom-cc $(ATOM_SPECS)

LIBC_PORT_OBJDIR := $(BUILD)/libc-port
LIBC_PORT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffunction-sections -fdata-sections -MMD -MP
LIBATOM_SRCS := $(wildcard libc-port/*.c)
LIBATOM_OBJS := $(LIBATOM_SRCS:libc-port/%.c=$(LIBC_PORT_OBJDIR)/%.o)
LIBC_PORT_CRT := crt0.o crti.o crtn.o
LIBC_PORT_CRT_OBJS := $(LIBC_PORT_CRT:%=$(LIBC_PORT_OBJDIR)/%)
LIBC_PORT_OBJS := $(LIBATOM_OBJS) $(LIBC_PORT_CRT_OBJS)
SYSROOT_CRT := $(LIBC_PORT_CRT:%=$(SYSROOT)/lib/%)

# The kernel ABI headers (<atom/*.h>), one copy for kernel and programs;
# and the C library's own: the server protocols (<atom/vfs.h>, ...) and
# headers newlib lacks for Atom (<sys/dirent.h>).
ABI_HEADERS := $(wildcard kernel/include/abi/atom/*.h)
SYSROOT_ABI_HEADERS := $(ABI_HEADERS:kernel/include/abi/%=$(SYSROOT)/include/%)
LIBC_HEADERS := $(wildcard libc-port/include/atom/*.h libc-port/include/sys/*.h)
SYSROOT_LIBC_HEADERS := $(LIBC_HEADERS:libc-port/include/%=$(SYSROOT)/include/%)

TOOLCHAIN_SYSROOT_FILES := $(SYSROOT_CRT) $(SYSROOT)/lib/libatom.a $(SYSROOT)/lib/atom.ld \
	$(SYSROOT_ABI_HEADERS) $(SYSROOT_LIBC_HEADERS) $(SYSROOT)/include/atom/raw_syscall.h

.PHONY: toolchain toolchain-clean

toolchain: $(TOOLCHAIN_STAMP)

$(TOOLCHAIN_STAMP): $(NEWLIB_STAMP) $(TOOLCHAIN_DRIVER) $(TOOLCHAIN_BINUTILS_LINKS) \
		$(TOOLCHAIN_SYSROOT_FILES)
	$(Q)touch $@

# --- newlib ------------------------------------------------------------------

# A missing tarball is reported by the script (a rule for it would misfire
# under make -B).
$(NEWLIB_STAMP): toolchain/build-newlib.sh $(wildcard $(NEWLIB_TARBALL))
	@echo "  NEWLIB  $(SYSROOT) (about a minute; log in $(NEWLIB_LOG))"
	$(Q)ATOM_HOST_CC='$(ATOM_HOST_CC)' sh toolchain/build-newlib.sh \
		'$(NEWLIB_TARBALL)' '$(NEWLIB_DIR)' '$(SYSROOT)' '$(NEWLIB_LOG)'
	$(Q)touch $@

# --- driver and binutils -----------------------------------------------------

$(ATOM_CC): toolchain/x86_64-atom-gcc.in
	@echo "  GEN     $@"
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@HOST_CC@|$(ATOM_HOST_CC)|g' $< >$@.tmp
	$(Q)chmod +x $@.tmp
	$(Q)mv -f $@.tmp $@

$(TOOLCHAIN_BIN)/x86_64-atom-cc: | $(ATOM_CC)
	$(Q)ln -sf x86_64-atom-gcc $@

$(ATOM_SPECS): toolchain/x86_64-atom-gcc.specs
	@echo "  GEN     $@"
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

# The host binutils already handle ELF64 x86-64; Atom only needs the names.
$(TOOLCHAIN_BINUTILS_LINKS): $(TOOLCHAIN_BIN)/x86_64-atom-%:
	$(Q)mkdir -p $(@D)
	$(Q)tool=$$(command -v '$*') || { echo "toolchain: host '$*' not found" >&2; exit 1; }; \
		ln -sf "$$tool" $@

# --- libc-port: start files, system-call layer, link script ------------------

# Built with the Atom driver itself, against the newlib headers.  Static
# pattern rules keep these objects from being treated as intermediate.
$(SYSROOT_ABI_HEADERS): $(SYSROOT)/include/%: kernel/include/abi/% $(NEWLIB_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

$(SYSROOT_LIBC_HEADERS): $(SYSROOT)/include/%: libc-port/include/% $(NEWLIB_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

# The C library's system-call stubs, for programs that need the raw calls.
$(SYSROOT)/include/atom/raw_syscall.h: libc-port/atom_syscall.h $(NEWLIB_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

$(LIBATOM_OBJS): $(LIBC_PORT_OBJDIR)/%.o: libc-port/%.c $(NEWLIB_STAMP) $(TOOLCHAIN_DRIVER) \
		$(SYSROOT_ABI_HEADERS) $(SYSROOT_LIBC_HEADERS) $(SYSROOT)/include/atom/raw_syscall.h
	@echo "  ATOMCC  $<"
	$(Q)mkdir -p $(@D)
	$(Q)$(ATOM_CC) $(LIBC_PORT_CFLAGS) -c $< -o $@

$(LIBC_PORT_CRT_OBJS): $(LIBC_PORT_OBJDIR)/%.o: libc-port/%.S $(NEWLIB_STAMP) $(TOOLCHAIN_DRIVER)
	@echo "  ATOMAS  $<"
	$(Q)mkdir -p $(@D)
	$(Q)$(ATOM_CC) $(LIBC_PORT_CFLAGS) -c $< -o $@

$(SYSROOT_CRT): $(SYSROOT)/lib/%.o: $(LIBC_PORT_OBJDIR)/%.o $(NEWLIB_STAMP)
	$(Q)cp $< $@

$(SYSROOT)/lib/libatom.a: $(LIBATOM_OBJS) $(NEWLIB_STAMP) | $(ATOM_AR)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(ATOM_AR) rcs $@ $(LIBATOM_OBJS)

$(SYSROOT)/lib/atom.ld: toolchain/atom.ld $(NEWLIB_STAMP)
	$(Q)cp $< $@

-include $(LIBC_PORT_OBJS:.o=.d)

toolchain-clean:
	rm -rf $(NEWLIB_DIR) $(SYSROOT) $(TOOLCHAIN_DIR) $(LIBC_PORT_OBJDIR)
