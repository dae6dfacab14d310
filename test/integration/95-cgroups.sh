#!/bin/bash
# cgroups on the layouts a device may have: this host's own (hybrid here),
# a pure cgroup2 tree and no cgroups at all (private mount namespaces);
# resources read back from outside and inside, pause/resume, update, ps,
# kill --all, events, and nothing left behind.
. "$(dirname "$0")/../lib.sh"

CG_PARENT=ocirun-test-$$
at_exit "cg_cleanup"
cg_cleanup() {
	local d
	for d in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}
layout() {
	case $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) in
	cgroup2fs) echo v2 ;;
	tmpfs) [ -d /sys/fs/cgroup/memory ] && echo v1 || echo none ;;
	*) echo none ;;
	esac
}
# host cgroup file of the container: cgfile CONTROLLER FILE
cgfile() {
	if [ "$(layout)" = v2 ]; then cat "/sys/fs/cgroup/$CG_PARENT/$ID/$2"; else cat "/sys/fs/cgroup/$1/$CG_PARENT/$ID/$2"; fi
}
cgpath() { cfg '.linux.cgroupsPath = $p' --arg p "/$CG_PARENT/$ID"; }
# A device no container has by default (c 1:11, /dev/kmsg), made inside
# with mknod: whether the device rules let the process open it shows.
with_kmsg() {
	cfg '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]
		| .process.capabilities |= with_entries(if (.key == "bounding" or .key == "effective" or .key == "permitted")
			then .value += ["CAP_MKNOD", "CAP_SYSLOG"] else . end)'
}
KMSG_READ='mknod /tmp/k c 1 11 && { dd if=/tmp/k of=/tmp/o bs=4096 count=1 2>/tmp/e && echo kmsg-read || echo kmsg-denied; }'

t_v1_resources() {
	[ "$(layout)" = v1 ] || skipt "host cgroups are $(layout), not v1/hybrid"
	mkbundle; cgpath
	cfg '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42}, "cpu": {"quota": 20000, "period": 100000},
		"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]}'
	with_kmsg
	cfg '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "ro"]}]'
	set_sh 'cat /proc/self/cgroup | grep -c ":/$"; echo x > /dev/null && echo null-ok; '"$KMSG_READ"'; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; sleep 30'
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	at_exit "rm_ctr $ID"
	wait_for grep -q '^42$' "$B/out" || nope "no output: $(cat "$B/out" "$B/err")"
	expect_eq "memory.limit_in_bytes" "$(cgfile memory memory.limit_in_bytes)" 67108864
	expect_eq "pids.max" "$(cgfile pids pids.max)" 42
	expect_eq "cpu.cfs_quota_us" "$(cgfile cpu cpu.cfs_quota_us)" 20000
	local list
	list=$(cgfile devices devices.list)
	grep -qx "c 1:3 rwm" <<<"$list" || nope "devices.list lacks null: $list"
	grep -q "^a " <<<"$list" && nope "devices.list still allows all: $list"
	grep -q "^c 1:11 " <<<"$list" && nope "devices.list allows kmsg: $list"
	local inside
	inside=$(sed -n 1p "$B/out")
	[ "$inside" -ge 9 ] || nope "inside, the cgroup namespace is not rooted at the container's cgroups: $inside lines at /"
	expect_eq "device access" "$(sed -n '2,3p' "$B/out")" "null-ok
kmsg-denied"
	expect_eq "inside, the v1 hierarchies show the container's own limits" "$(sed -n '4,5p' "$B/out")" "67108864
42"
	rm_ctr
	[ ! -d "/sys/fs/cgroup/memory/$CG_PARENT/$ID" ] || nope "delete left the cgroup behind"
}
run_test "v1: memory, pids, cpu and device rules, read back outside and inside" t_v1_resources root

t_v1_no_cgroupns() {
	[ "$(layout)" = v1 ] || skipt "host cgroups are $(layout), not v1/hybrid"
	# as podman runs containers on v1: no cgroup namespace, a ro cgroup mount
	mkbundle; cgpath
	cfg 'del(.linux.namespaces[] | select(.type == "cgroup"))
		| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "ro"]}]
		| .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42}}'
	sh_ok 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
		(echo 999999999 > /sys/fs/cgroup/memory/memory.limit_in_bytes) 2>/dev/null && echo raised || echo read-only'
	expect_eq "its own limits, and no way to raise them" "$OUT" "67108864
