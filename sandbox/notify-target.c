/* SPDX-License-Identifier: MIT */
/*
 * notify-target.c: how the broker reaches the requester of a
 * notification (notify-target.h): its memory, its /proc entries and its
 * descriptor table.  It decides nothing.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "notify-target.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL	/* Linux 6.9 */
#endif

#define STATUS_MAX	8192	/* /proc/TID/status is about 1.5 KiB */
#define CHUNK		4096	/* no read crosses a 4 KiB boundary */

static int	 open_mem(struct notify_call *c, int write);
static int	 notify_status(struct notify_call *c);
static int	 read_status(struct notify_call *c);
static int	 thread_pidfd(struct notify_call *c);

void
notify_call_reset(struct notify_call *c, const struct seccomp_notif *n,
		  int listener)
{
	c->n = n;
	c->listener = listener;
	c->tid = (pid_t)n->pid;
	c->pid = 0;
	c->umask = 022;
	c->status_read = 0;
	c->proc_read = 0;
	c->mem = -1;
	c->mem_rw = 0;
	c->peek = 0;
	c->peeked = 0;
	c->unproven = 0;
}

const void *
notify_find_row(const void *rows, size_t n, size_t size, int nr)
{
	const char *row = rows;
	int r;
	size_t i;

	for (i = 0; i < n; i++, row += size) {
		memcpy(&r, row, sizeof(r));
		if (r == nr)
			return row;
	}
	return NULL;
}

void
notify_call_end(struct notify_call *c)
{
	c->mem = fd_close(c->mem);
}

