/* SPDX-License-Identifier: MIT */
/*
 * check_escape_tty.c: escapes through requests on descriptors the command
 * holds (containment round 2, items 5 and 6): taking over a terminal
 * (line discipline, hangup, console, stealing it, O_ASYNC signals to its
 * foreground group, another login's terminal, the virtual console's
 * requests), attribute flags through a read-only grant, and
 * leases and locks that keep outside writers waiting.  Each attack runs
 * under fdbroker-run (the attacks are in tests/escape/probe2.c) and in a
 * library worker, with a control that shows it working unconfined, on a
 * pseudo-terminal or file the test makes.  Attacks that need root
 * (hangup, console, force) are skipped, with a message, without it.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../check-run.h"
#include "../tree.h"
#include "fdbroker.h"
#include "harness.h"

#define OUT_MAX		16384
#define WAIT_MS		10000
#ifndef N_NULL
#define N_NULL		27
#endif

struct pty {
	int master, slave;	/* the slave: the command's fd 0 */
	char name[64];
};

/* A command started with a pipe on its stdout. */
struct cmd {
	pid_t pid;
	int out;		/* its stdout, ours to read */
	char buf[OUT_MAX];
	size_t got;
};

static char dir[256], probe[PATH_MAX], probedir[PATH_MAX];

static void
setup(void)
{
	hx_test_dir(dir, sizeof(dir));
	hx_find_probe("probe2", probe, probedir);
}

static const char *
at(const char *rel)
{
	return tree_at(dir, rel);
}

/* A new pseudo-terminal; 0, or -1 (the test then skips). */
static int
pty_open(struct pty *t)
{
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->master == -1 || grantpt(t->master) == -1 ||
	    unlockpt(t->master) == -1 ||
	    ptsname_r(t->master, t->name, sizeof(t->name)) != 0) {
		fprintf(stderr, "skipped: no pseudo-terminal (%s)\n",
		    strerror(errno));
		return -1;
	}
	/* No FD_CLOEXEC: a library worker inherits it. */
	t->slave = open(t->name, O_RDWR | O_NOCTTY);
	ck_assert_int_ge(t->slave, 0);
	return 0;
}

/*
 * @t as another login's terminal: the command holds no descriptor of it.
 * (One it holds is its own: /proc/self/fd/K reaches it, and so does its
 * name, /dev/pts/N.)
 */
static int
other_login(struct pty *t)
{
	return fcntl(t->slave, F_SETFD, FD_CLOEXEC);
}

static void
pty_close(struct pty *t)
{
	close(t->slave);
	close(t->master);
}

/*
 * Start @argv with @in as stdin (a terminal or a pipe), in a process
 * group of its own; with @session, as a login's foreground job on the
 * terminal @in: a session of its own whose controlling terminal @in is.
 */
