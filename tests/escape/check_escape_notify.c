/* SPDX-License-Identifier: MIT */
/*
 * check_escape_notify.c: the escape suite's races on the notify
 * transport (issue 5, process side; seccomp_unotify(2) and the kernel's
 * seccomp selftests): a target that dies while its request is in the
 * broker's hands and whose thread id goes to another process, a signal
 * that interrupts the call, an ADDFD beyond the target's RLIMIT_NOFILE,
 * filters of the target's own, and threads that rewrite the path the
 * broker reads.
 *
 * Most cases run the transport in this process (the test is the broker,
 * with a decision hook that strikes while a request is being served);
 * the target is a child confined by filter_notify_install(), as
 * fdbroker-run's child is.  The others run the command under
 * fdbroker-run itself (tests/escape/probe2.c), among them the calls on
 * a descriptor (fchmod, fchown, futimens, and the same through
 * /proc/PID/fd/N), which must be decided on the very descriptor acted on:
 * the requesting thread's own, whatever its table or another thread's
 * dup2() makes of the number.  A thread id is recycled with
 * clone3(set_tid), which needs CAP_SYS_ADMIN: without it, only the
 * death of the target is checked, and the test says so.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker-ops.h"
#include "fd.h"
#include "fdbroker.h"
#include "fdpass.h"
#include "filter-notify.h"
#include "harness.h"
#include "notify-calls.h"
#include "transport-notify.h"

#define OUT_MAX		65536
#define NOTIF_MAX	256	/* room for the kernel's seccomp_notif */
#define CANARY		0xa5
#define T_1999		915148800	/* 1999-01-01T00:00:00Z, probe2's */
#define T_2001		978307200	/* 2001-01-01T00:00:00Z */

/*
 * Targets install seccomp filters; they leave with _exit(), but a leak
 * check in a confined process could not read /proc (preamble rule).
 */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* What a strike from the decision hook does. */
enum strike {
	STRIKE_NONE,
	STRIKE_KILL,		/* SIGKILL the target, recycle its tid */
	STRIKE_SIGNAL		/* SIGUSR1 to the target */
};

/* A target's account of its call, written to the report pipe. */
struct report {
	int rc;			/* the call's return value */
	int err;		/* its errno */
	int fds_before;
	int fds_after;
	int handled;		/* signal handler runs */
	char content[16];	/* what the descriptor read */
};

/* A process that takes over a dead target's thread id. */
struct impostor {
	pid_t pid;
	int go;			/* write: finish */
	int rep;		/* read: fd counts and canary */
	int fds;		/* its descriptors at the start */
};

struct fixture {
	char dir[80];
	char granted[96];
	char secret[96];
	char dira[96], dirb[96];
	struct fdb_policy *p;
	struct fdb_broker *b;
	int before;		/* broker descriptors at the start */
	/* The target being served. */
	pid_t target;
	int reaped;
	int status;
	int sigpipe[2];		/* handler runs, target to broker */
	/* The hook. */
	enum strike strike;
	int decisions;
	int struck;
	int allowed;
	struct impostor imp;
	int reused;		/* the impostor has the target's tid */
	char out[OUT_MAX];
};

static struct fixture fx;

/*
 * The same addresses in the target and the impostor, both forked from
 * this process: what the broker reads or writes at the target's
 * address, it would find at the impostor's too.
 */
static struct stat g_st;
static char g_path[PATH_MAX];
static volatile sig_atomic_t g_handled;

