/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy_file.c: libFuzzer target for the policy file parser
 * (src/policy-file.c) and fdb_policy_add_rule(), which read text a user,
 * or an attacker who can write a policy file, controls.  The input is one
 * policy file.  Besides the sanitizers, it checks:
 *  - the file and its lines one by one agree: the file is refused exactly
 *    when a line is, with "NAME:LINE: reason" naming the first bad line and
 *    the reason that line gives alone (and fdb_policy_add_rule() the same
 *    reason); otherwise the file gives the rules the lines give one at a
 *    time through fdb_policy_add_rule();
 *  - all or nothing: a refused file leaves a policy as it was, and an
 *    accepted one unites with the rules already there (deny wins);
 *  - every rule is absolute and normalised, and a small error buffer is
 *    never overrun and always terminated;
 *  - writing the rules out as a policy file and parsing that gives them
 *    back.
 * Deny globs are rules kept apart (policy_globs()): every check counts
 * and compares them too.  "~/" is read from $HOME, set to FUZZ_HOME
 * here; "include" is refused alike by the file parser (no file to be
 * relative to) and by fdb_policy_add_rule(), so nothing is read.
 * Owns nothing outside tests/fuzz/.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdbroker.h"
#include "fuzz.h"
#include "policy-file.h"
#include "policy.h"

#define NAME		"fuzz"
#define FUZZ_HOME	"/home/fuzz"
#define ERR_MAX		1024
#define PERMS_ALL	(FDB_R | FDB_W | FDB_C | FDB_X)

/* Rules already in a policy, to see how a parse merges into them. */
static const struct {
	const char *path;
	unsigned perms;
} sentinels[] = {
	{ "/", FDB_DENY },
	{ "/etc/passwd", FDB_DENY },
	{ "/m", FDB_R | FDB_X },
	{ "/tmp", FDB_R | FDB_W | FDB_C },
};
#define NSENTINELS	(sizeof(sentinels) / sizeof(sentinels[0]))

struct line_verdict {
	unsigned long bad;		/* first bad line, 0 if none */
	char why[ERR_MAX];		/* its reason */
};

static struct fdb_policy *policy_new_or_die(void);
static int	rule_ptr_cmp(const void *a, const void *b);
static const struct policy_rule **sorted_rules(const struct fdb_policy *p,
					       size_t *n);
static void	check_normal(const struct policy_rule *r);
static void	check_rules_equal(const struct fdb_policy *a,
				  const struct fdb_policy *b);
static unsigned	unite(unsigned a, unsigned b);
static unsigned	sentinel_perms(const char *path, int *found);
static void	check_merged(const struct fdb_policy *p0,
			     const struct fdb_policy *p1);
static void	check_line(const char *line, size_t len,
			   struct fdb_policy *q, struct line_verdict *v,
			   unsigned long lineno);
static void	check_small_err(const uint8_t *data, size_t size,
				const char *err);
static void	check_round_trip(const struct fdb_policy *p0);
static void	check_newline_rule(const uint8_t *data, size_t size);
static size_t	nall(const struct fdb_policy *p);
static void	check_globs_equal(const struct fdb_policy *a,
				  const struct fdb_policy *b);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setenv("HOME", FUZZ_HOME, 1) == -1)
		abort();
	return 0;
}

/* Rules and deny globs. */
static size_t
nall(const struct fdb_policy *p)
{
	size_t n, ng;

	(void)policy_rules(p, &n);
	(void)policy_globs(p, &ng);
	return n + ng;
}

/* The globs, in the order added (the first of a repeated one). */
static void
check_globs_equal(const struct fdb_policy *a, const struct fdb_policy *b)
{
	const struct policy_rule *ga, *gb;
	size_t na, nb, i;

	ga = policy_globs(a, &na);
	gb = policy_globs(b, &nb);
	FUZZ_ASSERT(na == nb);
	for (i = 0; i < na; i++) {
		check_normal(&ga[i]);
		FUZZ_ASSERT(ga[i].perms == 0 && policy_glob_path(ga[i].path));
		FUZZ_ASSERT(strcmp(ga[i].path, gb[i].path) == 0);
		FUZZ_ASSERT(ga[i].exact == gb[i].exact);
	}
}

