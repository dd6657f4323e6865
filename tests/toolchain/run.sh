#!/usr/bin/env bash
# Checks of the Atom user-space toolchain, printed as TAP-style lines.
#
# Run from the repository root after `make toolchain`.  Every check but the
# last builds something with build/toolchain/bin/x86_64-atom-* in a scratch
# directory and inspects the result with the host readelf/nm, so each one
# fails on its own when the driver, specs, link script or libc port goes
# wrong.  Among them, the examples of docs/porting.md marked for testing run
# exactly as written: a single-file program, and GNU hello 2.10 built with
# its configure script (15 to 40 s; its tarball is downloaded once, with
# curl, into $BUILD/downloads).  The last check needs no build: docs/abi.md
# must name everything in the ABI headers.  Exits non-zero if any check
# failed.
#
# Environment: BUILD (default build), MAKE (default make; the command used
# to re-run `make toolchain`).
#
# The check functions are called through check(), and the single-quoted
# $ expressions belong to gdb and awk:
# shellcheck disable=SC2317,SC2016
set -u

build=${BUILD:-build}
make_cmd=${MAKE:-make}
bin=$build/toolchain/bin
cc=$bin/x86_64-atom-gcc
sysroot=$build/sysroot

failed=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/atom-toolchain.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	failed=$((failed + 1))
}
diag() { sed -e 's/^/# /' -e '30q'; }

# check NAME COMMAND...: passes when COMMAND succeeds, else shows its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name"
		printf '%s\n' "$out" | diag
	fi
}

# The program headers of $1 as lines "TYPE OFFSET VADDR FLAGS".
segments() {
	readelf -lW "$1" | awk '
		/^ *[A-Z_]+ +0x/ {
			flags = ""
			for (i = 7; i < NF; i++) flags = flags $i
			print $1, $2, $3, flags
		}'
}

cat >"$scratch/hello.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int constructed;

__attribute__((constructor)) static void construct(void)
{
	constructed = 1;
}

/* Returns 42 when everything that can work without system calls works. */
int main(int argc, char **argv)
{
	char *text = malloc(100);
	long n = strtol("1234", NULL, 10);

	if (!constructed)
		return 1;
	if (text == NULL || n != 1234 || argc < 1 || argv[0] == NULL)
		return 2;
	snprintf(text, 100, "%ld %lld %zu", n, -5LL, sizeof(long));
	if (strcmp(text, "1234 -5 8") != 0)
		return 3;
	if (write(1, "x", 1) != -1 || errno != ENOSYS)
		return 4;
	printf("hello, %s\n", text);
	free(text);
	return 42;
}
EOF

# --- the tools exist --------------------------------------------------------

missing=
for tool in gcc cc ar as ld nm objcopy objdump ranlib readelf strip; do
	[ -x "$bin/x86_64-atom-$tool" ] || missing="$missing x86_64-atom-$tool"
done
if [ -z "$missing" ]; then
	pass "driver and binutils names are installed in $bin"
else
	fail "driver and binutils names are installed in $bin"
	echo "# missing:$missing"
fi

# --- hello.c becomes an Atom ELF --------------------------------------------

hello=$scratch/hello
check "hello.c compiles and links with x86_64-atom-gcc" \
	"$cc" -O2 -Wall -Werror "$scratch/hello.c" -o "$hello"

header=$(readelf -hW "$hello" 2>&1)
check "hello is ELF64" grep -Eq 'Class: +ELF64' <<<"$header"
check "hello is for X86-64" grep -Eq 'Machine: +Advanced Micro Devices X86-64' <<<"$header"
check "hello is a static executable (Type EXEC)" grep -Eq 'Type: +EXEC' <<<"$header"

segs=$(segments "$hello" 2>/dev/null)
[ -n "$segs" ] || echo "# no program headers found in $hello"

check "hello has no INTERP or DYNAMIC segment" \
	bash -c '! grep -Eq "^(INTERP|DYNAMIC) " <<<"$1" && [ -n "$1" ]' _ "$segs"

entry_in_first_load() {
	local entry first off vaddr size
	entry=$(awk '/Entry point address/ { print $4 }' <<<"$header")
	first=$(readelf -lW "$hello" | awk '$1 == "LOAD" { print $3, $6; exit }')
	read -r vaddr size <<<"$first"
	if [ -z "$entry" ] || [ -z "$vaddr" ]; then
		echo "entry=$entry first=$first"
		return 1
	fi
	echo "entry $entry, first PT_LOAD $vaddr + $size"
	((entry >= vaddr && entry < vaddr + size)) &&
		((entry >= 0x400000 && entry < 0x0000800000000000))
}
check "hello's entry point is in the first PT_LOAD, in [0x400000, 0x800000000000)" \
	entry_in_first_load

