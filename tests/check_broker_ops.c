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
#include "broker-ops.h"
#include "fd.h"
#include "fdbroker.h"

/* The tcase's directory, made and removed by Check's parent. */
static char base[64];
static char dir[128];		/* the test's, inside base */
static struct fdb_policy *pol;
static struct fdb_broker *broker;
static struct broker_ops ops;
static int decisions, denials, fds_before;

static void
hook(const struct fdb_decision *d, void *arg)
{
	(void)arg;
	decisions++;
	if (!d->allowed && d->error == EACCES)
		denials++;
}

/* @dir/@rel, in a ring of buffers: a test uses fewer than 8 at once. */
static const char *
at(const char *rel)
{
	static char buf[8][PATH_MAX];
	static unsigned i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

static void
grant(const char *rel, unsigned perms)
{
	ck_assert_int_eq(fdb_policy_add(pol, at(rel), perms), 0);
}

static void
put(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static struct broker_req
req(const char *rel)
{
	struct broker_req r;

	memset(&r, 0, sizeof(r));
	r.pid = getpid();
	r.op = "test";
	r.path = at(rel);
	r.mode = 0755;
	return r;
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
		put(f, "data\n");
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
	ops.b = broker;
	ops.policy = pol;
	ops.deny_errno = EACCES;
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

	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), 0);
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
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
	r = req("rwc/deny/f");
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(denials, 2);
}
END_TEST

START_TEST(test_broker_ops_stat_ancestor_valid)
{
	struct broker_req r = req("");
	struct stat st;

	/* The directory above granted trees: its metadata only. */
	r.path = dir;
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	r.path = "/";
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), 0);
	ck_assert_int_eq(denials, 0);
}
END_TEST

