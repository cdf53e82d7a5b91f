/* SPDX-License-Identifier: MIT */
/*
 * check_escape_exec.c: the escape suite's attacks on what the kernel does
 * after the broker's check (containment round 2): an execve() path or an
 * fexecve() descriptor swapped after the broker answered CONTINUE, to a
 * program that a --deny or a narrower rule inside an x tree refuses; a
 * script whose interpreter such a rule refuses; a chdir() path swapped
 * the same way, into a directory the policy does not grant; and, where
 * the kernel has Landlock ABI 6, signals to a process outside the
 * sandbox that is not the broker, and datagrams to an abstract unix
 * socket outside it.
 *
 * Each attack is run under fdbroker-run (tests/escape/probe2.c), and
 * each has a control that shows it works: unconfined, or under a policy
 * that allows the program, so that a refusal is known to be the
 * sandbox's.  The races are won by the attacker unconfined within a few
 * hundred rounds; without Landlock they are not contained (SPEC §4:
 * "where the kernel has it"), and the tests say so and pass.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "landlock.h"

#define OUT_MAX		65536
#define ROUNDS		"100"	/* exec rounds a flip run makes */
#define TRIES		5	/* flip runs a control may need */
#define ck_has(s)	ck_assert_msg(strstr(fx.out, (s)) != NULL, \
	"no '%s' in:\n%s", (s), fx.out)
#define ck_hasnt(s)	ck_assert_msg(strstr(fx.out, (s)) == NULL, \
	"'%s' in:\n%s", (s), fx.out)

/*
 * Probes run confined leave with exit(); a leak check in a confined
 * process could not read /proc.
 */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

struct fixture {
	char dir[PATH_MAX - 64];	/* the test's, granted x */
	char sub[PATH_MAX - 32];	/* DIR/sub */
	char bad[PATH_MAX];	/* DIR/bad, a copy of probe2 */
	char subbad[PATH_MAX];	/* DIR/sub/bad, the same */
	char probe[PATH_MAX];
	char probedir[PATH_MAX];
	const char *run;	/* fdbroker-run */
	pid_t target;		/* an outside process, or -1 */
	char out[OUT_MAX];
};

static struct fixture fx;

static void copy_file(const char *from, const char *to);

static void
setup(void)
{
	memset(&fx, 0, sizeof(fx));
	fx.target = -1;
	fx.run = hx_fdbroker_run();
	hx_find_probe("probe2", fx.probe, fx.probedir);
	hx_test_dir(fx.dir, sizeof(fx.dir));
	snprintf(fx.sub, sizeof(fx.sub), "%s/sub", fx.dir);
	snprintf(fx.bad, sizeof(fx.bad), "%s/bad", fx.dir);
	snprintf(fx.subbad, sizeof(fx.subbad), "%s/bad", fx.sub);
	ck_assert_int_eq(mkdir(fx.sub, 0755), 0);
	copy_file(fx.probe, fx.bad);
	copy_file(fx.probe, fx.subbad);
}

static void
teardown(void)
{
	int st;

	if (fx.target > 0) {
		kill(fx.target, SIGKILL);
		waitpid(fx.target, &st, 0);
	}
	hx_remove(fx.dir);
}

/* @from to @to, executable. */
static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ck_assert(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	close(out);
}

/* Run @argv, stdout into fx.out (harness.c); the wait status. */
static int
run(const char *const argv[])
{
	return hx_run(argv, fx.out, sizeof(fx.out));
}

/* Landlock is what contains these attacks: 0 (and a note) without it. */
static int
have_landlock(int abi)
{
	if (landlock_abi() >= abi)
		return 1;
	fprintf(stderr, "NOT CHECKED: this kernel has no Landlock ABI %d "
	    "(it has %d); the attack is not contained here\n", abi,
	    landlock_abi());
	return 0;
}

/* --- a swapped execve() path or fexecve() descriptor ----------------- */

