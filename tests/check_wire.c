/* SPDX-License-Identifier: MIT */
/*
 * check_wire.c: the native protocol's packing and validation (wire.c).
 * Every malformed request a hostile child could send must be refused with
 * EPROTO, and every well-formed one must round-trip unchanged.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check-run.h"
#include "fdbroker.h"
#include "wire.h"

/* Room for the largest request plus slack to build oversized ones. */
#define BUFSZ	(WIRE_REQ_MAX + 64)

static unsigned char *buf;

static void	setup(void);
static void	teardown(void);
static size_t	raw_req(unsigned char *out, uint32_t version, uint32_t op,
		    int32_t dirfd, uint32_t reserved, const char *path,
		    size_t pathlen);
static void	expect_eproto(const void *msg, size_t len);

static void
setup(void)
{
	buf = calloc(1, BUFSZ);
	ck_assert_ptr_nonnull(buf);
}

static void
teardown(void)
{
	free(buf);
	buf = NULL;
}

/* A request built by hand, so that each field can be made wrong. */
static size_t
raw_req(unsigned char *out, uint32_t version, uint32_t op, int32_t dirfd,
	uint32_t reserved, const char *path, size_t pathlen)
{
	struct wire_req r;

	memset(&r, 0, sizeof(r));
	r.version = version;
	r.op = op;
	r.flags = O_RDONLY;
	r.mode = 0;
	r.dirfd = dirfd;
	r.reserved = reserved;
	memcpy(out, &r, sizeof(r));
	memcpy(out + sizeof(r), path, pathlen);
	return sizeof(r) + pathlen;
}

static void
expect_eproto(const void *msg, size_t len)
{
	struct wire_req req, before;
	const char *path = (const char *)&req;

	memset(&req, 0xa5, sizeof(req));
	before = req;
	errno = 0;
	ck_assert_int_eq(wire_unpack_req(msg, len, &req, &path), -1);
	ck_assert_int_eq(errno, EPROTO);
	/* A refused message must leave the outputs alone. */
	ck_assert_mem_eq(&req, &before, sizeof(req));
	ck_assert_ptr_eq(path, (const char *)&req);
}

/* --- pack / unpack round trips ------------------------------------- */

static const struct {
	const char *path;
	int flags;
	uint32_t mode;
} round_trips[] = {
	{ "/", O_RDONLY, 0 },
	{ "/etc/passwd", O_RDONLY | O_CLOEXEC, 0 },
	{ "relative/file", O_WRONLY | O_CREAT | O_TRUNC, 0644 },
	{ "/tmp/x y\tz", O_RDWR | O_APPEND | O_NOFOLLOW, 0600 },
	{ "\xff\xfe non-ASCII", O_PATH | O_DIRECTORY, 07777 },
	{ "a", -1, UINT32_MAX },
};

START_TEST(test_wire_pack_req_round_trip)
{
	struct wire_req req;
	const char *path = NULL;
	const char *in = round_trips[_i].path;
	long len;

	len = wire_pack_req(buf, BUFSZ, FDB_OP_OPEN, round_trips[_i].flags,
			    round_trips[_i].mode, in);
	ck_assert_int_eq(len, (long)(sizeof(struct wire_req) + strlen(in) + 1));
	ck_assert_int_eq(wire_unpack_req(buf, (size_t)len, &req, &path), 0);
	ck_assert_uint_eq(req.version, WIRE_VERSION);
	ck_assert_uint_eq(req.op, FDB_OP_OPEN);
	ck_assert_int_eq(req.flags, round_trips[_i].flags);
	ck_assert_uint_eq(req.mode, round_trips[_i].mode);
	ck_assert_int_eq(req.dirfd, -1);
	ck_assert_uint_eq(req.reserved, 0);
	ck_assert_str_eq(path, in);
	/* The path points into the message, not into a copy. */
	ck_assert_ptr_eq(path, (const char *)buf + sizeof(struct wire_req));
}
END_TEST

START_TEST(test_wire_unpack_req_unaligned)
{
	struct wire_req req;
	const char *path = NULL;
	long len;

	/* An odd address: unpacking must not rely on alignment (UBSan). */
	len = wire_pack_req(buf + 1, BUFSZ - 1, FDB_OP_OPEN, O_RDONLY, 0,
			    "/odd");
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(wire_unpack_req(buf + 1, (size_t)len, &req, &path),
			 0);
	ck_assert_str_eq(path, "/odd");
}
END_TEST

/* --- pack limits ------------------------------------------------------ */

START_TEST(test_wire_pack_req_longest_path)
{
	struct wire_req req;
	const char *got = NULL;
	char *path = malloc(WIRE_MAX_PATH);
	long len;

	ck_assert_ptr_nonnull(path);
	memset(path, 'a', WIRE_MAX_PATH - 1);
	path[0] = '/';
	path[WIRE_MAX_PATH - 1] = '\0';
	len = wire_pack_req(buf, BUFSZ, FDB_OP_OPEN, O_RDONLY, 0, path);
	ck_assert_int_eq(len, (long)WIRE_REQ_MAX);
	ck_assert_int_eq(wire_unpack_req(buf, (size_t)len, &req, &got), 0);
	ck_assert_str_eq(got, path);
	free(path);
}
END_TEST

