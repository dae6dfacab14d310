#!/bin/bash
# Container escapes published against runc, crun, youki and LXC, mounted
# the way an image, a config or a process inside the container would, as
# root (no user namespace: container root can write root-owned host files)
# and rootless.  Each test asserts from the host that nothing outside the
# rootfs changed and that the container saw nothing it should not.  Every
# provocation is aimed at a scratch file or directory of the test's own.
. "$(dirname "$0")/../lib.sh"

# scratch: a host directory a container must not reach (the test user's
# in rootless mode, so that only the runtime protects it); sets V
scratch() {
	V=$(mktemp -d "$WDIR/scratch.XXXXXX")
	echo host-secret >"$V/secret"
	chmod 755 "$V"
	own "$V"
}
scratch_intact() {
	[ "$(cat "$V/secret" 2>/dev/null)" = host-secret ] || nope "the host file $V/secret was changed"
	[ "$(ls -A "$V")" = secret ] || nope "files appeared in the host dir $V: $(ls -A "$V")"
}
# plant FILE CONTENT: a file in the image
plant() {
	mkdir -p "$(dirname "$B/rootfs$1")"
	printf '%s' "$2" >"$B/rootfs$1"
	own "$B/rootfs$1"
}
# x ARGS...: exec into $ID, stdio to files; sets RC OUT ERR
x() {
	RC=0
	rt exec "$@" </dev/null >"$B/xout" 2>"$B/xerr" || RC=$?
	OUT=$(cat "$B/xout") ERR=$(cat "$B/xerr")
}
# fds_of PID: "N -> target" for every descriptor but stdio
fds_of() { for f in /proc/"$1"/fd/*; do [ -e "$f" ] || continue; n=${f##*/}; [ "$n" -gt 2 ] && echo "$n -> $(readlink "$f")"; done; }
# only_sockets FDS: nothing but sockets, pipes and the sealed trampoline
# (no file or directory)
only_sockets() { ! grep -vE -- '-> (socket:|pipe:|/memfd:ocirun-exec \(deleted\)$)' <<<"$1" | grep -q .; }
# sleeper [JQ]: a running container whose pid 1 is `sleep 1000`
sleeper() {
	mkbundle
	[ -n "${1:-}" ] && cfg "$1"
	set_args sleep 1000
	create_ctr
	expect_ok create
	rc rt start "$ID"
	expect_ok start
}

# ---------------------------------------------------------------------------
# 1. The runtime's own binary (CVE-2019-5736).  The image ships "update", a
# script whose interpreter is /proc/self/exe; PATH=":/bin" makes the
# runtime's process exec it as "update" relative to /, so the kernel runs
# the runtime's binary as "ocirun --root=/tmp update -r - x", which blocks
# reading its stdin: long enough for a process of the container (exegrab)
# to grab /proc/PID/exe and, where that process can exit first, reopen the
# file for writing.  As root the runtime's processes exec the image's
# programs through a sealed trampoline, so the script's interpreter is the
# trampoline; rootless, and where a filter refuses the trampoline, the
# runtime runs as a sealed copy of itself, which the script then runs.
# Neither can be written.  The runtime under test is a copy of the test's own
# (the test user's, rootless, as a developer's ~/bin/ocirun would be),
# compared before and after.

# exe_runtime BIN: run BIN as the runtime under test, through the 4.14
# pass's syscall filter when there is one (OCIRUN_WRAP: a script that runs
# it, so that the runtime's processes are still BIN itself)
exe_runtime() {
	OCIRUN=$1
	[ -n "${OCIRUN_WRAP:-}" ] || return 0
	OCIRUN=$WDIR/exe-run-$BASHPID
	printf '#!/bin/bash\nexec %q %q "$@"\n' "$OCIRUN_WRAP" "$1" >"$OCIRUN"
	chmod 755 "$OCIRUN"
}

