/* SPDX-License-Identifier: MIT */
/*
 * filter-notify.h: the seccomp filters of fdbroker-run (SPEC §2.2, §4),
 * built with libseccomp: a default-deny allowlist whose path-taking calls
 * go to the broker as user notifications, stacked on a filter that
 * refuses by argument what the allowlist cannot (signals to the broker,
 * TIOCSTI).  Foreign ABIs kill the process.
 */
#ifndef FDBROKER_FILTER_NOTIFY_H
#define FDBROKER_FILTER_NOTIFY_H

#include <sys/types.h>

struct filter_notify_opts {
	pid_t broker;		/* pid the command may not signal (> 0) */
	pid_t anchor;		/* another, with its group (0: none) */
	int allow_net;		/* network sockets, not just AF_UNIX */
};

/*
 * filter_notify_supported: 0 when the kernel has seccomp user
 * notification (SECCOMP_RET_USER_NOTIF, Linux 5.0), else -1 with errno
 * ENOSYS (or what seccomp(2) said).
 */
int filter_notify_supported(void);

/*
 * filter_notify_install: set no_new_privs and install both filters in the
 * calling process, which must be single-threaded.  Returns the listener
 * descriptor (close-on-exec), or -1 with errno.  From then on every
 * mediated call of the process and its descendants waits for the
 * listener's owner to answer.
 */
int filter_notify_install(const struct filter_notify_opts *o);

/*
 * filter_notify_is_mediated: 1 when system call @nr (native ABI) is sent
 * to the broker, 0 otherwise.  For tests and the transport's dispatch.
 */
int filter_notify_is_mediated(int nr);

#endif /* FDBROKER_FILTER_NOTIFY_H */
