/* SPDX-License-Identifier: MIT */
/*
 * check_escape_shm.c: the escape suite's attacks on the private /dev/shm
 * (src/remap.c): reading and planting files in the host's /dev/shm
 * through the remap, by name, "..", repeated slashes, symlinks (planted
 * outside and inside the private tree), a descriptor of the private root
 * and chdir; another user entering the private directory; the directory
 * left behind after the run, after --timeout, after a SIGKILL of
 * fdbroker-run, and with symlinks out and unreadable directories in it;
 * the same attacks on /tmp with --private-tmp.
 *
 * Each attack also runs unconfined (the control), where the same script
 * reaches the host's /dev/shm, so no refusal passes because the probe
 * was broken.  The host's files are named per test process and removed
 * by the test.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"
#include "filecase.h"

#define NOBODY	65534

static const char *
num(long v)
{
	return fc_str("%#lo", v);
}

/* /dev/shm/fdbt-PID-@what: a name of the host's, this process's own. */
static const char *
host(const char *what)
{
	return fc_str("/dev/shm/fdbt-%d-%s", (int)getpid(), what);
}

/* Remove the host's /dev/shm entry @what (any kind) if it is there. */
static void
host_rm(const char *what)
{
	const char *p = host(what);

	if (unlink(p) == -1)
		rmdir(p);
}

/* The policy: rwc on the test's directory c. */
static const char *
tree(void)
{
	fc_mkdir(fc_path("c"));
	return fc_str("rwc %s/c\n", fc_dir());
}

/* The "t=" of a readlink line: the private root's real path. */
static const char *
link_of(const struct fc_out *o, int i)
{
	const char *t = fc_field(o, i, "t");

	ck_assert_msg(t != NULL && strncmp(t, "/dev/shm/fdbroker-shm.", 22) ==
	    0, "private root: %s", fc_dump(o));
	return t;
}

/* ESCAPE: read a file of the host's /dev/shm through the private one: by name, "/dev/shm/../shm/", "//dev//shm//", a symlink from a granted tree, ".." out of a private directory, a symlink made in the private tree, openat("..") from a descriptor of the private root; chdir into /dev/shm | ENOENT: the private /dev/shm is empty (chdir: EACCES, the kernel would land in the host's) */
START_TEST(test_escape_shm_read_host)
{
	const char *name = strrchr(host("secret"), '/') + 1;
	const char *dir = fc_str("%d", O_DIRECTORY);
	const char *script[] = {
		FC_OPEN(host("secret"), "0"),
		FC_OPEN(fc_str("/dev/shm/../shm/%s", name), "0"),
		FC_OPEN(fc_str("//dev//shm//%s", name), "0"),
		FC_OPEN(fc_path("c/toshm"), "0"),
		"stat", host("secret"), ",",
		"mkdir", host("d"), "0700", ",",
		FC_OPEN(fc_str("%s/../../shm/%s", host("d"), name), "0"),
		"symlink", fc_str("../shm/%s", name), host("rel"), ",",
		FC_OPEN(host("rel"), "0"),
		FC_OPEN("/dev/shm", dir),
		"openat", "@", fc_str("../shm/%s", name), "0", ",",
		"chdir", "/dev/shm", ",",
		NULL
	};
	static const struct fc_want real[] = {
		{ 0, 0, "SECRET-shm" }, { 0, 0, "SECRET-shm" },
		{ 0, 0, "SECRET-shm" }, { 0, 0, "SECRET-shm" }, { 0, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, "SECRET-shm" }, { 0, 0, NULL },
		{ 0, 0, "SECRET-shm" }, { 0, 0, NULL }, { 0, 0, "SECRET-shm" },
		{ 0, 0, NULL },
	};
	static const struct fc_want want[] = {
		{ ENOENT, 0, NULL }, { ENOENT, 0, NULL }, { ENOENT, 0, NULL },
		{ ENOENT, 0, NULL }, { ENOENT, 0, NULL }, { 0, 0, NULL },
		{ ENOENT, 0, NULL }, { 0, 0, NULL }, { ENOENT, 0, NULL },
		{ 0, 0, NULL }, { ENOENT, 0, NULL }, { EACCES, 0, NULL },
	};
	struct fc_opts o = { .policy = tree() };

	fc_write(host("secret"), "SECRET-shm\n");
	fc_symlink(host("secret"), fc_path("c/toshm"));
	FC_EXPECT(fc_plain(script), real);
	host_rm("d");
	host_rm("rel");
	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(host("d")) && !fc_exists(host("rel")));
	ck_assert_str_eq(fc_read(host("secret")), "SECRET-shm\n");
	host_rm("secret");
}
END_TEST

