#!/bin/sh
# deps.sh [bench|fuzz] -- install the Debian 12 packages that ocirun's build,
# test suite and demo need.  Idempotent: when everything is present it only
# runs one dpkg-query and exits 0.  "bench" adds the tools the benchmarks
# compare against (crun, runc) and measure with (hyperfine, valgrind).
# "fuzz" adds clang and the runtimes of -fsanitize=fuzzer,address,undefined
# (libclang_rt.fuzzer-x86_64.a and the sanitizers' are in libclang-rt-14-dev,
# which clang-14 only recommends) for make fuzz.
#
# Not root and something missing: print the apt-get command and exit 1.
set -eu

usage() { echo "usage: $0 [bench|fuzz]" >&2; exit 2; }

# build: compiler + make, musl for the static binary, jsmn (JSON tokenizer,
#        copied into the tree by make), kernel UAPI headers for musl-gcc,
#        libseccomp-dev (ocirun-dev, unit tests, seccomp_gen link the
#        system's libseccomp); for the static musl libseccomp built from
#        Debian's source package (scripts/libseccomp.sh): dpkg-dev
#        (dpkg-source), debian-keyring (verifies the .dsc's signature) and
#        gperf (regenerates libseccomp's syscall table)
# tests/demo: busybox-static (container rootfs), uidmap (newuidmap for
#        multi-id mappings), jq, util-linux (setpriv, unshare), passwd
#        (useradd), libseccomp-dev + pkg-config (reference filters in tests),
#        file (make size), squashfs-tools (a runtime binary on squashfs)
PKGS="build-essential musl-tools musl-dev libjsmn-dev linux-libc-dev
libseccomp-dev dpkg-dev debian-keyring gperf
busybox-static uidmap jq util-linux passwd pkg-config file squashfs-tools"

case "${1:-}" in
    "") ;;
    bench) PKGS="$PKGS crun runc valgrind strace" ;;
    fuzz) PKGS="$PKGS clang libclang-rt-14-dev" ;;
    *) usage ;;
esac
[ $# -le 1 ] || usage

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: dpkg-query not found; this script supports Debian 12 only." >&2
    # shellcheck disable=SC2086
    echo "deps.sh: needed (Debian names):" $PKGS >&2
    exit 1
fi

# One dpkg-query for all packages; unknown packages only complain on stderr.
# shellcheck disable=SC2086
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
    awk '$(NF-1) == "ok" && $NF == "installed" { printf "%s ", $1 }')"

missing=""
for p in $PKGS; do
    case "$installed" in
        *" $p "*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -n "$missing" ] || exit 0

missing=${missing# }
if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing Debian packages: $missing" >&2
    echo "deps.sh: install them as root with:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing" >&2
    exit 1
fi

echo "deps.sh: installing: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale or partly broken index (e.g. a foreign-architecture security index
# that fails to fetch) should not stop us: the install below is what counts.
apt-get update </dev/null || echo "deps.sh: warning: apt-get update failed, trying the install anyway" >&2
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing </dev/null