static void
setup(void)
{
	memset(&fx, 0, sizeof(fx));
	hx_test_dir(fx.dir, sizeof(fx.dir));
	snprintf(fx.granted, sizeof(fx.granted), "%s/granted", fx.dir);
	snprintf(fx.secret, sizeof(fx.secret), "%s/secret", fx.dir);
	snprintf(fx.dira, sizeof(fx.dira), "%s/a", fx.dir);
	snprintf(fx.dirb, sizeof(fx.dirb), "%s/b", fx.dir);
	hx_write_file(fx.granted, "granted\n", 0644);
	hx_write_file(fx.secret, "secret\n", 0644);
	ck_assert_int_eq(mkdir(fx.dira, 0755), 0);
	ck_assert_int_eq(mkdir(fx.dirb, 0755), 0);
	fx.p = fdb_policy_new();
	ck_assert_ptr_nonnull(fx.p);
	ck_assert_int_eq(fdb_policy_add(fx.p, fx.granted, FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(fx.p, fx.dira, FDB_R | FDB_W |
	    FDB_C), 0);
	ck_assert_int_eq(fdb_policy_add(fx.p, fx.dirb, FDB_R | FDB_W |
	    FDB_C), 0);
	fx.b = fdb_broker_new(fx.p);
	ck_assert_ptr_nonnull(fx.b);
	fx.sigpipe[0] = fx.sigpipe[1] = -1;
	fx.imp.pid = -1;
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

/* Descriptors open in this process, without opening one. */
static int
count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/* --- the target ----------------------------------------------------- */

typedef void (*target_fn)(struct report *r);

static void
on_usr1(int sig)
{
	char c = 'h';

	(void)sig;
	g_handled++;
	/* A full pipe already holds the wake-up. */
	if (write(fx.sigpipe[1], &c, 1) == -1)
		return;
}

/*
 * In the target: confine ourselves as fdbroker-run's child does, hand
 * the listener over, run @fn and report.  Only _exit().
 */
static void __attribute__((noreturn))
target_main(target_fn fn, int sock, int rep)
{
	struct filter_notify_opts o = { .broker = getppid(), .allow_net = 0 };
	struct report r;
	int listener;

	memset(&r, 0, sizeof(r));
	o.notify_nrs = notify_calls_numbers(&o.n_notify);
	if ((listener = filter_notify_install(&o)) == -1 ||
	    fdpass_send(sock, "L", 1, listener, 0) != 1)
		_exit(125);
	close(listener);
	close(sock);
	fn(&r);
	_exit(write(rep, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
}

/*
 * target_start: fork a target running @fn.  With @t, its listener is
 * served by a notify transport on the fixture's broker; else the
 * listener is returned in *@listener for the test to drive by hand.
 * Returns the report pipe's read end.
 */
static int
target_start(target_fn fn, struct transport_notify **t, int *listener)
{
	struct transport_notify_opts o = { 0 };
	int sv[2], rp[2], fd = -1;
	char c;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
	    0, sv), 0);
	ck_assert_int_eq(pipe2(rp, O_CLOEXEC), 0);
	fx.reaped = 0;
	fx.target = fork();
	ck_assert_int_ne(fx.target, -1);
	if (fx.target == 0) {
		close(sv[0]);
		close(rp[0]);
		target_main(fn, sv[1], rp[1]);
	}
	close(sv[1]);
	close(rp[1]);
	ck_assert_int_eq(fdpass_recv(sv[0], &c, 1, &fd, 0), 1);
	ck_assert_int_ge(fd, 0);
	close(sv[0]);
	if (t != NULL) {
		*t = transport_notify_new(fx.b, fd, &o);
		ck_assert_ptr_nonnull(*t);
	} else {
		*listener = fd;
	}
	return rp[0];
}

/*
 * The broker's hook runs in one of the transport's threads while the
 * test waits in its own: whoever reaps the target first, under a lock,
 * and once.  @block: wait for it; else 1 only when it has ended.
 */
static int
reap(int block)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int done;

	pthread_mutex_lock(&lock);
	if (!fx.reaped && waitpid(fx.target, &fx.status,
	    block ? 0 : WNOHANG) == fx.target)
		fx.reaped = 1;
	done = fx.reaped;
	pthread_mutex_unlock(&lock);
	return done;
}

static void
reap_target(void)
{
	ck_assert(reap(1));
}

/*
 * Serve the target until it is gone, then until the transport has let
 * go of its listener, and read its report (0: none came).
 */
static int
target_finish(struct transport_notify *t, int rep, struct report *r)
{
	ssize_t n;
	int i;

	for (i = 0; i < 1000 && !reap(0); i++)
		ck_assert_int_ge(fdb_broker_serve(fx.b, 10), 0);
	ck_assert_msg(fx.reaped, "the target did not finish");
	for (i = 0; i < 100 && transport_notify_active(t); i++)
		ck_assert_int_ge(fdb_broker_serve(fx.b, 10), 0);
	ck_assert(!transport_notify_active(t));
	transport_notify_free(t);
	memset(r, 0, sizeof(*r));
	n = read(rep, r, sizeof(*r));
	close(rep);
	return n == (ssize_t)sizeof(*r);
}

/* --- the impostor --------------------------------------------------- */

/*
 * A child of ours with thread id @want (clone3 set_tid: CAP_SYS_ADMIN),
 * or -1.  Like fork(), but glibc's fork handlers do not run: the child
 * only uses pipes and _exit().
 */
static pid_t
fork_at(pid_t want)
{
	struct clone_args args;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uint64_t)(uintptr_t)&want;
	args.set_tid_size = 1;
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/*
 * The impostor: as this process (the broker) is now, but with its own
 * path, stat buffer and directory.  It reports how many descriptors it
 * holds, waits, reports again with whether its memory was left alone.
 */
static void __attribute__((noreturn))
impostor_main(int go, int rep)
{
	size_t i;
	int v[3];
	char c;

	memset(&g_st, CANARY, sizeof(g_st));
	snprintf(g_path, sizeof(g_path), "victim2");
	if (chdir(fx.dirb) == -1)
		_exit(1);
	v[0] = count_fds();
	if (write(rep, v, sizeof(int)) != sizeof(int) ||
	    read(go, &c, 1) != 1)
		_exit(1);
	v[1] = count_fds();
	v[2] = strcmp(g_path, "victim2") == 0;
	for (i = 0; i < sizeof(g_st); i++)
		v[2] &= ((unsigned char *)&g_st)[i] == CANARY;
	_exit(write(rep, v + 1, 2 * sizeof(int)) == 2 * sizeof(int) ? 0 :
	    1);
}

/*
 * Put an impostor at the reaped target's thread id.  Returns 1 when it
 * got that id, 0 when it is only a bystander (no CAP_SYS_ADMIN, or the
 * id was taken meanwhile).
 */
static int
impostor_start(pid_t tid)
{
	int go[2], rep[2];

	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(rep, O_CLOEXEC), 0);
	fx.imp.pid = fork_at(tid);
	if (fx.imp.pid == -1) {
		fprintf(stderr, "clone3(set_tid %d): %s: the thread id is not "
		    "recycled, only the target's death is checked\n",
		    (int)tid, strerror(errno));
		fx.imp.pid = fork();
	}
	ck_assert_int_ne(fx.imp.pid, -1);
	if (fx.imp.pid == 0) {
		close(go[1]);
		close(rep[0]);
		impostor_main(go[0], rep[1]);
	}
	close(go[0]);
	close(rep[1]);
	fx.imp.go = go[1];
	fx.imp.rep = rep[0];
	ck_assert_int_eq(read(fx.imp.rep, &fx.imp.fds, sizeof(int)),
	    sizeof(int));
	return fx.imp.pid == tid;
}

