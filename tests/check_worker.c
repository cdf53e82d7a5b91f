/* SPDX-License-Identifier: MIT */
/*
 * check_worker.c: unit tests of sandbox/worker.c, the library's
 * privilege-separation pattern: fdb_broker_fork_worker() and
 * fdb_broker_wait() with a real broker, policy and socket transport.
 * Worker functions run locked down in a grandchild of the runner; they
 * report through their exit status (and a line on stderr), never with
 * Check's assertions, which belong to the test process.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <time.h>
#include <unistd.h>

#include "check-run.h"
#include "fd.h"
#include "fdbroker.h"

/*
 * Leak checks stay on: only workers are locked down, and they leave with
 * _exit() or a signal, which LeakSanitizer does not follow; the test
 * process, which does run it, is never confined.
 */

#define CONTENT		"granted content\n"
#define MAXFD		1024

/* A failed expectation in a worker: say where on stderr, exit 1. */
#define WANT(c) do {							\
	if (!(c)) {							\
		dprintf(2, "worker: %s:%d: %s (errno %d)\n", __FILE__,	\
		    __LINE__, #c, errno);				\
		return 1;						\
	}								\
} while (0)

struct fixture {
	char dir[64];
	char granted[96];
	char secret[96];
	char missing[96];
	struct fdb_policy *p;
	struct fdb_broker *b;
	pid_t broker;
	int pipe[2];		/* for the two-worker test, not CLOEXEC */
	int keep;		/* a descriptor the worker must inherit */
	unsigned char open[MAXFD];	/* inheritable fds at fork time */
};

static struct fixture fx;

static void
dir_setup(void)
{
	int fd;

	snprintf(fx.dir, sizeof(fx.dir), "/tmp/check_worker.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx.dir));
	snprintf(fx.granted, sizeof(fx.granted), "%s/granted", fx.dir);
	snprintf(fx.secret, sizeof(fx.secret), "%s/secret", fx.dir);
	snprintf(fx.missing, sizeof(fx.missing), "%s/none/missing", fx.dir);
	fd = open(fx.granted, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, CONTENT, strlen(CONTENT)),
	    (ssize_t)strlen(CONTENT));
	close(fd);
	fd = open(fx.secret, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void
dir_teardown(void)
{
	unlink(fx.granted);
	unlink(fx.secret);
	rmdir(fx.dir);
}

static void
broker_setup(void)
{
	fx.broker = getpid();
	fx.p = fdb_policy_new();
	ck_assert_ptr_nonnull(fx.p);
	ck_assert_int_eq(fdb_policy_add(fx.p, fx.granted, FDB_R), 0);
	fx.b = fdb_broker_new(fx.p);
	ck_assert_ptr_nonnull(fx.b);
}

static void
broker_teardown(void)
{
	fdb_broker_free(fx.b);
	fdb_policy_free(fx.p);
}

/* Fork @fn as a worker of the fixture's broker and wait for it. */
static int
run(fdb_worker_fn fn, void *arg)
{
	pid_t pid;
	int st = -1;

	pid = fdb_broker_fork_worker(fx.b, fn, arg);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), 0);
	return st;
}

static void
assert_exit(int st, int code)
{
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
	    "wait status %#x, expected exit %d", st, code);
}

/* Read @fd from the start and compare it with CONTENT. */
static int
has_content(int fd)
{
	char buf[64];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf), 0);
	return n == (ssize_t)strlen(CONTENT) && memcmp(buf, CONTENT, n) == 0;
}

