#!/bin/bash
# Benchmarks of ocirun beside crun, runc and the bare program, in one run:
# medians and paired ratios (build/helpers/pairtime: every round runs each
# command once, in rotating order; a ratio is the median over the rounds
# of the two times of the same round), syscall counts, instructions.
# Nothing here asserts anything: the figures are for people, and the
# targets are printed beside them.
#   make bench            (as root; RUNS=N rounds, default 30)
# The container process is build/helpers/nop, a static no-op, so the times
# are the runtimes' own.  crun refuses hybrid cgroup hosts, so every
# runtime runs in a private mount namespace whose /sys/fs/cgroup is a pure
# cgroup2 mount (the host's v1 hierarchies unmounted there), as on a
# cgroup2 host; rootless runs are as a test user.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
[ "$(id -u)" = 0 ] || { echo "bench: run as root (rootless figures use a test user)"; exit 1; }
scripts/deps.sh bench >/dev/null
make -s all test-helpers build/ocirun-killpoints build/ocirun-unsealed seccomp-gen >/dev/null
runs=${RUNS:-30}
work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
chmod 755 "$work"
user=ocirun-bench
id -u $user >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin $user
uid=$(id -u $user) gid=$(id -g $user)
st=$work/run
cleanup() {
	for d in "$st"/*/; do
		[ -d "$d" ] || continue
		for rt in "$work/ocirun" crun runc; do
			for c in $("$rt" --root "$d" list -q 2>/dev/null); do "$rt" --root "$d" delete -f "$c" >/dev/null 2>&1 || true; done
		done
	done
	umount "$st" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# state directories on a tmpfs, as /run is on a real system
mkdir -p "$st"
mount -t tmpfs -o mode=755 tmpfs "$st"
mkdir -p "$st/o" "$st/c" "$st/r" "$st/rl"
chown $uid:$gid "$st/rl"

cp ocirun build/ocirun-unsealed build/ocirun-killpoints build/helpers/{nop,bare,pairtime} "$work/"
pt=$work/pairtime
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

# a private mount namespace with a pure cgroup2 /sys/fs/cgroup
v2ns() { unshare -m bash -c 'umount -R /sys/fs/cgroup 2>/dev/null || true; mount -t cgroup2 none /sys/fs/cgroup; exec "$@"' v2ns "$@"; }
as_user() { setpriv --reuid=$uid --regid=$gid --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$work "$@"; }
# pairtime's line: NAME median p10 p90 maxrss_kib ratio_to_first
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$3"; }
inv() { awk -v a="$1" 'BEGIN { printf "%.2f", 1 / a }'; }
show() { # FILE: the medians, with their spread
	awk '{ printf "  %-22s %7.2f ms  (p10 %.2f, p90 %.2f)\n", $1, $2, $3, $4 }' "$1"
}

echo "== run of a no-op container, the spec's default config, as root ($runs rounds)"
(cd "$work/root" && v2ns "$pt" -n "$runs" ocirun="$work/ocirun --root $st/o run s1" \
	crun="/usr/bin/crun --root $st/c run s1" runc="/usr/bin/runc --root $st/r run s1") >"$work/root.txt"
(cd "$work/root" && v2ns "$pt" -n "$runs" bare="$work/bare $work/root/rootfs /nop" \
	ocirun-bare-work="$work/ocirun --root $st/o run -b $work/min s1" ocirun="$work/ocirun --root $st/o run s1") \
	>"$work/bare.txt"
show "$work/root.txt"
show "$work/bare.txt" | grep -v ' ocirun  '
echo "  ocirun/crun $(inv "$(col crun 6 "$work/root.txt")")  (target <= 0.35)   ocirun/runc $(inv "$(col runc 6 "$work/root.txt")")"
r2() { awk -v a="$1" 'BEGIN { printf "%.2f", a }'; }
echo "  ocirun/bare $(r2 "$(col ocirun 6 "$work/bare.txt")"), doing the bare program's work $(r2 "$(col ocirun-bare-work 6 "$work/bare.txt")")  (target <= 1.5)"
echo "  peak memory (max RSS): ocirun $(col ocirun 5 "$work/root.txt") KiB (target < 1024), crun $(col crun 5 "$work/root.txt") KiB, runc $(col runc 5 "$work/root.txt") KiB"

echo "== the same, rootless as $user"
(cd "$work/rl" && v2ns setpriv --reuid=$uid --regid=$gid --clear-groups env -i PATH=/usr/bin:/bin HOME="$work" \
	"$pt" -n "$runs" ocirun="$work/ocirun --root $st/rl/o run s1" crun="/usr/bin/crun --root $st/rl/c run s1" \
	bare="$work/bare -u $work/rl/rootfs /nop") >"$work/rl.txt"
show "$work/rl.txt"
echo "  ocirun/crun $(inv "$(col crun 6 "$work/rl.txt")")  (target <= 0.25)   ocirun/bare $(inv "$(col bare 6 "$work/rl.txt")")  (target <= 1.5)"

echo "== syscalls of one run, all processes (strace -f)"
count() { grep -vc -e 'resumed>' -e '^[0-9]* +++' -e '^[0-9]* ---' "$1"; }
(cd "$work/root" && v2ns strace -f -o "$work/s-o" "$work/ocirun" --root "$st/o" run s1 &&
	v2ns strace -f -o "$work/s-c" crun --root "$st/c" run s1 &&
	v2ns strace -f -o "$work/s-r" runc --root "$st/r" run s1 &&
	v2ns strace -f -o "$work/s-b" "$work/bare" "$work/root/rootfs" /nop) >/dev/null 2>&1
(cd "$work/rl" && v2ns setpriv --reuid=$uid --regid=$gid --clear-groups env -i PATH=/usr/bin:/bin HOME="$work" \
	bash -c "strace -f -o $st/rl/s-ro $work/ocirun --root $st/rl/o run s1 && strace -f -o $st/rl/s-rc crun --root $st/rl/c run s1 &&
		strace -f -o $st/rl/s-rb $work/bare -u $work/rl/rootfs /nop") >/dev/null 2>&1
echo "  root:     ocirun $(count "$work/s-o") (target <= 250)  crun $(count "$work/s-c")  runc $(count "$work/s-r")  bare $(count "$work/s-b")"
echo "  rootless: ocirun $(count "$st/rl/s-ro") (target <= 300)  crun $(count "$st/rl/s-rc")  bare $(count "$st/rl/s-rb")"
echo "  ocirun's, by syscall (root): $(awk '{ sub(/^[0-9]+ +/, ""); sub(/\(.*/, ""); print }' "$work/s-o" |
	grep -v -e resumed -e '^+++' -e '^---' | sort | uniq -c | sort -rn | head -8 | awk '{ printf "%s %s, ", $2, $1 }')"

