/* SPDX-License-Identifier: MIT */
/*
 * notify-calls.c: the mediated system calls, as one table.  Each row
 * says where a call keeps its arguments and which broker operation it
 * is; one decoder reads them once from the requester (paths, and the
 * few structures some calls pass in memory), turns them into a struct
 * broker_req, and one encoder turns the broker's result into the answer
 * (a value, a descriptor, data written back, or CONTINUE).  No decision
 * is made here: broker_do() makes them all.
 *
 * Descriptor arguments that name the object of the call (fchmod(fd),
 * "" with AT_EMPTY_PATH, /proc/self/fd/N) are taken from the requesting
 * thread's own table and handed to the broker as its own copy, which it
 * decides on and acts on.  So is a terminal the thread holds when it
 * names it /dev/pts/N (notify-pty.h).  Two calls are answered with
 * CONTINUE after the broker's check, because the broker cannot perform
 * them for the target: chdir (a current directory grants nothing, every
 * later path is resolved and checked again) and execve (Landlock limits
 * execution to the exact image of the x decisions in the kernel itself;
 * see landlock-exec.c).  ioctl comes here for the requests of ioctls[]
 * only, which the filter picks out.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "fd.h"
#include "notify-calls.h"
#include "notify-pty.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2		452
#endif
/* Forced by 64-bit kernels anyway. */
#define KERNEL_O_LARGEFILE	0100000

/* An argument's position, plus one: 0 is "the call has none". */
#define A(i)		((i) + 1)
#define FL_AT		(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)

/* Where a call keeps what the broker needs. */
struct sys {
	int nr;
	const char *name;
	enum broker_op op;
	/* A(i) of: dirfd, path, second dirfd, second path, flags, mode */
	signed char fd, path, fd2, path2, flags, mode;
	signed char x0, x1;	/* op-specific, see decode_extra() */
	int implied;		/* flags the call implies */
};

