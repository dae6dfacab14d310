/*
 * Unit tests for ocirun: the JSON reader, config.json parsing and
 * validation, config file reading, ids, signals, the rootfs resolver and
 * state.json parsing.
 *
 * Built by `make test/unit` into build/unit (glibc, ASan + UBSan); run it
 * from the repository root.  One line per test ("ok NAME", "FAIL NAME:
 * why", "SKIP NAME: why"), then "N passed, N failed, N skipped"; the exit
 * status is non-zero if a test failed.
 *
 * The runtime is included whole so that its static functions can be
 * called directly.  Configs are written below with ' for ", which keeps
 * them readable; RAW() marks the few documents that must be taken byte
 * for byte.  Config buffers are allocated with exactly the document's
 * length, so that ASan catches a read past the end.
 */
/* With OCIRUN_NO_MAIN, the commands and what only they use are unused. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../runtime.c"

#include <ftw.h>
#include <sys/time.h>

/* === harness ============================================================ */

static struct {
	const char *name;   /* the running test */
	bool failed, skipped;
	char why[768];
	int passed, nfailed, nskipped;
} T;

static void config_free(void);

static void begin(const char *name)
{
	T.name = name;
	T.failed = T.skipped = false;
	T.why[0] = 0;
	alarm(5);  /* the watchdog: a hanging test fails, the run goes on no further */
}

static void end(void)
{
	alarm(0);
	config_free();
	if (T.failed) {
		printf("FAIL %s: %s\n", T.name, T.why);
		T.nfailed++;
	} else if (T.skipped) {
		printf("SKIP %s: %s\n", T.name, T.why);
		T.nskipped++;
	} else {
		printf("ok %s\n", T.name);
		T.passed++;
	}
	T.name = NULL;
}

/* Records the first failure of the running test. */
static PRINTF(2, 3) void fail_at(int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (T.failed)
		return;
	T.failed = true;
	n = snprintf(T.why, sizeof T.why, "line %d: ", line);
	va_start(ap, fmt);
	vsnprintf(T.why + n, sizeof T.why - (size_t)n, fmt, ap);
	va_end(ap);
}

static PRINTF(1, 2) void skip(const char *fmt, ...)
{
	va_list ap;

	T.skipped = true;
	va_start(ap, fmt);
	vsnprintf(T.why, sizeof T.why, fmt, ap);
	va_end(ap);
}

/* CHECK(cond, "printf-style reason"): on failure, record it and return. */
#define CHECK(cond, ...)                                 \
	do {                                             \
		if (!(cond)) {                           \
			fail_at(__LINE__, __VA_ARGS__);  \
			return;                          \
		}                                        \
	} while (0)
#define CHECK_CONTAINS(text, part)                                                          \
	CHECK(strstr((text), (part)), "expected \"%s\" in \"%s\"", (part), (text))
#define CHECK_STREQ(got, want)                                                              \
	CHECK(!strcmp((got), (want)), "got \"%s\", want \"%s\"", (got), (want))
#define CHECK_INTEQ(got, want)                                                              \
	CHECK((long long)(got) == (long long)(want), "%s is %lld, want %lld", #got,          \
	      (long long)(got), (long long)(want))

static void run(const char *name, void (*fn)(void))
{
	begin(name);
	fn();
	end();
}

static void put_num(int fd, int v)
{
	char b[16];
	int k = sizeof b;
	do
		b[--k] = (char)('0' + v % 10);
	while ((v /= 10) && k > 0);
	(void)!write(fd, b + k, sizeof b - (size_t)k);
}

/* SIGALRM: the running test hung.  Report it and the totals, and stop. */
static void on_watchdog(int sig)
{
	static const char sum[] = " passed, ";
	(void)sig;
	(void)!write(1, "FAIL ", 5);
	if (T.name)
		(void)!write(1, T.name, strlen(T.name));
	(void)!write(1, ": timed out after 5 s\n", 22);
	put_num(1, T.passed);
	(void)!write(1, sum, sizeof sum - 1);
	put_num(1, T.nfailed + 1);
	(void)!write(1, " failed, ", 9);
	put_num(1, T.nskipped);
	(void)!write(1, " skipped\n", 9);
	_exit(1);
}

/* === config helpers ===================================================== */

/* The config a test parsed; freed after the test (end()). */
static struct config cfg;
static bool cfg_used;

/* Everything cfg_parse() allocated, and the document. */
static void config_free(void)
{
	if (!cfg_used)
		return;
	cfg_free(&cfg);
	cfg_used = false;
}

/* UNIT_SEED_DIR=DIR: each document a test parses is also written to
 * DIR/KIND/unit-N.json, as seeds for the fuzz targets (test/fuzz/seeds.sh). */
static void save_seed(const char *kind, const char *bytes, size_t len)
{
	static int n;
	const char *dir = getenv("UNIT_SEED_DIR");
	char path[PATH_MAX];

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof path, "%s/%s/unit-%04d.json", dir, kind, n++);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write_all(fd, bytes, len);
		close(fd);
	}
}

/* Parse exactly len bytes (copied into a buffer of exactly that size). */
static int parse_raw(const char *bytes, size_t len)
{
	save_seed("config", bytes, len);
	config_free();
	char *buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, bytes, len);
	memset(&cfg, 0, sizeof cfg);
	cfg_used = true;
	return cfg_parse(&cfg, buf, len);
}

/* Parse a document written with ' for ". */
static int parse_sq(const char *text)
{
	size_t len = strlen(text);
	char *doc = strdup(text);
	if (!doc)
		abort();
	for (char *p = doc; *p; p++)
		if (*p == '\'')
			*p = '"';
	int r = parse_raw(doc, len);
	free(doc);
	return r;
}

/* A growing string for generated documents. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static PRINTF(2, 3) void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Run fn with stderr sent to a file; returns what it wrote (malloc'd). */
static char *capture_stderr(int (*fn)(const char *), const char *arg, int *ret)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	char *out = calloc(1, 4096);

	if (!tmp || saved < 0 || !out)
		abort();
	fflush(stderr);
	dup2(fileno(tmp), 2);
	*ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, 4095, tmp);
	out[n] = 0;
	fclose(tmp);
	return out;
}

/* === 1. the runtime-spec's own test configs ============================= */

static char spec_dir[PATH_MAX + 64];

/* $SPEC_DIR, else ../shared/spec from the repository root (the current
 * directory, or two levels above build/unit). */
static const char *find_spec_dir(void)
{
	const char *env = getenv("SPEC_DIR");
	char exe[PATH_MAX], try[PATH_MAX + 64];
	struct stat st;

	if (env && *env) {
		snprintf(spec_dir, sizeof spec_dir, "%s", env);
		return spec_dir;
	}
	if (stat("../shared/spec/schema/test/config", &st) == 0) {
		snprintf(spec_dir, sizeof spec_dir, "../shared/spec");
		return spec_dir;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(try, sizeof try, "%s/../../shared/spec", exe);
			snprintf(spec_dir, sizeof spec_dir, "%s", try);
			strcat(try, "/schema/test/config");
			if (stat(try, &st) == 0)
				return spec_dir;
		}
	}
	snprintf(spec_dir, sizeof spec_dir, "../shared/spec");
	return spec_dir;
}

/* What each known bad/ file must produce: a substring of the error, or
 * NULL when the file is not a Linux config and must be accepted.  A bad/
 * file not listed must be refused with "invalid JSON" or "<path>: ". */
struct spec_expect {
	const char *file, *want;
};
static const struct spec_expect spec_bad[] = {
	{ "invalid-json.json", "invalid JSON" },
	{ "linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize" },
	{ "linux-netdevice.json", "linux.netDevices.eth0.name" },
	{ "linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles" },
	/* a section for another platform is ignored on Linux */
	{ "freebsd-vnet-disable.json", NULL },
};

/*
 * good/ files are all accepted.  Configs of other platforms that set a
 * hostname parse (they have no linux section); create refuses them for
 * want of a mount namespace, so a host is never renamed.
 */
static const struct spec_expect spec_good_refused[1];

static const char *const other_platforms[] = { "freebsd-", "solaris-", "windows-", "vm-", "zos-" };

static int select_json(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

static const struct spec_expect *lookup(const struct spec_expect *t, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].file, file))
			return &t[i];
	return NULL;
}

/* One spec file: good/ ones are accepted, bad/ ones refused naming their
 * path, both unless the tables above say otherwise. */
static void check_spec_file(int dirfd, const char *kind, const char *file)
{
	bool good = !strcmp(kind, "good");
	const struct spec_expect *e = good ? lookup(spec_good_refused, 0, file)
					   : lookup(spec_bad, ARRAY_LEN(spec_bad), file);
	const char *want = e ? e->want : good ? NULL : ": ";  /* NULL: must be accepted */
	bool other = false;
	char name[NAME_MAX + 100], err[300];
	size_t len;

	for (size_t p = 0; p < ARRAY_LEN(other_platforms); p++)
		other |= !strncmp(file, other_platforms[p], strlen(other_platforms[p]));
	if (good && e)
		snprintf(name, sizeof name, "spec good/%s is refused only for its hostname without uts", file);
	else
		snprintf(name, sizeof name, "spec %s/%s is %s", kind, file, want ? "rejected" : "accepted");
	begin(name);
	char *buf = read_config_file(dirfd, file, &len, err, sizeof err);
	if (!buf) {
		fail_at(__LINE__, "%s", err);
		end();
		return;
	}
	cfg_used = true;
	int r = cfg_parse(&cfg, buf, len);
	if (!want) {
		if (r != 0)
			fail_at(__LINE__, "refused: %s", cfg.json.err);
	} else if (!e && other) {
		skip("not a Linux config and not in the expectation table (got: %s)", r ? cfg.json.err : "accepted");
	} else if (r == 0) {
		fail_at(__LINE__, "accepted");
	} else if (!strstr(cfg.json.err, want) && !(!e && strstr(cfg.json.err, "invalid JSON"))) {
		fail_at(__LINE__, "expected \"%s\" in \"%s\"", want, cfg.json.err);
	}
	end();
}

static void spec_configs(const char *kind)
{
	char dir[sizeof spec_dir + 64], name[64];
	struct dirent **list;

	snprintf(dir, sizeof dir, "%s/schema/test/config/%s", find_spec_dir(), kind);
	int n = scandir(dir, &list, select_json, alphasort);
	int dfd = n < 0 ? -1 : open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(name, sizeof name, "spec %s configs", kind);
		begin(name);
		skip("%s: %s (set SPEC_DIR to the runtime-spec checkout)", dir, strerror(errno));
		end();
	}
	for (int i = 0; i < n; i++) {
		if (dfd >= 0)
			check_spec_file(dfd, kind, list[i]->d_name);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	if (dfd >= 0)
		close(dfd);
}

/* === 2. documents that must be refused ================================== */

/* A process that passes validation, for tests that change one thing. */
#define PROC "'cwd':'/','args':['sh']"
#define USERNS "'linux':{'namespaces':[{'type':'user'}]," \
	       "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]," \
	       "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}"

struct bad_case {
	const char *name;
	const char *doc;   /* ' stands for " unless len is set */
	size_t len;        /* raw bytes, taken as they are */
	const char *want[3];
};
#define RAW(s) s, sizeof(s) - 1

