/* SPDX-License-Identifier: MIT */
/*
 * check_remap.c: the private trees of src/remap.c, in process: the
 * resolver walking into one (by name, "..", symlinks, the alias of its
 * real path, the root itself), held paths judged by their logical name,
 * the arguments remap_add() refuses, and remap_clear() removing a hostile
 * tree without following its symlinks.  The logical root is a directory
 * "shm" in a temporary tree, standing for /dev/shm.
 */
#include "config.h"

#include <sys/stat.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-run.h"
#include "fd.h"
#include "fdbroker.h"
#include "remap.h"
#include "resolve.h"
#include "tree.h"

static char root[64];		/* the temporary tree */
static struct fdb_policy *pol;
static struct remap_set set;
static struct resolve_ctx ctx;

static const char *
at(const char *rel)
{
	return tree_at(root, rel);
}

static void
setup(void)
{
	snprintf(root, sizeof(root), "/tmp/check_remap.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(mkdir(at("shm"), 0755), 0);
	tree_put(at("shm/host"), "HOST\n");
	tree_put(at("outside"), "OUTSIDE\n");
	ck_assert_int_eq(symlink(at("shm/host"), at("tohost")), 0);
	pol = fdb_policy_new();
	ck_assert_ptr_nonnull(pol);
	ck_assert_int_eq(fdb_policy_add(pol, root, FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(pol, at("shm"), FDB_R | FDB_W |
	    FDB_C), 0);
	remap_init(&set);
	ck_assert_int_eq(remap_add(&set, at("shm")), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.policy = pol;
	ctx.base = root;
	ctx.remap = &set;
}

static void
teardown(void)
{
	char cmd[PATH_MAX + 16];

	remap_clear(&set);
	fdb_policy_free(pol);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Open @path as the resolver does (read-only unless @flags say). */
static int
ropen(const char *path, int flags)
{
	struct resolve_out out;

	return resolve_open(&ctx, path, flags | O_CLOEXEC, 0600, &out);
}

static int
same_file(int fd, const char *path)
{
	struct stat a, b;

	ck_assert_int_eq(fstat(fd, &a), 0);
	return stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
}

START_TEST(test_remap_open_private)
{
	const struct remap *r = &set.r[0];
	char real[PATH_MAX + 32];
	int fd;

	fd = ropen(at("shm/new"), O_CREAT | O_WRONLY);
	ck_assert_int_ge(fd, 0);
	snprintf(real, sizeof(real), "%s/new", r->host);
	ck_assert(same_file(fd, real));
	fd_close(fd);
	ck_assert_int_eq(access(at("shm/new"), F_OK), -1);
	/* Relative to the real path: the same file (the alias). */
	fd = ropen(real, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert(same_file(fd, real));
	fd_close(fd);
}
END_TEST

/* The host's entry of that name is out of reach, whatever the way. */
START_TEST(test_remap_host_hidden)
{
	static const char *const ways[] = {
		"shm/host", "shm/../shm/host", "shm//host", "tohost",
		"shm/.", "shm/d/../../shm/host",
	};
	size_t i;
	int fd;

	fd = ropen(at("shm/d"), O_DIRECTORY);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(mkdirat(set.r[0].fd, "d", 0700), 0);
	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		fd = ropen(at(ways[i]), O_RDONLY);
		if (strcmp(ways[i], "shm/.") == 0) {
			/* The root itself: the private directory. */
			ck_assert_int_ge(fd, 0);
			ck_assert(same_file(fd, set.r[0].host));
			fd_close(fd);
			continue;
		}
		ck_assert_msg(fd == -1 && errno == ENOENT, "%s: fd %d",
		    ways[i], fd);
	}
}
END_TEST

/* ".." of the private root is the logical parent, not the host's. */
START_TEST(test_remap_parent)
{
	struct resolve_out out;
	int fd;

	static const char *const ups[] = { "shm/..", "shm/sub/../.." };
	size_t i;

	ck_assert_int_eq(mkdirat(set.r[0].fd, "sub", 0700), 0);
	for (i = 0; i < sizeof(ups) / sizeof(ups[0]); i++) {
		fd = resolve_open(&ctx, at(ups[i]), O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC, 0, &out);
		ck_assert_int_ge(fd, 0);
		ck_assert(same_file(fd, root));
		ck_assert_str_eq(out.path, root);
		fd_close(fd);
	}
	ck_assert_int_eq(resolve_path(&ctx, at("shm"), 0, FDB_R, &out), 0);
	ck_assert_str_eq(out.name, ".");
	ck_assert(out.remapped);
	ck_assert(same_file(out.dirfd, set.r[0].host));
	fd_close(out.dirfd);
	ck_assert_int_eq(resolve_path(&ctx, at("outside"), 0, FDB_R, &out),
	    0);
	ck_assert(!out.remapped);
	fd_close(out.dirfd);
}
END_TEST

START_TEST(test_remap_host_path)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/x", set.r[0].host);
	remap_host_path(&set, p, sizeof(p));
	ck_assert_str_eq(p, at("shm/x"));
	snprintf(p, sizeof(p), "%s", at("shm/y"));
	remap_host_path(&set, p, sizeof(p));
	ck_assert_str_eq(p + 5, at("shm/y"));
	ck_assert(strncmp(p, "host:", 5) == 0);
	snprintf(p, sizeof(p), "%s", at("shmx"));
	remap_host_path(&set, p, sizeof(p));
	ck_assert_str_eq(p, at("shmx"));
}
END_TEST

START_TEST(test_remap_add_invalid)
{
	static const char *const bad[] = { "/", "relative", "/proc/x" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_int_eq(remap_add(&set, bad[i]), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(remap_add(&set, at("shm/inner")), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(remap_add(&set, root), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(set.n, 1);
}
END_TEST

/*
 * A hostile tree: deep, unreadable and unwritable directories, symlinks
 * to a file and a directory outside, the root itself mode 0.  All of it
 * goes; what the links point to stays.
 */
START_TEST(test_remap_clear)
{
	char host[PATH_MAX], path[PATH_MAX + 256];
	int i, dir = set.r[0].fd;

	snprintf(host, sizeof(host), "%s", set.r[0].host);
	ck_assert_int_eq(mkdirat(dir, "a", 0700), 0);
	snprintf(path, sizeof(path), "%s/a", host);
	for (i = 0; i < 50; i++) {
		strcat(path, "/d");
		ck_assert_int_eq(mkdir(path, 0700), 0);
	}
	strcat(path, "/f");
	tree_put(path, "F\n");
	ck_assert_int_eq(symlinkat(at("outside"), dir, "a/l"), 0);
	ck_assert_int_eq(symlinkat(root, dir, "a/ld"), 0);
	ck_assert_int_eq(mkdirat(dir, "a/d/ro", 0700), 0);
	snprintf(path, sizeof(path), "%s/a/d/ro/f", host);
	tree_put(path, "RO\n");
	snprintf(path, sizeof(path), "%s/a/d/ro", host);
	ck_assert_int_eq(chmod(path, 0), 0);
	ck_assert_int_eq(chmod(host, 0), 0);
	ck_assert_int_eq(remap_clear(&set), 0);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_int_eq(access(host, F_OK), -1);
	ck_assert_int_eq(access(at("outside"), F_OK), 0);
	ck_assert_int_eq(access(at("shm/host"), F_OK), 0);
}
END_TEST

static Suite *
remap_suite(void)
{
	Suite *s = suite_create("remap");
	TCase *tc = tcase_create("resolve");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_remap_open_private);
	tcase_add_test(tc, test_remap_host_hidden);
	tcase_add_test(tc, test_remap_parent);
	tcase_add_test(tc, test_remap_host_path);
	tcase_add_test(tc, test_remap_add_invalid);
	tcase_add_test(tc, test_remap_clear);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(remap_suite());
}
