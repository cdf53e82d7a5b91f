/* SPDX-License-Identifier: MIT */
/*
 * probe-ops.c: the operations of the file-side escape probe (see
 * probe-ops.h for the script and output formats).  Everything here runs
 * confined: under fdbroker-run, where every path call is a raw system
 * call the broker answers, or in a library worker, where opening goes
 * through fdb_open() and every other path call meets the lockdown filter.
 * Raw syscall(2) is used so that libc neither hides nor adds anything:
 * the errno reported is the one the sandbox answered.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe-ops.h"

#define CONTENT_MAX	64
#define STATUS_MAX	4096
#define LINE_MAX_OUT	1024

struct probe {
	const struct probe_io *io;
	int last;			/* last descriptor opened, or -1 */
};

struct op {
	const char *name;
	int nargs;			/* arguments it needs at least */
	void (*fn)(struct probe *, char **, int);
};

/* What "race" shares with its flipping thread. */
struct flip {
	char *buf;
	const char *a, *b;
	size_t len;
	volatile int stop;
	long flips;
};

/* What "loop" and "race" count. */
struct tally {
	int ok, bad, eacces, enoent, eloop, enotdir, other, other_err;
};

/* A thread running one operation. */
struct job {
	struct probe *p;
	char **av;
	int ac;
};

static int	 dispatch(struct probe *p, char **av, int ac);
static void	 say(struct probe *p, int err, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 result(struct probe *p, long rc, const char *what);
static void	 put_fd(struct probe *p, int fd);
static void	 content(int fd, char *buf, size_t len);
static long	 num(const char *s);
static char	*expand(struct probe *p, const char *in);
static int	 fdarg(struct probe *p, const char *s);

/* Opening. */

static void
op_open(struct probe *p, char **av, int ac)
{
	int fd;

	fd = p->io->open(p->io->arg, expand(p, av[0]), (int)num(av[1]),
	    ac > 2 ? (mode_t)num(av[2]) : 0600);
	if (fd == -1)
		return say(p, errno, "open");
	p->last = fd;
	put_fd(p, fd);
}

static void
op_openat(struct probe *p, char **av, int ac)
{
	int dir = fdarg(p, av[0]);
	long fd;

	if (dir == -1)
		return say(p, errno, "dirfd");
	fd = syscall(SYS_openat, dir, expand(p, av[1]), (int)num(av[2]),
	    ac > 3 ? (mode_t)num(av[3]) : 0600);
	/* Not the last descriptor: several openat may share one dirfd. */
	if (fd == -1)
		return say(p, errno, "openat");
	put_fd(p, (int)fd);
}

static void
op_openat2(struct probe *p, char **av, int ac)
{
	struct open_how how;
	int dir = fdarg(p, av[0]);
	long fd;

	(void)ac;
	if (dir == -1)
		return say(p, errno, "dirfd");
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)num(av[2]);
	how.resolve = (unsigned long long)num(av[3]);
	if (how.flags & (O_CREAT | O_TMPFILE))
		how.mode = 0600;
	fd = syscall(SYS_openat2, dir, expand(p, av[1]), &how, sizeof(how));
	if (fd == -1)
		return say(p, errno, "openat2");
	p->last = (int)fd;
	put_fd(p, (int)fd);
}

/*
 * Paths the kernel itself could not read: NULL, "", an unmapped page,
 * and a path whose bytes run to the end of a page with no NUL, followed
 * by an unmapped or a PROT_NONE page whose first byte is a NUL ("atend":
 * the NUL is the last byte of the readable page, which is valid).
 */
static void
op_rawopen(struct probe *p, char **av, int ac)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = strlen(av[1]);
	const char *kind = av[0];
	char *m, *path = NULL;
	int fd, nul;

	(void)ac;
	m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || n >= page)
		return say(p, errno ? errno : EINVAL, "mmap");
	/* The second page stays zeroed: a NUL right after the boundary. */
	memset(m, 'x', page);
	nul = strcmp(kind, "atend") == 0;
	if (strcmp(kind, "empty") == 0) {
		m[0] = '\0';
		path = m;
	} else if (strcmp(kind, "badptr") == 0) {
		path = m + page + 16;
		munmap(m + page, page);
	} else if (strcmp(kind, "nonul") == 0 || nul) {
		path = m + page - n - (size_t)nul;
		memcpy(path, av[1], n + (size_t)nul);
		mprotect(m + page, page, PROT_NONE);
	} else if (strcmp(kind, "nonul_unmapped") == 0) {
		path = m + page - n;
		memcpy(path, av[1], n);
		munmap(m + page, page);
	} else if (strcmp(kind, "null") != 0) {
		return say(p, EINVAL, "kind");
	}
	fd = p->io->open(p->io->arg, path, (int)num(av[2]), 0600);
	if (fd == -1)
		return say(p, errno, "rawopen %s", kind);
	p->last = fd;
	put_fd(p, fd);
}

