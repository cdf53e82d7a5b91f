/* SPDX-License-Identifier: MIT */
/*
 * bench.h: what the modules of the benchmark (tests/bench/) share: the
 * shape of one measurement, the shared-memory slot a measured child
 * writes its timestamps into, and the small helpers for time, CPU
 * affinity and statistics.  Nothing here is part of libfdbroker.
 */
#ifndef FDBROKER_BENCH_H
#define FDBROKER_BENCH_H

#include <sys/types.h>
#include <stdint.h>

#define BENCH_MAX_REPS	64
#define BENCH_MAX_JOBS	64

/* The measured operation, as the confined process sees it. */
enum bench_op {
	BENCH_OPEN,	/* openat + close of a granted file */
	BENCH_STAT,	/* newfstatat of a granted file */
	BENCH_DENY	/* openat of a path that is refused (raw: missing) */
};

/* Where the two processes of a pair run (bench_run.pin). */
enum bench_pin {
	BENCH_UNPINNED,		/* wherever the scheduler puts them */
	BENCH_CPU0,		/* both pinned to CPU 0 */
	BENCH_APART,		/* broker pinned to CPU 0, child to CPU 1 */
	BENCH_START_APART	/* placed as BENCH_APART, then unpinned */
};

/* The files every measurement uses, in a mkdtemp() directory. */
struct bench_files {
	char	 tmp[64];	/* the mkdtemp() directory */
	char	 okdir[96];	/* granted r: holds okfile */
	char	 okfile[128];	/* an empty granted file */
	char	 denyfile[128];	/* a path outside every grant */
	char	 missing[128];	/* raw deny: not there */
	char	 ccdir[96];	/* granted rwc: the cc -c work */
	char	 ccfile[128];	/* a C file including system headers */
};

/* One measurement: what to do and how the pair is set up. */
struct bench_run {
	enum bench_op op;
	int	 pin;		/* enum bench_pin */
	int	 reps;		/* timed runs, <= BENCH_MAX_REPS */
	int	 iters;		/* operations per repetition */
	int	 barrier;	/* read EOF from it before timing, or -1 */
	/* The cross-CPU wake-up ideas, for the floors only. */
	int	 sync_wake;	/* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP */
	int	 follow;	/* broker moves to the child's last CPU */
	int	 spin_us;	/* broker busy-polls, then sleeps */
	int	 cspin_us;	/* socket child busy-polls its reply */
	int	 spin_apart;	/* socket: spin only when the peer's CPU
				   is another */
};

/*
 * Written by a measured child into MAP_SHARED memory: CLOCK_MONOTONIC
 * nanoseconds at the start and end of each repetition, and the CPU time
 * both processes used, for the whole pair's life.
 */
struct bench_slot {
	int	 err;		/* 0, or the first wrong errno */
	int	 nrep;		/* repetitions completed */
	long	 ops;		/* operations done, warm-up included */
	int64_t	 t0[BENCH_MAX_REPS];
	int64_t	 t1[BENCH_MAX_REPS];
	int64_t	 cpu;		/* the child's CPU ns, or -1 */
	int64_t	 bcpu;		/* the broker's CPU ns, or -1 */
	long	 sampled;	/* requests whose child CPU was seen */
	long	 same;		/* of those, on the broker's CPU */
};

/* A set of figures (ns/op, ops/s, ms or KiB), or why there is none. */
struct bench_sample {
	int	 n;
	double	 v[BENCH_MAX_REPS];
	char	 na[64];	/* set when n == 0 */
};

/* One operation of a measured loop: 0 as expected, -1 with errno. */
typedef int (*bench_op_fn)(void *ctx);

/* util.c */
int64_t	 bench_now(void);
int64_t	 bench_cpu(int who);
int	 bench_pin(int mode);
void	 bench_pin_child(int mode);
void	 bench_pin_parent(int mode);
int	 bench_unpin(void);
int	 bench_move_to(int cpu);
int	 bench_close(int fd);
void	*bench_shared(size_t len);
void	 bench_unshared(void *p, size_t len);
void	 bench_loop(struct bench_slot *s, bench_op_fn fn, void *ctx,
	    const struct bench_run *r);
