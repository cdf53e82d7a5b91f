/* SPDX-License-Identifier: MIT */
/*
 * check_fdpass.c: sending and receiving one descriptor (fdpass.c, and the
 * public fdb_send_fd()/fdb_recv_fd()) over real socketpairs, stream and
 * seqpacket.  The strict cases count the descriptors of the test process
 * before and after: whatever arrived and was refused must be closed.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check-run.h"
#include "fd.h"
#include "fdbroker.h"
#include "fdpass.h"

#define MANY_FDS	64	/* more than fdpass's control buffer holds */

static const int sock_types[] = { SOCK_SEQPACKET, SOCK_STREAM };
static int sv[2] = { -1, -1 };

static void	setup_pair(int type);
static void	teardown(void);
static void	send_fds(int sock, const void *buf, size_t len,
		    const int *fds, int n);
static void	assert_same_file(int a, int b);
static void	on_alarm(int sig);

static void
setup_pair(int type)
{
	ck_assert_int_eq(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
}

static void
teardown(void)
{
	fd_close(sv[0]);
	fd_close(sv[1]);
	sv[0] = sv[1] = -1;
}

/* Raw sendmsg with @n descriptors, to play a peer fdpass_send cannot be. */
static void
send_fds(int sock, const void *buf, size_t len, const int *fds, int n)
{
	size_t space = CMSG_SPACE(sizeof(int) * (size_t)n);
	unsigned char *ctl = calloc(1, space);
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	struct msghdr msg;
	struct cmsghdr *c;

	ck_assert_ptr_nonnull(ctl);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl;
	msg.msg_controllen = space;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	ck_assert_int_eq(sendmsg(sock, &msg, MSG_NOSIGNAL), (ssize_t)len);
	free(ctl);
}

static void
assert_same_file(int a, int b)
{
	struct stat sa, sb;

	ck_assert_int_eq(fstat(a, &sa), 0);
	ck_assert_int_eq(fstat(b, &sb), 0);
	ck_assert_uint_eq(sa.st_dev, sb.st_dev);
	ck_assert_uint_eq(sa.st_ino, sb.st_ino);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* --- round trips ---------------------------------------------------- */

START_TEST(test_fdpass_recv_one_fd)
{
	int p[2], got = -2;
	char out[16] = { 0 };

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	/* The sender's copy has no FD_CLOEXEC: the flag must come from us. */
	ck_assert_int_eq(fcntl(p[1], F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(fdpass_send(sv[0], "hello", 5, p[1], 0), 5);
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), 5);
	ck_assert_str_eq(out, "hello");
	ck_assert_int_ge(got, 0);
	ck_assert_int_ne(got, p[1]);
	ck_assert_int_eq(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_same_file(got, p[1]);
	/* And it is usable: write through it, read from the pipe. */
	ck_assert_int_eq(write(got, "x", 1), 1);
	ck_assert_int_eq(read(p[0], out, 1), 1);
	ck_assert_int_eq(out[0], 'x');
	close(got);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_no_fd)
{
	int got = -2;
	char out[16] = { 0 };

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(fdpass_send(sv[0], "abc", 3, -1, 0), 3);
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), 3);
	ck_assert_int_eq(got, -1);
	ck_assert_str_eq(out, "abc");
	/* A message without descriptor is also fine when none is wanted. */
	ck_assert_int_eq(fdpass_send(sv[0], "de", 2, -1, 0), 2);
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), NULL, 0), 2);
	teardown();
}
END_TEST

