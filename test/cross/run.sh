#!/bin/bash
# test/cross/run.sh -- make check-cross: ocirun on every target.
#
# For each ARCH in $CHECK_ARCHES (default: x86_64 aarch64 armhf mipsel mips
# riscv64):
#   1. build   make ARCH=... cross-test-bins: ocirun, the unit tests (static,
#              musl) and vminit for ARCH (toolchain and libseccomp on first use)
#   2. unit    the unit tests under qemu-ARCH-static (x86_64: natively)
#   3. vm      a real kernel under qemu-system: Debian 12's kernel package for
#              the arch (amd64, arm64, armmp, 4kc-malta), $KERNEL_<arch> if set,
#              or one that `make cross-kernel ARCH=...` built; the initramfs
#              holds vminit as /init, ocirun, and bundles whose rootfs is
#              Debian's busybox-static for ARCH (mips, riscv64: none in Debian
#              12, the container runs the checker alone).  vminit runs the
#              container as root in a user namespace ("root"), as uid 1000
#              ("rootless") and as root without a user namespace ("rootful"),
#              the lifecycle commands, and the cgroup2 modes (the kernel
#              boots with cgroup_no_v1=all cgroup_disable=hugetlb,rdma):
#              "cgroup2" (root, /ocirun-test/c1 with memory, pids, cpu and
#              device limits; pause, resume, update, kill --all, delete;
#              hugepageLimits and rdma fail naming the field) and
#              "cgroup2-rootless" (uid 1000 in the delegated /user1000;
#              /c3, not delegated, fails); a kernel without the memory,
#              pids and cpu controllers skips them.  The serial console
#              must show every expected RESULT line.
# qemu-user emulates neither unshare(CLONE_NEWUSER) nor seccomp, so the
# containers run only under qemu-system.
# Then every cross target is built twice, in two directories, and must be
# the same bytes (test/repro.sh; REPRO=0 skips; about 30 s a target).
#
# Output: "ok NAME", "FAIL NAME: why", "SKIP NAME: why"; then
# "N passed, N failed, N skipped" (unit tests count one each); exit 1 if
# anything failed.  Logs: build/ARCH/check-cross/.
#
# Timeouts (seconds, environment): FETCH_TIMEOUT (installing the host
# packages; fetching one kernel or busybox, 900), BUILD_TIMEOUT (one arch's
# build, 900), UNIT_TIMEOUT (300), VM_TIMEOUT (one VM, 300), STEP_TIMEOUT
# (one container run or ocirun command inside the VM, 120).
set -u
TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TEST_DIR/../.." && pwd)
cd "$REPO" || exit 2

ARCHES=${CHECK_ARCHES:-x86_64 aarch64 armhf mipsel mips riscv64}
MAKE=${MAKE:-make}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
VM_TIMEOUT=${VM_TIMEOUT:-300}
STEP_TIMEOUT=${STEP_TIMEOUT:-120}
FETCH_TIMEOUT=${FETCH_TIMEOUT:-900}
HOST_ARCH=$(uname -m)
ERRNO=18 # errnoRet of the seccomp rule: EXDEV, the same number on every arch
MODES="root rootless rootful"
# every controller on cgroup2, and none for hugetlb and rdma (the cgroup2
# mode's "missing controller" cases)
CG_CMDLINE="cgroup_no_v1=all cgroup_disable=hugetlb,rdma"
CG2_STEPS="setup run memory pids cpu cgroupns cgroupfs dev-null dev-zero dev-kmsg host-files state-running
host-procs pause resume update kill delete missing-hugetlb missing-rdma"
CG2_ROOTLESS_STEPS="delegate run memory pids cgroupns cgroupfs host-files kill delete not-delegated"

P=0 F=0 S=0
pass() { echo "ok $*"; P=$((P + 1)); }
fail() { echo "FAIL $*"; F=$((F + 1)); }
skip() { echo "SKIP $*"; S=$((S + 1)); }
now() { date +%s.%N; }
# check_steps ARCH MODE LOG STEP...: each step needs its "ok" RESULT line
check_steps() {
	local a=$1 m=$2 log=$3 s line
	shift 3
	for s in "$@"; do
		line=$(grep -m1 "^RESULT arch=$a mode=$m step=$s " "$log")
		if [ -z "$line" ]; then
			fail "$a $m $s: no RESULT line"
		elif [ "${line#* step="$s" ok}" != "$line" ]; then
			pass "$a $m $s${line#* step="$s" ok}"
		else
			fail "$a $m $s:${line#* step="$s" FAIL}"
		fi
	done
}
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Debian 12 arch name, qemu-user name
debarch() { scripts/cross-toolchain.sh info "$1" | awk '{ print $2 }'; }
qemu_user() { scripts/cross-toolchain.sh info "$1" | awk '{ print $6 }'; }

