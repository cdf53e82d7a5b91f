/* SPDX-License-Identifier: MIT */
/*
 * filter-notify.c: the filters of fdbroker-run, built with libseccomp.
 * It owns the lists of what an unmodified command may do by itself, what
 * it must ask the broker for, and what it may never do; it does not
 * fork, talk to the broker or keep state.
 *
 * Two filters are stacked, and the kernel applies the most restrictive
 * answer of the two (KILL > ERRNO > USER_NOTIF > ALLOW):
 *  - the allowlist: default ENOSYS (an unknown or future call fails, as
 *    on an older kernel, and libc falls back), the calls below allowed,
 *    the path-taking calls sent to the broker (SECCOMP_RET_USER_NOTIF);
 *  - the argument filter: default ALLOW, refusing what depends on an
 *    argument the allowlist would have to enumerate (kill of the broker,
 *    TIOCSTI).  libseccomp cannot say "allow unless equal" in a
 *    default-deny filter, hence the second filter.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <unistd.h>

#include "filter-notify.h"
#include "filter.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP		0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME		0x00000080
#endif
#ifndef TIOCLINUX
#define TIOCLINUX		0x541c
#endif
#ifndef F_SETOWN_EX
#define F_SETOWN_EX		15
#endif

/* Linux 6.6; not in every libseccomp. */
#define NR_FCHMODAT2		452

/* The 32 bits an int or pid_t argument really has (see filter_masked()). */
#define LOW32			0xffffffffULL
#define SOCK_TYPE_MASK		0xf

static int	 add_sockets(scmp_filter_ctx, int);
static int	 add_process(scmp_filter_ctx);
static int	 add_kill(scmp_filter_ctx);
static int	 add_signals(scmp_filter_ctx, pid_t, pid_t);
static int	 deny_target(scmp_filter_ctx, pid_t, pid_t);
static int	 set_attrs(scmp_filter_ctx, int);
static int	 load(scmp_filter_ctx, int *);

/*
 * Sent to the broker.  fchmod, fchown and utimensat(fd, NULL) take no
 * path, but change a file the policy may keep read-only: the broker
 * checks how the descriptor was opened.  newfstatat and statx also carry
 * fstat(), which the broker answers through /proc/PID/fd.
 */
static const char *const mediated[] = {
	"open", "openat", "openat2", "creat",
	"stat", "lstat", "newfstatat", "statx",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"mkdir", "mkdirat", "mknod", "mknodat",
	"unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2",
	"link", "linkat", "symlink", "symlinkat",
	"chmod", "fchmodat", "fchmod", "chown", "lchown", "fchownat", "fchown",
	"truncate", "utimensat", "chdir", "execve", "execveat",
	"connect", "bind",
	NULL
};

