/* SPDX-License-Identifier: MIT */
/*
 * check_hostile.c: reliability of the broker against children that
 * misbehave, for both transports: many children at once, children killed
 * in the middle of a request, a child that never reads its replies, the
 * broker at its descriptor limit, the broker killed under its children,
 * and 100 000 requests after which the broker holds what it held before.
 *
 * The socket transport is served by this process (workers from
 * fdb_broker_fork_worker(), which report through their exit status and
 * pipes); the notify transport by fdbroker-run, running
 * tests/escape/probe2, whose broker is watched through /proc/PID.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "fdbroker.h"
#include "escape/harness.h"
#include "wire.h"

#define NFILES		4
#define FAN		64
#define ENDURANCE	100000
#define WARMUP		1000
#define RSS_SLACK_KB	1024
#define LINE_MS		20000	/* longest wait for a probe line */
#define ENDURANCE_MS	100000	/* and for 100 000 brokered opens */

#define WANT(c) do {							\
	if (!(c)) {							\
		dprintf(2, "worker: %s:%d: %s (errno %d)\n", __FILE__,	\
		    __LINE__, #c, errno);				\
		return 1;						\
	}								\
} while (0)

/* A command run with pipes on its stdin and stdout. */
struct cmd {
	pid_t pid;
	int in;
	int out;
	char buf[8192];
	size_t len;
	char line[1024];
};

struct fixture {
	char dir[80];
	char file[NFILES][96];	/* content: the file's name */
	struct fdb_policy *p;
	struct fdb_broker *b;
	int before;
	const char *run;
	char probe[PATH_MAX];
	char probedir[PATH_MAX];
	int go[2];		/* test to workers, inherited */
	int res[2];		/* workers to test, inherited */
	/* The decision hook. */
	unsigned long decisions;
	unsigned long kill_every;
	int fds_warm, fds_end;
	long rss_warm, rss_end;
};

static struct fixture fx;

static void
setup(void)
{
	int i, fd;

	memset(&fx, 0, sizeof(fx));
	hx_test_dir(fx.dir, sizeof(fx.dir));
	fx.p = fdb_policy_new();
	ck_assert_ptr_nonnull(fx.p);
	for (i = 0; i < NFILES; i++) {
		snprintf(fx.file[i], sizeof(fx.file[i]), "%s/f%d", fx.dir, i);
		fd = open(fx.file[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0644);
		ck_assert_int_ge(fd, 0);
		dprintf(fd, "f%d\n", i);
		close(fd);
	}
	ck_assert_int_eq(fdb_policy_add(fx.p, fx.dir, FDB_R), 0);
	fx.b = fdb_broker_new(fx.p);
	ck_assert_ptr_nonnull(fx.b);
	fx.go[0] = fx.go[1] = fx.res[0] = fx.res[1] = -1;
	hx_find_probe("escape/probe2", fx.probe, fx.probedir);
	fx.run = hx_fdbroker_run();
	fx.before = fd_count();
}

static void
teardown(void)
{
	fdb_broker_free(fx.b);
	fdb_policy_free(fx.p);
	/* Whatever a probe left in the test's directory goes with it. */
	hx_remove(fx.dir);
}

/* --- helpers -------------------------------------------------------- */

static void
assert_ok(int st)
{
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x",
	    st);
}

/* In a worker: file @i is served, with its own name as content. */
static int
served(int chan, int i)
{
	char buf[8], want[8];
	ssize_t n;
	int fd;

	if ((fd = fdb_open(chan, fx.file[i], O_RDONLY, 0)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	snprintf(want, sizeof(want), "f%d\n", i);
	return n == 3 && memcmp(buf, want, 3) == 0;
}

static void
drain_and_count(void)
{
	int i;

	for (i = 0; i < 200 && fdb_broker_channels(fx.b) > 0; i++)
		ck_assert_int_ge(fdb_broker_serve(fx.b, 10), 0);
	ck_assert_int_eq(fdb_broker_channels(fx.b), 0);
	ck_assert_int_eq(fd_count(), fx.before);
}

static int
w_once(int chan, void *arg)
{
	(void)arg;
	WANT(served(chan, 0));
	return 0;
}

static void
next_worker_served(void)
{
	pid_t pid = fdb_broker_fork_worker(fx.b, w_once, NULL);
	int st;

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), 0);
	assert_ok(st);
	drain_and_count();
}

