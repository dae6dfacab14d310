/*
 * ocirun: a rootless, static, single-file OCI container runtime for
 * embedded Linux.  It implements the OCI runtime-spec v1.3 with the
 * runc/crun command line.
 *
 * Table of contents (sections appear in this order; grep for "=== NAME"):
 *   1. headers          includes, compat syscall numbers, limits
 *   2. util             errors with context, files, atomic writes, numbers
 *   3. json             jsmn tokens checked against the JSON grammar,
 *                       strings decoded in place, a small JSON writer
 *   4. config           config.json into typed structs (table driven),
 *                       validated once; errors name the JSON path
 *   5. state            the state directory, locking, state.json, status
 *   6. hooks            running OCI hooks with state on stdin and timeouts
 *   7. rootfs           the one path resolver for everything inside the
 *                       rootfs, mounts, devices, masks, pivot_root
 *   8. process          user, capabilities, rlimits, terminal, exec;
 *                       the sealed trampoline the container's programs
 *                       are exec'd through (CVE-2019-5736)
 *   9. seccomp          linux.seccomp compiled or precompiled, loaded
 *                       late; a filter's verdict on one call
 *  10. cgroups          v2, v1, hybrid or none; resources, freezer, kill
 *  11. init             the container's first process, from clone to exec
 *  12. create/start     the runtime's binary out of reach (trampoline,
 *                       sealed copy or neither), clone, id maps, the
 *                       sync protocol, run
 *  13. exec             a new process in a running container
 *  14. commands         state kill delete list ps spec features ...
 *  15. command line     argv into a command and its options, main()
 *
 * Data flows one way: argv and config.json become a validated plan
 * (struct config), then the plan becomes syscalls.  No global state
 * beyond what a section owns: the error context and the allocation arena
 * (util), the signal forwarding target (create/start), and values asked
 * of the kernel once per process, cached where they are asked.
 */

/* === 1. headers ========================================================= */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <elf.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "jsmn.h"

/* GNU C predefines "linux" as 1; we use it as a name, like the spec. */
#undef linux

/* OCIRUN_SECCOMP=1: compile linux.seccomp with libseccomp; 0: load only
 * filters precompiled by seccomp_gen (no LGPL code in the binary). */
#ifndef OCIRUN_SECCOMP
#define OCIRUN_SECCOMP 0
#endif
#if OCIRUN_SECCOMP
#include <seccomp.h>
#endif

#ifndef OCIRUN_VERSION
#define OCIRUN_VERSION "0.1.0"
#endif
#ifndef OCIRUN_COMMIT
#define OCIRUN_COMMIT "unknown"
#endif
#define OCI_VERSION "1.3.0"

/* Syscalls that musl or old headers may not wrap. */
#ifndef SYS_pivot_root
#define SYS_pivot_root __NR_pivot_root
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#define OPEN_TREE_CLONE_ 1
#define MOVE_MOUNT_F_EMPTY_PATH_ 0x4
#define MOVE_MOUNT_T_EMPTY_PATH_ 0x40
#define MOUNT_ATTR_IDMAP_ 0x00100000
#define AT_RECURSIVE_ 0x8000
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#ifndef RLIMIT_RTTIME
#define RLIMIT_RTTIME 15
#endif

#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_IN_ROOT 0x10
struct open_how_compat {
	uint64_t flags, mode, resolve;
};

#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
struct mount_attr_compat {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Bounds on hostile input: config.json is read whole, but never more. */
#define CONFIG_MAX_BYTES (4u << 20)
#define JSON_MAX_DEPTH 64
#define ID_MAX 1024

/* musl's open() with O_CLOEXEC makes a second syscall (fcntl) for kernels
 * before 2.6.23 that ignore the flag; openat() does not.  Likewise
 * fcntl(F_DUPFD_CLOEXEC). */
#define open(path, ...) openat(AT_FDCWD, path, __VA_ARGS__)
#define dup_cloexec(fd) ((int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 3))

#define CLEANUP(f) __attribute__((cleanup(f)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED __attribute__((unused))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))

/* === 2. util ============================================================ */

/* a, b and c joined into out (cut to fit): the paths the hot paths build,
 * without printf's machinery. */
static char *cat3(char *out, size_t size, const char *a, const char *b, const char *c)
{
	size_t k = 0;
	for (const char *const *p = (const char *const[]){ a, b, c, NULL }; *p; p++)
		for (const char *q = *p; *q && k + 1 < size; q++)
			out[k++] = *q;
	out[k] = 0;
	return out;
}

/* v in decimal, in buf (at least 21 bytes); returns buf. */
static char *utoa(unsigned long long v, char buf[21])
{
	char t[21];
	int n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (int k = 0; k < n; k++)
		buf[k] = t[n - 1 - k];
	buf[n] = 0;
	return buf;
}

/*
 * Every error is one line: "ocirun: <command> <id>: <what failed>: <why>".
 * The error context is owned by this section.  In the container's init the
 * message goes to the parent over the sync socket instead, because the
 * init's stderr may already be the container's log pipe.
 */
static struct {
	char ctx[160];
	int log_fd;      /* --log file, or -1 */
	bool log_json;   /* --log-format json */
	bool debug;      /* --debug */
	int report_fd;   /* in the init: sync socket to the parent, else -1 */
	bool quiet;      /* no warnings: the fuzz targets parse millions of configs */
} g_err = { .log_fd = -1, .report_fd = -1 };

static void log_line(const char *level, const char *msg)
{
	char buf[1400];
	int n;

	if (g_err.log_fd < 0)
		return;
	if (g_err.log_json) {
		char esc[1100];
		size_t k = 0;
		for (const char *p = msg; *p && k + 7 < sizeof esc; p++) {
			unsigned char c = (unsigned char)*p;
			if (c == '"' || c == '\\') {
				esc[k++] = '\\';
				esc[k++] = (char)c;
			} else if (c < 0x20) {
				k += (size_t)snprintf(esc + k, sizeof esc - k, "\\u%04x", c);
			} else {
				esc[k++] = (char)c;
			}
		}
		esc[k] = 0;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(buf, sizeof buf,
			     "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ\"}\n",
			     level, esc, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
	} else {
		n = snprintf(buf, sizeof buf, "%s: %s\n", level, msg);
	}
	if (n > 0)
		(void)!write(g_err.log_fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/*
 * In the processes that enter the container (the init, exec's child) the
 * log file is closed (it is a host file) and stderr may be the
 * container's: errors ('E'), warnings ('W') and debug lines ('D') go to
 * the runtime over the sync socket instead.
 */
static void report_send(char type, const char *msg)
{
	char pkt[1100];
	int len = snprintf(pkt, sizeof pkt, "%c%s", type, msg);
	(void)!send(g_err.report_fd, pkt, (size_t)len < sizeof pkt ? (size_t)len : sizeof pkt - 1, MSG_NOSIGNAL);
}

static void vreport(const char *level, int errnum, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n = 0;

	if (g_err.ctx[0])
		n = (size_t)snprintf(msg, sizeof msg, "%s: ", g_err.ctx);
	if (n < sizeof msg)
		n += (size_t)vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	if (errnum && n < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(errnum));
	if (g_err.report_fd >= 0) {
		report_send(level[0] == 'e' ? 'E' : 'W', msg);
		return;
	}
	log_line(level, msg);
	/* "error:" as runc's level=error: clients and peers' harnesses look
	 * for the word to tell a failure */
	fprintf(stderr, "ocirun: %s: %s\n", level, msg);
}

/* A warning or debug line that a runtime process in the container sent
 * over its sync socket: the runtime logs it as its own. */
static void report_relayed(char type, const char *msg)
{
	if (type == 'D' && !g_err.debug)
		return;
	log_line(type == 'D' ? "debug" : "warning", msg);
	if (type == 'W' || g_err.log_fd < 0)
		fprintf(stderr, "ocirun: %s: %s\n", type == 'D' ? "debug" : "warning", msg);
}

/* The runtime runs its atexit cleanup (a failed create removes what it
 * made); a forked child of the runtime must not run its parent's. */
static NORETURN void die_exit(void)
{
	if (g_err.report_fd >= 0)
		_exit(1);
	exit(1);
}

/* die(): report and exit 1.  die_errno() appends strerror(errno). */
static NORETURN PRINTF(1, 2) void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error", 0, fmt, ap);
	va_end(ap);
	die_exit();
}

static NORETURN PRINTF(1, 2) void die_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vreport("error", e, fmt, ap);
	va_end(ap);
	die_exit();
}

static PRINTF(1, 2) void warn(const char *fmt, ...)
{
	va_list ap;
	if (g_err.quiet)
		return;
	va_start(ap, fmt);
	vreport("warning", 0, fmt, ap);
	va_end(ap);
}

static PRINTF(1, 2) void debug(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!g_err.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (g_err.report_fd >= 0) {
		report_send('D', msg);
		return;
	}
	log_line("debug", msg);
	if (g_err.log_fd < 0)
		fprintf(stderr, "ocirun: debug: %s\n", msg);
}

/* The context names the container; a hostile id must not break the one
 * error line, so control characters are shown as '?'. */
static void set_err_context(const char *cmd, const char *id)
{
	cat3(g_err.ctx, sizeof g_err.ctx, cmd, id ? " " : "", id ? id : "");
	for (char *p = g_err.ctx; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/*
 * Fault injection for the crash tests (test/integration/97-killed.sh): a
 * build with -DOCIRUN_KILLPOINTS takes OCIRUN_KILL_AT=N from the
 * environment and SIGKILLs itself at the Nth step it passes, so that
 * dying at every step of create, start, run, exec and delete is proven to
 * leave nothing behind.  The release build has none of this.
 */
#ifdef OCIRUN_KILLPOINTS
static int g_kill_at, g_kill_step;
static double g_step_t0 = -1; /* OCIRUN_STEP_TIMES: test/bench's per-step breakdown */

static double step_clock_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void killpoint(const char *what)
{
	if (g_step_t0 >= 0)
		fprintf(stderr, "ocirun: step %.3f ms %s\n", step_clock_ms() - g_step_t0, what);
	if (g_kill_at > 0 && ++g_kill_step == g_kill_at) {
		if (getenv("OCIRUN_KILL_SAY"))
			fprintf(stderr, "ocirun: killpoint %d: %s\n", g_kill_step, what);
		kill(getpid(), SIGKILL);
	}
}

static void killpoint_exit(void)
{
	killpoint("exit");
}

static void killpoints_init(void)
{
	g_kill_at = getenv("OCIRUN_KILL_AT") ? atoi(getenv("OCIRUN_KILL_AT")) : 0;
	if (getenv("OCIRUN_STEP_TIMES")) {
		g_step_t0 = step_clock_ms();
		atexit(killpoint_exit);
	}
}
#define KILLPOINT(what) killpoint(what)
#define KILLPOINTS_INIT() killpoints_init()
#define KILLPOINTS_OFF() (g_kill_at = 0, g_step_t0 = -1)
#else
#define KILLPOINT(what) ((void)0)
#define KILLPOINTS_INIT() ((void)0)
#define KILLPOINTS_OFF() ((void)0)
#endif

/* Every process made after forward_signals() runs with none blocked. */
static void unblock_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void close_fdp(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define AUTOCLOSE CLEANUP(close_fdp)

/*
 * Memory.  The runtime lives for one command: what it allocates comes from
 * a static arena (bss: no syscall, pages only as they are touched) and is
 * never reused, so it is zeroed as calloc's is; past the arena, calloc.
 * The builds that look for leaks (sanitizers, the unit tests, the fuzz
 * targets) use calloc and free throughout.
 */
#if defined(OCIRUN_NO_MAIN) || defined(__SANITIZE_ADDRESS__)
static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void xfree(void *p)
{
	free(p);
}

static size_t arena_mark(void)
{
	return 0;
}

static void arena_release(size_t mark)
{
	(void)mark;
}
#else
static _Alignas(16) char g_arena[192 << 10];
static size_t g_arena_used;

static void *xmalloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n && n <= sizeof g_arena - g_arena_used) {
		void *p = g_arena + g_arena_used;
		g_arena_used += n;
		return p;
	}
	void *p = calloc(1, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void xfree(void *p)
{
	if ((char *)p < g_arena || (char *)p >= g_arena + sizeof g_arena)
		free(p);
}

/* A loop that allocates for one item at a time (list: a state each) gives
 * the arena back after each; nothing made since the mark may be kept. */
static size_t arena_mark(void)
{
	return g_arena_used;
}

static void arena_release(size_t mark)
{
	memset(g_arena + mark, 0, g_arena_used - mark); /* (calloc's promise) */
	g_arena_used = mark;
}
#endif

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write a small string into an existing file (procfs, sysfs, cgroupfs). */
static int write_file_at(int dirfd, const char *path, const char *s)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	int r = write_all(fd, s, strlen(s));
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

#define PROC_SUPER_MAGIC_ 0x9fa0UL

static bool fd_on_procfs(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && (unsigned long)sf.f_type == PROC_SUPER_MAGIC_;
}

/*
 * Every write the runtime makes under /proc (id maps, setgroups,
 * oom_score_adj, sysctls, time offsets) goes through the descriptor it
 * writes, checked to be on procfs: a container that mounted over a /proc
 * path, or raced a shared mount, must not turn it into a write to a file
 * of its choosing (CVE-2019-16884, CVE-2025-52881).  -1 with errno when
 * the file cannot be opened or written; a file that is not procfs's is
 * refused outright.
 */
static int proc_write_in(int dirfd, const char *path, const char *s, bool dir_checked)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (!dir_checked && !fd_on_procfs(fd)) {
		close(fd);
		die("%s is not on procfs: refusing to write it", path);
	}
	int r = write_all(fd, s, strlen(s));
	int e = errno;
	close(fd);
	errno = e;
	return r;
}


static int proc_write_at(int dirfd, const char *path, const char *s)
{
	return proc_write_in(dirfd, path, s, false);
}

/* A whole small file into buf (NUL-terminated); -1 (EFBIG) if it is
 * bigger.  O_NONBLOCK: a FIFO the image planted must not hang us. */
static ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t len = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			if (n < 0) {
				errno = e;
				return -1;
			}
			break;
		}
		len += (size_t)n;
		if (len == size - 1) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	}
	buf[len] = 0;
	return (ssize_t)len;
}

/*
 * A kernel file made by one show() (a cgroup value, /proc/PID/stat,
 * /proc/self/cgroup, cap_last_cap): one read gets it whole, so the read
 * that would return 0 is saved.  EFBIG if it fills buf.
 */
static ssize_t read_value_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t n;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n < 0 || (size_t)n == size - 1) {
		errno = n < 0 ? e : EFBIG;
		return -1;
	}
	buf[n] = 0;
	return n;
}

/*
 * Field n (from 0) of a line of space-separated fields (mountinfo,
 * /proc/PID/stat), into out; false if the line has fewer or the field
 * does not fit.  (sscanf would bring in all of libc's scanf, floats
 * included, for this.)
 */
static bool field(const char *s, int n, char *out, size_t size)
{
	for (;;) {
		while (*s == ' ')
			s++;
		size_t len = 0;
		while (s[len] && s[len] != ' ' && s[len] != '\n')
			len++;
		if (!len)
			return false;
		if (n-- == 0) {
			if (len >= size)
				return false;
			memcpy(out, s, len);
			out[len] = 0;
			return true;
		}
		s += len;
	}
}

/*
 * The one atomic-write helper: state files and pid files are written to a
 * temporary name in the same directory and renamed into place, so a reader
 * sees either the old or the new content, never a torn file.  No fsync:
 * runtime state describes live processes and does not outlive a reboot.
 */
static int atomic_write_at(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	int n = snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0) {
		int e = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	close(fd);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

/* Split a path into its directory (opened) and final component. */
static int open_parent_dir(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (!slash) {
		*base = path;
		return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if ((size_t)(slash - path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = 0;
	*base = slash + 1;
	return open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* The pid file holds the pid's digits only, written atomically. */
static void write_pid_file(const char *path, pid_t pid)
{
	const char *base;
	char buf[24];
	int AUTOCLOSE dfd = open_parent_dir(path, &base);

	if (dfd < 0)
		die_errno("open directory of pid file %s", path);
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		die("pid file %s: not a file name", path);
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);
	if (atomic_write_at(dfd, base, buf, (size_t)n, 0644) < 0)
		die_errno("write pid file %s", path);
}

/* Strict decimal parse into [min, max]; no sign for unsigned ranges. */
static int parse_llong(const char *s, long long min, long long max, long long *out)
{
	char *end;
	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* qsort's interface, as a Shell sort (Ciura's gaps, then x2.25): a
 * hundred bytes of code where libc's smoothsort is a kilobyte, and fast
 * enough for the 150000 keys of the largest object a test feeds it.
 * Elements of at most 32 bytes. */
static void sort_small(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	static const size_t ciura[] = { 1, 4, 10, 23, 57, 132, 301, 701, 1750 };
	size_t gaps[32], ng = 0;
	char *a = base, t[32];
	for (size_t g = 1, k = 0; g < n && ng < ARRAY_LEN(gaps); g = k < ARRAY_LEN(ciura) ? ciura[k] : g * 9 / 4)
		gaps[ng++] = g, k += k < ARRAY_LEN(ciura);
	while (ng--) {
		size_t g = gaps[ng];
		for (size_t i = g; i < n; i++) {
			memcpy(t, a + i * size, size);
			size_t j = i;
			for (; j >= g && cmp(a + (j - g) * size, t) > 0; j -= g)
				memcpy(a + j * size, a + (j - g) * size, size);
			memcpy(a + j * size, t, size);
		}
	}
}

/* Close [lo, hi]: close_range(2) where the kernel has it (5.9), else the
 * open ones found in /proc/self/fd, else one by one. */
static void close_fd_range(unsigned lo, unsigned hi)
{
	if (lo > hi || syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		struct rlimit rl = { 1024, 1024 };
		getrlimit(RLIMIT_NOFILE, &rl);
		for (unsigned fd = lo; fd <= hi && fd < rl.rlim_cur && fd < 65536; fd++)
			close((int)fd);
		return;
	}
	int self = dirfd(d), fds[256], n;
	do {  /* collect, then close: the directory is read as it changes */
		struct dirent *e;
		long long v;
		n = 0;
		rewinddir(d);
		while ((e = readdir(d)) && n < (int)ARRAY_LEN(fds))
			if (parse_llong(e->d_name, lo, hi, &v) == 0 && v != self)
				fds[n++] = (int)v;
		for (int i = 0; i < n; i++)
			close(fds[i]);
	} while (n == (int)ARRAY_LEN(fds));
	closedir(d);
}

/*
 * Close every descriptor but stdio, the npreserve after it (the caller's
 * --preserve-fds) and those in keep (-1 entries ignored).  A process
 * that enters the container holds nothing else of the runtime's: a
 * leaked directory descriptor is a way out (CVE-2024-21626).
 */
static void close_fds_except(int npreserve, const int *keep, int nkeep)
{
	int k[16], n = 0;
	unsigned lo = 3 + (unsigned)npreserve;
	for (int i = 0; i < nkeep && n < (int)ARRAY_LEN(k); i++)
		if (keep[i] >= (int)lo)
			k[n++] = keep[i];
	sort_small(k, (size_t)n, sizeof k[0], int_cmp);
	for (int i = 0; i < n; i++) {
		if ((unsigned)k[i] > lo)
			close_fd_range(lo, (unsigned)k[i] - 1);
		lo = (unsigned)k[i] + 1;
	}
	close_fd_range(lo, ~0U);
}

/* One message on a sync socket (the protocol is described in "init"). */
struct sync_msg {
	char type;
	int32_t pid;
};

static int sync_send(int fd, const void *msg, size_t len)
{
	ssize_t n;
	do
		n = send(fd, msg, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static ssize_t sync_recv(int fd, void *msg, size_t len)
{
	ssize_t n;
	do
		n = recv(fd, msg, len, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Send (or receive) one file descriptor with SCM_RIGHTS and a payload. */
static int send_fd(int sock, int fd, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof cbuf };
	memset(cbuf, 0, sizeof cbuf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

/* A connected SOCK_STREAM unix socket to path (the caller's, so not ours
 * to resolve any other way). */
static int connect_unix(const char *path, const char *what)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path)
		die("%s %s: path too long", what, path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die_errno("connect to %s %s", what, path);
	return fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* === 3. json ============================================================ */

/*
 * jsmn finds the tokens but lets many invalid documents through (missing
 * commas and colons, bad numbers, raw control characters, invalid UTF-8,
 * trailing data).  json_check() walks the tokens in document order and
 * checks the text between and inside them against the JSON grammar, so
 * what reaches the config layer is strict RFC 8259 JSON.  Strings are then
 * decoded in place (a decoded string is never longer than its source) and
 * NUL-terminated, so the config structs point into the one input buffer.
 */
struct json {
	char *buf;       /* the document; strings are decoded in place */
	size_t len;
	jsmntok_t *tok;
	int ntok;
	char err[256];   /* what was wrong, and where */
	struct json_mem *mem; /* what was allocated for this document */
};

/*
 * Everything made from a document (the arrays of its config or state) is
 * linked into the document's list as it is allocated, so that json_free()
 * releases it all, also after a parse that failed half-way with a longjmp.
 * The runtime itself never frees a config (it exits); the tests and the
 * fuzz targets parse many and must not leak.
 */
struct json_mem {
	struct json_mem *next;
	max_align_t data[];
};

/* Zeroed memory that lives as long as the document j. */
static void *json_alloc(struct json *j, size_t n)
{
	struct json_mem *m = xmalloc(sizeof *m + n);
	m->next = j->mem;
	j->mem = m;
	return m->data;
}

/* The tokens and all that json_alloc() gave out for j (not j->buf). */
static void json_free(struct json *j)
{
	for (struct json_mem *m = j->mem, *next; m; m = next) {
		next = m->next;
		xfree(m);
	}
	j->mem = NULL;
	xfree(j->tok);
	j->tok = NULL;
	j->ntok = 0;
}

static PRINTF(3, 4) int json_fail(struct json *j, size_t pos, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	size_t line = 1, col = 1;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < pos && i < j->len; i++) {
		if (j->buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(j->err, sizeof j->err, "invalid JSON at line %zu column %zu: %s", line, col, what);
	return -1;
}

static void json_skip_ws(const struct json *j, size_t *pos)
{
	for (char c; *pos < j->len && ((c = j->buf[*pos]) == ' ' || c == '\n' || c == '\t' || c == '\r');)
		(*pos)++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long read_hex4(const char *s)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of one valid UTF-8 sequence at s (RFC 3629), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n;
	unsigned min, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static size_t utf8_put(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Check the raw string body [s, e) and decode it into out (which may be s:
 * decoding never grows).  A \u0000 is refused: C strings would silently
 * lose their tail, which is how a path or an argument could be truncated.
 */
static int json_string_decode(struct json *j, size_t s, size_t e, char *out, size_t *outlen)
{
	size_t k = 0, i = s;

	while (i < e) {
		unsigned char c = (unsigned char)j->buf[i];
		if (c >= 0x20 && c < 0x80 && c != '\\') { /* (most of every document) */
			out[k++] = (char)c;
			i++;
			continue;
		}
		if (c < 0x20)
			return json_fail(j, i, "control character in string");
		if (c != '\\') {
			size_t n = utf8_seq_len((unsigned char *)j->buf + i, e - i);
			if (!n)
				return json_fail(j, i, "invalid UTF-8 in string");
			memmove(out + k, j->buf + i, n);
			k += n;
			i += n;
			continue;
		}
		if (i + 1 >= e)
			return json_fail(j, i, "bad escape");
		char x = j->buf[i + 1], d = 0;
		switch (x) {
		case '"': case '\\': case '/': d = x; break;
		case 'b': d = '\b'; break;
		case 'f': d = '\f'; break;
		case 'n': d = '\n'; break;
		case 'r': d = '\r'; break;
		case 't': d = '\t'; break;
		}
		if (d) {
			out[k++] = d;
			i += 2;
			continue;
		}
		if (x != 'u' || i + 6 > e)
			return json_fail(j, i, "bad escape");
		long cp = read_hex4(j->buf + i + 2);
		if (cp < 0)
			return json_fail(j, i, "bad \\u escape");
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			long lo = (i + 6 <= e && j->buf[i] == '\\' && j->buf[i + 1] == 'u')
					  ? read_hex4(j->buf + i + 2) : -1;
			if (lo < 0xdc00 || lo > 0xdfff)
				return json_fail(j, i, "unpaired surrogate in \\u escape");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return json_fail(j, i, "unpaired surrogate in \\u escape");
		}
		if (cp == 0)
			return json_fail(j, i, "\\u0000 is not allowed in strings");
		k += utf8_put(out + k, (unsigned long)cp);
	}
	*outlen = k;
	return 0;
}

/* true, false, null, or a number per RFC 8259 section 6. */
static int json_check_primitive(struct json *j, const jsmntok_t *t)
{
	const char *p = j->buf + t->start, *e = j->buf + t->end;
	size_t n = (size_t)(e - p);

	if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) ||
	    (n == 4 && !memcmp(p, "null", 4)))
		return 0;
	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		while (p < e && isdigit((unsigned char)*p))
			p++;
	else
		return json_fail(j, (size_t)t->start, "invalid literal or number");
	if (p < e && *p == '.') {
		if (++p >= e || !isdigit((unsigned char)*p))
			return json_fail(j, (size_t)t->start, "invalid number");
		while (p < e && isdigit((unsigned char)*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !isdigit((unsigned char)*p))
			return json_fail(j, (size_t)t->start, "invalid number");
		while (p < e && isdigit((unsigned char)*p))
			p++;
	}
	if (p != e)
		return json_fail(j, (size_t)t->start, "invalid number");
	return 0;
}

static size_t tok_text_start(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? (size_t)t->start - 1 : (size_t)t->start;
}

static size_t tok_text_end(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? (size_t)t->end + 1 : (size_t)t->end;
}

static int json_expect(struct json *j, size_t *pos, char c)
{
	json_skip_ws(j, pos);
	if (*pos >= j->len || j->buf[*pos] != c)
		return json_fail(j, *pos, "expected '%c'", c);
	(*pos)++;
	return 0;
}

/* Check the value at token *i, which must start at text position *pos. */
static int json_check_value(struct json *j, int *i, size_t *pos, int depth)
{
	if (*i >= j->ntok)
		return json_fail(j, *pos, "unexpected end of tokens");
	const jsmntok_t *t = &j->tok[*i];
	json_skip_ws(j, pos);
	if (t->start < 0 || t->end < 0 || *pos != tok_text_start(t))
		return json_fail(j, *pos, "unexpected character");
	if (depth > JSON_MAX_DEPTH)
		return json_fail(j, *pos, "nesting deeper than %d", JSON_MAX_DEPTH);
	(*i)++;
	if (t->type == JSMN_STRING) {
		*pos = tok_text_end(t);
		return 0; /* the body is checked when it is decoded */
	}
	if (t->type == JSMN_PRIMITIVE) {
		*pos = tok_text_end(t);
		return json_check_primitive(j, t);
	}
	bool obj = t->type == JSMN_OBJECT;
	*pos = (size_t)t->start + 1;
	for (int k = 0; k < t->size; k++) {
		if (k && json_expect(j, pos, ',') < 0)
			return -1;
		if (obj) {
			if (*i >= j->ntok || j->tok[*i].type != JSMN_STRING)
				return json_fail(j, *pos, "object key must be a string");
			if (json_check_value(j, i, pos, depth + 1) < 0 || json_expect(j, pos, ':') < 0)
				return -1;
		}
		if (json_check_value(j, i, pos, depth + 1) < 0)
			return -1;
	}
	if (json_expect(j, pos, obj ? '}' : ']') < 0)
		return -1;
	if (*pos != tok_text_end(t))
		return json_fail(j, *pos, "unexpected character");
	return 0;
}

/* (seccomp_gen's: the runtime's own lookups compare first bytes first) */
static UNUSED int json_keyeq(const struct json *j, int i, const char *s)
{
	return !strcmp(j->buf + j->tok[i].start, s);
}

/* Index of the token after the subtree rooted at token i. */
static int json_next(const struct json *j, int i)
{
	int end = j->tok[i].end, k = i + 1;
	while (k < j->ntok && j->tok[k].start < end)
		k++;
	return k;
}

struct json_key {
	const char *s;  /* decoded, in scratch space */
	int tok;
};

static int json_key_cmp(const void *a, const void *b)
{
	const struct json_key *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	return c ? c : x->tok - y->tok;
}

/*
 * Refuse duplicate keys, compared decoded ("uid" and "u\u0069d" are the
 * same key), in O(n log n) per object: a document with 100000 keys must
 * not take minutes.  Runs before the in-place decoding, so an error
 * position is one in the file as written.
 */
/*
 * The common small object whose keys have no escape: duplicates are equal
 * raw bytes, found pairwise.  0: none, 1: one (the error is set), -1:
 * not decided here.
 */
static int json_small_duplicates(struct json *j, int i)
{
	int k[16], n = 0;
	const jsmntok_t *o = &j->tok[i];
	if (o->size > (int)ARRAY_LEN(k))
		return -1;
	for (int t = i + 1; n < o->size; t = json_next(j, t + 1)) {
		if (memchr(j->buf + j->tok[t].start, '\\', (size_t)(j->tok[t].end - j->tok[t].start)))
			return -1;
		k[n++] = t;
	}
	for (int a = 1; a < n; a++)
		for (int b = 0; b < a; b++) {
			const jsmntok_t *x = &j->tok[k[a]], *y = &j->tok[k[b]];
			if (x->end - x->start == y->end - y->start &&
			    !memcmp(j->buf + x->start, j->buf + y->start, (size_t)(x->end - x->start))) {
				json_fail(j, (size_t)x->start, "duplicate key \"%.*s\"", x->end - x->start,
					  j->buf + x->start);
				return 1;
			}
		}
	return 0;
}

static int json_check_duplicates(struct json *j)
{
	int rc = 0;
	for (int i = 0; i < j->ntok && !rc; i++) {
		const jsmntok_t *o = &j->tok[i];
		if (o->type != JSMN_OBJECT || o->size < 2)
			continue;
		int small = json_small_duplicates(j, i);
		if (small >= 0) {
			rc = -small;
			continue;
		}
		struct json_key *keys = xmalloc(sizeof *keys * (size_t)o->size);
		char *scratch = xmalloc((size_t)(o->end - o->start) + 1), *sp = scratch;
		int n = 0;
		for (int k = i + 1; n < o->size; k = json_next(j, k + 1)) {
			size_t len;
			if (json_string_decode(j, (size_t)j->tok[k].start, (size_t)j->tok[k].end, sp, &len) < 0) {
				rc = -1;
				break;
			}
			sp[len] = 0;
			keys[n++] = (struct json_key){ sp, k };
			sp += len + 1;
		}
		if (!rc)
			sort_small(keys, (size_t)n, sizeof *keys, json_key_cmp);
		for (int k = 1; k < n && !rc; k++)
			if (!strcmp(keys[k - 1].s, keys[k].s))
				rc = json_fail(j, (size_t)j->tok[keys[k].tok].start, "duplicate key \"%s\"",
					       keys[k].s);
		xfree(keys);
		xfree(scratch);
	}
	return rc;
}

/* Decode every string in place (NUL-terminated where its quote was). */
static int json_decode_strings(struct json *j)
{
	for (int i = 0; i < j->ntok; i++) {
		jsmntok_t *t = &j->tok[i];
		size_t len = 0;
		if (t->type != JSMN_STRING)
			continue;
		if (json_string_decode(j, (size_t)t->start, (size_t)t->end, j->buf + t->start, &len) < 0)
			return -1;
		j->buf[t->start + (int)len] = 0;
	}
	return 0;
}

/*
 * jsmn's closing-bracket search walks the parent chain: deep nesting costs
 * it quadratic time.  Refuse it first, in one pass over the bytes.
 */
static int json_check_depth(struct json *j)
{
	int depth = 0;
	bool str = false;
	for (size_t i = 0; i < j->len; i++) {
		char c = j->buf[i];
		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH + 1) /* the top-level value is depth 0 */
				return json_fail(j, i, "nesting deeper than %d", JSON_MAX_DEPTH);
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 0;
}

/*
 * Parse buf[0..len) in place: count the tokens (first jsmn pass), fill them
 * (second pass), check the grammar, decode.  The caller frees j->tok.
 */
static int json_parse(struct json *j, char *buf, size_t len)
{
	jsmn_parser p;

	memset(j, 0, sizeof *j);
	j->buf = buf;
	j->len = len;
	if (memchr(buf, 0, len))
		return json_fail(j, (size_t)((char *)memchr(buf, 0, len) - buf), "NUL byte");
	/* (under 1 KB, jsmn's worst case is a few hundred thousand steps:
	 * json_check_value still refuses the depth) */
	if (len >= 1024 && json_check_depth(j) < 0)
		return -1;
	/* one pass where a guess of the token count suffices (documents as
	 * the runtime writes them have about one token per 10 bytes); a
	 * count first where it does not */
	unsigned guess = (unsigned)(len / 8 + 32);
	jsmn_init(&p);
	j->tok = xmalloc(sizeof(jsmntok_t) * guess);
	j->ntok = jsmn_parse(&p, buf, len, j->tok, guess);
	if (j->ntok == JSMN_ERROR_NOMEM) {
		xfree(j->tok);
		j->tok = NULL;
		j->ntok = 0;
		jsmn_init(&p);
		int n = jsmn_parse(&p, buf, len, NULL, 0);
		if (n <= 0)
			return json_fail(j, p.pos, n == JSMN_ERROR_PART ? "truncated document" : "syntax error");
		j->tok = xmalloc(sizeof(jsmntok_t) * (size_t)n);
		jsmn_init(&p);
		j->ntok = jsmn_parse(&p, buf, len, j->tok, (unsigned)n);
	}
	if (j->ntok == 0)
		return json_fail(j, p.pos, "syntax error");
	if (j->ntok < 0)
		return json_fail(j, p.pos, j->ntok == JSMN_ERROR_PART ? "truncated document" : "syntax error");
	int i = 0;
	size_t pos = 0;
	if (json_check_value(j, &i, &pos, 0) < 0)
		return -1;
	json_skip_ws(j, &pos);
	if (pos != len || i != j->ntok)
		return json_fail(j, pos, "trailing data after the top-level value");
	if (json_check_duplicates(j) < 0)
		return -1;
	return json_decode_strings(j);
}

/*
 * The JSON path of token i ("linux.mounts[3].destination"), built by
 * walking the parent links from the token up to the root.
 */
static void json_path(const struct json *j, int i, char *out, size_t size)
{
	int chain[JSON_MAX_DEPTH * 2 + 4], n = 0;
	size_t k = 0;

	for (int t = i; t >= 0 && n < (int)ARRAY_LEN(chain); t = j->tok[t].parent)
		chain[n++] = t;
	out[0] = 0;
	for (int c = n - 2; c >= 0; c--) {
		int t = chain[c], parent = chain[c + 1];
		if (j->tok[parent].type == JSMN_OBJECT) {
			k += (size_t)snprintf(out + k, k < size ? size - k : 0, "%s%s", k ? "." : "",
					      j->buf + j->tok[t].start);
		} else if (j->tok[parent].type == JSMN_ARRAY) {
			int idx = 0;
			for (int m = parent + 1; m < t; m = json_next(j, m))
				idx++;
			k += (size_t)snprintf(out + k, k < size ? size - k : 0, "[%d]", idx);
		}
		if (k >= size)
			break;
	}
	if (!out[0])
		snprintf(out, size, "(top level)");
}

/* A small JSON writer for state, features and spec output. */
struct jw {
	char *buf;
	size_t len, cap;
	bool comma;
	int indent;  /* <0: compact */
	int depth;
};

static void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		while (cap < w->len + n + 1)
			cap *= 2;
		char *b = xmalloc(cap); /* (the arena never reuses: copied, not realloc'd) */
		if (w->len)
			memcpy(b, w->buf, w->len);
		xfree(w->buf);
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = 0;
}

static void jw_s(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

static void jw_nl(struct jw *w)
{
	if (w->indent < 0)
		return;
	jw_raw(w, "\n", 1);
	for (int i = 0; i < w->depth * w->indent; i++)
		jw_raw(w, " ", 1);
}

static void jw_sep(struct jw *w)
{
	if (w->comma)
		jw_raw(w, ",", 1);
	if (w->depth)
		jw_nl(w);
	w->comma = true;
}

static void jw_str_raw(struct jw *w, const char *s)
{
	jw_raw(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jw_raw(w, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			jw_raw(w, esc, 6);
		} else {
			jw_raw(w, (const char *)&c, 1);
		}
	}
	jw_raw(w, "\"", 1);
}

static void jw_key(struct jw *w, const char *k)
{
	jw_sep(w);
	jw_str_raw(w, k);
	jw_s(w, w->indent < 0 ? ":" : ": ");
	w->comma = false;
}

/* Where a value starts: after its key in an object, or a separator. */
static void jw_start(struct jw *w, const char *key)
{
	if (key)
		jw_key(w, key);
	else
		jw_sep(w);
}

static void jw_open(struct jw *w, const char *key, char c)
{
	jw_start(w, key);
	jw_raw(w, &c, 1);
	w->depth++;
	w->comma = false;
}

static void jw_close(struct jw *w, char c)
{
	bool empty = !w->comma;
	w->depth--;
	if (!empty)
		jw_nl(w);
	jw_raw(w, &c, 1);
	w->comma = true;
}

static void jw_str(struct jw *w, const char *key, const char *v)
{
	jw_start(w, key);
	jw_str_raw(w, v);
	w->comma = true;
}

static void jw_int(struct jw *w, const char *key, long long v)
{
	char b[32];
	jw_start(w, key);
	b[0] = '-';
	utoa(v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v, b + 1);
	jw_s(w, v < 0 ? b : b + 1);
	w->comma = true;
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_start(w, key);
	jw_s(w, v ? "true" : "false");
	w->comma = true;
}

static void jw_strv(struct jw *w, const char *key, const char *const *v, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		jw_str(w, NULL, v[i]);
	jw_close(w, ']');
}

/* === 4. config ========================================================== */

/*
 * config.json becomes struct config through tables of fields (struct
 * field): one row per JSON property, naming its type, its place in the
 * struct and its range.  Unknown properties are ignored, as the spec
 * requires; a wrong type or an out-of-range number is an error naming the
 * JSON path.  Strings point into the decoded document.
 */
struct num {
	int64_t v;
	bool set;
};
struct unum {
	uint64_t v;
	bool set;
};
struct obool {
	bool v, set;
};
struct strv {
	char **v;  /* NULL-terminated */
	int n;
};
struct kv {
	const char *k, *v;
};
struct kvs {
	struct kv *v;
	int n;
};
struct arr {
	void *v;
	int n;
};
#define ARR_AT(a, T, i) (&((T *)(a).v)[i])

struct idmap {
	struct num container_id, host_id, size;
};

struct mount_cfg {
	const char *destination, *type, *source;
	struct strv options;
	struct arr uid_mappings, gid_mappings;
	/* derived by cfg_mount_options() */
	unsigned long flags, clear, prop;
	uint64_t rattr_set, rattr_clr;
	bool bind, rec, tmpcopyup;
	bool idmap, ridmap;  /* idmap / ridmap, or uidMappings given */
	char *data;
};

struct rlimit_cfg {
	int type;  /* 1 + index into rlimit_names */
	struct unum soft, hard;
};

struct caps_cfg {
	struct strv bounding, effective, inheritable, permitted, ambient;
	/* derived */
	uint64_t b, e, i, p, a;
};

struct user_cfg {
	struct num uid, gid, umask;
	struct arr additional_gids;  /* of struct num */
	const char *username;
};

struct process_cfg {
	bool terminal;
	struct {
		struct num height, width;
	} console_size;
	const char *cwd, *command_line, *apparmor_profile, *selinux_label;
	struct strv env, args;
	struct arr rlimits;
	bool has_caps;
	struct caps_cfg caps;
	bool no_new_privileges;
	struct num oom_score_adj;
	struct user_cfg user;
	struct {
		int class;
		struct num priority;
	} io_priority;
	struct {
		int policy;
		struct num nice, priority, runtime, deadline, period;
		struct strv flags;
	} scheduler;
	struct {
		const char *initial, *final;
	} exec_cpu_affinity;
};

struct hook_cfg {
	const char *path;
	struct strv args, env;
	struct num timeout;
};

struct hooks_cfg {
	struct arr prestart, create_runtime, create_container, start_container, poststart, poststop;
};

struct ns_cfg {
	int type;  /* 1 + index into ns_names */
	const char *path;
};

struct device_cfg {
	int type;  /* 1 + index into "c", "b", "u", "p" */
	const char *path;
	struct num major, minor, file_mode, uid, gid;
};

struct dev_rule_cfg {
	bool allow;
	const char *type, *access;
	struct num major, minor;
};

struct weight_dev_cfg {
	struct num major, minor, weight, leaf_weight;
};
struct throttle_dev_cfg {
	struct num major, minor;
	struct unum rate;
};
struct hugepage_cfg {
	const char *page_size;
	struct unum limit;
};
struct prio_cfg {
	const char *name;
	struct num priority;
};
struct rdma_cfg {
	const char *key;
	struct num hca_handles, hca_objects;
};
struct netdev_cfg {
	const char *key;
	const char *name;
};

struct resources_cfg {
	struct {
		struct num limit, reservation, swap, kernel, kernel_tcp;
		struct unum swappiness;
		struct obool disable_oom_killer, use_hierarchy, check_before_update;
	} memory;
	struct {
		struct unum shares, burst, period, realtime_period;
		struct num quota, realtime_runtime, idle;
		const char *cpus, *mems;
	} cpu;
	struct {
		struct num limit;
	} pids;
	struct {
		struct num weight, leaf_weight;
		struct arr weight_device, throttle_read_bps, throttle_write_bps, throttle_read_iops,
			throttle_write_iops;
	} block_io;
	struct arr hugepage_limits;
	struct {
		struct num class_id;
		struct arr priorities;
	} network;
	struct arr rdma;
	struct arr devices;
	struct kvs unified;
};

struct seccomp_arg_cfg {
	struct num index;
	struct unum value, value_two;
	const char *op;
};
struct seccomp_rule_cfg {
	struct strv names;
	const char *action;
	struct num errno_ret;
	struct arr args;
};
struct seccomp_cfg {
	const char *default_action, *listener_path, *listener_metadata;
	struct num default_errno_ret;
	struct strv architectures, flags;
	struct arr syscalls;
};

struct timeoff_cfg {
	struct num secs, nanosecs;
};

struct linux_cfg {
	struct arr namespaces, uid_mappings, gid_mappings, devices;
	const char *cgroups_path, *rootfs_propagation, *mount_label;
	bool has_resources;
	struct resources_cfg resources;
	bool has_seccomp;
	struct seccomp_cfg seccomp;
	struct kvs sysctl;
	struct strv masked_paths, readonly_paths;
	bool has_personality;
	struct {
		int domain;
		struct strv flags;
	} personality;
	struct {
		struct timeoff_cfg monotonic, boottime;
	} time_offsets;
	struct arr net_devices;
	bool has_intel_rdt;
	bool has_memory_policy;
	struct {
		int mode;  /* 1 + index into mpol_modes */
		const char *nodes;
		struct strv flags;
	} memory_policy;
};

struct config {
	const char *oci_version, *hostname, *domainname;
	struct {
		const char *path;
		bool readonly;
	} root;
	bool has_root, has_process, has_linux;
	struct arr mounts;
	struct process_cfg process;
	struct hooks_cfg hooks;
	struct kvs annotations;
	struct linux_cfg linux;
	/* derived */
	char *bundle;         /* absolute bundle directory */
	unsigned long ns_new; /* CLONE_NEW* flags of namespaces to create */
	unsigned long ns_join;/* CLONE_NEW* flags of namespaces joined by path */
	struct json json;     /* the document the strings point into */
	char *raw;            /* config.json as read, before decoding */
	size_t raw_len;
};

enum ftype {
	F_STR, F_BOOL, F_OBOOL, F_NUM, F_UNUM, F_STRV, F_KVS, F_OBJ, F_HASOBJ, F_ARR, F_MAPOBJ, F_ENUM, F_TOK
};

struct schema;
struct field {
	const char *name;
	enum ftype type;
	size_t off;
	const void *sub;   /* F_OBJ/F_ARR/F_MAPOBJ: schema; F_ENUM: names */
	int64_t min, max;  /* F_NUM range; F_ARR/F_STRV: max elements */
	bool required;
	size_t has_off;    /* F_HASOBJ: offset of its "has_" flag */
};

struct schema {
	const struct field *fields;
	size_t nfields, size;
};

#define SCHEMA(name, T) static const struct schema name = { name##_f, ARRAY_LEN(name##_f), sizeof(T) }
#define U32MAX 4294967295LL
#define IDMAX 4294967294LL  /* (uid_t)-1 is "no id": never accept it */
#define S(n, T, m) { n, F_STR, offsetof(T, m), NULL, 0, 0, false, 0 }
#define SREQ(n, T, m) { n, F_STR, offsetof(T, m), NULL, 0, 0, true, 0 }
#define B(n, T, m) { n, F_BOOL, offsetof(T, m), NULL, 0, 0, false, 0 }
#define OB(n, T, m) { n, F_OBOOL, offsetof(T, m), NULL, 0, 0, false, 0 }
#define N(n, T, m, lo, hi) { n, F_NUM, offsetof(T, m), NULL, lo, hi, false, 0 }
#define NREQ(n, T, m, lo, hi) { n, F_NUM, offsetof(T, m), NULL, lo, hi, true, 0 }
#define U(n, T, m) { n, F_UNUM, offsetof(T, m), NULL, 0, 0, false, 0 }
#define UREQ(n, T, m) { n, F_UNUM, offsetof(T, m), NULL, 0, 0, true, 0 }
#define SV(n, T, m) { n, F_STRV, offsetof(T, m), NULL, 0, 65536, false, 0 }
#define KV(n, T, m) { n, F_KVS, offsetof(T, m), NULL, 0, 65536, false, 0 }
#define O(n, T, m, sch) { n, F_OBJ, offsetof(T, m), &sch, 0, 0, false, 0 }
#define OH(n, T, m, sch, has) { n, F_HASOBJ, offsetof(T, m), &sch, 0, 0, false, offsetof(T, has) }
#define A(n, T, m, sch, maxn) { n, F_ARR, offsetof(T, m), &sch, 0, maxn, false, 0 }
#define M(n, T, m, sch) { n, F_MAPOBJ, offsetof(T, m), &sch, 0, 4096, false, 0 }
#define E(n, T, m, names, req) { n, F_ENUM, offsetof(T, m), names, 0, 0, req, 0 }

static const char *const ns_names[] = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL };
static const unsigned long ns_flags[] = { CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWIPC,
					  CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME };
/* The names the kernel gives the files in /proc/PID/ns/. */
static const char *const ns_proc_names[] = { "pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time" };
static const char *const dev_types[] = { "c", "b", "u", "p", NULL };
static const char *const rlimit_names[] = {
	"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
	"RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
	"RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", NULL
};
static const int rlimit_res[] = { RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE,
				  RLIMIT_RSS, RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS,
				  RLIMIT_LOCKS, RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE,
				  RLIMIT_RTPRIO, RLIMIT_RTTIME };
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", NULL
};
static const char *const ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };
static const char *const sched_policies[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
					      "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL };
static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
/* set_mempolicy(2) modes in the kernel's order (MPOL_DEFAULT is 0) */
static const char *const mpol_modes[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
					  "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE", NULL };
static const char *const mpol_flags[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					  "MPOL_F_STATIC_NODES", NULL };
static const unsigned mpol_flag_values[] = { 1u << 13, 1u << 14, 1u << 15 };
static const char *const sched_flags[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
					   "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
					   "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
					   "SCHED_FLAG_UTIL_CLAMP_MAX", NULL };

static const struct field idmap_s_f[] = {
	NREQ("containerID", struct idmap, container_id, 0, U32MAX),
	NREQ("hostID", struct idmap, host_id, 0, U32MAX),
	NREQ("size", struct idmap, size, 0, U32MAX),
};
SCHEMA(idmap_s, struct idmap);

static const struct field mount_s_f[] = {
	SREQ("destination", struct mount_cfg, destination),
	S("type", struct mount_cfg, type),
	S("source", struct mount_cfg, source),
	SV("options", struct mount_cfg, options),
	A("uidMappings", struct mount_cfg, uid_mappings, idmap_s, 340),
	A("gidMappings", struct mount_cfg, gid_mappings, idmap_s, 340),
};
SCHEMA(mount_s, struct mount_cfg);

static const struct field rlimit_s_f[] = {
	E("type", struct rlimit_cfg, type, rlimit_names, true),
	UREQ("soft", struct rlimit_cfg, soft),
	UREQ("hard", struct rlimit_cfg, hard),
};
SCHEMA(rlimit_s, struct rlimit_cfg);

static const struct field caps_s_f[] = {
	SV("bounding", struct caps_cfg, bounding),
	SV("effective", struct caps_cfg, effective),
	SV("inheritable", struct caps_cfg, inheritable),
	SV("permitted", struct caps_cfg, permitted),
	SV("ambient", struct caps_cfg, ambient),
};
SCHEMA(caps_s, struct caps_cfg);

static const struct field gid_s_f[] = { { "", F_NUM, 0, NULL, 0, IDMAX, false, 0 } };
static const struct schema gid_s = { gid_s_f, 1, sizeof(struct num) };

static const struct field user_s_f[] = {
	NREQ("uid", struct user_cfg, uid, 0, IDMAX),
	NREQ("gid", struct user_cfg, gid, 0, IDMAX),
	N("umask", struct user_cfg, umask, 0, 07777),
	A("additionalGids", struct user_cfg, additional_gids, gid_s, 65536),
	S("username", struct user_cfg, username),
};
SCHEMA(user_s, struct user_cfg);

typedef struct process_cfg P;
static const struct field console_s_f[] = {
	NREQ("height", typeof(((P *)0)->console_size), height, 0, 65535),
	NREQ("width", typeof(((P *)0)->console_size), width, 0, 65535),
};
SCHEMA(console_s, typeof(((P *)0)->console_size));
static const struct field ioprio_s_f[] = {
	E("class", typeof(((P *)0)->io_priority), class, ioprio_classes, true),
	N("priority", typeof(((P *)0)->io_priority), priority, 0, 7),
};
SCHEMA(ioprio_s, typeof(((P *)0)->io_priority));
static const struct field sched_s_f[] = {
	E("policy", typeof(((P *)0)->scheduler), policy, sched_policies, true),
	N("nice", typeof(((P *)0)->scheduler), nice, -20, 19),
	N("priority", typeof(((P *)0)->scheduler), priority, INT32_MIN, INT32_MAX),
	N("runtime", typeof(((P *)0)->scheduler), runtime, 0, INT64_MAX),
	N("deadline", typeof(((P *)0)->scheduler), deadline, 0, INT64_MAX),
	N("period", typeof(((P *)0)->scheduler), period, 0, INT64_MAX),
	SV("flags", typeof(((P *)0)->scheduler), flags),
};
SCHEMA(sched_s, typeof(((P *)0)->scheduler));
static const struct field cpuaff_s_f[] = {
	S("initial", typeof(((P *)0)->exec_cpu_affinity), initial),
	S("final", typeof(((P *)0)->exec_cpu_affinity), final),
};
SCHEMA(cpuaff_s, typeof(((P *)0)->exec_cpu_affinity));

static const struct field process_s_f[] = {
	B("terminal", P, terminal),
	O("consoleSize", P, console_size, console_s),
	SREQ("cwd", P, cwd),
	SV("env", P, env),
	SV("args", P, args),
	S("commandLine", P, command_line),
	A("rlimits", P, rlimits, rlimit_s, 64),
	S("apparmorProfile", P, apparmor_profile),
	OH("capabilities", P, caps, caps_s, has_caps),
	B("noNewPrivileges", P, no_new_privileges),
	N("oomScoreAdj", P, oom_score_adj, -1000, 1000),
	S("selinuxLabel", P, selinux_label),
	O("user", P, user, user_s),
	O("ioPriority", P, io_priority, ioprio_s),
	O("scheduler", P, scheduler, sched_s),
	O("execCPUAffinity", P, exec_cpu_affinity, cpuaff_s),
};
SCHEMA(process_s, P);

static const struct field hook_s_f[] = {
	SREQ("path", struct hook_cfg, path),
	SV("args", struct hook_cfg, args),
	SV("env", struct hook_cfg, env),
	N("timeout", struct hook_cfg, timeout, 1, INT32_MAX),
};
SCHEMA(hook_s, struct hook_cfg);

static const struct field hooks_s_f[] = {
	A("prestart", struct hooks_cfg, prestart, hook_s, 1024),
	A("createRuntime", struct hooks_cfg, create_runtime, hook_s, 1024),
	A("createContainer", struct hooks_cfg, create_container, hook_s, 1024),
	A("startContainer", struct hooks_cfg, start_container, hook_s, 1024),
	A("poststart", struct hooks_cfg, poststart, hook_s, 1024),
	A("poststop", struct hooks_cfg, poststop, hook_s, 1024),
};
SCHEMA(hooks_s, struct hooks_cfg);

static const struct field ns_s_f[] = {
	E("type", struct ns_cfg, type, ns_names, true),
	S("path", struct ns_cfg, path),
};
SCHEMA(ns_s, struct ns_cfg);

static const struct field device_s_f[] = {
	E("type", struct device_cfg, type, dev_types, true),
	SREQ("path", struct device_cfg, path),
	N("major", struct device_cfg, major, 0, INT64_MAX),
	N("minor", struct device_cfg, minor, 0, INT64_MAX),
	N("fileMode", struct device_cfg, file_mode, 0, U32MAX),
	N("uid", struct device_cfg, uid, 0, IDMAX),
	N("gid", struct device_cfg, gid, 0, IDMAX),
};
SCHEMA(device_s, struct device_cfg);

typedef struct resources_cfg R;
static const struct field memory_s_f[] = {
	N("limit", typeof(((R *)0)->memory), limit, INT64_MIN, INT64_MAX),
	N("reservation", typeof(((R *)0)->memory), reservation, INT64_MIN, INT64_MAX),
	N("swap", typeof(((R *)0)->memory), swap, INT64_MIN, INT64_MAX),
	N("kernel", typeof(((R *)0)->memory), kernel, INT64_MIN, INT64_MAX),
	N("kernelTCP", typeof(((R *)0)->memory), kernel_tcp, INT64_MIN, INT64_MAX),
	U("swappiness", typeof(((R *)0)->memory), swappiness),
	OB("disableOOMKiller", typeof(((R *)0)->memory), disable_oom_killer),
	OB("useHierarchy", typeof(((R *)0)->memory), use_hierarchy),
	OB("checkBeforeUpdate", typeof(((R *)0)->memory), check_before_update),
};
SCHEMA(memory_s, typeof(((R *)0)->memory));
static const struct field cpu_s_f[] = {
	U("shares", typeof(((R *)0)->cpu), shares),
	N("quota", typeof(((R *)0)->cpu), quota, INT64_MIN, INT64_MAX),
	U("burst", typeof(((R *)0)->cpu), burst),
	U("period", typeof(((R *)0)->cpu), period),
	N("realtimeRuntime", typeof(((R *)0)->cpu), realtime_runtime, INT64_MIN, INT64_MAX),
	U("realtimePeriod", typeof(((R *)0)->cpu), realtime_period),
	S("cpus", typeof(((R *)0)->cpu), cpus),
	S("mems", typeof(((R *)0)->cpu), mems),
	N("idle", typeof(((R *)0)->cpu), idle, INT64_MIN, INT64_MAX),
};
SCHEMA(cpu_s, typeof(((R *)0)->cpu));
static const struct field pids_s_f[] = { N("limit", typeof(((R *)0)->pids), limit, INT64_MIN, INT64_MAX) };
SCHEMA(pids_s, typeof(((R *)0)->pids));
static const struct field wdev_s_f[] = {
	NREQ("major", struct weight_dev_cfg, major, INT64_MIN, INT64_MAX),
	NREQ("minor", struct weight_dev_cfg, minor, INT64_MIN, INT64_MAX),
	N("weight", struct weight_dev_cfg, weight, 0, 65535),
	N("leafWeight", struct weight_dev_cfg, leaf_weight, 0, 65535),
};
SCHEMA(wdev_s, struct weight_dev_cfg);
static const struct field tdev_s_f[] = {
	NREQ("major", struct throttle_dev_cfg, major, INT64_MIN, INT64_MAX),
	NREQ("minor", struct throttle_dev_cfg, minor, INT64_MIN, INT64_MAX),
	UREQ("rate", struct throttle_dev_cfg, rate),
};
SCHEMA(tdev_s, struct throttle_dev_cfg);
static const struct field blkio_s_f[] = {
	N("weight", typeof(((R *)0)->block_io), weight, 0, 65535),
	N("leafWeight", typeof(((R *)0)->block_io), leaf_weight, 0, 65535),
	A("weightDevice", typeof(((R *)0)->block_io), weight_device, wdev_s, 1024),
	A("throttleReadBpsDevice", typeof(((R *)0)->block_io), throttle_read_bps, tdev_s, 1024),
	A("throttleWriteBpsDevice", typeof(((R *)0)->block_io), throttle_write_bps, tdev_s, 1024),
	A("throttleReadIOPSDevice", typeof(((R *)0)->block_io), throttle_read_iops, tdev_s, 1024),
	A("throttleWriteIOPSDevice", typeof(((R *)0)->block_io), throttle_write_iops, tdev_s, 1024),
};
SCHEMA(blkio_s, typeof(((R *)0)->block_io));
static const struct field huge_s_f[] = {
	SREQ("pageSize", struct hugepage_cfg, page_size),
	UREQ("limit", struct hugepage_cfg, limit),
};
SCHEMA(huge_s, struct hugepage_cfg);
static const struct field prio_s_f[] = {
	SREQ("name", struct prio_cfg, name),
	NREQ("priority", struct prio_cfg, priority, 0, U32MAX),
};
SCHEMA(prio_s, struct prio_cfg);
static const struct field net_s_f[] = {
	N("classID", typeof(((R *)0)->network), class_id, 0, U32MAX),
	A("priorities", typeof(((R *)0)->network), priorities, prio_s, 1024),
};
SCHEMA(net_s, typeof(((R *)0)->network));
static const struct field rdma_s_f[] = {
	N("hcaHandles", struct rdma_cfg, hca_handles, 0, U32MAX),
	N("hcaObjects", struct rdma_cfg, hca_objects, 0, U32MAX),
};
SCHEMA(rdma_s, struct rdma_cfg);
static const struct field devrule_s_f[] = {
	{ "allow", F_BOOL, offsetof(struct dev_rule_cfg, allow), NULL, 0, 0, true, 0 },
	S("type", struct dev_rule_cfg, type),
	N("major", struct dev_rule_cfg, major, INT64_MIN, INT64_MAX),
	N("minor", struct dev_rule_cfg, minor, INT64_MIN, INT64_MAX),
	S("access", struct dev_rule_cfg, access),
};
SCHEMA(devrule_s, struct dev_rule_cfg);
static const struct field resources_s_f[] = {
	O("memory", R, memory, memory_s),
	O("cpu", R, cpu, cpu_s),
	O("pids", R, pids, pids_s),
	O("blockIO", R, block_io, blkio_s),
	A("hugepageLimits", R, hugepage_limits, huge_s, 64),
	O("network", R, network, net_s),
	M("rdma", R, rdma, rdma_s),
	A("devices", R, devices, devrule_s, 4096),
	KV("unified", R, unified),
};
SCHEMA(resources_s, R);

static const struct field scarg_s_f[] = {
	NREQ("index", struct seccomp_arg_cfg, index, 0, 5),
	UREQ("value", struct seccomp_arg_cfg, value),
	U("valueTwo", struct seccomp_arg_cfg, value_two),
	SREQ("op", struct seccomp_arg_cfg, op),
};
SCHEMA(scarg_s, struct seccomp_arg_cfg);
static const struct field scrule_s_f[] = {
	{ "names", F_STRV, offsetof(struct seccomp_rule_cfg, names), NULL, 0, 4096, true, 0 },
	SREQ("action", struct seccomp_rule_cfg, action),
	N("errnoRet", struct seccomp_rule_cfg, errno_ret, INT64_MIN, INT64_MAX),
	A("args", struct seccomp_rule_cfg, args, scarg_s, 6),
};
SCHEMA(scrule_s, struct seccomp_rule_cfg);
static const struct field seccomp_s_f[] = {
	SREQ("defaultAction", struct seccomp_cfg, default_action),
	N("defaultErrnoRet", struct seccomp_cfg, default_errno_ret, INT64_MIN, INT64_MAX),
	SV("architectures", struct seccomp_cfg, architectures),
	SV("flags", struct seccomp_cfg, flags),
	S("listenerPath", struct seccomp_cfg, listener_path),
	S("listenerMetadata", struct seccomp_cfg, listener_metadata),
	A("syscalls", struct seccomp_cfg, syscalls, scrule_s, 4096),
};
SCHEMA(seccomp_s, struct seccomp_cfg);

static const struct field timeoff_s_f[] = {
	N("secs", struct timeoff_cfg, secs, INT64_MIN, INT64_MAX),
	N("nanosecs", struct timeoff_cfg, nanosecs, 0, U32MAX),
};
SCHEMA(timeoff_s, struct timeoff_cfg);
typedef struct linux_cfg L;
static const struct field timeoffs_s_f[] = {
	O("monotonic", typeof(((L *)0)->time_offsets), monotonic, timeoff_s),
	O("boottime", typeof(((L *)0)->time_offsets), boottime, timeoff_s),
};
SCHEMA(timeoffs_s, typeof(((L *)0)->time_offsets));
static const struct field pers_s_f[] = {
	E("domain", typeof(((L *)0)->personality), domain, personality_domains, true),
	SV("flags", typeof(((L *)0)->personality), flags),
};
SCHEMA(pers_s, typeof(((L *)0)->personality));
static const struct field netdev_s_f[] = { S("name", struct netdev_cfg, name) };
static const struct field mpol_s_f[] = {
	E("mode", typeof(((L *)0)->memory_policy), mode, mpol_modes, true),
	S("nodes", typeof(((L *)0)->memory_policy), nodes),
	SV("flags", typeof(((L *)0)->memory_policy), flags),
};
SCHEMA(mpol_s, typeof(((L *)0)->memory_policy));
SCHEMA(netdev_s, struct netdev_cfg);
static const struct field any_s_f[] = { { "", F_TOK, 0, NULL, 0, 0, false, 0 } };
static const struct schema any_s = { any_s_f, 0, 1 };

static const struct field linux_s_f[] = {
	A("namespaces", L, namespaces, ns_s, 16),
	A("uidMappings", L, uid_mappings, idmap_s, 340),
	A("gidMappings", L, gid_mappings, idmap_s, 340),
	A("devices", L, devices, device_s, 4096),
	S("cgroupsPath", L, cgroups_path),
	OH("resources", L, resources, resources_s, has_resources),
	S("rootfsPropagation", L, rootfs_propagation),
	OH("seccomp", L, seccomp, seccomp_s, has_seccomp),
	KV("sysctl", L, sysctl),
	SV("maskedPaths", L, masked_paths),
	SV("readonlyPaths", L, readonly_paths),
	S("mountLabel", L, mount_label),
	OH("personality", L, personality, pers_s, has_personality),
	O("timeOffsets", L, time_offsets, timeoffs_s),
	M("netDevices", L, net_devices, netdev_s),
	OH("intelRdt", L, has_intel_rdt, any_s, has_intel_rdt),
	OH("memoryPolicy", L, memory_policy, mpol_s, has_memory_policy),
};
SCHEMA(linux_s, L);

static const struct field root_s_f[] = {
	SREQ("path", typeof(((struct config *)0)->root), path),
	B("readonly", typeof(((struct config *)0)->root), readonly),
};
SCHEMA(root_s, typeof(((struct config *)0)->root));

static const struct field config_s_f[] = {
	SREQ("ociVersion", struct config, oci_version),
	OH("root", struct config, root, root_s, has_root),
	A("mounts", struct config, mounts, mount_s, 4096),
	OH("process", struct config, process, process_s, has_process),
	S("hostname", struct config, hostname),
	S("domainname", struct config, domainname),
	O("hooks", struct config, hooks, hooks_s),
	KV("annotations", struct config, annotations),
	OH("linux", struct config, linux, linux_s, has_linux),
};
SCHEMA(config_s, struct config);

struct cfg_parser {
	struct json *j;
	jmp_buf fail;
};

static NORETURN PRINTF(3, 4) void cfg_error(struct cfg_parser *p, int tok, const char *fmt, ...)
{
	char path[96], what[150];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	json_path(p->j, tok, path, sizeof path);
	snprintf(p->j->err, sizeof p->j->err, "%s: %s", path, what);
	longjmp(p->fail, 1);
}

static const char *const json_type_names[] = { "undefined", "an object", "an array", "a string", "a primitive" };

static void cfg_expect(struct cfg_parser *p, int tok, jsmntype_t type)
{
	if (p->j->tok[tok].type != type)
		cfg_error(p, tok, "must be %s", json_type_names[type]);
}

static const char *cfg_string(struct cfg_parser *p, int tok)
{
	cfg_expect(p, tok, JSMN_STRING);
	return p->j->buf + p->j->tok[tok].start;
}

/* A JSON integer (no fraction, no exponent) within [min, max]. */
static int64_t cfg_int(struct cfg_parser *p, int tok, int64_t min, int64_t max)
{
	const jsmntok_t *t = &p->j->tok[tok];
	char buf[32];
	int len = t->end - t->start;

	if (t->type != JSMN_PRIMITIVE || !strchr("-0123456789", p->j->buf[t->start]))
		cfg_error(p, tok, "must be an integer");
	if (len >= (int)sizeof buf)
		cfg_error(p, tok, "number out of range");
	memcpy(buf, p->j->buf + t->start, (size_t)len);
	buf[len] = 0;
	if (strpbrk(buf, ".eE"))
		cfg_error(p, tok, "must be an integer");
	long long v;
	if (parse_llong(buf, min, max, &v) < 0)
		cfg_error(p, tok, "%s out of range [%lld, %lld]", buf, (long long)min, (long long)max);
	return v;
}

static uint64_t cfg_uint64(struct cfg_parser *p, int tok)
{
	const jsmntok_t *t = &p->j->tok[tok];
	char buf[32], *end;
	int len = t->end - t->start;

	if (t->type != JSMN_PRIMITIVE || !isdigit((unsigned char)p->j->buf[t->start]))
		cfg_error(p, tok, "must be a non-negative integer");
	if (len >= (int)sizeof buf)
		cfg_error(p, tok, "number out of range");
	memcpy(buf, p->j->buf + t->start, (size_t)len);
	buf[len] = 0;
	if (strpbrk(buf, ".eE"))
		cfg_error(p, tok, "must be an integer");
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || *end)
		cfg_error(p, tok, "%s out of range for uint64", buf);
	return v;
}

static void cfg_object(struct cfg_parser *p, int tok, const struct schema *s, void *dst);

static void cfg_strv(struct cfg_parser *p, int tok, const struct field *f, struct strv *sv)
{
	cfg_expect(p, tok, JSMN_ARRAY);
	int n = p->j->tok[tok].size;
	if (n > f->max)
		cfg_error(p, tok, "more than %lld entries", (long long)f->max);
	sv->v = json_alloc(p->j, sizeof(char *) * (size_t)(n + 1));
	sv->n = n;
	for (int k = 0, t = tok + 1; k < n; k++, t++)
		sv->v[k] = (char *)cfg_string(p, t);
}

static void cfg_value(struct cfg_parser *p, int tok, const struct field *f, void *dst)
{
	const jsmntok_t *t = &p->j->tok[tok];

	switch (f->type) {
	case F_STR:
		*(const char **)dst = cfg_string(p, tok);
		break;
	case F_BOOL:
	case F_OBOOL:
		if (t->type != JSMN_PRIMITIVE || !strchr("tf", p->j->buf[t->start]))
			cfg_error(p, tok, "must be a boolean");
		*(bool *)dst = p->j->buf[t->start] == 't';
		if (f->type == F_OBOOL)
			((struct obool *)dst)->set = true;
		break;
	case F_NUM:
		((struct num *)dst)->v = cfg_int(p, tok, f->min, f->max);
		((struct num *)dst)->set = true;
		break;
	case F_UNUM:
		((struct unum *)dst)->v = cfg_uint64(p, tok);
		((struct unum *)dst)->set = true;
		break;
	case F_STRV:
		cfg_strv(p, tok, f, dst);
		break;
	case F_KVS: {
		struct kvs *m = dst;
		cfg_expect(p, tok, JSMN_OBJECT);
		if (t->size > f->max)
			cfg_error(p, tok, "more than %lld entries", (long long)f->max);
		m->v = json_alloc(p->j, sizeof(struct kv) * (size_t)t->size);
		for (int k = 0, i = tok + 1; k < t->size; k++, i += 2) {
			m->v[k].k = p->j->buf + p->j->tok[i].start;
			m->v[k].v = cfg_string(p, i + 1);
		}
		m->n = t->size;
		break;
	}
	case F_OBJ:
		cfg_object(p, tok, f->sub, dst);
		break;
	case F_HASOBJ:
		cfg_object(p, tok, f->sub, dst);
		break;
	case F_TOK:
		break;
	case F_ARR:
	case F_MAPOBJ: {
		const struct schema *s = f->sub;
		struct arr *a = dst;
		cfg_expect(p, tok, f->type == F_ARR ? JSMN_ARRAY : JSMN_OBJECT);
		if (t->size > f->max)
			cfg_error(p, tok, "more than %lld entries", (long long)f->max);
		a->n = t->size;
		a->v = json_alloc(p->j, s->size * (size_t)t->size);
		for (int k = 0, i = tok + 1; k < t->size; k++) {
			char *elem = (char *)a->v + s->size * (size_t)k;
			if (f->type == F_MAPOBJ) {
				*(const char **)elem = p->j->buf + p->j->tok[i].start;
				i++;
			}
			if (s->nfields == 1 && !s->fields[0].name[0])
				cfg_value(p, i, &s->fields[0], elem);  /* array of scalars */
			else
				cfg_object(p, i, s, elem);
			i = json_next(p->j, i);
		}
		break;
	}
	case F_ENUM: {
		const char *const *names = f->sub;
		const char *v = cfg_string(p, tok);
		for (int k = 0; names[k]; k++) {
			if (!strcmp(names[k], v)) {
				*(int *)dst = k + 1;
				return;
			}
		}
		cfg_error(p, tok, "unknown value \"%s\"", v);
	}
	}
}

static void cfg_object(struct cfg_parser *p, int tok, const struct schema *s, void *dst)
{
	uint64_t seen = 0;

	cfg_expect(p, tok, JSMN_OBJECT);
	for (int k = 0, i = tok + 1; k < p->j->tok[tok].size; k++) {
		const char *key = p->j->buf + p->j->tok[i].start;
		for (size_t f = 0; f < s->nfields; f++) {
			if (s->fields[f].name[0] != key[0] || strcmp(s->fields[f].name, key))
				continue;
			const struct field *fd = &s->fields[f];
			const jsmntok_t *v = &p->j->tok[i + 1];
			/* null is the field left out, as runc and crun read it (older
			 * oci-spec-rs writes "type": null into every default spec) */
			if (v->type == JSMN_PRIMITIVE && p->j->buf[v->start] == 'n')
				continue;
			cfg_value(p, i + 1, fd, (char *)dst + fd->off);
			if (fd->type == F_HASOBJ)
				*(bool *)((char *)dst + fd->has_off) = true;
			seen |= 1ull << f;
		}
		i = json_next(p->j, i + 1);
	}
	for (size_t f = 0; f < s->nfields; f++)
		if (s->fields[f].required && !(seen & (1ull << f)))
			cfg_error(p, tok, "\"%s\" is required", s->fields[f].name);
}

/* Mount options of config.md: flags to set or clear, propagation, and the
 * recursive ("r"-prefixed) attributes applied with mount_setattr(2). */
enum { MO_SET, MO_CLEAR, MO_PROP, MO_RSET, MO_RCLR, MO_BIND, MO_RBIND, MO_NOOP, MO_COPYUP, MO_IDMAP };
static const struct mount_opt {
	const char *name;
	int kind;
	unsigned long flag;
} mount_opts[] = {
	{ "async", MO_CLEAR, MS_SYNCHRONOUS }, { "atime", MO_CLEAR, MS_NOATIME },
	{ "bind", MO_BIND, MS_BIND }, { "defaults", MO_NOOP, 0 },
	{ "dev", MO_CLEAR, MS_NODEV }, { "diratime", MO_CLEAR, MS_NODIRATIME },
	{ "dirsync", MO_SET, MS_DIRSYNC }, { "exec", MO_CLEAR, MS_NOEXEC },
	{ "iversion", MO_SET, MS_I_VERSION }, { "lazytime", MO_SET, MS_LAZYTIME },
	{ "loud", MO_CLEAR, MS_SILENT }, { "mand", MO_SET, MS_MANDLOCK },
	{ "noatime", MO_SET, MS_NOATIME }, { "nodev", MO_SET, MS_NODEV },
	{ "nodiratime", MO_SET, MS_NODIRATIME }, { "noexec", MO_SET, MS_NOEXEC },
	{ "noiversion", MO_CLEAR, MS_I_VERSION }, { "nolazytime", MO_CLEAR, MS_LAZYTIME },
	{ "nomand", MO_CLEAR, MS_MANDLOCK }, { "norelatime", MO_CLEAR, MS_RELATIME },
	{ "nostrictatime", MO_CLEAR, MS_STRICTATIME }, { "nosuid", MO_SET, MS_NOSUID },
	{ "nosymfollow", MO_SET, MS_NOSYMFOLLOW }, { "symfollow", MO_CLEAR, MS_NOSYMFOLLOW },
	{ "rbind", MO_RBIND, MS_BIND | MS_REC }, { "relatime", MO_SET, MS_RELATIME },
	{ "remount", MO_SET, MS_REMOUNT }, { "ro", MO_SET, MS_RDONLY }, { "rw", MO_CLEAR, MS_RDONLY },
	{ "silent", MO_SET, MS_SILENT }, { "strictatime", MO_SET, MS_STRICTATIME },
	{ "suid", MO_CLEAR, MS_NOSUID }, { "sync", MO_SET, MS_SYNCHRONOUS },
	{ "private", MO_PROP, MS_PRIVATE }, { "rprivate", MO_PROP, MS_PRIVATE | MS_REC },
	{ "shared", MO_PROP, MS_SHARED }, { "rshared", MO_PROP, MS_SHARED | MS_REC },
	{ "slave", MO_PROP, MS_SLAVE }, { "rslave", MO_PROP, MS_SLAVE | MS_REC },
	{ "unbindable", MO_PROP, MS_UNBINDABLE }, { "runbindable", MO_PROP, MS_UNBINDABLE | MS_REC },
	{ "rro", MO_RSET, MOUNT_ATTR_RDONLY }, { "rrw", MO_RCLR, MOUNT_ATTR_RDONLY },
	{ "rnosuid", MO_RSET, MOUNT_ATTR_NOSUID }, { "rsuid", MO_RCLR, MOUNT_ATTR_NOSUID },
	{ "rnodev", MO_RSET, MOUNT_ATTR_NODEV }, { "rdev", MO_RCLR, MOUNT_ATTR_NODEV },
	{ "rnoexec", MO_RSET, MOUNT_ATTR_NOEXEC }, { "rexec", MO_RCLR, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", MO_RSET, MOUNT_ATTR_NODIRATIME }, { "rdiratime", MO_RCLR, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", MO_RSET, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", MO_RCLR, MOUNT_ATTR_NOSYMFOLLOW },
	/* the atime family is one field: set it whole, clearing the others */
	{ "rrelatime", MO_RSET, MOUNT_ATTR_RELATIME | (1ul << 31) },
	{ "rnorelatime", MO_RSET, MOUNT_ATTR_RELATIME | (1ul << 31) },
	{ "rnoatime", MO_RSET, MOUNT_ATTR_NOATIME | (1ul << 31) },
	{ "ratime", MO_RSET, MOUNT_ATTR_RELATIME | (1ul << 31) },
	{ "rstrictatime", MO_RSET, MOUNT_ATTR_STRICTATIME | (1ul << 31) },
	{ "rnostrictatime", MO_RSET, MOUNT_ATTR_RELATIME | (1ul << 31) },
	{ "tmpcopyup", MO_COPYUP, 0 }, { "idmap", MO_IDMAP, 0 }, { "ridmap", MO_IDMAP, 0 },
};

static int cfg_mount_options(struct json *j, struct mount_cfg *m, char *err, size_t errsize)
{
	size_t datalen = 1;
	(void)err; /* (no option is refused any more: unknown ones are data) */
	(void)errsize;

	for (int i = 0; i < m->options.n; i++)
		datalen += strlen(m->options.v[i]) + 1;
	m->data = json_alloc(j, datalen);
	for (int i = 0; i < m->options.n; i++) {
		const char *o = m->options.v[i];
		const struct mount_opt *mo = NULL;
		for (size_t k = 0; k < ARRAY_LEN(mount_opts); k++)
			if (!strcmp(mount_opts[k].name, o))
				mo = &mount_opts[k];
		if (!mo) { /* filesystem-specific: passed to mount(2) as data */
			if (m->data[0])
				strcat(m->data, ",");
			strcat(m->data, o);
			continue;
		}
		switch (mo->kind) {
		case MO_SET: m->flags |= mo->flag; m->clear &= ~mo->flag; break;
		case MO_CLEAR: m->clear |= mo->flag; m->flags &= ~mo->flag; break;
		case MO_PROP: m->prop = mo->flag; break;
		case MO_RSET:
			if (mo->flag & (1ul << 31)) {
				m->rattr_clr |= MOUNT_ATTR__ATIME;
				m->rattr_set = (m->rattr_set & ~(uint64_t)MOUNT_ATTR__ATIME) |
					       (mo->flag & ~(1ul << 31));
			} else {
				m->rattr_set |= mo->flag;
				m->rattr_clr &= ~(uint64_t)mo->flag;
			}
			break;
		case MO_RCLR: m->rattr_clr |= mo->flag; m->rattr_set &= ~(uint64_t)mo->flag; break;
		case MO_BIND: m->bind = true; break;
		case MO_RBIND: m->bind = m->rec = true; break;
		case MO_NOOP: break;
		case MO_COPYUP: m->tmpcopyup = true; break;
		case MO_IDMAP:
			m->idmap = true;
			m->ridmap |= o[0] == 'r';
			break;
		}
	}
	if (m->type && !strcmp(m->type, "bind"))
		m->bind = true;
	return 0;
}

/* One capability set's names into its bit mask; a name this build does
 * not know is an error (config.md: a value that cannot be mapped to the
 * kernel MUST cause an error). */
static int cfg_caps_mask(const struct strv *names, const char *set, uint64_t *mask, char *err, size_t n)
{
	*mask = 0;
	for (int i = 0; i < names->n; i++) {
		int k = 0;
		while (cap_names[k] && strcasecmp(cap_names[k], names->v[i]))
			k++;
		if (!cap_names[k]) {
			snprintf(err, n, "%s[%d]: unknown capability \"%s\"", set, i, names->v[i]);
			return -1;
		}
		*mask |= 1ull << k;
	}
	return 0;
}

/* The five sets of a process's capabilities; where names the object. */
static int cfg_caps(struct caps_cfg *c, const char *where, char *err, size_t n)
{
	const struct { struct strv *names; const char *set; uint64_t *mask; } sets[] = {
		{ &c->bounding, "bounding", &c->b }, { &c->effective, "effective", &c->e },
		{ &c->inheritable, "inheritable", &c->i }, { &c->permitted, "permitted", &c->p },
		{ &c->ambient, "ambient", &c->a },
	};
	for (size_t k = 0; k < ARRAY_LEN(sets); k++) {
		char set[80], why[200];
		snprintf(set, sizeof set, "%s.%s", where, sets[k].set);
		if (cfg_caps_mask(sets[k].names, set, sets[k].mask, why, sizeof why) < 0) {
			snprintf(err, n, "%s", why);
			return -1;
		}
	}
	return 0;
}

static bool path_has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == 0 || s[2] == '/'))
			return true;
	return false;
}

static int seccomp_validate(const struct seccomp_cfg *sc, char *err, size_t n);

/* The namespace a sysctl belongs to, or 0 if it is global. */
static unsigned long sysctl_namespace(const char *key)
{
	char k[128];
	snprintf(k, sizeof k, "%s", key);
	for (char *p = k; *p; p++) /* "kernel/shm_rmid_forced" is the same key */
		if (*p == '/')
			*p = '.';
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
					   "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
					   "kernel.shm_rmid_forced" };
	for (size_t i = 0; i < ARRAY_LEN(ipc); i++)
		if (!strcmp(k, ipc[i]))
			return CLONE_NEWIPC;
	if (!strncmp(k, "fs.mqueue.", 10))
		return CLONE_NEWIPC;
	if (!strncmp(k, "net.", 4))
		return CLONE_NEWNET;
	if (!strcmp(k, "kernel.domainname"))
		return CLONE_NEWUTS;
	return 0;
}

static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

/*
 * A list like "0-3,7" (CPUs, NUMA nodes) into a bit mask of nbits bits
 * (mask may be NULL to only check the syntax).
 */
static int parse_id_list(const char *s, unsigned long *mask, unsigned nbits)
{
	const unsigned W = 8 * sizeof(unsigned long);
	if (mask)
		memset(mask, 0, (nbits + W - 1) / W * sizeof(unsigned long));
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		if (!isdigit((unsigned char)*s))
			return -1;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -1;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || b >= 65536 || (mask && b >= nbits))
			return -1;
		for (unsigned long i = a; mask && i <= b; i++)
			mask[i / W] |= 1ul << (i % W);
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return 0;
}

/*
 * Semantic checks that the field tables cannot express.  Like parsing,
 * this looks at nothing on the host: the same config is judged the same
 * way everywhere.
 */
static int cfg_validate(struct config *c, char *err, size_t n)
{
	struct linux_cfg *l = &c->linux;

#define FAIL(...) do { snprintf(err, n, __VA_ARGS__); return -1; } while (0)
	for (int i = 0; i < l->namespaces.n; i++) {
		struct ns_cfg *ns = ARR_AT(l->namespaces, struct ns_cfg, i);
		unsigned long f = ns_flags[ns->type - 1];
		if ((c->ns_new | c->ns_join) & f)
			FAIL("linux.namespaces[%d]: duplicate namespace type \"%s\"", i, ns_names[ns->type - 1]);
		if (ns->path && ns->path[0] != '/')
			FAIL("linux.namespaces[%d].path: must be absolute", i);
		if (ns->path)
			c->ns_join |= f;
		else
			c->ns_new |= f;
	}
	bool userns = (c->ns_new | c->ns_join) & CLONE_NEWUSER;
	if (!userns && l->uid_mappings.n)
		FAIL("linux.uidMappings: id mappings need a user namespace");
	if (!userns && l->gid_mappings.n)
		FAIL("linux.gidMappings: id mappings need a user namespace");
	/* (a config without a linux section is refused at create, for its
	 * missing mount namespace; other platforms' examples still parse) */
	bool uts = !c->has_linux || ((c->ns_new | c->ns_join) & CLONE_NEWUTS);
	if (c->hostname && c->hostname[0] && !uts)
		FAIL("hostname: setting a hostname needs a uts namespace");
	if (c->domainname && c->domainname[0] && !uts)
		FAIL("domainname: setting a domainname needs a uts namespace");
	if (c->has_process) {
		struct process_cfg *pr = &c->process;
		if (pr->args.n < 1)
			FAIL("process.args: at least one argument is required");
		if (pr->cwd[0] != '/')
			FAIL("process.cwd: must be an absolute path");
		for (int i = 0; i < pr->env.n; i++)
			if (!strchr(pr->env.v[i], '='))
				FAIL("process.env[%d]: must have the form KEY=value", i);
		for (int i = 0; i < pr->rlimits.n; i++)
			for (int k = 0; k < i; k++)
				if (ARR_AT(pr->rlimits, struct rlimit_cfg, i)->type ==
				    ARR_AT(pr->rlimits, struct rlimit_cfg, k)->type)
					FAIL("process.rlimits[%d]: duplicate type %s", i,
					     rlimit_names[ARR_AT(pr->rlimits, struct rlimit_cfg, i)->type - 1]);
		for (int i = 0; i < pr->rlimits.n; i++) {
			struct rlimit_cfg *r = ARR_AT(pr->rlimits, struct rlimit_cfg, i);
			if (r->soft.v > r->hard.v)
				FAIL("process.rlimits[%d]: soft limit above hard limit", i);
		}
		if (cfg_caps(&pr->caps, "process.capabilities", err, n) < 0)
			return -1;
	}
	for (int i = 0; i < c->mounts.n; i++) {
		struct mount_cfg *m = ARR_AT(c->mounts, struct mount_cfg, i);
		char why[160];
		if (!m->destination[0])
			FAIL("mounts[%d].destination: must not be empty", i);
		if (cfg_mount_options(&c->json, m, why, sizeof why) < 0)
			FAIL("mounts[%d].options: %s", i, why);
		if (!m->uid_mappings.n != !m->gid_mappings.n)
			FAIL("mounts[%d].%s: uidMappings and gidMappings go together", i,
			     m->uid_mappings.n ? "gidMappings" : "uidMappings");
		m->idmap |= m->uid_mappings.n > 0;
		if (m->idmap && !m->bind)
			FAIL("mounts[%d].options: an idmapped mount must be a bind mount", i);
		if (m->idmap && !m->uid_mappings.n && !((c->ns_new | c->ns_join) & CLONE_NEWUSER))
			FAIL("mounts[%d].options: idmap without uidMappings needs the container's user namespace", i);
		if (m->bind && (!m->source || !m->source[0]))
			FAIL("mounts[%d].source: a bind mount needs a source", i);
		if (!m->bind && (!m->type || !m->type[0]))
			FAIL("mounts[%d].type: required unless the mount is a bind mount", i);
	}
	for (int i = 0; i < l->devices.n; i++) {
		struct device_cfg *d = ARR_AT(l->devices, struct device_cfg, i);
		if (d->path[0] != '/')
			FAIL("linux.devices[%d].path: must be absolute", i);
		if (d->type != 4 && (!d->major.set || !d->minor.set))
			FAIL("linux.devices[%d]: major and minor are required for type %s", i,
			     dev_types[d->type - 1]);
		if (d->major.v > 0xfff || d->minor.v > 0xfffff)
			FAIL("linux.devices[%d]: major or minor out of range", i);
	}
	for (int i = 0; i < l->sysctl.n; i++) {
		const char *k = l->sysctl.v[i].k;
		if (!*k || strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/") !=
				   strlen(k) || path_has_dotdot(k) || k[0] == '/' || strstr(k, ".."))
			FAIL("linux.sysctl: invalid key \"%s\"", k);
		/* as runc and crun: the hostname field says it, not a sysctl
		 * that would quietly override it */
		if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel/hostname"))
			FAIL("linux.sysctl: \"%s\": set the container's hostname with the hostname field", k);
		unsigned long ns = sysctl_namespace(k);
		/* a sysctl outside the container's own namespaces would change
		 * the host: refused, as runc does */
		if (!ns)
			FAIL("linux.sysctl: \"%s\" is not namespaced: it would change the host", k);
		if (c->has_linux && !((c->ns_new | c->ns_join) & ns))
			FAIL("linux.sysctl: \"%s\" needs the container's own %s namespace", k,
			     ns == CLONE_NEWNET ? "network" : ns == CLONE_NEWIPC ? "ipc" : "uts");
	}
	if (l->rootfs_propagation && l->rootfs_propagation[0]) {
		static const char *const props[] = { "private", "rprivate", "slave", "rslave", "shared",
						     "rshared", "unbindable", "runbindable" };
		size_t k = 0;
		while (k < ARRAY_LEN(props) && strcmp(props[k], l->rootfs_propagation))
			k++;
		if (k == ARRAY_LEN(props))
			FAIL("linux.rootfsPropagation: unknown value \"%s\"", l->rootfs_propagation);
	}
	for (int i = 0; i < l->resources.hugepage_limits.n; i++) {
		const char *ps = ARR_AT(l->resources.hugepage_limits, struct hugepage_cfg, i)->page_size;
		size_t d = strspn(ps, "0123456789");
		if (!d || ps[0] == '0' || !strchr("KMG", ps[d]) || !ps[d] || strcmp(ps + d + 1, "B"))
			FAIL("linux.resources.hugepageLimits[%d].pageSize: \"%s\" is not like 2MB", i, ps);
	}
	for (int i = 0; i < l->resources.devices.n; i++) {
		struct dev_rule_cfg *d = ARR_AT(l->resources.devices, struct dev_rule_cfg, i);
		if (d->type && (strlen(d->type) != 1 || !strchr("abc", d->type[0])))
			FAIL("linux.resources.devices[%d].type: must be a, b or c", i);
		if (d->access && strspn(d->access, "rwm") != strlen(d->access))
			FAIL("linux.resources.devices[%d].access: only r, w and m are allowed", i);
	}
	if (l->has_seccomp && seccomp_validate(&l->seccomp, err, n) < 0)
		return -1;
	if (c->has_process) {
		const struct process_cfg *pr = &c->process;
		const char *lists[] = { pr->exec_cpu_affinity.initial, pr->exec_cpu_affinity.final };
		for (int i = 0; i < 2; i++)
			if (lists[i] && parse_id_list(lists[i], NULL, 0) < 0)
				FAIL("process.execCPUAffinity.%s: \"%s\" is not a CPU list like 0-3,7",
				     i ? "final" : "initial", lists[i]);
		for (int i = 0; i < pr->scheduler.flags.n; i++)
			if (name_index(sched_flags, pr->scheduler.flags.v[i]) < 0)
				FAIL("process.scheduler.flags[%d]: unknown flag \"%s\"", i, pr->scheduler.flags.v[i]);
	}
	if (l->has_memory_policy) {
		if (l->memory_policy.nodes && parse_id_list(l->memory_policy.nodes, NULL, 0) < 0)
			FAIL("linux.memoryPolicy.nodes: \"%s\" is not a node list like 0-3,7", l->memory_policy.nodes);
		for (int i = 0; i < l->memory_policy.flags.n; i++)
			if (name_index(mpol_flags, l->memory_policy.flags.v[i]) < 0)
				FAIL("linux.memoryPolicy.flags[%d]: unknown flag \"%s\"", i, l->memory_policy.flags.v[i]);
	}
	for (size_t h = 0; h < ARRAY_LEN(hooks_s_f); h++) {
		const struct arr *hooks = (const struct arr *)((const char *)&c->hooks + hooks_s_f[h].off);
		for (int i = 0; i < hooks->n; i++)
			if (ARR_AT(*hooks, struct hook_cfg, i)->path[0] != '/')
				FAIL("hooks.%s[%d].path: \"%s\" must be absolute", hooks_s_f[h].name, i,
				     ARR_AT(*hooks, struct hook_cfg, i)->path);
	}
#undef FAIL
	return 0;
}

/*
 * Parse the document in buf, which must be an object, into dst through
 * schema s.  Returns 0, or -1 with j->err set; what was allocated until
 * then is in j's list either way.
 */
static int cfg_parse_object(struct json *j, char *buf, size_t len, const struct schema *s, void *dst)
{
	struct cfg_parser p = { .j = j };

	if (json_parse(j, buf, len) < 0)
		return -1;
	if (j->tok[0].type != JSMN_OBJECT) {
		snprintf(j->err, sizeof j->err, "the top-level value must be an object");
		return -1;
	}
	if (setjmp(p.fail))
		return -1;
	cfg_object(&p, 0, s, dst);
	return 0;
}

/*
 * Parse and validate a config document held in buf (which is kept: the
 * config's strings point into it).  Returns 0, or -1 with c->json.err set.
 */
static int cfg_parse(struct config *c, char *buf, size_t len)
{
	if (cfg_parse_object(&c->json, buf, len, &config_s, c) < 0)
		return -1;
	return cfg_validate(c, c->json.err, sizeof c->json.err);
}

/* Release what cfg_parse() and cfg_load() made, with the malloc'd buf that
 * cfg_parse() was given.  c->bundle is not ours: it may be the state's.
 * (Only the tests and the fuzz targets free: the runtime exits.) */
static UNUSED void cfg_free(struct config *c)
{
	json_free(&c->json);
	xfree(c->json.buf);
	xfree(c->raw);
	memset(c, 0, sizeof *c);
}

/*
 * Read config.json whole.  It must be a regular file of bounded size: a
 * FIFO would block us forever and /dev/zero would never end.  O_NONBLOCK
 * keeps the open() of a FIFO from blocking before fstat() can refuse it.
 */
static char *read_config_file(int dirfd, const char *name, size_t *len, char *err, size_t errsize)
{
	int AUTOCLOSE fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (strrchr(name, '/')) /* (messages name the file, not the path) */
		name = strrchr(name, '/') + 1;
	if (fd < 0) {
		snprintf(err, errsize, "open %s: %s", name, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "%s: not a regular file", name);
		return NULL;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		snprintf(err, errsize, "%s: larger than %u bytes", name, CONFIG_MAX_BYTES);
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 2);
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errsize, "read %s: %s", name, strerror(errno));
			xfree(buf);
			return NULL;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > (size_t)st.st_size) {
			snprintf(err, errsize, "%s: changed while being read", name);
			xfree(buf);
			return NULL;
		}
		if (got == (size_t)st.st_size)
			break; /* (a short read of a regular file is its end) */
	}
	buf[got] = 0;
	*len = got;
	return buf;
}

/* One SemVer number: digits, no sign, no leading zero, no overflow. */
static const char *semver_num(const char *s, unsigned *out)
{
	unsigned long v = 0;
	const char *p = s;
	while (isdigit((unsigned char)*p) && v < 100000)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (p == s || (s[0] == '0' && p - s > 1) || isdigit((unsigned char)*p))
		return NULL;
	*out = (unsigned)v;
	return p;
}

/* ociVersion: 1.0.0 up to 1.3.x (with an optional -pre or +build) */
static int cfg_check_version(const char *v)
{
	unsigned maj, min, pat;
	const char *p = semver_num(v, &maj);
	if (!p || *p++ != '.' || !(p = semver_num(p, &min)) || *p++ != '.' || !(p = semver_num(p, &pat)) ||
	    (*p && *p != '-' && *p != '+'))
		return -1;
	return maj == 1 && min <= 3 ? 0 : -1;
}

/*
 * The bundle as the state records it: absolute, cleaned by name as runc's
 * filepath.Abs does ("." and ".." and repeated slashes folded, symlinks
 * left to the kernel).  NULL (ENAMETOOLONG, or getcwd's error) if it
 * cannot be.
 */
static char *bundle_abs(const char *b)
{
	char in[PATH_MAX * 2], out[PATH_MAX];
	size_t k = 0;
	if (strlen(b) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (b[0] != '/') {
		if (!getcwd(in, PATH_MAX))
			return NULL;
		cat3(in + strlen(in), sizeof in - strlen(in), "/", b, "");
	} else {
		cat3(in, sizeof in, b, "", "");
	}
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (k > 0 && out[--k] != '/')
				;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (k + n + 2 > sizeof out) {
				errno = ENAMETOOLONG;
				return NULL;
			}
			out[k++] = '/';
			memcpy(out + k, p, n);
			k += n;
		}
		p += n;
	}
	if (!k)
		out[k++] = '/';
	out[k] = 0;
	return xstrdup(out);
}

/* Load bundle/config.json (or crun's --config FILE) into c, or die
 * naming the file and JSON path. */
static void cfg_load(struct config *c, const char *bundle, const char *file)
{
	char err[300];
	size_t len;
	const char *name = "config.json";
	char path[PATH_MAX];
	int AUTOCLOSE dfd = file ? open_parent_dir(file, &name) : AT_FDCWD;

	memset(c, 0, sizeof *c);
	if (file && dfd < 0)
		die_errno("config %s", file);
	if (!file && (size_t)snprintf(path, sizeof path, "%s/config.json", bundle) >= sizeof path)
		die("bundle %s: path too long", bundle);
	if (!file)
		name = path;
	char *buf = read_config_file(dfd, name, &len, err, sizeof err);
	struct stat st;
	if (!buf && !file && stat(bundle, &st) < 0)
		die_errno("bundle %s", bundle);
	if (!buf)
		die("%s", err);
	/* the document as read, saved with the state: parsing decodes buf */
	c->raw = xmalloc(len + 1);
	memcpy(c->raw, buf, len);
	c->raw_len = len;
	if (cfg_parse(c, buf, len) < 0)
		die("config.json: %s", c->json.err);
	if (cfg_check_version(c->oci_version) < 0)
		die("config.json: ociVersion: unsupported version \"%s\" (1.0.0 to 1.3.x)", c->oci_version);
	if (!c->has_root)
		die("config.json: root: required on Linux");
	c->bundle = bundle_abs(bundle);
	if (!c->bundle)
		die_errno("bundle %s", bundle);
}

/* === 5. state =========================================================== */

/*
 * State lives in <root>/<id>/: state.json (the OCI state plus what we need
 * to recognise our process), config.json (the config as created, so exec
 * and delete do not depend on the bundle staying unchanged) and start.sock,
 * on which the init waits while the container is created but not started.  Every operation that
 * changes a container holds an flock on its directory.
 */
enum status { ST_CREATING, ST_CREATED, ST_RUNNING, ST_STOPPED, ST_PAUSED };
static const char *const status_names[] = { "creating", "created", "running", "stopped", "paused" };

struct state {
	const char *oci_version, *id, *bundle, *created, *owner, *cgroup;
	struct num pid, start_time;
	struct num pid_ns, mnt_ns;  /* what tells the container's processes */
	bool rootless;
	struct kvs annotations;
	struct json json;
	/* derived */
	enum status status;
	int dirfd;
};

static const struct field state_s_f[] = {
	SREQ("ociVersion", struct state, oci_version),
	SREQ("id", struct state, id),
	NREQ("pid", struct state, pid, 0, INT32_MAX),
	SREQ("bundle", struct state, bundle),
	KV("annotations", struct state, annotations),
	S("created", struct state, created),
	S("owner", struct state, owner),
	N("pidStartTime", struct state, start_time, 0, INT64_MAX),
	N("pidNamespace", struct state, pid_ns, 0, INT64_MAX),
	N("mountNamespace", struct state, mnt_ns, 0, INT64_MAX),
	B("rootless", struct state, rootless),
	S("cgroupPath", struct state, cgroup),
};
SCHEMA(state_s, struct state);

/* Container ids become directory names: no separators, no dot-dot. */
static bool valid_id(const char *id)
{
	size_t n = strlen(id);
	if (!n || n > 255 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p))
			return false;
	return true;
}

/* The runtime's effective uid, asked once (the parent process only: a
 * child in a user namespace has another). */
static uid_t runtime_euid(void)
{
	static uid_t euid = (uid_t)-1;
	if (euid == (uid_t)-1)
		euid = geteuid();
	return euid;
}

/* The initial user namespace has a fixed inode (PROC_USER_INIT_INO); a
 * kernel without user namespaces has no ns/user, and no other one. */
static bool in_initial_userns(void)
{
	struct stat st;
	return stat("/proc/self/ns/user", &st) < 0 || st.st_ino == 0xEFFFFFFDu;
}

static bool is_rootless(const char *mode)
{
	if (!strcmp(mode, "true"))
		return true;
	if (!strcmp(mode, "false"))
		return false;
	if (runtime_euid() != 0)
		return true;
	/* uid 0 in a user namespace that is not the host's (podman runs its
	 * runtime like that): we may not mknod, nor own cgroups */
	return !in_initial_userns();
}

/*
 * The state root: --root, else /run/ocirun for root, else
 * $XDG_RUNTIME_DIR/ocirun, else /tmp/ocirun-UID.  A directory we made in a
 * shared place must be ours and private, or someone else could plant
 * containers or symlinks in it.
 */
static int state_open_root(const char *root, bool create)
{
	char buf[PATH_MAX];
	bool shared_tmp = false;

	if (!root) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		if (runtime_euid() == 0 && !is_rootless("auto"))
			root = "/run/ocirun";
		else if (xdg && xdg[0] == '/') {
			snprintf(buf, sizeof buf, "%s/ocirun", xdg);
			root = buf;
		} else {
			snprintf(buf, sizeof buf, "/tmp/ocirun-%u", (unsigned)runtime_euid());
			root = buf;
			shared_tmp = true;
		}
	}
	int oflags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (shared_tmp ? O_NOFOLLOW : 0);
	int fd = open(root, oflags);
	if (fd < 0 && errno == ENOENT && create && mkdir(root, 0700) < 0 && errno != EEXIST) {
		if (errno != ENOENT)
			die_errno("create state directory %s", root);
		/* --root given with missing parents: create them like runc */
		char tmp[PATH_MAX];
		snprintf(tmp, sizeof tmp, "%s", root);
		for (char *s = tmp + 1; (s = strchr(s, '/')); s++) {
			*s = 0;
			if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
				die_errno("create state directory %s", tmp);
			*s = '/';
		}
		if (mkdir(root, 0700) < 0 && errno != EEXIST)
			die_errno("create state directory %s", root);
	}
	if (fd < 0 && create)
		fd = open(root, oflags);
	if (fd < 0)
		return -1;
	struct stat st;
	if (shared_tmp && (fstat(fd, &st) < 0 || st.st_uid != runtime_euid() || (st.st_mode & 077)))
		die("state directory %s is not private to uid %u", root, (unsigned)runtime_euid());
	return fd;
}

/* What /proc/PID/stat says of a process: its state letter, its start time
 * (field 22) and its flags (field 9). */
struct proc_info {
	char state;
	long long start;
	unsigned long long flags;
};

static int proc_stat(pid_t pid, struct proc_info *pi)
{
	char path[64], num[21], buf[1024];
	ssize_t n;
	cat3(path, sizeof path, "/proc/", utoa((unsigned)pid, num), "/stat");
	if ((n = read_value_at(AT_FDCWD, path, buf, sizeof buf)) < 0)
		return -1;
	/* the comm, in parentheses, may hold any character, ")" too, but no
	 * more than 15: the last ")" of the first 64 bytes ends it */
	char *p = memrchr(buf, ')', n < 64 ? (size_t)n : 64);
	if (!p)
		return -1;
	/* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime cutime cstime priority nice threads
	 * itrealvalue starttime: one pass over them */
	unsigned long long v[20] = { 0 };
	int k = -1;
	for (char *q = p + 1; *q && *q != '\n' && k < 20; q++) {
		if (*q == ' ') {
			k++;
			if (k == 0)
				pi->state = q[1];
		} else if (k > 0 && *q >= '0' && *q <= '9') {
			v[k] = v[k] * 10 + (unsigned)(*q - '0');
		}
	}
	if (k < 19)
		return -1;
	pi->flags = v[6];
	pi->start = (long long)v[19];
	return 0;
}

#define PF_FORKNOEXEC_ 0x40 /* the kernel's "forked, not yet exec'd" */

/* The init is ours and alive (not a zombie); its flags in *flags. */
static bool state_pid_alive_flags(const struct state *s, unsigned long long *flags)
{
	struct proc_info pi;
	if (s->pid.v <= 0 || proc_stat((pid_t)s->pid.v, &pi) < 0)
		return false;
	if (pi.state == 'Z' || pi.state == 'X' || pi.state == 'x')
		return false;
	*flags = pi.flags;
	return !s->start_time.set || pi.start == s->start_time.v;
}

static bool state_pid_alive(const struct state *s)
{
	unsigned long long flags;
	return state_pid_alive_flags(s, &flags);
}

static bool state_cgroup_frozen(const struct state *s);

/*
 * created: the init has not executed the user's program yet, which the
 * kernel tells by itself: the init is a fork of the runtime, flagged
 * PF_FORKNOEXEC until its execve (a container without a process stays
 * created).  No file to look at, and it cannot disagree with the truth.
 */
static enum status state_status(const struct state *s)
{
	unsigned long long flags = 0;
	if (!state_pid_alive_flags(s, &flags))
		return ST_STOPPED;
	if (s->cgroup && state_cgroup_frozen(s))
		return ST_PAUSED;
	return flags & PF_FORKNOEXEC_ ? ST_CREATED : ST_RUNNING;
}

/*
 * Parse a state.json document held in buf (kept, like a config's).  It
 * looks at nothing on the host: the status is state_load's.  Returns 0,
 * or -1 with s->json.err set.
 */
static int state_parse(struct state *s, char *buf, size_t len)
{
	return cfg_parse_object(&s->json, buf, len, &state_s, s);
}

/* Release what state_parse() made and its buf; the directory stays open. */
static UNUSED void state_free(struct state *s)
{
	int dirfd = s->dirfd;

	json_free(&s->json);
	xfree(s->json.buf);
	memset(s, 0, sizeof *s);
	s->dirfd = dirfd;
}

/* dir + state.json (dir "" or "ID/"), small and ours: one read into the
 * stack where it fits (list reads a thousand), else the careful path,
 * which refuses what is not a regular file. */
static char *read_state_file(int dirfd, const char *dir, size_t *len, char *err, size_t errsize)
{
	char b[4096], name[NAME_MAX + 32];
	cat3(name, sizeof name, dir, "state.json", "");
	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, b, sizeof b);
	if (fd >= 0)
		close(fd);
	if (n < 0 || (size_t)n >= sizeof b)
		return fd < 0 && errno == ENOENT ? NULL : read_config_file(dirfd, name, len, err, errsize);
	char *buf = xmalloc((size_t)n + 2);
	memcpy(buf, b, (size_t)n);
	*len = (size_t)n;
	return buf;
}

/*
 * Load the state of container id.  Returns 0, or -1 with errno ENOENT when
 * there is no such container.  A directory without state.json is one whose
 * create is still under way, or crashed: it is reported as "creating".
 */
static int state_load(int rootfd, const char *id, struct state *s)
{
	char err[300];
	size_t len;

	memset(s, 0, sizeof *s);
	s->dirfd = -1;
	if (!valid_id(id)) {
		errno = EINVAL;
		return -1;
	}
	s->dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0)
		return -1;
	s->id = id;
	char *buf = read_state_file(s->dirfd, "", &len, err, sizeof err);
	if (!buf) {
		s->status = ST_CREATING;
		return 0;
	}
	if (state_parse(s, buf, len) < 0)
		die("state of %s is corrupt: %s", id, s->json.err);
	s->status = state_status(s);
	return 0;
}

static void state_write_json(struct jw *w, const struct state *s, enum status st, bool full)
{
	jw_open(w, NULL, '{');
	jw_str(w, "ociVersion", OCI_VERSION);
	jw_str(w, "id", s->id);
	jw_str(w, "status", status_names[st]);
	jw_int(w, "pid", st == ST_STOPPED && !full ? 0 : s->pid.v);
	jw_str(w, "bundle", s->bundle);
	jw_open(w, "annotations", '{');
	for (int i = 0; i < s->annotations.n; i++)
		jw_str(w, s->annotations.v[i].k, s->annotations.v[i].v);
	jw_close(w, '}');
	if (full) {
		jw_str(w, "created", s->created);
		jw_str(w, "owner", s->owner);
		jw_int(w, "pidStartTime", s->start_time.v);
		if (s->pid_ns.set)
			jw_int(w, "pidNamespace", s->pid_ns.v);
		if (s->mnt_ns.set)
			jw_int(w, "mountNamespace", s->mnt_ns.v);
		jw_bool(w, "rootless", s->rootless);
		if (s->cgroup)
			jw_str(w, "cgroupPath", s->cgroup);
	}
	jw_close(w, '}');
}

static void state_save(const struct state *s)
{
	struct jw w = { .indent = -1 };
	state_write_json(&w, s, ST_CREATED, true);
	if (atomic_write_at(s->dirfd, "state.json", w.buf, w.len, 0600) < 0)
		die_errno("write state.json");
	xfree(w.buf);
}

/* The OCI state as hooks and `state` see it. */
static char *state_json(const struct state *s, enum status st, int indent)
{
	struct jw w = { .indent = indent };
	state_write_json(&w, s, st, false);
	return w.buf;
}

/*
 * Remove a container's state directory: every entry in it is ours (the
 * state files, the notify directory, temporary files a crashed atomic
 * write left), so it is emptied by what getdents lists, one batch at a
 * time until the rmdir succeeds.
 */
static void state_remove(int rootfd, const char *id, int dirfd)
{
	_Alignas(8) char buf[4096];
	long n;
	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64_raw {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *e = (struct dirent64_raw *)(buf + off);
			off += e->reclen;
			if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
				continue;
			if (!strcmp(e->name, "notify"))
				unlinkat(dirfd, "notify/notify.sock", 0);
			/* (DT_UNKNOWN where the file system does not say) */
			if (unlinkat(dirfd, e->name, e->type == DT_DIR ? AT_REMOVEDIR : 0) < 0 && errno == EISDIR)
				unlinkat(dirfd, e->name, AT_REMOVEDIR);
		}
		if (unlinkat(rootfd, id, AT_REMOVEDIR) == 0)
			return;
	}
	if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		warn("remove state directory of %s: %s", id, strerror(errno));
}

static void lock_dir(int dirfd)
{
	while (flock(dirfd, LOCK_EX) < 0)
		if (errno != EINTR)
			die_errno("lock container state");
}

/* A container's saved config (as created), for exec, kill and delete. */
static void state_load_config(const struct state *s, struct config *c)
{
	char err[300];
	size_t len;
	char *buf = read_config_file(s->dirfd, "config.json", &len, err, sizeof err);
	memset(c, 0, sizeof *c);
	if (!buf)
		die("%s", err);
	if (cfg_parse(c, buf, len) < 0)
		die("saved config.json: %s", c->json.err);
	c->bundle = (char *)s->bundle;
}

/* === 6. hooks =========================================================== */

/* hooks run inside the container exec through the trampoline (section 8) */
static char **tramp_args(int result_fd, const char *path, char *const *argv);
static void exec_program(int tramp, char **targs, const char *path, char *const *argv, char *const *envp);

/*
 * A hook gets the container state on stdin and must finish within its
 * timeout.  The child is killed when the timeout passes; we poll the
 * child's status because signals (SIGALRM) would also interrupt the
 * runtime's own work.  A failure is described in why, for the caller's
 * one error line.
 */
static int run_hook(const struct hook_cfg *h, const char *state_json_text, char *why, size_t n, int tramp)
{
	int in[2], ex[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) {
		snprintf(why, n, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, n, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* a hook does not outlive the runtime that waits for it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		KILLPOINTS_OFF();
		dup2(in[0], 0);
		char *argv0[] = { (char *)h->path, NULL };
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* without env, the runtime's own (runc and crun do the same) */
		char **args = h->args.n ? h->args.v : argv0, **targs = NULL;
		if (tramp >= 0) {
			targs = tramp_args(ex[1], h->path, args);
			fcntl(ex[1], F_SETFD, 0); /* the trampoline closes it */
		}
		exec_program(tramp, targs, h->path, args, h->env.v ? h->env.v : environ);
		/* told through ex, which execve would have closed: what the
		 * trampoline tells when its exec fails */
		struct sync_msg x = { .type = 'X', .pid = errno };
		(void)!write(ex[1], &x, sizeof x);
		_exit(127);
	}
	close(in[0]);
	close(ex[1]);
	signal(SIGPIPE, SIG_IGN);
	(void)!write_all(in[1], state_json_text, strlen(state_json_text));
	close(in[1]);
	int64_t deadline = h->timeout.set ? now_ms() + h->timeout.v * 1000 : -1;
	int status, exec_errno = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, deadline < 0 ? 0 : WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, n, "wait: %s", strerror(errno));
			close(ex[0]);
			return -1;
		}
		if (deadline >= 0 && now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(ex[0]);
			snprintf(why, n, "timed out after %llds", (long long)h->timeout.v);
			return -1;
		}
		if (r == 0)
			usleep(2000);
	}
	struct sync_msg x;
	if (read(ex[0], &x, sizeof x) == sizeof x && x.type == 'X')
		exec_errno = x.pid;
	close(ex[0]);
	if (exec_errno)
		snprintf(why, n, "exec: %s", strerror(exec_errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		snprintf(why, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(why, n, "killed by signal %d", WTERMSIG(status));
	else
		return 0;
	return -1;
}

/* Run every hook of a kind; stop at the first failure, described in err. */
static int run_hooks(const struct arr *hooks, const char *kind, const char *state_text, char *err, size_t n, int tramp)
{
	for (int i = 0; i < hooks->n; i++) {
		const struct hook_cfg *h = ARR_AT(*hooks, struct hook_cfg, i);
		char why[160];
		debug("running %s hook %s", kind, h->path);
		if (run_hook(h, state_text, why, sizeof why, tramp) < 0) {
			snprintf(err, n, "%s hook %s: %s", kind, h->path, why);
			return -1;
		}
	}
	return 0;
}

/* poststop hooks: a failure is a warning and the others still run
 * (runtime.md, lifecycle step 13: the container is gone anyway). */
static void run_poststop_hooks(const struct arr *hooks, const char *state_text)
{
	for (int i = 0; i < hooks->n; i++) {
		struct arr one = { ARR_AT(*hooks, struct hook_cfg, i), 1 };
		char err[300];
		if (run_hooks(&one, "poststop", state_text, err, sizeof err, -1) < 0)
			warn("%s", err);
	}
}

/* === 7. rootfs ========================================================== */

/*
 * Everything the runtime opens, creates or mounts inside the rootfs goes
 * through rootfs_open(), which resolves a path as if the rootfs were "/":
 * symlinks are followed inside it, ".." stops at it, and nothing can lead
 * outside (the image is hostile: /dev, /proc or a mount target may be a
 * symlink to a host path).  openat2(RESOLVE_IN_ROOT) does this in the
 * kernel where it exists; the walk below does the same one component at a
 * time with O_NOFOLLOW, so a concurrent rename cannot make us follow a
 * link we did not check.
 */
enum { RF_OPEN, RF_MKDIR, RF_MKFILE, RF_NOSYMLINKS = 8 };

static int rootfs_walk(int rootfd, const char *path, int mode)
{
	char rest[PATH_MAX * 2], comp[NAME_MAX + 1];
	int fds[256], depth = 0, links = 0, create = mode & 7;

	if (strlen(path) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(rest, path);
	fds[0] = dup_cloexec(rootfd);
	if (fds[0] < 0)
		return -1;
	for (;;) {
		char *r = rest;
		while (*r == '/')
			r++;
		if (!*r)
			break;
		size_t n = strcspn(r, "/");
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, r, n);
		comp[n] = 0;
		memmove(rest, r + n, strlen(r + n) + 1);
		char *after = rest;
		while (*after == '/')
			after++;
		bool last = !*after;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (depth > 0)
				close(fds[depth--]);
			continue;
		}
		int fd = openat(fds[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create != RF_OPEN) {
			if (!last || create == RF_MKDIR) {
				if (mkdirat(fds[depth], comp, 0755) < 0 && errno != EEXIST)
					goto fail;
			} else {
				int f = openat(fds[depth], comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
					       0644);
				if (f < 0 && errno != EEXIST)
					goto fail;
				if (f >= 0)
					close(f);
			}
			fd = openat(fds[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0)
			goto fail;
		struct stat st;
		if (fstat(fd, &st) < 0) {
			close(fd);
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t tl = (mode & RF_NOSYMLINKS) ? (errno = ELOOP, -1)
							    : readlinkat(fd, "", target, sizeof target - 1);
			close(fd);
			if (tl < 0)
				goto fail;
			target[tl] = 0;
			if (++links > 40) {
				errno = ELOOP;
				goto fail;
			}
			if (strlen(target) + strlen(rest) + 2 > sizeof rest) {
				errno = ENAMETOOLONG;
				goto fail;
			}
			memmove(rest + tl + 1, rest, strlen(rest) + 1);
			memcpy(rest, target, (size_t)tl);
			rest[tl] = '/';
			if (target[0] == '/')
				while (depth > 0)
					close(fds[depth--]);
			continue;
		}
		if ((!last || create == RF_MKDIR) && !S_ISDIR(st.st_mode)) {
			close(fd);
			errno = ENOTDIR;
			goto fail;
		}
		if (depth + 1 >= (int)ARRAY_LEN(fds)) {
			close(fd);
			errno = ENAMETOOLONG;
			goto fail;
		}
		fds[++depth] = fd;
	}
	for (int i = 0; i < depth; i++)
		close(fds[i]);
	return fds[depth];
fail:;
	int e = errno;
	for (int i = 0; i <= depth; i++)
		close(fds[i]);
	errno = e;
	return -1;
}

/*
 * The common case of a path to create: only its last component is
 * missing (/dev/pts on a fresh /dev).  The parent is resolved in the
 * kernel and the component made in it, without following anything; -2
 * when that is not the case, for the walk to do.
 */
static int rootfs_make_last(int rootfd, const char *path, int mode, struct open_how_compat *how)
{
	char parent[PATH_MAX];
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *slash = memrchr(path, '/', n);
	size_t bl = slash ? n - (size_t)(slash + 1 - path) : 0;
	if (!slash || !bl || bl > NAME_MAX || n >= sizeof parent)
		return -2;
	char base[NAME_MAX + 1];
	memcpy(base, slash + 1, bl);
	base[bl] = 0;
	if (!strcmp(base, ".") || !strcmp(base, ".."))
		return -2;
	snprintf(parent, sizeof parent, "%.*s", (int)(slash - path) + 1, path);
	int AUTOCLOSE pfd = (int)syscall(SYS_openat2, rootfd, parent, how, sizeof *how);
	if (pfd < 0)
		return -2;
	if ((mode & 7) == RF_MKDIR) {
		if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
			return -1;
	} else {
		/* (made here, by O_EXCL: a new regular file, the target itself) */
		int f = openat(pfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (f >= 0 || errno != EEXIST)
			return f;
	}
	/* what is there now (ours, or a racer's link) is opened without
	 * following: a link is the walk's to resolve inside the root (for a
	 * directory, O_DIRECTORY | O_NOFOLLOW refuses a link by itself) */
	bool dir = (mode & 7) == RF_MKDIR;
	int fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	struct stat st;
	if (fd >= 0 && (dir || (fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode))))
		return fd;
	if (fd >= 0)
		close(fd);
	return -2;
}

/* mode: RF_OPEN, RF_MKDIR or RF_MKFILE (missing components made), with
 * RF_NOSYMLINKS where no component may be a symlink at all. */
static int rootfs_open(int rootfd, const char *path, int mode)
{
	struct open_how_compat how = { .flags = O_PATH | O_CLOEXEC,
				       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
						  ((mode & RF_NOSYMLINKS) ? RESOLVE_NO_SYMLINKS : 0) };
	/* (RF_MKDIR gives a directory: what is there must be one) */
	if ((mode & 7) == RF_MKDIR)
		how.flags |= O_DIRECTORY;
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
	if (fd >= 0 || (errno != ENOSYS && errno != EINVAL && errno != E2BIG &&
			(errno != ENOENT || (mode & 7) == RF_OPEN)))
		return fd;
	if (errno == ENOENT && (fd = rootfs_make_last(rootfd, path, mode, &how)) != -2)
		return fd;
	return rootfs_walk(rootfd, path, mode);
}

static void fd_path(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* Mount flags an unprivileged remount must keep (the kernel locks them). */
static unsigned long locked_flags(const char *path)
{
	static const struct { unsigned long st, ms; } map[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME }, { ST_RDONLY, MS_RDONLY },
	};
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (sv.f_flag & map[i].st)
			f |= map[i].ms;
	return f;
}

/* The container's cgroup (the cgroups section says more). */
enum cg_layout { CG_NONE, CG_V1, CG_HYBRID, CG_V2 };
static const char *const cg_layout_names[] = { "none", "v1", "hybrid", "v2" };
#define CG_ROOT "/sys/fs/cgroup"
#define CGROUP2_MAGIC 0x63677270UL
#define TMPFS_MAGIC_ 0x01021994UL

/* The v1 hierarchies we use, by directory name under CG_ROOT; the first
 * one that exists tracks the container's processes (ps, kill --all). */
static const char *const cg_v1_ctrls[] = { "freezer", "memory", "pids", "cpu", "cpuacct", "cpuset", "blkio",
					   "hugetlb", "net_cls", "net_prio", "devices", "rdma", NULL };
#define CG_NCTRL 12

struct cgroup {
	enum cg_layout layout;
	char path[PATH_MAX];    /* in the hierarchy, "/" first */
	int fd[CG_NCTRL];       /* v2: fd[0]; v1: per cg_v1_ctrls; -1 if absent */
	unsigned existed;       /* create: bit i set where fd[i] was there before */
};

/* A filter ready to load: BPF instructions and seccomp(2) flags. */
struct bpf_prog {
	struct sock_filter *insns;
	unsigned short len;
	unsigned flags;
};

/* sd_notify inside the container (section 12 has the relay). */
#define NOTIFY_CONTAINER_DIR "/run/notify"
#define NOTIFY_CONTAINER_SOCK NOTIFY_CONTAINER_DIR "/notify.sock"

/* What create/run/exec hand to the container's init: the plan and the
 * runtime's own parameters. */
struct container {
	struct config *cfg;
	const char *id;
	const char *console_socket;
	const char *pid_file;
	bool rootless, no_pivot, detach, foreground, no_new_keyring;
	bool no_cgroup;       /* --cgroup-manager disabled */
	int preserve_fds;
	int statefd;          /* the container's state directory */
	int sync_fd;          /* init side of the sync socket */
	int console_fd;       /* connected --console-socket, or -1 */
	int notify_fd;        /* run: the bound notify socket, or -1 */
	char notify_dir[PATH_MAX]; /* create: the state dir's notify/, or "" */
	int rootfd;           /* the rootfs, bound onto itself */
	char rootfs[PATH_MAX];
	int fresh_fd;         /* init: the tmpfs just mounted, for mounts into it */
	int host_null;        /* init: the host's /dev/null, verified (O_PATH), or -1 */
	const char *fresh_dest;
	pid_t pid;            /* the init's pid, as the runtime sees it */
	int tty_master;       /* foreground run with a terminal: our end */
	bool has_cgroup;
	struct cgroup cgroup;
	bool has_seccomp;
	struct bpf_prog seccomp;
	int *idmap_fds;       /* init: the idmapped trees, by mount index */
	bool hardened;        /* init: oom_score_adj set, no longer dumpable */
	bool cwd_entered;     /* init: process.cwd entered at create */
	bool groups_denied;   /* create: setgroups denied in the new user namespace */
	int tramp_fd;         /* the sealed trampoline (guard_own_binary), or -1 */
	char **self_argv;     /* the runtime's argv, for its sealed copy */
};

static bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (*path == '/' && path[1] == '/')
		path++;
	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

/*
 * Mounts into the container's /proc could hide or replace the files that
 * confine it (/proc/self/attr, /proc/sys/kernel/core_pattern...): only
 * the paths that LXCFS-style tools overmount are allowed.
 */
static bool proc_dest_allowed(const char *dest)
{
	static const char *const ok[] = { "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",
					  "/proc/stat", "/proc/swaps", "/proc/uptime",
					  "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
					  "/proc/sys/kernel/ns_last_pid", "/proc/sys/fs/binfmt_misc" };
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (!strcmp(dest, ok[i]))
			return true;
	return false;
}

#define SYSFS_MAGIC_ 0x62656572UL
#define CGROUP_MAGIC_ 0x27e0ebUL

/* procfs, sysfs or a cgroup file system: the files that confine the
 * container, where no device, console or mount of the image's may go. */
static bool fd_on_kernel_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return true;
	unsigned long t = (unsigned long)sf.f_type;
	return t == PROC_SUPER_MAGIC_ || t == SYSFS_MAGIC_ || t == CGROUP_MAGIC_ || t == CGROUP2_MAGIC;
}

static bool same_file(int a, int b)
{
	struct stat x, y;
	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/*
 * Where a mount of the config's may land (tfd: the resolved target).
 * Nothing lands inside the container's /proc, whatever the path says (a
 * symlink /evil -> /proc/self/attr and a tmpfs on /evil would hide the
 * LSM attributes, CVE-2019-19921), but on the few files LXCFS-style tools
 * cover, named exactly and reached without a symlink.  proc and sysfs
 * (and whatever is mounted on /proc or /sys, a bind of the host's /sys
 * for a rootless container) go only onto a directory reached without a
 * symlink (CVE-2023-27561, CVE-2023-28642: a /proc that leads elsewhere
 * would leave the real one unmasked).
 */
static int open_mount_target(struct container *c, const char *dest, const char *type, int mode)
{
	bool kernel_fs = !strcmp(type, "proc") || !strcmp(type, "sysfs") || !strcmp(dest, "/proc") ||
			 !strcmp(dest, "/sys");
	int tfd = rootfs_open(c->rootfd, dest, mode | (kernel_fs ? RF_NOSYMLINKS : 0));
	if (tfd < 0 && kernel_fs && errno == ELOOP)
		die("mount %s on %s: the destination in the rootfs is a symlink or lies behind one (refused)", type,
		    dest);
	if (tfd < 0)
		die_errno("create mount point %s in the rootfs", dest);
	bool in_proc = fd_on_procfs(tfd);
	if (in_proc && strcmp(dest, "/proc") && !proc_dest_allowed(dest))
		die("mount %s on %s: the destination is inside the container's /proc (refused)", type, dest);
	if (in_proc && !kernel_fs) {
		int AUTOCLOSE direct = rootfs_open(c->rootfd, dest, RF_OPEN | RF_NOSYMLINKS);
		if (direct < 0 || !same_file(direct, tfd))
			die("mount %s on %s: the destination in the rootfs is a symlink or lies behind one (refused)",
			    type, dest);
	}
	return tfd;
}

static void mount_setattr_fd(int fd, const char *dest, uint64_t set, uint64_t clr, bool rec)
{
	struct mount_attr_compat a = { .attr_set = set, .attr_clr = clr };
	if (!set && !clr)
		return;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (rec ? 0x8000 /* AT_RECURSIVE */ : 0), &a,
		    sizeof a) < 0)
		die_errno("set recursive mount attributes on %s", dest);
}

/* Bind-mount a host path (already opened) onto a path inside the rootfs. */
static void bind_into(struct container *c, int srcfd, const char *dest, bool rec, bool file)
{
	char s[32], t[32];
	int AUTOCLOSE tfd = open_mount_target(c, dest, "bind", file ? RF_MKFILE : RF_MKDIR);
	fd_path(srcfd, s);
	fd_path(tfd, t);
	if (mount(s, t, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		die_errno("bind mount on %s", dest);
}

/*
 * After a mount, the O_PATH fd we mounted on still names the mount point
 * underneath; remounts and propagation changes must name the new mount,
 * so the destination is resolved again.
 */
static int reopen_mount(struct container *c, const char *dest)
{
	int fd = rootfs_open(c->rootfd, dest, RF_OPEN);
	if (fd < 0)
		die_errno("reopen %s after mounting it", dest);
	return fd;
}

#define MS_ATIME_FLAGS (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

/* Whether the container's mounts are made in a user namespace, where the
 * kernel locks the flags of every mount that came from the host. */
static bool mounts_locked(const struct container *c)
{
	return c->rootless || ((c->cfg->ns_new | c->cfg->ns_join) & CLONE_NEWUSER);
}

/*
 * Remount a bind with the config's flags.  The source's nosuid, nodev and
 * noexec are kept: a bind never loses them.  In a user namespace the
 * kernel also locks the source's read-only flag and atime mode (changing
 * them is EPERM), so those of the source replace the config's, as runc
 * and crun do; statvfs shows no strictatime: neither noatime nor relatime
 * means it.  Otherwise the config's atime mode wins, or the source's stays.
 */
static unsigned long remount_flags(const struct container *c, const char *path, unsigned long flags)
{
	unsigned long have = locked_flags(path);
	unsigned long atime = have & MS_ATIME_FLAGS;
	if (!(have & (MS_NOATIME | MS_RELATIME)))
		atime |= MS_STRICTATIME;
	flags |= have & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
	if (mounts_locked(c))
		return (flags & ~(unsigned long)MS_ATIME_FLAGS) | atime | (have & MS_RDONLY);
	return flags & MS_ATIME_FLAGS ? flags : flags | atime;
}

static void remount_bind(struct container *c, const char *dest, unsigned long flags)
{
	char t[32];
	int AUTOCLOSE fd = reopen_mount(c, dest);
	fd_path(fd, t);
	if (mount(NULL, t, NULL, MS_REMOUNT | MS_BIND | remount_flags(c, t, flags), NULL) < 0)
		die_errno("remount %s with its options", dest);
}

/* /proc/self/mountinfo, whole, in a buffer the caller frees. */
static char *read_mountinfo(void)
{
	for (size_t size = 65536; size <= (64u << 20); size *= 4) {
		char *buf = xmalloc(size);
		if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", buf, size) >= 0)
			return buf;
		xfree(buf);
		if (errno != EFBIG)
			break;
	}
	die_errno("read /proc/self/mountinfo");
}

/* A mount point as mountinfo writes it (\040 for a space...), decoded. */
static void mountinfo_unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

/*
 * CVE-2023-25809: in a rootless container every cgroup file system is
 * read-only.  A bind of the host's /sys or /sys/fs/cgroup (rbind in the
 * config, or made because sysfs or cgroup2 cannot be mounted without a
 * network or cgroup namespace) carries the host's cgroup mounts with it,
 * writable by the user where they are delegated; each is remounted
 * read-only, keeping the flags the kernel locks.
 */
static void ro_cgroup_mounts(struct container *c, const char *dest)
{
	char prefix[PATH_MAX * 2], t[32], root[PATH_MAX];
	/* the rootfs as mountinfo spells it: the kernel's path of its fd */
	fd_path(c->rootfd, t);
	ssize_t rl = readlink(t, root, sizeof root - 1);
	if (rl <= 0)
		die_errno("find the rootfs's path");
	root[rl] = 0;
	snprintf(prefix, sizeof prefix, "%s%s", strcmp(root, "/") ? root : "", dest);
	size_t pl = strlen(prefix);
	char *info = read_mountinfo(), *save = NULL;
	for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char mnt[PATH_MAX], fstype[32], opts[1024];
		char *dash = strstr(l, " - ");
		if (!dash || !field(dash + 3, 0, fstype, sizeof fstype) ||
		    (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")))
			continue;
		/* (a cgroup mount we cannot read is refused, not left writable) */
		if (!field(l, 4, mnt, sizeof mnt) || !field(l, 5, opts, sizeof opts))
			die("make the host's cgroups under %s read-only: cannot parse mountinfo", dest);
		mountinfo_unescape(mnt);
		if (strncmp(mnt, prefix, pl) || (mnt[pl] && mnt[pl] != '/') ||
		    (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) || !strncmp(opts, "ro", 2))
			continue;
		/* (a mount covered by another has no path: the container
		 * cannot reach it either) */
		int AUTOCLOSE fd = open(mnt, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		fd_path(fd, t);
		if (fd < 0 || mount(NULL, t, NULL, MS_REMOUNT | MS_BIND | remount_flags(c, t, MS_RDONLY), NULL) < 0)
			die_errno("make the host's cgroups under %s read-only (%s)", dest, mnt + pl);
	}
	xfree(info);
}

/* A bind mount's source on the host: absolute, or relative to the bundle. */
static void bind_source(const struct config *cfg, const struct mount_cfg *m, char src[PATH_MAX])
{
	if (m->source[0] == '/')
		snprintf(src, PATH_MAX, "%s", m->source);
	else
		snprintf(src, PATH_MAX, "%s/%s", cfg->bundle, m->source);
}

/* Attach the idmapped tree the runtime made (send_idmapped_mounts). */
static void attach_idmapped(struct container *c, const struct mount_cfg *m, const char *dest)
{
	struct stat st;
	int tree = c->idmap_fds[m - (const struct mount_cfg *)c->cfg->mounts.v];
	if (tree < 0 || fstat(tree, &st) < 0)
		die("mount on %s: the idmapped mount did not arrive", dest);
	int AUTOCLOSE tfd = open_mount_target(c, dest, "bind", S_ISDIR(st.st_mode) ? RF_MKDIR : RF_MKFILE);
	if (syscall(SYS_move_mount, tree, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH_ | MOVE_MOUNT_T_EMPTY_PATH_) < 0)
		die_errno("attach the idmapped mount on %s", dest);
	close(tree);
}

static void mount_bind_cfg(struct container *c, const struct mount_cfg *m, const char *dest)
{
	char src[PATH_MAX];
	struct stat st;

	if (m->idmap) {
		attach_idmapped(c, m, dest);
	} else {
		bind_source(c->cfg, m, src);
		int AUTOCLOSE sfd = open(src, O_PATH | O_CLOEXEC);
		if (sfd < 0 || fstat(sfd, &st) < 0)
			die_errno("bind mount source %s", src);
		bind_into(c, sfd, dest, m->rec, !S_ISDIR(st.st_mode));
	}
	unsigned long f = m->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	if (f & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME |
		 MS_STRICTATIME | MS_NOSYMFOLLOW))
		remount_bind(c, dest, f);
	if (c->rootless && m->rec)
		ro_cgroup_mounts(c, dest);
}

/*
 * sysfs needs a network namespace owned by our user namespace; proc needs
 * a pid namespace.  Rootless without them, we bind the host's instead, as
 * runc and crun do.
 */
static bool mount_fallback_bind(struct container *c, const struct mount_cfg *m, const char *dest)
{
	const char *host = NULL;
	if (!strcmp(m->type, "sysfs"))
		host = "/sys";
	else if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))
		host = "/sys/fs/cgroup";
	else if (!strcmp(m->type, "mqueue"))
		host = "/dev/mqueue";
	if (!host || (errno != EPERM && errno != EBUSY && errno != EINVAL && errno != ENODEV))
		return false;
	int AUTOCLOSE sfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return false;
	debug("mount %s on %s: %s; binding the host's %s instead", m->type, dest, strerror(errno), host);
	bind_into(c, sfd, dest, true, false);
	remount_bind(c, dest, (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) | MS_NOSUID |
				      MS_NODEV | MS_NOEXEC);
	if (c->rootless)
		ro_cgroup_mounts(c, dest);
	return true;
}

/* tmpcopyup: the tmpfs starts with a copy of what the image had there. */
static void copy_tree(int from, int to, int depth)
{
	DIR *d = fdopendir(dup_cloexec(from));
	struct dirent *e;
	if (!d || depth > 32)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			mkdirat(to, e->d_name, st.st_mode & 07777);
			int AUTOCLOSE a = openat(from, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int AUTOCLOSE b = openat(to, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (a >= 0 && b >= 0)
				copy_tree(a, b, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char t[PATH_MAX];
			ssize_t n = readlinkat(from, e->d_name, t, sizeof t - 1);
			if (n >= 0) {
				t[n] = 0;
				symlinkat(t, to, e->d_name);
			}
		} else if (S_ISREG(st.st_mode)) {
			int AUTOCLOSE a = openat(from, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int AUTOCLOSE b = openat(to, e->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
						 st.st_mode & 07777);
			char buf[8192];
			ssize_t n;
			while (a >= 0 && b >= 0 && (n = read(a, buf, sizeof buf)) > 0)
				if (write_all(b, buf, (size_t)n) < 0)
					break;
		}
		fchownat(to, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
	}
	closedir(d);
}

/*
 * A "cgroup" mount on a host whose controllers are on v1: like the host, a
 * tmpfs with one cgroup mount per hierarchy (and cgroup2 as "unified" on a
 * hybrid host).  In the container's cgroup namespace each shows the
 * container's cgroup as its root.  Returns false where v1 cannot be
 * mounted (cgroup2 host, or a user namespace) and the caller goes on.
 */
static void cg_own_path(const char *ctrl, char *out, size_t size);
static enum cg_layout cg_detect(void);

static bool mount_cgroup_v1(struct container *c, const struct mount_cfg *m, const char *dest, const char *t)
{
	char path[PATH_MAX], sub[PATH_MAX];
	if (c->rootless || (cg_detect() != CG_V1 && cg_detect() != CG_HYBRID))
		return false;
	char *info = read_mountinfo();
	unsigned long flags = m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	if (mount("tmpfs", t, "tmpfs", flags, "mode=755") < 0)
		die_errno("mount tmpfs for cgroups on %s", dest);
	/* the fresh tmpfs, ours and empty: its mount points are made in it
	 * directly, no path to resolve (nothing of the container runs yet) */
	int AUTOCLOSE top = reopen_mount(c, dest);
	for (char *l = strtok(info, "\n"); l; l = strtok(NULL, "\n")) {
		char mnt[256], fstype[32], opts[256];
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
		char *dash = strstr(l, " - ");
		if (!dash || !field(l, 4, mnt, sizeof mnt) || !field(dash + 3, 0, fstype, sizeof fstype) ||
		    !field(dash + 3, 2, opts, sizeof opts) || strncmp(mnt, "/sys/fs/cgroup/", 15))
			continue;
		const char *name = mnt + 15;
		char *o = strstr(opts, "rw,") == opts ? opts + 3 : strstr(opts, "ro,") == opts ? opts + 3 : opts;
		bool v2 = !strcmp(fstype, "cgroup2");
		if ((!v2 && strcmp(fstype, "cgroup")) || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		snprintf(path, sizeof path, "%.3000s/%s", dest, name);
		if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
			die_errno("create %s", path);
		int AUTOCLOSE fd = openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			die_errno("create %s", path);
		fd_path(fd, sub);
		/* only what names the hierarchy: its controllers, or name= */
		static const char *const not_names[] = { "clone_children", "noprefix", "xattr", "cpuset_v2_mode",
							 "favordynmods", "nofavordynmods", NULL };
		char data[256] = "", *save = NULL;
		for (char *tok = strtok_r(o, ",", &save); !v2 && tok; tok = strtok_r(NULL, ",", &save)) {
			if (strchr(tok, '=') ? strncmp(tok, "name=", 5) : name_index(not_names, tok) >= 0)
				continue;
			if (strlen(data) + strlen(tok) + 2 < sizeof data)
				snprintf(data + strlen(data), sizeof data - strlen(data), "%s%s", data[0] ? "," : "", tok);
		}
		if (!(c->cfg->ns_new & CLONE_NEWCGROUP)) {
			/* no cgroup namespace: a new mount would show the host's
			 * root; the container gets its own cgroup bound instead */
			char own[PATH_MAX], host[PATH_MAX + 300];
			const char *first = v2 ? "" : data;
			char key[64];
			snprintf(key, sizeof key, "%.*s", (int)strcspn(first, ","), first);
			cg_own_path(key, own, sizeof own);
			snprintf(host, sizeof host, "%s%s", mnt, strcmp(own, "/") ? own : "");
			int AUTOCLOSE hfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
			char h[32];
			fd_path(hfd, h);
			if (hfd < 0 || mount(h, sub, NULL, MS_BIND, NULL) < 0)
				die_errno("bind the container's cgroup %s on %s", host, path);
			/* read-only as asked: a writable bind would let the
			 * container raise its own limits */
			remount_bind(c, path, flags | (m->flags & MS_RDONLY));
			continue;
		}
		if (mount(v2 ? "cgroup2" : "cgroup", sub, v2 ? "cgroup2" : "cgroup", flags | (m->flags & MS_RDONLY),
			  data[0] ? data : NULL) < 0)
			die_errno("mount cgroup %s on %s", name, path);
	}
	xfree(info);
	if (m->flags & MS_RDONLY) {
		char tp[32];
		fd_path(top, tp);
		if (mount(NULL, tp, NULL, MS_REMOUNT | MS_RDONLY | flags, "mode=755") < 0)
			die_errno("remount %s read-only", dest);
	}
	return true;
}

/*
 * devpts with a gid= the user namespace does not map (gid=5 in a config
 * written for root, run rootless) fails with EINVAL: mounted again without
 * it, as crun does, the ptys get the mounting process's gid.
 */
static bool mount_devpts_unmapped(struct container *c, const struct mount_cfg *m, const char *t)
{
	char data[512] = "", *save = NULL, buf[512];
	if (errno != EINVAL || strcmp(m->type, "devpts") || !mounts_locked(c) || !strstr(m->data, "gid="))
		return false;
	snprintf(buf, sizeof buf, "%s", m->data);
	for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strncmp(o, "gid=", 4))
			snprintf(data + strlen(data), sizeof data - strlen(data), "%s%s", data[0] ? "," : "", o);
	debug("devpts on %s: gid= is not mapped in the user namespace, mounted without it", m->destination);
	if (mount(m->source ? m->source : "devpts", t, "devpts", m->flags & ~(unsigned long)MS_REMOUNT,
		  data[0] ? data : NULL) == 0)
		return true;
	errno = EINVAL;
	return false;
}

/*
 * A tmpfs the config mounts and then mounts into (/dev, then /dev/pts,
 * /dev/shm, /dev/mqueue) is kept open while the mounts that follow go
 * into it: it is fresh and ours, so their mount points are made in it
 * directly, with nothing to resolve.  Any other mount ends it (it could
 * change what a path leads to).
 */
static void fresh_forget(struct container *c)
{
	if (c->fresh_fd >= 0)
		close(c->fresh_fd);
	c->fresh_fd = -1;
}

/* The mount point dest as a directory of the fresh tmpfs, or -1. */
static int fresh_target(struct container *c, const char *dest, const char *type)
{
	size_t n = c->fresh_fd >= 0 ? strlen(c->fresh_dest) : 0;
	const char *name = dest + n + 1;
	if (c->fresh_fd < 0 || strncmp(dest, c->fresh_dest, n) || dest[n] != '/' || !*name || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(type, "proc") || !strcmp(type, "sysfs"))
		return -1;
	if (mkdirat(c->fresh_fd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	/* (tmpcopyup may have copied the image's links: none is followed) */
	return openat(c->fresh_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Whether mount b goes directly into mount a's destination. */
static bool mounts_into(const struct mount_cfg *a, const struct mount_cfg *b)
{
	size_t n = strlen(a->destination);
	return !a->bind && !strcmp(a->type, "tmpfs") && a->destination[0] == '/' && !b->bind &&
	       !strncmp(b->destination, a->destination, n) && b->destination[n] == '/' &&
	       !strchr(b->destination + n + 1, '/');
}

static void mount_one(struct container *c, const struct mount_cfg *m, const struct mount_cfg *next)
{
	char dest[PATH_MAX], t[32];

	/* relative destinations are deprecated and mean relative to "/" */
	snprintf(dest, sizeof dest, "%s%s", m->destination[0] == '/' ? "" : "/", m->destination);
	if (path_is_under(dest, "/proc") && strcmp(dest, "/proc") && !proc_dest_allowed(dest))
		die("mount on %s: mounts inside /proc are not allowed", dest);
	int fresh = m->bind ? -1 : fresh_target(c, dest, m->type);
	if (fresh < 0)
		fresh_forget(c);
	if (m->bind) {
		mount_bind_cfg(c, m, dest);
	} else {
		/* (RF_MKDIR: a directory, or ENOTDIR) */
		int AUTOCLOSE tfd = fresh >= 0 ? fresh : open_mount_target(c, dest, m->type, RF_MKDIR);
		int AUTOCLOSE copyfrom = -1;
		if (m->tmpcopyup && !strcmp(m->type, "tmpfs"))
			copyfrom = openat(tfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fd_path(tfd, t);
		const char *type = m->type;
		if (!strcmp(type, "cgroup") && mount_cgroup_v1(c, m, dest, t))
			return;
		if (!strcmp(type, "cgroup"))
			type = "cgroup2";  /* a cgroup namespace shows the unified tree */
		unsigned long f = m->flags & ~(unsigned long)MS_REMOUNT;
		if (c->rootless && !strcmp(type, "cgroup2"))
			f |= MS_RDONLY; /* every cgroup fs of a rootless container (ro_cgroup_mounts) */
		if (mount(m->source ? m->source : type, t, type, f, m->data[0] ? m->data : NULL) < 0 &&
		    !mount_devpts_unmapped(c, m, t)) {
			if (!mount_fallback_bind(c, m, dest))
				die_errno("mount %s on %s", m->type, dest);
		} else if (copyfrom >= 0) {
			int AUTOCLOSE nfd = reopen_mount(c, dest);
			int AUTOCLOSE to = openat(nfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (to >= 0)
				copy_tree(copyfrom, to, 0);
		}
		if (next && mounts_into(m, next) && c->fresh_fd < 0 && !m->prop) {
			c->fresh_fd = reopen_mount(c, dest);
			c->fresh_dest = m->destination;
		}
	}
	if (m->prop || m->rattr_set || m->rattr_clr) {
		int AUTOCLOSE fd = reopen_mount(c, dest);
		fd_path(fd, t);
		if (m->prop && mount(NULL, t, NULL, m->prop, NULL) < 0)
			die_errno("set propagation of %s", dest);
		mount_setattr_fd(fd, dest, m->rattr_set, m->rattr_clr, true);
	}
}

/* The host's /dev/null, opened with flags and checked to be 1:3 on the
 * descriptor itself: masks and stdio never use anything else. */
static int open_host_null(int flags)
{
	struct stat st;
	int fd = open("/dev/null", flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		die_errno("open the host's /dev/null");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		die("the host's /dev/null is not the null device (1:3)");
	return fd;
}

/* The host's verified /dev/null (O_PATH), opened once for the devices and
 * masks of the init, which closes it after its mounts. */
static int host_null_path(struct container *c)
{
	if (c->host_null < 0)
		c->host_null = open_host_null(O_PATH);
	return c->host_null;
}

/* The container's /dev, for *at() calls: a directory of the rootfs or a
 * mount in it, never procfs, sysfs or cgroupfs (an image can make /dev a
 * symlink into /proc).  -1 (ENOENT) if there is none and !create. */
static int open_dev_dir(struct container *c, bool create)
{
	int p = rootfs_open(c->rootfd, "/dev", create ? RF_MKDIR : RF_OPEN);
	if (p < 0 && errno == ENOENT && !create)
		return -1;
	/* (RF_MKDIR gave a directory; what RF_OPEN found must prove one) */
	int fd = p < 0 || create ? p : openat(p, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p >= 0 && fd != p)
		close(p);
	if (fd < 0)
		die_errno("open /dev in the rootfs");
	if (fd_on_kernel_fs(fd))
		die("/dev in the rootfs leads into procfs, sysfs or cgroupfs (refused)");
	return fd;
}

/* The devices every container gets (config-linux.md "Default Devices"). */
static const struct default_dev {
	const char *path;
	unsigned major, minor;
} default_devs[] = {
	{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

/*
 * The host's node of a device, proven on the descriptor to be the one
 * asked for: /dev/NAME, else /dev/char/MAJ:MIN (or block).  /dev/null is
 * the init's shared descriptor (not to be closed).  -1 if there is none.
 */
static int host_null_path(struct container *c);
static int open_host_node(struct container *c, const char *base, mode_t type, unsigned major, unsigned minor,
			  char host[PATH_MAX])
{
	dev_t dev = makedev(major, minor);
	struct stat st;
	snprintf(host, PATH_MAX, "/dev/%s", base);
	if (type == S_IFCHR && dev == makedev(1, 3))
		return host_null_path(c);
	for (int k = 0; k < 2; k++) {
		if (k)
			snprintf(host, PATH_MAX, "/dev/%s/%u:%u", type == S_IFBLK ? "block" : "char", major, minor);
		int fd = open(host, O_PATH | O_CLOEXEC | (k ? 0 : O_NOFOLLOW));
		if (fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type && st.st_rdev == dev)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -1;
}

/* A node mknod made: the owner asked for (we are the default). */
static void chown_device(int dfd, const char *path, uid_t uid, gid_t gid)
{
	static uid_t euid = (uid_t)-1;
	static gid_t egid;
	if (euid == (uid_t)-1)
		euid = runtime_euid(), egid = getegid();
	if ((uid != euid || gid != egid) && fchownat(dfd, strrchr(path, '/') + 1, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		die_errno("chown device %s", path);
}

static void make_device_at(struct container *c, int dfd, const char *path, mode_t type, unsigned major,
			   unsigned minor, mode_t mode, uid_t uid, gid_t gid, bool is_default)
{
	char host[PATH_MAX];
	const char *base = strrchr(path, '/') + 1;
	dev_t dev = makedev(major, minor);
	struct stat st;

	/* the usual case first, a fresh /dev: mknod, or (rootless) the
	 * bind's target made by O_EXCL; EEXIST says what is there */
	int f = -1;
	if (c->rootless)
		f = openat(dfd, base, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	else if (mknodat(dfd, base, type | (mode & 07777), dev) == 0) {
		chown_device(dfd, path, uid, gid);
		return;
	}
	if (f < 0 && errno == EEXIST && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if ((st.st_mode & S_IFMT) == type && st.st_rdev == dev)
			return;
		if (!is_default)
			die("device %s: a different file already exists there", path);
		if (S_ISDIR(st.st_mode) || unlinkat(dfd, base, 0) < 0)
			die_errno("device %s: replace the image's file", path);
		if (!c->rootless && mknodat(dfd, base, type | (mode & 07777), dev) == 0) {
			chown_device(dfd, path, uid, gid);
			return;
		}
		if (c->rootless)
			f = openat(dfd, base, O_CREAT | O_EXCL | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (type == S_IFIFO)
		die_errno("mknod fifo %s", path);
	/* bind the host's node: it must be the device asked for */
	int hfd = open_host_node(c, base, type, major, minor, host);
	if (hfd < 0) {
		if (f >= 0)
			close(f);
		die("device %s: no host device %u:%u to bind (rootless cannot mknod)", path, major, minor);
	}
	int r = 0;
	if (f < 0) { /* (mknod refused as root: the target made the careful way) */
		bind_into(c, hfd, path, false, true);
	} else {
		char s[32], t[32];
		fd_path(hfd, s);
		fd_path(f, t);
		r = mount(s, t, NULL, MS_BIND, NULL);
		close(f);
	}
	if (hfd != c->host_null)
		close(hfd);
	if (r < 0)
		die_errno("bind the host's %s on %s", host, path);
}

/*
 * Make one device node at path.  As root we mknod; rootless (or where
 * mknod is refused) we bind the host's node, which is what a user
 * namespace allows.  An existing file that is not this device is an error
 * for linux.devices (the spec says so) and is replaced for the defaults,
 * so an image cannot ship its own "/dev/null".  dev: the container's /dev
 * (open_dev_dir), or -1 for a path elsewhere.
 */
static void make_device(struct container *c, int dev, const char *path, mode_t type, unsigned major,
			unsigned minor, mode_t mode, uid_t uid, gid_t gid, bool is_default)
{
	char parent[PATH_MAX];
	const char *base = strrchr(path, '/') + 1;

	snprintf(parent, sizeof parent, "%.*s", (int)(base - path), path);
	if (dev >= 0 && !strcmp(parent, "/dev/")) {
		make_device_at(c, dev, path, type, major, minor, mode, uid, gid, is_default);
		return;
	}
	int AUTOCLOSE pfd = rootfs_open(c->rootfd, parent, RF_MKDIR);
	if (pfd < 0)
		die_errno("create directory for device %s", path);
	if (fd_on_kernel_fs(pfd))
		die("device %s: its directory leads into procfs, sysfs or cgroupfs (refused)", path);
	make_device_at(c, pfd, path, type, major, minor, mode, uid, gid, is_default);
}

/*
 * The image's own /dev (no tmpfs mounted there): its default devices must
 * still be the real ones.  What the image put at /dev/null (a file, a
 * link, another device) is replaced where /dev is writable; on a
 * read-only /dev a file is covered with a bind of the host's node, and a
 * link is refused, never followed.
 */
static void cover_default_devices(struct container *c)
{
	char s[32], t[32];
	int AUTOCLOSE dev = open_dev_dir(c, false);
	bool writable = dev >= 0 && faccessat(dev, ".", W_OK, AT_EACCESS) == 0;
	for (size_t i = 0; dev >= 0 && i < ARRAY_LEN(default_devs); i++) {
		const struct default_dev *d = &default_devs[i];
		const char *base = d->path + 5;
		struct stat st;
		bool there = fstatat(dev, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (there && S_ISCHR(st.st_mode) && st.st_rdev == makedev(d->major, d->minor))
			continue;
		if (there && S_ISDIR(st.st_mode))
			die("device %s: the image has a directory there", d->path);
		if (writable) {
			make_device(c, dev, d->path, S_IFCHR, d->major, d->minor, 0666, 0, 0, true);
			continue;
		}
		if (!there) /* (a read-only rootfs without it: nothing to create) */
			continue;
		if (S_ISLNK(st.st_mode))
			die("device %s: the image has a symlink there on a read-only /dev (refused)", d->path);
		int AUTOCLOSE fd = openat(dev, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		int AUTOCLOSE hfd = open(d->path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || hfd < 0 || fstat(hfd, &st) < 0)
			die_errno("device %s", d->path);
		if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(d->major, d->minor))
			die("the host's %s is not the device %u:%u", d->path, d->major, d->minor);
		fd_path(hfd, s);
		fd_path(fd, t);
		if (mount(s, t, NULL, MS_BIND, NULL) < 0)
			die_errno("cover the image's %s with the host's", d->path);
	}
}

static void make_devices(struct container *c)
{
	const struct linux_cfg *l = &c->cfg->linux;
	bool dev_mounted = false, dev_bound = false;

	for (int i = 0; i < c->cfg->mounts.n; i++) {
		const struct mount_cfg *m = ARR_AT(c->cfg->mounts, struct mount_cfg, i);
		if (!strcmp(m->destination, "/dev") || !strcmp(m->destination, "dev")) {
			dev_mounted = !m->bind;
			dev_bound = m->bind;
		}
	}
	int AUTOCLOSE dfd = -1;
	/* a /dev bound from the host already has its devices */
	if (dev_mounted) {
		dfd = open_dev_dir(c, true);
		for (size_t i = 0; i < ARRAY_LEN(default_devs); i++)
			make_device(c, dfd, default_devs[i].path, S_IFCHR, default_devs[i].major,
				    default_devs[i].minor, 0666, 0, 0, true);
		static const char *const links[][2] = { { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
							 { "/proc/self/fd/1", "stdout" },
							 { "/proc/self/fd/2", "stderr" } };
		for (size_t i = 0; i < ARRAY_LEN(links); i++)
			if (symlinkat(links[i][0], dfd, links[i][1]) < 0 && errno != EEXIST)
				die_errno("symlink /dev/%s", links[i][1]);
		struct stat st;
		if (fstatat(dfd, "pts/ptmx", &st, 0) == 0 && symlinkat("pts/ptmx", dfd, "ptmx") < 0 &&
		    errno == EEXIST && fstatat(dfd, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)) {
			/* a real ptmx node would open the host's devpts */
			unlinkat(dfd, "ptmx", 0);
			symlinkat("pts/ptmx", dfd, "ptmx");
		}
		if (access("/proc/kcore", F_OK) == 0)
			symlinkat("/proc/kcore", dfd, "core");
	} else if (!dev_bound) {
		cover_default_devices(c);
	}
	for (int i = 0; i < l->devices.n; i++) {
		const struct device_cfg *d = ARR_AT(l->devices, struct device_cfg, i);
		static const mode_t types[] = { S_IFCHR, S_IFBLK, S_IFCHR, S_IFIFO };
		/* a config listing every host device (ctr run --privileged) has
		 * /dev/ptmx: the container's stays the link to its own devpts,
		 * as runc keeps it (a ptmx node would open the host's) */
		if (!strcmp(d->path, "/dev/ptmx"))
			continue;
		make_device(c, dfd, d->path, types[d->type - 1], (unsigned)d->major.v, (unsigned)d->minor.v,
			    d->file_mode.set ? (mode_t)d->file_mode.v : 0666, (uid_t)d->uid.v, (gid_t)d->gid.v,
			    false);
	}
}

/*
 * maskedPaths: files become the host's /dev/null, directories an empty
 * read-only tmpfs.  The image's /dev/null is never used (a symlink there
 * to, say, /proc/sys/kernel/core_pattern would turn the mask into a way
 * to write it, CVE-2025-31133); the host's must prove to be the null
 * device on the very descriptor that is mounted.
 */
static void mask_paths(struct container *c)
{
	const struct strv *m = &c->cfg->linux.masked_paths;
	char s[32], t[32];

	for (int i = 0; i < m->n; i++) {
		int AUTOCLOSE fd = rootfs_open(c->rootfd, m->v[i], RF_OPEN);
		struct stat st;
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			die_errno("masked path %s", m->v[i]);
		fd_path(fd, t);
		if (S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", t, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0k") < 0)
				die_errno("mask %s", m->v[i]);
			continue;
		}
		fd_path(host_null_path(c), s);
		if (mount(s, t, NULL, MS_BIND, NULL) < 0)
			die_errno("mask %s", m->v[i]);
	}
}

/*
 * A read-only bind of what fd names, onto itself: a clone of its tree,
 * made read-only (with nosuid, nodev, noexec, down the tree) before it is
 * attached, so that it is never writable there even for a moment.  False
 * where the kernel lacks the mount API (mount_setattr: 5.12).
 */
static bool bind_readonly_tree(int fd)
{
	struct mount_attr_compat a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						   MOUNT_ATTR_NOEXEC };
	int AUTOCLOSE tree = (int)syscall(SYS_open_tree, fd, "",
					  OPEN_TREE_CLONE_ | AT_RECURSIVE_ | AT_EMPTY_PATH | O_CLOEXEC);
	return tree >= 0 &&
	       syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE_, &a, sizeof a) == 0 &&
	       syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH_ | MOVE_MOUNT_T_EMPTY_PATH_) == 0;
}

static void readonly_paths(struct container *c)
{
	const struct strv *r = &c->cfg->linux.readonly_paths;
	char t[32];
	bool new_api = true;

	for (int i = 0; i < r->n; i++) {
		int AUTOCLOSE fd = rootfs_open(c->rootfd, r->v[i], RF_OPEN);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			die_errno("readonly path %s", r->v[i]);
		if (new_api && bind_readonly_tree(fd))
			continue;
		new_api = false; /* (and the old way for the rest) */
		fd_path(fd, t);
		if (mount(t, t, NULL, MS_BIND | MS_REC, NULL) < 0)
			die_errno("bind readonly path %s", r->v[i]);
		remount_bind(c, r->v[i], MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	}
}

static unsigned long propagation_flags(const char *name)
{
	for (size_t k = 0; k < ARRAY_LEN(mount_opts); k++)
		if (mount_opts[k].kind == MO_PROP && !strcmp(mount_opts[k].name, name))
			return mount_opts[k].flag;
	return 0;
}

static bool own_mount_ns(const struct config *cfg)
{
	return (cfg->ns_new | cfg->ns_join) & CLONE_NEWNS;
}

/* root.path, absolute (symlinks are the kernel's to follow, once, when
 * the rootfs is opened). */
static void rootfs_path(struct container *c)
{
	if (c->cfg->root.path[0] == '/')
		snprintf(c->rootfs, sizeof c->rootfs, "%s", c->cfg->root.path);
	else
		snprintf(c->rootfs, sizeof c->rootfs, "%s/%s", c->cfg->bundle, c->cfg->root.path);
}

/*
 * Make the rootfs a mount point of its own in our mount namespace, after
 * making the namespace's mounts stop propagating back to the host.
 */
/* The propagation "/" gets first: shared would leak our mounts to the
 * host, and an unbindable "/" could not give the rootfs its bind: both
 * are applied to the new root only, after pivot_root. */
static unsigned long first_propagation(const struct container *c)
{
	const char *rp = c->cfg->linux.rootfs_propagation;
	unsigned long prop = rp && rp[0] ? propagation_flags(rp) : MS_SLAVE | MS_REC;
	return prop & (MS_SHARED | MS_UNBINDABLE) ? MS_SLAVE | MS_REC : prop;
}

static void prepare_rootfs(struct container *c)
{
	const char *rp = c->cfg->linux.rootfs_propagation;
	unsigned long prop = first_propagation(c);
	if (mount(NULL, "/", NULL, MS_REC | (prop & ~(unsigned long)MS_REC), NULL) < 0)
		die_errno("make / %s", rp ? rp : "rslave");
	rootfs_path(c);
	char p[32];
	int AUTOCLOSE fd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die_errno("rootfs %s", c->rootfs);
	fd_path(fd, p);
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		die_errno("bind rootfs %s onto itself", c->rootfs);
	/* fd names the directory under the new bind; the path leads to it */
	c->rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		die_errno("open rootfs %s", c->rootfs);
}

/*
 * Once the rootfs is made, the init works from it as its cwd and closes
 * the descriptor: the createContainer hooks run next, and no process in
 * the container holds a descriptor of a host directory meanwhile (from
 * the rootfs's, ".." is the bundle).
 */
static void leave_rootfd(struct container *c)
{
	if (fchdir(c->rootfd) < 0)
		die_errno("chdir to rootfs");
	close(c->rootfd);
	c->rootfd = -1;
}

/*
 * From the rootfs (the cwd): pivot_root(".", ".") stacks the old root on
 * top of the new one; lazily unmounting it leaves only the new root.  An
 * initramfs root cannot be pivoted (EINVAL): there, and with --no-pivot,
 * we move the rootfs onto / and chroot into it.
 */
static void enter_rootfs(struct container *c)
{
	int AUTOCLOSE oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (!own_mount_ns(c->cfg)) { /* the host's mount namespace: a chroot only */
		if (chroot(".") < 0 || chdir("/") < 0)
			die_errno("chroot to rootfs %s", c->rootfs);
		return;
	}
	if (!c->no_pivot) {
		/* the old root's unmount must not reach the host: its tree
		 * must be rslave or rprivate, as prepare_rootfs made it */
		bool quiet = first_propagation(c) & (MS_SLAVE | MS_PRIVATE);
		if (syscall(SYS_pivot_root, ".", ".") == 0) {
			if (fchdir(oldroot) < 0 || (!quiet && mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) ||
			    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
				die_errno("detach the old root");
			goto done;
		}
		if (errno != EINVAL)
			die_errno("pivot_root to %s", c->rootfs);
		debug("pivot_root: %s; moving the rootfs onto / instead", strerror(errno));
	}
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die_errno("move rootfs %s onto /", c->rootfs);
done:;
	const char *rp = c->cfg->linux.rootfs_propagation;
	if (rp && rp[0] && mount(NULL, "/", NULL, propagation_flags(rp), NULL) < 0)
		die_errno("set rootfs propagation %s", rp);
	if (c->cfg->root.readonly &&
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | remount_flags(c, "/", MS_RDONLY), NULL) < 0)
		die_errno("remount the rootfs read-only");
}

/* === 8. process ========================================================= */

/*
 * The id changes of a single-threaded process, as raw syscalls: libc's
 * wrappers apply them to every thread (musl blocks signals around a
 * broadcast, six syscalls more each).  The 32-bit ABIs that kept 16-bit
 * ids under the old numbers have the *32 calls.
 */
#ifdef SYS_setresuid32
#define SYS_SETRESUID SYS_setresuid32
#define SYS_SETRESGID SYS_setresgid32
#define SYS_SETGROUPS SYS_setgroups32
#else
#define SYS_SETRESUID SYS_setresuid
#define SYS_SETRESGID SYS_setresgid
#define SYS_SETGROUPS SYS_setgroups
#endif

static int raw_setresuid(uid_t u)
{
	return (int)syscall(SYS_SETRESUID, u, u, u);
}

static int raw_setresgid(gid_t g)
{
	return (int)syscall(SYS_SETRESGID, g, g, g);
}

static int raw_setgroups(int n, const gid_t *g)
{
	return (int)syscall(SYS_SETGROUPS, n, g);
}

static void set_rlimits(const struct arr *rl)
{
	for (int i = 0; i < rl->n; i++) {
		const struct rlimit_cfg *r = ARR_AT(*rl, struct rlimit_cfg, i);
		struct rlimit lim = { .rlim_cur = (rlim_t)r->soft.v, .rlim_max = (rlim_t)r->hard.v };
		/* (prlimit: setrlimit would apply it to every thread, as the
		 * id calls above; musl's rlim_t is 64-bit everywhere) */
		if (syscall(SYS_prlimit64, 0, rlimit_res[r->type - 1], &lim, NULL) < 0)
			die_errno("setrlimit %s", rlimit_names[r->type - 1]);
	}
}

/*
 * Become the configured user with exactly the configured capabilities:
 * drop from the bounding set while we still have CAP_SETPCAP, keep the
 * permitted set across setresuid(), then set all three sets at once and
 * raise the ambient ones.
 */
static void set_user_and_caps(const struct process_cfg *p, bool rootless, bool groups_denied)
{
	const struct user_cfg *u = &p->user;
	const struct caps_cfg *cp = &p->caps;
	int last = 63;

	/* the kernel's last capability is where a drop first says EINVAL
	 * (cheaper than reading cap_last_cap) */
	for (int k = 0; k <= last && p->has_caps; k++) {
		if ((cp->b & (1ull << k)))
			continue;
		if (prctl(PR_CAPBSET_DROP, k, 0, 0, 0) == 0)
			continue;
		if (errno != EINVAL)
			die_errno("drop %s from the bounding set", k < 41 ? cap_names[k] : "capability");
		last = k - 1;
	}
	/* (uid 0 keeps its capabilities across setresuid; the flag goes
	 * with execve) */
	if (u->uid.v != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		die_errno("keep capabilities");
	int ng = u->additional_gids.n;
	gid_t *gids = xmalloc(sizeof(gid_t) * (size_t)(ng + 1));
	for (int i = 0; i < ng; i++)
		gids[i] = (gid_t)ARR_AT(u->additional_gids, struct num, i)->v;
	/* (where the namespace denies setgroups, the empty list is what the
	 * kernel keeps anyway) */
	if (!(groups_denied && !ng) && raw_setgroups(ng, gids) < 0) {
		/* a rootless single mapping denies setgroups: only an empty
		 * list can be honoured by leaving the groups alone */
		if (ng || !rootless)
			die_errno("setgroups");
	}
	xfree(gids);
	if (raw_setresgid((gid_t)u->gid.v) < 0)
		die_errno("setgid %lld", (long long)u->gid.v);
	if (raw_setresuid((uid_t)u->uid.v) < 0)
		die_errno("setuid %lld", (long long)u->uid.v);
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	uint64_t e = cp->e, pm = cp->p, in = cp->i;
	if (!p->has_caps) /* no capabilities object: none at all */
		e = pm = in = 0;
	d[0].effective = (uint32_t)e;
	d[1].effective = (uint32_t)(e >> 32);
	d[0].permitted = (uint32_t)pm;
	d[1].permitted = (uint32_t)(pm >> 32);
	d[0].inheritable = (uint32_t)in;
	d[1].inheritable = (uint32_t)(in >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		die_errno("capset");
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (int k = 0; k <= last && p->has_caps; k++)
		if ((cp->a & (1ull << k)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, k, 0, 0) < 0)
			warn("raise ambient %s: %s", cap_names[k], strerror(errno));
}

/* The value of NAME in an env array, or NULL. */
static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* args[0] as execve needs it: a path, looked up in the container's PATH. */
static const char *find_executable(const char *name, char *const *env, char *buf, size_t size)
{
	struct stat st;
	if (strchr(name, '/'))
		return name;
	const char *path = env_get(env, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		snprintf(buf, size, "%.*s%s%s", (int)n, p, n ? "/" : "", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return buf;
		p += n;
		if (!*p)
			break;
	}
	return NULL;
}

/* Reopen an O_PATH descriptor for I/O, and make sure the /proc used to
 * do it (maybe the container's) gave back the same file. */
static int reopen_fd(int pathfd, int flags)
{
	char p[32];
	struct stat a, b;
	if (fstat(pathfd, &a) < 0)
		return -1;
	fd_path(pathfd, p);
	int fd = open(p, flags | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/*
 * A new pty inside the container's devpts; returns the master.  The
 * multiplexer must be the real one (5:2): an image can ship any node or
 * link at /dev/pts/ptmx.  The slave comes from the master itself
 * (TIOCGPTPEER, 4.13), never from a path in /dev/pts.
 */
static int open_pty(struct container *c, const struct process_cfg *pr, int *slave)
{
	struct stat st;
	int AUTOCLOSE ptmx = rootfs_open(c->rootfd, "/dev/pts/ptmx", RF_OPEN);
	if (ptmx < 0)
		die_errno("terminal: no /dev/pts/ptmx in the container (mount devpts with newinstance)");
	if (fstat(ptmx, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2))
		die("terminal: /dev/pts/ptmx in the container is not the pty multiplexer (5:2)");
	int m = reopen_fd(ptmx, O_RDWR);
	int unlock = 0;
	if (m < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0)
		die_errno("terminal: open ptmx");
	*slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		die_errno("terminal: open the pty's slave (TIOCGPTPEER)");
	if (pr->console_size.height.set) {
		struct winsize ws = { .ws_row = (unsigned short)pr->console_size.height.v,
				      .ws_col = (unsigned short)pr->console_size.width.v };
		if (ioctl(m, TIOCSWINSZ, &ws) < 0)
			die_errno("terminal: set console size");
	}
	return m;
}

/*
 * /dev/console becomes the pty.  It is bound onto a file the runtime
 * creates itself (O_EXCL, O_NOFOLLOW, through the /dev descriptor) after
 * removing whatever the image had there: a planted symlink, to a host
 * path or into /proc, is never followed (CVE-2025-52565).  Only where
 * /dev cannot be written is an existing file (never a link) reused.
 */
static void bind_console(struct container *c, int slave)
{
	char s[32], t[32];
	struct stat st;
	int AUTOCLOSE dev = open_dev_dir(c, true);
	int fd = -1;
	if (unlinkat(dev, "console", 0) == 0 || errno == ENOENT)
		fd = openat(dev, "console", O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	else if (errno == EROFS && fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		 (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
		fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die_errno("terminal: make /dev/console in the container");
	fd_path(slave, s);
	fd_path(fd, t);
	if (mount(s, t, NULL, MS_BIND, NULL) < 0)
		die_errno("bind the terminal onto /dev/console");
	close(fd);
}

/* The slave becomes the controlling terminal and stdio of the process. */
static void attach_tty(int slave)
{
	if (setsid() < 0 && errno != EPERM)
		die_errno("setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		die_errno("set controlling terminal");
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			die_errno("terminal: dup2");
	if (slave > 2)
		close(slave);
}

/*
 * Hand the pty master to whoever holds the terminal's other end: the
 * --console-socket, or the runtime itself (a foreground run or exec relays
 * it to its own stdio).
 */
static void send_master(struct container *c, int master)
{
	struct sync_msg m = { .type = 'T' };
	if (c->console_fd >= 0 && send_fd(c->console_fd, master, "console", 7) < 0)
		die_errno("send the terminal over the console socket");
	if (c->console_fd < 0 && send_fd(c->sync_fd, master, &m, sizeof m) < 0)
		die_errno("send the terminal to the runtime");
	close(master);
}

/*
 * --- the sealed trampoline (CVE-2019-5736) ---
 * A program of the image can be a script whose interpreter is
 * /proc/self/exe, or an ELF whose loader is.  Exec'd by a runtime process
 * inside the container (the init, exec's child, a startContainer hook),
 * the kernel resolves that link to the exec'ing process's own executable:
 * the host's ocirun, which then runs in the container, where container
 * root can open it through /proc/PID/exe and write it once it is idle.
 * So such a process execs the container's program through a trampoline,
 * a program of a few hundred bytes in a sealed memfd (F_SEAL_WRITE: no one
 * can write it, through any path), which only execs it: whatever the
 * program's interpreter finds as /proc/self/exe is the sealed memfd.
 *
 * The trampoline gets "FD" "PATH" ARGV... and the environment; it marks FD
 * close-on-exec, execs PATH with ARGV, and if that fails writes 'X', the
 * errno (a struct sync_msg) and PATH to FD, then exits 127.  Anything else
 * as its first argument (as when a script names it as its interpreter) and
 * it exits 127 at once.  Its ELF header is the runtime's own (the class,
 * byte order, machine and ABI flags the kernel took for this binary),
 * with one read-only executable segment and a non-executable stack.  It
 * lives in .rodata: the runtime never runs these bytes itself.
 */
#define TRAMP_STR_(x) #x
#define TRAMP_STR(x) TRAMP_STR_(x)
#define TRAMP_NR(name) TRAMP_STR(__NR_##name)
#define TRAMP_ASM(code)                                                                        \
	__asm__(".pushsection .rodata.ocirun_tramp,\"a\"\n.balign 4\n"                         \
		".globl ocirun_tramp\n.hidden ocirun_tramp\nocirun_tramp:\n" code                \
		".globl ocirun_tramp_end\n.hidden ocirun_tramp_end\nocirun_tramp_end:\n.popsection")
#if defined(__x86_64__)
#define TRAMP_AUDIT_ARCH AUDIT_ARCH_X86_64
TRAMP_ASM("	mov (%rsp), %r12\n" /* argc */
	  "	lea 8(%rsp), %r13\n" /* argv */
	  "	cmp $2, %r12\n"
	  "	jb 9f\n"
	  "	mov (%r13), %rsi\n"
	  "	cmpb $0, (%rsi)\n"
	  "	je 9f\n"
	  "	xor %ebx, %ebx\n" /* the descriptor, from decimal */
	  "1:	movzbl (%rsi), %eax\n"
	  "	test %eax, %eax\n"
	  "	jz 2f\n"
	  "	sub $48, %eax\n"
	  "	cmp $9, %eax\n"
	  "	ja 9f\n"
	  "	imul $10, %ebx, %ebx\n"
	  "	add %eax, %ebx\n"
	  "	inc %rsi\n"
	  "	jmp 1b\n"
	  "2:	mov $" TRAMP_NR(fcntl) ", %eax\n"
	  "	mov %ebx, %edi\n"
	  "	mov $2, %esi\n" /* F_SETFD */
	  "	mov $1, %edx\n" /* FD_CLOEXEC */
	  "	syscall\n"
	  "	test %rax, %rax\n"
	  "	jnz 9f\n"
	  "	mov $" TRAMP_NR(execve) ", %eax\n"
	  "	mov 8(%r13), %rdi\n"
	  "	lea 16(%r13), %rsi\n"
	  "	lea 8(%r13,%r12,8), %rdx\n" /* envp: after argv's NULL */
	  "	syscall\n"
	  "	neg %eax\n"
	  "	sub $48, %rsp\n"
	  "	movq $0, (%rsp)\n"
	  "	movb $88, (%rsp)\n" /* 'X' */
	  "	mov %eax, 4(%rsp)\n"
	  "	mov 8(%r13), %rdi\n"
	  "	mov %rdi, %rcx\n"
	  "3:	cmpb $0, (%rcx)\n"
	  "	je 4f\n"
	  "	inc %rcx\n"
	  "	jmp 3b\n"
	  "4:	sub %rdi, %rcx\n"
	  "	mov %rsp, 16(%rsp)\n" /* iov[0]: the message */
	  "	movq $8, 24(%rsp)\n"
	  "	mov %rdi, 32(%rsp)\n" /* iov[1]: the path */
	  "	mov %rcx, 40(%rsp)\n"
	  "	mov $" TRAMP_NR(writev) ", %eax\n"
	  "	mov %ebx, %edi\n"
	  "	lea 16(%rsp), %rsi\n"
	  "	mov $2, %edx\n"
	  "	syscall\n"
	  "9:	mov $" TRAMP_NR(exit_group) ", %eax\n"
	  "	mov $127, %edi\n"
	  "	syscall\n");
#elif defined(__aarch64__)
#define TRAMP_AUDIT_ARCH AUDIT_ARCH_AARCH64
TRAMP_ASM("	ldr x19, [sp]\n"
	  "	add x20, sp, #8\n"
	  "	cmp x19, #2\n"
	  "	b.lo 9f\n"
	  "	ldr x1, [x20]\n"
	  "	ldrb w2, [x1]\n"
	  "	cbz w2, 9f\n"
	  "	mov w21, #0\n"
	  "	mov w3, #10\n"
	  "1:	ldrb w2, [x1], #1\n"
	  "	cbz w2, 2f\n"
	  "	sub w2, w2, #48\n"
	  "	cmp w2, #9\n"
	  "	b.hi 9f\n"
	  "	madd w21, w21, w3, w2\n"
	  "	b 1b\n"
	  "2:	mov w0, w21\n"
	  "	mov x1, #2\n"
	  "	mov x2, #1\n"
	  "	mov x8, #" TRAMP_NR(fcntl) "\n"
	  "	svc #0\n"
	  "	cbnz x0, 9f\n"
	  "	ldr x0, [x20, #8]\n"
	  "	add x1, x20, #16\n"
	  "	add x2, x20, x19, lsl #3\n"
	  "	add x2, x2, #8\n"
	  "	mov x8, #" TRAMP_NR(execve) "\n"
	  "	svc #0\n"
	  "	neg w22, w0\n"
	  "	sub sp, sp, #48\n"
	  "	str xzr, [sp]\n"
	  "	mov w4, #88\n"
	  "	strb w4, [sp]\n"
	  "	str w22, [sp, #4]\n"
	  "	ldr x5, [x20, #8]\n"
	  "	mov x6, x5\n"
	  "3:	ldrb w7, [x6]\n"
	  "	cbz w7, 4f\n"
	  "	add x6, x6, #1\n"
	  "	b 3b\n"
	  "4:	sub x6, x6, x5\n"
	  "	mov x4, sp\n"
	  "	str x4, [sp, #16]\n"
	  "	mov x4, #8\n"
	  "	str x4, [sp, #24]\n"
	  "	str x5, [sp, #32]\n"
	  "	str x6, [sp, #40]\n"
	  "	mov w0, w21\n"
	  "	add x1, sp, #16\n"
	  "	mov x2, #2\n"
	  "	mov x8, #" TRAMP_NR(writev) "\n"
	  "	svc #0\n"
	  "9:	mov x0, #127\n"
	  "	mov x8, #" TRAMP_NR(exit_group) "\n"
	  "	svc #0\n");
#elif defined(__arm__) && defined(__ARM_EABI__)
#define TRAMP_AUDIT_ARCH AUDIT_ARCH_ARM
/* in ARM state (Debian's armhf compiles to Thumb-2: back to it after) */
#ifdef __thumb__
#define TRAMP_ARM_END ".thumb\n"
#else
#define TRAMP_ARM_END ""
#endif
TRAMP_ASM(".arm\n"
	  "	ldr r4, [sp]\n"
	  "	add r5, sp, #4\n"
	  "	cmp r4, #2\n"
	  "	blo 9f\n"
	  "	ldr r1, [r5]\n"
	  "	ldrb r2, [r1]\n"
	  "	cmp r2, #0\n"
	  "	beq 9f\n"
	  "	mov r6, #0\n"
	  "	mov r3, #10\n"
	  "1:	ldrb r2, [r1], #1\n"
	  "	cmp r2, #0\n"
	  "	beq 2f\n"
	  "	sub r2, r2, #48\n"
	  "	cmp r2, #9\n"
	  "	bhi 9f\n"
	  "	mul r0, r6, r3\n"
	  "	add r6, r0, r2\n"
	  "	b 1b\n"
	  "2:	mov r0, r6\n"
	  "	mov r1, #2\n"
	  "	mov r2, #1\n"
	  "	mov r7, #" TRAMP_NR(fcntl) "\n"
	  "	svc #0\n"
	  "	cmp r0, #0\n"
	  "	bne 9f\n"
	  "	ldr r0, [r5, #4]\n"
	  "	add r1, r5, #8\n"
	  "	add r2, r5, r4, lsl #2\n"
	  "	add r2, r2, #4\n"
	  "	mov r7, #" TRAMP_NR(execve) "\n"
	  "	svc #0\n"
	  "	rsb r8, r0, #0\n"
	  "	sub sp, sp, #24\n"
	  "	mov r0, #0\n"
	  "	str r0, [sp]\n"
	  "	mov r0, #88\n"
	  "	strb r0, [sp]\n"
	  "	str r8, [sp, #4]\n"
	  "	ldr r9, [r5, #4]\n"
	  "	mov r10, r9\n"
	  "3:	ldrb r0, [r10]\n"
	  "	cmp r0, #0\n"
	  "	beq 4f\n"
	  "	add r10, r10, #1\n"
	  "	b 3b\n"
	  "4:	sub r10, r10, r9\n"
	  "	mov r0, sp\n"
	  "	str r0, [sp, #8]\n"
	  "	mov r0, #8\n"
	  "	str r0, [sp, #12]\n"
	  "	str r9, [sp, #16]\n"
	  "	str r10, [sp, #20]\n"
	  "	mov r0, r6\n"
	  "	add r1, sp, #8\n"
	  "	mov r2, #2\n"
	  "	mov r7, #" TRAMP_NR(writev) "\n"
	  "	svc #0\n"
	  "9:	mov r0, #127\n"
	  "	mov r7, #" TRAMP_NR(exit_group) "\n"
	  "	svc #0\n" TRAMP_ARM_END);
#elif defined(__mips__) && _MIPS_SIM == _ABIO32
#define TRAMP_AUDIT_ARCH (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? AUDIT_ARCH_MIPS : AUDIT_ARCH_MIPSEL)
/* o32: $a3 is set on error, with the errno in $v0; the branch delay
 * slots are filled by hand */
TRAMP_ASM(".set push\n.set noreorder\n"
	  "	lw $s0, 0($sp)\n"
	  "	addiu $s1, $sp, 4\n"
	  "	slti $t0, $s0, 2\n"
	  "	bnez $t0, 9f\n"
	  "	nop\n"
	  "	lw $t1, 0($s1)\n"
	  "	lbu $t2, 0($t1)\n"
	  "	beqz $t2, 9f\n"
	  "	move $s2, $zero\n"
	  "1:	lbu $t2, 0($t1)\n"
	  "	beqz $t2, 2f\n"
	  "	addiu $t1, $t1, 1\n"
	  "	addiu $t2, $t2, -48\n"
	  "	sltiu $t0, $t2, 10\n"
	  "	beqz $t0, 9f\n"
	  "	sll $t3, $s2, 3\n"
	  "	sll $t4, $s2, 1\n"
	  "	addu $s2, $t3, $t4\n"
	  "	b 1b\n"
	  "	addu $s2, $s2, $t2\n"
	  "2:	move $a0, $s2\n"
	  "	li $a1, 2\n"
	  "	li $a2, 1\n"
	  "	li $v0, " TRAMP_NR(fcntl) "\n"
	  "	syscall\n"
	  "	bnez $a3, 9f\n"
	  "	nop\n"
	  "	lw $a0, 4($s1)\n"
	  "	addiu $a1, $s1, 8\n"
	  "	sll $t0, $s0, 2\n"
	  "	addu $a2, $s1, $t0\n"
	  "	addiu $a2, $a2, 4\n"
	  "	li $v0, " TRAMP_NR(execve) "\n"
	  "	syscall\n"
	  "	move $s3, $v0\n"
	  "	addiu $sp, $sp, -48\n"
	  "	sw $zero, 16($sp)\n"
	  "	li $t0, 88\n"
	  "	sb $t0, 16($sp)\n"
	  "	sw $s3, 20($sp)\n"
	  "	lw $s4, 4($s1)\n"
	  "	move $t1, $s4\n"
	  "3:	lbu $t2, 0($t1)\n"
	  "	beqz $t2, 4f\n"
	  "	nop\n"
	  "	b 3b\n"
	  "	addiu $t1, $t1, 1\n"
	  "4:	subu $t1, $t1, $s4\n"
	  "	addiu $t0, $sp, 16\n"
	  "	sw $t0, 24($sp)\n"
	  "	li $t0, 8\n"
	  "	sw $t0, 28($sp)\n"
	  "	sw $s4, 32($sp)\n"
	  "	sw $t1, 36($sp)\n"
	  "	move $a0, $s2\n"
	  "	addiu $a1, $sp, 24\n"
	  "	li $a2, 2\n"
	  "	li $v0, " TRAMP_NR(writev) "\n"
	  "	syscall\n"
	  "9:	li $a0, 127\n"
	  "	li $v0, " TRAMP_NR(exit_group) "\n"
	  "	syscall\n"
	  ".set pop\n");
#elif defined(__riscv) && __riscv_xlen == 64
#define TRAMP_AUDIT_ARCH AUDIT_ARCH_RISCV64
TRAMP_ASM(".option push\n.option norelax\n"
	  "	ld s0, 0(sp)\n"
	  "	addi s1, sp, 8\n"
	  "	li t0, 2\n"
	  "	blt s0, t0, 9f\n"
	  "	ld t1, 0(s1)\n"
	  "	lbu t2, 0(t1)\n"
	  "	beqz t2, 9f\n"
	  "	li s2, 0\n"
	  "	li t3, 10\n"
	  "	li t4, 9\n"
	  "1:	lbu t2, 0(t1)\n"
	  "	beqz t2, 2f\n"
	  "	addi t1, t1, 1\n"
	  "	addi t2, t2, -48\n"
	  "	bgtu t2, t4, 9f\n"
	  "	mul s2, s2, t3\n"
	  "	add s2, s2, t2\n"
	  "	j 1b\n"
	  "2:	mv a0, s2\n"
	  "	li a1, 2\n"
	  "	li a2, 1\n"
	  "	li a7, " TRAMP_NR(fcntl) "\n"
	  "	ecall\n"
	  "	bnez a0, 9f\n"
	  "	ld a0, 8(s1)\n"
	  "	addi a1, s1, 16\n"
	  "	slli t0, s0, 3\n"
	  "	add a2, s1, t0\n"
	  "	addi a2, a2, 8\n"
	  "	li a7, " TRAMP_NR(execve) "\n"
	  "	ecall\n"
	  "	neg s3, a0\n"
	  "	addi sp, sp, -48\n"
	  "	sd zero, 0(sp)\n"
	  "	li t0, 88\n"
	  "	sb t0, 0(sp)\n"
	  "	sw s3, 4(sp)\n"
	  "	ld s4, 8(s1)\n"
	  "	mv t1, s4\n"
	  "3:	lbu t2, 0(t1)\n"
	  "	beqz t2, 4f\n"
	  "	addi t1, t1, 1\n"
	  "	j 3b\n"
	  "4:	sub t1, t1, s4\n"
	  "	sd sp, 16(sp)\n"
	  "	li t0, 8\n"
	  "	sd t0, 24(sp)\n"
	  "	sd s4, 32(sp)\n"
	  "	sd t1, 40(sp)\n"
	  "	mv a0, s2\n"
	  "	addi a1, sp, 16\n"
	  "	li a2, 2\n"
	  "	li a7, " TRAMP_NR(writev) "\n"
	  "	ecall\n"
	  "9:	li a0, 127\n"
	  "	li a7, " TRAMP_NR(exit_group) "\n"
	  "	ecall\n"
	  ".option pop\n");
#endif

#ifdef TRAMP_AUDIT_ARCH
extern const unsigned char ocirun_tramp[] __attribute__((visibility("hidden")));
extern const unsigned char ocirun_tramp_end[] __attribute__((visibility("hidden")));
#endif
/* the runtime's own ELF header, where the linker maps it (GNU ld, lld) */
extern const unsigned char __ehdr_start[] __attribute__((weak));

#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Ehdr tramp_ehdr;
typedef Elf64_Phdr tramp_phdr;
#else
typedef Elf32_Ehdr tramp_ehdr;
typedef Elf32_Phdr tramp_phdr;
#endif
#define TRAMP_VADDR 0x400000u
#define SEALS_ALL (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Whether this build and binary have a trampoline to make. */
static bool tramp_available(void)
{
#ifdef TRAMP_AUDIT_ARCH
	return __ehdr_start != NULL;
#else
	return false;
#endif
}

/* MFD_EXEC (6.3) where the kernel has it: vm.memfd_noexec=1 would make a
 * memfd without it non-executable */
static int memfd_exec(const char *name)
{
	int fd = (int)syscall(SYS_memfd_create, name, 0x1u | 0x2u | 0x10u);
	if (fd < 0 && errno == EINVAL) /* MFD_CLOEXEC | MFD_ALLOW_SEALING */
		fd = (int)syscall(SYS_memfd_create, name, 0x1u | 0x2u);
	return fd;
}

/* The sealed trampoline, close-on-exec (it is an ELF: the kernel needs no
 * path to it); dies if it cannot be made. */
static int tramp_make(void)
{
#ifdef TRAMP_AUDIT_ARCH
	const tramp_ehdr *self = (const tramp_ehdr *)__ehdr_start;
	struct {
		tramp_ehdr eh;
		tramp_phdr ph[2];
		unsigned char code[512];
	} img;
	size_t code = (size_t)(ocirun_tramp_end - ocirun_tramp), size = offsetof(__typeof__(img), code) + code;
	memset(&img, 0, sizeof img);
	memcpy(img.eh.e_ident, self->e_ident, EI_NIDENT);
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = self->e_machine;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_flags = self->e_flags;
	img.eh.e_entry = TRAMP_VADDR + offsetof(__typeof__(img), code);
	img.eh.e_phoff = offsetof(__typeof__(img), ph);
	img.eh.e_ehsize = sizeof img.eh;
	img.eh.e_phentsize = sizeof img.ph[0];
	img.eh.e_phnum = 2;
	img.ph[0] = (tramp_phdr){ .p_type = PT_LOAD, .p_vaddr = TRAMP_VADDR, .p_paddr = TRAMP_VADDR,
				  .p_filesz = size, .p_memsz = size, .p_flags = PF_R | PF_X, .p_align = 0x10000 };
	img.ph[1] = (tramp_phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	if (code > sizeof img.code)
		die("the trampoline is larger than its image");
	memcpy(img.code, ocirun_tramp, code);
	int fd = memfd_exec("ocirun-exec");
	if (fd < 0)
		die_errno("make the sealed trampoline (memfd_create)");
	if (write(fd, &img, size) != (ssize_t)size || fcntl(fd, F_ADD_SEALS, SEALS_ALL) < 0)
		die_errno("make the sealed trampoline");
	return fd;
#else
	die("this build has no trampoline for its architecture");
#endif
}

/*
 * The trampoline's arguments for a program: its own (FD, PATH), then the
 * program's.  Built before the seccomp filter is loaded: nothing may be
 * allocated after it.
 */
static char **tramp_args(int result_fd, const char *path, char *const *argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **v = xmalloc((n + 3) * sizeof *v);
	v[0] = xmalloc(12);
	snprintf(v[0], 12, "%d", result_fd);
	v[1] = (char *)path;
	memcpy(v + 2, argv, (n + 1) * sizeof *v);
	return v;
}

/* Exec a program of the container's: through the trampoline (targs from
 * tramp_args, result_fd left open across this exec for it), or, with no
 * trampoline (tramp < 0), directly.  Returns only on failure. */
static void exec_program(int tramp, char **targs, const char *path, char *const *argv, char *const *envp)
{
	if (tramp < 0)
		execve(path, argv, envp);
	else
		syscall(SYS_execveat, tramp, "", targs, envp, AT_EMPTY_PATH);
}

/* === 9. seccomp ========================================================= */

/*
 * linux.seccomp is validated always; it is compiled to BPF with libseccomp
 * in the runtime (before the container exists, so errors come early), or
 * read precompiled from the file named by SECCOMP_BPF_ANNOTATION (made by
 * seccomp_gen on a build host: a device then needs no libseccomp).  Either
 * way the init loads the same bytes itself with seccomp(2), as late as
 * possible before execve.
 */
#define SECCOMP_BPF_ANNOTATION "io.github.ocirun.seccomp-bpf"
#define BPF_MAX_INSNS 4096
#define SECCOMP_MAX_COMPARISONS 512

static const char *const scmp_actions[] = { "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
					    "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",
					    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL };
/* the kernel's SECCOMP_RET_* values, which libseccomp's SCMP_ACT_* equal */
static const uint32_t scmp_action_values[] UNUSED = { 0x00000000, 0x80000000, 0x00000000, 0x00030000, 0x00050000,
					       0x7ff00000, 0x7fff0000, 0x7ffc0000, 0x7fc00000 };
enum { ACT_ERRNO = 4, ACT_TRACE = 5, ACT_NOTIFY = 8 };
static const char *const scmp_ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
					"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };
static const char *const scmp_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
	"SCMP_ARCH_SH", "SCMP_ARCH_SHEB", NULL
};
static const char *const scmp_flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };
static const unsigned scmp_flag_values[] = { 1, 2, 4, 32 };
#define SECCOMP_FLAG_NEW_LISTENER 8u

/*
 * An errno must be one the kernel can return, 1 to 4095: libseccomp keeps
 * 16 bits, so 65536 would silently become errno 0 and a deny rule
 * "pretend success".  SCMP_ACT_TRACE's value is the tracer's 16-bit data.
 */
static int seccomp_errno_range(const struct num *v, int act, char *err, size_t n, const char *where)
{
	long long lo = act == ACT_TRACE ? 0 : 1, hi = act == ACT_TRACE ? 65535 : 4095;
	if (v->set && (v->v < lo || v->v > hi)) {
		snprintf(err, n, "%s: %lld out of range [%lld, %lld]", where, (long long)v->v, lo, hi);
		return -1;
	}
	return 0;
}

/* The JSON-level rules of config-linux.md, with or without libseccomp. */
static int seccomp_validate(const struct seccomp_cfg *sc, char *err, size_t n)
{
#define FAIL(...) do { snprintf(err, n, __VA_ARGS__); return -1; } while (0)
	int def = name_index(scmp_actions, sc->default_action);
	bool notify = false;
	if (def < 0)
		FAIL("linux.seccomp.defaultAction: unknown action \"%s\"", sc->default_action);
	if (def == ACT_NOTIFY)
		FAIL("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	if (sc->default_errno_ret.set && def != ACT_ERRNO && def != ACT_TRACE)
		FAIL("linux.seccomp.defaultErrnoRet: %s takes no errno", sc->default_action);
	if (seccomp_errno_range(&sc->default_errno_ret, def, err, n, "linux.seccomp.defaultErrnoRet") < 0)
		return -1;
	for (int i = 0; i < sc->architectures.n; i++)
		if (name_index(scmp_archs, sc->architectures.v[i]) < 0)
			FAIL("linux.seccomp.architectures[%d]: unknown architecture \"%s\"", i,
			     sc->architectures.v[i]);
	for (int i = 0; i < sc->flags.n; i++)
		if (name_index(scmp_flags, sc->flags.v[i]) < 0)
			FAIL("linux.seccomp.flags[%d]: unknown flag \"%s\"", i, sc->flags.v[i]);
	for (int i = 0; i < sc->syscalls.n; i++) {
		const struct seccomp_rule_cfg *r = ARR_AT(sc->syscalls, struct seccomp_rule_cfg, i);
		int act = name_index(scmp_actions, r->action);
		if (act < 0)
			FAIL("linux.seccomp.syscalls[%d].action: unknown action \"%s\"", i, r->action);
		if (r->errno_ret.set && act != ACT_ERRNO && act != ACT_TRACE)
			FAIL("linux.seccomp.syscalls[%d].errnoRet: %s takes no errno", i, r->action);
		char where[64];
		snprintf(where, sizeof where, "linux.seccomp.syscalls[%d].errnoRet", i);
		if (seccomp_errno_range(&r->errno_ret, act, err, n, where) < 0)
			return -1;
		if (r->names.n < 1)
			FAIL("linux.seccomp.syscalls[%d].names: at least one name is required", i);
		notify |= act == ACT_NOTIFY;
		for (int k = 0; k < r->args.n; k++)
			if (name_index(scmp_ops, ARR_AT(r->args, struct seccomp_arg_cfg, k)->op) < 0)
				FAIL("linux.seccomp.syscalls[%d].args[%d].op: unknown operator \"%s\"", i, k,
				     ARR_AT(r->args, struct seccomp_arg_cfg, k)->op);
	}
	/* libseccomp's compile time grows with about the cube of the
	 * argument comparisons (1200 take 6 s): a config must not make create
	 * burn a device's CPU for minutes */
	long cmps = 0;
	for (int i = 0; i < sc->syscalls.n; i++) {
		const struct seccomp_rule_cfg *r = ARR_AT(sc->syscalls, struct seccomp_rule_cfg, i);
		cmps += (long)r->args.n * r->names.n;
	}
	if (cmps > SECCOMP_MAX_COMPARISONS)
		FAIL("linux.seccomp.syscalls: %ld argument comparisons (names times args), more than %d", cmps,
		     SECCOMP_MAX_COMPARISONS);
	if (sc->listener_metadata && !sc->listener_path)
		FAIL("linux.seccomp.listenerMetadata: needs listenerPath");
	if (notify && (!sc->listener_path || !sc->listener_path[0]))
		FAIL("linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listener");
	return 0;
#undef FAIL
}

static unsigned seccomp_load_flags(const struct seccomp_cfg *sc)
{
	unsigned f = 0;
	for (int i = 0; i < sc->flags.n; i++)
		f |= scmp_flag_values[name_index(scmp_flags, sc->flags.v[i])];
	return f;
}

/*
 * A BPF program must be whole before we trust it to the kernel's verdict:
 * instructions only, every jump inside the program, ending with a return.
 */
static int bpf_check(const struct sock_filter *f, size_t n, char *err, size_t errsize)
{
	if (n < 1 || n > BPF_MAX_INSNS) {
		snprintf(err, errsize, "%zu instructions (1 to %d allowed)", n, BPF_MAX_INSNS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		size_t far = BPF_OP(f[i].code) == BPF_JA ? f[i].k : (f[i].jt > f[i].jf ? f[i].jt : f[i].jf);
		if (far >= n - i - 1) {
			snprintf(err, errsize, "instruction %zu jumps outside the program", i);
			return -1;
		}
	}
	if (BPF_CLASS(f[n - 1].code) != BPF_RET) {
		snprintf(err, errsize, "the program does not end with a return");
		return -1;
	}
	return 0;
}

/* Whether a program can return SECCOMP_RET_USER_NOTIF (needs a listener). */
static bool bpf_notifies(const struct bpf_prog *p)
{
	for (unsigned i = 0; i < p->len; i++)
		if (BPF_CLASS(p->insns[i].code) == BPF_RET && BPF_RVAL(p->insns[i].code) == BPF_K &&
		    (p->insns[i].k & 0xffff0000u) == 0x7fc00000u)
			return true;
	return false;
}

/*
 * The verdict of a filter on one call, as the kernel would give it: a
 * classic BPF interpreter over struct seccomp_data.  An instruction the
 * kernel's checker would refuse is a kill here: the answer errs on the
 * side of "not allowed".
 */
static uint32_t bpf_verdict(const struct bpf_prog *p, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 }, word[sizeof *d / 4];
	memcpy(word, d, sizeof word);
	for (unsigned pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->insns[pc];
		uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? x : k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;
			if (f->code == (BPF_LD | BPF_W | BPF_ABS) && k % 4 == 0 && k < sizeof *d)
				v = word[k / 4];
			else if (BPF_MODE(f->code) == BPF_IMM)
				v = k;
			else if (BPF_MODE(f->code) == BPF_MEM && k < BPF_MEMWORDS)
				v = mem[k];
			else if (BPF_MODE(f->code) == BPF_LEN)
				v = sizeof *d;
			else
				return 0;
			*(BPF_CLASS(f->code) == BPF_LD ? &a : &x) = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return 0;
			mem[k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV: if (!src) return 0; a /= src; break;
			case BPF_MOD: if (!src) return 0; a %= src; break;
			case BPF_OR: a |= src; break;
			case BPF_AND: a &= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return 0;
			}
			break;
		case BPF_JMP:
			switch (BPF_OP(f->code)) {
			case BPF_JA: pc += k; break;
			case BPF_JEQ: pc += a == src ? f->jt : f->jf; break;
			case BPF_JGT: pc += a > src ? f->jt : f->jf; break;
			case BPF_JGE: pc += a >= src ? f->jt : f->jf; break;
			case BPF_JSET: pc += (a & src) ? f->jt : f->jf; break;
			default: return 0;
			}
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return 0;
}

#ifdef TRAMP_AUDIT_ARCH
/* Whether the filter lets a call through untouched (allow, or log). */
static bool bpf_allows(const struct bpf_prog *p, long nr, const uint64_t args[6])
{
	struct seccomp_data d = { .nr = (int)nr, .arch = TRAMP_AUDIT_ARCH };
	memcpy(d.args, args, sizeof d.args);
	uint32_t act = bpf_verdict(p, &d) & 0xffff0000u; /* SECCOMP_RET_ACTION_FULL */
	return act == 0x7fff0000u || act == 0x7ffc0000u; /* SECCOMP_RET_ALLOW, _LOG */
}
#endif

static int bpf_from_bytes(struct bpf_prog *p, void *data, size_t len, char *err, size_t errsize)
{
	if (len % sizeof(struct sock_filter)) {
		snprintf(err, errsize, "%zu bytes is not a whole number of BPF instructions", len);
		return -1;
	}
	if (bpf_check(data, len / sizeof(struct sock_filter), err, errsize) < 0)
		return -1;
	p->insns = data;
	p->len = (unsigned short)(len / sizeof(struct sock_filter));
	return 0;
}

#if OCIRUN_SECCOMP
static uint32_t scmp_arch_token(const char *oci_name)
{
	char lower[32];
	size_t k = 0;
	for (const char *s = oci_name + strlen("SCMP_ARCH_"); *s && k + 1 < sizeof lower; s++)
		lower[k++] = (char)tolower((unsigned char)*s);
	lower[k] = 0;
	return seccomp_arch_resolve_name(lower);
}

static uint32_t scmp_action(const char *name, const struct num *errno_ret)
{
	int a = name_index(scmp_actions, name);
	uint32_t v = scmp_action_values[a];
	if (a == ACT_ERRNO || a == ACT_TRACE)
		v |= (uint32_t)(errno_ret->set ? errno_ret->v : EPERM) & 0xffff;
	return v;
}

/*
 * Compile linux.seccomp to BPF for arch (0: this machine's), the way runc
 * does: names this libseccomp does not know for the arch are skipped,
 * args on one index are separate rules (OR), on different ones one rule
 * (AND).  seccomp_gen calls this same function for other arches.
 */
static int seccomp_compile(const struct seccomp_cfg *sc, uint32_t arch, struct bpf_prog *out, char *err,
			   size_t errsize)
{
	int rc = -1, mfd = -1;
	void *buf = NULL;  /* the program; out->insns only once it passed bpf_check */
	uint32_t def = scmp_action(sc->default_action, &sc->default_errno_ret);
	scmp_filter_ctx ctx = seccomp_init(def);
#define FAIL(...) do { snprintf(err, errsize, __VA_ARGS__); goto out; } while (0)
	if (!ctx)
		FAIL("linux.seccomp: cannot create a filter");
	/* we set no_new_privs ourselves when the config asks for it */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
		FAIL("linux.seccomp: cannot clear the no_new_privs attribute");
	if (arch && arch != seccomp_arch_native()) {
		if (seccomp_arch_add(ctx, arch) < 0 || seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0)
			FAIL("linux.seccomp: cannot target architecture %#x", arch);
	}
	for (int i = 0; i < sc->architectures.n; i++) {
		uint32_t t = scmp_arch_token(sc->architectures.v[i]);
		if (!t) {
			debug("linux.seccomp.architectures[%d]: %s unknown to this libseccomp, skipped", i,
			      sc->architectures.v[i]);
			continue;
		}
		int r = seccomp_arch_add(ctx, t);
		if (r < 0 && r != -EEXIST)
			FAIL("linux.seccomp.architectures[%d]: %s: %s", i, sc->architectures.v[i], strerror(-r));
	}
	for (int i = 0; i < sc->syscalls.n; i++) {
		const struct seccomp_rule_cfg *rule = ARR_AT(sc->syscalls, struct seccomp_rule_cfg, i);
		uint32_t act = scmp_action(rule->action, &rule->errno_ret);
		struct scmp_arg_cmp cmp[6];
		int n = rule->args.n;
		bool same_index = false;
		for (int k = 0; k < n; k++) {
			const struct seccomp_arg_cfg *a = ARR_AT(rule->args, struct seccomp_arg_cfg, k);
			cmp[k] = (struct scmp_arg_cmp){ .arg = (unsigned)a->index.v,
							.op = (enum scmp_compare)(name_index(scmp_ops, a->op) + 1),
							.datum_a = a->value.v, .datum_b = a->value_two.v };
			for (int m = 0; m < k; m++)
				same_index |= cmp[m].arg == cmp[k].arg;
		}
		if (act == def) /* libseccomp refuses rules that change nothing */
			continue;
		for (int k = 0; k < rule->names.n; k++) {
			const char *name = rule->names.v[k];
			int nr = seccomp_syscall_resolve_name(name);
			if (nr == __NR_SCMP_ERROR) {
				debug("seccomp: syscall %s unknown to this libseccomp, skipped", name);
				continue;
			}
			int r = 0;
			if (same_index)
				for (int a = 0; a < n && r >= 0; a++)
					r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[a]);
			else
				r = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, cmp);
			if (r < 0)
				FAIL("linux.seccomp.syscalls[%d]: rule for %s: %s", i, name, strerror(-r));
		}
	}
	/* libseccomp 2.5 exports to a descriptor only */
	mfd = (int)syscall(SYS_memfd_create, "ocirun-bpf", 1u /* MFD_CLOEXEC */);
	if (mfd < 0 || seccomp_export_bpf(ctx, mfd) < 0)
		FAIL("linux.seccomp: cannot export the filter");
	off_t len = lseek(mfd, 0, SEEK_END);
	buf = len > 0 ? xmalloc((size_t)len) : NULL;
	if (!buf || pread(mfd, buf, (size_t)len, 0) != len)
		FAIL("linux.seccomp: cannot read the filter back");
	if (bpf_from_bytes(out, buf, (size_t)len, err, errsize) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		xfree(buf);
	if (mfd >= 0)
		close(mfd);
	if (ctx)
		seccomp_release(ctx);
	return rc;
#undef FAIL
}
#endif

/* The filter of a config, compiled or precompiled; false if it has none. */
static bool seccomp_prepare(const struct config *cfg, struct bpf_prog *p)
{
	const struct seccomp_cfg *sc = &cfg->linux.seccomp;
	const char *pre = NULL;
	char err[300];

	memset(p, 0, sizeof *p);
	for (int i = 0; i < cfg->annotations.n; i++)
		if (!strcmp(cfg->annotations.v[i].k, SECCOMP_BPF_ANNOTATION))
			pre = cfg->annotations.v[i].v;
	if (pre) {
		char path[PATH_MAX];
		size_t len;
		const char *base;
		if (pre[0] == '/')
			snprintf(path, sizeof path, "%s", pre);
		else
			snprintf(path, sizeof path, "%s/%s", cfg->bundle, pre);
		int AUTOCLOSE dfd = open_parent_dir(path, &base);
		void *data = dfd < 0 ? NULL : read_config_file(dfd, base, &len, err, sizeof err);
		if (!data)
			die("annotation %s: %s", SECCOMP_BPF_ANNOTATION, dfd < 0 ? strerror(errno) : err);
		if (bpf_from_bytes(p, data, len, err, sizeof err) < 0)
			die("annotation %s: %s: %s", SECCOMP_BPF_ANNOTATION, path, err);
	} else if (cfg->linux.has_seccomp) {
#if OCIRUN_SECCOMP
		if (seccomp_compile(sc, 0, p, err, sizeof err) < 0)
			die("config.json: %s", err);
#else
		die("config.json: linux.seccomp: this build has no libseccomp; compile the profile with "
		    "seccomp_gen and name the file in the %s annotation", SECCOMP_BPF_ANNOTATION);
#endif
	} else {
		return false;
	}
	p->flags = cfg->linux.has_seccomp ? seccomp_load_flags(sc) : 0;
	if (bpf_notifies(p))
		p->flags |= SECCOMP_FLAG_NEW_LISTENER;
	return true;
}

/* Load the filter; returns the notify descriptor, or -1 if none. */
static int seccomp_load_prog(const struct bpf_prog *p)
{
	struct sock_fprog prog = { .len = p->len, .filter = p->insns };
	long r = syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, p->flags, &prog);
	if (r < 0)
		die_errno("load the seccomp filter");
	return p->flags & SECCOMP_FLAG_NEW_LISTENER ? (int)r : -1;
}

/*
 * SCMP_ACT_NOTIFY: the listener at listenerPath gets the container process
 * state and the notify descriptor, once, on a new connection.
 */
static void seccomp_send_listener(const struct config *cfg, const struct state *s, enum status st, pid_t pid,
				  int notify_fd)
{
	const struct seccomp_cfg *sc = &cfg->linux.seccomp;
	struct jw w = { .indent = -1 };

	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersion", OCI_VERSION);
	jw_strv(&w, "fds", (const char *[]){ "seccompFd" }, 1);
	jw_int(&w, "pid", pid);
	if (sc->listener_metadata)
		jw_str(&w, "metadata", sc->listener_metadata);
	jw_key(&w, "state");
	char *state = state_json(s, st, -1);
	jw_s(&w, state);
	xfree(state);
	jw_close(&w, '}');
	int AUTOCLOSE fd = connect_unix(sc->listener_path, "seccomp listener");
	if (send_fd(fd, notify_fd, w.buf, w.len) < 0)
		die_errno("send the seccomp notify descriptor to %s", sc->listener_path);
	xfree(w.buf);
}

/* scheduler, ioPriority and execCPUAffinity of the process */
static void set_scheduling(const struct process_cfg *p)
{
	if (p->scheduler.policy) {
		struct {
			uint32_t size, policy;
			uint64_t flags;
			int32_t nice;
			uint32_t priority;
			uint64_t runtime, deadline, period;
		} attr = { .size = 48, .policy = (uint32_t)(p->scheduler.policy - 1),
			   .nice = (int32_t)p->scheduler.nice.v, .priority = (uint32_t)p->scheduler.priority.v,
			   .runtime = (uint64_t)p->scheduler.runtime.v, .deadline = (uint64_t)p->scheduler.deadline.v,
			   .period = (uint64_t)p->scheduler.period.v };
		for (int i = 0; i < p->scheduler.flags.n; i++)
			attr.flags |= 1ull << name_index(sched_flags, p->scheduler.flags.v[i]);
		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			die_errno("process.scheduler: sched_setattr");
	}
	if (p->io_priority.class &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
		    (p->io_priority.class << 13) | (int)p->io_priority.priority.v) < 0)
		die_errno("process.ioPriority: ioprio_set");
	/* without cgroups "final" is where the process runs from the start */
	const char *cpus = p->exec_cpu_affinity.final ? p->exec_cpu_affinity.final : p->exec_cpu_affinity.initial;
	if (cpus) {
		cpu_set_t set;
		CPU_ZERO(&set);
		if (parse_id_list(cpus, (unsigned long *)&set, CPU_SETSIZE) < 0 ||
		    sched_setaffinity(0, sizeof set, &set) < 0)
			die_errno("process.execCPUAffinity: sched_setaffinity %s", cpus);
	}
}

/* linux.memoryPolicy, in the init, for every process of the container */
static void set_memory_policy(const struct linux_cfg *l)
{
	unsigned long nodes[1024 / (8 * sizeof(unsigned long))];
	unsigned mode;
	if (!l->has_memory_policy)
		return;
	mode = (unsigned)(l->memory_policy.mode - 1);
	for (int i = 0; i < l->memory_policy.flags.n; i++)
		mode |= mpol_flag_values[name_index(mpol_flags, l->memory_policy.flags.v[i])];
	bool have = l->memory_policy.nodes && l->memory_policy.nodes[0];
	if (have && parse_id_list(l->memory_policy.nodes, nodes, 1024) < 0)
		die("linux.memoryPolicy.nodes: %s is beyond node 1023", l->memory_policy.nodes);
	if (syscall(SYS_set_mempolicy, mode, have ? nodes : NULL, have ? 1025UL : 0UL) < 0)
		die_errno("linux.memoryPolicy: set_mempolicy");
}

/*
 * Enter the process's cwd and make sure it is inside the container's
 * root.  A cwd like /proc/self/fd/7, or a symlink the image planted that
 * leads there, reaches a directory outside the root through a descriptor
 * (CVE-2024-21626); after chdir the kernel tells, as getcwd(2) then
 * answers "(unreachable)/..." instead of a path from "/".  Returns false
 * (with errno) when the directory cannot be entered at all.
 */
static bool enter_cwd(const char *cwd)
{
	char buf[PATH_MAX];
	if (chdir(cwd) < 0)
		return false;
	if (!strcmp(cwd, "/")) /* (the root itself: nothing to reach through) */
		return true;
	long n = syscall(SYS_getcwd, buf, sizeof buf);
	if (n <= 0 || buf[0] != '/')
		die("cwd %s: outside the container's root (refused)", cwd);
	return true;
}

/*
 * Before start, what can fail is checked while errors still reach create:
 * rlimits (while we may still raise hard limits), cwd and the executable.
 * The cwd is entered now, as root; if root may not enter it (a user
 * namespace's root and a directory of an unmapped owner) it is entered
 * again after the user switch, which then decides.  Returns whether it
 * was entered.
 */
/*
 * HOME, when process.env has none, as runc and crun set it: the user's
 * home in the container's /etc/passwd, else "/".  (The file is the
 * image's: what it says is only the container's own business.)
 */
static void default_home(struct process_cfg *p)
{
	static char home[PATH_MAX + 8];
	char buf[65536];
	if (env_get(p->env.v, "HOME"))
		return;
	snprintf(home, sizeof home, "HOME=/");
	if (read_file_at(AT_FDCWD, "/etc/passwd", buf, sizeof buf) >= 0)
		for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
			char *f[7] = { l }, *q = l;
			int n = 1;
			while (n < 7 && (q = strchr(q, ':'))) {
				*q++ = 0;
				f[n++] = q;
			}
			long long uid;
			if (n == 7 && parse_llong(f[2], 0, IDMAX, &uid) == 0 && uid == p->user.uid.v && f[5][0]) {
				snprintf(home, sizeof home, "HOME=%s", f[5]);
				break;
			}
		}
	char **v = xmalloc(sizeof(char *) * (size_t)(p->env.n + 2));
	memcpy(v, p->env.v, sizeof(char *) * (size_t)p->env.n);
	v[p->env.n++] = home;
	p->env.v = v;
}

static bool prepare_process(struct process_cfg *p, char *exe, size_t exesize, bool at_root)
{
	struct stat st;

	default_home(p);
	set_rlimits(&p->rlimits);
	/* (at_root: the init, just pivoted, is in "/" already) */
	bool entered = (at_root && !strcmp(p->cwd, "/")) || enter_cwd(p->cwd);
	if (!entered && errno != EACCES && errno != EPERM)
		die_errno("cwd %s", p->cwd);
	if (!find_executable(p->args.v[0], p->env.v, exe, exesize))
		die("executable file `%s` not found in $PATH", p->args.v[0]);
	if (strchr(p->args.v[0], '/'))
		snprintf(exe, exesize, "%s", p->args.v[0]);
	if (stat(exe, &st) < 0)
		die_errno("exec %s", exe);
	if (S_ISDIR(st.st_mode))
		die("exec %s: is a directory", exe);
	return entered;
}

/*
 * The last steps of every container process, init and exec alike: the
 * user and capabilities, no_new_privs, cwd, umask, the seccomp filter as
 * late as it can be (before the user switch only when no_new_privs is
 * off, because loading it then needs CAP_SYS_ADMIN), and execve.  A
 * notify descriptor goes to whoever waits for the outcome (result_fd).
 */
static NORETURN void exec_process(const struct process_cfg *p, bool rootless, bool groups_denied, const struct bpf_prog *sc,
				  int result_fd, const char *exe, bool cwd_entered, int tramp)
{
	int notify = -1;
	char **targs = NULL;
	if (tramp >= 0) {
		targs = tramp_args(result_fd, exe, p->args.v);
		fcntl(result_fd, F_SETFD, 0); /* the trampoline closes it */
	}
	set_scheduling(p);
	/* (a cwd entered at create stays that directory, the one checked:
	 * the kernel holds the directory, not its path, so a path changed
	 * since then leads nowhere new; entering it again would) */
	if (sc && !p->no_new_privileges)
		notify = seccomp_load_prog(sc);
	set_user_and_caps(p, rootless, groups_denied);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno("set no_new_privs");
	if (!cwd_entered && !enter_cwd(p->cwd))
		die_errno("chdir to cwd %s", p->cwd);
	umask(p->user.umask.set ? (mode_t)p->user.umask.v : 022);
	if (sc && p->no_new_privileges)
		notify = seccomp_load_prog(sc);
	if (notify >= 0) {
		struct sync_msg m = { .type = 'N' };
		if (send_fd(result_fd, notify, &m, sizeof m) < 0)
			die_errno("pass the seccomp notify descriptor on");
		close(notify);
	}
	unblock_signals();
	exec_program(tramp, targs, exe, p->args.v, p->env.v);
	die_errno("exec %s%s", exe, tramp >= 0 ? " through the sealed trampoline" : "");
}

/* === 10. cgroups ======================================================== */

/*
 * The layout is found at run time: a unified cgroup2 tree, v1 controllers
 * (with or without a cgroup2 tree beside them: hybrid), or nothing at all,
 * as on many small devices.  Every layout runs containers; a resource the
 * layout cannot apply is an error naming the resource.  With no resources
 * asked for, a container that cannot get a cgroup (rootless without a
 * delegated cgroup2 subtree, or no cgroups at all) runs without one.
 */
static void cg_init(struct cgroup *g)
{
	memset(g, 0, sizeof *g);
	for (int i = 0; i < CG_NCTRL; i++)
		g->fd[i] = -1;
}

static bool cg_is_fs(const char *path, unsigned long magic)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == magic;
}

/* (once per process: the runtime asks in several places) */
static enum cg_layout cg_detect_uncached(void);
static enum cg_layout cg_detect(void)
{
	static int layout = -1;
	if (layout < 0)
		layout = cg_detect_uncached();
	return (enum cg_layout)layout;
}

static enum cg_layout cg_detect_uncached(void)
{
	char p[64];
	if (cg_is_fs(CG_ROOT, CGROUP2_MAGIC))
		return CG_V2;
	if (!cg_is_fs(CG_ROOT, TMPFS_MAGIC_))
		return CG_NONE;
	for (int i = 0; cg_v1_ctrls[i]; i++) {
		struct statfs sf;
		cat3(p, sizeof p, CG_ROOT, "/", cg_v1_ctrls[i]);
		if (statfs(p, &sf) == 0 && (unsigned long)sf.f_type != TMPFS_MAGIC_ &&
		    (unsigned long)sf.f_type != CGROUP2_MAGIC)
			return cg_is_fs(CG_ROOT "/unified", CGROUP2_MAGIC) ? CG_HYBRID : CG_V1;
	}
	return CG_NONE;
}

/* The runtime's own cgroup in v1 hierarchy ctrl, or v2 (ctrl ""). */
static void cg_own_path(const char *ctrl, char *out, size_t size)
{
	char buf[4096];
	size_t n = strlen(ctrl);
	snprintf(out, size, "/");
	if (read_value_at(AT_FDCWD, "/proc/self/cgroup", buf, sizeof buf) < 0)
		return;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl++ = 0;
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		bool match = c2 && !n && c2 == c1 + 1;
		for (char *t = c1 ? c1 + 1 : NULL; c2 && n && t < c2; t += strcspn(t, ",:") + 1)
			match |= !strncmp(t, ctrl, n) && (t[n] == ',' || t[n] == ':');
		if (match) {
			snprintf(out, size, "%s", c2 + 1);
			return;
		}
		line = nl;
	}
}

/* systemd's "slice:prefix:name" form, each part non-empty. */
static bool slice_parts(const char *p, char a[128], char b[128], char c[256])
{
	const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || c1 == p || c2 == c1 + 1 || !c2[1] || c1 - p > 127 || c2 - c1 - 1 > 127 || strlen(c2 + 1) > 255)
		return false;
	snprintf(a, 128, "%.*s", (int)(c1 - p), p);
	snprintf(b, 128, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	snprintf(c, 256, "%s", c2 + 1);
	return true;
}

/*
 * cgroupsPath: absolute in the hierarchy; relative to the runtime's own
 * cgroup (as runc does); "slice:prefix:name" (systemd's form) becomes the
 * plain path /slice/prefix-name.scope, there being no systemd to ask.
 * Without one: /ocirun/<id>, or <own>/ocirun-<id> for a rootless runtime
 * (where a delegated subtree is).  Nothing may climb out with "..".
 */
static int cg_path(const char *p, const char *id, const char *own, bool rootless, char *out, size_t size)
{
	char a[128], b[128], c[256];
	if ((p && strlen(p) > 1024) || strlen(own) > 1024)
		return -1;
	bool slice = p && p[0] && p[0] != '/' && slice_parts(p, a, b, c);
	if ((!p || !p[0]) && rootless) /* a user's default: below its own cgroup */
		snprintf(out, size, "%.1024s/ocirun-%s", strcmp(own, "/") ? own : "", id);
	else if (!p || !p[0])
		snprintf(out, size, "/ocirun/%s", id);
	else if (slice)
		snprintf(out, size, "/%s/%s-%s.scope", a, b, c);
	else if (p[0] == '/')
		snprintf(out, size, "%.1024s", p);
	else
		snprintf(out, size, "%.1024s/%.1024s", strcmp(own, "/") ? own : "", p);
	return path_has_dotdot(out) ? -1 : 0;
}

/* Whether cg_path needs the runtime's own cgroup for p. */
static bool cg_path_needs_own(const char *p, bool rootless)
{
	char a[128], b[128], c[256];
	if (!p || !p[0])
		return rootless;
	return p[0] != '/' && !slice_parts(p, a, b, c);
}

/* Write one cgroup file; what names the config field for the error. */
static PRINTF(4, 5) int cg_set(int dirfd, const char *file, const char *what, const char *fmt, ...)
{
	char v[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	debug("cgroup: %s = %s", file, v);
	if (dirfd < 0) {
		if (what)
			die("%s: the %s controller is not available on this host", what, file);
		return -1;
	}
	if (write_file_at(dirfd, file, v) < 0) {
		if (what && errno == ENOENT) /* cgroup2: the controller is not enabled here */
			die("%s: no %s in this cgroup: the host does not offer its controller", what, file);
		if (what)
			die_errno("%s: write %s = %s", what, file, v);
		return -1;
	}
	return 0;
}

/* A new v1 cpuset is empty and takes no process: it starts with its
 * parent's cpus and mems. */
static void cg_cpuset_inherit(int parent, int child)
{
	static const char *const f[] = { "cpuset.cpus", "cpuset.mems" };
	char v[1024];
	for (int k = 0; k < 2; k++)
		if (read_value_at(child, f[k], v, sizeof v) >= 0 && (v[0] == '\n' || !v[0]) &&
		    read_value_at(parent, f[k], v, sizeof v) >= 0)
			cg_set(child, f[k], NULL, "%s", v);
}

/* mkdir -p of path below base; returns the last directory, opened, and
 * whether it was there already. */
static int cg_mkdirs(int base, const char *path, bool cpuset, bool *existed)
{
	char buf[PATH_MAX], *save = NULL;
	int fd = dup_cloexec(base);
	snprintf(buf, sizeof buf, "%s", path);
	*existed = true;
	for (char *t = strtok_r(buf, "/", &save); t && fd >= 0; t = strtok_r(NULL, "/", &save)) {
		*existed = mkdirat(fd, t, 0755) < 0;
		if (*existed && errno != EEXIST) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		int n = openat(fd, t, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cpuset && n >= 0)
			cg_cpuset_inherit(fd, n);
		/* a level made here hands its cpus and mems to the cgroups made
		 * below it from now on, without us copying them */
		if (cpuset && n >= 0 && !*existed)
			cg_set(n, "cgroup.clone_children", NULL, "1");
		close(fd);
		fd = n;
	}
	return fd;
}

/* cgroup2: turn on, in every ancestor, the controllers the container's
 * resources use (the container's own cgroup stays a leaf). */
static void cg_v2_enable(int rootfd, const char *path, const char *ctrls)
{
	char buf[PATH_MAX], avail[256], want[128], *save = NULL;
	int fd = dup_cloexec(rootfd);
	snprintf(buf, sizeof buf, "%s", path);
	*strrchr(buf, '/') = 0;
	char *t = strtok_r(buf, "/", &save);
	for (;;) {
		if (read_file_at(fd, "cgroup.controllers", avail, sizeof avail) < 0)
			avail[0] = 0;
		char *s2 = NULL;
		snprintf(want, sizeof want, "%s", ctrls);
		for (char *c = strtok_r(want, " ", &s2); c; c = strtok_r(NULL, " ", &s2))
			if (strstr(avail, c))
				cg_set(fd, "cgroup.subtree_control", NULL, "+%s", c);
		if (!t)
			break;
		int n = openat(fd, t, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if ((fd = n) < 0)
			return;
		t = strtok_r(NULL, "/", &save);
	}
	close(fd);
}

static bool resources_wanted(const struct resources_cfg *r)
{
	return r->memory.limit.set || r->memory.reservation.set || r->memory.swap.set ||
	       r->memory.swappiness.set || r->memory.disable_oom_killer.set || r->cpu.shares.set ||
	       r->cpu.quota.set || r->cpu.period.set || r->cpu.burst.set || r->cpu.realtime_runtime.set ||
	       r->cpu.realtime_period.set || r->cpu.cpus || r->cpu.mems || r->cpu.idle.set || r->pids.limit.set ||
	       r->block_io.weight.set || r->block_io.weight_device.n || r->block_io.throttle_read_bps.n ||
	       r->block_io.throttle_write_bps.n || r->block_io.throttle_read_iops.n ||
	       r->block_io.throttle_write_iops.n || r->hugepage_limits.n || r->network.class_id.set ||
	       r->network.priorities.n || r->rdma.n || r->unified.n;
}

/* A limit file; -1 in an OCI limit means no limit, spelt unlimited. */
static void cg_set_limit(int fd, const char *file, const char *what, int64_t v, const char *unlimited)
{
	if (v < 0)
		cg_set(fd, file, what, "%s", unlimited);
	else
		cg_set(fd, file, what, "%lld", (long long)v);
}

static int cg_ctrl(const char *name)
{
	for (int i = 0; cg_v1_ctrls[i]; i++)
		if (!strcmp(cg_v1_ctrls[i], name))
			return i;
	return -1;
}

/* blockIO per device: v1 has a file per kind, cgroup2 io.weight and io.max
 * with keys (and weights on its 1-10000 scale). */
static void cg_block_devices(int fd, const struct resources_cfg *r, bool v2)
{
	for (int i = 0; i < r->block_io.weight_device.n; i++) {
		const struct weight_dev_cfg *d = ARR_AT(r->block_io.weight_device, struct weight_dev_cfg, i);
		if (d->weight.set)
			cg_set(fd, v2 ? "io.weight" : "blkio.weight_device", "linux.resources.blockIO.weightDevice",
			       "%lld:%lld %lld", (long long)d->major.v, (long long)d->minor.v,
			       (long long)(v2 ? 1 + (d->weight.v - 10) * 9999 / 990 : d->weight.v));
	}
	const struct { const struct arr *a; const char *v1file, *key, *what; } thr[] = {
		{ &r->block_io.throttle_read_bps, "blkio.throttle.read_bps_device", "rbps=", "throttleReadBpsDevice" },
		{ &r->block_io.throttle_write_bps, "blkio.throttle.write_bps_device", "wbps=", "throttleWriteBpsDevice" },
		{ &r->block_io.throttle_read_iops, "blkio.throttle.read_iops_device", "riops=", "throttleReadIOPSDevice" },
		{ &r->block_io.throttle_write_iops, "blkio.throttle.write_iops_device", "wiops=",
		  "throttleWriteIOPSDevice" },
	};
	for (size_t t = 0; t < ARRAY_LEN(thr); t++)
		for (int i = 0; i < thr[t].a->n; i++) {
			const struct throttle_dev_cfg *d = ARR_AT(*thr[t].a, struct throttle_dev_cfg, i);
			char what[80];
			snprintf(what, sizeof what, "linux.resources.blockIO.%s", thr[t].what);
			cg_set(fd, v2 ? "io.max" : thr[t].v1file, what, "%lld:%lld %s%llu", (long long)d->major.v,
			       (long long)d->minor.v, v2 ? thr[t].key : "", (unsigned long long)d->rate.v);
		}
}

/* hugetlb.<pageSize>.<suffix>: limit_in_bytes on v1, max on cgroup2 */
static void cg_hugepages(int fd, const struct resources_cfg *r, const char *suffix)
{
	for (int i = 0; i < r->hugepage_limits.n; i++) {
		const struct hugepage_cfg *h = ARR_AT(r->hugepage_limits, struct hugepage_cfg, i);
		char file[64];
		snprintf(file, sizeof file, "hugetlb.%s.%s", h->page_size, suffix);
		cg_set(fd, file, "linux.resources.hugepageLimits", "%llu", (unsigned long long)h->limit.v);
	}
}

/* rdma.max, the same on v1 and cgroup2 */
static void cg_rdma(int fd, const struct resources_cfg *r)
{
	for (int i = 0; i < r->rdma.n; i++) {
		const struct rdma_cfg *d = ARR_AT(r->rdma, struct rdma_cfg, i);
		char hh[24] = "max", ho[24] = "max";
		if (d->hca_handles.set)
			snprintf(hh, sizeof hh, "%lld", (long long)d->hca_handles.v);
		if (d->hca_objects.set)
			snprintf(ho, sizeof ho, "%lld", (long long)d->hca_objects.v);
		cg_set(fd, "rdma.max", "linux.resources.rdma", "%s hca_handle=%s hca_object=%s", d->key, hh, ho);
	}
}

static void cg_apply_v1(const struct cgroup *g, const struct resources_cfg *r)
{
	int mem = g->fd[cg_ctrl("memory")], cpu = g->fd[cg_ctrl("cpu")], pids = g->fd[cg_ctrl("pids")];
	int blk = g->fd[cg_ctrl("blkio")], huge = g->fd[cg_ctrl("hugetlb")], cs = g->fd[cg_ctrl("cpuset")];
	if (r->memory.limit.set)
		cg_set_limit(mem, "memory.limit_in_bytes", "linux.resources.memory.limit", r->memory.limit.v, "-1");
	if (r->memory.swap.set)
		cg_set_limit(mem, "memory.memsw.limit_in_bytes", "linux.resources.memory.swap", r->memory.swap.v, "-1");
	if (r->memory.reservation.set)
		cg_set_limit(mem, "memory.soft_limit_in_bytes", "linux.resources.memory.reservation", r->memory.reservation.v, "-1");
	if (r->memory.swappiness.set && r->memory.swappiness.v <= 100)
		cg_set(mem, "memory.swappiness", "linux.resources.memory.swappiness", "%llu",
		       (unsigned long long)r->memory.swappiness.v);
	if (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v)
		cg_set(mem, "memory.oom_control", "linux.resources.memory.disableOOMKiller", "1");
	if (r->memory.use_hierarchy.set)
		cg_set(mem, "memory.use_hierarchy", NULL, "%d", r->memory.use_hierarchy.v);
	if (r->cpu.shares.set)
		cg_set(cpu, "cpu.shares", "linux.resources.cpu.shares", "%llu", (unsigned long long)r->cpu.shares.v);
	if (r->cpu.period.set)
		cg_set(cpu, "cpu.cfs_period_us", "linux.resources.cpu.period", "%llu",
		       (unsigned long long)r->cpu.period.v);
	if (r->cpu.quota.set)
		cg_set(cpu, "cpu.cfs_quota_us", "linux.resources.cpu.quota", "%lld", (long long)r->cpu.quota.v);
	if (r->cpu.burst.set)
		cg_set(cpu, "cpu.cfs_burst_us", "linux.resources.cpu.burst", "%llu", (unsigned long long)r->cpu.burst.v);
	if (r->cpu.realtime_period.set)
		cg_set(cpu, "cpu.rt_period_us", "linux.resources.cpu.realtimePeriod", "%llu",
		       (unsigned long long)r->cpu.realtime_period.v);
	if (r->cpu.realtime_runtime.set)
		cg_set(cpu, "cpu.rt_runtime_us", "linux.resources.cpu.realtimeRuntime", "%lld",
		       (long long)r->cpu.realtime_runtime.v);
	if (r->cpu.idle.set)
		cg_set(cpu, "cpu.idle", "linux.resources.cpu.idle", "%lld", (long long)r->cpu.idle.v);
	if (r->cpu.cpus)
		cg_set(cs, "cpuset.cpus", "linux.resources.cpu.cpus", "%s", r->cpu.cpus);
	if (r->cpu.mems)
		cg_set(cs, "cpuset.mems", "linux.resources.cpu.mems", "%s", r->cpu.mems);
	if (r->pids.limit.set)
		cg_set_limit(pids, "pids.max", "linux.resources.pids.limit",
			     r->pids.limit.v <= 0 ? -1 : r->pids.limit.v, "max");
	if (r->block_io.weight.set)
		cg_set(blk, "blkio.weight", "linux.resources.blockIO.weight", "%lld", (long long)r->block_io.weight.v);
	cg_block_devices(blk, r, false);
	cg_hugepages(huge, r, "limit_in_bytes");
	if (r->network.class_id.set)
		cg_set(g->fd[cg_ctrl("net_cls")], "net_cls.classid", "linux.resources.network.classID", "%lld",
		       (long long)r->network.class_id.v);
	for (int i = 0; i < r->network.priorities.n; i++) {
		const struct prio_cfg *p = ARR_AT(r->network.priorities, struct prio_cfg, i);
		cg_set(g->fd[cg_ctrl("net_prio")], "net_prio.ifpriomap", "linux.resources.network.priorities",
		       "%s %lld", p->name, (long long)p->priority.v);
	}
	cg_rdma(g->fd[cg_ctrl("rdma")], r);
	if (r->unified.n)
		die("linux.resources.unified: needs cgroup2, and this host's controllers are on v1");
}

/* cgroup2 files, with the conversions runc makes from v1 values. */
static void cg_apply_v2(const struct cgroup *g, const struct resources_cfg *r)
{
	int fd = g->fd[0];
	if (r->memory.limit.set)
		cg_set_limit(fd, "memory.max", "linux.resources.memory.limit", r->memory.limit.v, "max");
	if (r->memory.reservation.set)
		cg_set_limit(fd, "memory.low", "linux.resources.memory.reservation", r->memory.reservation.v, "max");
	if (r->memory.swap.set) {
		/* OCI's swap is memory+swap; cgroup2 limits swap alone */
		int64_t sw = r->memory.swap.v;
		if (sw > 0 && r->memory.limit.set && r->memory.limit.v > 0) {
			if (sw < r->memory.limit.v)
				die("linux.resources.memory.swap: %lld is below the memory limit", (long long)sw);
			sw -= r->memory.limit.v;
		}
		cg_set_limit(fd, "memory.swap.max", "linux.resources.memory.swap", sw, "max");
	}
	if (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v)
		die("linux.resources.memory.disableOOMKiller: cgroup2 has no such switch");
	if (r->cpu.shares.set && r->cpu.shares.v)
		cg_set(fd, "cpu.weight", "linux.resources.cpu.shares", "%llu",
		       (unsigned long long)(r->cpu.shares.v < 2 ? 1
				  : r->cpu.shares.v > 262144 ? 10000
				  : 1 + ((r->cpu.shares.v - 2) * 9999) / 262142));
	if (r->cpu.quota.set || r->cpu.period.set) {
		char q[24] = "max";
		if (r->cpu.quota.set && r->cpu.quota.v > 0)
			snprintf(q, sizeof q, "%lld", (long long)r->cpu.quota.v);
		cg_set(fd, "cpu.max", "linux.resources.cpu.quota", "%s %llu", q,
		       (unsigned long long)(r->cpu.period.set && r->cpu.period.v ? r->cpu.period.v : 100000));
	}
	if (r->cpu.burst.set)
		cg_set(fd, "cpu.max.burst", "linux.resources.cpu.burst", "%llu", (unsigned long long)r->cpu.burst.v);
	if (r->cpu.idle.set)
		cg_set(fd, "cpu.idle", "linux.resources.cpu.idle", "%lld", (long long)r->cpu.idle.v);
	if (r->cpu.realtime_runtime.set || r->cpu.realtime_period.set)
		die("linux.resources.cpu.realtimeRuntime: cgroup2 has no realtime controller");
	if (r->cpu.cpus)
		cg_set(fd, "cpuset.cpus", "linux.resources.cpu.cpus", "%s", r->cpu.cpus);
	if (r->cpu.mems)
		cg_set(fd, "cpuset.mems", "linux.resources.cpu.mems", "%s", r->cpu.mems);
	if (r->pids.limit.set)
		cg_set_limit(fd, "pids.max", "linux.resources.pids.limit",
			     r->pids.limit.v <= 0 ? -1 : r->pids.limit.v, "max");
	if (r->block_io.weight.set && r->block_io.weight.v)
		cg_set(fd, "io.weight", "linux.resources.blockIO.weight", "%lld",
		       (long long)(1 + (r->block_io.weight.v - 10) * 9999 / 990));
	cg_block_devices(fd, r, true);
	cg_hugepages(fd, r, "max");
	cg_rdma(fd, r);
	if (r->network.class_id.set || r->network.priorities.n)
		die("linux.resources.network: cgroup2 has no net_cls or net_prio controller");
	for (int i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.v[i].k;
		char what[300];
		if (strchr(k, '/') || k[0] == '.' || !strchr(k, '.'))
			die("linux.resources.unified: \"%s\" is not a cgroup file name", k);
		snprintf(what, sizeof what, "linux.resources.unified.%s", k);
		cg_set(fd, k, what, "%s", r->unified.v[i].v);
	}
}

/*
 * The device rules applied: the config's, then (as runc and crun do, and
 * podman relies on) the devices every container has (the defaults of
 * config-linux.md, the pty ones, /dev/net/tun, mknod of anything), then
 * the config's linux.devices.  Allow rules at the end win.
 */
static struct arr cg_device_rules(const struct config *cfg)
{
	static const struct { char type; int major, minor; const char *access; } defaults[] = {
		{ 'c', -1, -1, "m" }, { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" }, { 'c', 1, 5, "rwm" },
		{ 'c', 1, 7, "rwm" }, { 'c', 1, 8, "rwm" }, { 'c', 1, 9, "rwm" }, { 'c', 5, 0, "rwm" },
		{ 'c', 5, 1, "rwm" }, { 'c', 5, 2, "rwm" }, { 'c', 136, -1, "rwm" }, { 'c', 10, 200, "rwm" },
	};
	static const char *const types[] = { "c", "b", "c", NULL };
	const struct arr *in = &cfg->linux.resources.devices;
	const struct arr *devs = &cfg->linux.devices;
	struct arr out = { xmalloc(sizeof(struct dev_rule_cfg) * (size_t)(in->n + 12 + devs->n)), 0 };
	struct dev_rule_cfg *o = out.v;
	if (!in->n)
		return out; /* no rules: the cgroup keeps its parent's */
	memcpy(o, in->v, sizeof *o * (size_t)in->n);
	out.n = in->n;
	for (size_t i = 0; i < ARRAY_LEN(defaults); i++) {
		struct dev_rule_cfg *d = &o[out.n++];
		*d = (struct dev_rule_cfg){ .allow = true, .type = defaults[i].type == 'c' ? "c" : "b",
					    .access = defaults[i].access };
		d->major = (struct num){ defaults[i].major, defaults[i].major >= 0 };
		d->minor = (struct num){ defaults[i].minor, defaults[i].minor >= 0 };
	}
	for (int i = 0; i < devs->n; i++) {
		const struct device_cfg *dc = ARR_AT(*devs, struct device_cfg, i);
		if (dc->type == 4) /* a fifo is no device */
			continue;
		o[out.n++] = (struct dev_rule_cfg){ .allow = true, .type = types[dc->type - 1], .access = "rwm",
						    .major = dc->major, .minor = dc->minor };
	}
	return out;
}

/* v1 devices.allow/deny: the rules in order, as the kernel applies them. */
static void cg_devices_v1(const struct cgroup *g, const struct resources_cfg *r)
{
	int fd = g->fd[cg_ctrl("devices")];
	for (int i = 0; i < r->devices.n; i++) {
		const struct dev_rule_cfg *d = ARR_AT(r->devices, struct dev_rule_cfg, i);
		char maj[24] = "*", min[24] = "*";
		if (d->major.set && d->major.v >= 0)
			snprintf(maj, sizeof maj, "%lld", (long long)d->major.v);
		if (d->minor.set && d->minor.v >= 0)
			snprintf(min, sizeof min, "%lld", (long long)d->minor.v);
		cg_set(fd, d->allow ? "devices.allow" : "devices.deny", "linux.resources.devices", "%s %s:%s %s",
		       d->type && d->type[0] ? d->type : "a", maj, min, d->access && d->access[0] ? d->access : "rwm");
	}
}

/*
 * cgroup2 has no devices files: device rules become a BPF_PROG_TYPE_CGROUP_
 * DEVICE program, built here instruction by instruction (no libbpf).  The
 * rules are checked last to first and the first that matches decides, as
 * the v1 lists behave: an allow rule matches when the access asked for is
 * within its access, a deny rule when they share any.  Without a match
 * the answer is deny if the rules ever denied everything, else allow.
 */
#define INSN(c, d, s_, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s_), .off = (o), .imm = (i) })

static int dev_access_bits(const char *a)
{
	int bits = 0;
	for (; a && *a; a++)
		bits |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
	return bits ? bits : BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
}

static size_t cg_dev_prog(const struct resources_cfg *r, struct bpf_insn *p, size_t max)
{
	size_t n = 0;
	bool deny_all = false;
	const int all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	/* r2 = device type, r3 = access, r4 = major, r5 = minor */
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, 3, 1, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0);
	p[n++] = INSN(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0);
	for (int i = r->devices.n - 1; i >= 0 && n + 10 < max; i--) {
		const struct dev_rule_cfg *d = ARR_AT(r->devices, struct dev_rule_cfg, i);
		char t = d->type && d->type[0] ? d->type[0] : 'a';
		int acc = dev_access_bits(d->access);
		bool any_maj = !d->major.set || d->major.v < 0, any_min = !d->minor.set || d->minor.v < 0;
		if (!d->allow && t == 'a' && acc == all && any_maj && any_min)
			deny_all = true;
		/* a check that fails jumps past the rest of its rule */
		size_t end = n + (t != 'a') + 3 * (acc != all) + !any_maj + !any_min + 2;
#define SKIP ((short)(end - n - 1))
		if (t != 'a')
			p[n] = INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, SKIP, t == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), n++;
		if (acc != all) {
			/* allow: no bit outside acc; deny: some bit inside acc */
			p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
			p[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, d->allow ? ~acc : acc);
			p[n] = INSN(BPF_JMP | (d->allow ? BPF_JNE : BPF_JEQ) | BPF_K, 1, 0, SKIP, 0), n++;
		}
		if (!any_maj)
			p[n] = INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, SKIP, (int)d->major.v), n++;
		if (!any_min)
			p[n] = INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, SKIP, (int)d->minor.v), n++;
#undef SKIP
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, d->allow);
		p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		if (t == 'a' && acc == all && any_maj && any_min)
			return n; /* matches everything: the verifier refuses dead code */
	}
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, !deny_all);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

/* Load the device program and attach it to the container's cgroup. */
static void cg_devices_v2(const struct cgroup *g, const struct resources_cfg *r)
{
	static struct bpf_insn prog[BPF_MAX_INSNS];
	char log[4096] = "";
	size_t n = cg_dev_prog(r, prog, ARRAY_LEN(prog));
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insn_cnt = (uint32_t)n;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.license = (uint64_t)(uintptr_t)"Apache";
	int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
	if (fd < 0 && errno == EINVAL) { /* again, for the verifier's reason */
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = sizeof log;
		a.log_level = 1;
		fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
		log[strcspn(log, "\n")] = 0;
	}
	if (fd < 0)
		die_errno("linux.resources.devices: load the cgroup2 device program%s%s%s",
			  errno == EPERM ? " (kernels before 5.11 also need RLIMIT_MEMLOCK)" : "", log[0] ? ": " : "",
			  log);
	memset(&a, 0, sizeof a);
	a.target_fd = (uint32_t)g->fd[0];
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof a) < 0)
		die_errno("linux.resources.devices: attach the device program to the cgroup");
	close(fd);
}

/* A v1 cpuset with no mems yet (its parent has no clone_children): its
 * parent's cpus and mems, copied. */
static void cg_cpuset_fill(int fd, const char *full)
{
	char v[8], parent[PATH_MAX + 64];
	if (read_value_at(fd, "cpuset.mems", v, sizeof v) < 0 || (v[0] != '\n' && v[0]))
		return;
	snprintf(parent, sizeof parent, "%s", full);
	*strrchr(parent, '/') = 0;
	int AUTOCLOSE pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd >= 0)
		cg_cpuset_inherit(pfd, fd);
}

/* The directory of the container's cgroup in one hierarchy (v2: i = 0). */
static int cg_open_one(const struct cgroup *g, int i, bool create)
{
	char root[64], full[PATH_MAX + 64];
	bool v2 = g->layout == CG_V2 || g->layout == CG_NONE, cpuset = !v2 && !strcmp(cg_v1_ctrls[i], "cpuset");
	cat3(root, sizeof root, CG_ROOT, v2 ? "" : "/", v2 ? "" : cg_v1_ctrls[i]);
	cat3(full, sizeof full, root, g->path, "");
	/* the common cases in two syscalls: a new cgroup whose parent exists,
	 * or one that is there (the path is ours: cg_path refused "..") */
	int made = create ? mkdirat(AT_FDCWD, full, 0755) : -1;
	if (made == 0 || !create || errno == EEXIST) {
		int fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && create && made < 0)
			((struct cgroup *)g)->existed |= 1u << i;
		if (fd >= 0 && create && cpuset)
			cg_cpuset_fill(fd, full);
		return fd;
	}
	int AUTOCLOSE rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -1;
	bool existed;
	int fd = cg_mkdirs(rfd, g->path, cpuset, &existed);
	if (fd >= 0 && existed)
		((struct cgroup *)g)->existed |= 1u << i;
	return fd;
}

/*
 * A container gets a cgroup of its own: one that already holds processes
 * is refused (as runc 1.2 does), or pausing, limiting and killing the
 * container would reach them too.
 */
static void cg_refuse_busy(const struct cgroup *g)
{
	for (int i = 0; i < CG_NCTRL; i++) {
		char buf[16] = "";
		if (g->fd[i] < 0 || !(g->existed & (1u << i)))
			continue;
		int AUTOCLOSE fd = openat(g->fd[i], "cgroup.procs", O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0)
			die("linux.cgroupsPath: cgroup %s already has processes (pid %.*s...): a container's "
			    "cgroup must be its own", g->path, (int)strcspn(buf, "\n"), buf);
	}
}

/* Open the container's existing cgroup directories (all, or only the one
 * that tracks its processes); false if it has none. */
static bool cg_open(struct cgroup *g, const char *path, bool all)
{
	cg_init(g);
	if (!path || !path[0])
		return false;
	g->layout = cg_detect();
	cat3(g->path, sizeof g->path, path, "", "");
	bool any = false;
	for (int i = 0; i < (g->layout == CG_V2 ? 1 : CG_NCTRL) && g->layout != CG_NONE && (all || !any); i++)
		any |= (g->fd[i] = cg_open_one(g, i, false)) >= 0;
	return any;
}

/* The directory that lists the container's processes and freezes them. */
static int cg_main_fd(const struct cgroup *g)
{
	for (int i = 0; i < CG_NCTRL; i++)
		if (g->fd[i] >= 0)
			return g->fd[i];
	return -1;
}

/* Whether this cgroup2 directory is delegated to us (a rootless runtime may
 * only use a subtree it owns). */
static bool cg_v2_delegated(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, CG_ROOT "%.2048s", path);
	/* the nearest existing ancestor must be ours */
	for (char *slash; p[0];) {
		struct stat st;
		if (stat(p, &st) == 0)
			return st.st_uid == geteuid() && access(p, W_OK) == 0;
		if (!(slash = strrchr(p, '/')) || slash == p + strlen(CG_ROOT))
			return false;
		*slash = 0;
	}
	return false;
}

/*
 * The v1 hierarchies a container joins: every one the host mounts, as
 * runc does, because containerd's metrics, podman stats and cAdvisor read
 * the container's figures in each hierarchy /proc/PID/cgroup names.  (Each
 * join is a migration, which costs the kernel an RCU grace period on the
 * first; README "Performance" has the measured cost.)
 */
static bool cg_v1_needed(const char *ctrl, const struct resources_cfg *r)
{
	(void)ctrl;
	(void)r;
	return true;
}

/* Create the v1 cgroups resources r needs; true if one is new. */
static bool cg_v1_create(struct cgroup *g, const struct resources_cfg *r)
{
	bool made = false;
	for (int i = 0; cg_v1_ctrls[i]; i++) {
		if (g->fd[i] >= 0 || !cg_v1_needed(cg_v1_ctrls[i], r))
			continue;
		/* a hierarchy this host does not mount: ENOENT at its root */
		if ((g->fd[i] = cg_open_one(g, i, true)) < 0 && errno != ENOENT)
			die_errno("create cgroup %s in %s", g->path, cg_v1_ctrls[i]);
		made |= g->fd[i] >= 0;
	}
	return made;
}

/*
 * Give the container its cgroup before its init exists: create it and
 * apply linux.resources; the init is cloned into it (cgroup2) or moved in
 * right after.  Its path is first recorded in the state directory (a
 * "cgroup" symlink), so that a create killed half-way leaves a cgroup
 * that delete still finds.  Returns false when the container runs without
 * a cgroup (none here, or rootless without delegation).
 */
static bool cg_prepare(struct cgroup *g, const struct config *cfg, const char *id, bool rootless, int statefd)
{
	const struct resources_cfg *r = &cfg->linux.resources;
	bool want = resources_wanted(r);
	char own[PATH_MAX];

	cg_init(g);
	g->layout = cg_detect();
	debug("cgroup layout: %s", cg_layout_names[g->layout]);
	if (g->layout == CG_NONE) {
		if (want)
			die("linux.resources: this host has no cgroups to apply them with");
		debug("no cgroups on this host: the container runs without one");
		return false;
	}
	own[0] = 0;
	if (cg_path_needs_own(cfg->linux.cgroups_path, rootless))
		cg_own_path(g->layout == CG_V2 ? "" : "freezer", own, sizeof own);
	if (cg_path(cfg->linux.cgroups_path, id, own, rootless, g->path, sizeof g->path) < 0)
		die("linux.cgroupsPath: \"%s\" is too long or climbs out of the hierarchy", cfg->linux.cgroups_path);
	if (rootless && (g->layout != CG_V2 || !cg_v2_delegated(g->path))) {
		if (want)
			die("linux.resources: a rootless container needs a cgroup2 subtree delegated to uid %u "
			    "(this host has %s cgroups)", (unsigned)geteuid(), cg_layout_names[g->layout]);
		debug("rootless without a delegated cgroup: the container runs without one");
		return false;
	}
	if (symlinkat(g->path, statefd, "cgroup") < 0)
		die_errno("record the cgroup path");
	KILLPOINT("create: cgroup path recorded");
	if (g->layout == CG_V2) {
		char ctrls[128] = "";
		if (r->memory.limit.set || r->memory.reservation.set || r->memory.swap.set)
			strcat(ctrls, "memory ");
		if (r->pids.limit.set)
			strcat(ctrls, "pids ");
		if (r->cpu.shares.set || r->cpu.quota.set || r->cpu.period.set || r->cpu.burst.set || r->cpu.idle.set)
			strcat(ctrls, "cpu ");
		if (r->cpu.cpus || r->cpu.mems)
			strcat(ctrls, "cpuset ");
		if (r->block_io.weight.set || r->block_io.weight_device.n || r->block_io.throttle_read_bps.n ||
		    r->block_io.throttle_write_bps.n || r->block_io.throttle_read_iops.n ||
		    r->block_io.throttle_write_iops.n)
			strcat(ctrls, "io ");
		if (r->hugepage_limits.n)
			strcat(ctrls, "hugetlb ");
		if (r->rdma.n)
			strcat(ctrls, "rdma ");
		/* the directories first: a parent made now has no controllers
		 * until cg_v2_enable turns them on down the path */
		if ((g->fd[0] = cg_open_one(g, 0, true)) < 0)
			die_errno("create cgroup %s", g->path);
		cg_refuse_busy(g);
		int AUTOCLOSE rfd = ctrls[0] ? open(CG_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (rfd >= 0)
			cg_v2_enable(rfd, g->path, ctrls);
		cg_apply_v2(g, r);
	} else {
		cg_v1_create(g, r);
		cg_refuse_busy(g);
		cg_apply_v1(g, r);
	}
	struct resources_cfg with_defaults = *r;
	with_defaults.devices = cg_device_rules(cfg);
	if (g->layout != CG_V2)
		cg_devices_v1(g, &with_defaults);
	else if (with_defaults.devices.n)
		cg_devices_v2(g, &with_defaults);
	xfree(with_defaults.devices.v);
	return true;
}

/* Move another process (exec) into the container's cgroup. */
static void cg_join(const struct cgroup *g, pid_t pid)
{
	dev_t seen[CG_NCTRL];
	int n = 0;
	for (int i = 0; i < CG_NCTRL; i++) {
		struct stat st;
		if (g->fd[i] < 0 || fstat(g->fd[i], &st) < 0)
			continue;
		bool again = false; /* co-mounted controllers (cpu,cpuacct): one hierarchy */
		for (int k = 0; k < n; k++)
			again |= seen[k] == st.st_dev;
		if (again)
			continue;
		seen[n++] = st.st_dev;
		cg_set(g->fd[i], "cgroup.procs", "join the container's cgroup", "%d", (int)pid);
	}
}

/* Every process in the cgroup. */
static int cg_pids(const struct cgroup *g, pid_t *out, int max)
{
	char buf[65536];
	int n = 0, fd = cg_main_fd(g);
	if (fd < 0 || read_file_at(fd, "cgroup.procs", buf, sizeof buf) < 0)
		return 0;
	for (char *p = strtok(buf, "\n"); p && n < max; p = strtok(NULL, "\n"))
		out[n++] = (pid_t)atoi(p);
	return n;
}

/* Freeze (or thaw) the cgroup and wait until the kernel says it is. */
static int cg_freeze(const struct cgroup *g, bool freeze)
{
	char buf[256];
	int v1 = g->layout == CG_V2 ? -1 : g->fd[cg_ctrl("freezer")];
	int fd = g->layout == CG_V2 ? g->fd[0] : v1;
	if (fd < 0 || (g->layout == CG_V2 && faccessat(fd, "cgroup.freeze", F_OK, 0) < 0)) {
		errno = ENOTSUP;
		return -1;
	}
	if (g->layout == CG_V2 ? cg_set(fd, "cgroup.freeze", NULL, "%d", freeze)
			       : cg_set(fd, "freezer.state", NULL, freeze ? "FROZEN" : "THAWED"))
		return -1;
	for (int i = 0; i < 2000; i++) {
		bool done;
		if (g->layout == CG_V2)
			done = read_value_at(fd, "cgroup.events", buf, sizeof buf) >= 0 &&
			       strstr(buf, freeze ? "frozen 1" : "frozen 0");
		else
			done = read_value_at(fd, "freezer.state", buf, sizeof buf) >= 0 &&
			       !strncmp(buf, freeze ? "FROZEN" : "THAWED", 6);
		if (done)
			return 0;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	return -1;
}

static bool cg_frozen(const struct cgroup *g)
{
	char buf[256];
	if (g->layout == CG_V2)
		return g->fd[0] >= 0 && read_value_at(g->fd[0], "cgroup.events", buf, sizeof buf) >= 0 &&
		       strstr(buf, "frozen 1");
	int fd = g->fd[cg_ctrl("freezer")];
	return fd >= 0 && read_value_at(fd, "freezer.state", buf, sizeof buf) >= 0 && !strncmp(buf, "FROZEN", 6);
}

static bool state_cgroup_frozen(const struct state *s)
{
	struct cgroup g;
	bool frozen = cg_open(&g, s->cgroup, false) && cg_frozen(&g);
	for (int i = 0; i < CG_NCTRL; i++)
		if (g.fd[i] >= 0)
			close(g.fd[i]);
	return frozen;
}

/* Remove the container's cgroup (its processes must be gone); false if
 * some hierarchy's directory could not be removed. */
static bool cg_remove(struct cgroup *g)
{
	char root[PATH_MAX + 64];
	bool all = true;
	for (int i = 0; i < CG_NCTRL; i++) {
		if (g->fd[i] < 0)
			continue;
		close(g->fd[i]);
		g->fd[i] = -1;
		if (g->layout == CG_V2)
			snprintf(root, sizeof root, CG_ROOT "%s", g->path);
		else
			snprintf(root, sizeof root, CG_ROOT "/%s%s", cg_v1_ctrls[i], g->path);
		/* a cgroup is busy for a moment after its last process exits */
		int r;
		for (int t = 0; (r = rmdir(root)) < 0 && errno == EBUSY && t < 100; t++)
			usleep(1000);
		all &= r == 0 || errno == ENOENT;
	}
	return all;
}

/* rmdir of the cgroup path in every hierarchy; false if one is left. */
static bool cg_rmdir_all(const char *path)
{
	char full[PATH_MAX + 64];
	enum cg_layout l = cg_detect();
	bool all = true;
	for (int i = 0; l != CG_NONE && i < (l == CG_V2 ? 1 : CG_NCTRL); i++) {
		if (l == CG_V2)
			snprintf(full, sizeof full, CG_ROOT "%s", path);
		else
			snprintf(full, sizeof full, CG_ROOT "/%s%s", cg_v1_ctrls[i], path);
		all &= rmdir(full) == 0 || errno == ENOENT;
	}
	return all;
}

/* === 11. init =========================================================== */

/*
 * The runtime and the container's init talk over a SOCK_SEQPACKET pair,
 * one message per step, so neither side ever reads half a message:
 *   runtime -> init  'G' go (with the init's pid as the runtime sees it)
 *                    'M' id maps written (slow path), 'C' hooks done,
 *                    'S' start (foreground run)
 *   init -> runtime  'U' please write my id maps (slow path)
 *                    'P' the init is this grandchild (slow path)
 *                    'H' run prestart/createRuntime hooks now
 *                    'T' here is the pty master (with SCM_RIGHTS)
 *                    'R' ready: created, waiting for start
 *                    'E' followed by an error message
 * After 'R' the init waits for start; whoever starts it (the start command
 * through start.sock, or run through the sync socket) gets EOF once execve
 * succeeded, or an 'E' message explaining why it did not.
 */
static void init_send(struct container *c, char type)
{
	struct sync_msg m = { .type = type };
	if (sync_send(c->sync_fd, &m, sizeof m) < 0)
		_exit(1);
}

static void init_recv(struct container *c, char type, struct sync_msg *out)
{
	struct sync_msg m;
	ssize_t n = sync_recv(c->sync_fd, &m, sizeof m);
	if (n != sizeof m || m.type != type)
		_exit(1); /* the runtime is gone: nothing left to report to */
	if (out)
		*out = m;
}

/*
 * Sysctls are written before any mount of the config's is made, through
 * the /proc this mount namespace inherited from the host: the container's
 * own /proc does not exist yet, so nothing it controls can redirect the
 * writes.  What a sysctl file changes is decided by the writer's
 * namespaces (net, ipc, uts), not by the procfs instance.
 */
static void set_sysctls(const struct kvs *s)
{
	char path[PATH_MAX];
	for (int i = 0; i < s->n; i++) {
		snprintf(path, sizeof path, "/proc/sys/%s", s->v[i].k);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (proc_write_at(AT_FDCWD, path, s->v[i].v) < 0)
			die_errno("sysctl %s=%s", s->v[i].k, s->v[i].v);
	}
}

/* The OCI state of a container being created, as its hooks see it. */
static char *init_state_json(const struct container *c, enum status st)
{
	struct state s = { .oci_version = OCI_VERSION, .id = c->id, .bundle = c->cfg->bundle,
			   .annotations = c->cfg->annotations };
	s.pid.v = c->pid;
	return state_json(&s, st, -1);
}

/*
 * Wait for start; returns the descriptor that gets the outcome of exec.
 * The runtime answers 'R' with 'S' (run: start now) or 'K' (create: the
 * container is recorded; start comes through the start socket).  Only
 * then does the init stop dying with the runtime; an EOF first means the
 * runtime died before recording it, and the init goes too.
 */
static int init_wait_start(struct container *c, int listen_fd)
{
	struct sync_msg m;
	int fd = c->sync_fd;

	if (sync_recv(fd, &m, sizeof m) != sizeof m || (m.type != 'S' && m.type != 'K'))
		_exit(1);
	prctl(PR_SET_PDEATHSIG, 0);
	if (m.type == 'S')
		return fd;
	init_send(c, 'k');
	close(c->sync_fd);
	do
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		_exit(1);
	close(listen_fd);
	if (sync_recv(fd, &m, sizeof m) != sizeof m || m.type != 'S')
		_exit(1);
	return fd;
}

/*
 * In a new user namespace whose maps do not include our own host id (root
 * making a container mapped to 100000+), we are nobody there until we
 * switch to the namespace's root: files we create in its tmpfs would fail
 * with EOVERFLOW.  A rootless runtime mapped onto itself is root already.
 */
static void become_userns_root(const struct config *cfg)
{
	/* (mapped as someone else, e.g. the caller onto process.user, we
	 * keep the capabilities the new namespace gave us) */
	if (!(cfg->ns_new & CLONE_NEWUSER) || (getuid() != 65534 && getgid() != 65534))
		return;
	if (raw_setresgid(0) < 0 || raw_setresuid(0) < 0)
		die_errno("become root of the new user namespace (are uid and gid 0 mapped?)");
}

/*
 * linux.netDevices (runtime-spec 1.3): host interfaces are moved into the
 * container's network namespace at create (by the runtime, which has
 * CAP_NET_ADMIN on the host: RTM_NEWLINK with IFLA_NET_NS_FD), renamed
 * there by the init, and given back on delete.  The namespace is pinned
 * by a bind mount of its /proc/PID/ns/net on "netns" in the state
 * directory, so that a container that has already exited still holds its
 * devices to give back (a virtual one would go with the namespace).
 */
static int netlink_move(int ifindex, int netns_fd)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
		struct rtattr a;
		uint32_t fd;
	} req = { .h = { .nlmsg_len = sizeof req, .nlmsg_type = RTM_NEWLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		  .i = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
		  .a = { .rta_len = RTA_LENGTH(sizeof(uint32_t)), .rta_type = IFLA_NET_NS_FD },
		  .fd = (uint32_t)netns_fd };
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} ack;
	int AUTOCLOSE nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0 || send(nl, &req, sizeof req, 0) < 0 || recv(nl, &ack, sizeof ack, 0) < (ssize_t)sizeof ack)
		return -1;
	if (ack.h.nlmsg_type == NLMSG_ERROR && ack.e.error) {
		errno = -ack.e.error;
		return -1;
	}
	return 0;
}

/* Rename an interface of our network namespace (it must be down). */
static int rename_netdev(const char *from, const char *to)
{
	struct ifreq r = { 0 };
	int AUTOCLOSE s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(r.ifr_name, sizeof r.ifr_name, "%s", from);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &r) < 0)
		return -1;
	r.ifr_flags &= ~IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &r) < 0)
		return -1;
	snprintf(r.ifr_newname, sizeof r.ifr_newname, "%s", to);
	return ioctl(s, SIOCSIFNAME, &r);
}

static void move_net_devices(struct container *c, pid_t pid)
{
	const struct arr *nd = &c->cfg->linux.net_devices;
	char path[64];
	if (!nd->n)
		return;
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	int AUTOCLOSE ns = open(path, O_RDONLY | O_CLOEXEC), pin = -1;
	pin = openat(c->statefd, "netns", O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	char t[32];
	fd_path(pin, t);
	if (ns < 0 || pin < 0 || mount(path, t, NULL, MS_BIND, NULL) < 0)
		die_errno("linux.netDevices: pin the container's network namespace");
	close(pin);
	for (int i = 0; i < nd->n; i++) {
		const struct netdev_cfg *d = ARR_AT(*nd, struct netdev_cfg, i);
		unsigned idx = if_nametoindex(d->key);
		if (!idx)
			die("linux.netDevices.%s: no such interface on the host", d->key);
		if (netlink_move((int)idx, ns) < 0)
			die_errno("linux.netDevices.%s: move it into the container", d->key);
	}
}

/* The init, in the container's network namespace: the names asked for. */
static void rename_net_devices(const struct config *cfg)
{
	const struct arr *nd = &cfg->linux.net_devices;
	for (int i = 0; i < nd->n; i++) {
		const struct netdev_cfg *d = ARR_AT(*nd, struct netdev_cfg, i);
		if (d->name && d->name[0] && strcmp(d->name, d->key) && rename_netdev(d->key, d->name) < 0)
			die_errno("linux.netDevices.%s: rename it %s", d->key, d->name);
	}
}

/*
 * delete: the devices go back to the host under their own names, from a
 * child that enters the pinned namespace; then the pin goes.  A device
 * that cannot be given back is warned about.
 */
static void give_back_net_devices(int statefd, const struct config *cfg)
{
	char t[64];
	struct stat st;
	if ((cfg && !cfg->linux.net_devices.n) || fstatat(statefd, "netns", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return; /* (no devices given: no pin) */
	snprintf(t, sizeof t, "/proc/self/fd/%d/netns", statefd);
	pid_t pid = cfg ? fork() : -1;
	if (pid == 0) {
		int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ns = open(t, O_RDONLY | O_CLOEXEC);
		if (host < 0 || ns < 0 || setns(ns, CLONE_NEWNET) < 0)
			_exit(1);
		for (int i = 0; i < cfg->linux.net_devices.n; i++) {
			const struct netdev_cfg *d = ARR_AT(cfg->linux.net_devices, struct netdev_cfg, i);
			const char *now = d->name && d->name[0] ? d->name : d->key;
			unsigned idx;
			if (strcmp(now, d->key) && rename_netdev(now, d->key) < 0)
				warn("linux.netDevices.%s: rename it back from %s: %s", d->key, now, strerror(errno));
			if (!(idx = if_nametoindex(d->key)) || netlink_move((int)idx, host) < 0)
				warn("linux.netDevices.%s: give it back to the host: %s", d->key, strerror(errno));
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (umount2(t, MNT_DETACH) < 0 && errno != EINVAL)
		warn("unpin the container's network namespace: %s", strerror(errno));
	unlinkat(statefd, "netns", 0);
}

/*
 * oom_score_adj, then no longer dumpable: a non-dumpable process's
 * /proc/self files belong to root, so a rootless init could not write
 * this one later; and from here on no process in the container can read
 * the init's memory, environment or descriptors (CVE-2016-9962).
 */
static void init_harden(struct container *c)
{
	const struct process_cfg *p = &c->cfg->process;
	if (c->hardened)
		return;
	c->hardened = true;
	if (p->oom_score_adj.set) {
		char v[16];
		snprintf(v, sizeof v, "%d", (int)p->oom_score_adj.v);
		if (proc_write_at(AT_FDCWD, "/proc/self/oom_score_adj", v) < 0)
			die_errno("set oom_score_adj to %s", v);
	}
	prctl(PR_SET_DUMPABLE, 0);
}

/*
 * The init's first steps, in the container's namespaces but before any
 * mount of the config's: its identity, and what is written under /proc,
 * through the procfs inherited from the host, which nothing of the
 * container's can have covered yet.
 */
static void init_identity(struct container *c)
{
	const struct config *cfg = c->cfg;
	become_userns_root(cfg);
	/* until the runtime has recorded the container, the init dies with
	 * it: nothing unrecorded is left behind (set after the uid change,
	 * which clears it) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno("set the parent death signal");
	if ((cfg->ns_new & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		die_errno("unshare the cgroup namespace");
	init_harden(c);
	if (cfg->hostname && cfg->hostname[0] && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		die_errno("sethostname %s", cfg->hostname);
	if (cfg->domainname && cfg->domainname[0] &&
	    setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		die_errno("setdomainname %s", cfg->domainname);
	set_sysctls(&cfg->linux.sysctl);
	rename_net_devices(cfg);
}

/*
 * A container without a mount namespace of its own shares the runtime's:
 * every mount there would be one on the host.  It enters root.path with
 * chroot and gets no mount (create said so, and refused what would leave
 * it unconfined: masks, read-only paths, devices); a terminal comes from
 * the runtime's own devpts.
 */
static int init_root_only(struct container *c)
{
	int slave = -1;
	rootfs_path(c);
	if (c->cfg->process.terminal) {
		c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int master = open_pty(c, &c->cfg->process, &slave);
		close(c->rootfd);
		send_master(c, master);
	}
	c->rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		die_errno("open rootfs %s", c->rootfs);
	leave_rootfd(c);
	return slave;
}

/* The container's file system as the config describes it, made while
 * the init still sees the host's root; returns the pty slave or -1. */
static int init_mounts(struct container *c)
{
	struct config *cfg = c->cfg;
	int slave = -1;
	if (!own_mount_ns(cfg))
		return init_root_only(c);
	prepare_rootfs(c);
	c->fresh_fd = c->host_null = -1;
	for (int i = 0; i < cfg->mounts.n; i++)
		mount_one(c, ARR_AT(cfg->mounts, struct mount_cfg, i),
			  i + 1 < cfg->mounts.n ? ARR_AT(cfg->mounts, struct mount_cfg, i + 1) : NULL);
	fresh_forget(c);
	if (c->notify_dir[0]) { /* sd_notify: the directory of the socket, by its path: a
				 * descriptor opened before clone is on the parent
				 * namespace's mount, which cannot be bound here */
		int AUTOCLOSE nfd = open(c->notify_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			die_errno("open the notify socket's directory %s", c->notify_dir);
		bind_into(c, nfd, NOTIFY_CONTAINER_DIR, false, false);
	}
	make_devices(c);
	if (cfg->process.terminal) {
		int master = open_pty(c, &cfg->process, &slave);
		bind_console(c, slave);
		send_master(c, master);
	}
	mask_paths(c);
	readonly_paths(c);
	if (c->host_null >= 0)
		close(c->host_null);
	c->host_null = -1;
	leave_rootfd(c);
	return slave;
}

/* The init's last steps before it waits for start: in the rootfs, its
 * session, and the process checked as far as it can be. */
static void init_enter(struct container *c, int slave, char *exe, size_t exesize)
{
	struct config *cfg = c->cfg;
	enter_rootfs(c);
	if (slave >= 0)
		attach_tty(slave);
	else if (setsid() < 0)
		die_errno("setsid");
	set_memory_policy(&cfg->linux);
	if (cfg->linux.has_personality &&
	    personality(cfg->linux.personality.domain == 2 ? PER_LINUX32 : PER_LINUX) < 0)
		die_errno("personality");
	if (!c->no_new_keyring && syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0 &&
	    errno != ENOSYS)
		debug("new session keyring: %s", strerror(errno));
	/* without a process the container can be created, never started */
	if (cfg->has_process)
		c->cwd_entered = prepare_process(&cfg->process, exe, exesize, true);
}

/*
 * A rootless runtime must still be able to enter its created container
 * (exec, and /proc/PID/ns of the init): a non-dumpable process's /proc
 * files belong to the root of the user namespace its memory was made in,
 * the host's, which the user is not.  So once the init holds nothing of
 * the host's, it is made dumpable again, in a user namespace of the
 * container's own.  Its processes still cannot read it: ptrace access to
 * a process of the same user needs every capability it has permitted
 * (commoncap), and the init has them all there; the user, whose child
 * the namespace is, has CAP_SYS_PTRACE in it.
 */
static void init_open_to_owner(const struct container *c)
{
	if (c->rootless && ((c->cfg->ns_new | c->cfg->ns_join) & CLONE_NEWUSER))
		prctl(PR_SET_DUMPABLE, 1);
}

/*
 * A process of the runtime that is about to enter the container keeps
 * only what it needs: stdio, the --preserve-fds, its sync socket, the
 * start socket and the console socket.  The --log file, cgroup
 * directories, the state directory and anything else of the host's are
 * closed now, before any of the container's files is resolved.
 */
static void init_close_fds(struct container *c, int listen_fd)
{
	int keep[] = { c->sync_fd, listen_fd, c->console_fd, c->tramp_fd };
	g_err.report_fd = c->sync_fd;
	g_err.log_fd = -1;
	close_fds_except(c->preserve_fds, keep, (int)ARRAY_LEN(keep));
	for (int i = 0; i < CG_NCTRL; i++)
		c->cgroup.fd[i] = -1;
}

/* The idmapped trees the runtime sends after 'G', one 'I' message with
 * the descriptor each, in the order of the mounts. */
static void init_recv_idmapped(struct container *c)
{
	const struct arr *mounts = &c->cfg->mounts;
	c->idmap_fds = xmalloc(sizeof(int) * (size_t)(mounts->n + 1));
	for (int i = 0; i < mounts->n; i++) {
		c->idmap_fds[i] = -1;
		if (!ARR_AT(*mounts, struct mount_cfg, i)->idmap || !own_mount_ns(c->cfg))
			continue;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct sync_msg m;
		struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof cbuf };
		ssize_t n;
		do
			n = recvmsg(c->sync_fd, &mh, MSG_CMSG_CLOEXEC);
		while (n < 0 && errno == EINTR);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (n != sizeof m || m.type != 'I' || m.pid != i || !cm || cm->cmsg_type != SCM_RIGHTS)
			_exit(1);
		memcpy(&c->idmap_fds[i], CMSG_DATA(cm), sizeof(int));
	}
}

static NORETURN void container_init(struct container *c, int listen_fd)
{
	struct config *cfg = c->cfg;
	struct sync_msg go;
	char exe[PATH_MAX], err[300];

	init_close_fds(c, listen_fd);
	init_recv(c, 'G', &go);
	c->pid = go.pid;
	init_recv_idmapped(c);
	init_identity(c);
	umask(0);
	int slave = init_mounts(c);
	if (cfg->hooks.prestart.n || cfg->hooks.create_runtime.n) {
		init_send(c, 'H');
		init_recv(c, 'C', NULL);
	}
	if (cfg->hooks.create_container.n &&
	    run_hooks(&cfg->hooks.create_container, "createContainer", init_state_json(c, ST_CREATED), err,
		      sizeof err, c->tramp_fd) < 0)
		die("%s", err);
	init_enter(c, slave, exe, sizeof exe);
	int keep[] = { c->sync_fd, listen_fd, c->tramp_fd };
	close_fds_except(c->preserve_fds, keep, (int)ARRAY_LEN(keep));
	init_open_to_owner(c);
	init_send(c, 'R');
	int result = init_wait_start(c, listen_fd);
	g_err.report_fd = result;
	if (!cfg->has_process)
		die("the container has no process to start");
	if (cfg->hooks.start_container.n &&
	    run_hooks(&cfg->hooks.start_container, "startContainer", init_state_json(c, ST_CREATED), err,
		      sizeof err, c->tramp_fd) < 0)
		die("%s", err);
	exec_process(&cfg->process, c->rootless, c->groups_denied, c->has_seccomp ? &c->seccomp : NULL, result, exe,
		     c->cwd_entered, c->tramp_fd);
}

/* === 12. create/start ================================================== */

/*
 * The runtime's own binary, out of the containers' reach (CVE-2019-5736,
 * and the trampoline in section 8).  Before anything of a container is
 * made, create, run and exec choose one of:
 *   - nothing, where no process of a container could write the binary
 *     anyway (fs_never_written, caller_cannot_write);
 *   - the sealed trampoline, as root: the runtime's processes in the
 *     container are not dumpable, and their memory was made in the host's
 *     user namespace, so only a process with CAP_SYS_PTRACE there could
 *     reach their /proc/PID/exe, and such a process could take the
 *     runtime's place in them anyway;
 *   - the sealed copy: the whole runtime re-execs from a sealed memfd, so
 *     that even its own /proc/PID/exe is sealed.  Rootless, where the
 *     created init is made dumpable again (init_open_to_owner); where an
 *     LSM label is set for the exec (it would label the trampoline, and
 *     not the program); where the seccomp filter would refuse the
 *     trampoline's calls (tramp_passes); and where a build has no
 *     trampoline.  The cost is one execve of a 270 KB static binary
 *     (README, "Security").
 */
#define SEALED_ENV "_OCIRUN_SEALED"

/* File systems the kernel can only read: their files cannot be written by
 * anyone, through any path (a read-only ext4 can be remounted; these
 * cannot be written at all). */
static bool fs_never_written(unsigned long type)
{
	static const unsigned long ro[] = {
		0x73717368UL, /* squashfs */
		0xE0F5E1E2UL, /* erofs */
		0x28cd3d45UL, /* cramfs */
		0x9660UL,     /* iso9660 */
		0x7275UL,     /* romfs */
	};
	for (size_t i = 0; i < ARRAY_LEN(ro); i++)
		if (type == ro[i])
			return true;
	return false;
}

/*
 * Whether the binary is out of reach of every process of every container
 * this caller can make.  An unprivileged caller (not root, no capability,
 * in the host's user namespace) gives its containers only its own uid and
 * its subordinate ids, in user namespaces that cannot map host root; there
 * a capability acts on a file only if its owner is mapped
 * (capable_wrt_inode_uidgid).  So a binary owned by root that only root may
 * write or chmod (an installed /usr/bin/ocirun; a POSIX ACL's mask shows in
 * the group bits) cannot be written from them through any path.
 */
static bool caller_cannot_write(int self)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	struct stat st;
	return runtime_euid() != 0 && syscall(SYS_capget, &h, d) == 0 && !(d[0].permitted | d[1].permitted) &&
	       in_initial_userns() && fstat(self, &st) == 0 && st.st_uid == 0 && !(st.st_mode & 022);
}

/*
 * Whether the filter lets the trampoline through: the runtime's execveat
 * of it, and its own calls (fcntl, and writev and exit_group when the
 * program cannot be exec'd).  Pointers are unknown here; a filter that
 * looks at them would be looking at addresses.
 */
static bool tramp_passes(const struct bpf_prog *sc, int tramp)
{
#ifdef TRAMP_AUDIT_ARCH
	uint64_t ptr = (uintptr_t)sc;
	return bpf_allows(sc, SYS_execveat, (uint64_t[6]){ (uint64_t)tramp, ptr, ptr, ptr, AT_EMPTY_PATH }) &&
	       bpf_allows(sc, __NR_fcntl, (uint64_t[6]){ (uint64_t)tramp, F_SETFD, FD_CLOEXEC }) &&
	       bpf_allows(sc, __NR_writev, (uint64_t[6]){ (uint64_t)tramp, ptr, 2 }) &&
	       bpf_allows(sc, __NR_exit_group, (uint64_t[6]){ 127 });
#else
	(void)sc, (void)tramp;
	return false;
#endif
}

static NORETURN void run_sealed_copy(int self, char **argv)
{
	extern char **environ;
	int AUTOCLOSE mfd = memfd_exec("ocirun");
	if (mfd < 0)
		die_errno("make the sealed copy of the runtime (memfd_create)");
	/* (to the end: a transfer shorter than asked is the end of the file) */
	for (ssize_t n, copied = 0;; copied += n) {
		if ((n = sendfile(mfd, self, NULL, 0x40000000)) < 0 || (n == 0 && !copied))
			die_errno("copy the runtime into its sealed copy");
		if (n < 0x40000000)
			break;
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS_ALL) < 0)
		die_errno("seal the copy of the runtime");
	/* the environment with the marker, built here: setenv would bring
	 * in libc's allocator for one array */
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xmalloc((n + 2) * sizeof *env);
	memcpy(env, environ, n * sizeof *env);
	env[n] = SEALED_ENV "=1";
	syscall(SYS_execveat, mfd, "", argv, env, AT_EMPTY_PATH);
	die_errno("run the sealed copy of the runtime%s",
		  errno == EACCES ? " (does vm.memfd_noexec forbid executable memfds?)" : "");
}

/*
 * The choice above, for a container whose processes run p (NULL: none)
 * under the filter sc (NULL: none).  Returns the trampoline's descriptor,
 * or -1 where the programs are exec'd directly; or does not return, and
 * the runtime starts again as its sealed copy with the same argv.  Called
 * before anything of the container is made: the copy does it all again.
 */
static int guard_own_binary(char **argv, bool rootless, const struct process_cfg *p, const struct bpf_prog *sc)
{
#ifdef OCIRUN_BENCH_UNSEALED /* test/bench's build that measures the guard's cost */
	return (void)argv, (void)rootless, (void)p, (void)sc, -1;
#endif
	int AUTOCLOSE self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		die_errno("open the runtime's own binary (/proc/self/exe)");
	int seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS_ALL) == SEALS_ALL) {
		unsetenv(SEALED_ENV);
		return -1;
	}
	if (getenv(SEALED_ENV))
		die("the sealed copy of the runtime is not sealed");
	struct statfs sf;
	if (fstatfs(self, &sf) < 0)
		die_errno("open the runtime's own binary (/proc/self/exe)");
	if (fs_never_written((unsigned long)sf.f_type) || caller_cannot_write(self) || !p)
		return -1;
	if (!rootless && tramp_available() && !p->apparmor_profile && !p->selinux_label) {
		int tramp = tramp_make();
		if (!sc || tramp_passes(sc, tramp))
			return tramp;
		debug("the seccomp filter refuses the trampoline's calls: the runtime runs as its sealed copy");
		close(tramp);
	}
	run_sealed_copy(self, argv);
}

/*
 * uid_map and gid_map of the child's new user namespace.  An unprivileged
 * runtime may write one line mapping its own id (after denying setgroups,
 * for gids); anything else goes through the setuid helpers newuidmap and
 * newgidmap, which check /etc/subuid and /etc/subgid.
 */
static void format_id_map(const struct arr *m, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = 0;
	for (int i = 0; i < m->n && k < size; i++) {
		const struct idmap *e = ARR_AT(*m, struct idmap, i);
		k += (size_t)snprintf(buf + k, size - k, "%lld %lld %lld\n", (long long)e->container_id.v,
				      (long long)e->host_id.v, (long long)e->size.v);
	}
}

static void run_id_helper(const char *helper, pid_t pid, const struct arr *m)
{
	char **argv = xmalloc(sizeof(char *) * (size_t)(3 + m->n * 3));
	char (*nums)[24] = xmalloc(24 * (size_t)(1 + m->n * 3));
	int a = 0;
	argv[a++] = (char *)helper;
	snprintf(nums[0], sizeof nums[0], "%d", (int)pid);
	argv[a++] = nums[0];
	for (int i = 0; i < m->n; i++) {
		const struct idmap *e = ARR_AT(*m, struct idmap, i);
		const int64_t v[3] = { e->container_id.v, e->host_id.v, e->size.v };
		for (int k = 0; k < 3; k++) {
			snprintf(nums[1 + i * 3 + k], 24, "%lld", (long long)v[k]);
			argv[a++] = nums[1 + i * 3 + k];
		}
	}
	argv[a] = NULL;
	/* the helper's complaint becomes part of our one error line */
	int errp[2];
	if (pipe2(errp, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid_t h = fork();
	if (h < 0)
		die_errno("fork %s", helper);
	if (h == 0) {
		char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
		unblock_signals();
		dup2(errp[1], 2);
		execvpe(helper, argv, env);
		fprintf(stderr, "%s", strerror(errno));
		_exit(127);
	}
	close(errp[1]);
	char msg[256];
	ssize_t got = 0, r;
	while (got < (ssize_t)sizeof msg - 1 && (r = read(errp[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0)
		got += r;
	close(errp[0]);
	msg[got > 0 ? got : 0] = 0;
	for (char *m = msg; *m; m++)
		if (*m == '\n')
			*m = *(m + 1) ? ' ' : 0;
	int st;
	while (waitpid(h, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("%s: %s (check /etc/sub%cid)", helper, msg[0] ? msg : "failed", strstr(helper, "uid") ? 'u' : 'g');
	xfree(argv);
	xfree(nums);
}

static void write_id_maps(struct container *c, pid_t pid)
{
	const struct linux_cfg *l = &c->cfg->linux;
	char path[64], map[340 * 36];
	int AUTOCLOSE pfd = -1;

	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	pfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		die_errno("open %s", path);
	/* the child's /proc directory, in the runtime's own mount namespace
	 * (nothing of the container's can be mounted there): checked once
	 * to be procfs, its files are written without checking each */
	if (!fd_on_procfs(pfd))
		die("%s is not on procfs: refusing to write the id maps", path);
	format_id_map(&l->uid_mappings, map, sizeof map);
	if (proc_write_in(pfd, "uid_map", map, true) < 0) {
		if (errno != EPERM)
			die_errno("write uid_map");
		run_id_helper("newuidmap", pid, &l->uid_mappings);
	}
	format_id_map(&l->gid_mappings, map, sizeof map);
	if (c->groups_denied && proc_write_in(pfd, "setgroups", "deny", true) < 0 && errno != ENOENT)
		die_errno("write setgroups");
	if (proc_write_in(pfd, "gid_map", map, true) < 0) {
		if (errno != EPERM)
			die_errno("write gid_map");
		run_id_helper("newgidmap", pid, &l->gid_mappings);
	}
}

/* Enter namespaces given by path: the user namespace first, because it
 * owns the others and gives us the right to join them. */
static void join_namespaces(const struct config *cfg)
{
	int fds[8];
	const struct arr *ns = &cfg->linux.namespaces;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < ns->n; i++) {
			const struct ns_cfg *n = ARR_AT(*ns, struct ns_cfg, i);
			bool user = ns_flags[n->type - 1] == CLONE_NEWUSER;
			if (!n->path || user != (pass == 0))
				continue;
			fds[i] = open(n->path, O_RDONLY | O_CLOEXEC);
			if (fds[i] < 0)
				die_errno("open namespace %s", n->path);
			if (setns(fds[i], (int)ns_flags[n->type - 1]) < 0)
				die_errno("join %s namespace %s", ns_names[n->type - 1], n->path);
			close(fds[i]);
		}
	}
}

static pid_t clone_fork(unsigned long flags)
{
	/* a raw clone(2) without a new stack behaves like fork() with
	 * namespace flags; the runtime is single-threaded */
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* timeOffsets: written before the first process enters the time ns. */
static void set_time_offsets(const struct linux_cfg *l)
{
	const struct timeoff_cfg *t[2] = { &l->time_offsets.monotonic, &l->time_offsets.boottime };
	const char *names[2] = { "monotonic", "boottime" };
	for (int i = 0; i < 2; i++) {
		char line[80];
		if (!t[i]->secs.set && !t[i]->nanosecs.set)
			continue;
		snprintf(line, sizeof line, "%s %lld %lld\n", names[i], (long long)t[i]->secs.v,
			 (long long)t[i]->nanosecs.v);
		if (proc_write_at(AT_FDCWD, "/proc/self/timens_offsets", line) < 0)
			die_errno("set time offset %s", names[i]);
	}
}

/*
 * clone3(CLONE_INTO_CGROUP) starts the child in its cgroup2 cgroup: moving
 * it there afterwards would cost an RCU grace period (milliseconds).
 * Kernels before 5.7 get a plain clone, and the move.
 */
static pid_t clone_into(unsigned long flags, int cgroup_fd, bool *joined)
{
	*joined = false;
	if (cgroup_fd >= 0) {
		struct {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
				set_tid_size, cgroup;
		} a = { .flags = flags | 0x200000000ULL /* CLONE_INTO_CGROUP */, .exit_signal = SIGCHLD,
			.cgroup = (uint64_t)cgroup_fd };
		long r = syscall(SYS_clone3, &a, sizeof a);
		if (r >= 0) {
			*joined = true;
			return (pid_t)r;
		}
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			return -1;
	}
	return clone_fork(flags);
}

/* A user namespace holding one mount's own uidMappings and gidMappings:
 * a child is made in it only to hold it while its maps are written. */
static int idmap_userns(const struct mount_cfg *m, int i)
{
	char path[64], map[340 * 36];
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid_t pid = clone_fork(CLONE_NEWUSER);
	if (pid < 0)
		die_errno("mounts[%d]: make a user namespace for its mappings", i);
	if (pid == 0) {
		char b;
		close(p[1]);
		(void)!read(p[0], &b, 1);
		_exit(0);
	}
	close(p[0]);
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	int AUTOCLOSE pfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	format_id_map(&m->uid_mappings, map, sizeof map);
	bool ok = pfd >= 0 && proc_write_at(pfd, "uid_map", map) == 0;
	format_id_map(&m->gid_mappings, map, sizeof map);
	ok = ok && proc_write_at(pfd, "gid_map", map) == 0;
	int fd = ok ? openat(pfd, "ns/user", O_RDONLY | O_CLOEXEC) : -1, e = errno;
	close(p[1]);
	waitpid(pid, NULL, 0);
	errno = e;
	if (fd < 0)
		die_errno("mounts[%d].uidMappings: write the mount's mappings", i);
	return fd;
}

/*
 * Idmapped mounts (idmap, ridmap, a mount's own uidMappings).  The runtime
 * makes them, not the init: mount_setattr(MOUNT_ATTR_IDMAP) needs
 * CAP_SYS_ADMIN in the user namespace the source's file system was
 * mounted in (the host's), which the init, in the container's user
 * namespace, lacks.  Each is a detached tree (open_tree) with the mapping
 * applied, sent to the init, which attaches it in its rootfs.  The
 * mapping is the mount's own, or the container's user namespace's.
 */
static void send_idmapped_mounts(struct container *c, pid_t pid)
{
	for (int i = 0; i < c->cfg->mounts.n && own_mount_ns(c->cfg); i++) {
		const struct mount_cfg *m = ARR_AT(c->cfg->mounts, struct mount_cfg, i);
		char src[PATH_MAX], ns[64];
		if (!m->idmap)
			continue;
		bind_source(c->cfg, m, src);
		snprintf(ns, sizeof ns, "/proc/%d/ns/user", (int)pid);
		int AUTOCLOSE userns = m->uid_mappings.n ? idmap_userns(m, i) : open(ns, O_RDONLY | O_CLOEXEC);
		if (userns < 0)
			die_errno("mounts[%d]: the container's user namespace", i);
		int AUTOCLOSE tree = (int)syscall(SYS_open_tree, AT_FDCWD, src,
						  OPEN_TREE_CLONE_ | O_CLOEXEC | (m->rec ? AT_RECURSIVE_ : 0));
		if (tree < 0)
			die_errno("mounts[%d]: idmapped mount of %s%s", i, src,
				  errno == ENOSYS ? " (needs Linux 5.12)" : "");
		struct mount_attr_compat a = { .attr_set = MOUNT_ATTR_IDMAP_, .userns_fd = (uint64_t)userns };
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->ridmap ? AT_RECURSIVE_ : 0), &a,
			    sizeof a) < 0)
			die_errno("mounts[%d]: idmap %s (needs Linux 5.12, a file system that supports it, and "
				  "root on the host)", i, src);
		struct sync_msg msg = { .type = 'I', .pid = i };
		if (send_fd(c->sync_fd, tree, &msg, sizeof msg) < 0)
			die_errno("send the idmapped mount to the container init");
	}
}

/*
 * The slow path, for configs that join namespaces by path: join them,
 * then unshare the new ones, then fork the init if a pid namespace
 * (joined or new) only applies to children.
 */
static NORETURN void init_via_join(struct container *c, int listen_fd)
{
	struct config *cfg = c->cfg;
	init_close_fds(c, listen_fd);
	join_namespaces(cfg);
	if (unshare((int)(cfg->ns_new & ~(unsigned long)(CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWCGROUP))) < 0)
		die_errno("unshare namespaces");
	if (cfg->ns_new & CLONE_NEWUSER) {
		init_send(c, 'U');
		init_recv(c, 'M', NULL);
	}
	if (((cfg->ns_new | cfg->ns_join) & (CLONE_NEWPID | CLONE_NEWTIME))) {
		if ((cfg->ns_new & (CLONE_NEWPID | CLONE_NEWTIME)) &&
		    unshare((int)(cfg->ns_new & (CLONE_NEWPID | CLONE_NEWTIME))) < 0)
			die_errno("unshare pid namespace");
		if (cfg->ns_new & CLONE_NEWTIME)
			set_time_offsets(&cfg->linux);
		/* a joined pid namespace has processes: the child must not be
		 * readable by them from its first instant */
		init_harden(c);
		pid_t pid = fork();
		if (pid < 0)
			die_errno("fork the container init");
		if (pid > 0) {
			struct sync_msg m = { .type = 'P', .pid = pid };
			if (sync_send(c->sync_fd, &m, sizeof m) < 0)
				_exit(1);
			_exit(0);
		}
	}
	container_init(c, listen_fd);
}

/*
 * The runtime's side of create owns the cleanup if create (or run's start)
 * fails: the init is killed, the poststop hooks run once it had existed
 * (the lifecycle goes on at its delete step), and the state is removed.
 */
static struct {
	struct container *c;
	struct cgroup *cg;
	int rootfd;
	pid_t pid;
	bool armed;
} g_create;

static void create_cleanup(void)
{
	struct container *c = g_create.c;
	if (!g_create.armed)
		return;
	g_create.armed = false;
	if (g_create.pid > 0) {
		kill(g_create.pid, SIGKILL);
		waitpid(g_create.pid, NULL, 0);
		if (c->cfg->hooks.poststop.n) {
			char *st = init_state_json(c, ST_STOPPED);
			run_poststop_hooks(&c->cfg->hooks.poststop, st);
			xfree(st);
		}
	}
	if (g_create.cg) {
		/* a cgroup that was there before create is not ours to remove */
		for (int i = 0; i < CG_NCTRL; i++)
			if ((g_create.cg->existed & (1u << i)) && g_create.cg->fd[i] >= 0) {
				close(g_create.cg->fd[i]);
				g_create.cg->fd[i] = -1;
			}
		cg_remove(g_create.cg);
	}
	if (c->statefd >= 0)
		state_remove(g_create.rootfd, c->id, c->statefd);
}

static void parent_recv(int fd, struct sync_msg *m, int *passed_fd)
{
	char buf[1100], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof cbuf };
	ssize_t n;
	for (;;) {
		mh.msg_controllen = sizeof cbuf;
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("the container init exited during setup");
		buf[n] = 0;
		if (buf[0] != 'W' && buf[0] != 'D')
			break;
		report_relayed(buf[0], buf + 1);
	}
	if (buf[0] == 'E') {
		g_err.ctx[0] = 0; /* the init's message has the context */
		die("%s", buf + 1);
	}
	if (n != sizeof *m)
		die("protocol error from the container init");
	memcpy(m, buf, sizeof *m);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (passed_fd && cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(passed_fd, CMSG_DATA(cm), sizeof(int));
}

/* A unix socket path short enough for sun_path: through /proc/self/fd. */
static void start_sock_addr(int statefd, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/start.sock", statefd);
}

static int listen_start_sock(int statefd)
{
	struct sockaddr_un sa;
	start_sock_addr(statefd, &sa);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 4) < 0)
		die_errno("create start socket");
	return fd;
}

static char *iso_time_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
	return buf;
}

/*
 * sd_notify, as runc and crun do it.  When create sees NOTIFY_SOCKET, the
 * container gets a socket at /run/notify/notify.sock: its directory is in
 * the state directory and bound into the rootfs, and NOTIFY_SOCKET is set
 * for the process.  Whoever starts the container (start, run) binds the
 * socket and relays what arrives to the caller's socket until READY=1,
 * with MAINPID= rewritten to the init's pid as the host sees it.  The
 * caller's path is kept beside (notify.host), outside what the container
 * sees.
 */
static void notify_prepare(struct container *c)
{
	const char *host = getenv("NOTIFY_SOCKET");
	struct strv *env = &c->cfg->process.env;
	if (!host || !host[0] || !c->cfg->has_process)
		return;
	if (!own_mount_ns(c->cfg)) {
		warn("NOTIFY_SOCKET: the container has no mount namespace to bind the socket into; not relayed");
		return;
	}
	if (mkdirat(c->statefd, "notify", 0755) < 0 || fchmodat(c->statefd, "notify", 0755, 0) < 0 ||
	    symlinkat(host, c->statefd, "notify.host") < 0)
		die_errno("make the notify socket's directory");
	char link[32];
	snprintf(link, sizeof link, "/proc/self/fd/%d", c->statefd);
	ssize_t n = readlink(link, c->notify_dir, sizeof c->notify_dir - 8);
	if (n <= 0)
		die_errno("find the state directory's path");
	memcpy(c->notify_dir + n, "/notify", 8);
	char **v = xmalloc(sizeof(char *) * (size_t)(env->n + 2));
	int k = 0;
	for (int i = 0; i < env->n; i++)
		if (strncmp(env->v[i], "NOTIFY_SOCKET=", 14))
			v[k++] = env->v[i];
	v[k++] = "NOTIFY_SOCKET=" NOTIFY_CONTAINER_SOCK;
	env->v = v;
	env->n = k;
}

/* The container's notify socket, bound by its starter; -1 if it has none. */
static int notify_bind(int statefd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	if (fstatat(statefd, "notify", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/notify/notify.sock", statefd);
	unlinkat(statefd, "notify/notify.sock", 0);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* any uid of the container may notify: the directory is its only way in */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    fchmodat(statefd, "notify/notify.sock", 0777, 0) < 0)
		die_errno("bind the container's notify socket");
	return fd;
}

/* The caller's socket: $NOTIFY_SOCKET now, else the one create saw
 * ("@name" is an abstract socket). */
static socklen_t notify_host_addr(int statefd, struct sockaddr_un *sa)
{
	char path[sizeof sa->sun_path];
	const char *env = getenv("NOTIFY_SOCKET");
	ssize_t n = 0;
	if (env && env[0])
		n = (ssize_t)snprintf(path, sizeof path, "%s", env);
	else if ((n = readlinkat(statefd, "notify.host", path, sizeof path - 1)) > 0)
		path[n] = 0;
	if (n <= 0 || (size_t)n >= sizeof path)
		return 0;
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, (size_t)n);
	if (path[0] == '@')
		sa->sun_path[0] = 0;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + (path[0] != '@'));
}

/* Relay one message from the container; true once it said READY=1. */
static bool notify_forward(int sock, int statefd, pid_t pid)
{
	char buf[4096], out[4200];
	size_t k = 0;
	bool ready = false;
	ssize_t n = recv(sock, buf, sizeof buf - 1, MSG_DONTWAIT);
	if (n <= 0)
		return false;
	buf[n] = 0;
	for (char *line = buf, *nl; line; line = nl) { /* the lines as sent, MAINPID= rewritten */
		if ((nl = strchr(line, '\n')))
			*nl++ = 0;
		if (!strncmp(line, "MAINPID=", 8))
			k += (size_t)snprintf(out + k, sizeof out - k, "MAINPID=%d%s", (int)pid, nl ? "\n" : "");
		else
			k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", line, nl ? "\n" : "");
		ready |= !strcmp(line, "READY=1");
		if (k >= sizeof out)
			return ready;
	}
	struct sockaddr_un sa;
	socklen_t len = notify_host_addr(statefd, &sa);
	int AUTOCLOSE fd = len ? socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
	if (fd < 0 || sendto(fd, out, k, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
		warn("relay the container's notification to NOTIFY_SOCKET: %s", strerror(errno));
	return ready;
}

/* start of a notifying container: relay until READY=1, or until the init
 * is gone (then start returns too). */
static void notify_until_ready(int sock, const struct state *s)
{
	int AUTOCLOSE pfd = (int)syscall(SYS_pidfd_open, (pid_t)s->pid.v, 0);
	struct pollfd pf[2] = { { .fd = sock, .events = POLLIN }, { .fd = pfd, .events = POLLIN } };
	for (;;) {
		int r = poll(pf, pfd >= 0 ? 2 : 1, pfd >= 0 ? -1 : 100);
		if (r < 0 && errno != EINTR)
			return;
		if ((pf[0].revents & POLLIN) && notify_forward(sock, s->dirfd, (pid_t)s->pid.v))
			return;
		if ((pfd >= 0 && (pf[1].revents & POLLIN)) || (pfd < 0 && !state_pid_alive(s)))
			return;
	}
}

/* The new container's state directory, locked, with its config saved;
 * from here on a failed create removes what it made (create_cleanup). */
static void create_state_dir(struct container *c, int rootfd)
{
	if (mkdirat(rootfd, c->id, 0700) < 0) {
		if (errno == EEXIST)
			die("container %s already exists", c->id);
		die_errno("create state for %s", c->id);
	}
	KILLPOINT("create: state directory made");
	c->statefd = openat(rootfd, c->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	g_create = (typeof(g_create)){ .c = c, .rootfd = rootfd, .armed = true };
	atexit(create_cleanup);
	if (c->statefd < 0)
		die_errno("open state of %s", c->id);
	lock_dir(c->statefd);
	KILLPOINT("create: state directory locked");
	/* (straight into the new directory: readers go by state.json, which
	 * is written after it, and a create cut short leaves no state.json) */
	int AUTOCLOSE cf = openat(c->statefd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (cf < 0 || write_all(cf, c->cfg->raw, c->cfg->raw_len) < 0)
		die_errno("save config.json");
	KILLPOINT("create: config saved");
}

/* The slow path's runtime side: the id maps of the child that unshared
 * its user namespace, and the pid of the init it forked.  Returns the
 * init's pid. */
static pid_t create_slow_steps(struct container *c, pid_t pid)
{
	const struct config *cfg = c->cfg;
	struct sync_msg m;
	if (cfg->ns_new & CLONE_NEWUSER) {
		parent_recv(c->sync_fd, &m, NULL);
		if (m.type != 'U')
			die("protocol error from the container init");
		write_id_maps(c, pid);
		m.type = 'M';
		sync_send(c->sync_fd, &m, sizeof m);
	}
	if ((cfg->ns_new | cfg->ns_join) & (CLONE_NEWPID | CLONE_NEWTIME)) {
		parent_recv(c->sync_fd, &m, NULL);
		if (m.type != 'P')
			die("protocol error from the container init");
		waitpid(pid, NULL, 0);
		pid = m.pid;
		g_create.pid = pid;
	}
	return pid;
}

/* What the init asks for until it is ready: the pty master to keep, the
 * runtime-side hooks to run. */
static void create_wait_ready(struct container *c)
{
	const struct config *cfg = c->cfg;
	struct sync_msg m;
	for (;;) {
		int passed = -1;
		parent_recv(c->sync_fd, &m, &passed);
		if (m.type == 'R')
			return;
		if (m.type == 'T') {
			c->tty_master = passed;
		} else if (m.type == 'H') {
			char *st = init_state_json(c, ST_CREATED), err[300];
			if (run_hooks(&cfg->hooks.prestart, "prestart", st, err, sizeof err, -1) < 0 ||
			    run_hooks(&cfg->hooks.create_runtime, "createRuntime", st, err, sizeof err, -1) < 0)
				die("%s", err);
			xfree(st);
			KILLPOINT("create: runtime hooks run");
			m.type = 'C';
			sync_send(c->sync_fd, &m, sizeof m);
		} else {
			die("protocol error from the container init");
		}
	}
}

/* The inode of /proc/PID/ns/NAME, or 0. */
static long long ns_inode(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
	return stat(path, &st) == 0 ? (long long)st.st_ino : 0;
}

/*
 * Record the container: state.json (with what tells its processes from
 * others later: its own pid namespace, else its own mount namespace) and
 * the pid file.  A create that dies before this leaves an init that dies
 * with it, and a "creating" directory that delete removes.
 */
static void create_record(struct container *c, pid_t pid, struct state *out)
{
	const struct config *cfg = c->cfg;
	char created[64], owner[21];
	struct state s = { .oci_version = OCI_VERSION, .id = c->id, .bundle = cfg->bundle,
			   .annotations = cfg->annotations, .created = iso_time_now(created, sizeof created),
			   .owner = utoa(runtime_euid(), owner), .rootless = c->rootless, .dirfd = c->statefd,
			   .status = ST_CREATED };
	s.pid.v = pid;
	struct proc_info pi;
	if (proc_stat(pid, &pi) == 0)
		s.start_time = (struct num){ pi.start, true };
	if (cfg->ns_new & CLONE_NEWPID)
		s.pid_ns = (struct num){ ns_inode(pid, "pid"), true };
	else if (cfg->ns_new & CLONE_NEWNS)
		s.mnt_ns = (struct num){ ns_inode(pid, "mnt"), true };
	if (c->has_cgroup)
		s.cgroup = c->cgroup.path;
	state_save(&s);
	KILLPOINT("create: state saved");
	if (out) {
		*out = s;
		out->created = NULL; /* it was on our stack */
	}
	if (c->pid_file)
		write_pid_file(c->pid_file, pid);
	KILLPOINT("create: pid file written");
}

/*
 * A config without a mount namespace (the container inherits the
 * runtime's, config-linux.md) runs chrooted into root.path with no mount
 * at all, as runc does: every mount would be made on the host.  What
 * would leave the container unconfined without them is refused; the rest
 * is said once.
 */
static void check_no_mount_ns(const struct config *cfg)
{
	const struct linux_cfg *l = &cfg->linux;
	if (l->masked_paths.n || l->readonly_paths.n)
		die("config.json: linux.%s: needs a mount namespace of the container's own",
		    l->masked_paths.n ? "maskedPaths" : "readonlyPaths");
	if (l->devices.n)
		die("config.json: linux.devices: needs a mount namespace of the container's own");
	if (l->rootfs_propagation && l->rootfs_propagation[0])
		die("config.json: linux.rootfsPropagation: needs a mount namespace of the container's own");
	if (cfg->mounts.n)
		warn("no mount namespace: the container shares the host's, where its %d mounts are not made",
		     cfg->mounts.n);
	if (cfg->root.readonly)
		warn("no mount namespace: the container shares the host's, where its root is not made read-only");
}

/*
 * Tell a created init that it is recorded ('K') and wait for its answer:
 * until then it dies with the runtime (PR_SET_PDEATHSIG), and we must not
 * exit before it has stopped doing so.
 */
static void commit_init(struct container *c)
{
	struct sync_msg m = { .type = 'K' };
	if (sync_send(c->sync_fd, &m, sizeof m) < 0)
		die_errno("commit the container init");
	parent_recv(c->sync_fd, &m, NULL);
	if (m.type != 'k')
		die("protocol error from the container init");
	close(c->sync_fd);
	c->sync_fd = -1;
	KILLPOINT("create: init committed");
}

/*
 * create: make the state directory, start the init in its namespaces,
 * write its id maps, run the runtime-side hooks, and record the state.
 * Returns the init's pid with the init waiting for start.
 */
static pid_t create_container(struct container *c, int rootfd, struct state *out)
{
	struct config *cfg = c->cfg;
	int sv[2], listen_fd = -1;
	struct sync_msg m;

	if (!own_mount_ns(cfg))
		check_no_mount_ns(cfg);
	if (cfg->linux.net_devices.n && (c->rootless || !(cfg->ns_new & CLONE_NEWNET)))
		die("config.json: linux.netDevices: moving host interfaces needs root and a new network namespace");
	if (cfg->linux.has_intel_rdt)
		die("config.json: linux.intelRdt: not supported (no resctrl support in this runtime)");
	c->has_seccomp = cfg->has_process && seccomp_prepare(cfg, &c->seccomp);
	c->tramp_fd = guard_own_binary(c->self_argv, c->rootless, cfg->has_process ? &cfg->process : NULL,
				       c->has_seccomp ? &c->seccomp : NULL);
	create_state_dir(c, rootfd);
	notify_prepare(c);
	if (!c->foreground)
		listen_fd = listen_start_sock(c->statefd);
	c->console_fd = c->console_socket ? connect_unix(c->console_socket, "console socket") : -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("socketpair");
	/* CLONE_NEWTIME shares its bit with clone()'s exit signal: it can
	 * only be unshared, like the namespaces joined by path */
	bool slow = cfg->ns_join != 0 || (cfg->ns_new & CLONE_NEWTIME);
	if (slow)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	g_create.cg = &c->cgroup;
	c->has_cgroup = !c->no_cgroup && cg_prepare(&c->cgroup, cfg, c->id, c->rootless, c->statefd);
	if (c->no_cgroup && resources_wanted(&cfg->linux.resources))
		warn("--cgroup-manager disabled: linux.resources not applied");
	KILLPOINT("create: cgroup made");
	/* the cgroup namespace is made by the init once it is in its cgroup,
	 * so that the cgroup is the namespace's root */
	bool in_cgroup = false;
	pid_t pid = clone_into(slow ? 0 : cfg->ns_new & ~(unsigned long)CLONE_NEWCGROUP,
			       c->has_cgroup && c->cgroup.layout == CG_V2 ? c->cgroup.fd[0] : -1, &in_cgroup);
	if (pid < 0)
		die_errno("clone the container init");
	if (pid == 0) {
		/* (sv[0], the state directory and the rest go with
		 * init_close_fds, the init's first step) */
		c->statefd = -1;
		c->sync_fd = sv[1];
		g_create.armed = false;
		KILLPOINTS_OFF();
		if (slow)
			init_via_join(c, listen_fd);
		container_init(c, listen_fd);
	}
	close(sv[1]);
	c->sync_fd = sv[0];
	g_create.pid = pid;
	KILLPOINT("create: init cloned");
	if (slow)
		pid = create_slow_steps(c, pid);
	else if (cfg->ns_new & CLONE_NEWUSER)
		write_id_maps(c, pid);
	c->pid = pid;
	if (c->has_cgroup && !in_cgroup)
		cg_join(&c->cgroup, pid);
	/* Nothing of the runtime may be read or ptraced from the container.
	 * Only now: a non-dumpable child's /proc files belong to root, and an
	 * unprivileged runtime could not have written its id maps. */
	prctl(PR_SET_DUMPABLE, 0);
	move_net_devices(c, pid);
	KILLPOINT("create: init placed");
	m = (struct sync_msg){ .type = 'G', .pid = pid };
	if (sync_send(c->sync_fd, &m, sizeof m) < 0)
		die_errno("start the container init");
	send_idmapped_mounts(c, pid);
	create_wait_ready(c);
	KILLPOINT("create: init ready");
	if (listen_fd >= 0)
		close(listen_fd);
	if (c->console_fd >= 0)
		close(c->console_fd);
	create_record(c, pid, out);
	g_create.armed = c->foreground; /* run: until the process started */
	if (!c->foreground)
		commit_init(c);
	flock(c->statefd, LOCK_UN);
	return pid;
}


/*
 * Wait for the outcome of a container process's execve on fd: EOF when it
 * succeeded (the descriptor was close-on-exec), an 'E' message with the
 * reason when not.  On the way, a pty master ('T') is kept in *master and
 * a seccomp notify descriptor ('N') goes to the config's listener.
 */
static void await_exec(int fd, const struct config *cfg, const struct state *s, pid_t pid, int *master)
{
	for (;;) {
		char buf[1100], cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof cbuf };
		int passed = -1;
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf[n] = 0;
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&passed, CMSG_DATA(cm), sizeof passed);
		if (buf[0] == 'E') {
			g_err.ctx[0] = 0; /* the message carries its own context */
			die("%s", buf + 1);
		} else if (buf[0] == 'X' && n >= (ssize_t)sizeof(struct sync_msg)) {
			struct sync_msg x; /* the trampoline's: the errno, then the path */
			memcpy(&x, buf, sizeof x);
			die("exec %s: %s", buf + sizeof x, strerror(x.pid));
		} else if (buf[0] == 'W' || buf[0] == 'D') {
			report_relayed(buf[0], buf + 1);
		} else if (buf[0] == 'T' && master) {
			*master = passed;
		} else if (buf[0] == 'N' && passed >= 0) {
			seccomp_send_listener(cfg, s, ST_RUNNING, pid, passed);
			close(passed);
		} else if (passed >= 0) {
			close(passed);
		}
	}
}

/* Release a created init: 'S' on its start (or sync) socket. */
static void release_init(int fd, const struct config *cfg, const struct state *s)
{
	struct sync_msg m = { .type = 'S' };
	if (sync_send(fd, &m, sizeof m) < 0)
		die_errno("start the container");
	KILLPOINT("start: released");
	await_exec(fd, cfg, s, (pid_t)s->pid.v, NULL);
	KILLPOINT("start: process running");
}

static void start_created(struct state *s, const struct config *cfg)
{
	struct sockaddr_un sa;
	start_sock_addr(s->dirfd, &sa);
	int AUTOCLOSE fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die_errno("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die_errno("connect to the container's start socket");
	KILLPOINT("start: connected");
	unlinkat(s->dirfd, "start.sock", 0);
	KILLPOINT("start: start socket removed");
	int AUTOCLOSE notify = notify_bind(s->dirfd);
	release_init(fd, cfg, s);
	if (notify >= 0)
		notify_until_ready(notify, s);
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	/* a caller without a real window (0x0) keeps consoleSize */
	if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(to, TIOCSWINSZ, &ws);
}

/*
 * Foreground run and exec: the signals the runtime gets go to the
 * container's process, and with a terminal we copy between our stdio and
 * the pty.  The signals are blocked and read from a signalfd in the wait
 * loop: two syscalls, not a sigaction for each, and one that arrives
 * while the container is being made waits for its process instead of
 * being lost.  Job control's stops and the faults stay the kernel's.
 */
static struct {
	pid_t pid;     /* where forwarded signals go */
} g_fwd;

static int forward_signals(pid_t pid)
{
	sigset_t set;
	g_fwd.pid = pid;
	/* a SIGCHLD the caller left ignored would have the kernel reap the
	 * container's process before we learn how it exited */
	signal(SIGCHLD, SIG_DFL);
	sigfillset(&set);
	static const int keep[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGSYS, SIGABRT };
	for (size_t i = 0; i < ARRAY_LEN(keep); i++)
		sigdelset(&set, keep[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die_errno("block signals");
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die_errno("signalfd");
	return fd;
}

/* The signals the runtime got: SIGWINCH resizes the pty, SIGCHLD only
 * wakes the loop, the rest go to the container's process. */
static void drain_signals(int sigfd, int master)
{
	struct signalfd_siginfo si[8];
	ssize_t n;
	/* (a read that does not fill si took every signal queued) */
	do {
		n = read(sigfd, si, sizeof si);
		for (ssize_t k = 0; k < n / (ssize_t)sizeof *si; k++) {
			unsigned sig = si[k].ssi_signo;
			if (sig == SIGWINCH && master >= 0 && isatty(0))
				copy_winsize(0, master);
			else if (sig != SIGCHLD && sig != SIGWINCH && g_fwd.pid > 0)
				kill(g_fwd.pid, (int)sig);
		}
	} while (n == (ssize_t)sizeof si);
}


static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}


/* Relay between our stdio and the pty master until the process exits. */
/* Whether the child has exited, leaving it to be waited for. */
static bool child_exited(pid_t pid)
{
	siginfo_t si = { 0 };
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* A foreground run's notify socket until READY=1 or the process exits. */
static void relay_notify(int notify, int statefd, pid_t pid, int sigfd)
{
	struct pollfd pf[2] = { { .fd = notify, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
	while (!child_exited(pid)) {
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return;
		if (pf[1].revents & POLLIN)
			drain_signals(sigfd, -1);
		if ((pf[0].revents & POLLIN) && notify_forward(notify, statefd, pid))
			return;
	}
}

/*
 * The caller's terminal in raw mode while a foreground run or exec relays
 * it, and back as it was on every way out (exit, die).  Only a process in
 * the terminal's foreground process group may touch it: from a background
 * job, or under a supervisor such as timeout, changing it or reading from
 * it would make the kernel stop us (SIGTTOU, SIGTTIN), and the container
 * would be left behind with us stopped.
 */
static struct {
	struct termios saved;
	bool raw;
} g_tty;

static void tty_restore(void)
{
	if (g_tty.raw)
		tcsetattr(0, TCSANOW, &g_tty.saved);
	g_tty.raw = false;
}

/* Whether we may use our stdin terminal: ours in the foreground. */
static bool tty_foreground(void)
{
	return isatty(0) && tcgetpgrp(0) == getpgrp();
}

static void tty_make_raw(void)
{
	struct termios raw;
	if (!tty_foreground() || tcgetattr(0, &g_tty.saved) < 0)
		return;
	raw = g_tty.saved;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSANOW, &raw) == 0 && !g_tty.raw) {
		g_tty.raw = true;
		atexit(tty_restore);
	}
}

static void relay_tty(int master, pid_t pid, int sigfd, int notify, int statefd)
{
	bool fg = tty_foreground(), tty = isatty(0);
	char buf[4096];

	tty_make_raw();
	if (tty)
		copy_winsize(0, master);
	/* stdin is read only where the kernel lets us: a terminal we do not
	 * hold in the foreground would stop us with SIGTTIN */
	struct pollfd pf[4] = { { .fd = tty && !fg ? -1 : 0, .events = POLLIN }, { .fd = master, .events = POLLIN },
				{ .fd = sigfd, .events = POLLIN }, { .fd = notify, .events = POLLIN } };
	for (;;) {
		if (poll(pf, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pf[3].revents & POLLIN) && notify_forward(notify, statefd, pid))
			pf[3].fd = -1; /* READY=1: nothing more to relay */
		if (pf[2].revents & POLLIN)
			drain_signals(sigfd, master);
		if (pf[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(0, buf, sizeof buf);
			if (n <= 0)
				pf[0].fd = -1; /* our stdin ended; the container's goes on */
			else
				(void)!write_all(master, buf, (size_t)n);
		}
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(master, buf, sizeof buf);
			if (n <= 0)
				break; /* EIO: every slave closed, the process is gone */
			(void)!write_all(1, buf, (size_t)n);
		}
		if (child_exited(pid) && !(pf[1].revents & POLLIN))
			break;
	}
	tty_restore();
}

/* Wait for the foreground process; its exit status becomes ours. */
static int wait_foreground(pid_t pid, int master, int sigfd, int notify, int statefd, bool blocked_before)
{
	int status;
	/* signals blocked before the child was made, and nothing relayed: no
	 * SIGCHLD of its has been read, it is still to come or pending, so
	 * the first look can be poll's */
	bool look = !blocked_before || master >= 0 || notify >= 0;
	if (master >= 0)
		relay_tty(master, pid, sigfd, notify, statefd);
	else if (notify >= 0)
		relay_notify(notify, statefd, pid, sigfd);
	for (;;) {
		pid_t r = look ? waitpid(pid, &status, WNOHANG) : 0;
		look = true;
		if (r == pid)
			return exit_code(status);
		if (r < 0 && errno != EINTR)
			return 255;
		struct pollfd pf = { .fd = sigfd, .events = POLLIN };
		if (r == 0 && poll(&pf, 1, -1) > 0)
			drain_signals(sigfd, master);
	}
}

/* === 13. exec ========================================================== */

struct exec_opts {
	const char *process_file, *console_socket, *pid_file, *cwd, *user;
	bool tty, tty_set, detach, no_new_privs;
	const char *env[256], *caps[64];
	int nenv, ncaps, preserve_fds;
	char **args;
	int nargs;
	char **self_argv; /* main's argv as it came, for the sealed copy */
};

/* The process to exec: --process FILE, or the container's with overrides. */
static void exec_opts_process(struct exec_opts *o, struct config *cfg, struct process_cfg *p, struct json *pj)
{
	if (o->process_file) {
		char err[300];
		size_t len;
		const char *base;
		int AUTOCLOSE dfd = open_parent_dir(o->process_file, &base);
		char *buf = dfd < 0 ? NULL : read_config_file(dfd, base, &len, err, sizeof err);
		if (!buf)
			die("process file %s: %s", o->process_file, dfd < 0 ? strerror(errno) : err);
		struct cfg_parser ps = { .j = pj };
		if (json_parse(pj, buf, len) < 0)
			die("process file %s: %s", o->process_file, pj->err);
		memset(p, 0, sizeof *p);
		if (setjmp(ps.fail))
			die("process file %s: %s", o->process_file, pj->err);
		cfg_object(&ps, 0, &process_s, p);
		if (p->args.n < 1)
			die("process file %s: args: at least one argument is required", o->process_file);
		if (cfg_caps(&p->caps, "capabilities", err, sizeof err) < 0)
			die("process file %s: %s", o->process_file, err);
		return;
	}
	*p = cfg->process;
	if (!cfg->has_process)
		p->cwd = "/";
	if (o->nargs < 1)
		die("exec needs a command (or --process)");
	p->args.v = o->args;
	p->args.n = o->nargs;
	p->terminal = o->tty;
	if (o->nenv) {
		char **env = xmalloc(sizeof(char *) * (size_t)(p->env.n + o->nenv + 1));
		int n = 0;
		for (int i = 0; i < p->env.n; i++) {
			size_t kl = strcspn(p->env.v[i], "=");
			bool over = false;
			for (int k = 0; k < o->nenv; k++)
				over |= !strncmp(o->env[k], p->env.v[i], kl + 1);
			if (!over)
				env[n++] = p->env.v[i];
		}
		for (int k = 0; k < o->nenv; k++)
			env[n++] = (char *)o->env[k];
		env[n] = NULL;
		p->env.v = env;
		p->env.n = n;
	}
	if (o->cwd)
		p->cwd = o->cwd;
	if (o->user) {
		long long uid, gid = p->user.gid.v;
		char buf[64];
		snprintf(buf, sizeof buf, "%s", o->user);
		char *colon = strchr(buf, ':');
		if (colon)
			*colon = 0;
		if (parse_llong(buf, 0, IDMAX, &uid) < 0 || (colon && parse_llong(colon + 1, 0, IDMAX, &gid) < 0))
			die("--user %s: must be UID[:GID]", o->user);
		p->user.uid.v = uid;
		p->user.gid.v = gid;
		p->user.additional_gids.n = 0;
	}
	for (int i = 0; i < o->ncaps; i++) {
		struct strv one = { (char **)&o->caps[i], 1 };
		uint64_t m;
		char err[200];
		if (cfg_caps_mask(&one, "--cap", &m, err, sizeof err) < 0)
			die("%s", err);
		/* bounding, effective and permitted only: an inheritable (or
		 * ambient) capability would survive into programs the process
		 * execs (CVE-2022-29162, CVE-2022-27650) */
		p->has_caps = true;
		p->caps.b |= m;
		p->caps.e |= m;
		p->caps.p |= m;
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
}

/* The exec'd process, inside every namespace of the container.  Like the
 * init, it closes every descriptor of the runtime's first. */
static NORETURN void exec_child(struct container *c, struct process_cfg *p, int *nsfds, int rootdir)
{
	char exe[PATH_MAX];
	int keep[12] = { c->sync_fd, c->console_fd, rootdir, c->tramp_fd };
	memcpy(keep + 4, nsfds, 8 * sizeof(int));
	g_err.report_fd = c->sync_fd;
	g_err.log_fd = -1;
	close_fds_except(c->preserve_fds, keep, (int)ARRAY_LEN(keep));
	/* the user namespace first: it owns the others */
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < 8; k++)
			if (nsfds[k] >= 0 && (ns_flags[k] == CLONE_NEWUSER) == (pass == 0) &&
			    setns(nsfds[k], (int)ns_flags[k]) < 0)
				die_errno("join the container's %s namespace", ns_names[k]);
	for (int k = 0; k < 8; k++)
		if (nsfds[k] >= 0)
			close(nsfds[k]);
	pid_t pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid > 0) {
		struct sync_msg m = { .type = 'P', .pid = pid };
		sync_send(c->sync_fd, &m, sizeof m);
		_exit(0);
	}
	init_recv(c, 'G', NULL); /* in the container's cgroup now */
	if (fchdir(rootdir) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die_errno("enter the container's root");
	close(rootdir);
	if (p->terminal) {
		int slave;
		c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int master = open_pty(c, p, &slave);
		close(c->rootfd);
		send_master(c, master);
		attach_tty(slave);
	} else if (setsid() < 0) {
		die_errno("setsid");
	}
	if (c->console_fd >= 0)
		close(c->console_fd);
	bool cwd_entered = prepare_process(p, exe, sizeof exe, false);
	exec_process(p, c->rootless, false, c->has_seccomp ? &c->seccomp : NULL, c->sync_fd, exe, cwd_entered,
		     c->tramp_fd);
}

/*
 * The namespaces exec joins: every one in which the init differs from the
 * runtime, whatever the config lists (a rootless runtime may have made a
 * user namespace the config did not name; a type the config left out is
 * the runtime's own anyway).
 */
static void open_container_namespaces(const struct state *s, int nsfds[8])
{
	char path[64];
	for (int k = 0; k < 8; k++) {
		struct stat mine, theirs;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)s->pid.v, ns_proc_names[k]);
		nsfds[k] = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfds[k] < 0 && errno == ENOENT)
			continue; /* a namespace type this kernel does not have */
		if (nsfds[k] < 0 || fstat(nsfds[k], &theirs) < 0)
			die_errno("open %s", path);
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns_proc_names[k]);
		if (stat(path, &mine) == 0 && mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
			close(nsfds[k]);
			nsfds[k] = -1;
		}
	}
}

static int cmd_exec_run(int rootfd, const char *id, struct exec_opts *o)
{
	struct state s;
	struct config cfg;
	struct process_cfg p;
	struct json pj;
	struct container c = { .id = id, .console_fd = -1, .tty_master = -1, .tramp_fd = -1,
			       .preserve_fds = o->preserve_fds };
	int nsfds[8], sv[2];
	char path[64];

	if (state_load(rootfd, id, &s) < 0)
		die_errno("container %s", id);
	if (s.status != ST_RUNNING && s.status != ST_CREATED)
		die("cannot exec in a %s container", status_names[s.status]);
	state_load_config(&s, &cfg);
	exec_opts_process(o, &cfg, &p, &pj);
	c.cfg = &cfg;
	c.rootless = s.rootless;
	open_container_namespaces(&s, nsfds);
	snprintf(path, sizeof path, "/proc/%d/root", (int)s.pid.v);
	int AUTOCLOSE rootdir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootdir < 0)
		die_errno("open %s", path);
	/* the pid may have been reused between state_load() and the opens */
	if (!state_pid_alive(&s))
		die("container %s stopped", id);
	c.has_seccomp = seccomp_prepare(&cfg, &c.seccomp);
	c.tramp_fd = guard_own_binary(o->self_argv, c.rootless, &p, c.has_seccomp ? &c.seccomp : NULL);
	c.console_fd = o->console_socket ? connect_unix(o->console_socket, "console socket") : -1;
	prctl(PR_SET_DUMPABLE, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("socketpair");
	KILLPOINT("exec: prepared");
	pid_t mid = fork();
	if (mid < 0)
		die_errno("fork");
	if (mid == 0) {
		close(sv[0]);
		c.sync_fd = sv[1];
		KILLPOINTS_OFF();
		exec_child(&c, &p, nsfds, rootdir);
	}
	close(sv[1]);
	struct sync_msg m;
	int master = -1;
	KILLPOINT("exec: forked");
	parent_recv(sv[0], &m, NULL);
	waitpid(mid, NULL, 0);
	pid_t pid = m.pid;
	KILLPOINT("exec: child in the namespaces");
	struct cgroup cg;
	if (cg_open(&cg, s.cgroup, true))
		cg_join(&cg, pid);
	KILLPOINT("exec: child in the cgroup");
	m.type = 'G';
	if (sync_send(sv[0], &m, sizeof m) < 0)
		die_errno("start the exec'd process");
	KILLPOINT("exec: child released");
	int sigfd = o->detach ? -1 : forward_signals(pid);
	await_exec(sv[0], &cfg, &s, pid, &master);
	KILLPOINT("exec: process running");
	close(sv[0]);
	if (o->pid_file)
		write_pid_file(o->pid_file, pid);
	KILLPOINT("exec: pid file written");
	if (o->detach)
		return 0;
	return wait_foreground(pid, master, sigfd, -1, -1, false);
}

/* === 14. commands ====================================================== */

/* Options of every command, as the command line leaves them. */
struct opts {
	const char *root, *log, *log_format, *rootless, *cgroup_manager, *config_file;
	const char *bundle, *pid_file, *console_socket, *format;
	bool detach, no_pivot, no_new_keyring, force, all, quiet, spec_rootless, stats, keep, version,
		systemd_cgroup;
	const char *resources_file, *up_memory, *up_memory_swap, *up_memory_reservation, *up_pids,
		*up_cpu_quota, *up_cpu_period, *up_cpu_shares, *up_cpus, *up_mems, *up_blkio_weight;
	int preserve_fds;
	struct exec_opts exec;
	char **self_argv; /* main's argv as it came, for the sealed copy */
};

static void state_open(int rootfd, const char *id, struct state *s)
{
	if (state_load(rootfd, id, s) < 0)
		die(errno == EINVAL ? "invalid container id" : "container %s does not exist", id);
}

static void print_free(char *s)
{
	fputs(s, stdout);
	fputc('\n', stdout);
	xfree(s);
}

static int cmd_state(int rootfd, const char *id)
{
	struct state s;
	state_open(rootfd, id, &s);
	if (s.status == ST_CREATING)
		die("container %s is being created", id);
	print_free(state_json(&s, s.status, 2));
	return 0;
}

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", 16 }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

static int parse_signal(const char *s)
{
	long long n;
	if (parse_llong(s, 1, _NSIG - 1, &n) == 0)
		return (int)n;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < ARRAY_LEN(signals); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		long long off = 0;
		if (s[5] && ((s[5] != '+' && s[5] != '-') || !isdigit((unsigned char)s[6]) ||
			     parse_llong(s + 5, -32, 32, &off) < 0))
			return -1;
		int sig = (int)(toupper((unsigned char)s[2]) == 'M' && toupper((unsigned char)s[3]) == 'A'
				? SIGRTMAX + off : SIGRTMIN + off);
		return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
	}
	return -1;
}

/* Signal the init race-free: a pidfd pins the process we checked. */
static int signal_init(const struct state *s, int sig)
{
	int pfd = (int)syscall(SYS_pidfd_open, (pid_t)s->pid.v, 0);
	if (pfd >= 0) {
		int r = -1;
		if (state_pid_alive(s))
			r = (int)syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
		else
			errno = ESRCH;
		int e = errno;
		close(pfd);
		errno = e;
		return r;
	}
	return kill((pid_t)s->pid.v, sig);
}

/* Every process in the container's pid namespace (kill --all, ps). */
static int pids_in_container(const struct state *s, pid_t *out, int max)
{
	char path[64];
	struct stat init_ns, st;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)s->pid.v);
	if (stat(path, &init_ns) < 0)
		return 0;
	struct stat self_ns;
	if (stat("/proc/self/ns/pid", &self_ns) == 0 && self_ns.st_ino == init_ns.st_ino) {
		out[n++] = (pid_t)s->pid.v; /* shared with us: only the init is known */
		return n;
	}
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) && n < max) {
		long long pid;
		if (parse_llong(e->d_name, 1, INT_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof path, "/proc/%lld/ns/pid", pid);
		if (stat(path, &st) == 0 && st.st_ino == init_ns.st_ino && st.st_dev == init_ns.st_dev)
			out[n++] = (pid_t)pid;
	}
	if (d)
		closedir(d);
	return n;
}

#define NS_GET_PARENT_ 0xb702 /* _IO(0xb7, 0x2), 4.9 */

/* Whether pid's pid namespace is the one with inode ino, or lies below it. */
static bool pidns_within(pid_t pid, long long ino)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	for (int depth = 0; fd >= 0 && depth < 33; depth++) {
		struct stat st;
		if (fstat(fd, &st) == 0 && (long long)st.st_ino == ino) {
			close(fd);
			return true;
		}
		int up = ioctl(fd, NS_GET_PARENT_);
		close(fd);
		fd = up;
	}
	if (fd >= 0)
		close(fd);
	return false;
}

/*
 * Whether pid is one of the container's own processes.  Its cgroup can
 * hold others (host root may put any process there).  The container's
 * are those in its pid namespace or one below it, while its init lives
 * (the namespace ends with it); for a container without a pid namespace
 * of its own, those in its own mount namespace; with neither, the cgroup
 * is all there is to go by.
 */
static bool proc_is_containers(const struct state *s, pid_t pid, bool init_alive)
{
	if (s->pid_ns.set)
		return init_alive && pidns_within(pid, s->pid_ns.v);
	if (s->mnt_ns.set)
		return ns_inode(pid, "mnt") == s->mnt_ns.v;
	return true;
}

/* Signal pid if it is the container's: a pidfd pins the process that was
 * checked, so a pid reused meanwhile is not signalled. */
static void signal_own(const struct state *s, pid_t pid, int sig, bool init_alive)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (proc_is_containers(s, pid, init_alive)) {
		if (pfd >= 0)
			syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
		else
			kill(pid, sig);
	}
	if (pfd >= 0)
		close(pfd);
}

/*
 * Signal the container's processes in its cgroup (kill --all, delete
 * --force), frozen meanwhile so that none forks away, and never one that
 * is not the container's.  A paused container stays paused, unless the
 * signal is SIGKILL, which frozen v1 processes only act on once thawed.
 */
static void signal_cgroup(const struct state *s, const struct cgroup *g, int sig)
{
	pid_t pids[4096];
	bool alive = state_pid_alive(s), was_frozen = cg_frozen(g);
	bool frozen = was_frozen || cg_freeze(g, true) == 0;
	int n = cg_pids(g, pids, (int)ARRAY_LEN(pids));
	for (int i = 0; i < n; i++)
		signal_own(s, pids[i], sig, alive);
	if (frozen && (!was_frozen || sig == SIGKILL))
		cg_freeze(g, false);
}

static void wait_gone(const struct state *s, int ms)
{
	for (int64_t end = now_ms() + ms; state_pid_alive(s) && now_ms() < end;)
		usleep(1000);
}

static int cmd_kill(int rootfd, const char *id, const char *signame, bool all)
{
	struct state s;
	int sig = parse_signal(signame ? signame : "TERM");
	if (sig < 0)
		die("unknown signal %s", signame);
	state_open(rootfd, id, &s);
	if (s.status != ST_CREATED && s.status != ST_RUNNING && s.status != ST_PAUSED)
		die("container %s is not running (%s)", id, status_names[s.status]);
	struct cgroup cg;
	if (all && cg_open(&cg, s.cgroup, true)) {
		signal_cgroup(&s, &cg, sig);
		if (signal_init(&s, sig) < 0 && errno != ESRCH) /* it may be gone already */
			die_errno("kill %s", id);
		return 0;
	} else if (all) {
		pid_t pids[4096];
		int n = pids_in_container(&s, pids, (int)ARRAY_LEN(pids));
		for (int i = 0; i < n; i++)
			if (pids[i] != s.pid.v)
				kill(pids[i], sig);
	}
	if (signal_init(&s, sig) < 0)
		die_errno("kill %s", id);
	/* SIGKILL: return once it took, so that a delete right after finds
	 * the container stopped (youki's harness and scripts do just that) */
	if (sig == SIGKILL)
		wait_gone(&s, 2000);
	return 0;
}

/* poststop hooks, from the config in hand (run) or the one saved at create */
static void run_poststop(const struct state *s, const struct config *known)
{
	struct config saved;
	char err[300];
	size_t len;
	const struct config *cfg = known;
	if (!cfg) {
		char *buf = read_config_file(s->dirfd, "config.json", &len, err, sizeof err);
		memset(&saved, 0, sizeof saved);
		if (!buf || cfg_parse(&saved, buf, len) < 0)
			return;
		cfg = &saved;
	}
	if (!cfg->hooks.poststop.n)
		return;
	char *text = state_json(s, ST_STOPPED, -1);
	run_poststop_hooks(&cfg->hooks.poststop, text);
	xfree(text);
}


/*
 * The cgroup of a stopped container.  What the container left in it (its
 * processes outlive the init only without a pid namespace of its own) is
 * killed; a process that is not the container's is left alone, and then
 * so is the cgroup.  s is NULL for a create that died before recording
 * the container: its init died with it, so nothing is signalled at all.
 */
static void delete_cgroup(const char *path, const struct state *s)
{
	struct cgroup cg;
	pid_t pids[16];
	/* the usual case, an empty cgroup: rmdir is all (the kernel refuses
	 * it, EBUSY, while any process or child cgroup is in it) */
	if (path && path[0] && cg_rmdir_all(path))
		return;
	if (!cg_open(&cg, path, true))
		return;
	for (int t = 0; t < 500 && cg_pids(&cg, pids, 16) > 0; t++) {
		if (s && t % 50 == 0)
			signal_cgroup(s, &cg, SIGKILL);
		usleep(1000);
	}
	if (!cg_remove(&cg))
		warn("cgroup %s still holds processes that are not the container's: left in place", path);
}

/* The saved config, for what delete gives back; NULL if unreadable. */
static const struct config *saved_config(const struct state *s, struct config *c)
{
	char err[300];
	size_t len;
	char *buf = read_config_file(s->dirfd, "config.json", &len, err, sizeof err);
	memset(c, 0, sizeof *c);
	return buf && cfg_parse(c, buf, len) == 0 ? c : NULL;
}

/* What is left of a stopped container: its network devices, its cgroup,
 * the hooks, the state. */
static void delete_stopped(int rootfd, const struct state *s, const struct config *cfg)
{
	struct config saved;
	give_back_net_devices(s->dirfd, cfg ? cfg : saved_config(s, &saved));
	delete_cgroup(s->cgroup, s);
	KILLPOINT("delete: cgroup removed");
	run_poststop(s, cfg);
	KILLPOINT("delete: poststop hooks run");
	state_remove(rootfd, s->id, s->dirfd);
}

static int cmd_delete(int rootfd, const char *id, bool force)
{
	struct state s;
	if (state_load(rootfd, id, &s) < 0) {
		if (force && errno == ENOENT)
			return 0; /* runc: delete -f of a missing container succeeds */
		die(errno == EINVAL ? "invalid container id" : "container %s does not exist", id);
	}
	lock_dir(s.dirfd);
	KILLPOINT("delete: locked");
	state_open(rootfd, id, &s); /* again, under the lock */
	if (s.status == ST_CREATING) {
		/* we hold the lock, so no create is running: it died, and
		 * left at most the cgroup it recorded */
		char cg[PATH_MAX];
		ssize_t n = readlinkat(s.dirfd, "cgroup", cg, sizeof cg - 1);
		if (n > 0 && (cg[n] = 0, cg[0] == '/') && !path_has_dotdot(cg))
			delete_cgroup(cg, NULL);
		struct config saved;
		give_back_net_devices(s.dirfd, saved_config(&s, &saved));
		state_remove(rootfd, id, s.dirfd);
		return 0;
	}
	if (s.status != ST_STOPPED) {
		if (!force)
			die("cannot delete container %s that is %s (use --force)", id, status_names[s.status]);
		pid_t pids[4096];
		struct cgroup cg;
		/* through the cgroup when there is one: it also thaws a paused
		 * container, whose frozen processes could not die otherwise */
		if (cg_open(&cg, s.cgroup, true)) {
			signal_cgroup(&s, &cg, SIGKILL);
		} else {
			int n = pids_in_container(&s, pids, (int)ARRAY_LEN(pids));
			for (int i = 0; i < n; i++)
				kill(pids[i], SIGKILL);
		}
		signal_init(&s, SIGKILL);
		KILLPOINT("delete: killed");
		wait_gone(&s, 10000);
		if (state_pid_alive(&s))
			die("container %s did not stop after SIGKILL", id);
	}
	delete_stopped(rootfd, &s, NULL);
	return 0;
}

/* A failing poststart hook is an error, and the container is stopped
 * (runtime.md, lifecycle step 9); delete follows as usual. */
static void run_poststart(int rootfd, const struct state *s, const struct config *cfg)
{
	char err[300];
	if (!cfg->hooks.poststart.n)
		return;
	char *text = state_json(s, ST_RUNNING, -1);
	if (run_hooks(&cfg->hooks.poststart, "poststart", text, err, sizeof err, -1) < 0) {
		/* and the lifecycle goes on at its delete step: the poststop
		 * hooks run, nothing of the container is left */
		signal_init(s, SIGKILL);
		wait_gone(s, 5000);
		delete_stopped(rootfd, s, cfg); /* (the caller holds the lock) */
		die("%s", err);
	}
	xfree(text);
}

static int cmd_start(int rootfd, const char *id)
{
	struct state s;
	struct config cfg;
	state_open(rootfd, id, &s);
	lock_dir(s.dirfd);
	KILLPOINT("start: locked");
	state_open(rootfd, id, &s);
	if (s.status != ST_CREATED)
		die("cannot start a container that is %s", status_names[s.status]);
	state_load_config(&s, &cfg);
	if (!cfg.has_process) {
		/* the spec's start fails, and the container must not stay
		 * "created" forever: its init goes */
		signal_init(&s, SIGKILL);
		wait_gone(&s, 5000);
		die("cannot start a container that has no process");
	}
	start_created(&s, &cfg);
	run_poststart(rootfd, &s, &cfg);
	return 0;
}

/* $LISTEN_FDS (socket activation), or 0. */
static int listen_fds(void)
{
	const char *lf = getenv("LISTEN_FDS");
	long long n;
	return lf && parse_llong(lf, 1, 1024, &n) == 0 ? (int)n : 0;
}

/*
 * Rootless without ceremony, as crun does it: an unprivileged caller whose
 * config has no user namespace gets one, and a new user namespace without
 * mappings maps the caller's own uid and gid (root's too: size 1) onto
 * process.user's.  ("rootless" also means uid 0 in a user namespace that
 * is not the host's, as podman runs its runtime: that one already has its
 * mappings, and no new namespace is made.)
 */
static void plan_user_namespace(struct config *cfg, bool rootless)
{
	struct linux_cfg *l = &cfg->linux;
	if (rootless && geteuid() != 0 && !((cfg->ns_new | cfg->ns_join) & CLONE_NEWUSER)) {
		warn("non root user need to have an 'user' namespace: one is made, mapping uid %u", (unsigned)geteuid());
		cfg->ns_new |= CLONE_NEWUSER;
	}
	if (!(cfg->ns_new & CLONE_NEWUSER))
		return;
	struct arr *maps[2] = { &l->uid_mappings, &l->gid_mappings };
	int64_t inside[2] = { cfg->process.user.uid.v, cfg->process.user.gid.v };
	for (int k = 0; k < 2; k++) {
		if (maps[k]->n)
			continue;
		int64_t outside = k ? (int64_t)getegid() : (int64_t)geteuid();
		struct idmap *m = xmalloc(sizeof *m);
		m->container_id = (struct num){ cfg->has_process ? inside[k] : 0, true };
		m->host_id = (struct num){ outside, true };
		m->size = (struct num){ 1, true };
		*maps[k] = (struct arr){ m, 1 };
	}
}

static void container_from_opts(struct container *c, struct config *cfg, const char *id, const struct opts *o)
{
	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	c->id = id;
	c->console_socket = o->console_socket;
	c->pid_file = o->pid_file;
	c->rootless = is_rootless(o->rootless);
	c->no_pivot = o->no_pivot;
	c->detach = o->detach;
	c->no_new_keyring = o->no_new_keyring;
	c->preserve_fds = o->preserve_fds;
	c->no_cgroup = o->cgroup_manager && !strcmp(o->cgroup_manager, "disabled");
	plan_user_namespace(cfg, c->rootless);
	/* the caller's own gid as the only mapping: setgroups is denied in
	 * the namespace (write_id_maps), as the kernel requires */
	const struct arr *gm = &cfg->linux.gid_mappings;
	c->groups_denied = c->rootless && (cfg->ns_new & CLONE_NEWUSER) && gm->n == 1 &&
			   ARR_AT(*gm, struct idmap, 0)->size.v == 1 &&
			   ARR_AT(*gm, struct idmap, 0)->host_id.v == getegid();
	c->console_fd = c->tty_master = c->statefd = c->rootfd = c->notify_fd = c->tramp_fd = -1;
	c->self_argv = o->self_argv;
	int n = listen_fds();
	/* socket activation: the LISTEN_FDS descriptors after stdio go to the
	 * container's process, which is pid 1 there (as runc does) */
	if (n && cfg->has_process) {
		if (n > c->preserve_fds)
			c->preserve_fds = (int)n;
		struct strv *env = &cfg->process.env;
		char **v = xmalloc(sizeof(char *) * (size_t)(env->n + 3));
		memcpy(v, env->v, sizeof(char *) * (size_t)env->n);
		v[env->n] = xmalloc(32);
		snprintf(v[env->n], 32, "LISTEN_FDS=%d", n);
		v[env->n + 1] = "LISTEN_PID=1";
		env->v = v;
		env->n += 2;
	}
}

static int cmd_create(int rootfd, const char *id, const struct opts *o)
{
	struct config cfg;
	struct container c;
	cfg_load(&cfg, o->bundle ? o->bundle : ".", o->config_file);
	container_from_opts(&c, &cfg, id, o);
	if (cfg.has_process && cfg.process.terminal && !o->console_socket)
		die("process.terminal needs --console-socket with create");
	create_container(&c, rootfd, NULL);
	return 0;
}

static int cmd_run(int rootfd, const char *id, const struct opts *o)
{
	struct config cfg;
	struct container c;
	cfg_load(&cfg, o->bundle ? o->bundle : ".", o->config_file);
	if (!cfg.has_process)
		die("config.json: process: required to run a container");
	container_from_opts(&c, &cfg, id, o);
	c.foreground = !o->detach;
	if (o->detach && cfg.process.terminal && !o->console_socket)
		die("run --detach with a terminal needs --console-socket");
	int sigfd = c.foreground ? forward_signals(0) : -1;
	struct state s;
	pid_t pid = create_container(&c, rootfd, &s);
	if (o->detach) {
		start_created(&s, &cfg);
	} else {
		g_fwd.pid = pid;
		c.notify_fd = c.notify_dir[0] ? notify_bind(s.dirfd) : -1;
		release_init(c.sync_fd, &cfg, &s);
		g_create.armed = false;
		close(c.sync_fd);
	}
	if (cfg.hooks.poststart.n) {
		lock_dir(s.dirfd);
		run_poststart(rootfd, &s, &cfg);
		flock(s.dirfd, LOCK_UN);
	}
	KILLPOINT("run: poststart hooks run");
	if (o->detach)
		return 0;
	int code = wait_foreground(pid, c.tty_master, sigfd, c.notify_fd, s.dirfd, true);
	KILLPOINT("run: process exited");
	if (o->keep) /* crun's run --keep: the stopped container stays for delete */
		return code;
	lock_dir(s.dirfd);
	delete_stopped(rootfd, &s, &cfg);
	return code;
}

/*
 * list's load of one state, without opening its directory: a directory
 * entry of the state root that is a real directory (not a link: d_type
 * says, or lstat where the file system does not) has its state.json read
 * by path.  A thousand containers are listed in a few thousand syscalls.
 */
static int state_peek(int rootfd, const struct dirent *e, struct state *s)
{
	char path[NAME_MAX + 16], err[300];
	struct stat st;
	size_t len;
	unsigned char type = e->d_type;
	if (type == DT_UNKNOWN && fstatat(rootfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	if (type != DT_DIR || !valid_id(e->d_name))
		return -1;
	memset(s, 0, sizeof *s);
	s->dirfd = -1;
	s->id = e->d_name;
	cat3(path, sizeof path, e->d_name, "/", "");
	char *buf = read_state_file(rootfd, path, &len, err, sizeof err);
	if (!buf) {
		s->status = ST_CREATING;
		return 0;
	}
	if (state_parse(s, buf, len) < 0)
		die("state of %s is corrupt: %s", e->d_name, s->json.err);
	s->id = e->d_name;
	s->status = state_status(s);
	return 0;
}

/* One row of list's table, as printf("%-20s %-8lld %-10s %-40s %-30s
 * %s\n") would write it, without printf (a thousand rows). */
static void list_row(const char *id, long long pid, const char *status, const char *bundle, const char *created,
		     const char *owner)
{
	char num[21], line[PATH_MAX + 512];
	const char *col[] = { id, utoa((unsigned long long)pid, num), status, bundle, created, owner };
	static const unsigned width[] = { 20, 8, 10, 40, 30, 0 };
	size_t k = 0;
	for (size_t c = 0; c < ARRAY_LEN(col); c++) {
		for (const char *q = col[c]; *q && k < sizeof line - 64; q++)
			line[k++] = *q;
		for (size_t w = strlen(col[c]); w < width[c] && k < sizeof line - 64; w++)
			line[k++] = ' ';
		line[k++] = c + 1 < ARRAY_LEN(col) ? ' ' : '\n';
	}
	fwrite(line, 1, k, stdout);
}

static int cmd_list(int rootfd, const struct opts *o)
{
	bool json = o->format && !strcmp(o->format, "json");
	struct jw w = { .indent = -1 };
	DIR *d = fdopendir(dup(rootfd));
	struct dirent *e;

	if (o->format && !json && strcmp(o->format, "table"))
		die("unknown format %s", o->format);
	if (json)
		jw_open(&w, NULL, '[');
	else if (!o->quiet)
		printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	while (d && (e = readdir(d))) {
		struct state s;
		size_t mark = arena_mark();
		if (e->d_name[0] == '.' || state_peek(rootfd, e, &s) < 0 || s.status == ST_CREATING)
			continue;
		long long pid = s.status == ST_STOPPED ? 0 : s.pid.v;
		struct stat st;
		char owner[32];
		/* (the uid create recorded; the state directory's owner for a
		 * state written before it did) */
		if (s.owner && s.owner[0])
			cat3(owner, sizeof owner, s.owner, "", "");
		else
			utoa(fstatat(rootfd, s.id, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_uid : 0u, owner);
		if (o->quiet) {
			printf("%s\n", s.id);
		} else if (json) {
			jw_open(&w, NULL, '{');
			jw_str(&w, "ociVersion", s.oci_version);
			jw_str(&w, "id", s.id);
			jw_int(&w, "pid", pid);
			jw_str(&w, "status", status_names[s.status]);
			jw_str(&w, "bundle", s.bundle);
			jw_str(&w, "created", s.created ? s.created : "");
			jw_str(&w, "owner", owner);
			jw_close(&w, '}');
		} else {
			list_row(s.id, pid, status_names[s.status], s.bundle, s.created ? s.created : "", owner);
		}
		state_free(&s);
		if (!json) /* (the JSON output grows in the arena) */
			arena_release(mark);
	}
	if (d)
		closedir(d);
	if (json) {
		jw_close(&w, ']');
		print_free(w.buf);
	}
	return 0;
}

static int cmd_ps(int rootfd, const char *id, const struct opts *o)
{
	struct state s;
	pid_t pids[4096];
	state_open(rootfd, id, &s);
	if (s.status == ST_STOPPED || s.status == ST_CREATING)
		die("container %s is not running", id);
	struct cgroup cg;
	int n = cg_open(&cg, s.cgroup, false) ? cg_pids(&cg, pids, (int)ARRAY_LEN(pids))
					       : pids_in_container(&s, pids, (int)ARRAY_LEN(pids));
	if (o->format && !strcmp(o->format, "json")) {
		struct jw w = { .indent = -1 };
		jw_open(&w, NULL, '[');
		for (int i = 0; i < n; i++)
			jw_int(&w, NULL, pids[i]);
		jw_close(&w, ']');
		print_free(w.buf);
		return 0;
	}
	printf("%-8s %s\n", "PID", "CMD");
	for (int i = 0; i < n; i++) {
		char path[64], cmd[256];
		snprintf(path, sizeof path, "/proc/%d/comm", (int)pids[i]);
		if (read_file_at(AT_FDCWD, path, cmd, sizeof cmd) < 0)
			continue;
		cmd[strcspn(cmd, "\n")] = 0;
		printf("%-8d %s\n", (int)pids[i], cmd);
	}
	return 0;
}

/* A running container's cgroup, or an error saying why there is none. */
static void open_container_cgroup(struct state *s, struct cgroup *cg, const char *why)
{
	if (s->status == ST_STOPPED || s->status == ST_CREATING)
		die("container %s is not running", s->id);
	if (!cg_open(cg, s->cgroup, true))
		die("%s needs the container's cgroup, and it has none (rootless without a delegated "
		    "cgroup2 subtree, or a host without cgroups)", why);
}

static int cmd_pause(int rootfd, const char *id, bool pause)
{
	struct state s;
	struct cgroup cg;
	state_open(rootfd, id, &s);
	lock_dir(s.dirfd);
	if (pause ? s.status != ST_RUNNING && s.status != ST_CREATED : s.status != ST_PAUSED)
		die("container %s is %s", id, status_names[s.status]);
	open_container_cgroup(&s, &cg, pause ? "pause" : "resume");
	if (cg_freeze(&cg, pause) < 0)
		die_errno("%s: %s", pause ? "freeze" : "thaw",
			  errno == ENOTSUP ? "no freezer on this host" : "the cgroup");
	return 0;
}

/*
 * update: resources from -r FILE (a linux.resources object) or from flags
 * like runc's, applied to the running container's cgroup.
 */
static int cmd_update(int rootfd, const char *id, const struct opts *o)
{
	struct state s;
	struct cgroup cg;
	struct resources_cfg r;
	struct json j;
	memset(&r, 0, sizeof r);
	if (o->resources_file) {
		char err[300];
		size_t len;
		const char *base;
		char *buf = NULL;
		if (!strcmp(o->resources_file, "-")) { /* like runc: stdin */
			buf = xmalloc(CONFIG_MAX_BYTES + 1);
			ssize_t r;
			len = 0;
			while (len < CONFIG_MAX_BYTES && (r = read(0, buf + len, CONFIG_MAX_BYTES - len)) > 0)
				len += (size_t)r;
		} else {
			int AUTOCLOSE dfd = open_parent_dir(o->resources_file, &base);
			buf = dfd < 0 ? NULL : read_config_file(dfd, base, &len, err, sizeof err);
			if (!buf)
				die("resources %s: %s", o->resources_file, dfd < 0 ? strerror(errno) : err);
		}
		struct cfg_parser p = { .j = &j };
		if (json_parse(&j, buf, len) < 0)
			die("resources %s: %s", o->resources_file, j.err);
		if (setjmp(p.fail))
			die("resources %s: %s", o->resources_file, j.err);
		cfg_object(&p, 0, &resources_s, &r);
	}
	const struct { const char *v; void *dst; bool u; } flags[] = {
		{ o->up_memory, &r.memory.limit, false }, { o->up_memory_swap, &r.memory.swap, false },
		{ o->up_memory_reservation, &r.memory.reservation, false }, { o->up_pids, &r.pids.limit, false },
		{ o->up_cpu_quota, &r.cpu.quota, false }, { o->up_cpu_period, &r.cpu.period, true },
		{ o->up_cpu_shares, &r.cpu.shares, true }, { o->up_blkio_weight, &r.block_io.weight, false },
	};
	for (size_t i = 0; i < ARRAY_LEN(flags); i++) {
		long long v;
		if (!flags[i].v)
			continue;
		if (parse_llong(flags[i].v, flags[i].u ? 0 : -1, INT64_MAX, &v) < 0)
			die("update: %s is not a valid number", flags[i].v);
		if (flags[i].u)
			*(struct unum *)flags[i].dst = (struct unum){ (uint64_t)v, true };
		else
			*(struct num *)flags[i].dst = (struct num){ v, true };
	}
	if (o->up_cpus)
		r.cpu.cpus = o->up_cpus;
	if (o->up_mems)
		r.cpu.mems = o->up_mems;
	state_open(rootfd, id, &s);
	lock_dir(s.dirfd);
	open_container_cgroup(&s, &cg, "update");
	if (r.memory.check_before_update.v && r.memory.limit.set && r.memory.limit.v > 0 && cg.layout == CG_V2) {
		char cur[32];
		if (read_value_at(cg.fd[0], "memory.current", cur, sizeof cur) > 0 && atoll(cur) > r.memory.limit.v)
			die("linux.resources.memory.limit: %lld is below the current usage %lld",
			    (long long)r.memory.limit.v, atoll(cur));
	}
	if (cg.layout == CG_V2) {
		cg_apply_v2(&cg, &r);
		return 0;
	}
	if (cg_v1_create(&cg, &r)) { /* a hierarchy the container had no need of until now */
		pid_t pids[4096];
		int n = cg_pids(&cg, pids, (int)ARRAY_LEN(pids));
		for (int i = 0; i < n; i++)
			cg_join(&cg, pids[i]);
	}
	cg_apply_v1(&cg, &r);
	return 0;
}

/* One cgroup file as a number (0 when it is missing). */
static long long cg_read_num(int fd, const char *file)
{
	char buf[64];
	return fd >= 0 && read_file_at(fd, file, buf, sizeof buf) > 0 ? atoll(buf) : 0;
}

/* The value of KEY in a flat "key value" cgroup file such as cpu.stat. */
static long long cg_read_key(int fd, const char *file, const char *key)
{
	char buf[4096];
	size_t n = strlen(key);
	if (fd < 0 || read_file_at(fd, file, buf, sizeof buf) < 0)
		return 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ' ')
			return atoll(l + n + 1);
	return 0;
}

/* events --stats: one stats record, in runc's shape. */
static int cmd_events(int rootfd, const char *id, const struct opts *o)
{
	struct state s;
	struct cgroup cg;
	struct jw w = { .indent = -1 };
	if (!o->stats)
		die("events: only --stats is supported (one record, then exit)");
	state_open(rootfd, id, &s);
	open_container_cgroup(&s, &cg, "events");
	bool v2 = cg.layout == CG_V2;
	int mem = v2 ? cg.fd[0] : cg.fd[cg_ctrl("memory")], cpu = v2 ? cg.fd[0] : cg.fd[cg_ctrl("cpu")];
	int pids = v2 ? cg.fd[0] : cg.fd[cg_ctrl("pids")];
	jw_open(&w, NULL, '{');
	jw_str(&w, "type", "stats");
	jw_str(&w, "id", id);
	jw_open(&w, "data", '{');
	jw_open(&w, "cpu", '{');
	jw_open(&w, "usage", '{');
	jw_int(&w, "total", v2 ? cg_read_key(cpu, "cpu.stat", "usage_usec") * 1000 : cg_read_num(cpu, "cpuacct.usage"));
	jw_int(&w, "user", v2 ? cg_read_key(cpu, "cpu.stat", "user_usec") * 1000 : 0);
	jw_int(&w, "kernel", v2 ? cg_read_key(cpu, "cpu.stat", "system_usec") * 1000 : 0);
	jw_close(&w, '}');
	jw_open(&w, "throttling", '{');
	jw_int(&w, "periods", cg_read_key(cpu, "cpu.stat", "nr_periods"));
	jw_int(&w, "throttled_periods", cg_read_key(cpu, "cpu.stat", "nr_throttled"));
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_open(&w, "memory", '{');
	jw_open(&w, "usage", '{');
	jw_int(&w, "usage", cg_read_num(mem, v2 ? "memory.current" : "memory.usage_in_bytes"));
	jw_int(&w, "max", cg_read_num(mem, v2 ? "memory.peak" : "memory.max_usage_in_bytes"));
	jw_int(&w, "limit", cg_read_num(mem, v2 ? "memory.max" : "memory.limit_in_bytes"));
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_open(&w, "pids", '{');
	jw_int(&w, "current", cg_read_num(pids, "pids.current"));
	jw_int(&w, "limit", cg_read_num(pids, "pids.max"));
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_close(&w, '}');
	print_free(w.buf);
	return 0;
}

/* `spec`: runc's default config, for root or rootless. */
static int cmd_spec(const struct opts *o)
{
	const char *dir = o->bundle ? o->bundle : ".";
	struct jw w = { .indent = 2 };
	int AUTOCLOSE dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool rl = o->spec_rootless;
	char buf[64];

	if (dfd < 0)
		die_errno("bundle %s", dir);
	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersion", OCI_VERSION);
	jw_open(&w, "process", '{');
	jw_bool(&w, "terminal", true);
	jw_open(&w, "user", '{');
	jw_int(&w, "uid", 0);
	jw_int(&w, "gid", 0);
	jw_close(&w, '}');
	jw_strv(&w, "args", (const char *[]){ "sh" }, 1);
	jw_strv(&w, "env", (const char *[]){ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					     "TERM=xterm" }, 2);
	jw_str(&w, "cwd", "/");
	jw_open(&w, "capabilities", '{');
	const char *caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };
	jw_strv(&w, "bounding", caps, 3);
	jw_strv(&w, "effective", caps, 3);
	jw_strv(&w, "permitted", caps, 3);
	jw_close(&w, '}');
	jw_open(&w, "rlimits", '[');
	jw_open(&w, NULL, '{');
	jw_str(&w, "type", "RLIMIT_NOFILE");
	jw_int(&w, "hard", 1024);
	jw_int(&w, "soft", 1024);
	jw_close(&w, '}');
	jw_close(&w, ']');
	jw_bool(&w, "noNewPrivileges", true);
	jw_close(&w, '}');
	jw_open(&w, "root", '{');
	jw_str(&w, "path", "rootfs");
	jw_bool(&w, "readonly", true);
	jw_close(&w, '}');
	jw_str(&w, "hostname", "ocirun");
	jw_open(&w, "mounts", '[');
	static const char *const mounts[][4] = {
		{ "/proc", "proc", "proc", "" },
		{ "/dev", "tmpfs", "tmpfs", "nosuid strictatime mode=755 size=65536k" },
		{ "/dev/pts", "devpts", "devpts", "nosuid noexec newinstance ptmxmode=0666 mode=0620 gid=5" },
		{ "/dev/shm", "tmpfs", "shm", "nosuid noexec nodev mode=1777 size=65536k" },
		{ "/dev/mqueue", "mqueue", "mqueue", "nosuid noexec nodev" },
		{ "/sys", "sysfs", "sysfs", "nosuid noexec nodev ro" },
		{ "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid noexec nodev relatime ro" },
	};
	for (size_t i = 0; i < ARRAY_LEN(mounts); i++) {
		bool sys = !strcmp(mounts[i][1], "sysfs");
		if (rl && !strcmp(mounts[i][1], "cgroup"))
			continue;
		jw_open(&w, NULL, '{');
		jw_str(&w, "destination", mounts[i][0]);
		jw_str(&w, "type", rl && sys ? "none" : mounts[i][1]);
		jw_str(&w, "source", rl && sys ? "/sys" : mounts[i][2]);
		jw_open(&w, "options", '[');
		if (rl && sys)
			jw_str(&w, NULL, "rbind");
		char opts[80];
		snprintf(opts, sizeof opts, "%s", mounts[i][3]);
		for (char *t = strtok(opts, " "); t; t = strtok(NULL, " "))
			if (!(rl && !strcmp(t, "gid=5")))
				jw_str(&w, NULL, t);
		jw_close(&w, ']');
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_open(&w, "linux", '{');
	if (rl) {
		const char *keys[] = { "uidMappings", "gidMappings" };
		for (int k = 0; k < 2; k++) {
			jw_open(&w, keys[k], '[');
			jw_open(&w, NULL, '{');
			jw_int(&w, "containerID", 0);
			jw_int(&w, "hostID", k ? (long long)getegid() : (long long)geteuid());
			jw_int(&w, "size", 1);
			jw_close(&w, '}');
			jw_close(&w, ']');
		}
	}
	jw_open(&w, "namespaces", '[');
	const char *nss[] = { "pid", "network", "ipc", "uts", "mount", rl ? "user" : "cgroup" };
	for (size_t i = 0; i < ARRAY_LEN(nss); i++) {
		jw_open(&w, NULL, '{');
		jw_str(&w, "type", nss[i]);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_strv(&w, "maskedPaths",
		(const char *[]){ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
				  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
				  "/proc/scsi" }, 10);
	jw_strv(&w, "readonlyPaths",
		(const char *[]){ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" }, 5);
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_raw(&w, "\n", 1);
	int fd = openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		die_errno("create %s/config.json", dir);
	if (write_all(fd, w.buf, w.len) < 0)
		die_errno("write %s/config.json", dir);
	close(fd);
	(void)buf;
	xfree(w.buf);
	return 0;
}

/* `features`: exactly what this build does (features.md). */
static int cmd_features(void)
{
	struct jw w = { .indent = 2 };
	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersionMin", "1.0.0");
	jw_str(&w, "ociVersionMax", OCI_VERSION);
	jw_strv(&w, "hooks", (const char *[]){ "prestart", "createRuntime", "createContainer", "startContainer",
					       "poststart", "poststop" }, 6);
	jw_open(&w, "mountOptions", '[');
	for (size_t i = 0; i < ARRAY_LEN(mount_opts); i++)
		jw_str(&w, NULL, mount_opts[i].name);
	jw_close(&w, ']');
	jw_open(&w, "linux", '{');
	jw_strv(&w, "namespaces", (const char *const *)ns_names, 8);
	jw_open(&w, "capabilities", '[');
	for (int i = 0; cap_names[i]; i++)
		jw_str(&w, NULL, cap_names[i]);
	jw_close(&w, ']');
	jw_open(&w, "cgroup", '{');
	jw_bool(&w, "v1", true);
	jw_bool(&w, "v2", true);
	jw_bool(&w, "systemd", false);
	jw_bool(&w, "systemdUser", false);
	jw_bool(&w, "rdma", false);
	jw_close(&w, '}');
	jw_open(&w, "seccomp", '{');
	jw_bool(&w, "enabled", OCIRUN_SECCOMP); /* JSON rules; precompiled always */
	jw_strv(&w, "actions", (const char *const *)scmp_actions, ARRAY_LEN(scmp_actions) - 1);
	jw_strv(&w, "operators", (const char *const *)scmp_ops, ARRAY_LEN(scmp_ops) - 1);
	jw_strv(&w, "archs", (const char *const *)scmp_archs, ARRAY_LEN(scmp_archs) - 1);
	jw_strv(&w, "knownFlags", (const char *const *)scmp_flags, ARRAY_LEN(scmp_flags) - 1);
	jw_strv(&w, "supportedFlags", (const char *const *)scmp_flags, ARRAY_LEN(scmp_flags) - 1);
	jw_close(&w, '}');
	jw_open(&w, "apparmor", '{');
	jw_bool(&w, "enabled", false);
	jw_close(&w, '}');
	jw_open(&w, "selinux", '{');
	jw_bool(&w, "enabled", false);
	jw_close(&w, '}');
	jw_open(&w, "intelRdt", '{');
	jw_bool(&w, "enabled", false);
	jw_close(&w, '}');
	jw_open(&w, "netDevices", '{');
	jw_bool(&w, "enabled", true);
	jw_close(&w, '}');
	jw_open(&w, "mountExtensions", '{');
	jw_open(&w, "idmap", '{');
	jw_bool(&w, "enabled", true);
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_open(&w, "annotations", '{');
	jw_str(&w, "io.github.ocirun.version", OCIRUN_VERSION);
	jw_str(&w, "io.github.ocirun.commit", OCIRUN_COMMIT);
	jw_close(&w, '}');
	jw_close(&w, '}');
	print_free(w.buf);
	return 0;
}

/* === 15. command line ================================================== */

enum { OPT_FLAG, OPT_STR, OPT_INT, OPT_ENV, OPT_CAP, OPT_IGNORE, OPT_IGNORE_ARG };
struct optdef {
	const char *name;  /* long name */
	char shrt;
	int kind;
	size_t off;        /* in struct opts */
};
#define OF(n, s, k, m) { n, s, k, offsetof(struct opts, m) }

/* runc's and crun's global options: podman, conmon, containerd's shim and
 * CRI-O pass these; --criu and --log-level have no meaning here. */
static const struct optdef global_opts[] = {
	OF("root", 0, OPT_STR, root), OF("log", 0, OPT_STR, log), OF("log-format", 0, OPT_STR, log_format),
	OF("rootless", 0, OPT_STR, rootless), { "debug", 0, OPT_IGNORE, 0 },
	OF("cgroup-manager", 0, OPT_STR, cgroup_manager), OF("systemd-cgroup", 0, OPT_FLAG, systemd_cgroup),
	OF("version", 'v', OPT_FLAG, version), { "criu", 0, OPT_IGNORE_ARG, 0 },
	{ "log-level", 0, OPT_IGNORE_ARG, 0 }, { NULL, 0, 0, 0 },
};
static const struct optdef create_opts[] = {
	OF("bundle", 'b', OPT_STR, bundle), OF("pid-file", 0, OPT_STR, pid_file),
	OF("console-socket", 0, OPT_STR, console_socket), OF("preserve-fds", 0, OPT_INT, preserve_fds),
	OF("no-pivot", 0, OPT_FLAG, no_pivot), OF("no-new-keyring", 0, OPT_FLAG, no_new_keyring),
	OF("detach", 'd', OPT_FLAG, detach), OF("keep", 0, OPT_FLAG, keep), { "no-subreaper", 0, OPT_IGNORE, 0 },
	OF("config", 'f', OPT_STR, config_file),
	{ NULL, 0, 0, 0 },
};
static const struct optdef exec_opts_defs[] = {
	OF("process", 'p', OPT_STR, exec.process_file), OF("console-socket", 0, OPT_STR, exec.console_socket),
	OF("pid-file", 0, OPT_STR, exec.pid_file), OF("cwd", 0, OPT_STR, exec.cwd),
	OF("user", 'u', OPT_STR, exec.user), OF("tty", 't', OPT_FLAG, exec.tty),
	OF("detach", 'd', OPT_FLAG, exec.detach), OF("no-new-privs", 0, OPT_FLAG, exec.no_new_privs),
	OF("env", 'e', OPT_ENV, exec), OF("cap", 'c', OPT_CAP, exec),
	OF("preserve-fds", 0, OPT_INT, exec.preserve_fds), { "process-label", 0, OPT_IGNORE_ARG, 0 },
	{ "apparmor", 0, OPT_IGNORE_ARG, 0 }, { "additional-gids", 'g', OPT_IGNORE_ARG, 0 },
	{ "cgroup", 0, OPT_IGNORE_ARG, 0 }, { "ignore-paused", 0, OPT_IGNORE, 0 }, { NULL, 0, 0, 0 },
};
static const struct optdef kill_opts[] = { OF("all", 'a', OPT_FLAG, all), { NULL, 0, 0, 0 } };
static const struct optdef delete_opts[] = { OF("force", 'f', OPT_FLAG, force), { NULL, 0, 0, 0 } };
static const struct optdef list_opts[] = { OF("quiet", 'q', OPT_FLAG, quiet), OF("format", 'f', OPT_STR, format),
					   { NULL, 0, 0, 0 } };
static const struct optdef spec_opts[] = { OF("bundle", 'b', OPT_STR, bundle),
					   OF("rootless", 0, OPT_FLAG, spec_rootless), { NULL, 0, 0, 0 } };
static const struct optdef ps_opts[] = { OF("format", 'f', OPT_STR, format), { NULL, 0, 0, 0 } };
static const struct optdef no_opts[] = { { NULL, 0, 0, 0 } };
static const struct optdef update_opts[] = {
	OF("resources", 'r', OPT_STR, resources_file), OF("memory", 0, OPT_STR, up_memory),
	OF("memory-swap", 0, OPT_STR, up_memory_swap), OF("memory-reservation", 0, OPT_STR, up_memory_reservation),
	OF("pids-limit", 0, OPT_STR, up_pids), OF("cpu-quota", 0, OPT_STR, up_cpu_quota),
	OF("cpu-period", 0, OPT_STR, up_cpu_period), OF("cpu-share", 0, OPT_STR, up_cpu_shares),
	OF("cpuset-cpus", 0, OPT_STR, up_cpus), OF("cpuset-mems", 0, OPT_STR, up_mems),
	OF("blkio-weight", 0, OPT_STR, up_blkio_weight), { NULL, 0, 0, 0 },
};
static const struct optdef events_opts[] = { OF("stats", 0, OPT_FLAG, stats), { "interval", 0, OPT_IGNORE_ARG, 0 },
					     { NULL, 0, 0, 0 } };

static const struct command {
	const char *name;
	const struct optdef *opts;
	int nargs;         /* positional arguments required (-1: id and more) */
	const char *usage;
} commands[] = {
	{ "create", create_opts, 1, "create [-b DIR] [--pid-file F] [--console-socket P] [--preserve-fds N] [--no-pivot] ID" },
	{ "start", no_opts, 1, "start ID" },
	{ "state", no_opts, 1, "state ID" },
	{ "kill", kill_opts, -1, "kill [--all] ID [SIGNAL]" },
	{ "delete", delete_opts, 1, "delete [-f|--force] ID" },
	{ "run", create_opts, 1, "run [-b DIR] [-d] [--pid-file F] [--console-socket P] [--no-pivot] ID" },
	{ "exec", exec_opts_defs, -1, "exec [--process F | -t -d -e K=V --cwd D -u UID[:GID] --cap C --no-new-privs] ID [ARGS...]" },
	{ "list", list_opts, 0, "list [-q] [--format table|json]" },
	{ "ps", ps_opts, 1, "ps [--format table|json] ID" },
	{ "spec", spec_opts, 0, "spec [--rootless] [-b DIR]" },
	{ "features", no_opts, 0, "features" },
	{ "pause", no_opts, 1, "pause ID" },
	{ "resume", no_opts, 1, "resume ID" },
	{ "update", update_opts, 1, "update [-r FILE|-] [--memory N] [--pids-limit N] [--cpu-quota N] ... ID" },
	{ "events", events_opts, 1, "events --stats ID" },
};

static NORETURN void usage(int code)
{
	FILE *f = code ? stderr : stdout;
	fprintf(f, "usage: ocirun [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
		   "              [--rootless auto|true|false] COMMAND [OPTIONS] ...\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\n  -v, --version   print the version\n  -h, --help      this help (also COMMAND --help)\n");
	exit(code);
}

static void version(void)
{
	printf("ocirun version %s\ncommit: %s\nspec: %s\nfeatures: +USERNS +PIVOT_FALLBACK %cSECCOMP "
	       "+SECCOMP_PRECOMPILED +CGROUP_V1 +CGROUP_V2\n",
	       OCIRUN_VERSION, OCIRUN_COMMIT, OCI_VERSION, OCIRUN_SECCOMP ? '+' : '-');
	exit(0);
}

/*
 * Options come before positional arguments, as with runc (what follows
 * the container id of exec is the command, dashes and all).  Both
 * "--opt value" and "--opt=value" are accepted, and "-x value" for the
 * short forms.  Returns the index of the first positional argument.
 */
static int parse_opts(int argc, char **argv, int i, const struct optdef *defs, struct opts *o, const char *cmd)
{
	for (; i < argc; i++) {
		char *a = argv[i], *val = NULL;
		const struct optdef *d = NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			for (size_t k = 0; cmd && k < ARRAY_LEN(commands); k++)
				if (!strcmp(commands[k].name, cmd)) {
					printf("usage: ocirun %s\n", commands[k].usage);
					exit(0);
				}
			usage(0);
		}
		if (a[1] == '-' || (strlen(a) > 2 && a[1] != '-' && !cmd)) {
			char *name = a + (a[1] == '-' ? 2 : 1);
			char *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			for (const struct optdef *x = defs; x->name; x++)
				if (strlen(x->name) == n && !strncmp(x->name, name, n))
					d = x;
			if (eq)
				val = eq + 1;
		} else if (!a[2]) {
			for (const struct optdef *x = defs; x->name; x++)
				if (x->shrt == a[1])
					d = x;
		}
		if (!d) {
			if (!cmd && !strcmp(a, "--debug")) {
				g_err.debug = true;
				continue;
			}
			die("unknown option %s%s%s (see --help)", a, cmd ? " for " : "", cmd ? cmd : "");
		}
		if (!strcmp(d->name, "debug")) {
			g_err.debug = true;
			continue;
		}
		void *dst = (char *)o + d->off;
		if (d->kind == OPT_FLAG || d->kind == OPT_IGNORE) {
			if (d->kind == OPT_FLAG)
				*(bool *)dst = !val || strcmp(val, "false");
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				die("option %s needs a value", a);
			val = argv[++i];
		}
		long long n;
		switch (d->kind) {
		case OPT_STR: *(const char **)dst = val; break;
		case OPT_INT:
			if (parse_llong(val, 0, 65536, &n) < 0)
				die("option %s: %s is not a valid number", a, val);
			*(int *)dst = (int)n;
			break;
		case OPT_ENV:
			if (o->exec.nenv >= (int)ARRAY_LEN(o->exec.env) || !strchr(val, '='))
				die("option %s: %s must be KEY=value", a, val);
			o->exec.env[o->exec.nenv++] = val;
			break;
		case OPT_CAP:
			if (o->exec.ncaps >= (int)ARRAY_LEN(o->exec.caps))
				die("too many --cap options");
			o->exec.caps[o->exec.ncaps++] = val;
			break;
		}
	}
	return i;
}

/*
 * The caller's descriptors as the container gets them.  The
 * --preserve-fds ones stay open across our execs even if the caller made
 * them close-on-exec (as runc passes them).  A closed stdio descriptor,
 * or a hole among the preserved ones, is filled with the host's verified
 * /dev/null, so that no descriptor the runtime opens later can land
 * there and be handed to the container (a hole is close-on-exec: the
 * container sees it closed, as the caller had it).
 */
static void keep_caller_fds(int npreserve)
{
	for (int fd = 3; fd < 3 + npreserve; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			fcntl(fd, F_SETFD, 0);
}

/* Whether fd is closed: poll() reports POLLNVAL for a closed descriptor
 * and asks nothing of an open one, 64 descriptors to a syscall. */
static bool fd_closed(int fd)
{
	static struct pollfd p[64];
	static int base = -1;
	if (base < 0 || fd < base || fd >= base + (int)ARRAY_LEN(p)) {
		base = fd;
		for (size_t i = 0; i < ARRAY_LEN(p); i++)
			p[i] = (struct pollfd){ .fd = fd + (int)i };
		if (poll(p, ARRAY_LEN(p), 0) < 0)
			for (size_t i = 0; i < ARRAY_LEN(p); i++) /* (ENOMEM: ask one by one) */
				p[i].revents = fcntl(fd + (int)i, F_GETFD) < 0 && errno == EBADF ? POLLNVAL : 0;
	}
	return p[fd - base].revents & POLLNVAL;
}

static void fill_fd_holes(int npreserve)
{
	int null = -1;
	for (int fd = 0; fd < 3 + npreserve; fd++) {
		if (!fd_closed(fd))
			continue;
		if (null < 0)
			null = open_host_null(O_RDWR);
		if (null == fd) {
			if (fd < 3)
				fcntl(fd, F_SETFD, 0);
			null = -1;
		} else if (dup3(null, fd, fd < 3 ? 0 : O_CLOEXEC) < 0) {
			die_errno("fill descriptor %d", fd);
		}
	}
	if (null >= 0)
		close(null);
}

/*
 * crun's --cgroup-manager and runc's --systemd-cgroup.  "cgroupfs" is what
 * ocirun always does; "disabled" runs the container without a cgroup
 * (podman --cgroups=disabled).  There is no systemd D-Bus client here:
 * "systemd" on a host that runs systemd uses its cgroup paths
 * (slice:prefix:name) through cgroupfs, and is an error on one without.
 */
static void check_cgroup_manager(struct opts *o)
{
	if (o->systemd_cgroup && !o->cgroup_manager)
		o->cgroup_manager = "systemd";
	if (!o->cgroup_manager || !strcmp(o->cgroup_manager, "cgroupfs") || !strcmp(o->cgroup_manager, "disabled"))
		return;
	if (strcmp(o->cgroup_manager, "systemd"))
		die("--cgroup-manager %s: use cgroupfs, systemd or disabled", o->cgroup_manager);
	if (access("/run/systemd/system", F_OK) < 0)
		die("--cgroup-manager systemd: this host does not run systemd (use cgroupfs or disabled)");
	debug("--cgroup-manager systemd: systemd's cgroup paths, written through cgroupfs");
}

/*
 * runc takes a command's options after its positional arguments too
 * (youki's harness runs "create ID --bundle B --pid-file F"): they are
 * parsed where they stand, and the positional ones gathered from argv[i]
 * on.  Not for exec, whose words after the id are the command to run.
 * Returns the new argc.
 */
static int options_after_id(int argc, char **argv, int i, const struct command *cmd, struct opts *o)
{
	int np = i;
	for (int k = i; k < argc;) {
		if (!strcmp(argv[k], "--")) {
			for (k++; k < argc; k++)
				argv[np++] = argv[k];
			break;
		}
		if (argv[k][0] == '-' && argv[k][1]) {
			k = parse_opts(argc, argv, k, cmd->opts, o, cmd->name);
			continue;
		}
		argv[np++] = argv[k++];
	}
	return np;
}

static int open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		die_errno("open log file %s", path);
	return fd;
}

#if defined(__SANITIZE_ADDRESS__)
/* The runtime lives for one command and leaves its memory to exit(): a
 * leak report at exit would only be noise in the sanitizer builds. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

#ifndef OCIRUN_NO_MAIN
int main(int argc, char **argv)
{
	struct opts o = { .rootless = "auto" };
	const struct command *cmd = NULL;
	/* (option parsing reorders argv) */
	o.self_argv = o.exec.self_argv = xmalloc(((size_t)argc + 1) * sizeof *argv);
	memcpy(o.self_argv, argv, ((size_t)argc + 1) * sizeof *argv);

	int i = parse_opts(argc, argv, 1, global_opts, &o, NULL);
	if (o.version || (i < argc && (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--version"))))
		version();
	if (i >= argc)
		usage(1);
	if (o.log_format) {
		if (strcmp(o.log_format, "json") && strcmp(o.log_format, "text"))
			die("--log-format must be text or json");
		g_err.log_json = !strcmp(o.log_format, "json");
	}
	if (strcmp(o.rootless, "auto") && strcmp(o.rootless, "true") && strcmp(o.rootless, "false"))
		die("--rootless must be auto, true or false");
	check_cgroup_manager(&o);
	for (size_t k = 0; k < ARRAY_LEN(commands); k++)
		if (!strcmp(commands[k].name, argv[i]))
			cmd = &commands[k];
	if (!strcmp(argv[i], "checkpoint") || !strcmp(argv[i], "restore")) {
		set_err_context(argv[i], NULL);
		die("not supported: this runtime has no CRIU support");
	}
	if (!cmd)
		die("unknown command %s (see --help)", argv[i]);
	i = parse_opts(argc, argv, i + 1, cmd->opts, &o, cmd->name);
	if (strcmp(cmd->name, "exec"))
		argc = options_after_id(argc, argv, i, cmd, &o);
	int npos = argc - i;
	const char *id = npos > 0 ? argv[i] : NULL;
	set_err_context(cmd->name, id);
	if ((cmd->nargs >= 0 && npos != cmd->nargs) || (cmd->nargs < 0 && npos < 1))
		die("usage: ocirun %s", cmd->usage);
	bool creates = !strcmp(cmd->name, "create") || !strcmp(cmd->name, "run");
	int npreserve = 0;
	if (creates || !strcmp(cmd->name, "exec")) {
		npreserve = creates ? o.preserve_fds : o.exec.preserve_fds;
		if (creates && listen_fds() > npreserve)
			npreserve = listen_fds();
		keep_caller_fds(npreserve);
	}
	fill_fd_holes(npreserve);
	KILLPOINTS_INIT();
	if (o.log)
		g_err.log_fd = open_log(o.log);
	if (!strcmp(cmd->name, "spec"))
		return cmd_spec(&o);
	if (!strcmp(cmd->name, "features"))
		return cmd_features();
	if (id && !valid_id(id))
		die("invalid container id: use letters, digits and _ + - . only");
	int rootfd = state_open_root(o.root, creates);
	if (rootfd < 0) {
		if (!strcmp(cmd->name, "list"))
			return 0; /* no state directory yet: no containers */
		if (!strcmp(cmd->name, "delete") && o.force)
			return 0;
		die("container %s does not exist", id ? id : "");
	}
	if (!strcmp(cmd->name, "create"))
		return cmd_create(rootfd, id, &o);
	if (!strcmp(cmd->name, "run"))
		return cmd_run(rootfd, id, &o);
	if (!strcmp(cmd->name, "start"))
		return cmd_start(rootfd, id);
	if (!strcmp(cmd->name, "state"))
		return cmd_state(rootfd, id);
	if (!strcmp(cmd->name, "kill"))
		return cmd_kill(rootfd, id, npos > 1 ? argv[i + 1] : NULL, o.all);
	if (!strcmp(cmd->name, "delete"))
		return cmd_delete(rootfd, id, o.force);
	if (!strcmp(cmd->name, "exec")) {
		o.exec.args = argv + i + 1;
		o.exec.nargs = npos - 1;
		return cmd_exec_run(rootfd, id, &o.exec);
	}
	if (!strcmp(cmd->name, "list"))
		return cmd_list(rootfd, &o);
	if (!strcmp(cmd->name, "ps"))
		return cmd_ps(rootfd, id, &o);
	if (!strcmp(cmd->name, "pause") || !strcmp(cmd->name, "resume"))
		return cmd_pause(rootfd, id, !strcmp(cmd->name, "pause"));
	if (!strcmp(cmd->name, "update"))
		return cmd_update(rootfd, id, &o);
	return cmd_events(rootfd, id, &o);
}
#endif
