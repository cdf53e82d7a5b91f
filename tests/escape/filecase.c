/* SPDX-License-Identifier: MIT */
/*
 * filecase.c: the harness of the file-side escape tests (filecase.h).
 * It makes the test trees, runs the probe confined under fdbroker-run or
 * in a library worker, and parses the result lines.  It is test code:
 * it fails the running Check test on any set-up error, and keeps what it
 * returns until the test process ends (each test is its own process).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../check-run.h"
#include "fdbroker.h"
#include "filecase.h"
#include "probe-ops.h"

#define ARENA_SIZE	(4u << 20)
#define ARGS_MAX	1024
#define OUT_MAX		(1u << 20)
#define DUMP_MAX	6000
#define HIGH_FD		200	/* fc_fd sources are moved here first */

/*
 * Under --enable-sanitizers: the workers lock themselves down, and
 * LeakSanitizer then cannot read /proc at exit.
 */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static char root[PATH_MAX];	/* set in the runner, before every fork */
static char dir[PATH_MAX];	/* this test's directory */
static char arena[ARENA_SIZE];
static size_t used;
static int policies;

struct worker_arg {
	char **args;
	int argc;
	int out;
};

static char	*keep(const char *s, size_t n);
static const char *env_or_sibling(const char *var, const char *rel);
static void	 collect(struct fc_out *r, int out, int err, int in,
		    pid_t pid, const struct fc_opts *o);
static void	 parse(struct fc_out *r);
static void	 child_exec(char **argv, const struct fc_opts *o, int in,
		    int out, int err) __attribute__((noreturn));
static struct fc_out *spawn(char **argv, const struct fc_opts *o);
static struct fc_out *run_under(const struct fc_opts *o, const char *probe,
		    const char *const *args);
static int	 worker_open(void *arg, const char *path, int flags,
		    mode_t mode);
static int	 worker_main(int chan, void *arg);

void
fc_root_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/fdb-escape.XXXXXX");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

void
fc_root_teardown(void)
{
	if (root[0] != '\0')
		fc_rmtree_at(AT_FDCWD, root);
	root[0] = '\0';
}

const char *
fc_dir(void)
{
	if (dir[0] != '\0')
		return dir;
	ck_assert_msg(root[0] != '\0', "no fc_root_setup fixture");
	ck_assert(strlen(root) + 10 < sizeof(dir));
	memcpy(dir, root, strlen(root));
	memcpy(dir + strlen(root), "/t.XXXXXX", 10);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	return dir;
}

static char *
keep(const char *s, size_t n)
{
	char *p;

	ck_assert_msg(used + n + 1 <= sizeof(arena), "harness arena full");
	p = arena + used;
	memcpy(p, s, n);
	p[n] = '\0';
	used += n + 1;
	return p;
}

char *
fc_path(const char *fmt, ...)
{
	char buf[2 * PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(buf));
	if (buf[0] == '/')
		return keep(buf, (size_t)n);
	return fc_path("%s/%s", fc_dir(), buf);
}

void
fc_write(const char *path, const char *text)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd != -1, "open %s: %s", path, strerror(errno));
	ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

void
fc_mkdir(const char *path)
{
	ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST,
	    "mkdir %s: %s", path, strerror(errno));
}

void
fc_symlink(const char *target, const char *path)
{
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path,
	    strerror(errno));
}

char *
fc_read(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? NULL : keep(buf, (size_t)n);
}

int
fc_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

mode_t
fc_mode(const char *path)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "lstat %s: %s", path,
	    strerror(errno));
	return st.st_mode;
}

void
fc_tree(void)
{
	fc_mkdir(fc_path("in"));
	fc_mkdir(fc_path("in/sub"));
	fc_mkdir(fc_path("out"));
	fc_write(fc_path("in/file"), "INSIDE-file\n");
	fc_write(fc_path("in/sub/deep"), "INSIDE-deep\n");
	fc_write(fc_path("out/secret"), "SECRET-out\n");
}

