#!/bin/bash
# peers (2/2): what the OCI conformance suite (runtime-tools validation) and
# crun's own tests do to a runtime, checked as behaviour.  The conformance
# suite's bundle is the rootfs itself (root.path "."), its config has 14
# capabilities in all five sets, noNewPrivileges false, a deny-all device
# rule and an allow-list seccomp profile; a program inside compares what it
# sees with config.json.  crun's tests run `crun --cgroup-manager cgroupfs
# --root R run --config config.json ID` in the bundle directory.
#
# Validating with crun 1.8 on a hybrid host: it refuses to run while
# /sys/fs/cgroup/unified/cgroup.controllers lists any controller (hugetlb
# on this machine), even with --cgroup-manager=disabled.  As root, run it in
# a private mount namespace with that file covered, e.g. a wrapper named
# crun: unshare -m sh -c 'mount --bind /empty-file
# /sys/fs/cgroup/unified/cgroup.controllers && exec /usr/bin/crun "$@"' crun "$@"
# (rootless crun cannot be validated that way; its cgroup tests need
# --cgroup-manager=cgroupfs, which that host refuses).
. "$(dirname "$0")/../lib.sh"

RT_CAPS='["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]'

# an allow-list profile like the suite's default: every syscall the headers
# know, default errno, personality only with the usual values
allow_list_seccomp() {
	local h=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
	[ -r "$h" ] || h=$(echo /usr/include/*/asm/unistd_64.h | cut -d' ' -f1)
	grep -o '__NR_[a-z0-9_]*' "$h" 2>/dev/null | sed 's/^__NR_//' | grep -vx personality | sort -u | jq -R . | jq -s -c '
		{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		 "syscalls": [{"names": ., "action": "SCMP_ACT_ALLOW"},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}'
}

# the conformance suite's default config, bundle = rootfs (sets B to it)
rt_bundle() {
	mkbundle
	local root=$B/rootfs sc
	sc=$(allow_list_seccomp)
	[ -n "$sc" ] || sc=null
	jq --argjson c "$RT_CAPS" --argjson sc "$sc" '
		.root = {"path": ".", "readonly": false} | .hostname = "mrsdalloway"
		| .process.noNewPrivileges = false
		| .process.capabilities = {"bounding": $c, "effective": $c, "inheritable": $c, "permitted": $c, "ambient": $c}
		| .mounts |= map(if .destination == "/proc" then .options = ["nosuid", "noexec", "nodev"] else . end)
		| .linux = {"resources": {"devices": [{"allow": false, "access": "rwm"}]},
			"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],
			"seccomp": $sc}
		| if $sc == null then del(.linux.seccomp) else . end' "$B/config.json" >"$root/config.json"
	rm "$B/config.json"
	B=$root
}

# the suite's run: create --bundle B ID with stdout/stderr files in the
# bundle, start, wait for stopped, read the files
rt_suite_run() {
	RC=0
	rt create --bundle "$B" "$ID" </dev/null >"$B/stdout-$ID" 2>"$B/stderr-$ID" || RC=$?
	ERR=$(cat "$B/stderr-$ID")
	[ "$RC" = 0 ] || nope "create failed: $ERR"
	rc rt start "$ID"
	expect_ok start
	wait_status stopped "$ID" 10 || nope "did not stop: $(ctr_status)"
	OUT=$(cat "$B/stdout-$ID")
	ERR=$(cat "$B/stderr-$ID")
	rm_ctr
}

# ---------------------------------------------------------------------------
t_suite_default_env() {
	rt_bundle
	cfg '.process.args = ["sh", "-c", $s]' --arg s '
		echo "ids $(id -u) $(id -g) cwd $(pwd) path $PATH term $TERM"
		echo "argc $(tr -cd "\0" </proc/1/cmdline | wc -c) arg0 $(tr "\0" "\n" </proc/1/cmdline | head -n 1)"
		grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs)" /proc/self/status | tr "\t" " "
		echo "hostname $(hostname)"
		awk "/^Max open files/ {print \"nofile\", \$4, \$5}" /proc/self/limits
		touch /rootfs-writable && echo root-writable
		for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0 ptmx:5:2; do
			echo "dev $(stat -L -c "%n %F %t:%T" /dev/${d%%:*})"; done
		for l in fd ptmx stdin stdout stderr; do echo "link /dev/$l -> $(readlink /dev/$l)"; done
		cat /proc/self/mountinfo >/mountinfo.txt'
	ERR=
	rt_suite_run
	expect_eq "stderr" "$ERR" ""
	local want="ids 0 0 cwd / path /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin term xterm
argc 3 arg0 sh
CapInh: 00000000a80425fb
CapPrm: 00000000a80425fb
CapEff: 00000000a80425fb
CapBnd: 00000000a80425fb
CapAmb: 00000000a80425fb
NoNewPrivs: 0
hostname mrsdalloway
nofile 1024 1024
root-writable
dev /dev/null character special file 1:3
dev /dev/zero character special file 1:5
dev /dev/full character special file 1:7
dev /dev/random character special file 1:8
dev /dev/urandom character special file 1:9
dev /dev/tty character special file 5:0
dev /dev/ptmx character special file 5:2
link /dev/fd -> /proc/self/fd
link /dev/ptmx -> pts/ptmx
link /dev/stdin -> /proc/self/fd/0
link /dev/stdout -> /proc/self/fd/1
link /dev/stderr -> /proc/self/fd/2"
	expect_eq "what the program sees" "$OUT" "$want"
	# every config mount, in config order, with its type and source
	local got
	got=$(awk '{for (i = 7; $i != "-"; i++); print $5, $(i+1), $(i+2)}' "$B/mountinfo.txt" |
		grep -E '^/(proc|dev|dev/pts|dev/shm|dev/mqueue|sys) ')
	expect_eq "config mounts in mountinfo (point, type, source)" "$got" "/proc proc proc
/dev tmpfs tmpfs
/dev/pts devpts devpts
/dev/shm tmpfs shm
/dev/mqueue mqueue mqueue
/sys sysfs sysfs"
	expect_opts "/proc options" "$(mi_opts "$(mi_line "$(cat "$B/mountinfo.txt")" /proc)")" nosuid noexec nodev
}
run_test "conformance default config, bundle is the rootfs: ids, caps, devices, links, mounts" t_suite_default_env root

t_suite_tmp_mount() {
	mkbundle
	cfg '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "strictatime", "mode=755", "size=1k"]}]'
	sh_ok 'cat /proc/self/mountinfo'
	local l
	l=$(mi_line "$OUT" /tmp)
	expect_eq "/tmp type and source" "$(awk '{for (i = 7; $i != "-"; i++); print $(i+1), $(i+2)}' <<<"$l")" "tmpfs tmpfs"
	expect_opts "/tmp" "$(mi_super "$l")" size=4k mode=755
	expect_eq "last config mount is the last mount before the masks" \
		"$(awk '{print $5}' <<<"$OUT" | grep -nx -e /tmp -e /sys | cut -d: -f2 | tr '\n' ' ')" "/sys /tmp "
}
run_test "a tmpfs on /tmp after the defaults shows in mountinfo, in order" t_suite_tmp_mount root user

# create: no id is an error; with an id, state names it; a second create
# with the same id is an error
t_suite_create() {
	mkbundle
	set_args ls
	rc rt create --bundle "$B"
	expect_fail "create without an id"
	rc rt create --bundle "$B" "$ID"
	expect_ok "create"
	expect_eq "state id" "$(rt state "$ID" | jq -r .id)" "$ID"
	rc rt create --bundle "$B" "$ID"
	expect_fail "second create with the same id"
	rm_ctr
}
run_test "create: no id fails, state names the id, a taken id fails" t_suite_create root user

# kill with signal names as the suite sends them (no SIG prefix)
t_suite_killsig() {
	local s
	for s in TERM USR1 USR2; do
		mkbundle
		cfg '.root.readonly = false'
		set_sh "trap 'touch /$s' $s; sleep 10 & wait \$!"
		rc rt run -d -b "$B" "$ID"
		expect_ok "run -d"
		wait_status running || nope "not running"
		sleep 0.3
		rc rt kill "$ID" "$s"
		expect_ok "kill $s"
		wait_status stopped "$ID" 5 || nope "still $(ctr_status) after kill $s"
		[ -e "$B/rootfs/$s" ] || nope "the trap for $s did not run"
		rm_ctr
	done
}
run_test "kill ID TERM / USR1 / USR2 reaches the process's trap" t_suite_killsig root user

t_suite_kill_stopped_no_effect() {
	mkbundle
	set_args true
	rc rt run -d -b "$B" "$ID"
	expect_ok "run -d"
	wait_status stopped || nope "not stopped"
	local before after
	before=$(rt state "$ID" | jq -S .)
	rc rt kill "$ID" KILL
	expect_fail "kill KILL of a stopped container"
	after=$(rt state "$ID" | jq -S .)
	expect_eq "state after the refused kill" "$after" "$before"
	rm_ctr
}
run_test "kill of a stopped container fails and leaves the state as it was" t_suite_kill_stopped_no_effect root user

t_suite_unknown_props() {
	mkbundle
	set_args true
	cfg '.annotations = {("org." + $id): ""} | .unknown = "unknown"' --arg id "$ID"
	run_ctr
	expect_ok "run with an unknown annotation key and an unknown property"
	newid
	cfg '.ociVersion = "invalid"'
	run_ctr
	expect_fail "run with ociVersion \"invalid\""
}
run_test "unknown annotation keys and properties are accepted, ociVersion \"invalid\" is not" t_suite_unknown_props root user

# a capability name the kernel does not have is an error
t_suite_unknown_cap() {
	mkbundle
	set_args true
	cfg '.process.capabilities.bounding += ["CAP_TEST"]'
	run_ctr
	expect_fail "run with CAP_TEST in the bounding set"
}
run_test "an unknown capability name (CAP_TEST) is an error" t_suite_unknown_cap root user

# hooks get the state on stdin: prestart "created", poststart "running",
# poststop a status; pid, bundle and annotations as state reports them
t_hooks_stdin_state() {
	mkbundle
	set_args true
	local d=$WDIR/hs-$BASHPID
	mkdir -p "$d"
	own "$d"
	cfg '.annotations = {"org.opencontainers.runtime-tools": "hook stdin test"}
		| .hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", ("cat > " + $d + "/prestart")], "timeout": 1}],
			"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", ("cat > " + $d + "/poststart")], "timeout": 1}],
			"poststop": [{"path": "/bin/sh", "args": ["sh", "-c", ("cat > " + $d + "/poststop")], "timeout": 1}]}' --arg d "$d"
	create_ctr
	expect_ok create
	local pid
	pid=$(ctr_pid)
	rc rt start "$ID"
	expect_ok start
	wait_status stopped || nope "not stopped"
	rc rt delete "$ID"
	expect_ok delete
	local h want
	for h in prestart:created poststart:running poststop:; do
		[ -s "$d/${h%:*}" ] || nope "${h%:*} hook got nothing on stdin"
		want=${h#*:}
		if [ -n "$want" ]; then
			expect_eq "${h%:*} status" "$(jq -r .status "$d/${h%:*}")" "$want"
			expect_eq "${h%:*} pid" "$(jq -r .pid "$d/${h%:*}")" "$pid"
		else
			[ -n "$(jq -r '.status // empty' "$d/${h%:*}")" ] || nope "poststop state has no status"
		fi
		expect_eq "${h%:*} id" "$(jq -r .id "$d/${h%:*}")" "$ID"
		expect_eq "${h%:*} bundle" "$(jq -r .bundle "$d/${h%:*}")" "$B"
		expect_eq "${h%:*} annotations" "$(jq -c .annotations "$d/${h%:*}")" '{"org.opencontainers.runtime-tools":"hook stdin test"}'
	done
}
run_test "hook stdin: prestart created, poststart running, pid, bundle, annotations" t_hooks_stdin_state root user

# ---------------------------------------------------------------------------
# namespaces by path, of the wrong type, and all new
t_ns_by_path() {
	command -v unshare >/dev/null || skipt "no unshare"
	setsid unshare --ipc --mount --net --pid --uts --fork sleep 300 </dev/null >/dev/null 2>&1 &
	local u=$! i
	for ((i = 0; i < 50; i++)); do
		[ "$(readlink /proc/$u/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] &&
			[ "$(readlink /proc/$u/ns/pid_for_children)" != "$(readlink /proc/self/ns/pid)" ] && break
		sleep 0.1
	done
	mkbundle
	set_args sleep 30
	cfg '.linux.namespaces = [{"type": "ipc", "path": "/proc/\($u)/ns/ipc"}, {"type": "mount", "path": "/proc/\($u)/ns/mnt"},
		{"type": "network", "path": "/proc/\($u)/ns/net"}, {"type": "pid", "path": "/proc/\($u)/ns/pid_for_children"},
		{"type": "uts", "path": "/proc/\($u)/ns/uts"}, {"type": "cgroup"}]' --arg u "$u"
	create_ctr
	if [ "$RC" != 0 ]; then
		kill -9 -- -$u 2>/dev/null || kill -9 $u
		nope "create joining namespaces by path failed: $ERR"
	fi
	local pid n want bad=
	pid=$(ctr_pid)
	for n in ipc mnt net pid uts; do
		want=$(readlink /proc/$u/ns/$n)
		[ $n = pid ] && want=$(readlink /proc/$u/ns/pid_for_children)
		[ "$(readlink /proc/$pid/ns/$n)" = "$want" ] || bad+=" $n"
	done
	rm_ctr
	kill -9 -- -$u 2>/dev/null || kill -9 $u
	[ -z "$bad" ] || nope "not joined by path:$bad"
}
run_test "namespaces given by path are joined (ipc, mnt, net, pid, uts)" t_ns_by_path root

t_ns_path_wrong_type() {
	local c
	for c in ipc:mnt mount:net network:pid pid:user uts:cgroup cgroup:ipc; do
		mkbundle
		set_args true
		cfg '.linux.namespaces |= map(if .type == $t then .path = ("/proc/self/ns/" + $w) else . end)' \
			--arg t "${c%:*}" --arg w "${c#*:}"
		run_ctr
		expect_fail "${c%:*} namespace given the path of a ${c#*:} namespace"
		rm_ctr
	done
}
run_test "a namespace path of the wrong type is an error" t_ns_path_wrong_type root

t_ns_all_new() {
	mkbundle
	set_args sleep 30
	cfg '.linux.namespaces = [{"type": "cgroup"}, {"type": "ipc"}, {"type": "mount"}, {"type": "network"},
			{"type": "pid"}, {"type": "user"}, {"type": "uts"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1000}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 1000}]'
	create_ctr
	expect_ok "create with all seven namespaces new"
	local pid n same=
	pid=$(ctr_pid)
	for n in cgroup ipc mnt net pid user uts; do
		[ "$(readlink /proc/$pid/ns/$n)" = "$(readlink /proc/self/ns/$n)" ] && same+=" $n"
	done
	rm_ctr
	[ -z "$same" ] || nope "shared with the caller although no path was given:$same"
}
run_test "seven namespaces without path are all new (user ns maps 0-999 to 1000-1999)" t_ns_all_new root

# ---------------------------------------------------------------------------
# cgroups
v1_ok() { [ -d /sys/fs/cgroup/$1 ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; }
pids_path() { awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' "/proc/$1/cgroup"; }

t_suite_delete_resources() {
	v1_ok pids || skipt "no cgroup v1 pids hierarchy"
	local cg=/cgrouptest-$BASHPID
	mkbundle
	cfg '.linux.cgroupsPath = $p | .linux.resources = {"pids": {"limit": 1000}}' --arg p "$cg"
	set_args true
	create_ctr
	expect_ok create
	local pid
	pid=$(ctr_pid)
	expect_eq "pids.max through /proc/PID/cgroup" "$(cat "/sys/fs/cgroup/pids$(pids_path "$pid")/pids.max")" 1000
	expect_eq "cgroup is the absolute cgroupsPath" "$(pids_path "$pid")" "$cg"
	rt start "$ID" >/dev/null 2>&1 || nope "start failed"
	wait_status stopped || nope "not stopped"
	rc rt delete "$ID"
	expect_ok delete
	[ ! -e "/sys/fs/cgroup/pids$cg" ] || nope "delete left /sys/fs/cgroup/pids$cg behind"
	# a cgroup the runtime did not create is left alone
	local foreign=/sys/fs/cgroup/pids/cgrouptest-foreign-$BASHPID
	mkdir -p "$foreign"
	newid
	cfg 'del(.linux.cgroupsPath) | del(.linux.resources)'
	create_ctr
	expect_ok create
	echo "$(ctr_pid)" >"$foreign/tasks" || nope "could not move the init into $foreign"
	rt start "$ID" >/dev/null 2>&1 || nope "start failed"
	wait_status stopped || nope "not stopped"
	rc rt delete "$ID"
	expect_ok "delete of a container moved to a foreign cgroup"
	local left=no
	[ -d "$foreign" ] && left=yes
	rmdir "$foreign" 2>/dev/null
	expect_eq "foreign cgroup still there" "$left" yes
}
run_test "delete removes the cgroup create made, not one it did not make" t_suite_delete_resources root

t_suite_relative_cgroup() {
	v1_ok pids || skipt "no cgroup v1 pids hierarchy"
	mkbundle
	local rel=testdir-$BASHPID/cgrouptest/container
	cfg '.linux.cgroupsPath = $p | .linux.resources = {"pids": {"limit": 1000}}' --arg p "$rel"
	set_args sleep 30
	create_ctr
	expect_ok create
	local p
	p=$(pids_path "$(ctr_pid)")
	[[ $p == *"$rel"* ]] || nope "pids cgroup '$p' does not contain the relative cgroupsPath $rel"
	expect_eq "pids.max" "$(cat "/sys/fs/cgroup/pids$p/pids.max")" 1000
	rm_ctr
	local base=${p%/"$rel"} h
	for h in /sys/fs/cgroup/*/; do
		rmdir "$h${base#/}/$rel" "$h${base#/}/${rel%/container}" "$h${base#/}/${rel%%/*}" 2>/dev/null
	done
	return 0
}
run_test "relative cgroupsPath testdir/cgrouptest/container holds the container" t_suite_relative_cgroup root

t_suite_device_rules_order() {
	v1_ok devices || skipt "no cgroup v1 devices hierarchy"
	local cg=/cgrouptest-dev-$BASHPID
	mkbundle
	cfg '.linux.cgroupsPath = $p | .linux.resources = {"devices": [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"},
		{"allow": true, "type": "b", "major": 8, "minor": 20, "access": "rw"},
		{"allow": true, "type": "b", "major": 10, "minor": 200, "access": "r"}]}' --arg p "$cg"
	set_args sleep 30
	create_ctr
	expect_ok create
	expect_eq "first devices.list entries" "$(head -n 3 "/sys/fs/cgroup/devices$cg/devices.list")" "c 10:229 rwm
