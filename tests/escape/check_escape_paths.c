/* SPDX-License-Identifier: MIT */
/*
 * check_escape_paths.c: the escape suite's attacks on path resolution
 * (issue 5, file side): "..", repeated slashes, trailing slashes, long
 * paths and a current directory deeper than PATH_MAX, paths the kernel
 * could not read, prefix confusion, symlinks (out of the tree, chains,
 * loops, magic links, swapped under a running walk), a path rewritten
 * by another thread while the broker reads it, and open(2) flags.
 *
 * Each attack runs for real, under fdbroker-run (notify transport; the
 * probe is tests/escape/probe.c) and, where the library has the call, in
 * a library worker (socket transport, fdb_open()).  Each test also does
 * the granted counterpart, and where the attack names a real file, the
 * unconfined run shows that the path really reaches it: no refusal can
 * pass because the probe was broken.  The secret files all start with
 * "SECRET", which fc_check() refuses to see read unless a test says so.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"
#include "filecase.h"

#define DEEP_NAME	240	/* bytes of each name of a deep chain */
#define DEEP_LEVELS	18	/* 18 * 241 > PATH_MAX */
#define SWAP_ROUNDS	"2000"
#define RACE_ROUNDS	"5000"

/* Permissions of the flag table, one policy each. */
static const char *const perm_sets[] = {
	"deny", "r", "w", "c", "rw", "rc", "wc", "rwc",
};

#define NPERMS	((int)(sizeof(perm_sets) / sizeof(perm_sets[0])))

/* Flag combinations of the table beyond the 32 single bits. */
static const int extra_flags[] = {
	O_WRONLY | O_RDWR, O_WRONLY | O_TRUNC, O_WRONLY | O_APPEND,
	O_RDWR | O_TRUNC, O_RDWR | O_CREAT, O_WRONLY | O_CREAT | O_EXCL,
	O_RDONLY | O_CREAT | O_TRUNC, O_PATH | O_WRONLY, O_PATH | 3,
	O_PATH | O_TRUNC, O_DIRECTORY | O_WRONLY, O_RDWR | O_APPEND,
};

/* O_TMPFILE forms, tried on the directory itself. */
static const int tmpfile_flags[] = {
	O_TMPFILE | O_WRONLY, O_TMPFILE | O_RDWR, O_TMPFILE | O_RDONLY,
	O_TMPFILE | O_WRONLY | O_CREAT, (O_TMPFILE & ~O_DIRECTORY) | O_RDWR,
};

#define NEXTRA	((int)(sizeof(extra_flags) / sizeof(extra_flags[0])))
#define NTMP	((int)(sizeof(tmpfile_flags) / sizeof(tmpfile_flags[0])))
#define NFLAGS	(32 + NEXTRA + NTMP)

static const char *
flagstr(int flags)
{
	return fc_str("%#x", (unsigned)flags);
}

/*
 * @base, then as many '/' as it takes to make the rest a multiple of
 * @fill's length, then @fill repeated, then @tail: @len bytes in all.
 */
static char *
padded(const char *base, const char *fill, const char *tail, size_t len)
{
	size_t b = strlen(base), f = strlen(fill), t = strlen(tail), n;
	char buf[4 * PATH_MAX];

	ck_assert(b + t <= len && len < sizeof(buf));
	memcpy(buf, base, b);
	for (n = b; (len - t - n) % f != 0; n++)
		buf[n] = '/';
	for (; n < len - t; n += f)
		memcpy(buf + n, fill, f);
	memcpy(buf + len - t, tail, t + 1);
	return fc_str("%s", buf);
}

/* ESCAPE: open ../ out of a granted tree, absolute, relative and past / | EACCES; ../ that stays inside opens */
START_TEST(test_escape_paths_dotdot)
{
	const char *t = fc_dir(), *up = "../../../../../../../../../../..";
	const char *script[] = {
		FC_OPEN(fc_path("in/../out/secret"), "0"),
		FC_OPEN(fc_path("in/sub/../../out/secret"), "0"),
		FC_OPEN(fc_str("/../../..%s/in/../out/secret", t), "0"),
		FC_OPEN(fc_path("in/sub/../file"), "0"),
		FC_OPEN(fc_str("/../..%s/in/./sub/../file", t), "0"),
		"chdir", fc_path("in/sub"), ",",
		FC_OPEN("../../out/secret", "0"),
		FC_OPEN(fc_str("%s%s/out/secret", up, t), "0"),
		FC_OPEN("../../in/file", "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "INSIDE-file" }, { 0, 0, "INSIDE-file" },
		{ 0, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	static const struct fc_want real[] = {
		{ 0, 0, "SECRET-out" }, { 0, 0, "SECRET-out" },
		{ 0, 0, "SECRET-out" }, { 0, 0, "INSIDE-file" },
		{ 0, 0, "INSIDE-file" }, { 0, 0, NULL },
		{ 0, 0, "SECRET-out" }, { 0, 0, "SECRET-out" },
		{ 0, 0, "INSIDE-file" },
	};
	const char *policy = fc_str("r %s/in\n", t);
	struct fc_opts o = { .policy = policy };

	fc_tree();
	FC_EXPECT(fc_plain(script), real);
	FC_EXPECT(fc_run_v(&o, script), want);
	/* The socket transport: the absolute ones (lines 0-4). */
	script[20] = NULL;
	FC_EXPECT_N(fc_worker_v(fc_policy(policy), script), want, 5);
}
END_TEST

/* ESCAPE: // and /./ around a denied subtree and an ungranted file | EACCES; the same spellings of granted files open */
START_TEST(test_escape_paths_slashes)
{
	const char *t = fc_dir();
	const char *script[] = {
		FC_OPEN(fc_str("/%s//in//sub//hidden", t), "0"),
		FC_OPEN(fc_path("in/./sub/./hidden"), "0"),
		FC_OPEN(fc_path("in/sub/.//hidden"), "0"),
		FC_OPEN(fc_path("in///sub/../sub/hidden"), "0"),
		FC_OPEN(fc_path("./out//secret"), "0"),
		FC_OPEN(fc_str("/%s//in//file", t), "0"),
		FC_OPEN(fc_path("in/./././file"), "0"),
		FC_OPEN(fc_path("in/sub/..//file"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "INSIDE-file" }, { 0, 0, "INSIDE-file" },
		{ 0, 0, "INSIDE-file" },
	};
	static const struct fc_want real[] = {
		{ 0, 0, "SECRET-hidden" }, { 0, 0, "SECRET-hidden" },
		{ 0, 0, "SECRET-hidden" }, { 0, 0, "SECRET-hidden" },
		{ 0, 0, "SECRET-out" }, { 0, 0, "INSIDE-file" },
		{ 0, 0, "INSIDE-file" }, { 0, 0, "INSIDE-file" },
	};
	const char *policy = fc_str("r %s/in\ndeny %s/in/sub\n", t, t);
	struct fc_opts o = { .policy = policy };

	fc_tree();
	fc_write(fc_path("in/sub/hidden"), "SECRET-hidden\n");
	FC_EXPECT(fc_plain(script), real);
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), want);
}
END_TEST

/* ESCAPE: a trailing slash on a file, granted or not | ENOTDIR on the granted file, EACCES on the other, as the kernel */
START_TEST(test_escape_paths_trailing_slash)
{
	const char *script[] = {
		FC_OPEN(fc_path("in/file/"), "0"),
		FC_OPEN(fc_path("in/file/."), "0"),
		FC_OPEN(fc_path("in/link//"), "0"),
		FC_OPEN(fc_path("in/file/"), flagstr(O_WRONLY | O_CREAT)),
		FC_OPEN(fc_path("out/secret/"), "0"),
		FC_OPEN(fc_path("in/sub/"), flagstr(O_DIRECTORY)),
		FC_OPEN(fc_path("in/file"), "0"),
		NULL
	};
	static const struct fc_want real[] = {
		{ ENOTDIR, 0, NULL }, { ENOTDIR, 0, NULL },
		{ ENOTDIR, 0, NULL }, { EISDIR, 0, NULL },
		{ ENOTDIR, 0, NULL }, { 0, 0, NULL }, { 0, 0, "INSIDE-file" },
	};
	static const struct fc_want want[] = {
		{ ENOTDIR, 0, NULL }, { ENOTDIR, 0, NULL },
		{ ENOTDIR, 0, NULL }, { EISDIR, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, NULL }, { 0, 0, "INSIDE-file" },
	};
	const char *policy = fc_str("rwc %s/in\n", fc_dir());
	struct fc_opts o = { .policy = policy };

	fc_tree();
	fc_symlink("file", fc_path("in/link"));
	FC_EXPECT(fc_plain(script), real);
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), want);
	ck_assert_str_eq(fc_read(fc_path("in/file")), "INSIDE-file\n");
}
END_TEST

