/* SPDX-License-Identifier: MIT */
/*
 * fdpass.c: one message with at most one descriptor, over an AF_UNIX
 * socket; the only code in the project that builds or parses control
 * messages.  On receive it is strict: every descriptor the kernel
 * installed and that was not asked for is closed before returning, on
 * every path, so a hostile peer cannot fill our descriptor table.  Also
 * the public fdb_send_fd()/fdb_recv_fd(), thin wrappers.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "fd.h"
#include "fdbroker.h"
#include "fdpass.h"

/* Linux 6.5: the kernel installs a pidfd when the receiver set SO_PASSPIDFD. */
#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04
#endif

/*
 * Room for the one descriptor we want plus several we do not, and for the
 * ancillary data a receiver with SO_PASSCRED/SO_PASSPIDFD gets anyway:
 * descriptors that do not fit are dropped by the kernel (MSG_CTRUNC), but
 * those that fit are installed in our table and must be seen to be closed.
 */
#define FDPASS_MAX_FDS	8
#define FDPASS_CMSG_SPACE \
	(CMSG_SPACE(sizeof(int) * FDPASS_MAX_FDS) + \
	 CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int)))

union fdpass_cmsg {
	struct cmsghdr hdr;	/* alignment */
	unsigned char buf[FDPASS_CMSG_SPACE];
};

static int	take_fds(struct cmsghdr *c, int *got, int want);
static int	take_pidfd(struct cmsghdr *c, struct fdpass_sender *s);
static int	walk_cmsgs(struct msghdr *msg, int *got, int want,
			   struct fdpass_sender *s);
static ssize_t	recv_one(int sock, void *buf, size_t len, int *fd,
			 struct fdpass_sender *s, int flags);

ssize_t
fdpass_send(int sock, const void *buf, size_t len, int fd, int flags)
{
	union {
		struct cmsghdr hdr;
		unsigned char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	if (buf == NULL || len == 0 || fd < -1) {
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	} while (n == -1 && errno == EINTR);
	return n;
}

/*
 * take_fds: the descriptors of one SCM_RIGHTS or SCM_PIDFD message.  The
 * first one is kept in *@got when @want and nothing was kept yet; every
 * other is closed at once.  Returns 0, or -1 when one had to be closed.
 */
static int
take_fds(struct cmsghdr *c, int *got, int want)
{
	const unsigned char *p = CMSG_DATA(c);
	size_t i, n;
	int fd, bad = 0;

	if (c->cmsg_len < CMSG_LEN(0))
		return -1;
	n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	for (i = 0; i < n; i++) {
		memcpy(&fd, p + i * sizeof(int), sizeof(int));
		if (want && *got == -1 && c->cmsg_type == SCM_RIGHTS) {
			*got = fd;
		} else {
			fd_close(fd);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * walk_cmsgs: visit every control message, even after a bad one, so that
 * every descriptor that arrived is either kept or closed.
 */
static int
walk_cmsgs(struct msghdr *msg, int *got, int want, struct fdpass_sender *s)
{
	struct cmsghdr *c;
	struct ucred cred;
	int bad = 0;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (s != NULL && c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_PIDFD) {
			if (take_pidfd(c, s) == -1)
				bad = 1;
		} else if (c->cmsg_level == SOL_SOCKET &&
		    (c->cmsg_type == SCM_RIGHTS || c->cmsg_type == SCM_PIDFD)) {
			if (take_fds(c, got, want) == -1)
				bad = 1;
		} else if (s != NULL && s->pid == 0 &&
			   c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SCM_CREDENTIALS &&
			   c->cmsg_len == CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			s->pid = cred.pid > 0 ? cred.pid : 0;
		} else {
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/*
 * The kernel's SCM_PIDFD: one int, a descriptor it installed, or a
 * negative errno when it could not make one (the sender was reaped
 * before Linux 6.16, the broker is out of descriptors).
 */
static int
take_pidfd(struct cmsghdr *c, struct fdpass_sender *s)
{
	int fd = -1;

	if (c->cmsg_len != CMSG_LEN(sizeof(int))) {
		(void)take_fds(c, &fd, 0);	/* closes them all */
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (s->pidfd != -1 || s->pidfd_err != 0) {
		fd_close(fd);
		return -1;
	}
	if (fd >= 0)
		s->pidfd = fd;
	else
		s->pidfd_err = fd > -4096 ? -fd : ESRCH;
	return 0;
}

ssize_t
fdpass_recv(int sock, void *buf, size_t len, int *fd, int flags)
{
	return recv_one(sock, buf, len, fd, NULL, flags);
}

ssize_t
fdpass_recv_cred(int sock, void *buf, size_t len, struct fdpass_sender *s,
		 int flags)
{
	s->pid = 0;
	s->pidfd = -1;
	s->pidfd_err = 0;
	return recv_one(sock, buf, len, NULL, s, flags);
}

static ssize_t
recv_one(int sock, void *buf, size_t len, int *fd, struct fdpass_sender *s,
	 int flags)
{
	union fdpass_cmsg u;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;
	int got = -1, bad;

	if (fd != NULL)
		*fd = -1;
	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	bad = walk_cmsgs(&msg, &got, fd != NULL, s);
	/*
	 * MSG_CTRUNC: descriptors were dropped, so the message is not what
	 * was sent.  MSG_TRUNC: part of a datagram was lost (a stream
	 * socket never reports it).  A descriptor riding on an empty message
	 * is refused too: the caller would take the 0 for end of stream.
	 */
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		bad = -1;
	if (n == 0 && got != -1)
		bad = -1;
	if (bad) {
		fd_close(got);
		if (s != NULL)
			s->pidfd = fd_close(s->pidfd);
		errno = EPROTO;
		return -1;
	}
	if (fd != NULL)
		*fd = got;
	return n;
}

FDB_API ssize_t
fdb_send_fd(int sock, const void *buf, size_t len, int fd)
{
	return fdpass_send(sock, buf, len, fd, 0);
}

FDB_API ssize_t
fdb_recv_fd(int sock, void *buf, size_t len, int *fd)
{
	if (fd == NULL) {
		errno = EINVAL;
		return -1;
	}
	return fdpass_recv(sock, buf, len, fd, 0);
}
