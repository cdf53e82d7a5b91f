/* SPDX-License-Identifier: MIT */
/*
 * landlock.c: builds and enforces a Landlock ruleset that handles only
 * LANDLOCK_ACCESS_FS_EXECUTE, with one path-beneath rule per x rule of
 * the policy.  Runs in the child before the seccomp filters; owns the
 * ruleset descriptor for the duration of the call only.
 *
 * Landlock can only allow, so a deny rule (or a rule without x) inside
 * an x tree is not expressed here: the broker refuses such an execve()
 * when it checks the path, and Landlock is the bound that holds even if
 * the command swaps the path after that check.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/landlock.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fd.h"
#include "landlock.h"
#include "policy.h"

static int	add_rule(int ruleset, const char *path);

int
landlock_restrict_exec(const struct fdb_policy *p)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE,
	};
	const struct policy_rule *rules;
	size_t i, n;
	int ruleset;

	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr), 0);
	if (ruleset == -1) {
		if (errno == ENOSYS)
			errno = EOPNOTSUPP;
		return -1;
	}
	rules = policy_rules(p, &n);
	for (i = 0; i < n; i++) {
		if ((rules[i].perms & FDB_X) == 0)
			continue;
		if (add_rule(ruleset, rules[i].path) == -1)
			return fd_close(ruleset);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) == -1)
		return fd_close(ruleset);
	fd_close(ruleset);
	return 0;
}

/*
 * The rule's path is opened as the kernel will see it at exec time,
 * following symlinks (Debian's /bin is usr/bin): the rule is on the
 * directory or file it names now.
 */
static int
add_rule(int ruleset, const char *path)
{
	struct landlock_path_beneath_attr pb = {
		.allowed_access = LANDLOCK_ACCESS_FS_EXECUTE,
	};
	int rc;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd == -1)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ?
		    0 : -1;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	fd_close(pb.parent_fd);
	return rc == -1 ? -1 : 0;
}
