/* SPDX-License-Identifier: MIT */
/*
 * broker.h: the transport-agnostic core.  Every request, whichever
 * transport carried it, goes through broker_open(): policy, resolver and
 * decision hook, in that order.  struct fdb_broker is defined in broker.c.
 */
#ifndef FDBROKER_BROKER_H
#define FDBROKER_BROKER_H

#include <sys/types.h>

#include "fdbroker.h"
#include "resolve.h"

struct loop;

struct broker_req {
	pid_t pid;		/* requester tgid (0: unknown) */
	pid_t tid;		/* requester thread (0: same as pid) */
	pid_t (*pid_fn)(void *arg);	/* see struct resolve_ctx; or NULL */
	void *pid_arg;
	const char *op;		/* operation name, for the hook */
	const char *path;	/* as asked */
	const char *base;	/* directory for relative paths; NULL: broker's */
	int flags;
	mode_t mode;
};

/*
 * broker_open: decide and open @req for its requester.  Returns a new
 * O_CLOEXEC descriptor, or -1 with errno; denials use the deny errno.
 */
int broker_open(struct fdb_broker *b, const struct broker_req *req);

/*
 * broker_report: hand a decision to the hook, if any.  @out may be NULL
 * (request refused before resolution).  @err is 0 when allowed.
 */
void broker_report(struct fdb_broker *b, const struct broker_req *req,
		   const struct resolve_out *out, int err);

/* broker_ctx: the resolver's context for @req. */
void broker_ctx(const struct fdb_broker *b, const struct broker_req *req,
		struct resolve_ctx *ctx);

/* broker_loop: the loop every transport of @b registers its fds with. */
struct loop *broker_loop(struct fdb_broker *b);

/* broker_buffer: a scratch buffer of WIRE_REQ_MAX bytes, for transports. */
void *broker_buffer(struct fdb_broker *b);

#endif /* FDBROKER_BROKER_H */