/*
 * @what ("flip-exec" or "flip-fexec") between /usr/bin/true and @bad,
 * under fdbroker-run with the rules @r1 @r2 (-x DIR and one more, or
 * "-x" DIR twice); returns how many rounds ran @bad.  /usr/bin/true
 * must have run.
 */
static unsigned long
flip_run(const char *what, const char *r1, const char *r2, const char *bad)
{
	char line[32];
	int st;

	snprintf(line, sizeof(line), "%s:", what);
	st = run(ARGV(fx.run, "-x", fx.dir, r1, r2, "-x", fx.probedir, "--",
	    fx.probe, what, "/usr/bin/true", bad, ROUNDS));
	ck_assert_msg(hx_exited(st, 0), "status %#x", st);
	ck_assert_uint_gt(hx_count_of(fx.out, line, "ok"), 0);
	return hx_count_of(fx.out, line, "bad");
}

/*
 * The control: without the narrower rule, @bad is the policy's to run,
 * and the flip does run it, unconfined and under fdbroker-run.
 */
static void
flip_control(const char *what, const char *bad)
{
	char line[32];
	int i, st;

	snprintf(line, sizeof(line), "%s:", what);
	for (i = 0; i < TRIES; i++) {
		st = run(ARGV(fx.probe, what, "/usr/bin/true", bad, ROUNDS));
		ck_assert_msg(hx_exited(st, 0), "status %#x", st);
		if (hx_count_of(fx.out, line, "bad") > 0)
			break;
	}
	ck_assert_msg(i < TRIES, "unconfined, the flip never ran %s", bad);
	for (i = 0; i < TRIES; i++)
		if (flip_run(what, "-x", fx.dir, bad) > 0)
			break;
	ck_assert_msg(i < TRIES, "allowed, the flip never ran %s", bad);
}

/* ESCAPE: a thread rewrites the execve path after the broker checked it (CONTINUE race) to a program that --deny refuses inside an x tree (-x DIR --deny DIR/bad) | Landlock's exact image refuses it: the program never runs */
START_TEST(test_escape_exec_flip_deny_run)
{
	if (!have_landlock(1))
		return;
	flip_control("flip-exec", fx.bad);
	ck_assert_uint_eq(flip_run("flip-exec", "--deny", fx.bad, fx.bad), 0);
}
END_TEST

/* ESCAPE: the same race to a program under a narrower rule without x inside an x tree (-x DIR -r DIR/sub) | refused by Landlock: the program never runs */
START_TEST(test_escape_exec_flip_narrower_run)
{
	if (!have_landlock(1))
		return;
	flip_control("flip-exec", fx.subbad);
	ck_assert_uint_eq(flip_run("flip-exec", "-r", fx.sub, fx.subbad), 0);
}
END_TEST

/* ESCAPE: fexecve() of a descriptor number that a thread dup2()s between a granted program and one readable but not executable (-x DIR -r DIR/sub) | the broker decides on its copy, Landlock refuses the swapped one: it never runs */
START_TEST(test_escape_exec_fexec_flip_run)
{
	if (!have_landlock(1))
		return;
	flip_control("flip-fexec", fx.subbad);
	ck_assert_uint_eq(flip_run("flip-fexec", "-r", fx.sub, fx.subbad),
	    0);
}
END_TEST

/* ESCAPE: exec a granted script whose #! interpreter --deny refuses (the kernel, not the broker, opens the interpreter) | refused by Landlock (126), the interpreter never runs */
START_TEST(test_escape_exec_script_interp_run)
{
	char script[PATH_MAX + 16], text[PATH_MAX + 16];
	int st;

	if (!have_landlock(1))
		return;
	snprintf(script, sizeof(script), "%s/script", fx.dir);
	snprintf(text, sizeof(text), "#!%.*s mark\n", PATH_MAX, fx.bad);
	hx_write_file(script, text, 0755);
	/* Allowed, the interpreter runs: probe2 mark exits 42. */
	st = run(ARGV(fx.run, "-x", fx.dir, "--", script));
	ck_assert_msg(hx_exited(st, 42), "status %#x", st);
	st = run(ARGV(fx.run, "-x", fx.dir, "--deny", fx.bad, "--", script));
	ck_assert_msg(hx_exited(st, 126), "status %#x", st);
}
END_TEST

