#!/bin/bash
# peers (1/2): what the test harness of a peer runtime (youki's "contest")
# does to a runtime, checked as behaviour a user of ocirun would notice.
# The harness calls `create ID --bundle DIR`, keeps create's stdout and
# stderr as pipes until the program exits, sends `kill ID 9`, reads state
# as text, takes the word "error" on stderr as the mark of a failed
# command, and generates configs whose unset fields are defaults (or, with
# older libraries, JSON null).  46-peers-conformance.sh covers the
# conformance suite (runtime-tools validation) and crun's own tests.
. "$(dirname "$0")/../lib.sh"

# failed commands: non-zero status and the word "error" on stderr
expect_error_word() { # expect_error_word WHAT
	[ "$RC" != 0 ] || nope "$1 succeeded but should have failed${OUT:+ (stdout: $OUT)}"
	[[ $ERR == *error* || $ERR == *Error* ]] ||
		nope "$1 failed, but stderr does not say \"error\" (a harness that looks for it takes this for success): $ERR"
}
# successful commands: nothing that reads as an error on stderr
expect_no_error_word() { # expect_no_error_word WHAT
	[ "$RC" = 0 ] || nope "$1 failed with status $RC (stderr: $ERR)"
	[[ $ERR == *error* || $ERR == *Error* ]] && nope "$1 succeeded but printed an error: $ERR"
	return 0
}

# ---------------------------------------------------------------------------
# the command line the harness uses: the id first, then --bundle/--pid-file
t_create_id_first() {
	mkbundle
	set_args sleep 60
	local pf=$B/pidfile
	rc rt create "$ID" --bundle "$B" --pid-file "$pf"
	expect_ok "create ID --bundle DIR --pid-file FILE"
	local s
	s=$(rt state "$ID") || nope "state after create failed"
	expect_eq "status" "$(jq -r .status <<<"$s")" created
	expect_eq "state pid = pid file" "$(jq -r .pid <<<"$s")" "$(cat "$pf" 2>/dev/null)"
	rm_ctr
	newid
	rc rt run "$ID" -b "$B" -d
	expect_ok "run ID -b DIR -d"
	rm_ctr
}
run_test "create/run accept --bundle and --pid-file after the container id" t_create_id_first root user

# create (stdio /dev/null), start, kill ID 9, state, delete: the state text
# has "id": "ID" and "status": "stopped" within a quarter second of kill
t_lifecycle_text() {
	mkbundle
	set_args sleep 10
	rc rt create --bundle "$B" "$ID"
	expect_ok create
	rc rt start "$ID"
	expect_no_error_word start
	rc rt kill "$ID" 9
	expect_no_error_word "kill ID 9"
	sleep 0.25
	rc rt state "$ID"
	expect_no_error_word state
	[[ $OUT == *"\"id\": \"$ID\""* ]] || nope "state text lacks '\"id\": \"$ID\"': $OUT"
	[[ $OUT == *'"status": "stopped"'* ]] || nope "state text lacks '\"status\": \"stopped\"' 0.25 s after kill 9: $OUT"
	rc rt delete "$ID"
	expect_no_error_word "delete of the killed container"
}
run_test "kill ID 9 then state: pretty JSON says stopped within 0.25 s" t_lifecycle_text root user

# the in-container harness: create with stdout and stderr on pipes, start
# one second later; the pipes reach EOF when the program exits, stderr is
# empty, and state says stopped
t_create_pipes() {
	mkbundle
	set_sh 'echo from-the-program'
	mkfifo "$B/p1" "$B/p2"
	own "$B/p1" "$B/p2"
	cat "$B/p1" >"$B/pout" &
	local c1=$!
	cat "$B/p2" >"$B/perr" &
	local c2=$!
	RC=0
	rt create --bundle "$B" "$ID" </dev/null >"$B/p1" 2>"$B/p2" || RC=$?
	[ "$RC" = 0 ] || { kill $c1 $c2 2>/dev/null; nope "create failed: $(cat "$B/perr")"; }
	sleep 1
	rc rt start "$ID"
	expect_no_error_word start
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 $c1 2>/dev/null || kill -0 $c2 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $c1 2>/dev/null || kill -0 $c2 2>/dev/null; then
		kill $c1 $c2 2>/dev/null
		nope "create's stdout/stderr pipes still open 10 s after the program exited"
	fi
	expect_eq "program output on create's stdout" "$(cat "$B/pout")" from-the-program
	expect_eq "create's stderr" "$(cat "$B/perr")" ""
	sleep 0.15
	expect_eq "status once the pipes closed" "$(ctr_status)" stopped
	rc rt delete "$ID"
	expect_no_error_word delete
}
run_test "create with piped stdio: pipes close at exit, stderr empty, stopped" t_create_pipes root user