# The kernel image for ARCH: $KERNEL_<arch>, else Debian's, else one built by
# make cross-kernel; empty if none.  Sets KCONFIG (the kernel's config, if
# known) and KSRC (where it came from).
find_kernel() {
	local a=$1 v="KERNEL_$1" d
	KIMG='' KCONFIG='' KSRC='' KFAIL=''
	if [ -n "${!v:-}" ]; then
		KIMG=${!v} KSRC="$v"
		[ -f "$KIMG" ] || { KSRC="$v=$KIMG: no such file"; KIMG='' KFAIL=1; return; }
		for c in "$(dirname "$KIMG")/config" "$(dirname "$KIMG")/.config"; do
			[ -f "$c" ] && { KCONFIG=$c; break; }
		done
		return
	fi
	local rc=0
	d=$(timeout -k 5 "$FETCH_TIMEOUT" scripts/cross-toolchain.sh kernel "$a" 2>"$LOGDIR/kernel-fetch.log") || rc=$?
	if [ "$rc" = 0 ]; then
		KIMG=$(find "$d" -maxdepth 1 -name 'vmlinu[xz]-*' | head -n 1)
		KCONFIG=$(find "$d" -maxdepth 1 -name 'config-*' | head -n 1)
		KSRC="Debian $(basename "$(dirname "$d")")"
		return
	fi
	if [ "$rc" != 3 ]; then  # 3: Debian 12 has no kernel for this arch
		KSRC="fetching Debian's kernel failed: $(tail -n 1 "$LOGDIR/kernel-fetch.log") (log ${LOGDIR#"$REPO"/}/kernel-fetch.log)"
		KFAIL=1
		return
	fi
	if [ -f "build/$a/kernel/image" ]; then
		KIMG=$REPO/build/$a/kernel/image KCONFIG=$REPO/build/$a/kernel/config
		KSRC="make cross-kernel ($(cat "build/$a/kernel/version" 2>/dev/null))"
	fi
}

# qemu-system command line for ARCH (without -kernel/-initrd/-append); CON.
qemu_cmd() {
	case $1 in
	x86_64) QEMU="qemu-system-x86_64 -M q35 -cpu max -smp 2 -m 512" CON=ttyS0 ;;
	aarch64) QEMU="qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 512" CON=ttyAMA0 ;;
	armhf) QEMU="qemu-system-arm -M virt,highmem=off -cpu cortex-a15 -smp 2 -m 512" CON=ttyAMA0 ;;
	mipsel) QEMU="qemu-system-mipsel -M malta -m 256" CON=ttyS0 ;;
	mips) QEMU="qemu-system-mips -M malta -m 256" CON=ttyS0 ;;
	riscv64) QEMU="qemu-system-riscv64 -M virt -smp 2 -m 512 -bios default" CON=ttyS0 ;;
	esac
}

# Options a kernel must have for these tests (and for ocirun's usual configs).
KOPTS="NAMESPACES USER_NS PID_NS NET_NS UTS_NS IPC_NS SECCOMP SECCOMP_FILTER TMPFS DEVTMPFS
UNIX98_PTYS POSIX_MQUEUE SYSVIPC PROC_FS SYSFS BLK_DEV_INITRD"

