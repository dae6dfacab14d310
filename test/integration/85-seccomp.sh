#!/bin/bash
# linux.seccomp: every action and operator seen from inside the container,
# errnoRet, flags, architectures, a notify listener, exec, and the
# precompiled filter of seccomp_gen (same bytes, same behaviour).
. "$(dirname "$0")/../lib.sh"

# the runtime under test must be able to compile JSON rules
features_seccomp() { "$OCIRUN" features 2>/dev/null | jq -e '.linux.seccomp.enabled' >/dev/null; }
need_seccomp() { features_seccomp || skipt "$OCIRUN_NAME was built without libseccomp"; }

# sec DEFAULT RULES_JSON: set linux.seccomp (and a writable /tmp)
sec() {
	cfg ".linux.seccomp = {\"defaultAction\": \"$1\", \"syscalls\": $2}"
	cfg '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
}
# a rule on mkdir and mkdirat
MKDIR='"names": ["mkdir", "mkdirat"]'

t_errno_default_eperm() {
	need_seccomp; mkbundle
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\"}]"
	sh_ok 'mkdir /tmp/d 2>&1; echo "rc=$?"; touch /tmp/f && echo "touch ok"'
	expect_eq "mkdir under SCMP_ACT_ERRNO" "$OUT" "mkdir: can't create directory '/tmp/d': Operation not permitted
rc=1
touch ok"
}
run_test "SCMP_ACT_ERRNO fails the syscall with EPERM by default" t_errno_default_eperm root user

t_errno_ret() {
	need_seccomp; mkbundle
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18}]"
	sh_ok 'mkdir /tmp/d 2>&1; true'
	expect_eq "mkdir with errnoRet 18 (EXDEV)" "$OUT" "mkdir: can't create directory '/tmp/d': Invalid cross-device link"
}
run_test "errnoRet sets the errno" t_errno_ret root user

t_default_errno_ret() {
	need_seccomp; mkbundle
	# everything the shell needs is allowed; the rest fails with ENOTTY (25)
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 25, "syscalls": [{"names": $n, "action": "SCMP_ACT_ALLOW"}]}' \
		--argjson n "$(json_array execve execveat brk mmap munmap mprotect arch_prctl set_tid_address rt_sigaction rt_sigprocmask rt_sigreturn getpid getppid getuid geteuid getgid getegid write writev read open openat close fstat newfstatat stat lstat ioctl exit exit_group uname getcwd fcntl dup2 dup3 wait4 vfork clone clone3 prlimit64 sigaltstack statx readlink readlinkat access faccessat faccessat2 lseek pread64)"
	sh_ok 'mkdir /tmp/d 2>&1; true'
	expect_eq "mkdir under defaultErrnoRet 25" "$OUT" "mkdir: can't create directory '/tmp/d': Inappropriate ioctl for device"
}
run_test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, SCMP_ACT_ALLOW rules" t_default_errno_ret root user

# the action kills: mkdir is the container process and dies of SIGSYS (31),
# so run exits with 128+31
t_kill_action() { # ACTION
	need_seccomp; mkbundle
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"$1\"}]"
	set_args mkdir /tmp/d
	run_ctr
	expect_rc 159 "exit status (SIGSYS)"
}
t_kill() { t_kill_action SCMP_ACT_KILL; }
t_kill_process() { t_kill_action SCMP_ACT_KILL_PROCESS; }
t_kill_thread() { t_kill_action SCMP_ACT_KILL_THREAD; }
t_trap() { t_kill_action SCMP_ACT_TRAP; }
run_test "SCMP_ACT_KILL kills the process with SIGSYS" t_kill root user
run_test "SCMP_ACT_KILL_PROCESS kills the process" t_kill_process root user
run_test "SCMP_ACT_KILL_THREAD kills the thread" t_kill_thread root user
run_test "SCMP_ACT_TRAP delivers SIGSYS (not caught: the process dies)" t_trap root user

t_trace() {
	need_seccomp; mkbundle
	# no tracer is attached: the kernel fails the syscall with ENOSYS
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_TRACE\"}]"
	sh_ok 'mkdir /tmp/d 2>&1; [ -d /tmp/d ] && echo created || echo absent'
	expect_eq "mkdir under SCMP_ACT_TRACE without tracer" "$OUT" "mkdir: can't create directory '/tmp/d': Function not implemented
absent"
}
run_test "SCMP_ACT_TRACE without a tracer gives ENOSYS" t_trace root user

t_log_allow() {
	need_seccomp; mkbundle
	sec SCMP_ACT_LOG "[{\"names\": [\"mkdirat\", \"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]"
	sh_ok 'mkdir /tmp/d 2>/dev/null || echo denied; touch /tmp/f && echo logged-and-allowed; grep -E "^Seccomp:" /proc/self/status'
	expect_eq "SCMP_ACT_LOG default" "$OUT" "denied
logged-and-allowed
Seccomp:	2"
}
run_test "defaultAction SCMP_ACT_LOG allows (and logs)" t_log_allow root user

