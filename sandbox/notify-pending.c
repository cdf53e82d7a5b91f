/* SPDX-License-Identifier: MIT */
/*
 * notify-pending.c: calls the kernel could not end at once, answered
 * when it ends them by a waiter thread of their own, so that the pool
 * of transport-notify.c keeps serving meanwhile: one child's slow call
 * never holds another's open back.  Two kinds:
 *
 * - connect() on a blocking socket whose connect is in progress
 *   (--allow-net): answered when the socket says it ended.
 * - a blocking open of a FIFO that waits for its peer: the broker
 *   decided on the FIFO and holds a descriptor of it (resolve.c:
 *   resolve_out.fifo); the waiter opens that very object again through
 *   /proc/self/fd, without O_NONBLOCK, so the kernel makes it wait for
 *   its peer as it would the requester, and installs what it got.  No
 *   path is looked up again.
 *
 * Bounds, none of which the requester can move: at most PENDING_MAX
 * waiters at once (past that, EAGAIN at once, as connect(2) says for
 * "insufficient entries"); a waiter whose requester has gone (a fatal
 * signal: its notification is no longer valid) gives up within
 * RECHECK_MS, and a FIFO's open is interrupted that often (a timer of
 * the waiter's own sends it the kick signal) to find out; and every
 * waiter stops when the transport ends, kicked out of whatever it waits
 * in (a record's write to a --log nobody reads) as the pool's threads
 * are.  Each waiter answers on a copy
 * of the listener of its own, so the pool's closing of the listener can
 * never turn the answer into an ioctl on some other descriptor that
 * took its number.  Each call has one record, made when it ends (or
 * when its requester is found gone: EINTR); none when the transport
 * stops first.
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "fd.h"
#include "notify-pending.h"

#define PENDING_MAX	64		/* calls in progress at once */
#define RECHECK_MS	250		/* is the requester still there? */
/*
 * A waiter calls the decision hook, whose record path was measured at
 * about 47 KiB of stack (-fstack-usage; on_decision alone 32 KiB): 64
 * KiB left too little margin for a broker that must not crash.
 */
#define WAITER_STACK	(256 * 1024)
#define STOPPED		(-1)		/* the transport ends: no record */
#ifndef sigev_notify_thread_id		/* glibc before 2.41 */
#define sigev_notify_thread_id	_sigev_un._tid
#endif

struct notify_pending {
	struct fdb_broker *b;
	int listener;			/* borrowed */
	int stop;			/* eventfd, readable once stopping */
	int stopping;			/* atomic: notify_pending_stop() ran */
	int told;			/* and wrote to @stop */
	int kick;			/* interrupts a FIFO's open */
	size_t resp_size;
	int n;				/* atomic: waiters alive */
	pid_t tid[PENDING_MAX];		/* atomic: waiters', to kick; 0: free */
};

/* One call in progress; its answer follows it in the same block. */
struct waiter {
	struct notify_pending *p;
	uint64_t id;
	int fd;				/* the socket, the FIFO (ours) */
	int cloexec;
	int listener;			/* a copy of its own */
	struct broker_later later;
	struct seccomp_notif_resp resp[];	/* p->resp_size bytes */
};

static void	*waiter_run(void *arg);
static int	 wait_connect(struct waiter *w);
static int	 wait_fifo(struct waiter *w);
static int	 fifo_open(struct waiter *w, int *err);
static int	 gone(const struct waiter *w);
static int	 connect_ended(const struct waiter *w);
static int	 answer(struct waiter *w, int fd, int err);
static void	 waiter_free(struct waiter *w);
static void	 kick(struct notify_pending *p);

struct notify_pending *
notify_pending_new(struct fdb_broker *b, int listener, size_t resp_size,
		   int kick)
{
	struct notify_pending *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->stop = eventfd(0, EFD_CLOEXEC)) == -1) {
		free(p);
		return NULL;
	}
	p->b = b;
	p->listener = listener;
	p->resp_size = resp_size;
	p->kick = kick;
	return p;
}

void
notify_pending_stop(struct notify_pending *p)
{
	uint64_t one = 1;

	if (!__atomic_exchange_n(&p->stopping, 1, __ATOMIC_SEQ_CST))
		p->told = write(p->stop, &one, sizeof(one)) == sizeof(one);
	kick(p);
}

