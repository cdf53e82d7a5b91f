/* SPDX-License-Identifier: MIT */
/*
 * run.c: the benchmark's external programs: bench-loop under fdbroker-run
 * (the notify transport, which times itself), whole commands timed from
 * fork to reaping, and the library broker's memory in a process of its
 * own.  It starts each program, reads what it prints and reaps it; a
 * program that fails gives "n/a" with the reason, never a figure.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* A started program: its pid, the read end of its stdout, its stdin. */
struct child {
	pid_t	 pid;
	int	 out;		/* -1 unless captured */
	int	 in;		/* its stdin, -1 unless held */
};

static int	spawn(const char *const [], int, int, int, const char *,
		    struct child *);
static void	spawn_exec(const char *const [], int, const char *, int, int,
		    int) __attribute__((noreturn));
static ssize_t	read_line(int, char *, size_t);
static int	finish(struct child *, char *, size_t);
static void	why_failed(int, const char *, char *, size_t);
static const char *op_name(enum bench_op);

static const char *
op_name(enum bench_op op)
{
	return op == BENCH_OPEN ? "open" : op == BENCH_STAT ? "stat" : "deny";
}

/*
 * Start @argv with stdout to a pipe (@capture) or /dev/null, stdin from a
 * pipe (@hold) or /dev/null, stderr to /dev/null, on CPU 0 when @pin, and
 * TMPDIR=@tmpdir when not NULL.
 */
static int
spawn(const char *const argv[], int pin, int capture, int hold,
    const char *tmpdir, struct child *c)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };

	c->pid = -1;
	c->in = c->out = -1;
	if ((capture && pipe2(out, O_CLOEXEC) == -1) ||
	    (hold && pipe2(in, O_CLOEXEC) == -1))
		goto fail;
	if ((c->pid = fork()) == -1)
		goto fail;
	if (c->pid == 0)
		spawn_exec(argv, pin, tmpdir, in[0], out[1], hold);
	bench_close(in[0]);
	bench_close(out[1]);
	c->in = in[1];
	c->out = out[0];
	return 0;
fail:
	bench_close(in[0]);
	bench_close(in[1]);
	bench_close(out[0]);
	bench_close(out[1]);
	return -1;
}

