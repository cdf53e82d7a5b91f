/* SPDX-License-Identifier: MIT */
/*
 * notify-probe.c: system calls that tests/run-cli.sh makes under
 * fdbroker-run, one probe per command-line word, with raw syscall(2)
 * where libc would hide the answer.  Each probe prints "NAME: RESULT"
 * (the errno name, or "ok") and the program exits 0 when every probe
 * got what it expected (cf. bubblewrap's tests/try-syscall.c).
 *
 *   notify-probe threads PATH     16 threads open and read PATH 200 times
 *   notify-probe fault            bad path pointers: EFAULT, ENAMETOOLONG
 *   notify-probe refused          ptrace, io_uring, handles, mount, bpf,
 *                                 an unknown call, kill(broker), sockets
 *   notify-probe stat PATH        stat/lstat/statx/fstat agree with open
 *   notify-probe i386             int $0x80: the process must be killed
 *                                 (SIGSYS; SIGSEGV on kernels without
 *                                 IA32 emulation)
 *   notify-probe x32              an x32 call: the process must be killed
 *   notify-probe call NAME ARG... one raw system call, NAME (see calls[]),
 *                                 on ARG, and nothing else mediated that
 *                                 names ARG: "NAME: ok" or "NAME: EACCES"
 *                                 (tests/check_notify_calls.c compares it
 *                                 with the --log record)
 *   notify-probe dgram PATH       a datagram to the socket PATH from a
 *                                 socketpair (sendmsg with an address)
 *   notify-probe autobind         bind() of an AF_UNIX socket with the
 *                                 family alone, then listen()
 *   notify-probe sioc             SIOCSIFFLAGS of a missing interface
 *                                 and SIOCGIFINDEX of lo, on an AF_UNIX
 *                                 socket: "sioc_set: ENODEV" unconfined
 *   notify-probe joinkill PGID    join process group PGID (of our
 *                                 session), then kill(0, SIGTERM)
 *   notify-probe flood PATH N LEN N refused opens: of PATH itself when
 *                                 LEN is 0, else each of another path
 *                                 of LEN bytes beneath PATH; "flood: N
 *                                 refused" when every one was refused
 *   notify-probe proc OP ID [N]   one raw call on another process (see
 *                                 proc_call()): "OP: ok" or the errno
 *   notify-probe sweep N          kill(pid, 0) for every pid 2..N:
 *                                 "sweep: PID" for each one found but
 *                                 itself and its parent
 *   notify-probe own              the same calls on its own thread and
 *                                 child, which must work: "own: ok"
 */
#include "config.h"

#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS	16
#define ROUNDS		200

#ifndef SYS_fchmodat2
#define SYS_fchmodat2	452
#endif

static int failures;

/*
 * Under --enable-sanitizers: LeakSanitizer reads /proc through ptrace at
 * exit, which the filter refuses, and ASan's SEGV handler would turn the
 * i386 probe's death by signal into an exit status.
 */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0:handle_segv=0";
}

static void
expect(const char *name, long rc, int want)
{
	int got = rc == -1 ? errno : 0;

	printf("%s: %s\n", name, got == 0 ? "ok" : strerror(got));
	if (got != want) {
		printf("%s: FAIL, expected %s\n", name,
		    want == 0 ? "success" : strerror(want));
		failures++;
	}
}

static void *
reader(void *arg)
{
	const char *path = arg;
	char buf[256], first[256];
	ssize_t n0 = -1, n;
	int i, fd;

	for (i = 0; i < ROUNDS; i++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return (void *)1;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n < 0)
			return (void *)1;
		if (n0 == -1) {
			n0 = n;
			memcpy(first, buf, (size_t)n);
		} else if (n != n0 || memcmp(buf, first, (size_t)n) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
threads(const char *path)
{
	pthread_t t[NTHREADS];
	void *ret;
	int i, bad = 0;

	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, reader, (void *)path) != 0)
			bad++;
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_join(t[i], &ret) != 0 || ret != NULL)
			bad++;
	}
	printf("threads: %d of %d failed\n", bad, NTHREADS);
	if (bad)
		failures++;
}

