#!/bin/bash
# containerd: Debian's containerd 1.6 with containerd-shim-runc-v2 drives the
# runtime (`ctr run --runc-binary`), as root.  The test starts a private
# containerd (own config, root, state and socket under this file's work dir)
# and stops it at exit; the image is a docker-archive tarball of the busybox
# rootfs made here (ctr image import, no registry).  The runtime is called
# through a wrapper that logs every call (argv, and the config.json of each
# create) under $CD/log; OCIRUN_CLIENT_LOGS=DIR keeps those logs.
#
# scripts/clients.sh installs containerd; without it every test SKIPs.
# Rootless containerd needs rootlesskit (not in Debian 12): root only.
. "$(dirname "$0")/../lib.sh"

CD_SKIP=
for b in containerd ctr containerd-shim-runc-v2; do
	command -v "$b" >/dev/null 2>&1 || CD_SKIP="$b is not installed (scripts/clients.sh installs it)"
done
[ -z "$CD_SKIP" ] && ! command -v script >/dev/null && CD_SKIP="script (util-linux) is missing: ctr -t needs a terminal"
[ -z "$CD_SKIP" ] && [ "$IS_ROOT" != 1 ] && CD_SKIP="containerd runs as root here (rootless containerd needs rootlesskit)"
CTR_TIMEOUT=${CTR_TIMEOUT:-60}
CD=$WDIR/cd
SOCK=$CD/containerd.sock
NS=ocirun-ctr
IMG=localhost/ocirun-busybox:test
IMG_U=localhost/ocirun-busybox:user1000
WRAP=$CD/bin/$OCIRUN_NAME
RUN_ID=$$ # container ids carry it: cgroups of an earlier run cannot clash

