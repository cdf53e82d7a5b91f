/* SPDX-License-Identifier: MIT */
/*
 * notify-proc.c: the calls of an fdbroker-run command that name another
 * process by number (notify-proc.h).  It owns the one answer to "is this
 * process the sandbox's": a thread of the requester, or a descendant of
 * the broker, whose only child is the command.  It decides nothing about
 * files.
 *
 * Each call is made by the broker, never answered with CONTINUE: after
 * CONTINUE the kernel looks the pid up again, and by then the number may
 * name another process (pids are reused).  The broker takes a pidfd of
 * the target before it looks at it, acts by number, and checks after the
 * act that the pidfd's process is still alive: a pid is not given to a
 * new process while the old one lives (or is a zombie), so then the act
 * reached the process checked.  What remains: a target that dies, is
 * reaped, and whose number an outside process gets, all between the
 * check and the act (a few of the broker's system calls), is acted on;
 * the broker sees it after (the pidfd's process is gone) and answers
 * ESRCH, but cannot undo it.
 *
 * Signals need no such bet: the broker sends them through the pidfd,
 * which names one process for good.  The receiver then sees the broker
 * as the sender (si_pid).  A signal to the requester's own thread group
 * (raise(), pthread_kill(), glibc's own SIGCANCEL and SIGSETXID, which
 * check the sender) is answered with CONTINUE: the tgid is a register,
 * the requester is alive so its tgid names it, and the kernel sends
 * only to a thread of that group.  A signal to a process group goes on
 * with CONTINUE too, when every member is the sandbox's: the sandbox
 * cannot put an outside process in a group (setpgid() moves only the
 * caller and its children); what remains is the group dying out and its
 * number being taken by an outside group between the check and the call.
 *
 * The broker acts with its own credentials.  They are the command's
 * unless the command gave some up (it can only drop them: no_new_privs);
 * where they differ the call is refused, so that the broker never lends
 * an id or a capability back.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "notify-proc.h"
#include "procstat.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD		O_EXCL	/* Linux 6.9 */
#endif
#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD	(1U << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1U << 1)
#endif
#define IOPRIO_WHO_PROCESS	1
#define SCHED_ATTR_VER0		48	/* struct sched_attr's first size */
#define STATUS_MAX		8192	/* /proc/N/status is about 1.5 KiB */
#define AFFINITY_MAX		1024	/* a CPU mask of 8192 CPUs */
#define ATTR_MAX		4096	/* the kernel's bound (a page) */

enum proc_kind {
	PROC_PRIO,		/* setpriority(PRIO_PROCESS, who, prio) */
	PROC_IOPRIO,		/* ioprio_set(IOPRIO_WHO_PROCESS, who, prio) */
	PROC_AFFINITY,		/* sched_setaffinity(pid, len, mask) */
	PROC_SCHED,		/* sched_setscheduler(pid, policy, param) */
	PROC_PARAM,		/* sched_setparam(pid, param) */
	PROC_ATTR,		/* sched_setattr(pid, attr, flags) */
	PROC_RLIMIT,		/* prlimit64(pid, resource, new, old) */
	PROC_KILL,		/* kill(pid, sig) */
	PROC_TGKILL,		/* tgkill(tgid, tid, sig) */
	PROC_QUEUE,		/* rt_sigqueueinfo(tgid, sig, info) */
	PROC_TGQUEUE,		/* rt_tgsigqueueinfo(tgid, tid, sig, info) */
	PROC_SETOWN		/* fcntl(fd, F_SETOWN, who) */
};

struct proc_call {
	int nr;
	enum proc_kind kind;
	int pid;		/* the argument that names the target */
	int tid;		/* signals: the thread's, or -1 */
	int sig;		/* signals: the signal's, or -1 */
	int info;		/* signals: the siginfo's, or -1 */
};

