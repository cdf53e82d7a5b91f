/* SPDX-License-Identifier: MIT */
/*
 * check_policy_file.c: unit tests of the policy file format
 * (src/policy-file.c): permission words, whole files, the exact error
 * messages with their line numbers, all-or-nothing parsing, single rules,
 * and loading files (missing, unreadable, with NUL bytes, too large).
 * Files are written only in a mkdtemp() directory, removed afterwards.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check-run.h"
#include "fd.h"
#include "fdbroker.h"
#include "policy-file.h"
#include "policy.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FILE_MAX	(1024 * 1024)	/* the documented load limit */
#define RW		(FDB_R | FDB_W)

/* A text with its exact length, so that it may hold NUL bytes. */
#define T(s)		{ s, sizeof(s) - 1 }

struct text {
	const char *s;
	size_t len;
};

static char tmpdir[] = "/tmp/check_policy_file.XXXXXX";
static char tmpname[PATH_MAX];

static size_t
nrules(const struct fdb_policy *p)
{
	size_t n;

	(void)policy_rules(p, &n);
	return n;
}

/* The permissions of the rule exactly on @path; -1 when there is none. */
static long
perms_on(const struct fdb_policy *p, const char *path)
{
	const struct policy_rule *r = policy_match(p, path);

	if (r == NULL || strcmp(r->path, path) != 0)
		return -1;
	return (long)r->perms;
}

static struct fdb_policy *
new_policy(void)
{
	struct fdb_policy *p = fdb_policy_new();

	ck_assert_ptr_nonnull(p);
	return p;
}

/* ---- perms ---- */

static const struct perms_case {
	const char *word;
	unsigned perms;
	const char *reason;	/* NULL: valid */
} perms_cases[] = {
	{ "r", FDB_R, NULL },
	{ "w", FDB_W, NULL },
	{ "c", FDB_C, NULL },
	{ "x", FDB_X, NULL },
	{ "rw", RW, NULL },
	{ "wr", RW, NULL },
	{ "rwcx", FDB_R | FDB_W | FDB_C | FDB_X, NULL },
	{ "xcwr", FDB_R | FDB_W | FDB_C | FDB_X, NULL },
	{ "rx", FDB_R | FDB_X, NULL },
	{ "deny", FDB_DENY, NULL },
	{ "absent", FDB_ABSENT, NULL },
	{ "Absent", 0, "unknown permission 'A'" },
	{ "absentr", 0, "unknown permission 'a'" },
	{ "q", 0, "unknown permission 'q'" },
	{ "rwq", 0, "unknown permission 'q'" },
	{ "R", 0, "unknown permission 'R'" },
	{ "Deny", 0, "unknown permission 'D'" },
	{ "denyr", 0, "unknown permission 'd'" },
	{ "r,w", 0, "unknown permission ','" },
	{ "r\001", 0, "unknown permission '\\x01'" },
	{ "r\377", 0, "unknown permission '\\xff'" },
	{ "rr", 0, "repeated permission 'r'" },
	{ "rwcxw", 0, "repeated permission 'w'" },
	{ "", 0, "missing permissions" },
};

START_TEST(test_policy_file_parse_perms_table)
{
	const struct perms_case *c = &perms_cases[_i];
	char err[128] = "";
	unsigned perms = 0xdead;
	int r;

	errno = 0;
	r = policy_file_parse_perms(c->word, &perms, err, sizeof(err));
	if (c->reason == NULL) {
		ck_assert_msg(r == 0, "'%s': %s", c->word, err);
		ck_assert_uint_eq(perms, c->perms);
		return;
	}
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, c->reason);
}
END_TEST

