/* SPDX-License-Identifier: MIT */
/*
 * check_broker_ops.c: unit tests of broker-ops.c, the broker's path
 * operations besides open, called directly (no seccomp): each test
 * builds a policy over a mkdtemp() tree under /tmp and checks what is
 * done on disk, the errno, the decisions the hook sees, and that no
 * descriptor leaks.
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
#include "broker.h"
#include "fd.h"
#include "fdbroker.h"
#include "tree.h"

/* The tcase's directory, made and removed by Check's parent. */
static char base[64];
static char dir[128];		/* the test's, inside base */
static struct fdb_policy *pol;
static struct fdb_broker *broker;
static int decisions, denials, fds_before;

static void
hook(const struct fdb_decision *d, void *arg)
{
	(void)arg;
	decisions++;
	if (!d->allowed && d->error == EACCES)
		denials++;
}

static const char *
at(const char *rel)
{
	return tree_at(dir, rel);
}

static void
grant(const char *rel, unsigned perms)
{
	ck_assert_int_eq(fdb_policy_add(pol, at(rel), perms), 0);
}

static struct broker_req
req(const char *rel)
{
	struct broker_req r;

	memset(&r, 0, sizeof(r));
	r.who.pid = getpid();
	r.call = "test";
	r.path[0] = at(rel);
	r.fd = -1;
	r.umask = BROKER_OWN_UMASK;
	r.mode = 0755;
	return r;
}

/*
 * The operations, each one request through broker_do() as a transport
 * makes it; the result's data is copied out where the test wants it.
 */
static struct broker_res res;

static int
run(struct broker_req *r, enum broker_op op, int flags)
{
	r->op = op;
	r->flags = r->open_flags = flags;
	return broker_do(broker, r, &res);
}

#define NOFOLLOW(follow)	((follow) ? 0 : AT_SYMLINK_NOFOLLOW)

static int
t_stat(struct broker_req *r, int follow, struct stat *st)
{
	int rc = run(r, BROKER_STAT, NOFOLLOW(follow));

	if (rc == 0)
		*st = res.st;
	return rc;
}

static int
t_access(struct broker_req *r, int mode, int flags)
{
	r->arg.amode = mode;
	return run(r, BROKER_ACCESS, flags);
}

static ssize_t
t_readlink(struct broker_req *r, char *buf, size_t len)
{
	if (run(r, BROKER_READLINK, 0) == -1)
		return -1;
	memcpy(buf, res.buf, (size_t)res.val < len ? (size_t)res.val : len);
	return res.val;
}

static int
t_mkdir(struct broker_req *r)
{
	return run(r, BROKER_MKDIR, 0);
}

static int
t_mknod(struct broker_req *r)
{
	return run(r, BROKER_MKNOD, 0);
}

static int
t_unlink(struct broker_req *r, int flags)
{
	return run(r, BROKER_UNLINK, flags);
}

/* Two paths in one request, as a rename(2) or link(2) is. */
static int
t_two(enum broker_op op, struct broker_req *a, const struct broker_req *b,
      int flags)
{
	a->path[1] = b->path[0];
	a->base[1] = b->base[0];
	return run(a, op, flags);
}

static int
t_rename(struct broker_req *a, const struct broker_req *b, unsigned flags)
{
	return t_two(BROKER_RENAME, a, b, (int)flags);
}

static int
t_link(struct broker_req *a, const struct broker_req *b, int follow)
{
	return t_two(BROKER_LINK, a, b, follow ? AT_SYMLINK_FOLLOW : 0);
}

static int
t_symlink(const char *target, struct broker_req *r)
{
	r->path[1] = target;
	return run(r, BROKER_SYMLINK, 0);
}

static int
t_chmod(struct broker_req *r, int follow)
{
	return run(r, BROKER_CHMOD, NOFOLLOW(follow));
}

static int
t_truncate(struct broker_req *r, off_t length)
{
	r->arg.length = length;
	return run(r, BROKER_TRUNCATE, 0);
}

