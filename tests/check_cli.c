/* SPDX-License-Identifier: MIT */
/*
 * check_cli.c: unit tests of cli.c, the fdbroker-run command line.  Pure:
 * each test parses an argv built in memory.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check-run.h"
#include "cli.h"
#include "fdbroker.h"

static struct run_opts o;
static char err[256];
static char *args[64];	/* writable copies of the argv under test */

static void
free_args(void)
{
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		free(args[i]);
		args[i] = NULL;
	}
}

/* cli_parse() on a writable copy of the NULL-terminated @in. */
static int
parse(const char *const *in, char *e, size_t elen)
{
	int n;

	cli_clear(&o);
	free_args();
	for (n = 0; in[n] != NULL; n++) {
		ck_assert_int_lt(n, 63);
		args[n] = strdup(in[n]);
		ck_assert_ptr_nonnull(args[n]);
	}
	return cli_parse(n, args, &o, e, elen);
}

static void
setup(void)
{
	memset(&o, 0, sizeof(o));
	err[0] = '\0';
}

static void
teardown(void)
{
	cli_clear(&o);
	free_args();
}

START_TEST(test_cli_parse_rules_valid)
{
	const char *argv[] = { "fdbroker-run", "-r", "a", "-w", "/b", "-c",
	    "c/", "-x", "/d", "--deny", "/e", "--read=/f", "-r/g", "--create",
	    "/h", "--exec", "i", "--write", "j", "--", "cat", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(o.nrules, 10);
	ck_assert_str_eq(o.rules[0].path, "a");
	ck_assert_uint_eq(o.rules[0].perms, FDB_R);
	ck_assert_uint_eq(o.rules[1].perms, FDB_R | FDB_W);
	ck_assert_uint_eq(o.rules[2].perms, FDB_R | FDB_W | FDB_C);
	ck_assert_str_eq(o.rules[2].path, "c/");
	ck_assert_uint_eq(o.rules[3].perms, FDB_R | FDB_X);
	ck_assert_uint_eq(o.rules[4].perms, FDB_DENY);
	ck_assert_str_eq(o.rules[4].path, "/e");
	ck_assert_str_eq(o.rules[5].path, "/f");
	ck_assert_str_eq(o.rules[6].path, "/g");
	ck_assert_uint_eq(o.rules[7].perms, FDB_R | FDB_W | FDB_C);
	ck_assert_uint_eq(o.rules[8].perms, FDB_R | FDB_X);
	ck_assert_uint_eq(o.rules[9].perms, FDB_R | FDB_W);
	ck_assert_str_eq(o.argv[0], "cat");
	ck_assert_ptr_null(o.argv[1]);
}
END_TEST

START_TEST(test_cli_parse_rules_invalid)
{
	const char *argv[] = { "fdbroker-run", "-r", "", "--", "cat", NULL };
	const char *argv2[] = { "fdbroker-run", "--deny=", "--", "cat", NULL };

	errno = 0;
	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, "option '-r': empty path");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '--deny': empty path");
}
END_TEST

START_TEST(test_cli_parse_defaults_valid)
{
	const char *argv[] = { "fdbroker-run", "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(o.nprofiles, 0);
	ck_assert_uint_eq(o.nenv, 0);
	ck_assert_uint_eq(o.nrlimits, 0);
	ck_assert_ptr_null(o.chdir);
	ck_assert_uint_eq(o.timeout_ms, 0);
	ck_assert_int_eq(o.require_landlock, 0);
	ck_assert_int_eq(o.quiet, 0);
	ck_assert_int_eq(o.deny_errno, EACCES);
	ck_assert_ptr_null(o.log);
	ck_assert_ptr_null(o.learn);
	ck_assert_int_eq(o.fail_on_deny, 0);
	ck_assert_int_eq(o.allow_net, 0);
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_int_eq(o.help, 0);
	ck_assert_int_eq(o.version, 0);
	ck_assert_uint_eq(o.nrules, 0);
	ck_assert_uint_eq(o.npolicies, 0);
	ck_assert_str_eq(o.argv[0], "true");
}
END_TEST

START_TEST(test_cli_parse_no_command_invalid)
{
	const char *argv[] = { "fdbroker-run", "-r", "/x", NULL };
	const char *argv2[] = { "fdbroker-run", "-r", "/x", "--", NULL };

	errno = 0;
	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no command given"));
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "no command given"));
}
END_TEST