# failed commands must say "error": the harness checks stderr, not the status
t_error_word() {
	mkbundle
	newid
	rc rt kill "" 9
	expect_error_word "kill of an empty id"
	rc rt kill "$ID" 9
	expect_error_word "kill of an unknown container"
	rc rt start "$ID"
	expect_error_word "start of an unknown container"
	rc rt delete "$ID"
	expect_error_word "delete of an unknown container"
	rc rt state "$ID"
	expect_error_word "state of an unknown container"
	rc rt create --bundle "$B" ""
	expect_error_word "create with an empty id"
}
run_test "failed kill/start/delete/state/create say \"error\" on stderr" t_error_word root user

# kill: no id and unknown id fail; kill 9 of a created container works and
# delete follows; once deleted, kill fails; the id can be used again
t_kill_sequence() {
	mkbundle
	set_args sleep 30
	rc rt create --bundle "$B" "$ID"
	expect_ok create
	rc rt kill "$ID" 9
	expect_no_error_word "kill 9 of a created container"
	sleep 0.1
	rc rt delete "$ID"
	expect_no_error_word "delete after kill of a created container"
	rc rt kill "$ID" 9
	expect_error_word "kill of a deleted container"
	rc rt create --bundle "$B" "$ID"
	expect_ok "create again with the same id"
	rc rt start "$ID"
	expect_no_error_word start
	rc rt kill "$ID" 9
	expect_no_error_word "kill 9 of a running container"
	sleep 0.1
	rc rt delete "$ID"
	expect_no_error_word "delete after kill of a running container"
}
run_test "kill of created and running containers; the id is reusable" t_kill_sequence root user

# hooks: two of each in the listed order, create, start, delete
t_hooks_listed_order() {
	mkbundle
	local log=$WDIR/hooklog-$BASHPID
	: >"$log"
	own "$log"
	local j='def h(s): {"path": "/bin/sh", "args": ["sh", "-c", ("echo \u0027" + s + " called\u0027 >> " + $log)]};
		.hooks = {"prestart": [h("pre-start1"), h("pre-start2")],
			"poststart": [h("post-start1"), h("post-start2")],
			"poststop": [h("post-stop1"), h("post-stop2")]}'
	cfg "$j" --arg log "$log"
	set_args true
	rc rt create --bundle "$B" "$ID"
	expect_ok create
	rc rt start "$ID"
	expect_ok start
	wait_status stopped || nope "true did not stop"
	rc rt delete "$ID"
	expect_ok delete
	expect_eq "hook log" "$(cat "$log")" "pre-start1 called
pre-start2 called
post-start1 called
post-start2 called
post-stop1 called
post-stop2 called"
}
run_test "prestart, poststart, poststop hooks run in the listed order" t_hooks_listed_order root user

# ---------------------------------------------------------------------------
# configs as the harness's library writes them
#
# all defaults: ociVersion 1.0.2-dev, hostname "youki", the three default
# capabilities in all five sets (ambient and inheritable too), empty
# annotations and device list, a cgroup mount
t_library_defaults() {
	mkbundle
	local caps='["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	cfg '.ociVersion = "1.0.2-dev" | .hostname = "youki" | .annotations = {}
		| .process.capabilities = {"bounding": $c, "effective": $c, "inheritable": $c, "permitted": $c, "ambient": $c}
		| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
			"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]' --argjson c "$caps"
	[ "$MODE" = root ] && cfg '.linux.resources = {"devices": []}'
	is_reference_runtime && [ "$OCIRUN_NAME" = crun ] && cfg '.ociVersion = "1.0.0"'
	sh_ok 'hostname; grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status | cut -f2'
	expect_eq "hostname and capability sets" "$OUT" "youki
0000000020000420
0000000020000420
0000000020000420
0000000020000420
0000000020000420"
}
run_test "library defaults: 1.0.2-dev, caps in all five sets, cgroup mount" t_library_defaults root user

