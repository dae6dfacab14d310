/* ioprio: print the I/O scheduling class and level of this process. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long p = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	if (p < 0) {
		perror("ioprio_get");
		return 1;
	}
	printf("class=%ld level=%ld\n", p >> 13, p & 0xff);
	return 0;
}
