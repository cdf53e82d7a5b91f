/* SPDX-License-Identifier: MIT */
/*
 * check_escape_broker.c: escapes through what the broker itself does for
 * a command under fdbroker-run: the --log it writes (and its stderr,
 * which the command shares), the policy --learn writes, the mode bits
 * it sets, the views of /proc it opens, and its answer to O_PATH.  Each
 * case runs the attack confined and, as a control, unconfined (or
 * through the route the sandbox used to take), so that a refusal is
 * known to come from the sandbox.  Real programs
 * (sh, chmod, install, cat, mkdir, rm) name system binaries by path.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check-run.h"
#include "../tree.h"
#include "fdbroker.h"
#include "harness.h"
#include "runlog.h"

#define OUT_MAX		65536

static char dir[256];		/* the test's */
static char out[OUT_MAX];	/* the last run's stdout */

static void
setup(void)
{
	hx_test_dir(dir, sizeof(dir));
}

static const char *
at(const char *rel)
{
	return tree_at(dir, rel);
}

static char probe_path[PATH_MAX], probe_dir[PATH_MAX];

static const char *
probe(void)
{
	hx_find_program("NOTIFY_PROBE", "../notify-probe", probe_path,
	    probe_dir);
	return probe_path;
}

static off_t
size_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static time_t
mtime_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mtime;
}

