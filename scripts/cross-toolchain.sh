#!/bin/sh
# cross-toolchain.sh -- toolchains and target packages for ocirun's cross
# builds and cross tests, from Debian 12 packages only.  The Makefile calls
# it; it can be run by hand from anywhere.  Everything it makes or downloads
# lives under build/ (git-ignored); the system is changed only by installing
# ordinary amd64/all Debian packages (as root, like scripts/deps.sh).
#
#   cross-toolchain.sh toolchain ARCH
#       build/ARCH/toolchain/bin/<musl-triple>-cc: a gcc wrapper that builds
#       static musl programs for ARCH (Debian's cross gcc, musl for ARCH and
#       the kernel's UAPI headers for ARCH), plus -ar -ranlib -strip -nm
#       -objdump -readelf.  Returns at once when it is up to date.
#   cross-toolchain.sh deps WORD...
#       install, in one apt-get run, the host packages for each WORD: ARCH
#       (its cross toolchain), test (qemu-user-static, cpio, jq), vm:ARCH
#       (qemu-system for ARCH), pkg:NAME (that package).  Not root: print the
#       command, exit 1.
#   cross-toolchain.sh deb DEBARCH PACKAGE
#       download Debian's PACKAGE for DEBARCH and unpack it; print the
#       directory (build/cross/deb/DEBARCH/PACKAGE_VERSION).
#   cross-toolchain.sh kernel ARCH
#       Debian's kernel for ARCH (the image and its config, nothing else);
#       print the directory holding vmlinuz and config.  Exit 3 when Debian
#       12 has no kernel for ARCH (mips, riscv64).
#   cross-toolchain.sh source PACKAGE[=VERSION] DIR
#       download Debian's source package into DIR (once); print the .dsc
#   cross-toolchain.sh info ARCH
#       print the table row of ARCH: debarch gnu-triple musl-triple musl-from
#
# ARCH (uname -m names): x86_64 aarch64 armhf mipsel mips riscv64.
#
# musl: Debian 12 has musl-dev for amd64, arm64, armhf and mipsel; it is
# downloaded with apt (the package for the target, multiarch) and unpacked
# into build/cross/deb/, so dpkg's architecture list is not changed.  For
# mips (big endian) and riscv64 Debian 12 has none: musl is built once from
# Debian's musl source package with the cross gcc into build/ARCH/musl.
#
# Target packages come through a private apt configuration in build/cross/apt
# (the system's own sources and keys, deb and deb-src, architectures amd64
# arm64 armhf mipsel, private lists and cache): apt checks every file against
# the archive's signed index; dpkg-source also checks the uploader's
# signature of the musl .dsc with debian-keyring.  Downloads are kept, named
# by version; an unpacked package is reused without asking the mirror again
# until CROSS_REFRESH=1.
#
# Settings (environment): CROSS_REFRESH=1 look for newer packages;
# CROSS_JOBS (make -j for musl, default nproc); MUSL_REQUIRE_SIG=0 skip the
# .dsc signature check (then only apt's checks remain).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
C=$B/cross
export LC_ALL=C

die() { echo "cross-toolchain.sh: $*" >&2; exit 1; }
note() { echo "cross-toolchain: $*" >&2; }

# arch  debarch  gnu-triple  musl-triple  musl-from  qemu-user
arch_row() {
    case $1 in
    x86_64)  echo "x86_64 amd64 x86_64-linux-gnu x86_64-linux-musl deb x86_64" ;;
    aarch64) echo "aarch64 arm64 aarch64-linux-gnu aarch64-linux-musl deb aarch64" ;;
    armhf)   echo "armhf armhf arm-linux-gnueabihf arm-linux-musleabihf deb arm" ;;
    mipsel)  echo "mipsel mipsel mipsel-linux-gnu mipsel-linux-musl deb mipsel" ;;
    mips)    echo "mips mips mips-linux-gnu mips-linux-musl src mips" ;;
    riscv64) echo "riscv64 riscv64 riscv64-linux-gnu riscv64-linux-musl src riscv64" ;;
    *) return 1 ;;
    esac
}

