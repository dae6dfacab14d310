/*
 * pairtime [-n RUNS] [-w WARMUP] NAME=COMMAND...: the benchmarks' clock.
 * Each round runs every command once, in an order that rotates from round
 * to round (so that none always runs first, or after the same neighbour);
 * the commands are split on spaces and run without a shell, stdio on
 * /dev/null.  For each it prints one line
 *
 *     NAME median_ms p10_ms p90_ms max_rss_kib ratio
 *
 * where ratio is the median over the rounds of its time divided by the
 * first command's time in the same round (a paired ratio: what disturbs a
 * round disturbs both), 1 for the first.  A command that fails stops it
 * (exit 1), naming the command.  Nothing here judges the figures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD 8
#define MAXARG 32
#define MAXRUN 1000

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double quantile(double *v, int n, double q)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[(int)(q * (n - 1) + 0.5)];
}

/* One run of argv; its time in ms, its max RSS in *rss; -1 if it failed. */
static double run_once(char **argv, long *rss)
{
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
		return -1;
	double t = now_ms() - t0;
	if (ru.ru_maxrss > *rss)
		*rss = ru.ru_maxrss;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : -1;
}

int main(int argc, char **argv)
{
	static double t[MAXCMD][MAXRUN], r[MAXCMD][MAXRUN];
	static char *args[MAXCMD][MAXARG + 1];
	const char *name[MAXCMD];
	long rss[MAXCMD] = { 0 };
	int runs = 30, warm = 3, n = 0, opt;

	while ((opt = getopt(argc, argv, "n:w:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'w')
			warm = atoi(optarg);
		else
			return 2;
	}
	if (runs < 1 || runs > MAXRUN || warm < 0 || optind >= argc || argc - optind > MAXCMD) {
		fprintf(stderr, "usage: pairtime [-n RUNS (<= %d)] [-w WARMUP] NAME=COMMAND... (<= %d)\n", MAXRUN,
			MAXCMD);
		return 2;
	}
	for (int i = optind; i < argc; i++, n++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "pairtime: %s: not NAME=COMMAND\n", argv[i]);
			return 2;
		}
		*eq = 0;
		name[n] = argv[i];
		int k = 0;
		for (char *w = strtok(eq + 1, " "); w && k < MAXARG; w = strtok(NULL, " "))
			args[n][k++] = w;
		args[n][k] = NULL;
		if (!k)
			return 2;
	}
	for (int round = 0; round < warm + runs; round++) {
		double one[MAXCMD];
		for (int j = 0; j < n; j++) {
			int c = (j + round) % n;
			if ((one[c] = run_once(args[c], &rss[c])) < 0) {
				fprintf(stderr, "pairtime: %s failed (%s)\n", name[c], args[c][0]);
				return 1;
			}
		}
		if (round < warm)
			continue;
		for (int c = 0; c < n; c++) {
			t[c][round - warm] = one[c];
			r[c][round - warm] = one[c] / one[0];
		}
	}
	for (int c = 0; c < n; c++) {
		double ratio = quantile(r[c], runs, 0.5);
		printf("%s %.3f %.3f %.3f %ld %.3f\n", name[c], quantile(t[c], runs, 0.5), quantile(t[c], runs, 0.1),
		       quantile(t[c], runs, 0.9), rss[c], ratio);
	}
	return 0;
}