static void
fault(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p, *big;

	expect("open(NULL)", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY),
	    EFAULT);
	expect("open(1)", syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY),
	    EFAULT);
	expect("stat(kernel address)", syscall(SYS_newfstatat, AT_FDCWD,
	    (char *)0xffffffffff600000UL, NULL, 0), EFAULT);
	/* A path running into an unmapped page without its NUL. */
	p = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || munmap(p + page, (size_t)page) == -1) {
		failures++;
		return;
	}
	memset(p, '/', (size_t)page);
	expect("open(no NUL before unmapped page)", syscall(SYS_openat,
	    AT_FDCWD, p + page - 100, O_RDONLY), EFAULT);
	expect("open(no NUL in PATH_MAX)", syscall(SYS_openat, AT_FDCWD, p,
	    O_RDONLY), ENAMETOOLONG);
	/* ... and one that ends exactly before it is fine. */
	strcpy(p + page - sizeof("/etc/hostname"), "/etc/hostname");
	expect("stat(path at page end)", syscall(SYS_newfstatat, AT_FDCWD,
	    p + page - sizeof("/etc/hostname"), &(struct stat){ 0 }, 0), 0);
	big = malloc(2 * PATH_MAX);
	if (big == NULL) {
		failures++;
		return;
	}
	memset(big, 'a', 2 * PATH_MAX - 1);
	big[2 * PATH_MAX - 1] = '\0';
	expect("open(long path)", syscall(SYS_openat, AT_FDCWD, big,
	    O_RDONLY), ENAMETOOLONG);
	expect("stat result to bad buffer", syscall(SYS_newfstatat,
	    AT_FDCWD, "/etc/hostname", (void *)1, 0), EFAULT);
	free(big);
	munmap(p, (size_t)page);
}

static void
refused(void)
{
	expect("ptrace", syscall(SYS_ptrace, 0, 0, 0, 0), EPERM);
	expect("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL), EPERM);
	expect("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL,
	    0), EPERM);
	expect("mount", syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL),
	    EPERM);
	expect("bpf", syscall(SYS_bpf, 0, NULL, 0), EPERM);
	expect("unshare(CLONE_NEWUSER)", syscall(SYS_unshare, CLONE_NEWUSER),
	    EPERM);
	expect("unshare(CLONE_NEWNS)", syscall(SYS_unshare, CLONE_NEWNS),
	    EPERM);
	expect("unshare(CLONE_FILES | CLONE_FS)", syscall(SYS_unshare,
	    CLONE_FILES | CLONE_FS), 0);
	expect("unknown call 1000", syscall(1000), ENOSYS);
	expect("kill(broker)", kill(getppid(), 0), EPERM);
	expect("kill(0)", kill(0, 0), EPERM);
	expect("kill(self)", kill(getpid(), 0), 0);
	expect("socket(AF_INET)", socket(AF_INET, SOCK_STREAM, 0),
	    EAFNOSUPPORT);
	expect("socket(AF_UNIX, SOCK_DGRAM)", socket(AF_UNIX, SOCK_DGRAM, 0),
	    EACCES);
	expect("socketpair(AF_UNIX, SOCK_STREAM)", socketpair(AF_UNIX,
	    SOCK_STREAM, 0, (int[2]){ 0, 0 }), 0);
	expect("clone3", syscall(SYS_clone3, NULL, 0), ENOSYS);
}

static void
stats(const char *path)
{
	struct stat a, b, c, d;
	struct statx x;
	int fd;

	expect("stat", stat(path, &a), 0);
	expect("lstat", lstat(path, &b), 0);
	expect("statx", statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &x), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	expect("open", fd, 0);
	expect("fstat", fstat(fd, &c), 0);
	expect("fstatat(fd, \"\", AT_EMPTY_PATH)", fstatat(fd, "", &d,
	    AT_EMPTY_PATH), 0);
	if (a.st_ino != c.st_ino || a.st_ino != d.st_ino ||
	    a.st_ino != x.stx_ino || a.st_size != c.st_size) {
		printf("stat: FAIL, inodes differ\n");
		failures++;
	}
	close(fd);
}

/* --- one system call, for its decision record ----------------------- */

/* A read-only descriptor of @path, for the calls on a descriptor. */
static int
ro_fd(const char *path)
{
	int fd;

	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		printf("open: %s\n", strerrorname_np(errno));
	return fd;
}

