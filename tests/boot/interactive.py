"""Boot tests that use the system as a person would: typing at the shell on
the serial line (and, with the keyboard and display drivers, on the screen).

Each runner boots the ISO once and goes through its steps in order; every
step records (ok, description), and run.py turns each into a TAP line.  A
step that fails does not stop the later ones unless the shell is gone.
"""
import os
import re
import sys
import time

from session import ROOT, Session, Timeout

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import screen_text  # noqa: E402  (scripts/screen_text.py)


class Steps:
    """What the checks of a Case read: the steps' outcomes, as a Boot."""

    def __init__(self, session, seconds):
        self.status = session.proc.returncode
        self.serial = session.text()
        self.timed_out = False
        self.seconds = seconds
        self.results = []

    def kernel_lines(self):
        return self.serial.splitlines()


def pid_of(r, program):
    """The pid ps shows for a program (the kernel log may interleave)."""
    for line in r.out("ps").splitlines():
        m = re.match(r"^\s*(\d+)\s+\d+\s+\S+\s+" + re.escape(program) + "$", line)
        if m:
            return m.group(1)
    raise AssertionError(f"ps shows no {program}")


class Runner:
    def __init__(self, session, steps):
        self.s = session
        self.steps = steps

    def step(self, name, fn):
        try:
            fn()
            self.steps.results.append((name, True, ""))
        except (Timeout, AssertionError) as e:
            self.steps.results.append((name, False, " ".join(str(e).split())[:300]))

    def out(self, line, timeout=30):
        return self.s.run(line, timeout)

    def expect_out(self, line, wanted, timeout=30):
        got = self.out(line, timeout).strip()
        if isinstance(wanted, re.Pattern):
            assert wanted.search(got), f"'{line}' printed {got!r}, expected /{wanted.pattern}/"
        else:
            assert got == wanted, f"'{line}' printed {got!r}, expected {wanted!r}"


def with_session(name, iso, workdir, body, **session_args):
    """Boots a session, runs body(session, runner) and returns the steps."""
    start = time.monotonic()
    s = Session(iso, workdir, name, **session_args)
    steps = Steps(s, 0)
    try:
        body(s, Runner(s, steps), steps)
    finally:
        s.close()
        steps.serial = s.text()
        steps.seconds = time.monotonic() - start
    return steps


def shell_serial(name, iso, workdir, uefi=False):
    """The shell on the serial line: the everyday things a person does."""
    return with_session(name, iso, workdir, lambda s, r, steps: shell_serial_steps(s, r, steps, uefi),
                        uefi=uefi)