exe_setup() {
	local grab
	grab=$(helper exegrab) || skipt "exegrab helper could not be built"
	# (the script runs the runtime's binary inside the container's rootfs,
	# which has no shared libraries for a dynamic build such as ocirun-dev)
	file_is_static "${OCIRUN_BIN:-$OCIRUN}" ||
		skipt "the attack runs the runtime inside the container: ${OCIRUN_BIN:-$OCIRUN} is not static"
	EXE_DIR=$WDIR/bin-$BASHPID
	mkdir -p "$EXE_DIR"
	cp "${OCIRUN_BIN:-$OCIRUN}" "$EXE_DIR/ocirun"
	chmod 755 "$EXE_DIR" "$EXE_DIR/ocirun"
	own "$EXE_DIR"
	EXE_SUM=$(sha256sum <"$EXE_DIR/ocirun")
	REAL_OCIRUN=$OCIRUN
	exe_runtime "$EXE_DIR/ocirun"
	mkbundle
	cp "$grab" "$B/rootfs/exegrab"
	plant /update '#!/proc/self/exe --root=/tmp
'
	chmod 755 "$B/rootfs/update" "$B/rootfs/exegrab"
	own "$B/rootfs"
	cfg '.process.env |= map(select(startswith("PATH=") | not)) + ["PATH=:/bin"] | .process.cwd = "/"'
}
# exe_verdict [may-miss]: may-miss where the interpreter may be gone
# before exegrab sees it (the trampoline exits at once)
exe_verdict() {
	[ "${1:-}" = may-miss ] || grep -q '^exe ' "$B/grab.out" ||
		nope "the attack did not run (exegrab saw no process): $(cat "$B/grab.out")"
	local seen ino
	seen=$(sed -n 's/^exe //p' "$B/grab.out")
	ino=$(sed -n 's/^ino //p' "$B/grab.out")
	[ "$(sha256sum <"$EXE_DIR/ocirun")" = "$EXE_SUM" ] ||
		nope "the host's runtime binary was overwritten from the container: $(cat "$B/grab.out")"
	[ "$ino" != "$(stat -c %d:%i "$EXE_DIR/ocirun")" ] && [[ $seen != "$EXE_DIR/ocirun"* ]] ||
		nope "a process in the container held the host's runtime file ($seen): $(cat "$B/grab.out")"
	grep -q '^write ok' "$B/grab.out" && nope "the container wrote to the runtime's executable: $(cat "$B/grab.out")"
	return 0
}

# Started, the container runs exegrab, then execs the script through
# exec; the container is removed with the test's own runtime.  As root the
# script's interpreter is the sealed trampoline (section 8 of runtime.c),
# which refuses to be one and exits 127 at once: exegrab may see nothing,
# and the sealed copy's "none" is then fine.
exe_attack() {
	rt start "$ID" || nope "start failed"
	rt exec -d "$ID" /exegrab 12 </dev/null >"$B/grab.out" 2>&1 || nope "exec exegrab failed"
	wait_for grep -q watching "$B/grab.out" || nope "exegrab did not start"
	sleep 2 | rt exec --env PATH=:/bin "$ID" update -r - x >/dev/null 2>&1
	wait_for grep -qE '^(write|open-write|none)' "$B/grab.out"
	sleep 0.5
	OCIRUN=$REAL_OCIRUN # never run a copy the container may have written
	rm_ctr
}

t_exe_exec() {
	exe_setup
	set_args sleep 1000
	create_ctr
	expect_ok create
	exe_attack
	if [ "$MODE" = root ]; then exe_verdict may-miss; else exe_verdict; fi
}
run_test "exec of a script whose interpreter is /proc/self/exe cannot reach the runtime binary" t_exe_exec root user

# The init execs the script, exegrab already watching from an exec into
# the created container.  Through the sealed copy (rootless) the
# container's pid 1 is then the runtime's copy, which exegrab grabs (it
# cannot outlive pid 1 to write, so what it holds is what is checked).
# Through the trampoline (root) pid 1 is the trampoline, which exits 127
# without running anything: the script ran neither the host's binary nor
# any copy of the runtime.
t_exe_start() {
	exe_setup
	set_args update -r - x
	mkfifo "$B/stdin"
	own "$B/stdin"
	sleep 6 >"$B/stdin" &
	rt create -b "$B" "$ID" <"$B/stdin" >"$B/out" 2>"$B/err" || nope "create failed: $(cat "$B/err")"
	rt exec -d "$ID" /exegrab 4 </dev/null >"$B/grab.out" 2>&1 || nope "exec exegrab failed"
	wait_for grep -q watching "$B/grab.out" || nope "exegrab did not start"
	rt start "$ID" || nope "start failed"
	wait_for grep -qE '^(ino|none)' "$B/grab.out"
	local pid
	pid=$(ctr_pid)
	if [ "$MODE" = root ]; then
		wait_status stopped "$ID" 5 || nope "pid 1 still runs the script: $(readlink "/proc/$pid/exe")"
		grep -q ocirun "$B/err" && nope "the script ran the runtime: $(cat "$B/err")"
	fi
	OCIRUN=$REAL_OCIRUN # never run a copy the container may have written
	rm_ctr
	if [ "$MODE" = root ]; then exe_verdict may-miss; else exe_verdict; fi
}
run_test "create/start of such a script cannot reach the runtime binary" t_exe_start root user