static const struct sys table[] = {
#ifdef SYS_open
	{ SYS_open, "open", BROKER_OPEN, .path = A(0), .flags = A(1),
	  .mode = A(2) },
	{ SYS_creat, "creat", BROKER_OPEN, .path = A(0), .mode = A(1),
	  .implied = O_CREAT | O_WRONLY | O_TRUNC },
	{ SYS_stat, "stat", BROKER_STAT, .path = A(0), .x0 = A(1) },
	{ SYS_lstat, "lstat", BROKER_STAT, .path = A(0), .x0 = A(1),
	  .implied = AT_SYMLINK_NOFOLLOW },
	{ SYS_access, "access", BROKER_ACCESS, .path = A(0), .x0 = A(1) },
	{ SYS_readlink, "readlink", BROKER_READLINK, .path = A(0),
	  .x0 = A(1), .x1 = A(2) },
	{ SYS_mkdir, "mkdir", BROKER_MKDIR, .path = A(0), .mode = A(1) },
	{ SYS_mknod, "mknod", BROKER_MKNOD, .path = A(0), .mode = A(1) },
	{ SYS_unlink, "unlink", BROKER_UNLINK, .path = A(0) },
	{ SYS_rmdir, "rmdir", BROKER_UNLINK, .path = A(0),
	  .implied = AT_REMOVEDIR },
	{ SYS_rename, "rename", BROKER_RENAME, .path = A(0), .path2 = A(1) },
	{ SYS_link, "link", BROKER_LINK, .path = A(0), .path2 = A(1) },
	{ SYS_symlink, "symlink", BROKER_SYMLINK, .path2 = A(0),
	  .path = A(1) },
	{ SYS_chmod, "chmod", BROKER_CHMOD, .path = A(0), .mode = A(1) },
	{ SYS_chown, "chown", BROKER_CHOWN, .path = A(0), .x0 = A(1),
	  .x1 = A(2) },
	{ SYS_lchown, "lchown", BROKER_CHOWN, .path = A(0), .x0 = A(1),
	  .x1 = A(2), .implied = AT_SYMLINK_NOFOLLOW },
#endif
	{ SYS_openat, "openat", BROKER_OPEN, .fd = A(0), .path = A(1),
	  .flags = A(2), .mode = A(3) },
	{ SYS_openat2, "openat2", BROKER_OPEN, .fd = A(0), .path = A(1),
	  .x0 = A(2), .x1 = A(3) },
	{ SYS_newfstatat, "newfstatat", BROKER_STAT, .fd = A(0),
	  .path = A(1), .x0 = A(2), .flags = A(3) },
	{ SYS_statx, "statx", BROKER_STATX, .fd = A(0), .path = A(1),
	  .flags = A(2), .x1 = A(3), .x0 = A(4) },
	{ SYS_faccessat, "faccessat", BROKER_ACCESS, .fd = A(0),
	  .path = A(1), .x0 = A(2) },
	{ SYS_faccessat2, "faccessat2", BROKER_ACCESS, .fd = A(0),
	  .path = A(1), .x0 = A(2), .flags = A(3) },
	{ SYS_readlinkat, "readlinkat", BROKER_READLINK, .fd = A(0),
	  .path = A(1), .x0 = A(2), .x1 = A(3) },
	{ SYS_mkdirat, "mkdirat", BROKER_MKDIR, .fd = A(0), .path = A(1),
	  .mode = A(2) },
	{ SYS_mknodat, "mknodat", BROKER_MKNOD, .fd = A(0), .path = A(1),
	  .mode = A(2) },
	{ SYS_unlinkat, "unlinkat", BROKER_UNLINK, .fd = A(0), .path = A(1),
	  .flags = A(2) },
	{ SYS_renameat, "renameat", BROKER_RENAME, .fd = A(0), .path = A(1),
	  .fd2 = A(2), .path2 = A(3) },
	{ SYS_renameat2, "renameat2", BROKER_RENAME, .fd = A(0),
	  .path = A(1), .fd2 = A(2), .path2 = A(3), .flags = A(4) },
	{ SYS_linkat, "linkat", BROKER_LINK, .fd = A(0), .path = A(1),
	  .fd2 = A(2), .path2 = A(3), .flags = A(4) },
	{ SYS_symlinkat, "symlinkat", BROKER_SYMLINK, .path2 = A(0),
	  .fd = A(1), .path = A(2) },
	{ SYS_fchmodat, "fchmodat", BROKER_CHMOD, .fd = A(0), .path = A(1),
	  .mode = A(2) },
	{ SYS_fchmodat2, "fchmodat2", BROKER_CHMOD, .fd = A(0),
	  .path = A(1), .mode = A(2), .flags = A(3) },
	{ SYS_fchmod, "fchmod", BROKER_CHMOD, .fd = A(0), .mode = A(1) },
	{ SYS_fchownat, "fchownat", BROKER_CHOWN, .fd = A(0), .path = A(1),
	  .x0 = A(2), .x1 = A(3), .flags = A(4) },
	{ SYS_fchown, "fchown", BROKER_CHOWN, .fd = A(0), .x0 = A(1),
	  .x1 = A(2) },
	{ SYS_truncate, "truncate", BROKER_TRUNCATE, .path = A(0),
	  .x0 = A(1) },
	{ SYS_utimensat, "utimensat", BROKER_UTIMENS, .fd = A(0),
	  .path = A(1), .x0 = A(2), .flags = A(3) },
	{ SYS_chdir, "chdir", BROKER_CHDIR, .path = A(0) },
	{ SYS_execve, "execve", BROKER_EXEC, .path = A(0) },
	{ SYS_execveat, "execveat", BROKER_EXEC, .fd = A(0), .path = A(1),
	  .flags = A(4) },
	{ SYS_connect, "connect", BROKER_CONNECT, .fd = A(0), .x0 = A(1),
	  .x1 = A(2) },
	{ SYS_bind, "bind", BROKER_BIND, .fd = A(0), .x0 = A(1),
	  .x1 = A(2) },
	{ SYS_statfs, "statfs", BROKER_STATFS, .path = A(0), .x0 = A(1) },
	/* x1: the inotify descriptor, not a directory for the path. */
	{ SYS_inotify_add_watch, "inotify_add_watch", BROKER_WATCH,
	  .path = A(1), .x0 = A(2), .x1 = A(0) },
	{ SYS_ioctl, "ioctl", BROKER_FSATTR, .fd = A(0), .x0 = A(2),
	  .x1 = A(1) },
};