# older libraries serialise unset optional fields as JSON null
t_json_null() {
	mkbundle
	set_args true
	cfg '.linux.resources = {"devices": [{"allow": false, "type": null, "major": null, "minor": null, "access": "rwm"}]}
		| .process.user.additionalGids = null | .linux.sysctl = null | .process.apparmorProfile = null'
	run_ctr
	expect_ok "run with null for optional fields"
}
run_test "JSON null for an optional field is the field left out" t_json_null root

# no namespaces at all: the created process is in all of the runtime's
# namespaces (the harness lists /proc/PID/ns of both and compares)
t_no_namespaces() {
	mkbundle
	cfg '.linux.namespaces = [] | .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| del(.hostname) | .mounts = [] | .root.readonly = false'
	set_args sleep 30
	rc rt create --bundle "$B" "$ID"
	if [ "$RC" != 0 ]; then
		umount_under "$B"
		nope "create with no namespaces failed: $ERR"
	fi
	local pid n diff=
	pid=$(ctr_pid)
	for n in /proc/self/ns/*; do
		n=${n##*/}
		[ "$(readlink "/proc/$pid/ns/$n")" = "$(readlink "/proc/self/ns/$n")" ] || diff+=" $n"
	done
	rm_ctr
	umount_under "$B"
	[ -z "$diff" ] || nope "the container process has its own namespaces:$diff"
}
run_test "linux.namespaces [] shares every namespace of the caller" t_no_namespaces root

# ---------------------------------------------------------------------------
# process
t_process_cwd_env() {
	mkbundle
	mkdir "$B/rootfs/test"
	own "$B/rootfs/test"
	cfg '.process.cwd = "/test" | .process.env += ["testa=valuea", "testb=123"]'
	sh_ok 'pwd; echo "$testa $testb"'
	expect_eq "cwd and env" "$OUT" "/test
valuea 123"
}
run_test "process.cwd and extra env variables" t_process_cwd_env root user

t_user_many_groups() {
	mkbundle
	local gids i
	gids=$(for ((i = 0; i < 12; i++)); do echo $((RANDOM * 2 % 65536)); done | sort -un | jq -s -c .)
	cfg '.process.user = {"uid": 10, "gid": 10, "additionalGids": $g, "umask": 2}' --argjson g "$gids"
	sh_ok 'id -u; id -g; id -G | tr " " "\n" | sort -un | tr "\n" " "; echo; umask'
	local want
	want=$(jq -r 'sort | unique | map(tostring) | join(" ")' <<<"$gids")
	expect_eq "uid" "$(sed -n 1p <<<"$OUT")" 10
	expect_eq "gid" "$(sed -n 2p <<<"$OUT")" 10
	# id -G lists the primary gid too
	local got
	got=$(sed -n 3p <<<"$OUT" | tr ' ' '\n' | grep -vx 10 | grep . | tr '\n' ' ' | sed 's/ $//')
	want=$(tr ' ' '\n' <<<"$want" | grep -vx 10 | tr '\n' ' ' | sed 's/ $//')
	expect_eq "supplementary groups" "$got" "$want"
	expect_eq "umask" "$(sed -n 4p <<<"$OUT")" 0002
}
run_test "uid 10, gid 10, a dozen additional gids, umask 002" t_user_many_groups root

t_rlimits_set() {
	mkbundle
	local G=$((1024 * 1024 * 1024))
	cfg '.process.rlimits = [
		{"type": "RLIMIT_AS", "hard": (2*$g), "soft": $g},
		{"type": "RLIMIT_CORE", "hard": (4*$g), "soft": (3*$g)},
		{"type": "RLIMIT_DATA", "hard": (6*$g), "soft": (5*$g)},
		{"type": "RLIMIT_FSIZE", "hard": (8*$g), "soft": (7*$g)},
		{"type": "RLIMIT_STACK", "hard": (10*$g), "soft": (9*$g)},
		{"type": "RLIMIT_CPU", "hard": 120, "soft": 60},
		{"type": "RLIMIT_NOFILE", "hard": 4000, "soft": 3000}]' --argjson g "$G"
	sh_ok 'awk "/^Max (address space|core file size|data size|file size|stack size|cpu time|open files)/ {print \$(NF-2), \$(NF-1)}" /proc/self/limits'
	# /proc/self/limits order: cpu, fsize, data, stack, core, nofile, as
	expect_eq "limits (soft hard)" "$OUT" "60 120
