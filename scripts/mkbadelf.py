#!/usr/bin/env python3
"""mkbadelf.py: malformed variants of a good ELF64 executable.

Usage: mkbadelf.py GOOD.elf OUTDIR

Each variant damages one thing in a copy of GOOD.elf (a static x86_64
program as linked by toolchain/atom.ld) and is written to OUTDIR under a
name saying what is wrong.  OUTDIR/expected.txt lists one variant per line:

    <filename> <text the kernel's elf_decode message must contain>

The damage is chosen so that the named defect is the first one the kernel
meets (kernel/proc/elf.c checks the ELF header, then each program header in
order, then the segments together), so every variant must be rejected with
that message.  Standard library only.
"""
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")

PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_TLS = 1, 2, 3, 7
PT_GNU_STACK = 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
PAGE = 0x1000
KERNEL_BASE = 0xFFFFFFFF80000000
USER_LIMIT = 0x00007FFF00000000
MAX_IMAGE = 1 << 30
U64 = (1 << 64) - 1

EH_FIELDS = ("ident type machine version entry phoff shoff flags ehsize "
             "phentsize phnum shentsize shnum shstrndx").split()
PH_FIELDS = "type flags offset vaddr paddr filesz memsz align".split()


class Elf:
    """A mutable copy of the file with its headers decoded."""

    def __init__(self, data):
        self.data = bytearray(data)
        self.eh = dict(zip(EH_FIELDS, EHDR.unpack_from(self.data, 0)))
        # Headers are written back where they were read, whatever e_phoff
        # a variant sets.
        self.phoff = self.eh["phoff"]
        self.ph = []
        for i in range(self.eh["phnum"]):
            off = self.phoff + i * PHDR.size
            self.ph.append(dict(zip(PH_FIELDS, PHDR.unpack_from(self.data, off))))

    def copy(self):
        return Elf(self.data)

    def loads(self):
        return [p for p in self.ph if p["type"] == PT_LOAD and p["memsz"]]

    def first(self, ptype):
        return next((p for p in self.ph if p["type"] == ptype), None)

    def text(self):
        return next(p for p in self.loads() if p["flags"] & PF_X)

    def bytes(self):
        """The file with the (possibly changed) headers written back."""
        out = bytearray(self.data)
        EHDR.pack_into(out, 0, *(self.eh[f] for f in EH_FIELDS))
        for i, p in enumerate(self.ph):
            PHDR.pack_into(out, self.phoff + i * PHDR.size, *(p[f] for f in PH_FIELDS))
        return bytes(out)


def congruence(p):
    """The step by which a segment can move and stay mappable."""
    return max(PAGE, p["align"])


def check_good(data):
    """Just enough to build the variants; the kernel checks the rest."""
    if len(data) < EHDR.size or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("mkbadelf: input is not a little-endian ELF64 file")
    eh = dict(zip(EH_FIELDS, EHDR.unpack_from(data, 0)))
    if eh["type"] != 2:
        sys.exit("mkbadelf: input is not a static executable (ET_EXEC)")
    if (eh["phentsize"] != PHDR.size or eh["phnum"] == 0
            or eh["phoff"] + eh["phnum"] * PHDR.size > len(data)):
        sys.exit("mkbadelf: input has no usable program headers")
    elf = Elf(data)
    if not elf.loads():
        sys.exit("mkbadelf: input has no loadable segment")
    if not any(p["flags"] & PF_X for p in elf.loads()):
        sys.exit("mkbadelf: input has no executable segment")


