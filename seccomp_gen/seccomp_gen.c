/*
 * seccomp_gen: compile an OCI seccomp profile to the raw BPF program that
 * ocirun would load for it, on the build host, for any target arch.
 *
 *   seccomp_gen [--arch ARCH] PROFILE.json -o OUT.bpf
 *
 * PROFILE is a linux.seccomp object or a whole config.json.  The device
 * then runs an ocirun built without libseccomp (make SECCOMP=precompiled)
 * and names OUT.bpf in the io.github.ocirun.seccomp-bpf annotation.
 *
 * It includes the runtime itself, so the profile is validated and
 * compiled by the very functions the runtime uses: the bytes are the same.
 */
/* the runtime's command-line functions are unused here */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../runtime.c"

static NORETURN void gen_usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: seccomp_gen [--arch ARCH] PROFILE.json -o OUT.bpf\n"
		"  ARCH: x86_64 (amd64), aarch64 (arm64), arm (armhf), mipsel, mips, riscv64, x86, ...;\n"
		"        default: this machine's\n");
	exit(code);
}

/* Debian's architecture names where they differ from libseccomp's. */
static uint32_t gen_arch(const char *name)
{
	static const char *const alias[][2] = { { "amd64", "x86_64" }, { "arm64", "aarch64" },
						{ "armhf", "arm" }, { "armel", "arm" },
						{ "i386", "x86" }, { "ppc64el", "ppc64le" } };
	for (size_t i = 0; i < ARRAY_LEN(alias); i++)
		if (!strcmp(name, alias[i][0]))
			name = alias[i][1];
	uint32_t t = seccomp_arch_resolve_name(name);
	if (!t)
		die("unknown architecture %s", name);
	return t;
}

int main(int argc, char **argv)
{
	/* volatile: read after the parser's longjmp */
	const char *volatile in = NULL, *volatile out = NULL;
	volatile uint32_t arch = 0;
	char err[300];
	size_t len;

	set_err_context("seccomp_gen", NULL);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			gen_usage(0);
		else if (!strcmp(argv[i], "--arch") && i + 1 < argc)
			arch = gen_arch(argv[++i]);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] != '-' && !in)
			in = argv[i];
		else
			gen_usage(2);
	}
	if (!in || !out)
		gen_usage(2);

	char *buf = read_config_file(AT_FDCWD, in, &len, err, sizeof err);
	if (!buf)
		die("%s", err);
	struct config cfg;
	memset(&cfg, 0, sizeof cfg);
	struct json *j = &cfg.json;
	if (json_parse(j, buf, len) < 0)
		die("%s: %s", in, j->err);
	bool profile = false;
	for (int i = 1; j->tok[0].type == JSMN_OBJECT && i < j->ntok; i = json_next(j, i + 1))
		profile |= json_keyeq(j, i, "defaultAction");
	struct seccomp_cfg *sc = &cfg.linux.seccomp;
	if (profile) { /* a bare linux.seccomp object */
		struct cfg_parser p = { .j = j };
		if (setjmp(p.fail))
			die("%s: %s", in, j->err);
		cfg_object(&p, 0, &seccomp_s, sc);
		if (seccomp_validate(sc, err, sizeof err) < 0)
			die("%s: %s", in, err);
	} else {
		memset(&cfg, 0, sizeof cfg);
		char *again = read_config_file(AT_FDCWD, in, &len, err, sizeof err);
		if (!again || cfg_parse(&cfg, again, len) < 0)
			die("%s: %s", in, again ? cfg.json.err : err);
		if (!cfg.linux.has_seccomp)
			die("%s: no linux.seccomp section", in);
	}
	struct bpf_prog prog;
	if (seccomp_compile(sc, arch, &prog, err, sizeof err) < 0)
		die("%s: %s", in, err);
	size_t bytes = prog.len * sizeof(struct sock_filter);
	if (!strcmp(out, "-")) {
		if (write_all(1, prog.insns, bytes) < 0)
			die_errno("write");
		return 0;
	}
	const char *base;
	int dfd = open_parent_dir(out, &base);
	if (dfd < 0 || atomic_write_at(dfd, base, (const char *)prog.insns, bytes, 0644) < 0)
		die_errno("write %s", out);
	return 0;
}
