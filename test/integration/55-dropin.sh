#!/bin/bash
# A drop-in for crun and runc: where crun is lenient or a client relies on a
# convention, ocirun does the same (rootless without a user namespace in the
# config, bind flags locked in a user namespace, the global options clients
# pass, run --keep, rootfsPropagation, poststop hooks, capability names,
# start without a process).
. "$(dirname "$0")/../lib.sh"

# ---------------------------------------------------------------------------
# rootless without ceremony

t_spec_run_unprivileged() {
	mkbundle
	# the config `ocirun spec` writes for root: no user namespace, devpts
	# with gid=5, sysfs and a cgroup mount
	(cd "$B" && rm -f config.json && "$OCIRUN" spec) || nope "spec failed"
	cfg '.process.terminal = false | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map | tr -s \" \"; ls /dev/pts/ptmx; cat /proc/self/status | grep ^CapEff"]'
	own "$B/config.json"
	run_ctr
	expect_ok "run of ocirun spec's config as an ordinary user"
	expect_eq "inside" "$(sed -n '1,3p' <<<"$OUT")" "0
 0 $USER_UID 1
/dev/pts/ptmx"
	[ "$(grep -c "warning: .*'user' namespace" <<<"$ERR")" = 1 ] || nope "want one warning line about the user namespace: $ERR"
}
run_test "ocirun spec (without --rootless), then run as an ordinary user" t_spec_run_unprivileged user

t_userns_no_mappings() {
	mkbundle
	cfg '.linux.namespaces |= map(select(.type != "user")) + [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)
		| .process.user = {"uid": 0, "gid": 0}'
	sh_ok 'tr -s " " < /proc/self/uid_map; tr -s " " < /proc/self/gid_map'
	local me=$USER_UID mg=$USER_GID
	[ "$MODE" = root ] && me=0 mg=0
	expect_eq "the caller's own ids, mapped onto process.user" "$OUT" " 0 $me 1
 0 $mg 1"
}
run_test "a user namespace without mappings maps the caller (root included)" t_userns_no_mappings root user

t_rootless_user_1000() {
	mkbundle
	(cd "$B" && rm -f config.json && "$OCIRUN" spec) || nope "spec failed"
	cfg '.process.terminal = false | .process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/tmp"
		| .root.readonly = false | .process.args = ["sh", "-c", "id -u; id -g; touch /tmp/f && stat -c %u /tmp/f"]'
	own "$B/config.json"
	run_ctr
	expect_ok "run as uid 1000 with the caller mapped onto it"
	expect_eq "ids inside" "$OUT" "1000
1000
1000"
}
run_test "rootless: process.user 1000 is the caller, mapped" t_rootless_user_1000 user

# ---------------------------------------------------------------------------
# bind mounts keep the flags a user namespace locks

t_bind_locked_flags() {
	local src=$WDIR/locked-$BASHPID opts
	mkdir -p "$src"
	mount -t tmpfs -o nosuid,nodev,noexec,strictatime,size=64k tmpfs "$src" || skipt "cannot mount a tmpfs"
	trap "umount -l $src 2>/dev/null" EXIT
	echo hi >"$src/f"
	chmod 755 "$src"
	for opts in '["bind", "ro"]' '["bind", "noatime"]' '["rbind", "nosuid", "relatime", "ro"]' '["bind", "rw", "exec"]'; do
		mkbundle
		cfg '.mounts += [{"destination": "/mnt", "type": "bind", "source": $s, "options": $o}]' --arg s "$src" --argjson o "$opts"
		sh_ok 'cat /mnt/f; awk "\$5 == \"/mnt\" {print \$6}" /proc/self/mountinfo'
		local got
		got=$(sed -n 2p <<<"$OUT")
		expect_opts "bind $opts of a nosuid,nodev,noexec source" "$got" nosuid nodev noexec
		[[ $opts == *'"ro"'* ]] && { expect_opts "bind $opts" "$got" ro; }
	done
	umount -l "$src"
}
run_test "a bind of a nosuid,nodev,noexec,strictatime source takes any option" t_bind_locked_flags root user

# ---------------------------------------------------------------------------
# the global options and flags clients pass