/* Descriptors and resident memory (kB) of process @pid (0: us). */
static int
fds_of(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (pid == 0)
		return fd_count();
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static long
rss_of(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/status");
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	ck_assert_int_gt(kb, 0);
	return kb;
}

/*
 * The descriptors of fdbroker-run's broker once it is idle again: the
 * command may see its call return (ADDFD with SEND) an instant before
 * the broker closes its own copy and the target's /proc/TID/mem.
 */
static int
settled_fds(pid_t pid, int want)
{
	int i, n = fds_of(pid);

	for (i = 0; i < 200 && n != want; i++) {
		usleep(10 * 1000);
		n = fds_of(pid);
	}
	return n;
}

/*
 * The descriptors of fdbroker-run's broker when idle, its command
 * waiting: the fewest seen in 200 ms (see settled_fds()).
 */
static int
idle_fds(pid_t pid)
{
	int i, n, min = fds_of(pid);

	for (i = 0; i < 20; i++) {
		usleep(10 * 1000);
		if ((n = fds_of(pid)) < min)
			min = n;
	}
	return min;
}

/* --- commands with pipes -------------------------------------------- */

static void
cmd_start(struct cmd *c, const char *const argv[])
{
	int in[2], out[2];

	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	c->pid = fork();
	ck_assert_int_ne(c->pid, -1);
	if (c->pid == 0) {
		setpgid(0, 0);
		if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
}

/* The next line of output, or NULL at its end or after @ms. */
static const char *
cmd_line_within(struct cmd *c, int ms)
{
	struct pollfd pfd = { c->out, POLLIN, 0 };
	char *nl;
	ssize_t n;
	size_t len;

	while ((nl = memchr(c->buf, '\n', c->len)) == NULL) {
		if (c->len == sizeof(c->buf) || poll(&pfd, 1, ms) != 1)
			return NULL;
		n = read(c->out, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n <= 0)
			return NULL;
		c->len += (size_t)n;
	}
	len = (size_t)(nl - c->buf);
	if (len >= sizeof(c->line))
		len = sizeof(c->line) - 1;
	memcpy(c->line, c->buf, len);
	c->line[len] = '\0';
	c->len -= (size_t)(nl + 1 - c->buf);
	memmove(c->buf, nl + 1, c->len);
	fprintf(stderr, "probe: %s\n", c->line);
	return c->line;
}

static const char *
cmd_line(struct cmd *c)
{
	return cmd_line_within(c, LINE_MS);
}

/* Start the next step of "probe2 steps" and return its line. */
static const char *
cmd_step(struct cmd *c)
{
	ck_assert_int_eq(write(c->in, "s", 1), 1);
	return cmd_line(c);
}

static int
cmd_end(struct cmd *c)
{
	int st;

	close(c->in);
	while (cmd_line(c) != NULL)
		;
	close(c->out);
	ck_assert_int_eq(waitpid(c->pid, &st, 0), c->pid);
	return st;
}

#define ck_line(c, want) do {						\
	const char *l_ = cmd_line(c);					\
	ck_assert_msg(l_ != NULL && strcmp(l_, (want)) == 0,		\
	    "line '%s', expected '%s'", l_ != NULL ? l_ : "(none)",	\
	    (want));							\
} while (0)

#define ck_step(c, want) do {						\
	const char *l_ = cmd_step(c);					\
	ck_assert_msg(l_ != NULL && strcmp(l_, (want)) == 0,		\
	    "line '%s', expected '%s'", l_ != NULL ? l_ : "(none)",	\
	    (want));							\
} while (0)

/* --- many children at once ------------------------------------------ */