/* ESCAPE: plant files in the host's /dev/shm through the private one: create, mkdir, symlink, rename and hard-link in it, create through "d/../", through a symlink to /dev/shm from a granted tree | all work in the private /dev/shm; nothing appears in the host's */
START_TEST(test_escape_shm_plant_host)
{
	const char *creat = num(O_CREAT | O_WRONLY);
	const char *script[] = {
		FC_OPEN(host("new"), creat),
		"mkdir", host("newd"), "0700", ",",
		"symlink", "/etc/hostname", host("newl"), ",",
		FC_OPEN(host("src"), creat),
		"rename", host("src"), host("newr"), ",",
		"linkat", "cwd", host("newr"), host("newh"), "0", ",",
		FC_OPEN(fc_str("%s/../%s", host("newd"),
		    strrchr(host("new2"), '/') + 1), creat),
		FC_OPEN(fc_str("%s/%s", fc_path("c/toshm"),
		    strrchr(host("new3"), '/') + 1), creat),
		NULL
	};
	static const char *const made[] = {
		"new", "newd", "newl", "newr", "newh", "new2", "new3",
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = tree() };
	size_t i;

	fc_symlink("/dev/shm", fc_path("c/toshm"));
	FC_EXPECT(fc_plain(script), want);
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		ck_assert_msg(fc_exists(host(made[i])), "control: %s",
		    made[i]);
		host_rm(made[i]);
	}
	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(!fc_exists(host("src")));
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		ck_assert_msg(!fc_exists(host(made[i])), "planted %s",
		    made[i]);
}
END_TEST

/* Whether a process of user nobody can open @path (O_RDONLY). */
static int
nobody_opens(const char *path)
{
	pid_t pid;
	int st;

	pid = fork();
	ck_assert(pid != -1);
	if (pid == 0) {
		if (setgid(NOBODY) == -1 || setuid(NOBODY) == -1)
			_exit(2);
		_exit(open(path, O_RDONLY | O_CLOEXEC) == -1 ? 1 : 0);
	}
	ck_assert(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	ck_assert(WEXITSTATUS(st) != 2);
	return WEXITSTATUS(st) == 0;
}

/* The private root holding the host name @what, found on the host. */
static const char *
find_root(const char *what)
{
	const char *name = strrchr(host(what), '/') + 1, *found = NULL;
	struct dirent *de;
	struct stat st;
	DIR *d;

	d = opendir("/dev/shm");
	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL) {
		const char *p = fc_str("/dev/shm/%s", de->d_name);

		if (strncmp(de->d_name, "fdbroker-shm.", 13) == 0 &&
		    lstat(fc_str("%s/%s", p, name), &st) == 0)
			found = p;
	}
	closedir(d);
	return found;
}

static const char *other_root;

/* While the command waits: its private root, and who can enter it. */
static void
on_wait_other(int n, void *arg)
{
	struct stat st;

	(void)n;
	(void)arg;
	other_root = find_root("mine");
	ck_assert_msg(other_root != NULL, "no private root found");
	ck_assert(lstat(other_root, &st) == 0 && S_ISDIR(st.st_mode));
	ck_assert_msg((st.st_mode & 07777) == 0700 && st.st_uid == geteuid(),
	    "private root mode %o uid %d", (unsigned)st.st_mode,
	    (int)st.st_uid);
	/* The control: its owner reaches the file. */
	ck_assert(fc_read(fc_str("%s/%s", other_root,
	    strrchr(host("mine"), '/') + 1)) != NULL);
	if (geteuid() != 0) {
		fprintf(stderr, "not root: user nobody's attempt skipped\n");
		return;
	}
	ck_assert(!nobody_opens(other_root));
	ck_assert(!nobody_opens(fc_str("%s/%s", other_root,
	    strrchr(host("mine"), '/') + 1)));
	/* The control: nobody opens what is not private. */
	ck_assert(nobody_opens("/dev/shm"));
}