static struct fdb_policy *
policy_new_or_die(void)
{
	struct fdb_policy *p;

	if ((p = fdb_policy_new()) == NULL)
		abort();
	return p;
}

static int
rule_ptr_cmp(const void *a, const void *b)
{
	const struct policy_rule *const *ra = a, *const *rb = b;
	int c = strcmp((*ra)->path, (*rb)->path);

	return c != 0 ? c : (*ra)->exact - (*rb)->exact;
}

/* policy_rules() promises no order: sort pointers to them by path. */
static const struct policy_rule **
sorted_rules(const struct fdb_policy *p, size_t *n)
{
	const struct policy_rule *r, **s;
	size_t i;

	r = policy_rules(p, n);
	if ((s = malloc((*n + 1) * sizeof(*s))) == NULL)
		abort();
	for (i = 0; i < *n; i++)
		s[i] = &r[i];
	qsort(s, *n, sizeof(*s), rule_ptr_cmp);
	for (i = 1; i < *n; i++)
		FUZZ_ASSERT(rule_ptr_cmp(&s[i - 1], &s[i]) != 0);
	return s;
}

/* Absolute, normalised, no trailing '/', known bits only. */
static void
check_normal(const struct policy_rule *r)
{
	const char *s = r->path;

	FUZZ_ASSERT(s[0] == '/' && strlen(s) == r->len);
	FUZZ_ASSERT((r->perms & ~PERMS_ALL) == 0);
	if (r->len == 1)
		return;
	FUZZ_ASSERT(s[r->len - 1] != '/');
	FUZZ_ASSERT(strstr(s, "//") == NULL);
	FUZZ_ASSERT(strstr(s, "/./") == NULL && strstr(s, "/../") == NULL);
	FUZZ_ASSERT(strcmp(s + r->len - 2, "/.") != 0);
	FUZZ_ASSERT(r->len < 3 || strcmp(s + r->len - 3, "/..") != 0);
}

static void
check_rules_equal(const struct fdb_policy *a, const struct fdb_policy *b)
{
	const struct policy_rule **ra, **rb;
	size_t na, nb, i;

	ra = sorted_rules(a, &na);
	rb = sorted_rules(b, &nb);
	FUZZ_ASSERT(na == nb);
	for (i = 0; i < na; i++) {
		FUZZ_ASSERT(strcmp(ra[i]->path, rb[i]->path) == 0);
		FUZZ_ASSERT(ra[i]->len == rb[i]->len);
		FUZZ_ASSERT(ra[i]->perms == rb[i]->perms);
		FUZZ_ASSERT(ra[i]->exact == rb[i]->exact);
	}
	free(ra);
	free(rb);
	check_globs_equal(a, b);
}

/* fdbroker.h: adding a path twice unites, and a deny on it wins. */
static unsigned
unite(unsigned a, unsigned b)
{
	return (a == 0 || b == 0) ? 0 : (a | b);
}

static unsigned
sentinel_perms(const char *path, int *found)
{
	size_t i;

	for (i = 0; i < NSENTINELS; i++)
		if (strcmp(sentinels[i].path, path) == 0) {
			*found = 1;
			return sentinels[i].perms;
		}
	*found = 0;
	return 0;
}

/*
 * @p1 had the sentinels before the parse that gave @p0 its rules: it has
 * the rules of both, united where the paths are the same.
 */
