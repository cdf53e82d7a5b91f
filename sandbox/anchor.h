/* SPDX-License-Identifier: MIT */
/*
 * anchor.h: the process between fdbroker-run (the broker) and the
 * command, which ties the lifetime of everything the command starts to
 * the command's and to the broker's (SPEC §4: outlive the sandbox).
 *
 * The anchor is a child subreaper (PR_SET_CHILD_SUBREAPER): whatever the
 * command starts, double forks and setsid() included, stays below it, so
 * every orphan of the sandbox becomes the anchor's child rather than
 * init's.  It ends the sandbox, killing and reaping every descendant,
 * when the command exits, when the broker asks, and when the broker dies
 * (its parent-death signal), then reports the command's wait status and
 * exits.  It runs no code of the command's and is not confined; the
 * command's filter keeps it from being signalled (filter-notify.c).
 * Internal to sandbox/.
 */
#ifndef FDBROKER_ANCHOR_H
#define FDBROKER_ANCHOR_H

#include <sys/types.h>
#include <stddef.h>

struct anchor_opts {
	pid_t broker;			/* the parent (> 0) */
	int report;			/* where the wait status is written */
	int handover;			/* the command's alone: closed here */
	/* Run in the command's process; must not return. */
	void (*command)(void *arg);
	void *arg;
	/* Signals the broker forwards, relayed to the command. */
	const int *forward;
	size_t nforward;
	/*
	 * Run once every process of the sandbox is gone, before the report,
	 * also when the broker died first; NULL: nothing.
	 */
	void (*at_end)(void *arg);
	void *end_arg;
};

/*
 * anchor_signal: the signal that makes the anchor end the sandbox: its
 * parent-death signal, and what the broker sends to stop the command.
 */
int anchor_signal(void);

/*
 * anchor_term_signal: the signal that makes the anchor send SIGTERM to
 * every process below it, the command included, and keep waiting
 * (--timeout's first step; anchor_signal() is the second).
 */
int anchor_term_signal(void);

/*
 * anchor_run: become the anchor (in the forked child of the broker, with
 * SIGCHLD and @o->forward blocked; it blocks anchor_signal() and
 * anchor_term_signal() itself), fork the command,
 * and end when the sandbox ends.  If the command exited, its wait status
 * (an int) is written to @o->report before the anchor exits 0; if the
 * anchor could not start the command it exits 125 without a report.
 * Every descriptor the anchor has is inherited by the command: the caller
 * makes its own close-on-exec.  @o->handover is closed in the anchor once
 * the command is forked, so that its peer sees the end of the command.
 */
void anchor_run(const struct anchor_opts *o) __attribute__((noreturn));

/*
 * anchor_sweep: kill (SIGKILL) and reap every descendant of the calling
 * process, until it has no child left.  For a child subreaper, whose
 * descendants' orphans come back to it, that is every process below it.
 * Returns 0, or -1 with errno when /proc cannot be read (descendants may
 * then be left running).
 */
int anchor_sweep(void);

#endif /* FDBROKER_ANCHOR_H */