START_TEST(test_broker_ops_stat_ancestor_invalid)
{
	struct broker_req r = req("out");
	struct stat st;

	/* out/ leads to nothing granted. */
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_stat_symlink_out)
{
	struct broker_req r = req("ro/up");
	struct stat st;
	char buf[64];

	/* The link itself is granted; where it leads is not. */
	ck_assert_int_eq(broker_stat(&ops, &r, 0, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(broker_readlink(&ops, &r, buf, sizeof(buf)), 8);
	errno = 0;
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_access_policy)
{
	struct broker_req r = req("ro/f");

	ck_assert_int_eq(broker_access(&ops, &r, R_OK, 0), 0);
	errno = 0;
	ck_assert_int_eq(broker_access(&ops, &r, W_OK, 0), -1);
	ck_assert_int_eq(errno, EACCES);
	r = req("rwc/f");
	ck_assert_int_eq(broker_access(&ops, &r, R_OK | W_OK, 0), 0);
	r = req("rwc/missing");
	ck_assert_int_eq(broker_access(&ops, &r, F_OK, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_broker_ops_mkdir_valid)
{
	struct broker_req r = req("rwc/new");
	struct stat st;

	ck_assert_int_eq(broker_mkdir(&ops, &r), 0);
	ck_assert_int_eq(stat(at("rwc/new"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(broker_mkdir(&ops, &r), -1);
	ck_assert_int_eq(errno, EEXIST);
}
END_TEST

START_TEST(test_broker_ops_mkdir_invalid)
{
	struct broker_req r = req("ro/new");
	struct stat st;

	ck_assert_int_eq(broker_mkdir(&ops, &r), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(stat(at("ro/new"), &st), -1);
	r = req("rwc/dev");
	r.mode = S_IFCHR | 0600;
	ck_assert_int_eq(broker_mknod(&ops, &r), -1);
	ck_assert_int_eq(errno, EPERM);
	r.mode = S_IFIFO | 0600;
	ck_assert_int_eq(broker_mknod(&ops, &r), 0);
	ck_assert_int_eq(stat(at("rwc/dev"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
}
END_TEST

START_TEST(test_broker_ops_unlink_trailing_slash)
{
	struct broker_req r = req("rwc/f/");
	struct stat st;

	ck_assert_int_eq(broker_unlink(&ops, &r, 0), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_int_eq(stat(at("rwc/f"), &st), 0);
	r = req("rwc/f");
	ck_assert_int_eq(broker_unlink(&ops, &r, 0), 0);
	ck_assert_int_eq(stat(at("rwc/f"), &st), -1);
	r = req("ro/f");
	ck_assert_int_eq(broker_unlink(&ops, &r, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_rename_valid)
{
	struct broker_req a = req("rwc/f"), b = req("rwc/g");
	struct stat st;

	ck_assert_int_eq(broker_rename(&ops, &a, &b, 0), 0);
	ck_assert_int_eq(stat(at("rwc/g"), &st), 0);
	ck_assert_int_eq(decisions, 2);
}
END_TEST

START_TEST(test_broker_ops_rename_gains_exdev)
{
	struct broker_req a = req("rc/f"), b = req("rwc/g");
	struct stat st;

	/* rc -> rwc would make the file writable: mv must copy instead. */
	ck_assert_int_eq(broker_rename(&ops, &a, &b, 0), -1);
	ck_assert_int_eq(errno, EXDEV);
	ck_assert_int_eq(stat(at("rc/f"), &st), 0);
	/* A tree with a rule beneath it does not move either. */
	a = req("rwc");
	b = req("rwc/sub/moved");
	ck_assert_int_eq(broker_rename(&ops, &a, &b, 0), -1);
	ck_assert_int_eq(errno, EXDEV);
	/* And nothing moves out of a tree without c. */
	a = req("ro/f");
	b = req("rwc/h");
	ck_assert_int_eq(broker_rename(&ops, &a, &b, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_link_gains_exdev)
{
	struct broker_req a = req("ro/f"), b = req("rwc/alias");
	struct stat st;

	ck_assert_int_eq(broker_link(&ops, &a, &b, 0), -1);
	ck_assert_int_eq(errno, EXDEV);
	ck_assert_int_eq(lstat(at("rwc/alias"), &st), -1);
	a = req("rwc/f");
	ck_assert_int_eq(broker_link(&ops, &a, &b, 0), 0);
	ck_assert_int_eq(stat(at("rwc/alias"), &st), 0);
	ck_assert_int_eq(st.st_nlink, 2);
}
END_TEST

START_TEST(test_broker_ops_symlink_valid)
{
	struct broker_req r = req("rwc/l");
	char buf[32];
	ssize_t n;

	ck_assert_int_eq(broker_symlink(&ops, "/etc/shadow", &r), 0);
	n = readlink(at("rwc/l"), buf, sizeof(buf));
	ck_assert_int_eq(n, 11);
	r = req("ro/l");
	ck_assert_int_eq(broker_symlink(&ops, "f", &r), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_chmod_valid)
{
	struct broker_req r = req("rwc/f");
	struct stat st;

	r.mode = 0600;
	ck_assert_int_eq(broker_chmod(&ops, &r, 1), 0);
	ck_assert_int_eq(stat(at("rwc/f"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(symlink("f", at("rwc/l")), 0);
	r = req("rwc/l");
	ck_assert_int_eq(broker_chmod(&ops, &r, 0), -1);
	ck_assert_int_eq(errno, EOPNOTSUPP);
}
END_TEST

START_TEST(test_broker_ops_chmod_invalid)
{
	struct broker_req r = req("ro/f");
	struct stat st;

	r.mode = 0777;
	ck_assert_int_eq(broker_chmod(&ops, &r, 1), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(stat(at("ro/f"), &st), 0);
	ck_assert_int_ne(st.st_mode & 07777, 0777);
}
END_TEST

START_TEST(test_broker_ops_truncate)
{
	struct broker_req r = req("rwc/f");
	struct stat st;

	ck_assert_int_eq(broker_truncate(&ops, &r, 2), 0);
	ck_assert_int_eq(stat(at("rwc/f"), &st), 0);
	ck_assert_int_eq(st.st_size, 2);
	r = req("rwc/sub");
	ck_assert_int_eq(broker_truncate(&ops, &r, 0), -1);
	ck_assert_int_eq(errno, EISDIR);
	r = req("ro/f");
	ck_assert_int_eq(broker_truncate(&ops, &r, 0), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_exec_and_chdir)
{
	struct broker_req r = req("ro/f");
	char path[PATH_MAX];

	ck_assert_int_eq(broker_exec(&ops, &r), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(broker_chdir(&ops, &r, path), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	r = req("ro");
	ck_assert_int_eq(broker_chdir(&ops, &r, path), 0);
	ck_assert_str_eq(path, at("ro"));
	r = req("out");
	ck_assert_int_eq(broker_chdir(&ops, &r, path), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_broker_ops_relative_needs_base)
{
	struct broker_req r = req("ro/f");
	struct stat st;

	r.path = "f";
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), -1);
	ck_assert_int_eq(errno, EINVAL);
	r.base = at("ro");
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), 0);
	r.path = "../out/f";
	ck_assert_int_eq(broker_stat(&ops, &r, 1, &st), -1);
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
	tcase_add_test(tc, test_broker_ops_relative_needs_base);
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
