/*
 * getfilter PID: write the raw BPF of the first seccomp filter of PID to
 * stdout, as the kernel holds it (PTRACE_SECCOMP_GET_FILTER; root only).
 * Tests compare it with what seccomp_gen wrote for the same profile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: getfilter PID\n");
		return 2;
	}
	pid_t pid = atoi(argv[1]);
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
		perror("getfilter: attach");
		return 1;
	}
	waitpid(pid, NULL, __WALL);
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);
	if (n <= 0) {
		perror("getfilter: no filter");
		return 1;
	}
	struct sock_filter *f = calloc((size_t)n, sizeof *f);
	if (!f || ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, f) != n) {
		perror("getfilter: read filter");
		return 1;
	}
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return fwrite(f, sizeof *f, (size_t)n, stdout) == (size_t)n ? 0 : 1;
}