/* ESCAPE: paths of PATH_MAX-1, PATH_MAX and more bytes, and a 256-byte name | the long granted path opens, the ungranted one EACCES, longer ENAMETOOLONG */
START_TEST(test_escape_paths_long)
{
	const char *t = fc_dir();
	char *in = fc_path("in"), *out = fc_path("out");
	char *name = padded("", "a", "", NAME_MAX + 1);
	const char *script[] = {
		FC_OPEN(padded(in, "/", "/file", PATH_MAX - 1), "0"),
		FC_OPEN(padded(out, "/", "/secret", PATH_MAX - 1), "0"),
		FC_OPEN(padded(fc_str("%s/", in), "./", "../out/secret",
		    PATH_MAX - 1), "0"),
		FC_OPEN(padded(fc_str("%s/", in), "./", "/file", PATH_MAX - 2),
		    "0"),
		FC_OPEN(padded(in, "/", "/file", PATH_MAX), "0"),
		FC_OPEN(padded(out, "/", "/secret", 3 * PATH_MAX), "0"),
		FC_OPEN(fc_str("%s/%s", in, name), "0"),
		FC_OPEN(fc_str("%s/%s", in, name + 1), "0"),
		NULL
	};
	static const struct fc_want real[] = {
		{ 0, 0, "INSIDE-file" }, { 0, 0, "SECRET-out" },
		{ 0, 0, "SECRET-out" }, { 0, 0, "INSIDE-file" },
		{ ENAMETOOLONG, 0, NULL }, { ENAMETOOLONG, 0, NULL },
		{ ENAMETOOLONG, 0, NULL }, { ENOENT, 0, NULL },
	};
	static const struct fc_want want[] = {
		{ 0, 0, "INSIDE-file" }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, "INSIDE-file" },
		{ ENAMETOOLONG, 0, NULL }, { ENAMETOOLONG, 0, NULL },
		{ ENAMETOOLONG, 0, NULL }, { ENOENT, 0, NULL },
	};
	const char *policy = fc_str("r %s/in\n", t);
	struct fc_opts o = { .policy = policy };

	fc_tree();
	FC_EXPECT(fc_plain(script), real);
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), want);
}
END_TEST

/* The deep chains of test_escape_paths_deep_cwd, by descriptor. */
static struct {
	int top;		/* fc_dir() */
	int in_bottom;		/* bottom of in/chain (beyond PATH_MAX) */
	int out_bottom;		/* bottom of out/chain */
} deep;

