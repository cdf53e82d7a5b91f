/* SPDX-License-Identifier: MIT */
/*
 * check_escape_outside.c: a command under fdbroker-run against a process
 * outside the sandbox of the same user (SPEC §4): its priority,
 * scheduling, I/O priority and limits, and signals by every route.  Each
 * case attacks a dedicated `sleep` confined and, as the control,
 * unconfined, so that a refusal is known to come from the sandbox; the
 * outside process is killed after each.  And what programs do to their
 * own threads and children, which must keep working.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check-run.h"
#include "harness.h"

#define OUT_MAX		65536
#define SETPRIV		"/usr/bin/setpriv"
#define NOBODY		65534

static char out[OUT_MAX];
static char probe_path[PATH_MAX], probe_dir[PATH_MAX];

/* What the attacks may change in the outside process. */
struct state {
	int nice;
	int policy;
	long ioprio;
	cpu_set_t cpus;
	struct rlimit nofile;
};

/* One attack: the probe's OP, its N, and what it changes unconfined. */
struct attack {
	const char *op;
	const char *n;
	int changes;
};

static const struct attack sched_attacks[] = {
	{ "nice", "19", 1 },
	{ "affinity", "0", 1 },
	{ "sched", "0", 1 },
	{ "param", "0", 0 },
	{ "attr", "0", 1 },
	{ "ioprio", "0", 1 },
	{ "rlimit-read", "0", 0 },
	{ "rlimit-write", "64", 1 },
};

