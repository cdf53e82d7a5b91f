/* SPDX-License-Identifier: MIT */
/*
 * probe2.c: the attacks of the process-side escape suite, run as a
 * command under fdbroker-run (and, for comparison, unconfined, so that a
 * refusal is known to come from the sandbox and not from a broken probe).
 * One attack per command-line word; each prints "name: RESULT" lines on
 * stdout, RESULT being "ok" or the errno's name (EPERM), with details
 * after it.  The tests in tests/escape/check_escape_*.c and
 * tests/check_hostile.c judge the lines; the exit status is 0 unless the
 * probe itself could not run (2).  It never writes outside the paths its
 * arguments name.
 *
 *   probe2 io_uring PATH           io_uring_setup, then OPENAT of PATH
 *   probe2 handle PATH DIR TYPE HEX  name_to_handle_at(PATH), and
 *                                  open_by_handle_at(DIR's fs, handle)
 *   probe2 i386 | x32              getpid through a foreign ABI
 *   probe2 ptrace PID|ppid         ptrace, process_vm_*, pidfd_getfd on
 *                                  PID and on a child of our own
 *   probe2 signals PID|ppid|pgrp DIR PATH  every way to signal PID (or
 *                                  our group's leader; DIR for a
 *                                  socket whose peer is the broker), then
 *                                  open PATH
 *   probe2 sigio ROUTE PID|ppid SIG [PATH]  make PID a socket's owner by
 *                                  ROUTE (fiosetown, siocspgrp, setown,
 *                                  setown_ex), then F_SETSIG SIG, O_ASYNC
 *                                  and input; then open PATH
 *   probe2 loosen GRANTED SECRET   an allow-all filter, strict mode,
 *                                  no_new_privs off, then opens
 *   probe2 stack GRANTED SECRET    filters of our own that trace, log or
 *                                  listen on openat, then opens
 *   probe2 ids                     real and effective user ids
 *   probe2 exec PATH ARG...        execv(PATH)
 *   probe2 fexec PATH | memexec PATH  fexecve() of PATH, or of a memfd
 *                                  copy of it
 *   probe2 mark                    exits 42 (the "forbidden" program)
 *   probe2 tiocsti                 push input into the terminal on fd 0
 *   probe2 tty ATTACK [SIG]        one request on the terminal on fd 0:
 *                                  setd (line discipline N_NULL), vhangup,
 *                                  cons (then undone through /dev/console),
 *                                  steal (setsid, TIOCSCTTY with force),
 *                                  async SIG (F_SETSIG SIG, O_ASYNC by
 *                                  fcntl and by FIOASYNC, then wait on fd
 *                                  0), modes (what ordinary programs do),
 *                                  raw [wait] (raw mode, no echo, left
 *                                  so; with wait, then wait for a signal)
 *   probe2 console REQ...          the virtual console's REQs on fd 0
 *                                  (kdsetmode, kdskbmode, vt_activate,
 *                                  kdsigaccept, kdsetled, kdmktone,
 *                                  kiocsound, kdfontop, tioclinux), each
 *                                  with an argument that changes nothing
 *   probe2 pts PATH                stat PATH, open it for writing, write
 *                                  a line (another login's terminal)
 *   probe2 pty-peer                a new pseudo-terminal (/dev/ptmx) and
 *                                  its other end (TIOCGPTPEER), a line
 *                                  through it
 *   probe2 pts-own PATH            holding a pseudo-terminal of its own,
 *                                  its other end and /dev/null: stat and
 *                                  open PATH (another login's terminal);
 *                                  its own by name (ptsname, ttyname,
 *                                  O_CLOEXEC kept), in a child that
 *                                  holds it but not its master; its own
 *                                  name once closed; /dev/pts/1048575
 *                                  (none)
 *   probe2 fill-stderr PATH        make the stderr we share O_NONBLOCK,
 *                                  fill it, write a line to it, open PATH
 *   probe2 connect-stall PORT PATH  a child connects to 127.0.0.1:PORT
 *                                  (blocking), then pauses; we wait for a
 *                                  byte on fd 0, open PATH, and kill it
 *                                  when fd 0 ends
 *   probe2 connect-dead SILENT LIVE TRIES  64 children connect to
 *                            127.0.0.1:SILENT (pending in the broker);
 *                            up to TRIES connects to LIVE until one
 *                            fails with EAGAIN (the broker's table
 *                            full); the children killed; then up to
 *                            TRIES connects to LIVE until one does
 *                            not fail with EAGAIN
 *   probe2 fifo-stall FIFO PATH    the same with a child that opens
 *                                  FIFO for reading (blocking)
 *   probe2 held-cwd FD NAME        fchdir(FD) (a directory held from
 *                                  outside), then what the directory
 *                                  gives by relative paths (NAME in it)
 *   probe2 flip-chdir OK BAD N NAME  chdir(OK) N times while a thread
 *                                  rewrites the path into BAD; each time
 *                                  it lands in BAD, what it gives
 *   probe2 setflags PATH ro|rw     toggle FS_NODUMP_FL through PATH opened
 *                                  read-only or read-write, and undo it
 *   probe2 hold PATH lease|flock|posix  take a read lease, an exclusive
 *                                  flock or a read record lock on PATH
 *                                  opened read-only, say so, and keep it
 *                                  until fd 0 ends
 *   probe2 net                     sockets of every family
 *   probe2 fds                     the descriptors we hold
 *   probe2 emfile PATH             open PATH with a full descriptor table
 *   probe2 flip-open GRANTED SECRET N  open GRANTED while another thread
 *                                  rewrites the path into SECRET
 *   probe2 flip-exec OK BAD N      exec OK while a thread rewrites it
 *   probe2 flip-fexec OK BAD N     fexecve() of one number while a
 *                                  thread dup2()s OK and BAD onto it
 *   probe2 signal-out PID ROUTE    SIGTERM to PID by one ROUTE: kill,
 *                                  tgkill, sigqueue, pidfd, fowner
 *                                  (SIGIO of an O_ASYNC pipe)
 *   probe2 abstract NAME           a datagram to the abstract unix
 *                                  socket NAME, with sendto() and with
 *                                  sendmsg() from a socketpair
 *   probe2 fd-table RO RW [leader] [unshare]  a thread with a table of
 *                                  its own holds RW where we hold RO, and
 *                                  changes "its" file by number; with
 *                                  leader, we then fchmod our RO ourselves
 *   probe2 fd-race RO RW N SECS chmod|utimes  a thread dup2()s RW and RO
 *                                  in turn onto one number while we
 *                                  fchmod or futimens it, N times or SECS
 *                                  seconds
 *   probe2 steps PATH N...         for each N, wait for a byte on fd 0,
 *                                  then open and close PATH N times
 *   probe2 fan-open N PATH...      N processes open the PATHs at once
 *   probe2 kill-open PATH N        N processes open PATH in a loop and
 *                                  are killed at random moments
 *   probe2 daemon MARKER MS        a daemon (fork, setsid, fork) holding
 *                                  MARKER open writes "alive" to it after
 *                                  MS milliseconds; we exit at once
 *   probe2 linger MARKER MS        the same, but we stay (30 s)
 *   probe2 sleep TAG SECONDS       sleep (TAG names us in /proc)
 */
#include "config.h"

#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/kd.h>
#include <linux/seccomp.h>
#include <linux/tiocl.h>
#include <linux/vt.h>
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD		77	/* Linux 6.5 */
#endif
#define X32_BIT			0x40000000L
#define I386_GETPID		20L
#define FLIP_PAD		PATH_MAX
#define FD_N			100	/* the contested descriptor number */
#define FD_STACK		(256 * 1024)
#define T_1999			915148800	/* 1999-01-01T00:00:00Z */
#ifndef N_NULL
#define N_NULL			27	/* the line discipline that drops all */
#endif

