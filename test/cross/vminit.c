/*
 * vminit.c - PID 1 of the check-cross test VMs, and the checker that runs
 * inside their containers.  Static, built per target with the same musl
 * toolchain as ocirun (make ARCH=... cross-test-bins -> build/ARCH/vminit).
 *
 * As PID 1 (the initramfs's /init, built by test/cross/run.sh):
 *   mounts /proc /sys /dev /tmp /run, prints what the kernel offers, then
 *   for each bundle /bundles/MODE (root, rootless, rootful) runs
 *       /bin/ocirun --debug --root /run/ocirun-MODE run -b /bundles/MODE c-MODE
 *   as root, or as uid/gid 1000 for "rootless", with a timeout, and prints
 *       RESULT arch=ARCH mode=MODE step=STEP ok|FAIL why
 *   for what it can see from outside: the exit code (42), the pivot_root
 *   fallback (an initramfs cannot be pivoted; ocirun's debug output says
 *   it moved the rootfs instead), and an empty state directory afterwards.
 *   Then the lifecycle (create, state, start, kill, delete) and, if
 *   /bundles/cgroup2 exists and the kernel was booted with
 *   cgroup_no_v1=all, the cgroup2 modes: cgroup2 mounted on
 *   /sys/fs/cgroup, a root container with memory/pids/cpu/device limits
 *   (checked inside and out, paused, resumed, updated, killed, deleted),
 *   resources whose controller the guest lacks, and uid 1000 in a
 *   delegated subtree (see run_cgroup2_modes).  Then it powers the machine
 *   off.  The kernel command line may carry ocirun.arch=NAME and
 *   ocirun.timeout=SECONDS (per ocirun command).
 *
 * As "check ARCH MODE UIDMAP ERRNO HOSTNAME EXIT" (the container's process,
 * /check in the bundle's rootfs): checks the container from inside (pid,
 * user, uts, net and mount namespaces, the rootfs, mounts, /dev/null, the
 * seccomp filter denying mkdir/mkdirat with ERRNO) and prints one RESULT
 * line per check, then exits with EXIT.  As "check cgroup2 ARCH MODE
 * MEMORY PIDS CPUMAX DEVICES": the container's cgroup as it sees it
 * (check_cgroup2_main), then it waits to be killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <dirent.h>

static const char *g_arch = "?", *g_mode = "?";
static int g_bad;

static void result(const char *step, int ok, const char *fmt, ...)
{
	char why[512] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, sizeof why, fmt, ap);
		va_end(ap);
	}
	if (!ok)
		g_bad++;
	printf("RESULT arch=%s mode=%s step=%s %s%s%s\n", g_arch, g_mode, step, ok ? "ok" : "FAIL",
	       why[0] ? " " : "", why);
	fflush(stdout);
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return (int)n;
}

/* collapse runs of blanks into one space, drop leading/trailing blanks */
static void squeeze(char *s)
{
	char *o = s;
	int sp = 0;
	for (char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			sp = o != s;
			continue;
		}
		if (sp)
			*o++ = ' ';
		sp = 0;
		*o++ = *p;
	}
	*o = 0;
}

/* === inside the container ============================================== */

/* The fstype of the mount at mount point mp, from /proc/self/mountinfo
 * (the last one mounted there wins); "" if none. */