static int
t_exec(struct broker_req *r)
{
	return run(r, BROKER_EXEC, 0);
}

static int
t_chdir(struct broker_req *r, char *path)
{
	if (run(r, BROKER_CHDIR, 0) == -1)
		return -1;
	strcpy(path, res.out[0].path);
	return 0;
}

/*
 * The tree: rwc/ (rwc), ro/ (r), rc/ (rc), rwc/deny/ (deny), out/
 * (nothing), each with a file f; ro/up -> ../out/f.
 */
static void
setup(void)
{
	static const char *const dirs[] = { "rwc", "ro", "rc", "out",
	    "rwc/deny", "rwc/sub" };
	size_t i;
	char f[64];

	snprintf(dir, sizeof(dir), "%s/t.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		ck_assert_int_eq(mkdir(at(dirs[i]), 0755), 0);
		snprintf(f, sizeof(f), "%s/f", dirs[i]);
		tree_put(at(f), "data\n");
	}
	ck_assert_int_eq(symlink("../out/f", at("ro/up")), 0);
	pol = fdb_policy_new();
	ck_assert_ptr_nonnull(pol);
	grant("rwc", FDB_R | FDB_W | FDB_C);
	grant("ro", FDB_R);
	grant("rc", FDB_R | FDB_C);
	grant("rwc/deny", FDB_DENY);
	broker = fdb_broker_new(pol);
	ck_assert_ptr_nonnull(broker);
	fdb_broker_set_hook(broker, hook, NULL);
	decisions = denials = 0;
	fds_before = fd_count();
}

static void
teardown(void)
{
	ck_assert_int_eq(fd_count(), fds_before);
	fdb_broker_free(broker);
	fdb_policy_free(pol);
}

/*
 * Unchecked fixtures run in Check's parent process, also when a test
 * fails in its child: the whole tree goes whatever happened.
 */
static void
make_base(void)
{
	strcpy(base, "/tmp/check_broker_ops.XXXXXX");
	if (mkdtemp(base) == NULL)
		abort();
}

static void
remove_base(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", base);
}

START_TEST(test_broker_ops_stat_granted)
{
	struct broker_req r = req("ro/f");
	struct stat st;

	ck_assert_int_eq(t_stat(&r, 1, &st), 0);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(decisions, 1);
	ck_assert_int_eq(denials, 0);
}
END_TEST

