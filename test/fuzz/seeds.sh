#!/bin/bash
# seeds.sh OUT OCIRUN UNIT -- make the fuzz targets' seed corpora and
# dictionary anew (nothing generated is kept in git), from:
#   OUT/seeds/config   the runtime-spec's test configs, good and bad (from
#                      $SPEC_DIR, else ../shared/spec beside the tree; a
#                      clone without it goes on without them), the test
#                      suite's base config and each one-line jq edit that
#                      test/integration/*.sh makes to it, every document the
#                      unit tests parse (UNIT, run with UNIT_SEED_DIR), and
#                      `OCIRUN spec` and `OCIRUN spec --rootless`
#   OUT/seeds/seccomp  those of them with a linux.seccomp, and the base
#                      config with each rule of 85-seccomp.sh
#   OUT/seeds/state    the spec's test states, those the unit tests parse,
#                      and states like those ocirun writes
#   OUT/ocirun.dict    the JSON names and values of runtime.c's field and
#                      enum tables, quoted, and JSON's own tokens
# Files larger than SEED_MAX_BYTES (default 65536, the fuzzers' -max_len)
# are left out: libFuzzer would only cut them short.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 OUT OCIRUN UNIT" >&2; exit 2; }
cd "$(dirname "$0")/../.."
OUT=$1 OCIRUN=$(realpath "$2") UNIT=$(realpath "$3")
MAX=${SEED_MAX_BYTES:-65536}
S=$OUT/seeds
rm -rf "$S"
mkdir -p "$S/config" "$S/seccomp" "$S/state"
# seed KIND: stdin, unless empty, becomes a seed of corpus KIND named
# by its SHA-1 (as libFuzzer names its own; the same seed twice is one)
seed() {
	local t=$S/$1/.new
	cat >"$t"
	if [ -s "$t" ]; then mv "$t" "$S/$1/$(sha1sum <"$t" | cut -c1-40)"; else rm -f "$t"; fi
}

spec=${SPEC_DIR:-../shared/spec}
for kind in config state; do
	for f in "$spec"/schema/test/$kind/good/*.json "$spec"/schema/test/$kind/bad/*.json; do
		[ -f "$f" ] && seed $kind <"$f"
	done
done
[ -d "$spec/schema/test" ] || echo "seeds.sh: no $spec/schema/test: going on without the spec's configs" >&2

# the base config of test/lib.sh, and the edits the integration tests make
base=$(sed -n '/^base_config_root() {/,/^EOF$/p' test/lib.sh | sed '1,2d;$d')
jq -e . >/dev/null <<<"$base" || { echo "seeds.sh: cannot read base_config_root in test/lib.sh" >&2; exit 1; }
seed config <<<"$base"
sed -n "s/^[[:space:]]*cfg '\([^']*\)'[[:space:]]*$/\1/p" test/integration/*.sh |
	while IFS= read -r filter; do
		jq "$filter" <<<"$base" 2>/dev/null | seed config || true
	done
mkdir_names='"names": ["mkdir", "mkdirat"]'
sed -n 's/^[[:space:]]*sec \(SCMP_ACT_[A-Z_]*\) "\(.*\)"$/\1 \2/p' test/integration/85-seccomp.sh |
	while read -r action rules; do
		rules=${rules//\\\"/\"}
		rules=${rules//\$MKDIR/$mkdir_names}
		case $rules in *'$'*) continue ;; esac
		jq --arg a "$action" --argjson r "$rules" '.linux.seccomp = {"defaultAction": $a, "syscalls": $r}' \
			<<<"$base" 2>/dev/null | seed seccomp || true
	done

# profiles with what the tests above lack: every operator, args on one
# index (OR) and on several (AND), architectures, flags, a listener
seed seccomp < <(jq '.linux.seccomp = {
	"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
	"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"],
	"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
	"listenerPath": "/run/listener.sock", "listenerMetadata": "meta",
	"syscalls": [
	  {"names": ["read", "write", "openat", "close", "execve", "exit_group", "brk", "mmap"],
	   "action": "SCMP_ACT_ALLOW"},
	  {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	   "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
	   "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
	  {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
	   "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
	  {"names": ["socket"], "action": "SCMP_ACT_ERRNO",
	   "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_NE"}, {"index": 2, "value": 9, "op": "SCMP_CMP_LT"}]},
	  {"names": ["setns"], "action": "SCMP_ACT_TRAP",
	   "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_GE"}, {"index": 3, "value": 1, "op": "SCMP_CMP_GT"},
	            {"index": 4, "value": 5, "op": "SCMP_CMP_LE"}]},
	  {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"},
	  {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"},
	  {"names": ["uname"], "action": "SCMP_ACT_LOG"},
	  {"names": ["mount"], "action": "SCMP_ACT_TRACE", "errnoRet": 1},
	  {"names": ["reboot"], "action": "SCMP_ACT_KILL_THREAD"}]}' <<<"$base")
seed seccomp < <(jq '.linux.seccomp = {"defaultAction": "SCMP_ACT_KILL",
	"syscalls": [{"names": ["read", "write", "exit"], "action": "SCMP_ACT_ALLOW"}]}' <<<"$base")

# every document the unit tests parse (their output is not ours to judge)
UNIT_SEED_DIR=$S "$UNIT" >/dev/null 2>&1 || echo "seeds.sh: $UNIT failed; its seeds may be incomplete" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/root" "$tmp/rootless"
"$OCIRUN" spec -b "$tmp/root" && seed config <"$tmp/root/config.json"
"$OCIRUN" spec --rootless -b "$tmp/rootless" && seed config <"$tmp/rootless/config.json"

# states like those state_save writes, for a root and a rootless container
seed state <<'EOF'
{"ociVersion":"1.3.0","id":"c1","status":"created","pid":4242,"bundle":"/run/b","annotations":{"org.test":"x"},"created":"2026-12-04T10:00:00.000000000Z","owner":"0","pidStartTime":123456,"pidNamespace":4026532210,"mountNamespace":4026532208,"rootless":false,"cgroupPath":"/sys/fs/cgroup/ocirun/c1"}
EOF
seed state <<'EOF'
{"ociVersion":"1.3.0","id":"my_container-1.2+x","status":"created","pid":1,"bundle":"/home/u/b","annotations":{},"created":"2026-12-04T10:00:00Z","owner":"1000","pidStartTime":9,"rootless":true}
EOF

grep -l '"seccomp"' "$S"/config/* | while read -r f; do cp "$f" "$S/seccomp/${f##*/}"; done || true
find "$S" -type f -size +"$MAX"c -delete

# the dictionary: names in the tables of sections 4, 5 and 9 of runtime.c
{
	printf '%s\n' '"{"' '"}"' '"["' '"]"' '":"' '","' '"\""' '"true"' '"false"' '"null"' \
		'"\\u"' '"\\ud800\\udc00"' '"-1"' '"1e9"' '"18446744073709551615"' '"4294967295"'
	awk '/=== 4\. config/,/=== 6\. hooks/; /=== 9\. seccomp/,/^static unsigned seccomp_load_flags/' runtime.c |
		grep -o '"[A-Za-z_][A-Za-z0-9_.]*"' | sort -u | sed 's/^"\(.*\)"$/"\\"\1\\""/'
} >"$OUT/ocirun.dict"

for k in config seccomp state; do
	printf 'seeds: %s %d\n' $k "$(find "$S/$k" -type f | wc -l)"
done