static int
w_fan(int chan, void *arg)
{
	char c;
	int i, j;

	(void)arg;
	/* All start together, when the test closes its end. */
	close(fx.go[1]);
	WANT(read(fx.go[0], &c, 1) == 0);
	for (j = 0; j < 25; j++)
		for (i = 0; i < NFILES; i++)
			WANT(served(chan, (i + j) % NFILES));
	return 0;
}

/* 64 workers open files at the same time: each gets the right ones. */
START_TEST(test_hostile_fan_open_socket)
{
	pid_t pid[FAN];
	int i, st;

	ck_assert_int_eq(pipe(fx.go), 0);	/* inherited on purpose */
	for (i = 0; i < FAN; i++) {
		pid[i] = fdb_broker_fork_worker(fx.b, w_fan, NULL);
		ck_assert_int_gt(pid[i], 0);
	}
	close(fx.go[0]);
	close(fx.go[1]);
	ck_assert_int_eq(fdb_broker_channels(fx.b), FAN);
	for (i = 0; i < FAN; i++) {
		ck_assert_int_eq(fdb_broker_wait(fx.b, pid[i], &st), 0);
		assert_ok(st);
	}
	drain_and_count();
}
END_TEST

/* 64 processes of one command under fdbroker-run, opening at once. */
START_TEST(test_hostile_fan_open_notify)
{
	struct cmd c;
	char want[32];

	cmd_start(&c, ARGV(fx.run, "-r", fx.dir, "-x", fx.probedir, "--",
	    fx.probe, "fan-open", "64", fx.file[0], fx.file[1], fx.file[2],
	    fx.file[3]));
	snprintf(want, sizeof(want), "fan-open: %d good", FAN);
	ck_line(&c, want);
	assert_ok(cmd_end(&c));
}
END_TEST

/* --- children killed in the middle of a request --------------------- */

static int
w_loop(int chan, void *arg)
{
	int i;

	(void)arg;
	for (i = 0;; i++)
		if (!served(chan, i % NFILES))
			return 1;
}

/* Every kill_every-th decision: kill the worker it was for. */
static void
kill_hook(const struct fdb_decision *d, void *arg)
{
	(void)arg;
	if (++fx.decisions % fx.kill_every == 0 && d->pid > 0)
		kill(d->pid, SIGKILL);
}

/*
 * Workers killed by the hook between the broker's open and its reply,
 * and others at random moments: the broker survives, holds no
 * descriptor more than before, and serves the next worker.
 */
