/* SPDX-License-Identifier: MIT */
/*
 * filter.c: the seccomp rule builder of both transports (SPEC §2, §4,
 * §5), built with libseccomp.  It owns the lists of what no sandboxed
 * process may do, the rules that refuse it, and the library worker's
 * lockdown; fdbroker-run's filters (filter-notify.c) take their
 * refusals from here too, so that the two cannot drift apart.  It does
 * not fork, does not talk to the broker and keeps no state.
 *
 * The two filters differ only in their default action and in what they
 * mediate.  A library worker runs arbitrary code: its default is ALLOW
 * and its path-taking calls fail with EACCES, so the only way to a file
 * is fdb_open().  fdbroker-run's allowlist is default-deny and sends the
 * path calls to the broker; its argument filter is default ALLOW and
 * gets every refusal below.  Calls that reach other processes, the
 * kernel's privileged interfaces or a way around seccomp fail with
 * EPERM; foreign ABIs (i386 int $0x80, x32) kill the process.  A
 * default-allow list is only as good as its knowledge of the kernel, so
 * system calls newer than this list fail with ENOSYS (see late_calls).
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
#include "landlock.h"
#include "filter-ioctl.h"

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

/* Older headers lack these; the kernel's values. */
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

#define LOW32			FILTER_LOW32
#define SIGN32			0x80000000ULL

/* One filter being built. */
struct rules {
	scmp_filter_ctx ctx;
	const struct filter_refusals *r;
	uint32_t def;		/* the filter's default action */
};

static int	add_worker_only(scmp_filter_ctx);
static int	deny_nr(const struct rules *, uint32_t, int, unsigned,
		    const struct scmp_arg_cmp *);
static int	deny(const struct rules *, uint32_t, const char *, unsigned,
		    const struct scmp_arg_cmp *);
static int	deny_list(const struct rules *, uint32_t,
		    const char *const *);
static int	add_named(const struct rules *);
static int	add_late(const struct rules *);
static int	add_args(const struct rules *);
static int	add_stat(const struct rules *);
static int	add_ioctls(const struct rules *);
static int	add_persona(const struct rules *);
static int	add_undumpable(const struct rules *);
static int	add_process(const struct rules *);
static int	add_sched(const struct rules *);
static int	add_signals(const struct rules *);
static int	add_owner(const struct rules *, pid_t, pid_t);
static int	add_kill(const struct rules *, pid_t, pid_t);
static int	add_target(const struct rules *, pid_t, pid_t);
static int	add_threads(const struct rules *, pid_t);
static int	add_thread(const struct rules *, pid_t);

/*
 * Every call that takes a path names a file by itself, outside the policy.
 * The *at() forms are refused whatever the dirfd: an absolute path ignores
 * it.  newfstatat and statx are in add_stat(), utimensat in add_args().
 * fdbroker-run sends the ones its broker performs there instead.
 */
const char *const filter_path_calls[] = {
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
	"inotify_add_watch", "fanotify_mark",
	/* File handles open files by inode, past every path check. */
	"name_to_handle_at", "open_by_handle_at",
	"mount", "umount2", "pivot_root", "open_tree", "move_mount",
	"fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	/* POSIX message queues: a name space of their own, shared. */
	"mq_open", "mq_unlink",
	NULL
};

/*
 * Extended attributes by path, and set or removed through a descriptor:
 * the kernel checks the inode's permission there, not how the descriptor
 * was opened, so a read-only grant would let the file be changed.
 * fdbroker-run answers "not supported", which programs take quietly
 * (ls -l, cp).  Reading them through a descriptor stays allowed.
 */
const char *const filter_xattr_calls[] = {
	"getxattr", "lgetxattr", "listxattr", "llistxattr", "setxattr",
	"lsetxattr", "removexattr", "lremovexattr", "fsetxattr",
	"fremovexattr",
	NULL
};

/*
 * Ways around the filter or into other processes and the kernel.
 * io_uring: its OPENAT is not seen by seccomp.  setns: a new namespace
 * is kernel attack surface and mount-capable (clone's and unshare's
 * namespace flags are in add_process()).  pidfd_getfd and
 * process_vm_* reach into other processes.  The rest is kernel attack
 * surface or administration.  seccomp and prctl stay allowed: a further
 * filter only tightens.
 */
