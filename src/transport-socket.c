/* SPDX-License-Identifier: MIT */
/*
 * transport-socket.c: the broker side of the native protocol.  Each
 * channel is one SOCK_SEQPACKET socket to one child, registered with the
 * broker's loop.  A child is hostile: it gets one request served per
 * round, nothing here ever blocks on it, and any breach of the protocol
 * (malformed request, descriptor sent to the broker, reply it will not
 * take) closes its channel and only its channel.  The descriptor opened
 * for a child is closed here right after it was sent, on every path.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "broker.h"
#include "fd.h"
#include "fdbroker.h"
#include "fdpass.h"
#include "loop.h"
#include "spin.h"
#include "wire.h"

struct channel {
	struct fdb_broker *b;
	int fd;
	pid_t pid;		/* given when added, or 0 */
	struct fdpass_sender sender;	/* of the request being served */
	int pid_used;		/* its answer depends on who sent it */
};

static int	serve_open(struct channel *ch, const struct wire_req *req,
		    const char *path);
static int	reply(struct channel *ch, uint32_t op, int status, int fd);
static int	still_alive(int pidfd);
static pid_t	sender_pid(void *arg);
static int	sender_pidfd(struct channel *ch, pid_t pid);
static pid_t	peer_pid(int fd);
static int	reply_status(int err);
static int	reply_pending(int fd);
static void	channel_read(void *arg, int fd, unsigned events);
static void	channel_release(void *arg);

/*
 * The reply carries the errno of the broker's own open of a granted path
 * (what the child would have seen opening it unconfined), or the deny
 * errno.  Only a value the wire cannot carry is replaced.
 */
static int
reply_status(int err)
{
	return err > 0 && err < 4096 ? err : EACCES;
}

/*
 * reply: send @status, with @fd when it is >= 0, without waiting.  A
 * child has one request outstanding and reads its reply before the next,
 * so a full socket means a child that does not follow the protocol.
 * Returns 0, or -1 when the channel must go.
 */
static int
reply(struct channel *ch, uint32_t op, int status, int fd)
{
	struct wire_rep rep;
	ssize_t n;

	wire_pack_rep(&rep, op, status);
	n = fdpass_send(ch->fd, &rep, sizeof(rep), fd, MSG_DONTWAIT);
	return n == (ssize_t)sizeof(rep) ? 0 : -1;
}

/*
 * reply_pending: whether the child has not yet taken our last reply.
 * SIOCOUTQ counts what we sent that the peer has not consumed; the kernel
 * frees a message inside the receiver's recvmsg(), so a child that read
 * its reply before asking again always finds it 0.  One request
 * outstanding per child also bounds the descriptors we have in flight to
 * it, which the kernel charges to the broker's user.
 */
static int
reply_pending(int fd)
{
	int n;

	if (ioctl(fd, SIOCOUTQ, &n) == -1)
		return 1;
	return n != 0;
}

static int
serve_open(struct channel *ch, const struct wire_req *req, const char *path)
{
	struct broker_req br;
	struct broker_res res;
	int r, status = 0;

	memset(&br, 0, sizeof(br));
	br.op = BROKER_OPEN;
	br.call = "open";
	br.who.pid = ch->sender.pid ? ch->sender.pid : ch->pid;
	br.who.pid_fn = sender_pid;
	br.who.pid_arg = ch;
	br.path[0] = path;
	br.fd = -1;
	br.flags = br.open_flags = req->flags;
	br.mode = (mode_t)req->mode;
	br.umask = BROKER_OWN_UMASK;
	if (sender_pidfd(ch, br.who.pid) == -1) {
		if (errno == ESRCH)	/* gone: nobody to answer */
			return -1;
		/* Out of descriptors: an answer, not a broken channel. */
		return reply(ch, req->op, reply_status(errno), -1);
	}
	ch->pid_used = 0;
	if (broker_do(ch->b, &br, &res) == -1)
		status = reply_status(errno);
	else if (ch->pid_used && ch->sender.pidfd != -1 &&
	    !still_alive(ch->sender.pidfd))
		res.fd = fd_close(res.fd), status = ESRCH;
	r = reply(ch, req->op, status, res.fd);
	fd_close(res.fd);
	return r;
}

/*
 * "/proc/self" is the sender's /proc/PID: if the sender died and its pid
 * went to another process meanwhile, that would be someone else's.  The
 * resolver asks for the pid only on the way to /proc/self; the pidfd of
 * the sender, checked after the open, tells whether the pid was still
 * the sender's.
 */
static pid_t
sender_pid(void *arg)
{
	struct channel *ch = arg;

	ch->pid_used = 1;
	return ch->sender.pid ? ch->sender.pid : ch->pid;
}