START_TEST(test_hostile_killed_mid_request_socket)
{
	pid_t pid[16];
	int i, j, st;

	srand((unsigned)getpid());
	fx.kill_every = 7;
	fdb_broker_set_hook(fx.b, kill_hook, NULL);
	for (i = 0; i < 8; i++) {
		pid[i] = fdb_broker_fork_worker(fx.b, w_loop, NULL);
		ck_assert_int_gt(pid[i], 0);
		ck_assert_int_eq(fdb_broker_wait(fx.b, pid[i], &st), 0);
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	fdb_broker_set_hook(fx.b, NULL, NULL);
	for (i = 8; i < 16; i++) {
		pid[i] = fdb_broker_fork_worker(fx.b, w_loop, NULL);
		ck_assert_int_gt(pid[i], 0);
		for (j = rand() % 40; j > 0; j--)
			ck_assert_int_ge(fdb_broker_serve(fx.b, 100), 0);
		ck_assert_int_eq(kill(pid[i], SIGKILL), 0);
		ck_assert_int_eq(fdb_broker_wait(fx.b, pid[i], &st), 0);
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	ck_assert_uint_ge(fx.decisions, 8 * fx.kill_every);
	drain_and_count();
	next_worker_served();
}
END_TEST

/* The same under fdbroker-run: 32 processes killed while they open. */
START_TEST(test_hostile_killed_mid_request_notify)
{
	struct cmd c;
	int before;

	cmd_start(&c, ARGV(fx.run, "-r", fx.dir, "-x", fx.probedir, "--",
	    fx.probe, "kill-open", fx.file[0], "32"));
	ck_line(&c, "kill-open: ready");
	before = idle_fds(c.pid);
	ck_step(&c, "kill-open: 32 killed, open: ok");
	ck_assert_int_eq(settled_fds(c.pid, before), before);
	ck_assert_int_eq(write(c.in, "s", 1), 1);
	assert_ok(cmd_end(&c));
}
END_TEST

/* --- a child that never reads its replies --------------------------- */

static int
w_sleeper(int chan, void *arg)
{
	char req[WIRE_REQ_MAX], c;
	long len;

	(void)arg;
	close(fx.go[1]);
	/* A valid request; its reply, with a descriptor, is never taken. */
	len = wire_pack_req(req, sizeof(req), FDB_OP_OPEN, O_RDONLY, 0,
	    fx.file[1]);
	WANT(len > 0);
	WANT(send(chan, req, (size_t)len, MSG_NOSIGNAL) == len);
	WANT(read(fx.go[0], &c, 1) == 0);
	return 0;
}

static int
w_many(int chan, void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 200; i++)
		WANT(served(chan, i % NFILES));
	return 0;
}

/*
 * A worker sends a request and never reads the reply, whose descriptor
 * stays in its socket: the broker does not wait for it, serves another
 * worker meanwhile, and once the sleeper is gone nothing is left.
 */
START_TEST(test_hostile_never_reads_socket)
{
	pid_t sleeper, other;
	int st, i;

	ck_assert_int_eq(pipe(fx.go), 0);	/* inherited on purpose */
	sleeper = fdb_broker_fork_worker(fx.b, w_sleeper, NULL);
	ck_assert_int_gt(sleeper, 0);
	other = fdb_broker_fork_worker(fx.b, w_many, NULL);
	ck_assert_int_gt(other, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, other, &st), 0);
	assert_ok(st);
	for (i = 0; i < 200 && fdb_broker_channels(fx.b) > 1; i++)
		ck_assert_int_ge(fdb_broker_serve(fx.b, 10), 0);
	/* The sleeper's channel is still open: it broke no rule. */
	ck_assert_int_eq(fdb_broker_channels(fx.b), 1);
	close(fx.go[0]);
	close(fx.go[1]);
	ck_assert_int_eq(fdb_broker_wait(fx.b, sleeper, &st), 0);
	assert_ok(st);
	drain_and_count();
}
END_TEST

/* --- steps: a worker opens when told, and says how it went ---------- */

static int
w_steps(int chan, void *arg)
{
	char c;
	int fd, e;

	(void)arg;
	close(fx.go[1]);
	close(fx.res[0]);
	while (read(fx.go[0], &c, 1) == 1) {
		fd = fdb_open(chan, fx.file[0], O_RDONLY, 0);
		e = fd >= 0 ? 0 : errno;
		if (fd >= 0)
			close(fd);
		WANT(write(fx.res[1], &e, sizeof(e)) == sizeof(e));
	}
	return 0;
}

static void
steps_start(void)
{
	ck_assert_int_eq(pipe(fx.go), 0);	/* inherited on purpose */
	ck_assert_int_eq(pipe(fx.res), 0);
}

/*
 * One step of w_steps: tell it to open, serve (when @serve) until it
 * says how it went, and return its errno (0: opened).  -1: no answer
 * within LINE_MS.
 */
static int
step(int serve)
{
	struct pollfd pfd = { fx.res[0], POLLIN, 0 };
	int i, e;

	ck_assert_int_eq(write(fx.go[1], "s", 1), 1);
	for (i = 0; i < LINE_MS / 10; i++) {
		if (poll(&pfd, 1, serve ? 0 : 10) == 1) {
			ck_assert_int_eq(read(fx.res[0], &e, sizeof(e)),
			    sizeof(e));
			return e;
		}
		if (serve)
			ck_assert_int_ge(fdb_broker_serve(fx.b, 10), 0);
	}
	return -1;
}

/*
 * The lowest descriptor number free in process @pid (0: us).  With
 * RLIMIT_NOFILE there, the process keeps what it holds but can get no
 * new descriptor: the limit bounds the numbers handed out.
 */