/*
 * The ioctl requests sent here (SYS_ioctl's row): attribute flags, which
 * the kernel lets the owner set through a read-only descriptor.  The
 * broker wants w (broker-fd.c); filter-ioctl.c refuses the rest of
 * filter_attr_ioctls.
 */
static const unsigned long ioctls[] = {
	FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR,
};

#define NCALLS	(sizeof(table) / sizeof(table[0]))

/* A request being decoded: the row, and what is read for it. */
struct decoding {
	struct notify_call *c;
	const struct sys *s;
	struct broker_req *req;
	int no_magic;		/* openat2 RESOLVE_NO_MAGICLINKS */
	struct timespec times[2];
	union {
		unsigned int flags;	/* FS_IOC_SETFLAGS reads an int */
		struct fsxattr fsx;
	} attr;
	struct sockaddr_storage addr;
};

static const struct sys *find(int nr);
static uint64_t	 arg(const struct decoding *d, int a);
static int	 decode(struct decoding *d, struct notify_reply *r);
static int	 decode_extra(struct decoding *d);
static int	 decode_openat2(struct decoding *d);
static int	 decode_socket(struct decoding *d);
static int	 decode_attr(struct decoding *d);
static int	 decode_paths(struct decoding *d, struct notify_reply *r);
static int	 held_fd(struct decoding *d);
static int	 own_fd(struct decoding *d, const char *path);
static int	 stat_held(struct decoding *d, int fd, struct notify_reply *r);
static int	 own_pty(struct decoding *d, struct notify_reply *r);
static int	 pty_open(struct decoding *d, int m, struct notify_reply *r);
static int	 stat_reply(struct decoding *d, int dirfd, const char *path,
		    struct notify_reply *r);
static int	 at_flags_known(enum broker_op op, int flags);
static int	 at_object(enum broker_op op);
static int	 creates(const struct broker_req *req);
static void	 encode(struct decoding *d, const struct broker_res *res,
		    struct notify_reply *r);
static void	 fail(struct notify_reply *r, int err);

const int *
notify_calls_numbers(size_t *n)
{
	static int nrs[NCALLS];
	size_t i;

	for (i = 0, *n = 0; i < NCALLS; i++)
		if (table[i].nr != SYS_ioctl)
			nrs[(*n)++] = table[i].nr;
	return nrs;
}

const unsigned long *
notify_calls_ioctls(size_t *n)
{
	*n = sizeof(ioctls) / sizeof(ioctls[0]);
	return ioctls;
}

const char *
notify_calls_name(int nr)
{
	const struct sys *s = find(nr);

	return s != NULL ? s->name : NULL;
}

void
notify_calls_serve(struct fdb_broker *b, struct notify_call *c, int want_pid,
		   struct notify_reply *r)
{
	struct broker_req req;
	struct broker_res res;
	struct decoding d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.c = c;
	d.req = &req;
	fail(r, ENOSYS);
	if ((d.s = find(c->n->data.nr)) == NULL)
		return;
	if ((rc = decode(&d, r)) != 0) {
		fd_close(req.fd);
		return;
	}
	req.who.pid = want_pid ? notify_pid(c) : c->pid;
	rc = broker_do(b, &req, &res);
	if (rc == -1 && res.pending) {
		r->kind = NOTIFY_PENDING;
		r->fd = res.fd >= 0 ? res.fd : req.fd;
		r->cloexec = (req.flags & O_CLOEXEC) != 0;
		if (res.fd >= 0)
			fd_close(req.fd);
		broker_later_keep(r->later, &req, &res);
		return;
	}
	fd_close(req.fd);
	if (rc == -1)
		return fail(r, res.err);
	encode(&d, &res, r);
}