int
notify_valid(const struct notify_call *c)
{
	uint64_t id = c->n->id;

	return ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int
notify_proc(const struct notify_call *c, const char *what, int fd,
	    char *buf, size_t len)
{
	int n;

	if (fd >= 0)
		n = snprintf(buf, len, "/proc/%d/%s/%d", (int)c->tid, what, fd);
	else
		n = snprintf(buf, len, "/proc/%d/%s", (int)c->tid, what);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
notify_target(struct notify_call *c, int write)
{
	if (c->mem >= 0 && (c->mem_rw || !write) && !c->unproven)
		return 0;
	if (c->mem < 0 || (write && !c->mem_rw)) {
		if (open_mem(c, write) == -1)
			return -1;
	}
	/*
	 * The descriptor is bound to the address space of the process
	 * that has this tid now.  Checking the notification after opening
	 * proves that process is still the requester (a recycled tid
	 * would have ended the notification first), so every later read
	 * or write through it reaches the requester and nobody else.
	 */
	if (!notify_valid(c)) {
		c->mem = fd_close(c->mem);
		errno = ENOENT;
		return -1;
	}
	c->unproven = 0;
	return 0;
}

int
notify_handle(struct notify_call *c)
{
	if (c->mem >= 0)
		return 0;
	if (open_mem(c, 1) == -1)
		return -1;
	c->unproven = 1;
	return 0;
}

static int
open_mem(struct notify_call *c, int write)
{
	char path[64];

	c->mem = fd_close(c->mem);
	if (notify_proc(c, "mem", -1, path, sizeof(path)) == -1)
		return -1;
	c->mem = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (c->mem == -1)
		return -1;
	c->mem_rw = write;
	return 0;
}

int
notify_confirm(struct notify_call *c)
{
	if (!c->proc_read && !c->peeked && !c->unproven)
		return 0;
	if (!notify_valid(c)) {
		errno = ENOENT;
		return -1;
	}
	c->proc_read = c->peeked = c->unproven = 0;
	return 0;
}

int
notify_peek(struct notify_call *c)
{
	c->peek = c->mem < 0;
	return 0;
}

/*
 * @len bytes at @addr in the target, by thread id, in one call: each
 * piece up to a 4 KiB boundary is one iovec, and a partial read stops
 * at a whole one, so an unmapped page after a path's end costs
 * nothing.  Returns the bytes read, or -1 with EFAULT (or EPERM, or
 * ENOENT: the thread is gone).
 */
static ssize_t
peek(struct notify_call *c, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote[2];
	size_t first = CHUNK - (size_t)(addr % CHUNK);
	unsigned long n = 1;
	ssize_t got;

	c->peeked = 1;
	remote[0].iov_base = (void *)(uintptr_t)addr;
	remote[0].iov_len = first < len ? first : len;
	if (first < len) {
		remote[1].iov_base = (void *)(uintptr_t)(addr + first);
		remote[1].iov_len = len - first;
		n = 2;
	}
	got = process_vm_readv(c->tid, &local, 1, remote, n, 0);
	if (got <= 0)
		errno = got == -1 && errno == ESRCH ? ENOENT :
		    got == -1 && errno == EPERM ? EPERM : EFAULT;
	return got <= 0 ? -1 : got;
}

int
notify_read_path(struct notify_call *c, uint64_t addr, int i)
{
	char *buf = c->path[i];
	size_t got = 0, chunk;
	ssize_t n;

	if (addr == 0 || (c->mem < 0 && !c->peek)) {
		errno = EFAULT;
		return -1;
	}
	if (c->mem < 0) {
		if ((n = peek(c, addr, buf, PATH_MAX)) == -1)
			return -1;
		if (memchr(buf, '\0', (size_t)n) != NULL)
			return 0;
		errno = n == PATH_MAX ? ENAMETOOLONG : EFAULT;
		return -1;
	}
	/*
	 * One page at a time: a path that ends just before an unmapped
	 * page is valid, and a read across the boundary would fail.
	 */
	while (got < PATH_MAX) {
		chunk = CHUNK - (size_t)((addr + got) % CHUNK);
		if (chunk > PATH_MAX - got)
			chunk = PATH_MAX - got;
		n = pread(c->mem, buf + got, chunk, (off_t)(addr + got));
		if (n <= 0) {
			errno = EFAULT;
			return -1;
		}
		if (memchr(buf + got, '\0', (size_t)n) != NULL)
			return 0;
		got += (size_t)n;
	}
	errno = ENAMETOOLONG;
	return -1;
}

int
notify_read(struct notify_call *c, uint64_t addr, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (c->mem < 0 && c->peek && addr != 0 && len > 0) {
		n = peek(c, addr, buf, len);
		if (n == (ssize_t)len)
			return 0;
		errno = n == -1 ? errno : EFAULT;
		return -1;
	}
	while (got < len) {
		n = pread(c->mem, (char *)buf + got, len - got,
		    (off_t)(addr + got));
		if (n <= 0 || addr == 0) {
			errno = EFAULT;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int
notify_write(struct notify_call *c, uint64_t addr, const void *buf,
	     size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (addr == 0) {
		errno = EFAULT;
		return -1;
	}
	/*
	 * The handle is taken now, after the decision, and proven the
	 * requester's before the first byte goes through it: opened,
	 * then the notification checked (notify_target()).  Whatever
	 * was read before (by thread id) was confirmed by an earlier
	 * check, and the requester, still waiting, is the same process.
	 */
	if ((c->unproven && notify_confirm(c) == -1) ||
	    (!c->mem_rw && notify_target(c, 1) == -1))
		return -1;
	while (done < len) {
		n = pwrite(c->mem, (const char *)buf + done, len - done,
		    (off_t)(addr + done));
		if (n <= 0) {
			errno = EFAULT;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int
notify_base(struct notify_call *c, int dirfd, int i)
{
	char link[64];
	struct stat st;
	ssize_t n;

	c->base[i][0] = '\0';
	if (c->path[i][0] == '/')
		return 0;
	if (dirfd != AT_FDCWD && dirfd < 0) {
		errno = EBADF;
		return -1;
	}
	if (notify_proc(c, dirfd == AT_FDCWD ? "cwd" : "fd", dirfd, link,
	    sizeof(link)) == -1)
		return -1;
	c->proc_read = 1;
	if (stat(link, &st) == -1) {
		if (errno == ENOENT && dirfd != AT_FDCWD)
			errno = EBADF;
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	/* Removed: its path means nothing. */
	if (st.st_nlink == 0) {
		errno = ENOENT;
		return -1;
	}
	n = readlink(link, c->base[i], PATH_MAX);
	if (n == -1)
		return -1;
	if (n >= PATH_MAX || c->base[i][0] != '/') {
		c->base[i][0] = '\0';
		errno = n >= PATH_MAX ? ENAMETOOLONG : ENOTDIR;
		return -1;
	}
	c->base[i][n] = '\0';
	return 0;
}

int
notify_getfd(struct notify_call *c, int fd)
{
	int pidfd, copy;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((pidfd = thread_pidfd(c)) == -1)
		return -1;
	/* As for mem: the pidfd is the requester's only if still valid. */
	if (!notify_valid(c)) {
		fd_close(pidfd);
		errno = ENOENT;
		return -1;
	}
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	fd_close(pidfd);
	return copy;
}

/*
 * A pidfd of the requesting thread itself: pidfd_getfd() then takes
 * from that thread's descriptor table, which need not be its thread
 * group's (clone without CLONE_FILES, unshare(CLONE_FILES)).  Before
 * Linux 6.9 (no PIDFD_THREAD), only a thread-group leader has a pidfd,
 * and it is its own table; any other thread is refused.
 */
static int
thread_pidfd(struct notify_call *c)
{
	int fd;

	fd = (int)syscall(SYS_pidfd_open, c->tid, PIDFD_THREAD);
	if (fd == -1 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, c->tid, 0);
	if (fd == -1 && errno == EINVAL)
		errno = EPERM;
	return fd;
}

pid_t
notify_pid(void *arg)
{
	struct notify_call *c = arg;

	return notify_status(c) == 0 ? c->pid : 0;
}

mode_t
notify_umask(struct notify_call *c)
{
	/* Without /proc/TID/status (gone, or "Umask:" before 4.7): 022. */
	(void)notify_status(c);
	return c->umask;
}

/*
 * The requester's thread group and umask, from /proc/TID/status, read
 * once per notification and only when needed: it is the dearest file
 * of all to read.  Validity is checked after the read, as for memory:
 * the tid was the requester's while it was read.
 */
static int
notify_status(struct notify_call *c)
{
	if (c->status_read) {
		if (c->pid > 0)
			return 0;
		errno = ENOENT;
		return -1;
	}
	c->status_read = 1;
	if (read_status(c) == -1)
		return -1;
	if (!notify_valid(c)) {
		c->pid = 0;
		errno = ENOENT;
		return -1;
	}
	return 0;
}

/* Thread group and umask of the target, from /proc/TID/status. */
static int
read_status(struct notify_call *c)
{
	char path[64], buf[STATUS_MAX];
	const char *p;
	unsigned long mask;
	ssize_t n;
	int fd;

	if (notify_proc(c, "status", -1, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	fd_close(fd);
	if (n <= 0) {
		errno = n == 0 ? ENOENT : errno;
		return -1;
	}
	buf[n] = '\0';
	if ((p = strstr(buf, "\nTgid:\t")) == NULL ||
	    (c->pid = (pid_t)strtol(p + 7, NULL, 10)) <= 0) {
		errno = ENOENT;
		return -1;
	}
	/* "Umask:" appeared in Linux 4.7; without it, 022. */
	if ((p = strstr(buf, "\nUmask:\t")) != NULL) {
		mask = strtoul(p + 8, NULL, 8);
		c->umask = (mode_t)(mask & 0777);
	}
	return 0;
}
