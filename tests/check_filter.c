/* SPDX-License-Identifier: MIT */
/*
 * check_filter.c: unit tests of sandbox/filter.c, the lockdown filter
 * and the rule builder it shares with fdbroker-run's filters (whose
 * refusals are compared with the lockdown's here).
 * Each test locks down the process Check forked for it (or a child of
 * that process) and then makes raw system calls, so that what is checked
 * is the filter and not a libc wrapper.  The arguments are chosen so
 * that, should the filter let a call through, the kernel answers with
 * another errno (ENOENT, EBADF, EINVAL...) and touches nothing outside
 * the test's mkdtemp() directory.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <linux/sockios.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-run.h"
#include "fdbroker.h"
#include "filter-bpf.h"
#include "filter-notify.h"
#include "filter.h"
#include "notify-calls.h"

/* The process locks itself down: LeakSanitizer could not read /proc. */
const char *__asan_default_options(void)
    __attribute__((visibility("default")));

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* Unified numbers (SPEC: the kernel here is newer than its headers). */
#define NR_FCHMODAT2		452
#define NR_STATMOUNT		457
#define NR_LISTMOUNT		458
#define NR_SETXATTRAT		463
#define NR_GETXATTRAT		464
#define NR_LISTXATTRAT		465
#define NR_REMOVEXATTRAT	466
#define NR_OPEN_TREE_ATTR	467
#define NR_FILE_GETATTR		468
#define NR_FILE_SETATTR		469
#define NR_X32_GETPID		(0x40000000 | 39)
#define NR_I386_GETPID		20

#ifndef TIOCLINUX
#define TIOCLINUX		0x541c
#endif
#ifndef F_SETOWN_EX
#define F_SETOWN_EX		15
#endif

/*
 * Argument tokens, replaced by resolve() in the process under test.  Far
 * below any errno-like or AT_* value a call takes.
 */
enum {
	A_FILE = -100000,	/* absolute path of an existing file */
	A_MISSING,		/* absolute path under a missing directory */
	A_DIRPATH,		/* absolute path of the test directory */
	A_NAME,			/* "f", relative to A_DIR */
	A_EMPTY,		/* "" */
	A_XATTR,		/* "user.fdbroker" */
	A_FSTYPE,		/* "tmpfs" */
	A_MQ,			/* a message queue that does not exist */
	A_FD,			/* an O_RDWR descriptor of A_FILE */
	A_DIR,			/* a descriptor of the test directory */
	A_BUF,			/* a zeroed scratch buffer */
	A_BUF2,			/* another one */
	A_HOW,			/* a struct open_how for O_RDONLY */
	A_IOV,			/* a struct iovec on A_BUF */
	A_RLIM,			/* the current RLIMIT_NOFILE */
	A_SIGINFO,		/* a siginfo_t with si_code SI_QUEUE */
	A_SELF,			/* getpid() */
	A_PARENT,		/* getppid(), taken before the lockdown */
	A_NPGID,		/* -getpgid(A_PARENT) */
	A_PGID,			/* getpgid(A_PARENT) */
	A_PARENT_HI,		/* A_PARENT with garbage in bits 32-63 */
	A_THREAD,		/* a thread of A_PARENT other than the first */
	A_PARENTP,		/* pointer to an int holding A_PARENT */
	A_LAST
};

struct call {
	const char *name;
	long nr;
	long a[6];
	int err;		/* the errno expected; 0: the call succeeds */
};

struct env {
	char file[96], missing[96], dirpath[96];
	int fd, dir;
	long buf[512], buf2[512];
	struct open_how how;
	struct iovec iov;
	struct rlimit rlim;
	siginfo_t si;
	pid_t self, parent, npgid, thread;
	int parentv;
};

static void	env_ids(struct env *);

#define HI32	(1L << 32)
#define ALLOC	(CLONE_THREAD)

static char tmpdir[64];
static int thread_errno;
static int thread_pipe[2];