static const struct bad_case bad_json[] = {
	/* grammar */
	{ "refuses a truncated document", "{'ociVersion':'1.0.0'", 0,
	  { "invalid JSON", "truncated document" } },
	{ "refuses a document truncated inside a string", "{'ociVersion':'1.0", 0,
	  { "invalid JSON", "truncated document" } },
	{ "refuses an empty document", "", 0, { "invalid JSON" } },
	{ "refuses trailing data after the top-level object", "{'a':1}{}", 0,
	  { "invalid JSON at line 1 column 8", "trailing data" } },
	{ "refuses trailing garbage after the top-level object", "{'a':1} x", 0, { "invalid JSON" } },
	{ "refuses a // comment", "// comment\n{'ociVersion':'1.0.0'}", 0, { "invalid JSON" } },
	{ "refuses a /* */ comment", "{/* c */'ociVersion':'1.0.0'}", 0, { "invalid JSON" } },
	{ "refuses single-quoted strings", RAW("{'ociVersion':'1.0.0'}"), { "invalid JSON" } },
	{ "refuses a missing comma between members", "{'a':1 'b':2}", 0,
	  { "invalid JSON at line 1 column 8", "expected '}'" } },
	{ "refuses a missing comma between array elements", "{'a':[1 2]}", 0,
	  { "invalid JSON at line 1 column 9", "expected ','" } },
	{ "refuses a missing colon", "{'a' 1}", 0, { "invalid JSON" } },
	{ "refuses a missing colon between strings", "{'a' 'b'}", 0,
	  { "invalid JSON at line 1 column 6", "expected ':'" } },
	{ "refuses a missing value", "{'a':,'b':1}", 0, { "invalid JSON" } },
	{ "refuses a trailing comma in an object", "{'a':1,}", 0, { "invalid JSON", "expected '}'" } },
	{ "refuses a trailing comma in an array", "{'a':[1,]}", 0, { "invalid JSON", "expected ']'" } },
	{ "refuses a leading comma in an array", "{'a':[,1]}", 0, { "invalid JSON" } },
	{ "refuses a number with a leading zero", "{'a':01}", 0, { "invalid JSON", "invalid number" } },
	{ "refuses a negative number with a leading zero", "{'a':-01}", 0,
	  { "invalid JSON", "invalid number" } },
	{ "refuses a number ending in a dot", "{'a':1.}", 0, { "invalid JSON", "invalid number" } },
	{ "refuses a number starting with a dot", "{'a':.5}", 0, { "invalid JSON" } },
	{ "refuses a number with a plus sign", "{'a':+1}", 0, { "invalid JSON" } },
	{ "refuses an exponent without digits", "{'a':1e}", 0, { "invalid JSON", "invalid number" } },
	{ "refuses a lone minus", "{'a':-}", 0, { "invalid JSON" } },
	{ "refuses NaN", "{'a':NaN}", 0, { "invalid JSON" } },
	{ "refuses Infinity", "{'a':Infinity}", 0, { "invalid JSON" } },
	{ "refuses -Infinity", "{'a':-Infinity}", 0, { "invalid JSON" } },
	{ "refuses the misspelt literal tru", "{'a':tru}", 0, { "invalid JSON", "invalid literal" } },
	{ "refuses the literal True", "{'a':True}", 0, { "invalid JSON" } },
	{ "refuses a literal with trailing letters", "{'a':nullx}", 0, { "invalid JSON", "invalid literal" } },
	{ "refuses a non-string key", "{1:2}", 0, { "invalid JSON" } },
	{ "refuses a bare top-level string", "'a'", 0, { "must be an object" } },
	{ "refuses a top-level array", "[]", 0, { "the top-level value must be an object" } },
	{ "refuses a form feed between tokens", "{\f'a':1}", 0, { "invalid JSON" } },
	{ "refuses a byte-order mark", RAW("\xef\xbb\xbf{\"ociVersion\":\"1.0.0\"}"), { "invalid JSON" } },
	/* strings */
	{ "refuses a raw tab in a string", "{'a':'x\ty'}", 0,
	  { "invalid JSON at line 1 column 8", "control character in string" } },
	{ "refuses a raw newline in a string", "{'a':'x\ny'}", 0, { "control character in string" } },
	{ "refuses a raw control character in a key", "{'a\x01':1}", 0, { "control character in string" } },
	{ "refuses the escape \\x", "{'a':'\\x41'}", 0, { "invalid JSON" } },
	{ "refuses the escape \\u12", "{'a':'\\u12'}", 0, { "invalid JSON" } },
	{ "refuses the escape \\u12 at the end of the document", "{'a':'\\u12", 0, { "invalid JSON" } },
	{ "refuses a \\u escape with non-hex digits", "{'a':'\\u12g4'}", 0, { "invalid JSON" } },
	{ "refuses an unpaired high surrogate", "{'a':'\\ud800'}", 0, { "unpaired surrogate" } },
	{ "refuses a high surrogate followed by a letter", "{'a':'\\ud800x'}", 0, { "unpaired surrogate" } },
	{ "refuses a high surrogate followed by a non-surrogate escape", "{'a':'\\ud800\\u0041'}", 0,
	  { "unpaired surrogate" } },
	{ "refuses two high surrogates", "{'a':'\\ud800\\ud800'}", 0, { "unpaired surrogate" } },
	{ "refuses a lone low surrogate", "{'a':'\\udc00'}", 0, { "unpaired surrogate" } },
	{ "refuses \\u0000 in a string", "{'a':'x\\u0000y'}", 0, { "invalid JSON", "\\u0000" } },
	{ "refuses \\u0000 in a key", "{'a\\u0000':1}", 0, { "\\u0000" } },
	{ "refuses the byte 0xff", RAW("{\"a\":\"\xff\"}"), { "invalid JSON at line 1 column 7", "invalid UTF-8" } },
	{ "refuses a lone continuation byte", RAW("{\"a\":\"\x80\"}"), { "invalid UTF-8" } },
	{ "refuses the overlong sequence c0 af", RAW("{\"a\":\"\xc0\xaf\"}"), { "invalid UTF-8" } },
	{ "refuses the overlong sequence e0 80 af", RAW("{\"a\":\"\xe0\x80\xaf\"}"), { "invalid UTF-8" } },
	{ "refuses an encoded surrogate ed a0 80", RAW("{\"a\":\"\xed\xa0\x80\"}"), { "invalid UTF-8" } },
	{ "refuses a code point above U+10FFFF", RAW("{\"a\":\"\xf4\x90\x80\x80\"}"), { "invalid UTF-8" } },
	{ "refuses a sequence truncated at the end of a string", RAW("{\"a\":\"\xe2\x82\"}"),
	  { "invalid UTF-8" } },
	{ "refuses a sequence truncated inside a string", RAW("{\"a\":\"\xe2\x82z\"}"), { "invalid UTF-8" } },
	{ "refuses invalid UTF-8 in a key", RAW("{\"\xff\":1}"), { "invalid UTF-8" } },
	{ "refuses invalid UTF-8 outside strings", RAW("{\"a\":1\xff}"), { "invalid JSON" } },
	{ "refuses a NUL byte in the document", RAW("{\"a\":1}\0"), { "invalid JSON at line 1 column 8", "NUL byte" } },
	{ "refuses a NUL byte inside a string", RAW("{\"a\":\"x\0y\"}"), { "NUL byte" } },
	/* duplicate keys */
	{ "refuses a duplicate top-level key", "{'ociVersion':'1.0.0',\n 'ociVersion':'1.1.0'}", 0,
	  { "invalid JSON at line 2 column 3", "duplicate key \"ociVersion\"" } },
	{ "refuses a duplicate key in process.user",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':0,'gid':0,'uid':1}}}", 0,
	  { "invalid JSON at line 1 column 83", "duplicate key \"uid\"" } },
	{ "refuses a duplicate key spelt with an escape",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':0,'gid':0,'\\u0075id':1}}}", 0,
	  { "duplicate key \"uid\"" } },
	{ "refuses a duplicate key in an unknown object", "{'x':{'y':1,'z':2,'y':3}}", 0,
	  { "duplicate key \"y\"" } },
	{ "reports the line of a duplicate key after decoded \\n escapes",
	  "{'a':'\\n\\n\\n','b':1,'b':2}", 0, { "invalid JSON at line 1 column 22", "duplicate key \"b\"" } },
	/* types */
	{ "refuses a number for ociVersion", "{'ociVersion':1}", 0, { "ociVersion: must be a string" } },
	{ "refuses a missing ociVersion", "{}", 0, { "(top level)", "\"ociVersion\" is required" } },
	{ "refuses a string for process.args", "{'ociVersion':'1.0.0','process':{'cwd':'/','args':'sh'}}", 0,
	  { "process.args: must be an array" } },
	{ "refuses a number in process.args", "{'ociVersion':'1.0.0','process':{'cwd':'/','args':['sh',1]}}", 0,
	  { "process.args[1]: must be a string" } },
	{ "refuses \"yes\" for process.terminal",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'terminal':'yes'}}", 0,
	  { "process.terminal: must be a boolean" } },
	{ "refuses null for a required field (process.cwd)",
	  "{'ociVersion':'1.0.0','process':{'args':['sh'],'cwd':null}}", 0, { "process: \"cwd\" is required" } },
	{ "refuses an object for mounts", "{'ociVersion':'1.0.0','mounts':{}}", 0, { "mounts: must be an array" } },
	{ "refuses a string for root", "{'ociVersion':'1.0.0','root':'rootfs'}", 0, { "root: must be an object" } },
	{ "refuses a number for a mount destination",
	  "{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'tmpfs'},"
	  "{'destination':'/b','type':'tmpfs'},{'destination':2,'type':'tmpfs'}]}", 0,
	  { "mounts[2].destination: must be a string" } },
	{ "refuses a number for an annotation value", "{'ociVersion':'1.0.0','annotations':{'a':'1','b':2}}", 0,
	  { "annotations.b: must be a string" } },
	/* numbers */
	{ "refuses uid -1", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':-1,'gid':0}}}", 0,
	  { "process.user.uid: -1 out of range [0, 4294967294]" } },
	{ "refuses uid 4294967295", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':4294967295,'gid':0}}}", 0,
	  { "process.user.uid: 4294967295 out of range [0, 4294967294]" } },
	{ "refuses uid 4294967296", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':4294967296,'gid':0}}}", 0,
	  { "process.user.uid: 4294967296 out of range" } },
	{ "refuses uid 99999999999999999999",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':99999999999999999999,'gid':0}}}", 0,
	  { "process.user.uid", "out of range" } },
	{ "refuses uid 1.5", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':1.5,'gid':0}}}", 0,
	  { "process.user.uid: must be an integer" } },
	{ "refuses uid 1e3", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':1e3,'gid':0}}}", 0,
	  { "process.user.uid: must be an integer" } },
	{ "refuses uid true", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':true,'gid':0}}}", 0,
	  { "process.user.uid: must be an integer" } },
	{ "refuses uid \"0\"", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':'0','gid':0}}}", 0,
	  { "process.user.uid: must be an integer" } },
	{ "refuses gid -1", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':0,'gid':-1}}}", 0,
	  { "process.user.gid: -1 out of range" } },
	{ "refuses a user without gid", "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':0}}}", 0,
	  { "process.user: \"gid\" is required" } },
	{ "refuses additionalGids [-1]",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':0,'gid':0,'additionalGids':[5,-1]}}}", 0,
	  { "process.user.additionalGids[1]: -1 out of range" } },
	{ "refuses rlimit soft -1",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'rlimits':[{'type':'RLIMIT_NOFILE','soft':-1,'hard':1}]}}", 0,
	  { "process.rlimits[0].soft: must be a non-negative integer" } },
	{ "refuses rlimit hard 18446744073709551616",
	  "{'ociVersion':'1.0.0','process':{" PROC
	  ",'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':18446744073709551616}]}}", 0,
	  { "process.rlimits[0].hard: 18446744073709551616 out of range" } },
	{ "refuses rlimit soft above hard",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'rlimits':[{'type':'RLIMIT_NOFILE','soft':2,'hard':1}]}}", 0,
	  { "process.rlimits[0]: soft limit above hard limit" } },
	{ "refuses consoleSize height 70000",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'consoleSize':{'height':70000,'width':80}}}", 0,
	  { "process.consoleSize.height: 70000 out of range [0, 65535]" } },
	{ "refuses oomScoreAdj 1001", "{'ociVersion':'1.0.0','process':{" PROC ",'oomScoreAdj':1001}}", 0,
	  { "process.oomScoreAdj: 1001 out of range [-1000, 1000]" } },
	{ "refuses oomScoreAdj -1001", "{'ociVersion':'1.0.0','process':{" PROC ",'oomScoreAdj':-1001}}", 0,
	  { "process.oomScoreAdj: -1001 out of range" } },
	/* namespaces and id mappings */
	{ "refuses a duplicated namespace type",
	  "{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'pid'},{'type':'pid'}]}}", 0,
	  { "linux.namespaces[1]", "duplicate namespace type \"pid\"" } },
	{ "refuses a namespace both created and joined",
	  "{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'ipc'},{'type':'ipc','path':'/proc/1/ns/ipc'}]}}", 0,
	  { "linux.namespaces[1]", "duplicate namespace type \"ipc\"" } },
	{ "refuses an unknown namespace type",
	  "{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'pid'},{'type':'foo'}]}}", 0,
	  { "linux.namespaces[1].type: unknown value \"foo\"" } },
	{ "refuses a namespace without a type", "{'ociVersion':'1.0.0','linux':{'namespaces':[{'path':'/x'}]}}", 0,
	  { "linux.namespaces[0]: \"type\" is required" } },
	{ "refuses a relative namespace path",
	  "{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'network','path':'proc/1/ns/net'}]}}", 0,
	  { "linux.namespaces[0].path: must be absolute" } },
	{ "refuses uidMappings without a user namespace",
	  "{'ociVersion':'1.0.0','linux':{'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}", 0,
	  { "linux.uidMappings", "need a user namespace" } },
	{ "refuses gidMappings without a user namespace, naming linux.gidMappings",
	  "{'ociVersion':'1.0.0','linux':{'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}", 0,
	  { "linux.gidMappings", "need a user namespace" } },
	{ "refuses an id mapping without size",
	  "{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'user'}],"
	  "'uidMappings':[{'containerID':0,'hostID':1000}],'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}",
	  0, { "linux.uidMappings[0]: \"size\" is required" } },
	{ "refuses a hostname without a uts namespace", "{'ociVersion':'1.0.0','hostname':'box','linux':{'namespaces':[{'type':'mount'}]}}", 0,
	  { "hostname", "uts namespace" } },
	{ "refuses a domainname without a uts namespace", "{'ociVersion':'1.0.0','domainname':'example.org','linux':{}}", 0,
	  { "domainname", "uts namespace" } },
	/* process */
	{ "refuses a process without cwd", "{'ociVersion':'1.0.0','process':{'args':['sh']}}", 0,
	  { "process: \"cwd\" is required" } },
	{ "refuses a relative cwd", "{'ociVersion':'1.0.0','process':{'cwd':'home','args':['sh']}}", 0,
	  { "process.cwd: must be an absolute path" } },
	{ "refuses empty args", "{'ociVersion':'1.0.0','process':{'cwd':'/','args':[]}}", 0,
	  { "process.args", "at least one argument" } },
	{ "refuses a process without args", "{'ociVersion':'1.0.0','process':{'cwd':'/'}}", 0,
	  { "process.args", "at least one argument" } },
	{ "refuses an env entry without =", "{'ociVersion':'1.0.0','process':{" PROC ",'env':['A=1','PATH']}}", 0,
	  { "process.env[1]", "KEY=value" } },
	{ "refuses a duplicated rlimit type",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
	  "{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]}}", 0,
	  { "process.rlimits[1]", "duplicate type RLIMIT_NOFILE" } },
	{ "refuses the unknown rlimit RLIMIT_FOO",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]}}", 0,
	  { "process.rlimits[0].type: unknown value \"RLIMIT_FOO\"" } },
	{ "refuses an unknown ioPriority class",
	  "{'ociVersion':'1.0.0','process':{" PROC ",'ioPriority':{'class':'IOPRIO_CLASS_X'}}}", 0,
	  { "process.ioPriority.class: unknown value" } },
	/* devices, sysctl, mounts, hooks */
	{ "refuses device type \"x\"",
	  "{'ociVersion':'1.0.0','linux':{'devices':[{'type':'x','path':'/dev/x','major':1,'minor':3}]}}", 0,
	  { "linux.devices[0].type: unknown value \"x\"" } },
	{ "refuses a device without major",
	  "{'ociVersion':'1.0.0','linux':{'devices':[{'type':'c','path':'/dev/null','minor':3}]}}", 0,
	  { "linux.devices[0]", "major and minor are required" } },
	{ "refuses a device with a relative path",
	  "{'ociVersion':'1.0.0','linux':{'devices':[{'type':'c','path':'dev/null','major':1,'minor':3}]}}", 0,
	  { "linux.devices[0].path: must be absolute" } },
	{ "refuses a device major above 4095",
	  "{'ociVersion':'1.0.0','linux':{'devices':[{'type':'c','path':'/dev/x','major':4096,'minor':3}]}}", 0,
	  { "linux.devices[0]", "out of range" } },
	{ "refuses a sysctl key with ..", "{'ociVersion':'1.0.0','linux':{'sysctl':{'net/../../etc/x':'1'}}}", 0,
	  { "linux.sysctl", "invalid key \"net/../../etc/x\"" } },
	{ "refuses a sysctl key starting with ..", "{'ociVersion':'1.0.0','linux':{'sysctl':{'../x':'1'}}}", 0,
	  { "linux.sysctl", "invalid key" } },
	{ "refuses an absolute sysctl key", "{'ociVersion':'1.0.0','linux':{'sysctl':{'/proc/x':'1'}}}", 0,
	  { "linux.sysctl", "invalid key" } },
	{ "refuses idmap without mappings or a user namespace",
	  "{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'none','source':'/x','options':['rbind','idmap']}]}",
	  0, { "mounts[0].options", "idmap without uidMappings needs the container's user namespace" } },
	{ "refuses ridmap on a mount that is not a bind mount",
	  "{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'tmpfs'},"
	  "{'destination':'/b','type':'none','source':'/x','options':['ridmap']}]}",
	  0, { "mounts[1].options", "must be a bind mount" } },
	{ "refuses a mount's uidMappings without gidMappings",
	  "{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'none','source':'/x','options':['bind'],"
	  "'uidMappings':[{'containerID':0,'hostID':1,'size':1}]}]}",
	  0, { "mounts[0].gidMappings", "go together" } },
	{ "refuses a bind mount without source",
	  "{'ociVersion':'1.0.0','mounts':[{'destination':'/a','options':['bind']}]}", 0,
	  { "mounts[0].source", "needs a source" } },
	{ "refuses a mount without type", "{'ociVersion':'1.0.0','mounts':[{'destination':'/a','source':'x'}]}", 0,
	  { "mounts[0].type", "required" } },
	{ "refuses a mount without destination", "{'ociVersion':'1.0.0','mounts':[{'type':'tmpfs'}]}", 0,
	  { "mounts[0]: \"destination\" is required" } },
	{ "refuses an empty mount destination", "{'ociVersion':'1.0.0','mounts':[{'destination':'','type':'tmpfs'}]}", 0,
	  { "mounts[0].destination", "empty" } },
	{ "refuses an unknown rootfsPropagation", "{'ociVersion':'1.0.0','linux':{'rootfsPropagation':'everywhere'}}",
	  0, { "linux.rootfsPropagation", "unknown value" } },
	{ "refuses a hook with a relative path, naming hooks.prestart[0].path",
	  "{'ociVersion':'1.0.0','hooks':{'prestart':[{'path':'bin/hook'}]}}", 0,
	  { "hooks.prestart[0].path", "must be absolute" } },
	{ "refuses a hook with a relative path in poststop[1]",
	  "{'ociVersion':'1.0.0','hooks':{'poststop':[{'path':'/bin/true'},{'path':'hook'}]}}", 0,
	  { "hooks.poststop[1]", "must be absolute" } },
	{ "refuses a hook timeout of 0",
	  "{'ociVersion':'1.0.0','hooks':{'poststop':[{'path':'/bin/true','timeout':0}]}}", 0,
	  { "hooks.poststop[0].timeout: 0 out of range" } },
	{ "refuses a hugepage size of 64kB (lower-case k)",
	  "{'ociVersion':'1.0.0','linux':{'resources':{'hugepageLimits':[{'pageSize':'2MB','limit':1},"
	  "{'pageSize':'64kB','limit':1}]}}}", 0,
	  { "linux.resources.hugepageLimits[1].pageSize" } },
};

