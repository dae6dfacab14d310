#!/bin/bash
# process: user, cwd, env, umask, capabilities, rlimits, noNewPrivileges,
# oomScoreAdj, hostname, domainname, pid namespace, PATH lookup, stdio, fds.
. "$(dirname "$0")/../lib.sh"

t_user_ids() {
	mkbundle
	cfg '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 3000]}'
	sh_ok 'echo "$(id -u) $(id -g)"; id -G; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	expect_eq "uid gid" "$(sed -n 1p <<<"$OUT")" "1000 1000"
	local groups
	groups=$(sed -n 2p <<<"$OUT" | tr ' ' '\n' | sort -n | uniq | tr '\n' ' ')
	# id -G lists the primary group first; supplementary = additionalGids
	case $groups in "1000 2000 3000 " | "2000 3000 ") ;; *) nope "groups: got '$groups', want 2000 3000 (and 1000)" ;; esac
	grep -q "^Uid:[[:space:]]*1000[[:space:]]*1000[[:space:]]*1000[[:space:]]*1000$" <<<"$OUT" || nope "real/effective/saved/fs uid not all 1000: $OUT"
	grep -q "^Gid:[[:space:]]*1000[[:space:]]*1000[[:space:]]*1000[[:space:]]*1000$" <<<"$OUT" || nope "gids not all 1000: $OUT"
	local sup
	sup=$(grep '^Groups:' <<<"$OUT" | cut -f2 | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')
	expect_eq "supplementary groups" "$sup" "2000 3000 "
}
run_test "process.user uid, gid, additionalGids" t_user_ids root

t_user_rootless() {
	mkbundle
	sh_ok 'echo "$(id -u) $(id -g)"'
	expect_eq "uid gid in the container" "$OUT" "0 0"
}
run_test "process.user 0:0 maps to the caller" t_user_rootless user

t_cwd() {
	mkbundle
	cfg '.process.cwd = "/home/u1000"'
	sh_ok 'pwd; echo "$PWD"'
	expect_eq "pwd" "$OUT" "/home/u1000
/home/u1000"
}
run_test "process.cwd" t_cwd root user

t_env() {
	mkbundle
	cfg '.process.env += ["FOO=bar baz", "EMPTY=", "MULTI=a=b=c"]'
	set_sh 'echo "FOO=$FOO"; echo "MULTI=$MULTI"; echo "EMPTY=${EMPTY-unset}"; echo "LEAK=${OCIRUN_LEAK_CHECK-unset}"; echo "PATH=$PATH"'
	RC=0
	OCIRUN_LEAK_CHECK=leaked rt run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok run
	expect_eq "env" "$OUT" "FOO=bar baz
MULTI=a=b=c
EMPTY=
LEAK=unset
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}
run_test "process.env is passed exactly (no host env leaks)" t_env root user

t_umask() {
	mkbundle
	cfg '.process.user.umask = 23' # 0027
	cfg '.root.readonly = false'
	sh_ok 'umask; touch /tmp/f; stat -c %a /tmp/f'
	expect_eq "umask" "$OUT" "0027
640"
}
run_test "process.user.umask" t_umask root user

# capability sets from /proc/self/status
cap_mask() { # cap_mask CAP_NAME... -> 16 hex digits
	local m=0 c n
	for c in "$@"; do
		case $c in
		CAP_CHOWN) n=0 ;; CAP_DAC_OVERRIDE) n=1 ;; CAP_FOWNER) n=3 ;; CAP_KILL) n=5 ;;
		CAP_SETGID) n=6 ;; CAP_SETUID) n=7 ;; CAP_NET_BIND_SERVICE) n=10 ;;
		CAP_NET_RAW) n=13 ;; CAP_SYS_CHROOT) n=18 ;; CAP_SYS_ADMIN) n=21 ;;
		CAP_MKNOD) n=27 ;; CAP_AUDIT_WRITE) n=29 ;; CAP_SETFCAP) n=31 ;;
		*) nope "cap_mask: unknown $c" ;;
		esac
		m=$((m | (1 << n)))
	done
	printf '%016x' "$m"
}
caps_of() { # caps_of OUT FIELD
	grep "^$2:" <<<"$1" | awk '{print $2}'
}
expect_caps() { # expect_caps FIELD CAP...
	local f=$1 got want
	shift
	got=$(caps_of "$OUT" "$f")
	want=$(cap_mask "$@")
	[ "$got" = "$want" ] || nope "$f: got $got, want $want ($*)"
}

t_caps_default() {
	mkbundle
	sh_ok 'grep ^Cap /proc/self/status'
	expect_caps CapBnd CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
	expect_caps CapPrm CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
	expect_caps CapEff CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE
	expect_caps CapInh
	expect_caps CapAmb
}
run_test "capabilities: runc default set" t_caps_default root user

