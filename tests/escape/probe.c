/* SPDX-License-Identifier: MIT */
/*
 * probe.c: the program the file-side escape tests run under fdbroker-run
 * (tests/escape/check_escape_{paths,proc,ops}.c).  It runs the script on
 * its command line (probe-ops.h) with open(2) as a raw system call, so
 * that every attempt reaches the broker exactly as the test wrote it,
 * and prints one result line per operation on stdout.  Exit status: 0,
 * or 2 when the script could not be decoded.
 */
#include "config.h"

#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include "probe-ops.h"

/*
 * Under --enable-sanitizers: LeakSanitizer reads /proc through ptrace
 * at exit, which the filter refuses.
 */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static int
raw_open(void *arg, const char *path, int flags, mode_t mode)
{
	(void)arg;
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int
main(int argc, char *argv[])
{
	struct probe_io io = {
		.open = raw_open,
		.out = STDOUT_FILENO,
		.in = STDIN_FILENO,
	};

	return probe_run(&io, argc - 1, argv + 1) == 0 ? 0 : 2;
}
