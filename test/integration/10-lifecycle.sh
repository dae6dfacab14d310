#!/bin/bash
# Lifecycle: create / start / state / kill / delete / run / list / ids.
. "$(dirname "$0")/../lib.sh"

# create -> created (init alive, user program not yet run) -> start ->
# running (program output appears) -> kill -> stopped -> delete -> gone
t_full_lifecycle() {
	mkbundle
	set_sh 'echo hello-from-ctr; exec sleep 987'
	create_ctr
	expect_ok "create"
	expect_eq "status after create" "$(ctr_status)" created
	local pid
	pid=$(ctr_pid)
	[[ $pid =~ ^[0-9]+$ ]] && [ "$pid" -gt 0 ] || nope "state pid is '$pid'"
	[ -d /proc/$pid ] || nope "pid $pid from state is not alive"
	local cmd
	cmd=$(tr '\0' ' ' </proc/$pid/cmdline)
	case $cmd in *987*) nope "user program already running after create: $cmd" ;; esac
	grep -q hello-from-ctr "$B/out" && nope "output appeared before start"
	rc rt start "$ID"
	expect_ok "start"
	expect_eq "status after start" "$(ctr_status)" running
	wait_for grep -q hello-from-ctr "$B/out" || nope "no output from the container: $(cat "$B/out" "$B/err")"
	wait_for sh -c "tr '\0' ' ' </proc/$pid/cmdline | grep -q 'sleep 987'" ||
		nope "pid $pid is not the user program: $(tr '\0' ' ' </proc/$pid/cmdline)"
	rc rt kill "$ID" KILL
	expect_ok "kill KILL"
	wait_status stopped || nope "status after kill: $(ctr_status), want stopped"
	[ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status && nope "pid $pid still alive after kill"
	rc rt delete "$ID"
	expect_ok "delete of stopped container"
	rc rt state "$ID"
	expect_fail "state after delete"
	return 0
}
run_test "create/start/state/kill/delete" t_full_lifecycle root user

# state JSON: required fields, absolute bundle, annotations
t_state_json() {
	mkbundle
	set_args sleep 100
	cfg '.annotations = {"org.test.key": "value-1", "other": "x"}'
	create_ctr
	expect_ok create
	local s
	s=$(rt state "$ID") || nope "state failed"
	expect_eq "ociVersion is a string" "$(jq -r '.ociVersion|type' <<<"$s")" string
	expect_eq "id" "$(jq -r .id <<<"$s")" "$ID"
	expect_eq "status" "$(jq -r .status <<<"$s")" created
	expect_eq "bundle" "$(jq -r .bundle <<<"$s")" "$(realpath "$B")"
	expect_eq "annotation" "$(jq -r '.annotations["org.test.key"]' <<<"$s")" value-1
	expect_eq "pid type" "$(jq -r '.pid|type' <<<"$s")" number
	rm_ctr
}
run_test "state JSON has id, status, pid, absolute bundle, annotations" t_state_json root user

# bundle given as a relative path: state.bundle is still absolute
t_relative_bundle() {
	mkbundle
	set_args sleep 100
	local rel
	rel=$(basename "$B")
	RC=0
	(cd "$WDIR" && rt create -b "$rel" "$ID" </dev/null >"$B/out" 2>"$B/err") || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "create with relative bundle"
	expect_eq "bundle" "$(rt state "$ID" | jq -r .bundle)" "$(realpath "$B")"
	rm_ctr
}
run_test "relative --bundle is made absolute in state" t_relative_bundle root user

# the container's own exit: status becomes stopped without kill
t_exits_stopped() {
	mkbundle
	set_sh 'echo done'
	create_ctr
	expect_ok create
	rc rt start "$ID"
	expect_ok start
	wait_status stopped || nope "status: $(ctr_status), want stopped after the program exited"
	expect_eq "output" "$(cat "$B/out")" "done"
	rc rt delete "$ID"
	expect_ok "delete"
}
run_test "program exit makes the container stopped" t_exits_stopped root user

