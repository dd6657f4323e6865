#!/usr/bin/env python3
"""`make bench`: boots the ISO under QEMU and prints one machine-readable
line per figure:

    bench <name> <value> <unit>

Phases (--phases, default all):

  kernel  the kernel's benchmark mode (tests/ubench) under -icount
          shift=0,sleep=off: guest time advances one nanosecond per guest
          instruction, so timings are instruction counts that repeat exactly.
  user    init with /etc/init-bench.conf (the VFS server and tests/upbench)
          under the same -icount: POSIX-level figures; QEMU is stopped when
          init logs its tests line.
  boot    wall time from QEMU's start to the shell's first prompt on the
          serial line, BIOS and UEFI, without -icount: what a person waits.
  memory  the least -m (MiB) with which the BIOS boot still reaches that
          prompt, by bisection.

Exits non-zero if any phase failed.

usage: scripts/bench.py [--phases kernel,user,boot,memory] [ISO]
"""
import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import qemu  # noqa: E402

PHASES = ["kernel", "user", "boot", "memory"]
KERNEL_LINE = re.compile(r"^ubench\[\d+\]: bench: (\S+) (\d+) (\S+)\s*$")
USER_LINE = re.compile(r"^upbench\[\d+\]: bench: (\S+) (\d+) (\S+)\s*$")
TESTS_DONE = re.compile(r"init: tests: (\d+) passed, (\d+) failed")
ICOUNT = ["-icount", "shift=0,sleep=off"]
# The end of the greeting (userland/getty/banner.c), then the prompt.
GREETING_END, PROMPT = b"Type 'help'", b"/ $ "
# A boot that shows one of these will not reach the prompt.
HOPELESS = (b"PANIC:", b"cannot start")
ANSI = re.compile(rb"\x1b(\[[0-9;?=]*[A-Za-z]|[()][A-Z0-9]|[=>])")
USER_TIMEOUT = 900
PROMPT_TIMEOUT = {False: 90, True: 180}   # BIOS, UEFI
MEMORY_LOW, MEMORY_HIGH = 4, 64


class Failed(Exception):
    pass


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1").replace("\r", "")
    except FileNotFoundError:
        return ""


def icount_boot(iso, tmp, options, until, timeout):
    """Boots under -icount with `options` on the kernel command line; ends
    when QEMU does or the serial log matches `until`.  Returns (QEMU
    status or None if stopped, serial text)."""
    log = os.path.join(tmp, "serial.log")
    if os.path.exists(log):
        os.remove(log)
    cmd = qemu.qemu_command(
        iso, smbios={"family": "atom-test", "sku": "atom", "serial": options},
        vars_file=os.path.join(tmp, "vars.fd"),
        extra=["-display", "none", "-serial", "file:" + log] + ICOUNT)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if until and until.search(read(log)):
                time.sleep(0.5)  # let the lines after it arrive
                proc.kill()
                proc.wait()
                return None, read(log)
            if time.monotonic() > deadline:
                raise Failed(f"QEMU timed out after {timeout} s; last serial lines:\n" +
                             "\n".join(read(log).splitlines()[-20:]))
            time.sleep(0.2)
        return proc.returncode, read(log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def figures_of(text, line):
    return [m.groups() for m in map(line.match, text.splitlines()) if m]


def phase_kernel(iso, tmp):
    status, text = icount_boot(iso, tmp, "bench", None, 600)
    figures = figures_of(text, KERNEL_LINE)
    if status != qemu.EXIT_PASS or not figures:
        raise Failed(f"kernel run failed (QEMU status {status}); last serial lines:\n" +
                     "\n".join(text.splitlines()[-20:]))
    return figures


def phase_user(iso, tmp):
    _, text = icount_boot(iso, tmp, "init.conf=/etc/init-bench.conf", TESTS_DONE,
                          USER_TIMEOUT)
    figures = figures_of(text, USER_LINE)
    done = TESTS_DONE.search(text)
    if not done or done.group(2) != "0" or not figures:
        raise Failed("user run failed; last serial lines:\n" +
                     "\n".join(text.splitlines()[-20:]))
    return figures


def boot_to_prompt(iso, tmp, *, uefi=False, memory="256M", timeout=None):
    """Seconds of wall time from starting QEMU to the shell's prompt on the
    serial line, or None if it did not come within the timeout.  The menu
    entry is chosen through SMBIOS, which also skips GRUB's countdown."""
    cmd = qemu.qemu_command(
        iso, uefi=uefi, memory=memory,
        smbios={"family": "atom-test", "sku": "atom", "serial": "atom.bench"},
        vars_file=os.path.join(tmp, "vars.fd"),
        extra=["-display", "none", "-serial", "stdio", "-monitor", "none"])
    timeout = timeout or PROMPT_TIMEOUT[uefi]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    out = b""
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if not ready:
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                return None  # QEMU ended
            out += data
            text = ANSI.sub(b"", out)
            if any(h in text for h in HOPELESS):
                return None
            greeting = text.find(GREETING_END)
            if greeting >= 0 and text.find(PROMPT, greeting) >= 0:
                return time.monotonic() - start
        return None
    finally:
        proc.kill()
        proc.wait()


def phase_boot(iso, tmp):
    figures = []
    for uefi, name in ((False, "boot_to_prompt_bios"), (True, "boot_to_prompt_uefi")):
        seconds = boot_to_prompt(iso, tmp, uefi=uefi)
        if seconds is None:
            raise Failed(f"{name}: no prompt within {PROMPT_TIMEOUT[uefi]} s")
        figures.append((name, str(round(seconds * 1000)), "ms"))
    return figures


def phase_memory(iso, tmp):
    """Bisection on -m: `good` reaches the prompt, `bad` does not (a boot
    with less memory than one that fails is taken to fail as well)."""
    def reaches(mib):
        ok = boot_to_prompt(iso, tmp, memory=f"{mib}M", timeout=60) is not None
        print(f"# -m {mib}M: {'prompt' if ok else 'no prompt'}", file=sys.stderr)
        return ok
    if not reaches(MEMORY_HIGH):
        raise Failed(f"min_ram_to_prompt: no prompt even with {MEMORY_HIGH} MiB")
    good, bad = MEMORY_HIGH, MEMORY_LOW
    if reaches(MEMORY_LOW):
        good = MEMORY_LOW
    while good - bad > 1:
        mid = (good + bad) // 2
        if reaches(mid):
            good = mid
        else:
            bad = mid
    return [("min_ram_to_prompt", str(good), "MiB")]


def main():
    ap = argparse.ArgumentParser(description="Atom's benchmarks.")
    ap.add_argument("--phases", default=",".join(PHASES),
                    help="comma-separated: " + ",".join(PHASES))
    ap.add_argument("iso", nargs="?", default=os.path.join(ROOT, "build", "atom.iso"))
    args = ap.parse_args()
    phases = [p for p in args.phases.split(",") if p]
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        ap.error("unknown phase: " + ", ".join(unknown))
    runners = {"kernel": phase_kernel, "user": phase_user, "boot": phase_boot,
               "memory": phase_memory}
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for phase in phases:
            try:
                for name, value, unit in runners[phase](args.iso, tmp):
                    print(f"bench {name} {value} {unit}", flush=True)
            except Failed as e:
                print(f"bench: {phase}: {e}", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
