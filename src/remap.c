/* SPDX-License-Identifier: MIT */
/*
 * remap.c: a private /dev/shm per run, seen by the command at /dev/shm,
 * without a mount namespace (fdbroker needs neither root nor user
 * namespaces).  The broker does it: the command cannot name a file
 * itself, every path it names is resolved by resolve.c, and the walk
 * there substitutes the private root for the logical one.
 *
 * Design.
 * - fdbroker-run makes the private root with mkdtemp() in the host's
 *   /dev/shm (so it stays tmpfs), mode 0700, and holds an O_PATH
 *   descriptor of it.  The policy gets "/dev/shm rwc": the logical tree
 *   is the command's to use, and the broker's Landlock domain covers
 *   the real directory.  At the end of the run (also after --timeout
 *   and a forwarded signal) the tree is removed, one descriptor at a
 *   time, never following a symlink, modes and the immutable and
 *   append-only flags (which a command running as root may set) taken
 *   off on the way (remap_clear()): by the anchor once
 *   every process of the sandbox is gone (so also after a SIGKILL of
 *   fdbroker-run), and by fdbroker-run after it.
 * - The walk (resolve.c) holds a logical path (what the policy judges
 *   and the record shows) and a physical one (what it opened).  Stepping
 *   from "/dev" into "shm" it takes a copy of the root's descriptor
 *   instead of opening the host's "shm", so everything beneath is
 *   opened relative to the private root.  "/dev/shm" itself resolves to
 *   that descriptor and the name ".", so unlink, rmdir and rename of it
 *   fail as the kernel makes them fail for ".".
 * - ".." is never asked of the kernel: the walk pops its logical path
 *   and opens the physical one again.  Above the root the physical path
 *   is the logical one ("/dev"); beneath it, the directory is opened
 *   relative to the root's descriptor with RESOLVE_BENEATH and no
 *   symlinks (remap_open_beneath()), so neither a path nor ".." from the
 *   private root nor a rename meanwhile reaches the host's /dev/shm.
 * - Symlinks are read by the walk and their text walked again from "/"
 *   (absolute) or from where they are: a link to "/dev/shm/x" planted
 *   anywhere leads to the private x, one in the private tree to
 *   "../../etc" leads to /etc under the policy.  The one-step fast path
 *   (openat2 refusing symlinks) is never taken under /dev/shm.
 * - The real path of the private root, P, is an alias of /dev/shm:
 *   every walk that starts at "/" (an absolute path, a relative one
 *   joined to its base, an absolute symlink) has a leading P rewritten
 *   to /dev/shm.  That keeps what the kernel shows consistent with what
 *   the broker resolves: /proc/self/fd/N links, /proc/self/maps and
 *   getcwd() after fchdir() to a descriptor of the private tree name P;
 *   those paths, and paths relative to such a descriptor or directory
 *   (the base the transport reads from /proc/PID/fd or cwd), lead to
 *   the same private files.  Processes of one run share one broker, so
 *   a name passed between them ("/dev/shm/psm_x", "/dev/shm/sem.x")
 *   means the same file to each; to a process outside the run it means
 *   the host's, and P/x is the private one.
 * - chdir() and execve() are answered CONTINUE after the check: the
 *   kernel reads the path again itself and would land in the host's
 *   /dev/shm.  So both are refused (the deny errno) for a path under
 *   /dev/shm: a program cannot make it its current directory by name,
 *   and getcwd() shows /dev/shm only through fchdir(), as P.
 * - A held descriptor (reopen, fchmod...) is judged by its path as the
 *   kernel names it: P/x is judged as /dev/shm/x, and a file of the
 *   host's /dev/shm (a descriptor the caller handed over) as "host:..."
 *   which no rule matches (remap_host_path()).
 *
 * Security.  The command reaches a file only through a descriptor the
 * broker opened.  Every path under /dev/shm is walked from the private
 * root's descriptor; every way to "/dev/shm" (lexical, "..", a symlink,
 * P, a base from /proc) goes through the same step; the walk never lets
 * the kernel follow a link or "..".  The host's /dev/shm is thus out of
 * reach except P itself, which is the private root.  Other users: P is
 * 0700 with a random name in a sticky directory, so they cannot enter,
 * rename or remove it.  A command that runs as root is not contained by
 * modes, but it reaches nothing but its own tree either.
 *
 * /tmp is remapped the same way only when asked (fdbroker-run
 * --private-tmp; README says why): grants and working directories
 * commonly lie under it, and chdir into it cannot be emulated.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "remap.h"

static int	 under(const char *path, const char *root, size_t len);
static int	 remove_tree(const struct remap *r);
static int	 scan_dir(int dir, char name[NAME_MAX + 1]);
static int	 remove_entry(int dir, const char *name);
static void	 unpin(int dir, const char *name);
static int	 open_sub(int dir, const char *name);
static int	 up_dir(int cur);

/* scan_dir(): the directory is empty; it had a directory to enter. */
#define SCAN_EMPTY	0
#define SCAN_ENTER	1
#define SCAN_AGAIN	2