static int
lowest_free(pid_t pid)
{
	char path[64];
	unsigned char used[1024];
	struct dirent *de;
	DIR *d;
	int fd;

	memset(used, 0, sizeof(used));
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/fd");
	else
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (de->d_name[0] != '.' && fd < (int)sizeof(used) &&
		    (pid != 0 || fd != dirfd(d)))
			used[fd] = 1;
	}
	closedir(d);
	for (fd = 0; fd < (int)sizeof(used) && used[fd]; fd++)
		;
	return fd;
}

/* /proc/PID/task/TID/NAME into @buf (NUL-terminated); 0: thread gone. */
static ssize_t
task_file(pid_t pid, const char *tid, const char *name, char *buf,
	  size_t len)
{
	char path[320];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/%s", (int)pid, tid,
	    name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : 0;
}

/* Whether @test holds for every thread of @pid. */
static int
every_thread(pid_t pid, int (*test)(pid_t pid, const char *tid))
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int all = 1;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	ck_assert_ptr_nonnull(d = opendir(path));
	while (all && (de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			all = test(pid, de->d_name);
	}
	closedir(d);
	return all;
}

/* Stopped ('T' in its stat), or gone. */
static int
stopped(pid_t pid, const char *tid)
{
	char buf[512], *p;

	if (task_file(pid, tid, "stat", buf, sizeof(buf)) == 0)
		return 1;
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'T';
}

/*
 * A serving thread of fdbroker-run's broker back in RECV (an ioctl),
 * its last request's descriptors closed; the leader, in its loop, and
 * threads gone count as idle.
 */
static int
idle(pid_t pid, const char *tid)
{
	char buf[64];

	if (atoi(tid) == (int)pid ||
	    task_file(pid, tid, "syscall", buf, sizeof(buf)) == 0)
		return 1;
	return atol(buf) == SYS_ioctl;
}

/* --- the broker at its descriptor limit ----------------------------- */

/*
 * With every descriptor number taken, the broker cannot open the file:
 * the request fails with EMFILE, and once a descriptor is free again
 * the broker serves as before.
 */
START_TEST(test_hostile_broker_emfile_socket)
{
	struct rlimit rl, old;
	pid_t pid;
	int st;

	steps_start();
	pid = fdb_broker_fork_worker(fx.b, w_steps, NULL);
	ck_assert_int_gt(pid, 0);
	close(fx.go[0]);
	close(fx.res[1]);
	ck_assert_int_eq(step(1), 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)lowest_free(0);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_eq(step(1), EMFILE);
	ck_assert_int_eq(step(1), EMFILE);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(step(1), 0);
	close(fx.go[1]);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), 0);
	assert_ok(st);
	close(fx.res[0]);
	drain_and_count();
}
END_TEST

/* The same for fdbroker-run's broker, its limit set from outside. */
START_TEST(test_hostile_broker_emfile_notify)
{
	struct rlimit rl, old;
	struct cmd c;
	int i;

	cmd_start(&c, ARGV(fx.run, "-r", fx.dir, "-x", fx.probedir, "--",
	    fx.probe, "steps", fx.file[0], "1", "1", "1", "1"));
	ck_step(&c, "step: 1 failed 0 -");
	/*
	 * The command sees its answer before the serving thread has
	 * closed what it held for the request: count the broker's
	 * descriptors once every thread is back waiting.
	 */
	for (i = 0; i < LINE_MS && !every_thread(c.pid, idle); i++)
		usleep(1000);
	ck_assert(every_thread(c.pid, idle));
	ck_assert_int_eq(prlimit(c.pid, RLIMIT_NOFILE, NULL, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)lowest_free(c.pid);
	ck_assert_int_eq(prlimit(c.pid, RLIMIT_NOFILE, &rl, NULL), 0);
	ck_step(&c, "step: 1 failed 1 EMFILE");
	ck_step(&c, "step: 1 failed 1 EMFILE");
	ck_assert_int_eq(prlimit(c.pid, RLIMIT_NOFILE, &old, NULL), 0);
	ck_step(&c, "step: 1 failed 0 -");
	assert_ok(cmd_end(&c));
}
END_TEST

/* --- the broker killed ---------------------------------------------- */

/*
 * The broker is a child of ours here, so that it can be killed; its
 * worker, our grandchild, comes back to us (a subreaper) to be reaped.
 */
static pid_t
broker_process(void)
{
	pid_t pid;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid != 0)
		return pid;
	if (fdb_broker_fork_worker(fx.b, w_steps, NULL) == -1)
		_exit(1);
	close(fx.go[0]);
	close(fx.go[1]);
	close(fx.res[0]);
	close(fx.res[1]);
	for (;;)
		if (fdb_broker_serve(fx.b, -1) == -1 && errno != EINTR)
			_exit(1);
}

