/* SPDX-License-Identifier: MIT */
/*
 * check_notify_calls.c: the decision records of the notify transport's
 * handlers (sandbox/notify-calls.c), end to end.  For every mediated
 * system call, tests/notify-probe makes one request that the policy
 * refuses, raw (syscall(2), so the call is exactly that one), under
 * fdbroker-run --log; the log must then hold exactly one record of that
 * request, which names the call and says what the caller got (SPEC §2:
 * "exactly one decision record that tells what the requester actually
 * got"; §4: the fields of a log line).  Also: open flags are logged as
 * asked, O_PATH included, and a refusal beyond a symlink names the path
 * the request resolved to, not the link.  And, in this process: a
 * memory handle opened with its check left due (notify_handle(), a
 * stat's) is read through, but written through only once the check has
 * passed (sandbox/notify-target.c), and whole stat requests served as
 * when the requester is gone write nothing into this process.
 *
 * Each case has a directory of its own (tests/escape/harness.c):
 *   r/    granted r: f (a file, 0755), d (a directory), link -> ../u
 *   no/   not granted: f, d, l -> f
 *   u/    not granted: file
 * The paths a case names are its own, so its records are found by path;
 * those of calls on a descriptor, which name no path, by system call
 * (the probe makes no other call of that name).
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "check-run.h"
#include "escape/harness.h"
#include "notify-calls.h"
#include "notify-target.h"
#include "filter-notify.h"

#define OUT_MAX		8192
#define LOG_MAX		(256 * 1024)
#define SEEN_MAX	4096
#define EXIT_SKIP	77

/* How a case's records are told from the loader's and the probe's own. */
enum match {
	BY_PATH,		/* the record's path is p or q */
	BY_CALL			/* its system call is the case's */
};

struct call_case {
	const char *word;	/* notify-probe call WORD */
	const char *syscall;	/* the name its record must carry */
	const char *p, *q;	/* paths: in the case's directory unless
				 * absolute; q is the second path or NULL */
	const char *deny;	/* --deny-errno, or NULL */
	int want;		/* the errno the caller must get */
	enum match match;
	int any_decision;	/* the decision field is not judged */
};

/* One log record: the fields the tests judge, as logged. */
struct rec {
	char syscall[64];
	char path[PATH_MAX];
	char resolved[PATH_MAX];	/* "null" when none */
	char flags[32];
	char decision[16];
	char err[32];		/* a name, a number, or "null" */
};

/*
 * One row per mediated system call (calls[] in sandbox/notify-calls.c),
 * each refused by the policy: r/ grants r only, so what needs w or c
 * there is refused, and no/ grants nothing.
 */