# non-root user with ambient capabilities: every set differs
t_caps_ambient() {
	mkbundle
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	cfg '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL", "CAP_SYS_CHROOT"],
		"permitted": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL"],
		"effective": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL"],
		"inheritable": ["CAP_CHOWN", "CAP_NET_RAW"],
		"ambient": ["CAP_NET_RAW"]}'
	sh_ok 'grep ^Cap /proc/self/status'
	expect_caps CapBnd CAP_CHOWN CAP_NET_RAW CAP_KILL CAP_SYS_CHROOT
	expect_caps CapInh CAP_CHOWN CAP_NET_RAW
	expect_caps CapAmb CAP_NET_RAW
	# after execve as non-root: permitted = effective = ambient
	expect_caps CapPrm CAP_NET_RAW
	expect_caps CapEff CAP_NET_RAW
}
run_test "capabilities: uid 1000 with inheritable+ambient" t_caps_ambient root

# root with noNewPrivileges: permitted is limited to the configured set
t_caps_root_subset() {
	mkbundle
	cfg '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SYS_CHROOT", "CAP_SETUID"],
		"permitted": ["CAP_CHOWN", "CAP_KILL"],
		"effective": ["CAP_CHOWN", "CAP_KILL"]}'
	sh_ok 'grep ^Cap /proc/self/status'
	expect_caps CapBnd CAP_CHOWN CAP_KILL CAP_SYS_CHROOT CAP_SETUID
	expect_caps CapPrm CAP_CHOWN CAP_KILL
	expect_caps CapEff CAP_CHOWN CAP_KILL
	expect_caps CapInh
	expect_caps CapAmb
}
run_test "capabilities: bounding larger than permitted (noNewPrivileges)" t_caps_root_subset root user

# a dropped capability really is gone: chown fails without CAP_CHOWN
t_caps_effect() {
	mkbundle
	cfg '.root.readonly = false'
	sh_ok 'touch /tmp/x; chown 1000 /tmp/x && echo chown-ok || echo chown-denied'
	expect_eq "chown without CAP_CHOWN" "$OUT" chown-denied
	newid
	cfg '.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.permitted += ["CAP_CHOWN"] | .process.capabilities.effective += ["CAP_CHOWN"]'
	sh_ok 'touch /tmp/x; chown 0 /tmp/x && echo chown-ok || echo chown-denied'
	expect_eq "chown with CAP_CHOWN" "$OUT" chown-ok
}
run_test "capabilities take effect (chown)" t_caps_effect root user

limit_of() { # limit_of OUT "Max open files" -> "soft hard"
	grep "^$2 " <<<"$1" | sed "s/^$2 *//" | awk '{print $1, $2}'
}
t_rlimits() {
	mkbundle
	cfg '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000},
		{"type": "RLIMIT_NPROC", "soft": 3333, "hard": 4444},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 12345}]'
	sh_ok 'ulimit -n; cat /proc/self/limits'
	expect_eq "ulimit -n" "$(sed -n 1p <<<"$OUT")" 512
	expect_eq "RLIMIT_NOFILE" "$(limit_of "$OUT" "Max open files")" "512 1000"
	expect_eq "RLIMIT_NPROC" "$(limit_of "$OUT" "Max processes")" "3333 4444"
	expect_eq "RLIMIT_CORE" "$(limit_of "$OUT" "Max core file size")" "0 12345"
}
run_test "process.rlimits NOFILE, NPROC, CORE" t_rlimits root user

t_rlimit_invalid() {
	mkbundle
	cfg '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	set_sh 'echo ran'
	run_ctr
	expect_fail "run with an unknown rlimit type"
	[ "$OUT" != ran ] || nope "the program ran"
	expect_error_format "unknown rlimit" "$ERR"
}
run_test "unknown rlimit type is an error" t_rlimit_invalid root

t_nnp() {
	mkbundle
	sh_ok 'grep ^NoNewPrivs: /proc/self/status'
	expect_eq "noNewPrivileges true" "$(awk '{print $2}' <<<"$OUT")" 1
	newid
	cfg '.process.noNewPrivileges = false'
	sh_ok 'grep ^NoNewPrivs: /proc/self/status'
	expect_eq "noNewPrivileges false" "$(awk '{print $2}' <<<"$OUT")" 0
}
run_test "process.noNewPrivileges" t_nnp root user

t_oom() {
	mkbundle
	cfg '.process.oomScoreAdj = 123'
	sh_ok 'cat /proc/self/oom_score_adj'
	expect_eq "oom_score_adj" "$OUT" 123
}
run_test "process.oomScoreAdj" t_oom root user

t_hostname() {
	mkbundle
	cfg '.hostname = "host-x1"'
	sh_ok 'hostname; cat /proc/sys/kernel/hostname'
	expect_eq "hostname" "$OUT" "host-x1
host-x1"
	[ "$(hostname)" != host-x1 ] || nope "the host's hostname was changed"
}
run_test "hostname" t_hostname root user