# --pid-file holds only the pid (digits), the same as state.pid
t_pid_file() {
	mkbundle
	set_args sleep 100
	local pf=$WDIR/pidfile-$BASHPID
	[ "$MODE" = user ] && { mkdir -p "$pf.d"; own "$pf.d"; pf=$pf.d/pid; }
	create_ctr --pid-file "$pf"
	expect_ok create
	[ -f "$pf" ] || nope "pid file not written"
	local content
	content=$(cat "$pf")
	[[ $content =~ ^[0-9]+$ ]] || nope "pid file content is '$content' (must be digits only)"
	# no trailing newline is required, but nothing but digits (and maybe \n)
	[ "$(tr -d '0-9\n' <"$pf" | wc -c)" = 0 ] || nope "pid file has extra bytes: $(od -c "$pf")"
	expect_eq "pid file vs state pid" "$content" "$(ctr_pid)"
	rm_ctr
}
run_test "--pid-file holds the container pid" t_pid_file root user

# kill with the default signal (TERM) and with TERM / SIGTERM / 15 spellings:
# the container init has a handler, so it sees the signal.
t_kill_signals() {
	local sig
	for sig in "" TERM SIGTERM 15 USR1 SIGUSR1 10; do
		mkbundle
		local want=TERM
		case $sig in USR1 | SIGUSR1 | 10) want=USR1 ;; esac
		set_sh 'trap "echo got-TERM; exit 3" TERM; trap "echo got-USR1; exit 4" USR1; echo ready; while :; do sleep 0.1; done'
		create_ctr
		expect_ok create
		rc rt start "$ID"
		expect_ok start
		wait_for grep -q ready "$B/out" || nope "container did not start"
		if [ -z "$sig" ]; then rc rt kill "$ID"; else rc rt kill "$ID" "$sig"; fi
		expect_ok "kill ${sig:-(default)}"
		wait_status stopped || nope "kill ${sig:-(default)}: still $(ctr_status)"
		grep -q "got-$want" "$B/out" || nope "kill ${sig:-(default)}: the container did not get SIG$want: $(cat "$B/out")"
		rm_ctr
	done
}
run_test "kill delivers TERM by default and accepts TERM/SIGTERM/15" t_kill_signals root user

# kill of a created (not started) container is allowed
t_kill_created() {
	mkbundle
	set_args sleep 100
	create_ctr
	expect_ok create
	rc rt kill "$ID" KILL
	expect_ok "kill of a created container"
	wait_status stopped || nope "status after kill: $(ctr_status)"
	rc rt delete "$ID"
	expect_ok "delete"
}
run_test "kill of a created container stops it" t_kill_created root user

# kill of a stopped container fails (spec: must be created or running)
t_kill_stopped() {
	mkbundle
	set_sh 'true'
	create_ctr
	expect_ok create
	rt start "$ID" >/dev/null 2>&1
	wait_status stopped || nope "did not stop"
	rc rt kill "$ID" KILL
	expect_fail "kill of a stopped container"
	expect_error_format "kill of stopped" "$ERR"
	expect_eq "status" "$(ctr_status)" stopped
	rm_ctr
}
run_test "kill of a stopped container fails" t_kill_stopped root user

