/* SPDX-License-Identifier: MIT */
/*
 * runlog.h: fdbroker-run's --log writer.  One JSON Lines record per
 * decision (audit.c formats it), bounded against a command that floods
 * it (SPEC §4: "repeated records are counted, not repeated"):
 *  - a record identical to the one before it (time aside) is not written
 *    again; when the run of repeats ends, the record is written once
 *    more with "repeated": N, the number of repeats, and the time of
 *    the last one;
 *  - past RUNLOG_BUDGET bytes, records are no longer written but
 *    counted, and the end of the log says how many were dropped.
 */
#ifndef FDBROKER_RUNLOG_H
#define FDBROKER_RUNLOG_H

#include "fdbroker.h"

#define RUNLOG_BUDGET	(16UL << 20)	/* bytes */

struct runlog;

/*
 * runlog_open: append to @file ("-": standard error, borrowed).  NULL
 * with errno.
 */
struct runlog *runlog_open(const char *file);

/* runlog_record: log decision @d (now), within the bounds above. */
void runlog_record(struct runlog *l, const struct fdb_decision *d);

/*
 * runlog_close: write what is still counted (repeats, drops), close the
 * file and release @l; NULL is a no-op.  Returns 0, or -1 with errno
 * when a write failed at any time.
 */
int runlog_close(struct runlog *l);

#endif /* FDBROKER_RUNLOG_H */
