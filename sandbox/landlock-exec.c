/* SPDX-License-Identifier: MIT */
/*
 * landlock-exec.c: the command's Landlock ruleset, which bounds what the
 * kernel executes after the broker answers an execve() with CONTINUE
 * (SPEC §2): the exact image of the policy's x decisions, so that a path
 * or descriptor swapped after the broker's check runs nothing the
 * policy refuses; and, from Landlock ABI 6, the scopes that keep the
 * command from signalling processes, or reaching abstract unix sockets,
 * outside its domain.
 *
 * Landlock can only allow, beneath a file or directory.  An x rule with
 * no narrower rule beneath it that takes x away (a deny, or r, rw...)
 * is granted whole.  Where there is such a "hole", the directory is not
 * granted; its entries are, one by one, and only the entries on the way
 * to a hole are split further, so the hole and everything beneath it
 * stay out.  Entries made later in a split directory (not in an entry
 * granted whole) get no rule: they cannot be executed, although the
 * policy would allow it (fail closed).
 *
 * Paths are taken as the broker decides on them: it resolves every
 * symlink and matches the canonical path, so a rule whose path goes
 * through a symlink (Debian's /bin -> usr/bin) never lets anything run
 * there, and neither does its image; symlinks met in a split need no
 * rule (execve() is checked on the file the link leads to).
 *
 * Built in the broker, before it confines itself (splitting reads
 * directories its own ruleset may not let it read), and enforced in the
 * command's process; owns the ruleset until it is returned.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "landlock.h"
#include "policy.h"

struct image {
	const struct fdb_policy *p;
	const struct policy_rule *rules;
	size_t n;
	int ruleset;
	size_t split;		/* rules splits added, <= LANDLOCK_SPLIT_MAX */
	char path[PATH_MAX];	/* the directory being split */
	size_t len;
};

/* A hole beneath the directory being split: its next component. */
struct hole {
	const char *name;
	size_t len;
	int here;		/* the hole is that entry itself */
};

/* What a split does with one directory entry. */
enum entry {
	ENTRY_GRANT,		/* a rule on it, whole */
	ENTRY_SPLIT,		/* a directory on the way to a hole */
	ENTRY_SKIP		/* a hole, or nothing to execute */
};

static int	 covered(const struct image *img, const struct policy_rule *r);
static int	 image_rule(struct image *img, const struct policy_rule *r);
static int	 split(struct image *img, int dirfd);
static int	 split_entry(struct image *img, int dirfd,
		    const struct dirent *de, const struct hole *h, size_t nh);
static size_t	 holes(const struct image *img, struct hole *h);
static int	 exact_dir(const struct policy_rule *r);
static enum entry classify(int dirfd, const struct dirent *de,
		    const struct hole *h, size_t nh);
static int	 grant(struct image *img, int fd);

int
landlock_exec_ruleset(const struct fdb_policy *p)
{
	struct image *img;
	size_t i;
	int rs, e;

	if ((rs = landlock_ruleset(LANDLOCK_ACCESS_FS_EXECUTE,
	    landlock_abi() >= 6 ? LANDLOCK_SCOPES : 0)) == -1)
		return -1;
	if ((img = calloc(1, sizeof(*img))) == NULL)
		return fd_close(rs);
	img->p = p;
	img->rules = policy_rules(p, &img->n);
	img->ruleset = rs;
	for (i = 0; i < img->n; i++) {
		if ((img->rules[i].perms & FDB_X) == 0 ||
		    covered(img, &img->rules[i]))
			continue;
		if (image_rule(img, &img->rules[i]) == -1) {
			e = errno;
			free(img);
			fd_close(rs);
			errno = e;
			return -1;
		}
	}
	free(img);
	return rs;
}

/*
 * An x rule beneath a directory whose deciding rule grants x too is in
 * that rule's image already (its holes are that rule's holes): adding it
 * again would split the same directories twice.
 */
static int
covered(const struct image *img, const struct policy_rule *r)
{
	const struct policy_rule *up;
	char parent[PATH_MAX];
	size_t n;

	if (r->len <= 1)
		return 0;
	for (n = r->len - 1; n > 0 && r->path[n] != '/'; n--)
		;
	memcpy(parent, r->path, n == 0 ? 1 : n);
	parent[n == 0 ? 1 : n] = '\0';
	up = policy_match(img->p, parent);
	return up != NULL && !up->exact && (up->perms & FDB_X) != 0;
}

/*
 * The image of the x rule @r.  Its path is walked without symlinks, as
 * the broker's canonical paths are; a path that does not exist (or goes
 * through a link) lets nothing run, now or later.
 */
