/* SPDX-License-Identifier: MIT */
/*
 * broker-ops.h: the acts of the op table (broker.c), internal to the
 * core.  An act resolves its path(s) into res->out[] (race-free, each
 * symlink crossed checked), checks the policy on the logical path, and
 * acts relative to the verified parent without following a symlink the
 * walk did not check; or, for a held descriptor, decides on the
 * broker's copy of it and acts on that copy.
 *
 * An act returns 0, or -1 with errno.  A refusal by the policy sets
 * res->out[i].denied and returns -1: broker_do() puts in the deny errno
 * and reports, once.  An act never reports and never closes
 * res->out[i].dirfd (broker_do() does both).
 */
#ifndef FDBROKER_BROKER_OPS_H
#define FDBROKER_BROKER_OPS_H

#include "broker.h"
#include "resolve.h"

/* One request being served. */
struct broker_call {
	const struct fdb_policy *policy;
	const struct broker_req *req;
	struct broker_res *res;
	struct resolve_ctx ctx[2];	/* for path[0] and path[1] */
	int net;			/* broker_set_net() */
};

typedef int (*broker_act_fn)(struct broker_call *c);

/* broker-ops.c: named paths. */
int	act_open(struct broker_call *c);
int	act_stat(struct broker_call *c);
int	act_statx(struct broker_call *c);
int	act_access(struct broker_call *c);
int	act_readlink(struct broker_call *c);
int	act_mkdir(struct broker_call *c);
int	act_mknod(struct broker_call *c);
int	act_unlink(struct broker_call *c);
int	act_rename(struct broker_call *c);
int	act_link(struct broker_call *c);
int	act_symlink(struct broker_call *c);
int	act_chmod(struct broker_call *c);
int	act_chown(struct broker_call *c);
int	act_truncate(struct broker_call *c);
int	act_utimens(struct broker_call *c);
int	act_chdir(struct broker_call *c);
int	act_exec(struct broker_call *c);
int	act_statfs(struct broker_call *c);
int	act_watch(struct broker_call *c);

/* broker-fd.c: sockets. */
int	act_connect(struct broker_call *c);
int	act_bind(struct broker_call *c);

/*
 * broker-fd.c: the held-descriptor forms (c->req->fd >= 0) of open
 * (a new open of the same file, with no more access than the held one),
 * chmod/chown/utimens/truncate and attribute flags (w, or a descriptor
 * opened for writing) and exec (x on what the descriptor names).
 */
int	held_open(struct broker_call *c);
int	held_meta(struct broker_call *c);
int	held_attr(struct broker_call *c);
int	held_exec(struct broker_call *c);

/*
 * broker_check: resolve path @i of the request (following a final
 * symlink when @follow) and check @need on it.  On success
 * c->res->out[@i].dirfd is the verified parent.
 */
int	broker_check(struct broker_call *c, int i, int follow, unsigned need);

/*
 * broker_open_name: an O_PATH descriptor of out's final name, never
 * following it, and its fstat() in @st.
 */
int	broker_open_name(const struct resolve_out *out, struct stat *st);

/*
 * broker_meta: chmod, chown, utimens or truncate (c->req->op) of the
 * inode /proc/self/fd/N @proc names, whose fstat() is @st.
 */
int	broker_meta(struct broker_call *c, const char *proc,
		    const struct stat *st);

/* broker_mode: @mode as the broker gives it: no setuid, no setgid. */
mode_t	broker_mode(mode_t mode);

/* broker_is: 0 when @mode is of file @type, else -1 with errno @err. */
int	broker_is(mode_t mode, mode_t type, int err);

/* broker_proc_fd: "/proc/self/fd/@fd" into @buf (@len bytes). */
int	broker_proc_fd(int fd, char *buf, size_t len);

#endif /* FDBROKER_BROKER_OPS_H */