/* The impostor's descriptors are as they were, its memory untouched. */
static void
impostor_check(void)
{
	int v[2], st;

	ck_assert_int_ne(fx.imp.pid, -1);
	ck_assert_int_eq(write(fx.imp.go, "g", 1), 1);
	ck_assert_int_eq(read(fx.imp.rep, v, sizeof(v)), sizeof(v));
	ck_assert_int_eq(waitpid(fx.imp.pid, &st, 0), fx.imp.pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fx.imp.go);
	close(fx.imp.rep);
	fx.imp.pid = -1;
	ck_assert_msg(v[1] == 1, "the impostor's memory was written");
	ck_assert_int_eq(v[0], fx.imp.fds);
}

/* --- the hook ------------------------------------------------------- */

/*
 * Strike once, on the first decision about the granted file: by then the
 * broker has read the path and opened (or stat'ed) the file, and is
 * about to answer.
 */
static void
on_decision(const struct fdb_decision *d, void *arg)
{
	struct pollfd pfd;
	char c;

	(void)arg;
	fx.decisions++;
	fx.allowed += d->allowed;
	if (fx.struck || fx.strike == STRIKE_NONE ||
	    d->resolved == NULL || strcmp(d->resolved, fx.granted) != 0)
		return;
	fx.struck = 1;
	if (fx.strike == STRIKE_KILL) {
		ck_assert_int_eq(kill(fx.target, SIGKILL), 0);
		reap_target();
		fx.reused = impostor_start(fx.target);
		return;
	}
	/*
	 * SIGUSR1 while the target waits for us: its handler runs at once
	 * (the notification is withdrawn) unless the filter waits
	 * killably after receipt, when it runs after the call.
	 */
	ck_assert_int_eq(kill(fx.target, SIGUSR1), 0);
	pfd.fd = fx.sigpipe[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 2000) == 1)
		ck_assert_int_eq(read(fx.sigpipe[0], &c, 1), 1);
	else
		fprintf(stderr, "the handler did not run during the call\n");
}

static void
hook(enum strike strike)
{
	fx.strike = strike;
	fx.struck = 0;
	fx.decisions = 0;
	fx.allowed = 0;
	fdb_broker_set_hook(fx.b, on_decision, NULL);
}

/* --- a target killed during its request ----------------------------- */

static void
t_open(struct report *r)
{
	int fd;
	ssize_t n;

	r->fds_before = count_fds();
	fd = open(fx.granted, O_RDONLY | O_CLOEXEC);
	r->rc = fd;
	r->err = errno;
	if (fd >= 0) {
		n = pread(fd, r->content, sizeof(r->content) - 1, 0);
		r->content[n > 0 ? n : 0] = '\0';
		close(fd);
	}
}

/* The counterpart of each race: a target left alone gets its file. */
static void
open_served(void)
{
	struct transport_notify *t;
	struct report r;
	int rep;

	hook(STRIKE_NONE);
	rep = target_start(t_open, &t, NULL);
	ck_assert(target_finish(t, rep, &r));
	ck_assert_int_ge(r.rc, 0);
	ck_assert_str_eq(r.content, "granted\n");
}

