/* SPDX-License-Identifier: MIT */
/*
 * check_escape_channel.c: the escape suite's abuse of the channel to the
 * broker (issue 5, process side).  A library worker writes to its
 * SOCK_SEQPACKET channel by hand: descriptors sent to the broker (also
 * with the broker at its descriptor limit), floods, garbage, a channel
 * closed while the reply is on its way.  The broker must drop that
 * channel, hold exactly the descriptors it held before, and go on
 * serving others.  Under fdbroker-run the command must hold no
 * descriptor that leads to the broker at all.
 *
 * Worker functions run locked down in a grandchild of the runner and
 * report through their exit status and a line on stderr; the test
 * process is the broker.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fd.h"
#include "fdbroker.h"
#include "harness.h"
#include "wire.h"

#define SEND_FDS	250	/* just under the kernel's SCM_MAX_FD */
#define FLOOD		1000

#define WANT(c) do {							\
	if (!(c)) {							\
		dprintf(2, "worker: %s:%d: %s (errno %d)\n", __FILE__,	\
		    __LINE__, #c, errno);				\
		return 1;						\
	}								\
} while (0)

struct fixture {
	char dir[80];
	char granted[96];
	struct fdb_policy *p;
	struct fdb_broker *b;
	int before;		/* the broker's descriptors at the start */
};

static struct fixture fx;

static void
setup(void)
{
	int fd;

	memset(&fx, 0, sizeof(fx));
	hx_test_dir(fx.dir, sizeof(fx.dir));
	snprintf(fx.granted, sizeof(fx.granted), "%s/granted", fx.dir);
	fd = open(fx.granted, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "granted\n", 8), 8);
	close(fd);
	fx.p = fdb_policy_new();
	ck_assert_ptr_nonnull(fx.p);
	ck_assert_int_eq(fdb_policy_add(fx.p, fx.granted, FDB_R), 0);
	fx.b = fdb_broker_new(fx.p);
	ck_assert_ptr_nonnull(fx.b);
	fx.before = fd_count();
	ck_assert_int_gt(fx.before, 0);
}

static void
teardown(void)
{
	fdb_broker_free(fx.b);
	fdb_policy_free(fx.p);
	/* Whatever a probe left in the test's directory goes with it. */
	hx_remove(fx.dir);
}

/* In a worker: the granted file is served, with its content. */
static int
served(int chan)
{
	char buf[16];
	ssize_t n;
	int fd;

	if ((fd = fdb_open(chan, fx.granted, O_RDONLY, 0)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == 8 && memcmp(buf, "granted\n", 8) == 0;
}

/*
 * In a worker: the broker closes our channel by itself.  We wait for
 * the hang-up before reading anything: a reply read early would tell
 * the broker that the request after it came after its reply (so the
 * broker would rightly serve it; a flood read as fast as it is served is
 * no flood).  Then whatever replies were queued are read (and their
 * descriptors counted in *@fds); then end of stream, and a request fails
 * with EPIPE or ECONNRESET.  A channel the broker keeps open for 5 s is
 * a failure, not a hang.
 */
static int
dropped(int chan, int *fds)
{
	struct pollfd p = { .fd = chan, .events = POLLRDHUP };
	char buf[64];
	ssize_t n;
	int fd, i, r;

	while ((r = poll(&p, 1, 5000)) == -1 && errno == EINTR)
		;
	if (r != 1 || !(p.revents & (POLLHUP | POLLRDHUP)))
		return 0;
	for (i = 0; i < FLOOD + 1; i++) {
		n = fdb_recv_fd(chan, buf, sizeof(buf), &fd);
		if (fd >= 0) {
			close(fd);
			if (fds != NULL)
				(*fds)++;
		}
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			break;
	}
	if (i == FLOOD + 1)
		return 0;
	errno = 0;
	fd = fdb_open(chan, fx.granted, O_RDONLY, 0);
	return fd == -1 && (errno == EPIPE || errno == ECONNRESET);
}

/* Serve until every channel has gone, then compare descriptors. */
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
run_worker(fdb_worker_fn fn, void *arg)
{
	pid_t pid;
	int st = -1;

	pid = fdb_broker_fork_worker(fx.b, fn, arg);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), 0);
	return st;
}