b 8:20 rw
b 10:200 r"
	rm_ctr
}
run_test "device allow rules after deny-all head devices.list, in order" t_suite_device_rules_order root

t_suite_memory() {
	v1_ok memory || skipt "no cgroup v1 memory hierarchy"
	local d=/cgrouptest-mem-$BASHPID x=50593792
	mkbundle
	cfg '.linux.cgroupsPath = $p | .linux.resources = {"memory": {"limit": $x, "reservation": $x, "swap": $x,
		"kernel": $x, "kernelTCP": $x, "swappiness": 50, "disableOOMKiller": true}}' --arg p "$d" --argjson x "$x"
	set_args sleep 30
	create_ctr
	expect_ok "create with limit, reservation, swap, kernel, kernelTCP, swappiness, disableOOMKiller"
	local m=/sys/fs/cgroup/memory$d
	expect_eq "limit reservation swap swappiness" "$(cat $m/memory.limit_in_bytes $m/memory.soft_limit_in_bytes \
		$m/memory.memsw.limit_in_bytes $m/memory.swappiness 2>&1 | tr '\n' ' ')" "$x $x $x 50 "
	grep -qx 'oom_kill_disable 1' $m/memory.oom_control || nope "oom killer not disabled: $(cat $m/memory.oom_control)"
	rm_ctr
}
run_test "memory limit, reservation, swap, swappiness, disableOOMKiller read back" t_suite_memory root

