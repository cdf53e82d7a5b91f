/* SPDX-License-Identifier: MIT */
/*
 * cmdenv.c: the command's working directory, environment and resource
 * limits (cmdenv.h).  Runs in the command's forked process, before
 * Landlock and the filter: these calls act on the process itself, and
 * none of them grants a file.  A working directory outside the policy
 * gives nothing either: every path the command names, relative ones
 * included, is still resolved and decided by the broker.
 */
#include "config.h"

#include <sys/resource.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdenv.h"
#include "errmsg.h"

static int	 apply_env(const struct run_env *e, char *err, size_t errlen);

int
cmdenv_apply(const char *dir, const struct run_env *env, size_t nenv,
	     const struct run_rlimit *rl, size_t nrl, char *err,
	     size_t errlen)
{
	struct rlimit lim;
	size_t i;

	if (dir != NULL && chdir(dir) == -1)
		return errmsg(err, errlen, errno, "--chdir %s: %s", dir,
		    strerror(errno));
	for (i = 0; i < nenv; i++)
		if (apply_env(&env[i], err, errlen) == -1)
			return -1;
	/*
	 * Soft and hard alike: the command may not raise a limit again
	 * (without CAP_SYS_RESOURCE; root keeps that capability).
	 */
	for (i = 0; i < nrl; i++) {
		lim.rlim_cur = lim.rlim_max = rl[i].value;
		if (setrlimit(rl[i].resource, &lim) == -1)
			return errmsg(err, errlen, errno, "--rlimit %s: %s%s",
			    rl[i].arg, strerror(errno), errno == EPERM ?
			    " (above the hard limit)" : "");
	}
	return 0;
}

static int
apply_env(const struct run_env *e, char *err, size_t errlen)
{
	switch (e->op) {
	case RUN_ENV_SET:
		if (setenv(e->var, e->value, 1) == -1)
			return errmsg(err, errlen, errno,
			    "--setenv %s: %s", e->var,
			    strerror(errno));
		return 0;
	case RUN_ENV_UNSET:
		if (unsetenv(e->var) == -1)
			return errmsg(err, errlen, errno,
			    "--unsetenv %s: %s", e->var,
			    strerror(errno));
		return 0;
	case RUN_ENV_CLEAR:
		if (clearenv() != 0)
			return errmsg(err, errlen, errno, "--clearenv: %s",
			    strerror(errno));
		return 0;
	}
	errno = EINVAL;
	return errmsg(err, errlen, errno, "bad environment change");
}

