/*
 * recvtty - test helper for --console-socket.
 *
 * Usage: recvtty [-t SECONDS] [-w STRING] [-p PIDFILE] SOCKET_PATH
 *
 * Listens on the unix stream socket SOCKET_PATH (which must not exist),
 * accepts one connection, receives one file descriptor (the pty master)
 * sent with SCM_RIGHTS, optionally writes STRING to it, then copies
 * everything readable from the master to stdout until EOF/EIO or until
 * SECONDS (default 10) have passed since start.
 *
 * Exit status: 0 = got a fd and reached EOF/EIO, 3 = timed out after a
 * fd was received (output so far was copied), 2 = no fd received
 * (timeout or bad message), 1 = usage / system error.
 * The socket file is removed before exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

static const char *sock_path;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(long long deadline)
{
	long long r = deadline - now_ms();
	if (r < 0)
		return 0;
	if (r > 1000000)
		return 1000000;
	return (int)r;
}

static void die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	if (sock_path)
		unlink(sock_path);
	exit(1);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int timeout_s = 10, opt;
	const char *to_write = NULL, *pidfile = NULL;

	while ((opt = getopt(argc, argv, "t:w:p:")) != -1) {
		switch (opt) {
		case 't':
			timeout_s = atoi(optarg);
			break;
		case 'w':
			to_write = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: recvtty [-t SECONDS] [-w STRING] [-p PIDFILE] SOCKET\n");
			return 1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: recvtty [-t SECONDS] [-w STRING] [-p PIDFILE] SOCKET\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	long long deadline = now_ms() + (long long)timeout_s * 1000;

	struct sockaddr_un addr;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (strlen(argv[optind]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "recvtty: socket path too long\n");
		return 1;
	}
	strcpy(addr.sun_path, argv[optind]);

	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	sock_path = argv[optind];
	/* let an unprivileged runtime connect to a socket made by root */
	chmod(sock_path, 0777);
	if (listen(lfd, 1) < 0)
		die("listen");
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}

	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int r;
	do
		r = poll(&pfd, 1, remaining_ms(deadline));
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		fprintf(stderr, "recvtty: timed out waiting for a connection\n");
		unlink(sock_path);
		return 2;
	}
	int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0)
		die("accept");
	close(lfd);
	unlink(sock_path);
	sock_path = NULL;

	/* wait for the message */
	pfd.fd = cfd;
	pfd.events = POLLIN;
	do
		r = poll(&pfd, 1, remaining_ms(deadline));
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		fprintf(stderr, "recvtty: timed out waiting for the fd\n");
		return 2;
	}

	char data[4096];
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg;
	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	ssize_t n;
	do
		n = recvmsg(cfd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("recvmsg");

	int master = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&master, CMSG_DATA(c), sizeof(int));
			break;
		}
	}
	close(cfd);
	if (master < 0) {
		fprintf(stderr, "recvtty: no file descriptor in the message\n");
		return 2;
	}

	if (to_write && write_all(master, to_write, strlen(to_write)) < 0)
		die("write to master");

	char buf[4096];
	for (;;) {
		int ms = remaining_ms(deadline);
		if (ms == 0) {
			fprintf(stderr, "recvtty: timed out reading the terminal\n");
			return 3;
		}
		pfd.fd = master;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (r == 0)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EIO)
				break; /* all slave fds closed */
			die("read");
		}
		if (n == 0)
			break;
		if (write_all(1, buf, (size_t)n) < 0)
			die("write");
	}
	return 0;
}