42
read-only"
}
run_test "v1 without a cgroup namespace: the container's own cgroups, read-only" t_v1_no_cgroupns root

t_pause_resume() {
	[ "$(layout)" != none ] || skipt "no cgroups here"
	mkbundle; cgpath
	set_args sleep 30
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	at_exit "rm_ctr $ID"
	rt pause "$ID" || nope "pause failed"
	expect_eq "status after pause" "$(ctr_status)" paused
	if [ "$(layout)" = v1 ]; then expect_eq "freezer.state" "$(cgfile freezer freezer.state)" FROZEN; fi
	rt resume "$ID" || nope "resume failed"
	expect_eq "status after resume" "$(ctr_status)" running
	RC=0; rt resume "$ID" 2>/dev/null || RC=$?
	expect_fail "resume of a running container"
	rm_ctr
}
run_test "pause and resume freeze the container; state says paused" t_pause_resume root

t_update_ps_kill_all_events() {
	[ "$(layout)" = v1 ] || skipt "host cgroups are $(layout)"
	mkbundle; cgpath
	cfg '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 100}}'
	set_sh 'sleep 100 & sleep 100 & wait'
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	at_exit "rm_ctr $ID"
	rt update --memory 33554432 --pids-limit 20 "$ID" || nope "update failed"
	expect_eq "memory after update" "$(cgfile memory memory.limit_in_bytes)" 33554432
	expect_eq "pids after update" "$(cgfile pids pids.max)" 20
	echo '{"pids": {"limit": 30}}' >"$B/res.json"
	rt update -r "$B/res.json" "$ID" || nope "update -r failed"
	expect_eq "pids after update -r" "$(cgfile pids pids.max)" 30
	wait_for test "$(rt ps --format json "$ID" | jq length)" = 3 || nope "ps: $(rt ps --format json "$ID")"
	local ev
	ev=$(rt events --stats "$ID") || nope "events --stats failed"
	expect_eq "events pids.current" "$(jq .data.pids.current <<<"$ev")" 3
	expect_eq "events memory limit" "$(jq .data.memory.usage.limit <<<"$ev")" 33554432
	local pids
	pids=$(rt ps --format json "$ID" | jq -r '.[]')
	rt kill --all "$ID" KILL || nope "kill --all failed"
	wait_status stopped || nope "not stopped after kill --all"
	for p in $pids; do [ ! -e "/proc/$p" ] || grep -q '^State:.*Z' "/proc/$p/status" || nope "pid $p survived kill --all"; done
	rt delete "$ID" || nope "delete failed"
}
run_test "update, ps, events --stats and kill --all through the cgroup" t_update_ps_kill_all_events root

# ocirun in a private mount namespace whose /sys/fs/cgroup is replaced
in_layout() { # KIND(cgroup2|empty) CMD...: run the runtime there
	local kind=$1
	shift
	unshare -m bash -c '
		set -e
		if [ "$0" = cgroup2 ]; then mount -t cgroup2 none /sys/fs/cgroup; else mount -t tmpfs none /sys/fs/cgroup; fi
		exec "$@"' "$kind" "$@"
}

# run_in KIND: run $B as $ID there, in the foreground; sets RC and ERR
run_in() {
	RC=0
	in_layout "$1" timeout 20 "$OCIRUN" --root "$STATE_root" run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
}

t_pure_v2() {
	in_layout cgroup2 true 2>/dev/null || skipt "cannot mount a private cgroup2 here"
	mkbundle; cgpath
	set_sh 'cat /proc/self/cgroup'
	run_in cgroup2
	expect_ok "run on a pure cgroup2 tree"
	expect_eq "inside: the cgroup2 line, rooted at the container" "$(grep '^0::' "$B/out")" "0::/"
	# controllers missing from the tree: the error names the resource
	mkbundle; cgpath
	cfg '.linux.resources = {"pids": {"limit": 10}}'
	set_sh 'echo ran'
	run_in cgroup2
	if grep -q pids /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
		expect_ok "pids limit where cgroup2 has the controller"
	else
		expect_fail "pids limit without a pids controller"
		grep -q 'linux.resources.pids.limit' <<<"$ERR" || nope "the error does not name the resource: $ERR"
		[ -z "$(cat "$B/out")" ] || nope "the container ran"
	fi
}
run_test "pure cgroup2: runs, cgroup namespace at its cgroup; a missing controller is named" t_pure_v2 root

