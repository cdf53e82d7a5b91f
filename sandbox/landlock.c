/* SPDX-License-Identifier: MIT */
/*
 * landlock.c: the broker's own Landlock ruleset (issue 5, defence in
 * depth), and the steps every ruleset takes: the ABI, a ruleset with
 * its scopes, a rule, enforcement.  The command's ruleset, the exact
 * image of the x decisions, is built in landlock-exec.c.
 *
 * The broker's ruleset is the union of every grant of the policy, so
 * that a broker bug that forgets a check still cannot open what no rule
 * grants.  Landlock only allows, so deny rules and the
 * most-specific-rule-wins order of SPEC §3 are not expressed: the union
 * is an upper bound of the policy (what a --deny carves out of a granted
 * tree stays reachable to the kernel), which is what a second line
 * needs; the broker's own check stays the primary guard.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/landlock.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "landlock.h"
#include "policy.h"

/* Older uapi headers (Debian 12's 6.1) lack the ABI 3 right. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif

#define LL_R	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_W	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define LL_C	(LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM | \
	LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)
/*
 * execve() opens the file for reading as far as Landlock is concerned
 * (FMODE_READ with __FMODE_EXEC), so x alone needs READ_FILE too.
 */
#define LL_X	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE)
/* The rights a rule on a file (not a directory) may hold. */
#define LL_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
/* Handled, never granted: the broker refuses devices (broker-ops.h). */
#define LL_DEV	(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK)

static int	add_rule(int ruleset, const char *path, __u64 access);
static int	add_broker_rule(int ruleset, const char *path, __u64 access,
		    __u64 c);
static int	add_pty_peers(int ruleset, const struct fdb_policy *p,
		    __u64 handled);
static __u64	broker_handled(int abi);
static __u64	broker_access(unsigned perms);

/* The attributes of landlock_create_ruleset() up to ABI 6's scopes. */
struct ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;	/* ABI 4 */
	__u64 scoped;			/* ABI 6 */
};

int
landlock_abi(void)
{
	int abi;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : abi;
}

int
landlock_ruleset(__u64 fs, __u64 scoped)
{
	struct ruleset_attr attr = {
		.handled_access_fs = fs,
		.scoped = scoped,
	};
	int fd;

	/* A kernel older than the scopes takes the first field alone. */
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, scoped != 0 ?
	    sizeof(attr) : sizeof(attr.handled_access_fs), 0);
	if (fd == -1 && errno == ENOSYS)
		errno = EOPNOTSUPP;
	return fd;
}

int
landlock_add(int ruleset, int fd, __u64 access)
{
	struct landlock_path_beneath_attr pb = {
		.allowed_access = access,
		.parent_fd = fd,
	};

	return (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1 ? -1 : 0;
}

int
landlock_scope_self(void)
{
	int rs;

	if (landlock_abi() < 6) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if ((rs = landlock_ruleset(0, LANDLOCK_SCOPES)) == -1)
		return -1;
	return landlock_enforce(rs);
}

int
landlock_enforce(int ruleset)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) == -1)
		return fd_close(ruleset);
	fd_close(ruleset);
	return 0;
}

/*
 * The rule's path is opened following symlinks: the broker's ruleset is
 * an upper bound, and a link in a rule's path (Debian's /bin is usr/bin)
 * must not take away what the broker may need to reach through it.
 */
static int
add_rule(int ruleset, const char *path, __u64 access)
{
	struct stat st;
	int fd, rc;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ?
		    0 : -1;
	/* The kernel refuses directory rights (EINVAL) on a file rule. */
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LL_FILE;
	/* Nothing left to allow (c on a file): no rule, as the kernel wants. */
	rc = access == 0 ? 0 : landlock_add(ruleset, fd, access);
	fd_close(fd);
	return rc;
}

/*
 * Called in the broker before it forks the command, not after: Landlock
 * lets a confined process ptrace (open /proc/TID/mem, pidfd_getfd(),
 * /proc/TID/fd) only a process whose domain is nested in its own, and
 * the command's domain (landlock_exec_ruleset) is nested in the
 * broker's only if the command inherits it.  So the broker keeps
 * EXECUTE on the x rules although it never executes anything itself: a
 * second, exec-free layer added after the fork would no longer be an
 * ancestor of the command's domain.  The command inheriting the union
 * loses nothing: every file access it makes goes through the broker.
 *
 * From ABI 6 the broker may not signal outside its domain either: it
 * signals only the command, whose domain is nested in its own.  It is
 * not scoped for abstract unix sockets: it connects them on the
 * command's behalf (broker-fd.c), and what it may reach there is the
 * policy's question, not its ruleset's.
 */