void
notify_pending_free(struct notify_pending *p)
{
	const struct timespec ms = { 0, 1000000 };

	if (p == NULL)
		return;
	notify_pending_stop(p);
	/*
	 * A first write to an eventfd cannot fail; if it did, waiting for
	 * waiters never told to stop would hang: leave them @p instead.
	 */
	if (!p->told)
		return;
	/*
	 * A waiter's last touch of @p is its count going down.  Each is
	 * kicked out of whatever it waits in, until it has gone: a waiter
	 * writing its record to a --log nobody reads would wait for ever.
	 */
	while (__atomic_load_n(&p->n, __ATOMIC_SEQ_CST) > 0) {
		kick(p);
		(void)nanosleep(&ms, NULL);
	}
	fd_close(p->stop);
	free(p);
}

int
notify_pending_add(struct notify_pending *p, uint64_t id, int fd,
		   int cloexec, const struct broker_later *later)
{
	struct waiter *w = NULL;
	pthread_attr_t a;
	pthread_t th;
	int rc = -1;

	if (__atomic_add_fetch(&p->n, 1, __ATOMIC_SEQ_CST) <= PENDING_MAX &&
	    (w = calloc(1, sizeof(*w) + p->resp_size)) != NULL) {
		w->p = p;
		w->id = id;
		w->fd = fd;
		w->cloexec = cloexec;
		w->later = *later;
		w->listener = fcntl(p->listener, F_DUPFD_CLOEXEC, 0);
	}
	if (w != NULL && w->listener >= 0 && pthread_attr_init(&a) == 0) {
		(void)pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		(void)pthread_attr_setstacksize(&a, WAITER_STACK);
		rc = pthread_create(&th, &a, waiter_run, w);
		pthread_attr_destroy(&a);
	}
	if (rc == 0)
		return 0;
	if (w != NULL)
		fd_close(w->listener);
	free(w);
	__atomic_sub_fetch(&p->n, 1, __ATOMIC_SEQ_CST);
	return -1;
}

/*
 * Every waiter still there interrupted (the kick has no SA_RESTART): a
 * write of its record to a log nobody reads fails with EINTR.  A tid
 * read just before its waiter ends names no thread, or one of ours that
 * takes the kick as nothing: no waiter starts any more.
 */
static void
kick(struct notify_pending *p)
{
	pid_t tid;
	int i;

	for (i = 0; i < PENDING_MAX; i++) {
		if ((tid = __atomic_load_n(&p->tid[i], __ATOMIC_SEQ_CST)) > 0)
			(void)syscall(SYS_tgkill, getpid(), tid, p->kick);
	}
}

/*
 * A waiter: every signal blocked (the broker's are read elsewhere) but
 * the kick, its tid in a free slot (there is one: at most PENDING_MAX
 * waiters), the wait its call needs, then the call's record.
 */