/* Rows begin with the number (see notify_find_row()). */
static const struct sys *
find(int nr)
{
	return notify_find_row(table, NCALLS, sizeof(table[0]), nr);
}

static uint64_t
arg(const struct decoding *d, int a)
{
	return a > 0 ? d->c->n->data.args[a - 1] : 0;
}

/*
 * Everything the broker needs, read once.  0 to go on to the broker;
 * otherwise the reply is made (an error, or a held descriptor's stat).
 * What was read by path from /proc (a current directory, the status) or
 * by thread id from memory (one process_vm_readv instead of opening,
 * reading and closing /proc/TID/mem) is confirmed the requester's by one
 * last check before the broker acts.  A stat is nearly always answered
 * with data written back: its memory handle is opened first, and the
 * same last check proves it, what is read through it and the path of
 * its directory (tar's fstatat(dirfd, name): one check, not two).  A
 * readlink nearly never is (EINVAL for each component realpath() asks
 * about): it reads by thread id, and notify_write() takes the handle
 * only when there is something to write.
 */
static int
decode(struct decoding *d, struct notify_reply *r)
{
	const struct sys *s = d->s;
	struct broker_req *req = d->req;
	int rc, eager;

	memset(req, 0, sizeof(*req));
	req->op = s->op;
	req->call = s->name;
	req->fd = -1;
	req->umask = BROKER_OWN_UMASK;
	req->who.tid = d->c->tid;
	req->who.pid_fn = notify_pid;
	req->who.pid_arg = d->c;
	req->flags = (int)arg(d, s->flags) | s->implied;
	req->mode = (mode_t)arg(d, s->mode);
	eager = s->op == BROKER_STAT || s->op == BROKER_STATX ||
	    s->op == BROKER_STATFS;
	if (!at_flags_known(s->op, req->flags))
		errno = EINVAL, rc = -1;
	else if ((rc = eager ? notify_handle(d->c) :
	    notify_peek(d->c)) == 0 && (rc = decode_extra(d)) == 0)
		rc = decode_paths(d, r);
	if (rc == 0 && creates(req))
		req->umask = notify_umask(d->c);
	if (rc == 0)
		rc = notify_confirm(d->c);
	if (rc == -1)
		fail(r, errno);
	return rc;
}

/*
 * The arguments beyond paths and flags: x0 and x1 are openat2's struct
 * and its size, stat's and readlink's buffers (and readlink's size),
 * statx's mask, access's mode, chown's ids, truncate's length,
 * utimensat's times, a socket call's address and its length, statfs's
 * buffer, and inotify_add_watch's mask and descriptor.
 */
static int
decode_extra(struct decoding *d)
{
	struct broker_req *req = d->req;
	int n;

	switch (d->s->op) {
	case BROKER_OPEN:
		if (d->s->nr == SYS_openat2 && decode_openat2(d) == -1)
			return -1;
		req->flags &= ~KERNEL_O_LARGEFILE;
		req->open_flags = req->flags;
		/* SECCOMP_IOCTL_NOTIF_ADDFD: fget() refuses O_PATH files. */
		req->no_o_path = 1;
		req->wait_fifo = 1;
		return 0;
	case BROKER_STATX:
		req->arg.mask = (unsigned)arg(d, d->s->x1);
		return 0;
	case BROKER_ACCESS:
		req->arg.amode = (int)arg(d, d->s->x0);
		return 0;
	case BROKER_READLINK:
		n = (int)arg(d, d->s->x1);
		return n <= 0 ? (errno = EINVAL, -1) : 0;
	case BROKER_CHOWN:
		req->arg.uid = (uid_t)arg(d, d->s->x0);
		req->arg.gid = (gid_t)arg(d, d->s->x1);
		return 0;
	case BROKER_TRUNCATE:
		req->arg.length = (off_t)arg(d, d->s->x0);
		return 0;
	case BROKER_UTIMENS:
		if (arg(d, d->s->x0) == 0)
			return 0;
		req->arg.times = d->times;
		return notify_read(d->c, arg(d, d->s->x0), d->times,
		    sizeof(d->times));
	case BROKER_CONNECT:
	case BROKER_BIND:
		return decode_socket(d);
	case BROKER_WATCH:
		req->arg.mask = (unsigned)arg(d, d->s->x0);
		req->fd = notify_getfd(d->c, (int)arg(d, d->s->x1));
		return req->fd == -1 ? -1 : 0;
	case BROKER_FSATTR:
		return decode_attr(d);
	default:
		return 0;
	}
}

