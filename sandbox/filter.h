/* SPDX-License-Identifier: MIT */
/*
 * filter.h: the seccomp filters, built with libseccomp.  The only place
 * besides the notify transport that includes <seccomp.h>.
 */
#ifndef FDBROKER_FILTER_H
#define FDBROKER_FILTER_H

#include <sys/types.h>

/*
 * filter_lockdown: set no_new_privs and install the lockdown filter in the
 * calling thread's process (all threads: SECCOMP_FILTER_FLAG_TSYNC).  Path
 * calls fail with EACCES, dangerous calls with EPERM, foreign ABIs kill
 * the process.  When @broker is > 0, signals to that pid fail with EPERM.
 * Returns 0, or -1 with errno.
 */
int filter_lockdown(pid_t broker);

#endif /* FDBROKER_FILTER_H */