static void
cmd_start(struct cmd *c, const char *const argv[], int in, int session)
{
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	c->got = 0;
	c->buf[0] = '\0';
	c->pid = fork();
	ck_assert_int_ne(c->pid, -1);
	if (c->pid == 0) {
		if (session ? setsid() == -1 || ioctl(in, TIOCSCTTY, 0) == -1 :
		    setpgid(0, 0) == -1)
			_exit(126);
		if (in < 0)
			in = open("/dev/null", O_RDONLY);
		if (dup2(in, STDIN_FILENO) == -1 ||
		    dup2(p[1], STDOUT_FILENO) == -1)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(p[1]);
	c->out = p[0];
}

/* Read its output until a line starts with @prefix (asserted). */
static void
cmd_until(struct cmd *c, const char *prefix)
{
	struct pollfd p = { .fd = c->out, .events = POLLIN };
	char want[64];
	ssize_t n;

	snprintf(want, sizeof(want), "%s", prefix);
	while (strstr(c->buf, want) == NULL) {
		ck_assert_msg(poll(&p, 1, WAIT_MS) == 1, "no '%s' in: %s",
		    prefix, c->buf);
		n = read(c->out, c->buf + c->got, sizeof(c->buf) - 1 - c->got);
		ck_assert_msg(n > 0, "no '%s' in: %s", prefix, c->buf);
		c->got += (size_t)n;
		c->buf[c->got] = '\0';
	}
}

/* The rest of its output, and its status. */
static int
cmd_end(struct cmd *c)
{
	ssize_t n;
	int st;

	while ((n = read(c->out, c->buf + c->got,
	    sizeof(c->buf) - 1 - c->got)) > 0)
		c->got += (size_t)n;
	c->buf[c->got] = '\0';
	close(c->out);
	ck_assert_int_eq(waitpid(c->pid, &st, 0), c->pid);
	fprintf(stderr, "--- status %#x\n%s", st, c->buf);
	return st;
}

/* Run the probe with @in as stdin, unconfined or under fdbroker-run. */
static int
run_probe(struct cmd *c, int confined, const char *const *args, int in)
{
	const char *argv[24];
	int i = 0;

	if (confined) {
		argv[i++] = hx_fdbroker_run();
		argv[i++] = "-r";
		argv[i++] = dir;
		argv[i++] = "-x";
		argv[i++] = probedir;
		argv[i++] = "--";
	}
	argv[i++] = probe;
	for (; *args != NULL && i < 23; args++)
		argv[i++] = *args;
	argv[i] = NULL;
	cmd_start(c, argv, in, 0);
	return cmd_end(c);
}

static int
has(const struct cmd *c, const char *line)
{
	return hx_has_line(c->buf, line);
}

/* @fn in a library worker; its exit status. */
static int
in_worker(int (*fn)(int, void *), void *arg)
{
	struct fdb_policy *p = fdb_policy_new();
	struct fdb_broker *b;
	pid_t w;
	int st;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(b = fdb_broker_new(p));
	ck_assert_int_gt(w = fdb_broker_fork_worker(b, fn, arg), 0);
	ck_assert_int_eq(fdb_broker_wait(b, w, &st), 0);
	fdb_broker_free(b);
	fdb_policy_free(p);
	return st;
}

/* In a worker: 0 when @rc is a refusal with @err. */
static int
refused(long rc, int err)
{
	return rc == -1 && errno == err ? 0 : 1;
}

/* --- the terminal --------------------------------------------------- */

static int
ldisc(int fd)
{
	int d = -1;

	ck_assert_int_eq(ioctl(fd, TIOCGETD, &d), 0);
	return d;
}

static int
w_setd(int chan, void *arg)
{
	int d = N_NULL;

	(void)chan;
	return refused(ioctl(*(int *)arg, TIOCSETD, &d), EPERM);
}

/* ESCAPE: TIOCSETD on the terminal (N_NULL, which outlasts the run: the user's shell goes silent), under fdbroker-run and in a library worker | EPERM; the line discipline stays N_TTY */
START_TEST(test_escape_tty_setd)
{
	struct pty t;
	struct cmd c;
	int n_tty = 0, st;

	if (pty_open(&t) == -1)
		return;
	st = run_probe(&c, 0, ARGV("tty", "setd"), t.slave);
	if (!has(&c, "setd: ok")) {
		fprintf(stderr, "skipped: no N_NULL line discipline here\n");
		pty_close(&t);
		return;
	}
	ck_assert_int_eq(ldisc(t.slave), N_NULL);
	ck_assert_int_eq(ioctl(t.slave, TIOCSETD, &n_tty), 0);
	st = run_probe(&c, 1, ARGV("tty", "setd"), t.slave);
	ck_assert(hx_exited(st, 0) && has(&c, "setd: EPERM"));
	ck_assert_int_eq(ldisc(t.slave), 0);
	ck_assert(hx_exited(in_worker(w_setd, &t.slave), 0));
	ck_assert_int_eq(ldisc(t.slave), 0);
	pty_close(&t);
}
END_TEST

/* Whether the terminal was hung up: its descriptors then fail. */
static int
hung_up(const struct pty *t)
{
	return write(t->slave, "", 1) == -1 && errno == EIO;
}

static int
w_vhangup(int chan, void *arg)
{
	(void)chan;
	return refused(ioctl(*(int *)arg, TIOCVHANGUP), EPERM);
}

/* ESCAPE: TIOCVHANGUP of the terminal (as root: the user's shell is hung up), under fdbroker-run and in a library worker | EPERM; the terminal still works */
START_TEST(test_escape_tty_vhangup)
{
	struct pty t;
	struct cmd c;
	int st;

	if (pty_open(&t) == -1)
		return;
	(void)run_probe(&c, 0, ARGV("tty", "vhangup"), t.slave);
	if (!has(&c, "vhangup: ok")) {
		fprintf(stderr, "skipped: TIOCVHANGUP needs CAP_SYS_ADMIN\n");
		pty_close(&t);
		return;
	}
	ck_assert(hung_up(&t));
	pty_close(&t);
	ck_assert_int_eq(pty_open(&t), 0);
	st = run_probe(&c, 1, ARGV("tty", "vhangup"), t.slave);
	ck_assert(hx_exited(st, 0) && has(&c, "vhangup: EPERM"));
	ck_assert(hx_exited(in_worker(w_vhangup, &t.slave), 0));
	ck_assert(!hung_up(&t));
	pty_close(&t);
}
END_TEST

static int
w_cons(int chan, void *arg)
{
	(void)chan;
	return refused(ioctl(*(int *)arg, TIOCCONS), EPERM);
}

/* ESCAPE: TIOCCONS: console output redirected to the command's terminal, under fdbroker-run and in a library worker | EPERM */
START_TEST(test_escape_tty_cons)
{
	struct pty t;
	struct cmd c;
	int st;

	if (pty_open(&t) == -1)
		return;
	/* The control: past the filter (EBUSY: redirected already). */
	(void)run_probe(&c, 0, ARGV("tty", "cons"), t.slave);
	if (has(&c, "cons: EPERM")) {
		fprintf(stderr, "skipped: TIOCCONS needs CAP_SYS_ADMIN\n");
		pty_close(&t);
		return;
	}
	ck_assert(has(&c, "cons: EBUSY") || (has(&c, "cons: ok") &&
	    has(&c, "cons_undo: ok")));
	st = run_probe(&c, 1, ARGV("tty", "cons"), t.slave);
	ck_assert(hx_exited(st, 0) && has(&c, "cons: EPERM"));
	ck_assert(hx_exited(in_worker(w_cons, &t.slave), 0));
	pty_close(&t);
}
END_TEST

/*
 * A process outside that has @t as its controlling terminal, leading its
 * session and foreground group (as a user's shell does).  Killed by
 * holder_end().
 */
static pid_t
holder(const struct pty *t)
{
	char c;
	int p[2], fd;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		/*
		 * Gone with the test, even one that fails; and killed by
		 * the signal, not handled as Check's test process (which
		 * we are a copy of) handles it, by passing it on.
		 */
		signal(SIGTERM, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    dup2(p[1], STDOUT_FILENO) == -1 ||
		    setsid() == -1 || (fd = open(t->name, O_RDWR)) == -1 ||
		    ioctl(fd, TIOCSCTTY, 0) == -1)
			_exit(1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

/* Its wait status, after a kill if it still runs. */
static int
holder_end(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

/* The session the terminal belongs to (through its master), or -1. */
static pid_t
session_of(const struct pty *t)
{
	pid_t sid;

	return ioctl(t->master, TIOCGSID, &sid) == 0 ? sid : -1;
}

static int
w_steal(int chan, void *arg)
{
	(void)chan;
	(void)setsid();
	return refused(ioctl(*(int *)arg, TIOCSCTTY, 1), EPERM);
}

/* ESCAPE: setsid, then TIOCSCTTY with force (1) on a terminal another session controls (as root: stolen from the user's shell), under fdbroker-run and in a library worker | EPERM; the terminal stays the other session's */
START_TEST(test_escape_tty_steal)
{
	struct pty t;
	struct cmd c;
	pid_t h;
	int st;

	if (pty_open(&t) == -1)
		return;
	h = holder(&t);
	ck_assert_int_eq(session_of(&t), h);
	(void)run_probe(&c, 0, ARGV("tty", "steal"), t.slave);
	if (!has(&c, "steal: ok")) {
		fprintf(stderr, "skipped: stealing needs CAP_SYS_ADMIN\n");
	} else {
		ck_assert_int_ne(session_of(&t), h);
		holder_end(h);
		pty_close(&t);
		ck_assert_int_eq(pty_open(&t), 0);
		h = holder(&t);
	}
	st = run_probe(&c, 1, ARGV("tty", "steal"), t.slave);
	ck_assert(hx_exited(st, 0) && has(&c, "steal: EPERM"));
	ck_assert(hx_exited(in_worker(w_steal, &t.slave), 0));
	ck_assert_int_eq(session_of(&t), h);
	holder_end(h);
	pty_close(&t);
}
END_TEST

/*
 * The probe turns on O_ASYNC with SIGTERM on a terminal whose foreground
 * group is a process outside; then the test types.  The holder's status.
 */
static int
async_attack(const struct pty *t, int confined, struct cmd *c)
{
	const char *const args[] = { probe, "tty", "async", "15", NULL };
	const char *argv[12] = { hx_fdbroker_run(), "-x", probedir, "--" };
	pid_t h = holder(t);
	int i;

	for (i = 0; i < 5; i++)
		argv[confined ? i + 4 : i] = args[i];
	cmd_start(c, argv, t->slave, 0);
	cmd_until(c, "fioasync: ");
	/* Canonical mode: the line is input, and SIGIO, at its end. */
	ck_assert_int_eq(write(t->master, "x\n", 2), 2);
	(void)cmd_end(c);
	usleep(100 * 1000);
	return holder_end(h);
}

static int
w_async(int chan, void *arg)
{
	int fd = *(int *)arg, on = 1;

	(void)chan;
	if (fcntl(fd, F_SETSIG, SIGTERM) == -1)
		return 2;
	return refused(fcntl(fd, F_SETFL, O_ASYNC), EPERM) |
	    refused(ioctl(fd, FIOASYNC, &on), EPERM);
}

/* ESCAPE: F_SETSIG SIGTERM and O_ASYNC (fcntl, FIOASYNC) on a terminal, which makes its foreground group (outside: the broker's, or the user's shell's) the owner of the signal each keystroke sends, under fdbroker-run and in a library worker | EPERM; the process outside lives */
START_TEST(test_escape_tty_async)
{
	struct pty t;
	struct cmd c;
	int st;

	if (pty_open(&t) == -1)
		return;
	st = async_attack(&t, 0, &c);
	ck_assert(has(&c, "o_async: ok"));
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	    "control: holder status %#x", st);
	pty_close(&t);
	ck_assert_int_eq(pty_open(&t), 0);
	st = async_attack(&t, 1, &c);
	ck_assert(has(&c, "o_async: EPERM") && has(&c, "fioasync: EPERM"));
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "holder status %#x", st);
	ck_assert(hx_exited(in_worker(w_async, &t.slave), 0));
	pty_close(&t);
}
END_TEST

/* Whether output came out of @t's master within @ms (drained). */
static int
arrived(const struct pty *t, int ms)
{
	struct pollfd p = { .fd = t->master, .events = POLLIN };
	char buf[256];

	return poll(&p, 1, ms) == 1 && read(t->master, buf, sizeof(buf)) > 0;
}

/* ESCAPE: another login's terminal: a pseudo-terminal the command did not make, /dev/pts/N by path (stat, open for writing, write a line to the user's screen) | EACCES, nothing arrives; its own new pseudo-terminal (/dev/ptmx, then TIOCGPTPEER, as openpty() does) works */
START_TEST(test_escape_tty_other_pts)
{
	struct pty t;
	struct cmd c;
	int st;

	if (pty_open(&t) == -1 || other_login(&t) == -1)
		return;
	(void)run_probe(&c, 0, ARGV("pts", t.name), -1);
	ck_assert(has(&c, "open: ok") && has(&c, "write: ok"));
	ck_assert(arrived(&t, WAIT_MS));
	st = run_probe(&c, 1, ARGV("pts", t.name), -1);
	ck_assert(hx_exited(st, 0) && has(&c, "stat: EACCES") &&
	    has(&c, "open: EACCES"));
	ck_assert(!arrived(&t, 0));
	st = run_probe(&c, 1, ARGV("pty-peer"), -1);
	ck_assert(hx_exited(st, 0) && has(&c, "through: ok"));
	pty_close(&t);
}
END_TEST

/* ESCAPE: another login's terminal /dev/pts/N by path (stat, open) while the command holds a pseudo-terminal of its own of another number, its other end and /dev/null; its own names once closed; a number no terminal has | EACCES for each, alike whether it exists; its own by name (ptsname then open, ttyname, O_CLOEXEC kept, in a child that holds the terminal but not its master) works */
/*
 * The command's own pseudo-terminal by its name (ptsname, ttyname), in a
 * child of it too; another login's never, whatever the command holds: a
 * master of another number, that master's other end, /dev/null.  Once its
 * own are closed their names are refused (the number may be another
 * login's by then), and a number no terminal has is refused alike:
 * nothing tells which terminals exist.  The control's own name once
 * closed is not asserted: another test may have its number by then.
 */
START_TEST(test_escape_tty_pts_own)
{
	static const char *const confined[] = {
		"other-stat: EACCES", "other-open: EACCES", "own-stat: ok",
		"own-open: ok", "own-through: ok", "own-ttyname: ok",
		"child-ttyname: ok", "own-cloexec: ok", "closed-stat: EACCES",
		"closed-open: EACCES", "none-stat: EACCES",
		"none-open: EACCES",
	};
	struct pty t;
	struct cmd c;
	size_t i;
	int st;

	if (pty_open(&t) == -1 || other_login(&t) == -1)
		return;
	(void)run_probe(&c, 0, ARGV("pts-own", t.name), -1);
	ck_assert(has(&c, "other-stat: ok") && has(&c, "other-open: ok") &&
	    has(&c, "own-ttyname: ok") && has(&c, "child-ttyname: ok") &&
	    has(&c, "own-cloexec: ok") && has(&c, "none-stat: ENOENT"));
	st = run_probe(&c, 1, ARGV("pts-own", t.name), -1);
	ck_assert(hx_exited(st, 0));
	for (i = 0; i < sizeof(confined) / sizeof(confined[0]); i++)
		ck_assert_msg(has(&c, confined[i]), "no %s in: %s",
		    confined[i], c.buf);
	pty_close(&t);
}
END_TEST

/* --- the virtual console ------------------------------------------- */

#define CONSOLE_ARGV	ARGV("console", "kdsetmode", "kdskbmode", \
			    "vt_activate", "kdsigaccept", "kdsetled", \
			    "kdmktone", "kiocsound", "kdfontop", "tioclinux")

/* What the probe said for @req: "ok" or an errno's name (asserted). */
static const char *
said(const struct cmd *c, const char *req)
{
	static char v[32];
	const char *p;
	size_t n = strlen(req);

	for (p = c->buf; p != NULL; p = strchr(p, '\n'), p += p != NULL)
		if (strncmp(p, req, n) == 0 && strncmp(p + n, ": ", 2) == 0)
			break;
	ck_assert_msg(p != NULL, "no %s in: %s", req, c->buf);
	snprintf(v, sizeof(v), "%.*s", (int)strcspn(p + n + 2, " \n"),
	    p + n + 2);
	return v;
}

static int
w_console(int chan, void *arg)
{
	static const unsigned long reqs[] = {
		KDSETMODE, KDSKBMODE, VT_ACTIVATE, KDSIGACCEPT, KDSETLED,
		KDMKTONE, KIOCSOUND, KDFONTOP, VT_LOCKSWITCH,
	};
	size_t i;
	int bad = 0;

	(void)chan;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		bad |= refused(ioctl(*(int *)arg, reqs[i], 0), EPERM);
	return bad;
}

/*
 * The console's requests on a pseudo-terminal: unconfined the driver
 * answers ENOTTY (no console behind it: the attack itself cannot be
 * shown here; test_escape_tty_console_vt shows it on /dev/tty0), so a
 * refusal, EPERM, can only come from the filter.  TIOCLINUX as a user
 * is refused by the kernel (EPERM) already: then only the rest count.
 */
/* ESCAPE: the virtual console's requests (KDSETMODE graphics, KDSKBMODE raw, VT_ACTIVATE, KDSIGACCEPT, KDSETLED, KDMKTONE, KIOCSOUND, KDFONTOP, TIOCLINUX, VT_LOCKSWITCH) on a terminal the command holds, under fdbroker-run and in a library worker; on a pseudo-terminal, where the driver says ENOTTY | EPERM from the filter, before any driver */
START_TEST(test_escape_tty_console)
{
	const char *const *req;
	struct cmd u, c;
	struct pty t;
	int st;

	if (pty_open(&t) == -1)
		return;
	(void)run_probe(&u, 0, CONSOLE_ARGV, t.slave);
	st = run_probe(&c, 1, CONSOLE_ARGV, t.slave);
	ck_assert(hx_exited(st, 0));
	for (req = CONSOLE_ARGV + 1; *req != NULL; req++) {
		if (strcmp(said(&u, *req), "EPERM") == 0) {
			fprintf(stderr, "%s: EPERM unconfined, not "
			    "counted\n", *req);
			continue;
		}
		ck_assert_msg(strcmp(said(&c, *req), "EPERM") == 0,
		    "%s: %s", *req, said(&c, *req));
	}
	ck_assert(hx_exited(in_worker(w_console, &t.slave), 0));
	pty_close(&t);
}
END_TEST

/* ESCAPE: the same console requests on /dev/tty0 (as root, where the machine has a virtual console), each with an argument that changes nothing (the modes it is in, the active console) or one the driver rejects past its permission check | unconfined the console driver acts (or rejects the argument); under fdbroker-run EPERM for each */
START_TEST(test_escape_tty_console_vt)
{
	const char *const *req;
	struct cmd u, c;
	int fd, type = 0, st;

	fd = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1 || ioctl(fd, KDGKBTYPE, &type) == -1) {
		fprintf(stderr, "skipped: no virtual console to show the "
		    "control on (/dev/tty0: %s)\n", strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	(void)run_probe(&u, 0, CONSOLE_ARGV, fd);
	st = run_probe(&c, 1, CONSOLE_ARGV, fd);
	ck_assert(hx_exited(st, 0));
	for (req = CONSOLE_ARGV + 1; *req != NULL; req++) {
		ck_assert_msg(strcmp(said(&u, *req), "EPERM") != 0 &&
		    strcmp(said(&u, *req), "ENOTTY") != 0,
		    "control %s: %s", *req, said(&u, *req));
		ck_assert_msg(strcmp(said(&c, *req), "EPERM") == 0,
		    "%s: %s", *req, said(&c, *req));
	}
	close(fd);
}
END_TEST

/* ESCAPE: (none: the control) what shells, editors and pagers do with their terminal: isatty, tcgetattr, raw mode and back, window size, tcdrain, tcflush, tcgetpgrp | all work under fdbroker-run */
START_TEST(test_escape_tty_modes)
{
	static const char *const calls[] = {
		"isatty", "tcgetattr", "tcsetattr", "tcsetattr_restore",
		"tiocgwinsz", "tiocswinsz", "tcdrain", "tcflush", "tcgetpgrp",
	};
	char line[64];
	struct pty t;
	struct cmd c;
	size_t i;
	int st;

	if (pty_open(&t) == -1)
		return;
	st = run_probe(&c, 1, ARGV("tty", "modes"), t.slave);
	ck_assert(hx_exited(st, 0));
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(line, sizeof(line), "%s: ok", calls[i]);
		ck_assert_msg(has(&c, line), "%s", line);
	}
	pty_close(&t);
}
END_TEST

/* Whether @t is in the modes @want (those that raw mode changes). */
static int
modes_are(const struct pty *t, const struct termios *want)
{
	struct termios now;

	ck_assert_int_eq(tcgetattr(t->slave, &now), 0);
	return now.c_iflag == want->c_iflag && now.c_oflag == want->c_oflag &&
	    now.c_cflag == want->c_cflag && now.c_lflag == want->c_lflag &&
	    memcmp(now.c_cc, want->c_cc, sizeof(now.c_cc)) == 0;
}

/*
 * One run of the probe's "tty raw" in a new session on a new terminal:
 * @how is "exit" (it exits in raw mode), "timeout" (--timeout kills it),
 * "term" (fdbroker-run gets SIGTERM, as from kill or a closing window,
 * and passes it on); unconfined with @confined 0.  Whether the
 * terminal's modes are back as they were, and the status into @st.
 */
static int
raw_run(int confined, const char *how, int *st)
{
	const char *argv[16] = { hx_fdbroker_run(), "-x", probedir };
	struct termios before;
	struct pty t;
	struct cmd c;
	int i = 3, back;

	ck_assert_int_eq(pty_open(&t), 0);
	ck_assert_int_eq(tcgetattr(t.slave, &before), 0);
	if (strcmp(how, "timeout") == 0) {
		argv[i++] = "--timeout";
		argv[i++] = "1";
	}
	argv[i++] = "--";
	if (!confined)
		i = 0;
	argv[i++] = probe;
	argv[i++] = "tty";
	argv[i++] = "raw";
	if (strcmp(how, "exit") != 0)
		argv[i++] = "wait";
	argv[i] = NULL;
	cmd_start(&c, argv, t.slave, 1);
	cmd_until(&c, "raw: ");
	ck_assert_msg(strstr(c.buf, "raw: ok") != NULL, "%s", c.buf);
	if (strcmp(how, "term") == 0)
		ck_assert_int_eq(kill(c.pid, SIGTERM), 0);
	*st = cmd_end(&c);
	back = modes_are(&t, &before);
	pty_close(&t);
	return back;
}

/* ESCAPE: the command sets raw mode and no echo on the user's terminal (its controlling terminal, in the foreground) and exits, is killed by --timeout, or fdbroker-run is sent SIGTERM | the modes are put back after the command's processes are gone, as script and ssh do; unconfined they stay changed (the user's shell shows no echo) */
START_TEST(test_escape_tty_modes_restored)
{
	int st;

	ck_assert(!raw_run(0, "exit", &st) && hx_exited(st, 0));
	ck_assert(raw_run(1, "exit", &st) && hx_exited(st, 0));
	ck_assert(raw_run(1, "timeout", &st) && hx_exited(st, 124));
	ck_assert(raw_run(1, "term", &st) && hx_exited(st, 128 + SIGTERM));
}
END_TEST

/*
 * As raw_run() "exit", but fdbroker-run's (or, with @confined 0, the
 * shell's) stdin, stdout and stderr are no terminal: the command reaches
 * its controlling terminal by name, /dev/tty, and sets raw mode and no
 * echo there.  Whether the modes are back as they were.
 */
static int
devtty_run(int confined)
{
	char script[PATH_MAX + 128];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct termios before;
	struct pty t;
	struct cmd c;
	int back;

	snprintf(script, sizeof(script), "%s%s/bin/sh -c 'stty raw -echo "
	    "</dev/tty && echo raw: ok' </dev/null 2>/dev/null",
	    confined ? hx_fdbroker_run() : "", confined ? " -q -- " : "");
	ck_assert_int_eq(pty_open(&t), 0);
	ck_assert_int_eq(tcgetattr(t.slave, &before), 0);
	cmd_start(&c, argv, t.slave, 1);
	cmd_until(&c, "raw: ");
	ck_assert(hx_exited(cmd_end(&c), 0));
	back = modes_are(&t, &before);
	pty_close(&t);
	return back;
}

/* ESCAPE: the command sets raw mode and no echo on its controlling terminal by name (/dev/tty, which the system profile grants) while fdbroker-run's stdin, stdout and stderr are no terminal | the modes are put back after the run all the same; unconfined they stay changed */
START_TEST(test_escape_tty_modes_devtty)
{
	ck_assert(!devtty_run(0));
	ck_assert(devtty_run(1));
}
END_TEST

/* --- attribute flags ------------------------------------------------ */

static unsigned
flags_of(const char *path)
{
	unsigned f = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, FS_IOC_GETFLAGS, &f), 0);
	close(fd);
	return f;
}

