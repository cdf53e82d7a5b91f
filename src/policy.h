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
 * more specific than a tree rule on the same path.  Returns NULL when no
 * rule covers @path.
 */
const struct policy_rule *policy_match(const struct fdb_policy *p,
				       const char *path);

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
