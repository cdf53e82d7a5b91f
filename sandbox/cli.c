/* SPDX-License-Identifier: MIT */
/*
 * cli.c: argv -> struct run_opts for fdbroker-run.  No side effects
 * beyond getopt's own state, which it resets: nothing is printed, opened
 * or checked on disk here (policy files and profiles are loaded by the
 * caller, which reports their errors).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "fdbroker.h"

enum {
	OPT_DENY = 256,
	OPT_PROFILE,
	OPT_LOG,
	OPT_LEARN,
	OPT_FAIL_ON_DENY,
	OPT_DENY_ERRNO,
	OPT_ALLOW_NET
};

static const char shortopts[] = "+:r:w:c:x:p:vhV";

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
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static const char usage[] =
"usage: fdbroker-run [OPTIONS] -- COMMAND [ARG...]\n"
"  -r, --read PATH        grant r on PATH          (repeatable)\n"
"  -w, --write PATH       grant rw on PATH\n"
"  -c, --create PATH      grant rwc on PATH\n"
"  -x, --exec PATH        grant rx on PATH\n"
"      --deny PATH        refuse PATH even inside a granted tree\n"
"  -p, --policy FILE      add the rules in FILE\n"
"      --profile NAME     start from a built-in profile (default: system)\n"
"      --log FILE         append one JSON object per decision; '-' = stderr\n"
"      --learn FILE       allow everything, and write to FILE the policy\n"
"                         that the run needed\n"
"      --fail-on-deny     exit with status 122 if any request was denied\n"
"      --deny-errno NAME  errno for denials (default EACCES)\n"
"      --allow-net        let the command create network sockets\n"
"  -v, --verbose          print each denial to stderr as it happens\n"
"  -h, --help / -V, --version\n"
"Exit status: the command's; 128+N if it died of signal N; 122 with\n"
"--fail-on-deny when a request was denied; 125 if fdbroker-run failed;\n"
"126 command not executable; 127 command not found.\n";

static int	 fail(char *err, size_t errlen, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 add_rule(struct run_opts *o, unsigned perms,
		    const char *path, const char *opt, char *err,
		    size_t errlen);
static int	 take_option(struct run_opts *o, int c, const char *arg,
		    const char *opt, char *err, size_t errlen);
static const char *option_name(int c, const char *word, char buf[64]);
static int	 unknown(const char *word, char *err, size_t errlen);

int
cli_parse(int argc, char *argv[], struct run_opts *o, char *err,
	  size_t errlen)
{
	char name[64];
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->profile = "system";
	o->deny_errno = EACCES;
	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return fail(err, errlen, "no arguments");
	/*
	 * Room for every rule and policy the command line could hold, so
	 * that parsing never reallocates.
	 */
	o->rules = calloc((size_t)argc, sizeof(*o->rules));
	o->policies = calloc((size_t)argc, sizeof(*o->policies));
	if (o->rules == NULL || o->policies == NULL) {
		errno = ENOMEM;
		return -1;
	}
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
			return fail(err, errlen,
			    "option '%s' needs an argument",
			    option_name(optopt, argv[optind - 1], name));
		if (idx >= 0)
			snprintf(name, sizeof(name), "--%s",
			    longopts[idx].name);
		else
			option_name(c, NULL, name);
		if (take_option(o, c, optarg, name, err, errlen) == -1)
			return -1;
	}
	if (o->help || o->version)
		return 0;
	if (optind >= argc)
		return fail(err, errlen, "no command given (usage: "
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
	o->rules = NULL;
	o->policies = NULL;
	o->nrules = o->npolicies = 0;
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
cli_usage(void)
{
	return usage;
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
		if (arg[0] == '\0')
			return fail(err, errlen, "option '%s': empty file name",
			    opt);
		o->policies[o->npolicies++] = arg;
		return 0;
	case OPT_PROFILE:
		if (arg[0] == '\0')
			return fail(err, errlen, "option '%s': empty name",
			    opt);
		o->profile = arg;
		return 0;
	case OPT_LOG:
	case OPT_LEARN:
		if (arg[0] == '\0')
			return fail(err, errlen, "option '%s': empty file name",
			    opt);
		if (c == OPT_LOG)
			o->log = arg;
		else
			o->learn = arg;
		return 0;
	case OPT_DENY_ERRNO:
		if ((o->deny_errno = audit_errno_value(arg)) == -1)
			return fail(err, errlen, "option '%s': unknown errno "
			    "name '%.32s' (e.g. EACCES, EPERM, ENOENT)", opt,
			    arg);
		return 0;
	case OPT_FAIL_ON_DENY:
		o->fail_on_deny = 1;
		return 0;
	case OPT_ALLOW_NET:
		o->allow_net = 1;
		return 0;
	case 'v':
		o->verbose = 1;
		return 0;
	case 'h':
		o->help = 1;
		return 0;
	case 'V':
		o->version = 1;
		return 0;
	}
	return fail(err, errlen, "unexpected option '%s'", opt);
}

static int
add_rule(struct run_opts *o, unsigned perms, const char *path,
	 const char *opt, char *err, size_t errlen)
{
	if (path[0] == '\0')
		return fail(err, errlen, "option '%s': empty path", opt);
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
		return fail(err, errlen, "option '%s' takes no argument",
		    option_name(0, word, name));
	if (word[0] == '-' && word[1] == '-')
		return fail(err, errlen, "unknown option '%s'",
		    option_name(0, word, name));
	return fail(err, errlen, "unknown option '-%c'",
	    optopt > 32 && optopt < 127 ? optopt : '?');
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return -1;
}
