/* SPDX-License-Identifier: MIT */
/*
 * transport-notify.c: the notify transport's mechanics.  It owns the
 * seccomp listener (registered in the broker's loop), receives one
 * notification per readiness, reaches the target's memory and /proc
 * entries for the handlers in notify-calls.c, and answers: a value, an
 * errno, or a descriptor installed with ADDFD|SEND.
 *
 * The broker never blocks on a target: the target is stopped in the
 * system call while it is served, /proc/TID/mem reads do not wait for
 * it, and the handlers open nothing that could wait for a peer.  A
 * network connect() that the kernel is still making (--allow-net) is
 * answered when it ends: its socket is watched in the loop meanwhile,
 * and the other requests are served (PENDING_MAX of them at once; those
 * whose requester is gone are dropped at the next one).
 */
#include "config.h"

#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "fd.h"
#include "loop.h"
#include "notify-calls.h"
#include "notify-kill.h"
#include "notify-proc.h"
#include "transport-notify.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

/*
 * Connects in progress at once.  Each holds the broker's copy of a
 * socket until the kernel ends it (up to its TCP time-out, about two
 * minutes) or its requester is found gone (drop_gone()); past this, a
 * blocking connect that does not end at once fails with EAGAIN
 * (connect(2): "insufficient entries").
 */
#define PENDING_MAX	64

struct transport_notify;

/* A connect() in progress, answered when its socket is writable. */
struct pending {
	struct transport_notify *t;
	struct pending *prev, *next;
	uint64_t id;		/* the notification */
	int fd;			/* the broker's copy of the socket */
	pid_t pid;		/* for the record */
	const char *call;
	int listed;		/* in t->pending, counted in t->npending */
};

struct transport_notify {
	struct fdb_broker *b;
	struct loop *loop;
	int want_pid;
	pid_t keep[2];			/* for kill(0) */
	int listener;			/* -1 once out of the loop */
	struct seccomp_notif *req;
	size_t req_size;
	struct seccomp_notif_resp *resp;
	size_t resp_size;
	struct notify_call call;
	struct pending *pending;	/* connects in progress */
	size_t npending;
};

static void	 on_ready(void *arg, int fd, unsigned events);
static void	 on_release(void *arg);
static void	 serve(struct transport_notify *t);
static int	 answer(struct transport_notify *t, uint64_t id,
		    struct notify_reply *r);
static void	 pend(struct transport_notify *t, struct notify_reply *r);
static void	 drop_gone(struct transport_notify *t);
static void	 unlist(struct pending *p);
static void	 on_connected(void *arg, int fd, unsigned events);
static void	 on_pending_release(void *arg);
static void	 connect_ended(struct transport_notify *t, uint64_t id,
		    pid_t pid, const char *call, int err);

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
	t->req_size = sizes.seccomp_notif > sizeof(*t->req) ?
	    sizes.seccomp_notif : sizeof(*t->req);
	t->resp_size = sizes.seccomp_notif_resp > sizeof(*t->resp) ?
	    sizes.seccomp_notif_resp : sizeof(*t->resp);
	t->b = b;
	t->loop = broker_loop(b);
	t->want_pid = o->want_pid;
	t->keep[0] = o->keep[0];
	t->keep[1] = o->keep[1];
	t->listener = listener;
	t->call.mem = -1;
	/*
	 * Linux 6.6: answer on the target's CPU.  Measured (make bench,
	 * section 7): stat and refusals stay on one CPU and lose the
	 * cross-CPU wake-up; ADDFD opens neither gain nor lose.  Older
	 * kernels refuse the ioctl, which changes nothing.
	 */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	if ((t->req = calloc(1, t->req_size)) == NULL ||
	    (t->resp = calloc(1, t->resp_size)) == NULL ||
	    loop_add(t->loop, listener, on_ready, on_release, t) == -1) {
		t->listener = fd_close(listener);
		transport_notify_free(t);
		return NULL;
	}
	return t;
}

int
transport_notify_active(const struct transport_notify *t)
{
	return t != NULL && t->listener >= 0;
}

void
transport_notify_free(struct transport_notify *t)
{
	int save_errno = errno;

	if (t == NULL)
		return;
	/* Their requesters are gone with the sandbox: nothing to answer. */
	while (t->pending != NULL)
		loop_remove(t->loop, t->pending->fd);	/* unlinks it */
	if (t->listener >= 0)
		loop_remove(t->loop, t->listener);	/* closes it */
	free(t->req);
	free(t->resp);
	free(t);
	errno = save_errno;
}

static void
on_release(void *arg)
{
	struct transport_notify *t = arg;

	t->listener = fd_close(t->listener);
}

static void
on_ready(void *arg, int fd, unsigned events)
{
	struct transport_notify *t = arg;

	/* EPOLLHUP alone: no process uses the filter any more. */
	if (!(events & EPOLLIN)) {
		loop_remove(t->loop, fd);
		return;
	}
	memset(t->req, 0, t->req_size);
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, t->req) == -1) {
		/* ENOENT: the requester went away before we got to it. */
		if (errno != EINTR && errno != ENOENT)
			loop_remove(t->loop, fd);
		return;
	}
	serve(t);
}

