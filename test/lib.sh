# shellcheck shell=bash
# test/lib.sh - shared library for the ocirun integration tests.
#
# Source it from a test file (test/integration/NN-area.sh).  A test file can
# run alone:
#     sudo OCIRUN=$PWD/ocirun bash test/integration/10-lifecycle.sh
# or under test/run.sh, which sets OCIRUN_TEST_TMP / OCIRUN_TEST_RESULTS so
# that the cache, the unprivileged user and the result counters are shared.
#
# Environment:
#   OCIRUN            runtime under test (default: ./ocirun of the repo)
#   HELPERS           dir with built helpers (recvtty); built on demand if absent
#   OCIRUN_FLAGS      extra global flags for every runtime call (for validating
#                     the tests with crun on hybrid cgroups: "--cgroup-manager=disabled")
#   OCIRUN_USER_FLAGS extra global flags for rootless runs (e.g. "--rootless true")
#   OCIRUN_TEST_ONLY  only run tests whose name contains this string
#   OCIRUN_TEST_KEEP  set to 1 to keep the temp dir (debugging)
#
# Writing a test:
#     t_something() {           # runs in a subshell, $MODE is root or user
#         mkbundle; set_args sh -c 'echo hi'
#         run_ctr
#         expect_eq "output" "$(cat "$B/out")" "hi"
#     }
#     run_test "run prints output" t_something root user
#
# Inside a test: `nope REASON` fails it, `skipt REASON` skips it, return 0 passes.

set -u
set -o pipefail

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$LIB_DIR")
# OCIRUN_TEST_TAG (e.g. "dev") marks a second pass over a file with another binary
TEST_FILE=$(basename "$0" .sh)${OCIRUN_TEST_TAG:+-$OCIRUN_TEST_TAG}
TEST_USER=ocirun-test
RT_TIMEOUT=${RT_TIMEOUT:-20}