static int
w_open_granted(int chan, void *arg)
{
	struct stat st;
	int fd;

	(void)arg;
	fd = fdb_open(chan, fx.granted, O_RDONLY | O_CLOEXEC, 0);
	WANT(fd >= 0);
	WANT(has_content(fd));
	/* glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH). */
	WANT(fstat(fd, &st) == 0);
	WANT(st.st_size == (off_t)strlen(CONTENT));
	WANT(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
	return 0;
}

START_TEST(test_worker_fork_worker_open_valid)
{
	assert_exit(run(w_open_granted, NULL), 0);
}
END_TEST

static int
w_open_refused(int chan, void *arg)
{
	(void)arg;
	errno = 0;
	WANT(fdb_open(chan, fx.secret, O_RDONLY, 0) == -1);
	WANT(errno == EACCES);
	errno = 0;
	WANT(fdb_open(chan, fx.granted, O_WRONLY, 0) == -1);
	WANT(errno == EACCES);
	/* The channel survives refusals. */
	WANT(fdb_open(chan, fx.granted, O_RDONLY, 0) >= 0);
	return 0;
}

START_TEST(test_worker_fork_worker_open_refused)
{
	assert_exit(run(w_open_refused, NULL), 0);
}
END_TEST

/* What a worker may not do by itself (SPEC §2.1, §4). */
static const struct {
	const char *name;
	int err;
} attempts[] = {
	{ "open", EACCES }, { "open raw", EACCES }, { "openat", EACCES },
	{ "openat2", EACCES }, { "creat", EACCES }, { "stat", EACCES },
	{ "execve", EACCES }, { "socket", EPERM }, { "io_uring_setup", EPERM },
	{ "ptrace", EPERM }, { "process_vm_readv", EPERM },
	{ "kill broker", EPERM }, { "kill group", EPERM },
};

static long
attempt(int i)
{
	static char arg0[] = "false";
	char *const argv[] = { arg0, NULL };
	struct open_how how = { .flags = O_RDONLY };
	struct io_uring_params params;
	struct stat st;
	struct iovec iov;
	char buf[8];

	memset(&params, 0, sizeof(params));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	switch (i) {
	case 0:	return open(fx.granted, O_RDONLY);
	case 1: return syscall(SYS_open, fx.granted, O_RDONLY);
	case 2: return openat(AT_FDCWD, fx.granted, O_RDONLY);
	case 3: return syscall(SYS_openat2, AT_FDCWD, fx.granted, &how,
		    sizeof(how));
	case 4: return creat(fx.missing, 0600);
	case 5: return stat(fx.granted, &st);
	/* /bin/false: should exec get through, the worker exits 1. */
	case 6: return execve("/bin/false", argv, NULL);
	case 7: return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	case 8: return syscall(SYS_io_uring_setup, 1, &params);
	case 9: return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	case 10: return process_vm_readv(fx.broker, &iov, 1, &iov, 1, 0);
	case 11: return kill(fx.broker, 0);
	/* The worker stays in the broker's process group (filter.c). */
	case 12: return kill(0, 0);
	default: return 0;
	}
}

static int
w_attempt(int chan, void *arg)
{
	int i = *(int *)arg;
	long r;

	errno = 0;
	r = attempt(i);
	if (r != -1 || errno != attempts[i].err) {
		dprintf(2, "worker: %s: %ld, errno %d\n", attempts[i].name, r,
		    errno);
		return 1;
	}
	/* And the broker is still there. */
	WANT(fdb_open(chan, fx.granted, O_RDONLY, 0) >= 0);
	return 0;
}

START_TEST(test_worker_fork_worker_syscall_refused)
{
	int i = _i;

	assert_exit(run(w_attempt, &i), 0);
}
END_TEST

/* The pair: the same calls are not refused before the lockdown. */
START_TEST(test_worker_fork_worker_syscall_unconfined)
{
	long r;

	if (_i == 6 || _i == 9 || _i == 12)
		return;	/* exec, be traced by, signal the runner */
	errno = 0;
	r = attempt(_i);
	ck_assert_msg(!(r == -1 && errno == attempts[_i].err),
	    "%s: errno %d unconfined", attempts[_i].name, errno);
}
END_TEST

static int
w_return(int chan, void *arg)
{
	(void)chan;
	return *(int *)arg;
}

START_TEST(test_worker_wait_status_valid)
{
	int v = 42;

	assert_exit(run(w_return, &v), 42);
	v = 0x1ff;
	assert_exit(run(w_return, &v), 0xff);
}
END_TEST

static int
w_crash(int chan, void *arg)
{
	(void)chan;
	(void)arg;
	/* Sanitizers catch SIGSEGV; the default action is what is tested. */
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	return 0;
}

START_TEST(test_worker_wait_status_crash)
{
	int st = run(w_crash, NULL);

	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGSEGV);
}
END_TEST