int	 bench_raw_op(void *ctx);
int	 bench_reap(pid_t pid);
long	 bench_hwm_kb(pid_t pid);
int64_t	 bench_tasks_cpu(pid_t pid);
void	 bench_latency(const struct bench_slot *s, int iters,
	    struct bench_sample *out);
double	 bench_tput(const struct bench_slot *s, int n, int iters);
void	 bench_na(struct bench_sample *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
double	 bench_median(const struct bench_sample *s);
double	 bench_min(const struct bench_sample *s);
double	 bench_max(const struct bench_sample *s);

/* The operation that bench_raw_op() makes. */
struct bench_raw {
	enum bench_op op;
	const char *path;
	int	 deny_errno;	/* BENCH_DENY: the errno expected */
};

/* floor.c: the minimal round trips, one pair served in the caller. */
int	 floor_socket(const struct bench_run *r, const struct bench_files *f,
	    struct bench_slot *s);
int	 floor_notify(const struct bench_run *r, const struct bench_files *f,
	    struct bench_slot *s);
int	 floor_notify_supported(void);

/* lib.c: libfdbroker's socket transport. */
const char *lib_missing(void);
int	 lib_latency(const struct bench_run *r, const struct bench_files *f,
	    struct bench_slot *s);
int	 lib_jobs(const struct bench_run *r, const struct bench_files *f,
	    struct bench_slot *slots, int njobs);
int	 lib_memory_main(int argc, char **argv);

/* run.c: external programs, bare and under fdbroker-run. */
struct bench_prog {
	const char *run;	/* fdbroker-run, or NULL when not built */
	const char *loop;	/* bench-loop */
	const char *self;	/* this program, for lib_memory_main */
	char	 why[64];	/* why run is NULL */
};
int	 run_loop_latency(const struct bench_prog *p,
	    const struct bench_files *f, const struct bench_run *r,
	    struct bench_sample *out);
int	 run_loop_tput(const struct bench_prog *p,
	    const struct bench_files *f, const struct bench_run *r, int njobs,
	    double *ops_s, long *hwm_kb, int64_t *cpu_ns);
int	 run_cmd_ms(const char *const argv[], const char *tmpdir, double *ms,
	    char *why, size_t len);
long	 run_lib_memory(const struct bench_prog *p,
	    const struct bench_files *f, int njobs);

/*
 * The speed targets (goals.c): each figure a section records for one,
 * [0] and [1] its two variants (unpinned and pinned; for real work the
 * ratio to the model at the unpinned and at the pinned floor).
 */
enum bench_goal {
	BENCH_G_OPEN, BENCH_G_STAT, BENCH_G_DENY,	/* x notify floor */
	BENCH_G_LIB_OPEN, BENCH_G_LIB_DENY,		/* x socket floor */
	BENCH_G_JOBS_RUN, BENCH_G_JOBS_LIB,		/* x 64 floor pairs */
	BENCH_G_START,					/* ms over bare */
	BENCH_G_MODEL, BENCH_G_STRACE,			/* worst real work */
	BENCH_G_RSS,					/* MiB, 64 children */
	BENCH_G_N
};

struct bench_goals {
	double	 v[BENCH_G_N][2];	/* <= 0: not measured */
	char	 which[BENCH_G_N][40];	/* the worst row's label */
};

void	 bench_goals_init(struct bench_goals *g);
void	 bench_goal(struct bench_goals *g, enum bench_goal k, int pin,
	    double v);
void	 bench_goal_worst(struct bench_goals *g, enum bench_goal k,
	    double v0, double v1, const char *label);
void	 bench_goals_print(const struct bench_goals *g);

#endif /* FDBROKER_BENCH_H */