static const char *mount_type(const char *mountinfo, const char *mp, char *out, size_t size)
{
	const char *line = mountinfo;
	out[0] = 0;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char l[1024];
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= sizeof l)
			len = sizeof l - 1;
		memcpy(l, line, len);
		l[len] = 0;
		/* id parent maj:min root mountpoint opts [optional...] - type source superopts */
		char *f[6] = { 0 };
		char *save, *t = strtok_r(l, " ", &save);
		for (int i = 0; t && i < 6; i++, t = strtok_r(NULL, " ", &save))
			f[i] = t;
		if (f[4] && !strcmp(f[4], mp)) {
			char *sep = strstr(line, " - ");
			if (sep && sep < (nl ? nl : line + strlen(line))) {
				sep += 3;
				size_t k = strcspn(sep, " \n");
				if (k >= size)
					k = size - 1;
				memcpy(out, sep, k);
				out[k] = 0;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return out;
}

static int check_main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: check ARCH MODE UIDMAP ERRNO HOSTNAME EXIT\n");
		return 2;
	}
	g_arch = argv[1];
	g_mode = argv[2];
	const char *want_map = argv[3];
	int want_errno = atoi(argv[4]);
	const char *want_host = argv[5];
	int exit_code = atoi(argv[6]);
	char buf[16384], s[256];

	result("started", 1, "pid=%d uid=%d", (int)getpid(), (int)getuid());

	/* pid namespace: pid 1 is the container's process, not the VM's init */
	char cmd1[256] = "";
	int n = read_file("/proc/1/cmdline", cmd1, sizeof cmd1);
	for (int i = 0; i < n - 1; i++)
		if (!cmd1[i])
			cmd1[i] = ' ';
	result("pidns", getpid() <= 2 && n > 0 && strcmp(cmd1, "/init"), "pid=%d /proc/1/cmdline='%s'",
	       (int)getpid(), cmd1);

	/* user namespace and ids */
	if (read_file("/proc/self/uid_map", buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "(unreadable: %s)", strerror(errno));
	squeeze(buf);
	char want[256];
	snprintf(want, sizeof want, "%s", want_map);
	squeeze(want);
	result("userns", !strcmp(buf, want), "uid_map='%s' want='%s'", buf, want);
	result("uid", getuid() == 0 && getgid() == 0, "uid=%d gid=%d", (int)getuid(), (int)getgid());

	/* uts namespace */
	if (gethostname(s, sizeof s) < 0)
		snprintf(s, sizeof s, "(%s)", strerror(errno));
	result("uts", !strcmp(s, want_host), "hostname=%s", s);

	/* the bundle's rootfs is / ; the VM's initramfs is not visible */
	int marker = access("/etc/ocirun-bundle", F_OK) == 0;
	int vminit = access("/init", F_OK) == 0 || access("/bundles", F_OK) == 0;
	result("rootfs", marker && !vminit, "marker=%d vm-root-visible=%d", marker, vminit);

	/* mounts, as the container sees them */
	if (read_file("/proc/self/mountinfo", buf, sizeof buf) < 0) {
		result("mounts", 0, "/proc/self/mountinfo: %s", strerror(errno));
	} else {
		static const char *const want_mnt[][2] = {
			{ "/", "" }, { "/proc", "proc" }, { "/dev", "tmpfs" }, { "/dev/pts", "devpts" },
			{ "/dev/shm", "tmpfs" }, { "/dev/mqueue", "mqueue" }, { "/sys", "sysfs" },
			{ "/tmp", "tmpfs" },
		};
		char t[64], got[512] = "";
		int ok = 1;
		for (size_t i = 0; i < sizeof want_mnt / sizeof want_mnt[0]; i++) {
			mount_type(buf, want_mnt[i][0], t, sizeof t);
			int good = t[0] && (!want_mnt[i][1][0] || !strcmp(t, want_mnt[i][1]));
			ok &= good;
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%s", i ? " " : "", want_mnt[i][0],
				 t[0] ? t : "none");
		}
		/* maskedPaths and readonlyPaths */
		struct stat st;
		int kcore_masked = stat("/proc/kcore", &st) < 0 || st.st_size == 0;
		struct statvfs sv;
		int sys_ro = statvfs("/proc/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY);
		ok &= kcore_masked && sys_ro;
		result("mounts", ok, "%s kcore-masked=%d proc-sys-ro=%d", got, kcore_masked, sys_ro);
		printf("mountinfo (%s):\n%s", g_mode, buf);
		fflush(stdout);
	}

	/* /dev/null is the real device */
	struct stat st;
	int dn = stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
		 minor(st.st_rdev) == 3;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dn = dn && fd >= 0 && write(fd, "x", 1) == 1;
	if (fd >= 0)
		close(fd);
	result("devnull", dn, NULL);

	/* network namespace: only lo */
	if (read_file("/proc/net/dev", buf, sizeof buf) < 0) {
		result("netns", 0, "/proc/net/dev: %s", strerror(errno));
	} else {
		int ifs = 0, lo = 0;
		for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
			char *c = strchr(l, ':');
			if (!c)
				continue;
			ifs++;
			while (*l == ' ')
				l++;
			if (!strncmp(l, "lo:", 3))
				lo = 1;
		}
		result("netns", ifs == 1 && lo, "interfaces=%d lo=%d", ifs, lo);
	}

	/* seccomp: mkdir and mkdirat fail with the chosen errno, creating a
	 * file still works, and the kernel says a filter is installed */
	errno = 0;
	int m1 = mkdir("/tmp/denied", 0755), e1 = errno;
	errno = 0;
	int m2 = mkdirat(AT_FDCWD, "/tmp/denied-at", 0755), e2 = errno;
	fd = open("/tmp/allowed", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	int created = fd >= 0;
	if (fd >= 0)
		close(fd);
	int mode = -1;
	if (read_file("/proc/self/status", buf, sizeof buf) > 0) {
		char *p = strstr(buf, "\nSeccomp:");
		if (p)
			mode = atoi(p + 9);
	}
	result("seccomp",
	       m1 < 0 && e1 == want_errno && m2 < 0 && e2 == want_errno && created && mode == 2,
	       "mkdir=%d errno=%d mkdirat=%d errno=%d want=%d (%s) open(O_CREAT)=%s Seccomp=%d", m1, e1, m2, e2,
	       want_errno, strerror(want_errno), created ? "ok" : strerror(errno), mode);

	printf("CHECK-DONE arch=%s mode=%s failures=%d\n", g_arch, g_mode, g_bad);
	fflush(stdout);
	return exit_code;
}

/* the contents of a small file without its trailing newline; on an error
 * "(strerror)" and -1 */
static int read_value(const char *path, char *buf, size_t size)
{
	int n = read_file(path, buf, size);
	if (n < 0) {
		snprintf(buf, size, "(%s)", strerror(errno));
		return -1;
	}
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return n;
}

/*
 * "check cgroup2 ARCH MODE MEMORY PIDS CPUMAX DEVICES": the container's
 * cgroup as it sees it through its cgroup namespace and its cgroup mount
 * at /sys/fs/cgroup: memory.max, pids.max, cpu.max (CPUMAX "-": not
 * checked), /proc/self/cgroup "0::/", and with DEVICES 1 the device rules
 * (deny all, allow c 1:11 r): the default devices stay usable, kmsg made
 * with mknod opens for reading only.  Then it waits to be killed.
 */