static void *
waiter_run(void *arg)
{
	struct waiter *w = arg;
	pid_t *slot = w->p->tid, none = 0, me = (pid_t)syscall(SYS_gettid);
	sigset_t mask;
	int err;

	sigfillset(&mask);
	sigdelset(&mask, w->p->kick);
	(void)pthread_sigmask(SIG_SETMASK, &mask, NULL);
	while (!__atomic_compare_exchange_n(slot, &none, me, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		slot++, none = 0;
	err = w->later.op == BROKER_OPEN ? wait_fifo(w) : wait_connect(w);
	(void)pthread_sigmask(SIG_SETMASK, &mask, NULL);
	if (err != STOPPED)
		broker_report_later(w->p->b, &w->later, err);
	__atomic_store_n(slot, 0, __ATOMIC_SEQ_CST);
	waiter_free(w);
	return NULL;
}

/*
 * A connect's waiter: poll until the connect ends, the transport stops,
 * or, checked every RECHECK_MS, the requester is gone.  What the
 * requester got, or STOPPED.
 */
static int
wait_connect(struct waiter *w)
{
	struct pollfd fds[2] = {
		{ .fd = w->fd, .events = POLLOUT },
		{ .fd = w->p->stop, .events = POLLIN },
	};
	int err, rc;

	for (;;) {
		rc = poll(fds, 2, RECHECK_MS);
		if (rc > 0 && fds[1].revents != 0)
			return STOPPED;
		if (rc > 0 && fds[0].revents != 0)
			return answer(w, -1, connect_ended(w));
		if (rc == -1 && errno != EINTR)
			return answer(w, -1, errno);
		if (rc == 0 && (err = gone(w)) != 0)
			return err;
	}
}

/*
 * A FIFO's waiter: every signal blocked but the kick, which its timer
 * sends it every RECHECK_MS so that the blocking open returns (EINTR)
 * to check on its requester and the transport.  What the requester
 * got, or STOPPED.
 */
static int
wait_fifo(struct waiter *w)
{
	struct itimerspec every = {
		{ 0, RECHECK_MS * 1000000L }, { 0, RECHECK_MS * 1000000L },
	};
	struct sigevent ev;
	sigset_t mask;
	timer_t tm;
	int fd = -1, err = EAGAIN;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = w->p->kick;
	ev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0) {
		if (timer_settime(tm, 0, &every, NULL) == 0)
			fd = fifo_open(w, &err);
		(void)timer_delete(tm);
	}
	/* A kick would interrupt ADDFD, which waits for the target. */
	sigemptyset(&mask);
	sigaddset(&mask, w->p->kick);
	(void)pthread_sigmask(SIG_BLOCK, &mask, NULL);
	if (err != EINTR && err != STOPPED)
		err = answer(w, fd, err);
	fd_close(fd);
	return err;
}

/*
 * The FIFO opened again as the requester asked (less what only a first
 * open means), until the kernel ends it: the descriptor with *@err 0,
 * or -1 with *@err its error, or EINTR (the requester is gone) or
 * STOPPED.  A reader's descriptor held is itself a reader's: once a
 * writer came and went since, it is readable or hung up, and the
 * requester gets it (its own open would have ended then).
 */
static int
fifo_open(struct waiter *w, int *err)
{
	int how = (w->later.open_flags & ~(O_CREAT | O_EXCL | O_TRUNC |
	    O_NOFOLLOW)) | O_CLOEXEC | O_NOCTTY;
	struct pollfd came = { .fd = w->fd, .events = POLLIN };
	char proc[64];
	int fd;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", w->fd);
	for (;;) {
		if ((fd = open(proc, how)) >= 0 || errno != EINTR) {
			*err = fd >= 0 ? 0 : errno;
			return fd;
		}
		if ((*err = gone(w)) != 0)
			return -1;
		if (poll(&came, 1, 0) == 1 &&
		    (came.revents & (POLLIN | POLLHUP))) {
			fd = fcntl(w->fd, F_DUPFD_CLOEXEC, 0);
			*err = fd >= 0 ? 0 : errno;
			return fd;
		}
	}
}

/* STOPPED, EINTR once the requester is gone, else 0. */
static int
gone(const struct waiter *w)
{
	struct pollfd stop = { .fd = w->p->stop, .events = POLLIN };

	if (poll(&stop, 1, 0) == 1)
		return STOPPED;
	if (ioctl(w->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &w->id) == -1)
		return EINTR;
	return 0;
}

/* How the kernel ended the connect: 0 or its error (SO_ERROR). */
static int
connect_ended(const struct waiter *w)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	return err;
}

/*
 * The requester's answer: @fd installed (ADDFD|SEND), else @err.  What
 * it got: EINTR when the kernel says it is gone (ENOENT: interrupted or
 * dead meanwhile).
 */
static int
answer(struct waiter *w, int fd, int err)
{
	struct seccomp_notif_addfd a;

	if (fd >= 0) {
		memset(&a, 0, sizeof(a));
		a.id = w->id;
		a.flags = SECCOMP_ADDFD_FLAG_SEND;
		a.srcfd = (uint32_t)fd;
		a.newfd_flags = w->cloexec ? O_CLOEXEC : 0;
		if (ioctl(w->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) >= 0)
			return 0;
		if ((err = errno) == ENOENT)
			return EINTR;
	}
	memset(w->resp, 0, w->p->resp_size);
	w->resp->id = w->id;
	w->resp->error = -err;
	if (ioctl(w->listener, SECCOMP_IOCTL_NOTIF_SEND, w->resp) == -1 &&
	    errno == ENOENT)
		return EINTR;
	return err;
}

static void
waiter_free(struct waiter *w)
{
	struct notify_pending *p = w->p;

	fd_close(w->fd);
	fd_close(w->listener);
	free(w);
	__atomic_sub_fetch(&p->n, 1, __ATOMIC_SEQ_CST);
}