START_TEST(test_policy_file_parse_perms_no_err)
{
	unsigned perms;

	errno = 0;
	ck_assert_int_eq(policy_file_parse_perms("q", &perms, NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(policy_file_parse_perms("rw", &perms, NULL, 0), 0);
	ck_assert_uint_eq(perms, RW);
}
END_TEST

/* ---- parse: valid ---- */

static void
parse_ok(struct fdb_policy *p, const char *text, size_t len)
{
	char err[256] = "";

	ck_assert_msg(policy_file_parse(p, "policy.txt", text, len, err,
					sizeof(err)) == 0, "%s", err);
}

START_TEST(test_policy_file_parse_rules)
{
	static const char text[] =
		"r /usr\n"
		"rw /srv/data\n"
		"rwc /tmp/out\n"
		"xr /opt/bin\n"
		"deny /srv/data/secret\n";
	struct fdb_policy *p = new_policy();

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 5);
	ck_assert_int_eq(perms_on(p, "/usr"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/srv/data"), RW);
	ck_assert_int_eq(perms_on(p, "/tmp/out"), RW | FDB_C);
	ck_assert_int_eq(perms_on(p, "/opt/bin"), FDB_R | FDB_X);
	ck_assert_int_eq(perms_on(p, "/srv/data/secret"), FDB_DENY);
	fdb_policy_free(p);
}
END_TEST

/* "exact PERMS PATH": that path, not its tree (what --learn writes). */
START_TEST(test_policy_file_parse_exact)
{
	static const char text[] =
		"r /usr\n"
		"exact  rw\t/etc\n"
		"exact deny /usr/x\n";
	struct fdb_policy *p = new_policy();
	const struct policy_rule *r;

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 3);
	ck_assert_int_eq(perms_on(p, "/etc"), RW);
	ck_assert_ptr_null(policy_match(p, "/etc/passwd"));
	ck_assert_int_eq(perms_on(p, "/usr/x"), FDB_DENY);
	r = policy_match(p, "/usr/x/y");
	ck_assert(r != NULL && !r->exact && strcmp(r->path, "/usr") == 0);
	fdb_policy_free(p);
}
END_TEST

/* "absent PATH": no access, and ENOENT for the path (FDB_ABSENT). */
START_TEST(test_policy_file_parse_absent)
{
	static const char text[] =
		"r /run\n"
		"absent /run/nscd\n"
		"exact absent /var/run/utmp\n";
	struct fdb_policy *p = new_policy();
	const struct policy_rule *r;

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 3);
	r = policy_match(p, "/run/nscd/socket");
	ck_assert(r != NULL && r->absent && r->perms == 0);
	ck_assert_int_eq(policy_allows(p, "/run/nscd/socket", FDB_R, NULL), 0);
	r = policy_match(p, "/var/run/utmp");
	ck_assert(r != NULL && r->absent && r->exact);
	r = policy_match(p, "/run/x");
	ck_assert(r != NULL && !r->absent && r->perms == FDB_R);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_comments)
{
	static const char text[] =
		"# a policy\n"
		"\n"
		"   \n"
		"\t# indented comment\n"
		"r /a # trailing comment\n"
		"w /b\t#tab, then comment\n"
		"r /c#not-a-comment\n"
		"#r /d\n"
		"x /e #\n";
	struct fdb_policy *p = new_policy();

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 4);
	ck_assert_int_eq(perms_on(p, "/a"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/b"), FDB_W);
	ck_assert_int_eq(perms_on(p, "/c#not-a-comment"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/d"), -1);
	ck_assert_int_eq(perms_on(p, "/e"), FDB_X);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_whitespace)
{
	static const char text[] =
		"  \t r \t /a  \t \n"
		"w /b\r\n"
		"\r\n"
		"x\t\t/c\n"
		"c /d";		/* no final newline */
	struct fdb_policy *p = new_policy();

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 4);
	ck_assert_int_eq(perms_on(p, "/a"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/b"), FDB_W);
	ck_assert_int_eq(perms_on(p, "/c"), FDB_X);
	ck_assert_int_eq(perms_on(p, "/d"), FDB_C);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_spaces_in_path)
{
	static const char text[] =
		"r   /my dir/two  spaces  \n"
		"w /a b # comment\n"
		"r /x\ty\n";
	struct fdb_policy *p = new_policy();

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 3);
	ck_assert_int_eq(perms_on(p, "/my dir/two  spaces"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/a b"), FDB_W);
	ck_assert_int_eq(perms_on(p, "/x\ty"), FDB_R);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_normalises)
{
	static const char text[] = "r /x//y/./z/../\nw /..\n";
	struct fdb_policy *p = new_policy();

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 2);
	ck_assert_int_eq(perms_on(p, "/x/y"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/"), FDB_W);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_same_path)
{
	static const char text[] = "r /a\nw /a/\ndeny /b\nrw /b\n";
	struct fdb_policy *p = new_policy();

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 2);
	ck_assert_int_eq(perms_on(p, "/a"), RW);
	ck_assert_int_eq(perms_on(p, "/b"), FDB_DENY);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_empty)
{
	static const char text[] = "# nothing\n\n";
	struct fdb_policy *p = new_policy();

	parse_ok(p, "", 0);
	parse_ok(p, NULL, 0);
	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_long_spelling)
{
	struct fdb_policy *p = new_policy();
	size_t i, len;
	char *text;

	/* Long on the line, short once normal: accepted. */
	len = 2 + 2 * PATH_MAX + 2;
	text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "r ", 2);
	for (i = 2; i < len - 2; i += 2)
		memcpy(text + i, "/.", 2);
	memcpy(text + i, "/a", 2);
	text[len] = '\0';
	parse_ok(p, text, len);
	ck_assert_int_eq(perms_on(p, "/a"), FDB_R);
	free(text);
	fdb_policy_free(p);
}
END_TEST

/* ---- parse: errors ---- */

static const struct bad_case {
	struct text text;
	const char *err;
} bad_cases[] = {
	{ T("r /a\nq /b\n"), "policy.txt:2: unknown permission 'q'" },
	{ T("r /a\n\n# c\n\nr foo\n"),
	  "policy.txt:5: path must be absolute: 'foo'" },
	{ T("r ./a\n"), "policy.txt:1: path must be absolute: './a'" },
	{ T("r ~user/a b\n"),
	  "policy.txt:1: path must be absolute: '~user/a b'" },
	{ T("r /srv/*.txt\n"), "policy.txt:1: '*' and '?' only in deny "
	  "rules: a glob never grants" },
	{ T("r **/x\n"), "policy.txt:1: '*' and '?' only in deny rules: a "
	  "glob never grants" },
	{ T("absent /run/*\n"), "policy.txt:1: '*' and '?' only in deny "
	  "rules: a glob never grants" },
	{ T("include x.policy\n"), "policy.txt:1: include: only in a policy "
	  "file" },
	{ T("r\n"), "policy.txt:1: missing path" },
	{ T("# x\n\n\n\n\n\nrw   \t\n"), "policy.txt:7: missing path" },
	{ T("r # comment\n"), "policy.txt:1: missing path" },
	{ T("deny\n"), "policy.txt:1: missing path" },
	{ T("r /a\nrr /b\n"), "policy.txt:2: repeated permission 'r'" },
	{ T("/tmp/a\n"), "policy.txt:1: missing permissions" },
	{ T("denyy /a\n"), "policy.txt:1: unknown permission 'd'" },
	{ T("DENY /a\n"), "policy.txt:1: unknown permission 'D'" },
	{ T("r,w /a\n"), "policy.txt:1: unknown permission ','" },
	{ T("r /a\r\nq /b\r\n"), "policy.txt:2: unknown permission 'q'" },
	{ T("q /a\nz /b\n"), "policy.txt:1: unknown permission 'q'" },
	{ T("r /a\nr /b\0c\n"), "policy.txt:2: line contains a NUL byte" },
	{ T("r /a\n\0"), "policy.txt:2: line contains a NUL byte" },
	{ T("\0# comment\n"), "policy.txt:1: line contains a NUL byte" },
	{ T("r /a\nx\n"), "policy.txt:2: missing path" },	/* last line */
	{ T("r /a\nx"), "policy.txt:2: missing path" },		/* no '\n' */
	{ T("exact /a\n"), "policy.txt:1: missing permissions" },
	{ T("exact\n"), "policy.txt:1: missing permissions" },
	{ T("exact r\n"), "policy.txt:1: missing path" },
	{ T("exact exact r /a\n"), "policy.txt:1: unknown permission 'e'" },
};

START_TEST(test_policy_file_parse_errors)
{
	const struct bad_case *c = &bad_cases[_i];
	struct fdb_policy *p = new_policy();
	char err[256] = "";

	errno = 0;
	ck_assert_int_eq(policy_file_parse(p, "policy.txt", c->text.s,
					   c->text.len, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, c->err);
	ck_assert_uint_eq(nrules(p), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_path_too_long)
{
	struct fdb_policy *p = new_policy();
	char err[256] = "";
	size_t len = 8 + PATH_MAX;
	char *text;

	text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "r /a\nr /", 8);
	memset(text + 8, 'x', len - 8);
	text[len] = '\0';
	errno = 0;
	ck_assert_int_eq(policy_file_parse(p, "policy.txt", text, len, err,
					   sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, "policy.txt:2: path too long");
	ck_assert_uint_eq(nrules(p), 0);
	free(text);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_quote_bounded)
{
	struct fdb_policy *p = new_policy();
	char text[2 + 200 + 1], want[128], err[512] = "";

	/* A bad path is quoted back, but only its first 64 bytes. */
	memcpy(text, "r ", 2);
	memset(text + 2, 'a', 200);
	text[202] = '\0';
	snprintf(want, sizeof(want), "p:1: path must be absolute: '%.64s...'",
		 text + 2);
	ck_assert_int_eq(policy_file_parse(p, "p", text, 202, err,
					   sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_all_or_nothing)
{
	static const char text[] = "r /a\nw /srv\ndeny /usr\nr /b\nq /c\n";
	struct fdb_policy *p = new_policy();
	char err[256] = "";

	ck_assert_int_eq(fdb_policy_add(p, "/srv", FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(p, "/usr", FDB_R), 0);
	ck_assert_int_eq(policy_file_parse(p, "f", text, sizeof(text) - 1,
					   err, sizeof(err)), -1);
	ck_assert_str_eq(err, "f:5: unknown permission 'q'");
	ck_assert_uint_eq(nrules(p), 2);
	ck_assert_int_eq(perms_on(p, "/srv"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/usr"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/a"), -1);
	ck_assert_int_eq(perms_on(p, "/b"), -1);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_err_buffer)
{
	static const char text[] = "q /a\n";
	struct fdb_policy *p = new_policy();
	char err[8];

	/* Truncated, still terminated; no buffer, or an empty one, is fine. */
	ck_assert_int_eq(policy_file_parse(p, "policy.txt", text,
					   sizeof(text) - 1, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "policy.");
	memset(err, 'z', sizeof(err));
	ck_assert_int_eq(policy_file_parse(p, "policy.txt", text,
					   sizeof(text) - 1, err, 0), -1);
	ck_assert_int_eq(err[0], 'z');
	errno = 0;
	ck_assert_int_eq(policy_file_parse(p, "policy.txt", text,
					   sizeof(text) - 1, NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	fdb_policy_free(p);
}
END_TEST

/* ---- add_rule ---- */

START_TEST(test_policy_file_add_rule_valid)
{
	struct fdb_policy *p = new_policy();
	char err[128] = "";

	ck_assert_int_eq(fdb_policy_add_rule(p, "rw /srv/data", err,
					     sizeof(err)), 0);
	ck_assert_int_eq(fdb_policy_add_rule(p, "deny /srv/data/k", err,
					     sizeof(err)), 0);
	ck_assert_int_eq(fdb_policy_add_rule(p, "  r   /a b/  # c ", err,
					     sizeof(err)), 0);
	ck_assert_int_eq(fdb_policy_add_rule(p, "x /a b", NULL, 0), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(nrules(p), 3);
	ck_assert_int_eq(perms_on(p, "/srv/data"), RW);
	ck_assert_int_eq(perms_on(p, "/srv/data/k"), FDB_DENY);
	ck_assert_int_eq(perms_on(p, "/a b"), FDB_R | FDB_X);
	fdb_policy_free(p);
}
END_TEST

static const struct {
	const char *rule;
	const char *reason;
} bad_rules[] = {
	{ "q /a", "unknown permission 'q'" },
	{ "rr /a", "repeated permission 'r'" },
	{ "r a", "path must be absolute: 'a'" },
	{ "r", "missing path" },
	{ "/a", "missing permissions" },
	{ "", "empty rule" },
	{ "  # only a comment", "empty rule" },
	{ "r /a\nr /b", "rule contains a newline" },
	{ "r /a\n", "rule contains a newline" },
};

START_TEST(test_policy_file_add_rule_invalid)
{
	struct fdb_policy *p = new_policy();
	char err[128] = "";

	errno = 0;
	ck_assert_int_eq(fdb_policy_add_rule(p, bad_rules[_i].rule, err,
					     sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, bad_rules[_i].reason);
	ck_assert_uint_eq(nrules(p), 0);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add_rule(p, bad_rules[_i].rule, NULL, 0),
			 -1);
	ck_assert_int_eq(errno, EINVAL);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_add_rule_path_too_long)
{
	struct fdb_policy *p = new_policy();
	char rule[2 + PATH_MAX + 1], err[128] = "";

	memcpy(rule, "r ", 2);
	memset(rule + 2, 'a', PATH_MAX);
	rule[2] = '/';
	rule[2 + PATH_MAX] = '\0';
	errno = 0;
	ck_assert_int_eq(fdb_policy_add_rule(p, rule, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, "path too long");
	/* One byte shorter fits (PATH_MAX counts the NUL). */
	rule[2 + PATH_MAX - 1] = '\0';
	ck_assert_int_eq(fdb_policy_add_rule(p, rule, err, sizeof(err)), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_add_rule_null)
{
	struct fdb_policy *p = new_policy();

	errno = 0;
	ck_assert_int_eq(fdb_policy_add_rule(p, NULL, NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_policy_add_rule(NULL, "r /a", NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	fdb_policy_free(p);
}
END_TEST

/* ---- load ---- */

/*
 * The directory lives for the whole tcase and is removed by the parent
 * (an unchecked fixture), so it goes away even when a test fails; each
 * test uses its own names in it.
 */
static void
load_setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
load_teardown(void)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    unlinkat(dirfd(d), de->d_name, 0) == -1)
			(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	closedir(d);
	(void)rmdir(tmpdir);
}

/* @name in the test directory (one buffer: one name per test). */
static const char *
tmp_path(const char *name)
{
	snprintf(tmpname, sizeof(tmpname), "%s/%s", tmpdir, name);
	return tmpname;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* A file of @size bytes, all comment lines. */
static void
write_comments(const char *path, size_t size)
{
	char *text = malloc(size);
	size_t i;

	ck_assert_ptr_nonnull(text);
	memset(text, '#', size);
	for (i = 63; i < size; i += 64)
		text[i] = '\n';
	write_file(path, text, size);
	free(text);
}

START_TEST(test_policy_file_load_valid)
{
	const char *file = tmp_path("valid");
	static const char text[] = "# build step\nr /src\nrwc /src/out\n";
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "";
	int before = fd_count();

	write_file(file, text, sizeof(text) - 1);
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(nrules(p), 2);
	ck_assert_int_eq(perms_on(p, "/src"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/src/out"), RW | FDB_C);
	ck_assert_int_eq(fd_count(), before);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_malformed)
{
	const char *file = tmp_path("malformed");
	static const char text[] = "r /src\n\nq /x\n";
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", want[PATH_MAX + 64];
	int before = fd_count();

	write_file(file, text, sizeof(text) - 1);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	snprintf(want, sizeof(want), "%s:3: unknown permission 'q'", file);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(nrules(p), 0);
	ck_assert_int_eq(fd_count(), before);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_nul_byte)
{
	const char *file = tmp_path("nul_byte");
	static const char text[] = "r /src\nr /a\0b\n";
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", want[PATH_MAX + 64];

	write_file(file, text, sizeof(text) - 1);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	snprintf(want, sizeof(want), "%s:2: line contains a NUL byte",
		 file);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(nrules(p), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_missing)
{
	const char *file = tmp_path("missing");
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", want[PATH_MAX + 64];
	int before = fd_count();

	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: %s", file, strerror(ENOENT));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(fd_count(), before);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, file, NULL, 0), -1);
	ck_assert_int_eq(errno, ENOENT);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_directory)
{
	struct fdb_policy *p = new_policy();
	char dir[PATH_MAX], err[PATH_MAX + 64] = "", want[PATH_MAX + 64];
	int before = fd_count();

	snprintf(dir, sizeof(dir), "%s/dir", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, dir, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EISDIR);
	snprintf(want, sizeof(want), "%s: %s", dir, strerror(EISDIR));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(fd_count(), before);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_unreadable)
{
	const char *file = tmp_path("unreadable");
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", want[PATH_MAX + 64];
	int before = fd_count();

	/*
	 * Opens, but reading at offset 0 fails (nothing is mapped there),
	 * for root too: the read error path, not only open's.
	 */
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, "/proc/self/mem", err,
					 sizeof(err)), -1);
	ck_assert_int_eq(errno, EIO);
	snprintf(want, sizeof(want), "/proc/self/mem: %s", strerror(EIO));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(fd_count(), before);
	/* Permission bits stop only those without CAP_DAC_OVERRIDE. */
	if (geteuid() != 0) {
		write_file(file, "r /a\n", 5);
		ck_assert_int_eq(chmod(file, 0), 0);
		errno = 0;
		ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)),
				 -1);
		ck_assert_int_eq(errno, EACCES);
	}
	ck_assert_uint_eq(nrules(p), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_largest)
{
	const char *file = tmp_path("largest");
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "";

	write_comments(file, FILE_MAX);
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), 0);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_too_large)
{
	const char *file = tmp_path("too_large");
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", want[PATH_MAX + 64];
	int before = fd_count();

	write_comments(file, FILE_MAX + 1);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EFBIG);
	snprintf(want, sizeof(want), "%s: file too large (over %d bytes)",
		 file, FILE_MAX);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(fd_count(), before);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_huge_sparse)
{
	const char *file = tmp_path("huge_sparse");
	struct fdb_policy *p = new_policy();
	int fd;

	/* 64 GiB of holes: refused after reading the first MiB, quickly. */
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)64 << 30), 0);
	ck_assert_int_eq(close(fd), 0);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, file, NULL, 0), -1);
	ck_assert_int_eq(errno, EFBIG);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_all_or_nothing)
{
	const char *file = tmp_path("all_or_nothing");
	static const char text[] = "r /a\nrw /srv\nr relative\n";
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", want[PATH_MAX + 64];

	ck_assert_int_eq(fdb_policy_add(p, "/srv", FDB_R), 0);
	write_file(file, text, sizeof(text) - 1);
	ck_assert_int_eq(fdb_policy_load(p, file, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: path must be absolute: 'relative'",
		 file);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(nrules(p), 1);
	ck_assert_int_eq(perms_on(p, "/srv"), FDB_R);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_null)
{
	struct fdb_policy *p = new_policy();

	errno = 0;
	ck_assert_int_eq(fdb_policy_load(p, NULL, NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdb_policy_load(NULL, "/dev/null", NULL, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* An empty file is an empty policy. */
	ck_assert_int_eq(fdb_policy_load(p, "/dev/null", NULL, 0), 0);
	ck_assert_uint_eq(nrules(p), 0);
	fdb_policy_free(p);
}
END_TEST

/* ---- examples ---- */

/*
 * examples/policies/ in the source tree: from SRCDIR (make check), else
 * next to this file (a build run by hand, __FILE__ names the source).
 */
static void
examples_dir(char *buf, size_t len)
{
	const char *src = getenv("SRCDIR");
	const char *slash;

	if (src != NULL && *src != '\0') {
		snprintf(buf, len, "%s/examples/policies", src);
		return;
	}
	slash = strrchr(__FILE__, '/');
	if (slash == NULL)
		snprintf(buf, len, "../examples/policies");
	else
		snprintf(buf, len, "%.*s/../examples/policies",
			 (int)(slash - __FILE__), __FILE__);
}

START_TEST(test_policy_file_load_examples)
{
	char dir[PATH_MAX], file[2 * PATH_MAX], err[3 * PATH_MAX] = "";
	struct fdb_policy *p;
	struct dirent *de;
	size_t len, found = 0;
	DIR *d;

	examples_dir(dir, sizeof(dir));
	d = opendir(dir);
	ck_assert_msg(d != NULL, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 7 || strcmp(de->d_name + len - 7, ".policy") != 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		p = new_policy();
		ck_assert_msg(fdb_policy_load(p, file, err, sizeof(err)) == 0,
			      "%s", err);
		ck_assert_msg(nrules(p) > 0, "%s: no rules", file);
		fdb_policy_free(p);
		found++;
	}
	closedir(d);
	ck_assert_uint_ge(found, 2);
}
END_TEST

START_TEST(test_policy_file_load_example_rules)
{
	char dir[PATH_MAX], file[2 * PATH_MAX], err[3 * PATH_MAX] = "";
	struct fdb_policy *p = new_policy();

	examples_dir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/build-step.policy", dir);
	ck_assert_msg(fdb_policy_load(p, file, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(policy_allows(p, "/srv/project/src/main.c", FDB_R,
				       NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/srv/project/src/main.c", FDB_W,
				       NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/srv/project/build/main.o",
				       RW | FDB_C, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/srv/project/.env", FDB_R, NULL),
			 0);
	snprintf(file, sizeof(file), "%s/converter.policy", dir);
	ck_assert_msg(fdb_policy_load(p, file, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(perms_on(p, "/srv/shared/Company Templates"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/srv/inbox/.private"), FDB_DENY);
	fdb_policy_free(p);
}
END_TEST

/* ---- include, "~/", deny globs ---- */

static void
write_str(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

START_TEST(test_policy_file_load_include_chain)
{
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 64] = "", sub[PATH_MAX], text[PATH_MAX + 64];

	/* top includes sub/mid relatively, which includes leaf absolutely. */
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	write_str(tmp_path("ch-top"), "r /top\ninclude sub/ch-mid\n");
	snprintf(text, sizeof(text), "rw /mid\ninclude %s/ch-leaf\n",
	    tmpdir);
	write_file(tmp_path("sub/ch-mid"), text, strlen(text));
	write_str(tmp_path("ch-leaf"), "deny /mid/x\n# end\n");
	ck_assert_msg(fdb_policy_load(p, tmp_path("ch-top"), err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(perms_on(p, "/top"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/mid"), RW);
	ck_assert_int_eq(perms_on(p, "/mid/x"), FDB_DENY);
	ck_assert_uint_eq(nrules(p), 3);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_load_include_errors)
{
	struct fdb_policy *p = new_policy();
	char err[PATH_MAX + 128] = "", want[PATH_MAX + 128];
	int before = fd_count();

	/* A loop through two files, named at the line that closes it. */
	write_str(tmp_path("lp-a"), "r /a\ninclude lp-b\n");
	write_str(tmp_path("lp-b"), "\ninclude ./lp-a\n");
	ck_assert_int_eq(fdb_policy_load(p, tmp_path("lp-a"), err,
	    sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	snprintf(want, sizeof(want), "%s/lp-b:2: include '%s/./lp-a': an "
	    "include loop", tmpdir, tmpdir);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(nrules(p), 0);
	/* A file including itself. */
	write_str(tmp_path("lp-self"), "include lp-self\n");
	ck_assert_int_eq(fdb_policy_load(p, tmp_path("lp-self"), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "lp-self:1: include"));
	/* A missing file. */
	write_str(tmp_path("ms"), "r /a\n\ninclude nope\n");
	ck_assert_int_eq(fdb_policy_load(p, tmp_path("ms"), err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/ms:3: include '%s/nope': No such "
	    "file or directory", tmpdir, tmpdir);
	ck_assert_str_eq(err, want);
	/* An error inside an included file names that file and line. */
	write_str(tmp_path("bad-in"), "r /a\nq /b\n");
	write_str(tmp_path("bad-out"), "r /c\ninclude bad-in\n");
	ck_assert_int_eq(fdb_policy_load(p, tmp_path("bad-out"), err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/bad-in:2: unknown permission 'q'",
	    tmpdir);
	ck_assert_str_eq(err, want);
	write_str(tmp_path("inc-empty"), "include\n");
	ck_assert_int_eq(fdb_policy_load(p, tmp_path("inc-empty"), err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "inc-empty:1: include: missing "
	    "file"));
	ck_assert_uint_eq(nrules(p), 0);
	ck_assert_int_eq(fd_count(), before);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_home)
{
	struct fdb_policy *p = new_policy();
	static const char text[] = "r ~/src\ndeny ~/.ssh\nrw ~\n";
	char err[256] = "", want[PATH_MAX];
	struct passwd *pw;

	ck_assert_int_eq(setenv("HOME", "/home/u", 1), 0);
	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_int_eq(perms_on(p, "/home/u/src"), FDB_R);
	ck_assert_int_eq(perms_on(p, "/home/u/.ssh"), FDB_DENY);
	ck_assert_int_eq(perms_on(p, "/home/u"), RW);
	/* A relative $HOME is not a home: the password database is. */
	ck_assert_int_eq(setenv("HOME", "rel", 1), 0);
	ck_assert_int_eq(fdb_policy_add_rule(p, "x ~/x", err, sizeof(err)),
	    0);
	ck_assert_ptr_nonnull(pw = getpwuid(getuid()));
	snprintf(want, sizeof(want), "%s/x", strcmp(pw->pw_dir, "/") == 0 ?
	    "" : pw->pw_dir);
	ck_assert_int_eq(perms_on(p, want), FDB_X);
	ck_assert_uint_eq(nrules(p), 4);
	fdb_policy_free(p);
}
END_TEST

START_TEST(test_policy_file_parse_globs)
{
	struct fdb_policy *p = new_policy();
	static const char text[] = "r /srv\ndeny **/.env\n"
	    "deny /srv/data/*.key\nexact deny /srv/lo?\n";
	const struct policy_rule *g, *r;
	size_t n;

	parse_ok(p, text, sizeof(text) - 1);
	ck_assert_uint_eq(nrules(p), 1);
	g = policy_globs(p, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(g[0].path, "/**/.env");
	ck_assert_str_eq(g[1].path, "/srv/data/*.key");
	ck_assert_int_eq(g[2].exact, 1);
	ck_assert_int_eq(policy_allows(p, "/srv/a/.env", FDB_R, &r), 0);
	ck_assert_ptr_eq(r, &g[0]);
	ck_assert(policy_is_glob(p, r));
	ck_assert_int_eq(policy_allows(p, "/srv/a/.envrc", FDB_R, NULL), 1);
	ck_assert_int_eq(policy_allows(p, "/srv/data/a.key", FDB_R, NULL), 0);
	ck_assert_int_eq(policy_allows(p, "/srv/data/a.keys", FDB_R, NULL),
	    1);
	ck_assert_int_eq(policy_allows(p, "/srv/log", FDB_R, NULL), 0);
	/* Exact: the path alone, not the tree beneath it. */
	ck_assert_int_eq(policy_allows(p, "/srv/log/x", FDB_R, NULL), 1);
	fdb_policy_free(p);
}
END_TEST

static Suite *
policy_file_suite(void)
{
	Suite *s = suite_create("policy_file");
	TCase *tc;

	tc = tcase_create("perms");
	tcase_add_loop_test(tc, test_policy_file_parse_perms_table, 0,
			    NELEM(perms_cases));
	tcase_add_test(tc, test_policy_file_parse_perms_no_err);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, test_policy_file_parse_exact);
	tcase_add_test(tc, test_policy_file_parse_rules);
	tcase_add_test(tc, test_policy_file_parse_absent);
	tcase_add_test(tc, test_policy_file_parse_comments);
	tcase_add_test(tc, test_policy_file_parse_whitespace);
	tcase_add_test(tc, test_policy_file_parse_spaces_in_path);
	tcase_add_test(tc, test_policy_file_parse_normalises);
	tcase_add_test(tc, test_policy_file_parse_same_path);
	tcase_add_test(tc, test_policy_file_parse_empty);
	tcase_add_test(tc, test_policy_file_parse_long_spelling);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_policy_file_parse_errors, 0,
			    NELEM(bad_cases));
	tcase_add_test(tc, test_policy_file_parse_path_too_long);
	tcase_add_test(tc, test_policy_file_parse_quote_bounded);
	tcase_add_test(tc, test_policy_file_parse_all_or_nothing);
	tcase_add_test(tc, test_policy_file_parse_err_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("add_rule");
	tcase_add_test(tc, test_policy_file_add_rule_valid);
	tcase_add_loop_test(tc, test_policy_file_add_rule_invalid, 0,
			    NELEM(bad_rules));
	tcase_add_test(tc, test_policy_file_add_rule_path_too_long);
	tcase_add_test(tc, test_policy_file_add_rule_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, load_setup, load_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_policy_file_load_valid);
	tcase_add_test(tc, test_policy_file_load_malformed);
	tcase_add_test(tc, test_policy_file_load_nul_byte);
	tcase_add_test(tc, test_policy_file_load_missing);
	tcase_add_test(tc, test_policy_file_load_directory);
	tcase_add_test(tc, test_policy_file_load_unreadable);
	tcase_add_test(tc, test_policy_file_load_largest);
	tcase_add_test(tc, test_policy_file_load_too_large);
	tcase_add_test(tc, test_policy_file_load_huge_sparse);
	tcase_add_test(tc, test_policy_file_load_all_or_nothing);
	tcase_add_test(tc, test_policy_file_load_null);
	tcase_add_test(tc, test_policy_file_load_include_chain);
	tcase_add_test(tc, test_policy_file_load_include_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("home_globs");
	tcase_add_test(tc, test_policy_file_parse_home);
	tcase_add_test(tc, test_policy_file_parse_globs);
	suite_add_tcase(s, tc);

	tc = tcase_create("examples");
	tcase_add_test(tc, test_policy_file_load_examples);
	tcase_add_test(tc, test_policy_file_load_example_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(policy_file_suite());
}
