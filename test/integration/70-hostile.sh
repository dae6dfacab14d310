#!/bin/bash
# hostile bundles and configs.  A container image (the rootfs) and the
# config are untrusted input: planted symlinks must be resolved inside the
# rootfs (or refused), never on the host; malformed configs are refused with
# one error line and leave nothing behind.  After every test the host is
# checked: the victim dir is unchanged, no new mounts, no escape files.
. "$(dirname "$0")/../lib.sh"

# ---------------------------------------------------------------------------
# victim: a host dir a naive runtime could write into.  In rootless mode it
# belongs to the test user, so only the runtime's path handling protects it.
victim_setup() {
	V=$(mktemp -d /tmp/ocirun-victim.XXXXXX)
	echo "$V" >>"$WDIR/victims"
	echo original-secret >"$V/secret"
	mkdir "$V/sub"
	echo x >"$V/sub/file"
	chmod 755 "$V"
	own "$V"
	V_SNAP=$(victim_snapshot)
	MOUNTS_BEFORE=$(host_mounts)
	rm -rf /tmp/ocirun-escape-"$BASHPID"*
}
victim_snapshot() { (cd "$V" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort && cat secret); }
# mounts on the host that a hostile bundle could create: on /, /proc, /dev,
# /sys, /tmp, the victim, escape paths, or under this file's work dir (other
# runs on the machine may mount elsewhere meanwhile)
host_mounts() {
	awk -v v="$V" -v w="$WDIR" '$5 == "/" || $5 ~ "^/(proc|dev|sys)(/|$)" || $5 == "/tmp" ||
		index($5, v) == 1 || index($5, "/tmp/ocirun-escape") == 1 || index($5, w) == 1 {print $4, $5}' \
		/proc/self/mountinfo | sort
}
victim_check() {
	local now
	now=$(victim_snapshot)
	[ "$now" = "$V_SNAP" ] || nope "the host dir $V was changed: $(diff <(echo "$V_SNAP") <(echo "$now"))"
	now=$(host_mounts)
	[ "$now" = "$MOUNTS_BEFORE" ] || nope "host mounts changed: $(diff <(echo "$MOUNTS_BEFORE") <(echo "$now"))"
	local e
	for e in /tmp/ocirun-escape-"$BASHPID"*; do
		[ -e "$e" ] && nope "$e was created on the host"
	done
	return 0
}
cleanup_victims() {
	local v
	[ -f "$WDIR/victims" ] || return 0
	while read -r v; do
		umount_under "$v"
		rm -rf --one-file-system "$v"
	done <"$WDIR/victims"
	rm -f "$WDIR/victims"
	rm -rf /tmp/ocirun-escape-*
}
at_exit cleanup_victims

# hung_or_crashed: RC is a timeout or death by a signal (not an exit 1..123
# or 255 of a runtime that refused)
hung_or_crashed() { [ "$RC" -ge 124 ] && [ "$RC" -le 192 ] && [ "$RC" != 127 ]; }
# run the container; success or refusal are both fine for a hostile bundle,
# but it must finish (no hang) and not crash
run_hostile() {
	run_ctr "$@"
	! hung_or_crashed || nope "runtime hung or crashed: status $RC, stderr: $ERR"
	rm_ctr
}

no_dev_mount() { cfg '.mounts |= map(select(.destination != "/dev"))'; }

# ---------------------------------------------------------------------------
t_dev_symlink() {
	local target variant
	for variant in abs rel abs-nodevmount rel-nodevmount; do
		victim_setup
		mkbundle
		rm -rf "$B/rootfs/dev"
		case $variant in
		abs*) target=$V ;;
		rel*) target=../../../../../../../..$V ;;
		esac
		ln -s "$target" "$B/rootfs/dev"
		own "$B/rootfs/dev"
		[[ $variant == *nodevmount ]] && no_dev_mount
		set_sh 'ls -la /dev >/dev/null 2>&1; echo ran'
		run_hostile
		victim_check
	done
}
run_test "rootfs /dev symlinked to a host dir: nothing created there" t_dev_symlink root user

