#!/bin/bash
# rootless: id mappings, what the container can and cannot reach on the host,
# no newuidmap needed, --rootless auto inside a user namespace, default
# state dir under $XDG_RUNTIME_DIR.
. "$(dirname "$0")/../lib.sh"

t_uid_map() {
	mkbundle
	set_sh 'cat /proc/self/uid_map /proc/self/gid_map; echo "$(id -u):$(id -g)"; exec sleep 100'
	create_ctr
	expect_ok create
	local pid
	pid=$(ctr_pid)
	rt start "$ID" >/dev/null 2>&1 || nope "start failed"
	wait_for grep -q : "$B/out" || nope "no output"
	local maps
	maps=$(sed -n 1,2p "$B/out" | awk '{print $1, $2, $3}')
	expect_eq "uid_map, gid_map inside" "$maps" "0 $USER_UID 1
0 $USER_GID 1"
	expect_eq "id inside" "$(sed -n 3p "$B/out")" "0:0"
	# seen from the host: the container process runs as the unprivileged user
	expect_eq "host view of the uid" "$(awk '/^Uid:/{print $2}' /proc/$pid/status)" "$USER_UID"
	expect_eq "host view of uid_map" "$(awk '{print $1, $2, $3}' /proc/$pid/uid_map)" "0 $USER_UID 1"
	rm_ctr
}
run_test "uid_map/gid_map map 0 to the caller" t_uid_map user

t_host_files() {
	[ "$IS_ROOT" = 1 ] || skipt "needs root to make root-owned host files"
	mkbundle
	local h=$WDIR/private-$BASHPID
	mkdir -p "$h"
	echo top-secret >"$h/secret"
	chmod 600 "$h/secret"
	echo public >"$h/public"
	chmod 644 "$h/public"
	chown -R 0:0 "$h"
	cfg '.mounts += [{"destination": "/host", "type": "bind", "source": $h, "options": ["bind"]}]' --arg h "$h"
	sh_ok 'cat /host/secret 2>/dev/null || echo secret-denied
		cat /host/public
		echo x >/host/public 2>/dev/null && echo public-written || echo public-write-denied
		touch /host/new 2>/dev/null && echo created || echo create-denied
		stat -c "%u %g" /host/secret
		cat /proc/1/root/etc/shadow 2>/dev/null || echo no-shadow'
	expect_eq "host file access" "$OUT" "secret-denied
public
public-write-denied
create-denied
65534 65534
no-shadow"
	expect_eq "host file intact" "$(cat "$h/public")" public
}
run_test "container root cannot read or write root-owned host files" t_host_files user

t_no_newuidmap() {
	mkbundle
	set_sh 'echo works'
	# an empty PATH: the runtime must not need newuidmap/newgidmap for a
	# single-id mapping of the caller
	local empty=$WDIR/emptypath-$BASHPID
	mkdir -p "$empty"
	RC=0
	if [ "$IS_ROOT" = 1 ]; then
		setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
			/usr/bin/env -i PATH="$empty" HOME=/tmp XDG_RUNTIME_DIR= \
			/usr/bin/timeout 20 "$OCIRUN" --root "$STATE_user" ${OCIRUN_FLAGS:-} ${OCIRUN_USER_FLAGS:-} \
			run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 9>&- || RC=$?
	else
		/usr/bin/env -i PATH="$empty" HOME=/tmp XDG_RUNTIME_DIR= \
			/usr/bin/timeout 20 "$OCIRUN" --root "$STATE_user" ${OCIRUN_FLAGS:-} ${OCIRUN_USER_FLAGS:-} \
			run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" 9>&- || RC=$?
	fi
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "rootless run with PATH=$empty"
	expect_eq output "$OUT" works
}
run_test "rootless run needs no newuidmap (PATH without it)" t_no_newuidmap user

