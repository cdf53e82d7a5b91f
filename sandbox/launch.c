/* SPDX-License-Identifier: MIT */
/*
 * launch.c: fdbroker-run's process handling.  The parent is the broker:
 * it builds the command's Landlock ruleset (landlock-exec.c), confines
 * itself, and forks the anchor (anchor.c), which forks the command's
 * process and
 * ends the sandbox with it; the broker receives the command's seccomp
 * listener, serves it from the broker's loop together with a signalfd,
 * and reaps the anchor, which reports the command's wait status.  The
 * command's process confines itself before exec (that Landlock ruleset,
 * then the notify filters, so that the dynamic loader and everything
 * after it are confined), hands the listener over, closes it and execs
 * the command; before all that it takes its directory, environment and
 * limits (cmdenv.c).  --timeout is a timerfd in the broker's loop, which
 * asks the anchor to end the sandbox.
 *
 * The command stays in the broker's process group: it keeps the terminal
 * as a job, and the filter refuses signals to the broker, its group and
 * the anchor; kill(0) is the broker's to decide (transport-notify.c).
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anchor.h"
#include "broker.h"
#include "cmdenv.h"
#include "fd.h"
#include "fdpass.h"
#include "filter-bpf.h"
#include "filter-notify.h"
#include "landlock.h"
#include "errmsg.h"
#include "launch.h"
#include "loop.h"
#include "notify-calls.h"
#include "transport-notify.h"

/* Where the child failed before exec. */
enum stage {
	STAGE_OK,
	STAGE_LANDLOCK,
	STAGE_FILTER,
	STAGE_SEND
};

struct hello {
	int32_t err;		/* 0, or the errno of the failure */
	int32_t stage;		/* enum stage */
};

struct run {
	pid_t child;			/* the anchor */
	int exited;
	int status;			/* the command's, once exited */
	int reported;			/* status is the command's own */
	int report;			/* the anchor's report of it */
	unsigned long timeout_ms;	/* --timeout, 0: none */
	int timer;			/* its timerfd, or -1 */
	int timed_out;			/* 1: TERM sent; 2: KILL sent */
};

/* What the command's process needs, through anchor_run(). */
struct child_arg {
	const struct launch_opts *o;
	int ruleset;			/* the exec ruleset, or -1 */
	int sock;
	const sigset_t *mask;
	pid_t broker;
};

static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH,
};

static void	 blocked(sigset_t *set);
static int	 start_anchor(struct child_arg *ca, struct run *run,
		    int sv[2], int pp[2], int sigfd);
static int	 confine(struct fdb_broker *b, const struct launch_opts *o,
		    int *rs, char *err, size_t errlen);
static int	 exec_ruleset(const struct fdb_policy *p, char *err,
		    size_t errlen);
static void	 anchor(const struct child_arg *a, int report, int sock,
		    int report_end, int sigfd) __attribute__((noreturn));
static void	 child(void *arg);
static const char *find_command(const char *name, char *buf, size_t len);
static int	 receive(int sock, pid_t pid, int *listener, char *err,
		    size_t errlen);
static int	 broker_side(struct fdb_broker *b, const struct launch_opts *o,
		    int sock, int sigfd, struct run *run, char *err,
		    size_t errlen);
static int	 serve(struct fdb_broker *b, int sigfd, struct run *run);
static int	 arm(int fd, unsigned long ms);
static void	 on_signal(void *arg, int fd, unsigned events);
static void	 on_timer(void *arg, int fd, unsigned events);
static void	 reap(struct run *run);
static int	 early_exit(struct run *run);
static void	 collect(struct run *run, int st);
static void	 stop(pid_t pid);