t_proc_symlink() {
	local target
	for target in / ../../.. /tmp; do
		victim_setup
		mkbundle
		rmdir "$B/rootfs/proc"
		[ "$target" = /tmp ] && target=$V
		ln -s "$target" "$B/rootfs/proc"
		own "$B/rootfs/proc"
		set_sh 'echo ran'
		run_hostile
		victim_check
		# the bundle and its parent dirs are not touched either
		[ -z "$(find "$B" -maxdepth 1 -newer "$B/config.json" ! -name out ! -name err ! -name rootfs ! -path "$B")" ] ||
			nope "files appeared in the bundle: $(ls -la "$B")"
	done
}
run_test "rootfs /proc symlinked to / or ../../.. or a host dir" t_proc_symlink root user

t_dest_dotdot() {
	local kind
	for kind in tmpfs bind; do
		victim_setup
		mkbundle
		if [ $kind = tmpfs ]; then
			cfg '.mounts += [{"destination": $d, "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]' \
				--arg d "/../../../../../../../../../tmp/ocirun-escape-$BASHPID"
		else
			cfg '.mounts += [{"destination": $d, "type": "bind", "source": $v, "options": ["bind"]}]' \
				--arg d "../../../../../../../../../tmp/ocirun-escape-$BASHPID-b" --arg v "$V"
		fi
		set_sh 'echo ran'
		run_hostile
		victim_check
	done
}
run_test "mount destination with ../ stays inside the rootfs" t_dest_dotdot root user

t_dest_planted_symlink() {
	local variant
	for variant in abs rel nested; do
		victim_setup
		mkbundle
		case $variant in
		abs) ln -s "$V" "$B/rootfs/evil" ;;
		rel) ln -s "../../../../../../../../..$V" "$B/rootfs/evil" ;;
		nested)
			mkdir -p "$B/rootfs/a"
			ln -s ../../../../../../../../../tmp "$B/rootfs/a/evil"
			;;
		esac
		own "$B/rootfs"
		if [ $variant = nested ]; then
			cfg '.mounts += [{"destination": $d, "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]' \
				--arg d "/a/evil/ocirun-escape-$BASHPID/x"
		else
			cfg '.mounts += [{"destination": "/evil/newdir/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]},
				{"destination": "/evil/sub/file", "type": "bind", "source": "/etc/hostname", "options": ["bind", "ro"]}]'
		fi
		set_sh 'echo ran'
		run_hostile
		victim_check
	done
}
run_test "mount destination through a planted symlink stays in the rootfs" t_dest_planted_symlink root user

t_planted_devnull() {
	local variant
	for variant in file symlink file-nodevmount symlink-nodevmount; do
		victim_setup
		mkbundle
		rm -f "$B/rootfs/dev/null"
		case $variant in
		file*) echo planted-devnull >"$B/rootfs/dev/null" ;;
		symlink*) ln -s "$V/secret" "$B/rootfs/dev/null" ;;
		esac
		echo secret-in-image >"$B/rootfs/etc/masked-file"
		own "$B/rootfs/dev" "$B/rootfs/etc"
		[[ $variant == *nodevmount ]] && no_dev_mount
		cfg '.linux.maskedPaths += ["/etc/masked-file"]'
		set_sh 'echo "null=$(stat -c "%F %t,%T" /dev/null)"; echo "kcore=$(head -c 32 /proc/kcore 2>/dev/null | wc -c)"; echo "masked=$(cat /etc/masked-file)"; echo "planted=$(ls -l /proc/self/fd/ 2>&1 | grep -c planted)"'
		run_ctr
		! hung_or_crashed || nope "runtime hung or crashed: $RC: $ERR"
		# refusing the bundle is fine; if the program ran, its view is right
		if [ -n "$OUT" ]; then
			expect_eq "$variant: container view" "$OUT" "null=character special file 1,3
kcore=0
masked=
planted=0"
		fi
		rm_ctr
		victim_check
	done
}
run_test "a planted /dev/null (file or symlink) is never used for masks or stdio" t_planted_devnull root user