t_version_anywhere() {
	local st=${STATE:-$STATE_root}
	rc "$OCIRUN" --root "$st" --version
	expect_ok "--root DIR --version"
	grep -q "^ocirun version " <<<"$OUT" || nope "first line: $OUT"
	rc "$OCIRUN" --log /dev/null --log-format json --version
	expect_ok "--log F --log-format json --version"
	rc "$OCIRUN" --root "$st" -v
	expect_ok "--root DIR -v"
}
run_test "--version and -v among the global options" t_version_anywhere root

t_cgroup_manager() {
	mkbundle
	set_sh 'cat /proc/self/cgroup | head -3'
	run_ctr
	expect_ok run
	local plain=$OUT
	# disabled: no cgroup at all (the container's /proc/self/cgroup is the
	# runtime's, and state has no cgroupPath)
	mkbundle
	cfg 'del(.linux.namespaces[] | select(.type == "cgroup"))'
	set_args sleep 100
	RC=0
	rt --cgroup-manager disabled run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "--cgroup-manager disabled"
	local pid
	pid=$(ctr_pid)
	[ "$(cat /proc/$pid/cgroup)" = "$(cat /proc/self/cgroup)" ] || nope "with --cgroup-manager disabled the container got a cgroup: $(cat /proc/$pid/cgroup)"
	[ "$(rt state "$ID" | jq -r '.cgroupPath // "none"')" = none ] || true
	rm_ctr
	# cgroupfs is the default
	mkbundle
	set_sh 'cat /proc/self/cgroup | head -3'
	RC=0
	rt --cgroup-manager cgroupfs run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "--cgroup-manager cgroupfs"
	[ "$(cat "$B/out")" = "$plain" ] || nope "cgroupfs differs from the default: $(cat "$B/out") vs $plain"
	# systemd (none here), runc's --systemd-cgroup, an unknown manager
	if [ ! -d /run/systemd/system ]; then
		for flag in "--cgroup-manager systemd" "--systemd-cgroup"; do
			mkbundle
			RC=0
			# shellcheck disable=SC2086
			rt $flag run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
			ERR=$(cat "$B/err")
			expect_fail "$flag without systemd"
			grep -q "systemd" <<<"$ERR" || nope "$flag: the error does not say why: $ERR"
			expect_error_format "$flag" "$ERR"
		done
	fi
	rc rt --cgroup-manager bogus list
	expect_fail "--cgroup-manager bogus"
	grep -q "bogus" <<<"$ERR" || nope "the error does not name the value: $ERR"
}
run_test "--cgroup-manager cgroupfs|systemd|disabled and --systemd-cgroup" t_cgroup_manager root user

t_run_keep() {
	mkbundle
	set_sh 'exit 7'
	run_ctr --keep
	expect_rc 7 "run --keep exit status"
	expect_eq "after run --keep" "$(ctr_status)" stopped
	rc rt delete "$ID"
	expect_ok "delete of the kept container"
}
run_test "run --keep leaves the stopped container for delete" t_run_keep root user

t_accepted_flags() {
	rc rt --log-level debug list -q
	expect_ok "--log-level"
	rc rt --criu /usr/sbin/criu list -q
	expect_ok "--criu"
	mkbundle
	rc rt checkpoint "$ID"
	expect_fail checkpoint
	expect_error_format checkpoint "$ERR"
	grep -q "CRIU" <<<"$ERR" || nope "checkpoint: the error does not say why: $ERR"
	rc rt restore --image-path /tmp "$ID"
	expect_fail restore
	grep -q "CRIU" <<<"$ERR" || nope "restore: the error does not say why: $ERR"
}
run_test "flags clients pass are accepted, checkpoint/restore refused cleanly" t_accepted_flags root user

# ---------------------------------------------------------------------------
# lifecycle details where the spec decides

t_rootfs_propagation() {
	local p want
	for p in shared rshared slave rslave private rprivate unbindable runbindable; do
		mkbundle
		cfg '.linux.rootfsPropagation = $p' --arg p "$p"
		sh_ok 'awk "\$5 == \"/\"" /proc/self/mountinfo | tail -1'
		local opt
		opt=$(mi_optional "$OUT")
		# (slave: master:N where the host's mount was shared; a private
		# one has no master to follow)
		case $p in
		*shared) [[ $opt == *shared:* ]] ;;
		*slave) [[ $opt != *shared:* && $opt != *unbindable* ]] ;;
		*unbindable) [[ $opt == *unbindable* ]] ;;
		*) [[ $opt != *shared:* && $opt != *master:* && $opt != *unbindable* ]] ;;
		esac || nope "rootfsPropagation $p: / shows '$opt'"
	done
}
run_test "linux.rootfsPropagation: every value works and shows on /" t_rootfs_propagation root user