/* An attribute request's argument, read once; the broker acts on it. */
static int
decode_attr(struct decoding *d)
{
	unsigned long request = (uint32_t)arg(d, d->s->x1);
	size_t len;

	if (request == FS_IOC_SETFLAGS)
		len = sizeof(d->attr.flags);
	else if (request == FS_IOC_FSSETXATTR)
		len = sizeof(d->attr.fsx);
	else
		return errno = ENOTTY, -1;
	if ((int)arg(d, d->s->fd) < 0)
		return errno = EBADF, -1;
	d->req->arg.request = request;
	d->req->arg.attr = &d->attr;
	return notify_read(d->c, arg(d, d->s->x0), &d->attr, len);
}

static int
decode_openat2(struct decoding *d)
{
	struct open_how how;
	unsigned char extra[64];
	uint64_t size = arg(d, d->s->x1), at = arg(d, d->s->x0), off;
	size_t n;

	memset(&how, 0, sizeof(how));
	if (size < sizeof(how) || size > 4096)
		return errno = size < sizeof(how) ? EINVAL : E2BIG, -1;
	if (notify_read(d->c, at, &how, sizeof(how)) == -1)
		return -1;
	/* A larger struct from a newer libc: its extra fields must be 0. */
	for (off = sizeof(how); off < size; off += n) {
		n = size - off < sizeof(extra) ? (size_t)(size - off) :
		    sizeof(extra);
		if (notify_read(d->c, at + off, extra, n) == -1)
			return -1;
		if (extra[0] != 0 || memcmp(extra, extra + 1, n - 1) != 0)
			return errno = E2BIG, -1;
	}
	if (how.flags > 0xffffffffULL || how.mode > 07777)
		return errno = EINVAL, -1;
	/*
	 * The broker's walk never follows magic links; other RESOLVE_*
	 * promises it does not keep, so say the call does not exist and
	 * let the program fall back to openat() and its own checks.
	 */
	if (how.resolve & ~(uint64_t)RESOLVE_NO_MAGICLINKS)
		return errno = ENOSYS, -1;
	/* /proc/self/fd/N is then refused by the walk, as by the kernel. */
	d->no_magic = (how.resolve & RESOLVE_NO_MAGICLINKS) != 0;
	d->req->flags = (int)how.flags;
	d->req->mode = (mode_t)how.mode;
	return 0;
}

/*
 * connect and bind: the broker acts on its own copy of the socket with
 * its own copy of the address, so neither can be swapped between the
 * check and the call.  The record names a file-system name as it is, an
 * abstract one with a leading '@'.
 */
static int
decode_socket(struct decoding *d)
{
	const struct sockaddr_un *sun = (const void *)&d->addr;
	const socklen_t min = offsetof(struct sockaddr_un, sun_path);
	socklen_t len = (socklen_t)arg(d, d->s->x1);
	char *path = d->c->path[0];
	size_t n;

	if ((int)len < 0 || len > sizeof(d->addr))
		return errno = EINVAL, -1;
	if (notify_read(d->c, arg(d, d->s->x0), &d->addr, len) == -1 ||
	    (d->req->fd = notify_getfd(d->c, (int)arg(d, d->s->fd))) == -1)
		return -1;
	d->req->arg.addr = (const struct sockaddr *)&d->addr;
	d->req->arg.addrlen = len;
	if (len <= min || sun->sun_family != AF_UNIX)
		return 0;
	/* The kernel takes sun_path up to its first NUL or the length. */
	n = len - min;
	memcpy(path, sun->sun_path, n);
	path[n] = '\0';
	if (path[0] == '\0') {
		path[0] = '@';
		d->req->path[0] = path;
		return 0;
	}
	d->req->path[0] = path;
	if (notify_base(d->c, AT_FDCWD, 0) == -1)
		return -1;
	d->req->base[0] = d->c->base[0][0] != '\0' ? d->c->base[0] : NULL;
	return 0;
}