/* ESCAPE: the target is killed while the broker serves its open, and its thread id goes to another process | the descriptor lands nowhere, the broker keeps serving */
START_TEST(test_escape_notify_killed_open)
{
	struct transport_notify *t;
	struct report r;
	int rep;

	hook(STRIKE_KILL);
	rep = target_start(t_open, &t, NULL);
	ck_assert(!target_finish(t, rep, &r));
	ck_assert(WIFSIGNALED(fx.status) && WTERMSIG(fx.status) == SIGKILL);
	ck_assert_int_eq(fx.struck, 1);
	impostor_check();
	ck_assert_int_eq(fd_count(), fx.before);
	open_served();
	ck_assert_int_eq(fd_count(), fx.before);
}
END_TEST

static void
t_stat(struct report *r)
{
	memset(&g_st, 0, sizeof(g_st));
	r->rc = stat(fx.granted, &g_st);
	r->err = errno;
	r->fds_after = (int)g_st.st_size;
}

/* ESCAPE: the target is killed while the broker serves its stat, and its thread id goes to another process | nothing is written into the other process */
START_TEST(test_escape_notify_killed_stat)
{
	struct transport_notify *t;
	struct report r;
	int rep;

	/* Counterpart: the stat buffer is written, through the target's mem. */
	memset(&g_st, CANARY, sizeof(g_st));
	hook(STRIKE_NONE);
	rep = target_start(t_stat, &t, NULL);
	ck_assert(target_finish(t, rep, &r));
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.fds_after, 8);
	hook(STRIKE_KILL);
	rep = target_start(t_stat, &t, NULL);
	ck_assert(!target_finish(t, rep, &r));
	ck_assert_int_eq(fx.struck, 1);
	impostor_check();
	ck_assert_int_eq(fd_count(), fx.before);
}
END_TEST

/*
 * The broker's steps for one notification, as transport-notify.c's
 * serve() takes them, on a notification received by hand: so that the
 * target can die, and its thread id be taken, between the receipt and
 * the handler's first look at /proc/TID.
 */
static void
handle(int listener, struct seccomp_notif *n, struct notify_reply *r)
{
	static struct notify_call c;

	memset(r, 0, sizeof(*r));
	r->kind = NOTIFY_VALUE;
	r->err = ENOSYS;
	r->fd = -1;
	notify_call_reset(&c, n, listener);
	ck_assert_ptr_nonnull(notify_calls_name(n->data.nr));
	notify_calls_serve(fx.b, &c, 0, r);
	notify_call_end(&c);
	fd_close(r->kind == NOTIFY_FD ? r->fd : -1);
}

static void
t_unlink(struct report *r)
{
	snprintf(g_path, sizeof(g_path), "victim");
	if (chdir(fx.dira) == -1) {
		r->rc = -2;
		return;
	}
	r->rc = unlink(g_path);
	r->err = errno;
}

static void
make_victims(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/victim", fx.dira);
	hx_write_file(p, "a\n", 0644);
	snprintf(p, sizeof(p), "%s/victim", fx.dirb);
	hx_write_file(p, "b\n", 0644);
	snprintf(p, sizeof(p), "%s/victim2", fx.dirb);
	hx_write_file(p, "b2\n", 0644);
}

static int
exists(const char *dir, const char *name)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* Answer @n as the transport would answer @r (not for descriptors). */
static void
answer(int listener, const struct seccomp_notif *n,
       const struct notify_reply *r)
{
	struct seccomp_notif_resp resp;

	ck_assert_int_ne(r->kind, NOTIFY_FD);
	memset(&resp, 0, sizeof(resp));
	resp.id = n->id;
	if (r->kind == NOTIFY_CONTINUE)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = -r->err;
	ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
}

/*
 * Receive the target's notification for system call @nr on @listener;
 * those before it (its chdir) are handled and answered on the way.
 */
static void
receive(int listener, struct seccomp_notif *n, int nr)
{
	struct pollfd pfd = { listener, POLLIN, 0 };
	struct notify_reply r;

	for (;;) {
		ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
		memset(n, 0, NOTIF_MAX);
		ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, n),
		    0);
		ck_assert_int_eq((pid_t)n->pid, fx.target);
		if (n->data.nr == nr)
			return;
		handle(listener, n, &r);
		answer(listener, n, &r);
	}
}

/* The counterpart: received and handled by hand, the unlink is done. */
static void
unlink_by_hand(struct seccomp_notif *n)
{
	struct notify_reply r;
	struct report rep_a;
	int listener, rep;

	rep = target_start(t_unlink, NULL, &listener);
	receive(listener, n, SYS_unlink);
	handle(listener, n, &r);
	ck_assert_int_eq(r.kind, NOTIFY_VALUE);
	ck_assert_int_eq(r.err, 0);
	ck_assert(!exists(fx.dira, "victim"));
	answer(listener, n, &r);
	reap_target();
	ck_assert_int_eq(read(rep, &rep_a, sizeof(rep_a)), sizeof(rep_a));
	ck_assert_int_eq(rep_a.rc, 0);
	close(rep);
	close(listener);
}

