/* SPDX-License-Identifier: MIT */
/*
 * broker-ops.c: the acts on named paths (broker-ops.h).  Each resolves
 * with resolve_path() (race-free, symlinks checked), checks the policy on
 * the logical path, and acts relative to the verified parent descriptor.
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

#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "broker-ops.h"
#include "fd.h"
#include "policy.h"
#include "remap.h"

#define PERMS_RWX	(FDB_R | FDB_W | FDB_X)

#define REQ(c)		((c)->req)
#define OUT(c, i)	(&(c)->res->out[i])
#define FOLLOW(c)	(!(REQ(c)->flags & AT_SYMLINK_NOFOLLOW))

static int	 check_quiet(struct broker_call *c, int i, int follow,
		    unsigned links, unsigned need);
static int	 check_stat(struct broker_call *c, int follow);
static int	 must_be_dir(const struct resolve_out *out, mode_t mode);
static int	 through_proc(struct broker_call *c, int follow);
static int	 kernel_rereads(struct broker_call *c);
static int	 path_reopen(int fd, int flags);
static int	 trailing_slash(const char *path);
static int	 move_check(struct broker_call *c, int from, int to,
		    int is_dir);
static int	 rules_beneath(const struct fdb_policy *p, const char *path,
		    int granting);

int
act_open(struct broker_call *c)
{
	const struct broker_req *req = REQ(c);

	if (req->fd >= 0)
		return held_open(c);
	c->res->fd = resolve_open(&c->ctx[0], req->path[0], req->open_flags,
	    broker_mode(req->mode), OUT(c, 0));
	if (c->res->fd >= 0 && (req->open_flags & O_PATH) && req->no_o_path)
		c->res->fd = path_reopen(c->res->fd, req->open_flags);
	/* A FIFO waiting for its peer: res->fd is the transport's. */
	if (c->res->fd >= 0 && OUT(c, 0)->fifo) {
		c->res->pending = 1;
		errno = EINPROGRESS;
		return -1;
	}
	return c->res->fd == -1 ? -1 : 0;
}

/*
 * An O_PATH descriptor the transport cannot pass, made a read-only one
 * of the same file (opened again through /proc/self/fd, no second
 * lookup).  Only a regular file or a directory: opening a FIFO would
 * release a writer waiting outside, a device would be opened, and a
 * symlink cannot be (SPEC §3: an O_PATH open has no side effects).
 * Takes @fd.
 */
static int
path_reopen(int fd, int flags)
{
	char proc[64];
	struct stat st;
	int nfd = -1;

	if (fstat(fd, &st) == -1 || broker_proc_fd(fd, proc,
	    sizeof(proc)) == -1)
		return fd_close(fd);
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		errno = EOPNOTSUPP;
	else
		nfd = open(proc, O_RDONLY | O_CLOEXEC | (flags & O_DIRECTORY));
	fd_close(fd);
	return nfd;
}

