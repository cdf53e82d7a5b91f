/* SPDX-License-Identifier: MIT */
/*
 * tree.h: what the tests that build files under a temporary directory
 * share: a path in it, and a file written there.  Each file that
 * includes it names its own directory: at(rel) is tree_at(dir, rel).
 */
#ifndef FDBROKER_TREE_H
#define FDBROKER_TREE_H

#include <check.h>
#include <limits.h>
#include <stdio.h>

/* @dir/@rel, in a ring of buffers: a caller uses fewer than 8 at once. */
static inline const char *
tree_at(const char *dir, const char *rel)
{
	static char buf[8][PATH_MAX];
	static unsigned i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

/* The file @path, made (or emptied) with @text in it. */
static inline void
tree_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

#endif /* FDBROKER_TREE_H */
