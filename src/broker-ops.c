/* SPDX-License-Identifier: MIT */
/*
 * broker-ops.c: the broker's path operations other than open(2), for the
 * notify transport.  Each resolves with resolve_path() (race-free, symlinks
 * checked), checks the policy on the logical path, acts relative to the
 * verified parent descriptor, and reports through broker_report().
 *
 * The walk leaves a descriptor of the parent and a final name.  An
 * operation on that name must not follow a symlink the walk did not
 * check: a concurrent swap of the name for a symlink would otherwise
 * take the operation outside the policy.  Hence *at(..., NOFOLLOW) where
 * the call has it, and where it does not (chmod, truncate) an O_PATH
 * descriptor of the name opened with O_NOFOLLOW, used through
 * /proc/self/fd/N, which names that very inode.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "broker-ops.h"
#include "fd.h"
#include "policy.h"

#define PERMS_RWX	(FDB_R | FDB_W | FDB_X)

static int	 finish(const struct broker_ops *o,
		    const struct broker_req *req, struct resolve_out *out,
		    int rc);
static int	 open_name(const struct resolve_out *out, struct stat *st);
static int	 proc_fd_path(int fd, char *buf, size_t len);
static int	 trailing_slash(const char *path);
static int	 move_check(const struct broker_ops *o,
		    const struct resolve_out *from,
		    const struct resolve_out *to, int is_dir);
static int	 rules_beneath(const struct broker_ops *o, const char *path,
		    int granting);
static int	 check_stat(const struct broker_ops *o,
		    const struct broker_req *req, int follow,
		    struct resolve_out *out);
static int	 check_quiet(const struct broker_ops *o,
		    const struct broker_req *req, int follow, unsigned links,
		    unsigned need, struct resolve_out *out);

int
broker_check(const struct broker_ops *o, const struct broker_req *req,
	     int follow, unsigned need, struct resolve_out *out)
{
	int err;

	if (check_quiet(o, req, follow, need, need, out) == 0)
		return 0;
	err = errno;
	out->dirfd = fd_close(out->dirfd);
	broker_report(o->b, req, out, err);
	errno = err;
	return -1;
}

int
broker_stat(const struct broker_ops *o, const struct broker_req *req,
	    int follow, struct stat *st)
{
	struct resolve_out out;
	int rc;

	if (check_stat(o, req, follow, &out) == -1)
		return -1;
	if (out.have_st)
		*st = out.st, rc = 0;
	else
		rc = fstatat(out.dirfd, out.name, st, AT_SYMLINK_NOFOLLOW);
	if (rc == 0 && out.must_be_dir && !S_ISDIR(st->st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	return finish(o, req, &out, rc);
}

int
broker_statx(const struct broker_ops *o, const struct broker_req *req,
	     int follow, int flags, unsigned mask, struct statx *stx)
{
	struct resolve_out out;
	int rc;

	if (check_stat(o, req, follow, &out) == -1)
		return -1;
	rc = statx(out.dirfd, out.name, AT_SYMLINK_NOFOLLOW |
	    (flags & AT_STATX_SYNC_TYPE), mask, stx);
	if (rc == 0 && out.must_be_dir && !S_ISDIR(stx->stx_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	return finish(o, req, &out, rc);
}

int
broker_access(const struct broker_ops *o, const struct broker_req *req,
	      int mode, int flags)
{
	struct resolve_out out;
	struct stat st;
	unsigned need = FDB_R;
	int rc;

	if (mode & ~(R_OK | W_OK | X_OK) ||
	    flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) {
		errno = EINVAL;
		broker_report(o->b, req, NULL, EINVAL);
		return -1;
	}
	if (broker_check(o, req, !(flags & AT_SYMLINK_NOFOLLOW), FDB_R,
	    &out) == -1)
		return -1;
	if ((rc = fstatat(out.dirfd, out.name, &st, AT_SYMLINK_NOFOLLOW)) ==
	    -1)
		return finish(o, req, &out, rc);
	/*
	 * The answer must not claim more than the policy grants: a file
	 * the policy keeps read-only is not writable for the requester,
	 * whatever its mode says.  Searching a directory is reading it.
	 */
	if (mode & W_OK)
		need |= FDB_W;
	if ((mode & X_OK) && !S_ISDIR(st.st_mode))
		need |= FDB_X;
	if (!policy_allows(o->policy, out.path, need, &out.rule)) {
		out.denied = 1;
		errno = o->deny_errno;
		return finish(o, req, &out, -1);
	}
	rc = faccessat(out.dirfd, out.name, mode,
	    (flags & AT_EACCESS) | AT_SYMLINK_NOFOLLOW);
	return finish(o, req, &out, rc);
}