const char *const filter_refused_calls[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "process_madvise",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"bpf", "userfaultfd", "perf_event_open",
	"kexec_load", "kexec_file_load", "reboot", "iopl", "ioperm",
	"init_module", "finit_module", "delete_module",
	"add_key", "request_key", "keyctl",
	"setns", "kcmp", "pidfd_getfd",
	/*
	 * A pidfd names its process whatever the pid rules say, and the
	 * broker's is within reach: SO_PEERPIDFD of a worker's channel or
	 * of a socket the broker connected, an open /proc/PID directory.
	 */
	"pidfd_send_signal",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	/* vhangup: SPEC §4, no hangups of the terminal. */
	"syslog", "vhangup", "modify_ldt", "lookup_dcookie",
	"fanotify_init", "ustat",
	NULL
};

const struct filter_late_call filter_late_calls[] = {
	{ "fchmodat2",		452, FILTER_LATE_PATH },
	{ "statmount",		457, FILTER_LATE_REFUSED },
	{ "listmount",		458, FILTER_LATE_REFUSED },
	{ "lsm_get_self_attr",	459, FILTER_LATE_ALLOWED },
	{ "lsm_set_self_attr",	460, FILTER_LATE_ALLOWED },
	{ "lsm_list_modules",	461, FILTER_LATE_ALLOWED },
	{ "mseal",		462, FILTER_LATE_ALLOWED },
	{ "setxattrat",		463, FILTER_LATE_XATTR },
	{ "getxattrat",		464, FILTER_LATE_XATTR },
	{ "listxattrat",	465, FILTER_LATE_XATTR },
	{ "removexattrat",	466, FILTER_LATE_XATTR },
	{ "open_tree_attr",	467, FILTER_LATE_PATH },
	{ "file_getattr",	468, FILTER_LATE_PATH },
	{ "file_setattr",	469, FILTER_LATE_PATH },
	{ NULL,			0, 0 }
};

/*
 * ioctl requests (32 bits) refused on any descriptor.  TIOCSTI fakes
 * terminal input and TIOCLINUX can too; TIOCSPGRP hands the terminal to
 * another process group.  FIOSETOWN and SIOCSPGRP make a process the
 * owner of a socket, as F_SETOWN does (add_owner()), so that O_ASYNC
 * sends it a signal of the caller's choice (F_SETSIG), SIGKILL too; they
 * pass the pid in memory seccomp cannot read, so they are refused
 * whatever the pid.  Programs use F_SETOWN, whose pid is compared.
 */
const unsigned long filter_ioctls[] = {
	TIOCSTI, TIOCLINUX, TIOCSPGRP, FIOSETOWN, SIOCSPGRP, 0
};

/*
 * clone() may not make namespaces (as unshare) nor make the caller's
 * parent, the broker, the parent of a new process.
 */
const uint64_t filter_clone_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME,
	CLONE_PARENT, 0
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

uint64_t
filter_clone_mask(void)
{
	const uint64_t *f;
	uint64_t mask = 0;

	for (f = filter_clone_flags; *f != 0; f++)
		mask |= *f;
	return mask;
}

int
filter_set_attrs(scmp_filter_ctx ctx, int tsync)
{
	int rc;

	/*
	 * A foreign ABI is a second system call table the rules do not
	 * cover.  libseccomp 2.5.4 also sends x32 numbers (nr >= 0x40000000,
	 * but not -1) of an x86_64 filter to this action: checked in the
	 * exported BPF, by tests/check_filter.c and tests/run-cli.sh.
	 */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0)
		return rc;
	/* no_new_privs on load is libseccomp's default; say so anyway. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) < 0)
		return rc;
	/* Threads started before the lockdown must not stay free. */
	if (tsync && (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC,
	    1)) < 0)
		return rc;
	/* The kernel's errno from seccomp_load, not libseccomp's ECANCELED. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0)
		return rc;
	/* A binary tree: the many rules must not slow every call. */
	return seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
}

