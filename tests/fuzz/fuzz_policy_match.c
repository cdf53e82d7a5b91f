/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy_match.c: libFuzzer target for the path normaliser and the
 * matcher of src/policy.c, which decide what a child gets.  The input is
 * one byte of permissions (low nibble: what is asked; high nibble: the
 * rule's), then a path, or a rule path, a NUL and a path.  It checks:
 *  - policy_normalise() gives what a component stack gives, and its
 *    result is absolute, has no "//", "/./", "/../", no trailing '/', "."
 *    or "..", and normalises to itself; it never writes past @outlen and
 *    refuses with ENAMETOOLONG only what does not fit;
 *  - policy_match() on two fixed policies (without and with a rule on "/")
 *    and on the fuzzed rule added to them picks the longest rule that is
 *    the path or a prefix of it ending at a '/', as a scan of all rules
 *    does; policy_allows() agrees with that rule's permissions;
 *  - a path not in normal form never matches (fail closed);
 *  - a fuzzed deny rule with '*' or '?' is a glob, kept apart from the
 *    rules, and matches (policy_match() returns it) exactly when a plain
 *    recursive matcher says the path or a directory above it matches.
 * Owns nothing outside tests/fuzz/.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"
#include "fuzz.h"
#include "policy.h"

#define PERMS_ALL	(FDB_R | FDB_W | FDB_C | FDB_X)

/* Spelled loosely on purpose: fdb_policy_add() must normalise them. */
static const struct {
	const char *path;
	unsigned perms;
} fixed_rules[] = {
	{ "/usr", FDB_R },
	{ "/usr/lib/", FDB_R | FDB_X },
	{ "/usr//lib/secret", FDB_DENY },
	{ "/tmp/a", FDB_R | FDB_W | FDB_C },
	{ "/tmp/ab", FDB_W },
	{ "/tmp/./a/b", FDB_DENY },
	{ "/etc/passwd", FDB_R },
	{ "/home/user", FDB_R | FDB_W },
	{ "/home/user/.ssh", FDB_DENY },
	{ "/dev/null", FDB_R | FDB_W },
	{ "/a/b/c/d", FDB_X },
	{ "/a/x/../", FDB_C },
};
#define NFIXED	(sizeof(fixed_rules) / sizeof(fixed_rules[0]))

/* Built once: without a rule on "/", and with "r /". */
static struct fdb_policy *fixed;
static struct fdb_policy *fixed_root;
/* What policy_allows() must overwrite. */
static const struct policy_rule poison;

static long	ref_normalise(const char *path, char *out, size_t *peak);
static void	check_normal_form(const char *s, size_t len);
static void	check_normalise(const char *path, char *ref, size_t *reflen);
static void	check_rules(const struct fdb_policy *p);
static int	covers(const struct policy_rule *r, const char *path,
		       size_t len);
static void	check_match(const struct fdb_policy *p, const char *path,
			    unsigned need);
static void	check_rule(const char *rule, unsigned perms, const char *path,
			   unsigned need);

/*
 * The normal form by another road: a stack of components.  @out holds
 * strlen(@path) + 2 bytes.  *@peak gets the longest intermediate form,
 * which a bounded normaliser may need room for.
 */
static long
ref_normalise(const char *path, char *out, size_t *peak)
{
	size_t *starts, k = 0, o = 0, n;
	const char *s = path, *e;

	if ((starts = malloc((strlen(path) / 2 + 2) * sizeof(*starts))) ==
	    NULL)
		abort();
	*peak = 0;
	for (;;) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchrnul(s, '/');
		n = (size_t)(e - s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (k > 0)
				o = starts[--k];
		} else if (n != 1 || s[0] != '.') {
			starts[k++] = o;
			out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
			if (o > *peak)
				*peak = o;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '/';
	if (o > *peak)
		*peak = o;
	out[o] = '\0';
	free(starts);
	return (long)o;
}

static void
check_normal_form(const char *s, size_t len)
{
	const char *c, *e;

	FUZZ_ASSERT(s[0] == '/' && strlen(s) == len);
	if (len == 1)
		return;
	FUZZ_ASSERT(s[len - 1] != '/');
	FUZZ_ASSERT(strstr(s, "//") == NULL);
	FUZZ_ASSERT(strstr(s, "/./") == NULL && strstr(s, "/../") == NULL);
	for (c = s + 1;; c = e + 1) {
		e = strchrnul(c, '/');
		FUZZ_ASSERT(e > c);
		FUZZ_ASSERT(!(e - c == 1 && c[0] == '.'));
		FUZZ_ASSERT(!(e - c == 2 && c[0] == '.' && c[1] == '.'));
		if (*e == '\0')
			break;
	}
}

/*
 * Normalise @path into PATH_MAX bytes and into exact-size heap buffers
 * (ASan sees any overrun), against the reference.  @ref (strlen(@path) +
 * 2 bytes) gets the reference form, *@reflen its length, or -1 cast when
 * @path is not absolute.
 */
static void
check_normalise(const char *path, char *ref, size_t *reflen)
{
	char buf[PATH_MAX], again[PATH_MAX], *exact;
	size_t peak;
	long n, m;

	*reflen = (size_t)-1;
	errno = 0;
	n = policy_normalise(path, buf, sizeof(buf));
	if (path[0] != '/') {
		FUZZ_ASSERT(n == -1 && errno == EINVAL);
		return;
	}
	*reflen = (size_t)ref_normalise(path, ref, &peak);
	if (n == -1) {
		/* Refused only when something did not fit. */
		FUZZ_ASSERT(errno == ENAMETOOLONG && peak + 1 > sizeof(buf));
		return;
	}
	FUZZ_ASSERT((size_t)n == *reflen && strcmp(buf, ref) == 0);
	check_normal_form(buf, (size_t)n);
	FUZZ_ASSERT(policy_normalise(buf, again, sizeof(again)) == n);
	FUZZ_ASSERT(strcmp(again, buf) == 0);

	/* Room for the result and its NUL, then one byte less. */
	if ((exact = malloc((size_t)n + 1)) == NULL)
		abort();
	errno = 0;
	m = policy_normalise(path, exact, (size_t)n + 1);
	if (m == -1)
		FUZZ_ASSERT(errno == ENAMETOOLONG && peak > (size_t)n);
	else
		FUZZ_ASSERT(m == n && strcmp(exact, buf) == 0);
	errno = 0;
	FUZZ_ASSERT(policy_normalise(path, exact, (size_t)n) == -1);
	FUZZ_ASSERT(errno == ENAMETOOLONG);
	free(exact);
}

/* Every rule normal, every path once. */
static void
check_rules(const struct fdb_policy *p)
{
	const struct policy_rule *r;
	size_t n, i, j;

	r = policy_rules(p, &n);
	for (i = 0; i < n; i++) {
		check_normal_form(r[i].path, r[i].len);
		FUZZ_ASSERT((r[i].perms & ~PERMS_ALL) == 0);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(r[i].path, r[j].path) != 0);
	}
}

/* "/tmp/a" covers "/tmp/a" and "/tmp/a/b", never "/tmp/ab"; "/" all. */
static int
covers(const struct policy_rule *r, const char *path, size_t len)
{
	if (r->len > len || memcmp(r->path, path, r->len) != 0)
		return 0;
	return path[r->len] == '\0' || path[r->len] == '/' ||
	    (r->len == 1 && r->path[0] == '/');
}

/* Whether @s starts with the component @c (then *@s moves past it). */
static int
comp_is(const char **s, const char *c, int digits)
{
	size_t n = digits ? strspn(*s, "0123456789") : strlen(c);

	if (n == 0 || (!digits && strncmp(*s, c, n) != 0) ||
	    ((*s)[n] != '/' && (*s)[n] != '\0'))
		return 0;
	*s += n + ((*s)[n] == '/');
	return 1;
}

/*
 * SPEC §3: /proc/{self,PID}[/task/TID]/net and what is beneath is granted
 * only by a rule at least that long (a rule that names it).
 */
static size_t
view_len_ref(const char *path)
{
	const char *s = path, *t;

	if (strncmp(s, "/proc/", 6) != 0)
		return 0;
	s += 6;
	t = s;
	if (comp_is(&t, "self", 0) || comp_is(&t, NULL, 1))
		s = t;
	t = s;
	if (comp_is(&t, "task", 0) && comp_is(&t, NULL, 1))
		s = t;
	if (strncmp(s, "net", 3) != 0 || (s[3] != '\0' && s[3] != '/'))
		return 0;
	return (size_t)(s + 3 - path);
}

static void
check_match(const struct fdb_policy *p, const char *path, unsigned need)
{
	const struct policy_rule *r, *m, *best = NULL, *got;
	size_t n, i, len = strlen(path);
	int a;

	m = policy_match(p, path);
	r = policy_rules(p, &n);
	for (i = 0; i < n; i++)
		if (covers(&r[i], path, len) &&
		    (best == NULL || r[i].len > best->len))
			best = &r[i];
	FUZZ_ASSERT(m == best);
	if (m != NULL) {
		FUZZ_ASSERT(m->len <= len);
		FUZZ_ASSERT(memcmp(m->path, path, m->len) == 0);
		FUZZ_ASSERT(path[m->len] == '\0' || path[m->len] == '/' ||
			    strcmp(m->path, "/") == 0);
	}
	got = &poison;
	a = policy_allows(p, path, need, &got);
	FUZZ_ASSERT(got == m);
	FUZZ_ASSERT(a == (m != NULL && m->perms != 0 &&
			  (need & ~m->perms) == 0 &&
			  m->len >= view_len_ref(path)));
	FUZZ_ASSERT(policy_allows(p, path, need, NULL) == a);
}

/*
 * The references below are tables filled from the end, as the textbook
 * has them, not the broker's greedy scans: a different way to the same
 * answer, and never exponential (a plain recursion timed out on "***a"
 * and long runs of 'a').
 */

/* Reference for one glob component: '*' any run, '?' one character. */
static int
ref_comp(const char *p, size_t pl, const char *s, size_t sl)
{
	unsigned char *next = calloc(sl + 2, 1), *cur = calloc(sl + 2, 1), *t;
	size_t i, j;
	int r;

	FUZZ_ASSERT(next != NULL && cur != NULL);
	next[sl] = 1;			/* the empty pattern: the empty rest */
	for (i = pl; i-- > 0;) {
		for (j = sl + 1; j-- > 0;)
			cur[j] = p[i] == '*' ? next[j] || (j < sl && cur[j + 1]) :
			    j < sl && (p[i] == '?' || p[i] == s[j]) &&
			    next[j + 1];
		t = next;
		next = cur;
		cur = t;
	}
	r = next[0];
	free(next);
	free(cur);
	return r;
}

/* The components of @x, split at each '/': starts and lengths; a count. */
static size_t
ref_split(const char *x, const char **at, size_t *len)
{
	size_t n = 0;

	while (*x != '\0') {
		at[n] = x;
		len[n] = strcspn(x, "/");
		x += len[n] + (x[len[n]] == '/');
		n++;
	}
	return n;
}

/*
 * Reference for a glob: @p and @s are the rest of the pattern and of the
 * path after a '/'.  "**" is any number of components; the pattern used
 * up before the path is a directory above it, a match unless @exact.
 */
static int
ref_glob(const char *p, const char *s, int exact)
{
	size_t np, ns, i, j, w, pn = strlen(p) + 1, sn = strlen(s) + 1;
	const char **pa = calloc(pn, sizeof(*pa)), **sa = calloc(sn,
	    sizeof(*sa));
	size_t *plen = calloc(pn, sizeof(*plen)), *slen = calloc(sn,
	    sizeof(*slen));
	unsigned char *m;
	int r;

	FUZZ_ASSERT(pa != NULL && sa != NULL && plen != NULL && slen != NULL);
	np = ref_split(p, pa, plen);
	ns = ref_split(s, sa, slen);
	w = ns + 1;
	FUZZ_ASSERT((m = calloc((np + 1) * w, 1)) != NULL);
	for (i = np + 1; i-- > 0;)
		for (j = ns + 1; j-- > 0;)
			if (i == np)
				m[i * w + j] = j == ns || !exact;
			else if (plen[i] == 2 && pa[i][0] == '*' &&
			    pa[i][1] == '*')
				m[i * w + j] = m[(i + 1) * w + j] ||
				    (j < ns && m[i * w + j + 1]);
			else
				m[i * w + j] = j < ns && m[(i + 1) * w + j + 1] &&
				    ref_comp(pa[i], plen[i], sa[j], slen[j]);
	r = m[0];
	free(m);
	free(pa);
	free(sa);
	free(plen);
	free(slen);
	return r;
}

/*
 * A deny glob: kept apart from the rules, and it matches @path (normal)
 * as the reference does.  The reference is exponential: few wildcards.
 * Returns 0 when @rule is no glob once normalised (a ".." took the
 * wildcards away): a plain rule, for check_rule().
 */
static int
check_glob(const char *rule, const char *path)
{
	const struct policy_rule *g;
	struct fdb_policy *q;
	char abs[PATH_MAX], nr[PATH_MAX];
	size_t n, ng, stars = 0;
	const char *c;
	int wn;

	for (c = rule; *c != '\0'; c++)
		stars += *c == '*';
	if ((q = fdb_policy_new()) == NULL)
		abort();
	if (chdir("/") == -1)
		abort();
	/* A "**" rule is from the root; other relative rules from "/". */
	wn = rule[0] == '/' ? 0 : snprintf(abs, sizeof(abs), "%s%s",
	    strncmp(rule, "**/", 3) == 0 ? "/" : "//", rule);
	if (wn < 0 || (size_t)wn >= sizeof(abs) || rule[0] == '\0' ||
	    policy_normalise(rule[0] == '/' ? rule : abs, nr,
	    sizeof(nr)) == -1) {
		FUZZ_ASSERT(fdb_policy_add(q, rule, FDB_DENY) == -1);
		fdb_policy_free(q);
		return 1;
	}
	if (!policy_glob_path(nr)) {
		fdb_policy_free(q);
		return 0;
	}
	FUZZ_ASSERT(fdb_policy_add(q, rule, FDB_DENY) == 0);
	(void)policy_rules(q, &n);
	g = policy_globs(q, &ng);
	FUZZ_ASSERT(n == 0 && ng == 1 && strcmp(g[0].path, nr) == 0);
	FUZZ_ASSERT(policy_is_glob(q, &g[0]));
	/* A glob matches itself, read as a path. */
	FUZZ_ASSERT(policy_match(q, nr) == &g[0]);
	if (stars <= 6)
		FUZZ_ASSERT((policy_match(q, path) == &g[0]) ==
		    ref_glob(nr + 1, path + 1, 0));
	FUZZ_ASSERT(policy_allows(q, path, FDB_R, NULL) == 0);
	fdb_policy_free(q);
	return 1;
}

/*
 * The fuzzed @rule alone, then with the fixed rules added: it is there,
 * normalised and united with a fixed rule on the same path, and decides
 * as the scan says.
 */
static void
check_rule(const char *rule, unsigned perms, const char *path, unsigned need)
{
	const struct policy_rule *fr, *r;
	struct fdb_policy *q;
	char nr[PATH_MAX];
	size_t n, nf, i;
	long len;
	int rc, e = 0;

	char abs[PATH_MAX];
	const char *src = rule;
	int wn = 0;

	if (perms == 0 && policy_glob_path(rule) && check_glob(rule, path))
		return;
	/*
	 * fdb_policy_add takes a relative rule from the current directory,
	 * joined as CWD "/" RULE into PATH_MAX bytes: run from "/", where
	 * "x" means "//x".  An absolute rule is normalised as it is.
	 */
	if (rule[0] != '/' && rule[0] != '\0') {
		if (chdir("/") == -1)
			abort();
		wn = snprintf(abs, sizeof(abs), "//%s", rule);
		src = abs;
	}
	errno = 0;
	if (wn < 0 || (size_t)wn >= sizeof(abs)) {
		len = -1;
		e = ENAMETOOLONG;
	} else if ((len = policy_normalise(src, nr, sizeof(nr))) == -1) {
		e = errno;
	}
	if ((q = fdb_policy_new()) == NULL)
		abort();
	errno = 0;
	rc = fdb_policy_add(q, rule, perms);
	FUZZ_ASSERT(rc == (len == -1 ? -1 : 0));
	r = policy_rules(q, &n);
	if (rc == -1) {
		FUZZ_ASSERT(errno == e && n == 0);
		fdb_policy_free(q);
		return;
	}
	FUZZ_ASSERT(n == 1 && strcmp(r[0].path, nr) == 0);
	FUZZ_ASSERT(r[0].len == (size_t)len && r[0].perms == perms);
	FUZZ_ASSERT(policy_match(q, nr) == &r[0]);
	check_match(q, path, need);

	fr = policy_rules(fixed, &nf);
	FUZZ_ASSERT(policy_add_rules(q, fr, nf) == 0);
	check_rules(q);
	r = policy_match(q, nr);
	FUZZ_ASSERT(r != NULL && strcmp(r->path, nr) == 0);
	for (i = 0; i < nf; i++)
		if (strcmp(fr[i].path, nr) == 0)
			break;
	if (i == nf)
		FUZZ_ASSERT(r->perms == perms);
	else if (perms == 0 || fr[i].perms == 0)
		FUZZ_ASSERT(r->perms == 0);
	else
		FUZZ_ASSERT(r->perms == (perms | fr[i].perms));
	check_match(q, path, need);
	fdb_policy_free(q);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	if ((fixed = fdb_policy_new()) == NULL ||
	    (fixed_root = fdb_policy_new()) == NULL)
		abort();
	for (i = 0; i < NFIXED; i++)
		if (fdb_policy_add(fixed, fixed_rules[i].path,
				   fixed_rules[i].perms) == -1 ||
		    fdb_policy_add(fixed_root, fixed_rules[i].path,
				   fixed_rules[i].perms) == -1)
			abort();
	if (fdb_policy_add(fixed_root, "/", FDB_R) == -1)
		abort();
	check_rules(fixed);
	check_rules(fixed_root);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *path, *rule = NULL, *ref, *rref;
	unsigned need, perms;
	size_t reflen, rlen;

	if (size < 1)
		return 0;
	need = data[0] & PERMS_ALL;
	perms = (data[0] >> 4) & PERMS_ALL;
	/* A NUL-terminated copy: the API takes strings. */
	if ((in = malloc(size)) == NULL)
		abort();
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	path = in;
	if (strlen(in) < size - 1) {
		rule = in;
		path = in + strlen(in) + 1;
	}
	if ((ref = malloc(strlen(path) + 2)) == NULL)
		abort();

	check_normalise(path, ref, &reflen);
	if (rule != NULL) {
		if ((rref = malloc(strlen(rule) + 2)) == NULL)
			abort();
		check_normalise(rule, rref, &rlen);
		free(rref);
	}
	/* A path not in normal form never matches: fail closed. */
	if (reflen == (size_t)-1 || strcmp(path, ref) != 0) {
		FUZZ_ASSERT(policy_match(fixed, path) == NULL);
		FUZZ_ASSERT(policy_match(fixed_root, path) == NULL);
		FUZZ_ASSERT(policy_allows(fixed_root, path, need, NULL) == 0);
	}
	if (reflen != (size_t)-1) {
		check_match(fixed, ref, need);
		check_match(fixed_root, ref, need);
		if (rule != NULL)
			check_rule(rule, perms, ref, need);
	}
	free(ref);
	free(in);
	return 0;
}