# kill(2)'s second argument is the signal number: `kill -N $$` lets the
# shell choose it.  Signals 18 (CONT), 23 (URG) and 28 (WINCH) are harmless.
t_op() { # OP VALUE [VALUE2] EXPECTED("18 23 28" each ok|EPERM)
	need_seccomp; mkbundle
	local arg="{\"index\": 1, \"value\": $2, \"op\": \"$1\"}"
	[ -n "${3:-}" ] && arg="{\"index\": 1, \"value\": $2, \"valueTwo\": $3, \"op\": \"$1\"}"
	sec SCMP_ACT_ALLOW "[{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [$arg]}]"
	sh_ok 'for s in 18 23 28; do kill -$s $$ 2>/dev/null && echo -n "ok " || echo -n "EPERM "; done; echo'
	expect_eq "$1 $2 ${3:-}: kill -18/-23/-28" "$OUT" "$4"
}
t_op_ne() { t_op SCMP_CMP_NE 23 "" "EPERM ok EPERM "; }
t_op_lt() { t_op SCMP_CMP_LT 23 "" "EPERM ok ok "; }
t_op_le() { t_op SCMP_CMP_LE 23 "" "EPERM EPERM ok "; }
t_op_eq() { t_op SCMP_CMP_EQ 23 "" "ok EPERM ok "; }
t_op_ge() { t_op SCMP_CMP_GE 23 "" "ok EPERM EPERM "; }
t_op_gt() { t_op SCMP_CMP_GT 23 "" "ok ok EPERM "; }
# (sig & 0x0c) == 0x0c: 28 (0b11100) matches, 18 and 23 do not
t_op_masked() { t_op SCMP_CMP_MASKED_EQ 12 12 "ok ok EPERM "; }
run_test "SCMP_CMP_NE" t_op_ne root user
run_test "SCMP_CMP_LT" t_op_lt root user
run_test "SCMP_CMP_LE" t_op_le root user
run_test "SCMP_CMP_EQ" t_op_eq root user
run_test "SCMP_CMP_GE" t_op_ge root user
run_test "SCMP_CMP_GT" t_op_gt root user
run_test "SCMP_CMP_MASKED_EQ (value is the mask, valueTwo the datum)" t_op_masked root user

t_flags() {
	need_seccomp; mkbundle
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\"}]"
	cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
	sh_ok 'mkdir /tmp/d 2>/dev/null || echo denied; grep -E "^Seccomp(_filters)?:" /proc/self/status'
	expect_eq "filter with flags" "$OUT" "denied
Seccomp:	2
Seccomp_filters:	1"
}
run_test "flags TSYNC, LOG and SPEC_ALLOW are accepted and the filter loads" t_flags root user

t_bad_values() {
	need_seccomp; mkbundle
	local what
	for what in '.linux.seccomp = {"defaultAction": "SCMP_ACT_BOGUS"}' \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]}' \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}' \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}' \
		'.linux.seccomp = {"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 5}'; do
		mkbundle
		cfg "$what"
		set_sh 'echo ran'
		run_ctr
		expect_fail "$what"
		[ -z "$OUT" ] || nope "$what: the container ran"
		grep -q 'linux.seccomp' <<<"$ERR" || nope "$what: error does not name linux.seccomp: $ERR"
	done
}
run_test "unknown actions, operators, arches and flags are errors naming the path" t_bad_values root

t_unknown_syscall_skipped() {
	need_seccomp; mkbundle
	sec SCMP_ACT_ALLOW "[{\"names\": [\"no_such_syscall_xyz\", \"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]"
	sh_ok 'mkdir /tmp/d 2>/dev/null || echo denied'
	expect_eq "unknown names are skipped, the rest applies" "$OUT" "denied"
}
run_test "syscall names unknown to libseccomp are skipped" t_unknown_syscall_skipped root user

t_arches() {
	need_seccomp; mkbundle
	[ "$(uname -m)" = x86_64 ] || skipt "x86_64 only"
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\"}]"
	cfg '.linux.seccomp.architectures = ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
	set_sh 'mkdir /tmp/d 2>/dev/null || echo denied; sleep 30'
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	at_exit "rm_ctr $ID"
	wait_file "$B/out" || nope "no output"
	local pid bytes
	pid=$(ctr_pid)
	bytes=$("$(helper getfilter)" "$(pgrep -P "$pid" sleep || echo "$pid")" | od -An -tx4 -v | tr -s ' \n' ' ')
	# AUDIT_ARCH_I386 (0x40000003) and AUDIT_ARCH_X86_64 (0xc000003e) both checked
	grep -q 40000003 <<<"$bytes" || nope "no i386 section in the filter"
	grep -q c000003e <<<"$bytes" || nope "no x86_64 section in the filter"
	expect_eq "output" "$(cat "$B/out")" "denied"
	rm_ctr
}
run_test "architectures: the filter covers x86 as well as x86_64" t_arches root