static void check_refused(const struct bad_case *c)
{
	int r = c->len ? parse_raw(c->doc, c->len) : parse_sq(c->doc);
	CHECK(r == -1, "accepted (cfg_parse returned %d)", r);
	for (int k = 0; k < 3 && c->want[k]; k++)
		CHECK_CONTAINS(cfg.json.err, c->want[k]);
}

static void bad_json_cases(void)
{
	for (size_t i = 0; i < ARRAY_LEN(bad_json); i++) {
		begin(bad_json[i].name);
		check_refused(&bad_json[i]);
		end();
	}
}

/* n nested arrays as the value of an unknown property */
static void nest(struct sbuf *b, int n)
{
	sb_add(b, "{\"ociVersion\":\"1.0.0\",\"x\":");
	for (int i = 0; i < n; i++)
		sb_add(b, "[");
	for (int i = 0; i < n; i++)
		sb_add(b, "]");
	sb_add(b, "}");
}

/* The top-level object is depth 0; its values are depth 1. */
static void test_nesting_limit_is_64_levels(void)
{
	struct sbuf ok = { 0 }, deep = { 0 };
	nest(&ok, 64);
	nest(&deep, 65);
	int r1 = parse_raw(ok.s, ok.len);
	char err1[256];
	snprintf(err1, sizeof err1, "%s", cfg.json.err);
	int r2 = parse_raw(deep.s, deep.len);
	free(ok.s);
	free(deep.s);
	CHECK(r1 == 0, "64 levels refused: %s", err1);
	CHECK(r2 == -1, "65 levels accepted");
	CHECK_CONTAINS(cfg.json.err, "nesting deeper than 64");
}

/*
 * Parse doc in a child that is killed after limit_ms, so that a parser
 * slow on hostile input fails this one test and the run goes on.  The
 * result must be want_rc and, if want_err, an error containing it.
 */
static void check_parse_in_time(struct sbuf *doc, int want_rc, const char *want_err, int limit_ms)
{
	int p[2];
	char msg[300] = "";

	CHECK(doc->len <= CONFIG_MAX_BYTES, "document too big: %zu bytes", doc->len);
	CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerval it = { .it_value = { limit_ms / 1000, (limit_ms % 1000) * 1000 } };
		signal(SIGALRM, SIG_DFL);
		setitimer(ITIMER_REAL, &it, NULL);
		int r = parse_raw(doc->s, doc->len);
		const char *why = r != want_rc ? (r ? cfg.json.err : "accepted")
			: want_err && !strstr(cfg.json.err, want_err) ? cfg.json.err : "";
		(void)!write(p[1], why, strlen(why));
		_exit(0);
	}
	close(p[1]);
	ssize_t n = pid > 0 ? read(p[0], msg, sizeof msg - 1) : -1;
	close(p[0]);
	msg[n > 0 ? n : 0] = 0;
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid, "fork/wait: %s", strerror(errno));
	CHECK(!(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM), "%zu bytes took more than %d ms to parse",
	      doc->len, limit_ms);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child died, status 0x%x", st);
	CHECK(!msg[0], "want %s%s%s, got: %s", want_rc ? "refused" : "accepted", want_err ? " with " : "",
	      want_err ? want_err : "", msg);
}

static void test_nesting_200000_levels_refused_quickly(void)
{
	struct sbuf b = { 0 };
	nest(&b, 200000);
	check_parse_in_time(&b, -1, "nesting deeper than 64", 4000);
	free(b.s);
}

static void test_5000_mounts_refused(void)
{
	struct sbuf b = { 0 };
	sb_add(&b, "{\"ociVersion\":\"1.0.0\",\"mounts\":[");
	for (int i = 0; i < 5000; i++)
		sb_add(&b, "%s{\"destination\":\"/m%d\",\"type\":\"tmpfs\"}", i ? "," : "", i);
	sb_add(&b, "]}");
	int r = parse_raw(b.s, b.len);
	free(b.s);
	CHECK(r == -1, "accepted");
	CHECK_CONTAINS(cfg.json.err, "mounts: more than 4096 entries");
}

static void test_4096_mounts_accepted(void)
{
	struct sbuf b = { 0 };
	sb_add(&b, "{\"ociVersion\":\"1.0.0\",\"mounts\":[");
	for (int i = 0; i < 4096; i++)
		sb_add(&b, "%s{\"destination\":\"/m%d\",\"type\":\"tmpfs\"}", i ? "," : "", i);
	sb_add(&b, "]}");
	int r = parse_raw(b.s, b.len);
	free(b.s);
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK_INTEQ(cfg.mounts.n, 4096);
	CHECK_STREQ(ARR_AT(cfg.mounts, struct mount_cfg, 4095)->destination, "/m4095");
}

/* Hostile input must be cheap: one object with many keys, within the
 * 4 MiB limit, must not take time quadratic in its number of keys (an
 * unknown property, so the document is valid and must be accepted). */
static void test_many_keys_parse_quickly(void)
{
	struct sbuf b = { 0 };
	sb_add(&b, "{\"ociVersion\":\"1.0.0\",\"unknownProperty\":{");
	for (int i = 0; i < 150000; i++)
		sb_add(&b, "%s\"k%d\":\"\"", i ? "," : "", i);
	sb_add(&b, "}}");
	check_parse_in_time(&b, 0, NULL, 4000);
	free(b.s);
}

/* More tokens than the parser's first guess, then a syntax error: the
 * guess is given back once, and the error is the document's (fuzzing
 * found the guess freed twice). */
