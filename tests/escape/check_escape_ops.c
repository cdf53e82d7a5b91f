/* SPDX-License-Identifier: MIT */
/*
 * check_escape_ops.c: the escape suite's attacks through the path calls
 * other than open (issue 5, file side): unlink, rename (and
 * RENAME_EXCHANGE), link, symlink, mkdir, chmod, truncate, mknod,
 * utimensat, stat of the directories above a grant, and AF_UNIX
 * bind/connect by path.  fdbroker-run (the notify transport) performs
 * these for the command; a library worker cannot make them at all (the
 * lockdown filter's refusals are the process-side suite's business).
 *
 * Each test tries the call on names outside the policy, through symlinks
 * that lead out, and without the permission it needs, checks that
 * nothing changed on disk, and does the granted counterpart.  Its tree:
 * in/ (r), w/ (rw), c/ (rwc), rc/ (rc), out/ (nothing).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"
#include "filecase.h"

#define FIXED_TIME	1000000000	/* what the probe's utimens sets */

static const char *
num(long v)
{
	return fc_str("%#lo", v);
}

/* The common tree and the policy that goes with it. */
static const char *
ops_tree(void)
{
	const char *t = fc_dir();

	fc_tree();
	fc_mkdir(fc_path("w"));
	fc_mkdir(fc_path("c"));
	fc_mkdir(fc_path("c/d"));
	fc_mkdir(fc_path("rc"));
	fc_write(fc_path("w/f"), "W-FILE\n");
	fc_write(fc_path("c/f"), "C-FILE\n");
	fc_write(fc_path("rc/ro"), "RC-RO\n");
	fc_symlink(fc_path("out/secret"), fc_path("w/linkout"));
	fc_symlink(fc_path("out/secret"), fc_path("c/linkout"));
	fc_symlink(fc_path("out"), fc_path("c/dirlink"));
	fc_symlink(fc_path("out/created"), fc_path("c/dangling"));
	return fc_str("r %s/in\nrw %s/w\nrwc %s/c\nrc %s/rc\n", t, t, t, t);
}

/* The file outside the tree is as it was. */
static void
secret_intact(void)
{
	struct stat st;

	ck_assert_str_eq(fc_read(fc_path("out/secret")), "SECRET-out\n");
	ck_assert(lstat(fc_path("out/secret"), &st) == 0);
	ck_assert_msg((st.st_mode & 07777) == 0644 && st.st_nlink == 1 &&
	    st.st_mtime != FIXED_TIME, "out/secret mode %o, %d links",
	    (unsigned)st.st_mode, (int)st.st_nlink);
}

