#!/bin/bash
# command line: features, spec, global options, usage errors, ps.
. "$(dirname "$0")/../lib.sh"

t_features() {
	rc rt features
	[ "$RC" != 0 ] && is_reference_runtime && skipt "$OCIRUN_NAME has no features command"
	expect_ok features
	jq -e . >/dev/null 2>&1 <<<"$OUT" || nope "features is not JSON: $OUT"
	local k
	for k in ociVersionMin ociVersionMax; do
		[[ $(jq -r ".$k" <<<"$OUT") =~ ^1\.[0-9]+\.[0-9]+ ]] || nope "features.$k: $(jq -c ".$k" <<<"$OUT")"
	done
	expect_eq "hooks" "$(jq -r '.hooks | sort | join(" ")' <<<"$OUT")" "createContainer createRuntime poststart poststop prestart startContainer"
	local o
	for o in bind rbind ro nosuid nodev noexec rprivate rslave; do
		jq -e --arg o "$o" '.mountOptions | index($o)' >/dev/null <<<"$OUT" || nope "mountOptions lacks $o"
	done
	for o in pid network ipc uts mount user cgroup; do
		jq -e --arg o "$o" '.linux.namespaces | index($o)' >/dev/null <<<"$OUT" || nope "linux.namespaces lacks $o"
	done
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' >/dev/null <<<"$OUT" || nope "linux.capabilities lacks CAP_SYS_ADMIN"
}
run_test "features prints the supported hooks, options, namespaces, caps" t_features root user

t_spec() {
	local d=$WDIR/spec-$BASHPID
	mkdir -p "$d"
	own "$d"
	if [ "$MODE" = user ]; then rc rt spec --rootless -b "$d"; else rc rt spec -b "$d"; fi
	expect_ok spec
	[ -f "$d/config.json" ] || nope "spec wrote no config.json"
	jq -e . "$d/config.json" >/dev/null || nope "config.json is not JSON"
	jq -e '.ociVersion and .process.args and .root.path' "$d/config.json" >/dev/null ||
		nope "config lacks ociVersion/process.args/root.path"
	if [ "$MODE" = user ]; then
		jq -e '.linux.namespaces | map(.type) | index("user")' "$d/config.json" >/dev/null || nope "spec --rootless has no user namespace"
		# (crun fills the mappings in at create time instead)
		[ "$OCIRUN_NAME" = crun ] || jq -e '.linux.uidMappings | length > 0' "$d/config.json" >/dev/null ||
			nope "spec --rootless has no uidMappings"
	fi
	# spec refuses to overwrite an existing config.json
	echo '{"keep": true}' >"$d/config.json"
	own "$d/config.json"
	if [ "$MODE" = user ]; then rc rt spec --rootless -b "$d"; else rc rt spec -b "$d"; fi
	expect_fail "spec over an existing config.json"
	expect_eq "existing config kept" "$(jq -c . "$d/config.json")" '{"keep":true}'
}
run_test "spec writes a config (rootless with --rootless), never overwrites" t_spec root user

# the config written by `spec` (plus a rootfs and our args) runs
t_spec_runs() {
	mkbundle
	rm -f "$B/config.json"
	if [ "$MODE" = user ]; then rc rt spec --rootless -b "$B"; else rc rt spec -b "$B"; fi
	expect_ok spec
	own "$B/config.json"
	cfg '.process.terminal = false | .root.path = "rootfs"'
	if [ "$MODE" = user ]; then
		# the mapping must be the caller's own ids
		cfg '.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}] | .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}]' \
			--argjson u "$USER_UID" --argjson g "$USER_GID"
	fi
	sh_ok 'echo from-spec-config'
	expect_eq output "$OUT" from-spec-config
}
run_test "a config made by spec runs" t_spec_runs root user

t_usage_errors() {
	local args
	for args in "no-such-command" "state" "start" "kill" "delete" "create" "run --no-such-flag x" "--rootless bogus list" "kill x NOTASIGNAL"; do
		# shellcheck disable=SC2086
		rc rt $args
		# (runc 1.1 and crun 1.8 accept any --rootless value)
		[ "$RC" = 0 ] && is_reference_runtime && [[ $args == --rootless* ]] && continue
		expect_fail "'$args'"
		expect_error_format "'$args'" "$ERR"
	done
}
run_test "usage errors: exit 1 with one error line" t_usage_errors root

t_log_options() {
	local log=$WDIR/log-$BASHPID
	mkdir -p "$log"
	own "$log"
	mkbundle
	set_sh 'echo logged-run'
	RC=0
	rt --log "$log/text.log" --debug run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "run with --log --debug"
	expect_eq output "$OUT" logged-run
	newid
	RC=0
	rt --log "$log/json.log" --log-format json run -b "$B" "$ID" </dev/null >"$B/out" 2>"$B/err" || RC=$?
	OUT=$(cat "$B/out") ERR=$(cat "$B/err")
	expect_ok "run with --log-format json"
	expect_eq output "$OUT" logged-run
	# an error is logged to the json log as JSON lines
	rc rt --log "$log/err.log" --log-format json state no-such-container-xyz
	expect_fail "state of an unknown container"
	if [ -s "$log/err.log" ]; then
		jq -e . "$log/err.log" >/dev/null 2>&1 || nope "--log-format json wrote non-JSON: $(head -c 300 "$log/err.log")"
	fi
	if [ -s "$log/json.log" ]; then
		jq -e . "$log/json.log" >/dev/null 2>&1 || nope "--log-format json wrote non-JSON: $(head -c 300 "$log/json.log")"
	fi
}
run_test "--log, --log-format json and --debug are accepted" t_log_options root user

t_ps() {
	mkbundle
	set_args sleep 100
	create_ctr
	expect_ok create
	rt start "$ID" >/dev/null 2>&1 || nope "start failed"
	local pid
	pid=$(ctr_pid)
	rc rt ps --format json "$ID"
	[ "$RC" != 0 ] && is_reference_runtime && [ "$MODE" = user ] && skipt "$OCIRUN_NAME ps needs cgroups"
	expect_ok "ps --format json"
	jq -e --argjson p "$pid" 'index($p)' >/dev/null <<<"$OUT" || nope "ps does not list the init pid $pid: $OUT"
	rm_ctr
}
run_test "ps lists the container's processes" t_ps root user

t_version() {
	rc "$OCIRUN" --version
	expect_ok "--version"
	[ -n "$OUT" ] || nope "--version printed nothing"
}
run_test "--version" t_version root user

t_install() {
	is_reference_runtime && skipt "installs ocirun, not $OCIRUN_NAME"
	local d=$WDIR/stage-$BASHPID
	make -s -C "$REPO_DIR" install DESTDIR="$d" PREFIX=/usr >"$WDIR/install.log" 2>&1 ||
		nope "make install failed: $(tail -5 "$WDIR/install.log")"
	[ -x "$d/usr/bin/ocirun" ] || nope "no $d/usr/bin/ocirun"
	"$d/usr/bin/ocirun" --version | grep -q '^ocirun version' || nope "the installed binary does not run"
	grep -q '^\.TH OCIRUN 1' "$d/usr/share/man/man1/ocirun.1" 2>/dev/null || nope "no man page at usr/share/man/man1/ocirun.1"
	rm -rf "$d"
}
run_test "make install puts the binary and the man page under DESTDIR/PREFIX" t_install root
