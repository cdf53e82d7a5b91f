/* SPDX-License-Identifier: MIT */
/*
 * notify-calls.c: one handler per mediated system call (the list is in
 * filter-notify.c).  A handler decodes the arguments, reads the path(s)
 * once through notify_read_path(), has the broker decide and act
 * (broker_open() or broker-ops.h), and fills a reply.  Results that
 * the call returns in memory (stat, readlink) are written through the
 * /proc/TID/mem descriptor, after the notification is checked again.
 *
 * No decision that matters is left to the kernel: the broker opens,
 * stats, creates and removes itself, on its own copy of the path.  Two
 * calls are answered with SECCOMP_USER_NOTIF_FLAG_CONTINUE after the
 * check, because the broker cannot perform them for the target, and a
 * path swapped in after the check gains nothing: chdir (a current
 * directory grants nothing, every later path is resolved and checked by
 * the broker again) and execve (Landlock limits execution to the x rules
 * in the kernel itself; see landlock.c).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/openat2.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker-ops.h"
#include "fd.h"
#include "notify-calls.h"
#include "policy.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2		452
#endif
/* Forced by 64-bit kernels anyway. */
#define KERNEL_O_LARGEFILE	0100000
/* --allow-net: how long a blocking connect() may wait. */
#define CONNECT_WAIT_MS		30000

#define ARG(c, i)	((c)->n->data.args[i])
#define IARG(c, i)	((int)(c)->n->data.args[i])

struct call {
	int nr;
	const char *name;
	notify_fn fn;
};

static void	 fail(struct notify_reply *r, int err);
static void	 done(struct notify_reply *r, int rc, int64_t val);
static int	 get_path(struct notify_call *c, int write, int argi,
		    int dirfd, int i);
static void	 req_init(struct notify_call *c, struct broker_req *req,
		    const char *op, int i, int flags, mode_t mode);
static const char *op_name(struct notify_call *c);
static void	 do_open(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, int flags, mode_t mode);
static void	 do_stat(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, int flags, uint64_t buf);
static void	 do_statx(struct notify_call *c, struct notify_reply *r);
static void	 do_access(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, int mode, int flags);
static void	 do_readlink(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, uint64_t buf, int size);
static void	 do_create(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, mode_t mode, int node);
static void	 do_unlink(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, int flags);
static void	 do_two(struct notify_call *c, struct notify_reply *r,
		    int dfrom, int afrom, int dto, int ato, int link,
		    unsigned flags);
static void	 do_symlink(struct notify_call *c, struct notify_reply *r,
		    int atarget, int dirfd, int argi);
static void	 do_chmod(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, mode_t mode, int flags);
static void	 do_chown(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, int flags);
struct meta;
static void	 do_fdmeta(struct notify_call *c, struct notify_reply *r,
		    int fd, const struct meta *m);
static int	 own_fd(struct notify_call *c, const char *path);
static void	 reopen_fd(struct notify_call *c, struct notify_reply *r,
		    int fd, int flags);
static void	 do_exec(struct notify_call *c, struct notify_reply *r,
		    int dirfd, int argi, int flags);
static void	 do_socket(struct notify_call *c, struct notify_reply *r,
		    int is_bind);

/* What do_fdmeta() changes, and to what. */
enum meta_what { META_MODE, META_OWNER, META_TIMES, META_SIZE };

struct meta {
	enum meta_what what;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	const struct timespec *times;	/* NULL: now */
	off_t size;
};

static void
c_open(struct notify_call *c, struct notify_reply *r)
{
	do_open(c, r, AT_FDCWD, 0, IARG(c, 1), (mode_t)ARG(c, 2));
}

static void
c_creat(struct notify_call *c, struct notify_reply *r)
{
	do_open(c, r, AT_FDCWD, 0, O_CREAT | O_WRONLY | O_TRUNC,
	    (mode_t)ARG(c, 1));
}

static void
c_openat(struct notify_call *c, struct notify_reply *r)
{
	do_open(c, r, IARG(c, 0), 1, IARG(c, 2), (mode_t)ARG(c, 3));
}

static void
c_openat2(struct notify_call *c, struct notify_reply *r)
{
	struct open_how how;
	unsigned char extra[64];
	uint64_t size = ARG(c, 3), off;
	size_t n;

	memset(&how, 0, sizeof(how));
	if (size < sizeof(how) || size > 4096)
		return fail(r, size < sizeof(how) ? EINVAL : E2BIG);
	if (notify_target(c, 0) == -1 ||
	    notify_read(c, ARG(c, 2), &how, sizeof(how)) == -1)
		return fail(r, errno);
	/* A larger struct from a newer libc: its extra fields must be 0. */
	for (off = sizeof(how); off < size; off += n) {
		n = size - off < sizeof(extra) ? (size_t)(size - off) :
		    sizeof(extra);
		if (notify_read(c, ARG(c, 2) + off, extra, n) == -1)
			return fail(r, errno);
		if (memchr(extra, 0, n) == NULL || extra[0] != 0 ||
		    memcmp(extra, extra + 1, n - 1) != 0)
			return fail(r, E2BIG);
	}
	if (how.flags > 0xffffffffULL || how.mode > 07777)
		return fail(r, EINVAL);
	/*
	 * The broker's walk never follows magic links; other RESOLVE_*
	 * promises it does not keep, so say the call does not exist and
	 * let the program fall back to openat() and its own checks.
	 */
	if (how.resolve & ~(uint64_t)RESOLVE_NO_MAGICLINKS)
		return fail(r, ENOSYS);
	/* /proc/self/fd/N is then refused by the walk, as by the kernel. */
	c->no_magic = (how.resolve & RESOLVE_NO_MAGICLINKS) != 0;
	do_open(c, r, IARG(c, 0), 1, (int)how.flags, (mode_t)how.mode);
}

