/* SPDX-License-Identifier: MIT */
/*
 * broker-ops.h: the path operations besides open(2) that the notify
 * transport mediates (stat, access, readlink, mkdir, unlink, rename, link,
 * symlink, chmod, chown, truncate, utimens, mknod of FIFOs, and the checks
 * for chdir, exec and AF_UNIX sockets).  Each one resolves its path(s)
 * with resolve_path(), checks the policy on the logical path, performs
 * the operation relative to the verified parent without following a
 * symlink the walk did not check, and reports every path it decided on
 * through broker_report(), so the hook sees them as it sees opens.
 *
 * The broker performs the operation with its own credentials and umask:
 * the caller sets the umask to the requester's around creating calls.
 */
#ifndef FDBROKER_BROKER_OPS_H
#define FDBROKER_BROKER_OPS_H

#include <sys/types.h>
#include <sys/stat.h>
#include <time.h>

#include "broker.h"
#include "fdbroker.h"
#include "resolve.h"

struct statx;

/*
 * What the operations need beyond the broker: the policy the broker was
 * made with (borrowed) and its deny errno.  struct fdb_broker keeps both
 * to itself, so the caller passes them again.  A relative path in a
 * request without a base is refused with EINVAL.
 */
struct broker_ops {
	struct fdb_broker *b;
	const struct fdb_policy *policy;
	int deny_errno;
};

/*
 * Every function below returns 0 (or the value noted) on success, or -1
 * with errno: the deny errno when the policy refuses, otherwise what the
 * resolver or the operation itself gave (ENOENT inside a granted tree,
 * as unconfined).  Exactly one decision per path is reported.
 */

/*
 * broker_check: resolve @req->path (following a final symlink when
 * @follow) and check @need on it, reporting the decision only when it is
 * a refusal.  On success @out->dirfd is open (the caller closes it) and
 * nothing is reported: the caller reports the outcome with
 * broker_report(b, req, out, err) after acting.  On failure out->dirfd is
 * -1 and the failure has been reported.
 */
int broker_check(const struct broker_ops *o, const struct broker_req *req,
		 int follow, unsigned need, struct resolve_out *out);

/* broker_stat: fstatat() with r; @follow as !AT_SYMLINK_NOFOLLOW. */
int broker_stat(const struct broker_ops *o, const struct broker_req *req,
		int follow, struct stat *st);

/* broker_statx: statx() with r; @flags carries AT_STATX_* only. */
int broker_statx(const struct broker_ops *o, const struct broker_req *req,
		 int follow, int flags, unsigned mask, struct statx *stx);

/*
 * broker_access: access(2) with @mode (F_OK or R_OK|W_OK|X_OK) and
 * @flags (AT_EACCESS, AT_SYMLINK_NOFOLLOW): r is needed to ask at all, w
 * for W_OK, and x for X_OK on anything but a directory; a permission the
 * policy does not grant is answered with the deny errno.
 */
int broker_access(const struct broker_ops *o, const struct broker_req *req,
		  int mode, int flags);

/* broker_readlink: readlinkat() with r, never following; the length. */
ssize_t broker_readlink(const struct broker_ops *o,
			const struct broker_req *req, char *buf, size_t len);

/* broker_mkdir: mkdirat() with c (req->mode). */
int broker_mkdir(const struct broker_ops *o, const struct broker_req *req);

/*
 * broker_mknod: mknodat() with c of a FIFO or a regular file (req->mode
 * holds the type); devices and sockets fail with EPERM.
 */
int broker_mknod(const struct broker_ops *o, const struct broker_req *req);

/* broker_unlink: unlinkat() with c; @flags 0 or AT_REMOVEDIR. */
int broker_unlink(const struct broker_ops *o, const struct broker_req *req,
		  int flags);

/*
 * broker_rename: renameat2(@from, @to, @flags) with c on both; the entry
 * moved must also be granted every permission the destination's rule
 * grants (a rename must not turn a read-only file writable), and with
 * RENAME_EXCHANGE the same holds the other way.  RENAME_WHITEOUT fails
 * with EPERM.
 */
int broker_rename(const struct broker_ops *o, const struct broker_req *from,
		  const struct broker_req *to, unsigned flags);

/*
 * broker_link: linkat() with c on @to and, on @from, every permission the
 * rule of @to grants (as broker_rename); @follow: AT_SYMLINK_FOLLOW.
 */
int broker_link(const struct broker_ops *o, const struct broker_req *from,
		const struct broker_req *to, int follow);

/*
 * broker_symlink: symlinkat(@target, @to) with c on @to.  The target is
 * text: following it later is checked like any other path.
 */
int broker_symlink(const struct broker_ops *o, const char *target,
		   const struct broker_req *to);

/* broker_chmod: chmod with w (req->mode); not on a symlink itself. */
int broker_chmod(const struct broker_ops *o, const struct broker_req *req,
		 int follow);

/* broker_chown: fchownat() with w; -1 keeps an id as chown(2) does. */
int broker_chown(const struct broker_ops *o, const struct broker_req *req,
		 int follow, uid_t uid, gid_t gid);

/* broker_truncate: truncate() of a regular file with w. */
int broker_truncate(const struct broker_ops *o, const struct broker_req *req,
		    off_t length);

/* broker_utimens: utimensat() with w; @times as utimensat (NULL: now). */
int broker_utimens(const struct broker_ops *o, const struct broker_req *req,
		   int follow, const struct timespec times[2]);

/*
 * broker_chdir: may the requester make @req->path its current directory:
 * r on it, and it is a directory (ENOTDIR otherwise).  The logical path
 * is written to @path (PATH_MAX bytes).
 */
int broker_chdir(const struct broker_ops *o, const struct broker_req *req,
		 char *path);

/*
 * broker_exec: may @req->path be executed: x on the file it resolves to,
 * which must be a regular file (EACCES otherwise, as execve).
 */
int broker_exec(const struct broker_ops *o, const struct broker_req *req);

/*
 * broker_unix_connect: check r and w on the socket file @req->path,
 * report the decision, and return an O_PATH descriptor of it (connect
 * through "/proc/self/fd/N", which reaches exactly that inode);
 * ECONNREFUSED when it is not a socket.
 */
int broker_unix_connect(const struct broker_ops *o,
			const struct broker_req *req);

/*
 * broker_unix_bind: check c on @req->path (not following a final
 * symlink) and report the decision.  On success @out->dirfd is the
 * verified parent (the caller binds @out->name there, then closes it).
 */
int broker_unix_bind(const struct broker_ops *o, const struct broker_req *req,
		     struct resolve_out *out);

#endif /* FDBROKER_BROKER_OPS_H */
