/* SPDX-License-Identifier: MIT */
/*
 * resolve-walk.h: the walk's state, shared by resolve.c (the walk) and
 * resolve-proc.c (its /proc rules).  Internal to the resolver.
 */
#ifndef FDBROKER_RESOLVE_WALK_H
#define FDBROKER_RESOLVE_WALK_H

#include <limits.h>
#include <stddef.h>

#include "resolve.h"

/* The walk's state: where we are, how we name it, what is left to do. */
struct walk {
	const struct resolve_ctx *ctx;
	int cur;			/* O_PATH fd of the current directory */
	char logical[PATH_MAX];		/* its path for the policy ("" = /) */
	size_t llen;
	char physical[PATH_MAX];	/* its path as opened (/proc/PID) */
	size_t plen;
	char rest[2 * PATH_MAX + 2];	/* components still to walk */
	int links;
	int remapped;			/* entered a private tree (remap.h) */
};

/* resolve_append: "/name" onto @buf of length *@len (PATH_MAX bytes). */
int resolve_append(char *buf, size_t *len, const char *name);

/*
 * resolve_on_procfs: is @fd on procfs (and, with @want_root, its root
 * directory)?
 */
int resolve_on_procfs(int fd, int want_root);

/*
 * resolve_proc_alias: in the procfs root, the name to open for @name
 * (the requester's pid for "self"), rewriting @name to the logical one
 * and "thread-self" to "self/task/TID"; @name itself elsewhere.  NULL
 * with errno (ENOENT: no requester known; ENAMETOOLONG).
 */
const char *resolve_proc_alias(struct walk *w, char *name, char *phys,
			       size_t physlen);

#endif /* FDBROKER_RESOLVE_WALK_H */
