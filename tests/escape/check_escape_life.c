/* SPDX-License-Identifier: MIT */
/*
 * check_escape_life.c: the escape suite's attacks on the sandbox's
 * lifetime (SPEC §4, "outlive the sandbox"): a daemon that double forks
 * and leaves the session, a grandchild that outlives a broker killed
 * with SIGKILL, and kill(0) from a process group of the command's own
 * (timeout(1)), which must reach that group and nothing else.  Each runs
 * for real under fdbroker-run (the attacks are in tests/escape/probe2.c),
 * and unconfined, where the same processes do outlive their parent.
 *
 * A process of the sandbox is found by a tag no other process carries:
 * the path of its marker file, on its command line.  Its marker is held
 * open from the start, so that writing to it needs no broker: "alive" in
 * it means the process outlived what it must not.  The waits are bounded
 * and generous; nothing is timed.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define OUT_MAX		4096
/* The daemon writes this long after it started (probe2 daemon MS). */
#define DELAY_MS	"800"

struct fixture {
	char dir[80];
	char marker[128];
	const char *run;		/* fdbroker-run */
	char probe[PATH_MAX];		/* tests/escape/probe2 */
	char probedir[PATH_MAX];
	char out[OUT_MAX];		/* what the command printed so far */
};

static struct fixture fx;

static void
setup(void)
{
	memset(&fx, 0, sizeof(fx));
	hx_test_dir(fx.dir, sizeof(fx.dir));
	snprintf(fx.marker, sizeof(fx.marker), "%s/marker", fx.dir);
	hx_find_probe("probe2", fx.probe, fx.probedir);
	fx.run = hx_fdbroker_run();
}

static void
teardown(void)
{
	hx_remove(fx.dir);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Start @argv in a process group of its own, its stdout into *@out. */
static pid_t
spawn(const char *const argv[], int *out)
{
	pid_t pid;
	int p[2], fd;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setpgid(0, 0);
		fd = open("/dev/null", O_RDONLY);
		if (fd == -1 || dup2(fd, 0) == -1 || dup2(p[1], 1) == -1)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Read @fd into fx.out until it holds @want, for at most @ms ms. */
static int
read_until(int fd, const char *want, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t got = strlen(fx.out);
	ssize_t n;

	while (strstr(fx.out, want) == NULL && got < sizeof(fx.out) - 1) {
		if (poll(&pfd, 1, ms) != 1)
			return 0;
		n = read(fd, fx.out + got, sizeof(fx.out) - 1 - got);
		if (n <= 0)
			return 0;
		got += (size_t)n;
		fx.out[got] = '\0';
	}
	return strstr(fx.out, want) != NULL;
}

/* Wait for @pid; its wait status. */
static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		ck_assert_int_eq(errno, EINTR);
	return st;
}

static int
run(const char *const argv[])
{
	int out, st;

	fx.out[0] = '\0';
	st = reap(spawn(argv, &out));
	(void)read_until(out, "\001", 0);
	close(out);
	fprintf(stderr, "--- %s: status %#x\n%s", argv[0], st, fx.out);
	return st;
}

/* How many processes have @tag in their command line. */
static int
tagged(const char *tag)
{
	char path[300], buf[4096];
	struct dirent *e;
	ssize_t n, i;
	int fd, count = 0;
	DIR *d;

	ck_assert_ptr_nonnull(d = opendir("/proc"));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n > 0 ? n : 0] = '\0';
		count += strstr(buf, tag) != NULL;
	}
	closedir(d);
	return count;
}

/* Whether the processes tagged @tag are all gone within @ms ms. */
static int
gone(const char *tag, int ms)
{
	for (; ms > 0; ms -= 50) {
		if (tagged(tag) == 0)
			return 1;
		sleep_ms(50);
	}
	return tagged(tag) == 0;
}

/* Whether @path says "alive" within @ms ms. */
static int
alive(const char *path, int ms)
{
	char buf[16];
	ssize_t n;
	int fd;

	for (;;) {
		n = 0;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, buf, sizeof(buf));
			close(fd);
		}
		if (n >= 5 && memcmp(buf, "alive", 5) == 0)
			return 1;
		if (ms <= 0)
			return 0;
		sleep_ms(50);
		ms -= 50;
	}
}

/* ESCAPE: a daemon (fork, setsid, fork) that holds a granted file writes to it after the command has exited | killed when the command exits: no process left once fdbroker-run returns, nothing written; unconfined the daemon writes */
START_TEST(test_escape_life_daemon_run)
{
	char control[160];

	ck_assert(hx_exited(run(ARGV(fx.run, "-c", fx.dir, "-x", fx.probedir,
	    "--", fx.probe, "daemon", fx.marker, DELAY_MS)), 0));
	ck_assert_ptr_nonnull(strstr(fx.out, "daemon: ok"));
	/* The sweep is over before fdbroker-run returns. */
	ck_assert_int_eq(tagged(fx.marker), 0);
	ck_assert(!alive(fx.marker, 1500));
	/* Unconfined, the daemon outlives its parent and writes. */
	snprintf(control, sizeof(control), "%s/control", fx.dir);
	ck_assert(hx_exited(run(ARGV(fx.probe, "daemon", control, "300")), 0));
	ck_assert(alive(control, 5000));
	ck_assert(gone(control, 5000));
}
END_TEST

