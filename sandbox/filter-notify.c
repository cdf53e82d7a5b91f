/* SPDX-License-Identifier: MIT */
/*
 * filter-notify.c: the filters of fdbroker-run, built with libseccomp.
 * It owns the list of what an unmodified command may do by itself; what
 * it must ask the broker for comes from the caller (the notify
 * transport's table), and what it may never do from the shared rule
 * builder (filter.c), which the library worker's lockdown uses too.  It
 * does not fork, talk to the broker or keep state.
 *
 * Three filters are stacked, and the kernel applies the most restrictive
 * answer of the three (KILL > ERRNO > USER_NOTIF > ALLOW; between two
 * ERRNOs, the later filter's):
 *  - the argument filter: default ALLOW, with the refusals by argument
 *    of filter_add_refusals() (TIOCSTI, FIOSETOWN, clone flags...).
 *    libseccomp cannot say "allow unless equal" in a default-deny
 *    filter, hence a filter of their own;
 *  - the pid filter, default ALLOW: the refusals by argument that name
 *    the broker, its group or the anchor (kill, F_SETOWN, setpgid...);
 *  - the allowlist: default ENOSYS (an unknown or future call fails, as
 *    on an older kernel, and libc falls back), the calls below allowed,
 *    the mediated calls sent to the broker (SECCOMP_RET_USER_NOTIF), and
 *    the shared refusals by name, with EPERM (they exist, they are
 *    forbidden) rather than ENOSYS.  Being the last, it decides the errno
 *    of every call it refuses whatever the others say, so the others
 *    need not refuse by name too.
 * The first and the last have no pid in them and depend on few options:
 * fdbroker-run loads them as libseccomp built them at build time
 * (filter-gen.c, o->prebuilt); only the small pid filter is built at
 * each start.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "filter-ioctl.h"
#include "filter-notify.h"
#include "filter.h"

static int	 add_mediated(scmp_filter_ctx,
		    const struct filter_notify_opts *);
static int	 add_ioctl(scmp_filter_ctx, const struct filter_notify_opts *);
static int	 add_sockets(scmp_filter_ctx, int);
static int	 add_process(scmp_filter_ctx);
static int	 add_on_process(scmp_filter_ctx);
static int	 add_signals(scmp_filter_ctx, int);
static int	 add_scoped_signals(scmp_filter_ctx, const char *const *);
static int	 add_fcntl_cmd(scmp_filter_ctx);
static int	*mediated(const struct filter_notify_opts *, size_t *);
static int	 refusals(const struct filter_notify_opts *,
		    struct filter_refusals *);
static int	 allowlist(const struct filter_notify_opts *,
		    struct filter_refusals *, struct sock_fprog *);
static const struct sock_filter *prebuilt(const struct filter_notify_opts *,
		    int, unsigned short *);
static int	 load_part(const struct filter_notify_opts *,
		    struct filter_refusals *, int, int *);
static int	 load_pids(struct filter_refusals *);
static int	 build(const struct filter_notify_opts *,
		    struct filter_refusals *, int, struct sock_fprog *);
static int	 export(scmp_filter_ctx, struct sock_fprog *);
static int	 load_prog(const struct sock_fprog *, int *);

/*
 * Calls that change another process's scheduling, priority or limits
 * (SPEC §4), by the number in one argument.  On the caller itself (0:
 * a register, which the caller cannot change once the call is made)
 * allowed; on a pid or thread id sent to the broker, which makes the
 * call only on a process of the sandbox (notify-proc.c); with @which
 * other than a process (PRIO_PGRP, PRIO_USER, IOPRIO_WHO_PGRP,
 * IOPRIO_WHO_USER) refused: a group or a user reaches processes
 * outside.  Comparisons are of all 64 bits: a number with garbage above
 * its 32 goes to the broker, which reads it as the kernel does.
 */