/* Compute, memory, descriptors already held, time, threads, processes. */
static const char *const allowed[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64",
	"preadv", "pwritev", "preadv2", "pwritev2", "lseek", "close",
	"close_range", "dup", "dup2", "dup3", "fcntl", "ioctl", "fstat",
	"fstatfs", "flock", "fsync", "fdatasync", "sync_file_range",
	"ftruncate", "fallocate", "fadvise64", "readahead", "getdents",
	"getdents64", "sendfile", "splice", "tee", "vmsplice",
	"copy_file_range", "fgetxattr", "flistxattr", "fchdir", "getcwd",
	"umask", "pipe", "pipe2", "memfd_create", "eventfd", "eventfd2",
	"signalfd", "signalfd4", "timerfd_create", "timerfd_settime",
	"timerfd_gettime", "inotify_init", "inotify_init1", "inotify_rm_watch",
	"mmap", "munmap", "mprotect", "mremap", "madvise", "msync",
	"mincore", "mlock", "mlock2", "munlock", "mlockall", "munlockall",
	"brk", "pkey_alloc", "pkey_free", "pkey_mprotect", "membarrier",
	"poll", "ppoll", "select", "pselect6", "epoll_create",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
	"rt_sigtimedwait", "rt_sigsuspend", "sigaltstack", "pause", "alarm",
	"tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open",
	"nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
	"gettimeofday", "time", "getitimer", "setitimer", "timer_create",
	"timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
	"times",
	"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid",
	"getegid", "getgroups", "getresuid", "getresgid", "getpgid",
	"getpgrp", "getsid", "setsid", "setpgid", "setuid", "setgid",
	"setreuid", "setregid", "setresuid", "setresgid", "setgroups",
	"setfsuid", "setfsgid", "capget", "capset",
	"getrlimit", "setrlimit", "getrusage", "getpriority", "setpriority",
	"sched_yield", "sched_getaffinity", "sched_setaffinity",
	"sched_getparam", "sched_setparam", "sched_getscheduler",
	"sched_setscheduler", "sched_get_priority_max",
	"sched_get_priority_min", "sched_rr_get_interval", "sched_getattr",
	"sched_setattr", "ioprio_get", "ioprio_set", "getcpu",
	"uname", "sysinfo", "getrandom",
	"prctl", "arch_prctl", "set_tid_address", "set_robust_list",
	"get_robust_list", "futex", "futex_waitv", "rseq", "restart_syscall",
	"exit", "exit_group", "wait4", "waitid", "fork", "vfork",
	"seccomp", "landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self", "map_shadow_stack", "sync", "syncfs",
	"socketpair", "listen", "accept", "accept4", "getsockname",
	"getpeername", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	"recvmmsg", "shutdown", "getsockopt", "setsockopt",
	NULL
};

/*
 * SPEC §4's refusals, with EPERM rather than the default ENOSYS: they
 * exist, they are forbidden.  io_uring's OPENAT is not seen by seccomp;
 * handles open files by inode; pidfd_getfd and process_vm_* reach into
 * other processes; the rest is kernel attack surface or administration.
 */
static const char *const refused[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "process_madvise",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"open_by_handle_at", "name_to_handle_at",
	"mount", "umount2", "pivot_root", "chroot", "open_tree",
	"move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
	"mount_setattr", "bpf", "userfaultfd", "perf_event_open",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module", "add_key", "request_key", "keyctl",
	/*
	 * pidfd_send_signal: a pidfd names its process whatever the pid
	 * rules say, and the command can get one of the broker (SO_PEERPIDFD
	 * of a socket the broker connected, an open /proc/PID directory).
	 */
	"pidfd_send_signal",
	"unshare", "setns", "kcmp", "pidfd_getfd", "reboot", "iopl",
	"ioperm", "swapon", "swapoff", "acct", "quotactl", "settimeofday",
	"clock_settime", "clock_adjtime", "adjtimex", "syslog", "vhangup",
	"uselib", "personality", "modify_ldt", "lookup_dcookie",
	"fanotify_init", "fanotify_mark", "inotify_add_watch",
	"mq_open", "mq_unlink", "statfs", "ustat",
	"utime", "utimes", "futimesat",
	NULL
};

/*
 * Extended attributes by path: "not supported" is the answer programs
 * take quietly (ls -l, cp), and it says nothing about the file.
 */