START_TEST(test_wire_pack_req_path_too_long)
{
	char *path = malloc(WIRE_MAX_PATH + 1);

	ck_assert_ptr_nonnull(path);
	memset(path, 'a', WIRE_MAX_PATH);
	path[0] = '/';
	path[WIRE_MAX_PATH] = '\0';
	errno = 0;
	ck_assert_int_eq(wire_pack_req(buf, BUFSZ, FDB_OP_OPEN, O_RDONLY, 0,
				       path), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	free(path);
}
END_TEST

START_TEST(test_wire_pack_req_buffer_exact)
{
	/* Header + "/a" + NUL fits exactly. */
	ck_assert_int_eq(wire_pack_req(buf, sizeof(struct wire_req) + 3,
				       FDB_OP_OPEN, O_RDONLY, 0, "/a"),
			 (long)sizeof(struct wire_req) + 3);
}
END_TEST

START_TEST(test_wire_pack_req_buffer_short)
{
	/* One byte short: the NUL would not fit. */
	memset(buf, 0x5a, BUFSZ);
	errno = 0;
	ck_assert_int_eq(wire_pack_req(buf, sizeof(struct wire_req) + 2,
				       FDB_OP_OPEN, O_RDONLY, 0, "/a"), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Nothing written past the buffer it was given. */
	ck_assert_uint_eq(buf[sizeof(struct wire_req) + 2], 0x5a);
}
END_TEST

START_TEST(test_wire_pack_req_valid_path)
{
	ck_assert_int_gt(wire_pack_req(buf, BUFSZ, FDB_OP_OPEN, 0, 0, "x"), 0);
}
END_TEST

START_TEST(test_wire_pack_req_empty_path)
{
	errno = 0;
	ck_assert_int_eq(wire_pack_req(buf, BUFSZ, FDB_OP_OPEN, 0, 0, ""), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(wire_pack_req(buf, BUFSZ, FDB_OP_OPEN, 0, 0, NULL),
			 -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* --- unpack: malformed requests ------------------------------------- */

enum bad_req {
	BAD_EMPTY,		/* zero bytes */
	BAD_SHORT_HEADER,	/* part of a header */
	BAD_HEADER_ONLY,	/* no path at all */
	BAD_ONE_BYTE_SHORT,	/* valid message less its last byte */
	BAD_OVERSIZE,		/* one byte more than WIRE_REQ_MAX */
	BAD_VERSION_0,
	BAD_VERSION_2,
	BAD_OP_0,
	BAD_OP_2,
	BAD_OP_MAX,
	BAD_RESERVED,
	BAD_RESERVED_HIGH,
	BAD_DIRFD_0,
	BAD_DIRFD_CWD,		/* AT_FDCWD */
	BAD_NO_NUL,
	BAD_EMBEDDED_NUL,
	BAD_EMPTY_PATH,		/* a lone NUL */
	BAD_TWO_NULS,		/* "/a" then NUL NUL */
	BAD_COUNT
};

START_TEST(test_wire_unpack_req_malformed)
{
	size_t len = 0;
	unsigned char *m = buf;

	switch ((enum bad_req)_i) {
	case BAD_EMPTY:
		len = 0;
		break;
	case BAD_SHORT_HEADER:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "", 0) - 1;
		break;
	case BAD_HEADER_ONLY:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "", 0);
		break;
	case BAD_ONE_BYTE_SHORT:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "/a", 3) - 1;
		break;
	case BAD_OVERSIZE:
		memset(m, 'a', BUFSZ);
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "/", 1);
		len = WIRE_REQ_MAX + 1;
		m[len - 1] = '\0';
		break;
	case BAD_VERSION_0:
		len = raw_req(m, 0, FDB_OP_OPEN, -1, 0, "/a", 3);
		break;
	case BAD_VERSION_2:
		len = raw_req(m, WIRE_VERSION + 1, FDB_OP_OPEN, -1, 0, "/a", 3);
		break;
	case BAD_OP_0:
		len = raw_req(m, WIRE_VERSION, 0, -1, 0, "/a", 3);
		break;
	case BAD_OP_2:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN + 1, -1, 0, "/a", 3);
		break;
	case BAD_OP_MAX:
		len = raw_req(m, WIRE_VERSION, UINT32_MAX, -1, 0, "/a", 3);
		break;
	case BAD_RESERVED:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 1, "/a", 3);
		break;
	case BAD_RESERVED_HIGH:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0x80000000u,
			      "/a", 3);
		break;
	case BAD_DIRFD_0:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, 0, 0, "/a", 3);
		break;
	case BAD_DIRFD_CWD:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, AT_FDCWD, 0, "/a",
			      3);
		break;
	case BAD_NO_NUL:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "/abc", 4);
		break;
	case BAD_EMBEDDED_NUL:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0,
			      "/ok\0/etc/shadow", 16);
		break;
	case BAD_EMPTY_PATH:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "", 1);
		break;
	case BAD_TWO_NULS:
		len = raw_req(m, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "/a\0", 4);
		break;
	case BAD_COUNT:
		ck_abort();
	}
	expect_eproto(m, len);
}
END_TEST

