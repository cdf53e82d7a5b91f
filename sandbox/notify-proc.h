/* SPDX-License-Identifier: MIT */
/*
 * notify-proc.h: the calls of an fdbroker-run command that name another
 * process (SPEC §4: signals, scheduling and priority, resource limits),
 * as the broker serves them.  The filter lets a call on the caller
 * itself (pid 0) through and refuses the forms that name a group or a
 * user; one that names a pid or a thread id comes here, and is done
 * only on a process of the sandbox.  No file policy is involved, so no
 * decision record is made.  Internal to sandbox/.
 */
#ifndef FDBROKER_NOTIFY_PROC_H
#define FDBROKER_NOTIFY_PROC_H

#include <stddef.h>

#include "notify-calls.h"
#include "notify-target.h"

/*
 * notify_proc_numbers: the native numbers of the scheduling, priority
 * and limit calls served here, *@n of them: the shared refusals by
 * argument (filter.c) leave them to the broker.
 */
const int *notify_proc_numbers(size_t *n);

/*
 * notify_proc_serve: when @c is a call on a process, decide and act,
 * fill @r and return 1; else return 0 and leave @r alone.
 */
int notify_proc_serve(struct notify_call *c, struct notify_reply *r);

#endif /* FDBROKER_NOTIFY_PROC_H */