# config.json of one mode, with jq.  $1 mode, $2 arch, $3 "busybox" or "".
make_config() {
	local mode=$1 a=$2 bb=$3 map userns=true uid_map
	case $mode in
	root) map='[{"containerID":0,"hostID":100000,"size":65536}]' uid_map="0 100000 65536" ;;
	rootless) map='[{"containerID":0,"hostID":1000,"size":1}]' uid_map="0 1000 1" ;;
	rootful) map='[]' userns=false uid_map="0 0 4294967295" ;;
	esac
	jq -n --arg mode "$mode" --arg arch "$a" --argjson map "$map" --argjson userns "$userns" \
		--arg uidmap "$uid_map" --arg errno "$ERRNO" --arg bb "$bb" '
	def check($exit): ["/check", $arch, $mode, $uidmap, $errno, ("ocirun-" + $mode), $exit];
	{
	  ociVersion: "1.2.0",
	  process: {
	    terminal: false,
	    user: { uid: 0, gid: 0 },
	    args: (if $bb == "busybox" then
	             ["/bin/sh", "-c",
	              ((check("0") | map("\u0027" + . + "\u0027") | join(" "))
	               + " && echo \"RESULT arch=" + $arch + " mode=" + $mode + " step=shell ok\"; exit 42")]
	           else check("42") end),
	    env: ["PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/"],
	    cwd: "/",
	    capabilities: {
	      bounding: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
	      effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
	      permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"]
	    },
	    rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }],
	    noNewPrivileges: true
	  },
	  root: { path: "/rootfs", readonly: true },
	  hostname: ("ocirun-" + $mode),
	  mounts: [
	    { destination: "/proc", type: "proc", source: "proc" },
	    { destination: "/dev", type: "tmpfs", source: "tmpfs",
	      options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
	    { destination: "/dev/pts", type: "devpts", source: "devpts",
	      options: (["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
	                + (if $mode == "rootless" then [] else ["gid=5"] end)) },
	    { destination: "/dev/shm", type: "tmpfs", source: "shm",
	      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
	    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
	      options: ["nosuid", "noexec", "nodev"] },
	    { destination: "/sys", type: "sysfs", source: "sysfs",
	      options: ["nosuid", "noexec", "nodev", "ro"] },
	    { destination: "/tmp", type: "tmpfs", source: "tmpfs",
	      options: ["nosuid", "nodev", "mode=1777"] }
	  ],
	  linux: ({
	    namespaces: ([{ type: "pid" }, { type: "network" }, { type: "ipc" }, { type: "uts" },
	                  { type: "mount" }] + (if $userns then [{ type: "user" }] else [] end)),
	    maskedPaths: ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
	    readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
	    seccomp: {
	      defaultAction: "SCMP_ACT_ALLOW",
	      syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO",
	                   errnoRet: ($errno | tonumber) }]
	    }
	  } + (if $userns then { uidMappings: $map, gidMappings: $map } else {} end))
	}'
}

# The cgroup2 bundles ($2/bundles/cgroup2*), from the rootful and rootless
# configs: a cgroup namespace, a "cgroup" mount on /sys/fs/cgroup, a
# cgroupsPath and linux.resources.  $1 arch, $2 the initramfs tree.
#   cgroup2              root, /ocirun-test/c1: memory, pids, cpu, devices
#   cgroup2-hugetlb      root, hugepageLimits (the guest has no hugetlb)
#   cgroup2-rdma         root, rdma (the guest has no rdma controller)
#   cgroup2-rootless     uid 1000, /user1000/c2 (delegated): memory, pids
#   cgroup2-rootless-c3  uid 1000, /c3 (not delegated): memory, pids
make_cgroup2_bundles() {
	local a=$1 R=$2 b
	local cg='.mounts += [{ destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
	                        options: ["nosuid", "noexec", "nodev", "relatime", "ro"] }]
	          | .linux.namespaces += [{ type: "cgroup" }]'
	for b in cgroup2 cgroup2-hugetlb cgroup2-rdma cgroup2-rootless cgroup2-rootless-c3; do
		mkdir -p "$R/bundles/$b"
	done
	jq --arg a "$a" "$cg"' | .hostname = "ocirun-cgroup2"
	  | .process.args = ["/check", "cgroup2", $a, "cgroup2", "67108864", "42", "20000 100000", "1"]
	  | .linux.cgroupsPath = "/ocirun-test/c1"
	  | .linux.resources = {
	      memory: { limit: 67108864 }, pids: { limit: 42 }, cpu: { quota: 20000, period: 100000 },
	      devices: [{ allow: false, access: "rwm" },
	                { allow: true, type: "c", major: 1, minor: 11, access: "r" }] }
	  | .process.capabilities |= with_entries(.value += ["CAP_MKNOD", "CAP_SYSLOG"])' \
		"$R/bundles/rootful/config.json" >"$R/bundles/cgroup2/config.json" || return 1
	jq '.process.args = ["/check", "pause"] | .linux.cgroupsPath = "/ocirun-test/c-hugetlb"
	  | .linux.resources = { hugepageLimits: [{ pageSize: "2MB", limit: 4194304 }] }' \
		"$R/bundles/cgroup2/config.json" >"$R/bundles/cgroup2-hugetlb/config.json" || return 1
	jq '.process.args = ["/check", "pause"] | .linux.cgroupsPath = "/ocirun-test/c-rdma"
	  | .linux.resources = { rdma: { mlx5_0: { hcaHandles: 3, hcaObjects: 10000 } } }' \
		"$R/bundles/cgroup2/config.json" >"$R/bundles/cgroup2-rdma/config.json" || return 1
	jq --arg a "$a" "$cg"' | .hostname = "ocirun-cgroup2-rootless"
	  | .process.args = ["/check", "cgroup2", $a, "cgroup2-rootless", "50331648", "21", "-", "0"]
	  | .linux.cgroupsPath = "/user1000/c2"
	  | .linux.resources = { memory: { limit: 50331648 }, pids: { limit: 21 } }' \
		"$R/bundles/rootless/config.json" >"$R/bundles/cgroup2-rootless/config.json" || return 1
	jq '.process.args = ["/check", "pause"] | .linux.cgroupsPath = "/c3"' \
		"$R/bundles/cgroup2-rootless/config.json" >"$R/bundles/cgroup2-rootless-c3/config.json"
}

