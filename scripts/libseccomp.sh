#!/bin/sh
# libseccomp.sh -- build a static libseccomp.a against musl from Debian's
# source package, once.  Called by the Makefile when the library is missing
# (or was built with other settings); can also be run by hand from anywhere.
#
#   1. apt-get source libseccomp into build/src/ (skipped when unpacked).
#      The system's apt has no deb-src entries, so this uses a private apt
#      configuration in build/apt/: the system's own sources, turned into
#      deb-src entries, with private lists, cache and state directories.
#      The system's apt configuration is neither changed nor locked, and the
#      mirror is whatever the system's sources name.
#   2. configure --host=<triple> --enable-static --disable-shared in a
#      scratch build directory, make, make install into the prefix.
#
# Settings (environment; the Makefile passes all of them):
#   LIBSECCOMP_PREFIX  install prefix, absolute (build/libseccomp/<arch>)
#   LIBSECCOMP_HOST    configure --host (<arch>-linux-musl)
#   LIBSECCOMP_CC      compiler (musl-gcc -isystem <abs build/khdr>)
#   LIBSECCOMP_CFLAGS  (-Os -ffunction-sections -fdata-sections, no unwind
#                      tables)
#   LIBSECCOMP_AR, LIBSECCOMP_RANLIB  (ar, ranlib)
#   LIBSECCOMP_SOURCE  apt-get source argument (libseccomp); a version may
#                      be pinned: libseccomp=2.5.4-1+deb12u1
#   LIBSECCOMP_REQUIRE_SIG  1 (default): the .dsc's signature must verify
#                      with debian-keyring; 0: rely on apt's checks alone
#
# Output goes to a log file; on failure its tail is printed.  The settings a
# library was built with are kept in <prefix>/buildinfo: same settings and
# library present = nothing to do.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
arch=$(uname -m)

PREFIX=${LIBSECCOMP_PREFIX:-$B/libseccomp/$arch}
HOST=${LIBSECCOMP_HOST:-$arch-linux-musl}
CC_=${LIBSECCOMP_CC:-musl-gcc -isystem $B/khdr}
CFLAGS_=${LIBSECCOMP_CFLAGS:--Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables}
AR_=${LIBSECCOMP_AR:-ar}
RANLIB_=${LIBSECCOMP_RANLIB:-ranlib}
SOURCE=${LIBSECCOMP_SOURCE:-libseccomp}

case $PREFIX in /*) ;; *) echo "libseccomp.sh: LIBSECCOMP_PREFIX must be absolute" >&2; exit 2 ;; esac
if [ -z "${LIBSECCOMP_CC:-}" ] && [ ! -e "$B/khdr/linux" ]; then
    echo "libseccomp.sh: $B/khdr (kernel headers for musl-gcc) is missing: run make, or set LIBSECCOMP_CC" >&2
    exit 2
fi

# Nothing from an outer make or the caller's build flags may leak into
# libseccomp's configure and make (a make command line's CFLAGS=... would
# otherwise override libseccomp's own flags through MAKEFLAGS).
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL CFLAGS CPPFLAGS LDFLAGS LIBS \
      CC CPP AR RANLIB || true
export LC_ALL=C

# The build is described by these lines; they end up in <prefix>/buildinfo.
info="source=$SOURCE
host=$HOST
cc=$CC_
cflags=$CFLAGS_
ar=$AR_ ranlib=$RANLIB_
reproducible=file-prefix-map-2"

if [ -f "$PREFIX/lib/libseccomp.a" ] && [ -f "$PREFIX/include/seccomp.h" ] &&
   [ "$(cat "$PREFIX/buildinfo" 2>/dev/null)" = "$info" ]; then
    exit 0
fi

mkdir -p "$B/src" "$B/libseccomp"
log=$B/libseccomp/$HOST.log
: > "$log"
t0=$(date +%s)

die() {
    echo "libseccomp.sh: $*" >&2
    exit 1
}

fail() {
    echo "libseccomp.sh: $*" >&2
    echo "libseccomp.sh: last lines of $log:" >&2
    tail -n 30 "$log" | sed 's/^/  | /' >&2
    exit 1
}

# Run a command with its output appended to the log.
run() {
    printf '+ %s\n' "$*" >> "$log"
    "$@" >> "$log" 2>&1
}

# ---- 1. source -------------------------------------------------------------

srcdir() {
    # the unpacked tree: build/src/libseccomp-<upstream version>/
    for d in "$B"/src/libseccomp-*/; do
        [ -f "$d/configure" ] && [ -f "$d/debian/changelog" ] &&
            { printf '%s\n' "${d%/}"; return 0; }
    done
    return 1
}