static int
w_x32(int chan, void *arg)
{
	(void)chan;
	(void)arg;
	syscall(0x40000000 | SYS_getpid);
	return 0;
}

START_TEST(test_worker_wait_status_x32)
{
	int st = run(w_x32, NULL);

	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	    "wait status %#x", st);
}
END_TEST

static int
w_i386(int chan, void *arg)
{
	long r;

	(void)chan;
	(void)arg;
	signal(SIGSEGV, SIG_DFL);
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	return 0;
}

/* SIGSEGV: a kernel without IA32 emulation refuses int $0x80 itself. */
START_TEST(test_worker_wait_status_i386)
{
	int st = run(w_i386, NULL);

	ck_assert_msg(WIFSIGNALED(st) && (WTERMSIG(st) == SIGSYS ||
	    WTERMSIG(st) == SIGSEGV), "wait status %#x", st);
}
END_TEST

static int
w_loop(int chan, void *arg)
{
	int fd;

	(void)arg;
	for (;;) {
		if ((fd = fdb_open(chan, fx.granted, O_RDONLY, 0)) == -1)
			return 1;
		close(fd);
	}
}

static void
drain(void)
{
	int i;

	for (i = 0; i < 100 && fdb_broker_channels(fx.b) > 0; i++)
		fdb_broker_serve(fx.b, 10);
	ck_assert_int_eq(fdb_broker_channels(fx.b), 0);
}

/* Killed between a request and its reply: the broker does not mind. */
START_TEST(test_worker_wait_killed)
{
	int before, i, st;
	pid_t pid;

	before = fd_count();
	pid = fdb_broker_fork_worker(fx.b, w_loop, NULL);
	ck_assert_int_gt(pid, 0);
	for (i = 0; i < 50; i++)
		ck_assert_int_ge(fdb_broker_serve(fx.b, 1000), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), 0);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	drain();
	ck_assert_int_eq(fd_count(), before);
	/* And the broker serves the next worker. */
	assert_exit(run(w_open_granted, NULL), 0);
}
END_TEST

static int
w_waits_for_other(int chan, void *arg)
{
	char c;

	(void)chan;
	(void)arg;
	close(fx.pipe[1]);
	WANT(read(fx.pipe[0], &c, 1) == 1 && c == 'k');
	return 0;
}

static int
w_tells_other(int chan, void *arg)
{
	int fd;

	(void)arg;
	close(fx.pipe[0]);
	fd = fdb_open(chan, fx.granted, O_RDONLY, 0);
	WANT(fd >= 0 && has_content(fd));
	WANT(write(fx.pipe[1], "k", 1) == 1);
	return 0;
}

/*
 * Worker A finishes only after worker B was served, so waiting for A
 * must serve B's channel too.
 */
START_TEST(test_worker_wait_two_workers)
{
	pid_t a, bw;
	int st;

	ck_assert_int_eq(pipe(fx.pipe), 0);	/* inherited on purpose */
	a = fdb_broker_fork_worker(fx.b, w_waits_for_other, NULL);
	ck_assert_int_gt(a, 0);
	bw = fdb_broker_fork_worker(fx.b, w_tells_other, NULL);
	ck_assert_int_gt(bw, 0);
	close(fx.pipe[0]);
	close(fx.pipe[1]);
	ck_assert_int_eq(fdb_broker_channels(fx.b), 2);
	ck_assert_int_eq(fdb_broker_wait(fx.b, a, &st), 0);
	assert_exit(st, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, bw, &st), 0);
	assert_exit(st, 0);
	drain();
}
END_TEST

/*
 * The worker holds 0-2, its channel and what was inheritable at fork
 * time, nothing else: not the broker's epoll set, not another worker's
 * channel.
 */
static int
w_fds(int chan, void *arg)
{
	int fd;

	(void)arg;
	WANT(fcntl(fx.keep, F_GETFD) == 0);
	for (fd = 3; fd < MAXFD; fd++) {
		if (fd == chan || fx.open[fd])
			continue;
		if (fcntl(fd, F_GETFD) != -1) {
			dprintf(2, "worker: fd %d inherited\n", fd);
			return 1;
		}
	}
	return 0;
}

