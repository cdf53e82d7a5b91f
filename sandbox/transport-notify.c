/* SPDX-License-Identifier: MIT */
/*
 * transport-notify.c: the notify transport's mechanics.  It owns the
 * seccomp listener and a small pool of threads, each blocking in
 * SECCOMP_IOCTL_NOTIF_RECV on it, so that a thread waiting for one
 * target (ADDFD sleeps until the target has installed its descriptor)
 * leaves the others serving.  A thread reaches the target's memory and
 * /proc entries for the handlers in notify-calls.c, and answers: a
 * value, an errno, or a descriptor installed with ADDFD|SEND.
 *
 * The broker never blocks on a target: the target is stopped in the
 * system call while it is served, /proc/TID/mem reads do not wait for
 * it, and the handlers open nothing that could wait for a peer.  A
 * network connect() that the kernel is still making (--allow-net), and
 * a blocking open of a FIFO that waits for its peer, are answered when
 * they end, by notify-pending.c; the pool serves on.
 *
 * What the threads share, and why it is safe: the broker's policy,
 * options and this transport's fields are read only once the pool
 * runs; each worker has its own notification, answer and struct
 * notify_call (paths, memory handle); the decision hook (log, --learn,
 * counters) is called under the broker's lock, which is never held
 * while a target or /proc is touched; the umask and the current
 * directory the broker changes for a request are per thread
 * (unshare(CLONE_FS)); the listener is closed only when no worker uses
 * it any more.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "fd.h"
#include "notify-calls.h"
#include "notify-kill.h"
#include "notify-pending.h"
#include "notify-proc.h"
#include "transport-notify.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

#define POOL_MAX	8		/* threads, whatever the CPUs */
#define POOL_KICK	SIGURG		/* interrupts a worker's RECV */


/* One thread of the pool: its own notification, answer and target. */
struct worker {
	struct transport_notify *t;
	pthread_t thread;
	int started;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct notify_call call;
	struct broker_later *later;	/* of a request left pending */
};

struct transport_notify {
	struct fdb_broker *b;
	int want_pid;
	pid_t keep[2];			/* for kill(0) */
	int listener;			/* -1 once let go */
	size_t req_size, resp_size;
	/*
	 * Held shared from ADDFD until the broker's copy is closed, and
	 * taken whole before a CONTINUE: see answer().
	 */
	pthread_rwlock_t installs;
	struct notify_pending *pending;	/* connects in progress */
	int stop;			/* atomic: transport_notify_free() */
	int serving;			/* atomic: workers not yet gone */
	size_t n;
	struct worker *w;
};

static int	 installs_init(pthread_rwlock_t *l);
static int	 start(struct transport_notify *t, size_t n);
static size_t	 pool_size(void);
static void	*work(void *arg);
static int	 hung_up(int listener);
static void	 leave(struct transport_notify *t);
static void	 stop(struct transport_notify *t);
static void	 on_kick(int sig);
static void	 serve(struct worker *w);
static void	 pend(struct worker *w, struct notify_reply *r);
static int	 answer(struct worker *w, struct notify_reply *r);

int
transport_notify_probe(int listener)
{
	struct seccomp_notif_addfd a = {
		.id = 0,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)-1,
	};

	/*
	 * The kernel checks the flags before it looks up the descriptor:
	 * EBADF means ADDFD and its SEND flag are known; an older kernel
	 * says EINVAL (flag or ioctl unknown).  Nothing is installed.
	 */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) == -1 &&
	    errno == EBADF)
		return 0;
	errno = ENOSYS;
	return -1;
}

