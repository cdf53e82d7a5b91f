/* SPDX-License-Identifier: MIT */
/*
 * check_broker.c: the native socket transport end to end, without
 * seccomp: a broker in the test process serves forked children that call
 * fdb_open() over real SOCK_SEQPACKET socketpairs (transport-socket.c,
 * client.c, with broker.c, resolve.c and policy.c behind them).  Hostile
 * children send malformed requests, descriptors, floods, or die; the
 * broker must close only their channel, keep serving the others, and
 * hold no more descriptors afterwards than before.  The client side is
 * also checked against a fake broker that answers wrongly.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "check-run.h"
#include "fd.h"
#include "fdbroker.h"
#include "fdpass.h"
#include "spin.h"
#include "wire.h"

#define MAXKIDS		2
#define MAXCHANS	2
#define MAXREC		8	/* decisions kept in full; all are counted */
#define MANY		10000

/* One decision as the hook saw it, copied out of the broker's memory. */
struct rec {
	pid_t pid;
	char op[16];
	char path[PATH_MAX];
	char resolved[PATH_MAX];	/* "" when NULL */
	char rule[PATH_MAX];		/* "" when NULL */
	int flags;
	int allowed;
	int error;
	unsigned rule_perms;
};

/* A forked child and its channels; sv[i][1] is the child's end. */
struct kid {
	void (*fn)(const int *chans, void *arg);
	void *arg;
	int nchans;
	int anon;		/* register its channels with pid 0 */
	pid_t pid;
	int sv[MAXCHANS][2];
	int status;
	int reaped;
};

static char rootdir[PATH_MAX], tmpdir[PATH_MAX];
static char granted[PATH_MAX], refused[PATH_MAX];
static char data_path[PATH_MAX], secret_path[PATH_MAX], missing_path[PATH_MAX];
static struct fdb_policy *pol;
static struct fdb_broker *broker;
static struct rec recs[MAXREC];
static int nrecs;
static int base_fds;

static void	hook(const struct fdb_decision *d, void *arg);
static void	copy(char *dst, const char *src);
static void	join(char *dst, const char *dir, const char *name);
static void	write_file(const char *path, const char *text);
static int	rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw);
static void	root_setup(void);
static void	root_teardown(void);
static void	setup(void);
static void	teardown(void);
static void	kids_start(struct kid *k, int n);
static void	kids_wait(struct kid *k, int n);
static void	drain(void);
static void	assert_no_leak(void);
static void	assert_gone(int r, int err);
static size_t	make_req(void *buf, const char *path, int flags);

static void
copy(char *dst, const char *src)
{
	if (src == NULL)
		src = "";
	ck_assert_uint_lt(strlen(src), PATH_MAX);
	memcpy(dst, src, strlen(src) + 1);
}

/* join: @dir/@name into @dst (PATH_MAX bytes). */
static void
join(char *dst, const char *dir, const char *name)
{
	int n = snprintf(dst, PATH_MAX, "%s/%s", dir, name);

	ck_assert(n > 0 && n < PATH_MAX);
}

static void
hook(const struct fdb_decision *d, void *arg)
{
	struct rec *r;

	ck_assert_ptr_eq(arg, &nrecs);
	if (nrecs < MAXREC) {
		r = &recs[nrecs];
		r->pid = d->pid;
		ck_assert_ptr_nonnull(d->op);
		ck_assert_uint_lt(strlen(d->op), sizeof(r->op));
		memcpy(r->op, d->op, strlen(d->op) + 1);
		copy(r->path, d->path);
		copy(r->resolved, d->resolved);
		copy(r->rule, d->rule);
		r->flags = d->flags;
		r->allowed = d->allowed;
		r->error = d->error;
		r->rule_perms = d->rule_perms;
	}
	nrecs++;
}

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * root_setup: one directory per tcase, made and removed by the runner
 * itself, so that a failed test (whose process exits before its own
 * teardown) leaves nothing behind in /tmp.
 */
