/* SPDX-License-Identifier: MIT */
/*
 * loop.h: the broker's event loop (epoll), descriptors and callbacks.
 * Callbacks run one at a time; each must not block.  Entries removed while
 * a batch of events is dispatched are released after the batch, so a
 * callback may remove any entry, its own included.
 */
#ifndef FDBROKER_LOOP_H
#define FDBROKER_LOOP_H

#include <stddef.h>

struct loop;

/*
 * Called when @fd is readable (or what loop_add_events() asked), or hung
 * up or in error (@events: EPOLL*).
 */
typedef void (*loop_fn)(void *arg, int fd, unsigned events);
/* Called once when the entry leaves the loop (loop_remove, loop_free). */
typedef void (*loop_release_fn)(void *arg);

/* loop_new: an empty loop; NULL with errno on failure. */
struct loop *loop_new(void);

/* loop_free: release every entry, then the loop; NULL is a no-op. */
void loop_free(struct loop *l);

/*
 * loop_add: watch @fd for input.  Borrows @fd: @release (may be NULL)
 * is where the owner closes it.  Returns 0, or -1 with errno (EEXIST
 * when @fd is watched already).
 */
int loop_add(struct loop *l, int fd, loop_fn fn, loop_release_fn release,
	     void *arg);

/*
 * loop_add_events: loop_add() for @events (EPOLLIN, EPOLLOUT) instead of
 * input alone; hang-ups and errors are reported whatever @events says.
 */
int loop_add_events(struct loop *l, int fd, unsigned events, loop_fn fn,
		    loop_release_fn release, void *arg);

/* loop_remove: stop watching @fd and release its entry; no-op if absent. */
void loop_remove(struct loop *l, int fd);

/* loop_size: the number of entries watched. */
size_t loop_size(const struct loop *l);

/*
 * loop_count: the number of entries watched with callback @fn, so that a
 * transport can count its own entries in a loop it shares with others.
 */
size_t loop_count(const struct loop *l, loop_fn fn);

/*
 * loop_set_spin: for @us microseconds after an event (0: never), poll
 * instead of sleeping (spin.h says why).  The wait may then last up to
 * @us longer than loop_run_once()'s time-out.
 */
void loop_set_spin(struct loop *l, int us);

/*
 * loop_run_once: wait at most @timeout_ms (-1: forever) and dispatch what
 * is ready.  Returns the number of callbacks run, 0 on time-out, or -1
 * with errno (EINTR included).
 */
int loop_run_once(struct loop *l, int timeout_ms);

#endif /* FDBROKER_LOOP_H */
