# The hybrid ISO: grub-mkrescue builds one image that boots from CD and
# from a USB stick or disk, on BIOS (i386-pc) and UEFI (x86_64-efi) alike.
ISO      := $(BUILD)/atom.iso
ISO_ROOT := $(BUILD)/iso-root

$(ISO): $(KERNEL_ELF) $(INITRD) grub/grub.cfg
	@echo "  ISO     $@"
	$(Q)rm -rf $(ISO_ROOT)
	$(Q)mkdir -p $(ISO_ROOT)/boot/grub
	$(Q)cp $(KERNEL_ELF) $(ISO_ROOT)/boot/atom.elf
	$(Q)cp $(INITRD) $(ISO_ROOT)/boot/initrd.tar
	$(Q)cp grub/grub.cfg $(ISO_ROOT)/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@.tmp $(ISO_ROOT) \
		-- -volid ATOM > $(BUILD)/grub-mkrescue.log 2>&1 \
		|| { cat $(BUILD)/grub-mkrescue.log; exit 1; }
	$(Q)mv $@.tmp $@

.PHONY: iso
iso: $(ISO)