void
remap_init(struct remap_set *s)
{
	memset(s, 0, sizeof(*s));
}

int
remap_add(struct remap_set *s, const char *logical)
{
	struct remap *r;
	size_t len = strlen(logical);

	if (s->n >= REMAP_MAX) {
		errno = ENOSPC;
		return -1;
	}
	if (logical[0] != '/' || len < 2 || len + 24 >= PATH_MAX ||
	    under(logical, "/proc", 5) || remap_find(s, logical) != NULL) {
		errno = EINVAL;
		return -1;
	}
	for (r = s->r; r < s->r + s->n; r++) {
		if (under(r->logical, logical, len)) {
			errno = EINVAL;
			return -1;
		}
	}
	r = &s->r[s->n];
	memcpy(r->logical, logical, len + 1);
	r->llen = len;
	r->hlen = (size_t)snprintf(r->host, sizeof(r->host),
	    "%s/fdbroker-%s.XXXXXX", logical,
	    strcmp(logical, "/dev/shm") == 0 ? "shm" : "priv");
	if (mkdtemp(r->host) == NULL)
		return -1;
	r->fd = open(r->host, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd == -1) {
		int save_errno = errno;

		rmdir(r->host);
		errno = save_errno;
		return -1;
	}
	s->n++;
	return 0;
}

/* Is @path @root (of @len bytes) or beneath it? */
static int
under(const char *path, const char *root, size_t len)
{
	return strncmp(path, root, len) == 0 &&
	    (path[len] == '\0' || path[len] == '/');
}

const struct remap *
remap_find(const struct remap_set *s, const char *path)
{
	size_t i;

	for (i = 0; s != NULL && path != NULL && i < s->n; i++)
		if (under(path, s->r[i].logical, s->r[i].llen))
			return &s->r[i];
	return NULL;
}

const struct remap *
remap_root(const struct remap_set *s, const char *path)
{
	const struct remap *r = remap_find(s, path);

	return r != NULL && path[r->llen] == '\0' ? r : NULL;
}

const struct remap *
remap_by_host(const struct remap_set *s, const char *path)
{
	size_t i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (under(path, s->r[i].host, s->r[i].hlen))
			return &s->r[i];
	return NULL;
}

int
remap_alias(const struct remap_set *s, char *path)
{
	const struct remap *r = remap_by_host(s, path);

	if (r == NULL)
		return 0;
	/* The logical root is shorter than the real one. */
	memmove(path + r->llen, path + r->hlen, strlen(path + r->hlen) + 1);
	memcpy(path, r->logical, r->llen);
	return 1;
}

void
remap_host_path(const struct remap_set *s, char *path, size_t len)
{
	size_t n = strlen(path);

	if (remap_alias(s, path) || remap_find(s, path) == NULL)
		return;
	if (n + 6 > len) {
		path[0] = '\0';
		return;
	}
	memmove(path + 5, path, n + 1);
	memcpy(path, "host:", 5);
}

int
remap_open_beneath(const struct remap *r, const char *rel)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};

	while (*rel == '/')
		rel++;
	return (int)syscall(SYS_openat2, r->fd, rel[0] ? rel : ".", &how,
	    sizeof(how));
}

int
remap_clear(struct remap_set *s)
{
	int rc = 0, err = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (remove_tree(&s->r[i]) == -1) {
			rc = -1;
			err = errno;
		}
		fd_close(s->r[i].fd);
	}
	remap_init(s);	/* a second call does nothing */
	errno = err;
	return rc;
}

