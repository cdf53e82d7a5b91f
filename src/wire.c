/* SPDX-License-Identifier: MIT */
/*
 * wire.c: packing and validation of the native protocol's messages.
 * Pure: no system calls, no allocation.  wire_unpack_req() is the first
 * code a hostile child's bytes reach, so it trusts nothing: every length,
 * terminator and reserved field is checked before anything is used, and
 * the buffer is read with memcpy() only, as it may be unaligned.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fdbroker.h"
#include "wire.h"

/* The operations the protocol knows; anything else is fatal to a channel. */
static const uint32_t wire_ops[] = {
	FDB_OP_OPEN,
};

static int	op_known(uint32_t op);

static int
op_known(uint32_t op)
{
	size_t i;

	for (i = 0; i < sizeof(wire_ops) / sizeof(wire_ops[0]); i++) {
		if (wire_ops[i] == op)
			return 1;
	}
	return 0;
}

long
wire_pack_req(void *buf, size_t buflen, uint32_t op, int flags,
	      uint32_t mode, const char *path)
{
	struct wire_req req;
	size_t plen;

	if (buf == NULL || path == NULL || path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	/* strnlen: never scan further than the longest path we could send. */
	plen = strnlen(path, WIRE_MAX_PATH);
	if (plen >= WIRE_MAX_PATH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (buflen < sizeof(req) + plen + 1) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.version = WIRE_VERSION;
	req.op = op;
	req.flags = flags;
	req.mode = mode;
	req.dirfd = -1;
	req.reserved = 0;
	memcpy(buf, &req, sizeof(req));
	memcpy((char *)buf + sizeof(req), path, plen + 1);
	return (long)(sizeof(req) + plen + 1);
}

int
wire_unpack_req(const void *buf, size_t len, struct wire_req *req,
		const char **path)
{
	struct wire_req r;
	const char *p;
	size_t plen;

	/* The bound comes first: nothing past WIRE_REQ_MAX is ever read. */
	if (buf == NULL || len <= sizeof(r) || len > WIRE_REQ_MAX)
		goto bad;
	memcpy(&r, buf, sizeof(r));
	if (r.version != WIRE_VERSION || !op_known(r.op))
		goto bad;
	if (r.dirfd != -1 || r.reserved != 0)
		goto bad;
	p = (const char *)buf + sizeof(r);
	plen = len - sizeof(r);
	/*
	 * The one NUL must be the last byte: a path with an embedded NUL
	 * would be checked as one string and could be logged as another.
	 */
	if (plen < 2 || memchr(p, '\0', plen) != p + plen - 1)
		goto bad;
	*req = r;
	*path = p;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

void
wire_pack_rep(struct wire_rep *rep, uint32_t op, int status)
{
	memset(rep, 0, sizeof(*rep));
	rep->version = WIRE_VERSION;
	rep->op = op;
	rep->status = status;
	rep->reserved = 0;
}

int
wire_unpack_rep(const void *buf, size_t len, uint32_t op,
		struct wire_rep *rep)
{
	struct wire_rep r;

	if (buf == NULL || len != sizeof(r))
		goto bad;
	memcpy(&r, buf, sizeof(r));
	if (r.version != WIRE_VERSION || r.op != op || r.reserved != 0)
		goto bad;
	if (r.status < 0 || r.status > 4095)
		goto bad;
	*rep = r;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}
