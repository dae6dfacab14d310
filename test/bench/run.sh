#!/bin/bash
# Benchmarks of ocirun beside crun and runc, in the same run, printed as
# ratios.  Nothing here asserts a time: the figures are for people.
#   test/bench/run.sh        (as root; rootless figures use a test user)
# The container process is build/helpers/nop, a static no-op, so the times
# and memory are the runtimes' own.  crun refuses hybrid cgroup hosts, so
# the root runs happen in a private mount namespace whose /sys/fs/cgroup is
# a pure cgroup2 mount.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
[ "$(id -u)" = 0 ] || { echo "bench: run as root (rootless figures use a test user)"; exit 1; }
scripts/deps.sh bench >/dev/null
make -s all test-helpers >/dev/null
runs=${RUNS:-100}
work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
chmod 755 "$work"
user=ocirun-bench
id -u $user >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin $user
uid=$(id -u $user) gid=$(id -g $user)
cleanup() {
	for rt in ocirun crun runc; do
		for d in "$st"/state-*; do [ -d "$d" ] && $rt --root "$d" delete -f s1 >/dev/null 2>&1 || true; done
	done
	umount "$st" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# state directories on a tmpfs, as /run is on a real system
st=$work/run
mkdir -p "$st"
mount -t tmpfs -o mode=755 tmpfs "$st"

cp ocirun build/helpers/nop build/helpers/bare "$work/"
mkbundle() { # DIR [--rootless]
	mkdir -p "$1/rootfs"/{proc,dev,sys,tmp}
	cp "$work/nop" "$1/rootfs/nop"
	"$work/ocirun" spec -b "$1" ${2:-}
	# crun 1.8 and runc 1.1 know ociVersion 1.0.x only
	jq '.ociVersion="1.0.2" | .process.terminal=false | .process.args=["/nop"]' "$1/config.json" >"$1/c.json"
	mv "$1/c.json" "$1/config.json"
}
mkbundle "$work/root"
mkbundle "$work/rl" --rootless
# the same work as the bare program: rootfs and proc, nothing else
mkdir -p "$work/min"
cp -a "$work/root/rootfs" "$work/min/"
jq '.mounts = [.mounts[0]] | del(.linux.maskedPaths, .linux.readonlyPaths)' "$work/root/config.json" >"$work/min/config.json"
jq --argjson u "$uid" --argjson g "$gid" \
	'.linux.uidMappings=[{containerID:0,hostID:$u,size:1}] | .linux.gidMappings=[{containerID:0,hostID:$g,size:1}]' \
	"$work/rl/config.json" >"$work/rl/c.json"
mv "$work/rl/c.json" "$work/rl/config.json"
chown -R $uid:$gid "$work/rl"

mean() { jq -r ".results[$1].mean * 1000" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "== run of a no-op container, as root ($runs runs each)"
unshare -m bash -c "
	mount -t cgroup2 none /sys/fs/cgroup
	cd '$work/root'
	hyperfine -N -w 5 -r $runs --export-json '$work/root.json' \
		'$work/ocirun --root $st/state-o run s1' \
		'crun --root $st/state-c run s1' \
		'runc --root $st/state-r run s1' \
		'$work/bare $work/root/rootfs /nop' \
		'$work/ocirun --root $st/state-o run -b $work/min s1' >/dev/null"
o=$(mean 0 "$work/root.json") c=$(mean 1 "$work/root.json") r=$(mean 2 "$work/root.json") b=$(mean 3 "$work/root.json")
m=$(mean 4 "$work/root.json")
printf '%-28s %8.2f ms\n' "ocirun (spec default)" "$o" crun "$c" runc "$r" "bare syscalls" "$b" "ocirun (bare's work)" "$m"
echo "ocirun/crun $(ratio "$o" "$c")  (target <= 0.50)   ocirun/runc $(ratio "$o" "$r")"
echo "ocirun/bare: default config $(ratio "$o" "$b"), the same work as bare $(ratio "$m" "$b")  (target <= 1.5)"

echo "== run of a no-op container, rootless as $user"
as_user() { setpriv --reuid=$uid --regid=$gid --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$work "$@"; }
cd "$work/rl"
mkdir -p "$st/rl-state" && chown $uid:$gid "$st/rl-state"
cmds=("$work/ocirun --root $st/rl-state/o run s1" "crun --root $st/rl-state/c run s1"
	"$work/bare -u $work/rl/rootfs /nop")
# (crun refuses hybrid hosts rootless too: all three run where
# /sys/fs/cgroup is a pure cgroup2 mount)
unshare -m bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' bench \
	setpriv --reuid=$uid --regid=$gid --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$work \
	hyperfine -N -w 5 -r "$runs" --export-json "$st/rl-state/rl.json" "${cmds[@]}" >/dev/null
o=$(mean 0 "$st/rl-state/rl.json") c=$(mean 1 "$st/rl-state/rl.json") b=$(mean 2 "$st/rl-state/rl.json")
printf '%-28s %8.2f ms\n' ocirun "$o" crun "$c" "bare syscalls" "$b"
echo "ocirun/crun $(ratio "$o" "$c")  (target <= 0.33)   ocirun/bare $(ratio "$o" "$b")  (target <= 1.5)"

echo "== the sealed copy (CVE-2019-5736): run and exec, with and without it"
make -s -C "$top" build/ocirun-unsealed >/dev/null
cp "$top/build/ocirun-unsealed" "$work/"
unshare -m bash -c "
	mount -t cgroup2 none /sys/fs/cgroup
	cd '$work/root'
	hyperfine -N -w 5 -r $runs --export-json '$work/seal-run.json' \
		'$work/ocirun --root $st/state-o run s1' '$work/ocirun-unsealed --root $st/state-o run s1' >/dev/null
	jq '.process.args = [\"/nop\", \"wait\"]' config.json >'$work/sleeper.json'
	mkdir -p '$work/sl' && cp -a rootfs '$work/sl/' && mv '$work/sleeper.json' '$work/sl/config.json'
	'$work/ocirun' --root $st/state-o run -d -b '$work/sl' s2 </dev/null >/dev/null 2>&1
	hyperfine -N -w 5 -r $runs --export-json '$work/seal-exec.json' \
		'$work/ocirun --root $st/state-o exec s2 /nop' '$work/ocirun-unsealed --root $st/state-o exec s2 /nop' >/dev/null
	'$work/ocirun' --root $st/state-o delete -f s2"
rs=$(mean 0 "$work/seal-run.json") ru=$(mean 1 "$work/seal-run.json")
es=$(mean 0 "$work/seal-exec.json") eu=$(mean 1 "$work/seal-exec.json")
printf '%-28s %8.2f ms   without the copy %8.2f ms   it costs %+.2f ms (%s)\n' \
	run "$rs" "$ru" "$(awk -v a="$rs" -v b="$ru" 'BEGIN { print a - b }')" "$(ratio "$rs" "$ru")x" \
	exec "$es" "$eu" "$(awk -v a="$es" -v b="$eu" 'BEGIN { print a - b }')" "$(ratio "$es" "$eu")x"

echo "== a large seccomp profile: compiled at start vs precompiled by seccomp_gen"
# like the common container default: ERRNO by default, ~350 syscalls allowed
hdr=$(echo '#include <asm/unistd.h>' | gcc -E -dM - | sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' | sort -u)
names=$(printf '%s\n' $hdr | jq -R . | jq -sc .)
nsys=$(jq length <<<"$names")
for b in json pre; do
	mkdir -p "$work/sc-$b"
	cp -a "$work/root/rootfs" "$work/sc-$b/"
	jq --argjson n "$names" '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}' \
		"$work/root/config.json" >"$work/sc-$b/config.json"
done
make -s -C "$top" seccomp-gen >/dev/null
"$top/seccomp_gen/seccomp_gen" "$work/sc-pre/config.json" -o "$work/sc-pre/filter.bpf"
jq 'del(.linux.seccomp) | .annotations["io.github.ocirun.seccomp-bpf"] = "filter.bpf"' "$work/sc-pre/config.json" >"$work/sc-pre/c.json"
mv "$work/sc-pre/c.json" "$work/sc-pre/config.json"
hyperfine -N -w 5 -r "$runs" --export-json "$work/sc.json" \
	"$work/ocirun --root $st/state-o run -b $work/sc-json s1" \
	"$work/ocirun --root $st/state-o run -b $work/sc-pre s1" >/dev/null
j=$(mean 0 "$work/sc.json") p=$(mean 1 "$work/sc.json")
printf '%-28s %8.2f ms\n' "compiled ($nsys syscalls)" "$j" "precompiled" "$p"
echo "precompiled/compiled $(ratio "$p" "$j")   ($(stat -c %s "$work/sc-pre/filter.bpf") bytes of BPF)"

echo "== peak memory (max RSS of the runtime process tree, KiB)"
cd "$work/root"
mo=$( { /usr/bin/time -f %M "$work/ocirun" --root "$st/state-o" run s1; } 2>&1 | tail -1)
mc=$(unshare -m bash -c "mount -t cgroup2 none /sys/fs/cgroup; { /usr/bin/time -f %M crun --root $st/state-c run s1; } 2>&1 | tail -1")
echo "ocirun $mo KiB (target < 1024)   crun $mc KiB   ratio $(ratio "$mo" "$mc")"

echo "== state: instructions (callgrind)"
"$work/ocirun" --root "$st/state-o" create -b "$work/root" s1 >/dev/null
ins=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/ocirun" --root "$st/state-o" state s1 2>&1 >/dev/null |
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
"$work/ocirun" --root "$st/state-o" delete -f s1
unshare -m bash -c "mount -t cgroup2 none /sys/fs/cgroup; crun --root $st/state-c create s1" >/dev/null
insc=$( (valgrind --tool=callgrind --callgrind-out-file=/dev/null crun --root "$st/state-c" state s1 2>&1 >/dev/null || true) |
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
crun --root "$st/state-c" delete -f s1 >/dev/null 2>&1 || true
echo "ocirun state: $ins instructions (target < 200000)   crun state: $insc   ratio $(ratio "$ins" "$insc")"

echo "== binary"
echo "ocirun $(stat -c %s "$top/ocirun") bytes (static: $(file -b "$top/ocirun" | grep -o 'statically linked' || echo no))"