static const struct call path_calls[] = {
	{ "open", SYS_open, { A_FILE, O_RDONLY }, EACCES },
	{ "openat", SYS_openat, { AT_FDCWD, A_FILE, O_RDONLY }, EACCES },
	{ "openat dirfd", SYS_openat, { A_DIR, A_NAME, O_RDONLY }, EACCES },
	{ "openat2", SYS_openat2, { AT_FDCWD, A_FILE, A_HOW,
	    sizeof(struct open_how) }, EACCES },
	{ "creat", SYS_creat, { A_MISSING, 0600 }, EACCES },
	{ "stat", SYS_stat, { A_FILE, A_BUF }, EACCES },
	{ "lstat", SYS_lstat, { A_FILE, A_BUF }, EACCES },
	{ "newfstatat cwd", SYS_newfstatat, { AT_FDCWD, A_FILE, A_BUF, 0 },
	    EACCES },
	{ "newfstatat cwd empty", SYS_newfstatat, { AT_FDCWD, A_FILE, A_BUF,
	    AT_EMPTY_PATH }, EACCES },
	{ "newfstatat cwd hi", SYS_newfstatat, { AT_FDCWD & 0xffffffffL,
	    A_FILE, A_BUF, AT_EMPTY_PATH }, EACCES },
	{ "newfstatat dirfd", SYS_newfstatat, { A_DIR, A_NAME, A_BUF, 0 },
	    EACCES },
	{ "newfstatat fd no-empty", SYS_newfstatat, { A_FD, A_EMPTY, A_BUF,
	    0 }, EACCES },
	{ "statx cwd", SYS_statx, { AT_FDCWD, A_FILE, 0, 0x7ff, A_BUF },
	    EACCES },
	{ "statx cwd empty", SYS_statx, { AT_FDCWD, A_FILE, AT_EMPTY_PATH,
	    0x7ff, A_BUF }, EACCES },
	{ "statx dirfd", SYS_statx, { A_DIR, A_NAME, 0, 0x7ff, A_BUF },
	    EACCES },
	{ "access", SYS_access, { A_FILE, R_OK }, EACCES },
	{ "faccessat", SYS_faccessat, { AT_FDCWD, A_FILE, R_OK }, EACCES },
	{ "faccessat2", SYS_faccessat2, { AT_FDCWD, A_FILE, R_OK, 0 },
	    EACCES },
	{ "readlink", SYS_readlink, { A_FILE, A_BUF, 64 }, EACCES },
	{ "readlinkat", SYS_readlinkat, { AT_FDCWD, A_FILE, A_BUF, 64 },
	    EACCES },
	{ "mkdir", SYS_mkdir, { A_MISSING, 0700 }, EACCES },
	{ "mkdirat", SYS_mkdirat, { AT_FDCWD, A_MISSING, 0700 }, EACCES },
	{ "unlink", SYS_unlink, { A_MISSING }, EACCES },
	{ "unlinkat", SYS_unlinkat, { AT_FDCWD, A_MISSING, 0 }, EACCES },
	{ "rmdir", SYS_rmdir, { A_MISSING }, EACCES },
	{ "rename", SYS_rename, { A_MISSING, A_MISSING }, EACCES },
	{ "renameat", SYS_renameat, { AT_FDCWD, A_MISSING, AT_FDCWD,
	    A_MISSING }, EACCES },
	{ "renameat2", SYS_renameat2, { AT_FDCWD, A_MISSING, AT_FDCWD,
	    A_MISSING, 0 }, EACCES },
	{ "link", SYS_link, { A_FILE, A_MISSING }, EACCES },
	{ "linkat", SYS_linkat, { AT_FDCWD, A_FILE, AT_FDCWD, A_MISSING, 0 },
	    EACCES },
	{ "linkat fd empty", SYS_linkat, { A_FD, A_EMPTY, AT_FDCWD,
	    A_MISSING, AT_EMPTY_PATH }, EACCES },
	{ "symlink", SYS_symlink, { A_FILE, A_MISSING }, EACCES },
	{ "symlinkat", SYS_symlinkat, { A_FILE, AT_FDCWD, A_MISSING },
	    EACCES },
	{ "mknod", SYS_mknod, { A_MISSING, S_IFIFO | 0600, 0 }, EACCES },
	{ "mknodat", SYS_mknodat, { AT_FDCWD, A_MISSING, S_IFIFO | 0600, 0 },
	    EACCES },
	{ "chmod", SYS_chmod, { A_FILE, 0600 }, EACCES },
	{ "fchmodat", SYS_fchmodat, { AT_FDCWD, A_FILE, 0600 }, EACCES },
	{ "fchmodat2", NR_FCHMODAT2, { AT_FDCWD, A_FILE, 0600, 0 }, EACCES },
	{ "chown", SYS_chown, { A_FILE, -1, -1 }, EACCES },
	{ "lchown", SYS_lchown, { A_FILE, -1, -1 }, EACCES },
	{ "fchownat", SYS_fchownat, { AT_FDCWD, A_FILE, -1, -1, 0 }, EACCES },
	{ "fchownat fd empty", SYS_fchownat, { A_FD, A_EMPTY, -1, -1,
	    AT_EMPTY_PATH }, EACCES },
	{ "truncate", SYS_truncate, { A_FILE, 5 }, EACCES },
	{ "utime", SYS_utime, { A_FILE, 0 }, EACCES },
	{ "utimes", SYS_utimes, { A_FILE, 0 }, EACCES },
	{ "futimesat", SYS_futimesat, { AT_FDCWD, A_FILE, 0 }, EACCES },
	{ "utimensat cwd", SYS_utimensat, { AT_FDCWD, A_FILE, 0, 0 },
	    EACCES },
	{ "utimensat dirfd", SYS_utimensat, { A_DIR, A_NAME, 0, 0 }, EACCES },
	{ "utimensat cwd null", SYS_utimensat, { AT_FDCWD, 0, 0,
	    AT_EMPTY_PATH }, EACCES },
	{ "chdir", SYS_chdir, { A_DIRPATH }, EACCES },
	{ "chroot", SYS_chroot, { A_MISSING }, EACCES },
	{ "execve", SYS_execve, { A_MISSING, 0, 0 }, EACCES },
	{ "execveat", SYS_execveat, { AT_FDCWD, A_MISSING, 0, 0, 0 }, EACCES },
	{ "uselib", SYS_uselib, { A_MISSING }, EACCES },
	{ "acct", SYS_acct, { A_MISSING }, EACCES },
	{ "swapon", SYS_swapon, { A_MISSING, 0 }, EACCES },
	{ "swapoff", SYS_swapoff, { A_MISSING }, EACCES },
	{ "statfs", SYS_statfs, { A_FILE, A_BUF }, EACCES },
	{ "quotactl", SYS_quotactl, { 0, A_MISSING, 0, A_BUF }, EACCES },
	{ "getxattr", SYS_getxattr, { A_FILE, A_XATTR, A_BUF, 64 }, EACCES },
	{ "lgetxattr", SYS_lgetxattr, { A_FILE, A_XATTR, A_BUF, 64 }, EACCES },
	{ "setxattr", SYS_setxattr, { A_FILE, A_XATTR, A_BUF, 1, 0 },
	    EACCES },
	{ "lsetxattr", SYS_lsetxattr, { A_FILE, A_XATTR, A_BUF, 1, 0 },
	    EACCES },
	{ "listxattr", SYS_listxattr, { A_FILE, A_BUF, 64 }, EACCES },
	{ "llistxattr", SYS_llistxattr, { A_FILE, A_BUF, 64 }, EACCES },
	{ "removexattr", SYS_removexattr, { A_FILE, A_XATTR }, EACCES },
	{ "lremovexattr", SYS_lremovexattr, { A_FILE, A_XATTR }, EACCES },
	{ "inotify_add_watch", SYS_inotify_add_watch, { -1, A_FILE, 0xfff },
	    EACCES },
	{ "fanotify_mark", SYS_fanotify_mark, { -1, 1, 0x20, AT_FDCWD,
	    A_FILE }, EACCES },
	{ "name_to_handle_at", SYS_name_to_handle_at, { AT_FDCWD, A_FILE,
	    A_BUF, A_BUF2, 0 }, EACCES },
	{ "open_by_handle_at", SYS_open_by_handle_at, { A_DIR, A_BUF,
	    O_RDONLY }, EACCES },
	{ "mount", SYS_mount, { 0, A_MISSING, 0, 0, 0 }, EACCES },
	{ "umount2", SYS_umount2, { A_MISSING, 0 }, EACCES },
	{ "pivot_root", SYS_pivot_root, { A_MISSING, A_MISSING }, EACCES },
	{ "open_tree", SYS_open_tree, { AT_FDCWD, A_FILE, 0 }, EACCES },
	{ "move_mount", SYS_move_mount, { -1, A_EMPTY, -1, A_EMPTY, 0 },
	    EACCES },
	{ "fsopen", SYS_fsopen, { A_FSTYPE, 0 }, EACCES },
	{ "fsconfig", SYS_fsconfig, { -1, 0, 0, 0, 0 }, EACCES },
	{ "fsmount", SYS_fsmount, { -1, 0, 0 }, EACCES },
	{ "fspick", SYS_fspick, { AT_FDCWD, A_FILE, 0 }, EACCES },
	{ "mount_setattr", SYS_mount_setattr, { -1, A_EMPTY, 0, 0, 0 },
	    EACCES },
	{ "mq_open", SYS_mq_open, { A_MQ, O_RDONLY, 0, 0 }, EACCES },
	{ "mq_unlink", SYS_mq_unlink, { A_MQ }, EACCES },
	{ "setxattrat", NR_SETXATTRAT, { AT_FDCWD, A_FILE, 0, A_XATTR,
	    A_BUF, 32 }, EACCES },
	{ "getxattrat", NR_GETXATTRAT, { AT_FDCWD, A_FILE, 0, A_XATTR,
	    A_BUF, 32 }, EACCES },
	{ "listxattrat", NR_LISTXATTRAT, { AT_FDCWD, A_FILE, 0, A_BUF, 64 },
	    EACCES },
	{ "removexattrat", NR_REMOVEXATTRAT, { AT_FDCWD, A_FILE, 0,
	    A_XATTR }, EACCES },
	{ "open_tree_attr", NR_OPEN_TREE_ATTR, { AT_FDCWD, A_FILE, 0, 0, 0 },
	    EACCES },
	{ "file_getattr", NR_FILE_GETATTR, { AT_FDCWD, A_FILE, A_BUF, 32, 0 },
	    EACCES },
	{ "file_setattr", NR_FILE_SETATTR, { AT_FDCWD, A_FILE, A_BUF, 32, 0 },
	    EACCES },
};

