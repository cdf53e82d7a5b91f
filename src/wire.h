/* SPDX-License-Identifier: MIT */
/*
 * wire.h: the native protocol, one SOCK_SEQPACKET message a request and a
 * reply.  Pure: no system calls.  These functions are what a hostile child
 * reaches first, so every length and terminator is checked here.
 *
 * request = struct wire_req, then the path, NUL-terminated, no other NUL
 * reply   = struct wire_rep; on success one descriptor in SCM_RIGHTS
 */
#ifndef FDBROKER_WIRE_H
#define FDBROKER_WIRE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION	1u
#define WIRE_MAX_PATH	PATH_MAX	/* bytes of path, NUL included */

struct wire_req {
	uint32_t version;
	uint32_t op;		/* FDB_OP_* */
	int32_t flags;		/* open(2) flags */
	uint32_t mode;		/* creation mode */
	int32_t dirfd;		/* reserved for *at operations: must be -1 */
	uint32_t reserved;	/* must be 0 */
};

struct wire_rep {
	uint32_t version;
	uint32_t op;		/* the request's op */
	int32_t status;		/* 0, or a positive errno */
	uint32_t reserved;	/* must be 0 */
};

#define WIRE_REQ_MAX	(sizeof(struct wire_req) + WIRE_MAX_PATH)

/*
 * wire_pack_req: write a request for @path into @buf (@buflen bytes,
 * WIRE_REQ_MAX is always enough).  Returns the message length, or -1 with
 * ENAMETOOLONG (path of WIRE_MAX_PATH bytes or more), EINVAL (empty path,
 * @buf too small).
 */
long wire_pack_req(void *buf, size_t buflen, uint32_t op, int flags,
		   uint32_t mode, const char *path);

/*
 * wire_unpack_req: validate the @len bytes at @buf as a request; on
 * success fill @req and point *@path into @buf.  Returns 0, or -1 with
 * EPROTO for any malformed message: too short or too long, wrong version,
 * unknown op, reserved fields set, path empty, not NUL-terminated or with
 * an embedded NUL.
 */
int wire_unpack_req(const void *buf, size_t len, struct wire_req *req,
		    const char **path);

/* wire_pack_rep: fill @rep as the answer to @op with @status (0 or errno). */
void wire_pack_rep(struct wire_rep *rep, uint32_t op, int status);

/*
 * wire_unpack_rep: validate a reply of @len bytes to a request for @op.
 * Returns 0, or -1 with EPROTO (wrong length, version or op, reserved
 * field set, status negative or over 4095).
 */
int wire_unpack_rep(const void *buf, size_t len, uint32_t op,
		    struct wire_rep *rep);

#endif /* FDBROKER_WIRE_H */
