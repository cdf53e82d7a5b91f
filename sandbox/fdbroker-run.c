/* SPDX-License-Identifier: MIT */
/*
 * fdbroker-run.c: main() of fdbroker-run (SPEC §4).  Parses the command
 * line (cli.c), builds the policy, makes the broker, runs the command
 * (launch.c), puts the terminal's modes back (ttymodes.c) and turns the
 * outcome into an exit status.  The only file
 * that prints: one line on stderr for its own failures (status 125),
 * the --verbose denials, the summary of denials (summary.c), and the
 * --log records.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "broker.h"
#include "cli.h"
#include "fd.h"
#include "fdbroker.h"
#include "launch.h"
#include "learn.h"
#include "policy-file.h"
#include "privdir.h"
#include "runlog.h"
#include "summary.h"
#include "ttymodes.h"

#define ERR_MAX		(PATH_MAX + 256)

/* What the decision hook needs. */
struct run_state {
	int verbose;
	struct runlog *log;		/* NULL: no --log */
	unsigned long denials;
	struct summary summary;
	int timed_out;
	struct learn *learn;		/* NULL: no --learn */
	int learn_failed;
	struct remap_set shm;		/* the private directories */
};

static int	 parse(int argc, char *argv[], struct run_opts *o);
static struct fdb_broker *new_broker(const struct fdb_policy *p,
		    const struct run_opts *o, struct run_state *st);
static int	 run_command(struct fdb_broker *b, const struct run_opts *o,
		    struct run_state *st, const struct fdb_policy *confine,
		    const struct fdb_policy *exec);