/* connect or bind (@nr) a new AF_UNIX socket to @name. */
static long
unix_call(long nr, const char *name, int abstract)
{
	struct sockaddr_un sun;
	size_t n = strlen(name);
	int s;

	if (n + 1 >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* An abstract name: a NUL first, and no NUL at the end. */
	memcpy(sun.sun_path + abstract, name, n);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	return syscall(nr, s, &sun, (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + n + 1));
}

/*
 * The system call @name on @p (and @q: a second path, or open flags),
 * raw, so that the call the broker sees is exactly this one.  The calls
 * on a descriptor open @p read-only first.  -2 for an unknown @name.
 */
/* inotify_add_watch() of @p on a new inotify descriptor. */
static long
watch(const char *p)
{
	int ifd = inotify_init1(IN_CLOEXEC);
	long rc;

	if (ifd == -1)
		return -2;
	rc = syscall(SYS_inotify_add_watch, ifd, p, IN_ALL_EVENTS);
	close(ifd);
	return rc;
}

static long
one_call(const char *name, const char *p, const char *q)
{
	static char *const argv[] = { (char *)"x", NULL }, *const envp[] = {
		NULL };
	static struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	static char buf[PATH_MAX];
	static struct statx stx;
	static struct stat st;
	static struct statfs sfs;
	int flags = q != NULL ? (int)strtol(q, NULL, 0) : O_RDONLY;
	int fd;

#define IS(s)	(strcmp(name, (s)) == 0)
	if (IS("open"))
		return syscall(SYS_open, p, flags, 0);
	if (IS("creat"))
		return syscall(SYS_creat, p, 0644);
	if (IS("openat"))
		return syscall(SYS_openat, AT_FDCWD, p, flags, 0);
	if (IS("openat2"))
		return syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how));
	if (IS("stat"))
		return syscall(SYS_stat, p, &st);
	if (IS("lstat"))
		return syscall(SYS_lstat, p, &st);
	if (IS("newfstatat"))
		return syscall(SYS_newfstatat, AT_FDCWD, p, &st, 0);
	if (IS("statx"))
		return syscall(SYS_statx, AT_FDCWD, p, 0, STATX_BASIC_STATS,
		    &stx);
	if (IS("access"))
		return syscall(SYS_access, p, R_OK);
	if (IS("faccessat"))
		return syscall(SYS_faccessat, AT_FDCWD, p, R_OK);
	if (IS("faccessat2"))
		return syscall(SYS_faccessat2, AT_FDCWD, p, R_OK, 0);
	if (IS("readlink"))
		return syscall(SYS_readlink, p, buf, sizeof(buf));
	if (IS("readlinkat"))
		return syscall(SYS_readlinkat, AT_FDCWD, p, buf, sizeof(buf));
	if (IS("mkdir"))
		return syscall(SYS_mkdir, p, 0755);
	if (IS("mkdirat"))
		return syscall(SYS_mkdirat, AT_FDCWD, p, 0755);
	if (IS("mknod"))
		return syscall(SYS_mknod, p, S_IFIFO | 0644, 0);
	if (IS("mknodat"))
		return syscall(SYS_mknodat, AT_FDCWD, p, S_IFIFO | 0644, 0);
	if (IS("unlink"))
		return syscall(SYS_unlink, p);
	if (IS("unlinkat"))
		return syscall(SYS_unlinkat, AT_FDCWD, p, 0);
	if (IS("rmdir"))
		return syscall(SYS_rmdir, p);
	if (IS("rename"))
		return syscall(SYS_rename, p, q);
	if (IS("renameat"))
		return syscall(SYS_renameat, AT_FDCWD, p, AT_FDCWD, q);
	if (IS("renameat2"))
		return syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, q, 0);
	if (IS("link"))
		return syscall(SYS_link, p, q);
	if (IS("linkat"))
		return syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, q, 0);
	if (IS("symlink"))
		return syscall(SYS_symlink, "target", p);
	if (IS("symlinkat"))
		return syscall(SYS_symlinkat, "target", AT_FDCWD, p);
	if (IS("chmod"))
		return syscall(SYS_chmod, p, 0666);
	if (IS("fchmodat"))
		return syscall(SYS_fchmodat, AT_FDCWD, p, 0666);
	if (IS("fchmodat2"))
		return syscall(SYS_fchmodat2, AT_FDCWD, p, 0666, 0);
	if (IS("chown"))
		return syscall(SYS_chown, p, -1, -1);
	if (IS("lchown"))
		return syscall(SYS_lchown, p, -1, -1);
	if (IS("fchownat"))
		return syscall(SYS_fchownat, AT_FDCWD, p, -1, -1, 0);
	if (IS("truncate"))
		return syscall(SYS_truncate, p, 0);
	if (IS("utimensat"))
		return syscall(SYS_utimensat, AT_FDCWD, p, NULL, 0);
	if (IS("chdir"))
		return syscall(SYS_chdir, p);
	if (IS("execve"))
		return syscall(SYS_execve, p, argv, envp);
	if (IS("execveat"))
		return syscall(SYS_execveat, AT_FDCWD, p, argv, envp, 0);
	if (IS("connect"))
		return unix_call(SYS_connect, p, 0);
	if (IS("connect-abstract"))
		return unix_call(SYS_connect, p, 1);
	if (IS("bind"))
		return unix_call(SYS_bind, p, 0);
	if (IS("statfs"))
		return syscall(SYS_statfs, p, &sfs);
	if (IS("inotify_add_watch"))
		return watch(p);
	if (!IS("fchmod") && !IS("fchown") && !IS("futimens"))
		return -2;
	if ((fd = ro_fd(p)) == -1)
		return -2;
	if (IS("fchmod"))
		return syscall(SYS_fchmod, fd, 0666);
	if (IS("fchown"))
		return syscall(SYS_fchown, fd, -1, -1);
	/* futimens(fd, NULL): utimensat with no path. */
	return syscall(SYS_utimensat, fd, NULL, NULL, 0);
