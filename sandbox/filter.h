/* SPDX-License-Identifier: MIT */
/*
 * filter.h: the seccomp filters, built with libseccomp.  The only place
 * besides the notify transport that includes <seccomp.h>.
 */
#ifndef FDBROKER_FILTER_H
#define FDBROKER_FILTER_H

#include <sys/types.h>
#include <seccomp.h>
#include <stdint.h>

/*
 * filter_lockdown: set no_new_privs and install the lockdown filter in the
 * calling thread's process (all threads: SECCOMP_FILTER_FLAG_TSYNC).  Path
 * calls fail with EACCES, dangerous calls with EPERM, foreign ABIs kill
 * the process.  When @broker is > 0, signals to that pid fail with EPERM.
 * Returns 0, or -1 with errno.
 */
int filter_lockdown(pid_t broker);

/*
 * filter_masked: a comparison of argument @arg with @datum on the bits of
 * @mask only.  The kernel reads int and pid_t arguments as 32 bits and
 * ignores the upper half of the register, which the caller controls:
 * compare only the low half, or a rule is dodged with garbage there.
 */
struct scmp_arg_cmp filter_masked(unsigned arg, uint64_t mask,
				  uint64_t datum);

/*
 * filter_add_name: add a rule for system call @name with the @n
 * comparisons @cmp.  A call this architecture does not have is skipped.
 * Returns 0, or libseccomp's negative errno.
 */
int filter_add_name(scmp_filter_ctx ctx, uint32_t action, const char *name,
		    unsigned n, const struct scmp_arg_cmp *cmp);

/* filter_add_list: filter_add_name() for each of the NULL-ended @names. */
int filter_add_list(scmp_filter_ctx ctx, uint32_t action,
		    const char *const *names);

#endif /* FDBROKER_FILTER_H */
