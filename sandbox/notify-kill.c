/* SPDX-License-Identifier: MIT */
/*
 * notify-kill.c: kill(0, SIG) decided and performed by the broker
 * (notify-kill.h).  It owns only that decision: which process group the
 * requester means, and whether the broker may signal it for it.
 *
 * Acting, not CONTINUE (SPEC §2): after CONTINUE the kernel would take
 * the caller's group again, and another thread of the caller may have
 * moved the process into the broker's group meanwhile.  The broker
 * signals the group it read, by number.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "notify-kill.h"
#include "procstat.h"

void
notify_kill_serve(struct notify_call *c, const pid_t *keep, size_t n,
		  struct notify_reply *r, struct notify_kill *k)
{
	char path[64];
	struct stat st;
	pid_t pgid;
	size_t i;

	k->pgid = 0;
	r->kind = NOTIFY_VALUE;
	r->err = EPERM;
	k->sig = (int)(uint32_t)c->n->data.args[1];
	if (k->sig < 0 || k->sig >= NSIG) {
		r->err = EINVAL;
		return;
	}
	/*
	 * The group, and the effective user ID (the owner of /proc/TID) of
	 * the requesting thread, confirmed its by the check after them.
	 */
	if ((pgid = getpgid(c->tid)) <= 0 ||
	    notify_proc(c, "", -1, path, sizeof(path)) == -1 ||
	    stat(path, &st) == -1 || !notify_valid(c)) {
		r->err = ESRCH;
		return;
	}
	if (st.st_uid != geteuid())
		return;
	for (i = 0; i < n; i++)
		if (keep[i] > 0 && pgid == keep[i])
			return;
	/*
	 * A process may join another group of its session (setpgid), one
	 * of the user's other jobs: the broker signals a group only when
	 * its leader is a process of the sandbox, below the anchor
	 * (keep[1]).  Without Landlock's signal scope (ABI 6) on the
	 * broker, nothing else would stop it signalling for the command
	 * what the command may not.
	 */
	if (n < 2 || keep[1] <= 0 || !procstat_below(pgid, keep[1]))
		return;
	r->err = 0;
	r->val = 0;
	k->pgid = pgid;
}

void
notify_kill_send(const struct notify_kill *k)
{
	if (k->pgid > 1)
		(void)kill(-k->pgid, k->sig);
}