t_poststop_continue() {
	mkbundle
	local h=$B/hooks
	mkdir -p "$h"
	printf '#!/bin/sh\necho first >> %s/ran\nexit 3\n' "$h" >"$h/fail.sh"
	printf '#!/bin/sh\necho second >> %s/ran\n' "$h" >"$h/ok.sh"
	chmod 755 "$h"/*.sh
	own "$h"
	cfg '.hooks.poststop = [{"path": $a}, {"path": $b}]' --arg a "$h/fail.sh" --arg b "$h/ok.sh"
	set_args true
	run_ctr
	expect_ok "run with a failing poststop hook"
	expect_eq "poststop hooks that ran" "$(cat "$h/ran")" "first
second"
	grep -q "warning: .*poststop hook $h/fail.sh: exited with status 3" <<<"$ERR" || nope "no warning for the failing hook: $ERR"
}
run_test "a failing poststop hook warns and the rest still run" t_poststop_continue root user

t_unknown_capability() {
	mkbundle
	cfg '.process.capabilities.bounding += ["CAP_TEST"]'
	create_ctr
	expect_fail "create with CAP_TEST"
	grep -q 'process.capabilities.bounding\[3\]: unknown capability "CAP_TEST"' <<<"$ERR" || nope "error: $ERR"
	expect_error_format "CAP_TEST" "$ERR"
}
run_test "an unknown capability name is an error naming its JSON path" t_unknown_capability root user

t_start_no_process() {
	mkbundle
	cfg 'del(.process)'
	create_ctr
	expect_ok "create without process"
	rc rt start "$ID"
	expect_fail "start without process"
	wait_status stopped || nope "after the failed start the container is $(ctr_status)"
	rc rt delete "$ID"
	expect_ok "delete"
}
run_test "start of a container without process fails and it reads as stopped" t_start_no_process root user

# ---------------------------------------------------------------------------
# configs without a mount namespace (or without any namespace)

t_no_mount_ns() {
	local before
	before=$(leaked_mounts "$WDIR")
	mkbundle
	echo no-mount-ns-root >"$B/rootfs/marker"
	own "$B/rootfs/marker"
	cfg 'del(.linux.maskedPaths, .linux.readonlyPaths, .hostname) | .linux.namespaces = (if $m == "user" then [{"type": "user"}] else [] end)' \
		--arg m "$MODE"
	set_args sleep 100
	create_ctr
	expect_ok "create without namespaces"
	grep -q "mounts are not made" <<<"$ERR" || nope "no warning about the mounts: $ERR"
	local pid n mine theirs
	pid=$(ctr_pid)
	for n in mnt pid net ipc uts cgroup; do
		mine=$(readlink /proc/self/ns/$n) theirs=$(readlink /proc/$pid/ns/$n)
		[ "$mine" = "$theirs" ] || nope "the container does not share the runtime's $n namespace: $theirs vs $mine"
	done
	[ "$(cat /proc/$pid/root/marker)" = no-mount-ns-root ] || nope "the container's root is not root.path"
	rt start "$ID" >/dev/null 2>&1 || nope "start failed"
	x_out=$(rt exec "$ID" cat /marker 2>&1) || nope "exec failed: $x_out"
	expect_eq "exec sees root.path" "$x_out" no-mount-ns-root
	rm_ctr
	[ "$(leaked_mounts "$WDIR")" = "$before" ] || nope "mounts appeared on the host: $(leaked_mounts "$WDIR")"
	# what needs a mount namespace is refused, not silently dropped
	mkbundle
	cfg '.linux.namespaces |= map(select(.type != "mount"))'
	create_ctr
	expect_fail "maskedPaths without a mount namespace"
	grep -q "linux.maskedPaths: needs a mount namespace" <<<"$ERR" || nope "error: $ERR"
}
run_test "a config without a mount namespace runs in root.path and mounts nothing on the host" t_no_mount_ns root user

# ---------------------------------------------------------------------------
# sd_notify (NOTIFY_SOCKET), relayed as runc and crun do

t_sd_notify() {
	local h
	h=$(helper sdnotify) || skipt "sdnotify helper could not be built"
	local how
	for how in "run -d" create-start run; do
		mkbundle
		cp "$h" "$B/rootfs/sdnotify"
		own "$B/rootfs/sdnotify"
		cfg '.mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
		set_sh 'echo "$NOTIFY_SOCKET" > /run/where; /sdnotify send "STATUS=starting"; sleep 0.2; /sdnotify send "MAINPID=1
READY=1"; sleep 30'
		local sock=$B/host-notify.sock
		rm -f "$sock"
		"$h" listen -t 15 "$sock" >"$B/notify.out" 2>&1 9>&- &
		local rp=$!
		wait_for test -S "$sock" || nope "the host's listener did not start"
		own "$sock"
		chmod 777 "$sock"
		RC=0
		: >"$B/err"
		case $how in
		"run -d") rt_env "NOTIFY_SOCKET=$sock" run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$? ;;
		create-start)
			rt_env "NOTIFY_SOCKET=$sock" create -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
			[ "$RC" = 0 ] && { rt_env "NOTIFY_SOCKET=$sock" start "$ID" </dev/null >>"$B/out" 2>>"$B/err" || RC=$?; } ;;
		run) rt_env "NOTIFY_SOCKET=$sock" run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" & ;;
		esac
		ERR=$(cat "$B/err")
		expect_ok "$how with NOTIFY_SOCKET"
		wait $rp 2>/dev/null
		local pid
		wait_for test -n "$(ctr_pid)"
		pid=$(ctr_pid)
		expect_eq "$how: what the host's socket got" "$(cat "$B/notify.out")" "STATUS=starting
MAINPID=$pid
READY=1"
		rm_ctr
		[ "$(ls -A "${STATE:-$([ "$MODE" = user ] && echo "$STATE_user" || echo "$STATE_root")}")" = "" ] || true
	done
}
run_test "NOTIFY_SOCKET: the container's READY=1 reaches the caller, MAINPID the host's pid" t_sd_notify root user

# ---------------------------------------------------------------------------
# a foreground run with a terminal, started where the caller's terminal is
# not its to touch (under timeout, which makes its own process group)

t_tty_background() {
	command -v script >/dev/null || skipt "no script(1) to give the run a terminal"
	mkbundle
	cfg '.process.terminal = true'
	set_sh 'echo in-the-container; exit 5'
	local st=${STATE:-$([ "$MODE" = user ] && echo "$STATE_user" || echo "$STATE_root")} cmd
	cmd="timeout -k 2 15 $OCIRUN --root $st run -b $B $ID; echo exit=\$?"
	RC=0
	if [ "$MODE" = user ]; then
		as_user timeout -k 5 30 script -qec "$cmd" /dev/null </dev/null >"$B/out" 2>&1 || RC=$?
	else
		timeout -k 5 30 script -qec "$cmd" /dev/null </dev/null >"$B/out" 2>&1 || RC=$?
	fi
	OUT=$(tr -d '\r' <"$B/out")
	grep -q in-the-container <<<"$OUT" || nope "the container's output did not arrive: $OUT"
	grep -q '^exit=5$' <<<"$OUT" || nope "run did not return the container's status (stopped by job control?): $OUT"
}
run_test "run -t under a supervisor that is not the terminal's foreground returns" t_tty_background root user

# ---------------------------------------------------------------------------
# idmapped mounts: idmap, ridmap and a mount's own uidMappings (5.12+)

t_idmapped_mounts() {
	local src=$WDIR/idsrc-$BASHPID
	mkdir -p "$src/sub"
	echo hi >"$src/f"
	chown 0:0 "$src/f"
	chown 1000:1000 "$src/sub"
	chmod 755 "$src"
	mkbundle
	chown -R 100000:100000 "$B/rootfs"
	cfg '.linux.namespaces |= map(select(.type != "user")) + [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .root.readonly = false
		| .mounts += [{"destination": "/m1", "type": "bind", "source": $s, "options": ["bind", "idmap"]},
			{"destination": "/m2", "type": "bind", "source": $s, "options": ["bind"]},
			{"destination": "/m3", "type": "bind", "source": $s, "options": ["rbind", "ridmap", "ro"],
			 "uidMappings": [{"containerID": 0, "hostID": 100005, "size": 1}, {"containerID": 1000, "hostID": 100007, "size": 1}],
			 "gidMappings": [{"containerID": 0, "hostID": 100005, "size": 1}, {"containerID": 1000, "hostID": 100007, "size": 1}]}]' \
		--arg s "$src"
	set_sh 'stat -c %u:%g /m1/f /m2/f /m3/f /m3/sub; touch /m3/x 2>/dev/null && echo m3-writable; echo done'
	run_ctr
	if [ "$RC" != 0 ] && grep -qE 'idmap|open_tree|mount_setattr' <<<"$ERR"; then
		skipt "idmapped mounts are not available here: $ERR"
	fi
	expect_ok "run with idmapped mounts"
	expect_eq "owners as the container sees them" "$OUT" "0:0
65534:65534
5:5
7:7
done"
	[ "$(stat -c %u:%g "$src/f")" = 0:0 ] || nope "the source's owner changed"
}
run_test "idmapped mounts: the container's mapping (idmap) and a mount's own (ridmap, uidMappings)" t_idmapped_mounts root

t_idmap_refused() {
	mkbundle
	cfg '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)
		| .mounts += [{"destination": "/m", "type": "bind", "source": "/etc", "options": ["bind", "idmap"]}]'
	create_ctr
	expect_fail "idmap without a user namespace or mappings"
	grep -q 'mounts\[[0-9]*\].options: idmap without uidMappings needs' <<<"$ERR" || nope "error: $ERR"
	mkbundle
	cfg '.mounts += [{"destination": "/m", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]'
	create_ctr
	expect_fail "idmap on a tmpfs mount"
	grep -q 'must be a bind mount' <<<"$ERR" || nope "error: $ERR"
}
run_test "idmapped mounts that cannot be are refused naming the mount" t_idmap_refused root

# ---------------------------------------------------------------------------
# linux.netDevices: host interfaces moved in, renamed, given back on delete

t_net_devices() {
	local dev=oci$$x peer=oci$$y
	ip link add "$dev" type veth peer name "$peer" 2>/dev/null || skipt "cannot make a veth pair here"
	trap "ip link del $dev 2>/dev/null; ip link del $peer 2>/dev/null" EXIT
	local how
	for how in running exited; do
		mkbundle
		cfg '.linux.netDevices = {($d): {"name": "eth7"}}' --arg d "$dev"
		if [ $how = running ]; then set_sh 'ls /sys/class/net > /tmp/seen 2>/dev/null; sleep 100'; else set_sh 'ls /sys/class/net'; fi
		cfg '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
		RC=0
		rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
		ERR=$(cat "$B/err")
		expect_ok "run with netDevices ($how)"
		ip link show "$dev" >/dev/null 2>&1 && nope "$how: the interface is still on the host"
		if [ $how = running ]; then
			local inside
			inside=$(rt exec "$ID" ls /sys/class/net)
			grep -qx eth7 <<<"$inside" || nope "inside, no eth7: $inside"
		else
			wait_status stopped || nope "the container did not stop"
			grep -qx eth7 "$B/out" || nope "inside, no eth7: $(cat "$B/out")"
		fi
		rc rt delete --force "$ID"
		expect_ok "delete ($how)"
		ip link show "$dev" >/dev/null 2>&1 || nope "$how: delete did not give $dev back to the host"
	done
}
run_test "linux.netDevices: moved in under their new name, given back on delete" t_net_devices root

t_net_devices_refused() {
	mkbundle
	cfg '.linux.netDevices = {"nosuchdev0": {}}'
	create_ctr
	expect_fail "netDevices naming no interface"
	if [ "$MODE" = root ]; then
		grep -q "linux.netDevices.nosuchdev0: no such interface on the host" <<<"$ERR" || nope "error: $ERR"
	else
		grep -q "linux.netDevices: .*needs root" <<<"$ERR" || nope "error: $ERR"
	fi
	[ -z "$(rt list -q)" ] || true
}
run_test "linux.netDevices that cannot be moved are refused" t_net_devices_refused root user