$((7 * G)) $((8 * G))
$((5 * G)) $((6 * G))
$((9 * G)) $((10 * G))
$((3 * G)) $((4 * G))
3000 4000
$G $((2 * G))"
}
run_test "rlimits AS, CORE, DATA, FSIZE, STACK, CPU, NOFILE" t_rlimits_set root

t_hostname_values() {
	mkbundle
	cfg '.hostname = "hostname-specific"'
	sh_ok hostname
	expect_eq hostname "$OUT" hostname-specific
	newid
	cfg '.hostname = ""'
	sh_ok true
}
run_test "hostname set; an empty hostname is accepted" t_hostname_values root user

t_sched_nice() {
	local p
	for p in SCHED_OTHER SCHED_BATCH; do
		mkbundle
		cfg '.process.scheduler = {"policy": $p, "nice": 1}' --arg p "$p"
		sh_ok 'awk "\$1 == \"policy\" {print \$3}" /proc/self/sched; cut -d" " -f19 /proc/self/stat'
		local want=0
		[ $p = SCHED_BATCH ] && want=3
		expect_eq "$p: policy and nice" "$OUT" "$want
1"
	done
}
run_test "scheduler SCHED_OTHER and SCHED_BATCH with nice 1" t_sched_nice root user

t_ioprio_classes() {
	local h c
	h=$(helper ioprio) || skipt "no ioprio helper"
	for c in RT:1 BE:2 IDLE:3; do
		mkbundle
		cp "$h" "$B/rootfs/bin/ioprio"
		own "$B/rootfs/bin/ioprio"
		cfg '.process.ioPriority = {"class": ("IOPRIO_CLASS_" + $c), "priority": $p}' \
			--arg c "${c%:*}" --argjson p "${c#*:}"
		set_args /bin/ioprio
		run_ctr
		expect_ok "run with ioPriority ${c%:*} ${c#*:}"
		expect_eq "${c%:*}: class and level" "$OUT" "class=${c#*:} level=${c#*:}"
	done
}
run_test "ioPriority RT 1, BE 2, IDLE 3 (default capabilities)" t_ioprio_classes root

# --preserve-fds: 100 with only stdio open gives only stdio; 0 closes an
# inherited descriptor; N covering an open descriptor passes it on
t_preserve_fds_cases() {
	mkbundle
	set_sh 'ls /proc/1/fd; true'
	# the runtime is started with nothing but stdio open, like the harness
	RC=0
	(
		for f in /proc/self/fd/*; do
			f=${f##*/}
			[ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-"
		done
		rt run --preserve-fds 100 -b "$B" "$ID"
	) </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "run --preserve-fds 100 with nothing but stdio open"
	expect_eq "fds" "$(sort -n <<<"$OUT" | tr '\n' ' ')" "0 1 2 "
	newid
	RC=0
	rt create --preserve-fds 0 -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 5</dev/null || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "create --preserve-fds 0 with fd 5 open"
	rt start "$ID" || nope "start failed"
	wait_status stopped || nope "did not stop"
	expect_eq "fds" "$(sort -n "$B/out" | tr '\n' ' ')" "0 1 2 "
	rm_ctr
	newid
	RC=0
	rt create --preserve-fds 3 -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 5</dev/null || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "create --preserve-fds 3 with fd 5 open"
	rt start "$ID" || nope "start failed"
	wait_status stopped || nope "did not stop"
	sort -n "$B/out" | grep -qx 5 || nope "fd 5 not passed: $(cat "$B/out")"
	rm_ctr
}
run_test "--preserve-fds 100 / 0 / covering an open fd" t_preserve_fds_cases root user

t_mount_label() {
	mkbundle
	cfg '.linux.mountLabel = "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811" | .linux.maskedPaths = []'
	[ -e /sys/fs/selinux/enforce ] && skipt "SELinux is enabled here"
	sh_ok true
}
run_test "linux.mountLabel on a host without SELinux is accepted" t_mount_label root user

