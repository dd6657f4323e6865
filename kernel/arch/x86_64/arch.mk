# x86_64 kernel flags: freestanding, no red zone (interrupts push onto the
# current stack), kernel code model (the image lives in the top 2 GiB), no
# SSE/x87 in the kernel so that user FPU state never needs saving on entry.
ARCH_DIR := kernel/arch/$(ARCH)

ARCH_CFLAGS := -m64 -march=x86-64 -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -fno-pic -fno-pie
ARCH_LDFLAGS := -m elf_x86_64 -z max-page-size=0x1000 -z noexecstack \
	--fatal-warnings -no-pie
ARCH_LDSCRIPT := $(ARCH_DIR)/linker.ld