/*
 * The paths, or the held descriptor that is the object of the call.
 * For a held descriptor's stat the reply is made here: nothing is
 * named, so there is nothing to decide (and nothing to record).
 */
static int
decode_paths(struct decoding *d, struct notify_reply *r)
{
	const struct sys *s = d->s;
	struct notify_call *c = d->c;
	struct broker_req *req = d->req;
	int held, rc;

	if (s->op == BROKER_CONNECT || s->op == BROKER_BIND)
		return 0;	/* decode_socket() */
	if (s->path != 0 && !(arg(d, s->path) == 0 && at_object(s->op))) {
		if (notify_read_path(c, arg(d, s->path), 0) == -1)
			return -1;
		req->path[0] = c->path[0];
	}
	if ((held = held_fd(d)) == AT_FDCWD && s->op != BROKER_STAT &&
	    s->op != BROKER_STATX)
		return errno = req->path[0] == NULL ? EFAULT : EBADF, -1;
	if (held == -2 && (rc = own_pty(d, r)) != 0)
		return rc == 2 ? 0 : rc;
	if (held != -2) {
		if (s->op == BROKER_STAT || s->op == BROKER_STATX)
			return stat_held(d, held, r);
		if ((req->fd = notify_getfd(c, held)) == -1)
			return -1;
	} else if (req->path[0] != NULL) {
		if (notify_base(c, s->fd ? (int)arg(d, s->fd) : AT_FDCWD,
		    0) == -1)
			return -1;
		req->base[0] = c->base[0][0] != '\0' ? c->base[0] : NULL;
	}
	if (s->path2 == 0)
		return 0;
	if (notify_read_path(c, arg(d, s->path2), 1) == -1)
		return -1;
	req->path[1] = c->path[1];
	/* symlink's target is text, not a path to resolve now. */
	if (s->op != BROKER_SYMLINK) {
		if (notify_base(c, s->fd2 ? (int)arg(d, s->fd2) : AT_FDCWD,
		    1) == -1)
			return -1;
		req->base[1] = c->base[1][0] != '\0' ? c->base[1] : NULL;
	}
	return 0;
}

/*
 * The requester's descriptor that is the object of the call, or -2: the
 * one a call without a path takes (fchmod), the dirfd of "" with
 * AT_EMPTY_PATH (or of a NULL path), or the one a magic link of its own
 * names (own_fd()): /proc/self/fd/N is opened, stat'ed and changed as
 * the descriptor it is.
 */
static int
held_fd(struct decoding *d)
{
	const struct sys *s = d->s;
	const char *path = d->req->path[0];
	int flags = d->req->flags, n;

	if (at_object(s->op) && (s->path == 0 || path == NULL ||
	    (path[0] == '\0' && (flags & AT_EMPTY_PATH))))
		return s->fd ? (int)arg(d, s->fd) : AT_FDCWD;
	switch (s->op) {
	case BROKER_STAT:
	case BROKER_STATX:
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -2;
		break;
	case BROKER_OPEN:
	case BROKER_TRUNCATE:
	case BROKER_CHMOD:
	case BROKER_CHOWN:
	case BROKER_UTIMENS:
		break;
	default:
		return -2;
	}
	n = own_fd(d, path);
	return n >= 0 ? n : -2;
}