static void
check_merged(const struct fdb_policy *p0, const struct fdb_policy *p1)
{
	const struct policy_rule *r0, *r1;
	size_t n0, n1, i, j, hits = 0;
	unsigned want;
	int in_s, in_0;

	r0 = policy_rules(p0, &n0);
	r1 = policy_rules(p1, &n1);
	/* The sentinels are tree rules: an exact rule is another rule. */
	for (i = 0; i < n0; i++) {
		(void)sentinel_perms(r0[i].path, &in_s);
		hits += (size_t)(in_s && !r0[i].exact);
	}
	FUZZ_ASSERT(n1 == n0 + NSENTINELS - hits);
	for (j = 0; j < n1; j++) {
		check_normal(&r1[j]);
		want = sentinel_perms(r1[j].path, &in_s);
		in_s = in_s && !r1[j].exact;
		for (i = 0, in_0 = 0; !in_0 && i < n0; i++)
			in_0 = strcmp(r0[i].path, r1[j].path) == 0 &&
			    r0[i].exact == r1[j].exact;
		FUZZ_ASSERT(in_s || in_0);
		if (in_0)
			want = in_s ? unite(want, r0[i - 1].perms) :
			    r0[i - 1].perms;
		FUZZ_ASSERT(r1[j].perms == want);
	}
	check_globs_equal(p0, p1);
}

/*
 * Line @lineno (@len bytes, no '\n') alone, as a file and as a rule.  A
 * rule goes into @q; the first bad line is recorded in @v.
 */
static void
check_line(const char *line, size_t len, struct fdb_policy *q,
	   struct line_verdict *v, unsigned long lineno)
{
	static const char prefix[] = NAME ":1: ";
	struct fdb_policy *one;
	char err[ERR_MAX], why[ERR_MAX], *s;
	size_t n, nq;
	int r, rr;

	one = policy_new_or_die();
	err[0] = '\0';
	errno = 0;
	r = policy_file_parse(one, NAME, line, len, err, sizeof(err));
	if (r == -1) {
		FUZZ_ASSERT(errno == EINVAL);
		FUZZ_ASSERT(strncmp(err, prefix, sizeof(prefix) - 1) == 0);
		FUZZ_ASSERT(err[sizeof(prefix) - 1] != '\0');
		if (v->bad == 0) {
			v->bad = lineno;
			strcpy(v->why, err + sizeof(prefix) - 1);
		}
	}
	n = nall(one);
	FUZZ_ASSERT(n <= 1 && (r == 0 || n == 0));
	/* fdb_policy_add_rule() takes a string: a NUL can't reach it. */
	if (memchr(line, '\0', len) != NULL) {
		FUZZ_ASSERT(r == -1);
		fdb_policy_free(one);
		return;
	}
	if ((s = strndup(line, len)) == NULL)
		abort();
	nq = nall(q);
	why[0] = '\0';
	errno = 0;
	rr = fdb_policy_add_rule(q, s, why, sizeof(why));
	if (r == -1) {
		FUZZ_ASSERT(rr == -1 && errno == EINVAL);
		FUZZ_ASSERT(strcmp(why, err + sizeof(prefix) - 1) == 0);
	} else if (n == 0) {
		/* A blank or comment line is not a rule. */
		FUZZ_ASSERT(rr == -1 && errno == EINVAL && why[0] != '\0');
	} else {
		FUZZ_ASSERT(rr == 0);
	}
	if (rr == -1)
		FUZZ_ASSERT(nall(q) == nq);
	free(s);
	fdb_policy_free(one);
}

/* The same refusal into a buffer of 1 to 16 bytes: cut, never overrun. */
static void
check_small_err(const uint8_t *data, size_t size, const char *err)
{
	struct fdb_policy *p;
	size_t errlen = 1 + (size > 0 ? data[size - 1] % 16 : 0);
	char *small;
	int r;

	if ((small = malloc(errlen)) == NULL)
		abort();
	memset(small, 'X', errlen);
	p = policy_new_or_die();
	r = policy_file_parse(p, NAME, (const char *)data, size, small,
			      errlen);
	FUZZ_ASSERT(r == -1 && errno == EINVAL);
	FUZZ_ASSERT(memchr(small, '\0', errlen) != NULL);
	FUZZ_ASSERT(strncmp(small, err, errlen - 1) == 0);
	free(small);
	fdb_policy_free(p);
}