t_planted_console() {
	local recv
	recv=$(helper recvtty) || skipt "recvtty helper could not be built"
	victim_setup
	mkbundle
	no_dev_mount
	ln -s "$V/console-target" "$B/rootfs/dev/console"
	ln -s "$V/secret" "$B/rootfs/dev/tty"
	own "$B/rootfs/dev"
	cfg '.process.terminal = true'
	set_sh 'tty'
	local sock=$B/c.sock
	"$recv" -t 10 "$sock" >"$B/tty.out" 2>"$B/tty.err" 9>&- &
	local rp=$!
	wait_for test -S "$sock" || nope "recvtty did not start"
	run_ctr -d --console-socket "$sock"
	wait $rp 2>/dev/null
	! hung_or_crashed || nope "runtime hung or crashed: $RC: $ERR"
	wait_status stopped "$ID" 5
	rm_ctr
	victim_check
}
run_test "a planted /dev/console symlink is not followed to the host" t_planted_console root user

t_cwd_symlink() {
	victim_setup
	mkbundle
	ln -s "$V" "$B/rootfs/evil"
	own "$B/rootfs/evil"
	cfg '.process.cwd = "/evil/newcwd"'
	set_sh 'pwd'
	run_hostile
	victim_check
}
run_test "process.cwd through a planted symlink is not created on the host" t_cwd_symlink root user

t_pidfile_symlink() {
	victim_setup
	mkbundle
	cfg '.root.readonly = false'
	# the pid file path is inside the (container-controlled) rootfs and is a
	# symlink planted there that points to a host file
	ln -s "$V/secret" "$B/rootfs/pidfile"
	own "$B/rootfs/pidfile"
	set_args sleep 100
	create_ctr --pid-file "$B/rootfs/pidfile"
	! hung_or_crashed || nope "runtime hung or crashed: $RC: $ERR"
	rm_ctr
	victim_check
}
run_test "--pid-file through a planted symlink does not overwrite its target" t_pidfile_symlink root user

# the container swaps a path for a symlink while running; delete and exec
# must not follow it on the host
t_runtime_swap() {
	victim_setup
	mkbundle
	cfg '.root.readonly = false'
	set_sh 'rm -rf /tmp; ln -s '"$V"' /tmp; rm -rf /dev/shm 2>/dev/null; echo swapped; exec sleep 100'
	create_ctr
	expect_ok create
	rt start "$ID" >/dev/null 2>&1
	wait_for grep -q swapped "$B/out" || nope "container did not run"
	rt exec --cwd /tmp "$ID" sh -c 'touch newfile' >/dev/null 2>&1
	rt exec "$ID" sh -c 'echo pwned > /tmp/secret' >/dev/null 2>&1
	rm_ctr
	victim_check
}
run_test "symlinks created by the container are resolved inside it" t_runtime_swap root user

# ---------------------------------------------------------------------------
# config.json that is not a regular file
t_config_fifo() {
	local kind
	for kind in fifo devzero devurandom dir; do
		fresh_state
		mkbundle
		rm -f "$B/config.json"
		case $kind in
		fifo) mkfifo "$B/config.json" ;;
		devzero) ln -s /dev/zero "$B/config.json" ;;
		devurandom) ln -s /dev/urandom "$B/config.json" ;;
		dir) mkdir "$B/config.json" ;;
		esac
		own "$B/config.json"
		local t0 t1
		t0=$(date +%s)
		RC=0
		RT_TIMEOUT=10 rt create -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
		t1=$(date +%s)
		ERR=$(cat "$B/err")
		[ "$RC" != 124 ] && [ "$RC" != 137 ] || nope "config.json as $kind: the runtime hung"
		[ $((t1 - t0)) -le 5 ] || nope "config.json as $kind: took $((t1 - t0)) s"
		expect_fail "create with config.json as $kind"
		expect_error_format "config.json as $kind" "$ERR"
		[ -z "$(ls -A "$STATE")" ] || nope "state left for $kind: $(ls -A "$STATE")"
	done
}
run_test "config.json that is a FIFO, /dev/zero, /dev/urandom or a dir is refused quickly" t_config_fifo root user