# A binary on squashfs (the read-only root of most boards) is used as it is:
# nothing can write it, so the runtime makes no copy.  The init is then the
# file itself, which the same attack grabs, and fails to write.
t_exe_squashfs() {
	[ "$IS_ROOT" = 1 ] || skipt "mounting a squashfs image needs root"
	command -v mksquashfs >/dev/null || skipt "mksquashfs (squashfs-tools) is not installed"
	local src=$WDIR/sq-src-$BASHPID mnt=$WDIR/sq-$BASHPID img=$WDIR/sq-$BASHPID.img pid
	mkdir -p "$src" "$mnt"
	cp "${OCIRUN_BIN:-$OCIRUN}" "$src/ocirun"
	chmod 755 "$src/ocirun" "$mnt"
	mksquashfs "$src" "$img" -quiet -noappend -all-root >/dev/null 2>&1 || skipt "mksquashfs failed"
	mount -o loop,ro -t squashfs "$img" "$mnt" 2>/dev/null || skipt "cannot loop-mount a squashfs image here"
	# (the test runs in a subshell: its EXIT trap unmounts on any failure)
	trap "umount -l '$mnt' 2>/dev/null" EXIT
	exe_setup
	exe_runtime "$mnt/ocirun"
	EXE_DIR=$mnt EXE_SUM=$(sha256sum <"$mnt/ocirun")
	set_args sleep 1000
	create_ctr
	expect_ok create
	pid=$(ctr_pid)
	[ "$(readlink "/proc/$pid/exe")" = "$mnt/ocirun" ] ||
		nope "the init is not the squashfs binary itself: $(readlink "/proc/$pid/exe")"
	exe_attack
	umount -l "$mnt"
	grep -q '^exe ' "$B/grab.out" || nope "the attack did not run (exegrab saw no process): $(cat "$B/grab.out")"
	grep -q '^open-write ok' "$B/grab.out" && nope "the squashfs binary was opened for writing: $(cat "$B/grab.out")"
	mount -o loop,ro -t squashfs "$img" "$mnt" || nope "remount the image"
	[ "$(sha256sum <"$mnt/ocirun")" = "$EXE_SUM" ] || nope "the squashfs binary changed"
	umount -l "$mnt"
}
run_test "a runtime binary on squashfs runs without a copy, and the container cannot write it" t_exe_squashfs root user

# An unprivileged caller's containers live in user namespaces that cannot
# map host root, so a binary owned by root that only root may write (the
# installed /usr/bin/ocirun) is out of their reach: rootless runs it without
# a copy, and the attack finds it and fails to write it.  Root's containers
# are root on the host's files: there the program is always exec'd through
# the sealed trampoline, which the created init holds.
t_exe_rootowned() {
	[ "$IS_ROOT" = 1 ] || skipt "a root-owned binary needs root to make"
	local pid exe
	exe_setup
	chown 0:0 "$EXE_DIR/ocirun"
	chmod 755 "$EXE_DIR/ocirun"
	set_args sleep 1000
	create_ctr
	expect_ok create
	pid=$(ctr_pid)
	exe=$(readlink "/proc/$pid/exe")
	if [ "$MODE" = user ]; then
		[ "$exe" = "$EXE_DIR/ocirun" ] || nope "rootless copied a binary its containers cannot write: $exe"
	else
		[ "$exe" = "$EXE_DIR/ocirun" ] || nope "root copied the runtime where the trampoline does: $exe"
		[[ $(fds_of "$pid") = *"-> /memfd:ocirun-exec"* ]] ||
			nope "the created init holds no sealed trampoline: $(fds_of "$pid")"
	fi
	exe_attack
	if [ "$MODE" = root ]; then
		exe_verdict may-miss
		return
	fi
	grep -q '^exe ' "$B/grab.out" || nope "the attack did not run (exegrab saw no process): $(cat "$B/grab.out")"
	grep -q '^open-write ok' "$B/grab.out" && nope "the container opened the runtime's binary for writing: $(cat "$B/grab.out")"
	[ "$(sha256sum <"$EXE_DIR/ocirun")" = "$EXE_SUM" ] || nope "the host's runtime binary changed"
}
run_test "a root-owned binary: rootless runs it as it is, root through the trampoline; neither can be written" t_exe_rootowned root user