/* A result that is a failure, but neither a hang nor an open. */
static void
assert_refused(int e)
{
	ck_assert_msg(e == ECONNRESET || e == EPIPE, "errno %d", e);
}

/*
 * The broker is killed, idle and with a request pending: the worker's
 * next fdb_open() fails with ECONNRESET or EPIPE; it neither hangs nor
 * succeeds.
 */
START_TEST(test_hostile_broker_killed_socket)
{
	pid_t broker, worker;
	int st;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	steps_start();
	broker = broker_process();
	close(fx.go[0]);
	close(fx.res[1]);
	ck_assert_int_eq(step(0), 0);
	/* Stopped: the next request waits in the worker's recvmsg. */
	ck_assert_int_eq(kill(broker, SIGSTOP), 0);
	ck_assert_int_eq(write(fx.go[1], "s", 1), 1);
	usleep(100 * 1000);
	ck_assert_int_eq(kill(broker, SIGKILL), 0);
	ck_assert_int_eq(waitpid(broker, &st, 0), broker);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	{
		struct pollfd pfd = { fx.res[0], POLLIN, 0 };
		int e;

		ck_assert_int_eq(poll(&pfd, 1, LINE_MS), 1);
		ck_assert_int_eq(read(fx.res[0], &e, sizeof(e)), sizeof(e));
		assert_refused(e);
	}
	/* And once it is gone. */
	assert_refused(step(0));
	close(fx.go[1]);
	worker = wait(&st);
	ck_assert_int_gt(worker, 0);
	assert_ok(st);
	close(fx.res[0]);
}
END_TEST

/*
 * The same for fdbroker-run: its command's open fails (ENOSYS), and the
 * command does not outlive the broker (SPEC §4: the anchor kills it).
 * SIGSTOP stops the one thread it wakes, which then stops the others:
 * the broker's serving threads could take the request meanwhile, so
 * the test waits until all of them are stopped.
 */
START_TEST(test_hostile_broker_killed_notify)
{
	struct pollfd pfd;
	const char *line;
	struct cmd c;
	char byte;
	int st, i;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	cmd_start(&c, ARGV(fx.run, "-r", fx.dir, "-x", fx.probedir, "--",
	    fx.probe, "steps", fx.file[0], "1", "1", "1"));
	ck_step(&c, "step: 1 failed 0 -");
	/* Stopped: the command's open waits for a broker that dies. */
	ck_assert_int_eq(kill(c.pid, SIGSTOP), 0);
	for (i = 0; i < LINE_MS && !every_thread(c.pid, stopped); i++)
		usleep(1000);
	ck_assert(every_thread(c.pid, stopped));
	ck_assert_int_eq(write(c.in, "s", 1), 1);
	usleep(100 * 1000);
	ck_assert_int_eq(kill(c.pid, SIGKILL), 0);
	while ((line = cmd_line(&c)) != NULL)
		ck_assert_str_eq(line, "step: 1 failed 1 ENOSYS");
	/* Gone, not just silent: its end of the pipe is closed. */
	pfd.fd = c.out;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, LINE_MS), 1);
	ck_assert_int_eq(read(c.out, &byte, 1), 0);
	close(c.in);
	close(c.out);
	ck_assert_int_eq(waitpid(c.pid, &st, 0), c.pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* The command, orphaned, comes to us. */
	ck_assert_int_gt(wait(&st), 0);
	assert_ok(st);
}
END_TEST

