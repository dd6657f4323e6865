#!/usr/bin/env python3
"""Boot tests: boot the real ISO headless in QEMU and read the serial console.

Every boot has a timeout.  Boots of the self-test entry end by themselves
through isa-debug-exit (33 pass, 35 fail); other boots are stopped as soon as
the kernel prints "atom: boot complete" or a "PANIC:" line.  The menu entry
and any extra kernel options reach grub.cfg through QEMU's SMBIOS strings,
so the ISO under test is the one users get.  Damaged-initrd cases patch a
copy of that ISO in place.

Output is TAP ("ok - ..." / "not ok - ...") for tests/run.py; serial logs are
kept in build/tests/boot/<case>.serial.

usage: tests/boot/run.py [--iso build/atom.iso] [--jobs 2] [CASE-SUBSTRING ...]
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import qemu  # noqa: E402  (scripts/qemu.py, the one place that knows QEMU)
import interactive  # noqa: E402  (sessions at the shell)

WORK = os.path.join(ROOT, "build", "tests", "boot")
ANSI = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][A-Z0-9]|[=>])")
BIOS_TIMEOUT = 90
UEFI_TIMEOUT = 180
COMPLETE = "atom: boot complete"


class Boot:
    """One QEMU run and what came of it."""

    def __init__(self, status, serial, timed_out, seconds):
        self.status = status
        self.serial = serial
        self.timed_out = timed_out
        self.seconds = seconds

    def kernel_lines(self):
        """Lines printed by the kernel (from its first line on)."""
        start = self.serial.find("atom ")
        return self.serial[start:].splitlines() if start >= 0 else []


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


def boot(name, iso, *, uefi=False, usb=False, entry="atom", options="",
         vga=True, machine=None, memory="256M", wait_exit=False, wait_for=None, extra=()):
    os.makedirs(WORK, exist_ok=True)
    log = os.path.join(WORK, name + ".serial")
    if os.path.exists(log):
        os.remove(log)
    # grub.cfg appends the SMBIOS serial string to the command line; it is
    # always set, since GRUB complains on the console about a missing one.
    smbios = {"family": "atom-test", "sku": entry,
              "serial": (options or "atom.test").replace(",", ",,")}
    cmd = qemu.qemu_command(
        iso, uefi=uefi, usb=usb, machine=machine, memory=memory, vga=vga,
        smbios=smbios, vars_file=os.path.join(WORK, name + ".vars.fd"),
        extra=["-display", "none", "-serial", "file:" + log] + list(extra))
    timeout = UEFI_TIMEOUT if uefi else BIOS_TIMEOUT
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timed_out = False
    stop_at = None
    while proc.poll() is None:
        now = time.monotonic()
        if now - start > timeout:
            timed_out = True
            break
        if stop_at is not None and now >= stop_at:
            break
        text = read(log)
        if stop_at is None and not wait_exit and ((wait_for or COMPLETE) in text or
                                                  "PANIC:" in text):
            stop_at = now + 1.5  # let the rest, init's greeting too, arrive
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
    status = proc.wait()
    err = proc.stderr.read().decode(errors="replace")
    if err.strip():
        sys.stdout.write("".join("# qemu: " + l + "\n" for l in err.splitlines()))
    return Boot(status, clean(read(log)), timed_out, time.monotonic() - start)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1")
    except FileNotFoundError:
        return ""


# Checks: each takes a Boot and returns (ok, description).

def completes(b):
    return COMPLETE in b.serial and "PANIC:" not in b.serial, \
        f"reaches '{COMPLETE}' without a panic"


def exits(status):
    def check(b):
        return b.status == status and not b.timed_out, \
            f"QEMU exits with status {status} (got {b.status})"
    return check


def has(text):
    def check(b):
        return any(text in l for l in b.kernel_lines()), f"prints '{text}'"
    return check


def lacks(text):
    def check(b):
        return not any(text in l for l in b.kernel_lines()), f"does not print '{text}'"
    return check


def matches(pattern):
    def check(b):
        rx = re.compile(pattern)
        return any(rx.search(l) for l in b.kernel_lines()), f"prints /{pattern}/"
    return check


def no_warnings(b):
    """No warning or error until the boot is complete (self-tests provoke
    some on purpose afterwards)."""
    lines = b.kernel_lines()
    if COMPLETE in lines:
        lines = lines[:lines.index(COMPLETE)]
    bad = [l for l in lines if l.startswith(("warning:", "error:"))]
    return not bad, "boots without warnings or errors" + (f" (first: {bad[0]})" if bad else "")


def power_checks(what):
    """A boot whose init runs /bin/poweroff or /bin/reboot."""
    return [exits(0), no_warnings, has("manifest: init gets power as handle"),
            matches(rf"^init\[1\]: init: {what}, as pid \d+ asks$"),
            matches(rf"^power: {what} \(asked by init\)$"),
            lacks("cannot be switched off")]


def lists_initrd(b):
    return has("initrd:   bin/hello")(b)[0] and has("initrd:   etc/atom-release")(b)[0], \
        "lists the initrd entries"


def debug_boot(name, iso):
    """`make debug` as a person uses it: QEMU paused with its GDB stub, and
    gdb running scripts/atom.gdb, which must load the kernel's symbols,
    connect and stop at kernel_main.  The gdb transcript is the 'serial'."""
    cmd = qemu.qemu_command(iso, extra=["-display", "none", "-S",
                                        "-gdb", "tcp:127.0.0.1:1234"])
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        gdb = subprocess.run(
            ["gdb", "-nx", "-batch", "-x", os.path.join(ROOT, "scripts", "atom.gdb"),
             "-ex", "continue", "-ex", "info symbol $pc"],
            cwd=ROOT, capture_output=True, text=True, timeout=BIOS_TIMEOUT)
        out, timed_out = gdb.stdout + gdb.stderr, False
    except subprocess.TimeoutExpired as e:
        out, timed_out = str(e.stdout or ""), True
    finally:
        proc.kill()
        proc.wait()
    return Boot(proc.returncode, "atom \n" + out, timed_out, time.monotonic() - start)


def bench_boot(name, iso):
    """`make bench` as a person runs it, its -icount phases only (the kernel's
    benchmark mode and init running upbench; the wall-time phases are slow
    and depend on the host): scripts/bench.py boots the ISO twice.  Its
    output is the 'serial'; the figures are checked for presence only
    (targets are not tests)."""
    start = time.monotonic()
    try:
        run = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench.py"),
                              "--phases", "kernel,user", iso],
                             capture_output=True, text=True, timeout=BIOS_TIMEOUT * 4)
        out, status, timed_out = run.stdout + run.stderr, run.returncode, False
    except subprocess.TimeoutExpired as e:
        out, status, timed_out = str(e.stdout or ""), None, True
    return Boot(status, "atom \n" + out, timed_out, time.monotonic() - start)


BENCH_FIGURES = ["null_syscall", "yield_alone", "ipc_call_reply_round_trip",
                 "notify_signal_wait", "cap_duplicate_delete", "map_unmap_page",
                 "spawn_wait", "pipe_round_trip", "first_touch_page", "tmpfs_read_16mib",
                 "tmpfs_read_per_mib"]


class Case:
    def __init__(self, name, checks, iso=None, runner=None, **boot_args):
        self.name = name
        self.checks = checks
        self.iso = iso
        self.runner = runner
        self.boot_args = boot_args


def corrupt_iso(iso, initrd, name, how):
    """A copy of the ISO whose initrd is damaged as `how` says; returns the
    copy's path and the offset of the damaged header inside the initrd."""
    with open(initrd, "rb") as f:
        archive = bytearray(f.read())
    with tarfile.open(initrd) as t:
        member = t.getmember("etc/motd")
    off = member.offset
    header = archive[off:off + 512]
    if how == "checksum":
        header[136] = ord("1")  # mtime digit changes; checksum now wrong
    elif how == "size":
        header[124:136] = b"07777777777\0"
        header[148:156] = b"        "
        header[148:156] = b"%06o\0 " % sum(header)
    archive[off:off + 512] = header

    with open(iso, "rb") as f:
        image = bytearray(f.read())
    with open(initrd, "rb") as f:
        original = f.read()
    where = image.find(original)
    if where < 0 or image.find(original, where + 1) >= 0:
        raise RuntimeError("initrd not found exactly once in the ISO")
    image[where:where + len(archive)] = archive
    path = os.path.join(WORK, f"corrupt-{name}.iso")
    with open(path, "wb") as f:
        f.write(image)
    return path, off