int
launch_run(struct fdb_broker *b, const struct launch_opts *o, int *status,
	   char *err, size_t errlen)
{
	struct run run = { .child = -1, .report = -1, .timer = -1 };
	struct child_arg ca = {
		.o = o, .ruleset = -1, .broker = getpid(),
	};
	sigset_t set, old;
	int sv[2] = { -1, -1 }, pp[2] = { -1, -1 }, sigfd = -1, rc = -1;

	broker_set_net(b, o->allow_net);
	run.timeout_ms = o->timeout_ms;
	if (filter_notify_supported() == -1)
		return errmsg(err, errlen, ENOSYS, "this kernel has no seccomp "
		    "user notification (Linux 5.0 or later is needed)");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1 ||
	    pipe2(pp, O_CLOEXEC | O_NONBLOCK) == -1) {
		errmsg(err, errlen, errno, "socketpair: %s", strerror(errno));
		goto out_fds;
	}
	/* Blocked before fork: no signal is lost between fork and loop. */
	blocked(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	ca.mask = &old;
	if ((sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		errmsg(err, errlen, errno, "signalfd: %s", strerror(errno));
		goto out;
	}
	if (confine(b, o, &ca.ruleset, err, errlen) == -1)
		goto out;
	if (start_anchor(&ca, &run, sv, pp, sigfd) == -1) {
		errmsg(err, errlen, errno, "fork: %s", strerror(errno));
		goto out;
	}
	if ((rc = broker_side(b, o, sv[0], sigfd, &run, err, errlen)) == 0)
		*status = run.status;
	*o->timed_out = run.timed_out != 0;
out:
	if (run.child > 0 && !run.exited)
		stop(run.child);
	(void)anchor_sweep();
	fd_close(ca.ruleset);
	fd_close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
out_fds:
	fd_close(sv[0]);
	fd_close(sv[1]);
	fd_close(pp[0]);
	fd_close(pp[1]);
	return rc;
}

/*
 * Fork the anchor (which runs the command), keeping the broker's ends:
 * sv[0], and pp[0] for the anchor's report, into run->report.  Returns
 * 0, or -1 with errno.
 */
static int
start_anchor(struct child_arg *ca, struct run *run, int sv[2], int pp[2],
	     int sigfd)
{
	/*
	 * Should the anchor be killed by an outside hand, the sandbox's
	 * orphans come to us, and the sweep in launch_run() ends them.
	 */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	if ((run->child = fork()) == -1)
		return -1;
	if (run->child == 0) {
		ca->sock = sv[1];
		anchor(ca, pp[1], sv[0], pp[0], sigfd);
	}
	sv[1] = fd_close(sv[1]);
	pp[1] = fd_close(pp[1]);
	ca->ruleset = fd_close(ca->ruleset);
	run->report = pp[0];
	return 0;
}

/* What the broker takes through its signalfd: SIGCHLD, and forwarded. */
static void
blocked(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

/*
 * Landlock before the fork: the command's exec ruleset into *@rs (-1
 * without Landlock), built before the broker confines itself (it lists
 * directories), then the broker's own bound: defence in depth, after
 * everything the broker opens for itself (landlock.c says why); failing
 * to confine the broker is not fatal, its checks are the primary guard.
 * Returns 0, or -1 with a reason in @err.
 */
static int
confine(struct fdb_broker *b, const struct launch_opts *o, int *rs,
	char *err, size_t errlen)
{
	int e, abi;

	*rs = exec_ruleset(o->exec != NULL ? o->exec : broker_policy(b), err,
	    errlen);
	if (*rs == -1 && errno != EOPNOTSUPP)
		return -1;
	abi = landlock_abi();
	if (o->require_landlock && abi < 6)
		return errmsg(err, errlen, EOPNOTSUPP, "--require-landlock: %s",
		    abi == 0 ? "this kernel has no Landlock (Linux 5.13 or "
		    "later, with landlock in lsm=): only the broker's checks "
		    "would bound execution" : "this kernel's Landlock is ABI "
		    "< 6 (Linux 6.12): signals and abstract sockets would "
		    "not be scoped");
	if (o->confine == NULL)
		return 0;
	e = landlock_restrict_broker(o->confine) == -1 ? errno : 0;
	if (o->confine_err != NULL)
		*o->confine_err = e;
	if (e != 0 && o->require_landlock)
		return errmsg(err, errlen, e, "--require-landlock: the broker "
		    "cannot confine itself: %s", strerror(e));
	return 0;
}

/* The command's exec ruleset (-1 with EOPNOTSUPP: no Landlock). */
static int
exec_ruleset(const struct fdb_policy *p, char *err, size_t errlen)
{
	int rs;

	if ((rs = landlock_exec_ruleset(p)) != -1 || errno == EOPNOTSUPP)
		return rs;
	if (errno == E2BIG)
		return errmsg(err, errlen, E2BIG, "Landlock: the x rules split "
		    "around narrower rules (--deny, or rules without x) "
		    "would need more than %d rules; grant x on narrower "
		    "paths", LANDLOCK_SPLIT_MAX);
	return errmsg(err, errlen, errno, "Landlock: the exec rules: %s",
	    strerror(errno));
}

/*
 * In the forked child: become the anchor of the command (anchor.c),
 * without the broker's ends of the channels.
 */
static void
anchor(const struct child_arg *a, int report, int sock, int report_end,
       int sigfd)
{
	struct anchor_opts ao = {
		.broker = a->broker,
		.report = report,
		.handover = a->sock,
		.command = child,
		.arg = (void *)a,
		.forward = forwarded,
		.nforward = sizeof(forwarded) / sizeof(forwarded[0]),
		.at_end = a->o->at_end,
		.end_arg = a->o->end_arg,
	};

	fd_close(sock);
	fd_close(report_end);
	fd_close(sigfd);
	anchor_run(&ao);
}

/*
 * The broker's side after the fork: take the command's listener from
 * @sock and serve it until the command exits.  Returns 0 with
 * run->status set, or -1 with a reason in @err.
 */
static int
broker_side(struct fdb_broker *b, const struct launch_opts *o, int sock,
	    int sigfd, struct run *run, char *err, size_t errlen)
{
	struct transport_notify_opts topts = {
		.want_pid = o->want_pid,
		.keep = { getpgrp(), run->child },
	};
	struct transport_notify *t;
	int listener = -1, rc = 0;

	if (receive(sock, run->child, &listener, err, errlen) == -1)
		return errno == ESRCH && early_exit(run) ? 0 : -1;
	if (transport_notify_probe(listener) == -1) {
		fd_close(listener);
		return errmsg(err, errlen, ENOSYS, "this kernel has no "
		    "SECCOMP_ADDFD_FLAG_SEND (Linux 5.14 or later is needed)");
	}
	if ((t = transport_notify_new(b, listener, &topts)) == NULL)
		return errmsg(err, errlen, errno, "notify transport: %s",
		    strerror(errno));
	if (serve(b, sigfd, run) == -1)
		rc = errmsg(err, errlen, errno, "event loop: %s",
		    strerror(errno));
	transport_notify_free(t);
	return rc;
}

/*
 * In the child: confine, hand over the listener, exec.  Only _exit():
 * the parent's atexit handlers and stdio buffers are not ours to run.
 */
static void
child(void *arg)
{
	const struct child_arg *a = arg;
	const struct launch_opts *o = a->o;
	struct filter_notify_opts fo = {
		.broker = a->broker,
		.anchor = getppid(),
		.allow_net = o->allow_net,
		.prebuilt = &filter_bpf,
	};
	struct hello h = { 0, STAGE_OK };
	char found[PATH_MAX], why[PATH_MAX + 128];
	const char *file;
	int listener = -1, e;

	sigprocmask(SIG_SETMASK, a->mask, NULL);
	/* Before the PATH search: it uses the new PATH and directory. */
	if (cmdenv_apply(o->chdir, o->env, o->nenv, o->rlimits, o->nrlimits,
	    why, sizeof(why)) == -1) {
		dprintf(STDERR_FILENO, "fdbroker-run: %s\n", why);
		_exit(125);
	}
	/* The broker serves exactly the calls it has a handler for. */
	fo.notify_nrs = notify_calls_numbers(&fo.n_notify);
	fo.signals_scoped = a->ruleset >= 0 && landlock_abi() >= 6;
	fo.notify_ioctls = notify_calls_ioctls(&fo.n_notify_ioctls);
	/*
	 * The PATH search happens before the lockdown, on the real file
	 * system: "not found" (127) must not become "permission denied"
	 * (126) because some PATH entry is not granted.  The lookup tells
	 * the command nothing; the exec itself is checked.
	 */
	if ((file = find_command(o->argv[0], found, sizeof(found))) == NULL) {
		dprintf(STDERR_FILENO, "fdbroker-run: %s: %s\n", o->argv[0],
		    strchr(o->argv[0], '/') != NULL ? strerror(ENOENT) :
		    "command not found");
		_exit(127);
	}
	/* Without Landlock (-1), the broker's check of execve() stays. */
	if (a->ruleset >= 0 && landlock_enforce(a->ruleset) == -1) {
		h.err = errno;
		h.stage = STAGE_LANDLOCK;
	} else if ((listener = filter_notify_install(&fo)) == -1) {
		h.err = errno;
		h.stage = STAGE_FILTER;
	}
	if (fdpass_send(a->sock, &h, sizeof(h), listener, 0) == -1 ||
	    h.err != 0)
		_exit(125);
	/* The listener must not stay here: it answers for this process. */
	fd_close(listener);
	fd_close(a->sock);
	execv(file, o->argv);
	e = errno;
	dprintf(STDERR_FILENO, "fdbroker-run: %s: %s\n", o->argv[0],
	    strerror(e));
	_exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

/*
 * The file execvp() would run for @name: @name itself when it has a '/',
 * else the first executable regular file in $PATH.  NULL if none.
 */
static const char *
find_command(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	int n;

	if (strchr(name, '/') != NULL)
		return lstat(name, &st) == -1 && errno == ENOENT ? NULL : name;
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		/* An empty entry is the current directory. */
		n = snprintf(buf, len, "%.*s%s%s", (int)(end - p), p,
		    end == p ? "." : "", "/");
		if (n > 0 && (size_t)n < len &&
		    snprintf(buf + n, len - (size_t)n, "%s", name) <
		    (int)(len - (size_t)n) && stat(buf, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return buf;
		if (*end == '\0')
			return NULL;
	}
}

/* The child's hello: its listener, or why it could not confine itself. */
static int
receive(int sock, pid_t pid, int *listener, char *err, size_t errlen)
{
	static const char *const what[] = {
		"", "Landlock", "seccomp filter", "listener hand-over",
	};
	struct hello h;
	ssize_t n;
	int fd = -1;

	n = fdpass_recv(sock, &h, sizeof(h), &fd, 0);
	if (n == (ssize_t)sizeof(h) && h.err == 0 && fd >= 0) {
		*listener = fd;
		return 0;
	}
	fd_close(fd);
	if (n == -1)
		return errmsg(err, errlen, errno, "receiving the listener: %s",
		    strerror(errno));
	if (n == 0)
		return errmsg(err, errlen, ESRCH, "the command's process "
		    "ended before it was confined (pid %d)", (int)pid);
	if (n != (ssize_t)sizeof(h) || h.stage <= STAGE_OK ||
	    h.stage > STAGE_SEND || h.err <= 0)
		return errmsg(err, errlen, EPROTO, "bad message from the "
		    "command's process (pid %d)", (int)pid);
	if (h.stage == STAGE_FILTER && (h.err == EINVAL || h.err == ENOSYS))
		return errmsg(err, errlen, ENOSYS, "this kernel refused the "
		    "notify filter: %s (Linux 5.14 or later is needed)",
		    strerror(h.err));
	return errmsg(err, errlen, h.err, "%s: %s", what[h.stage],
	    strerror(h.err));
}

/*
 * The loop: notifications, signals and the time limit, until the command
 * has exited.
 */
static int
serve(struct fdb_broker *b, int sigfd, struct run *run)
{
	struct loop *l = broker_loop(b);
	int rc = 0;

	if (loop_add(l, sigfd, on_signal, NULL, run) == -1)
		return -1;
	if (run->timeout_ms > 0 && ((run->timer = timerfd_create(
	    CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) == -1 ||
	    arm(run->timer, run->timeout_ms) == -1 ||
	    loop_add(l, run->timer, on_timer, NULL, run) == -1)) {
		run->timer = fd_close(run->timer);
		loop_remove(l, sigfd);
		return -1;
	}
	/* SIGCHLD may have come and gone before the signalfd was watched. */
	reap(run);
	while (!run->exited) {
		if (loop_run_once(l, -1) == -1 && errno != EINTR) {
			rc = -1;
			break;
		}
	}
	if (run->timer >= 0) {
		loop_remove(l, run->timer);
		run->timer = fd_close(run->timer);
	}
	loop_remove(l, sigfd);
	return rc;
}

/* Fire @fd once, @ms from now. */
static int
arm(int fd, unsigned long ms)
{
	struct itimerspec it = {
		.it_value = {
			.tv_sec = (time_t)(ms / 1000),
			.tv_nsec = (long)(ms % 1000) * 1000000,
		},
	};

	return timerfd_settime(fd, 0, &it, NULL);
}

/*
 * --timeout: SIGTERM to every process of the sandbox (the anchor sends
 * it), and LAUNCH_GRACE_MS later the end of the sandbox, SIGKILL to
 * all, if the command has not exited by then.  The loop ends when the
 * anchor is reaped, as for any other end.
 */
static void
on_timer(void *arg, int fd, unsigned events)
{
	struct run *run = arg;
	uint64_t n;

	(void)events;
	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n) || run->exited)
		return;
	if (run->timed_out == 0) {
		run->timed_out = 1;
		(void)kill(run->child, anchor_term_signal());
		(void)arm(fd, LAUNCH_GRACE_MS);
	} else if (run->timed_out == 1) {
		run->timed_out = 2;
		(void)kill(run->child, anchor_signal());
	}
}

static void
on_signal(void *arg, int fd, unsigned events)
{
	struct run *run = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(run);
			continue;
		}
		/*
		 * A terminal's signal (SI_KERNEL) went to the whole process
		 * group, the command included: sending it again would
		 * deliver it twice.
		 */
		if (si.ssi_code != SI_KERNEL && !run->exited)
			(void)kill(run->child, (int)si.ssi_signo);
	}
}

/*
 * The child left before confining itself: the command was not found
 * (127), or its directory, environment or limits could not be set (125),
 * already said; not a failure to report again.
 */
static int
early_exit(struct run *run)
{
	int st;

	while (waitpid(run->child, &st, 0) == -1)
		if (errno != EINTR)
			return 0;
	collect(run, st);
	return run->reported && WIFEXITED(run->status) &&
	    (WEXITSTATUS(run->status) == 127 ||
	    WEXITSTATUS(run->status) == 125);
}

static void
reap(struct run *run)
{
	int st;

	if (run->exited)
		return;
	if (waitpid(run->child, &st, WNOHANG) == run->child)
		collect(run, st);
}

/*
 * The anchor exited with wait status @st: the command's status is what
 * it reported; with no report (the anchor killed from outside), the
 * anchor's own.
 */
static void
collect(struct run *run, int st)
{
	int cmd;

	run->exited = 1;
	run->status = st;
	if (read(run->report, &cmd, sizeof(cmd)) == (ssize_t)sizeof(cmd)) {
		run->status = cmd;
		run->reported = 1;
	}
}

/* End the sandbox now: the anchor kills the command and its own. */
static void
stop(pid_t pid)
{
	int st;

	(void)kill(pid, anchor_signal());
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
}