static const struct {
	const char *name;
	int which;		/* -1: the pid is argument 0, no which */
} on_process[] = {
	{ "setpriority", 0 /* PRIO_PROCESS */ },
	{ "ioprio_set", 1 /* IOPRIO_WHO_PROCESS */ },
	{ "sched_setaffinity", -1 },
	{ "sched_setscheduler", -1 },
	{ "sched_setparam", -1 },
	{ "sched_setattr", -1 },
	{ "prlimit64", -1 },
};

#define N_ON_PROCESS	(sizeof(on_process) / sizeof(on_process[0]))

/*
 * Compute, memory, descriptors already held, time, threads, processes.
 * Each group says why it cannot reach outside the sandbox.
 */
static const char *const allowed[] = {
	/*
	 * I/O on descriptors the command holds: the broker opened each
	 * with the access the policy grants, or the command was given it.
	 */
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"preadv", "pwritev", "preadv2", "pwritev2", "lseek",
	"sendfile", "splice", "tee", "vmsplice", "copy_file_range",
	/*
	 * The descriptor table and files through held descriptors.  ioctl
	 * is in add_ioctl(), fcntl in add_signals() (owners); the argument
	 * filter refuses O_ASYNC and leases (filter.c, filter-ioctl.c).
	 * ftruncate and fallocate need a descriptor open for writing;
	 * fchdir moves to a directory held, and relative paths still go to
	 * the broker.  flock, and fcntl's record locks, are advisory: the
	 * kernel refuses no write for them (mandatory locks are gone since
	 * Linux 5.15), they die with the open file, which the sandbox's
	 * processes do not outlive unless the caller shares it, and readers
	 * take them on files they only read (man-db's flock(LOCK_SH),
	 * sqlite's F_RDLCK); an outside writer that waits for one waits no
	 * longer than for an outside reader.  Write record locks need a
	 * descriptor open for writing.
	 */
	"close", "close_range", "dup", "dup2", "dup3",
	"fstat", "fstatfs", "flock", "fsync", "fdatasync", "sync_file_range",
	"ftruncate", "fallocate", "fadvise64", "readahead", "getdents",
	"getdents64", "fgetxattr", "flistxattr", "fchdir", "getcwd", "umask",
	/*
	 * New descriptors that name nothing in the file system: anonymous
	 * objects, reachable only through this process tree.
	 * inotify_add_watch, which takes a path, goes to the broker.
	 */
	"pipe", "pipe2", "memfd_create", "eventfd", "eventfd2",
	"signalfd", "signalfd4", "timerfd_create", "timerfd_settime",
	"timerfd_gettime", "inotify_init", "inotify_init1", "inotify_rm_watch",
	/* The caller's own address space; a file mapping needs a descriptor. */
	"mmap", "munmap", "mprotect", "mremap", "madvise", "msync",
	"mincore", "mlock", "mlock2", "munlock", "mlockall", "munlockall",
	"brk", "pkey_alloc", "pkey_free", "pkey_mprotect", "membarrier",
	/* Waiting on descriptors held. */
	"poll", "ppoll", "select", "pselect6", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2",
	/*
	 * Signals: the caller's own handlers and mask; alarm signals the
	 * caller.  Sending is in add_signals().  pidfd_open: a pidfd can
	 * only be polled for the process's exit here (pidfd_send_signal,
	 * pidfd_getfd and setns are refused; waitid only waits for
	 * children); the broker's own pid and threads are refused by the
	 * argument filter.
	 */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
	"rt_sigtimedwait", "rt_sigsuspend", "sigaltstack", "pause", "alarm",
	"pidfd_open",
	/* Clocks are read, never set; timers are the caller's own. */
	"nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
	"gettimeofday", "time", "getitimer", "setitimer", "timer_create",
	"timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
	"times",
	/*
	 * Identity.  no_new_privs: ids and capabilities can only be dropped.
	 * setsid and setpgid stay within the caller's session, and setpgid
	 * into the broker's group is refused (filter.c).
	 */
	"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid",
	"getegid", "getgroups", "getresuid", "getresgid", "getpgid",
	"getpgrp", "getsid", "setsid", "setpgid", "setuid", "setgid",
	"setreuid", "setregid", "setresuid", "setresgid", "setgroups",
	"setfsuid", "setfsgid", "capget", "capset",
	/*
	 * Limits and scheduling: setrlimit changes the caller's own; the
	 * rest only read (another process's scheduling, never its limits).
	 * Changing them, and prlimit64, are in add_on_process().
	 */
	"getrlimit", "setrlimit", "getrusage", "getpriority",
	"sched_yield", "sched_getaffinity", "sched_getparam",
	"sched_getscheduler", "sched_get_priority_max",
	"sched_get_priority_min", "sched_rr_get_interval", "sched_getattr",
	"ioprio_get", "getcpu",
	/* Facts about the system, and randomness. */
	"uname", "sysinfo", "getrandom",
	/*
	 * Threads and processes: children inherit both filters; wait4 and
	 * waitid see the caller's children only; futex works on memory the
	 * caller maps.  prctl cannot lift no_new_privs or a filter.  unshare
	 * makes no namespace (filter.c refuses those flags): a table, a
	 * current directory or System V undo list of the caller's own.
	 */
	"prctl", "arch_prctl", "set_tid_address", "set_robust_list",
	"get_robust_list", "futex", "futex_waitv", "rseq", "restart_syscall",
	"exit", "exit_group", "wait4", "waitid", "fork", "vfork", "unshare",
	/* A further filter or Landlock ruleset only tightens. */
	"seccomp", "landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self", "map_shadow_stack",
	/* Write back dirty data; nothing is read or named. */
	"sync", "syncfs",
	/*
	 * Sockets the command holds.  connect and bind go to the broker;
	 * socket, socketpair and sendto with an address are in
	 * add_sockets().
	 */
	"listen", "accept", "accept4", "getsockname",
	"getpeername", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	"recvmmsg", "shutdown", "getsockopt", "setsockopt",
	NULL
};