struct transport_notify *
transport_notify_new(struct fdb_broker *b, int listener,
		     const struct transport_notify_opts *o)
{
	struct seccomp_notif_sizes sizes;
	struct transport_notify *t;

	if (b == NULL || o == NULL || listener < 0) {
		errno = EINVAL;
		fd_close(listener);
		return NULL;
	}
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == -1 ||
	    (t = calloc(1, sizeof(*t))) == NULL) {
		fd_close(listener);
		return NULL;
	}
	/* The kernel's structures may be larger than our headers' ones. */
	t->req_size = sizes.seccomp_notif > sizeof(*t->w->req) ?
	    sizes.seccomp_notif : sizeof(*t->w->req);
	t->resp_size = sizes.seccomp_notif_resp > sizeof(*t->w->resp) ?
	    sizes.seccomp_notif_resp : sizeof(*t->w->resp);
	t->b = b;
	t->want_pid = o->want_pid;
	t->keep[0] = o->keep[0];
	t->keep[1] = o->keep[1];
	t->listener = listener;
	if (installs_init(&t->installs) != 0) {
		free(t);
		fd_close(listener);
		return NULL;
	}
	if ((t->pending = notify_pending_new(b, listener,
	    t->resp_size, POOL_KICK)) == NULL) {
		pthread_rwlock_destroy(&t->installs);
		free(t);
		fd_close(listener);
		return NULL;
	}
	/*
	 * Linux 6.6: answer on the target's CPU.  Measured (make bench,
	 * section 7): stat and refusals stay on one CPU and lose the
	 * cross-CPU wake-up; ADDFD opens neither gain nor lose.  Older
	 * kernels refuse the ioctl, which changes nothing.
	 */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	if (start(t, pool_size()) == -1) {
		transport_notify_free(t);
		return NULL;
	}
	return t;
}