#undef IS
}

static int
call(const char *name, const char *p, const char *q)
{
	long rc = one_call(name, p, q);

	if (rc == -2)
		return 2;
	printf("%s: %s\n", name, rc == -1 ? strerrorname_np(errno) : "ok");
	return 0;
}

/* Out of a socketpair, to a socket the policy does not name. */
static int
dgram(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct iovec iov = { .iov_base = (void *)"D", .iov_len = 1 };
	struct msghdr m = {
		.msg_name = &sun, .msg_namelen = sizeof(sun),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	int sv[2];

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == -1) {
		printf("dgram: socketpair: %s\n", strerrorname_np(errno));
		return 0;
	}
	printf("dgram: %s\n", sendmsg(sv[0], &m, 0) == 1 ? "sent" :
	    strerrorname_np(errno));
	return 0;
}

/* An abstract name of its own, which processes outside could reach. */
static int
autobind(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s == -1)
		return 2;
	if (bind(s, (struct sockaddr *)&sun, sizeof(sa_family_t)) == -1 ||
	    listen(s, 1) == -1)
		printf("autobind: %s\n", strerrorname_np(errno));
	else
		printf("autobind: listening\n");
	return 0;
}

/* The host's network, through any socket (as root: reconfigured). */
static int
sioc(void)
{
	struct ifreq ifr;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s == -1)
		return 2;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "fdbnone0");
	ifr.ifr_flags = IFF_UP;
	printf("sioc_set: %s\n", ioctl(s, SIOCSIFFLAGS, &ifr) == 0 ? "ok" :
	    strerrorname_np(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	printf("sioc_get: %s\n", ioctl(s, SIOCGIFINDEX, &ifr) == 0 ? "ok" :
	    strerrorname_np(errno));
	close(s);
	return 0;
}

/* Into another job's group, then kill(0): the broker must not follow. */
static int
joinkill(pid_t pgid)
{
	if (setpgid(0, pgid) == -1) {
		printf("joinkill: setpgid: %s\n", strerrorname_np(errno));
		return 0;
	}
	signal(SIGTERM, SIG_IGN);
	printf("joinkill: %s\n", kill(0, SIGTERM) == 0 ? "ok" :
	    strerrorname_np(errno));
	return 0;
}

/* A command flooding the --log with refused requests. */
static int
flood(const char *path, long n, long len)
{
	char *p;
	long i, refused = 0;
	int k;

	if (n <= 0 || len < 0 || len >= PATH_MAX ||
	    (p = malloc(PATH_MAX)) == NULL)
		return 2;
	for (i = 0; i < n; i++) {
		if (len == 0)
			snprintf(p, PATH_MAX, "%s", path);
		else {
			k = snprintf(p, PATH_MAX, "%s/%ld-", path, i);
			if (k < 0 || k >= len)
				return 2;
			memset(p + k, 'x', (size_t)(len - k));
			p[len] = '\0';
		}
		if (syscall(SYS_openat, AT_FDCWD, p, O_RDONLY | O_CLOEXEC) ==
		    -1 && errno == EACCES)
			refused++;
	}
	free(p);
	printf("flood: %ld refused\n", refused);
	return refused == n ? 0 : 1;
}

/* struct sched_attr's first version (the kernel's; glibc 2.36 has none). */
struct attr0 {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
};

static long
sigqueue_raw(pid_t id, int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	return syscall(SYS_rt_sigqueueinfo, id, sig, &si);
}

/* @id owns a pipe, gets @sig for its SIGIO, and data arrives. */
static long
setown(pid_t id, int sig)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (syscall(SYS_fcntl, p[0], F_SETOWN, id) == -1)
		return -1;
	if (fcntl(p[0], F_SETSIG, sig) == -1 ||
	    fcntl(p[0], F_SETFL, O_ASYNC) == -1 || write(p[1], "x", 1) != 1)
		return -1;
	return 0;
}