static const char *const xattr_paths[] = {
	"getxattr", "lgetxattr", "listxattr", "llistxattr", "setxattr",
	"lsetxattr", "removexattr", "lremovexattr", "fsetxattr",
	"fremovexattr",
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
	scmp_filter_ctx args = NULL, allow = NULL;
	int rc, listener = -1;

	if (o == NULL || o->broker <= 0) {
		errno = EINVAL;
		return -1;
	}
	if ((args = seccomp_init(SCMP_ACT_ALLOW)) == NULL ||
	    (allow = seccomp_init(SCMP_ACT_ERRNO(ENOSYS))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = set_attrs(args, 0)) < 0 ||
	    (rc = add_signals(args, o->broker, o->anchor)) < 0 ||
	    (rc = load(args, NULL)) < 0)
		goto out;
	if ((rc = set_attrs(allow, 1)) < 0 ||
	    (rc = filter_add_list(allow, SCMP_ACT_NOTIFY, mediated)) < 0 ||
	    (rc = seccomp_rule_add(allow, SCMP_ACT_NOTIFY, NR_FCHMODAT2,
	    0)) < 0 ||
	    (rc = filter_add_list(allow, SCMP_ACT_ALLOW, allowed)) < 0 ||
	    (rc = filter_add_list(allow, SCMP_ACT_ERRNO(EPERM), refused)) < 0 ||
	    (rc = filter_add_list(allow, SCMP_ACT_ERRNO(EOPNOTSUPP),
	    xattr_paths)) < 0 ||
	    (rc = add_sockets(allow, o->allow_net)) < 0 ||
	    (rc = add_process(allow)) < 0 || (rc = add_kill(allow)) < 0)
		goto out;
	rc = load(allow, &listener);
out:
	seccomp_release(args);
	seccomp_release(allow);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return listener;
}

int
filter_notify_is_mediated(int nr)
{
	const char *const *n;

	if (nr == NR_FCHMODAT2)
		return 1;
	for (n = mediated; *n != NULL; n++)
		if (seccomp_syscall_resolve_name(*n) == nr)
			return 1;
	return 0;
}

/*
 * Load @ctx; with @listener, the allowlist's notification descriptor
 * is stored there.  libseccomp asks the kernel for a listener whenever
 * the filter has a NOTIFY rule.
 */
static int
load(scmp_filter_ctx ctx, int *listener)
{
	int rc, fd;

	if ((rc = seccomp_load(ctx)) < 0)
		return rc;
	if (listener == NULL)
		return 0;
	if ((fd = seccomp_notify_fd(ctx)) < 0)
		return fd == -1 ? -ENOSYS : fd;
	*listener = fd;
	return 0;
}

static int
set_attrs(scmp_filter_ctx ctx, int optimize)
{
	int rc;

	/*
	 * A foreign ABI is a second system call table these rules do not
	 * cover.  libseccomp 2.5.4 also sends x32 numbers (bit 30 set) of
	 * an x86_64 filter to this action (checked in tests/run-cli.sh).
	 */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) < 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0)
		return rc;
	/* A binary tree: hot calls must not walk a long list. */
	return optimize ? seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) :
	    0;
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
	cmp[0] = filter_masked(0, LOW32, AF_UNIX);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		cmp[1] = filter_masked(1, SOCK_TYPE_MASK, types[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "socket", 2,
		    cmp)) < 0 ||
		    (rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "socketpair", 1,
		    &cmp[1])) < 0)
			return rc;
	}
	cmp[1] = filter_masked(1, SOCK_TYPE_MASK, SOCK_DGRAM);
	if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES), "socket", 2,
	    cmp)) < 0 || (rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES),
	    "socketpair", 1, &cmp[1])) < 0)
		return rc;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		cmp[0] = filter_masked(0, LOW32, families[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket",
		    1, cmp)) < 0)
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
 * New processes: clone() may not make namespaces (as unshare) nor make
 * the broker the parent of a new process (CLONE_PARENT).  clone3 passes
 * its flags in memory seccomp cannot read: ENOSYS, and glibc falls back
 * to clone().  prlimit64 may change the caller's own limits only.
 */
static int
add_process(scmp_filter_ctx ctx)
{
	static const uint64_t bad = CLONE_NEWNS | CLONE_NEWCGROUP |
	    CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
	    CLONE_NEWNET | CLONE_NEWTIME | CLONE_PARENT;
	struct scmp_arg_cmp cmp = filter_masked(0, bad, 0);
	int rc;

	/* clone3 is left to the default: ENOSYS. */
	if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "clone", 1, &cmp)) < 0)
		return rc;
	cmp = filter_masked(0, LOW32, 0);
	if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "prlimit64", 1, &cmp)) < 0)
		return rc;
	cmp.arg = 2;
	cmp.op = SCMP_CMP_EQ;
	cmp.datum_a = 0;
	return filter_add_name(ctx, SCMP_ACT_ALLOW, "prlimit64", 1, &cmp);
}