t_suite_cpu() {
	v1_ok cpu || skipt "no cgroup v1 cpu hierarchy"
	v1_ok cpuset || skipt "no cgroup v1 cpuset hierarchy"
	local cg=/cgrouptest-cpu-$BASHPID c all="0-$(($(nproc) - 1))"
	for c in "1024 100000 50000 0" "2048 500000 200000 $all" "-"; do
		mkbundle
		set_args sleep 30
		if [ "$c" = - ]; then
			cfg '.linux.cgroupsPath = $p | .linux.resources = {"cpu": {}}' --arg p "$cg"
		else
			set -- $c
			cfg '.linux.cgroupsPath = $p | .linux.resources = {"cpu": {"shares": $s, "period": $pe, "quota": $q, "cpus": $c, "mems": "0"}}' \
				--arg p "$cg" --argjson s "$1" --argjson pe "$2" --argjson q "$3" --arg c "$4"
		fi
		create_ctr
		expect_ok "create with cpu $c"
		if [ "$c" != - ]; then
			expect_eq "shares period quota cpus mems" "$(cat /sys/fs/cgroup/cpu$cg/cpu.shares /sys/fs/cgroup/cpu$cg/cpu.cfs_period_us \
				/sys/fs/cgroup/cpu$cg/cpu.cfs_quota_us /sys/fs/cgroup/cpuset$cg/cpuset.cpus /sys/fs/cgroup/cpuset$cg/cpuset.mems | tr '\n' ' ')" "$c 0 "
		fi
		rm_ctr
	done
}
run_test "cpu shares, period, quota, cpus, mems read back; an empty cpu object runs" t_suite_cpu root