/*
 * The mapping of descriptor @av[0] as /proc/self/map_files names it:
 * a magic link to the file mapped, whatever its path.
 */
static void
op_mapfile(struct probe *p, char **av, int ac)
{
	char path[96];
	void *m;
	int fd = fdarg(p, av[0]), f;

	(void)ac;
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return say(p, errno, "mmap");
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
	    (unsigned long)m, (unsigned long)m + 4096);
	f = p->io->open(p->io->arg, path, (int)num(av[1]), 0);
	if (f == -1)
		return say(p, errno, "%s", path);
	p->last = f;
	put_fd(p, f);
}

/* Other path calls, each as one raw system call. */

static void
op_chdir(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_chdir, expand(p, av[0])), "chdir");
}

static void
op_stat(struct probe *p, char **av, int ac)
{
	struct stat st;
	int flags = strcmp(av[-1], "lstat") == 0 ? AT_SYMLINK_NOFOLLOW : 0;

	(void)ac;
	if (syscall(SYS_newfstatat, AT_FDCWD, expand(p, av[0]), &st,
	    flags) == -1)
		return say(p, errno, "stat");
	say(p, 0, "mode=0%o size=%lld ino=%llu", (unsigned)st.st_mode,
	    (long long)st.st_size, (unsigned long long)st.st_ino);
}

static void
op_readlink(struct probe *p, char **av, int ac)
{
	char buf[PATH_MAX];
	long n;

	(void)ac;
	n = syscall(SYS_readlinkat, AT_FDCWD, expand(p, av[0]), buf,
	    sizeof(buf) - 1);
	if (n == -1)
		return say(p, errno, "readlink");
	buf[n] = '\0';
	say(p, 0, "t=%s", buf);
}

/* access PATH MODE: faccessat(2), MODE in octal (0 F_OK, 1 X_OK...). */
static void
op_access(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_faccessat, AT_FDCWD, expand(p, av[0]),
	    (int)strtol(av[1], NULL, 8)), "access");
}

static void
op_unlink(struct probe *p, char **av, int ac)
{
	int flags = strcmp(av[-1], "rmdir") == 0 ? AT_REMOVEDIR : 0;

	(void)ac;
	result(p, syscall(SYS_unlinkat, AT_FDCWD, expand(p, av[0]), flags),
	    av[-1]);
}

static void
op_rename(struct probe *p, char **av, int ac)
{
	char *a = expand(p, av[0]);

	result(p, syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD,
	    expand(p, av[1]), ac > 2 ? (unsigned)num(av[2]) : 0u), "rename");
}

/* linkat DIRFD OLD NEW FLAGS: OLD may be "" with AT_EMPTY_PATH. */
static void
op_linkat(struct probe *p, char **av, int ac)
{
	int dir = fdarg(p, av[0]);
	char *a;

	(void)ac;
	if (dir == -1)
		return say(p, errno, "dirfd");
	a = expand(p, av[1]);
	result(p, syscall(SYS_linkat, dir, a, AT_FDCWD, expand(p, av[2]),
	    (int)num(av[3])), "linkat");
}

static void
op_symlink(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_symlinkat, av[0], AT_FDCWD, expand(p, av[1])),
	    "symlink");
}

static void
op_mkdir(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_mkdirat, AT_FDCWD, expand(p, av[0]),
	    (mode_t)num(av[1])), "mkdir");
}

