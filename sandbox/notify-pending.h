/* SPDX-License-Identifier: MIT */
#ifndef FDB_NOTIFY_PENDING_H
#define FDB_NOTIFY_PENDING_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

struct fdb_broker;
struct notify_pending;

/*
 * The signal that interrupts the notify transport's threads when it
 * ends; transport-notify.c installs its handler (no SA_RESTART).
 */
#define NOTIFY_KICK	SIGURG

/*
 * notify_pending_new: the connects in progress of the notify transport
 * whose listener is @listener (borrowed: each waiter holds a copy of its
 * own) and whose notification answers are @resp_size bytes.  NULL and
 * errno on failure.
 */
struct notify_pending *notify_pending_new(struct fdb_broker *b,
					  int listener, size_t resp_size);

/*
 * notify_pending_add: answer notification @id, a connect() by @pid's
 * call @call that the kernel is still making on socket @fd (the
 * broker's copy), once the kernel ends it: with 0 or its error, then
 * its one record (broker_report_connect()).  Returns 0 when a waiter
 * took it (and @fd) over; -1 past the limit or when no waiter can
 * start: then @fd, the answer (EAGAIN) and the record are the caller's.
 */
int notify_pending_add(struct notify_pending *p, uint64_t id, int fd,
			pid_t pid, const char *call);

/*
 * notify_pending_free: every waiter told to stop and gone (their
 * requesters are answered nothing: the sandbox is ending), then @p.
 */
void notify_pending_free(struct notify_pending *p);

#endif