/* --- the scopes: outside the sandbox, not the broker ----------------- */

/*
 * A process of ours, outside any sandbox, that dies of SIGTERM or SIGIO.
 * Both are blocked across the fork: until the child has reset them, a
 * signal would run Check's SIGTERM handler in it, which kills the test's
 * whole process group.
 */
static pid_t
outside(void)
{
	sigset_t none, two, old;
	pid_t pid;

	sigemptyset(&two);
	sigaddset(&two, SIGTERM);
	sigaddset(&two, SIGIO);
	sigprocmask(SIG_BLOCK, &two, &old);
	pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGIO, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (;;)
			pause();
	}
	return pid;
}

/* Whether @pid died within @ms milliseconds (then it is reaped). */
static int
died(pid_t pid, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int st, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* ESCAPE: signal a process of the same user outside the sandbox, not the broker (kill, tgkill, sigqueue, pidfd_send_signal, F_SETOWN and SIGIO) under fdbroker-run | refused by Landlock's signal scope (ABI 6): it lives */
START_TEST(test_escape_exec_signal_out_run)
{
	static const char *const routes[] = {
		"kill", "tgkill", "sigqueue", "pidfd", "fowner",
	};
	char pid[16];
	size_t i;
	int st;

	if (!have_landlock(6))
		return;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		/* Unconfined, the route kills it. */
		fx.target = outside();
		snprintf(pid, sizeof(pid), "%d", (int)fx.target);
		st = run(ARGV(fx.probe, "signal-out", pid, routes[i]));
		ck_assert(hx_exited(st, 0));
		ck_assert_msg(died(fx.target, 2000), "%s: unconfined, the "
		    "target lives", routes[i]);
		fx.target = outside();
		snprintf(pid, sizeof(pid), "%d", (int)fx.target);
		st = run(ARGV(fx.run, "-x", fx.probedir, "--", fx.probe,
		    "signal-out", pid, routes[i]));
		ck_assert(hx_exited(st, 0));
		/* fowner: the write succeeds, the SIGIO is what is refused. */
		if (strcmp(routes[i], "fowner") != 0)
			ck_hasnt("signal_out: ok");
		ck_assert_msg(!died(fx.target, 300), "%s: the target died",
		    routes[i]);
		kill(fx.target, SIGKILL);
		ck_assert_int_eq(waitpid(fx.target, &st, 0), fx.target);
		fx.target = -1;
	}
}
END_TEST

/* A datagram socket of ours on the abstract @name (sun_path[0] = 0). */
static int
abstract_server(char *name, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n;
	int s;

	snprintf(name, len, "fdbroker-escape-%d-%ld", (int)getpid(),
	    (long)time(NULL));
	n = strlen(name);
	memcpy(a.sun_path + 1, name, n);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)), 0);
	return s;
}

/* How many datagrams wait on @s (read and dropped). */
static int
received(int s)
{
	char buf[64];
	int n = 0;

	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	ck_assert_int_eq(errno, EAGAIN);
	return n;
}

/* ESCAPE: with --allow-net, send datagrams to an abstract unix socket made outside the sandbox (sendto, and sendmsg with an address on a socketpair) | refused by Landlock's abstract unix socket scope (ABI 6): nothing arrives */
START_TEST(test_escape_exec_abstract_dgram_run)
{
	char name[64];
	int s, st;

	if (!have_landlock(6))
		return;
	s = abstract_server(name, sizeof(name));
	st = run(ARGV(fx.probe, "abstract", name));
	ck_assert(hx_exited(st, 0));
	ck_assert_int_eq(received(s), 2);
	st = run(ARGV(fx.run, "--allow-net", "-x", fx.probedir, "--",
	    fx.probe, "abstract", name));
	ck_assert(hx_exited(st, 0));
	ck_has("abstract_sendto: EPERM\n");
	ck_has("abstract_sendmsg: EPERM\n");
	ck_assert_int_eq(received(s), 0);
	/* Without --allow-net the filter refuses datagram sockets first. */
	st = run(ARGV(fx.run, "-x", fx.probedir, "--", fx.probe, "abstract",
	    name));
	ck_assert(hx_exited(st, 0));
	ck_hasnt("abstract_sendto: ok");
	ck_hasnt("abstract_sendmsg: ok");
	ck_assert_int_eq(received(s), 0);
	close(s);
}
END_TEST