/* Writers first: a stream of opens must not hold an exec back. */
static int
installs_init(pthread_rwlock_t *l)
{
	pthread_rwlockattr_t a;
	int rc;

	if ((rc = pthread_rwlockattr_init(&a)) != 0)
		return rc;
	(void)pthread_rwlockattr_setkind_np(&a,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	rc = pthread_rwlock_init(l, &a);
	pthread_rwlockattr_destroy(&a);
	return rc;
}

/*
 * How many threads serve: one per CPU the broker may run on, and one
 * more, at most POOL_MAX.  A thread that answers with a descriptor
 * sleeps in ADDFD until its target has run and installed it (the
 * kernel's wait), meanwhile another must be in RECV; but every idle
 * thread wakes for each notification (the wait is not exclusive), so
 * more cost more.  Measured on 2 CPUs (README, Performance): 3 threads
 * beat 2 and 4 with 1, 16 and 64 children.  Two at least, one CPU or
 * not: the target of an ADDFD need not get the CPU the broker gives up
 * (nice 19 or SCHED_IDLE beside busy processes), and one thread would
 * make every child wait for it.  Pinned to one CPU with 4 busy loops, a
 * SCHED_IDLE child opening files left another child 681 to 1747 opens
 * in 5 s (waits up to 1.5 s) with one thread, 26000 to 62000 with two.
 */
static size_t
pool_size(void)
{
	cpu_set_t set;
	int n = 1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	n += 1;
	return n < 2 ? 2 : n > POOL_MAX ? POOL_MAX : (size_t)n;
}

/*
 * The workers, made with every signal blocked (they take none of the
 * broker's: its loop reads them from a signalfd) but the kick.  A
 * worker that fails to start counts as gone.
 */
static int
start(struct transport_notify *t, size_t n)
{
	struct sigaction sa;
	sigset_t all, old;
	size_t i, started = 0;

	if ((t->w = calloc(n, sizeof(*t->w))) == NULL)
		return -1;
	t->n = n;
	for (i = 0; i < n; i++) {
		t->w[i].t = t;
		t->w[i].call.mem = -1;
		if ((t->w[i].req = calloc(1, t->req_size)) == NULL ||
		    (t->w[i].resp = calloc(1, t->resp_size)) == NULL ||
		    (t->w[i].later = calloc(1, sizeof(*t->w[i].later))) ==
		    NULL)
			return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;	/* no SA_RESTART: RECV says EINTR */
	if (sigaction(POOL_KICK, &sa, NULL) == -1)
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* All counted first: the first to leave must not be the last. */
	t->serving = (int)n;
	for (i = 0; i < n; i++) {
		if (pthread_create(&t->w[i].thread, NULL, work, &t->w[i]))
			leave(t);
		else
			started += t->w[i].started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started > 0 ? 0 : (errno = EAGAIN, -1);
}

static void
on_kick(int sig)
{
	(void)sig;
}

int
transport_notify_active(const struct transport_notify *t)
{
	return t != NULL &&
	    __atomic_load_n(&t->listener, __ATOMIC_SEQ_CST) >= 0;
}

void
transport_notify_free(struct transport_notify *t)
{
	int save_errno = errno;
	size_t i;

	if (t == NULL)
		return;
	if (t->w != NULL) {
		stop(t);
		for (i = 0; i < t->n; i++) {
			free(t->w[i].req);
			free(t->w[i].resp);
			free(t->w[i].later);
		}
	}
	/* Their requesters are gone with the sandbox: nothing to answer. */
	notify_pending_free(t->pending);
	fd_close(t->listener);
	pthread_rwlock_destroy(&t->installs);
	free(t->w);
	free(t);
	errno = save_errno;
}

/*
 * Every worker out of RECV (which only a signal interrupts before
 * Linux 6.6) and joined.  A kick can come just before a worker enters
 * RECV, so it is repeated until all are gone: a worker in the middle
 * of a request finishes it first (the broker never waits on a target).
 */
static void
stop(struct transport_notify *t)
{
	const struct timespec ms = { 0, 1000000 };
	size_t i;

	__atomic_store_n(&t->stop, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&t->serving, __ATOMIC_SEQ_CST) > 0) {
		for (i = 0; i < t->n; i++)
			if (t->w[i].started)
				(void)pthread_kill(t->w[i].thread, POOL_KICK);
		/* A worker may wait for the hook's lock a waiter holds. */
		notify_pending_stop(t->pending);
		(void)nanosleep(&ms, NULL);
	}
	for (i = 0; i < t->n; i++)
		if (t->w[i].started)
			(void)pthread_join(t->w[i].thread, NULL);
}

/*
 * One worker: its own file system context first (the umask and the
 * current directory the broker changes for a request are then its
 * own), then one notification after another until the filter has no
 * process left or the transport stops.
 */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct transport_notify *t = w->t;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, POOL_KICK);
	if (unshare(CLONE_FS) == -1 ||
	    pthread_sigmask(SIG_UNBLOCK, &kick, NULL) != 0) {
		leave(t);
		return NULL;
	}
	while (!__atomic_load_n(&t->stop, __ATOMIC_SEQ_CST)) {
		memset(w->req, 0, t->req_size);
		if (ioctl(t->listener, SECCOMP_IOCTL_NOTIF_RECV, w->req) == 0)
			serve(w);
		else if (errno == EINTR)
			continue;
		/*
		 * ENOENT: the requester went away before we got to it, or
		 * (Linux 6.6) no process uses the filter any more, which
		 * the listener says with a hang-up.
		 */
		else if (errno != ENOENT || hung_up(t->listener))
			break;
	}
	leave(t);
	return NULL;
}

static int
hung_up(int listener)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) &&
	    !(p.revents & POLLIN);
}

/*
 * A worker is gone.  The last one lets go of the listener, unless the
 * transport is stopping (transport_notify_free() closes it): pending and
 * later notifications then fail in their callers, none waits for ever.
 */
static void
leave(struct transport_notify *t)
{
	int fd;

	if (__atomic_sub_fetch(&t->serving, 1, __ATOMIC_SEQ_CST) > 0 ||
	    __atomic_load_n(&t->stop, __ATOMIC_SEQ_CST))
		return;
	fd = __atomic_exchange_n(&t->listener, -1, __ATOMIC_SEQ_CST);
	fd_close(fd);
}