set_arch() {
    row=$(arch_row "$1") || die "unknown ARCH '$1' (known: x86_64 aarch64 armhf mipsel mips riscv64)"
    # shellcheck disable=SC2086
    set -- $row
    # shellcheck disable=SC2034  # QEMU: the qemu-user name, for "info"
    ARCH=$1 DEBARCH=$2 GNU=$3 MT=$4 MUSL_FROM=$5 QEMU=$6
    # Debian's cross gcc package: the host's own gcc when the target is the host
    if [ "$(dpkg --print-architecture 2>/dev/null)" = "$DEBARCH" ]; then
        GCC_PKG=gcc
    else
        GCC_PKG=gcc-$(echo "$GNU" | tr _ -)
    fi
    KHDR_PKG=linux-libc-dev-$DEBARCH-cross
}

# ---- host packages ---------------------------------------------------------

# Install missing host packages in one go (root), else print the command.
ensure_pkgs() {
    # shellcheck disable=SC2086
    installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
        awk '$(NF-1) == "ok" && $NF == "installed" { printf "%s ", $1 }')"
    missing=
    for p in "$@"; do
        case "$installed" in *" $p "*) ;; *) missing="$missing $p" ;; esac
    done
    [ -n "$missing" ] || return 0
    missing=${missing# }
    if [ "$(id -u)" -ne 0 ]; then
        echo "cross-toolchain.sh: missing Debian packages: $missing" >&2
        echo "cross-toolchain.sh: install them as root with:" >&2
        echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing" >&2
        exit 1
    fi
    note "installing: $missing"
    t0=$(date +%s)
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! apt-get install -y -q --no-install-recommends $missing </dev/null >"$B/cross-apt.log" 2>&1; then
        # a stale index: update (a foreign index that fails is not fatal) and retry
        apt-get update -q </dev/null >>"$B/cross-apt.log" 2>&1 ||
            note "warning: apt-get update failed, trying the install anyway"
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing </dev/null >>"$B/cross-apt.log" 2>&1 || {
            tail -n 20 "$B/cross-apt.log" >&2
            die "apt-get install $missing failed (log build/cross-apt.log)"
        }
    fi
    note "installed in $(($(date +%s) - t0)) s"
}

# Host packages for the toolchain of the current ARCH (set_arch first).
toolchain_pkgs() {
    echo "$GCC_PKG $KHDR_PKG dpkg-dev debian-keyring make"
}

cmd_deps() {
    pkgs=
    for w in "$@"; do
        case $w in
        test) pkgs="$pkgs qemu-user-static cpio jq" ;;
        vm:*)
            case ${w#vm:} in
            x86_64) pkgs="$pkgs qemu-system-x86" ;;
            aarch64 | armhf) pkgs="$pkgs qemu-system-arm" ;;
            mipsel | mips) pkgs="$pkgs qemu-system-mips" ;;
            riscv64) pkgs="$pkgs qemu-system-misc" ;;
            *) die "deps: unknown ARCH in $w" ;;
            esac ;;
        pkg:*) pkgs="$pkgs ${w#pkg:}" ;;
        *)  set_arch "$w"
            # the host's own arch builds with musl-gcc (scripts/deps.sh)
            [ "$GCC_PKG" = gcc ] || pkgs="$pkgs $(toolchain_pkgs)" ;;
        esac
    done
    [ -n "$pkgs" ] || return 0
    # shellcheck disable=SC2046,SC2086
    ensure_pkgs $(printf '%s\n' $pkgs | sort -u)
}

# ---- private apt -------------------------------------------------------------

A=$C/apt
APT_ARCHES="amd64 arm64 armhf mipsel"

