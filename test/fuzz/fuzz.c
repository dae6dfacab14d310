/*
 * libFuzzer targets for what ocirun reads but did not write itself:
 *
 *   config   config.json through cfg_parse(): the JSON checks, the field
 *            tables and cfg_validate(), then cfg_check_version()
 *   state    state.json through state_parse(); what `state` prints from a
 *            parsed state must be JSON that parses again
 *   seccomp  config.json with a valid linux.seccomp, compiled to BPF by
 *            seccomp_compile() (libseccomp) for this machine when it has
 *            at most 256 argument comparisons; the program must pass
 *            bpf_check().  No filter is ever loaded.
 *
 * One binary; the target is the name it runs as (build/fuzz/config,
 * build/fuzz/state, build/fuzz/seccomp are links to build/fuzz/fuzz), so
 * a crash file is replayed with `build/fuzz/state crash-...`.  Every input
 * is freed whole, so LeakSanitizer stays on.  `make fuzz` builds and runs
 * it (see the Makefile).
 */
/* With OCIRUN_NO_MAIN, the commands and what only they use are unused. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../../runtime.c"

static enum { FUZZ_CONFIG, FUZZ_STATE, FUZZ_SECCOMP } target;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = strrchr((*argv)[0], '/');

	(void)argc;
	name = name ? name + 1 : (*argv)[0];
	if (!strcmp(name, "config"))
		target = FUZZ_CONFIG;
	else if (!strcmp(name, "state"))
		target = FUZZ_STATE;
	else if (!strcmp(name, "seccomp"))
		target = FUZZ_SECCOMP;
	else {
		fprintf(stderr, "%s: run me as config, state or seccomp (a link named so)\n", name);
		exit(2);
	}
	/* unknown capabilities would warn on every other input */
	g_err.quiet = true;
	return 0;
}

static void fuzz_config(char *buf, size_t len)
{
	struct config c;

	memset(&c, 0, sizeof c);
	if (cfg_parse(&c, buf, len) == 0)
		(void)cfg_check_version(c.oci_version);
	cfg_free(&c);
}

/* The writer must escape whatever the reader let through. */
static void check_reparses(char *out)
{
	struct json j;

	if (json_parse(&j, out, strlen(out)) < 0) {
		fprintf(stderr, "state_json wrote invalid JSON (%s):\n%s\n", j.err, out);
		abort();
	}
	json_free(&j);
	free(out);
}

static void fuzz_state(char *buf, size_t len)
{
	struct state s;

	memset(&s, 0, sizeof s);
	s.dirfd = -1;
	if (state_parse(&s, buf, len) == 0) {
		(void)valid_id(s.id);
		check_reparses(state_json(&s, ST_RUNNING, -1));
		check_reparses(state_json(&s, ST_STOPPED, 2));
	}
	state_free(&s);
}

/*
 * libseccomp's compile time grows with about the cube of the argument
 * comparisons (one per syscall name and argument of a rule): 300 take
 * 0.1 s, 600 up to 3.5 s, 1200 take 6 s.  That is known (README,
 * "Fuzzing"); found again as a timeout it would end every long run, so
 * profiles with more are parsed and validated, not compiled.
 */
#define FUZZ_MAX_COMPARISONS 256

static int seccomp_comparisons(const struct seccomp_cfg *sc)
{
	int n = 0;
	for (int i = 0; i < sc->syscalls.n; i++) {
		const struct seccomp_rule_cfg *r = ARR_AT(sc->syscalls, struct seccomp_rule_cfg, i);
		n += r->names.n * r->args.n;
	}
	return n;
}

static void fuzz_seccomp(char *buf, size_t len)
{
	struct config c;
	struct bpf_prog prog;
	char err[300];

	memset(&c, 0, sizeof c);
	if (cfg_parse(&c, buf, len) == 0 && c.linux.has_seccomp &&
	    seccomp_comparisons(&c.linux.seccomp) <= FUZZ_MAX_COMPARISONS &&
	    seccomp_compile(&c.linux.seccomp, 0, &prog, err, sizeof err) == 0) {
		if (bpf_check(prog.insns, prog.len, err, sizeof err) < 0) {
			fprintf(stderr, "seccomp_compile made a bad program: %s\n", err);
			abort();
		}
		(void)bpf_notifies(&prog);
		(void)seccomp_load_flags(&c.linux.seccomp);
		free(prog.insns);
	}
	cfg_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* parsing decodes in place, and the config keeps the buffer; NUL-
	 * terminated like the buffers read_config_file gives the runtime */
	char *buf = malloc(size + 1);

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = 0;
	switch (target) {
	case FUZZ_CONFIG:
		fuzz_config(buf, size);
		break;
	case FUZZ_STATE:
		fuzz_state(buf, size);
		break;
	case FUZZ_SECCOMP:
		fuzz_seccomp(buf, size);
		break;
	}
	return 0;
}