static int
w_setflags(int chan, void *arg)
{
	int fd = *(int *)arg, f = FS_NODUMP_FL;

	(void)chan;
	return refused(ioctl(fd, FS_IOC_SETFLAGS, &f), EPERM);
}

/* ESCAPE: FS_IOC_SETFLAGS (chattr: here nodump; as root immutable) through a read-only descriptor of a file granted r, under fdbroker-run and in a library worker | refused (EACCES from the broker, EPERM in the worker), flags unchanged; with w it works */
START_TEST(test_escape_tty_setflags)
{
	const char *f = at("f");
	struct cmd c;
	int st, fd;

	hx_write_file(f, "data\n", 0644);
	(void)run_probe(&c, 0, ARGV("setflags", f, "ro"), -1);
	if (!has(&c, "setflags: ok")) {
		fprintf(stderr, "skipped: no attribute flags on %s\n", dir);
		return;
	}
	ck_assert(has(&c, "setflags_undo: ok"));
	st = run_probe(&c, 1, ARGV("setflags", f, "ro"), -1);
	ck_assert(hx_exited(st, 0) && has(&c, "setflags: EACCES"));
	ck_assert_uint_eq(flags_of(f) & FS_NODUMP_FL, 0);
	st = hx_run(ARGV(hx_fdbroker_run(), "-w", f, "-x", probedir, "--",
	    probe, "setflags", f, "rw"), c.buf, sizeof(c.buf));
	ck_assert(hx_exited(st, 0) && has(&c, "setflags: ok") &&
	    has(&c, "setflags_undo: ok"));
	ck_assert_int_ge(fd = open(f, O_RDONLY), 0);
	ck_assert(hx_exited(in_worker(w_setflags, &fd), 0));
	close(fd);
	ck_assert_uint_eq(flags_of(f) & FS_NODUMP_FL, 0);
}
END_TEST

