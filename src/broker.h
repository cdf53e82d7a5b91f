/* SPDX-License-Identifier: MIT */
/*
 * broker.h: the transport-agnostic core (SPEC §2).  Every request, from
 * whichever transport, is a struct broker_req that goes through one
 * function, broker_do(): the operation's entry in the op table resolves
 * and checks its path(s) and acts on what it resolved; then the deny
 * errno is put in, and exactly one decision record goes to the hook,
 * saying what the requester gets.  The transports only translate their
 * wire format into a request and the result back.  struct fdb_broker is
 * defined in broker.c.
 */
#ifndef FDBROKER_BROKER_H
#define FDBROKER_BROKER_H

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <limits.h>
#include <time.h>

#include "fdbroker.h"
#include "resolve.h"

struct loop;
struct remap_set;

/* What the broker can do for a requester. */
enum broker_op {
	BROKER_OPEN,		/* flags, mode; or reopen req->fd */
	BROKER_STAT,		/* flags: AT_SYMLINK_NOFOLLOW */
	BROKER_STATX,		/* flags: AT_*; arg.mask */
	BROKER_ACCESS,		/* arg.amode, flags: AT_EACCESS, ... */
	BROKER_READLINK,
	BROKER_MKDIR,		/* mode */
	BROKER_MKNOD,		/* mode, with the file type */
	BROKER_UNLINK,		/* flags: AT_REMOVEDIR */
	BROKER_RENAME,		/* path[0] -> path[1], flags: RENAME_* */
	BROKER_LINK,		/* path[0] -> path[1], flags: AT_* */
	BROKER_SYMLINK,		/* path[1] (text) at path[0] */
	BROKER_CHMOD,		/* mode, flags; or req->fd */
	BROKER_CHOWN,		/* arg.uid, arg.gid, flags; or req->fd */
	BROKER_TRUNCATE,	/* arg.length; or req->fd */
	BROKER_UTIMENS,		/* arg.times, flags; or req->fd */
	BROKER_CHDIR,		/* may it become the current directory */
	BROKER_EXEC,		/* may it be executed; or req->fd */
	BROKER_CONNECT,		/* socket req->fd to arg.addr */
	BROKER_BIND,		/* socket req->fd to arg.addr */
	BROKER_STATFS,		/* statfs(2) */
	BROKER_WATCH,		/* inotify req->fd, arg.mask; flags IN_* */
	BROKER_FSATTR,		/* req->fd: ioctl arg.request with arg.attr */
	BROKER_NOPS
};

/* One request, as the requester made it; borrowed by broker_do(). */
struct broker_req {
	enum broker_op op;
	const char *call;	/* the system call's name, for the record */
	struct requester who;
	const char *path[2];	/* as asked; path[1]: second path or NULL */
	const char *base[2];	/* directory each relative path starts at */
	/*
	 * The object of a descriptor call (fchmod, an *at call on "" with
	 * AT_EMPTY_PATH, /proc/self/fd/N, a socket): the broker's own copy
	 * of the requester's descriptor, taken from the requesting thread's
	 * table, decided on and acted on.  Borrowed; -1 when none.
	 */
	int fd;
	int flags;		/* as asked */
	int open_flags;		/* BROKER_OPEN: how the broker opens */
	/*
	 * BROKER_OPEN: the transport cannot pass an O_PATH descriptor
	 * (seccomp's ADDFD): an O_PATH open gives a read-only descriptor
	 * of a file or directory, and fails with EOPNOTSUPP for anything
	 * else, whose real open could have side effects.
	 */
	int no_o_path;
	/*
	 * BROKER_OPEN: the transport waits for a FIFO's peer itself: a
	 * blocking open of a FIFO is left pending (res->pending) with the
	 * FIFO's descriptor in res->fd (see resolve_out.fifo).
	 */
	int wait_fifo;
	mode_t mode;
	mode_t umask;		/* for what it creates; BROKER_OWN_UMASK */
	struct {
		int amode;	/* access(2) mode */
		uid_t uid;
		gid_t gid;
		off_t length;
		unsigned mask;	/* statx, inotify_add_watch */
		const struct timespec *times;	/* NULL: now */
		const struct sockaddr *addr;
		socklen_t addrlen;
		unsigned long request;	/* FS_IOC_SETFLAGS, ... */
		void *attr;	/* its argument, the broker's copy */
	} arg;
};