/* How many lines of @path contain @text. */
static long
lines_with(const char *path, const char *text)
{
	char line[8192];
	long n = 0;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/* ESCAPE: 2000 refused opens of one 4 KiB path, to fill the disk through --log | one record, then one saying "repeated": 1999: a few kB */
START_TEST(test_escape_broker_log_repeats_run)
{
	char log[PATH_MAX];
	int st;

	snprintf(log, sizeof(log), "%s", at("log.jsonl"));
	(void)probe();
	st = hx_run(ARGV(hx_fdbroker_run(), "--log", log, "-x", probe_dir,
	    "--", probe_path, "flood", at("secret"), "2000", "0"), out, sizeof(out));
	/* The control: every one of the 2000 was a refused request. */
	ck_assert(hx_exited(st, 0));
	ck_assert(hx_has_line(out, "flood: 2000 refused"));
	ck_assert_int_eq(lines_with(log, "\"repeated\":1999}"), 1);
	ck_assert_int_lt(size_of(log), 64 * 1024);
}
END_TEST

/* ESCAPE: 4200 refused opens of distinct 4 KiB paths, to fill the disk through --log | records stop at the log's budget (16 MiB), and the last line counts what was dropped */
START_TEST(test_escape_broker_log_budget_run)
{
	char log[PATH_MAX];
	char last[256] = "";
	char line[16384];
	FILE *f;
	int st;

	snprintf(log, sizeof(log), "%s", at("log.jsonl"));
	(void)probe();
	ck_assert_int_eq(mkdir(at("d"), 0755), 0);
	st = hx_run(ARGV(hx_fdbroker_run(), "--log", log, "-x", probe_dir,
	    "--", probe_path, "flood", at("d"), "4200", "4000"), out, sizeof(out));
	/* The control: 4200 requests, each refused, each a new record. */
	ck_assert(hx_exited(st, 0));
	ck_assert(hx_has_line(out, "flood: 4200 refused"));
	ck_assert_int_le(size_of(log), RUNLOG_BUDGET + 256);
	ck_assert_ptr_nonnull(f = fopen(log, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		snprintf(last, sizeof(last), "%.200s", line);
	fclose(f);
	ck_assert_msg(strstr(last, "\"dropped\":") != NULL &&
	    strstr(last, "\"dropped\":0}") == NULL, "last line: %s", last);
}
END_TEST

/* A command with its stdout and stderr on pipes of ours. */
struct piped {
	pid_t pid;
	int out, err;
};

static void
piped_start(struct piped *p, const char *const argv[], int in)
{
	int o[2], e[2];

	ck_assert_int_eq(pipe2(o, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(e, O_CLOEXEC), 0);
	p->pid = fork();
	ck_assert_int_ne(p->pid, -1);
	if (p->pid == 0) {
		setpgid(0, 0);
		if ((in >= 0 && dup2(in, STDIN_FILENO) == -1) ||
		    dup2(o[1], STDOUT_FILENO) == -1 ||
		    dup2(e[1], STDERR_FILENO) == -1)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	p->out = o[0];
	p->err = e[0];
}

/*
 * Read @fd into @buf (@len bytes, NUL-terminated) until @text is in it,
 * or to its end with @text NULL; a full buffer keeps its last half.
 */
static void
read_until(int fd, char *buf, size_t len, const char *text)
{
	size_t got = strlen(buf);
	ssize_t n;

	while (text == NULL || strstr(buf, text) == NULL) {
		if (got > len / 2) {
			memmove(buf, buf + got - len / 4, len / 4 + 1);
			got = len / 4;
		}
		n = read(fd, buf + got, len - 1 - got);
		ck_assert_msg(n >= 0 && (n > 0 || text == NULL),
		    "no '%s' before the end", text);
		if (n == 0)
			return;
		got += (size_t)n;
		buf[got] = '\0';
	}
}

/* Its output to the end, and its wait status. */
static int
piped_end(struct piped *p, char *err, size_t len)
{
	int st;

	read_until(p->err, err, len, NULL);
	read_until(p->out, out, sizeof(out), NULL);
	close(p->err);
	close(p->out);
	ck_assert_int_eq(waitpid(p->pid, &st, 0), p->pid);
	fprintf(stderr, "--- status %#x\n%s", st, out);
	return st;
}

#define SYSCALL_UNKNOWN	(-1L)	/* /proc/PID/syscall cannot be read */
#define SYSCALL_RUNNING	(-2L)	/* it runs: no call to wait in */

/* The system call thread @tid of @pid is in, from its syscall file. */
static long
syscall_of_task(pid_t pid, pid_t tid)
{
	char path[64], call[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid,
	    (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return SYSCALL_UNKNOWN;
	n = read(fd, call, sizeof(call) - 1);
	close(fd);
	if (n <= 0)
		return SYSCALL_UNKNOWN;
	call[n] = '\0';
	return call[0] == 'r' ? SYSCALL_RUNNING : atol(call);
}

static long
syscall_of(pid_t pid)
{
	return syscall_of_task(pid, pid);
}

/*
 * Whether a thread of @pid (fdbroker-run's broker serves from a pool
 * of threads) waits in system call @nr: 1, 0; SYSCALL_UNKNOWN where no
 * thread's call can be read.
 */
static long
some_thread_in(pid_t pid, long nr)
{
	char path[64];
	struct dirent *e;
	long call, seen = SYSCALL_UNKNOWN;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return SYSCALL_UNKNOWN;
	while ((e = readdir(d)) != NULL && seen != 1) {
		if (e->d_name[0] == '.')
			continue;
		call = syscall_of_task(pid, (pid_t)atoi(e->d_name));
		if (call != SYSCALL_UNKNOWN)
			seen = call == nr;
	}
	closedir(d);
	return seen;
}

/*
 * Until fdbroker-run (@p) is blocked in write() (its record waits for a
 * reader of the full pipe) or has answered, so that the probe said
 * @text on stdout: 1, 0.  /proc/PID/task/TID/syscall names the call a
 * thread waits in; -1 where it cannot be read.  No time limit decides: only
 * which of the two happened.
 */
static int
blocked_or_said(const struct piped *p, const char *text)
{
	struct pollfd pf = { .fd = p->out, .events = POLLIN };
	size_t got;
	ssize_t n;
	long call;

	for (;;) {
		if ((call = some_thread_in(p->pid, SYS_write)) ==
		    SYSCALL_UNKNOWN)
			return -1;
		if (call == 1)
			return 1;
		if (poll(&pf, 1, 1) != 1)
			continue;
		got = strlen(out);
		n = read(p->out, out + got, sizeof(out) - 1 - got);
		ck_assert_int_gt(n, 0);
		out[got + (size_t)n] = '\0';
		if (strstr(out, text) != NULL)
			return 0;
	}
}

/* ESCAPE: a command that shares fdbroker-run's stderr (a pipe) makes it O_NONBLOCK and fills it, so that fdbroker-run's messages and --log - records (here of its refused open) would fail with EAGAIN, unsaid | the record is written all the same: fdbroker-run writes through its own open of the pipe and waits for the reader; unconfined, a writer sharing the pipe loses its line (EAGAIN) */
START_TEST(test_escape_broker_log_evasion_run)
{
	static char err[1 << 20];
	char p2[PATH_MAX], p2dir[PATH_MAX], rec[PATH_MAX + 16];
	const char *secret = at("secret");
	struct piped p;

	hx_find_probe("probe2", p2, p2dir);
	hx_write_file(secret, "secret\n", 0644);
	out[0] = err[0] = '\0';
	piped_start(&p, ARGV(p2, "fill-stderr", secret), -1);
	read_until(p.out, out, sizeof(out), "shared: ");
	ck_assert(hx_has_line(out, "full: ok"));
	ck_assert(hx_has_line(out, "shared: EAGAIN"));
	ck_assert(hx_exited(piped_end(&p, err, sizeof(err)), 0));
	out[0] = err[0] = '\0';
	piped_start(&p, ARGV(hx_fdbroker_run(), "--log", "-", "-x", p2dir,
	    "--", p2, "fill-stderr", secret), -1);
	read_until(p.out, out, sizeof(out), "full: ");
	/*
	 * Nobody reads the pipe until fdbroker-run has written the
	 * record's line or given up on it: a shared, non-blocking pipe
	 * would have it answer at once, the line lost (EAGAIN).
	 */
	switch (blocked_or_said(&p, "open: ")) {
	case -1:
		fprintf(stderr, "cannot tell when fdbroker-run writes (no "
		    "/proc/PID/syscall): the record is only looked for\n");
		break;
	case 0:
		ck_abort_msg("fdbroker-run answered without waiting to "
		    "write its record");
	}
	ck_assert(hx_exited(piped_end(&p, err, sizeof(err)), 0));
	ck_assert(hx_has_line(out, "full: ok") &&
	    hx_has_line(out, "shared: EAGAIN") &&
	    hx_has_line(out, "open: EACCES"));
	snprintf(rec, sizeof(rec), "\"path\":\"%s\"", secret);
	ck_assert_msg(strstr(err, rec) != NULL &&
	    strstr(strstr(err, rec), "\"decision\":\"deny\"") != NULL,
	    "no record of the refused open in: %.300s",
	    strlen(err) > 300 ? err + strlen(err) - 300 : err);
}
END_TEST

/* The system call @pid waits in, once it waits; or SYSCALL_UNKNOWN. */
static long
waits_in(pid_t pid)
{
	long call;

	while ((call = syscall_of(pid)) == SYSCALL_RUNNING)
		sched_yield();
	return call;
}

/*
 * A TCP port on 127.0.0.1 that never answers: a listener with a backlog
 * of 0 whose one place is taken, so that the kernel drops new SYNs.
 * The listener into *@l, the queued connection into *@q.
 */
static int
silent_port(int *l, int *q)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct pollfd p;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(*l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
	    0);
	ck_assert_int_eq(bind(*l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(*l, 0), 0);
	ck_assert_int_eq(getsockname(*l, (struct sockaddr *)&sin, &len), 0);
	ck_assert_int_ge(*q = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
	    0);
	ck_assert_int_eq(connect(*q, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	p.fd = *l;
	p.events = POLLIN;
	ck_assert_int_eq(poll(&p, 1, -1), 1);	/* it is queued */
	return ntohs(sin.sin_port);
}

/*
 * The probe's child starts its call (@what: "connect-stall" to a
 * silent port, "fifo-stall" of @fifo); once it waits in it (@call), the
 * probe opens a file.  Whether the child still waits in its call when
 * the open has been answered; -1 where it cannot be seen.
 */
static int
stall_run(int confined, const char *file, const char *what,
	  const char *fifo, long want)
{
	char p2[PATH_MAX], p2dir[PATH_MAX], port[16], err[4096] = "";
	const char *argv[16] = { hx_fdbroker_run(), "--allow-net", "-r",
	    file, "-r", fifo != NULL ? fifo : file, "-x", p2dir, "--" };
	int l = -1, q = -1, in[2], i = confined ? 9 : 0;
	struct piped p;
	long pid, call;
	char *at_pid;

	hx_find_probe("probe2", p2, p2dir);
	if (fifo == NULL)
		snprintf(port, sizeof(port), "%d", silent_port(&l, &q));
	argv[i++] = p2;
	argv[i++] = what;
	argv[i++] = fifo != NULL ? fifo : port;
	argv[i++] = file;
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	out[0] = '\0';
	piped_start(&p, argv, in[0]);
	close(in[0]);
	read_until(p.out, out, sizeof(out), "connector: ");
	read_until(p.out, out, sizeof(out), "\n");
	at_pid = strstr(out, "connector: ") + strlen("connector: ");
	pid = atol(at_pid);
	ck_assert_int_gt(pid, 0);
	if ((call = waits_in((pid_t)pid)) == want) {
		ck_assert_int_eq(write(in[1], "g", 1), 1);
		read_until(p.out, out, sizeof(out), "open: ");
		call = waits_in((pid_t)pid);
	}
	close(in[1]);
	ck_assert(hx_exited(piped_end(&p, err, sizeof(err)), 0));
	ck_assert(hx_has_line(out, "open: ok"));
	if (fifo == NULL) {
		close(q);
		close(l);
	}
	return call == SYSCALL_UNKNOWN ? -1 : call == want;
}

/*
 * The control (unconfined: the child waits in @want while the open is
 * answered), then the same confined.
 */
static void
stall_check(const char *what, const char *fifo, long want)
{
	const char *file = at("f");
	int r;

	hx_write_file(file, "f\n", 0644);
	if ((r = stall_run(0, file, what, fifo, want)) == -1) {
		fprintf(stderr, "skipped: no /proc/PID/syscall to see where "
		    "a process waits\n");
		return;
	}
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(stall_run(1, file, what, fifo, want), 1);
}

/* ESCAPE: with --allow-net, one process's connect() to an address that never answers (a full listen queue: SYNs dropped), to stall the broker for every other process of the sandbox (it used to wait up to 30 s in poll) | another process's open is answered while the connect still waits: the broker answers the connect when the kernel ends it, watching its socket meanwhile */
START_TEST(test_escape_broker_connect_stall_run)
{
	stall_check("connect-stall", NULL, SYS_connect);
}
END_TEST

/* ESCAPE: one process's blocking open of a FIFO that no one ever writes, to stall the broker for every other process of the sandbox | another process's open is answered while the FIFO's open still waits: a waiter thread opens the FIFO again and answers when its peer comes */
START_TEST(test_escape_broker_fifo_stall_run)
{
	const char *fifo = at("fifo");

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	stall_check("fifo-stall", fifo, SYS_openat);
}
END_TEST

/*
 * probe2 connect-dead against a silent port and a live one, @tries
 * times at most; its output in out[].
 */
static int
dead_run(int confined, const char *tries)
{
	char p2[PATH_MAX], p2dir[PATH_MAX], silent[16], live[16];
	const char *argv[16] = { hx_fdbroker_run(), "--allow-net", "-x",
	    p2dir, "--" };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l, q, a, i = confined ? 5 : 0, st;

	hx_find_probe("probe2", p2, p2dir);
	snprintf(silent, sizeof(silent), "%d", silent_port(&l, &q));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
	    0);
	ck_assert_int_eq(bind(a, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(a, 4096), 0);
	ck_assert_int_eq(getsockname(a, (struct sockaddr *)&sin, &len), 0);
	snprintf(live, sizeof(live), "%d", ntohs(sin.sin_port));
	argv[i++] = p2;
	argv[i++] = "connect-dead";
	argv[i++] = silent;
	argv[i++] = live;
	argv[i++] = tries;
	st = hx_run(argv, out, sizeof(out));
	close(a);
	close(q);
	close(l);
	return st;
}

/* ESCAPE: with --allow-net, 64 processes connect() to an address that never answers (a full listen queue), filling the broker's table of connects in progress, then are killed, so that the broker keeps their sockets and the table full (every later connect of the sandbox: EAGAIN) until the kernel gives up, minutes later | the next connect goes on: the connects of requesters gone are dropped, with their sockets (control: unconfined, the connect after the kill works) */
START_TEST(test_escape_broker_connect_dead_run)
{
	ck_assert(hx_exited(dead_run(0, "1"), 0));
	ck_assert(hx_has_line(out, "after: ok"));
	ck_assert(hx_exited(dead_run(1, "3000"), 0));
	ck_assert(hx_has_line(out, "full: yes"));
	ck_assert(hx_has_line(out, "after: ok"));
}
END_TEST

/*
 * The learn run: stat a configuration directory, make a directory deep
 * in a tree that has other files, write one file there.
 */
static const char *
learn_script(void)
{
	static char s[4 * PATH_MAX];

	snprintf(s, sizeof(s), "/usr/bin/stat -c %%i %s >/dev/null && "
	    "/bin/mkdir -p %s && echo out > %s", at("conf"), at("home/u/out"),
	    at("home/u/out/f"));
	return s;
}

/* Another program, run with the learnt policy: read and delete others. */
static int
attack_learnt(const char *policy)
{
	char script[4 * PATH_MAX];

	snprintf(script, sizeof(script), "/bin/cat %s; /bin/rm -f %s",
	    at("conf/secret"), at("home/u/out/keep"));
	return hx_run(ARGV(hx_fdbroker_run(), "-p", policy, "--", "/bin/sh",
	    "-c", script), out, sizeof(out));
}

/* ESCAPE: a --learn run that stats a directory and mkdir -p's under a tree, then another program under the learnt policy reads and deletes files the first never touched | the learnt policy grants the paths the run used alone (exact rules, no c from a failed mkdir): nothing read, nothing deleted */
START_TEST(test_escape_broker_learn_round_trip_run)
{
	char learnt[PATH_MAX], tree[PATH_MAX], line[PATH_MAX + 16];
	FILE *in, *w;
	int st;

	snprintf(learnt, sizeof(learnt), "%s", at("learnt.policy"));
	snprintf(tree, sizeof(tree), "%s", at("tree.policy"));
	ck_assert_int_eq(mkdir(at("conf"), 0755), 0);
	ck_assert_int_eq(mkdir(at("home"), 0755), 0);
	ck_assert_int_eq(mkdir(at("home/u"), 0755), 0);
	hx_write_file(at("conf/secret"), "SECRET\n", 0644);
	st = hx_run(ARGV(hx_fdbroker_run(), "--learn", learnt, "--",
	    "/bin/sh", "-c", learn_script()), out, sizeof(out));
	ck_assert(hx_exited(st, 0));
	/* The learnt policy is enough for the run it learnt. */
	ck_assert_int_eq(unlink(at("home/u/out/f")), 0);
	ck_assert_int_eq(rmdir(at("home/u/out")), 0);
	st = hx_run(ARGV(hx_fdbroker_run(), "--fail-on-deny", "-p", learnt,
	    "--", "/bin/sh", "-c", learn_script()), out, sizeof(out));
	ck_assert(hx_exited(st, 0));
	/* Someone else's file, later, in the directory the run made. */
	hx_write_file(at("home/u/out/keep"), "keep\n", 0644);
	/*
	 * The control: the same rules as tree rules (what --learn wrote
	 * before) let the other program read the secret and delete keep.
	 */
	ck_assert_ptr_nonnull(in = fopen(learnt, "r"));
	ck_assert_ptr_nonnull(w = fopen(tree, "w"));
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(strncmp(line, "exact ", 6) == 0 ? line + 6 : line, w);
	fclose(in);
	fclose(w);
	attack_learnt(tree);
	ck_assert_msg(strstr(out, "SECRET") != NULL, "control: %s", out);
	ck_assert_int_eq(access(at("home/u/out/keep"), F_OK), -1);
	hx_write_file(at("home/u/out/keep"), "keep\n", 0644);
	/* Confined by what was learnt: neither. */
	attack_learnt(learnt);
	ck_assert_msg(strstr(out, "SECRET") == NULL, "read: %s", out);
	ck_assert_int_eq(access(at("home/u/out/keep"), F_OK), 0);
}
END_TEST

/* ESCAPE: with -c, set setuid and setgid bits (chmod 6755, install -m 6755, mkdir -m 2755) to plant a program that runs with the owner's (as root: root's) rights | the bits are dropped: modes 0755 */
START_TEST(test_escape_broker_setuid_run)
{
	char script[6 * PATH_MAX];
	const char *d = at("c");
	int st, i;

	for (i = 0; i < 2; i++) {
		snprintf(script, sizeof(script), "/bin/cp /bin/true %s/a && "
		    "/bin/chmod 6755 %s/a && /usr/bin/install -m 6755 "
		    "/bin/true %s/b && /bin/mkdir -m 2755 %s/d", d, d, d, d);
		ck_assert_int_eq(mkdir(d, 0755), 0);
		if (i == 0)	/* the control */
			st = hx_run(ARGV("/bin/sh", "-c", script), out,
			    sizeof(out));
		else
			st = hx_run(ARGV(hx_fdbroker_run(), "-c", d, "--",
			    "/bin/sh", "-c", script), out, sizeof(out));
		ck_assert(hx_exited(st, 0));
		ck_assert_uint_eq(mode_of(at("c/a")), i == 0 ? 06755 : 0755);
		ck_assert_uint_eq(mode_of(at("c/b")), i == 0 ? 06755 : 0755);
		ck_assert_uint_eq(mode_of(at("c/d")) & 02000, i == 0 ? 02000 :
		    0);
		hx_remove(d);
	}
}
END_TEST

/* ESCAPE: with r on /proc/self (the system profile), read the socket tables in /proc/self/net and /proc/net, which list ungranted socket paths and every program's sockets | EACCES unless a rule names /proc/self/net */
START_TEST(test_escape_broker_proc_net_run)
{
	int st;

	st = hx_run(ARGV("/bin/cat", "/proc/self/net/unix"), out,
	    sizeof(out));
	ck_assert(hx_exited(st, 0) && strstr(out, "RefCount") != NULL);
	st = hx_run(ARGV(hx_fdbroker_run(), "--", "/bin/cat",
	    "/proc/self/net/unix"), out, sizeof(out));
	ck_assert(hx_exited(st, 1) && out[0] == '\0');
	st = hx_run(ARGV(hx_fdbroker_run(), "--", "/bin/cat",
	    "/proc/net/tcp"), out, sizeof(out));
	ck_assert(hx_exited(st, 1) && out[0] == '\0');
	st = hx_run(ARGV(hx_fdbroker_run(), "-r", "/proc/self/net", "--",
	    "/bin/cat", "/proc/self/net/unix"), out, sizeof(out));
	ck_assert(hx_exited(st, 0) && strstr(out, "RefCount") != NULL);
}
END_TEST

/*
 * A writer outside waits in open() for a reader of FIFO @fifo; the
 * command opens it with @flags.  Whether the writer was released.
 */
static int
releases_writer(const char *fifo, const char *flags)
{
	pid_t w;
	int st, fd, released;

	w = fork();
	ck_assert_int_ne(w, -1);
	if (w == 0) {
		fd = open(fifo, O_WRONLY);
		_exit(fd >= 0 ? 0 : 1);
	}
	(void)probe();
	(void)hx_run(ARGV(hx_fdbroker_run(), "-r", dir, "-x", probe_dir, "--",
	    probe_path, "call", "openat", fifo, flags), out, sizeof(out));
	/* A released writer has exited by now or does so at once. */
	usleep(200 * 1000);
	released = waitpid(w, &st, WNOHANG) == w;
	if (!released) {
		kill(w, SIGKILL);
		ck_assert_int_eq(waitpid(w, &st, 0), w);
	}
	return released;
}

/* ESCAPE: an O_PATH open of a FIFO an outside writer waits on (O_PATH opens used to be performed as O_RDONLY|O_NONBLOCK) | the writer is not released: the open fails with EOPNOTSUPP, no side effect */
START_TEST(test_escape_broker_opath_fifo_run)
{
	const char *fifo = at("fifo");
	char flags[32];

	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	/* The control: the read-only open the broker used to make. */
	snprintf(flags, sizeof(flags), "%d", O_RDONLY | O_NONBLOCK);
	ck_assert(releases_writer(fifo, flags));
	snprintf(flags, sizeof(flags), "%d", O_PATH);
	ck_assert(!releases_writer(fifo, flags));
	ck_assert(hx_has_line(out, "openat: EOPNOTSUPP"));
}
END_TEST

/* A datagram socket bound at @path, outside every grant: its fd. */
static int
dgram_server(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	ck_assert_int_ge(s, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return s;
}

/* Whether a datagram waits on @s. */
static int
received(int s)
{
	char c;

	return recv(s, &c, 1, MSG_DONTWAIT) == 1;
}

/* ESCAPE: under fdbroker-run, a datagram from a socketpair (sendmsg with an address) to a socket the policy does not name | no datagram socketpair without --allow-net (EACCES): nothing arrives */
START_TEST(test_escape_broker_dgram_run)
{
	char sock[PATH_MAX];
	int s;

	snprintf(sock, sizeof(sock), "%s", at("sock"));
	s = dgram_server(sock);
	(void)probe();
	(void)hx_run(ARGV(probe_path, "dgram", sock), out, sizeof(out));
	ck_assert(hx_has_line(out, "dgram: sent") && received(s));
	(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--", probe_path,
	    "dgram", sock), out, sizeof(out));
	ck_assert(hx_has_line(out, "dgram: socketpair: EACCES"));
	ck_assert(!received(s));
	close(s);
}
END_TEST

static const char *worker_sock;

static int
dgram_worker(int chan, void *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int sv[2];

	(void)chan;
	(void)arg;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", worker_sock);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1)
		return errno == EACCES ? 0 : 1;
	return sendto(sv[0], "D", 1, 0, (struct sockaddr *)&sun,
	    sizeof(sun)) == 1 ? 2 : 3;
}

/* ESCAPE: in a library worker, a datagram from a socketpair (sendto/sendmsg with an address) to a socket no broker checked | no datagram socketpair (EACCES): nothing arrives */
START_TEST(test_escape_broker_dgram_worker)
{
	struct fdb_policy *p = fdb_policy_new();
	struct fdb_broker *b;
	char sock[PATH_MAX];
	int s, st;
	pid_t w;

	snprintf(sock, sizeof(sock), "%s", at("sock"));
	worker_sock = sock;
	s = dgram_server(sock);
	/* The control: the same function, unconfined. */
	ck_assert_int_eq(dgram_worker(-1, NULL), 2);
	ck_assert(received(s));
	ck_assert_ptr_nonnull(b = fdb_broker_new(p));
	ck_assert_int_gt(w = fdb_broker_fork_worker(b, dgram_worker, NULL), 0);
	ck_assert_int_eq(fdb_broker_wait(b, w, &st), 0);
	ck_assert(hx_exited(st, 0));
	ck_assert(!received(s));
	fdb_broker_free(b);
	fdb_policy_free(p);
	close(s);
}
END_TEST

/* What worker_reach() tries: a process outside, a path and a file. */
static pid_t worker_victim;
static const char *worker_path, *worker_file;

/*
 * One attack a bit: 1 signal an outside process, 2 bind a socketpair
 * end to a path outside the policy; through a descriptor fdb_open()
 * gave read-only, 4 set the setuid bit, 8 change the owner, 16 the
 * other mode bits, 32 the times.
 */
static const struct timespec past[2] = { { 915148800, 0 },
    { 915148800, 0 } };		/* 1999-01-01 */

static int
worker_reach(int chan, void *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int sv[2], fd, got = 0;

	(void)arg;
	if (kill(worker_victim, SIGTERM) == 0)
		got |= 1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", worker_path);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 &&
	    bind(sv[0], (struct sockaddr *)&sun, sizeof(sun)) == 0)
		got |= 2;
	fd = chan >= 0 ? fdb_open(chan, worker_file, O_RDONLY, 0) :
	    open(worker_file, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 04755) == 0)
		got |= 4;
	if (fd >= 0 && fchown(fd, (uid_t)-1, getgid()) == 0)
		got |= 8;
	if (fd >= 0 && fchmod(fd, 0600) == 0)
		got |= 16;
	if (fd >= 0 && futimens(fd, past) == 0)
		got |= 32;
	return got;
}

/* ESCAPE: in a library worker: signal an outside process of the same user, bind a socketpair end to a path outside the policy, set the setuid bit, change the owner, the other mode bits (fchmod 0600) and the times (futimens) through a descriptor fdb_open() gave read-only | refused: the process lives (Landlock's signal scope, ABI 6), no socket file, mode, owner and times unchanged (fchmod and futimens are refused in a worker: no broker sees them) */
START_TEST(test_escape_broker_worker_reach)
{
	struct fdb_policy *p = fdb_policy_new();
	char path[PATH_MAX], file[PATH_MAX];
	struct fdb_broker *b;
	int st, i;
	pid_t w;

	snprintf(path, sizeof(path), "%s", at("planted.sock"));
	snprintf(file, sizeof(file), "%s", at("ro"));
	worker_path = path;
	worker_file = file;
	ck_assert_int_eq(fdb_policy_add(p, file, FDB_R), 0);
	for (i = 0; i < 2; i++) {
		unlink(file);
		hx_write_file(file, "ro\n", 0644);
		unlink(path);
		ck_assert_int_ne(worker_victim = fork(), -1);
		if (worker_victim == 0) {
			signal(SIGTERM, SIG_DFL);
			execl("/bin/sleep", "sleep", "30", (char *)NULL);
			_exit(127);
		}
		usleep(50 * 1000);
		if (i == 0) {	/* the control: the same function, unconfined */
			ck_assert_int_eq(worker_reach(-1, NULL), 63);
			ck_assert_int_eq(waitpid(worker_victim, &st, 0),
			    worker_victim);
			continue;
		}
		ck_assert_ptr_nonnull(b = fdb_broker_new(p));
		w = fdb_broker_fork_worker(b, worker_reach, NULL);
		ck_assert_int_gt(w, 0);
		ck_assert_int_eq(fdb_broker_wait(b, w, &st), 0);
		fdb_broker_free(b);
		/* Without Landlock ABI 6 only the signal would get through. */
		ck_assert_msg(hx_exited(st, 0) || hx_exited(st, 1), "status %#x", st);
		ck_assert_int_eq(access(path, F_OK), -1);
		ck_assert_uint_eq(mode_of(file), 0644);
		ck_assert_int_ne(mtime_of(file), past[1].tv_sec);
		if (hx_exited(st, 0))
			ck_assert_int_eq(waitpid(worker_victim, &st, WNOHANG), 0);
		kill(worker_victim, SIGKILL);
		waitpid(worker_victim, &st, 0);
	}
	fdb_policy_free(p);
}
END_TEST

/* ESCAPE: under fdbroker-run, network device configuration (SIOCSIFFLAGS: as root, any interface up or down) through an AF_UNIX socket, without --allow-net | EPERM for every request of the socket type but the questions (SIOCGIFINDEX still works) */
START_TEST(test_escape_broker_sioc_run)
{
	(void)probe();
	(void)hx_run(ARGV(probe_path, "sioc"), out, sizeof(out));
	ck_assert(hx_has_line(out, "sioc_set: ENODEV") ||
	    hx_has_line(out, "sioc_set: EPERM"));	/* not root */
	ck_assert(hx_has_line(out, "sioc_get: ok"));
	(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--", probe_path,
	    "sioc"), out, sizeof(out));
	ck_assert(hx_has_line(out, "sioc_set: EPERM"));
	ck_assert(hx_has_line(out, "sioc_get: ok"));
}
END_TEST

/* ESCAPE: under fdbroker-run, autobind (bind() with the family alone) and listen(): an abstract name processes outside can connect to | EACCES without --allow-net */
START_TEST(test_escape_broker_autobind_run)
{
	(void)probe();
	(void)hx_run(ARGV(probe_path, "autobind"), out, sizeof(out));
	ck_assert(hx_has_line(out, "autobind: listening"));
	(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir, "--", probe_path,
	    "autobind"), out, sizeof(out));
	ck_assert(hx_has_line(out, "autobind: EACCES"));
}
END_TEST

/* ESCAPE: under fdbroker-run, join another job's process group of the session (setpgid), then kill(0) so that the broker signals that group | EPERM: the broker signals a group only when its leader is a process of the sandbox; the other job lives */
START_TEST(test_escape_broker_joinkill_run)
{
	sigset_t term, old;
	char pg[32];
	pid_t job;
	int st, i;

	for (i = 0; i < 2; i++) {
		/*
		 * Another job of our session: a group of its own.  SIGTERM
		 * is blocked until it has left Check's handler (which kills
		 * the test's group) behind.
		 */
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_BLOCK, &term, &old);
		job = fork();
		ck_assert_int_ne(job, -1);
		if (job == 0) {
			setpgid(0, 0);
			signal(SIGTERM, SIG_DFL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			execl("/bin/sleep", "sleep", "30", (char *)NULL);
			_exit(127);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		ck_assert_int_eq(setpgid(job, job) == 0 || errno == EACCES, 1);
		snprintf(pg, sizeof(pg), "%d", (int)job);
		(void)probe();
		if (i == 0)	/* the control: unconfined it dies */
			(void)hx_run(ARGV(probe_path, "joinkill", pg), out,
			    sizeof(out));
		else
			(void)hx_run(ARGV(hx_fdbroker_run(), "-x", probe_dir,
			    "--", probe_path, "joinkill", pg), out,
			    sizeof(out));
		usleep(100 * 1000);
		ck_assert_int_eq(waitpid(job, &st, WNOHANG), i == 0 ? job : 0);
		if (i == 0) {
			ck_assert(hx_has_line(out, "joinkill: ok"));
			ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
		} else {
			ck_assert(hx_has_line(out, "joinkill: EPERM"));
			kill(job, SIGKILL);
			ck_assert_int_eq(waitpid(job, &st, 0), job);
		}
	}
}
END_TEST

static Suite *
escape_broker_suite(void)
{
	Suite *s = suite_create("escape_broker");
	TCase *tc = tcase_create("run");

	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_escape_broker_log_repeats_run);
	tcase_add_test(tc, test_escape_broker_log_budget_run);
	tcase_add_test(tc, test_escape_broker_log_evasion_run);
	tcase_add_test(tc, test_escape_broker_connect_stall_run);
	tcase_add_test(tc, test_escape_broker_connect_dead_run);
	tcase_add_test(tc, test_escape_broker_fifo_stall_run);
	tcase_add_test(tc, test_escape_broker_learn_round_trip_run);
	tcase_add_test(tc, test_escape_broker_setuid_run);
	tcase_add_test(tc, test_escape_broker_proc_net_run);
	tcase_add_test(tc, test_escape_broker_opath_fifo_run);
	tcase_add_test(tc, test_escape_broker_dgram_run);
	tcase_add_test(tc, test_escape_broker_dgram_worker);
	tcase_add_test(tc, test_escape_broker_autobind_run);
	tcase_add_test(tc, test_escape_broker_sioc_run);
	tcase_add_test(tc, test_escape_broker_joinkill_run);
	tcase_add_test(tc, test_escape_broker_worker_reach);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(escape_broker_suite());
}