static void
c_stat(struct notify_call *c, struct notify_reply *r)
{
	do_stat(c, r, AT_FDCWD, 0, 0, ARG(c, 1));
}

static void
c_lstat(struct notify_call *c, struct notify_reply *r)
{
	do_stat(c, r, AT_FDCWD, 0, AT_SYMLINK_NOFOLLOW, ARG(c, 1));
}

static void
c_newfstatat(struct notify_call *c, struct notify_reply *r)
{
	do_stat(c, r, IARG(c, 0), 1, IARG(c, 3), ARG(c, 2));
}

static void
c_access(struct notify_call *c, struct notify_reply *r)
{
	do_access(c, r, AT_FDCWD, 0, IARG(c, 1), 0);
}

static void
c_faccessat(struct notify_call *c, struct notify_reply *r)
{
	do_access(c, r, IARG(c, 0), 1, IARG(c, 2), 0);
}

static void
c_faccessat2(struct notify_call *c, struct notify_reply *r)
{
	do_access(c, r, IARG(c, 0), 1, IARG(c, 2), IARG(c, 3));
}

static void
c_readlink(struct notify_call *c, struct notify_reply *r)
{
	do_readlink(c, r, AT_FDCWD, 0, ARG(c, 1), IARG(c, 2));
}

static void
c_readlinkat(struct notify_call *c, struct notify_reply *r)
{
	do_readlink(c, r, IARG(c, 0), 1, ARG(c, 2), IARG(c, 3));
}

static void
c_mkdir(struct notify_call *c, struct notify_reply *r)
{
	do_create(c, r, AT_FDCWD, 0, (mode_t)ARG(c, 1), 0);
}

static void
c_mkdirat(struct notify_call *c, struct notify_reply *r)
{
	do_create(c, r, IARG(c, 0), 1, (mode_t)ARG(c, 2), 0);
}

static void
c_mknod(struct notify_call *c, struct notify_reply *r)
{
	do_create(c, r, AT_FDCWD, 0, (mode_t)ARG(c, 1), 1);
}

static void
c_mknodat(struct notify_call *c, struct notify_reply *r)
{
	do_create(c, r, IARG(c, 0), 1, (mode_t)ARG(c, 2), 1);
}

static void
c_unlink(struct notify_call *c, struct notify_reply *r)
{
	do_unlink(c, r, AT_FDCWD, 0, 0);
}

static void
c_rmdir(struct notify_call *c, struct notify_reply *r)
{
	do_unlink(c, r, AT_FDCWD, 0, AT_REMOVEDIR);
}

static void
c_unlinkat(struct notify_call *c, struct notify_reply *r)
{
	do_unlink(c, r, IARG(c, 0), 1, IARG(c, 2));
}

static void
c_rename(struct notify_call *c, struct notify_reply *r)
{
	do_two(c, r, AT_FDCWD, 0, AT_FDCWD, 1, 0, 0);
}

static void
c_renameat(struct notify_call *c, struct notify_reply *r)
{
	do_two(c, r, IARG(c, 0), 1, IARG(c, 2), 3, 0, 0);
}

static void
c_renameat2(struct notify_call *c, struct notify_reply *r)
{
	do_two(c, r, IARG(c, 0), 1, IARG(c, 2), 3, 0, (unsigned)ARG(c, 4));
}

static void
c_link(struct notify_call *c, struct notify_reply *r)
{
	do_two(c, r, AT_FDCWD, 0, AT_FDCWD, 1, 1, 0);
}

static void
c_linkat(struct notify_call *c, struct notify_reply *r)
{
	do_two(c, r, IARG(c, 0), 1, IARG(c, 2), 3, 1, (unsigned)ARG(c, 4));
}

static void
c_symlink(struct notify_call *c, struct notify_reply *r)
{
	do_symlink(c, r, 0, AT_FDCWD, 1);
}

static void
c_symlinkat(struct notify_call *c, struct notify_reply *r)
{
	do_symlink(c, r, 0, IARG(c, 1), 2);
}

static void
c_chmod(struct notify_call *c, struct notify_reply *r)
{
	do_chmod(c, r, AT_FDCWD, 0, (mode_t)ARG(c, 1), 0);
}

static void
c_fchmodat(struct notify_call *c, struct notify_reply *r)
{
	do_chmod(c, r, IARG(c, 0), 1, (mode_t)ARG(c, 2), 0);
}

static void
c_fchmodat2(struct notify_call *c, struct notify_reply *r)
{
	do_chmod(c, r, IARG(c, 0), 1, (mode_t)ARG(c, 2), IARG(c, 3));
}

