/* SPDX-License-Identifier: MIT */
/*
 * learn.c: --learn's collector.  Owns a growing array of (path, perms);
 * everything is merged and sorted only when written.  What each path
 * needed is in the decision itself (the broker's op table says it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "learn.h"
#include "policy.h"

struct entry {
	char *path;
	unsigned perms;
};

struct learn {
	const struct fdb_policy *base;
	struct entry *e;
	size_t n, cap;
};

static int	 add_path(struct learn *l, const char *path, unsigned need);
static int	 entry_cmp(const void *a, const void *b);
static int	 expressible(const char *path);

struct learn *
learn_new(const struct fdb_policy *base)
{
	struct learn *l = calloc(1, sizeof(*l));

	if (l != NULL)
		l->base = base;
	return l;
}

void
learn_free(struct learn *l)
{
	int save_errno = errno;
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->e[i].path);
	free(l->e);
	free(l);
	errno = save_errno;
}

/*
 * A request that failed anyway (mkdir of a directory that exists,
 * unlink of a file that does not) made and removed nothing: it needed at
 * most to see the path, never c.  Without this, "mkdir -p" would learn c
 * on every directory it walks down.
 */
int
learn_add(struct learn *l, const struct fdb_decision *d)
{
	unsigned need = d->need, need2 = d->need2;

	if (d->error != 0) {
		need = (need & ~FDB_C) | FDB_R;
		need2 = need2 != 0 ? (need2 & ~FDB_C) | FDB_R : 0;
	}
	if (add_path(l, d->resolved, need) == -1)
		return -1;
	return add_path(l, d->resolved2, need2);
}

/* Record @path with @need, unless it is empty or the base grants it. */
static int
add_path(struct learn *l, const char *path, unsigned need)
{
	struct entry *e;

	if (path == NULL || path[0] != '/' || need == 0)
		return 0;
	if (l->base != NULL && policy_allows(l->base, path, need, NULL))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		if ((e = realloc(l->e, cap * sizeof(*e))) == NULL)
			return -1;
		l->e = e;
		l->cap = cap;
	}
	if ((l->e[l->n].path = strdup(path)) == NULL)
		return -1;
	l->e[l->n++].perms = need;
	return 0;
}

long
learn_write(struct learn *l, FILE *f, const char *what)
{
	char letters[8];
	size_t i, j;
	unsigned perms;
	long rules = 0;

	if (l->n > 0)
		qsort(l->e, l->n, sizeof(*l->e), entry_cmp);
	fprintf(f, "# fdbroker-run --learn: what the run needed beyond %s\n",
	    what);
	for (i = 0; i < l->n; i = j) {
		perms = 0;
		for (j = i; j < l->n && strcmp(l->e[j].path, l->e[i].path) == 0;
		    j++)
			perms |= l->e[j].perms;
		if (!expressible(l->e[i].path)) {
			fprintf(f, "# not expressible in a policy file: a "
			    "path of %zu bytes\n", strlen(l->e[i].path));
			continue;
		}
		fprintf(f, "exact %s %s\n", policy_perms_string(perms,
		    letters), l->e[i].path);
		rules++;
	}
	if (fflush(f) == EOF || ferror(f))
		return -1;
	return rules;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

/*
 * Whether the rule line for @path reads back as this very path.  Asked
 * of the parser itself rather than of a copy of its rules: a path with a
 * blank before '#', a trailing blank or a newline would otherwise be
 * learnt as a broader rule (its parent directory).
 */
static int
expressible(const char *path)
{
	struct fdb_policy *p = fdb_policy_new();
	const struct policy_rule *r;
	char line[PATH_MAX + 4];
	size_t n = 0;
	int ok;

	ok = p != NULL &&
	     snprintf(line, sizeof(line), "exact r %s", path) <
	     (int)sizeof(line) &&
	     fdb_policy_add_rule(p, line, NULL, 0) == 0 &&
	     (r = policy_rules(p, &n)) != NULL && n == 1 &&
	     strcmp(r[0].path, path) == 0;
	fdb_policy_free(p);
	return ok;
}