/*
 * One call on process @id (a pid, a uid for the user forms): nice,
 * user-nice, pgrp-nice, affinity (CPU 0), sched (SCHED_BATCH), param,
 * attr (SCHED_BATCH), ioprio (idle), ioprio-user, rlimit-read,
 * rlimit-write (RLIMIT_NOFILE's soft limit to @n), kill, tgkill,
 * sigqueue, setown (signal @n).  -2: no such OP.
 */
static long
proc_call(const char *op, pid_t id, long n)
{
	struct sched_param sp = { 0 };
	struct attr0 at = { .size = sizeof(at), .policy = SCHED_BATCH };
	struct rlimit rl;
	cpu_set_t set;
#define IS(s)	(strcmp(op, (s)) == 0)

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (IS("nice"))
		return syscall(SYS_setpriority, PRIO_PROCESS, id, (int)n);
	if (IS("user-nice"))
		return syscall(SYS_setpriority, PRIO_USER, id, (int)n);
	if (IS("pgrp-nice"))
		return syscall(SYS_setpriority, PRIO_PGRP, id, (int)n);
	if (IS("affinity"))
		return syscall(SYS_sched_setaffinity, id, sizeof(set), &set);
	if (IS("sched"))
		return syscall(SYS_sched_setscheduler, id, SCHED_BATCH, &sp);
	if (IS("param"))
		return syscall(SYS_sched_setparam, id, &sp);
	if (IS("attr"))
		return syscall(SYS_sched_setattr, id, &at, 0);
	if (IS("ioprio"))
		return syscall(SYS_ioprio_set, 1, id, 3 << 13);
	if (IS("ioprio-user"))
		return syscall(SYS_ioprio_set, 3, id, 3 << 13);
	if (IS("rlimit-read"))
		return syscall(SYS_prlimit64, id, RLIMIT_NOFILE, NULL, &rl);
	if (IS("rlimit-write")) {
		if (syscall(SYS_prlimit64, id, RLIMIT_NOFILE, NULL, &rl) == -1)
			return -1;
		rl.rlim_cur = (rlim_t)n;
		return syscall(SYS_prlimit64, id, RLIMIT_NOFILE, &rl, NULL);
	}
	if (IS("kill"))
		return syscall(SYS_kill, id, (int)n);
	if (IS("tgkill"))
		return syscall(SYS_tgkill, id, id, (int)n);
	if (IS("sigqueue"))
		return sigqueue_raw(id, (int)n);
	if (IS("setown"))
		return setown(id, (int)n);
	return -2;
#undef IS
}