static void
c_fchmod(struct notify_call *c, struct notify_reply *r)
{
	struct meta m = { .what = META_MODE, .mode = (mode_t)ARG(c, 1) };

	do_fdmeta(c, r, IARG(c, 0), &m);
}

static void
c_chown(struct notify_call *c, struct notify_reply *r)
{
	do_chown(c, r, AT_FDCWD, 0, 0);
}

static void
c_lchown(struct notify_call *c, struct notify_reply *r)
{
	do_chown(c, r, AT_FDCWD, 0, AT_SYMLINK_NOFOLLOW);
}

static void
c_fchownat(struct notify_call *c, struct notify_reply *r)
{
	do_chown(c, r, IARG(c, 0), 1, IARG(c, 4));
}

static void
c_fchown(struct notify_call *c, struct notify_reply *r)
{
	struct meta m = {
		.what = META_OWNER, .uid = (uid_t)ARG(c, 1),
		.gid = (gid_t)ARG(c, 2),
	};

	do_fdmeta(c, r, IARG(c, 0), &m);
}

static void
c_truncate(struct notify_call *c, struct notify_reply *r)
{
	struct meta m = { .what = META_SIZE, .size = (off_t)ARG(c, 1) };
	struct broker_req req;
	off_t len = (off_t)ARG(c, 1);
	int fd;

	if (len < 0)
		return fail(r, EINVAL);
	if (get_path(c, 0, 0, AT_FDCWD, 0) == -1)
		return fail(r, errno);
	if ((fd = own_fd(c, c->path[0])) >= 0)
		return do_fdmeta(c, r, fd, &m);
	req_init(c, &req, op_name(c), 0, 0, 0);
	done(r, broker_truncate(c->ops, &req, len), 0);
}

