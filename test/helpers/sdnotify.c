/*
 * sdnotify: both ends of sd_notify(3) for the tests.
 *   sdnotify send MESSAGE      send MESSAGE to $NOTIFY_SOCKET (a datagram)
 *   sdnotify recv PATH SECS    bind PATH, print each message received (one
 *                              line per field) until READY=1 or SECS pass
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof sa->sun_path, "%s", path);
	if (path[0] == '@')
		sa->sun_path[0] = 0;
	return (socklen_t)(sizeof(sa_family_t) + strlen(path) + (path[0] != '@'));
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (argc == 3 && !strcmp(argv[1], "send")) {
		const char *to = getenv("NOTIFY_SOCKET");
		if (!to || fd < 0) {
			fprintf(stderr, "sdnotify: no NOTIFY_SOCKET\n");
			return 1;
		}
		socklen_t len = addr(to, &sa);
		if (sendto(fd, argv[2], strlen(argv[2]), 0, (struct sockaddr *)&sa, len) < 0) {
			perror("sdnotify: sendto");
			return 1;
		}
		return 0;
	}
	if (argc != 4 || strcmp(argv[1], "recv")) {
		fprintf(stderr, "usage: sdnotify send MSG | sdnotify recv PATH SECONDS\n");
		return 2;
	}
	socklen_t len = addr(argv[2], &sa);
	unlink(argv[2]);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0) {
		perror("sdnotify: bind");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	int ms = atoi(argv[3]) * 1000;
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	while (poll(&pf, 1, ms) == 1) {
		char buf[4096];
		ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
		if (n <= 0)
			break;
		buf[n] = 0;
		printf("%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
		fflush(stdout);
		if (strstr(buf, "READY=1"))
			return 0;
	}
	printf("timeout\n");
	return 1;
}