/* ESCAPE: as another user (nobody), open the private /dev/shm of a running command and a file in it | EACCES: the private root is mode 0700, owned by the command's user (control: its owner reads the file, nobody opens /dev/shm itself) */
START_TEST(test_escape_shm_other_user)
{
	const char *script[] = {
		FC_OPEN(host("mine"), num(O_CREAT | O_WRONLY)),
		"write", "@", "MINE", ",",
		"wait", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	};
	struct fc_opts o = { .policy = tree(), .on_wait = on_wait_other };

	FC_EXPECT(fc_run_v(&o, script), want);
	ck_assert(other_root != NULL && !fc_exists(other_root));
	ck_assert(!fc_exists(host("mine")));
}
END_TEST

/* ESCAPE: leave files behind in the private /dev/shm: a tree with a directory made unreadable (chmod 0), the root itself chmod 0, symlinks to a file and a directory outside | the private root is gone after the run, and the files the symlinks point to are intact (removal never follows them) */
START_TEST(test_escape_shm_removed)
{
	const char *dir = fc_str("%d", O_DIRECTORY);
	const char *creat = num(O_CREAT | O_WRONLY);
	const char *script[] = {
		FC_OPEN("/dev/shm", dir),
		"readlink", "/proc/self/fd/{last}", ",",
		"mkdir", "/dev/shm/a", "0700", ",",
		"mkdir", "/dev/shm/a/b", "0700", ",",
		FC_OPEN("/dev/shm/a/b/f", creat),
		"symlink", fc_path("c/keep"), "/dev/shm/a/l", ",",
		"symlink", fc_path("c/keepdir"), "/dev/shm/a/ld", ",",
		"chmod", "/dev/shm/a/b", "0", ",",
		"chmod", "/dev/shm", "0", ",",
		NULL
	};
	static const struct fc_want want[] = {
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
		{ 0, 0, NULL },
	};
	struct fc_opts o = { .policy = tree() };
	struct fc_out *r;

	fc_write(fc_path("c/keep"), "KEEP\n");
	fc_mkdir(fc_path("c/keepdir"));
	fc_write(fc_path("c/keepdir/x"), "KEEP-X\n");
	r = fc_run_v(&o, script);
	FC_EXPECT(r, want);
	ck_assert(!fc_exists(link_of(r, 1)));
	ck_assert_str_eq(fc_read(fc_path("c/keep")), "KEEP\n");
	ck_assert_str_eq(fc_read(fc_path("c/keepdir/x")), "KEEP-X\n");
}
END_TEST

/*
 * The attribute flags script of test_escape_shm_removed_flags on the
 * tree at @b: a file append-only, a directory with a file immutable, @b
 * itself append-only, then an unlink the flag refuses.
 */
static const char *const *
flag_script(const char *b)
{
	static const char *s[40];
	const char *creat = num(O_CREAT | O_WRONLY);
	const char *const v[] = {
		"mkdir", fc_str("%s/a", b), "0700", ",",
		FC_OPEN(fc_str("%s/a/f", b), creat),
		"setflags", fc_str("%s/a/f", b), num(FS_APPEND_FL), ",",
		"mkdir", fc_str("%s/a/i", b), "0700", ",",
		FC_OPEN(fc_str("%s/a/i/g", b), creat),
		"setflags", fc_str("%s/a/i", b), num(FS_IMMUTABLE_FL), ",",
		"setflags", b, num(FS_APPEND_FL), ",",
		"unlink", fc_str("%s/a/f", b), ",",
		NULL
	};

	memcpy(s, v, sizeof(v));
	return s;
}

/* Take the flags of flag_script() off @path again (the control's). */
static void
unflag(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), f = 0;

	if (fd != -1) {
		(void)ioctl(fd, FS_IOC_SETFLAGS, &f);
		close(fd);
	}
}

/* ESCAPE: leave the private /dev/shm behind by chattr: a file append-only, a non-empty directory immutable, the private root append-only (as root; a user gets EPERM as unconfined) | the private root is gone after the run; each flag is set (or refused) as unconfined, and holds while the command runs (its unlink fails alike) */
START_TEST(test_escape_shm_removed_flags)
{
	const char *dir = fc_str("%d", O_DIRECTORY);
	const char *ctl = fc_path("c/x");
	const char *const *cs = flag_script(ctl), *const *fs;
	const char *script[40] = {
		FC_OPEN("/dev/shm", dir),
		"readlink", "/proc/self/fd/{last}", ",",
	};
	struct fc_opts o = { .policy = tree() };
	struct fc_out *real, *r;
	int i, n;

	fc_mkdir(ctl);
	real = fc_plain(cs);
	unflag(fc_str("%s/a/f", ctl));
	unflag(fc_str("%s/a/i", ctl));
	unflag(ctl);
	fs = flag_script("/dev/shm");
	for (n = 0; fs[n] != NULL; n++)
		script[7 + n] = fs[n];
	r = fc_run_v(&o, script);
	ck_assert_msg(real->n == 8 && r->n == 10, "%s\n%s", fc_dump(real),
	    fc_dump(r));
	for (i = 0; i < 8; i++)
		ck_assert_msg(r->err[i + 2] == real->err[i], "line %d: %s\n%s",
		    i, fc_dump(real), fc_dump(r));
	ck_assert_msg(!fc_exists(link_of(r, 1)), "left behind: %s",
	    link_of(r, 1));
}
END_TEST