no_wx() {
	local type off vaddr flags bad=0
	while read -r type off vaddr flags; do
		[ "$type" = LOAD ] || continue
		if [[ $flags == *W* && $flags == *E* ]]; then
			echo "LOAD at $vaddr is $flags"
			bad=1
		fi
	done <<<"$segs"
	return "$bad"
}
check "no PT_LOAD of hello is both writable and executable" no_wx

page_aligned() {
	local type off vaddr flags bad=0 loads=0
	while read -r type off vaddr flags; do
		[ "$type" = LOAD ] || continue
		loads=$((loads + 1))
		if ((off % 4096 != 0 || vaddr % 4096 != 0)); then
			echo "LOAD offset $off vaddr $vaddr"
			bad=1
		fi
	done <<<"$segs"
	((loads > 0)) && return "$bad"
}
check "hello's PT_LOAD offsets and addresses are page-aligned" page_aligned

layout() {
	local got
	got=$(awk '$1 == "LOAD" { printf "%s ", $4 }' <<<"$segs")
	echo "LOAD flags: $got"
	[ "$got" = "RE R RW " ]
}
check "hello has text (R E), rodata (R) and data (RW) PT_LOADs in that order" layout

# --- running hello up to its first system call ------------------------------
#
# Atom ELFs are plain x86-64 code, so the host can run hello under gdb up to
# its first system call ("catch syscall" stops before it reaches the host
# kernel, and gdb then kills it): that must be an Atom call made through the
# libc port: ATOM_SYS_MEM_CREATE (21) from sbrk growing the heap for
# printf's buffers, ATOM_SYS_DEBUG_WRITE (1) from printf's output or
# ATOM_SYS_EXIT (0).  The boot tests run programs on Atom itself.
check_name="hello runs (under gdb) to its first Atom system call"
if command -v gdb >/dev/null 2>&1; then
	run=$(timeout 60 gdb -nx -batch -ex 'catch syscall' -ex run \
		-ex 'printf "STOP rax=%d insn=%#x\n", $orig_rax, *(unsigned short *)($pc - 2)' \
		-ex kill "$hello" 2>&1)
	if grep -Eq 'STOP rax=(0|1|21) insn=0x50f' <<<"$run"; then
		pass "$check_name"
	elif grep -Eqi 'ptrace|not permitted' <<<"$run"; then
		pass "$check_name # SKIP gdb cannot trace here"
	else
		fail "$check_name"
		printf '%s\n' "$run" | diag
	fi
else
	pass "$check_name # SKIP no gdb"
fi

# --- compiler modes -------------------------------------------------------

relocatable() {
	"$cc" -c "$scratch/hello.c" -o "$scratch/hello.o" &&
		readelf -hW "$scratch/hello.o" | grep -Eq 'Type: +REL '
}
check "-c makes a relocatable object" relocatable

assembly() {
	"$cc" -S "$scratch/hello.c" -o "$scratch/hello.s" &&
		grep -q 'call.*strtol' "$scratch/hello.s" && ! [ -e "$scratch/a.out" ]
}
check "-S makes assembly" assembly

sysroot_headers() {
	local deps real_sysroot gcc_include
	real_sysroot=$(readlink -f "$sysroot") &&
		gcc_include=$(readlink -f "$("$cc" -print-file-name=include)") || return 1
	deps=$(echo '#include <stdio.h>' | "$cc" -E -M -x c - | sed 's/\\$//' | tr ' ' '\n' |
		grep '\.h$')
	printf '%s\n' "$deps"
	grep -qFx "$real_sysroot/include/stdio.h" <<<"$deps" || return 1
	# Everything else comes from the sysroot or gcc's private headers.
	! grep -v -e "^$real_sysroot/include/" -e "^$gcc_include/" <<<"$deps"
}
check "-E resolves <stdio.h> into the sysroot and nothing into the host's" sysroot_headers

no_glibc() {
	local out
	echo '#include <features.h>' >"$scratch/features.c"
	if out=$("$cc" -c "$scratch/features.c" -o "$scratch/features.o" 2>&1); then
		echo "compiled"
		return 1
	fi
	printf '%s\n' "$out"
	grep -q 'features\.h: No such file' <<<"$out"
}
check "host-only header <features.h> is not found" no_glibc

