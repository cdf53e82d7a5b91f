/* SPDX-License-Identifier: MIT */
/*
 * privdir.h: fdbroker-run's private directories: /dev/shm by default
 * (--host-shm: none), /tmp with --private-tmp.  src/remap.c says how the
 * broker shows them at those paths and why that is safe.
 */
#ifndef FDBROKER_PRIVDIR_H
#define FDBROKER_PRIVDIR_H

#include <stddef.h>

#include "cli.h"
#include "remap.h"

struct fdb_policy;

/*
 * privdir_setup: make the private roots @o asks for in @s (empty) and
 * grant each rwc in @p.  Refused (EINVAL) when a rule of @p lies at or
 * beneath one, or the command would start in one (its current directory
 * or --chdir): those mean the host's files, which the command would not
 * see.  Returns 0, or -1 with errno and a one-line reason in @err
 * (@errlen bytes); @s is then empty.
 */
int privdir_setup(struct remap_set *s, struct fdb_policy *p,
		  const struct run_opts *o, char *err, size_t errlen);

#endif /* FDBROKER_PRIVDIR_H */