/*
 * kill(0, SIG) signals the caller's process group, which seccomp cannot
 * see: the broker decides (notify-kill.c), as the command may have left
 * the broker's group (timeout(1) does, and then signals its own).  Any
 * other pid is allowed here, and checked by the argument filter.  The
 * kernel reads the pid as 32 bits, and libseccomp compares 64: "low
 * half not 0" is one rule per bit.
 */
static int
add_kill(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp cmp = filter_masked(0, LOW32, 0);
	unsigned i;
	int rc;

	if ((rc = filter_add_name(ctx, SCMP_ACT_NOTIFY, "kill", 1, &cmp)) < 0)
		return rc;
	for (i = 0; i < 32; i++) {
		cmp = filter_masked(0, 1ULL << i, 1ULL << i);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ALLOW, "kill", 1,
		    &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * The argument filter.  Signals: kill(-1) (every process of the user),
 * and to the broker and the anchor (deny_target()).  tkill takes no thread
 * group to check.  F_SETOWN_EX would route SIGIO anywhere.  TIOCSTI and
 * TIOCLINUX push input into the terminal, for the shell after we exit.
 */
static int
add_signals(scmp_filter_ctx ctx, pid_t broker, pid_t anchor)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	static const unsigned long tty[] = { TIOCSTI, TIOCLINUX };
	struct scmp_arg_cmp cmp;
	pid_t pgid;
	size_t i;
	int rc;

	if ((pgid = getpgid(broker)) == -1)
		return -errno;
	/* The anchor leads a group of its own (anchor.c). */
	if ((rc = deny_target(ctx, broker, pgid)) < 0 ||
	    (anchor > 0 && (rc = deny_target(ctx, anchor, anchor)) < 0))
		return rc;
	cmp = filter_masked(0, LOW32, (uint32_t)-1);
	if ((rc = filter_add_name(ctx, deny, "kill", 1, &cmp)) < 0)
		return rc;
	cmp = filter_masked(1, LOW32, F_SETOWN_EX);
	if ((rc = filter_add_name(ctx, deny, "tkill", 0, NULL)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "fcntl", 1, &cmp)) < 0)
		return rc;
	for (i = 0; i < sizeof(tty) / sizeof(tty[0]); i++) {
		cmp = filter_masked(1, LOW32, tty[i]);
		if ((rc = filter_add_name(ctx, deny, "ioctl", 1, &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * Every route of a signal to process @pid and to its process group
 * @pgid: kill, tgkill and sigqueue by pid, a pidfd of it (pidfd_open),
 * and SIGIO by F_SETOWN.
 */
static int
deny_target(scmp_filter_ctx ctx, pid_t pid, pid_t pgid)
{
	static const char *const by_pid[] = {
		"kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
		"pidfd_open",
	};
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp[2];
	size_t i;
	int rc;

	cmp[0] = filter_masked(0, LOW32, (uint32_t)pid);
	for (i = 0; i < sizeof(by_pid) / sizeof(by_pid[0]); i++)
		if ((rc = filter_add_name(ctx, deny, by_pid[i], 1, cmp)) < 0)
			return rc;
	cmp[0] = filter_masked(0, LOW32, (uint32_t)-pgid);
	if ((rc = filter_add_name(ctx, deny, "kill", 1, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, F_SETOWN);
	cmp[1] = filter_masked(2, LOW32, (uint32_t)pid);
	if ((rc = filter_add_name(ctx, deny, "fcntl", 2, cmp)) < 0)
		return rc;
	cmp[1] = filter_masked(2, LOW32, (uint32_t)-pgid);
	return filter_add_name(ctx, deny, "fcntl", 2, cmp);
}
