/* SPDX-License-Identifier: MIT */
/*
 * policy.c: the rule set and the decision "may this path be used with
 * these permissions" (SPEC §3).  Owns struct fdb_policy, which is opaque
 * everywhere else.  Pure: no system calls, no filesystem; the paths it
 * sees have been resolved and normalised by the caller.  policy_match()
 * is on the broker's hot path and never allocates; a policy without deny
 * globs pays one test for them.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "fdbroker.h"
#include "policy.h"
#include "profile.h"

#define PERMS_ALL	(FDB_R | FDB_W | FDB_C | FDB_X)

/*
 * glibc defines O_LARGEFILE as 0 on x86_64, but the kernel still has the
 * bit (and sets it itself on 64-bit opens), so a raw system call may carry
 * it.  Name the kernel's value.
 */
#if defined(__x86_64__) || defined(__i386__)
#define KERNEL_O_LARGEFILE	00100000
#else
#define KERNEL_O_LARGEFILE	O_LARGEFILE
#endif

/* glibc's __O_TMPFILE includes O_DIRECTORY; this is the bit alone. */
#define TMPFILE_BIT	(O_TMPFILE & ~O_DIRECTORY)

/* O_SYNC includes __O_SYNC; O_TMPFILE includes O_DIRECTORY. */
#define OPEN_KNOWN_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | \
	O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_ASYNC | O_DIRECT | \
	KERNEL_O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | \
	O_CLOEXEC | O_PATH | O_TMPFILE)

struct fdb_policy {
	struct policy_rule *rules;	/* sorted by rule_cmp(), unique */
	size_t n;
	size_t cap;
	/*
	 * Deny rules whose path is a glob (policy_is_glob()), matched at
	 * each request; apart, so that the longest-match loop and what is
	 * derived from the rules (Landlock, --learn) never see them.
	 */
	struct policy_rule *globs;	/* unique, in the order added */
	size_t nglobs;
};

static long normal_len(const char *path);
static int rules_valid(const struct policy_rule *rules, size_t n);
static size_t view_len(const char *path);
static int rule_cmp(const void *a, const void *b);
static void unite(struct policy_rule *a, const struct policy_rule *b);
static size_t coalesce(struct policy_rule *r, size_t n);
static int reserve(struct fdb_policy *p, size_t n);
static void merge(struct fdb_policy *p, struct policy_rule *add, size_t m,
		  size_t fresh);
static const struct policy_rule *glob_any(const struct fdb_policy *p,
					  const char *path);
static int glob_match(const char *pat, const char *path, int exact);
static int comp_match(const char *p, size_t pl, const char *s, size_t sl);
static int add_globs(struct fdb_policy *p, const struct policy_rule *rules,
		     size_t n, size_t *kept);

FDB_API struct fdb_policy *
fdb_policy_new(void)
{
	struct fdb_policy *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		errno = ENOMEM;
	return p;
}

FDB_API void
fdb_policy_free(struct fdb_policy *p)
{
	int save_errno = errno;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->rules[i].path);
	for (i = 0; i < p->nglobs; i++)
		free(p->globs[i].path);
	free(p->rules);
	free(p->globs);
	free(p);
	errno = save_errno;
}