static int check_cgroup2_main(int argc, char **argv)
{
	if (argc < 8) {
		fprintf(stderr, "usage: check cgroup2 ARCH MODE MEMORY PIDS CPUMAX DEVICES\n");
		return 2;
	}
	g_arch = argv[2];
	g_mode = argv[3];
	const char *want_mem = argv[4], *want_pids = argv[5], *want_cpu = argv[6];
	int devices = atoi(argv[7]);
	char v[256], info[16384], t[64];

	read_value("/sys/fs/cgroup/memory.max", v, sizeof v);
	result("memory", !strcmp(v, want_mem), "memory.max=%s want %s", v, want_mem);
	read_value("/sys/fs/cgroup/pids.max", v, sizeof v);
	result("pids", !strcmp(v, want_pids), "pids.max=%s want %s", v, want_pids);
	if (strcmp(want_cpu, "-")) {
		read_value("/sys/fs/cgroup/cpu.max", v, sizeof v);
		result("cpu", !strcmp(v, want_cpu), "cpu.max='%s' want '%s'", v, want_cpu);
	}
	read_value("/proc/self/cgroup", v, sizeof v);
	result("cgroupns", !strcmp(v, "0::/"), "/proc/self/cgroup='%s' want '0::/'", v);
	if (read_file("/proc/self/mountinfo", info, sizeof info) < 0)
		info[0] = 0;
	mount_type(info, "/sys/fs/cgroup", t, sizeof t);
	read_value("/sys/fs/cgroup/cgroup.controllers", v, sizeof v);
	result("cgroupfs", !strcmp(t, "cgroup2"), "/sys/fs/cgroup is %s, cgroup.controllers='%s'", t[0] ? t : "none",
	       v);

	if (devices) {
		char c[16];
		errno = 0;
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC), e = errno;
		ssize_t w = fd >= 0 ? write(fd, "x", 1) : -1, r = fd >= 0 ? read(fd, c, sizeof c) : -1;
		if (fd >= 0)
			close(fd);
		result("dev-null", fd >= 0 && w == 1 && r == 0, "open(O_RDWR)=%s write=%zd read=%zd",
		       fd >= 0 ? "ok" : strerror(e), w, r);
		/* the devices every container has stay usable under deny-all */
		errno = 0;
		fd = open("/dev/zero", O_RDONLY | O_CLOEXEC), e = errno;
		if (fd >= 0)
			close(fd);
		result("dev-zero", fd >= 0, "open(/dev/zero, O_RDONLY)=%s (a default device)", fd >= 0 ? "ok" : strerror(e));
		/* kmsg (c 1:11) is no default: the rules allow it for reading only */
		if (mknod("/dev/kmsg-test", S_IFCHR | 0600, makedev(1, 11)) < 0 && errno != EEXIST) {
			result("dev-kmsg", 0, "mknod: %s", strerror(errno));
		} else {
			errno = 0;
			int wfd = open("/dev/kmsg-test", O_WRONLY | O_CLOEXEC), we = errno;
			if (wfd >= 0)
				close(wfd);
			errno = 0;
			fd = open("/dev/kmsg-test", O_RDONLY | O_NONBLOCK | O_CLOEXEC), e = errno;
			if (fd >= 0)
				close(fd);
			result("dev-kmsg", wfd < 0 && we == EPERM && fd >= 0,
			       "open(O_WRONLY)=%s (want EPERM), open(O_RDONLY)=%s", wfd >= 0 ? "ok" : strerror(we),
			       fd >= 0 ? "ok" : strerror(e));
		}
	}
	printf("CHECK-DONE arch=%s mode=%s failures=%d\n", g_arch, g_mode, g_bad);
	fflush(stdout);
	for (;;)
		pause();
}

/* === PID 1 ============================================================== */

static double uptime(void)
{
	char b[64];
	if (read_file("/proc/uptime", b, sizeof b) <= 0)
		return -1;
	return atof(b);
}

/* value of NAME=... on the kernel command line */
static const char *cmdline_arg(const char *name, const char *def)
{
	static char cl[4096];
	static int have;
	if (!have) {
		if (read_file("/proc/cmdline", cl, sizeof cl) < 0)
			cl[0] = 0;
		have = 1;
	}
	size_t k = strlen(name);
	for (char *p = cl; (p = strstr(p, name));) {
		if ((p == cl || p[-1] == ' ') && p[k] == '=') {
			static char v[256];
			size_t n = strcspn(p + k + 1, " \n");
			if (n >= sizeof v)
				n = sizeof v - 1;
			memcpy(v, p + k + 1, n);
			v[n] = 0;
			return v;
		}
		p += k;
	}
	return def;
}

static void info(const char *what, const char *path)
{
	char b[512];
	if (read_file(path, b, sizeof b) < 0)
		snprintf(b, sizeof b, "(%s)", strerror(errno));
	squeeze(b);
	printf("VMINFO %s=%s\n", what, b);
}

static void reap_others(pid_t keep, int *keep_status, int *keep_done)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == keep) {
			*keep_status = st;
			*keep_done = 1;
		}
}

/*
 * Run ocirun for one bundle; its stderr (and the container's) comes back
 * through a pipe, is echoed and searched for the pivot_root fallback.
 */
