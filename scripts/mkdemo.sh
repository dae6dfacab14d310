#!/bin/sh
# mkdemo.sh -- build ./ocirun if needed, make a busybox bundle in build/demo
# and run it as an unprivileged user:
#
#   caller is root:   as the system user "ocirun-demo" (created once), via
#                     setpriv, with state in /tmp/ocirun-demo-state
#   caller not root:  as the caller, with ocirun's default state directory
#
# The container prints who and where it is; the script exits with the
# container's exit status.
set -eu

DEMO_USER=ocirun-demo
DEMO_STATE=/tmp/ocirun-demo-state
DEMO_ID=demo1
DEMO_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
BUSYBOX=/bin/busybox   # Debian busybox-static

die() { echo "mkdemo: $*" >&2; exit 1; }
say() { echo "mkdemo: $*" >&2; }

cd "$(dirname "$0")/.."
repo=$(pwd)
# Everything created here must be readable by the demo user.
umask 022

scripts/deps.sh
"${MAKE:-make}" --no-print-directory ocirun

# --- the bundle ------------------------------------------------------------
B=build/demo
R=$B/rootfs
case "$(file -L "$BUSYBOX" 2>/dev/null)" in
    *"statically linked"*) ;;
    *) die "$BUSYBOX is not a static busybox; install the Debian package busybox-static" ;;
esac
rm -rf "$B"
for d in bin proc sys dev tmp etc root; do mkdir -p "$R/$d"; done
chmod 1777 "$R/tmp"
chmod 0700 "$R/root"
cp "$BUSYBOX" "$R/bin/busybox"
for applet in $("$R/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$R/bin/$applet"
done
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF

./ocirun spec --rootless -b "$B"
[ -f "$B/config.json" ] || die "./ocirun spec --rootless -b $B wrote no config.json"

# --- who runs it -----------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    if ! getent passwd "$DEMO_USER" >/dev/null; then
        say "creating system user $DEMO_USER"
        useradd --system --user-group --create-home --shell /usr/sbin/nologin "$DEMO_USER"
    fi
    run_uid=$(id -u "$DEMO_USER")
    run_gid=$(id -g "$DEMO_USER")
    run_home=$(getent passwd "$DEMO_USER" | cut -d: -f6)
    # The container's root is the demo user: give it the rootfs, so that
    # files inside appear owned by root (0 maps to $run_uid below).
    chown -R "$run_uid:$run_gid" "$R"
else
    run_uid=$(id -u)
    run_gid=$(id -g)
fi

# `spec --rootless` maps container 0 to whoever ran it, which is root when
# the caller is root; map it to the user that really runs the container.
tmp=$B/config.json.tmp
jq --argjson uid "$run_uid" --argjson gid "$run_gid" '
    .process.terminal = false
  | .process.args = ["sh", "-c", "echo hello from ocirun; id; hostname; cat /proc/self/uid_map; ls /"]
  | .linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}]
' "$B/config.json" >"$tmp"
mv "$tmp" "$B/config.json"

# --- run -------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    say "running ./ocirun run -b $B $DEMO_ID as $(id -un) (uid $run_uid)"
    ./ocirun delete -f "$DEMO_ID" >/dev/null 2>&1 || true
    set +e
    ./ocirun run -b "$B" "$DEMO_ID"
    rc=$?
    set -e
    say "container exited with status $rc"
    exit "$rc"
fi

as_demo() {
    setpriv --reuid="$DEMO_USER" --regid="$DEMO_USER" --init-groups \
        env -i PATH="$DEMO_PATH" HOME="$run_home" "$@"
}

# The demo user must reach the binary and the bundle by absolute path (a
# runtime resolves the bundle to an absolute path; a relative lookup from the
# inherited cwd would not see a 0700 parent).  If it cannot (a checkout under
# /root, mode 0700), run from a copy in a world-readable directory instead.
bundle=$B
if ! as_demo sh -c "test -x '$repo/ocirun' && test -r '$repo/$B/config.json' && test -x '$repo/$R/bin/busybox'" 2>/dev/null; then
    work=$(mktemp -d /tmp/ocirun-demo.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    chmod 0755 "$work"
    cp ocirun "$work/ocirun"
    cp -a "$B" "$work/demo"
    say "$repo is not readable by $DEMO_USER; running from a copy in $work (removed afterwards)"
    cd "$work"
    bundle=demo
fi

as_demo mkdir -p "$DEMO_STATE"
as_demo test -w "$DEMO_STATE" ||
    die "$DEMO_STATE exists but is not writable by $DEMO_USER; remove it"
as_demo ./ocirun --root "$DEMO_STATE" delete -f "$DEMO_ID" >/dev/null 2>&1 || true

say "running ./ocirun --root $DEMO_STATE run -b $bundle $DEMO_ID as $DEMO_USER (uid $run_uid)"
set +e
as_demo ./ocirun --root "$DEMO_STATE" run -b "$bundle" "$DEMO_ID"
rc=$?
set -e
say "container exited with status $rc"
exit "$rc"
