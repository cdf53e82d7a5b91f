/* SPDX-License-Identifier: MIT */
#ifndef FDB_NOTIFY_PENDING_H
#define FDB_NOTIFY_PENDING_H

#include <stdint.h>
#include <sys/types.h>

struct fdb_broker;
struct broker_later;
struct notify_pending;

/*
 * notify_pending_new: the calls in progress of the notify transport
 * whose listener is @listener (borrowed: each waiter holds a copy of its
 * own) and whose notification answers are @resp_size bytes.  Signal
 * @kick interrupts a waiter's open of a FIFO: the caller has given it
 * a handler without SA_RESTART.  NULL and errno on failure.
 */
struct notify_pending *notify_pending_new(struct fdb_broker *b,
					  int listener, size_t resp_size,
					  int kick);

/*
 * notify_pending_add: answer notification @id once the kernel ends the
 * call that @later says (broker_later_keep()), then make its one record
 * (broker_report_later()).  A connect(): the kernel is still making it
 * on socket @fd (the broker's copy); answered with 0 or its error.  An
 * open(): @fd is the FIFO (resolve_out.fifo), opened again until its
 * peer comes; answered with that descriptor (O_CLOEXEC when @cloexec)
 * or the error.  Returns 0 when a waiter took it (and @fd) over; -1
 * past the limit or when no waiter can start: then @fd, the answer
 * (EAGAIN) and the record are the caller's.
 */
int notify_pending_add(struct notify_pending *p, uint64_t id, int fd,
		       int cloexec, const struct broker_later *later);

/*
 * notify_pending_stop: every waiter told to stop and kicked out of what
 * it waits in (again at each call).  A waiter may hold the broker's
 * lock on the decision hook while it writes a record to a --log nobody
 * reads, and a thread of the pool wait for that lock, uninterruptibly:
 * the transport's stop kicks both, or neither ever ends.
 */
void notify_pending_stop(struct notify_pending *p);

/*
 * notify_pending_free: every waiter told to stop and gone (their
 * requesters are answered nothing: the sandbox is ending), then @p.
 */
void notify_pending_free(struct notify_pending *p);

#endif