apt_setup() {
    [ ! -f "$A/apt.conf.v2" ] || return 0
    rm -rf "$A/sources.list.d"
    mkdir -p "$A/sources.list.d" "$A/lists/partial" "$A/cache/archives/partial" "$A/state" "$A/download"
    SL=/etc/apt/sources.list SP=/etc/apt/sources.list.d/
    eval "$(apt-config shell SL Dir::Etc::SourceList/f SP Dir::Etc::SourceParts/d)"
    # one-line style: each deb line also as deb-src; deb822: Types deb deb-src
    : > "$A/sources.list"
    for f in "$SL" "$SP"*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb /p; s/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" \
            >> "$A/sources.list"
    done
    for f in "$SP"*.sources; do
        [ -f "$f" ] || continue
        sed 's/^[Tt][Yy][Pp][Ee][Ss]:.*$/Types: deb deb-src/; /^[Aa]rchitectures:/d' "$f" \
            > "$A/sources.list.d/${f##*/}"
    done
    grep -qs -e '^deb ' -e '^Types: deb' "$A/sources.list" "$A"/sources.list.d/* ||
        die "the system's apt configuration ($SL, $SP) names no Debian sources"
    archs=
    for a in $APT_ARCHES; do archs="$archs \"$a\";"; done
    cat > "$A/apt.conf" <<EOF
// private apt configuration of ocirun's cross builds (scripts/cross-toolchain.sh)
Dir::Etc::SourceList "$A/sources.list";
Dir::Etc::SourceParts "$A/sources.list.d/";
Dir::State "$A/state/";
Dir::State::Lists "$A/lists/";
Dir::State::status "$A/state/status";
Dir::Cache "$A/cache/";
Dir::Cache::pkgcache "$A/cache/pkgcache.bin";
Dir::Cache::srcpkgcache "$A/cache/srcpkgcache.bin";
APT::Architecture "$(dpkg --print-architecture)";
APT::Architectures {$archs };
Acquire::Languages "none";
APT::Get::AllowUnauthenticated "false";
Acquire::AllowInsecureRepositories "false";
Acquire::AllowDowngradeToInsecureRepositories "false";
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
EOF
    : > "$A/state/status"
    touch "$A/apt.conf.v2"
}

APT() { apt-get -c "$A/apt.conf" -q "$@" </dev/null; }

# apt-get update of the private lists, at most once an hour (or when forced).
apt_updated=0
apt_update() {
    apt_setup
    [ "$apt_updated" = 0 ] || return 0
    apt_updated=1
    if [ -f "$A/updated" ] && [ "${CROSS_REFRESH:-0}" != 1 ] &&
       [ -n "$(find "$A/updated" -mmin -60 2>/dev/null)" ]; then
        return 0
    fi
    note "apt-get update (private lists in build/cross/apt, archs $APT_ARCHES)"
    # A foreign index that fails (the armhf security index on some mirrors)
    # does not stop us: whether the package is found is what counts.
    APT update >"$A/update.log" 2>&1 ||
        note "warning: apt-get update: $(grep -c '^E: Failed' "$A/update.log") index(es) failed, going on (build/cross/apt/update.log)"
    touch "$A/updated"
}

# Download into $A/download (writable by apt's sandbox user) and move the
# files to $1.
apt_fetch() {
    dest=$1; shift
    dl=$A/download
    rm -rf "$dl"; mkdir -p "$dl" "$dest"
    if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi
    (cd "$dl" && APT "$@") >"$A/fetch.log" 2>&1 || { tail -n 5 "$A/fetch.log" >&2; return 1; }
    for f in "$dl"/*; do [ -f "$f" ] && mv -f "$f" "$dest/"; done
    return 0
}

# candidate version of PKG:DEBARCH, from the private lists
apt_candidate() {
    APT_CACHE policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)' | head -n 1
}
APT_CACHE() { apt-cache -c "$A/apt.conf" "$@" </dev/null; }

# deb DEBARCH PKG: unpacked into $C/deb/DEBARCH/PKG_VERSION; prints that dir.
# A symlink PKG.current names the version in use.
cmd_deb() {
    debarch=$1 pkg=$2
    base=$C/deb/$debarch
    cur=$base/$pkg.current
    if [ -d "$cur/" ] && [ "${CROSS_REFRESH:-0}" != 1 ]; then
        (cd "$cur/" && pwd -P)
        return 0
    fi
    apt_update
    ver=$(apt_candidate "$pkg:$debarch")
    [ -n "$ver" ] || die "Debian has no $pkg for $debarch (private lists in build/cross/apt)"
    fver=$(echo "$ver" | tr : %)
    dir=$base/${pkg}_$fver
    if [ ! -f "$dir/.unpacked" ]; then
        debs=$C/debs
        deb=$debs/${pkg}_$(echo "$ver" | sed 's/^[0-9]*://')_$debarch.deb
        if [ ! -f "$deb" ]; then
            note "apt-get download $pkg:$debarch=$ver"
            apt_fetch "$debs" download "$pkg:$debarch=$ver" || die "apt-get download $pkg:$debarch=$ver failed"
            # apt names it with the epoch %-escaped; give it the plain name
            for f in "$debs/${pkg}_"*"_$debarch.deb"; do
                [ -f "$f" ] || continue
                [ "$f" = "$deb" ] || [ "$(dpkg-deb -f "$f" Version)" != "$ver" ] || mv -f "$f" "$deb"
            done
            [ -f "$deb" ] || die "downloaded $pkg:$debarch but found no $deb"
        fi
        rm -rf "$dir"; mkdir -p "$dir"
        case $pkg in
        linux-image-[0-9]*)
            # The image and its config only, not the modules (nothing the
            # tests need is a module).  They come first in the archive:
            # tar stops once it has both, which saves unpacking the rest.
            kv=${pkg#linux-image-}
            dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
                tar -x -C "$dir" --occurrence=1 "./boot/config-$kv" "./boot/vmlinuz-$kv" 2>/dev/null || true
            [ -f "$dir/boot/vmlinuz-$kv" ] && [ -f "$dir/boot/config-$kv" ] ||
                die "$deb: ./boot/vmlinuz-$kv or ./boot/config-$kv not found" ;;
        *)  dpkg-deb -x "$deb" "$dir" ;;
        esac
        touch "$dir/.unpacked"
    fi
    ln -sfn "${dir##*/}" "$cur"
    (cd "$dir" && pwd -P)
}

