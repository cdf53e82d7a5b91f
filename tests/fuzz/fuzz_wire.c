/* SPDX-License-Identifier: MIT */
/*
 * fuzz_wire.c: libFuzzer target for the native protocol (src/wire.c), the
 * first code a hostile child's bytes reach in the broker.  Every input is
 * given to wire_unpack_req() and wire_unpack_rep(), and the verdict is
 * compared with an independent reading of the rules in wire.h: a message
 * accepted that should not be is a hole, one refused that should not be is
 * a bug.  An accepted message must pack back to the same bytes.  The open
 * flags of the header also go through policy_open_need(), which the
 * broker calls next.  Owns nothing outside tests/fuzz/.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdbroker.h"
#include "fuzz.h"
#include "policy.h"
#include "wire.h"

#define PERMS_ALL	(FDB_R | FDB_W | FDB_C | FDB_X)

static int	req_valid(const uint8_t *data, size_t size);
static int	rep_valid(const uint8_t *data, size_t size, uint32_t op);
static void	check_req(const uint8_t *data, size_t size);
static void	check_rep(const uint8_t *data, size_t size, uint32_t op);
static void	check_open_need(int flags);

/*
 * The rules of wire.h, written again without looking at wire.c.  The op
 * list is FDB_OP_* of fdbroker.h; a new op belongs here too.
 */
static int
req_valid(const uint8_t *data, size_t size)
{
	struct wire_req h;
	const char *p;
	size_t plen, i;

	if (size <= sizeof(h) || size > sizeof(h) + WIRE_MAX_PATH)
		return 0;
	memcpy(&h, data, sizeof(h));
	if (h.version != WIRE_VERSION || h.op != FDB_OP_OPEN ||
	    h.dirfd != -1 || h.reserved != 0)
		return 0;
	p = (const char *)data + sizeof(h);
	plen = size - sizeof(h);
	if (plen < 2 || p[plen - 1] != '\0')
		return 0;
	for (i = 0; i + 1 < plen; i++)
		if (p[i] == '\0')
			return 0;
	return 1;
}

static int
rep_valid(const uint8_t *data, size_t size, uint32_t op)
{
	struct wire_rep r;

	if (size != sizeof(r))
		return 0;
	memcpy(&r, data, sizeof(r));
	return r.version == WIRE_VERSION && r.op == op && r.reserved == 0 &&
	    r.status >= 0 && r.status <= 4095;
}

static void
check_req(const uint8_t *data, size_t size)
{
	struct wire_req req;
	const char *path = NULL;
	char *again;
	long n;
	int ok;

	memset(&req, 0xa5, sizeof(req));
	errno = 0;
	ok = wire_unpack_req(data, size, &req, &path) == 0;
	if (!ok)
		FUZZ_ASSERT(errno == EPROTO);
	FUZZ_ASSERT(ok == req_valid(data, size));
	if (!ok)
		return;
	/* The path points into the message, and is all of its tail. */
	FUZZ_ASSERT(path == (const char *)data + sizeof(req));
	FUZZ_ASSERT(strlen(path) == size - sizeof(req) - 1);
	FUZZ_ASSERT(memcmp(&req, data, sizeof(req)) == 0);

	/* Packing it again gives the same bytes, and needs all of them. */
	if ((again = malloc(size)) == NULL)
		abort();
	n = wire_pack_req(again, size, req.op, req.flags, req.mode, path);
	FUZZ_ASSERT(n == (long)size);
	FUZZ_ASSERT(memcmp(again, data, size) == 0);
	errno = 0;
	n = wire_pack_req(again, size - 1, req.op, req.flags, req.mode, path);
	FUZZ_ASSERT(n == -1 && errno == EINVAL);
	free(again);
}

static void
check_rep(const uint8_t *data, size_t size, uint32_t op)
{
	struct wire_rep rep, again;
	int ok;

	memset(&rep, 0xa5, sizeof(rep));
	errno = 0;
	ok = wire_unpack_rep(data, size, op, &rep) == 0;
	if (!ok)
		FUZZ_ASSERT(errno == EPROTO);
	FUZZ_ASSERT(ok == rep_valid(data, size, op));
	if (!ok)
		return;
	wire_pack_rep(&again, op, rep.status);
	FUZZ_ASSERT(memcmp(&again, data, sizeof(again)) == 0);
}

/*
 * What the broker asks of the policy for these flags.  The security
 * property: anything that can write needs w, anything that can make an
 * entry needs c, and an access mode of 3 is refused (O_PATH aside).
 */
static void
check_open_need(int flags)
{
	unsigned f = (unsigned)flags, ex = 0xdead, nw = 0xdead;

	errno = 0;
	if (policy_open_need(flags, &ex, &nw) == -1) {
		FUZZ_ASSERT(errno == EINVAL);
		FUZZ_ASSERT(ex == 0xdead && nw == 0xdead);
		return;
	}
	FUZZ_ASSERT(ex != 0 && (ex & ~PERMS_ALL) == 0);
	FUZZ_ASSERT((nw & ~PERMS_ALL) == 0 && (nw & FDB_C) != 0);
	FUZZ_ASSERT((nw & ex) == ex);
	/*
	 * O_PATH: open(2) and openat(2) drop every other flag but three,
	 * the access mode included, so even a mode of 3 is harmless.
	 */
	if (f & O_PATH) {
		FUZZ_ASSERT(ex == FDB_R);
		return;
	}
	FUZZ_ASSERT((f & O_ACCMODE) != O_ACCMODE);
	if ((f & O_ACCMODE) != O_WRONLY)
		FUZZ_ASSERT(ex & FDB_R);
	if ((f & O_ACCMODE) != O_RDONLY || (f & (O_TRUNC | O_APPEND)))
		FUZZ_ASSERT(ex & FDB_W);
	if ((f & O_TMPFILE) == O_TMPFILE)
		FUZZ_ASSERT((ex & (FDB_W | FDB_C)) == (FDB_W | FDB_C));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_req h;
	uint32_t op;

	check_req(data, size);
	check_rep(data, size, FDB_OP_OPEN);
	/* As a reply to the op the input names, whatever it is. */
	if (size >= offsetof(struct wire_rep, op) + sizeof(op)) {
		memcpy(&op, data + offsetof(struct wire_rep, op), sizeof(op));
		check_rep(data, size, op);
	}
	if (size >= sizeof(h)) {
		memcpy(&h, data, sizeof(h));
		check_open_need(h.flags);
	}
	return 0;
}