/*
 * While the command waits for a go that only comes after this: find its
 * private root, then wait until --timeout has ended the run and the root
 * is gone (whenever that is; the run's own time-out bounds it).
 */
static void
on_wait_killed(int n, void *arg)
{
	const char *root;
	int i;

	(void)n;
	(void)arg;
	root = find_root("t");
	ck_assert_msg(root != NULL, "no private root found");
	for (i = 0; i < 1500 && fc_exists(root); i++)
		usleep(10000);
}

/* ESCAPE: leave the private /dev/shm behind by being killed at --timeout while files are in it | the private root is gone after the run (control: it existed while the command ran, as the command's own readlink showed) */
START_TEST(test_escape_shm_removed_timeout)
{
	const char *dir = fc_str("%d", O_DIRECTORY);
	const char *script[] = {
		FC_OPEN("/dev/shm", dir),
		"readlink", "/proc/self/fd/{last}", ",",
		"mkdir", "/dev/shm/t", "0700", ",",
		FC_OPEN(host("t"), num(O_CREAT | O_WRONLY)),
		"wait", ",",
		NULL
	};
	static const char *const extra[] = { "--timeout", "1", NULL };
	struct fc_opts o = { .policy = tree(), .extra = extra,
			     .on_wait = on_wait_killed };
	struct fc_out *r;

	signal(SIGPIPE, SIG_IGN);
	r = fc_run_v(&o, script);
	ck_assert_msg(r->n == 5 && r->status != -1 &&
	    !(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0), "%s",
	    fc_dump(r));
	ck_assert(!fc_exists(link_of(r, 1)));
	ck_assert(!fc_exists(host("t")));
}
END_TEST