# initramfs for ARCH: $1 arch, $2 ocirun, $3 vminit, $4 busybox or "", $5 out
make_initramfs() {
	local a=$1 ocirun=$2 vminit=$3 bb=$4 out=$5 R=$LOGDIR/initramfs m
	rm -rf "$R"
	mkdir -p "$R"/{bin,proc,sys,dev,tmp,run,bundles} "$R"/rootfs/{bin,etc,proc,sys,dev,tmp}
	cp "$vminit" "$R/init"
	cp "$ocirun" "$R/bin/ocirun"
	cp "$vminit" "$R/rootfs/check"
	echo "ocirun check-cross bundle ($a)" >"$R/rootfs/etc/ocirun-bundle"
	printf 'root:x:0:0:root:/:/bin/sh\nuser:x:1000:1000:user:/:/bin/sh\n' >"$R/rootfs/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\nuser:x:1000:\n' >"$R/rootfs/etc/group"
	if [ -n "$bb" ]; then
		cp "$bb" "$R/rootfs/bin/busybox"
		for m in sh ls cat echo mkdir id hostname mount true; do ln -s busybox "$R/rootfs/bin/$m"; done
	fi
	chmod 755 "$R/init" "$R/bin/ocirun" "$R/rootfs/check" "$R/rootfs"
	for m in $MODES; do
		mkdir -p "$R/bundles/$m"
		make_config "$m" "$a" "${bb:+busybox}" >"$R/bundles/$m/config.json" || return 1
	done
	# lifecycle: the rootful config with a process that only pauses
	mkdir -p "$R/bundles/lifecycle"
	jq '.process.args = ["/check", "pause"] | .hostname = "ocirun-lifecycle"' \
		"$R/bundles/rootful/config.json" >"$R/bundles/lifecycle/config.json" || return 1
	make_cgroup2_bundles "$a" "$R" || return 1
	(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --owner 0:0 --quiet) >"$out" || return 1
	rm -rf "$R"
}