static const struct call_case refused[] = {
	{ "open", "open", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "creat", "creat", "r/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "openat", "openat", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "openat2", "openat2", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "stat", "stat", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "lstat", "lstat", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "newfstatat", "newfstatat", "no/f", NULL, NULL, EACCES, BY_PATH,
	    0 },
	{ "statx", "statx", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "access", "access", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "faccessat", "faccessat", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "faccessat2", "faccessat2", "no/f", NULL, NULL, EACCES, BY_PATH,
	    0 },
	{ "readlink", "readlink", "no/l", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "readlinkat", "readlinkat", "no/l", NULL, NULL, EACCES, BY_PATH,
	    0 },
	{ "mkdir", "mkdir", "r/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "mkdirat", "mkdirat", "r/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "mknod", "mknod", "r/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "mknodat", "mknodat", "r/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "unlink", "unlink", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "unlinkat", "unlinkat", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "rmdir", "rmdir", "r/d", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "rename", "rename", "r/f", "r/new", NULL, EACCES, BY_PATH, 0 },
	{ "renameat", "renameat", "r/f", "r/new", NULL, EACCES, BY_PATH, 0 },
	{ "renameat2", "renameat2", "r/f", "r/new", NULL, EACCES, BY_PATH,
	    0 },
	{ "link", "link", "r/f", "r/new", NULL, EACCES, BY_PATH, 0 },
	{ "linkat", "linkat", "r/f", "r/new", NULL, EACCES, BY_PATH, 0 },
	{ "symlink", "symlink", "r/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "symlinkat", "symlinkat", "r/new", NULL, NULL, EACCES, BY_PATH,
	    0 },
	{ "chmod", "chmod", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "fchmodat", "fchmodat", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "fchmodat2", "fchmodat2", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	/* Through a read-only descriptor of a file granted r only. */
	{ "fchmod", "fchmod", "r/f", NULL, NULL, EACCES, BY_CALL, 0 },
	{ "chown", "chown", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "lchown", "lchown", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "fchownat", "fchownat", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "fchown", "fchown", "r/f", NULL, NULL, EACCES, BY_CALL, 0 },
	{ "truncate", "truncate", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "utimensat", "utimensat", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "futimens", "utimensat", "r/f", NULL, NULL, EACCES, BY_CALL, 0 },
	{ "chdir", "chdir", "no/d", NULL, NULL, EACCES, BY_PATH, 0 },
	/* r/f is 0755: only the policy (no x) stands in the way. */
	{ "execve", "execve", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "execveat", "execveat", "r/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "connect", "connect", "no/sock", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "bind", "bind", "r/sock", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "statfs", "statfs", "no/f", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "inotify_add_watch", "inotify_add_watch", "no/f", NULL, NULL,
	    EACCES, BY_PATH, 0 },
	/* An abstract name is the network: refused without --allow-net. */
	{ "connect-abstract", "connect", "abstract", NULL, NULL, EACCES,
	    BY_CALL, 0 },
	/* --deny-errno: the record says the errno the caller got. */
	{ "openat", "openat", "no/f", NULL, "ENOENT", ENOENT, BY_PATH, 0 },
	{ "stat", "stat", "no/f", NULL, "ENOENT", ENOENT, BY_PATH, 0 },
	/* mkdir says EACCES whatever: ENOENT would loop mkdir -p walks. */
	{ "mkdir", "mkdir", "r/new", NULL, "ENOENT", EACCES, BY_PATH, 0 },
	{ "chmod", "chmod", "r/f", NULL, "ENOENT", ENOENT, BY_PATH, 0 },
	{ "fchmod", "fchmod", "r/f", NULL, "ENOENT", ENOENT, BY_CALL, 0 },
	/*
	 * mkdir: an existing directory the caller may stat is EEXIST, as
	 * unconfined ("mkdir -p" walks down from "/"), and the record must
	 * say so; whether that is a denial is the broker's to say.  Outside
	 * every grant, the refusal is one record, new or existing.
	 */
	{ "mkdir", "mkdir", "/usr/bin", NULL, NULL, EEXIST, BY_PATH, 1 },
	{ "mkdir", "mkdir", "no/new", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "mkdir", "mkdir", "no/d", NULL, NULL, EACCES, BY_PATH, 0 },
	{ "mkdir", "mkdir", "no/d", NULL, "ENOENT", EACCES, BY_PATH, 0 },
};

/* Opens with O_PATH, refused and allowed: logged with the flags asked. */
static const struct {
	const char *p;
	int want;
} opath[] = {
	{ "no/f", EACCES },
	{ "r/f", 0 },
};

/*
 * Refusals beyond the symlink r/link -> ../u: opens for reading and for
 * writing, and calls that need w.  Each names the file it resolved to.
 */
static const struct {
	const char *word;
	const char *syscall;
	const char *flags;	/* for openat, or NULL */
} via_link[] = {
	{ "openat", "openat", "00" },
	{ "openat", "openat", "01" },
	{ "openat", "openat", "02" },
	{ "stat", "stat", NULL },
	{ "chmod", "chmod", NULL },
	{ "truncate", "truncate", NULL },
	{ "utimensat", "utimensat", NULL },
	{ "unlink", "unlink", NULL },
};

static char probe[PATH_MAX], probedir[PATH_MAX];
static char out[OUT_MAX];
static char logbuf[LOG_MAX];
static char seen[SEEN_MAX];

/* The case's directory, as the header comment draws it, into @dir. */
static void
case_dir(char *dir, size_t len)
{
	static const char *const dirs[] = { "r", "r/d", "no", "no/d", "u" };
	char p[PATH_MAX];
	size_t i;

	hx_test_dir(dir, len);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		ck_assert_int_eq(mkdir(p, 0755), 0);
	}
	snprintf(p, sizeof(p), "%s/r/f", dir);
	hx_write_file(p, "#!/bin/sh\n", 0755);
	ck_assert_int_eq(chmod(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/no/f", dir);
	hx_write_file(p, "no\n", 0644);
	snprintf(p, sizeof(p), "%s/u/file", dir);
	hx_write_file(p, "u\n", 0644);
	snprintf(p, sizeof(p), "%s/no/l", dir);
	ck_assert_int_eq(symlink("f", p), 0);
	snprintf(p, sizeof(p), "%s/r/link", dir);
	ck_assert_int_eq(symlink("../u", p), 0);
}

/* @rel in @dir, or @rel itself when absolute, into @buf (PATH_MAX). */
static void
in_dir(const char *dir, const char *rel, char *buf)
{
	if (rel[0] == '/')
		snprintf(buf, PATH_MAX, "%s", rel);
	else
		ck_assert_int_lt(snprintf(buf, PATH_MAX, "%s/%s", dir, rel),
		    PATH_MAX);
}

/* Run @argv with its stdout into out[]; the wait status. */
static int
run(const char *const argv[])
{
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int p[2], st;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		dup2(p[1], 1);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(out) - 1 &&
	    (n = read(p[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

/*
 * fdbroker-run --log @log [--deny-errno @deny] -r @dir/r, running
 * "notify-probe call @word @p [@q]"; asserts it ran to the end.
 */
static void
run_call(const char *dir, const char *log, const char *deny,
	 const char *word, const char *p, const char *q)
{
	const char *argv[20];
	char rdir[PATH_MAX];
	int n = 0, st;

	in_dir(dir, "r", rdir);
	argv[n++] = hx_fdbroker_run();
	argv[n++] = "--log";
	argv[n++] = log;
	if (deny != NULL) {
		argv[n++] = "--deny-errno";
		argv[n++] = deny;
	}
	argv[n++] = "-r";
	argv[n++] = rdir;
	argv[n++] = "-x";
	argv[n++] = probedir;
	argv[n++] = "--";
	argv[n++] = probe;
	argv[n++] = "call";
	argv[n++] = word;
	argv[n++] = p;
	if (q != NULL)
		argv[n++] = q;
	argv[n] = NULL;
	st = run(argv);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "notify-probe call %s %s: status %#x, output:\n%s", word, p, st,
	    out);
}

/* The errno called @name ("EACCES"), 0 for "ok", -1 when unknown. */
static int
errno_of(const char *name)
{
	const char *e;
	int i;

	if (strcmp(name, "ok") == 0)
		return 0;
	for (i = 1; i < 4096; i++)
		if ((e = strerrorname_np(i)) != NULL && strcmp(e, name) == 0)
			return i;
	return -1;
}

/* What the probe's call @word gave: its "WORD: RESULT" line. */
static int
caller_errno(const char *word)
{
	char key[80], name[32];
	const char *p;

	snprintf(key, sizeof(key), "%s: ", word);
	p = strstr(out, key);
	ck_assert_msg(p != NULL && (p == out || p[-1] == '\n'),
	    "no '%s' line in:\n%s", key, out);
	ck_assert_int_eq(sscanf(p + strlen(key), "%31s", name), 1);
	ck_assert_msg(errno_of(name) >= 0, "unknown result %s", name);
	return errno_of(name);
}

/*
 * The value of @key in the JSON object @line into @buf (@len bytes): a
 * string's characters with \" and \\ undone (the paths of these tests
 * need no other escape), or a literal (null, a number) as written.
 * Keys cannot be faked from inside a string: its quotes are escaped.
 */
static int
field(const char *line, const char *key, char *buf, size_t len)
{
	char k[64];
	const char *p;
	size_t n = 0;

	snprintf(k, sizeof(k), "\"%s\":", key);
	buf[0] = '\0';
	if ((p = strstr(line, k)) == NULL)
		return -1;
	p += strlen(k);
	if (*p != '"') {
		while (*p != ',' && *p != '}' && *p != '\n' && *p != '\0' &&
		    n + 1 < len)
			buf[n++] = *p++;
		buf[n] = '\0';
		return 0;
	}
	for (p++; *p != '"' && *p != '\0' && n + 1 < len; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	return 0;
}

/* A record's errno field as a number: 0 for null, -1 when unknown. */
static int
rec_errno(const char *v)
{
	if (strcmp(v, "null") == 0)
		return 0;
	if (v[0] >= '0' && v[0] <= '9')
		return atoi(v);
	return audit_errno_value(v);
}

/*
 * The records in @log whose path is @p or @q, or (@call set) whose
 * system call is @call: how many, the first into @r, and all of them,
 * as logged, into seen[].
 */
static int
records(const char *log, const char *p, const char *q, const char *call,
	struct rec *r)
{
	struct rec cur;
	char *line, *save = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, count = 0, hit;

	fd = open(log, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "no log %s", log);
	while (got < sizeof(logbuf) - 1 &&
	    (n = read(fd, logbuf + got, sizeof(logbuf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	ck_assert_uint_lt(got, sizeof(logbuf) - 1);
	logbuf[got] = '\0';
	seen[0] = '\0';
	for (line = strtok_r(logbuf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		memset(&cur, 0, sizeof(cur));
		field(line, "syscall", cur.syscall, sizeof(cur.syscall));
		field(line, "path", cur.path, sizeof(cur.path));
		if (call != NULL)
			hit = strcmp(cur.syscall, call) == 0;
		else
			hit = strcmp(cur.path, p) == 0 ||
			    (q != NULL && strcmp(cur.path, q) == 0);
		if (!hit)
			continue;
		if (count++ == 0) {
			field(line, "resolved", cur.resolved,
			    sizeof(cur.resolved));
			field(line, "flags", cur.flags, sizeof(cur.flags));
			field(line, "decision", cur.decision,
			    sizeof(cur.decision));
			field(line, "errno", cur.err, sizeof(cur.err));
			*r = cur;
		}
		strncat(seen, line, sizeof(seen) - strlen(seen) - 2);
		strcat(seen, "\n");
	}
	return count;
}

static void
setup(void)
{
	hx_find_program("NOTIFY_PROBE", "notify-probe", probe, probedir);
}

/* Each refused call: one record, of that call, with the caller's errno. */
START_TEST(test_notify_calls_record_refused)
{
	const struct call_case *k = &refused[_i];
	char dir[PATH_MAX], log[PATH_MAX], p[PATH_MAX], q[PATH_MAX];
	struct rec r;
	int got, n;

	case_dir(dir, sizeof(dir));
	in_dir(dir, "log.jsonl", log);
	in_dir(dir, k->p, p);
	if (k->q != NULL)
		in_dir(dir, k->q, q);
	run_call(dir, log, k->deny, k->word, p, k->q != NULL ? q : NULL);
	got = caller_errno(k->word);
	ck_assert_msg(got == k->want, "%s %s: the caller got %s, not %s",
	    k->word, p, strerrorname_np(got), strerrorname_np(k->want));
	n = records(log, p, k->q != NULL ? q : NULL,
	    k->match == BY_CALL ? k->syscall : NULL, &r);
	ck_assert_msg(n == 1, "%s %s (caller: %s): %d records, not one:\n%s",
	    k->word, p, strerrorname_np(got), n, seen);
	ck_assert_str_eq(r.syscall, k->syscall);
	ck_assert_msg(rec_errno(r.err) == got,
	    "%s %s: the caller got %s, the record says %s:\n%s", k->word, p,
	    strerrorname_np(got), r.err, seen);
	if (!k->any_decision)
		ck_assert_msg(strcmp(r.decision, "deny") == 0,
		    "%s %s: decision %s:\n%s", k->word, p, r.decision, seen);
}
END_TEST

/* O_PATH opens: the flags logged are those asked, not what served them. */
START_TEST(test_notify_calls_record_flags_opath)
{
	char dir[PATH_MAX], log[PATH_MAX], p[PATH_MAX], flags[32];
	struct rec r;
	int got, n;

	case_dir(dir, sizeof(dir));
	in_dir(dir, "log.jsonl", log);
	in_dir(dir, opath[_i].p, p);
	snprintf(flags, sizeof(flags), "%#o", O_PATH);
	run_call(dir, log, NULL, "openat", p, flags);
	got = caller_errno("openat");
	ck_assert_int_eq(got, opath[_i].want);
	n = records(log, p, NULL, NULL, &r);
	ck_assert_msg(n == 1, "openat %s: %d records, not one:\n%s", p, n,
	    seen);
	ck_assert_msg(strtol(r.flags, NULL, 10) == O_PATH,
	    "openat(%s, O_PATH): flags %s logged, not %d:\n%s", p, r.flags,
	    O_PATH, seen);
	ck_assert_int_eq(rec_errno(r.err), got);
	ck_assert_str_eq(r.decision, got == 0 ? "allow" : "deny");
}
END_TEST

/*
 * A refusal beyond r/link (granted r, pointing to u/, not granted):
 * "resolved" is the file the request resolved to, not the link.
 */
START_TEST(test_notify_calls_record_resolved_link)
{
	char dir[PATH_MAX], log[PATH_MAX], p[PATH_MAX], link[PATH_MAX];
	size_t len;
	struct rec r;
	int got, n;

	case_dir(dir, sizeof(dir));
	in_dir(dir, "log.jsonl", log);
	in_dir(dir, "r/link/file", p);
	in_dir(dir, "r/link", link);
	run_call(dir, log, NULL, via_link[_i].word, p, via_link[_i].flags);
	got = caller_errno(via_link[_i].word);
	ck_assert_int_eq(got, EACCES);
	n = records(log, p, NULL, NULL, &r);
	ck_assert_msg(n == 1, "%s %s: %d records, not one:\n%s",
	    via_link[_i].word, p, n, seen);
	ck_assert_str_eq(r.syscall, via_link[_i].syscall);
	len = strlen(r.resolved);
	ck_assert_msg(strcmp(r.resolved, link) != 0 && len >= 5 &&
	    strcmp(r.resolved + len - 5, "/file") == 0,
	    "%s %s%s%s: resolved %s, not the file:\n%s", via_link[_i].word,
	    p, via_link[_i].flags != NULL ? " flags " : "",
	    via_link[_i].flags != NULL ? via_link[_i].flags : "", r.resolved,
	    seen);
	ck_assert_int_eq(rec_errno(r.err), EACCES);
	ck_assert_str_eq(r.decision, "deny");
}
END_TEST

/*
 * The requester here is this very thread, its "listener" /dev/null:
 * every check of the notification fails, as when the requester is gone
 * and its tid may be another process's.  Control: the same handle, once
 * taken as proven, writes.
 */
START_TEST(test_notify_target_unproven_write)
{
	static char path[] = "/some/path", word[] = "untouched";
	struct seccomp_notif n;
	struct notify_call c;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(null, 0);
	memset(&n, 0, sizeof(n));
	n.id = 1;
	n.pid = (uint32_t)gettid();
	notify_call_reset(&c, &n, null);
	ck_assert_int_eq(notify_handle(&c), 0);
	ck_assert_int_eq(notify_read_path(&c, (uintptr_t)path, 0), 0);
	ck_assert_str_eq(c.path[0], path);
	errno = 0;
	ck_assert_int_eq(notify_write(&c, (uintptr_t)word, "X", 1), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(word, "untouched");
	ck_assert_int_eq(notify_confirm(&c), -1);
	c.unproven = 0;			/* the control */
	ck_assert_int_eq(notify_write(&c, (uintptr_t)word, "X", 1), 0);
	ck_assert_str_eq(word, "Xntouched");
	notify_call_end(&c);
	close(null);
}
END_TEST

/*
 * Whole stat requests served as when their requester is gone and its tid
 * is this thread's ("listener" /dev/null: every check fails): a path, a
 * path relative to a descriptor, a held descriptor (answered in the
 * decoder, stat_held()), the current directory, statx and statfs.
 * Nothing is written into this process, and the broker (NULL here) is
 * never reached.  Controls: without notify_write()'s check the held
 * descriptors' cases fail; without decode()'s last one the others
 * reach the broker (measured by hand; the unproven write's control is
 * the test above).
 */
static const struct {
	int nr;
	int dirfd;		/* -2: the test's own directory descriptor */
	const char *path;	/* NULL: a NULL pointer */
	int flags;
} gone[] = {
	{ SYS_newfstatat, AT_FDCWD, "/etc/passwd", 0 },
	{ SYS_newfstatat, -2, "passwd", 0 },
	{ SYS_newfstatat, -2, "", AT_EMPTY_PATH },
	{ SYS_newfstatat, AT_FDCWD, "", AT_EMPTY_PATH },
	{ SYS_newfstatat, AT_FDCWD, "/proc/self/fd/0", 0 },
	{ SYS_newfstatat, AT_FDCWD, "/dev/pts/0", 0 },
	{ SYS_statx, -2, NULL, AT_EMPTY_PATH },
	{ SYS_statx, -2, "passwd", 0 },
	{ SYS_statfs, 0, "/etc", 0 },
};

START_TEST(test_notify_calls_gone_stat)
{
	static unsigned char buf[512];
	unsigned char want[sizeof(buf)];
	struct seccomp_notif n;
	struct notify_call c;
	struct notify_reply r = { .fd = -1 };
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int dir = open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = gone[_i].dirfd == -2 ? dir : gone[_i].dirfd;
	uint64_t path = (uintptr_t)gone[_i].path;

	ck_assert_int_ge(null, 0);
	ck_assert_int_ge(dir, 0);
	memset(buf, 0x5a, sizeof(buf));
	memcpy(want, buf, sizeof(buf));
	memset(&n, 0, sizeof(n));
	n.id = 1;
	n.pid = (uint32_t)gettid();
	n.data.nr = gone[_i].nr;
	if (gone[_i].nr == SYS_statfs) {
		n.data.args[0] = path;
		n.data.args[1] = (uintptr_t)buf;
	} else if (gone[_i].nr == SYS_statx) {
		n.data.args[0] = (uint64_t)(int64_t)fd;
		n.data.args[1] = path;
		n.data.args[2] = (uint64_t)gone[_i].flags;
		n.data.args[3] = 0x7ff;
		n.data.args[4] = (uintptr_t)buf;
	} else {
		n.data.args[0] = (uint64_t)(int64_t)fd;
		n.data.args[1] = path;
		n.data.args[2] = (uintptr_t)buf;
		n.data.args[3] = (uint64_t)gone[_i].flags;
	}
	notify_call_reset(&c, &n, null);
	notify_calls_serve(NULL, &c, 0, &r);
	notify_call_end(&c);
	ck_assert_int_eq(r.kind, NOTIFY_VALUE);
	ck_assert_int_ne(r.err, 0);
	ck_assert_int_eq(r.fd, -1);
	ck_assert_mem_eq(buf, want, sizeof(buf));
	close(dir);
	close(null);
}
END_TEST

static Suite *
notify_calls_suite(void)
{
	Suite *s = suite_create("notify_calls");
	TCase *tc;

	tc = tcase_create("records");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_notify_calls_record_refused, 0,
	    sizeof(refused) / sizeof(refused[0]));
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("flags");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_notify_calls_record_flags_opath, 0,
	    sizeof(opath) / sizeof(opath[0]));
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolved");
	tcase_add_unchecked_fixture(tc, hx_top_setup, hx_top_teardown);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_notify_calls_record_resolved_link, 0,
	    sizeof(via_link) / sizeof(via_link[0]));
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("handles");
	tcase_add_test(tc, test_notify_target_unproven_write);
	tcase_add_loop_test(tc, test_notify_calls_gone_stat, 0,
	    sizeof(gone) / sizeof(gone[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/* No seccomp, or no user notification for fdbroker-run: skip. */
	if ((prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == -1 && errno == EINVAL) ||
	    filter_notify_supported() == -1)
		return EXIT_SKIP;
	return check_run(notify_calls_suite());
}
