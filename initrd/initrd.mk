# The initrd: a ustar archive packed from initrd/manifest by
# scripts/mkinitrd.sh, loaded by GRUB as the module named "initrd".
INITRD := $(BUILD)/initrd.tar
INITRD_SOURCES := $(shell awk '!/^\#/ && NF == 2 && $$2 != "-" { print $$2 }' initrd/manifest)

$(BUILD)/initrd/atom-release: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'Atom %s (%s)\n' '$(VERSION)' '$(ARCH)' > $@

$(INITRD): initrd/manifest scripts/mkinitrd.sh $(INITRD_SOURCES)
	@echo "  INITRD  $@"
	$(Q)scripts/mkinitrd.sh initrd/manifest $@

.PHONY: initrd
initrd: $(INITRD)
