/*
 * sdnotify - test helper for the sd_notify protocol (podman --sdnotify).
 *
 * Usage: sdnotify send MESSAGE
 *            send MESSAGE (e.g. "READY=1") as one datagram to the unix
 *            socket named by $NOTIFY_SOCKET ("@name" = abstract); exits 0
 *            if it was sent, 1 otherwise (the reason on stderr).
 *        sdnotify listen [-t SECONDS] [-p PIDFILE] SOCKET_PATH
 *            bind a unix datagram socket at SOCKET_PATH (which must not
 *            exist; mode 0777 so that a container's user can send), print
 *            every datagram received on its own line (newlines inside a
 *            message are kept: the protocol uses them between fields),
 *            flush, and exit 0 after one that contains "READY=1", or 2
 *            when SECONDS (default 30) passed first.  -p writes our pid
 *            once the socket is bound.  The socket is removed before exit.
 *
 * Static and without libc extras, so that it runs in a busybox container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int addr_of(const char *path, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(path);
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof sa->sun_path)
		return -1;
	memcpy(sa->sun_path, path, n);
	if (path[0] == '@')
		sa->sun_path[0] = 0;
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
	return 0;
}

static const char *sock_path;
static void on_term(int sig)
{
	(void)sig;
	if (sock_path)
		unlink(sock_path);
	_exit(2);
}

static int do_send(const char *msg)
{
	const char *p = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	if (!p || !*p) {
		fprintf(stderr, "sdnotify: NOTIFY_SOCKET is not set\n");
		return 1;
	}
	if (addr_of(p, &sa, &len) < 0) {
		fprintf(stderr, "sdnotify: bad NOTIFY_SOCKET %s\n", p);
		return 1;
	}
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, len) < 0) {
		fprintf(stderr, "sdnotify: send to %s: %s\n", p, strerror(errno));
		return 1;
	}
	return 0;
}

static int do_listen(int argc, char **argv)
{
	int secs = 30, opt;
	const char *pidfile = NULL;
	while ((opt = getopt(argc, argv, "t:p:")) != -1) {
		if (opt == 't')
			secs = atoi(optarg);
		else if (opt == 'p')
			pidfile = optarg;
		else
			return 1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: sdnotify listen [-t SECONDS] [-p PIDFILE] SOCKET_PATH\n");
		return 1;
	}
	struct sockaddr_un sa;
	socklen_t len;
	if (addr_of(argv[optind], &sa, &len) < 0) {
		fprintf(stderr, "sdnotify: bad socket path\n");
		return 1;
	}
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0) {
		fprintf(stderr, "sdnotify: bind %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (argv[optind][0] != '@') {
		sock_path = argv[optind];
		chmod(sock_path, 0777);
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int rc = 2;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = secs * 1000L - ((now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0)
			break;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		char buf[4096];
		ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
		if (n < 0)
			continue;
		buf[n] = 0;
		printf("%s\n", buf);
		fflush(stdout);
		if (strstr(buf, "READY=1")) {
			rc = 0;
			break;
		}
	}
	if (sock_path)
		unlink(sock_path);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "send"))
		return do_send(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "listen"))
		return do_listen(argc - 1, argv + 1);
	fprintf(stderr, "usage: sdnotify send MESSAGE | sdnotify listen [-t SECONDS] [-p PIDFILE] SOCKET_PATH\n");
	return 1;
}
