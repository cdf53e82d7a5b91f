/* SPDX-License-Identifier: MIT */
/*
 * check_policy.c: unit tests of the policy layer (src/policy.c,
 * src/profile.c): normal forms, rule matching, the permissions an open
 * needs, and the built-in profiles.  Pure: no filesystem is touched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check-run.h"
#include "fdbroker.h"
#include "policy.h"
#include "profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define RW		(FDB_R | FDB_W)
#define RWC		(FDB_R | FDB_W | FDB_C)
#define RX		(FDB_R | FDB_X)

/* The open flags the broker knows (SPEC §3, written out independently). */
#define KNOWN_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | \
	O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_ASYNC | O_DIRECT | \
	00100000 | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | \
	O_PATH | O_TMPFILE)

/* glibc's __O_TMPFILE includes O_DIRECTORY; this is the bit alone. */
#define TMPFILE_BIT	(O_TMPFILE & ~O_DIRECTORY)

struct rule_spec {
	const char *path;
	unsigned perms;
};

static struct fdb_policy *
policy_with(const struct rule_spec *rs, size_t n)
{
	struct fdb_policy *p;
	size_t i;

	p = fdb_policy_new();
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(fdb_policy_add(p, rs[i].path, rs[i].perms), 0);
	return p;
}

static size_t
nrules(const struct fdb_policy *p)
{
	size_t n;

	(void)policy_rules(p, &n);
	return n;
}

/* The rule deciding @path, checked to be on @want (NULL: none). */
static void
assert_match(const struct fdb_policy *p, const char *path, const char *want)
{
	const struct policy_rule *r;

	r = policy_match(p, path);
	if (want == NULL) {
		ck_assert_msg(r == NULL, "%s matched %s", path,
			      r != NULL ? r->path : "");
		return;
	}
	ck_assert_msg(r != NULL, "%s matched nothing, want %s", path, want);
	ck_assert_str_eq(r->path, want);
	ck_assert_uint_eq(r->len, strlen(want));
}

/* ---- normalise ---- */

static const struct norm_case {
	const char *in;
	size_t outlen;		/* 0: PATH_MAX */
	const char *out;	/* NULL: fails with err */
	int err;
} norm_cases[] = {
	{ "/", 0, "/", 0 },
	{ "//", 0, "/", 0 },
	{ "///", 0, "/", 0 },
	{ "/tmp", 0, "/tmp", 0 },
	{ "/tmp/", 0, "/tmp", 0 },
	{ "/tmp//a///b/", 0, "/tmp/a/b", 0 },
	{ "//tmp", 0, "/tmp", 0 },
	{ "/./", 0, "/", 0 },
	{ "/.", 0, "/", 0 },
	{ "/tmp/./a/.", 0, "/tmp/a", 0 },
	{ "/tmp/a/..", 0, "/tmp", 0 },
	{ "/tmp/a/../b", 0, "/tmp/b", 0 },
	{ "/tmp/a/b/../../c/", 0, "/tmp/c", 0 },
	{ "/..", 0, "/", 0 },
	{ "/../..", 0, "/", 0 },
	{ "/../etc", 0, "/etc", 0 },
	{ "/tmp/a/../../../etc/shadow", 0, "/etc/shadow", 0 },
	{ "/a/.../b", 0, "/a/.../b", 0 },
	{ "/a/..b/.c/c.", 0, "/a/..b/.c/c.", 0 },
	{ "/a b/c d/", 0, "/a b/c d", 0 },
	{ "", 0, NULL, EINVAL },
	{ "tmp", 0, NULL, EINVAL },
	{ "./tmp", 0, NULL, EINVAL },
	{ "../tmp", 0, NULL, EINVAL },
	{ " /tmp", 0, NULL, EINVAL },
	{ "/abc", 5, "/abc", 0 },
	{ "/abc", 4, NULL, ENAMETOOLONG },
	{ "/", 2, "/", 0 },
	{ "/", 1, NULL, ENAMETOOLONG },
	{ "/a/..", 2, "/", 0 },
	{ "/a/b/..", 3, "/a", 0 },
	/* Only the result must fit, not the forms on the way. */
	{ "/ab/../c", 3, "/c", 0 },
	{ "/abc/de/../../f/..", 2, "/", 0 },
	{ "/abc/de/..", 4, NULL, ENAMETOOLONG },
	{ "/abc/de/..", 5, "/abc", 0 },
	{ "/abc/x/../de/..", 5, "/abc", 0 },
};

START_TEST(test_policy_normalise_table)
{
	const struct norm_case *c = &norm_cases[_i];
	char out[PATH_MAX];
	size_t outlen = c->outlen ? c->outlen : sizeof(out);
	long r;

	errno = 0;
	r = policy_normalise(c->in, out, outlen);
	if (c->out == NULL) {
		ck_assert_msg(r == -1, "'%s' gave '%s'", c->in, out);
		ck_assert_int_eq(errno, c->err);
		return;
	}
	ck_assert_msg(r >= 0, "'%s' failed: %s", c->in, strerror(errno));
	ck_assert_str_eq(out, c->out);
	ck_assert_int_eq(r, (long)strlen(c->out));
}
END_TEST