static void
spawn_exec(const char *const argv[], int pin, const char *tmpdir, int in,
    int out, int hold)
{
	int null;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		_exit(125);
	if (dup2(hold ? in : null, STDIN_FILENO) == -1 ||
	    dup2(out >= 0 ? out : null, STDOUT_FILENO) == -1 ||
	    dup2(null, STDERR_FILENO) == -1)
		_exit(125);
	if ((pin && bench_move_to(0) == -1) ||
	    (tmpdir != NULL && setenv("TMPDIR", tmpdir, 1) == -1))
		_exit(125);
	/* execv does not write to its arguments; its prototype is older. */
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* One line from @fd, without its newline; 0 at end of file. */
static ssize_t
read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char ch;

	while (n + 1 < len) {
		if ((r = read(fd, &ch, 1)) == -1 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		buf[n++] = ch;
	}
	buf[n] = '\0';
	return n > 0 || r > 0 ? (ssize_t)n + 1 : r;
}

/* Close what is left, reap, and say why it failed (NULL: it did not). */
static int
finish(struct child *c, char *why, size_t len)
{
	char line[256];
	int st;

	c->in = bench_close(c->in);
	if (c->out >= 0)
		while (read_line(c->out, line, sizeof(line)) > 0)
			;
	c->out = bench_close(c->out);
	while (waitpid(c->pid, &st, 0) == -1)
		if (errno != EINTR) {
			snprintf(why, len, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	why_failed(st, NULL, why, len);
	return -1;
}

static void
why_failed(int st, const char *what, char *why, size_t len)
{
	if (what != NULL)
		snprintf(why, len, "%s", what);
	else if (WIFSIGNALED(st))
		snprintf(why, len, "failed: signal %d", WTERMSIG(st));
	else
		snprintf(why, len, "failed: exit %d", WEXITSTATUS(st));
}

/* bench-loop lat under fdbroker-run: one ns/op figure per repetition. */
int
run_loop_latency(const struct bench_prog *p, const struct bench_files *f,
    const struct bench_run *r, struct bench_sample *out)
{
	char iters[16], reps[16], line[256], why[64];
	const char *path = r->op == BENCH_DENY ? f->denyfile : f->okfile;
	const char *argv[] = { p->run, "-r", f->okdir,
		"-x", p->loop, "--", p->loop, "lat",
		op_name(r->op), path, iters, reps, NULL };
	struct child c;
	double v;

	why[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (p->run == NULL) {
		bench_na(out, "n/a (%s)", p->why);
		return -1;
	}
	snprintf(iters, sizeof(iters), "%d", r->iters);
	snprintf(reps, sizeof(reps), "%d", r->reps);
	if (spawn(argv, r->pin, 1, 0, NULL, &c) == -1) {
		bench_na(out, "n/a (spawn: %s)", strerror(errno));
		return -1;
	}
	while (read_line(c.out, line, sizeof(line)) > 0)
		if (sscanf(line, "ns_per_op %lf", &v) == 1 &&
		    out->n < BENCH_MAX_REPS)
			out->v[out->n++] = v;
	if (finish(&c, why, sizeof(why)) == -1 || out->n == 0) {
		bench_na(out, "n/a (fdbroker-run %s)",
		    out->n == 0 && why[0] == '\0' ? "printed nothing" : why);
		return -1;
	}
	return 0;
}

/*
 * bench-loop tput with @njobs processes under one fdbroker-run.  With
 * @hwm_kb or @cpu_ns, the loop holds until its stdin closes, and
 * fdbroker-run's peak RSS, or the CPU time of its threads (all alive
 * while the loop is), is read meanwhile: fdbroker-run is the broker,
 * the loop its child.
 */
int
run_loop_tput(const struct bench_prog *p, const struct bench_files *f,
    const struct bench_run *r, int njobs, double *ops_s, long *hwm_kb,
    int64_t *cpu_ns)
{
	char iters[16], jobs[16], line[256], why[64];
	int hold = hwm_kb != NULL || cpu_ns != NULL;
	const char *argv[] = { p->run, "-r", f->okdir,
		"-x", p->loop, "--", p->loop, "tput",
		op_name(r->op), f->okfile, iters, jobs,
		hold ? "hold" : NULL, NULL };
	struct child c;

	why[0] = '\0';
	*ops_s = -1;
	if (p->run == NULL) {
		errno = ENOENT;
		return -1;
	}
	snprintf(iters, sizeof(iters), "%d", r->iters);
	snprintf(jobs, sizeof(jobs), "%d", njobs);
	if (spawn(argv, r->pin, 1, hold, NULL, &c) == -1)
		return -1;
	while (read_line(c.out, line, sizeof(line)) > 0)
		if (sscanf(line, "ops_per_s %lf", ops_s) == 1)
			break;
	if (hwm_kb != NULL)
		*hwm_kb = bench_hwm_kb(c.pid);
	if (cpu_ns != NULL)
		*cpu_ns = bench_tasks_cpu(c.pid);
	if (finish(&c, why, sizeof(why)) == -1 || *ops_s < 0) {
		*ops_s = -1;
		errno = EIO;
		return -1;
	}
	return 0;
}

/* Run @argv to its end; its wall time in *@ms.  -1 unless it exited 0. */
int
run_cmd_ms(const char *const argv[], const char *tmpdir, double *ms, char *why,
    size_t len)
{
	struct child c;
	int64_t t0;

	why[0] = '\0';
	t0 = bench_now();
	if (spawn(argv, 0, 0, 0, tmpdir, &c) == -1) {
		snprintf(why, len, "spawn: %s", strerror(errno));
		return -1;
	}
	if (finish(&c, why, len) == -1)
		return -1;
	*ms = (double)(bench_now() - t0) / 1e6;
	return 0;
}

/* The library broker's peak RSS with @njobs workers, in KiB, or -1. */
long
run_lib_memory(const struct bench_prog *p, const struct bench_files *f,
    int njobs)
{
	char jobs[16], line[256], why[64];
	const char *argv[] = { p->self, "memlib", jobs, "200",
		f->okdir, f->okfile, NULL };
	struct child c;
	long kb = -1;

	snprintf(jobs, sizeof(jobs), "%d", njobs);
	if (spawn(argv, 0, 1, 0, NULL, &c) == -1)
		return -1;
	while (read_line(c.out, line, sizeof(line)) > 0)
		if (sscanf(line, "hwm_kb %ld", &kb) == 1)
			break;
	if (finish(&c, why, sizeof(why)) == -1)
		return -1;
	return kb;
}