/* A chain of DEEP_LEVELS directories under @top/@name; its bottom. */
static int
deep_chain(int top, const char *name)
{
	char *level = padded("", "d", "", DEEP_NAME);
	int fd, next, i;

	ck_assert(mkdirat(top, name, 0755) == 0);
	fd = openat(top, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < DEEP_LEVELS; i++) {
		ck_assert(fd != -1 && mkdirat(fd, level, 0755) == 0);
		next = openat(fd, level, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	ck_assert(fd != -1);
	return fd;
}

/* The probe waits three times: move its directory out, deep in, back. */
static void
move_cwd(int n, void *arg)
{
	(void)arg;
	if (n == 0)
		ck_assert(renameat(deep.top, "in/w", deep.out_bottom,
		    "w") == 0);
	else if (n == 1)
		ck_assert(renameat(deep.out_bottom, "w", deep.in_bottom,
		    "w") == 0);
	else
		ck_assert(renameat(deep.in_bottom, "w", deep.top,
		    "in/w") == 0);
}

/* ESCAPE: a current directory moved beyond PATH_MAX (out of the tree, then deep inside it) and relative opens from it | never opened outside; inside, the file or ENAMETOOLONG */
START_TEST(test_escape_paths_deep_cwd)
{
	const char *script[] = {
		"chdir", fc_path("in/w"), ",",
		FC_OPEN("f", "0"),
		"wait", ",",
		FC_OPEN("f", "0"),
		FC_OPEN("../../f", "0"),
		"stat", "f", ",",
		"wait", ",",
		FC_OPEN("f", "0"),
		"wait", ",",
		FC_OPEN("f", "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { 0, 0, "W-FILE" }, { 0, 0, NULL },
		{ FC_ANY_ERR, 0, NULL }, { FC_ANY_ERR, 0, NULL },
		{ FC_ANY_ERR, 0, NULL }, { 0, 0, NULL },
		{ 0, ENAMETOOLONG, "W-FILE" }, { 0, 0, NULL },
		{ 0, 0, "W-FILE" },
	};
	struct fc_opts o = {
		.policy = fc_str("r %s/in\n", fc_dir()),
		.on_wait = move_cwd,
	};

	fc_tree();
	fc_mkdir(fc_path("in/w"));
	fc_write(fc_path("in/w/f"), "W-FILE\n");
	deep.top = open(fc_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(deep.top != -1);
	deep.in_bottom = deep_chain(deep.top, "in/chain");
	deep.out_bottom = deep_chain(deep.top, "out/chain");
	FC_EXPECT(fc_run_v(&o, script), want);
}
END_TEST

/* ESCAPE: a path without NUL running into an unmapped page | EFAULT as the kernel; a path ending at the page's last byte opens */
START_TEST(test_escape_paths_nonul_unmapped)
{
	const char *script[] = {
		"rawopen", "nonul_unmapped", fc_path("in/file"), "0", ",",
		"rawopen", "atend", fc_path("in/file"), "0", ",",
		"rawopen", "nonul_unmapped", fc_path("out/secret"), "0", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EFAULT, 0, NULL }, { 0, 0, "INSIDE-file" },
		{ EFAULT, 0, NULL },
	};
	struct fc_opts o = { .policy = fc_str("r %s/in\n", fc_dir()) };

	fc_tree();
	FC_EXPECT(fc_plain(script), want);
	FC_EXPECT(fc_run_v(&o, script), want);
}
END_TEST

/* ESCAPE: path pointers into unmapped memory and NULL, and the empty path | EFAULT, EFAULT, ENOENT (fdb_open: EINVAL for NULL) */
START_TEST(test_escape_paths_bad_pointer)
{
	const char *script[] = {
		"rawopen", "badptr", "x", "0", ",",
		"rawopen", "null", "x", "0", ",",
		"rawopen", "empty", "x", "0", ",",
		FC_OPEN(fc_path("in/file"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ EFAULT, 0, NULL }, { EFAULT, 0, NULL }, { ENOENT, 0, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	static const struct fc_want lib[] = {
		{ EINVAL, 0, NULL }, { ENOENT, 0, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	const char *policy = fc_str("r %s/in\n", fc_dir());
	struct fc_opts o = { .policy = policy };

	fc_tree();
	FC_EXPECT(fc_plain(script), want);
	FC_EXPECT(fc_run_v(&o, script), want);
	/* fdb_open() cannot be given an unmapped pointer: it reads it. */
	FC_EXPECT(fc_worker_v(fc_policy(policy), script + 5), lib);
}
END_TEST

/* ESCAPE: names that share a granted (or denied) directory's prefix: X/ab, X/a_bad next to X/a | a rule on X/a covers neither, both ways */
START_TEST(test_escape_paths_prefix)
{
	const char *script[] = {
		FC_OPEN(fc_path("X/a/f"), "0"),
		FC_OPEN(fc_path("X/a/"), "0"),
		FC_OPEN(fc_path("X/ab"), "0"),
		FC_OPEN(fc_path("X/a_bad"), "0"),
		FC_OPEN(fc_path("X/a.b/f"), "0"),
		FC_OPEN(fc_path("X/a/../ab"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, "INSIDE-a" }, { 0, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
	};
	static const struct fc_want denied[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "SECRET-ab" }, { 0, 0, "SECRET-a_bad" },
		{ 0, 0, "SECRET-a.b" }, { 0, 0, "SECRET-ab" },
	};
	const char *t = fc_dir();
	const char *grant = fc_str("r %s/X/a\n", t);
	const char *deny = fc_str("r %s/X\ndeny %s/X/a\n", t, t);
	struct fc_opts o = { .policy = grant };

	fc_mkdir(fc_path("X"));
	fc_mkdir(fc_path("X/a"));
	fc_mkdir(fc_path("X/a.b"));
	fc_write(fc_path("X/a/f"), "INSIDE-a\n");
	fc_write(fc_path("X/ab"), "SECRET-ab\n");
	fc_write(fc_path("X/a_bad"), "SECRET-a_bad\n");
	fc_write(fc_path("X/a.b/f"), "SECRET-a.b\n");
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(grant), script), want);
	o.policy = deny;
	FC_EXPECT(fc_run_v(&o, script), denied);
	FC_EXPECT(fc_worker_v(fc_policy(deny), script), denied);
}
END_TEST

/* ESCAPE: an absolute symlink in a granted tree to a file and a directory outside it | EACCES; followed when the target is granted too */
START_TEST(test_escape_paths_symlink_absolute)
{
	const char *script[] = {
		FC_OPEN(fc_path("in/abs"), "0"),
		FC_OPEN(fc_path("in/absdir/secret"), "0"),
		FC_OPEN(fc_path("in/absdir"), flagstr(O_DIRECTORY)),
		FC_OPEN(fc_path("in/okabs"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	static const struct fc_want both[] = {
		{ 0, 0, "SECRET-out" }, { 0, 0, "SECRET-out" }, { 0, 0, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	const char *t = fc_dir();
	const char *one = fc_str("r %s/in\n", t);
	const char *two = fc_str("r %s/in\nr %s/out\n", t, t);
	struct fc_opts o = { .policy = one };

	fc_tree();
	fc_symlink(fc_path("out/secret"), fc_path("in/abs"));
	fc_symlink(fc_path("out"), fc_path("in/absdir"));
	fc_symlink(fc_path("in/file"), fc_path("in/okabs"));
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(one), script), want);
	o.policy = two;
	FC_EXPECT(fc_run_v(&o, script), both);
	FC_EXPECT(fc_worker_v(fc_policy(two), script), both);
}
END_TEST

/* ESCAPE: relative symlinks (../out, sub/../../out) in a granted tree leading out of it | EACCES; a relative link inside the tree opens */
START_TEST(test_escape_paths_symlink_relative)
{
	const char *script[] = {
		FC_OPEN(fc_path("in/rel"), "0"),
		FC_OPEN(fc_path("in/sub/rel2"), "0"),
		FC_OPEN(fc_path("in/reldir/secret"), "0"),
		FC_OPEN(fc_path("in/dots"), "0"),
		FC_OPEN(fc_path("in/sub/up"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, "INSIDE-file" },
	};
	static const struct fc_want real[] = {
		{ 0, 0, "SECRET-out" }, { 0, 0, "SECRET-out" },
		{ 0, 0, "SECRET-out" }, { 0, 0, "SECRET-out" },
		{ 0, 0, "INSIDE-file" },
	};
	const char *policy = fc_str("r %s/in\n", fc_dir());
	struct fc_opts o = { .policy = policy };

	fc_tree();
	fc_symlink("../out/secret", fc_path("in/rel"));
	fc_symlink("../../out/secret", fc_path("in/sub/rel2"));
	fc_symlink("../out", fc_path("in/reldir"));
	fc_symlink("sub/../../out/secret", fc_path("in/dots"));
	fc_symlink("../file", fc_path("in/sub/up"));
	FC_EXPECT(fc_plain(script), real);
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), want);
}
END_TEST

/* ESCAPE: chains of symlinks ending outside, and a chain that passes outside and comes back | EACCES; a chain inside the tree opens */
START_TEST(test_escape_paths_symlink_chain)
{
	const char *script[] = {
		FC_OPEN(fc_path("in/c1"), "0"),
		FC_OPEN(fc_path("in/h1"), "0"),
		FC_OPEN(fc_path("in/d1"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	static const struct fc_want both[] = {
		{ 0, 0, "SECRET-out" }, { 0, 0, "INSIDE-file" },
		{ 0, 0, "INSIDE-file" },
	};
	const char *t = fc_dir();
	const char *one = fc_str("r %s/in\n", t);
	const char *two = fc_str("r %s/in\nr %s/out\n", t, t);
	struct fc_opts o = { .policy = one };

	fc_tree();
	fc_symlink("c2", fc_path("in/c1"));
	fc_symlink("sub/../c3", fc_path("in/c2"));
	fc_symlink(fc_path("out/secret"), fc_path("in/c3"));
	fc_symlink(fc_path("out/hop"), fc_path("in/h1"));
	fc_symlink(fc_path("in/file"), fc_path("out/hop"));
	fc_symlink("d2", fc_path("in/d1"));
	fc_symlink(fc_path("in/d3"), fc_path("in/d2"));
	fc_symlink("./file", fc_path("in/d3"));
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(one), script), want);
	o.policy = two;
	FC_EXPECT(fc_run_v(&o, script), both);
	FC_EXPECT(fc_worker_v(fc_policy(two), script), both);
}
END_TEST

/* ESCAPE: symlink loops, a self link, and chains of 40 and 41 links | ELOOP as the kernel, 40 links still open */
START_TEST(test_escape_paths_symlink_loop)
{
	char *dl40 = padded(fc_path("in/"), "dl/", "file",
	    strlen(fc_path("in/")) + 40 * 3 + 4);
	char *dl41 = padded(fc_path("in/"), "dl/", "file",
	    strlen(fc_path("in/")) + 41 * 3 + 4);
	const char *script[] = {
		FC_OPEN(fc_path("in/l1"), "0"),
		FC_OPEN(fc_path("in/self"), "0"),
		FC_OPEN(fc_path("in/self/x"), "0"),
		FC_OPEN(fc_path("in/k0"), "0"),
		FC_OPEN(fc_path("in/k-1"), "0"),
		FC_OPEN(dl40, "0"),
		FC_OPEN(dl41, "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ ELOOP, 0, NULL }, { ELOOP, 0, NULL }, { ELOOP, 0, NULL },
		{ 0, 0, "INSIDE-file" }, { ELOOP, 0, NULL },
		{ 0, 0, "INSIDE-file" }, { ELOOP, 0, NULL },
	};
	const char *policy = fc_str("r %s/in\n", fc_dir());
	struct fc_opts o = { .policy = policy };
	int i;

	fc_tree();
	fc_symlink("l2", fc_path("in/l1"));
	fc_symlink("l1", fc_path("in/l2"));
	fc_symlink("self", fc_path("in/self"));
	fc_symlink(".", fc_path("in/dl"));
	/* k-1 -> k0 -> ... -> k39 -> file: 41 and 40 links. */
	for (i = -1; i < 40; i++)
		fc_symlink(i == 39 ? "file" : fc_str("k%d", i + 1),
		    fc_path("in/k%d", i));
	FC_EXPECT(fc_plain(script), want);
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), want);
}
END_TEST

/*
 * Symlinks in @pre to the magic links of descriptors @file (an ungranted
 * file) and @dir (an ungranted directory), and the script that opens
 * them, then @file's /proc/self/fd link itself, then a granted file.
 */
static const char **
magic_script(const char *pre, int file, int dir)
{
	static const char *script[32];
	static const char *const names[] = { "m3", "m4", "mroot", "mcwd",
	    "mts" };
	size_t i;
	int n = 0;

	fc_symlink(fc_str("/proc/self/fd/%d", file), fc_str("%sm3", pre));
	fc_symlink(fc_str("/proc/self/fd/%d/secret", dir),
	    fc_str("%sm4", pre));
	fc_symlink(fc_str("/proc/self/root%s/out/secret", fc_dir()),
	    fc_str("%smroot", pre));
	fc_symlink("/proc/self/cwd/secret", fc_str("%smcwd", pre));
	fc_symlink(fc_str("/proc/thread-self/fd/%d", file),
	    fc_str("%smts", pre));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		script[n++] = "open";
		script[n++] = fc_str("%s%s", pre, names[i]);
		script[n++] = "0";
		script[n++] = ",";
	}
	script[n++] = "open";
	script[n++] = fc_str("/proc/self/fd/%d", file);
	script[n++] = "0";
	script[n++] = ",";
	script[n++] = "open";
	script[n++] = fc_path("in/file");
	script[n++] = "0";
	script[n] = NULL;
	return script;
}

/* ESCAPE: symlinks in a granted tree to magic links: /proc/self/fd/N of an ungranted file, fd/N/secret, root, cwd, thread-self | refused (ELOOP), never the file */
START_TEST(test_escape_paths_symlink_magic)
{
	static const struct fc_want want[] = {
		{ ELOOP, EACCES, NULL }, { ELOOP, EACCES, NULL },
		{ ELOOP, EACCES, NULL }, { ELOOP, EACCES, NULL },
		{ ELOOP, EACCES, NULL },
		/* Its own descriptor: reopened, or refused by Landlock. */
		{ 0, EACCES, "SECRET-out" },
		{ 0, 0, "INSIDE-file" },
	};
	/* The socket transport reopens nothing: a magic link is refused. */
	static const struct fc_want lib[] = {
		{ ELOOP, EACCES, NULL }, { ELOOP, EACCES, NULL },
		{ ELOOP, EACCES, NULL }, { ELOOP, EACCES, NULL },
		{ ELOOP, EACCES, NULL }, { ELOOP, EACCES, NULL },
		{ 0, 0, "INSIDE-file" },
	};
	struct fc_fd fds[2];
	struct fc_opts o = {
		.policy = fc_str("r %s/in\n", fc_dir()),
		.cwd = fc_path("out"),
		.fds = fds,
		.nfds = 2,
	};
	int secret, outdir;

	fc_tree();
	secret = open(fc_path("out/secret"), O_RDONLY | O_CLOEXEC);
	outdir = open(fc_path("out"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(secret != -1 && outdir != -1);
	fds[0] = (struct fc_fd){ secret, 3 };
	fds[1] = (struct fc_fd){ outdir, 4 };
	FC_EXPECT(fc_run_v(&o, magic_script(fc_path("in/"), 3, 4)), want);
	/* The worker inherits them under their own numbers. */
	ck_assert(fcntl(secret, F_SETFD, 0) == 0 &&
	    fcntl(outdir, F_SETFD, 0) == 0);
	FC_EXPECT(fc_worker_v(fc_policy(fc_str("r %s/in\nr /proc/self\n",
	    fc_dir())), magic_script(fc_path("in/w"), secret, outdir)), lib);
}
END_TEST

/* Shared with the swapping process: how many swaps it made. */
static volatile long *swaps;

/* Exchange a directory (or file) with a symlink out, until killed. */
static void
swapper(const char *const *pairs, int n)
{
	int i;

	for (;;) {
		for (i = 0; i < n; i += 2)
			(void)renameat2(AT_FDCWD, pairs[i], AT_FDCWD,
			    pairs[i + 1], RENAME_EXCHANGE);
		(*swaps)++;
	}
}

static pid_t
start_swapper(const char *const *pairs, int n)
{
	pid_t pid;

	swaps = mmap(NULL, sizeof(*swaps), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(swaps != MAP_FAILED);
	*swaps = 0;
	pid = fork();
	ck_assert(pid != -1);
	if (pid == 0)
		swapper(pairs, n);
	return pid;
}

static long
stop_swapper(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return *swaps;
}

/* Each loop line: no secret, some successes. */
static void
check_loops(const struct fc_out *o, int n)
{
	int i;

	ck_assert_msg(o->status == 0 && o->n == n, "%s", fc_dump(o));
	for (i = 0; i < n; i++) {
		ck_assert_msg(o->err[i] == 0 && fc_num(o, i, "bad") == 0,
		    "line %d READ A SECRET: %s", i, fc_dump(o));
		ck_assert_msg(fc_num(o, i, "ok") > 0, "line %d: never "
		    "opened the granted file: %s", i, fc_dump(o));
		ck_assert_msg(fc_num(o, i, "other") == 0, "line %d: %s", i,
		    fc_dump(o));
	}
}

/* ESCAPE: a directory (and a file) swapped with a symlink out of the tree by another process, 2000 opens through it each | never a descriptor outside the tree */
START_TEST(test_escape_paths_symlink_swap)
{
	const char *t = fc_dir();
	const char *pairs[] = {
		fc_path("in/d"), fc_path("in/x"),
		fc_path("in/e"), fc_path("in/y"),
		fc_path("in/fl"), fc_path("in/fx"),
	};
	const char *script[] = {
		"loop", fc_path("in/d/f"), SWAP_ROUNDS, "SECRET", ",",
		"loop", fc_path("in/e/f"), SWAP_ROUNDS, "SECRET", ",",
		"loop", fc_path("in/fl"), SWAP_ROUNDS, "SECRET", ",",
		NULL
	};
	const char *policy = fc_str("r %s/in\n", t);
	struct fc_opts o = { .policy = policy };
	struct fc_out *r;
	long n;
	pid_t pid;

	fc_tree();
	fc_mkdir(fc_path("in/d"));
	fc_mkdir(fc_path("in/e"));
	fc_write(fc_path("in/d/f"), "INSIDE-d\n");
	fc_write(fc_path("in/e/f"), "INSIDE-e\n");
	fc_write(fc_path("in/fl"), "INSIDE-fl\n");
	fc_write(fc_path("out/f"), "SECRET-f\n");
	fc_symlink(fc_path("out"), fc_path("in/x"));
	fc_symlink("../out", fc_path("in/y"));
	fc_symlink(fc_path("out/f"), fc_path("in/fx"));

	pid = start_swapper(pairs, 6);
	r = fc_run_v(&o, script);
	n = stop_swapper(pid);
	check_loops(r, 3);
	ck_assert_msg(n > 100, "only %ld swaps", n);

	pid = start_swapper(pairs, 6);
	r = fc_worker_v(fc_policy(policy), script);
	n = stop_swapper(pid);
	check_loops(r, 3);
	ck_assert_msg(n > 100, "only %ld swaps", n);
	ck_assert_str_eq(fc_read(fc_path("out/f")), "SECRET-f\n");
}
END_TEST

/* ESCAPE: a second thread rewrites the path buffer between a granted and a secret path while the first opens it, 5000 times | the secret is never read */
START_TEST(test_escape_paths_race_buffer)
{
	const char *script[] = {
		"race", fc_path("gr/data"), fc_path("se/data"), RACE_ROUNDS,
		"SECRET", NULL
	};
	const char *policy = fc_str("r %s/gr\n", fc_dir());
	struct fc_opts o = { .policy = policy };
	struct fc_out *r;
	int pass;

	fc_mkdir(fc_path("gr"));
	fc_mkdir(fc_path("se"));
	fc_write(fc_path("gr/data"), "INSIDE-race\n");
	fc_write(fc_path("se/data"), "SECRET-race\n");
	for (pass = 0; pass < 2; pass++) {
		r = pass == 0 ? fc_run_v(&o, script) :
		    fc_worker_v(fc_policy(policy), script);
		ck_assert_msg(r->status == 0 && r->n == 1, "%s", fc_dump(r));
		ck_assert_msg(fc_num(r, 0, "bad") == 0, "READ THE SECRET: %s",
		    fc_dump(r));
		/* Both paths were seen: the race really ran. */
		ck_assert_msg(fc_num(r, 0, "ok") > 0 &&
		    fc_num(r, 0, "eacces") > 0 && fc_num(r, 0, "flips") > 0,
		    "the race did not happen: %s", fc_dump(r));
	}
}
END_TEST

/*
 * The permissions an open with @flags needs, by SPEC §3 and the README's
 * table, written out independently of policy.c: -1 when the flags are
 * refused whatever the policy (EINVAL).
 */
static int
flag_need(int flags)
{
	const int known = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC |
	    O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_ASYNC | O_DIRECT |
	    0100000 | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |
	    O_PATH | O_TMPFILE;
	const int tmp = O_TMPFILE & ~O_DIRECTORY;
	int need = 0;

	if (flags & ~known)
		return -1;
	if (flags & O_PATH)
		return FDB_R;
	switch (flags & O_ACCMODE) {
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
		return -1;
	}
	if (flags & tmp) {
		if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE ||
		    (flags & O_ACCMODE) == O_RDONLY)
			return -1;
		return need | FDB_W | FDB_C;
	}
	if (flags & (O_TRUNC | O_APPEND))
		need |= FDB_W;
	if (flags & O_DIRECTORY)
		need |= FDB_R;
	return need;
}

static unsigned
perm_bits(const char *s)
{
	return (strchr(s, 'r') ? FDB_R : 0) | (strchr(s, 'w') ? FDB_W : 0) |
	    (strchr(s, 'c') && strcmp(s, "deny") != 0 ? FDB_C : 0);
}

/* The flags of table entry @i: 32 single bits, extras, O_TMPFILE forms. */
static int
table_flags(int i)
{
	if (i < 32)
		return (int)(1u << i);
	if (i < 32 + NEXTRA)
		return extra_flags[i - 32];
	return tmpfile_flags[i - 32 - NEXTRA];
}

/* The table's tree under @top: a file per entry, the directory itself. */
static void
table_script(const char *top, const char **script)
{
	int i, n = 0;

	fc_mkdir(top);
	for (i = 0; i < NFLAGS; i++) {
		script[n++] = "open";
		if (i < 32 + NEXTRA) {
			script[n] = fc_str("%s/f%d", top, i);
			fc_write(script[n], fc_str("ORIG%d\n", i));
			n++;
		} else {
			script[n++] = top;
		}
		script[n++] = flagstr(table_flags(i));
		script[n++] = ",";
	}
	script[n] = NULL;
}

/* Sandboxed answers against the model and the kernel's own answers. */
static void
table_check(const struct fc_out *r, const struct fc_out *k, unsigned perms,
	    const char *top)
{
	int i, need, want;
	const char *c;

	ck_assert_msg(r->status == 0 && r->n == NFLAGS, "%s", fc_dump(r));
	for (i = 0; i < NFLAGS; i++) {
		need = flag_need(table_flags(i));
		want = need == -1 ? EINVAL : ((unsigned)need & ~perms) != 0 ?
		    EACCES : k->err[i];
		ck_assert_msg(r->err[i] == want, "flags %#x with %#x: want "
		    "errno %d, got %d (kernel: %d)\n%s",
		    (unsigned)table_flags(i), perms, want, r->err[i],
		    k->err[i], fc_dump(r));
		if (want == 0 || i >= 32 + NEXTRA)
			continue;
		/* Refused: the file is as it was. */
		c = fc_read(fc_str("%s/f%d", top, i));
		ck_assert_msg(c != NULL && strcmp(c, fc_str("ORIG%d\n", i)) ==
		    0, "flags %#x with %#x changed the file",
		    (unsigned)table_flags(i), perms);
	}
}

/* ESCAPE: each of the 32 open flag bits and the combinations that matter, against each of deny r w c rw rc wc rwc | unknown bits, access mode 3 EINVAL; missing permission EACCES, file untouched; else as the kernel */
START_TEST(test_escape_paths_flags_table)
{
	const char *perms = perm_sets[_i];
	const char *script[5 * NFLAGS + 1], *kernel[5 * NFLAGS + 1];
	const char *n = fc_path("n"), *s = fc_path("s"), *k = fc_path("k");
	struct fc_opts o = { .policy = fc_str("%s %s\n", perms, n) };
	struct fc_out *ko;

	table_script(k, kernel);
	ko = fc_plain(kernel);
	ck_assert_msg(ko->status == 0 && ko->n == NFLAGS, "%s", fc_dump(ko));
	table_script(n, script);
	table_check(fc_run_v(&o, script), ko, perm_bits(perms), n);
	table_script(s, script);
	table_check(fc_worker_v(fc_policy(fc_str("%s %s\n", perms, s)),
	    script), ko, perm_bits(perms), s);
}
END_TEST

/* One tree per transport for the O_CREAT cases, under @top. */
static const char **
creat_tree(const char *top)
{
	static const char *script[64];
	int n = 0;

	fc_mkdir(top);
	fc_mkdir(fc_str("%s/r", top));
	fc_mkdir(fc_str("%s/w", top));
	fc_mkdir(fc_str("%s/c", top));
	fc_mkdir(fc_str("%s/out", top));
	fc_write(fc_str("%s/r/old", top), "INSIDE-r\n");
	fc_write(fc_str("%s/w/old", top), "INSIDE-w\n");
	fc_write(fc_str("%s/c/old", top), "INSIDE-c\n");
	fc_write(fc_str("%s/out/secret", top), "SECRET-c\n");
	fc_symlink(fc_str("%s/out/created", top), fc_str("%s/c/dangling",
	    top));
	fc_symlink(fc_str("%s/out/secret", top), fc_str("%s/c/linkout", top));
#define CR(path, fl) do { \
	script[n++] = "open"; script[n++] = fc_str("%s/%s", top, path); \
	script[n++] = flagstr(fl); script[n++] = ","; } while (0)
	CR("r/new", O_CREAT | O_WRONLY);
	CR("w/new", O_CREAT | O_WRONLY);
	CR("out/new", O_CREAT | O_WRONLY);
	CR("c/dangling", O_CREAT | O_WRONLY);
	CR("c/dangling", O_CREAT | O_EXCL | O_WRONLY);
	CR("c/linkout", O_CREAT | O_WRONLY | O_TRUNC);
	CR("c/old", O_CREAT | O_EXCL | O_WRONLY);
	CR("r/old", O_CREAT | O_EXCL | O_RDONLY);
	CR("c/missing/new", O_CREAT | O_WRONLY);
	CR("c/new", O_CREAT | O_WRONLY);
	CR("w/old", O_CREAT | O_RDWR);
#undef CR
	script[n] = NULL;
	return script;
}

static void
creat_after(const char *top)
{
	ck_assert(!fc_exists(fc_str("%s/r/new", top)));
	ck_assert(!fc_exists(fc_str("%s/w/new", top)));
	ck_assert(!fc_exists(fc_str("%s/out/new", top)));
	ck_assert(!fc_exists(fc_str("%s/out/created", top)));
	ck_assert(fc_exists(fc_str("%s/c/new", top)));
	ck_assert_str_eq(fc_read(fc_str("%s/out/secret", top)), "SECRET-c\n");
	ck_assert_str_eq(fc_read(fc_str("%s/c/old", top)), "INSIDE-c\n");
}

/* ESCAPE: O_CREAT without c, outside the tree, through a dangling symlink out, and O_CREAT+O_EXCL on existing names | EACCES and nothing created; EEXIST; creating with c works */
START_TEST(test_escape_paths_flags_creat)
{
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EEXIST, 0, NULL }, { EACCES, 0, NULL },
		{ EEXIST, 0, NULL }, { EEXIST, 0, NULL }, { ENOENT, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, "INSIDE-w" },
	};
	const char **script, *top, *policy;
	struct fc_opts o;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		top = fc_path(pass == 0 ? "n" : "s");
		script = creat_tree(top);
		policy = fc_str("r %s/r\nrw %s/w\nrwc %s/c\n", top, top, top);
		memset(&o, 0, sizeof(o));
		o.policy = policy;
		FC_EXPECT(pass == 0 ? fc_run_v(&o, script) :
		    fc_worker_v(fc_policy(policy), script), want);
		creat_after(top);
	}
}
END_TEST

/* ESCAPE: O_WRONLY, O_RDWR, O_TRUNC (with O_RDONLY too) and O_APPEND on a read-only grant | EACCES, file unchanged; with w they work and O_APPEND appends */
START_TEST(test_escape_paths_flags_readonly)
{
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "W-FILE" }, { 0, 0, NULL }, { 0, 0, "W-FILE" },
	};
	int pass;

	for (pass = 0; pass < 2; pass++) {
		const char *top = fc_path(pass == 0 ? "n" : "s");
		const char *f = fc_str("%s/in/file", top);
		const char *w = fc_str("%s/w/file", top);
		const char *script[] = {
			FC_OPEN(f, flagstr(O_WRONLY)),
			FC_OPEN(f, flagstr(O_RDWR)),
			FC_OPEN(f, flagstr(O_RDONLY | O_TRUNC)),
			FC_OPEN(f, flagstr(O_WRONLY | O_APPEND)),
			FC_OPEN(f, flagstr(O_RDONLY | O_APPEND)),
			FC_OPEN(f, flagstr(O_WRONLY | O_TRUNC)),
			FC_OPEN(w, flagstr(O_RDWR | O_APPEND)),
			"write", "@", "+more", ",",
			FC_OPEN(w, flagstr(O_RDWR)),
			NULL
		};
		const char *policy = fc_str("r %s/in\nrw %s/w\n", top, top);
		struct fc_opts o = { .policy = policy };
		struct fc_out *r;

		fc_mkdir(top);
		fc_mkdir(fc_str("%s/in", top));
		fc_mkdir(fc_str("%s/w", top));
		fc_write(f, "INSIDE-file\n");
		fc_write(w, "W-FILE\n");
		r = pass == 0 ? fc_run_v(&o, script) :
		    fc_worker_v(fc_policy(policy), script);
		FC_EXPECT(r, want);
		ck_assert_msg((fc_num(r, 6, "fl") & (O_APPEND | O_ACCMODE)) ==
		    (O_APPEND | O_RDWR), "%s", fc_dump(r));
		ck_assert_str_eq(fc_read(f), "INSIDE-file\n");
		ck_assert_str_eq(fc_read(w), "W-FILE\n+more");
	}
}
END_TEST

/* ESCAPE: O_PATH descriptors: openat on one out of the tree, O_PATH of an ungranted file, reopening one for writing via /proc/self/fd | EACCES or ELOOP, nothing written; openat inside works */
START_TEST(test_escape_paths_flags_opath)
{
	const char *in = fc_path("in"), *file = fc_path("in/file");
	const char *script[] = {
		FC_OPEN(in, flagstr(O_PATH | O_DIRECTORY)),
		"openat", "@", "../out/secret", "0", ",",
		"openat", "@", "file", "0", ",",
		FC_OPEN(fc_path("out/secret"), flagstr(O_PATH)),
		FC_OPEN(file, flagstr(O_PATH)),
		FC_OPEN("/proc/self/fd/{last}", flagstr(O_RDWR)),
		FC_OPEN("/proc/self/fd/{last}", flagstr(O_WRONLY | O_TRUNC)),
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { EACCES, 0, NULL }, { 0, 0, "INSIDE-file" },
		{ EACCES, 0, NULL }, { 0, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL },
	};
	/* The worker: openat is the filter's, /proc/self/fd a magic link. */
	static const struct fc_want lib[] = {
		{ 0, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, NULL }, { ELOOP, EACCES, NULL },
		{ ELOOP, EACCES, NULL },
	};
	const char *policy = fc_str("r %s\n", in);
	struct fc_opts o = { .policy = policy };

	fc_tree();
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), lib);
	ck_assert_str_eq(fc_read(file), "INSIDE-file\n");
}
END_TEST

/* ESCAPE: O_TMPFILE in a read-only and an ungranted directory, then linking the file out (AT_EMPTY_PATH, /proc/self/fd) | EACCES, nothing appears; O_TMPFILE with wc works */
START_TEST(test_escape_paths_flags_tmpfile)
{
	const char *script[] = {
		FC_OPEN(fc_path("in"), flagstr(O_TMPFILE | O_WRONLY)),
		FC_OPEN(fc_path("out"), flagstr(O_TMPFILE | O_RDWR)),
		FC_OPEN(fc_path("c"), flagstr(O_TMPFILE | O_RDWR)),
		"linkat", "@", "", fc_path("out/named"),
		fc_str("%d", AT_EMPTY_PATH), ",",
		"linkat", "cwd", "/proc/self/fd/{last}", fc_path("out/named2"),
		fc_str("%d", AT_SYMLINK_FOLLOW), ",",
		"linkat", "@", "", fc_path("in/named"),
		fc_str("%d", AT_EMPTY_PATH), ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { 0, 0, NULL },
		{ FC_ANY_ERR, 0, NULL }, { FC_ANY_ERR, 0, NULL },
		{ FC_ANY_ERR, 0, NULL },
	};
	const char *t = fc_dir();
	const char *policy = fc_str("r %s/in\nrwc %s/c\n", t, t);
	struct fc_opts o = { .policy = policy };

	fc_tree();
	fc_mkdir(fc_path("c"));
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), script), want);
	ck_assert(!fc_exists(fc_path("out/named")));
	ck_assert(!fc_exists(fc_path("out/named2")));
	ck_assert(!fc_exists(fc_path("in/named")));
}
END_TEST