static const struct call refused_calls[] = {
	{ "ptrace", SYS_ptrace, { 3 /* PEEKUSER */, A_PARENT, 0, 0 }, EPERM },
	{ "process_vm_readv", SYS_process_vm_readv, { A_PARENT, A_IOV, 1,
	    A_IOV, 1, 0 }, EPERM },
	{ "process_vm_writev", SYS_process_vm_writev, { A_PARENT, 0, 0, 0, 0,
	    0 }, EPERM },
	{ "process_madvise", SYS_process_madvise, { -1, 0, 0, 0, 0 }, EPERM },
	{ "io_uring_setup", SYS_io_uring_setup, { 0, 0 }, EPERM },
	{ "io_uring_enter", SYS_io_uring_enter, { -1, 0, 0, 0, 0, 0 }, EPERM },
	{ "io_uring_register", SYS_io_uring_register, { -1, 0, 0, 0 }, EPERM },
	{ "bpf", SYS_bpf, { -1, 0, 0 }, EPERM },
	{ "userfaultfd", SYS_userfaultfd, { 0xffffffff }, EPERM },
	{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, 0 },
	    EPERM },
	{ "kexec_load", SYS_kexec_load, { 0, 0, 0, 0xdead0000 }, EPERM },
	{ "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 0,
	    0xdead0000 }, EPERM },
	{ "reboot", SYS_reboot, { 0, 0, 0, 0 }, EPERM },
	{ "iopl", SYS_iopl, { 0 }, EPERM },
	{ "ioperm", SYS_ioperm, { 0, 0, 0 }, EPERM },
	{ "init_module", SYS_init_module, { 0, 0, A_EMPTY }, EPERM },
	{ "finit_module", SYS_finit_module, { -1, A_EMPTY, 0 }, EPERM },
	{ "delete_module", SYS_delete_module, { A_MQ, O_NONBLOCK }, EPERM },
	{ "add_key", SYS_add_key, { 0, 0, 0, 0, 0 }, EPERM },
	{ "request_key", SYS_request_key, { 0, 0, 0, 0 }, EPERM },
	{ "keyctl", SYS_keyctl, { -1, 0, 0, 0, 0 }, EPERM },
	{ "socket unix", SYS_socket, { AF_UNIX, SOCK_STREAM, 0 }, EPERM },
	{ "socket inet", SYS_socket, { AF_INET, SOCK_DGRAM, 0 }, EPERM },
	/* A namespace: refused; a table of one's own (CLONE_FILES): not. */
	{ "unshare newns", SYS_unshare, { CLONE_NEWNS }, EPERM },
	{ "unshare newuser", SYS_unshare, { CLONE_NEWUSER }, EPERM },
	{ "setns", SYS_setns, { -1, 0 }, EPERM },
	{ "kcmp", SYS_kcmp, { A_SELF, A_SELF, KCMP_FILE, 0, 0 }, EPERM },
	{ "pidfd_getfd", SYS_pidfd_getfd, { -1, 0, 0 }, EPERM },
	{ "statmount", NR_STATMOUNT, { 0, 0, 0, 0 }, EPERM },
	{ "listmount", NR_LISTMOUNT, { 0, 0, 0, 0 }, EPERM },
	{ "clone newns", SYS_clone, { CLONE_NEWNS | ALLOC }, EPERM },
	{ "clone newcgroup", SYS_clone, { CLONE_NEWCGROUP | ALLOC }, EPERM },
	{ "clone newuts", SYS_clone, { CLONE_NEWUTS | ALLOC }, EPERM },
	{ "clone newipc", SYS_clone, { CLONE_NEWIPC | ALLOC }, EPERM },
	{ "clone newuser", SYS_clone, { CLONE_NEWUSER | ALLOC }, EPERM },
	{ "clone newpid", SYS_clone, { CLONE_NEWPID | ALLOC }, EPERM },
	{ "clone newnet", SYS_clone, { CLONE_NEWNET | ALLOC }, EPERM },
	{ "clone parent", SYS_clone, { CLONE_PARENT | ALLOC }, EPERM },
	{ "clone3", SYS_clone3, { 0, 0 }, ENOSYS },
	{ "personality linux32", SYS_personality, { 0x0008 }, EPERM },
	{ "personality exec", SYS_personality, { 0x0400000 }, EPERM },
	{ "personality high", SYS_personality, { 0x80000000L }, EPERM },
	{ "personality hi32", SYS_personality, { HI32 }, EPERM },
	{ "ioctl tiocsti", SYS_ioctl, { -1, TIOCSTI, A_BUF }, EPERM },
	{ "ioctl tiocsti hi32", SYS_ioctl, { -1, HI32 | TIOCSTI, A_BUF },
	    EPERM },
	{ "ioctl tioclinux", SYS_ioctl, { -1, TIOCLINUX, A_BUF }, EPERM },
	{ "ioctl tiocspgrp", SYS_ioctl, { -1, TIOCSPGRP, A_BUF }, EPERM },
	/* Refused whatever the pid: seccomp cannot read it (filter.c). */
	{ "ioctl fiosetown", SYS_ioctl, { A_FD, FIOSETOWN, A_PARENTP },
	    EPERM },
	{ "ioctl siocspgrp", SYS_ioctl, { A_FD, SIOCSPGRP, A_PARENTP },
	    EPERM },
	{ "settimeofday", SYS_settimeofday, { 0, 0 }, EPERM },
	{ "adjtimex", SYS_adjtimex, { A_BUF }, EPERM },
	{ "syslog", SYS_syslog, { 10 /* SIZE_BUFFER */, 0, 0 }, EPERM },
	{ "fsetxattr", SYS_fsetxattr, { A_FD, A_XATTR, A_BUF, 1, 0 },
	    EACCES },
	{ "clone newtime", SYS_clone, { CLONE_NEWTIME | ALLOC }, EPERM },
	{ "prlimit64 other", SYS_prlimit64, { A_PARENT, RLIMIT_NOFILE,
	    A_RLIM, 0 }, EPERM },
	{ "prlimit64 read other", SYS_prlimit64, { A_PARENT, RLIMIT_NOFILE, 0,
	    A_BUF }, EPERM },
	{ "setpriority other", SYS_setpriority, { PRIO_PROCESS, A_PARENT, 0 },
	    EPERM },
	{ "setpriority own group", SYS_setpriority, { PRIO_PGRP, 0, 0 },
	    EPERM },
	{ "setpriority user", SYS_setpriority, { PRIO_USER, -1, 0 }, EPERM },
	{ "sched_setaffinity other", SYS_sched_setaffinity, { A_PARENT, 0, 0 },
	    EPERM },
	{ "sched_setscheduler other", SYS_sched_setscheduler, { A_PARENT, -1,
	    0 }, EPERM },
	{ "sched_setparam other", SYS_sched_setparam, { A_PARENT, 0 }, EPERM },
	{ "sched_setattr other", SYS_sched_setattr, { A_PARENT, 0, 0 },
	    EPERM },
	{ "ioprio_set other", SYS_ioprio_set, { 1, A_PARENT, -1 }, EPERM },
	{ "ioprio_set user", SYS_ioprio_set, { 3, -1, -1 }, EPERM },
	/*
	 * Through a descriptor, whatever it was opened for (no broker
	 * checks it in a worker): no owner, mode or times change (SPEC
	 * §3), no bind() of a name.
	 */
	{ "fchown", SYS_fchown, { A_FD, -1, -1 }, EPERM },
	{ "fchmod setuid", SYS_fchmod, { A_FD, 04755 }, EPERM },
	{ "fchmod setgid", SYS_fchmod, { A_FD, 02755 }, EPERM },
	{ "fchmod", SYS_fchmod, { A_FD, 0600 }, EPERM },
	{ "utimensat fd null", SYS_utimensat, { A_FD, 0, 0, 0 }, EPERM },
	{ "bind", SYS_bind, { A_FD, 0, 0 }, EPERM },
};