# ---------------------------------------------------------------------------
# mounts and paths
t_ro_paths_tree() {
	mkbundle
	cfg '.root.readonly = false | .linux.readonlyPaths = ["/readonly_dir", "/readonly_file",
		"/readonly_dir/readonly_subdir", "/readonly_dir/readonly_file",
		"/readonly_dir/readonly_subdir/readonly_file", "/readonly_fifo", "/readonly_missing"]'
	mkdir -p "$B/rootfs/readonly_dir/readonly_subdir"
	echo immutable >"$B/rootfs/readonly_file"
	echo immutable >"$B/rootfs/readonly_dir/readonly_file"
	echo immutable >"$B/rootfs/readonly_dir/readonly_subdir/readonly_file"
	: >"$B/rootfs/readonly_dir/readonly_subdir/tmp"
	mkfifo "$B/rootfs/readonly_fifo"
	own "$B/rootfs"
	sh_ok 'for p in /readonly_dir /readonly_dir/readonly_subdir; do touch $p/new 2>/dev/null && echo "$p writable"; done
		for p in /readonly_file /readonly_dir/readonly_file /readonly_dir/readonly_subdir/readonly_file; do
			cat $p >/dev/null || echo "$p unreadable"; echo x 2>/dev/null >>$p && echo "$p writable"; done
		touch /elsewhere && echo done'
	expect_eq "writes" "$OUT" done
	expect_eq "stderr" "$ERR" ""
}
run_test "readonlyPaths: nested dirs and files, a FIFO, a missing path" t_ro_paths_tree root user

t_masked_paths_tree() {
	mkbundle
	cfg '.linux.maskedPaths = ["/masked-dir", "/masked-file", "/masked-dir/masked-subdir",
		"/masked-dir/masked-file", "/masked-dir/masked-subdir/masked-file", "/masked-fifo"]'
	mkdir -p "$B/rootfs/masked-dir/masked-subdir"
	echo secrets >"$B/rootfs/masked-file"
	echo secrets >"$B/rootfs/masked-dir/masked-file"
	echo secrets >"$B/rootfs/masked-dir/masked-subdir/masked-file"
	: >"$B/rootfs/masked-dir/masked-subdir/tmp"
	mkfifo "$B/rootfs/masked-fifo"
	own "$B/rootfs"
	# (the dir is masked first, so the paths below it are gone, not readable)
	sh_ok 'for p in /masked-file /masked-dir/masked-file /masked-dir/masked-subdir/masked-file; do
			echo "$p: $(cat $p 2>/dev/null)"; done
		echo "dir: $(ls -A /masked-dir)"
		[ -p /masked-fifo ] && echo fifo-still-a-fifo; echo end'
	expect_eq "masked contents" "$OUT" "/masked-file: 
/masked-dir/masked-file: 
/masked-dir/masked-subdir/masked-file: 
dir: 
end"
	[ "$(cat "$B/rootfs/masked-file")" = secrets ] || nope "the masked file changed on the host"
}
run_test "maskedPaths: nested dirs and files read empty, a FIFO is masked" t_masked_paths_tree root user

t_relative_paths_accepted() {
	mkbundle
	cfg '.linux.readonlyPaths += ["readonly_relpath"] | .linux.maskedPaths += ["masked_rel_path"]'
	sh_ok 'ls /readonly_relpath /masked_rel_path 2>/dev/null; echo ran'
	expect_eq "output" "$OUT" ran
}
run_test "relative, missing readonlyPaths and maskedPaths entries do not fail" t_relative_paths_accepted root user

t_masked_device_nodes() {
	mkbundle
	cfg '.linux.maskedPaths = ["/m-blk", "/m-chr"] | .linux.readonlyPaths = ["/r-blk", "/r-chr"] | .root.readonly = false'
	mknod "$B/rootfs/m-blk" b 0 0
	mknod "$B/rootfs/m-chr" c 0 0
	mknod "$B/rootfs/r-blk" b 0 0
	mknod "$B/rootfs/r-chr" c 0 0
	sh_ok 'stat -c "%F %t:%T" /m-blk /m-chr; grep -cE " /r-(blk|chr) ro," /proc/self/mountinfo'
	expect_eq "masked nodes are /dev/null, ro nodes are ro mounts" "$OUT" "character special file 1:3
character special file 1:3
2"
}
run_test "device nodes in maskedPaths and readonlyPaths" t_masked_device_nodes root