START_TEST(test_fdpass_fdb_round_trip)
{
	int p[2], got = -2;
	char out[8];

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fdb_send_fd(sv[0], "q", 1, p[0]), 1);
	ck_assert_int_eq(fdb_recv_fd(sv[1], out, sizeof(out), &got), 1);
	ck_assert_int_ge(got, 0);
	ck_assert_int_eq(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_same_file(got, p[0]);
	close(got);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_fdb_recv_fd_null_slot)
{
	char out[8];

	setup_pair(SOCK_SEQPACKET);
	errno = 0;
	ck_assert_int_eq(fdb_recv_fd(sv[1], out, sizeof(out), NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	teardown();
}
END_TEST

/* --- strict receive: everything unasked for is closed ----------------- */

START_TEST(test_fdpass_recv_two_fds)
{
	int p[2], got = -2, before;
	char out[8];

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	send_fds(sv[0], "2", 1, p, 2);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(fd_count(), before);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_fd_unwanted)
{
	int p[2], before;
	char out[8];

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fdpass_send(sv[0], "1", 1, p[0], 0), 1);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), NULL, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(fd_count(), before);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_ctrunc)
{
	int fds[MANY_FDS], p[2], got = -2, before, i;
	char out[8];

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	for (i = 0; i < MANY_FDS; i++)
		fds[i] = p[i % 2];
	send_fds(sv[0], "m", 1, fds, MANY_FDS);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(fd_count(), before);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_ctrunc_emfile)
{
	struct rlimit old, rl;
	int p[2], got = -2, lowest;
	char out[8];

	/*
	 * With our table full the kernel drops the descriptor and says so
	 * only with MSG_CTRUNC: no control message arrives at all.  The
	 * message must not pass for one sent without descriptor.
	 */
	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fdpass_send(sv[0], "e", 1, p[0], 0), 1);
	lowest = dup(0);
	ck_assert_int_ge(lowest, 0);
	close(lowest);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)lowest;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_trunc)
{
	int p[2], got = -2, before;
	char out[4];

	/* Seqpacket: the rest of a datagram is lost, which is refused. */
	setup_pair(SOCK_SEQPACKET);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fdpass_send(sv[0], "123456789", 9, p[0], 0), 9);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(fd_count(), before);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_stream_partial)
{
	int got = -2;
	char out[4];

	/* Stream: a short read is no truncation; the rest comes next. */
	setup_pair(SOCK_STREAM);
	ck_assert_int_eq(fdpass_send(sv[0], "123456789", 9, -1, 0), 9);
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), 4);
	ck_assert_int_eq(got, -1);
	ck_assert_mem_eq(out, "1234", 4);
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), 4);
	ck_assert_mem_eq(out, "5678", 4);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_credentials)
{
	int on = 1, p[2], got = -2, before;
	char out[8];

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on,
				    sizeof(on)), 0);
	ck_assert_int_eq(pipe(p), 0);
	/* Plain message: the kernel adds SCM_CREDENTIALS by itself. */
	ck_assert_int_eq(fdpass_send(sv[0], "c", 1, -1, 0), 1);
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	/* With a descriptor too: that descriptor must not stay behind. */
	ck_assert_int_eq(fdpass_send(sv[0], "d", 1, p[0], 0), 1);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(fd_count(), before);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

/*
 * fdpass_recv_cred: the sender's pid and, with SO_PASSPIDFD, a pidfd of
 * it that still names it after it exited; anything else is refused with
 * every descriptor closed, the pidfd included.
 */
START_TEST(test_fdpass_recv_cred_pidfd)
{
	struct fdpass_sender s;
	struct pollfd pf;
	int on = 1, go[2], p[2], before, st;
	char out[8], c;
	pid_t pid;

	setup_pair(sock_types[_i]);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on,
				    sizeof(on)), 0);
	if (setsockopt(sv[1], SOL_SOCKET, SO_PASSPIDFD, &on,
		       sizeof(on)) == -1) {
		ck_assert_int_eq(errno, ENOPROTOOPT);	/* before 6.5 */
		teardown();
		return;
	}
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (fdpass_send(sv[0], "a", 1, -1, 0) != 1 ||
		    read(go[0], &c, 1) != 1 ||
		    fdpass_send(sv[0], "b", 1, p[0], 0) != 1)
			_exit(1);
		_exit(0);
	}
	before = fd_count();
	ck_assert_int_eq(fdpass_recv_cred(sv[1], out, sizeof(out), &s, 0), 1);
	ck_assert_int_eq(s.pid, pid);
	ck_assert_int_ge(s.pidfd, 0);
	ck_assert_int_eq(s.pidfd_err, 0);
	pf.fd = s.pidfd;
	pf.events = POLLIN;
	ck_assert_int_eq(poll(&pf, 1, 0), 0);		/* alive */
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(poll(&pf, 1, 0), 1);		/* and gone */
	fd_close(s.pidfd);
	/* A descriptor riding along: refused, nothing left behind. */
	errno = 0;
	ck_assert_int_eq(fdpass_recv_cred(sv[1], out, sizeof(out), &s, 0),
			 -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(s.pidfd, -1);
	ck_assert_int_eq(fd_count(), before);
	close(go[0]);
	close(go[1]);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_pidfd)
{
	int on = 1, got = -2, before;
	char out[8];

	setup_pair(sock_types[_i]);
	if (setsockopt(sv[1], SOL_SOCKET, SO_PASSPIDFD, &on,
		       sizeof(on)) == -1) {
		/* Kernel before 6.5: no pidfd can be installed by recvmsg. */
		ck_assert_int_eq(errno, ENOPROTOOPT);
		teardown();
		return;
	}
	ck_assert_int_eq(fdpass_send(sv[0], "p", 1, -1, 0), 1);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	/* The pidfd the kernel installed on receipt was closed. */
	ck_assert_int_eq(fd_count(), before);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_empty_with_fd)
{
	int p[2], got = -2, before;
	char out[8];

	/*
	 * A zero-length seqpacket message with a descriptor: returning 0
	 * would read as end of stream, so it is refused and closed.
	 */
	setup_pair(SOCK_SEQPACKET);
	ck_assert_int_eq(pipe(p), 0);
	send_fds(sv[0], "", 0, p, 1);
	before = fd_count();
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), -1);
	ck_assert_int_eq(errno, EPROTO);
	ck_assert_int_eq(got, -1);
	ck_assert_int_eq(fd_count(), before);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

/* --- errors --------------------------------------------------------- */

START_TEST(test_fdpass_recv_peer_closed)
{
	int got = -2;
	char out[8];

	setup_pair(sock_types[_i]);
	close(sv[0]);
	sv[0] = -1;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), 0);
	ck_assert_int_eq(got, -1);
	teardown();
}
END_TEST