/* ESCAPE: openat2 with RESOLVE_BENEATH, IN_ROOT, NO_SYMLINKS, NO_XDEV, NO_MAGICLINKS and an unknown bit, on paths that break each promise | never opened (ENOSYS for flags the broker cannot keep); plain openat2 opens */
START_TEST(test_escape_paths_flags_openat2)
{
	const char *t = fc_dir(), *sub = fc_path("in/sub");
	const char *script[] = {
		"openat2", sub, "../file", "0", flagstr(RESOLVE_BENEATH), ",",
		"openat2", sub, "../../out/secret", "0",
		flagstr(RESOLVE_BENEATH), ",",
		"openat2", sub, fc_path("in/file"), "0",
		flagstr(RESOLVE_BENEATH), ",",
		"openat2", sub, fc_path("in/file"), "0",
		flagstr(RESOLVE_IN_ROOT), ",",
		"openat2", "cwd", fc_path("in/alias"), "0",
		flagstr(RESOLVE_NO_SYMLINKS), ",",
		"openat2", "cwd", fc_path("in/sub/magic/deep"), "0",
		flagstr(RESOLVE_NO_MAGICLINKS), ",",
		"openat2", "cwd", "/proc/self/status", "0",
		flagstr(RESOLVE_NO_XDEV), ",",
		"openat2", "cwd", fc_path("in/file"), "0", "0x10000000000", ",",
		"openat2", sub, "deep", "0", "0", ",",
		"openat2", "cwd", fc_path("in/file"), "0",
		flagstr(RESOLVE_NO_MAGICLINKS), ",",
		"openat2", sub, "deep", "0", flagstr(RESOLVE_BENEATH), ",",
		NULL
	};
	static const struct fc_want real[] = {
		{ EXDEV, 0, NULL }, { EXDEV, 0, NULL }, { EXDEV, 0, NULL },
		{ ENOENT, 0, NULL }, { ELOOP, 0, NULL }, { ELOOP, 0, NULL },
		{ EXDEV, 0, NULL }, { EINVAL, 0, NULL },
		{ 0, 0, "INSIDE-deep" }, { 0, 0, "INSIDE-file" },
		{ 0, 0, "INSIDE-deep" },
	};
	static const struct fc_want want[] = {
		{ FC_ANY_ERR, 0, NULL }, { FC_ANY_ERR, 0, NULL },
		{ FC_ANY_ERR, 0, NULL }, { FC_ANY_ERR, 0, NULL },
		{ FC_ANY_ERR, 0, NULL }, { FC_ANY_ERR, 0, NULL },
		{ FC_ANY_ERR, 0, NULL }, { FC_ANY_ERR, 0, NULL },
		{ 0, 0, "INSIDE-deep" }, { 0, 0, "INSIDE-file" },
		{ 0, ENOSYS, "INSIDE-deep" },
	};
	/* The worker: openat2 itself is refused by the lockdown filter. */
	static const struct fc_want lib[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
	};
	const char *policy = fc_str("r %s/in\n", t);
	struct fc_opts o = { .policy = policy, .cwd = sub };
	const char *two[] = {
		"openat2", "cwd", fc_path("in/file"), "0", "0", ",",
		"openat2", "cwd", fc_path("out/secret"), "0", "0", NULL
	};

	fc_tree();
	fc_symlink("file", fc_path("in/alias"));
	fc_symlink("/proc/self/cwd", fc_path("in/sub/magic"));
	FC_EXPECT(fc_plain_v(&o, script), real);
	FC_EXPECT(fc_run_v(&o, script), want);
	FC_EXPECT(fc_worker_v(fc_policy(policy), two), lib);
}
END_TEST

