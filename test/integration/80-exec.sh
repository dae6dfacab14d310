#!/bin/bash
# exec: a new process in a running container, with its namespaces, env, cwd,
# user, capabilities, exit status, --process, -d, -t.
. "$(dirname "$0")/../lib.sh"

# start_sleeper: a running container whose pid 1 is `sleep 1000`; sets PID
start_sleeper() {
	mkbundle
	echo "exec-marker" >"$B/rootfs/etc/marker"
	own "$B/rootfs/etc/marker"
	[ -n "${1:-}" ] && cfg "$1"
	set_args sleep 1000
	create_ctr
	expect_ok create
	rc rt start "$ID"
	expect_ok start
	PID=$(ctr_pid)
	wait_for sh -c "tr '\0' ' ' </proc/$PID/cmdline | grep -q 'sleep 1000'" || nope "container init is not sleep"
}
# x ARGS...: exec into $ID, stdio to files, sets RC OUT ERR
x() {
	RC=0
	rt exec "$@" </dev/null >"$B/xout" 2>"$B/xerr" || RC=$?
	OUT=$(cat "$B/xout") ERR=$(cat "$B/xerr")
}

t_exec_basic() {
	start_sleeper
	x "$ID" sh -c 'tr "\0" " " </proc/1/cmdline; echo; cat /etc/marker; hostname; echo "$$"'
	expect_ok exec
	expect_eq "pid 1 in the exec'd view" "$(sed -n 1p <<<"$OUT")" "sleep 1000 "
	expect_eq "rootfs" "$(sed -n 2p <<<"$OUT")" exec-marker
	expect_eq "hostname" "$(sed -n 3p <<<"$OUT")" ocirun-test
	[ "$(sed -n 4p <<<"$OUT")" != 1 ] || nope "exec'd process is pid 1"
	rm_ctr
}
run_test "exec runs in the container (pid 1 is the init, same rootfs)" t_exec_basic root user

t_exec_namespaces() {
	start_sleeper
	x "$ID" sh -c 'for n in pid net ipc uts mnt user cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	expect_ok exec
	local n got want
	for n in pid net ipc uts mnt user cgroup; do
		got=$(awk -v n="$n" '$1 == n {print $2}' <<<"$OUT")
		want=$(readlink "/proc/$PID/ns/$n")
		expect_eq "$n namespace of the exec'd process" "$got" "$want"
	done
	rm_ctr
}
run_test "exec joins all the container's namespaces" t_exec_namespaces root user

t_exec_env_cwd() {
	start_sleeper
	# like runc, --env adds to (or overrides in) the config env; crun 1.8
	# replaces the whole env instead, so it fails this test
	x --env FOO=bar --env "TWO=a b" --env TERM=dumb --cwd /etc "$ID" sh -c 'echo "$FOO|$TWO|$(pwd)|$PATH|$TERM"'
	expect_ok exec
	expect_eq "env and cwd" "$OUT" "bar|a b|/etc|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|dumb"
	x -e SHORT=1 "$ID" sh -c 'echo "$SHORT"'
	expect_ok "exec -e"
	expect_eq "exec -e" "$OUT" 1
	rm_ctr
}
run_test "exec --env and --cwd (config env kept)" t_exec_env_cwd root user

t_exec_user() {
	start_sleeper
	x --user 1000:1000 "$ID" sh -c 'echo "$(id -u):$(id -g)"'
	expect_ok "exec --user 1000:1000"
	expect_eq "ids" "$OUT" "1000:1000"
	x -u 1000 "$ID" id -u
	expect_ok "exec -u 1000"
	expect_eq "uid" "$OUT" 1000
	rm_ctr
}
run_test "exec --user" t_exec_user root

t_exec_exit() {
	start_sleeper
	x "$ID" sh -c 'echo err >&2; exit 42'
	expect_rc 42 "exec exit status"
	expect_eq "stderr" "$ERR" err
	x "$ID" no-such-binary-xyz
	expect_fail "exec of a missing binary"
	expect_eq "container still running" "$(ctr_status)" running
	rm_ctr
}
run_test "exec propagates the exit status" t_exec_exit root user

t_exec_stdin() {
	start_sleeper
	printf 'in1\nin2\n' >"$B/in"
	RC=0
	rt exec "$ID" cat <"$B/in" >"$B/xout" 2>"$B/xerr" || RC=$?
	OUT=$(cat "$B/xout") ERR=$(cat "$B/xerr")
	expect_ok exec
	expect_eq "stdin copied" "$OUT" "in1
in2"
	rm_ctr
}
run_test "exec passes stdin" t_exec_stdin root user

t_exec_process_file() {
	start_sleeper
	jq -n '{terminal: false, user: {uid: 0, gid: 0}, cwd: "/tmp",
		args: ["sh", "-c", "echo \"$PF $(pwd)\""],
		env: ["PATH=/bin:/usr/bin", "PF=from-process-json"]}' >"$B/process.json"
	own "$B/process.json"
	x --process "$B/process.json" "$ID"
	expect_ok "exec --process"
	expect_eq "output" "$OUT" "from-process-json /tmp"
	rm_ctr
}
run_test "exec --process FILE" t_exec_process_file root user

