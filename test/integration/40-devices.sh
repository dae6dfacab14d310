#!/bin/bash
# /dev: default device nodes and symlinks, devpts/shm/mqueue, linux.devices.
. "$(dirname "$0")/../lib.sh"

t_dev() {
	mkbundle
	sh_ok 'for d in null zero full random urandom tty; do stat -c "%n %F %t,%T" /dev/$d; done
		for l in fd stdin stdout stderr ptmx; do echo "/dev/$l -> $(readlink /dev/$l)"; done
		echo x >/dev/null && echo null-ok
		head -c 4 /dev/zero | od -An -tx1
		echo x >/dev/full 2>/dev/null || echo full-enospc
		[ $(head -c 8 /dev/urandom | wc -c) = 8 ] && echo urandom-ok
		ls /dev; stat -c %a /dev
		grep -E " /dev(/pts|/shm|/mqueue)? " /proc/self/mountinfo'
	local want
	want="/dev/null character special file 1,3
/dev/zero character special file 1,5
/dev/full character special file 1,7
/dev/random character special file 1,8
/dev/urandom character special file 1,9
/dev/tty character special file 5,0"
	expect_eq "device nodes" "$(head -n 6 <<<"$OUT")" "$want"
	local l
	for l in "/dev/fd -> /proc/self/fd" "/dev/stdin -> /proc/self/fd/0" "/dev/stdout -> /proc/self/fd/1" "/dev/stderr -> /proc/self/fd/2"; do
		grep -qxF "$l" <<<"$OUT" || nope "missing symlink $l: $OUT"
	done
	grep -qE '^/dev/ptmx -> (/dev/)?pts/ptmx$' <<<"$OUT" || nope "/dev/ptmx is not a symlink to pts/ptmx: $(grep ptmx <<<"$OUT")"
	grep -qx null-ok <<<"$OUT" || nope "write to /dev/null failed"
	grep -qx " 00 00 00 00" <<<"$OUT" || nope "/dev/zero does not read zeros"
	grep -qx full-enospc <<<"$OUT" || nope "/dev/full accepted a write"
	grep -qx urandom-ok <<<"$OUT" || nope "/dev/urandom unreadable"
	local d
	for d in vda sda kmsg mem loop0 kvm; do
		grep -qx "$d" <<<"$OUT" && nope "host device /dev/$d visible in the container"
	done
	grep -qx 755 <<<"$OUT" || nope "/dev mode is not 755"
	[ -n "$(mi_line "$OUT" /dev/pts)" ] || nope "/dev/pts not mounted"
	expect_eq "/dev/pts fstype" "$(mi_fstype "$(mi_line "$OUT" /dev/pts)")" devpts
	expect_eq "/dev/shm fstype" "$(mi_fstype "$(mi_line "$OUT" /dev/shm)")" tmpfs
	expect_eq "/dev/mqueue fstype" "$(mi_fstype "$(mi_line "$OUT" /dev/mqueue)")" mqueue
	expect_opts "/dev/pts options" "$(mi_super "$(mi_line "$OUT" /dev/pts)")" ptmxmode=666 mode=620
	return 0
}
run_test "/dev has the default devices and symlinks only" t_dev root user

# devpts is a new instance: none of the host's ptys are visible
t_devpts_newinstance() {
	mkbundle
	sh_ok 'ls /dev/pts'
	expect_eq "/dev/pts contents" "$OUT" ptmx
}
run_test "/dev/pts is a new devpts instance" t_devpts_newinstance root user

t_devices() {
	mkbundle
	cfg '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 1000, "gid": 1000},
		{"path": "/dev/sub/myloop", "type": "b", "major": 7, "minor": 0, "fileMode": 384, "uid": 0, "gid": 0}]'
	# uid 1000 (the owner, no CAP_DAC_OVERRIDE) can write to its 0660 device
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	sh_ok 'stat -c "%n %F %t,%T %a %u %g" /dev/mynull /dev/sub/myloop; echo x >/dev/mynull && echo write-ok'
	expect_eq "devices" "$OUT" "/dev/mynull character special file 1,3 660 1000 1000
/dev/sub/myloop block special file 7,0 600 0 0
write-ok"
}
run_test "linux.devices are created with type, numbers, mode, owner" t_devices root

t_devices_rootless() {
	[ -c /dev/kmsg ] || skipt "host has no /dev/kmsg to bind"
	mkbundle
	cfg '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}]'
	sh_ok 'stat -c "%n %F %t,%T" /dev/kmsg'
	expect_eq "device" "$OUT" "/dev/kmsg character special file 1,b"
}
run_test "linux.devices in a rootless container (bind from host)" t_devices_rootless user
