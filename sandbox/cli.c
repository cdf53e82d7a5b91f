/* SPDX-License-Identifier: MIT */
/*
 * cli.c: argv -> struct run_opts for fdbroker-run.  No side effects
 * beyond getopt's own state, which it resets: nothing is printed, opened
 * or checked on disk here (policy files and profiles are loaded by the
 * caller, which reports their errors).
 */
#include "config.h"

#include <sys/resource.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "errmsg.h"
#include "fdbroker.h"

enum {
	OPT_DENY = 256,
	OPT_PROFILE,
	OPT_LOG,
	OPT_LEARN,
	OPT_FAIL_ON_DENY,
	OPT_DENY_ERRNO,
	OPT_ALLOW_NET,
	OPT_CHDIR,
	OPT_SETENV,
	OPT_UNSETENV,
	OPT_CLEARENV,
	OPT_TIMEOUT,
	OPT_RLIMIT,
	OPT_REQUIRE_LANDLOCK,
	OPT_HOST_SHM,
	OPT_PRIVATE_TMP
};

/* The names of --rlimit, as prlimit(1) and bash's ulimit know them. */
static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "stack", RLIMIT_STACK },
};

#define NRLIMITS	(sizeof(rlimits) / sizeof(rlimits[0]))

static const char shortopts[] = "+:r:w:c:x:p:qvhV";

static const struct option longopts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "write", required_argument, NULL, 'w' },
	{ "create", required_argument, NULL, 'c' },
	{ "exec", required_argument, NULL, 'x' },
	{ "deny", required_argument, NULL, OPT_DENY },
	{ "policy", required_argument, NULL, 'p' },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "learn", required_argument, NULL, OPT_LEARN },
	{ "fail-on-deny", no_argument, NULL, OPT_FAIL_ON_DENY },
	{ "deny-errno", required_argument, NULL, OPT_DENY_ERRNO },
	{ "allow-net", no_argument, NULL, OPT_ALLOW_NET },
	{ "host-shm", no_argument, NULL, OPT_HOST_SHM },
	{ "private-tmp", no_argument, NULL, OPT_PRIVATE_TMP },
	{ "chdir", required_argument, NULL, OPT_CHDIR },
	{ "setenv", required_argument, NULL, OPT_SETENV },
	{ "unsetenv", required_argument, NULL, OPT_UNSETENV },
	{ "clearenv", no_argument, NULL, OPT_CLEARENV },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "rlimit", required_argument, NULL, OPT_RLIMIT },
	{ "require-landlock", no_argument, NULL, OPT_REQUIRE_LANDLOCK },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static const char usage[] =
"usage: fdbroker-run [OPTIONS] -- COMMAND [ARG...]\n"
"Grants (repeatable; a rule on a directory covers the tree beneath):\n"
"  -r, --read PATH        grant r on PATH     -r /etc/ssl/openssl.cnf\n"
"  -w, --write PATH       grant rw on PATH    -w ./out.log\n"
"  -c, --create PATH      grant rwc on PATH   -c ./build\n"
"  -x, --exec PATH        grant rx on PATH    -x ./bin\n"
"      --allow-net        let the command create network sockets\n"
"      --host-shm         no private /dev/shm: rules on the host's apply\n"
"      --private-tmp      a private /tmp, as /dev/shm (no rule under /tmp)\n"
"Policy:\n"
"      --deny PATH|GLOB   refuse PATH (or what GLOB matches, also files\n"
"                         made later) even inside a granted tree\n"
"                         --deny '**/.env' --deny '~/.ssh'\n"
"  -p, --policy FILE      add the rules in FILE     -p build.policy\n"
"      --profile NAME     built-in rules: system (the default), none or\n"
"                         net; several add up      --profile none\n"
"      --deny-errno NAME  errno for denials (default EACCES)\n"
"      --require-landlock refuse to run (125) where the kernel lacks the\n"
"                         Landlock features the confinement relies on\n"
"Environment of the command (applied in command-line order):\n"
"      --chdir DIR        run the command in DIR   --chdir /srv/src\n"
"      --setenv VAR VALUE set VAR                  --setenv LANG C\n"
"      --unsetenv VAR     remove VAR               --unsetenv SSH_AUTH_SOCK\n"
"      --clearenv         remove every variable    --clearenv\n"
"Limits:\n"
"      --timeout SECONDS  kill the whole sandbox after SECONDS (suffix s,\n"
"                         m, h, d), status 124     --timeout 1.5m\n"
"      --rlimit NAME=VALUE  the command's limit (soft = hard): as, core,\n"
"                         cpu, data, fsize, memlock, nofile, nproc,\n"
"                         stack; a number (K, M, G) or unlimited\n"
"                         --rlimit nofile=256 --rlimit as=4G\n"
"Logging:\n"
"      --log FILE         append one JSON object per decision; '-' = stderr\n"
"      --learn FILE       allow everything, and write to FILE the policy\n"
"                         that the run needed\n"
"      --fail-on-deny     exit with status 122 if any request was denied\n"
"  -q, --quiet            no summary of the denials at the end\n"
"  -v, --verbose          print each denial to stderr as it happens\n"
"  -h, --help / -V, --version\n"
"Exit status: the command's; 128+N if it died of signal N; 122 with\n"
"--fail-on-deny when a request was denied; 124 time limit; 125 if\n"
"fdbroker-run failed; 126 command not executable; 127 command not found.\n";

