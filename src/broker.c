/* SPDX-License-Identifier: MIT */
/*
 * broker.c: the transport-agnostic core.  It owns the broker object, the
 * op table (what each operation needs and which function acts), and the
 * one path every request takes: act, put in the deny errno, report once.
 * The acts themselves are in broker-ops.c (paths) and broker-fd.c (held
 * descriptors and sockets); the transports own their descriptors; the
 * broker owns the loop they share.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "broker.h"
#include "broker-ops.h"
#include "fd.h"
#include "loop.h"
#include "policy.h"
#include "resolve.h"
#include "wire.h"

struct fdb_broker {
	const struct fdb_policy *policy;
	struct loop *loop;
	fdb_decision_fn hook;
	void *hook_arg;
	pthread_mutex_t hook_lock;	/* one hook call at a time */
	int deny_errno;
	int net;
	const struct remap_set *remap;
	char cwd[PATH_MAX];
	unsigned char buf[WIRE_REQ_MAX];	/* transports' scratch */
};

/*
 * The op table, after OpenSSH's mon_table: per operation, its name, what
 * it needs on each path (0 for open and access: their flags decide), and
 * whether what it makes takes the requester's umask.
 */
struct op_def {
	const char *name;
	broker_act_fn act;
	unsigned need, need2;
	int creates;
};

static const struct op_def ops[BROKER_NOPS] = {
	[BROKER_OPEN] = { "open", act_open, 0, 0, 1 },
	[BROKER_STAT] = { "stat", act_stat, FDB_R, 0, 0 },
	[BROKER_STATX] = { "statx", act_statx, FDB_R, 0, 0 },
	[BROKER_ACCESS] = { "access", act_access, 0, 0, 0 },
	[BROKER_READLINK] = { "readlink", act_readlink, FDB_R, 0, 0 },
	[BROKER_MKDIR] = { "mkdir", act_mkdir, FDB_C, 0, 1 },
	[BROKER_MKNOD] = { "mknod", act_mknod, FDB_C, 0, 1 },
	[BROKER_UNLINK] = { "unlink", act_unlink, FDB_C, 0, 0 },
	[BROKER_RENAME] = { "rename", act_rename, FDB_C, FDB_C, 0 },
	[BROKER_LINK] = { "link", act_link, FDB_R, FDB_C, 0 },
	[BROKER_SYMLINK] = { "symlink", act_symlink, FDB_C, 0, 0 },
	[BROKER_CHMOD] = { "chmod", act_chmod, FDB_W, 0, 0 },
	[BROKER_CHOWN] = { "chown", act_chown, FDB_W, 0, 0 },
	[BROKER_TRUNCATE] = { "truncate", act_truncate, FDB_W, 0, 0 },
	[BROKER_UTIMENS] = { "utimens", act_utimens, FDB_W, 0, 0 },
	[BROKER_CHDIR] = { "chdir", act_chdir, FDB_R, 0, 0 },
	[BROKER_EXEC] = { "exec", act_exec, FDB_X, 0, 0 },
	[BROKER_CONNECT] = { "connect", act_connect, FDB_R | FDB_W, 0, 0 },
	[BROKER_BIND] = { "bind", act_bind, FDB_C, 0, 1 },
	[BROKER_STATFS] = { "statfs", act_statfs, FDB_R, 0, 0 },
	[BROKER_WATCH] = { "watch", act_watch, FDB_R, 0, 0 },
	[BROKER_FSATTR] = { "fsattr", held_attr, FDB_W, 0, 0 },
};

static void	 call_init(struct broker_call *c, struct fdb_broker *b,
		    const struct broker_req *req, struct broker_res *res);
static int	 absent(struct broker_call *c);
static int	 act(struct broker_call *c);
static void	 report(struct fdb_broker *b, const struct broker_req *req,
		    const struct broker_res *res);

FDB_API struct fdb_broker *
fdb_broker_new(const struct fdb_policy *policy)
{
	struct fdb_broker *b;

	if (policy == NULL) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->policy = policy;
	b->deny_errno = EACCES;
	if (getcwd(b->cwd, sizeof(b->cwd)) == NULL ||
	    (b->loop = loop_new()) == NULL) {
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->hook_lock, NULL);
	return b;
}

FDB_API void
fdb_broker_free(struct fdb_broker *b)
{
	int save_errno = errno;

	if (b == NULL)
		return;
	loop_free(b->loop);
	pthread_mutex_destroy(&b->hook_lock);
	free(b);
	errno = save_errno;
}