/*
 * Written back as "PERMS PATH" lines, the rules parse to themselves.  The
 * format has no quoting, so a path that ends in a blank ("r /a /." gives
 * "/a ") cannot be written back: such policies are left out.
 */
static void
check_round_trip(const struct fdb_policy *p0)
{
	const struct policy_rule *r;
	const struct policy_rule *g;
	struct fdb_policy *p2;
	char err[ERR_MAX], perms[8], *text, *t;
	size_t n, ng, i, len = 0;
	int c;

	r = policy_rules(p0, &n);
	g = policy_globs(p0, &ng);
	for (i = 0; i < n + ng; i++) {
		c = i < n ? r[i].path[r[i].len - 1] : g[i - n].path[
		    g[i - n].len - 1];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v')
			return;
		len += (i < n ? r[i].len : g[i - n].len) + 13;
	}
	if ((text = malloc(len + 1)) == NULL)
		abort();
	for (i = 0, t = text; i < n; i++) {
		policy_perms_string(r[i].perms, perms);
		t += sprintf(t, "%s%s %s\n", r[i].exact ? "exact " : "",
		    perms, r[i].path);
	}
	for (i = 0; i < ng; i++)
		t += sprintf(t, "%sdeny %s\n", g[i].exact ? "exact " : "",
		    g[i].path);
	p2 = policy_new_or_die();
	FUZZ_ASSERT(policy_file_parse(p2, NAME, text, (size_t)(t - text), err,
				      sizeof(err)) == 0);
	check_rules_equal(p0, p2);
	fdb_policy_free(p2);
	free(text);
}

/* A rule with a newline in it is refused: it would be two, or a path. */
static void
check_newline_rule(const uint8_t *data, size_t size)
{
	struct fdb_policy *p;
	char *s;

	if ((s = strndup((const char *)data, size)) == NULL)
		abort();
	if (strchr(s, '\n') != NULL) {
		p = policy_new_or_die();
		errno = 0;
		FUZZ_ASSERT(fdb_policy_add_rule(p, s, NULL, 0) == -1);
		FUZZ_ASSERT(errno == EINVAL);
		FUZZ_ASSERT(nall(p) == 0);
		fdb_policy_free(p);
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdb_policy *p0, *p1, *q;
	struct line_verdict v;
	const char *text = (const char *)data, *nl;
	char err[ERR_MAX], want[ERR_MAX + 64];
	unsigned long lineno = 0;
	size_t pos, end, i;
	int r;

	v.bad = 0;
	v.why[0] = '\0';
	q = policy_new_or_die();
	for (pos = 0; pos < size; pos = end + 1) {
		lineno++;
		nl = memchr(text + pos, '\n', size - pos);
		end = nl != NULL ? (size_t)(nl - text) : size;
		check_line(text + pos, end - pos, q, &v, lineno);
	}

	p0 = policy_new_or_die();
	err[0] = '\0';
	errno = 0;
	r = policy_file_parse(p0, NAME, text, size, err, sizeof(err));
	if (v.bad != 0) {
		FUZZ_ASSERT(r == -1 && errno == EINVAL);
		snprintf(want, sizeof(want), "%s:%lu: %s", NAME, v.bad, v.why);
		FUZZ_ASSERT(strcmp(err, want) == 0);
		FUZZ_ASSERT(nall(p0) == 0);
		check_small_err(data, size, err);
	} else {
		FUZZ_ASSERT(r == 0);
		check_rules_equal(p0, q);
		check_round_trip(p0);
	}

	p1 = policy_new_or_die();
	for (i = 0; i < NSENTINELS; i++)
		if (fdb_policy_add(p1, sentinels[i].path,
				   sentinels[i].perms) == -1)
			abort();
	FUZZ_ASSERT(policy_file_parse(p1, NAME, text, size, NULL, 0) == r);
	check_merged(p0, p1);

	check_newline_rule(data, size);
	fdb_policy_free(p1);
	fdb_policy_free(p0);
	fdb_policy_free(q);
	return 0;
}
