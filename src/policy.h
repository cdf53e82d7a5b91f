/* SPDX-License-Identifier: MIT */
/*
 * policy.h: rules (SPEC §3) and the decision "may PATH be used with
 * PERMS".  Pure: no system calls, so it is tested without a filesystem.
 * Paths matched here are absolute and normalised; the resolver produces
 * them, and it alone touches the filesystem.
 */
#ifndef FDBROKER_POLICY_H
#define FDBROKER_POLICY_H

#include <stddef.h>

#include "fdbroker.h"

struct policy_rule {
	char *path;		/* absolute, normalised, no final '/' */
	size_t len;		/* strlen(path) */
	unsigned perms;		/* FDB_R | FDB_W | FDB_C | FDB_X; 0 = deny */
	int exact;		/* the path only, not the tree beneath it */
	int absent;		/* perms 0; it answers ENOENT (FDB_ABSENT) */
};

/*
 * policy_normalise: write the lexical normal form of the absolute @path
 * into @out (@outlen bytes): repeated '/' and "." removed, ".." removes
 * the previous component (and stays at "/"), no trailing '/'.  Returns the
 * length, or -1 with EINVAL (relative or empty path) or ENAMETOOLONG.
 */
long policy_normalise(const char *path, char *out, size_t outlen);

/*
 * policy_match: the most specific rule covering @path (absolute,
 * normalised): the one with the longest path equal to @path or to a
 * prefix of it that ends at a '/'.  "/tmp/a" covers "/tmp/a/b", never
 * "/tmp/ab"; an exact rule covers its own path only, and there it is
 * more specific than a tree rule on the same path; a deny glob that
 * matches overrides it (below).  Returns NULL when no rule covers @path.
 */
const struct policy_rule *policy_match(const struct fdb_policy *p,
				       const char *path);

/*
 * Deny globs: a deny rule whose path holds '*' or '?' is a glob, kept
 * apart from the other rules and matched at each request: policy_match()
 * returns the first glob that matches the path or a directory above it
 * (the tree beneath a match, unless the rule is exact) whenever one does,
 * whatever the other rules say, so a glob refuses and never grants.  In a
 * glob, '*' matches any characters within a component, '?' one, and a
 * component "**" any number of components, none included; "**\/NAME" in
 * fdb_policy_add() is NAME anywhere.  policy_rules() does not list them.
 */
int policy_glob_path(const char *path);

/* policy_is_glob: whether @r, from policy_match(), is a deny glob. */
int policy_is_glob(const struct fdb_policy *p, const struct policy_rule *r);

/* policy_globs: the deny globs, in the order added; *@n their number. */
const struct policy_rule *policy_globs(const struct fdb_policy *p, size_t *n);

/*
 * policy_globs_beneath: whether a deny glob might match a path beneath
 * @path (absolute, normalised); errs towards yes.  A directory moved
 * from under such a glob would leave it (broker-ops.c refuses that).
 */
int policy_globs_beneath(const struct fdb_policy *p, const char *path);

/*
 * policy_allows: 1 when the rule deciding @path grants all of @need, else
 * 0.  *@rule (when not NULL) gets that rule, or NULL.
 */
int policy_allows(const struct fdb_policy *p, const char *path, unsigned need,
		  const struct policy_rule **rule);

/*
 * policy_open_need: the permissions an open(2) with @flags needs, for an
 * existing file (*@need_existing) and for a file it would create
 * (*@need_new, which includes FDB_C).  O_RDONLY, O_PATH, O_DIRECTORY need
 * r; O_WRONLY, O_TRUNC, O_APPEND need w; O_RDWR needs rw; O_TMPFILE needs
 * w and c.  Returns 0, or -1 with EINVAL for an access mode of 3 or a
 * flag bit the broker does not know.
 */
int policy_open_need(int flags, unsigned *need_existing, unsigned *need_new);

/*
 * policy_add_rules: add the @n rules of @rules (absolute, normalised paths,
 * len set, perms as for fdb_policy_add) to @p, uniting as fdb_policy_add
 * does, all or nothing: on failure @p is unchanged.  @rules is borrowed
 * (paths are copied).  Returns 0, or -1 with EINVAL or ENOMEM.
 */
int policy_add_rules(struct fdb_policy *p, const struct policy_rule *rules,
		     size_t n);

/* policy_perms_string: @perms as letters "rwcx" (or "deny") into @buf[5+]. */
const char *policy_perms_string(unsigned perms, char buf[8]);

/*
 * policy_rules: the rules, in no particular order; *@n gets their number.
 * For callers that derive something from the whole policy (Landlock,
 * --learn output, tests).
 */
const struct policy_rule *policy_rules(const struct fdb_policy *p, size_t *n);

#endif /* FDBROKER_POLICY_H */