/* The broker: the process holding @root open that is not the anchor. */
static pid_t
holder_of(const char *root)
{
	char link[PATH_MAX], comm[32];
	struct dirent *p, *f;
	pid_t found = 0;
	DIR *procs, *fds;
	ssize_t n;

	ck_assert((procs = opendir("/proc")) != NULL);
	while (found == 0 && (p = readdir(procs)) != NULL) {
		int fd;

		if (atoi(p->d_name) <= 0 ||
		    (fds = opendir(fc_str("/proc/%s/fd", p->d_name))) == NULL)
			continue;
		while ((f = readdir(fds)) != NULL) {
			n = readlink(fc_str("/proc/%s/fd/%s", p->d_name,
			    f->d_name), link, sizeof(link) - 1);
			if (n > 0 && (link[n] = '\0', strcmp(link, root) == 0))
				break;
		}
		closedir(fds);
		if (f == NULL || (fd = open(fc_str("/proc/%s/comm",
		    p->d_name), O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n > 0 && strncmp(comm, "fdbroker-anchor", 15) != 0)
			found = atoi(p->d_name);
	}
	closedir(procs);
	return found;
}

/* While the command waits: SIGKILL its fdbroker-run, wait for the end. */
static void
on_wait_kill(int n, void *arg)
{
	const char *root;
	pid_t broker;
	int i;

	(void)n;
	(void)arg;
	root = find_root("k");
	ck_assert_msg(root != NULL, "no private root found");
	broker = holder_of(root);
	ck_assert_msg(broker > 0, "no broker holds %s", root);
	ck_assert(kill(broker, SIGKILL) == 0);
	for (i = 0; i < 1500 && fc_exists(root); i++)
		usleep(10000);
	ck_assert_msg(!fc_exists(root), "%s left", root);
}

/* ESCAPE: leave the private /dev/shm behind by a SIGKILL of fdbroker-run while files are in it | the anchor, which ends the sandbox then, removes it (control: it existed while the command ran) */
START_TEST(test_escape_shm_removed_kill)
{
	const char *script[] = {
		"mkdir", "/dev/shm/t", "0700", ",",
		FC_OPEN(host("k"), num(O_CREAT | O_WRONLY)),
		"wait", ",",
		NULL
	};
	struct fc_opts o = { .policy = tree(), .on_wait = on_wait_kill };
	struct fc_out *r;

	signal(SIGPIPE, SIG_IGN);
	r = fc_run_v(&o, script);
	ck_assert_msg(r->n == 3 && WIFSIGNALED(r->status) &&
	    WTERMSIG(r->status) == SIGKILL, "%s", fc_dump(r));
	ck_assert(!fc_exists(host("k")));
}
END_TEST

/* /tmp/fdbt-PID-@what: a name in the host's /tmp, ours. */
static const char *
tmp(const char *what)
{
	return fc_str("/tmp/fdbt-%d-%s", (int)getpid(), what);
}

/* ESCAPE: with --private-tmp, read and plant files in the host's /tmp: by name, "/tmp/../tmp/", a symlink made in the private /tmp, ".." out of a private directory; create, mkdir, symlink | the private /tmp is empty (ENOENT) and what is made there never appears in the host's (control: unconfined, the same script reads and makes them) */
START_TEST(test_escape_shm_private_tmp)
{
	const char *name = strrchr(tmp("secret"), '/') + 1;
	const char *creat = num(O_CREAT | O_WRONLY);
	const char *script[] = {
		FC_OPEN(tmp("secret"), "0"),
		FC_OPEN(fc_str("/tmp/../tmp/%s", name), "0"),
		"symlink", fc_str("../tmp/%s", name), tmp("rel"), ",",
		FC_OPEN(tmp("rel"), "0"),
		"mkdir", tmp("d"), "0700", ",",
		FC_OPEN(fc_str("%s/../../tmp/%s", tmp("d"), name), "0"),
		FC_OPEN(tmp("new"), creat),
		NULL
	};
	static const struct fc_want real[] = {
		{ 0, 0, "SECRET-tmp" }, { 0, 0, "SECRET-tmp" }, { 0, 0, NULL },
		{ 0, 0, "SECRET-tmp" }, { 0, 0, NULL }, { 0, 0, "SECRET-tmp" },
		{ 0, 0, NULL },
	};
	static const struct fc_want want[] = {
		{ ENOENT, 0, NULL }, { ENOENT, 0, NULL }, { 0, 0, NULL },
		{ ENOENT, 0, NULL }, { 0, 0, NULL }, { ENOENT, 0, NULL },
		{ 0, 0, NULL },
	};
	static const char *const made[] = { "rel", "d", "new" };
	static const char *const extra[] = { "--private-tmp", NULL };
	struct fc_opts o = { .extra = extra };
	char cwd[PATH_MAX];
	size_t i;

	/* No rule and no current directory under /tmp: that is refused. */
	ck_assert(getcwd(cwd, sizeof(cwd)) != NULL);
	if (strncmp(fc_probe(), "/tmp/", 5) == 0 ||
	    strncmp(cwd, "/tmp/", 5) == 0) {
		fprintf(stderr, "built under /tmp: --private-tmp skipped\n");
		return;
	}
	fc_write(tmp("secret"), "SECRET-tmp\n");
	FC_EXPECT(fc_plain(script), real);
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		ck_assert(fc_exists(tmp(made[i])));
		if (unlink(tmp(made[i])) == -1)
			ck_assert(rmdir(tmp(made[i])) == 0);
	}
	FC_EXPECT(fc_run_v(&o, script), want);
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		ck_assert_msg(!fc_exists(tmp(made[i])), "planted %s",
		    made[i]);
	ck_assert_str_eq(fc_read(tmp("secret")), "SECRET-tmp\n");
	unlink(tmp("secret"));
}
END_TEST

static Suite *
escape_shm_suite(void)
{
	Suite *s = suite_create("escape_shm");
	TCase *tc;

	tc = tcase_create("private");
	tcase_add_unchecked_fixture(tc, fc_root_setup, fc_root_teardown);
	tcase_add_test(tc, test_escape_shm_read_host);
	tcase_add_test(tc, test_escape_shm_plant_host);
	tcase_add_test(tc, test_escape_shm_other_user);
	tcase_add_test(tc, test_escape_shm_removed);
	tcase_add_test(tc, test_escape_shm_removed_flags);
	tcase_add_test(tc, test_escape_shm_removed_timeout);
	tcase_add_test(tc, test_escape_shm_removed_kill);
	tcase_add_test(tc, test_escape_shm_private_tmp);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return fc_main(escape_shm_suite);
}