check_arch() {
	local a=$1 t0 log ocirun unit vminit q rc line
	LOGDIR=$REPO/build/$a/check-cross
	rm -rf "$LOGDIR"
	mkdir -p "$LOGDIR"
	echo "== $a"

	# 1. build
	t0=$(now)
	log=$LOGDIR/build.log
	if ! timeout -k 10 "$BUILD_TIMEOUT" "$MAKE" --no-print-directory ARCH="$a" cross-test-bins </dev/null >"$log" 2>&1; then
		fail "$a build: make ARCH=$a cross-test-bins failed ($(secs "$t0") s, log ${log#"$REPO"/}):"
		tail -n 15 "$log" | sed 's/^/    /'
		skip "$a unit: not built"
		skip "$a vm: not built"
		return
	fi
	pass "$a build ($(secs "$t0") s)"
	if [ "$a" = "$HOST_ARCH" ]; then ocirun=$REPO/ocirun; else ocirun=$REPO/build/$a/ocirun; fi
	unit=$REPO/build/$a/unit vminit=$REPO/build/$a/vminit

	# 2. unit tests under qemu-user
	t0=$(now)
	log=$LOGDIR/unit.log
	if [ "$a" = "$HOST_ARCH" ]; then q=; else q=qemu-$(qemu_user "$a")-static; fi
	rc=0
	# (the emulator cannot exec a foreign memfd: the trampoline's test runs
	# its bytes through it, by path)
	OCIRUN_UNIT_QEMU=${q:+$(command -v "$q")} timeout -k 5 "$UNIT_TIMEOUT" ${q:+"$q"} "$unit" </dev/null >"$log" 2>&1 || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail "$a unit: ${q:-native} run ended without a summary (exit $rc, log ${log#"$REPO"/})"
		tail -n 5 "$log" | sed 's/^/    /'
	else
		local up uf us
		up=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		uf=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		us=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
		us=${us:-0}
		grep -E '^(FAIL|SKIP) ' "$log" | sed "s/^\(FAIL\|SKIP\) /\1 $a unit: /"
		P=$((P + up)) F=$((F + uf)) S=$((S + us))
		if [ "$rc" != 0 ] && [ "$uf" = 0 ]; then
			fail "$a unit: exited with status $rc"
		fi
		echo "   $a unit under ${q:-the host}: $line ($(secs "$t0") s)"
	fi

	# 3. containers in a real kernel
	find_kernel "$a"
	if [ -n "$KFAIL" ]; then
		fail "$a vm: $KSRC"
		return
	fi
	if [ -z "$KIMG" ]; then
		skip "$a vm: no kernel (Debian 12 has no $a kernel package; KERNEL_$a=<image> or make cross-kernel ARCH=$a)${KSRC:+; $KSRC}"
		return
	fi
	if [ -n "$KCONFIG" ]; then
		local missing="" o
		for o in $KOPTS; do
			grep -q "^CONFIG_$o=y" "$KCONFIG" || missing="$missing $o"
		done
		if [ -z "$missing" ]; then
			pass "$a kernel config: $(echo "$KOPTS" | tr -s ' \n' ,) built in ($(basename "$KCONFIG"))"
		else
			fail "$a kernel config: not built in:$missing ($KCONFIG)"
		fi
	fi
	local bb="" bbdir
	case $a in
	mips | riscv64) ;; # Debian 12 has no busybox-static for them
	*)
		if bbdir=$(timeout -k 5 "$FETCH_TIMEOUT" scripts/cross-toolchain.sh deb "$(debarch "$a")" busybox-static \
			2>"$LOGDIR/busybox-fetch.log") &&
			[ -x "$bbdir/bin/busybox" ]; then
			bb=$bbdir/bin/busybox
		else
			fail "$a vm: fetching Debian's busybox-static failed (log ${LOGDIR#"$REPO"/}/busybox-fetch.log)"
			return
		fi
		;;
	esac
	local initrd=$LOGDIR/initramfs.cpio
	if ! make_initramfs "$a" "$ocirun" "$vminit" "$bb" "$initrd" 2>"$LOGDIR/initramfs.log"; then
		fail "$a vm: building the initramfs failed ($LOGDIR/initramfs.log)"
		return
	fi
	qemu_cmd "$a"
	t0=$(now)
	log=$LOGDIR/console.log
	echo "   $a vm: $QEMU -kernel $KIMG ($KSRC), busybox: ${bb:-none}"
	rc=0
	# shellcheck disable=SC2086
	timeout -k 5 "$VM_TIMEOUT" $QEMU -nographic -no-reboot -nic none -kernel "$KIMG" -initrd "$initrd" \
		-append "console=$CON panic=-1 quiet ocirun.arch=$a ocirun.timeout=$STEP_TIMEOUT $CG_CMDLINE" \
		</dev/null >"$log.raw" 2>&1 || rc=$?
	# no CRs, no terminal escapes (the x86 firmware clears the screen)
	tr -d '\r' <"$log.raw" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[c()][0-9A-Za-z]\{0,1\}//g' >"$log"
	rm -f "$log.raw"
	local vmt
	vmt=$(secs "$t0")
	if grep -q '^VMINIT-BOOTED' "$log"; then
		pass "$a vm boot: $(grep -m1 '^VMINIT-BOOTED' "$log" | sed 's/^VMINIT-BOOTED //; s/ version=.* uptime=/ uptime=/')"
	else
		fail "$a vm boot: no VMINIT-BOOTED line (qemu exit $rc, $vmt s, log ${log#"$REPO"/}):"
		tail -n 15 "$log" | sed 's/^/    /'
		return
	fi
	local m steps
	for m in $MODES; do
		steps="started pidns userns uid uts rootfs mounts devnull netns seccomp"
		[ -z "$bb" ] || steps="$steps shell"
		steps="$steps exit nopivot cleanup"
		if ! grep -q "^RESULT arch=$a mode=$m step=started " "$log"; then
			# the container never ran: one failure for all it would have checked
			fail "$a $m container: did not start (no RESULT lines from inside)"
			steps="exit nopivot cleanup"
		fi
		check_steps "$a" "$m" "$log" $steps
	done
	check_steps "$a" lifecycle "$log" create state-created start state-running kill state-stopped delete cleanup
	line=$(grep -m1 "^RESULT arch=$a mode=cgroup2 step=setup " "$log")
	if [ "${line#* step=setup SKIP}" != "$line" ]; then
		skip "$a cgroup2:${line#* step=setup SKIP}"
	else
		for m in cgroup2 cgroup2-rootless; do
			if [ $m = cgroup2 ]; then steps=$CG2_STEPS; else steps=$CG2_ROOTLESS_STEPS; fi
			check_steps "$a" "$m" "$log" $steps
		done
	fi
	if grep -q '^VMINIT-DONE' "$log" && [ "$rc" = 0 ]; then
		pass "$a vm poweroff ($vmt s: $(grep -m1 '^VMINIT-DONE' "$log" | sed 's/.*uptime=/guest uptime /')s)"
	else
		fail "$a vm poweroff: qemu exit $rc after $vmt s (timeout $VM_TIMEOUT s), VMINIT-DONE $(grep -c '^VMINIT-DONE' "$log")x; log ${log#"$REPO"/}"
		tail -n 10 "$log" | sed 's/^/    /'
	fi
}