def cases(iso, initrd):
    os.makedirs(WORK, exist_ok=True)
    bad_sum, sum_off = corrupt_iso(iso, initrd, "checksum", "checksum")
    bad_size, size_off = corrupt_iso(iso, initrd, "size", "size")
    summary = [matches(r"^memory: \d+ KiB usable, \d+ KiB managed, \d+ KiB free"),
               matches(r"^acpi: \d+ CPUs?, \d+ I/O APIC"),
               matches(r"^time: calibrated against the (HPET|PIT): TSC \d+\.\d+ MHz")]
    selftest_checks = [exits(qemu.EXIT_PASS), matches(r"^selftest: \d+ passed, 0 failed"),
                       no_warnings] + summary
    above_4g = matches(r"^memory: .*highest address 0x[1-9a-f][0-9a-f]{8} ")
    default_checks = [completes, no_warnings, lists_initrd,
                      matches(r"^vm: kernel W\^X, NX on, .* WP on"),
                      matches(r"^memory: \d+ KiB usable, \d+ KiB managed, \d+ KiB free"),
                      matches(r"^irq: local APIC \d+ \(x2?APIC\), 1 I/O APIC, 8259 PIC masked"),
                      matches(r"^time: calibrated against the HPET: TSC \d+\.\d+ MHz"),
                      matches(r"^time: 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC"),
                      has("init[1]: init: Atom user space is up"),
                      # The boot manifest (initrd/boot.manifest) reaches init.
                      has("manifest: init gets irq 1 as handle 2"),
                      has("manifest: init gets ioport 0x64-0x64 as handle 5"),
                      has("init[1]: init: capability 3: irq, rights 0x3f"),
                      # init maps the initrd and runs /etc/init.conf.
                      matches(r"^manifest: init gets initrd \(\d+ bytes, read-only\) as handle \d+$"),
                      has("init[1]: init: started hello (/bin/hello)"),
                      has("init[1]: init: hello exited with status 0")]
    return [
        # The four ways a person boots the ISO.
        Case("bios-cd", default_checks + [has("firmware BIOS"),
             has("init[1]: init: capability 6: memory, rights 0x3f"),
             matches(r"^framebuffer: \d+x\d+, 32 bpp"), has("acpi: RSDP revision")]),
        Case("uefi-cd", default_checks + [has("firmware UEFI"),
             has("efi: 64-bit system table"), has("acpi: RSDP revision 2 (XSDT)"),
             has("EFI map")], uefi=True),
        Case("bios-usb", default_checks + [has("firmware BIOS")], usb=True),
        Case("uefi-usb", default_checks + [has("firmware UEFI")], uefi=True, usb=True),
        # The other menu entries.
        # init must never find its endpoint busy: a killed caller's reply
        # is void at once (kernel/object/endpoint.c, reply_to_caller).
        # fbcon_hands_over_to_user_space logs the hand-over on serial only.
        Case("bios-selftest", [exits(qemu.EXIT_PASS), matches(r"^selftest: \d+ passed, 0 failed"),
             lacks("FAIL"), lacks("receive failed"),
             has("fbcon: user space mapped the framebuffer")], entry="selftest", wait_exit=True),
        Case("uefi-selftest", [exits(qemu.EXIT_PASS), matches(r"^selftest: \d+ passed, 0 failed")],
             entry="selftest", wait_exit=True, uefi=True),
        Case("serial-entry", [completes, has("command line 'console=serial"),
             matches(r"^framebuffer: .*console 0x0$")], entry="serial"),
        Case("verbose-entry", [completes, matches(r"^memory:   \[0x[0-9a-f]{16}-0x[0-9a-f]{16}\] usable"),
             matches(r"^boot: \d+ tags in \d+ bytes")], entry="verbose"),
        # Missing boot-information tags: no framebuffer, no ACPI.
        Case("no-framebuffer", [completes, has("framebuffer: none")], vga=False),
        Case("no-acpi", [completes, has("warning: acpi: no valid RSDP from the boot loader"),
             has("time: calibrated against the PIT"),
             matches(r"^irq: local APIC \d+ \(xAPIC\), 1 I/O APIC")],
             machine="pc,acpi=off"),
        # A damaged initrd is reported by name and offset and not trusted.
        Case("initrd-bad-checksum", [completes,
             has(f"warning: initrd: corrupt archive at offset {sum_off:#x} (entry 'etc/motd'): "
                 "header checksum mismatch"),
             has("error: initrd: archive rejected"), lacks("initrd:   etc/atom-release")],
             iso=bad_sum),
        Case("initrd-bad-size", [completes,
             has(f"initrd: corrupt archive at offset {size_off:#x} (entry 'etc/motd'): "
                 "contents run past the end of the archive"),
             has("error: initrd: archive rejected")], iso=bad_size),
        # Failures are seen: a failing self-test, a panic, a CPU exception.
        Case("selftest-failure-reported", [exits(qemu.EXIT_FAIL),
             has("selftest: injected_failure: FAIL")],
             entry="selftest", options="selftest.inject_failure", wait_exit=True),
        Case("panic-is-reported", [exits(qemu.EXIT_FAIL),
             matches(r"^PANIC: crash_if_asked: deliberate panic"),
             matches(r"^  #\d+ 0x[0-9a-f]{16} selftest_run_all\+0x[0-9a-f]+$"),
             matches(r"^  #\d+ 0x[0-9a-f]{16} kernel_main_late\+0x[0-9a-f]+$")],
             entry="selftest", options="selftest.crash=panic", wait_exit=True),
        Case("fault-is-reported", [exits(qemu.EXIT_FAIL),
             matches(r"^PANIC: crash_if_asked\+0x[0-9a-f]+: page fault at 0 "
                     r"\(page not present, read, kernel\)"),
             matches(r"^  rip=ffffffff8[0-9a-f]{7} rsp="),
             matches(r"^  #0 0x[0-9a-f]{16} crash_if_asked\+0x[0-9a-f]+$"),
             matches(r"^  #\d+ 0x[0-9a-f]{16} kernel_main_late\+0x[0-9a-f]+$")],
             entry="selftest", options="selftest.crash=null", wait_exit=True),
        # Protections hold: W^X, NX, guard pages with a separate stack for
        # double faults.  Each is a real fault, reported by function name.
        Case("rodata-write-faults", [exits(qemu.EXIT_FAIL),
             matches(r"^PANIC: crash_if_asked\+0x[0-9a-f]+: page fault at 0xffffffff8[0-9a-f]+ "
                     r"\(protection violation, write, kernel\)")],
             entry="selftest", options="selftest.crash=write-rodata", wait_exit=True),
        Case("data-exec-faults", [exits(qemu.EXIT_FAIL),
             matches(r"^PANIC: 0xffffffff8[0-9a-f]+: page fault at 0xffffffff8[0-9a-f]+ "
                     r"\(protection violation, read, kernel, instruction fetch\)"),
             matches(r"^  #\d+ 0x[0-9a-f]{16} selftest_run_all\+0x[0-9a-f]+$")],
             entry="selftest", options="selftest.crash=exec-data", wait_exit=True),
        Case("stack-overflow-double-faults", [exits(qemu.EXIT_FAIL),
             matches(r"^PANIC: recurse(\.\w+)*\+0x[0-9a-f]+: exception 8 \(double fault\)")],
             entry="selftest", options="selftest.crash=stack-overflow", wait_exit=True),
        # init runs a configuration: starts programs with the capabilities
        # their lines name, restarts a crashing service with backoff, and
        # refuses what it cannot do.
        Case("init-supervises", [completes,
             has("init[1]: init: started flaky (/tests/uflaky)"),
             has("uflaky: run 0 as flaky, 2 arguments: alpha beta; handle 2 an ioport, "
                 "handles 3-4 its servers, handle 5 its signals, handle 6 empty"),
             matches(r"init: flaky crashed: page fault \(vector 14\) at address 0, "
                     r"rip 0x4[0-9a-f]+; restarting in 100 ms$"),
             has("uflaky: run 1 as flaky"),
             has("init: flaky exited with status 3; restarting in 200 ms"),
             has("uflaky: run 2: staying up"),
             has("init: hello exited with status 0"),
             has("init: missing: no program /tests/not-there in the initrd; not started"),
             has("init: nodev: capability 1 of line 8 is not in the boot manifest; not started"),
             has("init: /etc/init-test.conf: line 9: the name must be")],
             options="init.conf=/etc/init-test.conf", wait_for="uflaky: run 2: staying up"),
        # Power: /bin/poweroff and /bin/reboot, through init's power
        # capability, end QEMU by themselves (ACPI S5; a reset under
        # -no-reboot), after the kernel says so.
        Case("bios-poweroff", power_checks("switching off"),
             options="init.conf=/etc/init-poweroff.conf", wait_exit=True),
        Case("uefi-poweroff", power_checks("switching off"),
             options="init.conf=/etc/init-poweroff.conf", wait_exit=True, uefi=True),
        # Without ACPI nothing can switch QEMU off (its PM device is not set
        # up): the kernel, poweroff and init each say so, and the machine
        # runs on.
        Case("no-acpi-poweroff", [completes, has("warning: acpi: no valid RSDP from the boot loader"),
             has("power: switching off (asked by init)"),
             has("power: the machine cannot be switched off by software"),
             has("poweroff[3]: poweroff: this machine cannot be switched off by software; "
                 "it is safe to turn it off now"),
             has("init[1]: init: poweroff exited with status 1")],
             options="init.conf=/etc/init-poweroff.conf", machine="pc,acpi=off",
             wait_for="init: poweroff exited with status"),
        Case("bios-q35-reboot", power_checks("restarting"),
             options="init.conf=/etc/init-reboot.conf", wait_exit=True, machine="q35"),
        Case("uefi-reboot", power_checks("restarting"),
             options="init.conf=/etc/init-reboot.conf", wait_exit=True, uefi=True),
        Case("bad-option-warns", [completes, has("warning: cmdline: unknown loglevel 'loud'")],
             options="loglevel=loud"),
        # The machine matrix: memory from 32 MiB to 8 GiB (above 4 GiB too),
        # pc and q35, CPUs with and without NX, SMEP and SMAP, BIOS and UEFI;
        # each runs the whole self-test suite.
        Case("m32-bios-pc", selftest_checks, entry="selftest", wait_exit=True,
             memory="32M"),
        Case("m128-bios-q35", selftest_checks, entry="selftest", wait_exit=True,
             memory="128M", machine="q35"),
        Case("m4g-bios-pc", selftest_checks + [above_4g], entry="selftest",
             wait_exit=True, memory="4G"),
        Case("m8g-bios-q35", selftest_checks + [above_4g], entry="selftest",
             wait_exit=True, memory="8G", machine="q35"),
        Case("m8g-uefi-q35", selftest_checks + [above_4g], entry="selftest",
             wait_exit=True, memory="8G", uefi=True),
        Case("m128-uefi-pc", selftest_checks, entry="selftest", wait_exit=True,
             memory="128M", uefi=True, machine="pc"),
        Case("cpu-max", selftest_checks + [has("NX on, SMEP on, SMAP on, UMIP on")],
             entry="selftest", wait_exit=True, extra=["-cpu", "max"]),
        Case("cpu-no-nx", selftest_checks + [has("NX absent, SMEP absent, SMAP absent")],
             entry="selftest", wait_exit=True, extra=["-cpu", "qemu64,-nx"]),
        Case("cpu-max-uefi", selftest_checks + [has("SMEP on, SMAP on")],
             entry="selftest", wait_exit=True, uefi=True, extra=["-cpu", "max"]),
        # make debug: the gdb script connects and stops at kernel_main.
        Case("gdb-script", [matches(r"Breakpoint 1, kernel_main \(magic=920085129"),
             has("kernel_main in section .text")], runner=debug_boot),
        # A person at the shell on the serial line, BIOS and UEFI.
        Case("shell-serial-bios", [], runner=lambda n, i: interactive.shell_serial(n, i, WORK)),
        Case("shell-serial-uefi", [],
             runner=lambda n, i: interactive.shell_serial(n, i, WORK, uefi=True)),
        # The screen and the PS/2 keyboard, read back from QEMU's screendump.
        Case("screen-keyboard-bios", [],
             runner=lambda n, i: interactive.screen_keyboard(n, i, WORK)),
        Case("screen-keyboard-uefi", [],
             runner=lambda n, i: interactive.screen_keyboard(n, i, WORK, uefi=True)),
        Case("keyboard-layout-de", [],
             runner=lambda n, i: interactive.keyboard_layout(n, i, WORK)),
        # make bench: every -icount figure, as a machine-readable line.
        Case("bench", [exits(0)] + [matches(rf"^bench {n} \d+ guest_instructions$")
                                    for n in BENCH_FIGURES], runner=bench_boot),
    ]


