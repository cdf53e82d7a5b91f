/* SPDX-License-Identifier: MIT */
/*
 * fd.c: closing descriptors without losing errno, and counting them for
 * leak checks.  Owns no descriptor beyond the duration of a call.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include "fd.h"

int
fd_close(int fd)
{
	int save_errno = errno;

	/*
	 * No retry on EINTR: on Linux the descriptor is released before
	 * close() can be interrupted, so a retry could close a descriptor
	 * another thread has just been given.
	 */
	if (fd >= 0)
		(void)close(fd);
	errno = save_errno;
	return -1;
}

int
fd_count(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0, save_errno;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	save_errno = errno;
	closedir(d);
	if (save_errno != 0) {
		errno = save_errno;
		return -1;
	}
	/* The directory stream's own descriptor was listed too. */
	return n - 1;
}