/*
 * Not allowed here, with EPERM rather than ENOSYS: the worker allows the
 * default persona and the query (filter.c), an unmodified command has
 * no need of either.
 */
static const char *const refused_here[] = {
	"personality",
	NULL
};

int
filter_notify_supported(void)
{
	uint32_t action = SECCOMP_RET_USER_NOTIF;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == -1) {
		if (errno == EINVAL || errno == EOPNOTSUPP)
			errno = ENOSYS;
		return -1;
	}
	return 0;
}

int
filter_notify_install(const struct filter_notify_opts *o)
{
	struct filter_refusals r;
	int rc, listener = -1;

	if (refusals(o, &r) == -1)
		return -1;
	/* First, as seccomp_load() would: the filters are loaded by hand. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		rc = -errno;
	else if ((rc = load_part(o, &r, FILTER_NOTIFY_ARGS, NULL)) == 0 &&
	    (rc = load_pids(&r)) == 0)
		rc = load_part(o, &r, FILTER_NOTIFY_ALLOW, &listener);
	free((void *)r.mediated);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return listener;
}

int
filter_notify_export(const struct filter_notify_opts *o, int which,
    struct sock_fprog *prog)
{
	struct filter_refusals r;
	int rc;

	if (refusals(o, &r) == -1)
		return -1;
	rc = build(o, &r, which, prog);
	free((void *)r.mediated);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

/* The shared refusals for @o into @r, whose mediated array is to free. */
static int
refusals(const struct filter_notify_opts *o, struct filter_refusals *r)
{
	int *nrs;

	memset(r, 0, sizeof(*r));
	if (o == NULL || o->broker <= 0 || o->notify_nrs == NULL ||
	    o->n_notify == 0) {
		errno = EINVAL;
		return -1;
	}
	r->path_errno = EPERM;
	r->xattr_errno = EOPNOTSUPP;
	r->broker = o->broker;
	r->anchor = o->anchor;
	r->kill0 = 1;
	if ((nrs = mediated(o, &r->n_mediated)) == NULL)
		return -1;
	r->mediated = nrs;
	r->mediated_ioctls = o->notify_ioctls;
	r->n_mediated_ioctls = o->n_notify_ioctls;
	return 0;
}

/*
 * Load filter @which (FILTER_NOTIFY_*), with a listener into *@listener
 * if not NULL: the one built with fdbroker-run for @o, else built now.
 */
static int
load_part(const struct filter_notify_opts *o, struct filter_refusals *r,
    int which, int *listener)
{
	struct sock_fprog prog = { 0, NULL };
	int rc;

	if ((prog.filter = (struct sock_filter *)prebuilt(o, which,
	    &prog.len)) != NULL)
		return load_prog(&prog, listener);
	if ((rc = build(o, r, which, &prog)) < 0)
		return rc;
	rc = load_prog(&prog, listener);
	free(prog.filter);
	return rc;
}

/*
 * The refusals by the pids of the broker, its group and the anchor,
 * known only now: a small filter of their own, built now.  Its answers
 * are EPERM, and where another filter also refuses such a call (fcntl
 * with a command above 32 bits) it is with EPERM too, so which filter
 * the kernel takes the errno from does not matter.
 */
static int
load_pids(struct filter_refusals *r)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -ENOMEM;
	r->parts = FILTER_BY_PID;
	if ((rc = filter_set_attrs(ctx, 0)) == 0 &&
	    (rc = filter_add_refusals(ctx, r)) == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc < 0 ? rc : 0;
}

/* Filter @which for @o, as BPF into @prog (its filter to free). */
static int
build(const struct filter_notify_opts *o, struct filter_refusals *r,
    int which, struct sock_fprog *prog)
{
	scmp_filter_ctx args;
	int rc;

	if (which == FILTER_NOTIFY_ALLOW)
		return allowlist(o, r, prog);
	if (which != FILTER_NOTIFY_ARGS)
		return -EINVAL;
	if ((args = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -ENOMEM;
	r->parts = FILTER_BY_ARG;
	if ((rc = filter_set_attrs(args, 0)) == 0 &&
	    (rc = filter_add_refusals(args, r)) == 0 &&
	    (rc = add_fcntl_cmd(args)) == 0)
		rc = export(args, prog);
	seccomp_release(args);
	return rc < 0 ? rc : 0;
}

/*
 * The allowlist as BPF into @prog (its filter to free), built with
 * libseccomp.  It depends on @o's allow_net, signals_scoped and the calls
 * and requests sent to the broker, never on a pid: the refusals by name
 * only.  Returns 0 or -errno.
 */
static int
allowlist(const struct filter_notify_opts *o, struct filter_refusals *r,
    struct sock_fprog *prog)
{
	scmp_filter_ctx allow;
	int rc;

	if ((allow = seccomp_init(SCMP_ACT_ERRNO(ENOSYS))) == NULL)
		return -ENOMEM;
	r->parts = FILTER_BY_NAME;
	if ((rc = filter_set_attrs(allow, 0)) == 0 &&
	    (rc = add_mediated(allow, o)) == 0 &&
	    (rc = filter_add_list(allow, SCMP_ACT_ALLOW, allowed)) == 0 &&
	    (rc = add_ioctl(allow, o)) == 0 &&
	    (rc = filter_add_refusals(allow, r)) == 0 &&
	    (rc = filter_add_list(allow, SCMP_ACT_ERRNO(EPERM),
	    refused_here)) == 0 &&
	    (rc = add_sockets(allow, o->allow_net)) == 0 &&
	    (rc = add_process(allow)) == 0 &&
	    (rc = add_on_process(allow)) == 0 &&
	    (rc = add_signals(allow, o->signals_scoped)) == 0)
		rc = export(allow, prog);
	seccomp_release(allow);
	return rc < 0 ? rc : 0;
}

/*
 * Filter @which for @o built when fdbroker-run was, with its length in
 * *@len; NULL if there is none for @o, or if the libseccomp loaded now
 * is not the one that built it (it might resolve other names).
 */
static const struct sock_filter *
prebuilt(const struct filter_notify_opts *o, int which, unsigned short *len)
{
	const struct filter_notify_prebuilt *p = o->prebuilt;
	const struct scmp_version *v;
	size_t i;

	if (p == NULL || (v = seccomp_version()) == NULL ||
	    v->major != p->major || v->minor != p->minor ||
	    v->micro != p->micro || seccomp_api_get() != p->api)
		return NULL;
	if (which == FILTER_NOTIFY_ARGS) {
		*len = p->args_len;
		return p->args;
	}
	for (i = 0; i < p->n; i++)
		if (p->bpf[i].allow_net == (o->allow_net != 0) &&
		    p->bpf[i].signals_scoped == (o->signals_scoped != 0)) {
			*len = p->bpf[i].len;
			return p->bpf[i].prog;
		}
	return NULL;
}

/*
 * What the shared refusals leave to the broker: the caller's mediated
 * calls and the calls on a process.  Returns an array to free, with
 * *@n numbers, or NULL with errno.
 */
static int *
mediated(const struct filter_notify_opts *o, size_t *n)
{
	size_t i;
	int *nrs, nr;

	if ((nrs = calloc(o->n_notify + N_ON_PROCESS, sizeof(*nrs))) == NULL)
		return NULL;
	memcpy(nrs, o->notify_nrs, o->n_notify * sizeof(*nrs));
	*n = o->n_notify;
	for (i = 0; i < N_ON_PROCESS; i++)
		if ((nr = seccomp_syscall_resolve_name(
		    on_process[i].name)) >= 0)
			nrs[(*n)++] = nr;
	return nrs;
}

static int
add_mediated(scmp_filter_ctx ctx, const struct filter_notify_opts *o)
{
	size_t i;
	int rc;

	for (i = 0; i < o->n_notify; i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY,
		    o->notify_nrs[i], 0)) < 0)
			return rc;
	return 0;
}

/*
 * ioctl on descriptors held: the argument filter refuses the terminal's
 * requests outside its allowlist and those that reach other processes
 * (filter.c, filter-ioctl.c); the attribute requests the broker serves
 * go to it, decided on its own copy of the descriptor.
 */
static int
add_ioctl(scmp_filter_ctx ctx, const struct filter_notify_opts *o)
{
	if (o->n_notify_ioctls > 0 && o->notify_ioctls == NULL)
		return -EINVAL;
	return filter_ioctl_allow(ctx, o->notify_ioctls, o->n_notify_ioctls);
}

/* @ctx exported as BPF into @prog, its filter to free.  0 or -errno. */
static int
export(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	struct stat st;
	void *bpf = NULL;
	int fd, rc;

	if ((fd = memfd_create("fdbroker-bpf", MFD_CLOEXEC)) == -1)
		return -errno;
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0 || fstat(fd, &st) == -1 ||
	    st.st_size > USHRT_MAX * (off_t)sizeof(struct sock_filter) ||
	    (bpf = malloc((size_t)st.st_size + 1)) == NULL ||
	    pread(fd, bpf, (size_t)st.st_size, 0) != st.st_size) {
		free(bpf);
		rc = rc < 0 ? rc : -EIO;
	} else {
		prog->len = (unsigned short)(st.st_size /
		    (off_t)sizeof(struct sock_filter));
		prog->filter = bpf;
	}
	fd_close(fd);
	return rc;
}