static const struct proc_call table[] = {
	{ SYS_setpriority, PROC_PRIO, 1, -1, -1, -1 },
	{ SYS_ioprio_set, PROC_IOPRIO, 1, -1, -1, -1 },
	{ SYS_sched_setaffinity, PROC_AFFINITY, 0, -1, -1, -1 },
	{ SYS_sched_setscheduler, PROC_SCHED, 0, -1, -1, -1 },
	{ SYS_sched_setparam, PROC_PARAM, 0, -1, -1, -1 },
	{ SYS_sched_setattr, PROC_ATTR, 0, -1, -1, -1 },
	{ SYS_prlimit64, PROC_RLIMIT, 0, -1, -1, -1 },
	{ SYS_kill, PROC_KILL, 0, -1, 1, -1 },
	{ SYS_tgkill, PROC_TGKILL, 0, 1, 2, -1 },
	{ SYS_rt_sigqueueinfo, PROC_QUEUE, 0, -1, 1, 2 },
	{ SYS_rt_tgsigqueueinfo, PROC_TGQUEUE, 0, 1, 2, 3 },
	{ SYS_fcntl, PROC_SETOWN, 2, -1, -1, -1 },
};

#define NCALLS	(sizeof(table) / sizeof(table[0]))

/* What /proc/N/status says of N. */
struct pstatus {
	pid_t tgid;
	pid_t ppid;
	char ids[256];		/* its Uid:, Gid: and CapEff: lines */
};

/* The kernel's struct rlimit64. */
struct rlim64 {
	uint64_t cur;
	uint64_t max;
};

/* One call being served: the arguments read once from the requester. */
struct proc_req {
	struct notify_call *c;
	pid_t anchor;		/* the sandbox is below it */
	struct notify_signal *out;	/* a signal to send after */
	const struct proc_call *p;
	pid_t tid;		/* the target (0 in the call: the caller) */
	int pidfd;		/* of the target, taken before the check */
	int thread_fd;		/* pidfd is of a thread (PIDFD_THREAD) */
	size_t len;		/* bytes of buf read */
	int has_new;		/* prlimit64: a new limit was given */
	union {
		unsigned char mask[AFFINITY_MAX];
		struct sched_param param;
		unsigned char attr[ATTR_MAX];
		struct rlim64 lim;
		siginfo_t info;
	} buf;
	struct rlim64 old;
};

static const struct proc_call *find(int nr);
static uint64_t	 arg(const struct proc_req *q, int i);
static void	 serve(struct proc_req *q, struct notify_reply *r);
static void	 serve_signal(struct proc_req *q, struct notify_reply *r);
static int	 own_group(struct proc_req *q, pid_t self);
static long	 send_signal(struct proc_req *q);
static int	 set_owner(struct proc_req *q);
static int	 group_in_sandbox(pid_t pgid, pid_t self, pid_t anchor);
static pid_t	 pgid_of(pid_t pid);
static int	 decode(struct proc_req *q);
static int	 read_args(struct proc_req *q);
static int	 read_attr(struct proc_req *q);
static long	 act(struct proc_req *q);
static int	 write_back(struct proc_req *q, long rc, int err);
static int	 pin(struct proc_req *q);
static int	 alive(int pidfd);
static int	 same_creds(struct notify_call *c);
static int	 in_sandbox(const struct pstatus *ps, pid_t self,
		    pid_t anchor);
static int	 read_status(pid_t pid, struct pstatus *ps);
static void	 copy_line(const char *buf, const char *key,
		    struct pstatus *ps);
static void	 answer(struct notify_reply *r, long rc, int err);

int
notify_proc_serve(struct notify_call *c, pid_t anchor,
		  struct notify_reply *r, struct notify_signal *s)
{
	struct proc_req *q;

	if (find(c->n->data.nr) == NULL)
		return 0;
	/* A CPU mask and a sched_attr: too large for the broker's stack. */
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		answer(r, -1, ENOMEM);
		return 1;
	}
	q->c = c;
	q->anchor = anchor;
	q->out = s;
	q->p = find(c->n->data.nr);
	q->pidfd = -1;
	if (q->p->kind >= PROC_KILL)
		serve_signal(q, r);
	else
		serve(q, r);
	fd_close(q->pidfd);
	free(q);
	return 1;
}

