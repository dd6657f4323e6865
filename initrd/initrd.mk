# The initrd: a ustar archive packed from initrd/manifest by
# scripts/mkinitrd.sh, loaded by GRUB as the module named "initrd".
INITRD := $(BUILD)/initrd.tar
# The manifest names build outputs as build/...; they are taken from
# $(BUILD), so that `make BUILD=dir` packs its own (a copy of the manifest
# with the paths changed, in $(BUILD)/initrd/manifest, is what is packed).
INITRD_MANIFEST := $(BUILD)/initrd/manifest
INITRD_REBASE := awk -v build='$(BUILD)' '!/^\#/ && NF == 2 { sub(/^build\//, build "/", $$2) } { print }'
INITRD_SOURCES := $(shell $(INITRD_REBASE) initrd/manifest | \
	awk '!/^\#/ && NF == 2 && $$2 != "-" && $$2 !~ /\/$$/ { print $$2 }')
BADELF_DIR := $(BUILD)/initrd/badelf

$(BUILD)/initrd/atom-release: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'Atom %s (%s)\n' '$(VERSION)' '$(ARCH)' > $@

# Malformed programs the self-tests must see rejected, made from a good one.
$(BADELF_DIR)/expected.txt: scripts/mkbadelf.py $(BUILD)/userland/bin/hello
	@echo "  BADELF  $(BADELF_DIR)"
	$(Q)rm -rf $(BADELF_DIR) && mkdir -p $(BADELF_DIR)
	$(Q)$(PYTHON) scripts/mkbadelf.py $(BUILD)/userland/bin/hello $(BADELF_DIR)

$(INITRD_MANIFEST): initrd/manifest
	@mkdir -p $(dir $@)
	$(Q)$(INITRD_REBASE) $< > $@

$(INITRD): $(INITRD_MANIFEST) scripts/mkinitrd.sh $(INITRD_SOURCES) $(BADELF_DIR)/expected.txt
	@echo "  INITRD  $@"
	$(Q)scripts/mkinitrd.sh $(INITRD_MANIFEST) $@

.PHONY: initrd
initrd: $(INITRD)