static int	do_io_uring(int, char **);
static int	do_handle(int, char **);
static int	do_i386(int, char **);
static int	do_x32(int, char **);
static int	do_ptrace(int, char **);
static int	do_signals(int, char **);
static int	do_sigio(int, char **);
static int	do_loosen(int, char **);
static int	do_stack(int, char **);
static int	do_ids(int, char **);
static int	do_exec(int, char **);
static int	do_fexec(int, char **);
static int	do_memexec(int, char **);
static int	do_mark(int, char **);
static int	do_tiocsti(int, char **);
static int	do_tty(int, char **);
static int	do_console(int, char **);
static int	do_pts(int, char **);
static int	do_pty_peer(int, char **);
static int	do_pts_own(int, char **);
static int	do_fill_stderr(int, char **);
static int	do_connect_stall(int, char **);
static int	do_connect_dead(int, char **);
static int	do_fifo_stall(int, char **);
static int	stall(pid_t pid, const char *path);
static int	do_held_cwd(int, char **);
static int	do_flip_chdir(int, char **);
static int	do_setflags(int, char **);
static int	do_hold(int, char **);
static int	do_net(int, char **);
static int	do_fds(int, char **);
static int	do_emfile(int, char **);
static int	do_flip_open(int, char **);
static int	do_flip_exec(int, char **);
static int	do_flip_fexec(int, char **);
static int	do_signal_out(int, char **);
static int	do_abstract(int, char **);
static int	do_fd_table(int, char **);
static int	do_fd_race(int, char **);
static int	do_steps(int, char **);
static int	do_fan_open(int, char **);
static int	do_kill_open(int, char **);
static int	do_daemon(int, char **);
static int	do_linger(int, char **);
static int	do_sleep(int, char **);

static const struct {
	const char *name;
	int nargs;
	int (*fn)(int, char **);
} probes[] = {
	{ "io_uring", 1, do_io_uring },
	{ "handle", 4, do_handle },
	{ "i386", 0, do_i386 },
	{ "x32", 0, do_x32 },
	{ "ptrace", 1, do_ptrace },
	{ "signals", 3, do_signals },
	{ "sigio", 3, do_sigio },
	{ "loosen", 2, do_loosen },
	{ "stack", 2, do_stack },
	{ "ids", 0, do_ids },
	{ "exec", 1, do_exec },
	{ "fexec", 1, do_fexec },
	{ "memexec", 1, do_memexec },
	{ "mark", 0, do_mark },
	{ "tiocsti", 0, do_tiocsti },
	{ "tty", 1, do_tty },
	{ "console", 1, do_console },
	{ "pts", 1, do_pts },
	{ "pty-peer", 0, do_pty_peer },
	{ "pts-own", 1, do_pts_own },
	{ "fill-stderr", 1, do_fill_stderr },
	{ "connect-stall", 2, do_connect_stall },
	{ "connect-dead", 3, do_connect_dead },
	{ "fifo-stall", 2, do_fifo_stall },
	{ "held-cwd", 2, do_held_cwd },
	{ "flip-chdir", 4, do_flip_chdir },
	{ "setflags", 2, do_setflags },
	{ "hold", 2, do_hold },
	{ "net", 0, do_net },
	{ "fds", 0, do_fds },
	{ "emfile", 1, do_emfile },
	{ "flip-open", 3, do_flip_open },
	{ "flip-exec", 3, do_flip_exec },
	{ "flip-fexec", 3, do_flip_fexec },
	{ "signal-out", 2, do_signal_out },
	{ "abstract", 1, do_abstract },
	{ "fd-table", 2, do_fd_table },
	{ "fd-race", 5, do_fd_race },
	{ "steps", 2, do_steps },
	{ "fan-open", 2, do_fan_open },
	{ "kill-open", 2, do_kill_open },
	{ "daemon", 2, do_daemon },
	{ "linger", 2, do_linger },
	{ "sleep", 2, do_sleep },
};

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

/* "name: ok" or "name: EPERM", for a call that returned @rc; 1 if ok. */
static int
report(const char *name, long rc)
{
	const char *e;

	if (rc != -1) {
		printf("%s: ok\n", name);
	} else {
		e = strerrorname_np(errno);
		printf("%s: %s\n", name, e != NULL ? e : "E?");
	}
	fflush(stdout);
	return rc != -1;
}

static pid_t
target_pid(const char *arg)
{
	if (strcmp(arg, "pgrp") == 0)
		return getpgrp();
	return strcmp(arg, "ppid") == 0 ? getppid() : (pid_t)atoi(arg);
}

/* The first bytes of the file behind @fd, for "content:" lines. */
static void
show(const char *name, int fd)
{
	char buf[64];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("%s: content %s\n", name, buf);
	fflush(stdout);
}

/* --- io_uring ------------------------------------------------------- */

/*
 * An IORING_OP_OPENAT is performed by the kernel on the ring's behalf,
 * without a system call seccomp could see: io_uring_setup itself must
 * be refused.  Should it not be, the OPENAT is tried for real.
 */
static int
do_io_uring(int argc, char **argv)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned char *sq, *cq;
	unsigned *tail, idx;
	size_t sqlen, cqlen;
	int ring;

	(void)argc;
	memset(&p, 0, sizeof(p));
	ring = (int)syscall(SYS_io_uring_setup, 4, &p);
	report("io_uring_setup", ring);
	if (ring == -1)
		return 0;
	sqlen = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cqlen = p.cq_off.cqes + p.cq_entries * sizeof(*cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sqlen = cqlen = sqlen > cqlen ? sqlen : cqlen;
	sq = mmap(NULL, sqlen, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_POPULATE, ring, IORING_OFF_SQ_RING);
	cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq : mmap(NULL, cqlen,
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
	    IORING_OFF_CQ_RING);
	sqe = mmap(NULL, p.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqe == MAP_FAILED)
		return 2;
	tail = (unsigned *)(sq + p.sq_off.tail);
	idx = *tail & *(unsigned *)(sq + p.sq_off.ring_mask);
	memset(&sqe[idx], 0, sizeof(sqe[idx]));
	sqe[idx].opcode = IORING_OP_OPENAT;
	sqe[idx].fd = AT_FDCWD;
	sqe[idx].addr = (uint64_t)(uintptr_t)argv[0];
	sqe[idx].open_flags = O_RDONLY;
	((unsigned *)(sq + p.sq_off.array))[idx] = idx;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	report("io_uring_enter", syscall(SYS_io_uring_enter, ring, 1, 1,
	    IORING_ENTER_GETEVENTS, NULL, 0));
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	cqe += *(unsigned *)(cq + p.cq_off.head) &
	    *(unsigned *)(cq + p.cq_off.ring_mask);
	if (cqe->res < 0) {
		errno = -cqe->res;
		report("io_uring_openat", -1);
	} else {
		report("io_uring_openat", cqe->res);
		show("io_uring_openat", cqe->res);
	}
	return 0;
}

/* --- file handles --------------------------------------------------- */

static int
do_handle(int argc, char **argv)
{
	unsigned char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	struct file_handle *fh = (struct file_handle *)buf;
	const char *hex = argv[3];
	int mnt, mount_id, fd;
	size_t i;

	(void)argc;
	fh->handle_bytes = MAX_HANDLE_SZ;
	report("name_to_handle_at", name_to_handle_at(AT_FDCWD, argv[0], fh,
	    &mount_id, 0));
	/* The handle, as the test computed it outside the sandbox. */
	fh->handle_type = atoi(argv[2]);
	fh->handle_bytes = (unsigned)(strlen(hex) / 2);
	if (fh->handle_bytes > MAX_HANDLE_SZ)
		return 2;
	for (i = 0; i < fh->handle_bytes; i++)
		sscanf(hex + 2 * i, "%2hhx", &fh->f_handle[i]);
	if ((mnt = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		report("mount_fd", -1);
		return 2;
	}
	fd = open_by_handle_at(mnt, fh, O_RDONLY | O_CLOEXEC);
	report("open_by_handle_at", fd);
	if (fd >= 0)
		show("open_by_handle_at", fd);
	return 0;
}

/* --- foreign ABIs --------------------------------------------------- */

static int
do_i386(int argc, char **argv)
{
	long r;

	(void)argc;
	(void)argv;
	signal(SIGSEGV, SIG_DFL);
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(I386_GETPID) : "memory");
	printf("i386: returned %ld (pid %d)\n", r, (int)getpid());
	return 0;
}

static int
do_x32(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report("x32", syscall(X32_BIT | SYS_getpid));
	return 0;
}

/* --- other processes' memory ---------------------------------------- */

/*
 * Each call on @pid, then on @child (a process of our own, which a
 * debugger may reach when unconfined).  PTRACE_SEIZE does not stop the
 * tracee, so a broker that were seized would go on.  The remote address
 * is 1, never mapped: a call that the sandbox lets through fails with
 * EFAULT (or EIO), one it refuses with EPERM, and nothing is read or
 * written either way.
 */
