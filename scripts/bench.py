#!/usr/bin/env python3
"""`make bench`: boots the ISO under QEMU with -icount shift=0,sleep=off
(guest time advances one nanosecond per guest instruction, so timings are
instruction counts that repeat exactly) and runs the kernel's benchmark
mode, which starts tests/ubench.  Prints one machine-readable line per
figure:

    bench <name> <value> <unit>

and exits non-zero if the run failed.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import qemu  # noqa: E402

LINE = re.compile(r"^ubench\[\d+\]: bench: (\S+) (\d+) (\S+)\s*$")


def main():
    iso = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "atom.iso")
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "serial.log")
        cmd = qemu.qemu_command(
            iso, smbios={"family": "atom-test", "sku": "atom", "serial": "bench"},
            vars_file=os.path.join(tmp, "vars.fd"),
            extra=["-display", "none", "-serial", "file:" + log,
                   "-icount", "shift=0,sleep=off"])
        try:
            status = subprocess.run(cmd, timeout=600, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL).returncode
        except subprocess.TimeoutExpired:
            print("bench: QEMU timed out", file=sys.stderr)
            return 1
        with open(log, "rb") as f:
            text = f.read().decode("latin-1").replace("\r", "")
    figures = [m.groups() for m in map(LINE.match, text.splitlines()) if m]
    for name, value, unit in figures:
        print(f"bench {name} {value} {unit}")
    if status != qemu.EXIT_PASS or not figures:
        print(f"bench: run failed (QEMU status {status})", file=sys.stderr)
        print("\n".join(text.splitlines()[-20:]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
