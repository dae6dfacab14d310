#!/bin/bash
# Killed at any step.  The runtime is SIGKILLed at every step of create,
# run, start, exec and delete in turn (build/ocirun-killpoints: with
# OCIRUN_KILL_AT=N it kills itself at its Nth step), and at random moments
# of create.  Afterwards `state` and `list` never show a corrupt entry, and
# `delete --force ID` leaves the host exactly as before: no mount, cgroup,
# state directory, process or stray file.
. "$(dirname "$0")/../lib.sh"

KP=${OCIRUN_KILLPOINTS:-$REPO_DIR/build/ocirun-killpoints}
CG_KILLED=ocirun-killed-$$
at_exit killed_cleanup
killed_cleanup() {
	local d
	for d in /sys/fs/cgroup/*/"$CG_KILLED" /sys/fs/cgroup/"$CG_KILLED"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# kp_rt N ARGS...: the killpoints runtime, killed at its Nth step; sets RC
kp_rt() {
	local n=$1
	shift
	RC=0
	OCIRUN=$KP OCIRUN_FLAGS="${OCIRUN_FLAGS:-}" rt_env "OCIRUN_KILL_AT=$n" "$@" </dev/null >"$B/kp.out" 2>"$B/kp.err" || RC=$?
}

# (not other subtrees of /tmp or /run: other runs on the machine mount there)
host_mounts() { awk -v w="$WDIR" '$5 == "/" || $5 == "/tmp" || $5 == "/run" || index($5, w) == 1 || $5 ~ "^/(proc|dev|sys)(/|$)" {print $5}' /proc/self/mountinfo | sort; }
cg_dirs() { find /sys/fs/cgroup/ -maxdepth 8 -type d -path "*/$CG_KILLED/*" 2>/dev/null | sort; }
procs_of() { pgrep -f -- "$1" 2>/dev/null | grep -vx "$$" || true; }

# what must hold while the runtime lies dead, and after delete --force
check_readable() {
	local out
	out=$(rt list --format json 2>&1) || nope "$1: list failed: $out"
	jq -e 'type == "array"' >/dev/null <<<"$out" || nope "$1: list is not a JSON array: $out"
	RC=0
	out=$(rt state "$ID" 2>&1) || RC=$?
	if [ "$RC" = 0 ]; then
		jq -e '.id and .status' >/dev/null <<<"$out" || nope "$1: state is not valid: $out"
	else
		expect_error_format "$1: state" "$out"
	fi
}
check_clean() {
	local what=$1 i left
	rc rt delete --force "$ID"
	[ "$RC" = 0 ] || nope "$what: delete --force failed: $ERR"
	for ((i = 0; i < 40; i++)); do
		left=$(procs_of "$ID")$(procs_of "sleep 7$MARK")
		[ -z "$left" ] && break
		sleep 0.05
	done
	[ -z "$left" ] || nope "$what: processes left behind: $(ps -o pid,args -p "$(echo $left | tr ' ' ',')")"
	[ -z "$(ls -A "$STATE")" ] || nope "$what: the state directory is not empty: $(ls -la "$STATE")"
	[ -z "$(cg_dirs)" ] || nope "$what: cgroups left behind: $(cg_dirs)"
	[ "$(host_mounts)" = "$MOUNTS0" ] || nope "$what: host mounts changed: $(diff <(echo "$MOUNTS0") <(host_mounts))"
	left=$(cd "$B" && ls -A | grep -vxE 'rootfs|config.json|out|err|kp.out|kp.err|pid')
	[ -z "$left" ] || nope "$what: stray files in the bundle: $left"
	left=$(cd "$B/rootfs" && find . -newer "$B/config.json" ! -path ./tmp ! -path ./dev 2>/dev/null | head -5)
	[ -z "$left" ] || nope "$what: files changed in the rootfs: $left"
}

kp_bundle() {
	mkbundle
	fresh_state
	MARK=$RANDOM
	[ "$MODE" = root ] && cfg '.linux.cgroupsPath = $p' --arg p "/$CG_KILLED/$ID"
	set_args sleep "7$MARK"
	MOUNTS0=$(host_mounts)
}

# sweep WHAT SETUP ACTION: for N = 1, 2, ...: SETUP (a container in the
# state ACTION needs), ACTION killed at step N, then the checks; until
# ACTION runs to its end without being killed.
sweep() {
	local what=$1 setup=$2 action=$3 n
	[ -x "$KP" ] || skipt "no fault-injection build at $KP (make build/ocirun-killpoints)"
	for ((n = 1; n < 60; n++)); do
		kp_bundle
		$setup
		$action "$n"
		if [ "$RC" != 137 ]; then
			[ "$n" -gt 2 ] || nope "$what: killed at no step at all (status $RC: $(cat "$B/kp.err"))"
			check_clean "$what, run to its end"
			return 0
		fi
		check_readable "$what killed at step $n"
		check_clean "$what killed at step $n"
	done
	nope "$what: more than 60 steps?"
}

no_setup() { :; }
created() { rc rt create -b "$B" "$ID"; expect_ok create; }
running() { created; rc rt start "$ID"; expect_ok start; }
stopped() { set_args true; rc rt run -d -b "$B" "$ID"; expect_ok "run -d"; wait_status stopped || nope "not stopped"; }

do_create() { kp_rt "$1" create -b "$B" --pid-file "$B/pid" "$ID"; }
do_run() { set_args sh -c "exit 3"; kp_rt "$1" run -b "$B" "$ID"; [ "$RC" = 3 ] && RC=0; }
do_run_d() { kp_rt "$1" run -d -b "$B" "$ID"; }
do_start() { kp_rt "$1" start "$ID"; }
do_exec() { kp_rt "$1" exec "$ID" sh -c "exit 0"; }
do_exec_d() { kp_rt "$1" exec -d "$ID" sleep "7$MARK"; }
do_delete() { kp_rt "$1" delete --force "$ID"; }
do_delete_stopped() { kp_rt "$1" delete "$ID"; }

t_kill_create() { sweep create no_setup do_create; }
run_test "create killed at every step leaves nothing behind" t_kill_create root user
t_kill_run() { sweep run no_setup do_run; }
run_test "run killed at every step leaves nothing behind" t_kill_run root user
t_kill_run_d() { sweep "run -d" no_setup do_run_d; }
run_test "run -d killed at every step leaves nothing behind" t_kill_run_d root user
t_kill_start() { sweep start created do_start; }
run_test "start killed at every step leaves nothing behind" t_kill_start root user
t_kill_exec() { sweep exec running do_exec; }
run_test "exec killed at every step leaves nothing behind" t_kill_exec root user
t_kill_exec_d() { sweep "exec -d" running do_exec_d; }
run_test "exec -d killed at every step leaves nothing behind" t_kill_exec_d root user
t_kill_delete() { sweep "delete --force" running do_delete; }
run_test "delete --force killed at every step leaves nothing behind" t_kill_delete root user
t_kill_delete_stopped() { sweep delete stopped do_delete_stopped; }
run_test "delete of a stopped container killed at every step leaves nothing behind" t_kill_delete_stopped root user

# SIGKILL from outside, at random moments of create (0 to 8 ms in)
t_kill_random() {
	local i ms
	for ((i = 0; i < 20; i++)); do
		kp_bundle
		ms=$((RANDOM % 9))
		RC=0
		if [ "$MODE" = user ]; then
			as_user timeout --foreground -s KILL "0.00$ms" "$OCIRUN" --root "$STATE" create -b "$B" "$ID" </dev/null >/dev/null 2>&1 || RC=$?
		else
			timeout --foreground -s KILL "0.00$ms" "$OCIRUN" --root "$STATE" create -b "$B" "$ID" </dev/null >/dev/null 2>&1 || RC=$?
		fi
		check_readable "create killed after $ms ms"
		check_clean "create killed after $ms ms"
	done
}
run_test "create killed from outside at random moments leaves nothing behind" t_kill_random root user
