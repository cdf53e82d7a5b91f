/* SPDX-License-Identifier: MIT */
/*
 * bench-loop.c: the unmodified program the benchmark runs under
 * fdbroker-run (the notify transport): plain openat/newfstatat calls in a
 * loop that times itself and prints what it measured on stdout, for
 * bench to parse.  It links nothing of libfdbroker and needs nothing but
 * the file it is given.
 *
 *   bench-loop lat  OP PATH ITERS REPS         one "ns_per_op N" a rep
 *   bench-loop tput OP PATH ITERS JOBS [hold]  "ops_per_s N" for JOBS
 *                                              processes at once
 * OP is open, stat or deny (an open that must fail with EACCES).  With
 * "hold", it waits for EOF on stdin before exiting, so that the broker's
 * memory can be read while every child is still alive.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static int	parse_op(const char *, enum bench_op *);
static int	latency(struct bench_raw *, struct bench_run *);
static int	tput(struct bench_raw *, struct bench_run *, int, int);
static int	spawn_jobs(struct bench_raw *, struct bench_run *,
		    struct bench_slot *, int);
static void	hold(void);

static int
parse_op(const char *s, enum bench_op *op)
{
	if (strcmp(s, "open") == 0)
		*op = BENCH_OPEN;
	else if (strcmp(s, "stat") == 0)
		*op = BENCH_STAT;
	else if (strcmp(s, "deny") == 0)
		*op = BENCH_DENY;
	else
		return -1;
	return 0;
}

static int
latency(struct bench_raw *raw, struct bench_run *r)
{
	struct bench_slot s;
	struct bench_sample out;
	int k;

	memset(&s, 0, sizeof(s));
	bench_loop(&s, bench_raw_op, raw, r);
	if (s.err != 0) {
		printf("error %s\n", strerror(s.err));
		return 1;
	}
	bench_latency(&s, r->iters, &out);
	for (k = 0; k < out.n; k++)
		printf("ns_per_op %.1f\n", out.v[k]);
	return 0;
}

/* Fork @n children that wait on a pipe, then open the gate at once. */
static int
spawn_jobs(struct bench_raw *raw, struct bench_run *r,
    struct bench_slot *slots, int n)
{
	pid_t pid[BENCH_MAX_JOBS];
	int gate[2], i, rc = 0;

	if (pipe(gate) == -1)
		return -1;
	r->barrier = gate[0];
	for (i = 0; i < n; i++) {
		if ((pid[i] = fork()) == -1)
			break;
		if (pid[i] == 0) {
			close(gate[1]);
			bench_loop(&slots[i], bench_raw_op, raw, r);
			_exit(0);
		}
	}
	close(gate[0]);
	close(gate[1]);
	if (i < n)
		rc = -1;
	while (i-- > 0)
		if (bench_reap(pid[i]) == -1)
			rc = -1;
	return rc;
}

static int
tput(struct bench_raw *raw, struct bench_run *r, int n, int wait)
{
	struct bench_slot *slots;
	size_t len;
	double ops;

	len = sizeof(*slots) * (size_t)n;
	if ((slots = bench_shared(len)) == NULL) {
		printf("error %s\n", strerror(errno));
		return 1;
	}
	r->reps = 1;
	if (spawn_jobs(raw, r, slots, n) == -1 ||
	    (ops = bench_tput(slots, n, r->iters)) < 0) {
		printf("error %s\n", strerror(slots[0].err ? slots[0].err :
		    errno ? errno : EIO));
		return 1;
	}
	printf("ops_per_s %.1f\n", ops);
	fflush(stdout);
	if (wait)
		hold();
	bench_unshared(slots, len);
	return 0;
}

static void
hold(void)
{
	char buf[64];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 ||
	    (n == -1 && errno == EINTR))
		;
}

int
main(int argc, char **argv)
{
	struct bench_raw raw = { BENCH_OPEN, NULL, EACCES };
	struct bench_run r = { .reps = 1, .barrier = -1 };
	int n;

	if (argc < 6 || argc > 7 || parse_op(argv[2], &raw.op) == -1) {
		fprintf(stderr, "usage: bench-loop lat|tput OP PATH ITERS "
		    "REPS|JOBS [hold]\n");
		return 2;
	}
	raw.path = argv[3];
	r.op = raw.op;
	r.iters = atoi(argv[4]);
	n = atoi(argv[5]);
	if (r.iters < 1 || n < 1)
		return 2;
	if (strcmp(argv[1], "lat") == 0) {
		r.reps = n < BENCH_MAX_REPS ? n : BENCH_MAX_REPS;
		return latency(&raw, &r);
	}
	if (n > BENCH_MAX_JOBS)
		return 2;
	return tput(&raw, &r, n, argc == 7 && strcmp(argv[6], "hold") == 0);
}