static void
c_utimensat(struct notify_call *c, struct notify_reply *r)
{
	struct timespec ts[2];
	struct meta m = { .what = META_TIMES };
	struct broker_req req;
	int flags = IARG(c, 3), fd;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(r, EINVAL);
	if (notify_target(c, 0) == -1)
		return fail(r, errno);
	if (ARG(c, 2) != 0) {
		if (notify_read(c, ARG(c, 2), ts, sizeof(ts)) == -1)
			return fail(r, errno);
		m.times = ts;
	}
	/* futimens(fd) is utimensat(fd, NULL): the descriptor's file. */
	if (ARG(c, 1) == 0) {
		if (IARG(c, 0) == AT_FDCWD)
			return fail(r, EFAULT);
		return do_fdmeta(c, r, IARG(c, 0), &m);
	}
	if (notify_read_path(c, ARG(c, 1), 0) == -1)
		return fail(r, errno);
	if (c->path[0][0] == '\0' && (flags & AT_EMPTY_PATH))
		return do_fdmeta(c, r, IARG(c, 0), &m);
	if ((fd = own_fd(c, c->path[0])) >= 0)
		return do_fdmeta(c, r, fd, &m);
	if (notify_base(c, IARG(c, 0), 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, flags, 0);
	done(r, broker_utimens(c->ops, &req, !(flags & AT_SYMLINK_NOFOLLOW),
	    m.times), 0);
}

static void
c_chdir(struct notify_call *c, struct notify_reply *r)
{
	struct broker_req req;
	char path[PATH_MAX];

	if (get_path(c, 0, 0, AT_FDCWD, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, 0, 0);
	if (broker_chdir(c->ops, &req, path) == -1)
		return fail(r, errno);
	r->kind = NOTIFY_CONTINUE;
}

static void
c_execve(struct notify_call *c, struct notify_reply *r)
{
	do_exec(c, r, AT_FDCWD, 0, 0);
}

static void
c_execveat(struct notify_call *c, struct notify_reply *r)
{
	do_exec(c, r, IARG(c, 0), 1, IARG(c, 4));
}

static void
c_connect(struct notify_call *c, struct notify_reply *r)
{
	do_socket(c, r, 0);
}

static void
c_bind(struct notify_call *c, struct notify_reply *r)
{
	do_socket(c, r, 1);
}

static const struct call calls[] = {
#ifdef SYS_open
	{ SYS_open, "open", c_open },
#endif
#ifdef SYS_creat
	{ SYS_creat, "creat", c_creat },
#endif
	{ SYS_openat, "openat", c_openat },
	{ SYS_openat2, "openat2", c_openat2 },
#ifdef SYS_stat
	{ SYS_stat, "stat", c_stat },
	{ SYS_lstat, "lstat", c_lstat },
#endif
	{ SYS_newfstatat, "newfstatat", c_newfstatat },
	{ SYS_statx, "statx", do_statx },
#ifdef SYS_access
	{ SYS_access, "access", c_access },
#endif
	{ SYS_faccessat, "faccessat", c_faccessat },
	{ SYS_faccessat2, "faccessat2", c_faccessat2 },
#ifdef SYS_readlink
	{ SYS_readlink, "readlink", c_readlink },
#endif
	{ SYS_readlinkat, "readlinkat", c_readlinkat },
#ifdef SYS_mkdir
	{ SYS_mkdir, "mkdir", c_mkdir },
	{ SYS_mknod, "mknod", c_mknod },
	{ SYS_unlink, "unlink", c_unlink },
	{ SYS_rmdir, "rmdir", c_rmdir },
	{ SYS_rename, "rename", c_rename },
	{ SYS_link, "link", c_link },
	{ SYS_symlink, "symlink", c_symlink },
	{ SYS_chmod, "chmod", c_chmod },
	{ SYS_chown, "chown", c_chown },
	{ SYS_lchown, "lchown", c_lchown },
#endif
	{ SYS_mkdirat, "mkdirat", c_mkdirat },
	{ SYS_mknodat, "mknodat", c_mknodat },
	{ SYS_unlinkat, "unlinkat", c_unlinkat },
	{ SYS_renameat, "renameat", c_renameat },
	{ SYS_renameat2, "renameat2", c_renameat2 },
	{ SYS_linkat, "linkat", c_linkat },
	{ SYS_symlinkat, "symlinkat", c_symlinkat },
	{ SYS_fchmodat, "fchmodat", c_fchmodat },
	{ SYS_fchmodat2, "fchmodat2", c_fchmodat2 },
	{ SYS_fchmod, "fchmod", c_fchmod },
	{ SYS_fchownat, "fchownat", c_fchownat },
	{ SYS_fchown, "fchown", c_fchown },
	{ SYS_truncate, "truncate", c_truncate },
	{ SYS_utimensat, "utimensat", c_utimensat },
	{ SYS_chdir, "chdir", c_chdir },
	{ SYS_execve, "execve", c_execve },
	{ SYS_execveat, "execveat", c_execveat },
	{ SYS_connect, "connect", c_connect },
	{ SYS_bind, "bind", c_bind },
};

notify_fn
notify_calls_find(int nr, const char **name)
{
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (calls[i].nr == nr) {
			if (name != NULL)
				*name = calls[i].name;
			return calls[i].fn;
		}
	}
	return NULL;
}

/*
 * Filled on every call with the same numbers, so that the table above
 * stays the one list of mediated calls (fdbroker-run's filter sends
 * exactly these to the broker).  fchmod, fchown and utimensat(fd, NULL)
 * take no path, but change a file the policy may keep read-only: the
 * broker checks how the descriptor was opened.  newfstatat and statx
 * also carry fstat(), which the broker answers through /proc/PID/fd.
 */
const int *
notify_calls_numbers(size_t *n)
{
	static int nrs[sizeof(calls) / sizeof(calls[0])];
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		nrs[i] = (int)calls[i].nr;
	*n = i;
	return nrs;
}

static const char *
op_name(struct notify_call *c)
{
	const char *name = "?";

	(void)notify_calls_find(c->n->data.nr, &name);
	return name;
}

static void
fail(struct notify_reply *r, int err)
{
	r->kind = NOTIFY_VALUE;
	r->err = err != 0 ? err : EIO;
}

/* The reply for a broker call that returned @rc (errno when -1). */
static void
done(struct notify_reply *r, int rc, int64_t val)
{
	if (rc == -1)
		return fail(r, errno);
	r->kind = NOTIFY_VALUE;
	r->err = 0;
	r->val = val;
}

/*
 * Read the path in argument @argi into c->path[@i] and find what it is
 * relative to (@dirfd).  Everything is read before the caller acts.
 */
static int
get_path(struct notify_call *c, int write, int argi, int dirfd, int i)
{
	if (notify_target(c, write) == -1 ||
	    notify_read_path(c, ARG(c, argi), i) == -1 ||
	    notify_base(c, dirfd, i) == -1)
		return -1;
	return 0;
}

static void
req_init(struct notify_call *c, struct broker_req *req, const char *op,
	 int i, int flags, mode_t mode)
{
	memset(req, 0, sizeof(*req));
	req->pid = c->want_pid ? notify_pid(c) : c->pid;
	req->tid = c->tid;
	req->pid_fn = notify_pid;
	req->pid_arg = c;
	req->op = op;
	req->path = c->path[i];
	req->base = c->base[i][0] != '\0' ? c->base[i] : NULL;
	req->flags = flags;
	req->mode = mode;
}

static void
do_open(struct notify_call *c, struct notify_reply *r, int dirfd, int argi,
	int flags, mode_t mode)
{
	struct broker_req req;
	mode_t old = 0;
	int fd, creates;

	flags &= ~KERNEL_O_LARGEFILE;
	/*
	 * SECCOMP_IOCTL_NOTIF_ADDFD takes its file with fget(), which
	 * refuses O_PATH files (EBADF).  An O_PATH open is answered with a
	 * read-only one (same need: r), kept non-blocking so that a FIFO
	 * does not wait for a writer.  It fails where O_PATH would not:
	 * on a symlink with O_NOFOLLOW (ELOOP) and on a file the user may
	 * not read (EACCES).
	 */
	if (flags & O_PATH)
		flags = O_RDONLY | O_NONBLOCK |
		    (flags & (O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW));
	if (get_path(c, 0, argi, dirfd, 0) == -1)
		return fail(r, errno);
	if ((fd = own_fd(c, c->path[0])) >= 0)
		return reopen_fd(c, r, fd, flags);
	req_init(c, &req, op_name(c), 0, flags, mode);
	/* Two system calls and a /proc read, for what creates only. */
	creates = (flags & (O_CREAT | O_TMPFILE)) != 0;
	if (creates)
		old = notify_umask_set(c);
	fd = broker_open(c->ops->b, &req);
	if (creates)
		notify_umask_restore(old);
	if (fd == -1)
		return fail(r, errno);
	r->kind = NOTIFY_FD;
	r->fd = fd;
	r->cloexec = (flags & O_CLOEXEC) != 0;
}

/*
 * fstat() of a descriptor the target holds, or of its current directory:
 * nothing is named, so there is nothing to decide.  The inode is reached
 * through /proc/TID/fd/N, which stat() follows to the very file.
 */
static int
stat_held(struct notify_call *c, int fd, struct stat *st)
{
	char link[64];

	if (fd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)c->tid);
	else if (fd < 0)
		return errno = EBADF, -1;
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)c->tid, fd);
	if (stat(link, st) == -1)
		return errno = (errno == ENOENT ? EBADF : errno), -1;
	return 0;
}

