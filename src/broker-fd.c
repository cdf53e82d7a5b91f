/* SPDX-License-Identifier: MIT */
/*
 * broker-fd.c: the acts on descriptors (broker-ops.h).  A held
 * descriptor is the broker's own copy of one the requester holds, taken
 * from the requesting thread's table by the transport: it is decided on
 * (its path as the kernel names it, how it was opened) and acted on, the
 * very same open file, so a dup2() or another thread's table meanwhile
 * changes nothing.  Sockets: connect and bind on the broker's copy of the
 * requester's socket, with the broker's copy of the address.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "broker-ops.h"
#include "fd.h"
#include "policy.h"
#include "remap.h"

#define SUN_MIN		((socklen_t)offsetof(struct sockaddr_un, sun_path))

static int	 held_path(struct broker_call *c, int *fl);
static int	 writable(int fl);
static int	 held_writable(struct broker_call *c, int *fl);
static int	 unix_connect(struct broker_call *c);
static int	 unix_bind(struct broker_call *c);
static int	 connect_nb(int s, const struct sockaddr *sa, socklen_t len,
		    int *pending);
static int	 bind_at(int s, const struct resolve_out *out);
static int	 act_socket(struct broker_call *c, int is_bind);

/*
 * open() of a held descriptor (/proc/self/fd/N): a new open file
 * description of the same file, as the kernel makes it, with no more
 * access than the descriptor has (a read-only one cannot be reopened for
 * writing).  Opened non-blocking (a pipe or FIFO must not make the broker
 * wait), and O_NONBLOCK is cleared again unless it was asked for; never
 * as the broker's controlling terminal (O_NOCTTY).
 */
int
held_open(struct broker_call *c)
{
	struct resolve_out *out = &c->res->out[0];
	int flags = c->req->open_flags, want = flags & O_ACCMODE, have, fl;
	char proc[64];

	if (held_path(c, &fl) == -1)
		return -1;
	have = fl & O_ACCMODE;
	if ((fl & O_PATH) || want == 3 || (have != O_RDWR && have != want) ||
	    ((flags & O_TRUNC) && have == O_RDONLY)) {
		out->denied = 1;
		return -1;
	}
	if (broker_proc_fd(c->req->fd, proc, sizeof(proc)) == -1)
		return -1;
	c->res->fd = resolve_nonblock_off(open(proc, (flags & ~(O_CREAT |
	    O_EXCL)) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), flags);
	return c->res->fd == -1 ? -1 : 0;
}

/*
 * fchmod, fchown, futimens, ftruncate-like calls on a held descriptor:
 * allowed when it was opened for writing (w was checked then, or the
 * caller of fdbroker-run handed it over writable), or when the policy
 * grants w on the file's path; not through a read-only descriptor,
 * although the kernel would let the file's owner.
 */
int
held_meta(struct broker_call *c)
{
	const struct broker_req *req = c->req;
	struct stat st;
	char proc[64];
	int fl;

	if (req->op == BROKER_TRUNCATE && req->arg.length < 0) {
		errno = EINVAL;
		return -1;
	}
	if (held_writable(c, &fl) == -1)
		return -1;
	if (fstat(req->fd, &st) == -1 ||
	    broker_proc_fd(req->fd, proc, sizeof(proc)) == -1)
		return -1;
	/* As ftruncate(2): the descriptor's access counts, not the mode. */
	if (req->op == BROKER_TRUNCATE && writable(fl) && S_ISREG(st.st_mode))
		return ftruncate(req->fd, req->arg.length);
	return broker_meta(c, proc, &st);
}

/*
 * Attribute flags (FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR: chattr) of a held
 * descriptor, which the kernel lets the file's owner set through any
 * descriptor, one opened read-only too: allowed as held_meta() allows,
 * and made on the broker's copy with the broker's copy of the argument,
 * read once from the requester.
 */
