/* SPDX-License-Identifier: MIT */
/*
 * loop.c: the broker's event loop over epoll.  Owns the epoll descriptor
 * and the entries; never the watched descriptors, which each entry's
 * release callback closes.  Level-triggered, so a callback that serves
 * one message and returns leaves the rest for a later round, and epoll
 * moves a still-ready entry behind the others: no channel starves another.
 * Dispatch allocates nothing.
 */
#include "config.h"

#include <sys/epoll.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "loop.h"
#include "spin.h"

#define LOOP_BATCH	64	/* events taken per epoll_wait */

struct loop_entry {
	int fd;
	int dead;		/* removed; events still in the batch skip it */
	loop_fn fn;
	loop_release_fn release;
	void *arg;
	struct loop_entry *prev, *next;
};

struct loop {
	int epfd;
	int dispatching;
	size_t n;
	struct loop_entry *live;	/* doubly linked */
	struct loop_entry *dead;	/* removed during a batch, via next */
	int spin_us;			/* loop_set_spin() */
	int64_t hot_until;		/* poll until then (spin_now()) */
	struct epoll_event events[LOOP_BATCH];
};

static struct loop_entry *find(const struct loop *l, int fd);
static void	release(struct loop_entry *e);
static void	release_dead(struct loop *l);
static int	wait_events(struct loop *l, int timeout_ms);

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	return l;
}

void
loop_free(struct loop *l)
{
	struct loop_entry *e;
	int save_errno = errno;

	if (l == NULL)
		return;
	while ((e = l->live) != NULL) {
		l->live = e->next;
		release(e);
	}
	release_dead(l);
	fd_close(l->epfd);
	free(l);
	errno = save_errno;
}

static struct loop_entry *
find(const struct loop *l, int fd)
{
	struct loop_entry *e;

	for (e = l->live; e != NULL; e = e->next) {
		if (e->fd == fd)
			return e;
	}
	return NULL;
}

static void
release(struct loop_entry *e)
{
	if (e->release != NULL)
		e->release(e->arg);
	free(e);
}

static void
release_dead(struct loop *l)
{
	struct loop_entry *e;

	while ((e = l->dead) != NULL) {
		l->dead = e->next;
		release(e);
	}
}

int
loop_add(struct loop *l, int fd, loop_fn fn, loop_release_fn rel, void *arg)
{
	return loop_add_events(l, fd, EPOLLIN, fn, rel, arg);
}

int
loop_add_events(struct loop *l, int fd, unsigned events, loop_fn fn,
		loop_release_fn rel, void *arg)
{
	struct epoll_event ev;
	struct loop_entry *e;

	if (l == NULL || fd < 0 || fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (find(l, fd) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	e->fd = fd;
	e->fn = fn;
	e->release = rel;
	e->arg = arg;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = e;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		free(e);
		return -1;
	}
	e->next = l->live;
	if (l->live != NULL)
		l->live->prev = e;
	l->live = e;
	l->n++;
	return 0;
}

void
loop_remove(struct loop *l, int fd)
{
	struct loop_entry *e;
	int save_errno = errno;

	if (l == NULL || (e = find(l, fd)) == NULL)
		return;
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		l->live = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	l->n--;
	/*
	 * Events for this entry may still sit in the batch being
	 * dispatched: they point at it, so it stays allocated (and its
	 * descriptor open, so the number cannot be reused) until the
	 * batch is over.
	 */
	if (l->dispatching) {
		e->dead = 1;
		e->next = l->dead;
		l->dead = e;
	} else {
		release(e);
	}
	errno = save_errno;
}

size_t
loop_size(const struct loop *l)
{
	return l == NULL ? 0 : l->n;
}

size_t
loop_count(const struct loop *l, loop_fn fn)
{
	const struct loop_entry *e;
	size_t n = 0;

	if (l == NULL)
		return 0;
	for (e = l->live; e != NULL; e = e->next) {
		if (e->fn == fn)
			n++;
	}
	return n;
}

int
loop_run_once(struct loop *l, int timeout_ms)
{
	struct loop_entry *e;
	int i, n, ran = 0;

	if (l == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((n = wait_events(l, timeout_ms)) == -1)
		return -1;
	l->dispatching = 1;
	for (i = 0; i < n; i++) {
		e = l->events[i].data.ptr;
		if (e->dead)
			continue;
		e->fn(e->arg, e->fd, l->events[i].events);
		ran++;
	}
	l->dispatching = 0;
	release_dead(l);
	if (ran > 0 && l->spin_us > 0)
		l->hot_until = spin_now() + l->spin_us * 1000LL;
	return ran;
}

void
loop_set_spin(struct loop *l, int us)
{
	l->spin_us = us > 0 ? us : 0;
}

/*
 * Poll while the loop is hot (an event was served less than spin_us
 * ago), yielding between polls, then sleep in epoll_wait() as usual.
 */
static int
wait_events(struct loop *l, int timeout_ms)
{
	int n;

	while (timeout_ms != 0 && l->hot_until != 0) {
		if ((n = epoll_wait(l->epfd, l->events, LOOP_BATCH, 0)) != 0)
			return n;
		if (spin_now() >= l->hot_until)
			l->hot_until = 0;
		else
			(void)sched_yield();
	}
	return epoll_wait(l->epfd, l->events, LOOP_BATCH, timeout_ms);
}
