/* SPDX-License-Identifier: MIT */
/*
 * shm-probe.c: POSIX shared memory as ordinary programs use it, for
 * tests/run-shm.sh, which runs it unconfined and under fdbroker-run and
 * compares what it prints on stdout (nothing that differs between runs:
 * no names, no pids).  shm_open, sem_open (glibc: a temporary file in
 * /dev/shm linked to sem.NAME), both shared with a child process by
 * name, a /proc/self/fd link opened again, fchdir() into /dev/shm and a
 * relative open there, then the unlinks.  On stderr: "root=DIR", the
 * directory of the shared memory object as the kernel names it.
 * Exit status 0, or 1 after the line saying what failed.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int	 fail(const char *what);
static int	 child(const char *shm, const char *sem);
static int	 reopen(const char *path, const char *how);
static int	 in_shm_dir(const char *name);

int
main(void)
{
	char shm[64], sem[64], proc[64], link[PATH_MAX];
	int fd, st;
	sem_t *s;
	char *p;
	pid_t pid;
	ssize_t n;

	snprintf(shm, sizeof(shm), "/fdbt-shm-%d", (int)getpid());
	snprintf(sem, sizeof(sem), "/fdbt-sem-%d", (int)getpid());
	if ((fd = shm_open(shm, O_CREAT | O_EXCL | O_RDWR, 0600)) == -1)
		return fail("shm_open");
	if (ftruncate(fd, 4096) == -1 || (p = mmap(NULL, 4096, PROT_READ |
	    PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
		return fail("mmap");
	strcpy(p, "hello");
	if ((s = sem_open(sem, O_CREAT | O_EXCL, 0600, 0)) == SEM_FAILED)
		return fail("sem_open");
	puts("shm_open, sem_open: ok");
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(child(shm, sem));
	if (pid == -1 || sem_wait(s) == -1 || waitpid(pid, &st, 0) != pid ||
	    st != 0)
		return fail("child");
	printf("parent after child: %s\n", p);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, link, sizeof(link) - 1)) == -1)
		return fail("readlink");
	link[n] = '\0';
	*strrchr(link, '/') = '\0';
	fprintf(stderr, "root=%s\n", link);
	strcat(link, shm);
	if (reopen(link, "/proc/self/fd link") == -1 ||
	    in_shm_dir(shm + 1) == -1)
		return 1;
	if (shm_unlink(shm) == -1 || sem_unlink(sem) == -1)
		return fail("unlink");
	puts("unlinked: ok");
	return 0;
}

/* By name, in another process: map it, change it, post the semaphore. */
static int
child(const char *shm, const char *sem)
{
	sem_t *s;
	char *p;
	int fd;

	if ((fd = shm_open(shm, O_RDWR, 0)) == -1)
		return fail("child shm_open");
	if ((p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0)) == MAP_FAILED)
		return fail("child mmap");
	if ((s = sem_open(sem, 0)) == SEM_FAILED)
		return fail("child sem_open");
	printf("child saw: %s\n", p);
	fflush(stdout);
	strcpy(p, "world");
	return sem_post(s) == -1 ? fail("sem_post") : 0;
}

/* Open @path again and print what it holds. */
static int
reopen(const char *path, const char *how)
{
	char buf[8] = { 0 };
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    read(fd, buf, 5) != 5)
		return fail(how);
	printf("%s: %s\n", how, buf);
	close(fd);
	return 0;
}

/*
 * fchdir() into /dev/shm; getcwd() names it, and both a relative path
 * and getcwd()'s path lead to the object; then back.
 */
static int
in_shm_dir(const char *name)
{
	char cwd[PATH_MAX];
	int here, shm;

	if ((here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (shm = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fchdir(shm) == -1)
		return fail("fchdir /dev/shm");
	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    strncmp(cwd, "/dev/shm", 8) != 0)
		return fail("getcwd");
	strcat(cwd, "/");
	strcat(cwd, name);
	if (reopen(name, "relative in /dev/shm") == -1 ||
	    reopen(cwd, "getcwd()'s path") == -1 || fchdir(here) == -1)
		return -1;
	close(shm);
	close(here);
	return 0;
}

static int
fail(const char *what)
{
	perror(what);
	printf("failed: %s\n", what);
	return 1;
}
