/* SPDX-License-Identifier: MIT */
/*
 * floor.c: the floors of the two transports on this machine, written as
 * plainly as the kernel allows so that nothing but the round trip is
 * measured: an SCM_RIGHTS exchange over a SOCK_SEQPACKET socketpair, and
 * a seccomp user notification answered with SECCOMP_IOCTL_NOTIF_ADDFD +
 * SECCOMP_ADDFD_FLAG_SEND (or a value, or an errno).  The broker side runs
 * in the calling process, the confined side in a forked child.  Neither
 * side checks a policy or reads the child's memory: that is what the
 * floor leaves out.  Also the cross-CPU wake-up ideas (sync wake-up,
 * following the child's CPU, busy-polling), as options of the floors.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* Linux 6.6; Debian 12's headers are 6.1. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

#if defined(__x86_64__)
#define FLOOR_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FLOOR_ARCH	AUDIT_ARCH_AARCH64
#endif

/* The socket floor's request and reply. */
struct sreq {
	uint32_t op;
	int32_t	 cpu;		/* the child's CPU, or -1 */
};

struct srep {
	int32_t	 err;
	int32_t	 cpu;		/* the broker's CPU */
	struct stat st;		/* sent for BENCH_STAT only */
};

/* The reply without its struct stat. */
#define SREP_SHORT	(2 * sizeof(int32_t))

struct sock_child {
	int	 sock;
	enum bench_op op;
	int	 spin_us;
	int	 spin_apart;
	int	 peer;		/* the broker's CPU when it replied */
};

static ssize_t	send_fd(int, const void *, size_t, int);
static ssize_t	recv_fd(int, void *, size_t, int *, int);
static ssize_t	spin_recvmsg(int, struct msghdr *, int);
static int	sock_op(void *);
static int	sock_serve(int, const struct bench_run *, const char *,
		    struct bench_slot *);
static int	sock_answer(int, const struct sreq *, const char *);
static void	sock_child(int, const struct bench_run *,
		    struct bench_slot *) __attribute__((noreturn));
static void	notify_child(int, const struct bench_run *,
		    const struct bench_files *, struct bench_slot *)
		    __attribute__((noreturn));
static int	notify_filter(void);
static int	notify_setup(int, const struct bench_run *);
static int	notify_serve(int, const struct bench_run *, const char *,
		    int, struct bench_slot *);
static int	notify_wait(int, int);
static int	notify_answer(int, const struct seccomp_notif *,
		    enum bench_op, const char *);
static int	last_cpu(int);

static ssize_t
send_fd(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr m;
	struct cmsghdr *c;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.b;
		m.msg_controllen = sizeof(u.b);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL);
}