int
held_attr(struct broker_call *c)
{
	const struct broker_req *req = c->req;
	int fl;

	if (req->fd < 0 || req->arg.attr == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (held_writable(c, &fl) == -1)
		return -1;
	return ioctl(req->fd, req->arg.request, req->arg.attr) == -1 ? -1 : 0;
}

/*
 * fexecve(): x on what the held descriptor names, a regular file.  The
 * kernel then executes the requester's descriptor of that number; what
 * keeps a swap of it meanwhile from running something else is Landlock
 * (see landlock-exec.c), not this check.
 */
int
held_exec(struct broker_call *c)
{
	struct resolve_out *out = &c->res->out[0];
	struct stat st;
	int fl;

	if (held_path(c, &fl) == -1 || fstat(c->req->fd, &st) == -1)
		return -1;
	if (!policy_allows(c->policy, out->path, FDB_X, &out->rule)) {
		out->denied = 1;
		return -1;
	}
	return broker_is(st.st_mode, S_IFREG, EACCES);
}

int
act_connect(struct broker_call *c)
{
	return act_socket(c, 0);
}

int
act_bind(struct broker_call *c)
{
	return act_socket(c, 1);
}

/*
 * The held descriptor's path, as the kernel names it, into out[0].path
 * (for the policy and the record; "pipe:[N]", "/memfd:x (deleted)" and
 * the like are not absolute and match no rule), and its status flags.
 */
static int
held_path(struct broker_call *c, int *fl)
{
	struct resolve_out *out = &c->res->out[0];
	char proc[64];
	ssize_t n;

	if ((*fl = fcntl(c->req->fd, F_GETFL)) == -1 ||
	    broker_proc_fd(c->req->fd, proc, sizeof(proc)) == -1 ||
	    (n = readlink(proc, out->path, sizeof(out->path))) == -1)
		return -1;
	if ((size_t)n >= sizeof(out->path)) {
		out->path[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	out->path[n] = '\0';
	/* A file of the private /dev/shm is judged by its logical path. */
	remap_host_path(c->ctx[0].remap, out->path, sizeof(out->path));
	return 0;
}

/*
 * The held descriptor may change its file: it was opened for writing,
 * or w covers its path; else a refusal.  Its status flags into *@fl.
 */
static int
held_writable(struct broker_call *c, int *fl)
{
	struct resolve_out *out = &c->res->out[0];

	if (held_path(c, fl) == -1)
		return -1;
	if (!policy_allows(c->policy, out->path, FDB_W, &out->rule) &&
	    !writable(*fl)) {
		out->denied = 1;
		return -1;
	}
	return 0;
}

static int
writable(int fl)
{
	return !(fl & O_PATH) && (fl & O_ACCMODE) != O_RDONLY;
}

/*
 * AF_UNIX names in the file system go through the policy; abstract names
 * and other families are the network: broker_set_net().  The transport
 * gave path[0] as the name in the address, NUL-terminated.
 */
static int
act_socket(struct broker_call *c, int is_bind)
{
	const struct broker_req *req = c->req;
	const struct sockaddr_un *sun = (const void *)req->arg.addr;
	socklen_t len = req->arg.addrlen, dlen = sizeof(int);
	int domain, named;

	if (sun == NULL || req->fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if (getsockopt(req->fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) == -1)
		return -1;
	named = len > SUN_MIN && sun->sun_family == AF_UNIX;
	if (domain == AF_UNIX && named && sun->sun_path[0] != '\0' &&
	    req->path[0] != NULL)
		return is_bind ? unix_bind(c) : unix_connect(c);
	/*
	 * A network socket held from before, an abstract name, or an
	 * autobind (bind() with the family alone), which makes an abstract
	 * name that any process can reach.
	 */
	if (!c->net && (domain != AF_UNIX || named ||
	    (is_bind && len >= sizeof(sun->sun_family)))) {
		c->res->out[0].denied = 1;
		return -1;
	}
	if (is_bind)
		return bind(req->fd, req->arg.addr, len);
	return connect_nb(req->fd, req->arg.addr, len, &c->res->pending);
}

/*
 * connect() to the socket file the broker checked: through
 * /proc/self/fd/N of an O_PATH descriptor of it, which reaches exactly
 * that inode.  ECONNREFUSED when it is not a socket.
 */
static int
unix_connect(struct broker_call *c)
{
	struct resolve_out *out = &c->res->out[0];
	struct sockaddr_un via;
	struct stat st;
	int p, rc;

	if (broker_check(c, 0, 1, FDB_R | FDB_W) == -1 ||
	    (p = broker_open_name(out, &st)) == -1)
		return -1;
	if (!S_ISSOCK(st.st_mode)) {
		fd_close(p);
		errno = ECONNREFUSED;
		return -1;
	}
	memset(&via, 0, sizeof(via));
	via.sun_family = AF_UNIX;
	snprintf(via.sun_path, sizeof(via.sun_path), "/proc/self/fd/%d", p);
	rc = connect_nb(c->req->fd, (struct sockaddr *)&via, sizeof(via),
	    &c->res->pending);
	fd_close(p);
	return rc;
}

static int
unix_bind(struct broker_call *c)
{
	if (broker_check(c, 0, 0, FDB_C) == -1)
		return -1;
	return bind_at(c->req->fd, &c->res->out[0]);
}

/*
 * connect() without blocking the broker: the socket is the requester's
 * (a shared file description), so O_NONBLOCK is set only for the call.
 * A full AF_UNIX backlog then answers EAGAIN.  A network connect still
 * in progress on a socket the requester left blocking sets *@pending:
 * the kernel goes on with it, and the transport answers when it ends
 * (--allow-net only), so that no requester waits for another's.
 */
static int
connect_nb(int s, const struct sockaddr *sa, socklen_t len, int *pending)
{
	int fl, rc, err;

	if ((fl = fcntl(s, F_GETFL)) == -1)
		return -1;
	if (!(fl & O_NONBLOCK) && fcntl(s, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	rc = connect(s, sa, len);
	err = errno;
	*pending = rc == -1 && err == EINPROGRESS && !(fl & O_NONBLOCK);
	if (!(fl & O_NONBLOCK))
		(void)fcntl(s, F_SETFL, fl);
	errno = err;
	return rc;
}

/*
 * bind() to the name the broker checked, in the parent it resolved: the
 * broker changes into that directory for the call (each thread of the
 * notify transport has a current directory of its own; the socket
 * transport has no bind), so no path is looked up again.  The address
 * the socket shows is then the bare name.  The umask is the requester's
 * (broker_do()).
 */
static int
bind_at(int s, const struct resolve_out *out)
{
	struct sockaddr_un sun;
	size_t n = strlen(out->name);
	int here, rc, err;

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
	rc = bind(s, (struct sockaddr *)&sun, (socklen_t)(SUN_MIN + n + 1));
	err = errno;
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
