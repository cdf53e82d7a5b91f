/* SPDX-License-Identifier: MIT */
/*
 * landlock.h: execution limited to the x rules of a policy, enforced by
 * the kernel (Landlock, Linux 5.13), so that it holds race-free whatever
 * the command does between the broker's check of an execve() path and
 * the kernel's own lookup.
 */
#ifndef FDBROKER_LANDLOCK_H
#define FDBROKER_LANDLOCK_H

#include "fdbroker.h"

/*
 * landlock_restrict_exec: restrict the calling process and its future
 * descendants so that they can execute files only beneath the paths of
 * the rules of @p that grant FDB_X (rule paths that do not exist are
 * skipped).  Sets no_new_privs.  Returns 0, or -1 with errno: EOPNOTSUPP
 * when the kernel has no Landlock (or it is disabled), else the error of
 * the failing call.  Other file accesses are not restricted here: they
 * go through the broker.
 */
int landlock_restrict_exec(const struct fdb_policy *p);

#endif /* FDBROKER_LANDLOCK_H */
