/* SPDX-License-Identifier: MIT */
/*
 * filter.c: the lockdown filter of the socket transport (SPEC §2.1, §5),
 * built with libseccomp.  It owns the list of system calls a library
 * worker may not make, and nothing else: it does not fork, does not talk
 * to the broker and keeps no state.
 *
 * The default action is ALLOW, because a library worker runs arbitrary
 * code; what it must not do is listed here.  Path-taking calls fail with
 * EACCES, so the only way to a file is fdb_open(); calls that reach other
 * processes, the kernel's privileged interfaces or a way around seccomp
 * fail with EPERM; foreign ABIs (i386 int $0x80, x32) kill the process.
 * A default-allow list is only as good as its knowledge of the kernel, so
 * system calls newer than this list fail with ENOSYS (see late_calls).
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/types.h>
#include <linux/sockios.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api.h"
#include "fdbroker.h"
#include "filter.h"

/*
 * Numbers from the kernel's unified system call table (424 and up are the
 * same on every architecture but alpha), for calls this libseccomp may not
 * know by name.  Everything above FILTER_LAST_KNOWN up to FILTER_NR_CEIL
 * that is not listed fails with ENOSYS, what an older kernel would say:
 * libc falls back, and a path-taking call added by a future kernel does
 * not slip through the default ALLOW.
 */
#define FILTER_LAST_KNOWN	469	/* file_setattr, Linux 6.17 */
#define FILTER_NR_CEIL		599
/* ABIs whose numbers are offset from the unified table: names only. */
#if defined(__alpha__) || defined(__mips__) || defined(__ia64__) || \
    (defined(__x86_64__) && defined(__ILP32__))
#define FILTER_UNIFIED		0
#else
#define FILTER_UNIFIED		1
#endif

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP		0x02000000
#endif
#ifndef TIOCLINUX
#define TIOCLINUX		0x541c
#endif
#ifndef F_SETOWN_EX
#define F_SETOWN_EX		15
#endif

/* The 32 bits an int or pid_t argument really has (see filter_masked()). */
#define LOW32			0xffffffffULL
#define SIGN32			0x80000000ULL

struct late_call {
	const char *name;
	int nr;
	uint32_t action;	/* 0: allowed */
};

static int	add_late(scmp_filter_ctx);
static int	add_stat(scmp_filter_ctx);
static int	add_misc(scmp_filter_ctx);
static int	add_persona(scmp_filter_ctx);
static int	add_process(scmp_filter_ctx);
static int	add_signals(scmp_filter_ctx, pid_t);
static int	add_kill(scmp_filter_ctx, pid_t, pid_t);
static int	add_threads(scmp_filter_ctx, pid_t);
static int	add_thread(scmp_filter_ctx, pid_t);
static int	set_attrs(scmp_filter_ctx);

/*
 * Every call that takes a path names a file by itself, outside the policy.
 * The *at() forms are refused whatever the dirfd: an absolute path ignores
 * it.  newfstatat and statx are in add_stat(), utimensat in add_misc().
 */
static const char *const path_calls[] = {
	"open", "openat", "openat2", "creat",
	"stat", "lstat", "access", "faccessat", "faccessat2",
	"readlink", "readlinkat",
	"mkdir", "mkdirat", "unlink", "unlinkat", "rmdir",
	"rename", "renameat", "renameat2", "link", "linkat",
	"symlink", "symlinkat", "mknod", "mknodat",
	"chmod", "fchmodat", "fchmodat2", "chown", "lchown", "fchownat",
	"truncate", "utime", "utimes", "futimesat",
	"chdir", "chroot", "execve", "execveat", "uselib", "acct",
	"swapon", "swapoff", "statfs", "quotactl",
	"getxattr", "lgetxattr", "setxattr", "lsetxattr",
	"listxattr", "llistxattr", "removexattr", "lremovexattr",
	"inotify_add_watch", "fanotify_mark",
	"name_to_handle_at", "open_by_handle_at",
	"mount", "umount2", "pivot_root", "open_tree", "move_mount",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	/* POSIX message queues: a name space of their own, shared. */
	"mq_open", "mq_unlink",
	NULL
};

/*
 * Ways around the filter or into other processes and the kernel.  socket:
 * a new AF_UNIX socket could connect() to a path, and network sockets
 * reach beyond the broker; socketpair stays.  io_uring: its OPENAT is not
 * seen by seccomp.  unshare, setns: a new namespace is kernel attack
 * surface and mount-capable (clone's flags are in add_process()).
 * seccomp and prctl stay allowed: a further filter only tightens.
 */