macros() {
	cat >"$scratch/macros.c" <<'EOF'
#if !defined(__atom__) || defined(__linux__) || defined(__unix__) || defined(__PIE__)
#error host identity leaked
#endif
EOF
	"$cc" -c "$scratch/macros.c" -o "$scratch/macros.o"
}
check "__atom__ is defined; __linux__, __unix__ and __PIE__ are not" macros

# --- libraries and link options ---------------------------------------------

archive() {
	cat >"$scratch/twice.c" <<'EOF'
int twice(int x) { return 2 * x; }
EOF
	cat >"$scratch/main2.c" <<'EOF'
int twice(int x);
int main(void) { return twice(21) == 42 ? 0 : 1; }
EOF
	"$cc" -c "$scratch/twice.c" -o "$scratch/twice.o" &&
		"$bin/x86_64-atom-ar" rcs "$scratch/libtwice.a" "$scratch/twice.o" &&
		"$cc" "$scratch/main2.c" -L"$scratch" -ltwice -o "$scratch/main2" &&
		"$bin/x86_64-atom-nm" "$scratch/main2" | grep -q ' T twice$'
}
check "two-file program with an x86_64-atom-ar archive links" archive

quiet_link() {
	local out
	cat >"$scratch/libs.c" <<'EOF'
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf env;

int main(int argc, char **argv)
{
	char *block = aligned_alloc(64, 256);

	(void)argv;
	if (block == NULL || ((unsigned long)block & 63) != 0)
		return 1;
	memset(block, argc, 256);
	memcpy(block + 128, block, 128);
	if (setjmp(env) == 0)
		longjmp(env, 1);
	return (int)sqrt((double)argc * 4.0) == 2 ? 0 : 2;
}
EOF
	out=$("$cc" -O2 -Wall -Werror "$scratch/libs.c" -o "$scratch/libs" -lm 2>&1) || {
		printf '%s\n' "$out"
		return 1
	}
	printf '%s\n' "$out"
	[ -z "$out" ]
}
check "a program using aligned_alloc, memcpy, setjmp and libm links without warnings" quiet_link

# libc.a comes before libatom.a on the link line, so a function both
# define would silently be newlib's (as rename() once was: link and unlink,
# which cannot move a directory).
one_definition() {
	local both
	both=$(comm -12 \
		<(nm -g --defined-only "$sysroot/lib/libatom.a" | awk 'NF == 3 { print $3 }' | sort -u) \
		<(nm -g --defined-only "$sysroot/lib/libc.a" | awk 'NF == 3 { print $3 }' | sort -u))
	echo "defined in both libc.a and libatom.a: ${both:-none}"
	[ -z "$both" ]
}
check "libc.a and libatom.a define no function twice" one_definition

nostdlib() {
	cat >"$scratch/bare.c" <<'EOF'
void _start(void) { for (;;) { } }
EOF
	"$cc" -nostdlib "$scratch/bare.c" -o "$scratch/bare" || return 1
	! nm "$scratch/bare" | grep -E ' (main|__libc_init_array|_init)$'
}
check "-nostdlib links without start files or libraries" nostdlib

relocated() {
	local moved=$scratch/moved
	mkdir -p "$moved" && cp -a "$build/toolchain" "$sysroot" "$moved/" || return 1
	"$moved/toolchain/bin/x86_64-atom-gcc" -v -O2 -Wall -Werror "$scratch/hello.c" \
		-o "$scratch/hello-moved" \
		>"$scratch/moved.log" 2>&1 || { cat "$scratch/moved.log"; return 1; }
	if ! grep -q -- "--sysroot=$moved/toolchain/../sysroot" "$scratch/moved.log"; then
		echo "the moved driver did not use the moved sysroot"
		return 1
	fi
	cmp "$hello" "$scratch/hello-moved"
}
check "a copied toolchain and sysroot work from their new place" relocated

# --- docs/porting.md's examples, run as written -----------------------------
#
# A block of docs/porting.md marked by a line "<!-- test: NAME -->" just
# before its ```sh fence is run exactly as written with `sh -e`, in a fresh
# directory, with the toolchain first on PATH and nothing else from this
# environment (no CC, CFLAGS or MAKEFLAGS), under a timeout.

doc=docs/porting.md
abs_bin=$(cd "$bin" 2>/dev/null && pwd) || abs_bin=$bin
downloads=$build/downloads

# doc_block NAME: prints the body of the block marked NAME; fails if none.
doc_block() {
	awk -v mark="<!-- test: $1 -->" '
		state == 0 && $0 == mark { state = 1; next }
		state == 1 { if ($0 == "```sh") { state = 2; next } exit }
		state == 2 { if ($0 == "```") { found = 1; exit } print }
		END { exit !found }' "$doc"
}

