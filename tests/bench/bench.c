/* SPDX-License-Identifier: MIT */
/*
 * bench.c: `make bench`.  Measures, in one run on this machine, what a
 * brokered open costs against the floors of its transport (floor.c), the
 * socket transport of libfdbroker (lib.c), the notify transport of
 * fdbroker-run (run.c, bench-loop.c), whole programs under fdbroker-run,
 * the broker's memory, and the ideas for a cheaper cross-CPU wake-up; and
 * prints one table.  A part whose program is not built prints "n/a".
 * See tests/bench/README.md for what each figure means.
 *
 * Environment: BENCH_SCALE=N repeats every measurement N times as often
 * (default 1: 2 to 3 minutes); BENCH_SECTIONS=1,3,7 runs only those
 * sections; FDBROKER_RUN and BENCH_LOOP name the programs (default: next
 * to this one in the build tree).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* The variants of sections 1 and 2. */
enum { V_RAW, V_FSOCK, V_FNOTIFY, V_LIB, V_RUN, V_N };

#define RAW_ITERS	20000
#define IPC_ITERS	2000
#define LAT_REPS	7
#define JOB_OPS		8000	/* opens a run, all processes */
#define JOB_REPS	5
#define BENCH_TIMEOUT	900	/* seconds, times BENCH_SCALE */

struct bench {
	struct bench_files f;
	struct bench_prog p;
	struct bench_slot *slots;	/* BENCH_MAX_JOBS, shared */
	int	 scale;
	const char *only;
	char	 self[PATH_MAX];
	char	 run[PATH_MAX + 32];
	char	 loop[PATH_MAX + 32];
	struct bench_goals g;		/* section 8 */
};

struct wake_case;

static int	section(const struct bench *, int);
static int	reps(const struct bench *, int);
static void	print_load(const char *);
static void	header(const struct bench *);
static void	fig(char *, size_t, const struct bench_sample *);
static void	ratio(char *, size_t, const struct bench_sample *,
		    const struct bench_sample *);
static double	of(const struct bench_sample *, const struct bench_sample *);
static void	lat_goals(struct bench *, enum bench_op,
		    struct bench_sample [2][V_N]);
static void	measure(struct bench *, int, const struct bench_run *,
		    struct bench_sample *);
static void	lat_section(struct bench *, int, enum bench_op);
static void	lat_print(const char *const [],
		    struct bench_sample [2][V_N]);
static double	jobs_once(struct bench *, int, int, double *);
static void	jobs_cell(struct bench *, int, int, int, struct bench_sample *,
		    struct bench_sample *);
static int	floor_jobs(int, struct bench_run *,
		    const struct bench_files *, struct bench_slot *, int);
static void	jobs_section(struct bench *);
static void	cmd_argv(const struct bench *, int, const char *const [],
		    const char *[]);
static void	cmd_once(struct bench *, int, const char *const [],
		    struct bench_sample *);
static long	cmd_calls(struct bench *, const char *const []);
static void	cmd_row(struct bench *, const char *, const char *const [],
		    int, const double *);
static void	cmd_model(struct bench *, const char *,
		    const char *const [], const struct bench_sample *,
		    const double *, char *, char *);
static void	cmd_head(void);
static int	cmd_project(const struct bench *, char *, size_t);
static double	cmd_floor(struct bench *, int);
static void	cmd_sections(struct bench *);
static void	mem_section(struct bench *);
struct wake_acc;
static void	wake_once(struct bench *, const struct wake_case *,
		    struct wake_acc *);
static void	wake_print(const struct wake_case *, const struct wake_acc *,
		    const struct bench_sample *);
static void	wake_section(struct bench *);
static int	files_init(struct bench_files *);
static int	files_rm(const char *, const struct stat *, int,
		    struct FTW *);
static void	progs_init(struct bench *);

static int
section(const struct bench *b, int n)
{
	char want[8];
	const char *p;
	size_t len;

	if (b->only == NULL)
		return 1;
	len = (size_t)snprintf(want, sizeof(want), "%d", n);
	for (p = b->only; (p = strstr(p, want)) != NULL; p += len)
		if ((p == b->only || p[-1] == ',') &&
		    (p[len] == '\0' || p[len] == ','))
			return 1;
	return 0;
}

static int
reps(const struct bench *b, int n)
{
	n *= b->scale;
	return n < BENCH_MAX_REPS ? n : BENCH_MAX_REPS;
}

/* The load average says whether the figures were measured in peace. */
static void
print_load(const char *what)
{
	char line[128] = "?\n";
	FILE *fp;

	if ((fp = fopen("/proc/loadavg", "re")) != NULL) {
		if (fgets(line, sizeof(line), fp) == NULL)
			snprintf(line, sizeof(line), "?\n");
		fclose(fp);
	}
	printf("%s%s", what, line);
}