static void
root_setup(void)
{
	strcpy(rootdir, "/tmp/fdb-check-broker-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rootdir));
}

static void
root_teardown(void)
{
	nftw(rootdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
setup(void)
{
	/* Default action: a stray SIGPIPE kills the broker or a child. */
	signal(SIGPIPE, SIG_DFL);
	join(tmpdir, rootdir, "t-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	join(granted, tmpdir, "granted");
	join(refused, tmpdir, "refused");
	join(data_path, granted, "data");
	join(secret_path, refused, "secret");
	join(missing_path, granted, "missing");
	ck_assert_int_eq(mkdir(granted, 0755), 0);
	ck_assert_int_eq(mkdir(refused, 0755), 0);
	write_file(data_path, "hello");
	write_file(secret_path, "secret");
	pol = fdb_policy_new();
	ck_assert_ptr_nonnull(pol);
	ck_assert_int_eq(fdb_policy_add(pol, granted, FDB_R | FDB_W | FDB_C),
			 0);
	broker = fdb_broker_new(pol);
	ck_assert_ptr_nonnull(broker);
	fdb_broker_set_hook(broker, hook, &nrecs);
	nrecs = 0;
	base_fds = fd_count();
	ck_assert_int_gt(base_fds, 0);
}

static void
teardown(void)
{
	fdb_broker_free(broker);
	broker = NULL;
	fdb_policy_free(pol);
	pol = NULL;
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * kids_start: every socketpair first, then the forks, so that each child
 * can close every end that is not its own: a child holding a copy of the
 * broker's end of another channel would keep that channel alive after
 * the broker closed it.
 */
static void
kids_start(struct kid *k, int n)
{
	int mine[MAXCHANS], i, j, c;

	for (i = 0; i < n; i++) {
		for (c = 0; c < k[i].nchans; c++)
			ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET |
			    SOCK_CLOEXEC, 0, k[i].sv[c]), 0);
	}
	for (i = 0; i < n; i++) {
		k[i].reaped = 0;
		k[i].pid = check_fork();
		ck_assert_int_ne(k[i].pid, -1);
		if (k[i].pid != 0)
			continue;
		for (j = 0; j < n; j++) {
			for (c = 0; c < k[j].nchans; c++) {
				close(k[j].sv[c][0]);
				if (j != i)
					close(k[j].sv[c][1]);
			}
		}
		for (c = 0; c < k[i].nchans; c++)
			mine[c] = k[i].sv[c][1];
		k[i].fn(mine, k[i].arg);
		check_waitpid_and_exit(0);
	}
	for (i = 0; i < n; i++) {
		for (c = 0; c < k[i].nchans; c++) {
			close(k[i].sv[c][1]);
			ck_assert_int_eq(fdb_broker_add_channel(broker,
			    k[i].sv[c][0], k[i].anon ? 0 : k[i].pid), 0);
		}
	}
}

/* drain: serve what is left (end-of-stream of exited children). */
static void
drain(void)
{
	int i, r;

	for (i = 0; i < 1000; i++) {
		if ((r = fdb_broker_serve(broker, 0)) == 0)
			return;
		ck_assert_int_gt(r, 0);
	}
	ck_abort_msg("broker still busy after its children exited");
}

static void
kids_wait(struct kid *k, int n)
{
	int i, left = n, r;
	pid_t p;

	while (left > 0) {
		r = fdb_broker_serve(broker, 20);
		ck_assert_msg(r >= 0 || errno == EINTR, "serve: %s",
			      strerror(errno));
		for (i = 0; i < n; i++) {
			if (k[i].reaped)
				continue;
			p = waitpid(k[i].pid, &k[i].status, WNOHANG);
			ck_assert_int_ne(p, -1);
			if (p == k[i].pid) {
				k[i].reaped = 1;
				left--;
			}
		}
	}
	drain();
	for (i = 0; i < n; i++)
		ck_assert_msg(WIFEXITED(k[i].status) &&
			      WEXITSTATUS(k[i].status) == 0,
			      "child %d failed, status 0x%x", i, k[i].status);
}

/* assert_no_leak: every channel closed, no descriptor left behind. */
static void
assert_no_leak(void)
{
	ck_assert_uint_eq(fdb_broker_channels(broker), 0);
	ck_assert_int_eq(fd_count(), base_fds);
}

/* assert_gone: what fdb_open reports for a closed channel. */
static void
assert_gone(int r, int err)
{
	ck_assert_int_eq(r, -1);
	ck_assert_msg(err == ECONNRESET || err == EPIPE,
		      "expected ECONNRESET or EPIPE, got %s", strerror(err));
}

static size_t
make_req(void *buf, const char *path, int flags)
{
	long n = wire_pack_req(buf, WIRE_REQ_MAX, FDB_OP_OPEN, flags, 0, path);

	ck_assert_int_gt(n, 0);
	return (size_t)n;
}

/* --- requests: granted, refused, missing, flags, hook ---------------- */

static void
kid_basic(const int *chans, void *arg)
{
	char buf[8] = { 0 };
	int fd;

	(void)arg;
	fd = fdb_open(chans[0], data_path, O_RDONLY | O_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 5);
	ck_assert_str_eq(buf, "hello");
	close(fd);
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], secret_path, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, EACCES);
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], missing_path, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
}

