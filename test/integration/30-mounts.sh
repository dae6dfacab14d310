#!/bin/bash
# mounts: root.readonly, tmpfs options, bind mounts and their flags,
# propagation, nested destinations, maskedPaths, readonlyPaths, sysctl,
# --no-pivot, rootfsPropagation.  Checked from /proc/self/mountinfo inside.
. "$(dirname "$0")/../lib.sh"

t_root_readonly() {
	mkbundle
	sh_ok 'cat /proc/self/mountinfo; touch /newfile 2>/dev/null && echo write-ok || echo write-failed'
	local l
	l=$(mi_line "$OUT" /)
	[ -n "$l" ] || nope "no / in mountinfo: $OUT"
	expect_opts "/ with root.readonly" "$(mi_opts "$l")" ro
	expect_eq "write to /" "$(tail -n 1 <<<"$OUT")" write-failed
	[ ! -e "$B/rootfs/newfile" ] || nope "file created in the rootfs"
	newid
	cfg '.root.readonly = false'
	sh_ok 'cat /proc/self/mountinfo; touch /newfile && echo write-ok || echo write-failed'
	l=$(mi_line "$OUT" /)
	expect_opts "/ with root.readonly false" "$(mi_opts "$l")" rw
	expect_eq "write to /" "$(tail -n 1 <<<"$OUT")" write-ok
	[ -e "$B/rootfs/newfile" ] || nope "file not in the rootfs on the host"
}
run_test "root.readonly" t_root_readonly root user

t_root_is_bundle_rootfs() {
	mkbundle
	echo "marker-$ID" >"$B/rootfs/etc/marker"
	sh_ok 'cat /etc/marker; ls /'
	expect_eq "marker" "$(head -n 1 <<<"$OUT")" "marker-$ID"
	grep -qx work <<<"$OUT" && nope "host dirs visible in /: $OUT"
	grep -qx boot <<<"$OUT" && nope "host dirs visible in /: $OUT"
	return 0
}
run_test "/ is the bundle rootfs, host / is not visible" t_root_is_bundle_rootfs root user

t_root_abs_path() {
	mkbundle
	echo "abs-$ID" >"$B/rootfs/etc/marker"
	cfg '.root.path = $p' --arg p "$B/rootfs"
	sh_ok 'cat /etc/marker'
	expect_eq "marker" "$OUT" "abs-$ID"
}
run_test "absolute root.path" t_root_abs_path root user

t_tmpfs_opts() {
	mkbundle
	cfg '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "noexec", "size=1m", "mode=1750"]}]'
	sh_ok 'cat /proc/self/mountinfo; stat -c %a /data; echo hi >/data/f && cat /data/f'
	local l
	l=$(mi_line "$OUT" /data)
	[ -n "$l" ] || nope "/data is not a mount point"
	expect_eq "fstype" "$(mi_fstype "$l")" tmpfs
	expect_opts "/data mount options" "$(mi_opts "$l")" rw nosuid nodev noexec
	expect_opts "/data tmpfs options" "$(mi_super "$l")" size=1024k mode=1750
	expect_eq "mode and write" "$(tail -n 2 <<<"$OUT")" "1750
hi"
}
run_test "tmpfs mount with options" t_tmpfs_opts root user

t_bind_flags() {
	mkbundle
	local h=$WDIR/hostdir-$BASHPID
	mkdir -p "$h"
	echo host-content >"$h/file"
	printf '#!/bin/sh\necho executed\n' >"$h/prog"
	chmod 755 "$h/prog"
	own "$h"
	cfg '.mounts += [{"destination": "/ro", "type": "bind", "source": $h,
		"options": ["bind", "ro", "nosuid", "nodev", "noexec"]},
		{"destination": "/rw", "type": "none", "source": $h, "options": ["rbind"]}]' --arg h "$h"
	sh_ok 'cat /proc/self/mountinfo; echo "$(cat /ro/file)"
		touch /ro/new 2>/dev/null && echo ro-write-ok || echo ro-write-failed
		/ro/prog 2>/dev/null || echo ro-exec-failed
		/rw/prog
		echo from-container >/rw/written'
	local l
	l=$(mi_line "$OUT" /ro)
	[ -n "$l" ] || nope "/ro is not a mount point"
	expect_opts "/ro options" "$(mi_opts "$l")" ro nosuid nodev noexec
	l=$(mi_line "$OUT" /rw)
	[ -n "$l" ] || nope "/rw is not a mount point"
	expect_opts "/rw options" "$(mi_opts "$l")" rw '!noexec'
	expect_eq "results" "$(tail -n 4 <<<"$OUT")" "host-content
