/* SPDX-License-Identifier: MIT */
/*
 * fdbroker.h: the public API of libfdbroker.
 *
 * A broker process holds a policy and opens files on behalf of confined
 * children; a child asks with fdb_open() over a SOCK_SEQPACKET channel and
 * receives the descriptor with SCM_RIGHTS.
 *
 * Error convention, everywhere: a call that fails returns -1 (or NULL) and
 * sets errno.  The library never prints and never exits.  Objects are not
 * shared between threads; different brokers may be used from different
 * threads at once.
 */
#ifndef FDBROKER_H
#define FDBROKER_H

#include <sys/types.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Permissions of a rule (SPEC §3).  A rule with no permission is a deny. */
#define FDB_R	0x1u	/* open for reading, stat, access, readlink */
#define FDB_W	0x2u	/* open existing files for writing, truncate, chmod */
#define FDB_C	0x4u	/* create and remove entries */
#define FDB_X	0x8u	/* execute */
#define FDB_DENY 0x0u
/* A modifier of fdb_policy_add(): the path only, not the tree beneath. */
#define FDB_EXACT 0x10u
/*
 * fdb_policy_add() alone: no access, and a request for the path or the
 * tree beneath answers ENOENT, as if nothing were there, whether or not
 * something is (a probe the command makes of a service it may not use,
 * such as glibc's of nscd).  Not a refusal: no denial is counted.
 */
#define FDB_ABSENT 0x20u

/* Operations carried by the wire protocol. */
#define FDB_OP_OPEN	1

struct fdb_policy;
struct fdb_broker;

/*
 * fdb_policy_new: an empty policy (everything denied).
 * Returns NULL with errno ENOMEM on failure.
 */
struct fdb_policy *fdb_policy_new(void);

/* fdb_policy_free: release @p; NULL is a no-op; errno is kept. */
void fdb_policy_free(struct fdb_policy *p);

/*
 * fdb_policy_add: grant @perms (FDB_R|FDB_W|FDB_C|FDB_X, or FDB_DENY) on
 * @path and the tree beneath it, or on @path alone with FDB_EXACT added;
 * a relative @path is taken from the current directory.  The path is
 * normalised ("//", "/./", "..", trailing "/").  Adding the same path
 * (and kind) twice unites the permissions; a deny on a path overrides
 * grants on that same path.
 * Returns 0, or -1 with errno EINVAL (empty path, bad bits),
 * ENAMETOOLONG or ENOMEM.
 */
int fdb_policy_add(struct fdb_policy *p, const char *path, unsigned perms);

/*
 * fdb_policy_add_rule: add one rule written as in a policy file,
 * "PERMS PATH" (PERMS a non-empty set of the letters r, w, c, x) or
 * "deny PATH", each optionally after "exact " (the path alone).  A
 * path may start with "~/" (the home: $HOME, else the password
 * database); a deny path with '*' or '?' is a glob (see policy files),
 * a grant's is refused.  Other relative paths are refused (EINVAL).
 * On EINVAL, when @err is not NULL, a reason of at most @errlen bytes
 * is written there.
 */
int fdb_policy_add_rule(struct fdb_policy *p, const char *rule, char *err,
			size_t errlen);

/*
 * fdb_policy_load: add the rules of policy file @file (one rule a line,
 * '#' comments, blank lines ignored; "include FILE" reads FILE, from
 * @file's directory unless absolute, a loop refused; a deny path may be
 * a glob: '*' and '?' within a component, "**" for any number of
 * components, "**\/NAME" NAME anywhere; it refuses what it matches and
 * the tree beneath, at each request, whatever grants it).  Nothing is
 * added unless the whole file, and every file it includes, is valid.
 * On a malformed file returns -1 with errno EINVAL and
 * writes "FILE:LINE: reason" into @err (when not NULL); on an unreadable
 * file, the errno of the failure and "FILE: strerror" in @err.
 */
int fdb_policy_load(struct fdb_policy *p, const char *file, char *err,
		    size_t errlen);