static void run_mode(const char *mode, uid_t uid, int timeout)
{
	char root[64], bundle[64], id[64];
	snprintf(root, sizeof root, "/run/ocirun-%s", mode);
	snprintf(bundle, sizeof bundle, "/bundles/%s", mode);
	snprintf(id, sizeof id, "c-%s", mode);
	g_mode = mode;

	mkdir(root, 0700);
	if (uid && chown(root, uid, uid) < 0)
		perror("chown state dir");

	printf("=== %s: ocirun --debug --root %s run -b %s %s (uid %d), uptime %.2f\n", mode, root, bundle, id,
	       (int)uid, uptime());
	fflush(stdout);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		result("exit", 0, "pipe: %s", strerror(errno));
		return;
	}
	double t0 = uptime();
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (uid && (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)) {
			perror("drop privileges");
			_exit(126);
		}
		dup2(pfd[1], 2);
		if (chdir("/") < 0)
			_exit(126);
		char *const argv[] = { "ocirun", "--debug", "--root", root, "run", "-b", bundle, id, NULL };
		char *const envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", NULL };
		execve("/bin/ocirun", argv, envp);
		perror("execve /bin/ocirun");
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		result("exit", 0, "fork: %s", strerror(errno));
		return;
	}

	char line[2048], last_err[512] = "";
	size_t ll = 0;
	int saw_fallback = 0, saw_pivot = 0, eof = 0, done = 0, status = 0, timed_out = 0;
	time_t deadline = time(NULL) + timeout, done_at = 0;
	while (!done || !eof) {
		if (!eof) {
			struct pollfd p = { .fd = pfd[0], .events = POLLIN };
			int r = poll(&p, 1, 200);
			if (r > 0) {
				char c[512];
				ssize_t k = read(pfd[0], c, sizeof c);
				if (k <= 0) {
					eof = 1;
				} else {
					for (ssize_t i = 0; i < k; i++) {
						if (c[i] != '\n' && ll < sizeof line - 1) {
							line[ll++] = c[i];
							continue;
						}
						if (c[i] != '\n')
							continue;
						line[ll] = 0;
						printf("  stderr[%s]: %s\n", mode, line);
						if (strstr(line, "pivot_root"))
							saw_pivot = 1;
						if (!strstr(line, "debug: "))
							snprintf(last_err, sizeof last_err, "%.500s", line);
						if (strstr(line, "pivot_root") && strstr(line, "onto /"))
							saw_fallback = 1;
						ll = 0;
					}
					fflush(stdout);
				}
			}
		} else {
			usleep(20000);
		}
		reap_others(pid, &status, &done);
		if (done && !eof && !done_at)
			done_at = time(NULL);
		if (done_at && time(NULL) > done_at + 2)
			break;  /* ocirun exited; something else holds the pipe */
		if (time(NULL) > deadline) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
	}
	close(pfd[0]);
	if (timed_out) {
		result("exit", 0, "timed out after %d s", timeout);
		result("nopivot", 0, "timed out");
		result("cleanup", 0, "timed out");
		return;
	}
	double t1 = uptime();
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	result("exit", WIFEXITED(status) && code == 42, "exit code %d (want 42), %.2f s%s%s", code, t1 - t0,
	       code != 42 && last_err[0] ? "; last error: " : "", code != 42 ? last_err : "");
	result("nopivot", saw_fallback, saw_fallback ? NULL : saw_pivot ? "pivot_root, but no fallback message"
								    : "no pivot_root debug line");
	/* run deletes the container: nothing may be left in the state root */
	int left = 0;
	DIR *d = opendir(root);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				left++;
		closedir(d);
	}
	result("cleanup", d && !left, "%d entries left in %s", left, root);
}

/*
 * Run "/bin/ocirun ARGS..." (args: NULL-terminated), stdin /dev/null.  As
 * uid (0: root); cg_procs, if set, is the cgroup.procs file the process
 * moves itself into first, while still root.  Its stdout goes to out_fd if
 * that is >= 0 (a container it starts inherits it), else to a pipe with
 * its stderr; what the pipe brings is echoed with a prefix and kept in
 * out.  Returns the exit code, -1 on a timeout.
 */
static int ocirun_exec(const char *const *args, uid_t uid, const char *cg_procs, int out_fd, char *out, size_t size,
		       int timeout)
{
	const char *argv[24] = { "ocirun" };
	size_t na = 1;
	int pfd[2];
	size_t n = 0;
	out[0] = 0;
	printf("  $%s ocirun", uid ? " (uid 1000)" : "");
	for (; args[na - 1] && na < sizeof argv / sizeof argv[0] - 1; na++) {
		argv[na] = args[na - 1];
		printf(" %s", argv[na]);
	}
	argv[na] = NULL;
	printf("\n");
	fflush(stdout);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		char self[24];
		snprintf(self, sizeof self, "%d", (int)getpid());
		int fd = cg_procs ? open(cg_procs, O_WRONLY | O_CLOEXEC) : -1;
		if (cg_procs && (fd < 0 || write(fd, self, strlen(self)) < 0)) {
			dprintf(pfd[1], "vminit: move into %s: %s\n", cg_procs, strerror(errno));
			_exit(126);
		}
		if (uid && (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)) {
			dprintf(pfd[1], "vminit: drop privileges: %s\n", strerror(errno));
			_exit(126);
		}
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : pfd[1], 1);
		dup2(pfd[1], 2);
		char *const envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", NULL };
		execve("/bin/ocirun", (char *const *)argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -1;
	}
	int status = 0, done = 0, eof = 0;
	time_t deadline = time(NULL) + timeout;
	struct pollfd p = { .fd = pfd[0], .events = POLLIN };
	for (;;) {
		if (!eof && poll(&p, 1, 100) > 0) {
			ssize_t k = read(pfd[0], out + n, size - 1 - n);
			if (k <= 0)
				eof = 1;
			else
				n += (size_t)k;
			out[n] = 0;
			if (n + 1 >= size)
				eof = 1;
		} else if (eof) {
			usleep(20000);
		}
		reap_others(pid, &status, &done);
		if (done) {
			/* what it wrote is in the pipe; a process it left behind
			 * (a detached container) may hold the pipe open */
			while (!eof && poll(&p, 1, 0) > 0) {
				ssize_t k = read(pfd[0], out + n, size - 1 - n);
				if (k <= 0)
					eof = 1;
				else
					n += (size_t)k;
				out[n] = 0;
				if (n + 1 >= size)
					eof = 1;
			}
			break;
		}
		if (time(NULL) > deadline)
			break;
	}
	close(pfd[0]);
	for (char *l = out; *l;) {
		char *nl = strchr(l, '\n');
		printf("    | %.*s\n", nl ? (int)(nl - l) : (int)strlen(l), l);
		l = nl ? nl + 1 : l + strlen(l);
	}
	fflush(stdout);
	if (!done) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* "/bin/ocirun --root R A1..." as root, output kept in out */
static int ocirun_cmd(const char *root, char *out, size_t size, int timeout, const char *a1, const char *a2,
		      const char *a3, const char *a4, const char *a5)
{
	const char *args[] = { "--root", root, a1, a2, a3, a4, a5, NULL };
	return ocirun_exec(args, 0, NULL, -1, out, size, timeout);
}

/* the "status" of ocirun state's JSON output */
static const char *state_status(const char *json, char *buf, size_t size)
{
	const char *p = strstr(json, "\"status\"");
	buf[0] = 0;
	if (p && (p = strchr(p + 8, '"'))) {
		size_t k = strcspn(p + 1, "\"");
		if (k >= size)
			k = size - 1;
		memcpy(buf, p + 1, k);
		buf[k] = 0;
	}
	return buf[0] ? buf : "(none)";
}