int
act_stat(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	struct stat *st = &c->res->st;

	if (check_stat(c, FOLLOW(c)) == -1)
		return -1;
	if (out->have_st)
		*st = out->st;
	else if (fstatat(out->dirfd, out->name, st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	return must_be_dir(out, st->st_mode);
}

int
act_statx(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	struct statx *stx = &c->res->stx;

	if (check_stat(c, FOLLOW(c)) == -1)
		return -1;
	if (statx(out->dirfd, out->name, AT_SYMLINK_NOFOLLOW |
	    (REQ(c)->flags & AT_STATX_SYNC_TYPE), REQ(c)->arg.mask, stx) == -1)
		return -1;
	return must_be_dir(out, stx->stx_mode);
}

int
act_access(struct broker_call *c)
{
	const struct broker_req *req = REQ(c);
	struct resolve_out *out = OUT(c, 0);
	int mode = req->arg.amode, leading;
	unsigned need, none;
	struct stat st;

	if (mode & ~(R_OK | W_OK | X_OK) ||
	    req->flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) {
		errno = EINVAL;
		return -1;
	}
	/* F_OK and X_OK, like stat, on the directories above a grant. */
	if (mode & (R_OK | W_OK))
		leading = broker_check(c, 0, FOLLOW(c), FDB_R);
	else
		leading = check_stat(c, FOLLOW(c));
	if (leading == -1 ||
	    fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	/*
	 * The answer must not claim more than the policy grants: a file
	 * the policy keeps read-only is not writable for the requester,
	 * whatever its mode says.  Searching a directory is reading it,
	 * but for one that leads to a grant.
	 */
	need = broker_need(BROKER_ACCESS, req->flags, mode, &none);
	if ((mode & X_OK) && !S_ISDIR(st.st_mode))
		need |= FDB_X;
	if (!leading &&
	    !policy_allows(c->policy, out->path, need, &out->rule)) {
		out->denied = 1;
		return -1;
	}
	return faccessat(out->dirfd, out->name, mode,
	    (req->flags & AT_EACCESS) | AT_SYMLINK_NOFOLLOW);
}

int
act_readlink(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	ssize_t n;
	int leading;

	/* A directory above a grant is no symlink, as the kernel says. */
	if ((leading = check_stat(c, 0)) == -1)
		return -1;
	if (leading) {
		errno = EINVAL;
		return -1;
	}
	n = readlinkat(out->dirfd, out->name, c->res->buf,
	    sizeof(c->res->buf));
	if (n == -1)
		return -1;
	c->res->val = (long)n;
	return 0;
}

int
act_mkdir(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	struct stat st;

	if (broker_check(c, 0, 0, FDB_C) == 0)
		return mkdirat(out->dirfd, out->name,
		    broker_mode(REQ(c)->mode));
	if (!out->denied)
		return -1;
	/*
	 * An existing directory the requester may stat is EEXIST, as
	 * unconfined (the kernel looks the name up before it checks the
	 * permission to create): "mkdir -p" walks down from "/" that way.
	 * Only what stat would tell is told.
	 */
	out->dirfd = fd_close(out->dirfd);
	if (check_stat(c, 1) == -1)
		return -1;
	if (fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	out->denied = 1;
	return -1;
}

int
act_mknod(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	mode_t type = REQ(c)->mode & S_IFMT;

	if (broker_check(c, 0, 0, FDB_C) == -1)
		return -1;
	/* Devices would bypass every rule; sockets come from bind(). */
	if (type != 0 && type != S_IFREG && type != S_IFIFO) {
		errno = EPERM;
		return -1;
	}
	return mknodat(out->dirfd, out->name, broker_mode(REQ(c)->mode), 0);
}

int
act_unlink(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	int flags = REQ(c)->flags;
	struct stat st;

	if (flags & ~AT_REMOVEDIR) {
		errno = EINVAL;
		return -1;
	}
	if (broker_check(c, 0, 0, FDB_C) == -1)
		return -1;
	/* unlink("x/"): the name alone would remove a file x. */
	if (out->must_be_dir && !(flags & AT_REMOVEDIR)) {
		if (fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) ==
		    0)
			errno = S_ISDIR(st.st_mode) ? EISDIR : ENOTDIR;
		return -1;
	}
	return unlinkat(out->dirfd, out->name, flags);
}

int
act_rename(struct broker_call *c)
{
	struct resolve_out *a = OUT(c, 0), *b = OUT(c, 1);
	unsigned flags = (unsigned)REQ(c)->flags;
	struct stat st;

	if (flags & RENAME_WHITEOUT) {
		errno = EPERM;
		return -1;
	}
	if (broker_check(c, 0, 0, FDB_C) == -1 ||
	    broker_check(c, 1, 0, FDB_C) == -1 ||
	    fstatat(a->dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    move_check(c, 0, 1, S_ISDIR(st.st_mode)) == -1)
		return -1;
	if ((flags & RENAME_EXCHANGE) &&
	    (fstatat(b->dirfd, b->name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    move_check(c, 1, 0, S_ISDIR(st.st_mode)) == -1))
		return -1;
	return renameat2(a->dirfd, a->name, b->dirfd, b->name, flags);
}

int
act_link(struct broker_call *c)
{
	struct resolve_out *a = OUT(c, 0), *b = OUT(c, 1);
	int flags = REQ(c)->flags;
	struct stat st;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
		errno = EINVAL;
		return -1;
	}
	/* linkat(fd, "", AT_EMPTY_PATH) would name no path to check. */
	if ((flags & AT_EMPTY_PATH) && (REQ(c)->path[0] == NULL ||
	    REQ(c)->path[0][0] == '\0')) {
		errno = ENOENT;
		return -1;
	}
	if (broker_check(c, 0, (flags & AT_SYMLINK_FOLLOW) != 0, FDB_R) == -1 ||
	    broker_check(c, 1, 0, FDB_C) == -1 ||
	    fstatat(a->dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    move_check(c, 0, 1, S_ISDIR(st.st_mode)) == -1)
		return -1;
	/* No AT_SYMLINK_FOLLOW: the walk followed what it checked. */
	return linkat(a->dirfd, a->name, b->dirfd, b->name, 0);
}

/* The target (path[1]) is text: following it later is checked anew. */
int
act_symlink(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);

	if (REQ(c)->path[1] == NULL || REQ(c)->path[1][0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (broker_check(c, 0, 0, FDB_C) == -1)
		return -1;
	return symlinkat(REQ(c)->path[1], out->dirfd, out->name);
}

int
act_chmod(struct broker_call *c)
{
	if (REQ(c)->fd >= 0)
		return held_meta(c);
	if (broker_check(c, 0, FOLLOW(c), FDB_W) == -1)
		return -1;
	return through_proc(c, FOLLOW(c));
}

int
act_chown(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);

	if (REQ(c)->fd >= 0)
		return held_meta(c);
	if (broker_check(c, 0, FOLLOW(c), FDB_W) == -1)
		return -1;
	/* A symlink here was either asked for (lchown) or swapped in. */
	return fchownat(out->dirfd, out->name, REQ(c)->arg.uid,
	    REQ(c)->arg.gid, AT_SYMLINK_NOFOLLOW);
}

int
act_truncate(struct broker_call *c)
{
	if (REQ(c)->fd >= 0)
		return held_meta(c);
	if (REQ(c)->arg.length < 0) {
		errno = EINVAL;
		return -1;
	}
	if (broker_check(c, 0, 1, FDB_W) == -1)
		return -1;
	return through_proc(c, 1);
}

int
act_utimens(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);

	if (REQ(c)->fd >= 0)
		return held_meta(c);
	if (broker_check(c, 0, FOLLOW(c), FDB_W) == -1)
		return -1;
	return utimensat(out->dirfd, out->name, REQ(c)->arg.times,
	    AT_SYMLINK_NOFOLLOW);
}

/* Like stat: the directories above a grant may be asked about too. */
int
act_statfs(struct broker_call *c)
{
	struct stat st;
	int fd, rc;

	if (check_stat(c, 1) == -1 ||
	    (fd = broker_open_name(OUT(c, 0), &st)) == -1)
		return -1;
	rc = fstatfs(fd, &c->res->sfs);
	fd_close(fd);
	if (rc == 0)
		rc = must_be_dir(OUT(c, 0), st.st_mode);
	return rc;
}

/*
 * inotify_add_watch() on the requester's inotify descriptor (the
 * broker's copy, req->fd) of the file the walk reached, through
 * /proc/self/fd of an O_PATH descriptor of it: the watch is on that very
 * inode, and the kernel looks up no path of the requester's.
 */
int
act_watch(struct broker_call *c)
{
	const struct broker_req *req = REQ(c);
	struct stat st;
	char proc[64];
	int fd, wd = -1;

	if (req->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (broker_check(c, 0, !(req->arg.mask & IN_DONT_FOLLOW), FDB_R) ==
	    -1 || (fd = broker_open_name(OUT(c, 0), &st)) == -1)
		return -1;
	if ((req->arg.mask & IN_ONLYDIR) && !S_ISDIR(st.st_mode))
		errno = ENOTDIR;
	else if (broker_proc_fd(fd, proc, sizeof(proc)) == 0)
		wd = inotify_add_watch(req->fd, proc, req->arg.mask &
		    ~(unsigned)IN_DONT_FOLLOW);
	fd_close(fd);
	if (wd == -1)
		return -1;
	c->res->val = wd;
	return 0;
}

/* Like stat: the directories above a grant may be entered. */
int
act_chdir(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	struct stat st;

	if (check_stat(c, 1) == -1 || kernel_rereads(c) == -1 ||
	    fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	return broker_is(st.st_mode, S_IFDIR, ENOTDIR);
}

/*
 * chdir and execve are answered CONTINUE: the kernel reads the path
 * again and would find the host's file, not the private tree's that the
 * walk resolved (remap.c), or, from a directory of the private tree,
 * take ".." to the host's /dev/shm.  Refused when the walk went through
 * a private tree at all.
 */
static int
kernel_rereads(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);

	if (!out->remapped &&
	    remap_find(c->ctx[0].remap, out->path) == NULL)
		return 0;
	out->denied = 1;
	errno = EACCES;
	return -1;
}

int
act_exec(struct broker_call *c)
{
	struct resolve_out *out = OUT(c, 0);
	struct stat st;

	if (REQ(c)->fd >= 0)
		return held_exec(c);
	/*
	 * A symlink on the way (/usr/bin/cc -> /etc/alternatives/cc) is
	 * read, not executed: it needs r; x is needed on the file run.
	 */
	if (check_quiet(c, 0, 1, FDB_R, FDB_X) == -1 ||
	    kernel_rereads(c) == -1 ||
	    fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	/* As execve(2): only a regular file runs. */
	return broker_is(st.st_mode, S_IFREG, EACCES);
}

int
broker_check(struct broker_call *c, int i, int follow, unsigned need)
{
	return check_quiet(c, i, follow, need, need);
}

int
broker_open_name(const struct resolve_out *out, struct stat *st)
{
	int fd;

	fd = openat(out->dirfd, out->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1)
		return fd_close(fd);
	return fd;
}

/*
 * SPEC §3: setuid and setgid bits are never set through the broker (as
 * root, a command could otherwise plant a setuid-root program for anyone
 * to run).  They are dropped silently, as the kernel drops S_ISGID for a
 * caller outside the file's group.
 */
mode_t
broker_mode(mode_t mode)
{
	return mode & ~(mode_t)(S_ISUID | S_ISGID);
}

int
broker_is(mode_t mode, mode_t type, int err)
{
	if ((mode & S_IFMT) != type) {
		errno = err;
		return -1;
	}
	return 0;
}

int
broker_proc_fd(int fd, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d", fd);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* ENOTDIR when the request ended in '/' and @mode is not a directory. */
static int
must_be_dir(const struct resolve_out *out, mode_t mode)
{
	if (out->must_be_dir && !S_ISDIR(mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/*
 * chmod and truncate of the final name: they have no *at form that
 * refuses to follow a symlink, so they go through an O_PATH descriptor of
 * the name, opened with O_NOFOLLOW.
 */
static int
through_proc(struct broker_call *c, int follow)
{
	struct stat st;
	char proc[64];
	int fd, rc = -1;

	if ((fd = broker_open_name(OUT(c, 0), &st)) == -1)
		return -1;
	/* lchmod: Linux has no mode on links; after a walk, a swap. */
	if (S_ISLNK(st.st_mode))
		errno = follow ? ELOOP : EOPNOTSUPP;
	else if (broker_proc_fd(fd, proc, sizeof(proc)) == 0)
		rc = broker_meta(c, proc, &st);
	fd_close(fd);
	return rc;
}

int
broker_meta(struct broker_call *c, const char *proc, const struct stat *st)
{
	const struct broker_req *req = REQ(c);

	switch (req->op) {
	case BROKER_CHMOD:
		return chmod(proc, broker_mode(req->mode) & 07777);
	case BROKER_CHOWN:
		return chown(proc, req->arg.uid, req->arg.gid);
	case BROKER_UTIMENS:
		return utimensat(AT_FDCWD, proc, req->arg.times, 0);
	case BROKER_TRUNCATE:
		/* truncate(2)'s answers, without opening a FIFO or a device. */
		if (S_ISDIR(st->st_mode))
			errno = EISDIR;
		else if (!S_ISREG(st->st_mode))
			errno = EINVAL;
		else
			return truncate(proc, req->arg.length);
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
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
 * a directory, when no rule lies beneath either place and no deny glob
 * might match beneath the old one (moving a tree would carry a denied
 * subtree, or a file a glob refuses, out from under its rule).  Otherwise
 * EXDEV, as for another file system: mv then copies, and each copied
 * file goes through the policy on its own.
 */
static int
move_check(struct broker_call *c, int from, int to, int is_dir)
{
	const char *pf = OUT(c, from)->path, *pt = OUT(c, to)->path;
	const struct policy_rule *rf, *rt;
	unsigned gained;

	rf = policy_match(c->policy, pf);
	rt = policy_match(c->policy, pt);
	gained = (rt != NULL ? rt->perms : 0) & PERMS_RWX &
	    ~(rf != NULL ? rf->perms : 0);
	if (gained != 0 || (is_dir && (rules_beneath(c->policy, pf, 0) ||
	    rules_beneath(c->policy, pt, 0) ||
	    policy_globs_beneath(c->policy, pf)))) {
		errno = EXDEV;
		return -1;
	}
	return 0;
}

/* Is there a rule (@granting: that grants something) beneath @path? */
static int
rules_beneath(const struct fdb_policy *p, const char *path, int granting)
{
	const struct policy_rule *r;
	size_t i, n, len = strlen(path);

	r = policy_rules(p, &n);
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
 * their metadata: nothing is opened, listed or read.  0 when the policy
 * grants @path r, 1 when it is a directory above a grant, -1 otherwise.
 */
static int
check_stat(struct broker_call *c, int follow)
{
	struct resolve_out *out = OUT(c, 0);
	struct stat st;
	int err;

	if (check_quiet(c, 0, follow, FDB_R, FDB_R) == 0)
		return 0;
	err = errno;
	if (out->dirfd >= 0 && out->denied &&
	    rules_beneath(c->policy, out->path, 1) &&
	    fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		out->rule = NULL;
		out->denied = 0;
		return 1;
	}
	out->dirfd = fd_close(out->dirfd);
	errno = err;
	return -1;
}

/*
 * Resolve path @i (each symlink crossed must grant @links) and check
 * @need on the target.  When the policy refuses the target itself,
 * out->denied is set and out->dirfd stays open (check_stat() looks at
 * what it is); broker_do() closes it.
 */
static int
check_quiet(struct broker_call *c, int i, int follow, unsigned links,
	    unsigned need)
{
	struct resolve_out *out = OUT(c, i);
	const char *path = REQ(c)->path[i];

	/* As the kernel: "link/" means the directory the link points to. */
	if (path != NULL && trailing_slash(path))
		follow = 1;
	if (resolve_path(&c->ctx[i], path, follow, links, out) == -1)
		return -1;
	if (!policy_allows(c->policy, out->path, need, &out->rule)) {
		out->denied = 1;
		errno = EACCES;
		return -1;
	}
	return 0;
}