# ---- kernels -----------------------------------------------------------------

# Debian 12 kernel flavour per target (metapackage linux-image-FLAVOUR).
kernel_flavour() {
    case $1 in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    armhf) echo armmp ;;
    mipsel) echo 4kc-malta ;;
    *) return 1 ;;
    esac
}

cmd_kernel() {
    set_arch "$1"
    fl=$(kernel_flavour "$ARCH") || {
        echo "cross-toolchain.sh: Debian 12 has no kernel package for $ARCH" >&2
        exit 3
    }
    cur=$C/kernel/$ARCH.current
    if [ -d "$cur/" ] && [ "${CROSS_REFRESH:-0}" != 1 ]; then
        (cd "$cur/" && pwd -P)
        return 0
    fi
    apt_update
    # the metapackage depends on the versioned image package
    img=$(APT_CACHE depends "linux-image-$fl:$DEBARCH" 2>/dev/null |
        sed -n 's/^ *Depends: *\(linux-image-[0-9][^: ]*\).*/\1/p' | head -n 1)
    [ -n "$img" ] || die "cannot resolve linux-image-$fl:$DEBARCH"
    dir=$(cmd_deb "$DEBARCH" "$img")
    k=$(ls "$dir"/boot/vmlinu[xz]-* 2>/dev/null | head -n 1)
    [ -n "$k" ] || die "no kernel image in $img"
    mkdir -p "$C/kernel"
    ln -sfn "$dir/boot" "$cur"
    (cd "$cur/" && pwd -P)
}

