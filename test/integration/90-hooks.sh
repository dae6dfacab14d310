#!/bin/bash
# hooks: order, the state on stdin, the namespace each hook runs in, args and
# env, failures and timeouts.
. "$(dirname "$0")/../lib.sh"

JQ=$(command -v jq)

# setup_hooks: a bundle with every hook kind logging "NAME STATUS NS-CHECK"
# to $LOG.  NS-CHECK is "host-mntns" when the hook runs in the mount
# namespace of the runtime (the test's), "other-mntns" otherwise.
# Status during prestart/createRuntime/createContainer: the create operation
# has not returned, so both "creating" (runc) and "created" are accepted.
HOST_MNTNS=$(readlink /proc/self/ns/mnt)
setup_hooks() {
	mkbundle
	HD=$B/hooks
	LOGD=$B/log
	LOG=$LOGD/log
	mkdir -p "$HD" "$LOGD"
	: >"$LOG"
	chmod 777 "$LOGD"
	chmod 666 "$LOG"
	cat >"$HD/hook.sh" <<EOF
#!/bin/sh
# host hook: \$1 = hook name; the state JSON is on stdin
state=\$(cat)
st=\$(printf '%s' "\$state" | $JQ -r .status)
id=\$(printf '%s' "\$state" | $JQ -r .id)
pid=\$(printf '%s' "\$state" | $JQ -r .pid)
ns=other-mntns
[ "\$(readlink /proc/self/ns/mnt)" = "$HOST_MNTNS" ] && ns=host-mntns
case \$1:\$st in prestart:creating | createRuntime:creating | createContainer:creating) st=created ;; esac
echo "\$1 \$st \$ns" >>$LOG
echo "\$pid" >$LOGD/pid.\$1
[ "\$id" = "$ID" ] || echo "\$1 wrong-id \$id" >>$LOG
[ -n "\${HOOK_ENV:-}" ] && echo "\$1 env \$HOOK_ENV args \$*" >>$LOG
[ -n "\${HOOK_FAIL:-}" ] && exit 1
[ -n "\${HOOK_SLEEP:-}" ] && exec sleep "\$HOOK_SLEEP"
exit 0
EOF
	chmod 755 "$HD/hook.sh"
	# startContainer: path resolves in the container; busybox sh, no jq
	mkdir -p "$B/rootfs/hooks"
	cat >"$B/rootfs/hooks/start.sh" <<'EOF'
#!/bin/sh
st=$(cat | tr -d '\n' | sed -n 's/.*"status" *: *"\([a-z]*\)".*/\1/p')
m=$(cat /etc/marker 2>/dev/null)
echo "startContainer $st $m $(hostname)" >>/hooklog/log
[ -n "${HOOK_FAIL:-}" ] && exit 1
exit 0
EOF
	chmod 755 "$B/rootfs/hooks/start.sh"
	echo in-rootfs >"$B/rootfs/etc/marker"
	own "$HD" "$LOGD" "$B/rootfs/hooks" "$B/rootfs/etc/marker"
	chmod 777 "$LOGD"
	cfg '.mounts += [{"destination": "/hooklog", "type": "bind", "source": $d, "options": ["bind"]}]
		| .hooks = {
		"prestart": [{"path": $h, "args": ["hook.sh", "prestart"]}],
		"createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime"]}],
		"createContainer": [{"path": $h, "args": ["hook.sh", "createContainer"]}],
		"startContainer": [{"path": "/hooks/start.sh", "args": ["start.sh"]}],
		"poststart": [{"path": $h, "args": ["hook.sh", "poststart"]}],
		"poststop": [{"path": $h, "args": ["hook.sh", "poststop"]}]}' \
		--arg h "$HD/hook.sh" --arg d "$LOGD"
}

# (runc 1.1 runs poststart while the status is still "created" and during
# create; crun 1.8 gives startContainer the non-standard status "starting";
# both run createContainer in the runtime's mount namespace.)
t_hooks_order() {
	setup_hooks
	set_sh 'echo program-ran; exec sleep 100'
	create_ctr
	expect_ok create
	expect_eq "hooks after create" "$(cat "$LOG")" "prestart created host-mntns
createRuntime created host-mntns
createContainer created other-mntns"
	rc rt start "$ID"
	expect_ok start
	wait_for grep -q program-ran "$B/out" || nope "program did not run"
	expect_eq "hooks after start" "$(sed -n '4,$p' "$LOG")" "startContainer created in-rootfs ocirun-test
poststart running host-mntns"
	rc rt kill "$ID" KILL
	wait_status stopped || nope "not stopped"
	rc rt delete "$ID"
	expect_ok delete
	expect_eq "hooks after delete" "$(sed -n '6,$p' "$LOG")" "poststop stopped host-mntns"
}
run_test "hooks run in order with the right status and namespace" t_hooks_order root user

t_hooks_run() {
	setup_hooks
	set_sh 'exit 3'
	run_ctr
	expect_rc 3 "run exit status"
	expect_eq "hooks of run" "$(cut -d' ' -f1,2 "$LOG")" "prestart created
createRuntime created
createContainer created
startContainer created
poststart running
poststop stopped"
}
run_test "run invokes every hook, poststop after exit" t_hooks_run root user

t_hook_args_env() {
	setup_hooks
	cfg '.hooks = {"createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime", "extra-arg"], "env": ["HOOK_ENV=v1"]}]}' \
		--arg h "$HD/hook.sh"
	set_args sleep 100
	create_ctr
	expect_ok create
	grep -qx "createRuntime env v1 args createRuntime extra-arg" "$LOG" || nope "hook args/env not passed: $(cat "$LOG")"
	rm_ctr
}
run_test "hook args and env are passed" t_hook_args_env root user