/* --- leases and locks ----------------------------------------------- */

/*
 * The probe holds @what on @path until its stdin ends; meanwhile the
 * test opens @path for writing without waiting.  That open's errno, or
 * 0; the probe's output is in @c.
 */
static int
while_held(struct cmd *c, int confined, const char *path, const char *what,
	   int (*outside)(const char *))
{
	const char *argv[12] = { hx_fdbroker_run(), "-r", dir, "-x",
	    probedir, "--", probe, "hold", path, what, NULL };
	char line[32];
	int p[2], err;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	cmd_start(c, confined ? argv : argv + 6, p[0], 0);
	close(p[0]);
	snprintf(line, sizeof(line), "%s: ", what);
	cmd_until(c, line);
	err = outside(path);
	close(p[1]);
	ck_assert(hx_exited(cmd_end(c), 0));
	return err;
}

/* An outside writer: open for writing, without waiting for a lease. */
static int
open_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd == -1)
		return errno;
	close(fd);
	return 0;
}

static int
w_lease(int chan, void *arg)
{
	(void)chan;
	return refused(fcntl(*(int *)arg, F_SETLEASE, F_RDLCK), EACCES);
}

/* ESCAPE: F_SETLEASE F_RDLCK on a read-only descriptor of a file granted r, so that an outside open for writing waits lease-break-time (45 s), under fdbroker-run and in a library worker | EACCES; the outside open does not wait */
START_TEST(test_escape_tty_lease)
{
	const char *f = at("leased");
	struct cmd c;
	int fd;

	hx_write_file(f, "data\n", 0644);
	ck_assert_int_eq(while_held(&c, 0, f, "lease", open_write),
	    EWOULDBLOCK);
	ck_assert(has(&c, "lease: ok") && has(&c, "unlease: ok"));
	ck_assert_int_eq(while_held(&c, 1, f, "lease", open_write), 0);
	ck_assert(has(&c, "lease: EACCES"));
	ck_assert_int_ge(fd = open(f, O_RDONLY), 0);
	ck_assert(hx_exited(in_worker(w_lease, &fd), 0));
	close(fd);
}
END_TEST