/*
 * Start "probe2 linger" (@run: under fdbroker-run), wait until its
 * daemon exists, kill the first process with SIGKILL.
 */
static void
kill_lingering(const char *const argv[], const char *marker)
{
	pid_t pid;
	int out;

	fx.out[0] = '\0';
	pid = spawn(argv, &out);
	ck_assert_msg(read_until(out, "linger: ready", 10000),
	    "no 'linger: ready' in:\n%s", fx.out);
	ck_assert_int_ge(tagged(marker), 2);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(WIFSIGNALED(reap(pid)));
	close(out);
}

/* ESCAPE: kill -9 of fdbroker-run while the command and a grandchild that left the session run; the grandchild holds a granted file to write to | every process of the sandbox dies, the file stays empty; unconfined the grandchild writes */
START_TEST(test_escape_life_broker_killed_run)
{
	char control[160];

	kill_lingering(ARGV(fx.run, "-c", fx.dir, "-x", fx.probedir, "--",
	    fx.probe, "linger", fx.marker, DELAY_MS), fx.marker);
	ck_assert_msg(gone(fx.marker, 3000), "%d processes left",
	    tagged(fx.marker));
	ck_assert(!alive(fx.marker, 1500));
	/* Unconfined, the grandchild outlives the killed process. */
	snprintf(control, sizeof(control), "%s/control", fx.dir);
	kill_lingering(ARGV(fx.probe, "linger", control, "300"), control);
	ck_assert(alive(control, 5000));
	ck_assert(gone(control, 5000));
}
END_TEST

/*
 * timeout(1) makes a process group of its own, and at the time limit
 * signals it with kill(0): its child's background job must be gone then,
 * while the command still runs (the sweep at the end proves nothing).
 */
static void
timeout_group(const char *const argv[], const char *tag)
{
	pid_t pid;
	int out;

	fx.out[0] = '\0';
	pid = spawn(argv, &out);
	ck_assert_msg(read_until(out, "timeout=", 10000), "no status in:\n%s",
	    fx.out);
	ck_assert_msg(read_until(out, "timeout=124\n", 1000),
	    "timeout did not time out:\n%s", fx.out);
	ck_assert_msg(gone(tag, 1000), "%d processes of timeout's group left",
	    tagged(tag));
	(void)read_until(out, "\001", 10000);
	close(out);
	ck_assert(hx_exited(reap(pid), 0));
	fprintf(stderr, "--- %s: %s", argv[0], fx.out);
}

/* ESCAPE: kill(0) from the command in the broker's process group, and timeout(1)'s kill(0) of its own group | EPERM in the broker's group, which keeps serving; timeout's group is signalled (status 124, its background job gone), as unconfined */
START_TEST(test_escape_life_timeout_run)
{
	char script[PATH_MAX + 512];
	int n;

	if (access("/usr/bin/timeout", X_OK) == -1)
		return;
	/* The tag is made at run time: the shells must not carry it. */
	n = snprintf(script, sizeof(script), "P=%s; T=%s/mark; T=${T}er; "
	    "/usr/bin/timeout 1 /bin/sh -c \"$P sleep $T 30 & $P sleep $T 30\";"
	    " echo timeout=$?; ", fx.probe, fx.dir);
	ck_assert_int_lt(n, (int)sizeof(script) - 64);
	/* Unconfined first: the same script, and timeout's own behaviour. */
	timeout_group(ARGV("/bin/sh", "-c", script), fx.marker);
	/* The sweep comes 2 s later: the job is gone by timeout's kill(0). */
	snprintf(script + n, sizeof(script) - (size_t)n,
	    "kill 0; echo kill0=$?; /bin/sleep 2; echo end");
	timeout_group(ARGV(fx.run, "-x", fx.probedir, "--", "/bin/sh", "-c",
	    script), fx.marker);
	ck_assert_msg(strstr(fx.out, "kill0=1\nend\n") != NULL,
	    "kill 0 not refused, or no exec after it:\n%s", fx.out);
}
END_TEST

static Suite *
escape_life_suite(void)
{
	Suite *s = suite_create("escape_life");
	TCase *tc;

	tc = tcase_create("lifetime");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_life_daemon_run);
	tcase_add_test(tc, test_escape_life_broker_killed_run);
	tcase_add_test(tc, test_escape_life_timeout_run);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return hx_main(escape_life_suite, 1);
}