START_TEST(test_cli_parse_command_options_valid)
{
	/* Options after the command belong to it, with or without "--". */
	const char *argv[] = { "fdbroker-run", "-v", "ls", "-r", "-l", NULL };
	const char *argv2[] = { "fdbroker-run", "--", "-weird", "-r", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	ck_assert_int_eq(o.verbose, 1);
	ck_assert_uint_eq(o.nrules, 0);
	ck_assert_str_eq(o.argv[0], "ls");
	ck_assert_str_eq(o.argv[1], "-r");
	ck_assert_str_eq(o.argv[2], "-l");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    0);
	ck_assert_str_eq(o.argv[0], "-weird");
	ck_assert_str_eq(o.argv[1], "-r");
}
END_TEST

START_TEST(test_cli_parse_options_valid)
{
	const char *argv[] = { "fdbroker-run", "-p", "a.policy", "--policy",
	    "b.policy", "--profile", "none", "--log", "-", "--learn",
	    "out.policy", "--fail-on-deny", "--deny-errno", "EPERM",
	    "--allow-net", "--verbose", "--", "sh", "-c", "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(o.npolicies, 2);
	ck_assert_str_eq(o.policies[0], "a.policy");
	ck_assert_str_eq(o.policies[1], "b.policy");
	ck_assert_uint_eq(o.nprofiles, 1);
	ck_assert_str_eq(o.profiles[0], "none");
	ck_assert_str_eq(o.log, "-");
	ck_assert_str_eq(o.learn, "out.policy");
	ck_assert_int_eq(o.fail_on_deny, 1);
	ck_assert_int_eq(o.deny_errno, EPERM);
	ck_assert_int_eq(o.allow_net, 1);
	ck_assert_int_eq(o.verbose, 1);
	ck_assert_str_eq(o.argv[2], "true");
}
END_TEST

START_TEST(test_cli_parse_options_invalid)
{
	const char *argv[] = { "fdbroker-run", "--log=", "--", "true", NULL };
	const char *argv2[] = { "fdbroker-run", "--profile", "", "true", NULL };
	const char *argv3[] = { "fdbroker-run", "-p", "", "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '--log': empty file name");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '--profile': empty name");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv3, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '-p': empty file name");
}
END_TEST

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EACCES", EACCES }, { "EPERM", EPERM }, { "ENOENT", ENOENT },
	{ "EROFS", EROFS }, { "ENOSYS", ENOSYS },
};

START_TEST(test_cli_parse_deny_errno_valid)
{
	const char *argv[] = {
		"fdbroker-run", "--deny-errno", NULL, "true", NULL
	};

	argv[2] = errnos[_i].name;
	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	ck_assert_int_eq(o.deny_errno, errnos[_i].value);
}
END_TEST

static const char *const bad_errnos[] = { "EFOO", "eacces", "13", "", "0" };

START_TEST(test_cli_parse_deny_errno_invalid)
{
	const char *argv[] = {
		"fdbroker-run", "--deny-errno", NULL, "true", NULL
	};

	argv[2] = bad_errnos[_i];
	errno = 0;
	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "option '--deny-errno': unknown "
	    "errno name"));
}
END_TEST

START_TEST(test_cli_parse_help_valid)
{
	const char *argv[] = { "fdbroker-run", "-h", NULL };
	const char *argv2[] = { "fdbroker-run", "--version", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	ck_assert_int_eq(o.help, 1);
	ck_assert_ptr_null(o.argv);
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    0);
	ck_assert_int_eq(o.version, 1);
}
END_TEST

START_TEST(test_cli_parse_unknown_invalid)
{
	const char *argv[] = { "fdbroker-run", "--frob=3", "true", NULL };
	const char *argv2[] = { "fdbroker-run", "-Q", "true", NULL };
	const char *argv3[] = { "fdbroker-run", "--verbose=1", "true", NULL };
	const char *argv4[] = { "fdbroker-run", "-vZ", "true", NULL };

	errno = 0;
	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(err, "unknown option '--frob'");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "unknown option '-Q'");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv3, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '--verbose' takes no argument");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv4, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "unknown option '-Z'");
}
END_TEST