/*
 * Load @prog by hand; with @listener, ask for a listener into it, and for
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19; libseccomp 2.5
 * cannot ask for it): once the broker has received a notification, only
 * a fatal signal ends the requester's wait.  Otherwise any signal would,
 * and a call that never fails so unconfined would fail with EINTR (a
 * shell's kill of its own child, as the SIGCHLD of that child arrives
 * while its next call waits).  A kernel before 5.19 refuses the flag
 * (EINVAL): then without it, as seccomp_load() would.  What
 * seccomp_load() would add is there already (no_new_privs, set first;
 * no TSYNC: the process has one thread).
 */
static int
load_prog(const struct sock_fprog *prog, int *listener)
{
	unsigned flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	int fd;

	if (listener == NULL)
		return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
		    prog) == -1 ? -errno : 0;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
	if (fd == -1 && errno == EINVAL)
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
	*listener = fd;
	return fd >= 0 ? 0 : -errno;
}

/*
 * Sockets.  Without --allow-net only AF_UNIX stream and seqpacket
 * sockets: a datagram socket can send to any socket file with sendmsg(),
 * whose address seccomp cannot read, so it would bypass the policy that
 * connect() and bind() go through.  sendto() with an address is refused
 * for the same reason.  With --allow-net every family and type.
 */