static int
proc(const char *op, const char *id, const char *n)
{
	long rc = proc_call(op, (pid_t)atol(id), n != NULL ? atol(n) : 0);

	if (rc == -2)
		return 2;
	printf("%s: %s\n", op, rc == -1 ? strerrorname_np(errno) : "ok");
	return 0;
}

/*
 * Every pid up to @max that kill(pid, 0) says could be signalled, but
 * itself and its parent.  (The broker and the anchor above it answer
 * EPERM: the sandbox knows they are there, and cannot signal them.)
 */
static int
sweep(long max)
{
	long pid;

	for (pid = 2; pid <= max; pid++)
		if (pid != getpid() && pid != getppid() &&
		    kill((pid_t)pid, 0) == 0)
			printf("sweep: %ld\n", pid);
	printf("sweep: done\n");
	return 0;
}

static void *
own_thread(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	*(int *)arg = pthread_setaffinity_np(pthread_self(), sizeof(set),
	    &set);
	return NULL;
}

/* What a program does to its own threads and children. */
static int
own(void)
{
	struct rlimit rl;
	pthread_t t;
	pid_t c;
	int rc = -1, st;

	if (pthread_create(&t, NULL, own_thread, &rc) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 2;
	expect("pthread_setaffinity_np", rc == 0 ? 0 : (errno = rc, -1), 0);
	if ((c = fork()) == -1)
		return 2;
	if (c == 0) {
		pause();
		_exit(0);
	}
	expect("setpriority(child)", setpriority(PRIO_PROCESS, (id_t)c, 7), 0);
	expect("getpriority(child)", getpriority(PRIO_PROCESS, (id_t)c) == 7 ?
	    0 : -1, 0);
	expect("ioprio_set(child)", proc_call("ioprio", c, 0), 0);
	expect("sched_setaffinity(child)", proc_call("affinity", c, 0), 0);
	expect("prlimit(child)", proc_call("rlimit-write", c, 64), 0);
	expect("prlimit(child) read", prlimit(c, RLIMIT_NOFILE, NULL, &rl) ==
	    0 && rl.rlim_cur == 64 ? 0 : -1, 0);
	expect("prlimit(self)", prlimit(getpid(), RLIMIT_NOFILE, NULL, &rl),
	    0);
	expect("kill(child)", kill(c, SIGKILL), 0);
	expect("waitpid(child)", waitpid(c, &st, 0) == c && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGKILL ? 0 : -1, 0);
	printf("own: %s\n", failures == 0 ? "ok" : "FAIL");
	return failures == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "threads") == 0 && argc == 3)
		threads(argv[2]);
	else if (strcmp(argv[1], "fault") == 0)
		fault();
	else if (strcmp(argv[1], "refused") == 0)
		refused();
	else if (strcmp(argv[1], "stat") == 0 && argc == 3)
		stats(argv[2]);
	else if (strcmp(argv[1], "dgram") == 0 && argc == 3)
		return dgram(argv[2]);
	else if (strcmp(argv[1], "sioc") == 0)
		return sioc();
	else if (strcmp(argv[1], "joinkill") == 0 && argc == 3)
		return joinkill((pid_t)atoi(argv[2]));
	else if (strcmp(argv[1], "autobind") == 0)
		return autobind();
	else if (strcmp(argv[1], "flood") == 0 && argc == 5)
		return flood(argv[2], atol(argv[3]), atol(argv[4]));
	else if (strcmp(argv[1], "call") == 0 && (argc == 4 || argc == 5))
		return call(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else if (strcmp(argv[1], "proc") == 0 && (argc == 4 || argc == 5))
		return proc(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	else if (strcmp(argv[1], "sweep") == 0 && argc == 3)
		return sweep(atol(argv[2]));
	else if (strcmp(argv[1], "own") == 0)
		return own();
	else if (strcmp(argv[1], "i386") == 0) {
		/* getpid through the i386 table; must never return. */
		long rc = 20;

		__asm__ volatile ("int $0x80" : "+a"(rc) : : "memory");
		printf("i386: FAIL, returned %ld\n", rc);
		return 1;
	} else if (strcmp(argv[1], "x32") == 0) {
		printf("x32: FAIL, returned %ld\n",
		    syscall(0x40000000L | SYS_getpid));
		return 1;
	} else
		return 2;
	return failures == 0 ? 0 : 1;
}