#define BROKER_OWN_UMASK	((mode_t)-1)

/* What the requester gets. */
struct broker_res {
	int err;		/* 0, or the errno the requester gets */
	int fd;			/* BROKER_OPEN: the new descriptor, or -1 */
	long val;		/* READLINK: the length; WATCH: the watch */
	struct stat st;		/* BROKER_STAT */
	struct statx stx;	/* BROKER_STATX */
	struct statfs sfs;	/* BROKER_STATFS */
	char buf[PATH_MAX];	/* BROKER_READLINK: the target (no NUL) */
	struct resolve_out out[2];	/* what each path resolved to */
	/*
	 * A request the kernel cannot end at once: BROKER_CONNECT of a
	 * blocking network socket that it is still connecting, BROKER_OPEN
	 * (req->wait_fifo) of a FIFO that waits for its peer.  broker_do()
	 * returns -1 with EINPROGRESS and makes no record.  The transport
	 * answers when the kernel ends it (the socket is writable; the
	 * FIFO, res->fd, opened again, has its peer), without waiting for
	 * it meanwhile, and then calls broker_report_later().
	 */
	int pending;
};

/* What the record of a pending request needs (broker_later_keep()). */
struct broker_later {
	enum broker_op op;
	const char *call;
	pid_t pid;
	int flags;		/* as asked */
	int open_flags;
	char path[PATH_MAX];	/* as asked, or "" */
	struct resolve_out out;	/* what it resolved to (no dirfd) */
};

/*
 * broker_do: decide and perform @req, report it once, and fill @res.
 * Returns 0, or -1 with errno == res->err.  The caller owns res->fd.
 */
int broker_do(struct fdb_broker *b, const struct broker_req *req,
	      struct broker_res *res);

/* broker_later_keep: what @l needs of pending @req, @res. */
void broker_later_keep(struct broker_later *l, const struct broker_req *req,
		       const struct broker_res *res);

/*
 * broker_report_later: the one record of a request that was pending
 * (res->pending, kept in @l), now that it ended with @err (0 or an
 * errno: what the requester got).
 */
void broker_report_later(struct fdb_broker *b, const struct broker_later *l,
			 int err);

/*
 * broker_need: the permissions @op with @flags (and @amode for access)
 * needs on its first path; *@need2 gets what it needs on the second.
 * The one place that says it: the checks and --learn both ask here.
 */
unsigned broker_need(enum broker_op op, int flags, int amode,
		     unsigned *need2);

/* broker_op_name: "open", "stat", ... */
const char *broker_op_name(enum broker_op op);

/*
 * broker_set_net: whether network sockets and abstract AF_UNIX names may
 * be used (fdbroker-run --allow-net).  Off by default.
 */
void broker_set_net(struct fdb_broker *b, int allow);

/*
 * broker_set_remap: the private trees (remap.h) the requesters see, or
 * NULL (the default: none).  Borrowed; it must outlive @b's use.
 */
void broker_set_remap(struct fdb_broker *b, const struct remap_set *s);

/* broker_policy: the policy @b was made with (borrowed). */
const struct fdb_policy *broker_policy(const struct fdb_broker *b);

/* broker_loop: the loop every transport of @b registers its fds with. */
struct loop *broker_loop(struct fdb_broker *b);

/* broker_buffer: a scratch buffer of WIRE_REQ_MAX bytes, for transports. */
void *broker_buffer(struct fdb_broker *b);

#endif /* FDBROKER_BROKER_H */
