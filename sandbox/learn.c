/* SPDX-License-Identifier: MIT */
/*
 * learn.c: --learn's collector.  Owns a growing array of (path, perms);
 * everything is merged and sorted only when written.  The permissions a
 * decision needed are derived from its system call name, the names the
 * notify transport reports (notify-calls.c) and "open" for the socket
 * transport.
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

struct op_perms {
	const char *op;
	unsigned perms;
};

/* 0: an open; the flags decide. */
static const struct op_perms ops[] = {
	{ "open", 0 }, { "openat", 0 }, { "openat2", 0 }, { "creat", 0 },
	{ "stat", FDB_R }, { "lstat", FDB_R }, { "newfstatat", FDB_R },
	{ "statx", FDB_R }, { "readlink", FDB_R }, { "readlinkat", FDB_R },
	{ "chdir", FDB_R },
	{ "access", FDB_R }, { "faccessat", FDB_R }, { "faccessat2", FDB_R },
	{ "mkdir", FDB_C }, { "mkdirat", FDB_C }, { "mknod", FDB_C },
	{ "mknodat", FDB_C }, { "unlink", FDB_C }, { "unlinkat", FDB_C },
	{ "rmdir", FDB_C }, { "rename", FDB_C }, { "renameat", FDB_C },
	{ "renameat2", FDB_C }, { "link", FDB_C | FDB_R },
	{ "linkat", FDB_C | FDB_R }, { "symlink", FDB_C },
	{ "symlinkat", FDB_C }, { "bind", FDB_C },
	{ "chmod", FDB_W }, { "fchmodat", FDB_W }, { "fchmodat2", FDB_W },
	{ "fchmod", FDB_W }, { "chown", FDB_W }, { "lchown", FDB_W },
	{ "fchownat", FDB_W }, { "fchown", FDB_W }, { "truncate", FDB_W },
	{ "utimensat", FDB_W },
	{ "execve", FDB_X }, { "execveat", FDB_X },
	{ "connect", FDB_R | FDB_W },
};

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

unsigned
learn_need(const struct fdb_decision *d)
{
	unsigned existing, created;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].op, d->op) != 0)
			continue;
		if (ops[i].perms == FDB_R && strncmp(d->op, "access", 6) == 0)
			return FDB_R | (d->flags & W_OK ? FDB_W : 0);
		if (ops[i].perms == FDB_R && strncmp(d->op, "facc", 4) == 0)
			return FDB_R | (d->flags & W_OK ? FDB_W : 0);
		if (ops[i].perms != 0)
			return ops[i].perms;
		if (policy_open_need(d->flags, &existing, &created) == -1)
			return FDB_R;
		/*
		 * Whether O_CREAT created the file is not in the decision;
		 * c is learnt whenever it was asked for.
		 */
		return (d->flags & O_CREAT) ? created : existing;
	}
	return 0;
}

int
learn_add(struct learn *l, const struct fdb_decision *d)
{
	struct entry *e;
	unsigned need = learn_need(d);

	if (d->resolved == NULL || d->resolved[0] != '/' || need == 0)
		return 0;
	if (l->base != NULL && policy_allows(l->base, d->resolved, need, NULL))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		if ((e = realloc(l->e, cap * sizeof(*e))) == NULL)
			return -1;
		l->e = e;
		l->cap = cap;
	}
	if ((l->e[l->n].path = strdup(d->resolved)) == NULL)
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
		fprintf(f, "%s %s\n", policy_perms_string(perms, letters),
		    l->e[i].path);
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
	     snprintf(line, sizeof(line), "r %s", path) < (int)sizeof(line) &&
	     fdb_policy_add_rule(p, line, NULL, 0) == 0 &&
	     (r = policy_rules(p, &n)) != NULL && n == 1 &&
	     strcmp(r[0].path, path) == 0;
	fdb_policy_free(p);
	return ok;
}