/* mknod PATH MODE MAJOR:MINOR */
static void
op_mknod(struct probe *p, char **av, int ac)
{
	unsigned maj = 0, min = 0;

	(void)ac;
	if (sscanf(av[2], "%u:%u", &maj, &min) != 2)
		return say(p, EINVAL, "dev");
	result(p, syscall(SYS_mknodat, AT_FDCWD, expand(p, av[0]),
	    (mode_t)num(av[1]), (dev_t)makedev(maj, min)), "mknod");
}

static void
op_chmod(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_fchmodat, AT_FDCWD, expand(p, av[0]),
	    (mode_t)num(av[1])), "chmod");
}

static void
op_fchmod(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_fchmod, fdarg(p, av[0]), (mode_t)num(av[1])),
	    "fchmod");
}

static void
op_truncate(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, syscall(SYS_truncate, expand(p, av[0]), (off_t)num(av[1])),
	    "truncate");
}

/* utimens PATH FLAGS: both times set to 10^9 s (2001). */
static void
op_utimens(struct probe *p, char **av, int ac)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	(void)ac;
	result(p, syscall(SYS_utimensat, AT_FDCWD, expand(p, av[0]), ts,
	    (int)num(av[1])), "utimensat");
}

/* setflags PATH FLAGS: FS_IOC_SETFLAGS (chattr) on PATH opened r. */
static void
op_setflags(struct probe *p, char **av, int ac)
{
	int fd, flags = (int)num(av[1]);
	long rc;

	(void)ac;
	fd = (int)syscall(SYS_openat, AT_FDCWD, expand(p, av[0]),
	    O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return result(p, -1, "open");
	rc = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	result(p, rc, "setflags");
	close(fd);
}

/* connect PATH, bind PATH: an AF_UNIX stream socket and that name. */
static void
op_socket(struct probe *p, char **av, int ac)
{
	struct sockaddr_un sun;
	const char *path = expand(p, av[0]);
	long rc;
	int s;

	(void)ac;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return say(p, ENAMETOOLONG, "sun_path");
	strcpy(sun.sun_path, path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return say(p, errno, "socket");
	if (strcmp(av[-1], "bind") == 0)
		rc = syscall(SYS_bind, s, &sun, sizeof(sun));
	else
		rc = syscall(SYS_connect, s, &sun, sizeof(sun));
	result(p, rc, av[-1]);
	close(s);
}

/* Process and descriptor housekeeping. */

static void
op_close(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, close(fdarg(p, av[0])), "close");
}

static void
op_write(struct probe *p, char **av, int ac)
{
	(void)ac;
	result(p, write(fdarg(p, av[0]), av[1], strlen(av[1])), "write");
}

/* wait: tell the test we are here, then wait for its go (one line). */
static void
op_wait(struct probe *p, char **av, int ac)
{
	char c;

	(void)av;
	(void)ac;
	say(p, 0, "waiting");
	while (p->io->in >= 0 && read(p->io->in, &c, 1) == 1 && c != '\n')
		;
}

/* status PATH: Pid and Tgid of a /proc status file, and who asked. */
static void
op_status(struct probe *p, char **av, int ac)
{
	char buf[STATUS_MAX];
	const char *pid, *tgid;
	ssize_t n;
	int fd;

	(void)ac;
	fd = p->io->open(p->io->arg, expand(p, av[0]), O_RDONLY | O_CLOEXEC,
	    0);
	if (fd == -1)
		return say(p, errno, "open");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return say(p, errno, "read");
	buf[n] = '\0';
	pid = strstr(buf, "\nPid:\t");
	tgid = strstr(buf, "\nTgid:\t");
	say(p, 0, "Pid=%ld Tgid=%ld getpid=%d gettid=%d getppid=%d",
	    pid ? strtol(pid + 6, NULL, 10) : -1L,
	    tgid ? strtol(tgid + 7, NULL, 10) : -1L, (int)getpid(),
	    (int)gettid(), (int)getppid());
}

static void
tally_open(struct probe *p, const char *path, const char *mark,
	   struct tally *t)
{
	char c[CONTENT_MAX + 1];
	int fd;

	fd = p->io->open(p->io->arg, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd == -1) {
		if (errno == EACCES)
			t->eacces++;
		else if (errno == ENOENT)
			t->enoent++;
		else if (errno == ELOOP)
			t->eloop++;
		else if (errno == ENOTDIR)
			t->enotdir++;
		else
			t->other_err = errno, t->other++;
		return;
	}
	content(fd, c, sizeof(c));
	close(fd);
	if (strstr(c, mark) != NULL)
		t->bad++;
	else
		t->ok++;
}

static void
say_tally(struct probe *p, const struct tally *t, long flips)
{
	say(p, 0, "ok=%d bad=%d eacces=%d enoent=%d eloop=%d enotdir=%d "
	    "other=%d othererr=%d flips=%ld", t->ok, t->bad, t->eacces,
	    t->enoent, t->eloop, t->enotdir, t->other, t->other_err, flips);
}

/* loop PATH N MARK: open and read PATH N times; MARK must never show. */
static void
op_loop(struct probe *p, char **av, int ac)
{
	struct tally t;
	long i, n = num(av[1]);
	char *path = expand(p, av[0]);

	(void)ac;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++)
		tally_open(p, path, av[2], &t);
	say_tally(p, &t, 0);
}

