/* SPDX-License-Identifier: MIT */
/*
 * learn.h: --learn.  Collects, from the decisions of a run that was
 * allowed everything, the permissions each path needed that a base
 * policy (the profile and the command line) did not grant, and writes
 * them as a policy file.  Pure apart from learn_write()'s output.
 */
#ifndef FDBROKER_LEARN_H
#define FDBROKER_LEARN_H

#include <stdio.h>

#include "fdbroker.h"

struct learn;

/*
 * learn_new: a collector that leaves out what @base (borrowed; may be
 * NULL) already allows.  NULL with ENOMEM.
 */
struct learn *learn_new(const struct fdb_policy *base);

/* learn_free: release @l; NULL is a no-op; errno is kept. */
void learn_free(struct learn *l);

/*
 * learn_add: record the paths of @d (resolved with need, resolved2 with
 * need2; a request that failed needs r at most, never c), each unless it
 * is NULL or the base policy grants it.  Returns 0, or -1 with ENOMEM.
 */
int learn_add(struct learn *l, const struct fdb_decision *d);

/*
 * learn_write: write the rules, one a line, sorted by path and merged,
 * each an exact rule ("exact PERMS PATH": that path, not the tree
 * beneath, which the run may never have touched), to @f after a comment
 * line naming @what.  Paths a policy file cannot
 * carry (a newline, a '#' after a blank, a trailing blank) are written
 * as comments.  Returns the number of rules, or -1 with errno.
 */
long learn_write(struct learn *l, FILE *f, const char *what);

#endif /* FDBROKER_LEARN_H */