/* --- 100 000 requests ----------------------------------------------- */

/* Measure the broker at the end of the warm-up and at the end. */
static void
measure_hook(const struct fdb_decision *d, void *arg)
{
	(void)d;
	(void)arg;
	fx.decisions++;
	if (fx.decisions == WARMUP) {
		fx.fds_warm = fd_count();
		fx.rss_warm = rss_of(0);
	} else if (fx.decisions == WARMUP + ENDURANCE) {
		fx.fds_end = fd_count();
		fx.rss_end = rss_of(0);
	}
}

static int
w_endurance(int chan, void *arg)
{
	int i, fd;

	(void)arg;
	for (i = 0; i < WARMUP + ENDURANCE; i++) {
		WANT((fd = fdb_open(chan, fx.file[i % NFILES], O_RDONLY,
		    0)) >= 0);
		close(fd);
	}
	return 0;
}

/*
 * 100 000 requests: the broker holds the same descriptors and about the
 * same memory (VmRSS within 1 MiB) after as after a warm-up of 1000.
 */
START_TEST(test_hostile_endurance_socket)
{
	pid_t pid;
	int st;

	fdb_broker_set_hook(fx.b, measure_hook, NULL);
	pid = fdb_broker_fork_worker(fx.b, w_endurance, NULL);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), 0);
	assert_ok(st);
	ck_assert_uint_eq(fx.decisions, WARMUP + ENDURANCE);
	fprintf(stderr, "socket broker: fds %d -> %d, VmRSS %ld -> %ld kB\n",
	    fx.fds_warm, fx.fds_end, fx.rss_warm, fx.rss_end);
	ck_assert_int_eq(fx.fds_end, fx.fds_warm);
	ck_assert_int_le(fx.rss_end, fx.rss_warm + RSS_SLACK_KB);
	drain_and_count();
}
END_TEST

/* The same for fdbroker-run's broker, watched through /proc. */
START_TEST(test_hostile_endurance_notify)
{
	char warm[64], end[64];
	const char *l;
	struct cmd c;
	int fds;
	long rss;

	snprintf(warm, sizeof(warm), "step: %d failed 0 -", WARMUP);
	snprintf(end, sizeof(end), "step: %d failed 0 -", ENDURANCE);
	cmd_start(&c, ARGV(fx.run, "-r", fx.dir, "-x", fx.probedir, "--",
	    fx.probe, "steps", fx.file[0], "1000", "100000", "0"));
	ck_step(&c, warm);
	fds = idle_fds(c.pid);
	rss = rss_of(c.pid);
	/* About 5 s on this machine idle; more under load. */
	ck_assert_int_eq(write(c.in, "s", 1), 1);
	l = cmd_line_within(&c, ENDURANCE_MS);
	ck_assert_msg(l != NULL && strcmp(l, end) == 0, "line '%s'",
	    l != NULL ? l : "(none)");
	ck_assert_int_eq(settled_fds(c.pid, fds), fds);
	fprintf(stderr, "notify broker: fds %d -> %d, VmRSS %ld -> %ld kB\n",
	    fds, fds_of(c.pid), rss, rss_of(c.pid));
	ck_assert_int_le(rss_of(c.pid), rss + RSS_SLACK_KB);
	assert_ok(cmd_end(&c));
}
END_TEST

static Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc;

	tc = tcase_create("concurrency");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hostile_fan_open_socket);
	tcase_add_test(tc, test_hostile_fan_open_notify);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("killed");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hostile_killed_mid_request_socket);
	tcase_add_test(tc, test_hostile_killed_mid_request_notify);
	tcase_add_test(tc, test_hostile_never_reads_socket);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hostile_broker_emfile_socket);
	tcase_add_test(tc, test_hostile_broker_emfile_notify);
	tcase_add_test(tc, test_hostile_broker_killed_socket);
	tcase_add_test(tc, test_hostile_broker_killed_notify);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("endurance");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hostile_endurance_socket);
	tcase_add_test(tc, test_hostile_endurance_notify);
	tcase_set_timeout(tc, 150);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return hx_main(hostile_suite, 1);
}