START_TEST(test_broker_open_hook)
{
	struct kid k = { kid_basic, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };

	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	/* Exactly one decision per request, in order. */
	ck_assert_int_eq(nrecs, 3);
	ck_assert_int_eq(recs[0].pid, k.pid);
	ck_assert_str_eq(recs[0].op, "open");
	ck_assert_str_eq(recs[0].path, data_path);
	ck_assert_str_eq(recs[0].resolved, data_path);
	ck_assert_int_eq(recs[0].flags, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(recs[0].allowed, 1);
	ck_assert_int_eq(recs[0].error, 0);
	ck_assert_str_eq(recs[0].rule, granted);
	ck_assert_uint_eq(recs[0].rule_perms, FDB_R | FDB_W | FDB_C);

	ck_assert_int_eq(recs[1].pid, k.pid);
	ck_assert_str_eq(recs[1].path, secret_path);
	ck_assert_int_eq(recs[1].flags, O_RDONLY);
	ck_assert_int_eq(recs[1].allowed, 0);
	ck_assert_int_eq(recs[1].error, EACCES);
	ck_assert_str_eq(recs[1].rule, "");

	/* The policy allowed it; the open itself failed. */
	ck_assert_str_eq(recs[2].path, missing_path);
	ck_assert_int_eq(recs[2].allowed, 1);
	ck_assert_int_eq(recs[2].error, ENOENT);
	ck_assert_str_eq(recs[2].rule, granted);
}
END_TEST

static void
kid_cloexec(const int *chans, void *arg)
{
	int flags = *(int *)arg, fd;

	fd = fdb_open(chans[0], data_path, flags, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC,
			 (flags & O_CLOEXEC) ? FD_CLOEXEC : 0);
	close(fd);
}

START_TEST(test_broker_open_cloexec)
{
	int flags = _i ? O_RDONLY | O_CLOEXEC : O_RDONLY;
	struct kid k = { kid_cloexec, &flags, 1, 0, 0, { { -1, -1 } }, 0, 0 };

	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	ck_assert_int_eq(nrecs, 1);
}
END_TEST

static void
kid_create(const int *chans, void *arg)
{
	char path[PATH_MAX];
	int fd;

	(void)arg;
	join(path, granted, "new");
	fd = fdb_open(chans[0], path, O_WRONLY | O_CREAT | O_EXCL, 0640);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "made", 4), 4);
	close(fd);
	join(path, refused, "new");
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], path, O_WRONLY | O_CREAT, 0600),
			 -1);
	ck_assert_int_eq(errno, EACCES);
}

START_TEST(test_broker_open_create)
{
	struct kid k = { kid_create, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };
	char path[PATH_MAX], buf[8] = { 0 };
	struct stat st;
	int fd;

	umask(022);
	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	join(path, granted, "new");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "made");
	close(fd);
	join(path, refused, "new");
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static void
kid_deny_errno(const int *chans, void *arg)
{
	(void)arg;
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], secret_path, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, EPERM);
}

START_TEST(test_broker_open_deny_errno)
{
	struct kid k = { kid_deny_errno, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };

	ck_assert_int_eq(fdb_broker_set_deny_errno(broker, EPERM), 0);
	kids_start(&k, 1);
	kids_wait(&k, 1);
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].error, EPERM);
}
END_TEST

static void
kid_relative(const int *chans, void *arg)
{
	int fd;

	(void)arg;
	/* The child's own directory does not matter: "/" here. */
	ck_assert_int_eq(chdir("/"), 0);
	fd = fdb_open(chans[0], "granted/data", O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], "granted/../refused/secret",
				  O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}

START_TEST(test_broker_open_relative)
{
	struct kid k = { kid_relative, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };

	/* Relative paths are the broker's, taken at fdb_broker_new(). */
	fdb_broker_free(broker);
	ck_assert_int_eq(chdir(tmpdir), 0);
	broker = fdb_broker_new(pol);
	ck_assert_ptr_nonnull(broker);
	ck_assert_int_eq(chdir("/"), 0);
	fdb_broker_set_hook(broker, hook, &nrecs);
	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	ck_assert_int_eq(nrecs, 2);
	ck_assert_str_eq(recs[0].path, "granted/data");
	ck_assert_str_eq(recs[0].resolved, data_path);
	ck_assert_int_eq(recs[1].error, EACCES);
}
END_TEST

static void
kid_absent(const int *chans, void *arg)
{
	char inside[PATH_MAX];

	(void)arg;
	join(inside, data_path, "new");
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], data_path, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(fdb_open(chans[0], inside, O_WRONLY | O_CREAT, 0600),
			 -1);
	ck_assert_int_eq(errno, ENOENT);
}

/*
 * FDB_ABSENT: a file that is there answers ENOENT, nothing is made
 * beneath, and the record is no refusal: it names the absent rule.
 */