/*
 * Empty the private root and remove it.  Every process of the run is
 * gone by now; still, nothing is followed: one descriptor at a time, a
 * directory entered with O_NOFOLLOW, left through "..", which, beneath a
 * root that other users cannot enter, is the directory we came from.
 * Each round removes an entry or fails, so it ends.
 */
static int
remove_tree(const struct remap *r)
{
	char name[NAME_MAX + 1];
	struct stat held, named;
	int cur, next, rc;
	size_t depth = 0;

	/*
	 * The anchor removes it, and fdbroker-run after it: gone is done,
	 * and a name that now holds another directory is another's.
	 */
	if (lstat(r->host, &named) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(r->fd, &held) == -1)
		return -1;
	if (held.st_dev != named.st_dev || held.st_ino != named.st_ino)
		return 0;
	/* The command may have taken the root's modes away (chmod 0). */
	unpin(r->fd, ".");
	if (fchmodat(AT_FDCWD, r->host, 0700, 0) == -1 ||
	    (cur = openat(r->fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	while ((rc = scan_dir(cur, name)) != -1) {
		if (rc == SCAN_AGAIN)
			continue;
		if (rc == SCAN_ENTER) {
			if ((next = open_sub(cur, name)) == -1)
				break;
			fd_close(cur);
			cur = next;
			depth++;
		} else if (depth == 0) {
			fd_close(cur);
			return unlinkat(AT_FDCWD, r->host, AT_REMOVEDIR);
		} else {
			if ((cur = up_dir(cur)) == -1)
				return -1;
			depth--;
		}
	}
	return fd_close(cur);
}

/*
 * Remove what @dir holds but non-empty directories.  SCAN_EMPTY when it
 * held nothing, SCAN_AGAIN when it removed something (readdir() may
 * miss entries meanwhile), SCAN_ENTER with a directory's @name, -1.
 */
static int
scan_dir(int dir, char name[NAME_MAX + 1])
{
	struct dirent *de;
	DIR *d;
	int fd, rc = SCAN_EMPTY;

	if ((fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL)
		return fd_close(fd);
	while (rc != SCAN_ENTER && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_entry(dir, de->d_name) == 0) {
			rc = SCAN_AGAIN;
		} else if (errno == ENOTEMPTY || errno == EEXIST) {
			snprintf(name, NAME_MAX + 1, "%s", de->d_name);
			rc = SCAN_ENTER;
		} else
			rc = -1;
		if (rc == -1)
			break;
	}
	if (de == NULL && errno != 0)
		rc = -1;
	closedir(d);
	return rc;
}

/* Remove the file or empty directory @name of @dir. */
static int
remove_entry(int dir, const char *name)
{
	if (unlinkat(dir, name, 0) == 0)
		return 0;
	if (errno == EPERM) {	/* an attribute flag, then try again */
		unpin(dir, name);
		if (unlinkat(dir, name, 0) == 0)
			return 0;
	}
	return errno == EISDIR ? unlinkat(dir, name, AT_REMOVEDIR) : -1;
}

/*
 * Take the immutable and append-only flags off the file or directory
 * @name of @dir (chattr +i, +a: a command that runs as root may set them
 * on what it may write, and nothing flagged so could be removed).  Only
 * a regular file or a directory is opened, never through a symlink;
 * errors are left to the removal that follows.
 */
static void
unpin(int dir, const char *name)
{
	struct stat st;
	int fd, flags;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
		return;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 &&
	    (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) != 0) {
		flags &= ~(FS_IMMUTABLE_FL | FS_APPEND_FL);
		(void)ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	fd_close(fd);
}

/*
 * Enter the directory @name of @dir, never through a symlink; one the
 * command made unreadable or unwritable is ours, and its mode put back.
 */
static int
open_sub(int dir, const char *name)
{
	struct stat st;
	int fd;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	unpin(dir, name);
	if ((st.st_mode & 0700) != 0700 && fchmodat(dir, name, 0700, 0) == -1)
		return -1;
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	return fd;
}

/* The parent of @cur (closed either way). */
static int
up_dir(int cur)
{
	int fd;

	fd = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd_close(cur);
	return fd;
}
