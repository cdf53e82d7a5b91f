/* SPDX-License-Identifier: MIT */
/*
 * check_filter_ioctl.c: the rules of sandbox/filter-ioctl.c, loaded for
 * real, in the library worker's lockdown and in fdbroker-run's two
 * filters: every request of the terminal's and the console's types, in
 * each encoding, with garbage in the upper half of the register too,
 * passes exactly when the allowlist names it; the arguments some
 * requests are refused for; the attribute requests; fcntl's O_ASYNC and
 * leases; and, in fdbroker-run's allowlist, that ioctl written as "all
 * but the mediated requests" leaves nothing else out.
 *
 * A request is tried on descriptor -1: past the filters the kernel says
 * EBADF, whatever the request.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "check-run.h"
#include "filter-ioctl.h"
#include "filter-notify.h"
#include "filter.h"
#include "notify-calls.h"

#define HI32		(1UL << 32)
#define SIGNEXT		0xffffffff00000000UL
#define IOC(d, t, nr, sz)	(((unsigned long)(d) << 30) | \
			    ((unsigned long)(sz) << 16) | ((t) << 8) | (nr))

enum confine { WORKER, RUN };

/* Under --enable-sanitizers: no LeakSanitizer in a locked-down child. */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static const unsigned long *mediated;
static size_t n_mediated;
static int bad;

static int
listed(const unsigned long *list, unsigned long req)
{
	for (; *list != 0; list++)
		if ((uint32_t)*list == (uint32_t)req)
			return 1;
	return 0;
}

static int
is_mediated(unsigned long req)
{
	size_t i;

	for (i = 0; i < n_mediated; i++)
		if ((uint32_t)mediated[i] == (uint32_t)req)
			return 1;
	return 0;
}

/* The errno ioctl(-1, @req) must get: EBADF past the filters, or EPERM. */
static int
want(unsigned long req)
{
	uint32_t r = (uint32_t)req;

	if (listed(filter_ioctls, r) || (listed(filter_attr_ioctls, r) &&
	    !is_mediated(r)))
		return EPERM;
	if (((r >> 8) & 0xff) == FILTER_TTY_TYPE &&
	    !listed(filter_tty_ioctls, r))
		return EPERM;
	if (((r >> 8) & 0xff) == FILTER_SOCK_TYPE_IOC &&
	    !listed(filter_sock_ioctls, r))
		return EPERM;
	if ((r & FILTER_LEGACY_MASK) == FILTER_KD_TYPE << 8 &&
	    !listed(filter_kd_ioctls, r))
		return EPERM;
	if ((r & FILTER_LEGACY_MASK) == FILTER_VT_TYPE << 8 &&
	    !listed(filter_vt_ioctls, r))
		return EPERM;
	return EBADF;
}

static void
expect(const char *what, long nr, unsigned long a1, unsigned long a2,
       int err)
{
	errno = 0;
	if (syscall(nr, -1, a1, a2) == -1 && errno == err)
		return;
	if (bad++ < 10)
		fprintf(stderr, "%s %#lx %#lx: errno %d, want %d\n", what, a1,
		    a2, errno, err);
}

/*
 * @req as is and with garbage the kernel drops above bit 31.  The
 * argument, 3, is none that a rule refuses (try_args()).
 */
static void
try_request(unsigned long req)
{
	if (is_mediated(req))
		return;		/* it would wait for a broker */
	expect("ioctl", SYS_ioctl, req, 3, want(req));
	expect("ioctl", SYS_ioctl, req | HI32, 3, want(req));
	expect("ioctl", SYS_ioctl, req | SIGNEXT, 3, want(req));
}

/*
 * The terminal's and the console's types in every encoding, and a
 * sample of the rest.
 */
