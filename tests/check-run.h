/* SPDX-License-Identifier: MIT */
/*
 * check-run.h: the main() every Check program shares.  Tests always run
 * forked (CK_FORK), whatever CK_FORK says in the environment: tests that
 * lock themselves down must never lock down the runner.
 */
#ifndef FDBROKER_CHECK_RUN_H
#define FDBROKER_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* check_run: run @s; EXIT_SUCCESS when no test failed. */
static inline int
check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* FDBROKER_CHECK_RUN_H */