static const char *const signal_attacks[] = {
	"kill", "tgkill", "sigqueue", "setown",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *
probe(void)
{
	hx_find_program("NOTIFY_PROBE", "../notify-probe", probe_path,
	    probe_dir);
	return probe_path;
}

/* A sleep in a process group of its own, as @uid when >= 0. */
static pid_t
outside_start(uid_t uid)
{
	pid_t pid = fork();

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setpgid(0, 0);
		if ((int)uid >= 0 && (setgroups(0, NULL) == -1 ||
		    setgid(uid) == -1 || setuid(uid) == -1))
			_exit(126);
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Whether @pid is still running (not exited, not reaped). */
static int
outside_alive(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

static void
outside_stop(pid_t pid)
{
	int st;

	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
}

static void
state_of(pid_t pid, struct state *s)
{
	memset(s, 0, sizeof(*s));
	errno = 0;
	s->nice = getpriority(PRIO_PROCESS, (id_t)pid);
	ck_assert_int_eq(errno, 0);
	ck_assert_int_ne(s->policy = sched_getscheduler(pid), -1);
	ck_assert_int_ne(s->ioprio = syscall(SYS_ioprio_get, 1, pid), -1);
	ck_assert_int_eq(sched_getaffinity(pid, sizeof(s->cpus), &s->cpus), 0);
	ck_assert_int_eq(prlimit(pid, RLIMIT_NOFILE, NULL, &s->nofile), 0);
}

static int
state_eq(const struct state *a, const struct state *b)
{
	return a->nice == b->nice && a->policy == b->policy &&
	    a->ioprio == b->ioprio && CPU_EQUAL(&a->cpus, &b->cpus) &&
	    a->nofile.rlim_cur == b->nofile.rlim_cur &&
	    a->nofile.rlim_max == b->nofile.rlim_max;
}

/* "OP: WHAT" among the probe's lines. */
static int
said(const char *op, const char *what)
{
	char line[128];

	snprintf(line, sizeof(line), "%s: %s", op, what);
	return hx_has_line(out, line);
}

static void
run_probe(int confined, const char *op, pid_t pid, const char *n)
{
	char id[32];

	snprintf(id, sizeof(id), "%d", (int)pid);
	if (confined)
		(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--",
		    probe_path, "proc", op, id, n), out, sizeof(out));
	else
		(void)hx_run(ARGV(probe_path, "proc", op, id, n), out,
		    sizeof(out));
}

/* ESCAPE: setpriority, sched_setaffinity, sched_setscheduler, sched_setparam, sched_setattr, ioprio_set on the pid of an outside process of the same user, and prlimit64 reading or writing its limits | EPERM: its nice, CPUs, policy, I/O priority and limits unchanged */
START_TEST(test_escape_outside_sched_run)
{
	const struct attack *a = &sched_attacks[_i];
	struct state before, after;
	pid_t pid;

	(void)probe();
	pid = outside_start((uid_t)-1);
	state_of(pid, &before);
	run_probe(1, a->op, pid, a->n);
	ck_assert_msg(said(a->op, "EPERM"), "%s: not refused", a->op);
	state_of(pid, &after);
	ck_assert_msg(state_eq(&before, &after), "%s: changed", a->op);
	/*
	 * The control: unconfined, the call works and changes it; but
	 * setting CPU 0 changes nothing when CPU 0 is all the process may
	 * use (the suite run under taskset -c 0).
	 */
	run_probe(0, a->op, pid, a->n);
	ck_assert_msg(said(a->op, "ok"), "%s: control failed", a->op);
	state_of(pid, &after);
	if (strcmp(a->op, "affinity") != 0 || CPU_COUNT(&before.cpus) > 1 ||
	    !CPU_ISSET(0, &before.cpus))
		ck_assert(!a->changes || !state_eq(&before, &after));
	outside_stop(pid);
}
END_TEST

/*
 * As the dedicated user nobody, so that the control renices nobody's
 * processes only; without root, the confined half alone, and the
 * runner's own nice must be unchanged.
 */
static void
user_attack(const char *op, const char *n, int (*changed)(pid_t))
{
	char uid[32];
	pid_t pid;

	snprintf(uid, sizeof(uid), "%d", NOBODY);
	pid = outside_start(NOBODY);
	(void)hx_run(ARGV(SETPRIV, "--reuid=65534", "--regid=65534",
	    "--clear-groups", hx_fdbroker_run(), "-x", probe_dir, "--",
	    probe_path, "proc", op, uid, n), out, sizeof(out));
	ck_assert_msg(said(op, "EPERM"), "%s: not refused", op);
	ck_assert(!changed(pid));
	(void)hx_run(ARGV(SETPRIV, "--reuid=65534", "--regid=65534",
	    "--clear-groups", probe_path, "proc", op, uid, n), out,
	    sizeof(out));
	ck_assert_msg(said(op, "ok"), "%s: control failed", op);
	ck_assert(changed(pid));
	outside_stop(pid);
}

/* Whether nobody can reach the binaries (a clone under a 0700 directory). */
static int
nobody_runs(void)
{
	return getuid() == 0 && getpwuid(NOBODY) != NULL &&
	    access(SETPRIV, X_OK) == 0 &&
	    hx_run(ARGV(SETPRIV, "--reuid=65534", "--regid=65534",
	    "--clear-groups", "/usr/bin/test", "-r", hx_fdbroker_run(), "-a",
	    "-x", hx_fdbroker_run(), "-a", "-x", probe_path), out,
	    sizeof(out)) == 0;
}

static int
reniced(pid_t pid)
{
	return getpriority(PRIO_PROCESS, (id_t)pid) == 19;
}

static int
ioniced(pid_t pid)
{
	return syscall(SYS_ioprio_get, 1, pid) == 3 << 13;
}

/* ESCAPE: setpriority(PRIO_USER) and ioprio_set(IOPRIO_WHO_USER), which reach every process of the user (its shell ends at nice 19) | EPERM: the outside process's nice and I/O class unchanged */
START_TEST(test_escape_outside_user_run)
{
	char uid[32];
	int nice;

	(void)probe();
	if (nobody_runs()) {
		user_attack("user-nice", "19", reniced);
		user_attack("ioprio-user", "0", ioniced);
		return;
	}
	fprintf(stderr, "no root, user nobody, setpriv, or nobody cannot "
	    "run the binaries: confined only\n");
	snprintf(uid, sizeof(uid), "%d", (int)getuid());
	errno = 0;
	nice = getpriority(PRIO_PROCESS, 0);
	(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--",
	    probe_path, "proc", "user-nice", uid, "19"), out, sizeof(out));
	ck_assert(said("user-nice", "EPERM"));
	ck_assert_int_eq(getpriority(PRIO_PROCESS, 0), nice);
}
END_TEST

/* ESCAPE: kill, tgkill, rt_sigqueueinfo (sigqueue) and F_SETOWN + F_SETSIG + O_ASYNC send SIGKILL to an outside process of the same user | refused (EPERM from Landlock's signal scope, ABI 6; without it ESRCH from the broker, as if there were none; the SIGIO dropped): it lives */
START_TEST(test_escape_outside_signal_run)
{
	const char *op = signal_attacks[_i];
	pid_t pid;
	int st;

	(void)probe();
	pid = outside_start((uid_t)-1);
	run_probe(1, op, pid, "9");
	ck_assert_msg(said(op, "ESRCH") || said(op, "EPERM") ||
	    strcmp(op, "setown") == 0, "%s: not refused", op);
	usleep(100 * 1000);
	ck_assert_msg(outside_alive(pid), "%s: killed it", op);
	/* The control: unconfined, it dies of SIGKILL. */
	run_probe(0, op, pid, "9");
	ck_assert_msg(said(op, "ok"), "%s: control failed", op);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}
END_TEST

/* ESCAPE: a sweep of kill(pid, 0) over every pid up to an outside process's, to find processes to signal (and rebuild kill(-1)) | nothing found but itself and its parent (ESRCH for the rest) */
START_TEST(test_escape_outside_sweep_run)
{
	char max[32], line[64];
	pid_t pid;

	(void)probe();
	pid = outside_start((uid_t)-1);
	snprintf(max, sizeof(max), "%d", (int)pid + 64);
	snprintf(line, sizeof(line), "sweep: %d", (int)pid);
	(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--",
	    probe_path, "sweep", max), out, sizeof(out));
	ck_assert_msg(strncmp(out, "sweep: done", 11) == 0, "found: %.200s",
	    out);
	/* The control: unconfined, the sweep finds it. */
	(void)hx_run(ARGV(probe_path, "sweep", max), out, sizeof(out));
	ck_assert(hx_has_line(out, line));
	outside_stop(pid);
}
END_TEST

