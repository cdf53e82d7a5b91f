/* SPDX-License-Identifier: MIT */
/*
 * check_audit.c: unit tests of audit.c, the JSON Lines formatter and the
 * errno name table.  Pure: no filesystem, no fork beyond Check's own.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check-run.h"
#include "audit.h"

struct escape_case {
	const char *in;
	size_t len;
	const char *out;
};

static const struct escape_case escapes[] = {
	{ "abc", 3, "\"abc\"" },
	{ "", 0, "\"\"" },
	{ "a\"b", 3, "\"a\\\"b\"" },
	{ "a\\b", 3, "\"a\\\\b\"" },
	{ "\n\t\r", 3, "\"\\n\\t\\r\"" },
	{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
	{ "\xff\xfe", 2, "\"\\u00ff\\u00fe\"" },
	{ "\xc3\xa9", 2, "\"\\u00c3\\u00a9\"" },
	{ "a\0b", 3, "\"a\\u0000b\"" },
	{ "/tmp/x y/</script>", 18, "\"/tmp/x y/</script>\"" },
};

START_TEST(test_audit_json_string_escapes)
{
	const struct escape_case *c = &escapes[_i];
	char buf[128];
	long n;

	n = audit_json_string(c->in, c->len, buf, sizeof(buf));
	ck_assert_int_eq(n, (long)strlen(c->out));
	ck_assert_str_eq(buf, c->out);
}
END_TEST

START_TEST(test_audit_json_string_exact_fit)
{
	char buf[8];

	/* "abcde" quoted is 7 bytes, plus the NUL: exactly 8. */
	ck_assert_int_eq(audit_json_string("abcde", 5, buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "\"abcde\"");
}
END_TEST

START_TEST(test_audit_json_string_too_small)
{
	char buf[8];

	errno = 0;
	ck_assert_int_eq(audit_json_string("abcdef", 6, buf, sizeof(buf)),
	    -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_str_eq(buf, "");
	/* An escape must never be cut in half. */
	errno = 0;
	ck_assert_int_eq(audit_json_string("ab\x01", 3, buf, sizeof(buf)),
	    -1);
	ck_assert_int_eq(errno, ENOSPC);
}
END_TEST

static struct fdb_decision
decision(void)
{
	struct fdb_decision d;

	memset(&d, 0, sizeof(d));
	d.pid = 42;
	d.op = "openat";
	d.path = "../etc/hostname";
	d.resolved = "/etc/hostname";
	d.flags = 0x80000;
	d.allowed = 0;
	d.error = EACCES;
	d.rule = "/";
	d.rule_perms = 0;
	return d;
}

START_TEST(test_audit_format_deny)
{
	struct fdb_decision d = decision();
	struct timespec t = { 86400 + 3661, 123456789 };
	char buf[AUDIT_LINE_MAX];
	const char *want = "{\"time\":\"1970-01-02T01:01:01.123456Z\","
	    "\"pid\":42,\"syscall\":\"openat\",\"path\":\"../etc/hostname\","
	    "\"resolved\":\"/etc/hostname\",\"flags\":524288,"
	    "\"decision\":\"deny\",\"errno\":\"EACCES\",\"rule\":\"/\","
	    "\"perms\":\"deny\"}\n";

	ck_assert_int_eq(audit_format(&d, &t, buf, sizeof(buf)),
	    (long)strlen(want));
	ck_assert_str_eq(buf, want);
}
END_TEST

START_TEST(test_audit_format_allow)
{
	struct fdb_decision d = decision();
	struct timespec t = { 0, 0 };
	char buf[AUDIT_LINE_MAX];

	d.allowed = 1;
	d.error = 0;
	d.rule = "/usr";
	d.rule_perms = FDB_R | FDB_X;
	ck_assert_int_gt(audit_format(&d, &t, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"decision\":\"allow\","
	    "\"errno\":null,\"rule\":\"/usr\",\"perms\":\"rx\"}\n"));
	ck_assert_ptr_nonnull(strstr(buf, "1970-01-01T00:00:00.000000Z"));
}
END_TEST

START_TEST(test_audit_format_nulls)
{
	struct fdb_decision d = decision();
	struct timespec t = { 0, 0 };
	char buf[AUDIT_LINE_MAX];

	d.resolved = NULL;
	d.rule = NULL;
	d.error = 4000;	/* not in the table: written as a number */
	ck_assert_int_gt(audit_format(&d, &t, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"resolved\":null,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"errno\":4000,\"rule\":null,"
	    "\"perms\":null}"));
}
END_TEST

START_TEST(test_audit_format_hostile_path)
{
	struct fdb_decision d = decision();
	struct timespec t = { 0, 0 };
	char *path, *buf;
	long n;

	/* The worst case: two paths of PATH_MAX - 1 bytes, all escaped. */
	path = malloc(PATH_MAX);
	buf = malloc(AUDIT_LINE_MAX);
	ck_assert_ptr_nonnull(path);
	ck_assert_ptr_nonnull(buf);
	memset(path, '\n', PATH_MAX - 1);
	path[0] = '\x01';
	path[PATH_MAX - 1] = '\0';
	d.path = path;
	d.resolved = path;
	d.rule = path;
	n = audit_format(&d, &t, buf, AUDIT_LINE_MAX);
	ck_assert_int_gt(n, 3 * 2 * (PATH_MAX - 1));
	/* One line: the only raw newline is the last byte. */
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + n - 1);
	ck_assert_ptr_nonnull(strstr(buf, "\"path\":\"\\u0001\\n\\n"));
	free(path);
	free(buf);
}
END_TEST

