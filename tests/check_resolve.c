/* SPDX-License-Identifier: MIT */
/*
 * check_resolve.c: the resolver against real files in a temporary tree:
 * "..", symlinks in and out of the tree, loops, O_* semantics, /proc/self,
 * magic links, and a directory swapped for a symlink by another thread.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-run.h"
#include "fd.h"
#include "fdbroker.h"
#include "resolve.h"
#include "tree.h"

static char root[64];		/* the temporary tree */
static struct fdb_policy *pol;
static struct resolve_ctx ctx;
static struct requester me;

static const char *
at(const char *rel)
{
	return tree_at(root, rel);
}

static void
grant(const char *rel, unsigned perms)
{
	ck_assert_int_eq(fdb_policy_add(pol, at(rel), perms), 0);
}

static void
setup(void)
{
	snprintf(root, sizeof(root), "/tmp/check_resolve.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(mkdir(at("in"), 0755), 0);
	ck_assert_int_eq(mkdir(at("in/sub"), 0755), 0);
	ck_assert_int_eq(mkdir(at("out"), 0755), 0);
	tree_put(at("in/file"), "inside");
	tree_put(at("in/sub/deep"), "deep");
	tree_put(at("out/secret"), "secret");
	tree_put(at("ab"), "prefix");
	pol = fdb_policy_new();
	ck_assert_ptr_nonnull(pol);
	grant("in", FDB_R | FDB_W | FDB_C);
	memset(&ctx, 0, sizeof(ctx));
	ctx.policy = pol;
	me.pid = getpid();
	ctx.who = &me;
	ctx.base = root;
}

static void
teardown(void)
{
	char cmd[PATH_MAX + 16];

	fdb_policy_free(pol);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Open @path with @flags; return its first bytes, or "E<errno>". */
static const char *
try_open(const char *path, int flags)
{
	static char buf[64];
	struct resolve_out out;
	ssize_t n;
	int fd;

	fd = resolve_open(&ctx, path, flags, 0644, &out);
	ck_assert_int_eq(out.dirfd, -1);
	if (fd == -1) {
		snprintf(buf, sizeof(buf), "E%d", errno);
		return buf;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	fd_close(fd);
	return buf;
}

static const char *
err(int e)
{
	static char buf[4][16];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "E%d", e);
	return buf[i];
}

START_TEST(test_resolve_open_granted)
{
	ck_assert_str_eq(try_open(at("in/file"), O_RDONLY), "inside");
	ck_assert_str_eq(try_open("in/file", O_RDONLY), "inside");
	ck_assert_str_eq(try_open(at("in//./sub/../file"), O_RDONLY),
			 "inside");
}
END_TEST

START_TEST(test_resolve_open_refused)
{
	struct resolve_out out;

	ck_assert_str_eq(try_open(at("out/secret"), O_RDONLY), err(EACCES));
	ck_assert_int_eq(resolve_open(&ctx, at("out/secret"), O_RDONLY, 0,
				      &out), -1);
	ck_assert_int_eq(out.denied, 1);
	ck_assert_str_eq(out.path, at("out/secret"));
	/* A grant on ROOT/a must not cover ROOT/ab. */
	ck_assert_str_eq(try_open(at("ab"), O_RDONLY), err(EACCES));
	grant("a", FDB_R);
	ck_assert_str_eq(try_open(at("ab"), O_RDONLY), err(EACCES));
}
END_TEST

START_TEST(test_resolve_open_missing)
{
	struct resolve_out out;

	ck_assert_int_eq(resolve_open(&ctx, at("in/none"), O_RDONLY, 0, &out),
			 -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(out.denied, 0);
	/* Outside the grants, existence is not told. */
	ck_assert_str_eq(try_open(at("out/none"), O_RDONLY), err(EACCES));
	ck_assert_str_eq(try_open(at("in/none/x"), O_RDONLY), err(ENOENT));
	ck_assert_str_eq(try_open(at("out/none/x"), O_RDONLY), err(EACCES));
	ck_assert_str_eq(try_open("/nonexistent-dir/x", O_RDONLY), err(EACCES));
	ck_assert_str_eq(try_open(at("out/secret/x"), O_RDONLY), err(EACCES));
	ck_assert_str_eq(try_open(at("in/file/x"), O_RDONLY), err(ENOTDIR));
}
END_TEST

START_TEST(test_resolve_dotdot_escape)
{
	ck_assert_str_eq(try_open(at("in/../out/secret"), O_RDONLY),
			 err(EACCES));
	ck_assert_str_eq(try_open(at("in/sub/../../out/secret"), O_RDONLY),
			 err(EACCES));
	ck_assert_str_eq(try_open(at("in/sub/../sub/deep"), O_RDONLY),
			 "deep");
	/* ".." of "/" is "/". */
	ck_assert_str_eq(try_open("/../../..", O_RDONLY | O_DIRECTORY),
			 err(EACCES));
}
END_TEST

START_TEST(test_resolve_symlink_out_absolute)
{
	ck_assert_int_eq(symlink(at("out/secret"), at("in/link")), 0);
	ck_assert_str_eq(try_open(at("in/link"), O_RDONLY), err(EACCES));
	ck_assert_int_eq(symlink(at("out"), at("in/dirlink")), 0);
	ck_assert_str_eq(try_open(at("in/dirlink/secret"), O_RDONLY),
			 err(EACCES));
}
END_TEST

START_TEST(test_resolve_symlink_out_relative)
{
	ck_assert_int_eq(symlink("../out/secret", at("in/link")), 0);
	ck_assert_str_eq(try_open(at("in/link"), O_RDONLY), err(EACCES));
	ck_assert_int_eq(symlink("../../out", at("in/sub/up")), 0);
	ck_assert_str_eq(try_open(at("in/sub/up/secret"), O_RDONLY),
			 err(EACCES));
}
END_TEST

START_TEST(test_resolve_symlink_inside)
{
	ck_assert_int_eq(symlink("sub/deep", at("in/l1")), 0);
	ck_assert_int_eq(symlink("l1", at("in/l2")), 0);
	ck_assert_int_eq(symlink(at("in/sub"), at("in/l3")), 0);
	ck_assert_str_eq(try_open(at("in/l2"), O_RDONLY), "deep");
	ck_assert_str_eq(try_open(at("in/l3/deep"), O_RDONLY), "deep");
	ck_assert_str_eq(try_open(at("in/l3/"), O_RDONLY | O_DIRECTORY), "");
	/* Granted target, but the link itself lies outside the grants. */
	ck_assert_int_eq(symlink(at("in/file"), at("out/l4")), 0);
	ck_assert_str_eq(try_open(at("out/l4"), O_RDONLY), err(EACCES));
	/* Granted link, target granted by a second rule. */
	grant("out/secret", FDB_R);
	ck_assert_int_eq(symlink(at("out/secret"), at("in/l5")), 0);
	ck_assert_str_eq(try_open(at("in/l5"), O_RDONLY), "secret");
}
END_TEST

START_TEST(test_resolve_symlink_loop)
{
	char name[32], target[32];
	int i;

	ck_assert_int_eq(symlink("loop2", at("in/loop1")), 0);
	ck_assert_int_eq(symlink("loop1", at("in/loop2")), 0);
	ck_assert_str_eq(try_open(at("in/loop1"), O_RDONLY), err(ELOOP));
	/* 40 links are followed, 41 are not (the kernel's MAXSYMLINKS). */
	for (i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "in/c%d", i);
		snprintf(target, sizeof(target), i == 41 ? "file" : "c%d",
			 i + 1);
		ck_assert_int_eq(symlink(target, at(name)), 0);
	}
	ck_assert_str_eq(try_open(at("in/c2"), O_RDONLY), "inside");
	ck_assert_str_eq(try_open(at("in/c1"), O_RDONLY), err(ELOOP));
}
END_TEST

START_TEST(test_resolve_open_nofollow)
{
	struct resolve_out out;
	struct stat st;
	int fd;

	ck_assert_int_eq(symlink("file", at("in/link")), 0);
	ck_assert_str_eq(try_open(at("in/link"), O_RDONLY | O_NOFOLLOW),
			 err(ELOOP));
	fd = resolve_open(&ctx, at("in/link"), O_PATH | O_NOFOLLOW, 0, &out);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	fd_close(fd);
}
END_TEST

START_TEST(test_resolve_open_create)
{
	struct stat st;

	ck_assert_str_eq(try_open(at("in/new"), O_WRONLY | O_CREAT), "");
	ck_assert_int_eq(stat(at("in/new"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644 & ~umask(022));
	ck_assert_str_eq(try_open(at("out/new"), O_WRONLY | O_CREAT),
			 err(EACCES));
	ck_assert_int_eq(stat(at("out/new"), &st), -1);
	/* EEXIST keeps its meaning. */
	ck_assert_str_eq(try_open(at("in/file"), O_RDWR | O_CREAT | O_EXCL),
			 err(EEXIST));
	/* A dangling link in the tree pointing out creates nothing. */
	ck_assert_int_eq(symlink(at("out/made"), at("in/dangle")), 0);
	ck_assert_str_eq(try_open(at("in/dangle"), O_WRONLY | O_CREAT),
			 err(EACCES));
	ck_assert_int_eq(lstat(at("out/made"), &st), -1);
	ck_assert_str_eq(try_open(at("in/dangle"),
				  O_WRONLY | O_CREAT | O_EXCL), err(EEXIST));
	ck_assert_str_eq(try_open(at("in/newdir/"), O_WRONLY | O_CREAT),
			 err(EISDIR));
}
END_TEST

START_TEST(test_resolve_open_create_without_c)
{
	struct stat st;

	grant("out", FDB_R | FDB_W);
	tree_put(at("out/existing"), "old");
	/* Existing file: only what its access mode needs. */
	ck_assert_str_eq(try_open(at("out/existing"), O_RDWR | O_CREAT),
			 "old");
	ck_assert_str_eq(try_open(at("out/new"), O_RDWR | O_CREAT),
			 err(EACCES));
	ck_assert_int_eq(stat(at("out/new"), &st), -1);
	ck_assert_str_eq(try_open(at("out/existing"),
				  O_RDWR | O_CREAT | O_EXCL | O_TRUNC),
			 err(EEXIST));
	ck_assert_str_eq(try_open(at("out/existing"), O_RDONLY), "old");
	ck_assert_str_eq(try_open(at("out/new"), O_RDWR | O_CREAT | O_EXCL),
			 err(EACCES));
}
END_TEST

START_TEST(test_resolve_open_readonly_grant)
{
	grant("in/sub", FDB_R);
	ck_assert_str_eq(try_open(at("in/sub/deep"), O_RDONLY), "deep");
	ck_assert_str_eq(try_open(at("in/sub/deep"), O_WRONLY), err(EACCES));
	ck_assert_str_eq(try_open(at("in/sub/deep"), O_RDWR), err(EACCES));
	ck_assert_str_eq(try_open(at("in/sub/deep"), O_RDONLY | O_TRUNC),
			 err(EACCES));
	ck_assert_str_eq(try_open(at("in/sub/deep"), O_RDONLY | O_APPEND),
			 err(EACCES));
	ck_assert_str_eq(try_open(at("in/sub/deep"), O_RDONLY), "deep");
	ck_assert_str_eq(try_open(at("in/sub"), O_TMPFILE | O_WRONLY),
			 err(EACCES));
	ck_assert_str_eq(try_open(at("in"), O_TMPFILE | O_RDWR), "");
}
END_TEST

START_TEST(test_resolve_open_bad_flags)
{
	ck_assert_str_eq(try_open(at("in/file"), O_ACCMODE), err(EINVAL));
	ck_assert_str_eq(try_open(at("in/file"), O_RDONLY | 0x40000000),
			 err(EINVAL));
	ck_assert_str_eq(try_open(at("in/file"), O_RDONLY | O_DIRECTORY),
			 err(ENOTDIR));
	ck_assert_str_eq(try_open(at("in/file/"), O_RDONLY), err(ENOTDIR));
	ck_assert_str_eq(try_open("", O_RDONLY), err(ENOENT));
}
END_TEST

START_TEST(test_resolve_open_long_path)
{
	char path[PATH_MAX + 8];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	ck_assert_str_eq(try_open(path, O_RDONLY), err(ENAMETOOLONG));
	/* A name over NAME_MAX: the kernel's error inside a grant... */
	snprintf(path, sizeof(path), "%s/", at("in"));
	memset(path + strlen(path), 'b', NAME_MAX + 1);
	path[strlen(at("in")) + 1 + NAME_MAX + 1] = '\0';
	ck_assert_str_eq(try_open(path, O_RDONLY), err(ENAMETOOLONG));
	/* ...and a refusal outside, as for any path there. */
	memcpy(path + strlen(at("in")) - 2, "out", 3);
	ck_assert_str_eq(try_open(path, O_RDONLY), err(EACCES));
}
END_TEST

START_TEST(test_resolve_open_flags_kept)
{
	struct resolve_out out;
	int fd;

	fd = resolve_open(&ctx, at("in/file"), O_RDONLY, 0, &out);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	fd_close(fd);
	fd = resolve_open(&ctx, at("in/file"), O_RDONLY | O_NONBLOCK, 0, &out);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	fd_close(fd);
}
END_TEST

START_TEST(test_resolve_open_fifo_never_blocks)
{
	struct resolve_out out;
	int fd;

	ck_assert_int_eq(mkfifo(at("in/fifo"), 0600), 0);
	fd = resolve_open(&ctx, at("in/fifo"), O_RDONLY, 0, &out);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	fd_close(fd);
	/* No reader: the kernel's ENXIO, never a wait. */
	ck_assert_str_eq(try_open(at("in/fifo"), O_WRONLY), err(ENXIO));
}
END_TEST

/* Read the "Pid:" line of @path opened for requester @pid. */
static int
proc_pid(pid_t pid, const char *path)
{
	struct resolve_ctx c = ctx;
	struct requester who = { .pid = pid };
	struct resolve_out out;
	char buf[4096], *p;
	ssize_t n;
	int fd;

	c.who = &who;
	fd = resolve_open(&c, path, O_RDONLY, 0, &out);
	if (fd == -1)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	fd_close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	p = strstr(buf, "\nPid:");
	ck_assert_ptr_nonnull(p);
	return atoi(p + 5);
}

START_TEST(test_resolve_proc_self_is_requester)
{
	pid_t child;
	int st;

	ck_assert_int_eq(fdb_policy_add(pol, "/proc/self", FDB_R), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(proc_pid(child, "/proc/self/status"), child);
	ck_assert_int_eq(proc_pid(child, "/proc/thread-self/status"), child);
	ck_assert_int_eq(proc_pid(child, "/proc/./self/../self/status"),
			 child);
	/* As the last component too (a directory opened, then "status"). */
	{
		struct resolve_ctx c = ctx;
		struct requester who = { .pid = child };
		struct resolve_out out;
		char buf[32];
		int dfd, fd;

		c.who = &who;
		dfd = resolve_open(&c, "/proc/self", O_RDONLY | O_DIRECTORY, 0,
				   &out);
		ck_assert_int_ge(dfd, 0);
		fd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_gt(read(fd, buf, sizeof(buf) - 1), 0);
		ck_assert_int_eq(atoi(buf), child);
		fd_close(fd);
		fd_close(dfd);
	}
	/* The requester's own pid is /proc/self for the policy. */
	{
		char own[64];

		snprintf(own, sizeof(own), "/proc/%d/status", (int)child);
		ck_assert_int_eq(proc_pid(child, own), child);
		/* Someone else's is not. */
		ck_assert_int_eq(proc_pid(getpid(), own), -EACCES);
	}
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
}
END_TEST

START_TEST(test_resolve_proc_magic_links)
{
	static const char *const magic[] = {
		"/proc/self/fd/0", "/proc/self/exe", "/proc/self/cwd/x",
		"/proc/self/root/etc/passwd", "/proc/thread-self/exe",
	};
	size_t i;

	ck_assert_int_eq(fdb_policy_add(pol, "/proc", FDB_R), 0);
	ck_assert_int_eq(fdb_policy_add(pol, "/", FDB_R), 0);
	for (i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		ck_assert_msg(strcmp(try_open(magic[i], O_RDONLY), err(ELOOP))
			      == 0, "%s was followed", magic[i]);
	/* Plain procfs links in /proc itself are ordinary. */
	ck_assert_int_eq(proc_pid(getpid(), "/proc/self/status"), getpid());
	ck_assert_str_ne(try_open("/proc/mounts", O_RDONLY), err(ELOOP));
}
END_TEST

/* The racer: swap in/race/d between a directory and a link to out. */
struct race {
	volatile int stop;
};

static void *
racer(void *arg)
{
	struct race *r = arg;
	char d[PATH_MAX], keep[PATH_MAX], out[PATH_MAX];

	snprintf(d, sizeof(d), "%s/in/race/d", root);
	snprintf(keep, sizeof(keep), "%s/in/race/keep", root);
	snprintf(out, sizeof(out), "%s/out", root);
	while (!r->stop) {
		if (rename(d, keep) == 0) {
			/* d was just renamed away: it exists only if made. */
			if (symlink(out, d) == 0)
				(void)unlink(d);
			(void)rename(keep, d);
		}
	}
	return NULL;
}

START_TEST(test_resolve_race_dir_swapped_for_symlink)
{
	struct race r = { 0 };
	pthread_t t;
	int i, opened = 0, before = fd_count();

	ck_assert_int_eq(mkdir(at("in/race"), 0755), 0);
	ck_assert_int_eq(mkdir(at("in/race/d"), 0755), 0);
	tree_put(at("in/race/d/secret"), "inside");
	/* Same name outside: a wrong descriptor would read "secret". */
	ck_assert_int_eq(pthread_create(&t, NULL, racer, &r), 0);
	for (i = 0; i < 20000; i++) {
		const char *got = try_open(at("in/race/d/secret"), O_RDONLY);

		ck_assert_str_ne(got, "secret");
		opened += strcmp(got, "inside") == 0;
	}
	r.stop = 1;
	pthread_join(t, NULL);
	ck_assert_int_gt(opened, 0);
	ck_assert_int_eq(fd_count(), before);
}
END_TEST

/*
 * The fast path (one openat2() refusing symlinks) and the walk must give
 * the same answer for every path: "/./" in the middle of a path means
 * the same file but always takes the walk.
 */
static const char *
slow(const char *path)
{
	static char buf[PATH_MAX];
	size_t n = strlen(root);

	ck_assert(strncmp(path, root, n) == 0);
	snprintf(buf, sizeof(buf), "%s/.%s", root, path + n);
	return buf;
}

static void
same_answer(const char *rel, int flags)
{
	struct resolve_out fast, walk;
	char a[64], b[64];
	int fd;

	snprintf(a, sizeof(a), "%s", try_open(at(rel), flags));
	snprintf(b, sizeof(b), "%s", try_open(slow(at(rel)), flags));
	ck_assert_msg(strcmp(a, b) == 0, "%s: fast %s, walk %s", rel, a, b);
	fd = resolve_open(&ctx, at(rel), flags, 0644, &fast);
	fd_close(fd);
	fd = resolve_open(&ctx, slow(at(rel)), flags, 0644, &walk);
	fd_close(fd);
	ck_assert_msg(fast.denied == walk.denied, "%s: denied %d, walk %d",
		      rel, fast.denied, walk.denied);
	/* A walk that stopped early has no path to tell; the rest agree. */
	if (walk.path[0] != '\0')
		ck_assert_str_eq(fast.path, walk.path);
}

START_TEST(test_resolve_fast_agrees_with_walk)
{
	static const char *const rels[] = {
		"in/file", "in//sub///deep", "in/none", "in/none/x",
		"in/file/x", "out/secret", "out/none", "out/none/x",
		"out/secret/x", "ab", "in/link", "in/dirlink/secret",
		"in/back/file", "out/into/file", "in/sub", "nothere/x",
	};
	static const int flags[] = {
		O_RDONLY, O_WRONLY, O_RDWR | O_APPEND, O_RDONLY | O_DIRECTORY,
		O_RDONLY | O_NOFOLLOW,
	};
	size_t i, j;

	ck_assert_int_eq(symlink(at("out/secret"), at("in/link")), 0);
	ck_assert_int_eq(symlink("../out", at("in/dirlink")), 0);
	ck_assert_int_eq(symlink("../in", at("in/back")), 0);
	/* From a refused tree into the grant: the link itself is granted. */
	ck_assert_int_eq(symlink("../in", at("out/into")), 0);
	grant("out/into", FDB_R | FDB_W);
	/*
	 * Refused as written, granted where the link leads: the walk's
	 * logical path decides, so the lexical refusal must not stand.
	 */
	grant("out/into/file", 0);
	for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++)
		for (j = 0; j < sizeof(flags) / sizeof(flags[0]); j++)
			same_answer(rels[i], flags[j]);
	/* Through the granted link, out of a refused tree: allowed. */
	ck_assert_str_eq(try_open(at("out/into/file"), O_RDONLY), "inside");
}
END_TEST

/* What the fast path's own open(2) could get wrong: the flags and mode. */
START_TEST(test_resolve_fast_flags_and_mode)
{
	struct resolve_out out;
	struct stat st;
	mode_t old;
	int fd, fl;

	/* The status flags open(2) itself would have left. */
	fd = open(at("in/file"), O_WRONLY | O_APPEND | O_ASYNC);
	ck_assert_int_ge(fd, 0);
	fl = fcntl(fd, F_GETFL);
	fd_close(fd);
	fd = resolve_open(&ctx, at("in/file"), O_WRONLY | O_APPEND | O_ASYNC,
			  0, &out);
	ck_assert_int_ge(fd, 0);
	/* O_NOFOLLOW is the broker's own (it stays in F_GETFL). */
	ck_assert_int_eq(fcntl(fd, F_GETFL) & ~O_NOFOLLOW, fl);
	ck_assert_int_eq(fl & O_NONBLOCK, 0);
	fd_close(fd);
	/* open(2) ignores the file type bits of a mode; so must we. */
	old = umask(022);
	fd = resolve_open(&ctx, at("in/new"), O_WRONLY | O_CREAT | O_EXCL,
			  S_IFREG | 0666, &out);
	umask(old);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	fd_close(fd);
	/* And a path of "//" is matched as its single-slash self. */
	ck_assert_str_eq(out.path, at("in/new"));
}
END_TEST

START_TEST(test_resolve_no_fd_leak)
{
	int i, before = fd_count();

	ck_assert_int_eq(symlink("../out/secret", at("in/bad")), 0);
	for (i = 0; i < 2000; i++) {
		try_open(at("in/file"), O_RDONLY);
		try_open(at("in/bad"), O_RDONLY);
		try_open(at("in/none"), O_RDONLY);
		try_open(at("out/secret"), O_RDONLY);
		try_open(at("in/sub/../file"), O_RDONLY);
	}
	ck_assert_int_eq(fd_count(), before);
}
END_TEST

static Suite *
resolve_suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resolve_open_granted);
	tcase_add_test(tc, test_resolve_open_refused);
	tcase_add_test(tc, test_resolve_open_missing);
	tcase_add_test(tc, test_resolve_open_nofollow);
	tcase_add_test(tc, test_resolve_open_create);
	tcase_add_test(tc, test_resolve_open_create_without_c);
	tcase_add_test(tc, test_resolve_open_readonly_grant);
	tcase_add_test(tc, test_resolve_open_bad_flags);
	tcase_add_test(tc, test_resolve_open_long_path);
	tcase_add_test(tc, test_resolve_open_flags_kept);
	tcase_add_test(tc, test_resolve_open_fifo_never_blocks);
	tcase_add_test(tc, test_resolve_no_fd_leak);
	tcase_add_test(tc, test_resolve_fast_agrees_with_walk);
	tcase_add_test(tc, test_resolve_fast_flags_and_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resolve_dotdot_escape);
	tcase_add_test(tc, test_resolve_symlink_out_absolute);
	tcase_add_test(tc, test_resolve_symlink_out_relative);
	tcase_add_test(tc, test_resolve_symlink_inside);
	tcase_add_test(tc, test_resolve_symlink_loop);
	tcase_add_test(tc, test_resolve_race_dir_swapped_for_symlink);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("proc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resolve_proc_self_is_requester);
	tcase_add_test(tc, test_resolve_proc_magic_links);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(resolve_suite());
}