/*
 * Regression (found by this suite, since fixed): a path naming the program's own
 * descriptor (/proc/self/fd/N) is served by reopening that descriptor,
 * also for openat2() with RESOLVE_NO_MAGICLINKS, which the kernel
 * answers with ELOOP.  The access is no wider than the descriptor's, but
 * a promise the program asked for is dropped.
 */
/* ESCAPE: openat2 RESOLVE_NO_MAGICLINKS on /proc/self/fd/N of descriptors the program holds (its stdin, an ungranted file) | ELOOP as the kernel; plain open reopens them */
START_TEST(test_escape_paths_flags_openat2_magiclinks)
{
	const char *script[] = {
		"openat2", "cwd", "/proc/self/fd/0", "0",
		flagstr(RESOLVE_NO_MAGICLINKS), ",",
		"openat2", "cwd", "/proc/self/fd/3", "0",
		flagstr(RESOLVE_NO_MAGICLINKS), ",",
		"openat2", "cwd", "/proc/thread-self/fd/3", "0",
		flagstr(RESOLVE_NO_MAGICLINKS), ",",
		"openat2", "cwd", "/proc/self/fd/3", "0", "0", ",",
		FC_OPEN("/proc/self/fd/0", "0"),
		NULL
	};
	/* Lines 1-3: the broker's Landlock bound may refuse first. */
	static const struct fc_want want[] = {
		{ ELOOP, 0, NULL }, { ELOOP, EACCES, NULL },
		{ ELOOP, EACCES, NULL }, { 0, EACCES, "SECRET-out" },
		{ 0, 0, NULL },
	};
	struct fc_fd fd = { -1, 3 };
	struct fc_opts o = {
		.policy = fc_str("r %s/in\n", fc_dir()),
		.fds = &fd,
		.nfds = 1,
	};

	fc_tree();
	fd.src = open(fc_path("out/secret"), O_RDONLY | O_CLOEXEC);
	ck_assert(fd.src != -1);
	FC_EXPECT(fc_plain_v(&o, script), want);
	FC_EXPECT(fc_run_v(&o, script), want);
}
END_TEST

