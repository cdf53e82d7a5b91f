/* SPDX-License-Identifier: MIT */
/* fd.h: small descriptor helpers shared by every module. */
#ifndef FDBROKER_FD_H
#define FDBROKER_FD_H

/* fd_close: close @fd if it is >= 0, keeping errno; always returns -1. */
int fd_close(int fd);

/*
 * fd_count: the number of descriptors open in this process (entries of
 * /proc/self/fd, less the one used to list them).  Returns -1 with errno
 * on failure.  For leak checks in tests and benchmarks.
 */
int fd_count(void);

#endif /* FDBROKER_FD_H */
