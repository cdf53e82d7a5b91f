/* SPDX-License-Identifier: MIT */
/*
 * procstat.c: a process's parent and start time from /proc/PID/stat
 * (procstat.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "procstat.h"

#define MAX_STEPS	4096

int
procstat_read(int procfd, pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char path[32], buf[1024], *s;
	ssize_t len;
	int fd;

	if (procfd >= 0)
		snprintf(path, sizeof(path), "%d/stat", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = openat(procfd >= 0 ? procfd : AT_FDCWD, path,
	    O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	fd_close(fd);
	if (len <= 0)
		return errno = ENOENT, -1;
	buf[len] = '\0';
	/* The name, in parentheses, may hold anything: after the last ')'. */
	if ((s = strrchr(buf, ')')) == NULL)
		return errno = EINVAL, -1;
	/* state ppid, 17 fields, starttime (field 22, proc(5)). */
	if (sscanf(s + 1, " %*c %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s"
	    " %*s %*s %*s %*s %*s %*s %*s %llu", ppid, start) != 2)
		return errno = EINVAL, -1;
	return 0;
}

int
procstat_below(pid_t pid, pid_t root)
{
	unsigned long long start;
	int steps;

	for (steps = 0; steps < MAX_STEPS && pid > 1; steps++) {
		if (procstat_read(-1, pid, &pid, &start) == -1)
			return 0;
		if (pid == root)
			return 1;
	}
	return 0;
}