/* Removes what it can, at any depth, never following a symlink. */
void
fc_rmtree_at(int dirfd, const char *name)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlinkat(dirfd, name, 0);
		return;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			fc_rmtree_at(fd, de->d_name);
	}
	closedir(d);
	(void)unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* $VAR, else @rel from the directory of this test program. */
static const char *
env_or_sibling(const char *var, const char *rel)
{
	char self[PATH_MAX], *slash;
	const char *v = getenv(var);
	ssize_t n;

	if (v != NULL && v[0] != '\0')
		return v;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	ck_assert(slash != NULL);
	*slash = '\0';
	return fc_path("%s/%s", self, rel);
}

const char *
fc_probe(void)
{
	return env_or_sibling("ESCAPE_PROBE", "probe");
}

/*
 * Outside a test: no Check macro may run here (even a passing ck_assert
 * reports to the runner).  fdbroker-run says "kernel" in its one line
 * when it cannot work on this one (SPEC §4, status 125).
 */
int
fc_supported(void)
{
	char run[PATH_MAX], self[PATH_MAX], buf[512] = "";
	const char *env = getenv("FDBROKER_RUN");
	int p[2], st = 0;
	ssize_t n;
	pid_t pid;

	if (env != NULL && env[0] != '\0') {
		snprintf(run, sizeof(run), "%s", env);
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0)
			return 1;
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(run, sizeof(run), "%.4000s/../../fdbroker-run", self);
	}
	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1)
		return 1;
	if (pid == 0) {
		dup2(p[1], 2);
		execl(run, run, "--", "/bin/true", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 125 &&
	    strstr(buf, "kernel") != NULL) {
		printf("SKIP: %s", buf);
		return 0;
	}
	return 1;	/* anything else: the tests will say what */
}

int
fc_main(Suite *(*make)(void))
{
	return fc_supported() ? check_run(make()) : 77;
}

char *
fc_str(const char *fmt, ...)
{
	char buf[4 * PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(buf));
	return keep(buf, (size_t)n);
}

struct fc_out *
fc_run_v(const struct fc_opts *o, const char *const *args)
{
	return run_under(o, fc_probe(), args);
}

struct fc_out *
fc_run_cmd(const struct fc_opts *o, const char *const *cmd)
{
	return run_under(o, NULL, cmd);
}