void
notify_proc_send(struct notify_signal *s)
{
	if (s->pidfd < 0)
		return;
	(void)syscall(SYS_pidfd_send_signal, s->pidfd, s->sig,
	    s->has_info ? &s->info : NULL, s->flags);
	s->pidfd = fd_close(s->pidfd);
}

/* Scheduling, priority and limits: pin, check, act, check again. */
static void
serve(struct proc_req *q, struct notify_reply *r)
{
	long rc;
	int err;

	if (decode(q) == -1 || same_creds(q->c) == -1 ||
	    read_args(q) == -1 || pin(q) == -1)
		return answer(r, -1, errno);
	rc = act(q);
	err = errno;
	/* Gone meanwhile: its pid may have named another process. */
	if (!alive(q->pidfd))
		answer(r, -1, ESRCH);
	else if (write_back(q, rc, err) == -1)
		answer(r, -1, errno);
	else
		answer(r, rc, err);
}

/* Rows begin with the number (see notify_find_row()). */
static const struct proc_call *
find(int nr)
{
	return notify_find_row(table, NCALLS, sizeof(table[0]), nr);
}

static uint64_t
arg(const struct proc_req *q, int i)
{
	return q->c->n->data.args[i];
}

/*
 * The target and what the call passes in memory, read once.  The
 * filter sends only PRIO_PROCESS and IOPRIO_WHO_PROCESS here; the
 * kernel reads int arguments as 32 bits, and so does this.  A group or
 * a user reaches every process in it, outside ones too: refused.
 */
static int
decode(struct proc_req *q)
{
	pid_t who = (pid_t)arg(q, q->p->pid);

	if ((q->p->kind == PROC_PRIO && (int)arg(q, 0) != PRIO_PROCESS) ||
	    (q->p->kind == PROC_IOPRIO &&
	    (int)arg(q, 0) != IOPRIO_WHO_PROCESS))
		return errno = EPERM, -1;
	if (who < 0)
		return errno = ESRCH, -1;
	/* 0 is the calling thread (its process, for prlimit64). */
	q->tid = who != 0 ? who : q->c->tid;
	return 0;
}

static int
read_args(struct proc_req *q)
{
	struct notify_call *c = q->c;
	uint64_t at;

	switch (q->p->kind) {
	case PROC_AFFINITY:
		q->len = (uint32_t)arg(q, 1);
		if (q->len > AFFINITY_MAX)
			q->len = AFFINITY_MAX;
		return notify_target(c, 0) == -1 ? -1 :
		    notify_read(c, arg(q, 2), q->buf.mask, q->len);
	case PROC_SCHED:
	case PROC_PARAM:
		/* NULL: the kernel's EINVAL, from the broker's call. */
		if ((at = arg(q, q->p->kind == PROC_SCHED ? 2 : 1)) == 0)
			return 0;
		q->len = sizeof(q->buf.param);
		if (notify_target(c, 0) == -1)
			return -1;
		return notify_read(c, at, &q->buf.param, q->len);
	case PROC_ATTR:
		return read_attr(q);
	case PROC_RLIMIT:
		if (notify_target(c, arg(q, 3) != 0) == -1)
			return -1;
		q->has_new = arg(q, 2) != 0;
		return q->has_new ? notify_read(c, arg(q, 2), &q->buf.lim,
		    sizeof(q->buf.lim)) : 0;
	default:
		return 0;
	}
}

/*
 * struct sched_attr grows: its first field is its size (0: the first
 * version).  What the kernel would read is read once, at most a page;
 * the kernel checks the copy as it would the original (sizes out of
 * bounds: E2BIG, a larger struct's unknown fields: zero), and on E2BIG
 * writes the size it knows into it, which goes back (write_back()).
 */
static int
read_attr(struct proc_req *q)
{
	uint32_t size;

	if (notify_target(q->c, 1) == -1 ||
	    notify_read(q->c, arg(q, 1), &size, sizeof(size)) == -1)
		return -1;
	if (size == 0)
		size = SCHED_ATTR_VER0;
	q->len = size > ATTR_MAX ? ATTR_MAX : size;
	if (q->len < sizeof(size))
		q->len = sizeof(size);
	return notify_read(q->c, arg(q, 1), q->buf.attr, q->len);
}