# ---------------------------------------------------------------------------
# hooks (spec lifecycle steps 4/9 -> 12 -> 13)
t_hook_fail_then_poststop() {
	mkbundle
	set_args true
	local m=$WDIR/mk-$BASHPID
	mkdir -p "$m"
	own "$m"
	m=$m/marker
	cfg '.hooks = {"createRuntime": [{"path": "/bin/false"}],
		"poststop": [{"path": "/bin/touch", "args": ["touch", $m]}]}' --arg m "$m"
	run_ctr
	expect_fail "run with a failing createRuntime hook"
	[ -e "$m" ] || nope "the poststop hook did not run after the createRuntime hook failed"
	rc rt state "$ID"
	expect_fail "state after the failed run"
}
run_test "a failing createRuntime hook: error, container destroyed, poststop runs" t_hook_fail_then_poststop root user

t_poststart_fail_destroys() {
	mkbundle
	set_args sleep 30
	local m=$WDIR/mk-$BASHPID
	mkdir -p "$m"
	own "$m"
	m=$m/marker
	cfg '.hooks = {"poststart": [{"path": "/bin/false"}],
		"poststop": [{"path": "/bin/touch", "args": ["touch", $m]}]}' --arg m "$m"
	create_ctr
	expect_ok create
	rc rt start "$ID"
	expect_fail "start with a failing poststart hook"
	sleep 0.5
	local st
	st=$(rt state "$ID" 2>/dev/null | jq -r .status)
	rm_ctr
	[ -z "$st" ] || nope "after the failed poststart hook the container still exists (status $st); the spec destroys it (step 12) and runs poststop (13)"
	[ -e "$m" ] || nope "the poststop hook did not run after the poststart hook failed"
}
run_test "a failing poststart hook: start fails, container destroyed, poststop runs" t_poststart_fail_destroys root user