static int	 add_rule(struct run_opts *o, unsigned perms,
		    const char *path, const char *opt, char *err,
		    size_t errlen);
static int	 take_option(struct run_opts *o, int c, const char *arg,
		    const char *opt, char *err, size_t errlen);
static int	 take_run(struct run_opts *o, int c, const char *arg,
		    const char *opt, char *err, size_t errlen);
static int	 take_env(struct run_opts *o, int c, const char *arg,
		    const char *value, const char *opt, char *err,
		    size_t errlen);
static int	 take_timeout(struct run_opts *o, const char *arg,
		    const char *opt, char *err, size_t errlen);
static int	 take_rlimit(struct run_opts *o, const char *arg,
		    const char *opt, char *err, size_t errlen);
static int	 alloc_lists(struct run_opts *o, size_t n);
static const char *option_name(int c, const char *word, char buf[64]);
static int	 unknown(const char *word, char *err, size_t errlen);

int
cli_parse(int argc, char *argv[], struct run_opts *o, char *err,
	  size_t errlen)
{
	char name[64];
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->deny_errno = EACCES;
	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return errmsg(err, errlen, EINVAL, "no arguments");
	if (alloc_lists(o, (size_t)argc) == -1)
		return -1;
	optind = 0;	/* glibc: 0 also re-initialises its internal state */
	opterr = 0;
	for (;;) {
		idx = -1;
		c = getopt_long(argc, argv, shortopts, longopts, &idx);
		if (c == -1)
			break;
		if (c == '?')
			return unknown(argv[optind - 1], err, errlen);
		if (c == ':')
			return errmsg(err, errlen, EINVAL,
			    "option '%s' needs an argument",
			    option_name(optopt, argv[optind - 1], name));
		if (idx >= 0)
			snprintf(name, sizeof(name), "--%s",
			    longopts[idx].name);
		else
			option_name(c, NULL, name);
		/* --setenv VAR VALUE: the value is the next word, as bwrap. */
		if (c == OPT_SETENV && optind >= argc)
			return errmsg(err, errlen, EINVAL,
			    "option '%s' needs a variable "
			    "and a value", name);
		if (take_env(o, c, optarg, c == OPT_SETENV ? argv[optind++] :
		    NULL, name, err, errlen) == -1 ||
		    take_option(o, c, optarg, name, err, errlen) == -1)
			return -1;
	}
	if (o->help || o->version)
		return 0;
	if (optind >= argc)
		return errmsg(err, errlen, EINVAL, "no command given (usage: "
		    "fdbroker-run [OPTIONS] -- COMMAND [ARG...])");
	o->argv = argv + optind;
	return 0;
}