int
landlock_restrict_broker(const struct fdb_policy *p)
{
	const struct policy_rule *rules;
	size_t i, n;
	__u64 handled, access;
	int ruleset, abi = landlock_abi();

	if ((handled = broker_handled(abi)) == 0) {
		errno = EOPNOTSUPP;
		return -1;
	}
	ruleset = landlock_ruleset(handled, abi >= 6 ?
	    LANDLOCK_SCOPE_SIGNAL : 0);
	if (ruleset == -1)
		return -1;
	/*
	 * /proc: the targets' memory (read and written: stat results go
	 * back through /proc/TID/mem), status, cwd and fd links, and the
	 * broker's own /proc/self/fd reopenings.
	 */
	if (add_rule(ruleset, "/proc", (LL_R | LL_W) & handled) == -1)
		return fd_close(ruleset);
	rules = policy_rules(p, &n);
	for (i = 0; i < n; i++) {
		access = broker_access(rules[i].perms) & handled;
		if (access != 0 && add_broker_rule(ruleset, rules[i].path,
		    access, access & LL_C) == -1)
			return fd_close(ruleset);
	}
	if (add_pty_peers(ruleset, p, handled) == -1)
		return fd_close(ruleset);
	return landlock_enforce(ruleset);
}

/*
 * Where the policy grants /dev/ptmx, the command may open the other end
 * of a pseudo-terminal it made: TIOCGPTPEER on its master opens
 * /dev/pts/N in the command, checked against the domain it inherited
 * from the broker.  Files only, never the directory's listing.  Nothing
 * else opens a path in the command (open and its kin go to the broker,
 * whose policy does not grant /dev/pts), so another login's terminal
 * stays out of reach.
 */
static int
add_pty_peers(int ruleset, const struct fdb_policy *p, __u64 handled)
{
	if (!policy_allows(p, "/dev/ptmx", FDB_R | FDB_W, NULL))
		return 0;
	return add_rule(ruleset, "/dev/pts", (LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE) & handled);
}

/*
 * One rule of the broker's bound.  Landlock rules name inodes that exist
 * when the ruleset is made, and are trees; the policy names paths, some
 * made later (a -c directory, --learn's exact rules).  So a rule on a
 * path that does not exist yet holds for the nearest directory above it
 * that does (never "/" as a whole), and c on a file, which is making and
 * removing that entry, is checked on the directory it is in: the parent
 * gets the c rights.  Either way the bound is wider than the policy,
 * whose check stays the primary guard.
 */
static int
add_broker_rule(int ruleset, const char *path, __u64 access, __u64 c)
{
	char p[PATH_MAX], *slash;
	struct stat st;
	int climbed = 0;

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return 0;
	while (stat(p, &st) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			return 0;
		if ((slash = strrchr(p, '/')) == NULL || slash == p)
			return 0;
		*slash = '\0';
		climbed = 1;
	}
	if (add_rule(ruleset, p, access | (climbed ? c : 0)) == -1)
		return -1;
	if (climbed || c == 0 || S_ISDIR(st.st_mode) ||
	    (slash = strrchr(p, '/')) == NULL || slash == p)
		return 0;
	*slash = '\0';
	return add_rule(ruleset, p, c);
}

/*
 * What a kernel of Landlock ABI @abi can handle, 0 without Landlock.
 * ABI 1 is refused: it denies every rename and link across directories
 * (there is no REFER to grant), which would break requests the policy
 * allows.
 */
static __u64
broker_handled(int abi)
{
	__u64 all = LL_R | LL_W | LL_C | LL_X | LL_DEV;

	if (abi < 2)
		return 0;
	if (abi < 3)
		all &= ~(__u64)LANDLOCK_ACCESS_FS_TRUNCATE;
	return all;
}

/* The Landlock rights of @perms, on a directory and all beneath it. */
static __u64
broker_access(unsigned perms)
{
	__u64 a = 0;

	if (perms & FDB_R)
		a |= LL_R;
	if (perms & FDB_W)
		a |= LL_W;
	if (perms & FDB_C)
		a |= LL_C;
	if (perms & FDB_X)
		a |= LL_X;
	return a;
}
