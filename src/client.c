/* SPDX-License-Identifier: MIT */
/*
 * client.c: the confined side of the native protocol, fdb_open().  It
 * runs under the seccomp filter, so it allocates nothing and makes no
 * system call beyond sendmsg, recvmsg, sched_getaffinity, sched_yield,
 * fcntl and close (and clock_gettime, where the vDSO cannot answer).  The
 * broker is trusted, yet its reply is still checked: a descriptor arrives
 * only with a success status, and anything else is closed.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>

#include "api.h"
#include "fd.h"
#include "fdbroker.h"
#include "fdpass.h"
#include "spin.h"
#include "wire.h"

static int	request(int chan, int flags, mode_t mode, const char *path);
static int	answer(int chan);
static ssize_t	recv_reply(int chan, void *buf, size_t len, int *fd);

static int
request(int chan, int flags, mode_t mode, const char *path)
{
	char buf[WIRE_REQ_MAX];
	long len;
	ssize_t n;

	len = wire_pack_req(buf, sizeof(buf), FDB_OP_OPEN, flags,
			    (uint32_t)mode, path);
	if (len == -1)
		return -1;
	/* MSG_NOSIGNAL: a broker that is gone is EPIPE, not SIGPIPE. */
	if ((n = fdpass_send(chan, buf, (size_t)len, -1, 0)) == -1)
		return -1;
	if (n != len) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static int
answer(int chan)
{
	unsigned char buf[sizeof(struct wire_rep)];
	struct wire_rep rep;
	ssize_t n;
	int fd = -1;

	if ((n = recv_reply(chan, buf, sizeof(buf), &fd)) == -1)
		return -1;
	if (n == 0) {
		errno = ECONNRESET;
		return -1;
	}
	if (wire_unpack_rep(buf, (size_t)n, FDB_OP_OPEN, &rep) == -1)
		return fd_close(fd);
	if (rep.status != 0) {
		fd_close(fd);
		errno = rep.status;
		return -1;
	}
	if (fd == -1) {
		errno = EPROTO;
		return -1;
	}
	return fd;
}

/* Poll for the reply for a while before sleeping (spin.h says why). */
static ssize_t
recv_reply(int chan, void *buf, size_t len, int *fd)
{
	int64_t end = spin_now() + SPIN_US * 1000LL;
	ssize_t n;

	if (!spin_useful())
		return fdpass_recv(chan, buf, len, fd, 0);
	do {
		n = fdpass_recv(chan, buf, len, fd, MSG_DONTWAIT);
		if (n != -1 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return n;
		(void)sched_yield();
	} while (spin_now() < end);
	return fdpass_recv(chan, buf, len, fd, 0);
}

FDB_API int
fdb_open(int chan, const char *path, int flags, mode_t mode)
{
	int fd;

	if (path == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (strnlen(path, PATH_MAX) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* As open(2): an empty path names nothing. */
	if (path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (request(chan, flags, mode, path) == -1 || (fd = answer(chan)) == -1)
		return -1;
	/*
	 * MSG_CMSG_CLOEXEC gave us the descriptor with FD_CLOEXEC, which
	 * keeps it from leaking while we look at the reply; the caller gets
	 * exactly the flag it asked for.
	 */
	if (!(flags & O_CLOEXEC) && fcntl(fd, F_SETFD, 0) == -1)
		return fd_close(fd);
	return fd;
}
