/* SPDX-License-Identifier: MIT */
/*
 * procstat.h: what /proc/PID/stat says of a process's place in the tree,
 * for the anchor's sweep (anchor.c) and the broker's kill(0)
 * (notify-kill.c).  Internal to sandbox/.
 */
#ifndef FDBROKER_PROCSTAT_H
#define FDBROKER_PROCSTAT_H

#include <sys/types.h>

/*
 * procstat_read: the parent and start time (clock ticks after boot) of
 * process @pid, from "PID/stat" under the /proc descriptor @procfd
 * (AT_FDCWD with "/proc/" in front is not meant: pass a /proc dirfd, or
 * -1 for "/proc" itself).  Returns 0, or -1 with errno (ENOENT: gone).
 */
int procstat_read(int procfd, pid_t pid, pid_t *ppid,
		  unsigned long long *start);

/*
 * procstat_below: whether @pid descends from @root, following parents
 * as /proc shows them now (at most 4096 steps).  A process reparented to
 * a subreaper @root, or below one, is below it.
 */
int procstat_below(pid_t pid, pid_t root);

#endif /* FDBROKER_PROCSTAT_H */