static void
serve(struct transport_notify *t)
{
	struct notify_call *c = &t->call;
	struct notify_reply r = {
		.kind = NOTIFY_VALUE, .err = ENOSYS, .fd = -1,
	};
	struct notify_kill k = { 0, 0 };
	struct notify_signal s = { .pidfd = -1 };

	notify_call_reset(c, t->req, t->listener);
	/*
	 * The filter kills foreign ABIs; a number here is native.  Calls
	 * on a process are no file request: notify-kill.c serves kill(0),
	 * which means the caller's group, the one thing another of its
	 * threads could change after a check; notify-proc.c the others.
	 */
	if (t->req->data.arch != seccomp_arch_native())
		;
	else if (t->req->data.nr == SYS_kill &&
	    (uint32_t)t->req->data.args[0] == 0)
		notify_kill_serve(c, t->keep, 2, &r, &k);
	else if (!notify_proc_serve(c, t->keep[1], &r, &s))
		notify_calls_serve(t->b, c, t->want_pid, &r);
	/* The target waits for the answer, not for our clean-up. */
	if (r.kind == NOTIFY_PENDING)
		pend(t, &r);
	else if (answer(t, t->req->id, &r) == 0) {
		notify_kill_send(&k);
		notify_proc_send(&s);
	}
	/* Not answered (the requester went away): nothing is sent. */
	s.pidfd = fd_close(s.pidfd);
	notify_call_end(c);
}

/* 0 once the requester of notification @id has the answer. */
static int
answer(struct transport_notify *t, uint64_t id, struct notify_reply *r)
{
	struct seccomp_notif_addfd a;
	int rc;

	if (r->kind == NOTIFY_FD) {
		memset(&a, 0, sizeof(a));
		a.id = id;
		a.flags = SECCOMP_ADDFD_FLAG_SEND;
		a.srcfd = (uint32_t)r->fd;
		a.newfd_flags = r->cloexec ? O_CLOEXEC : 0;
		/*
		 * Install and answer in one step: the target cannot see the
		 * call return before its descriptor exists.  On failure (its
		 * table is full: EMFILE) the call is still ours to answer.
		 */
		rc = ioctl(t->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		r->fd = fd_close(r->fd);
		if (rc >= 0 || errno == ENOENT)
			return rc >= 0 ? 0 : -1;
		r->kind = NOTIFY_VALUE;
		r->err = errno;
	}
	memset(t->resp, 0, t->resp_size);
	t->resp->id = id;
	if (r->kind == NOTIFY_CONTINUE)
		t->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (r->err != 0)
		t->resp->error = -r->err;
	else
		t->resp->val = r->val;
	/* ENOENT: the requester was interrupted or died meanwhile. */
	return ioctl(t->listener, SECCOMP_IOCTL_NOTIF_SEND, t->resp) == -1 ?
	    -1 : 0;
}

/*
 * A connect() in progress on a blocking socket (@r): its socket watched
 * until the kernel ends it, its requester answered then.  Past
 * PENDING_MAX, or when it cannot be watched, EAGAIN now.
 */
static void
pend(struct transport_notify *t, struct notify_reply *r)
{
	struct pending *p = NULL;

	drop_gone(t);
	if (t->npending < PENDING_MAX && (p = calloc(1, sizeof(*p))) != NULL) {
		p->t = t;
		p->id = t->req->id;
		p->fd = r->fd;
		p->pid = r->pid;
		p->call = r->call;
		if (loop_add_events(t->loop, r->fd, EPOLLOUT, on_connected,
		    on_pending_release, p) == 0) {
			p->next = t->pending;
			if (t->pending != NULL)
				t->pending->prev = p;
			t->pending = p;
			t->npending++;
			p->listed = 1;
			return;
		}
		free(p);
	}
	r->fd = fd_close(r->fd);
	connect_ended(t, t->req->id, r->pid, r->call, EAGAIN);
}

/*
 * Drop the connects whose requester is gone (killed while it waited):
 * their answers are no one's, and their sockets would take the table
 * until the kernel gives up on them, minutes later.  Their record says
 * ECONNABORTED.
 */
static void
drop_gone(struct transport_notify *t)
{
	struct pending *p, *next;

	for (p = t->pending; p != NULL; p = next) {
		next = p->next;
		if (ioctl(t->listener, SECCOMP_IOCTL_NOTIF_ID_VALID,
		    &p->id) == -1 && errno == ENOENT) {
			broker_report_connect(t->b, p->pid, p->call,
			    ECONNABORTED);
			/* Its entry may outlive this batch of events. */
			unlist(p);
			loop_remove(t->loop, p->fd);	/* frees p */
		}
	}
}

/* The kernel ended the connect: writable, or an error (SO_ERROR). */
static void
on_connected(void *arg, int fd, unsigned events)
{
	struct pending *p = arg;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)events;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	connect_ended(p->t, p->id, p->pid, p->call, err);
	loop_remove(p->t->loop, fd);
}

static void
on_pending_release(void *arg)
{
	struct pending *p = arg;

	unlist(p);
	fd_close(p->fd);
	free(p);
}

/* Take @p out of the connects in progress (once). */
static void
unlist(struct pending *p)
{
	struct transport_notify *t = p->t;

	if (!p->listed)
		return;
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		t->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	t->npending--;
	p->listed = 0;
}

/* Answer the connect of notification @id with @err; its one record. */
static void
connect_ended(struct transport_notify *t, uint64_t id, pid_t pid,
	      const char *call, int err)
{
	struct notify_reply r = { .kind = NOTIFY_VALUE, .err = err, .fd = -1 };

	/* No listener: no process uses the filter any more. */
	if (t->listener >= 0)
		(void)answer(t, id, &r);
	broker_report_connect(t->b, pid, call, err);
}