t_hook_env_inherit() {
	mkbundle
	set_args true
	local f=$WDIR/hookenv-$BASHPID
	cfg '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", ("echo \"$PATH\" > " + $f + ".1")]},
		{"path": "/bin/sh", "env": ["PATH=/foo"], "args": ["sh", "-c", ("echo \"$PATH\" > " + $f + ".2")]}]}' --arg f "$f"
	RC=0
	PATH=$PATH:/peer-marker rt run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_ok run
	expect_eq "hook env given" "$(cat "$f.2")" /foo
	expect_eq "hook without env: the runtime's PATH" "$(cat "$f.1")" "$PATH:/peer-marker"
}
run_test "a hook without env gets the runtime's environment" t_hook_env_inherit root

# ---------------------------------------------------------------------------
# process environment and ids
t_home_default() {
	mkbundle
	set_sh 'echo "[$HOME]"'
	run_ctr
	expect_ok run
	expect_eq "HOME for root, from /etc/passwd" "$OUT" "[/root]"
	newid
	cfg '.process.user = {"uid": 101010, "gid": 101010}'
	run_ctr
	expect_ok run
	expect_eq "HOME for a uid not in /etc/passwd" "$OUT" "[/]"
	newid
	cfg '.process.user = {"uid": 0, "gid": 0} | .process.env += ["HOME=/given"]'
	run_ctr
	expect_eq "HOME given in process.env" "$OUT" "[/given]"
}
run_test "HOME is set when process.env has none" t_home_default root

