/* SPDX-License-Identifier: MIT */
/*
 * filter-notify.h: the seccomp filters of fdbroker-run (SPEC §2.2, §4),
 * built with libseccomp: a default-deny allowlist whose path-taking calls
 * go to the broker as user notifications, stacked on two filters that
 * refuse by argument what the allowlist cannot (TIOCSTI, FIOSETOWN; and
 * in one of their own, signals to the broker and the anchor, by pid).
 * What they refuse is built by filter.c, as the library worker's
 * lockdown is.  The two without pids are built at build time too
 * (filter-gen.c).  Foreign ABIs kill the process.
 */
#ifndef FDBROKER_FILTER_NOTIFY_H
#define FDBROKER_FILTER_NOTIFY_H

#include <sys/types.h>
#include <linux/filter.h>
#include <stddef.h>

/*
 * The allowlist as libseccomp built it when fdbroker-run was built
 * (filter-gen.c writes the table), for one combination of the options
 * it depends on; the calls and requests sent to the broker are those of
 * notify-calls.c in the same build.  tests/check_filter.c compares each
 * with the one built at run time.
 */
struct filter_notify_bpf {
	int allow_net;
	int signals_scoped;
	unsigned short len;
	const struct sock_filter *prog;
};

/*
 * The table, and the libseccomp that built it (version, API level): the
 * argument filter without pids, which depends on no option, and the
 * allowlists.
 */
struct filter_notify_prebuilt {
	unsigned major, minor, micro;
	unsigned api;
	const struct sock_filter *args;
	unsigned short args_len;
	const struct filter_notify_bpf *bpf;
	size_t n;
};

/* The filters of fdbroker-run that have no pid in them. */
#define FILTER_NOTIFY_ARGS	0
#define FILTER_NOTIFY_ALLOW	1

struct filter_notify_opts {
	pid_t broker;		/* pid the command may not signal (> 0) */
	pid_t anchor;		/* another, with its group (0: none) */
	int allow_net;		/* network sockets, not just AF_UNIX */
	/* Landlock keeps the command's signals in (ABI 6 scope, enforced) */
	int signals_scoped;
	const int *notify_nrs;	/* native numbers sent to the broker */
	size_t n_notify;	/* at least one */
	/* ioctl requests sent to the broker (of filter_attr_ioctls) */
	const unsigned long *notify_ioctls;
	size_t n_notify_ioctls;
	/* The allowlists built with fdbroker-run, or NULL: build it now. */
	const struct filter_notify_prebuilt *prebuilt;
};

/*
 * filter_notify_supported: 0 when the kernel has seccomp user
 * notification (SECCOMP_RET_USER_NOTIF, Linux 5.0), else -1 with errno
 * ENOSYS (or what seccomp(2) said).
 */
int filter_notify_supported(void);

/*
 * filter_notify_install: set no_new_privs and install both filters in the
 * calling process, which must be single-threaded.  The calls in
 * o->notify_nrs, and ioctl with a request in o->notify_ioctls, are sent
 * to the listener (SECCOMP_RET_USER_NOTIF); the caller keeps the arrays.
 * Returns the listener descriptor (close-on-exec), or -1 with errno
 * (EINVAL: no broker or no mediated call).  From then on every mediated
 * call of the process and its descendants waits for the listener's
 * owner to answer.
 */
int filter_notify_install(const struct filter_notify_opts *o);

/*
 * filter_notify_export: filter @which (FILTER_NOTIFY_*) as
 * filter_notify_install() would build it for @o now (o->prebuilt
 * ignored), as BPF into @prog, whose filter the caller frees.  Returns
 * 0, or -1 with errno.
 */
int filter_notify_export(const struct filter_notify_opts *o, int which,
    struct sock_fprog *prog);

#endif /* FDBROKER_FILTER_NOTIFY_H */