t_exec_caps() {
	start_sleeper
	x "$ID" grep ^CapEff /proc/self/status
	expect_ok exec
	# CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
	expect_eq "default effective caps" "$(awk '{print $2}' <<<"$OUT")" 0000000020000420
	# like runc, --cap adds to the config's sets (crun 1.8 replaces them)
	x --cap CAP_CHOWN "$ID" grep -E '^Cap(Eff|Bnd)' /proc/self/status
	expect_ok "exec --cap CAP_CHOWN"
	expect_eq "caps with --cap CAP_CHOWN" "$(awk '{print $2}' <<<"$OUT" | tr '\n' ' ')" "0000000020000421 0000000020000421 "
	rm_ctr
}
run_test "exec gets the config capabilities, --cap adds one" t_exec_caps root user

t_exec_nnp() {
	start_sleeper '.process.noNewPrivileges = false'
	x "$ID" grep ^NoNewPrivs /proc/self/status
	expect_ok exec
	expect_eq "NoNewPrivs" "$(awk '{print $2}' <<<"$OUT")" 0
	x --no-new-privs "$ID" grep ^NoNewPrivs /proc/self/status
	expect_ok "exec --no-new-privs"
	expect_eq "NoNewPrivs with --no-new-privs" "$(awk '{print $2}' <<<"$OUT")" 1
	rm_ctr
}
run_test "exec --no-new-privs" t_exec_nnp root user

t_exec_detach() {
	start_sleeper
	local pf=$B/exec.pid
	[ "$MODE" = user ] && { mkdir -p "$B/pd"; own "$B/pd"; pf=$B/pd/exec.pid; }
	x -d --pid-file "$pf" "$ID" sleep 777
	expect_ok "exec -d"
	wait_file "$pf" || nope "no pid file"
	local p
	p=$(cat "$pf")
	[[ $p =~ ^[0-9]+$ ]] || nope "pid file content '$p'"
	[ -d "/proc/$p" ] || nope "exec'd process $p not running"
	expect_eq "exec'd process" "$(tr '\0' ' ' </proc/$p/cmdline)" "sleep 777 "
	expect_eq "its pid namespace" "$(readlink /proc/$p/ns/pid)" "$(readlink /proc/$PID/ns/pid)"
	rm_ctr
	sleep 0.3
	if [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
		nope "exec'd process survived delete -f of the container"
	fi
	return 0
}
run_test "exec -d --pid-file" t_exec_detach root user

t_exec_tty() {
	local recv
	recv=$(helper recvtty) || skipt "recvtty helper could not be built"
	start_sleeper
	local sock=$B/exec.sock
	"$recv" -t 15 "$sock" >"$B/tty.out" 2>"$B/tty.err" 9>&- &
	local rp=$!
	wait_for test -S "$sock" || nope "recvtty did not start"
	x -t -d --console-socket "$sock" "$ID" sh -c 'tty; [ -t 0 ] && echo stdin-tty'
	[ "$RC" = 0 ] || { kill $rp; nope "exec -t failed: $ERR"; }
	wait $rp || nope "recvtty failed: $(cat "$B/tty.err")"
	local t
	t=$(tr -d '\r' <"$B/tty.out")
	grep -qE '^/dev/pts/[0-9]+$' <<<"$t" || nope "tty output: $t"
	grep -qx stdin-tty <<<"$t" || nope "stdin not a tty: $t"
	rm_ctr
}
run_test "exec -t --console-socket" t_exec_tty root user

t_exec_stopped() {
	mkbundle
	set_sh 'true'
	create_ctr
	expect_ok create
	rt start "$ID" >/dev/null 2>&1
	wait_status stopped || nope "did not stop"
	x "$ID" echo hi
	expect_fail "exec into a stopped container"
	expect_error_format "exec stopped" "$ERR"
	[ "$OUT" != hi ] || nope "the process ran"
	rm_ctr
	x no-such-container-xyz echo hi
	expect_fail "exec into an unknown container"
}
run_test "exec into a stopped or unknown container fails" t_exec_stopped root user

t_kill_all() {
	# (runc 1.1 and crun 1.8 find the processes through cgroups, which
	# rootless containers do not have here)
	is_reference_runtime && [ "$MODE" = user ] && skipt "$OCIRUN_NAME kill --all needs cgroups"
	start_sleeper
	local pf=$B/pd/exec.pid
	mkdir -p "$B/pd"
	own "$B/pd"
	x -d --pid-file "$pf" "$ID" sh -c 'trap "" TERM; exec sleep 555'
	expect_ok "exec -d"
	wait_file "$pf" || nope "no pid file"
	local p
	p=$(cat "$pf")
	rc rt kill --all "$ID" KILL
	expect_ok "kill --all"
	wait_status stopped || nope "status after kill --all: $(ctr_status)"
	sleep 0.2
	if [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
		nope "exec'd process $p survived kill --all"
	fi
	rm_ctr
}
run_test "kill --all signals every process of the container" t_kill_all root user