static void test_bad_after_the_token_guess(void)
{
	struct sbuf b = { 0 };
	sb_add(&b, "{\"ociVersion\":\"1.0.0\",\"x\":[");
	for (int i = 0; i < 2000; i++)
		sb_add(&b, "1,");
	sb_add(&b, "@]}");
	CHECK(parse_raw(b.s, b.len) < 0, "a document with a bad literal was accepted");
	CHECK(strstr(cfg.json.err, "syntax error") != NULL, "error: %s", cfg.json.err);
	config_free();
	free(b.s);
}

/* === 3. documents that must be accepted, and what they mean =========== */

static void test_string_escapes_decode_to_utf8(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','annotations':{"
			 "'esc':'q\\'b\\\\s\\/n\\nt\\tr\\rb\\bf\\f',"
			 "'bmp':'\\u00e9\\u20AC\\u0041',"
			 "'pair':'\\ud83d\\ude00',"
			 "'\\u006bey':'v',"
			 "'lit':'\\\\u0000',"
			 "'raw':'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f'}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK_INTEQ(cfg.annotations.n, 6);
	static const char *const want[][2] = {
		{ "esc", "q\"b\\s/n\nt\tr\rb\bf\f" },
		{ "bmp", "\xc3\xa9\xe2\x82\xac" "A" },
		{ "pair", "\xf0\x9f\x98\x80" },
		{ "key", "v" },
		{ "lit", "\\u0000" },
		{ "raw", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f" },
	};
	for (int i = 0; i < 6; i++) {
		CHECK_STREQ(cfg.annotations.v[i].k, want[i][0]);
		CHECK_STREQ(cfg.annotations.v[i].v, want[i][1]);
	}
}

static void test_empty_string_decodes(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0','annotations':{'':''}}") == 0, "refused: %s", cfg.json.err);
	CHECK_STREQ(cfg.annotations.v[0].k, "");
	CHECK_STREQ(cfg.annotations.v[0].v, "");
}

static void test_rlimit_hard_uint64_max(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','process':{" PROC ",'rlimits':["
			 "{'type':'RLIMIT_CORE','soft':0,'hard':18446744073709551615},"
			 "{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096}]}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK_INTEQ(cfg.process.rlimits.n, 2);
	struct rlimit_cfg *core = ARR_AT(cfg.process.rlimits, struct rlimit_cfg, 0);
	struct rlimit_cfg *nofile = ARR_AT(cfg.process.rlimits, struct rlimit_cfg, 1);
	CHECK(core->hard.v == UINT64_MAX, "hard is %llu", (unsigned long long)core->hard.v);
	CHECK_STREQ(rlimit_names[core->type - 1], "RLIMIT_CORE");
	CHECK(core->soft.set && core->soft.v == 0, "soft");
	CHECK_INTEQ(rlimit_res[nofile->type - 1], RLIMIT_NOFILE);
	CHECK_INTEQ(nofile->soft.v, 1024);
	CHECK_INTEQ(nofile->hard.v, 4096);
}

static void test_process_values(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','process':{'cwd':'/home','args':['sh','-c','x y'],"
			 "'env':['A=1','B='],'terminal':true,'consoleSize':{'height':0,'width':65535},"
			 "'oomScoreAdj':-1000,'noNewPrivileges':true,"
			 "'user':{'uid':4294967294,'gid':0,'umask':18,'additionalGids':[5,6]}}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK(cfg.has_process, "has_process");
	CHECK_STREQ(cfg.process.cwd, "/home");
	CHECK_INTEQ(cfg.process.args.n, 3);
	CHECK_STREQ(cfg.process.args.v[2], "x y");
	CHECK(cfg.process.args.v[3] == NULL, "args not NULL-terminated");
	CHECK_INTEQ(cfg.process.env.n, 2);
	CHECK_STREQ(cfg.process.env.v[1], "B=");
	CHECK(cfg.process.terminal && cfg.process.no_new_privileges, "booleans");
	CHECK_INTEQ(cfg.process.console_size.width.v, 65535);
	CHECK_INTEQ(cfg.process.oom_score_adj.v, -1000);
	CHECK_INTEQ(cfg.process.user.uid.v, 4294967294LL);
	CHECK_INTEQ(cfg.process.user.umask.v, 18);
	CHECK_INTEQ(cfg.process.user.additional_gids.n, 2);
	CHECK_INTEQ(ARR_AT(cfg.process.user.additional_gids, struct num, 1)->v, 6);
}

static void test_unknown_properties_ignored(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','futureTop':{'deep':[1,2.5e-3,{'x':null}],'s':'\\u00e9'},"
			 "'root':{'path':'rootfs','newRootThing':true},"
			 "'process':{" PROC ",'futureField':[{}],'user':{'uid':1,'gid':2,'extra':'x'}},"
			 "'mounts':[{'destination':'/tmp','type':'tmpfs','extra':{'a':[]}}],"
			 "'linux':{'newThing':{'a':1},'namespaces':[{'type':'pid','flags':7}]},"
			 "'freebsd':{'jail':{}},'windows':{'layerFolders':[]}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK_STREQ(cfg.root.path, "rootfs");
	CHECK_INTEQ(cfg.process.user.uid.v, 1);
	CHECK_INTEQ(cfg.process.user.gid.v, 2);
	CHECK_INTEQ(cfg.mounts.n, 1);
	CHECK_STREQ(ARR_AT(cfg.mounts, struct mount_cfg, 0)->type, "tmpfs");
	CHECK_INTEQ(cfg.ns_new, CLONE_NEWPID);
}

static struct mount_cfg *only_mount(void)
{
	return cfg.mounts.n == 1 ? ARR_AT(cfg.mounts, struct mount_cfg, 0) : NULL;
}

static void test_mount_options_flags(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'tmpfs','source':'tmpfs',"
			 "'options':['ro','nosuid','nodev','noexec','mode=755','size=1m']}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct mount_cfg *m = only_mount();
	CHECK(m, "one mount");
	CHECK(m->flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), "flags 0x%lx", m->flags);
	CHECK(m->clear == 0, "clear 0x%lx", m->clear);
	CHECK(!m->bind && !m->rec && m->prop == 0, "bind/rec/prop");
	CHECK_STREQ(m->data, "mode=755,size=1m");
}

static void test_mount_option_rw_clears_ro(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'proc',"
			 "'options':['ro','rw','exec','suid']}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct mount_cfg *m = only_mount();
	CHECK(m->flags == 0, "flags 0x%lx", m->flags);
	CHECK(m->clear == (MS_RDONLY | MS_NOEXEC | MS_NOSUID), "clear 0x%lx", m->clear);
	CHECK_STREQ(m->data, "");
}

static void test_mount_option_ro_after_rw_sets_ro(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'proc','options':['rw','ro']}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct mount_cfg *m = only_mount();
	CHECK(m->flags == MS_RDONLY && m->clear == 0, "flags 0x%lx clear 0x%lx", m->flags, m->clear);
}

static void test_mount_option_rbind_rprivate(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'none','source':'/src',"
			 "'options':['rbind','rprivate','ro']}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct mount_cfg *m = only_mount();
	CHECK(m->bind && m->rec, "bind %d rec %d", m->bind, m->rec);
	CHECK(m->prop == (MS_PRIVATE | MS_REC), "prop 0x%lx", m->prop);
	CHECK(m->flags == MS_RDONLY, "flags 0x%lx", m->flags);
	CHECK_STREQ(m->data, "");
}

static void test_mount_option_bind_not_recursive(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','source':'/src','options':['bind','slave']}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct mount_cfg *m = only_mount();
	CHECK(m->bind && !m->rec, "bind %d rec %d", m->bind, m->rec);
	CHECK(m->prop == MS_SLAVE, "prop 0x%lx", m->prop);
}

static void test_mount_type_bind_is_a_bind(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'bind','source':'/src'}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK(only_mount()->bind, "not a bind mount");
}

static void test_mount_recursive_attributes(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','mounts':[{'destination':'/a','type':'none','source':'/s',"
			 "'options':['rbind','rro','rnosuid','rnoatime','rrw']}]}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct mount_cfg *m = only_mount();
	CHECK(m->rattr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME), "rattr_set 0x%llx",
	      (unsigned long long)m->rattr_set);
	CHECK(m->rattr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME), "rattr_clr 0x%llx",
	      (unsigned long long)m->rattr_clr);
}

static void test_capabilities_map_to_bits(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','process':{" PROC ",'capabilities':{"
			 "'bounding':['CAP_SYS_ADMIN'],'effective':['CAP_CHOWN','CAP_KILL'],"
			 "'permitted':['CAP_CHECKPOINT_RESTORE','CAP_NET_BIND_SERVICE'],"
			 "'inheritable':[],'ambient':['CAP_AUDIT_WRITE']}}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK(cfg.process.has_caps, "has_caps");
	CHECK(cfg.process.caps.b == 1ull << 21, "bounding 0x%llx", (unsigned long long)cfg.process.caps.b);
	CHECK(cfg.process.caps.b == 1ull << CAP_SYS_ADMIN, "CAP_SYS_ADMIN is not bit %d", CAP_SYS_ADMIN);
	CHECK(cfg.process.caps.e == ((1ull << CAP_CHOWN) | (1ull << CAP_KILL)), "effective 0x%llx",
	      (unsigned long long)cfg.process.caps.e);
	CHECK(cfg.process.caps.p == ((1ull << 40) | (1ull << CAP_NET_BIND_SERVICE)), "permitted 0x%llx",
	      (unsigned long long)cfg.process.caps.p);
	CHECK(cfg.process.caps.i == 0, "inheritable");
	CHECK(cfg.process.caps.a == 1ull << CAP_AUDIT_WRITE, "ambient");
}

static void test_capability_names_match_the_kernel(void)
{
	static const struct { const char *name; int bit; } caps[] = {
		{ "CAP_CHOWN", CAP_CHOWN }, { "CAP_SETPCAP", CAP_SETPCAP },
		{ "CAP_NET_RAW", CAP_NET_RAW }, { "CAP_SYS_ADMIN", CAP_SYS_ADMIN },
		{ "CAP_MKNOD", CAP_MKNOD }, { "CAP_SETFCAP", CAP_SETFCAP },
		{ "CAP_SYSLOG", CAP_SYSLOG }, { "CAP_AUDIT_READ", CAP_AUDIT_READ },
		{ "CAP_CHECKPOINT_RESTORE", 40 },
	};
	for (size_t i = 0; i < ARRAY_LEN(caps); i++)
		CHECK_STREQ(cap_names[caps[i].bit], caps[i].name);
	CHECK(cap_names[41] == NULL, "cap_names has more than 41 entries");
}

static void test_unknown_capability_refused(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0','process':{" PROC ",'capabilities':{"
		       "'bounding':['CAP_KILL','CAP_FOO']}}}") < 0, "CAP_FOO was accepted");
	CHECK_CONTAINS(cfg.json.err, "process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"");
	CHECK(parse_sq("{'ociVersion':'1.0.0','process':{" PROC ",'capabilities':{"
		       "'ambient':['cap_kill']}}}") == 0, "refused: %s", cfg.json.err);
	CHECK(cfg.process.caps.a == 1ull << CAP_KILL, "ambient 0x%llx", (unsigned long long)cfg.process.caps.a);
}

/* crun's leniency: a new user namespace without mappings maps the caller
 * onto process.user, one id each; given mappings are kept as they are. */
static void test_userns_without_mappings_maps_the_caller(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0','process':{'cwd':'/','args':['sh'],'user':{'uid':7,'gid':8}},"
		       "'linux':{'namespaces':[{'type':'user'}],"
		       "'gidMappings':[{'containerID':0,'hostID':1000,'size':5}]}}") == 0, "refused: %s", cfg.json.err);
	plan_user_namespace(&cfg, false);
	struct idmap *u = ARR_AT(cfg.linux.uid_mappings, struct idmap, 0);
	struct idmap *g = ARR_AT(cfg.linux.gid_mappings, struct idmap, 0);
	CHECK(cfg.linux.uid_mappings.n == 1 && u->container_id.v == 7 && u->host_id.v == geteuid() && u->size.v == 1,
	      "uid mapping %lld %lld %lld", (long long)u->container_id.v, (long long)u->host_id.v, (long long)u->size.v);
	CHECK(cfg.linux.gid_mappings.n == 1 && g->host_id.v == 1000 && g->size.v == 5, "the given gid mapping changed");
}