# run_doc_block NAME DIR LOG: runs block NAME (saved as DIR.sh) in DIR
# (created if need be), its output in LOG; on failure shows the end of LOG.
run_doc_block() {
	local name=$1 dir=$2 log=$3 script status
	mkdir -p "$dir" && script=$(cd "$dir" && pwd).sh || return 1
	if ! doc_block "$name" >"$script" || ! [ -s "$script" ]; then
		echo "no \`\`\`sh block after <!-- test: $name --> in $doc"
		return 1
	fi
	(cd "$dir" && env -i HOME="$HOME" PATH="$abs_bin:$PATH" \
		timeout -k 10 300 sh -e "$script") >"$log" 2>&1
	status=$?
	((status == 0)) && return 0
	if ((status == 124 || status == 137)); then
		echo "the block did not finish within 300 s; the end of its output:"
	else
		echo "the block failed with status $status; the end of its output:"
	fi
	tail -n 25 "$log"
	return 1
}

# atom_executable FILE: FILE is a static x86-64 Atom executable (EXEC at or
# above 0x400000, no interpreter, nothing dynamic) with main, crt0's _start
# and newlib's __libc_init_array.
atom_executable() {
	local file=$1 header entry segs sections syms sym bad=0
	[ -f "$file" ] || { echo "$file was not built"; return 1; }
	header=$(readelf -hW "$file" 2>&1) || { echo "$header"; return 1; }
	grep -Eq 'Class: +ELF64' <<<"$header" || { echo "not ELF64"; bad=1; }
	grep -Eq 'Machine: +Advanced Micro Devices X86-64' <<<"$header" ||
		{ echo "not x86-64"; bad=1; }
	grep -Eq 'Type: +EXEC' <<<"$header" || { echo "not an EXEC file"; bad=1; }
	entry=$(awk '/Entry point address/ { print $4 }' <<<"$header")
	if [ -z "$entry" ] || ! ((entry >= 0x400000 && entry < 0x0000800000000000)); then
		echo "entry point '$entry' is not in [0x400000, 0x800000000000)"
		bad=1
	fi
	segs=$(segments "$file")
	grep -q '^LOAD ' <<<"$segs" || { echo "no PT_LOAD"; bad=1; }
	if grep -Eq '^(INTERP|DYNAMIC) ' <<<"$segs"; then
		echo "has a PT_INTERP or PT_DYNAMIC segment"
		bad=1
	fi
	sections=$(readelf -SW "$file" 2>&1)
	if grep -Eq ' \.(interp|dynamic|dynsym) ' <<<"$sections"; then
		echo "has an .interp, .dynamic or .dynsym section"
		bad=1
	fi
	syms=$(nm "$file" 2>&1)
	for sym in main _start __libc_init_array; do
		grep -Eq " T $sym\$" <<<"$syms" || { echo "nm shows no T $sym"; bad=1; }
	done
	echo "$file: entry $entry, LOADs $(awk '$1 == "LOAD" { printf "%s@%s ", $4, $3 }' <<<"$segs")"
	return "$bad"
}

single=$scratch/doc-single
single_example() {
	run_doc_block single-file-example "$single" "$single.log" || return 1
	if [ -s "$single.log" ]; then
		cat "$single.log"
		echo "the block printed the above (warnings?)"
		return 1
	fi
}
check "docs/porting.md's single-file example builds as written, without warnings" \
	single_example
check "docs/porting.md's single-file example makes a static Atom executable" \
	atom_executable "$single/hello"

# The autoconf example downloads GNU hello.  The tarball is kept in
# $build/downloads (checked against the sha256 the block names before each
# use) and put beside the block, whose first line downloads it only when it
# is missing, so the network is needed once.