# recursive mount attributes on bind mounts without a "type": the option
# must reach the mount below the bind source too
t_recursive_body() {
	local src=$1
	mkbundle
	local o m=()
	for o in rro rnoexec rnosuid rnodev rnosymfollow rnodiratime rnoatime rstrictatime; do
		m+=("{\"destination\": \"/mnt/$o\", \"source\": \"$src\", \"options\": [\"rbind\", \"$o\"]}")
	done
	cfg ".mounts += [$(IFS=,; echo "${m[*]}")]
		| .mounts += [{\"destination\": \"/rdev\", \"source\": \"/dev\", \"options\": [\"rbind\", \"rdev\"]},
			{\"destination\": \"/rnodev\", \"source\": \"/dev\", \"options\": [\"rbind\", \"rnodev\"]},
			{\"destination\": \"/mnt/rexec\", \"source\": \"$src\", \"options\": [\"rbind\", \"rexec\"]}]"
	sh_ok 'cat /proc/self/mountinfo
		touch /mnt/rro/sub/x 2>/dev/null && echo rro-writable
		/mnt/rnoexec/sub/busybox true 2>/dev/null && echo rnoexec-executes
		/mnt/rexec/sub/busybox true || echo rexec-cannot-execute
		echo x 2>/dev/null >/rnodev/null && echo rnodev-opens
		echo x >/rdev/null || echo rdev-cannot-open
		echo end'
	local bad
	bad=$(grep -E 'rro-writable|rnoexec-executes|rexec-cannot|rnodev-opens|rdev-cannot' <<<"$OUT")
	[ -z "$bad" ] || nope "access through the binds: $bad"
	local l
	for o in rro:ro rnoexec:noexec rnosuid:nosuid rnodev:nodev rnosymfollow:nosymfollow rnodiratime:nodiratime rnoatime:noatime; do
		l=$(mi_line "$OUT" "/mnt/${o%:*}/sub")
		[ -n "$l" ] || nope "/mnt/${o%:*}/sub is not a mount"
		expect_opts "${o%:*} on the submount" "$(mi_opts "$l")" "${o#*:}"
	done
	l=$(mi_line "$OUT" /mnt/rstrictatime/sub)
	expect_opts "rstrictatime on the submount" "$(mi_opts "$l")" '!relatime' '!noatime'
	l=$(mi_line "$OUT" /mnt/rexec/sub)
	expect_opts "rexec on the noexec submount" "$(mi_opts "$l")" '!noexec'
	rm_ctr
}
t_recursive_attrs() {
	local src=$WDIR/rsrc-$BASHPID r=0
	mkdir -p "$src"
	mount -t tmpfs -o size=8m tmpfs "$src" || skipt "cannot mount a tmpfs"
	mkdir "$src/sub"
	mount -t tmpfs -o size=8m,noexec tmpfs "$src/sub"
	cp "$BUSYBOX" "$src/busybox"
	cp "$BUSYBOX" "$src/sub/busybox"
	ln -s busybox "$src/sub/link"
	(t_recursive_body "$src") || r=$?
	umount -l "$src/sub" 2>/dev/null
	umount -l "$src" 2>/dev/null
	return $r
}
run_test "recursive rro/rnoexec/rexec/rnosuid/rnodev/rdev/rnosymfollow/r*atime on type-less binds" t_recursive_attrs root

# --no-pivot: / holds the rootfs's own top-level directories, nothing more
t_no_pivot_top() {
	mkbundle
	sh_ok 'for d in /* /.[!.]*; do [ -d "$d" ] && echo "${d#/}"; done; true'
	local want got
	want=$(cd "$B/rootfs" && for d in * .[!.]*; do [ -d "$d" ] && echo "$d"; done | sort)
	got=$(sort <<<"$OUT")
	newid
	rc rt run --no-pivot -b "$B" "$ID"
	expect_ok "run --no-pivot"
	expect_eq "top-level dirs with pivot_root" "$got" "$want"
	expect_eq "top-level dirs with --no-pivot" "$(sort <<<"$OUT")" "$want"
}
run_test "--no-pivot: / lists exactly the rootfs's top-level dirs" t_no_pivot_top root user

t_rootfs_prop_values() {
	local p
	for p in shared slave private unbindable; do
		mkbundle
		cfg '.root.readonly = false | .linux.rootfsPropagation = $p | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}
			| .process.capabilities = {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"],
				"inheritable": ["CAP_SYS_ADMIN"], "permitted": ["CAP_SYS_ADMIN"], "ambient": ["CAP_SYS_ADMIN"]}' --arg p "$p"
		set_args true
		run_ctr
		expect_ok "run with rootfsPropagation $p"
	done
}
run_test "rootfsPropagation shared, slave, private, unbindable all run" t_rootfs_prop_values root

t_devices_kinds() {
	mkbundle
	cfg '.linux.devices = [
		{"path": "/dev/test1", "type": "c", "major": 10, "minor": 666, "fileMode": 432, "uid": 0, "gid": 0},
		{"path": "/dev/test2", "type": "b", "major": 8, "minor": 666, "fileMode": 432, "uid": 0, "gid": 0},
		{"path": "/dev/test3", "type": "p", "major": 8, "minor": 666, "fileMode": 432}]'
	sh_ok 'stat -c "%F %t:%T %a %u:%g" /dev/test1 /dev/test2; stat -c "%F %a" /dev/test3'
	expect_eq "devices" "$OUT" "character special file a:29a 660 0:0
block special file 8:29a 660 0:0
fifo 660"
}
run_test "linux.devices: char, block and FIFO (with major/minor set)" t_devices_kinds root

# ---------------------------------------------------------------------------
# cgroup v1 resources under /runtime-test/NAME
v1_ok() { [ -d /sys/fs/cgroup/$1 ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; }
# the runtimes leave the parents of a nested cgroupsPath in every hierarchy
cg_rmdir_all() { # cg_rmdir_all REL... (deepest first)
	local h r
	for h in /sys/fs/cgroup/*/; do
		for r in "$@"; do rmdir "$h$r" 2>/dev/null; done
	done
	return 0
}
t_v1_pids_limits() {
	v1_ok pids || skipt "no cgroup v1 pids hierarchy"
	local l want name top=runtime-test-$BASHPID
	for l in 50 0 -1; do
		mkbundle
		name=$top/l${l#-}
		cfg '.linux.cgroupsPath = $p | .linux.resources = {"pids": {"limit": $l}}' \
			--arg p "/$name" --argjson l "$l"
		set_args sleep 30
		create_ctr
		expect_ok "create with pids.limit $l"
		want=$l
		[ "$l" -le 0 ] && want=max
		expect_eq "pids.max for limit $l" "$(cat "/sys/fs/cgroup/pids/$name/pids.max" 2>&1)" "$want"
		rm_ctr
	done
	cg_rmdir_all "$top/l50" "$top/l0" "$top/l1" "$top"
	return 0
}
run_test "cgroup v1 pids limit 50, 0 and -1 (0 and -1 are max)" t_v1_pids_limits root

t_v1_memory_swappiness() {
	v1_ok memory || skipt "no cgroup v1 memory hierarchy"
	local c d top=runtime-test-$BASHPID
	for c in 50593792:10 151781376:100; do
		mkbundle
		d=/$top/mem
		cfg '.linux.cgroupsPath = $p | .linux.resources = {"memory": {"limit": $l, "swappiness": $s}}' \
			--arg p "$d" --argjson l "${c%:*}" --argjson s "${c#*:}"
		set_args sleep 30
		create_ctr
		expect_ok "create with memory limit ${c%:*}, swappiness ${c#*:}"
		expect_eq "limit" "$(cat /sys/fs/cgroup/memory$d/memory.limit_in_bytes)" "${c%:*}"
		expect_eq "swappiness" "$(cat /sys/fs/cgroup/memory$d/memory.swappiness)" "${c#*:}"
		rm_ctr
	done
	cg_rmdir_all "$top/mem" "$top"
	return 0
}
run_test "cgroup v1 memory limit and swappiness" t_v1_memory_swappiness root
