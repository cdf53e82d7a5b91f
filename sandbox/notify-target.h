/* SPDX-License-Identifier: MIT */
/*
 * notify-target.h: the requester of one seccomp notification, as the
 * broker reaches it: its memory (/proc/TID/mem), its /proc entries (thread
 * group, umask, current directory, descriptors) and its descriptor table
 * (a pidfd of the very thread).  Internal to sandbox/.
 *
 * The order every use keeps (seccomp_unotify(2), SPEC §2): take a handle
 * (/proc/TID/mem, a pidfd), check the notification is still valid (so the
 * handle is the requester's, not a recycled tid's), then act or write
 * through it.  Reads may come before that check: what is read by thread
 * id (process_vm_readv), by path from /proc (a cwd, the status) or
 * through a handle not yet checked (notify_handle()) is confirmed by one
 * check after the last read, before the broker acts on any of it or
 * writes through the handle.
 */
#ifndef FDBROKER_NOTIFY_TARGET_H
#define FDBROKER_NOTIFY_TARGET_H

#include <sys/types.h>
#include <linux/seccomp.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* One notification being served. */
struct notify_call {
	const struct seccomp_notif *n;
	int listener;
	pid_t tid;		/* n->pid: the requesting thread */
	pid_t pid;		/* its thread group (0: not read yet) */
	mode_t umask;		/* its umask (valid once status_read) */
	int status_read;	/* /proc/TID/status was read */
	int proc_read;		/* something was read from /proc by path */
	int mem;		/* /proc/TID/mem, or -1 */
	int mem_rw;		/* opened for writing too */
	int peek;		/* reads by thread id: notify_peek() */
	int peeked;		/* something was read so */
	int unproven;		/* mem opened by notify_handle(), unchecked */
	char path[2][PATH_MAX];	/* paths read from the target */
	char base[2][PATH_MAX];	/* directories for relative ones */
};

/* notify_call_reset: ready @c for notification @n on @listener. */
void notify_call_reset(struct notify_call *c, const struct seccomp_notif *n,
		       int listener);

/*
 * notify_find_row: the row of table @rows (@n rows of @size bytes, each
 * beginning with an int, the system call's number) for system call @nr,
 * or NULL.  The tables of mediated calls (notify-calls.c, notify-proc.c)
 * share it.
 */
const void *notify_find_row(const void *rows, size_t n, size_t size, int nr);

/* notify_call_end: release what @c holds (its memory handle). */
void notify_call_end(struct notify_call *c);

/* notify_valid: 1 while the notification is still pending, else 0. */
int notify_valid(const struct notify_call *c);

/*
 * notify_target: open the target's memory (@write: for writing too) and
 * check the notification is still valid.  Idempotent.  Returns 0, or -1
 * with errno (ENOENT: the requester is gone; EPERM or EACCES: not
 * allowed to inspect it).
 */
int notify_target(struct notify_call *c, int write);

/*
 * notify_handle: open the target's memory for reading and writing, with
 * its check left due as after notify_peek(): one notify_confirm() after
 * the last read proves the handle and everything read (a stat's path
 * and its directory's), where checking at the open and again after the
 * directory would take two.  notify_write() confirms first if need be.
 * Returns 0, or -1 with errno.
 */
int notify_handle(struct notify_call *c);

/*
 * notify_confirm: the check that is due after reads by thread id, by
 * path from /proc or through a handle from notify_handle(): 0 when none
 * is due or the notification is still valid, else -1 with ENOENT (the
 * requester is gone).
 */
int notify_confirm(struct notify_call *c);

/*
 * notify_peek: read the target's memory by its thread id from now on
 * (process_vm_readv), without a handle: cheaper than notify_target(c, 0),
 * but nothing read may be acted on, logged or answered with before a
 * notify_valid() made after the last read (SPEC §2: read, then check),
 * which c->peeked says is due.  notify_write() takes its own handle.
 * Returns 0.
 */
int notify_peek(struct notify_call *c);

/*
 * notify_read_path: read the NUL-terminated path at @addr in the target
 * into c->path[@i].  Returns 0, or -1 with EFAULT (unreadable, or NULL)
 * or ENAMETOOLONG (no NUL within PATH_MAX bytes).
 */
int notify_read_path(struct notify_call *c, uint64_t addr, int i);

/* notify_read: read exactly @len bytes at @addr; -1 with EFAULT. */
int notify_read(struct notify_call *c, uint64_t addr, void *buf, size_t len);

/*
 * notify_write: write @len bytes at @addr in the target through the
 * memory handle notify_target(c, 1) proved the requester's, which it
 * takes first if need be (one from notify_handle() is confirmed
 * first).  -1 with EFAULT (or notify_target()'s errno).
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
 * notify_getfd: the broker's copy (close-on-exec) of descriptor @fd of
 * the requesting thread's own table (a thread may have its own: clone
 * without CLONE_FILES), taken through a pidfd of that thread.  -1 with
 * errno (EBADF: not open; ENOENT: the requester is gone).
 */
int notify_getfd(struct notify_call *c, int fd);

/*
 * notify_proc: the one /proc path helper: "/proc/TID/@what", or with
 * @fd >= 0 "/proc/TID/@what/@fd", of the requesting thread, into @buf
 * (@len bytes).  -1 with ENAMETOOLONG when it does not fit.
 */
int notify_proc(const struct notify_call *c, const char *what, int fd,
		char *buf, size_t len);

/*
 * notify_pid: the requester's thread group id, read from /proc once per
 * call (@arg is the struct notify_call); 0 when it cannot be known.  A
 * struct requester pid_fn.
 */
pid_t notify_pid(void *arg);

/* notify_umask: the target's umask (022 when it cannot be read). */
mode_t notify_umask(struct notify_call *c);

#endif /* FDBROKER_NOTIFY_TARGET_H */