/* ESCAPE: unlink and rmdir without c, outside the tree, and through a symlinked directory leading out | EACCES, nothing removed; unlinking a symlink out removes the link only */
START_TEST(test_escape_ops_unlink)
{
	const char *script[] = {
		"unlink", fc_path("in/file"), ",",
		"unlink", fc_path("out/secret"), ",",
		"rmdir", fc_path("in/sub"), ",",
		"unlink", fc_path("c/dirlink/secret"), ",",
		"rmdir", fc_path("c/dirlink/"), ",",
		"unlink", fc_path("c/linkout"), ",",
		"unlink", fc_path("c/f"), ",",
		"rmdir", fc_path("c/d"), ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(fc_exists(fc_path("in/file")));
	ck_assert(fc_exists(fc_path("in/sub/deep")));
	ck_assert(fc_exists(fc_path("c/dirlink")));
	ck_assert(fc_exists(fc_path("out")));
	ck_assert(!fc_exists(fc_path("c/linkout")));
	ck_assert(!fc_exists(fc_path("c/f")));
	ck_assert(!fc_exists(fc_path("c/d")));
	secret_intact();
}
END_TEST

/* ESCAPE: rename in and out of the tree, through a symlinked directory, RENAME_EXCHANGE with a file outside, and from a read-only tree into a writable one | EACCES or EXDEV, nothing moved; renames and exchanges inside c work */
START_TEST(test_escape_ops_rename)
{
	const char *script[] = {
		"rename", fc_path("c/a"), fc_path("out/a"), ",",
		"rename", fc_path("out/secret"), fc_path("c/stolen"), ",",
		"rename", fc_path("c/dirlink/secret"), fc_path("c/got"), ",",
		"rename", fc_path("c/d"), fc_path("out/d"), ",",
		"rename", fc_path("c/x"), fc_path("out/secret"),
		num(RENAME_EXCHANGE), ",",
		"rename", fc_path("c/y"), fc_path("c/dirlink/new"), ",",
		"rename", fc_path("rc/ro"), fc_path("c/ro"), ",",
		"rename", fc_path("in/file"), fc_path("c/file"), ",",
		"rename", fc_path("c/a"), fc_path("c/x"),
		num(RENAME_NOREPLACE), ",",
		"rename", fc_path("c/a"), fc_path("c/b"), ",",
		"rename", fc_path("c/x"), fc_path("c/y"),
		num(RENAME_EXCHANGE), ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EXDEV, 0, NULL }, { EACCES, 0, NULL }, { EEXIST, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	fc_write(fc_path("c/a"), "C-A\n");
	fc_write(fc_path("c/x"), "C-X\n");
	fc_write(fc_path("c/y"), "C-Y\n");
	FC_EXPECT(fc_run_v(&o, script), want);
	secret_intact();
	ck_assert(!fc_exists(fc_path("out/a")));
	ck_assert(!fc_exists(fc_path("out/d")));
	ck_assert(!fc_exists(fc_path("out/new")));
	ck_assert(!fc_exists(fc_path("c/stolen")));
	ck_assert(!fc_exists(fc_path("c/got")));
	ck_assert(!fc_exists(fc_path("c/ro")));
	ck_assert(!fc_exists(fc_path("c/file")));
	ck_assert(fc_exists(fc_path("c/d")));
	ck_assert_str_eq(fc_read(fc_path("rc/ro")), "RC-RO\n");
	ck_assert_str_eq(fc_read(fc_path("in/file")), "INSIDE-file\n");
	ck_assert(!fc_exists(fc_path("c/a")));
	ck_assert_str_eq(fc_read(fc_path("c/b")), "C-A\n");
	ck_assert_str_eq(fc_read(fc_path("c/x")), "C-Y\n");
	ck_assert_str_eq(fc_read(fc_path("c/y")), "C-X\n");
}
END_TEST

/* ESCAPE: hard links to a file outside, through a symlink out (AT_SYMLINK_FOLLOW), from read-only trees into a writable one, and out of the tree | EACCES or EXDEV, no new link; links inside c work */
START_TEST(test_escape_ops_link)
{
	const char *follow = fc_str("%d", AT_SYMLINK_FOLLOW);
	const char *script[] = {
		"linkat", "cwd", fc_path("out/secret"), fc_path("c/hard"), "0",
		",",
		"linkat", "cwd", fc_path("c/linkout"), fc_path("c/hard2"),
		follow, ",",
		"linkat", "cwd", fc_path("rc/ro"), fc_path("c/rolink"), "0",
		",",
		"linkat", "cwd", fc_path("in/file"), fc_path("c/inlink"), "0",
		",",
		"linkat", "cwd", fc_path("c/f"), fc_path("out/f2"), "0", ",",
		"linkat", "cwd", fc_path("c/linkout"), fc_path("c/hard3"), "0",
		",",
		FC_OPEN(fc_path("c/hard3"), "0"),
		"linkat", "cwd", fc_path("c/f"), fc_path("c/f2"), "0", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EXDEV, 0, NULL },
		{ EXDEV, EACCES, NULL }, { EACCES, 0, NULL }, { 0, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	secret_intact();
	ck_assert(!fc_exists(fc_path("c/hard")));
	ck_assert(!fc_exists(fc_path("c/hard2")));
	ck_assert(!fc_exists(fc_path("c/rolink")));
	ck_assert(!fc_exists(fc_path("c/inlink")));
	ck_assert(!fc_exists(fc_path("out/f2")));
	ck_assert(S_ISLNK(fc_mode(fc_path("c/hard3"))));
	ck_assert_str_eq(fc_read(fc_path("c/f2")), "C-FILE\n");
}
END_TEST

/* ESCAPE: creating symlinks that point out of the tree, then opening through them; creating them in ungranted or read-only directories | the link is created (it is text) but opening it EACCES; elsewhere EACCES, nothing created */
START_TEST(test_escape_ops_symlink)
{
	const char *script[] = {
		"symlink", fc_path("out/secret"), fc_path("c/newlink"), ",",
		FC_OPEN(fc_path("c/newlink"), "0"),
		"symlink", "../out/secret", fc_path("c/rellink"), ",",
		FC_OPEN(fc_path("c/rellink"), "0"),
		"symlink", fc_path("in/file"), fc_path("out/evil"), ",",
		"symlink", "x", fc_path("in/evil"), ",",
		"symlink", "../in/file", fc_path("c/good"), ",",
		FC_OPEN(fc_path("c/good"), "0"),
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { EACCES, 0, NULL }, { 0, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, "INSIDE-file" },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(fc_path("out/evil")));
	ck_assert(!fc_exists(fc_path("in/evil")));
	ck_assert(S_ISLNK(fc_mode(fc_path("c/newlink"))));
	secret_intact();
}
END_TEST

/* ESCAPE: mkdir outside the tree, without c, through a symlinked directory out, on a dangling symlink out | EACCES or EEXIST, nothing created outside; mkdir of a new directory in c works */
START_TEST(test_escape_ops_mkdir)
{
	const char *script[] = {
		"mkdir", fc_path("out/new"), "0755", ",",
		"mkdir", fc_path("in/new"), "0755", ",",
		"mkdir", fc_path("c/dirlink/new"), "0755", ",",
		"mkdir", fc_path("c/dangling"), "0755", ",",
		"mkdir", fc_path("c/new"), "0755", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EEXIST, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(fc_path("out/new")));
	ck_assert(!fc_exists(fc_path("in/new")));
	ck_assert(!fc_exists(fc_path("out/created")));
	ck_assert(S_ISLNK(fc_mode(fc_path("c/dangling"))));
	ck_assert(S_ISDIR(fc_mode(fc_path("c/new"))));
}
END_TEST

/*
 * Regression (found by this suite, since fixed): mkdir of a directory that exists
 * and that the program may stat (the granted ones, and those above a
 * grant, as check_stat() allows) fails with EACCES instead of EEXIST, so
 * `mkdir -p /tmp/x/c/p` fails on its first component ("cannot create
 * directory '/tmp'") even with c on /tmp/x/c.  coreutils then also
 * chdir()s into each component, which the broker refuses above a grant:
 * both must change for mkdir -p to work (checked with both changed).
 */
/* ESCAPE: mkdir on existing directories: the granted one, one with r only, those above the grant; then mkdir -p below the grant | EEXIST (their existence is visible to stat anyway), so mkdir -p works */
START_TEST(test_escape_ops_mkdir_existing)
{
	const char *t = fc_dir();
	const char *script[] = {
		"mkdir", fc_path("c"), "0755", ",",
		"mkdir", fc_path("c/d"), "0755", ",",
		"mkdir", fc_path("in"), "0755", ",",
		"mkdir", t, "0755", ",",
		"mkdir", "/tmp", "0755", ",",
		"mkdir", "/", "0755", ",",
		"mkdir", fc_path("out"), "0755", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EEXIST, 0, NULL }, { EEXIST, 0, NULL }, { EEXIST, 0, NULL },
		{ EEXIST, 0, NULL }, { EEXIST, 0, NULL }, { EEXIST, 0, NULL },
		{ EACCES, 0, NULL },
	};
	const char *mk[] = { "/bin/mkdir", "-p", fc_path("c/p/q"), NULL };
	struct fc_opts o = { .policy = ops_tree() };
	struct fc_out *r;

	FC_EXPECT(fc_run_v(&o, script), want);
	/* The real thing: coreutils' mkdir -p below the grant. */
	r = fc_run_cmd(&o, mk);
	ck_assert_msg(r->status == 0 && fc_exists(fc_path("c/p/q")),
	    "mkdir -p failed: %s", fc_dump(r));
}
END_TEST

/* ESCAPE: chmod without w, of a file outside, through a symlink out, and fchmod of a read-only descriptor | EACCES, modes unchanged; chmod with w works */
START_TEST(test_escape_ops_chmod)
{
	const char *script[] = {
		"chmod", fc_path("in/file"), "0777", ",",
		"chmod", fc_path("w/linkout"), "0777", ",",
		"chmod", fc_path("out/secret"), "0777", ",",
		FC_OPEN(fc_path("in/file"), "0"),
		"fchmod", "@", "0777", ",",
		"chmod", fc_path("w/f"), "0640", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, "INSIDE-file" }, { EACCES, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert_int_eq(fc_mode(fc_path("in/file")) & 07777, 0644);
	ck_assert_int_eq(fc_mode(fc_path("w/f")) & 07777, 0640);
	secret_intact();
}
END_TEST

/* ESCAPE: truncate without w, of a file outside, and through a symlink out | EACCES, contents unchanged; truncate with w works */
START_TEST(test_escape_ops_truncate)
{
	const char *script[] = {
		"truncate", fc_path("in/file"), "0", ",",
		"truncate", fc_path("w/linkout"), "0", ",",
		"truncate", fc_path("out/secret"), "0", ",",
		"truncate", fc_path("c/dirlink/secret"), "0", ",",
		"truncate", fc_path("w/f"), "2", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert_str_eq(fc_read(fc_path("in/file")), "INSIDE-file\n");
	ck_assert_str_eq(fc_read(fc_path("w/f")), "W-");
	secret_intact();
}
END_TEST

/* ESCAPE: mknod of character and block devices (/dev/null, /dev/mem, a disk) and sockets with c, and of FIFOs without c or outside | EPERM or EACCES, nothing created; a FIFO with c works */
START_TEST(test_escape_ops_mknod)
{
	const char *script[] = {
		"mknod", fc_path("c/null"), num(S_IFCHR | 0666), "1:3", ",",
		"mknod", fc_path("c/mem"), num(S_IFCHR | 0600), "1:1", ",",
		"mknod", fc_path("c/disk"), num(S_IFBLK | 0600), "7:0", ",",
		"mknod", fc_path("c/sock"), num(S_IFSOCK | 0600), "0:0", ",",
		"mknod", fc_path("in/fifo"), num(S_IFIFO | 0600), "0:0", ",",
		"mknod", fc_path("out/fifo"), num(S_IFIFO | 0600), "0:0", ",",
		"mknod", fc_path("c/dangling"), num(S_IFIFO | 0600), "0:0",
		",",
		"mknod", fc_path("c/fifo"), num(S_IFIFO | 0600), "0:0", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EPERM, 0, NULL }, { EPERM, 0, NULL }, { EPERM, 0, NULL },
		{ EPERM, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EEXIST, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(fc_path("c/null")));
	ck_assert(!fc_exists(fc_path("c/mem")));
	ck_assert(!fc_exists(fc_path("c/disk")));
	ck_assert(!fc_exists(fc_path("c/sock")));
	ck_assert(!fc_exists(fc_path("in/fifo")));
	ck_assert(!fc_exists(fc_path("out/fifo")));
	ck_assert(!fc_exists(fc_path("out/created")));
	ck_assert(S_ISFIFO(fc_mode(fc_path("c/fifo"))));
}
END_TEST

static time_t
mtime(const char *path)
{
	struct stat st;

	ck_assert(lstat(path, &st) == 0);
	return st.st_mtime;
}

/* ESCAPE: utimensat without w, of a file outside, and through a symlink out | EACCES, times unchanged; with w it sets them */
START_TEST(test_escape_ops_utimens)
{
	const char *script[] = {
		"utimens", fc_path("in/file"), "0", ",",
		"utimens", fc_path("w/linkout"), "0", ",",
		"utimens", fc_path("out/secret"), "0", ",",
		"utimens", fc_path("w/f"), "0", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(mtime(fc_path("in/file")) != FIXED_TIME);
	ck_assert(mtime(fc_path("w/f")) == FIXED_TIME);
	secret_intact();
}
END_TEST

/*
 * What fdbroker decides here (broker-ops.c, check_stat(); SPEC §3 is
 * silent): as unveil(2), the directories that lead down to a granted
 * path can be stat()ed, so that realpath() and rm work; nothing else
 * about them is visible: they cannot be opened (listed), and nothing
 * beside the path to the grant can be stat()ed.
 */
/* ESCAPE: stat, access and readlink of the directories above a grant, of files and other directories beside that path, of symlinks there, opening them | stat, access F_OK/X_OK and readlink (EINVAL) of the leading directories work as unconfined, everything else EACCES (access R_OK too) */
START_TEST(test_escape_ops_stat_leading)
{
	const char *t = fc_dir();
	const char *script[] = {
		"stat", "/", ",",
		"stat", t, ",",
		"stat", fc_path("a"), ",",
		"stat", fc_path("a/b"), ",",
		"stat", fc_path("a/b/in/file"), ",",
		"stat", fc_path("a/sib"), ",",
		"stat", fc_path("a/other"), ",",
		"stat", fc_path("a/lnk"), ",",
		"lstat", fc_path("a/lnk"), ",",
		"readlink", fc_path("a/lnk"), ",",
		"stat", fc_path("a/dd"), ",",
		"stat", fc_path("a/b/../sib"), ",",
		"stat", fc_path("out/secret"), ",",
		FC_OPEN(fc_path("a"), fc_str("%#x", O_RDONLY | O_DIRECTORY)),
		FC_OPEN(fc_path("a/b/in/file"), "0"),
		"access", "/", "1", ",",
		"access", fc_path("a"), "0", ",",
		"access", fc_path("a"), "4", ",",
		"access", fc_path("a/sib"), "0", ",",
		"access", fc_path("a/other"), "1", ",",
		"readlink", "/", ",",
		"readlink", fc_path("a/b"), ",",
		"readlink", fc_path("a/other"), ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { 0, 0, "INSIDE-ab" },
		/* access F_OK/X_OK and readlink (EINVAL) as stat: leading. */
		{ 0, 0, NULL }, { 0, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EINVAL, 0, NULL }, { EINVAL, 0, NULL }, { EACCES, 0, NULL },
	};
	struct fc_opts o = {
		.policy = fc_str("r %s/a/b/in\ndeny %s/a/dd/x\n", t, t),
	};

	fc_tree();
	fc_mkdir(fc_path("a"));
	fc_mkdir(fc_path("a/b"));
	fc_mkdir(fc_path("a/b/in"));
	fc_mkdir(fc_path("a/other"));
	fc_mkdir(fc_path("a/dd"));
	fc_mkdir(fc_path("a/dd/x"));
	fc_write(fc_path("a/b/in/file"), "INSIDE-ab\n");
	fc_write(fc_path("a/sib"), "SECRET-sib\n");
	fc_symlink(fc_path("out"), fc_path("a/lnk"));
	FC_EXPECT(fc_run_v(&o, script), want);
}
END_TEST

/* A listening AF_UNIX socket at @path, for the probe to connect to. */
static int
listener(const char *path)
{
	struct sockaddr_un sun;
	int s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(s != -1);
	ck_assert(bind(s, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	ck_assert(listen(s, 16) == 0);
	return s;
}

/* ESCAPE: connect to AF_UNIX sockets outside the policy, read-only, or through a symlink out; bind outside the tree or on a dangling symlink out | EACCES (bind on the link: EADDRINUSE), no socket file created; connect with rw and bind with c work */
START_TEST(test_escape_ops_unix_socket)
{
	const char *script[] = {
		"connect", fc_path("out/sock"), ",",
		"connect", fc_path("in/sock"), ",",
		"connect", fc_path("w/link"), ",",
		"bind", fc_path("out/new"), ",",
		"bind", fc_path("in/new"), ",",
		"bind", fc_path("c/dangling"), ",",
		"connect", fc_path("w/sock"), ",",
		"bind", fc_path("c/new"), ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ EACCES, 0, NULL }, { EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EACCES, 0, NULL }, { EACCES, 0, NULL },
		{ EADDRINUSE, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = ops_tree() };

	(void)listener(fc_path("out/sock"));
	(void)listener(fc_path("in/sock"));
	(void)listener(fc_path("w/sock"));
	fc_symlink(fc_path("out/sock"), fc_path("w/link"));
	FC_EXPECT(fc_plain(script), ((const struct fc_want[]){
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL }, { EADDRINUSE, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL } }));
	/* The plain run made these; the confined one must not. */
	ck_assert(unlink(fc_path("out/new")) == 0 &&
	    unlink(fc_path("in/new")) == 0 && unlink(fc_path("c/new")) == 0);
	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(fc_path("out/new")));
	ck_assert(!fc_exists(fc_path("in/new")));
	ck_assert(!fc_exists(fc_path("out/created")));
	ck_assert(S_ISSOCK(fc_mode(fc_path("c/new"))));
}
END_TEST

static Suite *
escape_ops_suite(void)
{
	Suite *s = suite_create("escape_ops");
	TCase *tc;

	tc = tcase_create("entries");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_ops_unlink);
	tcase_add_test(tc, test_escape_ops_rename);
	tcase_add_test(tc, test_escape_ops_link);
	tcase_add_test(tc, test_escape_ops_symlink);
	tcase_add_test(tc, test_escape_ops_mkdir);
	tcase_add_test(tc, test_escape_ops_mkdir_existing);
	tcase_add_test(tc, test_escape_ops_mknod);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("attributes");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_ops_chmod);
	tcase_add_test(tc, test_escape_ops_truncate);
	tcase_add_test(tc, test_escape_ops_utimens);
	tcase_add_test(tc, test_escape_ops_stat_leading);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("sockets");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_ops_unix_socket);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return fc_main(escape_ops_suite);
}