static int
image_rule(struct image *img, const struct policy_rule *r)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	struct stat st;
	int fd, rc;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, r->path, &how, sizeof(how));
	if (fd == -1)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ||
		    errno == EACCES ? 0 : -1;
	if (fstat(fd, &st) == -1)
		return fd_close(fd);
	/* An exact rule is its path alone: a directory runs nothing. */
	if (r->exact && S_ISDIR(st.st_mode)) {
		fd_close(fd);
		return 0;
	}
	memcpy(img->path, r->path, r->len + 1);
	img->len = r->len;
	if (S_ISDIR(st.st_mode) && holes(img, NULL) > 0)
		rc = split(img, fd);
	else
		rc = landlock_add(img->ruleset, fd, LANDLOCK_ACCESS_FS_EXECUTE);
	fd_close(fd);
	return rc;
}

/*
 * Grant the entries of the directory @dirfd (img->path) that are not
 * holes, and split those on the way to one.  A directory that cannot be
 * listed gets nothing (fail closed).  Borrows @dirfd.
 */
static int
split(struct image *img, int dirfd)
{
	struct hole *h;
	struct dirent *de;
	DIR *d;
	size_t nh;
	int fd, rc = 0;

	if ((h = calloc(img->n, sizeof(*h))) == NULL)
		return -1;
	nh = holes(img, h);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		rc = errno == EACCES || errno == ENOENT ? 0 : -1;
		fd_close(fd);
		free(h);
		return rc;
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL)
		rc = split_entry(img, dirfd, de, h, nh);
	if (rc == 0 && errno != 0)
		rc = -1;
	closedir(d);
	free(h);
	return rc;
}

/* One entry of split(): granted, split further, or left out. */
static int
split_entry(struct image *img, int dirfd, const struct dirent *de,
	    const struct hole *h, size_t nh)
{
	size_t n = strlen(de->d_name), len = img->len;
	enum entry what;
	int fd, rc;

	if ((what = classify(dirfd, de, h, nh)) == ENTRY_SKIP)
		return 0;
	fd = openat(dirfd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC |
	    (what == ENTRY_SPLIT ? O_DIRECTORY : 0));
	/* Gone, or no longer a directory, since it was listed: nothing. */
	if (fd == -1)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ||
		    errno == EACCES ? 0 : -1;
	if (what == ENTRY_GRANT) {
		rc = grant(img, fd);
		fd_close(fd);
		return rc;
	}
	/* On the way to a hole, so shorter than the hole's path. */
	if (len > 1)
		img->path[img->len++] = '/';
	memcpy(img->path + img->len, de->d_name, n + 1);
	img->len += n;
	rc = split(img, fd);
	img->len = len;
	img->path[len] = '\0';
	fd_close(fd);
	return rc;
}

/*
 * The holes beneath img->path: the rules there without x.  Into @h (one
 * slot a rule) when not NULL; returns how many there are.
 */
static size_t
holes(const struct image *img, struct hole *h)
{
	const struct policy_rule *r;
	size_t i, k = 0, base = img->len > 1 ? img->len + 1 : 1, e;

	for (i = 0; i < img->n; i++) {
		r = &img->rules[i];
		if ((r->perms & FDB_X) != 0 || r->len < base + 1 ||
		    (img->len > 1 && r->path[img->len] != '/') ||
		    memcmp(r->path, img->path, img->len) != 0 ||
		    exact_dir(r))
			continue;
		if (h != NULL) {
			for (e = base; e < r->len && r->path[e] != '/'; e++)
				;
			h[k].name = r->path + base;
			h[k].len = e - base;
			h[k].here = e == r->len;
		}
		k++;
	}
	return k;
}

/*
 * An exact rule on a directory takes x from that directory alone, which
 * runs nothing anyway: what lies beneath stays the tree rule's, so it is
 * no hole.
 */
static int
exact_dir(const struct policy_rule *r)
{
	struct stat st;

	return r->exact && stat(r->path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Only directories and regular files can hold or be something to run;
 * a symlink is followed to where its target is decided.
 */
static enum entry
classify(int dirfd, const struct dirent *de, const struct hole *h, size_t nh)
{
	size_t i, n;
	unsigned char type = de->d_type;
	struct stat st;
	int way = 0;

	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
		return ENTRY_SKIP;
	n = strlen(de->d_name);
	for (i = 0; i < nh; i++) {
		if (h[i].len != n || memcmp(h[i].name, de->d_name, n) != 0)
			continue;
		if (h[i].here)
			return ENTRY_SKIP;
		way = 1;
	}
	if (type == DT_UNKNOWN) {
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			return ENTRY_SKIP;
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ?
		    DT_REG : DT_UNKNOWN;
	}
	if (type == DT_DIR)
		return way ? ENTRY_SPLIT : ENTRY_GRANT;
	return type == DT_REG ? ENTRY_GRANT : ENTRY_SKIP;
}

/*
 * A rule on one entry of a split.  The bound keeps the ruleset (kernel
 * memory, and the time the command waits to start) in proportion: past
 * it the run is refused rather than granted more than the policy says.
 */
static int
grant(struct image *img, int fd)
{
	if (++img->split > LANDLOCK_SPLIT_MAX) {
		errno = E2BIG;
		return -1;
	}
	return landlock_add(img->ruleset, fd, LANDLOCK_ACCESS_FS_EXECUTE);
}