static void test_namespace_flags(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','hostname':'box','linux':{'namespaces':["
			 "{'type':'pid'},{'type':'network','path':'/proc/1/ns/net'},{'type':'mount'},"
			 "{'type':'uts'},{'type':'user'},{'type':'ipc','path':'/proc/1/ns/ipc'},"
			 "{'type':'cgroup'},{'type':'time'}],"
			 "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
			 "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	unsigned long want_new = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWUSER | CLONE_NEWCGROUP |
				 CLONE_NEWTIME;
	CHECK(cfg.ns_new == want_new, "ns_new 0x%lx, want 0x%lx", cfg.ns_new, want_new);
	CHECK(cfg.ns_join == (CLONE_NEWNET | CLONE_NEWIPC), "ns_join 0x%lx", cfg.ns_join);
	CHECK_STREQ(ARR_AT(cfg.linux.namespaces, struct ns_cfg, 1)->path, "/proc/1/ns/net");
	CHECK_INTEQ(ARR_AT(cfg.linux.uid_mappings, struct idmap, 0)->host_id.v, 1000);
}

static void test_no_namespaces_no_flags(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0'}") == 0, "refused: %s", cfg.json.err);
	CHECK(cfg.ns_new == 0 && cfg.ns_join == 0, "ns_new 0x%lx ns_join 0x%lx", cfg.ns_new, cfg.ns_join);
	CHECK(!cfg.has_root && !cfg.has_process && !cfg.has_linux, "has_* set");
}

static void test_joined_user_namespace_allows_mappings(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'user','path':'/proc/1/ns/user'}],"
			 "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	CHECK(cfg.ns_join == CLONE_NEWUSER, "ns_join 0x%lx", cfg.ns_join);
}

static void test_userns_doc_accepted(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0'," USERNS "}") == 0, "refused: %s", cfg.json.err);
	CHECK(cfg.ns_new == CLONE_NEWUSER, "ns_new 0x%lx", cfg.ns_new);
}

static void test_devices_and_sysctl_values(void)
{
	int r = parse_sq("{'ociVersion':'1.0.0','linux':{'devices':["
			 "{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':438,'uid':0,'gid':0},"
			 "{'type':'p','path':'/dev/fifo'}],"
			 "'sysctl':{'net.ipv4.ip_forward':'1','kernel/shm_rmid_forced':'1'},"
			 "'namespaces':[{'type':'network'},{'type':'ipc'}]}}");
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct device_cfg *d = ARR_AT(cfg.linux.devices, struct device_cfg, 0);
	CHECK(d->type == 1 && d->major.v == 10 && d->minor.v == 229 && d->file_mode.v == 0666, "device 0");
	CHECK_INTEQ(ARR_AT(cfg.linux.devices, struct device_cfg, 1)->type, 4);
	CHECK_INTEQ(cfg.linux.sysctl.n, 2);
	CHECK_STREQ(cfg.linux.sysctl.v[1].k, "kernel/shm_rmid_forced");
}

static void test_sysctl_must_be_namespaced(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'network'}],"
		       "'sysctl':{'kernel.panic':'1'}}}") < 0, "a global sysctl was accepted");
	CHECK_CONTAINS(cfg.json.err, "kernel.panic");
	CHECK_CONTAINS(cfg.json.err, "not namespaced");
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'ipc'}],"
		       "'sysctl':{'net.ipv4.ip_forward':'1'}}}") < 0, "net.* without a network namespace was accepted");
	CHECK_CONTAINS(cfg.json.err, "network namespace");
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'ipc'}],"
		       "'sysctl':{'fs.mqueue.msg_max':'20'}}}") == 0, "refused: %s", cfg.json.err);
}

/* === 4. ociVersion ====================================================== */

static void test_version_accepted(void)
{
	static const char *const ok[] = { "1.0.0", "1.0.2", "1.2.1", "1.3.0", "1.3.0-rc.1", "1.3.9" };
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		CHECK(cfg_check_version(ok[i]) == 0, "\"%s\" refused", ok[i]);
}

static void test_version_refused(void)
{
	static const char *const bad[] = { "0.5.0-dev", "2.0.0", "1.4.0", "1.0", "abc", "", "1", "0.9.9",
					   "1.0.0x", "v1.0.0" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(cfg_check_version(bad[i]) == -1, "\"%s\" accepted", bad[i]);
}

/* ociVersion is SemVer: no signs, spaces or leading zeros, and no number
 * that only wraps around into range. */
static void test_version_refuses_non_semver(void)
{
	static const char *const bad[] = { " 1.0.0", "+1.0.0", "1. 2.3", "1.-0.0", "01.02.03",
					   "1.4294967296.0" };
	char accepted[200] = "";
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (cfg_check_version(bad[i]) == 0)
			snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted), " \"%s\"", bad[i]);
	CHECK(!accepted[0], "accepted:%s", accepted);
}

/* === 5. read_config_file ================================================ */

static char tmpdir[64];
static int tmpfd = -1;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_sized_file(const char *name, off_t size)
{
	int fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, size) < 0)
		abort();
	close(fd);
}

static void test_read_regular_file(void)
{
	static const char doc[] = "{\"ociVersion\":\"1.0.0\"}\n";
	char err[300] = "";
	size_t len = 0;
	int fd = openat(tmpfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, doc, sizeof doc - 1) == (ssize_t)sizeof doc - 1, "write: %s", strerror(errno));
	close(fd);
	char *buf = read_config_file(tmpfd, "config.json", &len, err, sizeof err);
	CHECK(buf, "refused: %s", err);
	bool same = len == sizeof doc - 1 && !memcmp(buf, doc, len) && buf[len] == 0;
	free(buf);
	CHECK(same, "content differs (len %zu)", len);
}

static void test_read_empty_file(void)
{
	char err[300] = "";
	size_t len = 99;
	make_sized_file("empty.json", 0);
	char *buf = read_config_file(tmpfd, "empty.json", &len, err, sizeof err);
	CHECK(buf, "refused: %s", err);
	free(buf);
	CHECK_INTEQ(len, 0);
}

static void test_read_missing_file(void)
{
	char err[300] = "";
	size_t len;
	char *buf = read_config_file(tmpfd, "nonexistent.json", &len, err, sizeof err);
	free(buf);
	CHECK(!buf, "accepted");
	CHECK_CONTAINS(err, "nonexistent.json");
	CHECK_CONTAINS(err, strerror(ENOENT));
}

static void test_read_fifo_refused(void)
{
	char err[300] = "";
	size_t len;
	CHECK(mkfifoat(tmpfd, "fifo.json", 0600) == 0, "mkfifo: %s", strerror(errno));
	int64_t t0 = now_ms();
	char *buf = read_config_file(tmpfd, "fifo.json", &len, err, sizeof err);  /* alarm(5) guards */
	int64_t took = now_ms() - t0;
	free(buf);
	CHECK(!buf, "accepted");
	CHECK(took < 1000, "took %lld ms", (long long)took);
	CHECK_CONTAINS(err, "fifo.json: not a regular file");
}

static void test_read_dev_zero_symlink_refused(void)
{
	char err[300] = "";
	size_t len;
	CHECK(symlinkat("/dev/zero", tmpfd, "zero.json") == 0, "symlink: %s", strerror(errno));
	char *buf = read_config_file(tmpfd, "zero.json", &len, err, sizeof err);
	free(buf);
	CHECK(!buf, "accepted");
	CHECK_CONTAINS(err, "zero.json: not a regular file");
}

static void test_read_directory_refused(void)
{
	char err[300] = "";
	size_t len;
	CHECK(mkdirat(tmpfd, "dir.json", 0700) == 0, "mkdir: %s", strerror(errno));
	char *buf = read_config_file(tmpfd, "dir.json", &len, err, sizeof err);
	free(buf);
	CHECK(!buf, "accepted");
	CHECK_CONTAINS(err, "dir.json: not a regular file");
}

static void test_read_5mib_refused(void)
{
	char err[300] = "";
	size_t len;
	make_sized_file("big.json", 5 << 20);
	char *buf = read_config_file(tmpfd, "big.json", &len, err, sizeof err);
	free(buf);
	CHECK(!buf, "accepted");
	CHECK_CONTAINS(err, "big.json: larger than 4194304 bytes");
}

static void test_read_limit_is_4mib(void)
{
	char err[300] = "";
	size_t len = 0;
	make_sized_file("exact.json", 4 << 20);
	make_sized_file("over.json", (4 << 20) + 1);
	char *buf = read_config_file(tmpfd, "exact.json", &len, err, sizeof err);
	free(buf);
	CHECK(buf, "exactly 4 MiB refused: %s", err);
	CHECK_INTEQ(len, 4 << 20);
	buf = read_config_file(tmpfd, "over.json", &len, err, sizeof err);
	free(buf);
	CHECK(!buf, "4 MiB + 1 accepted");
	CHECK_CONTAINS(err, "larger than");
}

/* === 6. container ids =================================================== */