/* The probe waits twice: move its directory out, remove the other. */
static void
move_dirfd(int n, void *arg)
{
	(void)arg;
	if (n == 0)
		ck_assert(rename(fc_path("in/mv"), fc_path("out/mv")) == 0);
	else
		ck_assert(rmdir(fc_path("in/gone")) == 0);
}

/* ESCAPE: *at calls relative to descriptors the command was given (an ungranted directory, a file) or holds (a directory moved out of the tree, a removed one) | EACCES, ENOTDIR, EBADF, ENOENT; granted names beneath them open */
START_TEST(test_escape_paths_flags_dirfd)
{
	const char *script[] = {
		"openat", "#3", "secret", "0", ",",
		"openat", "#3", "../in/file", "0", ",",
		"openat", "#4", "deep", "0", ",",
		"openat", "#4", "../../out/secret", "0", ",",
		"openat", "#4", fc_path("out/secret"), "0", ",",
		"openat", "#5", "x", "0", ",",
		"openat", "#99", "x", "0", ",",
		FC_OPEN(fc_path("in/mv"), flagstr(O_DIRECTORY)),
		"openat", "@", "f", "0", ",",
		"wait", ",",
		"openat", "@", "f", "0", ",",
		FC_OPEN(fc_path("in/gone"), flagstr(O_DIRECTORY)),
		"wait", ",",
		"openat", "@", "x", flagstr(O_CREAT | O_WRONLY), ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { 0, 0, "INSIDE-file" },
		{ 0, 0, "INSIDE-deep" }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { ENOTDIR, 0, NULL }, { EBADF, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, "INSIDE-mv" }, { 0, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
		{ ENOENT, 0, NULL },
	};
	struct fc_fd fds[3];
	struct fc_opts o = {
		.policy = fc_str("rwc %s/in\n", fc_dir()),
		.fds = fds,
		.nfds = 3,
		.on_wait = move_dirfd,
	};

	fc_tree();
	fc_mkdir(fc_path("in/mv"));
	fc_mkdir(fc_path("in/gone"));
	fc_write(fc_path("in/mv/f"), "INSIDE-mv\n");
	fds[0] = (struct fc_fd){ open(fc_path("out"), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC), 3 };
	fds[1] = (struct fc_fd){ open(fc_path("in/sub"), O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC), 4 };
	fds[2] = (struct fc_fd){ open(fc_path("in/file"), O_RDONLY |
	    O_CLOEXEC), 5 };
	ck_assert(fds[0].src != -1 && fds[1].src != -1 && fds[2].src != -1);
	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(fc_path("out/x")));
	ck_assert(!fc_exists(fc_path("out/mv/x")));
}
END_TEST

