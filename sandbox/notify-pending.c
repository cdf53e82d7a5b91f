/* SPDX-License-Identifier: MIT */
/*
 * notify-pending.c: connect() calls the kernel could not finish at once
 * (--allow-net; a blocking socket whose connect is in progress).  Each
 * is answered when its socket says the connect ended, by a waiter
 * thread of its own, so that the pool of transport-notify.c keeps
 * serving meanwhile: one child's slow connect never holds another's
 * open back.
 *
 * Bounds, none of which the requester can move: at most PENDING_MAX
 * waiters at once (past that, EAGAIN at once, as connect(2) says for
 * "insufficient entries"); a waiter whose requester has gone (a fatal
 * signal: its notification is no longer valid) gives up within
 * RECHECK_MS; and every waiter stops when the transport ends, kicked
 * out of whatever it waits in (a --log write nobody reads) as the
 * pool's threads are.  Each waiter answers on a copy of the listener of
 * its own, so the pool's closing of the listener can never turn the
 * answer into an ioctl on some other descriptor that took its number.
 */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "fd.h"
#include "notify-pending.h"

#define PENDING_MAX	64		/* connects in progress at once */
#define RECHECK_MS	1000		/* is the requester still there? */
#define WAITER_STACK	(64 * 1024)	/* it calls poll, ioctl, the hook */

struct notify_pending {
	struct fdb_broker *b;
	int listener;			/* borrowed */
	int stop;			/* eventfd, readable once stopping */
	size_t resp_size;
	int n;				/* atomic: waiters alive */
	pid_t tid[PENDING_MAX];		/* atomic: theirs, to kick; 0: free */
};

/* One connect in progress; its answer follows it in the same block. */
struct waiter {
	struct notify_pending *p;
	uint64_t id;
	int fd;				/* the broker's copy of the socket */
	int listener;			/* a copy of its own */
	pid_t pid;
	const char *call;
	struct seccomp_notif_resp resp[];	/* p->resp_size bytes */
};

static void	*wait_connect(void *arg);
static int	 connect_ended(const struct waiter *w);
static void	 answer(struct waiter *w, int err);
static void	 waiter_free(struct waiter *w);
static void	 kick(struct notify_pending *p);

struct notify_pending *
notify_pending_new(struct fdb_broker *b, int listener, size_t resp_size)
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
	return p;
}

void
notify_pending_free(struct notify_pending *p)
{
	const struct timespec ms = { 0, 1000000 };
	uint64_t one = 1;

	if (p == NULL)
		return;
	/*
	 * A first write to an eventfd cannot fail; if it did, waiting for
	 * waiters never told to stop would hang: leave them @p instead.
	 */
	if (write(p->stop, &one, sizeof(one)) != sizeof(one))
		return;
	/* A waiter's last touch of @p is its count going down. */
	while (__atomic_load_n(&p->n, __ATOMIC_SEQ_CST) > 0) {
		kick(p);
		(void)nanosleep(&ms, NULL);
	}
	fd_close(p->stop);
	free(p);
}

int
notify_pending_add(struct notify_pending *p, uint64_t id, int fd,
		   pid_t pid, const char *call)
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
		w->pid = pid;
		w->call = call;
		w->listener = fcntl(p->listener, F_DUPFD_CLOEXEC, 0);
	}
	if (w != NULL && w->listener >= 0 && pthread_attr_init(&a) == 0) {
		(void)pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		(void)pthread_attr_setstacksize(&a, WAITER_STACK);
		rc = pthread_create(&th, &a, wait_connect, w);
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
 * Every waiter still there interrupted (NOTIFY_KICK, no SA_RESTART): a
 * write of its record to a log nobody reads fails with EINTR.  A tid
 * read just before its waiter ends names no thread, or one of ours that
 * takes the kick as nothing: no thread starts any more.
 */
static void
kick(struct notify_pending *p)
{
	pid_t tid;
	int i;

	for (i = 0; i < PENDING_MAX; i++)
		if ((tid = __atomic_load_n(&p->tid[i], __ATOMIC_SEQ_CST)) > 0)
			(void)syscall(SYS_tgkill, getpid(), tid, NOTIFY_KICK);
}

/*
 * A waiter: every signal blocked (the broker's are read elsewhere) but
 * the kick, its tid in a free slot (there is one: at most PENDING_MAX
 * waiters), then poll until the connect ends, the transport stops, or,
 * checked every RECHECK_MS, the requester is gone.  Only an ended
 * connect is answered and recorded.
 */
static void *
wait_connect(void *arg)
{
	struct waiter *w = arg;
	struct pollfd fds[2] = {
		{ .fd = w->fd, .events = POLLOUT },
		{ .fd = w->p->stop, .events = POLLIN },
	};
	pid_t *slot = w->p->tid, none = 0, me = (pid_t)syscall(SYS_gettid);
	sigset_t all;
	int err, rc;

	sigfillset(&all);
	sigdelset(&all, NOTIFY_KICK);
	(void)pthread_sigmask(SIG_SETMASK, &all, NULL);
	while (!__atomic_compare_exchange_n(slot, &none, me, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		slot++, none = 0;
	for (;;) {
		rc = poll(fds, 2, RECHECK_MS);
		if (rc > 0 && fds[1].revents != 0)
			break;
		if (rc > 0 && fds[0].revents != 0) {
			err = connect_ended(w);
			answer(w, err);
			broker_report_connect(w->p->b, w->pid, w->call, err);
			break;
		}
		if (rc == 0 && ioctl(w->listener, SECCOMP_IOCTL_NOTIF_ID_VALID,
		    &w->id) == -1)
			break;
		if (rc == -1 && errno != EINTR)
			break;
	}
	__atomic_store_n(slot, 0, __ATOMIC_SEQ_CST);
	waiter_free(w);
	return NULL;
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

/* ENOENT from the kernel: the requester was interrupted or died. */
static void
answer(struct waiter *w, int err)
{
	w->resp->id = w->id;
	w->resp->error = -err;
	(void)ioctl(w->listener, SECCOMP_IOCTL_NOTIF_SEND, w->resp);
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