/* Calls whose object may be a descriptor (AT_EMPTY_PATH, fchmod, ioctl). */
static int
at_object(enum broker_op op)
{
	return op == BROKER_STAT || op == BROKER_STATX ||
	    op == BROKER_CHMOD || op == BROKER_CHOWN ||
	    op == BROKER_UTIMENS || op == BROKER_EXEC ||
	    op == BROKER_FSATTR;
}

/*
 * The target's own descriptor that @path names: /proc/self/fd/N (also
 * thread-self, and its own pid), /dev/fd/N, /dev/stdin, /dev/stdout,
 * /dev/stderr.  These are magic links the walk refuses; they reach a
 * file the target holds already, so they are served from that
 * descriptor.  -1 for any other path.
 */
static int
own_fd(struct decoding *d, const char *path)
{
	static const char *const std[] = {
		"/dev/stdin", "/dev/stdout", "/dev/stderr",
	};
	char self[32];
	const char *p = NULL;
	char *end;
	long n;
	int i;

	if (d->no_magic || path == NULL)
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
	    path[6] <= '9' && notify_pid(d->c) > 0) {
		snprintf(self, sizeof(self), "/proc/%d/fd/", (int)d->c->pid);
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
 * fstat() of a descriptor the requesting thread holds, or of its current
 * directory, through /proc/TID/fd/N (or cwd), which stat() follows to the
 * very file.  The result is written back, and the reply made: 1.
 */
static int
stat_held(struct decoding *d, int fd, struct notify_reply *r)
{
	char link[64];

	if (fd != AT_FDCWD && fd < 0)
		return errno = EBADF, -1;
	if (notify_proc(d->c, fd == AT_FDCWD ? "cwd" : "fd", fd, link,
	    sizeof(link)) == -1)
		return -1;
	if (stat_reply(d, AT_FDCWD, link, r) == -1)
		return errno = (errno == ENOENT ? EBADF : errno), -1;
	return 1;
}

/*
 * "/dev/pts/N" opened or stat'ed by a thread that holds that terminal or
 * its master (notify-pty.h): served from what it holds.  0: it does not
 * (the broker decides on the path, as for any other); 2: go on to the
 * broker with req->fd, the terminal held, which it reopens as it does
 * /proc/self/fd/K; 1: the reply is made; -1: an error to answer.
 */
static int
own_pty(struct decoding *d, struct notify_reply *r)
{
	enum broker_op op = d->s->op;
	int fd, master, rc, peer = -1;

	if (op != BROKER_OPEN && op != BROKER_STAT && op != BROKER_STATX)
		return 0;
	if ((fd = notify_pty_find(d->c, d->req->path[0], &master)) == -1)
		return 0;
	if (op == BROKER_OPEN && !master) {
		d->req->fd = fd;
		return 2;
	}
	if (op == BROKER_OPEN)
		rc = pty_open(d, fd, r);
	else if (master && (peer = notify_pty_peer(fd, O_PATH)) == -1)
		rc = -1;
	else
		rc = stat_reply(d, master ? peer : fd, "", r);
	fd_close(peer);
	fd_close(fd);
	return rc;
}

/*
 * open("/dev/pts/N") by a holder of its master @m: its other end, as
 * TIOCGPTPEER gives it.  Flags that would ask more of an open (O_PATH,
 * O_DIRECTORY, O_EXCL, O_TMPFILE, ...) leave it to the broker.  Never
 * the requester's controlling terminal (TIOCSCTTY makes it so).
 */
static int
pty_open(struct decoding *d, int m, struct notify_reply *r)
{
	const int pass = O_ACCMODE | O_NONBLOCK | O_APPEND | O_SYNC;
	const int known = pass | O_NOCTTY | O_CLOEXEC | O_CREAT | O_TRUNC |
	    O_NOFOLLOW;
	int flags = d->req->flags;

	if ((flags & ~known) != 0 || (flags & O_ACCMODE) == O_ACCMODE)
		return 0;
	if ((r->fd = notify_pty_peer(m, flags & pass)) == -1)
		return -1;
	r->kind = NOTIFY_FD;
	r->err = 0;
	r->cloexec = (flags & O_CLOEXEC) != 0;
	return 1;
}

/*
 * The stat (or statx) of @path at @dirfd ("": @dirfd itself), written
 * back to the requester, and the reply made: 1.
 */
static int
stat_reply(struct decoding *d, int dirfd, const char *path,
	   struct notify_reply *r)
{
	int at = path[0] == '\0' ? AT_EMPTY_PATH : 0, rc;
	struct statx stx;
	struct stat st;

	if (d->s->op == BROKER_STATX) {
		memset(&stx, 0, sizeof(stx));
		rc = statx(dirfd, path, at | (d->req->flags &
		    AT_STATX_SYNC_TYPE), d->req->arg.mask, &stx);
	} else
		rc = fstatat(dirfd, path, &st, at);
	if (rc == -1)
		return -1;
	/* The kernel's struct stat is glibc's on x86_64 and the generic ABI. */
	if (d->s->op == BROKER_STATX)
		rc = notify_write(d->c, arg(d, d->s->x0), &stx, sizeof(stx));
	else
		rc = notify_write(d->c, arg(d, d->s->x0), &st, sizeof(st));
	if (rc == -1)
		return -1;
	r->kind = NOTIFY_VALUE;
	r->err = 0;
	r->val = 0;
	return 1;
}

/* The AT_* flags each call may carry; other bits are EINVAL. */
static int
at_flags_known(enum broker_op op, int flags)
{
	switch (op) {
	case BROKER_STAT:
		return !(flags & ~(FL_AT | AT_NO_AUTOMOUNT));
	case BROKER_STATX:
		return !(flags & ~(FL_AT | AT_NO_AUTOMOUNT |
		    AT_STATX_SYNC_TYPE));
	case BROKER_CHMOD:
	case BROKER_CHOWN:
	case BROKER_UTIMENS:
	case BROKER_EXEC:
		return !(flags & ~FL_AT);
	default:
		return 1;	/* the broker's act checks its own */
	}
}

/* Whether @req makes something that takes the requester's umask. */
static int
creates(const struct broker_req *req)
{
	switch (req->op) {
	case BROKER_OPEN:
		return (req->flags & (O_CREAT | O_TMPFILE)) != 0;
	case BROKER_MKDIR:
	case BROKER_MKNOD:
	case BROKER_BIND:
		return 1;
	default:
		return 0;
	}
}

/* The answer for a request the broker performed. */
static void
encode(struct decoding *d, const struct broker_res *res,
       struct notify_reply *r)
{
	uint64_t buf = arg(d, d->s->x0);
	int rc = 0;

	r->kind = NOTIFY_VALUE;
	r->err = 0;
	r->val = 0;
	switch (d->s->op) {
	case BROKER_OPEN:
		r->kind = NOTIFY_FD;
		r->fd = res->fd;
		r->cloexec = (d->req->flags & O_CLOEXEC) != 0;
		return;
	case BROKER_STAT:
		rc = notify_write(d->c, buf, &res->st, sizeof(res->st));
		break;
	case BROKER_STATX:
		rc = notify_write(d->c, buf, &res->stx, sizeof(res->stx));
		break;
	case BROKER_STATFS:
		rc = notify_write(d->c, buf, &res->sfs, sizeof(res->sfs));
		break;
	case BROKER_WATCH:
		r->val = res->val;
		break;
	case BROKER_READLINK:
		if ((size_t)res->val > (size_t)arg(d, d->s->x1))
			r->val = (int64_t)arg(d, d->s->x1);
		else
			r->val = res->val;
		rc = notify_write(d->c, buf, res->buf, (size_t)r->val);
		break;
	case BROKER_CHDIR:
	case BROKER_EXEC:
		r->kind = NOTIFY_CONTINUE;
		return;
	default:
		break;
	}
	if (rc == -1)
		fail(r, errno);
}

static void
fail(struct notify_reply *r, int err)
{
	r->kind = NOTIFY_VALUE;
	r->err = err != 0 ? err : EIO;
}