t_config_huge() {
	fresh_state
	mkbundle
	# a 64 MiB config: refused or parsed, but no hang or crash
	{
		printf '{"ociVersion": "1.0.0", "annotations": {"a": "'
		head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' a
		printf '"}, "root": {"path": "rootfs"}}'
	} >"$B/config.json"
	own "$B/config.json"
	RC=0
	RT_TIMEOUT=15 rt create -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	ERR=$(cat "$B/err")
	! hung_or_crashed || nope "runtime hung or crashed on a 64 MiB config: $RC $ERR"
	rm_ctr
}
run_test "a huge config.json does not hang or crash the runtime" t_config_huge root

# ---------------------------------------------------------------------------
# malformed configs: refused with exit 1, one "ocirun: " line naming the
# problem, and nothing left behind.  runc and crun (Go / yajl parsers) accept
# several of these; for them such a case is skipped, not failed.
#
# bad_config CASE: rewrite $B/config.json; sets WANT_RE (what stderr must name)
bad_config() {
	local c=$B/config.json j
	j=$(jq -c . "$c")
	case $1 in
	dupkey)
		printf '{"ociVersion": "1.0.0", %s\n' "${j#\{}" >"$c"
		WANT_RE='ociVersion|duplicate'
		;;
	dupkey-nested)
		jq -c '.process.user' "$c" >/dev/null
		printf '%s\n' "$j" | sed 's/"user":{"uid":0,/"user":{"uid":0,"uid":1000,/' >"$c"
		grep -q '"uid":0,"uid":1000' "$c" || nope "could not build the test config"
		WANT_RE='uid|duplicate'
		;;
	trailing)
		printf '%s garbage\n' "$j" >"$c"
		WANT_RE='trailing|garbage|after|end|extra|json|parse|syntax|config'
		;;
	trailing-object)
		printf '%s {}\n' "$j" >"$c"
		WANT_RE='trailing|after|end|extra|json|parse|syntax|config'
		;;
	comment)
		printf '{ // a comment\n%s\n' "${j#\{}" >"$c"
		WANT_RE='comment|json|parse|syntax|invalid|unexpected|config'
		;;
	nul)
		jq '.process.args = ["sh", "-c", "echo a\u0000b"]' <<<"$j" >"$c"
		WANT_RE='args|nul|\\u0000|NUL|null'
		;;
	uid-negative)
		jq '.process.user.uid = -1' <<<"$j" >"$c"
		WANT_RE='uid'
		;;
	uid-too-big)
		jq '.process.user.uid = 4294967296' <<<"$j" >"$c"
		WANT_RE='uid'
		;;
	uid-fraction)
		jq '.process.user.uid = 1.5' <<<"$j" >"$c"
		WANT_RE='uid'
		;;
	uid-string)
		jq '.process.user.uid = "0"' <<<"$j" >"$c"
		WANT_RE='uid'
		;;
	bad-utf8)
		jq '.hostname = "HOSTNAME_PLACEHOLDER"' <<<"$j" | sed "s/HOSTNAME_PLACEHOLDER/ab$(printf '\xff\xfe')cd/" >"$c"
		WANT_RE='utf|UTF|hostname|encoding|invalid'
		;;
	dup-namespace)
		jq '.linux.namespaces += [{"type": "pid"}]' <<<"$j" >"$c"
		WANT_RE='namespace|pid|duplicate'
		;;
	unknown-namespace)
		jq '.linux.namespaces += [{"type": "bogus"}]' <<<"$j" >"$c"
		WANT_RE='namespace|bogus'
		;;
	args-not-array)
		jq '.process.args = "sh"' <<<"$j" >"$c"
		WANT_RE='args'
		;;
	no-ociversion)
		jq 'del(.ociVersion)' <<<"$j" >"$c"
		WANT_RE='ociVersion'
		;;
	no-root)
		jq 'del(.root)' <<<"$j" >"$c"
		WANT_RE='root'
		;;
	relative-hook)
		jq '.hooks = {"createRuntime": [{"path": "relative/hook"}]}' <<<"$j" >"$c"
		WANT_RE='hook|path|absolute'
		;;
	hook-timeout-zero)
		jq '.hooks = {"createRuntime": [{"path": "/bin/true", "timeout": 0}]}' <<<"$j" >"$c"
		WANT_RE='timeout'
		;;
	deep-nesting)
		{
			printf '%s' "${j%\}}"
			printf ', "x-deep": '
			head -c 200000 /dev/zero | tr '\0' '['
			head -c 200000 /dev/zero | tr '\0' ']'
			printf '}\n'
		} >"$c"
		WANT_RE='.'
		;;
	empty)
		: >"$c"
		WANT_RE='.'
		;;
	not-object)
		echo '[1, 2]' >"$c"
		WANT_RE='.'
		;;
	*) nope "unknown case $1" ;;
	esac
	own "$c"
}

