# gdb script for `make debug`: loads the kernel's symbols and connects to
# QEMU's GDB stub.  Usage, in a second terminal: gdb -x scripts/atom.gdb
set architecture i386:x86-64
file build/kernel/atom.elf
target remote localhost:1234
# Stop when the generic kernel starts; `continue` to boot.
break kernel_main
echo Connected. Type 'continue' to boot to kernel_main.\n