static void *
flipper(void *arg)
{
	struct flip *f = arg;

	while (!f->stop) {
		memcpy(f->buf, f->b, f->len);
		memcpy(f->buf, f->a, f->len);
		f->flips++;
	}
	return NULL;
}

/*
 * race GOOD BAD N MARK: one buffer holds GOOD; a second thread rewrites
 * it with BAD and back without pause while this one opens it N times.
 * A broker that checked one path and opened another would show MARK.
 */
static void
op_race(struct probe *p, char **av, int ac)
{
	struct flip f;
	struct tally t;
	pthread_t th;
	char *buf;
	long i, n = num(av[2]);

	(void)ac;
	memset(&f, 0, sizeof(f));
	memset(&t, 0, sizeof(t));
	f.a = av[0];
	f.b = av[1];
	f.len = strlen(f.a) + 1;
	if (f.len != strlen(f.b) + 1)
		return say(p, EINVAL, "lengths differ");
	if ((buf = malloc(f.len)) == NULL)
		return say(p, ENOMEM, "malloc");
	memcpy(buf, f.a, f.len);
	f.buf = buf;
	if (pthread_create(&th, NULL, flipper, &f) != 0) {
		free(buf);
		return say(p, EAGAIN, "pthread_create");
	}
	for (i = 0; i < n; i++)
		tally_open(p, buf, av[3], &t);
	f.stop = 1;
	pthread_join(th, NULL);
	free(buf);
	say_tally(p, &t, f.flips);
}

static void *
job_main(void *arg)
{
	struct job *j = arg;

	dispatch(j->p, j->av, j->ac);
	return NULL;
}

/* thread OP ARGS: run OP in a second thread of this process. */
static void
op_thread(struct probe *p, char **av, int ac)
{
	struct job j = { p, av, ac };
	pthread_t th;

	if (pthread_create(&th, NULL, job_main, &j) != 0)
		return say(p, EAGAIN, "pthread_create");
	pthread_join(th, NULL);
}

/* fork OP ARGS: run OP in a child process, and wait for it. */
static void
op_fork(struct probe *p, char **av, int ac)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return say(p, errno, "fork");
	if (pid == 0) {
		dispatch(p, av, ac);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
}

static void
op_pid(struct probe *p, char **av, int ac)
{
	(void)av;
	(void)ac;
	say(p, 0, "pid=%d ppid=%d tid=%d", (int)getpid(), (int)getppid(),
	    (int)gettid());
}

static const struct op ops[] = {
	{ "open", 2, op_open },
	{ "openat", 3, op_openat },
	{ "openat2", 4, op_openat2 },
	{ "rawopen", 3, op_rawopen },
	{ "mapfile", 2, op_mapfile },
	{ "chdir", 1, op_chdir },
	{ "stat", 1, op_stat },
	{ "lstat", 1, op_stat },
	{ "readlink", 1, op_readlink },
	{ "access", 2, op_access },
	{ "unlink", 1, op_unlink },
	{ "rmdir", 1, op_unlink },
	{ "rename", 2, op_rename },
	{ "linkat", 4, op_linkat },
	{ "symlink", 2, op_symlink },
	{ "mkdir", 2, op_mkdir },
	{ "mknod", 3, op_mknod },
	{ "chmod", 2, op_chmod },
	{ "fchmod", 2, op_fchmod },
	{ "truncate", 2, op_truncate },
	{ "utimens", 2, op_utimens },
	{ "setflags", 2, op_setflags },
	{ "connect", 1, op_socket },
	{ "bind", 1, op_socket },
	{ "close", 1, op_close },
	{ "write", 2, op_write },
	{ "wait", 0, op_wait },
	{ "status", 1, op_status },
	{ "loop", 3, op_loop },
	{ "race", 4, op_race },
	{ "thread", 1, op_thread },
	{ "fork", 1, op_fork },
	{ "pid", 0, op_pid },
};