static void
try_space(void)
{
	static const unsigned sizes[] = { 4, 8, 0x24, 0x28, 0x2c };
	static const unsigned types[] = { 'T', 'K', 'V' };
	const unsigned long *l;
	unsigned long x = 12345;
	unsigned nr, d, s, t;
	int i;

	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		for (nr = 0; nr < 256; nr++) {
			try_request(IOC(0, types[t], nr, 0));
			for (d = 1; d < 4; d++)
				for (s = 0; s < sizeof(sizes) /
				    sizeof(sizes[0]); s++)
					try_request(IOC(d, types[t], nr,
					    sizes[s]));
		}
	for (l = filter_attr_ioctls; *l != 0; l++)
		for (i = 0; i < 32; i++)
			try_request(*l ^ (1UL << i));
	for (i = 0; i < 20000; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		try_request(x >> 32);
	}
}

/* Requests and fcntl commands refused for some arguments only. */
static void
try_args(void)
{
	expect("tiocsctty", SYS_ioctl, TIOCSCTTY, 1, EPERM);
	expect("tiocsctty", SYS_ioctl, TIOCSCTTY, HI32 | 1, EPERM);
	expect("tiocsctty", SYS_ioctl, TIOCSCTTY, 0, EBADF);
	expect("tiocsctty", SYS_ioctl, TIOCSCTTY, 2, EBADF);
	expect("tcxonc", SYS_ioctl, TCXONC, TCOOFF, EPERM);
	expect("tcxonc", SYS_ioctl, TCXONC, TCOON, EBADF);
	expect("fcntl", SYS_fcntl, F_SETFL, O_ASYNC, EPERM);
	expect("fcntl", SYS_fcntl, F_SETFL, O_ASYNC | O_NONBLOCK, EPERM);
	expect("fcntl", SYS_fcntl, F_SETFL, O_NONBLOCK, EBADF);
	expect("fcntl", SYS_fcntl, F_SETLEASE, F_RDLCK, EACCES);
	expect("fcntl", SYS_fcntl, F_SETLEASE, HI32 | F_RDLCK, EACCES);
	expect("fcntl", SYS_fcntl, F_SETLEASE, F_WRLCK, EACCES);
	expect("fcntl", SYS_fcntl, F_SETLEASE, F_UNLCK, EBADF);
	expect("fcntl", SYS_fcntl, F_GETLEASE, 0, EBADF);
	expect("fcntl", SYS_fcntl, F_SETLK, 0, EBADF);
}

static void __attribute__((noreturn))
child(enum confine how)
{
	struct filter_notify_opts o = { .broker = getppid() };
	int fd;

	if (how == WORKER) {
		if (filter_lockdown(getppid()) == -1)
			_exit(3);
	} else {
		o.notify_nrs = notify_calls_numbers(&o.n_notify);
		o.notify_ioctls = mediated;
		o.n_notify_ioctls = n_mediated;
		/* Unserved: no request tried here is a mediated one. */
		if ((fd = filter_notify_install(&o)) == -1)
			_exit(4);
		close(fd);
	}
	try_space();
	try_args();
	fprintf(stderr, "%s: %d wrong\n", how == WORKER ? "worker" : "run",
	    bad);
	_exit(bad == 0 ? 0 : 1);
}

START_TEST(test_filter_ioctl_rules)
{
	pid_t pid;
	int st;

	mediated = NULL;
	n_mediated = 0;
	if (_i == RUN)
		mediated = notify_calls_ioctls(&n_mediated);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		child((enum confine)_i);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x",
	    st);
}
END_TEST

/* What fdbroker-run mediates is an attribute request, and no other. */
START_TEST(test_filter_ioctl_mediated_listed)
{
	size_t i, n;
	const unsigned long *m = notify_calls_ioctls(&n);

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++)
		ck_assert(listed(filter_attr_ioctls, m[i]));
}
END_TEST

static Suite *
filter_ioctl_suite(void)
{
	Suite *s = suite_create("filter_ioctl");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_filter_ioctl_rules, WORKER, RUN + 1);
	tcase_add_test(tc, test_filter_ioctl_mediated_listed);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if ((prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == -1 && errno == EINVAL) ||
	    filter_notify_supported() == -1)
		return 77;
	return check_run(filter_ioctl_suite());
}