FDB_API void
fdb_broker_set_hook(struct fdb_broker *b, fdb_decision_fn fn, void *arg)
{
	b->hook = fn;
	b->hook_arg = arg;
}

FDB_API int
fdb_broker_set_deny_errno(struct fdb_broker *b, int err)
{
	if (err <= 0 || err >= 4096) {
		errno = EINVAL;
		return -1;
	}
	b->deny_errno = err;
	return 0;
}

void
broker_set_net(struct fdb_broker *b, int allow)
{
	b->net = allow != 0;
}

void
broker_set_remap(struct fdb_broker *b, const struct remap_set *s)
{
	b->remap = s;
}

FDB_API int
fdb_broker_open(struct fdb_broker *b, pid_t pid, const char *path, int flags,
		mode_t mode)
{
	struct broker_req req;
	struct broker_res res;

	if (b == NULL || path == NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.op = BROKER_OPEN;
	req.who.pid = pid > 0 ? pid : getpid();
	req.path[0] = path;
	req.fd = -1;
	req.flags = req.open_flags = flags;
	req.mode = mode;
	req.umask = BROKER_OWN_UMASK;
	return broker_do(b, &req, &res) == 0 ? res.fd : -1;
}

int
broker_do(struct fdb_broker *b, const struct broker_req *req,
	  struct broker_res *res)
{
	struct broker_call c;
	int rc;

	call_init(&c, b, req, res);
	if ((unsigned)req->op >= BROKER_NOPS) {
		errno = EINVAL;
		rc = -1;
	} else if (absent(&c)) {
		errno = ENOENT;
		rc = -1;
	} else
		rc = act(&c);
	res->err = rc == -1 ? (errno != 0 ? errno : EIO) : 0;
	/* A refusal by the policy fails, whatever the act said: fail closed. */
	if (res->out[0].denied || res->out[1].denied) {
		res->err = b->deny_errno;
		/*
		 * But mkdir's ENOENT says a directory on the way is missing:
		 * mkdir -p walks (node's) then make the parent, get EEXIST
		 * and try again, for ever.  A refused mkdir says EACCES.
		 */
		if (req->op == BROKER_MKDIR && res->err == ENOENT)
			res->err = EACCES;
		res->fd = fd_close(res->fd);
	}
	res->out[0].dirfd = fd_close(res->out[0].dirfd);
	res->out[1].dirfd = fd_close(res->out[1].dirfd);
	/* A request in progress is reported when it ends. */
	res->pending = res->pending && res->err == EINPROGRESS;
	if (!res->pending)
		report(b, req, res);
	errno = res->err;
	return res->err != 0 ? -1 : 0;
}

static void
call_init(struct broker_call *c, struct fdb_broker *b,
	  const struct broker_req *req, struct broker_res *res)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->policy = b->policy;
	c->req = req;
	c->res = res;
	c->net = b->net;
	res->err = 0;
	res->fd = -1;
	res->val = 0;
	res->pending = 0;
	for (i = 0; i < 2; i++) {
		memset(&res->out[i], 0, sizeof(res->out[i]));
		res->out[i].dirfd = -1;
		c->ctx[i].policy = b->policy;
		c->ctx[i].who = &req->who;
		c->ctx[i].remap = b->remap;
		c->ctx[i].wait_fifo = req->wait_fifo;
		/* A relative path from nowhere in particular: the broker's. */
		c->ctx[i].base = req->base[i] != NULL ? req->base[i] : b->cwd;
	}
}

/*
 * A path under an absent rule (FDB_ABSENT) answers ENOENT before any
 * lookup, whatever is there: nothing is touched, nothing learnt.  The
 * path is read lexically, from the root or the request's base; reached
 * any other way (through a link), it is an ungranted path, refused.
 * Returns 1 when a path of the request is absent (its rule noted).
 */
static int
absent(struct broker_call *c)
{
	char lex[2 * PATH_MAX + 2];
	const struct policy_rule *r;
	const char *path;
	int i;

	for (i = 0; i < 2; i++) {
		if ((path = c->req->path[i]) == NULL)
			continue;
		if (path[0] != '/') {
			snprintf(lex, sizeof(lex), "%s/%s", c->ctx[i].base,
				 path);
			path = lex;
		}
		if (policy_normalise(path, c->res->out[i].path,
				     sizeof(c->res->out[i].path)) == -1)
			continue;
		r = policy_match(c->policy, c->res->out[i].path);
		if (r != NULL && r->absent) {
			c->res->out[i].rule = r;
			return 1;
		}
		c->res->out[i].path[0] = '\0';
	}
	return 0;
}