# ---------------------------------------------------------------------------
# runtime path
: "${OCIRUN:=$REPO_DIR/ocirun}"
case $OCIRUN in
*/*) OCIRUN=$(realpath -m "$OCIRUN") ;;
*) OCIRUN=$(command -v "$OCIRUN" || echo "$OCIRUN") ;;
esac
export OCIRUN
OCIRUN_NAME=$(basename "$OCIRUN")
# runc and crun are used to validate the tests themselves; a few spec
# behaviours they do not follow are checked only when the runtime is ocirun.
is_reference_runtime() { case $OCIRUN_NAME in runc | crun) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------------------
# result counting and reporting
_STANDALONE=0
if [ -z "${OCIRUN_TEST_TMP:-}" ]; then
	_STANDALONE=1
	OCIRUN_TEST_TMP=$(mktemp -d /tmp/ocirun-test.XXXXXX)
	chmod 755 "$OCIRUN_TEST_TMP"
	OCIRUN_TEST_RESULTS=$OCIRUN_TEST_TMP/results
	: >"$OCIRUN_TEST_RESULTS"
	export OCIRUN_TEST_TMP OCIRUN_TEST_RESULTS
fi
TDIR=$OCIRUN_TEST_TMP
WDIR=$TDIR/$TEST_FILE # this file's work dir
mkdir -p "$WDIR"
chmod 755 "$WDIR"

_say() { printf '%s\n' "$*"; }
pass() { echo pass >>"$OCIRUN_TEST_RESULTS"; _say "ok   $TEST_FILE: $1"; }
skip() { echo skip >>"$OCIRUN_TEST_RESULTS"; _say "SKIP $TEST_FILE: $1: ${2:-}"; }
fail() {
	echo fail >>"$OCIRUN_TEST_RESULTS"
	_say "FAIL $TEST_FILE: $1"
	printf '%s\n' "${2:-}" | head -n 40 | sed 's/^/     | /'
}

# ---------------------------------------------------------------------------
# the unprivileged user
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

# ensure_test_user: create the system user once (only when we are root).
# The user is removed at exit by whoever created it (run.sh or this file).
ensure_test_user() {
	[ "$IS_ROOT" = 1 ] || return 0
	if ! id -u "$TEST_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --user-group "$TEST_USER" >/dev/null 2>&1 ||
			return 1
		# machine-wide marker: the suite made this user, so a later run may
		# remove it even if this run could not (another run was active)
		: >"$USER_MARKER"
	fi
	[ -f "$USER_MARKER" ] && echo "$TEST_USER" >"$TDIR/created-user"
	return 0
}
USER_MARKER=/var/tmp/ocirun-test-user.created

if [ "$IS_ROOT" = 1 ]; then
	ensure_test_user
	if id -u "$TEST_USER" >/dev/null 2>&1; then
		USER_UID=$(id -u "$TEST_USER")
		USER_GID=$(id -g "$TEST_USER")
	else
		USER_UID=
		USER_GID=
	fi
else
	USER_UID=$(id -u)
	USER_GID=$(id -g)
fi

# as_user CMD...: run a host command as the unprivileged user with a clean env
as_user() {
	if [ "$IS_ROOT" = 1 ]; then
		setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp XDG_RUNTIME_DIR= "$@"
	else
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp XDG_RUNTIME_DIR= "$@"
	fi
}

# why root / rootless tests cannot run here (empty = they can)
ROOT_SKIP=
[ "$IS_ROOT" = 1 ] || ROOT_SKIP="suite not run as root"
USER_SKIP=
if [ -z "$USER_UID" ]; then
	USER_SKIP="could not create user $TEST_USER"
elif [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" = 0 ]; then
	USER_SKIP="/proc/sys/user/max_user_namespaces is 0"
elif [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
	USER_SKIP="kernel.unprivileged_userns_clone is 0"
elif ! as_user timeout 10 unshare --user --map-root-user true >/dev/null 2>&1; then
	USER_SKIP="unprivileged user namespaces are not allowed here (unshare --user failed)"
fi

# ---------------------------------------------------------------------------
# state dirs.  Every runtime call gets --root: $WDIR/state-root-*, state-user-*
_mkstate() { # _mkstate MODE NAME -> prints dir
	local d=$WDIR/state-$1-$2
	mkdir -p "$d"
	if [ "$1" = user ] && [ "$IS_ROOT" = 1 ]; then
		chown "$USER_UID:$USER_GID" "$d"
	fi
	chmod 700 "$d"
	echo "$d"
}
STATE_root=$(_mkstate root main)
STATE_user=$(_mkstate user main)

# fresh_state: give the current test its own empty state dir (sets STATE)
fresh_state() {
	_N=$((${_N:-0} + 1))
	STATE=$(_mkstate "$MODE" "t$BASHPID-$_N")
}

# rt ARGS...: run the runtime as $MODE (root|user) with --root $STATE
rt() {
	local st=${STATE:-}
	[ -n "$st" ] || { [ "$MODE" = user ] && st=$STATE_user || st=$STATE_root; }
	if [ "$MODE" = user ]; then
		# shellcheck disable=SC2086
		as_user timeout -k 5 "$RT_TIMEOUT" "$OCIRUN" --root "$st" ${OCIRUN_FLAGS:-} ${OCIRUN_USER_FLAGS:-} "$@" 9>&-
	else
		# shellcheck disable=SC2086
		timeout -k 5 "$RT_TIMEOUT" "$OCIRUN" --root "$st" ${OCIRUN_FLAGS:-} "$@" 9>&-
	fi
}

# rt_env VAR=VALUE ARGS...: rt with one more variable in the runtime's env
rt_env() {
	local v=$1 st=${STATE:-}
	shift
	[ -n "$st" ] || { [ "$MODE" = user ] && st=$STATE_user || st=$STATE_root; }
	if [ "$MODE" = user ]; then
		as_user env "$v" timeout -k 5 "$RT_TIMEOUT" "$OCIRUN" --root "$st" "$@" 9>&-
	else
		env "$v" timeout -k 5 "$RT_TIMEOUT" "$OCIRUN" --root "$st" "$@" 9>&-
	fi
}

# ---------------------------------------------------------------------------
# busybox rootfs cache
CACHE=$TDIR/cache
BUSYBOX=${BUSYBOX:-/bin/busybox}

make_rootfs_cache() {
	[ -e "$CACHE/rootfs/bin/busybox" ] && return 0
	if [ ! -x "$BUSYBOX" ] || ! file_is_static "$BUSYBOX"; then
		echo "lib.sh: need a static $BUSYBOX (apt-get install busybox-static)" >&2
		return 1
	fi
	local r=$CACHE/rootfs.tmp.$$ a d
	rm -rf "$r"
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,home/u1000,run,var,mnt}
	cp "$BUSYBOX" "$r/bin/busybox"
	chmod 755 "$r/bin/busybox"
	for a in $("$BUSYBOX" --list-full); do
		[ "$a" = bin/busybox ] && continue
		d=$(dirname "$a")
		mkdir -p "$r/$d"
		ln -sf /bin/busybox "$r/$a"
	done
	chmod 1777 "$r/tmp"
	cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
u1000:x:1000:1000:u1000:/home/u1000:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
	cat >"$r/etc/group" <<'EOF'
root:x:0:
tty:x:5:
u1000:x:1000:
g2000:x:2000:u1000
g3000:x:3000:
nogroup:x:65534:
EOF
	echo "ocirun-test" >"$r/etc/hostname"
	chown 1000:1000 "$r/home/u1000" 2>/dev/null || true
	mv "$r" "$CACHE/rootfs"
	chmod 755 "$CACHE" "$CACHE/rootfs"
}
file_is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------
# base configs (written here, independent of `ocirun spec`)
base_config_root() {
	cat <<'EOF'
{
  "ociVersion": "1.2.0",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "sh" ],
    "env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "TERM=xterm"
    ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "ambient": []
    },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "ocirun-test",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
      "options": [ "nosuid", "noexec", "nodev" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
      "options": [ "nosuid", "noexec", "nodev", "ro" ] }
  ],
  "linux": {
    "namespaces": [
      { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
      { "type": "uts" }, { "type": "mount" }, { "type": "cgroup" }
    ],
    "maskedPaths": [
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
      "/proc/sched_debug", "/sys/firmware", "/proc/scsi"
    ],
    "readonlyPaths": [
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"
    ]
  }
}
EOF
}

# rootless: + user namespace mapping the caller to 0, no cgroup ns, /sys is a
# bind of the host's /sys, no gid= on devpts, no resources.
ROOTLESS_JQ='
  .linux.namespaces |= (map(select(.type != "cgroup" and .type != "user")) + [{"type": "user"}])
  | .linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}]
  | .mounts |= map(if .destination == "/sys" then
        {"destination": "/sys", "type": "none", "source": "/sys",
         "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]}
      else . end)
  | .mounts |= map(if .type == "devpts" then .options -= ["gid=5"] else . end)
  | del(.linux.resources)'

# crun 1.8 (Debian 12) refuses ociVersion 1.2.0; it is only used to validate
# the tests, so it gets 1.0.0.  OCIRUN_TEST_OCIVERSION overrides.
if [ -n "${OCIRUN_TEST_OCIVERSION:-}" ]; then
	OCI_VERSION=$OCIRUN_TEST_OCIVERSION
elif [ "$OCIRUN_NAME" = crun ]; then
	OCI_VERSION=1.0.0
else
	OCI_VERSION=1.2.0
fi
base_config() { # base_config MODE
	if [ "$1" = user ]; then
		base_config_root | jq --argjson uid "$USER_UID" --argjson gid "$USER_GID" "$ROOTLESS_JQ"
	else
		base_config_root
	fi | jq --arg v "$OCI_VERSION" '.ociVersion = $v'
}

# ---------------------------------------------------------------------------
# bundles.  mkbundle [NAME] sets B (bundle dir) and ID (fresh container id)
# for $MODE; the rootfs is a private copy of the cached busybox rootfs.
_BN=0
mkbundle() {
	_BN=$((_BN + 1))
	B=$WDIR/${1:-b}-$BASHPID-$_BN
	rm -rf "$B"
	mkdir -p "$B"
	cp -a "$CACHE/rootfs" "$B/rootfs"
	base_config "$MODE" >"$B/config.json"
	if [ "$MODE" = user ] && [ "$IS_ROOT" = 1 ]; then
		chown -R "$USER_UID:$USER_GID" "$B"
	fi
	chmod 755 "$B"
	newid
}

# newid: sets ID to a fresh container id
newid() {
	_IDN=$((${_IDN:-0} + 1))
	ID=${TEST_FILE%%-*}-$BASHPID-$_IDN
}

# make a host-side file or dir owned by the rootless user when MODE=user
own() { if [ "$MODE" = user ] && [ "$IS_ROOT" = 1 ]; then chown -R "$USER_UID:$USER_GID" "$@"; fi; }

# cfg JQ_FILTER [jq args...]: edit $B/config.json in place
cfg() {
	local f=$1
	shift
	jq "$f" "$B/config.json" "$@" >"$B/config.json.new" || nope "jq failed: $f"
	mv "$B/config.json.new" "$B/config.json"
	own "$B/config.json"
}
# set_args ARG...: set process.args
set_args() { cfg '.process.args = $a' --argjson a "$(json_array "$@")"; }
# json_array ARG...: print a JSON array of strings (safe for "-c" etc.)
json_array() {
	local a sep="" out="["
	for a in "$@"; do
		out+=$sep$(printf '%s' "$a" | jq -Rs .)
		sep=,
	done
	printf '%s]\n' "$out"
}
# set_sh SCRIPT: process.args = sh -c SCRIPT
set_sh() { set_args sh -c "$1"; }

# ---------------------------------------------------------------------------
# running containers.  Container stdio goes to $B/out and $B/err (never to a
# pipe, so create/run -d do not block a command substitution).
# run_ctr [run options]: foreground run of $B as $ID; sets RC
run_ctr() {
	RC=0
	rt run -b "$B" "$@" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out")
	ERR=$(cat "$B/err")
}
# create_ctr [create options]: sets RC
create_ctr() {
	RC=0
	rt create -b "$B" "$@" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
}
# sh_out SCRIPT: run `sh -c SCRIPT` in a fresh bundle-based container; prints stdout
# (uses the current $B config, overwrites args)
ctr_status() { rt state "${1:-$ID}" 2>/dev/null | jq -r .status 2>/dev/null; }
ctr_pid() { rt state "${1:-$ID}" 2>/dev/null | jq -r .pid 2>/dev/null; }

# wait_status STATUS [ID] [SECONDS]: poll state until status matches
wait_status() {
	local want=$1 id=${2:-$ID} secs=${3:-10} i s
	for ((i = 0; i < secs * 10; i++)); do
		s=$(ctr_status "$id")
		[ "$s" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}
# wait_file FILE [SECONDS]: wait for a file to exist and be non-empty
wait_file() {
	local f=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		[ -s "$f" ] && return 0
		sleep 0.1
	done
	return 1
}
# wait_for CMD... : poll (10 s) until the command succeeds
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# rm_ctr [ID]: force delete, ignore errors
rm_ctr() { rt delete -f "${1:-$ID}" >/dev/null 2>&1 || true; }

# ---------------------------------------------------------------------------
# assertions (inside a test subshell)
nope() {
	printf '%s\n' "$*" >&9
	exit 1
}
skipt() {
	printf '%s\n' "$*" >&9
	exit 77
}
expect_eq() { # expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] || nope "$1: got '$2', want '$3'${ERR:+ (stderr: $ERR)}"
}
expect_rc() { # expect_rc WANT [WHAT]
	[ "$RC" = "$1" ] || nope "${2:-exit status}: got $RC, want $1${ERR:+ (stderr: $ERR)}${OUT:+ (stdout: $OUT)}"
}
expect_ok() { # expect_ok WHAT  (RC must be 0)
	[ "$RC" = 0 ] || nope "$1 failed with status $RC${ERR:+ (stderr: $ERR)}${OUT:+ (stdout: $OUT)}"
}
expect_fail() { # expect_fail WHAT  (RC must be non-zero)
	[ "$RC" != 0 ] || nope "$1 succeeded but should have failed${OUT:+ (stdout: $OUT)}"
}
# error message contract: exit status 1 and one line "ocirun: ..." on stderr.
# Only checked for ocirun itself (runc/crun format errors differently).
expect_error_format() { # expect_error_format WHAT STDERR_TEXT
	is_reference_runtime && return 0
	[ "$RC" = 1 ] || nope "$1: exit status $RC, want 1 (stderr: $2)"
	local lines
	lines=$(printf '%s\n' "$2" | grep -c .)
	[ "$lines" = 1 ] || nope "$1: want exactly one line on stderr, got $lines: $2"
	case $2 in ocirun:\ *) ;; *) nope "$1: stderr does not start with 'ocirun: ': $2" ;; esac
}
# rc CMD... : run a command, set RC/OUT/ERR (stdout/stderr captured)
rc() {
	local o=$WDIR/.o.$BASHPID e=$WDIR/.e.$BASHPID
	RC=0
	"$@" >"$o" 2>"$e" </dev/null || RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
	rm -f "$o" "$e"
}

# ---------------------------------------------------------------------------
# sh_ok SCRIPT: set args to sh -c SCRIPT, run the container, require status 0
sh_ok() {
	set_sh "$1"
	run_ctr
	expect_ok "run"
}
# /proc/self/mountinfo helpers (on mountinfo text printed by a container)
mi_line() { awk -v m="$2" '$5 == m' <<<"$1" | tail -n 1; }  # last mount on M
mi_opts() { awk '{print $6}' <<<"$1"; }                      # per-mount options
mi_fstype() { awk '{for (i = 7; i <= NF; i++) if ($i == "-") {print $(i+1); exit}}' <<<"$1"; }
mi_super() { awk '{for (i = 7; i <= NF; i++) if ($i == "-") {print $(i+3); exit}}' <<<"$1"; }
mi_optional() { awk '{s=""; for (i = 7; i <= NF && $i != "-"; i++) s = s " " $i; print s}' <<<"$1"; }
has_opt() { # has_opt OPTS OPT
	[[ ,$1, == *,$2,* ]]
}
expect_opts() { # expect_opts WHAT OPTS OPT...
	local what=$1 opts=$2 o
	shift 2
	for o in "$@"; do
		if [[ $o == !* ]]; then
			has_opt "$opts" "${o#!}" && nope "$what: options '$opts' contain ${o#!}"
		else
			has_opt "$opts" "$o" || nope "$what: options '$opts' lack $o"
		fi
	done
	return 0
}

# ---------------------------------------------------------------------------
# run_test NAME FUNC MODE...: run FUNC once per mode (root, user)
run_test() {
	local name=$1 fn=$2 mode full why rc
	shift 2
	for mode in "$@"; do
		if [ "$mode" = user ]; then full="$name [rootless]"; else full="$name [root]"; fi
		if [ -n "${OCIRUN_TEST_ONLY:-}" ] && [[ $full != *"$OCIRUN_TEST_ONLY"* ]]; then
			continue
		fi
		if [ "$mode" = root ] && [ -n "$ROOT_SKIP" ]; then
			skip "$full" "$ROOT_SKIP"
			continue
		fi
		if [ "$mode" = user ] && [ -n "$USER_SKIP" ]; then
			skip "$full" "$USER_SKIP"
			continue
		fi
		rc=0
		(
			MODE=$mode
			STATE=
			"$fn"
		) 9>"$WDIR/.why" || rc=$?
		why=$(cat "$WDIR/.why")
		case $rc in
		0) pass "$full" ;;
		77) skip "$full" "$why" ;;
		*) fail "$full" "${why:-test exited with status $rc}" ;;
		esac
	done
}

# ---------------------------------------------------------------------------
# helpers (C programs under test/helpers)
helper() { # helper NAME -> prints path, builds into $TDIR/helpers if needed
	local n=$1
	if [ -n "${HELPERS:-}" ] && [ -x "$HELPERS/$n" ]; then
		echo "$HELPERS/$n"
		return 0
	fi
	if [ ! -x "$TDIR/helpers/$n" ]; then
		mkdir -p "$TDIR/helpers"
		# musl-gcc hides the kernel UAPI headers: link them in like the Makefile
		local k=$TDIR/helpers/khdr ma d
		if [ ! -d "$k" ]; then
			mkdir -p "$k"
			ma=$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
			for d in /usr/include/linux /usr/include/asm-generic /usr/include/mtd "/usr/include/$ma/asm"; do
				[ -d "$d" ] && ln -sfn "$d" "$k/$(basename "$d")"
			done
		fi
		{ command -v musl-gcc >/dev/null &&
			musl-gcc -O2 -static -isystem "$k" -o "$TDIR/helpers/$n" "$LIB_DIR/helpers/$n.c" 2>/dev/null; } ||
			gcc -O2 -static -o "$TDIR/helpers/$n" "$LIB_DIR/helpers/$n.c" 2>/dev/null ||
			cc -O2 -o "$TDIR/helpers/$n" "$LIB_DIR/helpers/$n.c" || return 1
		chmod 755 "$TDIR/helpers" "$TDIR/helpers/$n"
	fi
	echo "$TDIR/helpers/$n"
}

# ---------------------------------------------------------------------------
# cleanup
_cleanup_state_dirs() {
	local d mode id
	for d in "$WDIR"/state-root-* "$WDIR"/state-user-*; do
		[ -d "$d" ] || continue
		case $d in */state-root-*) mode=root ;; *) mode=user ;; esac
		if [ "$mode" = root ] && [ "$IS_ROOT" != 1 ]; then continue; fi
		for id in $(MODE=$mode STATE=$d rt list -q 2>/dev/null) $(ls "$d" 2>/dev/null); do
			MODE=$mode STATE=$d RT_TIMEOUT=10 rt delete -f "$id" >/dev/null 2>&1 || true
		done
	done
}
# unmount anything left mounted under DIR (a runtime bug could leak mounts
# into the host namespace; never rm -rf through a bind mount of host dirs)
umount_under() {
	local dir=$1 m
	for m in $(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}
leaked_mounts() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo; }