int
probe_run(const struct probe_io *io, int argc, char **argv)
{
	struct probe p = { io, -1 };
	int i, start = 0, bad = 0;

	for (i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], ",") != 0)
			continue;
		if (i > start)
			bad += dispatch(&p, argv + start, i - start);
		start = i + 1;
	}
	return bad;
}

/* Run the operation @av[0] with its @ac - 1 arguments. */
static int
dispatch(struct probe *p, char **av, int ac)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(av[0], ops[i].name) != 0)
			continue;
		if (ac - 1 < ops[i].nargs)
			break;
		errno = 0;
		ops[i].fn(p, av + 1, ac - 1);
		return 0;
	}
	say(p, EINVAL, "bad operation %s", av[0]);
	return 1;
}

/* One line, in one write(2): threads and children share the output. */
static void
say(struct probe *p, int err, const char *fmt, ...)
{
	char buf[LINE_MAX_OUT];
	va_list ap;
	size_t len;
	int n;

	n = snprintf(buf, sizeof(buf), "= %d ", err);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	len = strlen(buf);
	buf[len++] = '\n';
	if (write(p->io->out, buf, len) != (ssize_t)len)
		_exit(99);
}

static void
result(struct probe *p, long rc, const char *what)
{
	say(p, rc == -1 ? errno : 0, "%s", what);
}

/* The first bytes of what @fd reads from offset 0, made printable. */
static void
content(int fd, char *buf, size_t len)
{
	ssize_t n, i;

	n = pread(fd, buf, len - 1, 0);
	if (n < 0) {
		snprintf(buf, len, "!%d", errno);
		return;
	}
	for (i = 0; i < n; i++)
		if (buf[i] <= ' ' || buf[i] > '~')
			buf[i] = '_';
	buf[n] = '\0';
}

static void
put_fd(struct probe *p, int fd)
{
	char c[CONTENT_MAX + 1];
	int fdfl = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);

	content(fd, c, sizeof(c));
	say(p, 0, "fd=%d cloexec=%d fl=%#x c=%s", fd,
	    fdfl != -1 && (fdfl & FD_CLOEXEC) ? 1 : 0, fl, c);
}

static long
num(const char *s)
{
	return strtol(s, NULL, 0);
}

/*
 * @in with {pid}, {ppid}, {tid} and {last} replaced, in a buffer of its
 * own (callers may hold two).  Paths longer than PATH_MAX are kept: the
 * tests ask for them on purpose.
 */
static char *
expand(struct probe *p, const char *in)
{
	static __thread char bufs[2][2 * PATH_MAX + 64];
	static __thread int next;
	char *out = bufs[next++ & 1], *o = out;
	const char *end = out + sizeof(bufs[0]) - 16;
	long v;

	while (*in != '\0' && o < end) {
		v = -1;
		if (strncmp(in, "{pid}", 5) == 0)
			v = getpid(), in += 5;
		else if (strncmp(in, "{ppid}", 6) == 0)
			v = getppid(), in += 6;
		else if (strncmp(in, "{tid}", 5) == 0)
			v = gettid(), in += 5;
		else if (strncmp(in, "{last}", 6) == 0)
			v = p->last, in += 6;
		if (v != -1)
			o += sprintf(o, "%ld", v);
		else
			*o++ = *in++;
	}
	*o = '\0';
	return out;
}

/* A descriptor argument: "@", "#N", "cwd", or a directory to open. */
static int
fdarg(struct probe *p, const char *s)
{
	if (strcmp(s, "@") == 0)
		return p->last;
	if (strcmp(s, "cwd") == 0)
		return AT_FDCWD;
	if (s[0] == '#')
		return (int)num(s + 1);
	return p->io->open(p->io->arg, expand(p, s),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
}