static int
w_honest(int chan, void *arg)
{
	int i, n = arg != NULL ? *(int *)arg : 1;

	for (i = 0; i < n; i++)
		WANT(served(chan));
	return 0;
}

/* After the attack: the broker serves the next worker as before. */
static void
next_worker_served(void)
{
	int st = run_worker(w_honest, NULL);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x",
	    st);
	drain_and_count();
}

static void
assert_ok(int st)
{
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "worker status %#x", st);
}

/* --- descriptors sent to the broker --------------------------------- */

/* A well-formed request for the granted file, with @n copies of @fd. */
static ssize_t
send_with_fds(int chan, int fd, int n)
{
	char req[WIRE_REQ_MAX];
	char cbuf[CMSG_SPACE(sizeof(int) * SEND_FDS)];
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *c;
	long len;
	int i;

	len = wire_pack_req(req, sizeof(req), FDB_OP_OPEN, O_RDONLY, 0,
	    fx.granted);
	if (len == -1 || n > SEND_FDS)
		return -1;
	memset(&msg, 0, sizeof(msg));
	memset(cbuf, 0, sizeof(cbuf));
	iov.iov_base = req;
	iov.iov_len = (size_t)len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	for (i = 0; i < n; i++)
		memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
	return sendmsg(chan, &msg, MSG_NOSIGNAL);
}

static int
w_send_fds(int chan, void *arg)
{
	int n = *(int *)arg, fds = 0;

	/*
	 * The same request without a descriptor is answered (but not when
	 * the broker is to have no descriptor free: n < 0).
	 */
	if (n > 0)
		WANT(served(chan));
	WANT(send_with_fds(chan, chan, n > 0 ? n : -n) > 0);
	WANT(dropped(chan, &fds));
	WANT(fds == 0);
	return 0;
}

/* ESCAPE: a worker sends one descriptor to the broker with a valid request | channel closed, nothing answered, no descriptor kept by the broker */
START_TEST(test_escape_channel_send_one_fd)
{
	int n = 1;

	assert_ok(run_worker(w_send_fds, &n));
	drain_and_count();
	next_worker_served();
}
END_TEST

