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

/*
 * landlock_restrict_broker: restrict the calling process (the broker) and
 * its future descendants to the union of the grants of @p, on the file
 * accesses the running kernel's Landlock ABI knows: r as READ_FILE and
 * READ_DIR, w as WRITE_FILE and TRUNCATE, c as making and removing
 * entries and REFER, x as EXECUTE and READ_FILE; plus read and write
 * beneath /proc.  Rule paths that do not exist are skipped; deny rules
 * cannot be expressed, so this is an upper bound of the policy, not the
 * policy.  Sets no_new_privs.  Descriptors already open keep working.
 * Returns 0, or -1 with errno: EOPNOTSUPP when the kernel has no
 * Landlock, it is disabled, or its ABI is 1 (see landlock.c), else the
 * error of the failing call.
 */
int landlock_restrict_broker(const struct fdb_policy *p);

#endif /* FDBROKER_LANDLOCK_H */
