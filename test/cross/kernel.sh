#!/bin/sh
# test/cross/kernel.sh ARCH -- make cross-kernel ARCH=mips|riscv64
#
# Debian 12 ships no kernel for mips (big endian) or riscv64.  This builds a
# small one for check-cross from the upstream part of Debian's linux source
# package, the same version as the Debian kernels check-cross boots for the
# other targets (LINUX_SOURCE=linux=VERSION picks another): tinyconfig plus
# test/cross/kernel-ARCH.config, with Debian's cross gcc.  About 7 minutes
# per arch on 2 cores; done once.  Output: build/ARCH/kernel/image, config,
# version (make clean keeps them); check-cross boots that image when no
# KERNEL_ARCH is given.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
a=${1:-}
case $a in
mips) karch=mips target=vmlinux img=vmlinux gnu=mips-linux-gnu ;;
riscv64) karch=riscv target=Image img=arch/riscv/boot/Image gnu=riscv64-linux-gnu ;;
*)
    echo "usage: make cross-kernel ARCH=mips|riscv64 (the other targets boot Debian's kernels)" >&2
    exit 2 ;;
esac
frag=test/cross/kernel-$a.config
K=build/$a/kernel

scripts/cross-toolchain.sh deps "$a" pkg:flex pkg:bison pkg:bc pkg:xz-utils pkg:make

# the source version of Debian's kernels (that of the mipsel kernel package)
if [ -z "${LINUX_SOURCE:-}" ]; then
    d=$(scripts/cross-toolchain.sh kernel mipsel)
    ver=$(basename "$(dirname "$d")"); ver=${ver##*_}
    LINUX_SOURCE=linux=$(echo "$ver" | tr % :)
fi
ver=${LINUX_SOURCE#*=}
upver=${ver#*:}; upver=${upver%-*}
want="$LINUX_SOURCE tinyconfig+$(sha256sum "$frag" | cut -c1-16) $gnu-gcc $($gnu-gcc -dumpversion)"
if [ -f "$K/image" ] && [ "$(cat "$K/version" 2>/dev/null)" = "$want" ]; then
    echo "cross-kernel: $K/image is up to date ($want)"
    exit 0
fi

src=build/src/linux-$upver
if [ ! -f "$src/Makefile" ]; then
    dl=build/cross/src-linux-$upver
    scripts/cross-toolchain.sh source "$LINUX_SOURCE" "$dl" >/dev/null
    echo "cross-kernel: unpacking linux_$upver.orig.tar.xz (upstream part; Debian's patches are not applied)"
    mkdir -p build/src
    rm -rf "$src.tmp"; mkdir -p "$src.tmp"
    tar -xf "$dl/linux_$upver.orig.tar.xz" -C "$src.tmp" --strip-components=1
    mv "$src.tmp" "$src"
fi

obj=$top/$K/obj
mkdir -p "$obj"
t0=$(date +%s)
log=$top/$K/build.log
echo "cross-kernel: building linux $upver for $a (tinyconfig + $frag, log $K/build.log)"
(
    unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL CFLAGS CPPFLAGS LDFLAGS CC || true
    m() { make -C "$top/$src" O="$obj" ARCH=$karch CROSS_COMPILE=$gnu- "$@"; }
    m tinyconfig
    grep -v '^#' "$top/$frag" >> "$obj/.config"
    m olddefconfig
    missing=
    for l in $(grep '^CONFIG_' "$top/$frag" | sed 's/=.*//'); do
        grep -q "^$l=" "$obj/.config" || missing="$missing $l"
    done
    if [ -n "$missing" ]; then
        echo "cross-kernel: not set after olddefconfig:$missing" >&2
        exit 1
    fi
    m -j"$(nproc)" $target
) >"$log" 2>&1 || { tail -n 20 "$log" >&2; echo "cross-kernel: build failed (log $K/build.log)" >&2; exit 1; }
cp "$obj/$img" "$K/image"
cp "$obj/.config" "$K/config"
echo "$want" > "$K/version"
echo "cross-kernel: $K/image ($(stat -c %s "$K/image") bytes) in $(($(date +%s) - t0)) s; make check-cross boots it"
