/*
 * oldkernel CMD [ARG...]: run CMD as if on Linux 4.14, the oldest vendor
 * kernel boards ship: every syscall the kernel gained since (io_pgetevents
 * and rseq in 4.18, then clone3, openat2, close_range, pidfd_*, the mount
 * API, mount_setattr, faccessat2, ...) fails with ENOSYS, as it would
 * there.  test/run.sh runs part of the integration suite with the runtime
 * under it, so that every fallback is exercised (crun's CI does the same
 * for openat2).
 *
 * The filter is inherited by all the runtime starts, the container
 * included.  As root it is loaded without no_new_privs (CAP_SYS_ADMIN
 * allows that), so the container sees the privileges it would; a user
 * must set no_new_privs first.  x86_64 only (syscall 333 is the first
 * after 4.14 there); elsewhere it says so and exits 77.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FIRST_AFTER_4_14 333 /* x86_64: io_pgetevents (4.18) */

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: oldkernel CMD [ARG...]\n");
		return 2;
	}
#ifndef __x86_64__
	fprintf(stderr, "oldkernel: only x86_64 is described here\n");
	return 77;
#else
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), /* (i386 and x32 as they are) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, FIRST_AFTER_4_14, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("oldkernel: no_new_privs");
		return 1;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("oldkernel: load the filter");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("oldkernel: exec");
	return 127;
#endif
}