int
filter_lockdown(pid_t broker)
{
	struct filter_refusals r = {
		.broker = broker, .path_errno = EACCES, .xattr_errno = EACCES,
		.parts = FILTER_BY_NAME | FILTER_BY_ARG | FILTER_BY_PID,
	};
	struct scmp_arg_cmp dgram = filter_masked(1, FILTER_SOCK_TYPE,
	    SOCK_DGRAM);
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
	/*
	 * socket: a new AF_UNIX socket could connect() to a path, which no
	 * broker checks here, and network sockets reach beyond the broker;
	 * fdbroker-run mediates connect() instead.  socketpair stays, but
	 * not of datagram sockets: sendmsg() from either end, with an
	 * address seccomp cannot read, reaches any socket by name.
	 */
	if ((rc = filter_set_attrs(ctx, 1)) == 0 &&
	    (rc = filter_add_refusals(ctx, &r)) == 0 &&
	    (rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM), "socket", 0,
	    NULL)) == 0 && (rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES),
	    "socketpair", 1, &dgram)) == 0 && (rc = add_worker_only(ctx)) == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	/*
	 * Signals to processes outside, which the filter cannot tell from
	 * the worker's own (no broker decides them here): Landlock's scope
	 * where the kernel has it (ABI 6), else only the broker is kept out
	 * of reach (README, known limits).
	 */
	if (landlock_scope_self() == -1 && errno != EOPNOTSUPP)
		return -1;
	return 0;
}

/*
 * What no broker checks in a worker, and fdbroker-run mediates: bind()
 * would make a socket file at any path the user may write (or an
 * abstract name), and a worker's sockets are socketpair ends, which need
 * none.  Through a descriptor, whatever it was opened for: fchown,
 * fchmod and futimens (utimensat with no path and a descriptor): the
 * kernel asks for the file's owner, not a descriptor open for writing,
 * and seccomp cannot tell how one was opened, so a grant of r alone
 * would change the file's mode or times (SPEC §3).  A worker gives the
 * mode when it creates a file (fdb_open's mode).
 */
static int
add_worker_only(scmp_filter_ctx ctx)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp[2] = {
		{ .arg = 1, .op = SCMP_CMP_EQ, .datum_a = 0 },
		filter_masked(0, SIGN32, 0),
	};
	int rc;

	if ((rc = filter_add_name(ctx, eperm, "bind", 0, NULL)) < 0 ||
	    (rc = filter_add_name(ctx, eperm, "fchown", 0, NULL)) < 0 ||
	    (rc = filter_add_name(ctx, eperm, "fchmod", 0, NULL)) < 0)
		return rc;
	/* The rest of utimensat is refused in add_args(). */
	return filter_add_name(ctx, eperm, "utimensat", 2, cmp);
}

FDB_API int
fdb_lockdown(void)
{
	return filter_lockdown(0);
}

int
filter_add_refusals(scmp_filter_ctx ctx, const struct filter_refusals *r)
{
	struct rules rs = { ctx, r, 0 };
	int rc;

	if ((rc = seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &rs.def)) < 0)
		return rc;
	if ((r->parts & FILTER_BY_NAME) && (rc = add_named(&rs)) < 0)
		return rc;
	if ((r->parts & FILTER_BY_ARG) && (rc = add_args(&rs)) < 0)
		return rc;
	if ((r->parts & FILTER_BY_PID) && r->broker > 0 &&
	    (rc = add_signals(&rs)) < 0)
		return rc;
	return 0;
}

static int
is_mediated(const struct filter_refusals *r, int nr)
{
	size_t i;

	for (i = 0; i < r->n_mediated; i++)
		if (r->mediated[i] == nr)
			return 1;
	return 0;
}

/*
 * A mediated call is the broker's to decide, and a rule that says what
 * the default says is one libseccomp refuses (EACCES): both are skipped.
 */
static int
deny_nr(const struct rules *rs, uint32_t action, int nr, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	if (nr < 0 || action == rs->def || is_mediated(rs->r, nr))
		return 0;
	return seccomp_rule_add_array(rs->ctx, action, nr, n, cmp);
}

static int
deny(const struct rules *rs, uint32_t action, const char *name, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	return deny_nr(rs, action, seccomp_syscall_resolve_name(name), n,
	    cmp);
}

static int
deny_list(const struct rules *rs, uint32_t action, const char *const *names)
{
	int rc;

	for (; *names != NULL; names++)
		if ((rc = deny(rs, action, *names, 0, NULL)) < 0)
			return rc;
	return 0;
}

/*
 * Whole calls.  clone3 passes its flags in memory seccomp cannot read,
 * so it fails with ENOSYS and glibc falls back to clone() (as Docker and
 * Chromium do).  tkill is obsolete (glibc uses tgkill) and names a
 * thread of any process.
 */
static int
add_named(const struct rules *rs)
{
	const struct filter_refusals *r = rs->r;
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	int rc;

	if ((rc = deny_list(rs, SCMP_ACT_ERRNO((uint32_t)r->path_errno),
	    filter_path_calls)) < 0 ||
	    (rc = deny_list(rs, SCMP_ACT_ERRNO((uint32_t)r->xattr_errno),
	    filter_xattr_calls)) < 0 ||
	    (rc = deny_list(rs, eperm, filter_refused_calls)) < 0 ||
	    (rc = deny(rs, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL)) < 0 ||
	    (r->broker > 0 && (rc = deny(rs, eperm, "tkill", 0, NULL)) < 0))
		return rc;
	return add_late(rs);
}