ro-write-failed
ro-exec-failed
executed"
	[ ! -e "$h/new" ] || nope "write through the ro bind reached the host"
	expect_eq "write through the rw bind" "$(cat "$h/written" 2>/dev/null)" from-container
}
run_test "bind mounts: ro, nosuid, nodev, noexec, rw" t_bind_flags root user

t_bind_file() {
	mkbundle
	local f=$WDIR/hostfile-$BASHPID
	echo file-content >"$f"
	own "$f"
	cfg '.mounts += [{"destination": "/newdir/sub/file.txt", "type": "bind", "source": $f, "options": ["bind", "ro"]}]' --arg f "$f"
	sh_ok '[ -f /newdir/sub/file.txt ] && cat /newdir/sub/file.txt'
	expect_eq "bind-mounted file" "$OUT" file-content
	[ -f "$B/rootfs/newdir/sub/file.txt" ] || nope "mount point file not created in the rootfs"
}
run_test "bind of a file onto a new path creates a file" t_bind_file root user

t_nested_dest() {
	mkbundle
	cfg '.mounts += [{"destination": "/a/b/c", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
	sh_ok 'cat /proc/self/mountinfo'
	[ -n "$(mi_line "$OUT" /a/b/c)" ] || nope "/a/b/c is not a mount point"
	[ -d "$B/rootfs/a/b/c" ] || nope "/a/b/c was not created inside the rootfs"
	[ ! -e /a/b/c ] || nope "/a/b/c created on the host"
}
run_test "mount destination in new nested dirs is created in the rootfs" t_nested_dest root user

t_mount_order() {
	mkbundle
	local h=$WDIR/order-$BASHPID
	mkdir -p "$h"
	echo over >"$h/f"
	own "$h"
	cfg '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]},
		{"destination": "/data/sub", "type": "bind", "source": $h, "options": ["bind"]}]' --arg h "$h"
	sh_ok 'cat /data/sub/f; cat /proc/self/mountinfo'
	expect_eq "file in nested bind" "$(head -n 1 <<<"$OUT")" over
	[ -n "$(mi_line "$OUT" /data/sub)" ] || nope "/data/sub not a mount"
	[ -d "$B/rootfs/data/sub" ] && nope "/data/sub was created in the rootfs, not in the tmpfs"
	return 0
}
run_test "mounts are applied in order (bind inside a tmpfs)" t_mount_order root user

# propagation: a mount made on the host after start shows up in an rslave
# bind, not in an rprivate one.  (crun 1.8 fails the rslave half: it makes
# the whole tree private after the mounts, dropping the explicit option.)
t_propagation() {
	local prop want
	for prop in rslave rprivate; do
		mkbundle
		local src=$WDIR/shared-$BASHPID-$prop
		mkdir -p "$src/sub"
		mount --bind "$src" "$src" || skipt "cannot make a bind mount on the host"
		mount --make-shared "$src"
		cfg '.mounts += [{"destination": "/mnt", "type": "bind", "source": $s, "options": ["rbind", $p]}]' \
			--arg s "$src" --arg p "$prop"
		set_sh 'grep " /mnt " /proc/self/mountinfo; echo started
			for i in $(seq 30); do [ -e /mnt/sub/marker ] && { echo seen; exit 0; }; sleep 0.1; done; echo not-seen'
		RC=0
		rt run -d -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
		ERR=$(cat "$B/err")
		[ "$RC" = 0 ] || { umount -l "$src"; nope "run -d with $prop failed: $ERR"; }
		wait_for grep -q started "$B/out" || { umount -l "$src"; nope "container did not start"; }
		mount -t tmpfs -o size=64k tmpfs "$src/sub"
		touch "$src/sub/marker"
		wait_status stopped "$ID" 15
		umount "$src/sub"
		umount -l "$src"
		local l
		l=$(head -n 1 "$B/out")
		[ $prop = rslave ] && want=seen || want=not-seen
		expect_eq "$prop: host mount visible" "$(tail -n 1 "$B/out")" "$want"
		if [ $prop = rslave ]; then
			[[ $(mi_optional "$l") == *master:* ]] || nope "rslave: no master: tag in '$l'"
		else
			[[ $(mi_optional "$l") == *master:* || $(mi_optional "$l") == *shared:* ]] && nope "rprivate: propagation tags in '$l'"
		fi
		rm_ctr
	done
	return 0
}
run_test "bind propagation rslave / rprivate" t_propagation root user

