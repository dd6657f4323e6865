#!/usr/bin/env bash
# deps.sh: makes sure the Debian packages Atom builds and tests with are
# installed.  As root it installs what is missing with apt-get; otherwise it
# prints the exact command to run and fails.  `make run` and `make test`
# call it first, so a fresh Debian 12 machine needs nothing else.
# With --run (from `make run`) and a display present, QEMU's window
# front-end is added.
set -euo pipefail

packages=(
    build-essential     # host gcc, binutils, make: kernel and toolchain
    python3             # test harness and QEMU launcher
    pkg-config
    grub-common         # grub-mkrescue
    grub-pc-bin         # GRUB for BIOS
    grub-efi-amd64-bin  # GRUB for UEFI
    xorriso             # ISO 9660 image writer used by grub-mkrescue
    mtools              # FAT image for the EFI system partition
    ovmf                # UEFI firmware for QEMU
    qemu-system-x86     # boots the ISO
    newlib-source       # the C library of user programs
    check               # C unit-test framework of the host tests
    gdb                 # `make debug`; the toolchain test runs a program under it
    curl                # the toolchain test downloads GNU hello (docs/porting.md)
    ca-certificates     # ... over https
    console-setup-linux # the PSF console font (Terminus)
)

if [[ "${1:-}" == "--run" && -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    packages+=(qemu-system-gui)
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: install them with:" >&2
    echo "    sudo apt-get update && sudo $cmd" >&2
    exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends "${missing[@]}"