START_TEST(test_worker_fork_worker_fds)
{
	pid_t other;
	int fd, st, cloexec;

	/* Another worker's channel, held by the broker. */
	other = fdb_broker_fork_worker(fx.b, w_loop, NULL);
	ck_assert_int_gt(other, 0);
	cloexec = open(fx.granted, O_RDONLY | O_CLOEXEC);
	fx.keep = open(fx.granted, O_RDONLY);
	ck_assert_int_ge(cloexec, 0);
	ck_assert_int_ge(fx.keep, 0);
	for (fd = 0; fd < MAXFD; fd++)
		fx.open[fd] = fcntl(fd, F_GETFD) == 0;
	assert_exit(run(w_fds, NULL), 0);
	kill(other, SIGKILL);
	ck_assert_int_eq(fdb_broker_wait(fx.b, other, &st), 0);
	close(cloexec);
	close(fx.keep);
}
END_TEST

START_TEST(test_worker_fork_worker_invalid)
{
	errno = 0;
	ck_assert_int_eq(fdb_broker_fork_worker(NULL, w_open_granted, NULL),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_broker_fork_worker(fx.b, NULL, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fdb_broker_channels(fx.b), 0);
}
END_TEST

START_TEST(test_worker_wait_invalid)
{
	int before, st, v = 3;
	pid_t pid;

	before = fd_count();
	/* Not a child of ours; none at all; not a pid. */
	errno = 0;
	ck_assert_int_eq(fdb_broker_wait(fx.b, getppid(), &st), -1);
	ck_assert_int_eq(errno, ECHILD);
	errno = 0;
	ck_assert_int_eq(fdb_broker_wait(fx.b, 0x3ffffff0, &st), -1);
	ck_assert_int_eq(errno, ECHILD);
	errno = 0;
	ck_assert_int_eq(fdb_broker_wait(fx.b, 0, &st), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(fdb_broker_wait(fx.b, -1, &st), -1);
	ck_assert_int_eq(errno, ECHILD);
	/* Already reaped. */
	pid = fdb_broker_fork_worker(fx.b, w_return, &v);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, NULL), 0);
	errno = 0;
	ck_assert_int_eq(fdb_broker_wait(fx.b, pid, &st), -1);
	ck_assert_int_eq(errno, ECHILD);
	drain();
	ck_assert_int_eq(fd_count(), before);
}
END_TEST

static void
on_alarm(int sig)
{
	(void)sig;
}

static int
w_sleep(int chan, void *arg)
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	(void)chan;
	(void)arg;
	nanosleep(&ts, NULL);
	return 7;
}

/* A signal that interrupts the wait (EINTR) does not end it. */
START_TEST(test_worker_wait_eintr)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 20 * 1000 }, { 0, 20 * 1000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_exit(run(w_sleep, NULL), 7);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}
END_TEST

static Suite *
worker_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_checked_fixture(tc, broker_setup, broker_teardown);
	tcase_add_test(tc, test_worker_fork_worker_open_valid);
	tcase_add_test(tc, test_worker_fork_worker_open_refused);
	tcase_add_loop_test(tc, test_worker_fork_worker_syscall_refused, 0,
	    sizeof(attempts) / sizeof(attempts[0]));
	tcase_add_loop_test(tc, test_worker_fork_worker_syscall_unconfined, 0,
	    sizeof(attempts) / sizeof(attempts[0]));
	tcase_add_test(tc, test_worker_fork_worker_fds);
	tcase_add_test(tc, test_worker_fork_worker_invalid);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_checked_fixture(tc, broker_setup, broker_teardown);
	tcase_add_test(tc, test_worker_wait_status_valid);
	tcase_add_test(tc, test_worker_wait_status_crash);
	tcase_add_test(tc, test_worker_wait_status_x32);
	tcase_add_test(tc, test_worker_wait_status_i386);
	tcase_add_test(tc, test_worker_wait_killed);
	tcase_add_test(tc, test_worker_wait_two_workers);
	tcase_add_test(tc, test_worker_wait_invalid);
	tcase_add_test(tc, test_worker_wait_eintr);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(worker_suite());
}
