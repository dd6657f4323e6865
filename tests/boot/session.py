"""An interactive QEMU session for the boot tests: a person at the serial
line and at the keyboard and screen.

The serial port and QEMU's monitor are Unix sockets: the test types on the
serial line and waits for text to come back (expect), presses keys on the
PS/2 keyboard (sendkey) and takes pictures of the screen (screendump).
Everything that arrives on the serial line is also written to a log file.
"""
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import qemu  # noqa: E402

ANSI = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][A-Z0-9]|[=>])")


def clean(text):
    """The text as a terminal would leave it: escape sequences dropped,
    and a carriage return going back to the start of its line (the line
    editor redraws the line that way at each key)."""
    lines = ANSI.sub("", text).replace("\r\n", "\n").split("\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in lines)


class Timeout(Exception):
    pass


class Session:
    def __init__(self, iso, workdir, name, *, uefi=False, memory="256M", options="",
                 entry="atom", extra=()):
        os.makedirs(workdir, exist_ok=True)
        self.serial_path = os.path.join(workdir, name + ".sock")
        self.monitor_path = os.path.join(workdir, name + ".mon")
        self.log_path = os.path.join(workdir, name + ".serial")
        for p in (self.serial_path, self.monitor_path):
            if os.path.exists(p):
                os.remove(p)
        smbios = {"family": "atom-test", "sku": entry,
                  "serial": (options or "atom.test").replace(",", ",,")}
        cmd = qemu.qemu_command(
            iso, uefi=uefi, memory=memory, smbios=smbios,
            vars_file=os.path.join(workdir, name + ".vars.fd"),
            extra=["-display", "none",
                   "-serial", f"unix:{self.serial_path},server=on,wait=on",
                   "-monitor", f"unix:{self.monitor_path},server=on,wait=off"] + list(extra))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.serial = self._connect(self.serial_path)
        self.monitor = self._connect(self.monitor_path)
        self.log = open(self.log_path, "wb")
        self.raw = b""
        self.pos = 0          # how far expect() has consumed the cleaned text

    def _connect(self, path):
        deadline = time.monotonic() + 30
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                s.setblocking(False)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)

    def _pump(self, wait):
        """Reads what the serial line has, waiting up to `wait` seconds."""
        end = time.monotonic() + wait
        while True:
            try:
                data = self.serial.recv(65536)
                if not data:
                    return
                self.raw += data
                self.log.write(data)
                self.log.flush()
                continue
            except BlockingIOError:
                pass
            if time.monotonic() >= end:
                return
            time.sleep(0.02)

    def text(self):
        return clean(self.raw.decode("utf-8", errors="replace"))

    def expect(self, pattern, timeout=30):
        """Waits for a regular expression in the output after the last
        match; returns the match.  Raises Timeout with the output seen."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            m = rx.search(text, self.pos)
            if m:
                self.pos = m.end()
                return m
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise Timeout(f"no /{pattern}/ within {timeout} s; output since the last "
                              f"match:\n{text[self.pos:][-2000:]}")
            self._pump(0.1)

    def settle(self, seconds):
        """Waits, then forgets everything printed so far: the next expect
        looks only at what comes after."""
        self._pump(seconds)
        self.pos = len(self.text())

    def send(self, text, delay=0.0):
        """Types text on the serial line (a byte at a time with `delay`)."""
        data = text.encode()
        if delay:
            for i in range(len(data)):
                self.serial.sendall(data[i:i + 1])
                self._pump(delay)
        else:
            self.serial.sendall(data)

    PROMPT = r"(?m)^[^\n]* \$ $"   # a prompt nothing has been typed after

    def run(self, line, timeout=30):
        """Types a command line and returns what it printed: the text
        between the echoed line and the next prompt."""
        self.send(line + "\r")
        start = self.expect(re.escape(line) + r"\n", timeout).end()
        m = self.expect(self.PROMPT, timeout)
        return self.text()[start:m.start()]

    def monitor_command(self, command):
        self.monitor.sendall((command + "\n").encode())
        time.sleep(0.05)
        out = b""
        end = time.monotonic() + 5
        while time.monotonic() < end:
            try:
                chunk = self.monitor.recv(65536)
                if not chunk:
                    break
                out += chunk
                if out.rstrip().endswith(b"(qemu)"):
                    break
            except BlockingIOError:
                time.sleep(0.02)
        return out.decode(errors="replace")

    def sendkey(self, key):
        self.monitor_command("sendkey " + key)

    def screendump(self, path):
        if os.path.exists(path):
            os.remove(path)
        self.monitor_command("screendump " + path)
        deadline = time.monotonic() + 10
        while not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._pump(0)
        for s in (self.serial, self.monitor):
            s.close()
        self.log.close()