static int
add_sockets(scmp_filter_ctx ctx, int allow_net)
{
	static const uint64_t types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	static const uint64_t families[] = {
		AF_INET, AF_INET6, AF_NETLINK, AF_PACKET,
	};
	struct scmp_arg_cmp cmp[2];
	size_t i;
	int rc;

	if (allow_net) {
		if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "socket", 0,
		    NULL)) < 0 || (rc = filter_add_name(ctx, SCMP_ACT_ALLOW,
		    "socketpair", 0, NULL)) < 0)
			return rc;
		return filter_add_name(ctx, SCMP_ACT_ALLOW, "sendto", 0, NULL);
	}
	cmp[0] = filter_masked(0, FILTER_LOW32, AF_UNIX);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		cmp[1] = filter_masked(1, FILTER_SOCK_TYPE, types[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "socket", 2,
		    cmp)) < 0 ||
		    (rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "socketpair", 1,
		    &cmp[1])) < 0)
			return rc;
	}
	cmp[1] = filter_masked(1, FILTER_SOCK_TYPE, SOCK_DGRAM);
	if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES), "socket", 2,
	    cmp)) < 0 || (rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES),
	    "socketpair", 1, &cmp[1])) < 0)
		return rc;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		cmp[0] = filter_masked(0, FILTER_LOW32, families[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
		    "socket", 1, cmp)) < 0)
			return rc;
	}
	cmp[0].arg = 4;
	cmp[0].op = SCMP_CMP_EQ;
	cmp[0].datum_a = 0;
	if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "sendto", 1, cmp)) < 0)
		return rc;
	cmp[0].op = SCMP_CMP_NE;
	return filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES), "sendto", 1, cmp);
}