# register extra cleanup commands with at_exit "cmd"
_AT_EXIT=()
at_exit() { _AT_EXIT+=("$1"); }

_file_cleanup() {
	local c leaked
	_cleanup_state_dirs
	for c in "${_AT_EXIT[@]}"; do eval "$c" || true; done
	leaked=$(leaked_mounts "$WDIR")
	if [ -n "$leaked" ]; then
		fail "no mounts leaked onto the host" "$leaked"
		umount_under "$WDIR"
	fi
	if [ "${OCIRUN_TEST_KEEP:-0}" != 1 ]; then
		rm -rf --one-file-system "$WDIR" 2>/dev/null || true
	fi
	if [ "$_STANDALONE" = 1 ]; then
		suite_cleanup
		local p f s
		p=$(grep -c '^pass' "$OCIRUN_TEST_RESULTS")
		f=$(grep -c '^fail' "$OCIRUN_TEST_RESULTS")
		s=$(grep -c '^skip' "$OCIRUN_TEST_RESULTS")
		[ "${OCIRUN_TEST_KEEP:-0}" = 1 ] || rm -rf --one-file-system "$TDIR"
		echo "$p passed, $f failed, $s skipped"
		[ "$f" = 0 ] || exit 1
	fi
}
# suite_cleanup: remove the user if we created it (run.sh calls this too)
# (not while another test run on this machine may still use the user)
suite_cleanup() {
	if [ -f "$TDIR/created-user" ]; then
		if [ -z "$(find /tmp -maxdepth 1 -name 'ocirun-test.*' ! -path "$TDIR" -print -quit)" ]; then
			userdel "$(cat "$TDIR/created-user")" >/dev/null 2>&1 || true
			rm -f "$USER_MARKER"
		fi
		rm -f "$TDIR/created-user"
	fi
}
trap '_file_cleanup' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# file start
if [ ! -x "$OCIRUN" ]; then
	echo "lib.sh: runtime not found: $OCIRUN" >&2
	fail "runtime exists" "$OCIRUN is not executable"
	exit 1
fi
if ! command -v jq >/dev/null; then
	fail "jq installed" "the tests need jq"
	exit 1
fi
make_rootfs_cache || {
	fail "busybox rootfs" "could not build the busybox rootfs cache"
	exit 1
}
