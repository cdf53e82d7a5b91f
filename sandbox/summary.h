/* SPDX-License-Identifier: MIT */
/*
 * summary.h: fdbroker-run's account of what was denied (SPEC §4): the
 * first few refused paths, each with the option that would grant it,
 * printed once at the end of a run that failed; and the escaping that
 * keeps a path chosen by the command from reaching the terminal raw.
 * Internal to sandbox/.
 */
#ifndef FDBROKER_SUMMARY_H
#define FDBROKER_SUMMARY_H

#include <stdio.h>

#include "fdbroker.h"

/*
 * How many distinct paths the summary names, and how many it keeps to
 * choose from: a shell's PATH search or a library's probing stats a
 * dozen refused paths before the open that made the command fail, so
 * the paths of opens, creations and execs are named first.
 */
#define SUMMARY_SHOW	5
#define SUMMARY_MAX	32

struct summary_entry {
	char *path;		/* resolved, else as asked; owned */
	char *rule;		/* the deny rule that refused it, or NULL */
	unsigned need;		/* FDB_* asked for, over every request */
	int exec;		/* one of them was an exec */
	int probe;		/* all of them were stat, access, readlink */
	unsigned long count;	/* denied requests on this path */
};

struct summary {
	struct summary_entry e[SUMMARY_MAX];
	size_t n;
	unsigned long denials;	/* every denied request */
	unsigned long more;	/* denied requests on paths not kept */
};

/*
 * summary_add: count the denial @d (the caller passes refusals only) and
 * remember its path while there is room.  Returns 0, or -1 with ENOMEM
 * (the denial is counted, not named).
 */
int summary_add(struct summary *s, const struct fdb_decision *d);

/*
 * summary_print: nothing when nothing was denied; else the lines of the
 * summary on @f, escaped.  @status is fdbroker-run's exit status: with
 * 126 or 127 after a refused exec, the first line names that grant.
 */
void summary_print(const struct summary *s, FILE *f, int status);

/* summary_free: release the copies; @s may be added to again. */
void summary_free(struct summary *s);

/*
 * summary_escape: @str made safe for a terminal into @buf (@len > 4
 * bytes): control characters, DEL, bytes >= 0x80 and '\' as \xNN (and
 * \\), truncated with "..." when @buf is too short.  Returns @buf.
 */
const char *summary_escape(const char *str, char *buf, size_t len);

#endif /* FDBROKER_SUMMARY_H */