/* ESCAPE: the target dies after its unlink was received, before the broker reads its memory, and its thread id goes to another process | ID_VALID: nothing is read from or done for the other process */
START_TEST(test_escape_notify_reused_tid_unlink)
{
	static uint64_t buf[NOTIF_MAX / sizeof(uint64_t)];
	struct seccomp_notif *n = (struct seccomp_notif *)buf;
	struct notify_reply r;
	int listener, rep;

	make_victims();
	unlink_by_hand(n);
	make_victims();
	rep = target_start(t_unlink, NULL, &listener);
	receive(listener, n, SYS_unlink);
	ck_assert_int_eq(kill(fx.target, SIGKILL), 0);
	reap_target();
	/* Its path and directory differ: reading them would show. */
	snprintf(g_path, sizeof(g_path), "victim2");
	fx.reused = impostor_start(fx.target);
	ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID,
	    &n->id), -1);
	handle(listener, n, &r);
	ck_assert_int_eq(r.kind, NOTIFY_VALUE);
	ck_assert_int_ne(r.err, 0);
	ck_assert(exists(fx.dira, "victim"));
	ck_assert(exists(fx.dirb, "victim"));
	ck_assert(exists(fx.dirb, "victim2"));
	impostor_check();
	close(rep);
	close(listener);
	ck_assert_int_eq(fd_count(), fx.before);
}
END_TEST

/* --- signals -------------------------------------------------------- */

static void
t_open_signalled(struct report *r, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	g_handled = 0;
	sigaction(SIGUSR1, &sa, NULL);
	t_open(r);
	r->fds_after = count_fds();
	r->handled = g_handled;
}

static void
t_open_restart(struct report *r)
{
	t_open_signalled(r, SA_RESTART);
}

static void
t_open_eintr(struct report *r)
{
	t_open_signalled(r, 0);
}

/* Count the fds the target holds after its open, still open. */
static int
signal_case(target_fn fn, struct report *r)
{
	struct transport_notify *t;
	int rep;

	ck_assert_int_eq(pipe2(fx.sigpipe, O_CLOEXEC), 0);
	hook(STRIKE_SIGNAL);
	rep = target_start(fn, &t, NULL);
	ck_assert(target_finish(t, rep, r));
	ck_assert(WIFEXITED(fx.status) && WEXITSTATUS(fx.status) == 0);
	ck_assert_int_eq(fx.struck, 1);
	ck_assert_int_eq(r->handled, 1);
	close(fx.sigpipe[0]);
	close(fx.sigpipe[1]);
	ck_assert_int_eq(fd_count(), fx.before);
	return fx.decisions;
}

/* ESCAPE: a signal (SA_RESTART) interrupts an open while the broker serves it | the call is restarted and succeeds once, no descriptor leaked in the target or the broker */
START_TEST(test_escape_notify_signal_restart)
{
	struct report r;
	int decisions = signal_case(t_open_restart, &r);

	ck_assert_int_ge(r.rc, 0);
	ck_assert_str_eq(r.content, "granted\n");
	/* The descriptor was closed after reading: back where it began. */
	ck_assert_int_eq(r.fds_after, r.fds_before);
	if (decisions != 2)
		fprintf(stderr, "%d decisions: the call was not restarted\n",
		    decisions);
}
END_TEST

/* ESCAPE: a signal (no SA_RESTART) interrupts an open while the broker serves it | EINTR, the opened descriptor lands nowhere */
START_TEST(test_escape_notify_signal_eintr)
{
	struct report r;

	(void)signal_case(t_open_eintr, &r);
	if (r.rc >= 0) {
		/* A filter that waits killably: the open completed. */
		ck_assert_str_eq(r.content, "granted\n");
	} else {
		ck_assert_int_eq(r.err, EINTR);
	}
	ck_assert_int_eq(r.fds_after, r.fds_before);
}
END_TEST

/* --- ADDFD beyond RLIMIT_NOFILE ------------------------------------- */

static void
t_emfile(struct report *r)
{
	struct rlimit rl = { 64, 64 };
	int fd, dups[64], n = 0;

	r->fds_before = count_fds();
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		r->rc = -2;
		return;
	}
	while (n < 64 && (fd = dup(0)) != -1)
		dups[n++] = fd;
	r->rc = open(fx.granted, O_RDONLY | O_CLOEXEC);
	r->err = errno;
	if (r->rc >= 0 || n == 0)
		return;
	close(dups[--n]);
	fd = open(fx.granted, O_RDONLY | O_CLOEXEC);
	r->handled = fd >= 0;
	if (fd >= 0 && pread(fd, r->content, 8, 0) != 8)
		r->handled = 0;
	if (fd >= 0)
		close(fd);
	while (n > 0)
		close(dups[--n]);
	r->fds_after = count_fds();
}