/*
 * fdb_policy_add_profile: add the rules of a built-in profile, "none" or
 * "system" (SPEC §3).  Returns -1 with errno ENOENT for an unknown name.
 */
int fdb_policy_add_profile(struct fdb_policy *p, const char *name);

/* One decision of the broker, handed to the decision hook. */
struct fdb_decision {
	pid_t pid;		/* requesting process, 0 when unknown */
	const char *op;		/* "open", ... */
	const char *path;	/* the path as asked */
	const char *resolved;	/* the absolute path checked, or NULL */
	int flags;		/* open flags as asked */
	int allowed;		/* 0: the policy refused; 1: it did not */
	int error;		/* 0, or the errno the requester gets (also
				 * when allowed: ENOENT in a granted tree) */
	const char *rule;	/* path of the rule that decided, or NULL */
	unsigned rule_perms;	/* that rule's permissions, or FDB_ABSENT */
	/* Calls with a second path (rename, link; symlink's target text). */
	const char *path2;	/* as asked, or NULL */
	const char *resolved2;	/* the absolute path checked, or NULL */
	unsigned need;		/* FDB_* the request needed on resolved */
	unsigned need2;		/* ... and on resolved2 */
};

/*
 * A decision hook; called exactly once per request, in the broker,
 * synchronously, after the broker acted: error is what the requester got.
 * Calls never overlap, even when requests are served from several
 * threads (fdbroker-run's notify transport).
 */
typedef void (*fdb_decision_fn)(const struct fdb_decision *d, void *arg);

/*
 * fdb_broker_new: a broker that answers requests with @policy, which it
 * borrows: @policy must outlive the broker and must not change meanwhile.
 * Relative paths are taken from the current directory at this call.
 * Returns NULL and sets errno on failure.
 */
struct fdb_broker *fdb_broker_new(const struct fdb_policy *policy);

/* fdb_broker_free: close every channel and release @b; NULL is a no-op. */
void fdb_broker_free(struct fdb_broker *b);

/* fdb_broker_set_hook: call @fn(decision, @arg) for every decision. */
void fdb_broker_set_hook(struct fdb_broker *b, fdb_decision_fn fn, void *arg);

/*
 * fdb_broker_set_deny_errno: errno returned for a denial (default EACCES).
 * Returns -1 with EINVAL unless 0 < @err < 4096.
 */
int fdb_broker_set_deny_errno(struct fdb_broker *b, int err);

/*
 * fdb_broker_open: check and open @path for requester @pid (0: the broker
 * itself) exactly as a request on a channel would be, calling the hook.
 * Returns a new O_CLOEXEC descriptor, or -1 with errno: the deny errno
 * when the policy refuses, otherwise what the open itself gave.
 */
int fdb_broker_open(struct fdb_broker *b, pid_t pid, const char *path,
		    int flags, mode_t mode);

/*
 * fdb_broker_add_channel: serve requests arriving on the SOCK_SEQPACKET
 * socket @fd.  Each request is made on behalf of the process that sent
 * it, as the kernel reports it (SO_PASSCRED): a worker's children share
 * its channel and each one's /proc/self is its own.  Messages sent before
 * this call carry no credentials: those are taken to come from @pid (0:
 * the peer SO_PEERCRED names, unknown for a socketpair the broker made,
 * and then /proc/self is refused).  Takes ownership of @fd, also on failure.  A
 * channel that breaks the protocol is closed; its peer's later requests
 * fail with ECONNRESET or EPIPE.
 */
int fdb_broker_add_channel(struct fdb_broker *b, int fd, pid_t pid);

/* fdb_broker_channels: the number of open channels. */
size_t fdb_broker_channels(const struct fdb_broker *b);

/*
 * fdb_broker_serve: wait at most @timeout_ms (-1: no limit) for requests
 * and serve those that arrived.  Returns the number of events handled
 * (0 on time-out), or -1 with errno.  EINTR is returned to the caller.
 * For 50 us after a request it polls (yielding the CPU) before it
 * sleeps, so that a worker's next request does not have to wake an idle
 * CPU; the wait can last that much longer than @timeout_ms.  A broker
 * that may run on one CPU only does not poll.
 */