t_domainname() {
	mkbundle
	cfg '.domainname = "dom.example"'
	sh_ok 'cat /proc/sys/kernel/domainname'
	if [ "$OUT" = "(none)" ] && [ "$OCIRUN_NAME" = runc ]; then
		skipt "runc 1.1 ignores domainname"
	fi
	expect_eq "domainname" "$OUT" "dom.example"
	[ "$(cat /proc/sys/kernel/domainname)" != dom.example ] || nope "the host's domainname was changed"
}
run_test "domainname" t_domainname root user

t_pid1() {
	mkbundle
	sh_ok 'echo $$; ps -o pid,comm | awk "NR>1{print \$1}" | sort -n | head -1'
	expect_eq "pid of init" "$(sed -n 1p <<<"$OUT")" 1
	expect_eq "lowest pid in ps" "$(sed -n 2p <<<"$OUT")" 1
}
run_test "process is pid 1 in a new pid namespace" t_pid1 root user

t_path_lookup() {
	mkbundle
	mkdir -p "$B/rootfs/custom/bin"
	printf '#!/bin/sh\necho from-custom "$@"\n' >"$B/rootfs/custom/bin/hello-ocirun"
	chmod 755 "$B/rootfs/custom/bin/hello-ocirun"
	own "$B/rootfs/custom"
	cfg '.process.env = ["PATH=/custom/bin:/bin"]'
	set_args hello-ocirun arg1
	run_ctr
	expect_ok run
	expect_eq "output" "$OUT" "from-custom arg1"
	newid
	set_args no-such-program-xyz
	run_ctr
	expect_fail "run of a program not in PATH"
}
run_test "args[0] is looked up in the container's PATH" t_path_lookup root user

# A program found but that the kernel will not run: a script whose
# interpreter is missing (ENOENT, as for a dynamic binary without its
# loader) and a file of no known format (ENOEXEC).  run, start and exec
# fail with the kernel's reason and the path, however the runtime execs
# (as root through its sealed trampoline, which tells the runtime why).
t_exec_refused() {
	mkbundle
	plant_exec() { printf '%s' "$2" >"$B/rootfs$1"; chmod 755 "$B/rootfs$1"; own "$B/rootfs$1"; }
	plant_exec /noint '#!/no/such/interpreter
'
	plant_exec /garbage 'this is no program'
	set_args /noint
	run_ctr
	expect_fail "run of a script without its interpreter"
	grep -q 'exec /noint: No such file or directory' <<<"$ERR" || nope "run: not the kernel's reason: $ERR"
	newid
	set_args /garbage
	create_ctr
	expect_ok create
	RC=0
	ERR=$(rt start "$ID" 2>&1) || RC=$?
	expect_fail "start of a file of no known format"
	grep -q 'exec /garbage: Exec format error' <<<"$ERR" || nope "start: not the kernel's reason: $ERR"
	rm_ctr
	newid
	set_args sleep 100
	create_ctr
	expect_ok create
	rc rt start "$ID"
	RC=0
	ERR=$(rt exec "$ID" /noint 2>&1) || RC=$?
	expect_fail "exec of a script without its interpreter"
	grep -q 'exec /noint: No such file or directory' <<<"$ERR" || nope "exec: not the kernel's reason: $ERR"
	[ "$(ctr_status)" = running ] || nope "the container stopped after a failed exec"
	rm_ctr
}
run_test "a program the kernel refuses: run, start and exec fail with its reason" t_exec_refused root user

t_stdio() {
	mkbundle
	set_sh 'cat; echo to-stderr >&2'
	printf 'line1\nline2\n' >"$B/in"
	RC=0
	rt run -b "$B" "$ID" <"$B/in" >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok run
	expect_eq "stdin copied to stdout" "$OUT" "line1
line2"
	expect_eq "stderr" "$ERR" to-stderr
}
run_test "stdin, stdout, stderr are passed through" t_stdio root user

t_fds() {
	mkbundle
	# (no pipeline in pid 1: the shell would hold the pipe fds)
	set_sh 'ls /proc/1/fd; true'
	run_ctr
	expect_ok run
	expect_eq "open fds of the container init" "$(sort -n <<<"$OUT" | tr "\n" " ")" "0 1 2 "
	# --preserve-fds 1 passes fd 3
	newid
	echo preserved-content >"$B/fd3"
	set_sh 'ls /proc/1/fd; cat <&3'
	RC=0
	rt run --preserve-fds 1 -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 3<"$B/fd3" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "run --preserve-fds 1"
	expect_eq "fds with --preserve-fds 1" "$(LC_ALL=C sort <<<"$OUT" | tr "\n" " ")" "0 1 2 3 preserved-content "
}
run_test "only stdio fds are open (and --preserve-fds)" t_fds root user

t_listen_fds() {
	mkbundle
	echo socket-activated >"$B/fd3"
	set_sh 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3'
	RC=0
	LISTEN_FDS=1 rt run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 3<"$B/fd3" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "run with LISTEN_FDS=1"
	expect_eq "socket activation passed on" "$OUT" "1 1
socket-activated"
}
run_test "LISTEN_FDS: the descriptors and the variables reach the process" t_listen_fds root