def variants(good):
    """Yields (name, expected message text, file contents)."""
    eh, phoff = good.eh, good.eh["phoff"]

    def header(name, expect, **fields):
        e = good.copy()
        e.eh.update(fields)
        return name, expect, e.bytes()

    def ident(name, expect, index, value):
        e = good.copy()
        ident_bytes = bytearray(e.eh["ident"])
        ident_bytes[index] = value
        e.eh["ident"] = bytes(ident_bytes)
        return name, expect, e.bytes()

    def phdr(name, expect, pick, **fields):
        e = good.copy()
        p = pick(e)
        if p is None:
            return None
        p.update(fields)
        return name, expect, e.bytes()

    text = lambda e: e.text()
    last_load = lambda e: max(e.loads(), key=lambda p: p["vaddr"])
    t = good.text()

    # The ELF header.
    yield "truncated-header.elf", "truncated: file is 40 bytes", good.bytes()[:40]
    yield ident("bad-magic.elf", "bad magic", 1, ord("X"))
    yield ident("class32.elf", "is not ELFCLASS64", 4, 1)
    yield ident("big-endian.elf", "is not ELFDATA2LSB", 5, 2)
    yield ident("osabi.elf", "OS ABI 9", 7, 9)
    yield header("et-dyn.elf", "type ET_DYN: position-independent executables", type=3)
    yield header("et-rel.elf", "type ET_REL", type=1)
    yield header("machine-i386.elf", "machine 3 is not EM_X86_64", machine=3)
    yield header("version.elf", "version 2 is not EV_CURRENT", version=2)
    yield header("phentsize.elf", "program header size 64 is not 56", phentsize=64)
    yield header("phnum-zero.elf", "no program headers", phnum=0)
    yield header("phnum-huge.elf", "too many program headers: 32767", phnum=0x7FFF)
    yield header("phnum-xnum.elf", "PN_XNUM", phnum=0xFFFF)
    yield header("phoff-overflow.elf", "program header table offset", phoff=U64 - 0xFF)
    yield header("phoff-beyond-file.elf", "truncated: program headers end at",
                 phoff=len(good.data) - PHDR.size)
    cut = phoff + PHDR.size + 20
    yield "truncated-phdrs.elf", "truncated: program headers end at", good.bytes()[:cut]

    # One program header at a time.
    end_load = max((p for p in good.loads() if p["filesz"] >= 2),
                   key=lambda p: p["offset"] + p["filesz"], default=None)
    cut = end_load["offset"] + end_load["filesz"] // 2 if end_load else 0
    if cut > phoff + eh["phnum"] * PHDR.size:
        yield ("truncated-segment.elf", "run past the end of the file",
               good.bytes()[:cut])
    yield phdr("wx-segment.elf", "segment is both writable and executable", text,
               flags=PF_R | PF_W | PF_X)
    yield phdr("unreadable-segment.elf", "segment is not readable", text, flags=PF_X)
    yield phdr("filesz-over-memsz.elf", "is larger than memory size", text,
               filesz=t["memsz"] + 1)
    yield phdr("offset-beyond-file.elf", "run past the end of the file", text,
               offset=len(good.data))
    yield phdr("bad-align.elf", "is not a power of two", text, align=0x3000)
    yield phdr("misaligned-congruence.elf", "not congruent modulo the page size", text,
               vaddr=t["vaddr"] + 0x10)
    yield phdr("kernel-vaddr.elf", "is in the kernel half", text,
               vaddr=KERNEL_BASE + t["vaddr"])
    yield phdr("low-vaddr.elf", "below the lowest user address", text,
               vaddr=t["vaddr"] % congruence(t))
    yield phdr("wrapping-segment.elf", "wraps around the address space", text,
               memsz=U64 - PAGE + 1)

    def across_limit(e):
        p = last_load(e)
        step = congruence(p)
        p["vaddr"] = USER_LIMIT - step + p["vaddr"] % step
        p["memsz"] = max(p["filesz"], 2 * step)
        return p
    yield phdr("above-user-limit.elf", "is not below the user program limit", across_limit)
    yield phdr("huge-memsz.elf", "MiB image limit", last_load, memsz=4 << 30)
    other = lambda e: e.first(PT_GNU_STACK) or next(
        (p for p in e.ph if p["type"] != PT_LOAD), None)
    yield phdr("pt-interp.elf", "dynamic linking is not supported", other,
               type=PT_INTERP, flags=PF_R)
    yield phdr("pt-dynamic.elf", "dynamic linking is not supported", other,
               type=PT_DYNAMIC, flags=PF_R | PF_W)
    yield phdr("exec-stack.elf", "executable stack", lambda e: e.first(PT_GNU_STACK),
               flags=PF_R | PF_W | PF_X)

    # The segments together.
    loads = good.loads()
    if len(loads) >= 2:
        def overlap(e):
            a, b = e.loads()[0], e.loads()[1]
            step = congruence(b)
            start = a["vaddr"] & ~(PAGE - 1)
            b["vaddr"] -= (b["vaddr"] - start) // step * step
            return b
        yield phdr("overlapping-segments.elf", "(PT_LOAD) overlap", overlap)

        def too_big(e):
            top = max(p["vaddr"] + p["memsz"] for p in e.loads())
            b = last_load(e)
            step = congruence(b)
            b["vaddr"] += ((top + (2 << 30) - b["vaddr"]) // step) * step
            return b
        yield phdr("total-too-big.elf", "segments take", too_big, memsz=MAX_IMAGE)
    entry = max(p["vaddr"] + p["memsz"] for p in loads) + PAGE
    yield header("entry-outside-text.elf", "entry point", entry=entry)
    non_exec = [p for p in loads if not p["flags"] & PF_X]
    if non_exec:
        yield header("entry-in-data.elf", "entry point", entry=non_exec[0]["vaddr"])

    def no_loads(e):
        for p in e.ph:
            if p["type"] == PT_LOAD:
                p["type"] = 0
        return e.ph[0]
    yield phdr("no-loads.elf", "no loadable segments", no_loads)
    yield phdr("tls-outside.elf", "(PT_TLS): template", lambda e: e.first(PT_TLS),
               vaddr=0x100, filesz=0x10, memsz=0x20, align=8)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkbadelf.py GOOD.elf OUTDIR")
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    check_good(data)
    good = Elf(data)
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for v in variants(good):
        if v is None:
            continue  # the input lacks the header this variant changes
        name, expect, data = v
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        lines.append(f"{name} {expect}\n")
    with open(os.path.join(outdir, "expected.txt"), "w") as f:
        f.writelines(lines)
    print(f"mkbadelf: {len(lines)} variants in {outdir}")


if __name__ == "__main__":
    main()