static const char *const refused_calls[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "process_madvise",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"bpf", "userfaultfd", "perf_event_open",
	"kexec_load", "kexec_file_load", "reboot", "iopl", "ioperm",
	"init_module", "finit_module", "delete_module",
	"add_key", "request_key", "keyctl",
	"socket", "unshare", "setns", "kcmp", "pidfd_getfd",
	/*
	 * A pidfd names its process whatever the pid rules above say, and a
	 * worker can get one of the broker: SO_PEERPIDFD of its channel.
	 */
	"pidfd_send_signal",
	NULL
};

static const struct late_call late_calls[] = {
	{ "fchmodat2",		452, SCMP_ACT_ERRNO(EACCES) },
	{ "statmount",		457, SCMP_ACT_ERRNO(EPERM) },
	{ "listmount",		458, SCMP_ACT_ERRNO(EPERM) },
	{ "lsm_get_self_attr",	459, 0 },
	{ "lsm_set_self_attr",	460, 0 },
	{ "lsm_list_modules",	461, 0 },
	{ "mseal",		462, 0 },
	{ "setxattrat",		463, SCMP_ACT_ERRNO(EACCES) },
	{ "getxattrat",		464, SCMP_ACT_ERRNO(EACCES) },
	{ "listxattrat",	465, SCMP_ACT_ERRNO(EACCES) },
	{ "removexattrat",	466, SCMP_ACT_ERRNO(EACCES) },
	{ "open_tree_attr",	467, SCMP_ACT_ERRNO(EACCES) },
	{ "file_getattr",	468, SCMP_ACT_ERRNO(EACCES) },
	{ "file_setattr",	469, SCMP_ACT_ERRNO(EACCES) },
	{ NULL,			0, 0 }
};

struct scmp_arg_cmp
filter_masked(unsigned arg, uint64_t mask, uint64_t datum)
{
	struct scmp_arg_cmp cmp = {
		.arg = arg, .op = SCMP_CMP_MASKED_EQ,
		.datum_a = mask, .datum_b = datum & mask,
	};

	return cmp;
}

/*
 * libseccomp gives a call this architecture lacks a negative pseudo
 * number, which matters only in a filter for several ABIs; these have
 * the native ABI alone.
 */
int
filter_add_name(scmp_filter_ctx ctx, uint32_t action, const char *name,
		unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr;

	if ((nr = seccomp_syscall_resolve_name(name)) < 0)
		return 0;
	return seccomp_rule_add_array(ctx, action, nr, n, cmp);
}

int
filter_add_list(scmp_filter_ctx ctx, uint32_t action, const char *const *names)
{
	int rc;

	for (; *names != NULL; names++)
		if ((rc = filter_add_name(ctx, action, *names, 0, NULL)) < 0)
			return rc;
	return 0;
}

int
filter_lockdown(pid_t broker)
{
	scmp_filter_ctx ctx;
	int rc;

	if (broker < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if ((rc = set_attrs(ctx)) == 0 &&
	    (rc = filter_add_list(ctx, SCMP_ACT_ERRNO(EACCES), path_calls)) == 0 &&
	    (rc = filter_add_list(ctx, SCMP_ACT_ERRNO(EPERM), refused_calls)) == 0 &&
	    (rc = add_late(ctx)) == 0 && (rc = add_stat(ctx)) == 0 &&
	    (rc = add_misc(ctx)) == 0 && (rc = add_process(ctx)) == 0 &&
	    (broker == 0 || (rc = add_signals(ctx, broker)) == 0))
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

FDB_API int
fdb_lockdown(void)
{
	return filter_lockdown(0);
}

static int
set_attrs(scmp_filter_ctx ctx)
{
	int rc;

	/*
	 * A foreign ABI is a second system call table the rules below do not
	 * cover.  libseccomp 2.5.4 also sends x32 numbers (nr >= 0x40000000,
	 * but not -1) of an x86_64 filter to this action: checked in the
	 * exported BPF and by tests/check_filter.c.
	 */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0)
		return rc;
	/* no_new_privs on load is libseccomp's default; say so anyway. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) < 0)
		return rc;
	/* Threads started before the lockdown must not stay free. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		return rc;
	/* The kernel's errno from seccomp_load, not libseccomp's ECANCELED. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0)
		return rc;
	/* A binary tree: the many ENOSYS rules must not slow every call. */
	return seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
}

static int
add_late(scmp_filter_ctx ctx)
{
	const struct late_call *lc;
	int nr, rc;

	for (lc = late_calls; lc->name != NULL; lc++) {
		if (lc->action == 0)
			continue;
		nr = seccomp_syscall_resolve_name(lc->name);
		if (nr < 0)
			nr = FILTER_UNIFIED ? lc->nr : -1;
		if (nr >= 0 &&
		    (rc = seccomp_rule_add(ctx, lc->action, nr, 0)) < 0)
			return rc;
	}
	for (nr = FILTER_LAST_KNOWN + 1; FILTER_UNIFIED && nr <= FILTER_NR_CEIL;
	    nr++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr,
		    0)) < 0)
			return rc;
	return 0;
}

