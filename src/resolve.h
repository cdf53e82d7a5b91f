/* SPDX-License-Identifier: MIT */
/*
 * resolve.h: race-free resolution of a requested path, per SPEC §3.
 *
 * A path with no symlink, "." or ".." is opened by the kernel in one
 * openat2() that refuses every symlink: what it reaches is then exactly
 * the lexical path.  Any other path, or one where that fails with ELOOP,
 * is walked.  The walk starts at "/" and opens one component at a time with
 * O_PATH|O_NOFOLLOW, holding a descriptor for every directory above, so a
 * concurrent rename or symlink swap can change what a later component
 * means but never makes an earlier one point elsewhere.  The path matched
 * against the policy is the logical path of what was actually opened.
 * Symlinks are read with readlinkat() and their text is walked again
 * (never followed by the kernel); each one crossed must itself be granted.
 * Magic links (symlinks inside /proc/PID) are refused; "/proc/self" and
 * "/proc/thread-self" are the requester's.
 */
#ifndef FDBROKER_RESOLVE_H
#define FDBROKER_RESOLVE_H

#include <sys/stat.h>
#include <sys/types.h>
#include <limits.h>

#include "fdbroker.h"
#include "policy.h"

struct remap_set;

#define RESOLVE_MAX_LINKS	40	/* as the kernel's MAXSYMLINKS */

/* Who asked: /proc/self is theirs, and the record names them. */
struct requester {
	pid_t pid;		/* tgid (0: unknown) */
	pid_t tid;		/* thread, for /proc/thread-self (0: pid) */
	/*
	 * When set, asked for the tgid instead of @pid, and only by a walk
	 * that reaches /proc/self (the transports find it lazily, or note
	 * that the answer depends on who asked).  Returns 0 when unknown.
	 */
	pid_t (*pid_fn)(void *arg);
	void *pid_arg;
};

struct resolve_ctx {
	const struct fdb_policy *policy;
	const struct requester *who;	/* NULL: nobody; no /proc/self */
	const char *base;	/* absolute directory for relative paths */
	const struct remap_set *remap;	/* private trees (remap.h), or NULL */
	int wait_fifo;		/* the caller waits for FIFO peers (fifo) */
};

struct resolve_out {
	int dirfd;		/* O_PATH descriptor of the target's parent */
	char name[NAME_MAX + 1];	/* target's name in dirfd ("." for /) */
	char path[PATH_MAX];	/* logical absolute path of the target */
	int must_be_dir;	/* the request ended in '/' */
	int denied;		/* failure was the policy's refusal */
	const struct policy_rule *rule;	/* rule that decided, or NULL */
	int remapped;		/* the walk went through a private tree */
	int have_st;		/* @st holds the target's lstat() */
	struct stat st;
	/*
	 * resolve_open() with ctx->wait_fifo of a FIFO whose open(2) would
	 * wait for its peer (no O_NONBLOCK, O_PATH or O_RDWR): the
	 * descriptor returned is that very FIFO's, for the caller to open
	 * again (/proc/self/fd) where it may wait: a reader's own, or an
	 * O_PATH one when the FIFO had no reader for a writer (ENXIO).
	 */
	int fifo;
};

/*
 * resolve_path: walk @path (relative ones from ctx->base) down to the
 * parent of its target, following symlinks in every component and, when
 * @follow, in the last one too.  Each symlink crossed must be granted
 * @need.  On success out->dirfd is a new descriptor the caller closes.
 * Returns 0, or -1 with errno: ENOENT, ENOTDIR, ELOOP (more than
 * RESOLVE_MAX_LINKS links, or a magic link), ENAMETOOLONG, EACCES with
 * out->denied set (a symlink crossed is not granted; out->path is that
 * link), EINVAL (empty path, bad context).  out->dirfd is -1 on failure.
 */
int resolve_path(const struct resolve_ctx *ctx, const char *path, int follow,
		 unsigned need, struct resolve_out *out);

/*
 * resolve_open: check and open @path as open(2) would with @flags and
 * @mode: the permissions come from policy_open_need(), O_CREAT needs c
 * only when it creates, O_EXCL and O_NOFOLLOW keep their meaning, and the
 * final open is done with O_NOFOLLOW relative to the verified parent.
 * The broker's own copy always has O_CLOEXEC; O_NONBLOCK is added for the
 * open itself (a FIFO or device must not block the broker) and removed
 * again unless asked for.  Returns the descriptor, or -1 with errno;
 * out->denied tells a policy refusal (errno EACCES) from other errors.
 */
int resolve_open(const struct resolve_ctx *ctx, const char *path, int flags,
		 mode_t mode, struct resolve_out *out);

/*
 * resolve_nonblock_off: take O_NONBLOCK off @fd, just opened with @flags
 * and O_NONBLOCK, unless @flags asked for it (or has O_PATH).  Returns
 * @fd, or -1 (closing @fd) with errno; -1 when @fd is -1.
 */
int resolve_nonblock_off(int fd, int flags);

#endif /* FDBROKER_RESOLVE_H */