/* What a worker does with what it holds; all of it must keep working. */
static const struct call allowed_calls[] = {
	{ "fstat", SYS_fstat, { A_FD, A_BUF }, 0 },
	{ "newfstatat fd empty", SYS_newfstatat, { A_FD, A_EMPTY, A_BUF,
	    AT_EMPTY_PATH }, 0 },
	{ "statx fd empty", SYS_statx, { A_FD, A_EMPTY, AT_EMPTY_PATH, 0x7ff,
	    A_BUF }, 0 },
	{ "ftruncate", SYS_ftruncate, { A_FD, 5 }, 0 },
	{ "fstatfs", SYS_fstatfs, { A_FD, A_BUF }, 0 },
	{ "fchdir", SYS_fchdir, { A_DIR }, 0 },
	{ "getdents64", SYS_getdents64, { A_DIR, A_BUF, sizeof(long) * 512 },
	    0 },
	{ "read", SYS_read, { A_FD, A_BUF, 1 }, 0 },
	{ "socketpair", SYS_socketpair, { AF_UNIX, SOCK_SEQPACKET, 0, A_BUF },
	    0 },
	{ "pipe2", SYS_pipe2, { A_BUF, O_CLOEXEC }, 0 },
	{ "memfd_create", SYS_memfd_create, { A_XATTR, 1 }, 0 },
	{ "personality 0", SYS_personality, { 0 }, 0 },
	{ "personality query", SYS_personality, { 0xffffffffL }, 0 },
	{ "prlimit64 self", SYS_prlimit64, { 0, RLIMIT_NOFILE, A_RLIM, 0 },
	    0 },
	{ "ioprio_set self", SYS_ioprio_set, { 1, 0, (2 << 13) | 4 }, 0 },
	{ "ioctl fionread", SYS_ioctl, { A_FD, FIONREAD, A_BUF }, 0 },
	{ "kill self", SYS_kill, { A_SELF, 0 }, 0 },
	{ "fcntl setown self", SYS_fcntl, { A_FD, F_SETOWN, A_SELF }, 0 },
	{ "prctl", SYS_prctl, { PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0 }, 0 },
	{ "seccomp", SYS_seccomp, { SECCOMP_GET_ACTION_AVAIL, 0, A_BUF }, 0 },
	{ "pidfd_open self", SYS_pidfd_open, { A_SELF, 0 }, 0 },
};

/* Signals from a process locked down with filter_lockdown(parent). */
static const struct call signal_refused[] = {
	{ "kill broker", SYS_kill, { A_PARENT, 0 }, EPERM },
	{ "kill broker hi32", SYS_kill, { A_PARENT_HI, 0 }, EPERM },
	{ "kill broker group", SYS_kill, { A_NPGID, 0 }, EPERM },
	{ "kill all", SYS_kill, { -1, 0 }, EPERM },
	{ "kill own group", SYS_kill, { 0, 0 }, EPERM },
	{ "tgkill", SYS_tgkill, { A_PARENT, A_PARENT, 0 }, EPERM },
	{ "tkill", SYS_tkill, { A_PARENT, 0 }, EPERM },
	{ "rt_sigqueueinfo", SYS_rt_sigqueueinfo, { A_PARENT, 0, A_SIGINFO },
	    EPERM },
	{ "rt_tgsigqueueinfo", SYS_rt_tgsigqueueinfo, { A_PARENT, A_PARENT,
	    0, A_SIGINFO }, EPERM },
	{ "pidfd_open", SYS_pidfd_open, { A_PARENT, 0 }, EPERM },
	{ "kill thread", SYS_kill, { A_THREAD, 0 }, EPERM },
	{ "rt_sigqueueinfo thread", SYS_rt_sigqueueinfo, { A_THREAD, 0,
	    A_SIGINFO }, EPERM },
	{ "pidfd_open thread", SYS_pidfd_open, { A_THREAD, O_EXCL }, EPERM },
	{ "setpgid", SYS_setpgid, { 0, A_PGID }, EPERM },
	{ "fcntl setown", SYS_fcntl, { A_FD, F_SETOWN, A_PARENT }, EPERM },
	{ "fcntl setown group", SYS_fcntl, { A_FD, F_SETOWN, A_NPGID },
	    EPERM },
	{ "fcntl setown_ex", SYS_fcntl, { A_FD, F_SETOWN_EX, A_BUF }, EPERM },
	{ "ioctl fiosetown", SYS_ioctl, { A_FD, FIOSETOWN, A_PARENTP },
	    EPERM },
	{ "ioctl siocspgrp", SYS_ioctl, { A_FD, SIOCSPGRP, A_PARENTP },
	    EPERM },
};

