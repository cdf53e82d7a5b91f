/* SPDX-License-Identifier: MIT */
/*
 * cmdenv.h: what fdbroker-run sets up in the command's process before it
 * is confined: its working directory (--chdir), its environment
 * (--setenv, --unsetenv, --clearenv, in command-line order) and its
 * resource limits (--rlimit).  Internal to sandbox/.
 */
#ifndef FDBROKER_CMDENV_H
#define FDBROKER_CMDENV_H

#include <stddef.h>

#include "cli.h"

/*
 * cmdenv_apply: change to @dir (unless NULL), apply the @nenv changes of
 * @env to environ, then set each of the @nrl limits of @rl (soft and
 * hard).  Returns 0, or -1 with errno and in @err a one-line reason
 * naming the option ("--chdir /x: No such file or directory"); what was
 * applied before the failure stays.
 */
int cmdenv_apply(const char *dir, const struct run_env *env, size_t nenv,
		 const struct run_rlimit *rl, size_t nrl, char *err,
		 size_t errlen);

#endif /* FDBROKER_CMDENV_H */