static void test_valid_id_refused(void)
{
	char long_id[301];
	memset(long_id, 'a', 300);
	long_id[300] = 0;
	const char *const bad[] = { "", ".", "..", "a/b", "../x", "a b", long_id, "a\nb", "/abs", "x/..",
				    "a\\b", "\xc3\xa9" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(!valid_id(bad[i]), "\"%.40s\" accepted", bad[i]);
}

static void test_valid_id_accepted(void)
{
	char id255[256];
	memset(id255, 'b', 255);
	id255[255] = 0;
	const char *const ok[] = { "c1", "my_container-1.2+x", "...", ".hidden", id255 };
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		CHECK(valid_id(ok[i]), "\"%.40s\" refused", ok[i]);
}

/* === 7. signals ========================================================= */

static void test_parse_signal_accepted(void)
{
	static const struct { const char *s; int sig; } ok[] = {
		{ "TERM", SIGTERM }, { "SIGTERM", SIGTERM }, { "15", 15 }, { "kill", SIGKILL },
		{ "sigkill", SIGKILL }, { "HUP", SIGHUP }, { "USR1", SIGUSR1 }, { "1", 1 },
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		CHECK(parse_signal(ok[i].s) == ok[i].sig, "\"%s\" is %d, want %d", ok[i].s, parse_signal(ok[i].s),
		      ok[i].sig);
	CHECK_INTEQ(parse_signal("SIGRTMIN+1"), SIGRTMIN + 1);
	CHECK_INTEQ(parse_signal("RTMIN"), SIGRTMIN);
	CHECK_INTEQ(parse_signal("SIGRTMAX-2"), SIGRTMAX - 2);
	CHECK_INTEQ(parse_signal("64"), 64);
}

static void test_parse_signal_refused(void)
{
	char past[16]; /* one past the last signal: 65 on most arches, 128 on MIPS */
	snprintf(past, sizeof past, "%d", _NSIG);
	const char *const bad[] = { "FOO", "0", "999", "-1", "", "SIG", past, "SIGRTMIN-1", "SIGRTMAX+1",
				    "RTMINX", " 15", "15x", "SIGTERMX" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(parse_signal(bad[i]) == -1, "\"%s\" is %d", bad[i], parse_signal(bad[i]));
}

/* === 8. the rootfs resolver ============================================= */

/*
 * A hostile rootfs in a fresh temporary directory, with a victim directory
 * outside it that an escaping resolver would write into:
 *   dev -> /tmp/ocirun-unit-victim.XXXXXX    (absolute, to the victim)
 *   etc/passwd                               (the root's own file)
 *   x -> ../../../..                         (climbs above the root)
 *   sub/abs -> /etc                          (absolute, to the host's /etc)
 *   loop1 -> loop2, loop2 -> loop1, self -> self
 *   file                                     (a regular file)
 */
typedef int (*resolver_fn)(int rootfd, const char *path, int create);

static struct {
	const char *name;
	resolver_fn fn;
} resolver;

static char root_dir[64], real_root[PATH_MAX], victim_dir[64];
static int rootfd = -1;

static bool put_file(const char *rel, const char *content)
{
	int fd = openat(rootfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	bool ok = fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content);
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool rootfs_setup(void)
{
	snprintf(root_dir, sizeof root_dir, "/tmp/ocirun-unit-root.XXXXXX");
	snprintf(victim_dir, sizeof victim_dir, "/tmp/ocirun-unit-victim.XXXXXX");
	if (!mkdtemp(root_dir) || !mkdtemp(victim_dir) || !realpath(root_dir, real_root))
		return false;
	rootfd = open(root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd >= 0 && symlinkat(victim_dir, rootfd, "dev") == 0 && mkdirat(rootfd, "etc", 0755) == 0 &&
	       put_file("etc/passwd", "root:x:0:0:inside:/:/bin/sh\n") &&
	       symlinkat("../../../..", rootfd, "x") == 0 && mkdirat(rootfd, "sub", 0755) == 0 &&
	       symlinkat("/etc", rootfd, "sub/abs") == 0 && symlinkat("loop2", rootfd, "loop1") == 0 &&
	       symlinkat("loop1", rootfd, "loop2") == 0 && symlinkat("self", rootfd, "self") == 0 &&
	       put_file("file", "");
}

static void rootfs_teardown(void)
{
	if (rootfd >= 0)
		close(rootfd);
	rootfd = -1;
	if (root_dir[0])
		rm_rf(root_dir);
	if (victim_dir[0])
		rm_rf(victim_dir);
	root_dir[0] = victim_dir[0] = 0;
}

/* Where an fd really is, from /proc/self/fd. */
static void fd_where(int fd, char *out, size_t size)
{
	char link[32];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, size - 1);
	out[n < 0 ? 0 : n] = 0;
}

static bool victim_is_empty(void)
{
	DIR *d = opendir(victim_dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return false;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n == 0;
}

/* resolve(path, create) must give an fd at real_root + want (want: "/..."). */
#define CHECK_RESOLVES(path, create, want)                                                          \
	do {                                                                                        \
		char where_[PATH_MAX], want_[2 * PATH_MAX];                                         \
		errno = 0;                                                                          \
		int fd_ = resolver.fn(rootfd, (path), (create));                                    \
		CHECK(fd_ >= 0, "%s(\"%s\"): %s", resolver.name, (path), strerror(errno));          \
		fd_where(fd_, where_, sizeof where_);                                               \
		close(fd_);                                                                         \
		snprintf(want_, sizeof want_, "%s%s", real_root, (want));                           \
		CHECK(!strcmp(where_, want_), "%s(\"%s\") is at %s, want %s", resolver.name, (path), \
		      where_, want_);                                                               \
		CHECK(victim_is_empty(), "something was created in the victim dir %s", victim_dir); \
	} while (0)

#define CHECK_RESOLVE_FAILS(path, create, err)                                                    \
	do {                                                                                      \
		char where_[PATH_MAX];                                                            \
		errno = 0;                                                                        \
		int fd_ = resolver.fn(rootfd, (path), (create));                                  \
		int e_ = errno;                                                                   \
		if (fd_ >= 0) {                                                                   \
			fd_where(fd_, where_, sizeof where_);                                     \
			close(fd_);                                                               \
		}                                                                                 \
		CHECK(fd_ < 0, "%s(\"%s\") opened %s", resolver.name, (path), where_);            \
		CHECK(e_ == (err), "%s(\"%s\"): errno %s, want %s", resolver.name, (path),        \
		      strerror(e_), strerror(err));                                               \
		CHECK(victim_is_empty(), "something was created in the victim dir %s", victim_dir); \
	} while (0)

static void rf_mkdir_through_hostile_dev_stays_inside(void)
{
	char want[PATH_MAX];
	struct stat st;
	snprintf(want, sizeof want, "%s/pts", victim_dir);
	CHECK_RESOLVES("/dev/pts", RF_MKDIR, want);
	CHECK(fstatat(rootfd, want + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode),
	      "no directory %s%s", real_root, want);
	/* and once it exists, opening resolves to the same place */
	CHECK_RESOLVES("/dev/pts", RF_OPEN, want);
	CHECK_RESOLVES("dev/pts/", RF_OPEN, want);
}

static void rf_open_through_dangling_dev_fails(void)
{
	CHECK_RESOLVE_FAILS("/dev/pts", RF_OPEN, ENOENT);
	CHECK_RESOLVE_FAILS("/dev", RF_OPEN, ENOENT);
}

static void rf_dotdot_stays_inside(void)
{
	CHECK_RESOLVES("../../../../etc/passwd", RF_OPEN, "/etc/passwd");
	CHECK_RESOLVES("/etc/../../../etc/passwd", RF_OPEN, "/etc/passwd");
	CHECK_RESOLVES("..", RF_OPEN, "");
	CHECK_RESOLVES("/", RF_OPEN, "");
	/* the host's /etc/hostname or /etc/os-release must not be reachable */
	CHECK_RESOLVE_FAILS("../../../../etc/os-release", RF_OPEN, ENOENT);
}

static void rf_symlink_loop_is_eloop(void)
{
	CHECK_RESOLVE_FAILS("loop1", RF_OPEN, ELOOP);
	CHECK_RESOLVE_FAILS("/self/x", RF_OPEN, ELOOP);
	CHECK_RESOLVE_FAILS("loop2/a/b", RF_MKDIR, ELOOP);
	CHECK_RESOLVE_FAILS("loop1/f", RF_MKFILE, ELOOP);
}

static void rf_climbing_symlink_stays_inside(void)
{
	CHECK_RESOLVES("x/etc/passwd", RF_OPEN, "/etc/passwd");
	CHECK_RESOLVES("x", RF_OPEN, "");
	CHECK_RESOLVES("x/y", RF_MKDIR, "/y");
	CHECK_RESOLVES("sub/../x/x/x/y", RF_OPEN, "/y");
	CHECK_RESOLVE_FAILS("x/os-release-not-here", RF_OPEN, ENOENT);
}

static void rf_absolute_symlink_is_rooted(void)
{
	CHECK_RESOLVES("sub/abs/passwd", RF_OPEN, "/etc/passwd");
	CHECK_RESOLVES("/sub/abs/../etc/passwd", RF_OPEN, "/etc/passwd");
}

static void rf_mkfile_creates_a_regular_file(void)
{
	struct stat st;
	CHECK_RESOLVES("/newdir/deeper/file", RF_MKFILE, "/newdir/deeper/file");
	CHECK(fstatat(rootfd, "newdir/deeper/file", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode),
	      "not a regular file");
	CHECK(fstatat(rootfd, "newdir/deeper", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode),
	      "parent not a directory");
	/* an existing file is opened, not replaced */
	CHECK(put_file("newdir/deeper/file", "kept"), "write");
	CHECK_RESOLVES("/newdir/deeper/file", RF_MKFILE, "/newdir/deeper/file");
	CHECK(fstatat(rootfd, "newdir/deeper/file", &st, 0) == 0 && st.st_size == 4, "file was truncated");
}

static void rf_mkfile_through_hostile_dev_stays_inside(void)
{
	char want[PATH_MAX];
	struct stat st;
	snprintf(want, sizeof want, "%s/null", victim_dir);
	CHECK_RESOLVES("/dev/null", RF_MKFILE, want);
	CHECK(fstatat(rootfd, want + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode),
	      "no regular file %s%s", real_root, want);
}

static void rf_mkdir_creates_directories(void)
{
	struct stat st;
	CHECK_RESOLVES("/a/b/c", RF_MKDIR, "/a/b/c");
	CHECK(fstatat(rootfd, "a/b/c", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode), "not a directory");
	CHECK_RESOLVES("a//b/./c/", RF_OPEN, "/a/b/c");
}

static void rf_file_as_directory_is_enotdir(void)
{
	CHECK_RESOLVE_FAILS("file/x", RF_OPEN, ENOTDIR);
	CHECK_RESOLVE_FAILS("file/x", RF_MKDIR, ENOTDIR);
}

static void rf_open_missing_is_enoent(void)
{
	struct stat st;
	CHECK_RESOLVE_FAILS("/missing/dir", RF_OPEN, ENOENT);
	CHECK(fstatat(rootfd, "missing", &st, AT_SYMLINK_NOFOLLOW) < 0, "RF_OPEN created \"missing\"");
}

static void rf_too_long_is_enametoolong(void)
{
	char *path = malloc(PATH_MAX + 10);
	memset(path, 'a', PATH_MAX + 9);
	path[PATH_MAX + 9] = 0;
	errno = 0;
	int fd = resolver.fn(rootfd, path, RF_OPEN);
	int e = errno;
	free(path);
	if (fd >= 0)
		close(fd);
	CHECK(fd < 0 && e == ENAMETOOLONG, "fd %d errno %s", fd, strerror(e));
}

static void run_rootfs(const char *rule, void (*fn)(void))
{
	char name[200];
	snprintf(name, sizeof name, "%s: %s", resolver.name, rule);
	begin(name);
	if (rootfs_setup())
		fn();
	else
		fail_at(__LINE__, "cannot build the test rootfs: %s", strerror(errno));
	rootfs_teardown();
	end();
}

static void rootfs_tests(void)
{
	static const struct {
		const char *name;
		resolver_fn fn;
	} resolvers[] = { { "rootfs_walk", rootfs_walk }, { "rootfs_open", rootfs_open } };

	for (size_t i = 0; i < ARRAY_LEN(resolvers); i++) {
		resolver.name = resolvers[i].name;
		resolver.fn = resolvers[i].fn;
		run_rootfs("RF_MKDIR /dev/pts through dev -> host dir creates pts inside the root",
			   rf_mkdir_through_hostile_dev_stays_inside);
		run_rootfs("RF_MKFILE /dev/null through dev -> host dir creates the file inside the root",
			   rf_mkfile_through_hostile_dev_stays_inside);
		run_rootfs("RF_OPEN through a dangling dev symlink is ENOENT",
			   rf_open_through_dangling_dev_fails);
		run_rootfs("../../../../etc/passwd resolves inside the root", rf_dotdot_stays_inside);
		run_rootfs("symlink loops give ELOOP", rf_symlink_loop_is_eloop);
		run_rootfs("x -> ../../../.. then x/y stays inside", rf_climbing_symlink_stays_inside);
		run_rootfs("an absolute symlink is resolved from the root", rf_absolute_symlink_is_rooted);
		run_rootfs("RF_MKFILE creates a regular file and its parents", rf_mkfile_creates_a_regular_file);
		run_rootfs("RF_MKDIR creates every missing directory", rf_mkdir_creates_directories);
		run_rootfs("a file used as a directory is ENOTDIR", rf_file_as_directory_is_enotdir);
		run_rootfs("RF_OPEN of a missing path is ENOENT and creates nothing", rf_open_missing_is_enoent);
		run_rootfs("a path longer than PATH_MAX is ENAMETOOLONG", rf_too_long_is_enametoolong);
	}
}

/* === 9. JSON paths ====================================================== */

/* The JSON path of the first primitive token whose text is tok. */
static void path_of(struct json *j, const char *tok, char *out, size_t size)
{
	snprintf(out, size, "(no token %s)", tok);
	for (int i = 0; i < j->ntok; i++)
		if (j->tok[i].type == JSMN_PRIMITIVE && j->tok[i].end - j->tok[i].start == (int)strlen(tok) &&
		    !memcmp(j->buf + j->tok[i].start, tok, strlen(tok))) {
			json_path(j, i, out, size);
			return;
		}
}

static void test_json_path_of_nested_tokens(void)
{
	char text[] = "{\"a\":[{\"b\":[0,{\"c\":true}]}],\"d\":{\"e\":[[1,2],[3]]},\"f\\u0067\":4}";
	char p1[96], p2[96], p3[96], p4[96], top[96];
	struct json j;

	CHECK(json_parse(&j, text, sizeof text - 1) == 0, "refused: %s", j.err);
	path_of(&j, "true", p1, sizeof p1);
	path_of(&j, "3", p2, sizeof p2);
	path_of(&j, "2", p3, sizeof p3);
	path_of(&j, "4", p4, sizeof p4);
	json_path(&j, 0, top, sizeof top);
	free(j.tok);
	CHECK_STREQ(p1, "a[0].b[1].c");
	CHECK_STREQ(p2, "d.e[1][0]");
	CHECK_STREQ(p3, "d.e[0][1]");
	CHECK_STREQ(p4, "fg");
	CHECK_STREQ(top, "(top level)");
}

static void test_json_path_in_cfg_errors(void)
{
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'namespaces':[{'type':'pid'},{'type':'uts'},"
		       "{'type':'ipc','path':7}]}}") == -1, "accepted");
	CHECK_STREQ(cfg.json.err, "linux.namespaces[2].path: must be a string");
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'resources':{'blockIO':{'weightDevice':"
		       "[{'major':8,'minor':0,'weight':70000}]}}}}") == -1, "accepted");
	CHECK_STREQ(cfg.json.err, "linux.resources.blockIO.weightDevice[0].weight: 70000 out of range [0, 65535]");
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		       "[{'names':['read'],'action':'SCMP_ACT_ALLOW','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}}}") == -1,
	      "accepted");
	CHECK_STREQ(cfg.json.err, "linux.seccomp.syscalls[0].args[0].index: 6 out of range [0, 5]");
	CHECK(parse_sq("{'ociVersion':'1.0.0','process':{" PROC ",'user':{'uid':0,'gid':0,"
		       "'additionalGids':[1,2,'3']}}}") == -1, "accepted");
	CHECK_STREQ(cfg.json.err, "process.user.additionalGids[2]: must be an integer");
}

/* === 11. state.json ===================================================== */

/* The state a test parsed, freed before the next one. */
static struct state st;

/* Parse a state document written with ' for " (copied: parsing decodes
 * in place, and the state keeps the buffer). */
static int parse_state_sq(const char *text)
{
	size_t len = strlen(text);
	char *doc = malloc(len ? len : 1);
	if (!doc)
		abort();
	for (size_t i = 0; i < len; i++)
		doc[i] = text[i] == '\'' ? '"' : text[i];
	save_seed("state", doc, len);
	state_free(&st);
	memset(&st, 0, sizeof st);
	st.dirfd = -1;
	return state_parse(&st, doc, len);
}

#define STATE_DOC "'ociVersion':'1.3.0','id':'c1','pid':42,'bundle':'/b'"

static void test_state_parse_reads_fields(void)
{
	int r = parse_state_sq("{" STATE_DOC ",'annotations':{'a':'1'},'created':'now','owner':'0',"
			       "'pidStartTime':12345,'rootless':true,'cgroupPath':'/ocirun/c1'}");
	CHECK(r == 0, "refused: %s", st.json.err);
	CHECK_STREQ(st.id, "c1");
	CHECK_INTEQ(st.pid.v, 42);
	CHECK_STREQ(st.bundle, "/b");
	CHECK_INTEQ(st.annotations.n, 1);
	CHECK_STREQ(st.annotations.v[0].v, "1");
	CHECK_INTEQ(st.start_time.v, 12345);
	CHECK(st.rootless, "rootless not set");
	CHECK_STREQ(st.cgroup, "/ocirun/c1");
}

/* state_load dies on these; state_parse must return instead, so that a
 * fuzz target can feed it anything. */
static void test_state_parse_refuses_corrupt_documents(void)
{
	static const struct { const char *doc, *want; } bad[] = {
		{ "{" STATE_DOC, "invalid JSON" },
		{ "[1]", "top-level value must be an object" },
		{ "{'ociVersion':'1.3.0','id':'c1','bundle':'/b'}", "\"pid\" is required" },
		{ "{" STATE_DOC ",'annotations':{'a':1}}", "annotations.a: must be a string" },
		{ "{" STATE_DOC ",'pidStartTime':-1}", "pidStartTime: -1 out of range" },
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		CHECK(parse_state_sq(bad[i].doc) == -1, "accepted %s", bad[i].doc);
		CHECK_CONTAINS(st.json.err, bad[i].want);
	}
}

static void test_state_parse_reads_what_state_save_writes(void)
{
	struct state s = { .id = "c1", .bundle = "/b", .created = "2026-12-04T00:00:00Z", .owner = "0",
			   .pid = { 42, true }, .start_time = { 7, true }, .rootless = true, .cgroup = "/c" };
	struct jw w = { .indent = -1 };
	state_write_json(&w, &s, ST_CREATED, true);
	state_free(&st);
	st.dirfd = -1;
	int r = state_parse(&st, w.buf, w.len);  /* st owns w.buf now */
	CHECK(r == 0, "refused: %s", st.json.err);
	CHECK_STREQ(st.id, "c1");
	CHECK_INTEQ(st.start_time.v, 7);
	CHECK_STREQ(st.cgroup, "/c");
}

/* === 12. seccomp_compile =============================================== */

/* AddressSanitizer counts the bytes in use; without it (the cross builds'
 * unit tests) the leak test is skipped. */
#if defined(__SANITIZE_ADDRESS__)
size_t __sanitizer_get_current_allocated_bytes(void); /* <sanitizer/allocator_interface.h>, not in gcc 12 */
#define HAVE_ALLOC_COUNT 1
#endif

/*
 * Every syscall of this machine with two masked comparisons of its own
 * on one argument (libseccomp merges identical ones) makes some 4700
 * instructions: more than bpf_check allows.  The program read back from
 * libseccomp must then be freed (LeakSanitizer in the seccomp fuzz
 * target showed it leaked).
 */
static void test_seccomp_compile_frees_a_refused_program(void)
{
#ifndef HAVE_ALLOC_COUNT
	skip("needs AddressSanitizer to count the bytes in use");
#else
	struct sbuf b = { 0 };
	const char *sep = "";
	/* (within SECCOMP_MAX_COMPARISONS: two a rule, 256 rules, made long
	 * enough by filtering for more architectures) */
	sb_add(&b, "{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW',"
		   "'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32','SCMP_ARCH_AARCH64',"
		   "'SCMP_ARCH_ARM','SCMP_ARCH_RISCV64'],'syscalls':[");
	for (int nr = 0, rules = 0; nr < 400 && rules < SECCOMP_MAX_COMPARISONS / 2; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (!name)
			continue;
		rules++;
		sb_add(&b, "%s{'names':['%s'],'action':'SCMP_ACT_ERRNO','args':[", sep, name);
		for (int i = 0; i < 2; i++)
			sb_add(&b, "%s{'index':0,'value':%llu,'op':'SCMP_CMP_MASKED_EQ'}", i ? "," : "",
			       (nr * 2ull + i + 1) * 0x100000001ull);  /* both halves */
		sb_add(&b, "]}");
		sep = ",";
		free(name);
	}
	sb_add(&b, "]}}}");
	int r = parse_sq(b.s);
	free(b.s);
	CHECK(r == 0, "refused: %s", cfg.json.err);
	struct bpf_prog prog;
	char err[300];
	size_t before = __sanitizer_get_current_allocated_bytes();
	r = seccomp_compile(&cfg.linux.seccomp, 0, &prog, err, sizeof err);
	size_t after = __sanitizer_get_current_allocated_bytes();
	CHECK(r == -1, "compiled %u instructions", prog.len);
	CHECK_CONTAINS(err, "instructions (1 to 4096 allowed)");
	CHECK(after <= before, "%zu bytes more in use after the refusal", after - before);
#endif
}

/* === 13. the sealed trampoline ========================================== */

/* A filter of a few instructions: "nr == NR (and, with arg >= 0, the low
 * word of that argument == val) returns act; everything else is allowed". */
static struct bpf_prog tiny_filter(struct sock_filter *f, long nr, int arg, uint32_t val, uint32_t act)
{
	unsigned n = 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, arg >= 0 ? 3 : 1);
	if (arg >= 0) {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						     offsetof(struct seccomp_data, args) + 8 * (unsigned)arg +
							     (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, val, 0, 1);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, act);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return (struct bpf_prog){ .insns = f, .len = (unsigned short)n };
}

/* The interpreter gives the kernel's answers: by number, by argument, and
 * "not allowed" for what it cannot run; tramp_passes asks the calls the
 * trampoline makes. */
static void test_bpf_verdict_and_tramp_passes(void)
{
#ifndef TRAMP_AUDIT_ARCH
	skip("no trampoline on this architecture");
#else
	struct sock_filter f[8];
	struct bpf_prog p = tiny_filter(f, SYS_execveat, -1, 0, SECCOMP_RET_ERRNO | EPERM);
	CHECK(!bpf_allows(&p, SYS_execveat, (uint64_t[6]){ 0 }), "execveat allowed by a filter that refuses it");
	CHECK(bpf_allows(&p, SYS_execve, (uint64_t[6]){ 0 }), "execve refused by a filter about execveat");
	CHECK(!tramp_passes(&p, 5), "the trampoline passes a filter that refuses execveat");
	/* refused only with AT_EMPTY_PATH (a filter against fileless exec) */
	p = tiny_filter(f, SYS_execveat, 4, AT_EMPTY_PATH, SECCOMP_RET_KILL_PROCESS);
	CHECK(bpf_allows(&p, SYS_execveat, (uint64_t[6]){ 3, 1, 1, 1, 0 }), "execveat without flags refused");
	CHECK(!tramp_passes(&p, 5), "the trampoline passes a filter that kills execveat(AT_EMPTY_PATH)");
	/* SCMP_ACT_LOG lets the call through; a notification does not */
	p = tiny_filter(f, __NR_fcntl, 1, F_SETFD, SECCOMP_RET_LOG);
	CHECK(tramp_passes(&p, 5), "the trampoline refused by a filter that only logs fcntl(F_SETFD)");
	p = tiny_filter(f, __NR_fcntl, 1, F_SETFD, SECCOMP_RET_USER_NOTIF);
	CHECK(!tramp_passes(&p, 5), "the trampoline passes a filter that sends fcntl(F_SETFD) to an agent");
	/* the architecture is the native one */
	struct sock_filter arch[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRAMP_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	p = (struct bpf_prog){ .insns = arch, .len = ARRAY_LEN(arch) };
	CHECK(tramp_passes(&p, 5), "the native architecture is not the one the filter sees");
	/* an instruction the kernel would refuse is not allowed */
	struct sock_filter bad[] = { BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	p = (struct bpf_prog){ .insns = bad, .len = ARRAY_LEN(bad) };
	CHECK(!tramp_passes(&p, 5), "an instruction the kernel refuses counted as allowing");
#if OCIRUN_SECCOMP
	/* an allowlist without execveat, as libseccomp compiles it */
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ERRNO',"
		       "'syscalls':[{'names':['execve','fcntl','writev','exit_group'],'action':'SCMP_ACT_ALLOW'}]}}}") == 0,
	      "refused: %s", cfg.json.err);
	char err[300];
	CHECK(seccomp_compile(&cfg.linux.seccomp, 0, &p, err, sizeof err) == 0, "%s", err);
	CHECK(!tramp_passes(&p, 5), "the trampoline passes an allowlist without execveat");
	config_free();
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ERRNO',"
		       "'syscalls':[{'names':['execve','execveat','fcntl','writev','exit_group'],"
		       "'action':'SCMP_ACT_ALLOW'}]}}}") == 0,
	      "refused: %s", cfg.json.err);
	CHECK(seccomp_compile(&cfg.linux.seccomp, 0, &p, err, sizeof err) == 0, "%s", err);
	CHECK(tramp_passes(&p, 5), "the trampoline refused by an allowlist with its calls");