/* The call itself, on the broker's copy of the arguments. */
static long
act(struct proc_req *q)
{
	const void *p = q->len != 0 ? (const void *)&q->buf : NULL;

	switch (q->p->kind) {
	case PROC_PRIO:
		return syscall(SYS_setpriority, PRIO_PROCESS, q->tid,
		    (int)arg(q, 2));
	case PROC_IOPRIO:
		return syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, q->tid,
		    (int)arg(q, 2));
	case PROC_AFFINITY:
		return syscall(SYS_sched_setaffinity, q->tid, q->len, p);
	case PROC_SCHED:
		return syscall(SYS_sched_setscheduler, q->tid,
		    (int)arg(q, 1), p);
	case PROC_PARAM:
		return syscall(SYS_sched_setparam, q->tid, p);
	case PROC_ATTR:
		return syscall(SYS_sched_setattr, q->tid, p,
		    (unsigned)arg(q, 2));
	case PROC_RLIMIT:
		return syscall(SYS_prlimit64, q->tid, (unsigned)arg(q, 1),
		    q->has_new ? &q->buf.lim : NULL,
		    arg(q, 3) != 0 ? &q->old : NULL);
	default:
		break;		/* signals: serve_signal() */
	}
	errno = ENOSYS;
	return -1;
}

/*
 * What the call returns in memory: prlimit64's old limit, or the size
 * sched_setattr knows after E2BIG.  Through the memory handle proven the
 * requester's (notify_target()).  @rc and @err: the call's result.
 */
static int
write_back(struct proc_req *q, long rc, int err)
{
	if (q->p->kind == PROC_RLIMIT && rc == 0 && arg(q, 3) != 0)
		return notify_write(q->c, arg(q, 3), &q->old, sizeof(q->old));
	if (q->p->kind == PROC_ATTR && rc == -1 && err == E2BIG)
		return notify_write(q->c, arg(q, 1), q->buf.attr,
		    sizeof(uint32_t));
	return 0;
}

/*
 * Signals, and F_SETOWN (which names who gets SIGIO, or with F_SETSIG
 * any signal, later).  To the requester's own thread group: CONTINUE.
 * To a process or thread of the sandbox: sent (or the owner set) by the
 * broker on a pidfd.  To a group whose every member is the sandbox's:
 * CONTINUE.  Anything else fails as if there were no such process
 * (ESRCH), so that a sweep over pids learns nothing; kill(-1) is EPERM.
 */
static void
serve_signal(struct proc_req *q, struct notify_reply *r)
{
	pid_t who = (pid_t)arg(q, q->p->pid), self;
	long rc;

	if (q->p->kind == PROC_SETOWN && (unsigned)arg(q, 1) != F_SETOWN)
		return answer(r, -1, ENOSYS);	/* not sent by the filter */
	if ((self = notify_pid(q->c)) <= 0)
		return answer(r, -1, ESRCH);
	if (who == self || (who == 0 && q->p->kind == PROC_SETOWN)) {
		r->kind = NOTIFY_CONTINUE;
		return;
	}
	if (who == -1 && q->p->kind == PROC_KILL)
		return answer(r, -1, EPERM);
	if (who <= 0 && (q->p->kind == PROC_KILL ||
	    q->p->kind == PROC_SETOWN)) {
		if (own_group(q, self) == -1)
			return answer(r, -1, errno);
		r->kind = NOTIFY_CONTINUE;
		return;
	}
	if (who <= 0)
		return answer(r, -1, EINVAL);	/* the kernel's answer */
	rc = q->p->kind == PROC_SETOWN ? set_owner(q) : send_signal(q);
	answer(r, rc, errno);
}

/*
 * kill(-pgid), F_SETOWN(-pgid): the group must have members, all of them
 * the sandbox's.  0, or -1 with errno.
 */
static int
own_group(struct proc_req *q, pid_t self)
{
	pid_t pgid = -(pid_t)arg(q, q->p->pid);

	/* kill(0) is notify-kill.c's: the caller's group, not a number. */
	if (pgid <= 0)
		return errno = EPERM, -1;
	return group_in_sandbox(pgid, self, q->anchor);
}