# source PACKAGE=VERSION DIR: download Debian's source package (apt checks
# it against the signed index) into DIR; print the .dsc's path.
cmd_source() {
    apt_update
    spec=$1 dest=$2
    if ! ls "$dest"/*.dsc >/dev/null 2>&1; then
        note "apt-get source --download-only $spec (private apt config build/cross/apt)"
        apt_fetch "$dest" --download-only source "$spec" || die "apt-get source $spec failed"
    fi
    ls "$dest"/*.dsc | tail -n 1
}

# ---- musl ----------------------------------------------------------------------

# musl from Debian's source package, built with the cross gcc into $1.
build_musl_src() {
    prefix=$1
    apt_update
    src=
    for d in "$B"/src/musl-*/; do
        [ -f "$d/configure" ] && [ -f "$d/debian/changelog" ] && src=${d%/}
    done
    if [ -z "$src" ]; then
        note "apt-get source musl (private apt config build/cross/apt)"
        sdl=$C/src-dl
        apt_fetch "$sdl" --download-only source musl || die "apt-get source musl failed"
        dsc=$(ls "$sdl"/musl_*.dsc | tail -n 1)
        sigopt=
        if [ "${MUSL_REQUIRE_SIG:-1}" = 1 ]; then
            [ -r /usr/share/keyrings/debian-keyring.gpg ] ||
                die "debian-keyring is needed to check $dsc (MUSL_REQUIRE_SIG=0 skips this check)"
            sigopt=--require-valid-signature
        fi
        v=$(sed -n 's/^Version: *//p' "$dsc"); uv=${v#*:}; uv=${uv%-*}
        mkdir -p "$B/src"
        rm -rf "$B/src/musl-$uv"
        (cd "$sdl" && dpkg-source --no-copy $sigopt -x "$dsc" "$B/src/musl-$uv") \
            >"$C/musl-source.log" 2>&1 || { tail -n 5 "$C/musl-source.log" >&2; die "dpkg-source -x $dsc failed"; }
        src=$B/src/musl-$uv
        note "musl $v unpacked into build/src/musl-$uv${sigopt:+ (signature verified with debian-keyring)}"
    fi
    obj=$B/$ARCH/musl-build
    log=$B/$ARCH/musl-build.log
    note "building musl ($(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$src/debian/changelog")) for $ARCH with $GNU-gcc (log build/$ARCH/musl-build.log)"
    t0=$(date +%s)
    rm -rf "$obj" "$prefix"; mkdir -p "$obj"
    (
        cd "$obj"
        unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL CFLAGS CPPFLAGS LDFLAGS CC AR RANLIB || true
        "$src/configure" --host="$GNU" --target="$GNU" CROSS_COMPILE="$GNU-" CC="$GNU-gcc" \
            --prefix="$prefix" --syslibdir="$prefix/lib" --disable-shared
        make -j"${CROSS_JOBS:-$(nproc)}"
        make install
    ) >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "musl build for $ARCH failed (log $log)"; }
    rm -rf "$obj"
    note "musl for $ARCH built in $(($(date +%s) - t0)) s"
}

# ---- toolchain -------------------------------------------------------------------

