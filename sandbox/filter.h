/* SPDX-License-Identifier: MIT */
/*
 * filter.h: the seccomp filters, built with libseccomp.  The only place
 * besides the notify transport that includes <seccomp.h>.
 *
 * One rule builder serves both filters (SPEC §2): the library worker's
 * lockdown (below) and fdbroker-run's (filter-notify.h).  They differ
 * only in their default action and in what they mediate; what they
 * refuse is built here, from the lists below, for both.
 */
#ifndef FDBROKER_FILTER_H
#define FDBROKER_FILTER_H

#include <sys/types.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* Which rules filter_add_refusals() adds. */
/* The 32 bits an int or pid_t argument really has (filter_masked()). */
#define FILTER_LOW32		0xffffffffULL
/* socket(2)'s type argument without SOCK_NONBLOCK and SOCK_CLOEXEC. */
#define FILTER_SOCK_TYPE	0xfULL

#define FILTER_BY_NAME	0x1	/* whole system calls */
#define FILTER_BY_ARG	0x2	/* calls refused for some arguments only */
/* signals and groups of the broker and the anchor: by their pids */
#define FILTER_BY_PID	0x4

/* What a filter refuses, and with which errno where the filters differ. */
struct filter_refusals {
	pid_t broker;		/* > 0: its signals, group and ownership */
	pid_t anchor;		/* > 0: the same, for a group it leads */
	int kill0;		/* kill(0) is someone else's (the broker's) */
	const int *mediated;	/* native numbers the filter sends elsewhere */
	size_t n_mediated;
	/* ioctl requests it sends elsewhere (filter_attr_ioctls) */
	const unsigned long *mediated_ioctls;
	size_t n_mediated_ioctls;
	int path_errno;		/* a path call that is not mediated */
	int xattr_errno;	/* extended attributes by path */
	unsigned parts;		/* FILTER_BY_NAME, _ARG, _PID */
};

/* A system call this libseccomp may not know by name. */
struct filter_late_call {
	const char *name;
	int nr;			/* in the unified table */
	int kind;		/* FILTER_LATE_* */
};

#define FILTER_LATE_ALLOWED	0
#define FILTER_LATE_PATH	1	/* r->path_errno */
#define FILTER_LATE_XATTR	2	/* r->xattr_errno */
#define FILTER_LATE_REFUSED	3	/* EPERM */

/*
 * The shared lists, for the filters and for the tests that check both
 * filters refuse them (tests/check_filter.c).  Name lists end with NULL,
 * the number lists with 0, filter_late_calls with a NULL name.
 */
extern const char *const filter_path_calls[];	 /* path_errno */
extern const char *const filter_xattr_calls[];	 /* xattr_errno */
extern const char *const filter_refused_calls[]; /* EPERM */
extern const struct filter_late_call filter_late_calls[];
extern const unsigned long filter_ioctls[];	 /* ioctl requests: EPERM */
extern const uint64_t filter_clone_flags[];	 /* clone() flags: EPERM */

/*
 * filter_lockdown: set no_new_privs and install the lockdown filter in the
 * calling thread's process (all threads: SECCOMP_FILTER_FLAG_TSYNC).  Path
 * calls fail with EACCES, dangerous calls with EPERM, foreign ABIs kill
 * the process.  When @broker is > 0, signals to that pid fail with EPERM.
 * Returns 0, or -1 with errno.
 */
int filter_lockdown(pid_t broker);

/*
 * filter_add_refusals: add to @ctx the refusals @r asks for.  A call in
 * r->mediated is left alone, and so is a rule whose action is already
 * @ctx's default.  For a rule by argument, @ctx's default must let the
 * call through (ALLOW): libseccomp cannot say "allow unless equal" in a
 * default-deny filter.  Returns 0, or libseccomp's negative errno.
 */
int filter_add_refusals(scmp_filter_ctx ctx, const struct filter_refusals *r);

/*
 * filter_set_attrs: the attributes every filter has (foreign ABIs kill
 * the process, no_new_privs, the kernel's errno from seccomp_load, a
 * binary tree), plus TSYNC when @tsync is set.  Returns 0, or
 * libseccomp's negative errno.
 */
int filter_set_attrs(scmp_filter_ctx ctx, int tsync);

/* filter_clone_mask: the bits of filter_clone_flags, or'ed together. */
uint64_t filter_clone_mask(void);

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