/* ESCAPE: a worker sends 250 descriptors to a broker with a tight RLIMIT_NOFILE | channel closed, every descriptor that arrived closed, the broker holds what it held */
START_TEST(test_escape_channel_send_many_fds)
{
	struct rlimit rl, old;
	int n = SEND_FDS;

	/* Room for the channel, the wait's pidfd and a few spare. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)fx.before + 16;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_ok(run_worker(w_send_fds, &n));
	drain_and_count();
	next_worker_served();
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

/* The highest descriptor number we hold. */
static int
max_fd(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int max = -1, fd;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if ((fd = atoi(de->d_name)) > max && fd != dirfd(d))
			max = fd;
	closedir(d);
	return max;
}

/* ESCAPE: a worker sends descriptors to a broker whose table is full | MSG_CTRUNC, channel closed, the broker keeps serving */
START_TEST(test_escape_channel_send_fds_at_limit)
{
	struct rlimit rl, old;
	int n = -8, st, i;
	pid_t pid;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	pid = fdb_broker_fork_worker(fx.b, w_send_fds, &n);
	ck_assert_int_gt(pid, 0);
	/* Not one free descriptor from here on: none can be received. */
	rl = old;
	rl.rlim_cur = (rlim_t)max_fd() + 1;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (i = 0; i < 500 && fdb_broker_channels(fx.b) > 0; i++)
		ck_assert_int_ge(fdb_broker_serve(fx.b, 10), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(fdb_broker_channels(fx.b), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	assert_ok(st);
	drain_and_count();
	next_worker_served();
}
END_TEST

/* --- floods --------------------------------------------------------- */

static int
w_flood_unread(int chan, void *arg)
{
	char req[WIRE_REQ_MAX];
	long len;
	int i, fds = 0;

	(void)arg;
	WANT(served(chan));
	len = wire_pack_req(req, sizeof(req), FDB_OP_OPEN, O_RDONLY, 0,
	    fx.granted);
	WANT(len > 0);
	for (i = 0; i < FLOOD; i++)
		if (send(chan, req, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) ==
		    -1)
			break;
	/* At most the first was answered before the channel was closed. */
	WANT(dropped(chan, &fds));
	WANT(fds <= 1);
	return 0;
}

/* ESCAPE: a worker floods requests without reading the replies | channel closed after the first unread reply, no descriptor leaked */
START_TEST(test_escape_channel_flood_unread)
{
	assert_ok(run_worker(w_flood_unread, NULL));
	drain_and_count();
	next_worker_served();
}
END_TEST

static int
w_flood_fair(int chan, void *arg)
{
	(void)arg;
	for (;;)
		if (!served(chan))
			return 1;
}

/* ESCAPE: a worker floods the broker with valid requests to starve another | the other worker is served all the same */
START_TEST(test_escape_channel_flood_fair)
{
	pid_t flood[2];
	int n = 200, st, i;

	for (i = 0; i < 2; i++) {
		flood[i] = fdb_broker_fork_worker(fx.b, w_flood_fair, NULL);
		ck_assert_int_gt(flood[i], 0);
	}
	/* Served while both floods go on, within the test's time-out. */
	assert_ok(run_worker(w_honest, &n));
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(kill(flood[i], SIGKILL), 0);
		ck_assert_int_eq(fdb_broker_wait(fx.b, flood[i], &st), 0);
		ck_assert(WIFSIGNALED(st));
	}
	drain_and_count();
}
END_TEST

/* --- garbage -------------------------------------------------------- */

enum garbage {
	G_EMPTY, G_SHORT, G_HEADER, G_VERSION, G_OP, G_RESERVED, G_DIRFD,
	G_NO_NUL, G_INNER_NUL, G_OVERSIZE, G_REPLY, G_RANDOM, G_COUNT
};

/* The message for @kind in @buf; its length. */
static size_t
garbage(int kind, unsigned char *buf, size_t size)
{
	struct wire_req *r = (struct wire_req *)(void *)buf;
	long len;
	size_t i;

	len = wire_pack_req(buf, size, FDB_OP_OPEN, O_RDONLY, 0, fx.granted);
	if (len <= 0)
		return 0;
	switch (kind) {
	case G_EMPTY:
		return 0;
	case G_SHORT:
		return 3;
	case G_HEADER:
		return sizeof(*r);
	case G_VERSION:
		r->version = WIRE_VERSION + 1;
		break;
	case G_OP:
		r->op = 0x7fff;
		break;
	case G_RESERVED:
		r->reserved = 1;
		break;
	case G_DIRFD:
		r->dirfd = 0;
		break;
	case G_NO_NUL:
		buf[len - 1] = 'x';
		break;
	case G_INNER_NUL:
		buf[sizeof(*r) + 2] = '\0';
		break;
	case G_OVERSIZE:
		memset(buf + len, 'a', size - (size_t)len);
		return size;
	case G_REPLY:
		return sizeof(struct wire_rep);
	case G_RANDOM:
		srand(42);
		for (i = 0; i < 512; i++)
			buf[i] = (unsigned char)rand();
		return 512;
	}
	return (size_t)len;
}

static int
w_garbage(int chan, void *arg)
{
	static unsigned char buf[WIRE_REQ_MAX + 64];
	int kind = *(int *)arg;
	size_t len = garbage(kind, buf, sizeof(buf));

	WANT(served(chan));
	WANT(kind == G_EMPTY || len > 0);
	WANT(send(chan, buf, len, MSG_NOSIGNAL) == (ssize_t)len);
	WANT(dropped(chan, NULL));
	return 0;
}

/* ESCAPE: a worker writes malformed messages to its channel (empty, short, bad version, op, reserved, no NUL, oversize, random) | channel closed, the broker keeps serving, nothing leaked */
START_TEST(test_escape_channel_garbage)
{
	assert_ok(run_worker(w_garbage, &_i));
	drain_and_count();
	next_worker_served();
}
END_TEST

/* --- a channel closed under the reply ------------------------------- */

static int
w_close_mid_reply(int chan, void *arg)
{
	char req[WIRE_REQ_MAX];
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long len;
	int i;

	len = wire_pack_req(req, sizeof(req), FDB_OP_OPEN, O_RDONLY, 0,
	    fx.granted);
	WANT(len > 0);
	if (*(int *)arg == 0) {
		WANT(send(chan, req, (size_t)len, MSG_NOSIGNAL) == len);
		_exit(0);	/* gone, most likely before the reply */
	}
	/* Still here, but taking nothing: the reply cannot be sent. */
	WANT(shutdown(chan, SHUT_RD) == 0);
	WANT(send(chan, req, (size_t)len, MSG_NOSIGNAL) == len);
	/* Until the broker has closed the channel. */
	for (i = 0; i < 200; i++) {
		if (send(chan, req, (size_t)len, MSG_NOSIGNAL) == -1)
			break;
		nanosleep(&ts, NULL);
	}
	WANT(errno == EPIPE || errno == ECONNRESET);
	return 0;
}

/* ESCAPE: a worker sends a request and closes its end (or shuts down reading) before the reply with a descriptor arrives | the broker closes the descriptor and the channel, nothing leaked */
START_TEST(test_escape_channel_close_mid_reply)
{
	int how = _i;

	assert_ok(run_worker(w_close_mid_reply, &how));
	drain_and_count();
	next_worker_served();
}
END_TEST

/* --- the notify transport's hand-over ------------------------------- */

/*
 * The listener travels from fdbroker-run's child to the broker over a
 * socketpair before exec; the child closes its end and the listener.
 * What the command holds, as it lists /proc/self/fd: the descriptors it
 * was given and nothing leading to the broker.
 */
static void
probe_path(char *buf, size_t len)
{
	const char *env = getenv("ESCAPE_PROBE2");
	char self[PATH_MAX];
	ssize_t n;

	if (env != NULL) {
		snprintf(buf, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	ck_assert_int_lt(snprintf(buf, len, "%.*s/probe2", PATH_MAX - 16,
	    self), (int)len);
}

/* ESCAPE: the command under fdbroker-run looks for the broker's socketpair or the seccomp listener among its descriptors | it holds neither, only what it was given */
START_TEST(test_escape_channel_notify_handoff)
{
	char probe[PATH_MAX], dir[PATH_MAX], out[8192], *slash;
	const char *run = getenv("FDBROKER_RUN");
	int p[2], keep, st;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_ptr_nonnull(run);
	probe_path(probe, sizeof(probe));
	snprintf(dir, sizeof(dir), "%s", probe);
	slash = strrchr(dir, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	/* The counterpart: a descriptor we do give it shows in its list. */
	keep = open(fx.granted, O_RDONLY);
	ck_assert_int_ge(keep, 3);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		dup2(p[1], 1);
		execl(run, run, "-x", dir, "--", probe, "fds", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	close(keep);
	while (got < sizeof(out) - 1 &&
	    (n = read(p[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	fprintf(stderr, "%s", out);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x",
	    st);
	ck_assert_ptr_nonnull(strstr(out, "fds: ok"));
	ck_assert_ptr_nonnull(strstr(out, fx.granted));
	ck_assert_msg(strstr(out, "socket:") == NULL, "a socket:\n%s", out);
	ck_assert_msg(strstr(out, "anon_inode:seccomp") == NULL,
	    "a listener:\n%s", out);
}
END_TEST

static Suite *
escape_channel_suite(void)
{
	Suite *s = suite_create("escape_channel");
	TCase *tc;

	tc = tcase_create("fds");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_channel_send_one_fd);
	tcase_add_test(tc, test_escape_channel_send_many_fds);
	tcase_add_test(tc, test_escape_channel_send_fds_at_limit);
	tcase_add_test(tc, test_escape_channel_notify_handoff);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_channel_flood_unread);
	tcase_add_test(tc, test_escape_channel_flood_fair);
	tcase_add_loop_test(tc, test_escape_channel_garbage, 0, G_COUNT);
	tcase_add_loop_test(tc, test_escape_channel_close_mid_reply, 0, 2);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return hx_main(escape_channel_suite, 1);
}
