#!/bin/bash
# console: process.terminal with --console-socket (the pty master is sent
# over a unix socket, received by test/helpers/recvtty), consoleSize,
# /dev/console, input through the pty, and `run` under script(1).
. "$(dirname "$0")/../lib.sh"

RECVTTY=$(helper recvtty) || RECVTTY=

# start_recvtty [recvtty options]: sets SOCK and RPID; output in $B/tty.out
start_recvtty() {
	[ -n "$RECVTTY" ] || skipt "recvtty helper could not be built"
	SOCK=$B/console.sock
	rm -f "$SOCK"
	"$RECVTTY" -t 15 "$@" "$SOCK" >"$B/tty.out" 2>"$B/tty.err" 9>&- &
	RPID=$!
	wait_for test -S "$SOCK" || nope "recvtty did not create its socket: $(cat "$B/tty.err")"
}
# wait_recvtty: wait for recvtty to finish; sets TTY_OUT (CR stripped)
wait_recvtty() {
	local r=0
	wait "$RPID" || r=$?
	TTY_OUT=$(tr -d '\r' <"$B/tty.out")
	[ "$r" = 0 ] || nope "recvtty exited with $r: $(cat "$B/tty.err") output: $TTY_OUT"
}

t_console_socket() {
	mkbundle
	cfg '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
	set_sh 'tty; stty size; stat -c "%F %t" /dev/console; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys'
	start_recvtty
	create_ctr --console-socket "$SOCK"
	[ "$RC" = 0 ] || { kill "$RPID" 2>/dev/null; nope "create with --console-socket failed: $ERR"; }
	rc rt start "$ID"
	expect_ok start
	wait_recvtty
	grep -qE '^/dev/(pts/[0-9]+|console)$' <<<"$TTY_OUT" || nope "tty printed: $TTY_OUT"
	grep -qx "33 101" <<<"$TTY_OUT" || nope "stty size is not '33 101': $TTY_OUT"
	# /dev/console is the pty (pts major 136 = 0x88)
	grep -qx "character special file 88" <<<"$TTY_OUT" || nope "/dev/console is not the pty: $TTY_OUT"
	grep -qx all-ttys <<<"$TTY_OUT" || nope "stdio are not all the terminal: $TTY_OUT"
	wait_status stopped || nope "container did not stop"
	[ ! -s "$B/out" ] || nope "output went to the runtime's stdout instead of the pty: $(cat "$B/out")"
	rm_ctr
}
run_test "terminal: --console-socket receives the pty, consoleSize applies" t_console_socket root user

t_console_input() {
	mkbundle
	cfg '.process.terminal = true'
	set_sh 'read line; echo "got:$line"'
	start_recvtty -w $'hello-through-pty\n'
	rc rt run -d --console-socket "$SOCK" -b "$B" "$ID"
	[ "$RC" = 0 ] || { kill "$RPID" 2>/dev/null; nope "run -d --console-socket failed: $ERR"; }
	wait_recvtty
	grep -qx "got:hello-through-pty" <<<"$TTY_OUT" || nope "input not read through the pty: $TTY_OUT"
	rm_ctr
}
run_test "terminal: input written to the pty master reaches the process" t_console_input root user

t_console_controlling() {
	mkbundle
	cfg '.process.terminal = true'
	# the pty is the controlling terminal: /dev/tty opens
	set_sh 'echo via-dev-tty >/dev/tty && echo ctty-ok'
	start_recvtty
	rc rt run -d --console-socket "$SOCK" -b "$B" "$ID"
	[ "$RC" = 0 ] || { kill "$RPID" 2>/dev/null; nope "run -d failed: $ERR"; }
	wait_recvtty
	grep -qx via-dev-tty <<<"$TTY_OUT" || nope "could not write to /dev/tty: $TTY_OUT"
	grep -qx ctty-ok <<<"$TTY_OUT" || nope "no controlling terminal: $TTY_OUT"
	rm_ctr
}
run_test "terminal: the pty is the controlling terminal" t_console_controlling root user

t_console_needs_socket() {
	mkbundle
	cfg '.process.terminal = true'
	set_sh 'echo ran'
	create_ctr
	expect_fail "create with terminal true and no --console-socket"
	rc rt state "$ID"
	expect_fail "state of the refused container"
}
run_test "terminal: create without --console-socket fails" t_console_needs_socket root user

t_console_bad_socket() {
	mkbundle
	cfg '.process.terminal = true'
	set_sh 'echo ran'
	create_ctr --console-socket "$WDIR/no-such-socket"
	expect_fail "create with a console socket that does not exist"
	rc rt state "$ID"
	expect_fail "state of the refused container"
}
run_test "terminal: a missing console socket is an error" t_console_bad_socket root user

# `run` in the foreground with terminal true uses the caller's terminal;
# script(1) provides one (CI has no tty)
t_run_under_script() {
	command -v script >/dev/null || skipt "script(1) not installed (bsdutils)"
	mkbundle
	cfg '.process.terminal = true'
	set_sh 'tty; exit 5'
	local cmd
	if [ "$MODE" = user ] && [ "$IS_ROOT" = 1 ]; then
		cmd="setpriv --reuid=$TEST_USER --regid=$TEST_USER --init-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp XDG_RUNTIME_DIR= "
	else
		cmd=""
	fi
	# (--foreground: stay in the terminal's foreground process group)
	cmd+="timeout --foreground 20 $OCIRUN --root $( [ "$MODE" = user ] && echo "$STATE_user" || echo "$STATE_root") ${OCIRUN_FLAGS:-} run -b $B $ID"
	RC=0
	timeout 30 script -qefc "$cmd" /dev/null </dev/null >"$B/out" 2>"$B/err" 9>&- || RC=$?
	OUT=$(tr -d '\r' <"$B/out") ERR=$(cat "$B/err")
	rm_ctr
	# (script may echo a ^D for the EOF on its stdin before the output)
	grep -qE '/dev/(pts/[0-9]+|console)$' <<<"$OUT" || nope "tty output: $OUT $ERR"
	expect_rc 5 "exit status through script(1)"
}
run_test "terminal: foreground run under script(1)" t_run_under_script root user
