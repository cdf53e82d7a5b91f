/* SPDX-License-Identifier: MIT */
/*
 * util.c: the benchmark's common helpers: clocks, CPU affinity, shared
 * memory for results, the timed loop every measured child runs, and the
 * statistics printed in the table.  It opens no file it keeps and prints
 * nothing.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "spin.h"

static int	cmp_double(const void *, const void *);
static void	sorted(const struct bench_sample *, double *);

/* The clock the library polls with (kvm-clock, tsc: the vDSO's). */
int64_t
bench_now(void)
{
	return spin_now();
}

/* CPU time of the process (@who 0) or of the calling thread (1), or -1. */
int64_t
bench_cpu(int who)
{
	struct timespec ts;
	clockid_t id;

	id = who ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
	if (clock_gettime(id, &ts) == -1)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Before fork: put the broker where @mode (enum bench_pin) wants it; the
 * child inherits that, and bench_pin_child() moves it on.
 */
int
bench_pin(int mode)
{
	return mode != BENCH_UNPINNED ? bench_move_to(0) : 0;
}

/* In the child, after fork. */
void
bench_pin_child(int mode)
{
	if (mode == BENCH_APART || mode == BENCH_START_APART)
		bench_move_to(1);
	/* The move is done when sched_setaffinity returns: now let go. */
	if (mode == BENCH_START_APART)
		bench_unpin();
}

/* In the parent, after fork. */
void
bench_pin_parent(int mode)
{
	if (mode == BENCH_START_APART)
		bench_unpin();
}

int
bench_move_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Back to every CPU the machine has. */
int
bench_unpin(void)
{
	cpu_set_t set;
	long i, n;

	n = sysconf(_SC_NPROCESSORS_CONF);
	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Close @fd if it is >= 0, keeping errno; always -1 (as src/fd.h's). */
int
bench_close(int fd)
{
	int save_errno = errno;

	if (fd >= 0)
		close(fd);
	errno = save_errno;
	return -1;
}

void *
bench_shared(size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	return p;
}

void
bench_unshared(void *p, size_t len)
{
	if (p != NULL)
		munmap(p, len);
}

/*
 * The measured loop, run by the confined side: a warm-up of a tenth of a
 * repetition (page faults, first migration, the broker's first request),
 * then the barrier, then the timed repetitions.  It makes no system call
 * beyond @fn's own and the barrier's read, so it runs under any filter.
 */
void
bench_loop(struct bench_slot *s, bench_op_fn fn, void *ctx,
    const struct bench_run *r)
{
	ssize_t n;
	char c;
	int i, k, warm;

	s->cpu = -1;
	warm = r->iters / 10 + 1;
	for (i = 0; i < warm; i++, s->ops++)
		if (fn(ctx) == -1)
			goto fail;
	while (r->barrier >= 0 && ((n = read(r->barrier, &c, 1)) > 0 ||
	    (n == -1 && errno == EINTR)))
		;
	for (k = 0; k < r->reps && k < BENCH_MAX_REPS; k++) {
		s->t0[k] = bench_now();
		for (i = 0; i < r->iters; i++, s->ops++)
			if (fn(ctx) == -1)
				goto fail;
		s->t1[k] = bench_now();
		s->nrep = k + 1;
	}
	s->cpu = bench_cpu(0);
	return;
fail:
	s->err = errno != 0 ? errno : EIO;
}

/* One unconfined system call, the way every confined variant makes it. */
int
bench_raw_op(void *ctx)
{
	struct bench_raw *raw = ctx;
	struct stat st;
	int fd;

	switch (raw->op) {
	case BENCH_OPEN:
		if ((fd = open(raw->path, O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		return close(fd);
	case BENCH_STAT:
		return fstatat(AT_FDCWD, raw->path, &st, 0);
	case BENCH_DENY:
		if ((fd = open(raw->path, O_RDONLY | O_CLOEXEC)) != -1) {
			close(fd);
			errno = EEXIST;
			return -1;
		}
		if (errno != raw->deny_errno)
			return -1;
		return 0;
	}
	errno = EINVAL;
	return -1;
}

/* Wait for @pid; 0 when it exited with status 0, else -1. */
int
bench_reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Peak RSS of @pid (0: this process) in KiB, from VmHWM, or -1. */
long
bench_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *fp;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/status");
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

/*
 * The CPU time of every live thread of @pid so far, in ns (the first
 * field of each /proc/PID/task/TID/schedstat), or -1.
 */
int64_t
bench_tasks_cpu(pid_t pid)
{
	char path[300];
	struct dirent *de;
	long long ns;
	int64_t sum = 0;
	FILE *fp;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat",
		    (int)pid, de->d_name);
		if ((fp = fopen(path, "re")) == NULL)
			continue;
		if (fscanf(fp, "%lld", &ns) == 1)
			sum += ns;
		fclose(fp);
	}
	closedir(d);
	return sum > 0 ? sum : -1;
}

/* ns/op of each repetition in @s. */
void
bench_latency(const struct bench_slot *s, int iters, struct bench_sample *out)
{
	int k;

	memset(out, 0, sizeof(*out));
	if (s->err != 0 || s->nrep == 0) {
		bench_na(out, "error: %s", strerror(s->err ? s->err : EIO));
		return;
	}
	for (k = 0; k < s->nrep; k++)
		out->v[out->n++] = (double)(s->t1[k] - s->t0[k]) / iters;
}

/*
 * Operations per second of @n slots that ran at once, one repetition of
 * @iters each: all timed operations over the span from the first start
 * to the last end.  Returns -1 when a slot failed.
 */
double
bench_tput(const struct bench_slot *s, int n, int iters)
{
	int64_t lo = INT64_MAX, hi = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i].err != 0 || s[i].nrep != 1)
			return -1;
		if (s[i].t0[0] < lo)
			lo = s[i].t0[0];
		if (s[i].t1[0] > hi)
			hi = s[i].t1[0];
	}
	if (hi <= lo)
		return -1;
	return (double)n * iters * 1e9 / (double)(hi - lo);
}

void
bench_na(struct bench_sample *out, const char *fmt, ...)
{
	va_list ap;

	out->n = 0;
	va_start(ap, fmt);
	vsnprintf(out->na, sizeof(out->na), fmt, ap);
	va_end(ap);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
sorted(const struct bench_sample *s, double *v)
{
	memcpy(v, s->v, sizeof(double) * (size_t)s->n);
	qsort(v, (size_t)s->n, sizeof(double), cmp_double);
}

double
bench_median(const struct bench_sample *s)
{
	double v[BENCH_MAX_REPS];

	if (s->n == 0)
		return 0;
	sorted(s, v);
	if (s->n % 2)
		return v[s->n / 2];
	return (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

double
bench_min(const struct bench_sample *s)
{
	double v[BENCH_MAX_REPS];

	if (s->n == 0)
		return 0;
	sorted(s, v);
	return v[0];
}

double
bench_max(const struct bench_sample *s)
{
	double v[BENCH_MAX_REPS];

	if (s->n == 0)
		return 0;
	sorted(s, v);
	return v[s->n - 1];
}