static void
serve(struct worker *w)
{
	struct transport_notify *t = w->t;
	struct notify_call *c = &w->call;
	struct notify_reply r = {
		.kind = NOTIFY_VALUE, .err = ENOSYS, .fd = -1,
		.later = w->later,
	};
	struct notify_kill k = { 0, 0 };
	struct notify_signal s = { .pidfd = -1 };

	notify_call_reset(c, w->req, t->listener);
	/*
	 * The filter kills foreign ABIs; a number here is native.  Calls
	 * on a process are no file request: notify-kill.c serves kill(0),
	 * which means the caller's group, the one thing another of its
	 * threads could change after a check; notify-proc.c the others.
	 */
	if (w->req->data.arch != seccomp_arch_native())
		;
	else if (w->req->data.nr == SYS_kill &&
	    (uint32_t)w->req->data.args[0] == 0)
		notify_kill_serve(c, t->keep, 2, &r, &k);
	else if (!notify_proc_serve(c, t->keep[1], &r, &s))
		notify_calls_serve(t->b, c, t->want_pid, &r);
	if (r.kind == NOTIFY_PENDING)
		pend(w, &r);
	/* The target waits for the answer, not for our clean-up. */
	else if (answer(w, &r) == 0) {
		notify_kill_send(&k);
		notify_proc_send(&s);
	}
	/* Not answered (the requester went away): nothing is sent. */
	s.pidfd = fd_close(s.pidfd);
	notify_call_end(c);
}

/*
 * A call in progress (@r: a connect, a FIFO's open): answered by
 * notify-pending.c when the kernel ends it; when it cannot take it,
 * EAGAIN now, with its record.
 */
static void
pend(struct worker *w, struct notify_reply *r)
{
	struct transport_notify *t = w->t;

	if (notify_pending_add(t->pending, w->req->id, r->fd, r->cloexec,
	    r->later) == 0)
		return;
	r->fd = fd_close(r->fd);
	r->kind = NOTIFY_VALUE;
	r->err = EAGAIN;
	(void)answer(w, r);
	broker_report_later(t->b, r->later, EAGAIN);
}

/* 0 once the requester has the answer. */
static int
answer(struct worker *w, struct notify_reply *r)
{
	struct transport_notify *t = w->t;
	struct seccomp_notif_addfd a;
	int rc;

	if (r->kind == NOTIFY_FD) {
		memset(&a, 0, sizeof(a));
		a.id = w->req->id;
		a.flags = SECCOMP_ADDFD_FLAG_SEND;
		a.srcfd = (uint32_t)r->fd;
		a.newfd_flags = r->cloexec ? O_CLOEXEC : 0;
		/*
		 * Install and answer in one step: the target cannot see the
		 * call return before its descriptor exists.  On failure (its
		 * table is full: EMFILE) the call is still ours to answer.
		 */
		pthread_rwlock_rdlock(&t->installs);
		rc = ioctl(t->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		r->fd = fd_close(r->fd);
		pthread_rwlock_unlock(&t->installs);
		if (rc >= 0 || errno == ENOENT)
			return rc >= 0 ? 0 : -1;
		r->kind = NOTIFY_VALUE;
		r->err = errno;
	}
	memset(w->resp, 0, t->resp_size);
	w->resp->id = w->req->id;
	if (r->kind == NOTIFY_CONTINUE) {
		w->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		/*
		 * The target sees its open return before the thread that
		 * installed it has closed the broker's copy: exec'ing the
		 * file it just wrote and closed would fail (ETXTBSY) while
		 * that copy is open.  Installs in progress end first; each
		 * waits only for its own target to take the descriptor.
		 */
		pthread_rwlock_wrlock(&t->installs);
		pthread_rwlock_unlock(&t->installs);
	}
	else if (r->err != 0)
		w->resp->error = -r->err;
	else
		w->resp->val = r->val;
	/* ENOENT: the requester was interrupted or died meanwhile. */
	return ioctl(t->listener, SECCOMP_IOCTL_NOTIF_SEND, w->resp) == -1 ?
	    -1 : 0;
}
