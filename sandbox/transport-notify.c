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
 * it, and the handlers open nothing that could wait for a peer.
 */
#include "config.h"

#include <sys/epoll.h>
#include <sys/ioctl.h>
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
#include "transport-notify.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

#define STATUS_MAX	8192	/* /proc/TID/status is about 1.5 KiB */
#define CHUNK		4096	/* no read crosses a 4 KiB boundary */

struct transport_notify {
	struct fdb_broker *b;
	struct loop *loop;
	struct broker_ops ops;
	int allow_net;
	int want_pid;
	int listener;			/* -1 once out of the loop */
	struct seccomp_notif *req;
	size_t req_size;
	struct seccomp_notif_resp *resp;
	size_t resp_size;
	struct notify_call call;
};

static void	 on_ready(void *arg, int fd, unsigned events);
static void	 on_release(void *arg);
static void	 serve(struct transport_notify *t);
static void	 answer(struct transport_notify *t, struct notify_reply *r);
static int	 read_status(struct notify_call *c);
static int	 proc_path(char *buf, size_t len, pid_t tid, const char *what,
		    int fd);

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

	if (b == NULL || o == NULL || o->policy == NULL || listener < 0) {
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
	t->ops.b = b;
	t->ops.policy = o->policy;
	t->ops.deny_errno = o->deny_errno;
	t->allow_net = o->allow_net;
	t->want_pid = o->want_pid;
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
	notify_fn fn;
	const char *name;

	c->ops = &t->ops;
	c->n = t->req;
	c->listener = t->listener;
	c->allow_net = t->allow_net;
	c->tid = (pid_t)t->req->pid;
	c->pid = 0;
	c->umask = 022;
	c->status_read = 0;
	c->want_pid = t->want_pid;
	c->mem = -1;
	c->mem_rw = 0;
	c->no_magic = 0;
	/* The filter kills foreign ABIs; a number here is native. */
	if (t->req->data.arch == seccomp_arch_native() &&
	    (fn = notify_calls_find(t->req->data.nr, &name)) != NULL)
		fn(c, &r);
	/* The target waits for the answer, not for our clean-up. */
	answer(t, &r);
	c->mem = fd_close(c->mem);
}

static void
answer(struct transport_notify *t, struct notify_reply *r)
{
	struct seccomp_notif_addfd a;
	int rc;

	if (r->kind == NOTIFY_FD) {
		memset(&a, 0, sizeof(a));
		a.id = t->req->id;
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
			return;
		r->kind = NOTIFY_VALUE;
		r->err = errno;
	}
	memset(t->resp, 0, t->resp_size);
	t->resp->id = t->req->id;
	if (r->kind == NOTIFY_CONTINUE)
		t->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (r->err != 0)
		t->resp->error = -r->err;
	else
		t->resp->val = r->val;
	/* ENOENT: the requester was interrupted or died meanwhile. */
	(void)ioctl(t->listener, SECCOMP_IOCTL_NOTIF_SEND, t->resp);
}