static void
do_stat(struct notify_call *c, struct notify_reply *r, int dirfd, int argi,
	int flags, uint64_t buf)
{
	struct broker_req req;
	struct stat st;
	int rc, fd;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return fail(r, EINVAL);
	if (notify_target(c, 1) == -1)
		return fail(r, errno);
	/* Linux 6.11 takes a NULL path with AT_EMPTY_PATH as "". */
	if (ARG(c, argi) == 0 && (flags & AT_EMPTY_PATH))
		c->path[0][0] = '\0';
	else if (notify_read_path(c, ARG(c, argi), 0) == -1)
		return fail(r, errno);
	fd = c->path[0][0] == '\0' && (flags & AT_EMPTY_PATH) ? dirfd :
	    !(flags & AT_SYMLINK_NOFOLLOW) ? own_fd(c, c->path[0]) : -1;
	if (fd >= 0 || (fd == AT_FDCWD && c->path[0][0] == '\0')) {
		rc = stat_held(c, fd, &st);
	} else {
		if (notify_base(c, dirfd, 0) == -1)
			return fail(r, errno);
		req_init(c, &req, op_name(c), 0, flags, 0);
		rc = broker_stat(c->ops, &req, !(flags & AT_SYMLINK_NOFOLLOW),
		    &st);
	}
	/* The kernel's struct stat is glibc's on x86_64 and the generic ABI. */
	if (rc == 0)
		rc = notify_write(c, buf, &st, sizeof(st));
	done(r, rc, 0);
}

static void
do_statx(struct notify_call *c, struct notify_reply *r)
{
	const int known = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH |
	    AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE;
	int dirfd = IARG(c, 0), flags = IARG(c, 2);
	unsigned mask = (unsigned)ARG(c, 3);
	struct broker_req req;
	struct statx stx;
	char link[64];
	int rc, fd;

	if (flags & ~known)
		return fail(r, EINVAL);
	if (notify_target(c, 1) == -1)
		return fail(r, errno);
	if (ARG(c, 1) == 0 && (flags & AT_EMPTY_PATH))
		c->path[0][0] = '\0';
	else if (notify_read_path(c, ARG(c, 1), 0) == -1)
		return fail(r, errno);
	memset(&stx, 0, sizeof(stx));
	if (!(flags & AT_SYMLINK_NOFOLLOW) &&
	    (fd = own_fd(c, c->path[0])) >= 0) {
		dirfd = fd;
		flags |= AT_EMPTY_PATH;
		c->path[0][0] = '\0';
	}
	if (c->path[0][0] == '\0' && (flags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd",
			    (int)c->tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d",
			    (int)c->tid, dirfd);
		rc = dirfd != AT_FDCWD && dirfd < 0 ? (errno = EBADF, -1) :
		    statx(AT_FDCWD, link, flags & AT_STATX_SYNC_TYPE, mask,
		    &stx);
		if (rc == -1 && errno == ENOENT)
			errno = EBADF;
	} else {
		if (notify_base(c, dirfd, 0) == -1)
			return fail(r, errno);
		req_init(c, &req, op_name(c), 0, flags, 0);
		rc = broker_statx(c->ops, &req, !(flags & AT_SYMLINK_NOFOLLOW),
		    flags, mask, &stx);
	}
	if (rc == 0)
		rc = notify_write(c, ARG(c, 4), &stx, sizeof(stx));
	done(r, rc, 0);
}

