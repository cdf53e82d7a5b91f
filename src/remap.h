/* SPDX-License-Identifier: MIT */
/*
 * remap.h: private trees that the command sees at a fixed path (a private
 * /dev/shm per run), done by the broker without a mount namespace.  The
 * design and its security argument are at the top of remap.c.
 */
#ifndef FDBROKER_REMAP_H
#define FDBROKER_REMAP_H

#include <limits.h>
#include <stddef.h>

#define REMAP_MAX	2

/* One private tree: what the command names, and where it really is. */
struct remap {
	char logical[PATH_MAX];	/* "/dev/shm": the path the command names */
	size_t llen;
	char host[PATH_MAX];	/* the private root's real path, within */
	size_t hlen;
	int fd;			/* O_PATH|O_DIRECTORY of the private root */
};

struct remap_set {
	struct remap r[REMAP_MAX];
	size_t n;
};

/* remap_init: an empty set. */
void remap_init(struct remap_set *s);

/*
 * remap_add: make a private root for @logical (absolute, normalised, not
 * "/" and not under /proc, neither above nor below one already added):
 * a new directory mode 0700 of a random name in @logical itself (so it
 * is on the same filesystem: /dev/shm stays tmpfs), and a descriptor of
 * it.  Returns 0, or -1 with errno (EINVAL, ENOSPC: the set is full, or
 * mkdtemp()'s and open()'s).
 */
int remap_add(struct remap_set *s, const char *logical);

/*
 * remap_find: the entry whose logical root is @path or a directory
 * above it (@path absolute and normalised, or NULL), or NULL; @s may be
 * NULL.
 */
const struct remap *remap_find(const struct remap_set *s, const char *path);

/*
 * remap_root: the entry whose logical root is exactly @path, or NULL.
 */
const struct remap *remap_root(const struct remap_set *s, const char *path);

/*
 * remap_by_host: the entry whose private root is @path or a directory
 * above it, or NULL.
 */
const struct remap *remap_by_host(const struct remap_set *s,
				  const char *path);

/*
 * remap_alias: the real path of a private root is an alias of its
 * logical root: rewrite an absolute @path (PATH_MAX bytes) that begins
 * with one ("/dev/shm/fdbroker-shm.X/a" -> "/dev/shm/a"), in place.
 * Returns 1 when rewritten, else 0.
 */
int remap_alias(const struct remap_set *s, char *path);

/*
 * remap_host_path: @path as the kernel names a descriptor's file, made
 * what the policy judges: an alias of a private root rewritten as
 * remap_alias() does; any other path under a logical root (the host's
 * own /dev/shm) made "host:PATH", which no rule matches.  In place,
 * @path of @len bytes.
 */
void remap_host_path(const struct remap_set *s, char *path, size_t len);

/*
 * remap_open_beneath: an O_PATH descriptor of the directory @rel ("" or
 * "/a/b") beneath the private root of @r, refusing every symlink and
 * never leaving the root.  Returns it, or -1 with errno.
 */
int remap_open_beneath(const struct remap *r, const char *rel);

/*
 * remap_clear: remove every private root with all it holds, never
 * following a symlink, and close its descriptor; the set is then empty.
 * Returns 0, or -1 with errno when one could not be removed entirely
 * (the others still are).
 */
int remap_clear(struct remap_set *s);

#endif /* FDBROKER_REMAP_H */