/* Receive into @buf, and at most one descriptor into *@fd (or -1). */
static ssize_t
recv_fd(int sock, void *buf, size_t len, int *fd, int spin_us)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { buf, len };
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.b;
	m.msg_controllen = sizeof(u.b);
	*fd = -1;
	if ((n = spin_recvmsg(sock, &m, spin_us)) <= 0)
		return n;
	c = CMSG_FIRSTHDR(&m);
	if (c != NULL && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

/*
 * Busy-poll with MSG_DONTWAIT for @spin_us before sleeping in recvmsg:
 * while this CPU spins it never goes idle, so the peer's wake-up needs no
 * inter-processor interrupt into a halted vCPU.
 */
static ssize_t
spin_recvmsg(int sock, struct msghdr *m, int spin_us)
{
	size_t clen = m->msg_controllen;
	int64_t end;
	ssize_t n;

	if (spin_us > 0) {
		end = bench_now() + spin_us * 1000LL;
		do {
			m->msg_controllen = clen;
			n = recvmsg(sock, m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
			if (n != -1 || errno != EAGAIN)
				return n;
		} while (bench_now() < end);
		m->msg_controllen = clen;
	}
	do
		n = recvmsg(sock, m, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	return n;
}

/* The confined side of the socket floor: one request, one reply. */
static int
sock_op(void *ctx)
{
	struct sock_child *c = ctx;
	struct sreq q;
	struct srep p;
	ssize_t n;
	int fd, spin;

	q.op = c->op;
	q.cpu = sched_getcpu();
	spin = c->spin_apart && c->peer == q.cpu ? 0 : c->spin_us;
	if (send(c->sock, &q, sizeof(q), MSG_NOSIGNAL) != sizeof(q))
		return -1;
	n = recv_fd(c->sock, &p, sizeof(p), &fd, spin);
	if (n < (ssize_t)SREP_SHORT) {
		bench_close(fd);
		errno = n == 0 ? ECONNRESET : n > 0 ? EPROTO : errno;
		return -1;
	}
	c->peer = p.cpu;
	if (fd >= 0)
		close(fd);
	if (c->op == BENCH_DENY ? p.err != EACCES : p.err != 0) {
		errno = p.err != 0 ? p.err : EPROTO;
		return -1;
	}
	if (c->op == BENCH_OPEN && fd == -1) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static void
sock_child(int sock, const struct bench_run *r, struct bench_slot *s)
{
	struct sock_child c = { sock, r->op, r->cspin_us, r->spin_apart,
		-1 };

	bench_pin_child(r->pin);
	bench_loop(s, sock_op, &c, r);
	_exit(0);
}

static int
sock_serve(int sock, const struct bench_run *r, const char *path,
    struct bench_slot *s)
{
	struct sreq q;
	ssize_t n;
	int cpu, fd, spin = r->spin_us;

	for (;;) {
		n = recv_fd(sock, &q, sizeof(q), &fd, spin);
		if (fd >= 0)
			close(fd);
		if (n == 0)
			return 0;
		if (n != sizeof(q))
			return -1;
		cpu = sched_getcpu();
		s->sampled++;
		s->same += q.cpu == cpu;
		/* Go where the child runs: its wake-up is then a local one. */
		if (r->follow && q.cpu >= 0 && q.cpu != cpu)
			bench_move_to(q.cpu);
		/* Spinning where the child would run only delays it. */
		spin = r->spin_apart && q.cpu == cpu ? 0 : r->spin_us;
		if (sock_answer(sock, &q, path) == -1)
			return -1;
	}
}

static int
sock_answer(int sock, const struct sreq *q, const char *path)
{
	struct srep p;
	ssize_t n;
	int fd = -1;

	p.err = 0;
	p.cpu = sched_getcpu();
	switch (q->op) {
	case BENCH_OPEN:
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			p.err = errno;
		n = send_fd(sock, &p, SREP_SHORT, fd);
		if (fd >= 0)
			close(fd);
		break;
	case BENCH_STAT:
		if (fstatat(AT_FDCWD, path, &p.st, 0) == -1)
			p.err = errno;
		n = send_fd(sock, &p, sizeof(p), -1);
		break;
	default:
		p.err = EACCES;
		n = send_fd(sock, &p, SREP_SHORT, -1);
		break;
	}
	return n == -1 && errno != EPIPE ? -1 : 0;
}

int
floor_socket(const struct bench_run *r, const struct bench_files *f,
    struct bench_slot *s)
{
	int64_t c0;
	pid_t pid;
	int rc, sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	c0 = bench_cpu(1);
	if (bench_pin(r->pin) == -1 || (pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		bench_unpin();
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		sock_child(sv[1], r, s);
	}
	close(sv[1]);
	bench_pin_parent(r->pin);
	rc = sock_serve(sv[0], r, f->okfile, s);
	/* On failure the child reads EOF, fails its request and exits. */
	close(sv[0]);
	if (bench_reap(pid) == -1)
		rc = -1;
	s->bcpu = bench_cpu(1) - c0;
	bench_unpin();
	return rc;
}

/*
 * The notify floor's filter: openat and newfstatat go to the listener,
 * everything else is allowed.  Raw BPF, so the floor owes nothing to
 * libseccomp.
 */
static int
notify_filter(void)
{
#ifdef FLOOR_ARCH
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FLOOR_ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_newfstatat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int
floor_notify_supported(void)
{
#ifdef FLOOR_ARCH
	return 1;
#else
	return 0;
#endif
}

/*
 * The confined side: install the filter, hand the listener to the parent,
 * wait for its go (so that the listener's flags are set before the first
 * request), then make plain system calls.
 */
static void
notify_child(int sock, const struct bench_run *r, const struct bench_files *f,
    struct bench_slot *s)
{
	struct bench_raw raw = { r->op, f->okfile, EACCES };
	char c;
	int lfd;

	if (r->op == BENCH_DENY)
		raw.path = f->denyfile;
	bench_pin_child(r->pin);
	if ((lfd = notify_filter()) == -1) {
		s->err = errno;
		_exit(1);
	}
	if (send_fd(sock, "L", 1, lfd) != 1 || read(sock, &c, 1) != 1) {
		s->err = errno != 0 ? errno : EPROTO;
		_exit(1);
	}
	close(lfd);
	bench_loop(s, bench_raw_op, &raw, r);
	_exit(0);
}

/* Receive the listener, set its flags, let the child start. */
static int
notify_setup(int sock, const struct bench_run *r)
{
	char c;
	int lfd;

	if (recv_fd(sock, &c, 1, &lfd, 0) != 1 || lfd == -1) {
		errno = errno != 0 ? errno : EPROTO;
		return bench_close(lfd);
	}
	if (r->sync_wake && ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == -1)
		return bench_close(lfd);
	if (write(sock, "G", 1) != 1)
		return bench_close(lfd);
	return lfd;
}

/* 1: a notification is waiting; 0: no task uses the filter any more. */
static int
notify_wait(int lfd, int spin_us)
{
	struct pollfd p = { lfd, POLLIN, 0 };
	int64_t end = 0;
	int n, timeout = spin_us > 0 ? 0 : -1;

	if (spin_us > 0)
		end = bench_now() + spin_us * 1000LL;
	for (;;) {
		p.revents = 0;
		n = poll(&p, 1, timeout);
		if (n == -1 && errno != EINTR)
			return -1;
		if (n > 0 && (p.revents & POLLIN))
			return 1;
		if (n > 0)
			return 0;
		if (timeout == 0 && bench_now() >= end)
			timeout = -1;
	}
}

/*
 * Without @r->follow, the child's CPU is sampled once every 16 requests
 * only: the /proc read costs a few microseconds.
 */
static int
notify_serve(int lfd, const struct bench_run *r, const char *path,
    int statfd, struct bench_slot *s)
{
	struct seccomp_notif req;
	unsigned long n = 0;
	int cpu, me, rc;

	while ((rc = notify_wait(lfd, r->spin_us)) == 1) {
		memset(&req, 0, sizeof(req));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == -1) {
			/* ENOENT: the target died before we read it. */
			if (errno == EINTR || errno == ENOENT)
				continue;
			return -1;
		}
		if ((r->follow || n++ % 16 == 0) &&
		    (cpu = last_cpu(statfd)) >= 0) {
			me = sched_getcpu();
			s->sampled++;
			s->same += cpu == me;
			if (r->follow && cpu != me)
				bench_move_to(cpu);
		}
		if (notify_answer(lfd, &req, r->op, path) == -1)
			return -1;
	}
	return rc;
}

static int
notify_answer(int lfd, const struct seccomp_notif *req, enum bench_op op,
    const char *path)
{
	struct seccomp_notif_addfd add;
	struct seccomp_notif_resp resp;
	int fd, rc;

	if (op == BENCH_OPEN) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		memset(&add, 0, sizeof(add));
		add.id = req->id;
		add.flags = SECCOMP_ADDFD_FLAG_SEND;
		add.srcfd = (uint32_t)fd;
		add.newfd_flags = O_CLOEXEC;
		rc = ioctl(lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
		close(fd);
	} else {
		memset(&resp, 0, sizeof(resp));
		resp.id = req->id;
		resp.error = op == BENCH_DENY ? -EACCES : 0;
		rc = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return rc == -1 && errno != ENOENT ? -1 : 0;
}

/*
 * The CPU the target last ran on: field 39 of /proc/PID/stat.  The
 * command name (field 2) may hold spaces and parentheses, so count from
 * the last ')'.
 */
static int
last_cpu(int statfd)
{
	char buf[1024], *p;
	ssize_t n;
	int field;

	if ((n = pread(statfd, buf, sizeof(buf) - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (field = 2; field < 39 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	return p != NULL ? atoi(p + 1) : -1;
}

int
floor_notify(const struct bench_run *r, const struct bench_files *f,
    struct bench_slot *s)
{
	char statpath[64];
	int64_t c0;
	pid_t pid;
	int lfd = -1, rc = -1, statfd = -1, sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	c0 = bench_cpu(1);
	if (bench_pin(r->pin) == -1 || (pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		bench_unpin();
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		notify_child(sv[1], r, f, s);
	}
	close(sv[1]);
	bench_pin_parent(r->pin);
	snprintf(statpath, sizeof(statpath), "/proc/%d/stat", (int)pid);
	statfd = open(statpath, O_RDONLY | O_CLOEXEC);
	if ((lfd = notify_setup(sv[0], r)) >= 0)
		rc = notify_serve(lfd, r, f->okfile, statfd, s);
	if (rc == -1 && s->err == 0)
		s->err = errno != 0 ? errno : EIO;
	/* Without a listener the child's next openat fails with ENOSYS. */
	bench_close(lfd);
	bench_close(statfd);
	close(sv[0]);
	if (bench_reap(pid) == -1)
		rc = -1;
	s->bcpu = bench_cpu(1) - c0;
	bench_unpin();
	return rc == -1 ? -1 : 0;
}
