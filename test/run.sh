#!/bin/bash
# test/run.sh - run the unit tests ($UNIT) and every test/integration/*.sh.
#
#   OCIRUN=./ocirun [UNIT=build/unit] [HELPERS=build/helpers] bash test/run.sh [FILE_PATTERN...]
#
# With patterns, only integration files whose name contains one of them run
# (e.g. `bash test/run.sh lifecycle hooks`).  Prints a last line
# "N passed, N failed, N skipped" and exits non-zero if anything failed.
#
# If OCIRUN_DEV (the ASan/UBSan build) is executable, the files in DEV_FILES
# (default "10-lifecycle 70-hostile"; "" to skip) run a second time with it,
# their results tagged "-dev"; OLDKERNEL_FILES run again with the runtime
# as on Linux 4.14 (tagged "-4.14").  SUITE_TIMEOUT / FILE_TIMEOUT bound
# the run.
# To validate the tests against a reference runtime:
#   OCIRUN=/usr/bin/runc DEV_FILES= bash test/run.sh
#   OCIRUN=/usr/bin/crun DEV_FILES= bash test/run.sh   (needs no cgroup v2
#   controllers on hybrid hosts; see test/lib.sh for OCIRUN_FLAGS)
set -u
TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$TEST_DIR")

: "${OCIRUN:=$REPO_DIR/ocirun}"
export OCIRUN
export OCIRUN_DEV=${OCIRUN_DEV:-}
export HELPERS=${HELPERS:-$REPO_DIR/build/helpers}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900} # whole integration suite, seconds (the podman and
                                     # containerd files add ~90 s; the suite took 4.5 min with them)
FILE_TIMEOUT=${FILE_TIMEOUT:-300}   # one integration file, seconds

OCIRUN_TEST_TMP=$(mktemp -d /tmp/ocirun-test.XXXXXX)
chmod 755 "$OCIRUN_TEST_TMP"
OCIRUN_TEST_RESULTS=$OCIRUN_TEST_TMP/results
: >"$OCIRUN_TEST_RESULTS"
export OCIRUN_TEST_TMP OCIRUN_TEST_RESULTS