/* create, state, start, state, kill, state, delete: as root, bundle
 * /bundles/lifecycle (its process only pauses) */
static void run_lifecycle(int timeout)
{
	const char *root = "/run/ocirun-lifecycle", *id = "c-life";
	char out[8192], st[32];
	int rc;
	g_mode = "lifecycle";
	mkdir(root, 0700);
	printf("=== lifecycle: create, start, kill, delete (uid 0), uptime %.2f\n", uptime());
	fflush(stdout);

	rc = ocirun_cmd(root, out, sizeof out, timeout, "create", "-b", "/bundles/lifecycle", id, NULL);
	result("create", rc == 0, "exit %d", rc);
	rc = ocirun_cmd(root, out, sizeof out, timeout, "state", id, NULL, NULL, NULL);
	result("state-created", rc == 0 && !strcmp(state_status(out, st, sizeof st), "created"), "exit %d status %s",
	       rc, state_status(out, st, sizeof st));
	rc = ocirun_cmd(root, out, sizeof out, timeout, "start", id, NULL, NULL, NULL);
	result("start", rc == 0, "exit %d", rc);
	rc = ocirun_cmd(root, out, sizeof out, timeout, "state", id, NULL, NULL, NULL);
	result("state-running", rc == 0 && !strcmp(state_status(out, st, sizeof st), "running"), "exit %d status %s",
	       rc, state_status(out, st, sizeof st));
	rc = ocirun_cmd(root, out, sizeof out, timeout, "kill", id, "KILL", NULL, NULL);
	result("kill", rc == 0, "exit %d", rc);
	/* the init was reparented to us: reap it, then the state must say so */
	const char *now = "?";
	for (int i = 0; i < 50; i++) {
		int dummy_status, dummy_done;
		usleep(100000);
		reap_others(-1, &dummy_status, &dummy_done);
		rc = ocirun_cmd(root, out, sizeof out, timeout, "state", id, NULL, NULL, NULL);
		now = state_status(out, st, sizeof st);
		if (rc != 0 || !strcmp(now, "stopped"))
			break;
	}
	result("state-stopped", rc == 0 && !strcmp(now, "stopped"), "exit %d status %s", rc, now);
	rc = ocirun_cmd(root, out, sizeof out, timeout, "delete", id, NULL, NULL, NULL);
	result("delete", rc == 0, "exit %d", rc);
	int left = 0;
	DIR *d = opendir(root);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				left++;
		closedir(d);
	}
	if (left) {  /* do not leave a paused container behind */
		ocirun_cmd(root, out, sizeof out, timeout, "delete", "--force", id, NULL, NULL);
	}
	result("cleanup", d && !left, "%d entries left in %s", left, root);
}

/* === cgroup2 =========================================================== */

#define CG "/sys/fs/cgroup"

/* whether word is one of the blank-separated words of list */
static int has_word(const char *list, const char *word)
{
	size_t k = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += k)
		if ((p == list || p[-1] == ' ') && (p[k] == ' ' || p[k] == '\n' || !p[k]))
			return 1;
	return 0;
}

static int write_value(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, v, strlen(v));
	int e = errno;
	close(fd);
	errno = e;
	return w == (ssize_t)strlen(v) ? 0 : -1;
}

/* "pid" of ocirun state's JSON output, 0 if none */
static int state_pid(const char *json)
{
	const char *p = strstr(json, "\"pid\"");
	return p && (p = strchr(p, ':')) ? atoi(p + 1) : 0;
}

/* ocirun's first message ("ocirun: ..."), cut at its newline; NULL if none */
static char *first_error(char *out)
{
	char *e = !strncmp(out, "ocirun:", 7) ? out : strstr(out, "\nocirun:");
	if (!e)
		return NULL;
	e += *e == '\n';
	e[strcspn(e, "\n")] = 0;
	return e;
}

static int dir_entries(const char *dir)
{
	int left = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			left++;
	closedir(d);
	return left;
}

/* chown -R uid:uid (cgroupfs: directories and files, no links) */
static int chown_tree(const char *path, uid_t uid)
{
	int bad = lchown(path, uid, uid) < 0;
	DIR *d = opendir(path);
	if (!d)
		return bad;
	struct dirent *e;
	while ((e = readdir(d))) {
		char sub[512];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		bad += e->d_type == DT_DIR ? chown_tree(sub, uid) : lchown(sub, uid, uid) < 0;
	}
	closedir(d);
	return bad;
}

/*
 * Echo the lines a container writes to fd (its stdout) until its
 * "CHECK-DONE" line, or timeout seconds: its RESULT lines as they are,
 * the rest with a prefix.  Returns 1 if CHECK-DONE came.
 */
static int container_lines(int fd, int timeout)
{
	char line[2048];
	size_t ll = 0;
	time_t deadline = time(NULL) + timeout;
	while (time(NULL) <= deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int dummy_status, dummy_done;
		reap_others(-1, &dummy_status, &dummy_done);
		if (poll(&p, 1, 200) <= 0)
			continue;
		char c[512];
		ssize_t k = read(fd, c, sizeof c);
		if (k <= 0)
			return 0;
		for (ssize_t i = 0; i < k; i++) {
			if (c[i] != '\n') {
				if (ll < sizeof line - 1)
					line[ll++] = c[i];
				continue;
			}
			line[ll] = 0;
			ll = 0;
			printf("%s%s\n", strncmp(line, "RESULT ", 7) ? "  container: " : "", line);
			fflush(stdout);
			if (!strncmp(line, "CHECK-DONE", 10))
				return 1;
		}
	}
	printf("  container: no CHECK-DONE line after %d s\n", timeout);
	return 0;
}

