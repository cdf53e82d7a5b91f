/* SPDX-License-Identifier: MIT */
/*
 * notify-calls.h: between the notify transport's mechanics
 * (transport-notify.c: receiving, the target's memory, answering) and
 * its system call handlers (notify-calls.c).  Internal to sandbox/.
 *
 * The order every handler keeps (seccomp_unotify(2)): open the target's
 * /proc/TID/mem, check the notification is still valid (so the
 * descriptor is the requester's memory, not a recycled pid's), read what
 * it needs once into broker buffers, then act on the copies only and
 * write results through the same descriptor.
 */
#ifndef FDBROKER_NOTIFY_CALLS_H
#define FDBROKER_NOTIFY_CALLS_H

#include <sys/types.h>
#include <linux/seccomp.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "broker-ops.h"

/* How a notification is answered. */
enum notify_kind {
	NOTIFY_VALUE,		/* return val, or fail with err */
	NOTIFY_FD,		/* install fd (ADDFD|SEND) and return it */
	NOTIFY_CONTINUE		/* the kernel runs the call */
};

struct notify_reply {
	enum notify_kind kind;
	int64_t val;
	int err;		/* positive errno, 0 for success */
	int fd;			/* NOTIFY_FD: ours, closed after */
	int cloexec;		/* NOTIFY_FD: O_CLOEXEC in the target */
};

/* One notification being served. */
struct notify_call {
	const struct broker_ops *ops;
	const struct seccomp_notif *n;
	int listener;
	int allow_net;
	pid_t tid;		/* n->pid: the requesting thread */
	pid_t pid;		/* its thread group (0: not read yet) */
	mode_t umask;		/* its umask (valid once status_read) */
	int status_read;	/* /proc/TID/status was read */
	int want_pid;		/* read it for every call (the hook wants it) */
	int mem;		/* /proc/TID/mem, or -1 */
	int mem_rw;		/* opened for writing too */
	int no_magic;		/* openat2 RESOLVE_NO_MAGICLINKS: no own_fd */
	char path[2][PATH_MAX];	/* paths read from the target */
	char base[2][PATH_MAX];	/* directories for relative ones */
};

typedef void (*notify_fn)(struct notify_call *c, struct notify_reply *r);

/*
 * notify_calls_find: the handler of system call @nr and its name, or NULL
 * when @nr is not mediated.
 */
notify_fn notify_calls_find(int nr, const char **name);

/*
 * notify_calls_numbers: the native numbers of the calls that have a
 * handler, @n of them, for the filter that sends them here.  The array
 * is static: call it before starting threads.
 */
const int *notify_calls_numbers(size_t *n);

/*
 * notify_target: open the target's memory (@write: for writing too) and
 * check the notification is still valid.  Idempotent.  Returns 0, or -1
 * with errno (ENOENT: the requester is gone; EPERM or EACCES: not
 * allowed to inspect it).
 */
int notify_target(struct notify_call *c, int write);

/*
 * notify_pid: the requester's thread group id, read from /proc once per
 * call (@arg is the struct notify_call); 0 when it cannot be known.  A
 * resolve_ctx pid_fn.
 */
pid_t notify_pid(void *arg);

/* notify_valid: 1 while the notification is still pending, else 0. */
int notify_valid(const struct notify_call *c);

/*
 * notify_read_path: read the NUL-terminated path at @addr in the target
 * into c->path[@i].  Returns 0, or -1 with EFAULT (unreadable, or NULL)
 * or ENAMETOOLONG (no NUL within PATH_MAX bytes).
 */
int notify_read_path(struct notify_call *c, uint64_t addr, int i);

/* notify_read: read exactly @len bytes at @addr; -1 with EFAULT. */
int notify_read(struct notify_call *c, uint64_t addr, void *buf, size_t len);

/*
 * notify_write: write @len bytes at @addr in the target, after checking
 * the notification is still valid.  -1 with EFAULT or ENOENT.
 */
int notify_write(struct notify_call *c, uint64_t addr, const void *buf,
		 size_t len);

/*
 * notify_base: the absolute directory that c->path[@i] is relative to,
 * into c->base[@i]: the thread's current directory for AT_FDCWD, else
 * the path of its descriptor @dirfd (EBADF: not open, ENOTDIR: not a
 * directory, ENOENT: removed).  Nothing is done for absolute paths.
 */
int notify_base(struct notify_call *c, int dirfd, int i);

/*
 * notify_getfd: a copy (close-on-exec) of the target's descriptor @fd,
 * taken with pidfd_getfd().  -1 with errno (EBADF: not open).
 */
int notify_getfd(struct notify_call *c, int fd);

/*
 * notify_fd_path: the path of the target's descriptor @fd, as
 * /proc/TID/fd/@fd shows it, into @buf (PATH_MAX bytes).
 */
int notify_fd_path(struct notify_call *c, int fd, char *buf);

/* notify_umask: the target's umask (022 when it cannot be read). */
mode_t notify_umask(struct notify_call *c);

/*
 * notify_umask_set: make the broker's umask the target's, returning the
 * old one for notify_umask_restore().
 */
mode_t notify_umask_set(struct notify_call *c);
void notify_umask_restore(mode_t old);

#endif /* FDBROKER_NOTIFY_CALLS_H */