cmd_toolchain() {
    set_arch "$1"
    T=$B/$ARCH/toolchain
    # shellcheck disable=SC2046
    ensure_pkgs $(toolchain_pkgs)
    command -v "$GNU-gcc" >/dev/null || die "$GNU-gcc not found after installing $GCC_PKG"
    kroot=/usr/$GNU/include
    [ -d "$kroot/linux" ] && [ -d "$kroot/asm" ] || die "$kroot/{linux,asm} missing ($KHDR_PKG)"

    # what the toolchain is made of; same as last time and complete = done
    pv=$(dpkg-query -W -f='${Package}=${Version} ' "$GCC_PKG" "$KHDR_PKG" 2>/dev/null)
    if [ "$MUSL_FROM" = deb ]; then
        muslsrc="deb:$(readlink "$C/deb/$DEBARCH/musl-dev.current" 2>/dev/null || echo none)"
    else
        muslsrc="src:$(ls -d "$B"/src/musl-*/ 2>/dev/null | tail -n 1)"
    fi
    info="toolchain-format=1 arch=$ARCH gnu=$GNU musl-triple=$MT top=$top
packages=$pv
musl=$muslsrc"
    if [ -x "$T/bin/$MT-cc" ] && [ -f "$T/musl-gcc.specs" ] &&
       [ "$(cat "$T/stamp" 2>/dev/null)" = "$info" ] && [ "${CROSS_REFRESH:-0}" != 1 ]; then
        return 0
    fi

    # musl: Debian's package for the target, or built from Debian's source
    if [ "$MUSL_FROM" = deb ]; then
        md=$(cmd_deb "$DEBARCH" musl-dev)
        INC=$md/usr/include/$MT LIB=$md/usr/lib/$MT
        muslsrc="deb:$(readlink "$C/deb/$DEBARCH/musl-dev.current")"
    else
        M=$B/$ARCH/musl
        src=$(ls -d "$B"/src/musl-*/ 2>/dev/null | tail -n 1)
        if [ ! -f "$M/lib/libc.a" ] || [ "$(cat "$M/.from" 2>/dev/null)" != "$GNU ${src:-none} $pv" ]; then
            build_musl_src "$M"
            src=$(ls -d "$B"/src/musl-*/ | tail -n 1)
            echo "$GNU $src $pv" > "$M/.from"
        fi
        INC=$M/include LIB=$M/lib
        muslsrc="src:$src"
    fi
    [ -f "$LIB/libc.a" ] && [ -f "$INC/stdio.h" ] || die "musl for $ARCH incomplete ($LIB, $INC)"

    rm -rf "$T"; mkdir -p "$T/bin" "$T/khdr"
    # the kernel UAPI headers, and nothing else of /usr/<triple>/include
    # (glibc's cross headers may be there too; musl's must win)
    for d in linux asm asm-generic mtd; do
        [ -e "$kroot/$d" ] && ln -s "$kroot/$d" "$T/khdr/$d"
    done
    # gcc specs for static musl programs: musl's and the UAPI headers
    # instead of the system's, musl's start files and libc.a
    cat > "$T/musl-gcc.specs" <<EOF
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $INC -isystem $T/khdr -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $INC -isystem $T/khdr -isystem include%s

*link_libgcc:
-L$LIB -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
%{!shared: $LIB/Scrt1.o} $LIB/crti.o crtbeginS.o%s

*endfile:
crtendS.o%s $LIB/crtn.o

*link:
-dynamic-linker /lib/ld-musl-$ARCH.so.1 -nostdlib %{shared:-shared} %{static:-static} %{rdynamic:-export-dynamic}

EOF
    cat > "$T/bin/$MT-cc" <<EOF
#!/bin/sh
# $MT-cc: Debian's $GNU-gcc with musl ($muslsrc) and the
# kernel UAPI headers of $KHDR_PKG; written by scripts/cross-toolchain.sh
exec $GNU-gcc "\$@" -specs $T/musl-gcc.specs
EOF
    chmod 755 "$T/bin/$MT-cc"
    ln -s "$MT-cc" "$T/bin/$MT-gcc"
    for tool in ar ranlib strip nm objdump readelf; do
        ln -s "$(command -v "$GNU-$tool")" "$T/bin/$MT-$tool"
    done

    # smoke test: a static program links
    printf '#include <stdio.h>\n#include <linux/seccomp.h>\nint main(void){printf("%%d\\n",SECCOMP_RET_ALLOW);return 0;}\n' > "$T/smoke.c"
    "$T/bin/$MT-cc" -static -Os -o "$T/smoke" "$T/smoke.c" 2>"$T/smoke.log" ||
        { cat "$T/smoke.log" >&2; die "the $ARCH toolchain cannot link a static program"; }
    rm -f "$T/smoke" "$T/smoke.c" "$T/smoke.log"

    info="toolchain-format=1 arch=$ARCH gnu=$GNU musl-triple=$MT top=$top
packages=$pv
musl=$muslsrc"
    printf '%s\n' "$info" > "$T/stamp"
    note "$ARCH: build/$ARCH/toolchain/bin/$MT-cc ($GNU-gcc $($GNU-gcc -dumpversion), musl $muslsrc)"
}

# ---- main ------------------------------------------------------------------------

[ $# -ge 1 ] || { sed -n '2,30s/^# \{0,1\}//p' "$0" >&2; exit 2; }
cmd=$1; shift
mkdir -p "$B"
case $cmd in
toolchain) [ $# = 1 ] || die "usage: toolchain ARCH"; cmd_toolchain "$1" ;;
deps) cmd_deps "$@" ;;
deb) [ $# = 2 ] || die "usage: deb DEBARCH PACKAGE"; cmd_deb "$1" "$2" ;;
kernel) [ $# = 1 ] || die "usage: kernel ARCH"; cmd_kernel "$1" ;;
source) [ $# = 2 ] || die "usage: source PACKAGE[=VERSION] DIR"; cmd_source "$1" "$2" ;;
info) [ $# = 1 ] || die "usage: info ARCH"; arch_row "$1" || die "unknown ARCH '$1'" ;;
*) die "unknown command '$cmd' (toolchain, deps, deb, kernel, info)" ;;
esac