/* The signal, through a pidfd of a process or thread of the sandbox. */
static long
send_signal(struct proc_req *q)
{
	unsigned flags = 0;
	int sig = (int)arg(q, q->p->sig);

	if (q->p->tid >= 0) {
		if ((pid_t)arg(q, q->p->tid) <= 0)
			return errno = EINVAL, -1;
		q->tid = (pid_t)arg(q, q->p->tid);
	} else
		q->tid = (pid_t)arg(q, q->p->pid);
	if (q->p->info >= 0 && (notify_target(q->c, 0) == -1 ||
	    notify_read(q->c, arg(q, q->p->info), &q->buf.info,
	    sizeof(q->buf.info)) == -1))
		return -1;
	if (same_creds(q->c) == -1)
		return -1;
	if (pin(q) == -1)
		return errno = errno == EPERM ? ESRCH : errno, -1;
	/* kill(tid) reaches the whole group of that thread, as the kernel's. */
	if (q->thread_fd)
		flags = q->p->tid >= 0 ? PIDFD_SIGNAL_THREAD :
		    PIDFD_SIGNAL_THREAD_GROUP;
	/* Checked: the signal goes once the answer is out. */
	q->out->pidfd = q->pidfd;
	q->pidfd = -1;
	q->out->sig = sig;
	q->out->has_info = q->p->info >= 0;
	q->out->info = q->buf.info;
	q->out->flags = flags;
	return 0;
}

/*
 * F_SETOWN to a process of the sandbox: set by the broker on its copy of
 * the very open file (the owner belongs to the open file, shared with
 * the requester's descriptor).  The kernel keeps the owner as a process,
 * not a number, so the check holds for as long as the owner is set.
 */
static int
set_owner(struct proc_req *q)
{
	int fd, rc, err;

	q->tid = (pid_t)arg(q, q->p->pid);
	if (same_creds(q->c) == -1)
		return -1;
	if (pin(q) == -1)
		return errno = errno == EPERM ? ESRCH : errno, -1;
	if ((fd = notify_getfd(q->c, (int)arg(q, 0))) == -1)
		return -1;
	rc = fcntl(fd, F_SETOWN, (int)q->tid);
	err = errno;
	fd_close(fd);
	if (!alive(q->pidfd))
		return errno = ESRCH, -1;
	return rc == -1 ? (errno = err, -1) : 0;
}

/*
 * Whether group @pgid has members and all are the sandbox's: 0, or -1
 * with ESRCH (none) or EPERM (one is not).
 */
static int
group_in_sandbox(pid_t pgid, pid_t self, pid_t anchor)
{
	struct pstatus ps;
	struct dirent *de;
	DIR *d;
	pid_t pid;
	int found = 0, rc = 0;

	if ((d = opendir("/proc")) == NULL)
		return errno = ESRCH, -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if ((pid = (pid_t)strtol(de->d_name, NULL, 10)) <= 0 ||
		    pgid_of(pid) != pgid)
			continue;
		found = 1;
		if (read_status(pid, &ps) == 0 &&
		    !in_sandbox(&ps, self, anchor))
			rc = -1;
	}
	closedir(d);
	if (rc == -1)
		return errno = EPERM, -1;
	return found ? 0 : (errno = ESRCH, -1);
}

/* The process group of @pid, from /proc/@pid/stat; -1 if gone. */
static pid_t
pgid_of(pid_t pid)
{
	char path[64], buf[1024];
	const char *p;
	ssize_t n;
	int fd, ppid, pgrp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	fd_close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The name may hold anything, ')' too: the fields follow the last. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %d %d", &ppid, &pgrp) != 2)
		return -1;
	return (pid_t)pgrp;
}

/*
 * A pidfd of the target, then what /proc says of it: alive() after the
 * act then means "the same process".  0, or -1 with errno: ESRCH (no
 * such process), EPERM (not the sandbox's).
 */
