/* SPDX-License-Identifier: MIT */
/*
 * resolve.c: turn a requested path into an open descriptor of what the
 * policy grants, without races.
 *
 * The walk holds an O_PATH descriptor of the current directory and opens
 * one component at a time with O_PATH|O_NOFOLLOW, so the kernel never
 * follows a symlink for us: a symlink is read with readlinkat() and its
 * text is walked again, each link checked against the policy.  The
 * logical path (what the policy is matched against) is therefore always
 * the path of what was really opened.  ".." pops the logical path and
 * walks the parent again from "/" refusing any symlink on the way, so it
 * can never climb somewhere the logical path does not say.  The final
 * open is relative to the verified parent with O_NOFOLLOW: a symlink
 * swapped in at the last moment makes it fail with ELOOP, never succeed.
 *
 * This module does the checks and the opening; policy.c is the pure
 * decision.  It never reads a path twice from anywhere but its own
 * buffers.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "policy.h"
#include "remap.h"
#include "resolve.h"
#include "resolve-walk.h"


static int walk_start(struct walk *w, const struct resolve_ctx *ctx,
		      const char *path);
static int walk_to_root(struct walk *w);
static int walk_parent(struct walk *w);
static int open_dir_nofollow(const char *path);
static int open_physical(const struct walk *w);
static int enter_remap(struct walk *w, const struct remap *r,
		       const char *lpath, size_t llen,
		       struct resolve_out *out);
static int walk_link(struct walk *w, int fd, const char *lpath,
		     unsigned need, const char *rest, struct resolve_out *out);
static int set_target(struct walk *w, const char *name, const char *pname,
		      struct resolve_out *out);
static int deny(struct resolve_out *out, const char *path,
		const struct policy_rule *rule);
static void deny_through(struct resolve_out *out, const char *lpath,
			 const char *rest);
static int open_target(const struct resolve_ctx *ctx,
		    struct resolve_out *out, int flags,
		       mode_t mode);
static int check_exists(const struct resolve_out *out);
static void hide_outside(const struct walk *w, const char *name,
			 unsigned need, struct resolve_out *out);
static unsigned walk_need(unsigned need);
static int lexical(const struct resolve_ctx *ctx, const char *path,
		   char *out, size_t *last);
static int lexical_append(char *out, size_t *len, size_t *last,
			  const char *s);
static int fast_path(const struct resolve_ctx *ctx, const char *path,
		     int follow, unsigned need, struct resolve_out *out);
static int fast_open(const struct resolve_ctx *ctx, const char *path,
		     int flags, mode_t mode, unsigned need, unsigned need_new,
		     struct resolve_out *out);
static int next_name(struct walk *w, char *name, struct resolve_out *out);
static int walk_step(struct walk *w, char *name, int follow, unsigned need,
		     struct resolve_out *out);
static int walk_path(const struct resolve_ctx *ctx, const char *path,
		     int follow, unsigned need, struct resolve_out *out);
static int broker_flags(int flags);
static int fifo_kept(const struct resolve_ctx *ctx, struct resolve_out *out,
		     int fd, int flags, int dirfd);
static void out_reset(struct resolve_out *out);
static int fast_refusal(struct resolve_out *out, int flags);
static long open_plain(const char *path, int flags, mode_t mode);

/* fast_path() and fast_open(): walk it (walk_path() resets *out). */
#define WALK	(-2)
/* walk_step(): on to the next component. */
#define WALK_ON	1

int
resolve_path(const struct resolve_ctx *ctx, const char *path, int follow,
	     unsigned need, struct resolve_out *out)
{
	int rc;

	out_reset(out);
	if ((rc = fast_path(ctx, path, follow, need, out)) != WALK)
		return rc;
	return walk_path(ctx, path, follow, need, out);
}

