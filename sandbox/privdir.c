/* SPDX-License-Identifier: MIT */
/*
 * privdir.c: set up the private directories of a run for fdbroker-run:
 * the checks that they would be consistent, the directories, the grants.
 * The broker does the rest (src/remap.c); the anchor and fdbroker-run
 * remove them after the run with remap_clear().
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"
#include "policy.h"
#include "privdir.h"

/* Each private directory, and the option that says otherwise. */
static const struct {
	const char *path;
	const char *hint;	/* how to have the host's */
} dirs[] = {
	{ "/dev/shm", "use --host-shm" },
	{ "/tmp", "drop --private-tmp" },
};

#define NDIRS	(sizeof(dirs) / sizeof(dirs[0]))

static int	 wanted(const struct run_opts *o, size_t i);
static int	 consistent(const struct fdb_policy *p, const char *norm,
		    size_t i, char *err, size_t errlen);
static void	 start_dir(const struct run_opts *o, char norm[PATH_MAX]);
static int	 under(const char *path, const char *root);

int
privdir_setup(struct remap_set *s, struct fdb_policy *p,
	      const struct run_opts *o, char *err, size_t errlen)
{
	char norm[PATH_MAX];
	size_t i;

	start_dir(o, norm);
	for (i = 0; i < NDIRS; i++) {
		if (!wanted(o, i))
			continue;
		if (consistent(p, norm, i, err, errlen) == -1)
			goto fail;
		if (remap_add(s, dirs[i].path) == -1 ||
		    fdb_policy_add(p, dirs[i].path, FDB_R | FDB_W | FDB_C) ==
		    -1) {
			snprintf(err, errlen, "private %s: %s", dirs[i].path,
			    strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	remap_clear(s);
	errno = EINVAL;
	return -1;
}

static int
wanted(const struct run_opts *o, size_t i)
{
	return i == 0 ? !o->host_shm : o->private_tmp;
}

/*
 * No rule at or beneath private directory @i, and the command does not
 * start there (@norm): either would mean the host's directory.
 */
static int
consistent(const struct fdb_policy *p, const char *norm, size_t i,
	   char *err, size_t errlen)
{
	const struct policy_rule *rules;
	size_t k, n;

	rules = policy_rules(p, &n);
	for (k = 0; k < n; k++) {
		if (under(rules[k].path, dirs[i].path)) {
			snprintf(err, errlen, "a rule on %s: the command sees "
			    "a private %s (%s)", rules[k].path, dirs[i].path,
			    dirs[i].hint);
			return -1;
		}
	}
	if (!under(norm, dirs[i].path))
		return 0;
	snprintf(err, errlen, "%s: the command would start in the host's %s "
	    "but sees a private one (%s)", norm, dirs[i].path, dirs[i].hint);
	return -1;
}

/*
 * Where the command starts: --chdir, else here; normalised.  "" when
 * that cannot be told (a current directory removed): the check is for
 * consistency, and such a start is under no path.
 */
static void
start_dir(const struct run_opts *o, char norm[PATH_MAX])
{
	char cwd[PATH_MAX], dir[PATH_MAX];

	if (o->chdir != NULL && o->chdir[0] == '/')
		snprintf(cwd, sizeof(cwd), "/");
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	if (cwd[0] == '\0' ||
	    cli_abspath(cwd, o->chdir ? o->chdir : ".", dir, sizeof(dir)) ==
	    -1 || policy_normalise(dir, norm, PATH_MAX) == -1)
		norm[0] = '\0';
}

/* Is the absolute, normalised @path @root or beneath it? */
static int
under(const char *path, const char *root)
{
	size_t n = strlen(root);

	return strncmp(path, root, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}
