/* SPDX-License-Identifier: MIT */
/*
 * harness.h: what the process-side escape tests (check_escape_seccomp,
 * check_escape_channel, check_escape_notify) and tests/check_hostile
 * share: their directories, a file written in one step, where the attack
 * program and fdbroker-run are, running a program for its output, and
 * their main().
 *
 * The directories: one per run, made in the runner (hx_top_setup() as
 * an unchecked fixture) and removed there after the last test
 * (hx_top_teardown()), and one per test inside it (hx_test_dir()).  A
 * test that fails leaves its own behind (Check runs no checked teardown
 * after a failure); the runner's teardown takes it.
 */
#ifndef FDBROKER_TESTS_HARNESS_H
#define FDBROKER_TESTS_HARNESS_H

#include <sys/types.h>
#include <check.h>
#include <stddef.h>

/* A NULL-ended argument list, written in place. */
#define ARGV(...)	((const char *const[]){ __VA_ARGS__, NULL })

/*
 * Run the suite @make builds, each test in a process of its own (never
 * CK_FORK=no: the tests fork outside processes, targets and workers).
 * With @need_notify, first skip (77) where the kernel lacks seccomp or
 * the user notification fdbroker-run needs.  The exit status.
 */
int hx_main(Suite *(*make)(void), int need_notify);

/* /tmp/PROGRAM.XXXXXX, and its removal with everything in it. */
void hx_top_setup(void);
void hx_top_teardown(void);

/* The run's directory (valid after hx_top_setup()). */
const char *hx_top(void);

/* A new directory for one test, in the run's: into @dir (@len bytes). */
void hx_test_dir(char *dir, size_t len);

/* Remove @dir and everything in it (asserted). */
void hx_remove(const char *dir);

/* Create or truncate @path with @content and @mode. */
void hx_write_file(const char *path, const char *content, mode_t mode);

/*
 * The attack program: $ESCAPE_PROBE2, else @rel (such as "probe2")
 * beside this test program; into @probe, and its directory into @dir
 * (each PATH_MAX bytes).  Asserts it can be run.
 */
void hx_find_probe(const char *rel, char *probe, char *dir);

/* As hx_find_probe(), for the program that $@var names. */
void hx_find_program(const char *var, const char *rel, char *probe,
		     char *dir);

/* fdbroker-run, as $FDBROKER_RUN names it (asserted set). */
const char *hx_fdbroker_run(void);

/*
 * Run @argv (a NULL-ended list, argv[0] a path) in a process group of
 * its own, its stdout into @out (@len bytes, NUL-terminated, the rest
 * dropped) and copied to our stderr for the log.  Returns the wait
 * status.
 */
int hx_run(const char *const argv[], char *out, size_t len);

/* Whether @out has @line as one of its lines. */
int hx_has_line(const char *out, const char *line);

/* Whether wait status @st is an exit with @code. */
int hx_exited(int st, int code);

/*
 * The count after " @name " in the first line of @out that starts with
 * @line ("flip-open: granted 12 secret 0"); asserted present.
 */
unsigned long hx_count_of(const char *out, const char *line,
			  const char *name);

#endif /* FDBROKER_TESTS_HARNESS_H */