static void
trace_one(const char *who, pid_t pid)
{
	char name[64], local[8];
	struct iovec l = { local, sizeof(local) };
	struct iovec r = { (void *)1, sizeof(local) };
	long rc;
	int pidfd;

	snprintf(name, sizeof(name), "ptrace_seize_%s", who);
	rc = syscall(SYS_ptrace, PTRACE_SEIZE, pid, 0, 0);
	report(name, rc);
	if (rc == 0)
		syscall(SYS_ptrace, PTRACE_DETACH, pid, 0, 0);
	snprintf(name, sizeof(name), "process_vm_readv_%s", who);
	report(name, syscall(SYS_process_vm_readv, pid, &l, 1, &r, 1, 0));
	snprintf(name, sizeof(name), "process_vm_writev_%s", who);
	report(name, syscall(SYS_process_vm_writev, pid, &l, 1, &r, 1, 0));
	snprintf(name, sizeof(name), "pidfd_getfd_%s", who);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	rc = pidfd == -1 ? -1 : syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	report(name, rc);
	if (rc >= 0)
		close((int)rc);
	if (pidfd >= 0)
		close(pidfd);
}

static int
do_ptrace(int argc, char **argv)
{
	pid_t child;
	int st;

	(void)argc;
	if ((child = fork()) == -1)
		return 2;
	if (child == 0) {
		pause();
		_exit(0);
	}
	trace_one("target", target_pid(argv[0]));
	trace_one("child", child);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	return 0;
}

/* --- signals -------------------------------------------------------- */

static volatile sig_atomic_t usr1;

static void
on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

/* Wait a little for signals in flight, and say how many came. */
static int
settle(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return (int)usr1;
}

/*
 * A pidfd of the process at the other end of a connection: the broker
 * connects on the command's behalf, so an accepted connection's peer is
 * the broker.  -1 when a step fails (the step is reported).
 */
static int
peer_pidfd(const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(int);
	int s = -1, c = -1, x = -1, pidfd = -1;
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/peer.sock", dir);
	unlink(a.sun_path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(s, 1) == -1 ||
	    (c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    (x = accept4(s, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		report("peer_socket", -1);
		goto out;
	}
	if (getsockopt(x, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
		printf("peer_socket: ok peer %d\n", (int)cred.pid);
	if (getsockopt(x, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == -1)
		pidfd = -1;
	report("peer_pidfd", pidfd);
out:
	unlink(a.sun_path);
	if (s >= 0)
		close(s);
	if (c >= 0)
		close(c);
	if (x >= 0)
		close(x);
	return pidfd;
}

/*
 * Every way we know to send SIGUSR1 to @pid, each reported as @who.
 * Returns how many of them were let through.
 */
static int
signal_one(const char *who, pid_t pid, int pidfd)
{
	siginfo_t si;
	char name[64];
	int fd, sent = 0;

	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	snprintf(name, sizeof(name), "kill_%s", who);
	sent += report(name, kill(pid, SIGUSR1));
	/* The kernel reads the pid as 32 bits: garbage above must not help. */
	snprintf(name, sizeof(name), "kill_high_%s", who);
	sent += report(name, syscall(SYS_kill, (long)pid | (1L << 32),
	    SIGUSR1));
	snprintf(name, sizeof(name), "tgkill_%s", who);
	sent += report(name, syscall(SYS_tgkill, pid, pid, SIGUSR1));
	snprintf(name, sizeof(name), "sigqueue_%s", who);
	sent += report(name, syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si));
	snprintf(name, sizeof(name), "pidfd_open_%s", who);
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	report(name, fd);
	snprintf(name, sizeof(name), "pidfd_send_signal_%s", who);
	sent += report(name, fd == -1 ? -1 : syscall(SYS_pidfd_send_signal,
	    fd, SIGUSR1, NULL, 0));
	if (fd >= 0)
		close(fd);
	if (pidfd >= 0) {
		snprintf(name, sizeof(name), "peer_pidfd_signal_%s", who);
		sent += report(name, syscall(SYS_pidfd_send_signal, pidfd,
		    SIGUSR1, NULL, 0));
	}
	return sent;
}

/*
 * A /proc/PID directory descriptor is a pidfd too, for
 * pidfd_send_signal(), when the policy lets /proc/PID be opened.
 */
static void
signal_proc(const char *who, pid_t pid)
{
	char name[64], path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(name, sizeof(name), "proc_open_%s", who);
	report(name, fd);
	if (fd == -1)
		return;
	snprintf(name, sizeof(name), "proc_pidfd_signal_%s", who);
	report(name, syscall(SYS_pidfd_send_signal, fd, SIGUSR1, NULL, 0));
	close(fd);
}

/*
 * Our own process first ("self_sent: N" routes let through must give
 * "self_signals: N"), then
 * @pid, whose signals, were they delivered, fdbroker-run would forward
 * back to us ("target_signals: N").  kill(-1) is not tried: unconfined,
 * or through a broken filter, it would reach every process of the user.
 * Then the broker must still serve PATH.
 */
static int
do_signals(int argc, char **argv)
{
	struct sigaction sa;
	pid_t pid = target_pid(argv[0]);
	int pidfd, self, fd;

	(void)argc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	pidfd = peer_pidfd(argv[1]);
	printf("self_sent: %d\n", signal_one("self", getpid(), -1));
	self = settle();
	printf("self_signals: %d\n", self);
	signal_one("target", pid, pidfd);
	signal_proc("target", pid);
	report("kill_group", kill(0, SIGUSR1) == -1 ? -1 : 0);
	report("setown_target", fcntl(1, F_SETOWN, pid));
	printf("target_signals: %d\n", settle() - self);
	if (pidfd >= 0)
		close(pidfd);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	report("open_after", fd);
	if (fd >= 0)
		show("open_after", fd);
	return 0;
}

/* --- signals through the owner of a socket ------------------------- */

/*
 * Make @pid the owner of socket @fd by @route.  FIOSETOWN and SIOCSPGRP
 * pass the pid in memory, F_SETOWN by value, F_SETOWN_EX in a struct.
 */
static int
set_owner(const char *route, int fd, pid_t pid)
{
	struct f_owner_ex ex = { F_OWNER_PID, pid };

	if (strcmp(route, "fiosetown") == 0)
		return ioctl(fd, FIOSETOWN, &pid);
	if (strcmp(route, "siocspgrp") == 0)
		return ioctl(fd, SIOCSPGRP, &pid);
	if (strcmp(route, "setown") == 0)
		return fcntl(fd, F_SETOWN, pid);
	if (strcmp(route, "setown_ex") == 0)
		return fcntl(fd, F_SETOWN_EX, &ex);
	errno = EINVAL;
	return -1;
}

/*
 * The owner of a socket with O_ASYNC is sent a signal when input
 * arrives, and F_SETSIG chooses which: SIGKILL too.  "sigio_ROUTE: ok"
 * when the owner was set, "sigio_ROUTE_sent: ok" when the input that
 * sends the signal was written.  Then the broker must still serve PATH.
 */
static int
do_sigio(int argc, char **argv)
{
	pid_t pid = target_pid(argv[1]);
	int sig = atoi(argv[2]), sv[2], fd;
	char name[64];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return 2;
	snprintf(name, sizeof(name), "sigio_%s", argv[0]);
	if (report(name, set_owner(argv[0], sv[0], pid))) {
		snprintf(name, sizeof(name), "sigio_%s_sent", argv[0]);
		report(name, fcntl(sv[0], F_SETSIG, sig) == -1 ||
		    fcntl(sv[0], F_SETFL, O_ASYNC) == -1 ||
		    write(sv[1], "x", 1) != 1 ? -1 : 0);
	}
	(void)settle();
	close(sv[0]);
	close(sv[1]);
	if (argc < 4)
		return 0;
	fd = open(argv[3], O_RDONLY | O_CLOEXEC);
	report("open_after", fd);
	if (fd >= 0)
		show("open_after", fd);
	return 0;
}

/*
 * SIGTERM (SIGIO for fowner) to PID, a process outside the sandbox that
 * is not the broker, by one route; the test sees whether PID died.  The
 * fowner route asks the kernel to signal PID when our pipe has input.
 */
static int
do_signal_out(int argc, char **argv)
{
	pid_t pid = (pid_t)atoi(argv[0]);
	const char *how = argv[1];
	siginfo_t si;
	long rc = -1;
	int fd, p[2];

	(void)argc;
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	if (strcmp(how, "kill") == 0)
		rc = kill(pid, SIGTERM);
	else if (strcmp(how, "tgkill") == 0)
		rc = syscall(SYS_tgkill, pid, pid, SIGTERM);
	else if (strcmp(how, "sigqueue") == 0)
		rc = syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, &si);
	else if (strcmp(how, "pidfd") == 0) {
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
		rc = fd == -1 ? -1 : syscall(SYS_pidfd_send_signal, fd,
		    SIGTERM, NULL, 0);
	} else if (strcmp(how, "fowner") == 0) {
		if (pipe2(p, O_CLOEXEC) == -1)
			return 2;
		if ((rc = fcntl(p[0], F_SETOWN, pid)) == 0 &&
		    (rc = fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK)) == 0)
			rc = write(p[1], "x", 1);
	} else
		return 2;
	report("signal_out", rc);
	return 0;
}

/* --- our own seccomp filters ---------------------------------------- */

static long
own_filter(unsigned flags, uint32_t action_openat)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action_openat),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static void
try_open(const char *name, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	report(name, fd);
	if (fd >= 0) {
		show(name, fd);
		close(fd);
	}
}

/*
 * Loosening: a filter that allows everything is only added to ours, no
 * mode switch takes a filter away, and no_new_privs stays.
 */
static int
do_loosen(int argc, char **argv)
{
	(void)argc;
	report("filter_allow", own_filter(0, SECCOMP_RET_ALLOW));
	report("mode_strict", syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0,
	    NULL));
	report("prctl_strict", prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0,
	    0, 0));
	report("prctl_nnp_off", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("nnp: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("seccomp_mode: %d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	try_open("open_granted", argv[0]);
	try_open("open_secret", argv[1]);
	report("io_uring_setup", syscall(SYS_io_uring_setup, 4, NULL));
	return 0;
}

/*
 * Stacking: the kernel runs every filter and takes the most restrictive
 * action, and a notification to the broker outranks TRACE, LOG and
 * ALLOW; a listener of our own, which could answer CONTINUE, is refused
 * (one listener per filter tree: EBUSY).
 */
static int
do_stack(int argc, char **argv)
{
	long l;

	(void)argc;
	report("filter_trace", own_filter(0, SECCOMP_RET_TRACE));
	report("filter_log", own_filter(SECCOMP_FILTER_FLAG_LOG,
	    SECCOMP_RET_LOG));
	l = own_filter(SECCOMP_FILTER_FLAG_NEW_LISTENER,
	    SECCOMP_RET_USER_NOTIF);
	report("filter_listener", l);
	if (l >= 0)
		close((int)l);
	try_open("open_granted", argv[0]);
	try_open("open_secret", argv[1]);
	return 0;
}

/* --- exec ----------------------------------------------------------- */

static int
do_ids(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("ids: ruid %d euid %d\n", (int)getuid(), (int)geteuid());
	return 0;
}

static int
do_exec(int argc, char **argv)
{
	(void)argc;
	execv(argv[0], argv);
	report("exec", -1);
	return 0;
}

static int
do_fexec(int argc, char **argv)
{
	char *args[] = { argv[0], NULL };
	int fd;

	(void)argc;
	if ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1) {
		report("fexec_open", -1);
		return 2;
	}
	fexecve(fd, args, environ);
	report("fexec", -1);
	return 0;
}

/*
 * A memfd is on no path a Landlock rule could name: only the broker's
 * check of its /proc path ("/memfd:NAME (deleted)") stands in the way.
 * A name with "/../" tries to walk that path back into an x tree.
 */
static int
memfd_exec(const char *name, const char *src)
{
	char *args[] = { (char *)(uintptr_t)src, NULL };
	char buf[65536];
	ssize_t n;
	int in, mfd;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (mfd = memfd_create(name, MFD_CLOEXEC)) == -1) {
		report("memexec_setup", -1);
		return 2;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return 2;
	close(in);
	fexecve(mfd, args, environ);
	close(mfd);
	return 0;
}

static int
do_memexec(int argc, char **argv)
{
	(void)argc;
	if (memfd_exec("plain", argv[0]) != 0)
		return 2;
	report("memexec_plain", -1);
	if (memfd_exec("x/../../usr/bin/true", argv[0]) != 0)
		return 2;
	report("memexec_dotdot", -1);
	return 0;
}

static int
do_mark(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 42;
}

/* --- the terminal --------------------------------------------------- */

static int
do_tiocsti(int argc, char **argv)
{
	const char *s = "id\n";

	(void)argc;
	(void)argv;
	if (!isatty(0)) {
		report("isatty", -1);
		return 2;
	}
	for (; *s != '\0'; s++)
		if (ioctl(0, TIOCSTI, s) == -1)
			break;
	report("tiocsti", *s == '\0' ? 0 : -1);
	return 0;
}

/*
 * O_ASYNC on the terminal: its foreground group becomes the owner (the
 * kernel's __tty_fasync()), and each input sends it @sig.  Then wait for
 * input on fd 0 (what the test types), so that the signal is sent while
 * we still hold the file.
 */
static int
tty_async(int sig)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int on = 1, fl;

	if ((fl = fcntl(0, F_GETFL)) == -1 ||
	    !report("setsig", fcntl(0, F_SETSIG, sig)))
		return 2;
	report("o_async", fcntl(0, F_SETFL, fl | O_ASYNC));
	report("fioasync", ioctl(0, FIOASYNC, &on));
	(void)poll(&p, 1, 5000);
	return 0;
}

