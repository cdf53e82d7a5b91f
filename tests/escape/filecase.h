/* SPDX-License-Identifier: MIT */
/*
 * filecase.h: the harness of the file-side escape tests
 * (check_escape_paths.c, check_escape_proc.c, check_escape_ops.c).
 *
 * Each test builds a small tree in its own directory under one mkdtemp()
 * root (removed by the tcase's unchecked teardown, in the runner, even
 * when a test fails), then runs a probe script (probe-ops.h) confined:
 * fc_run_v() under fdbroker-run (the notify transport), fc_worker_v() in
 * a library worker from fdb_broker_fork_worker() (the socket transport).
 * Both return the probe's result lines; FC_EXPECT() asserts on them.
 *
 * Everything returned (paths, file contents, results) lives in storage
 * owned by the harness for the rest of the test process.
 */
#ifndef FDBROKER_TESTS_FILECASE_H
#define FDBROKER_TESTS_FILECASE_H

#include <sys/types.h>
#include <check.h>

#include "fdbroker.h"

#define FC_LINES	512

struct fc_out {
	int status;			/* wait status (-1: timed out) */
	int n;				/* result lines */
	int err[FC_LINES];		/* each line's errno (0: success) */
	const char *data[FC_LINES];	/* and the rest of it */
	char *out;			/* all of stdout */
	char *errout;			/* all of stderr */
};

/* One descriptor handed to the command, as @dst, by fc_run_v(). */
struct fc_fd {
	int src;
	int dst;
};

struct fc_opts {
	const char *policy;		/* policy file text (NULL: none) */
	const char *const *extra;	/* more fdbroker-run options, or NULL */
	const char *cwd;		/* fdbroker-run's directory, or NULL */
	const struct fc_fd *fds;	/* descriptors to hand down */
	int nfds;
	/* called when the probe reaches its n-th "wait" (from 0) */
	void (*on_wait)(int n, void *arg);
	void *arg;
	int timeout_s;			/* 0: 20 s */
};

/* Unchecked fixtures: make and remove the root of all test trees. */
void fc_root_setup(void);
void fc_root_teardown(void);

/* fc_dir: this test's own directory (made on first use). */
const char *fc_dir(void);

/*
 * fc_path: printf into harness storage; a result not starting with '/'
 * is taken from fc_dir() ("in/file" is fc_dir() + "/in/file").
 */
char *fc_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * fc_tree: the common layout: in/file "INSIDE-file", in/sub/deep
 * "INSIDE-deep", out/secret "SECRET-out" (SECRET must never be read).
 */
void fc_tree(void);

/* File system set-up and inspection, failing the test on error. */
void fc_write(const char *path, const char *text);
void fc_mkdir(const char *path);
void fc_symlink(const char *target, const char *path);
char *fc_read(const char *path);		/* NULL: cannot read it */
int fc_exists(const char *path);		/* lstat() succeeds */
mode_t fc_mode(const char *path);		/* lstat()'s st_mode */
void fc_rmtree_at(int dirfd, const char *name);	/* any depth */

/* fc_probe: the probe program's path. */
const char *fc_probe(void);

/* fc_supported: 0 when fdbroker-run cannot run on this kernel. */
int fc_supported(void);

/* fc_main: run @make's suite, or skip (77) where fc_supported() is 0. */
int fc_main(Suite *(*make)(void));

/* fc_str: printf into harness storage. */
char *fc_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * fc_run_v: run `fdbroker-run -p POLICY -x PROBE [EXTRA] -- PROBE ARGS`
 * with the options in @o and collect the result lines of the script
 * @args (NULL-terminated).  fc_plain: the script run unconfined, for the
 * kernel's own answers (fc_plain_v: with the options that apply: cwd,
 * descriptors, waits).  fc_run_cmd: any command @cmd under fdbroker-run
 * with @o's policy (its lines are not a probe's).
 */
struct fc_out *fc_run_v(const struct fc_opts *o, const char *const *args);
struct fc_out *fc_plain(const char *const *args);
struct fc_out *fc_plain_v(const struct fc_opts *o, const char *const *args);
struct fc_out *fc_run_cmd(const struct fc_opts *o, const char *const *cmd);

/*
 * fc_worker_v: run the same script in a worker of a broker with @policy
 * (socket transport: opening is fdb_open()).
 */
struct fc_out *fc_worker_v(const struct fdb_policy *policy,
			   const char *const *args);

/* fc_policy: a library policy from policy-file text (fails the test). */
struct fdb_policy *fc_policy(const char *text);

/* What one result line must be. */
#define FC_ANY_ERR	(-1)	/* any failure */
struct fc_want {
	int err;		/* errno wanted, 0 for success, or FC_ANY_ERR */
	int alt;		/* another errno accepted (0: none) */
	const char *read;	/* success: what the file starts with */
};

/*
 * fc_check: NULL when @o has exactly @n lines, exit status 0, and each
 * line as @w says; else a message.  Whatever the wants, no line may have
 * read a file starting with "SECRET" unless its want reads exactly that.
 */
const char *fc_check(const struct fc_out *o, const struct fc_want *w,
		     int n);

/* FC_EXPECT: fail the running test unless fc_check() passes for all @w. */
#define FC_EXPECT(o, w) do { \
	const char *fc_m_ = fc_check((o), (w), \
	    (int)(sizeof(w) / sizeof((w)[0]))); \
	ck_assert_msg(fc_m_ == NULL, "%s", fc_m_); \
} while (0)

/* The same for the first @n lines of @w only. */
#define FC_EXPECT_N(o, w, n) do { \
	const char *fc_m_ = fc_check((o), (w), (n)); \
	ck_assert_msg(fc_m_ == NULL, "%s", fc_m_); \
} while (0)

/* One "open PATH FLAGS" operation of a script, and its separator. */
#define FC_OPEN(path, flags)	"open", (path), (flags), ","

/* fc_field: the value of "NAME=" in result line @i, as a string. */
const char *fc_field(const struct fc_out *o, int i, const char *name);
long fc_num(const struct fc_out *o, int i, const char *name);

/* fc_dump: the whole output, for failure messages. */
const char *fc_dump(const struct fc_out *o);

#endif /* FDBROKER_TESTS_FILECASE_H */