/*
 * glibc's fstat() is newfstatat(fd, "", buf, AT_EMPTY_PATH), and Rust's
 * metadata() is statx(fd, "", AT_EMPTY_PATH, ...): both must work on the
 * descriptors the worker holds.  seccomp cannot read the path, and the
 * kernel ignores AT_EMPTY_PATH when the path is not empty, so the rule
 * below (AT_EMPTY_PATH set and a dirfd that is not AT_FDCWD or otherwise
 * negative) still lets newfstatat(fd, "name", AT_EMPTY_PATH) stat a name
 * under a directory the worker was given, and an absolute path, which
 * ignores the dirfd, stat any path.  That leaks metadata (existence,
 * type, size, owner, times), never contents or a descriptor; refusing it
 * would break fstat() itself.  The plain fstat system call stays allowed.
 */
static int
add_stat(scmp_filter_ctx ctx)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EACCES);
	struct scmp_arg_cmp cwd = filter_masked(0, SIGN32, SIGN32);
	struct scmp_arg_cmp nf = filter_masked(3, AT_EMPTY_PATH, 0);
	struct scmp_arg_cmp sx = filter_masked(2, AT_EMPTY_PATH, 0);
	int rc;

	if ((rc = filter_add_name(ctx, deny, "newfstatat", 1, &cwd)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "newfstatat", 1, &nf)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "fstatat64", 1, &cwd)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "fstatat64", 1, &nf)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "statx", 1, &cwd)) < 0)
		return rc;
	return filter_add_name(ctx, deny, "statx", 1, &sx);
}

static int
add_misc(scmp_filter_ctx ctx)
{
	/*
	 * futimens(fd) is utimensat(fd, NULL, ...), which names nothing.
	 * Any path, or a negative dirfd (AT_FDCWD with a NULL path would
	 * touch the current directory), is refused.
	 */
	struct scmp_arg_cmp path = {
		.arg = 1, .op = SCMP_CMP_NE, .datum_a = 0,
	};
	struct scmp_arg_cmp neg = filter_masked(0, SIGN32, SIGN32);
	/* ioctl requests are 32 bits; TIOCSTI fakes terminal input. */
	static const unsigned long tty[] = { TIOCSTI, TIOCLINUX, TIOCSPGRP };
	struct scmp_arg_cmp req;
	size_t i;
	int rc;

	if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES), "utimensat", 1,
	    &path)) < 0 || (rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES),
	    "utimensat", 1, &neg)) < 0 || (rc = add_persona(ctx)) < 0)
		return rc;
	for (i = 0; i < sizeof(tty) / sizeof(tty[0]); i++) {
		req = filter_masked(1, LOW32, tty[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1,
		    &req)) < 0)
			return rc;
	}
	return 0;
}

/*
 * personality: the default persona (0) and the query (0xffffffff) only.
 * libseccomp compares an argument once per rule, so "neither 0 nor
 * 0xffffffff" is written as "some bit differs from bit 0": two rules per
 * bit.  Upper-half garbage, which the kernel drops, is refused too.
 */
static int
add_persona(scmp_filter_ctx ctx)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp = {
		.arg = 0, .op = SCMP_CMP_GT, .datum_a = LOW32,
	};
	uint64_t bit;
	int rc;

	if ((rc = filter_add_name(ctx, deny, "personality", 1, &cmp)) < 0)
		return rc;
	for (bit = 2; bit <= SIGN32; bit <<= 1) {
		cmp = filter_masked(0, bit | 1, 1);
		if ((rc = filter_add_name(ctx, deny, "personality", 1, &cmp)) < 0)
			return rc;
		cmp = filter_masked(0, bit | 1, bit);
		if ((rc = filter_add_name(ctx, deny, "personality", 1, &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * New processes: clone() may not make namespaces (as unshare) nor make
 * the caller's parent, the broker, the parent of a new process.  clone3
 * passes its flags in memory seccomp cannot read, so it fails with
 * ENOSYS and glibc falls back to clone() (as Docker and Chromium do).
 * prlimit64 may change the caller's own limits only: a lowered
 * RLIMIT_CPU or RLIMIT_FSIZE kills the process it is set on, and any
 * thread id of the broker would do.
 */
static int
add_process(scmp_filter_ctx ctx)
{
	static const uint64_t flags[] = {
		CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_PARENT,
	};
	struct scmp_arg_cmp cmp[2] = {
		{ .arg = 0, .op = SCMP_CMP_NE, .datum_a = 0 },
		{ .arg = 2, .op = SCMP_CMP_NE, .datum_a = 0 },
	};
	struct scmp_arg_cmp fl;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		fl = filter_masked(0, flags[i], flags[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM), "clone", 1,
		    &fl)) < 0)
			return rc;
	}
	if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0,
	    NULL)) < 0)
		return rc;
	return filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM), "prlimit64", 2, cmp);
}

