/* SPDX-License-Identifier: MIT */
/*
 * notify-pty.c: a requester's own pseudo-terminals by name
 * (notify-pty.h).  It decides nothing beyond "this thread holds that
 * terminal": what it then gets is what it could have had already,
 * /proc/self/fd/K of the terminal or TIOCGPTPEER on the master, which
 * the filter lets it make itself.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/major.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "notify-pty.h"

#define PTS_DIR		"/dev/pts/"
#define PTS_MAX		(1L << 20)	/* the kernel's NR_UNIX98_PTY_MAX */

static long	 pts_number(const char *path);
static int	 candidate(struct notify_call *c, const char *name,
		    const char *path, dev_t pts, int *master);
static int	 named(struct notify_call *c, int k, const char *path);
static int	 is_pty(int fd, long n, dev_t pts, int *master);

int
notify_pty_find(struct notify_call *c, const char *path, int *master)
{
	char dir[64];
	struct stat pts;
	struct dirent *e;
	DIR *d;
	long n;
	int fd = -1;

	if ((n = pts_number(path)) == -1 || stat(PTS_DIR, &pts) == -1)
		return errno = ENOENT, -1;
	if (notify_proc(c, "fd", -1, dir, sizeof(dir)) == -1 ||
	    (d = opendir(dir)) == NULL)
		return -1;
	while (fd == -1 && (e = readdir(d)) != NULL)
		fd = candidate(c, e->d_name, path, pts.st_dev, master);
	closedir(d);
	return fd == -1 ? (errno = ENOENT, -1) : fd;
}

int
notify_pty_peer(int m, int flags)
{
	return ioctl(m, TIOCGPTPEER, flags | O_NOCTTY | O_CLOEXEC);
}

/* N of "/dev/pts/N" as ptsname() writes it, or -1. */
static long
pts_number(const char *path)
{
	const char *p;
	char *end;
	long n;

	if (path == NULL || strncmp(path, PTS_DIR, strlen(PTS_DIR)) != 0)
		return -1;
	p = path + strlen(PTS_DIR);
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] != '\0'))
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	return *end != '\0' || errno != 0 || n >= PTS_MAX ? -1 : n;
}

/*
 * Descriptor @name of the listing of the thread's table: the broker's
 * copy of it when it is terminal @path or its master, else -1.  The
 * listing and the names the kernel gives its descriptors only say which
 * to try; the copy, taken from the requester itself (notify_getfd()), is
 * what is decided on.
 */
static int
candidate(struct notify_call *c, const char *name, const char *path,
	  dev_t pts, int *master)
{
	char *end;
	long k;
	int fd;

	if (*name < '0' || *name > '9')
		return -1;
	errno = 0;
	k = strtol(name, &end, 10);
	if (*end != '\0' || errno != 0 || k > INT_MAX ||
	    !named(c, (int)k, path))
		return -1;
	if ((fd = notify_getfd(c, (int)k)) == -1)
		return -1;
	if (is_pty(fd, pts_number(path), pts, master))
		return fd;
	fd_close(fd);
	return -1;
}

/*
 * Descriptor @k is named @path or a ptmx, by the link the kernel makes
 * of it (the text only: no file system is asked, none can keep the
 * broker waiting).
 */
static int
named(struct notify_call *c, int k, const char *path)
{
	char link[64], to[64];
	ssize_t n;

	if (notify_proc(c, "fd", k, link, sizeof(link)) == -1 ||
	    (n = readlink(link, to, sizeof(to) - 1)) == -1)
		return 0;
	to[n] = '\0';
	return strcmp(to, path) == 0 || (n >= 5 && strcmp(to + n - 5,
	    "/ptmx") == 0);
}

/*
 * @fd is terminal @n of the devpts @pts, or its master.  A terminal's
 * request is asked of a terminal only: a character device that is the
 * ptmx driver (5:2) or lives in that devpts.  A terminal whose master is
 * gone has been removed from /dev/pts (no links): its name is no more.
 */
static int
is_pty(int fd, long n, dev_t pts, int *master)
{
	struct stat st;
	unsigned ptn;
	int peer = -1;

	if (fstat(fd, &st) == -1 || !S_ISCHR(st.st_mode) ||
	    (st.st_rdev != makedev(TTYAUX_MAJOR, 2) && st.st_dev != pts))
		return 0;
	*master = ioctl(fd, TIOCGPTN, &ptn) == 0;
	if (*master && ((long)ptn != n ||
	    (peer = notify_pty_peer(fd, O_PATH)) == -1 ||
	    fstat(peer, &st) == -1)) {
		fd_close(peer);
		return 0;
	}
	fd_close(peer);
	return S_ISCHR(st.st_mode) && st.st_dev == pts && st.st_nlink > 0 &&
	    st.st_rdev == makedev(UNIX98_PTY_SLAVE_MAJOR, (unsigned)n);
}