/*
 * New processes: clone() is allowed without the flags the shared
 * builder refuses (namespaces, CLONE_PARENT), which the argument filter
 * refuses with EPERM.  clone3 passes its flags in memory seccomp cannot
 * read: ENOSYS, and glibc falls back to clone().
 */
static int
add_process(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp cmp = filter_masked(0, filter_clone_mask(), 0);

	return filter_add_name(ctx, SCMP_ACT_ALLOW, "clone", 1, &cmp);
}

/*
 * The rules of on_process[]: three that do not overlap, as libseccomp
 * wants for one call (which == process and pid == 0; which == process
 * and pid != 0; which != process), or two without a which.
 */
static int
add_on_process(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp cmp[2];
	size_t i;
	int rc, pid;

	for (i = 0; i < N_ON_PROCESS; i++) {
		pid = on_process[i].which >= 0;	/* the pid's argument */
		cmp[0].arg = 0;
		cmp[0].op = SCMP_CMP_EQ;
		cmp[0].datum_a = (uint64_t)on_process[i].which;
		cmp[pid].arg = (unsigned)pid;
		cmp[pid].op = SCMP_CMP_EQ;
		cmp[pid].datum_a = 0;
		if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW,
		    on_process[i].name, (unsigned)pid + 1, cmp)) < 0)
			return rc;
		cmp[pid].op = SCMP_CMP_NE;
		if ((rc = filter_add_name(ctx, SCMP_ACT_NOTIFY,
		    on_process[i].name, (unsigned)pid + 1, cmp)) < 0)
			return rc;
		cmp[0].op = SCMP_CMP_NE;
		if (pid && (rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM),
		    on_process[i].name, 1, cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * Signals to a pid, a thread or a group, and F_SETOWN (the owner of a
 * file gets SIGIO, or with F_SETSIG any signal): to the broker, which
 * lets them reach the sandbox's processes only (notify-proc.c).  The
 * argument filter refuses first, with EPERM, what goes to the broker
 * itself, its group, its threads and everyone (-1) (filter.c).
 * F_SETOWN of 0 clears the owner; other fcntl commands reach no
 * process: allowed.  The argument filter refuses a command with
 * garbage above its 32 bits (add_fcntl_cmd()), which the kernel drops,
 * so that the full comparisons here cannot be dodged.
 */
static int
add_signals(scmp_filter_ctx ctx, int scoped)
{
	static const char *const send[] = {
		"kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", NULL,
	};
	struct scmp_arg_cmp cmp[2] = {
		{ .arg = 1, .op = SCMP_CMP_NE, .datum_a = F_SETOWN },
		{ .arg = 2, .op = SCMP_CMP_EQ, .datum_a = 0 },
	};
	int rc;

	if (scoped)
		return add_scoped_signals(ctx, send);
	if ((rc = filter_add_list(ctx, SCMP_ACT_NOTIFY, send)) < 0 ||
	    (rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "fcntl", 1, cmp)) < 0)
		return rc;
	cmp[0].op = SCMP_CMP_EQ;
	if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "fcntl", 2, cmp)) < 0)
		return rc;
	cmp[1].op = SCMP_CMP_NE;
	return filter_add_name(ctx, SCMP_ACT_NOTIFY, "fcntl", 2, cmp);
}