/* ESCAPE: the broker installs a descriptor into a target whose table is full (ADDFD beyond RLIMIT_NOFILE) | EMFILE in the target, nothing leaked, the next open works */
START_TEST(test_escape_notify_addfd_emfile)
{
	struct transport_notify *t;
	struct report r;
	int rep;

	hook(STRIKE_NONE);
	rep = target_start(t_emfile, &t, NULL);
	ck_assert(target_finish(t, rep, &r));
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.err, EMFILE);
	ck_assert_int_eq(r.fds_after, r.fds_before);
	ck_assert_int_eq(r.handled, 1);
	ck_assert_str_eq(r.content, "granted\n");
	ck_assert_int_eq(fx.allowed, 2);
	ck_assert_int_eq(fd_count(), fx.before);
}
END_TEST

/* --- under fdbroker-run --------------------------------------------- */

/* Run @argv, stdout into fx.out (harness.c); the wait status. */
static int
run(const char *const argv[])
{
	return hx_run(argv, fx.out, sizeof(fx.out));
}

#define ck_has(s)	ck_assert_msg(strstr(fx.out, (s)) != NULL, \
	"no '%s' in:\n%s", (s), fx.out)

/* ESCAPE: under fdbroker-run, ADDFD into a command whose descriptor table is full | EMFILE, the next open works, nothing leaked */
START_TEST(test_escape_notify_addfd_emfile_run)
{
	char probe[PATH_MAX], dir[PATH_MAX], want[64];
	const char *fdbrun = getenv("FDBROKER_RUN");
	int st, before;

	ck_assert_ptr_nonnull(fdbrun);
	hx_find_probe("probe2", probe, dir);
	st = run(ARGV(fdbrun, "-r", fx.granted, "-x", dir, "--", probe,
	    "emfile", fx.granted));
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_has("dup: EMFILE\n");
	ck_has("open_full: EMFILE\n");
	ck_has("open_freed: content granted\n");
	ck_assert_int_eq(sscanf(strstr(fx.out, "count: before "),
	    "count: before %d", &before), 1);
	snprintf(want, sizeof(want), "count: before %d after %d\n", before,
	    before);
	ck_has(want);
}
END_TEST

/* ESCAPE: the command stacks filters of its own (TRACE, LOG, a second listener) on fdbroker-run's | EBUSY for the listener, opens still brokered */
START_TEST(test_escape_notify_own_filter_run)
{
	char probe[PATH_MAX], dir[PATH_MAX];
	const char *fdbrun = getenv("FDBROKER_RUN");
	int st;

	ck_assert_ptr_nonnull(fdbrun);
	hx_find_probe("probe2", probe, dir);
	st = run(ARGV(fdbrun, "-r", fx.granted, "-x", dir, "--", probe,
	    "stack", fx.granted, fx.secret));
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_has("filter_trace: ok\n");
	ck_has("filter_log: ok\n");
	ck_has("filter_listener: EBUSY\n");
	ck_has("open_granted: content granted\n");
	ck_has("open_secret: EACCES\n");
}
END_TEST

/* ESCAPE: a thread rewrites the path between the broker's read and the open (granted to ungranted) | the broker opens its own copy: never the ungranted file */
START_TEST(test_escape_notify_flip_open_run)
{
	char probe[PATH_MAX], dir[PATH_MAX];
	const char *fdbrun = getenv("FDBROKER_RUN");
	int st, i;

	ck_assert_ptr_nonnull(fdbrun);
	hx_find_probe("probe2", probe, dir);
	/* Unconfined, the rewritten path does reach the secret. */
	for (i = 0; i < 5; i++) {
		st = run(ARGV(probe, "flip-open", fx.granted, fx.secret,
		    "20000"));
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (hx_count_of(fx.out, "flip-open:", "secret") > 0)
			break;
	}
	ck_assert_int_lt(i, 5);
	st = run(ARGV(fdbrun, "-r", fx.granted, "-x", dir, "--", probe,
	    "flip-open", fx.granted, fx.secret, "3000"));
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_uint_gt(hx_count_of(fx.out, "flip-open:", "granted"), 0);
	ck_assert_uint_eq(hx_count_of(fx.out, "flip-open:", "secret"), 0);
}
END_TEST

