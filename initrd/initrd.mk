# The initrd: a ustar archive packed from initrd/manifest by
# scripts/mkinitrd.sh, loaded by GRUB as the module named "initrd".
INITRD := $(BUILD)/initrd.tar
INITRD_SOURCES := $(shell awk '!/^\#/ && NF == 2 && $$2 != "-" && $$2 !~ /\/$$/ { print $$2 }' initrd/manifest)
BADELF_DIR := $(BUILD)/initrd/badelf

$(BUILD)/initrd/atom-release: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'Atom %s (%s)\n' '$(VERSION)' '$(ARCH)' > $@

# Malformed programs the self-tests must see rejected, made from a good one.
$(BADELF_DIR)/expected.txt: scripts/mkbadelf.py $(BUILD)/userland/bin/hello
	@echo "  BADELF  $(BADELF_DIR)"
	$(Q)rm -rf $(BADELF_DIR) && mkdir -p $(BADELF_DIR)
	$(Q)$(PYTHON) scripts/mkbadelf.py $(BUILD)/userland/bin/hello $(BADELF_DIR)

$(INITRD): initrd/manifest scripts/mkinitrd.sh $(INITRD_SOURCES) $(BADELF_DIR)/expected.txt
	@echo "  INITRD  $@"
	$(Q)scripts/mkinitrd.sh initrd/manifest $@

.PHONY: initrd
initrd: $(INITRD)
