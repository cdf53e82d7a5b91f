/* SPDX-License-Identifier: MIT */
/*
 * notify-calls.h: the table of the system calls fdbroker-run sends to the
 * broker (SPEC §2.2).  One table says, for each, its number, its name,
 * where its arguments are and which broker operation it is; the filter's
 * list of notified calls, the dispatch and the names in the records all
 * come from it, and --learn reads what each request needed from the
 * record.  Internal to sandbox/.
 */
#ifndef FDBROKER_NOTIFY_CALLS_H
#define FDBROKER_NOTIFY_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "broker.h"
#include "notify-target.h"

struct fdb_broker;

/* How a notification is answered. */
enum notify_kind {
	NOTIFY_VALUE,		/* return val, or fail with err */
	NOTIFY_FD,		/* install fd (ADDFD|SEND) and return it */
	NOTIFY_CONTINUE,	/* the kernel runs the call */
	NOTIFY_PENDING		/* the kernel's call goes on (fd): later */
};

struct notify_reply {
	enum notify_kind kind;
	int64_t val;
	int err;		/* positive errno, 0 for success */
	int fd;			/* NOTIFY_FD: ours, closed after */
	int cloexec;		/* NOTIFY_FD: O_CLOEXEC in the target */
	/*
	 * NOTIFY_PENDING: fd (ours) is the broker's copy of the socket
	 * whose connect is in progress, or the FIFO to open again once
	 * its peer comes; *later, what its record needs then
	 * (broker_report_later()).  The caller provides @later.
	 */
	struct broker_later *later;
};

/*
 * notify_calls_numbers: the native numbers of every call in the table,
 * *@n of them: what the filter sends to the broker.
 */
const int *notify_calls_numbers(size_t *n);

/*
 * notify_calls_ioctls: the ioctl requests the table serves, *@n of them:
 * what the filter sends to the broker of ioctl (which is not among
 * notify_calls_numbers()).
 */
const unsigned long *notify_calls_ioctls(size_t *n);

/* notify_calls_name: the name of mediated call @nr, or NULL. */
const char *notify_calls_name(int nr);

/*
 * notify_calls_serve: decode the notification of @c (a native call),
 * have broker @b decide and act, and fill @r.  @want_pid: find the
 * requester's process id for the record even where no answer needs it.
 */
void notify_calls_serve(struct fdb_broker *b, struct notify_call *c,
			int want_pid, struct notify_reply *r);

#endif /* FDBROKER_NOTIFY_CALLS_H */