/*
 * The sender's pidfd, in ch->sender.pidfd.  The kernel's (SO_PASSPIDFD)
 * was taken when the request was sent; before Linux 6.5 one is taken
 * now, which leaves a window between the sender's death and this call.
 * -1 with ESRCH when the sender is gone.
 */
static int
sender_pidfd(struct channel *ch, pid_t pid)
{
	int err = ch->sender.pidfd_err;

	if (err != 0) {
		errno = err == EINVAL ? ESRCH : err;
		return -1;
	}
	if (ch->sender.pidfd != -1 || pid <= 0)
		return 0;
	ch->sender.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return ch->sender.pidfd == -1 ? -1 : 0;
}

/* Whether the process of @pidfd has not exited (a pidfd polls in then). */
static int
still_alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

static void
channel_read(void *arg, int fd, unsigned events)
{
	struct channel *ch = arg;
	struct wire_req req;
	const char *path;
	void *buf = broker_buffer(ch->b);
	ssize_t n;
	int served = 0;

	(void)events;
	/* One request per round, so that a busy child cannot starve others. */
	n = fdpass_recv_cred(fd, buf, WIRE_REQ_MAX, &ch->sender,
			     MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	/* End of stream, socket error or any protocol breach: drop it. */
	if (n <= 0 || wire_unpack_req(buf, (size_t)n, &req, &path) == -1)
		goto out;
	/* A second request before the first reply was read. */
	if (reply_pending(fd))
		goto out;
	/* wire_unpack_req() let through only the ops it knows: open. */
	served = serve_open(ch, &req, path) == 0;
out:
	ch->sender.pidfd = fd_close(ch->sender.pidfd);
	if (!served)
		loop_remove(broker_loop(ch->b), fd);
}

static void
channel_release(void *arg)
{
	struct channel *ch = arg;
	int save_errno = errno;

	fd_close(ch->fd);
	free(ch);
	errno = save_errno;
}

FDB_API int
fdb_broker_add_channel(struct fdb_broker *b, int fd, pid_t pid)
{
	struct channel *ch = NULL;
	int type, one = 1;
	socklen_t len = sizeof(type);

	if (b == NULL || fd < 0 || pid < 0) {
		errno = fd < 0 ? EBADF : EINVAL;
		goto fail;
	}
	/* Message boundaries are the protocol's framing: no streams. */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		goto fail;
	if (type != SOCK_SEQPACKET) {
		errno = EINVAL;
		goto fail;
	}
	/* The broker may fork workers later: none may inherit this one. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		goto fail;
	/*
	 * Every request names its sender, as the kernel saw it: a worker's
	 * children share its channel, and each one's /proc/self is its own.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == -1)
		goto fail;
	/* And, from Linux 6.5, a pidfd of it taken when it sent. */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSPIDFD, &one, sizeof(one)) ==
	    -1 && errno != ENOPROTOOPT)
		goto fail;
	if ((ch = malloc(sizeof(*ch))) == NULL)
		goto fail;
	ch->b = b;
	ch->fd = fd;
	ch->pid = pid != 0 ? pid : peer_pid(fd);
	ch->sender.pid = 0;
	ch->sender.pidfd = -1;
	ch->sender.pidfd_err = 0;
	ch->pid_used = 0;
	if (loop_add(broker_loop(b), fd, channel_read, channel_release,
	    ch) == -1)
		goto fail;
	loop_set_spin(broker_loop(b), spin_useful() ? SPIN_US : 0);
	return 0;
fail:
	free(ch);
	return fd_close(fd);
}

/*
 * peer_pid: the pid SO_PEERCRED names, or 0.  For a socketpair() that is
 * the process which created the pair, not the child it was handed to:
 * when that is the broker itself, the requester is unknown, and taking
 * our own pid would make "/proc/self" mean the broker's.
 */
static pid_t
peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    len != sizeof(cred) || cred.pid == getpid())
		return 0;
	return cred.pid > 0 ? cred.pid : 0;
}

FDB_API size_t
fdb_broker_channels(const struct fdb_broker *b)
{
	if (b == NULL)
		return 0;
	/* broker_loop() takes a mutable broker but only reads it here. */
	return loop_count(broker_loop((struct fdb_broker *)(uintptr_t)b),
			  channel_read);
}

FDB_API int
fdb_broker_serve(struct fdb_broker *b, int timeout_ms)
{
	if (b == NULL) {
		errno = EINVAL;
		return -1;
	}
	return loop_run_once(broker_loop(b), timeout_ms);
}