/*
 * Where the command's Landlock domain is scoped for signals (ABI 6), the
 * kernel itself refuses a signal, and SIGIO through F_SETOWN, to any
 * process outside the sandbox, race-free: they go straight to it, with
 * no round trip (which a SIGCHLD arriving meanwhile would end with
 * EINTR).  kill(0) still goes to the broker (notify-kill.c): in the
 * broker's process group it would reach the broker's other members.
 * libseccomp lets an unconditional rule override a conditional one and
 * compares all 64 bits, so "kill with a pid whose low 32 bits are not
 * 0" takes one rule per bit.
 */
static int
add_scoped_signals(scmp_filter_ctx ctx, const char *const *send)
{
	struct scmp_arg_cmp cmp = filter_masked(0, FILTER_LOW32, 0);
	unsigned i;
	int rc;

	if ((rc = filter_add_list(ctx, SCMP_ACT_ALLOW, send + 1)) < 0 ||
	    (rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "fcntl", 0,
	    NULL)) < 0 ||
	    (rc = filter_add_name(ctx, SCMP_ACT_NOTIFY, "kill", 1, &cmp)) < 0)
		return rc;
	for (i = 0; i < 32; i++) {
		cmp = filter_masked(0, 1ULL << i, 1ULL << i);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "kill", 1,
		    &cmp)) < 0)
			return rc;
	}
	return 0;
}

/* fcntl's command is 32 bits: refuse one with more (add_signals()). */
static int
add_fcntl_cmd(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp cmp = {
		.arg = 1, .op = SCMP_CMP_GT, .datum_a = FILTER_LOW32,
	};

	return filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM), "fcntl", 1, &cmp);
}