/* fdbroker-run [-p POLICY] [-x PROBE] [EXTRA] -- [PROBE] ARGS */
static struct fc_out *
run_under(const struct fc_opts *o, const char *probe,
	  const char *const *args)
{
	const char *argv[ARGS_MAX + 16], *pf;
	int n = 0, i;

	argv[n++] = env_or_sibling("FDBROKER_RUN", "../../fdbroker-run");
	if (o->policy != NULL) {
		pf = fc_path("policy.%d", policies++);
		fc_write(pf, o->policy);
		argv[n++] = "-p";
		argv[n++] = pf;
	}
	if (probe != NULL) {
		argv[n++] = "-x";
		argv[n++] = probe;
	}
	for (i = 0; o->extra != NULL && o->extra[i] != NULL; i++) {
		ck_assert(n < 12);
		argv[n++] = o->extra[i];
	}
	argv[n++] = "--";
	if (probe != NULL)
		argv[n++] = probe;
	for (i = 0; args[i] != NULL; i++) {
		ck_assert(n < ARGS_MAX + 15);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	return spawn((char **)(uintptr_t)argv, o);
}

struct fc_out *
fc_plain(const char *const *args)
{
	struct fc_opts o;

	memset(&o, 0, sizeof(o));
	return fc_plain_v(&o, args);
}

struct fc_out *
fc_plain_v(const struct fc_opts *o, const char *const *args)
{
	const char *argv[ARGS_MAX + 1];
	int n = 0;

	argv[n++] = fc_probe();
	for (; *args != NULL; args++) {
		ck_assert(n < ARGS_MAX);
		argv[n++] = *args;
	}
	argv[n] = NULL;
	return spawn((char **)(uintptr_t)argv, o);
}

static struct fc_out *
spawn(char **argv, const struct fc_opts *o)
{
	struct fc_out *r;
	int in[2], out[2], err[2];
	pid_t pid;

	r = calloc(1, sizeof(*r));
	ck_assert(r != NULL);
	ck_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 &&
	    pipe2(err, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert(pid != -1);
	if (pid == 0)
		child_exec(argv, o, in[0], out[1], err[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	collect(r, out[0], err[0], in[1], pid, o);
	close(out[0]);
	close(err[0]);
	close(in[1]);
	parse(r);
	return r;
}

static void
child_exec(char **argv, const struct fc_opts *o, int in, int out, int err)
{
	int i, fd;

	/* Its own group: a time-out kills the broker and the command. */
	setpgid(0, 0);
	if (o->cwd != NULL && chdir(o->cwd) == -1)
		_exit(120);
	for (i = 0; i < o->nfds; i++)
		if (fcntl(o->fds[i].src, F_DUPFD_CLOEXEC, HIGH_FD + i) !=
		    HIGH_FD + i)
			_exit(121);
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(122);
	for (i = 0; i < o->nfds; i++) {
		fd = o->fds[i].dst;
		if (dup2(HIGH_FD + i, fd) == -1)
			_exit(123);
	}
	execv(argv[0], argv);
	_exit(127);
}

/*
 * Read stdout and stderr until both end, answering each "wait" of the
 * probe after the test's hook has run; kill the whole group on time-out.
 */
static void
collect(struct fc_out *r, int out, int err, int in, pid_t pid,
	const struct fc_opts *o)
{
	struct pollfd p[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	size_t lens[2] = { 0, 0 }, scanned = 0;
	char *bufs[2];
	time_t end = time(NULL) + (o->timeout_s > 0 ? o->timeout_s : 20);
	int open_fds = 2, waits = 0, i, st;
	ssize_t n;
	char *nl;

	bufs[0] = r->out = calloc(1, OUT_MAX + 1);
	bufs[1] = r->errout = calloc(1, OUT_MAX + 1);
	ck_assert(r->out != NULL && r->errout != NULL);
	while (open_fds > 0 && time(NULL) < end) {
		if (poll(p, 2, 1000) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			n = read(p[i].fd, bufs[i] + lens[i], OUT_MAX - lens[i]);
			if (n <= 0) {
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			lens[i] += (size_t)n;
		}
		while ((nl = strchr(r->out + scanned, '\n')) != NULL) {
			if (strncmp(r->out + scanned, "= 0 waiting\n", 12) ==
			    0) {
				if (o->on_wait != NULL)
					o->on_wait(waits, o->arg);
				waits++;
				if (write(in, "\n", 1) == -1) {
					/* A probe that left: its EOF tells. */
				}
			}
			scanned = (size_t)(nl - r->out) + 1;
		}
	}
	if (open_fds > 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	r->status = open_fds > 0 ? -1 : st;
}

/* FC_VERBOSE=1 in the environment shows every run's output. */
static void
parse(struct fc_out *r)
{
	char *line = r->out, *nl, *sp;


	r->n = 0;
	for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		if (strncmp(line, "= ", 2) != 0 || r->n >= FC_LINES)
			continue;
		r->err[r->n] = (int)strtol(line + 2, &sp, 10);
		if (*sp == ' ')
			sp++;
		r->data[r->n] = keep(sp, (size_t)(nl - sp));
		r->n++;
	}
	if (getenv("FC_VERBOSE") != NULL)
		fprintf(stderr, "--- %s\n", fc_dump(r));
}

static int
worker_open(void *arg, const char *path, int flags, mode_t mode)
{
	return fdb_open(*(int *)arg, path, flags, mode);
}

static int
worker_main(int chan, void *arg)
{
	struct worker_arg *w = arg;
	struct probe_io io = {
		.open = worker_open,
		.arg = &chan,
		.out = w->out,
		.in = -1,
	};

	return probe_run(&io, w->argc, w->args) == 0 ? 0 : 2;
}

struct fc_out *
fc_worker_v(const struct fdb_policy *policy, const char *const *args)
{
	struct worker_arg w = { (char **)(uintptr_t)args, 0, -1 };
	struct fdb_broker *b;
	struct fc_out *r;
	int p[2], st = -1;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	while (args[w.argc] != NULL)
		w.argc++;
	r = calloc(1, sizeof(*r));
	ck_assert(r != NULL);
	r->out = calloc(1, OUT_MAX + 1);
	r->errout = calloc(1, 1);
	ck_assert(r->out != NULL && r->errout != NULL);
	ck_assert((b = fdb_broker_new(policy)) != NULL);
	/* The worker keeps only descriptors without FD_CLOEXEC. */
	ck_assert(pipe2(p, O_CLOEXEC) == 0);
	(void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	ck_assert(fcntl(p[1], F_SETFD, 0) == 0);
	w.out = p[1];
	pid = fdb_broker_fork_worker(b, worker_main, &w);
	close(p[1]);
	ck_assert_msg(pid > 0, "fork_worker: %s", strerror(errno));
	ck_assert_msg(fdb_broker_wait(b, pid, &st) == 0, "wait: %s",
	    strerror(errno));
	while (len < OUT_MAX &&
	    (n = read(p[0], r->out + len, OUT_MAX - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	fdb_broker_free(b);
	r->status = st;
	parse(r);
	return r;
}

struct fdb_policy *
fc_policy(const char *text)
{
	struct fdb_policy *p = fdb_policy_new();
	char line[2 * PATH_MAX], err[256];
	const char *s = text, *nl;
	size_t n;

	ck_assert(p != NULL);
	for (; *s != '\0'; s = *nl ? nl + 1 : nl) {
		nl = strchrnul(s, '\n');
		n = (size_t)(nl - s);
		if (n == 0)
			continue;
		ck_assert(n < sizeof(line));
		memcpy(line, s, n);
		line[n] = '\0';
		ck_assert_msg(fdb_policy_add_rule(p, line, err,
		    sizeof(err)) == 0, "rule '%s': %s", line, err);
	}
	return p;
}

const char *
fc_field(const struct fc_out *o, int i, const char *name)
{
	const char *d, *v;
	size_t n = strlen(name);

	if (i >= o->n)
		return "";
	for (d = o->data[i]; (v = strstr(d, name)) != NULL; d = v + 1) {
		if ((v == o->data[i] || v[-1] == ' ') && v[n] == '=') {
			v += n + 1;
			return keep(v, strcspn(v, " "));
		}
	}
	return "";
}

long
fc_num(const struct fc_out *o, int i, const char *name)
{
	const char *v = fc_field(o, i, name);

	return v[0] != '\0' ? strtol(v, NULL, 0) : -1;
}

const char *
fc_check(const struct fc_out *o, const struct fc_want *w, int n)
{
	const char *c;
	int i, e;

	if (o->status != 0 || o->n != n)
		return fc_str("want %d lines and status 0, got:\n%s", n,
		    fc_dump(o));
	for (i = 0; i < n; i++) {
		e = o->err[i];
		c = fc_field(o, i, "c");
		if (strncmp(c, "SECRET", 6) == 0 && (w[i].read == NULL ||
		    strncmp(w[i].read, "SECRET", 6) != 0))
			return fc_str("line %d READ A SECRET:\n%s", i,
			    fc_dump(o));
		if (w[i].err == FC_ANY_ERR ? e == 0 :
		    e != w[i].err && (w[i].alt == 0 || e != w[i].alt))
			return fc_str("line %d: want errno %d (or %d), got "
			    "%d (%s):\n%s", i, w[i].err, w[i].alt, e,
			    e > 0 ? strerror(e) : "success", fc_dump(o));
		if (e == 0 && w[i].read != NULL &&
		    strncmp(c, w[i].read, strlen(w[i].read)) != 0)
			return fc_str("line %d: want a file reading '%s':\n%s",
			    i, w[i].read, fc_dump(o));
	}
	return NULL;
}

const char *
fc_dump(const struct fc_out *o)
{
	char buf[DUMP_MAX];

	snprintf(buf, sizeof(buf), "status %#x, %d lines:\n%.3000s"
	    "stderr:\n%.2000s", (unsigned)o->status, o->n, o->out, o->errout);
	return keep(buf, strlen(buf));
}