/* ESCAPE: open with and without O_CLOEXEC and O_NONBLOCK, files and a FIFO | close-on-exec, O_NONBLOCK, O_APPEND and the access mode as asked; the FIFO does not block */
START_TEST(test_escape_paths_flags_cloexec)
{
	const char *f = fc_path("in/file"), *fifo = fc_path("in/fifo");
	const char *script[] = {
		FC_OPEN(f, "0"),
		FC_OPEN(f, flagstr(O_CLOEXEC)),
		FC_OPEN(f, flagstr(O_NONBLOCK)),
		FC_OPEN(f, flagstr(O_CLOEXEC | O_NONBLOCK | O_WRONLY |
		    O_APPEND)),
		FC_OPEN(fifo, flagstr(O_RDONLY | O_NONBLOCK)),
		FC_OPEN(fifo, flagstr(O_RDWR)),
		NULL
	};
	static const int want_fl[] = {
		O_RDONLY, O_RDONLY, O_NONBLOCK,
		O_NONBLOCK | O_APPEND | O_WRONLY, O_NONBLOCK, O_RDWR,
	};
	static const int want_cloexec[] = { 0, 1, 0, 1, 0, 0 };
	const int mask = O_NONBLOCK | O_APPEND | O_ACCMODE;
	const char *policy = fc_str("rw %s/in\n", fc_dir());
	struct fc_opts o = { .policy = policy };
	struct fc_out *r;
	int pass, i;

	fc_tree();
	ck_assert(mkfifo(fifo, 0600) == 0);
	for (pass = 0; pass < 2; pass++) {
		r = pass == 0 ? fc_run_v(&o, script) :
		    fc_worker_v(fc_policy(policy), script);
		ck_assert_msg(r->status == 0 && r->n == 6, "%s", fc_dump(r));
		for (i = 0; i < 6; i++) {
			ck_assert_msg(r->err[i] == 0 &&
			    (fc_num(r, i, "fl") & mask) == want_fl[i] &&
			    fc_num(r, i, "cloexec") == want_cloexec[i],
			    "line %d: %s", i, fc_dump(r));
		}
	}
}
END_TEST