#endif
#endif
}

/*
 * Run the trampoline with args (its own two, then the program's) and the
 * write end of a SEQPACKET pair as FD; returns the exit status and, in
 * msg, what it wrote ("" for EOF).  Under qemu-user (OCIRUN_UNIT_QEMU: the
 * emulator's path), which cannot exec a foreign memfd, the trampoline's
 * bytes run from a file through the emulator.
 */
static int run_tramp(int tramp, const char *first, const char *path, char *const *argv, char *msg, size_t size)
{
	int sv[2];
	char img[64] = "";
	const char *qemu = getenv("OCIRUN_UNIT_QEMU");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (qemu && *qemu) {
		char buf[1024];
		snprintf(img, sizeof img, "/tmp/ocirun-unit-tramp.%d", (int)getpid());
		ssize_t n = pread(tramp, buf, sizeof buf, 0);
		int fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		if (n <= 0 || fd < 0 || write(fd, buf, (size_t)n) != n)
			return -1;
		close(fd);
	}
	pid_t pid = fork();
	if (pid == 0) {
		char **targs = tramp_args(sv[1], path, argv);
		if (first)
			targs[0] = (char *)first;
		fcntl(sv[1], F_SETFD, 0);
		if (img[0]) {
			/* (-0: the emulator's own argv[0] for the program is its path) */
			char *v[64] = { (char *)qemu, "-0", targs[0], img };
			for (int i = 1; targs[i] && i < 60; i++)
				v[i + 3] = targs[i];
			execv(qemu, v);
			_exit(126);
		}
		exec_program(tramp, targs, path, argv, environ);
		_exit(126);
	}
	close(sv[1]);
	ssize_t n = recv(sv[0], msg, size - 1, 0);
	msg[n > 0 ? n : 0] = 0;
	close(sv[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (img[0])
		unlink(img);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The trampoline as the runtime makes it: sealed, execs the program with
 * its argv and environment and FD closed; tells a failed exec's errno and
 * path on FD; refuses to be anything else (a script's interpreter). */
static void test_tramp_execs_and_reports(void)
{
	if (!tramp_available()) {
		skip("no trampoline in this build (architecture or linker)");
		return;
	}
	char msg[512];
	int tramp = tramp_make();
	CHECK(tramp >= 0, "no trampoline made");
	int seals = fcntl(tramp, F_GET_SEALS);
	CHECK(seals >= 0 && (seals & SEALS_ALL) == SEALS_ALL, "the trampoline is not sealed: %#x", seals);
	CHECK(pwrite(tramp, "x", 1, 0) < 0 && errno == EPERM, "the trampoline could be written");
	/* the program runs, with its argv; FD is closed in it */
	int st = run_tramp(tramp, NULL, "/bin/sh",
			   (char *[]){ "sh", "-c", "[ \"$0\" = a0 ] && [ \"$1\" = a1 ] && exit 7", "a0", "a1", NULL },
			   msg, sizeof msg);
	CHECK_INTEQ(st, 7);
	CHECK(!msg[0], "the trampoline wrote on a successful exec: %s", msg);
	st = run_tramp(tramp, NULL, "/bin/sh",
		       (char *[]){ "sh", "-c", "for f in /proc/self/fd/*; do readlink $f; done | grep -q socket: && exit 3; exit 0", NULL },
		       msg, sizeof msg);
	CHECK(st == 0, "the program holds the result descriptor (a socket): status %d", st);
	/* a failed exec: 'X', the errno, the path; status 127 */
	st = run_tramp(tramp, NULL, "/nonexistent/prog", (char *[]){ "prog", NULL }, msg, sizeof msg);
	CHECK_INTEQ(st, 127);
	struct sync_msg x;
	memcpy(&x, msg, sizeof x);
	CHECK(x.type == 'X' && x.pid == ENOENT, "the failure message is type %d errno %d", x.type, x.pid);
	CHECK_STREQ(msg + sizeof x, "/nonexistent/prog");
	/* as the interpreter of a script: exits, writes nothing anywhere */
	st = run_tramp(tramp, "/proc/self/exe", "/bin/true", (char *[]){ "true", NULL }, msg, sizeof msg);
	CHECK_INTEQ(st, 127);
	CHECK(!msg[0], "the trampoline wrote when named as an interpreter: %s", msg);
	st = run_tramp(tramp, "", "/bin/true", (char *[]){ "true", NULL }, msg, sizeof msg);
	CHECK_INTEQ(st, 127);
	close(tramp);
}

/* === main =============================================================== */

/* === hardening helpers =================================================== */

/* Run fn in a child; its exit status and what it wrote to stderr. */
static int in_child(void (*fn)(void), char *err, size_t size)
{
	int p[2], st = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 2);
		fn();
		_exit(0);
	}
	close(p[1]);
	ssize_t n = read(p[0], err, size - 1);
	err[n > 0 ? n : 0] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char not_proc[64];
static void write_not_proc(void)
{
	proc_write_at(AT_FDCWD, not_proc, "redirected");
}
static void write_proc_comm(void)
{
	_exit(proc_write_at(AT_FDCWD, "/proc/self/comm", "unit-renamed") == 0 ? 0 : 3);
}

static void test_proc_write_refuses_other_files(void)
{
	char err[512], buf[32] = "";
	snprintf(not_proc, sizeof not_proc, "/tmp/ocirun-unit-proc.%d", (int)getpid());
	int fd = open(not_proc, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, "orig", 4) == 4, "cannot make %s", not_proc);
	close(fd);
	int rc = in_child(write_not_proc, err, sizeof err);
	fd = open(not_proc, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && read(fd, buf, sizeof buf - 1) >= 0, "cannot read back %s", not_proc);
	close(fd);
	unlink(not_proc);
	CHECK(rc == 1, "a write meant for /proc went to a plain file (status %d)", rc);
	CHECK_CONTAINS(err, "is not on procfs");
	CHECK_STREQ(buf, "orig");
	CHECK(in_child(write_proc_comm, err, sizeof err) == 0, "a write to /proc/self/comm failed: %s", err);
}

/* which of fds 0..31 are open, as a string of 0 and 1 */
static void open_fds(char out[33])
{
	for (int fd = 0; fd < 32; fd++)
		out[fd] = fcntl(fd, F_GETFD) >= 0 ? '1' : '0';
	out[32] = 0;
}
static void close_all_but_kept(void)
{
	char got[33];
	for (int i = 3; i < 20; i++)
		if (fcntl(i, F_GETFD) < 0)
			dup2(0, i);
	int keep[] = { 9, 15, -1, 2 };
	close_fds_except(2, keep, 4);
	open_fds(got);
	/* stdio, the two preserved (3, 4), and 9 and 15 */
	_exit(strcmp(got, "11111000010000010000000000000000") ? 3 : 0);
}

static void test_close_fds_except(void)
{
	char err[64];
	CHECK(in_child(close_all_but_kept, err, sizeof err) == 0, "other descriptors stayed open, or kept ones closed");
}

static void test_seccomp_errno_range(void)
{
	static const struct { const char *doc, *err; } bad[] = {
		{ "'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO','errnoRet':65536}]",
		  "linux.seccomp.syscalls[0].errnoRet: 65536 out of range [1, 4095]" },
		{ "'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO','errnoRet':0}]",
		  "linux.seccomp.syscalls[0].errnoRet: 0 out of range [1, 4095]" },
		{ "'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO','errnoRet':-1}]",
		  "linux.seccomp.syscalls[0].errnoRet: -1 out of range [1, 4095]" },
		{ "'syscalls':[{'names':['mkdir'],'action':'SCMP_ACT_TRACE','errnoRet':65536}]",
		  "linux.seccomp.syscalls[0].errnoRet: 65536 out of range [0, 65535]" },
	};
	char doc[512];
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		snprintf(doc, sizeof doc, "{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW',%s}}}",
			 bad[i].doc);
		CHECK(parse_sq(doc) < 0, "accepted: %s", bad[i].doc);
		CHECK_CONTAINS(cfg.json.err, bad[i].err);
	}
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':65537}}}") < 0,
	      "defaultErrnoRet 65537 accepted");
	CHECK_CONTAINS(cfg.json.err, "linux.seccomp.defaultErrnoRet: 65537 out of range [1, 4095]");
	CHECK(parse_sq("{'ociVersion':'1.0.0','linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		       "[{'names':['mkdir'],'action':'SCMP_ACT_ERRNO','errnoRet':4095},"
		       "{'names':['rmdir'],'action':'SCMP_ACT_TRACE','errnoRet':0}]}}}") == 0,
	      "refused: %s", cfg.json.err);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_watchdog);
	signal(SIGPIPE, SIG_IGN);

	/* 1 */
	spec_configs("good");
	spec_configs("bad");

	/* 2 */
	bad_json_cases();
	run("refuses nesting of 65 levels, accepts 64", test_nesting_limit_is_64_levels);
	run("refuses 200000 nested arrays without quadratic time (a 4 s guard; it took 45 s)", test_nesting_200000_levels_refused_quickly);
	run("refuses 5000 mounts with a size message", test_5000_mounts_refused);
	run("accepts 4096 mounts", test_4096_mounts_accepted);
	run("parses an object of 150000 keys without quadratic time (a 4 s guard)", test_many_keys_parse_quickly);
	run("a syntax error after more tokens than the parser's first guess is refused once",
	    test_bad_after_the_token_guess);

	/* 3 */
	run("string escapes and surrogate pairs decode to UTF-8", test_string_escapes_decode_to_utf8);
	run("an empty key and value decode to empty strings", test_empty_string_decodes);
	run("rlimit hard 18446744073709551615 is UINT64_MAX", test_rlimit_hard_uint64_max);
	run("process values are parsed", test_process_values);
	run("unknown properties are ignored everywhere", test_unknown_properties_ignored);
	run("mount options ro nosuid nodev noexec set flags, others go to data",
	    test_mount_options_flags);
	run("mount option rw after ro clears MS_RDONLY", test_mount_option_rw_clears_ro);
	run("mount option ro after rw sets MS_RDONLY", test_mount_option_ro_after_rw_sets_ro);
	run("mount options rbind and rprivate: bind, rec, MS_PRIVATE|MS_REC", test_mount_option_rbind_rprivate);
	run("mount options bind and slave: not recursive, MS_SLAVE", test_mount_option_bind_not_recursive);
	run("mount type bind is a bind mount", test_mount_type_bind_is_a_bind);
	run("recursive mount attributes rro rnosuid rnoatime rrw", test_mount_recursive_attributes);
	run("capability names map to their bits (CAP_SYS_ADMIN is 21)", test_capabilities_map_to_bits);
	run("cap_names matches <linux/capability.h>", test_capability_names_match_the_kernel);
	run("an unknown capability is refused, naming its JSON path", test_unknown_capability_refused);
	run("a user namespace without mappings maps the caller onto process.user",
	    test_userns_without_mappings_maps_the_caller);
	run("namespaces give ns_new and ns_join", test_namespace_flags);
	run("no namespaces give no flags", test_no_namespaces_no_flags);
	run("a joined user namespace allows id mappings", test_joined_user_namespace_allows_mappings);
	run("a new user namespace with mappings is accepted", test_userns_doc_accepted);
	run("devices and sysctl are parsed", test_devices_and_sysctl_values);
	run("a sysctl outside the container's namespaces is refused", test_sysctl_must_be_namespaced);

	/* 4 */
	run("cfg_check_version accepts 1.0.0 to 1.3.x", test_version_accepted);
	run("cfg_check_version refuses other versions", test_version_refused);
	run("cfg_check_version refuses non-SemVer spellings", test_version_refuses_non_semver);

	/* 5 */
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ocirun-unit.XXXXXX");
	if (mkdtemp(tmpdir) && (tmpfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		run("read_config_file reads a regular file whole", test_read_regular_file);
		run("read_config_file reads an empty file", test_read_empty_file);
		run("read_config_file reports a missing file", test_read_missing_file);
		run("read_config_file refuses a FIFO without blocking", test_read_fifo_refused);
		run("read_config_file refuses a symlink to /dev/zero", test_read_dev_zero_symlink_refused);
		run("read_config_file refuses a directory", test_read_directory_refused);
		run("read_config_file refuses a 5 MiB file", test_read_5mib_refused);
		run("read_config_file accepts 4 MiB, refuses 4 MiB + 1", test_read_limit_is_4mib);
		close(tmpfd);
		rm_rf(tmpdir);
	} else {
		begin("read_config_file");
		fail_at(__LINE__, "cannot make a temporary directory: %s", strerror(errno));
		end();
	}

	/* 6, 7 */
	run("valid_id refuses empty, dot, dot-dot, slashes, spaces, 300 chars", test_valid_id_refused);
	run("valid_id accepts c1, my_container-1.2+x, 255 chars", test_valid_id_accepted);
	run("parse_signal accepts names, SIG names, numbers, SIGRTMIN+n", test_parse_signal_accepted);
	run("parse_signal refuses FOO, 0, 999 and malformed names", test_parse_signal_refused);

	/* 8 */
	rootfs_tests();

	/* 9 */
	run("json_path names nested array elements and keys", test_json_path_of_nested_tokens);
	run("cfg_parse errors start with the JSON path", test_json_path_in_cfg_errors);

	/* 10 */
	run("a write meant for /proc is refused on a file that is not procfs's", test_proc_write_refuses_other_files);
	run("close_fds_except keeps stdio, the preserved and the kept descriptors only", test_close_fds_except);
	run("seccomp errnoRet and defaultErrnoRet must be 1..4095 (0..65535 for SCMP_ACT_TRACE)",
	    test_seccomp_errno_range);

	/* 11 */
	run("state_parse reads the fields of state.json", test_state_parse_reads_fields);
	run("state_parse refuses corrupt documents without exiting", test_state_parse_refuses_corrupt_documents);
	run("state_parse reads what state_save writes", test_state_parse_reads_what_state_save_writes);
	state_free(&st);

	/* 12 */
	run("seccomp_compile frees the program it refuses as too long", test_seccomp_compile_frees_a_refused_program);

	/* 13 */
	run("the seccomp interpreter and tramp_passes give the kernel's verdicts", test_bpf_verdict_and_tramp_passes);
	run("the sealed trampoline execs the program, reports a failed exec, refuses other uses",
	    test_tramp_execs_and_reports);

	printf("%d passed, %d failed, %d skipped\n", T.passed, T.nfailed, T.nskipped);
	return T.nfailed ? 1 : 0;
}