# Where the seccomp filter would refuse the trampoline's execveat, root
# falls back to the sealed copy of the whole runtime: the container starts,
# its init is the copy, and the attack finds only sealed files.
t_exe_seccomp_fallback() {
	[ "$IS_ROOT" = 1 ] || skipt "rootless always runs as the sealed copy"
	local pid exe
	exe_setup
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["execveat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sleep 1000
	create_ctr
	expect_ok create
	pid=$(ctr_pid)
	exe=$(readlink "/proc/$pid/exe")
	[[ $exe = /memfd:ocirun\ * ]] || nope "the created init is not the sealed copy: $exe"
	exe_attack
	exe_verdict
}
run_test "a filter refusing execveat: the runtime runs as its sealed copy, which cannot be written" t_exe_seccomp_fallback root

# A startContainer hook runs in the container, its path resolved in the
# rootfs: the image can name its own script, whose interpreter is
# /proc/self/exe.  The hook must not run the host's binary: as root it
# ends at the trampoline (status 127, the runtime never ran).
t_exe_hook() {
	[ "$IS_ROOT" = 1 ] || skipt "rootless runs as the sealed copy, whose exec the exec and start tests attack"
	exe_setup
	cfg '.hooks.startContainer = [{"path": "/update", "args": ["update", "-r", "-", "x"]}]'
	set_args sleep 1000
	create_ctr
	expect_ok create
	rt exec -d "$ID" /exegrab 4 </dev/null >"$B/grab.out" 2>&1 || nope "exec exegrab failed"
	wait_for grep -q watching "$B/grab.out" || nope "exegrab did not start"
	RC=0
	rt start "$ID" >/dev/null 2>"$B/err" || RC=$?
	wait_for grep -qE '^(ino|none)' "$B/grab.out"
	OCIRUN=$REAL_OCIRUN
	rm_ctr
	grep -q 'startContainer hook /update: exited with status 127' "$B/err" ||
		nope "the hook's script did not end at the trampoline: $(cat "$B/err")"
	exe_verdict may-miss
}
run_test "a startContainer hook planted in the image cannot reach the runtime binary" t_exe_hook root

# The init waiting in "created", as another process of the container sees it.
t_init_unreadable() {
	mkbundle
	set_args sleep 1000
	create_ctr
	expect_ok create
	x "$ID" sh -c 'for f in /proc/1/fd/*; do readlink "$f" 2>/dev/null; cat "$f" </dev/null >/dev/null 2>&1 && echo "opened $f"; done
		cat /proc/1/environ >/dev/null 2>&1 && echo environ-read
		dd if=/proc/1/mem bs=1 count=1 skip=4096 >/dev/null 2>&1 && echo mem-read; readlink /proc/1/exe 2>/dev/null; echo done'
	expect_ok exec
	expect_eq "the created init, seen from the container" "$OUT" done
	rm_ctr
}
run_test "the created init's fd, environ, mem and exe are closed to the container" t_init_unreadable root user

# ---------------------------------------------------------------------------
# 2. Descriptors and the working directory (CVE-2024-21626)

t_created_init_fds() {
	mkbundle
	set_args sleep 1000
	create_ctr --pid-file "$B/pid"
	expect_ok create
	local pid fds
	pid=$(cat "$B/pid")
	fds=$(fds_of "$pid")
	only_sockets "$fds" || nope "the created init holds host files or directories: $fds"
	[ "$(grep -vc memfd: <<<"$fds")" -le 2 ] || nope "the created init holds more than its sync and start sockets: $fds"
	# the trampoline it holds cannot be written, even by host root
	local n
	for n in $(sed -n 's/ -> \/memfd:.*//p' <<<"$fds"); do
		{ echo x >>"/proc/$pid/fd/$n"; } 2>/dev/null && nope "the init's trampoline ($n) could be written"
	done
	rm_ctr
}
run_test "the created init holds only stdio and its sockets (no cgroup, state or bundle dir)" t_created_init_fds root user

# A createContainer hook runs in the container's namespaces, the init
# waiting for it: the hook lists its own descriptors, and the test (from the
# host, as a process with CAP_SYS_PTRACE in the container could) the init's.
t_hook_time_fds() {
	mkbundle
	local hook=$B/hook.sh
	cat >"$hook" <<EOF
#!/bin/sh
# /proc here is the host's (the hook runs before pivot_root): read our
# own stat with the shell itself to learn our pid and our parent's there
read -r l </proc/self/stat
me=\${l%% *}
set -- \${l##*) }
for f in /proc/\$me/fd/*; do n=\${f##*/}; [ "\$n" -gt 2 ] && echo "\$n -> \$(readlink \$f)"; done >$B/hookfds
echo \$2 >$B/initpid.tmp && mv $B/initpid.tmp $B/initpid
i=0; while [ ! -e $B/done ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
EOF
	chmod 755 "$hook"
	own "$hook"
	cfg '.hooks.createContainer = [{"path": $h}]' --arg h "$hook"
	set_args true
	run_ctr &
	local runner=$!
	wait_file "$B/initpid" || nope "the hook did not run"
	local fds
	fds=$(fds_of "$(cat "$B/initpid")")
	touch "$B/done"
	wait $runner
	[ -n "$fds" ] || nope "the init has no descriptors at all at hook time: is it the init?"
	only_sockets "$fds" || nope "while createContainer hooks run, the init holds host files or dirs: $fds"
	# (the hook's shell holds its script, dups of its stdio and pipes)
	local extra
	extra=$(grep -vE -- "-> (socket|pipe):|-> $hook\$|-> $B/(out|err)\$" "$B/hookfds")
	[ -z "$extra" ] || nope "the hook inherited descriptors of the runtime's: $extra"
}
run_test "while createContainer hooks run, neither the init nor the hook holds a host file or directory" t_hook_time_fds root user

# cwd /proc/self/fd/N: N a descriptor the runtime might leak, or one the
# caller passed (a host directory); and a planted symlink leading there.
t_cwd_through_fd() {
	scratch
	local n
	for n in 3 4 5 6 7 8 9; do
		mkbundle
		cfg '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		set_sh 'cat ../secret ../../secret 2>/dev/null; ls -a; pwd -P'
		run_ctr
		grep -qE 'host-secret|cgroup.procs|tasks|state.json|config.json' <<<"$OUT" &&
			nope "cwd /proc/self/fd/$n reached a host directory: $OUT"
		[ "$RC" = 0 ] || grep -q "cwd /proc/self/fd/$n" <<<"$ERR" || nope "cwd /proc/self/fd/$n: the error does not name the cwd: $ERR"
	done
	# a host directory on fd 3, passed with --preserve-fds
	mkbundle
	cfg '.process.cwd = "/proc/self/fd/3"'
	set_sh 'cat secret; pwd -P'
	RC=0
	rt run --preserve-fds 1 -b "$B" "$ID" 3<"$V" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	grep -q host-secret <<<"$OUT" && nope "a preserved host directory became the cwd: $OUT"
	expect_fail "run with cwd on a preserved host directory"
	grep -q "cwd /proc/self/fd/3: outside the container's root" <<<"$ERR" || nope "error does not name the cwd: $ERR"
	# the same through a symlink planted in the image
	mkbundle
	ln -s /proc/self/fd/3 "$B/rootfs/work"
	own "$B/rootfs/work"
	cfg '.process.cwd = "/work"'
	set_sh 'cat secret'
	RC=0
	rt run --preserve-fds 1 -b "$B" "$ID" 3<"$V" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	grep -q host-secret <<<"$OUT" && nope "a planted symlink to /proc/self/fd/3 became the cwd: $OUT"
	expect_fail "run with cwd through a planted symlink"
	grep -q "cwd /work" <<<"$ERR" || nope "error does not name the cwd: $ERR"
	scratch_intact
}
run_test "process.cwd through /proc/self/fd/N or a symlink to it is refused" t_cwd_through_fd root user

t_exec_cwd_through_fd() {
	scratch
	sleeper
	local n
	for n in 3 4 5 6 7 8 9; do
		x --cwd "/proc/self/fd/$n" "$ID" sh -c 'cat ../secret ../../secret 2>/dev/null; ls -a; pwd -P'
		grep -qE 'host-secret|cgroup.procs|tasks|state.json|config.json' <<<"$OUT" &&
			nope "exec --cwd /proc/self/fd/$n reached a host directory: $OUT"
	done
	RC=0
	rt exec --preserve-fds 1 --cwd /proc/self/fd/3 "$ID" sh -c 'cat secret' 3<"$V" </dev/null >"$B/xout" 2>"$B/xerr" || RC=$?
	OUT=$(cat "$B/xout") ERR=$(cat "$B/xerr")
	grep -q host-secret <<<"$OUT" && nope "exec --cwd on a preserved host directory: $OUT"
	expect_fail "exec --cwd on a preserved host directory"
	grep -q "cwd /proc/self/fd/3" <<<"$ERR" || nope "error does not name the cwd: $ERR"
	rm_ctr
	scratch_intact
}
run_test "exec --cwd through /proc/self/fd/N is refused" t_exec_cwd_through_fd root user

# ---------------------------------------------------------------------------
# 3. procfs and sysfs (CVE-2019-16884, CVE-2019-19921, CVE-2023-27561,
# CVE-2023-28642)

t_proc_sys_symlink() {
	local d
	for d in proc sys; do
		mkbundle
		mkdir -p "$B/rootfs/fake$d"
		rm -rf "${B:?}/rootfs/$d"
		ln -s "fake$d" "$B/rootfs/$d"
		own "$B/rootfs"
		set_sh 'echo ran'
		run_ctr
		expect_fail "run with a rootfs whose /$d is a symlink"
		grep -q "symlink" <<<"$ERR" || nope "/$d symlink: the error does not say why: $ERR"
		[ -z "$(ls -A "$B/rootfs/fake$d")" ] || nope "something was made in the symlink's target: $(ls -A "$B/rootfs/fake$d")"
	done
}
run_test "proc and sysfs are never mounted through a symlinked /proc or /sys" t_proc_sys_symlink root user

t_mount_into_proc() {
	local target kind
	for target in /proc/self/attr /proc/sys/kernel /proc/1; do
		for kind in tmpfs bind; do
			mkbundle
			ln -s "$target" "$B/rootfs/evil"
			own "$B/rootfs/evil"
			if [ $kind = tmpfs ]; then
				cfg '.mounts += [{"destination": "/evil", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
			else
				cfg '.mounts += [{"destination": "/evil", "type": "bind", "source": "/etc", "options": ["bind", "ro"]}]'
			fi
			set_sh 'awk "\$5 ~ \"^/proc/\"" /proc/self/mountinfo'
			run_ctr
			expect_fail "$kind on /evil -> $target"
			grep -q "inside the container's /proc" <<<"$ERR" || nope "$kind on /evil -> $target: error does not say why: $ERR"
		done
	done
}
run_test "no mount lands in /proc through a planted symlink" t_mount_into_proc root user

t_sysctl_readonly_proc() {
	mkbundle
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}'
	sh_ok 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced; (echo 0 > /proc/sys/net/ipv4/ip_forward) 2>/dev/null || echo ro'
	expect_eq "sysctls set under a read-only /proc/sys" "$OUT" "1
1
ro"
}
run_test "sysctls are set, and /proc/sys is still read-only" t_sysctl_readonly_proc root user

# ---------------------------------------------------------------------------
# 4. /dev planted by the image (CVE-2025-31133, CVE-2025-52565)

t_console_symlink() {
	local recv target
	recv=$(helper recvtty) || skipt "recvtty helper could not be built"
	for target in /etc/console-victim /proc/sys/kernel/core_pattern /proc/sysrq-trigger; do
		mkbundle
		cfg '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts" and .destination != "/dev/shm" and .destination != "/dev/mqueue"))
			| .mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
		plant /etc/console-victim "image-file"
		ln -sf "$target" "$B/rootfs/dev/console"
		own "$B/rootfs/dev"
		cfg '.process.terminal = true | .root.readonly = false'
		set_sh 'stat -c "%F" /dev/console; awk -v t='"$target"' "\$5 == t {print \"mounted on \" \$5}" /proc/self/mountinfo'
		local sock=$B/c.sock
		"$recv" -t 10 "$sock" >"$B/tty.out" 2>"$B/tty.err" 9>&- &
		local rp=$!
		wait_for test -S "$sock" || nope "recvtty did not start"
		run_ctr -d --console-socket "$sock"
		expect_ok "run with /dev/console -> $target"
		wait $rp 2>/dev/null
		wait_status stopped "$ID" 5
		local seen
		seen=$(tr -d '\r' <"$B/tty.out")
		grep -q "^character special file" <<<"$seen" || nope "/dev/console -> $target: not the pty: $seen"
		grep -q '^mounted on' <<<"$seen" && nope "/dev/console -> $target: the pty was mounted on the link's target: $seen"
		[ "$(cat "$B/rootfs/etc/console-victim")" = image-file ] || nope "the image's file was changed"
		rm_ctr
	done
}
run_test "a /dev/console symlink planted by the image is replaced, never followed" t_console_symlink root user

t_devnull_planted_mask() {
	local variant
	for variant in symlink-proc symlink-file file; do
		mkbundle
		cfg '.mounts |= map(select(.destination != "/dev"))'
		plant /etc/victim "image-secret"
		rm -f "$B/rootfs/dev/null"
		case $variant in
		symlink-proc) ln -s /proc/sys/kernel/core_pattern "$B/rootfs/dev/null" ;;
		symlink-file) ln -s /etc/victim "$B/rootfs/dev/null" ;;
		file) echo planted >"$B/rootfs/dev/null" ;;
		esac
		own "$B/rootfs/dev"
		cfg '.root.readonly = false | .linux.maskedPaths += ["/etc/masked"]'
		plant /etc/masked "masked-content"
		set_sh 'cat /etc/masked; echo written > /etc/masked 2>/dev/null; cat /etc/masked; [ -L /dev/null ] && echo still-a-link
			stat -c "%F %t,%T" /dev/null; cat /etc/victim; echo'
		run_ctr
		expect_ok "run with /dev/null planted as $variant"
		expect_eq "$variant: the mask and /dev/null seen inside" "$OUT" "character special file 1,3
