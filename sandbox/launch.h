/* SPDX-License-Identifier: MIT */
/*
 * launch.h: fdbroker-run's launcher.  Forks the command, confines it
 * (Landlock for exec and its scopes, then the notify filters), receives
 * the seccomp listener over a socketpair with SCM_RIGHTS, serves it from
 * the broker's loop until the command exits, forwarding signals, and
 * gives back its wait status.
 */
#ifndef FDBROKER_LAUNCH_H
#define FDBROKER_LAUNCH_H

#include <stddef.h>

#include "cli.h"
#include "fdbroker.h"

struct launch_opts {
	char **argv;			/* the command, NULL-terminated */
	int allow_net;			/* filter and broker: --allow-net */
	int want_pid;			/* the hook logs process ids */
	/*
	 * Landlock for the broker itself (landlock_restrict_broker()),
	 * applied before the command is forked; NULL: none.  Borrowed.
	 * When it cannot be applied the command still runs, and
	 * *@confine_err (when not NULL) gets the errno, else 0.
	 */
	const struct fdb_policy *confine;
	int *confine_err;
	/*
	 * The policy whose x decisions Landlock enforces in the command
	 * (landlock_exec_ruleset()); NULL: the broker's.  Borrowed.
	 */
	const struct fdb_policy *exec;
	/*
	 * Fail (-1, a reason in err) rather than run with the broker's
	 * checks alone where the kernel lacks Landlock (the exec image),
	 * cannot bound the broker, or lacks ABI 6 (the scopes).
	 */
	int require_landlock;
	/* The command's process, before it is confined (cmdenv.c). */
	const char *chdir;		/* or NULL */
	const struct run_env *env;	/* nenv changes, in order */
	size_t nenv;
	const struct run_rlimit *rlimits;
	size_t nrlimits;
	/*
	 * After @timeout_ms (0: never) the command gets SIGTERM, every
	 * process of the sandbox after LAUNCH_GRACE_MS more SIGKILL, and
	 * *@timed_out is set.
	 */
	unsigned long timeout_ms;
	int *timed_out;			/* not NULL */
	/*
	 * Run by the anchor once every process of the sandbox is gone,
	 * even when the broker was killed (the private /dev/shm's removal);
	 * NULL: nothing.
	 */
	void (*at_end)(void *arg);
	void *end_arg;
};

/* How long the sandbox has to end after --timeout's SIGTERM. */
#define LAUNCH_GRACE_MS		2000

/*
 * launch_run: run @o->argv confined, with broker @b answering, and store
 * its wait status in *@status.  The command keeps the caller's terminal,
 * process group and descriptors 0-2 (others are close-on-exec as usual).
 * HUP, INT, QUIT, TERM, USR1, USR2, ALRM and WINCH sent to the caller
 * are forwarded to the command (a terminal's, sent to the whole group,
 * already reached it).  A command that cannot be executed exits 126 (127
 * when not found) after printing one line; one whose @o->chdir, @o->env
 * or @o->rlimits cannot be applied exits 125 after printing one line.
 * Returns 0, or -1 with errno and a one-line reason in @err (e.g. a
 * kernel without user notification or SECCOMP_ADDFD_FLAG_SEND: ENOSYS);
 * the command is then not running.
 */
int launch_run(struct fdb_broker *b, const struct launch_opts *o,
	       int *status, char *err, size_t errlen);

#endif /* FDBROKER_LAUNCH_H */
