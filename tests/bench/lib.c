/* SPDX-License-Identifier: MIT */
/*
 * lib.c: libfdbroker's socket transport, measured through the public API
 * only: a broker granting r on the benchmark's directory, workers forked
 * with fdb_broker_fork_worker() asking with fdb_open().  The broker runs
 * in the calling process.  The worker's half of the library is referenced
 * weakly, so that the benchmark links and runs, printing "n/a", while it
 * is not written yet; the rest strongly, or the linker (--as-needed)
 * would drop libfdbroker altogether.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "fdbroker.h"

#pragma weak fdb_broker_fork_worker
#pragma weak fdb_broker_wait

struct lib_worker {
	const struct bench_run *r;
	struct bench_slot *s;
	const char *path;
	int	 chan;
};

static int	lib_op(void *);
static int	lib_worker_main(int, void *);
static struct fdb_broker *lib_broker(const struct bench_files *,
		    struct fdb_policy **);
static void	lib_free(struct fdb_broker *, struct fdb_policy *);

/* The first libfdbroker function this build lacks, or NULL. */
const char *
lib_missing(void)
{
	if (fdb_broker_fork_worker == NULL || fdb_broker_wait == NULL)
		return "fdb_broker_fork_worker";
	return NULL;
}

/* In the worker, under the lockdown filter. */
static int
lib_op(void *ctx)
{
	struct lib_worker *w = ctx;
	int fd;

	fd = fdb_open(w->chan, w->path, O_RDONLY | O_CLOEXEC, 0);
	if (w->r->op != BENCH_DENY)
		return fd == -1 ? -1 : close(fd);
	if (fd >= 0) {
		close(fd);
		errno = EEXIST;
		return -1;
	}
	return errno == EACCES ? 0 : -1;
}

static int
lib_worker_main(int chan, void *arg)
{
	struct lib_worker *w = arg;

	/* The worker's own copy of *w, made by fork. */
	w->chan = chan;
	bench_loop(w->s, lib_op, w, w->r);
	return 0;
}

static struct fdb_broker *
lib_broker(const struct bench_files *f, struct fdb_policy **pol)
{
	struct fdb_broker *b;

	if ((*pol = fdb_policy_new()) == NULL)
		return NULL;
	if (fdb_policy_add(*pol, f->okdir, FDB_R) == -1 ||
	    (b = fdb_broker_new(*pol)) == NULL) {
		fdb_policy_free(*pol);
		*pol = NULL;
		return NULL;
	}
	return b;
}

static void
lib_free(struct fdb_broker *b, struct fdb_policy *pol)
{
	fdb_broker_free(b);
	fdb_policy_free(pol);
}

/*
 * @njobs workers at once, each with its slot.  The broker serves nobody
 * until every worker is forked, so each worker's warm-up request waits:
 * that is the start barrier.
 */
int
lib_jobs(const struct bench_run *r, const struct bench_files *f,
    struct bench_slot *slots, int njobs)
{
	struct lib_worker w = { r, NULL, NULL, -1 };
	struct fdb_policy *pol;
	struct fdb_broker *b;
	pid_t pid[BENCH_MAX_JOBS];
	int64_t c0;
	int i, n, rc = 0, st;

	if (lib_missing() != NULL) {
		errno = ENOSYS;
		return -1;
	}
	if ((b = lib_broker(f, &pol)) == NULL)
		return -1;
	w.path = r->op == BENCH_DENY ? f->denyfile : f->okfile;
	c0 = bench_cpu(1);
	bench_pin(r->pin);
	for (n = 0; n < njobs && n < BENCH_MAX_JOBS; n++) {
		w.s = &slots[n];
		if ((pid[n] = fdb_broker_fork_worker(b, lib_worker_main,
		    &w)) == -1) {
			rc = -1;
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (fdb_broker_wait(b, pid[i], &st) == -1 || st != 0)
			rc = -1;
	slots[0].bcpu = bench_cpu(1) - c0;
	bench_unpin();
	lib_free(b, pol);
	return rc;
}

int
lib_latency(const struct bench_run *r, const struct bench_files *f,
    struct bench_slot *s)
{
	return lib_jobs(r, f, s, 1);
}

/*
 * "memlib NJOBS ITERS OKDIR OKFILE", in a process of its own (exec'd, so
 * that the benchmark's memory does not count): serve NJOBS workers and
 * print the broker's peak RSS.
 */
int
lib_memory_main(int argc, char **argv)
{
	struct bench_run r = {
		.op = BENCH_OPEN, .reps = 1, .iters = 1, .barrier = -1
	};
	struct bench_files f;
	struct bench_slot *slots;
	size_t len;
	int n;

	if (argc != 6)
		return 2;
	n = atoi(argv[2]);
	r.iters = atoi(argv[3]);
	if (n < 1 || n > BENCH_MAX_JOBS || r.iters < 1)
		return 2;
	memset(&f, 0, sizeof(f));
	snprintf(f.okdir, sizeof(f.okdir), "%s", argv[4]);
	snprintf(f.okfile, sizeof(f.okfile), "%s", argv[5]);
	len = sizeof(*slots) * (size_t)n;
	if ((slots = bench_shared(len)) == NULL)
		return 1;
	if (lib_jobs(&r, &f, slots, n) == -1)
		return 1;
	printf("hwm_kb %ld\n", bench_hwm_kb(0));
	bench_unshared(slots, len);
	return 0;
}