t_uid_gid_all_ids() {
	mkbundle
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	sh_ok 'grep -E "^(Uid|Gid):" /proc/self/status | tr -s "\t " " "'
	expect_eq "real, effective, saved, fs ids" "$OUT" "Uid: 1000 1000 1000 1000
Gid: 1000 1000 1000 1000"
}
run_test "uid/gid 1000: real, effective, saved and fs ids" t_uid_gid_all_ids root

t_userns_full_map() {
	mkbundle
	cfg '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 4294967295}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 4294967295}]'
	sh_ok 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " "'
	expect_eq "maps" "$OUT" " 0 0 4294967295
 0 0 4294967295"
}
run_test "user namespace with the full 0..4294967294 mapping" t_userns_full_map root

# ---------------------------------------------------------------------------
# sysctls: kernel.hostname never; ipc, net, uts keys need their namespace
t_sysctl_namespaced() {
	local c
	for c in 'uts:kernel.hostname:foo:-' 'ipc:kernel.msgmax:8192:ipc' 'ipc:fs.mqueue.queues_max:100:ipc' \
		'network:net.ipv4.ping_group_range:0 0:network' 'uts:kernel.domainname:foo:uts'; do
		IFS=: read -r ns key val drop <<<"$c"
		mkbundle
		set_args true
		cfg '.linux.sysctl = {($k): $v}' --arg k "$key" --arg v "$val"
		[ "$drop" != - ] && cfg '.linux.namespaces |= map(select(.type != $d)) | if $d == "uts" then del(.hostname) else . end' --arg d "$drop"
		run_ctr
		if [ "$drop" = - ]; then expect_fail "sysctl $key (with every namespace)"; else expect_fail "sysctl $key without a $drop namespace"; fi
		rm_ctr
		if [ "$drop" != - ]; then
			newid
			cfg '.linux.namespaces += [{"type": $d}]' --arg d "$drop"
			run_ctr
			expect_ok "sysctl $key with its $drop namespace"
		fi
	done
}
run_test "sysctl kernel.hostname is refused; ipc/net/uts keys need their namespace" t_sysctl_namespaced root

