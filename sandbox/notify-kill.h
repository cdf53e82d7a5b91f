/* SPDX-License-Identifier: MIT */
/*
 * notify-kill.h: kill(0, SIG) from the command, sent to the broker by the
 * filter (filter-notify.c).  It means "my own process group": fine for a
 * process that made a group of its own (timeout(1), a shell's job), the
 * broker itself for one still in the broker's group.  seccomp cannot see
 * the caller's group, the broker can.  Internal to sandbox/.
 */
#ifndef FDBROKER_NOTIFY_KILL_H
#define FDBROKER_NOTIFY_KILL_H

#include <sys/types.h>
#include <stddef.h>

#include "notify-calls.h"
#include "notify-target.h"

/* The signal to send once the requester has its answer. */
struct notify_kill {
	pid_t pgid;		/* 0: none */
	int sig;
};

/*
 * notify_kill_serve: decide kill(0, SIG) of the requester of @c and fill
 * @r.  Refused (EPERM) when the requester's process group is one of the
 * @n groups of @keep (the broker's, then the anchor's), when its leader
 * is not below the anchor (keep[1]), or when it acts under another user
 * ID than the
 * broker (the broker's signal must not carry more rights than the
 * requester's); else answered 0, and @k says which group to signal.
 */
void notify_kill_serve(struct notify_call *c, const pid_t *keep, size_t n,
		       struct notify_reply *r, struct notify_kill *k);

/*
 * notify_kill_send: send the signal @k holds, after the answer: sent
 * before, it would interrupt the requester's wait for the answer, and
 * the kernel would restart kill(0) (SA_RESTART) and ask again, forever.
 * The requester so gets it as it returns, instead of before.
 */
void notify_kill_send(const struct notify_kill *k);

#endif /* FDBROKER_NOTIFY_KILL_H */
