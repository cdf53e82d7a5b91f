/* SPDX-License-Identifier: MIT */
/*
 * anchor.c: the anchor process and the sweep (anchor.h).  Owns the
 * sandbox's process tree: who is in it (everything below the anchor) and
 * when it ends.  It never reads what the command sends and never runs
 * the command's code; it does not talk to the broker except through its
 * exit and one int of wait status.
 *
 * Why a process of its own, and not the broker: nothing in the kernel
 * kills a process tree when an arbitrary process dies, short of a PID
 * namespace (which needs user namespaces, SPEC §1) or a cgroup (see
 * README: not writable everywhere, and a confined broker could not remove
 * it).  The parent-death signal reaches only a direct child and is
 * cleared by fork(), and the broker may be killed with SIGKILL.  So a
 * process that outlives the broker by design must end the sandbox: the
 * anchor, a child subreaper that every orphan below it comes back to,
 * told of the broker's death by its own parent-death signal.  It keeps
 * no state that the command can reach, and the filter refuses signals to
 * it as to the broker.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anchor.h"
#include "procstat.h"
#include "fd.h"

/* One process as /proc showed it. */
struct proc {
	pid_t pid;
	pid_t ppid;
	unsigned long long start;	/* clock ticks after boot */
};

static void	 command(const struct anchor_opts *o, pid_t self)
		    __attribute__((noreturn));
static int	 wait_command(const sigset_t *set, pid_t cmd, int *status);
static int	 reap(pid_t cmd, int *status);
static int	 kill_tree(int sig);
static int	 scan(DIR *d, struct proc **v, size_t *n);
static int	 read_stat(int procfd, pid_t pid, struct proc *p);
static int	 below(const struct proc *v, size_t n, const struct proc *p,
		    pid_t root);
static void	 kill_one(int procfd, const struct proc *p, pid_t self,
		    int sig);
static int	 by_pid(const void *a, const void *b);

int
anchor_signal(void)
{
	return SIGRTMAX;
}

int
anchor_term_signal(void)
{
	return SIGRTMAX - 1;
}

void
anchor_run(const struct anchor_opts *o)
{
	sigset_t set;
	pid_t self = getpid(), cmd;
	int status;
	size_t i;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, anchor_signal());
	sigaddset(&set, anchor_term_signal());
	for (i = 0; i < o->nforward; i++)
		sigaddset(&set, o->forward[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* Not "fdbroker-run": pkill fdbroker-run must leave us to clean up. */
	(void)prctl(PR_SET_NAME, "fdbroker-anchor");
	/* A broker gone before us, and a report nobody reads: no SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ||
	    prctl(PR_SET_PDEATHSIG, anchor_signal()) == -1 ||
	    getppid() != o->broker || (cmd = fork()) == -1)
		_exit(125);
	if (cmd == 0)
		command(o, self);
	fd_close(o->handover);
	/*
	 * A process group of our own, after the command has left with the
	 * broker's (it keeps the terminal's job): a signal to that group,
	 * such as kill -9 %1, kills the broker but not us.
	 */
	(void)setpgid(0, 0);
	if (wait_command(&set, cmd, &status) == 0) {
		(void)anchor_sweep();
		if (o->at_end != NULL)
			o->at_end(o->end_arg);
		(void)!write(o->report, &status, sizeof(status));
	} else {
		(void)anchor_sweep();
		if (o->at_end != NULL)
			o->at_end(o->end_arg);
	}
	_exit(0);
}

/*
 * The command's process.  Its own parent-death signal covers the window
 * in which the anchor could die by an outside hand: the broker, also a
 * subreaper, then sweeps the rest.
 */
static void
command(const struct anchor_opts *o, pid_t self)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != self)
		_exit(125);
	signal(SIGPIPE, SIG_DFL);
	o->command(o->arg);
	_exit(125);
}

/*
 * Until the command exits (0, with its wait status) or the sandbox must
 * end at once (-1): the broker died (parent-death signal) or asked.
 * anchor_term_signal() asks for SIGTERM to the whole tree (--timeout).
 * Other signals are the broker's forwarding, relayed to the command,
 * which is not reaped yet, so its pid is still its own.
 */
