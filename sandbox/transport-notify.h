/* SPDX-License-Identifier: MIT */
/*
 * transport-notify.h: the notify transport (SPEC §2.2), broker side.  A
 * seccomp listener is served by a pool of threads: each notification's
 * arguments are read once from the target (notify-calls.c), decided and
 * acted on by the broker (broker_do()), and answered;
 * descriptors are installed with SECCOMP_IOCTL_NOTIF_ADDFD and
 * SECCOMP_ADDFD_FLAG_SEND.
 */
#ifndef FDBROKER_TRANSPORT_NOTIFY_H
#define FDBROKER_TRANSPORT_NOTIFY_H

#include <sys/types.h>

#include "fdbroker.h"

struct transport_notify;

struct transport_notify_opts {
	/*
	 * Find every requester's process id up front, for the decision
	 * hook (an audit log).  Otherwise it is read from /proc only where
	 * an answer depends on it (/proc/self), and the hook sees 0.
	 */
	int want_pid;
	/*
	 * The process groups that kill(0) may not signal for a requester
	 * in them (the broker's, the anchor's: notify-kill.h); 0: none.
	 */
	pid_t keep[2];
};

/*
 * transport_notify_probe: 0 when the kernel behind @listener (borrowed)
 * has SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SEND (Linux 5.14),
 * else -1 with errno ENOSYS.  Harmless: it sends no descriptor.
 */
int transport_notify_probe(int listener);

/*
 * transport_notify_new: serve @listener for @b from threads of its own
 * (the usable CPUs plus one, 2 to 8), until no process uses the filter any
 * more (the listener hangs up) or transport_notify_free().  The threads
 * learn of the hang-up from RECV, which returns ENOENT once the filter
 * has no user (seen on Linux 6.18; kernels whose RECV waits on regardless
 * keep serving until transport_notify_free()).  The threads
 * take no signal but SIGURG, which stops them (a handler is installed);
 * the broker's decision hook is then called from them.  Takes ownership
 * of @listener, also on failure.  Returns NULL with errno on failure.
 */
struct transport_notify *transport_notify_new(struct fdb_broker *b,
    int listener, const struct transport_notify_opts *o);

/* transport_notify_active: 1 while the listener is still served. */
int transport_notify_active(const struct transport_notify *t);

/*
 * transport_notify_free: stop serving (each thread ends the request it
 * is in; pending notifications then fail with ENOSYS in their callers)
 * and release @t; NULL is a no-op.
 */
void transport_notify_free(struct transport_notify *t);

#endif /* FDBROKER_TRANSPORT_NOTIFY_H */