int fdb_broker_serve(struct fdb_broker *b, int timeout_ms);

/* A worker's main function: its return value becomes its exit status. */
typedef int (*fdb_worker_fn)(int chan, void *arg);

/* Exit status of a worker whose lockdown failed before @fn ran. */
#define FDB_EXIT_LOCKDOWN	125

/*
 * fdb_broker_fork_worker: fork a worker that is locked down with
 * fdb_lockdown() and then runs @fn(chan, @arg) with a channel to @b, and
 * _exit()s with its return value.  Returns the worker's pid, or -1 with
 * errno.  Other threads of the caller must not hold locks across this
 * call (the usual rule for fork()).  The worker starts as if it had
 * exec'd: descriptors marked close-on-exec are closed in it (except
 * @chan and 0-2), so it keeps only those the caller cleared FD_CLOEXEC
 * on.  Signals to the broker are refused in it.
 */
pid_t fdb_broker_fork_worker(struct fdb_broker *b, fdb_worker_fn fn,
			     void *arg);

/*
 * fdb_broker_wait: serve every channel of @b until worker @pid exits, then
 * reap it and store its wait status in @status.  Returns 0, or -1 with
 * errno (ECHILD: @pid is not a worker of @b).
 */
int fdb_broker_wait(struct fdb_broker *b, pid_t pid, int *status);

/*
 * fdb_open: ask the broker on channel @chan to open @path (relative paths
 * are taken from the broker's directory).  Returns a descriptor, with
 * O_CLOEXEC exactly when @flags has it, or -1 with errno: what the broker
 * answered (EACCES when refused), EINVAL for bad arguments, ENAMETOOLONG
 * for a path of PATH_MAX bytes or more, ECONNRESET or EPIPE when the
 * broker is gone or closed the channel, EPROTO for a malformed reply.
 * Safe to call from several threads on different channels; calls on one
 * channel must not overlap.  It polls for the reply for up to 50 us,
 * yielding the CPU, before it sleeps (unless it may run on one CPU
 * only): a worker under a seccomp filter of its own must allow sendmsg,
 * recvmsg, sched_getaffinity, sched_yield and fcntl.
 */
int fdb_open(int chan, const char *path, int flags, mode_t mode);

/*
 * fdb_lockdown: confine the calling process for good: set no_new_privs
 * and install a seccomp filter under which open, openat, openat2, creat
 * and the other path-taking calls fail with EACCES, exec, new sockets,
 * bind, ptrace, io_uring, handles and mounts are refused, and foreign
 * system call ABIs kill the process; where the kernel has Landlock ABI 6
 * (Linux 6.12), signals and abstract unix sockets outside the process's
 * Landlock domain are refused too.  Descriptors already open stay usable.
 * Returns 0, or -1 with errno.
 */
int fdb_lockdown(void);

/*
 * fdb_send_fd: send @len bytes of @buf (1 <= @len) over socket @sock with
 * @fd attached (or nothing attached when @fd is -1), in one sendmsg with
 * MSG_NOSIGNAL.  Borrows @fd.  Returns the number of bytes sent, or -1.
 */
ssize_t fdb_send_fd(int sock, const void *buf, size_t len, int fd);

/*
 * fdb_recv_fd: receive at most @len bytes into @buf from @sock, and at
 * most one descriptor, stored in *@fd (-1 when none came) with
 * O_CLOEXEC.  Strict: extra descriptors, other control messages,
 * MSG_CTRUNC and (on datagram sockets) MSG_TRUNC close everything that
 * arrived and fail with EPROTO.  Returns the number of bytes received
 * (0 at end of stream, with *@fd == -1), or -1 with errno.
 */
ssize_t fdb_recv_fd(int sock, void *buf, size_t len, int *fd);

#ifdef __cplusplus
}
#endif

#endif /* FDBROKER_H */