BAD_CASES="dupkey dupkey-nested trailing trailing-object comment nul uid-negative uid-too-big uid-fraction uid-string bad-utf8 dup-namespace unknown-namespace args-not-array no-ociversion no-root relative-hook hook-timeout-zero deep-nesting empty not-object"

t_bad_config() {
	fresh_state
	mkbundle
	set_sh 'echo program-ran'
	bad_config "$JCASE"
	local before
	before=$(ls -A "$B/rootfs")
	run_ctr
	if [ "$RC" = 0 ] && is_reference_runtime; then
		rm_ctr
		skipt "$OCIRUN_NAME accepts this config"
	fi
	! hung_or_crashed || nope "runtime hung or crashed: status $RC: $ERR"
	[ "$RC" != 0 ] || nope "the config was accepted (stdout: $OUT)"
	[ "$OUT" != program-ran ] || nope "the program ran"
	expect_error_format "$JCASE" "$ERR"
	if ! is_reference_runtime; then
		grep -qE "$WANT_RE" <<<"$ERR" || nope "the error does not name the problem (/$WANT_RE/): $ERR"
	fi
	[ -z "$(ls -A "$STATE")" ] || nope "state dir not empty: $(ls -A "$STATE")"
	[ "$before" = "$(ls -A "$B/rootfs")" ] || nope "the rootfs was changed"
}
for JCASE in $BAD_CASES; do
	export JCASE
	run_test "malformed config refused: $JCASE" t_bad_config root
done
# a few in rootless mode too (parsing must not depend on privileges)
for JCASE in dupkey nul uid-too-big dup-namespace; do
	export JCASE
	run_test "malformed config refused: $JCASE" t_bad_config user
done

# ---------------------------------------------------------------------------
t_bad_ids_hostile() {
	fresh_state
	mkbundle
	set_args sleep 100
	local bad
	for bad in "../x" "a/b" "." ".." "/abs" "x/.." $'new\nline' "$(head -c 5000 /dev/zero | tr '\0' a)"; do
		RC=0
		rt create -b "$B" "$bad" </dev/null >"$B/out" 2>"$B/err" || RC=$?
		ERR=$(cat "$B/err")
		if [ "$RC" = 0 ]; then
			rt delete -f "$bad" >/dev/null 2>&1
			nope "create with id '${bad:0:40}' succeeded"
		fi
		expect_error_format "id '${bad:0:40}'" "$ERR"
	done
	[ -z "$(ls -A "$STATE")" ] || nope "state dir not empty: $(ls -A "$STATE")"
	[ ! -e "$(dirname "$STATE")/x" ] && [ ! -e /x ] && [ ! -e /abs ] || nope "something created outside the state dir"
}
run_test "hostile container ids are refused" t_bad_ids_hostile root user

# the state dir itself is hostile: a planted symlink in place of a
# container's state entry must not make the runtime write elsewhere
t_state_symlink() {
	victim_setup
	fresh_state
	mkbundle
	set_args sleep 100
	ln -s "$V" "$STATE/$ID"
	own "$STATE/$ID"
	create_ctr
	! hung_or_crashed || nope "runtime hung or crashed: $RC: $ERR"
	rt delete -f "$ID" >/dev/null 2>&1
	rm -f "$STATE/$ID"
	victim_check
}
run_test "a symlink planted in the state dir is not followed" t_state_symlink root user