/* Wait (reaping what PID 1 inherits) until state says "stopped". */
static int wait_stopped(const char *const *state_args, uid_t uid, const char *cg_procs, char *out, size_t size,
			int timeout, char *st, size_t stsize)
{
	int rc = -1;
	snprintf(st, stsize, "?");
	for (int i = 0; i < 50; i++) {
		int dummy_status, dummy_done;
		usleep(100000);
		reap_others(-1, &dummy_status, &dummy_done);
		rc = ocirun_exec(state_args, uid, cg_procs, -1, out, size, timeout);
		state_status(out, st, stsize);
		if (rc != 0 || !strcmp(st, "stopped"))
			break;
	}
	return rc;
}

/*
 * A container whose resources need a controller the guest lacks (the
 * kernel command line has cgroup_disable=hugetlb,rdma): the run fails
 * with an error naming linux.resources.FIELD, and leaves neither state
 * nor cgroup behind.
 */
static void cg2_missing(const char *step, const char *ctrl, const char *field, const char *id, int timeout)
{
	char out[8192], bundle[64], cgdir[128], avail[512], want[64];
	const char *root = "/run/ocirun-cgroup2";
	snprintf(bundle, sizeof bundle, "/bundles/cgroup2-%s", ctrl);
	snprintf(cgdir, sizeof cgdir, CG "/ocirun-test/%s", id);
	snprintf(want, sizeof want, "linux.resources.%s", field);
	read_value(CG "/cgroup.controllers", avail, sizeof avail);
	if (has_word(avail, ctrl)) {
		result(step, 0, "the guest has the %s controller (cgroup.controllers '%s'): nothing to test", ctrl, avail);
		return;
	}
	const char *args[] = { "--root", root, "run", "-d", "-b", bundle, id, NULL };
	int rc = ocirun_exec(args, 0, NULL, -1, out, sizeof out, timeout);
	int named = strstr(out, want) != NULL, cg_left = access(cgdir, F_OK) == 0, st_left = dir_entries(root);
	char *err = first_error(out);
	result(step, rc > 0 && named && !cg_left && st_left == 0,
	       "exit %d, error names %s: %s, cgroup left: %d, state entries left: %d (no %s controller; %s)", rc, want,
	       named ? "yes" : "no", cg_left, st_left, ctrl, err ? err : "no error message");
	if (rc == 0) {
		const char *del[] = { "--root", root, "delete", "--force", id, NULL };
		ocirun_exec(del, 0, NULL, -1, out, sizeof out, timeout);
	}
}

/*
 * mode "cgroup2": a root container (no user namespace) in
 * /ocirun-test/c1 with memory, pids, cpu and device limits, checked from
 * inside and outside, paused, resumed, updated, killed and deleted; then
 * resources whose controller is missing.
 */
static void run_cgroup2(int timeout)
{
	const char *root = "/run/ocirun-cgroup2", *id = "c1", *dir = CG "/ocirun-test/c1";
	char out[8192], v[256], v2[256], v3[256], st[32], path[256];
	int rc, pfd[2];
	g_mode = "cgroup2";
	mkdir(root, 0700);
	printf("=== cgroup2: a root container with resources in %s, uptime %.2f\n", dir, uptime());
	fflush(stdout);

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		result("run", 0, "pipe: %s", strerror(errno));
		return;
	}
	const char *run[] = { "--root", root, "run", "-d", "-b", "/bundles/cgroup2", id, NULL };
	double t0 = uptime();
	rc = ocirun_exec(run, 0, NULL, pfd[1], out, sizeof out, timeout);
	close(pfd[1]);
	result("run", rc == 0, "exit %d, %.2f s", rc, uptime() - t0);
	if (rc == 0)
		container_lines(pfd[0], timeout);
	close(pfd[0]);

	/* from outside, while it runs */
	snprintf(path, sizeof path, "%s/memory.max", dir);
	read_value(path, v, sizeof v);
	snprintf(path, sizeof path, "%s/pids.max", dir);
	read_value(path, v2, sizeof v2);
	snprintf(path, sizeof path, "%s/cpu.max", dir);
	read_value(path, v3, sizeof v3);
	result("host-files", !strcmp(v, "67108864") && !strcmp(v2, "42") && !strcmp(v3, "20000 100000"),
	       "%s: memory.max=%s pids.max=%s cpu.max='%s'", dir, v, v2, v3);
	const char *state[] = { "--root", root, "state", id, NULL };
	rc = ocirun_exec(state, 0, NULL, -1, out, sizeof out, timeout);
	int pid = state_pid(out);
	result("state-running", rc == 0 && !strcmp(state_status(out, st, sizeof st), "running"), "exit %d status %s",
	       rc, state_status(out, st, sizeof st));
	snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
	read_value(path, v, sizeof v);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	read_value(path, v2, sizeof v2);
	squeeze(v2);
	char want_procs[32];
	snprintf(want_procs, sizeof want_procs, "%d", pid);
	result("host-procs", pid > 0 && !strcmp(v, "0::/ocirun-test/c1") && !strcmp(v2, want_procs),
	       "init pid %d: /proc/%d/cgroup='%s', cgroup.procs='%s'", pid, pid, v, v2);

	/* pause, resume, update */
	const char *pause_[] = { "--root", root, "pause", id, NULL }, *resume[] = { "--root", root, "resume", id, NULL };
	snprintf(path, sizeof path, "%s/cgroup.freeze", dir);
	rc = ocirun_exec(pause_, 0, NULL, -1, out, sizeof out, timeout);
	read_value(path, v, sizeof v);
	int rc2 = ocirun_exec(state, 0, NULL, -1, out, sizeof out, timeout);
	result("pause", rc == 0 && !strcmp(v, "1") && rc2 == 0 && !strcmp(state_status(out, st, sizeof st), "paused"),
	       "exit %d, cgroup.freeze=%s, state exit %d status %s", rc, v, rc2, state_status(out, st, sizeof st));
	rc = ocirun_exec(resume, 0, NULL, -1, out, sizeof out, timeout);
	read_value(path, v, sizeof v);
	rc2 = ocirun_exec(state, 0, NULL, -1, out, sizeof out, timeout);
	result("resume", rc == 0 && !strcmp(v, "0") && rc2 == 0 && !strcmp(state_status(out, st, sizeof st), "running"),
	       "exit %d, cgroup.freeze=%s, state exit %d status %s", rc, v, rc2, state_status(out, st, sizeof st));
	const char *update[] = { "--root", root, "update", "--memory", "33554432", id, NULL };
	rc = ocirun_exec(update, 0, NULL, -1, out, sizeof out, timeout);
	snprintf(path, sizeof path, "%s/memory.max", dir);
	read_value(path, v, sizeof v);
	result("update", rc == 0 && !strcmp(v, "33554432"), "exit %d, memory.max=%s (want 33554432)", rc, v);

	/* kill --all, delete: the cgroup goes */
	const char *kill_[] = { "--root", root, "kill", "--all", id, "KILL", NULL };
	rc = ocirun_exec(kill_, 0, NULL, -1, out, sizeof out, timeout);
	rc2 = wait_stopped(state, 0, NULL, out, sizeof out, timeout, st, sizeof st);
	result("kill", rc == 0 && rc2 == 0 && !strcmp(st, "stopped"), "exit %d, state exit %d status %s", rc, rc2, st);
	const char *del[] = { "--root", root, "delete", id, NULL };
	rc = ocirun_exec(del, 0, NULL, -1, out, sizeof out, timeout);
	int cg_left = access(dir, F_OK) == 0, st_left = dir_entries(root);
	result("delete", rc == 0 && !cg_left && st_left == 0, "exit %d, %s left: %d, state entries left: %d", rc, dir,
	       cg_left, st_left);
	if (st_left) {
		const char *force[] = { "--root", root, "delete", "--force", id, NULL };
		ocirun_exec(force, 0, NULL, -1, out, sizeof out, timeout);
	}

	cg2_missing("missing-hugetlb", "hugetlb", "hugepageLimits", "c-hugetlb", timeout);
	cg2_missing("missing-rdma", "rdma", "rdma", "c-rdma", timeout);
}