START_TEST(test_fdpass_send_peer_closed)
{
	int p[2];

	/* Default SIGPIPE action: a missing MSG_NOSIGNAL kills the test. */
	signal(SIGPIPE, SIG_DFL);
	setup_pair(sock_types[_i]);
	ck_assert_int_eq(pipe(p), 0);
	close(sv[1]);
	sv[1] = -1;
	errno = 0;
	ck_assert_int_eq(fdpass_send(sv[0], "x", 1, -1, 0), -1);
	ck_assert_int_eq(errno, EPIPE);
	errno = 0;
	ck_assert_int_eq(fdpass_send(sv[0], "x", 1, p[0], 0), -1);
	ck_assert_int_eq(errno, EPIPE);
	errno = 0;
	ck_assert_int_eq(fdb_send_fd(sv[0], "x", 1, p[0]), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(p[0]);
	close(p[1]);
	teardown();
}
END_TEST

START_TEST(test_fdpass_send_invalid)
{
	setup_pair(SOCK_SEQPACKET);
	errno = 0;
	ck_assert_int_eq(fdpass_send(sv[0], "x", 0, -1, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdpass_send(sv[0], NULL, 1, -1, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdpass_send(sv[0], "x", 1, -2, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(fdpass_send(-1, "x", 1, -1, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_dontwait_empty)
{
	int got = -2;
	char out[8];

	setup_pair(sock_types[_i]);
	errno = 0;
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got,
				     MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(got, -1);
	teardown();
}
END_TEST

START_TEST(test_fdpass_send_dontwait_full)
{
	char msg[512] = { 0 };
	ssize_t n = 0;
	int i;

	setup_pair(sock_types[_i]);
	/* Nobody reads sv[1]: the socket fills and must not block. */
	for (i = 0; i < 1000000; i++) {
		n = fdpass_send(sv[0], msg, sizeof(msg), -1, MSG_DONTWAIT);
		if (n == -1)
			break;
	}
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(errno, EAGAIN);
	teardown();
}
END_TEST

START_TEST(test_fdpass_recv_eintr_retried)
{
	struct sigaction sa;
	struct itimerval it;
	int got = -2;
	char out[8];
	pid_t pid;

	setup_pair(SOCK_SEQPACKET);
	/* No SA_RESTART: recvmsg itself fails with EINTR on each tick. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 10000;
	it.it_interval.tv_usec = 10000;
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		usleep(200000);
		_exit(fdpass_send(sv[0], "late", 4, -1, 0) == 4 ? 0 : 1);
	}
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	ck_assert_int_eq(fdpass_recv(sv[1], out, sizeof(out), &got, 0), 4);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	ck_assert_mem_eq(out, "late", 4);
	teardown();
}
END_TEST

/* --- fd helpers ----------------------------------------------------- */

START_TEST(test_fdpass_fd_count_tracks)
{
	int before = fd_count(), p[2];

	ck_assert_int_gt(before, 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fd_count(), before + 2);
	errno = EXDEV;
	ck_assert_int_eq(fd_close(p[0]), -1);
	ck_assert_int_eq(errno, EXDEV);
	fd_close(p[1]);
	ck_assert_int_eq(fd_count(), before);
	/* A negative descriptor is a no-op that keeps errno too. */
	errno = EXDEV;
	ck_assert_int_eq(fd_close(-1), -1);
	ck_assert_int_eq(errno, EXDEV);
}
END_TEST

static Suite *
fdpass_suite(void)
{
	Suite *s = suite_create("fdpass");
	int nt = (int)(sizeof(sock_types) / sizeof(sock_types[0]));
	TCase *tc;

	tc = tcase_create("roundtrip");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_fdpass_recv_one_fd, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_recv_no_fd, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_fdb_round_trip, 0, nt);
	tcase_add_test(tc, test_fdpass_fdb_recv_fd_null_slot);
	tcase_add_test(tc, test_fdpass_recv_stream_partial);
	suite_add_tcase(s, tc);

	tc = tcase_create("strict");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_fdpass_recv_two_fds, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_recv_fd_unwanted, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_recv_ctrunc, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_recv_ctrunc_emfile, 0, nt);
	tcase_add_test(tc, test_fdpass_recv_trunc);
	tcase_add_loop_test(tc, test_fdpass_recv_credentials, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_recv_pidfd, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_recv_cred_pidfd, 0, nt);
	tcase_add_test(tc, test_fdpass_recv_empty_with_fd);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_fdpass_recv_peer_closed, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_send_peer_closed, 0, nt);
	tcase_add_test(tc, test_fdpass_send_invalid);
	tcase_add_loop_test(tc, test_fdpass_recv_dontwait_empty, 0, nt);
	tcase_add_loop_test(tc, test_fdpass_send_dontwait_full, 0, nt);
	tcase_add_test(tc, test_fdpass_recv_eintr_retried);
	tcase_add_test(tc, test_fdpass_fd_count_tracks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(fdpass_suite());
}