/* resolve_path() by the walk alone. */
static int
walk_path(const struct resolve_ctx *ctx, const char *path, int follow,
	  unsigned need, struct resolve_out *out)
{
	struct walk w;
	char name[NAME_MAX + 1];
	int rc;

	out_reset(out);
	if (walk_start(&w, ctx, path) == -1)
		return -1;
	name[0] = '\0';
	while ((rc = walk_step(&w, name, follow, need, out)) == WALK_ON)
		;
	out->remapped = w.remapped;
	if (rc == 0)
		return 0;
	fd_close(w.cur);
	if (!out->denied)
		hide_outside(&w, name, need, out);
	return -1;
}

/*
 * Take the next component off w->rest into @name (NAME_MAX + 1 bytes).
 * Returns 1 when none is left (the target is the current directory).
 */
static int
next_name(struct walk *w, char *name, struct resolve_out *out)
{
	const char *p = w->rest, *end;
	size_t n;

	name[0] = '\0';
	while (*p == '/')
		p++;
	if (*p == '\0')		/* "/", "dir/", "dir/." */
		return 1;
	end = strchrnul(p, '/');
	n = (size_t)(end - p);
	if (n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	while (*end == '/')
		end++;
	if (*end == '\0' && end > p + n)
		out->must_be_dir = 1;
	memmove(w->rest, end, strlen(end) + 1);
	return 0;
}

/*
 * One component of the walk: WALK_ON to go on, 0 when the target is
 * found (set_target()), -1 on failure (w->cur still open).
 */
static int
walk_step(struct walk *w, char *name, int follow, unsigned need,
	  struct resolve_out *out)
{
	char phys[NAME_MAX + 1], lpath[PATH_MAX];
	const struct remap *r;
	const char *pname;
	size_t llen;
	int fd, rc;
	struct stat st;

	if ((rc = next_name(w, name, out)) != 0)
		return rc == 1 ? set_target(w, ".", ".", out) : -1;
	if (strcmp(name, ".") == 0)
		return WALK_ON;
	if (strcmp(name, "..") == 0)
		return walk_parent(w) == -1 ? -1 : WALK_ON;
	if ((pname = resolve_proc_alias(w, name, phys, sizeof(phys))) == NULL)
		return -1;
	llen = w->llen;
	memcpy(lpath, w->logical, llen + 1);
	if (resolve_append(lpath, &llen, name) == -1)
		return -1;
	if ((r = remap_root(w->ctx->remap, lpath)) != NULL)
		return enter_remap(w, r, lpath, llen, out);
	if (w->rest[0] == '\0' && !follow)
		return set_target(w, name, pname, out);
	fd = openat(w->cur, pname, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return w->rest[0] == '\0' && errno == ENOENT ?
		    set_target(w, name, pname, out) : -1;
	if (fstat(fd, &st) == -1)
		return fd_close(fd);
	if (S_ISLNK(st.st_mode))
		return walk_link(w, fd, lpath, need, w->rest, out) == -1 ? -1 :
		    WALK_ON;
	if (w->rest[0] == '\0') {
		fd_close(fd);
		return set_target(w, name, pname, out);
	}
	if (!S_ISDIR(st.st_mode)) {
		fd_close(fd);
		errno = ENOTDIR;
		return -1;
	}
	fd_close(w->cur);
	w->cur = fd;
	memcpy(w->logical, lpath, llen + 1);
	w->llen = llen;
	if (resolve_append(w->physical, &w->plen, pname) == -1)
		return -1;
	return WALK_ON;
}

int
resolve_open(const struct resolve_ctx *ctx, const char *path, int flags,
	     mode_t mode, struct resolve_out *out)
{
	const struct fdb_policy *p = ctx ? ctx->policy : NULL;
	unsigned need, need_new;
	int follow, fd;

	out_reset(out);
	if (policy_open_need(flags, &need, &need_new) == -1)
		return -1;
	if ((fd = fast_open(ctx, path, flags, mode, need, need_new, out)) !=
	    WALK)
		return fd;
	/* O_CREAT|O_EXCL never follows a final symlink (open(2)). */
	follow = !(flags & O_NOFOLLOW) &&
		 (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	if (walk_path(ctx, path, follow, need, out) == -1)
		return -1;
	if (out->must_be_dir && (flags & O_CREAT)) {
		errno = EISDIR;
		fd = -1;
	} else if (!(flags & O_CREAT)) {
		if (policy_allows(p, out->path, need, &out->rule))
			fd = open_target(ctx, out, flags, mode);
		else
			fd = deny(out, NULL, out->rule);
	} else if (policy_allows(p, out->path, need_new, &out->rule)) {
		fd = open_target(ctx, out, flags, mode);
	} else if (!policy_allows(p, out->path, need, &out->rule)) {
		fd = deny(out, NULL, out->rule);
	} else if (flags & O_EXCL) {
		/* Without c, O_EXCL can only fail: say why, touch nothing. */
		fd = check_exists(out) ? (errno = EEXIST, -1) :
					 deny(out, NULL, out->rule);
	} else {
		/* The file may exist; creating it is not granted. */
		fd = open_target(ctx, out, flags & ~O_CREAT, mode);
		if (fd == -1 && errno == ENOENT)
			fd = deny(out, NULL, out->rule);
	}
	out->dirfd = fd_close(out->dirfd);
	return fd;
}

/*
 * The final open, relative to the verified parent.  O_NOFOLLOW: the walk
 * already followed what the policy allowed, so a symlink found here was
 * swapped in since, and ELOOP is the safe answer.  O_NONBLOCK: opening a
 * FIFO or a terminal may wait for a peer, and the broker waits for no
 * child; the flag is taken back off below unless it was asked for.
 */
static int
open_target(const struct resolve_ctx *ctx, struct resolve_out *out,
	    int flags, mode_t mode)
{
	int how = broker_flags(flags) | (out->must_be_dir ? O_DIRECTORY : 0);

	return fifo_kept(ctx, out, resolve_nonblock_off(openat(out->dirfd,
	    out->name, how, mode), flags), flags, out->dirfd);
}

/*
 * A FIFO opened as a blocking open(2) would (@flags), for a caller that
 * waits for its peer (out->fifo says why): @fd when it is a reader's
 * FIFO, out->fifo set.  A writer's open answered ENXIO (no reader) asks
 * @dirfd for an O_PATH descriptor of the same name, kept when it is a
 * FIFO (it was one; if it was swapped since, ENXIO as before); without
 * @dirfd (the fast path), WALK.  Any other @fd is returned as it is.
 */
static int
fifo_kept(const struct resolve_ctx *ctx, struct resolve_out *out, int fd,
	  int flags, int dirfd)
{
	int acc = flags & O_ACCMODE, path = 0;
	struct stat st;

	if (ctx == NULL || !ctx->wait_fifo || (flags & (O_NONBLOCK | O_PATH)) ||
	    (acc != O_RDONLY && acc != O_WRONLY))
		return fd;
	if (fd == -1 && errno == ENXIO && acc == O_WRONLY) {
		if (dirfd == -1)
			return WALK;
		fd = openat(dirfd, out->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		path = 1;
	}
	if (fd == -1 || (acc == O_WRONLY && !path))
		return fd;
	if (fstat(fd, &st) == -1)
		return fd_close(fd);
	if (S_ISFIFO(st.st_mode))
		out->fifo = 1;
	else if (path) {
		fd_close(fd);
		errno = ENXIO;
		return -1;
	}
	return fd;
}

/* How the broker opens for @flags (open_target() says why). */
static int
broker_flags(int flags)
{
	return flags | O_NOFOLLOW | O_CLOEXEC |
	    (flags & O_PATH ? 0 : O_NONBLOCK);
}

static void
out_reset(struct resolve_out *out)
{
	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
}

/*
 * F_SETFL changes only the status flags (O_APPEND, O_NONBLOCK, O_DIRECT,
 * O_NOATIME, O_ASYNC), and the open just set those from @flags: no
 * F_GETFL is needed to keep them.
 */
int
resolve_nonblock_off(int fd, int flags)
{
	if (fd == -1 || (flags & (O_NONBLOCK | O_PATH)))
		return fd;
	if (fcntl(fd, F_SETFL, flags) == -1)
		return fd_close(fd);
	return fd;
}

/*
 * The fast path.  Most requests name a path with no symlink on the way,
 * and the kernel opens such a path in one openat2() that refuses every
 * symlink (RESOLVE_NO_SYMLINKS; magic links too): what it opens is then
 * exactly what the path says, so the policy's verdict on the lexical
 * path is the walk's verdict, without the walk's system calls for every
 * component.  A symlink anywhere makes it fail with ELOOP, and the walk
 * starts over.  Only when the lexical path is granted what the walk
 * would ask of it on failure (walk_need()), so that the kernel's errno
 * (ENOENT, ENOTDIR...) is the one the walk would keep.
 *
 * fast_open: open(2) of @path when nothing but r, w or, with O_CREAT, c
 * is involved.  Returns the descriptor, -1 with errno, or WALK.
 */
static int
fast_open(const struct resolve_ctx *ctx, const char *path, int flags,
	  mode_t mode, unsigned need, unsigned need_new,
	  struct resolve_out *out)
{
	const struct fdb_policy *p = ctx ? ctx->policy : NULL;
	const struct policy_rule *rule;
	size_t last;
	long fd;

	if (p == NULL || !lexical(ctx, path, out->path, &last))
		return WALK;
	if (!policy_allows(p, out->path, walk_need(need), &rule)) {
		if (flags & O_CREAT || policy_allows(p, out->path, need,
		    &out->rule))
			return WALK;
		return fast_refusal(out, flags);
	}
	if (!policy_allows(p, out->path, flags & O_CREAT ? need_new : need,
	    &out->rule))
		return WALK;
	fd = open_plain(out->path, broker_flags(flags), mode);
	/* EINVAL: openat2() refuses flags that open() ignores. */
	if (fd == -1 && (errno == ELOOP || errno == EINVAL || errno == ENOSYS))
		return WALK;
	return fifo_kept(ctx, out, resolve_nonblock_off((int)fd, flags), flags,
	    -1);
}

/*
 * A refusal of the lexical path out->path stands when no symlink leads
 * elsewhere: when it can be opened (O_PATH) refusing every symlink, or
 * a component is missing or not a directory before any symlink (the
 * walk would stop there and hide what it found).  Else WALK.
 */
static int
fast_refusal(struct resolve_out *out, int flags)
{
	long fd;

	fd = open_plain(out->path, O_PATH | O_CLOEXEC | (flags & O_NOFOLLOW),
	    0);
	if (fd >= 0) {
		fd_close((int)fd);
		return deny(out, NULL, out->rule);
	}
	if (errno == ENOENT || errno == ENOTDIR)
		return deny(out, NULL, NULL);
	return WALK;
}

/*
 * fast_path: resolve_path() of @path by opening its parent directory in
 * one step; a final symlink to follow is left to the walk.
 */
static int
fast_path(const struct resolve_ctx *ctx, const char *path, int follow,
	  unsigned need, struct resolve_out *out)
{
	const struct policy_rule *rule;
	char parent[PATH_MAX];
	size_t last;
	long fd;

	if (ctx == NULL || ctx->policy == NULL ||
	    !lexical(ctx, path, out->path, &last) ||
	    !policy_allows(ctx->policy, out->path, walk_need(need), &rule))
		return WALK;
	memcpy(parent, out->path, last);
	parent[last > 1 ? last - 1 : 1] = '\0';
	fd = open_plain(parent, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd == -1)
		return errno == ELOOP || errno == ENOSYS ? WALK : -1;
	snprintf(out->name, sizeof(out->name), "%s", out->path + last);
	/* Kept: a stat() asks the same question next. */
	if (follow && fstatat((int)fd, out->name, &out->st,
	    AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(out->st.st_mode)) {
			fd_close((int)fd);
			return WALK;
		}
		out->have_st = 1;
	}
	out->dirfd = (int)fd;
	return 0;
}

/* openat2() of the absolute @path, refusing every symlink on the way. */
static long
open_plain(const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned)flags,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	/* openat2() wants a mode with O_CREAT and O_TMPFILE only. */
	if (flags & (O_CREAT | O_TMPFILE))
		how.mode = mode & 07777;
	return syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/*
 * The absolute path @path names, with relative ones joined to ctx->base,
 * into @out (PATH_MAX bytes), and where its last component starts in
 * *@last; 0 when it is a case for the walk: "." and ".." (their meaning
 * depends on the symlinks crossed before them), a final '/' (the target
 * must be a directory), "/" itself, and /proc, whose "self" is the
 * requester's, not the broker's.
 */
static int
lexical(const struct resolve_ctx *ctx, const char *path, char *out,
	size_t *last)
{
	size_t plen, len = 0;

	if (path == NULL || (plen = strlen(path)) == 0 ||
	    path[plen - 1] == '/')
		return 0;
	out[0] = '\0';
	if (path[0] != '/' && (ctx->base == NULL || ctx->base[0] != '/' ||
	    lexical_append(out, &len, last, ctx->base) == -1))
		return 0;
	if (lexical_append(out, &len, last, path) == -1 || len == 0)
		return 0;
	/* A private tree is walked from its root's descriptor. */
	if (remap_find(ctx->remap, out) != NULL)
		return 0;
	return strncmp(out, "/proc", 5) != 0 ||
	    (out[5] != '/' && out[5] != '\0');
}

/* Append the components of @s; -1 for ".", "..", or too long a name. */
static int
lexical_append(char *out, size_t *len, size_t *last, const char *s)
{
	const char *e;
	size_t n;

	for (;; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			return 0;
		e = strchrnul(s, '/');
		n = (size_t)(e - s);
		if ((n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.') || n > NAME_MAX ||
		    *len + 1 + n >= PATH_MAX)
			return -1;
		out[(*len)++] = '/';
		*last = *len;
		memcpy(out + *len, s, n);
		*len += n;
		out[*len] = '\0';
	}
}

static int
check_exists(const struct resolve_out *out)
{
	struct stat st;

	return fstatat(out->dirfd, out->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/*
 * A walk that failed (ENOENT, ENOTDIR, ELOOP...) outside every grant must
 * not tell the requester what exists there: the failure becomes a
 * refusal unless the path it was heading for, read lexically from where
 * the walk stopped, is granted.  Keeps errno otherwise.
 */
static void
hide_outside(const struct walk *w, const char *name, unsigned need,
	     struct resolve_out *out)
{
	char lex[3 * PATH_MAX + 4], norm[PATH_MAX];
	const struct policy_rule *rule;
	int save_errno = errno, normal;

	snprintf(lex, sizeof(lex), "%s/%s/%s", w->logical, name, w->rest);
	normal = policy_normalise(lex, norm, sizeof(norm)) != -1;
	if (normal && policy_allows(w->ctx->policy, norm, walk_need(need),
				    &rule)) {
		errno = save_errno;
		return;
	}
	deny(out, normal ? norm : w->logical, NULL);
}

/* What a path crossed on the way needs: the access's letters, at least r. */
static unsigned
walk_need(unsigned need)
{
	need &= ~FDB_C;
	return need ? need : FDB_R;
}

/* Set up the walk at "/" with the whole path (relative: base first). */
static int
walk_start(struct walk *w, const struct resolve_ctx *ctx, const char *path)
{
	size_t plen, blen = 0;

	w->ctx = ctx;
	w->cur = -1;
	w->links = 0;
	w->remapped = 0;
	if (path == NULL || ctx == NULL || ctx->policy == NULL) {
		errno = EINVAL;
		return -1;
	}
	plen = strlen(path);
	if (plen == 0) {
		errno = ENOENT;		/* as open("") */
		return -1;
	}
	if (plen >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (path[0] != '/') {
		if (ctx->base == NULL || ctx->base[0] != '/') {
			errno = EINVAL;
			return -1;
		}
		blen = strlen(ctx->base);
		if (blen >= PATH_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(w->rest, ctx->base, blen);
		w->rest[blen++] = '/';
	}
	memcpy(w->rest + blen, path, plen + 1);
	return walk_to_root(w);
}

static int
walk_to_root(struct walk *w)
{
	int fd;

	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	fd_close(w->cur);
	w->cur = fd;
	w->logical[0] = w->physical[0] = '\0';
	w->llen = w->plen = 0;
	/* A private root's real path is its logical one (remap.c). */
	if (remap_alias(w->ctx->remap, w->rest))
		w->remapped = 1;
	return 0;
}

/*
 * Step into the private root of @r, logical path @lpath: the walk goes
 * on from (a copy of) its descriptor, never from the host's directory
 * of that name.  The root itself as a target is "." in it.
 */
static int
enter_remap(struct walk *w, const struct remap *r, const char *lpath,
	    size_t llen, struct resolve_out *out)
{
	int fd;

	if ((fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	fd_close(w->cur);
	w->cur = fd;
	w->remapped = 1;
	memcpy(w->logical, lpath, llen + 1);
	w->llen = llen;
	memcpy(w->physical, r->host, r->hlen + 1);
	w->plen = r->hlen;
	if (w->rest[strspn(w->rest, "/")] == '\0')
		return set_target(w, ".", ".", out);
	return WALK_ON;
}

/*
 * "..": drop the last component and open the parent again from "/".
 * Asking the kernel for ".." of the current directory would give its
 * parent *now*, which a concurrent rename may have changed; walking the
 * physical path again, refusing symlinks, keeps the descriptor and the
 * logical path in step.  The physical path holds no symlink: every
 * component was a directory when it was walked.
 */
static int
walk_parent(struct walk *w)
{
	char *slash;
	int fd, was_root;

	slash = strrchr(w->logical, '/');
	if (slash == NULL)		/* ".." of "/" is "/" */
		return 0;
	was_root = remap_root(w->ctx->remap, w->logical) != NULL;
	*slash = '\0';
	w->llen = (size_t)(slash - w->logical);
	slash = strrchr(w->physical, '/');
	*slash = '\0';
	w->plen = (size_t)(slash - w->physical);
	/* Above a private root, the physical path is the logical one. */
	if (was_root) {
		memcpy(w->physical, w->logical, w->llen + 1);
		w->plen = w->llen;
	}
	if ((fd = open_physical(w)) == -1)
		return -1;
	fd_close(w->cur);
	w->cur = fd;
	return 0;
}

/*
 * The directory at w->physical again: beneath a private root, from its
 * descriptor and never out of it (remap.c); elsewhere from "/".
 */
static int
open_physical(const struct walk *w)
{
	const struct remap *r;

	if (w->plen == 0)
		return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if ((r = remap_by_host(w->ctx->remap, w->physical)) != NULL)
		return remap_open_beneath(r, w->physical + r->hlen);
	return open_dir_nofollow(w->physical);
}

/*
 * Open the directory at the absolute @path, refusing every symlink on the
 * way (RESOLVE_NO_SYMLINKS also refuses magic links), so that the result
 * is exactly the directory that path names now.
 */
static int
open_dir_nofollow(const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	return (int)fd;
}

/*
 * A symlink @fd at logical path @lpath: check it, read it, and put its
 * text in front of what is left to walk.  Takes ownership of @fd.
 *
 * Symlinks under /proc/PID are magic: the kernel would jump to the
 * object itself, whatever its path, so they are refused outright.  Plain
 * procfs links in /proc itself (mounts -> self/mounts) are ordinary.
 */
static int
walk_link(struct walk *w, int fd, const char *lpath, unsigned need,
	  const char *rest, struct resolve_out *out)
{
	char target[PATH_MAX + 1], tail[2 * PATH_MAX + 2];
	const struct policy_rule *rule;
	ssize_t n;
	size_t rlen;

	if (resolve_on_procfs(w->cur, 0) && !resolve_on_procfs(w->cur, 1)) {
		fd_close(fd);
		errno = ELOOP;
		return -1;
	}
	if (++w->links > RESOLVE_MAX_LINKS) {
		fd_close(fd);
		errno = ELOOP;
		return -1;
	}
	/*
	 * A link must be granted what the access needs, and at least r.  The
	 * refusal names the whole path the request was heading for through
	 * the link, as asked (the record shows where it was going).
	 */
	if (!policy_allows(w->ctx->policy, lpath, walk_need(need), &rule)) {
		fd_close(fd);
		deny_through(out, lpath, rest);
		out->rule = rule;
		return -1;
	}
	n = readlinkat(fd, "", target, sizeof(target));
	fd_close(fd);
	if (n == -1)
		return -1;
	if ((size_t)n >= sizeof(target) - 1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	target[n] = '\0';
	rlen = strlen(rest);
	/* "link/" must stay "target/": keep the separator and the tail. */
	if ((size_t)n + 1 + rlen + 1 > sizeof(w->rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tail, rest, rlen + 1);
	memcpy(w->rest, target, (size_t)n);
	w->rest[n] = '/';
	memcpy(w->rest + n + 1, tail, rlen + 1);
	if (rlen == 0 && !out->must_be_dir)
		w->rest[n] = '\0';
	if (target[0] == '/')
		return walk_to_root(w);
	return 0;
}

/* Append "/name" to the path in @buf of length *@len (PATH_MAX bytes). */
int
resolve_append(char *buf, size_t *len, const char *name)
{
	size_t n = strlen(name);

	if (*len + 1 + n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[(*len)++] = '/';
	memcpy(buf + *len, name, n + 1);
	*len += n;
	return 0;
}

/*
 * The walk ends: the target is @name for the policy, @pname in the
 * current directory (they differ for the requester's /proc/self).
 */
static int
set_target(struct walk *w, const char *name, const char *pname,
	   struct resolve_out *out)
{
	size_t len = w->llen;

	memcpy(out->path, w->logical, len + 1);
	if (strcmp(name, ".") != 0 &&
	    resolve_append(out->path, &len, name) == -1)
		return -1;
	if (len == 0)
		strcpy(out->path, "/");
	snprintf(out->name, sizeof(out->name), "%s", pname);
	out->dirfd = w->cur;
	return 0;
}

/*
 * A refusal at the link @lpath, with @rest still to walk behind it:
 * out->path is both joined and normalised (the link's own path when
 * that does not fit).
 */
static void
deny_through(struct resolve_out *out, const char *lpath, const char *rest)
{
	char lex[2 * PATH_MAX + 4];

	snprintf(lex, sizeof(lex), "%s/%s", lpath, rest);
	if (rest[0] == '\0' ||
	    policy_normalise(lex, out->path, sizeof(out->path)) == -1)
		snprintf(out->path, sizeof(out->path), "%s", lpath);
	deny(out, NULL, NULL);
}

/* A policy refusal of @path (NULL: the target) by @rule. */
static int
deny(struct resolve_out *out, const char *path,
     const struct policy_rule *rule)
{
	if (path != NULL)	/* NULL: the target, out->path already */
		snprintf(out->path, sizeof(out->path), "%s", path);
	out->rule = rule;
	out->denied = 1;
	errno = EACCES;
	return -1;
}
