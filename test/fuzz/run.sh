#!/bin/bash
# run.sh FUZZER OCIRUN UNIT -- fresh seeds (seeds.sh), then each fuzz target
# (config, state, seccomp: links to FUZZER) for FUZZ_TIME / 3 seconds, one
# after the other.  Environment (the Makefile passes its own):
#   FUZZ_TIME     seconds for all three together (default 60)
#   FUZZ_MAX_LEN  bytes an input may have (default 65536: configs are small)
#   FUZZ_TIMEOUT  seconds an input may take (default 10)
#   FUZZ_TARGETS  which targets (default "config state seccomp")
# The corpora in DIR/corpus/TARGET (DIR: FUZZER's directory) grow from one
# run to the next; what a target found is in DIR/TARGET-crash-* (and -leak-,
# -timeout-, -oom-), its log in DIR/TARGET.log.  Exit 1 on any crash, leak,
# timeout or sanitizer report.
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: $0 FUZZER OCIRUN UNIT" >&2; exit 2; }
FUZZER=$1
DIR=$(dirname "$FUZZER")
TIME=${FUZZ_TIME:-60}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
TIMEOUT=${FUZZ_TIMEOUT:-10}
TARGETS=${FUZZ_TARGETS:-config state seccomp}

SEED_MAX_BYTES=$MAX_LEN "$(dirname "$0")/seeds.sh" "$DIR" "$2" "$3" || exit 1
t=$((TIME / $(wc -w <<<"$TARGETS")))
[ "$t" -ge 1 ] || t=1
for target in $TARGETS; do
	log=$DIR/$target.log
	mkdir -p "$DIR/corpus/$target"
	rm -f "$DIR/$target"-{crash,leak,timeout,oom,slow-unit}-*
	"$DIR/$target" -max_total_time="$t" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -detect_leaks=1 \
		-dict="$DIR/ocirun.dict" -print_final_stats=1 -artifact_prefix="$DIR/$target-" \
		"$DIR/corpus/$target" "$DIR/seeds/$target" >"$log" 2>&1
	rc=$?
	# "#123 DONE cov: 1 ft: 2 corp: 3/4Kb ...", "stat::number_of_executed_units: 123"
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\/[^ ]*\).*/cov \1, ft \2, corpus \3/p' \
		<<<"$done_line")
	# an ASan/UBSan/LSan report without a crash would still be a finding
	if [ $rc -ne 0 ] || grep -qE '==[0-9]+==(ERROR|WARNING)|runtime error:|^SUMMARY: ' "$log"; then
		tail -n 60 "$log"
		echo "FAIL fuzz $target: exit $rc after ${runs:-?} runs; the input is in $DIR/$target-*, the log in $log"
		exit 1
	fi
	echo "ok fuzz $target: ${runs:-?} runs in $t s, ${cov:-no coverage line}; no crash, leak, timeout or report"
done