static int
wait_command(const sigset_t *set, pid_t cmd, int *status)
{
	siginfo_t si;

	for (;;) {
		if (sigwaitinfo(set, &si) == -1)
			continue;
		if (si.si_signo == SIGCHLD) {
			if (reap(cmd, status))
				return 0;
		} else if (si.si_signo == anchor_signal())
			return -1;
		else if (si.si_signo == anchor_term_signal())
			(void)kill_tree(SIGTERM);
		else
			(void)kill(cmd, si.si_signo);
	}
}

/* Reap what has exited (orphans too); 1 once the command is among them. */
static int
reap(pid_t cmd, int *status)
{
	pid_t pid;
	int st, found = 0;

	while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
		if (pid == cmd) {
			*status = st;
			found = 1;
		}
	}
	return found;
}

/*
 * Each round kills every descendant /proc shows, then waits for one of
 * our children to die.  What a process forked before it was killed
 * comes back to us when it dies (we are a subreaper), and the next round
 * kills it; a process being killed cannot fork.  So the loop ends only
 * when we have no child at all, and nothing below us is left.  Killing
 * the whole tree each round, not only our children, is what keeps a
 * process that forks faster than one layer a round from outrunning it.
 */
int
anchor_sweep(void)
{
	int st;
	pid_t pid;

	/*
	 * No child at all, not even one to reap: nothing is below us (a
	 * descendant's parent is below us or is us), and /proc need not be
	 * read.  The loop's own end, tested first.
	 */
	if (waitpid(-1, &st, WNOHANG | __WALL) == -1 && errno == ECHILD)
		return 0;
	for (;;) {
		/* Without /proc nothing can be killed: waiting would hang. */
		if (kill_tree(SIGKILL) == -1)
			return -1;
		pid = waitpid(-1, &st, __WALL);
		if (pid == -1 && errno == ECHILD)
			return 0;
		if (pid == -1 && errno != EINTR)
			return -1;
		while (waitpid(-1, &st, WNOHANG | __WALL) > 0)
			;
	}
}

/* One round: @sig to every process below us in a snapshot of /proc. */
static int
kill_tree(int sig)
{
	struct proc *v = NULL;
	pid_t self = getpid();
	size_t n = 0, i;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	if (scan(d, &v, &n) == -1) {
		closedir(d);
		return -1;
	}
	qsort(v, n, sizeof(*v), by_pid);
	for (i = 0; i < n; i++)
		if (below(v, n, &v[i], self))
			kill_one(dirfd(d), &v[i], self, sig);
	free(v);
	closedir(d);
	return 0;
}

/* Every process of @d (/proc), with its parent and start time. */
static int
scan(DIR *d, struct proc **v, size_t *n)
{
	struct dirent *e;
	struct proc p, *nv;
	size_t cap = 0;
	char *end;
	long pid;

	while ((e = readdir(d)) != NULL) {
		pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 ||
		    read_stat(dirfd(d), (pid_t)pid, &p) == -1)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			if ((nv = realloc(*v, cap * sizeof(**v))) == NULL)
				return -1;
			*v = nv;
		}
		(*v)[(*n)++] = p;
	}
	return 0;
}

static int
read_stat(int procfd, pid_t pid, struct proc *p)
{
	p->pid = pid;
	return procstat_read(procfd, pid, &p->ppid, &p->start);
}

/* Whether @p descends from @root in the snapshot @v (sorted by pid). */
static int
below(const struct proc *v, size_t n, const struct proc *p, pid_t root)
{
	struct proc key;
	size_t steps;

	/* A snapshot taken over time may hold a cycle: at most n steps. */
	for (steps = 0; steps < n && p != NULL; steps++) {
		if (p->ppid == root)
			return 1;
		if (p->ppid <= 1)
			return 0;
		key.pid = p->ppid;
		p = bsearch(&key, v, n, sizeof(*v), by_pid);
	}
	return 0;
}

static void
kill_one(int procfd, const struct proc *p, pid_t self, int sig)
{
	struct proc now;
	int fd;

	/* Our own child: its pid stays its own until we reap it. */
	if (p->ppid == self) {
		(void)kill(p->pid, sig);
		return;
	}
	/*
	 * Deeper, its parent may have reaped it and the pid gone to a
	 * process outside the sandbox.  A pidfd names one process for good;
	 * /proc read after it was taken shows the same start time only if
	 * that process is the one of the snapshot, alive all along.
	 */
	if ((fd = (int)syscall(SYS_pidfd_open, p->pid, 0)) == -1)
		return;
	if (read_stat(procfd, p->pid, &now) == 0 && now.start == p->start)
		(void)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	fd_close(fd);
}

static int
by_pid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}
