/* SPDX-License-Identifier: MIT */
/*
 * fdpass.h: one message with zero or one descriptor attached.  The only
 * module that touches CMSG_*.  Strict on receive: whatever was not asked
 * for is closed before returning.
 */
#ifndef FDBROKER_FDPASS_H
#define FDBROKER_FDPASS_H

#include <sys/types.h>
#include <stddef.h>

/*
 * fdpass_send: send @len (>= 1) bytes of @buf with @fd attached (none if
 * @fd is -1) in one sendmsg(MSG_NOSIGNAL | @flags); EINTR is retried.
 * Borrows @fd.  Returns the bytes sent, or -1 with errno (EAGAIN with
 * MSG_DONTWAIT, EPIPE or ECONNRESET when the peer is gone).
 */
ssize_t fdpass_send(int sock, const void *buf, size_t len, int fd, int flags);

/*
 * fdpass_recv: receive one message of at most @len bytes into @buf with
 * recvmsg(MSG_CMSG_CLOEXEC | @flags); EINTR is retried.  When @fd is NULL
 * no descriptor is accepted; otherwise *@fd gets the single descriptor
 * sent, or -1.  A message with more than one descriptor, any other
 * control message, MSG_CTRUNC, or MSG_TRUNC (on message sockets) has
 * everything it carried closed and fails with EPROTO.  Returns the bytes
 * received (0 at end of stream), or -1 with errno.
 */
ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fd, int flags);

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76	/* Linux 6.5 */
#endif

/* Who sent a message, as the kernel vouches (fdpass_recv_cred()). */
struct fdpass_sender {
	pid_t pid;	/* 0: no credentials attached */
	int pidfd;	/* the sender's pidfd (SO_PASSPIDFD), or -1 */
	int pidfd_err;	/* the kernel could not make one: its errno, or 0 */
};

/*
 * fdpass_recv_cred: as fdpass_recv() with no descriptor accepted, on a
 * socket with SO_PASSCRED set: @s->pid gets the sender's pid, or 0 for
 * a message sent before SO_PASSCRED was set (the kernel attaches
 * credentials only if the receiver asked first).  With SO_PASSPIDFD
 * (Linux 6.5) also set, @s->pidfd is a pidfd of the sender taken when it
 * sent, which the caller closes; a pid read later may name another
 * process, this descriptor never does.
 */
ssize_t fdpass_recv_cred(int sock, void *buf, size_t len,
			 struct fdpass_sender *s, int flags);

#endif /* FDBROKER_FDPASS_H */