image-secret"
		[ "$(cat "$B/rootfs/etc/victim")" = image-secret ] || nope "$variant: a write through the mask reached the image's file"
		[ "$(cat "$B/rootfs/etc/masked")" = masked-content ] || nope "$variant: a write reached the masked file"
	done
}
run_test "a planted /dev/null is never the mask source; masked files read empty and take no writes" t_devnull_planted_mask root user

# ---------------------------------------------------------------------------
# 5. Capabilities (CVE-2022-29162, CVE-2022-27650)

t_exec_cap_sets() {
	sleeper
	x --cap CAP_CHOWN "$ID" grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
	expect_ok "exec --cap CAP_CHOWN"
	expect_eq "sets after exec --cap CAP_CHOWN" "$(awk '{print $1 $2}' <<<"$OUT" | tr '\n' ' ')" \
		"CapInh:0000000000000000 CapPrm:0000000020000421 CapEff:0000000020000421 CapBnd:0000000020000421 CapAmb:0000000000000000 "
	x "$ID" grep -E '^Cap(Inh|Amb)' /proc/1/status
	expect_eq "the init's inheritable and ambient sets" "$(awk '{print $2}' <<<"$OUT" | tr '\n' ' ')" "0000000000000000 0000000000000000 "
	rm_ctr
}
run_test "exec --cap adds to bounding, effective and permitted only" t_exec_cap_sets root user