def shell_serial_steps(s, r, steps, uefi):
    def prompt():
        s.expect(r"Atom \d+\.\d+\.\d+ \(x86_64\)", 150 if uefi else 90)
        s.expect(r"Type 'help'", 20)
        s.expect(s.PROMPT, 20)
    r.step("banner and prompt on the serial line", prompt)
    if not steps.results[-1][1]:
        return
    r.step("a command runs", lambda: r.expect_out("echo hello, world", "hello, world"))
    r.step("pipes: ls /bin | grep sh | wc -l",
           lambda: r.expect_out("ls /bin | grep sh | wc -l", "1"))
    r.step("a longer pipeline",
           lambda: r.expect_out("echo a b c | cat | cat | cat | wc -w", re.compile(r"^\s*3$")))

    def redirection():
        r.out("echo one > /tmp/f; echo two >> /tmp/f")
        r.expect_out("cat < /tmp/f", "one\ntwo")
        r.out("ls /no-such-dir 2> /tmp/err")
        r.expect_out("cat /tmp/err", re.compile(r"No such file or directory"))
        r.expect_out("ls /no-such-dir > /tmp/both 2>&1; wc -l < /tmp/both",
                     re.compile(r"^\s*1$"))
    r.step("redirection into /tmp and back", redirection)

    def globbing():
        r.expect_out("cd /bin; echo c?t", "cat")
        r.expect_out("echo h*", "head hello hexdump")
        r.expect_out("cd /; pwd", "/")
    r.step("globbing", globbing)

    def status():
        r.expect_out("false; echo $?", "1")
        r.expect_out("no-such-command", "sh: no-such-command: command not found")
        r.expect_out("echo $?", "127")
        r.expect_out("true && echo yes || echo no", "yes")
    r.step("a failing command's status in $?", status)

    def history():
        r.out("echo from-history")
        got = r.out("history")
        assert "echo from-history" in got, f"history printed {got!r}"
        s.send("\x1b[A\x1b[A")      # up twice: 'history', then 'echo from-history'
        time.sleep(0.3)
        out = s.run("")
        assert out.strip() == "from-history", f"up-arrow recalled and ran: {out!r}"
    r.step("history (the history builtin and the up arrow)", history)

    def line_editing():
        s.send("echo abXd")
        s.send("\x1b[D\x1b[D")       # left twice: before 'X'
        s.send("\x1b[3~")            # delete 'X'
        s.send("c\x1b[H")            # insert 'c', then home
        s.send("\x1b[F")             # end
        out = s.run("")
        assert out.strip() == "abcd", f"edited line printed {out!r}"
    r.step("line editing (left, delete, home, end)", line_editing)

    def completion():
        s.send("ec\t")               # a command: 'echo '
        time.sleep(0.3)
        assert s.run("tab-done").strip() == "tab-done", "command completion"
        s.send("cat /etc/atom-rel\t")  # a path: /etc/atom-release
        time.sleep(0.3)
        out = s.run("")
        assert re.match(r"Atom \d+\.\d+\.\d+ \(x86_64\)", out.strip()), f"path completion: {out!r}"
    r.step("tab completion of commands and paths", completion)

    def ctrl_c():
        s.send("sleep 30\r")
        time.sleep(2)
        s.send("\x03")
        s.expect(r"\^C", 10)
        s.expect(s.PROMPT, 10)
        r.expect_out("echo $?", "130")
    r.step("Ctrl-C stops sleep and the prompt returns", ctrl_c)

    def ctrl_c_handler():
        s.send("/tests/utty sigint\r")
        s.expect(r"waiting", 10)
        time.sleep(0.5)
        s.send("\x03")
        s.expect(r"\ninterrupted", 10)
        s.expect(s.PROMPT, 10)
    r.step("Ctrl-C interrupts a read of a program that catches SIGINT", ctrl_c_handler)

    def line_discipline():
        s.send("cat\r")
        time.sleep(0.5)
        s.send("helo\x7f\x7flp!\r")   # backspace twice
        s.expect(r"\nhelp!\n", 10)
        s.send("junk\x15ok\r")        # Ctrl-U kills the line
        s.expect(r"\nok\n", 10)
        s.send("\x04")                # Ctrl-D: end of file
        s.expect(s.PROMPT, 10)
    r.step("cat: echo, backspace, Ctrl-U, Ctrl-D", line_discipline)

    def raw_mode():
        s.send("/tests/utty raw 3\r")
        s.expect("ready", 10)
        s.send("a\x03z")              # no signal from ^C in raw mode
        s.expect(r"61 03 7a", 10)
        s.expect(s.PROMPT, 10)
    r.step("raw mode for a program that asks for it", raw_mode)

    r.step("window size", lambda: r.expect_out("/tests/utty winsize", "24 80"))
    r.step("the foreground job owns the terminal",
           lambda: r.expect_out("/tests/utty foreground", "foreground"))

    def script():
        r.out("echo 'echo script says $1; exit 3' > /tmp/s.sh")
        r.expect_out("sh /tmp/s.sh hi; echo $?", "script says hi\n3")
    r.step("a script file", script)

    def crash():
        out = r.out("/tests/ucrash null")
        assert "Segmentation fault" in out, f"crash printed {out!r}"
        r.expect_out("echo $?", "139")
    r.step("a crashing program prints an error and the prompt returns", crash)

    def background():
        r.out("sleep 1 &")
        r.expect_out("jobs", re.compile(r"\[1\]\s+Running\s+sleep 1"))
        r.out("wait")
        r.expect_out("echo done", "done")
    r.step("background job, jobs and wait", background)

    def kill_serial_driver():
        pid = pid_of(r, "serial")
        s.send(f"kill {pid}\r")
        s.expect(r"init: started serial", 20)   # after 100 ms
        s.settle(2)
        r.expect_out("echo still here", "still here")
    r.step("the serial driver is killed, restarted, and the shell keeps working",
           kill_serial_driver)

    def exit_shell():
        s.send("exit\r")
        s.expect(r"Type 'help'", 30)
        s.expect(s.PROMPT, 20)
        r.expect_out("echo again", "again")
    r.step("exit: a new shell greets", exit_shell)


# QEMU sendkey names for the characters the screen test types.
KEY_NAMES = {" ": "spc", "?": "shift-slash", "-": "minus", "/": "slash", ".": "dot", "|": "shift-backslash",
             "$": "shift-4", "\n": "ret", "=": "equal", "'": "apostrophe"}


def type_keys(s, text):
    for ch in text:
        if ch in KEY_NAMES:
            key = KEY_NAMES[ch]
        elif ch.isupper():
            key = "shift-" + ch.lower()
        else:
            key = ch
        s.sendkey(key)
        time.sleep(0.05)