/*
 * Signals to the broker.  Its pid and process group are known here, and
 * so are its threads of the moment (add_threads).  Ownership of
 * a file (F_SETOWN) routes SIGIO and SIGURG, and lease breaks, to its
 * owner, so the broker may not become one; the forms that pass the owner
 * in memory are refused outright.  tkill is obsolete (glibc uses tgkill).
 */
static int
add_signals(scmp_filter_ctx ctx, pid_t broker)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp[2];
	pid_t pgid;
	int rc;

	if ((pgid = getpgid(broker)) == -1)
		return -errno;
	cmp[0] = filter_masked(0, LOW32, (uint32_t)broker);
	if ((rc = add_kill(ctx, broker, pgid)) < 0 ||
	    (rc = add_threads(ctx, broker)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "tgkill", 1, cmp)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "rt_sigqueueinfo", 1, cmp)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "rt_tgsigqueueinfo", 1, cmp)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "pidfd_open", 1, cmp)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "tkill", 0, NULL)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, (uint32_t)pgid);
	if ((rc = filter_add_name(ctx, deny, "setpgid", 1, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, F_SETOWN);
	cmp[1] = filter_masked(2, LOW32, (uint32_t)broker);
	if ((rc = filter_add_name(ctx, deny, "fcntl", 2, cmp)) < 0)
		return rc;
	cmp[1] = filter_masked(2, LOW32, (uint32_t)-pgid);
	if ((rc = filter_add_name(ctx, deny, "fcntl", 2, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, F_SETOWN_EX);
	if ((rc = filter_add_name(ctx, deny, "fcntl", 1, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, FIOSETOWN);
	if ((rc = filter_add_name(ctx, deny, "ioctl", 1, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, SIOCSPGRP);
	return filter_add_name(ctx, deny, "ioctl", 1, cmp);
}

/*
 * kill(broker), kill(-pgid of the broker), kill(-1), and kill(0) while
 * the caller is still in the broker's process group.  The worker keeps
 * the broker's group (job control: a worker in a background group of its
 * own would be stopped by SIGTTIN reading the terminal, and the broker
 * would wait for it for ever), so kill(0) is refused in the worker.
 */
static int
add_kill(scmp_filter_ctx ctx, pid_t broker, pid_t pgid)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	uint32_t targets[4];
	struct scmp_arg_cmp cmp;
	size_t i, n = 0;
	int rc;

	targets[n++] = (uint32_t)broker;
	targets[n++] = (uint32_t)-pgid;
	targets[n++] = (uint32_t)-1;
	if (getpgid(0) == pgid)
		targets[n++] = 0;
	for (i = 0; i < n; i++) {
		cmp = filter_masked(0, LOW32, targets[i]);
		if ((rc = filter_add_name(ctx, deny, "kill", 1, &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * kill(tid), rt_sigqueueinfo(tid) and pidfd_open(tid, PIDFD_THREAD) reach
 * the whole process through any of its thread ids, which are easy to
 * guess.  The broker's threads are listed now; one it starts later is not
 * covered (a known limit).  tgkill and rt_tgsigqueueinfo name the thread
 * group, which the rules above cover; tkill is refused outright.
 */
static int
add_threads(scmp_filter_ctx ctx, pid_t broker)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	long tid;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)broker);
	if ((d = opendir(path)) == NULL)
		return -errno;
	errno = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if ((tid = strtol(de->d_name, NULL, 10)) > 0 && tid != broker)
			rc = add_thread(ctx, (pid_t)tid);
		errno = 0;
	}
	if (rc == 0 && errno != 0)
		rc = -errno;
	closedir(d);
	return rc;
}

static int
add_thread(scmp_filter_ctx ctx, pid_t tid)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp = filter_masked(0, LOW32, (uint32_t)tid);
	int rc;

	if ((rc = filter_add_name(ctx, deny, "kill", 1, &cmp)) < 0 ||
	    (rc = filter_add_name(ctx, deny, "rt_sigqueueinfo", 1, &cmp)) < 0)
		return rc;
	return filter_add_name(ctx, deny, "pidfd_open", 1, &cmp);
}