int
notify_valid(const struct notify_call *c)
{
	uint64_t id = c->n->id;

	return ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int
notify_target(struct notify_call *c, int write)
{
	char path[64];

	if (c->mem >= 0 && (c->mem_rw || !write))
		return 0;
	c->mem = fd_close(c->mem);
	if (proc_path(path, sizeof(path), c->tid, "mem", -1) == -1)
		return -1;
	/*
	 * The descriptor is bound to the address space of the process
	 * that has this tid now.  Checking the notification after opening
	 * proves that process is still the requester (a recycled tid
	 * would have ended the notification first), so every later read
	 * or write through it reaches the requester and nobody else.
	 */
	c->mem = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (c->mem == -1)
		return -1;
	c->mem_rw = write;
	if (!notify_valid(c)) {
		c->mem = fd_close(c->mem);
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/*
 * The requester's thread group and umask, from /proc/TID/status, read
 * once per notification and only when needed: it is the dearest file
 * of all to read.  Validity is checked after the read, as for memory:
 * the tid was the requester's while it was read.
 */
static int
notify_status(struct notify_call *c)
{
	if (c->status_read) {
		if (c->pid > 0)
			return 0;
		errno = ENOENT;
		return -1;
	}
	c->status_read = 1;
	if (read_status(c) == -1)
		return -1;
	if (!notify_valid(c)) {
		c->pid = 0;
		errno = ENOENT;
		return -1;
	}
	return 0;
}

pid_t
notify_pid(void *arg)
{
	struct notify_call *c = arg;

	return notify_status(c) == 0 ? c->pid : 0;
}

int
notify_read_path(struct notify_call *c, uint64_t addr, int i)
{
	char *buf = c->path[i];
	size_t got = 0, chunk;
	ssize_t n;

	if (addr == 0 || c->mem < 0) {
		errno = EFAULT;
		return -1;
	}
	/*
	 * One page at a time: a path that ends just before an unmapped
	 * page is valid, and a read across the boundary would fail.
	 */
	while (got < PATH_MAX) {
		chunk = CHUNK - (size_t)((addr + got) % CHUNK);
		if (chunk > PATH_MAX - got)
			chunk = PATH_MAX - got;
		n = pread(c->mem, buf + got, chunk, (off_t)(addr + got));
		if (n <= 0) {
			errno = EFAULT;
			return -1;
		}
		if (memchr(buf + got, '\0', (size_t)n) != NULL)
			return 0;
		got += (size_t)n;
	}
	errno = ENAMETOOLONG;
	return -1;
}

int
notify_read(struct notify_call *c, uint64_t addr, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(c->mem, (char *)buf + got, len - got,
		    (off_t)(addr + got));
		if (n <= 0 || addr == 0) {
			errno = EFAULT;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int
notify_write(struct notify_call *c, uint64_t addr, const void *buf,
	     size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (!c->mem_rw || addr == 0) {
		errno = EFAULT;
		return -1;
	}
	while (done < len) {
		n = pwrite(c->mem, (const char *)buf + done, len - done,
		    (off_t)(addr + done));
		if (n <= 0) {
			errno = EFAULT;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int
notify_base(struct notify_call *c, int dirfd, int i)
{
	char link[64];
	struct stat st;
	ssize_t n;

	c->base[i][0] = '\0';
	if (c->path[i][0] == '/')
		return 0;
	if (dirfd != AT_FDCWD && dirfd < 0) {
		errno = EBADF;
		return -1;
	}
	if (proc_path(link, sizeof(link), c->tid, dirfd == AT_FDCWD ? "cwd" :
	    "fd", dirfd) == -1)
		return -1;
	if (stat(link, &st) == -1) {
		if (errno == ENOENT && dirfd != AT_FDCWD)
			errno = EBADF;
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	/* Removed: its path means nothing. */
	if (st.st_nlink == 0) {
		errno = ENOENT;
		return -1;
	}
	n = readlink(link, c->base[i], PATH_MAX);
	if (n == -1)
		return -1;
	if (n >= PATH_MAX || c->base[i][0] != '/') {
		c->base[i][0] = '\0';
		errno = n >= PATH_MAX ? ENAMETOOLONG : ENOTDIR;
		return -1;
	}
	c->base[i][n] = '\0';
	return 0;
}

int
notify_getfd(struct notify_call *c, int fd)
{
	int pidfd, copy;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (notify_status(c) == -1)
		return -1;
	if ((pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0)) == -1)
		return -1;
	/* As for mem: the pidfd is the requester's only if still valid. */
	if (!notify_valid(c)) {
		fd_close(pidfd);
		errno = ENOENT;
		return -1;
	}
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	fd_close(pidfd);
	return copy;
}

int
notify_fd_path(struct notify_call *c, int fd, char *buf)
{
	char link[64];
	ssize_t n;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (proc_path(link, sizeof(link), c->tid, "fd", fd) == -1)
		return -1;
	if ((n = readlink(link, buf, PATH_MAX)) == -1) {
		if (errno == ENOENT)
			errno = EBADF;
		return -1;
	}
	if (n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

mode_t
notify_umask(struct notify_call *c)
{
	/* Without /proc/TID/status (gone, or "Umask:" before 4.7): 022. */
	(void)notify_status(c);
	return c->umask;
}

mode_t
notify_umask_set(struct notify_call *c)
{
	return umask(notify_umask(c));
}

void
notify_umask_restore(mode_t old)
{
	(void)umask(old);
}

/* Thread group and umask of the target, from /proc/TID/status. */
static int
read_status(struct notify_call *c)
{
	char path[64], buf[STATUS_MAX];
	const char *p;
	unsigned long mask;
	ssize_t n;
	int fd;

	if (proc_path(path, sizeof(path), c->tid, "status", -1) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	fd_close(fd);
	if (n <= 0) {
		errno = n == 0 ? ENOENT : errno;
		return -1;
	}
	buf[n] = '\0';
	if ((p = strstr(buf, "\nTgid:\t")) == NULL ||
	    (c->pid = (pid_t)strtol(p + 7, NULL, 10)) <= 0) {
		errno = ENOENT;
		return -1;
	}
	/* "Umask:" appeared in Linux 4.7; without it, 022. */
	if ((p = strstr(buf, "\nUmask:\t")) != NULL) {
		mask = strtoul(p + 8, NULL, 8);
		c->umask = (mode_t)(mask & 0777);
	}
	return 0;
}

/* "/proc/TID/WHAT" or, with @fd >= 0, "/proc/TID/WHAT/FD". */
static int
proc_path(char *buf, size_t len, pid_t tid, const char *what, int fd)
{
	int n;

	if (fd >= 0)
		n = snprintf(buf, len, "/proc/%d/%s/%d", (int)tid, what, fd);
	else
		n = snprintf(buf, len, "/proc/%d/%s", (int)tid, what);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