t_hook_fail_create() {
	local kind
	for kind in prestart createRuntime createContainer; do
		fresh_state
		setup_hooks
		cfg '.hooks = {($k): [{"path": $h, "args": ["hook.sh", $k], "env": ["HOOK_FAIL=1"]}]}' --arg h "$HD/hook.sh" --arg k "$kind"
		set_sh 'echo program-ran'
		create_ctr
		expect_fail "create with a failing $kind hook"
		expect_error_format "failing $kind" "$ERR"
		grep -q "^$kind " "$LOG" || nope "$kind hook did not run"
		rc rt state "$ID"
		expect_fail "state after a failed create ($kind)"
		rc rt list -q
		expect_eq "containers after failed create ($kind)" "$OUT" ""
		[ -z "$(ls -A "$STATE")" ] || nope "state dir not empty after failed create: $(ls -A "$STATE")"
		# the container init (pid from the state given to the hook) is gone
		# (createContainer runs in the container: its pid may be ns-relative)
		local pid
		pid=$(cat "$LOGD/pid.$kind" 2>/dev/null)
		[ "$kind" = createContainer ] && pid=0
		if [ "${pid:-0}" -gt 0 ] && [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status"; then
			nope "container init $pid still alive after create failed ($kind)"
		fi
		grep -q program-ran "$B/out" && nope "program ran"
	done
	return 0
}
run_test "a failing prestart/createRuntime/createContainer hook fails create, leaves nothing" t_hook_fail_create root user

t_hook_timeout() {
	fresh_state
	setup_hooks
	cfg '.hooks = {"createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime"], "env": ["HOOK_SLEEP=10"], "timeout": 1}]}' \
		--arg h "$HD/hook.sh"
	set_args sleep 100
	local t0 t1
	t0=$(date +%s%N)
	create_ctr
	t1=$(date +%s%N)
	expect_fail "create with a hook that times out"
	local ms=$(((t1 - t0) / 1000000))
	[ "$ms" -lt 5000 ] || nope "create took ${ms} ms with a 1 s hook timeout"
	rc rt state "$ID"
	expect_fail "state after the timed out create"
	[ -z "$(ls -A "$STATE")" ] || nope "state dir not empty: $(ls -A "$STATE")"
}
run_test "a hook over its timeout fails create in about a second" t_hook_timeout root user

# (runc 1.1 and crun 1.8 ignore a failing startContainer hook)
t_hook_fail_start() {
	setup_hooks
	cfg '.hooks = {"startContainer": [{"path": "/hooks/start.sh", "args": ["start.sh"], "env": ["HOOK_FAIL=1"]}]}'
	set_sh 'echo program-ran'
	create_ctr
	expect_ok create
	rc rt start "$ID"
	expect_fail "start with a failing startContainer hook"
	grep -q '^startContainer' "$LOG" || nope "startContainer hook did not run"
	sleep 0.3
	grep -q program-ran "$B/out" && nope "the program ran after its startContainer hook failed"
	local s
	s=$(ctr_status)
	[ -z "$s" ] || [ "$s" = stopped ] || nope "status after failed start: $s (want stopped or deleted)"
	rm_ctr
}
run_test "a failing startContainer hook fails start, program not run" t_hook_fail_start root user

# spec 1.3 (runtime.md step 9): a failing poststart hook is an error and
# the container is stopped.  (runc 1.1 runs poststart during create; crun
# 1.8 only warns.)
t_hook_fail_poststart() {
	setup_hooks
	cfg '.hooks = {"poststart": [{"path": $h, "args": ["hook.sh", "poststart"], "env": ["HOOK_FAIL=1"]}]}' --arg h "$HD/hook.sh"
	set_args sleep 100
	create_ctr
	expect_ok create
	local pid
	pid=$(ctr_pid)
	rc rt start "$ID"
	expect_fail "start with a failing poststart hook (spec 1.3: error, stop the container)"
	sleep 0.3
	if [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status"; then
		nope "container process still running after its poststart hook failed"
	fi
	rm_ctr
}
run_test "a failing poststart hook fails start and stops the container" t_hook_fail_poststart root user

t_hook_fail_poststop() {
	setup_hooks
	cfg '.hooks = {"poststop": [{"path": $h, "args": ["hook.sh", "poststop"], "env": ["HOOK_FAIL=1"]}]}' --arg h "$HD/hook.sh"
	set_sh 'true'
	create_ctr
	expect_ok create
	rt start "$ID" >/dev/null 2>&1
	wait_status stopped || nope "not stopped"
	rc rt delete "$ID"
	expect_ok "delete with a failing poststop hook (only a warning)"
	grep -q '^poststop' "$LOG" || nope "poststop hook did not run"
	rc rt state "$ID"
	expect_fail "state after delete"
}
run_test "a failing poststop hook only warns, delete succeeds" t_hook_fail_poststop root user

t_hook_missing() {
	fresh_state
	setup_hooks
	cfg '.hooks = {"createRuntime": [{"path": "/nonexistent/hook"}]}'
	set_args sleep 100
	create_ctr
	expect_fail "create with a missing hook binary"
	rc rt state "$ID"
	expect_fail "state after failed create"
}
run_test "a missing hook binary fails create" t_hook_missing root user