static int
pin(struct proc_req *q)
{
	struct pstatus ps;
	pid_t self;

	q->pidfd = (int)syscall(SYS_pidfd_open, q->tid, PIDFD_THREAD);
	q->thread_fd = q->pidfd >= 0;
	/* Before Linux 6.9 only a thread-group leader has one: refused. */
	if (q->pidfd == -1 && errno == EINVAL)
		q->pidfd = (int)syscall(SYS_pidfd_open, q->tid, 0);
	if (q->pidfd == -1)
		return errno = (errno == EINVAL ? EPERM : ESRCH), -1;
	if ((self = notify_pid(q->c)) <= 0 ||
	    read_status(q->tid, &ps) == -1 || !alive(q->pidfd))
		return errno = ESRCH, -1;
	if (!in_sandbox(&ps, self, q->anchor))
		return errno = EPERM, -1;
	return 0;
}

/*
 * Whether the pidfd's thread or process has not exited.  A thread's
 * pidfd (PIDFD_THREAD) is readable once that thread exits, a process's
 * once all its threads have.
 */
static int
alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return pidfd >= 0 && poll(&p, 1, 0) == 0;
}

/*
 * The requesting thread's ids and effective capabilities are the
 * broker's: else EPERM.  It cannot change its own while it waits here;
 * the status is the requester's if the notification is still valid
 * after the read (a tid is reused only once its thread is gone).
 */
static int
same_creds(struct notify_call *c)
{
	struct pstatus mine, theirs;

	if (read_status(getpid(), &mine) == -1 ||
	    read_status(c->tid, &theirs) == -1 || !notify_valid(c))
		return errno = ESRCH, -1;
	if (strcmp(mine.ids, theirs.ids) != 0)
		return errno = EPERM, -1;
	return 0;
}

/*
 * Whether @ps is the sandbox's: a thread of the requester (@self), or a
 * process below the anchor, not the anchor itself.  The anchor is a
 * child subreaper, so an orphan of the sandbox is reparented to it and
 * stays recognised.  Each ancestor is read by number; one that exits
 * during the walk ends it (refused), and for a wrong "yes" an outside
 * ancestor's pid would have to be taken by a process of the sandbox in
 * that instant.
 */
static int
in_sandbox(const struct pstatus *ps, pid_t self, pid_t anchor)
{
	if (ps->tgid == self)
		return 1;
	if (anchor <= 0 || ps->tgid == anchor)
		return 0;
	return procstat_below(ps->tgid, anchor);
}

/* /proc/@pid/status (of a process or a thread); -1 with ESRCH. */
static int
read_status(pid_t pid, struct pstatus *ps)
{
	char path[64], buf[STATUS_MAX];
	const char *p;
	ssize_t n;
	int fd;

	memset(ps, 0, sizeof(*ps));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (pid <= 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno = ESRCH, -1;
	n = read(fd, buf, sizeof(buf) - 1);
	fd_close(fd);
	if (n <= 0)
		return errno = ESRCH, -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "\nTgid:\t")) != NULL)
		ps->tgid = (pid_t)strtol(p + 7, NULL, 10);
	if ((p = strstr(buf, "\nPPid:\t")) != NULL)
		ps->ppid = (pid_t)strtol(p + 7, NULL, 10);
	copy_line(buf, "\nUid:\t", ps);
	copy_line(buf, "\nGid:\t", ps);
	copy_line(buf, "\nCapEff:\t", ps);
	return ps->tgid > 0 ? 0 : (errno = ESRCH, -1);
}

/* Append the line that starts with @key to ps->ids (or "?"). */
static void
copy_line(const char *buf, const char *key, struct pstatus *ps)
{
	const char *p = strstr(buf, key), *end;
	size_t used = strlen(ps->ids);

	if (p == NULL || (end = strchr(p + 1, '\n')) == NULL)
		p = "?", end = p + 1;
	snprintf(ps->ids + used, sizeof(ps->ids) - used, "%.*s;",
	    (int)(end - p), p);
}

static void
answer(struct notify_reply *r, long rc, int err)
{
	r->kind = NOTIFY_VALUE;
	r->err = rc == -1 ? (err != 0 ? err : EIO) : 0;
	r->val = rc == -1 ? 0 : rc;
}