def screen_rows(s, workdir, name):
    """The framebuffer console's text, read from a QEMU screendump."""
    ppm = os.path.join(workdir, name + ".ppm")
    s.screendump(ppm)
    font = os.environ.get("ATOM_FONT", "/usr/share/consolefonts/Uni2-Terminus16.psf.gz")
    return screen_text.screen_text(ppm, font, 8, 16)


def wait_screen(s, workdir, name, pattern, timeout=20):
    """Waits until a row of the screen matches; returns the rows."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        rows = screen_rows(s, workdir, name)
        if any(rx.search(row) for row in rows):
            return rows
        if time.monotonic() > deadline:
            shown = "\n".join(r for r in rows if r.strip())[-600:]
            raise AssertionError(f"no /{pattern}/ on the screen; it shows:\n{shown}")
        time.sleep(1)


def screen_keyboard(name, iso, workdir, uefi=False):
    """The screen and the PS/2 keyboard: keys pressed in QEMU reach the
    shell on the framebuffer console, whose drivers survive being killed."""
    return with_session(name, iso, workdir,
                        lambda s, r, steps: screen_keyboard_steps(s, r, steps, workdir, name, uefi),
                        uefi=uefi)


def screen_keyboard_steps(s, r, steps, workdir, name, uefi):
    def prompt():
        s.expect(r"Type 'help'", 150 if uefi else 90)
        s.expect(s.PROMPT, 20)
        wait_screen(s, workdir, name, r"Type 'help'")
        wait_screen(s, workdir, name, r"^/ \$$")
    r.step("the banner and the prompt on the screen", prompt)
    if not steps.results[-1][1]:
        return

    def typing():
        type_keys(s, "echo Typed-On-PS2\n")
        rows = wait_screen(s, workdir, name, r"^Typed-On-PS2$")
        assert any(row == "/ $ echo Typed-On-PS2" for row in rows), \
            "the command line is not echoed as typed"
    r.step("keys typed on the PS/2 keyboard run a command on the screen", typing)

    def ctrl_c():
        type_keys(s, "sleep 30\n")
        time.sleep(2)
        s.sendkey("ctrl-c")
        wait_screen(s, workdir, name, r"^\^C$")
        type_keys(s, "echo $?\n")
        wait_screen(s, workdir, name, r"^130$")
    r.step("Ctrl-C on the keyboard stops sleep", ctrl_c)

    def kill_keyboard():
        pid = pid_of(r, "kbd")
        r.out(f"kill {pid}")
        s.expect(r"init: started kbd", 20)
        s.settle(2)
        type_keys(s, "echo after-kbd-restart\n")
        wait_screen(s, workdir, name, r"^after-kbd-restart$")
    r.step("the keyboard driver is killed, restarted, and typing works again", kill_keyboard)

    def kill_display():
        before = [row for row in screen_rows(s, workdir, name) if row.strip()]
        pid = pid_of(r, "fbcon")
        r.out(f"kill {pid}")
        s.expect(r"init: started fbcon", 20)
        s.settle(3)
        after = [row for row in screen_rows(s, workdir, name) if row.strip()]
        assert after[:len(before)] == before, "the restarted display lost the screen"
        type_keys(s, "echo after-fbcon-restart\n")
        wait_screen(s, workdir, name, r"^after-fbcon-restart$")
    r.step("the display driver is killed, restarted, redraws the screen and the shell "
           "keeps working", kill_display)

    def clear():
        type_keys(s, "clear\n")
        rows = wait_screen(s, workdir, name, r"^/ \$$")
        assert not any("after-fbcon-restart" in row for row in rows), "clear left text"
    r.step("clear (the terminal's erase and cursor sequences)", clear)


def keyboard_layout(name, iso, workdir):
    """keymap=de on the kernel command line reaches the keyboard driver."""
    return with_session(name, iso, workdir,
                        lambda s, r, steps: keyboard_layout_steps(s, r, workdir, name),
                        options="keymap=de")


def keyboard_layout_steps(s, r, workdir, name):
    def german():
        s.expect(s.PROMPT, 90)
        wait_screen(s, workdir, name, r"^/ \$$")
        # The keys marked z, y and q on a US keyboard, the last with
        # AltGr: a German layout gives y, z and @.
        for key in ["e", "c", "h", "o", "spc", "z", "y", "alt_r-q", "ret"]:
            s.sendkey(key)
            time.sleep(0.05)
        wait_screen(s, workdir, name, r"^yz@$")
    r.step("the German layout (keymap=de): Z and Y swapped, AltGr+Q is @", german)
