#!/usr/bin/env python3
"""Runs every test suite and prints one final "N passed, N failed" line.

Suites print TAP lines ("ok ..." / "not ok ..."), which are counted here.  A
suite that exits non-zero without reporting a failure (a crash, a missing
binary) counts as one failure, so nothing can pass by not running.

usage: tests/run.py [SUITE ...]     (unit, pyunit, toolchain, boot; default: all)
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SUITES = {
    "unit": ["build/tests/unit/unit_tests"],
    "pyunit": [sys.executable, "tests/host/test_screen_text.py"],
    "toolchain": ["bash", "tests/toolchain/run.sh"],
    "boot": [sys.executable, "tests/boot/run.py"],
}

TAP_OK = re.compile(r"^ok\b")
TAP_NOT_OK = re.compile(r"^not ok\b")


def run_suite(name, cmd):
    print(f"== {name}: {' '.join(cmd)}", flush=True)
    start = time.monotonic()
    passed = failed = 0
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                errors="replace")
    except OSError as e:
        print(f"not ok - {name}: cannot start: {e}")
        return 0, 1
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if TAP_OK.match(line):
            passed += 1
        elif TAP_NOT_OK.match(line):
            failed += 1
    status = proc.wait()
    if status != 0 and failed == 0:
        print(f"not ok - {name}: exited with status {status} without a failing test")
        failed += 1
    if passed + failed == 0:
        print(f"not ok - {name}: ran no tests")
        failed += 1
    print(f"== {name}: {passed} passed, {failed} failed "
          f"({time.monotonic() - start:.0f} s)", flush=True)
    return passed, failed


def main():
    names = sys.argv[1:] or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        sys.exit(f"run.py: unknown suite(s) {', '.join(unknown)}; "
                 f"choose from {', '.join(SUITES)}")
    total_passed = total_failed = 0
    for name in names:
        p, f = run_suite(name, SUITES[name])
        total_passed += p
        total_failed += f
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
