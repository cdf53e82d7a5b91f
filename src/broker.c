/* SPDX-License-Identifier: MIT */
/*
 * broker.c: the transport-agnostic core.  A request from any transport
 * becomes a struct broker_req; broker_open() runs it through the resolver
 * (which consults the policy) and reports the decision to the hook.  The
 * transports own their descriptors; the broker owns the loop they share.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "broker.h"
#include "loop.h"
#include "resolve.h"
#include "wire.h"

struct fdb_broker {
	const struct fdb_policy *policy;
	struct loop *loop;
	fdb_decision_fn hook;
	void *hook_arg;
	int deny_errno;
	char cwd[PATH_MAX];
	unsigned char buf[WIRE_REQ_MAX];	/* transports' scratch */
};

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
	return b;
}

FDB_API void
fdb_broker_free(struct fdb_broker *b)
{
	int save_errno = errno;

	if (b == NULL)
		return;
	loop_free(b->loop);
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

FDB_API int
fdb_broker_open(struct fdb_broker *b, pid_t pid, const char *path, int flags,
		mode_t mode)
{
	struct broker_req req = {
		.pid = pid > 0 ? pid : getpid(),
		.op = "open",
		.path = path,
		.flags = flags,
		.mode = mode,
	};

	if (b == NULL || path == NULL) {
		errno = EINVAL;
		return -1;
	}
	return broker_open(b, &req);
}

int
broker_open(struct fdb_broker *b, const struct broker_req *req)
{
	struct resolve_ctx ctx;
	struct resolve_out out;
	int fd, err;

	broker_ctx(b, req, &ctx);
	/* The library's requests are relative to the broker's cwd. */
	if (ctx.base == NULL)
		ctx.base = b->cwd;
	fd = resolve_open(&ctx, req->path, req->flags, req->mode, &out);
	err = fd == -1 ? (out.denied ? b->deny_errno : errno) : 0;
	broker_report(b, req, &out, err);
	errno = err;
	return fd;
}

void
broker_ctx(const struct fdb_broker *b, const struct broker_req *req,
	   struct resolve_ctx *ctx)
{
	ctx->policy = b->policy;
	ctx->pid = req->pid;
	ctx->tid = req->tid ? req->tid : req->pid;
	ctx->pid_fn = req->pid_fn;
	ctx->pid_arg = req->pid_arg;
	ctx->base = req->base;
}

void
broker_report(struct fdb_broker *b, const struct broker_req *req,
	      const struct resolve_out *out, int err)
{
	struct fdb_decision d = {
		.pid = req->pid,
		.op = req->op,
		.path = req->path,
		.flags = req->flags,
		.error = err,
	};
	int save_errno = errno;

	if (b->hook == NULL)
		return;
	/* A policy decision; a request it allowed may still fail (ENOENT). */
	d.allowed = out != NULL ? !out->denied : err == 0;
	if (out != NULL && out->path[0] != '\0')
		d.resolved = out->path;
	if (out != NULL && out->rule != NULL) {
		d.rule = out->rule->path;
		d.rule_perms = out->rule->perms;
	}
	b->hook(&d, b->hook_arg);
	errno = save_errno;
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