t_exec_filtered() {
	need_seccomp; mkbundle
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\"}]"
	set_args sleep 30
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	at_exit "rm_ctr $ID"
	RC=0
	OUT=$(rt exec "$ID" sh -c 'mkdir /tmp/e 2>/dev/null || echo denied; grep -E "^Seccomp:" /proc/self/status' 2>"$B/err") || RC=$?
	ERR=$(cat "$B/err")
	expect_ok exec
	expect_eq "exec'd process is filtered" "$OUT" "denied
Seccomp:	2"
	rm_ctr
}
run_test "exec applies the container's filter" t_exec_filtered root user

t_notify() {
	need_seccomp; mkbundle
	local sock=$B/agent.sock
	"$(helper scmp_listener)" "$sock" 18 >"$B/agent.out" 2>&1 &
	local agent=$!
	wait_file "$B/agent.out" 5 || nope "listener did not start"
	own "$B"
	[ "$MODE" = user ] && chmod 777 "$sock" 2>/dev/null
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_NOTIFY\"}]"
	cfg '.linux.seccomp.listenerPath = $p | .linux.seccomp.listenerMetadata = "hello-agent"' --arg p "$sock"
	sh_ok 'mkdir /tmp/d 2>&1; true'
	wait "$agent" || nope "listener failed: $(cat "$B/agent.out")"
	expect_eq "mkdir answered by the agent with EXDEV" "$OUT" "mkdir: can't create directory '/tmp/d': Invalid cross-device link"
	local state
	state=$(sed -n 2p "$B/agent.out")
	expect_eq "fds" "$(jq -c .fds <<<"$state")" '["seccompFd"]'
	expect_eq "metadata" "$(jq -r .metadata <<<"$state")" "hello-agent"
	expect_eq "state.id" "$(jq -r .state.id <<<"$state")" "$ID"
	[ "$(jq -r .pid <<<"$state")" -gt 0 ] || nope "pid missing: $state"
	grep -q '^answered ' "$B/agent.out" || nope "no notification answered: $(cat "$B/agent.out")"
}
run_test "SCMP_ACT_NOTIFY: the listener gets the fd and state, and answers" t_notify root user

t_gen_same_bytes() {
	need_seccomp; mkbundle
	local gen=$REPO_DIR/seccomp_gen/seccomp_gen
	[ -x "$gen" ] || skipt "seccomp_gen not built"
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},
		{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, \"value\": 23, \"op\": \"SCMP_CMP_EQ\"}]},
		{\"names\": [\"ptrace\", \"bpf\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]"
	"$gen" "$B/config.json" -o "$B/gen.bpf" || nope "seccomp_gen failed"
	set_args sleep 30
	rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	at_exit "rm_ctr $ID"
	"$(helper getfilter)" "$(ctr_pid)" >"$B/kernel.bpf" || nope "could not read the loaded filter"
	cmp -s "$B/gen.bpf" "$B/kernel.bpf" || nope "seccomp_gen and the loaded filter differ: $(stat -c %s "$B/gen.bpf") vs $(stat -c %s "$B/kernel.bpf") bytes"
	rm_ctr
}
run_test "seccomp_gen writes the bytes the runtime loads" t_gen_same_bytes root

t_precompiled() {
	mkbundle
	local gen=$REPO_DIR/seccomp_gen/seccomp_gen
	[ -x "$gen" ] || skipt "seccomp_gen not built"
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18}]"
	"$gen" "$B/config.json" -o "$B/filter.bpf" || nope "seccomp_gen failed"
	own "$B/filter.bpf"
	cfg 'del(.linux.seccomp) | .annotations["io.github.ocirun.seccomp-bpf"] = "filter.bpf"'
	sh_ok 'mkdir /tmp/d 2>&1; true'
	expect_eq "precompiled filter in force" "$OUT" "mkdir: can't create directory '/tmp/d': Invalid cross-device link"
	# a torn file is refused before anything runs
	head -c 20 /dev/urandom >"$B/filter.bpf"
	set_sh 'echo ran'
	run_ctr
	expect_fail "run with a torn filter"
	[ -z "$OUT" ] || nope "the container ran"
}
run_test "a filter precompiled by seccomp_gen is loaded from the annotation" t_precompiled root user

t_precompiled_only_build() {
	local bin=$REPO_DIR/build/ocirun-nolibseccomp
	[ -x "$bin" ] || skipt "no build without libseccomp (make size builds one)"
	mkbundle
	sec SCMP_ACT_ALLOW "[{$MKDIR, \"action\": \"SCMP_ACT_ERRNO\"}]"
	RC=0
	OCIRUN=$bin rt run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_fail "JSON rules on a build without libseccomp"
	grep -q seccomp_gen <<<"$ERR" || nope "the error does not point at seccomp_gen: $ERR"
}
run_test "a build without libseccomp refuses JSON rules and names seccomp_gen" t_precompiled_only_build root