t_foreign_mapping() {
	fresh_state
	mkbundle
	cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
	set_sh 'echo ran'
	run_ctr
	expect_fail "rootless run mapping host uid 0"
	[ "$OUT" != ran ] || nope "the program ran"
	expect_error_format "foreign mapping" "$ERR"
	rc rt list -q
	expect_eq "containers left" "$OUT" ""
}
run_test "mapping a uid the caller does not own is refused" t_foreign_mapping user

# --rootless auto as "root" inside `unshare --user --map-root-user`: the
# runtime is uid 0 but unprivileged; it must behave rootless (no cgroups,
# devices bound not mknod'ed) and the container must work.
t_rootless_auto_userns() {
	mkbundle
	# a root-style config: no user namespace of its own (gid 5 is not mapped
	# in this user namespace, so no gid=5 on devpts)
	base_config root | jq --arg v "$OCI_VERSION" '.ociVersion = $v
		| .mounts |= map(if .type == "devpts" then .options -= ["gid=5"] else . end)' >"$B/config.json"
	own "$B/config.json"
	set_sh 'echo "in-userns $(id -u)"; stat -c "%t,%T" /dev/null; cat /proc/self/uid_map | awk "{print \$1, \$2, \$3}"'
	local st=$WDIR/state-auto-$BASHPID
	mkdir -p "$st"
	own "$st"
	RC=0
	as_user unshare --user --map-root-user \
		timeout -k 5 20 "$OCIRUN" --root "$st" ${OCIRUN_FLAGS:-} --rootless auto run -b "$B" "$ID" \
		</dev/null >"$B/out" 2>"$B/err" 9>&- || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	as_user unshare --user --map-root-user timeout 10 "$OCIRUN" --root "$st" ${OCIRUN_FLAGS:-} delete -f "$ID" >/dev/null 2>&1
	expect_ok "run --rootless auto inside unshare --user --map-root-user"
	expect_eq "output" "$OUT" "in-userns 0
1,3
0 $USER_UID 1"
}
run_test "--rootless auto inside a user namespace" t_rootless_auto_userns user

# without --root, the state goes under $XDG_RUNTIME_DIR (not /run)
t_xdg_state() {
	[ "$IS_ROOT" = 1 ] || skipt "needs root to run as $TEST_USER with a chosen XDG_RUNTIME_DIR"
	mkbundle
	set_args sleep 100
	local x=$WDIR/xdg-$BASHPID
	mkdir -p "$x"
	chown "$USER_UID:$USER_GID" "$x"
	chmod 700 "$x"
	xrt() {
		setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups \
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp XDG_RUNTIME_DIR="$x" \
			timeout -k 5 20 "$OCIRUN" ${OCIRUN_FLAGS:-} ${OCIRUN_USER_FLAGS:-} "$@" 9>&-
	}
	RC=0
	xrt create -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	expect_ok "create without --root"
	local found
	found=$(find "$x" -name "$ID" | head -n 1)
	xrt delete -f "$ID" >/dev/null 2>&1
	[ -n "$found" ] || nope "no state for $ID under XDG_RUNTIME_DIR ($(find "$x"))"
	[ -e "/run/ocirun/$ID" ] && nope "state written to /run/ocirun"
	if ! is_reference_runtime; then
		[ "$found" = "$x/ocirun/$ID" ] || nope "state is at $found, want $x/ocirun/$ID"
	fi
	return 0
}
run_test "rootless default state dir is \$XDG_RUNTIME_DIR/ocirun" t_xdg_state user

t_root_userns_range() {
	# root maps the container onto host ids 200000-265535 (no host root
	# inside): the init must become the namespace's root to set things up
	mkbundle
	cfg '.linux.namespaces += [{"type": "user"}] | del(.linux.namespaces[] | select(.type == "cgroup"))
		| .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	chown -R 200000:200000 "$B/rootfs"
	sh_ok 'id -u; cat /proc/self/uid_map | tr -s " "; touch /dev/shm/x && echo shm-ok'
	expect_eq "inside" "$OUT" "0
 0 200000 65536
shm-ok"
}
run_test "root with a user namespace that does not map host root" t_root_userns_range root