/* nice, renice, taskset and prlimit of a child, ionice, raise(). */
START_TEST(test_outside_own_run)
{
	int st;

	(void)probe();
	st = hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--",
	    probe_path, "own"), out, sizeof(out));
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert(hx_has_line(out, "own: ok"));
	st = hx_run(ARGV(hx_fdbroker_run(), "--", "/bin/sh", "-c",
	    "set -e; nice -n 5 /bin/true; ionice -c3 /bin/true; "
	    "prlimit --pid $$ --nofile >/dev/null; sleep 30 & c=$!; "
	    "renice -n 3 -p $c >/dev/null; taskset -p 1 $c >/dev/null; "
	    "prlimit --pid $c --nofile=64: >/dev/null; kill $c; "
	    "echo compat: ok"), out, sizeof(out));
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert(hx_has_line(out, "compat: ok"));
}
END_TEST

static Suite *
escape_outside_suite(void)
{
	Suite *s = suite_create("escape_outside");
	TCase *tc = tcase_create("run");

	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_escape_outside_sched_run, 0,
	    NELEM(sched_attacks));
	tcase_add_test(tc, test_escape_outside_user_run);
	tcase_add_loop_test(tc, test_escape_outside_signal_run, 0,
	    NELEM(signal_attacks));
	tcase_add_test(tc, test_escape_outside_sweep_run);
	tcase_add_test(tc, test_outside_own_run);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(escape_outside_suite());
}
