#!/bin/sh
# Build newlib for Atom with the host compiler and install it into a sysroot.
#
# usage: build-newlib.sh TARBALL WORKDIR SYSROOT LOG
#
# newlib is configured as a cross library for x86_64-elf, but every
# *_FOR_TARGET tool is the host's own gcc/binutils: x86_64-elf and the host
# share the instruction set and the ELF64 ABI, so no cross compiler is needed.
# What must be kept out is the host C library, hence -nostdinc with only
# gcc's private header directory (stddef.h, stdarg.h, limits.h, ...) added
# back after newlib's own headers.  The host compiler's Linux identity
# macros are removed so newlib's headers take their bare-metal paths.
#
# Everything happens under WORKDIR; the result is flattened into SYSROOT
# (SYSROOT/include, SYSROOT/lib) only after the whole build succeeded.
# WORKDIR/src is kept afterwards because the debug information of the
# libraries points into it.
# The chatter of configure and make goes to LOG; on failure its tail is
# printed.  Make calls this script only when it or the tarball changed.
set -eu

if [ $# -ne 4 ]; then
	echo "usage: $0 TARBALL WORKDIR SYSROOT LOG" >&2
	exit 2
fi
tarball=$1
workdir=$2
sysroot=$3
log=$4

if [ ! -f "$tarball" ]; then
	echo "newlib: $tarball is missing; install Debian's newlib-source package" >&2
	exit 1
fi

host_cc=${ATOM_HOST_CC:-gcc}

# Variables exported by the calling make (CC, CFLAGS, ...) are meant for
# Atom's own code, never for newlib's host-side configure.
unset CC CFLAGS CPPFLAGS CXX CXXFLAGS LDFLAGS LIBS AR AS LD NM RANLIB \
	OBJCOPY OBJDUMP STRIP CPP CONFIG_SITE GCC_EXEC_PREFIX \
	C_INCLUDE_PATH CPATH LIBRARY_PATH 2>/dev/null || true

# The calling make does not hand its jobserver down (that would make
# "make -n" run this script), and its command-line variables would
# override newlib's own: start the inner make afresh, with its own -j.
unset MAKE MAKEFLAGS MAKEOVERRIDES MFLAGS MAKELEVEL 2>/dev/null || true
jobs=-j$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

mkdir -p "$workdir" "$(dirname "$log")"
workdir=$(cd "$workdir" && pwd)
src=$workdir/src
obj=$workdir/obj
stage=$workdir/stage

fail() {
	echo "newlib: $1 failed; last lines of $log:" >&2
	tail -n 40 "$log" >&2
	exit 1
}

gcc_include=$("$host_cc" -print-file-name=include)
if [ ! -f "$gcc_include/stddef.h" ]; then
	echo "newlib: cannot find $host_cc's own include directory" >&2
	exit 1
fi

target_cc="$host_cc -nostdinc -idirafter $gcc_include"
for macro in __linux__ __linux linux __gnu_linux__ __unix__ __unix unix; do
	target_cc="$target_cc -U$macro"
done
target_cflags="-O2 -g -fno-pie -fno-pic -fno-stack-protector"
target_cflags="$target_cflags -ffunction-sections -fdata-sections"
# signal(), raise() and the handler table are libatom's (libc-port/signal.c),
# which delivers signals sent by other processes too.
target_cflags="$target_cflags -DSIGNAL_PROVIDED"

: >"$log"
rm -rf "$src" "$obj" "$stage"
mkdir -p "$src" "$obj" "$stage"

echo "== extract $tarball" >>"$log"
tar -xf "$tarball" -C "$src" --strip-components=1 >>"$log" 2>&1 ||
	fail "extracting $tarball"

# Atom has what these declarations need (libc-port/file.c): newlib
# declares them only for the systems it knows.
echo "== declare lstat and mknod for __atom__" >>"$log"
sed -i 's/^#if defined (__SPU__) || defined(__rtems__) || defined(__CYGWIN__)/#if defined (__SPU__) || defined(__rtems__) || defined(__atom__) || defined(__CYGWIN__)/' \
	"$src/newlib/libc/include/sys/stat.h" &&
	grep -q '__atom__' "$src/newlib/libc/include/sys/stat.h" ||
	fail "patching sys/stat.h"

# newlib's struct sigaction for plain ELF targets has only SA_NOCLDSTOP;
# libatom implements these too (libc-port/signal.c).
echo "== declare SA_RESTART, SA_NODEFER and SA_RESETHAND for __atom__" >>"$log"
sed -i '/^#define SA_NOCLDSTOP 1  \/\* only value supported now/a\
#if defined(__atom__)\
#define SA_RESTART   0x10000000 /* restart a call the handler interrupted */\
#define SA_NODEFER   0x40000000 /* leave the signal unblocked in its handler */\
#define SA_RESETHAND 0x80000000 /* back to SIG_DFL when the handler runs */\
#endif' "$src/newlib/libc/include/sys/signal.h" &&
	grep -q 'SA_RESTART' "$src/newlib/libc/include/sys/signal.h" ||
	fail "patching sys/signal.h"

echo "== configure" >>"$log"
(
	cd "$obj" &&
	"$src/configure" \
		--target=x86_64-elf \
		--prefix=/ \
		--disable-multilib \
		--disable-nls \
		--disable-newlib-supplied-syscalls \
		--enable-newlib-io-long-long \
		--enable-newlib-io-long-double \
		--enable-newlib-io-c99-formats \
		CC_FOR_TARGET="$target_cc" \
		CFLAGS_FOR_TARGET="$target_cflags" \
		AR_FOR_TARGET=ar \
		AS_FOR_TARGET=as \
		LD_FOR_TARGET=ld \
		NM_FOR_TARGET=nm \
		RANLIB_FOR_TARGET=ranlib \
		OBJCOPY_FOR_TARGET=objcopy \
		OBJDUMP_FOR_TARGET=objdump \
		READELF_FOR_TARGET=readelf \
		STRIP_FOR_TARGET=strip
) >>"$log" 2>&1 || fail "configure"

echo "== make" >>"$log"
make -C "$obj" "$jobs" all-target-newlib >>"$log" 2>&1 || fail "make"

echo "== install" >>"$log"
make -C "$obj" install-target-newlib DESTDIR="$stage" >>"$log" 2>&1 ||
	fail "make install"

# newlib installs into <prefix>/x86_64-elf/{include,lib}; flatten that.
installed=$stage/x86_64-elf
if [ ! -f "$installed/lib/libc.a" ] || [ ! -f "$installed/include/stdio.h" ]; then
	echo "newlib: install tree $installed is incomplete" >&2
	exit 1
fi
# newlib's rename() is link() then unlink(), which can neither move a
# directory nor replace a file; libatom's asks the file server.  libc.a
# comes first on the link line, so its copy must go.
ar d "$installed/lib/libc.a" lib_a-rename.o >>"$log" 2>&1 ||
	fail "removing rename() from libc.a"
mkdir -p "$sysroot/lib"
rm -rf "$sysroot/include.new"
cp -R "$installed/include" "$sysroot/include.new"
rm -rf "$sysroot/include"
mv "$sysroot/include.new" "$sysroot/include"
for lib in "$installed"/lib/*.a; do
	cp "$lib" "$sysroot/lib/"
done

# The objects are all in the archives now; the sources stay for debuggers.
rm -rf "$obj" "$stage"
echo "== done" >>"$log"