# ---------------------------------------------------------------------------
# 6. cgroups (CVE-2023-25809; a cgroup of its own, as runc 1.2 requires)

t_rootless_cgroups_ro() {
	local variant
	for variant in rbind sysfs-fallback cgroup-fallback; do
		mkbundle
		case $variant in
		sysfs-fallback)
			cfg '.linux.namespaces |= map(select(.type != "network"))
				| .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev"]} else . end)' ;;
		cgroup-fallback)
			cfg '.linux.namespaces |= map(select(.type != "network"))
				| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev"]}]' ;;
		esac
		sh_ok 'awk "{for (i = 7; i <= NF; i++) if (\$i == \"-\") {t = \$(i+1); break}} t ~ /^cgroup/ {print \$5, \$6}" /proc/self/mountinfo'
		[ -n "$OUT" ] || nope "$variant: the container sees no cgroup file system (the test needs one)"
		local rw
		rw=$(awk '$2 !~ /^ro(,|$)/' <<<"$OUT")
		[ -z "$rw" ] || nope "$variant: writable cgroup file systems in a rootless container: $rw"
	done
}
run_test "rootless: every cgroup file system the container sees is read-only" t_rootless_cgroups_ro user

# v1/hybrid host as root; a delegated cgroup2 subtree (private mount
# namespace with cgroup2 on /sys/fs/cgroup) rootless
CG_TEST=ocirun-escape-$$
at_exit cg_test_cleanup
cg_test_cleanup() {
	local d p
	for d in /sys/fs/cgroup/*/"$CG_TEST" /sys/fs/cgroup/unified/"$CG_TEST" /sys/fs/cgroup/"$CG_TEST"; do
		[ -d "$d" ] || continue
		for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		sleep 0.2
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}
hybrid() { [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] && [ -d /sys/fs/cgroup/freezer ]; }
# cgdirs PATH: the directories of cgroup PATH in every v1 hierarchy (root)
# or the delegated cgroup2 tree (rootless)
cgdirs() {
	if [ "$MODE" = user ]; then echo "/sys/fs/cgroup/unified$1"; else ls -d /sys/fs/cgroup/{freezer,memory,pids,cpu,devices}"$1" 2>/dev/null; fi
}
# in_cg CMD...: the runtime's environment for cgroup tests.  Root: this
# host.  Rootless: a private mount namespace whose /sys/fs/cgroup is the
# cgroup2 tree, where /$CG_TEST belongs to the test user (delegated) and
# the runtime itself runs in /$CG_TEST/runtime.
deleg_ready() {
	[ "$MODE" = root ] && return 0
	[ -d /sys/fs/cgroup/unified ] || return 1
	mkdir -p "/sys/fs/cgroup/unified/$CG_TEST/runtime" || return 1
	chown -R "$USER_UID:$USER_GID" "/sys/fs/cgroup/unified/$CG_TEST"
}
in_cg() {
	if [ "$MODE" = root ]; then
		"$@"
	else
		unshare -m bash -c 'mount -t cgroup2 none /sys/fs/cgroup && echo $$ > "/sys/fs/cgroup/$0/runtime/cgroup.procs" && exec "$@"' \
			"$CG_TEST" "$@"
	fi
}
# cg_rt ARGS...: rt, in that environment
cg_rt() {
	[ "$MODE" = root ] && { rt "$@"; return; }
	in_cg setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp XDG_RUNTIME_DIR= \
		timeout -k 5 "$RT_TIMEOUT" "$OCIRUN" --root "${STATE:-$STATE_user}" "$@"
}
cg_prep() {
	if [ "$MODE" = root ]; then hybrid || skipt "host cgroups are not v1/hybrid"; fi
	deleg_ready || skipt "no cgroup2 tree to delegate here"
	in_cg true 2>/dev/null || skipt "cannot make a private cgroup2 mount namespace here"
}
# foreign: a process that is not the container's (sets FPID)
foreign() { sleep 300 & FPID=$!; }
# place FPID in cgroup PATH
place() { local d; for d in $(cgdirs "$1"); do echo "$FPID" >"$d/cgroup.procs" || nope "cannot place $FPID in $d"; done; }

t_busy_cgroup() {
	cg_prep
	fresh_state
	mkbundle
	local path=/$CG_TEST/$ID
	cfg '.linux.cgroupsPath = $p' --arg p "$path"
	if [ "$MODE" = root ]; then
		mkdir -p /sys/fs/cgroup/{freezer,memory,pids}"$path"
	else
		mkdir -p "/sys/fs/cgroup/unified$path"
		chown "$USER_UID:$USER_GID" "/sys/fs/cgroup/unified$path"
	fi
	foreign
	place "$path"
	set_args true
	RC=0
	cg_rt run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_fail "run in a cgroup that already holds a process"
	grep -q "already has processes" <<<"$ERR" || nope "the error does not say why: $ERR"
	kill -0 "$FPID" 2>/dev/null || nope "the process in the cgroup was killed"
	local d
	for d in $(cgdirs "$path"); do [ -d "$d" ] || nope "the cgroup $d that was there before was removed"; done
	kill -9 "$FPID"
}
run_test "create into a cgroup that already has processes is refused" t_busy_cgroup root user

t_foreign_in_cgroup() {
	cg_prep
	fresh_state
	mkbundle
	local path=/$CG_TEST/$ID
	cfg '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"]' --arg p "$path"
	cg_rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	foreign
	place "$path"
	cg_rt kill --all "$ID" KILL >/dev/null 2>&1
	sleep 0.3
	kill -0 "$FPID" 2>/dev/null || nope "kill --all KILL killed a process that is not the container's"
	cg_rt delete --force "$ID" >/dev/null 2>"$B/err"
	kill -0 "$FPID" 2>/dev/null || nope "delete --force killed a process that is not the container's"
	[ -z "$(cg_rt list -q)" ] || nope "delete --force left the container's state"
	# a running container, deleted with the process in its cgroup
	newid
	path=/$CG_TEST/$ID
	cfg '.linux.cgroupsPath = $p' --arg p "$path"
	cg_rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || nope "run -d: $(cat "$B/err")"
	place "$path"
	cg_rt delete --force "$ID" >/dev/null 2>&1
	kill -0 "$FPID" 2>/dev/null || nope "delete --force of a running container killed a foreign process"
	kill -9 "$FPID"
}
run_test "kill --all and delete --force never signal a process that is not the container's" t_foreign_in_cgroup root user

# ---------------------------------------------------------------------------
# 7. seccomp values: each refused at create, naming its JSON path

t_seccomp_values() {
	local case json want
	fresh_state
	while IFS='|' read -r case json want; do
		[ -n "$case" ] || continue
		mkbundle
		cfg ".linux.seccomp = $json"
		set_args true
		create_ctr
		expect_fail "create with $case"
		grep -qF -- "$want" <<<"$ERR" || nope "$case: error does not name $want: $ERR"
		expect_error_format "$case" "$ERR"
		[ -z "$(rt list -q)" ] || nope "$case: a refused create left state behind"
	done <<'EOF'
errnoRet 65536|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 65536}]}|linux.seccomp.syscalls[0].errnoRet: 65536 out of range [1, 4095]
errnoRet 0|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0}]}|linux.seccomp.syscalls[0].errnoRet: 0 out of range
errnoRet 4096|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4096}]}|linux.seccomp.syscalls[0].errnoRet: 4096
errnoRet -1|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": -1}]}|linux.seccomp.syscalls[0].errnoRet
defaultErrnoRet 65537|{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 65537}|linux.seccomp.defaultErrnoRet: 65537 out of range [1, 4095]
args index 6|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 0, "op": "SCMP_CMP_EQ"}]}]}|linux.seccomp.syscalls[0].args[0].index
unknown action|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_PRETEND"}]}|linux.seccomp.syscalls[0].action
unknown default action|{"defaultAction": "SCMP_ACT_NOTHING"}|linux.seccomp.defaultAction
unknown operator|{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_SORTA"}]}]}|linux.seccomp.syscalls[0].args[0].op
unknown flag|{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_YOLO"]}|linux.seccomp.flags[0]
unknown architecture|{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_PDP11"]}|linux.seccomp.architectures[0]
EOF
}
run_test "seccomp: errno values, argument index and unknown names are refused with their JSON path" t_seccomp_values root user