/* An outside writer that uses flock: whether it would have to wait. */
static int
flock_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	ck_assert_int_ge(fd, 0);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		err = errno;
	close(fd);
	return err;
}

/* An outside writer that uses record locks (F_SETLK F_WRLCK). */
static int
lock_write(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	ck_assert_int_ge(fd, 0);
	if (fcntl(fd, F_SETLK, &fl) == -1)
		err = errno;
	close(fd);
	return err;
}

/* ESCAPE: flock(LOCK_EX), or a read record lock, on a read-only descriptor of a file granted r, to keep outside writers that lock waiting | allowed: advisory, and readers need them (man-db's flock, sqlite's F_RDLCK; filter-notify.c); held while the command runs, gone when it ends */
START_TEST(test_escape_tty_flock)
{
	const char *f = at("locked");
	struct cmd c;

	hx_write_file(f, "data\n", 0644);
	ck_assert_int_eq(while_held(&c, 1, f, "flock", flock_write),
	    EWOULDBLOCK);
	ck_assert(has(&c, "flock: ok"));
	ck_assert_int_eq(flock_write(f), 0);
	ck_assert_int_ne(while_held(&c, 1, f, "posix", lock_write), 0);
	ck_assert(has(&c, "posix: ok"));
	ck_assert_int_eq(lock_write(f), 0);
}
END_TEST

static Suite *
escape_tty_suite(void)
{
	Suite *s = suite_create("escape_tty");
	TCase *tc = tcase_create("held");

	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_escape_tty_setd);
	tcase_add_test(tc, test_escape_tty_vhangup);
	tcase_add_test(tc, test_escape_tty_cons);
	tcase_add_test(tc, test_escape_tty_steal);
	tcase_add_test(tc, test_escape_tty_async);
	tcase_add_test(tc, test_escape_tty_other_pts);
	tcase_add_test(tc, test_escape_tty_pts_own);
	tcase_add_test(tc, test_escape_tty_console);
	tcase_add_test(tc, test_escape_tty_console_vt);
	tcase_add_test(tc, test_escape_tty_modes);
	tcase_add_test(tc, test_escape_tty_modes_restored);
	tcase_add_test(tc, test_escape_tty_modes_devtty);
	tcase_add_test(tc, test_escape_tty_setflags);
	tcase_add_test(tc, test_escape_tty_lease);
	tcase_add_test(tc, test_escape_tty_flock);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(escape_tty_suite());
}