/* ESCAPE: a thread rewrites the execve path after the broker checked it (CONTINUE race) to a program outside the x rules | Landlock refuses it: the program never runs */
START_TEST(test_escape_notify_flip_exec_run)
{
	char probe[PATH_MAX], dir[PATH_MAX], bad[128];
	const char *fdbrun = getenv("FDBROKER_RUN");
	char buf[65536];
	ssize_t n;
	int in, out, st, i;

	ck_assert_ptr_nonnull(fdbrun);
	hx_find_probe("probe2", probe, dir);
	snprintf(bad, sizeof(bad), "%s/bad", fx.dir);
	in = open(probe, O_RDONLY | O_CLOEXEC);
	out = open(bad, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ck_assert(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	/* Unconfined, the rewrite wins often enough: BAD runs. */
	for (i = 0; i < 5; i++) {
		st = run(ARGV(probe, "flip-exec", "/usr/bin/true", bad,
		    "100"));
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (hx_count_of(fx.out, "flip-exec:", "bad") > 0)
			break;
	}
	ck_assert_int_lt(i, 5);
	st = run(ARGV(fdbrun, "-r", fx.dir, "-x", dir, "--", probe,
	    "flip-exec", "/usr/bin/true", bad, "100"));
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_uint_gt(hx_count_of(fx.out, "flip-exec:", "ok"), 0);
	ck_assert_uint_eq(hx_count_of(fx.out, "flip-exec:", "bad"), 0);
}
END_TEST

/* --- calls on a descriptor ----------------------------------------- */

/*
 * RO and RW in @dir, into @ro and @rw (PATH_MAX bytes each): RO 0644, RW
 * 0600, both last modified in 2001, so that any change shows.
 */
static void
make_ro_rw(const char *dir, char *ro, char *rw)
{
	const struct timespec t[2] = { { T_2001, 0 }, { T_2001, 0 } };

	snprintf(ro, PATH_MAX, "%s/ro", dir);
	snprintf(rw, PATH_MAX, "%s/rw", dir);
	hx_write_file(ro, "ro-content\n", 0644);
	hx_write_file(rw, "rw-content\n", 0600);
	ck_assert_int_eq(chmod(ro, 0644), 0);
	ck_assert_int_eq(chmod(rw, 0600), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, ro, t, 0), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, rw, t, 0), 0);
}

/*
 * @path is as @before: mode, size, times, and the status change time,
 * which any chmod, chown, truncate or utimes moves (a chown to the same
 * owner included).
 */
static void
ck_unchanged(const char *path, const struct stat *before)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg(st.st_mode == before->st_mode &&
	    st.st_size == before->st_size &&
	    st.st_mtim.tv_sec == before->st_mtim.tv_sec &&
	    st.st_ctim.tv_sec == before->st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == before->st_ctim.tv_nsec,
	    "%s changed: mode %o size %lld mtime %lld ctime %lld.%09ld "
	    "(was %o %lld %lld %lld.%09ld)", path,
	    (unsigned)st.st_mode & 07777, (long long)st.st_size,
	    (long long)st.st_mtim.tv_sec, (long long)st.st_ctim.tv_sec,
	    st.st_ctim.tv_nsec, (unsigned)before->st_mode & 07777,
	    (long long)before->st_size, (long long)before->st_mtim.tv_sec,
	    (long long)before->st_ctim.tv_sec, before->st_ctim.tv_nsec);
}

/*
 * probe2 fd-table: a thread whose descriptor table is its own (@how:
 * "clone" without CLONE_FILES, or "unshare" of CLONE_FILES) changes
 * "its" file by number; the thread group's read-only file at that
 * number must come out unchanged.
 */
