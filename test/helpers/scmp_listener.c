/*
 * scmp_listener SOCKET REPLY_ERRNO: a seccomp agent for one container.
 * It accepts one connection on SOCKET, prints the container process state
 * it receives (one line of JSON), then answers the first notification it
 * gets on the passed descriptor by failing that syscall with REPLY_ERRNO,
 * and prints "answered SYSCALL_NR".  Exits after one answer or 20 s.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/seccomp.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: scmp_listener SOCKET REPLY_ERRNO\n");
		return 2;
	}
	alarm(20);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 1) < 0) {
		perror("scmp_listener: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	int c = accept(ls, NULL, NULL);
	char buf[8192], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	ssize_t n = c < 0 ? -1 : recvmsg(c, &mh, 0);
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "scmp_listener: no descriptor received\n");
		return 1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	buf[n] = 0;
	printf("%s\n", buf);
	fflush(stdout);
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof req);
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		perror("scmp_listener: receive notification");
		return 1;
	}
	memset(&resp, 0, sizeof resp);
	resp.id = req.id;
	resp.error = -atoi(argv[2]);
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
		perror("scmp_listener: answer");
		return 1;
	}
	printf("answered %d\n", req.data.nr);
	return 0;
}
