/* SPDX-License-Identifier: MIT */
/*
 * notify-proc.h: the calls of an fdbroker-run command that name another
 * process (SPEC §4: signals, F_SETOWN, scheduling and priority, resource
 * limits), as the broker serves them.  The filter lets a call on the
 * caller itself (pid 0) through and refuses the forms that name a user
 * or everyone; one that names a pid, a thread id or a process group
 * comes here, and is done only on processes of the sandbox.  No file
 * policy is involved, so no decision record is made.  Internal to
 * sandbox/.
 */
#ifndef FDBROKER_NOTIFY_PROC_H
#define FDBROKER_NOTIFY_PROC_H

#include "notify-calls.h"
#include "notify-target.h"

#include <signal.h>

/* A signal to send once the requester has its answer. */
struct notify_signal {
	int pidfd;		/* of the target; -1: none */
	int sig;
	int has_info;
	siginfo_t info;
	unsigned flags;		/* pidfd_send_signal()'s */
};

/*
 * notify_proc_serve: when @c is a call on a process, decide and act,
 * fill @r and return 1; else return 0 and leave @r alone.  The
 * sandbox's processes are the requester's threads and the processes
 * below @anchor (a subreaper: anchor.c), not the anchor itself.  A
 * signal the broker sends for the requester is left in @s (pidfd -1
 * when none): sent before the answer, it could end the requester's wait
 * (a SIGCHLD from a child it kills), and kill() would fail with EINTR.
 */
int notify_proc_serve(struct notify_call *c, pid_t anchor,
		      struct notify_reply *r, struct notify_signal *s);

/*
 * notify_proc_send: send the signal @s holds, after the answer, and
 * close its pidfd.  Its outcome is not told: a target that exits in
 * between would have been too late for the signal anyway.
 */
void notify_proc_send(struct notify_signal *s);

#endif /* FDBROKER_NOTIFY_PROC_H */
