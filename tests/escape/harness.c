/* SPDX-License-Identifier: MIT */
/* harness.c: see harness.h. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check-run.h"
#include "filter-notify.h"
#include "harness.h"

#define EXIT_SKIP	77

static char topdir[PATH_MAX];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == -1 ? -1 : 0;
}

void
hx_top_setup(void)
{
	snprintf(topdir, sizeof(topdir), "/tmp/%.64s.XXXXXX",
	    program_invocation_short_name);
	ck_assert_ptr_nonnull(mkdtemp(topdir));
}

void
hx_top_teardown(void)
{
	if (topdir[0] != '\0')
		(void)nftw(topdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
hx_top(void)
{
	return topdir;
}

void
hx_remove(const char *dir)
{
	ck_assert_int_eq(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

void
hx_test_dir(char *dir, size_t len)
{
	ck_assert_int_lt(snprintf(dir, len, "%s/t.XXXXXX", topdir), (int)len);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void
hx_write_file(const char *path, const char *content, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	close(fd);
}

void
hx_find_probe(const char *rel, char *probe, char *dir)
{
	hx_find_program("ESCAPE_PROBE2", rel, probe, dir);
}

void
hx_find_program(const char *var, const char *rel, char *probe, char *dir)
{
	const char *env = getenv(var);
	char self[PATH_MAX];
	ssize_t n;

	if (env != NULL) {
		snprintf(probe, PATH_MAX, "%s", env);
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		ck_assert_int_gt(n, 0);
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		ck_assert_int_lt(snprintf(probe, PATH_MAX, "%.*s/%s",
		    PATH_MAX - 64, self, rel), PATH_MAX);
	}
	ck_assert_msg(access(probe, X_OK) == 0, "no probe at %s", probe);
	snprintf(dir, PATH_MAX, "%s", probe);
	*strrchr(dir, '/') = '\0';
}

const char *
hx_fdbroker_run(void)
{
	const char *run = getenv("FDBROKER_RUN");

	ck_assert_msg(run != NULL, "FDBROKER_RUN is not set");
	return run;
}

int
hx_run(const char *const argv[], char *out, size_t len)
{
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int p[2], st;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setpgid(0, 0);
		if (dup2(p[1], STDOUT_FILENO) == -1)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char *at = got < len - 1 ? out + got : NULL, drop[4096];

		n = read(p[0], at != NULL ? at : drop, at != NULL ?
		    len - 1 - got : sizeof(drop));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (at != NULL)
			got += (size_t)n;
	}
	out[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1)
		ck_assert_int_eq(errno, EINTR);
	fprintf(stderr, "--- %s %s: status %#x\n%s", argv[0],
	    argv[1] != NULL ? argv[1] : "", st, out);
	return st;
}

int
hx_has_line(const char *out, const char *line)
{
	size_t len = strlen(line);
	const char *p = out;

	while (*p != '\0') {
		if (strncmp(p, line, len) == 0 &&
		    (p[len] == '\n' || p[len] == '\0'))
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return 0;
}

int
hx_exited(int st, int code)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == code;
}

unsigned long
hx_count_of(const char *out, const char *line, const char *name)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s ", name);
	p = strstr(out, line);
	ck_assert_ptr_nonnull(p);
	p = strstr(p, key);
	ck_assert_ptr_nonnull(p);
	return strtoul(p + strlen(key), NULL, 10);
}

int
hx_main(Suite *(*make)(void), int need_notify)
{
	if (need_notify && ((prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == -1 &&
	    errno == EINVAL) || filter_notify_supported() == -1))
		return EXIT_SKIP;
	return check_run(make());
}