START_TEST(test_cli_parse_missing_argument_invalid)
{
	const char *argv[] = { "fdbroker-run", "--log", NULL };
	const char *argv2[] = { "fdbroker-run", "-r", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '--log' needs an argument");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "option '-r' needs an argument");
}
END_TEST

START_TEST(test_cli_parse_twice_valid)
{
	/* getopt's hidden state must not leak from one parse to the next. */
	const char *argv[] = {
		"fdbroker-run", "-r", "/a", "-v", "--", "x", NULL
	};
	const char *argv2[] = { "fdbroker-run", "-w", "/b", "y", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)),
	    0);
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(o.nrules, 1);
	ck_assert_str_eq(o.rules[0].path, "/b");
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_str_eq(o.argv[0], "y");
}
END_TEST

START_TEST(test_cli_parse_err_truncated_valid)
{
	const char *argv[] = { "fdbroker-run", "--frobnicate", "true", NULL };
	char small[8];

	ck_assert_int_eq(parse(argv, small,
	    sizeof(small)), -1);
	ck_assert_str_eq(small, "unknown");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv, NULL, 0), -1);
}
END_TEST

START_TEST(test_cli_abspath_valid)
{
	char buf[PATH_MAX];

	ck_assert_int_eq(cli_abspath("/home/u", "x/y", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/u/x/y");
	ck_assert_int_eq(cli_abspath("/", "x", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/x");
	ck_assert_int_eq(cli_abspath("/home/u", "/etc", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/etc");
	ck_assert_int_eq(cli_abspath("/a", "../b", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/a/../b");
}
END_TEST

START_TEST(test_cli_abspath_invalid)
{
	char buf[8];

	errno = 0;
	ck_assert_int_eq(cli_abspath("/home/user", "x", buf, sizeof(buf)),
	    -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	errno = 0;
	ck_assert_int_eq(cli_abspath("rel", "x", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(cli_abspath("/", "", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_cli_usage_valid)
{
	static const char *const words[] = { "--read", "--write",
	    "--create", "--exec", "--deny", "--policy", "--profile", "--log",
	    "--learn", "--fail-on-deny", "--deny-errno", "--allow-net",
	    "--verbose", "--help", "--version", "122", "125", "126", "127",
	    "--chdir", "--setenv", "--unsetenv", "--clearenv", "--timeout",
	    "--rlimit", "--require-landlock", "--quiet", "124", "Grants",
	    "Policy", "Environment", "Limits", "Logging" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_ptr_nonnull(strstr(cli_usage(), words[i]));
}
END_TEST

START_TEST(test_cli_parse_env_valid)
{
	const char *argv[] = { "fdbroker-run", "--setenv", "A", "1",
	    "--clearenv", "--unsetenv", "B", "--setenv=C", "x y", "--chdir",
	    "/srv", "-q", "--require-landlock", "--profile", "none",
	    "--profile", "system", "--", "env", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nenv, 4);
	ck_assert_int_eq(o.env[0].op, RUN_ENV_SET);
	ck_assert_str_eq(o.env[0].var, "A");
	ck_assert_str_eq(o.env[0].value, "1");
	ck_assert_int_eq(o.env[1].op, RUN_ENV_CLEAR);
	ck_assert_int_eq(o.env[2].op, RUN_ENV_UNSET);
	ck_assert_str_eq(o.env[2].var, "B");
	ck_assert_str_eq(o.env[3].var, "C");
	ck_assert_str_eq(o.env[3].value, "x y");
	ck_assert_str_eq(o.chdir, "/srv");
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.require_landlock, 1);
	ck_assert_uint_eq(o.nprofiles, 2);
	ck_assert_str_eq(o.profiles[1], "system");
	ck_assert_str_eq(o.argv[0], "env");
}
END_TEST

START_TEST(test_cli_parse_env_invalid)
{
	const char *argv[] = { "fdbroker-run", "--setenv", "A", NULL };
	const char *argv2[] = { "fdbroker-run", "--setenv", "A=B", "1",
	    "true", NULL };
	const char *argv3[] = { "fdbroker-run", "--unsetenv", "", "true",
	    NULL };
	const char *argv4[] = { "fdbroker-run", "--chdir=", "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "option '--setenv' needs a variable and a "
	    "value");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv2, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "option '--setenv': bad variable name 'A=B'");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "option '--unsetenv': bad variable name ''");
	cli_clear(&o);
	ck_assert_int_eq(parse(argv4, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "option '--chdir': empty directory");
}
END_TEST

static const struct {
	const char *arg;
	unsigned long ms;
} timeouts[] = {
	{ "10", 10000 }, { "2.5", 2500 }, { "0", 0 }, { "5m", 300000 },
	{ "1h", 3600000 }, { "1d", 86400000 }, { "0.0001", 1 },
	{ "1s", 1000 },
};

START_TEST(test_cli_parse_timeout_valid)
{
	const char *argv[] = { "fdbroker-run", "--timeout", timeouts[_i].arg,
	    "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.timeout_ms, timeouts[_i].ms);
}
END_TEST

static const char *const bad_timeouts[] = {
	"", "x", "-1", "1x", "1ss", "nan", "inf", "1e400", " 1", "0x10",
};

START_TEST(test_cli_parse_timeout_invalid)
{
	const char *argv[] = { "fdbroker-run", "--timeout",
	    bad_timeouts[_i], "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad duration"));
}
END_TEST

START_TEST(test_cli_parse_rlimit_valid)
{
	const char *argv[] = { "fdbroker-run", "--rlimit", "nofile=64",
	    "--rlimit=as=4G", "--rlimit", "core=0", "--rlimit",
	    "cpu=unlimited", "--rlimit", "stack=8k", "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nrlimits, 5);
	ck_assert_int_eq(o.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(o.rlimits[0].value, 64);
	ck_assert_int_eq(o.rlimits[1].resource, RLIMIT_AS);
	ck_assert_uint_eq(o.rlimits[1].value, 4ull << 30);
	ck_assert_uint_eq(o.rlimits[2].value, 0);
	ck_assert_int_eq(o.rlimits[3].resource, RLIMIT_CPU);
	ck_assert_uint_eq(o.rlimits[3].value, RLIM_INFINITY);
	ck_assert_uint_eq(o.rlimits[4].value, 8192);
	ck_assert_str_eq(cli_rlimit_name(RLIMIT_NPROC), "nproc");
	ck_assert_ptr_null(cli_rlimit_name(RLIMIT_RTTIME));
}
END_TEST

static const char *const bad_rlimits[] = {
	"nofile", "nofile=", "nofile=x", "nofile=-1", "nofile=1T",
	"foo=1", "=1", "nofiles=1", "nofile=18446744073709551615",
	"nofile=99999999999999999999", "as=17179869184G", "nofile=1 ",
};

START_TEST(test_cli_parse_rlimit_invalid)
{
	const char *argv[] = { "fdbroker-run", "--rlimit", bad_rlimits[_i],
	    "true", NULL };

	ck_assert_int_eq(parse(argv, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(strstr(err, "bad value") != NULL ||
	    strstr(err, "unknown limit") != NULL);
}
END_TEST

static Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cli_parse_rules_valid);
	tcase_add_test(tc, test_cli_parse_rules_invalid);
	tcase_add_test(tc, test_cli_parse_defaults_valid);
	tcase_add_test(tc, test_cli_parse_no_command_invalid);
	tcase_add_test(tc, test_cli_parse_command_options_valid);
	tcase_add_test(tc, test_cli_parse_options_valid);
	tcase_add_test(tc, test_cli_parse_options_invalid);
	tcase_add_loop_test(tc, test_cli_parse_deny_errno_valid, 0,
	    sizeof(errnos) / sizeof(errnos[0]));
	tcase_add_loop_test(tc, test_cli_parse_deny_errno_invalid, 0,
	    sizeof(bad_errnos) / sizeof(bad_errnos[0]));
	tcase_add_test(tc, test_cli_parse_help_valid);
	tcase_add_test(tc, test_cli_parse_env_valid);
	tcase_add_test(tc, test_cli_parse_env_invalid);
	tcase_add_loop_test(tc, test_cli_parse_timeout_valid, 0,
	    sizeof(timeouts) / sizeof(timeouts[0]));
	tcase_add_loop_test(tc, test_cli_parse_timeout_invalid, 0,
	    sizeof(bad_timeouts) / sizeof(bad_timeouts[0]));
	tcase_add_test(tc, test_cli_parse_rlimit_valid);
	tcase_add_loop_test(tc, test_cli_parse_rlimit_invalid, 0,
	    sizeof(bad_rlimits) / sizeof(bad_rlimits[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cli_parse_unknown_invalid);
	tcase_add_test(tc, test_cli_parse_missing_argument_invalid);
	tcase_add_test(tc, test_cli_parse_twice_valid);
	tcase_add_test(tc, test_cli_parse_err_truncated_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_add_test(tc, test_cli_abspath_valid);
	tcase_add_test(tc, test_cli_abspath_invalid);
	tcase_add_test(tc, test_cli_usage_valid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(cli_suite());
}