echo "== where a root run's time goes (build/ocirun-killpoints, OCIRUN_STEP_TIMES, medians of $runs)"
for i in $(seq "$runs"); do
	(cd "$work/root" && OCIRUN_STEP_TIMES=1 v2ns "$work/ocirun-killpoints" --root "$st/o" run s1 2>&1 >/dev/null)
done | sed -n 's/^ocirun: step \([0-9.]*\) ms \(.*\)/\2\t\1/p' >"$work/steps.txt"
cut -f1 "$work/steps.txt" | awk '!seen[$0]++' | while IFS= read -r k; do
	m=$(awk -F'\t' -v k="$k" '$1 == k { print $2 }' "$work/steps.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	printf '  %8.3f ms  %s\n' "$m" "$k"
done
echo "  (from main; as root the binary is guarded by the sealed trampoline, no re-exec; the run's whole median is above)"

echo "== guarding the binary (CVE-2019-5736; as root, the sealed trampoline): run and exec, with and without it"
(cd "$work/root" && jq '.process.args = ["/nop", "wait"]' config.json >"$work/sleeper.json" &&
	mkdir -p "$work/sl" && cp -a rootfs "$work/sl/" && mv "$work/sleeper.json" "$work/sl/config.json")
(cd "$work/root" && v2ns bash -c "'$pt' -n $runs sealed='$work/ocirun --root $st/o run s1' unsealed='$work/ocirun-unsealed --root $st/o run s1' >'$work/seal-run.txt'
	'$work/ocirun' --root $st/o run -d -b '$work/sl' s2 </dev/null >/dev/null 2>&1
	'$pt' -n $runs sealed='$work/ocirun --root $st/o exec s2 /nop' unsealed='$work/ocirun-unsealed --root $st/o exec s2 /nop' >'$work/seal-exec.txt'
	'$work/ocirun' --root $st/o delete -f s2")
for k in run exec; do
	f=$work/seal-$k.txt
	awk -v k="$k" '$1 == "sealed" { s = $2 } $1 == "unsealed" { u = $2; r = $6 }
		END { printf "  %-5s %6.2f ms, unguarded %6.2f ms: it costs %+.2f ms (%.2fx)\n", k, s, u, s - u, 1 / r }' "$f"
done

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
"$top/seccomp_gen/seccomp_gen" "$work/sc-pre/config.json" -o "$work/sc-pre/filter.bpf"
jq 'del(.linux.seccomp) | .annotations["io.github.ocirun.seccomp-bpf"] = "filter.bpf"' "$work/sc-pre/config.json" >"$work/sc-pre/c.json"
mv "$work/sc-pre/c.json" "$work/sc-pre/config.json"
v2ns "$pt" -n "$runs" compiled="$work/ocirun --root $st/o run -b $work/sc-json s1" \
	precompiled="$work/ocirun --root $st/o run -b $work/sc-pre s1" >"$work/sc.txt"
echo "  compiled ($nsys syscalls) $(col compiled 2 "$work/sc.txt") ms, precompiled $(col precompiled 2 "$work/sc.txt") ms:" \
	"$(col precompiled 6 "$work/sc.txt")x   ($(stat -c %s "$work/sc-pre/filter.bpf") bytes of BPF)"

echo "== state: instructions (callgrind)"
(cd "$work/root" && v2ns bash -c "
	'$work/ocirun' --root $st/o create s1 >/dev/null
	valgrind --tool=callgrind --callgrind-out-file=/dev/null '$work/ocirun' --root $st/o state s1 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' >'$work/ins-o'
	'$work/ocirun' --root $st/o delete -f s1
	crun --root $st/c create s1 >/dev/null
	(valgrind --tool=callgrind --callgrind-out-file=/dev/null crun --root $st/c state s1 2>&1 >/dev/null || true) | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' >'$work/ins-c'
	crun --root $st/c delete -f s1 >/dev/null 2>&1 || true")
echo "  ocirun $(cat "$work/ins-o") instructions (target < 50,000)   crun $(cat "$work/ins-c")"

n=${LIST_N:-1000}
echo "== $n rootless containers created one after the other, then listed"
(cd "$work/rl" && v2ns setpriv --reuid=$uid --regid=$gid --clear-groups env -i PATH=/usr/bin:/bin HOME="$work" bash -c "
	fails=0
	for i in \$(seq $n); do '$work/ocirun' --root $st/rl/o create c\$i >/dev/null 2>&1 </dev/null || fails=\$((fails + 1)); done
	echo \$fails >'$st/rl/create-fails'
	'$work/ocirun' --root $st/rl/o list -q | wc -l >'$st/rl/listed'
	'$pt' -n 20 -w 2 list='$work/ocirun --root $st/rl/o list' >'$st/rl/list.txt'
	for i in \$(seq $n); do '$work/ocirun' --root $st/rl/o delete -f c\$i >/dev/null 2>&1; done")
echo "  create: $(cat "$st/rl/create-fails") of $n failed (target 0); list shows $(cat "$st/rl/listed")"
echo "  list of $n: $(col list 2 "$st/rl/list.txt") ms (target < 15)"

echo "== binary"
echo "  ocirun $(stat -c %s "$top/ocirun") bytes (static: $(file -b "$top/ocirun" | grep -o 'statically linked' || echo no); target <= 272,496)"
echo "== machine: $(nproc) cores, $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), $(date -u +%Y-%m-%d)"