# ctr ARGS...: the client on the private socket and namespace (stdin kept)
c() { timeout -k 5 "$CTR_TIMEOUT" ctr --address "$SOCK" --namespace "$NS" "$@"; }
# r ARGS...: c with stdin /dev/null; sets RC OUT ERR (OUT without \r)
r() {
	local o=$WDIR/.co.$BASHPID e=$WDIR/.ce.$BASHPID
	RC=0
	c "$@" </dev/null >"$o" 2>"$e" || RC=$?
	OUT=$(tr -d '\r' <"$o")
	ERR=$(cat "$e")
	rm -f "$o" "$e"
}
r_ok() {
	local what=$1
	shift
	r "$@"
	[ "$RC" = 0 ] || nope "$what: ctr $* exited $RC${ERR:+: $ERR}${OUT:+ (stdout: $OUT)}$(last_rt_error)"
}
last_rt_error() {
	[ -s "$CD/log/argv.log" ] || return 0
	printf '\n     last runtime calls:\n%s' "$(tail -n 3 "$CD/log/argv.log" | cut -c1-300)"
}
_CN=0
cid() { # a fresh container id (sets C); removed when the test ends, however
	_CN=$((_CN + 1))
	C=ctr-$RUN_ID-$BASHPID-$_CN
	_MINE+=" $C"
	# shellcheck disable=SC2064
	trap "rmc $_MINE" EXIT # (in the test's subshell)
}
_MINE=
crun_() { # crun_ ARGS...: ctr run with the runtime options (stdin kept)
	c run --runtime io.containerd.runc.v2 --runc-binary "$WRAP" --runc-root "$CD/runc" \
		--fifo-dir "$CD/fifo" "$@"
}
run_ok() { # run_ok WHAT ARGS...: ctr run, stdin /dev/null, must exit 0
	local what=$1
	shift
	r run --runtime io.containerd.runc.v2 --runc-binary "$WRAP" --runc-root "$CD/runc" \
		--fifo-dir "$CD/fifo" "$@"
	[ "$RC" = 0 ] || nope "$what: ctr run exited $RC${ERR:+: $ERR}${OUT:+ (stdout: $OUT)}$(last_rt_error)"
}
run_rc() { # run_rc ARGS...: ctr run, stdin /dev/null; sets RC OUT ERR
	r run --runtime io.containerd.runc.v2 --runc-binary "$WRAP" --runc-root "$CD/runc" \
		--fifo-dir "$CD/fifo" "$@"
}
# tty ARGS...: run `ctr ARGS` on a pty (ctr -t needs a terminal); OUT, RC
tty_ctr() {
	local cmd="ctr --address '$SOCK' --namespace '$NS'" a
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	RC=0
	OUT=$(timeout -k 5 "$CTR_TIMEOUT" script -qefc "$cmd" /dev/null </dev/null 2>&1 | tr -d '\r') || RC=$?
	ERR=
}
task_pid() { c task ls </dev/null 2>/dev/null | awk -v id="$1" '$1 == id {print $2}'; }
task_status() { c task ls </dev/null 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }
wait_task() { # wait_task ID STATUS [SECONDS]
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		[ "$(task_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# the exit status of a stopped task: ctr task delete warns about non-zero
task_exit() {
	local e
	e=$(c task delete "$1" </dev/null 2>&1)
	if [[ $e =~ "exit code "([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}
rmc() { # rmc ID...: kill, delete task and container, ignore errors
	local id
	for id in "$@"; do
		c task kill -s SIGKILL "$id" </dev/null >/dev/null 2>&1
		c task delete -f "$id" </dev/null >/dev/null 2>&1
		c container delete "$id" </dev/null >/dev/null 2>&1
	done
	return 0
}
start_sleeper() { # start a detached `sleep 1000` as $C (ctr run options first)
	cid
	run_ok "ctr run -d" -d "$@" "$IMG" "$C" sleep 1000
	wait_task "$C" RUNNING || nope "task $C is not running: $(task_status "$C")"
}
hostdir() {
	local d=$WDIR/host-$BASHPID-$1
	rm -rf "$d"
	mkdir -p "$d"
	echo "$d"
}

# ---------------------------------------------------------------------------
# the private containerd
CD_PID=
RUN_CONTAINERD_EXISTED=1
cd_start() {
	mkdir -p "$CD"/{bin,log,root,state,runc,fifo,img}
	[ -d /run/containerd ] || RUN_CONTAINERD_EXISTED=0
	cat >"$CD/config.toml" <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
	cat >"$WRAP" <<EOF
#!/bin/sh
L=$CD/log
n=\$(date +%s.%N)
{ printf '%s uid=%s' "\$n" "\$(id -u)"; for a in "\$@"; do printf ' %s' "\$a"; done; echo; } >>"\$L/argv.log"
b= prev= cmd=
for a in "\$@"; do
	case \$prev in --bundle|-b) b=\$a ;; esac
	case \$a in --bundle=*) b=\${a#--bundle=} ;; create|run) [ -z "\$cmd" ] && cmd=\$a ;; esac
	prev=\$a
done
[ -n "\$cmd" ] && [ -n "\$b" ] && cp "\$b/config.json" "\$L/config.\$n.json" 2>/dev/null
exec "$OCIRUN" "\$@"
EOF
	chmod 755 "$WRAP"
	containerd --config "$CD/config.toml" </dev/null >"$CD/containerd.log" 2>&1 &
	CD_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		c version </dev/null >/dev/null 2>&1 && return 0
		kill -0 "$CD_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
# a docker-archive of lib.sh's busybox rootfs: one layer, no registry; a
# second tag whose image config names user 1000:1000 (ctr run has no --user)
make_image() {
	local d=$CD/img diff
	tar -C "$CACHE/rootfs" -cf "$d/layer.tar" . || return 1
	diff=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}\n' \
		"$(dpkg --print-architecture 2>/dev/null || echo amd64)" "$diff" >"$d/config.json"
	jq -c '.config.User = "1000:1000"' "$d/config.json" >"$d/config-u.json"
	printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]},{"Config":"config-u.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' \
		"$IMG" "$IMG_U" >"$d/manifest.json"
	tar -C "$d" -cf "$CD/busybox-docker.tar" manifest.json config.json config-u.json layer.tar
}
cd_cleanup() {
	[ -n "${OCIRUN_CLIENT_LOGS:-}" ] && mkdir -p "$OCIRUN_CLIENT_LOGS/containerd" &&
		cp -r "$CD/log" "$CD/containerd.log" "$OCIRUN_CLIENT_LOGS/containerd/" 2>/dev/null
	local id i p
	if [ -n "$CD_PID" ] && kill -0 "$CD_PID" 2>/dev/null; then
		for id in $(CTR_TIMEOUT=10 c task ls -q </dev/null 2>/dev/null); do
			CTR_TIMEOUT=10 c task kill -s SIGKILL "$id" </dev/null >/dev/null 2>&1
			CTR_TIMEOUT=10 c task delete -f "$id" </dev/null >/dev/null 2>&1
		done
		for id in $(CTR_TIMEOUT=10 c container ls -q </dev/null 2>/dev/null); do
			CTR_TIMEOUT=10 c container delete "$id" </dev/null >/dev/null 2>&1
		done
		CTR_TIMEOUT=10 c image rm "$IMG" "$IMG_U" </dev/null >/dev/null 2>&1
		kill "$CD_PID" 2>/dev/null
		for ((i = 0; i < 50; i++)); do kill -0 "$CD_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$CD_PID" 2>/dev/null
		wait "$CD_PID" 2>/dev/null
	fi
	# shims (and anything else) still running for our socket or under $CD
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$CD" && kill -9 "${p#/proc/}" 2>/dev/null
	done
	umount_under "$CD"
	# the cgroups ctr asked for (/NS/ID in every hierarchy)
	for p in /sys/fs/cgroup/*/"$NS"/ctr-"$RUN_ID"-* /sys/fs/cgroup/"$NS"/ctr-"$RUN_ID"-*; do
		[ -d "$p" ] && rmdir "$p" 2>/dev/null
	done
	rmdir /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS" 2>/dev/null
	# containerd 1.6 keeps shim sockets in /run/containerd/s whatever its config
	if [ "$RUN_CONTAINERD_EXISTED" = 0 ]; then
		rmdir /run/containerd/s /run/containerd/fifo /run/containerd 2>/dev/null
	fi
	return 0
}

cd_test() {
	local name=$1 fn=$2
	shift 2
	if [ -n "$CD_SKIP" ]; then
		skip "$name [root]" "$CD_SKIP"
		return 0
	fi
	run_test "$name" "$fn" "$@"
}
need_cd() {
	[ -n "$CD_PID" ] && kill -0 "$CD_PID" 2>/dev/null || nope "the private containerd is not running"
	c image check "name==$IMG" </dev/null 2>/dev/null | grep -q complete || nope "image $IMG was not imported"
}

if [ -z "$CD_SKIP" ]; then
	at_exit cd_cleanup
fi

# ===========================================================================
# (in the file's shell, not a run_test subshell: CD_PID must survive)
if [ -z "$CD_SKIP" ]; then
	if cd_start && make_image && c image import "$CD/busybox-docker.tar" </dev/null >"$CD/import.out" 2>&1; then
		pass "a private containerd starts and imports the busybox docker-archive [root]"
	else
		fail "a private containerd starts and imports the busybox docker-archive [root]" \
			"$(tail -n 5 "$CD/containerd.log" 2>/dev/null; cat "$CD/import.out" 2>/dev/null)"
	fi
else
	skip "a private containerd starts and imports the busybox docker-archive [root]" "$CD_SKIP"
fi

t_run_fg() {
	need_cd
	cid
	run_rc --rm "$IMG" "$C" sh -c 'echo out; echo err >&2; echo "$(id -u) $$"; exit 3'
	expect_rc 3 "exit status of ctr run"
	expect_eq "stdout" "$OUT" "out
0 1"
	[[ $ERR == *err* ]] || nope "stderr of the container missing: $ERR"
	cid
	run_ok "ctr run" --rm "$IMG" "$C" true
	return 0
}
cd_test "ctr run: output, stderr, exit status" t_run_fg root

t_run_stdin() {
	need_cd
	cid
	RC=0
	# head, not cat: ctr 1.6 may miss closing the stdin fifo at EOF (seen
	# with runc too), and a container waiting for EOF then never exits
	OUT=$(printf 'line1\nline2\n' | crun_ --rm "$IMG" "$C" sh -c 'head -n 2; echo done' 2>"$WDIR/.err") || RC=$?
	ERR=$(cat "$WDIR/.err")
	expect_ok "ctr run with stdin"
	expect_eq "stdin copied" "$OUT" "line1
line2
done"
}
cd_test "ctr run: stdin reaches the container" t_run_stdin root

t_run_tty() {
	need_cd
	cid
	tty_ctr run --runtime io.containerd.runc.v2 --runc-binary "$WRAP" --runc-root "$CD/runc" \
		--fifo-dir "$CD/fifo" --rm -t "$IMG" "$C" sh -c 'test -t 0 && test -t 1 && echo is-a-tty; tty; exit 4'
	expect_eq "ctr run -t" "$(grep -m1 -o is-a-tty <<<"$OUT")" is-a-tty
	grep -q '^/dev/pts/' <<<"$OUT" || nope "not a pts: $OUT$(last_rt_error)"
	expect_rc 4 "exit status with -t"
}
cd_test "ctr run -t: a pty in the container" t_run_tty root

t_detached() {
	need_cd
	cid
	run_ok "ctr run -d" -d "$IMG" "$C" sh -c 'trap "exit 5" TERM; while :; do sleep 0.2; done'
	wait_task "$C" RUNNING || nope "not running: $(task_status "$C")"
	sleep 0.3
	r_ok "ctr task kill (SIGTERM)" task kill "$C"
	wait_task "$C" STOPPED || nope "not stopped after SIGTERM: $(task_status "$C")"
	expect_eq "exit code after the TERM trap" "$(task_exit "$C")" 5
	r_ok "ctr container delete" container delete "$C"
	r_ok "ctr container ls" container ls -q
	grep -qx "$C" <<<"$OUT" && nope "container still listed"
	return 0
}
cd_test "ctr run -d, task kill (SIGTERM), exit code, delete" t_detached root

t_kill9() {
	need_cd
	start_sleeper
	r_ok "ctr task kill -s SIGKILL" task kill -s SIGKILL "$C"
	wait_task "$C" STOPPED || nope "not stopped after SIGKILL"
	expect_eq "exit code" "$(task_exit "$C")" 137
	rmc "$C"
	start_sleeper
	local pid
	pid=$(task_pid "$C")
	r_ok "ctr task exec -d" task exec --fifo-dir "$CD/fifo" -d --exec-id bg "$C" sleep 999
	sleep 0.3
	local pids p
	pids=$(c task ps "$C" </dev/null | awk 'NR > 1 {print $1}')
	[ "$(wc -w <<<"$pids")" = 2 ] || nope "want 2 processes in ctr task ps: $pids"
	r_ok "ctr task kill --all" task kill -a -s SIGKILL "$C"
	wait_task "$C" STOPPED || nope "not stopped after kill --all"
	for p in $pids; do
		wait_for sh -c "! kill -0 $p 2>/dev/null" || nope "kill --all left pid $p"
	done
	rmc "$C"
}
cd_test "ctr task kill -s SIGKILL and --all (exit 137)" t_kill9 root

t_exec() {
	need_cd
	start_sleeper
	r_ok "ctr task exec" task exec --fifo-dir "$CD/fifo" --exec-id e1 "$C" sh -c 'echo "$$ $(tr "\0" " " </proc/1/cmdline)"'
	[ "$(cut -d' ' -f2-3 <<<"$OUT")" = "sleep 1000" ] || nope "exec does not see pid 1: $OUT"
	r task exec --fifo-dir "$CD/fifo" --exec-id e2 "$C" sh -c 'echo e >&2; exit 7'
	expect_rc 7 "exit status of ctr task exec"
	r_ok "ctr task exec --user --cwd" task exec --fifo-dir "$CD/fifo" --exec-id e3 --user 1000 --cwd /tmp "$C" sh -c 'echo "$(id -u) $(pwd)"'
	expect_eq "user and cwd" "$OUT" "1000 /tmp"
	RC=0
	OUT=$(echo from-stdin | c task exec --fifo-dir "$CD/fifo" --exec-id e4 "$C" head -n 1 2>"$WDIR/.err") || RC=$?
	ERR=$(cat "$WDIR/.err")
	expect_ok "exec with stdin"
	expect_eq "stdin of exec" "$OUT" from-stdin
	tty_ctr task exec --fifo-dir "$CD/fifo" -t --exec-id e5 "$C" sh -c 'test -t 0 && echo is-a-tty; tty; exit 6'
	expect_eq "exec -t" "$(grep -m1 -o is-a-tty <<<"$OUT")" is-a-tty
	expect_rc 6 "exit status of exec -t"
	r task exec --fifo-dir "$CD/fifo" --exec-id e6 "$C" /no/such/binary
	[ "$RC" != 0 ] || nope "exec of a missing binary succeeded"
	expect_eq "still running" "$(task_status "$C")" RUNNING
	rmc "$C"
}
cd_test "ctr task exec (status, user, cwd, stdin, -t)" t_exec root

t_ps() {
	need_cd
	start_sleeper
	local pid
	pid=$(task_pid "$C")
	r_ok "ctr task exec -d" task exec --fifo-dir "$CD/fifo" -d --exec-id bg "$C" sleep 998
	sleep 0.3
	r_ok "ctr task ps" task ps "$C"
	awk 'NR > 1 {print $1}' <<<"$OUT" | grep -qx "$pid" || nope "ctr task ps lacks the init $pid: $OUT"
	expect_eq "processes listed" "$(awk 'NR > 1' <<<"$OUT" | wc -l)" 2
	rmc "$C"
}
cd_test "ctr task ps lists the container's processes" t_ps root

t_pause() {
	need_cd
	local d
	d=$(hostdir pause)
	cid
	run_ok "ctr run -d" -d --mount "type=bind,src=$d,dst=/out,options=rbind:rw" "$IMG" "$C" sh -c \
		'i=0; while :; do i=$((i+1)); echo $i >/out/n; sleep 0.05; done'
	wait_file "$d/n" || nope "counter not started"
	r_ok "ctr task pause" task pause "$C"
	expect_eq "status" "$(task_status "$C")" PAUSED
	local a b
	a=$(cat "$d/n")
	sleep 0.6
	b=$(cat "$d/n")
	expect_eq "counter while paused" "$b" "$a"
	r_ok "ctr task resume" task resume "$C"
	expect_eq "status" "$(task_status "$C")" RUNNING
	sleep 0.5
	[ "$(cat "$d/n")" != "$b" ] || nope "counter did not move after resume"
	rmc "$C"
}
cd_test "ctr task pause freezes, resume thaws" t_pause root

t_metrics() {
	need_cd
	start_sleeper
	r_ok "ctr task exec -d" task exec --fifo-dir "$CD/fifo" -d --exec-id bg "$C" sleep 997
	sleep 0.3
	r_ok "ctr task metrics" task metrics --format json "$C"
	local pids mem
	pids=$(jq -r '.pids.current // "none"' <<<"$OUT")
	mem=$(jq -r '.memory.usage.usage // "none"' <<<"$OUT")
	expect_eq "pids.current of the container (sleep and the exec'd sleep)" "$pids" 2
	[ "$mem" != none ] && ((mem > 0 && mem < 64 * 1024 * 1024)) ||
		nope "memory usage is not the container's own: $mem bytes"
	rmc "$C"
}
cd_test "ctr task metrics are the container's own" t_metrics root

t_mounts() {
	need_cd
	local d
	d=$(hostdir mounts)
	echo from-host >"$d/in"
	cid
	run_ok "ctr run --mount" --rm --mount "type=bind,src=$d,dst=/data,options=rbind:rw" \
		--mount "type=bind,src=$d,dst=/ro,options=rbind:ro" \
		--mount "type=tmpfs,src=tmpfs,dst=/scratch,options=size=1m" "$IMG" "$C" sh -c \
		'cat /data/in; echo from-ctr >/data/out; echo x >/ro/y 2>/dev/null || echo ro-refused; awk "\$2 == \"/scratch\" {print \$3}" /proc/mounts'
	expect_eq "output" "$OUT" "from-host
ro-refused
tmpfs"
	expect_eq "written through the bind" "$(cat "$d/out" 2>/dev/null)" from-ctr
}
cd_test "ctr run --mount (bind rw, bind ro, tmpfs)" t_mounts root

t_readonly() {
	need_cd
	cid
	run_rc --rm --read-only "$IMG" "$C" sh -c 'touch /x 2>&1; echo done'
	expect_ok "ctr run --read-only"
	[[ $OUT == *"Read-only file system"* ]] || nope "/ is writable: $OUT"
}
cd_test "ctr run --read-only" t_readonly root

t_user() {
	need_cd
	cid
	run_ok "ctr run (image user 1000:1000)" --rm "$IMG_U" "$C" sh -c 'echo $(id -u):$(id -g)'
	expect_eq "ids" "$OUT" "1000:1000"
}
cd_test "ctr run of an image whose config names a user" t_user root

t_oom() {
	need_cd
	# (ctr mounts no cgroupfs in the container: the limit is read on the host)
	start_sleeper --memory-limit 67108864
	local pid cg f
	pid=$(task_pid "$C")
	cg=$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")
	if [ -n "$cg" ]; then f=/sys/fs/cgroup/memory$cg/memory.limit_in_bytes; else
		f=/sys/fs/cgroup$(awk -F: '$1 == 0 {print $3}' "/proc/$pid/cgroup")/memory.max; fi
	expect_eq "memory limit of the container's cgroup ($f)" "$(cat "$f" 2>/dev/null)" 67108864
	rmc "$C"
	cid
	run_rc --rm --memory-limit 33554432 "$IMG" "$C" dd if=/dev/zero of=/dev/null bs=64M count=1
	expect_rc 137 "a container that outgrows its limit is OOM-killed"
}
cd_test "ctr run --memory-limit: limit, OOM kill is exit 137" t_oom root

t_privileged() {
	need_cd
	cid
	run_ok "ctr run --privileged" --rm --privileged "$IMG" "$C" sh -c \
		'grep CapEff /proc/self/status | awk "{print \$2}"; test -c /dev/ptmx && echo ptmx; test -e /dev/kmsg && echo kmsg; mkdir /tmp/m && mount -t tmpfs none /tmp/m && echo mounted'
	expect_eq "CapEff" "$(sed -n 1p <<<"$OUT")" "$(awk '/^CapBnd/ {print $2}' /proc/self/status)"
	expect_eq "host devices and mount" "$(sed -n '2,4p' <<<"$OUT" | tr '\n' ' ')" "ptmx kmsg mounted "
}
cd_test "ctr run --privileged: all caps, host devices, mount works" t_privileged root

t_delete_running() {
	need_cd
	start_sleeper
	local pid
	pid=$(task_pid "$C")
	r task delete "$C"
	[ "$RC" != 0 ] || nope "ctr task delete of a running task succeeded"
	expect_eq "still running after a refused delete" "$(task_status "$C")" RUNNING
	r_ok "ctr task delete -f" task delete -f "$C"
	wait_for sh -c "! kill -0 $pid 2>/dev/null" || nope "pid $pid survives task delete -f"
	r_ok "ctr container delete" container delete "$C"
}
cd_test "ctr task delete refuses a running task, -f kills it" t_delete_running root

t_many() {
	need_cd
	local i ids=()
	for ((i = 0; i < 10; i++)); do
		cid
		ids+=("$C")
		run_rc --rm "$IMG" "$C" sh -c "echo run-$i"
		[ "$RC" = 0 ] && [ "$OUT" = "run-$i" ] || nope "run $i: exit $RC, output '$OUT' $ERR$(last_rt_error)"
	done
	r_ok "ctr container ls" container ls -q
	[ -z "$OUT" ] || nope "containers left: $OUT"
	r_ok "ctr task ls" task ls -q
	[ -z "$OUT" ] || nope "tasks left: $OUT"
	local left="" id
	for id in "${ids[@]}"; do
		[ -e "$CD/runc/$NS/$id" ] && left+=" runtime-state:$id"
		[ -e "$CD/state/io.containerd.runtime.v2.task/$NS/$id" ] && left+=" bundle:$id"
		for d in /sys/fs/cgroup/*/"$NS/$id"; do [ -d "$d" ] && left+=" $d"; done
		pgrep -f "containerd-shim-runc-v2.*-id $id( |$)" >/dev/null && left+=" shim:$id"
	done
	[ -z "$left" ] || nope "left behind:$left"
	local m
	m=$(leaked_mounts "$CD/state")
	[ -z "$m" ] || nope "mounts left: $m"
	return 0
}
cd_test "ten ctr run --rm in a row leave nothing behind" t_many root

# The README's Kubernetes section: the CRI runtime handler for ocirun, with
# the runc shim's options this file passes with --runc-binary, is a config
# containerd accepts and reads as meant.
t_cri_handler_config() {
	local f=$WDIR/cri-$BASHPID.toml
	cat >"$f" <<TOML
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocirun]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocirun.options]
  BinaryName = "$OCIRUN"
  SystemdCgroup = false
TOML
	rc containerd --config "$f" config dump
	expect_ok "containerd config dump"
	grep -q 'runtimes.ocirun\]' <<<"$OUT" || nope "the handler is not in the dump: $OUT"
	grep -q "BinaryName = \"$OCIRUN\"" <<<"$OUT" || nope "the handler's BinaryName is not in the dump"
	grep -q 'runtime_type = "io.containerd.runc.v2"' <<<"$OUT" || nope "the handler's shim is not in the dump"
}
cd_test "the CRI runtime handler of the README is a config containerd reads" t_cri_handler_config root