ssize_t
broker_readlink(const struct broker_ops *o, const struct broker_req *req,
		char *buf, size_t len)
{
	struct resolve_out out;
	ssize_t n;

	if (broker_check(o, req, 0, FDB_R, &out) == -1)
		return -1;
	n = readlinkat(out.dirfd, out.name, buf, len);
	if (finish(o, req, &out, n == -1 ? -1 : 0) == -1)
		return -1;
	return n;
}

int
broker_mkdir(const struct broker_ops *o, const struct broker_req *req)
{
	struct resolve_out out;
	struct stat st;

	if (broker_check(o, req, 0, FDB_C, &out) == -1) {
		/*
		 * An existing directory the requester may stat is EEXIST, as
		 * unconfined: "mkdir -p" walks down from "/" that way.
		 */
		if (errno == o->deny_errno && check_stat(o, req, 1, &out) == 0) {
			int isdir = fstatat(out.dirfd, out.name, &st,
					    AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(st.st_mode);

			out.dirfd = fd_close(out.dirfd);
			errno = isdir ? EEXIST : o->deny_errno;
		}
		return -1;
	}
	return finish(o, req, &out, mkdirat(out.dirfd, out.name, req->mode));
}

int
broker_mknod(const struct broker_ops *o, const struct broker_req *req)
{
	struct resolve_out out;
	mode_t type = req->mode & S_IFMT;
	int rc;

	if (broker_check(o, req, 0, FDB_C, &out) == -1)
		return -1;
	/* Devices would bypass every rule; sockets come from bind(). */
	if (type != 0 && type != S_IFREG && type != S_IFIFO) {
		errno = EPERM;
		rc = -1;
	} else
		rc = mknodat(out.dirfd, out.name, req->mode, 0);
	return finish(o, req, &out, rc);
}

int
broker_unlink(const struct broker_ops *o, const struct broker_req *req,
	      int flags)
{
	struct resolve_out out;
	struct stat st;
	int rc;

	if (flags & ~AT_REMOVEDIR) {
		errno = EINVAL;
		broker_report(o->b, req, NULL, EINVAL);
		return -1;
	}
	if (broker_check(o, req, 0, FDB_C, &out) == -1)
		return -1;
	/* unlink("x/"): the name alone would remove a file x. */
	if (out.must_be_dir && !(flags & AT_REMOVEDIR)) {
		rc = fstatat(out.dirfd, out.name, &st, AT_SYMLINK_NOFOLLOW);
		if (rc == 0) {
			errno = S_ISDIR(st.st_mode) ? EISDIR : ENOTDIR;
			rc = -1;
		}
		return finish(o, req, &out, rc);
	}
	return finish(o, req, &out, unlinkat(out.dirfd, out.name, flags));
}

int
broker_rename(const struct broker_ops *o, const struct broker_req *from,
	      const struct broker_req *to, unsigned flags)
{
	struct resolve_out a, b;
	struct stat st;
	int rc, is_dir;

	if (flags & RENAME_WHITEOUT) {
		errno = EPERM;
		broker_report(o->b, from, NULL, EPERM);
		return -1;
	}
	if (broker_check(o, from, 0, FDB_C, &a) == -1)
		return -1;
	if (broker_check(o, to, 0, FDB_C, &b) == -1) {
		a.dirfd = fd_close(a.dirfd);
		return -1;
	}
	rc = fstatat(a.dirfd, a.name, &st, AT_SYMLINK_NOFOLLOW);
	is_dir = rc == 0 && S_ISDIR(st.st_mode);
	if (rc == 0)
		rc = move_check(o, &a, &b, is_dir);
	if (rc == 0 && (flags & RENAME_EXCHANGE)) {
		rc = fstatat(b.dirfd, b.name, &st, AT_SYMLINK_NOFOLLOW);
		if (rc == 0)
			rc = move_check(o, &b, &a, S_ISDIR(st.st_mode));
	}
	if (rc == 0)
		rc = renameat2(a.dirfd, a.name, b.dirfd, b.name, flags);
	if (finish(o, from, &a, rc) == -1) {
		b.dirfd = fd_close(b.dirfd);
		rc = errno;
		broker_report(o->b, to, &b, rc);
		errno = rc;
		return -1;
	}
	return finish(o, to, &b, 0);
}

int
broker_link(const struct broker_ops *o, const struct broker_req *from,
	    const struct broker_req *to, int follow)
{
	struct resolve_out a, b;
	struct stat st;
	int rc;

	if (broker_check(o, from, follow, FDB_R, &a) == -1)
		return -1;
	if (broker_check(o, to, 0, FDB_C, &b) == -1) {
		a.dirfd = fd_close(a.dirfd);
		return -1;
	}
	rc = fstatat(a.dirfd, a.name, &st, AT_SYMLINK_NOFOLLOW);
	if (rc == 0)
		rc = move_check(o, &a, &b, S_ISDIR(st.st_mode));
	/* No AT_SYMLINK_FOLLOW: the walk followed what it checked. */
	if (rc == 0)
		rc = linkat(a.dirfd, a.name, b.dirfd, b.name, 0);
	if (finish(o, from, &a, rc) == -1) {
		b.dirfd = fd_close(b.dirfd);
		rc = errno;
		broker_report(o->b, to, &b, rc);
		errno = rc;
		return -1;
	}
	return finish(o, to, &b, 0);
}

int
broker_symlink(const struct broker_ops *o, const char *target,
	       const struct broker_req *to)
{
	struct resolve_out out;

	if (broker_check(o, to, 0, FDB_C, &out) == -1)
		return -1;
	return finish(o, to, &out, symlinkat(target, out.dirfd, out.name));
}

int
broker_chmod(const struct broker_ops *o, const struct broker_req *req,
	     int follow)
{
	struct resolve_out out;
	struct stat st;
	char proc[64];
	int fd, rc = -1;

	if (broker_check(o, req, follow, FDB_W, &out) == -1)
		return -1;
	if ((fd = open_name(&out, &st)) == -1)
		return finish(o, req, &out, -1);
	if (S_ISLNK(st.st_mode))
		/* lchmod: Linux has no mode on links; after a walk, a swap. */
		errno = follow ? ELOOP : EOPNOTSUPP;
	else if (proc_fd_path(fd, proc, sizeof(proc)) == 0)
		rc = chmod(proc, req->mode & 07777);
	fd_close(fd);
	return finish(o, req, &out, rc);
}

int
broker_chown(const struct broker_ops *o, const struct broker_req *req,
	     int follow, uid_t uid, gid_t gid)
{
	struct resolve_out out;

	if (broker_check(o, req, follow, FDB_W, &out) == -1)
		return -1;
	/* A symlink here was either asked for (lchown) or swapped in. */
	return finish(o, req, &out, fchownat(out.dirfd, out.name, uid, gid,
	    AT_SYMLINK_NOFOLLOW));
}

int
broker_truncate(const struct broker_ops *o, const struct broker_req *req,
		off_t length)
{
	struct resolve_out out;
	struct stat st;
	char proc[64];
	int fd, rc = -1;

	if (broker_check(o, req, 1, FDB_W, &out) == -1)
		return -1;
	if ((fd = open_name(&out, &st)) == -1)
		return finish(o, req, &out, -1);
	/* truncate(2)'s answers, without opening a FIFO or a device. */
	if (S_ISDIR(st.st_mode))
		errno = EISDIR;
	else if (S_ISLNK(st.st_mode))
		errno = ELOOP;
	else if (!S_ISREG(st.st_mode))
		errno = EINVAL;
	else if (proc_fd_path(fd, proc, sizeof(proc)) == 0)
		rc = truncate(proc, length);
	fd_close(fd);
	return finish(o, req, &out, rc);
}

int
broker_utimens(const struct broker_ops *o, const struct broker_req *req,
	       int follow, const struct timespec times[2])
{
	struct resolve_out out;

	if (broker_check(o, req, follow, FDB_W, &out) == -1)
		return -1;
	return finish(o, req, &out, utimensat(out.dirfd, out.name, times,
	    AT_SYMLINK_NOFOLLOW));
}

int
broker_chdir(const struct broker_ops *o, const struct broker_req *req,
	     char *path)
{
	struct resolve_out out;
	struct stat st;
	int rc;

	/* Like stat: the directories above a grant may be entered. */
	if (check_stat(o, req, 1, &out) == -1)
		return -1;
	rc = fstatat(out.dirfd, out.name, &st, AT_SYMLINK_NOFOLLOW);
	if (rc == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	if (rc == 0)
		memcpy(path, out.path, sizeof(out.path));
	return finish(o, req, &out, rc);
}

int
broker_exec(const struct broker_ops *o, const struct broker_req *req)
{
	struct resolve_out out;
	struct stat st;
	int rc;

	/*
	 * A symlink on the way (/usr/bin/cc -> /etc/alternatives/cc) is
	 * read, not executed: it needs r; x is needed on the file run.
	 */
	if (check_quiet(o, req, 1, FDB_R, FDB_X, &out) == -1) {
		rc = errno;
		out.dirfd = fd_close(out.dirfd);
		broker_report(o->b, req, &out, rc);
		errno = rc;
		return -1;
	}
	rc = fstatat(out.dirfd, out.name, &st, AT_SYMLINK_NOFOLLOW);
	if (rc == 0 && !S_ISREG(st.st_mode)) {
		errno = EACCES;
		rc = -1;
	}
	return finish(o, req, &out, rc);
}

int
broker_unix_connect(const struct broker_ops *o, const struct broker_req *req)
{
	struct resolve_out out;
	struct stat st;
	int fd;

	if (broker_check(o, req, 1, FDB_R | FDB_W, &out) == -1)
		return -1;
	if ((fd = open_name(&out, &st)) != -1 && !S_ISSOCK(st.st_mode)) {
		fd = fd_close(fd);
		errno = ECONNREFUSED;
	}
	if (finish(o, req, &out, fd == -1 ? -1 : 0) == -1)
		return -1;
	return fd;
}

int
broker_unix_bind(const struct broker_ops *o, const struct broker_req *req,
		 struct resolve_out *out)
{
	if (broker_check(o, req, 0, FDB_C, out) == -1)
		return -1;
	broker_report(o->b, req, out, 0);
	return 0;
}

/*
 * The end of every operation: close the parent, report the outcome of
 * @rc (errno when -1), and return @rc with errno as the operation left it.
 */
static int
finish(const struct broker_ops *o, const struct broker_req *req,
       struct resolve_out *out, int rc)
{
	int err = rc == -1 ? errno : 0;

	out->dirfd = fd_close(out->dirfd);
	broker_report(o->b, req, out, err);
	errno = err;
	return rc == -1 ? -1 : 0;
}

/* An O_PATH descriptor of the final name, never following it. */
static int
open_name(const struct resolve_out *out, struct stat *st)
{
	int fd;

	fd = openat(out->dirfd, out->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1)
		return fd_close(fd);
	return fd;
}

static int
proc_fd_path(int fd, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d", fd);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
trailing_slash(const char *path)
{
	size_t n = strlen(path);

	return n > 1 && path[n - 1] == '/';
}

/*
 * A rename or a link gives the entry the permissions of its new place.
 * Allowed only when that grants nothing its old place did not (a file
 * kept read-only must not become writable under another name), and, for
 * a directory, when no rule lies beneath either place (moving a tree
 * would carry a denied subtree out from under its rule).  Otherwise
 * EXDEV, as for another file system: mv then copies, and each copied
 * file goes through the policy on its own.
 */
static int
move_check(const struct broker_ops *o, const struct resolve_out *from,
	   const struct resolve_out *to, int is_dir)
{
	const struct policy_rule *rf, *rt;
	unsigned gained;

	rf = policy_match(o->policy, from->path);
	rt = policy_match(o->policy, to->path);
	gained = (rt != NULL ? rt->perms : 0) & PERMS_RWX &
	    ~(rf != NULL ? rf->perms : 0);
	if (gained != 0 || (is_dir && (rules_beneath(o, from->path, 0) ||
	    rules_beneath(o, to->path, 0)))) {
		errno = EXDEV;
		return -1;
	}
	return 0;
}

/* Is there a rule (@granting: that grants something) beneath @path? */
static int
rules_beneath(const struct broker_ops *o, const char *path, int granting)
{
	const struct policy_rule *r;
	size_t i, n, len = strlen(path);

	r = policy_rules(o->policy, &n);
	for (i = 0; i < n; i++) {
		if (granting && r[i].perms == 0)
			continue;
		if (r[i].len > len && memcmp(r[i].path, path, len) == 0 &&
		    (r[i].path[len] == '/' || len == 1))
			return 1;
	}
	return 0;
}

/*
 * stat() needs r, except on a directory that leads to a granted tree:
 * programs stat their way down from "/" (rm checks "/" before it
 * removes anything, realpath() walks every component), and, as with
 * unveil(2), the directories above what is granted are visible.  Only
 * their metadata: nothing is opened, listed or read.
 */
static int
check_stat(const struct broker_ops *o, const struct broker_req *req,
	   int follow, struct resolve_out *out)
{
	struct stat st;
	int err;

	if (check_quiet(o, req, follow, FDB_R, FDB_R, out) == 0)
		return 0;
	err = errno;
	if (out->dirfd >= 0 && out->denied && rules_beneath(o, out->path, 1) &&
	    fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		out->rule = NULL;
		out->denied = 0;
		return 0;
	}
	out->dirfd = fd_close(out->dirfd);
	broker_report(o->b, req, out, err);
	errno = err;
	return -1;
}

/*
 * Resolve (each symlink crossed must grant @links) and check @need on
 * the target, reporting nothing.  When the policy refuses the target
 * itself, out->denied is set and out->dirfd stays open for the caller
 * (check_stat() looks at what it is); otherwise it is -1 on failure.
 */
static int
check_quiet(const struct broker_ops *o, const struct broker_req *req,
	    int follow, unsigned links, unsigned need, struct resolve_out *out)
{
	struct resolve_ctx ctx;

	broker_ctx(o->b, req, &ctx);
	/* As the kernel: "link/" means the directory the link points to. */
	if (req->path != NULL && trailing_slash(req->path))
		follow = 1;
	if (resolve_path(&ctx, req->path, follow, links, out) == -1) {
		if (out->denied)
			errno = o->deny_errno;
		return -1;
	}
	if (!policy_allows(o->policy, out->path, need, &out->rule)) {
		out->denied = 1;
		errno = o->deny_errno;
		return -1;
	}
	return 0;
}