T0=$(now)
# Host packages for everything at once: the toolchains, qemu-user, and
# qemu-system for the arches that have a kernel to boot.
words="test"
for a in $ARCHES; do
	words="$words $a"
	v="KERNEL_$a"
	if [ -n "${!v:-}" ] || [ -f "build/$a/kernel/image" ]; then
		words="$words vm:$a"
	else
		case $a in x86_64 | aarch64 | armhf | mipsel) words="$words vm:$a" ;; esac
	fi
done
# shellcheck disable=SC2086
timeout -k 5 "$FETCH_TIMEOUT" scripts/cross-toolchain.sh deps $words || { echo "FAIL host packages"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

for a in $ARCHES; do
	if ! scripts/cross-toolchain.sh info "$a" >/dev/null 2>&1; then
		fail "$a: unknown ARCH"
		continue
	fi
	t=$(now)
	check_arch "$a"
	echo "   $a: $(secs "$t") s"
done
# Reproducible for every target, as Yocto, Buildroot and Debian expect:
# test/repro.sh builds each cross target in two directories and compares
# the bytes (the host's is checked by make check; REPRO=0 skips).
cross=
for a in $ARCHES; do [ "$a" = "$(uname -m)" ] || cross="$cross $a"; done
if [ -n "$cross" ] && [ "${REPRO:-1}" = 1 ]; then
	t=$(now)
	# shellcheck disable=SC2086
	test/repro.sh $cross >build/repro-cross.log 2>&1
	grep -E '^(ok|FAIL|SKIP) |^     \|' build/repro-cross.log
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' build/repro-cross.log | tail -n 1)
	if [ -n "$line" ]; then
		read -r up _ uf _ us _ <<<"$line"
		P=$((P + up)) F=$((F + uf)) S=$((S + us))
	else
		fail "repro:$cross: no summary line (build/repro-cross.log)"
	fi
	echo "   repro: $(secs "$t") s"
fi
echo "check-cross: $(secs "$T0") s for $ARCHES"
echo "$P passed, $F failed, $S skipped"
[ "$F" = 0 ]