# fetch_tarball BLOCK DIR: puts the tarball BLOCK downloads into DIR.
fetch_tarball() {
	local block=$1 dir=$2 url sum name cached got
	url=$(grep -Eo 'https?://[^[:space:]]+' <<<"$block" | head -n 1)
	sum=$(grep -Eo '[0-9a-f]{64}' <<<"$block" | head -n 1)
	name=${url##*/}
	if [ -z "$url" ] || [ -z "$sum" ]; then
		echo "the autoconf block of $doc names no URL or no sha256"
		return 1
	fi
	cached=$downloads/$name
	if [ -f "$cached" ] && [ "$(sha256sum <"$cached" | cut -d ' ' -f 1)" = "$sum" ]; then
		cp "$cached" "$dir/$name"
		return
	fi
	mkdir -p "$downloads" || return 1
	if ! command -v curl >/dev/null 2>&1; then
		echo "curl is not installed (scripts/deps.sh); cannot download $url"
		return 1
	fi
	if ! curl -sSfL --connect-timeout 20 --max-time 120 --retry 2 \
		-o "$cached.part" "$url" 2>&1; then
		rm -f "$cached.part"
		echo "could not download $url (the tarball of $doc's autoconf example;"
		echo "once downloaded it is kept in $cached)"
		return 1
	fi
	got=$(sha256sum <"$cached.part" | cut -d ' ' -f 1)
	if [ "$got" != "$sum" ]; then
		rm -f "$cached.part"
		echo "$url has sha256 $got; $doc says $sum"
		return 1
	fi
	mv -f "$cached.part" "$cached" && cp "$cached" "$dir/$name"
}

autoconf_dir=$scratch/doc-autoconf
autoconf_example() {
	local block start
	start=$SECONDS
	block=$(doc_block autoconf-example) || {
		echo "no \`\`\`sh block after <!-- test: autoconf-example --> in $doc"
		return 1
	}
	mkdir -p "$autoconf_dir" && fetch_tarball "$block" "$autoconf_dir" &&
		run_doc_block autoconf-example "$autoconf_dir" "$autoconf_dir.log" || return 1
	# The block's configure line must have reached the link.
	if ! grep -Eq '^x86_64-atom-gcc .*-o hello( |$)' "$autoconf_dir.log"; then
		echo "make did not link hello with x86_64-atom-gcc; the end of its output:"
		tail -n 25 "$autoconf_dir.log"
		return 1
	fi
	echo "took $((SECONDS - start)) s" >"$autoconf_dir.time"
}
check "docs/porting.md's autoconf example (GNU hello 2.10) configures and builds as written" \
	autoconf_example
[ -f "$autoconf_dir.time" ] && echo "# autoconf example $(cat "$autoconf_dir.time")"
check "docs/porting.md's autoconf example makes a static Atom executable" \
	atom_executable "$autoconf_dir/hello-2.10/hello"

# --- make toolchain is incremental ------------------------------------------

no_rebuild() {
	local stamp=$build/newlib/installed.stamp libc=$sysroot/lib/libc.a before after out
	before=$(stat -c '%Y.%y' "$stamp" "$libc") || return 1
	out=$($make_cmd toolchain 2>&1) || { printf '%s\n' "$out"; return 1; }
	after=$(stat -c '%Y.%y' "$stamp" "$libc") || return 1
	printf '%s\n' "$out"
	[ "$before" = "$after" ] && ! grep -q NEWLIB <<<"$out"
}
check "a second 'make toolchain' does not rebuild newlib" no_rebuild

# --- the ABI is documented -------------------------------------------------
#
# Every system call (X(n, NAME, name) in <atom/syscall.h>, as ATOM_SYS_NAME),
# every error (<atom/errors.h>) and every object type and right
# (<atom/cap.h>) must be named in docs/abi.md, as a whole word.

abi_documented() {
	local abi=kernel/include/abi/atom doc=docs/abi.md calls errors caps name missing=
	calls=$(sed -nE 's/.*X\(([0-9]+), *([A-Z0-9_]+), *[a-z0-9_]+\).*/ATOM_SYS_\2/p' \
		"$abi/syscall.h") || return 1
	errors=$(sed -nE 's/^#define +(ATOM_E[A-Z0-9_]+) +[0-9]+.*/\1/p' "$abi/errors.h") || return 1
	caps=$(sed -nE 's/^#define +(ATOM_(OBJ|RIGHT)_[A-Z0-9_]+)[[:space:]].*/\1/p' \
		"$abi/cap.h") || return 1
	if [ -z "$calls" ] || [ -z "$errors" ] || [ -z "$caps" ]; then
		echo "no system calls, errors or object types/rights found in $abi"
		return 1
	fi
	[ -r "$doc" ] || { echo "$doc is missing"; return 1; }
	for name in $calls $errors $caps; do
		grep -qw -- "$name" "$doc" || missing="$missing $name"
	done
	echo "$(wc -w <<<"$calls $errors $caps") names checked"
	if [ -n "$missing" ]; then
		echo "missing from $doc:$missing"
		return 1
	fi
}
check "docs/abi.md documents every system call, error and object type" abi_documented

if [ "$failed" -ne 0 ]; then
	echo "# $failed check(s) failed"
	exit 1
fi
exit 0