static void
do_access(struct notify_call *c, struct notify_reply *r, int dirfd,
	  int argi, int mode, int flags)
{
	struct broker_req req;

	if (get_path(c, 0, argi, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, mode, 0);
	done(r, broker_access(c->ops, &req, mode, flags), 0);
}

static void
do_readlink(struct notify_call *c, struct notify_reply *r, int dirfd,
	    int argi, uint64_t buf, int size)
{
	struct broker_req req;
	char target[PATH_MAX];
	ssize_t n;

	if (size <= 0)
		return fail(r, EINVAL);
	if (get_path(c, 1, argi, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, 0, 0);
	n = broker_readlink(c->ops, &req, target,
	    (size_t)size < sizeof(target) ? (size_t)size : sizeof(target));
	if (n == -1)
		return fail(r, errno);
	done(r, notify_write(c, buf, target, (size_t)n), n);
}

static void
do_create(struct notify_call *c, struct notify_reply *r, int dirfd,
	  int argi, mode_t mode, int node)
{
	struct broker_req req;
	mode_t old;
	int rc;

	if (get_path(c, 0, argi, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, 0, mode);
	old = notify_umask_set(c);
	rc = node ? broker_mknod(c->ops, &req) : broker_mkdir(c->ops, &req);
	notify_umask_restore(old);
	done(r, rc, 0);
}

static void
do_unlink(struct notify_call *c, struct notify_reply *r, int dirfd,
	  int argi, int flags)
{
	struct broker_req req;

	if (get_path(c, 0, argi, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, flags, 0);
	done(r, broker_unlink(c->ops, &req, flags), 0);
}

/* rename and link: two paths, each relative to its own directory. */
static void
do_two(struct notify_call *c, struct notify_reply *r, int dfrom, int afrom,
       int dto, int ato, int link, unsigned flags)
{
	struct broker_req from, to;
	int rc;

	if (link && (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)))
		return fail(r, EINVAL);
	if (get_path(c, 0, afrom, dfrom, 0) == -1 ||
	    get_path(c, 0, ato, dto, 1) == -1)
		return fail(r, errno);
	/* linkat(fd, "", AT_EMPTY_PATH) would name no path to check. */
	if (link && (flags & AT_EMPTY_PATH) && c->path[0][0] == '\0')
		return fail(r, ENOENT);
	req_init(c, &from, op_name(c), 0, (int)flags, 0);
	req_init(c, &to, op_name(c), 1, (int)flags, 0);
	if (link)
		rc = broker_link(c->ops, &from, &to,
		    (flags & AT_SYMLINK_FOLLOW) != 0);
	else
		rc = broker_rename(c->ops, &from, &to, flags);
	done(r, rc, 0);
}

static void
do_symlink(struct notify_call *c, struct notify_reply *r, int atarget,
	   int dirfd, int argi)
{
	struct broker_req req;

	if (get_path(c, 0, argi, dirfd, 0) == -1 ||
	    notify_read_path(c, ARG(c, atarget), 1) == -1)
		return fail(r, errno);
	if (c->path[1][0] == '\0')
		return fail(r, ENOENT);
	req_init(c, &req, op_name(c), 0, 0, 0);
	done(r, broker_symlink(c->ops, c->path[1], &req), 0);
}

static void
do_chmod(struct notify_call *c, struct notify_reply *r, int dirfd,
	 int argi, mode_t mode, int flags)
{
	struct meta m = { .what = META_MODE, .mode = mode };
	struct broker_req req;
	int fd;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(r, EINVAL);
	if (notify_target(c, 0) == -1 ||
	    notify_read_path(c, ARG(c, argi), 0) == -1)
		return fail(r, errno);
	if (c->path[0][0] == '\0' && (flags & AT_EMPTY_PATH))
		return do_fdmeta(c, r, dirfd, &m);
	if ((fd = own_fd(c, c->path[0])) >= 0)
		return do_fdmeta(c, r, fd, &m);
	if (notify_base(c, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, flags, mode);
	done(r, broker_chmod(c->ops, &req, !(flags & AT_SYMLINK_NOFOLLOW)), 0);
}

static void
do_chown(struct notify_call *c, struct notify_reply *r, int dirfd,
	 int argi, int flags)
{
	struct meta m = {
		.what = META_OWNER, .uid = (uid_t)ARG(c, argi + 1),
		.gid = (gid_t)ARG(c, argi + 2),
	};
	struct broker_req req;
	int fd;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(r, EINVAL);
	if (notify_target(c, 0) == -1 ||
	    notify_read_path(c, ARG(c, argi), 0) == -1)
		return fail(r, errno);
	if (c->path[0][0] == '\0' && (flags & AT_EMPTY_PATH))
		return do_fdmeta(c, r, dirfd, &m);
	if ((fd = own_fd(c, c->path[0])) >= 0)
		return do_fdmeta(c, r, fd, &m);
	if (notify_base(c, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, flags, 0);
	done(r, broker_chown(c->ops, &req, !(flags & AT_SYMLINK_NOFOLLOW),
	    m.uid, m.gid), 0);
}

/*
 * fchmod, fchown, futimens, and the same calls on /proc/self/fd/N: the
 * descriptor names the file.  They may change it when the descriptor
 * was opened for writing (w was checked then, or the caller of
 * fdbroker-run handed it over writable), or when the policy grants w on
 * the file's current path; not through a read-only descriptor, although
 * the kernel would let the file's owner.  The broker acts on its own
 * copy of the descriptor (pidfd_getfd), through /proc/self/fd/N, which
 * also works for O_PATH: a dup2() over the target's one meanwhile
 * changes nothing.
 */
static void
do_fdmeta(struct notify_call *c, struct notify_reply *r, int fd,
	  const struct meta *m)
{
	struct broker_req req;
	char proc[64];
	int f, fl, rc = -1, err = 0;

	if (notify_fd_path(c, fd, c->path[0]) == -1 ||
	    (f = notify_getfd(c, fd)) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, 0, 0);
	fl = fcntl(f, F_GETFL);
	if (fl == -1)
		err = errno;
	else if ((fl & O_PATH || (fl & O_ACCMODE) == O_RDONLY) &&
	    !policy_allows(c->ops->policy, c->path[0], FDB_W, NULL))
		err = c->ops->deny_errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f);
	if (err != 0)
		errno = err;
	else if (m->what == META_MODE)
		rc = chmod(proc, m->mode & 07777);
	else if (m->what == META_OWNER)
		rc = chown(proc, m->uid, m->gid);
	else if (m->what == META_TIMES)
		rc = utimensat(AT_FDCWD, proc, m->times, 0);
	else
		rc = (fl & O_ACCMODE) != O_RDONLY && !(fl & O_PATH) ?
		    ftruncate(f, m->size) : truncate(proc, m->size);
	err = rc == -1 ? errno : 0;
	fd_close(f);
	broker_report(c->ops->b, &req, NULL, err);
	done(r, rc, 0);
}

/*
 * The target's own descriptor that @path names: /proc/self/fd/N (also
 * thread-self, and its own pid), /dev/fd/N, /dev/stdin, /dev/stdout,
 * /dev/stderr.  These are magic links the walk refuses; they reach a
 * file the target holds already, so they are served from that
 * descriptor.  -1 for any other path.
 */
static int
own_fd(struct notify_call *c, const char *path)
{
	static const char *const std[] = {
		"/dev/stdin", "/dev/stdout", "/dev/stderr",
	};
	char self[32];
	const char *p = NULL;
	char *end;
	long n;
	int i;

	if (c->no_magic)
		return -1;
	for (i = 0; i < 3; i++)
		if (strcmp(path, std[i]) == 0)
			return i;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		p = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		p = path + 14;
	else if (strncmp(path, "/proc/thread-self/fd/", 21) == 0)
		p = path + 21;
	else if (strncmp(path, "/proc/", 6) == 0 && path[6] >= '0' &&
	    path[6] <= '9' && notify_pid(c) > 0) {
		snprintf(self, sizeof(self), "/proc/%d/fd/", (int)c->pid);
		if (strncmp(path, self, strlen(self)) == 0)
			p = path + strlen(self);
	}
	if (p == NULL || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	if (*end != '\0' || errno != 0 || n > 0x7fffffff)
		return -1;
	return (int)n;
}

/*
 * open() of the target's own descriptor: a new open file description of
 * the same file, as the kernel makes it, with no more access than the
 * descriptor has (a read-only one cannot be reopened for writing).  The
 * broker opens its own copy through /proc/self/fd, non-blocking (a pipe
 * or FIFO must not make it wait), and clears O_NONBLOCK again unless it
 * was asked for.
 */
static void
reopen_fd(struct notify_call *c, struct notify_reply *r, int fd, int flags)
{
	struct broker_req req;
	char proc[64];
	int f, fl, nfd = -1, want = flags & O_ACCMODE, err = 0;

	if (notify_fd_path(c, fd, c->path[1]) == -1 ||
	    (f = notify_getfd(c, fd)) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, flags, 0);
	fl = fcntl(f, F_GETFL);
	if (fl == -1)
		err = errno;
	else if ((fl & O_PATH) || want == 3 || ((fl & O_ACCMODE) != O_RDWR &&
	    (fl & O_ACCMODE) != want) || ((flags & O_TRUNC) &&
	    (fl & O_ACCMODE) == O_RDONLY))
		err = c->ops->deny_errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f);
	if (err == 0) {
		nfd = open(proc, (flags & ~(O_CREAT | O_EXCL)) | O_CLOEXEC |
		    O_NONBLOCK);
		if (nfd == -1)
			err = errno;
		else if (!(flags & O_NONBLOCK) && ((fl = fcntl(nfd,
		    F_GETFL)) == -1 || fcntl(nfd, F_SETFL,
		    fl & ~O_NONBLOCK) == -1)) {
			err = errno;
			nfd = fd_close(nfd);
		}
	}
	fd_close(f);
	broker_report(c->ops->b, &req, NULL, err);
	if (err != 0)
		return fail(r, err);
	r->kind = NOTIFY_FD;
	r->fd = nfd;
	r->cloexec = (flags & O_CLOEXEC) != 0;
}

static void
do_exec(struct notify_call *c, struct notify_reply *r, int dirfd, int argi,
	int flags)
{
	struct broker_req req;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(r, EINVAL);
	if (notify_target(c, 0) == -1 ||
	    notify_read_path(c, ARG(c, argi), 0) == -1)
		return fail(r, errno);
	/* fexecve(): the descriptor's path, as /proc shows it. */
	if (c->path[0][0] == '\0' && (flags & AT_EMPTY_PATH)) {
		if (notify_fd_path(c, dirfd, c->path[0]) == -1)
			return fail(r, errno);
		if (c->path[0][0] != '/')
			return fail(r, EACCES);
	}
	if (notify_base(c, dirfd, 0) == -1)
		return fail(r, errno);
	req_init(c, &req, op_name(c), 0, flags, 0);
	if (broker_exec(c->ops, &req) == -1)
		return fail(r, errno);
	r->kind = NOTIFY_CONTINUE;
}

/*
 * connect() without blocking the broker: the socket is the target's (a
 * shared file description), so O_NONBLOCK is set only for the call.  A
 * full AF_UNIX backlog then answers EAGAIN.  A network connect that is
 * in progress is waited for here, bounded (--allow-net only).
 */
static int
connect_nb(int s, const struct sockaddr *sa, socklen_t len)
{
	struct pollfd p = { .fd = s, .events = POLLOUT };
	socklen_t elen = sizeof(int);
	int fl, rc, err, soerr;

	if ((fl = fcntl(s, F_GETFL)) == -1)
		return -1;
	if (!(fl & O_NONBLOCK) && fcntl(s, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	rc = connect(s, sa, len);
	err = errno;
	if (rc == -1 && err == EINPROGRESS && !(fl & O_NONBLOCK)) {
		rc = poll(&p, 1, CONNECT_WAIT_MS);
		if (rc == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr,
		    &elen) == 0) {
			rc = soerr == 0 ? 0 : -1;
			err = soerr;
		} else {
			rc = -1;
			err = ETIMEDOUT;
		}
	}
	if (!(fl & O_NONBLOCK))
		(void)fcntl(s, F_SETFL, fl);
	errno = err;
	return rc;
}

/*
 * bind() to the name the broker checked, in the parent it resolved: the
 * broker changes into that directory for the call (it is single-threaded
 * while serving), so no path is looked up again.  The address the socket
 * shows is then the bare name.
 */
static int
bind_at(int s, const struct resolve_out *out, mode_t mask)
{
	struct sockaddr_un sun;
	size_t n = strlen(out->name);
	int here, rc, err;
	mode_t old;

	if (n >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, out->name, n);
	if ((here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (fchdir(out->dirfd) == -1) {
		fd_close(here);
		return -1;
	}
	old = umask(mask);
	rc = bind(s, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1));
	err = errno;
	umask(old);
	if (fchdir(here) == -1) {
		/*
		 * The bind stands: the broker resolves from absolute paths
		 * and directory descriptors, never from its current
		 * directory.  (A (void) cast does not quiet gcc's
		 * warn_unused_result, which _FORTIFY_SOURCE turns on.)
		 */
	}
	fd_close(here);
	errno = err;
	return rc;
}

/* An AF_UNIX socket file named in @sun (of @len bytes): the policy. */
static int
unix_path(struct notify_call *c, int s, int is_bind,
	  const struct sockaddr_un *sun, socklen_t len)
{
	struct sockaddr_un via;
	struct resolve_out out;
	struct broker_req req;
	size_t n = len - offsetof(struct sockaddr_un, sun_path);
	int p, rc;

	/* The kernel takes sun_path up to its first NUL or the length. */
	memcpy(c->path[0], sun->sun_path, n);
	c->path[0][n] = '\0';
	if (notify_base(c, AT_FDCWD, 0) == -1 || !notify_valid(c))
		return errno = (errno != 0 ? errno : ENOENT), -1;
	req_init(c, &req, op_name(c), 0, 0, 0);
	if (is_bind) {
		if (broker_unix_bind(c->ops, &req, &out) == -1)
			return -1;
		rc = bind_at(s, &out, notify_umask(c));
		out.dirfd = fd_close(out.dirfd);
		return rc;
	}
	if ((p = broker_unix_connect(c->ops, &req)) == -1)
		return -1;
	memset(&via, 0, sizeof(via));
	via.sun_family = AF_UNIX;
	snprintf(via.sun_path, sizeof(via.sun_path), "/proc/self/fd/%d", p);
	rc = connect_nb(s, (struct sockaddr *)&via, sizeof(via));
	fd_close(p);
	return rc;
}

/*
 * connect and bind.  The broker does the call on its own copy of the
 * socket with its own copy of the address, so neither can be swapped
 * between the check and the call.  AF_UNIX names in the file system go
 * through the policy; abstract names and other families are the
 * network: --allow-net.
 */
static void
do_socket(struct notify_call *c, struct notify_reply *r, int is_bind)
{
	struct sockaddr_storage ss;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ss;
	socklen_t len = (socklen_t)ARG(c, 2), dlen = sizeof(int);
	const socklen_t min = offsetof(struct sockaddr_un, sun_path);
	int s, domain, rc;

	if (IARG(c, 2) < 0 || len > sizeof(ss))
		return fail(r, EINVAL);
	memset(&ss, 0, sizeof(ss));
	if (notify_target(c, 0) == -1 ||
	    notify_read(c, ARG(c, 1), &ss, len) == -1)
		return fail(r, errno);
	if ((s = notify_getfd(c, IARG(c, 0))) == -1)
		return fail(r, errno);
	if (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) == -1) {
		rc = -1;
	} else if (domain == AF_UNIX && len > min &&
	    ss.ss_family == AF_UNIX && sun->sun_path[0] != '\0') {
		rc = unix_path(c, s, is_bind, sun, len);
	} else if (!c->allow_net && (domain != AF_UNIX || (len > min &&
	    ss.ss_family == AF_UNIX))) {
		/* A network socket held from before, or an abstract name. */
		errno = EACCES;
		rc = -1;
	} else if (is_bind) {
		rc = bind(s, (struct sockaddr *)&ss, len);
	} else {
		rc = connect_nb(s, (struct sockaddr *)&ss, len);
	}
	rc = rc == -1 ? errno : 0;
	fd_close(s);
	if (rc != 0)
		return fail(r, rc);
	done(r, 0, 0);
}