# ---------------------------------------------------------------------------
# command line
t_run_detach_quiet() {
	mkbundle
	set_args sleep 30
	rc rt run -d -b "$B" "$ID"
	expect_ok "run -d"
	expect_eq "run -d output" "$OUT$ERR" ""
	expect_eq "status" "$(ctr_status)" running
	rc rt delete -f "$ID"
	expect_ok "delete -f"
	expect_eq "delete -f output" "$OUT$ERR" ""
}
run_test "run -d and delete -f print nothing; the container runs" t_run_detach_quiet root user

t_run_twice() {
	mkbundle
	set_sh 'echo hi'
	run_ctr
	expect_eq "first run" "$OUT" hi
	run_ctr
	expect_eq "second run with the same id" "$OUT" hi
}
run_test "run twice with the same id" t_run_twice root user

t_invalid_ids() {
	mkbundle
	set_args true
	local id
	for id in . .. "foo bar" foo/bar this/is/invalid; do
		rc rt run -b "$B" "$id"
		expect_fail "run with id '$id'"
		[[ ${ERR,,} == *invalid* ]] || nope "the error for id '$id' does not say invalid: $ERR"
	done
}
run_test "ids . .. 'foo bar' foo/bar are refused as invalid" t_invalid_ids root

t_run_preserve_many() {
	mkbundle
	set_sh 'ls /proc/1/fd; true'
	RC=0
	rt run --preserve-fds 100 -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 3</dev/null 4</dev/null 5</dev/null || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "run --preserve-fds 100"
	grep -qx 5 "$B/out" || nope "fd 5 not in the container: $(tr '\n' ' ' <"$B/out")"
}
run_test "run --preserve-fds 100 passes the open descriptors" t_run_preserve_many root

# crun's own tests call `--cgroup-manager cgroupfs ... run --config config.json`
t_crun_command_line() {
	mkbundle
	set_sh 'echo crun-cli'
	RC=0
	(cd "$B" && timeout -k 5 "$RT_TIMEOUT" "$OCIRUN" --cgroup-manager cgroupfs --root "$STATE_root" ${OCIRUN_FLAGS:-} \
		run --config config.json "$ID") </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "--cgroup-manager cgroupfs ... run --config config.json ID (bundle = cwd)"
	expect_eq "output" "$OUT" crun-cli
}
run_test "crun's command line: --cgroup-manager cgroupfs and run --config" t_crun_command_line root
