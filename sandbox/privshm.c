/* SPDX-License-Identifier: MIT */
/*
 * privshm.c: set up the private /dev/shm of a run for fdbroker-run: the
 * checks that it would be consistent, the directory, the grant.  The
 * broker does the rest (src/remap.c); fdbroker-run removes it after the
 * run with remap_clear().
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"
#include "policy.h"
#include "privshm.h"

#define SHM	"/dev/shm"

static int	 starts_in(const struct run_opts *o, char *err, size_t errlen);
static int	 in_shm(const char *path);

int
privshm_setup(struct remap_set *s, struct fdb_policy *p,
	      const struct run_opts *o, char *err, size_t errlen)
{
	const struct policy_rule *rules;
	size_t i, n;

	rules = policy_rules(p, &n);
	for (i = 0; i < n; i++) {
		if (in_shm(rules[i].path)) {
			snprintf(err, errlen, "a rule on %s: the command sees "
			    "a private " SHM " (use --host-shm)",
			    rules[i].path);
			errno = EINVAL;
			return -1;
		}
	}
	if (starts_in(o, err, errlen) == -1)
		return -1;
	if (remap_add(s, SHM) == -1 ||
	    fdb_policy_add(p, SHM, FDB_R | FDB_W | FDB_C) == -1) {
		snprintf(err, errlen, "private " SHM ": %s", strerror(errno));
		remap_clear(s);
		return -1;
	}
	return 0;
}

/* The command must not start in /dev/shm: it would be the host's. */
static int
starts_in(const struct run_opts *o, char *err, size_t errlen)
{
	char cwd[PATH_MAX], dir[PATH_MAX], norm[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    cli_abspath(cwd, o->chdir ? o->chdir : ".", dir, sizeof(dir)) ==
	    -1 || policy_normalise(dir, norm, sizeof(norm)) == -1) {
		snprintf(err, errlen, "current directory: %s",
		    strerror(errno));
		return -1;
	}
	if (!in_shm(norm))
		return 0;
	snprintf(err, errlen, "%s: the command would start in the host's "
	    SHM " but sees a private one (use --host-shm)", norm);
	errno = EINVAL;
	return -1;
}

/* Is the absolute, normalised @path /dev/shm or beneath it? */
static int
in_shm(const char *path)
{
	size_t n = strlen(SHM);

	return strncmp(path, SHM, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}
