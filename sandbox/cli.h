/* SPDX-License-Identifier: MIT */
/*
 * cli.h: the command line of fdbroker-run (SPEC §4), parsed into struct
 * run_opts.  Split out of fdbroker-run.c so that it is tested alone: it
 * has no side effects (no output, no exit, no file access); the caller
 * prints the one-line error and exits with RUN_EXIT_FAILURE.
 */
#ifndef FDBROKER_CLI_H
#define FDBROKER_CLI_H

#include <sys/resource.h>
#include <stddef.h>

/* Exit statuses of fdbroker-run, besides the command's own (SPEC §4). */
enum run_exit {
	RUN_EXIT_DENIED = 122,	/* --fail-on-deny, and a denial */
	RUN_EXIT_TIMEOUT = 124,	/* --timeout expired, as timeout(1) */
	RUN_EXIT_FAILURE = 125,	/* fdbroker-run itself failed */
	RUN_EXIT_NOEXEC = 126,	/* command found but not executable */
	RUN_EXIT_NOTFOUND = 127,	/* command not found */
	RUN_EXIT_SIGNAL = 128	/* + N: the command died of signal N */
};

/* One rule given with -r, -w, -c, -x or --deny, in command-line order. */
struct run_rule {
	unsigned perms;		/* FDB_* bits; FDB_DENY for --deny */
	const char *path;	/* borrowed from argv; may be relative */
};

/* One --setenv, --unsetenv or --clearenv, in command-line order. */
enum run_env_op {
	RUN_ENV_SET,
	RUN_ENV_UNSET,
	RUN_ENV_CLEAR
};

struct run_env {
	enum run_env_op op;
	const char *var;	/* borrowed from argv; NULL for CLEAR */
	const char *value;	/* SET only */
};

/* One --rlimit NAME=VALUE: soft and hard limit alike. */
struct run_rlimit {
	int resource;		/* RLIMIT_* */
	rlim_t value;		/* RLIM_INFINITY for "unlimited" */
	const char *arg;	/* as given, for messages */
};

struct run_opts {
	struct run_rule *rules;	/* nrules entries, owned */
	size_t nrules;
	const char **policies;	/* -p FILE, in order; owned array */
	size_t npolicies;
	const char **profiles;	/* --profile NAME, in order; owned array */
	size_t nprofiles;	/* 0: the default, "system" */
	struct run_env *env;	/* nenv entries, owned */
	size_t nenv;
	struct run_rlimit *rlimits;	/* nrlimits entries, owned */
	size_t nrlimits;
	const char *chdir;	/* --chdir DIR, or NULL */
	unsigned long timeout_ms;	/* --timeout; 0: none */
	int require_landlock;
	int quiet;		/* -q: no end-of-run summary */
	const char *log;	/* --log FILE, "-" for stderr, or NULL */
	const char *learn;	/* --learn FILE, or NULL */
	int fail_on_deny;
	int deny_errno;		/* default EACCES */
	int allow_net;
	int host_shm;		/* --host-shm: no private /dev/shm */
	int private_tmp;	/* --private-tmp: a private /tmp */
	int verbose;
	int help;		/* -h: print usage, exit 0, nothing else */
	int version;		/* -V: print version, exit 0 */
	char **argv;		/* the command, NULL-terminated, in argv */
};

/*
 * cli_parse: parse @argc/@argv (argv[0] is the program) into @o, which it
 * initialises first.  Options stop at "--" or at the first non-option,
 * which begins the command.  With -h or -V no command is needed.
 * Returns 0, or -1 with errno EINVAL and a one-line reason of at most
 * @errlen bytes in @err (e.g. "unknown option '--frob'"), or ENOMEM.
 * Resets getopt's state (optind) and keeps it from printing.  Call
 * cli_clear() afterwards in every case.
 */
int cli_parse(int argc, char *argv[], struct run_opts *o, char *err,
	      size_t errlen);

/* cli_clear: release what cli_parse() allocated in @o; keeps errno. */
void cli_clear(struct run_opts *o);

/*
 * cli_abspath: @path made absolute against the absolute directory @cwd
 * (unchanged when @path is already absolute), into @buf of @buflen
 * bytes.  No normalisation: the policy does that.  Returns 0, or -1 with
 * ENAMETOOLONG, or EINVAL (empty @path, relative @cwd).
 */
int cli_abspath(const char *cwd, const char *path, char *buf, size_t buflen);

/*
 * cli_rlimit_name: the --rlimit name of RLIMIT_* @resource ("nofile"),
 * or NULL.
 */
const char *cli_rlimit_name(int resource);

/* cli_usage: the --help text, ending in a newline. */
const char *cli_usage(void);

#endif /* FDBROKER_CLI_H */