/* What shells, editors and pagers do with their terminal: all must work. */
static int
tty_modes(void)
{
	struct termios t, raw;
	struct winsize ws;

	report("isatty", isatty(0) ? 0 : -1);
	report("tcgetattr", tcgetattr(0, &t));
	raw = t;
	cfmakeraw(&raw);
	report("tcsetattr", tcsetattr(0, TCSADRAIN, &raw));
	report("tcsetattr_restore", tcsetattr(0, TCSANOW, &t));
	report("tiocgwinsz", ioctl(0, TIOCGWINSZ, &ws));
	report("tiocswinsz", ioctl(0, TIOCSWINSZ, &ws));
	report("tcdrain", tcdrain(0));
	report("tcflush", tcflush(0, TCIFLUSH));
	report("tcgetpgrp", tcgetpgrp(0) == -1 && errno != ENOTTY ? -1 : 0);
	return 0;
}

/*
 * What a program that dies in raw mode leaves: no echo, no lines, no
 * signals from keys; with @wait, it then waits to be killed.
 */
static int
tty_raw(int wait)
{
	struct termios t;

	if (!report("tcgetattr", tcgetattr(0, &t)))
		return 2;
	cfmakeraw(&t);
	report("raw", tcsetattr(0, TCSANOW, &t));
	while (wait)
		pause();
	return 0;
}

/*
 * setsid, then TIOCSCTTY with force on the terminal; in a child, which
 * leads no process group (setsid would fail).
 */
static int
tty_steal(void)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return 2;
	if (pid == 0) {
		report("setsid", setsid());
		report("steal", ioctl(0, TIOCSCTTY, 1));
		_exit(0);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? 0 : 2;
}

/* The console back to where it was: TIOCCONS on /dev/console. */
static void
undo_cons(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);

	report("cons_undo", fd == -1 ? -1 : ioctl(fd, TIOCCONS));
	if (fd != -1)
		close(fd);
}

static int
do_tty(int argc, char **argv)
{
	int ldisc = N_NULL;

	if (strcmp(argv[0], "setd") == 0) {
		report("setd", ioctl(0, TIOCSETD, &ldisc));
	} else if (strcmp(argv[0], "vhangup") == 0) {
		report("vhangup", ioctl(0, TIOCVHANGUP));
	} else if (strcmp(argv[0], "cons") == 0) {
		if (report("cons", ioctl(0, TIOCCONS)))
			undo_cons();
	} else if (strcmp(argv[0], "steal") == 0) {
		return tty_steal();
	} else if (strcmp(argv[0], "async") == 0 && argc > 1) {
		return tty_async(atoi(argv[1]));
	} else if (strcmp(argv[0], "modes") == 0) {
		return tty_modes();
	} else if (strcmp(argv[0], "raw") == 0) {
		return tty_raw(argc > 1);
	} else
		return 2;
	return 0;
}

/*
 * One console request on fd 0, with an argument that changes nothing:
 * the modes it is in, the console already active, the LEDs back to the
 * keyboard's flags (0xff), no tone; KDSIGACCEPT with signal 0 (EINVAL
 * past the driver's permission check: a real signal would take the
 * keyboard's request from init), KDFONTOP from NULL (EFAULT past it),
 * TIOCLINUX's question for the active console.  Questions are asked
 * first; a pseudo-terminal answers none (ENOTTY), then the defaults.
 */
