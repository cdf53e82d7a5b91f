/* SPDX-License-Identifier: MIT */
/*
 * goals.c: the last section of the benchmark, each target of the speed
 * work beside what the sections above measured for it in this run, and
 * whether it was met.  The sections record their figures here as they
 * print them; a target whose section did not run says so.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bench.h"

/* How a goal reads: its target, and whether lower or higher is better. */
struct goal_row {
	const char *what;
	double	 target;
	int	 higher;	/* a floor to reach, not a ceiling */
	const char *unit;	/* "x" or " ms" or " MiB" */
	const char *pins;	/* names of the two figures, or NULL */
	int	 first;		/* only the first figure is judged */
};

static const struct goal_row rows[BENCH_G_N] = {
	[BENCH_G_OPEN] = { "1. open+close, x notify floor", 1.1, 0, "x",
	    "unpinned/pinned" },
	[BENCH_G_STAT] = { "   stat, x notify floor", 1.1, 0, "x",
	    "unpinned/pinned" },
	[BENCH_G_DENY] = { "   refused open, x notify floor", 1.1, 0, "x",
	    "unpinned/pinned" },
	[BENCH_G_LIB_OPEN] = { "   fdb_open, x socket floor", 1.1, 0, "x",
	    "unpinned/pinned" },
	[BENCH_G_LIB_DENY] = { "   fdb_open refused, x socket floor", 1.1, 0,
	    "x", "unpinned/pinned" },
	[BENCH_G_JOBS_RUN] = { "2. 64 children, x 64 notify floor pairs", 0.9,
	    1, "x", NULL },
	[BENCH_G_JOBS_LIB] = { "   64 workers, x 64 socket floor pairs", 0.9,
	    1, "x", NULL },
	[BENCH_G_START] = { "3. start-up, ms over bare", 1.5, 0, " ms",
	    NULL },
	[BENCH_G_MODEL] = { "4. real work, worst x model", 1.15, 0, "x",
	    "unpinned floor/pinned", 1 },
	[BENCH_G_STRACE] = { "   real work, worst x strace", 1.0, 0, "x",
	    NULL },
	[BENCH_G_RSS] = { "5. broker peak RSS, 64 children", 4.0, 0, " MiB",
	    NULL },
};

void
bench_goals_init(struct bench_goals *g)
{
	int i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < BENCH_G_N; i++)
		g->v[i][0] = g->v[i][1] = -1;
}

void
bench_goal(struct bench_goals *g, enum bench_goal k, int pin, double v)
{
	if (v > 0 && (pin == 0 || pin == 1))
		g->v[k][pin] = v;
}

/* Keep the worst row of a real-work goal, by its first figure. */
void
bench_goal_worst(struct bench_goals *g, enum bench_goal k, double v0,
    double v1, const char *label)
{
	if (v0 <= 0 || (g->v[k][0] > 0 && v0 <= g->v[k][0]))
		return;
	g->v[k][0] = v0;
	g->v[k][1] = v1;
	snprintf(g->which[k], sizeof(g->which[k]), "%s", label);
}

/* Met when every figure measured is within the target. */
static const char *
verdict(const struct goal_row *r, const double v[2])
{
	int i, seen = 0;

	for (i = 0; i < 2; i++) {
		if (v[i] <= 0 || (i == 1 && (r->pins == NULL || r->first)))
			continue;
		seen = 1;
		if (r->higher ? v[i] < r->target : v[i] > r->target)
			return "missed";
	}
	return seen ? "met" : "-";
}

void
bench_goals_print(const struct bench_goals *g)
{
	char fig[96], tgt[32];
	const struct goal_row *r;
	int i;

	printf("8. the targets, from the figures above (-: not measured)\n");
	printf("  %-42s %-11s %-44s %s\n", "", "target", "measured", "");
	for (i = 0; i < BENCH_G_N; i++) {
		r = &rows[i];
		snprintf(tgt, sizeof(tgt), "%s %.2f%s", r->higher ? ">=" : "<=",
		    r->target, r->unit);
		if (g->v[i][0] <= 0)
			snprintf(fig, sizeof(fig), "-");
		else if (r->pins != NULL && g->v[i][1] > 0)
			snprintf(fig, sizeof(fig), "%.2f%s / %.2f%s (%s)",
			    g->v[i][0], r->unit, g->v[i][1], r->unit,
			    r->pins);
		else
			snprintf(fig, sizeof(fig), "%.2f%s", g->v[i][0],
			    r->unit);
		if (g->which[i][0] != '\0')
			snprintf(fig + strlen(fig), sizeof(fig) - strlen(fig),
			    ": %s", g->which[i]);
		printf("  %-42s %-11s %-44s %s\n", r->what, tgt, fig,
		    verdict(r, g->v[i]));
	}
	printf("\n");
}