# delete without --force of a running container fails, container intact
t_delete_running() {
	mkbundle
	set_args sleep 100
	create_ctr
	expect_ok create
	rc rt start "$ID"
	expect_ok start
	local pid
	pid=$(ctr_pid)
	rc rt delete "$ID"
	expect_fail "delete of a running container without --force"
	expect_error_format "delete running" "$ERR"
	expect_eq "status after refused delete" "$(ctr_status)" running
	[ -d "/proc/$pid" ] || nope "container process died"
	rc rt delete -f "$ID"
	expect_ok "delete --force of a running container"
	rc rt state "$ID"
	expect_fail "state after delete -f"
	sleep 0.2
	[ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' /proc/$pid/status && nope "process $pid survived delete -f"
	return 0
}
run_test "delete without -f of a running container fails" t_delete_running root user

# delete without --force of a created container fails too (spec; runc and
# crun delete a created container anyway, so this is checked for ocirun only)
t_delete_created() {
	mkbundle
	set_args sleep 100
	create_ctr
	expect_ok create
	rc rt delete "$ID"
	if [ "$RC" = 0 ] && is_reference_runtime; then
		skipt "$OCIRUN_NAME deletes created containers without --force (differs from the spec)"
	fi
	expect_fail "delete of a created container without --force"
	expect_error_format "delete created" "$ERR"
	expect_eq "status after refused delete" "$(ctr_status)" created
	rc rt delete --force "$ID"
	expect_ok "delete --force of a created container"
	rc rt state "$ID"
	expect_fail "state after delete --force"
}
run_test "delete without -f of a created container fails" t_delete_created root user

# start of a running container fails and does not run the program again
t_start_twice() {
	mkbundle
	set_sh 'echo once; exec sleep 100'
	create_ctr
	expect_ok create
	rt start "$ID" >/dev/null 2>&1 || nope "first start failed"
	wait_for grep -q once "$B/out" || nope "no output"
	rc rt start "$ID"
	expect_fail "second start"
	expect_error_format "second start" "$ERR"
	sleep 0.3
	expect_eq "output lines" "$(grep -c once "$B/out")" 1
	expect_eq "status" "$(ctr_status)" running
	rm_ctr
}
run_test "start of a running container fails" t_start_twice root user

# config without process: create succeeds, start fails
t_no_process() {
	mkbundle
	cfg 'del(.process)'
	create_ctr
	if is_reference_runtime && [ "$RC" != 0 ]; then
		skipt "$OCIRUN_NAME refuses a config without process at create (spec allows create)"
	fi
	expect_ok "create without process"
	expect_eq "status" "$(ctr_status)" created
	rc rt start "$ID"
	expect_fail "start without process"
	expect_error_format "start without process" "$ERR"
	rm_ctr
}
run_test "config without process: create ok, start fails" t_no_process root user

# duplicate id: refused, the first container is untouched
t_duplicate_id() {
	mkbundle
	set_args sleep 100
	create_ctr
	expect_ok create
	local pid id1=$ID b1=$B
	pid=$(ctr_pid)
	mkbundle
	set_args sleep 200
	RC=0
	rt create -b "$B" "$id1" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_fail "create with a duplicate id"
	expect_error_format "duplicate id" "$ERR"
	local s
	s=$(rt state "$id1") || nope "first container gone after duplicate create"
	expect_eq "pid of the first container" "$(jq -r .pid <<<"$s")" "$pid"
	expect_eq "bundle of the first container" "$(jq -r .bundle <<<"$s")" "$(realpath "$b1")"
	rm_ctr "$id1"
}
run_test "create with a duplicate id fails" t_duplicate_id root user

# run: foreground, exit status of the container
t_run_exit_code() {
	mkbundle
	set_sh 'echo out-line; echo err-line >&2; exit 7'
	run_ctr
	expect_rc 7 "run exit status"
	expect_eq "stdout" "$OUT" out-line
	expect_eq "stderr" "$ERR" err-line
	rc rt state "$ID"
	# run removes the container after it exits (like runc): either gone or stopped
	if [ "$RC" = 0 ]; then expect_eq "status after run" "$(jq -r .status <<<"$OUT")" stopped; fi
	rm_ctr
}
run_test "run returns the container exit status" t_run_exit_code root user

# run: killed by a signal -> 128+N
t_run_signal() {
	mkbundle
	set_args sleep 100
	RC=0
	rt run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" &
	local bg=$!
	wait_status running || { kill $bg; nope "container not running: $(cat "$B/err")"; }
	rt kill "$ID" KILL >/dev/null 2>&1 || nope "kill failed"
	wait $bg || RC=$?
	expect_rc 137 "run status of a container killed by SIGKILL"
	rm_ctr
}
run_test "run exit status is 128+N when killed by signal N" t_run_signal root user

# run -d: returns while the container runs
t_run_detach() {
	mkbundle
	set_sh 'echo detached-out; exec sleep 100'
	local t0 t1
	t0=$(date +%s)
	RC=0
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	t1=$(date +%s)
	ERR=$(cat "$B/err")
	expect_ok "run -d"
	[ $((t1 - t0)) -lt 10 ] || nope "run -d did not return promptly"
	expect_eq "status" "$(ctr_status)" running
	wait_for grep -q detached-out "$B/out" || nope "no output from detached container"
	rc rt kill "$ID" KILL
	wait_status stopped || nope "not stopped after kill"
	rc rt delete "$ID"
	expect_ok delete
}
run_test "run -d detaches" t_run_detach root user

# list -q and --format json
t_list() {
	fresh_state
	mkbundle
	set_args sleep 100
	local id1=$ID
	create_ctr
	expect_ok create
	newid
	local id2=$ID
	create_ctr
	expect_ok "create 2"
	rt start "$id2" >/dev/null 2>&1
	rc rt list -q
	expect_ok "list -q"
	expect_eq "list -q" "$(sort <<<"$OUT")" "$(printf '%s\n' "$id1" "$id2" | sort)"
	rc rt list --format json
	expect_ok "list --format json"
	expect_eq "json ids" "$(jq -r '.[].id' <<<"$OUT" | sort | tr '\n' ' ')" "$(printf '%s\n' "$id1" "$id2" | sort | tr '\n' ' ')"
	expect_eq "json status of $id2" "$(jq -r --arg i "$id2" '.[] | select(.id == $i) | .status' <<<"$OUT")" running
	expect_eq "json status of $id1" "$(jq -r --arg i "$id1" '.[] | select(.id == $i) | .status' <<<"$OUT")" created
	rc rt list
	expect_ok "list (table)"
	grep -q "$id1" <<<"$OUT" || nope "table list lacks $id1: $OUT"
	rm_ctr "$id1"
	rm_ctr "$id2"
	rc rt list -q
	expect_eq "list -q after delete" "$OUT" ""
}
run_test "list shows containers (-q, json, table)" t_list root user

# bad ids are refused and nothing is created outside the state dir
t_bad_ids() {
	fresh_state
	mkbundle
	set_args sleep 100
	local bad before after
	: >"$B/out"
	: >"$B/err"
	before=$(cd "$WDIR" && find . -path ./state-\* -prune -o -print | sort)
	for bad in "../x" "a/b" "." ".." "../../../../tmp/ocirun-bad-id" "" "x/../y"; do
		RC=0
		rt create -b "$B" "$bad" </dev/null >"$B/out" 2>"$B/err" || RC=$?
		ERR=$(cat "$B/err")
		[ "$RC" != 0 ] || { rt delete -f "$bad" >/dev/null 2>&1; nope "create with id '$bad' succeeded"; }
		[ -n "$bad" ] && expect_error_format "id '$bad'" "$ERR"
	done
	[ -e /tmp/ocirun-bad-id ] && { rm -rf /tmp/ocirun-bad-id; nope "/tmp/ocirun-bad-id was created"; }
	after=$(cd "$WDIR" && find . -path ./state-\* -prune -o -print | sort)
	[ "$before" = "$after" ] || nope "files appeared: $(diff <(echo "$before") <(echo "$after"))"
	[ -z "$(ls -A "$STATE")" ] || nope "state dir not empty: $(ls -A "$STATE")"
	# and the state dir's parent is untouched
	[ ! -e "$(dirname "$STATE")/x" ] || nope "$(dirname "$STATE")/x created"
}
run_test "ids with / or .. are refused" t_bad_ids root user

# state / start / kill / delete of an unknown id fail
t_unknown_id() {
	local op
	for op in state start "kill" delete; do
		rc rt $op no-such-container
		expect_fail "$op of an unknown container"
		expect_error_format "$op unknown" "$ERR"
	done
}
run_test "operations on an unknown id fail" t_unknown_id root user

# updates to config.json after create have no effect
t_config_change_after_create() {
	mkbundle
	set_sh 'echo original'
	create_ctr
	expect_ok create
	set_sh 'echo changed'
	rt start "$ID" >/dev/null 2>&1 || nope "start failed"
	wait_status stopped || nope "did not stop"
	expect_eq "output" "$(cat "$B/out")" original
	rm_ctr
}
run_test "config.json changes after create do not affect the container" t_config_change_after_create root user