START_TEST(test_policy_normalise_null)
{
	char out[16];

	errno = 0;
	ck_assert_int_eq(policy_normalise(NULL, out, sizeof(out)), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_policy_normalise_longest)
{
	char in[PATH_MAX + 1], out[PATH_MAX];

	/* PATH_MAX - 1 bytes fit with their NUL. */
	in[0] = '/';
	memset(in + 1, 'a', PATH_MAX - 2);
	in[PATH_MAX - 1] = '\0';
	ck_assert_int_eq(policy_normalise(in, out, sizeof(out)), PATH_MAX - 1);
	ck_assert_str_eq(out, in);
}
END_TEST

START_TEST(test_policy_normalise_too_long)
{
	char in[PATH_MAX + 1], out[PATH_MAX];

	in[0] = '/';
	memset(in + 1, 'a', PATH_MAX - 1);
	in[PATH_MAX] = '\0';
	errno = 0;
	ck_assert_int_eq(policy_normalise(in, out, sizeof(out)), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_policy_normalise_long_input_short_form)
{
	char in[3 * PATH_MAX], out[PATH_MAX];
	size_t i;

	/* A long spelling of a short path is fine: only the forms count. */
	for (i = 0; i + 2 < sizeof(in); i += 2)
		memcpy(in + i, "/.", 2);
	in[i] = '\0';
	ck_assert_int_eq(policy_normalise(in, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "/");
}
END_TEST

/* ---- add ---- */

START_TEST(test_policy_add_valid)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;
	size_t n;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/tmp//a/./", FDB_R | FDB_X), 0);
	r = policy_rules(p, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(r[0].path, "/tmp/a");
	ck_assert_uint_eq(r[0].len, 6);
	ck_assert_uint_eq(r[0].perms, RX);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_relative)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;
	size_t n;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(chdir("/usr"), 0);
	ck_assert_int_eq(fdb_policy_add(p, "share/../lib/", FDB_R), 0);
	r = policy_rules(p, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(r[0].path, "/usr/lib");
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_invalid)
{
	struct fdb_policy *p = fdb_policy_new();
	char longp[PATH_MAX + 2];

	ck_assert_ptr_nonnull(p);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add(p, "", FDB_R), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add(p, NULL, FDB_R), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add(NULL, "/tmp", FDB_R), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add(p, "/tmp", 0x40), -1);
	ck_assert_int_eq(errno, EINVAL);
	longp[0] = '/';
	memset(longp + 1, 'x', PATH_MAX);
	longp[PATH_MAX + 1] = '\0';
	errno = 0;
	ck_assert_int_eq(fdb_policy_add(p, longp, FDB_R), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_uint_eq(nrules(p), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_same_path_unites)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;
	size_t n;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/srv", FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv/", FDB_W), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv/x/..", FDB_X), 0);
	r = policy_rules(p, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(r[0].perms, FDB_R | FDB_W | FDB_X);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_deny_overrides)
{
	static const struct rule_spec before[] = {
		{ "/srv", RWC }, { "/srv", FDB_DENY }, { "/srv", FDB_R },
	};
	static const struct rule_spec after[] = {
		{ "/srv", FDB_DENY }, { "/srv", RWC },
	};
	struct fdb_policy *p;
	const struct policy_rule *r;
	size_t n;

	/* A deny on a path wins over grants on it, whatever the order. */
	p = policy_with(before, NELEM(before));
	r = policy_rules(p, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(r[0].perms, FDB_DENY);
	fdb_policy_free(p);
	p = policy_with(after, NELEM(after));
	r = policy_rules(p, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(r[0].perms, FDB_DENY);
	ck_assert_int_eq(policy_allows(p, "/srv/f", FDB_R, NULL), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_many)
{
	struct fdb_policy *p = fdb_policy_new();
	char path[64];
	const struct policy_rule *r;
	unsigned i, k;

	ck_assert_ptr_nonnull(p);
	/* 997 is prime, so k walks every value once, out of order. */
	for (i = 0, k = 0; i < 997; i++, k = (k + 389) % 997) {
		snprintf(path, sizeof(path), "/d/%u", k);
		ck_assert_int_eq(fdb_policy_add(p, path, FDB_R), 0);
		ck_assert_int_eq(fdb_policy_add(p, path, FDB_W), 0);
	}
	ck_assert_uint_eq(nrules(p), 997);
	for (k = 0; k < 997; k++) {
		snprintf(path, sizeof(path), "/d/%u/f", k);
		r = policy_match(p, path);
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->perms, RW);
		ck_assert_int_eq(strncmp(r->path, path, r->len), 0);
		ck_assert_int_eq(path[r->len], '/');
	}
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_rules_batch)
{
	struct policy_rule batch[] = {
		{ (char *)"/b", 2, FDB_W, 0, 0 },
		{ (char *)"/a", 2, FDB_R, 0, 0 },
		{ (char *)"/b", 2, FDB_X, 0, 0 },
		{ (char *)"/c", 2, FDB_R, 0, 0 },
		{ (char *)"/c", 2, FDB_DENY, 0, 0 },
	};
	struct fdb_policy *p = fdb_policy_new();

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/b", FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/d", FDB_R), 0);
	ck_assert_int_eq(policy_add_rules(p, batch, NELEM(batch)), 0);
	ck_assert_uint_eq(nrules(p), 4);
	ck_assert_uint_eq(policy_match(p, "/a")->perms, FDB_R);
	ck_assert_uint_eq(policy_match(p, "/b")->perms,
			  FDB_R | FDB_W | FDB_X);
	ck_assert_uint_eq(policy_match(p, "/c")->perms, FDB_DENY);
	ck_assert_uint_eq(policy_match(p, "/d")->perms, FDB_R);
	/* Borrowed: the caller's strings are not kept. */
	ck_assert_ptr_ne(policy_match(p, "/a")->path, batch[1].path);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_add_rules_invalid)
{
	struct policy_rule bad[][2] = {
		{ { (char *)"/a", 2, FDB_R, 0, 0 }, { (char *)"/b/", 3, FDB_R, 0, 0 } },
		{ { (char *)"/a", 2, FDB_R, 0, 0 }, { (char *)"/b/../c", 7, FDB_R, 0, 0 } },
		{ { (char *)"/a", 2, FDB_R, 0, 0 }, { (char *)"/bc", 2, FDB_R, 0, 0 } },
		{ { (char *)"/a", 2, FDB_R, 0, 0 }, { (char *)"b", 1, FDB_R, 0, 0 } },
		{ { (char *)"/a", 2, FDB_R, 0, 0 }, { (char *)"/b", 2, 0x20, 0, 0 } },
		{ { (char *)"/a", 2, FDB_R, 0, 0 }, { NULL, 0, FDB_R, 0, 0 } },
	};
	struct fdb_policy *p = fdb_policy_new();
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < NELEM(bad); i++) {
		errno = 0;
		ck_assert_int_eq(policy_add_rules(p, bad[i], 2), -1);
		ck_assert_int_eq(errno, EINVAL);
		/* All or nothing: the valid first rule was not added. */
		ck_assert_uint_eq(nrules(p), 0);
	}
	ck_assert_int_eq(policy_add_rules(p, NULL, 0), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_free_null)
{
	errno = EPIPE;
	fdb_policy_free(NULL);
	ck_assert_int_eq(errno, EPIPE);
}
END_TEST

START_TEST(test_policy_free_keeps_errno)
{
	struct fdb_policy *p = fdb_policy_new();

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/tmp", FDB_R), 0);
	errno = EPIPE;
	fdb_policy_free(p);
	ck_assert_int_eq(errno, EPIPE);
}
END_TEST

/* ---- match ---- */

START_TEST(test_policy_match_longest_wins)
{
	static const struct rule_spec rs[] = {
		{ "/tmp/a", RWC }, { "/", FDB_R }, { "/tmp", RW },
	};
	struct fdb_policy *p = policy_with(rs, NELEM(rs));

	assert_match(p, "/tmp/a/b/c", "/tmp/a");
	assert_match(p, "/tmp/a", "/tmp/a");
	assert_match(p, "/tmp/b", "/tmp");
	assert_match(p, "/tmp", "/tmp");
	assert_match(p, "/etc/passwd", "/");
	assert_match(p, "/", "/");
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_match_no_rule)
{
	static const struct rule_spec rs[] = { { "/tmp/a", RWC } };
	struct fdb_policy *p = fdb_policy_new();

	ck_assert_ptr_nonnull(p);
	assert_match(p, "/", NULL);
	assert_match(p, "/tmp", NULL);
	fdb_policy_free(p);
	p = policy_with(rs, NELEM(rs));
	assert_match(p, "/", NULL);
	assert_match(p, "/tmp", NULL);
	assert_match(p, "/tm", NULL);
	assert_match(p, "/etc", NULL);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_match_prefix_confusion)
{
	static const struct rule_spec rs[] = { { "/tmp/a", RWC } };
	static const struct rule_spec both[] = {
		{ "/tmp/a", FDB_R }, { "/tmp/ab", FDB_W },
	};
	struct fdb_policy *p = policy_with(rs, NELEM(rs));

	assert_match(p, "/tmp/a", "/tmp/a");
	assert_match(p, "/tmp/a/b", "/tmp/a");
	assert_match(p, "/tmp/a/ab", "/tmp/a");
	assert_match(p, "/tmp/ab", NULL);
	assert_match(p, "/tmp/a_bad", NULL);
	assert_match(p, "/tmp/a_bad/x", NULL);
	assert_match(p, "/tmp/a.", NULL);
	fdb_policy_free(p);
	p = policy_with(both, NELEM(both));
	assert_match(p, "/tmp/ab/c", "/tmp/ab");
	assert_match(p, "/tmp/ab", "/tmp/ab");
	assert_match(p, "/tmp/a/c", "/tmp/a");
	assert_match(p, "/tmp/abc", NULL);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_match_root_rule)
{
	static const struct rule_spec rs[] = { { "/", FDB_R } };
	struct fdb_policy *p = policy_with(rs, NELEM(rs));

	assert_match(p, "/", "/");
	assert_match(p, "/etc", "/");
	assert_match(p, "/a/b/c/d", "/");
	ck_assert_int_eq(policy_allows(p, "/etc/shadow", FDB_R, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/etc/shadow", FDB_W, NULL), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_match_deny_inside_grant)
{
	static const struct rule_spec rs[] = {
		{ "/srv", RWC }, { "/srv/secret", FDB_DENY },
	};
	struct fdb_policy *p = policy_with(rs, NELEM(rs));
	const struct policy_rule *r;

	ck_assert_int_eq(policy_allows(p, "/srv/data/f", RW, &r), 1);
	ck_assert_str_eq(r->path, "/srv");
	ck_assert_int_eq(policy_allows(p, "/srv/secret", FDB_R, &r), 0);
	ck_assert_str_eq(r->path, "/srv/secret");
	ck_assert_int_eq(policy_allows(p, "/srv/secret/key", FDB_R, &r), 0);
	ck_assert_str_eq(r->path, "/srv/secret");
	/* The deny is a tree too, not a string prefix. */
	ck_assert_int_eq(policy_allows(p, "/srv/secrets", FDB_R, &r), 1);
	ck_assert_str_eq(r->path, "/srv");
	fdb_policy_free(p);
}
END_TEST

/* An exact rule covers its own path, not the tree beneath it. */
START_TEST(test_policy_match_exact)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/", FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv", RWC | FDB_EXACT), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv/d", FDB_DENY | FDB_EXACT), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv/d", RWC), 0);
	ck_assert_int_eq(policy_allows(p, "/srv", RWC, &r), 1);
	ck_assert(r->exact);
	/* Beneath it, the next rule up decides. */
	ck_assert_int_eq(policy_allows(p, "/srv/f", FDB_W, &r), 0);
	ck_assert_str_eq(r->path, "/");
	ck_assert_int_eq(policy_allows(p, "/srvx", FDB_W, &r), 0);
	/* On one path, the exact rule wins over the tree rule... */
	ck_assert_int_eq(policy_allows(p, "/srv/d", FDB_R, &r), 0);
	ck_assert(r->exact && r->perms == FDB_DENY);
	/* ...which still covers what lies beneath. */
	ck_assert_int_eq(policy_allows(p, "/srv/d/f", RWC, &r), 1);
	ck_assert(!r->exact);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_match_grant_inside_deny)
{
	static const struct rule_spec rs[] = {
		{ "/home/u/pub", FDB_R }, { "/home", FDB_DENY }, { "/", FDB_R },
	};
	struct fdb_policy *p = policy_with(rs, NELEM(rs));
	const struct policy_rule *r;

	ck_assert_int_eq(policy_allows(p, "/home/u/pub/f", FDB_R, &r), 1);
	ck_assert_str_eq(r->path, "/home/u/pub");
	ck_assert_int_eq(policy_allows(p, "/home/u/.ssh/id", FDB_R, &r), 0);
	ck_assert_str_eq(r->path, "/home");
	ck_assert_int_eq(policy_allows(p, "/home", FDB_R, &r), 0);
	ck_assert_int_eq(policy_allows(p, "/homes", FDB_R, &r), 1);
	ck_assert_str_eq(r->path, "/");
	fdb_policy_free(p);
}
END_TEST

/* Non-normal paths never match, even under "/": the match is lexical. */
static const char *const abnormal_paths[] = {
	"", "etc", "./etc", "//etc", "/etc/", "/./etc", "/etc/.",
	"/tmp/a/../../etc", "/tmp/a/..", "/..", "/tmp//a",
};

START_TEST(test_policy_match_abnormal_path)
{
	static const struct rule_spec rs[] = {
		{ "/", RWC }, { "/tmp/a", RWC },
	};
	struct fdb_policy *p = policy_with(rs, NELEM(rs));
	static const struct policy_rule sentinel;
	const struct policy_rule *r = &sentinel;

	assert_match(p, abnormal_paths[_i], NULL);
	ck_assert_int_eq(policy_allows(p, abnormal_paths[_i], FDB_R, &r), 0);
	ck_assert_ptr_null(r);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_match_null)
{
	static const struct rule_spec rs[] = { { "/", RWC } };
	struct fdb_policy *p = policy_with(rs, NELEM(rs));

	ck_assert_ptr_null(policy_match(p, NULL));
	ck_assert_ptr_null(policy_match(NULL, "/"));
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_allows_need)
{
	static const struct rule_spec rs[] = {
		{ "/rw", RW }, { "/deny", FDB_DENY },
	};
	struct fdb_policy *p = policy_with(rs, NELEM(rs));
	const struct policy_rule *r = NULL;

	ck_assert_int_eq(policy_allows(p, "/rw/f", FDB_R, &r), 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(policy_allows(p, "/rw/f", FDB_W, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/rw/f", RW, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/rw/f", FDB_C, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/rw/f", FDB_X, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/rw/f", RWC, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/rw/f", 0, NULL), 1);
	/* A deny grants nothing, not even an empty need. */
	ck_assert_int_eq(policy_allows(p, "/deny/f", 0, &r), 0);
	ck_assert_str_eq(r->path, "/deny");
	ck_assert_int_eq(policy_allows(p, "/other", 0, &r), 0);
	ck_assert_ptr_null(r);
	fdb_policy_free(p);
}
END_TEST

/* ---- open_need ---- */

static const struct need_case {
	int flags;
	unsigned existing, created;	/* ignored when err */
	int err;
} need_cases[] = {
	{ O_RDONLY, FDB_R, FDB_R | FDB_C, 0 },
	{ O_WRONLY, FDB_W, FDB_W | FDB_C, 0 },
	{ O_RDWR, RW, RWC, 0 },
	{ O_ACCMODE, 0, 0, EINVAL },
	{ O_ACCMODE | O_CREAT, 0, 0, EINVAL },
	{ O_RDONLY | O_TRUNC, RW, RWC, 0 },
	{ O_RDONLY | O_APPEND, RW, RWC, 0 },
	{ O_WRONLY | O_TRUNC, FDB_W, FDB_W | FDB_C, 0 },
	{ O_WRONLY | O_APPEND | O_CREAT, FDB_W, FDB_W | FDB_C, 0 },
	{ O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, RW, RWC, 0 },
	{ O_CREAT, FDB_R, FDB_R | FDB_C, 0 },
	{ O_CREAT | O_EXCL | O_WRONLY, FDB_W, FDB_W | FDB_C, 0 },
	{ O_EXCL, FDB_R, FDB_R | FDB_C, 0 },
	{ O_NOCTTY, FDB_R, FDB_R | FDB_C, 0 },
	{ O_NONBLOCK, FDB_R, FDB_R | FDB_C, 0 },
	{ O_DSYNC, FDB_R, FDB_R | FDB_C, 0 },
	{ O_SYNC, FDB_R, FDB_R | FDB_C, 0 },
	{ O_ASYNC, FDB_R, FDB_R | FDB_C, 0 },
	{ O_DIRECT, FDB_R, FDB_R | FDB_C, 0 },
	{ 00100000, FDB_R, FDB_R | FDB_C, 0 },	/* kernel O_LARGEFILE */
	{ O_WRONLY | 00100000, FDB_W, FDB_W | FDB_C, 0 },
	{ O_DIRECTORY, FDB_R, FDB_R | FDB_C, 0 },
	{ O_NOFOLLOW, FDB_R, FDB_R | FDB_C, 0 },
	{ O_NOATIME, FDB_R, FDB_R | FDB_C, 0 },
	{ O_CLOEXEC, FDB_R, FDB_R | FDB_C, 0 },
	{ O_WRONLY | O_CLOEXEC | O_NOFOLLOW, FDB_W, FDB_W | FDB_C, 0 },
	{ O_PATH, FDB_R, FDB_R | FDB_C, 0 },
	{ O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, FDB_R,
	  FDB_R | FDB_C, 0 },
	/* The kernel ignores the rest with O_PATH: nothing is opened. */
	{ O_PATH | O_RDWR | O_TRUNC | O_APPEND | O_CREAT, FDB_R,
	  FDB_R | FDB_C, 0 },
	{ O_PATH | O_ACCMODE, FDB_R, FDB_R | FDB_C, 0 },
	{ O_PATH | O_TMPFILE | O_WRONLY, FDB_R, FDB_R | FDB_C, 0 },
	{ O_PATH | (int)0x40000000, 0, 0, EINVAL },
	{ O_TMPFILE | O_WRONLY, FDB_W | FDB_C, FDB_W | FDB_C, 0 },
	{ O_TMPFILE | O_RDWR, RWC, RWC, 0 },
	{ O_TMPFILE | O_WRONLY | O_EXCL | O_CLOEXEC, FDB_W | FDB_C,
	  FDB_W | FDB_C, 0 },
	{ O_TMPFILE | O_RDONLY, 0, 0, EINVAL },
	{ O_TMPFILE | O_ACCMODE, 0, 0, EINVAL },
	{ O_TMPFILE | O_WRONLY | O_CREAT, 0, 0, EINVAL },
	{ TMPFILE_BIT | O_WRONLY, 0, 0, EINVAL },	/* no O_DIRECTORY */
	{ (int)0x80000000, 0, 0, EINVAL },
	{ -1, 0, 0, EINVAL },
};

START_TEST(test_policy_open_need_table)
{
	const struct need_case *c = &need_cases[_i];
	unsigned ex = 0xdead, nw = 0xbeef;
	int r;

	errno = 0;
	r = policy_open_need(c->flags, &ex, &nw);
	if (c->err != 0) {
		ck_assert_msg(r == -1, "flags %#o accepted", c->flags);
		ck_assert_int_eq(errno, c->err);
		return;
	}
	ck_assert_msg(r == 0, "flags %#o refused", c->flags);
	ck_assert_msg(ex == c->existing, "flags %#o: existing %#x, want %#x",
		      c->flags, ex, c->existing);
	ck_assert_msg(nw == c->created, "flags %#o: new %#x, want %#x",
		      c->flags, nw, c->created);
}
END_TEST

/* Each of the 32 bits alone (with O_WRONLY, so O_TMPFILE can be valid). */
START_TEST(test_policy_open_need_each_bit)
{
	unsigned bit = 1u << _i, ex, nw;
	int flags = (int)bit | O_WRONLY;
	int r;

	errno = 0;
	r = policy_open_need(flags, &ex, &nw);
	if ((bit & (unsigned)KNOWN_FLAGS) == 0) {
		ck_assert_msg(r == -1, "unknown bit %#o accepted", bit);
		ck_assert_int_eq(errno, EINVAL);
	} else if (bit == TMPFILE_BIT || bit == O_RDWR) {
		/* __O_TMPFILE without O_DIRECTORY; O_WRONLY|O_RDWR is 3. */
		ck_assert_int_eq(r, -1);
		ck_assert_int_eq(errno, EINVAL);
	} else {
		ck_assert_msg(r == 0, "known bit %#o refused", bit);
		ck_assert_uint_eq(nw, ex | FDB_C);
		if (bit == O_PATH)
			ck_assert_uint_eq(ex, FDB_R);
		else
			ck_assert(ex & FDB_W);
	}
}
END_TEST

/* ---- perms_string ---- */

START_TEST(test_policy_perms_string_all)
{
	char buf[8];

	ck_assert_str_eq(policy_perms_string(FDB_DENY, buf), "deny");
	ck_assert_str_eq(policy_perms_string(FDB_R, buf), "r");
	ck_assert_str_eq(policy_perms_string(RW, buf), "rw");
	ck_assert_str_eq(policy_perms_string(FDB_W | FDB_X, buf), "wx");
	ck_assert_str_eq(policy_perms_string(FDB_C, buf), "c");
	ck_assert_str_eq(policy_perms_string(RWC | FDB_X, buf), "rwcx");
	ck_assert_ptr_eq(policy_perms_string(FDB_X, buf), buf);
}
END_TEST

/* ---- profile ---- */

/* What SPEC §3 says the system profile holds, at least. */
static const struct rule_spec system_profile[] = {
	{ "/usr", FDB_R }, { "/lib32", FDB_R },
	{ "/etc/ld.so.cache", FDB_R }, { "/etc/ld.so.preload", FDB_R },
	{ "/etc/ld.so.conf", FDB_R }, { "/etc/ld.so.conf.d", FDB_R },
	{ "/etc/localtime", FDB_R }, { "/etc/nsswitch.conf", FDB_R },
	{ "/etc/passwd", FDB_R }, { "/etc/group", FDB_R },
	{ "/etc/alternatives", FDB_R }, { "/etc/locale.alias", FDB_R },
	{ "/etc/os-release", FDB_R }, { "/etc/debian_version", FDB_R },
	{ "/etc/bash.bashrc", FDB_R }, { "/etc/profile", FDB_R },
	{ "/etc/inputrc", FDB_R }, { "/etc/terminfo", FDB_R },
	{ "/etc/ssl/certs", FDB_R }, { "/etc/ssl/openssl.cnf", FDB_R },
	{ "/etc/gitconfig", FDB_R }, { "/etc/gitattributes", FDB_R },
	{ "/etc/perl", FDB_R }, { "/etc/java-17-openjdk", FDB_R },
	{ "/etc/manpath.config", FDB_R }, { "/etc/magic", FDB_R },
	{ "/etc/mime.types", FDB_R }, { "/etc/ssh/ssh_config", FDB_R },
	{ "/etc/selinux/config", FDB_R }, { "/proc/self", FDB_R },
	{ "/proc/meminfo", FDB_R }, { "/proc/cpuinfo", FDB_R },
	{ "/proc/stat", FDB_R }, { "/proc/uptime", FDB_R },
	{ "/proc/loadavg", FDB_R }, { "/proc/filesystems", FDB_R },
	{ "/sys/devices/system/cpu", FDB_R }, { "/sys/fs/cgroup", FDB_R },
	{ "/dev/zero", FDB_R }, { "/dev/urandom", FDB_R },
	{ "/dev/random", FDB_R },
	{ "/dev/null", RW }, { "/dev/tty", RW }, { "/dev/ptmx", RW },
	{ "/usr/bin", RX }, { "/usr/sbin", RX }, { "/bin", RX },
	{ "/sbin", RX }, { "/usr/lib", RX }, { "/lib", RX },
	{ "/lib64", RX }, { "/usr/libexec", RX },
	{ "/usr/local/bin", RX }, { "/usr/local/sbin", RX },
};

START_TEST(test_policy_profile_system)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;
	size_t i;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(profile_add(p, "system"), 0);
	for (i = 0; i < NELEM(system_profile); i++) {
		r = policy_match(p, system_profile[i].path);
		ck_assert_msg(r != NULL, "%s", system_profile[i].path);
		ck_assert_str_eq(r->path, system_profile[i].path);
		ck_assert_msg(r->perms == system_profile[i].perms,
			      "%s: perms %#x", r->path, r->perms);
	}
	fdb_policy_free(p);
}
END_TEST

/*
 * The compiled profile is its data file (profiles/NAME.policy, made into
 * C by profiles/table.awk), rule for rule, as the policy file parser
 * reads that file.
 */
START_TEST(test_policy_profile_is_its_file)
{
	static const char *const names[] = { "system", "net" };
	const char *src = getenv("SRCDIR");
	const struct policy_rule *r, *m;
	struct fdb_policy *p, *q;
	char file[PATH_MAX], err[256];
	size_t i, n, np;

	snprintf(file, sizeof(file), "%s/profiles/%s.policy",
		 src != NULL ? src : ".", names[_i]);
	p = fdb_policy_new();
	q = fdb_policy_new();
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(profile_add(p, names[_i]), 0);
	ck_assert_msg(fdb_policy_load(q, file, err, sizeof(err)) == 0,
		      "%s", err);
	policy_rules(p, &np);
	r = policy_rules(q, &n);
	ck_assert_uint_eq(np, n);
	for (i = 0; i < n; i++) {
		m = policy_match(p, r[i].path);
		ck_assert_msg(m != NULL && strcmp(m->path, r[i].path) == 0 &&
			      m->perms == r[i].perms && m->exact == r[i].exact,
			      "%s", r[i].path);
	}
	fdb_policy_free(q);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_profile_system_decisions)
{
	static const char *const refused[] = {
		"/etc", "/etc/shadow", "/etc/ssh/ssh_host_ed25519_key",
		"/etc/ld.so.cache.evil", "/home/u/.ssh/id_ed25519", "/root",
		"/tmp/x", "/var/log/syslog", "/run/user/0", "/proc/1/environ",
		"/dev/sda", "/sys/kernel", "/",
		/* Secrets beside what the profile grants. */
		"/etc/ssl/private/ssl-cert-snakeoil.key", "/etc/ssl",
		"/etc/ssh/ssh_host_rsa_key", "/etc/ssh", "/etc/gshadow",
		"/etc/sudoers", "/etc/environment", "/etc/hosts",
		"/proc/1/status", "/proc/kcore", "/dev/pts/0",
	};
	struct fdb_policy *p = fdb_policy_new();
	size_t i;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add_profile(p, "system"), 0);
	for (i = 0; i < NELEM(refused); i++)
		ck_assert_msg(policy_allows(p, refused[i], FDB_R, NULL) == 0,
			      "%s readable", refused[i]);
	ck_assert_int_eq(policy_allows(p, "/usr/bin/ls", RX, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/usr/share/doc/x", FDB_R, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/usr/share/doc/x", FDB_X, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/usr/bin/ls", FDB_W, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/etc/ld.so.conf.d/a.conf", FDB_R,
				       NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/dev/null", RW, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/dev/zero", FDB_W, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/dev/null", FDB_C, NULL), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_profile_system_keeps_deny)
{
	struct fdb_policy *p = fdb_policy_new();
	size_t nsystem;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add_profile(p, "system"), 0);
	nsystem = nrules(p);
	fdb_policy_free(p);
	p = fdb_policy_new();
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/usr/bin", FDB_DENY), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv", FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add_profile(p, "system"), 0);
	ck_assert_uint_eq(nrules(p), nsystem + 1);
	ck_assert_int_eq(policy_allows(p, "/usr/bin/sh", FDB_R, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/srv/f", FDB_R, NULL), 1);
	fdb_policy_free(p);
}
END_TEST

/* FDB_ABSENT: a deny that says ENOENT; alone, no glob; a grant beats it. */
START_TEST(test_policy_add_absent)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/run/nscd", FDB_ABSENT), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/run/a", FDB_ABSENT | FDB_R), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fdb_policy_add(p, "/run/*", FDB_ABSENT), -1);
	ck_assert_int_eq(errno, EINVAL);
	r = policy_match(p, "/run/nscd/socket");
	ck_assert(r != NULL && r->absent && r->perms == 0);
	ck_assert_int_eq(policy_allows(p, "/run/nscd/socket", FDB_R, NULL), 0);
	/* On one path with a grant: a deny, which says EACCES. */
	ck_assert_int_eq(fdb_policy_add(p, "/run/nscd", FDB_R), 0);
	r = policy_match(p, "/run/nscd");
	ck_assert(r != NULL && !r->absent && r->perms == 0);
	ck_assert_uint_eq(nrules(p), 1);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_profile_none)
{
	struct fdb_policy *p = fdb_policy_new();

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(profile_add(p, "none"), 0);
	ck_assert_uint_eq(nrules(p), 0);
	ck_assert_int_eq(fdb_policy_add_profile(p, "none"), 0);
	ck_assert_uint_eq(nrules(p), 0);
	ck_assert_int_eq(policy_allows(p, "/usr/bin/ls", FDB_R, NULL), 0);
	fdb_policy_free(p);
}
END_TEST

/* net: name resolution only, read-only; not in system. */
START_TEST(test_policy_profile_net)
{
	static const char *const files[] = {
		"/etc/hosts", "/etc/host.conf", "/etc/resolv.conf",
		"/etc/gai.conf", "/etc/services", "/etc/protocols",
	};
	struct fdb_policy *p = fdb_policy_new();
	size_t i;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add_profile(p, "net"), 0);
	ck_assert_uint_eq(nrules(p), NELEM(files));
	for (i = 0; i < NELEM(files); i++) {
		ck_assert_int_eq(policy_allows(p, files[i], FDB_R, NULL), 1);
		ck_assert_int_eq(policy_allows(p, files[i], FDB_W, NULL), 0);
	}
	ck_assert_int_eq(policy_allows(p, "/etc", FDB_R, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/etc/shadow", FDB_R, NULL), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_profile_unknown)
{
	static const char *const names[] = {
		"", "System", "system ", "nonesuch", "sys",
	};
	struct fdb_policy *p = fdb_policy_new();
	size_t i;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fdb_policy_add(p, "/srv", FDB_R), 0);
	for (i = 0; i < NELEM(names); i++) {
		errno = 0;
		ck_assert_int_eq(fdb_policy_add_profile(p, names[i]), -1);
		ck_assert_int_eq(errno, ENOENT);
		errno = 0;
		ck_assert_int_eq(profile_add(p, names[i]), -1);
		ck_assert_int_eq(errno, ENOENT);
	}
	ck_assert_uint_eq(nrules(p), 1);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add_profile(p, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add_profile(NULL, "system"), -1);
	ck_assert_int_eq(errno, EINVAL);
	fdb_policy_free(p);
}
END_TEST

/* ---- deny globs ---- */

static const struct {
	const char *glob;
	const char *path;
	int exact;
	int match;
} glob_cases[] = {
	{ "/**/.env", "/.env", 0, 1 },
	{ "/**/.env", "/srv/p/.env", 0, 1 },
	{ "/**/.env", "/srv/p/.env/inside", 0, 1 },	/* the tree */
	{ "/**/.env", "/srv/p/.envrc", 0, 0 },
	{ "/**/.env", "/srv/p/x.env", 0, 0 },
	{ "/**/.env", "/srv/p/.env/inside", 1, 0 },	/* exact */
	{ "/srv/*.key", "/srv/a.key", 0, 1 },
	{ "/srv/*.key", "/srv/.key", 0, 1 },		/* dot files too */
	{ "/srv/*.key", "/srv/d/a.key", 0, 0 },		/* '*' stays in */
	{ "/srv/*.key", "/srv", 0, 0 },
	{ "/srv/**/*.key", "/srv/a.key", 0, 1 },	/* zero components */
	{ "/srv/**/*.key", "/srv/d/e/a.key", 0, 1 },
	{ "/srv/**/*.key", "/srv/d/e/a.key.bak", 0, 0 },
	{ "/srv/?", "/srv/a", 0, 1 },
	{ "/srv/?", "/srv/ab", 0, 0 },
	{ "/srv/a?c", "/srv/abc/d", 0, 1 },
	{ "/srv/**", "/srv", 0, 1 },
	{ "/srv/**", "/srv/x/y", 0, 1 },
	{ "/srv/**", "/srvx", 0, 0 },
	{ "/**", "/", 0, 1 },
	{ "/*/id_*", "/home/id_rsa", 0, 1 },
	{ "/*/id_*", "/home/u/id_rsa", 0, 0 },
	{ "/a/**/b/**/c", "/a/b/c", 0, 1 },
	{ "/a/**/b/**/c", "/a/x/b/y/z/c", 0, 1 },
	{ "/a/**/b/**/c", "/a/x/c/b", 0, 0 },
	{ "/a*b*c", "/aXbYc", 0, 1 },
	{ "/a*b*c", "/aXbY", 0, 0 },
	{ "/*a*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0 },
};

START_TEST(test_policy_glob_table)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;

	ck_assert_int_eq(fdb_policy_add(p, "/", FDB_R | FDB_W), 0);
	ck_assert_int_eq(fdb_policy_add(p, glob_cases[_i].glob,
	    FDB_DENY | (glob_cases[_i].exact ? FDB_EXACT : 0)), 0);
	r = policy_match(p, glob_cases[_i].path);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(policy_is_glob(p, r) == glob_cases[_i].match,
	    "%s on %s", glob_cases[_i].glob, glob_cases[_i].path);
	ck_assert_int_eq(policy_allows(p, glob_cases[_i].path, FDB_R, NULL),
	    !glob_cases[_i].match);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_glob_never_grants)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;
	size_t n;

	/* A deny glob alone grants nothing; "**\/x" is from the root. */
	ck_assert_int_eq(fdb_policy_add(p, "**/x", FDB_DENY), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv/*.c", FDB_DENY), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv/*.c", FDB_DENY), 0);
	(void)policy_rules(p, &n);
	ck_assert_uint_eq(n, 0);
	r = policy_globs(p, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(r[0].path, "/**/x");
	ck_assert_int_eq(policy_allows(p, "/srv/a.h", FDB_R, NULL), 0);
	/* More specific grants do not win over it. */
	ck_assert_int_eq(fdb_policy_add(p, "/srv/a.c", FDB_R | FDB_EXACT), 0);
	ck_assert_int_eq(policy_allows(p, "/srv/a.c", FDB_R, NULL), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/srv", FDB_R), 0);
	ck_assert_int_eq(policy_allows(p, "/srv/a.h", FDB_R, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/srv/d/x/y", FDB_R, NULL), 0);
	/* A grant with a '*' is a name, not a glob (the parsers refuse it). */
	ck_assert_int_eq(fdb_policy_add(p, "/opt/*", FDB_R), 0);
	ck_assert_int_eq(policy_allows(p, "/opt/*", FDB_R, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/opt/a", FDB_R, NULL), 0);
	/* What a directory's move would carry from under a glob. */
	ck_assert_int_eq(policy_globs_beneath(p, "/srv"), 1);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_glob_beneath)
{
	struct fdb_policy *p = fdb_policy_new();

	ck_assert_int_eq(fdb_policy_add(p, "/srv/data/*.key", FDB_DENY), 0);
	ck_assert_int_eq(policy_globs_beneath(p, "/srv"), 1);
	ck_assert_int_eq(policy_globs_beneath(p, "/srv/data"), 1);
	ck_assert_int_eq(policy_globs_beneath(p, "/srv/data/d"), 1);
	ck_assert_int_eq(policy_globs_beneath(p, "/srv/dat"), 0);
	ck_assert_int_eq(policy_globs_beneath(p, "/srv/other"), 0);
	ck_assert_int_eq(policy_globs_beneath(p, "/"), 1);
	ck_assert_int_eq(fdb_policy_add(p, "**/.env", FDB_DENY), 0);
	ck_assert_int_eq(policy_globs_beneath(p, "/srv/other"), 1);
	fdb_policy_free(p);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("normalise");
	tcase_add_loop_test(tc, test_policy_normalise_table, 0,
			    NELEM(norm_cases));
	tcase_add_test(tc, test_policy_normalise_null);
	tcase_add_test(tc, test_policy_normalise_longest);
	tcase_add_test(tc, test_policy_normalise_too_long);
	tcase_add_test(tc, test_policy_normalise_long_input_short_form);
	suite_add_tcase(s, tc);

	tc = tcase_create("add");
	tcase_add_test(tc, test_policy_add_valid);
	tcase_add_test(tc, test_policy_add_relative);
	tcase_add_test(tc, test_policy_add_invalid);
	tcase_add_test(tc, test_policy_add_same_path_unites);
	tcase_add_test(tc, test_policy_add_deny_overrides);
	tcase_add_test(tc, test_policy_add_many);
	tcase_add_test(tc, test_policy_add_rules_batch);
	tcase_add_test(tc, test_policy_add_rules_invalid);
	tcase_add_test(tc, test_policy_free_null);
	tcase_add_test(tc, test_policy_free_keeps_errno);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_test(tc, test_policy_match_longest_wins);
	tcase_add_test(tc, test_policy_match_no_rule);
	tcase_add_test(tc, test_policy_match_prefix_confusion);
	tcase_add_test(tc, test_policy_match_root_rule);
	tcase_add_test(tc, test_policy_match_deny_inside_grant);
	tcase_add_test(tc, test_policy_match_grant_inside_deny);
	tcase_add_test(tc, test_policy_match_exact);
	tcase_add_loop_test(tc, test_policy_match_abnormal_path, 0,
			    NELEM(abnormal_paths));
	tcase_add_test(tc, test_policy_match_null);
	tcase_add_test(tc, test_policy_allows_need);
	suite_add_tcase(s, tc);

	tc = tcase_create("open_need");
	tcase_add_loop_test(tc, test_policy_open_need_table, 0,
			    NELEM(need_cases));
	tcase_add_loop_test(tc, test_policy_open_need_each_bit, 0, 32);
	tcase_add_test(tc, test_policy_perms_string_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("glob");
	tcase_add_loop_test(tc, test_policy_glob_table, 0,
	    sizeof(glob_cases) / sizeof(glob_cases[0]));
	tcase_add_test(tc, test_policy_glob_never_grants);
	tcase_add_test(tc, test_policy_glob_beneath);
	suite_add_tcase(s, tc);

	tc = tcase_create("profile");
	tcase_add_test(tc, test_policy_profile_system);
	tcase_add_loop_test(tc, test_policy_profile_is_its_file, 0, 2);
	tcase_add_test(tc, test_policy_profile_system_decisions);
	tcase_add_test(tc, test_policy_profile_system_keeps_deny);
	tcase_add_test(tc, test_policy_profile_none);
	tcase_add_test(tc, test_policy_add_absent);
	tcase_add_test(tc, test_policy_profile_net);
	tcase_add_test(tc, test_policy_profile_unknown);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(policy_suite());
}