t_v2_freeze_kill() {
	in_layout cgroup2 true 2>/dev/null || skipt "cannot mount a private cgroup2 here"
	mkbundle; cgpath
	set_sh 'sleep 100 & sleep 100'

	# one private namespace for the whole walk: the state names the path
	cat >"$B/walk.sh" <<WALK
set -e
$OCIRUN --root $STATE_root run -d -b $B $ID </dev/null >/dev/null
$OCIRUN --root $STATE_root pause $ID
cat /sys/fs/cgroup/$CG_PARENT/$ID/cgroup.freeze
$OCIRUN --root $STATE_root state $ID | jq -r .status
$OCIRUN --root $STATE_root resume $ID
$OCIRUN --root $STATE_root kill --all $ID KILL
for i in \$(seq 50); do [ "\$($OCIRUN --root $STATE_root state $ID | jq -r .status)" = stopped ] && break; sleep 0.1; done
$OCIRUN --root $STATE_root state $ID | jq -r .status
$OCIRUN --root $STATE_root delete $ID
[ -d /sys/fs/cgroup/$CG_PARENT/$ID ] && echo left || echo removed
WALK
	OUT=$(in_layout cgroup2 bash "$B/walk.sh" 2>"$B/err") || nope "walk failed: $(cat "$B/err")"
	expect_eq "freeze, paused, stopped, removed" "$OUT" "1
paused
stopped
removed"
}
run_test "pure cgroup2: pause via cgroup.freeze, kill --all, delete removes the cgroup" t_v2_freeze_kill root

t_v2_devices() {
	in_layout cgroup2 true 2>/dev/null || skipt "cannot mount a private cgroup2 here"
	# deny all, then kmsg for reading only; the devices every container
	# has stay usable (the runtime appends them, as runc does); the eBPF
	# program the runtime attaches decides
	local rules='[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]'
	mkbundle; cgpath; with_kmsg
	cfg ".linux.resources = {\"devices\": $rules}"
	set_sh 'mknod /tmp/k c 1 11 && for d in /dev/null /dev/zero /tmp/k; do
		head -c1 $d >/tmp/o 2>/tmp/e || dd if=$d of=/tmp/o bs=4096 count=1 2>/tmp/e && r=r || r=-
		(echo x >$d) 2>/tmp/e && w=w || w=-; echo "$d $r$w"; done'
	run_in cgroup2
	expect_ok "run with device rules on cgroup2"
	expect_eq "device access" "$(cat "$B/out")" "/dev/null rw
/dev/zero rw
/tmp/k r-"
	# without the allow rule, kmsg cannot be opened at all
	mkbundle; cgpath; with_kmsg
	cfg '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]}'
	set_sh "$KMSG_READ"
	run_in cgroup2
	expect_eq "kmsg under deny-all" "$(cat "$B/out")" "kmsg-denied"
}
run_test "pure cgroup2: device rules become an eBPF program that is enforced" t_v2_devices root

t_no_cgroups() {
	mkbundle; cgpath
	set_sh 'echo ran'
	run_in empty
	expect_ok "run without any cgroups"
	expect_eq "output" "$(cat "$B/out")" "ran"
	mkbundle; cgpath
	cfg '.linux.resources = {"memory": {"limit": 67108864}}'
	run_in empty
	expect_fail "a memory limit without cgroups"
	grep -q 'linux.resources' <<<"$ERR" || nope "error does not name linux.resources: $ERR"
}
run_test "no cgroups at all: runs, and refuses resources with a clear error" t_no_cgroups root

t_rootless_no_delegation() {
	mkbundle; cgpath
	set_sh 'echo ran'
	run_ctr
	expect_ok "rootless run without a delegated cgroup"
	expect_eq "output" "$OUT" "ran"
	mkbundle; cgpath
	cfg '.linux.resources = {"pids": {"limit": 10}}'
	set_sh 'echo ran'
	run_ctr
	expect_fail "rootless pids limit without delegation"
	grep -q 'delegated' <<<"$ERR" || nope "error does not explain delegation: $ERR"
}
run_test "rootless: runs without delegation; resources need a delegated cgroup2" t_rootless_no_delegation user

t_nothing_left() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 3 -path "*$CG_PARENT/*" -type d 2>/dev/null)
	[ -z "$left" ] || nope "cgroups left behind: $left"
}
run_test "no container cgroup is left behind" t_nothing_left root