static int	 die(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
static struct fdb_policy *build_policy(const struct run_opts *o);
static struct fdb_policy *allow_all(void);
static void	 on_decision(const struct fdb_decision *d, void *arg);
static int	 write_learnt(struct learn *l, const char *file,
		    const struct run_opts *o);
static int	 finish(const struct run_opts *o, struct run_state *st,
		    int status);
static void	 launch_options(const struct run_opts *o, struct run_state *st,
		    struct launch_opts *lo);
static int	 add_profiles(struct fdb_policy *p, const struct run_opts *o);
static int	 rule_path(const char *cwd, const char *arg,
		    char path[PATH_MAX]);
static int	 exit_status(int status);
static int	 private_dirs(struct run_state *st, struct fdb_policy *p,
		    const struct run_opts *o);
static void	 end_shm(void *arg);
static void	 own_stderr(void);
static int	 close_log(struct runlog *l, const char *name);
#ifdef FDB_TEST_NO_POLICY_CHECK
static int	 test_switches(struct fdb_policy **all,
		    const struct fdb_policy **confine);
#endif

int
main(int argc, char *argv[])
{
	static struct run_state st;
	struct run_opts o;
	struct fdb_policy *base = NULL, *all = NULL;
	struct fdb_broker *b = NULL;
	const struct fdb_policy *confine;
	int rc;

	if ((rc = parse(argc, argv, &o)) != -1) {
		cli_clear(&o);
		return rc;
	}
	own_stderr();
	rc = RUN_EXIT_FAILURE;
	if ((base = build_policy(&o)) == NULL ||
	    private_dirs(&st, base, &o) == -1)
		goto out;
	/* --learn: allow everything, remember what was beyond @base. */
	if (o.learn != NULL && ((all = allow_all()) == NULL ||
	    (st.learn = learn_new(base)) == NULL)) {
		die("%s", strerror(errno));
		goto out;
	}
	/*
	 * The broker confines itself to @base (launch.c), and Landlock
	 * bounds the command's execution by @base's x decisions, except
	 * with --learn: its policy is then "allow all", and the learnt
	 * policy is written after the run.
	 */
	confine = o.learn == NULL ? base : NULL;
#ifdef FDB_TEST_NO_POLICY_CHECK
	if (test_switches(&all, &confine) == -1) {
		die("%s", strerror(errno));
		goto out;
	}
#endif
	if (o.log != NULL && (st.log = runlog_open(o.log)) == NULL) {
		die("--log %s: %s", o.log, strerror(errno));
		goto out;
	}
	if ((b = new_broker(all != NULL ? all : base, &o, &st)) != NULL)
		rc = run_command(b, &o, &st, confine,
		    o.learn == NULL ? base : NULL);
out:
	fdb_broker_free(b);
	/* Every process of the run is gone (launch_run()). */
	if (remap_clear(&st.shm) == -1)
		die("a private directory left behind: %s", strerror(errno));
	learn_free(st.learn);
	fdb_policy_free(all);
	fdb_policy_free(base);
	if (close_log(st.log, o.log) == -1)
		rc = RUN_EXIT_FAILURE;
	cli_clear(&o);
	return rc;
}

/*
 * The end of --log @name: -1 when a record was lost.  A --log - that
 * failed is our stderr, full or gone: a line about it would wait on the
 * same pipe (for ever, if nobody reads it), after --timeout too.  The
 * status says it.
 */
static int
close_log(struct runlog *l, const char *name)
{
	if (runlog_close(l) == 0)
		return 0;
	if (strcmp(name, "-") != 0)
		die("--log %s: %s", name, strerror(errno));
	return -1;
}

/*
 * The command line into @o: -1 to go on, else the status to exit with
 * (a bad option, --help, --version).
 */
static int
parse(int argc, char *argv[], struct run_opts *o)
{
	char err[ERR_MAX];

	if (cli_parse(argc, argv, o, err, sizeof(err)) == -1) {
		fprintf(stderr, "fdbroker-run: %s\nTry 'fdbroker-run --help'."
		    "\n", errno == ENOMEM ? strerror(ENOMEM) : err);
		return RUN_EXIT_FAILURE;
	}
	if (o->help || o->version) {
		fputs(o->help ? cli_usage() : "fdbroker-run (" PACKAGE_NAME
		    ") " PACKAGE_VERSION "\n", stdout);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : RUN_EXIT_FAILURE;
	}
	return -1;
}

/* The broker, deciding with @p and reporting to @st. */
static struct fdb_broker *
new_broker(const struct fdb_policy *p, const struct run_opts *o,
	   struct run_state *st)
{
	struct fdb_broker *b;

	if ((b = fdb_broker_new(p)) == NULL ||
	    fdb_broker_set_deny_errno(b, o->deny_errno) == -1) {
		die("broker: %s", strerror(errno));
		fdb_broker_free(b);
		return NULL;
	}
	st->verbose = o->verbose;
	fdb_broker_set_hook(b, on_decision, st);
	broker_set_remap(b, &st->shm);
	return b;
}

/* Run the command under @b; the exit status of fdbroker-run. */
static int
run_command(struct fdb_broker *b, const struct run_opts *o,
	    struct run_state *st, const struct fdb_policy *confine,
	    const struct fdb_policy *exec)
{
	struct launch_opts lo;
	struct ttymodes modes;
	char err[ERR_MAX];
	int status, rc, confine_err = 0;

	launch_options(o, st, &lo);
	lo.confine = confine;
	lo.confine_err = &confine_err;
	lo.exec = exec;
	ttymodes_save(&modes);
	rc = launch_run(b, &lo, &status, err, sizeof(err));
	/* Every process of the sandbox is gone: nothing sets them again. */
	ttymodes_restore(&modes);
	if (rc == -1) {
		die("%s", err);
		return RUN_EXIT_FAILURE;
	}
	if (confine_err != 0 && o->verbose)
		die("Landlock: the broker runs unconfined: %s",
		    confine_err == EOPNOTSUPP ? "this kernel has no Landlock "
		    "ABI 2 (Linux 5.19)" : strerror(confine_err));
	return finish(o, st, status);
}

/* What launch_run() takes from the command line. */
static void
launch_options(const struct run_opts *o, struct run_state *st,
	       struct launch_opts *lo)
{
	memset(lo, 0, sizeof(*lo));
	lo->argv = o->argv;
	lo->allow_net = o->allow_net;
	lo->want_pid = st->log != NULL;
	lo->require_landlock = o->require_landlock;
	lo->chdir = o->chdir;
	lo->env = o->env;
	lo->nenv = o->nenv;
	lo->rlimits = o->rlimits;
	lo->nrlimits = o->nrlimits;
	lo->timeout_ms = o->timeout_ms;
	lo->timed_out = &st->timed_out;
	/* The anchor removes it too: it outlives a SIGKILL of ours. */
	lo->at_end = end_shm;
	lo->end_arg = &st->shm;
}

/* In the anchor, the sandbox gone: remove the private directories. */
static void
end_shm(void *arg)
{
	(void)remap_clear(arg);
}

static int
die(const char *fmt, ...)
{
	va_list ap;

	fputs("fdbroker-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* The profile, then the policy files, then the rules, in that order. */
static struct fdb_policy *
build_policy(const struct run_opts *o)
{
	struct fdb_policy *p;
	char cwd[PATH_MAX], path[PATH_MAX], err[ERR_MAX];
	size_t i;

	if ((p = fdb_policy_new()) == NULL) {
		die("%s", strerror(errno));
		return NULL;
	}
	if (add_profiles(p, o) == -1)
		goto fail;
	for (i = 0; i < o->npolicies; i++) {
		if (fdb_policy_load(p, o->policies[i], err, sizeof(err)) ==
		    -1) {
			die("%s", err);
			goto fail;
		}
	}
	if (o->nrules > 0 && getcwd(cwd, sizeof(cwd)) == NULL) {
		die("current directory: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < o->nrules; i++) {
		if (rule_path(cwd, o->rules[i].path, path) == -1 ||
		    fdb_policy_add(p, path, o->rules[i].perms) == -1) {
			die("%s: %s", summary_escape(o->rules[i].path, err,
			    sizeof(err)), strerror(errno));
			goto fail;
		}
	}
	return p;
fail:
	fdb_policy_free(p);
	return NULL;
}

/* The private directories (src/remap.c) into st->shm, granted in @p. */
static int
private_dirs(struct run_state *st, struct fdb_policy *p,
	    const struct run_opts *o)
{
	char err[ERR_MAX];

	if (privdir_setup(&st->shm, p, o, err, sizeof(err)) == -1)
		return die("%s", err);
	return 0;
}

/*
 * A rule's path as the policy takes it: "~/" from the home directory,
 * "**\/" as it is (a deny glob's "anywhere"), others from @cwd.
 */
static int
rule_path(const char *cwd, const char *arg, char path[PATH_MAX])
{
	if (arg[0] == '~')
		return policy_file_home_path(arg, path);
	if (strncmp(arg, "**/", 3) == 0)
		return snprintf(path, PATH_MAX, "%s", arg) < PATH_MAX ? 0 :
		    (errno = ENAMETOOLONG, -1);
	return cli_abspath(cwd, arg, path, PATH_MAX);
}

/*
 * What fdbroker-run says (-v, --log -, the summary) goes to an open file
 * description of its stderr of its own where stderr is a pipe or a
 * terminal: the command shares the one it inherits, and could make it
 * O_NONBLOCK and fill the pipe, so that every later record failed with
 * EAGAIN, unsaid.  On our own, a write waits for the reader instead.  A
 * regular file keeps the shared one (and its shared offset); a socket
 * cannot be opened again.
 */
static void
own_stderr(void)
{
	struct stat st;
	FILE *f;
	int fd;

	if (fstat(STDERR_FILENO, &st) == -1 ||
	    !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
		return;
	/* O_NONBLOCK: a FIFO without a reader fails (ENXIO), never waits. */
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1)
		return;
	if (fcntl(fd, F_SETFL, 0) == -1 || (f = fdopen(fd, "w")) == NULL) {
		fd_close(fd);
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	stderr = f;
}

/*
 * Each --profile, adding up; "system" when none is named; "net" with
 * --allow-net, whose sockets are useless without name resolution.
 */
static int
add_profiles(struct fdb_policy *p, const struct run_opts *o)
{
	char buf[ERR_MAX];
	const char *name;
	size_t i;

	for (i = 0; i == 0 || i < o->nprofiles; i++) {
		name = o->nprofiles == 0 ? "system" : o->profiles[i];
		if (fdb_policy_add_profile(p, name) == -1)
			return die("unknown profile '%s' (known: none, system, "
			    "net)", summary_escape(name, buf, sizeof(buf)));
	}
	if (o->allow_net && fdb_policy_add_profile(p, "net") == -1)
		return die("profile net: %s", strerror(errno));
	return 0;
}

/* A policy that grants everything: --learn's, and the test switch's. */
static struct fdb_policy *
allow_all(void)
{
	struct fdb_policy *p = fdb_policy_new();

	if (p != NULL &&
	    fdb_policy_add(p, "/", FDB_R | FDB_W | FDB_C | FDB_X) == -1) {
		fdb_policy_free(p);
		return NULL;
	}
	return p;
}

/*
 * Every refusal by the policy counts for --fail-on-deny and --verbose; a
 * request the policy allowed that then failed (ENOENT in a granted
 * tree, EACCES from the file system) does not.
 */
static void
on_decision(const struct fdb_decision *d, void *arg)
{
	struct run_state *st = arg;
	char path[PATH_MAX * 4 + 4], res[PATH_MAX * 4 + 4];

	if (!d->allowed) {
		st->denials++;
		(void)summary_add(&st->summary, d);
		/* The paths are the command's: escaped, never raw. */
		if (st->verbose)
			fprintf(stderr, "fdbroker-run: denied: %s %s%s%s\n",
			    d->op, summary_escape(d->path != NULL ? d->path :
			    "?", path, sizeof(path)),
			    d->resolved != NULL ? " -> " : "",
			    d->resolved != NULL ? summary_escape(d->resolved,
			    res, sizeof(res)) : "");
	}
	if (st->learn != NULL && learn_add(st->learn, d) == -1)
		st->learn_failed = 1;
	if (st->log != NULL)
		runlog_record(st->log, d);
}

static int
write_learnt(struct learn *l, const char *file, const struct run_opts *o)
{
	char what[PATH_MAX + 64];
	FILE *f;
	long n;

	snprintf(what, sizeof(what), "profile %s%s and the command line",
	    o->nprofiles > 0 ? o->profiles[0] : "system",
	    o->nprofiles > 1 ? " (and others)" : "");
	if ((f = fopen(file, "we")) == NULL)
		return die("--learn %s: %s", file, strerror(errno));
	n = learn_write(l, f, what);
	if (fclose(f) == EOF || n == -1)
		return die("--learn %s: %s", file, strerror(errno));
	return 0;
}

#ifdef FDB_TEST_NO_POLICY_CHECK
/*
 * Test build only (tests/fdbroker-run-nocheck, never installed): with
 * FDB_TEST_NO_POLICY_CHECK=1 the broker decides with "allow all", as if
 * its checks were gone, while Landlock still confines it, and the
 * command's execution, to the real policy; FDB_TEST_NO_LANDLOCK=1 turns
 * the self-confinement off.  So tests/run-landlock.sh shows that
 * Landlock alone stops the broker, and an exec the policy refuses.
 */
static int
test_switches(struct fdb_policy **all, const struct fdb_policy **confine)
{
	const char *v;

	if ((v = getenv("FDB_TEST_NO_LANDLOCK")) != NULL && strcmp(v, "1") == 0)
		*confine = NULL;
	if ((v = getenv("FDB_TEST_NO_POLICY_CHECK")) == NULL ||
	    strcmp(v, "1") != 0 || *all != NULL)
		return 0;
	return (*all = allow_all()) == NULL ? -1 : 0;
}
#endif

/* The exit status of a run that went to its end (SPEC §4). */
static int
finish(const struct run_opts *o, struct run_state *st, int status)
{
	int rc;

	if (st->learn != NULL && (st->learn_failed ? die("--learn: %s",
	    strerror(ENOMEM)) : write_learnt(st->learn, o->learn, o)) == -1)
		return RUN_EXIT_FAILURE;
	if (st->timed_out)
		rc = RUN_EXIT_TIMEOUT;
	else if (o->fail_on_deny && st->denials > 0)
		rc = RUN_EXIT_DENIED;
	else
		rc = exit_status(status);
	/* Denials explain a failure; after a success they are noise. */
	if (rc != 0 && !o->quiet)
		summary_print(&st->summary, stderr, rc);
	summary_free(&st->summary);
	return rc;
}

static int
exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return RUN_EXIT_SIGNAL + WTERMSIG(status);
	return RUN_EXIT_FAILURE;
}