static int
add_late(const struct rules *rs)
{
	const struct filter_late_call *lc;
	uint32_t action[] = {
		0, SCMP_ACT_ERRNO((uint32_t)rs->r->path_errno),
		SCMP_ACT_ERRNO((uint32_t)rs->r->xattr_errno),
		SCMP_ACT_ERRNO(EPERM),
	};
	int nr, rc;

	for (lc = filter_late_calls; lc->name != NULL; lc++) {
		if (lc->kind == FILTER_LATE_ALLOWED)
			continue;
		nr = seccomp_syscall_resolve_name(lc->name);
		if (nr < 0)
			nr = FILTER_UNIFIED ? lc->nr : -1;
		if ((rc = deny_nr(rs, action[lc->kind], nr, 0, NULL)) < 0)
			return rc;
	}
	for (nr = FILTER_LAST_KNOWN + 1; FILTER_UNIFIED && nr <= FILTER_NR_CEIL;
	    nr++)
		if ((rc = deny_nr(rs, SCMP_ACT_ERRNO(ENOSYS), nr, 0, NULL)) < 0)
			return rc;
	return 0;
}

/*
 * Calls refused for some arguments only.  futimens(fd) is
 * utimensat(fd, NULL, ...), which names nothing: any path, or a negative
 * dirfd (AT_FDCWD with a NULL path would touch the current directory),
 * is refused; a worker refuses futimens too (add_worker_only()).
 */
