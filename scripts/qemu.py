#!/usr/bin/env python3
"""Boot an Atom ISO in QEMU.

One place knows how Atom is booted: `make run` and `make debug` call this
script, and the boot-test harness (tests/boot) imports it.  Firmware is
SeaBIOS (BIOS) or OVMF (UEFI); the ISO is a CD or a USB stick on an xHCI
controller; QEMU's isa-debug-exit device lets the kernel end the run with a
status (33 for pass, 35 for fail).

usage: qemu.py run|debug [--uefi] [--usb] [--machine pc|q35] [--memory 256M] ISO
"""
import argparse
import os
import shutil
import subprocess
import sys

OVMF_CODE_CANDIDATES = [
    "/usr/share/OVMF/OVMF_CODE_4M.fd",
    "/usr/share/OVMF/OVMF_CODE.fd",
]
EXIT_PASS = 33  # kernel wrote 0x10 to the isa-debug-exit port
EXIT_FAIL = 35  # kernel wrote 0x11


def ovmf_files():
    """The OVMF code image and its matching variable-store template."""
    for code in OVMF_CODE_CANDIDATES:
        vars_ = code.replace("OVMF_CODE", "OVMF_VARS")
        if os.path.exists(code) and os.path.exists(vars_):
            return code, vars_
    sys.exit("qemu.py: OVMF not found; install the 'ovmf' package (make deps)")


def qemu_command(iso, *, uefi=False, usb=False, machine=None, memory="256M",
                 smbios=None, vga=True, vars_file="build/ovmf-vars.fd",
                 extra=()):
    """The QEMU argument list for one boot.

    smbios: dict of SMBIOS type-1 strings (family, sku, serial) through which
    grub.cfg lets tests choose a menu entry and add kernel options.
    vars_file: where a fresh copy of the UEFI variable store goes, so every
    boot starts from the same firmware settings.
    """
    machine = machine or ("q35" if uefi else "pc")
    cmd = ["qemu-system-x86_64", "-machine", machine, "-m", memory,
           "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if uefi:
        code, vars_template = ovmf_files()
        os.makedirs(os.path.dirname(vars_file) or ".", exist_ok=True)
        shutil.copyfile(vars_template, vars_file)
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={code}",
                "-drive", f"if=pflash,format=raw,file={vars_file}"]
    if usb:
        # snapshot=on: the stick is never written, as with a read-only ISO.
        cmd += ["-device", "qemu-xhci,id=xhci",
                "-drive", f"if=none,id=stick,format=raw,file={iso},snapshot=on",
                "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0"]
    else:
        cmd += ["-cdrom", iso]
    if not vga:
        cmd += ["-vga", "none"]
    if smbios:
        fields = ",".join(f"{k}={v}" for k, v in smbios.items())
        cmd += ["-smbios", f"type=1,{fields}"]
    cmd += list(extra)
    return cmd


def has_display():
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main():
    ap = argparse.ArgumentParser(description="Boot an Atom ISO in QEMU.")
    ap.add_argument("mode", choices=["run", "debug"])
    ap.add_argument("iso")
    ap.add_argument("--uefi", action="store_true", help="boot with OVMF")
    ap.add_argument("--usb", action="store_true", help="ISO as a USB stick")
    ap.add_argument("--machine", default=None)
    ap.add_argument("--memory", default="256M")
    args = ap.parse_args()

    if has_display():
        view = ["-serial", "stdio"]
        note = "QEMU window opened; the serial console is this terminal."
    else:
        view = ["-nographic"]
        note = "No display: serial console here. Quit with Ctrl-A then X."
    if args.mode == "debug":
        view += ["-s", "-S"]
        note += ("\nQEMU is paused with its GDB stub on localhost:1234.\n"
                 "In another terminal: gdb -x scripts/atom.gdb")
    cmd = qemu_command(args.iso, uefi=args.uefi, usb=args.usb,
                       machine=args.machine, memory=args.memory, extra=view)
    print(note, file=sys.stderr)
    status = subprocess.call(cmd)
    if status == EXIT_PASS:
        status = 0
    sys.exit(status)


if __name__ == "__main__":
    main()
