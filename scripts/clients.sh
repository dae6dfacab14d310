#!/bin/sh
# clients.sh -- install the Debian 12 packages of the real clients that
# test/integration/98-podman.sh and 99-containerd.sh drive ocirun with:
#
#   podman, conmon       podman (4.3) and its monitor
#   catatonit            podman run --init (podman's default init binary)
#   slirp4netns          rootless podman networking
#   fuse-overlayfs       rootless podman storage where the kernel lacks
#                        unprivileged overlayfs
#   uidmap               newuidmap/newgidmap for rootless podman and --uidmap
#   containerd           containerd 1.6, ctr and containerd-shim-runc-v2
#   crun                 pulled in by podman anyway; also the reference
#                        runtime the client tests are validated against
#
# Idempotent and quiet when everything is present (one dpkg-query).  Installs
# each missing package on its own, so one that cannot be installed does not
# stop the others; prints the ones that could not be installed and exits 0
# (the tests SKIP with the reason when their client is missing).  Never
# prompts: DEBIAN_FRONTEND=noninteractive, stdin from /dev/null.
#
# Not root and something missing: prints the apt-get command and exits 1.
set -eu

PKGS="podman conmon catatonit slirp4netns fuse-overlayfs uidmap containerd crun"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "clients.sh: dpkg-query not found; this script supports Debian 12 only." >&2
    echo "clients.sh: needed (Debian names):" $PKGS >&2
    exit 1
fi

missing_pkgs() {
    # shellcheck disable=SC2086
    installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
        awk '$(NF-1) == "ok" && $NF == "installed" { printf "%s ", $1 }')"
    m=""
    for p in $PKGS; do
        case "$installed" in
            *" $p "*) ;;
            *) m="$m $p" ;;
        esac
    done
    echo "${m# }"
}

missing=$(missing_pkgs)
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "clients.sh: missing Debian packages: $missing" >&2
    echo "clients.sh: install them as root with:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing" >&2
    exit 1
fi

echo "clients.sh: installing: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update </dev/null >/dev/null ||
    echo "clients.sh: warning: apt-get update failed, trying the install anyway" >&2
# All at once first (one dependency resolution, fast); if that fails, one
# by one so that what can be installed is.
# --no-install-recommends: podman recommends buildah and dbus-user-session,
# which the tests do not need; what they need is listed above.
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold \
    $missing </dev/null >/dev/null; then
    for p in $missing; do
        apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold \
            "$p" </dev/null >/dev/null 2>&1 || true
    done
fi

# Debian's containerd package starts its service where there is an init
# system to start it; the tests run their own private containerd and need
# none, so nothing is started or stopped here.

left=$(missing_pkgs)
if [ -n "$left" ]; then
    echo "clients.sh: could not install: $left (the tests that need them skip)" >&2
fi
exit 0
