/*
 * bare: the syscalls a container start cannot do without, and nothing
 * else: clone into new namespaces, id maps (with -u), a bind of the
 * rootfs, proc, pivot_root, exec.  The benchmark compares the runtimes
 * with this floor.
 *   bare [-u] ROOTFS PROGRAM
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char *what)
{
	perror(what);
	_exit(1);
}

static void write_map(pid_t pid, const char *file, unsigned id)
{
	char path[64], line[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY);
	int n = snprintf(line, sizeof line, "0 %u 1\n", id);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		fail(path);
	close(fd);
}

int main(int argc, char **argv)
{
	int user = argc > 1 && !strcmp(argv[1], "-u");
	if (argc != 3 + user) {
		fprintf(stderr, "usage: bare [-u] ROOTFS PROGRAM\n");
		return 2;
	}
	const char *rootfs = argv[1 + user], *prog = argv[2 + user];
	int p[2];
	if (pipe(p) < 0)
		fail("pipe");
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
			      (user ? CLONE_NEWUSER : CLONE_NEWCGROUP);
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		fail("clone");
	if (pid == 0) {
		char c, proc[4096];
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
		    mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
			fail("bind rootfs");
		snprintf(proc, sizeof proc, "%s/proc", rootfs);
		if (mount("proc", proc, "proc", 0, NULL) < 0)
			fail("mount proc");
		if (chdir(rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
		    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
			fail("pivot_root");
		execl(prog, prog, (char *)NULL);
		fail("exec");
	}
	close(p[0]);
	if (user) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
		int fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "deny", 4) != 4)
			fail(path);
		close(fd);
		write_map(pid, "uid_map", (unsigned)geteuid());
		write_map(pid, "gid_map", (unsigned)getegid());
	}
	if (write(p[1], "g", 1) != 1)
		fail("write");
	int st;
	if (waitpid(pid, &st, 0) < 0)
		fail("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