t_rootfs_propagation() {
	local p
	# ("shared" is not checked: with a private host / its peer group is
	# runtime-specific)
	for p in private slave; do
		mkbundle
		cfg '.linux.rootfsPropagation = $p' --arg p "$p"
		sh_ok 'cat /proc/self/mountinfo'
		local l opt
		l=$(mi_line "$OUT" /)
		opt=$(mi_optional "$l")
		case $p in
		private) [[ $opt == *shared:* || $opt == *master:* ]] && nope "private: tags '$opt' on /" ;;
		slave) [[ $opt == *shared:* ]] && nope "slave: / is shared ($l)" ;;
		esac
	done
	return 0
}
run_test "linux.rootfsPropagation" t_rootfs_propagation root

t_masked() {
	mkbundle
	cfg '.root.readonly = false'
	echo secret-data >"$B/rootfs/etc/secret"
	mkdir -p "$B/rootfs/etc/secretdir"
	echo inner >"$B/rootfs/etc/secretdir/f"
	own "$B/rootfs/etc"
	cfg '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/does/not/exist"]'
	sh_ok 'echo "kcore=$(head -c 16 /proc/kcore | wc -c)"
		echo "secret=$(cat /etc/secret)"
		echo "secretdir=$(ls -A /etc/secretdir)"
		echo "firmware=$(ls -A /sys/firmware)"
		touch /etc/secretdir/x 2>/dev/null && echo dir-writable || echo dir-ro
		echo x >/etc/secret 2>/dev/null; echo "after-write=$(cat /etc/secret)"
		cat /proc/self/mountinfo'
	expect_eq "masked reads" "$(head -n 6 <<<"$OUT")" "kcore=0
secret=
secretdir=
firmware=
dir-ro
after-write="
	local l
	l=$(mi_line "$OUT" /etc/secretdir)
	expect_eq "masked dir fstype" "$(mi_fstype "$l")" tmpfs
	expect_opts "masked dir" "$(mi_opts "$l")" ro
	expect_eq "host file intact" "$(cat "$B/rootfs/etc/secret")" secret-data
	[ ! -e "$B/rootfs/does" ] || nope "a nonexistent masked path was created"
}
run_test "maskedPaths: files read empty, dirs are empty ro tmpfs" t_masked root user

t_readonly_paths() {
	mkbundle
	cfg '.root.readonly = false | .linux.readonlyPaths += ["/etc"]'
	sh_ok 'touch /etc/x 2>&1; touch /tmp/x && echo tmp-ok
		echo 1 >/proc/sys/kernel/domainname 2>/dev/null && echo procsys-writable || echo procsys-ro
		cat /proc/self/mountinfo'
	grep -qi "read-only file system" <<<"$OUT" || nope "touch /etc/x did not fail with EROFS: $OUT"
	grep -qx tmp-ok <<<"$OUT" || nope "/tmp not writable: $OUT"
	grep -qx procsys-ro <<<"$OUT" || nope "/proc/sys writable"
	expect_opts "/etc" "$(mi_opts "$(mi_line "$OUT" /etc)")" ro
	expect_opts "/proc/sys" "$(mi_opts "$(mi_line "$OUT" /proc/sys)")" ro
}
run_test "readonlyPaths give EROFS" t_readonly_paths root user

t_sysctl() {
	mkbundle
	cfg '.linux.sysctl = {"kernel.shm_rmid_forced": "1", "net.ipv4.ip_forward": "1"}'
	local host_shm host_fwd
	host_shm=$(cat /proc/sys/kernel/shm_rmid_forced)
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	sh_ok 'cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_forward'
	expect_eq "sysctl values" "$OUT" "1
1"
	expect_eq "host kernel.shm_rmid_forced" "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host_shm"
	expect_eq "host net.ipv4.ip_forward" "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd"
}
run_test "linux.sysctl in new ipc and net namespaces" t_sysctl root user

t_sysctl_bad() {
	mkbundle
	cfg '.linux.sysctl = {"kernel.no_such_sysctl_xyz": "1"}'
	set_sh 'echo ran'
	run_ctr
	expect_fail "run with an unknown sysctl"
	[ "$OUT" != ran ] || nope "program ran"
}
run_test "unknown sysctl is an error" t_sysctl_bad root user

t_no_pivot() {
	mkbundle
	local m="np-$BASHPID"
	echo "$m" >"$B/rootfs/etc/marker"
	set_sh 'cat /etc/marker; ls /'
	RC=0
	rt run --no-pivot -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "run --no-pivot"
	expect_eq "marker" "$(head -n 1 <<<"$OUT")" "$m"
	grep -qx work <<<"$OUT" && nope "host dirs visible: $OUT"
	return 0
}
run_test "--no-pivot" t_no_pivot root user