START_TEST(test_broker_open_absent)
{
	struct kid k = { kid_absent, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };
	struct stat st;
	int i;

	ck_assert_int_eq(fdb_policy_add(pol, data_path, FDB_ABSENT), 0);
	fdb_broker_free(broker);
	broker = fdb_broker_new(pol);
	ck_assert_ptr_nonnull(broker);
	fdb_broker_set_hook(broker, hook, &nrecs);
	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	ck_assert_int_eq(nrecs, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(recs[i].allowed, 1);
		ck_assert_int_eq(recs[i].error, ENOENT);
		ck_assert_str_eq(recs[i].rule, data_path);
		ck_assert_uint_eq(recs[i].rule_perms, FDB_ABSENT);
	}
	ck_assert_int_eq(stat(data_path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
}
END_TEST

/* --- channels ------------------------------------------------------- */

static void
kid_anon(const int *chans, void *arg)
{
	int fd;

	(void)arg;
	fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

START_TEST(test_broker_add_channel_socketpair_pid)
{
	struct kid k = { kid_anon, NULL, 1, 1, 0, { { -1, -1 } }, 0, 0 };

	/*
	 * SO_PEERCRED of a socketpair names its creator, the broker; the
	 * requester is the kid that sent the request (SO_PASSCRED), or
	 * unknown (0) when it sent before the channel was added, never the
	 * broker's own pid.
	 */
	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	ck_assert_int_eq(nrecs, 1);
	ck_assert(recs[0].pid == k.pid || recs[0].pid == 0);
}
END_TEST

static void
kid_peercred(const int *chans, void *arg)
{
	int c[2], fd;

	(void)arg;
	/* Our own pair: its SO_PEERCRED names us. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    c), 0);
	ck_assert_int_eq(fdb_send_fd(chans[0], "c", 1, c[0]), 1);
	close(c[0]);
	fd = fdb_open(c[1], data_path, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

START_TEST(test_broker_add_channel_peercred)
{
	int sv[2], fd = -1, left = 1, st;
	char b;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	pid = check_fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(sv[0]);
		kid_peercred(&sv[1], NULL);
		check_waitpid_and_exit(0);
	}
	close(sv[1]);
	ck_assert_int_eq(fdb_recv_fd(sv[0], &b, 1, &fd), 1);
	close(sv[0]);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fdb_broker_add_channel(broker, fd, 0), 0);
	while (left) {
		ck_assert_int_ge(fdb_broker_serve(broker, 20), 0);
		if (waitpid(pid, &st, WNOHANG) == pid)
			left = 0;
	}
	drain();
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_no_leak();
	ck_assert_int_eq(nrecs, 1);
	ck_assert_int_eq(recs[0].pid, pid);
}
END_TEST

START_TEST(test_broker_add_channel_valid)
{
	int a[2], b[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    a), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    b), 0);
	ck_assert_uint_eq(fdb_broker_channels(broker), 0);
	ck_assert_int_eq(fdb_broker_add_channel(broker, a[0], 1), 0);
	ck_assert_uint_eq(fdb_broker_channels(broker), 1);
	ck_assert_int_eq(fdb_broker_add_channel(broker, b[0], 1), 0);
	ck_assert_uint_eq(fdb_broker_channels(broker), 2);
	/* Nothing to do yet: serving times out. */
	ck_assert_int_eq(fdb_broker_serve(broker, 0), 0);
	close(a[1]);
	ck_assert_int_eq(fdb_broker_serve(broker, 1000), 1);
	ck_assert_uint_eq(fdb_broker_channels(broker), 1);
	close(b[1]);
	drain();
	assert_no_leak();
}
END_TEST

START_TEST(test_broker_add_channel_invalid)
{
	int sv[2];

	/* A stream has no message boundaries: refused, and still closed. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	errno = 0;
	ck_assert_int_eq(fdb_broker_add_channel(broker, sv[0], 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
	close(sv[1]);
	/* Not a socket at all. */
	ck_assert_int_eq(pipe(sv), 0);
	errno = 0;
	ck_assert_int_eq(fdb_broker_add_channel(broker, sv[0], 0), -1);
	ck_assert_int_eq(errno, ENOTSOCK);
	ck_assert_int_eq(fcntl(sv[0], F_GETFD), -1);
	close(sv[1]);
	errno = 0;
	ck_assert_int_eq(fdb_broker_add_channel(broker, -1, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	errno = 0;
	ck_assert_int_eq(fdb_broker_serve(NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(fdb_broker_channels(broker), 0);
	assert_no_leak();
}
END_TEST

/* --- hostile children ------------------------------------------------- */

enum bad_msg {
	BADMSG_GARBAGE,
	BADMSG_EMPTY,
	BADMSG_HEADER_ONLY,
	BADMSG_NO_NUL,
	BADMSG_FD_ATTACHED,
	BADMSG_OVERSIZE,
	BADMSG_VERSION,
	BADMSG_OP,
	BADMSG_EMBEDDED_NUL,
	BADMSG_PIPELINED,
	BADMSG_COUNT
};

/* Channel 0 breaks the protocol; channel 1 must keep working. */
static void
kid_malformed(const int *chans, void *arg)
{
	unsigned char *buf = calloc(1, WIRE_REQ_MAX + 16);
	struct wire_req hdr;
	size_t len = 0;
	int bad = *(int *)arg, p[2] = { -1, -1 }, fd;
	struct pollfd pfd;
	char c;

	ck_assert_ptr_nonnull(buf);
	switch ((enum bad_msg)bad) {
	case BADMSG_GARBAGE:
		memset(buf, 0xa5, 64);
		len = 64;
		break;
	case BADMSG_EMPTY:
		len = 0;
		break;
	case BADMSG_HEADER_ONLY:
		len = make_req(buf, data_path, O_RDONLY);
		len = sizeof(struct wire_req);
		break;
	case BADMSG_NO_NUL:
		len = make_req(buf, data_path, O_RDONLY) - 1;
		break;
	case BADMSG_FD_ATTACHED:
		ck_assert_int_eq(pipe(p), 0);
		len = make_req(buf, data_path, O_RDONLY);
		break;
	case BADMSG_OVERSIZE:
		memset(buf, 'a', WIRE_REQ_MAX + 16);
		make_req(buf, "/", O_RDONLY);
		len = WIRE_REQ_MAX + 1;
		buf[len - 1] = '\0';
		break;
	case BADMSG_VERSION:
	case BADMSG_OP:
		len = make_req(buf, data_path, O_RDONLY);
		memcpy(&hdr, buf, sizeof(hdr));
		if (bad == BADMSG_VERSION)
			hdr.version = WIRE_VERSION + 1;
		else
			hdr.op = 0x7fff;
		memcpy(buf, &hdr, sizeof(hdr));
		break;
	case BADMSG_EMBEDDED_NUL:
		len = make_req(buf, data_path, O_RDONLY);
		buf[sizeof(struct wire_req) + 2] = '\0';
		break;
	case BADMSG_PIPELINED:
		/* A second request before reading the first reply. */
		len = make_req(buf, data_path, O_RDONLY);
		ck_assert_int_eq(send(chans[0], buf, len, MSG_NOSIGNAL),
				 (ssize_t)len);
		break;
	case BADMSG_COUNT:
		ck_abort();
	}
	if (len == 0)
		ck_assert_int_eq(send(chans[0], buf, 0, MSG_NOSIGNAL), 0);
	else
		ck_assert_int_eq(fdpass_send(chans[0], buf, len, p[1], 0),
				 (ssize_t)len);
	fd_close(p[1]);
	if (bad == BADMSG_PIPELINED) {
		/*
		 * The first reply waits unread in our queue; only once the
		 * broker hung up is the next fdb_open sure to fail.
		 */
		pfd.fd = chans[0];
		pfd.events = 0;
		ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
		ck_assert(pfd.revents & POLLHUP);
	}
	/* The channel is closed: this request fails, it is not answered. */
	errno = 0;
	fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
	assert_gone(fd, errno);
	if (p[0] != -1) {
		/* The broker closed the descriptor it was sent: EOF. */
		ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
		ck_assert_int_eq(read(p[0], &c, 1), 0);
	}
	fd = fdb_open(chans[1], data_path, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	free(buf);
}

START_TEST(test_broker_serve_malformed)
{
	int bad = _i;
	struct kid k = { kid_malformed, &bad, 2, 0, 0, { { -1, -1 } }, 0, 0 };

	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	/* Malformed requests never reach the hook; the good one does. */
	ck_assert_int_eq(nrecs, bad == BADMSG_PIPELINED ? 2 : 1);
	ck_assert_str_eq(recs[nrecs - 1].path, data_path);
	ck_assert_int_eq(recs[nrecs - 1].allowed, 1);
}
END_TEST

static void
kid_wellformed(const int *chans, void *arg)
{
	int fd, i;

	(void)arg;
	for (i = 0; i < 2; i++) {
		fd = fdb_open(chans[i], data_path, O_RDONLY, 0);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	/* Both channels are still open for more. */
	fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

START_TEST(test_broker_serve_wellformed)
{
	struct kid k = { kid_wellformed, NULL, 2, 0, 0, { { -1, -1 } }, 0, 0 };

	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	ck_assert_int_eq(nrecs, 3);
}
END_TEST

static void
kid_dies(const int *chans, void *arg)
{
	unsigned char buf[WIRE_REQ_MAX];
	size_t len = make_req(buf, data_path, O_RDONLY);

	(void)arg;
	ck_assert_int_eq(send(chans[0], buf, len, MSG_NOSIGNAL),
			 (ssize_t)len);
	_exit(0);
}

static void
kid_steady(const int *chans, void *arg)
{
	int fd, i, n = *(int *)arg;

	for (i = 0; i < n; i++) {
		fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
}

START_TEST(test_broker_serve_child_dies)
{
	int n = 20;
	struct kid k[2] = {
		{ kid_dies, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 },
		{ kid_steady, &n, 1, 0, 0, { { -1, -1 } }, 0, 0 },
	};

	kids_start(k, 2);
	kids_wait(k, 2);
	assert_no_leak();
	/* The dead child's request may have been served, into the void. */
	ck_assert_int_ge(nrecs, n);
	ck_assert_int_le(nrecs, n + 1);
}
END_TEST

/* Two requests 300 ms apart: the broker has nothing to do in between. */
static void
kid_pause(const int *chans, void *arg)
{
	struct timespec pause = { 0, 300 * 1000 * 1000 };
	int fd;

	(void)arg;
	ck_assert_int_ge(fd = fdb_open(chans[0], data_path, O_RDONLY, 0), 0);
	close(fd);
	while (nanosleep(&pause, &pause) == -1 && errno == EINTR)
		;
	ck_assert_int_ge(fd = fdb_open(chans[0], data_path, O_RDONLY, 0), 0);
	close(fd);
}

/*
 * The broker polls a short while after a request rather than sleep at
 * once (spin.h); idle, it must sleep.  Polling through the whole pause
 * would cost 300 ms of CPU; a bound of a third of that leaves room for a
 * slow machine and none for a broker that never sleeps.
 */
START_TEST(test_broker_serve_idle_sleeps)
{
	struct kid k = { kid_pause, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };
	struct rusage r0, r1;
	long us;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &r0), 0);
	kids_start(&k, 1);
	kids_wait(&k, 1);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &r1), 0);
	us = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000L +
	     (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
	     (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000L +
	     (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	ck_assert_msg(us < 100000, "the idle broker used %ld us of CPU", us);
	ck_assert_int_eq(nrecs, 2);
}
END_TEST

/* Polling is for peers on other CPUs: never when there is one to run on. */
START_TEST(test_broker_spin_only_with_cpus)
{
	cpu_set_t all, one;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	ck_assert_int_eq(spin_useful(), 0);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(all), &all), 0);
	ck_assert_int_eq(spin_useful(), CPU_COUNT(&all) > 1);
}
END_TEST

static void
kid_silent(const int *chans, void *arg)
{
	unsigned char buf[WIRE_REQ_MAX];
	size_t len = make_req(buf, data_path, O_RDONLY);
	ssize_t r = 0;
	int i;

	(void)arg;
	/* Ask and ask, never read: the broker must drop us, not wait. */
	for (i = 0; i < 100000; i++) {
		if ((r = send(chans[0], buf, len, MSG_NOSIGNAL)) == -1)
			break;
	}
	assert_gone((int)r, errno);
}

START_TEST(test_broker_serve_silent_child)
{
	int n = 200;
	struct kid k[2] = {
		{ kid_silent, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 },
		{ kid_steady, &n, 1, 0, 0, { { -1, -1 } }, 0, 0 },
	};

	kids_start(k, 2);
	kids_wait(k, 2);
	assert_no_leak();
	ck_assert_int_ge(nrecs, n);
}
END_TEST

/* --- the broker gone ---------------------------------------------------- */

static void
kid_orphan(const int *chans, void *arg)
{
	int fd;

	(void)arg;
	/* SIGPIPE is at its default: MSG_NOSIGNAL keeps us alive. */
	fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
	assert_gone(fd, errno);
	fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
	assert_gone(fd, errno);
}

START_TEST(test_broker_open_broker_freed)
{
	int sv[2], st;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	ck_assert_int_eq(fdb_broker_add_channel(broker, sv[0], 1), 0);
	/* Freeing the broker closes its channels. */
	fdb_broker_free(broker);
	broker = NULL;
	pid = check_fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		kid_orphan(&sv[1], NULL);
		check_waitpid_and_exit(0);
	}
	close(sv[1]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x",
		      st);
	ck_assert_int_eq(nrecs, 0);
}
END_TEST

START_TEST(test_broker_open_broker_dies_mid_request)
{
	unsigned char buf[WIRE_REQ_MAX];
	const char *path;
	struct wire_req req;
	int sv[2], st, fd;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	pid = check_fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(sv[0]);
		fd = fdb_open(sv[1], data_path, O_RDONLY, 0);
		assert_gone(fd, errno);
		check_waitpid_and_exit(0);
	}
	close(sv[1]);
	/* Take the request, then vanish without answering. */
	n = recv(sv[0], buf, sizeof(buf), 0);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(wire_unpack_req(buf, (size_t)n, &req, &path), 0);
	ck_assert_str_eq(path, data_path);
	close(sv[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x",
		      st);
}
END_TEST

/* --- many requests ------------------------------------------------------ */

static void
kid_many(const int *chans, void *arg)
{
	int before = fd_count(), fd, i;

	(void)arg;
	for (i = 0; i < MANY; i++) {
		errno = 0;
		switch (i % 3) {
		case 0:
			fd = fdb_open(chans[0], data_path, O_RDONLY, 0);
			ck_assert_int_ge(fd, 0);
			close(fd);
			break;
		case 1:
			fd = fdb_open(chans[0], secret_path, O_RDONLY, 0);
			ck_assert_int_eq(fd, -1);
			ck_assert_int_eq(errno, EACCES);
			break;
		default:
			fd = fdb_open(chans[0], missing_path, O_RDONLY, 0);
			ck_assert_int_eq(fd, -1);
			ck_assert_int_eq(errno, ENOENT);
			break;
		}
	}
	/* The client side leaks nothing either. */
	ck_assert_int_eq(fd_count(), before);
}

START_TEST(test_broker_serve_many)
{
	struct kid k = { kid_many, NULL, 1, 0, 0, { { -1, -1 } }, 0, 0 };

	kids_start(&k, 1);
	kids_wait(&k, 1);
	assert_no_leak();
	ck_assert_int_eq(nrecs, MANY);
}
END_TEST

/* --- the client against a broker that answers wrongly ------------------- */

enum bad_rep {
	REP_GOOD,		/* status 0 and a descriptor */
	REP_NO_FD,		/* status 0 without descriptor */
	REP_ERROR_WITH_FD,	/* an error, yet a descriptor */
	REP_ERROR,		/* an error, no descriptor */
	REP_WRONG_OP,
	REP_WRONG_VERSION,
	REP_RESERVED,
	REP_HUGE_STATUS,
	REP_TOO_LONG,
	REP_TOO_SHORT,
	REP_TWO_FDS,
	REP_EOF,
	REP_COUNT
};

static const struct {
	int has_fd;		/* descriptors attached */
	int err;		/* expected errno, 0 for success */
} rep_cases[REP_COUNT] = {
	[REP_GOOD] = { 1, 0 },
	[REP_NO_FD] = { 0, EPROTO },
	[REP_ERROR_WITH_FD] = { 1, ENOENT },
	[REP_ERROR] = { 0, ENOENT },
	[REP_WRONG_OP] = { 1, EPROTO },
	[REP_WRONG_VERSION] = { 1, EPROTO },
	[REP_RESERVED] = { 1, EPROTO },
	[REP_HUGE_STATUS] = { 0, EPROTO },
	[REP_TOO_LONG] = { 1, EPROTO },
	[REP_TOO_SHORT] = { 1, EPROTO },
	[REP_TWO_FDS] = { 2, EPROTO },
	[REP_EOF] = { 0, ECONNRESET },
};

/* Queue the reply before the request: fdb_open then finds it waiting. */
static void
queue_reply(int sock, int c, int pipefd)
{
	unsigned char msg[sizeof(struct wire_rep) + 1] = { 0 };
	struct wire_rep rep;
	size_t len = sizeof(rep);
	int status = rep_cases[c].err == EPROTO ? 0 : rep_cases[c].err;
	int fds[2] = { pipefd, pipefd };
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	union {
		struct cmsghdr h;
		unsigned char b[CMSG_SPACE(2 * sizeof(int))];
	} u;

	if (c == REP_EOF) {
		ck_assert_int_eq(shutdown(sock, SHUT_WR), 0);
		return;
	}
	wire_pack_rep(&rep, FDB_OP_OPEN, status);
	if (c == REP_WRONG_OP)
		rep.op = FDB_OP_OPEN + 1;
	if (c == REP_WRONG_VERSION)
		rep.version = WIRE_VERSION + 1;
	if (c == REP_RESERVED)
		rep.reserved = 1;
	if (c == REP_HUGE_STATUS)
		rep.status = 5000;
	if (c == REP_TOO_LONG)
		len++;
	if (c == REP_TOO_SHORT)
		len--;
	memcpy(msg, &rep, sizeof(rep));
	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	iov.iov_base = msg;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (rep_cases[c].has_fd) {
		mh.msg_control = u.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) *
		    (size_t)rep_cases[c].has_fd);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) *
		    (size_t)rep_cases[c].has_fd);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) *
		    (size_t)rep_cases[c].has_fd);
	}
	ck_assert_int_eq(sendmsg(sock, &mh, MSG_NOSIGNAL), (ssize_t)len);
}

START_TEST(test_broker_open_client_reply)
{
	unsigned char buf[WIRE_REQ_MAX];
	struct wire_req req;
	const char *path;
	int sv[2], p[2], before, fd;
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	queue_reply(sv[0], _i, p[1]);
	before = fd_count();
	errno = 0;
	fd = fdb_open(sv[1], "/some/path", O_WRONLY | O_APPEND, 0600);
	if (rep_cases[_i].err == 0) {
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
		ck_assert_int_eq(fd_count(), before + 1);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
		ck_assert_msg(errno == rep_cases[_i].err, "errno %s",
			      strerror(errno));
		/* Whatever descriptor came with the bad reply is closed. */
		ck_assert_int_eq(fd_count(), before);
	}
	/* And the request it sent was the one asked for. */
	n = recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(wire_unpack_req(buf, (size_t)n, &req, &path), 0);
	ck_assert_str_eq(path, "/some/path");
	ck_assert_int_eq(req.flags, O_WRONLY | O_APPEND);
	ck_assert_uint_eq(req.mode, 0600);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_broker_open_client_args)
{
	char *longpath = malloc(PATH_MAX + 1);
	char buf[16];
	int sv[2];

	ck_assert_ptr_nonnull(longpath);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	errno = 0;
	ck_assert_int_eq(fdb_open(sv[1], NULL, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	memset(longpath, 'a', PATH_MAX);
	longpath[0] = '/';
	longpath[PATH_MAX] = '\0';
	errno = 0;
	ck_assert_int_eq(fdb_open(sv[1], longpath, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	errno = 0;
	ck_assert_int_eq(fdb_open(sv[1], "", O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* None of these reached the socket. */
	errno = 0;
	ck_assert_int_eq(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	errno = 0;
	ck_assert_int_eq(fdb_open(-1, "/x", O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	close(sv[0]);
	close(sv[1]);
	free(longpath);
}
END_TEST

START_TEST(test_broker_open_client_longest_path)
{
	unsigned char *buf = malloc(WIRE_REQ_MAX);
	char *path = malloc(PATH_MAX);
	struct wire_req req;
	const char *got;
	int sv[2];
	ssize_t n;

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	memset(path, 'a', PATH_MAX - 1);
	path[0] = '/';
	path[PATH_MAX - 1] = '\0';
	queue_reply(sv[0], REP_ERROR, -1);
	errno = 0;
	ck_assert_int_eq(fdb_open(sv[1], path, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	n = recv(sv[0], buf, WIRE_REQ_MAX, MSG_DONTWAIT);
	ck_assert_int_eq(n, (ssize_t)WIRE_REQ_MAX);
	ck_assert_int_eq(wire_unpack_req(buf, (size_t)n, &req, &got), 0);
	ck_assert_str_eq(got, path);
	close(sv[0]);
	close(sv[1]);
	free(path);
	free(buf);
}
END_TEST

static Suite *
broker_suite(void)
{
	Suite *s = suite_create("broker");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_broker_open_hook);
	tcase_add_loop_test(tc, test_broker_open_cloexec, 0, 2);
	tcase_add_test(tc, test_broker_open_create);
	tcase_add_test(tc, test_broker_open_deny_errno);
	tcase_add_test(tc, test_broker_open_relative);
	tcase_add_test(tc, test_broker_open_absent);
	suite_add_tcase(s, tc);

	tc = tcase_create("channels");
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_broker_add_channel_valid);
	tcase_add_test(tc, test_broker_add_channel_invalid);
	tcase_add_test(tc, test_broker_add_channel_peercred);
	tcase_add_test(tc, test_broker_add_channel_socketpair_pid);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_broker_serve_wellformed);
	tcase_add_loop_test(tc, test_broker_serve_malformed, 0, BADMSG_COUNT);
	tcase_add_test(tc, test_broker_serve_child_dies);
	tcase_add_test(tc, test_broker_serve_silent_child);
	tcase_add_test(tc, test_broker_serve_idle_sleeps);
	tcase_add_test(tc, test_broker_spin_only_with_cpus);
	suite_add_tcase(s, tc);

	tc = tcase_create("gone");
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_broker_open_broker_freed);
	tcase_add_test(tc, test_broker_open_broker_dies_mid_request);
	suite_add_tcase(s, tc);

	tc = tcase_create("client");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_broker_open_client_reply, 0, REP_COUNT);
	tcase_add_test(tc, test_broker_open_client_args);
	tcase_add_test(tc, test_broker_open_client_longest_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_broker_serve_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(broker_suite());
}