static const struct call signal_allowed[] = {
	{ "kill self", SYS_kill, { A_SELF, 0 }, 0 },
	{ "tgkill self", SYS_tgkill, { A_SELF, A_SELF, 0 }, 0 },
	{ "rt_sigqueueinfo self", SYS_rt_sigqueueinfo, { A_SELF, 0,
	    A_SIGINFO }, 0 },
	{ "pidfd_open self", SYS_pidfd_open, { A_SELF, 0 }, 0 },
	{ "fcntl setown self", SYS_fcntl, { A_FD, F_SETOWN, A_SELF }, 0 },
	{ "ioctl fionread", SYS_ioctl, { A_FD, FIONREAD, A_BUF }, 0 },
	{ "setpgid own", SYS_setpgid, { 0, 0 }, 0 },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
dir_setup(void)
{
	char path[96];
	int fd;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_filter.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/f", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "data\n", 5), 5);
	close(fd);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
dir_teardown(void)
{
	nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Everything the calls refer to, set up before the lockdown. */
static void
env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->file, sizeof(e->file), "%s/f", tmpdir);
	/* Under a directory that does not exist: nothing can create it. */
	snprintf(e->missing, sizeof(e->missing), "%s/none/missing", tmpdir);
	snprintf(e->dirpath, sizeof(e->dirpath), "%s", tmpdir);
	e->fd = open(e->file, O_RDWR | O_CLOEXEC);
	e->dir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(e->fd, 0);
	ck_assert_int_ge(e->dir, 0);
	e->how.flags = O_RDONLY;
	e->iov.iov_base = e->buf;
	e->iov.iov_len = 8;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &e->rlim), 0);
	e->si.si_code = SI_QUEUE;
	e->si.si_uid = getuid();
	env_ids(e);
}

/* The ids, taken again in a child that is to lock itself down. */
static void
env_ids(struct env *e)
{
	e->si.si_pid = getpid();
	e->self = getpid();
	e->parent = e->parentv = getppid();
	e->npgid = -getpgid(e->parent);
}

static long
resolve(struct env *e, long a)
{
	switch (a) {
	case A_FILE:	return (long)e->file;
	case A_MISSING:	return (long)e->missing;
	case A_DIRPATH:	return (long)e->dirpath;
	case A_NAME:	return (long)"f";
	case A_EMPTY:	return (long)"";
	case A_XATTR:	return (long)"user.fdbroker";
	case A_FSTYPE:	return (long)"tmpfs";
	case A_MQ:	return (long)"fdbroker_check_none";
	case A_FD:	return e->fd;
	case A_DIR:	return e->dir;
	case A_BUF:	return (long)e->buf;
	case A_BUF2:	return (long)e->buf2;
	case A_HOW:	return (long)&e->how;
	case A_IOV:	return (long)&e->iov;
	case A_RLIM:	return (long)&e->rlim;
	case A_SIGINFO:	return (long)&e->si;
	case A_SELF:	return e->self;
	case A_PARENT:	return e->parent;
	case A_NPGID:	return e->npgid;
	case A_PGID:	return -e->npgid;
	case A_PARENT_HI: return HI32 | e->parent;
	case A_THREAD:	return e->thread;
	case A_PARENTP:	return (long)&e->parentv;
	default:	return a;
	}
}

/* Returns 0 when @c behaves as expected, else a line for the failure. */
static int
try_call(struct env *e, const struct call *c, char *msg, size_t len)
{
	long a[6], r;
	size_t i;

	for (i = 0; i < 6; i++)
		a[i] = resolve(e, c->a[i]);
	errno = 0;
	r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (c->err == 0 ? r >= 0 : r == -1 && errno == c->err)
		return 0;
	snprintf(msg, len, "%s: returned %ld, errno %d (%s), expected %d",
	    c->name, r, errno, strerror(errno), c->err);
	return -1;
}

static void
check_locked(const struct call *c)
{
	struct env e;
	char msg[160];

	env_init(&e);
	ck_assert_int_eq(filter_lockdown(0), 0);
	if (try_call(&e, c, msg, sizeof(msg)) == -1)
		ck_abort_msg("%s", msg);
}

START_TEST(test_filter_lockdown_path_refused)
{
	check_locked(&path_calls[_i]);
}
END_TEST

START_TEST(test_filter_lockdown_refused)
{
	check_locked(&refused_calls[_i]);
}
END_TEST

START_TEST(test_filter_lockdown_allowed)
{
	check_locked(&allowed_calls[_i]);
}
END_TEST

static void *
thread_tid(void *arg)
{
	char c;

	__atomic_store_n((pid_t *)arg, gettid(), __ATOMIC_RELEASE);
	if (read(thread_pipe[0], &c, 1) != 1) {
		/* The pipe is gone: so is the test that waited on us. */
	}
	return NULL;
}

/*
 * The signal rules need a broker distinct from the caller: the test
 * process is the broker, with a second thread, and a child locks itself
 * down against it.
 */