/*
 * mode "cgroup2-rootless": uid 1000 with the subtree /user1000 delegated
 * to it (owned by it; its commands start in /user1000/runtime), a
 * container in /user1000/c2 with memory and pids limits; and one asking
 * for /c3, which is not delegated.
 */
static void run_cgroup2_rootless(int timeout)
{
	const char *root = "/run/ocirun-cgroup2-rootless", *id = "c2", *dir = CG "/user1000/c2";
	const char *procs = CG "/user1000/runtime/cgroup.procs";
	char out[8192], v[256], v2[256], st[32], path[256];
	int rc, pfd[2];
	uid_t uid = 1000;
	g_mode = "cgroup2-rootless";
	printf("=== cgroup2-rootless: uid 1000 with %s/user1000 delegated, uptime %.2f\n", CG, uptime());
	fflush(stdout);

	mkdir(root, 0700);
	int ok = chown(root, uid, uid) == 0;
	ok &= mkdir(CG "/user1000", 0755) == 0 && mkdir(CG "/user1000/runtime", 0755) == 0;
	ok &= write_value(CG "/cgroup.subtree_control", "+memory +pids") == 0;
	int bad = chown_tree(CG "/user1000", uid);
	struct stat sb;
	snprintf(path, sizeof path, "%s/user1000/cgroup.subtree_control", CG);
	int owned = stat(path, &sb) == 0 && sb.st_uid == uid;
	read_value(CG "/cgroup.subtree_control", v, sizeof v);
	result("delegate", ok && !bad && owned, "%s/user1000 and its files owned by 1000 (%d not chowned), "
	       "root subtree_control='%s'", CG, bad, v);

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		result("run", 0, "pipe: %s", strerror(errno));
		return;
	}
	const char *run[] = { "--root", root, "run", "-d", "-b", "/bundles/cgroup2-rootless", id, NULL };
	double t0 = uptime();
	rc = ocirun_exec(run, uid, procs, pfd[1], out, sizeof out, timeout);
	close(pfd[1]);
	result("run", rc == 0, "exit %d, %.2f s", rc, uptime() - t0);
	if (rc == 0)
		container_lines(pfd[0], timeout);
	close(pfd[0]);

	snprintf(path, sizeof path, "%s/memory.max", dir);
	read_value(path, v, sizeof v);
	snprintf(path, sizeof path, "%s/pids.max", dir);
	read_value(path, v2, sizeof v2);
	int dir_uid = stat(dir, &sb) == 0 ? (int)sb.st_uid : -1;
	result("host-files", !strcmp(v, "50331648") && !strcmp(v2, "21") && dir_uid == 1000,
	       "%s: owner %d, memory.max=%s pids.max=%s", dir, dir_uid, v, v2);

	const char *state[] = { "--root", root, "state", id, NULL };
	const char *kill_[] = { "--root", root, "kill", "--all", id, "KILL", NULL };
	rc = ocirun_exec(kill_, uid, procs, -1, out, sizeof out, timeout);
	int rc2 = wait_stopped(state, uid, procs, out, sizeof out, timeout, st, sizeof st);
	result("kill", rc == 0 && rc2 == 0 && !strcmp(st, "stopped"), "exit %d, state exit %d status %s", rc, rc2, st);
	const char *del[] = { "--root", root, "delete", id, NULL };
	rc = ocirun_exec(del, uid, procs, -1, out, sizeof out, timeout);
	int cg_left = access(dir, F_OK) == 0, st_left = dir_entries(root);
	result("delete", rc == 0 && !cg_left && st_left == 0, "exit %d, %s left: %d, state entries left: %d", rc, dir,
	       cg_left, st_left);
	if (st_left) {
		const char *force[] = { "--root", root, "delete", "--force", id, NULL };
		ocirun_exec(force, uid, procs, -1, out, sizeof out, timeout);
	}

	/* not delegated: /c3 */
	const char *run3[] = { "--root", root, "run", "-d", "-b", "/bundles/cgroup2-rootless-c3", "c3", NULL };
	rc = ocirun_exec(run3, uid, procs, -1, out, sizeof out, timeout);
	int said = strstr(out, "delegated") != NULL;
	char *err = first_error(out);
	cg_left = access(CG "/c3", F_OK) == 0, st_left = dir_entries(root);
	result("not-delegated", rc > 0 && said && !cg_left && st_left == 0,
	       "exit %d, error mentions \"delegated\": %s, %s/c3 exists: %d, state entries left: %d (%s)", rc,
	       said ? "yes" : "no", CG, cg_left, st_left, err ? err : "no error message");
	if (rc == 0) {
		const char *force[] = { "--root", root, "delete", "--force", "c3", NULL };
		ocirun_exec(force, uid, procs, -1, out, sizeof out, timeout);
	}
}