def run_case(case, iso):
    if case.runner:
        b = case.runner(case.name, case.iso or iso)
    else:
        b = boot(case.name, case.iso or iso, **case.boot_args)
    results = []
    for check in case.checks:
        ok, what = check(b)
        results.append((ok, f"boot: {case.name}: {what}"))
    # Interactive sessions (interactive.py) report their steps themselves.
    for step, ok, detail in getattr(b, "results", []):
        results.append((ok, f"boot: {case.name}: {step}" + (f": {detail}" if not ok else "")))
    if b.timed_out:
        results.append((False, f"boot: {case.name}: timed out after {b.seconds:.0f} s"))
    return case, b, results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iso", default=os.path.join(ROOT, "build", "atom.iso"))
    ap.add_argument("--initrd", default=os.path.join(ROOT, "build", "initrd.tar"))
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    ap.add_argument("only", nargs="*", help="run cases whose names contain these")
    args = ap.parse_args()

    todo = [c for c in cases(args.iso, args.initrd)
            if not args.only or any(s in c.name for s in args.only)]
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for case, b, results in pool.map(lambda c: run_case(c, args.iso), todo):
            case_failed = False
            for ok, what in results:
                print(("ok - " if ok else "not ok - ") + what)
                case_failed |= not ok
            if case_failed:
                failed += 1
                print(f"# {case.name}: status {b.status}, {b.seconds:.1f} s; last serial lines:")
                for line in b.serial.splitlines()[-15:]:
                    print("#   " + line)
            else:
                print(f"# {case.name}: {b.seconds:.1f} s")
            sys.stdout.flush()
    shutil.rmtree(os.path.join(WORK, "vars"), ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