/*
 * The act, in the requester's umask when it creates something.  The
 * umask belongs to the calling thread's file system context: the
 * notify transport's threads each have their own (unshare(CLONE_FS)).
 */
static int
act(struct broker_call *c)
{
	const struct broker_req *req = c->req;
	const struct op_def *d = &ops[req->op];
	mode_t old = 0;
	int rc, swap;

	swap = d->creates && req->umask != BROKER_OWN_UMASK &&
	    (req->op != BROKER_OPEN || (req->flags & (O_CREAT | O_TMPFILE)));
	if (swap)
		old = umask(req->umask & 0777);
	rc = d->act(c);
	if (swap) {
		int save_errno = errno;

		umask(old);
		errno = save_errno;
	}
	return rc;
}

unsigned
broker_need(enum broker_op op, int flags, int amode, unsigned *need2)
{
	unsigned existing, created;

	*need2 = (unsigned)op < BROKER_NOPS ? ops[op].need2 : 0;
	if (op == BROKER_OPEN) {
		if (policy_open_need(flags, &existing, &created) == -1)
			return FDB_R;
		return (flags & O_CREAT) ? created : existing;
	}
	/* X_OK needs x on files only, which the act finds out. */
	if (op == BROKER_ACCESS)
		return FDB_R | (amode & W_OK ? FDB_W : 0);
	return (unsigned)op < BROKER_NOPS ? ops[op].need : 0;
}

const char *
broker_op_name(enum broker_op op)
{
	return (unsigned)op < BROKER_NOPS ? ops[op].name : "?";
}

/*
 * The one record of a request: what was asked, what it resolved to, and
 * what the requester got.  A refusal names the rule of the path refused,
 * an absent path its absent rule.
 */
static void
report(struct fdb_broker *b, const struct broker_req *req,
       const struct broker_res *res)
{
	const struct resolve_out *o = res->out[1].denied ||
	    (res->out[1].rule != NULL && res->out[1].rule->absent) ?
	    &res->out[1] : &res->out[0];
	struct fdb_decision d;
	int save_errno = errno;

	if (b->hook == NULL)
		return;
	memset(&d, 0, sizeof(d));
	d.pid = req->who.pid;
	d.op = req->call != NULL ? req->call : broker_op_name(req->op);
	d.path = req->path[0];
	d.path2 = req->path[1];
	d.resolved = res->out[0].path[0] != '\0' ? res->out[0].path : NULL;
	d.resolved2 = res->out[1].path[0] != '\0' ? res->out[1].path : NULL;
	d.flags = req->flags;
	d.allowed = !res->out[0].denied && !res->out[1].denied;
	d.error = res->err;
	if (o->rule != NULL) {
		d.rule = o->rule->path;
		d.rule_perms = o->rule->absent ? FDB_ABSENT : o->rule->perms;
	}
	d.need = broker_need(req->op, req->flags, req->arg.amode, &d.need2);
	/*
	 * The notify transport serves from several threads: the hook's
	 * state (a log, counters, --learn) is the hook's own, so calls
	 * come one at a time.  Nothing here touches a requester.
	 */
	pthread_mutex_lock(&b->hook_lock);
	b->hook(&d, b->hook_arg);
	pthread_mutex_unlock(&b->hook_lock);
	errno = save_errno;
}

void
broker_later_keep(struct broker_later *l, const struct broker_req *req,
		  const struct broker_res *res)
{
	l->op = req->op;
	l->call = req->call;
	l->pid = req->who.pid;
	l->flags = req->flags;
	l->open_flags = req->open_flags;
	snprintf(l->path, sizeof(l->path), "%s",
	    req->path[0] != NULL ? req->path[0] : "");
	l->out = res->out[0];
	l->out.dirfd = -1;
}

void
broker_report_later(struct fdb_broker *b, const struct broker_later *l,
		    int err)
{
	struct broker_req req;
	struct broker_res res;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	req.op = l->op;
	req.call = l->call;
	req.who.pid = l->pid;
	req.flags = l->flags;
	req.open_flags = l->open_flags;
	req.path[0] = l->path[0] != '\0' ? l->path : NULL;
	res.err = err;
	res.out[0] = l->out;
	res.fd = res.out[1].dirfd = -1;
	report(b, &req, &res);
}

const struct fdb_policy *
broker_policy(const struct fdb_broker *b)
{
	return b->policy;
}

struct loop *
broker_loop(struct fdb_broker *b)
{
	return b->loop;
}

void *
broker_buffer(struct fdb_broker *b)
{
	return b->buf;
}