/*
 * The cgroup2 modes, after the others (which run without cgroups): mount
 * cgroup2 at /sys/fs/cgroup and enable memory, pids, cpu and io for the
 * children of the root.  Needs a kernel booted with cgroup_no_v1=all and
 * the memory, pids and cpu controllers; else one SKIP line says why.
 */
static void run_cgroup2_modes(int timeout)
{
	char avail[512], sub[512], why[700] = "";
	g_mode = "cgroup2";
	if (!strstr(cmdline_arg("cgroup_no_v1", ""), "all")) {
		printf("RESULT arch=%s mode=cgroup2 step=setup SKIP the kernel command line has no cgroup_no_v1=all\n",
		       g_arch);
		return;
	}
	if (mount("cgroup2", CG, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		result("setup", 0, "mount cgroup2 on %s: %s", CG, strerror(errno));
		return;
	}
	read_value(CG "/cgroup.controllers", avail, sizeof avail);
	static const char *const ctrls[] = { "memory", "pids", "cpu", "io" };
	for (size_t i = 0; i < sizeof ctrls / sizeof ctrls[0]; i++) {
		char w[32];
		snprintf(w, sizeof w, "+%s", ctrls[i]);
		if (has_word(avail, ctrls[i]) && write_value(CG "/cgroup.subtree_control", w) < 0)
			snprintf(why + strlen(why), sizeof why - strlen(why), " write %s: %s;", w, strerror(errno));
		if (i < 3 && !has_word(avail, ctrls[i]))
			snprintf(why + strlen(why), sizeof why - strlen(why), " no %s controller;", ctrls[i]);
	}
	read_value(CG "/cgroup.subtree_control", sub, sizeof sub);
	printf("VMINFO cgroup.controllers=%s\nVMINFO cgroup.subtree_control=%s\n", avail, sub);
	if (!has_word(avail, "memory") && !has_word(avail, "pids") && !has_word(avail, "cpu")) {
		printf("RESULT arch=%s mode=cgroup2 step=setup SKIP the kernel has no memory, pids or cpu controller "
		       "(cgroup.controllers '%s')\n", g_arch, avail);
		fflush(stdout);
		return;
	}
	result("setup", !why[0], "cgroup.controllers='%s' subtree_control='%s'%s", avail, sub, why);
	run_cgroup2(timeout);
	run_cgroup2_rootless(timeout);
}

static _Noreturn void init_main(void)
{
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (fcntl(1, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct utsname u;
	uname(&u);
	g_arch = strdup(cmdline_arg("ocirun.arch", u.machine));
	int timeout = atoi(cmdline_arg("ocirun.timeout", "120"));
	printf("\nVMINIT-BOOTED arch=%s machine=%s kernel=%s version=%s uptime=%.2f\n", g_arch, u.machine, u.release,
	       u.version, uptime());
	info("max_user_namespaces", "/proc/sys/user/max_user_namespaces");
	info("unprivileged_userns_clone", "/proc/sys/kernel/unprivileged_userns_clone");
	info("seccomp_actions_avail", "/proc/sys/kernel/seccomp/actions_avail");
	info("filesystems", "/proc/filesystems");
	static const char *const ns[] = { "user", "pid", "net", "ipc", "uts", "mnt", "cgroup", "time" };
	char have[128] = "";
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		char p[64];
		snprintf(p, sizeof p, "/proc/self/ns/%s", ns[i]);
		if (access(p, F_OK) == 0)
			snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", have[0] ? "," : "", ns[i]);
	}
	printf("VMINFO namespaces=%s\n", have);
	fflush(stdout);

	static const struct { const char *mode; uid_t uid; } modes[] = {
		{ "root", 0 }, { "rootless", 1000 }, { "rootful", 0 },
	};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		char b[64];
		snprintf(b, sizeof b, "/bundles/%s/config.json", modes[i].mode);
		if (access(b, F_OK) == 0)
			run_mode(modes[i].mode, modes[i].uid, timeout);
	}
	if (access("/bundles/lifecycle/config.json", F_OK) == 0)
		run_lifecycle(timeout);
	if (access("/bundles/cgroup2/config.json", F_OK) == 0)
		run_cgroup2_modes(timeout);
	printf("VMINIT-DONE arch=%s uptime=%.2f\n", g_arch, uptime());
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "check") && argc == 2 && !strcmp(argv[1], "pause")) {
		printf("LIFECYCLE-PROCESS pid=%d\n", (int)getpid());
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!strcmp(base, "check") && argc > 1 && !strcmp(argv[1], "cgroup2"))
		return check_cgroup2_main(argc, argv);
	if (!strcmp(base, "check"))
		return check_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	if (getpid() == 1)
		init_main();
	fprintf(stderr, "vminit: PID 1 of a test VM, or: vminit check ARCH MODE UIDMAP ERRNO HOSTNAME EXIT\n");
	return 2;
}