static long
console_req(const char *name)
{
	struct vt_stat vs = { .v_active = 1 };
	int mode = KD_TEXT, kb = K_UNICODE;
	char sub = TIOCL_GETFGCONSOLE;

	(void)ioctl(0, KDGETMODE, &mode);
	(void)ioctl(0, KDGKBMODE, &kb);
	(void)ioctl(0, VT_GETSTATE, &vs);
	if (strcmp(name, "kdsetmode") == 0)
		return ioctl(0, KDSETMODE, mode);
	if (strcmp(name, "kdskbmode") == 0)
		return ioctl(0, KDSKBMODE, kb);
	if (strcmp(name, "vt_activate") == 0)
		return ioctl(0, VT_ACTIVATE, vs.v_active);
	if (strcmp(name, "kdsigaccept") == 0)
		return ioctl(0, KDSIGACCEPT, 0);
	if (strcmp(name, "kdsetled") == 0)
		return ioctl(0, KDSETLED, 0xff);
	if (strcmp(name, "kdmktone") == 0)
		return ioctl(0, KDMKTONE, 0);
	if (strcmp(name, "kiocsound") == 0)
		return ioctl(0, KIOCSOUND, 0);
	if (strcmp(name, "kdfontop") == 0)
		return ioctl(0, KDFONTOP, NULL);
	if (strcmp(name, "tioclinux") == 0)
		return ioctl(0, TIOCLINUX, &sub);
	errno = EINVAL;
	return -1;
}

static int
do_console(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		report(argv[i], console_req(argv[i]));
	return 0;
}

/* Another login's terminal, by its path: stat, open, write a line. */
static int
do_pts(int argc, char **argv)
{
	struct stat st;
	int fd;

	(void)argc;
	report("stat", stat(argv[0], &st));
	fd = open(argv[0], O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (report("open", fd)) {
		report("write", write(fd, "typed by the probe\n", 19));
		close(fd);
	}
	return 0;
}

/* What openpty() does: /dev/ptmx, then the other end by TIOCGPTPEER. */
static int
do_pty_peer(int argc, char **argv)
{
	char buf[8];
	int m, s;

	(void)argc;
	(void)argv;
	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (!report("ptmx", m))
		return 0;
	if (report("unlockpt", unlockpt(m)) && report("peer",
	    s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC))) {
		if (write(s, "x\n", 2) == 2)
			report("through", read(m, buf, sizeof(buf)));
		close(s);
	}
	close(m);
	return 0;
}

/* PATH opened read-write, closed again; what it said. */
static void
pts_try(const char *name, const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	report(name, fd);
	if (fd != -1)
		close(fd);
}

/*
 * A child of ours, which keeps our terminal @s but not its master @m,
 * asks for it by its name @own: ttyname(), then open().
 */
static void
pts_child(int m, int s, const char *own)
{
	const char *t;
	pid_t pid;
	int st, fd;

	if ((pid = fork()) == 0) {
		close(m);
		t = ttyname(s);
		fd = open(own, O_RDWR | O_NOCTTY);
		_exit(t != NULL && strcmp(t, own) == 0 && fd != -1 ? 0 : 1);
	}
	report("child-ttyname", pid == -1 || waitpid(pid, &st, 0) != pid ||
	    !WIFEXITED(st) || WEXITSTATUS(st) != 0 ? -1 : 0);
}

/* Our terminal @own opened by name with and without O_CLOEXEC. */
static void
pts_cloexec(const char *own)
{
	int a = open(own, O_RDWR | O_NOCTTY | O_CLOEXEC);
	int b = open(own, O_RDWR | O_NOCTTY);

	report("own-cloexec", a != -1 && b != -1 &&
	    fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(b, F_GETFD) == 0 ?
	    0 : -1);
	if (a != -1)
		close(a);
	if (b != -1)
		close(b);
}

/*
 * Another login's terminal while we hold a master of another number,
 * its other end and /dev/null; our own by its name; our own name once
 * both ends are closed; a number no terminal has.
 */
static int
do_pts_own(int argc, char **argv)
{
	char own[64], buf[8];
	const char *t;
	struct stat st;
	int m, s, z, fd;

	(void)argc;
	z = open("/dev/null", O_RDONLY | O_CLOEXEC);
	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (!report("ptmx", m) || !report("unlockpt", unlockpt(m)) ||
	    !report("ptsname", ptsname_r(m, own, sizeof(own)) == 0 ? 0 : -1))
		return 0;
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	report("other-stat", stat(argv[0], &st));
	pts_try("other-open", argv[0]);
	report("own-stat", stat(own, &st));
	if (report("own-open", fd = open(own, O_RDWR | O_NOCTTY | O_CLOEXEC))) {
		if (write(fd, "x\n", 2) == 2)
			report("own-through", read(m, buf, sizeof(buf)));
		close(fd);
	}
	t = ttyname(s);
	report("own-ttyname", t != NULL && strcmp(t, own) == 0 ? 0 : -1);
	pts_child(m, s, own);
	pts_cloexec(own);
	close(s);
	close(m);
	report("closed-stat", stat(own, &st));
	pts_try("closed-open", own);
	report("none-stat", stat("/dev/pts/1048575", &st));
	pts_try("none-open", "/dev/pts/1048575");
	close(z);
	return 0;
}

/*
 * The stderr we share with whoever started us: O_NONBLOCK (a flag of
 * the open file, so for everyone who shares it), filled, and a line
 * written as any other writer to it would (EAGAIN: lost); then a
 * refused open, whose record fdbroker-run --log - must still write.
 */
static int
do_fill_stderr(int argc, char **argv)
{
	char buf[4096];
	int fl, fd;

	(void)argc;
	memset(buf, 'x', sizeof(buf));
	if ((fl = fcntl(2, F_GETFL)) == -1 ||
	    !report("nonblock", fcntl(2, F_SETFL, fl | O_NONBLOCK)))
		return 2;
	while (write(2, buf, sizeof(buf)) > 0)
		;
	report("full", errno == EAGAIN ? 0 : -1);
	report("shared", write(2, "a record\n", 9));
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	report("open", fd);
	if (fd != -1)
		close(fd);
	return 0;
}

/*
 * One process's connect() to an address that never answers must not
 * hold up the others' requests: a child connects (blocking) and then
 * pauses, so that the test can see from outside whether it still waits
 * in connect (/proc/PID/syscall) when our open has been answered.
 */