FDB_API int
fdb_policy_add(struct fdb_policy *p, const char *path, unsigned perms)
{
	char buf[PATH_MAX], joined[PATH_MAX];
	struct policy_rule r;
	long len;

	if (p == NULL || path == NULL ||
	    (perms & ~(PERMS_ALL | FDB_EXACT | FDB_ABSENT)) != 0 ||
	    ((perms & FDB_ABSENT) && (perms & PERMS_ALL) != 0)) {
		errno = EINVAL;
		return -1;
	}
	/* "**\/NAME" is NAME anywhere: a deny glob from the root. */
	if (strncmp(path, "**/", 3) == 0 && (perms & PERMS_ALL) == 0) {
		if (snprintf(joined, sizeof(joined), "/%s", path) >=
		    (int)sizeof(joined)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		path = joined;
	} else if (path[0] != '/' && path[0] != '\0') {
		/* As the command line: relative to the current directory. */
		char cwd[PATH_MAX];
		int n;

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -1;
		n = snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
		if (n < 0 || (size_t)n >= sizeof(joined)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		path = joined;
	}
	if ((len = policy_normalise(path, buf, sizeof(buf))) == -1)
		return -1;
	r.path = buf;
	r.len = (size_t)len;
	r.perms = perms & PERMS_ALL;
	r.exact = (perms & FDB_EXACT) != 0;
	r.absent = (perms & FDB_ABSENT) != 0;
	return policy_add_rules(p, &r, 1);
}

FDB_API int
fdb_policy_add_profile(struct fdb_policy *p, const char *name)
{
	if (p == NULL || name == NULL) {
		errno = EINVAL;
		return -1;
	}
	return profile_add(p, name);
}

long
policy_normalise(const char *path, char *out, size_t outlen)
{
	const char *s, *e;
	size_t o = 0, n, lost = 0;

	if (path == NULL || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	for (s = path;; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		n = (size_t)(e - s);
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			/* Drop the last component; at "/" (o == 0) stay. */
			if (lost > 0)
				lost--;
			else
				while (o > 0 && out[--o] != '/')
					;
			continue;
		}
		/*
		 * Only the result must fit: components past the end of @out
		 * are counted, not kept, until a ".." takes them back.
		 */
		if (lost > 0 || o + 1 + n >= outlen) {
			lost++;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (lost > 0)
		goto toolong;
	if (o == 0) {
		if (outlen < 2)
			goto toolong;
		out[o++] = '/';
	}
	out[o] = '\0';
	return (long)o;
toolong:
	errno = ENAMETOOLONG;
	return -1;
}

const struct policy_rule *
policy_match(const struct fdb_policy *p, const char *path)
{
	const struct policy_rule *r, *best = NULL;
	size_t i, len;
	long n;

	/*
	 * The match is lexical, so "/tmp/a/../../etc" would look like it
	 * sits under "/tmp/a".  The resolver hands us normal forms only;
	 * anything else is a bug there, and we fail closed on it.
	 */
	if (p == NULL || path == NULL || (n = normal_len(path)) == -1)
		return NULL;
	len = (size_t)n;
	for (i = 0; i < p->n; i++) {
		r = &p->rules[i];
		/* On one path an exact rule is the more specific of the two. */
		if (r->len > len || (r->exact && r->len != len) ||
		    (best != NULL && (r->len < best->len || (r->len ==
		    best->len && (!r->exact || best->exact)))))
			continue;
		/* "/tmp/a" covers "/tmp/a/b", not "/tmp/ab"; "/" covers all. */
		if (r->len > 1 && path[r->len] != '\0' && path[r->len] != '/')
			continue;
		/*
		 * Rules share their first bytes ("/usr/..."), rarely their
		 * last: comparing that one first halves the cost of a miss.
		 */
		if (r->path[r->len - 1] != path[r->len - 1] ||
		    memcmp(r->path, path, r->len) != 0)
			continue;
		best = r;
	}
	/* A deny glob refuses what the rules grant, never the reverse. */
	if (p->nglobs > 0 && (r = glob_any(p, path)) != NULL)
		best = r;
	return best;
}

int
policy_is_glob(const struct fdb_policy *p, const struct policy_rule *r)
{
	return r != NULL && p->nglobs > 0 && r >= p->globs &&
	    r < p->globs + p->nglobs;
}

int
policy_glob_path(const char *path)
{
	return strpbrk(path, "*?") != NULL;
}

const struct policy_rule *
policy_globs(const struct fdb_policy *p, size_t *n)
{
	*n = p->nglobs;
	return p->globs;
}

int
policy_globs_beneath(const struct fdb_policy *p, const char *path)
{
	size_t i, k, len = strlen(path);
	const char *g;

	/*
	 * A glob can match beneath @path only if its literal start (the
	 * components before the first wildcard) and @path lie on one line:
	 * one is a prefix of the other at a component boundary.
	 */
	for (i = 0; i < p->nglobs; i++) {
		g = p->globs[i].path;
		k = (size_t)(strpbrk(g, "*?") - g);
		while (k > 0 && g[k - 1] != '/')
			k--;
		if (k <= 1 || len == 1)
			return 1;
		k--;	/* without its final '/' */
		if (memcmp(g, path, k < len ? k : len) == 0 &&
		    (k == len || (k < len ? path[k] : g[len]) == '/'))
			return 1;
	}
	return 0;
}

int
policy_allows(const struct fdb_policy *p, const char *path, unsigned need,
	      const struct policy_rule **rule)
{
	const struct policy_rule *r;

	r = policy_match(p, path);
	if (rule != NULL)
		*rule = r;
	/* A deny grants nothing, not even an empty need. */
	return r != NULL && r->perms != 0 && (need & ~r->perms) == 0 &&
	    r->len >= view_len(path);
}

int
policy_open_need(int flags, unsigned *need_existing, unsigned *need_new)
{
	unsigned f = (unsigned)flags, need = 0;

	if ((f & ~(unsigned)OPEN_KNOWN_FLAGS) != 0)
		goto inval;
	/*
	 * With O_PATH the kernel (open, openat) keeps only O_DIRECTORY,
	 * O_NOFOLLOW and O_CLOEXEC: nothing is read, written or created.
	 */
	if (f & O_PATH) {
		need = FDB_R;
		goto out;
	}
	switch (f & O_ACCMODE) {
	case O_RDONLY:
		need = FDB_R;
		break;
	case O_WRONLY:
		need = FDB_W;
		break;
	case O_RDWR:
		need = FDB_R | FDB_W;
		break;
	default:
		goto inval;
	}
	if (f & TMPFILE_BIT) {
		/*
		 * As the kernel does: O_TMPFILE means __O_TMPFILE|O_DIRECTORY
		 * without O_CREAT, opened for writing.  It creates an entry
		 * (unnamed, but linkat() can name it) in the directory.
		 */
		if ((f & (O_TMPFILE | O_CREAT)) != O_TMPFILE ||
		    (f & O_ACCMODE) == O_RDONLY)
			goto inval;
		need |= FDB_W | FDB_C;
		*need_existing = *need_new = need;
		return 0;
	}
	if (f & (O_TRUNC | O_APPEND))
		need |= FDB_W;
	if (f & O_DIRECTORY)
		need |= FDB_R;
out:
	*need_existing = need;
	*need_new = need | FDB_C;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

const char *
policy_perms_string(unsigned perms, char buf[8])
{
	char *s = buf;

	if ((perms & PERMS_ALL) == 0) {
		memcpy(buf, "deny", 5);
		return buf;
	}
	if (perms & FDB_R)
		*s++ = 'r';
	if (perms & FDB_W)
		*s++ = 'w';
	if (perms & FDB_C)
		*s++ = 'c';
	if (perms & FDB_X)
		*s++ = 'x';
	*s = '\0';
	return buf;
}

const struct policy_rule *
policy_rules(const struct fdb_policy *p, size_t *n)
{
	*n = p->n;
	return p->rules;
}

/* Absolute, normalised paths of the length said, known bits only. */
static int
rules_valid(const struct policy_rule *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rules[i].path == NULL ||
		    normal_len(rules[i].path) != (long)rules[i].len ||
		    (rules[i].perms & ~PERMS_ALL) != 0 ||
		    (rules[i].exact & ~1) != 0 || (rules[i].absent & ~1) != 0 ||
		    (rules[i].absent && (rules[i].perms != 0 ||
					 policy_glob_path(rules[i].path))))
			return 0;
	return 1;
}

int
policy_add_rules(struct fdb_policy *p, const struct policy_rule *rules,
		 size_t n)
{
	struct policy_rule *add;
	size_t i, m, fresh = 0, kept = 0;

	if (p == NULL || (n > 0 && rules == NULL) || !rules_valid(rules, n))
		goto inval;
	if (n == 0)
		return 0;
	if ((add = malloc(n * sizeof(*add))) == NULL)
		goto nomem;
	/* The deny globs go apart; they are added last, when nothing fails. */
	for (i = m = 0; i < n; i++)
		if (rules[i].perms != 0 || !policy_glob_path(rules[i].path))
			add[m++] = rules[i];
	if (add_globs(p, rules, n, &kept) == -1) {
		free(add);
		goto nomem;
	}
	if (m == 0) {
		p->nglobs = kept;
		free(add);
		return 0;
	}
	n = m;
	qsort(add, n, sizeof(*add), rule_cmp);
	m = coalesce(add, n);
	/* Everything that can fail happens before @p is touched. */
	for (i = 0; i < m; i++) {
		if ((add[i].path = strdup(add[i].path)) == NULL)
			goto fail;
		/* bsearch() must not see the NULL array of an empty @p. */
		if (p->n == 0 || bsearch(&add[i], p->rules, p->n,
					 sizeof(*add), rule_cmp) == NULL)
			fresh++;
	}
	if (reserve(p, p->n + fresh) == -1)
		goto fail;
	merge(p, add, m, fresh);
	p->nglobs = kept;
	free(add);
	return 0;
fail:
	while (i-- > 0)
		free(add[i].path);
	free(add);
	/* Forget the globs add_globs() appended past p->nglobs. */
	while (kept > p->nglobs)
		free(p->globs[--kept].path);
nomem:
	errno = ENOMEM;
	return -1;
inval:
	errno = EINVAL;
	return -1;
}

/*
 * SPEC §3: views of the whole system under /proc/self that reveal
 * ungranted paths and sockets (the socket tables of net/) are refused
 * unless a rule names them: a rule on /proc/self grants its files, not
 * /proc/self/net.  Returns the length of the view's path that @path lies
 * in (a rule must be at least that long), else 0.  "/proc/net" is a link
 * the resolver follows to "self/net"; the other forms are matched too.
 */
static size_t
view_len(const char *path)
{
	const char *s;
	size_t n;

	if (strncmp(path, "/proc/", 6) != 0)
		return 0;
	s = path + 6;
	if (strncmp(s, "self/", 5) == 0)
		s += 5;
	else if ((n = strspn(s, "0123456789")) > 0 && s[n] == '/')
		s += n + 1;
	if (strncmp(s, "task/", 5) == 0 &&
	    (n = strspn(s + 5, "0123456789")) > 0 && s[5 + n] == '/')
		s += 5 + n + 1;
	if (strncmp(s, "net", 3) != 0 || (s[3] != '\0' && s[3] != '/'))
		return 0;
	return (size_t)(s + 3 - path);
}

/* The length of @path if it is absolute and in normal form, else -1. */
static long
normal_len(const char *path)
{
	const char *s = path, *c;

	if (s[0] != '/')
		return -1;
	if (s[1] == '\0')
		return 1;
	while (*s == '/') {
		c = ++s;
		while (*s != '/' && *s != '\0')
			s++;
		/* Empty ("//", trailing '/'), "." and ".." are not normal. */
		if (s == c || (s - c == 1 && c[0] == '.') ||
		    (s - c == 2 && c[0] == '.' && c[1] == '.'))
			return -1;
	}
	return (long)(s - path);
}

/* By path, a tree rule before an exact one on the same path. */
static int
rule_cmp(const void *a, const void *b)
{
	const struct policy_rule *ra = a, *rb = b;
	int c = strcmp(ra->path, rb->path);

	return c != 0 ? c : ra->exact - rb->exact;
}

/*
 * Rules on one path unite, except that a deny there wins, in any order;
 * an absent rule is a deny that says ENOENT, while nothing else is there.
 */
static void
unite(struct policy_rule *a, const struct policy_rule *b)
{
	a->absent = a->absent && b->absent;
	a->perms = (a->perms == 0 || b->perms == 0) ? 0 : (a->perms | b->perms);
	if (a->perms != 0)
		a->absent = 0;
}

/* Fold equal paths of the sorted @r into one; returns the new count. */
static size_t
coalesce(struct policy_rule *r, size_t n)
{
	size_t i, k = 0;

	for (i = 1; i < n; i++) {
		if (rule_cmp(&r[k], &r[i]) == 0)
			unite(&r[k], &r[i]);
		else
			r[++k] = r[i];
	}
	return k + 1;
}

/* Room for @n rules; on failure @p is unchanged. */
static int
reserve(struct fdb_policy *p, size_t n)
{
	struct policy_rule *r;
	size_t cap;

	if (n <= p->cap)
		return 0;
	cap = p->cap < 16 ? 16 : p->cap;
	while (cap < n)
		cap *= 2;
	if (cap > SIZE_MAX / sizeof(*r) ||
	    (r = realloc(p->rules, cap * sizeof(*r))) == NULL)
		return -1;
	p->rules = r;
	p->cap = cap;
	return 0;
}

/*
 * Merge the sorted, unique, owned @add (@fresh of them new paths) into
 * @p from the back, in place.  Cannot fail; takes the paths of @add.
 */
static void
merge(struct fdb_policy *p, struct policy_rule *add, size_t m, size_t fresh)
{
	size_t i = p->n, j = m, w = p->n + fresh;
	int c;

	while (j > 0) {
		c = i > 0 ? rule_cmp(&p->rules[i - 1], &add[j - 1]) : -1;
		if (c > 0) {
			p->rules[--w] = p->rules[--i];
		} else if (c == 0) {
			unite(&p->rules[i - 1], &add[j - 1]);
			free(add[--j].path);
			p->rules[--w] = p->rules[--i];
		} else {
			p->rules[--w] = add[--j];
		}
	}
	p->n += fresh;
}

/*
 * Append copies of the deny globs among @rules, new ones only, after
 * p->nglobs; *@kept gets the count p->nglobs will take when the caller
 * commits.  Nothing visible changes until then.
 */
static int
add_globs(struct fdb_policy *p, const struct policy_rule *rules, size_t n,
	  size_t *kept)
{
	struct policy_rule *g;
	size_t i, j, k = p->nglobs;

	for (i = 0; i < n; i++) {
		if (rules[i].perms != 0 || !policy_glob_path(rules[i].path))
			continue;
		for (j = 0; j < k; j++)
			if (strcmp(p->globs[j].path, rules[i].path) == 0 &&
			    p->globs[j].exact == rules[i].exact)
				break;
		if (j < k)
			continue;
		/* One more each time: globs are few. */
		if ((g = realloc(p->globs, (k + 1) * sizeof(*g))) == NULL)
			goto fail;
		p->globs = g;
		g[k] = rules[i];
		if ((g[k].path = strdup(rules[i].path)) == NULL)
			goto fail;
		k++;
	}
	*kept = k;
	return 0;
fail:
	while (k > p->nglobs)
		free(p->globs[--k].path);
	return -1;
}

/* The first deny glob that matches @path or a directory above it. */
static const struct policy_rule *
glob_any(const struct fdb_policy *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nglobs; i++)
		if (glob_match(p->globs[i].path, path, p->globs[i].exact))
			return &p->globs[i];
	return NULL;
}

/*
 * Whether the normalised glob @pat matches the normalised @path, or,
 * unless @exact, a directory above it (a deny covers the tree beneath,
 * as every rule does).  Component by component: "**" matches any number
 * of whole components, including none; other components are matched by
 * comp_match().  Greedy, backing up to the last "**" only: each "**"
 * absorbs what the one before it would have, so that is enough, and the
 * cost is at most components(pat) x components(path) comparisons.
 */
static int
glob_match(const char *pat, const char *path, int exact)
{
	const char *p = pat + 1, *s = path + 1, *star = NULL, *mark = NULL;
	size_t pl, sl;

	while (*s != '\0') {
		sl = strcspn(s, "/");
		pl = strcspn(p, "/");
		if (pl == 2 && p[0] == '*' && p[1] == '*') {
			p += p[pl] == '/' ? pl + 1 : pl;
			star = p;
			mark = s;
			continue;
		}
		if (*p != '\0' && comp_match(p, pl, s, sl)) {
			p += p[pl] == '/' ? pl + 1 : pl;
			s += s[sl] == '/' ? sl + 1 : sl;
			continue;
		}
		/* All of @pat matched the components so far: an ancestor. */
		if (*p == '\0' && !exact && s > path + 1)
			return 1;
		if (star == NULL)
			return 0;
		sl = strcspn(mark, "/");
		mark += mark[sl] == '/' ? sl + 1 : sl;
		s = mark;
		p = star;
	}
	while (p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0'))
		p += p[2] == '/' ? 3 : 2;
	return *p == '\0';
}

/*
 * One component: '*' matches any run of characters (a leading '.' too:
 * a deny errs on the side of matching), '?' any one character.
 */
static int
comp_match(const char *p, size_t pl, const char *s, size_t sl)
{
	size_t i = 0, j = 0, star = SIZE_MAX, mark = 0;

	while (j < sl) {
		if (i < pl && (p[i] == '?' || (p[i] != '*' && p[i] == s[j]))) {
			i++;
			j++;
		} else if (i < pl && p[i] == '*') {
			star = i++;
			mark = j;
		} else if (star != SIZE_MAX) {
			i = star + 1;
			j = ++mark;
		} else
			return 0;
	}
	while (i < pl && p[i] == '*')
		i++;
	return i == pl;
}
