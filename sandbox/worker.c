/* SPDX-License-Identifier: MIT */
/*
 * worker.c: the library's privilege-separation pattern (SPEC §5): fork a
 * worker with a SOCK_SEQPACKET channel to the broker, lock it down with
 * the filter of filter.c, run the caller's function, and later serve the
 * broker until that worker exits.  It owns the worker's life cycle, from
 * fork to reaping; requests themselves belong to the socket transport.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "broker.h"
#include "fd.h"
#include "fdbroker.h"
#include "filter.h"
#include "loop.h"

#ifndef P_PIDFD
#define P_PIDFD		3
#endif

static void	worker_main(int, pid_t, fdb_worker_fn, void *)
		    __attribute__((noreturn));
static int	close_inherited(int);
static int	reap(pid_t, int *);
static void	on_exit_ready(void *, int, unsigned);

FDB_API pid_t
fdb_broker_fork_worker(struct fdb_broker *b, fdb_worker_fn fn, void *arg)
{
	int save_errno, sv[2];
	pid_t broker, pid;
	int one = 1;

	if (b == NULL || fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	/*
	 * Credentials are attached to a message only if the receiver asked
	 * before it was sent: ask now, before the worker can send anything.
	 */
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ==
	    -1) {
		fd_close(sv[0]);
		fd_close(sv[1]);
		return -1;
	}
	/* Taken before fork: in the child, getppid() could already be 1. */
	broker = getpid();
	if ((pid = fork()) == -1) {
		fd_close(sv[0]);
		fd_close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		fd_close(sv[0]);
		worker_main(sv[1], broker, fn, arg);
	}
	fd_close(sv[1]);
	if (fdb_broker_add_channel(b, sv[0], pid) == -1) {
		/* The worker must not run unserved: its fdb_open would hang. */
		save_errno = errno;
		kill(pid, SIGKILL);
		reap(pid, NULL);
		errno = save_errno;
		return -1;
	}
	return pid;
}

/*
 * The worker.  Nothing here may return into the caller's stack frames, and
 * atexit handlers and stdio buffers are the broker's, inherited by fork:
 * only _exit().
 */
static void
worker_main(int chan, pid_t broker, fdb_worker_fn fn, void *arg)
{
	if (close_inherited(chan) == -1 || filter_lockdown(broker) == -1)
		_exit(FDB_EXIT_LOCKDOWN);
	_exit(fn(chan, arg) & 0xff);
}

/*
 * fork() hands the worker every descriptor of the broker process: the
 * epoll set, the broker's ends of other workers' channels (a worker could
 * read their requests and answer them), the resolver's directories.  They
 * are all close-on-exec, as every descriptor of this library is, so the
 * worker starts as if it had exec'd: descriptors marked FD_CLOEXEC are
 * closed, except @chan and 0-2; those the caller cleared the flag on stay.
 * The list is read with getdents64 into a stack buffer (no malloc after
 * fork), closing as we go: /proc/self/fd is indexed by number, so closing
 * an entry does not move the ones after it.  No /proc: fail closed.
 */
static int
close_inherited(int chan)
{
	char buf[4096] __attribute__((aligned(8)));
	struct dirent64 *de;
	long n, off;
	int dir, fd, flags;

	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir == -1)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += de->d_reclen) {
			de = (struct dirent64 *)(buf + off);
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			fd = atoi(de->d_name);
			if (fd <= STDERR_FILENO || fd == chan || fd == dir)
				continue;
			flags = fcntl(fd, F_GETFD);
			if (flags != -1 && (flags & FD_CLOEXEC))
				close(fd);
		}
	}
	fd_close(dir);
	return n == 0 ? 0 : -1;
}

FDB_API int
fdb_broker_wait(struct fdb_broker *b, pid_t pid, int *status)
{
	struct loop *l;
	siginfo_t si;
	int done = 0, pidfd, rc = 0;

	if (b == NULL || pid <= 0) {
		errno = b == NULL ? EINVAL : ECHILD;
		return -1;
	}
	if ((pidfd = syscall(SYS_pidfd_open, pid, 0)) == -1) {
		/* No such process, or a thread id: not a worker either way. */
		if (errno == ESRCH || errno == EINVAL)
			errno = ECHILD;
		return -1;
	}
	/*
	 * Checked through the pidfd, not the pid: the pidfd names one process
	 * for good, so a pid that was reaped elsewhere and reused since cannot
	 * pass for our worker.  WNOWAIT leaves it to be reaped below.
	 */
	memset(&si, 0, sizeof(si));
	if (waitid((idtype_t)P_PIDFD, pidfd, &si,
	    WEXITED | WNOHANG | WNOWAIT) == -1) {
		fd_close(pidfd);
		return -1;
	}
	l = broker_loop(b);
	if (loop_add(l, pidfd, on_exit_ready, NULL, &done) == -1) {
		fd_close(pidfd);
		return -1;
	}
	/* Other channels are served meanwhile; a signal is not our business. */
	while (!done && rc == 0)
		if (fdb_broker_serve(b, -1) == -1 && errno != EINTR)
			rc = -1;
	loop_remove(l, pidfd);
	fd_close(pidfd);
	return rc == 0 ? reap(pid, status) : -1;
}

/* A pidfd becomes readable when its process has exited. */
static void
on_exit_ready(void *arg, int fd, unsigned events)
{
	int *done = arg;

	(void)fd;
	(void)events;
	*done = 1;
}

static int
reap(pid_t pid, int *status)
{
	int rc, st;

	while ((rc = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	if (rc == -1)
		return -1;
	if (status != NULL)
		*status = st;
	return 0;
}