static int
do_connect_stall(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	pid_t pid;
	int s;

	(void)argc;
	sin.sin_port = htons((uint16_t)atoi(argv[0]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((pid = fork()) == -1)
		return 2;
	if (pid == 0) {
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		(void)connect(s, (struct sockaddr *)&sin, sizeof(sin));
		for (;;)
			pause();
	}
	return stall(pid, argv[1]);
}

/* The same with an open of a FIFO that no one writes. */
static int
do_fifo_stall(int argc, char **argv)
{
	pid_t pid;

	(void)argc;
	if ((pid = fork()) == -1)
		return 2;
	if (pid == 0) {
		(void)open(argv[0], O_RDONLY | O_CLOEXEC);
		for (;;)
			pause();
	}
	return stall(pid, argv[1]);
}

/*
 * Child @pid waits (or not) in its call: on a byte on fd 0, open @path;
 * once fd 0 ends, kill @pid.
 */
static int
stall(pid_t pid, const char *path)
{
	char go;
	int s;

	printf("connector: %d\n", (int)pid);
	fflush(stdout);
	if (read(0, &go, 1) == 1 &&
	    report("open", s = open(path, O_RDONLY | O_CLOEXEC)))
		close(s);
	/* The test looks at the child until fd 0 ends. */
	while (read(0, &go, 1) > 0)
		;
	kill(pid, SIGKILL);
	return waitpid(pid, NULL, 0) == pid ? 0 : 2;
}

/* A blocking connect() to 127.0.0.1:@port on a new socket. */
static int
connect_port(const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int s, rc, save_errno;

	sin.sin_port = htons((uint16_t)atoi(port));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(s, (struct sockaddr *)&sin, sizeof(sin));
	save_errno = errno;
	close(s);
	errno = save_errno;
	return rc;
}

/*
 * Connects whose requesters are killed while the broker waits for the
 * kernel to end them must not keep taking its table (and sockets): the
 * children's connects fill it, then they die, then ours must go on.
 */
static int
do_connect_dead(int argc, char **argv)
{
	pid_t kids[64];
	int i, n, rc = -1, full = 0;

	(void)argc;
	for (n = 0; n < 64; n++) {
		if ((kids[n] = fork()) == -1)
			break;
		/*
		 * Again after EAGAIN: while our own connects to LIVE take
		 * a place in the table for a moment, a child's may find
		 * it full.
		 */
		while (kids[n] == 0 && connect_port(argv[0]) == -1) {
			if (errno != EAGAIN)
				_exit(1);
			usleep(1000);
		}
		if (kids[n] == 0)
			_exit(0);
	}
	for (i = 0; i < atoi(argv[2]) && !full; i++) {
		if (!(full = connect_port(argv[1]) == -1 && errno == EAGAIN))
			usleep(10000);
	}
	printf("full: %s\n", full ? "yes" : "no");
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	/* The broker drops them once it sees their callers gone. */
	for (i = 0; i < atoi(argv[2]); i++) {
		if ((rc = connect_port(argv[1])) == 0 || errno != EAGAIN)
			break;
		usleep(10000);
	}
	report("after", rc);
	return n == 64 ? 0 : 2;
}

/* --- attribute flags, leases, locks --------------------------------- */

static int
do_setflags(int argc, char **argv)
{
	int fd, flags, want;

	(void)argc;
	fd = open(argv[0], (strcmp(argv[1], "rw") == 0 ? O_RDWR : O_RDONLY) |
	    O_CLOEXEC);
	if (!report("open", fd) || !report("getflags", ioctl(fd,
	    FS_IOC_GETFLAGS, &flags)))
		return 2;
	want = flags ^ FS_NODUMP_FL;
	if (report("setflags", ioctl(fd, FS_IOC_SETFLAGS, &want)))
		report("setflags_undo", ioctl(fd, FS_IOC_SETFLAGS, &flags));
	close(fd);
	return 0;
}

/*
 * A lease or a lock on PATH opened read-only, held until fd 0 ends; a
 * lease break (SIGIO) must not end us first.
 */
static int
do_hold(int argc, char **argv)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	char c;
	int fd, rc;

	(void)argc;
	signal(SIGIO, SIG_IGN);
	if (!report("open", fd = open(argv[0], O_RDONLY | O_CLOEXEC)))
		return 2;
	if (strcmp(argv[1], "lease") == 0)
		rc = fcntl(fd, F_SETLEASE, F_RDLCK);
	else if (strcmp(argv[1], "flock") == 0)
		rc = flock(fd, LOCK_EX);
	else if (strcmp(argv[1], "posix") == 0)
		rc = fcntl(fd, F_SETLK, &fl);
	else
		return 2;
	report(argv[1], rc);
	while (read(0, &c, 1) > 0)
		;
	if (rc == 0 && strcmp(argv[1], "lease") == 0)
		report("unlease", fcntl(fd, F_SETLEASE, F_UNLCK));
	close(fd);
	return 0;
}

/* --- sockets -------------------------------------------------------- */

static void
try_socket(const char *name, int domain, int type)
{
	int s = socket(domain, type | SOCK_CLOEXEC, 0);

	report(name, s);
	if (s >= 0)
		close(s);
}

static int
do_net(int argc, char **argv)
{
	int sv[2];

	(void)argc;
	(void)argv;
	try_socket("inet_stream", AF_INET, SOCK_STREAM);
	try_socket("inet_dgram", AF_INET, SOCK_DGRAM);
	try_socket("inet6_stream", AF_INET6, SOCK_STREAM);
	try_socket("netlink", AF_NETLINK, SOCK_RAW);
	try_socket("unix_dgram", AF_UNIX, SOCK_DGRAM);
	try_socket("unix_stream", AF_UNIX, SOCK_STREAM);
	report("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0, sv));
	return 0;
}

/*
 * A datagram to an abstract name whose socket another process made: by
 * sendto() on a socket of our own, and by sendmsg() with an address on
 * one end of a socketpair.  Landlock's scope (ABI 6) refuses both when
 * that process is outside our domain, whatever the seccomp filter lets
 * through (with --allow-net it lets datagram sockets through).
 */
static int
do_abstract(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct iovec iov = { (void *)"pair", 4 };
	struct msghdr m = { 0 };
	socklen_t len;
	size_t n = strlen(argv[0]);
	int s, sv[2];

	(void)argc;
	if (n + 1 > sizeof(a.sun_path))
		return 2;
	memcpy(a.sun_path + 1, argv[0], n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	report("abstract_socket", s);
	if (s >= 0) {
		report("abstract_sendto", sendto(s, "sendto", 6, 0,
		    (struct sockaddr *)&a, len));
		close(s);
	}
	s = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv);
	report("abstract_socketpair", s);
	if (s == 0) {
		m.msg_name = &a;
		m.msg_namelen = len;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		report("abstract_sendmsg", sendmsg(sv[0], &m, 0));
		close(sv[0]);
		close(sv[1]);
	}
	return 0;
}

/* --- descriptors ---------------------------------------------------- */

/* "fd: N TARGET" for each descriptor, read through /proc/self/fd. */
static int
do_fds(int argc, char **argv)
{
	char link[64], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	ssize_t n;

	(void)argc;
	(void)argv;
	if ((d = opendir("/proc/self/fd")) == NULL) {
		report("fds", -1);
		return 2;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d",
		    atoi(de->d_name));
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("fd: %s %s\n", de->d_name, target);
	}
	closedir(d);
	report("fds", 0);
	return 0;
}

/* The number of descriptors we hold, without opening anything. */
static int
count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/*
 * The broker installs the descriptor with ADDFD: with our table full it
 * must answer EMFILE, and install nothing later.
 */
static int
do_emfile(int argc, char **argv)
{
	struct rlimit rl;
	int before, fd, dups[64], n = 0;

	(void)argc;
	before = count_fds();
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 2;
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 2;
	while (n < 64 && (fd = dup(0)) != -1)
		dups[n++] = fd;
	report("dup", n < 64 ? -1 : 0);
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	report("open_full", fd);
	if (n > 0)
		close(dups[--n]);
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	report("open_freed", fd);
	if (fd >= 0) {
		show("open_freed", fd);
		close(fd);
	}
	while (n > 0)
		close(dups[--n]);
	printf("count: before %d after %d\n", before, count_fds());
	return 0;
}

/* --- races on memory the broker reads ------------------------------- */

struct flip {
	char *buf;		/* the path the other thread passes */
	const char *a, *b;
	volatile int stop;
	volatile int started;
};

static void *
flipper(void *arg)
{
	struct flip *f = arg;
	size_t la = strlen(f->a) + 1, lb = strlen(f->b) + 1;

	f->started = 1;
	while (!f->stop) {
		memcpy(f->buf, f->a, la);
		memcpy(f->buf, f->b, lb);
	}
	return NULL;
}

/*
 * The broker reads the path once and opens its own copy: whatever this
 * thread's twin writes meanwhile, a descriptor is for GRANTED or the
 * call fails; it never is SECRET's.
 */
static int
do_flip_open(int argc, char **argv)
{
	static char buf[FLIP_PAD];
	struct flip f = { buf, argv[0], argv[1], 0, 0 };
	char c[64];
	unsigned long i, n = strtoul(argv[2], NULL, 10);
	unsigned long granted = 0, secret = 0, denied = 0, other = 0;
	pthread_t t;
	ssize_t r;
	int fd;

	(void)argc;
	snprintf(buf, sizeof(buf), "%s", argv[0]);
	if (pthread_create(&t, NULL, flipper, &f) != 0)
		return 2;
	while (!f.started)
		;
	for (i = 0; i < n; i++) {
		if ((fd = open(buf, O_RDONLY | O_CLOEXEC)) == -1) {
			denied += errno == EACCES;
			other += errno != EACCES;
			continue;
		}
		r = pread(fd, c, sizeof(c) - 1, 0);
		close(fd);
		c[r > 0 ? r : 0] = '\0';
		if (strncmp(c, "secret", 6) == 0)
			secret++;
		else
			granted++;
	}
	f.stop = 1;
	pthread_join(t, NULL);
	printf("flip-open: granted %lu secret %lu denied %lu other %lu\n",
	    granted, secret, denied, other);
	return 0;
}

/*
 * What a current directory the policy does not grant gives, by relative
 * paths: NAME in it (open, stat), a name that is not there (stat), the
 * directory itself (open, list).  With @quiet, no lines: how many of
 * them worked.
 */
static int
under_cwd(const char *name, int quiet)
{
	struct stat st;
	char buf[4096];
	long rc[5];
	int fd, i, n = 0;

	rc[0] = fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	rc[1] = stat(name, &st);
	rc[2] = stat("not-there", &st);
	rc[3] = fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc[4] = fd == -1 ? -1 : syscall(SYS_getdents64, fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 5; i++)
		n += rc[i] != -1;
	if (!quiet) {
		report("cwd_open", rc[0]);
		report("cwd_stat", rc[1]);
		report("cwd_stat_missing", rc[2]);
		report("cwd_opendir", rc[3]);
	}
	return n;
}

static int
do_held_cwd(int argc, char **argv)
{
	(void)argc;
	if (!report("fchdir", fchdir(atoi(argv[0]))))
		return 0;
	(void)under_cwd(argv[1], 0);
	return 0;
}

/*
 * chdir() is checked by the broker and then made by the kernel
 * (CONTINUE), which reads the path again: the twin thread's rewrite
 * can land us in BAD, or make the call fail as BAD would.  The outcomes
 * counted, and what BAD gives each time we land in it.
 */
static int
do_flip_chdir(int argc, char **argv)
{
	static char buf[FLIP_PAD];
	struct flip f = { buf, argv[0], argv[1], 0, 0 };
	unsigned long i, n = strtoul(argv[2], NULL, 10), c[6] = { 0 };
	char cwd[PATH_MAX];
	pthread_t t;
	int ok, got = 0;

	(void)argc;
	snprintf(buf, sizeof(buf), "%s", argv[0]);
	if ((ok = open(argv[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    pthread_create(&t, NULL, flipper, &f) != 0)
		return 2;
	while (!f.started)
		;
	for (i = 0; i < n; i++) {
		if (chdir(buf) == -1) {
			c[errno == EACCES ? 2 : errno == ENOENT ? 3 :
			    errno == ENOTDIR ? 4 : 5]++;
			continue;
		}
		if (getcwd(cwd, sizeof(cwd)) != NULL &&
		    strcmp(cwd, argv[1]) == 0) {
			c[1]++;
			got += under_cwd(argv[3], 1);
		} else
			c[0]++;
		if (fchdir(ok) == -1)
			return 2;
	}
	f.stop = 1;
	pthread_join(t, NULL);
	printf("flip-chdir: ok %lu landed %lu eacces %lu enoent %lu "
	    "enotdir %lu other %lu\n", c[0], c[1], c[2], c[3], c[4], c[5]);
	printf("landed-gave: %d\n", got);
	return 0;
}

/*
 * An execve() is checked by the broker and then run by the kernel
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE), which reads the path again: a
 * thread that rewrites it in between wins the race against the broker,
 * and only Landlock stands between BAD and its execution.  Each round
 * is a child of ours: 0 means OK ran, 42 BAD (probe2 mark).
 */
static int
do_flip_exec(int argc, char **argv)
{
	static char buf[FLIP_PAD];
	unsigned long i, n = strtoul(argv[2], NULL, 10);
	unsigned long ok = 0, bad = 0, refused = 0;
	struct flip f = { buf, argv[0], argv[1], 0, 0 };
	/* Not @buf: a string torn while the kernel copies it loses its NUL. */
	char *args[] = { (char *)"flip-exec", (char *)"mark", NULL };
	pthread_t t;
	pid_t pid;
	int st;

	(void)argc;
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			return 2;
		if (pid == 0) {
			snprintf(buf, sizeof(buf), "%s", argv[0]);
			if (pthread_create(&t, NULL, flipper, &f) != 0)
				_exit(2);
			while (!f.started)
				;
			execv(buf, args);
			_exit(errno == EACCES ? 3 : 4);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
			return 2;
		ok += WEXITSTATUS(st) == 0;
		bad += WEXITSTATUS(st) == 42;
		refused += WEXITSTATUS(st) == 3;
	}
	printf("flip-exec: ok %lu bad %lu refused %lu\n", ok, bad, refused);
	return 0;
}

/* The two files a dup-flipper puts in turn on FD_N. */
struct dflip {
	int a, b;
	volatile int started;
};

static void *
dup_flipper(void *arg)
{
	struct dflip *f = arg;

	f->started = 1;
	for (;;) {
		dup2(f->a, FD_N);
		dup2(f->b, FD_N);
	}
	return NULL;
}

/* One round of flip-fexec, in a child: the exec, or 3 (EACCES), 4, 2. */
static void __attribute__((noreturn))
fexec_round(const char *ok, const char *bad)
{
	char *args[] = { (char *)"fexec", (char *)"mark", NULL };
	struct dflip f = { -1, -1, 0 };
	pthread_t t;

	f.a = open(ok, O_RDONLY | O_CLOEXEC);
	f.b = open(bad, O_RDONLY | O_CLOEXEC);
	if (f.a == -1 || f.b == -1 || dup2(f.a, FD_N) == -1 ||
	    pthread_create(&t, NULL, dup_flipper, &f) != 0)
		_exit(2);
	while (!f.started)
		;
	fexecve(FD_N, args, environ);
	_exit(errno == EACCES ? 3 : 4);
}

/*
 * fexecve() is checked by the broker on its own copy of the descriptor
 * and then run by the kernel on the number, which a thread may have
 * pointed at another file meanwhile: only Landlock stands between BAD
 * and its execution.  0 means OK ran, 42 BAD (probe2 mark).
 */
static int
do_flip_fexec(int argc, char **argv)
{
	unsigned long i, n = strtoul(argv[2], NULL, 10);
	unsigned long ok = 0, bad = 0, refused = 0;
	pid_t pid;
	int st;

	(void)argc;
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			return 2;
		if (pid == 0)
			fexec_round(argv[0], argv[1]);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
			return 2;
		ok += WEXITSTATUS(st) == 0;
		bad += WEXITSTATUS(st) == 42;
		refused += WEXITSTATUS(st) == 3;
	}
	printf("flip-fexec: ok %lu bad %lu refused %lu\n", ok, bad,
	    refused);
	return 0;
}

/* --- calls on a descriptor: which one is acted on ------------------- */

/* One step of fd-table's thread: a call and what it gave. */
enum { FT_TRUNC_SELF, FT_TRUNC_THREAD, FT_FCHMOD, FT_FCHOWN,
	FT_CHMOD_THREAD, FT_UTIMENS_NOW, FT_FUTIMENS, FT_STEPS };

static const char *const ft_names[FT_STEPS] = {
	"truncate_proc_self", "truncate_proc_thread_self", "fchmod",
	"fchown", "chmod_proc_thread_self", "utimensat_now", "futimens",
};

struct fd_table {
	const char *rw;
	char self[64];		/* /proc/self/fd/FD_N */
	char thread[64];	/* /proc/thread-self/fd/FD_N */
	gid_t gid;
	int unshare;		/* share our table, then unshare it */
	int opened;		/* the thread's open of RW: fd or -1 */
	int open_err;
	long rc[FT_STEPS];
	int err[FT_STEPS];
	pid_t tid;		/* set by clone, cleared at the thread's exit */
};

/*
 * The thread: its table is a copy of ours, FD_N is RO there too until
 * it puts its own RW on FD_N.  Then every call names FD_N, which for the
 * kernel is RW (its own table) except through /proc/self, which is the
 * thread group's, ours.  It shares our TLS (no CLONE_SETTLS), so it
 * makes raw calls only and keeps errno to itself while we wait without
 * touching errno; the sanitizers know nothing of it.
 */
__attribute__((no_sanitize("address", "undefined")))
static int
fd_table_thread(void *arg)
{
	struct fd_table *t = arg;
	const struct timespec ts[2] = { { T_1999, 0 }, { T_1999, 0 } };
	long rc;
	int i;

	if (t->unshare && syscall(SYS_unshare, CLONE_FILES) == -1) {
		t->open_err = errno;
		return 0;
	}
	rc = syscall(SYS_openat, AT_FDCWD, t->rw, O_RDWR | O_CLOEXEC);
	t->opened = (int)rc;
	t->open_err = rc == -1 ? errno : 0;
	if (rc == -1 || syscall(SYS_dup3, (int)rc, FD_N, O_CLOEXEC) == -1)
		return 0;
	syscall(SYS_close, (int)rc);
	for (i = 0; i < FT_STEPS; i++) {
		switch (i) {
		case FT_TRUNC_SELF:
			rc = syscall(SYS_truncate, t->self, 0);
			break;
		case FT_TRUNC_THREAD:
			rc = syscall(SYS_truncate, t->thread, 0);
			break;
		case FT_FCHMOD:
			rc = syscall(SYS_fchmod, FD_N, 0666);
			break;
		case FT_FCHOWN:
			rc = syscall(SYS_fchown, FD_N, -1, t->gid);
			break;
		case FT_CHMOD_THREAD:
			rc = syscall(SYS_chmod, t->thread, 0660);
			break;
		case FT_UTIMENS_NOW:
			rc = syscall(SYS_utimensat, FD_N, NULL, NULL, 0);
			break;
		default:
			rc = syscall(SYS_utimensat, FD_N, NULL, ts, 0);
			break;
		}
		t->rc[i] = rc;
		t->err[i] = rc == -1 ? errno : 0;
	}
	return 0;
}

/*
 * Each thread may have a descriptor table of its own (clone without
 * CLONE_FILES; or, with "unshare", unshare(CLONE_FILES) in the thread).  A call
 * on descriptor N must be decided on the requesting thread's N: here
 * the thread's is RW, ours is RO, and RO must come out unchanged.
 * "fd-table: NAME ok|ERRNO" for each of the thread's calls.
 */
static int
do_fd_table(int argc, char **argv)
{
	struct fd_table t;
	char *stack;
	int ro, i;

	memset(&t, 0, sizeof(t));
	t.rw = argv[1];
	t.opened = -1;
	t.gid = getgid();
	for (i = 2; i < argc; i++)
		t.unshare |= strcmp(argv[i], "unshare") == 0;
	snprintf(t.self, sizeof(t.self), "/proc/self/fd/%d", FD_N);
	snprintf(t.thread, sizeof(t.thread), "/proc/thread-self/fd/%d",
	    FD_N);
	if ((ro = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1) {
		report("fd-table: open_ro", -1);
		return 2;
	}
	if (dup3(ro, FD_N, O_CLOEXEC) == -1)
		return 2;
	close(ro);
	stack = mmap(NULL, FD_STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return 2;
	if (clone(fd_table_thread, stack + FD_STACK, CLONE_VM | CLONE_FS |
	    CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
	    (t.unshare ? CLONE_FILES : 0) |
	    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, &t, &t.tid, NULL,
	    &t.tid) == -1) {
		report("fd-table: clone", -1);
		return 2;
	}
	/*
	 * The kernel sets t.tid before the thread first runs, and clears it
	 * when the thread is gone: no window where it reads 0 too early.
	 */
	while (__atomic_load_n(&t.tid, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
	munmap(stack, FD_STACK);
	if (t.opened == -1) {
		errno = t.open_err;
		report("fd-table: open_rw", -1);
		return 0;
	}
	for (i = 0; i < FT_STEPS; i++) {
		errno = t.err[i];
		printf("fd-table: ");
		report(ft_names[i], t.rc[i]);
	}
	/* Ours, as the file's owner, through a read-only descriptor. */
	if (argc > 2 && strcmp(argv[2], "leader") == 0) {
		printf("fd-table: ");
		report("leader_fchmod", fchmod(FD_N, 0606));
	}
	close(FD_N);
	return 0;
}

struct fd_race {
	int ro, rw;
	volatile int stop;
	volatile int started;
};

static void *
fd_race_flipper(void *arg)
{
	struct fd_race *f = arg;

	f->started = 1;
	while (!f->stop) {
		dup2(f->rw, FD_N);
		dup2(f->ro, FD_N);
	}
	return NULL;
}

/*
 * One table, two threads: the broker must act on the descriptor it
 * decided on.  A decision on FD_N read as RW and an action on FD_N
 * taken a moment later as RO would change RO.
 * "fd-race: calls N ok N refused N other N".
 */
static int
do_fd_race(int argc, char **argv)
{
	const struct timespec ts[2] = { { T_1999, 0 }, { T_1999, 0 } };
	unsigned long i, n = strtoul(argv[2], NULL, 10);
	unsigned long ok = 0, refused = 0, other = 0;
	struct fd_race f = { -1, -1, 0, 0 };
	struct timespec start, now;
	int utimes = strcmp(argv[4], "utimes") == 0;
	long secs = atol(argv[3]);
	pthread_t t;
	int rc;

	(void)argc;
	if ((f.ro = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1 ||
	    (f.rw = open(argv[1], O_RDWR | O_CLOEXEC)) == -1) {
		report("fd-race: open", -1);
		return 2;
	}
	if (dup2(f.ro, FD_N) == -1 ||
	    pthread_create(&t, NULL, fd_race_flipper, &f) != 0)
		return 2;
	while (!f.started)
		;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < n; i++) {
		rc = utimes ? futimens(FD_N, ts) : fchmod(FD_N, 0666);
		if (rc == 0)
			ok++;
		else if (errno == EACCES)
			refused++;
		else
			other++;
		if (i % 256 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec >= secs)
				break;
		}
	}
	f.stop = 1;
	pthread_join(t, NULL);
	printf("fd-race: calls %lu ok %lu refused %lu other %lu\n",
	    ok + refused + other, ok, refused, other);
	return 0;
}

/* --- reliability ---------------------------------------------------- */

/* Wait for a byte on fd 0; 0 at end of input. */
static int
step_wait(void)
{
	char c;
	ssize_t n;

	while ((n = read(0, &c, 1)) == -1 && errno == EINTR)
		;
	return n == 1;
}

/*
 * Rounds of opens, each started by the test (which looks at the broker
 * in between): "step: N failed F" with the errno of the last failure.
 */
static int
do_steps(int argc, char **argv)
{
	unsigned long i, n, bad;
	int j, fd, e;

	for (j = 1; j < argc && step_wait(); j++) {
		n = strtoul(argv[j], NULL, 10);
		for (i = 0, bad = 0, e = 0; i < n; i++) {
			if ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1) {
				bad++;
				e = errno;
			} else {
				close(fd);
			}
		}
		printf("step: %lu failed %lu %s\n", n, bad,
		    e != 0 ? strerrorname_np(e) : "-");
	}
	return 0;
}

/*
 * N processes, started together through a pipe, each open every PATH
 * and compare the first line with the file's name: "fan-open: N good".
 */
static int
do_fan_open(int argc, char **argv)
{
	int n = atoi(argv[0]), i, j, go[2], st, good = 0, fd;
	char c[PATH_MAX + 64];
	const char *base;
	ssize_t r;
	pid_t pid;

	if (n <= 0 || pipe2(go, O_CLOEXEC) == -1)
		return 2;
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			return 2;
		if (pid != 0)
			continue;
		close(go[1]);
		if (read(go[0], c, 1) != 0)
			_exit(2);
		for (j = 1; j < argc; j++) {
			if ((fd = open(argv[j], O_RDONLY | O_CLOEXEC)) == -1)
				_exit(3);
			r = pread(fd, c, sizeof(c) - 1, 0);
			close(fd);
			c[r > 0 ? r : 0] = '\0';
			base = strrchr(argv[j], '/') + 1;
			if (strncmp(c, base, strlen(base)) != 0)
				_exit(4);
		}
		_exit(0);
	}
	close(go[1]);
	close(go[0]);
	while ((pid = wait(&st)) > 0)
		good += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("fan-open: %d good\n", good);
	return 0;
}

/*
 * N processes open PATH in a loop; each is killed after a random delay,
 * so that some die with a request in the broker's hands.  Then we open
 * PATH ourselves: "kill-open: N killed, open ok".  Waits for a byte on
 * fd 0 before and after, so the test can count the broker's
 * descriptors.
 */
static int
do_kill_open(int argc, char **argv)
{
	int i, n = atoi(argv[1]), st, fd, killed = 0;
	struct timespec ts;
	pid_t pid;

	(void)argc;
	printf("kill-open: ready\n");
	if (!step_wait())
		return 2;
	srand((unsigned)getpid());
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			return 2;
		if (pid == 0) {
			for (;;)
				if ((fd = open(argv[0], O_RDONLY)) >= 0)
					close(fd);
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (rand() % 2000) * 1000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		if (waitpid(pid, &st, 0) == pid && WIFSIGNALED(st))
			killed++;
	}
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	printf("kill-open: %d killed, ", killed);
	report("open", fd);
	if (fd >= 0)
		close(fd);
	step_wait();
	return 0;
}

int
main(int argc, char *argv[])
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (strcmp(argv[1], probes[i].name) != 0)
			continue;
		if (argc - 2 < probes[i].nargs)
			break;
		return probes[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "usage: probe2 PROBE ARG... (see probe2.c)\n");
	return 2;
}

/* --- lifetime --------------------------------------------------------- */

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * A daemon as the books make one: fork, setsid, fork, so that it has
 * left our session and has no parent of ours.  It holds MARKER open
 * from the start, so that it needs the broker for nothing when it
 * writes.  0 once the daemon exists.
 */
static int
daemonize(const char *marker, long ms)
{
	pid_t pid;
	int fd, st;

	if ((fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return report("daemon_marker", -1), -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (setsid() == -1 || fork() != 0)
			_exit(0);
		sleep_ms(ms);
		(void)!write(fd, "alive\n", 6);
		_exit(0);
	}
	close(fd);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return 0;
}

static int
do_daemon(int argc, char **argv)
{
	(void)argc;
	if (daemonize(argv[0], atol(argv[1])) == -1)
		return 2;
	printf("daemon: ok\n");
	return 0;
}

static int
do_linger(int argc, char **argv)
{
	(void)argc;
	if (daemonize(argv[0], atol(argv[1])) == -1)
		return 2;
	printf("linger: ready\n");
	fflush(stdout);
	sleep_ms(30000);
	return 0;
}

static int
do_sleep(int argc, char **argv)
{
	(void)argc;
	sleep_ms(atol(argv[1]) * 1000);
	return 0;
}