cleanup() {
	# remove the test user if one of the files created it
	# (not while another test run on this machine may still use it)
	if [ -f "$OCIRUN_TEST_TMP/created-user" ] &&
		[ -z "$(find /tmp -maxdepth 1 -name 'ocirun-test.*' ! -path "$OCIRUN_TEST_TMP" -print -quit)" ]; then
		userdel "$(cat "$OCIRUN_TEST_TMP/created-user")" >/dev/null 2>&1 || true
		rm -f /var/tmp/ocirun-test-user.created
	fi
	# never rm -rf through a leaked mount
	local m
	for m in $(awk -v d="$OCIRUN_TEST_TMP" 'index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	[ "${OCIRUN_TEST_KEEP:-0}" = 1 ] || rm -rf --one-file-system "$OCIRUN_TEST_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

UP=0 UF=0 US=0
# ---- unit tests
if [ -n "${UNIT:-}" ] && [ -x "$UNIT" ] && [ $# = 0 ]; then
	echo "== unit: $UNIT"
	urc=0
	timeout -k 5 120 "$UNIT" </dev/null >"$OCIRUN_TEST_TMP/unit.out" 2>&1 || urc=$?
	cat "$OCIRUN_TEST_TMP/unit.out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$OCIRUN_TEST_TMP/unit.out" | tail -n 1)
	if [ -n "$line" ]; then
		UP=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		UF=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		US=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
		US=${US:-0}
		if [ "$urc" != 0 ] && [ "$UF" = 0 ]; then
			echo "FAIL unit: exited with status $urc"
			UF=1
		fi
	else
		echo "FAIL unit: no summary line (exit status $urc)"
		UF=1
	fi
elif [ -n "${UNIT:-}" ] && [ $# = 0 ]; then
	echo "== unit: $UNIT not found, skipped"
fi

# ---- reproducible builds: the tree built in two directories, the same bytes
# (REPRO=0 skips; needs git and make, ~30 s)
RP=0 RF=0 RS=0
if [ $# = 0 ] && [ "${REPRO:-1}" = 1 ] && [ -x "$TEST_DIR/repro.sh" ] && command -v git >/dev/null &&
	git -C "$REPO_DIR" rev-parse >/dev/null 2>&1; then
	echo "== reproducible build"
	"$TEST_DIR/repro.sh" >"$OCIRUN_TEST_TMP/repro.out" 2>&1
	cat "$OCIRUN_TEST_TMP/repro.out"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$OCIRUN_TEST_TMP/repro.out" | tail -n 1)
	if [ -n "$line" ]; then
		read -r RP _ RF _ RS _ <<<"$line"
	else
		echo "FAIL repro: no summary line"
		RF=1
	fi
fi

# ---- integration tests
echo "== integration: OCIRUN=$OCIRUN"
start=$(date +%s)
for f in "$TEST_DIR"/integration/*.sh; do
	[ -e "$f" ] || continue
	if [ $# -gt 0 ]; then
		sel=0
		for p in "$@"; do [[ $(basename "$f") == *"$p"* ]] && sel=1; done
		[ $sel = 1 ] || continue
	fi
	now=$(date +%s)
	left=$((SUITE_TIMEOUT - (now - start)))
	if [ $left -le 0 ]; then
		echo "FAIL $(basename "$f" .sh): not run, suite time limit (${SUITE_TIMEOUT}s) reached"
		echo fail >>"$OCIRUN_TEST_RESULTS"
		continue
	fi
	[ $left -gt "$FILE_TIMEOUT" ] && left=$FILE_TIMEOUT
	echo "-- $(basename "$f")"
	fails_before=$(grep -c '^fail' "$OCIRUN_TEST_RESULTS")
	frc=0
	timeout -k 10 "$left" bash "$f" </dev/null || frc=$?
	if [ $frc = 124 ] || [ $frc = 137 ]; then
		echo "FAIL $(basename "$f" .sh): timed out after ${left}s"
		echo fail >>"$OCIRUN_TEST_RESULTS"
	elif [ $frc != 0 ] && [ "$(grep -c '^fail' "$OCIRUN_TEST_RESULTS")" = "$fails_before" ]; then
		echo "FAIL $(basename "$f" .sh): exited with status $frc"
		echo fail >>"$OCIRUN_TEST_RESULTS"
	fi
done

# ---- second passes over some files, with another runtime: their results
# are tagged (TAG) and count like the others.
second_pass() { # TAG RUNTIME FILES...
	local tag=$1 runtime=$2 p f q sel now left frc fails_before
	shift 2
	for p in "$@"; do
		f=$TEST_DIR/integration/$p.sh
		[ -e "$f" ] || continue
		if [ ${#PATTERNS[@]} -gt 0 ]; then
			sel=0
			for q in "${PATTERNS[@]}"; do [[ $p == *"$q"* ]] && sel=1; done
			[ $sel = 1 ] || continue
		fi
		now=$(date +%s)
		left=$((SUITE_TIMEOUT - (now - start)))
		if [ $left -le 0 ]; then
			echo "FAIL $p-$tag: not run, suite time limit (${SUITE_TIMEOUT}s) reached"
			echo fail >>"$OCIRUN_TEST_RESULTS"
			continue
		fi
		[ $left -gt "$FILE_TIMEOUT" ] && left=$FILE_TIMEOUT
		echo "-- $p.sh with OCIRUN=$runtime"
		fails_before=$(grep -c '^fail' "$OCIRUN_TEST_RESULTS")
		frc=0
		OCIRUN=$runtime OCIRUN_TEST_TAG=$tag timeout -k 10 "$left" bash "$f" </dev/null || frc=$?
		if [ $frc = 124 ] || [ $frc = 137 ]; then
			echo "FAIL $p-$tag: timed out after ${left}s"
			echo fail >>"$OCIRUN_TEST_RESULTS"
		elif [ $frc != 0 ] && [ "$(grep -c '^fail' "$OCIRUN_TEST_RESULTS")" = "$fails_before" ]; then
			echo "FAIL $p-$tag: exited with status $frc"
			echo fail >>"$OCIRUN_TEST_RESULTS"
		fi
	done
}
PATTERNS=("$@")

# the sanitizer build over the files that feed the runtime the most varied
# input (DEV_FILES="" skips)
DEV_FILES=${DEV_FILES-"10-lifecycle 70-hostile"}
if [ -n "$OCIRUN_DEV" ] && [ -x "$OCIRUN_DEV" ] && [ -n "$DEV_FILES" ]; then
	# shellcheck disable=SC2086
	second_pass dev "$OCIRUN_DEV" $DEV_FILES
fi

# as on Linux 4.14: every syscall newer than that fails with ENOSYS
# (test/helpers/oldkernel.c), so that each fallback of the runtime runs,
# root and rootless (OLDKERNEL_FILES="" skips)
OLDKERNEL_FILES=${OLDKERNEL_FILES-"10-lifecycle 30-mounts 50-rootless 75-escape"}
if [ -n "$OLDKERNEL_FILES" ]; then
	if [ -x "$HELPERS/oldkernel" ] && "$HELPERS/oldkernel" true 2>/dev/null; then
		w=$OCIRUN_TEST_TMP/ocirun-4.14
		printf '#!/bin/bash\nexec %q %q "$@"\n' "$HELPERS/oldkernel" "$OCIRUN" >"$w"
		chmod 755 "$w"
		# (the binary and the wrapper for the tests that run a copy of
		# the binary itself: 75-escape.sh's)
		export OCIRUN_BIN=$OCIRUN OCIRUN_WRAP=$HELPERS/oldkernel
		# shellcheck disable=SC2086
		second_pass 4.14 "$w" $OLDKERNEL_FILES
		unset OCIRUN_BIN OCIRUN_WRAP
	else
		echo "SKIP the 4.14 pass: $HELPERS/oldkernel cannot run here (x86_64 only)"
		echo skip >>"$OCIRUN_TEST_RESULTS"
	fi
fi

P=$(grep -c '^pass' "$OCIRUN_TEST_RESULTS")
F=$(grep -c '^fail' "$OCIRUN_TEST_RESULTS")
S=$(grep -c '^skip' "$OCIRUN_TEST_RESULTS")
P=$((P + UP + RP)) F=$((F + UF + RF)) S=$((S + US + RS))
echo "$P passed, $F failed, $S skipped"
[ "$F" = 0 ]