static int
add_args(const struct rules *rs)
{
	const uint32_t deny_path = SCMP_ACT_ERRNO((uint32_t)rs->r->path_errno);
	struct scmp_arg_cmp path = {
		.arg = 1, .op = SCMP_CMP_NE, .datum_a = 0,
	};
	struct scmp_arg_cmp neg = filter_masked(0, SIGN32, SIGN32);
	int rc;

	if ((rc = add_stat(rs)) < 0 ||
	    (rc = deny(rs, deny_path, "utimensat", 1, &path)) < 0 ||
	    (rc = deny(rs, deny_path, "utimensat", 1, &neg)) < 0 ||
	    (rc = add_ioctls(rs)) < 0 || (rc = add_persona(rs)) < 0 ||
	    (rc = add_undumpable(rs)) < 0 || (rc = add_process(rs)) < 0)
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
 * fdbroker-run mediates both calls, and this is skipped there.
 */
static int
add_stat(const struct rules *rs)
{
	const uint32_t d = SCMP_ACT_ERRNO((uint32_t)rs->r->path_errno);
	struct scmp_arg_cmp cwd = filter_masked(0, SIGN32, SIGN32);
	struct scmp_arg_cmp nf = filter_masked(3, AT_EMPTY_PATH, 0);
	struct scmp_arg_cmp sx = filter_masked(2, AT_EMPTY_PATH, 0);
	int rc;

	if ((rc = deny(rs, d, "newfstatat", 1, &cwd)) < 0 ||
	    (rc = deny(rs, d, "newfstatat", 1, &nf)) < 0 ||
	    (rc = deny(rs, d, "fstatat64", 1, &cwd)) < 0 ||
	    (rc = deny(rs, d, "fstatat64", 1, &nf)) < 0 ||
	    (rc = deny(rs, d, "statx", 1, &cwd)) < 0)
		return rc;
	return deny(rs, d, "statx", 1, &sx);
}

/*
 * filter_ioctls by name; then the terminal's allowlist, the attribute
 * requests, O_ASYNC and leases (filter-ioctl.c).
 */
static int
add_ioctls(const struct rules *rs)
{
	const unsigned long *req;
	struct scmp_arg_cmp cmp;
	int rc;

	for (req = filter_ioctls; *req != 0; req++) {
		cmp = filter_masked(1, LOW32, *req);
		if ((rc = deny(rs, SCMP_ACT_ERRNO(EPERM), "ioctl", 1,
		    &cmp)) < 0)
			return rc;
	}
	return filter_ioctl_refusals(rs->ctx, rs->r->mediated_ioctls,
	    rs->r->n_mediated_ioctls);
}

/*
 * personality: the default persona (0) and the query (0xffffffff) only.
 * libseccomp compares an argument once per rule, so "neither 0 nor
 * 0xffffffff" is written as "some bit differs from bit 0": two rules per
 * bit.  Upper-half garbage, which the kernel drops, is refused too.
 */
static int
add_persona(const struct rules *rs)
{
	const uint32_t d = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp = {
		.arg = 0, .op = SCMP_CMP_GT, .datum_a = LOW32,
	};
	uint64_t bit;
	int rc;

	if ((rc = deny(rs, d, "personality", 1, &cmp)) < 0)
		return rc;
	for (bit = 2; bit <= SIGN32; bit <<= 1) {
		cmp = filter_masked(0, bit | 1, 1);
		if ((rc = deny(rs, d, "personality", 1, &cmp)) < 0)
			return rc;
		cmp = filter_masked(0, bit | 1, bit);
		if ((rc = deny(rs, d, "personality", 1, &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * prctl(PR_SET_DUMPABLE, 0): EPERM.  fdbroker-run's broker serves a
 * call by reading the caller's memory and taking its descriptors, which
 * the kernel refuses for a process that is not dumpable unless the
 * broker may ptrace anything (root): every later request would fail.
 * ssh-agent asks, and goes on without (OpenSSH's non-strict
 * platform_disable_tracing()).  The library worker's filter is built
 * alike; its broker reads nothing, but one list serves both.
 */
static int
add_undumpable(const struct rules *rs)
{
	const struct scmp_arg_cmp cmp[] = {
		filter_masked(0, LOW32, PR_SET_DUMPABLE),
		{ .arg = 1, .op = SCMP_CMP_EQ, .datum_a = 0 },
	};

	return deny(rs, SCMP_ACT_ERRNO(EPERM), "prctl", 2, cmp);
}

/*
 * New processes and namespaces: no clone() or unshare() flag of
 * filter_clone_flags.  unshare() of CLONE_FILES, CLONE_FS or
 * CLONE_SYSVSEM stays: a thread with a table or a current directory of
 * its own is served from its own (notify-target.c).
 */
static int
add_process(const struct rules *rs)
{
	const uint64_t *f;
	struct scmp_arg_cmp fl;
	int rc;

	for (f = filter_clone_flags; *f != 0; f++) {
		fl = filter_masked(0, *f, *f);
		if ((rc = deny(rs, SCMP_ACT_ERRNO(EPERM), "clone", 1,
		    &fl)) < 0 || (rc = deny(rs, SCMP_ACT_ERRNO(EPERM),
		    "unshare", 1, &fl)) < 0)
			return rc;
	}
	return add_sched(rs);
}

/*
 * Scheduling, priority and limits of the caller itself only (pid 0):
 * another pid may be outside the sandbox, whose processes of the same
 * user the kernel lets the caller renice, pin, starve or read the limits
 * of (a lowered RLIMIT_CPU or RLIMIT_FSIZE kills); a group or a user
 * (PRIO_PGRP, PRIO_USER, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER) reaches them
 * all.  All 64 bits are compared: garbage above an int's 32 is refused
 * too.  fdbroker-run's broker does the calls on a pid of the sandbox
 * for it (notify-proc.c), so these are skipped there.
 */
static int
add_sched(const struct rules *rs)
{
	static const char *const by_pid[] = {
		"sched_setaffinity", "sched_setscheduler", "sched_setparam",
		"sched_setattr", "prlimit64", NULL,
	};
	const uint32_t d = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp = { .arg = 0, .op = SCMP_CMP_NE };
	const char *const *name;
	int rc;

	for (name = by_pid; *name != NULL; name++)
		if ((rc = deny(rs, d, *name, 1, &cmp)) < 0)
			return rc;
	/* setpriority(PRIO_PROCESS = 0, 0, ...) */
	if ((rc = deny(rs, d, "setpriority", 1, &cmp)) < 0)
		return rc;
	cmp.arg = 1;
	if ((rc = deny(rs, d, "setpriority", 1, &cmp)) < 0 ||
	    (rc = deny(rs, d, "ioprio_set", 1, &cmp)) < 0)
		return rc;
	/* ioprio_set(IOPRIO_WHO_PROCESS = 1, 0, ...) */
	cmp.arg = 0;
	cmp.datum_a = 1;
	return deny(rs, d, "ioprio_set", 1, &cmp);
}

/*
 * Signals to the broker.  Its pid and process group are known here, and
 * so are its threads of the moment (add_threads).  setpgid() may not
 * join its group, where kill(-pgid) and the terminal's signals reach it.
 * fdbroker-run's anchor (anchor.c), which leads a group of its own, is
 * kept out of reach the same way.
 */
static int
add_signals(const struct rules *rs)
{
	pid_t broker = rs->r->broker, pgid;
	int rc;

	if ((pgid = getpgid(broker)) == -1)
		return -errno;
	if ((rc = add_kill(rs, broker, pgid)) < 0 ||
	    (rc = add_threads(rs, broker)) < 0 ||
	    (rc = add_target(rs, broker, pgid)) < 0)
		return rc;
	if (rs->r->anchor > 0 && ((rc = add_target(rs, rs->r->anchor,
	    rs->r->anchor)) < 0 || (rc = add_kill(rs, rs->r->anchor,
	    rs->r->anchor)) < 0))
		return rc;
	return 0;
}

/* What names @pid, of group @pgid, by number: refused. */
static int
add_target(const struct rules *rs, pid_t pid, pid_t pgid)
{
	const uint32_t d = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp;
	int rc;

	cmp = filter_masked(0, LOW32, (uint32_t)pid);
	if ((rc = deny(rs, d, "tgkill", 1, &cmp)) < 0 ||
	    (rc = deny(rs, d, "rt_sigqueueinfo", 1, &cmp)) < 0 ||
	    (rc = deny(rs, d, "rt_tgsigqueueinfo", 1, &cmp)) < 0 ||
	    (rc = deny(rs, d, "pidfd_open", 1, &cmp)) < 0)
		return rc;
	cmp = filter_masked(1, LOW32, (uint32_t)pgid);
	if ((rc = deny(rs, d, "setpgid", 1, &cmp)) < 0)
		return rc;
	return add_owner(rs, pid, pgid);
}

/*
 * Ownership of a file (F_SETOWN) routes SIGIO and SIGURG, or with
 * F_SETSIG any signal, and lease breaks, to its owner, so the broker and
 * its group may not become one.  F_SETOWN_EX passes the owner in memory:
 * refused outright, as FIOSETOWN and SIOCSPGRP are (filter_ioctls).
 */
static int
add_owner(const struct rules *rs, pid_t broker, pid_t pgid)
{
	const uint32_t d = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp[2];
	int rc;

	cmp[0] = filter_masked(1, LOW32, F_SETOWN);
	cmp[1] = filter_masked(2, LOW32, (uint32_t)broker);
	if ((rc = deny(rs, d, "fcntl", 2, cmp)) < 0)
		return rc;
	cmp[1] = filter_masked(2, LOW32, (uint32_t)-pgid);
	if ((rc = deny(rs, d, "fcntl", 2, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, LOW32, F_SETOWN_EX);
	return deny(rs, d, "fcntl", 1, cmp);
}

/*
 * kill(pid), kill(-pgid), kill(-1) and kill(0).  The sandboxed process
 * keeps the broker's group (job control: one in a background group of
 * its own would be stopped by SIGTTIN reading the terminal, and the
 * broker would wait for it for ever), so kill(0) would reach the broker:
 * it is refused, or left to the broker (r->kill0: fdbroker-run's decides
 * on the caller's group, notify-kill.c).
 */
static int
add_kill(const struct rules *rs, pid_t pid, pid_t pgid)
{
	const uint32_t targets[] = {
		(uint32_t)pid, (uint32_t)-pgid, (uint32_t)-1, 0,
	};
	struct scmp_arg_cmp cmp;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]) -
	    (rs->r->kill0 ? 1 : 0); i++) {
		cmp = filter_masked(0, LOW32, targets[i]);
		if ((rc = deny(rs, SCMP_ACT_ERRNO(EPERM), "kill", 1, &cmp)) < 0)
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
add_threads(const struct rules *rs, pid_t broker)
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
			rc = add_thread(rs, (pid_t)tid);
		errno = 0;
	}
	if (rc == 0 && errno != 0)
		rc = -errno;
	closedir(d);
	return rc;
}

static int
add_thread(const struct rules *rs, pid_t tid)
{
	const uint32_t d = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp = filter_masked(0, LOW32, (uint32_t)tid);
	int rc;

	if ((rc = deny(rs, d, "kill", 1, &cmp)) < 0 ||
	    (rc = deny(rs, d, "rt_sigqueueinfo", 1, &cmp)) < 0)
		return rc;
	return deny(rs, d, "pidfd_open", 1, &cmp);
}
