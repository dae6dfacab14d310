#!/bin/bash
# process.scheduler, process.ioPriority, process.execCPUAffinity and
# linux.memoryPolicy, read back from inside the container.
. "$(dirname "$0")/../lib.sh"

t_scheduler() {
	mkbundle
	cfg '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	sh_ok 'sed -n "s/^policy *: *//p" /proc/self/sched; cut -d" " -f19 /proc/self/stat'
	expect_eq "policy (3 = SCHED_BATCH) and nice" "$OUT" "3
7"
}
run_test "process.scheduler sets the policy and nice value" t_scheduler root user

t_io_priority() {
	mkbundle
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	# ionice is not in busybox: the ioprio of the process is in no proc
	# file either, so a static helper reads it with ioprio_get
	local h
	h=$(helper ioprio) || skipt "no ioprio helper"
	cp "$h" "$B/rootfs/bin/ioprio"
	own "$B/rootfs/bin/ioprio"
	set_args /bin/ioprio
	run_ctr
	expect_ok run
	expect_eq "class and level" "$OUT" "class=2 level=6"
}
run_test "process.ioPriority sets the I/O class and level" t_io_priority root user

t_cpu_affinity() {
	[ "$(nproc)" -ge 2 ] || skipt "needs 2 CPUs"
	mkbundle
	cfg '.process.execCPUAffinity = {"initial": "0", "final": "1"}'
	sh_ok 'sed -n "s/^Cpus_allowed_list:\t*//p" /proc/self/status'
	expect_eq "CPUs" "$OUT" "1"
}
run_test "process.execCPUAffinity pins the process" t_cpu_affinity root user

t_bad_cpu_list() {
	mkbundle
	cfg '.process.execCPUAffinity = {"final": "1-"}'
	set_sh 'echo ran'
	run_ctr
	expect_fail "a malformed CPU list"
	grep -q 'process.execCPUAffinity.final' <<<"$ERR" || nope "error does not name the path: $ERR"
}
run_test "a malformed CPU list is an error naming its path" t_bad_cpu_list root

t_memory_policy() {
	[ -e /proc/self/numa_maps ] || skipt "kernel without NUMA (no /proc/PID/numa_maps)"
	mkbundle
	cfg '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	sh_ok 'grep -c " bind:0 " /proc/self/numa_maps'
	[ "$OUT" -gt 0 ] 2>/dev/null || nope "no bind:0 mapping in numa_maps: $OUT"
}
run_test "linux.memoryPolicy applies to the container's processes" t_memory_policy root user
