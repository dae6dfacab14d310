/* nop: the smallest container process, so that a benchmark measures the
 * runtime and not the program it starts. */
int main(void)
{
	return 0;
}
