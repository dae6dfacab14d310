/* nop: the smallest container process, so that a benchmark measures the
 * runtime and not the program it starts.  "nop wait" waits forever (a
 * container to exec into). */
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argv;
	while (argc > 1)
		pause();
	return 0;
}