START_TEST(test_wire_unpack_req_wellformed)
{
	struct wire_req req;
	const char *path = NULL;
	size_t len;

	/* The same builder as the malformed cases, with nothing wrong. */
	len = raw_req(buf, WIRE_VERSION, FDB_OP_OPEN, -1, 0, "/a", 3);
	ck_assert_int_eq(wire_unpack_req(buf, len, &req, &path), 0);
	ck_assert_str_eq(path, "/a");
}
END_TEST

START_TEST(test_wire_unpack_req_null)
{
	struct wire_req req;
	const char *path;

	errno = 0;
	ck_assert_int_eq(wire_unpack_req(NULL, 20, &req, &path), -1);
	ck_assert_int_eq(errno, EPROTO);
}
END_TEST

/* --- replies -------------------------------------------------------- */

static const int rep_status[] = { 0, EACCES, ENOENT, ENAMETOOLONG, 4095 };

START_TEST(test_wire_pack_rep_round_trip)
{
	struct wire_rep rep, out;

	wire_pack_rep(&rep, FDB_OP_OPEN, rep_status[_i]);
	memset(&out, 0xa5, sizeof(out));
	ck_assert_int_eq(wire_unpack_rep(&rep, sizeof(rep), FDB_OP_OPEN, &out),
			 0);
	ck_assert_uint_eq(out.version, WIRE_VERSION);
	ck_assert_uint_eq(out.op, FDB_OP_OPEN);
	ck_assert_int_eq(out.status, rep_status[_i]);
	ck_assert_uint_eq(out.reserved, 0);
}
END_TEST

enum bad_rep {
	BADREP_EMPTY,
	BADREP_SHORT,
	BADREP_LONG,
	BADREP_VERSION,
	BADREP_OP,
	BADREP_RESERVED,
	BADREP_NEGATIVE,
	BADREP_HUGE,
	BADREP_COUNT
};

START_TEST(test_wire_unpack_rep_malformed)
{
	struct wire_rep rep, out, before;
	size_t len = sizeof(rep);
	uint32_t op = FDB_OP_OPEN;

	wire_pack_rep(&rep, FDB_OP_OPEN, 0);
	switch ((enum bad_rep)_i) {
	case BADREP_EMPTY:
		len = 0;
		break;
	case BADREP_SHORT:
		len = sizeof(rep) - 1;
		break;
	case BADREP_LONG:
		len = sizeof(rep) + 1;
		break;
	case BADREP_VERSION:
		rep.version = WIRE_VERSION + 1;
		break;
	case BADREP_OP:
		op = FDB_OP_OPEN + 1;
		break;
	case BADREP_RESERVED:
		rep.reserved = 1;
		break;
	case BADREP_NEGATIVE:
		rep.status = -EACCES;
		break;
	case BADREP_HUGE:
		rep.status = 4096;
		break;
	case BADREP_COUNT:
		ck_abort();
	}
	memcpy(buf, &rep, sizeof(rep));
	memset(&out, 0x5a, sizeof(out));
	before = out;
	errno = 0;
	ck_assert_int_eq(wire_unpack_rep(buf, len, op, &out), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_mem_eq(&out, &before, sizeof(out));
}
END_TEST

START_TEST(test_wire_unpack_rep_unaligned)
{
	struct wire_rep rep, out;

	wire_pack_rep(&rep, FDB_OP_OPEN, ENOENT);
	memcpy(buf + 1, &rep, sizeof(rep));
	ck_assert_int_eq(wire_unpack_rep(buf + 1, sizeof(rep), FDB_OP_OPEN,
					 &out), 0);
	ck_assert_int_eq(out.status, ENOENT);
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc;

	tc = tcase_create("pack");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_wire_pack_req_round_trip, 0,
			    sizeof(round_trips) / sizeof(round_trips[0]));
	tcase_add_test(tc, test_wire_unpack_req_unaligned);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wire_pack_req_longest_path);
	tcase_add_test(tc, test_wire_pack_req_path_too_long);
	tcase_add_test(tc, test_wire_pack_req_buffer_exact);
	tcase_add_test(tc, test_wire_pack_req_buffer_short);
	tcase_add_test(tc, test_wire_pack_req_valid_path);
	tcase_add_test(tc, test_wire_pack_req_empty_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("unpack");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wire_unpack_req_wellformed);
	tcase_add_loop_test(tc, test_wire_unpack_req_malformed, 0, BAD_COUNT);
	tcase_add_test(tc, test_wire_unpack_req_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_wire_pack_rep_round_trip, 0,
			    sizeof(rep_status) / sizeof(rep_status[0]));
	tcase_add_loop_test(tc, test_wire_unpack_rep_malformed, 0,
			    BADREP_COUNT);
	tcase_add_test(tc, test_wire_unpack_rep_unaligned);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(wire_suite());
}