static void
fd_own_table(const char *how)
{
	char probe[PATH_MAX], dir[PATH_MAX], ro[PATH_MAX], rw[PATH_MAX];
	char control[PATH_MAX];
	const char *fdbrun = hx_fdbroker_run();
	struct stat before, st;
	int s;

	hx_find_probe("probe2", probe, dir);
	/*
	 * Unconfined, the thread's calls change its RW, and RO is open to
	 * its owner through the group's /proc/self/fd/N (truncated) and
	 * through the leader's read-only descriptor (fchmod): only the
	 * sandbox keeps RO as it is.
	 */
	snprintf(control, sizeof(control), "%s/control", fx.dir);
	ck_assert_int_eq(mkdir(control, 0755), 0);
	make_ro_rw(control, ro, rw);
	s = run(ARGV(probe, "fd-table", ro, rw, "leader", how));
	ck_assert(WIFEXITED(s) && WEXITSTATUS(s) == 0);
	ck_has("fd-table: fchmod: ok\n");
	ck_has("fd-table: leader_fchmod: ok\n");
	ck_assert_int_eq(stat(ro, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0606);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(stat(rw, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(st.st_mtim.tv_sec, T_1999);
	/* Confined: RO granted r, RW rw. */
	make_ro_rw(fx.dir, ro, rw);
	ck_assert_int_eq(stat(ro, &before), 0);
	s = run(ARGV(fdbrun, "-r", ro, "-w", rw, "-x", dir, "--", probe,
	    "fd-table", ro, rw, how));
	ck_assert(WIFEXITED(s) && WEXITSTATUS(s) == 0);
	ck_unchanged(ro, &before);
	/* The thread's own RW, granted w, is changed: each call went on. */
	ck_has("fd-table: truncate_proc_thread_self: ok\n");
	ck_has("fd-table: fchmod: ok\n");
	ck_has("fd-table: fchown: ok\n");
	ck_has("fd-table: chmod_proc_thread_self: ok\n");
	ck_has("fd-table: utimensat_now: ok\n");
	ck_has("fd-table: futimens: ok\n");
	ck_assert_int_eq(stat(rw, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(st.st_mtim.tv_sec, T_1999);
}

/* ESCAPE: a thread with a descriptor table of its own (clone without CLONE_FILES) holds a writable file at the number where the thread group holds a read-only one, and changes it by number (fchmod, fchown, futimens, truncate and chmod of /proc/{self,thread-self}/fd/N) | decided on the requesting thread's descriptor: the read-only file never changes, the thread's own does */
START_TEST(test_escape_notify_fd_own_table_run)
{
	fd_own_table("clone");
}
END_TEST

/* ESCAPE: a thread that unshare()s its descriptor table (CLONE_FILES, allowed) holds a writable file at the number where the thread group holds a read-only one, and changes it by number | decided on the requesting thread's descriptor: the read-only file never changes, the thread's own does */
START_TEST(test_escape_notify_fd_unshare_run)
{
	fd_own_table("unshare");
}
END_TEST

/*
 * probe2 fd-race @what: one thread dup2()s RW and RO in turn onto one
 * number, the other fchmods (chmod) or futimens (utimes) that number,
 * 20000 times or 3 seconds.  RO must come out as it went in.
 */
static void
fd_race(const char *what)
{
	char probe[PATH_MAX], dir[PATH_MAX], ro[PATH_MAX], rw[PATH_MAX];
	char control[PATH_MAX];
	const char *fdbrun = hx_fdbroker_run();
	struct stat before, st;
	int s, i, changed = 0;

	hx_find_probe("probe2", probe, dir);
	/* Unconfined, a call that lands while RO is there changes RO. */
	snprintf(control, sizeof(control), "%s/control", fx.dir);
	ck_assert_int_eq(mkdir(control, 0755), 0);
	for (i = 0; i < 5 && !changed; i++) {
		make_ro_rw(control, ro, rw);
		ck_assert_int_eq(stat(ro, &before), 0);
		s = run(ARGV(probe, "fd-race", ro, rw, "20000", "1", what));
		ck_assert(WIFEXITED(s) && WEXITSTATUS(s) == 0);
		ck_assert_int_eq(stat(ro, &st), 0);
		changed = st.st_ctim.tv_sec != before.st_ctim.tv_sec ||
		    st.st_ctim.tv_nsec != before.st_ctim.tv_nsec;
	}
	ck_assert_msg(changed, "unconfined, RO never changed");
	make_ro_rw(fx.dir, ro, rw);
	ck_assert_int_eq(stat(ro, &before), 0);
	s = run(ARGV(fdbrun, "-r", ro, "-w", rw, "-x", dir, "--", probe,
	    "fd-race", ro, rw, "20000", "3", what));
	ck_assert(WIFEXITED(s) && WEXITSTATUS(s) == 0);
	ck_unchanged(ro, &before);
	/* The calls that found RW there went through. */
	ck_assert_uint_gt(hx_count_of(fx.out, "fd-race:", "ok"), 0);
}

/* ESCAPE: a thread dup2()s a writable and a read-only file in turn onto one number while another fchmod()s that number | decided on the descriptor acted on: the read-only file's mode never changes */
START_TEST(test_escape_notify_fd_dup2_chmod_run)
{
	fd_race("chmod");
}
END_TEST

/* ESCAPE: a thread dup2()s a writable and a read-only file in turn onto one number while another futimens()es that number | decided on the descriptor acted on: the read-only file's times never change */
START_TEST(test_escape_notify_fd_dup2_utimes_run)
{
	fd_race("utimes");
}
END_TEST

static Suite *
escape_notify_suite(void)
{
	Suite *s = suite_create("escape_notify");
	TCase *tc;

	tc = tcase_create("death");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_notify_killed_open);
	tcase_add_test(tc, test_escape_notify_killed_stat);
	tcase_add_test(tc, test_escape_notify_reused_tid_unlink);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("signals");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_notify_signal_restart);
	tcase_add_test(tc, test_escape_notify_signal_eintr);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_notify_addfd_emfile);
	tcase_add_test(tc, test_escape_notify_addfd_emfile_run);
	tcase_add_test(tc, test_escape_notify_own_filter_run);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_notify_flip_open_run);
	tcase_add_test(tc, test_escape_notify_flip_exec_run);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("descriptors");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escape_notify_fd_own_table_run);
	tcase_add_test(tc, test_escape_notify_fd_unshare_run);
	tcase_add_test(tc, test_escape_notify_fd_dup2_chmod_run);
	tcase_add_test(tc, test_escape_notify_fd_dup2_utimes_run);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return hx_main(escape_notify_suite, 1);
}