/* --- the current directory ------------------------------------------ */

/* ESCAPE: a current directory the policy does not grant: a thread rewrites the chdir path after the broker's check (CONTINUE: the kernel reads it again) to land in one, to a missing path or to a file; or the command fchdir()s to a directory held from outside; then a file in it, a missing name and the directory itself by relative paths | chdir's outcome tells only what stat of that path would (exists, is a directory: 0, ENOENT, ENOTDIR or EACCES); nothing in it is opened, stat'd or listed: EACCES, for a missing name too; unconfined the file reads */
START_TEST(test_escape_exec_chdir_flip_run)
{
	char ok[PATH_MAX], hidden[PATH_MAX], secret[PATH_MAX + 8];
	char none[PATH_MAX], fdarg[16];
	const char *bads[3] = { hidden, none, secret };
	int fd, i, st;

	snprintf(ok, sizeof(ok), "%s/okdir", fx.dir);
	snprintf(hidden, sizeof(hidden), "%s/hidden", fx.dir);
	snprintf(secret, sizeof(secret), "%s/secret", hidden);
	snprintf(none, sizeof(none), "%s/nothere", fx.dir);
	ck_assert(mkdir(ok, 0755) == 0 && mkdir(hidden, 0755) == 0);
	hx_write_file(secret, "secret\n", 0644);
	/* Inherited by the command: a directory held from outside. */
	ck_assert_int_ge(fd = open(hidden, O_RDONLY | O_DIRECTORY), 0);
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	st = run(ARGV(fx.probe, "held-cwd", fdarg, "secret"));
	ck_assert(hx_exited(st, 0));
	ck_has("cwd_open: ok");
	ck_has("cwd_opendir: ok");
	st = run(ARGV(fx.run, "-r", ok, "-x", fx.probedir, "--", fx.probe,
	    "held-cwd", fdarg, "secret"));
	close(fd);
	ck_assert(hx_exited(st, 0));
	ck_has("fchdir: ok");
	ck_has("cwd_open: EACCES");
	ck_has("cwd_stat: EACCES");
	ck_has("cwd_stat_missing: EACCES");
	ck_has("cwd_opendir: EACCES");
	for (i = 0; i < 3; i++) {
		st = run(ARGV(fx.run, "-r", ok, "-x", fx.probedir, "--",
		    fx.probe, "flip-chdir", ok, bads[i], "2000", "secret"));
		ck_assert(hx_exited(st, 0));
		ck_assert_uint_gt(hx_count_of(fx.out, "flip-chdir:", "ok"), 0);
		ck_assert_uint_eq(hx_count_of(fx.out, "flip-chdir:", "other"), 0);
		ck_has("landed-gave: 0\n");
	}
}
END_TEST

static Suite *
escape_exec_suite(void)
{
	Suite *s = suite_create("escape_exec");
	TCase *tc;

	tc = tcase_create("exec");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_exec_flip_deny_run);
	tcase_add_test(tc, test_escape_exec_flip_narrower_run);
	tcase_add_test(tc, test_escape_exec_fexec_flip_run);
	tcase_add_test(tc, test_escape_exec_script_interp_run);
	tcase_add_test(tc, test_escape_exec_chdir_flip_run);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("scopes");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_exec_signal_out_run);
	tcase_add_test(tc, test_escape_exec_abstract_dgram_run);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return hx_main(escape_exec_suite, 0);
}