# deb lines of a one-line-style sources list, as deb-src lines.
list_to_src() {
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$1"
}

# deb822 stanzas with their Types field (any case) set to deb-src; every
# other field (URIs, Suites, Components, Signed-By, Enabled, ...) is kept.
sources_to_src() {
    sed 's/^[Tt][Yy][Pp][Ee][Ss]:.*$/Types: deb-src/' "$1"
}

fetch_source() {
    A=$B/apt
    rm -rf "$A/sources.list.d"
    mkdir -p "$A/sources.list.d" "$A/lists/partial" "$A/cache/archives/partial" "$A/state"

    # Where the system keeps its sources (normally /etc/apt/sources.list and
    # /etc/apt/sources.list.d/); apt itself says.
    SL=/etc/apt/sources.list SP=/etc/apt/sources.list.d/
    eval "$(apt-config shell SL Dir::Etc::SourceList/f SP Dir::Etc::SourceParts/d)"
    : > "$A/sources.list"
    [ ! -f "$SL" ] || list_to_src "$SL" > "$A/sources.list"
    for f in "$SP"*.list; do
        [ -f "$f" ] && list_to_src "$f" > "$A/sources.list.d/${f##*/}"
    done
    for f in "$SP"*.sources; do
        [ -f "$f" ] && sources_to_src "$f" > "$A/sources.list.d/${f##*/}"
    done
    if ! grep -qs -e '^deb-src ' -e '^Types: deb-src' "$A/sources.list" "$A"/sources.list.d/*; then
        die "the system's apt configuration ($SL, $SP) names no deb sources"
    fi

    # -c is read after /etc/apt/apt.conf.d, so it wins, and #clear drops the
    # system's update hooks (they are about the system's binary index).
    # Verification is untouched: the Release files are checked with the
    # keyrings the system's sources name (Signed-By) or trust, and the
    # downloaded source files against the hashes in the signed index.
    cat > "$A/apt.conf" <<EOF
// private apt configuration of ocirun's build, written by scripts/libseccomp.sh
Dir::Etc::SourceList "$A/sources.list";
Dir::Etc::SourceParts "$A/sources.list.d/";
Dir::State "$A/state/";
Dir::State::Lists "$A/lists/";
Dir::Cache "$A/cache/";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
APT::Get::Only-Source "true";
APT::Get::AllowUnauthenticated "false";
Acquire::AllowInsecureRepositories "false";
Acquire::AllowDowngradeToInsecureRepositories "false";
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
EOF
    # As root, apt downloads as the unprivileged user _apt; the directory the
    # source files land in must be writable by it (apt's own partial
    # directories are handled by apt).
    dl=$A/download
    rm -rf "$dl"; mkdir -p "$dl"
    if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
        chown _apt "$dl"
    fi

    echo "libseccomp: apt-get source $SOURCE (private apt config build/apt/, log ${log#"$top"/})" >&2
    # A partial failure (one index unreachable) is not fatal by itself: the
    # apt-get source below says whether the package was found.
    run apt-get -c "$A/apt.conf" -q update </dev/null ||
        echo "libseccomp.sh: warning: apt-get update (private sources) failed, trying apt-get source anyway" >&2
    (cd "$dl" && run apt-get -c "$A/apt.conf" -q --download-only source "$SOURCE" </dev/null) ||
        fail "apt-get source --download-only $SOURCE failed"
    set -- "$dl"/*.dsc
    if [ $# -ne 1 ] || [ ! -f "$1" ]; then
        fail "expected one .dsc in $dl, found: $*"
    fi
    dsc=$1
    # Unpack and apply Debian's patches.  dpkg-source checks the .dsc's
    # OpenPGP signature (the uploader's) against debian-keyring, which
    # deps.sh installs; then a signature that does not verify is an error.
    # Without that keyring dpkg-source can only warn, and the files'
    # authenticity rests on apt's check above: .dsc, tarball and patch
    # hashes against the Sources index of a Release file signed by the
    # archive key.  LIBSECCOMP_REQUIRE_SIG=0 accepts that explicitly.
    name=$(sed -n 's/^Source: *//p' "$dsc")
    ver=$(sed -n 's/^Version: *//p' "$dsc")
    upver=${ver#*:}; upver=${upver%-*}
    dest=$B/src/$name-$upver
    sigopt=
    if [ "${LIBSECCOMP_REQUIRE_SIG:-1}" = 1 ]; then
        [ -r /usr/share/keyrings/debian-keyring.gpg ] ||
            die "/usr/share/keyrings/debian-keyring.gpg is missing (Debian package debian-keyring, scripts/deps.sh installs it); it verifies the signature of $dsc. LIBSECCOMP_REQUIRE_SIG=0 skips that check and relies on apt's archive signature and hashes alone."
        sigopt=--require-valid-signature
    fi
    rm -rf "$dest"
    (cd "$dl" && run dpkg-source --no-copy $sigopt -x "$dsc" "$dest") ||
        fail "dpkg-source -x $dsc failed"
    if [ -n "$sigopt" ]; then
        echo "libseccomp: ${dsc##*/}: signature verified with debian-keyring (dpkg-source $sigopt)" >&2
    else
        echo "libseccomp: warning: ${dsc##*/}: signature not required (LIBSECCOMP_REQUIRE_SIG=0); apt checked the files' hashes against the archive's signed index" >&2
    fi
    echo "libseccomp: unpacked $name $ver into build/src/${dest##*/}" >&2
}

src=$(srcdir) || { fetch_source; src=$(srcdir) || fail "no libseccomp source tree under $B/src"; }
ver=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$src/debian/changelog")

# ---- 2. build --------------------------------------------------------------

echo "libseccomp: building $ver for $HOST into ${PREFIX#"$top"/} (log ${log#"$top"/})" >&2
obj=$B/src/libseccomp-build-$HOST
# The prefix is emptied first; only one this script made (or an empty one).
case $PREFIX/ in
    "$B"/*) ;;
    *) if [ -d "$PREFIX" ] && [ ! -f "$PREFIX/buildinfo" ] &&
          [ -n "$(ls -A "$PREFIX")" ]; then
           die "$PREFIX exists and was not made by this script; not overwriting it"
       fi ;;
esac
rm -rf "$obj" "$PREFIX"
mkdir -p "$obj"
build=$(gcc -dumpmachine 2>/dev/null || echo "$arch-linux-gnu")
cd "$obj"
# Reproducible, as Yocto, Buildroot and Debian expect of a firmware
# component: no build directory in the library (assert() writes __FILE__,
# an absolute path under $B, into db.c's code).
repro="-ffile-prefix-map=$src=libseccomp -ffile-prefix-map=$obj=libseccomp"
run "$src/configure" --build="$build" --host="$HOST" --prefix="$PREFIX" \
    --enable-static --disable-shared --disable-python \
    CC="$CC_" CFLAGS="$CFLAGS_ $repro" AR="$AR_" RANLIB="$RANLIB_" ||
    fail "configure failed"
# Only the library and its headers: the tools and tests are not needed.
jobs=$(nproc 2>/dev/null || echo 2)
run make -j"$jobs" -C src || fail "make failed"
run make -C src install || fail "make install (src) failed"
run make -C include install || fail "make install (include) failed"
run make install-pkgconfDATA || fail "make install-pkgconfDATA failed"
if [ ! -f "$PREFIX/lib/libseccomp.a" ] || [ ! -f "$PREFIX/include/seccomp.h" ]; then
    fail "libseccomp.a or seccomp.h missing after make install"
fi
printf '%s\n' "$info" > "$PREFIX/buildinfo"
t1=$(date +%s)
echo "libseccomp: done in $((t1 - t0)) s: ${PREFIX#"$top"/}/lib/libseccomp.a ($(stat -c %s "$PREFIX/lib/libseccomp.a") bytes)" >&2