START_TEST(test_audit_format_too_small)
{
	struct fdb_decision d = decision();
	struct timespec t = { 0, 0 };
	char buf[64];

	errno = 0;
	ck_assert_int_eq(audit_format(&d, &t, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_audit_format_invalid)
{
	struct fdb_decision d = decision();
	struct timespec t = { 0, 1000000000L };
	char buf[AUDIT_LINE_MAX];

	errno = 0;
	ck_assert_int_eq(audit_format(&d, &t, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(audit_format(NULL, &t, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_audit_errno_name_known)
{
	ck_assert_str_eq(audit_errno_name(EACCES), "EACCES");
	ck_assert_str_eq(audit_errno_name(EPERM), "EPERM");
	ck_assert_str_eq(audit_errno_name(ENOENT), "ENOENT");
	ck_assert_int_eq(audit_errno_value("EACCES"), EACCES);
	ck_assert_int_eq(audit_errno_value("ENAMETOOLONG"), ENAMETOOLONG);
}
END_TEST

START_TEST(test_audit_errno_name_unknown)
{
	ck_assert_ptr_null(audit_errno_name(0));
	ck_assert_ptr_null(audit_errno_name(4000));
	ck_assert_ptr_null(audit_errno_name(-1));
	errno = 0;
	ck_assert_int_eq(audit_errno_value("EFOO"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(audit_errno_value("eacces"), -1);
	ck_assert_int_eq(audit_errno_value(""), -1);
	ck_assert_int_eq(audit_errno_value(NULL), -1);
}
END_TEST

static Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc;

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_audit_json_string_escapes, 0,
	    sizeof(escapes) / sizeof(escapes[0]));
	tcase_add_test(tc, test_audit_json_string_exact_fit);
	tcase_add_test(tc, test_audit_json_string_too_small);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_audit_format_deny);
	tcase_add_test(tc, test_audit_format_allow);
	tcase_add_test(tc, test_audit_format_nulls);
	tcase_add_test(tc, test_audit_format_hostile_path);
	tcase_add_test(tc, test_audit_format_too_small);
	tcase_add_test(tc, test_audit_format_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("errno");
	tcase_add_test(tc, test_audit_errno_name_known);
	tcase_add_test(tc, test_audit_errno_name_unknown);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(audit_suite());
}