START_TEST(test_broker_ops_stat_denied)
{
	struct broker_req r = req("out/f");
	struct stat st;

	errno = 0;
	ck_assert_int_eq(t_stat(&r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
	r = req("rwc/deny/f");
	ck_assert_int_eq(t_stat(&r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(denials, 2);
}
END_TEST

START_TEST(test_broker_ops_stat_ancestor_valid)
{
	struct broker_req r = req("");
	struct stat st;

	/* The directory above granted trees: its metadata only. */
	r.path[0] = dir;
	ck_assert_int_eq(t_stat(&r, 1, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	r.path[0] = "/";
	ck_assert_int_eq(t_stat(&r, 1, &st), 0);
	ck_assert_int_eq(denials, 0);
}
END_TEST

START_TEST(test_broker_ops_stat_ancestor_invalid)
{
	struct broker_req r = req("out");
	struct stat st;

	/* out/ leads to nothing granted. */
	ck_assert_int_eq(t_stat(&r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_stat_symlink_out)
{
	struct broker_req r = req("ro/up");
	struct stat st;
	char buf[64];

	/* The link itself is granted; where it leads is not. */
	ck_assert_int_eq(t_stat(&r, 0, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(t_readlink(&r, buf, sizeof(buf)), 8);
	errno = 0;
	ck_assert_int_eq(t_stat(&r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_access_policy)
{
	struct broker_req r = req("ro/f");

	ck_assert_int_eq(t_access(&r, R_OK, 0), 0);
	errno = 0;
	ck_assert_int_eq(t_access(&r, W_OK, 0), -1);
	ck_assert_int_eq(errno, EACCES);
	r = req("rwc/f");
	ck_assert_int_eq(t_access(&r, R_OK | W_OK, 0), 0);
	r = req("rwc/missing");
	ck_assert_int_eq(t_access(&r, F_OK, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_broker_ops_mkdir_valid)
{
	struct broker_req r = req("rwc/new");
	struct stat st;

	ck_assert_int_eq(t_mkdir(&r), 0);
	ck_assert_int_eq(stat(at("rwc/new"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(t_mkdir(&r), -1);
	ck_assert_int_eq(errno, EEXIST);
}
END_TEST

START_TEST(test_broker_ops_mkdir_invalid)
{
	struct broker_req r = req("ro/new");
	struct stat st;

	ck_assert_int_eq(t_mkdir(&r), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(stat(at("ro/new"), &st), -1);
	r = req("rwc/dev");
	r.mode = S_IFCHR | 0600;
	ck_assert_int_eq(t_mknod(&r), -1);
	ck_assert_int_eq(errno, EPERM);
	r.mode = S_IFIFO | 0600;
	ck_assert_int_eq(t_mknod(&r), 0);
	ck_assert_int_eq(stat(at("rwc/dev"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
}
END_TEST

START_TEST(test_broker_ops_unlink_trailing_slash)
{
	struct broker_req r = req("rwc/f/");
	struct stat st;

	ck_assert_int_eq(t_unlink(&r, 0), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_eq(stat(at("rwc/f"), &st), 0);
	r = req("rwc/f");
	ck_assert_int_eq(t_unlink(&r, 0), 0);
	ck_assert_int_eq(stat(at("rwc/f"), &st), -1);
	r = req("ro/f");
	ck_assert_int_eq(t_unlink(&r, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_rename_valid)
{
	struct broker_req a = req("rwc/f"), b = req("rwc/g");
	struct stat st;

	ck_assert_int_eq(t_rename(&a, &b, 0), 0);
	ck_assert_int_eq(stat(at("rwc/g"), &st), 0);
	/* One record for the request, with both of its paths. */
	ck_assert_int_eq(decisions, 1);
}
END_TEST

START_TEST(test_broker_ops_rename_gains_exdev)
{
	struct broker_req a = req("rc/f"), b = req("rwc/g");
	struct stat st;

	/* rc -> rwc would make the file writable: mv must copy instead. */
	ck_assert_int_eq(t_rename(&a, &b, 0), -1);
	ck_assert_int_eq(errno, EXDEV);
	ck_assert_int_eq(stat(at("rc/f"), &st), 0);
	/* A tree with a rule beneath it does not move either. */
	a = req("rwc");
	b = req("rwc/sub/moved");
	ck_assert_int_eq(t_rename(&a, &b, 0), -1);
	ck_assert_int_eq(errno, EXDEV);
	/* And nothing moves out of a tree without c. */
	a = req("ro/f");
	b = req("rwc/h");
	ck_assert_int_eq(t_rename(&a, &b, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_link_gains_exdev)
{
	struct broker_req a = req("ro/f"), b = req("rwc/alias");
	struct stat st;

	ck_assert_int_eq(t_link(&a, &b, 0), -1);
	ck_assert_int_eq(errno, EXDEV);
	ck_assert_int_eq(lstat(at("rwc/alias"), &st), -1);
	a = req("rwc/f");
	ck_assert_int_eq(t_link(&a, &b, 0), 0);
	ck_assert_int_eq(stat(at("rwc/alias"), &st), 0);
	ck_assert_int_eq(st.st_nlink, 2);
}
END_TEST

START_TEST(test_broker_ops_symlink_valid)
{
	struct broker_req r = req("rwc/l");
	char buf[32];
	ssize_t n;

	ck_assert_int_eq(t_symlink("/etc/shadow", &r), 0);
	n = readlink(at("rwc/l"), buf, sizeof(buf));
	ck_assert_int_eq(n, 11);
	r = req("ro/l");
	ck_assert_int_eq(t_symlink("f", &r), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_chmod_valid)
{
	struct broker_req r = req("rwc/f");
	struct stat st;

	r.mode = 0600;
	ck_assert_int_eq(t_chmod(&r, 1), 0);
	ck_assert_int_eq(stat(at("rwc/f"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(symlink("f", at("rwc/l")), 0);
	r = req("rwc/l");
	ck_assert_int_eq(t_chmod(&r, 0), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
}
END_TEST

START_TEST(test_broker_ops_chmod_invalid)
{
	struct broker_req r = req("ro/f");
	struct stat st;

	r.mode = 0777;
	ck_assert_int_eq(t_chmod(&r, 1), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(stat(at("ro/f"), &st), 0);
	ck_assert_int_ne(st.st_mode & 07777, 0777);
}
END_TEST

START_TEST(test_broker_ops_truncate)
{
	struct broker_req r = req("rwc/f");
	struct stat st;

	ck_assert_int_eq(t_truncate(&r, 2), 0);
	ck_assert_int_eq(stat(at("rwc/f"), &st), 0);
	ck_assert_int_eq(st.st_size, 2);
	r = req("rwc/sub");
	ck_assert_int_eq(t_truncate(&r, 0), -1);
	ck_assert_int_eq(errno, EISDIR);
	r = req("ro/f");
	ck_assert_int_eq(t_truncate(&r, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_exec_and_chdir)
{
	struct broker_req r = req("ro/f");
	char path[PATH_MAX];

	ck_assert_int_eq(t_exec(&r), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(t_chdir(&r, path), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	r = req("ro");
	ck_assert_int_eq(t_chdir(&r, path), 0);
	ck_assert_str_eq(path, at("ro"));
	r = req("out");
	ck_assert_int_eq(t_chdir(&r, path), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

/* Without a base, a relative path starts at the broker's directory. */
START_TEST(test_broker_ops_relative_base)
{
	struct broker_req r = req("ro/f");
	struct stat st;

	r.path[0] = "f";
	ck_assert_int_eq(t_stat(&r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
	r.base[0] = at("ro");
	ck_assert_int_eq(t_stat(&r, 1, &st), 0);
	r.path[0] = "../out/f";
	ck_assert_int_eq(t_stat(&r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

static Suite *
broker_ops_suite(void)
{
	Suite *s = suite_create("broker_ops");
	TCase *tc;

	tc = tcase_create("read");
	tcase_add_unchecked_fixture(tc, make_base, remove_base);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_broker_ops_stat_granted);
	tcase_add_test(tc, test_broker_ops_stat_denied);
	tcase_add_test(tc, test_broker_ops_stat_ancestor_valid);
	tcase_add_test(tc, test_broker_ops_stat_ancestor_invalid);
	tcase_add_test(tc, test_broker_ops_stat_symlink_out);
	tcase_add_test(tc, test_broker_ops_access_policy);
	tcase_add_test(tc, test_broker_ops_exec_and_chdir);
	tcase_add_test(tc, test_broker_ops_relative_base);
	suite_add_tcase(s, tc);

	tc = tcase_create("modify");
	tcase_add_unchecked_fixture(tc, make_base, remove_base);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_broker_ops_mkdir_valid);
	tcase_add_test(tc, test_broker_ops_mkdir_invalid);
	tcase_add_test(tc, test_broker_ops_unlink_trailing_slash);
	tcase_add_test(tc, test_broker_ops_rename_valid);
	tcase_add_test(tc, test_broker_ops_rename_gains_exdev);
	tcase_add_test(tc, test_broker_ops_link_gains_exdev);
	tcase_add_test(tc, test_broker_ops_symlink_valid);
	tcase_add_test(tc, test_broker_ops_chmod_valid);
	tcase_add_test(tc, test_broker_ops_chmod_invalid);
	tcase_add_test(tc, test_broker_ops_truncate);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(broker_ops_suite());
}