void
cli_clear(struct run_opts *o)
{
	int save_errno = errno;

	free(o->rules);
	free(o->policies);
	free(o->profiles);
	free(o->env);
	free(o->rlimits);
	o->rules = NULL;
	o->policies = o->profiles = NULL;
	o->env = NULL;
	o->rlimits = NULL;
	o->nrules = o->npolicies = o->nprofiles = o->nenv = o->nrlimits = 0;
	errno = save_errno;
}

int
cli_abspath(const char *cwd, const char *path, char *buf, size_t buflen)
{
	int n;

	if (path == NULL || path[0] == '\0' || cwd == NULL ||
	    (path[0] != '/' && cwd[0] != '/')) {
		errno = EINVAL;
		return -1;
	}
	if (path[0] == '/')
		n = snprintf(buf, buflen, "%s", path);
	else
		n = snprintf(buf, buflen, "%s%s%s", cwd,
		    cwd[strlen(cwd) - 1] == '/' ? "" : "/", path);
	if (n < 0 || (size_t)n >= buflen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

const char *
cli_rlimit_name(int resource)
{
	size_t i;

	for (i = 0; i < NRLIMITS; i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return NULL;
}

const char *
cli_usage(void)
{
	return usage;
}

/*
 * Room for every entry the command line could hold (@n words), so that
 * parsing never reallocates.
 */
static int
alloc_lists(struct run_opts *o, size_t n)
{
	o->rules = calloc(n, sizeof(*o->rules));
	o->policies = calloc(n, sizeof(*o->policies));
	o->profiles = calloc(n, sizeof(*o->profiles));
	o->env = calloc(n, sizeof(*o->env));
	o->rlimits = calloc(n, sizeof(*o->rlimits));
	if (o->rules == NULL || o->policies == NULL || o->profiles == NULL ||
	    o->env == NULL || o->rlimits == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Store one option's effect in @o; @opt names it for messages. */
static int
take_option(struct run_opts *o, int c, const char *arg, const char *opt,
	    char *err, size_t errlen)
{
	switch (c) {
	case 'r':
		return add_rule(o, FDB_R, arg, opt, err, errlen);
	case 'w':
		return add_rule(o, FDB_R | FDB_W, arg, opt, err, errlen);
	case 'c':
		return add_rule(o, FDB_R | FDB_W | FDB_C, arg, opt, err,
		    errlen);
	case 'x':
		return add_rule(o, FDB_R | FDB_X, arg, opt, err, errlen);
	case OPT_DENY:
		return add_rule(o, FDB_DENY, arg, opt, err, errlen);
	case 'p':
	case OPT_PROFILE:
		if (arg[0] == '\0')
			return errmsg(err, errlen, EINVAL, "option '%s': empty "
			    "%s", opt, c == 'p' ? "file name" : "name");
		if (c == 'p')
			o->policies[o->npolicies++] = arg;
		else
			o->profiles[o->nprofiles++] = arg;
		return 0;
	case OPT_SETENV:
	case OPT_UNSETENV:
	case OPT_CLEARENV:
		return 0;	/* take_env() */
	case OPT_LOG:
	case OPT_LEARN:
		if (arg[0] == '\0')
			return errmsg(err, errlen, EINVAL,
			    "option '%s': empty file name", opt);
		if (c == OPT_LOG)
			o->log = arg;
		else
			o->learn = arg;
		return 0;
	case OPT_DENY_ERRNO:
		if ((o->deny_errno = audit_errno_value(arg)) == -1)
			return errmsg(err, errlen, EINVAL,
			    "option '%s': unknown errno "
			    "name '%.32s' (e.g. EACCES, EPERM, ENOENT)", opt,
			    arg);
		return 0;
	case OPT_CHDIR:
	case OPT_TIMEOUT:
	case OPT_RLIMIT:
	case OPT_REQUIRE_LANDLOCK:
	case 'q':
	case OPT_FAIL_ON_DENY:
	case OPT_ALLOW_NET:
	case OPT_HOST_SHM:
	case OPT_PRIVATE_TMP:
	case 'v':
	case 'h':
	case 'V':
		return take_run(o, c, arg, opt, err, errlen);
	}
	return errmsg(err, errlen, EINVAL, "unexpected option '%s'", opt);
}

/* The options about how the command runs, and the flags. */
static int
take_run(struct run_opts *o, int c, const char *arg, const char *opt,
	 char *err, size_t errlen)
{
	switch (c) {
	case OPT_CHDIR:
		if (arg[0] == '\0')
			return errmsg(err, errlen, EINVAL,
			    "option '%s': empty directory",
			    opt);
		o->chdir = arg;
		return 0;
	case OPT_TIMEOUT:
		return take_timeout(o, arg, opt, err, errlen);
	case OPT_RLIMIT:
		return take_rlimit(o, arg, opt, err, errlen);
	}
	/* The flags. */
	if (c == OPT_REQUIRE_LANDLOCK)
		o->require_landlock = 1;
	else if (c == 'q')
		o->quiet = 1;
	else if (c == OPT_FAIL_ON_DENY)
		o->fail_on_deny = 1;
	else if (c == OPT_ALLOW_NET)
		o->allow_net = 1;
	else if (c == OPT_HOST_SHM)
		o->host_shm = 1;
	else if (c == OPT_PRIVATE_TMP)
		o->private_tmp = 1;
	else if (c == 'v')
		o->verbose = 1;
	else if (c == 'h')
		o->help = 1;
	else
		o->version = 1;	/* -V */
	return 0;
}

/* --setenv, --unsetenv, --clearenv: one entry each, in order. */
static int
take_env(struct run_opts *o, int c, const char *arg, const char *value,
	 const char *opt, char *err, size_t errlen)
{
	struct run_env *e = &o->env[o->nenv];

	if (c != OPT_SETENV && c != OPT_UNSETENV && c != OPT_CLEARENV)
		return 0;
	if (c == OPT_CLEARENV) {
		e->op = RUN_ENV_CLEAR;
		o->nenv++;
		return 0;
	}
	/* setenv(3) refuses these; say so before anything runs. */
	if (arg[0] == '\0' || strchr(arg, '=') != NULL)
		return errmsg(err, errlen, EINVAL,
		    "option '%s': bad variable name "
		    "'%.64s'", opt, arg);
	e->op = c == OPT_SETENV ? RUN_ENV_SET : RUN_ENV_UNSET;
	e->var = arg;
	e->value = value;
	o->nenv++;
	return 0;
}

/*
 * --timeout SECONDS: a decimal number, a fraction allowed, with an
 * optional unit s, m, h or d, as timeout(1); 0 means no limit.  Kept
 * in milliseconds, at most about 49 days on 32 bits.
 */
static int
take_timeout(struct run_opts *o, const char *arg, const char *opt,
	     char *err, size_t errlen)
{
	static const char units[] = "smhd";
	static const double scale[] = { 1, 60, 3600, 86400 };
	const char *u;
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	/* Decimal only: strtod() would take hex, "inf" and exponents. */
	if (end == arg || !isdigit((unsigned char)arg[0]) || errno != 0 ||
	    strspn(arg, "0123456789.") != (size_t)(end - arg))
		goto bad;
	if (*end != '\0') {
		if ((u = strchr(units, *end)) == NULL || end[1] != '\0')
			goto bad;
		v *= scale[u - units];
	}
	v *= 1000;
	if (v >= (double)ULONG_MAX)
		goto bad;
	/* A positive limit below a millisecond is still a limit. */
	o->timeout_ms = v > 0 && v < 1 ? 1 : (unsigned long)v;
	return 0;
bad:
	return errmsg(err, errlen, EINVAL,
	    "option '%s': bad duration '%.32s' (e.g. "
	    "10, 2.5, 5m, 1h)", opt, arg);
}

/* --rlimit NAME=VALUE: VALUE is "unlimited" or a number, K, M or G. */
static int
take_rlimit(struct run_opts *o, const char *arg, const char *opt,
	    char *err, size_t errlen)
{
	static const char sfx[] = "KkMmGg";
	struct run_rlimit *r = &o->rlimits[o->nrlimits];
	const char *eq = strchr(arg, '='), *v, *k;
	unsigned long long n, mul = 1;
	char *end;
	size_t i;

	for (i = 0; eq != NULL && i < NRLIMITS; i++)
		if (strlen(rlimits[i].name) == (size_t)(eq - arg) &&
		    strncmp(rlimits[i].name, arg, (size_t)(eq - arg)) == 0)
			break;
	if (eq == NULL || i == NRLIMITS)
		return errmsg(err, errlen, EINVAL, "option '%s': unknown limit "
		    "'%.*s' (as, core, cpu, data, fsize, memlock, nofile, "
		    "nproc, stack)", opt, eq != NULL ? (int)(eq - arg) : 32,
		    arg);
	v = eq + 1;
	r->resource = rlimits[i].resource;
	r->arg = arg;
	if (strcmp(v, "unlimited") == 0 || strcmp(v, "infinity") == 0) {
		r->value = RLIM_INFINITY;
		o->nrlimits++;
		return 0;
	}
	errno = 0;
	n = strtoull(v, &end, 10);
	/* K, M, G: powers of 1024, as ulimit's units. */
	if (end[0] != '\0' && end[1] == '\0' &&
	    (k = strchr(sfx, end[0])) != NULL)
		mul = 1ull << ((k - sfx) / 2 + 1) * 10;
	if (!isdigit((unsigned char)v[0]) || errno != 0 ||
	    (end[0] != '\0' && mul == 1) || n > RLIM_INFINITY / mul ||
	    n * mul == RLIM_INFINITY)
		return errmsg(err, errlen, EINVAL,
		    "option '%s': bad value '%.32s' "
		    "(a number, K, M or G, or unlimited)", opt, v);
	r->value = (rlim_t)(n * mul);
	o->nrlimits++;
	return 0;
}

static int
add_rule(struct run_opts *o, unsigned perms, const char *path,
	 const char *opt, char *err, size_t errlen)
{
	if (path[0] == '\0')
		return errmsg(err, errlen, EINVAL,
		    "option '%s': empty path", opt);
	/* The shell expands globs; one left here matched nothing. */
	if (perms != FDB_DENY && strpbrk(path, "*?") != NULL)
		return errmsg(err, errlen, EINVAL,
		    "option '%s': '*' and '?' only in "
		    "--deny: a glob never grants ('%.64s')", opt, path);
	o->rules[o->nrules].perms = perms;
	o->rules[o->nrules].path = path;
	o->nrules++;
	return 0;
}

/*
 * The option as the user wrote it: "--name" without any "=value" for a
 * long option (@word is argv's), else "-c".
 */
static const char *
option_name(int c, const char *word, char buf[64])
{
	size_t n;

	if (word != NULL && word[0] == '-' && word[1] == '-') {
		n = strcspn(word, "=");
		if (n > 63)
			n = 63;
		memcpy(buf, word, n);
		buf[n] = '\0';
	} else if (c > 0 && c < 256) {
		buf[0] = '-';
		buf[1] = (char)c;
		buf[2] = '\0';
	} else
		snprintf(buf, 64, "%.63s", word != NULL ? word : "?");
	return buf;
}

/* The message for getopt's '?': @word is the offending argv element. */
static int
unknown(const char *word, char *err, size_t errlen)
{
	char name[64];

	/* "--verbose=1" comes here too, with optopt set to 'v'. */
	if (word[0] == '-' && word[1] == '-' && optopt != 0)
		return errmsg(err, errlen, EINVAL,
		    "option '%s' takes no argument",
		    option_name(0, word, name));
	if (word[0] == '-' && word[1] == '-')
		return errmsg(err, errlen, EINVAL, "unknown option '%s'",
		    option_name(0, word, name));
	return errmsg(err, errlen, EINVAL, "unknown option '-%c'",
	    optopt > 32 && optopt < 127 ? optopt : '?');
}