static void
header(const struct bench *b)
{
	char model[128] = "?", line[256], idle[64] = "?", clk[64] = "?";
	struct utsname u;
	FILE *fp;

	uname(&u);
	if ((fp = fopen("/proc/cpuinfo", "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, "model name : %127[^\n]", model) == 1)
				break;
		fclose(fp);
	}
	if ((fp = fopen("/sys/devices/system/cpu/cpuidle/current_driver",
	    "re")) != NULL) {
		if (fscanf(fp, "%63s", idle) != 1)
			strcpy(idle, "?");
		fclose(fp);
	}
	if ((fp = fopen("/sys/devices/system/clocksource/clocksource0/"
	    "current_clocksource", "re")) != NULL) {
		if (fscanf(fp, "%63s", clk) != 1)
			strcpy(clk, "?");
		fclose(fp);
	}
	printf("fdbroker benchmark: Linux %s %s, %ld CPUs (%s), cpuidle %s, "
	    "clock %s\n", u.release, u.machine,
	    sysconf(_SC_NPROCESSORS_ONLN), model, idle, clk);
	printf("BENCH_SCALE=%d.  Each figure: median [min-max] over its runs; "
	    "ratios are of medians.\n", b->scale);
	print_load("load average at the start: ");
	printf("fdbroker-run: %s\n", b->p.run != NULL ? b->p.run : b->p.why);
	printf("libfdbroker socket transport: %s\n\n",
	    lib_missing() == NULL ? "built" : "n/a (not built)");
}

/* "median [min-max]", or the reason there is no figure. */
static void
fig(char *buf, size_t len, const struct bench_sample *s)
{
	double m = bench_median(s);

	if (s->n == 0)
		snprintf(buf, len, "%s", s->na[0] ? s->na : "n/a");
	else if (m >= 100)
		snprintf(buf, len, "%.0f [%.0f-%.0f]", m, bench_min(s),
		    bench_max(s));
	else
		snprintf(buf, len, "%.2f [%.2f-%.2f]", m, bench_min(s),
		    bench_max(s));
}

static void
ratio(char *buf, size_t len, const struct bench_sample *a,
    const struct bench_sample *b)
{
	if (of(a, b) < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", of(a, b));
}

/* The ratio of the medians of @a and @b, or -1 without both. */
static double
of(const struct bench_sample *a, const struct bench_sample *b)
{
	if (a->n == 0 || b->n == 0 || bench_median(b) <= 0)
		return -1;
	return bench_median(a) / bench_median(b);
}

/* One figure of sections 1 and 2: @r->reps runs of one variant. */
static void
measure(struct bench *b, int v, const struct bench_run *r0,
    struct bench_sample *out)
{
	struct bench_raw raw = { r0->op, b->f.okfile, ENOENT };
	struct bench_run r = *r0;
	const char *missing;
	int rc = 0;

	memset(b->slots, 0, sizeof(*b->slots));
	memset(out, 0, sizeof(*out));
	r.iters = v == V_RAW ? RAW_ITERS : IPC_ITERS;
	switch (v) {
	case V_RAW:
		if (r.op == BENCH_DENY)
			raw.path = b->f.missing;
		bench_pin(r.pin);
		bench_loop(b->slots, bench_raw_op, &raw, &r);
		bench_unpin();
		break;
	case V_FSOCK:
		rc = floor_socket(&r, &b->f, b->slots);
		break;
	case V_FNOTIFY:
		rc = floor_notify(&r, &b->f, b->slots);
		break;
	case V_LIB:
		if ((missing = lib_missing()) != NULL) {
			bench_na(out, "n/a (not built: %s)", missing);
			return;
		}
		if (r.op == BENCH_STAT) {
			bench_na(out, "n/a (no stat op on the wire)");
			return;
		}
		rc = lib_latency(&r, &b->f, b->slots);
		break;
	default:
		run_loop_latency(&b->p, &b->f, &r, out);
		return;
	}
	if (rc == -1 && b->slots->err == 0)
		b->slots->err = errno != 0 ? errno : EIO;
	bench_latency(b->slots, r.iters, out);
}

static void
lat_print(const char *const label[], struct bench_sample s[2][V_N])
{
	static const int floor_of[V_N] = { -1, V_RAW, V_RAW, V_FSOCK,
		V_FNOTIFY };
	char f[2][80], rf[2][16], rr[2][16];
	int pin, v;

	printf("  %-34s %-26s %6s %6s   %-26s %6s %6s\n", "", "unpinned",
	    "xfloor", "xraw", "both on CPU 0", "xfloor", "xraw");
	for (v = 0; v < V_N; v++) {
		for (pin = 0; pin < 2; pin++) {
			fig(f[pin], sizeof(f[pin]), &s[pin][v]);
			if (floor_of[v] <= V_RAW)
				snprintf(rf[pin], sizeof(rf[pin]), "-");
			else
				ratio(rf[pin], sizeof(rf[pin]), &s[pin][v],
				    &s[pin][floor_of[v]]);
			if (v == V_RAW)
				snprintf(rr[pin], sizeof(rr[pin]), "-");
			else
				ratio(rr[pin], sizeof(rr[pin]), &s[pin][v],
				    &s[pin][V_RAW]);
		}
		printf("  %-34s %-26s %6s %6s   %-26s %6s %6s\n", label[v],
		    f[0], rf[0], rr[0], f[1], rf[1], rr[1]);
	}
	printf("\n");
	fflush(stdout);
}

static void
lat_section(struct bench *b, int n, enum bench_op op)
{
	static const char *const labels[3][V_N] = {
		{ "(a) raw openat+close", "(b) floor: SCM_RIGHTS pair",
		  "(c) floor: notify + ADDFD|SEND", "(d) fdb_open (socket)",
		  "(e) fdbroker-run (notify)" },
		{ "(a) raw newfstatat", "(b) floor: socket, stat by value",
		  "(c) floor: notify, value answer", "(d) fdb_open (socket)",
		  "(e) fdbroker-run newfstatat" },
		{ "(a) raw openat, missing (ENOENT)",
		  "(b) floor: socket, errno reply",
		  "(c) floor: notify, errno answer",
		  "(d) fdb_open refused (EACCES)",
		  "(e) fdbroker-run refused open" },
	};
	static const char *const titles[3] = { "open+close", "stat",
		"denied open" };
	struct bench_sample s[2][V_N];
	struct bench_run r = { .op = op, .barrier = -1 };
	int v;

	r.reps = reps(b, LAT_REPS);
	printf("%d%s. %s, ns per operation (%d runs; %d ops a run, raw %d)\n",
	    n, op == BENCH_DENY ? "b" : op == BENCH_STAT ? "a" : "",
	    titles[op], r.reps, IPC_ITERS, RAW_ITERS);
	for (r.pin = 0; r.pin < 2; r.pin++)
		for (v = 0; v < V_N; v++)
			measure(b, v, &r, &s[r.pin][v]);
	lat_print(labels[op], s);
	lat_goals(b, op, s);
}

/* Target 1: (e) against its floor (c), (d) against (b), both pinnings. */
static void
lat_goals(struct bench *b, enum bench_op op, struct bench_sample s[2][V_N])
{
	static const enum bench_goal run[3] = { BENCH_G_OPEN, BENCH_G_STAT,
		BENCH_G_DENY };
	int pin;

	for (pin = 0; pin < 2; pin++) {
		bench_goal(&b->g, run[op], pin, of(&s[pin][V_RUN],
		    &s[pin][V_FNOTIFY]));
		if (op != BENCH_STAT)
			bench_goal(&b->g, op == BENCH_OPEN ? BENCH_G_LIB_OPEN :
			    BENCH_G_LIB_DENY, pin, of(&s[pin][V_LIB],
			    &s[pin][V_FSOCK]));
	}
}

/*
 * @n minimal floor pairs at once, each its own broker process.  Every
 * child warms up, then waits on @gate; closing the write end starts them
 * all together.
 */
static int
floor_jobs(int v, struct bench_run *r, const struct bench_files *f,
    struct bench_slot *slots, int n)
{
	pid_t pid[BENCH_MAX_JOBS];
	int gate[2], i, rc = 0;

	if (pipe2(gate, O_CLOEXEC) == -1)
		return -1;
	r->barrier = gate[0];
	for (i = 0; i < n; i++) {
		if ((pid[i] = fork()) == -1)
			break;
		if (pid[i] == 0) {
			close(gate[1]);
			if (v == V_FSOCK)
				_exit(floor_socket(r, f, &slots[i]) == -1);
			_exit(floor_notify(r, f, &slots[i]) == -1);
		}
	}
	close(gate[0]);
	close(gate[1]);
	r->barrier = -1;
	if (i < n)
		rc = -1;
	while (i-- > 0)
		if (bench_reap(pid[i]) == -1)
			rc = -1;
	return rc;
}

/*
 * Total open+close per second of @n confined processes, or -1; the
 * broker's CPU time per open in *@cpu_us (warm-up included; -1 unknown):
 * each floor supervisor's own, or all of fdbroker-run's threads.
 */
static double
jobs_once(struct bench *b, int v, int n, double *cpu_us)
{
	struct bench_run r = { .op = BENCH_OPEN, .reps = 1, .barrier = -1 };
	double ops, bcpu = 0, done = 0;
	int64_t ns;
	int rc, i;

	r.iters = JOB_OPS / n;
	*cpu_us = -1;
	memset(b->slots, 0, sizeof(*b->slots) * BENCH_MAX_JOBS);
	if (v == V_RUN) {
		if (run_loop_tput(&b->p, &b->f, &r, n, &ops, NULL, &ns) == -1)
			return -1;
		if (ns > 0)
			*cpu_us = (double)ns / 1e3 /
			    ((double)n * (r.iters + r.iters / 10 + 1));
		return ops;
	}
	if (v == V_LIB)
		rc = lib_jobs(&r, &b->f, b->slots, n);
	else
		rc = floor_jobs(v, &r, &b->f, b->slots, n);
	if (rc == -1)
		return -1;
	for (i = 0; v != V_LIB && i < n && b->slots[i].bcpu >= 0; i++) {
		bcpu += (double)b->slots[i].bcpu;
		done += (double)b->slots[i].ops;
	}
	if (i == n && done > 0)
		*cpu_us = bcpu / 1e3 / done;
	return bench_tput(b->slots, n, r.iters);
}

/* @nrep runs of variant @v with @n processes: ops/s, and CPU per open. */
static void
jobs_cell(struct bench *b, int v, int n, int nrep, struct bench_sample *s,
    struct bench_sample *cpu)
{
	double ops, us;
	int k;

	memset(s, 0, sizeof(*s));
	memset(cpu, 0, sizeof(*cpu));
	for (k = 0; k < nrep; k++) {
		if ((ops = jobs_once(b, v, n, &us)) < 0)
			break;
		s->v[s->n++] = ops;
		if (us > 0)
			cpu->v[cpu->n++] = us;
	}
	if (k < nrep)
		bench_na(s, v == V_LIB && lib_missing() != NULL ?
		    "n/a (not built)" : v == V_RUN && b->p.run == NULL ?
		    "n/a (not built)" : "n/a (failed)");
	if (cpu->n == 0)
		bench_na(cpu, "n/a");
}

static void
jobs_section(struct bench *b)
{
	static const int vs[4] = { V_FSOCK, V_LIB, V_FNOTIFY, V_RUN };
	static const int ns[4] = { 1, 4, 16, 64 };
	struct bench_sample s[4], cpu[4];
	char f[4][80], r1[16], r2[16], c[4][2][80];
	int i, j, nrep = reps(b, JOB_REPS);

	printf("3. concurrency: total open+close per second, N confined "
	    "processes at once (%d runs of %d opens)\n", nrep, JOB_OPS);
	printf("  %4s  %-24s %-24s %7s   %-24s %-24s %7s\n", "N",
	    "(b) floor socket pairs", "(d) fdb_open, 1 broker", "slower",
	    "(c) floor notify pairs", "(e) fdbroker-run, 1", "slower");
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			jobs_cell(b, vs[j], ns[i], nrep, &s[j], &cpu[j]);
			fig(f[j], sizeof(f[j]), &s[j]);
		}
		fig(c[i][0], sizeof(c[i][0]), &cpu[2]);
		fig(c[i][1], sizeof(c[i][1]), &cpu[3]);
		ratio(r1, sizeof(r1), &s[0], &s[1]);
		ratio(r2, sizeof(r2), &s[2], &s[3]);
		printf("  %4d  %-24s %-24s %7s   %-24s %-24s %7s\n", ns[i],
		    f[0], f[1], r1, f[2], f[3], r2);
		fflush(stdout);
	}
	/* Target 2, at the last N (64): throughput against the pairs'. */
	bench_goal(&b->g, BENCH_G_JOBS_LIB, 0, of(&s[1], &s[0]));
	bench_goal(&b->g, BENCH_G_JOBS_RUN, 0, of(&s[3], &s[2]));
	printf("  broker CPU per open, us (warm-up included)\n");
	printf("  %4s  %-28s %-28s\n", "N", "(c) each floor supervisor",
	    "(e) fdbroker-run, all threads");
	for (i = 0; i < 4; i++)
		printf("  %4d  %-28s %-28s\n", ns[i], c[i][0], c[i][1]);
	printf("\n");
}

/* @n runs of @argv, bare or under fdbroker-run (@brokered). */
/*
 * Sections 4 and 5: each command bare, under the strace peer (only the
 * open calls traced, through its seccomp filter) and under fdbroker-run,
 * one run of each in turn, so that whatever else the machine does falls
 * on all three alike.  The model of fdbroker-run's cost is the number of
 * mediated calls (counted by strace -c -f, bare) times the notify floor.
 */
enum { C_BARE, C_STRACE, C_RUN, C_N };

#define STRACE		"/usr/bin/strace"
/* What fdbroker-run sends to the broker: every call naming a file. */
#define MEDIATED	"trace=%file,connect,bind"

/* @argv under variant @v, into @av (32 entries). */
static void
cmd_argv(const struct bench *b, int v, const char *const argv[],
    const char *av[])
{
	static const char *const peer[] = { STRACE, "-f", "--seccomp-bpf",
		"-qq", "-o", "/dev/null", "-e",
		"trace=open,openat,openat2,creat", "--", NULL };
	int i = 0, k;

	if (v == C_STRACE)
		for (k = 0; peer[k] != NULL; k++)
			av[i++] = peer[k];
	if (v == C_RUN) {
		av[i++] = b->p.run;
		av[i++] = "-c";
		av[i++] = b->f.ccdir;
		av[i++] = "--";
	}
	for (k = 0; argv[k] != NULL && i < 31; k++)
		av[i++] = argv[k];
	av[i] = NULL;
}

/* One run of @argv under variant @v into @s, unless @s has failed. */
static void
cmd_once(struct bench *b, int v, const char *const argv[],
    struct bench_sample *s)
{
	const char *av[32];
	char why[64];
	double ms;

	if (s->na[0] != '\0')
		return;
	if (v == C_RUN && b->p.run == NULL) {
		bench_na(s, "n/a (%s)", b->p.why);
		return;
	}
	if (v == C_STRACE && access(STRACE, X_OK) == -1) {
		bench_na(s, "n/a (strace not installed)");
		return;
	}
	cmd_argv(b, v, argv, av);
	if (run_cmd_ms(av, b->f.ccdir, &ms, why, sizeof(why)) == -1) {
		s->n = 0;
		bench_na(s, "n/a (%s)", why);
	} else if (s->n < BENCH_MAX_REPS)
		s->v[s->n++] = ms;
}

/* The mediated calls @argv makes, bare, counted by strace; -1: unknown. */
static long
cmd_calls(struct bench *b, const char *const argv[])
{
	char out[160], line[256], why[64];
	const char *av[40] = { STRACE, "-f", "-c", "-o", out, "-e", MEDIATED,
		"--" };
	long calls = -1, n;
	double ms;
	FILE *fp;
	int i = 8, k;

	snprintf(out, sizeof(out), "%s/strace-c.txt", b->f.tmp);
	for (k = 0; argv[k] != NULL && i < 39; k++)
		av[i++] = argv[k];
	av[i] = NULL;
	if (access(STRACE, X_OK) == -1 ||
	    run_cmd_ms(av, b->f.ccdir, &ms, why, sizeof(why)) == -1 ||
	    (fp = fopen(out, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%*f %*f %*d %ld %*s total", &n) == 1 ||
		    sscanf(line, "%*f %*f %*d %ld total", &n) == 1)
			calls = n;
	fclose(fp);
	unlink(out);
	return calls;
}

/*
 * One row: the three variants, the overhead, and with @floor_us (the
 * notify floor unpinned and pinned, us) the model and the targets
 * (overhead <= 1.15x model, no slower than strace); without, section
 * 4's target (bare + 1.5 ms).
 */
static void
cmd_row(struct bench *b, const char *label, const char *const argv[],
    int n, const double *floor_us)
{
	struct bench_sample s[C_N];
	char f[C_N][80], d[16], m[64], t[64];
	double over;
	int i, v;

	memset(s, 0, sizeof(s));
	for (v = 0; v < C_N; v++) {
		cmd_once(b, v, argv, &s[v]);	/* warm, untimed */
		s[v].n = 0;
	}
	for (i = 0; i < reps(b, n); i++)
		for (v = 0; v < C_N; v++)
			cmd_once(b, v, argv, &s[v]);
	for (v = 0; v < C_N; v++)
		fig(f[v], sizeof(f[v]), &s[v]);
	snprintf(d, sizeof(d), "-");
	snprintf(m, sizeof(m), "-");
	snprintf(t, sizeof(t), "-");
	if (s[C_BARE].n && s[C_RUN].n) {
		over = bench_median(&s[C_RUN]) - bench_median(&s[C_BARE]);
		snprintf(d, sizeof(d), "%+.1f", over);
		if (floor_us != NULL)
			cmd_model(b, label, argv, s, floor_us, m, t);
		else {
			bench_goal(&b->g, BENCH_G_START, 0, over);
			snprintf(t, sizeof(t), "%s (target +1.5)",
			    over <= 1.5 ? "met" : "missed");
			if (s[C_STRACE].n)
				snprintf(t + strlen(t), sizeof(t) - strlen(t),
				    ", strace +%.1f", bench_median(&s[C_STRACE])
				    - bench_median(&s[C_BARE]));
		}
	}
	printf("  %-30s %-22s %-22s %-22s %7s  %-34s %s\n", label, f[C_BARE],
	    f[C_STRACE], f[C_RUN], d, m, t);
	fflush(stdout);
}

/*
 * The model, calls x floor, into @m and the targets into @t (64 bytes
 * each).  The floor that judges is the unpinned one, as the targets
 * say; at the pinned floor beside it, because on an idle VM the
 * unpinned floor is mostly the wake-up of a halted vCPU, which
 * fdbroker-run's threads often avoid (section 7), so that the pinned
 * one is what the work itself costs.
 */
static void
cmd_model(struct bench *b, const char *label, const char *const argv[],
    const struct bench_sample *s, const double *floor_us, char *m, char *t)
{
	double over, model, pinned;
	long calls;

	if (floor_us[0] <= 0 || floor_us[1] <= 0) {
		snprintf(m, 64, "n/a (no floor)");
		return;
	}
	if ((calls = cmd_calls(b, argv)) < 0) {
		snprintf(m, 64, "n/a (no strace to count)");
		return;
	}
	over = bench_median(&s[C_RUN]) - bench_median(&s[C_BARE]);
	model = (double)calls * floor_us[0] / 1000;
	pinned = (double)calls * floor_us[1] / 1000;
	snprintf(m, 64, "%ld x %.1fus = %.1f (pinned %.1f)", calls,
	    floor_us[0], model, pinned);
	snprintf(t, 64, "%.2fx model (%.2fx pinned)", model > 0 ?
	    over / model : 0, pinned > 0 ? over / pinned : 0);
	if (model > 0 && pinned > 0)
		bench_goal_worst(&b->g, BENCH_G_MODEL, over / model,
		    over / pinned, label);
	if (s[C_STRACE].n == 0)
		return;
	snprintf(t + strlen(t), 64 - strlen(t), ", %.2fx strace",
	    of(&s[C_RUN], &s[C_STRACE]));
	bench_goal_worst(&b->g, BENCH_G_STRACE, of(&s[C_RUN], &s[C_STRACE]),
	    -1, label);
}

static void
cmd_head(void)
{
	printf("  %-30s %-22s %-22s %-22s %7s  %-34s %s\n", "", "bare",
	    "strace (opens)", "fdbroker-run", "+ms", "model: calls x floor, ms",
	    "target");
}

/* Section 5's small C project: eight files, built with make -j2 -B. */
static int
cmd_project(const struct bench *b, char *dir, size_t len)
{
	char path[PATH_MAX + 16];
	FILE *fp;
	int i;

	snprintf(dir, len, "%s/proj", b->f.ccdir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "%s/m%d.c", dir, i);
		if ((fp = fopen(path, "we")) == NULL)
			return -1;
		fprintf(fp, "#include <stdio.h>\n#include <stdlib.h>\n"
		    "#include <string.h>\nint f%d(const char *s) "
		    "{ return (int)strlen(s) + atoi(s); }\n", i);
		if (fclose(fp) == EOF)
			return -1;
	}
	snprintf(path, sizeof(path), "%s/Makefile", dir);
	if ((fp = fopen(path, "we")) == NULL)
		return -1;
	fprintf(fp, "OBJS = m0.o m1.o m2.o m3.o m4.o m5.o m6.o m7.o\n"
	    "libm.a: $(OBJS)\n\tar rcs $@ $(OBJS)\n");
	return fclose(fp) == EOF ? -1 : 0;
}

/* The notify floor of an open, in us (section 1's (c)), @pin as there. */
static double
cmd_floor(struct bench *b, int pin)
{
	struct bench_run r = { .op = BENCH_OPEN, .pin = pin,
		.reps = reps(b, 5), .barrier = -1 };
	struct bench_sample s;

	measure(b, V_FNOTIFY, &r, &s);
	return s.n > 0 ? bench_median(&s) / 1000 : -1;
}

static void
cmd_sections(struct bench *b)
{
	const char *truth[] = { "/usr/bin/true", NULL };
	const char *py[] = { "/usr/bin/python3", "-c", "import json, email, "
		"http.client, xml.dom.minidom, argparse, decimal", NULL };
	char out[160], proj[PATH_MAX];
	const char *cc[] = { "/usr/bin/cc", "-c", b->f.ccfile, "-o", out,
		NULL };
	const char *tar[] = { "/usr/bin/tar", "-cf", "/dev/null",
		"/usr/include", NULL };
	const char *cat[] = { "/bin/sh", "-c", "find /usr/include -name "
		"'*.h' | head -n 2000 | xargs cat", NULL };
	const char *make[] = { "/usr/bin/make", "-s", "-B", "-j2", "-C", proj,
		NULL };
	double fl[2];

	snprintf(out, sizeof(out), "%s/hdrs.o", b->f.ccdir);
	if (section(b, 4)) {
		printf("4. start-up, ms (wall, fork to reaping); target: "
		    "fdbroker-run at most bare + 1.5 ms%s\n",
		    access(STRACE, X_OK) == 0 ? "" : "; strace not installed");
		cmd_head();
		cmd_row(b, "true", truth, 20, NULL);
		printf("\n");
	}
	if (!section(b, 5))
		return;
	fl[0] = cmd_floor(b, BENCH_UNPINNED);
	fl[1] = cmd_floor(b, BENCH_CPU0);
	printf("5. real work, ms (fdbroker-run: system profile, -c on the cc "
	    "work dir); notify floor (open) %.1f us unpinned, %.1f us "
	    "pinned, measured now; targets: +ms <= 1.15x model, no slower "
	    "than strace%s\n", fl[0], fl[1],
	    access(STRACE, X_OK) == 0 ? "" :
	    "; strace not installed: no peer, no model");
	cmd_head();
	cmd_row(b, "python3 -c 'import json, ...'", py, 7, fl);
	cmd_row(b, "cc -c (12 system headers)", cc, 5, fl);
	cmd_row(b, "tar -cf /dev/null /usr/include", tar, 3, fl);
	cmd_row(b, "find + cat of 2000 headers", cat, 3, fl);
	if (cmd_project(b, proj, sizeof(proj)) == 0)
		cmd_row(b, "make -j2 (8 small C files)", make, 3, fl);
	else
		printf("  make -j2: n/a (set-up: %s)\n", strerror(errno));
	printf("\n");
}

static void
mem_section(struct bench *b)
{
	static const int ns[2] = { 1, 64 };
	struct bench_run r = { .op = BENCH_OPEN, .reps = 1, .iters = 200,
		.barrier = -1 };
	struct bench_sample s[2][2];
	char f[2][2][80];
	double ops;
	long kb;
	int i, k;

	printf("6. broker peak RSS (VmHWM), KiB, 3 runs\n");
	printf("  %-34s %-26s %-26s\n", "", "1 child", "64 children");
	for (i = 0; i < 2; i++) {
		memset(s[0] + i, 0, sizeof(s[0][i]));
		memset(s[1] + i, 0, sizeof(s[1][i]));
		for (k = 0; k < 3; k++) {
			if (lib_missing() == NULL &&
			    (kb = run_lib_memory(&b->p, &b->f, ns[i])) > 0)
				s[0][i].v[s[0][i].n++] = (double)kb;
			if (b->p.run != NULL && run_loop_tput(&b->p, &b->f, &r,
			    ns[i], &ops, &kb, NULL) == 0 && kb > 0)
				s[1][i].v[s[1][i].n++] = (double)kb;
		}
		if (s[0][i].n == 0)
			bench_na(&s[0][i], lib_missing() != NULL ?
			    "n/a (not built)" : "n/a (failed)");
		if (s[1][i].n == 0)
			bench_na(&s[1][i], b->p.run == NULL ?
			    "n/a (not built)" : "n/a (failed)");
		fig(f[0][i], sizeof(f[0][i]), &s[0][i]);
		fig(f[1][i], sizeof(f[1][i]), &s[1][i]);
	}
	printf("  %-34s %-26s %-26s\n", "(d) library broker process",
	    f[0][0], f[0][1]);
	printf("  %-34s %-26s %-26s\n", "(e) fdbroker-run", f[1][0], f[1][1]);
	printf("\n");
	if (s[1][1].n > 0)
		bench_goal(&b->g, BENCH_G_RSS, 0,
		    bench_median(&s[1][1]) / 1024);
	fflush(stdout);
}

/* Section 7: one floor under one idea. */
struct wake_case {
	const char *label;
	int	 v;		/* V_FSOCK or V_FNOTIFY */
	int	 pin;		/* enum bench_pin */
	int	 sync_wake, follow, spin_us, cspin_us, spin_apart;
	enum bench_op op;	/* BENCH_STAT: answered with NOTIF_SEND */
};

static const struct wake_case wake_cases[] = {
	{ "socket: both on CPU 0", V_FSOCK, .pin = BENCH_CPU0 },
	{ "socket: unpinned", V_FSOCK, .pin = BENCH_UNPINNED },
	{ "socket: pinned apart (CPU 0, CPU 1)", V_FSOCK, .pin = BENCH_APART },
	{ "socket: apart, both spin 50us", V_FSOCK, .pin = BENCH_APART,
	  .spin_us = 50, .cspin_us = 50 },
	{ "socket: start apart", V_FSOCK, .pin = BENCH_START_APART },
	{ "socket: start apart, broker follows", V_FSOCK,
	  .pin = BENCH_START_APART, .follow = 1 },
	{ "socket: start apart, broker spins 50us", V_FSOCK,
	  .pin = BENCH_START_APART, .spin_us = 50 },
	{ "socket: start apart, both spin 50us", V_FSOCK,
	  .pin = BENCH_START_APART, .spin_us = 50, .cspin_us = 50 },
	{ "socket: unpinned, both spin 50us", V_FSOCK, .pin = BENCH_UNPINNED,
	  .spin_us = 50, .cspin_us = 50 },
	{ "socket: apart, spin 50us if CPUs differ", V_FSOCK,
	  .pin = BENCH_APART, .spin_us = 50, .cspin_us = 50, .spin_apart = 1 },
	{ "socket: unpinned, spin 50us if CPUs differ", V_FSOCK,
	  .pin = BENCH_UNPINNED, .spin_us = 50, .cspin_us = 50,
	  .spin_apart = 1 },
	{ "notify: both on CPU 0", V_FNOTIFY, .pin = BENCH_CPU0 },
	{ "notify: both on CPU 0, SYNC_WAKE_UP", V_FNOTIFY, .pin = BENCH_CPU0,
	  .sync_wake = 1 },
	{ "notify: unpinned", V_FNOTIFY, .pin = BENCH_UNPINNED },
	{ "notify: unpinned, SYNC_WAKE_UP", V_FNOTIFY, .pin = BENCH_UNPINNED,
	  .sync_wake = 1 },
	{ "notify: pinned apart (CPU 0, CPU 1)", V_FNOTIFY,
	  .pin = BENCH_APART },
	{ "notify: apart, broker spins 50us", V_FNOTIFY, .pin = BENCH_APART,
	  .spin_us = 50 },
	{ "notify: start apart", V_FNOTIFY, .pin = BENCH_START_APART },
	{ "notify: start apart, SYNC_WAKE_UP", V_FNOTIFY,
	  .pin = BENCH_START_APART, .sync_wake = 1 },
	{ "notify: start apart, follow (/proc stat)", V_FNOTIFY,
	  .pin = BENCH_START_APART, .follow = 1 },
	{ "notify: start apart, broker spins 50us", V_FNOTIFY,
	  .pin = BENCH_START_APART, .spin_us = 50 },
	{ "notify: start apart, SYNC + spin 50us", V_FNOTIFY,
	  .pin = BENCH_START_APART, .sync_wake = 1, .spin_us = 50 },
	/*
	 * ADDFD wakes the target with a plain complete() whatever the
	 * flags: SYNC_WAKE_UP reaches both directions only with NOTIF_SEND.
	 */
	{ "notify stat: both on CPU 0", V_FNOTIFY, .pin = BENCH_CPU0,
	  .op = BENCH_STAT },
	{ "notify stat: pinned apart", V_FNOTIFY, .pin = BENCH_APART,
	  .op = BENCH_STAT },
	{ "notify stat: start apart", V_FNOTIFY, .pin = BENCH_START_APART,
	  .op = BENCH_STAT },
	{ "notify stat: start apart, SYNC_WAKE_UP", V_FNOTIFY,
	  .pin = BENCH_START_APART, .sync_wake = 1, .op = BENCH_STAT },
};

#define WAKE_CASES	(sizeof(wake_cases) / sizeof(wake_cases[0]))

/* What section 7 gathers for one case over its runs. */
struct wake_acc {
	struct bench_sample s;
	double	 cpu_ns;	/* both processes, all runs */
	double	 ops;
	long	 sampled, same;
	int	 nocpu;		/* a run without a CPU time */
};

/* One run of one case, added to @a. */
static void
wake_once(struct bench *b, const struct wake_case *c, struct wake_acc *a)
{
	struct bench_run r = { .op = c->op, .reps = 1, .barrier = -1 };
	struct bench_slot *sl = b->slots;
	struct bench_sample one;

	r.pin = c->pin;
	r.sync_wake = c->sync_wake;
	r.follow = c->follow;
	r.spin_us = c->spin_us;
	r.cspin_us = c->cspin_us;
	r.spin_apart = c->spin_apart;
	measure(b, c->v, &r, &one);
	if (one.n == 0) {
		if (a->s.na[0] == '\0')
			snprintf(a->s.na, sizeof(a->s.na), "%s", one.na);
		return;
	}
	a->s.v[a->s.n++] = one.v[0];
	if (sl->cpu < 0 || sl->bcpu < 0)
		a->nocpu = 1;
	a->cpu_ns += (double)(sl->cpu + sl->bcpu);
	a->ops += (double)sl->ops;
	a->sampled += sl->sampled;
	a->same += sl->same;
}

static void
wake_print(const struct wake_case *c, const struct wake_acc *a,
    const struct bench_sample *base)
{
	char f[80], x[16], cpu[16], same[16];

	fig(f, sizeof(f), &a->s);
	ratio(x, sizeof(x), &a->s, base);
	snprintf(cpu, sizeof(cpu), "-");
	snprintf(same, sizeof(same), "-");
	if (a->s.n > 0 && !a->nocpu && a->ops > 0)
		snprintf(cpu, sizeof(cpu), "%.1f", a->cpu_ns / 1e3 / a->ops);
	if (a->s.n > 0 && a->sampled > 0)
		snprintf(same, sizeof(same), "%.0f%%",
		    100.0 * (double)a->same / (double)a->sampled);
	printf("  %-42s %-24s %7s %7s %7s\n", c->label, f, x, cpu, same);
}

/*
 * The cases take turns, one run each per round, so that whatever else
 * the machine does meanwhile falls on all of them alike: on a VM the
 * cost of a cross-CPU wake-up depends mostly on whether the other vCPU
 * is idle (halted) at that moment.
 */
static void
wake_section(struct bench *b)
{
	struct wake_acc acc[WAKE_CASES];
	const struct bench_sample *base = NULL;
	size_t i;
	int k, nrep = reps(b, LAT_REPS);

	memset(acc, 0, sizeof(acc));
	printf("7. cross-CPU wake-up, floors, ns/op (%d runs of %d, the "
	    "cases taking turns)\n", nrep, IPC_ITERS);
	printf("   cpu: both processes' CPU us/op; same: requests served "
	    "on the child's CPU\n");
	printf("  %-42s %-24s %7s %7s %7s\n", "", "ns/op", "xpinned", "cpu",
	    "same");
	for (k = 0; k < nrep; k++)
		for (i = 0; i < WAKE_CASES; i++)
			wake_once(b, &wake_cases[i], &acc[i]);
	for (i = 0; i < WAKE_CASES; i++) {
		if (wake_cases[i].pin == BENCH_CPU0 &&
		    !wake_cases[i].sync_wake)
			base = &acc[i].s;
		wake_print(&wake_cases[i], &acc[i], base);
	}
	printf("\n");
	fflush(stdout);
}

static int
files_init(struct bench_files *f)
{
	static const char *const hdrs[] = { "stdio.h", "stdlib.h",
		"string.h", "unistd.h", "fcntl.h", "errno.h", "signal.h",
		"time.h", "sys/stat.h", "sys/socket.h", "pthread.h", "math.h" };
	char dir[96];
	FILE *fp;
	size_t i;
	int fd;

	snprintf(f->tmp, sizeof(f->tmp), "/tmp/fdbroker-bench.XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	snprintf(f->okdir, sizeof(f->okdir), "%s/ok", f->tmp);
	snprintf(f->okfile, sizeof(f->okfile), "%s/file", f->okdir);
	snprintf(dir, sizeof(dir), "%s/no", f->tmp);
	snprintf(f->denyfile, sizeof(f->denyfile), "%s/file", dir);
	snprintf(f->missing, sizeof(f->missing), "%s/missing/file", f->tmp);
	snprintf(f->ccdir, sizeof(f->ccdir), "%s/cc", f->tmp);
	snprintf(f->ccfile, sizeof(f->ccfile), "%s/hdrs.c", f->ccdir);
	if (mkdir(f->okdir, 0755) == -1 || mkdir(dir, 0755) == -1 ||
	    mkdir(f->ccdir, 0755) == -1)
		return -1;
	/* The refused file exists: only the policy stands in the way. */
	if ((fd = open(f->okfile, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) ==
	    -1 || close(fd) == -1)
		return -1;
	if ((fd = open(f->denyfile, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) ==
	    -1 || close(fd) == -1)
		return -1;
	if ((fp = fopen(f->ccfile, "we")) == NULL)
		return -1;
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++)
		fprintf(fp, "#include <%s>\n", hdrs[i]);
	fprintf(fp, "int f(void) { return (int)sqrt(2.0) + getpid(); }\n");
	return fclose(fp);
}

static int
files_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Where fdbroker-run and bench-loop are, and whether they exist. */
static void
progs_init(struct bench *b)
{
	char dir[PATH_MAX];
	const char *env;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", b->self, sizeof(b->self) - 1)) <
	    0)
		n = 0;
	b->self[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", b->self);
	dirname(dir);
	if ((env = getenv("BENCH_LOOP")) != NULL)
		snprintf(b->loop, sizeof(b->loop), "%s", env);
	else
		snprintf(b->loop, sizeof(b->loop), "%s/bench-loop", dir);
	if ((env = getenv("FDBROKER_RUN")) != NULL)
		snprintf(b->run, sizeof(b->run), "%s", env);
	else
		snprintf(b->run, sizeof(b->run), "%s/../../fdbroker-run", dir);
	b->p.self = b->self;
	b->p.loop = b->loop;
	b->p.run = b->run;
	if (access(b->run, X_OK) == -1) {
		b->p.run = NULL;
		snprintf(b->p.why, sizeof(b->p.why), "not built");
	} else if (access(b->loop, X_OK) == -1) {
		b->p.run = NULL;
		snprintf(b->p.why, sizeof(b->p.why), "no bench-loop");
	}
}

int
main(int argc, char **argv)
{
	struct bench b;
	const char *env;
	int64_t t0 = bench_now();
	int rc = EXIT_SUCCESS;

	if (argc > 1 && strcmp(argv[1], "memlib") == 0)
		return lib_memory_main(argc, argv);
	memset(&b, 0, sizeof(b));
	b.scale = (env = getenv("BENCH_SCALE")) != NULL ? atoi(env) : 1;
	if (b.scale < 1)
		b.scale = 1;
	b.only = getenv("BENCH_SECTIONS");
	bench_goals_init(&b.g);
	progs_init(&b);
	/* A broker that hangs must not hang `make bench` for ever. */
	alarm((unsigned)(BENCH_TIMEOUT * b.scale));
	b.slots = bench_shared(sizeof(*b.slots) * BENCH_MAX_JOBS);
	if (b.slots == NULL || files_init(&b.f) == -1) {
		fprintf(stderr, "bench: set-up: %s\n", strerror(errno));
		rc = EXIT_FAILURE;
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	header(&b);
	if (section(&b, 1))
		lat_section(&b, 1, BENCH_OPEN);
	if (section(&b, 2)) {
		lat_section(&b, 2, BENCH_STAT);
		lat_section(&b, 2, BENCH_DENY);
	}
	if (section(&b, 3))
		jobs_section(&b);
	cmd_sections(&b);
	if (section(&b, 6))
		mem_section(&b);
	if (section(&b, 7))
		wake_section(&b);
	if (section(&b, 8))
		bench_goals_print(&b.g);
	printf("bench: %.0f s", (double)(bench_now() - t0) / 1e9);
	print_load(", load average at the end: ");
out:
	if (b.f.tmp[0] != '\0')
		nftw(b.f.tmp, files_rm, 16, FTW_DEPTH | FTW_PHYS);
	bench_unshared(b.slots, sizeof(*b.slots) * BENCH_MAX_JOBS);
	return rc;
}