static void
check_signal(const struct call *c)
{
	struct env e;
	char msg[160];
	pthread_t t;
	int st;
	pid_t pid;

	env_init(&e);
	e.thread = 0;
	ck_assert_int_eq(pipe2(thread_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, thread_tid, &e.thread), 0);
	while (__atomic_load_n(&e.thread, __ATOMIC_ACQUIRE) == 0)
		sched_yield();
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		env_ids(&e);
		if (filter_lockdown(e.parent) == -1)
			_exit(2);
		if (try_call(&e, c, msg, sizeof(msg)) == -1) {
			fprintf(stderr, "%s\n", msg);
			_exit(1);
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(write(thread_pipe[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "%s: wait status %#x", c->name, st);
}

START_TEST(test_filter_lockdown_signal_refused)
{
	check_signal(&signal_refused[_i]);
}
END_TEST

START_TEST(test_filter_lockdown_signal_allowed)
{
	check_signal(&signal_allowed[_i]);
}
END_TEST

START_TEST(test_filter_lockdown_valid)
{
	int fd;

	ck_assert_int_eq(filter_lockdown(0), 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	ck_assert_int_eq(prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 2);
	fd = open("/", O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_filter_lockdown_invalid)
{
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);

	errno = 0;
	ck_assert_int_eq(filter_lockdown(-1), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Nothing was installed. */
	ck_assert_int_eq(prctl(PR_GET_SECCOMP, 0, 0, 0, 0), mode);
	ck_assert_int_ge(open("/", O_RDONLY | O_CLOEXEC), 0);
}
END_TEST

START_TEST(test_filter_fdb_lockdown_valid)
{
	struct stat st;
	char c;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fdb_lockdown(), 0);
	/* What was open stays usable, through glibc's own wrappers. */
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	errno = 0;
	ck_assert_int_eq(open("/proc/self/status", O_RDONLY), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_ptr_null(fopen("/etc/passwd", "r"));
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(stat("/", &st), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_filter_fdb_lockdown_twice)
{
	/* A second filter only tightens; seccomp() must stay allowed. */
	ck_assert_int_eq(fdb_lockdown(), 0);
	ck_assert_int_eq(fdb_lockdown(), 0);
	ck_assert_int_eq(open("/", O_RDONLY), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST


static void *
thread_open(void *arg)
{
	char c;

	(void)arg;
	if (read(thread_pipe[0], &c, 1) != 1)
		return NULL;
	thread_errno = open("/", O_RDONLY) == -1 ? errno : 0;
	return NULL;
}

/* TSYNC: a thread started before the lockdown is confined too. */
START_TEST(test_filter_lockdown_threads)
{
	pthread_t t;

	ck_assert_int_eq(pipe2(thread_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, thread_open, NULL), 0);
	ck_assert_int_eq(filter_lockdown(0), 0);
	ck_assert_int_eq(write(thread_pipe[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(thread_errno, EACCES);
}
END_TEST

/* clone3 fails with ENOSYS: glibc must fall back for threads and fork. */
START_TEST(test_filter_lockdown_new_processes)
{
	pthread_t t;
	pid_t pid;
	int st;

	ck_assert_int_eq(filter_lockdown(0), 0);
	ck_assert_int_eq(pipe2(thread_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, thread_open, NULL), 0);
	ck_assert_int_eq(write(thread_pipe[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(thread_errno, EACCES);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(open("/", O_RDONLY) == -1 && errno == EACCES ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* An x32 system call kills the process (libseccomp's x32 check). */
START_TEST(test_filter_lockdown_x32_killed)
{
	ck_assert_int_eq(filter_lockdown(0), 0);
	syscall(NR_X32_GETPID);
	ck_abort_msg("x32 system call returned");
}
END_TEST

/* The pair: unconfined, x32 answers (or ENOSYS) and kills nothing. */
START_TEST(test_filter_lockdown_x32_unconfined)
{
	long r;

	r = syscall(NR_X32_GETPID);
	ck_assert(r == getpid() || (r == -1 && errno == ENOSYS));
}
END_TEST

static int
i386_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(NR_I386_GETPID)
	    : "memory");
	return (int)r;
}

/* The wait status of a child that makes an i386 call, confined or not. */
static int
i386_status(int confine)
{
	pid_t pid;
	int st;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		/* Sanitizers catch SIGSEGV; the default action is tested. */
		signal(SIGSEGV, SIG_DFL);
		if (confine && filter_lockdown(0) == -1)
			_exit(2);
		_exit(i386_getpid() == getpid() ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

/*
 * int $0x80 must never run a system call: SIGSYS from the filter, or,
 * on a kernel built or booted without IA32 emulation, the SIGSEGV the
 * kernel itself raises (then the filter is never asked).
 */
START_TEST(test_filter_lockdown_i386_killed)
{
	int native = i386_status(0), st = i386_status(1);

	ck_assert(WIFSIGNALED(st));
	if (WIFEXITED(native) && WEXITSTATUS(native) == 0)
		ck_assert_int_eq(WTERMSIG(st), SIGSYS);
	else
		ck_assert(WTERMSIG(st) == SIGSYS || WTERMSIG(st) == SIGSEGV);
}
END_TEST

/* --- both filters refuse the same things ----------------------------- */

/*
 * The worker's lockdown and fdbroker-run's filters are built by one
 * builder (filter.c) and must refuse the same things: these tests run
 * each call under both, with the test process as the broker.  The table
 * is made from filter.c's shared lists, so that a refusal added there is
 * tested here for both filters without a new line; only the rules that
 * take a broker's pid, a thread of it or a pointer are written out
 * (compare_args).  A call fdbroker-run mediates is left out: its broker
 * decides it.  Numbers above the late list are left out too: an unknown
 * call's ENOSYS cannot tell the filter from the kernel.
 *
 * How a refusal is told from the kernel's own answer (EPERM for want of
 * a capability, say): each confined child stacks a witness filter that
 * returns SECCOMP_RET_TRACE for the call under test.  TRACE ranks below
 * ERRNO, so a refusal still fails with its errno; a call the filter lets
 * through meets TRACE instead and, with no tracer, fails with ENOSYS
 * without running.  Where the filter's own answer is ENOSYS (clone3,
 * or fdbroker-run's allowlist default), the call is made again without
 * the witness and unconfined: refused means ENOSYS confined, something
 * else unconfined.  The arguments are all -1 (invalid pointers,
 * descriptors and flags) or signal 0, so that even that run is harmless.
 */
#define COMPARE_MAX	256

enum confine { CONFINE_NONE, CONFINE_WORKER, CONFINE_RUN };

struct compare_case {
	struct call c;
	char name[48];
	int detach;		/* setsid() first: vhangup() finds no tty */
};

struct outcome {
	long r;
	int err;
	int killed;		/* by SIGSYS: refused too */
};

static struct compare_case compare[COMPARE_MAX];
static size_t n_compare;

static const struct call compare_args[] = {
	{ "kill broker", SYS_kill, { A_PARENT, 0 }, 0 },
	{ "kill broker hi32", SYS_kill, { A_PARENT_HI, 0 }, 0 },
	{ "kill broker group", SYS_kill, { A_NPGID, 0 }, 0 },
	{ "kill all", SYS_kill, { -1, 0 }, 0 },
	{ "kill own group", SYS_kill, { 0, 0 }, 0 },
	{ "kill broker thread", SYS_kill, { A_THREAD, 0 }, 0 },
	{ "tgkill broker", SYS_tgkill, { A_PARENT, A_PARENT, 0 }, 0 },
	{ "tkill broker", SYS_tkill, { A_PARENT, 0 }, 0 },
	{ "rt_sigqueueinfo broker", SYS_rt_sigqueueinfo, { A_PARENT, 0,
	    A_SIGINFO }, 0 },
	{ "rt_sigqueueinfo thread", SYS_rt_sigqueueinfo, { A_THREAD, 0,
	    A_SIGINFO }, 0 },
	{ "rt_tgsigqueueinfo broker", SYS_rt_tgsigqueueinfo, { A_PARENT,
	    A_PARENT, 0, A_SIGINFO }, 0 },
	{ "pidfd_open broker", SYS_pidfd_open, { A_PARENT, 0 }, 0 },
	{ "pidfd_open thread", SYS_pidfd_open, { A_THREAD, O_EXCL }, 0 },
	{ "setpgid broker group", SYS_setpgid, { 0, A_PGID }, 0 },
	{ "fcntl setown broker", SYS_fcntl, { A_FD, F_SETOWN, A_PARENT }, 0 },
	{ "fcntl setown broker hi32", SYS_fcntl, { A_FD, F_SETOWN,
	    A_PARENT_HI }, 0 },
	{ "fcntl setown broker group", SYS_fcntl, { A_FD, F_SETOWN, A_NPGID },
	    0 },
	{ "fcntl setown_ex", SYS_fcntl, { A_FD, F_SETOWN_EX, A_BUF }, 0 },
	{ "ioctl fiosetown broker", SYS_ioctl, { A_FD, FIOSETOWN, A_PARENTP },
	    0 },
	{ "ioctl siocspgrp broker", SYS_ioctl, { A_FD, SIOCSPGRP, A_PARENTP },
	    0 },
	{ "prlimit64 broker", SYS_prlimit64, { A_PARENT, RLIMIT_NOFILE,
	    A_RLIM, 0 }, 0 },
	/*
	 * fdbroker-run sends these to its broker, which is not served
	 * here: the call fails with ENOSYS, as a refusal by the allowlist.
	 */
	{ "prlimit64 read broker", SYS_prlimit64, { A_PARENT, RLIMIT_NOFILE,
	    0, A_BUF }, 0 },
	{ "setpriority broker", SYS_setpriority, { PRIO_PROCESS, A_PARENT, 0 },
	    0 },
	{ "sched_setaffinity broker", SYS_sched_setaffinity, { A_PARENT, 0,
	    0 }, 0 },
	{ "setpriority user", SYS_setpriority, { PRIO_USER, -1, 0 }, 0 },
	{ "ioprio_set user", SYS_ioprio_set, { 3, -1, -1 }, 0 },
	{ "personality linux32", SYS_personality, { 0x0008 }, 0 },
	{ "unshare newuser", SYS_unshare, { CLONE_NEWUSER }, 0 },
};

/*
 * What both let through: the witness must see these, or it proves
 * nothing.  kill(self) and F_SETOWN(self) go to fdbroker-run's broker,
 * which is not served here (tests/notify-probe "refused" and "own").
 */
static const struct call compare_allowed[] = {
	{ "fcntl getfl", SYS_fcntl, { A_FD, F_GETFL, 0 }, 0 },
	{ "ioctl fionread", SYS_ioctl, { A_FD, FIONREAD, A_BUF }, 0 },
	{ "setpgid own", SYS_setpgid, { 0, 0 }, 0 },
	{ "clone thread", SYS_clone, { ALLOC }, 0 },
	{ "ioprio_set self", SYS_ioprio_set, { 1, 0, (2 << 13) | 4 }, 0 },
};

static void
compare_add(const char *name, long nr, const long *a, int detach)
{
	struct compare_case *k;
	int i;

	/* Before the suite runs, so no ck_assert: main() checks the count. */
	if (n_compare >= COMPARE_MAX) {
		n_compare = COMPARE_MAX + 1;
		return;
	}
	k = &compare[n_compare++];
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->c.name = k->name;
	k->c.nr = nr;
	for (i = 0; i < 6; i++)
		k->c.a[i] = a != NULL ? a[i] : -1;
	k->detach = detach;
}

/* Left out: a call this ABI lacks, or one fdbroker-run mediates. */
static int
compare_skip(int nr, const int *nrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (nrs[i] == nr)
			return 1;
	return nr < 0;
}

/* The whole calls of filter.c's lists, with every argument -1. */
static void
compare_add_names(const char *const *names, const int *nrs, size_t n)
{
	int nr;

	for (; *names != NULL; names++) {
		nr = seccomp_syscall_resolve_name(*names);
		if (!compare_skip(nr, nrs, n))
			compare_add(*names, nr, NULL, 1);
	}
}

static void
compare_build(void)
{
	const struct filter_late_call *lc;
	const unsigned long *req;
	const uint64_t *fl;
	const int *nrs;
	char name[48];
	size_t i, n;
	long a[6];
	int nr;

	nrs = notify_calls_numbers(&n);
	compare_add_names(filter_path_calls, nrs, n);
	compare_add_names(filter_xattr_calls, nrs, n);
	compare_add_names(filter_refused_calls, nrs, n);
	compare_add("clone3", SYS_clone3, NULL, 1);
	for (lc = filter_late_calls; lc->name != NULL; lc++) {
		if ((nr = seccomp_syscall_resolve_name(lc->name)) < 0)
			nr = lc->nr;
		if (lc->kind != FILTER_LATE_ALLOWED &&
		    !compare_skip(nr, nrs, n))
			compare_add(lc->name, nr, NULL, 1);
	}
	for (req = filter_ioctls; *req != 0; req++) {
		snprintf(name, sizeof(name), "ioctl %#lx", *req);
		memcpy(a, (long[6]){ -1, (long)*req, A_PARENTP }, sizeof(a));
		compare_add(name, SYS_ioctl, a, 1);
	}
	for (fl = filter_clone_flags; *fl != 0; fl++) {
		snprintf(name, sizeof(name), "clone %#lx", (unsigned long)*fl);
		memcpy(a, (long[6]){ (long)(*fl | ALLOC) }, sizeof(a));
		compare_add(name, SYS_clone, a, 1);
	}
	for (i = 0; i < NELEM(compare_args); i++)
		compare_add(compare_args[i].name, compare_args[i].nr,
		    compare_args[i].a, 0);
}

/*
 * TRACE for system call @nr, from a filter stacked on the one tested.
 * The architecture is not checked: the calls are native, and a foreign
 * one is killed by the filters below whatever this one says.
 */
static int
witness(long nr)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { NELEM(f), f };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* In the child: confine as @how says, make the call, report it. */
static void __attribute__((noreturn))
compare_child(struct env *e, const struct compare_case *k, enum confine how,
    int wit, int out)
{
	struct filter_notify_opts o = { .allow_net = 0 };
	struct outcome res = { 0, 0, 0 };
	long a[6];
	int i, fd;

	env_ids(e);
	if (k->detach && setsid() == -1)
		_exit(2);
	o.broker = e->parent;
	o.notify_nrs = notify_calls_numbers(&o.n_notify);
	if (how == CONFINE_WORKER && filter_lockdown(e->parent) == -1)
		_exit(3);
	if (how == CONFINE_RUN) {
		/* Unserved: the calls tried are not mediated ones. */
		if ((fd = filter_notify_install(&o)) == -1)
			_exit(4);
		close(fd);
	}
	if (wit && witness(k->c.nr) == -1)
		_exit(5);
	for (i = 0; i < 6; i++)
		a[i] = resolve(e, k->c.a[i]);
	errno = 0;
	res.r = syscall(k->c.nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	res.err = errno;
	_exit(write(out, &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 6);
}

static struct outcome
outcome_of(struct env *e, const struct compare_case *k, enum confine how,
    int wit)
{
	struct outcome res = { -2, 0, 0 };
	int p[2], st;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		compare_child(e, k, how, wit, p[1]);
	close(p[1]);
	if (read(p[0], &res, sizeof(res)) != (ssize_t)sizeof(res))
		res.r = -2;
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		res.killed = 1;
	else
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "%s: child status %#x", k->name, st);
	return res;
}

/* Whether the filter @how refused @k, by the rules above. */
static int
refused(struct env *e, const struct compare_case *k, enum confine how)
{
	struct outcome o = outcome_of(e, k, how, 1), x, u;

	if (o.killed)
		return 1;
	if (o.r != -1)
		return 0;
	if (o.err == EPERM || o.err == EACCES || o.err == EOPNOTSUPP)
		return 1;
	if (o.err != ENOSYS)
		return 0;
	x = outcome_of(e, k, how, 0);
	u = outcome_of(e, k, CONFINE_NONE, 0);
	return x.killed || (x.r == -1 && x.err == ENOSYS &&
	    !(u.r == -1 && u.err == ENOSYS));
}

/* A thread of the broker (this process), for A_THREAD. */
static void
broker_thread(struct env *e, pthread_t *t)
{
	e->thread = 0;
	ck_assert_int_eq(pipe2(thread_pipe, O_CLOEXEC), 0);
	ck_assert_int_eq(pthread_create(t, NULL, thread_tid, &e->thread), 0);
	while (__atomic_load_n(&e->thread, __ATOMIC_ACQUIRE) == 0)
		sched_yield();
}

static void
compare_one(const struct compare_case *k, int want)
{
	struct env e;
	pthread_t t;
	int w, r;

	env_init(&e);
	broker_thread(&e, &t);
	w = refused(&e, k, CONFINE_WORKER);
	r = refused(&e, k, CONFINE_RUN);
	ck_assert_int_eq(write(thread_pipe[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(w == want && r == want, "%s: refused by the worker's "
	    "lockdown: %s, by fdbroker-run's filters: %s", k->name,
	    w ? "yes" : "no", r ? "yes" : "no");
}

START_TEST(test_filter_compare_refused)
{
	compare_one(&compare[_i], 1);
}
END_TEST

START_TEST(test_filter_compare_allowed)
{
	struct compare_case k;

	memset(&k, 0, sizeof(k));
	k.c = compare_allowed[_i];
	snprintf(k.name, sizeof(k.name), "%s", k.c.name);
	compare_one(&k, 0);
}
END_TEST

/*
 * The filters without pids that fdbroker-run loads, built when it was
 * (filter-gen.c), are exactly those built now, for every combination of
 * the options they depend on, whatever the pids: the same program,
 * instruction for instruction, by the libseccomp loaded now.
 */
START_TEST(test_filter_prebuilt_same)
{
	const struct scmp_version *v = seccomp_version();
	static const pid_t pids[][2] = { { 0, 0 }, { 1, 0 }, { 4242, 77 } };
	const struct filter_notify_bpf *b = &filter_bpf.bpf[_i];
	struct filter_notify_opts o = { .allow_net = 0 };
	struct sock_fprog prog;
	size_t k;

	ck_assert_uint_eq(filter_bpf.n, 4);
	ck_assert(v->major == filter_bpf.major &&
	    v->minor == filter_bpf.minor && v->micro == filter_bpf.micro);
	ck_assert_uint_eq((unsigned)seccomp_api_get(), filter_bpf.api);
	ck_assert_int_eq(b->allow_net, _i & 1);
	ck_assert_int_eq(b->signals_scoped, _i >> 1);
	o.notify_nrs = notify_calls_numbers(&o.n_notify);
	o.notify_ioctls = notify_calls_ioctls(&o.n_notify_ioctls);
	o.allow_net = b->allow_net;
	o.signals_scoped = b->signals_scoped;
	o.prebuilt = &filter_bpf;	/* ignored by the export */
	for (k = 0; k < NELEM(pids); k++) {
		o.broker = pids[k][0] > 0 ? pids[k][0] : getpid();
		o.anchor = pids[k][1];
		ck_assert_int_eq(filter_notify_export(&o, FILTER_NOTIFY_ALLOW,
		    &prog), 0);
		ck_assert_uint_eq(prog.len, b->len);
		ck_assert(memcmp(prog.filter, b->prog,
		    b->len * sizeof(*b->prog)) == 0);
		free(prog.filter);
		/* The argument filter depends on no option: every time. */
		ck_assert_int_eq(filter_notify_export(&o, FILTER_NOTIFY_ARGS,
		    &prog), 0);
		ck_assert_uint_eq(prog.len, filter_bpf.args_len);
		ck_assert(memcmp(prog.filter, filter_bpf.args,
		    prog.len * sizeof(*prog.filter)) == 0);
		free(prog.filter);
	}
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc;

	tc = tcase_create("paths");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_loop_test(tc, test_filter_lockdown_path_refused, 0,
	    NELEM(path_calls));
	tcase_add_loop_test(tc, test_filter_lockdown_allowed, 0,
	    NELEM(allowed_calls));
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_loop_test(tc, test_filter_lockdown_refused, 0,
	    NELEM(refused_calls));
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("signals");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_loop_test(tc, test_filter_lockdown_signal_refused, 0,
	    NELEM(signal_refused));
	tcase_add_loop_test(tc, test_filter_lockdown_signal_allowed, 0,
	    NELEM(signal_allowed));
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_loop_test(tc, test_filter_compare_refused, 0,
	    (int)n_compare);
	tcase_add_loop_test(tc, test_filter_compare_allowed, 0,
	    NELEM(compare_allowed));
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("prebuilt");
	tcase_add_loop_test(tc, test_filter_prebuilt_same, 0, 4);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("lockdown");
	tcase_add_test(tc, test_filter_lockdown_valid);
	tcase_add_test(tc, test_filter_lockdown_invalid);
	tcase_add_test(tc, test_filter_fdb_lockdown_valid);
	tcase_add_test(tc, test_filter_fdb_lockdown_twice);
	tcase_add_test(tc, test_filter_lockdown_threads);
	tcase_add_test(tc, test_filter_lockdown_new_processes);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);

	tc = tcase_create("abi");
	tcase_add_test_raise_signal(tc, test_filter_lockdown_x32_killed,
	    SIGSYS);
	tcase_add_test(tc, test_filter_lockdown_x32_unconfined);
	tcase_add_test(tc, test_filter_lockdown_i386_killed);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == -1 && errno == EINVAL)
		return 77;
	/* fdbroker-run's filters need user notification (Linux 5.0). */
	if (filter_notify_supported() == -1)
		return 77;
	compare_build();
	if (n_compare > COMPARE_MAX) {
		fprintf(stderr, "check_filter: raise COMPARE_MAX\n");
		return 99;
	}
	return check_run(filter_suite());
}