static Suite *
escape_paths_suite(void)
{
	Suite *s = suite_create("escape_paths");
	TCase *tc;

	tc = tcase_create("tricks");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_paths_dotdot);
	tcase_add_test(tc, test_escape_paths_slashes);
	tcase_add_test(tc, test_escape_paths_trailing_slash);
	tcase_add_test(tc, test_escape_paths_long);
	tcase_add_test(tc, test_escape_paths_deep_cwd);
	tcase_add_test(tc, test_escape_paths_nonul_unmapped);
	tcase_add_test(tc, test_escape_paths_bad_pointer);
	tcase_add_test(tc, test_escape_paths_prefix);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("symlinks");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_paths_symlink_absolute);
	tcase_add_test(tc, test_escape_paths_symlink_relative);
	tcase_add_test(tc, test_escape_paths_symlink_chain);
	tcase_add_test(tc, test_escape_paths_symlink_loop);
	tcase_add_test(tc, test_escape_paths_symlink_magic);
	tcase_add_test(tc, test_escape_paths_symlink_swap);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("races");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_paths_race_buffer);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("flags");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_loop_test(tc, test_escape_paths_flags_table, 0, NPERMS);
	tcase_add_test(tc, test_escape_paths_flags_creat);
	tcase_add_test(tc, test_escape_paths_flags_readonly);
	tcase_add_test(tc, test_escape_paths_flags_opath);
	tcase_add_test(tc, test_escape_paths_flags_tmpfile);
	tcase_add_test(tc, test_escape_paths_flags_openat2);
	tcase_add_test(tc, test_escape_paths_flags_openat2_magiclinks);
	tcase_add_test(tc, test_escape_paths_flags_dirfd);
	tcase_add_test(tc, test_escape_paths_flags_cloexec);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return fc_main(escape_paths_suite);
}
